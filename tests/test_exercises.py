"""The exercise conventions (docs/EXERCISES.md), checked on every notebook.

- answer cells are nbgrader solution cells with a ``### BEGIN SOLUTION`` region;
- each autograded cell has points, starts with a visible ``crm.check(...)`` the student can
  run, and has a hidden-tests region that computes its expectation through the helpers;
- written answers are hand-graded markdown solution cells;
- the student version (made by nbgrader's own preprocessors) has no solution code and no
  hidden tests, runs top to bottom, and its checks answer "not answered yet".
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from crm_helpers._kernel import local_kernel_manager_class
from crm_helpers.course import KERNEL_NAME

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_EXERCISES = {  # autograded test cells a chapter has (a floor: removing one fails)
    "01_overview": 8,
    "02_identification": 9,
    "03_communication": 8,
    "04_satisfaction": 9,
    "05_segmentation": 7,
    "06_loyalty": 8,
    "07_data_analysis": 8,
    "08_implementation": 5,
}
MIN_GRADED = 6  # graded cells (autograded tests and written answers) in each chapter 01-08
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
TOLERANCE = re.compile(r"\b(rel|abs|abs_|atol|rtol)\s*=\s*[\d.e+-]+")
NUMBER = re.compile(r"(?<![\w.])\d+\.\d+|(?<![\w.])\d{2,}(?![\w.])")


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _autograded(nb) -> list:
    return [
        c
        for c in nb.cells
        if c.cell_type == "code" and _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")
    ]


def student_version(path: Path):
    nb = nbformat.read(path, as_version=4)
    resources: dict = {}
    nb, resources = ClearSolutions().preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markup_follows_the_conventions(path: Path):
    nb = nbformat.read(path, as_version=4)
    ids = [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c)]
    assert len(ids) == len(set(ids)), "grade_id values must be unique"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", []), "first code cell: parameters"
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if not meta:
            continue
        gid = meta["grade_id"]
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, gid
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"{gid}: a graded cell needs points"
        if meta.get("grade") and not meta.get("solution"):
            assert cell.cell_type == "code" and meta.get("locked"), f"{gid}: locked code cell"
            assert cell.source.lstrip().startswith("crm.check("), f"{gid}: visible check first"
            hidden = HIDDEN.findall(cell.source)
            assert hidden, f"{gid}: hidden tests missing"
            for block in hidden:
                assert "crm." in block, f"{gid}: hidden tests must compute through the helpers"
                asserts = [ln for ln in block.splitlines() if ln.strip().startswith("assert")]
                compared = TOLERANCE.sub("", "\n".join(asserts))
                literals = NUMBER.findall(compared)
                assert not literals, f"{gid}: hidden tests compare with literal numbers {literals}"
    need = MIN_EXERCISES.get(path.stem, 0)
    assert len(_autograded(nb)) >= need, f"{path.stem} needs at least {need} autograded exercises"
    if path.stem in MIN_EXERCISES:
        graded = [c for c in nb.cells if _nbgrader(c).get("grade")]
        assert len(graded) >= MIN_GRADED, f"{path.stem} needs at least {MIN_GRADED} graded cells"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_version_hides_answers_and_its_checks_say_not_answered(path: Path, tmp_path):
    nb = student_version(path)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    instructor = nbformat.read(path, as_version=4)
    for cell in instructor.cells:
        if _nbgrader(cell).get("solution") and cell.cell_type == "code":
            body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
            for line in body.group(1).strip().splitlines():
                assert line.strip() not in text, f"solution line leaked: {line.strip()!r}"

    nb.cells[0]  # run the student version as a student would (with small parameters)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source += f"\nn_customers = 800\nseed = 3\noutput_dir = {str(tmp_path)!r}\n"
    client = NotebookClient(
        nb, kernel_name=KERNEL_NAME, allow_errors=True, timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
        kernel_manager_class=local_kernel_manager_class(),
    )  # fmt: skip
    client.execute()
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        meta = _nbgrader(cell)
        if meta.get("grade") and not meta.get("solution"):
            assert errors, f"{meta['grade_id']}: an unanswered exercise must not pass"
            assert any("not answered yet" in o.evalue for o in errors), errors[0].evalue
        elif meta.get("solution"):
            # a value answer stops at its placeholder; a function answer defines a stub
            assert all(o.ename == "NotImplementedError" for o in errors), meta["grade_id"]
        else:
            assert not errors, f"a teaching cell failed in the student version: {cell.source[:80]}"
