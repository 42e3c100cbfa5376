"""Win-back (挽回) on gross margin: whom to contact, and how far down the list it pays.

A customer about to leave is worth winning back for the **margin** they would bring, not
their revenue: a big spender on loss leaders brings little. With ``value`` a customer's
spend over the planning period (e.g. historical sales per year), ``margin`` the gross-margin
rate, ``risk`` the churn probability and ``response_rate`` the share of would-be churners a
campaign keeps, contacting customer *i* is worth

    expected margin recovered − cost = response_rate × risk_i × value_i × margin_i − cost_i.

:func:`winback_list` ranks customers by that net value; :func:`winback_value` gives the
cumulative net value of contacting the top *n*, whose maximum says where to stop;
:func:`best_campaign` reads that maximum (0 contacts when nobody is worth the cost).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .schema import require_columns

__all__ = ["winback_list", "winback_value", "best_campaign"]


def _per_customer(x: Any, index: pd.Index, name: str) -> pd.Series:
    if isinstance(x, pd.Series):
        out = x.reindex(index)
        if out.isna().any():
            missing = index[out.isna().to_numpy()][:5].tolist()
            raise ValueError(f"{name} has no value for customers {missing} (index customer_id).")
        return out.astype("float64")
    if isinstance(x, bool) or not isinstance(x, int | float | np.number):
        raise TypeError(
            f"{name} must be a number or a Series by customer_id; got {type(x).__name__}."
        )
    return pd.Series(float(x), index=index)


def winback_list(
    value: pd.Series,
    risk: pd.Series,
    *,
    margin: float | pd.Series,
    response_rate: float,
    cost_per_contact: float | pd.Series,
    min_value: float = 0.0,
) -> pd.DataFrame:
    """Customers ranked for win-back by **expected margin recovered minus campaign cost**.

    ``value``: spend over the period if kept (revenue, by customer_id); ``risk``: churn
    probability; ``margin``: gross-margin rate (a number or a Series by customer);
    ``cost_per_contact``: a number or a Series by customer. Customers with a value below
    ``min_value`` are left out.

    >>> ranked = winback_list(pd.Series({1: 1000.0, 2: 500.0}), pd.Series({1: 0.5, 2: 0.9}),
    ...     margin=pd.Series({1: 0.1, 2: 0.4}), response_rate=0.5, cost_per_contact=10.0)
    >>> ranked[["margin_at_risk", "expected_recovered", "net_value", "rank"]]
                 margin_at_risk  expected_recovered  net_value  rank
    customer_id
    2                     180.0                90.0       80.0     1
    1                      50.0                25.0       15.0     2
    """
    if not 0 <= response_rate <= 1:
        raise ValueError(f"response_rate must be between 0 and 1; got {response_rate}.")
    if not isinstance(risk, pd.Series) or not isinstance(value, pd.Series):
        raise TypeError("value and risk must be pandas Series indexed by customer_id.")
    if not risk.dropna().between(0, 1).all():
        raise ValueError("risk must be probabilities between 0 and 1.")
    if (value < 0).any():
        raise ValueError("value must be ≥ 0 (what the customer spends if kept).")
    d = pd.DataFrame({"value": value, "risk": risk}).dropna()
    d = d[d["value"] >= min_value]
    d["margin_rate"] = _per_customer(margin, d.index, "margin")
    if not d["margin_rate"].between(-1, 1).all():
        raise ValueError("margin must be a rate between -1 and 1 (e.g. 0.3), not a percentage.")
    cost = _per_customer(cost_per_contact, d.index, "cost_per_contact")
    if (cost < 0).any():
        raise ValueError("cost_per_contact must be ≥ 0.")
    d["margin_at_risk"] = d["value"] * d["margin_rate"] * d["risk"]
    d["expected_recovered"] = response_rate * d["margin_at_risk"]
    d["cost"] = cost
    d["net_value"] = d["expected_recovered"] - d["cost"]
    d = d.sort_values("net_value", ascending=False, kind="stable")
    d["rank"] = np.arange(1, len(d) + 1)
    d.index.name = "customer_id"
    return d


def winback_value(ranked: pd.DataFrame) -> pd.DataFrame:
    """Cumulative expected margin recovered, cost and net value of contacting the top *n*
    of a :func:`winback_list` (n = 1 … N).

    >>> ranked = winback_list(pd.Series({1: 1000.0, 2: 500.0}), pd.Series({1: 0.5, 2: 0.9}),
    ...     margin=0.2, response_rate=0.5, cost_per_contact=30.0)
    >>> winback_value(ranked)
       n_contacted  expected_recovered  cost  net_value
    0            1                50.0  30.0       20.0
    1            2                95.0  60.0       35.0
    """
    require_columns(ranked, ["expected_recovered", "cost"], "win-back list")
    gain = ranked["expected_recovered"].cumsum().to_numpy()
    cost = ranked["cost"].cumsum().to_numpy()
    return pd.DataFrame(
        {
            "n_contacted": np.arange(1, len(ranked) + 1),
            "expected_recovered": gain.round(6),
            "cost": cost.round(6),
            "net_value": (gain - cost).round(6),
        }
    )


def best_campaign(curve: pd.DataFrame) -> dict[str, float]:
    """Where the win-back curve peaks: ``best_n`` contacts and their ``net_value``; 0 and 0.0
    when no customer is worth the cost.

    >>> best_campaign(pd.DataFrame({"n_contacted": [1, 2, 3], "net_value": [5.0, 8.0, 6.0]}))
    {'best_n': 2, 'net_value': 8.0}
    """
    require_columns(curve, ["n_contacted", "net_value"], "win-back curve")
    if len(curve) == 0 or curve["net_value"].max() <= 0:
        return {"best_n": 0, "net_value": 0.0}
    best = curve.loc[curve["net_value"].idxmax()]
    return {"best_n": int(best["n_contacted"]), "net_value": float(best["net_value"])}
