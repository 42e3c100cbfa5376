"""The simulated retailer's six-hearts rating (六心服务评定): staff and their ratings.

``staff`` — the people of the six-hearts rating (六心服务评定, seed 004): six to eight
store staff per physical store (``role`` cashier, sales_associate, service_desk), one store
manager (店长, ``store_manager``) per store, and at head office (``store_id`` "HQ") the
store-operations manager (店务执行经理, ``ops_manager``), the marketing director
(市场营销部总监, ``marketing_director``) and the general manager (总经理,
``general_manager``). ``truth["staff"]`` holds each store employee's (and store manager's)
true level (1–5) on each of the six hearts (信心 ``confidence``, 热心 ``warmth``, 用心
``attentiveness``, 耐心 ``patience``, 诚心 ``sincerity``, 细心 ``carefulness``): a store
effect, plus an employee effect, plus a small effect per employee and heart.

``staff_ratings`` — the six-hearts ratings, **graded level by level** (逐级考核) every
quarter: each store employee by their store manager, each store manager by the
store-operations manager, who also spot-checks (抽查, ``kind`` "spot_check") a share
:attr:`StaffRules.spot_check_rate` of the store staff, so that two raters rate the same
person in the same quarter; the marketing director confirms (``confirmed_by``) and the
general manager signs (``signed_by``). Each heart gets 1–5 stars, ``round(true level +
the rater's leniency + noise)`` clipped to 1–5: every rater has a leniency (宽严倾向),
normal with sd :attr:`StaffRules.rater_sd` for the store managers and
:attr:`StaffRules.reference_sd` for the operations manager. ``truth["staff_ratings"]`` lists
each rater's leniency.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("staff", "staff_ratings")
>>> sorted(shop.staff_ratings["rater_role"].unique())
['ops_manager', 'store_manager']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..simulate import Retailer, register_table
from .satisfaction import _pick

__all__ = ["StaffRules", "STAFF_RULES", "HQ_ROLES"]

SIX_HEARTS: dict[str, str] = dict(cat.SIX_HEARTS)


@dataclass(frozen=True)
class StaffRules:
    """How the simulated staff and their six-hearts ratings are generated."""

    min_per_store: int = 6
    max_per_store: int = 8
    roles: dict[str, float] = field(
        default_factory=lambda: {"cashier": 0.35, "sales_associate": 0.4, "service_desk": 0.25}
    )
    level_mean: float = 3.7
    store_sd: float = 0.25
    employee_sd: float = 0.35
    heart_sd: float = 0.25
    rater_sd: float = 0.45
    reference_sd: float = 0.1
    noise_sd: float = 0.5
    spot_check_rate: float = 0.3
    period: str = "Q"


STAFF_RULES = StaffRules()
#: Head-office roles of the rating chain, with their employee ids.
HQ_ROLES: dict[str, str] = {
    "ops_manager": "H001",
    "marketing_director": "H002",
    "general_manager": "H003",
}


def _names(rng: np.random.Generator, n: int) -> list[str]:
    surnames = [s for s, _ in cat.SURNAMES]
    given = [g for g, _ in cat.GIVEN_CHARS]
    picks = zip(
        rng.integers(len(surnames), size=n),
        rng.integers(len(given), size=n),
        rng.integers(len(given), size=n),
        strict=True,
    )
    return [surnames[i] + given[j] + given[k] for i, j, k in picks]


@register_table("staff")
def _staff(shop: Retailer, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    rules = STAFF_RULES
    stores = np.sort(shop.stores.loc[shop.stores["channel"] == "store", "store_id"].to_numpy())
    sizes = rng.integers(rules.min_per_store, rules.max_per_store + 1, size=len(stores))
    store_of = np.concatenate([np.repeat(stores, sizes), stores])  # the managers last
    n = len(store_of)
    roles = list(rules.roles)
    role = np.array(roles, dtype=object)[
        _pick(rng, np.tile(np.array(list(rules.roles.values())), (n, 1)))
    ]
    role[-len(stores) :] = "store_manager"
    ids = [f"E{i + 1:04d}" for i in range(n)]
    staff = pd.DataFrame(
        {"employee_id": ids, "store_id": store_of, "name": _names(rng, n), "role": role}
    )
    hq = pd.DataFrame(
        {
            "employee_id": list(HQ_ROLES.values()),
            "store_id": "HQ",
            "name": _names(rng, len(HQ_ROLES)),
            "role": list(HQ_ROLES),
        }
    )
    store_eff = dict(zip(stores, rng.normal(0, rules.store_sd, size=len(stores)), strict=True))
    level = (
        rules.level_mean
        + np.array([store_eff[s] for s in store_of])[:, None]
        + rng.normal(0, rules.employee_sd, size=(n, 1))
        + rng.normal(0, rules.heart_sd, size=(n, len(SIX_HEARTS)))
    )
    level = np.clip(level, 1.5, 4.9)
    truth = staff[["employee_id", "store_id", "role"]].copy()
    for j, h in enumerate(SIX_HEARTS):
        truth[h] = level[:, j]
    return pd.concat([staff, hq], ignore_index=True), truth


def _chain_pairs(staff: pd.DataFrame, rng: np.random.Generator, rate: float) -> pd.DataFrame:
    """Who rates whom in one period: (employee_id, store_id, rater_id, kind)."""
    managers = staff[staff["role"] == "store_manager"].set_index("store_id")["employee_id"]
    crew = staff[~staff["role"].isin(["store_manager", *HQ_ROLES])]
    ops = HQ_ROLES["ops_manager"]
    bosses = staff[staff["role"] == "store_manager"]
    spot = crew[rng.random(len(crew)) < rate]
    parts = [
        crew.assign(rater_id=crew["store_id"].map(managers), kind="routine"),
        bosses.assign(rater_id=ops, kind="routine"),
        spot.assign(rater_id=ops, kind="spot_check"),
    ]
    return pd.concat(parts, ignore_index=True)[["employee_id", "store_id", "rater_id", "kind"]]


@register_table("staff_ratings", requires=("staff",))
def _staff_ratings(shop: Retailer, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    rules = STAFF_RULES
    staff, truth = shop.staff, shop.truth["staff"].set_index("employee_id")
    raters = staff[staff["role"].isin(["store_manager", "ops_manager"])]
    sd = np.where(raters["role"] == "ops_manager", rules.reference_sd, rules.rater_sd)
    leniency = pd.Series(rng.normal(0, 1, size=len(raters)) * sd, index=raters["employee_id"])
    start = shop.receipts["timestamp"].min()
    periods = pd.period_range(start, shop.end - pd.Timedelta(days=1), freq=rules.period)
    frames = []
    for period in periods:
        pairs = _chain_pairs(staff, rng, rules.spot_check_rate)
        frames.append(pairs.assign(period=period.start_time))
    out = pd.concat(frames, ignore_index=True)
    level = truth.loc[out["employee_id"], list(SIX_HEARTS)].to_numpy()
    bias = leniency.reindex(out["rater_id"]).to_numpy()[:, None]
    stars = level + bias + rng.normal(0, rules.noise_sd, size=level.shape)
    stars = np.clip(np.rint(stars), 1, 5).astype("int64")
    role_of = staff.set_index("employee_id")["role"]
    out.insert(0, "rating_id", np.arange(1, len(out) + 1, dtype="int64"))
    out["role"] = out["employee_id"].map(role_of).to_numpy()
    out["rater_role"] = out["rater_id"].map(role_of).to_numpy()
    for j, h in enumerate(SIX_HEARTS):
        out[h] = stars[:, j]
    out["confirmed_by"] = HQ_ROLES["marketing_director"]
    out["signed_by"] = HQ_ROLES["general_manager"]
    cols = ["rating_id", "period", "employee_id", "store_id", "role", "rater_id", "rater_role"]
    out = out[[*cols, "kind", *SIX_HEARTS, "confirmed_by", "signed_by"]]
    rater_truth = pd.DataFrame(
        {
            "rater_id": leniency.index,
            "rater_role": raters["role"].to_numpy(),
            "store_id": raters["store_id"].to_numpy(),
            "leniency": leniency.to_numpy(),
        }
    )
    return out, rater_truth
