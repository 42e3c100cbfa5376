"""Grading the course's exercises (评分): release student versions, autograde in parallel
in sandboxes, hand-graded rubric marks, and feedback for every student. See
``docs/GRADING.md``.

nbgrader does what it does well: the course directory and its gradebook,
``generate_assignment``, the cell metadata and its preprocessors. Built here around it,
by topic:

- :mod:`.release`: the student versions, and a scan that stops a leaking release;
- :mod:`.submission`: the student's notebook (no links followed; several notebooks picked
  by rule and flagged) and the notebook the kernel runs (instructor cells, student answers);
- :mod:`.sandbox`: each kernel's namespaces, uid, private folders and cgroup limits;
- :mod:`.run`: cell-by-cell execution; a loop or a crash costs only its exercise;
- :mod:`.judge` and :mod:`._wire`: answers leave the kernel as data and are judged in the
  grader's process on the instructor's own state, where student code cannot reach;
- :mod:`.score`: one submission, with the re-run on a secret seed;
- :mod:`.zygote`: warm kernels forked from a process that imported the libraries once;
- :mod:`.feedback`, :mod:`.gradebook`, :mod:`.rubric`, :mod:`.batch`.

Nothing in ``crm_helpers`` below the command line imports this package; the commands are
in :mod:`crm_helpers.grading_cli`. The functions here never print.

>>> secret_lines("x = None\\n### BEGIN SOLUTION\\nx = tx.sum()\\n### END SOLUTION\\n")
['x = tx.sum()']
"""

from __future__ import annotations

from ._common import (
    Exercise,
    GradingError,
    Limits,
    chapter_notebook,
    course_dir,
    exercises,
    grades_dir,
    release_dir,
    secret_lines,
    tool_env,
)
from .batch import GradeReport, grade, prewarm
from .gradebook import assemble_csv, csv_safe, to_gradebook
from .release import release, scan_release, setup_course
from .rubric import RUBRIC_COLUMNS, export_rubric, import_rubric
from .sandbox import isolation, sandbox_available
from .score import RESEED_OFFSET, grade_submission
from .submission import build_graded_notebook, find_submission

__all__ = [
    "Exercise",
    "GradeReport",
    "GradingError",
    "Limits",
    "RESEED_OFFSET",
    "RUBRIC_COLUMNS",
    "assemble_csv",
    "build_graded_notebook",
    "chapter_notebook",
    "course_dir",
    "csv_safe",
    "exercises",
    "export_rubric",
    "find_submission",
    "grade",
    "grade_submission",
    "grades_dir",
    "import_rubric",
    "isolation",
    "prewarm",
    "release",
    "release_dir",
    "sandbox_available",
    "scan_release",
    "secret_lines",
    "setup_course",
    "to_gradebook",
    "tool_env",
]
