"""Checks for chapter 08 (implementation: process analysis, DiD, vendor scoring)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import implement as im
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number


def _series(got: Any, what: str, index: str) -> pd.Series:
    if isinstance(got, pd.DataFrame) and got.shape[1] == 1:
        got = got.iloc[:, 0]
    if not isinstance(got, pd.Series):
        raise ExerciseError(f"{what} should return a pandas Series indexed by {index}; got "
                            f"{type(got).__name__}.")  # fmt: skip
    return got


def _same(got: pd.Series, ref: pd.Series, rel: float = 1e-6) -> bool:
    return all(k in got.index and close(got[k], v, rel=rel) for k, v in ref.items())


@exercise("08.1")
def cycle_time_by_variant(answer: Any, *, log: pd.DataFrame) -> str:
    func = _needs_function(answer, "cycle_time_by_variant")
    got = _series(func(log.copy()), "cycle_time_by_variant(log)", "variant")
    ref = im.variants(log).set_index("variant")["mean_cycle_h"]
    missing = [v for v in ref.index if v not in got.index]
    if missing:
        raise ExerciseError(
            "Some variants are missing from the index. A variant is the case's activities in "
            "the order of their start time, joined by ' → ' (sort by case_id and start first)."
        )
    if _same(got, ref):
        return "Right: the mean cycle time of every variant matches."
    for factor, unit in ((60, "minutes"), (3600, "seconds"), (1 / 24, "days")):
        if _same(got, ref * factor):
            raise ExerciseError(f"Your values are in {unit}: give the cycle time in hours.")
    cases = im.case_table(log)
    if _same(got, cases.groupby("variant")["cycle_h"].median()):
        raise ExerciseError("That is the median cycle time; the exercise asks for the mean.")
    work = (log["end"] - log["start"]) / pd.Timedelta(hours=1)
    busy = work.groupby(log["case_id"]).sum().reindex(cases["case_id"]).to_numpy()
    if _same(got, pd.Series(busy).groupby(cases["variant"].to_numpy()).mean()):
        raise ExerciseError(
            "You summed the activities' durations, leaving out the waits between them. The "
            "cycle time runs from the case's first start to its last end."
        )
    raise ExerciseError("For at least one variant the mean cycle time (hours) is not right.")


@exercise("08.2")
def handoffs_per_case(answer: Any, *, log: pd.DataFrame) -> str:
    func = _needs_function(answer, "handoffs_per_case")
    got = _series(func(log.copy()), "handoffs_per_case(log)", "case_id")
    cases = im.case_table(log).set_index("case_id")
    ref = cases["handoffs"]
    if _same(got, ref, rel=1e-9):
        return "Right: hand-offs per case match."
    if _same(got, cases["n_activities"] - 1, rel=1e-9):
        raise ExerciseError(
            "You counted every step from one activity to the next. A hand-off is a step "
            "where the department changes."
        )
    if _same(got, log.groupby("case_id")["department"].nunique() - 1, rel=1e-9):
        raise ExerciseError(
            "You counted departments, not hand-offs: a case that goes call centre → store → "
            "call centre has two hand-offs but only two departments."
        )
    raise ExerciseError(
        "For at least one case the count is not right. Sort by case_id and start, compare "
        "each department with the previous one of the same case."
    )


@exercise("08.3")
def did_by_hand(value: Any, *, panel: pd.DataFrame, outcome: str = "customer_value") -> str:
    got = _number(value, "did_value")
    t = im.did_means(panel, outcome)
    ref = t.attrs["estimate"]
    if close(got, ref, rel=1e-9):
        return "Right: the difference-in-differences matches."
    if close(got, -ref, rel=1e-9):
        raise ExerciseError(
            "The sign is reversed: (pilot after − before) − (comparison after − before)."
        )
    if close(got, t.loc["pilot", "change"], rel=1e-9):
        raise ExerciseError(
            "That is the pilot stores' change alone; subtract the comparison stores' change "
            "over the same weeks (season and trend affect them too)."
        )
    if close(got, t.loc["pilot", "after"] - t.loc["comparison", "after"], rel=1e-9):
        raise ExerciseError(
            "That compares the groups after go-live only; the pilot stores differed before "
            "too. Subtract the before-difference."
        )
    raise ExerciseError("Not the DiD of the four means (group × before/after go-live).")


@exercise("08.4")
def bottleneck_activity(answer: Any, *, log: pd.DataFrame) -> str:
    if not isinstance(answer, str):
        raise ExerciseError(f"bottleneck_activity should be an activity name (a str); got "
                            f"{type(answer).__name__}.")  # fmt: skip
    stats = im.activity_stats(log)
    if answer == stats["activity"].iloc[0]:
        return "Right: that activity has the most waiting hours before it."
    if answer not in set(stats["activity"]):
        raise ExerciseError("That is not an activity of the log (check the spelling).")
    longest = stats.sort_values("mean_duration_h", ascending=False)["activity"].iloc[0]
    if answer == longest:
        raise ExerciseError(
            "That activity takes the longest to do; a bottleneck is where cases wait. Use "
            "start − the previous activity's end of the same case."
        )
    busiest = stats.sort_values("events", ascending=False)["activity"].iloc[0]
    if answer == busiest and (stats["events"] == stats["events"].max()).sum() == 1:
        raise ExerciseError("That is the most frequent activity, not where cases wait longest.")
    raise ExerciseError("Not the activity with the most waiting hours in total.")


@exercise("08.5")
def weighted_scores(answer: Any, *, scores: dict, weights: dict) -> str:
    func = _needs_function(answer, "weighted_scores")
    got = _series(func(scores, dict(weights)), "weighted_scores(scores, weights)", "vendor")
    ref = im.vendor_scores(scores, weights).set_index("vendor")["weighted_score"]
    if _same(got, ref, rel=1e-9):
        return "Right: the weighted scores match."
    total = sum(weights.values())
    if total and _same(got, ref * total, rel=1e-9):
        raise ExerciseError("Divide by the sum of the weights: normalise them to sum to 1.")
    raise ExerciseError("For at least one vendor Σ weight × score (weights summing to 1) differs.")
