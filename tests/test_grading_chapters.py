"""The instructor's own answers get full marks on every chapter (issue 18).

Two levels, both on every chapter in ``notebooks/`` (01-08 have autograded exercises; 09,
the plan design, has written answers only, marked by hand):

* ``test_every_check_passes_on_the_instructors_answers`` (in ``make test``): the grader's
  reference run of the chapter (the instructor's notebook, only the cells its checks need,
  in-process, small parameters) judges every check on the instructor's own answers, sent
  through the same data round trip a student's answers take (``test_grading_full.py``
  repeats it on a re-run seed). A check that fails there would be a grader error for
  every student. About a minute of CPU for all chapters.
* ``tests/test_grading_full.py`` (``make test-grading`` only; minutes a chapter): the
  chapter's release with the instructor's solutions typed into its answer
  cells is graded end to end (sandboxed kernel, re-run on a secret seed): every autograded
  exercise gets its full points. Chapter 01 is graded this way in ``test_grading.py``'s
  batch too (the ``correct`` student).

The expected points are the ``points`` of the instructor notebook's check cells.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from crm_helpers import grading
from crm_helpers._kernel import notebook_parameters
from crm_helpers.grading.judge import Reference

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"seed": 3, "n_customers": 800, "include_online_retail": False}
RESEED = 3 + 1000  # another seed for the re-run (the grader draws a secret one)
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _params(path: Path, seed: int) -> dict:
    declared = notebook_parameters(path)
    return {**declared, **{k: v for k, v in SMALL.items() if k in declared}, "seed": seed}


def _auto_points(path: Path) -> dict[str, float]:
    exs = grading.exercises(nbformat.read(path, 4))
    return {e.grade_id: e.points for e in exs if e.kind == "auto"}


def test_every_chapter_is_checked():
    assert [p.stem[:2] for p in CHAPTERS] == [f"{i:02d}" for i in range(1, 10)]
    with_checks = [p.stem[:2] for p in CHAPTERS if _auto_points(p)]
    assert with_checks == [f"{i:02d}" for i in range(1, 9)]  # 09: written answers only


def check_every_check_passes(chapter: Path, seed: int) -> None:
    ref = Reference(chapter, _params(chapter, seed))
    assert sorted(ref.plan) == sorted(_auto_points(chapter))
    assert ref.broken == {}, (ref.broken, ref.errors)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_check_passes_on_the_instructors_answers(chapter: Path):
    check_every_check_passes(chapter, SMALL["seed"])
