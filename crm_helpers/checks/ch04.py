"""Checks for chapter 04 (satisfaction: NPS, drivers, complaints, CFPB, six hearts,
the classifier's per-class metrics)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import satisfaction as sat
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number

# Hand cases for 04.1: each separates the right NPS from one typical mistake.
# The first: P = 2, D = 5 of 10 -> −30; the mistakes give −0.3, −20, 0, −50 and −42.9.
_NPS_CASES: tuple[tuple[int, ...], ...] = (
    (10, 9, 8, 7, 7, 6, 6, 6, 3, 0),
    (10, 10, 9, 8, 2),
    (9,),
)


def _variants(scores: np.ndarray) -> dict[str, float]:
    n = len(scores)
    p = np.sum(scores >= 9)
    d = np.sum(scores <= 6)
    return {
        "right": 100 * (p - d) / n,
        "share": (p - d) / n,
        "eight": 100 * (np.sum(scores >= 8) - d) / n,
        "six_passive": 100 * (p - np.sum(scores <= 5)) / n,
        "seven_detractor": 100 * (p - np.sum(scores <= 7)) / n,
        "no_passives": 100 * (p - d) / (p + d) if p + d else float("nan"),
    }


@exercise("04.1")
def nps_score(answer: Any) -> str:
    func = _needs_function(answer, "nps_score")
    for case in _NPS_CASES:
        scores = np.array(case)
        v = _variants(scores)
        got = _number(func(pd.Series(scores, name="recommend")), "nps_score(scores)")
        if close(got, v["right"], rel=1e-9):
            continue
        if close(got, v["share"], rel=1e-9):
            raise ExerciseError(
                "Your NPS is a share between −1 and 1. NPS is reported in points from −100 to "
                "100: multiply the difference of the two shares by 100."
            )
        if close(got, v["eight"], rel=1e-9):
            raise ExerciseError(
                "You counted 8 as a promoter. Promoters (推荐者) answer 9 or 10; 7 and 8 are "
                "passives."
            )
        if close(got, v["six_passive"], rel=1e-9):
            raise ExerciseError(
                "You counted 6 as a passive. Detractors (批评者) answer 0 to 6 inclusive."
            )
        if close(got, v["seven_detractor"], rel=1e-9):
            raise ExerciseError("You counted 7 as a detractor. Passives answer 7 or 8.")
        if close(got, v["no_passives"], rel=1e-9):
            raise ExerciseError(
                "You divided by promoters + detractors only. The shares are of all "
                "respondents: passives count in the denominator."
            )
        raise ExerciseError(
            "nps_score does not give 100 × (share of 9–10 − share of 0–6) on a small test."
        )
    return "Right: your function computes the NPS (净推荐值)."


def _store_nps(surveys: pd.DataFrame) -> pd.Series:
    return sat.nps_table(surveys, by="store_id").set_index("store_id")["nps"]


@exercise("04.2")
def worst_store(answer: Any, *, surveys: pd.DataFrame) -> str:
    by_store = _store_nps(surveys)
    if isinstance(answer, pd.Series | pd.DataFrame | list | tuple):
        raise ExerciseError("worst_store should be one store_id (a string such as 'S01').")
    got = str(answer)
    if got not in by_store.index:
        raise ExerciseError(
            f"{got!r} is not a store in `surveys`; the store ids look like {by_store.index[0]!r}."
        )
    worst = by_store.min()
    if np.isclose(by_store[got], worst):
        return "Right: that store has the lowest NPS."
    if np.isclose(by_store[got], by_store.max()) and (by_store == by_store.max()).sum() == 1:
        raise ExerciseError("That store has the highest NPS. The question asks for the lowest.")
    mean_rec = surveys.groupby("store_id")["recommend"].mean()
    if got == mean_rec.idxmin() and (mean_rec == mean_rec.min()).sum() == 1:
        raise ExerciseError(
            "That store has the lowest mean recommendation score, which is not the same as "
            "the lowest NPS: NPS counts promoters and detractors, not the average answer."
        )
    raise ExerciseError("That store's NPS is not the lowest. Compute the NPS per store_id.")


@exercise("04.3")
def driver_weights(answer: Any, *, surveys: pd.DataFrame) -> str:
    attrs = list(sat.ATTRIBUTES)
    if not isinstance(answer, pd.Series):
        raise ExerciseError(
            f"weights should be a pandas Series indexed by attribute; got {type(answer).__name__}."
        )
    missing = [a for a in attrs if a not in answer.index]
    if missing:
        raise ExerciseError(
            f"weights has no entry for {', '.join(map(repr, missing))}: index it by the five "
            "attribute names."
        )
    got = answer.reindex(attrs).astype(float)
    ref = sat.driver_analysis(surveys).set_index("attribute")
    if np.allclose(got, ref["weight"], rtol=1e-6, atol=1e-8):
        return "Right: these are the raw regression weights (驱动因素权重)."
    if np.allclose(got, ref["std_weight"], rtol=1e-6, atol=1e-8):
        raise ExerciseError(
            "These are standardised weights. The question asks for the raw coefficients "
            "(points of overall satisfaction per point of the attribute)."
        )
    corr = surveys[attrs].corrwith(surveys["overall"])
    if np.allclose(got, corr, rtol=1e-6, atol=1e-8):
        raise ExerciseError(
            "These are correlations, one attribute at a time. The weights come from one "
            "regression of overall on all five attributes together."
        )
    x = surveys[attrs].to_numpy(float)
    no_icpt, *_ = np.linalg.lstsq(x, surveys["overall"].to_numpy(float), rcond=None)
    if np.allclose(got, no_icpt, rtol=1e-6, atol=1e-8):
        raise ExerciseError(
            "Your regression has no intercept (constant term). Add a column of ones, or use "
            "a model that fits an intercept."
        )
    raise ExerciseError(
        "weights are not the coefficients of a linear regression of overall on the five "
        "attribute scores (with an intercept)."
    )


@exercise("04.4")
def high_resolution_sla(answer: Any, *, complaints: pd.DataFrame) -> str:
    got = _number(answer, "high_within_sla")
    times = sat.complaint_times(complaints)
    high = times[times["severity"] == "high"]
    right = high["resolution_within_sla"].mean()
    if close(got, right, rel=1e-9):
        return "Right: the share of high-severity complaints resolved within the SLA."
    if close(got, 100 * right, rel=1e-9) and not close(right, 0.0):
        raise ExerciseError("That is a percentage; give the share (between 0 and 1).")
    if close(got, times["resolution_within_sla"].mean(), rel=1e-9):
        raise ExerciseError(
            "You used every complaint. Keep only the high-severity ones (their target is "
            "the shortest)."
        )
    if close(got, high["response_within_sla"].mean(), rel=1e-9):
        raise ExerciseError(
            "That is the share with a first response in time. The question is about the "
            "resolution (resolved − opened)."
        )
    limit = float(sat.DEFAULT_SLA.set_index("severity").at["high", "resolution_hours"])
    from_first = (high["resolved"] - high["first_response"]).dt.total_seconds() / 3600
    if close(got, (from_first <= limit).mean(), rel=1e-9):
        raise ExerciseError(
            "You measured from the first response. The SLA clock starts when the complaint "
            "is opened."
        )
    raise ExerciseError(
        "The share is not that of high-severity complaints resolved within their target hours."
    )


@exercise("04.5")
def vital_few(answer: Any, *, complaints: pd.DataFrame) -> str:
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise ExerciseError("vital_few should be a list of complaint types, e.g. ['a', 'b'].")
    got = [str(a) for a in answer]
    table = sat.pareto(complaints)
    right = table.loc[table["vital_few"], "type"].tolist()
    if set(got) == set(right) and len(got) == len(right):
        return "Right: these few causes make up 80 % of the complaints (帕累托)."
    order = table["type"].tolist()
    if set(got) == set(right[:-1]) and len(right) > 1:
        raise ExerciseError(
            "You stopped before reaching 80 %. Keep the cause that takes the cumulative "
            "share to 80 % or more."
        )
    if set(got) == set(order[::-1][: len(right)]):
        raise ExerciseError("You took the rarest causes. Sort the counts from largest down.")
    if set(got) == set(order):
        raise ExerciseError("That is every cause. The vital few are the top ones up to 80 %.")
    raise ExerciseError(
        "Not the fewest most frequent types whose cumulative share reaches 80 %. Count "
        "complaints per type, sort them, and accumulate the shares."
    )


@exercise("04.6")
def timely_by_product(answer: Any, *, cfpb: pd.DataFrame) -> str:
    if not isinstance(answer, pd.Series):
        raise ExerciseError(
            f"timely_by_product should be a pandas Series indexed by product; got "
            f"{type(answer).__name__}."
        )
    ref = sat.timely_share(cfpb, by="product").set_index("product")["timely"]
    if set(answer.index) != set(ref.index):
        raise ExerciseError("Index the Series by the `product` column: one entry per product.")
    got = answer.reindex(ref.index).astype(float)
    if np.allclose(got, ref, rtol=1e-9):
        return "Right: the share of timely responses per product."
    if np.allclose(got, 1 - ref, rtol=1e-9):
        raise ExerciseError("Those are the shares answered late ('No'). Count the 'Yes' answers.")
    if np.allclose(got, 100 * ref, rtol=1e-9):
        raise ExerciseError("Those are percentages; give shares between 0 and 1.")
    counts = (cfpb["timely_response"] == "Yes").groupby(cfpb["product"]).sum()
    if np.allclose(got, counts.reindex(ref.index), rtol=1e-9):
        raise ExerciseError("Those are counts. Divide by the number of complaints per product.")
    raise ExerciseError("Not the share of timely_response == 'Yes' within each product.")


# --------------------------------------------------------------------------- 04.8
def _as_series(answer: Any, name: str, index: str) -> pd.Series:
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if not isinstance(answer, pd.Series):
        raise ExerciseError(
            f"{name} should return a pandas Series indexed by {index}; got {type(answer).__name__}."
        )
    return answer


@exercise("04.8")
def nps_by_store(answer: Any, *, surveys: pd.DataFrame) -> str:
    func = _needs_function(answer, "nps_by_store")
    got = _as_series(func(surveys.copy()), "nps_by_store", "store_id")
    ref = _store_nps(surveys)
    if set(map(str, got.index)) != set(map(str, ref.index)):
        raise ExerciseError("Index the result by store_id: one NPS per store in `surveys`.")
    got = got.set_axis(got.index.map(str)).reindex(ref.index.map(str)).astype(float)
    rec = surveys["recommend"]
    by = surveys["store_id"].astype(str)
    if np.allclose(got, ref, rtol=1e-9):
        return "Right: the NPS of every store (各门店净推荐值)."
    if np.allclose(got, ref / 100, rtol=1e-9):
        raise ExerciseError("Those are shares between −1 and 1: NPS is in points, × 100.")
    eight = 100 * ((rec >= 8).groupby(by).mean() - (rec <= 6).groupby(by).mean())
    if np.allclose(got, eight.reindex(got.index), rtol=1e-9):
        raise ExerciseError("You counted 8 as a promoter (推荐者 answer 9 or 10).")
    if np.allclose(got, rec.groupby(by).mean().reindex(got.index), rtol=1e-9):
        raise ExerciseError("That is the mean answer per store, not promoters minus detractors.")
    raise ExerciseError("Not 100 × (share of 9–10 − share of 0–6) within each store.")


# --------------------------------------------------------------------------- 04.9
@exercise("04.9")
def weighted_hearts(answer: Any, *, ratings: pd.DataFrame, weights: dict[str, float]) -> str:
    from .. import six_hearts as sh

    func = _needs_function(answer, "weighted_hearts")
    got = _as_series(func(ratings.copy(), dict(weights)), "weighted_hearts", "employee_id")
    ref = sh.six_hearts_scorecard(ratings, by="employee_id", weights=weights)
    ref = ref.set_index("employee_id")["overall"]
    if set(got.index) != set(ref.index):
        if set(got.index) == set(ratings["store_id"]):
            raise ExerciseError("That is per store. The scorecard is per employee_id.")
        raise ExerciseError("Index the result by employee_id: one score per employee rated.")
    got = got.reindex(ref.index).astype(float)
    if np.allclose(got, ref, rtol=1e-9):
        return "Right: the weighted six-hearts score of every employee (诚心 counts most)."
    hearts = list(sh.SIX_HEARTS)
    means = ratings.groupby("employee_id")[hearts].mean().reindex(ref.index)
    if np.allclose(got, means.mean(axis=1), rtol=1e-9):
        raise ExerciseError(
            "That is the plain mean of the six hearts. Weight them: 诚心 counts most."
        )
    raw = pd.Series(weights, dtype=float).reindex(hearts).fillna(0.0)
    if np.allclose(got, means @ raw, rtol=1e-9) and not np.isclose(raw.sum(), 1):
        raise ExerciseError("Rescale the weights so that they sum to 1 before combining.")
    raise ExerciseError(
        "Not Σ weight × (the employee's mean stars on that heart) with weights summing to 1."
    )


# --------------------------------------------------------------------------- 04.10
@exercise("04.10")
def my_class_metrics(answer: Any, *, predictions: pd.DataFrame) -> str:
    from .. import evaluate

    func = _needs_function(answer, "my_class_metrics")
    got = func(predictions.copy())
    if not isinstance(got, pd.DataFrame) or not {"precision", "recall"} <= set(got.columns):
        raise ExerciseError(
            "my_class_metrics should return a DataFrame with columns precision and recall, "
            "indexed by label."
        )
    ref = evaluate.per_class_metrics(predictions["label"], predictions["predicted"])
    ref = ref.set_index("label")
    if set(got.index) != set(ref.index):
        raise ExerciseError("Index the table by the label (0 and 1): one row per class.")
    got = got.reindex(ref.index)
    ok = [np.allclose(got[c].astype(float), ref[c], rtol=1e-9, equal_nan=True) for c in
          ("precision", "recall")]  # fmt: skip
    if all(ok):
        return "Right: precision and recall per class (精确率、召回率)."
    swapped = np.allclose(got["precision"].astype(float), ref["recall"], rtol=1e-9)
    if swapped and np.allclose(got["recall"].astype(float), ref["precision"], rtol=1e-9):
        raise ExerciseError(
            "Precision and recall are swapped. Recall divides by the true members of the "
            "class (group by label); precision by the predicted ones (group by predicted)."
        )
    accuracy = float((predictions["label"] == predictions["predicted"]).mean())
    if np.allclose(got.astype(float).to_numpy(), accuracy):
        raise ExerciseError("That is the overall accuracy in every cell; compute it per class.")
    wrong = "precision" if not ok[0] else "recall"
    raise ExerciseError(f"The {wrong} column is not right for every class.")
