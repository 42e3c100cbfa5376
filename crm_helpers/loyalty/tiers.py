"""Tiers (会员等级): the rules, a member's tier, tiers over a window and migration."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._catalogue import TIER_RULES
from ..schema import require_columns
from ..timeframe import parse_as_of
from ._common import receipt_totals

__all__ = [
    "DEFAULT_TIERS",
    "TIER_BENEFITS",
    "check_tiers",
    "tier_of",
    "assign_tiers",
    "tier_migration",
]


# ----------------------------------------------------------------------------- tiers

#: Tier rules: a member is in the highest tier whose spend AND visit thresholds they meet
#: over the rolling window (12 months by default).
DEFAULT_TIERS = pd.DataFrame(TIER_RULES)

#: Benefits per tier (会员权益), as data: points multiplier, member discount, free delivery,
#: birthday gift (yuan), dedicated service (专属服务).
TIER_BENEFITS = pd.DataFrame(
    {
        "tier": ["basic", "silver", "gold", "diamond"],
        "points_multiplier": [1.0, 1.2, 1.5, 2.0],
        "member_discount": [0.0, 0.02, 0.05, 0.08],
        "free_delivery": [False, False, True, True],
        "birthday_gift_yuan": [0, 20, 50, 100],
        "dedicated_service": [False, False, False, True],
    }
)


def check_tiers(tiers: pd.DataFrame) -> pd.DataFrame:
    """Validate tier rules: lowest tier first, thresholds rising in both spend and visits.

    >>> bad = pd.DataFrame({"tier": ["basic", "silver", "gold"],
    ...     "min_spend": [0, 2000, 1000], "min_visits": [0, 5, 10]})
    >>> check_tiers(bad)
    Traceback (most recent call last):
    ...
    ValueError: Tier thresholds overlap: 'gold' needs min_spend 1000 but the lower tier 'silver' needs 2000. Each tier must need at least as much spend and as many visits as the tier below it, and more of one of them.
    """
    require_columns(tiers, ["tier", "min_spend", "min_visits"], "tiers")
    if tiers["tier"].duplicated().any():
        raise ValueError(f"Tier names must be unique; got {tiers['tier'].tolist()}.")
    t = tiers.reset_index(drop=True)
    for col in ("min_spend", "min_visits"):
        if (pd.to_numeric(t[col], errors="coerce") < 0).any() or t[col].isna().any():
            raise ValueError(f"Column {col!r} of the tiers must be numbers ≥ 0.")
    if t.loc[0, "min_spend"] != 0 or t.loc[0, "min_visits"] != 0:
        raise ValueError(
            "The first (lowest) tier must have min_spend 0 and min_visits 0, so that every "
            f"member has a tier; '{t.loc[0, 'tier']}' has {t.loc[0, 'min_spend']} and "
            f"{t.loc[0, 'min_visits']}."
        )
    for i in range(1, len(t)):
        for col in ("min_spend", "min_visits"):
            if t.loc[i, col] < t.loc[i - 1, col]:
                raise ValueError(
                    f"Tier thresholds overlap: {t.loc[i, 'tier']!r} needs {col} "
                    f"{t.loc[i, col]:g} but the lower tier {t.loc[i - 1, 'tier']!r} needs "
                    f"{t.loc[i - 1, col]:g}. Each tier must need at least as much spend and "
                    "as many visits as the tier below it, and more of one of them."
                )
        if (
            t.loc[i, ["min_spend", "min_visits"]] == t.loc[i - 1, ["min_spend", "min_visits"]]
        ).all():
            raise ValueError(
                f"Tiers {t.loc[i - 1, 'tier']!r} and {t.loc[i, 'tier']!r} have the same "
                "thresholds; each tier must need more spend or more visits than the one below."
            )
    return t


def tier_of(spend: Any, visits: Any, tiers: pd.DataFrame | None = None) -> pd.Categorical:
    """The tier for each (spend, visits): the highest tier whose thresholds are both met (≥).

    >>> list(tier_of([1000, 1000, 999.99], [4, 3, 4]))
    ['silver', 'basic', 'basic']
    """
    t = check_tiers(DEFAULT_TIERS if tiers is None else tiers)
    s = np.asarray(spend, dtype="float64")[:, None]
    v = np.asarray(visits, dtype="float64")[:, None]
    ok = (s >= t["min_spend"].to_numpy()[None, :]) & (v >= t["min_visits"].to_numpy()[None, :])
    # thresholds rise, so the highest tier met is the last True
    level = ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    return pd.Categorical.from_codes(level, categories=t["tier"].tolist(), ordered=True)


def assign_tiers(
    tx: pd.DataFrame,
    as_of: Any,
    tiers: pd.DataFrame | None = None,
    *,
    window_days: int = 365,
) -> pd.DataFrame:
    """Each customer's tier on ``as_of`` from spend and visits in the window before it.

    Customers with a purchase before ``as_of`` are included; the window is
    [as_of − window_days, as_of). Visits are receipts.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-02-01", "2024-03-01", "2023-01-01"]),
    ...     "amount": [1000.0, 500.0, 20.0]})
    >>> rules = pd.DataFrame({"tier": ["basic", "silver"], "min_spend": [0, 1500],
    ...     "min_visits": [0, 2]})
    >>> assign_tiers(tx, "2024-06-01", rules)
                 spend  visits    tier
    customer_id
    1           1500.0       2  silver
    2              0.0       0   basic
    """
    when = parse_as_of(as_of, "as_of")
    r = receipt_totals(tx)
    if len(r) and not (r["timestamp"] < when).any():
        first = r["timestamp"].min()
        raise ValueError(
            f"No purchases before as_of ({when.date()}): the data start on {first.date()}. "
            f"Tiers need history before the snapshot date (a {window_days}-day window): "
            "choose a later as_of or use data covering at least a year."
        )
    r = r[r["timestamp"] < when]
    start = when - pd.Timedelta(days=window_days)
    ids = pd.Index(np.sort(r["customer_id"].unique()), name="customer_id")
    w = r[r["timestamp"] >= start].groupby("customer_id")
    out = pd.DataFrame(
        {
            "spend": w["amount"].sum().reindex(ids, fill_value=0.0).round(2),
            "visits": w.size().reindex(ids, fill_value=0).astype("int64"),
        }
    )
    out["tier"] = tier_of(out["spend"], out["visits"], tiers)
    return out


def tier_migration(
    tx: pd.DataFrame,
    start: Any,
    end: Any,
    tiers: pd.DataFrame | None = None,
    *,
    window_days: int = 365,
    normalize: bool = False,
) -> pd.DataFrame:
    """Tier migration matrix (等级迁移矩阵): rows the tier on ``start``, columns on ``end``.

    Customers who bought before ``start`` are counted; ``normalize=True`` gives row shares.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-01-15"]),
    ...     "amount": [900.0, 900.0, 50.0]})
    >>> rules = pd.DataFrame({"tier": ["basic", "silver"], "min_spend": [0, 1500],
    ...     "min_visits": [0, 2]})
    >>> tier_migration(tx, "2024-02-01", "2024-03-01", rules, window_days=30)
    to      basic  silver
    from
    basic       1       0
    silver      1       0
    """
    a = assign_tiers(tx, start, tiers, window_days=window_days)
    b = assign_tiers(tx, end, tiers, window_days=window_days)
    if parse_as_of(end, "end") <= parse_as_of(start, "start"):
        raise ValueError(f"end ({end}) must be after start ({start}).")
    both = pd.DataFrame({"from": a["tier"], "to": b["tier"].reindex(a.index)})
    m = pd.crosstab(both["from"], both["to"], dropna=False)
    cats = a["tier"].cat.categories
    m = m.reindex(index=list(cats), columns=list(cats), fill_value=0)
    m.index.name = "from"
    m.columns.name = "to"
    if normalize:
        m = m.div(m.sum(axis=1).replace(0, np.nan), axis=0)
    return m
