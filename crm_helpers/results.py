"""Recording a notebook's key results (关键结果) in its ``output_dir``.

Every chapter notebook records the numbers and tables it produced, so that tests, the PDF
report and an instructor can read them without re-running or parsing printed text.
This is the one place besides :mod:`crm_helpers.datasets` that writes files.

>>> import tempfile
>>> rec = Results(tempfile.mkdtemp(), chapter="01_overview")
>>> rec.record("total_sales", 1234.5)
1234.5
>>> rec.load()["values"]["total_sales"]
1234.5
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Results", "repo_root", "default_output_dir", "to_jsonable"]


def repo_root() -> Path:
    """The course's root folder (where ``notebooks/`` and ``data/`` are).

    ``CRM_COURSE_ROOT`` overrides it; otherwise it is the folder above the package."""
    env = os.environ.get("CRM_COURSE_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


def default_output_dir(chapter: str) -> Path:
    """Where a chapter records its results by default: ``build/outputs/<chapter>``."""
    return repo_root() / "build" / "outputs" / chapter


def to_jsonable(value: Any) -> Any:
    """Turn numpy, pandas and datetime values into plain JSON values.

    >>> to_jsonable({"n": np.int64(3), "when": pd.Timestamp("2024-01-31"), "x": np.nan})
    {'n': 3, 'when': '2024-01-31T00:00:00', 'x': None}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if value is None or isinstance(value, int | str):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    raise TypeError(
        f"Cannot record a value of type {type(value).__name__}; record numbers, text, "
        "dates, lists or dicts of them, and DataFrames with Results.table()."
    )


class Results:
    """Write a chapter's results to ``output_dir/results.json`` and ``output_dir/*.csv``.

    Each call writes at once, so a notebook that stops half-way still leaves what it had.
    """

    def __init__(self, output_dir: str | os.PathLike[str], chapter: str = "") -> None:
        self.output_dir = Path(output_dir)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.output_dir / "results.json"
        self._data: dict[str, Any] = {"chapter": chapter, "values": {}, "tables": {}}
        self._write()

    def record(self, name: str, value: Any) -> Any:
        """Record a value under ``name`` and return it unchanged (so it can be shown)."""
        self._data["values"][name] = to_jsonable(value)
        self._write()
        return value

    def table(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """Record a table as ``name.csv`` and return it unchanged."""
        if not isinstance(df, pd.DataFrame | pd.Series):
            raise TypeError(f"Results.table({name!r}) needs a DataFrame; got {type(df).__name__}.")
        file = self.output_dir / f"{name}.csv"
        df.to_csv(file, index=not isinstance(df.index, pd.RangeIndex))
        self._data["tables"][name] = {"file": file.name, "rows": int(len(df))}
        self._write()
        return df

    def load(self) -> dict[str, Any]:
        """What has been recorded, as read back from disk."""
        return json.loads(self.path.read_text(encoding="utf-8"))

    def _write(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self._data, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(self.path)
