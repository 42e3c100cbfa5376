"""The simulated retailer implements its CRM strategy (CRM战略的实施): chapter 08's tables.

Four extra tables, each from its own random stream (the table's name), so adding one never
changes another:

``firms`` — six firms, the simulated retailer among them, as a consultant's readiness
survey and maturity audit would describe them. One row per firm: ``firm_id``, ``name``,
``industry``, the **maturity facts** of :data:`crm_helpers._catalogue.MATURITY_EVIDENCE`
(``identified_share``, ``duplicate_share``, ...; shares between 0 and 1) and one
``score_<criterion>`` per readiness criterion of
:data:`crm_helpers._catalogue.READINESS_CRITERIA` (the mean answer of the firm's managers,
1 = not at all, 5 = fully). Truth (``truth["firms"]``): each firm's ``stage`` (0-4, the
highest stage whose evidence and all lower stages' evidence pass; facts are drawn at least
``FirmRules.margin`` away from their thresholds) and its ``weak`` criteria (the two or
three planted problems, scores drawn in ``FirmRules.weak_scores``, the others in
``FirmRules.strong_scores``), comma-separated.

``complaint_log`` — an event log (事件日志) of complaint handling (投诉处理) before BPR, one
row per activity: ``case_id``, ``activity``, ``activity_zh``, ``department``, ``start``,
``end``, and the case's ``compensation`` (yuan claimed, 0 if none) and ``quality_issue``.
Every case runs register → classify → forward to store → investigate → [quality review
if a quality issue] → [approve compensation if compensation > 0] → reply to customer →
[reopen → investigate → reply]* → close case. The wait before an activity and its
duration are exponential with the means of :class:`ProcessRules`; the planted
**bottleneck** (瓶颈) is the finance department's approval queue (mean wait
``ProcessRules.wait["approve compensation"]``). Truth: one row per activity with its
``mean_wait_h``, ``mean_duration_h``, ``department`` and ``bottleneck`` flag.

``rollout`` — a store × week panel of 2025 (the 14 physical stores, weeks 1-52): the CRM
goes live in the **pilot** stores in week ``RolloutRules.go_live_week``; the other stores
follow in 2026 (after the panel), so they are the comparison group. Columns: ``store_id``,
``week``, ``week_start``, ``pilot``, ``crm_live``, ``customers`` (served that week),
``customer_value`` (yuan spent per customer), ``cost_to_serve`` (yuan of service cost per
customer) and ``efficiency`` (customers served per staff hour). Each outcome is
store level + a common week effect (season and trend; hence **parallel pre-trends**) +
``effect`` × ``crm_live`` + noise whose spread falls with the customers served. Pilot
stores are chosen among the bigger stores, so their level differs: a plain after-period
comparison is biased, the difference-in-differences (双重差分) is not. Truth: one row per
outcome with the planted ``effect``.

``training`` — the staff of those stores (收银员, 服务台, 客服, 店长) with their assessed skills
(``skill_business``, ``skill_people``, ``skill_self``, 1-5), whether they were trained
(the pilot stores' staff, at go-live), a knowledge test and a performance score
(first-contact resolution, %) before and after. Truth: the planted ``effect`` of training
on ``test`` and ``performance`` and the common ``trend``.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("complaint_log", "rollout")
>>> shop.truth["complaint_log"].query("bottleneck")["activity"].tolist()
['approve compensation']
>>> int(shop.rollout.groupby("store_id").size().iloc[0])
52
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..simulate import Retailer, register_table

__all__ = [
    "FirmRules",
    "ProcessRules",
    "RolloutRules",
    "TrainingRules",
    "simulate_firms",
    "simulate_complaint_log",
    "simulate_rollout",
    "simulate_training",
]


@dataclass(frozen=True)
class FirmRules:
    """The stated rules of the simulated firms (see the module docstring)."""

    #: (firm_id, name, industry, true stage)
    firms: tuple[tuple[str, str, str, int], ...] = (
        ("F1", "鲜享汇超市 FreshJoy Market (our retailer)", "retail", 2),
        ("F2", "华东家电 East China Appliances", "retail", 1),
        ("F3", "锦程银行 Jincheng Bank", "banking", 3),
        ("F4", "悦行汽车经销 Yuexing Auto Dealers", "automotive", 4),
        ("F5", "青禾母婴 Qinghe Baby Stores", "retail", 0),
        ("F6", "云途物流 Yuntu Logistics", "logistics", 1),
    )
    margin: float = 0.05
    weak_scores: tuple[float, float] = (1.2, 2.3)
    strong_scores: tuple[float, float] = (3.0, 4.8)
    n_weak: tuple[int, int] = (2, 3)


@dataclass(frozen=True)
class ProcessRules:
    """The stated rules of the complaint-handling log (hours)."""

    wait: dict[str, float] = field(
        default_factory=lambda: {
            "register complaint": 0.0,
            "classify": 0.5,
            "forward to store": 2.0,
            "investigate": 10.0,
            "quality review": 12.0,
            "approve compensation": 48.0,
            "reply to customer": 6.0,
            "reopen": 20.0,
            "close case": 1.0,
        }  # fmt: skip
    )
    duration: dict[str, float] = field(
        default_factory=lambda: {
            "register complaint": 0.2,
            "classify": 0.3,
            "forward to store": 0.2,
            "investigate": 3.0,
            "quality review": 2.0,
            "approve compensation": 0.5,
            "reply to customer": 0.5,
            "reopen": 0.3,
            "close case": 0.1,
        }  # fmt: skip
    )
    compensation_share: float = 0.6
    compensation_median: float = 150.0
    quality_share: float = 0.3
    reopen: tuple[float, ...] = (0.2, 0.1)
    cases_per_member: float = 0.1
    min_cases: int = 150
    bottleneck: str = "approve compensation"


@dataclass(frozen=True)
class RolloutRules:
    """The stated rules of the store rollout panel."""

    weeks: int = 52
    go_live_week: int = 27
    n_pilot: int = 6
    #: outcome: (base level, store spread, pilot level shift, planted effect, noise scale)
    outcomes: dict[str, tuple[float, float, float, float, float]] = field(
        default_factory=lambda: {
            "customer_value": (120.0, 12.0, 10.0, 6.0, 60.0),
            "cost_to_serve": (15.0, 2.0, -1.0, -2.0, 12.0),
            "efficiency": (9.0, 1.0, 0.5, 0.8, 5.0),
        }
    )
    customers_per_member: float = 0.08


@dataclass(frozen=True)
class TrainingRules:
    """The stated rules of the staff training table."""

    staff_per_store: int = 8
    roles: tuple[tuple[str, str, float], ...] = (
        ("cashier", "收银员", 0.45), ("service desk", "服务台", 0.25),
        ("call centre", "客服", 0.2), ("store manager", "店长", 0.1),
    )  # fmt: skip
    effect: dict[str, float] = field(default_factory=lambda: {"test": 15.0, "performance": 8.0})
    trend: dict[str, float] = field(default_factory=lambda: {"test": 2.0, "performance": 1.0})


FIRM_RULES, PROCESS_RULES = FirmRules(), ProcessRules()
ROLLOUT_RULES, TRAINING_RULES = RolloutRules(), TrainingRules()


def _fact(rng: np.random.Generator, threshold: float, direction: str, passes: bool, m: float):
    lo, hi = (threshold + m, 1.0) if (direction == "min") == passes else (0.0, threshold - m)
    return float(rng.uniform(max(lo, 0.0), min(hi, 1.0)))


def simulate_firms(rng: np.random.Generator, rules: FirmRules = FIRM_RULES):
    """The firms table and its truth (stage and planted weak criteria)."""
    keys = [c[0] for c in cat.READINESS_CRITERIA]
    rows, truth = [], []
    for firm_id, name, industry, stage in rules.firms:
        row: dict = {"firm_id": firm_id, "name": name, "industry": industry}
        for fact, level, thr, direction, _ in cat.MATURITY_EVIDENCE:
            row[fact] = _fact(rng, thr, direction, level <= stage, rules.margin)
        if firm_id == "F6":  # predictions without shared data: the stages build on each other
            for fact, level, thr, direction, _ in cat.MATURITY_EVIDENCE:
                if level == 3:
                    row[fact] = _fact(rng, thr, direction, True, rules.margin)
        weak = sorted(rng.choice(keys, size=rng.integers(*rules.n_weak, endpoint=True),
                                 replace=False).tolist())  # fmt: skip
        for k in keys:
            lo, hi = rules.weak_scores if k in weak else rules.strong_scores
            row[f"score_{k}"] = round(float(rng.uniform(lo, hi)), 2)
        rows.append(row)
        truth.append({"firm_id": firm_id, "stage": stage, "weak": ",".join(weak)})
    return pd.DataFrame(rows), pd.DataFrame(truth)


def _case_path(rng: np.random.Generator, comp: float, quality: bool, rules: ProcessRules):
    path = ["register complaint", "classify", "forward to store", "investigate"]
    if quality:
        path.append("quality review")
    if comp > 0:
        path.append("approve compensation")
    path.append("reply to customer")
    for p in rules.reopen:
        if rng.random() >= p:
            break
        path += ["reopen", "investigate", "reply to customer"]
    return [*path, "close case"]


def simulate_complaint_log(
    n_cases: int, year_start: pd.Timestamp, rng: np.random.Generator,
    rules: ProcessRules = PROCESS_RULES,
) -> pd.DataFrame:  # fmt: skip
    """The complaint-handling event log of ``n_cases`` cases arriving over one year."""
    info = {a: (zh, d) for a, zh, d, _ in cat.COMPLAINT_ACTIVITIES}
    arrivals = np.sort(rng.uniform(0, 365 * 24 - 24 * 30, size=n_cases))
    has_comp = rng.random(n_cases) < rules.compensation_share
    comp = np.where(
        has_comp, np.round(rules.compensation_median * rng.lognormal(0, 0.6, n_cases)), 0
    )
    quality = rng.random(n_cases) < rules.quality_share
    rows = []
    for i in range(n_cases):
        clock = arrivals[i]
        for act in _case_path(rng, comp[i], bool(quality[i]), rules):
            start = clock + (rng.exponential(rules.wait[act]) if rules.wait[act] else 0.0)
            end = start + rng.exponential(rules.duration[act])
            rows.append((f"K{i + 1:05d}", act, info[act][0], info[act][1], start, end,
                         float(comp[i]), bool(quality[i])))  # fmt: skip
            clock = end
    out = pd.DataFrame(rows, columns=["case_id", "activity", "activity_zh", "department",
                                      "start", "end", "compensation", "quality_issue"])  # fmt: skip
    for col in ("start", "end"):
        out[col] = (year_start + pd.to_timedelta(out[col], unit="h")).dt.floor("s")
    return out


def _process_truth(rules: ProcessRules) -> pd.DataFrame:
    return pd.DataFrame(
        [{"activity": a, "activity_zh": zh, "department": d, "mean_wait_h": rules.wait[a],
          "mean_duration_h": rules.duration[a], "bottleneck": a == rules.bottleneck}
         for a, zh, d, _ in cat.COMPLAINT_ACTIVITIES]
    )  # fmt: skip


def simulate_rollout(
    stores: pd.Series, n_members: int, year_start: pd.Timestamp, rng: np.random.Generator,
    rules: RolloutRules = ROLLOUT_RULES,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The store × week panel and its truth (the planted effect per outcome)."""
    ids = stores.index.to_numpy()
    size = stores.to_numpy() / stores.mean()
    pilot = np.zeros(len(ids), dtype=bool)
    bigger = np.argsort(-size + rng.normal(0, 0.3, len(ids)))
    pilot[bigger[: rules.n_pilot]] = True
    weeks = np.arange(1, rules.weeks + 1)
    s, w = np.repeat(np.arange(len(ids)), len(weeks)), np.tile(weeks, len(ids))
    live = pilot[s] & (w >= rules.go_live_week)
    lam = np.maximum(30.0, rules.customers_per_member * n_members * size[s] / len(ids) * 10)
    customers = rng.poisson(lam)
    out = pd.DataFrame({"store_id": ids[s], "week": w,
                        "week_start": year_start + pd.to_timedelta((w - 1) * 7, unit="D"),
                        "pilot": pilot[s], "crm_live": live, "customers": customers})  # fmt: skip
    season = np.sin(2 * np.pi * weeks / 52)
    for name, (base, spread, shift, effect, noise) in rules.outcomes.items():
        level = base + spread * rng.normal(0, 1, len(ids)) + shift * pilot
        common = (
            0.05 * base * season + 0.02 * base * weeks / 52 + rng.normal(0, spread / 4, len(weeks))
        )
        eps = rng.normal(0, 1, len(s)) * noise / np.sqrt(customers)
        out[name] = np.round(level[s] + common[w - 1] + effect * live + eps, 3)
    truth = pd.DataFrame([{"outcome": k, "effect": v[3], "go_live_week": rules.go_live_week}
                          for k, v in rules.outcomes.items()])  # fmt: skip
    return out, truth


def simulate_training(
    stores: pd.DataFrame, rng: np.random.Generator, rules: TrainingRules = TRAINING_RULES
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff with skills, training flag and before/after test and performance."""
    n = len(stores) * rules.staff_per_store
    store_idx = np.repeat(np.arange(len(stores)), rules.staff_per_store)
    share = np.array([r[2] for r in rules.roles])
    role = rng.choice(len(rules.roles), size=n, p=share / share.sum())
    trained = stores["pilot"].to_numpy()[store_idx]
    out = pd.DataFrame({"staff_id": [f"E{i + 1:04d}" for i in range(n)],
                        "store_id": stores["store_id"].to_numpy()[store_idx],
                        "role": [rules.roles[r][0] for r in role],
                        "role_zh": [rules.roles[r][1] for r in role]})  # fmt: skip
    for key, _, _ in cat.TRAINING_MODULES:
        out[f"skill_{key}"] = np.round(np.clip(rng.normal(3.2, 0.8, n), 1, 5), 1)
    out["trained"] = trained
    for k, (mu, sd) in {"test": (60.0, 10.0), "performance": (70.0, 8.0)}.items():
        before = rng.normal(mu, sd, n)
        out[f"{k}_before"] = np.round(before, 1)
        gain = rules.trend[k] + rules.effect[k] * trained + rng.normal(0, sd / 2, n)
        out[f"{k}_after"] = np.round(before + gain, 1)
    truth = pd.DataFrame([{"measure": k, "effect": rules.effect[k], "trend": rules.trend[k]}
                          for k in rules.effect])  # fmt: skip
    return out, truth


def _stores(shop: Retailer) -> pd.Series:
    """Physical stores and their share of receipts (their size)."""
    ids = shop.stores.loc[shop.stores["channel"] == "store", "store_id"].astype(str)
    counts = shop.receipts["store_id"].astype(str).value_counts()
    return counts.reindex(ids).fillna(1.0).rename("size").rename_axis("store_id")


def _year_start(shop: Retailer) -> pd.Timestamp:
    return pd.Timestamp(f"{(shop.end - pd.Timedelta(days=1)).year}-01-01")


@register_table("firms")
def _firms_table(shop: Retailer, rng: np.random.Generator):
    return simulate_firms(rng)


@register_table("complaint_log")
def _complaint_table(shop: Retailer, rng: np.random.Generator):
    r = PROCESS_RULES
    n = max(r.min_cases, int(r.cases_per_member * len(shop.customers)))
    return simulate_complaint_log(n, _year_start(shop), rng), _process_truth(r)


@register_table("rollout")
def _rollout_table(shop: Retailer, rng: np.random.Generator):
    return simulate_rollout(_stores(shop), len(shop.customers), _year_start(shop), rng)


@register_table("training", requires=("rollout",))
def _training_table(shop: Retailer, rng: np.random.Generator):
    stores = shop.rollout.drop_duplicates("store_id")[["store_id", "pilot"]]
    return simulate_training(stores.reset_index(drop=True), rng)
