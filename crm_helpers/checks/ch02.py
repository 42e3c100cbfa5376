"""Checks for chapter 02 (customer identification: identity resolution, tags, lead scoring,
AWARE, the funnel, web/app behaviour and the journey map)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import identify as idf
from .. import journey as jr
from ..schema import DataValidationError
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number

#: Hand cases of 02.1: raw value, the normalised form.
PHONE_CASES: list[tuple[Any, str | None]] = [
    ("+86 138-1234-5678", "8613812345678"),
    ("13812345678", "8613812345678"),
    ("138 1234 5678", "8613812345678"),
    ("0086 13812345678", "8613812345678"),
    ("(+86)13812345678", "8613812345678"),
    ("86-13812345678", "8613812345678"),
    ("1381234567", None),
    ("021-12345678", None),
    (None, None),
]


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


# --------------------------------------------------------------------------- 02.1
@exercise("02.1")
def clean_phone(answer: Any, *, records: pd.DataFrame | None = None) -> str:
    func = _needs_function(answer, "clean_phone")
    cases = list(PHONE_CASES)
    if records is not None and "phone" in records.columns:
        raw = records["phone"].dropna().head(300).tolist()
        cases += list(zip(raw, idf.normalize_phone(pd.Series(raw)).tolist(), strict=True))
    for raw, want in cases:
        got = func(raw)
        want = None if _missing(want) else want
        if want is None:
            if not _missing(got):
                raise ExerciseError(
                    f"clean_phone({raw!r}) should give None: it is not an 11-digit mobile "
                    "number starting with 1 (after the country code)."
                )
            continue
        if _missing(got):
            raise ExerciseError(f"clean_phone({raw!r}) gave nothing, but it is a mobile number.")
        if not isinstance(got, str):
            raise ExerciseError(
                f"clean_phone should return a string (or None), not {type(got).__name__}."
            )
        if not got.isdigit():
            raise ExerciseError(
                f"clean_phone({raw!r}) still has characters that are not digits: remove "
                "'+', spaces, dashes and brackets."
            )
        if got == want[2:]:
            raise ExerciseError(
                "You return the 11 digits only. The course's form keeps the country code: "
                "86 followed by the 11 digits."
            )
        if got == "00" + want or got == "0" + want:
            raise ExerciseError(
                f"clean_phone({raw!r}) kept the international prefix 00. 0086 means "
                "'international call to 86': drop the 00."
            )
        if got == "86" + want:
            raise ExerciseError(
                f"clean_phone({raw!r}) added the country code to a number that already had "
                "it: add 86 only to the 11-digit numbers."
            )
        if got != want:
            raise ExerciseError(f"clean_phone({raw!r}) does not give the normalised number.")
    return "Right: every format gives the same number."


# --------------------------------------------------------------------------- 02.2
HAND_MAPPING = pd.DataFrame({"record_id": [1, 2, 3, 4, 5], "resolved_id": [1, 1, 1, 4, 4]})
HAND_TRUTH = pd.DataFrame({"record_id": [1, 2, 3, 4, 5], "customer_id": [7, 7, 8, 8, 9]})


def _pair(value: Any) -> tuple[float, float]:
    if isinstance(value, dict) and {"precision", "recall"} <= set(value):
        value = (value["precision"], value["recall"])
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ExerciseError(
            "pair_precision_recall should return a tuple of two numbers: (precision, recall)."
        )
    return _number(value[0], "precision"), _number(value[1], "recall")


@exercise("02.2")
def pair_precision_recall(
    answer: Any, *, mapping: pd.DataFrame | None = None, truth: pd.DataFrame | None = None
) -> str:
    func = _needs_function(answer, "pair_precision_recall")
    cases = [(HAND_MAPPING, HAND_TRUTH)]
    if mapping is not None and truth is not None:
        cases.append((mapping, truth))
    for m, t in cases:
        p, r = _pair(func(m.copy(), t.copy()))
        ref = idf.match_quality(m, t)
        if close(p, ref["precision"], 1e-9) and close(r, ref["recall"], 1e-9):
            continue
        if close(p, ref["recall"], 1e-9) and close(r, ref["precision"], 1e-9):
            raise ExerciseError(
                "Precision and recall are swapped. Precision divides by the pairs you put "
                "together; recall by the pairs that truly belong together."
            )
        n_res = m["resolved_id"].nunique()
        n_true = t.loc[t["record_id"].isin(m["record_id"]), "customer_id"].nunique()
        if close(p, min(n_res, n_true) / max(n_res, n_true), 1e-9) or close(
            r, min(n_res, n_true) / max(n_res, n_true), 1e-9
        ):
            raise ExerciseError(
                "You compared numbers of customers. Precision and recall are on record pairs: "
                "a group of n records holds n(n − 1)/2 pairs."
            )
        raise ExerciseError(
            "Not the pair precision and recall. Count pairs within each resolved group, within "
            "each true customer, and within each (resolved group, true customer) cell: a group "
            "of n records holds n(n − 1)/2 pairs."
        )
    return "Right: precision and recall on record pairs."


# --------------------------------------------------------------------------- 02.3
HAND_LINKS = pd.DataFrame({"record_a": [1, 3, 6, 2], "record_b": [2, 4, 7, 3]})
HAND_IDS = [1, 2, 3, 4, 5, 6, 7]


def _as_series(got: Any) -> pd.Series:
    if isinstance(got, dict):
        got = pd.Series(got)
    if isinstance(got, pd.DataFrame) and {"record_id", "resolved_id"} <= set(got.columns):
        got = got.set_index("record_id")["resolved_id"]
    if not isinstance(got, pd.Series):
        raise ExerciseError(
            "group_records should return a Series (or dict): record_id → the smallest "
            f"record_id of its group; got {type(got).__name__}."
        )
    return got


def _direct_only(ids: list[Any], links: pd.DataFrame) -> pd.Series:
    best = pd.Series(ids, index=ids)
    for a, b in zip(links["record_a"], links["record_b"], strict=True):
        best[a], best[b] = min(best[a], b), min(best[b], a)
    return best


@exercise("02.3")
def group_records(answer: Any, *, pairs: pd.DataFrame | None = None, threshold: float = 3.0) -> str:
    func = _needs_function(answer, "group_records")
    cases = [(HAND_IDS, HAND_LINKS)]
    if pairs is not None:
        links = pairs.loc[pairs["score"] >= threshold, ["record_a", "record_b"]]
        ids = sorted(set(pairs["record_a"]) | set(pairs["record_b"]))
        cases.append((ids, links.reset_index(drop=True)))
    for ids, links in cases:
        got = _as_series(func(list(ids), links.copy()))
        want = idf.cluster_records(ids, links).set_index("record_id")["resolved_id"]
        if len(got) < len(want):
            raise ExerciseError(
                "Some records are missing. Every record must get a group, also a record "
                "without any link: it is a customer of its own."
            )
        got = got.reindex(want.index)
        if got.isna().any():
            raise ExerciseError("The result should be indexed by record_id.")
        if (got.to_numpy() == want.to_numpy()).all():
            continue
        if (
            got.to_numpy() == _direct_only(list(want.index), links).reindex(want.index).to_numpy()
        ).all():
            raise ExerciseError(
                "You follow only direct links. If 1–2 and 2–3 are matches, 1 and 3 are the same "
                "customer too: follow links of links (union-find, 并查集)."
            )
        same_groups = pd.crosstab(got.to_numpy(), want.to_numpy())
        if ((same_groups > 0).sum(axis=1) == 1).all() and (
            (same_groups > 0).sum(axis=0) == 1
        ).all():
            raise ExerciseError(
                "The groups are right but their ids are not: name each group by the smallest "
                "record_id in it."
            )
        raise ExerciseError("The groups are not the connected groups of the links.")
    return "Right: links of links are followed and every record has its group."


# --------------------------------------------------------------------------- 02.4
LOYAL_RULE = "is_buyer and n_visits >= 10 and recency_days <= 90"
_LOYAL_SLIPS = {
    "is_buyer and n_visits > 10 and recency_days <= 90": "At least 10 visits includes 10: use >=.",
    "is_buyer and n_visits >= 10 and recency_days < 90": "Within 90 days includes day 90: use <=.",
    "n_visits >= 10 or recency_days <= 90": "Both conditions must hold: use and, not or.",
    "is_buyer and n_visits >= 10 or recency_days <= 90": "Both conditions must hold: use and, not or.",
    "is_buyer and n_visits >= 10 and recency_days >= 90": (
        "Recency counts days since the last purchase: a loyal shopper has a small recency."
    ),
}


@exercise("02.4")
def loyal_rule(answer: Any, *, profile: pd.DataFrame) -> str:
    if not isinstance(answer, str):
        raise ExerciseError(
            f'loyal_rule should be a rule written as a string, e.g. "age < 30"; got {type(answer).__name__}.'
        )
    try:
        got = idf.evaluate_rule(profile, answer)
    except DataValidationError as err:
        raise ExerciseError(f"The rule cannot be used: {err}") from None
    want = idf.evaluate_rule(profile, LOYAL_RULE)
    if got.equals(want):
        return "Right: the rule selects exactly the loyal shoppers."
    for slip, hint in _LOYAL_SLIPS.items():
        if got.equals(idf.evaluate_rule(profile, slip)):
            raise ExerciseError(hint)
    raise ExerciseError(
        "The rule does not select the members with at least 10 visits whose last purchase is "
        "at most 90 days ago."
    )


# --------------------------------------------------------------------------- 02.5
HAND_Y = [1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
HAND_SCORE = [0.95, 0.9, 0.2, 0.85, 0.3, 0.1, 0.15, 0.22, 0.4, 0.35,
              0.33, 0.32, 0.31, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24]  # fmt: skip


@exercise("02.5")
def top_decile_lift(answer: Any, *, y: Any = None, score: Any = None) -> str:
    func = _needs_function(answer, "top_decile_lift")
    cases = [(HAND_Y, HAND_SCORE)]
    if y is not None and score is not None:
        cases.append((list(np.asarray(y)), list(np.asarray(score))))
    for yy, ss in cases:
        got = _number(func(pd.Series(yy), pd.Series(ss)), "top_decile_lift(y, score)")
        g = idf.gains_table(yy, ss, 10)
        want = g["lift"].iloc[0]
        if close(got, want, 1e-9):
            continue
        if close(got, g["gain"].iloc[0], 1e-9):
            raise ExerciseError(
                "That is the gain: the share of all converters found in the top 10 %. Lift "
                "divides the top decile's conversion rate by the overall rate."
            )
        if close(got, g["response_rate"].iloc[0], 1e-9):
            raise ExerciseError(
                "That is the top decile's conversion rate. Lift divides it by the overall "
                "conversion rate."
            )
        if close(got, g["lift"].iloc[-1], 1e-9):
            raise ExerciseError(
                "That is the lift of the lowest scores: sort by score, highest first."
            )
        raise ExerciseError(
            "Not the lift of the top decile: take the tenth of prospects with the highest "
            "scores (the first ⌈n/10⌉ after sorting), their conversion rate, divided by the "
            "overall rate."
        )
    return "Right: the lift of the top decile."


# --------------------------------------------------------------------------- 02.6
def _aware(prospects: pd.DataFrame, km: float) -> pd.DataFrame:
    crit = {**idf.DEFAULT_AWARE, "reasonable": f"distance_km <= {km}"}
    return idf.aware_check(prospects, crit)


@exercise("02.6")
def n_qualified(answer: Any, *, prospects: pd.DataFrame) -> str:
    got = _number(answer, "n_qualified")
    ref = _aware(prospects, 10)
    want = int(ref["qualified"].sum())
    if got == want:
        return "Right: the prospects who pass all five AWARE criteria."
    if got == int(_aware(prospects, 15)["qualified"].sum()):
        raise ExerciseError("That count uses the default 15 km. Set reasonable to 10 km.")
    if got == int((ref["n_met"] >= 4).sum()):
        raise ExerciseError(
            "You counted prospects who meet four or more. Qualified means all five."
        )
    if got == int((ref["n_met"] >= 1).sum()):
        raise ExerciseError(
            "You counted prospects who meet any criterion. Qualified means all five."
        )
    if got == len(prospects) - want:
        raise ExerciseError("You counted the prospects who do not qualify.")
    raise ExerciseError("Not the number of prospects who meet all five criteria with 10 km.")


# --------------------------------------------------------------------------- 02.7
@exercise("02.7")
def win_rate_by_source(answer: Any, *, funnel: pd.DataFrame) -> str:
    func = _needs_function(answer, "win_rate_by_source")
    got = func(funnel.copy())
    if isinstance(got, pd.DataFrame) and got.shape[1] == 1:
        got = got.iloc[:, 0]
    if not isinstance(got, pd.Series):
        raise ExerciseError(
            f"win_rate_by_source should return a Series indexed by source; got {type(got).__name__}."
        )
    conv = idf.funnel_conversion(funnel, by="source").set_index("source")
    got = got.copy()
    got.index = got.index.astype(str)
    if set(got.index) != set(conv.index):
        raise ExerciseError("The Series should have one value per lead source, indexed by source.")
    got = got.reindex(conv.index).astype(float)
    for col, hint in (
        ("win_rate", None),
        ("lead_to_won", "You divided by all leads. The win rate divides won by opportunities."),
        (
            "opportunity_rate",
            "That is opportunities / contacted. The win rate is won / opportunities.",
        ),
    ):
        if np.allclose(got.to_numpy(), conv[col].to_numpy(), rtol=1e-9, equal_nan=True):
            if hint is None:
                return "Right: the win rate per source."
            raise ExerciseError(hint)
    contacted = conv["won"] / conv["contacted"]
    if np.allclose(got.to_numpy(), contacted.to_numpy(), rtol=1e-9):
        raise ExerciseError(
            "You divided by the contacted leads. The win rate is won / opportunities."
        )
    raise ExerciseError(
        "Not won / opportunities per source (a stage is reached when its date is filled in)."
    )


# --------------------------------------------------------------------------- 02.9
def _by_touchpoint(got: Any, name: str) -> pd.Series:
    if isinstance(got, pd.DataFrame) and got.shape[1] == 1:
        got = got.iloc[:, 0]
    if not isinstance(got, pd.Series):
        raise ExerciseError(f"{name} should return a pandas Series indexed by touchpoint.")
    got = got.copy()
    got.index = got.index.astype(str)
    return got.astype(float)


@exercise("02.9")
def search_to_buy(answer: Any, *, events: pd.DataFrame) -> str:
    func = _needs_function(answer, "search_to_buy")
    got = _by_touchpoint(func(events.copy()), "search_to_buy(events)")
    ref = jr.search_conversion(events).set_index("touchpoint")
    ref.index = ref.index.astype(str)
    if sorted(got.index) != sorted(ref.index):
        raise ExerciseError("The Series needs one value per touchpoint (group by `touchpoint`).")
    got = got.reindex(ref.index)
    if np.allclose(got, ref["conversion"], rtol=1e-9, equal_nan=True):
        return "Right: search-to-buy conversion (搜索转化率) per touchpoint."
    all_sessions = ref["bought"] / ref["sessions"]
    if np.allclose(got, all_sessions, rtol=1e-9, equal_nan=True):
        raise ExerciseError(
            "You divided by all sessions. Conversion after search divides by the sessions "
            "that searched."
        )
    buying = jr.sessions(events).groupby("touchpoint")["bought"].mean()
    if np.allclose(got, buying.reindex(ref.index).to_numpy(), rtol=1e-9, equal_nan=True):
        raise ExerciseError(
            "That is the purchase rate of all sessions: keep the sessions with a search."
        )
    raise ExerciseError(
        "Not yet: per touchpoint, take the sessions with at least one search event and the "
        "share of them that have a purchase event (count sessions, not events)."
    )


# --------------------------------------------------------------------------- 02.10
@exercise("02.10")
def stage_reach(answer: Any, *, events: pd.DataFrame) -> str:
    func = _needs_function(answer, "stage_reach")
    got = func(events.copy())
    if not isinstance(got, pd.DataFrame):
        raise ExerciseError("stage_reach(events) should return a DataFrame: touchpoints × stages.")
    ref = jr.journey_map(events).pivot(index="touchpoint", columns="stage", values="share_reached")
    ref = ref[list(jr.STAGES)]
    missing = [s for s in jr.STAGES if s not in got.columns]
    if missing:
        raise ExerciseError(f"The columns must be the stages {list(jr.STAGES)}; missing {missing}.")
    got = got[list(jr.STAGES)].copy()
    got.index = got.index.astype(str)
    ref.index = ref.index.astype(str)
    if sorted(got.index) != sorted(ref.index):
        raise ExerciseError("The rows must be the touchpoints (one row each).")
    got = got.reindex(ref.index).astype(float)
    if np.allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-9, equal_nan=True):
        return "Right: the share of sessions reaching each stage, per touchpoint."
    step = ref / ref.shift(axis=1).fillna(1.0)
    if np.allclose(got.to_numpy(), step.to_numpy(), rtol=1e-9, equal_nan=True):
        raise ExerciseError(
            "You divided each stage by the stage before (step conversion). The question asks "
            "for the share of ALL the touchpoint's sessions (divide by the visits)."
        )
    raise ExerciseError(
        "Not yet: count the distinct sessions with each event per touchpoint and divide by "
        "the touchpoint's sessions (those with a visit)."
    )
