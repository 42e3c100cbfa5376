"""The indicators (指标) per year, quarter, month and week, from the engine's receipts.

Two ways, with the same results (``tests/test_engine.py`` compares both with pandas):

* :func:`sql_indicators`: one DuckDB query over the receipts table ``r`` (``GROUPING
  SETS``; used for Parquet/CSV files, out-of-core);
* :func:`frame_indicators`: numpy over the receipts held as a DataFrame (used for a
  DataFrame): integer period keys, ``np.bincount`` for sums and counts, and the distinct
  customers of each period counted on a (period × customer) bit map instead of a hash
  table or a sort.

Both give one row per period that has receipts, in time order, with the columns of
``kpi.indicators``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

__all__ = ["indicators_sql", "sql_indicators", "frame_indicators", "finish_indicators"]

_BITMAP_CELLS = 200_000_000  # beyond (periods × customers) cells: a hash of the pairs

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


def _period_keys(ts: np.ndarray) -> dict[str, tuple[np.ndarray, str, int]]:
    """Integer key of each period, with the unit and step that turn a key into its start."""
    months = ts.astype("datetime64[M]").view(np.int64)
    days = ts.astype("datetime64[D]").view(np.int64)
    return {  # 1970-01-01 was a Thursday: (days + 3) // 7 counts weeks from a Monday
        "year": (months // 12, "M", 12),
        "quarter": (months // 3, "M", 3),
        "month": (months, "M", 1),
        "week": ((days + 3) // 7, "D", 7),
    }


def _distinct_per_key(kk: np.ndarray, codes: np.ndarray, n_keys: int, n_codes: int) -> np.ndarray:
    """How many distinct codes each key 0 … n_keys-1 has."""
    pairs = kk * n_codes + codes
    if n_keys * n_codes <= _BITMAP_CELLS:
        seen = np.zeros(n_keys * n_codes, dtype=bool)
        seen[pairs] = True
        return np.count_nonzero(seen.reshape(n_keys, n_codes), axis=1)
    return np.bincount(pd.unique(pairs) // n_codes, minlength=n_keys)


def frame_indicators(
    receipts: pd.DataFrame,
    periods: list[str],
    unit: str,
    codes: tuple[np.ndarray, object] | None = None,
) -> dict[str, pd.DataFrame]:
    """The indicators of ``periods`` from receipts (``customer_id``, ``ts``, ``value``).

    ``codes``: the receipts' customer codes and the customers (``pd.factorize``), if known.

    >>> r = pd.DataFrame({"customer_id": [1, 2, 1],
    ...     "ts": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-02"]),
    ...     "value": [10.0, 20.0, 30.0]})
    >>> frame_indicators(r, ["week"], "us")["week"][["period", "visits", "customers"]]
          period  visits  customers
    0 2023-12-25       1          1
    1 2024-01-01       2          2
    """
    ts, value = receipts["ts"].to_numpy(), receipts["value"].to_numpy(dtype=np.float64)
    codes, uniques = codes if codes is not None else pd.factorize(receipts["customer_id"])
    keys = _period_keys(ts)
    out = {}
    for p in periods:
        key, step_unit, step = keys[p]
        first = int(key.min()) if len(key) else 0
        kk = key - first
        n = int(kk.max()) + 1 if len(kk) else 0
        visits = np.bincount(kk, minlength=n)
        top, low = np.full(n, -np.inf), np.full(n, np.inf)
        np.maximum.at(top, kk, value)
        np.minimum.at(low, kk, value)
        starts = np.arange(first, first + n) * step - (3 if p == "week" else 0)
        raw = pd.DataFrame(
            {
                "period": starts.astype(f"datetime64[{step_unit}]"),
                "total_sales": np.bincount(kk, weights=value, minlength=n),
                "visits": visits,
                "customers": _distinct_per_key(kk, codes, n, len(uniques)),
                "max_basket": top,
                "min_basket": low,
            }
        )
        out[p] = finish_indicators(raw[visits > 0], unit)
    return out
