"""make test's `--dist loadgroup`: a group's tests run on one worker and share its module
fixtures (pytest 9.2 broke xdist's own grouping, pytest-xdist#1386)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xdist_groups import module_groups

HERE = Path(__file__).resolve().parent

CONFTEST = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(HERE)!r})
from xdist_groups import scheduler_hook
pytest_xdist_make_scheduler = scheduler_hook(Path(__file__).parent, Path(__file__).parent.parent)
"""

GROUPED = """
import os
import pytest
pytestmark = pytest.mark.xdist_group("heavy")

@pytest.fixture(scope="module")
def built():
    with open(os.environ["SETUP_LOG"], "a") as fh:
        fh.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")

@pytest.mark.parametrize("i", range(12))
def test_uses_it(built, i):
    pass
"""


def test_the_repositorys_groups_are_found(root: Path):
    groups = module_groups(root / "tests", root)
    assert groups["tests/test_grading.py"] == "grading"
    assert groups["tests/test_plan_report.py"] == "plan_report"
    assert "tests/test_segment.py" not in groups


def test_a_groups_module_fixture_is_built_once_on_one_worker(tmp_path: Path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(CONFTEST)
    (tests / "test_heavy.py").write_text(GROUPED)
    for k in range(12):  # other work, so that both workers are busy
        (tests / f"test_light_{k}.py").write_text(f"def test_{k}():\n    pass\n")
    log = tmp_path / "setups.log"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            "tests",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "SETUP_LOG": str(log)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "24 passed" in run.stdout, run.stdout
    assert log.read_text().split() in (["gw0"], ["gw1"]), log.read_text()
