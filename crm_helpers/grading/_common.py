"""What every part of the grader shares: errors, limits, folders, the chapter's notebook
and its graded cells. Nothing here imports the rest of the course's command line
(``crm_helpers.course`` imports the grading commands, never the other way round).

>>> secret_lines("total = None\\n### BEGIN SOLUTION\\ntotal = tx.sum()\\n### END SOLUTION\\n")
['total = tx.sum()']
"""

from __future__ import annotations

import ast
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._kernel import KERNEL_NAME, notebook_parameters
from ..results import repo_root

__all__ = [
    "KERNEL_NAME",
    "GradingError",
    "Limits",
    "Exercise",
    "course_dir",
    "grades_dir",
    "release_dir",
    "chapter_paths",
    "chapter_notebook",
    "notebook_parameters",
    "exercises",
    "secret_lines",
    "answer_names",
    "read_notebook",
]

SOLUTION = re.compile(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n?(.*?)### END HIDDEN TESTS", re.S)
HIDDEN_START = "### BEGIN HIDDEN TESTS"
ROLE = "crm_grader"  # cell metadata key of the cells the grader adds or splits


class GradingError(ValueError):
    """A problem an instructor must fix (unknown chapter, bad rubric marks, ...)."""


@dataclass
class Limits:
    """Limits for one submission's kernel.

    timeout: wall-clock seconds for a whole run of the notebook (restarts included);
    cell_timeout: seconds one cell may take (a loop costs that exercise only);
    memory_mb: memory of the kernel's whole process tree (cgroup) and address space of
    each process; output_chars: characters of output kept per cell; file_mb: the largest
    file the kernel may write; max_tasks: processes and threads of the tree; sandbox:
    ``"auto"`` (isolate where possible, flag every result where not), ``"on"`` (fail if
    impossible) or ``"off"``; warm: fork kernels from a process that has imported the
    libraries (:mod:`crm_helpers.grading.zygote`) instead of starting each from scratch.
    """

    timeout: float = 600.0
    cell_timeout: float = 120.0
    memory_mb: int = 4096
    output_chars: int = 20_000
    file_mb: int = 200
    max_tasks: int = 128
    sandbox: str = "auto"
    warm: bool = True


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


def chapter_paths(names: Iterable[str] = ()) -> list[Path]:
    """The course notebooks in chapter order, or those named by stem, prefix or file."""
    every = sorted((repo_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    by_stem = {p.stem: p for p in every}
    chosen = []
    for n in names:
        p = Path(n)
        if p.suffix == ".ipynb" and p.is_file():
            chosen.append(p.resolve())
            continue
        match = [by_stem[p.stem]] if p.stem in by_stem else []
        match = match or [q for s, q in by_stem.items() if s.startswith(n)]
        if len(match) != 1:
            raise GradingError(f"No notebook {n!r}. The notebooks are: {', '.join(by_stem)}.")
        chosen.append(match[0])
    return chosen if list(names) else every


def chapter_notebook(chapter: str) -> Path:
    """The instructor notebook of a chapter given by stem (``01_overview``), file or prefix."""
    (path,) = chapter_paths([chapter])
    return path


def meta(cell: Mapping[str, Any]) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}) or {})


def source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def atomic_write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(text.encode("utf-8") if isinstance(text, str) else text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def tool_env() -> dict[str, str]:
    """Environment for nbgrader's steps: the venv's ``bin`` first (nbgrader calls alembic)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    if bindir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    return env


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
        m = meta(cell)
        if not m.get("grade"):
            continue
        kind = "manual" if m.get("solution") or cell["cell_type"] != "code" else "auto"
        out.append(Exercise(m["grade_id"], float(m.get("points", 0)), kind))
    return out


def secret_lines(text: str) -> list[str]:
    """The non-trivial lines inside solution and hidden-test regions of a cell's source."""
    lines = []
    for region in (*SOLUTION.findall(text), *HIDDEN.findall(text)):
        for line in region.splitlines():
            s = line.strip()
            if len(s) >= 8 and not s.startswith("#") and s not in {"pass", "return", ")", "]"}:
                lines.append(s)
    return lines


def _names(code: str) -> tuple[set[str], set[str]]:
    """(names bound, names read) by a piece of Python (empty sets if it does not parse)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    bound, read = set(), set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name):
            (bound if isinstance(n.ctx, ast.Store | ast.Del) else read).add(n.id)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(n.name)
        elif isinstance(n, ast.alias):
            bound.add((n.asname or n.name).split(".")[0])
    return bound, read


def answer_names(nb: Any) -> set[str]:
    """Every name an instructor answer cell binds (what a student's answer defines)."""
    out: set[str] = set()
    for c in nb["cells"]:
        if meta(c).get("solution") and c["cell_type"] == "code":
            out |= _names(source(c))[0]
    return out


def check_names(check_source: str) -> set[str]:
    """The free names a check cell (visible part and hidden tests) reads."""
    import builtins

    code = check_source.replace(HIDDEN_START, "").replace("### END HIDDEN TESTS", "")
    bound, read = _names(code)
    return read - bound - set(dir(builtins))


def read_notebook(path: Path) -> Any:
    """A notebook read without following a symbolic link (``O_NOFOLLOW``)."""
    import nbformat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, encoding="utf-8") as fh:
        nb = nbformat.read(fh, as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("no cells")
    return nb
