"""Shared test set-up: the repo root and the project's own Jupyter kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from xdist_groups import scheduler_hook

from crm_helpers.runner import skip_iri_grammar

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
skip_iri_grammar()  # 2-5 s a worker of grammar compiling when nbformat is imported


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# The longest group (the grading batch, minutes on one worker) starts first, so that the
# other worker takes the rest of the suite beside it instead of waiting at the end; then the
# long modules whose tests spread over both workers (each runs chapters on own-data files).
LONG_GROUPS = ("grading", "plan_report")
LONG_MODULES = ("test_own_data.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        mark = item.get_closest_marker("xdist_group")
        group = mark.args[0] if mark and mark.args else None
        if group in LONG_GROUPS:
            return LONG_GROUPS.index(group)
        return len(LONG_GROUPS) + (item.path.name not in LONG_MODULES)

    items.sort(key=rank)  # stable: the collection order within each rank


# --dist loadgroup by each module's `pytestmark` group (pytest 9.2 drops xdist's own grouping)
pytest_xdist_make_scheduler = scheduler_hook(Path(__file__).parent, ROOT)
