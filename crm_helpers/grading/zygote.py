"""A warm kernel factory for the grader (a "zygote", as Android and Chromium call it).

Starting a notebook kernel costs about 4 s here before the first cell does any work: a
Python start, ipykernel, then the notebook's own imports (pandas, matplotlib, seaborn,
the course helpers). Grading runs every submission twice (the normal run and the re-run
with another seed), so that start-up is most of the time of a small notebook.

The zygote is a separate process that imports those libraries once and then, for every
kernel the grader needs, forks a child that enters the sandbox (its own mount namespace,
limits, a uid of its own, as :func:`crm_helpers.grading.sandbox.launch_kernel` does for
a cold kernel) and runs an ipykernel in-process. The child shares the imported libraries
with the zygote page by page (copy on write), so it also costs less memory.

What the zygote holds must not help a student: it imports libraries only and never reads
a notebook, a gradebook or a submission; it receives paths and a connection file. It is
started from a clean interpreter (``python -m crm_helpers.grading.zygote``), never forked from a
grader worker that has read the instructor notebook.

Protocol (one JSON object per line): the grader writes ``{"cfg": ..., "cmd": [...]}`` on
the zygote's stdin and reads ``{"pid": N}`` (or ``{"error": "..."}``) from its stdout.
Children are reaped automatically (``SIGCHLD`` ignored in the zygote); a child's exit is
seen as its pid disappearing.

>>> "pandas" in PRELOAD and "crm_helpers.checks" in PRELOAD
True
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import Any

from .._warm_kernel import ForkedKernel

__all__ = ["PRELOAD", "ForkedKernel", "Zygote", "get", "serve"]

#: Imported once by the zygote. The kernels' notebooks import them again for free.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "numpy",
    "pandas",
    "seaborn",
    "scipy.stats",
    "duckdb",
    "pyarrow",
    "sklearn.linear_model",
    "crm_helpers",
    "crm_helpers.checks",
    "crm_helpers.datasets",
    "crm_helpers.kpi",
    "crm_helpers.plots",
    "crm_helpers.schema",
    "crm_helpers.simulate",
)

_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _vm_size() -> int:
    """This process's virtual size in bytes (what ``RLIMIT_AS`` counts)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - Linux only
        pass
    return 0


def _child(cfg: dict[str, Any], cmd: list[str]) -> None:  # pragma: no cover - forked child
    """In the forked child: new session, sandbox, limits, then an in-process kernel."""
    import resource
    import tempfile

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    os.closerange(3, 1024)
    from crm_helpers.grading.sandbox import launch_kernel  # (this package)

    launch = launch_kernel(cfg, cmd, in_process=True)  # namespaces, cgroups, uid
    if launch is None:
        os._exit(70)
    argv, env = launch
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None
    sys.dont_write_bytecode = True
    sys.argv = ["ipykernel_launcher", *argv]
    try:
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        # The memory limit counts from the ready kernel (libraries loaded, threads started):
        # what the student's code may add.
        mem = int(cfg["memory_mb"]) * 1024 * 1024 + _vm_size()
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        app.start()
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def serve() -> None:  # pragma: no cover - runs in its own process
    """The zygote's loop: preload, then fork one kernel per request line."""
    import importlib
    import warnings

    os.environ.update(_THREAD_ENV)
    os.environ.setdefault("MPLBACKEND", "agg")
    warnings.filterwarnings("ignore")
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray prints of imported libraries must not corrupt the protocol
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - a missing optional library is only slower
            continue
    import gc

    import crm_helpers.grading.sandbox  # noqa: F401  (the launcher code, no data)

    gc.collect()
    gc.freeze()  # the preloaded objects are never scanned (nor copied) by the children's gc
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        try:
            req = json.loads(line)
            pid = os.fork()
        except Exception as err:
            out.write(json.dumps({"error": f"{type(err).__name__}: {err}"}) + "\n")
            continue
        if pid == 0:
            try:
                _child(req["cfg"], list(req["cmd"]))
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(1)
        out.write(json.dumps({"pid": pid}) + "\n")


class Zygote:
    """The grader's side: start the zygote process, ask it for kernels."""

    def __init__(self) -> None:
        env = {**os.environ, **_THREAD_ENV, "MPLBACKEND": "agg"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crm_helpers.grading.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(os.environ["CRM_ZYGOTE_LOG"], "a")  # noqa: SIM115
            if os.environ.get("CRM_ZYGOTE_LOG")
            else subprocess.DEVNULL,
            env=env,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()
        self._ready = False

    def wait_ready(self) -> None:
        """Wait for the zygote's imports (it starts them as soon as it is started)."""
        if self._ready:
            return
        first = self.proc.stdout.readline() if self.proc.stdout else ""
        if not first or "ready" not in json.loads(first):
            self.close()
            raise RuntimeError("the kernel zygote did not start")
        self._ready = True

    def alive(self) -> bool:
        return self.proc.poll() is None

    def spawn(self, cfg: dict[str, Any], cmd: list[str]) -> ForkedKernel:
        """Fork a sandboxed kernel for the connection file in ``cmd`` (``-f PATH``)."""
        with self._lock:
            assert self.proc.stdin and self.proc.stdout
            self.wait_ready()
            self.proc.stdin.write(json.dumps({"cfg": cfg, "cmd": cmd}) + "\n")
            self.proc.stdin.flush()
            reply = json.loads(self.proc.stdout.readline() or '{"error": "zygote exited"}')
        if "pid" not in reply:
            raise RuntimeError(f"the kernel zygote could not fork: {reply.get('error')}")
        return ForkedKernel(int(reply["pid"]))

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.terminate()
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()


_ZYGOTE: Zygote | None = None


def get(wait: bool = True) -> Zygote | None:
    """This process's zygote, started on first use (ready, unless ``wait`` is false);
    None if it cannot start."""
    global _ZYGOTE
    if _ZYGOTE is None or not _ZYGOTE.alive():
        try:
            _ZYGOTE = Zygote()
        except Exception:
            _ZYGOTE = None
            return None
        import atexit

        atexit.register(_ZYGOTE.close)
    if wait:
        try:
            _ZYGOTE.wait_ready()
        except Exception:
            _ZYGOTE = None
    return _ZYGOTE


if __name__ == "__main__":  # pragma: no cover
    serve()
