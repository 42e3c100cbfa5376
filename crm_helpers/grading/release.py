"""Releasing the student versions with nbgrader, and the scan that stops a leaking release.

>>> "BEGIN SOLUTION" in _config_text(Path("/c"))
False
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..results import repo_root
from ._common import (
    HIDDEN,
    SOLUTION,
    GradingError,
    atomic_write,
    chapter_paths,
    course_dir,
    private_dir,
    release_dir,
    secret_lines,
    tool_env,
)

__all__ = ["setup_course", "release", "scan_release"]


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
    root = private_dir(course_dir())
    atomic_write(root / "nbgrader_config.py", _config_text(root))
    for nb in chapter_paths(list(chapters)):
        dest = root / "source" / nb.stem / nb.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.read_bytes() != nb.read_bytes():
            shutil.copy2(nb, dest)
    return root


def nbgrader_api(root: Path) -> Any:
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    os.environ["PATH"] = tool_env()["PATH"]
    cfg = Config()
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = f"sqlite:///{root}/gradebook.db"
    cfg.CourseDirectory.course_id = "crm-course"
    return NbGraderAPI(config=cfg)


def generate(api: Any, chapter: str, attempts: int = 3) -> dict[str, Any]:
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
    code or hidden tests raises :class:`GradingError`.
    """
    out = Path(out) if out else release_dir()
    nbs = chapter_paths(list(chapters))
    root = setup_course([p.stem for p in nbs])
    api = nbgrader_api(root)
    written = []
    for nb in nbs:
        res = generate(api, nb.stem)
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

    secrets: set[str] = set()
    public: set[str] = set()  # lines that are also outside the regions (not secret)
    for path in list(instructor) or chapter_paths():
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
