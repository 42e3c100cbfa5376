"""The customer differentiation matrix (客户差异矩阵)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import (
    _narrow,
    _positive,
)

#: Strategies of the customer differentiation matrix (客户差异矩阵).
QUADRANT_STRATEGIES: dict[str, str] = {
    "one-to-one": "一对一营销: high value and distinct needs: tailor offer and service to each",
    "loyalty building": "忠诚计划: high value, common needs: reward and keep them",
    "niche": "利基营销: low value, distinct needs: specialised offers at low cost",
    "mass": "大众营销: low value, common needs: standard offers through cheap channels",
}


# --------------------------------------------------------------------------- differentiation


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


def differentiation_matrix(
    tx: pd.DataFrame,
    category: str = "category",
    *,
    value_threshold: float | None = None,
    needs_threshold: float | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """The customer differentiation matrix (客户差异矩阵): value × needs difference.

    * **Value difference** (价值差异): ``value_index`` = the customer's sales ÷ the median
      customer's sales (1 = a typical customer).
    * **Needs difference** (需求差异): ``needs_distance`` = how far the customer's category
      mix is from the average customer's mix, as the total variation distance
      ``½ Σ |share − average share|`` (0 = the same mix, 1 = nothing in common).

    A customer is *high value* if ``value_index >= value_threshold`` and has *distinct
    needs* if ``needs_distance >= needs_threshold`` (default thresholds: the medians).
    Quadrants: one-to-one (high, distinct), loyalty building (high, common), niche (low,
    distinct), mass (low, common); strategies in :data:`QUADRANT_STRATEGIES`.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "amount": [100.0, 90, 10, 12],
    ...     "category": ["wine", "food", "wine", "food"]})
    >>> differentiation_matrix(tx, value_threshold=2, needs_threshold=0.5)[
    ...     ["customer_id", "value_index", "needs_distance", "quadrant"]]
       customer_id  value_index  needs_distance          quadrant
    0            1     1.960784             0.5              niche
    1            2     1.764706             0.5              niche
    2            3     0.196078             0.5              niche
    3            4     0.235294             0.5              niche
    """
    _positive("value_threshold", value_threshold, allow_zero=True)
    _positive("needs_threshold", needs_threshold, allow_zero=True)
    mix = category_mix(tx, category, allow_returns=allow_returns)
    sales = _narrow(tx, allow_returns=allow_returns).groupby("customer_id")["amount"].sum()
    sales = sales.reindex(mix.index)
    average = mix.mean(axis=0)
    distance = 0.5 * (mix - average).abs().sum(axis=1)
    value_index = sales / sales.median()
    v_t = float(value_index.median()) if value_threshold is None else value_threshold
    n_t = float(distance.median()) if needs_threshold is None else needs_threshold
    high = (value_index >= v_t).to_numpy()
    distinct = (distance >= n_t - 1e-12).to_numpy()
    quadrant = np.select(
        [high & distinct, high, distinct], ["one-to-one", "loyalty building", "niche"], "mass"
    )
    out = pd.DataFrame(
        {
            "customer_id": mix.index.to_numpy(),
            "sales": sales.to_numpy(),
            "value_index": value_index.to_numpy(),
            "needs_distance": distance.to_numpy(),
        }
    )
    out["quadrant"] = pd.Categorical(quadrant, categories=list(QUADRANT_STRATEGIES), ordered=True)
    out["strategy"] = out["quadrant"].map(QUADRANT_STRATEGIES).astype(str)
    out.attrs.update(value_threshold=v_t, needs_threshold=n_t)
    return out
