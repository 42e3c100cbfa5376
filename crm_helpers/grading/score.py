"""Grading one submission: find it, run it, judge it, re-run it on secret data, write it.

>>> RESEED_OFFSET
1000
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._common import (
    KERNEL_NAME,
    ROLE,
    Limits,
    atomic_write,
    chapter_notebook,
    exercises,
    grades_dir,
    meta,
    notebook_parameters,
    read_notebook,
    source,
)
from .judge import make_judge, reference
from .run import execute
from .submission import build_graded_notebook, find_submission

__all__ = ["grade_submission", "RESEED_OFFSET", "reseed_seed"]

#: The re-run's seed is the normal seed plus this plus a secret random number per batch.
RESEED_OFFSET = 1000


def reseed_seed(seed: int) -> int:
    """A seed for the re-run that a student cannot know in advance."""
    return int(seed) + RESEED_OFFSET + secrets.randbelow(1_000_000)


def _zygote(limits: Limits) -> Any:
    if not limits.warm:
        return None
    from . import zygote as _zygote

    return _zygote.get()


def _new_result(student: str, path: Path, exs: list[Any]) -> dict[str, Any]:
    return {
        "student": student,
        "chapter": path.stem,
        "notebook": None,
        "status": "graded",
        "reason": "",
        "flags": [],
        "exercises": {},
        "auto_total": 0.0,
        "auto_max": sum(e.points for e in exs if e.kind == "auto"),
        "graded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _scores(exs: list[Any], state: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for ex in exs:
        if ex.kind != "auto":
            continue
        judged = state["judged"].get(ex.grade_id)
        if ex.grade_id in state["lost"]:
            kind = state["lost"][ex.grade_id]
            status, hint = (
                kind,
                (
                    "stopped: this answer ran past the time limit of a cell"
                    if kind == "timeout"
                    else "stopped: the kernel died in this answer (exit, a signal or memory)"
                ),
            )
        elif judged is None:
            status, hint = "not_run", "not run (the notebook stopped before this check)"
        else:
            status, hint = judged["status"], judged["hint"]
        out[ex.grade_id] = {
            "status": status,
            "points": ex.points if status == "passed" else 0.0,
            "max": ex.points,
            "hint": hint,
        }
    return out


def _run_flags(state: Mapping[str, Any], executed: Any) -> list[str]:
    flags = []
    if not state["sandbox"]:
        flags.append("unsandboxed")
    for kind in ("timeout", "kernel_died"):
        lost = [g for g, k in state["lost"].items() if k == kind]
        if lost:
            flags.append(kind)
    if state["ended"] == "timeout":
        flags.append("timeout")
    if any(
        executed.cells[i].metadata.get(ROLE, {}).get("role") == "answer"
        for i in state["truncated"]
        if i < len(executed.cells)
    ):
        flags.append("output_truncated")
    return sorted(set(flags))


def _reseed(
    result: dict[str, Any], scores: dict[str, dict[str, Any]], graded: Any, path: Path,
    base: dict[str, Any], seed: int, limits: Limits, policy: str, run_kw: dict[str, Any],
) -> None:  # fmt: skip
    """Re-run up to the last passed check on the secret seed; a passed exercise that does
    not pass again (failed, lost, not run) is flagged and, by the ``zero`` policy, zeroed."""
    passed = [g for g, r in scores.items() if r["status"] == "passed"]
    if not passed:
        return
    params = {**base, "seed": seed}
    ref = reference(path, params, run_kw.pop("references", None))
    lost = {g: r["status"] for g, r in scores.items() if r["status"] in {"timeout", "kernel_died"}}
    judge = make_judge(ref)
    _, rstate = execute(graded, params, limits, judge, stop_after=passed[-1], skip=lost, **run_kw)
    result["reseed"] = {"ended": rstate["ended"], "restarts": rstate["restarts"]}
    if rstate["grader_error"]:
        result["status"] = "error"
        result["flags"].append("grader_error")
        result["reason"] = f"grader error in the re-run: {rstate['grader_error']}"
        return
    again = _scores([e for e in exercises(read_notebook(path)) if e.grade_id in scores], rstate)
    for gid in passed:
        rs = again[gid]["status"]
        scores[gid]["reseed_status"] = rs
        if rs == "passed":
            continue
        flag = f"hardcoded:{gid}" if rs in {"failed", "unanswered"} else f"reseed_{rs}:{gid}"
        result["flags"].append(flag)
        if policy == "zero":
            scores[gid].update(
                points=0.0,
                status="hardcoded" if flag.startswith("hardcoded") else "reseed_failed",
                hint="passes with this data only: fails when the data change "
                "(is the answer typed in, or tied to one seed, instead of computed?)"
                if flag.startswith("hardcoded")
                else f"the re-run on other data did not pass ({rs})",
            )


def grade_submission(
    chapter: str,
    student: str,
    student_dir: Path,
    *,
    params: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    reseed: bool = True,
    reseed_policy: str = "zero",
    reseed_with: int | None = None,
    pdf: bool = True,
    out_dir: Path | None = None,
    kernel_name: str | None = None,
    hide: list[str] | None = None,
    references: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Grade one student's submission and write ``out_dir/<student>.json`` atomically
    (plus feedback in ``out_dir/feedback/``). Returns the result."""
    from .feedback import write_feedback

    start = time.perf_counter()
    limits = limits or Limits()
    path = chapter_notebook(chapter)
    instructor = read_notebook(path)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    exs = exercises(instructor)
    result = _new_result(student, path, exs)
    found, reason, flags = find_submission(Path(student_dir), instructor, path.stem)
    result["flags"] += flags
    student_nb = read_notebook(found) if found is not None else None
    base = {**notebook_parameters(path), **dict(params or {})}
    graded, _ = build_graded_notebook(instructor, student_nb)
    executed = graded
    if found is None:
        result.update(status="invalid", reason=reason)
        result["flags"].append("no_valid_notebook")
        result["exercises"] = {
            e.grade_id: {"status": "missing", "points": 0.0, "max": e.points, "hint": reason}
            for e in exs
            if e.kind == "auto"
        }
    else:
        result["notebook"] = str(found.relative_to(student_dir))
        if found.stem != path.stem:
            result["flags"].append("renamed")
        run_kw = {
            "kernel_name": kernel_name or KERNEL_NAME,
            "hide": [
                str(Path(student_dir).resolve().parent),
                str(out_dir.resolve()),
                *(hide or []),
            ],
            "zygote": _zygote(limits),
        }
        ref = reference(path, base, references)
        executed, state = execute(graded, base, limits, make_judge(ref), **run_kw)
        run_kw["references"] = references
        scores = _scores(exs, state)
        result["run"] = {k: state[k] for k in ("ended", "sandbox", "restarts", "truncated")}
        result["flags"] += _run_flags(state, executed)
        broken = [g for g, r in scores.items() if r["status"] == "grader_error"]
        if state["grader_error"] or broken:
            result["status"] = "error"
            result["flags"].append("grader_error")
            result["reason"] = f"grader error: {state['grader_error'] or ', '.join(broken)}"
        elif reseed:
            seed = reseed_with if reseed_with is not None else reseed_seed(base.get("seed", 0))
            _reseed(result, scores, graded, path, base, seed, limits, reseed_policy, run_kw)
        result["exercises"] = scores
    for e in exs:
        if e.kind == "manual":
            result["exercises"][e.grade_id] = {
                "status": "manual",
                "points": None,
                "max": e.points,
                "hint": "marked by hand",
                "answer": _answer_text(student_nb, e.grade_id),
            }
    result["auto_total"] = float(
        sum(r["points"] or 0 for r in result["exercises"].values() if r["status"] != "manual")
    )
    result["seconds"] = round(time.perf_counter() - start, 2)
    try:
        result["feedback"] = write_feedback(executed, result, out_dir / "feedback", pdf)
    except Exception as err:  # feedback must not lose the grade
        result["feedback"] = []
        result["flags"].append(f"feedback_error:{type(err).__name__}")
        result["feedback_error"] = str(err)[:500]
    atomic_write(out_dir / f"{student}.json", json.dumps(result, indent=1, ensure_ascii=False))
    return result


def _answer_text(nb: Any | None, gid: str) -> str:
    if nb is None:
        return ""
    return next((source(c) for c in nb["cells"] if meta(c).get("grade_id") == gid), "")
