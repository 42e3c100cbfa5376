"""The customer indicators (客户指标) per period, computed in DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from crm_helpers import engine
from crm_helpers._duck import query as _query
from crm_helpers._engine_source import pick_data
from crm_helpers.schema import PERIODS, DataValidationError, check_choice, require_columns

__all__ = [
    "INDICATORS",
    "STAGES",
    "indicators",
    "indicators_all",
    "indicator_summary",
]

Data = pd.DataFrame | str | Path

#: The indicator columns, in the order :func:`indicators` returns them.
INDICATORS: tuple[str, ...] = (
    "total_sales",
    "visits",
    "customers",
    "avg_basket",
    "max_basket",
    "min_basket",
    "purchase_frequency",
    "sales_per_customer",
)

#: The lifecycle stages, in the order of the ordered categorical ``stage`` column.
STAGES: tuple[str, ...] = ("prospect", "new", "active", "won_back", "lapsed", "lost")

_TX_COLUMNS = ("customer_id", "receipt_id", "timestamp", "amount")
_TABLE = "transactions"
_NEVER = np.iinfo(np.int64).max  # "no next purchase", "no first purchase"
_ALWAYS = np.iinfo(np.int64).min  # "no join date": known from the beginning

# One row per receipt: its customer, its first timestamp and its value.
_RECEIPTS_SQL = """
receipts AS MATERIALIZED (
    SELECT any_value(customer_id) AS customer_id,
           CAST(min("timestamp") AS TIMESTAMP) AS ts,
           sum(CAST(amount AS DOUBLE)) AS value
    FROM tx
    GROUP BY receipt_id
)"""

# One row per receipt at the native time resolution (for the lifecycle).
_RECEIPT_TIMES_SQL = """
receipts AS (
    SELECT any_value(customer_id) AS customer_id, min("timestamp") AS ts
    FROM tx
    GROUP BY receipt_id
)"""

_MEASURES_SQL = """
    coalesce(sum(value), 0) AS total_sales,
    count(*) AS visits,
    count(DISTINCT customer_id) AS customers,
    max(value) AS max_basket,
    min(value) AS min_basket"""


# --------------------------------------------------------------------------- helpers
def _dtype_error(column: str, table: str, expected: str, found: object, hint: str) -> NoReturn:
    raise DataValidationError(
        f"Column {column!r} of the {table} table must be {expected}; found dtype '{found}'. {hint}"
    )


def _datetime_column(df: pd.DataFrame, column: str, table: str) -> pd.Series:
    """The column as naive datetimes (time-zone aware values are converted to UTC)."""
    s = df[column]
    if not pd.api.types.is_datetime64_any_dtype(s):
        _dtype_error(
            column,
            table,
            "a datetime column (datetime64)",
            s.dtype,
            "Convert it with pd.to_datetime, or load the table with validate_transactions.",
        )
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)  # local clock time, as schema.validate_transactions does
    return s


def _narrow(tx: pd.DataFrame) -> pd.DataFrame:
    """The four columns the indicators need, checked (cheaply) and with naive timestamps."""
    require_columns(tx, _TX_COLUMNS, _TABLE)
    amount = tx["amount"]
    if pd.api.types.is_bool_dtype(amount) or not pd.api.types.is_numeric_dtype(amount):
        _dtype_error(
            "amount",
            _TABLE,
            "numeric",
            amount.dtype,
            "Convert it with pd.to_numeric, or load the table with validate_transactions.",
        )
    narrow = tx[list(_TX_COLUMNS)]  # a lazy copy (copy-on-write): the input stays as it is
    timestamp = _datetime_column(tx, "timestamp", _TABLE)
    if timestamp.dtype != narrow["timestamp"].dtype:  # time-zone aware: now naive UTC
        narrow = narrow.assign(timestamp=timestamp)
    return narrow


def _time_unit(s: pd.Series) -> str:
    return np.datetime_data(s.dtype)[0]


def _finish_indicators(raw: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    """Add the ratios, fix the dtypes and the column order of a DuckDB result."""
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    if unit is not None:
        out["period"] = pd.to_datetime(raw["period"].to_numpy()).as_unit(unit)
    total = raw["total_sales"].to_numpy(dtype="float64")
    visits = raw["visits"].to_numpy(dtype="int64")
    customers = raw["customers"].to_numpy(dtype="int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = {
            "avg_basket": total / visits,
            "purchase_frequency": visits / customers,
            "sales_per_customer": total / customers,
        }
    out["total_sales"] = total
    out["visits"] = visits
    out["customers"] = customers
    out["avg_basket"] = ratios["avg_basket"]
    out["max_basket"] = raw["max_basket"].to_numpy(dtype="float64")
    out["min_basket"] = raw["min_basket"].to_numpy(dtype="float64")
    out["purchase_frequency"] = ratios["purchase_frequency"]
    out["sales_per_customer"] = ratios["sales_per_customer"]
    return out


# --------------------------------------------------------------------------- indicators
def indicators(
    tx: Data | None = None, period: str = "month", *, data_source: str | Path | None = None
) -> pd.DataFrame:
    """The retailer's indicators (指标) per year, quarter, month or week.

    Parameters
    ----------
    tx:
        Transactions with columns ``customer_id``, ``receipt_id``, ``timestamp``
        (datetime) and ``amount``; other columns are ignored.
    period:
        ``"year"``, ``"quarter"``, ``"month"`` or ``"week"`` (weeks start on Monday).
    data_source:
        Instead of ``tx``: Parquet or CSV files (a file, folder or glob such as
        ``"sales/*.parquet"``), aggregated by DuckDB out-of-core.

    Returns
    -------
    pandas.DataFrame
        One row per period that has sales, sorted by time: ``period`` (the first day of the
        period, same datetime unit as ``timestamp``) and the columns of :data:`INDICATORS`
        (money as float64, counts as int64). A receipt belongs to the period of its
        earliest line.

    Raises
    ------
    DataValidationError
        If a needed column is missing, ``timestamp`` is not a datetime column or
        ``amount`` is not numeric.
    ValueError
        If ``period`` is not one of the four choices.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2],
    ...     "receipt_id": [10, 10, 11, 12],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-01-20", "2024-02-03"]),
    ...     "amount": [5.0, 3.0, 12.0, 4.0]})
    >>> indicators(tx, "month")[["period", "total_sales", "visits", "customers", "avg_basket"]]
          period  total_sales  visits  customers  avg_basket
    0 2024-01-01         20.0       2          2        10.0
    1 2024-02-01          4.0       1          1         4.0
    """
    check_choice("period", period, PERIODS)
    return engine.indicators(pick_data(tx, data_source), period)


def indicators_all(
    tx: Data | None = None, *, data_source: str | Path | None = None
) -> dict[str, pd.DataFrame]:
    """:func:`indicators` for every period at once, in one pass over the data.

    The lines are summed into receipts once, and DuckDB's ``GROUPING SETS`` aggregates the
    receipts by year, quarter, month and week in the same query.

    Parameters
    ----------
    tx:
        Transactions, as for :func:`indicators`.
    data_source:
        Files instead of ``tx``, as for :func:`indicators`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``"year"``, ``"quarter"``, ``"month"``, ``"week"``; each value is what
        ``indicators(tx, key)`` returns.

    Raises
    ------
    DataValidationError
        As :func:`indicators`.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 2, 1],
    ...     "receipt_id": ["a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-02"]),
    ...     "amount": [10.0, 20.0, 30.0]})
    >>> tables = indicators_all(tx)
    >>> list(tables)
    ['year', 'quarter', 'month', 'week']
    >>> tables["week"][["period", "total_sales", "visits", "customers"]]
          period  total_sales  visits  customers
    0 2023-12-25         10.0       1          1
    1 2024-01-01         50.0       2          2
    """
    return engine.indicators_all(pick_data(tx, data_source))


def indicator_summary(tx: pd.DataFrame) -> pd.Series:
    """The indicators of :func:`indicators` for the whole table, without periods.

    Parameters
    ----------
    tx:
        Transactions, as for :func:`indicators`.

    Returns
    -------
    pandas.Series
        Indexed by :data:`INDICATORS`, all values as float64. On an empty table the
        sums and counts are 0 and the ratios and basket extremes are NaN.

    Raises
    ------
    DataValidationError
        As :func:`indicators`.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2],
    ...     "receipt_id": [10, 10, 11, 12],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-01-20", "2024-02-03"]),
    ...     "amount": [5.0, 3.0, 12.0, 4.0]})
    >>> indicator_summary(tx)
    total_sales           24.0
    visits                 3.0
    customers              2.0
    avg_basket             8.0
    max_basket            12.0
    min_basket             4.0
    purchase_frequency     1.5
    sales_per_customer    12.0
    dtype: float64
    """
    narrow = _narrow(tx)
    sql = f"WITH {_RECEIPTS_SQL} SELECT {_MEASURES_SQL} FROM receipts"
    row = _finish_indicators(_query(sql, {"tx": narrow}), unit=None)
    return row.iloc[0].astype("float64").rename(None)
