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

__all__ = ["KERNEL_NAME", "notebook_parameters"]

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
