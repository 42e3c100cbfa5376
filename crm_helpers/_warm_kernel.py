"""Warm kernels (预热内核): notebook kernels forked from a parent that has already imported
the libraries every chapter imports, instead of each kernel importing them again.

A kernel started from scratch spends about 1 s starting and 3 s in the chapter's first
cell importing pandas, matplotlib, seaborn (scipy.stats) and scikit-learn. The course runs
many notebooks in a row (``crm-course run``: nine; the test suite: about seventy), so the
course runner and the notebook tests fork each kernel from one parent process
(``crm_helpers/_zygote.py``) that imported them once. The kernel is otherwise the usual
one: its own process and session, the notebook's folder and the caller's environment; the
course package and everything a chapter imports beyond the preloaded libraries are imported
by the kernel itself. The grader's sandboxed kernels never come from this parent: they are
forked by the grader's own zygote inside the sandbox (:mod:`crm_helpers.grading.zygote`),
or started from scratch with ``Limits(warm=False)``.

A kernel command other than ``<python> -m ipykernel_launcher ...``, a variable read at
import time that differs from the parent's (``PYTHONPATH``, thread counts, matplotlib's
folders), ``CRM_WARM_KERNELS=0`` or a parent that fails to start: a kernel from scratch.

>>> warm_command(["/usr/bin/python3", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"])
['-f', 'k.json']
>>> warm_command(["/usr/bin/R", "--slave", "-f", "k.json"]) is None
True
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["ForkedKernel", "launch", "prepare", "warm_command", "IMPORT_TIME_VARIABLES"]

#: Environment variables the preloaded libraries read when imported: a kernel whose
#: environment differs from its parent's in one of them is started from scratch.
IMPORT_TIME_VARIABLES = (
    "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS", "MPLCONFIGDIR", "MPLBACKEND", "HOME", "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME", "JUPYTER_PLATFORM_DIRS", "PYDEVD_DISABLE_FILE_VALIDATION",
)  # fmt: skip
_INLINE = "module://matplotlib_inline.backend_inline"  # what ipykernel sets for matplotlib
_PARENTS: dict[tuple, _Parent | None] = {}
_LOCK = threading.RLock()


def warm_command(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` in a kernel command (``<python>
    [-X...] -m ipykernel_launcher ARGS``), or ``None`` when the command is another one."""
    at = cmd.index("-m") if "-m" in cmd else -1
    if at < 1 or cmd[at + 1 : at + 2] != ["ipykernel_launcher"]:
        return None
    return list(cmd[at + 2 :]) if all(a.startswith("-X") for a in cmd[1:at]) else None


class ForkedKernel:
    """The part of :class:`subprocess.Popen` that jupyter_client uses, for a kernel forked
    by a parent process (this module's warm parent, or the grader's sandboxing zygote,
    :mod:`crm_helpers.grading.zygote`): not a child of this process, so it is watched
    through a pidfd, and its exit status (the parent's to collect) reads as -1."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # it has ended already
            self._fd, self.returncode = None, -1

    def poll(self) -> int | None:
        """``None`` while the kernel runs, else -1."""
        if self.returncode is None and self._fd is not None:
            ended, _, _ = select.select([self._fd], [], [], 0)
            if ended:
                os.close(self._fd)
                self._fd, self.returncode = None, -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Block until the kernel has ended (``subprocess.TimeoutExpired`` after ``timeout``)."""
        if self.returncode is None and self._fd is not None:
            ended, _, _ = select.select([self._fd], [], [], timeout)
            if not ended:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        self.poll()
        return -1

    def send_signal(self, signum: int) -> None:
        """Signal the kernel (nothing once it has ended)."""
        if self.poll() is None and self._fd is not None:
            try:
                signal.pidfd_send_signal(self._fd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class _Parent:
    """One warm parent process: started once, asked for kernels one at a time."""

    def __init__(self, python: str, env: dict[str, str]) -> None:
        script = Path(__file__).with_name("_zygote.py")
        self.proc = subprocess.Popen(
            [python, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env={**env, "MPLBACKEND": _INLINE}, text=True, bufsize=1,
        )  # fmt: skip
        ready = self.proc.stdout.readline() if self.proc.stdout else ""
        if not ready.startswith('{"ready"'):
            self.proc.kill()
            raise OSError("the warm-kernel parent did not start")

    def fork(self, args: list[str], cwd: str, env: dict[str, str]) -> ForkedKernel:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with _LOCK:  # one request and its answer at a time
            self.proc.stdin.write(json.dumps({"args": args, "cwd": cwd, "env": env}) + "\n")
            answer = self.proc.stdout.readline()
        if not answer:
            raise OSError("the warm-kernel parent has ended")
        return ForkedKernel(int(json.loads(answer)["pid"]))


def _parent_for(python: str, env: dict[str, str]) -> _Parent | None:
    key = (python, *(env.get(v) for v in IMPORT_TIME_VARIABLES))
    with _LOCK:
        if key not in _PARENTS:
            try:
                _PARENTS[key] = _Parent(python, env)
            except OSError:
                _PARENTS[key] = None
        parent = _PARENTS[key]
    if parent is not None and parent.proc.poll() is not None:
        with _LOCK:
            _PARENTS.pop(key, None)
        return _parent_for(python, env)
    return parent


def launch(cmd: list[str], cwd: str | None, env: dict[str, str] | None) -> ForkedKernel | None:
    """A warm kernel for ``cmd``, or ``None`` where it must start from scratch."""
    args = warm_command(cmd)
    env = dict(os.environ if env is None else env)
    if args is None or os.environ.get("CRM_WARM_KERNELS", "1") == "0" or sys.platform != "linux":
        return None
    if env.get("MPLBACKEND", _INLINE) != _INLINE:
        return None
    parent = _parent_for(cmd[0], {k: v for k, v in env.items() if k != "MPLBACKEND"})
    if parent is None:
        return None
    env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's own launcher sets it
    try:
        return parent.fork(args, str(cwd or Path.cwd()), env)
    except (OSError, ValueError, KeyError):
        return None


def prepare(kernel_name: str) -> threading.Thread | None:
    """Start the warm parent for ``kernel_name``'s Python in the background (a worker does
    this before its first notebook, so that notebook does not wait for the imports)."""
    if os.environ.get("CRM_WARM_KERNELS", "1") == "0":
        return None
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        python = KernelSpecManager().get_kernel_spec(kernel_name).argv[0]
    except Exception:  # no such kernel: the run reports it by name
        return None
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    thread = threading.Thread(target=_parent_for, args=(python, env), daemon=True)
    thread.start()
    return thread
