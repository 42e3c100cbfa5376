"""Grading the course's exercises (评分): release student versions, autograde in parallel,
hand-graded rubric marks, and feedback for every student. See ``docs/GRADING.md``.

nbgrader is the engine for everything it does well: the course directory and its gradebook,
``generate_assignment`` (solutions replaced by placeholders, hidden tests removed), the cell
metadata (``grade_id``, ``points``, ``solution``, ``grade``) and its preprocessors
(``ClearSolutions``, ``ClearHiddenTests``). What nbgrader lacks is built here around it:

- submissions graded in parallel, one worker process per submission, each running the
  notebook in a sandboxed kernel (its own mount namespace, an unprivileged user, a memory
  limit, a wall-clock limit, an output limit) so that one bad submission only fails itself;
- the graded notebook is rebuilt from the *instructor* version with only the student's
  answer cells, so deleted or edited test cells come back;
- every test cell first re-imports pristine course helpers, its hidden part runs as a
  separate cell whose output never reaches the student;
- every submission is re-run with another data seed; a check that passes with the normal
  seed and fails with the other one is flagged (``hardcoded``) and scores 0;
- per-student results are written atomically (``build/grades/<chapter>/<student>.json``),
  so an interrupted batch resumes where it stopped.

The functions here never print; the command line is :mod:`crm_helpers.grading_cli`.

>>> secret_lines("total = None\\n### BEGIN SOLUTION\\ntotal = tx.sum()\\n### END SOLUTION\\n")
['total = tx.sum()']
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import _zygote, report
from .results import repo_root

__all__ = [
    "Limits",
    "GradingError",
    "course_dir",
    "grades_dir",
    "release_dir",
    "chapter_notebook",
    "exercises",
    "secret_lines",
    "setup_course",
    "release",
    "scan_release",
    "find_submission",
    "build_graded_notebook",
    "grade_submission",
    "grade",
    "assemble_csv",
    "to_gradebook",
    "export_rubric",
    "import_rubric",
    "sandbox_available",
]

#: Added to the seed for the re-run that catches typed-in answers.
RESEED_OFFSET = 1000
SOLUTION = re.compile(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n?(.*?)### END HIDDEN TESTS", re.S)
HIDDEN_START = "### BEGIN HIDDEN TESTS"
_ROLE = "crm_grader"  # cell metadata key of the cells the grader adds or splits
_SENTINEL = "crm-grader-sentinel"


class GradingError(ValueError):
    """A problem an instructor must fix (unknown chapter, bad rubric marks, ...)."""


@dataclass
class Limits:
    """Limits for one submission's kernel.

    timeout: wall-clock seconds for a whole run of the notebook; memory_mb: address-space
    limit of the kernel; output_chars: characters of output kept per cell; file_mb: the
    largest file the kernel may write (its working folder is a small private tmpfs);
    warm: fork kernels from a process that has imported the libraries already
    (:mod:`crm_helpers._zygote`; the memory limit then counts from what they take), instead
    of starting each kernel from scratch.
    """

    timeout: float = 600.0
    memory_mb: int = 4096
    output_chars: int = 20_000
    file_mb: int = 200
    sandbox: str = "auto"  # "auto", "on" (fail if impossible) or "off"
    warm: bool = True


# ----------------------------------------------------------------------------- folders


def course_dir() -> Path:
    """The nbgrader course directory, ``build/nbgrader`` (private to the instructor), or
    ``$CRM_NBGRADER_DIR`` if that environment variable is set."""
    env = os.environ.get("CRM_NBGRADER_DIR")
    return Path(env).resolve() if env else repo_root() / "build" / "nbgrader"


def grades_dir() -> Path:
    """Where grades, per-student results and feedback go: ``build/grades``."""
    return repo_root() / "build" / "grades"


def release_dir() -> Path:
    """Where the student versions go: ``build/release``."""
    return repo_root() / "build" / "release"


def chapter_notebook(chapter: str) -> Path:
    """The instructor notebook of a chapter given by stem (``01_overview``), file or prefix."""
    from .course import notebook_paths

    try:
        (path,) = notebook_paths([chapter])
    except SystemExit as err:
        raise GradingError(str(err)) from None
    return Path(path)


def _meta(cell: Mapping[str, Any]) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}) or {})


def _atomic_write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(text.encode("utf-8") if isinstance(text, str) else text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _tool_env() -> dict[str, str]:
    """Environment for nbgrader's steps: the venv's ``bin`` first (nbgrader calls alembic)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    if bindir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    return env


# ----------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Exercise:
    """One graded cell: ``kind`` is ``"auto"`` (a test cell) or ``"manual"`` (written)."""

    grade_id: str
    points: float
    kind: str


def exercises(nb: Any) -> list[Exercise]:
    """The graded cells of an instructor notebook, in order."""
    out = []
    for cell in nb["cells"]:
        m = _meta(cell)
        if not m.get("grade"):
            continue
        kind = "manual" if m.get("solution") or cell["cell_type"] != "code" else "auto"
        out.append(Exercise(m["grade_id"], float(m.get("points", 0)), kind))
    return out


def secret_lines(source: str) -> list[str]:
    """The non-trivial lines inside solution and hidden-test regions of a cell's source."""
    lines = []
    for region in (*SOLUTION.findall(source), *HIDDEN.findall(source)):
        for line in region.splitlines():
            s = line.strip()
            if len(s) >= 8 and not s.startswith("#") and s not in {"pass", "return", ")", "]"}:
                lines.append(s)
    return lines


# ----------------------------------------------------------------------------- release


def _config_text(root: Path) -> str:
    return (
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{root}/gradebook.db'\n"
        "c.CourseDirectory.course_id = 'crm-course'\n"
        # ClearSolutions keeps nbgrader's default code stub ("# YOUR CODE HERE" and a raise)
        "c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'\n"
        # feedback from nbgrader itself (formgrader route) must not show hidden tests
        "c.GenerateFeedback.preprocessors = ["
        "'nbgrader.preprocessors.GetGrades', 'nbgrader.preprocessors.ClearHiddenTests', "
        "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']\n"
    )


def setup_course(chapters: Iterable[str] = ()) -> Path:
    """Create or refresh ``build/nbgrader`` (mode 0700) with the chapters' sources."""
    from .course import notebook_paths

    root = _private_dir(course_dir())
    _atomic_write(root / "nbgrader_config.py", _config_text(root))
    for nb in notebook_paths(list(chapters)):
        dest = root / "source" / nb.stem / nb.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.read_bytes() != nb.read_bytes():
            shutil.copy2(nb, dest)
    return root


def _nbgrader_api(root: Path):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    os.environ["PATH"] = _tool_env()["PATH"]
    cfg = Config()
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = f"sqlite:///{root}/gradebook.db"
    cfg.CourseDirectory.course_id = "crm-course"
    return NbGraderAPI(config=cfg)


def _generate(api: Any, chapter: str, attempts: int = 3) -> dict[str, Any]:
    """nbgrader ``generate_assignment``, tried again if it fails.

    nbgrader 0.9.6 (with SQLAlchemy 2), regenerating an assignment that is already in the
    gradebook, removes and re-adds its notebook in one session and now and then fails
    half-way with "No such notebook"; the next attempt finds no notebook and creates it."""
    res: dict[str, Any] = {}
    for _ in range(attempts):
        res = api.generate_assignment(chapter, force=True, create=True)
        if res.get("success"):
            break
    return res


def release(chapters: Iterable[str] = (), out: Path | None = None) -> list[Path]:
    """Build the student versions with nbgrader ``generate_assignment`` into ``out``.

    Each chapter goes to ``out/<chapter>/<notebook>.ipynb``; the course's ``data/`` folder
    is copied to ``out/data``. Every released notebook is then scanned; a leak of solution
    code or hidden tests raises :class:`GradingError` (and the leaking file is removed).
    """
    from .course import notebook_paths

    out = Path(out) if out else release_dir()
    nbs = notebook_paths(list(chapters))
    root = setup_course([p.stem for p in nbs])
    api = _nbgrader_api(root)
    written = []
    for nb in nbs:
        res = _generate(api, nb.stem)
        if not res.get("success"):
            raise GradingError(
                f"nbgrader generate_assignment failed for {nb.stem}: {res.get('error')}\n"
                f"{res.get('log', '')[-2000:]}"
            )
        target = out / nb.stem
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(root / "release" / nb.stem, target)
        written.extend(sorted(target.glob("*.ipynb")))
    data = repo_root() / "data"
    if data.is_dir():
        shutil.copytree(data, out / "data", dirs_exist_ok=True)
    problems = scan_release(out, nbs)
    if problems:
        raise GradingError("The release leaks answers:\n" + "\n".join(problems))
    return written


def scan_release(folder: Path, instructor: Iterable[Path] = ()) -> list[str]:
    """Problems in every notebook under ``folder``: solution or hidden-test markers, or any
    line of an instructor notebook's solution or hidden-test regions."""
    import nbformat

    from .course import notebook_paths

    secrets: set[str] = set()
    public: set[str] = set()  # lines that are also outside the regions (not secret)
    for path in list(instructor) or notebook_paths():
        for cell in nbformat.read(path, as_version=4).cells:
            secrets.update(secret_lines(cell.source))
            outside = HIDDEN.sub("", SOLUTION.sub("", cell.source))
            public.update(ln.strip() for ln in outside.splitlines())
    secrets -= public
    problems = []
    for path in sorted(Path(folder).rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
            if marker in text:
                problems.append(f"{path}: contains {marker!r}")
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # an unreadable release is a problem too
            problems.append(f"{path}: unreadable ({err})")
            continue
        released = "\n".join(
            c.source + "\n" + json.dumps(c.get("outputs", []), ensure_ascii=False) for c in nb.cells
        )
        released_lines = {ln.strip() for ln in released.splitlines()}
        for line in sorted(secrets):
            if line in released_lines:
                problems.append(f"{path}: contains instructor line {line!r}")
    return problems


# ----------------------------------------------------------------------------- submissions


def _read_notebook(path: Path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("no cells")
    return nb


def find_submission(student_dir: Path, instructor: Any) -> tuple[Path | None, str]:
    """The student's notebook for this chapter in ``student_dir`` (searched recursively).

    A file named like the chapter wins; otherwise the readable notebook sharing most
    ``grade_id``s with the instructor version (a renamed file). Returns ``(None, reason)``
    when there is none.
    """
    files = [
        p
        for p in sorted(Path(student_dir).rglob("*.ipynb"))
        if ".ipynb_checkpoints" not in p.parts and not p.name.startswith(".")
    ]
    if not files:
        return None, "no notebook (.ipynb) submitted"
    wanted = {e.grade_id for e in exercises(instructor)} | {
        _meta(c)["grade_id"] for c in instructor["cells"] if _meta(c).get("grade_id")
    }
    stem = instructor.get("metadata", {}).get("crm_chapter")
    best: tuple[int, Path] | None = None
    errors = []
    for p in files:
        try:
            nb = _read_notebook(p)
        except Exception as err:
            errors.append(f"{p.name}: {type(err).__name__}")
            continue
        if stem and p.stem == stem:
            return p, ""
        ids = {_meta(c).get("grade_id") for c in nb.cells} & wanted
        if ids and (best is None or len(ids) > best[0]):
            best = (len(ids), p)
    if best:
        return best[1], ""
    if errors:
        return None, "unreadable notebook: " + "; ".join(errors)
    return None, "no notebook of this chapter (none has its exercise ids)"


def build_graded_notebook(instructor: Any, student: Any | None) -> Any:
    """The notebook that is executed: the instructor version with the student's answers.

    Every cell comes from the instructor version except the answer cells (``solution``),
    which come from the student's notebook matched by ``grade_id`` (an answer missing from
    the submission is left unanswered: the released placeholder). Each test cell is split:
    a grader preamble that re-imports pristine course helpers, the visible check, then the
    hidden tests in a cell of their own. A final sentinel cell must fail; if it does not,
    the student's code has tampered with the kernel's error reporting.
    """
    import nbformat
    from nbgrader.preprocessors import ClearSolutions

    placeholder, _ = ClearSolutions().preprocess(copy.deepcopy(instructor), {})
    placeholders = {_meta(c).get("grade_id"): c.source for c in placeholder.cells}
    answers: dict[str, str] = {}
    if student is not None:
        for c in student["cells"]:
            m = _meta(c)
            gid = m.get("grade_id")
            if gid and m.get("solution") and gid not in answers:
                answers[gid] = c.get("source", "")
                if isinstance(answers[gid], list):
                    answers[gid] = "".join(answers[gid])
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(instructor.metadata))
    nb.cells.append(_grader_cell(_GUARD_SOURCE, "guard"))
    for cell in instructor.cells:
        m = _meta(cell)
        gid = m.get("grade_id")
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        if m.get("solution"):
            new.source = answers.get(gid, placeholders.get(gid, ""))
            new.metadata[_ROLE] = {"role": "answer", "grade_id": gid}
            nb.cells.append(new)
        elif m.get("grade") and cell.cell_type == "code":
            visible, _, hidden = cell.source.partition(HIDDEN_START)
            hidden = HIDDEN_START + hidden if hidden else ""
            nb.cells.append(_grader_cell(_PREAMBLE_SOURCE, "preamble", gid))
            new.source = visible.rstrip() + "\n"
            new.metadata[_ROLE] = {"role": "visible", "grade_id": gid}
            nb.cells.append(new)
            if hidden:
                nb.cells.append(_grader_cell(hidden, "hidden", gid))
        else:
            nb.cells.append(new)
    nb.cells.append(_grader_cell(f"raise RuntimeError({_SENTINEL!r})", "sentinel"))
    return nb


def _grader_cell(source: str, role: str, gid: str | None = None):
    import nbformat

    cell = nbformat.v4.new_code_cell(source)
    cell.metadata[_ROLE] = {"role": role, "grade_id": gid}
    return cell


# Runs before any notebook code: remembers the builtins, so a test cell can restore them.
_GUARD_SOURCE = """\
import builtins as _crm_g_b, sys as _crm_g_s, types as _crm_g_t
_crm_g_m = _crm_g_t.ModuleType("_crm_grader_guard")
_crm_g_m.builtins = dict(vars(_crm_g_b))
_crm_g_s.modules["_crm_grader_guard"] = _crm_g_m
del _crm_g_b, _crm_g_s, _crm_g_t, _crm_g_m
"""

# Runs before each test cell: pristine builtins and course helpers, whatever the answers did.
_PREAMBLE_SOURCE = """\
import sys as _crm_g_s
import builtins as _crm_g_b
vars(_crm_g_b).update(_crm_g_s.modules["_crm_grader_guard"].builtins)
for _crm_g_n in [n for n in list(_crm_g_s.modules) if n.split(".")[0] == "crm_helpers"]:
    del _crm_g_s.modules[_crm_g_n]
import crm_helpers as crm
import crm_helpers.checks  # a chapter's checks load from disk when first used
if "pd" in globals():
    import pandas as pd
if "np" in globals():
    import numpy as np
try:
    assert False
except AssertionError:
    pass
else:
    raise RuntimeError("assert statements are disabled")
if crm.checks.close(1.0, 2.0) or not crm.checks.close(2.0, 2.0):
    raise RuntimeError("the course helpers have been tampered with")
del _crm_g_s, _crm_g_b, _crm_g_n
"""


# ----------------------------------------------------------------------------- sandbox


def sandbox_available() -> bool:
    """Whether kernels can run sandboxed: root, ``unshare`` and a mount namespace work."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    try:
        r = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "true"],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _sandbox_config(limits: Limits, workdir: Path) -> dict[str, Any]:
    from .datasets import cache_dir, data_dir

    use = limits.sandbox == "on" or (limits.sandbox == "auto" and sandbox_available())
    if limits.sandbox == "on" and not sandbox_available():
        raise GradingError("sandbox='on' needs root, unshare and mount namespaces")
    root = repo_root()
    # the repo and its parent (sibling clones hold instructor notebooks too), and the home
    hide = [str(root), str(Path.home())]
    if root.parent != Path(root.anchor):
        hide.insert(0, str(root.parent))
    hide += [p for p in os.environ.get("CRM_GRADER_HIDE", "").split(os.pathsep) if p]
    hide.append(str(course_dir()))  # it may live outside the repository (CRM_NBGRADER_DIR)
    keep = [
        str(Path(sys.prefix).resolve()),
        str(Path(sys.base_prefix).resolve()),
        str(root / "crm_helpers"),
    ]
    ro = [str(Path(data_dir()).resolve()), str(Path(cache_dir()).resolve())]
    mpl = ""
    try:
        import matplotlib

        fonts = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        mpl = str(fonts[-1]) if fonts else ""
    except Exception:  # pragma: no cover - matplotlib is a course dependency
        pass
    return {
        "sandbox": bool(use),
        "workdir": str(workdir),
        "hide": hide,
        "keep": keep,
        "ro": ro,
        "memory_mb": limits.memory_mb,
        "file_mb": limits.file_mb,
        "mpl_fontlist": mpl,
        "cache_dir": str(Path(cache_dir()).resolve()),
    }


def _run(*cmd: str) -> None:
    subprocess.run(list(cmd), check=True, capture_output=True)


def _launch_kernel(
    cfg: dict[str, Any], cmd: list[str], in_process: bool = False
) -> tuple[list[str], dict[str, str]] | None:  # pragma: no cover - exec
    """Inside the kernel's new mount namespace (as root): hide the instructor's files, set
    limits, drop to ``nobody`` and exec the kernel. ``in_process`` (a kernel forked by the
    zygote, :mod:`crm_helpers._zygote`): return the kernel's arguments and environment
    instead of exec-ing; the zygote's child sets the memory limit itself."""
    import pwd
    import resource

    conn_idx = cmd.index("-f") + 1
    conn = Path(cmd[conn_idx]).read_text()
    fontlist = Path(cfg["mpl_fontlist"]).read_bytes() if cfg["mpl_fontlist"] else b""
    env = dict(os.environ)
    if cfg["sandbox"]:
        private = "/tmp"
        _run(
            "mount", "-t", "tmpfs", "-o", f"size={cfg['file_mb'] * 3}m,mode=1777", "tmpfs", private
        )
        stage = Path(private) / ".stage"
        stage.mkdir()
        keeps = []
        for i, k in enumerate(cfg["keep"] + cfg["ro"]):
            if not Path(k).exists():
                continue
            s = stage / str(i)
            s.mkdir()
            _run("mount", "--bind", k, str(s))
            keeps.append((k, s, k in cfg["ro"]))
        for h in cfg["hide"]:
            if Path(h).is_dir():
                _run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", h)
        for k, s, readonly in keeps:
            Path(k).mkdir(parents=True, exist_ok=True)
            _run("mount", "--move", str(s), k)
            if readonly:
                _run("mount", "-o", "remount,bind,ro", k)
        work = Path(private) / "work"
        user = pwd.getpwnam("nobody")
        uid, gid = user.pw_uid, user.pw_gid
    else:
        work = Path(cfg["workdir"])
        uid = gid = None
    home = work / ".home"
    for d in (work, home, home / "mpl", home / "ipython", work / "output"):
        d.mkdir(parents=True, exist_ok=True)
    if fontlist:
        (home / "mpl" / Path(cfg["mpl_fontlist"]).name).write_bytes(fontlist)
    connfile = home / "kernel.json"
    connfile.write_text(conn)
    cmd[conn_idx] = str(connfile)
    if uid is not None:
        for d in (work, home, home / "mpl", home / "ipython", work / "output"):
            os.chown(d, uid, gid)
        for f in home.rglob("*"):
            os.chown(f, uid, gid)
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
        if key.startswith(("JPY_", "CRM_GRADER", "CRM_NBGRADER")):
            env.pop(key)
    if not in_process:  # a forked kernel sets it once started (see crm_helpers._zygote)
        mem = int(cfg["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    fsize = int(cfg["file_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.chdir(work)
    if uid is not None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    if in_process:
        return cmd[conn_idx - 1 :], env
    os.execvpe(cmd[0], cmd, env)
    return None


def _kernel_manager(cfg: dict[str, Any], kernel_name: str, zygote: Any = None):
    """A kernel manager that starts the kernel in the sandbox: forked from ``zygote`` (a
    warm :class:`crm_helpers._zygote.Zygote`) when given, else a fresh process."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):  # noqa: D102
            cmd = super().format_kernel_cmd(extra_arguments)
            if zygote is not None:
                return cmd
            launcher = [sys.executable, "-m", "crm_helpers.grading", "_launch", json.dumps(cfg)]
            prefix = ["unshare", "--mount", "--propagation", "private"] if cfg["sandbox"] else []
            return [*prefix, *launcher, "--", *cmd]

        async def _async_launch_kernel(self, kernel_cmd, **kw):  # noqa: D102
            if zygote is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            prov = self.provisioner
            prov.process = zygote.spawn(cfg, list(kernel_cmd))
            prov.pid = prov.pgid = prov.process.pid  # the child is a session leader
            prov.cwd = kw.get("cwd")
            self._reconcile_connection_info(prov.connection_info)

    km = SandboxKernelManager(kernel_name=kernel_name)
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


# ----------------------------------------------------------------------------- execution


def _client_class():
    from nbclient import NotebookClient

    class LimitedClient(NotebookClient):
        """Keeps at most ``output_chars`` characters of output per cell."""

        output_chars = 20_000

        async def _check_raise_for_error(self, cell, cell_index, exec_reply):  # noqa: D102
            # the kernel's reply status counts too: code that silences the traceback display
            # still gets an "error" reply
            if exec_reply is not None and exec_reply.get("content", {}).get("status") == "error":
                self.reply_errors.add(cell_index)
            return await super()._check_raise_for_error(cell, cell_index, exec_reply)

        def output(self, outs, msg, display_id, cell_index):  # noqa: D102
            size = self._sizes.get(cell_index, 0)
            if size > self.output_chars:
                return None
            content = msg.get("content", {})
            n = len(json.dumps(content.get("data", content.get("text", "")), default=str))
            n += len(json.dumps(content.get("traceback", ""), default=str))
            self._sizes[cell_index] = size + n
            if size + n > self.output_chars:
                self.truncated.add(cell_index)
                outs.append(
                    _stream(
                        f"\n[output truncated by the grader after {self.output_chars} characters]\n"
                    )
                )
                return None
            return super().output(outs, msg, display_id, cell_index)

    return LimitedClient


def _new_error(ename: str, evalue: str):
    import nbformat

    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])


def _stream(text: str, name: str = "stderr"):
    import nbformat

    return nbformat.v4.new_output("stream", name=name, text=text)


def _parameterize(nb: Any, params: Mapping[str, Any]) -> Any:
    from papermill.parameterize import parameterize_notebook

    from .course import KERNEL_NAME

    declared = {}
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


def _execute(
    nb: Any,
    params: Mapping[str, Any],
    limits: Limits,
    kernel_name: str,
    stop_after: Callable[[Any], bool] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Run a graded notebook in a sandboxed kernel; returns it and how the run ended.

    ``stop_after(cell)`` true ends the run after that cell (the re-run stops after the last
    check that matters)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(nb)
    workdir = Path(tempfile.mkdtemp(prefix="crm-grade-"))
    cfg = _sandbox_config(limits, workdir)
    params = dict(params)
    params["output_dir"] = str((Path("/tmp/work") if cfg["sandbox"] else workdir) / "output")
    nb = _parameterize(nb, params)
    client = _client_class()(
        nb,
        km=_kernel_manager(cfg, kernel_name, _zygote.get() if limits.warm else None),
        timeout=int(limits.timeout),
        allow_errors=True,
        shutdown_kernel="immediate",
        startup_timeout=120,
        record_timing=False,
    )
    km = client.km
    client._sizes, client.truncated, client.reply_errors = {}, set(), set()
    client.output_chars = limits.output_chars
    state: dict[str, Any] = {"ended": "completed", "executed": [], "sandbox": cfg["sandbox"]}
    deadline = time.monotonic() + limits.timeout
    try:
        with client.setup_kernel(cwd=str(workdir)):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    state["ended"] = "timeout"
                    break
                client.timeout = max(1, int(remaining))
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    state["ended"] = "timeout"
                    cell.outputs.append(_stream("[stopped: the time limit was reached]\n"))
                    break
                except DeadKernelError:
                    state["ended"] = "kernel_died"
                    cell.outputs.append(_stream("[stopped: the kernel died (exit or memory)]\n"))
                    break
                state["executed"].append(index)
                if stop_after is not None and stop_after(cell):
                    break
    except Exception as err:  # kernel could not start, or died during shutdown
        if not state["executed"]:
            state["ended"] = f"kernel_error: {type(err).__name__}: {err}"[:300]
    finally:
        _stop_kernel(km)
        shutil.rmtree(workdir, ignore_errors=True)
    state["truncated"] = sorted(client.truncated)
    for index in client.reply_errors:  # an error reply without an error output
        if not _errors(nb.cells[index]):
            nb.cells[index].outputs.append(
                _new_error("HiddenError", "the cell failed but its error display was silenced")
            )
    return nb, state


def _stop_kernel(km: Any) -> None:
    """Kill the kernel and everything it started (its process group)."""
    import signal

    pid, proc = None, None
    try:
        proc = km.provisioner.process if km.provisioner else None
        pid = proc.pid if proc else None
    except Exception:
        pid = None
    if pid:  # kill first: jupyter_client's shutdown polls every 0.1 s until it is gone
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
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


def _errors(cell: Any) -> list[Any]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _score_run(nb: Any, state: Mapping[str, Any], instructor: Any) -> dict[str, dict[str, Any]]:
    """Per autograded exercise: status (passed/failed/error/not_run), points, hint."""
    executed = set(state["executed"])
    parts: dict[str, list[tuple[str, Any, bool]]] = {}
    for i, cell in enumerate(nb.cells):
        role = cell.metadata.get(_ROLE, {})
        if role.get("role") in {"preamble", "visible", "hidden"}:
            parts.setdefault(role["grade_id"], []).append((role["role"], cell, i in executed))
    out = {}
    for ex in exercises(instructor):
        if ex.kind != "auto":
            continue
        cells = parts.get(ex.grade_id, [])
        status, hint = "passed", ""
        for role, cell, ran in cells:
            if not ran:
                status, hint = "not_run", "not run (the notebook stopped before this check)"
                break
            errs = _errors(cell)
            if not errs:
                continue
            e = errs[0]
            if role == "visible":
                msg = str(e.get("evalue", ""))
                status = "unanswered" if "not answered yet" in msg else "failed"
                if e.get("ename") == "ExerciseError":
                    hint = msg
                else:
                    hint = f"{e.get('ename')}: {msg}"[:400]
            elif role == "preamble":
                status, hint = "error", "the grader's check of the course helpers failed"
            else:
                status, hint = "failed", "the hidden tests did not pass"
            break
        out[ex.grade_id] = {
            "status": status,
            "points": ex.points if status == "passed" else 0.0,
            "max": ex.points,
            "hint": hint,
        }
    return out


def _sentinel_ok(nb: Any, state: Mapping[str, Any]) -> bool:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get(_ROLE, {}).get("role") == "sentinel":
            if i not in set(state["executed"]):
                return True  # the run stopped earlier; nothing to conclude
            return any(_SENTINEL in str(e.get("evalue", "")) for e in _errors(cell))
    return True


# ----------------------------------------------------------------------------- feedback


def _feedback_notebook(nb: Any, result: Mapping[str, Any]) -> Any:
    """The student's feedback: their answers, each check's outcome and hint; never the
    hidden tests, their outputs or tracebacks."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests

    fb = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    rows = [
        "| exercise | points | result | hint |",
        "|---|---|---|---|",
    ]
    for gid, r in result["exercises"].items():
        hint = str(r.get("hint", "")).replace("|", "\\|").replace("\n", " ")
        pts = "" if r.get("points") is None else f"{r['points']:g}"
        rows.append(f"| {gid} | {pts} / {r['max']:g} | {r['status']} | {hint} |")
    flags = ", ".join(result.get("flags", [])) or "none"
    head = (
        f"# Feedback: {result['chapter']} — {result['student']}\n\n"
        f"**Score:** {result['auto_total']:g} / {result['auto_max']:g} autograded points "
        f"(written answers are marked by hand). Flags: {flags}.\n\n" + "\n".join(rows)
    )
    if result.get("reason"):
        head += f"\n\n**Note:** {result['reason']}"
    fb.cells.append(nbformat.v4.new_markdown_cell(head))
    for cell in nb.cells:
        role = cell.metadata.get(_ROLE, {}).get("role")
        if role in {"guard", "preamble", "sentinel"}:
            continue
        if "injected-parameters" in cell.metadata.get("tags", []):
            continue
        new = copy.deepcopy(cell)
        if role == "hidden":
            r = result["exercises"].get(cell.metadata[_ROLE]["grade_id"], {})
            ok = r.get("status") == "passed"
            new = nbformat.v4.new_markdown_cell(
                "*Hidden tests (not shown): " + ("passed.*" if ok else "not passed, or not run.*")
            )
        elif new.cell_type == "code":
            new.outputs = [_safe_output(o) for o in new.outputs if _keep_output(o, role)]
        new.metadata.pop(_ROLE, None)
        fb.cells.append(new)
    try:  # a last guard; hidden-test cells were already replaced above
        fb, _ = ClearHiddenTests().preprocess(fb, {})
    except RuntimeError:  # a student's answer mentions the marker in a string
        pass
    return fb


def _keep_output(out: Any, role: str | None) -> bool:
    if out.get("output_type") in {"display_data", "execute_result"}:
        data = out.get("data", {})
        return "text/plain" in data or "text/html" in data
    return True


def _safe_output(out: Any) -> Any:
    """Errors without tracebacks (a traceback could show a hidden test's source)."""
    if out.get("output_type") == "error":
        return _stream(f"{out.get('ename')}: {out.get('evalue')}\n")
    if out.get("output_type") in {"display_data", "execute_result"}:
        out = copy.deepcopy(out)
        out["data"] = {k: v for k, v in out["data"].items() if k in {"text/plain", "text/html"}}
    return out


@functools.cache
def _feedback_exporter() -> Any:
    """One HTML exporter per process: its templates compile once (0.35 s a student)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="classic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _write_feedback(nb: Any, result: Mapping[str, Any], folder: Path, pdf: bool) -> list[str]:
    fb = _feedback_notebook(nb, result)
    body, _ = _feedback_exporter().from_notebook_node(fb)
    html = folder / f"{result['student']}.html"
    _atomic_write(html, body)
    import nbformat

    _atomic_write(html.with_suffix(".ipynb"), nbformat.writes(fb))  # for formgrader
    written = [html.name, html.with_suffix(".ipynb").name]
    if pdf:
        try:
            tmp = html.with_suffix(".pdf.tmp")
            report.html_to_pdf(body, tmp, base_url=folder)
            os.replace(tmp, html.with_suffix(".pdf"))
            written.append(html.with_suffix(".pdf").name)
        except report.PDFRequirementError:
            pass  # no WeasyPrint or CJK font here: the feedback stays HTML only
    return written


# ----------------------------------------------------------------------------- one submission


def grade_submission(
    chapter: str,
    student: str,
    student_dir: Path,
    *,
    params: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    reseed: bool = True,
    reseed_policy: str = "zero",
    pdf: bool = True,
    out_dir: Path | None = None,
    kernel_name: str | None = None,
) -> dict[str, Any]:
    """Grade one student's submission and write ``out_dir/<student>.json`` atomically
    (plus feedback in ``out_dir/feedback/``). Returns the result."""
    from .course import KERNEL_NAME, notebook_parameters

    start = time.perf_counter()
    limits = limits or Limits()
    kernel_name = kernel_name or KERNEL_NAME
    path = chapter_notebook(chapter)
    instructor = _read_notebook(path)
    instructor.metadata["crm_chapter"] = path.stem
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    exs = exercises(instructor)
    result: dict[str, Any] = {
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
    found, reason = find_submission(Path(student_dir), instructor)
    student_nb = None
    if found is not None:
        result["notebook"] = str(found.relative_to(student_dir))
        try:
            student_nb = _read_notebook(found)
        except Exception as err:
            found, reason = None, f"unreadable notebook: {type(err).__name__}: {err}"[:300]
    base = {**notebook_parameters(path), **dict(params or {})}
    if found is None:
        result.update(status="invalid", reason=reason)
        result["flags"].append("no_valid_notebook")
        result["exercises"] = {
            e.grade_id: {"status": "missing", "points": 0.0, "max": e.points, "hint": reason}
            for e in exs
            if e.kind == "auto"
        }
        executed = build_graded_notebook(instructor, None)
    else:
        if found.stem != path.stem:
            result["flags"].append("renamed")
        graded = build_graded_notebook(instructor, student_nb)
        executed, state = _execute(graded, base, limits, kernel_name)
        scores = _score_run(executed, state, instructor)
        result["run"] = {k: state[k] for k in ("ended", "sandbox", "truncated")}
        if state["ended"] != "completed":
            result["flags"].append(state["ended"].split(":")[0])
        if any(
            executed.cells[i].metadata.get(_ROLE, {}).get("role") == "answer"
            for i in state["truncated"]
        ):
            result["flags"].append("output_truncated")
        if not _sentinel_ok(executed, state):
            result["flags"].append("tampered")
            for r in scores.values():
                r.update(
                    points=0.0,
                    status="failed",
                    hint="the kernel's error reporting was tampered with",
                )
        passed = [g for g, r in scores.items() if r["status"] == "passed"]
        if reseed and passed and "tampered" not in result["flags"]:
            seed = int(base.get("seed", 0)) + RESEED_OFFSET
            last = passed[-1]

            def after_last_check(cell: Any) -> bool:
                role = cell.metadata.get(_ROLE, {})
                return role.get("grade_id") == last and role.get("role") == (
                    "hidden"
                    if any(
                        c.metadata.get(_ROLE, {}) == {"role": "hidden", "grade_id": last}
                        for c in graded.cells
                    )
                    else "visible"
                )

            rerun, rstate = _execute(
                graded, {**base, "seed": seed}, limits, kernel_name, after_last_check
            )
            rscores = _score_run(rerun, rstate, instructor)
            result["reseed"] = {"seed": seed, "ended": rstate["ended"]}
            for gid, r in scores.items():
                rs = rscores.get(gid, {}).get("status")
                r["reseed_status"] = rs
                if r["status"] == "passed" and rs in {"failed", "error", "unanswered"}:
                    result["flags"].append(f"hardcoded:{gid}")
                    if reseed_policy == "zero":
                        r.update(
                            points=0.0,
                            status="hardcoded",
                            hint="passes with this data only: fails when the data change "
                            "(is the answer typed in instead of computed?)",
                        )
            if rstate["ended"] != "completed" and rstate["ended"] != state["ended"]:
                result["flags"].append(f"reseed_{rstate['ended'].split(':')[0]}")
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
    fb = out_dir / "feedback"
    try:
        result["feedback"] = _write_feedback(executed, result, fb, pdf)
    except Exception as err:  # feedback must not lose the grade
        result["feedback"] = []
        result["flags"].append(f"feedback_error:{type(err).__name__}")
        result["feedback_error"] = str(err)[:500]
    _atomic_write(out_dir / f"{student}.json", json.dumps(result, indent=1, ensure_ascii=False))
    return result


def _answer_text(nb: Any | None, gid: str) -> str:
    if nb is None:
        return ""
    for c in nb["cells"]:
        if _meta(c).get("grade_id") == gid:
            src = c.get("source", "")
            return "".join(src) if isinstance(src, list) else src
    return ""


# ----------------------------------------------------------------------------- batch


@dataclass
class GradeReport:
    """What a batch did: the CSV, students graded now, students skipped (already done)."""

    csv: Path
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _students(submissions: Path) -> list[tuple[str, Path]]:
    out = []
    for p in sorted(Path(submissions).iterdir()):
        if p.is_dir() and not p.name.startswith("."):
            out.append((re.sub(r"[^\w.@-]", "_", p.name), p))
    return out


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
    """Autograde every student folder in ``submissions`` in parallel (``jobs`` workers, one
    subprocess per submission) and write the grade CSV. Students with a result are skipped
    unless ``force``. ``progress(student, result)`` is called as each one finishes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    from .course import notebook_parameters

    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    students = _students(Path(submissions))
    report = GradeReport(csv=_csv_path(out_dir, path.stem))
    todo = []
    for name, folder in students:
        done = out_dir / f"{name}.json"
        if not force and done.exists() and _finished(done):
            report.skipped.append(name)
        else:
            todo.append((name, folder))
    base = {**notebook_parameters(path), **dict(params or {})}
    _prewarm(base, reseed)
    task_common = {
        "chapter": str(path),
        "params": base,
        "limits": asdict(limits),
        "reseed": reseed,
        "reseed_policy": reseed_policy,
        "pdf": pdf,
        "out_dir": str(out_dir),
    }

    def failure(name: str, err: str) -> dict[str, Any]:
        result = {
            "student": name,
            "chapter": path.stem,
            "status": "error",
            "reason": f"grader error: {err}"[:500],
            "flags": ["grader_error"],
            "exercises": {},
            "auto_total": 0.0,
        }
        _atomic_write(out_dir / f"{name}.json", json.dumps(result, indent=1, ensure_ascii=False))
        return result

    def finish(name: str, res: dict[str, Any]) -> None:
        (report.failed if res.get("status") == "error" else report.graded).append(name)
        if progress:
            progress(name, res)

    # Long-lived worker processes (imports paid once); student code runs in each
    # submission's own sandboxed kernel, never in a worker. If a worker dies, the pool is
    # rebuilt and the unfinished submissions are tried once more.
    workers = max(1, jobs or os.cpu_count() or 1)
    pending = {n: f for n, f in todo}
    for attempt in range(2):
        if not pending:
            break
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=min(workers, len(pending)), mp_context=ctx, initializer=_warm_worker
        ) as pool:
            futures = {
                pool.submit(
                    _grade_task,
                    {**task_common, "student": n, "student_dir": str(f.resolve())},
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
                    res = failure(name, "the grader worker died")
                except Exception as err:  # a bug in the grader: this student only
                    res = failure(name, f"{type(err).__name__}: {err}")
                pending.pop(name, None)
                finish(name, res)
    assemble_csv(path.stem, out_dir)
    return report


def _warm_worker() -> None:
    """Import what grading needs once per worker process."""
    os.environ["PATH"] = _tool_env()["PATH"]
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import papermill.parameterize  # noqa: F401
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions  # noqa: F401


def _grade_task(task: dict[str, Any]) -> dict[str, Any]:
    return grade_submission(
        task["chapter"],
        task["student"],
        Path(task["student_dir"]),
        params=task["params"],
        limits=Limits(**task["limits"]),
        reseed=task["reseed"],
        reseed_policy=task["reseed_policy"],
        pdf=task["pdf"],
        out_dir=Path(task["out_dir"]),
    )


def _finished(done: Path) -> bool:
    try:
        return json.loads(done.read_text(encoding="utf-8")).get("status") in {"graded", "invalid"}
    except (OSError, ValueError):
        return False


def _prewarm(params: Mapping[str, Any], reseed: bool) -> None:
    """Before the kernels start: byte-compile the course helpers (every test cell's preamble
    re-imports them, and the sandboxed kernels may not write ``__pycache__``: from source
    that cost 0.16 s a run), and generate the simulated data for both seeds once."""
    import compileall

    try:
        compileall.compile_dir(str(Path(__file__).parent), quiet=2)
    except OSError:  # a read-only checkout: the kernels compile from source, only slower
        pass
    if params.get("data_source", "simulated") != "simulated":
        return
    from .datasets import load_retailer

    seeds = [int(params.get("seed", 7))]
    if reseed:
        seeds.append(seeds[0] + RESEED_OFFSET)
    for s in seeds:
        load_retailer(seed=s, n_customers=params.get("n_customers", 5000))


def _csv_path(out_dir: Path, chapter: str) -> Path:
    return out_dir.parent / f"{chapter}.csv"


def _manual_path(out_dir: Path, chapter: str) -> Path:
    return out_dir.parent / f"{chapter}_manual.json"


def _load_manual(out_dir: Path, chapter: str) -> dict[str, dict[str, dict[str, Any]]]:
    p = _manual_path(out_dir, chapter)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def assemble_csv(chapter: str, out_dir: Path | None = None) -> Path:
    """Write ``build/grades/<chapter>.csv``: one row per student, one column per exercise
    (auto and written), ``total``, ``max_total``, ``status`` and ``flags``. Written answers
    take the marks imported from the rubric sheet or entered in nbgrader's formgrader."""
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    exs = exercises(_read_notebook(path))
    manual = _load_manual(out_dir, path.stem)
    manual_gb = _gradebook_manual(path.stem)
    rows = []
    for f in sorted(out_dir.glob("*.json")):
        try:
            res = json.loads(f.read_text(encoding="utf-8"))
        except ValueError:
            continue
        student = res.get("student", f.stem)
        row: dict[str, Any] = {"student": student}
        total = 0.0
        for e in exs:
            if e.kind == "auto":
                pts = res.get("exercises", {}).get(e.grade_id, {}).get("points") or 0.0
            else:
                mark = manual.get(student, {}).get(e.grade_id) or manual_gb.get(
                    (student, e.grade_id)
                )
                pts = None if mark is None else float(mark["points"])
            row[e.grade_id] = "" if pts is None else f"{pts:g}"
            total += pts or 0.0
        row["total"] = f"{total:g}"
        row["max_total"] = f"{sum(e.points for e in exs):g}"
        row["status"] = res.get("status", "")
        row["flags"] = ";".join(res.get("flags", []))
        rows.append(row)
    header = ["student", *[e.grade_id for e in exs], "total", "max_total", "status", "flags"]
    target = _csv_path(out_dir, path.stem)
    lines = [header] + [[r[h] for h in header] for r in rows]
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(lines)
    _atomic_write(target, buf.getvalue())
    return target


def to_gradebook(chapter: str, out_dir: Path | None = None) -> dict[str, int]:
    """Record the autograded results in nbgrader's gradebook, for its formgrader.

    For every graded student: the student and the submission in ``build/nbgrader``'s
    gradebook (the assignment is created by :func:`release`, or here with nbgrader's
    ``generate_assignment`` if it is missing), each autograded cell's ``auto_score``, the
    written answers marked as needing a manual grade (marks already entered are kept), and
    the student's feedback notebook (answers and visible checks, never the hidden tests) as
    the autograded notebook formgrader shows. Marks entered there come back into the grade
    CSV through :func:`assemble_csv`. Returns counts of ``students`` and ``grades``.
    """
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    exs = {e.grade_id: e for e in exercises(_read_notebook(path))}
    root = setup_course([path.stem])
    api = _nbgrader_api(root)
    from nbgrader.api import Gradebook, MissingEntry

    db_url = f"sqlite:///{root}/gradebook.db"
    with Gradebook(db_url) as gb:
        try:
            gb.find_assignment(path.stem)
            known = True
        except MissingEntry:
            known = False
    if not known:
        res = _generate(api, path.stem)
        if not res.get("success"):
            raise GradingError(f"nbgrader generate_assignment failed for {path.stem}")
    counts = {"students": 0, "grades": 0}
    with Gradebook(db_url) as gb:
        for f in sorted(out_dir.glob("*.json")):
            try:
                res = json.loads(f.read_text(encoding="utf-8"))
            except ValueError:
                continue
            if res.get("status") not in {"graded", "invalid"}:
                continue
            student = res.get("student", f.stem)
            gb.update_or_create_student(student)
            try:
                gb.find_submission(path.stem, student)
            except MissingEntry:
                gb.add_submission(path.stem, student)
            for gid, r in res.get("exercises", {}).items():
                if gid not in exs:
                    continue
                try:
                    g = gb.find_grade(gid, path.stem, path.stem, student)
                except MissingEntry:
                    continue
                if exs[gid].kind == "auto":
                    g.auto_score = float(r.get("points") or 0.0)
                    g.needs_manual_grade = False
                else:
                    g.needs_manual_grade = g.manual_score is None
                counts["grades"] += 1
            gb.db.commit()
            notebook = out_dir / "feedback" / f"{student}.ipynb"
            if notebook.exists():
                target = root / "autograded" / student / path.stem / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(notebook, target)
            counts["students"] += 1
    return counts


def _gradebook_manual(chapter: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Manual scores entered in nbgrader's formgrader, if a gradebook exists.

    The gradebook is opened read-only (SQLite ``mode=ro``): assembling a grade sheet never
    changes it (nbgrader's own API may upgrade or stamp the database when it opens it)."""
    import sqlite3

    db = course_dir() / "gradebook.db"
    if not db.exists():
        return {}
    query = """
        SELECT sa.student_id, bc.name, g.manual_score
        FROM grade g
        JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id
        JOIN assignment a ON sa.assignment_id = a.id
        JOIN base_cell bc ON g.cell_id = bc.id
        WHERE a.name = ? AND g.manual_score IS NOT NULL
    """
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = con.execute(query, (chapter,)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:  # an older schema, or not a gradebook
        return {}
    return {(student, name): {"points": float(score)} for student, name, score in rows}


# ----------------------------------------------------------------------------- rubric


RUBRIC_COLUMNS = ["student", "grade_id", "max_points", "answer", "points", "comment"]


def export_rubric(chapter: str, out: Path | None = None, out_dir: Path | None = None) -> Path:
    """Write ``build/grades/<chapter>_rubric.csv``: one row per student and written answer
    with the answer's text and empty ``points`` and ``comment`` columns (marks already
    imported are filled in)."""
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    manual = _load_manual(out_dir, path.stem)
    exs = [e for e in exercises(_read_notebook(path)) if e.kind == "manual"]
    target = Path(out) if out else out_dir.parent / f"{path.stem}_rubric.csv"
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RUBRIC_COLUMNS)
    for f in sorted(out_dir.glob("*.json")):
        res = json.loads(f.read_text(encoding="utf-8"))
        student = res.get("student", f.stem)
        for e in exs:
            answer = res.get("exercises", {}).get(e.grade_id, {}).get("answer", "")
            mark = manual.get(student, {}).get(e.grade_id, {})
            w.writerow(
                [
                    student,
                    e.grade_id,
                    f"{e.points:g}",
                    answer,
                    "" if mark.get("points") is None else f"{mark['points']:g}",
                    mark.get("comment", ""),
                ]
            )
    _atomic_write(target, "\ufeff" + buf.getvalue())  # BOM: Excel opens Chinese text right
    return target


def import_rubric(chapter: str, file: Path, out_dir: Path | None = None) -> dict[str, int]:
    """Validate a filled rubric sheet and merge its marks into the grade CSV.

    Every problem is reported at once in a :class:`GradingError` naming the row: unknown
    student or ``grade_id``, points that are not a number or outside ``0..max_points``.
    Rows with empty ``points`` are left ungraded. Returns counts of marks imported.
    """
    path = chapter_notebook(chapter)
    out_dir = Path(out_dir) if out_dir else grades_dir() / path.stem
    maxima = {e.grade_id: e.points for e in exercises(_read_notebook(path)) if e.kind == "manual"}
    students = {f.stem for f in out_dir.glob("*.json")}
    text = Path(file).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("student", "grade_id", "points") if c not in (reader.fieldnames or [])]
    if missing:
        raise GradingError(
            f"{file}: the rubric sheet needs the columns {', '.join(RUBRIC_COLUMNS)}; "
            f"missing {', '.join(missing)} (found {', '.join(reader.fieldnames or [])})."
        )
    problems, marks = [], []
    for n, row in enumerate(reader, start=2):
        student, gid, raw = ((row.get(k) or "").strip() for k in ("student", "grade_id", "points"))
        if student not in students:
            problems.append(f"row {n}: unknown student {student!r}")
            continue
        if gid not in maxima:
            problems.append(
                f"row {n}: unknown grade_id {gid!r}; written answers of {path.stem}: "
                f"{', '.join(maxima) or 'none'}"
            )
            continue
        if raw == "":
            continue
        try:
            pts = float(raw)
        except ValueError:
            problems.append(f"row {n}: points {raw!r} for {student}/{gid} is not a number")
            continue
        if not 0 <= pts <= maxima[gid]:
            problems.append(f"row {n}: points {raw} for {student}/{gid} outside 0..{maxima[gid]:g}")
            continue
        marks.append((student, gid, pts, (row.get("comment") or "").strip()))
    if problems:
        raise GradingError(
            f"{file}: {len(problems)} problem(s), nothing imported:\n" + "\n".join(problems)
        )
    manual = _load_manual(out_dir, path.stem)
    for student, gid, pts, comment in marks:
        manual.setdefault(student, {})[gid] = {"points": pts, "comment": comment}
    _atomic_write(
        _manual_path(out_dir, path.stem), json.dumps(manual, indent=1, ensure_ascii=False)
    )
    assemble_csv(path.stem, out_dir)
    return {"imported": len(marks)}


# ----------------------------------------------------------------------------- entry points


def _main(argv: list[str]) -> int:  # pragma: no cover - subprocess entry points
    if argv and argv[0] == "_launch":
        cfg = json.loads(argv[1])
        _launch_kernel(cfg, argv[3:])
        return 0
    if argv and argv[0] == "_grade_one":  # grade one submission from a task file
        _grade_task(json.loads(Path(argv[1]).read_text()))
        return 0
    print("usage: python -m crm_helpers.grading_cli ...", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
