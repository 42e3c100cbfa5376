"""Decile analysis (十分位分析) of customers and of sales, per period."""

from __future__ import annotations

import pandas as pd

from crm_helpers._duck import query as _query
from crm_helpers.schema import check_choice

from ._base import (
    _narrow,
)

# --------------------------------------------------------------------------- deciles

_PERIOD_TRUNC = {"year": "year", "quarter": "quarter", "month": "month", "week": "week"}


#: Rank buyers by sales within each period; ``{part}`` is the period expression.
_DECILE_SQL = """
    WITH sales AS (
        SELECT {part} AS period, customer_id, sum(CAST(amount AS DOUBLE)) AS sales
        FROM tx GROUP BY ALL
    ),
    ranked AS (
        SELECT *, row_number() OVER w AS rank, count(*) OVER (PARTITION BY period) AS n
        FROM sales
        WINDOW w AS (PARTITION BY period ORDER BY round(sales, 6) DESC, customer_id)
    )
    SELECT period, customer_id, sales, rank, (10 * (rank - 1)) // n + 1 AS decile
    FROM ranked ORDER BY period, rank
"""


def customer_deciles(
    tx: pd.DataFrame, period: str | None = None, *, allow_returns: bool = False
) -> pd.DataFrame:
    """Each customer's sales decile (十分位), overall or within each period.

    Within a period the buyers are ranked by sales (largest first; sales equal to the
    cent's ten-thousandth, 6 decimals, are ties and are broken by ``customer_id``); with ``n`` buyers the one of rank ``i`` (1 … n) is in decile
    ``floor(10 × (i − 1) / n) + 1``, so decile 1 holds the top 10 %. With fewer than ten
    buyers some deciles stay empty.

    Parameters
    ----------
    period:
        ``None`` (the whole table), ``"year"``, ``"quarter"``, ``"month"`` or ``"week"``
        (weeks start on Monday).

    Returns
    -------
    DataFrame
        ``period`` (start of the period; absent when ``period`` is None), ``customer_id``,
        ``sales``, ``rank``, ``decile`` (int64 1 … 10).

    >>> tx = pd.DataFrame({"customer_id": range(1, 6), "receipt_id": range(1, 6),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 5), "amount": [5.0, 4, 3, 2, 1]})
    >>> customer_deciles(tx)["decile"].tolist()
    [1, 3, 5, 7, 9]
    """
    if period is not None:
        check_choice("period", period, [None, *_PERIOD_TRUNC])
    narrow = _narrow(tx, allow_returns=allow_returns)
    part = f"date_trunc('{_PERIOD_TRUNC[period]}', \"timestamp\")" if period else "NULL"
    raw = _query(_DECILE_SQL.format(part=part), {"tx": narrow})
    out = pd.DataFrame(
        {
            "customer_id": raw["customer_id"].to_numpy(),
            "sales": raw["sales"].to_numpy(dtype="float64"),
            "rank": raw["rank"].to_numpy(dtype="int64"),
            "decile": raw["decile"].to_numpy(dtype="int64"),
        }
    )
    if period:
        out.insert(0, "period", pd.to_datetime(raw["period"].to_numpy()))
    return out


def decile_table(
    tx: pd.DataFrame, period: str | None = None, *, allow_returns: bool = False
) -> pd.DataFrame:
    """Decile analysis (十分位分析): each decile's customers and sales, and their shares.

    Returns one row per (period,) decile 1 … 10 (empty deciles included, with zeros):
    ``customers``, ``sales``, ``customer_share``, ``sales_share``, ``cum_sales_share``,
    ``min_sales`` and ``max_sales`` (of one customer in the decile). Shares are within
    the period.

    >>> tx = pd.DataFrame({"customer_id": range(1, 21), "receipt_id": range(1, 21),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21)})
    >>> decile_table(tx)[["decile", "customers", "sales_share"]].head(3).round(3)
       decile  customers  sales_share
    0       1          2        0.186
    1       2          2        0.167
    2       3          2        0.148
    """
    cd = customer_deciles(tx, period, allow_returns=allow_returns)
    keys = ["period", "decile"] if period else ["decile"]
    g = cd.groupby(keys, sort=True)["sales"]
    agg = pd.DataFrame(
        {"customers": g.size(), "sales": g.sum(), "min_sales": g.min(), "max_sales": g.max()}
    )
    periods = cd["period"].drop_duplicates().tolist() if period else [None]
    full = (
        pd.MultiIndex.from_product([periods, range(1, 11)], names=keys)
        if period
        else pd.Index(range(1, 11), name="decile")
    )
    agg = agg.reindex(full)
    agg[["customers", "sales"]] = agg[["customers", "sales"]].fillna(0)
    agg["customers"] = agg["customers"].astype("int64")
    agg = agg.reset_index()
    by = agg.groupby("period", sort=False) if period else None
    n_tot = by["customers"].transform("sum") if by is not None else agg["customers"].sum()
    s_tot = by["sales"].transform("sum") if by is not None else agg["sales"].sum()
    agg["customer_share"] = agg["customers"] / n_tot
    agg["sales_share"] = agg["sales"] / s_tot
    cum = (
        agg.groupby("period", sort=False)["sales_share"].cumsum()
        if by is not None
        else agg["sales_share"].cumsum()
    )
    agg["cum_sales_share"] = cum
    cols = keys + ["customers", "sales", "customer_share", "sales_share", "cum_sales_share"]
    return agg[cols + ["min_sales", "max_sales"]]
