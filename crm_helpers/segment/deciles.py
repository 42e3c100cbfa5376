"""Decile analysis (十分位分析) of customers and of sales, per period.

Both functions run through :mod:`crm_helpers.engine` (DuckDB), on a DataFrame or, with
``data_source=``, on Parquet/CSV files out-of-core.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm_helpers import engine
from crm_helpers._engine_source import pick_data
from crm_helpers.schema import PERIODS, check_choice

Data = pd.DataFrame | str | Path


def customer_deciles(
    tx: Data | None = None,
    period: str | None = None,
    *,
    allow_returns: bool = False,
    data_source: str | Path | None = None,
) -> pd.DataFrame:
    """Each customer's sales decile (十分位), overall or within each period.

    Within a period the buyers are ranked by sales (largest first; sales equal to the
    cent's ten-thousandth, 6 decimals, are ties and are broken by ``customer_id``); with
    ``n`` buyers the one of rank ``i`` (1 … n) is in decile ``floor(10 × (i − 1) / n) + 1``,
    so decile 1 holds the top 10 %. With fewer than ten buyers some deciles stay empty.

    Parameters
    ----------
    period:
        ``None`` (the whole table), ``"year"``, ``"quarter"``, ``"month"`` or ``"week"``
        (weeks start on Monday).
    data_source:
        Instead of ``tx``: Parquet or CSV files (a file, folder or glob such as
        ``"sales/*.parquet"``), aggregated by DuckDB out-of-core.

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
    check_choice("period", period, [None, *PERIODS])
    data = pick_data(tx, data_source)
    return engine.customer_deciles(data, period, allow_returns=allow_returns)


def decile_table(
    tx: Data | None = None,
    period: str | None = None,
    *,
    allow_returns: bool = False,
    data_source: str | Path | None = None,
) -> pd.DataFrame:
    """Decile analysis (十分位分析): each decile's customers and sales, and their shares.

    Returns one row per (period,) decile 1 … 10 (empty deciles included, with zeros):
    ``customers``, ``sales``, ``customer_share``, ``sales_share``, ``cum_sales_share``,
    ``min_sales`` and ``max_sales`` (of one customer in the decile). Shares are within
    the period. ``data_source`` as for :func:`customer_deciles`.

    >>> tx = pd.DataFrame({"customer_id": range(1, 21), "receipt_id": range(1, 21),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21)})
    >>> decile_table(tx)[["decile", "customers", "sales_share"]].head(3).round(3)
       decile  customers  sales_share
    0       1          2        0.186
    1       2          2        0.167
    2       3          2        0.148
    """
    check_choice("period", period, [None, *PERIODS])
    data = pick_data(tx, data_source)
    return engine.decile_table(data, period, allow_returns=allow_returns)
