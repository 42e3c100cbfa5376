"""Evaluating a CRM rollout (评估与反馈) by difference-in-differences, and training.

The CRM went live in some stores (the pilot, 试点门店) before the others. Its effect on an
outcome (customer value, cost to serve, efficiency: the chapter's three tests) is the
**difference-in-differences** (双重差分, DiD): the pilot stores' change from before to after
minus the other stores' change over the same weeks. On a balanced panel with one go-live
week this equals the two-way fixed-effects regression y = store + week + δ·live + ε; its
standard error is **cluster-robust by store** (weeks of one store are not independent;
CR1 with G/(G−1)·(N−1)/(N−K) and a t quantile with G−1 degrees of freedom), or a
**bootstrap over stores** (resample whole stores). The DiD needs **parallel trends**:
before go-live the gap between the groups must not drift (:func:`pretrend`).

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("rollout")
>>> r = did(shop.rollout, "customer_value")
>>> truth = shop.truth["rollout"].set_index("outcome").loc["customer_value", "effect"]
>>> bool(r["ci"][0] <= truth <= r["ci"][1])
True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from .. import _catalogue as cat

__all__ = [
    "did_means",
    "did",
    "did_table",
    "pretrend",
    "group_trends",
    "training_plan",
    "training_effect",
]


def _check_panel(panel: pd.DataFrame, outcome: str, unit: str, time: str, treat: str):
    missing = [c for c in (unit, time, treat, outcome) if c not in panel.columns]
    if missing:
        raise ValueError(f"The panel lacks the column(s) {missing}; it has {list(panel.columns)}.")
    if panel[[unit, time]].duplicated().any():
        raise ValueError(f"The panel has more than one row for some ({unit}, {time}).")
    counts = panel.groupby(unit)[time].nunique()
    if counts.nunique() != 1 or panel[time].nunique() != counts.iloc[0]:
        raise ValueError(f"The panel must be balanced: every {unit} observed in every {time}.")
    if panel[outcome].isna().any():
        raise ValueError(f"The outcome {outcome!r} has missing values.")
    ever = panel.groupby(unit)[treat].any()
    if ever.all() or not ever.any():
        raise ValueError(f"DiD needs treated and untreated units; {treat!r} has only one kind.")


def _groups(panel: pd.DataFrame, unit: str, time: str, treat: str) -> tuple[pd.Series, int]:
    """Which units are ever treated, and the first treated period."""
    ever = panel.groupby(unit)[treat].transform("any")
    return ever, int(panel.loc[panel[treat].astype(bool), time].min())


def did_means(
    panel: pd.DataFrame, outcome: str, unit: str = "store_id", time: str = "week",
    treat: str = "crm_live",
) -> pd.DataFrame:  # fmt: skip
    """The 2 × 2 table of mean outcomes: group (pilot / comparison) × period (before /
    after go-live), with the differences; ``attrs["estimate"]`` is the DiD."""
    _check_panel(panel, outcome, unit, time, treat)
    ever, first = _groups(panel, unit, time, treat)
    period = np.where(panel[time] >= first, "after", "before")
    group = np.where(ever, "pilot", "comparison")
    t = panel.groupby([group, period])[outcome].mean().unstack()[["before", "after"]]
    t = t.reindex(["pilot", "comparison"])
    t["change"] = t["after"] - t["before"]
    t.attrs["estimate"] = float(t.loc["pilot", "change"] - t.loc["comparison", "change"])
    return t


def _codes(values: np.ndarray) -> np.ndarray:
    """Integer codes 0..k-1 of ``values`` (the groups of a fixed effect)."""
    return np.unique(values, return_inverse=True)[1].ravel()


def _demean(y: np.ndarray, unit: np.ndarray, time: np.ndarray) -> np.ndarray:
    """``y`` minus its unit and time means plus its grand mean (``unit`` and ``time`` are
    integer codes; on a balanced panel this is the two-way within transformation)."""
    n_u, n_t = np.bincount(unit), np.bincount(time)
    u_mean = np.bincount(unit, weights=y) / n_u
    t_mean = np.bincount(time, weights=y) / n_t
    return y - u_mean[unit] - t_mean[time] + y.mean()


def _twfe(y: np.ndarray, d: np.ndarray, unit: np.ndarray, time: np.ndarray):
    """Two-way fixed-effects DiD on integer-coded ``unit`` and ``time``."""
    yt, dt = _demean(y, unit, time), _demean(d, unit, time)
    beta = float(dt @ yt / (dt @ dt))
    return beta, yt - beta * dt, dt


def did(
    panel: pd.DataFrame, outcome: str, unit: str = "store_id", time: str = "week",
    treat: str = "crm_live", method: str = "cluster", alpha: float = 0.05,
    n_boot: int = 999, seed: int = 0,
) -> dict:  # fmt: skip
    """DiD estimate of ``treat``'s effect on ``outcome`` with a 1 − ``alpha`` interval.

    ``method``: ``"cluster"`` (cluster-robust by ``unit``) or ``"bootstrap"`` (percentile
    interval over ``n_boot`` resamples of whole units). Returns ``estimate``, ``se``,
    ``ci`` [low, high], ``method``, ``units`` and ``treated_units``.
    """
    if method not in ("cluster", "bootstrap"):
        raise ValueError(f"method must be 'cluster' or 'bootstrap'; got {method!r}.")
    _check_panel(panel, outcome, unit, time, treat)
    y = panel[outcome].to_numpy(float)
    d = panel[treat].to_numpy(float)
    u, t = _codes(panel[unit].to_numpy()), _codes(panel[time].to_numpy())
    beta, resid, dt = _twfe(y, d, u, t)
    n_units = len(np.unique(u))
    if method == "cluster":
        score = np.bincount(u, weights=dt * resid)
        n, k = len(y), 1 + n_units + len(np.unique(t)) - 1
        corr = n_units / (n_units - 1) * (n - 1) / (n - k)
        se = float(np.sqrt(corr * (score @ score)) / (dt @ dt))
        q = stats.t.ppf(1 - alpha / 2, n_units - 1)
        ci = [beta - q * se, beta + q * se]
    else:
        draws = _bootstrap(y, d, u, t, n_boot, seed)
        se = float(draws.std(ddof=1))
        ci = [float(np.quantile(draws, alpha / 2)), float(np.quantile(draws, 1 - alpha / 2))]
    treated = int(panel.groupby(unit)[treat].any().sum())
    return {"estimate": beta, "se": se, "ci": [float(ci[0]), float(ci[1])], "method": method,
            "units": n_units, "treated_units": treated}  # fmt: skip


def did_table(
    panel: pd.DataFrame, outcomes: list[str], truth: Mapping[str, float] | None = None,
    n_boot: int = 300, seed: int = 0, **kwargs,
) -> pd.DataFrame:  # fmt: skip
    """One row per outcome: the DiD estimate, its standard error, the cluster-robust
    interval (``ci_low``, ``ci_high``), the bootstrap interval (``boot_low``, ``boot_high``)
    and, if given, the ``truth``. ``kwargs`` go to :func:`did` (unit, time, treat, alpha)."""
    rows = []
    for outcome in outcomes:
        r = did(panel, outcome, **kwargs)
        boot = did(panel, outcome, method="bootstrap", n_boot=n_boot, seed=seed, **kwargs)
        rows.append({"outcome": outcome, "estimate": r["estimate"], "se": r["se"],
                     "ci_low": r["ci"][0], "ci_high": r["ci"][1],
                     "boot_low": boot["ci"][0], "boot_high": boot["ci"][1]})  # fmt: skip
    out = pd.DataFrame(rows)
    if truth is not None:
        out["truth"] = out["outcome"].map(dict(truth))
    return out


def _bootstrap(y, d, u, t, n_boot: int, seed: int) -> np.ndarray:
    """``n_boot`` DiD estimates on resamples of whole units (``u``, ``t``: integer codes);
    a resample without both treated and untreated units is drawn again."""
    rng = np.random.default_rng(seed)
    units = np.unique(u)
    rows = {k: np.flatnonzero(u == k) for k in units}
    ever = {k: bool(d[rows[k]].max() > 0) for k in units}
    draws = []
    while len(draws) < n_boot:
        pick = rng.choice(units, size=len(units), replace=True)
        treated = np.array([ever[k] for k in pick])
        if treated.all() or not treated.any():
            continue  # a resample without both groups has no DiD
        idx = np.concatenate([rows[k] for k in pick])
        new_u = np.repeat(np.arange(len(pick)), [len(rows[k]) for k in pick])
        draws.append(_twfe(y[idx], d[idx], new_u, t[idx])[0])
    return np.asarray(draws)


def group_trends(
    panel: pd.DataFrame, outcome: str, unit: str = "store_id", time: str = "week",
    treat: str = "crm_live",
) -> pd.DataFrame:  # fmt: skip
    """Mean outcome per period for the pilot and comparison groups, and their gap."""
    _check_panel(panel, outcome, unit, time, treat)
    ever, first = _groups(panel, unit, time, treat)
    group = np.where(ever, "pilot", "comparison")
    out = panel.groupby([panel[time], group])[outcome].mean().unstack()
    out["gap"] = out["pilot"] - out["comparison"]
    out.attrs["first_treated"] = first
    return out.reset_index()


def pretrend(
    panel: pd.DataFrame, outcome: str, unit: str = "store_id", time: str = "week",
    treat: str = "crm_live", alpha: float = 0.05,
) -> dict:  # fmt: skip
    """The parallel-trends check: the slope of the pilot − comparison gap per period before
    go-live, with a 1 − ``alpha`` interval (OLS on the weekly gaps). An interval containing
    0 is consistent with parallel trends."""
    g = group_trends(panel, outcome, unit, time, treat)
    pre = g[g[time] < g.attrs["first_treated"]]
    if len(pre) < 3:
        raise ValueError("The parallel-trends check needs at least 3 periods before go-live.")
    res = stats.linregress(pre[time].to_numpy(float), pre["gap"].to_numpy(float))
    q = stats.t.ppf(1 - alpha / 2, len(pre) - 2)
    ci = [res.slope - q * res.stderr, res.slope + q * res.stderr]
    return {"slope": float(res.slope), "ci": [float(ci[0]), float(ci[1])],
            "p_value": float(res.pvalue), "periods": len(pre),
            "parallel": bool(ci[0] <= 0 <= ci[1])}  # fmt: skip


#: hours of each training module (the course's plan; change them)
TRAINING_HOURS: dict[str, float] = {"business": 16.0, "people": 12.0, "self": 8.0}


def training_plan(
    staff: pd.DataFrame, target: float = 3.5, hours: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Each employee's training module: the one with the largest gap below ``target``
    among ``skill_business``, ``skill_people`` and ``skill_self`` (none if no gap).
    Returns staff_id, role, module, module_zh, gap and hours."""
    keys = [m[0] for m in cat.TRAINING_MODULES]
    cols = [f"skill_{k}" for k in keys]
    missing = [c for c in ["staff_id", *cols] if c not in staff.columns]
    if missing:
        raise ValueError(f"staff lacks the column(s) {missing}; skills are scored 1-5.")
    hours = {**TRAINING_HOURS, **dict(hours or {})}
    gaps = (target - staff[cols]).clip(lower=0)
    gaps.columns = keys
    best = gaps.idxmax(axis=1).where(gaps.max(axis=1) > 0, "none")
    zh = {k: z for k, _, z in cat.TRAINING_MODULES} | {"none": "无需培训"}
    out = staff[["staff_id"] + [c for c in ("store_id", "role") if c in staff]].copy()
    out["module"], out["module_zh"] = best, best.map(zh)
    out["gap"] = gaps.max(axis=1)
    out["hours"] = best.map(hours).fillna(0.0)
    return out


def training_effect(staff: pd.DataFrame, measure: str = "performance", alpha: float = 0.05):
    """Before/after means of ``measure`` for trained and untrained staff, and the training
    effect: the trained staff's mean change minus the untrained staff's (a DiD), with a
    Welch interval. Returns a dict with ``table`` (DataFrame) and ``estimate``, ``ci``."""
    cols = [f"{measure}_before", f"{measure}_after", "trained"]
    missing = [c for c in cols if c not in staff.columns]
    if missing:
        raise ValueError(f"staff lacks the column(s) {missing}.")
    change = staff[cols[1]] - staff[cols[0]]
    table = (
        staff.groupby("trained")[cols[:2]]
        .mean()
        .assign(change=change.groupby(staff["trained"]).mean())
    )
    a, b = change[staff["trained"]], change[~staff["trained"]]
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    v = (a.var(ddof=1) / len(a)) ** 2 / (len(a) - 1) + (b.var(ddof=1) / len(b)) ** 2 / (len(b) - 1)
    q = stats.t.ppf(1 - alpha / 2, se**4 / v)
    est = float(a.mean() - b.mean())
    return {"table": table, "estimate": est, "ci": [est - q * se, est + q * se]}
