"""The customer differentiation matrix (客户差异矩阵, seed 001; Peppers & Rogers).

The matrix places a **customer base** — the whole base, or each group of it (a store, a
segment, a region) — on two axes: how much its customers **differ in value** (客户价值差异)
and how much they **differ in needs** (客户需求差异). Both are measured as *spread* within
the group, never by splitting customers at a median (which puts every customer in some
quadrant even when nobody differs):

* value difference: the **coefficient of variation** of customer value (sd ÷ mean of each
  customer's sales or profit; 0 = everyone worth the same);
* needs difference: the **diversity of category needs**, the mean distance of each
  customer's category mix from the group's average mix (total variation distance,
  ½ Σ |share − average share|; 0 = everyone buys the same mix, 1 = nothing in common).

A group is in a quadrant by fixed thresholds (parameters): 一对一 one-to-one (both large),
构建客户忠诚 loyalty building (value large, needs small), 利基 niche (needs large, value
small), 大众 mass (both small). :func:`quadrant_counts` lists all four, empty ones included.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers import _catalogue as cat
from crm_helpers.schema import DataValidationError, require_columns

from ._base import _narrow, _positive

__all__ = [
    "QUADRANT_STRATEGIES",
    "category_mix",
    "customer_differences",
    "differentiation_matrix",
    "quadrant_counts",
]

#: Strategies of the customer differentiation matrix (客户差异矩阵), seed 001.
QUADRANT_STRATEGIES: dict[str, str] = dict(cat.DIFFERENTIATION_QUADRANTS)


def category_mix(
    tx: pd.DataFrame, category: str = "category", *, allow_returns: bool = False
) -> pd.DataFrame:
    """Each customer's share of spend per category (rows: ``customer_id``; rows sum to 1).

    ``tx`` needs a ``category`` column (join the products table first, e.g.
    ``tx.merge(products[["sku", "category"]], on="sku")``).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [3.0, 1.0, 2.0],
    ...     "category": ["fresh", "baby", "fresh"]})
    >>> category_mix(tx)
    category     baby  fresh
    customer_id
    1            0.25   0.75
    2            0.00   1.00
    """
    narrow = _narrow(tx, (category,), allow_returns=allow_returns)
    spend = narrow.pivot_table(
        index="customer_id",
        columns=category,
        values="amount",
        aggfunc="sum",
        fill_value=0.0,
        observed=True,
    )
    spend = spend.clip(lower=0)
    total = spend.sum(axis=1)
    mix = spend.div(total.where(total > 0), axis=0).fillna(0.0)
    mix.columns = pd.Index([str(c) for c in mix.columns], name=category)
    return mix


def customer_differences(
    tx: pd.DataFrame,
    category: str = "category",
    *,
    min_receipts: int = 1,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Each customer's value and category needs: ``customer_id``, ``receipts``, ``sales``,
    ``value_index`` (sales ÷ the mean customer's sales) and ``needs_distance`` (total
    variation distance of the customer's category mix from the average mix of the
    customers kept). Customers with fewer than ``min_receipts`` receipts are left out: a
    customer seen once looks "different" only because one receipt cannot cover the
    categories.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [30.0, 10, 20],
    ...     "category": ["wine", "food", "food"]})
    >>> customer_differences(tx)[["customer_id", "value_index", "needs_distance"]].round(3)
       customer_id  value_index  needs_distance
    0            1          1.5           0.667
    1            2          0.5           0.333
    2            3          1.0           0.333
    """
    out = _differences(tx, category, min_receipts, allow_returns)
    if out.empty:
        raise DataValidationError(
            f"No customer has {min_receipts} or more receipts: lower min_receipts."
        )
    return out


def _differences(
    tx: pd.DataFrame, category: str, min_receipts: int, allow_returns: bool
) -> pd.DataFrame:
    """:func:`customer_differences` without the error: empty when nobody qualifies."""
    if isinstance(min_receipts, bool) or not isinstance(min_receipts, int) or min_receipts < 1:
        raise ValueError(f"min_receipts must be a whole number ≥ 1; got {min_receipts!r}.")
    mix = category_mix(tx, category, allow_returns=allow_returns)
    narrow = _narrow(tx, allow_returns=allow_returns)
    per = narrow.groupby("customer_id").agg(
        receipts=("receipt_id", "nunique"), sales=("amount", "sum")
    )
    per = per.reindex(mix.index)
    keep = (per["receipts"] >= min_receipts).to_numpy()
    mix, per = mix[keep], per[keep]
    distance = 0.5 * (mix - mix.mean(axis=0)).abs().sum(axis=1)
    out = per.reset_index()
    out["value_index"] = out["sales"] / out["sales"].mean()
    out["needs_distance"] = distance.to_numpy()
    return out


def _group_row(keys: list[str], key: object, diff: pd.DataFrame) -> dict[str, object]:
    """One group's row: its key values, customers, value spread and needs diversity."""
    key = key if isinstance(key, tuple) else (key,)
    sales = diff["sales"].to_numpy(dtype=float)
    return {
        **dict(zip(keys, key, strict=True)),
        "customers": len(diff),
        "value_cv": float(sales.std() / sales.mean()) if sales.mean() else np.nan,
        "needs_diversity": float(diff["needs_distance"].mean()),
    }


def _empty_matrix(
    keys: list[str], value_threshold: float, needs_threshold: float, note: str
) -> pd.DataFrame:
    """The matrix with no group, its columns typed and ``attrs["note"]`` saying why."""
    empty = pd.DataFrame(columns=[*keys, "customers", "value_cv", "needs_diversity"])
    empty["quadrant"] = pd.Categorical([], categories=list(QUADRANT_STRATEGIES))
    empty["strategy"] = pd.Series(dtype=str)
    empty.attrs.update(value_threshold=value_threshold, needs_threshold=needs_threshold, note=note)
    return empty


def _quadrants(out: pd.DataFrame, value_threshold: float, needs_threshold: float) -> pd.DataFrame:
    """Add each group's quadrant and strategy."""
    large_v = (out["value_cv"] >= value_threshold).to_numpy()
    large_n = (out["needs_diversity"] >= needs_threshold).to_numpy()
    quadrant = np.select(
        [large_v & large_n, large_v, large_n], ["one-to-one", "loyalty building", "niche"], "mass"
    )
    out["quadrant"] = pd.Categorical(quadrant, categories=list(QUADRANT_STRATEGIES), ordered=True)
    out["strategy"] = out["quadrant"].map(QUADRANT_STRATEGIES).astype(str)
    out.attrs.update(value_threshold=value_threshold, needs_threshold=needs_threshold)
    return out


def differentiation_matrix(
    tx: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    category: str = "category",
    *,
    value_threshold: float = 1.0,
    needs_threshold: float = 0.5,
    min_receipts: int = 1,
    min_customers: int = 10,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """The differentiation matrix of a customer base or of each group in it.

    Per group (``by`` columns of ``tx``, e.g. ``"store_id"``; ``None``: the whole base):
    ``customers``, ``value_cv`` (coefficient of variation of customer sales, sd ÷ mean,
    population sd), ``needs_diversity`` (mean ``needs_distance`` from the group's own
    average mix), ``quadrant`` and ``strategy``. A group has **large value differences** if
    ``value_cv >= value_threshold`` (default 1: the spread is as large as the mean) and
    **large needs differences** if ``needs_diversity >= needs_threshold`` (default 0.5:
    half of a typical customer's spend would have to move to match the group's mix).
    Groups with fewer than ``min_customers`` customers are dropped (their spread says
    little); if none is left the table is empty and ``attrs["note"]`` says why. ``by`` columns must be constant per customer within a group's rows.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "amount": [100.0, 1, 1, 1],
    ...     "category": ["wine", "wine", "wine", "wine"]})
    >>> m = differentiation_matrix(tx, min_customers=2)
    >>> m[["customers", "value_cv", "needs_diversity", "quadrant"]].round(3)
       customers  value_cv  needs_diversity          quadrant
    0          4     1.665              0.0  loyalty building
    """
    _positive("value_threshold", value_threshold, allow_zero=True)
    _positive("needs_threshold", needs_threshold, allow_zero=True)
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    require_columns(tx, [*keys, category], "transactions")
    groups = [((), tx)] if not keys else list(tx.groupby(keys, observed=True, sort=True))
    rows = []
    for key, part in groups:
        diff = _differences(part, category, min_receipts, allow_returns)
        if len(diff) < min_customers:
            continue
        rows.append(_group_row(keys, key, diff))
    if not rows:
        note = (
            f"no group has {min_customers} or more customers with {min_receipts}+ "
            "receipts: lower min_customers or min_receipts, or group more coarsely"
        )
        return _empty_matrix(keys, value_threshold, needs_threshold, note)
    return _quadrants(pd.DataFrame(rows), value_threshold, needs_threshold)


def quadrant_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """All four quadrants with the number of groups in each, their names, and a ``note``
    that says when a quadrant is empty.

    >>> m = pd.DataFrame({"quadrant": pd.Categorical(["mass", "mass"],
    ...     categories=list(QUADRANT_STRATEGIES))})
    >>> q = quadrant_counts(m)
    >>> q["groups"].tolist()
    [0, 0, 0, 2]
    >>> q["note"].iloc[0]
    'empty: no group has large value and large needs differences'
    """
    require_columns(matrix, ["quadrant"], "differentiation matrix")
    counts = matrix["quadrant"].astype(str).value_counts()
    words = {
        "one-to-one": ("large", "large"),
        "loyalty building": ("large", "small"),
        "niche": ("small", "large"),
        "mass": ("small", "small"),
    }
    rows = []
    for q, strategy in QUADRANT_STRATEGIES.items():
        n = int(counts.get(q, 0))
        v, d = words[q]
        note = "" if n else f"empty: no group has {v} value and {d} needs differences"
        rows.append({"quadrant": q, "groups": n, "strategy": strategy, "note": note})
    return pd.DataFrame(rows)
