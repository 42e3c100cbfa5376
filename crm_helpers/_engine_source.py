"""Where :mod:`crm_helpers.engine` reads its lines: a DataFrame, or Parquet/CSV files.

Either way the DuckDB connection gets a relation ``tx`` with the columns
``customer_id``, ``receipt_id``, ``timestamp`` (naive) and ``amount``, checked cheaply:
columns present, ``amount`` numeric, ``timestamp`` a date-time.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from crm_helpers.schema import DataValidationError, require_columns
from crm_helpers.timeframe import analysis_date

__all__ = ["Source", "open_source", "pick_data", "narrow_transactions"]

_TX_COLUMNS = ("customer_id", "receipt_id", "timestamp", "amount")
_TABLE = "transactions"
_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_UNSIGNED = ("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
_ADVICE = (
    "These are returns or cancellations: remove them first, or pass "
    "allow_returns=True to net them against the sales."
)
_TIME_UNITS = {"TIMESTAMP": "us", "TIMESTAMP_NS": "ns", "TIMESTAMP_MS": "ms", "TIMESTAMP_S": "s"}


@dataclass
class Source:
    """The lines' origin: ``frame`` (a DataFrame, for row numbers in errors) or ``where``.

    ``owner`` is the caller's DataFrame (``frame`` is its four columns).
    """

    unit: str
    frame: pd.DataFrame | None = None
    where: str = ""
    owner: object = None

    def resolve_as_of(self, con: duckdb.DuckDBPyConnection, as_of: object) -> pd.Timestamp:
        """The analysis date of :func:`crm_helpers.timeframe.analysis_date` for the lines."""
        if self.frame is not None:
            ts = self.frame["timestamp"]
            first_ns, last_ns = ts.min().as_unit("ns").value, ts.max().as_unit("ns").value
        else:
            first_ns, last_ns = con.execute(
                'SELECT min(epoch_ns("timestamp")), max(epoch_ns("timestamp")) FROM tx'
            ).fetchone()
        ends = pd.Series(pd.to_datetime([first_ns, last_ns], unit="ns"))
        return analysis_date(ends, as_of)

    def refuse_returns(self, smallest: float) -> None:
        """Raise the error for zero or negative amounts in files (returns, cancellations)."""
        raise DataValidationError(
            f"Column 'amount' of {self.where} must be greater than 0; found zero or "
            f"negative values (the smallest is {float(smallest)!r}). {_ADVICE}"
        )

    def check_returns(self) -> None:
        """Refuse zero or negative amounts in the DataFrame, naming the first row."""
        bad = self.frame["amount"].to_numpy() <= 0
        if not bad.any():
            return
        n, pos = int(bad.sum()), int(np.flatnonzero(bad)[0])
        first, value = self.frame.index[pos], float(self.frame["amount"].iloc[pos])
        raise DataValidationError(
            f"Column 'amount' of the transactions table must be greater than 0; found "
            f"{n} zero or negative value{'s' if n != 1 else ''} (first at row {first!r}: "
            f"{value!r}). {_ADVICE}"
        )


def pick_data(tx: object, data_source: object) -> pd.DataFrame | str | Path:
    """The lines a helper works on: the table ``tx`` or the files ``data_source``.

    >>> pick_data(None, "sales/*.parquet")
    'sales/*.parquet'
    """
    if tx is None and data_source is None:
        raise TypeError(
            "Pass the transactions: a DataFrame as the first argument, or files as "
            "data_source='sales/*.parquet' (a Parquet/CSV file, folder or glob)."
        )
    if tx is not None and data_source is not None:
        raise TypeError("Pass either a transactions table or data_source=..., not both.")
    data = tx if tx is not None else data_source
    if not isinstance(data, pd.DataFrame | str | Path):
        raise TypeError(
            f"The transactions must be a pandas DataFrame; got {type(data).__name__}. "
            "(For Parquet or CSV files pass a path or glob, e.g. 'sales/*.parquet'.)"
        )
    return data


def open_source(con: duckdb.DuckDBPyConnection, data: object) -> Source:
    """Register ``data`` in ``con`` as the relation ``tx``."""
    if isinstance(data, pd.DataFrame):
        return _frame_source(con, data)
    if isinstance(data, str | Path):
        return _file_source(con, str(data))
    raise TypeError(
        "data must be a transactions DataFrame or a path/glob of Parquet or CSV files "
        f"(e.g. 'sales/*.parquet'); got {type(data).__name__}."
    )


def narrow_transactions(
    tx: pd.DataFrame, extra: tuple[str, ...] = (), numeric: tuple[str, ...] = ("amount",)
) -> pd.DataFrame:
    """The transaction columns a helper needs (plus ``extra``), with ``numeric`` columns
    and the timestamp checked by dtype and the timestamps made naive (local clock time).

    >>> tx = pd.DataFrame({"customer_id": [1], "receipt_id": [1], "amount": [2.0],
    ...                    "timestamp": pd.to_datetime(["2024-01-01 10:00+08:00"])})
    >>> narrow_transactions(tx)["timestamp"].iloc[0]
    Timestamp('2024-01-01 10:00:00')
    """
    require_columns(tx, [*_TX_COLUMNS, *extra], _TABLE)
    for col in numeric:
        s = tx[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            raise DataValidationError(
                f"Column {col!r} of the transactions table must be numeric; found dtype "
                f"'{s.dtype}'. Load the table with validate_transactions."
            )
    ts = tx["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        raise DataValidationError(
            "Column 'timestamp' of the transactions table must be a datetime column "
            f"(datetime64); found dtype '{ts.dtype}'. Convert it with pd.to_datetime, or load "
            "the table with validate_transactions."
        )
    narrow = tx[list(dict.fromkeys([*_TX_COLUMNS, *extra]))]
    if getattr(ts.dt, "tz", None) is not None:
        narrow = narrow.assign(timestamp=ts.dt.tz_localize(None))
    return narrow


def _frame_source(con: duckdb.DuckDBPyConnection, tx: pd.DataFrame) -> Source:
    narrow = narrow_transactions(tx)
    con.register("tx", narrow)
    return Source(unit=np.datetime_data(narrow["timestamp"].dtype)[0], frame=narrow, owner=tx)


def _reader(pattern: str) -> tuple[str, str]:
    """The DuckDB table function for a file, folder or glob, and the pattern to read."""
    path = Path(pattern)
    if path.is_dir():
        for ext in (*_PARQUET, ".csv"):
            if glob.glob(str(path / "**" / f"*{ext}"), recursive=True):
                return _reader(str(path / "**" / f"*{ext}"))
        raise FileNotFoundError(f"The folder {pattern!r} holds no Parquet or CSV files.")
    if not glob.glob(pattern, recursive=True):
        raise FileNotFoundError(f"No file matches {pattern!r}.")
    lower = pattern.lower()
    if lower.endswith(_PARQUET):
        return "read_parquet", pattern
    if lower.endswith(_CSV):
        return "read_csv", pattern
    raise ValueError(
        f"Cannot tell the format of {pattern!r}: name Parquet files *.parquet and CSV "
        "files *.csv (or pass a DataFrame)."
    )


def _file_source(con: duckdb.DuckDBPyConnection, pattern: str) -> Source:
    reader, path = _reader(pattern)
    quoted = path.replace("'", "''")
    scan = f"{reader}('{quoted}'{', union_by_name = true' if reader == 'read_parquet' else ''})"
    types = {
        row[0]: str(row[1]).upper()
        for row in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    }
    where = f"the files {pattern!r}"
    missing = [c for c in _TX_COLUMNS if c not in types]
    if missing:
        raise DataValidationError(
            f"{where.capitalize()} lack the column(s) {missing}; found {list(types)}."
        )
    kind = types["amount"]
    if not (kind.startswith(_NUMERIC) or kind in _UNSIGNED):
        raise DataValidationError(f"Column 'amount' of {where} must be numeric; found {kind}.")
    kind = types["timestamp"]
    con.execute("SET TimeZone = 'UTC'")
    if kind in _TIME_UNITS:
        unit, expr = _TIME_UNITS[kind], '"timestamp"'
    elif kind in ("DATE", "TIMESTAMP WITH TIME ZONE"):
        unit, expr = "us", 'CAST("timestamp" AS TIMESTAMP)'
    else:
        raise DataValidationError(
            f"Column 'timestamp' of {where} must be a date-time; found {kind}. Write it as a "
            "Parquet timestamp, or as ISO text ('2024-03-01 10:15:00') in CSV."
        )
    con.execute(
        f'CREATE TEMP VIEW tx AS SELECT customer_id, receipt_id, {expr} AS "timestamp", amount '
        f"FROM {scan}"
    )
    return Source(unit=unit, where=where)
