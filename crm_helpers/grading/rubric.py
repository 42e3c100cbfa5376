"""Hand-graded written answers: the rubric sheet out, the marks back in.

>>> RUBRIC_COLUMNS[:3]
['student', 'grade_id', 'max_points']
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ._common import (
    GradingError,
    atomic_write,
    chapter_notebook,
    exercises,
    grades_dir,
    read_notebook,
)
from .gradebook import assemble_csv, csv_text, csv_unsafe, load_manual, manual_path, results

__all__ = ["RUBRIC_COLUMNS", "export_rubric", "import_rubric"]

RUBRIC_COLUMNS = ["student", "grade_id", "max_points", "answer", "points", "comment"]


def export_rubric(chapter: str, out: Path | None = None, out_dir: Path | None = None) -> Path:
    """Write ``build/grades/<chapter>_rubric.csv``: one row per student and written answer
    with the answer's text and empty ``points`` and ``comment`` columns (marks already
    imported are filled in). Cells that a spreadsheet would run as formulas are escaped."""
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    manual = load_manual(out_dir, path.stem)
    exs = [e for e in exercises(read_notebook(path)) if e.kind == "manual"]
    target = Path(out) if out else out_dir.parent / f"{path.stem}_rubric.csv"
    rows: list[list[object]] = [list(RUBRIC_COLUMNS)]
    for f, res in results(out_dir):
        student = res.get("student", f.stem)
        for e in exs:
            answer = res.get("exercises", {}).get(e.grade_id, {}).get("answer", "")
            mark = manual.get(student, {}).get(e.grade_id, {})
            pts = "" if mark.get("points") is None else f"{mark['points']:g}"
            rows.append(
                [student, e.grade_id, f"{e.points:g}", answer, pts, mark.get("comment", "")]
            )
    atomic_write(target, "\ufeff" + csv_text(rows))  # BOM: Excel opens Chinese text right
    return target


def import_rubric(chapter: str, file: Path, out_dir: Path | None = None) -> dict[str, int]:
    """Validate a filled rubric sheet and merge its marks into the grade CSV.

    Every problem is reported at once in a :class:`GradingError` naming the row: unknown
    student or ``grade_id``, points that are not a number or outside ``0..max_points``.
    Rows with empty ``points`` are left ungraded. Returns counts of marks imported.
    """
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    maxima = {e.grade_id: e.points for e in exercises(read_notebook(path)) if e.kind == "manual"}
    students = {res.get("student", f.stem) for f, res in results(out_dir)}
    text = Path(file).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("student", "grade_id", "points") if c not in (reader.fieldnames or [])]
    if missing:
        raise GradingError(
            f"{file}: the rubric sheet needs the columns {', '.join(RUBRIC_COLUMNS)}; "
            f"missing {', '.join(missing)} (found {', '.join(reader.fieldnames or [])})."
        )
    problems, marks = [], []
    for n, row in enumerate(reader, start=2):
        student, gid, raw = (
            csv_unsafe((row.get(k) or "").strip()) for k in ("student", "grade_id", "points")
        )
        if student not in students:
            problems.append(f"row {n}: unknown student {student!r}")
            continue
        if gid not in maxima:
            problems.append(
                f"row {n}: unknown grade_id {gid!r}; written answers of {path.stem}: "
                f"{', '.join(maxima) or 'none'}"
            )
            continue
        if raw == "":
            continue
        try:
            pts = float(raw)
        except ValueError:
            problems.append(f"row {n}: points {raw!r} for {student}/{gid} is not a number")
            continue
        if not 0 <= pts <= maxima[gid]:
            problems.append(f"row {n}: points {raw} for {student}/{gid} outside 0..{maxima[gid]:g}")
            continue
        marks.append((student, gid, pts, csv_unsafe((row.get("comment") or "").strip())))
    if problems:
        raise GradingError(
            f"{file}: {len(problems)} problem(s), nothing imported:\n" + "\n".join(problems)
        )
    manual = load_manual(out_dir, path.stem)
    for student, gid, pts, comment in marks:
        manual.setdefault(student, {})[gid] = {"points": pts, "comment": comment}
    atomic_write(manual_path(out_dir, path.stem), json.dumps(manual, indent=1, ensure_ascii=False))
    assemble_csv(path.stem, out_dir)
    return {"imported": len(marks)}
