"""The customer pyramid and profit zones (客户金字塔与利润区), as seed 001 draws them.

Customers are ranked by **profit** — gross margin minus the cost to serve (服务成本) — and
cut into five zones of 5 %, 10 %, 20 %, 25 % and 40 % of customers: 最赚钱区 (most
profitable), 次赚钱区, 微赚钱区, 不赚钱区 and 赔钱区 (loss-making). The document's own table
for 300 customers (15/30/60/75/120 customers bringing about 35/40/15/10/5 % of revenue) is
:data:`DOCUMENT_PYRAMID`; :func:`pyramid_summary` sets the data's shape beside it.
:data:`PYRAMID_MYTHS` are the five myths (客户金字塔的迷思); :func:`zone_effort` and
:func:`zone_migration` measure two of them on data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers import _catalogue as cat
from crm_helpers._duck import query as _query
from crm_helpers.schema import DataValidationError, require_columns
from crm_helpers.timeframe import parse_as_of

from ._base import _narrow, _positive

__all__ = [
    "PYRAMID_ZONES",
    "DOCUMENT_PYRAMID",
    "COURSE_PYRAMID",
    "PYRAMID_MYTHS",
    "ZONE_NAMES_EN",
    "customer_profit",
    "profit_pyramid",
    "pyramid_summary",
    "zone_effort",
    "zone_migration",
]

#: The profit zones (利润区): Chinese name, share of customers, strategy (seed 001).
PYRAMID_ZONES: tuple[tuple[str, float, str], ...] = tuple(
    (zh, share, strategy) for zh, _, _, share, _, _, strategy in cat.PROFIT_ZONES
)
#: English names of the zones.
ZONE_NAMES_EN: dict[str, str] = {zh: en for zh, en, *_ in cat.PROFIT_ZONES}

#: The pyramid as seed 001 states it for 300 customers: customers, share of customers,
#: share of revenue (对收入贡献) and share of profit (对营余贡献, stated only as a bound).
DOCUMENT_PYRAMID = pd.DataFrame(
    [
        {
            "zone": zh,
            "zone_en": en,
            "doc_customers": n,
            "doc_customer_share": share,
            "doc_revenue_share": revenue,
            "doc_profit": profit,
            "strategy": strategy,
        }
        for zh, en, n, share, revenue, profit, strategy in cat.PROFIT_ZONES
    ]
)
#: The former name of :data:`DOCUMENT_PYRAMID`.
COURSE_PYRAMID = DOCUMENT_PYRAMID
#: The five myths of the customer pyramid (客户金字塔的迷思): Chinese, English.
PYRAMID_MYTHS = pd.DataFrame(
    [{"myth": i + 1, "zh": zh, "en": en} for i, (zh, en) in enumerate(cat.PYRAMID_MYTHS)]
)


def _cost_from_margin(margin: float | None) -> str:
    """SQL for the cost of goods as amount × (1 − margin), after checking ``margin``."""
    if margin is None:
        raise DataValidationError(
            "Profit needs the cost of goods: the transactions table has no column "
            "'unit_cost'. Pass margin= (the gross margin as a share of sales, e.g. "
            "margin=0.25) or add a unit_cost column."
        )
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not 0 <= margin <= 1:
        raise ValueError(f"margin must be a share between 0 and 1 (0.25 = 25 %); got {margin!r}.")
    return f"sum(CAST(amount AS DOUBLE)) * {1.0 - float(margin)!r}"


def customer_profit(
    tx: pd.DataFrame,
    *,
    service_cost_per_receipt: float = 0.0,
    margin: float | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Revenue, cost of goods and profit per customer (利润 = 毛利 − 服务成本):
    profit = Σ(amount − quantity × unit_cost) − service_cost_per_receipt × receipts.

    The cost to serve (checkout, delivery, card fees …) makes customers with many small
    receipts unprofitable, as in the document's pyramid. Without a ``unit_cost`` column,
    pass ``margin`` (gross margin as a share of sales, e.g. 0.25): the cost of goods is then
    amount × (1 − margin).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [10.0, 20.0, 4.0],
    ...     "quantity": [1, 2, 1], "unit_cost": [6.0, 5.0, 3.0]})
    >>> customer_profit(tx, service_cost_per_receipt=2.0)
       customer_id  receipts  revenue  cost  profit
    0            1         2     30.0  16.0    10.0
    1            2         1      4.0   3.0    -1.0
    >>> customer_profit(tx.drop(columns="unit_cost"), margin=0.5)["profit"].tolist()
    [15.0, 2.0]
    """
    _positive("service_cost_per_receipt", service_cost_per_receipt, allow_zero=True)
    if "unit_cost" not in tx.columns:
        cost_sql = _cost_from_margin(margin)
        narrow = _narrow(tx, allow_returns=allow_returns)
    else:
        narrow = _narrow(tx, ("quantity", "unit_cost"), allow_returns=allow_returns)
        cost_sql = "sum(CAST(quantity AS DOUBLE) * unit_cost)"
    sql = f"""
        SELECT customer_id,
               count(DISTINCT receipt_id) AS receipts,
               sum(CAST(amount AS DOUBLE)) AS revenue,
               {cost_sql} AS cost
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
    margin: float | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """The customer pyramid (客户金字塔): customers ranked by profit into zones.

    Customers are sorted by profit (:func:`customer_profit`: margin minus the cost to
    serve; largest first, ties by ``customer_id``) and cut into ``zones`` (name, share of
    customers, strategy; default the document's 最赚钱区 5 %, 次赚钱区 10 %, 微赚钱区 20 %,
    不赚钱区 25 %, 赔钱区 40 %): with ``n`` customers the first zone holds the ranks up to
    ``round(5 % × n)``, the second those up to ``round(15 % × n)`` and so on (cumulative
    shares, rounded half up).

    Returns one row per customer: :func:`customer_profit` columns, ``rank`` (1 = most
    profitable), ``zone`` (ordered categorical), ``zone_en`` and ``strategy``.

    >>> tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21),
    ...     "quantity": 1, "unit_cost": 0.5})
    >>> profit_pyramid(tx)["zone"].value_counts(sort=False)
    zone
    最赚钱区    1
    次赚钱区    2
    微赚钱区    4
    不赚钱区    5
    赔钱区     8
    Name: count, dtype: int64
    """
    names, shares, strategies = _check_zones(zones)
    table = customer_profit(
        tx,
        service_cost_per_receipt=service_cost_per_receipt,
        margin=margin,
        allow_returns=allow_returns,
    )
    table = table.assign(_key=table["profit"].round(6))
    table = table.sort_values(["_key", "customer_id"], ascending=[False, True], kind="stable")
    table = table.drop(columns="_key").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    idx = _zone_index(len(table), shares)
    table["zone"] = pd.Categorical.from_codes(idx, categories=names, ordered=True)
    table["zone_en"] = table["zone"].map(lambda z: ZONE_NAMES_EN.get(z, z)).astype(str)
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
    """Each zone's share of customers, revenue and profit, its strategy, and beside them
    the document's shape (:data:`DOCUMENT_PYRAMID`: ``doc_customers`` of 300,
    ``doc_customer_share``, ``doc_revenue_share``, ``doc_profit``; empty for zones the
    document does not name).

    >>> tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21),
    ...     "quantity": 1, "unit_cost": 0.5})
    >>> s = pyramid_summary(profit_pyramid(tx))
    >>> s[["zone", "customers", "revenue_share", "doc_revenue_share"]].round(3)
       zone  customers  revenue_share  doc_revenue_share
    0  最赚钱区          1          0.095               0.35
    1  次赚钱区          2          0.176               0.40
    2  微赚钱区          4          0.295               0.15
    3  不赚钱区          5          0.262               0.10
    4   赔钱区          8          0.171               0.05
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
    out["profit_per_customer"] = out["profit"] / out["customers"].where(out["customers"] > 0)
    out = out.reset_index()
    out["zone"] = out["zone"].astype(str)
    doc = DOCUMENT_PYRAMID.drop(columns="strategy")
    out = out.merge(doc, on="zone", how="left")
    cols = ["zone", "zone_en", "customers", "customer_share", "revenue", "revenue_share"]
    cols += ["profit", "profit_share", "cum_profit_share", "profit_per_customer", "strategy"]
    cols += ["doc_customers", "doc_customer_share", "doc_revenue_share", "doc_profit"]
    return out[cols]


def zone_effort(
    pyramid: pd.DataFrame, contacts: pd.DataFrame, cost: str | None = "cost"
) -> pd.DataFrame:
    """Where the contact effort goes, zone by zone (myth 3: 80 % of the time on the
    unprofitable and loss-making zones).

    ``contacts`` has one row per contact with ``customer_id`` (and, if ``cost`` names a
    column, what the contact cost). Returns per zone: ``contacts``, ``contact_share``,
    ``cost_share`` (if a cost column) and the zone's ``profit_share``; contacts with
    customers outside the pyramid (prospects, lapsed members) are left out.

    >>> pyr = pd.DataFrame({"customer_id": [1, 2], "zone": pd.Categorical(
    ...     ["最赚钱区", "赔钱区"], categories=["最赚钱区", "赔钱区"], ordered=True),
    ...     "revenue": [10.0, 5.0], "profit": [9.0, -1.0], "strategy": ["a", "b"]})
    >>> c = pd.DataFrame({"customer_id": [1, 2, 2, 2, 3], "cost": [1.0, 1, 1, 1, 9]})
    >>> zone_effort(pyr, c)[["zone", "contacts", "contact_share", "cost_share"]]
       zone  contacts  contact_share  cost_share
    0  最赚钱区         1           0.25        0.25
    1   赔钱区         3           0.75        0.75
    """
    require_columns(pyramid, ["customer_id", "zone", "profit"], "pyramid")
    require_columns(contacts, ["customer_id", *([cost] if cost else [])], "contacts")
    zone_of = pyramid.set_index("customer_id")["zone"]
    c = contacts.assign(zone=contacts["customer_id"].map(zone_of)).dropna(subset=["zone"])
    c = c.assign(zone=pd.Categorical(c["zone"], categories=zone_of.cat.categories, ordered=True))
    g = c.groupby("zone", observed=False)
    out = pd.DataFrame({"contacts": g.size()})
    out["contact_share"] = out["contacts"] / max(out["contacts"].sum(), 1)
    if cost:
        spent = g[cost].sum()
        out["cost_share"] = spent / spent.sum() if spent.sum() else np.nan
    profit = pyramid.groupby("zone", observed=False)["profit"].sum()
    out["profit_share"] = profit / profit.sum() if profit.sum() else np.nan
    out = out.reset_index()
    out["zone"] = out["zone"].astype(str)
    return out


def zone_migration(
    tx: pd.DataFrame,
    split: object,
    *,
    zones: Sequence[tuple[str, float, str]] = PYRAMID_ZONES,
    service_cost_per_receipt: float = 0.0,
    margin: float | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """How customers move between zones (myths 4 and 5): the pyramid of the purchases
    before ``split`` against the pyramid of those on or after it.

    Returns a table of counts: rows the zone before, columns the zone after, plus the
    column ``不再购买 (no purchase)`` for customers of the first period who did not buy in
    the second. New customers of the second period are left out.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 1, 2], "receipt_id": range(5),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3 + ["2024-03-01"] * 2),
    ...     "amount": [30.0, 20.0, 10.0, 5.0, 50.0], "quantity": 1, "unit_cost": 0.0})
    >>> zones = [("top", 0.34, ""), ("rest", 0.66, "")]
    >>> zone_migration(tx, "2024-02-01", zones=zones)
    after   top  rest  不再购买 (no purchase)
    before
    top       0     1                   0
    rest      1     0                   1
    """
    return _migration(tx, split, service_cost_per_receipt, margin, allow_returns, zones)


def _migration(
    tx: pd.DataFrame,
    split: object,
    cost: float,
    margin: float | None,
    allow_returns: bool,
    zones: Sequence[tuple[str, float, str]],
) -> pd.DataFrame:
    moment = parse_as_of(split, "split")
    require_columns(tx, ["timestamp"], "transactions")
    before, after = tx[tx["timestamp"] < moment], tx[tx["timestamp"] >= moment]
    if len(before) == 0 or len(after) == 0:
        raise ValueError(
            f"split ({moment.date()}) must fall inside the data "
            f"({tx['timestamp'].min().date()} to {tx['timestamp'].max().date()}): both "
            "periods need purchases."
        )
    opts = dict(service_cost_per_receipt=cost, margin=margin, allow_returns=allow_returns)
    first = profit_pyramid(before, zones=zones, **opts).set_index("customer_id")["zone"]
    second = profit_pyramid(after, zones=zones, **opts).set_index("customer_id")["zone"]
    gone = "不再购买 (no purchase)"
    later = second.reindex(first.index).astype(object).fillna(gone)
    names = [str(z[0]) for z in zones]
    table = pd.crosstab(first.astype(str), later.astype(str))
    table = table.reindex(index=names, columns=[*names, gone], fill_value=0)
    table.index.name, table.columns.name = "before", "after"
    return table
