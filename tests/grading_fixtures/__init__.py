"""Simulated submissions of a chapter, made from its release and its instructor version.

Each builder takes the released (student) notebook and fills its answer cells with code, as
a student would: the instructor's solutions (correct), mistakes, and adversarial code. Used
by ``tests/test_grading.py`` and ``benchmarks/bench_grading.py``; nothing is stored.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import nbformat

SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def solutions(instructor: Path) -> dict[str, str]:
    """The instructor's answer cells (markers removed), by grade_id."""
    nb = nbformat.read(instructor, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: SOLUTION_MARKER.sub("", c.source)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def fill(released: Path, answers: dict[str, str]):
    """The released notebook with some answer cells replaced (others left unanswered)."""
    nb = nbformat.read(released, as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers and c.metadata["nbgrader"].get("solution"):
            c.source = answers[gid]
    return nb


def write(nb, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def drop_cells(nb, predicate: Callable) -> None:
    nb.cells = [c for c in nb.cells if not predicate(c)]


def gid(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def broken_json(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('{"cells": [ {"cell_type": "code", "source": "x = 1"', encoding="utf-8")
    return path


def with_saved_errors(nb):
    """As saved after a run that failed: error outputs in the answer and check cells."""
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if c.cell_type == "code" and c.metadata.get("nbgrader"):
            c.outputs = [
                nbformat.v4.new_output(
                    "error", ename="NameError", evalue="name 'x' is not defined", traceback=[]
                )
            ]
            c.execution_count = 3
    return nb


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
