"""Customer satisfaction (客户满意度): NPS, CSAT and the drivers of satisfaction.

* **NPS** (净推荐值, Net Promoter Score; Reichheld 2003), as the Walmart (沃尔玛) case uses
  it: on the question "how likely are you to recommend us?" (0–10), promoters (推荐者)
  answer 9–10, passives (中立者) 7–8 and detractors (批评者) 0–6; NPS = 100 × (share of
  promoters − share of detractors), from −100 to +100. :func:`nps` gives it with a Wald
  confidence interval from the multinomial variance of the difference of two shares of the
  same sample, ``var = (p_P + p_D − (p_P − p_D)²) / n`` (Rocks 2016, *The American
  Statistician* 70(4)), :func:`nps_table` by segment or store, :func:`nps_trend` by month.
  Scores must be on the 0–10 scale: a survey on another scale (1–5) is refused with a
  message saying how to map it (``scale=(1, 5)``), never turned into a silent −100.
* **CSAT** (顾客满意率): the share of respondents who are satisfied (top box, e.g. 8–10 on a
  1–10 scale), :func:`csat_table`.
* **Drivers** (满意度驱动因素, 哪些价值决定满意度、各自的权重): :func:`driver_analysis`
  regresses overall satisfaction on the attribute scores (ordinary least squares): the raw
  weights with standard errors and the standardised weights (β × sd(x) / sd(y));
  :func:`importance_performance` places them in the importance–performance matrix
  (重要性–绩效矩阵, Martilla & James 1977).

Complaints (投诉处理) are in :mod:`crm_helpers.complaints`, the feedback classifier in
:mod:`crm_helpers.feedback_text` and the six-hearts rating (六心) in
:mod:`crm_helpers.six_hearts`; their names are also reachable from this module
(``sat.complaint_times`` …) so older code keeps working.

Every function validates its input and raises :class:`~crm_helpers.schema.DataValidationError`
naming the column, the expected range and how many rows are wrong.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from . import _catalogue as cat
from .schema import DataValidationError, check_choice, require_columns

__all__ = [
    "ATTRIBUTES",
    "ATTRIBUTES_ZH",
    "SIX_HEARTS",
    "DEFAULT_SLA",
    "COMPLAINT_TYPES_ZH",
    "validate_scores",
    "group_columns",
    "nps_category",
    "nps",
    "nps_table",
    "nps_trend",
    "csat_table",
    "driver_analysis",
    "importance_performance",
    "NPS_GROUPS",
    "NPS_ACTIONS",
    "nps_groups",
]

#: The attribute scores of the course's satisfaction survey.
ATTRIBUTES: tuple[str, ...] = tuple(cat.SURVEY_ATTRIBUTES)
ATTRIBUTES_ZH: dict[str, str] = dict(cat.SURVEY_ATTRIBUTES)
#: The six hearts (六心) of service, English column name → Chinese (seed 004).
SIX_HEARTS: dict[str, str] = dict(cat.SIX_HEARTS)
#: The NPS groups as the Walmart case names them.
NPS_GROUPS: dict[str, str] = dict(cat.NPS_GROUPS)
#: What to do with each NPS group (the Walmart case asks for a strategy per group; these
#: are the course's suggestions, override them with ``actions=``).
NPS_ACTIONS: dict[str, str] = {
    "promoter": "ask for referrals and reviews; invite to member events 邀请推荐、口碑传播",
    "passive": "find the one thing missing (survey follow-up); targeted offers 找出差距、针对性改进",
    "detractor": "call back within days, fix the cause, close the loop 及时回访、解决问题",
}
#: Service-level targets (服务水平) in hours from opening, by severity.
DEFAULT_SLA = pd.DataFrame(
    list(cat.SLA_TARGETS), columns=["severity", "response_hours", "resolution_hours"]
)
COMPLAINT_TYPES_ZH: dict[str, str] = {
    "waiting_time": "排队等候",
    "product_quality": "商品质量",
    "staff_attitude": "服务态度",
    "price_billing": "价格与结算",
    "delivery": "配送",
    "out_of_stock": "缺货",
    "membership_points": "会员积分",
    "other": "其他",
}


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}.")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def validate_scores(
    df: pd.DataFrame,
    columns: Iterable[str],
    low: float,
    high: float,
    table: str = "survey",
    allow_missing: bool = False,
) -> None:
    """Raise :class:`DataValidationError` unless every score in ``columns`` is a number
    from ``low`` to ``high`` (and, unless ``allow_missing``, present).

    >>> validate_scores(pd.DataFrame({"recommend": [10, 0, 7]}), ["recommend"], 0, 10)
    >>> validate_scores(pd.DataFrame({"recommend": [10, 11, -1]}), ["recommend"], 0, 10)
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: Column 'recommend' of the survey table must hold scores from 0 to 10; 2 rows are outside that range (e.g. 11, -1).
    """
    columns = list(columns)
    require_columns(df, columns, table)
    for col in columns:
        values = pd.to_numeric(df[col], errors="coerce")
        bad_type = values.isna() & df[col].notna()
        if bad_type.any():
            raise DataValidationError(
                f"Column {col!r} of the {table} table must hold numbers; {int(bad_type.sum())} "
                f"rows do not (e.g. {df.loc[bad_type, col].iloc[0]!r})."
            )
        missing = values.isna()
        if missing.any() and not allow_missing:
            raise DataValidationError(
                f"Column {col!r} of the {table} table has {int(missing.sum())} missing "
                f"scores; drop those rows first."
            )
        out = values.notna() & ~values.between(low, high)
        if out.any():
            shown = ", ".join(f"{v:g}" for v in values[out].iloc[:3])
            raise DataValidationError(
                f"Column {col!r} of the {table} table must hold scores from {low:g} to "
                f"{high:g}; {int(out.sum())} rows are outside that range (e.g. {shown})."
            )


# --------------------------------------------------------------------------- NPS and CSAT


def _nps_scores(
    scores: pd.Series | Sequence[float], scale: tuple[float, float] | None
) -> pd.Series:
    """The answers on the 0–10 scale: checked, and mapped linearly from ``scale``."""
    s = pd.Series(scores) if not isinstance(scores, pd.Series) else scores
    name = str(s.name) if s.name is not None else "recommend"
    s = s.rename(name)
    low, high = (0.0, 10.0) if scale is None else (float(scale[0]), float(scale[1]))
    if not high > low:
        raise ValueError(f"scale must be (lowest, highest) with highest > lowest; got {scale!r}.")
    validate_scores(s.to_frame(), [name], low, high)
    values = pd.to_numeric(s).astype(float)
    if scale is None and len(values) >= 10 and values.max() <= 5:
        raise DataValidationError(
            f"Column {name!r} holds scores from {values.min():g} to {values.max():g} only, but "
            "NPS needs answers on the 0–10 scale (9–10 promoters 推荐者, 0–6 detractors "
            "批评者): on this column every answer would count as a detractor (NPS −100). If "
            "the survey used a 1–5 scale, map it with scale=(1, 5) (5 → 10 promoter, 4 → 7.5 "
            "passive, 1–3 detractors); if the scores really are 0–10, pass scale=(0, 10)."
        )
    if scale is not None:
        values = (values - low) / (high - low) * 10
    return values


def nps_category(
    scores: pd.Series | Sequence[float], scale: tuple[float, float] | None = None
) -> pd.Series:
    """Promoter (推荐者, 9–10), passive (中立者, 7–8) or detractor (批评者, 0–6) for each
    0–10 score; a score on another ``scale`` (e.g. ``(1, 5)``) is first mapped linearly to
    0–10.

    >>> nps_category([10, 8, 6, 9]).tolist()
    ['promoter', 'passive', 'detractor', 'promoter']
    >>> nps_category([5, 4, 3], scale=(1, 5)).tolist()
    ['promoter', 'passive', 'detractor']
    """
    s = _nps_scores(scores, scale)
    cat_ = np.where(s >= 9, "promoter", np.where(s >= 7, "passive", "detractor"))
    return pd.Series(cat_, index=s.index, name="category")


def nps(
    scores: pd.Series | Sequence[float],
    confidence: float = 0.95,
    scale: tuple[float, float] | None = None,
) -> dict[str, float]:
    """The Net Promoter Score (净推荐值) of 0–10 answers, with a Wald confidence interval.

    Returns ``n``, the shares of ``promoters`` (推荐者), ``passives`` (中立者) and
    ``detractors`` (批评者), ``nps`` (100 × (promoters − detractors)), its standard error
    ``se`` (in NPS points) and ``lower`` / ``upper`` (clipped to ±100). The variance of the
    estimated difference p_P − p_D of one multinomial sample is (p_P + p_D − (p_P − p_D)²)/n
    (Rocks 2016). Ten or more answers that never exceed 5 are refused unless ``scale``
    says what the scale is (a 1–5 survey would otherwise give −100 without a word).

    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
    >>> r["nps"], r["promoters"], r["detractors"]
    (20.0, 0.5, 0.3)
    >>> round(r["se"], 2)
    27.57
    >>> nps([5, 5, 4, 3, 1, 5, 4, 4, 2, 5], scale=(1, 5))["nps"]
    10.0
    """
    cat_ = nps_category(scores, scale)
    n = len(cat_)
    if n == 0:
        raise DataValidationError("There are no scores: NPS needs at least one answer.")
    p_p = (cat_ == "promoter").mean()
    p_d = (cat_ == "detractor").mean()
    columns = _nps_columns(np.array([n]), np.array([p_p]), np.array([p_d]), confidence)
    return {name: values[0].item() for name, values in columns.items()}


def nps_groups(
    df: pd.DataFrame,
    score: str = "recommend",
    by: str | Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    actions: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The three NPS groups as the Walmart case applies them (根据NPS值将客户分为推荐者、中立者
    和批评者，针对不同客户群体制定相应的策略): per (group of ``by`` and) NPS group, ``n``,
    ``share`` and the ``action`` (:data:`NPS_ACTIONS`, or ``actions``).

    >>> nps_groups(pd.DataFrame({"recommend": [10, 9, 8, 3]}))[["group", "group_zh", "n", "share"]]
           group group_zh  n  share
    0   promoter      推荐者  2   0.50
    1    passive      中立者  1   0.25
    2  detractor      批评者  1   0.25
    """
    keys = group_columns(by)
    require_columns(df, [*keys, score], "survey")
    acts = {**NPS_ACTIONS, **dict(actions or {})}
    cat_ = nps_category(df[score], scale)
    order = list(NPS_GROUPS)
    frame = df[keys].assign(group=pd.Categorical(cat_, categories=order, ordered=True))
    counts = frame.groupby([*keys, "group"], observed=False).size().rename("n").reset_index()
    totals = counts.groupby(keys)["n"].transform("sum") if keys else counts["n"].sum()
    counts["share"] = counts["n"] / totals
    counts["group_zh"] = counts["group"].map(NPS_GROUPS).astype(str)
    counts["action"] = counts["group"].map(acts).astype(str)
    return counts[[*keys, "group", "group_zh", "n", "share", "action"]]


def group_columns(by: str | Sequence[str] | None) -> list[str]:
    """``by`` (a column, columns or ``None``) as a list of columns.

    >>> group_columns("store"), group_columns(["store", "month"]), group_columns(None)
    (['store'], ['store', 'month'], [])
    """
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def nps_table(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    score: str = "recommend",
    confidence: float = 0.95,
    scale: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """:func:`nps` per group (segment, store, ...), one row per group (sorted by NPS).

    >>> surveys = pd.DataFrame({"store_id": ["A", "A", "B", "B"], "recommend": [10, 9, 3, 8]})
    >>> nps_table(surveys, by="store_id")[["store_id", "n", "nps"]]
      store_id  n    nps
    0        A  2  100.0
    1        B  2  -50.0
    """
    keys = group_columns(by)
    require_columns(df, [*keys, score], "survey")
    cat_ = nps_category(df[score], scale)  # the scale is checked once, on every answer
    if not keys:
        return pd.DataFrame([nps(df[score], confidence, scale)])
    counts = (
        df[keys]
        .assign(
            _promoter=(cat_ == "promoter").to_numpy(), _detractor=(cat_ == "detractor").to_numpy()
        )
        .groupby(keys, observed=True, sort=True)
        .agg(n=("_promoter", "size"), p=("_promoter", "sum"), d=("_detractor", "sum"))
    )
    labels = counts.index if len(keys) > 1 else [(k,) for k in counts.index]
    out = pd.DataFrame([dict(zip(keys, key, strict=True)) for key in labels], columns=keys)
    n = counts["n"].to_numpy()
    out = out.assign(
        **_nps_columns(n, counts["p"].to_numpy() / n, counts["d"].to_numpy() / n, confidence)
    )
    return out.sort_values("nps", ascending=False, kind="stable").reset_index(drop=True)


def _nps_columns(n: np.ndarray, p_p: np.ndarray, p_d: np.ndarray, confidence: float) -> dict:
    """The columns of :func:`nps` for groups of ``n`` answers with shares ``p_p`` of
    promoters and ``p_d`` of detractors (one group: :func:`nps`; many: :func:`nps_table`)."""
    z = _z(confidence)
    d = p_p - p_d
    se = 100 * np.sqrt(np.maximum(p_p + p_d - d * d, 0.0) / n)
    score = 100 * d
    return {
        "n": n.astype(np.int64),
        "promoters": p_p,
        "passives": 1 - p_p - p_d,
        "detractors": p_d,
        "nps": score,
        "se": se,
        "lower": np.maximum(score - z * se, -100.0),
        "upper": np.minimum(score + z * se, 100.0),
    }


def nps_trend(
    df: pd.DataFrame,
    date: str = "date",
    freq: str = "M",
    score: str = "recommend",
    confidence: float = 0.95,
    scale: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """:func:`nps` per period (``freq`` a pandas period alias: ``"M"``, ``"Q"``, ``"Y"``),
    with ``period`` the first day of the period, in time order.

    >>> s = pd.DataFrame({"date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-02"]),
    ...                   "recommend": [10, 4, 9]})
    >>> nps_trend(s)[["period", "n", "nps"]]
          period  n    nps
    0 2024-01-01  2    0.0
    1 2024-02-01  1  100.0
    """
    require_columns(df, [date, score], "survey")
    check_choice("freq", freq, ["M", "Q", "Y"])
    period = pd.to_datetime(df[date]).dt.to_period(freq).dt.start_time.rename("period")
    out = nps_table(
        df.assign(period=period), by="period", score=score, confidence=confidence, scale=scale
    )
    return out.sort_values("period").reset_index(drop=True)


def csat_table(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    score: str = "overall",
    threshold: float = 8,
    scale: tuple[float, float] = (1, 10),
) -> pd.DataFrame:
    """CSAT (顾客满意率): the share of answers at or above ``threshold`` (the "top boxes"),
    with the mean score, per group.

    >>> csat_table(pd.DataFrame({"overall": [9, 8, 5, 10]}))
       n  csat  mean_score
    0  4  0.75         8.0
    """
    keys = group_columns(by)
    require_columns(df, [*keys, score], "survey")
    validate_scores(df, [score], *scale)
    top = df[score] >= threshold
    frame = df[keys].assign(_top=top, _score=df[score].astype(float))
    if keys:
        g = frame.groupby(keys, observed=True, sort=True)
        out = pd.DataFrame(
            {"n": g.size(), "csat": g["_top"].mean(), "mean_score": g["_score"].mean()}
        )
        return out.reset_index()
    return pd.DataFrame(
        {"n": [len(frame)], "csat": [top.mean()], "mean_score": [frame["_score"].mean()]}
    )


# --------------------------------------------------------------------------- drivers


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares with an intercept: coefficients, slopes' standard errors, residuals."""
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    sigma2 = float(resid @ resid) / (n - k - 1)
    cov = sigma2 * np.linalg.pinv(design.T @ design)
    return coef, np.sqrt(np.diag(cov))[1:], resid


def _importance(slopes: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardised weights, and their positive parts rescaled to sum to 1."""
    k = len(slopes)
    sd_x, sd_y = x.std(ddof=1, axis=0), y.std(ddof=1)
    std_w = slopes * sd_x / sd_y if sd_y > 0 else np.zeros(k)
    pos = np.clip(std_w, 0, None)
    return std_w, pos / pos.sum() if pos.sum() > 0 else np.full(k, np.nan)


def driver_analysis(
    df: pd.DataFrame,
    attributes: Sequence[str] = ATTRIBUTES,
    overall: str = "overall",
    scale: tuple[float, float] = (1, 10),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Weights of the attribute scores on overall satisfaction (ordinary least squares).

    One row per attribute: ``weight`` (the raw coefficient: points of overall satisfaction
    per point of the attribute, the others held fixed), its standard error ``se`` and
    confidence interval ``lower``/``upper`` (normal approximation), ``std_weight`` (the
    standardised coefficient, weight × sd(attribute) / sd(overall)), ``importance`` (the
    standardised weights rescaled to sum to 1) and ``performance`` (the mean score). The
    intercept, R² and n are in ``result.attrs``.

    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.integers(1, 11, size=(500, 2)), columns=["a", "b"])
    >>> x["overall"] = 1 + 0.5 * x["a"] + 0.2 * x["b"] + rng.normal(0, 0.1, 500)
    >>> driver_analysis(x, ["a", "b"], scale=(-100, 100))["weight"].round(2).tolist()
    [0.5, 0.2]
    """
    attributes = list(attributes)
    require_columns(df, [*attributes, overall], "survey")
    validate_scores(df, [*attributes, overall], *scale)
    n, k = len(df), len(attributes)
    if n <= k + 1:
        raise DataValidationError(
            f"The driver regression needs more answers than attributes + 1 ({k + 1}); got {n}."
        )
    x, y = df[attributes].to_numpy(dtype=float), df[overall].to_numpy(dtype=float)
    coef, se, resid = _ols(x, y)
    z = _z(confidence)
    std_w, importance = _importance(coef[1:], x, y)
    out = pd.DataFrame(
        {
            "attribute": attributes,
            "weight": coef[1:],
            "se": se,
            "lower": coef[1:] - z * se,
            "upper": coef[1:] + z * se,
            "std_weight": std_w,
            "importance": importance,
            "performance": x.mean(axis=0),
        }
    )
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float(resid @ resid) / tss if tss > 0 else float("nan")
    out.attrs = {"intercept": float(coef[0]), "r2": r2, "n": n}
    return out


_QUADRANTS = {
    (True, False): "concentrate here 重点改进",
    (True, True): "keep up the good work 继续保持",
    (False, False): "low priority 次要改进",
    (False, True): "possible overkill 可能过度投入",
}


def importance_performance(
    drivers: pd.DataFrame, importance: str = "std_weight", performance: str = "performance"
) -> pd.DataFrame:
    """The importance–performance matrix (重要性–绩效分析, Martilla & James 1977).

    Each attribute is placed against the means of importance and of performance:
    important but performing below average → *concentrate here* (重点改进); important and
    above average → *keep up the good work*; unimportant and below → *low priority*;
    unimportant but above → *possible overkill*.

    >>> d = pd.DataFrame({"attribute": ["a", "b", "c", "d"], "std_weight": [0.5, 0.4, 0.1, 0.1],
    ...                   "performance": [6.0, 8.0, 6.0, 8.0]})
    >>> importance_performance(d)["quadrant"].tolist()
    ['concentrate here 重点改进', 'keep up the good work 继续保持', 'low priority 次要改进', 'possible overkill 可能过度投入']
    """
    require_columns(drivers, ["attribute", importance, performance], "drivers")
    imp, perf = drivers[importance].astype(float), drivers[performance].astype(float)
    high_i = imp >= imp.mean()
    high_p = perf >= perf.mean()
    quadrant = [_QUADRANTS[(bool(i), bool(p))] for i, p in zip(high_i, high_p, strict=True)]
    return drivers.assign(
        importance_mean=imp.mean(), performance_mean=perf.mean(), quadrant=quadrant
    )


_MOVED = {
    "complaints": (
        "validate_complaints",
        "complaint_times",
        "sla_summary",
        "pareto",
        "followup_summary",
        "timely_share",
        "response_table",
    ),
    "feedback_text": ("text_classifier", "TextEvaluation", "evaluate_text_classifier"),
    "six_hearts": ("six_hearts_scorecard",),
}


def __getattr__(name: str) -> object:
    """The complaint, text and six-hearts names, from their own modules (loaded lazily)."""
    for module, names in _MOVED.items():
        if name in names:
            return getattr(importlib.import_module(f"crm_helpers.{module}"), name)
    raise AttributeError(f"module 'crm_helpers.satisfaction' has no attribute {name!r}")


# Register the simulated survey, complaint and staff tables with the retailer as soon as
# this module is used (``shop.with_tables("surveys")`` then works without a scan of every
# extension module).
importlib.import_module("crm_helpers.extensions.satisfaction")
importlib.import_module("crm_helpers.extensions.staff")
