"""The golden record (客户视图) and the customer profile (客户画像)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..schema import require_columns
from ..timeframe import analysis_date
from .matching import Resolution
from .normalise import normalize_records

__all__ = [
    "customer_view",
    "customer_profile",
]


def _group_mode(d: pd.DataFrame, col: str) -> pd.Series:
    """The most frequent value of ``col`` per resolved_id (the smallest one at a tie)."""
    x = d.loc[d[col].notna(), ["resolved_id", col]]
    c = x.groupby(["resolved_id", col], observed=True).size().rename("_n").reset_index()
    c = c.sort_values(["resolved_id", "_n", col], ascending=[True, False, True], kind="stable")
    return c.drop_duplicates("resolved_id").set_index("resolved_id")[col]


def customer_view(records: pd.DataFrame, resolution: Resolution | pd.DataFrame) -> pd.DataFrame:
    """The one customer view (客户视图, golden record): one row per resolved customer.

    For every field the most frequent normalised value among the customer's records (a
    Chinese-character name preferred to a pinyin one), with n_records, the sources and the
    first and last record time when the records have ``source`` / ``created_at``.

    >>> from crm_helpers.identify import resolve_identities
    >>> recs = pd.DataFrame({"record_id": [1, 2], "name": ["Wang Wei", "王伟"],
    ...     "email": ["A@B.CN", "a@b.cn"], "source": ["web", "store"]})
    >>> customer_view(recs, resolve_identities(recs))[["name", "email", "sources"]].to_dict("records")
    [{'name': '王伟', 'email': 'a@b.cn', 'sources': 'store, web'}]
    """
    if isinstance(resolution, Resolution):
        mapping, norm = resolution.mapping, resolution.normalized
    else:
        mapping, norm = resolution, normalize_records(records)
    require_columns(mapping, ["record_id", "resolved_id"], "mapping")
    d = norm.merge(mapping, on="record_id", how="inner")
    han = d["name"].str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False).astype(bool)
    d["name_zh"] = d["name"].where(han)
    out = pd.DataFrame({"n_records": d.groupby("resolved_id", sort=True).size()})
    for col in ("name_zh", "name", "phone", "email", "card_number", "birth_year", "city", "gender"):
        out[col] = _group_mode(d, col).reindex(out.index)
    out["name"] = out["name_zh"].where(out["name_zh"].notna(), out["name"])
    out = out.drop(columns="name_zh")
    extra = records[["record_id"] + [c for c in ("source", "created_at") if c in records.columns]]
    if len(extra.columns) > 1:
        e = extra.merge(mapping, on="record_id").groupby("resolved_id")
        if "source" in extra.columns:
            src = extra.merge(mapping, on="record_id")[["resolved_id", "source"]].dropna()
            src = src.assign(source=src["source"].astype(str)).drop_duplicates()
            src = src.sort_values(["resolved_id", "source"])
            out["sources"] = src.groupby("resolved_id")["source"].agg(", ".join)
        if "created_at" in extra.columns:
            out["first_seen"] = e["created_at"].min()
            out["last_seen"] = e["created_at"].max()
    return out.reset_index()


# ----------------------------------------------------------------------------- profile

_CATEGORY_ZH = {c: zh for c, zh, *_ in cat.CATEGORIES}


def _behaviour(t: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """Behaviour per customer from the transactions: visits, sales, last visit, shares."""
    rec = t.groupby("receipt_id", sort=False).agg(
        customer_id=("customer_id", "first"),
        ts=("timestamp", "min"),
        value=("amount", "sum"),
        **({"channel": ("channel", "first")} if "channel" in t.columns else {}),
    )
    if "channel" in rec.columns:
        rec["online"] = rec["channel"].astype("str").ne("store")
    g = rec.groupby("customer_id")
    beh = pd.DataFrame({"n_visits": g.size(), "sales": g["value"].sum(), "last": g["ts"].max()})
    if "online" in rec.columns:
        beh["online_share"] = g["online"].mean()
    if "discount" in t.columns:
        beh["promo_share"] = (t["discount"] > 0).groupby(t["customer_id"]).mean()
    if products is not None:
        require_columns(products, ["sku", "category"], "products")
        cats = t["sku"].map(products.set_index("sku")["category"].astype("str"))
        by = t.assign(category=cats).groupby(["customer_id", "category"])["amount"].sum()
        beh["top_category"] = by.sort_values(ascending=False, kind="stable").reset_index().drop_duplicates(
            "customer_id").set_index("customer_id")["category"]  # fmt: skip
    return beh


def _demographics(cust: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Demographics and geography per member at ``as_of``, with tenure_days."""
    out = cust[["customer_id"]].copy()
    for c in ("gender", "city", "region", "income_band", "acquisition_channel"):
        if c in cust.columns:
            out[c] = cust[c].astype("str")
    if "birth_year" in cust.columns:
        out["age"] = as_of.year - cust["birth_year"].astype("int64")
    if "income_band" in cust.columns:
        bands = list(cat.INCOME_BANDS)
        out["income_level"] = cust["income_band"].astype("str").map(
            {b: i for i, b in enumerate(bands)}).astype("Int64")  # fmt: skip
    out["tenure_days"] = (as_of - cust["join_date"]).dt.days.astype("int64")
    return out


def customer_profile(
    customers: pd.DataFrame,
    tx: pd.DataFrame,
    *,
    products: pd.DataFrame | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The customer profile (客户画像): one row per member who had joined by ``as_of``.

    Demographics and geography from ``customers`` (gender, age at ``as_of``, city,
    region, income_band and income_level 0…, acquisition_channel, tenure_days) and
    behaviour from the transactions before ``as_of`` (default: the day after the last
    one): n_visits (receipts), sales, avg_basket, recency_days (missing for members
    without a purchase), visits_per_month (over the months of membership), online_share
    (share of receipts not in a store), promo_share (share of lines bought at a discount),
    sales_pct (percent rank of sales among all members, 0–1), is_buyer; and top_category
    (by sales) when ``products`` (sku, category) is given.

    >>> import crm_helpers as crm
    >>> shop = crm.simulate_retailer(200, seed=1)
    >>> prof = customer_profile(shop.customers, shop.transactions())
    >>> len(prof) == len(shop.customers) and int(prof["n_visits"].sum()) == len(shop.receipts)
    True
    """
    require_columns(customers, ["customer_id", "join_date"], "customers")
    require_columns(tx, ["customer_id", "receipt_id", "timestamp", "amount"], "transactions")
    as_of = analysis_date(tx, as_of)
    cust = customers[customers["join_date"] < as_of]
    t = tx[tx["timestamp"] < as_of]
    beh = _behaviour(t, products)

    out = _demographics(cust, as_of)
    out = out.merge(beh, left_on="customer_id", right_index=True, how="left")
    out["n_visits"] = out["n_visits"].fillna(0).astype("int64")
    out["sales"] = out["sales"].fillna(0.0)
    out["is_buyer"] = out["n_visits"] > 0
    out["avg_basket"] = (out["sales"] / out["n_visits"]).where(out["is_buyer"])
    out["recency_days"] = (as_of - out.pop("last")).dt.days.astype("Float64")
    months = np.maximum(out["tenure_days"] / (365.25 / 12), 1.0)
    out["visits_per_month"] = out["n_visits"] / months
    out["sales_pct"] = out["sales"].rank(pct=True, method="max")
    return out.reset_index(drop=True)
