"""The CRM plan-design assignment (企业客户关系管理CRM方案设计): the analyses behind chapter 09.

A full-membership retailer (全会员制零售商) knows who bought every receipt, so a CRM plan can
start from data. This module holds the pieces of the plan report, each a pure function
(DataFrames in, new DataFrames out; nothing printed, plotted or read from disk):

* **Base data** (基础数据): :func:`membership_card_design`, :func:`receipt_view`,
  :func:`product_structure`, :func:`region_structure`, :func:`customer_list`; the
  indicator system by year, quarter, month and week is :func:`crm_helpers.kpi.indicators_all`.
* **Demand** (需求分析): :func:`best_sellers` (overall and by customer class),
  :func:`latent_demand` (潜在需求: fastest sales growth between two periods, with a minimum
  base), :func:`opinion_leaders` (意见领袖, defined from the data) and
  :func:`future_demand` (未来需求: what leaders buy more than everybody, by lift).
* **Customers**: deciles come from :mod:`crm_helpers.segment`;
  :func:`customer_file_design` and :func:`customer_file` (客户档案); :func:`value_groups`
  and :func:`class_profiles` describe the base at 1, 5 and 10 groups.
* **Strategy**: :data:`STRATEGY_DIRECTIONS` (five directions) and :func:`apply_strategy`.
* **Three-dimensional analysis framework** (三维分析框架): :func:`crm_cube`,
  :func:`slice_cube`, :func:`roll_up`.
* **Relationship space** (关系空间): Kotler's five levels, :func:`kotler_level`.
* **The CRM process, two rounds** (CRM流程): :func:`campaign_features`,
  :func:`response_probability` (the simulated truth), :func:`run_round`,
  :func:`evaluate_rounds`.

Works on any transaction table in the course schema; product names and categories are used
when present (join them with :func:`with_products`), member-only parts (membership card,
regions, prospects) need the member table and say so when it is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crm_helpers import kpi, segment
from crm_helpers.schema import DataValidationError, check_choice, require_columns

__all__ = [
    "STRATEGY_DIRECTIONS",
    "KOTLER_LEVELS",
    "membership_card_design",
    "with_products",
    "receipt_view",
    "product_structure",
    "region_structure",
    "customer_list",
    "product_classes",
    "best_sellers",
    "latent_demand",
    "opinion_leaders",
    "future_demand",
    "value_groups",
    "class_profiles",
    "customer_file_design",
    "customer_file",
    "StrategyPlan",
    "apply_strategy",
    "crm_cube",
    "slice_cube",
    "roll_up",
    "kotler_level",
    "kotler_matrix",
    "campaign_features",
    "response_probability",
    "CampaignRound",
    "run_round",
    "random_round",
    "evaluate_rounds",
]

_TX = ("customer_id", "receipt_id", "timestamp", "amount")

# --------------------------------------------------------------------------- base data

_CARD_FIELDS = [
    ("card_number", "会员卡号", "string (16 digits, Luhn check digit)", "card_number",
     "identifies the member at the till and online; printed on the card"),
    ("customer_id", "会员编号", "integer", "customer_id", "the key that joins receipts to the member"),
    ("name", "姓名", "string", "name", "personal greeting, service"),
    ("gender", "性别", "category", "gender", "profiling, assortment"),
    ("birth_year", "出生年份", "integer", "birth_year", "age group, birthday offers"),
    ("phone", "手机号", "string", "phone", "SMS / app contact; identification without the card"),
    ("email", "电子邮箱", "string", "email", "e-mail campaigns"),
    ("city", "城市", "category", "city / city_zh", "store network, regional offers"),
    ("region", "区域", "category", "region", "regional structure of the base"),
    ("income_band", "月收入", "category", "income_band", "value potential, price level"),
    ("join_date", "入会日期", "datetime", "join_date", "tenure, welcome programme, lifecycle"),
    ("acquisition_channel", "入会渠道", "category", "acquisition_channel",
     "which acquisition channels bring good members"),
    ("consent", "营销授权", "boolean", "asked at sign-up (not simulated)",
     "permission to contact: required before any campaign (PIPL 个人信息保护法)"),
]  # fmt: skip


def membership_card_design() -> pd.DataFrame:
    """The membership card's application form (会员卡设计) as data: one row per field.

    Columns: ``field``, ``name_zh``, ``type``, ``source`` (the member table's column, or how
    it is obtained) and ``purpose`` (what the CRM plan uses it for).

    >>> card = membership_card_design()
    >>> card.loc[0, ["field", "name_zh"]].tolist()
    ['card_number', '会员卡号']
    """
    return pd.DataFrame(_CARD_FIELDS, columns=["field", "name_zh", "type", "source", "purpose"])


_PRODUCT_COLUMNS = (
    "name_zh",
    "name_en",
    "category",
    "category_zh",
    "subcategory",
    "subcategory_zh",
)


def with_products(tx: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """``tx`` with the product table's names and categories joined on ``sku`` (a new table).

    Columns already in ``tx`` are kept; with ``products=None`` a copy of ``tx`` is returned.

    >>> tx = pd.DataFrame({"sku": ["A", "B"], "amount": [1.0, 2.0]})
    >>> p = pd.DataFrame({"sku": ["A", "B"], "category": ["fresh", "drinks"]})
    >>> with_products(tx, p)["category"].tolist()
    ['fresh', 'drinks']
    """
    if products is None:
        return tx.copy()
    require_columns(tx, ["sku"], "transactions")
    require_columns(products, ["sku"], "products")
    add = [c for c in _PRODUCT_COLUMNS if c in products.columns and c not in tx.columns]
    right = products[["sku", *add]].astype({"sku": "str"})
    out = tx.assign(_sku=tx["sku"].astype("str")).merge(
        right.rename(columns={"sku": "_sku"}), on="_sku", how="left"
    )
    out.index = tx.index
    return out.drop(columns="_sku")


def receipt_view(
    tx: pd.DataFrame, receipt_id: object = None, products: pd.DataFrame | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """One sales record (单笔销售记录, a receipt 小票): its header and its lines.

    Parameters
    ----------
    tx:
        Transactions (``customer_id``, ``receipt_id``, ``timestamp``, ``amount``; ``sku``,
        ``quantity``, ``unit_price``, ``discount``, ``channel``, ``store_id`` when present).
    receipt_id:
        The receipt to show; default: the receipt with the most lines (ties: the first).
    products:
        Optional product table: adds Chinese and English names to the lines.

    Returns
    -------
    (header, lines)
        ``header``: receipt_id, customer_id, timestamp, channel and store (when present),
        n_lines, total. ``lines``: the receipt's lines in their order.

    >>> tx = pd.DataFrame({"customer_id": [7, 7], "receipt_id": [1, 1], "sku": ["A", "B"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 10:00"] * 2), "amount": [2.5, 4.0]})
    >>> header, lines = receipt_view(tx)
    >>> header["total"], int(header["n_lines"])
    (np.float64(6.5), 2)
    """
    require_columns(tx, _TX, "transactions")
    if tx.empty:
        raise DataValidationError("The transactions table is empty: there is no receipt to show.")
    if receipt_id is None:
        sizes = tx.groupby("receipt_id", sort=False).size()
        receipt_id = sizes.idxmax()
    lines = tx[tx["receipt_id"] == receipt_id]
    if lines.empty:
        raise DataValidationError(f"receipt_id {receipt_id!r} is not in the transactions table.")
    lines = with_products(lines, products).reset_index(drop=True)
    first = lines.iloc[0]
    header = {
        "receipt_id": receipt_id,
        "customer_id": first["customer_id"],
        "timestamp": lines["timestamp"].min(),
    }
    for col in ("channel", "store_id"):
        if col in lines.columns:
            header[col] = first[col]
    header["n_lines"] = len(lines)
    header["total"] = lines["amount"].sum()
    show = [
        c
        for c in ("sku", "name_zh", "name_en", "category_zh", "quantity", "unit_price",
                  "discount", "amount")
        if c in lines.columns
    ]  # fmt: skip
    return pd.Series(header, name="receipt"), lines[show]


def product_classes(tx: pd.DataFrame, shares: tuple[float, float] = (0.7, 0.9)) -> pd.Series:
    """ABC classes of products (商品ABC分类) by sales: a product is ``A`` while the
    cumulative sales share *before* it is below ``shares[0]``, ``B`` below ``shares[1]``,
    else ``C``. Used as the product structure when a table has no categories.

    Returns a Series indexed by ``sku`` (largest sales first).

    >>> tx = pd.DataFrame({"sku": list("abcd"), "amount": [70.0, 20, 6, 4]})
    >>> product_classes(tx).tolist()
    ['A', 'B', 'C', 'C']
    """
    require_columns(tx, ["sku", "amount"], "transactions")
    lo, hi = shares
    if not 0 < lo < hi <= 1:
        raise ValueError(f"shares must satisfy 0 < shares[0] < shares[1] <= 1; got {shares}.")
    sales = tx.groupby("sku", observed=True)["amount"].sum().sort_values(ascending=False)
    before = sales.cumsum().shift(fill_value=0) / sales.sum()
    cls = np.where(before < lo, "A", np.where(before < hi, "B", "C"))
    return pd.Series(cls, index=sales.index, name="product_class")


def product_structure(tx: pd.DataFrame, level: str = "category") -> pd.DataFrame:
    """Product structure (商品结构): sales, margin and buyers per ``level``.

    ``level`` is a column of ``tx`` (join categories with :func:`with_products`); if it is
    ``"category"`` and missing, the ABC class of :func:`product_classes` is used instead.
    Columns: the level, ``products``, ``sales``, ``sales_share``, ``margin`` and
    ``margin_rate`` (when ``unit_cost`` is present), ``receipts``, ``customers``.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2], "receipt_id": [1, 2, 2],
    ...     "sku": ["a", "b", "c"], "category": ["x", "x", "y"], "amount": [1.0, 2, 1]})
    >>> product_structure(tx)[["category", "products", "sales"]]
      category  products  sales
    0        x         2    3.0
    1        y         1    1.0
    """
    if level == "category" and "category" not in tx.columns:
        tx = tx.assign(category=tx["sku"].astype("str").map(product_classes(tx)))
    require_columns(tx, [level, "sku", "amount", "receipt_id", "customer_id"], "transactions")
    g = tx.groupby(level, observed=True)
    out = pd.DataFrame(
        {
            "products": g["sku"].nunique(),
            "sales": g["amount"].sum(),
            "receipts": g["receipt_id"].nunique(),
            "customers": g["customer_id"].nunique(),
        }
    )
    out.insert(2, "sales_share", out["sales"] / out["sales"].sum())
    if "unit_cost" in tx.columns and "quantity" in tx.columns:
        cost = (tx["unit_cost"] * tx["quantity"]).groupby(tx[level], observed=True).sum()
        out.insert(3, "margin", out["sales"] - cost)
        out.insert(4, "margin_rate", out["margin"] / out["sales"])
    return out.sort_values("sales", ascending=False).reset_index()


def region_structure(customers: pd.DataFrame, tx: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """Members, buyers and sales per region (区域结构) — needs the member table.

    Columns: ``by``, ``members``, ``buyers``, ``sales``, ``sales_share``, ``sales_per_member``.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["N", "N", "S"]})
    >>> tx = pd.DataFrame({"customer_id": [1, 3], "amount": [5.0, 15.0]})
    >>> region_structure(c, tx)[["region", "members", "buyers", "sales"]]
      region  members  buyers  sales
    0      S        1       1   15.0
    1      N        2       1    5.0
    """
    require_columns(customers, ["customer_id", by], "customers")
    require_columns(tx, ["customer_id", "amount"], "transactions")
    spend = tx.groupby("customer_id")["amount"].sum()
    c = customers[["customer_id", by]].assign(sales=lambda d: d["customer_id"].map(spend))
    g = c.groupby(by, observed=True)
    out = pd.DataFrame(
        {"members": g.size(), "buyers": g["sales"].count(), "sales": g["sales"].sum()}
    )
    out["sales_share"] = out["sales"] / out["sales"].sum()
    out["sales_per_member"] = out["sales"] / out["members"]
    return out.sort_values("sales", ascending=False).reset_index()


def customer_list(
    tx: pd.DataFrame, customers: pd.DataFrame | None = None, as_of: object = None
) -> pd.DataFrame:
    """The customer list (客户名单): one row per buyer (and per member when ``customers`` is
    given), with frequency, sales, first and last purchase and recency (from
    :func:`crm_helpers.segment.customer_summary`), largest sales first.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"]),
    ...     "amount": [3.0, 1.0, 1.0]})
    >>> customer_list(tx)[["customer_id", "frequency", "monetary"]]
       customer_id  frequency  monetary
    0            1          1       3.0
    1            2          2       2.0
    """
    summary = segment.customer_summary(tx, as_of)
    if customers is not None:
        require_columns(customers, ["customer_id"], "customers")
        keep = [c for c in ("customer_id", "name", "gender", "birth_year", "city_zh", "region",
                            "join_date") if c in customers.columns]  # fmt: skip
        summary = customers[keep].merge(summary, on="customer_id", how="left")
        summary["frequency"] = summary["frequency"].fillna(0).astype("int64")
        summary["monetary"] = summary["monetary"].fillna(0.0)
    return summary.sort_values(["monetary", "customer_id"], ascending=[False, True]).reset_index(
        drop=True
    )


# --------------------------------------------------------------------------- demand


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
    end = (
        pd.Timestamp(end)
        if end is not None
        else tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    )
    return end - pd.Timedelta(days=2 * days), end - pd.Timedelta(days=days), end


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
    left out, so a tiny base cannot produce a huge growth rate. With ``classes`` the growth
    is computed within each customer class.

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
    1   b     10.0    5.0    -0.5
    """
    require_columns(tx, ["customer_id", item, "timestamp", "amount"], "transactions")
    if days <= 0:
        raise ValueError(f"days must be positive; got {days}.")
    start, mid, stop = _window(tx, days, end)
    part = pd.Series(
        np.select(
            [(tx["timestamp"] >= start) & (tx["timestamp"] < mid),
             (tx["timestamp"] >= mid) & (tx["timestamp"] < stop)],
            ["earlier", "later"], default="",
        ),
        index=tx.index,
    )  # fmt: skip
    keys = [item, *_item_columns(tx, item)]
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
    t = t[(t["earlier"] > 0) & (t["earlier"] >= min_base)].copy()
    t["growth"] = t["later"] / t["earlier"] - 1
    t = t.sort_values(group + ["growth", item], ascending=[True] * len(group) + [False, True])
    t["rank"] = (t.groupby(group).cumcount() if group else pd.Series(range(len(t)), t.index)) + 1
    t = t[t["rank"] <= n]
    return t[group + ["rank", *keys, "earlier", "later", "growth"]].reset_index(drop=True)


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
    n_lead = recent.loc[is_leader, "customer_id"].nunique()
    if n_lead == 0:
        raise DataValidationError(
            f"No opinion leader bought in the last {recent_days} days: loosen the leader "
            "definition (top_share, min_breadth, recent_days) or lengthen recent_days."
        )
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


# --------------------------------------------------------------------------- customer classes


def value_groups(tx: pd.DataFrame, n_groups: int) -> pd.Series:
    """Each buyer's value group 1 … ``n_groups`` (1 = highest sales), by the same ranking as
    :func:`crm_helpers.segment.customer_deciles`: rank ``i`` of ``n`` is in group
    ``floor(n_groups × (i − 1) / n) + 1``. With ``n_groups=10`` these are the deciles.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "amount": [1.0, 4, 3, 2]})
    >>> value_groups(tx, 2).to_dict()
    {2: 1, 3: 1, 4: 2, 1: 2}
    """
    if not isinstance(n_groups, (int, np.integer)) or n_groups < 1:
        raise ValueError(f"n_groups must be a positive integer; got {n_groups!r}.")
    ranked = segment.customer_deciles(tx)
    n = len(ranked)
    groups = (n_groups * (ranked["rank"].to_numpy() - 1)) // n + 1
    return pd.Series(groups, index=ranked["customer_id"].to_numpy(), name="value_group")


def _describe_group(row: pd.Series, base: pd.Series) -> str:
    def rel(col: str) -> str:
        ratio = row[col] / base[col] if base[col] else 1.0
        if ratio >= 1.5:
            return "far above"
        if ratio >= 1.1:
            return "above"
        if ratio > 0.9:
            return "about"
        if ratio > 0.5:
            return "below"
        return "far below"

    text = (
        f"{int(row['customers'])} customers ({row['customer_share']:.0%}) bring "
        f"{row['sales_share']:.0%} of sales; spend per customer is {rel('monetary')} the "
        f"average, visits {rel('frequency')}, basket {rel('avg_basket')}; last purchase "
        f"{row['recency_days']:.0f} days ago on average"
    )
    if "top_category" in row and isinstance(row["top_category"], str):
        text += f"; they buy most in {row['top_category']}"
    return text + "."


def class_profiles(
    tx: pd.DataFrame, n_groups: int = 5, *, category: str | None = "category", as_of: object = None
) -> pd.DataFrame:
    """Customer classes described in plain words (客户分类描述) at ``n_groups`` value groups.

    ``n_groups=1`` describes the whole base, 5 the value quintiles, 10 the deciles (see
    :func:`value_groups`). Columns: ``group``, ``customers``, ``customer_share``, ``sales``,
    ``sales_share``, mean ``monetary``, ``frequency``, ``avg_basket`` and ``recency_days``,
    ``top_category`` (when ``category`` is a column of ``tx``) and ``description``.

    >>> tx = pd.DataFrame({"customer_id": [1, 2], "receipt_id": [1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"]), "amount": [3.0, 1.0]})
    >>> class_profiles(tx, 2, category=None)[["group", "customers", "sales_share"]]
       group  customers  sales_share
    0      1          1         0.75
    1      2          1         0.25
    """
    summary = segment.customer_summary(tx, as_of).set_index("customer_id")
    summary["group"] = value_groups(tx, n_groups)
    g = summary.groupby("group")
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "sales": g["monetary"].sum(),
            "monetary": g["monetary"].mean(),
            "frequency": g["frequency"].mean(),
            "avg_basket": g["avg_basket"].mean(),
            "recency_days": g["recency_days"].mean(),
        }
    )
    out.insert(1, "customer_share", out["customers"] / out["customers"].sum())
    out.insert(3, "sales_share", out["sales"] / out["sales"].sum())
    if category and category in tx.columns:
        by = tx.assign(group=tx["customer_id"].map(summary["group"]))
        top = by.groupby(["group", category], observed=True)["amount"].sum().reset_index()
        top = top.sort_values(["group", "amount"], ascending=[True, False]).drop_duplicates("group")
        out["top_category"] = top.set_index("group")[category].astype("str")
    base = pd.Series(
        {
            "monetary": summary["monetary"].mean(),
            "frequency": summary["frequency"].mean(),
            "avg_basket": summary["avg_basket"].mean(),
        }
    )
    out = out.reset_index()
    out["description"] = [_describe_group(r, base) for _, r in out.iterrows()]
    return out


_FILE_FIELDS = [
    ("customer_id", "会员编号", "basic 基本信息", "member table", "the key"),
    ("name", "姓名", "basic 基本信息", "member table", "service, greeting"),
    ("gender", "性别", "basic 基本信息", "member table", "profile"),
    ("age", "年龄", "basic 基本信息", "reference year − birth_year", "life stage"),
    ("city_zh", "城市", "basic 基本信息", "member table", "regional plans"),
    ("region", "区域", "basic 基本信息", "member table", "regional plans"),
    ("join_date", "入会日期", "basic 基本信息", "member table", "tenure"),
    ("first_purchase", "首次购买", "behaviour 行为", "earliest receipt", "lifecycle"),
    ("last_purchase", "最近购买", "behaviour 行为", "latest receipt", "recency, churn risk"),
    ("recency_days", "距最近购买天数", "behaviour 行为", "as_of − last purchase", "R of RFM"),
    ("frequency", "购买次数", "behaviour 行为", "number of receipts", "F of RFM"),
    ("monetary", "消费金额", "value 价值", "sum of receipts", "M of RFM"),
    ("avg_basket", "客单价", "value 价值", "monetary ÷ frequency", "up-selling potential"),
    ("value_decile", "价值十分位", "value 价值", "sales decile (1 = top 10 %)", "priority"),
    ("top_category", "偏好品类", "preference 偏好", "category with the largest spend",
     "offers, cross-selling"),
    ("n_categories", "购买品类数", "preference 偏好", "distinct categories bought",
     "breadth, cross-selling"),
    ("stage", "生命周期阶段", "lifecycle 生命周期", "crm.kpi.lifecycle_stage",
     "which strategy applies"),
    ("customer_class", "客户类别", "class 分类", "value quintile (1 = top 20 %)",
     "service level, contact cadence"),
]  # fmt: skip


def customer_file_design() -> pd.DataFrame:
    """The customer file (客户档案) design as data: ``field``, ``name_zh``, ``group`` (basic,
    behaviour, value, preference, lifecycle, class), ``derivation``, ``purpose``.
    :func:`customer_file` builds a file with these fields.

    >>> customer_file_design()["group"].str.split().str[0].unique().tolist()
    ['basic', 'behaviour', 'value', 'preference', 'lifecycle', 'class']
    """
    return pd.DataFrame(
        _FILE_FIELDS, columns=["field", "name_zh", "group", "derivation", "purpose"]
    )


def customer_file(
    tx: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    as_of: object = None,
    category: str = "category",
    n_classes: int = 5,
) -> pd.DataFrame:
    """The customer file (客户档案): one row per buyer (per member with ``customers``) with
    the fields of :func:`customer_file_design` that the data allow.

    Members without a purchase get frequency 0, monetary 0 and stage ``prospect``; the
    lifecycle stage is :func:`crm_helpers.kpi.lifecycle_stage` at ``as_of`` (default:
    midnight after the last day of ``tx``); ``customer_class`` is the value group of
    :func:`value_groups` with ``n_classes`` groups.

    >>> tx = pd.DataFrame({"customer_id": [1, 2], "receipt_id": [1, 2],
    ...     "timestamp": pd.to_datetime(["2023-01-01", "2024-03-01"]), "amount": [3.0, 1.0]})
    >>> customer_file(tx, n_classes=2)[["customer_id", "monetary", "stage", "customer_class"]]
       customer_id  monetary stage  customer_class
    0            1       3.0  lost               1
    1            2       1.0   new               2
    """
    require_columns(tx, _TX, "transactions")
    moment = (
        pd.Timestamp(as_of)
        if as_of is not None
        else tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    )
    summary = segment.customer_summary(tx, moment)
    decile = value_groups(tx, 10)
    summary["value_decile"] = summary["customer_id"].map(decile).astype("int64")
    summary["customer_class"] = summary["customer_id"].map(value_groups(tx, n_classes))
    if category in tx.columns:
        spend = tx.groupby(["customer_id", category], observed=True)["amount"].sum().reset_index()
        top = spend.sort_values(["customer_id", "amount"], ascending=[True, False])
        top = top.drop_duplicates("customer_id").set_index("customer_id")[category]
        summary["top_category"] = summary["customer_id"].map(top).astype("str")
        summary["n_categories"] = summary["customer_id"].map(
            tx.groupby("customer_id", observed=True)[category].nunique()
        )
    stages = kpi.lifecycle_stage(tx, moment, customers=customers)[["customer_id", "stage"]]
    out = summary.merge(stages, on="customer_id", how="outer")
    if customers is not None:
        require_columns(customers, ["customer_id"], "customers")
        basic = customers.copy()
        if "birth_year" in basic.columns:
            basic["age"] = moment.year - basic["birth_year"]
        keep = [f for f in customer_file_design()["field"] if f in basic.columns]
        out = basic[keep].merge(out, on="customer_id", how="left")
        out["frequency"] = out["frequency"].fillna(0).astype("int64")
        out["monetary"] = out["monetary"].fillna(0.0)
    fields = [f for f in customer_file_design()["field"] if f in out.columns]
    return out[fields].sort_values("customer_id").reset_index(drop=True)


# --------------------------------------------------------------------------- strategy

STRATEGY_DIRECTIONS = pd.DataFrame(
    [
        ("acquisition", "客户获取", "win new customers and first purchases",
         "prospects (members without a purchase), look-alikes of the best customers",
         "welcome coupon, first-purchase gift, referral reward", "new buyers, cost per acquisition"),
        ("retention", "客户保持", "keep valuable customers buying",
         "valuable customers whose recency is growing (at risk, can't lose, about to sleep)",
         "personal reminder, points bonus, service call", "repeat rate, churn rate"),
        ("development", "客户提升", "grow each customer's value: cross-selling and up-selling",
         "active customers who buy in few categories", "recommend a new category, bundle, upgrade",
         "categories per customer, basket value"),
        ("win_back", "客户挽回", "bring lapsed customers back",
         "lapsed or lost customers who used to be valuable",
         "win-back offer, ask why they left, fix the cause", "reactivation rate"),
        ("loyalty", "客户忠诚", "turn the best customers into loyal advocates",
         "champions and loyal customers", "VIP tier, exclusive events, referral programme",
         "share of wallet, referrals, retention of the top decile"),
    ],
    columns=["direction", "name_zh", "goal", "target", "actions", "measure"],
)  # fmt: skip
"""The five strategy directions (五大策略方向) of a CRM plan as a table."""

_DIRECTIONS = tuple(STRATEGY_DIRECTIONS["direction"])

_DEFAULT_RESPONSE = {
    "acquisition": 0.05,
    "retention": 0.15,
    "development": 0.10,
    "win_back": 0.05,
    "loyalty": 0.30,
}


@dataclass
class StrategyPlan:
    """One strategy direction applied to the data: whom, what, and the expected effect."""

    direction: str
    targets: pd.DataFrame
    actions: pd.DataFrame
    expected: pd.Series
    rule: str = ""


def apply_strategy(
    direction: str,
    tx: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    as_of: object = None,
    response_rate: float | None = None,
    cost_per_contact: float = 2.0,
    margin_rate: float = 0.25,
) -> StrategyPlan:
    """Apply one of the five strategy directions in depth: the target list from RFM
    segments (:func:`crm_helpers.segment.rfm`) and lifecycle stages, the actions, and the
    expected effect.

    Target rules:

    * ``acquisition`` — members without a purchase (needs ``customers``);
    * ``retention`` — RFM segments *at risk*, *can't lose*, *about to sleep*, *need attention*;
    * ``development`` — RFM *loyal*, *potential loyalists*, *champions* who buy in at most
      two categories (all three segments when ``tx`` has no ``category``);
    * ``win_back`` — RFM *hibernating*, *lost*, *at risk*, *can't lose* with sales above the
      median (used to be valuable);
    * ``loyalty`` — RFM *champions* and *loyal*.

    The expected effect is an **assumption** made explicit: ``response_rate`` (default per
    direction: 5 %, 15 %, 10 %, 5 %, 30 %) × targets × the targets' average basket gives the
    expected sales; × ``margin_rate`` minus ``cost_per_contact`` × targets the expected profit.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3, 4, 5], "receipt_id": range(1, 8),
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01",
    ...         "2024-03-01", "2023-06-01", "2024-02-15", "2023-12-01"]),
    ...     "amount": [30.0, 30, 30, 5, 8, 20, 2]})
    >>> apply_strategy("loyalty", tx).targets[["customer_id", "rfm_segment"]]
       customer_id rfm_segment
    0            1   champions
    """
    check_choice("direction", direction, _DIRECTIONS)
    require_columns(tx, _TX, "transactions")
    rfm = segment.rfm(tx, as_of)
    seg = rfm["segment"].astype("str")
    if direction == "acquisition":
        if customers is None:
            raise DataValidationError(
                "The acquisition direction targets members without a purchase: it needs the "
                "member table (customers=...). Data without a member table have no prospects."
            )
        require_columns(customers, ["customer_id"], "customers")
        prospects = customers.loc[
            ~customers["customer_id"].isin(tx["customer_id"]), ["customer_id"]
        ]
        targets = prospects.assign(reason="member without a purchase (prospect)")
        basket = tx.groupby("receipt_id")["amount"].sum().mean()
        rule = "members in the member table who have not bought yet"
    else:
        if direction == "retention":
            chosen = seg.isin(["at risk", "can't lose", "about to sleep", "need attention"])
            rule = "RFM segment in at risk, can't lose, about to sleep, need attention"
        elif direction == "development":
            chosen = seg.isin(["loyal", "potential loyalists", "champions"])
            rule = "RFM segment in champions, loyal, potential loyalists"
            if "category" in tx.columns:
                n_cat = tx.groupby("customer_id", observed=True)["category"].nunique()
                chosen &= rfm["customer_id"].map(n_cat).le(2).to_numpy()
                rule += ", buying in at most two categories"
        elif direction == "win_back":
            chosen = seg.isin(["hibernating", "lost", "at risk", "can't lose"]) & (
                rfm["monetary"] > rfm["monetary"].median()
            )
            rule = "RFM segment in hibernating, lost, at risk, can't lose, sales above the median"
        else:
            chosen = seg.isin(["champions", "loyal"])
            rule = "RFM segment in champions, loyal"
        keep = ["customer_id", "recency_days", "frequency", "monetary", "segment"]
        targets = rfm.loc[chosen.to_numpy(), keep].rename(columns={"segment": "rfm_segment"})
        targets["rfm_segment"] = targets["rfm_segment"].astype("str")
        targets = targets.assign(
            reason=targets["rfm_segment"].map(lambda s: f"RFM segment: {s}"),
            action=targets["rfm_segment"].map(segment.RFM_ACTIONS),
        )
        basket = (targets["monetary"] / targets["frequency"]).mean() if len(targets) else 0.0
    row = STRATEGY_DIRECTIONS.set_index("direction").loc[direction]
    actions = pd.DataFrame(
        {"step": ["goal", "target", "actions", "measure"],
         "content": [row["goal"], row["target"], row["actions"], row["measure"]]}
    )  # fmt: skip
    rate = _DEFAULT_RESPONSE[direction] if response_rate is None else response_rate
    if not 0 <= rate <= 1:
        raise ValueError(f"response_rate must be between 0 and 1; got {rate}.")
    n = len(targets)
    sales = n * rate * float(basket if pd.notna(basket) else 0.0)
    expected = pd.Series(
        {
            "targets": n,
            "response_rate": rate,
            "responses": n * rate,
            "avg_basket": float(basket) if pd.notna(basket) else 0.0,
            "expected_sales": sales,
            "cost": n * cost_per_contact,
            "expected_profit": sales * margin_rate - n * cost_per_contact,
        },
        name=direction,
    )
    return StrategyPlan(direction, targets.reset_index(drop=True), actions, expected, rule)


# --------------------------------------------------------------------------- the cube

_MEASURES = ("sales", "lines", "quantity", "margin")


def _behaviour(tx: pd.DataFrame, behaviour: str) -> pd.Series:
    if behaviour == "daytype":
        weekend = tx["timestamp"].dt.day_of_week >= 5
        return pd.Series(np.where(weekend, "weekend 周末", "weekday 工作日"), index=tx.index)
    if behaviour == "promo":
        require_columns(tx, ["discount"], "transactions")
        return pd.Series(
            np.where(tx["discount"] > 0, "promotion 促销", "full price 正价"), index=tx.index
        )
    if behaviour == "daypart":
        h = tx["timestamp"].dt.hour
        part = np.select([h < 12, h < 18], ["morning 上午", "afternoon 下午"], "evening 晚上")
        return pd.Series(part, index=tx.index)
    require_columns(tx, [behaviour], "transactions")
    return tx[behaviour].astype("str")


def crm_cube(
    tx: pd.DataFrame,
    customer_classes: pd.Series,
    *,
    product: str = "category",
    behaviour: str = "channel",
) -> pd.DataFrame:
    """The CRM three-dimensional analysis framework (三维分析框架) as a cube.

    Axes: **customer structure** (客户结构: ``customer_classes``, a Series of labels
    indexed by ``customer_id``, e.g. :func:`value_groups`), **product structure** (商品结构:
    the column ``product`` of ``tx``; ``"category"`` falls back to the ABC class of
    :func:`product_classes` when missing) and **consumption-behaviour structure**
    (消费行为结构: a column such as ``"channel"``, or ``"daytype"`` weekday/weekend,
    ``"promo"`` promotion/full price, ``"daypart"`` morning/afternoon/evening).

    Returns a long DataFrame, one row per non-empty cell: ``customer``, ``product``,
    ``behaviour``, the **additive** measures ``sales``, ``lines``, ``quantity`` and
    ``margin`` (the last two when ``quantity`` / ``unit_cost`` exist) — any slice or
    roll-up of these sums to the totals — and the distinct counts ``receipts`` and
    ``customers`` of the cell (not additive: one receipt can span several categories).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-06", "2024-01-06", "2024-01-08"]),
    ...     "category": ["x", "y", "x"], "amount": [1.0, 2.0, 4.0]})
    >>> cube = crm_cube(tx, pd.Series({1: "A", 2: "B"}), behaviour="daytype")
    >>> cube[["customer", "product", "behaviour", "sales"]]
      customer product  behaviour  sales
    0        A       x  weekend 周末    1.0
    1        A       y  weekend 周末    2.0
    2        B       x  weekday 工作日    4.0
    """
    require_columns(tx, _TX, "transactions")
    if not isinstance(customer_classes, pd.Series):
        raise TypeError("customer_classes must be a Series of labels indexed by customer_id.")
    if product == "category" and "category" not in tx.columns:
        tx = tx.assign(category=tx["sku"].astype("str").map(product_classes(tx)))
    require_columns(tx, [product], "transactions")
    cust = tx["customer_id"].map(customer_classes)
    if cust.isna().any():
        missing = tx.loc[cust.isna(), "customer_id"].iloc[0]
        raise DataValidationError(
            f"customer_classes has no class for customer_id {missing!r}: give every buyer a class."
        )
    frame = pd.DataFrame(
        {
            "customer": cust.to_numpy(),
            "product": tx[product].astype("str").to_numpy(),
            "behaviour": _behaviour(tx, behaviour).to_numpy(),
            "sales": tx["amount"].to_numpy(dtype="float64"),
            "lines": 1,
            "receipt_id": tx["receipt_id"].to_numpy(),
            "customer_id": tx["customer_id"].to_numpy(),
        }
    )
    if "quantity" in tx.columns:
        frame["quantity"] = tx["quantity"].to_numpy()
        if "unit_cost" in tx.columns:
            cost = (tx["unit_cost"] * tx["quantity"]).to_numpy(dtype="float64")
            frame["margin"] = frame["sales"] - cost
    keys = ["customer", "product", "behaviour"]
    measures = [m for m in _MEASURES if m in frame.columns]
    g = frame.groupby(keys, sort=True)
    out = g[measures].sum()
    out["receipts"] = g["receipt_id"].nunique()
    out["customers"] = g["customer_id"].nunique()
    return out.reset_index()


def slice_cube(cube: pd.DataFrame, **where: object) -> pd.DataFrame:
    """A slice of the cube: the cells where each given axis equals the given value (a list
    of values selects several), e.g. ``slice_cube(cube, product="fresh")``.

    >>> cube = pd.DataFrame({"customer": [1, 1, 2], "product": ["x", "y", "x"],
    ...     "behaviour": ["a", "a", "b"], "sales": [1.0, 2.0, 4.0]})
    >>> slice_cube(cube, product="x")["sales"].sum()
    np.float64(5.0)
    """
    out = cube
    for axis, value in where.items():
        check_choice("axis", axis, ["customer", "product", "behaviour"])
        values = value if isinstance(value, (list, tuple, set)) else [value]
        out = out[out[axis].isin(values)]
    return out.reset_index(drop=True)


def roll_up(cube: pd.DataFrame, axes: str | Sequence[str] = ()) -> pd.DataFrame:
    """Sum the cube's additive measures by the given axes (``()``: the grand total).

    Distinct counts (``receipts``, ``customers``) are dropped: they do not add up.

    >>> cube = pd.DataFrame({"customer": [1, 1, 2], "product": ["x", "y", "x"],
    ...     "behaviour": ["a", "a", "b"], "sales": [1.0, 2.0, 4.0]})
    >>> roll_up(cube, "product")
      product  sales
    0       x    5.0
    1       y    2.0
    """
    axes = [axes] if isinstance(axes, str) else list(axes)
    for axis in axes:
        check_choice("axis", axis, ["customer", "product", "behaviour"])
    measures = [m for m in _MEASURES if m in cube.columns]
    if not axes:
        return cube[measures].sum().to_frame("total").T.reset_index(drop=True)
    return cube.groupby(axes, sort=True)[measures].sum().reset_index()


# --------------------------------------------------------------------------- Kotler

KOTLER_LEVELS = pd.DataFrame(
    [
        ("basic", "基本型", "sell the product; no follow-up"),
        ("reactive", "被动型", "sell, and invite the customer to call with questions or complaints"),
        ("accountable", "负责型", "call the customer after the sale to check satisfaction and ask for improvements"),
        ("proactive", "能动型", "contact the customer from time to time with improvements and new offers"),
        ("partnership", "伙伴型", "work continuously with the customer to create value together"),
    ],
    columns=["level", "name_zh", "what_the_company_does"],
)  # fmt: skip
"""Kotler's five relationship levels (关系营销的五个层次)."""

_KOTLER = {
    "many": ("basic", "reactive", "accountable"),
    "medium": ("reactive", "accountable", "proactive"),
    "few": ("accountable", "proactive", "partnership"),
}
_MARGINS = ("low", "medium", "high")


def _check_thresholds(name: str, pair: tuple[float, float]) -> None:
    if len(pair) != 2 or not 0 <= pair[0] < pair[1]:
        raise ValueError(
            f"{name} must be two increasing non-negative numbers (low, high); got {pair}."
        )


def kotler_level(
    n_customers: float,
    margin_rate: float,
    *,
    customer_thresholds: tuple[float, float] = (100, 10_000),
    margin_thresholds: tuple[float, float] = (0.15, 0.35),
) -> pd.Series:
    """Kotler's relationship level (关系水平) from the number of customers and the margin.

    The number of customers is *few* below ``customer_thresholds[0]``, *many* from
    ``customer_thresholds[1]`` on, else *medium*; the margin rate (gross margin ÷ sales) is
    *low* below ``margin_thresholds[0]``, *high* from ``margin_thresholds[1]`` on, else
    *medium* (a value on a threshold belongs to the upper class). Kotler's matrix:

    ==========  ===========  ===========  ===========
    customers   low margin   medium       high margin
    ==========  ===========  ===========  ===========
    many        basic        reactive     accountable
    medium      reactive     accountable  proactive
    few         accountable  proactive    partnership
    ==========  ===========  ===========  ===========

    The reasoning: with many customers and thin margins a relationship cost per customer
    cannot be recovered, so service stays basic; with few customers and high margins each
    relationship is worth a partnership.

    Returns a Series: ``level``, ``name_zh``, ``customers_class``, ``margin_class``,
    ``reasoning``.

    >>> kotler_level(50_000, 0.10)["level"]
    'basic'
    >>> kotler_level(40, 0.5)["level"]
    'partnership'
    """
    _check_thresholds("customer_thresholds", customer_thresholds)
    _check_thresholds("margin_thresholds", margin_thresholds)
    if n_customers < 0 or not np.isfinite(n_customers):
        raise ValueError(f"n_customers must be a non-negative number; got {n_customers}.")
    if not np.isfinite(margin_rate):
        raise ValueError(f"margin_rate must be a finite number; got {margin_rate}.")
    few, many = customer_thresholds
    low, high = margin_thresholds
    cclass = "few" if n_customers < few else ("many" if n_customers >= many else "medium")
    mclass = "low" if margin_rate < low else ("high" if margin_rate >= high else "medium")
    level = _KOTLER[cclass][_MARGINS.index(mclass)]
    zh = KOTLER_LEVELS.set_index("level").loc[level, "name_zh"]
    reasoning = (
        f"{n_customers:,.0f} customers is '{cclass}' (few < {few:,.0f} ≤ medium < {many:,.0f} ≤ "
        f"many) and a margin rate of {margin_rate:.1%} is '{mclass}' (low < {low:.0%} ≤ medium "
        f"< {high:.0%} ≤ high). Kotler's matrix gives '{level}' ({zh}): "
        + {
            "basic": "the margin per customer cannot pay for personal follow-up of so many customers.",
            "reactive": "customers are invited to reach the company; the company does not reach out to each.",
            "accountable": "a follow-up after the sale is affordable and pays back in satisfaction.",
            "proactive": "regular contact with new offers is worth its cost at this margin and scale.",
            "partnership": "few customers with high margins: each relationship deserves joint work.",
        }[level]
    )  # fmt: skip
    return pd.Series(
        {"level": level, "name_zh": zh, "customers_class": cclass, "margin_class": mclass,
         "reasoning": reasoning}
    )  # fmt: skip


def kotler_matrix() -> pd.DataFrame:
    """Kotler's matrix as a table (rows: many, medium, few customers; columns: margin).

    >>> kotler_matrix().loc["few", "high"]
    'partnership'
    """
    return pd.DataFrame(_KOTLER, index=list(_MARGINS)).T.rename_axis(
        index="customers", columns="margin"
    )


# --------------------------------------------------------------------------- the CRM process


def campaign_features(
    tx: pd.DataFrame, as_of: object = None, *, category: str = "category"
) -> pd.DataFrame:
    """Behaviour features of each buyer for targeting (indexed by ``customer_id``).

    ``recency_days``, ``frequency``, ``monetary``, ``avg_basket``, ``tenure_days`` (first
    purchase to ``as_of``), ``recent_receipts`` (receipts in the last 90 days),
    ``promo_share`` (share of lines bought with a discount; 0 without a ``discount``
    column), ``n_categories`` (when ``category`` is present) and ``rfm_score`` (R+F+M
    scores of :func:`crm_helpers.segment.rfm`, 3 … 15).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
    ...     "amount": [5.0, 5.0, 2.0], "discount": [0.0, 0.2, 0.0]})
    >>> campaign_features(tx)[["frequency", "promo_share"]]
                 frequency  promo_share
    customer_id
    1                    2          0.5
    2                    1          0.0
    """
    require_columns(tx, _TX, "transactions")
    rfm = segment.rfm(tx, as_of).set_index("customer_id")
    moment = (
        pd.Timestamp(as_of)
        if as_of is not None
        else tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    )
    out = rfm[["recency_days", "frequency", "monetary", "avg_basket"]].copy()
    out["tenure_days"] = (moment - rfm["first_purchase"]).dt.days
    out["visits_per_week"] = out["frequency"] / np.maximum(out["tenure_days"] / 7, 1.0)
    recent = tx[tx["timestamp"] >= moment - pd.Timedelta(days=90)]
    out["recent_receipts"] = (
        recent.groupby("customer_id")["receipt_id"].nunique().reindex(out.index, fill_value=0)
    )
    if "discount" in tx.columns:
        share = (tx["discount"] > 0).groupby(tx["customer_id"]).mean()
        out["promo_share"] = share.reindex(out.index).fillna(0.0)
    else:
        out["promo_share"] = 0.0
    if category in tx.columns:
        out["n_categories"] = tx.groupby("customer_id", observed=True)[category].nunique()
    out["rfm_score"] = rfm["r_score"] + rfm["f_score"] + rfm["m_score"]
    return out


def response_probability(
    truth_customers: pd.DataFrame,
    truth_segments: pd.DataFrame,
    *,
    weeks: float = 8.0,
    base: float = 0.02,
) -> pd.Series:
    """The simulated truth of a campaign: each customer's probability to respond.

    The response model, stated plainly: a customer responds to an offer valid for
    ``weeks`` weeks (a discount coupon) only if they are still a customer at the end of the data
    (``alive_at_end``), would shop in the window (probability
    ``1 − exp(−rate_per_week × weeks)``, the Poisson chance of at least one visit), and
    takes the offer (probability ``base + promo_share`` of their latent segment: bargain
    hunters take offers far more often). So

    ``p = alive × (1 − exp(−rate × weeks)) × min(1, base + promo_share)``.

    Deterministic; indexed by ``customer_id``. Prospects (never bought) are included.

    >>> c = pd.DataFrame({"customer_id": [1, 2], "segment": ["a", "a"],
    ...     "alive_at_end": [True, False], "rate_per_week": [1.0, 1.0]})
    >>> s = pd.DataFrame({"segment": ["a"], "promo_share": [0.4]})
    >>> response_probability(c, s, weeks=1e9, base=0.1).round(3).tolist()
    [0.5, 0.0]
    """
    require_columns(truth_customers, ["customer_id", "segment", "alive_at_end", "rate_per_week"],
                    "truth customers")  # fmt: skip
    require_columns(truth_segments, ["segment", "promo_share"], "truth segments")
    if weeks <= 0:
        raise ValueError(f"weeks must be positive; got {weeks}.")
    taste = (
        truth_customers["segment"]
        .astype("str")
        .map(truth_segments.set_index(truth_segments["segment"].astype("str"))["promo_share"])
    )
    visit = 1 - np.exp(-truth_customers["rate_per_week"].to_numpy(dtype="float64") * weeks)
    p = (
        truth_customers["alive_at_end"].to_numpy(dtype="float64")
        * visit
        * np.minimum(1.0, base + taste.to_numpy(dtype="float64"))
    )
    return pd.Series(p, index=truth_customers["customer_id"].to_numpy(), name="p_response")


@dataclass
class CampaignRound:
    """One round of the CRM process: who was contacted, why, and what came back."""

    name: str
    rule: str
    targets: pd.DataFrame  # customer_id, score, p_true, responded
    summary: pd.Series
    model: object = None
    learned: pd.DataFrame = field(default_factory=pd.DataFrame)


#: The behaviour features round 2's model learns from: few, so that ~20 responses suffice.
_MODEL_FEATURES = ("rfm_score", "promo_share", "recent_receipts")


def _summary(
    targets: pd.DataFrame, features: pd.DataFrame, cost: float, margin: float
) -> pd.Series:
    n = len(targets)
    exp_r = float(targets["p_true"].sum())
    real_r = int(targets["responded"].sum())
    value = features.loc[targets["customer_id"], "monetary"]
    return pd.Series(
        {
            "contacts": n,
            "cost": n * cost,
            "expected_responses": exp_r,
            "expected_response_rate": exp_r / n if n else 0.0,
            "responses": real_r,
            "response_rate": real_r / n if n else 0.0,
            "expected_margin": exp_r * margin,
            "expected_profit": exp_r * margin - n * cost,
            "expected_roi": (exp_r * margin - n * cost) / (n * cost) if n else 0.0,
            "cost_per_response": n * cost / exp_r if exp_r else np.inf,
            "target_sales_per_customer": float(value.mean()) if n else 0.0,
        }
    )


def run_round(
    features: pd.DataFrame,
    p_true: pd.Series,
    *,
    budget: int,
    round_no: int = 1,
    previous: CampaignRound | None = None,
    explore_share: float = 0.3,
    cost_per_contact: float = 2.0,
    margin_per_response: float = 30.0,
    seed: int = 0,
    model_features: Sequence[str] = _MODEL_FEATURES,
    C: float = 1.0,
) -> CampaignRound:
    """Run one round of the CRM process (知识发现 → 目标与营销计划 → 客户互动 → 分析与改进).

    * **Round 1** (``previous=None``): knowledge discovery is the RFM score; the plan
      contacts the ``budget`` customers with the highest ``rfm_score`` (ties: most recent
      ``recency_days``, then ``customer_id``), except that ``explore_share`` of the budget goes
      to a random sample of the others — a test cell (测试组) from which the next round can
      learn what the rule misses.
    * **Round 2** (``previous`` given): a scikit-learn logistic regression (on
      standardised, log-transformed ``model_features``, by default the RFM score, the
      share of lines bought on promotion and the receipts of the last 90 days) is fitted
      on the previous round's contacts and their responses, scores every customer, and
      the ``budget`` best-scored are contacted. Few features on purpose: a round of a few
      hundred contacts brings a few dozen responses, too few to fit many coefficients.

    Customer interaction is simulated: each contacted customer responds with their true
    probability ``p_true`` (:func:`response_probability`), drawn with
    ``numpy.random.default_rng(seed + round_no)``, so a round is deterministic for a seed.
    The summary reports both realised responses and **expected** (truth-based) ones;
    compare rounds on the expected ones, which carry no draw noise.

    >>> f = pd.DataFrame({"recency_days": [1, 50, 300, 5], "frequency": [9, 3, 1, 6],
    ...     "monetary": [90.0, 30, 5, 60], "avg_basket": [10.0] * 4, "tenure_days": [400] * 4,
    ...     "recent_receipts": [3, 0, 0, 2], "promo_share": [0.1, 0.5, 0.0, 0.2],
    ...     "rfm_score": [15, 9, 3, 12]}, index=[1, 2, 3, 4])
    >>> r1 = run_round(f, pd.Series([0.2, 0.5, 0.0, 0.1], index=[1, 2, 3, 4]), budget=2, explore_share=0)
    >>> r1.targets["customer_id"].tolist()
    [1, 4]
    """
    if not 0 < budget <= len(features):
        raise ValueError(
            f"budget must be between 1 and the number of customers ({len(features)}); got {budget}."
        )
    if not 0 <= explore_share < 1:
        raise ValueError(f"explore_share must be in [0, 1); got {explore_share}.")
    require_columns(features, ["rfm_score", *model_features], "features")
    rng = np.random.default_rng(seed + round_no)
    p = p_true.reindex(features.index)
    if p.isna().any():
        raise DataValidationError(
            f"p_true has no probability for customer_id {p.index[p.isna()][0]!r}."
        )
    model = None
    learned = pd.DataFrame()
    if previous is None:
        order = features.assign(_id=features.index).sort_values(
            ["rfm_score", "recency_days", "_id"], ascending=[False, True, True]
        )
        n_explore = int(round(explore_share * budget))
        chosen = list(order.index[: budget - n_explore])
        rest = order.index[budget - n_explore :]
        chosen += list(rng.choice(rest, size=n_explore, replace=False)) if n_explore else []
        score = features["rfm_score"].astype("float64")
        rule = (
            f"top {budget - n_explore} by RFM score (R+F+M) plus a random test cell of {n_explore}"
        )
    else:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer, StandardScaler

        hist = previous.targets
        y = hist["responded"].to_numpy()
        if y.min() == y.max():
            raise DataValidationError(
                "The previous round's responses are all the same: there is nothing to learn; "
                "raise the budget or the explore share."
            )
        cols = list(model_features)
        model = make_pipeline(
            FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression(C=C)
        )
        model.fit(features.loc[hist["customer_id"], cols].clip(lower=0), y)
        score = pd.Series(
            model.predict_proba(features[cols].clip(lower=0))[:, 1], index=features.index
        )
        coef = model[-1].coef_[0]
        learned = pd.DataFrame({"feature": cols, "coefficient": coef}).sort_values(
            "coefficient", key=np.abs, ascending=False, ignore_index=True
        )
        order = pd.DataFrame({"score": score, "_id": features.index}).sort_values(
            ["score", "_id"], ascending=[False, True]
        )
        chosen = list(order.index[:budget])
        rule = f"top {budget} by a logistic regression fitted on round {round_no - 1}'s responses"
    targets = pd.DataFrame(
        {
            "customer_id": chosen,
            "score": score.loc[chosen].to_numpy(),
            "p_true": p.loc[chosen].to_numpy(),
        }
    )
    targets["responded"] = rng.random(len(targets)) < targets["p_true"].to_numpy()
    summary = _summary(targets, features, cost_per_contact, margin_per_response)
    return CampaignRound(f"round {round_no}", rule, targets, summary, model, learned)


def random_round(
    features: pd.DataFrame,
    p_true: pd.Series,
    *,
    budget: int,
    cost_per_contact: float = 2.0,
    margin_per_response: float = 30.0,
    seed: int = 0,
) -> CampaignRound:
    """The baseline without customer knowledge: ``budget`` customers drawn at random
    (``numpy.random.default_rng(seed)``), responses simulated as in :func:`run_round`.

    >>> f = pd.DataFrame({"monetary": [1.0, 2, 3]}, index=[1, 2, 3])
    >>> r = random_round(f, pd.Series([0.0, 0.0, 0.0], index=[1, 2, 3]), budget=2)
    >>> int(r.summary["contacts"]), float(r.summary["expected_responses"])
    (2, 0.0)
    """
    if not 0 < budget <= len(features):
        raise ValueError(
            f"budget must be between 1 and the number of customers ({len(features)}); got {budget}."
        )
    rng = np.random.default_rng(seed)
    chosen = rng.choice(features.index.to_numpy(), size=budget, replace=False)
    p = p_true.reindex(chosen).to_numpy(dtype="float64")
    targets = pd.DataFrame({"customer_id": chosen, "score": 0.0, "p_true": p})
    targets["responded"] = rng.random(budget) < p
    summary = _summary(targets, features, cost_per_contact, margin_per_response)
    return CampaignRound("random", f"{budget} customers drawn at random", targets, summary)


def evaluate_rounds(
    rounds: Sequence[CampaignRound], baseline: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Evaluation and feedback (评估与反馈): the rounds side by side (one column per round),
    optionally with a baseline column (e.g. random targeting), and the change from the first
    to the last round in ``change``.

    Rows: contacts, cost, expected responses and response rate, realised responses and
    rate, expected margin, profit and ROI, cost per response, and the targeted customers'
    past sales per customer (customer value).

    >>> s1 = pd.Series({"contacts": 10, "expected_profit": 5.0})
    >>> s2 = pd.Series({"contacts": 10, "expected_profit": 8.0})
    >>> r = [CampaignRound("round 1", "", pd.DataFrame(), s1), CampaignRound("round 2", "", pd.DataFrame(), s2)]
    >>> evaluate_rounds(r)["change"].tolist()
    [0.0, 3.0]
    """
    if not rounds:
        raise ValueError("rounds must hold at least one CampaignRound.")
    table = pd.DataFrame({r.name: r.summary for r in rounds})
    if baseline is not None:
        table.insert(0, "baseline", pd.Series(baseline))
    table["change"] = table[rounds[-1].name] - table[rounds[0].name]
    return table
