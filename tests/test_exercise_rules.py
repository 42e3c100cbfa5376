"""The course's exercise rule: in every chapter 01-08 the student writes the analysis in
pandas in at least three exercises (three or more lines of code in the answer, no
``crm_helpers`` call), and decides and justifies at least once in a written answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(
    p
    for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    if p.name[:2] in {f"{i:02d}" for i in range(1, 9)}
)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def _solutions(nb: dict, kind: str) -> list[tuple[str, str]]:
    out = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if cell["cell_type"] == kind and meta.get("solution"):
            out.append((meta.get("grade_id", "?"), "".join(cell["source"])))
    return out


def pandas_answers(nb: dict) -> list[str]:
    """grade ids of code answers written in plain pandas: 3+ code lines, no helper call."""
    ids = []
    for grade_id, src in _solutions(nb, "code"):
        body = "\n".join(m.group(1) for m in SOLUTION.finditer(src))
        code = [ln for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        if len(code) >= 3 and not re.search(r"\bcrm(_helpers)?\.", body):
            ids.append(grade_id)
    return ids


def test_the_rule_reads_answers_as_intended():
    def cell(src, kind="code"):
        return {
            "cell_type": kind,
            "source": src,
            "metadata": {"nbgrader": {"solution": True, "grade_id": "x"}},
        }

    three = "### BEGIN SOLUTION\na = tx.groupby('c')\nb = a.sum()\nc = b.mean()\n### END SOLUTION\n"
    helper = "### BEGIN SOLUTION\na = 1\nb = 2\nc = crm.kpi.indicators(tx)\n### END SOLUTION\n"
    short = "### BEGIN SOLUTION\na = 1\n# comment\n\nb = 2\n### END SOLUTION\n"
    assert pandas_answers({"cells": [cell(three), cell(helper), cell(short)]}) == ["x"]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_three_pandas_exercises_and_a_written_decision(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    written = _solutions(nb, "markdown")
    assert len(pandas_answers(nb)) >= 3, (
        f"{path.name}: only {pandas_answers(nb)} are answers written in pandas (3+ lines, "
        "no crm_helpers call); the course asks for at least three per chapter"
    )
    assert written, f"{path.name} has no written (rubric-graded) answer"
