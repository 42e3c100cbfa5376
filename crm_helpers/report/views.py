"""Two views of every chapter: the student view and the instructor key (学生版 / 教师版).

The course's notebooks are instructor notebooks (docs/EXERCISES.md): answer cells hold the
solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, check cells hold hidden
tests, written answers hold a rubric and a model answer. The **student view** (the default
of ``crm-course pdf``, ``make course`` and the site) is what a student may see:

* solution regions become the student's placeholder (nbgrader's ``ClearSolutions``), so
  rubrics and model answers go with them; hidden tests are removed (``ClearHiddenTests``);
* answer and check cells lose their outputs (they would show the solution's results);
* nbgrader's metadata (the grading markers) is dropped.

The **instructor key** is the notebook unchanged, under a banner saying so.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> cell = new_code_cell("x = None\\n### BEGIN SOLUTION\\nx = 42\\n### END SOLUTION")
>>> cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "a",
...                              "locked": False, "schema_version": 3}
>>> student = student_view(new_notebook(cells=[cell]))
>>> "42" in student.cells[0].source, "nbgrader" in student.cells[0].metadata
(False, False)
>>> has_grading_material(student), has_grading_material(new_notebook(cells=[cell]))
(False, True)
"""

from __future__ import annotations

import copy
import re
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

__all__ = ["VIEWS", "student_view", "instructor_key", "make_view", "has_grading_material"]

#: The views :func:`make_view` knows: ``student`` (default), ``key``, ``as-is`` (unchanged).
VIEWS: tuple[str, ...] = ("student", "key", "as-is")

_MARKERS = re.compile(
    r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|BEGIN RUBRIC|"
    r"Rubric\b|评分标准|model answer|参考答案"
)
KEY_BANNER = (
    "> **Instructor key 教师版** — solutions, hidden tests and rubrics included. "
    "Do not hand this version to students; `crm-course pdf` gives the student view by default."
)


def student_view(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` without solutions, hidden tests, rubrics, model answers, grading
    markers, or the outputs of answer and check cells."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = copy.deepcopy(nb)
    resources: dict[str, Any] = {}
    nb, resources = ClearSolutions(enforce_metadata=False).preprocess(nb, resources)
    nb, resources = ClearHiddenTests(enforce_metadata=False).preprocess(nb, resources)
    for cell in nb.cells:
        meta = cell.metadata.pop("nbgrader", None)
        if meta and cell.cell_type == "code" and (meta.get("solution") or meta.get("grade")):
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("nbgrader", None)
    return nb


def instructor_key(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` under a banner that marks it as the instructor key."""
    nb = copy.deepcopy(nb)
    nb.cells.insert(0, new_markdown_cell(KEY_BANNER))
    return nb


def make_view(nb: NotebookNode, view: str = "student") -> NotebookNode:
    """``nb`` as the ``view`` in :data:`VIEWS`."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}; got {view!r}.")
    if view == "student":
        return student_view(nb)
    if view == "key":
        return instructor_key(nb)
    return nb


def has_grading_material(nb: NotebookNode) -> bool:
    """Whether any cell still holds a solution region, hidden tests, a rubric or nbgrader
    metadata (what a student view must not contain)."""
    return any("nbgrader" in c.metadata or _MARKERS.search(c.source) is not None for c in nb.cells)
