"""Points (积分): the ledger, balances, points by period, expiry and liability."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..schema import DataValidationError, check_choice, require_columns
from ..timeframe import parse_as_of, period_start
from ._common import _KIND_ORDER, _PERIOD_FREQ, LEDGER_KINDS

__all__ = [
    "check_ledger",
    "points_balances",
    "points_by_period",
    "recompute_expiry",
    "points_liability",
]


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
        ledger = ledger[ledger["timestamp"] < parse_as_of(as_of, "as_of")]
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
    p = period_start(ledger["timestamp"], period)
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


def _fifo_lots(
    cid: Any, t: np.ndarray, kind: np.ndarray, pts: np.ndarray, life: int, rows: list[tuple]
) -> list[list[int]]:
    """One customer's ledger (nanosecond times) spent first-in first-out: appends the
    expiries before the last event to ``rows`` and returns the lots still unexpired."""
    lots: list[list[int]] = []
    head = 0
    for i in range(len(t)):
        while head < len(lots) and lots[head][0] + life <= t[i]:
            if lots[head][1] > 0:
                rows.append((cid, lots[head][0] + life, lots[head][1]))
            head += 1
        if kind[i] == "earn":
            lots.append([int(t[i]), int(pts[i])])
            continue
        need = int(pts[i])
        have = sum(lot[1] for lot in lots[head:])
        if need > have:
            raise ValueError(
                f"Customer {cid!r} redeems {need} points at "
                f"{pd.Timestamp(int(t[i]))} but has only {have} valid points: the "
                "ledger would go negative. Check the ledger or the expiry period."
            )
        while need:
            take = min(need, lots[head][1])
            lots[head][1] -= take
            need -= take
            if lots[head][1] == 0:
                head += 1
    return [lot for lot in lots[head:] if lot[1] > 0]


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
    end_ts = parse_as_of(end, "end")
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
        left = _fifo_lots(cust[lo].item(), t[lo:hi], kind[lo:hi], pts[lo:hi], life, rows)
        rows += [(cust[lo].item(), when + life, n) for when, n in left if when + life < end_ns]
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
