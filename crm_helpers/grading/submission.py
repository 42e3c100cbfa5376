"""Finding a student's notebook and rebuilding the notebook the grader runs.

A submission is never trusted as a file: symbolic links are refused (a link to the
instructor's notebook or a classmate's would otherwise be graded), and when a folder holds
several notebooks of the chapter the one with the most answered exercises is taken, with a
flag that names the others.

>>> exercise_of("ex01-3-answer", ["ex01-1-check", "ex01-3-check"])
'ex01-3-check'
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from ._common import (
    HIDDEN_START,
    ROLE,
    answer_names,
    check_names,
    exercises,
    meta,
    read_notebook,
    source,
)

__all__ = ["find_submission", "build_graded_notebook", "exercise_of"]

WIRE = "crm_helpers.grading._wire"


def _notebooks(student_dir: Path) -> tuple[list[Path], list[str]]:
    """Regular ``.ipynb`` files under ``student_dir`` (no link followed), and the links."""
    found, links = [], []
    for folder, dirs, files in os.walk(student_dir, followlinks=False):
        here = Path(folder)
        for d in list(dirs):
            if (here / d).is_symlink():
                links.append(str((here / d).relative_to(student_dir)))
                dirs.remove(d)
            elif d.startswith(".") or d == ".ipynb_checkpoints":
                dirs.remove(d)
        for f in files:
            p = here / f
            if not f.endswith(".ipynb") or f.startswith("."):
                continue
            if p.is_symlink():
                links.append(str(p.relative_to(student_dir)))
            elif p.is_file():
                found.append(p)
    return sorted(found), links


def _answered(nb: Any, placeholders: dict[str, str]) -> int:
    """How many answer cells differ from the released placeholder."""
    n = 0
    for c in nb["cells"]:
        m = meta(c)
        gid = m.get("grade_id")
        if m.get("solution") and gid in placeholders:
            if source(c).strip() != placeholders[gid].strip():
                n += 1
    return n


def find_submission(
    student_dir: Path, instructor: Any, chapter: str = ""
) -> tuple[Path | None, str, list[str]]:
    """The student's notebook for this chapter in ``student_dir``: ``(path, reason, flags)``.

    Symbolic links are never followed (flag ``symlink_refused``). Among the readable
    notebooks that share ``grade_id``s with the chapter, the one with the most answered
    exercises wins, then a name like the chapter's, then the newest; several candidates
    give the flag ``several_notebooks:<others>``. ``(None, reason, flags)`` when none is
    usable.
    """
    from nbgrader.preprocessors import ClearSolutions

    student_dir = Path(student_dir)
    flags: list[str] = []
    if student_dir.is_symlink():
        return None, "the submission folder is a symbolic link (refused)", ["symlink_refused"]
    files, links = _notebooks(student_dir)
    if links:
        flags.append("symlink_refused:" + ",".join(links)[:200])
    if not files:
        why = "only symbolic links (refused)" if links else "no notebook (.ipynb) submitted"
        return None, why, flags
    placeholder, _ = ClearSolutions().preprocess(copy.deepcopy(instructor), {})
    holders = {meta(c).get("grade_id"): source(c) for c in placeholder.cells}
    wanted = {meta(c)["grade_id"] for c in instructor["cells"] if meta(c).get("grade_id")}
    candidates, errors = [], []
    for p in files:
        try:
            nb = read_notebook(p)
        except Exception as err:
            errors.append(f"{p.name}: {type(err).__name__}")
            continue
        if not ({meta(c).get("grade_id") for c in nb.cells} & wanted):
            continue
        key = (_answered(nb, holders), p.stem == chapter, p.stat().st_mtime)
        candidates.append((key, p))
    if not candidates:
        if errors:
            return None, "unreadable notebook: " + "; ".join(errors), flags
        return None, "no notebook of this chapter (none has its exercise ids)", flags
    candidates.sort(key=lambda kp: kp[0], reverse=True)
    best = candidates[0][1]
    if len(candidates) > 1:
        others = ",".join(str(p.relative_to(student_dir)) for _, p in candidates[1:])
        flags.append(f"several_notebooks:{others}"[:300])
    return best, "", flags


def exercise_of(answer_gid: str, checks: list[str]) -> str | None:
    """The autograded check an answer cell belongs to (``exCC-n-answer`` → ``exCC-n-check``)."""
    stem = answer_gid.rsplit("-", 1)[0]
    return next((c for c in checks if c.rsplit("-", 1)[0] == stem), None)


def build_graded_notebook(instructor: Any, student: Any | None) -> tuple[Any, dict[str, Any]]:
    """The notebook the student's kernel runs, and the plan of the checks the grader judges.

    Every cell comes from the instructor version except the answer cells (``solution``),
    which come from the student's notebook by ``grade_id`` (a missing answer is the
    released placeholder). A check cell stays in the notebook (shown in the feedback, not
    run in the kernel) and is followed by a grader cell that exports the answers it reads
    as data; its visible check and hidden tests go to the plan, never to the kernel.
    """
    import nbformat
    from nbgrader.preprocessors import ClearSolutions

    placeholder, _ = ClearSolutions().preprocess(copy.deepcopy(instructor), {})
    holders = {meta(c).get("grade_id"): source(c) for c in placeholder.cells}
    answers: dict[str, str] = {}
    for c in student["cells"] if student is not None else []:
        m = meta(c)
        if m.get("grade_id") and m.get("solution") and m["grade_id"] not in answers:
            answers[m["grade_id"]] = source(c)
    checks = [e.grade_id for e in exercises(instructor) if e.kind == "auto"]
    names = answer_names(instructor)
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(instructor.metadata))
    plan: dict[str, Any] = {}
    for cell in instructor.cells:
        m = meta(cell)
        gid = m.get("grade_id")
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        if m.get("solution"):
            new.source = answers.get(gid, holders.get(gid, ""))
            new.metadata[ROLE] = {"role": "answer", "grade_id": exercise_of(gid, checks)}
            nb.cells.append(new)
        elif m.get("grade") and cell.cell_type == "code":
            visible, _, hidden = cell.source.partition(HIDDEN_START)
            read = check_names(cell.source)
            fetch = sorted(read & names)
            plan[gid] = {
                "visible": visible.rstrip() + "\n",
                "hidden": HIDDEN_START + hidden if hidden else "",
                "fetch": fetch,
                "context": sorted(read - names),
            }
            new.source = visible.rstrip() + "\n"
            new.metadata[ROLE] = {"role": "visible", "grade_id": gid}
            nb.cells.append(new)
            export = f"__import__({WIRE!r}, fromlist=['_']).export({fetch!r})"
            nb.cells.append(grader_cell(export, "export", gid))
        else:
            nb.cells.append(new)
    return nb, plan


def grader_cell(text: str, role: str, gid: str | None = None) -> Any:
    import nbformat

    cell = nbformat.v4.new_code_cell(text)
    cell.metadata[ROLE] = {"role": role, "grade_id": gid}
    return cell
