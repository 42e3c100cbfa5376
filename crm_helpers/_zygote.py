"""The warm-kernel parent (预热内核), run as a script by :mod:`crm_helpers._warm_kernel`.

It imports what every chapter's first cell imports (numpy, pandas, matplotlib, seaborn with
scipy.stats, scikit-learn, IPython, ipykernel, ipywidgets, and WeasyPrint for the
reports chapter 09 writes: about 3 s), then reads one JSON
request a line on stdin: ``{"args": [...], "cwd": ..., "env": {...}}``. For each it forks a
child that starts its own session, takes the request's folder and environment, and runs
ipykernel with ``args`` (``-f <connection file>``), exactly as ``python -m
ipykernel_launcher`` would; it answers ``{"pid": N}`` on its protocol pipe. Its children are
reaped automatically. When stdin closes (the process that started it ended), it kills every
kernel it started and exits.

It imports nothing from the course package, and the course's code is imported by the
kernels themselves, from their own folders, as in a kernel started from scratch.
"""

import json
import os
import select
import signal
import sys

PRELOAD = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
    "seaborn", "scipy.stats", "sklearn.metrics", "sklearn.cluster", "sklearn.linear_model",
    "IPython", "ipykernel.kernelapp", "ipywidgets", "weasyprint",
)  # fmt: skip


def _child(request: dict, protocol: int, children_fds: list[int]) -> None:
    """Become the kernel of ``request`` (never returns)."""
    try:
        os.close(protocol)
        for fd in children_fds:
            os.close(fd)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        args = list(request["args"])
        if os.environ.get("JPY_PARENT_PID"):  # read when ipykernel was imported, i.e. here
            args.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
        sys.argv = ["ipykernel_launcher", *args]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=args)
    finally:
        os._exit(0)


def main() -> None:
    """Preload, then fork a kernel for each request until stdin closes."""
    if sys.path and os.path.dirname(os.path.abspath(__file__)) == os.path.abspath(sys.path[0]):
        del sys.path[0]  # the course package's folder is not a place to import from
    protocol = os.dup(1)
    os.dup2(2, 1)  # what the kernels print goes where the caller's stderr goes
    for module in PRELOAD:
        try:
            __import__(module)
        except Exception:  # a missing optional package: the kernel imports what it needs
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    os.write(protocol, b'{"ready": true}\n')
    children: dict[int, int] = {}  # pid -> pidfd: a kernel still running is never readable
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request, protocol, list(children.values()))
        children[pid] = os.pidfd_open(pid)
        os.write(protocol, (json.dumps({"pid": pid}) + "\n").encode())
        children = _running(children)
    for pid in _running(children):
        try:
            os.killpg(pid, signal.SIGKILL)  # the kernel and what it started
        except OSError:
            pass


def _running(children: dict[int, int]) -> dict[int, int]:
    """The children that have not ended (their pidfds of the others closed)."""
    ended, _, _ = select.select(list(children.values()), [], [], 0) if children else ([], 0, 0)
    for fd in ended:
        os.close(fd)
    return {pid: fd for pid, fd in children.items() if fd not in ended}


if __name__ == "__main__":
    main()
