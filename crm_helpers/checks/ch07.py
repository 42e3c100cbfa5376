"""Checks for chapter 07 (data analysis in CRM: cleaning, association rules, privacy,
the prescriptive step)."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np
import pandas as pd

from .. import benchmarking, prescribe, privacy, service_bot
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number


@exercise("07.1")
def duplicate_rows(answer: Any, *, dirty: pd.DataFrame) -> str:
    got = _number(answer, "n_duplicates")
    ref = int(dirty.duplicated().sum())
    if got == ref:
        return "Right: that many rows are exact copies of an earlier row."
    both = int(dirty.duplicated(keep=False).sum())
    if got == both and both != ref:
        raise ExerciseError(
            "You counted every copy, the first one too. Only the extra copies are duplicates: "
            "the first copy stays in the table."
        )
    if "receipt_id" in dirty and "sku" in dirty:
        subset = int(dirty.duplicated(["receipt_id", "sku"]).sum())
        if got == subset and subset != ref:
            raise ExerciseError(
                "You compared only receipt and product. An exact duplicate repeats every "
                "column: a return of the same product on the same receipt is not a copy."
            )
    if got == len(dirty) - ref and ref != len(dirty) / 2:
        raise ExerciseError("That is the number of rows that are *not* duplicates.")
    raise ExerciseError("n_duplicates is not the number of rows equal to an earlier row.")


def _reference_fences(values: pd.Series, k: float) -> pd.Series:
    q1, q3 = values.quantile(0.25), values.quantile(0.75)
    return (values < q1 - k * (q3 - q1)) | (values > q3 + k * (q3 - q1))


_FENCE_CASES = [
    pd.Series([1.0, 2, 3, 4, 100]),
    pd.Series([-50.0, 10, 11, 12, 13, 14, 15, 60]),
    pd.Series([5.0, 5, 5, 6, 7, 7, 8]),
]


@exercise("07.2")
def iqr_outliers(answer: Any) -> str:
    func = _needs_function(answer, "iqr_outliers")
    rng = np.random.default_rng(7)
    cases = [*_FENCE_CASES, pd.Series(rng.lognormal(3, 1, 200))]
    for values in cases:
        for k in (1.5, 3.0):
            try:
                flags = np.asarray(func(values.copy(), k))
                if flags.shape != (len(values),) or flags.dtype.kind not in "bi":
                    raise ValueError
                got = pd.Series(flags.astype(bool), index=values.index)
            except (TypeError, ValueError):
                raise ExerciseError(
                    "iqr_outliers(values, k) should return one True/False per value "
                    "(a boolean Series of the same length)."
                ) from None
            want = _reference_fences(values, k)
            if got.equals(want):
                continue
            q3 = values.quantile(0.75)
            upper_only = values > q3 + k * (q3 - values.quantile(0.25))
            if got.equals(upper_only) and not upper_only.equals(want):
                raise ExerciseError(
                    "Only values above the upper fence are flagged. Tukey's rule has two "
                    "fences: Q1 − k·IQR below as well as Q3 + k·IQR above."
                )
            sd = (values - values.mean()).abs() > k * values.std()
            if got.equals(sd) and not sd.equals(want):
                raise ExerciseError(
                    "That is a mean ± k·standard-deviation rule. Use the quartiles: "
                    "IQR = Q3 − Q1, fences Q1 − k·IQR and Q3 + k·IQR."
                )
            raise ExerciseError(
                f"iqr_outliers gives the wrong flags for k = {k} on a test series. "
                "Check the quartiles (values.quantile) and both fences."
            )
    return "Right: Tukey's fences, both sides, for any k."


def _rule_reference(baskets: pd.DataFrame, a: Any, c: Any) -> tuple[float, float, float, dict]:
    n = int(baskets["basket"].nunique())
    with_a = set(baskets.loc[baskets["item"] == a, "basket"])
    with_c = set(baskets.loc[baskets["item"] == c, "basket"])
    n_a, n_c, n_ac = len(with_a), len(with_c), len(with_a & with_c)
    support = n_ac / n
    conf = n_ac / n_a if n_a else math.nan
    lift = conf / (n_c / n) if n_c else math.nan
    return support, conf, lift, {"n": n, "n_a": n_a, "n_c": n_c, "n_ac": n_ac}


@exercise("07.3")
def rule_metrics(answer: Any, *, baskets: pd.DataFrame, pairs: list[tuple[Any, Any]]) -> str:
    func = _needs_function(answer, "rule_metrics")
    for a, c in pairs:
        out = func(baskets.copy(), a, c)
        try:
            support, conf, lift = (float(v) for v in out)
        except (TypeError, ValueError):
            raise ExerciseError(
                "rule_metrics should return three numbers: (support, confidence, lift)."
            ) from None
        ref_s, ref_c, ref_l, cnt = _rule_reference(baskets, a, c)
        n, n_a, n_c, n_ac = cnt["n"], cnt["n_a"], cnt["n_c"], cnt["n_ac"]
        if not close(support, ref_s, rel=1e-9):
            if close(support, n_a / n, rel=1e-9) and n_a != n_ac:
                raise ExerciseError(
                    "Your support is that of the antecedent alone. A rule's support is the "
                    "share of baskets holding *both* items."
                )
            if close(support, n_ac, rel=1e-9):
                raise ExerciseError(
                    "Support is a share of baskets: divide the count by the number of baskets."
                )
            raise ExerciseError(f"The support of {a} ⇒ {c} is not right.")
        if not close(conf, ref_c, rel=1e-9):
            if n_c and close(conf, n_ac / n_c, rel=1e-9):
                raise ExerciseError(
                    "Your confidence is upside down: it is P(consequent | antecedent), "
                    "so divide by the baskets that hold the antecedent."
                )
            raise ExerciseError(f"The confidence of {a} ⇒ {c} is not right.")
        if not close(lift, ref_l, rel=1e-9):
            if close(lift, ref_c, rel=1e-9):
                raise ExerciseError(
                    "Your lift equals the confidence: divide the confidence by the "
                    "consequent's support."
                )
            if close(lift, ref_c / (n_a / n), rel=1e-9):
                raise ExerciseError(
                    "You divided the confidence by the antecedent's support; lift divides by "
                    "the consequent's support."
                )
            raise ExerciseError(f"The lift of {a} ⇒ {c} is not right.")
    return "Right: support, confidence and lift (支持度、置信度、提升度) match."


@exercise("07.4")
def pseudonym(answer: Any) -> str:
    func = _needs_function(answer, "pseudonym")
    for value, key in (("13800138000", "k-1"), ("100001", "another key"), ("王芳", "k-1")):
        got = func(value, key)
        want = privacy.hmac_token(value, key)
        if isinstance(got, bytes):
            raise ExerciseError("Return the digest as hex text (.hexdigest()), not bytes.")
        if got == want:
            continue
        if not isinstance(got, str):
            raise ExerciseError(
                f"pseudonym should return a str of hex digits; got {type(got).__name__}."
            )
        if got.lower() == want:
            raise ExerciseError("Use lower-case hex digits, as hexdigest() gives them.")
        if got == hashlib.sha256(value.encode()).hexdigest():
            raise ExerciseError(
                "That is a plain SHA-256 of the value: anyone can recompute it. Use the key: "
                "hmac.new(key, value, hashlib.sha256)."
            )
        if got in (
            hashlib.sha256((key + value).encode()).hexdigest(),
            hashlib.sha256((value + key).encode()).hexdigest(),
        ):
            raise ExerciseError(
                "You hashed the key glued to the value. Use HMAC (hmac.new), which mixes the "
                "key in safely."
            )
        if got == privacy.hmac_token(key, value):
            raise ExerciseError("Key and value are swapped: hmac.new(key, message, ...).")
        raise ExerciseError("pseudonym(value, key) is not the HMAC-SHA256 hex digest of the value.")
    return "Right: a keyed hash (HMAC-SHA256), the same as crm.privacy.hmac_token."


@exercise("07.5")
def smallest_class(answer: Any, *, export: pd.DataFrame, token: str) -> str:
    func = _needs_function(answer, "smallest_class")
    got = _number(func(export.copy(), token), "smallest_class(export, token)")
    others = [c for c in export.columns if c != token]
    sizes = export.groupby(others, dropna=False, observed=True).size()
    ref = privacy.release_k_anonymity(export, token, 1).k_min
    if got == ref:
        return "Right: that is the smallest class over every released column but the token."
    if got == 1 and ref != 1 and export[token].is_unique:
        raise ExerciseError(
            "You grouped by the token too. Every token is unique, so every class has one row: "
            "leave the token out and group by all the other columns."
        )
    if got == len(sizes) and len(sizes) != ref:
        raise ExerciseError(
            "That is the number of equivalence classes, not the size of the smallest."
        )
    if got == sizes.max() and sizes.max() != ref:
        raise ExerciseError("That is the largest class. k-anonymity is limited by the smallest.")
    raise ExerciseError(
        "That is not the smallest class over all released columns. A recipient may know any "
        "of them, so group by every column except the token."
    )


@exercise("07.8")
def intent_recall(answer: Any, *, routed: pd.DataFrame) -> str:
    func = _needs_function(answer, "intent_recall")
    got = func(routed.copy())
    if not isinstance(got, pd.Series):
        raise ExerciseError(
            f"intent_recall should return a Series by intent; got {type(got).__name__}."
        )
    ref = service_bot.routing_report(routed, routed["intent"])["per_intent"]
    ref = ref.loc[ref["support"] > 0]

    def same(x: pd.Series) -> bool:
        y = pd.to_numeric(got.reindex(x.index), errors="coerce")
        return len(got) == len(x) and bool(np.allclose(y, x, rtol=1e-9, atol=1e-12))

    if same(ref["recall"]):
        return "Right: the recall of every intent (the share of its questions recognised)."
    pred = service_bot.routing_report(routed, routed["intent"])["per_intent"]["precision"]
    if same(pred.reindex(ref.index)):
        raise ExerciseError(
            "That is the precision (of the questions given an intent, the share that had it). "
            "Recall starts from the true intent: of its questions, the share recognised."
        )
    raise ExerciseError(
        "For each true intent: the share of its questions whose predicted intent is the same."
    )


@exercise("07.9")
def benchmark_gaps(answer: Any, *, ours: dict, peers: pd.DataFrame) -> str:
    func = _needs_function(answer, "benchmark_gaps")
    got = func(dict(ours), peers.copy())
    if not isinstance(got, pd.Series):
        raise ExerciseError(
            f"benchmark_gaps should return a Series by KPI; got {type(got).__name__}."
        )
    ref = benchmarking.benchmark_table(ours, peers)["gap_to_median"]

    def same(x: pd.Series) -> bool:
        y = pd.to_numeric(got.reindex(x.index), errors="coerce")
        return len(got) == len(x) and bool(np.allclose(y, x, rtol=1e-9, atol=1e-12))

    if same(ref):
        return "Right: our gap to the peer median for every KPI."
    if same(-ref):
        raise ExerciseError("The sign is reversed: ours minus the peer median (ahead = positive).")
    means = pd.Series({k: v - peers[k].mean() for k, v in ours.items()})
    if same(means):
        raise ExerciseError(
            "You compared with the peers' mean. Use the median: one outlier peer should not move "
            "the benchmark."
        )
    raise ExerciseError("For each KPI: our value minus the median of the peers' values.")


@exercise("07.6")
def segment_profit(answer: Any) -> str:
    func = _needs_function(answer, "segment_profit")
    cases = [
        (1000.0, 300, 0.4, 1500.0, 35.0),
        (0.0, 100, 0.3, 500.0, 80.0),
        (4000.0, 2000, 0.05, 800.0, 20.0),
    ]
    for spend, n, r, s, m in cases:
        got = _number(func(spend, n, r, s, m), f"segment_profit({spend}, {n}, {r}, {s}, {m})")
        table = pd.DataFrame(
            {"segment": ["x"], "customers": [n], "r_max": [r], "scale": [s], "margin": [m]}
        )
        want = prescribe.expected_profit(table, {"x": spend})
        if close(got, want, rel=1e-9):
            continue
        rate = float(prescribe.response_rate(spend, r, s))
        if close(got, want + spend, rel=1e-9) and spend:
            raise ExerciseError(
                "You forgot to subtract the spend: profit is gross margin minus cost."
            )
        if close(got, n * rate, rel=1e-9):
            raise ExerciseError(
                "That is the number of responders; multiply by the margin and subtract the spend."
            )
        if close(got, n * r * m - spend, rel=1e-9) and rate != r:
            raise ExerciseError(
                "You used the ceiling r_max as if it were reached: the response rate is "
                "r_max·(1 − exp(−spend/scale))."
            )
        raise ExerciseError(
            f"segment_profit({spend}, {n}, {r}, {s}, {m}) is not the expected profit."
        )
    return "Right: expected profit = customers × response rate × margin − spend."
