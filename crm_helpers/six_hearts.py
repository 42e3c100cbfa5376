"""The six-hearts service rating (“六心”服务评定) as seed 004 describes it.

The six hearts are 信心 (confidence), 热心 (warmth), 用心 (attentiveness), 耐心
(patience), 诚心 (sincerity, **the most important**) and 细心 (carefulness). The rating is
**graded level by level** (逐级考核): store staff by their store manager (店长), store
managers by the store-operations manager (店务执行经理); the marketing director
(市场营销部总监) confirms the results and the general manager (总经理) signs them. Its
principle is 客观、真实、公平、公正 — which a chain of different raters only keeps if the
raters judge alike. Hence:

* :func:`rating_chain` — who rates whom, from the staff table;
* :func:`weighted_score` and :func:`six_hearts_scorecard` — the hearts weighted
  (:data:`HEART_WEIGHTS`, 诚心 highest), per employee or store;
* :func:`rater_agreement` — where two raters rated the same person in the same period
  (the operations manager's spot checks, 抽查), how far each rater's scores sit from the
  reference rater's (their leniency, 宽严倾向) and how well they agree;
* :func:`calibrated_scorecard` — the director's confirmation step made fair: each rater's
  measured leniency removed before the scores are compared across stores.

Ratings tables have one row per rating: the ratee (``employee_id``, ``store_id``), the
``rater_id``, optionally the ``period`` and ``kind``, and the six hearts as columns on a
1–5 scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import _catalogue as cat
from .satisfaction import validate_scores
from .schema import DataValidationError, require_columns

__all__ = [
    "SIX_HEARTS",
    "HEART_WEIGHTS",
    "RATING_CHAIN",
    "rating_chain",
    "weighted_score",
    "six_hearts_scorecard",
    "rater_agreement",
    "calibrated_scorecard",
]

#: The six hearts, English column name → Chinese, in the order of seed 004.
SIX_HEARTS: dict[str, str] = dict(cat.SIX_HEARTS)
#: The weights of the hearts in the overall score (诚心 the highest; see ``_catalogue``).
HEART_WEIGHTS: dict[str, float] = dict(cat.SIX_HEARTS_WEIGHTS)
#: The rating chain (逐级考核): role, Chinese, duty.
RATING_CHAIN = pd.DataFrame(list(cat.SIX_HEARTS_CHAIN), columns=["role", "role_zh", "duty"])


def _weights(hearts: Sequence[str], weights: Mapping[str, float] | None) -> pd.Series:
    w = pd.Series(HEART_WEIGHTS if weights is None else dict(weights), dtype=float)
    unknown = sorted(set(w.index) - set(hearts))
    if unknown:
        raise ValueError(f"weights name hearts that are not rated: {unknown}; hearts: {hearts}.")
    w = w.reindex(list(hearts)).fillna(0.0)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"weights must be ≥ 0 with a positive sum; got {w.to_dict()}.")
    return w / w.sum()


def rating_chain(staff: pd.DataFrame) -> pd.DataFrame:
    """Who rates whom (逐级考核): one row per store employee and store manager with
    ``rater_id`` (the store's manager, or the operations manager for a store manager),
    ``rater_role``, ``confirmed_by`` (the marketing director) and ``signed_by`` (the
    general manager). ``staff`` needs ``employee_id``, ``store_id`` and ``role`` with the
    roles of :data:`RATING_CHAIN`.

    >>> staff = pd.DataFrame({"employee_id": ["E1", "E2", "M1", "H1", "H2", "H3"],
    ...     "store_id": ["S1", "S1", "S1", "HQ", "HQ", "HQ"], "role": ["cashier",
    ...     "cashier", "store_manager", "ops_manager", "marketing_director",
    ...     "general_manager"]})
    >>> rating_chain(staff)[["employee_id", "rater_id", "rater_role", "confirmed_by"]]
      employee_id rater_id     rater_role confirmed_by
    0          E1       M1  store_manager           H2
    1          E2       M1  store_manager           H2
    2          M1       H1    ops_manager           H2
    """
    require_columns(staff, ["employee_id", "store_id", "role"], "staff")
    head = {}
    for role in ("ops_manager", "marketing_director", "general_manager"):
        found = staff.loc[staff["role"] == role, "employee_id"]
        if found.empty:
            raise DataValidationError(
                f"The staff table has no {role!r} (role column): the chain needs one."
            )
        head[role] = found.iloc[0]
    managers = staff[staff["role"] == "store_manager"].set_index("store_id")["employee_id"]
    ratees = staff[~staff["role"].isin(head)].copy()
    is_mgr = ratees["role"] == "store_manager"
    ratees["rater_id"] = np.where(
        is_mgr, head["ops_manager"], ratees["store_id"].map(managers).to_numpy()
    )
    ratees["rater_role"] = np.where(is_mgr, "ops_manager", "store_manager")
    no_rater = ratees["rater_id"].isna()
    if no_rater.any():
        stores = sorted(ratees.loc[no_rater, "store_id"].astype(str).unique())
        raise DataValidationError(f"Stores without a store_manager to rate their staff: {stores}.")
    ratees["confirmed_by"] = head["marketing_director"]
    ratees["signed_by"] = head["general_manager"]
    cols = ["employee_id", "store_id", "role", "rater_id", "rater_role"]
    return ratees[[*cols, "confirmed_by", "signed_by"]].reset_index(drop=True)


def weighted_score(
    ratings: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    hearts: Sequence[str] = tuple(SIX_HEARTS),
) -> pd.Series:
    """Each rating's overall score: the weighted mean of its hearts (weights rescaled to
    sum to 1; default :data:`HEART_WEIGHTS`, 诚心 0.25 and the others 0.15).

    >>> r = pd.DataFrame({h: [4] for h in SIX_HEARTS}).assign(sincerity=[2])
    >>> round(float(weighted_score(r).iloc[0]), 3)
    3.5
    """
    hearts = list(hearts)
    require_columns(ratings, hearts, "staff ratings")
    w = _weights(hearts, weights)
    return (ratings[hearts].astype(float) @ w.to_numpy()).rename("score")


def _card(frame: pd.DataFrame, keys: list[str], hearts: list[str], w: pd.Series) -> pd.DataFrame:
    g = frame.groupby(keys, observed=True, sort=True)
    out = g[hearts].mean()
    out.insert(0, "n_ratings", g.size())
    out["overall"] = out[hearts].to_numpy() @ w.to_numpy()
    out["weakest"] = out[hearts].idxmin(axis=1)
    out = out.reset_index()
    if "store_id" in keys and len(keys) > 1:
        ranks = out.groupby("store_id")["overall"].rank(ascending=False, method="min")
        out["rank_in_store"] = ranks.astype(int)
    return out


def six_hearts_scorecard(
    ratings: pd.DataFrame,
    by: str | Sequence[str] = ("store_id", "employee_id"),
    hearts: Sequence[str] = tuple(SIX_HEARTS),
    scale: tuple[float, float] = (1, 5),
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The six-hearts scorecard (六心服务评分卡): per group, the number of ratings, the mean
    of each heart, ``overall`` (the weighted mean of the heart means, :func:`weighted_score`),
    the ``weakest`` heart (the coaching topic) and ``rank_in_store`` (1 = best, when
    grouping by store and employee).

    >>> r = pd.DataFrame({"store_id": ["S1"] * 3, "employee_id": ["E1", "E1", "E2"],
    ...     **{h: [5, 4, 3] for h in SIX_HEARTS}})
    >>> six_hearts_scorecard(r)[["employee_id", "n_ratings", "overall", "rank_in_store"]]
      employee_id  n_ratings  overall  rank_in_store
    0          E1          2      4.5              1
    1          E2          1      3.0              2
    """
    keys = [by] if isinstance(by, str) else list(by)
    hearts = list(hearts)
    require_columns(ratings, [*keys, *hearts], "staff ratings")
    validate_scores(ratings, hearts, *scale, table="staff ratings")
    return _card(ratings, keys, hearts, _weights(hearts, weights))


def rater_agreement(
    ratings: pd.DataFrame,
    reference: str,
    weights: Mapping[str, float] | None = None,
    hearts: Sequence[str] = tuple(SIX_HEARTS),
) -> pd.DataFrame:
    """How each rater's scores compare with the reference rater's on the same people in
    the same period (rater consistency, 评分一致性).

    Pairs are (employee, period) rated by the reference rater (``rater_id == reference``,
    e.g. the operations manager's spot checks) and by another rater. Per other rater:
    ``pairs``, ``leniency`` (mean of rater score − reference score, weighted scores; > 0:
    more lenient), its standard error ``se``, ``correlation`` of the paired scores and
    ``mean_abs_diff``; ``attrs["overall"]`` has the same over all pairs plus
    ``exact_agreement`` (the share of hearts given the same stars). Needs ``employee_id``,
    ``rater_id`` and the hearts; ``period`` if present.

    >>> r = pd.DataFrame({"employee_id": ["E1", "E1", "E2", "E2"],
    ...     "rater_id": ["M1", "OPS", "M1", "OPS"], **{h: [5, 4, 4, 3] for h in SIX_HEARTS}})
    >>> rater_agreement(r, "OPS")[["rater_id", "pairs", "leniency", "mean_abs_diff"]]
      rater_id  pairs  leniency  mean_abs_diff
    0       M1      2       1.0            1.0
    """
    hearts = list(hearts)
    require_columns(ratings, ["employee_id", "rater_id", *hearts], "staff ratings")
    keys = ["employee_id", "period"] if "period" in ratings.columns else ["employee_id"]
    frame = ratings[[*keys, "rater_id", *hearts]].assign(
        score=weighted_score(ratings, weights, hearts)
    )
    ref = frame[frame["rater_id"] == reference]
    if ref.empty:
        raise DataValidationError(
            f"No rating by the reference rater {reference!r} (column rater_id): the "
            "comparison needs the reference's ratings (e.g. the spot checks)."
        )
    ref = ref.groupby(keys, as_index=False).first()
    pairs = frame[frame["rater_id"] != reference].merge(ref, on=keys, suffixes=("", "_ref"))
    if pairs.empty:
        raise DataValidationError(
            f"No person was rated both by {reference!r} and by another rater in the same "
            "period: there is nothing to compare."
        )
    pairs["diff"] = pairs["score"] - pairs["score_ref"]
    out = pairs.groupby("rater_id").apply(_pair_stats, include_groups=False).reset_index()
    out = out.astype({"pairs": "int64", **{c: float for c in _STATS[1:]}})
    overall = _pair_stats(pairs)
    same = pairs[hearts].to_numpy() == pairs[[f"{h}_ref" for h in hearts]].to_numpy()
    stats = {k: (int(v) if k == "pairs" else float(v)) for k, v in overall.items()}
    out.attrs["overall"] = {**stats, "exact_agreement": float(same.mean())}
    return out


_STATS = ("pairs", "leniency", "se", "correlation", "mean_abs_diff")


def _pair_stats(p: pd.DataFrame) -> pd.Series:
    n = len(p)
    sd = float(p["diff"].std(ddof=1)) if n > 1 else np.nan
    corr = float(p["score"].corr(p["score_ref"])) if n > 2 else np.nan
    return pd.Series(
        {
            "pairs": n,
            "leniency": float(p["diff"].mean()),
            "se": sd / np.sqrt(n) if n > 1 else np.nan,
            "correlation": corr,
            "mean_abs_diff": float(p["diff"].abs().mean()),
        }
    ).astype(object)


def calibrated_scorecard(
    ratings: pd.DataFrame,
    leniency: pd.DataFrame | Mapping[str, float],
    by: str | Sequence[str] = ("store_id", "employee_id"),
    weights: Mapping[str, float] | None = None,
    hearts: Sequence[str] = tuple(SIX_HEARTS),
) -> pd.DataFrame:
    """The scorecard after removing each rater's leniency from their ratings (the
    confirmation step, 认定): a lenient store manager no longer lifts their whole store.

    ``leniency`` is a table from :func:`rater_agreement` (``rater_id``, ``leniency``) or a
    mapping rater → points; raters without an estimate are left as they are.

    >>> r = pd.DataFrame({"store_id": ["S1", "S2"], "employee_id": ["E1", "E2"],
    ...     "rater_id": ["M1", "M2"], **{h: [5, 4] for h in SIX_HEARTS}})
    >>> calibrated_scorecard(r, {"M1": 1.0})["overall"].tolist()
    [4.0, 4.0]
    """
    hearts = list(hearts)
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(ratings, [*keys, "rater_id", *hearts], "staff ratings")
    if isinstance(leniency, pd.DataFrame):
        require_columns(leniency, ["rater_id", "leniency"], "leniency")
        shift = leniency.set_index("rater_id")["leniency"].astype(float)
    else:
        shift = pd.Series(dict(leniency), dtype=float)
    delta = ratings["rater_id"].map(shift).fillna(0.0).to_numpy()[:, None]
    adjusted = ratings.copy()
    adjusted[hearts] = ratings[hearts].astype(float).to_numpy() - delta
    return _card(adjusted, keys, hearts, _weights(hearts, weights))
