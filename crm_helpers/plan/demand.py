"""Demand analysis (需求分析): best sellers, latent demand (growth on a stated base), opinion
leaders and future demand."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers import segment
from crm_helpers.plan._common import _TX
from crm_helpers.schema import DataValidationError, require_columns
from crm_helpers.timeframe import analysis_date

__all__ = ["best_sellers", "latent_demand", "opinion_leaders", "future_demand"]


def _item_columns(tx: pd.DataFrame, item: str) -> list[str]:
    names = [c for c in ("name_zh", "name_en", "category_zh") if c in tx.columns and c != item]
    return names if item == "sku" else []


def _classes_of(tx: pd.DataFrame, classes: pd.Series | None) -> pd.Series | None:
    if classes is None:
        return None
    if not isinstance(classes, pd.Series):
        raise TypeError("classes must be a pandas Series of class labels indexed by customer_id.")
    return tx["customer_id"].map(classes)


def best_sellers(
    tx: pd.DataFrame, n: int = 10, *, item: str = "sku", classes: pd.Series | None = None
) -> pd.DataFrame:
    """Best sellers (畅销商品): the ``n`` items with the largest sales, overall or within each
    customer class.

    Parameters
    ----------
    item:
        The product column (``"sku"``, ``"subcategory"``, ``"category"``, ...).
    classes:
        Optional Series of class labels indexed by ``customer_id`` (e.g. value quintiles):
        then the top ``n`` per class, with a ``customer_class`` column first.

    Returns
    -------
    DataFrame
        (``customer_class``,) ``rank``, the item, product names when present, ``sales``,
        ``quantity`` (when present), ``buyers`` and ``sales_share`` (of the class's sales).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "sku": ["a", "b", "b"],
    ...     "amount": [5.0, 2.0, 4.0]})
    >>> best_sellers(tx, 1)[["rank", "sku", "sales", "buyers"]]
       rank sku  sales  buyers
    0     1   b    6.0       2
    """
    require_columns(tx, ["customer_id", item, "amount"], "transactions")
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}.")
    keys = [item, *_item_columns(tx, item)]
    frame = tx.assign(customer_class=_classes_of(tx, classes)) if classes is not None else tx
    group = ["customer_class"] if classes is not None else []
    aggs = {"sales": ("amount", "sum"), "buyers": ("customer_id", "nunique")}
    if "quantity" in tx.columns:
        aggs["quantity"] = ("quantity", "sum")
    t = frame.groupby(group + keys, observed=True, dropna=True).agg(**aggs).reset_index()
    t = t[t["sales"] != 0]
    total = t.groupby(group)["sales"].transform("sum") if group else t["sales"].sum()
    t["sales_share"] = t["sales"] / total
    t = t.sort_values(group + ["sales", item], ascending=[True] * len(group) + [False, True])
    t["rank"] = (t.groupby(group).cumcount() if group else pd.Series(range(len(t)), t.index)) + 1
    t = t[t["rank"] <= n]
    cols = group + ["rank", *keys, "sales", *(["quantity"] if "quantity" in t else []),
                    "buyers", "sales_share"]  # fmt: skip
    return t[cols].reset_index(drop=True)


def _window(tx: pd.DataFrame, days: float, end: pd.Timestamp | None) -> tuple[pd.Timestamp, ...]:
    end = analysis_date(tx, end)
    return end - pd.Timedelta(days=2 * days), end - pd.Timedelta(days=days), end


def _two_period_sales(
    tx: pd.DataFrame,
    keys: list[str],
    bounds: tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp],
    classes: pd.Series | None,
) -> tuple[pd.DataFrame, list[str]]:
    """Sales per item (per class) in the earlier and later period; the grouping columns."""
    start, mid, stop = bounds
    part = pd.Series(
        np.select(
            [(tx["timestamp"] >= start) & (tx["timestamp"] < mid),
             (tx["timestamp"] >= mid) & (tx["timestamp"] < stop)],
            ["earlier", "later"], default="",
        ),
        index=tx.index,
    )  # fmt: skip
    frame = tx.assign(_part=part)
    frame = frame[frame["_part"] != ""]
    group = []
    if classes is not None:
        frame = frame.assign(customer_class=_classes_of(frame, classes))
        group = ["customer_class"]
    t = (
        frame.groupby(group + keys + ["_part"], observed=True)["amount"]
        .sum()
        .unstack("_part", fill_value=0.0)
        .reindex(columns=["earlier", "later"], fill_value=0.0)
        .reset_index()
    )
    t.columns.name = None
    return t, group


def latent_demand(
    tx: pd.DataFrame,
    n: int = 10,
    *,
    item: str = "sku",
    days: float = 365,
    end: object = None,
    min_base: float = 0.0,
    classes: pd.Series | None = None,
) -> pd.DataFrame:
    """Latent demand (潜在需求): the items whose sales grew fastest between two equal periods.

    The *later* period is the ``days`` days before ``end`` (default: midnight after the
    last day of ``tx``), the *earlier* period the ``days`` days before that. Growth is
    ``later / earlier − 1``; items whose earlier sales are below ``min_base`` (or zero) are
    left out, so a tiny base cannot produce a huge growth rate, and so are items that did not
    grow (``growth <= 0``): latent demand never lists a shrinking product. With ``classes``
    the growth is computed within each customer class. The table's ``attrs`` state the
    base: ``min_base``, ``earlier`` and ``later`` (the two periods' first days).

    Returns
    -------
    DataFrame
        (``customer_class``,) ``rank``, the item (and names), ``earlier``, ``later``,
        ``growth`` — the ``n`` fastest growing per group.

    >>> tx = pd.DataFrame({"customer_id": [1] * 4, "sku": ["a", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-15", "2024-01-06", "2024-01-16"]),
    ...     "amount": [10.0, 30.0, 10.0, 5.0]})
    >>> latent_demand(tx, days=10, end="2024-01-20")[["sku", "earlier", "later", "growth"]]
      sku  earlier  later  growth
    0   a     10.0   30.0     2.0
    """
    require_columns(tx, ["customer_id", item, "timestamp", "amount"], "transactions")
    if days <= 0:
        raise ValueError(f"days must be positive; got {days}.")
    start, mid, stop = _window(tx, days, end)
    keys = [item, *_item_columns(tx, item)]
    t, group = _two_period_sales(tx, keys, (start, mid, stop), classes)
    t = t[(t["earlier"] > 0) & (t["earlier"] >= min_base)].copy()
    t["growth"] = t["later"] / t["earlier"] - 1
    t = t[t["growth"] > 0]
    t = t.sort_values(group + ["growth", item], ascending=[True] * len(group) + [False, True])
    t["rank"] = (t.groupby(group).cumcount() if group else pd.Series(range(len(t)), t.index)) + 1
    t = t[t["rank"] <= n]
    out = t[group + ["rank", *keys, "earlier", "later", "growth"]].reset_index(drop=True)
    out.attrs.update(min_base=float(min_base), earlier=start, later=mid)
    return out


def opinion_leaders(
    tx: pd.DataFrame,
    *,
    top_share: float = 0.10,
    breadth: str = "category",
    min_breadth: int = 4,
    recent_days: float = 90,
    as_of: object = None,
) -> pd.DataFrame:
    """Opinion leaders (意见领袖) defined from the data: heavy, broad and recent buyers.

    A customer is a leader when all three hold:

    * **heavy** — among the top ``top_share`` of customers by sales (rank as in
      :func:`crm_helpers.segment.customer_deciles`);
    * **broad** — bought in at least ``min_breadth`` distinct values of ``breadth``
      (categories; use ``"sku"`` with a larger minimum for data without categories);
    * **recent** — bought within the last ``recent_days`` days before ``as_of`` (default:
      midnight after the last day of ``tx``).

    Such customers try many products, buy a lot and are active now: what they start buying
    tends to spread (the diffusion-of-innovations argument). Returns one row per customer:
    ``customer_id``, ``sales``, ``rank``, ``breadth``, ``recency_days``, ``heavy``,
    ``broad``, ``recent``, ``leader``.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "receipt_id": [1, 2, 3, 4],
    ...     "category": ["x", "y", "x", "x"], "amount": [9.0, 9.0, 5.0, 1.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01", "2024-03-01"])})
    >>> opinion_leaders(tx, top_share=0.34, min_breadth=2, recent_days=30)["leader"].tolist()
    [True, False, False]
    """
    require_columns(tx, [*_TX, breadth], "transactions")
    if not 0 < top_share <= 1:
        raise ValueError(f"top_share must be in (0, 1]; got {top_share}.")
    summary = segment.customer_summary(tx, as_of)
    ranked = segment.customer_deciles(tx)[["customer_id", "sales", "rank"]]
    out = ranked.merge(summary[["customer_id", "recency_days"]], on="customer_id", how="left")
    wide = tx.groupby("customer_id", observed=True)[breadth].nunique()
    out["breadth"] = out["customer_id"].map(wide).astype("int64")
    out["heavy"] = out["rank"] <= np.ceil(top_share * len(out))
    out["broad"] = out["breadth"] >= min_breadth
    out["recent"] = out["recency_days"] < recent_days
    out["leader"] = out["heavy"] & out["broad"] & out["recent"]
    return out


def _leader_buyers(recent: pd.DataFrame, is_leader: pd.Series, recent_days: float) -> int:
    """How many leaders bought recently; an error with advice if none did."""
    n_lead = recent.loc[is_leader, "customer_id"].nunique()
    if n_lead == 0:
        raise DataValidationError(
            f"No opinion leader bought in the last {recent_days} days: loosen the leader "
            "definition (top_share, min_breadth, recent_days) or lengthen recent_days."
        )
    return n_lead


def future_demand(
    tx: pd.DataFrame,
    leaders: Sequence[object] | pd.Series,
    n: int = 10,
    *,
    item: str = "sku",
    recent_days: float = 180,
    end: object = None,
    min_leader_buyers: int = 3,
) -> pd.DataFrame:
    """Future demand (未来需求): what opinion leaders buy more than everybody else.

    In the last ``recent_days`` days before ``end``, an item's *penetration* in a group is
    the share of the group's buyers who bought it. The **lift** is the leaders' penetration
    divided by all buyers' penetration: above 1, leaders favour the item, and it is likely
    to spread. Items bought by fewer than ``min_leader_buyers`` leaders are left out.

    Returns the ``n`` items with the largest lift: ``rank``, the item (and names),
    ``leader_buyers``, ``leader_penetration``, ``all_penetration``, ``lift``.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3, 4], "sku": ["a", "b", "b", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 5), "amount": [1.0] * 5})
    >>> future_demand(tx, [1], min_leader_buyers=1)[["sku", "leader_penetration", "lift"]]
      sku  leader_penetration  lift
    0   a                 1.0   4.0
    1   b                 1.0   1.0
    """
    require_columns(tx, ["customer_id", item, "timestamp", "amount"], "transactions")
    leaders = pd.Index(pd.Series(leaders).to_numpy())
    _, start, stop = _window(tx, recent_days, end)
    recent = tx[(tx["timestamp"] >= start) & (tx["timestamp"] < stop)]
    keys = [item, *_item_columns(tx, item)]
    is_leader = recent["customer_id"].isin(leaders)
    n_all = recent["customer_id"].nunique()
    n_lead = _leader_buyers(recent, is_leader, recent_days)
    every = recent.groupby(keys, observed=True)["customer_id"].nunique()
    lead = recent[is_leader].groupby(keys, observed=True)["customer_id"].nunique()
    t = pd.DataFrame({"leader_buyers": lead, "all_buyers": every}).dropna().reset_index()
    t["leader_buyers"] = t["leader_buyers"].astype("int64")
    t = t[t["leader_buyers"] >= min_leader_buyers].copy()
    t["leader_penetration"] = t["leader_buyers"] / n_lead
    t["all_penetration"] = t["all_buyers"] / n_all
    t["lift"] = t["leader_penetration"] / t["all_penetration"]
    t = t.sort_values(["lift", "leader_buyers", item], ascending=[False, False, True]).head(n)
    t.insert(0, "rank", range(1, len(t) + 1))
    cols = ["rank", *keys, "leader_buyers", "leader_penetration", "all_penetration", "lift"]
    return t[cols].reset_index(drop=True)
