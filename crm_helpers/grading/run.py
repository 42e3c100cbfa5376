"""Running a graded notebook in sandboxed kernels, one cell at a time.

A cell that runs past ``Limits.cell_timeout`` or a kernel that dies (``exit()``,
``os._exit``, a signal, memory) costs only the exercise whose answer caused it: the kernel
is killed with its whole tree, a new one starts, the notebook is replayed without that
answer, and grading carries on with the later exercises. After each check's position a
grader cell exports the answers it reads (:mod:`crm_helpers.grading._wire`) and a
``judge`` callback (in the grader's own process) decides the exercise; it may call the
student's functions in the kernel through :class:`KernelCaller`.

>>> _culprit("answer", "ex01-2-check", None, "kernel_died")
'ex01-2-check'
>>> _culprit("other", None, "ex01-1-check", "timeout") is None
True
"""

from __future__ import annotations

import copy
import json
import pickle
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import _wire
from ._common import KERNEL_NAME, ROLE, Limits
from .sandbox import cleanup, kernel_manager, sandbox_config

__all__ = ["execute", "KernelCaller", "KernelFailure", "StudentError"]

#: Output a grader cell (an export or a call) may bring back: answers can be tables.
ANSWER_CHARS = 64 * 2**20


class KernelFailure(Exception):
    """The kernel timed out or died while the grader was asking it something."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class StudentError(Exception):
    """An exception the student's function raised in its kernel (its name and message)."""


def _client_class() -> Any:
    from nbclient import NotebookClient

    class LimitedClient(NotebookClient):
        """Keeps at most ``output_chars`` characters of output per cell (``ANSWER_CHARS``
        for the grader's own cells)."""

        output_chars = 20_000

        def output(self, outs, msg, display_id, cell_index):  # noqa: D102
            limit = ANSWER_CHARS if cell_index in self.big else self.output_chars
            size = self._sizes.get(cell_index, 0)
            if size > limit:
                return None
            content = msg.get("content", {})
            n = len(json.dumps(content.get("data", content.get("text", "")), default=str))
            n += len(json.dumps(content.get("traceback", ""), default=str))
            self._sizes[cell_index] = size + n
            if size + n > limit:
                self.truncated.add(cell_index)
                note = f"\n[output truncated by the grader after {limit} characters]\n"
                outs.append(stream(note))
                return None
            return super().output(outs, msg, display_id, cell_index)

    return LimitedClient


def stream(text: str, name: str = "stderr") -> Any:
    import nbformat

    return nbformat.v4.new_output("stream", name=name, text=text)


def _parameterize(nb: Any, params: Mapping[str, Any]) -> Any:
    from papermill.parameterize import parameterize_notebook

    declared: set[str] = set()
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            declared = {m.group(1) for m in re.finditer(r"^([A-Za-z_]\w*)\s*=", cell.source, re.M)}
            break
    params = {k: v for k, v in params.items() if k in declared}
    if not params:
        return nb
    for cell in nb.cells:  # papermill expects every cell to have tags
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    return parameterize_notebook(nb, params, kernel_name=KERNEL_NAME, language="python")


class KernelCaller:
    """Calls a student's function in its kernel: the arguments go as a pickle written by
    the grader, the result comes back as data (:func:`crm_helpers.grading._wire.decode`)."""

    def __init__(self, client: Any, index: int, sockdir: Path, timeout: Callable[[], float]):
        self.client, self.index, self.sockdir, self.timeout = client, index, sockdir, timeout
        self.calls = 0

    def __call__(self, name: str, args: tuple, kwargs: dict) -> Any:
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        from .submission import WIRE, grader_cell

        self.calls += 1
        path = self.sockdir / f"call-{self.calls}.pkl"
        path.write_bytes(pickle.dumps((args, kwargs)))
        path.chmod(0o644)
        cell = grader_cell(
            f"__import__({WIRE!r}, fromlist=['_']).call({name!r}, {str(path)!r})", "call"
        )
        self.client.nb.cells[self.index] = cell
        self.client.timeout = max(1, int(self.timeout()))
        try:
            self.client.execute_cell(cell, self.index)
        except CellTimeoutError:
            raise KernelFailure("timeout") from None
        except DeadKernelError:
            raise KernelFailure("kernel_died") from None
        finally:
            path.unlink(missing_ok=True)
        payload = _wire.read_payload(cell.outputs)
        if payload is None:
            raise StudentError("the function's result could not be read")
        if "error" in payload:
            raise StudentError(str(payload["error"]))
        return _wire.decode(payload.get("value"), callables=lambda n: self.proxy(n))

    def proxy(self, name: str) -> Callable[..., Any]:
        def remote(*args: Any, **kwargs: Any) -> Any:
            return self(name, args, kwargs)

        remote.__name__ = name
        return remote


def _culprit(role: str | None, gid: str | None, last_answer: str | None, kind: str) -> str | None:
    """The exercise a timeout or death is charged to: the answer (or check) running, else,
    for a death, the last answer that ran (its thread or child); None: the grader's."""
    if role in {"answer", "export"} and gid:
        return gid
    return last_answer if kind == "kernel_died" else None


Judge = Callable[[str, dict[str, Any] | None, KernelCaller], dict[str, Any]]


def execute(
    nb: Any,
    params: Mapping[str, Any],
    limits: Limits,
    judge: Judge,
    *,
    kernel_name: str = KERNEL_NAME,
    stop_after: str | None = None,
    hide: list[str] | None = None,
    zygote: Any = None,
    skip: Mapping[str, str] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Run a graded notebook; returns it (with outputs) and how the run went: ``judged``
    (each exercise's result from ``judge``), ``lost`` (exercises charged with a
    ``timeout`` or ``kernel_died``), ``ended``, ``restarts``, ``sandbox``, ``truncated``,
    ``grader_error`` (the kernel could not start, or the grader's own cell failed).
    ``skip``: exercises whose answers are not run (lost in an earlier run)."""
    import nbformat

    nb = copy.deepcopy(nb)
    params = dict(params)
    params["output_dir"] = "output"  # relative to the kernel's private working folder
    nb = _parameterize(nb, params)
    nb.cells.append(nbformat.v4.new_code_cell(""))  # the grader's scratch cell (calls)
    nb.cells[-1].metadata[ROLE] = {"role": "scratch", "grade_id": None}
    state: dict[str, Any] = {
        "judged": {}, "lost": dict(skip or {}), "ended": "completed", "restarts": 0,
        "sandbox": False, "truncated": [], "grader_error": "",
    }  # fmt: skip
    deadline = time.monotonic() + limits.timeout
    n_ex = sum(1 for c in nb.cells if c.metadata.get(ROLE, {}).get("role") == "export")
    for attempt in range(n_ex + 2):
        state["restarts"] = attempt
        outcome = _attempt(
            nb, params, limits, judge, state, deadline, kernel_name, stop_after, hide, zygote
        )
        if outcome != "restart":
            break
    return nb, state


def _attempt(nb, params, limits, judge, state, deadline, kernel_name, stop_after, hide, zygote):  # noqa: PLR0913
    """One kernel's life: run the cells not yet done; ``"restart"`` after a lost exercise."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    workdir = Path(tempfile.mkdtemp(prefix="crm-grade-"))
    cfg = sandbox_config(limits, workdir, hide)
    state["sandbox"] = cfg["sandbox"]
    client = _client_class()(
        nb,
        km=kernel_manager(cfg, kernel_name, zygote),
        timeout=int(limits.cell_timeout),
        allow_errors=True,
        shutdown_kernel="immediate",
        startup_timeout=120,
        record_timing=False,
    )
    client._sizes, client.truncated, client.big = {}, set(), {len(nb.cells) - 1}
    client.output_chars = limits.output_chars
    remaining = lambda: min(limits.cell_timeout, deadline - time.monotonic())  # noqa: E731
    caller = KernelCaller(client, len(nb.cells) - 1, Path(cfg["sockdir"]), remaining)
    last_answer, result = None, "done"
    try:
        with client.setup_kernel(cwd=str(workdir)):
            for index, cell in enumerate(nb.cells):
                role = cell.metadata.get(ROLE, {})
                r, gid = role.get("role"), role.get("grade_id")
                if cell.cell_type != "code" or r in {"visible", "scratch"}:
                    continue
                if (r == "answer" and gid in state["lost"]) or (
                    r == "export" and (gid in state["judged"] or gid in state["lost"])
                ):
                    continue
                if remaining() <= 0:
                    state["ended"] = "timeout"
                    return "done"
                if r == "export":
                    client.big.add(index)
                client.timeout = max(1, int(remaining()))
                try:
                    client.execute_cell(cell, index)
                    if r == "export":
                        payload = _wire.read_payload(cell.outputs)
                        state["judged"][gid] = judge(gid, payload, caller)
                except (CellTimeoutError, DeadKernelError, KernelFailure) as err:
                    kind = (
                        err.kind
                        if isinstance(err, KernelFailure)
                        else ("timeout" if isinstance(err, CellTimeoutError) else "kernel_died")
                    )
                    note = (
                        "the time limit of a cell was reached"
                        if kind == "timeout"
                        else "the kernel died (exit, a signal or memory)"
                    )
                    cell.outputs.append(stream(f"[stopped: {note}]\n"))
                    culprit = _culprit(r, gid, last_answer, kind)
                    if culprit is None:
                        state["grader_error"] = f"{kind} in a cell of the course notebook ({index})"
                        return "done"
                    state["lost"][culprit] = kind
                    return "restart"
                if r == "answer" and gid:
                    last_answer = gid
                if stop_after is not None and r == "export" and gid == stop_after:
                    return "done"
    except Exception as err:  # the kernel could not start, or died in shutdown
        if not state["judged"] and not state["lost"]:
            state["grader_error"] = f"kernel: {type(err).__name__}: {err}"[:300]
    finally:
        _stop_kernel(client.km)
        cleanup(cfg)
        shutil.rmtree(workdir, ignore_errors=True)
        state["truncated"] = sorted(set(state["truncated"]) | client.truncated)
    return result


def _stop_kernel(km: Any) -> None:
    """Kill the kernel's launcher and process group (the pid namespace ends with it)."""
    import os

    proc = None
    try:
        proc = km.provisioner.process if km.provisioner else None
    except Exception:
        proc = None
    if proc is not None and getattr(proc, "pid", None):
        for kill in (os.killpg, os.kill):
            try:
                kill(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        end = time.monotonic() + 1.0
        try:
            while proc.poll() is None and time.monotonic() < end:
                time.sleep(0.002)
        except Exception:
            pass
    try:
        if km.has_kernel:
            from jupyter_core.utils import run_sync

            run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass
