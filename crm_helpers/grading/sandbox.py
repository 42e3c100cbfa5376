"""Each submission's kernel in its own sandbox (沙箱).

As root on Linux, every kernel gets: its own pid, network, IPC, UTS and mount namespaces
(``unshare(2)``; the kernel is process 1 of its pid namespace, so when it ends every
process it started ends too, new session or not); a uid of its own with no passwd entry
(no other kernel shares it); private ``/tmp``, ``/var/tmp``, ``/dev/shm`` and
``/run/lock``; the course repository, its parent folder, the instructor's home, the
submissions, the grades, nbgrader's course folder and ``$CRM_GRADER_HIDE`` covered by
empty folders, with only the Python installation, the virtual environment and
``crm_helpers`` (read-only) and ``data/`` and the data cache (read-only) put back, wherever
they are on disk (also under ``/tmp``); no network (the kernel talks to the grader over
Unix sockets in a folder only its uid can enter); and a cgroup (v1 ``memory`` and
``pids``) per run limiting the memory and the number of tasks of the whole tree, whose
every process is killed and which is removed at the end. Where this is not possible (not
root, no namespaces) kernels run with per-process limits only and every result carries
the flag ``unsandboxed``; ``sandbox="on"`` refuses to grade instead.

>>> sorted(isolation())  # what this machine allows
['cgroups', 'namespaces']
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..results import repo_root
from ._common import GradingError, Limits, course_dir

__all__ = ["isolation", "sandbox_available", "sandbox_config", "enter", "launch_kernel"]

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
SOCK_ROOT = Path("/run/crm-grader")
STAGE = Path("/run/crm-grader-stage")
CGROUP_ROOT = Path("/sys/fs/cgroup")
#: Address space a cold kernel maps for its libraries (pandas, matplotlib, ...) before any
#: answer runs; its ``RLIMIT_AS`` is this plus the memory limit (a warm kernel measures it).
LIBRARY_VM_MB = 3072


@functools.cache
def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    if _libc().mount(enc(src), enc(target), enc(fstype), flags, enc(data) if data else None):
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {target}: {os.strerror(err)}")


def _own_cgroup(controller: str) -> Path | None:
    """This process's cgroup (v1) of ``controller``, if that hierarchy is mounted here."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, ctrls, path = line.split(":", 2)
            if controller in ctrls.split(","):
                base = CGROUP_ROOT / controller / path.lstrip("/")
                return base if base.is_dir() else None
    except OSError:
        return None
    return None


def _probe() -> bool:  # pragma: no cover - runs in a child
    pid = os.fork()
    if pid == 0:
        flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        code = 1
        try:
            if _libc().unshare(flags) == 0:
                _mount(None, "/", None, MS_REC | MS_PRIVATE)
                _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


@functools.cache
def isolation() -> dict[str, bool]:
    """What this machine allows: ``namespaces`` (root and ``unshare(2)`` of pid, net, ipc,
    uts and mount namespaces) and ``cgroups`` (v1 ``memory`` and ``pids`` writable)."""
    ns = os.name == "posix" and sys.platform.startswith("linux") and os.geteuid() == 0
    if ns:
        try:
            ns = _probe()
        except OSError:
            ns = False
    groups = ns
    for ctrl in ("memory", "pids"):
        base = _own_cgroup(ctrl)
        groups = groups and base is not None and os.access(base, os.W_OK)
    return {"namespaces": bool(ns), "cgroups": bool(groups)}


def sandbox_available() -> bool:
    """Whether kernels can run sandboxed (root and namespaces)."""
    return isolation()["namespaces"]


def _cgroups(name: str, limits: Limits) -> list[str]:
    """One ``memory`` and one ``pids`` cgroup for a run, with its limits."""
    made = []
    for ctrl, settings in (
        ("memory", {"memory.limit_in_bytes": str(limits.memory_mb * 2**20)}),
        ("pids", {"pids.max": str(limits.max_tasks)}),
    ):
        base = _own_cgroup(ctrl)
        assert base is not None
        group = base / name
        group.mkdir()
        made.append(str(group))
        for key, value in settings.items():
            (group / key).write_text(value)
    return made


def remove_cgroups(groups: list[str]) -> None:
    """Kill every process left in the run's cgroups, then remove them."""
    for g in groups:
        procs = Path(g) / "cgroup.procs"
        end = time.monotonic() + 5
        while time.monotonic() < end:
            try:
                pids = [int(p) for p in procs.read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        for _ in range(50):
            try:
                os.rmdir(g)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.02)


def _hidden(extra: list[str]) -> list[str]:
    root = repo_root()
    hide = [str(root), str(Path.home()), str(course_dir()), str(SOCK_ROOT), *extra]
    if root.parent != Path(root.anchor):
        hide.append(str(root.parent))
    venv_home = Path(sys.prefix).resolve().parent  # a checkout that holds the venv
    if (venv_home / "notebooks").is_dir() or (venv_home / "crm_helpers").is_dir():
        hide.append(str(venv_home))
    hide += [p for p in os.environ.get("CRM_GRADER_HIDE", "").split(os.pathsep) if p]
    system = {"/", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev"}
    out = {str(Path(h).resolve()) for h in hide if h}
    return sorted((h for h in out if h not in system and h not in {"/run", "/var"}), key=len)


def sandbox_config(limits: Limits, workdir: Path, hide: list[str] | None = None) -> dict[str, Any]:
    """Everything a kernel's launcher needs (paths, limits, uid, cgroups) for one run.

    Creates the run's socket folder and cgroups; :func:`cleanup` removes them."""
    from ..datasets import cache_dir, data_dir

    avail = isolation()
    use = limits.sandbox == "on" or (limits.sandbox == "auto" and avail["namespaces"])
    if limits.sandbox == "on" and not avail["namespaces"]:
        raise GradingError("sandbox='on' needs root and Linux namespaces (unshare)")
    uid = 100_000 + secrets.randbelow(1_000_000_000)
    name = f"crm-grader-{secrets.token_hex(6)}"
    if use:
        SOCK_ROOT.mkdir(mode=0o711, exist_ok=True)
        STAGE.mkdir(mode=0o700, exist_ok=True)
        sockdir = SOCK_ROOT / name
        sockdir.mkdir(mode=0o700)
        os.chown(sockdir, uid, uid)
    else:
        sockdir = workdir / "sock"
        sockdir.mkdir(mode=0o700)
    groups = _cgroups(name, limits) if use and avail["cgroups"] else []
    mpl = ""
    try:
        import matplotlib

        fonts = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        mpl = str(fonts[-1]) if fonts else ""
    except Exception:  # pragma: no cover - matplotlib is a course dependency
        pass
    keep = [Path(sys.prefix), Path(sys.base_prefix), repo_root() / "crm_helpers"]
    return {
        "sandbox": bool(use),
        "cgroups": groups,
        "uid": uid,
        "workdir": str(workdir),
        "sockdir": str(sockdir),
        "hide": _hidden(list(hide or [])),
        "keep": [str(p.resolve()) for p in keep],
        "ro": [str(Path(data_dir()).resolve()), str(Path(cache_dir()).resolve())],
        "memory_mb": limits.memory_mb,
        "file_mb": limits.file_mb,
        "max_tasks": limits.max_tasks,
        "mpl_fontlist": mpl,
        "cache_dir": str(Path(cache_dir()).resolve()),
    }


def cleanup(cfg: dict[str, Any]) -> None:
    """Kill what is left of a run and remove its cgroups and socket folder."""
    remove_cgroups(cfg.get("cgroups", []))
    shutil.rmtree(cfg["sockdir"], ignore_errors=True)


def enter(cfg: dict[str, Any]) -> None:  # pragma: no cover - runs in the kernel's launcher
    """Join the run's cgroups and new namespaces. The calling process stays outside as
    the kernel's parent (it forwards signals and exits with the kernel); only the child,
    process 1 of the new pid namespace, returns from here."""
    for g in cfg["cgroups"]:
        Path(g, "cgroup.procs").write_text(str(os.getpid()))
    if not cfg["sandbox"]:
        return
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if _libc().unshare(flags) != 0:
        os._exit(71)
    pid = os.fork()
    if pid:
        _wait_as_parent(pid)
    # PR_SET_PDEATHSIG: the parent's end is ours (and a late start is still swept by the
    # cgroup at the end of the run)
    _libc().prctl(1, signal.SIGKILL)
    _mounts(cfg)


def _wait_as_parent(pid: int) -> None:  # pragma: no cover - the launcher's last act
    def forward(signum: int, _frame: Any) -> None:
        try:
            os.kill(pid, signal.SIGKILL if signum == signal.SIGTERM else signum)
        except ProcessLookupError:
            pass

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, forward)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    os._exit(max(0, os.waitstatus_to_exitcode(status)))


def _mounts(cfg: dict[str, Any]) -> None:  # pragma: no cover - in the sandbox
    """Private temporary folders; instructor folders covered; the runtime put back."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", str(STAGE), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700")
    hidden = cfg["hide"]
    under = lambda p: any(p == h or p.startswith(h + "/") for h in hidden)  # noqa: E731
    private = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock"]
    keeps = []
    for i, (k, ro) in enumerate(
        [(k, True) for k in cfg["keep"] + cfg["ro"]] + [(cfg["sockdir"], False)]
    ):
        if not Path(k).is_dir() or not (under(k) or any(k.startswith(p + "/") for p in private)):
            continue
        stage = STAGE / str(i)
        stage.mkdir()
        _mount(k, str(stage), None, MS_BIND | MS_REC)
        keeps.append((k, stage, ro))
    for p in private:
        if Path(p).is_dir():
            size = f"size={cfg['file_mb'] * 3}m,mode=1777"
            _mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, size)
    for h in hidden:
        if Path(h).is_dir():
            _mount("tmpfs", h, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for k, stage, ro in keeps:
        Path(k).mkdir(parents=True, exist_ok=True)
        _mount(str(stage), k, None, MS_MOVE)
        if ro:
            _mount(None, k, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _libc().umount2(str(STAGE).encode(), 2)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _libc().sethostname(b"sandbox", 7)


def launch_kernel(
    cfg: dict[str, Any], cmd: list[str], in_process: bool = False
) -> tuple[list[str], dict[str, str]] | None:  # pragma: no cover - exec
    """In the sandbox (as root): the kernel's folders, limits, the run's uid, then exec the
    kernel (``in_process``, a kernel forked by :mod:`crm_helpers.grading.zygote`: return its
    arguments and environment instead; it sets its memory limit once started)."""
    import resource

    conn_idx = cmd.index("-f") + 1
    conn = Path(cmd[conn_idx]).read_text()
    fontlist = Path(cfg["mpl_fontlist"]).read_bytes() if cfg["mpl_fontlist"] else b""
    enter(cfg)
    work = Path("/tmp/work") if cfg["sandbox"] else Path(cfg["workdir"])
    home = work / ".home"
    dirs = (work, home, home / "mpl", home / "ipython", work / "output")
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
    if fontlist:
        (home / "mpl" / Path(cfg["mpl_fontlist"]).name).write_bytes(fontlist)
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-crm-grader.py").write_text(STARTUP)
    connfile = home / "kernel.json"
    connfile.write_text(conn)
    cmd[conn_idx] = str(connfile)
    uid = cfg["uid"] if cfg["sandbox"] else None
    if uid is not None:
        for f in [*dirs, *home.rglob("*")]:
            os.chown(f, uid, uid)
    env = _kernel_env(work, home, cfg)
    if not in_process:  # address space: the libraries' mappings plus the memory limit
        mem = (int(cfg["memory_mb"]) + LIBRARY_VM_MB) * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    fsize = int(cfg["file_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.chdir(work)
    if uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (cfg["max_tasks"], cfg["max_tasks"]))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if in_process:
        return cmd[conn_idx - 1 :], env
    os.execvpe(cmd[0], cmd, env)
    return None


#: Run by the kernel at start-up: ``exit()`` and ``quit()`` in an answer do not stop the
#: kernel 0.1 s later (in the middle of a later exercise, which would be charged for it).
STARTUP = """\
from IPython.core.autocall import ZMQExitAutocall as _crm_grader_exit
class _crm_grader_no_exit(_crm_grader_exit):
    def __call__(self, keep_kernel=True):
        print("exit() is ignored while grading: the rest of the notebook still runs.")
_ip = get_ipython()
_ip.exiter = _crm_grader_no_exit(_ip)
_ip.user_ns["exit"] = _ip.user_ns["quit"] = _ip.exiter
del _ip, _crm_grader_exit, _crm_grader_no_exit
"""


def _kernel_env(work: Path, home: Path, cfg: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        TMPDIR=str(work),
        MPLCONFIGDIR=str(home / "mpl"),
        IPYTHONDIR=str(home / "ipython"),
        MPLBACKEND="agg",
        CRM_CACHE_DIR=cfg["cache_dir"],
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key in list(env):
        if key.startswith(("JPY_", "CRM_GRADER", "CRM_NBGRADER", "CRM_ZYGOTE")):
            env.pop(key)
    return env


def kernel_manager(cfg: dict[str, Any], kernel_name: str, zygote: Any = None) -> Any:
    """A kernel manager that starts the kernel in the sandbox, talking over Unix sockets in
    the run's socket folder: forked from ``zygote`` (a warm
    :class:`crm_helpers.grading.zygote.Zygote`) when given, else a fresh launcher process."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):  # noqa: D102
            cmd = super().format_kernel_cmd(extra_arguments)
            if zygote is not None:
                return cmd
            launcher = [sys.executable, "-m", "crm_helpers.grading", "_launch", json.dumps(cfg)]
            return [*launcher, "--", *cmd]

        async def _async_launch_kernel(self, kernel_cmd, **kw):  # noqa: D102
            if zygote is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            prov = self.provisioner
            prov.process = zygote.spawn(cfg, list(kernel_cmd))
            prov.pid = prov.pgid = prov.process.pid  # the child is a session leader
            prov.cwd = kw.get("cwd")
            self._reconcile_connection_info(prov.connection_info)

    km = SandboxKernelManager(
        kernel_name=kernel_name, transport="ipc", ip=str(Path(cfg["sockdir"]) / "k")
    )
    km.connection_file = str(Path(cfg["workdir"]) / "connection.json")
    km.client_factory = _quick_client_class()
    return km


def _quick_client_class():
    """jupyter_client's async kernel client, except that ``wait_for_ready`` does not wait
    for 0.2 s of silence on IOPub once the kernel has answered (0.2 s of every run; nbclient
    matches IOPub messages to their request, so a stray status message is ignored)."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class QuickClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:  # noqa: D102
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if msg["msg_type"] == "kernel_info_reply":
                        try:  # IOPub is connected when the request's status arrives
                            await self.iopub_channel.get_msg(timeout=0.2)
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(msg)
                            break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
            while True:  # drain what has already arrived
                try:
                    await self.iopub_channel.get_msg(timeout=0.01)
                except Empty:
                    break

    return QuickClient


def run_quiet(*cmd: str) -> None:
    subprocess.run(list(cmd), check=True, capture_output=True)
