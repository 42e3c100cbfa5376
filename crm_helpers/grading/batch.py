"""Grading a whole chapter in parallel, resumable.

Submissions are graded by long-lived worker processes (``spawn``), one submission at a
time per worker; student code runs only in each submission's sandboxed kernels. An
exception while grading one submission gives that student an ``error`` row with the flag
``grader_error`` (retried by the next ``grade``), never a silent 0; if a worker dies, the
pool is rebuilt and the unfinished submissions are tried once more.

>>> safe_name("ann/../x y")
'ann_.._x_y'
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ._common import (
    Limits,
    atomic_write,
    chapter_notebook,
    grades_dir,
    notebook_parameters,
    read_notebook,
    tool_env,
)
from .gradebook import assemble_csv, csv_path
from .score import grade_submission, reseed_seed
from .submission import find_submission

__all__ = ["GradeReport", "grade", "prewarm", "safe_name"]


@dataclass
class GradeReport:
    """What a batch did: the CSV, students graded now, skipped (already done), failed."""

    csv: Path
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def safe_name(name: str) -> str:
    return re.sub(r"[^\w.@-]", "_", name)


def _students(submissions: Path) -> list[tuple[str, Path]]:
    """One entry per student folder (a folder that is a link is kept: it is refused, and
    flagged, when graded)."""
    out = []
    for p in sorted(Path(submissions).iterdir()):
        if (p.is_dir() or p.is_symlink()) and not p.name.startswith("."):
            out.append((safe_name(p.name), p))
    return out


def _finished(done: Path) -> bool:
    try:
        return json.loads(done.read_text(encoding="utf-8")).get("status") in {"graded", "invalid"}
    except (OSError, ValueError):
        return False


def prewarm(params: Mapping[str, Any], seeds: list[int]) -> None:
    """Before the kernels start: byte-compile the course helpers (sandboxed kernels may not
    write ``__pycache__``) and generate the simulated data of every seed once."""
    import compileall

    if seeds and seeds[0] == int(params.get("seed", 0)):
        try:
            compileall.compile_dir(str(Path(__file__).parent.parent), quiet=2)
        except OSError:  # a read-only checkout: the kernels compile from source, only slower
            pass
    if params.get("data_source", "simulated") != "simulated":
        return
    from ..datasets import load_retailer

    for s in seeds:
        load_retailer(seed=s, n_customers=params.get("n_customers", 5000))


def _warm_worker(warm: bool = True) -> None:
    """Import what grading needs once per worker process; start its kernel zygote."""
    os.environ["PATH"] = tool_env()["PATH"]
    os.environ.setdefault("MPLBACKEND", "agg")
    if warm:
        from . import zygote as _zygote

        _zygote.get(wait=False)  # starts importing in its own process while this worker goes on
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import papermill.parameterize  # noqa: F401
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions  # noqa: F401


def grade_task(task: dict[str, Any]) -> dict[str, Any]:
    """Grade one submission from a task (a worker's job, or ``python -m
    crm_helpers.grading _grade_one TASK.json``)."""
    return grade_submission(
        task["chapter"],
        task["student"],
        Path(task["student_dir"]),
        params=task["params"],
        limits=Limits(**task["limits"]),
        reseed=task["reseed"],
        reseed_policy=task["reseed_policy"],
        reseed_with=task.get("reseed_with"),
        references=task.get("references"),
        pdf=task["pdf"],
        out_dir=Path(task["out_dir"]),
        hide=task.get("hide"),
    )


def _failure(out_dir: Path, chapter: str, name: str, err: str) -> dict[str, Any]:
    result = {
        "student": name,
        "chapter": chapter,
        "status": "error",
        "reason": f"grader error: {err}"[:500],
        "flags": ["grader_error"],
        "exercises": {},
        "auto_total": 0.0,
    }
    atomic_write(out_dir / f"{name}.json", json.dumps(result, indent=1, ensure_ascii=False))
    return result


def grade(
    chapter: str,
    submissions: Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    params: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    reseed: bool = True,
    reseed_policy: str = "zero",
    pdf: bool = True,
    out_dir: Path | None = None,
    progress: Callable[[str, dict[str, Any]], None] | None = None,
) -> GradeReport:
    """Autograde every student folder in ``submissions`` in parallel (``jobs`` workers) and
    write the grade CSV. Students with a result are skipped unless ``force``.
    ``progress(student, result)`` is called as each one finishes."""
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    report = GradeReport(csv=csv_path(out_dir, path.stem))
    todo = []
    for name, folder in _students(Path(submissions)):
        done = out_dir / f"{name}.json"
        if not force and done.exists() and _finished(done):
            report.skipped.append(name)
        else:
            todo.append((name, folder))
    base = {**notebook_parameters(path), **dict(params or {})}
    folder = Path(tempfile.mkdtemp(prefix="crm-grader-ref-"))  # private (0700)
    try:
        common = _common_task(path, base, limits, reseed, reseed_policy, pdf, out_dir)
        common["hide"] = [str(Path(submissions).absolute()), str(out_dir.absolute())]
        runs = _any_runs(todo, path)

        def prepare(pool: Any) -> dict[str, Any]:
            if not runs:  # nothing to judge: no instructor runs for the references
                return {"reseed_with": None, "references": {}}
            return _references(pool, path, base, reseed, folder)

        warm = limits.warm and runs
        _run_pool(todo, common, jobs, warm, prepare, out_dir, path.stem, report, progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assemble_csv(path.stem, out_dir)
    return report


def _any_runs(todo: list[tuple[str, Path]], chapter: Path) -> bool:
    """Whether any submission to grade has a notebook to run (reads them only until the first
    one: a resume of broken submissions starts no kernel and builds no reference)."""
    instructor = read_notebook(chapter)
    return any(find_submission(f, instructor, chapter.stem)[0] is not None for _, f in todo)


def build_reference(
    chapter: str, params: dict[str, Any], file: str
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """(In a worker.) The instructor's state at every check with ``params``, saved to
    ``file``; returns the checks that fail on the instructor's own answers, and those
    answers (encoded data values by check)."""
    from . import _wire
    from .judge import Reference

    prewarm(params, [int(params.get("seed", 0))])
    ref = Reference(Path(chapter), params)
    answers: dict[str, dict[str, Any]] = {}
    for gid, snap in ref.snapshots.items():
        try:
            answers[gid] = {
                n: _wire.encode(snap[n])
                for n in ref.plan.get(gid, {}).get("fetch", [])
                if n in snap and not callable(snap[n])
            }
        except Exception:  # noqa: BLE001 - an answer that cannot travel is not compared
            continue
    if not ref.save(Path(file)):
        Path(file).unlink(missing_ok=True)
    return sorted(ref.broken), answers


def _blind_checks(file: Path, answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The checks that the normal seed's own answers pass on the re-run seed's data: there
    an answer typed in from the normal run would pass the re-run too (values that happen to
    coincide, such as a count), so the re-run could not tell it from a computed one."""
    from . import _wire
    from .judge import Reference, judge_check

    if not file.exists():
        return []
    ref, blind = Reference.load(file), []
    for gid, values in answers.items():
        if gid not in ref.plan or not values:
            continue
        try:
            decoded = {n: _wire.decode(v) for n, v in values.items()}
            passed = judge_check(ref, gid, decoded, None)["status"] == "passed"
        except Exception:  # noqa: BLE001 - a check that cannot judge them does not pass them
            passed = False
        if passed:
            blind.append(gid)
    return blind


def _references(
    pool: Any, path: Path, base: dict[str, Any], reseed: bool, folder: Path
) -> dict[str, Any]:
    """The normal and the secret re-run seed's references, built side by side in the pool
    (the zygotes warm up meanwhile). A re-run seed on which a check fails with the
    instructor's answers (and not on the normal seed), or on which the normal seed's answers
    pass too (:func:`_blind_checks`), is replaced (five tries)."""
    from .judge import params_key

    seed = int(base.get("seed", 0))
    normal = pool.submit(build_reference, str(path), base, str(folder / "normal.pkl"))
    other, refs, tries, seen = None, {}, 5, None
    for attempt in range(tries if reseed else 0):
        other = reseed_seed(seed)
        params = {**base, "seed": other}
        file = folder / f"reseed{attempt}.pkl"
        broken, _ = pool.submit(build_reference, str(path), params, str(file)).result()
        normal_broken, answers = normal.result()
        last = attempt == tries - 1
        if not set(broken) <= set(normal_broken) and not last:
            continue
        # blind on two seeds in a row (e.g. the best month is always December): the data's
        # structure, which no seed changes; blind on one seed only: a coincidence, try again
        blind = set(_blind_checks(file, answers))
        if not blind or blind == seen or last:
            if file.exists():
                refs[params_key(params)] = str(file)
            break
        seen = blind
    normal.result()
    if (folder / "normal.pkl").exists():
        refs[params_key(base)] = str(folder / "normal.pkl")
    return {"reseed_with": other, "references": refs}


def _common_task(path, base, limits, reseed, reseed_policy, pdf, out_dir) -> dict[str, Any]:  # noqa: PLR0913
    return {
        "chapter": str(path),
        "params": base,
        "limits": asdict(limits),
        "reseed": reseed,
        "reseed_policy": reseed_policy,
        "pdf": pdf,
        "out_dir": str(out_dir),
    }


def _run_pool(todo, common, jobs, warm, prepare, out_dir, chapter, report, progress) -> None:  # noqa: PLR0913
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    pending = {n: f for n, f in todo}
    workers = max(1, jobs or os.cpu_count() or 1)
    for attempt in range(2):
        if not pending:
            break
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=max(2, min(workers, len(pending)))
            if attempt == 0
            else min(workers, len(pending)),
            mp_context=ctx,
            initializer=_warm_worker,
            initargs=(warm,),
        ) as pool:
            if attempt == 0:
                common.update(prepare(pool))
            futures = {
                pool.submit(
                    grade_task, {**common, "student": n, "student_dir": str(f.absolute())}
                ): n
                for n, f in pending.items()
            }
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    if attempt == 0:
                        continue  # retried in a fresh pool
                    res = _failure(out_dir, chapter, name, "the grader worker died")
                except Exception as err:  # a bug in the grader: this student only
                    res = _failure(out_dir, chapter, name, f"{type(err).__name__}: {err}")
                pending.pop(name, None)
                (report.failed if res.get("status") == "error" else report.graded).append(name)
                if progress:
                    progress(name, res)
