"""Customer classes and the customer file (客户分类与客户档案): value groups at 1, 5, 10 groups,
class profiles in words, the file's design and the file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_helpers import _catalogue as cat
from crm_helpers import kpi, segment
from crm_helpers.plan._common import _TX
from crm_helpers.schema import require_columns
from crm_helpers.timeframe import analysis_date

__all__ = ["value_groups", "class_profiles", "customer_file_design", "customer_file"]


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


def customer_file_design() -> pd.DataFrame:
    """The customer file (客户档案) design as data: ``field``, ``name_zh``, ``group`` (basic,
    behaviour, value, preference, lifecycle, class), ``derivation``, ``purpose``, and in
    Chinese ``group_zh`` and ``purpose_zh``.
    :func:`customer_file` builds a file with these fields.

    >>> customer_file_design()["group"].str.split().str[0].unique().tolist()
    ['basic', 'behaviour', 'value', 'preference', 'lifecycle', 'class']
    """
    columns = ["field", "name_zh", "group", "derivation", "purpose", "purpose_zh"]
    out = pd.DataFrame(cat.CUSTOMER_FILE_FIELDS, columns=columns)
    out.insert(5, "group_zh", out["group"].str.split().str[-1])
    return out


def _add_preferences(summary: pd.DataFrame, tx: pd.DataFrame, category: str) -> None:
    """Add each customer's top category (by spend) and number of categories, in place."""
    spend = tx.groupby(["customer_id", category], observed=True)["amount"].sum().reset_index()
    top = spend.sort_values(["customer_id", "amount"], ascending=[True, False])
    top = top.drop_duplicates("customer_id").set_index("customer_id")[category]
    summary["top_category"] = summary["customer_id"].map(top).astype("str")
    summary["n_categories"] = summary["customer_id"].map(
        tx.groupby("customer_id", observed=True)[category].nunique()
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
    moment = analysis_date(tx, as_of)
    summary = segment.customer_summary(tx, moment)
    decile = value_groups(tx, 10)
    summary["value_decile"] = summary["customer_id"].map(decile).astype("int64")
    summary["customer_class"] = summary["customer_id"].map(value_groups(tx, n_classes))
    if category in tx.columns:
        _add_preferences(summary, tx, category)
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
