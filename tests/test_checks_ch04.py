"""Chapter 04 checks: right answers pass, each typical mistake gets its hint, and no message
contains the expected value. Figures are computed by hand below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_helpers import satisfaction as sat
from crm_helpers.checks import ExerciseError, check

# Surveys of three stores. recommend: A 10, 10, 0, 0 (NPS 0, mean 5, the lowest mean);
# B 6, 6, 6, 6 (NPS −100, the lowest NPS, mean 6); C 9, 9, 9, 8 (NPS 75, the highest).
_rng = np.random.default_rng(4)
SURVEYS = pd.DataFrame(
    {
        "store_id": list("AAAABBBBCCCC"),
        "recommend": [10, 10, 0, 0, 6, 6, 6, 6, 9, 9, 9, 8],
        **{a: _rng.integers(1, 11, size=12) for a in sat.ATTRIBUTES},
    }
)
SURVEYS["overall"] = np.clip(
    np.rint(1 + 0.3 * SURVEYS["product_quality"] + 0.4 * SURVEYS["staff"] + _rng.normal(0, 1, 12)),
    1,
    10,
).astype(int)

# Seven complaints opened at t0. High (SLA: response 1 h, resolution 24 h):
#   1: response 0.5 h, resolved 10 h  -> response in, resolution in, 9.5 h after response: in
#   2: response 0.8 h, resolved 30 h  -> in, out, 29.2 h: out
#   3: response 3 h,   resolved 25 h  -> out, out, 22 h: in
#   4: response 0.9 h, resolved 40 h  -> in, out, 39.1 h: out
#   right 1/4; response share 3/4; from the first response 2/4.
# Low (SLA 24 h / 168 h): three with response 1 h, resolved 100 h -> all in.
#   All complaints resolved in time: 4/7.
# Types: a a a b b c d -> cumulative shares 3/7, 5/7, 6/7, 1 -> the vital few a, b, c.
_T0 = pd.Timestamp("2024-05-01 08:00")
_H = pd.Timedelta(hours=1)
COMPLAINTS = pd.DataFrame(
    {
        "type": list("aaabbcd"),
        "severity": ["high"] * 4 + ["low"] * 3,
        "opened": [_T0] * 7,
        "first_response": [_T0 + x * _H for x in (0.5, 0.8, 3, 0.9, 1, 1, 1)],
        "resolved": [_T0 + x * _H for x in (10, 30, 25, 40, 100, 100, 100)],
    }
)

# CFPB: x Yes Yes No (2/3), y Yes (1), z No Yes (1/2).
CFPB = pd.DataFrame(
    {
        "product": list("xxxyzz"),
        "timely_response": ["Yes", "Yes", "No", "Yes", "No", "Yes"],
    }
)
RIGHT_TIMELY = pd.Series({"x": 2 / 3, "y": 1.0, "z": 0.5})


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def test_placeholders_are_not_answered_yet():
    with pytest.raises(ExerciseError, match="not answered yet"):
        check("04.2", None, surveys=SURVEYS)

    def stub(scores):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="not answered yet"):
        check("04.1", stub)


# --------------------------------------------------------------------------- 04.1


def _nps_with(promoter_min=9, detractor_max=6, scale=100, passives_count=True):
    def f(scores):
        s = pd.Series(scores)
        p, d = (s >= promoter_min).sum(), (s <= detractor_max).sum()
        n = len(s) if passives_count else p + d
        return scale * (p - d) / n

    return f


def test_nps_score_right_and_hints():
    assert "Right" in repr(check("04.1", _nps_with()))
    _fails("04.1", _nps_with(scale=1), hint="share between −1 and 1")
    _fails("04.1", _nps_with(promoter_min=8), hint="counted 8 as a promoter")
    _fails("04.1", _nps_with(detractor_max=5), hint="counted 6 as a passive")
    _fails("04.1", _nps_with(detractor_max=7), hint="counted 7 as a detractor")
    _fails("04.1", _nps_with(passives_count=False), hint="passives count in the denominator")
    msg = _fails("04.1", lambda s: 12.0, hint="does not give")
    assert "-30" not in msg and "−30" not in msg
    _fails("04.1", 42, hint="should be a function")


# --------------------------------------------------------------------------- 04.2


def test_worst_store_right_and_hints():
    assert "Right" in repr(check("04.2", "B", surveys=SURVEYS))
    _fails("04.2", "C", hint="highest NPS", surveys=SURVEYS)
    _fails("04.2", "A", hint="lowest mean recommendation", surveys=SURVEYS)
    _fails("04.2", "Q", hint="not a store", surveys=SURVEYS)
    _fails("04.2", ["B"], hint="one store_id", surveys=SURVEYS)


# --------------------------------------------------------------------------- 04.3


def _ols(x: np.ndarray, y: np.ndarray, intercept: bool) -> np.ndarray:
    design = np.column_stack([np.ones(len(x)), x]) if intercept else x
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return coef[1:] if intercept else coef


def test_driver_weights_right_and_hints():
    attrs = list(sat.ATTRIBUTES)
    x, y = SURVEYS[attrs].to_numpy(float), SURVEYS["overall"].to_numpy(float)
    right = pd.Series(_ols(x, y, True), index=attrs)
    assert "Right" in repr(check("04.3", right, surveys=SURVEYS))
    standardised = right * x.std(axis=0, ddof=1) / y.std(ddof=1)
    msg = _fails("04.3", standardised, hint="standardised weights", surveys=SURVEYS)
    assert f"{right.iloc[0]:.3f}" not in msg
    corr = pd.Series([np.corrcoef(x[:, j], y)[0, 1] for j in range(5)], index=attrs)
    _fails("04.3", corr, hint="correlations", surveys=SURVEYS)
    _fails("04.3", pd.Series(_ols(x, y, False), index=attrs), hint="no intercept", surveys=SURVEYS)
    _fails("04.3", right + 0.1, hint="are not the coefficients", surveys=SURVEYS)
    _fails("04.3", right.drop("price"), hint="no entry for 'price'", surveys=SURVEYS)
    _fails("04.3", right.to_numpy(), hint="pandas Series", surveys=SURVEYS)


# --------------------------------------------------------------------------- 04.4


def test_high_resolution_sla_right_and_hints():
    assert "Right" in repr(check("04.4", 0.25, complaints=COMPLAINTS))
    msg = _fails("04.4", 25.0, hint="percentage", complaints=COMPLAINTS)
    assert "0.25" not in msg
    _fails("04.4", 4 / 7, hint="used every complaint", complaints=COMPLAINTS)
    _fails("04.4", 0.75, hint="first response in time", complaints=COMPLAINTS)
    _fails("04.4", 0.5, hint="measured from the first response", complaints=COMPLAINTS)
    _fails("04.4", 0.9, hint="not that of high-severity", complaints=COMPLAINTS)
    _fails("04.4", COMPLAINTS, hint="one number", complaints=COMPLAINTS)


# --------------------------------------------------------------------------- 04.5


def test_vital_few_right_and_hints():
    assert "Right" in repr(check("04.5", ["c", "a", "b"], complaints=COMPLAINTS))
    _fails("04.5", ["a", "b"], hint="stopped before reaching 80", complaints=COMPLAINTS)
    _fails("04.5", ["d", "c", "b"], hint="rarest causes", complaints=COMPLAINTS)
    _fails("04.5", list("abcd"), hint="every cause", complaints=COMPLAINTS)
    _fails("04.5", ["a"], hint="Not the fewest", complaints=COMPLAINTS)
    _fails("04.5", "abc", hint="a list of complaint types", complaints=COMPLAINTS)


# --------------------------------------------------------------------------- 04.6


def test_timely_by_product_right_and_hints():
    assert "Right" in repr(check("04.6", RIGHT_TIMELY, cfpb=CFPB))
    msg = _fails("04.6", 1 - RIGHT_TIMELY, hint="answered late", cfpb=CFPB)
    assert "0.667" not in msg and "0.666" not in msg
    _fails("04.6", 100 * RIGHT_TIMELY, hint="percentages", cfpb=CFPB)
    _fails("04.6", pd.Series({"x": 2, "y": 1, "z": 1}), hint="counts", cfpb=CFPB)
    _fails("04.6", RIGHT_TIMELY.drop("z"), hint="one entry per product", cfpb=CFPB)
    _fails("04.6", RIGHT_TIMELY + 0.01, hint="Not the share", cfpb=CFPB)
    _fails("04.6", 0.8, hint="pandas Series", cfpb=CFPB)


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def _right_nps_by_store(surveys):
    flags = pd.DataFrame(
        {"store_id": surveys["store_id"], "pro": surveys["recommend"] >= 9,
         "det": surveys["recommend"] <= 6}
    )  # fmt: skip
    shares = flags.groupby("store_id")[["pro", "det"]].mean()
    return 100 * (shares["pro"] - shares["det"])


def test_04_8_nps_by_store():
    # by hand: A 0, B −100, C 75 (see SURVEYS)
    assert _right_nps_by_store(SURVEYS).to_dict() == {"A": 0.0, "B": -100.0, "C": 75.0}
    assert "Right" in repr(check("04.8", _right_nps_by_store, surveys=SURVEYS))
    _fails("04.8", lambda s: _right_nps_by_store(s) / 100, surveys=SURVEYS, hint="× 100")
    eight = SURVEYS.assign(recommend=SURVEYS["recommend"].replace(8, 9))
    msg = _fails("04.8", lambda s: _right_nps_by_store(eight), surveys=SURVEYS, hint="8 as a")
    assert "75" not in msg

    def mean(s):
        return s.groupby("store_id")["recommend"].mean()

    _fails("04.8", mean, surveys=SURVEYS, hint="mean answer per store")
    _fails("04.8", lambda s: 5.0, surveys=SURVEYS, hint="pandas Series")
    _fails("04.8", lambda s: _right_nps_by_store(s).iloc[:2], surveys=SURVEYS, hint="one NPS")


# Two employees of S1 rated twice: E1 all hearts 4 but sincerity 2 and 4 (mean 3);
# E2 all hearts 3. Weights: sincerity 3, the rest 1 (sum 8) -> E1 = (5 × 4 + 3 × 3) / 8 =
# 3.625; plain mean (5 × 4 + 3) / 6 = 3.833; unscaled: 20 + 9 = 29.
RATINGS = pd.DataFrame(
    {
        "store_id": ["S1", "S1", "S1"], "employee_id": ["E1", "E1", "E2"],
        **{h: [4, 4, 3] for h in sat.SIX_HEARTS},
    }
)  # fmt: skip
RATINGS["sincerity"] = [2, 4, 3]
WEIGHTS = {h: (3.0 if h == "sincerity" else 1.0) for h in sat.SIX_HEARTS}


def _right_weighted(ratings, weights):
    w = pd.Series(weights, dtype=float)
    w = w / w.sum()
    return ratings.groupby("employee_id")[list(w.index)].mean() @ w


def test_04_9_weighted_hearts():
    assert _right_weighted(RATINGS, WEIGHTS)["E1"] == pytest.approx(3.625)
    ctx = {"ratings": RATINGS, "weights": WEIGHTS}
    assert "Right" in repr(check("04.9", _right_weighted, **ctx))

    def plain(r, w):
        return r.groupby("employee_id")[list(sat.SIX_HEARTS)].mean().mean(axis=1)

    msg = _fails("04.9", plain, hint="plain mean", **ctx)
    assert "3.625" not in msg

    def unscaled(r, w):
        return r.groupby("employee_id")[list(w)].mean() @ pd.Series(w)

    _fails("04.9", unscaled, hint="sum to 1", **ctx)

    def by_store(r, w):
        return r.groupby("store_id")["sincerity"].mean()

    _fails("04.9", by_store, hint="per store", **ctx)
    _fails("04.9", lambda r, w: _right_weighted(r, w) + 0.1, hint="Σ weight", **ctx)


# 10 hold-out reviews: labels 1 × 8, 0 × 2; predicted: one positive called 0, one negative
# found -> recall 1: 7/8, 0: 1/2; precision 1: 7/8, 0: 1/2. A second table where they
# differ: labels 1,1,1,0; predicted 1,0,0,0 -> recall 1: 1/3, 0: 1; precision 1: 1, 0: 1/3.
PRED = pd.DataFrame({"label": [1, 1, 1, 0], "predicted": [1, 0, 0, 0]})


def _right_metrics(predictions):
    hit = predictions["label"] == predictions["predicted"]
    return pd.DataFrame(
        {"precision": hit.groupby(predictions["predicted"]).mean(),
         "recall": hit.groupby(predictions["label"]).mean()}
    )  # fmt: skip


def test_04_10_class_metrics():
    got = _right_metrics(PRED)
    assert got.loc[1, "recall"] == pytest.approx(1 / 3) and got.loc[0, "precision"] == 1 / 3
    assert "Right" in repr(check("04.10", _right_metrics, predictions=PRED))

    def swapped(p):
        return _right_metrics(p).rename(columns={"precision": "recall", "recall": "precision"})

    _fails("04.10", swapped, predictions=PRED, hint="swapped")

    def acc(p):
        return pd.DataFrame({"precision": [0.5, 0.5], "recall": [0.5, 0.5]}, index=[0, 1])

    _fails("04.10", acc, predictions=PRED, hint="overall accuracy")
    _fails("04.10", lambda p: 0.5, predictions=PRED, hint="columns precision and recall")
