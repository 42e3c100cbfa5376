"""Process analysis for business process re-engineering (业务流程再造, BPR) on an event log.

An **event log** (事件日志) has one row per activity of a case: ``case_id``, ``activity``,
``start``, ``end`` and (for hand-offs) ``department``. From it, in pandas:

- the **variant** (流程变体) of a case: its activities in order of ``start``, joined by
  ``" → "``; the **cycle time** (周期时间): last ``end`` − first ``start``, in hours;
- **rework** (返工): a case in which some activity occurs more than once;
- **hand-offs** (部门交接): consecutive activities of a case in different departments;
- the **wait** before an activity: its ``start`` − the previous activity's ``end``; the
  **bottleneck** (瓶颈) is the activity with the most waiting hours in total;
- :func:`redesign` replays the log under a redesigned process (activities removed,
  compensation approval delegated below a limit, waits shortened) and
  :func:`compare_processes` compares the two.

>>> log = pd.DataFrame({
...     "case_id": [1, 1, 1, 2, 2],
...     "activity": ["a", "b", "c", "a", "c"],
...     "department": ["x", "y", "x", "x", "x"],
...     "start": pd.to_datetime(["2025-01-01 00:00", "2025-01-01 02:00", "2025-01-01 05:00",
...                              "2025-01-02 00:00", "2025-01-02 01:00"]),
...     "end": pd.to_datetime(["2025-01-01 01:00", "2025-01-01 03:00", "2025-01-01 06:00",
...                            "2025-01-02 00:30", "2025-01-02 02:00"])})
>>> case_table(log)[["variant", "cycle_h", "handoffs"]].to_dict("list")
{'variant': ['a → b → c', 'a → c'], 'cycle_h': [6.0, 2.0], 'handoffs': [2, 0]}
>>> bottleneck(log)
'c'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = [
    "case_table",
    "variants",
    "activity_stats",
    "bottleneck",
    "handoff_matrix",
    "redesign",
    "compare_processes",
    "stage_delay",
]

ARROW = " → "
_HOUR = pd.Timedelta(hours=1)


def _check(log: pd.DataFrame, need: Iterable[str] = ("case_id", "activity", "start", "end")):
    missing = [c for c in need if c not in log.columns]
    if missing:
        raise ValueError(
            f"The event log lacks the column(s) {missing}; it has {list(log.columns)}. An "
            "event log needs one row per activity: case_id, activity, start, end (and "
            "department for hand-offs)."
        )
    for col in ("start", "end"):
        if col in need and not pd.api.types.is_datetime64_any_dtype(log[col]):
            raise ValueError(f"Event log column {col!r} must be datetimes; got {log[col].dtype}.")
    if len(log) == 0:
        raise ValueError("The event log is empty.")
    if "start" in need and (log["end"] < log["start"]).any():
        raise ValueError("Some events end before they start (end < start).")


def _ordered(log: pd.DataFrame) -> pd.DataFrame:
    return log.sort_values(["case_id", "start", "end"], kind="stable").reset_index(drop=True)


def case_table(log: pd.DataFrame) -> pd.DataFrame:
    """One row per case: variant, activities, start, end, cycle_h, rework, handoffs."""
    _check(log)
    ev = _ordered(log)
    g = ev.groupby("case_id", sort=True)
    out = g.agg(
        variant=("activity", ARROW.join),
        n_activities=("activity", "size"),
        n_distinct=("activity", "nunique"),
        start=("start", "min"),
        end=("end", "max"),
    )
    out["cycle_h"] = (out["end"] - out["start"]) / _HOUR
    out["rework"] = out["n_activities"] > out["n_distinct"]
    if "department" in ev.columns:
        moved = ev["department"].ne(g["department"].shift()) & g.cumcount().gt(0)
        out["handoffs"] = moved.groupby(ev["case_id"]).sum().astype(int)
    return out.drop(columns="n_distinct").reset_index()


def variants(log: pd.DataFrame) -> pd.DataFrame:
    """One row per variant, most frequent first: cases, share, mean and median cycle time
    (hours), activities, hand-offs per case and whether it contains rework."""
    cases = case_table(log)
    agg = {"cases": ("case_id", "size"), "mean_cycle_h": ("cycle_h", "mean"),
           "median_cycle_h": ("cycle_h", "median"), "n_activities": ("n_activities", "first"),
           "rework": ("rework", "first")}  # fmt: skip
    if "handoffs" in cases.columns:
        agg["handoffs"] = ("handoffs", "mean")
    out = cases.groupby("variant").agg(**agg).reset_index()
    out.insert(2, "share", out["cases"] / out["cases"].sum())
    return out.sort_values(["cases", "variant"], ascending=[False, True]).reset_index(drop=True)


def activity_stats(log: pd.DataFrame) -> pd.DataFrame:
    """One row per activity: events, cases, mean and total wait before it (hours; the first
    activity of a case has no wait), mean duration, department, sorted by total wait."""
    _check(log)
    ev = _ordered(log)
    prev_end = ev.groupby("case_id")["end"].shift()
    ev["wait_h"] = ((ev["start"] - prev_end) / _HOUR).fillna(0.0)
    ev["duration_h"] = (ev["end"] - ev["start"]) / _HOUR
    out = ev.groupby("activity").agg(
        events=("case_id", "size"),
        cases=("case_id", "nunique"),
        mean_wait_h=("wait_h", "mean"),
        total_wait_h=("wait_h", "sum"),
        mean_duration_h=("duration_h", "mean"),
    )
    if "department" in ev.columns:
        out["department"] = ev.groupby("activity")["department"].agg(lambda s: s.mode().iloc[0])
    out["share_of_wait"] = out["total_wait_h"] / out["total_wait_h"].sum()
    return out.sort_values("total_wait_h", ascending=False).reset_index()


def bottleneck(log: pd.DataFrame) -> str:
    """The activity with the most waiting hours before it, summed over all cases."""
    return str(activity_stats(log)["activity"].iloc[0])


def handoff_matrix(log: pd.DataFrame) -> pd.DataFrame:
    """Hand-offs between departments: rows from, columns to (counts; no self-transfers)."""
    _check(log, ("case_id", "activity", "start", "end", "department"))
    ev = _ordered(log)
    nxt = ev.groupby("case_id")["department"].shift(-1)
    moves = pd.DataFrame({"from": ev["department"], "to": nxt}).dropna()
    moves = moves[moves["from"] != moves["to"]]
    depts = sorted(set(ev["department"].dropna()))
    return pd.crosstab(moves["from"], moves["to"]).reindex(index=depts, columns=depts, fill_value=0)


def redesign(
    log: pd.DataFrame,
    remove: Iterable[str] = (),
    empower_limit: float | None = None,
    approval: str = "approve compensation",
    wait_factor: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Replay the log under a redesigned process (再造后的流程).

    Every case keeps its own durations and waits, except that the activities in ``remove``
    are dropped, the ``approval`` activity is dropped for cases whose ``compensation`` is at
    most ``empower_limit`` (the front line is empowered, 员工授权), and the wait before an
    activity is multiplied by ``wait_factor[activity]``. The case starts when it started.
    """
    _check(log)
    ev = _ordered(log)
    prev_end = ev.groupby("case_id")["end"].shift()
    ev["_wait"] = (ev["start"] - prev_end).fillna(pd.Timedelta(0))
    ev["_dur"] = ev["end"] - ev["start"]
    first = ev.groupby("case_id")["start"].transform("min")
    keep = ~ev["activity"].isin(list(remove))
    if empower_limit is not None:
        if "compensation" not in ev.columns:
            raise ValueError("empower_limit needs a 'compensation' column in the log.")
        keep &= ~((ev["activity"] == approval) & (ev["compensation"] <= empower_limit))
    factor = ev["activity"].map(dict(wait_factor or {})).fillna(1.0).to_numpy()
    if (factor < 0).any():
        raise ValueError("wait_factor values must be non-negative.")
    ev["_wait"] = ev["_wait"] * factor
    ev, first = ev[keep].copy(), first[keep]
    ev.loc[ev.groupby("case_id").cumcount() == 0, "_wait"] = pd.Timedelta(0)
    step = ev["_wait"] + ev["_dur"]
    ev["end"] = first + step.groupby(ev["case_id"]).cumsum()
    ev["start"] = ev["end"] - ev["_dur"]
    return ev.drop(columns=["_wait", "_dur"]).reset_index(drop=True)


def compare_processes(logs: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Key figures of several versions of a process (e.g. ``{"before": a, "after": b}``):
    cases, activities and hand-offs per case, rework share, mean / median / 90th-percentile
    cycle time (hours)."""
    rows = []
    for name, log in logs.items():
        c = case_table(log)
        rows.append({
            "process": name, "cases": len(c),
            "activities_per_case": float(c["n_activities"].mean()),
            "handoffs_per_case": float(c["handoffs"].mean()) if "handoffs" in c else np.nan,
            "rework_share": float(c["rework"].mean()),
            "mean_cycle_h": float(c["cycle_h"].mean()),
            "median_cycle_h": float(c["cycle_h"].median()),
            "p90_cycle_h": float(c["cycle_h"].quantile(0.9)),
        })  # fmt: skip
    return pd.DataFrame(rows)


def stage_delay(table: pd.DataFrame, start: str, end: str, by: str | None = None) -> pd.DataFrame:
    """The delay between two timestamps of each case (e.g. a complaint received and
    forwarded), in days, per group ``by``: cases, mean, median, 90th percentile and the
    share handled the same day. Rows with a missing timestamp are left out.

    >>> t = pd.DataFrame({"got": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-02"]),
    ...                   "sent": pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-02"]),
    ...                   "via": ["web", "web", "phone"]})
    >>> stage_delay(t, "got", "sent", "via")[["via", "cases", "mean_days"]].to_dict("list")
    {'via': ['web', 'phone'], 'cases': [2, 1], 'mean_days': [1.0, 0.0]}
    """
    need = [start, end] + ([by] if by else [])
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise ValueError(f"The table lacks the column(s) {missing}; it has {list(table.columns)}.")
    t = table.dropna(subset=[start, end])
    days = (t[end] - t[start]) / pd.Timedelta(days=1)
    if (days < 0).any():
        raise ValueError(f"Some rows have {end!r} before {start!r}.")
    keys = t[by] if by else pd.Series("all", index=t.index, name="group")
    out = days.groupby(keys).agg(cases="size", mean_days="mean", median_days="median",
                                 p90_days=lambda d: d.quantile(0.9),
                                 same_day_share=lambda d: (d == 0).mean())  # fmt: skip
    return out.sort_values("cases", ascending=False).rename_axis(by or "group").reset_index()
