"""The customer pyramid and profit zones (客户金字塔与利润区)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers._duck import query as _query
from crm_helpers.schema import require_columns

from ._base import (
    _narrow,
    _positive,
)

#: The customer pyramid's profit zones (利润区): share of customers and strategy.
PYRAMID_ZONES: tuple[tuple[str, float, str], ...] = (
    ("top 5%", 0.05, "keep 保持: serve personally, protect the relationship"),
    ("next 10%", 0.10, "upgrade 升级: grow them into the top zone"),
    ("next 20%", 0.20, "prepare 培养: develop with targeted offers"),
    ("next 25%", 0.25, "passive 被动维持: standard service at low cost"),
    ("bottom 40%", 0.40, "exit or cut cost 退出或降低成本: self-service, fees, no subsidies"),
)

#: The pyramid's shape as the course material states it (NaN: not stated).
COURSE_PYRAMID = pd.DataFrame(
    {
        "zone": [z for z, _, _ in PYRAMID_ZONES],
        "stated_revenue_share": [0.35, np.nan, np.nan, np.nan, np.nan],
        "stated_profit_share": [0.40, np.nan, np.nan, np.nan, np.nan],
        "stated": [
            "~35% of revenue, over 40% of profit",
            "",
            "",
            "",
            "negative profit",
        ],
    }
)


# --------------------------------------------------------------------------- pyramid


def customer_profit(
    tx: pd.DataFrame,
    *,
    service_cost_per_receipt: float = 0.0,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Revenue, cost and profit per customer: profit = Σ(amount − quantity × unit_cost) −
    service_cost_per_receipt × receipts.

    The service cost (cost to serve: checkout, delivery, card processing …) makes
    customers with many small receipts unprofitable, as in the course's pyramid.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [10.0, 20.0, 4.0],
    ...     "quantity": [1, 2, 1], "unit_cost": [6.0, 5.0, 3.0]})
    >>> customer_profit(tx, service_cost_per_receipt=2.0)
       customer_id  receipts  revenue  cost  profit
    0            1         2     30.0  16.0    10.0
    1            2         1      4.0   3.0    -1.0
    """
    _positive("service_cost_per_receipt", service_cost_per_receipt, allow_zero=True)
    narrow = _narrow(tx, ("quantity", "unit_cost"), allow_returns=allow_returns)
    sql = """
        SELECT customer_id,
               count(DISTINCT receipt_id) AS receipts,
               sum(CAST(amount AS DOUBLE)) AS revenue,
               sum(CAST(quantity AS DOUBLE) * unit_cost) AS cost
        FROM tx GROUP BY customer_id ORDER BY customer_id
    """
    out = _query(sql, {"tx": narrow})
    out["receipts"] = out["receipts"].astype("int64")
    out["profit"] = out["revenue"] - out["cost"] - service_cost_per_receipt * out["receipts"]
    return out


def _zone_index(n: int, shares: Sequence[float]) -> np.ndarray:
    """Zone of each rank 1 … n: zone j ends at rank round(n × cumulative share), half up."""
    ends = np.floor(np.cumsum(shares) * n + 0.5 + 1e-9).astype("int64")
    return np.searchsorted(ends, np.arange(1, n + 1), side="left")


def profit_pyramid(
    tx: pd.DataFrame,
    *,
    zones: Sequence[tuple[str, float, str]] = PYRAMID_ZONES,
    service_cost_per_receipt: float = 0.0,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """The customer pyramid (客户金字塔): customers ranked by profit into zones.

    Customers are sorted by profit (largest first, ties by ``customer_id``) and cut into
    ``zones`` (name, share of customers, strategy; default 5 %, 10 %, 20 %, 25 %, 40 %):
    with ``n`` customers the first zone holds the ranks up to ``round(5 % × n)``, the
    second those up to ``round(15 % × n)`` and so on (cumulative shares, rounded half up).

    Returns one row per customer: :func:`customer_profit` columns, ``rank`` (1 = most
    profitable), ``zone`` (ordered categorical) and ``strategy``.

    >>> tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21),
    ...     "quantity": 1, "unit_cost": 0.5})
    >>> profit_pyramid(tx)["zone"].value_counts(sort=False).tolist()
    [1, 2, 4, 5, 8]
    """
    names, shares, strategies = _check_zones(zones)
    table = customer_profit(
        tx, service_cost_per_receipt=service_cost_per_receipt, allow_returns=allow_returns
    )
    table = table.assign(_key=table["profit"].round(6))
    table = table.sort_values(["_key", "customer_id"], ascending=[False, True], kind="stable")
    table = table.drop(columns="_key").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    idx = _zone_index(len(table), shares)
    table["zone"] = pd.Categorical.from_codes(idx, categories=names, ordered=True)
    table["strategy"] = np.asarray(strategies, dtype=object)[idx]
    return table


def _check_zones(
    zones: Sequence[tuple[str, float, str]],
) -> tuple[list[str], list[float], list[str]]:
    try:
        names = [str(z[0]) for z in zones]
        shares = [float(z[1]) for z in zones]
        strategies = [str(z[2]) for z in zones]
    except (TypeError, IndexError, ValueError):
        raise ValueError("zones must be a list of (name, share of customers, strategy).") from None
    if not zones or any(s <= 0 for s in shares) or not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
        raise ValueError(
            f"The zones' shares of customers must be positive and add up to 1; got {shares}."
        )
    return names, shares, strategies


def pyramid_summary(pyramid: pd.DataFrame) -> pd.DataFrame:
    """Each zone's share of customers, revenue and profit, its strategy, and the shape the
    course states (:data:`COURSE_PYRAMID`, for the default zones).

    >>> tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21),
    ...     "quantity": 1, "unit_cost": 0.5})
    >>> pyramid_summary(profit_pyramid(tx))[["zone", "customers", "revenue_share"]].round(3)
             zone  customers  revenue_share
    0      top 5%          1          0.095
    1    next 10%          2          0.176
    2    next 20%          4          0.295
    3    next 25%          5          0.262
    4  bottom 40%          8          0.171
    """
    require_columns(pyramid, ["zone", "revenue", "profit", "strategy"], "pyramid")
    g = pyramid.groupby("zone", observed=False, sort=True)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "revenue": g["revenue"].sum(),
            "profit": g["profit"].sum(),
            "strategy": g["strategy"].first(),
        }
    )
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    total_profit = out["profit"].sum()
    out["profit_share"] = out["profit"] / total_profit if total_profit else np.nan
    out["cum_profit_share"] = out["profit_share"].cumsum()
    out = out.reset_index()
    out = out.merge(COURSE_PYRAMID, on="zone", how="left")
    cols = ["zone", "customers", "customer_share", "revenue", "revenue_share", "profit"]
    cols += ["profit_share", "cum_profit_share", "strategy"]
    cols += ["stated_revenue_share", "stated_profit_share", "stated"]
    return out[cols]
