"""Loyalty (忠诚度): points, tiers, early warning, churn model, cohorts and win-back.

* **Points** (积分): :func:`points_balances`, :func:`points_by_period`,
  :func:`recompute_expiry` and :func:`points_liability` work on a points ledger
  (积分流水: customer_id, timestamp, kind ``earn`` / ``redeem`` / ``expire``, points > 0).
* **Tiers** (会员等级): rules as a table (:data:`DEFAULT_TIERS`), :func:`assign_tiers`
  over a rolling window, :func:`tier_migration` between two dates, benefits as data
  (:data:`TIER_BENEFITS`).
* **Early warning** (流失预警): :func:`early_warning` compares each customer's recent
  frequency and spend with their own baseline.
* **Churn model** (流失预测): :func:`churn_features` (behaviour strictly before a cut-off),
  :func:`churn_labels` (what happens after it), :func:`fit_churn_model` (scikit-learn,
  ROC-AUC, calibrated probabilities), :func:`gains_table` and :func:`calibration_table`.
* **Cohorts** (同期群): :func:`cohort_retention` and :func:`repeat_and_retention`
  (复购率、留存率).
* **Win-back** (挽回) on gross margin lives in :mod:`crm_helpers.winback`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._catalogue import TIER_RULES
from .evaluate import calibration_table, gains_table
from .schema import DataValidationError, check_choice, require_columns

__all__ = [
    "LEDGER_KINDS",
    "DEFAULT_TIERS",
    "TIER_BENEFITS",
    "check_ledger",
    "points_balances",
    "points_by_period",
    "recompute_expiry",
    "points_liability",
    "check_tiers",
    "tier_of",
    "assign_tiers",
    "tier_migration",
    "early_warning",
    "FEATURES",
    "churn_features",
    "churn_labels",
    "churn_dataset",
    "ChurnModel",
    "fit_churn_model",
    "gains_table",
    "calibration_table",
    "cohort_retention",
    "repeat_and_retention",
]

LEDGER_KINDS: dict[str, int] = {"earn": 1, "redeem": -1, "expire": -1}
_KIND_ORDER = {"expire": 0, "earn": 1, "redeem": 2}
_PERIOD_FREQ = {"year": "Y", "quarter": "Q", "month": "M", "week": "W-SUN"}

# ----------------------------------------------------------------------------- helpers


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2025-06-30'; got {value!r}.") from None
    if ts is pd.NaT:
        raise ValueError(f"{name} must be a date such as '2025-06-30'; got {value!r}.")
    return ts


def _tx(tx: pd.DataFrame, table: str = "transactions") -> pd.DataFrame:
    require_columns(tx, ["customer_id", "receipt_id", "timestamp", "amount"], table)
    if not pd.api.types.is_datetime64_any_dtype(tx["timestamp"]):
        raise DataValidationError(
            f"Column 'timestamp' of the {table} table must hold datetimes; found "
            f"{tx['timestamp'].dtype}. Convert it with pd.to_datetime first."
        )
    return tx


def _receipts(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per receipt: customer_id, receipt_id, timestamp, amount (the receipt's total)."""
    return (
        _tx(tx)
        .groupby("receipt_id", sort=False, observed=True)
        .agg(
            customer_id=("customer_id", "first"),
            timestamp=("timestamp", "min"),
            amount=("amount", "sum"),
        )  # fmt: skip
        .reset_index()
    )


def _inside(tx: pd.DataFrame, when: pd.Timestamp, name: str) -> None:
    first, last = tx["timestamp"].min(), tx["timestamp"].max()
    if len(tx) == 0:
        raise DataValidationError("The transactions table is empty.")
    if not first < when <= last + pd.Timedelta(days=1):
        raise ValueError(
            f"{name} {when} is outside the data, which runs from {first} to {last}. "
            f"Choose {name} after the first purchase and at most one day after the last."
        )


# ----------------------------------------------------------------------------- points


def check_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    """Validate a points ledger and return it in time order (expiries first at a tie).

    >>> bad = pd.DataFrame({"customer_id": [1], "timestamp": [pd.Timestamp("2024-01-01")],
    ...     "kind": ["earn"], "points": [-5]})
    >>> check_ledger(bad)
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: Column 'points' of the points ledger must be > 0 (the column 'kind' gives the direction: earn adds, redeem and expire take away); found 1 row(s) with zero or negative points, e.g. -5.
    """
    require_columns(ledger, ["customer_id", "timestamp", "kind", "points"], "points ledger")
    bad_kind = ~ledger["kind"].isin(list(LEDGER_KINDS))
    if bad_kind.any():
        raise DataValidationError(
            "Column 'kind' of the points ledger must be one of 'earn', 'redeem', 'expire'; "
            f"found {sorted(map(str, ledger.loc[bad_kind, 'kind'].unique()))[:5]}."
        )
    pts = pd.to_numeric(ledger["points"], errors="coerce")
    bad = ~(pts > 0)
    if bad.any():
        raise DataValidationError(
            "Column 'points' of the points ledger must be > 0 (the column 'kind' gives the "
            "direction: earn adds, redeem and expire take away); found "
            f"{int(bad.sum())} row(s) with zero or negative points, e.g. "
            f"{ledger.loc[bad, 'points'].iloc[0]}."
        )
    if not pd.api.types.is_datetime64_any_dtype(ledger["timestamp"]):
        raise DataValidationError(
            "Column 'timestamp' of the points ledger must hold datetimes; found "
            f"{ledger['timestamp'].dtype}."
        )
    order = ledger["kind"].map(_KIND_ORDER)
    return (
        ledger.assign(_o=order)
        .sort_values(["customer_id", "timestamp", "_o"], kind="stable")
        .drop(columns="_o")
    )


def _signed(ledger: pd.DataFrame) -> pd.Series:
    return ledger["points"] * ledger["kind"].map(LEDGER_KINDS).astype("int64")


def points_balances(ledger: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Each customer's points earned, redeemed and expired before ``as_of``, and the balance.

    Parameters
    ----------
    ledger:
        The points ledger (see :func:`check_ledger`).
    as_of:
        Only events strictly before this moment count; default: all.

    Returns
    -------
    DataFrame indexed by customer_id: earned, redeemed, expired, balance (积分余额).

    >>> led = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2025-01-01", "2024-03-01"]),
    ...     "kind": ["earn", "redeem", "expire", "earn"], "points": [100, 30, 70, 50]})
    >>> points_balances(led, as_of="2024-12-31")
                 earned  redeemed  expired  balance
    customer_id
    1               100        30        0       70
    2                50         0        0       50
    """
    ledger = check_ledger(ledger)
    if as_of is not None:
        ledger = ledger[ledger["timestamp"] < _timestamp(as_of, "as_of")]
    wide = ledger.pivot_table(
        index="customer_id", columns="kind", values="points", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=["earn", "redeem", "expire"], fill_value=0).astype("int64")
    out = wide.rename(columns={"earn": "earned", "redeem": "redeemed", "expire": "expired"})
    out.columns.name = None
    out["balance"] = out["earned"] - out["redeemed"] - out["expired"]
    return out


def points_by_period(ledger: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """Points earned, redeemed and expired per period, and the outstanding balance at its end.

    >>> led = pd.DataFrame({"customer_id": [1, 1, 1],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03"]),
    ...     "kind": ["earn", "redeem", "expire"], "points": [100, 30, 70]})
    >>> points_by_period(led)
          period  earned  redeemed  expired  net  outstanding
    0 2024-01-01     100        30        0   70           70
    1 2024-02-01       0         0       70  -70            0
    """
    check_choice("period", period, _PERIOD_FREQ)
    ledger = check_ledger(ledger)
    p = ledger["timestamp"].dt.to_period(_PERIOD_FREQ[period]).dt.start_time
    wide = ledger.assign(period=p).pivot_table(
        index="period", columns="kind", values="points", aggfunc="sum", fill_value=0
    )
    full = pd.period_range(p.min(), p.max(), freq=_PERIOD_FREQ[period]).start_time
    wide = wide.reindex(index=full, columns=["earn", "redeem", "expire"], fill_value=0)
    out = pd.DataFrame(
        {
            "period": full,
            "earned": wide["earn"].to_numpy().astype("int64"),
            "redeemed": wide["redeem"].to_numpy().astype("int64"),
            "expired": wide["expire"].to_numpy().astype("int64"),
        }
    )
    out["net"] = out["earned"] - out["redeemed"] - out["expired"]
    out["outstanding"] = out["net"].cumsum()
    return out


def recompute_expiry(ledger: pd.DataFrame, expiry_days: int, end: Any) -> pd.DataFrame:
    """The expiry events implied by a ledger's earnings and redemptions (FIFO).

    Points earned at time *t* can be used before *t* + ``expiry_days``; at that instant
    what is left of them expires. Redemptions use the oldest points first. Expiries at or
    after ``end`` are not returned. Existing ``expire`` rows of ``ledger`` are ignored.

    Raises ``ValueError`` if a redemption needs more points than the customer has.

    >>> led = pd.DataFrame({"customer_id": [1, 1, 1],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-12-30"]),
    ...     "kind": ["earn", "earn", "redeem"], "points": [100, 50, 120]})
    >>> recompute_expiry(led, 365, end="2026-01-01")
       customer_id  timestamp    kind  reason  points
    0            1 2025-03-01  expire  expiry      30
    """
    if not isinstance(expiry_days, int | np.integer) or expiry_days <= 0:
        raise ValueError(f"expiry_days must be a whole number of days > 0; got {expiry_days!r}.")
    end_ts = _timestamp(end, "end")
    ledger = check_ledger(ledger)
    ledger = ledger[ledger["kind"] != "expire"]
    life = pd.Timedelta(days=int(expiry_days)).value
    end_ns = end_ts.value
    cust = ledger["customer_id"].to_numpy()
    t = ledger["timestamp"].to_numpy().astype("datetime64[ns]").astype("int64")
    kind = ledger["kind"].to_numpy()
    pts = ledger["points"].to_numpy().astype("int64")
    rows: list[tuple] = []
    bounds = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1], True]) if len(cust) else []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        lots: list[list[int]] = []
        head = 0
        for i in range(lo, hi):
            while head < len(lots) and lots[head][0] + life <= t[i]:
                if lots[head][1] > 0:
                    rows.append((cust[lo].item(), lots[head][0] + life, lots[head][1]))
                head += 1
            if kind[i] == "earn":
                lots.append([int(t[i]), int(pts[i])])
                continue
            need = int(pts[i])
            have = sum(lot[1] for lot in lots[head:])
            if need > have:
                raise ValueError(
                    f"Customer {cust[lo].item()!r} redeems {need} points at "
                    f"{pd.Timestamp(int(t[i]))} but has only {have} valid points: the "
                    "ledger would go negative. Check the ledger or the expiry period."
                )
            while need:
                take = min(need, lots[head][1])
                lots[head][1] -= take
                need -= take
                if lots[head][1] == 0:
                    head += 1
        for when, left in lots[head:]:
            if left > 0 and when + life < end_ns:
                rows.append((cust[lo].item(), when + life, left))
    out = pd.DataFrame(rows, columns=["customer_id", "timestamp", "points"])
    out["timestamp"] = pd.to_datetime(out["timestamp"].astype("int64"), unit="ns")
    out.insert(2, "kind", "expire")
    out.insert(3, "reason", "expiry")
    out["points"] = out["points"].astype("int64")
    return out.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def points_liability(
    ledger: pd.DataFrame, as_of: Any = None, *, yuan_per_point: float = 0.01
) -> dict[str, float]:
    """Outstanding points, their liability (积分负债) and the breakage rate (积分沉淀率).

    ``breakage_rate`` is the share of the points that have left the balance which left by
    expiring: expired / (redeemed + expired). The expected liability prices the outstanding
    points at ``yuan_per_point`` and assumes the same share of them will expire.

    >>> led = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2025-01-01", "2024-03-01"]),
    ...     "kind": ["earn", "redeem", "expire", "earn"], "points": [100, 30, 70, 50]})
    >>> points_liability(led)["breakage_rate"]
    0.7
    >>> points_liability(led)["expected_liability"]
    0.15
    """
    if not yuan_per_point > 0:
        raise ValueError(f"yuan_per_point must be > 0; got {yuan_per_point!r}.")
    tot = points_balances(ledger, as_of).sum()
    settled = tot["redeemed"] + tot["expired"]
    breakage = float(tot["expired"] / settled) if settled else float("nan")
    outstanding = int(tot["balance"])
    face = outstanding * yuan_per_point
    expected = face * (1 - breakage) if settled else face
    return {
        "earned": int(tot["earned"]),
        "redeemed": int(tot["redeemed"]),
        "expired": int(tot["expired"]),
        "outstanding_points": outstanding,
        "face_liability": round(face, 2),
        "breakage_rate": round(breakage, 6),
        "expected_liability": round(expected, 2),
    }


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
    when = _timestamp(as_of, "as_of")
    r = _receipts(tx)
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
    if _timestamp(end, "end") <= _timestamp(start, "start"):
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


# ----------------------------------------------------------------------------- early warning


def early_warning(
    tx: pd.DataFrame,
    as_of: Any,
    *,
    recent_days: int = 90,
    baseline_days: int = 365,
    frequency_drop: float = 0.5,
    spend_drop: float = 0.5,
    min_baseline_visits: int = 3,
) -> pd.DataFrame:
    """Early-warning indicators (流失预警) against each customer's own baseline.

    The recent window is [as_of − recent_days, as_of); the baseline is the
    ``baseline_days`` before it. Rates are scaled to the length of the recent window, so
    ``frequency_ratio`` = recent visits / expected visits at the baseline pace (1 = as
    usual, 0 = stopped). A customer is flagged when the frequency ratio is at most
    1 − ``frequency_drop`` or the spend ratio at most 1 − ``spend_drop``. Only customers
    with at least ``min_baseline_visits`` visits in the baseline are judged. The list is
    ranked by ``risk_score`` = the mean of the two drops (0 … 1), highest first.

    >>> tx = pd.DataFrame({"customer_id": [1] * 5 + [2] * 5, "receipt_id": range(10),
    ...     "timestamp": pd.to_datetime(["2024-01-10", "2024-04-10", "2024-07-10",
    ...         "2024-10-10", "2025-02-01"] * 2), "amount": [100.0] * 5 + [100.0] * 4 + [10.0]})
    >>> early_warning(tx, "2025-02-02", recent_days=60, baseline_days=360,
    ...     min_baseline_visits=2)[["frequency_ratio", "spend_ratio", "warning"]].round(2)
                 frequency_ratio  spend_ratio  warning
    customer_id
    2                       1.50         0.15     True
    1                       1.50         1.50    False
    """
    when = _timestamp(as_of, "as_of")
    for name, v in (("frequency_drop", frequency_drop), ("spend_drop", spend_drop)):
        if not 0 < v < 1:
            raise ValueError(f"{name} must be between 0 and 1 (a share of the baseline); got {v}.")
    if recent_days <= 0 or baseline_days <= 0:
        raise ValueError("recent_days and baseline_days must be > 0.")
    r = _receipts(tx)
    _inside(r, when, "as_of")
    mid = when - pd.Timedelta(days=recent_days)
    lo = mid - pd.Timedelta(days=baseline_days)
    recent = r[(r["timestamp"] >= mid) & (r["timestamp"] < when)].groupby("customer_id")
    base = r[(r["timestamp"] >= lo) & (r["timestamp"] < mid)].groupby("customer_id")
    out = pd.DataFrame({"baseline_visits": base.size(), "baseline_spend": base["amount"].sum()})
    out = out[out["baseline_visits"] >= min_baseline_visits]
    out["recent_visits"] = recent.size().reindex(out.index, fill_value=0)
    out["recent_spend"] = recent["amount"].sum().reindex(out.index, fill_value=0.0)
    scale = recent_days / baseline_days
    out["frequency_ratio"] = out["recent_visits"] / (out["baseline_visits"] * scale)
    out["spend_ratio"] = out["recent_spend"] / (out["baseline_spend"] * scale)
    out["falling_frequency"] = out["frequency_ratio"] <= 1 - frequency_drop
    out["falling_spend"] = out["spend_ratio"] <= 1 - spend_drop
    out["warning"] = out["falling_frequency"] | out["falling_spend"]
    drop = (1 - out[["frequency_ratio", "spend_ratio"]]).clip(lower=0, upper=1)
    out["risk_score"] = drop.mean(axis=1)
    out.index.name = "customer_id"
    return out.sort_values(["warning", "risk_score"], ascending=False, kind="stable")


# ----------------------------------------------------------------------------- churn model

#: The behaviour features built by :func:`churn_features`.
FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_basket",
    "tenure_days",
    "visits_90d",
    "spend_90d",
    "visits_prev_90d",
    "mean_gap_days",
    "days_over_gap",
)


def churn_features(tx: pd.DataFrame, cutoff: Any) -> pd.DataFrame:
    """Behaviour features per customer from receipts strictly before ``cutoff``.

    Nothing on or after the cut-off is read (the first step drops it), so the features
    cannot leak the label. Customers with no purchase before the cut-off are left out.

    Features: recency_days (days since the last purchase), frequency (receipts), monetary
    (total spend), avg_basket, tenure_days (days since the first purchase), visits_90d and
    spend_90d (last 90 days), visits_prev_90d (the 90 days before), mean_gap_days (mean
    days between purchases; tenure for a single purchase) and days_over_gap (recency /
    mean gap: how overdue the next purchase is).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01", "2024-05-01"]),
    ...     "amount": [10.0, 30.0, 5.0, 99.0]})
    >>> churn_features(tx, "2024-04-01")[["recency_days", "frequency", "monetary"]]
                 recency_days  frequency  monetary
    customer_id
    1                    31.0          2      40.0
    2                    60.0          1       5.0
    """
    when = _timestamp(cutoff, "cutoff")
    _inside(_tx(tx), when, "cutoff")
    r = _receipts(tx[tx["timestamp"] < when])
    day = pd.Timedelta(days=1)
    g = r.groupby("customer_id")
    first, last = g["timestamp"].min(), g["timestamp"].max()
    n = g.size()
    out = pd.DataFrame(
        {
            "recency_days": (when - last) / day,
            "frequency": n.astype("int64"),
            "monetary": g["amount"].sum(),
        }
    )
    out["avg_basket"] = out["monetary"] / out["frequency"]
    out["tenure_days"] = (when - first) / day
    d90 = when - pd.Timedelta(days=90)
    d180 = when - pd.Timedelta(days=180)
    last90 = r[r["timestamp"] >= d90].groupby("customer_id")
    prev90 = r[(r["timestamp"] >= d180) & (r["timestamp"] < d90)].groupby("customer_id")
    out["visits_90d"] = last90.size().reindex(out.index, fill_value=0).astype("int64")
    out["spend_90d"] = last90["amount"].sum().reindex(out.index, fill_value=0.0)
    out["visits_prev_90d"] = prev90.size().reindex(out.index, fill_value=0).astype("int64")
    span = (last - first) / day
    out["mean_gap_days"] = np.where(n > 1, span / (n - 1).clip(lower=1), out["tenure_days"])
    out["days_over_gap"] = out["recency_days"] / np.maximum(out["mean_gap_days"], 1.0)
    out.index.name = "customer_id"
    return out


def churn_labels(tx: pd.DataFrame, cutoff: Any, horizon_days: int = 180) -> pd.Series:
    """The churn label (流失) of each customer who bought before ``cutoff``: 1 if they make
    no purchase in [cutoff, cutoff + horizon_days), else 0.

    The label window must lie inside the data.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01", "2024-12-01"]),
    ...     "amount": [10.0, 30.0, 5.0, 8.0]})
    >>> churn_labels(tx, "2024-04-01", horizon_days=90).to_dict()
    {1: 0, 2: 1}
    """
    when = _timestamp(cutoff, "cutoff")
    tx = _tx(tx)
    _inside(tx, when, "cutoff")
    stop = when + pd.Timedelta(days=horizon_days)
    last = tx["timestamp"].max()
    if stop > last + pd.Timedelta(days=1):
        raise ValueError(
            f"The label window [{when.date()}, {stop.date()}) runs past the end of the data "
            f"({last}). Choose an earlier cutoff or a shorter horizon_days."
        )
    before = tx.loc[tx["timestamp"] < when, "customer_id"].unique()
    after = tx.loc[(tx["timestamp"] >= when) & (tx["timestamp"] < stop), "customer_id"].unique()
    ids = pd.Index(np.sort(before), name="customer_id")
    return pd.Series((~ids.isin(after)).astype("int64"), index=ids, name="churn")


def churn_dataset(tx: pd.DataFrame, cutoff: Any, horizon_days: int = 180) -> pd.DataFrame:
    """Features before ``cutoff`` joined to the label after it (see the two functions).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01"]),
    ...     "amount": [10.0, 30.0, 5.0]})
    >>> churn_dataset(tx, "2024-04-02", 30)["churn"].tolist()
    [0, 1]
    """
    return churn_features(tx, cutoff).join(churn_labels(tx, cutoff, horizon_days))


@dataclass
class ChurnModel:
    """A fitted churn model and how it did on the test customers."""

    model: Any
    features: list[str]
    target: str
    auc: float
    test: pd.DataFrame = field(repr=False)  # y (the label) and p (calibrated probability)
    auc_uncalibrated: float = float("nan")

    def predict(self, table: pd.DataFrame) -> pd.Series:
        """Calibrated churn probabilities for the rows of ``table``."""
        require_columns(table, self.features, "customer")
        p = self.model.predict_proba(table[self.features].to_numpy(dtype="float64"))[:, 1]
        return pd.Series(p, index=table.index, name="churn_probability")


def _xy(table: pd.DataFrame, target: str, features: list[str] | None) -> tuple:
    require_columns(table, [target], "customer")
    feats = features or [c for c in table.columns if c != target]
    require_columns(table, feats, "customer")
    non_num = [c for c in feats if not pd.api.types.is_numeric_dtype(table[c])]
    if non_num:
        kinds = ", ".join(f"{c!r} ({table[c].dtype}, {table[c].nunique()} values)" for c in non_num)
        raise DataValidationError(
            f"Features must be numeric; these are not: {kinds}. Encode them as 0/1 columns "
            "(pd.get_dummies(table, columns=[...], dtype=int)) or leave them out with "
            "features=[...]."
        )
    y = table[target]
    if not y.isin([0, 1, True, False]).all():
        raise DataValidationError(f"Column {target!r} must hold 0/1 (1 = churned).")
    gaps = table[feats].isna().sum()
    if gaps.any():
        named = ", ".join(f"{c!r} ({n} rows)" for c, n in gaps[gaps > 0].items())
        raise DataValidationError(
            f"Missing values in the features: {named}. Fill them (e.g. with 0 or the median) "
            "or leave those columns out with features=[...]."
        )
    return table[feats].to_numpy(dtype="float64"), y.astype("int64").to_numpy(), feats


def fit_churn_model(
    table: pd.DataFrame,
    target: str = "churn",
    *,
    features: list[str] | None = None,
    test: pd.DataFrame | None = None,
    model: str = "logistic",
    test_size: float = 0.3,
    calibration: str = "isotonic",
    seed: int = 0,
) -> ChurnModel:
    """Fit a churn model (scikit-learn) with calibrated probabilities and report ROC-AUC.

    ``table`` has one row per customer, numeric feature columns and a 0/1 ``target``: for
    example :func:`churn_dataset` at one cut-off, or a ready-made table such as the UCI
    Iranian churn data. With ``test`` (e.g. :func:`churn_dataset` at a later cut-off) the
    model is judged out of time on it; otherwise on a stratified random ``test_size``
    share of ``table``. ``model``: ``"logistic"`` (standardised logistic regression) or
    ``"boosting"`` (histogram gradient boosting). Probabilities are calibrated by
    cross-validation (``calibration``: ``"isotonic"`` or ``"sigmoid"``).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> t = pd.DataFrame({"x": x, "churn": (x + rng.normal(size=400) > 0).astype(int)})
    >>> fit = fit_churn_model(t, seed=1)
    >>> bool(0.75 < fit.auc < 0.95)
    True
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    check_choice("model", model, ["logistic", "boosting"])
    check_choice("calibration", calibration, ["isotonic", "sigmoid"])
    x, y, feats = _xy(table, target, features)
    if test is None:
        if len(y) < 50 or min(y.sum(), len(y) - y.sum()) < 10:
            raise ValueError(
                f"Too few customers to fit a churn model: {len(y)} rows with {int(y.sum())} "
                "churners. Use at least 50 customers and 10 of each class."
            )
        x_tr, x_te, y_tr, y_te, _, idx_te = train_test_split(
            x, y, np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
        )
        test_index = table.index[idx_te]
    else:
        x_tr, y_tr = x, y
        x_te, y_te, _ = _xy(test, target, feats)
        test_index = test.index
    if len(y_tr) < 50 or min(y_tr.sum(), len(y_tr) - y_tr.sum()) < 10:
        raise ValueError(
            f"Too few customers to fit a churn model: {len(y_tr)} training rows with "
            f"{int(y_tr.sum())} churners. Use at least 50 customers and 10 of each class."
        )
    if len(np.unique(y_te)) < 2:
        raise ValueError("The test customers are all of one class; AUC is undefined.")
    if model == "logistic":
        base = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    else:
        base = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=seed)
    raw = base.fit(x_tr, y_tr)
    auc_raw = float(roc_auc_score(y_te, raw.predict_proba(x_te)[:, 1]))
    calibrated = CalibratedClassifierCV(base, method=calibration, cv=3).fit(x_tr, y_tr)
    p = calibrated.predict_proba(x_te)[:, 1]
    result = pd.DataFrame({"y": y_te, "p": p}, index=test_index)
    return ChurnModel(calibrated, feats, target, float(roc_auc_score(y_te, p)), result, auc_raw)


# ----------------------------------------------------------------------------- cohorts


def cohort_retention(
    tx: pd.DataFrame, period: str = "month", *, join_dates: pd.Series | None = None
) -> pd.DataFrame:
    """Cohort retention (同期群留存): the share of each cohort active in each later period.

    Cohorts are the period of the first purchase, or of ``join_dates`` (a Series indexed
    by customer_id, e.g. the join date 入会日期). Rows: cohort; columns: periods since
    (0, 1, ...); values: share of the cohort with a purchase in that period.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-02-05", "2024-01-09", "2024-02-01"]),
    ...     "amount": 1.0})
    >>> cohort_retention(tx)
    periods_since     0    1
    cohort
    2024-01-01      1.0  0.5
    2024-02-01      1.0  NaN
    """
    check_choice("period", period, ["month", "quarter", "week"])
    freq = _PERIOD_FREQ[period]
    tx = _tx(tx)
    p = tx["timestamp"].dt.to_period(freq)
    if join_dates is None:
        cohort = p.groupby(tx["customer_id"]).transform("min")
    else:
        j = pd.to_datetime(join_dates).dt.to_period(freq)
        cohort = tx["customer_id"].map(j)
        if cohort.isna().any():
            raise DataValidationError("join_dates has no date for some customers in tx.")
    d = pd.DataFrame({"c": cohort, "p": p, "id": tx["customer_id"]}).drop_duplicates()
    d["k"] = (d["p"] - d["c"]).map(lambda x: x.n)
    d = d[d["k"] >= 0]
    if join_dates is None:
        size = d.groupby("c")["id"].nunique()
    else:
        size = j.value_counts()
    counts = d.pivot_table(index="c", columns="k", values="id", aggfunc="nunique")
    cohorts = pd.period_range(min(size.index.min(), p.min()), p.max(), freq=freq)
    cohorts = cohorts[cohorts.isin(size.index)]
    counts = counts.reindex(
        index=cohorts, columns=range(len(cohorts) and (p.max() - cohorts[0]).n + 1)
    )
    out = counts.fillna(0).div(size.reindex(cohorts), axis=0)
    seen = np.array([(p.max() - c).n for c in cohorts])  # periods observed after each cohort
    out = out.where(np.arange(out.shape[1])[None, :] <= seen[:, None])
    out.index = out.index.to_timestamp()
    out.index.name, out.columns.name = "cohort", "periods_since"
    return out


def repeat_and_retention(tx: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """Per period: customers, repurchase rate (复购率) and retention rate (留存率).

    ``repurchase_rate`` = customers with two or more receipts in the period / customers
    with any. ``retention_rate`` = customers of the previous period who bought again in
    this one / customers of the previous period (missing for the first period).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1, 3], "receipt_id": [1, 2, 3, 4, 5],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-09",
    ...         "2024-02-01", "2024-02-11"]), "amount": 1.0})
    >>> repeat_and_retention(tx)[["period", "customers", "repurchase_rate", "retention_rate"]]
          period  customers  repurchase_rate  retention_rate
    0 2024-01-01          2              0.5             NaN
    1 2024-02-01          2              0.0             0.5
    """
    check_choice("period", period, _PERIOD_FREQ)
    r = _receipts(tx)
    r["p"] = r["timestamp"].dt.to_period(_PERIOD_FREQ[period])
    visits = r.groupby(["p", "customer_id"]).size()
    full = pd.period_range(r["p"].min(), r["p"].max(), freq=_PERIOD_FREQ[period])
    sets = visits.reset_index().groupby("p")["customer_id"].agg(set).reindex(full)
    rows = []
    prev: set | None = None
    for per, ids in sets.items():
        ids = ids if isinstance(ids, set) else set()
        n = len(ids)
        rep = int((visits.loc[per] >= 2).sum()) if n else 0
        kept = len(ids & prev) if prev is not None else np.nan
        rate = kept / len(prev) if prev else np.nan
        rows.append((per.start_time, n, rep, rep / n if n else np.nan, kept, rate))
        prev = ids
    return pd.DataFrame(
        rows,
        columns=["period", "customers", "repeat_customers", "repurchase_rate", "retained",
                 "retention_rate"],
    )  # fmt: skip
