"""The instructor's own answers get full marks on every chapter, graded end to end (issue
18). Slow (minutes a chapter, every notebook run twice in a sandboxed kernel), so it runs
in ``make test-grading``, not in ``make test``; ``test_grading_chapters.py`` is its cheap
counterpart there (every check judged on the instructor's answers, in-process).

Each chapter's release with the instructor's solutions typed into its answer cells is
graded like a student's submission (sandbox, re-run on a secret seed); every autograded
exercise must get the ``points`` of its check cell in the instructor notebook.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_fixtures import fill, solutions, write
from test_grading_chapters import CHAPTERS, RESEED, SMALL, _auto_points, check_every_check_passes

from crm_helpers import grading

# the same group as test_grading.py: one worker, after its batch (whose checks look for
# cgroups left behind by any grading run)
pytestmark = pytest.mark.xdist_group("grading")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release")
    grading.release([p.stem for p in CHAPTERS], out)
    return out


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_instructors_answers_get_full_marks(chapter: Path, released: Path, tmp_path):
    rel = released / chapter.stem / chapter.name
    write(fill(rel, solutions(chapter)), tmp_path / "subs" / "instructor", chapter.name)
    limits = grading.Limits(timeout=1800, cell_timeout=600, memory_mb=3072)
    res = grading.grade_submission(
        chapter.stem, "instructor", tmp_path / "subs" / "instructor",
        params=SMALL, limits=limits, pdf=False, out_dir=tmp_path / "grades",
    )  # fmt: skip
    assert res["status"] == "graded", res.get("reason")
    got = {g: r["points"] for g, r in res["exercises"].items() if r["status"] != "manual"}
    assert got == _auto_points(chapter), {
        g: (r["status"], r.get("hint", "")[:200]) for g, r in res["exercises"].items()
    }
    assert not [f for f in res["flags"] if f.startswith(("hardcoded", "reseed", "timeout"))]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_check_passes_on_a_reseed(chapter: Path):
    """The cheap check of ``test_grading_chapters.py`` on another seed: the hidden tests
    hold for the instructor's answers on other data too."""
    check_every_check_passes(chapter, RESEED)
