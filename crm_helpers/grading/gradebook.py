"""The grade sheet (``build/grades/<chapter>.csv``) and nbgrader's gradebook.

Every text cell written to a CSV goes through :func:`csv_safe`, so that a student id, a
flag or a written answer starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is not run as a formula by Excel or LibreOffice.

>>> csv_safe('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> csv_safe("3")
'3'
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

from ._common import (
    GradingError,
    atomic_write,
    chapter_notebook,
    course_dir,
    exercises,
    grades_dir,
    read_notebook,
)
from .release import generate, nbgrader_api, setup_course

__all__ = ["assemble_csv", "to_gradebook", "csv_safe", "csv_text"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell's text, with a leading ``'`` if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_unsafe(text: str) -> str:
    """Undo :func:`csv_safe` (a rubric sheet read back)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA) else text


def csv_text(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[csv_safe(v) for v in r] for r in rows])
    return buf.getvalue()


def csv_path(out_dir: Path, chapter: str) -> Path:
    return out_dir.parent / f"{chapter}.csv"


def manual_path(out_dir: Path, chapter: str) -> Path:
    return out_dir.parent / f"{chapter}_manual.json"


def load_manual(out_dir: Path, chapter: str) -> dict[str, dict[str, dict[str, Any]]]:
    p = manual_path(out_dir, chapter)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def results(out_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for f in sorted(out_dir.glob("*.json")):
        try:
            out.append((f, json.loads(f.read_text(encoding="utf-8"))))
        except ValueError:
            continue
    return out


def assemble_csv(chapter: str, out_dir: Path | None = None) -> Path:
    """Write ``build/grades/<chapter>.csv``: one row per student, one column per exercise
    (auto and written), ``total``, ``max_total``, ``status`` and ``flags``. Written answers
    take the marks imported from the rubric sheet or entered in nbgrader's formgrader."""
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    exs = exercises(read_notebook(path))
    manual = load_manual(out_dir, path.stem)
    manual_gb = _gradebook_manual(path.stem)
    header = ["student", *[e.grade_id for e in exs], "total", "max_total", "status", "flags"]
    lines: list[list[Any]] = [header]
    for f, res in results(out_dir):
        student = res.get("student", f.stem)
        row: list[Any] = [student]
        total = 0.0
        for e in exs:
            if e.kind == "auto":
                pts = res.get("exercises", {}).get(e.grade_id, {}).get("points") or 0.0
            else:
                mark = manual.get(student, {}).get(e.grade_id) or manual_gb.get(
                    (student, e.grade_id)
                )
                pts = None if mark is None else float(mark["points"])
            row.append("" if pts is None else f"{pts:g}")
            total += pts or 0.0
        row += [f"{total:g}", f"{sum(e.points for e in exs):g}", res.get("status", "")]
        row.append(";".join(res.get("flags", [])))
        lines.append(row)
    target = csv_path(out_dir, path.stem)
    atomic_write(target, csv_text(lines))
    return target


def to_gradebook(chapter: str, out_dir: Path | None = None) -> dict[str, int]:
    """Record the autograded results in nbgrader's gradebook, for its formgrader.

    For every graded student: the student and the submission, each autograded cell's
    ``auto_score``, the written answers marked as needing a manual grade (marks already
    entered are kept), and the student's feedback notebook as the autograded notebook
    formgrader shows. Returns counts of ``students`` and ``grades``.
    """
    from nbgrader.api import Gradebook, MissingEntry

    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    exs = {e.grade_id: e for e in exercises(read_notebook(path))}
    root = setup_course([path.stem])
    db_url = f"sqlite:///{root}/gradebook.db"
    with Gradebook(db_url) as gb:
        try:
            gb.find_assignment(path.stem)
            known = True
        except MissingEntry:
            known = False
    if not known and not generate(nbgrader_api(root), path.stem).get("success"):
        raise GradingError(f"nbgrader generate_assignment failed for {path.stem}")
    counts = {"students": 0, "grades": 0}
    with Gradebook(db_url) as gb:
        for f, res in results(out_dir):
            if res.get("status") not in {"graded", "invalid"}:
                continue
            student = res.get("student", f.stem)
            gb.update_or_create_student(student)
            try:
                gb.find_submission(path.stem, student)
            except MissingEntry:
                gb.add_submission(path.stem, student)
            for gid, r in res.get("exercises", {}).items():
                if gid not in exs:
                    continue
                try:
                    g = gb.find_grade(gid, path.stem, path.stem, student)
                except MissingEntry:
                    continue
                if exs[gid].kind == "auto":
                    g.auto_score = float(r.get("points") or 0.0)
                    g.needs_manual_grade = False
                else:
                    g.needs_manual_grade = g.manual_score is None
                counts["grades"] += 1
            gb.db.commit()
            notebook = out_dir / "feedback" / f"{student}.ipynb"
            if notebook.exists():
                target = root / "autograded" / student / path.stem / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(notebook, target)
            counts["students"] += 1
    return counts


def _gradebook_manual(chapter: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Manual scores entered in nbgrader's formgrader, read from the gradebook read-only
    (SQLite ``mode=ro``: assembling a grade sheet never changes it)."""
    import sqlite3

    db = course_dir() / "gradebook.db"
    if not db.exists():
        return {}
    query = """
        SELECT sa.student_id, bc.name, g.manual_score
        FROM grade g
        JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id
        JOIN assignment a ON sa.assignment_id = a.id
        JOIN base_cell bc ON g.cell_id = bc.id
        WHERE a.name = ? AND g.manual_score IS NOT NULL
    """
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = con.execute(query, (chapter,)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:  # an older schema, or not a gradebook
        return {}
    return {(student, name): {"points": float(score)} for student, name, score in rows}
