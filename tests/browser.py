"""Shared set-up of the browser tests: Debian's chromium driven by Playwright.

Playwright cannot download its own browser here, so it drives the system's chromium
(``make setup`` installs it with apt when run as root). Without chromium the browser tests
are skipped on a workstation and fail in CI (``CI=true``): they are part of ``make test``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
#: Generous: the machine running the tests may be busy.
TIMEOUT_MS = 180_000


def chromium_path() -> str:
    """The system chromium, or skip (fail under CI) with what to install."""
    path = os.environ.get("CRM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    problem = ""
    if not os.path.exists(path):
        problem = "chromium is not installed (Debian: `apt-get install chromium`, or `make setup`)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the Python package playwright is missing (`pip install -e '.[test]'`)"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests must run in CI: {problem}")
        pytest.skip(problem)
    return path


@contextmanager
def browser_page() -> Iterator[tuple[Any, list[str]]]:
    """A fresh chromium page and the list its JavaScript errors are collected into."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.on(
                "console",
                lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
            )
            try:
                yield page, errors
            except BaseException:
                shots = os.environ.get("CRM_BROWSER_SHOTS")  # where to keep a failure's picture
                if shots:
                    page.screenshot(path=os.path.join(shots, "failure.png"), full_page=True)
                raise
        finally:
            browser.close()
