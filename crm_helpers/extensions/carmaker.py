"""Chapter 03's case: the Shanghai Volkswagen (上海大众) customer development centre (客户开发中心,
CAC) and its free hotline 800 820 1111, simulated with known truth.

The case (textbook chapter 4): CRM planned in 2001 and launched early in 2002; the hotline
answers prospects' and owners' questions on products, service and campaigns; it **logs
complaints** about dealers (经销商) and service stations and reports the result back; while
answering it **finds callers who intend to buy**, records their details and the model they
want, **asks permission** to stay in touch, and **follows up by purchase timing and model**;
it also calls out to verify and update data and to survey. Dealers, through whom every car
is sold, are the carmaker's **first-level customers** (第一层面的客户); all information
goes into one database with **one lifelong file per customer** (客户终生档案).

Four tables (``shop.with_tables("svw_calls", ...)``), drawn together from the retailer's
seed (their own random stream; the retailer's tables are not used), over 2002 with
purchases and follow-ups into mid-2003; the number of callers is ``n_customers``
(at least 400):

* ``svw_dealers`` — ``dealer_id``, ``city``, ``city_zh``, ``region``, ``size`` (share of
  the callers it serves).
* ``svw_calls`` — inbound calls: ``call_id``, ``caller_id``, ``timestamp``, ``purpose``
  (``inquiry`` 咨询, ``complaint`` 投诉, ``service`` 服务请求), ``caller_type``
  (``prospect`` or ``owner``, as the caller says), ``dealer_id`` (the caller's
  dealer; for complaints the one complained about), ``model_interest``,
  ``purchase_interest`` (the agent found an intention to buy), ``consent`` (the caller
  allowed follow-up; missing without interest), ``purchase_timing``
  (``within_1_month``, ``1_3_months``, ``3_6_months``; asked only with consent),
  ``lead_id`` (a captured lead: interest and consent), and for complaints ``routed_at``
  (passed to the dealer), ``resolved_at`` (the dealer closed it) and ``feedback_at`` (the
  centre told the caller; missing when it did not).
* ``svw_followups`` — outbound calls: ``followup_id``, ``caller_id``, ``lead_id``,
  ``timestamp``, ``kind`` (``follow_up`` 跟进, ``verification`` 核实 after a purchase,
  ``survey`` 调研).
* ``svw_sales`` — cars sold to callers, as dealers report them over the extranet
  (经销商广域网): ``sale_id``, ``caller_id``, ``dealer_id``, ``model``, ``date``.

**The model.** Each caller is a prospect (65 %) or an owner. A caller with a real
intention to buy (prospects 60 %, owners 15 %) is recognised by the agent with
``p_detect``; a caller without one is wrongly flagged with ``p_false``; a recognised
caller consents with ``p_consent``. Intending callers buy with a probability by timing
(:attr:`CaseRules.p_buy`), times ``follow_up_lift`` when the centre's first follow-up came
on time (within the timing's gap); the purchase falls uniformly inside the timing window.
The centre forgets a lead with ``p_forget``; otherwise its first follow-up comes after the
gap, or late (2-4 gaps) with ``p_late``, then every gap until the purchase or the window's
end. Complaints: owners' calls are complaints with a probability scaled by their dealer's
hidden ``complaint_factor``; routing takes hours, the dealer resolves in a Gamma time with
its hidden mean ``resolve_days``, and the centre reports back with ``p_feedback``.

``truth["svw_calls"]`` has one row per caller (``caller_id``, ``kind``, ``intends``,
``true_timing``, ``followed_on_time``, ``bought``); ``truth["svw_dealers"]`` the dealers'
``complaint_factor`` and ``resolve_days``.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("svw_calls", "svw_sales")
>>> calls = shop.svw_calls
>>> bool((calls["lead_id"].notna() == (calls["purchase_interest"] & (calls["consent"] == True))).all())
True
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..simulate import Retailer, register_parts

__all__ = ["CaseRules", "CASE_RULES", "simulate_case"]

_START, _CALLS_END, _END = (
    pd.Timestamp("2002-01-01"),
    pd.Timestamp("2003-01-01"),
    pd.Timestamp("2003-07-01"),
)
_WINDOW = {"within_1_month": (0, 30), "1_3_months": (30, 90), "3_6_months": (90, 180)}


@dataclass(frozen=True)
class CaseRules:
    """The stated model of the simulated customer development centre."""

    n_dealers: int = 12
    p_prospect: float = 0.65
    p_intends: dict[str, float] = field(default_factory=lambda: {"prospect": 0.6, "owner": 0.15})
    p_detect: float = 0.85
    p_false: float = 0.03
    p_consent: float = 0.7
    timing: dict[str, float] = field(
        default_factory=lambda: {"within_1_month": 0.3, "1_3_months": 0.4, "3_6_months": 0.3}
    )
    p_buy: dict[str, float] = field(
        default_factory=lambda: {"within_1_month": 0.45, "1_3_months": 0.3, "3_6_months": 0.15}
    )
    follow_up_lift: float = 1.5
    p_forget: float = 0.1
    p_late: float = 0.3
    extra_calls: float = 0.6
    p_complaint_owner: float = 0.3
    p_complaint_prospect: float = 0.05
    p_service_owner: float = 0.2
    p_feedback: float = 0.85
    p_survey: float = 0.5


CASE_RULES = CaseRules()


def _dealers(rng: np.random.Generator, rules: CaseRules) -> tuple[pd.DataFrame, pd.DataFrame]:
    cities = cat.CITIES[: rules.n_dealers]
    size = rng.gamma(4.0, 1.0, len(cities))
    ids = [f"D{i + 1:02d}" for i in range(len(cities))]
    dealers = pd.DataFrame({"dealer_id": ids, "city": [c[0] for c in cities],
                            "city_zh": [c[1] for c in cities], "region": [c[2] for c in cities],
                            "size": size / size.sum()})  # fmt: skip
    truth = pd.DataFrame({"dealer_id": ids,
                          "complaint_factor": rng.lognormal(0.0, 0.5, len(ids)),
                          "resolve_days": rng.uniform(2.0, 12.0, len(ids))})  # fmt: skip
    return dealers, truth


def _callers(
    n: int, dealers: pd.DataFrame, rng: np.random.Generator, rules: CaseRules
) -> pd.DataFrame:
    kind = np.where(rng.random(n) < rules.p_prospect, "prospect", "owner")
    intends = rng.random(n) < pd.Series(kind).map(rules.p_intends).to_numpy()
    timings = list(rules.timing)
    tp = np.array(list(rules.timing.values()))
    models = [m[0] for m in cat.SVW_MODELS]
    mp = np.array([m[2] for m in cat.SVW_MODELS])
    return pd.DataFrame({
        "caller_id": np.arange(1, n + 1), "kind": kind, "intends": intends,
        "true_timing": np.asarray(timings, dtype=object)[rng.choice(len(tp), n, p=tp / tp.sum())],
        "dealer_id": rng.choice(dealers["dealer_id"].to_numpy(), n, p=dealers["size"].to_numpy()),
        "model": np.asarray(models, dtype=object)[rng.choice(len(mp), n, p=mp / mp.sum())],
        "first_call": _START + pd.to_timedelta(rng.random(n) * 365, unit="D").floor("min"),
    })  # fmt: skip


def _first_calls(callers: pd.DataFrame, rng: np.random.Generator, rules: CaseRules) -> pd.DataFrame:
    """The first call of every caller: the one where a lead can be captured."""
    n = len(callers)
    flagged = np.where(
        callers["intends"], rng.random(n) < rules.p_detect, rng.random(n) < rules.p_false
    )
    consent = np.where(flagged, rng.random(n) < rules.p_consent, False)
    return pd.DataFrame({
        "caller_id": callers["caller_id"], "timestamp": callers["first_call"], "purpose": "inquiry",
        "caller_type": callers["kind"],
        "dealer_id": callers["dealer_id"], "model_interest": np.where(flagged, callers["model"], None),
        "purchase_interest": flagged,
        "consent": pd.array(np.where(flagged, consent, pd.NA), dtype="boolean"),
        "purchase_timing": np.where(consent, callers["true_timing"], None),
    })  # fmt: skip


def _later_calls(callers, dtruth, rng, rules: CaseRules) -> pd.DataFrame:
    """Further inbound calls: questions, complaints and service requests."""
    who = np.repeat(np.arange(len(callers)), rng.poisson(rules.extra_calls, len(callers)))
    c = callers.iloc[who].reset_index(drop=True)
    left = (_CALLS_END - c["first_call"]).dt.total_seconds().to_numpy()
    when = c["first_call"] + pd.to_timedelta(rng.random(len(c)) * left, unit="s").floor("min")
    factor = c["dealer_id"].map(dtruth.set_index("dealer_id")["complaint_factor"]).to_numpy()
    owner = (c["kind"] == "owner").to_numpy()
    p_c = np.minimum(
        np.where(owner, rules.p_complaint_owner, rules.p_complaint_prospect) * factor, 0.9
    )
    u = rng.random(len(c))
    purpose = np.where(
        u < p_c,
        "complaint",
        np.where(owner & (u < p_c + rules.p_service_owner), "service", "inquiry"),
    )
    return pd.DataFrame({"caller_id": c["caller_id"], "timestamp": when, "purpose": purpose,
                         "caller_type": c["kind"],
                         "dealer_id": c["dealer_id"], "model_interest": None,
                         "purchase_interest": False, "consent": pd.array([pd.NA] * len(c), dtype="boolean"),
                         "purchase_timing": None})  # fmt: skip


def _route(calls: pd.DataFrame, dtruth: pd.DataFrame, rng, rules: CaseRules) -> pd.DataFrame:
    comp = (calls["purpose"] == "complaint").to_numpy()
    n = int(comp.sum())
    mean = (
        calls.loc[comp, "dealer_id"].map(dtruth.set_index("dealer_id")["resolve_days"]).to_numpy()
    )
    routed = calls.loc[comp, "timestamp"] + pd.to_timedelta(rng.exponential(0.3, n), unit="D")
    resolved = routed + pd.to_timedelta(rng.gamma(2.0, mean / 2.0), unit="D")
    fed = resolved + pd.to_timedelta(rng.uniform(0.1, 2.0, n), unit="D")
    fed = fed.where(rng.random(n) < rules.p_feedback)
    for col, val in (("routed_at", routed), ("resolved_at", resolved), ("feedback_at", fed)):
        calls[col] = pd.Series(pd.NaT, index=calls.index, dtype="datetime64[ns]")
        calls.loc[comp, col] = val.dt.floor("min").to_numpy()
    return calls


def _after_sale_calls(
    sales: pd.DataFrame, rng: np.random.Generator, rules: CaseRules
) -> list[tuple]:
    """A verification call after every sale and, sometimes, a satisfaction survey."""
    rows: list[tuple] = []
    for caller, date in zip(sales["caller_id"].tolist(), sales["date"].tolist(), strict=True):
        rows.append(
            (caller, pd.NA, date + pd.Timedelta(days=float(rng.uniform(1, 7))), "verification")
        )
        if rng.random() < rules.p_survey:
            rows.append(
                (caller, pd.NA, date + pd.Timedelta(days=float(rng.uniform(25, 40))), "survey")
            )
    return rows


def _leads_and_sales(calls, callers, rng, rules: CaseRules):
    """Follow-ups of the captured leads, purchases and the after-sale calls."""
    leads = calls[calls["lead_id"].notna()].merge(
        callers[["caller_id", "intends", "model"]], on="caller_id"
    )
    gap = leads["purchase_timing"].map({k: v[0] for k, v in cat.SVW_FOLLOW_UP.items()}).to_numpy()
    forgotten = rng.random(len(leads)) < rules.p_forget
    late = rng.random(len(leads)) < rules.p_late
    first_delay = gap * np.where(late, rng.uniform(2.0, 4.0, len(leads)), 1.0)
    on_time = ~forgotten & ~late
    p = leads["purchase_timing"].map(rules.p_buy).to_numpy() * np.where(
        on_time, rules.follow_up_lift, 1.0
    )
    bought = leads["intends"].to_numpy() & (rng.random(len(leads)) < np.minimum(p, 1.0))
    lo_hi = np.array([_WINDOW[t] for t in leads["purchase_timing"]])
    buy_day = lo_hi[:, 0] + rng.random(len(leads)) * (lo_hi[:, 1] - lo_hi[:, 0])
    buy_at = leads["timestamp"] + pd.to_timedelta(buy_day, unit="D")
    rows = []
    caller, lead, stamp, timing = (
        leads[c].tolist() for c in ("caller_id", "lead_id", "timestamp", "purchase_timing")
    )
    for i in np.flatnonzero(~forgotten):
        stop = buy_day[i] if bought[i] else _WINDOW[timing[i]][1]
        for day in np.arange(first_delay[i], stop, gap[i]):
            rows.append((caller[i], lead[i], stamp[i] + pd.Timedelta(days=float(day)), "follow_up"))
    sales = pd.DataFrame({"caller_id": leads["caller_id"][bought], "dealer_id": leads["dealer_id"][bought],
                          "model": leads["model"][bought], "date": buy_at[bought].dt.floor("min")})  # fmt: skip
    rows.extend(_after_sale_calls(sales, rng, rules))
    fu = pd.DataFrame(rows, columns=["caller_id", "lead_id", "timestamp", "kind"])
    fu = fu[fu["timestamp"] < _END]
    sales = sales[sales["date"] < _END]
    per_caller = pd.DataFrame(
        {"caller_id": leads["caller_id"], "followed_on_time": on_time, "bought": bought}
    )
    return fu, sales, per_caller


@functools.lru_cache(maxsize=2)
def _simulate_default(seed: int, n_callers: int) -> dict[str, pd.DataFrame]:
    return _simulate(seed, n_callers, CASE_RULES)


def _simulate(seed: int, n_callers: int, rules: CaseRules) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng([int(seed), zlib.crc32(b"extra:svw_case")])
    dealers, dtruth = _dealers(rng, rules)
    callers = _callers(n_callers, dealers, rng, rules)
    calls = pd.concat(
        [_first_calls(callers, rng, rules), _later_calls(callers, dtruth, rng, rules)],
        ignore_index=True,
    )
    calls = calls.sort_values(["timestamp", "caller_id"], kind="stable", ignore_index=True)
    calls.insert(0, "call_id", np.arange(1, len(calls) + 1))
    captured = calls["purchase_interest"] & (calls["consent"] == True)  # noqa: E712
    calls["lead_id"] = pd.array(np.where(captured, captured.cumsum(), pd.NA), dtype="Int64")
    calls = _route(calls, dtruth, rng, rules)
    fu, sales, per_lead = _leads_and_sales(calls, callers, rng, rules)
    fu = fu.sort_values(["timestamp", "caller_id"], kind="stable", ignore_index=True)
    fu.insert(0, "followup_id", np.arange(1, len(fu) + 1))
    fu["timestamp"] = fu["timestamp"].dt.floor("min")
    fu["lead_id"] = fu["lead_id"].astype("Int64")
    sales = sales.sort_values("date", kind="stable", ignore_index=True)
    sales.insert(0, "sale_id", np.arange(1, len(sales) + 1))
    truth = callers[["caller_id", "kind", "intends", "true_timing"]].merge(
        per_lead, on="caller_id", how="left"
    )
    truth["followed_on_time"] = truth["followed_on_time"].astype("boolean")
    truth["bought"] = truth["bought"].fillna(False).astype(bool)
    return {"svw_dealers": dealers, "svw_calls": calls, "svw_followups": fu, "svw_sales": sales,
            "caller_truth": truth, "dealer_truth": dtruth}  # fmt: skip


def simulate_case(shop: Retailer, rules: CaseRules = CASE_RULES) -> dict[str, pd.DataFrame]:
    """All four tables and the truth (new copies), from the retailer's seed and size."""
    n = max(400, int(shop.config.n_customers))
    seed = int(shop.config.seed)
    sim = _simulate_default(seed, n) if rules is CASE_RULES else _simulate(seed, n, rules)
    return {k: v.copy() for k, v in sim.items()}


register_parts(
    simulate_case,
    {"svw_dealers": "dealer_truth", "svw_calls": "caller_truth", "svw_followups": None,
     "svw_sales": None},
)  # fmt: skip
