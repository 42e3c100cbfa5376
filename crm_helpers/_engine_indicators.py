"""The indicators (指标) per year, quarter, month and week, from the engine's receipts.

Two ways, with the same results (``tests/test_engine.py`` compares both with pandas):

* :func:`sql_indicators`: one DuckDB query over the receipts table ``r`` (``GROUPING
  SETS``; used for Parquet/CSV files, out-of-core);
* :func:`frame_indicators`: numpy over the receipts held as a DataFrame (used for a
  DataFrame): the receipts put in day order once (a radix sort of 16-bit day numbers),
  so that every period is a run of receipts; sums, counts, maxima and minima by
  ``np.*.reduceat`` over the runs, and the distinct customers of a run counted on one
  boolean array over the customers, set and cleared run by run (no hash table).

Both give one row per period that has receipts, in time order, with the columns of
``kpi.indicators``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

__all__ = ["indicators_sql", "sql_indicators", "frame_indicators", "finish_indicators"]

# Integer keys of the periods (cheaper to compare than timestamps); weeks start on Monday.
_PERIOD_KEYS = {
    "year": "year(ts)",
    "quarter": "year(ts) * 4 + quarter(ts)",
    "month": "year(ts) * 12 + month(ts)",
    "week": "(CAST(epoch(ts) AS BIGINT) // 86400 + 3) // 7",
}


def indicators_sql(periods: list[str]) -> str:
    """The indicators of several periods in one ``GROUPING SETS`` query on the receipts.

    Distinct customers are counted without ``count(DISTINCT ...)`` (one hash table per
    period): the receipts are ordered by customer and time once, a receipt is flagged when
    it is its customer's first in a period, and the flags are summed (as ``kpi`` does).
    """
    truncs = ", ".join(
        f"date_trunc('{p}', ts) AS p_{p}, {_PERIOD_KEYS[p]} AS k_{p}" for p in periods
    )
    flags = ", ".join(
        f"CAST(k_{p} IS DISTINCT FROM lag(k_{p}) OVER w AS BIGINT) AS first_in_{p}" for p in periods
    )
    customers = " ".join(f"WHEN GROUPING(p_{p}) = 0 THEN sum(first_in_{p})" for p in periods)
    level = " ".join(f"WHEN GROUPING(p_{p}) = 0 THEN '{p}'" for p in periods)
    return f"""
        WITH dated AS (SELECT customer_id, CAST(ts AS TIMESTAMP) AS ts, value, {truncs} FROM r),
        flagged AS (
            SELECT *, {flags} FROM dated WINDOW w AS (PARTITION BY customer_id ORDER BY ts)
        )
        SELECT CASE {level} END AS level,
               coalesce({", ".join(f"p_{p}" for p in periods)}) AS period,
               coalesce(sum(value), 0) AS total_sales, count(*) AS visits,
               CASE {customers} END AS customers,
               max(value) AS max_basket, min(value) AS min_basket
        FROM flagged GROUP BY GROUPING SETS ({", ".join(f"(p_{p})" for p in periods)})
        ORDER BY level, period
    """


def finish_indicators(raw: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Ratios, dtypes and column order of ``kpi.indicators``."""
    total = raw["total_sales"].to_numpy(dtype="float64")
    visits = raw["visits"].to_numpy(dtype="int64")
    customers = raw["customers"].to_numpy(dtype="int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "period": pd.to_datetime(raw["period"].to_numpy()).as_unit(unit),
                "total_sales": total,
                "visits": visits,
                "customers": customers,
                "avg_basket": total / visits,
                "max_basket": raw["max_basket"].to_numpy(dtype="float64"),
                "min_basket": raw["min_basket"].to_numpy(dtype="float64"),
                "purchase_frequency": visits / customers,
                "sales_per_customer": total / customers,
            }
        )


def sql_indicators(
    con: duckdb.DuckDBPyConnection, periods: list[str], unit: str
) -> dict[str, pd.DataFrame]:
    raw = con.execute(indicators_sql(periods)).df()
    return {p: finish_indicators(raw[raw["level"] == p], unit) for p in periods}


def _by_day(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The receipts' order by day (stable), their day numbers in that order, the first day."""
    days = ts.astype("datetime64[D]").view(np.int64)
    first = int(days.min())
    offset = days - first
    small = offset.astype(np.uint16) if int(offset.max()) < 2**16 else offset
    order = np.argsort(small, kind="stable")  # radix sort for 16-bit keys
    return order, days[order], first


def _period_keys(days: np.ndarray) -> dict[str, tuple[np.ndarray, str, int]]:
    """Integer key of each period for sorted day numbers (non-decreasing with them), with
    the unit and step that turn a key into the period's start."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)
    return {  # 1970-01-01 was a Thursday: (days + 3) // 7 counts weeks from a Monday
        "year": (months // 12, "M", 12),
        "quarter": (months // 3, "M", 3),
        "month": (months, "M", 1),
        "week": ((days + 3) // 7, "D", 7),
    }


def _runs(key: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    return np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))


def _distinct_per_block(codes: np.ndarray, starts: np.ndarray, n_codes: int) -> np.ndarray:
    """How many distinct codes each block ``codes[starts[i]:starts[i + 1]]`` holds."""
    seen = np.zeros(n_codes, dtype=bool)
    ends = [*starts[1:].tolist(), len(codes)]
    out = np.empty(len(starts), dtype=np.int64)
    for i, (a, b) in enumerate(zip(starts.tolist(), ends, strict=True)):
        block = codes[a:b]
        seen[block] = True
        out[i] = np.count_nonzero(seen)
        seen[block] = False
    return out


def frame_indicators(
    receipts: pd.DataFrame,
    periods: list[str],
    unit: str,
    codes: tuple[np.ndarray, object] | None = None,
) -> dict[str, pd.DataFrame]:
    """The indicators of ``periods`` from receipts (``customer_id``, ``ts``, ``value``).

    ``codes``: the receipts' customer codes and the customers (``pd.factorize``), if known.
    The receipts are put in day order once and summed per day; every period is then a
    run of days (and of receipts, for its distinct customers).

    >>> r = pd.DataFrame({"customer_id": [1, 2, 1],
    ...     "ts": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-02"]),
    ...     "value": [10.0, 20.0, 30.0]})
    >>> frame_indicators(r, ["week"], "us")["week"][["period", "visits", "customers"]]
          period  visits  customers
    0 2023-12-25       1          1
    1 2024-01-01       2          2
    """
    codes, uniques = codes if codes is not None else pd.factorize(receipts["customer_id"])
    order, days, _ = _by_day(receipts["ts"].to_numpy())
    value = receipts["value"].to_numpy(dtype=np.float64)[order]
    codes = codes[order]
    day_starts = _runs(days)  # per day first, then per period from the days
    daily = {
        "total_sales": np.add.reduceat(value, day_starts),
        "visits": np.diff(np.append(day_starts, len(days))),
        "max_basket": np.maximum.reduceat(value, day_starts),
        "min_basket": np.minimum.reduceat(value, day_starts),
    }
    keys = _period_keys(days[day_starts])
    out = {}
    for p in periods:
        key, step_unit, step = keys[p]
        starts = _runs(key)
        raw = pd.DataFrame(
            {
                "period": (key[starts] * step - (3 if p == "week" else 0)).astype(
                    f"datetime64[{step_unit}]"
                ),
                "total_sales": np.add.reduceat(daily["total_sales"], starts),
                "visits": np.add.reduceat(daily["visits"], starts),
                "customers": _distinct_per_block(codes, day_starts[starts], len(uniques)),
                "max_basket": np.maximum.reduceat(daily["max_basket"], starts),
                "min_basket": np.minimum.reduceat(daily["min_basket"], starts),
            }
        )
        out[p] = finish_indicators(raw, unit)
    return out
