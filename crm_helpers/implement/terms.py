"""The chapter's terms from the source (seed 001) as tables, for teaching cells.

>>> chapter_terms("stages")["stage_zh"].tolist()
['创建资料库', '连续协调', '共生协调', '整合协调']
>>> len(chapter_terms("problems"))
9
"""

from __future__ import annotations

import pandas as pd

from .. import _catalogue as cat

__all__ = ["chapter_terms", "TERM_TABLES"]

TERM_TABLES: dict[str, tuple[list, list[str]]] = {
    "layers": (cat.IMPLEMENTATION_LAYERS, ["layer", "layer_en", "layer_zh", "role"]),
    "model": (cat.IMPLEMENTATION_MODEL, ["step", "step_en", "step_zh"]),
    "tests": (cat.EVALUATION_TESTS, ["test", "test_en", "test_zh"]),
    "stages": (cat.INFRASTRUCTURE_STAGES, ["stage", "stage_zh", "stage_en", "meaning"]),
    "criteria": (
        cat.READINESS_CRITERIA,
        ["criterion", "criterion_en", "criterion_zh", "kind", "weight", "remedy"],
    ),
    "problems": (cat.NINE_PROBLEMS, ["problem_zh", "problem_en"]),
    "activities": (
        cat.COMPLAINT_ACTIVITIES,
        ["activity", "activity_zh", "department", "department_zh"],
    ),
    "vendors": (cat.VENDORS, ["vendor", "name", "kind"]),
    "vendor_criteria": (
        cat.VENDOR_CRITERIA,
        ["criterion", "criterion_en", "criterion_zh", "weight"],
    ),
    "training": (cat.TRAINING_MODULES, ["module", "module_en", "module_zh"]),
}


def chapter_terms(name: str) -> pd.DataFrame:
    """One of the chapter's term tables (see :data:`TERM_TABLES` for the names)."""
    if name not in TERM_TABLES:
        raise ValueError(f"Unknown term table {name!r}; choose one of {sorted(TERM_TABLES)}.")
    rows, columns = TERM_TABLES[name]
    out = pd.DataFrame(rows, columns=columns)
    if name == "problems":
        remedies = [r for r in cat.READINESS_CRITERIA if r[3] == "problem"]
        out.insert(0, "no", range(1, len(out) + 1))
        out["criterion"] = [r[0] for r in remedies]
        out["remedy"] = [r[5] for r in remedies]
    return out
