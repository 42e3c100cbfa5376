"""The course's Jupyter kernel name and a notebook's declared parameters: the one source
for the course runner (:mod:`crm_helpers.course`) and the grader
(:mod:`crm_helpers.grading`). It imports nothing from the rest of the package, so both can
use it without an import cycle.

>>> KERNEL_NAME
'crm-course'
>>> from crm_helpers.results import repo_root
>>> notebook_parameters(repo_root() / "notebooks" / "01_overview.ipynb")["seed"]
7
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

__all__ = ["KERNEL_NAME", "notebook_parameters", "local_kernel_manager_class"]

#: The Jupyter kernel registered for the course's own environment (by ``make``); the
#: course runner, the notebook tests and the grader all run notebooks with it.
KERNEL_NAME = "crm-course"


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The defaults in a notebook's ``parameters`` cell, as Python values where they are
    literals (papermill reports them as source text; other defaults stay text)."""
    import papermill as pm

    out: dict[str, Any] = {}
    for name, info in pm.inspect_notebook(str(path)).items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = info["default"]
    return out


def local_kernel_manager_class() -> type:
    """A ``KernelManager`` whose kernels listen on Unix sockets in a private folder of this
    process (mode 0700) instead of TCP ports on localhost: another user's process cannot
    connect, and ipykernel 7 has no "running over TCP without encryption" to warn about.
    Its kernels are forked from a parent that has imported the chapters' libraries once
    (:mod:`crm_helpers._warm_kernel`; ``CRM_WARM_KERNELS=0`` starts each from scratch).
    Pass it as papermill's or nbclient's ``kernel_manager_class``. It is asynchronous, as
    nbclient's default is: with a blocking client, nbclient waited for a dead kernel's
    output for ever (a cell that calls ``os._exit``) instead of raising ``DeadKernelError``.

    >>> km = local_kernel_manager_class()(kernel_name=KERNEL_NAME)
    >>> km.transport, Path(km.ip).parent.stat().st_mode & 0o777 == 0o700
    ('ipc', True)
    """
    global _LOCAL_KM
    if _LOCAL_KM is None:
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        class LocalKernelManager(AsyncKernelManager):
            @default("transport")
            def _default_transport(self) -> str:
                return "ipc"

            @default("ip")
            def _default_ip(self) -> str:
                return str(Path(_socket_dir(tempfile.mkdtemp)) / "kernel")

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                from . import _warm_kernel

                kernel = _warm_kernel.launch(kernel_cmd, kw.get("cwd"), kw.get("env"))
                if kernel is None:  # a kernel from scratch
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                provisioner = self.provisioner
                provisioner.process, provisioner.pid = kernel, kernel.pid
                provisioner.pgid = kernel.pid  # the kernel leads its own session
                provisioner.cwd = kw.get("cwd") or Path.cwd()
                self._reconcile_connection_info(provisioner.connection_info)

        _LOCAL_KM = LocalKernelManager
    return _LOCAL_KM


_LOCAL_KM: type | None = None
_SOCKETS: dict[int, str] = {}


def _socket_dir(make: Any) -> str:
    """One private socket folder per process (a forked worker makes its own), removed when
    the process ends."""
    import atexit
    import os
    import shutil

    pid = os.getpid()
    if pid not in _SOCKETS:
        _SOCKETS[pid] = make(prefix="crm-kernels-")
        atexit.register(shutil.rmtree, _SOCKETS[pid], ignore_errors=True)
    return _SOCKETS[pid]
