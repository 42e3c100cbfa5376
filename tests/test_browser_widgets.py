"""The live segment explorer (chapter 05) and dashboard (chapter 07) in a real JupyterLab,
driven by chromium: run the notebook, move the controls, and watch tables and charts change.

A small notebook builds both views with ``static=False`` (what ``interactive = True`` gives
in the chapters) on small, hand-made data: channel "app" exists only in region North, so
asking for app sales in South must say that no rows match. Every wait is a condition with a
generous timeout (the machine may be busy), never a fixed sleep.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser import TIMEOUT_MS, browser_page, chromium_path
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.xdist_group("browser")
ROOT = Path(__file__).resolve().parent.parent

CELLS = [
    "import numpy as np\nimport pandas as pd\nimport crm_helpers as crm",
    # RFM values of 60 members
    "rng = np.random.default_rng(5)\n"
    "rfm = pd.DataFrame({'customer_id': range(1, 61), 'recency_days': rng.integers(1, 400, 60),\n"
    "                    'frequency': rng.integers(1, 12, 60), 'monetary': rng.gamma(2.0, 300.0, 60)})",
    "explorer = crm.widgets.SegmentExplorer(rfm, 'rfm', static=False, recency_days=30,\n"
    "                                       frequency=3, monetary=400)\nexplorer",
    # 40 receipts over four months; 'app' only in North
    "n = 40\n"
    "table = pd.DataFrame({'customer_id': np.arange(n) % 12, 'receipt_id': np.arange(n),\n"
    "    'sku': [f'p{i % 5}' for i in range(n)], 'product': [f'商品 {i % 5}' for i in range(n)],\n"
    "    'timestamp': pd.date_range('2024-01-03', periods=n, freq='3D'),\n"
    "    'amount': 10.0 + np.arange(n), 'region': ['North', 'South'] * (n // 2),\n"
    "    'channel': ['app', 'store', 'store', 'store'] * (n // 4)})",
    "board = crm.dashboard.Dashboard(table, static=False)\nboard",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)  # poll interval while the server starts, not a wait for a result
    raise TimeoutError(f"JupyterLab did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free localhost port with a token, serving the small notebook."""
    chromium_path()  # skip (or fail in CI) before starting a server for nothing
    root = tmp_path_factory.mktemp("lab")
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "crm-course", "display_name": "Python (CRM course)",
                                 "language": "python"}  # fmt: skip
    nbformat.write(nb, root / "live.ipynb")
    # render every cell (JupyterLab 4 otherwise detaches cells scrolled out of view)
    settings = root / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = root / ".settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_PREFER_ENV_PATH": "1",
           "JUPYTER_RUNTIME_DIR": str(root / ".runtime"), "JUPYTER_CONFIG_DIR": str(root / ".cfg")}  # fmt: skip
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={root / '.ws'}", f"--LabApp.user_settings_dir={root / '.settings'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--allow-root",
    ]  # fmt: skip
    log = (root / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", proc, 180)
        yield f"http://127.0.0.1:{port}/lab/tree/live.ipynb?token={token}"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _run_all(page, url: str) -> None:
    page.goto(url)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for()
    first_prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    for attempt in range(3):  # a click while the kernel is still connecting can be lost
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(
                "el => /\\[[*0-9]+\\]/.test(el.innerText)",
                arg=first_prompt.element_handle(),
                timeout=60_000 * (attempt + 1),
            )
            return
        except Exception:
            if attempt == 2:
                raise


def _text(locator) -> str:
    return locator.inner_text(timeout=TIMEOUT_MS)


def _real_errors(errors: list[str]) -> list[str]:
    # the server's optional services (news, extension listings) are off; anything left counts
    return [e for e in errors if "favicon" not in e]


def test_explorer_and_dashboard_respond_in_jupyterlab(lab):
    with browser_page() as (page, errors):
        _run_all(page, lab)
        explorer = page.locator(".jp-CodeCell").nth(
            2
        )  # cells: imports, data, explorer, data, board
        views = page.locator(".crm-view")
        views.nth(1).wait_for()  # both live views have drawn their first state
        first = explorer.locator(".crm-view")
        assert "recent ≤ 30 days" in _text(first)
        before_table, before_img = (
            _text(first.locator("table")),
            first.locator("img").get_attribute("src"),
        )

        readout = explorer.locator(".widget-readout").first  # the "recent" slider's number box
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("365")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.crm-view')].some(v => v.innerText.includes('recent ≤ 365 days'))",
            timeout=TIMEOUT_MS,
        )  # fmt: skip
        first = explorer.locator(".crm-view")
        assert _text(first.locator("table")) != before_table  # customers moved between segments
        assert first.locator("img").get_attribute("src") != before_img  # the chart was redrawn
        assert " %" in _text(first.locator("table"))  # shares as percentages

        board = page.locator(".jp-CodeCell").nth(4)
        kpis_before = _text(board.locator(".crm-view table"))
        board.locator(".widget-select-multiple", has_text="channel").locator(
            "select"
        ).select_option(["app"])
        page.wait_for_function(
            "() => [...document.querySelectorAll('.crm-view')].some(v => v.innerText.includes('channel: app'))",
            timeout=TIMEOUT_MS,
        )  # fmt: skip
        assert _text(board.locator(".crm-view table")) != kpis_before
        assert board.locator(".crm-view img").count() == 1

        board.locator(".widget-select-multiple", has_text="region").locator("select").select_option(
            ["South"]
        )
        board.locator(".crm-empty").wait_for()
        assert "No rows match these filters" in _text(board.locator(".crm-empty"))
        assert board.locator(".crm-view img").count() == 0  # no empty axes
        assert "Ctrl-click" in _text(board)  # multi-select is explained next to the lists
        assert not _real_errors(errors), errors
