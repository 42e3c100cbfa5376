"""The indicator system and deciles by period, and inferred indicator values (指标值推断).

* :func:`sales_deciles` — sales deciles (销售十分位): customers ranked by sales and cut where
  the cumulative sales pass 10 %, 20 %, …: how many customers make each tenth of sales
  (the customer deciles, ten groups of equal size, are :func:`crm_helpers.segment.decile_table`).
* :func:`decile_shares` — one row per period (year, quarter, month or week), one column per
  decile: the customer deciles' sales shares or the sales deciles' customer shares.
* :func:`infer_indicators` — for a company without data (most student groups): the
  indicators by year, quarter, month and week inferred from stated assumptions (stores,
  traffic, conversion, basket, frequency), each with its formula.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crm_helpers import segment
from crm_helpers.schema import check_choice

__all__ = [
    "PERIOD_DAYS",
    "DEFAULT_ASSUMPTIONS",
    "sales_deciles",
    "decile_shares",
    "infer_indicators",
]

#: Days in each period, for the inferred indicators.
PERIOD_DAYS: dict[str, float] = {"year": 365.0, "quarter": 365 / 4, "month": 365 / 12, "week": 7.0}

#: The assumptions behind :func:`infer_indicators` (a supermarket chain by default).
DEFAULT_ASSUMPTIONS: dict[str, float] = {
    "stores": 10,  # stores (门店数)
    "daily_traffic": 1500,  # people entering one store per day (日客流)
    "conversion": 0.6,  # share of them who buy (成交率)
    "avg_basket": 85.0,  # yuan per receipt (平均客单价)
    "frequency": 24,  # receipts per customer per year (年购物频率)
    "open_days": 360,  # days open per year (年营业天数)
    "max_basket_factor": 12.0,  # highest basket = factor × average
    "min_basket_factor": 0.05,  # lowest basket = factor × average
}


def sales_deciles(tx: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Sales deciles (销售十分位): customers ranked by sales (as in
    :func:`crm_helpers.segment.customer_deciles`) and cut into ten groups of equal **sales**;
    a customer is in sales decile ``floor(10 × s / S) + 1`` (at most 10), where ``s`` is the
    sales of the customers ranked before them and ``S`` the period's total.

    Returns one row per (``period``,) ``sales_decile`` 1 … 10 (empty deciles with zeros):
    ``customers``, ``customer_share``, ``sales``, ``sales_share``.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "amount": [50.0, 30, 10, 10]})
    >>> t = sales_deciles(tx)
    >>> t.loc[t["customers"] > 0, ["sales_decile", "customers", "sales"]]
       sales_decile  customers  sales
    0             1          1   50.0
    5             6          1   30.0
    8             9          1   10.0
    9            10          1   10.0
    """
    cd = segment.customer_deciles(tx, period)
    key = ["period"] if period else []
    total = cd.groupby(key)["sales"].transform("sum") if key else cd["sales"].sum()
    before = (cd.groupby(key)["sales"].cumsum() if key else cd["sales"].cumsum()) - cd["sales"]
    share = np.where(total > 0, before / total, 0.0)
    cd["sales_decile"] = np.minimum(np.floor(10 * share + 1e-12).astype("int64") + 1, 10)
    g = cd.groupby([*key, "sales_decile"])
    agg = pd.DataFrame({"customers": g.size(), "sales": g["sales"].sum()})
    periods = cd["period"].drop_duplicates().tolist() if key else None
    full = (
        pd.MultiIndex.from_product([periods, range(1, 11)], names=[*key, "sales_decile"])
        if key
        else pd.Index(range(1, 11), name="sales_decile")
    )
    agg = agg.reindex(full, fill_value=0).reset_index()
    tot = agg.groupby(key) if key else None
    n = tot["customers"].transform("sum") if tot is not None else agg["customers"].sum()
    s = tot["sales"].transform("sum") if tot is not None else agg["sales"].sum()
    agg.insert(len(key) + 2, "customer_share", agg["customers"] / n)
    agg["sales_share"] = agg["sales"] / s
    return agg


def decile_shares(tx: pd.DataFrame, period: str, kind: str = "customer") -> pd.DataFrame:
    """Deciles by ``period`` in one table: one row per period, columns ``1`` … ``10``.

    ``kind="customer"``: the sales share of each customer decile (ten equal groups of
    customers); ``kind="sales"``: the customer share of each sales decile (ten equal parts of
    sales). Both read "how concentrated is value" and should be stable from period to period.

    >>> tx = pd.DataFrame({"customer_id": range(1, 11), "receipt_id": range(1, 11),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 10), "amount": [10.0] * 10})
    >>> decile_shares(tx, "year").iloc[0].tolist()
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    """
    check_choice("period", period, list(PERIOD_DAYS))
    check_choice("kind", kind, ["customer", "sales"])
    if kind == "customer":
        t = segment.decile_table(tx, period)
        wide = t.pivot(index="period", columns="decile", values="sales_share")
    else:
        t = sales_deciles(tx, period)
        wide = t.pivot(index="period", columns="sales_decile", values="customer_share")
    wide.columns = [int(c) for c in wide.columns]
    return wide.rename_axis(index="period", columns=None)


def _check_assumptions(a: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(set(a) - set(DEFAULT_ASSUMPTIONS))
    if unknown:
        raise ValueError(
            f"Unknown assumption(s) {unknown}; the assumptions are {list(DEFAULT_ASSUMPTIONS)}."
        )
    out = {**DEFAULT_ASSUMPTIONS, **a}
    for k, v in out.items():
        if not isinstance(v, (int, float, np.number)) or not np.isfinite(v) or v <= 0:
            raise ValueError(f"Assumption {k!r} must be a positive number; got {v!r}.")
    if out["conversion"] > 1:
        raise ValueError(f"Assumption 'conversion' is a share in (0, 1]; got {out['conversion']}.")
    return {k: float(v) for k, v in out.items()}


def infer_indicators(assumptions: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Indicator values inferred from stated assumptions (指标值推断), by year, quarter,
    month and week, for a company that has no transaction data.

    With ``d`` the period's days (:data:`PERIOD_DAYS`) and ``D = 365``:

    * visits (客数, receipts) = stores × daily_traffic × conversion × open_days × d / D;
    * total sales = visits × avg_basket; highest / lowest basket = factor × avg_basket;
    * purchase frequency in the period = max(1, frequency × d / D) (a customer counted in a
      period has bought at least once in it);
    * customers = visits ÷ purchase frequency.

    Unstated assumptions take :data:`DEFAULT_ASSUMPTIONS`. Returns one row per indicator
    (``total_sales``, ``visits``, ``customers``, ``avg_basket``, ``max_basket``,
    ``min_basket``, ``purchase_frequency``) with columns ``year``, ``quarter``, ``month``,
    ``week`` and ``formula``; ``attrs["assumptions"]`` holds the assumptions used.

    >>> t = infer_indicators({"stores": 1, "daily_traffic": 100, "conversion": 0.5,
    ...     "avg_basket": 10, "frequency": 365, "open_days": 365})
    >>> float(t.loc["visits", "week"]), float(t.loc["total_sales", "year"])
    (350.0, 182500.0)
    >>> float(t.loc["customers", "week"])
    50.0
    """
    a = _check_assumptions(assumptions or {})
    rows: dict[str, dict[str, float]] = {}
    for period, d in PERIOD_DAYS.items():
        visits = a["stores"] * a["daily_traffic"] * a["conversion"] * a["open_days"] * d / 365
        freq = max(1.0, a["frequency"] * d / 365)
        rows[period] = {
            "total_sales": visits * a["avg_basket"],
            "visits": visits,
            "customers": visits / freq,
            "avg_basket": a["avg_basket"],
            "max_basket": a["max_basket_factor"] * a["avg_basket"],
            "min_basket": a["min_basket_factor"] * a["avg_basket"],
            "purchase_frequency": freq,
        }
    out = pd.DataFrame(rows)
    out["formula"] = [
        "客数 × 平均客单价",
        "门店数 × 日客流 × 成交率 × 营业天数 × 期间天数/365",
        "客数 ÷ 购物频率",
        "假设",
        "最高系数 × 平均客单价",
        "最低系数 × 平均客单价",
        "max(1, 年购物频率 × 期间天数/365)",
    ]
    out.attrs["assumptions"] = a
    return out
