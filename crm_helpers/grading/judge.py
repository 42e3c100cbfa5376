"""Deciding each exercise where the student's code cannot reach: the grader's process.

For each set of notebook parameters (the normal seed and the secret re-run seed) the
grader runs the *instructor's* notebook once in its own process (:class:`Reference`;
never a student's code) and keeps, at every check, the names that check reads. A
student's exercise is then judged by running the check's visible part and its hidden
tests on that trusted state, with only the student's answers swapped in: values decoded
from the data their kernel exported, functions as stand-ins that call into the sandboxed
kernel and bring back data. Input transformers, import hooks, patched builtins or
``math``, threads, frames or float subclasses in the student's kernel cannot touch these
tests, and ``In``/``Out`` there never hold them. Before judging anyone, every check is
judged on the instructor's own answers (through the same data round trip); a check that
fails there is the grader's error for every student, never a zero.

>>> _exception("ValueError", "bad")
ValueError('bad')
"""

from __future__ import annotations

import builtins
import copy
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _wire
from ._common import read_notebook
from .run import KernelFailure, StudentError, _parameterize
from .submission import build_graded_notebook

__all__ = ["Reference", "reference", "judge_check"]


def _exception(ename: str, message: str) -> BaseException:
    """The builtin exception a student's function raised, rebuilt (by name) in the grader."""
    cls = getattr(builtins, ename, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls(message)
    return StudentError(f"{ename}: {message}")


class Reference:
    """The instructor's notebook run in this process with ``params``: the state each check
    reads (``snapshots``) and which checks fail on the instructor's answers (``broken``).
    Only the cells that the checks' state depends on are run (no plots)."""

    def __init__(self, chapter: Path, params: Mapping[str, Any], check: bool = True) -> None:
        instructor = read_notebook(chapter)
        _, self.plan = build_graded_notebook(instructor, None)
        self.snapshots: dict[str, dict[str, Any]] = {}
        self.errors: list[str] = []
        self.broken: dict[str, str] = {}
        self._run(instructor, dict(params))
        if check:
            self.broken = {g: h for g in self.plan if (h := self._self_check(g))}

    def _cells(self, nb: Any) -> list[tuple[int, Any, str]]:
        """(index, cell, code) of the cells the checks need, found backwards from them."""
        from IPython.core.inputtransformer2 import TransformerManager

        from ._common import _names

        tm = TransformerManager()
        need: set[str] = set()
        keep = []
        for i in range(len(nb.cells) - 1, -1, -1):
            cell = nb.cells[i]
            if cell.cell_type != "code":
                continue
            m = cell.metadata.get("nbgrader", {})
            if m.get("grade") and not m.get("solution"):
                need |= set(self.plan[m["grade_id"]]["fetch"]) | set(
                    self.plan[m["grade_id"]]["context"]
                )
                keep.append((i, cell, ""))
                continue
            code = tm.transform_cell(cell.source)
            bound, read = _names(code)
            tags = cell.metadata.get("tags", [])
            if bound & need or "parameters" in tags or "injected-parameters" in tags:
                need |= read
                keep.append((i, cell, code))
        return keep[::-1]

    def _run(self, nb: Any, params: dict[str, Any]) -> None:
        import matplotlib

        matplotlib.use("agg")
        import matplotlib.pyplot as plt

        out = tempfile.mkdtemp(prefix="crm-reference-")
        nb = _parameterize(copy.deepcopy(nb), {**params, "output_dir": out})
        ns: dict[str, Any] = {"__name__": "__main__", "display": lambda *a, **k: None}
        ns["get_ipython"] = lambda: _NoShell()
        cwd = os.getcwd()
        try:
            os.chdir(out)
            for i, cell, code in self._cells(nb):
                m = cell.metadata.get("nbgrader", {})
                if m.get("grade") and not m.get("solution"):
                    need = self.plan[m["grade_id"]]
                    names = set(need["fetch"]) | set(need["context"])
                    self.snapshots[m["grade_id"]] = {n: ns[n] for n in names if n in ns}
                    continue
                try:
                    exec(compile(code, f"<cell {i}>", "exec"), ns)
                except Exception as err:  # the check that needs it will say so
                    self.errors.append(f"cell {i}: {type(err).__name__}: {err}"[:300])
                plt.close("all")
        finally:
            os.chdir(cwd)
            shutil.rmtree(out, ignore_errors=True)

    def _self_check(self, gid: str) -> str:
        snap = self.snapshots.get(gid, {})
        values = {
            n: (snap[n] if callable(snap.get(n)) else _wire.decode(_wire.encode(snap.get(n))))
            for n in self.plan[gid]["fetch"]
            if n in snap
        }
        res = judge_check(self, gid, values, None)
        if res["status"] == "passed":
            return ""
        return f"{res['hint']} ({'; '.join(self.errors)[:300]})" if self.errors else res["hint"]

    def save(self, path: Path) -> bool:
        """Write the checks' state for the workers (modules by name, the instructor's own
        answers left out); False if some state cannot be saved (workers then rebuild it)."""
        import pickle
        import types

        snaps, ok = {}, True
        for gid, snap in self.snapshots.items():
            out = {}
            for name, value in snap.items():
                if isinstance(value, types.ModuleType):
                    out[name] = _Module(value.__name__)
                elif name not in self.plan[gid]["fetch"]:
                    out[name] = value
            snaps[gid] = out
        try:
            data = pickle.dumps({"plan": self.plan, "snapshots": snaps, "broken": self.broken})
        except Exception:
            return False
        path.write_bytes(data)
        path.chmod(0o600)
        return ok

    @classmethod
    def load(cls, path: Path) -> Reference:
        """A reference saved by :meth:`save` (by this grader, in its private folder)."""
        import importlib
        import pickle

        data = pickle.loads(Path(path).read_bytes())  # noqa: S301 - written by the grader
        ref = cls.__new__(cls)
        ref.plan, ref.broken, ref.errors = data["plan"], data["broken"], []
        ref.snapshots = {
            gid: {
                n: importlib.import_module(v.name) if isinstance(v, _Module) else v
                for n, v in snap.items()
            }
            for gid, snap in data["snapshots"].items()
        }
        return ref


@dataclass(frozen=True)
class _Module:
    name: str


class _NoShell:
    """``get_ipython()`` in the reference run: magics do nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None


@functools.lru_cache(maxsize=4)
def _reference(chapter: str, params_json: str, saved: str) -> Reference:
    if saved:
        return Reference.load(Path(saved))
    return Reference(Path(chapter), json.loads(params_json))


def params_key(params: Mapping[str, Any]) -> str:
    return json.dumps(dict(params), sort_keys=True, default=str)


def reference(
    chapter: Path, params: Mapping[str, Any], saved: Mapping[str, str] | None = None
) -> Reference:
    """The (cached) reference run of ``chapter`` with ``params``; read from the file in
    ``saved[params_key(params)]`` when the batch prepared it."""
    key = params_key(params)
    return _reference(str(chapter), key, (saved or {}).get(key, ""))


def judge_check(ref: Reference, gid: str, values: Mapping[str, Any], caller: Any) -> dict[str, Any]:
    """Run check ``gid``'s visible part and hidden tests on the reference state with the
    student's ``values`` (decoded answers); ``{"status", "hint"}``. A
    :class:`~crm_helpers.grading.run.KernelFailure` (a call into the kernel timed out or
    killed it) propagates to the runner."""
    plan = ref.plan[gid]
    ns = dict(ref.snapshots.get(gid, {}))
    for name in plan["fetch"]:
        ns.pop(name, None)
        if name in values:
            ns[name] = values[name]
    try:
        exec(compile(plan["visible"], f"<check {gid}>", "exec"), ns)
    except KernelFailure:
        raise
    except AssertionError as err:  # ExerciseError is an AssertionError
        msg = str(err)
        status = "unanswered" if "not answered yet" in msg else "failed"
        return {
            "status": status,
            "hint": msg[:600]
            if type(err).__name__ == "ExerciseError"
            else f"AssertionError: {msg}"[:400],
        }
    except Exception as err:
        return {"status": "failed", "hint": f"{type(err).__name__}: {err}"[:400]}
    if plan["hidden"]:
        try:
            exec(compile(plan["hidden"], f"<hidden {gid}>", "exec"), ns)
        except KernelFailure:
            raise
        except Exception:
            return {"status": "failed", "hint": "the hidden tests did not pass"}
    return {"status": "passed", "hint": ""}


def make_judge(ref: Reference) -> Any:
    """The runner's ``judge`` callback: decode the exported answers, then :func:`judge_check`."""

    def judge(gid: str, payload: dict[str, Any] | None, caller: Any) -> dict[str, Any]:
        if gid in ref.broken:
            return {
                "status": "grader_error",
                "hint": f"the grader's check failed on the instructor's answers: {ref.broken[gid]}"[
                    :500
                ],
            }
        if payload is None or not isinstance(payload.get("values"), dict):
            return {"status": "failed", "hint": "the answers could not be read from the notebook"}

        def proxy(name: str) -> Any:
            remote = caller.proxy(name)

            def call(*args: Any, **kwargs: Any) -> Any:
                try:
                    return remote(*args, **kwargs)
                except StudentError as err:
                    ename, _, msg = str(err).partition(": ")
                    raise _exception(ename, msg) from None

            call.__name__ = name
            return call

        values = {}
        for name, raw in payload["values"].items():
            if isinstance(raw, dict) and raw.get("__t") == "missing":
                continue
            try:
                values[name] = _wire.decode(raw, callables=proxy)
            except Exception as err:
                return {
                    "status": "failed",
                    "hint": f"the answer {name} could not be read as data ({type(err).__name__})",
                }
        return judge_check(ref, gid, values, caller)

    return judge
