"""The simulated retailer's loyalty programme: a points ledger and membership tiers.

Two extra tables, added with ``shop.with_tables("points", "tiers")``.

``points`` — the points ledger (积分流水), one row per event, with the stated rules of
:data:`POINTS_RULES` (a :class:`PointsRules`):

* **Earning** (积分获取): ``points_per_yuan`` points per yuan of every receipt, rounded down
  (reason ``purchase``); a bonus of ``event_points`` for a receipt on a member event day
  (会员日, :attr:`PointsRules.event_days`, reason ``event``); ``referral_points`` for a
  referral (推荐), which follows a receipt with probability ``referral_probability``,
  ``referral_delay_days`` later (reason ``referral``; only if that is before the end).
* **Redemption** (积分兑换): ten minutes after a receipt, a member whose balance covers
  at least the cheapest option redeems with probability ``redeem_probability``, choosing
  uniformly among the options they can afford (:attr:`PointsRules.options`: ``coupon``
  500, ``gift`` 1,500, ``upgrade`` 3,000 points). Redemptions use the oldest points
  first (FIFO).
* **Expiry** (积分过期): points earned at time *t* can be used before
  *t* + ``expiry_days``; at *t* + ``expiry_days`` exactly, what is left of them expires
  (one ``expire`` row per earning row with points left, reason ``expiry``), before any
  other event at that same instant. Only expiries before the end of the data are
  written.

Columns: customer_id, timestamp, kind (``earn`` / ``redeem`` / ``expire``), reason,
points (always > 0; ``kind`` gives the direction), receipt_id (the receipt that triggered
the event; missing for expiries). The balance never goes below zero. The truth table
``truth["points"]`` lists the rules (parameter, value).

``tiers`` — membership tiers (会员等级), one row per member per month from the month
after they joined: the rolling 12-month spend and visits before the month's first day
and the tier they give under :data:`crm_helpers._catalogue.TIER_RULES` (a member must
meet both the spend and the visit threshold of a tier), and ``change`` (``new``,
``same``, ``upgrade``, ``downgrade``) against the previous month.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(200, seed=1).with_tables("points")
>>> sorted(shop.points["kind"].unique().tolist())
['earn', 'expire', 'redeem']
>>> bool((shop.points["points"] > 0).all())
True
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .._catalogue import TIER_RULES
from ..schema import require_columns
from ..simulate import Retailer, register_table

__all__ = ["PointsRules", "POINTS_RULES", "simulate_points", "simulate_tiers"]


@dataclass(frozen=True)
class PointsRules:
    """The rules of the simulated points programme (see the module docstring)."""

    points_per_yuan: float = 1.0
    expiry_days: int = 365
    event_points: int = 200
    event_days: tuple[str, ...] = ("06-18", "11-11", "12-12")  # month-day of member days
    referral_probability: float = 0.02
    referral_points: int = 300
    referral_delay_days: int = 2
    redeem_probability: float = 0.35
    options: dict[str, int] = field(
        default_factory=lambda: {"coupon": 500, "gift": 1_500, "upgrade": 3_000}
    )


POINTS_RULES = PointsRules()
_REDEEM_DELAY = pd.Timedelta(minutes=10)


def simulate_points(
    receipts: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator, rules: PointsRules
) -> pd.DataFrame:
    """The points ledger for ``receipts`` (receipt_id, customer_id, timestamp, total)."""
    r = receipts.sort_values(["customer_id", "timestamp", "receipt_id"])
    cust = r["customer_id"].to_numpy()
    mmdd = r["timestamp"].dt.strftime("%m-%d").to_numpy()
    a = {
        "times": r["timestamp"].to_numpy().astype("datetime64[ns]").astype("int64"),
        "rids": r["receipt_id"].to_numpy(),
        "earned": np.floor(r["total"].to_numpy() * rules.points_per_yuan).astype("int64"),
        "on_event": np.isin(mmdd, list(rules.event_days)),
        "refer": rng.random(len(r)) < rules.referral_probability,
        "redeem_try": rng.random(len(r)),
        "choice_u": rng.random(len(r)),
    }
    end_ns = pd.Timestamp(end).value
    rows: list[tuple] = []
    bounds = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        events = _customer_events(a, lo, hi, rules, end_ns)
        _replay(events, int(cust[lo]), rows, a, rules, end_ns)
    return _ledger_frame(rows)


def _customer_events(
    a: dict[str, np.ndarray], lo: int, hi: int, rules: PointsRules, end_ns: int
) -> list[tuple]:
    """One customer's events in time order: (time, order, kind, reason, points, receipt, i)."""
    ref_ns = pd.Timedelta(days=rules.referral_delay_days).value
    red_ns = _REDEEM_DELAY.value
    events: list[tuple] = []
    for i in range(lo, hi):
        t, rid = int(a["times"][i]), int(a["rids"][i])
        if a["earned"][i] > 0:
            events.append((t, 1, "earn", "purchase", int(a["earned"][i]), rid, i))
        if a["on_event"][i]:
            events.append((t, 1, "earn", "event", rules.event_points, rid, i))
        if a["refer"][i] and t + ref_ns < end_ns:
            events.append((t + ref_ns, 1, "earn", "referral", rules.referral_points, rid, i))
        if t + red_ns < end_ns:
            events.append((t + red_ns, 2, "redeem", "", 0, rid, i))
    events.sort(key=lambda e: (e[0], e[1]))
    return events


def _replay(
    events: list[tuple],
    cid: int,
    rows: list[tuple],
    a: dict[str, np.ndarray],
    rules: PointsRules,
    end_ns: int,
) -> None:
    """Earn, redeem (oldest points first) and expire one customer's events into ``rows``."""
    exp_ns = pd.Timedelta(days=rules.expiry_days).value
    names = sorted(rules.options, key=rules.options.get)
    costs = np.array([rules.options[n] for n in names])
    lots: deque[list[int]] = deque()  # [earned at, points left]
    balance = 0
    for t, _, kind, reason, pts, rid, i in events:
        balance -= _expire(lots, rows, cid, t, exp_ns, inclusive=True)
        if kind == "earn":
            lots.append([t, pts])
            balance += pts
            rows.append((cid, t, kind, reason, pts, rid))
            continue
        affordable = costs <= balance
        if not affordable.any() or a["redeem_try"][i] >= rules.redeem_probability:
            continue
        k = int(a["choice_u"][i] * affordable.sum())
        cost = int(costs[k])
        rows.append((cid, t, "redeem", names[k], cost, rid))
        balance -= cost
        need = cost
        while need:
            take = min(need, lots[0][1])
            lots[0][1] -= take
            need -= take
            if lots[0][1] == 0:
                lots.popleft()
    _expire(lots, rows, cid, end_ns, exp_ns, inclusive=False)


def _ledger_frame(rows: list[tuple]) -> pd.DataFrame:
    """The ledger rows as a table in time order (expiries before earnings before redemptions)."""
    out = pd.DataFrame(
        rows, columns=["customer_id", "timestamp", "kind", "reason", "points", "receipt_id"]
    )
    out["timestamp"] = pd.to_datetime(out["timestamp"].astype("int64"), unit="ns")
    out["receipt_id"] = out["receipt_id"].astype("Int64").mask(out["receipt_id"] < 0)
    order = out["kind"].map({"expire": 0, "earn": 1, "redeem": 2})
    out = out.assign(_o=order).sort_values(["timestamp", "customer_id", "_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def _expire(
    lots: deque[list[int]], rows: list[tuple], cid: int, t: int, life: int, inclusive: bool
) -> int:
    """Expire the lots whose life ends at or before ``t`` (before ``t`` if not inclusive);
    write their expire rows and return the points that expired."""
    gone = 0
    while lots and (lots[0][0] + life <= t if inclusive else lots[0][0] + life < t):
        when, left = lots.popleft()
        if left > 0:
            rows.append((cid, when + life, "expire", "expiry", left, -1))
            gone += left
    return gone


@register_table("points")
def _points(shop: Retailer, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ledger = simulate_points(shop.receipts, shop.end, rng, POINTS_RULES)
    rules = {k: str(v) for k, v in asdict(POINTS_RULES).items()}
    truth = pd.DataFrame({"parameter": list(rules), "value": list(rules.values())})
    return ledger, truth


def _tier_rules(tiers: pd.DataFrame | None) -> pd.DataFrame:
    """The tier rules to plant: the catalogue's, or ``tiers`` checked for rising thresholds."""
    t = pd.DataFrame(TIER_RULES) if tiers is None else tiers.reset_index(drop=True)
    require_columns(t, ["tier", "min_spend", "min_visits"], "tiers")
    for col in ("min_spend", "min_visits"):
        if t[col].iloc[0] != 0 or not t[col].is_monotonic_increasing:
            raise ValueError(f"Column {col!r} of the tiers must start at 0 and rise; got "
                             f"{t[col].tolist()}.")  # fmt: skip
    return t


def _tier_at(spend: np.ndarray, visits: np.ndarray, t: pd.DataFrame) -> pd.Categorical:
    """The highest tier whose spend and visit thresholds are both met (≥)."""
    ok = (spend[:, None] >= t["min_spend"].to_numpy()[None, :]) & (
        visits[:, None] >= t["min_visits"].to_numpy()[None, :]
    )
    level = ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    return pd.Categorical.from_codes(level, categories=t["tier"].tolist(), ordered=True)


def simulate_tiers(
    receipts: pd.DataFrame,
    customers: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    tiers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each member's tier at the first day of every month (rolling 12-month window)."""
    tiers = _tier_rules(tiers)
    months = pd.date_range(pd.Timestamp(start).to_period("M").start_time, end, freq="MS")
    ids = np.sort(customers["customer_id"].to_numpy())
    m_idx = (
        receipts["timestamp"].dt.year.to_numpy() * 12 + receipts["timestamp"].dt.month.to_numpy()
    ) - (months[0].year * 12 + months[0].month)
    c_idx = np.searchsorted(ids, receipts["customer_id"].to_numpy())
    n_m = len(months)
    spend = np.zeros((len(ids), n_m + 1))
    visits = np.zeros((len(ids), n_m + 1))
    np.add.at(spend, (c_idx, m_idx + 1), receipts["total"].to_numpy())
    np.add.at(visits, (c_idx, m_idx + 1), 1)
    cs, cv = spend.cumsum(axis=1), visits.cumsum(axis=1)
    # window for month k (first day months[k]): calendar months k-12 .. k-1 -> columns
    hi = np.arange(n_m)
    lo = np.maximum(hi - 12, 0)
    s12 = cs[:, hi] - cs[:, lo]
    v12 = cv[:, hi] - cv[:, lo]
    join = customers.set_index("customer_id").loc[ids, "join_date"].to_numpy()
    member = join[:, None] < months.to_numpy()[None, :]
    ci, mi = np.nonzero(member)
    out = pd.DataFrame(
        {
            "customer_id": ids[ci],
            "month": months[mi],
            "spend_12m": np.round(s12[ci, mi], 2),
            "visits_12m": v12[ci, mi].astype("int64"),
        }
    )
    out["tier"] = _tier_at(out["spend_12m"].to_numpy(), out["visits_12m"].to_numpy(), tiers)
    rank = out["tier"].cat.codes
    prev = rank.groupby(out["customer_id"]).shift()
    out["change"] = np.select(
        [prev.isna(), rank > prev, rank < prev], ["new", "upgrade", "downgrade"], "same"
    )
    return out


@register_table("tiers")
def _tiers(shop: Retailer, rng: np.random.Generator) -> pd.DataFrame:
    return simulate_tiers(shop.receipts, shop.customers, pd.Timestamp(shop.config.start), shop.end)
