"""The one cleaning result type (数据清洗报告): the cleaned table, the steps, the removed rows.

:func:`crm_helpers.datasets.clean_online_retail` and :func:`crm_helpers.cleaning.
cleaning_report` both return it; it lives in the data layer so that the loaders can.

>>> steps = steps_table([("duplicates", "an exact copy", 4, 1, 3)], total=4)
>>> CleaningReport(data=pd.DataFrame({"x": [1, 2, 3]}), steps=steps,
...                removed=pd.DataFrame({"x": [1], "step": ["duplicates"]}))
CleaningReport(4 rows → 3 rows; 1 removed in 1 steps)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["CleaningReport", "STEP_COLUMNS", "steps_table"]

#: The columns of :attr:`CleaningReport.steps`.
STEP_COLUMNS = ["step", "rule", "rows_before", "rows_removed", "rows_after", "share"]


@dataclass(frozen=True, eq=False)
class CleaningReport:
    """The cleaned table and the record of how it was cleaned.

    ``data``: the cleaned table. ``steps``: one row per step, in order (:data:`STEP_COLUMNS`:
    ``share`` is rows removed ÷ rows of the raw table). ``removed``: the removed rows as they
    were in the input, with a ``step`` column saying which step removed each.
    """

    data: pd.DataFrame
    steps: pd.DataFrame
    removed: pd.DataFrame

    def __repr__(self) -> str:
        before = int(self.steps["rows_before"].iloc[0]) if len(self.steps) else len(self.data)
        return (
            f"CleaningReport({before:,} rows → {len(self.data):,} rows; "
            f"{len(self.removed):,} removed in {len(self.steps)} steps)"
        )


def steps_table(rows: list[tuple[str, str, int, int, int]], total: int) -> pd.DataFrame:
    """The ``steps`` table from (step, rule, rows_before, rows_removed, rows_after) rows."""
    steps = pd.DataFrame(rows, columns=STEP_COLUMNS[:-1])
    steps["share"] = steps["rows_removed"] / total if total else 0.0
    return steps
