"""Customer satisfaction (客户满意度): NPS, CSAT, drivers, complaints, feedback text, staff.

* **NPS** (净推荐值, Net Promoter Score; Reichheld 2003): on the question "how likely are
  you to recommend us?" (0–10), promoters (推荐者) answer 9–10, passives (被动者) 7–8 and
  detractors (贬损者) 0–6; NPS = 100 × (share of promoters − share of detractors), from
  −100 to +100. :func:`nps` gives it with a Wald confidence interval from the multinomial
  variance of the difference of two shares of the same sample,
  ``var = (p_P + p_D − (p_P − p_D)²) / n`` (Rocks 2016, *The American Statistician* 70(4),
  "Interval estimation for the 'Net Promoter Score'"), :func:`nps_table` by segment or
  store, :func:`nps_trend` by month.
* **CSAT** (顾客满意率): the share of respondents who are satisfied (top box, e.g. 8–10 on a
  1–10 scale), :func:`csat_table`.
* **Drivers** (满意度驱动因素): :func:`driver_analysis` regresses overall satisfaction on the
  attribute scores (ordinary least squares): the raw weights with standard errors and the
  standardised weights (β × sd(x) / sd(y)), which compare attributes on one scale;
  :func:`importance_performance` places them in the importance–performance matrix
  (重要性–绩效矩阵, Martilla & James 1977).
* **Complaints** (投诉处理): :func:`complaint_times` (hours to the first response and to the
  resolution, and whether each met its service-level agreement, SLA 服务水平协议),
  :func:`sla_summary` by type and severity, :func:`pareto` of causes (帕累托分析),
  :func:`followup_summary`; and on the real CFPB sample :func:`timely_share` and
  :func:`response_table`.
* **Feedback text** (文本反馈情感分类): :func:`text_classifier` (TF-IDF of character
  n-grams + logistic regression, for Chinese without a word segmenter and for English),
  :func:`evaluate_text_classifier` with a stratified hold-out.
* **Six hearts** (六心服务评价): :func:`six_hearts_scorecard` per employee or store.

Every function validates its input and raises :class:`~crm_helpers.schema.DataValidationError`
naming the column, the expected range and how many rows are wrong.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from .schema import DataValidationError, check_choice, require_columns

__all__ = [
    "ATTRIBUTES",
    "ATTRIBUTES_ZH",
    "SIX_HEARTS",
    "DEFAULT_SLA",
    "COMPLAINT_TYPES_ZH",
    "validate_scores",
    "nps_category",
    "nps",
    "nps_table",
    "nps_trend",
    "csat_table",
    "driver_analysis",
    "importance_performance",
    "validate_complaints",
    "complaint_times",
    "sla_summary",
    "pareto",
    "followup_summary",
    "timely_share",
    "response_table",
    "text_classifier",
    "TextEvaluation",
    "evaluate_text_classifier",
    "six_hearts_scorecard",
]

#: The attribute scores of the course's satisfaction survey.
ATTRIBUTES: tuple[str, ...] = ("product_quality", "price", "staff", "speed", "environment")
ATTRIBUTES_ZH: dict[str, str] = {
    "product_quality": "商品质量",
    "price": "价格",
    "staff": "员工服务",
    "speed": "速度",
    "environment": "门店环境",
}
#: The six hearts (六心) of service, English column name → Chinese.
SIX_HEARTS: dict[str, str] = {
    "confidence": "信心",
    "warmth": "热心",
    "attentiveness": "用心",
    "patience": "耐心",
    "sincerity": "诚心",
    "carefulness": "细心",
}
#: Service-level targets (服务水平) in hours from opening, by severity.
DEFAULT_SLA = pd.DataFrame(
    {
        "severity": ["low", "medium", "high"],
        "response_hours": [24.0, 4.0, 1.0],
        "resolution_hours": [168.0, 72.0, 24.0],
    }
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


def nps_category(scores: pd.Series | Sequence[float]) -> pd.Series:
    """Promoter (9–10), passive (7–8) or detractor (0–6) for each 0–10 score.

    >>> nps_category([10, 8, 6, 9]).tolist()
    ['promoter', 'passive', 'detractor', 'promoter']
    """
    s = pd.Series(scores, name="recommend") if not isinstance(scores, pd.Series) else scores
    name = str(s.name) if s.name is not None else "recommend"
    validate_scores(s.rename(name).to_frame(), [name], 0, 10)
    cat = np.where(s >= 9, "promoter", np.where(s >= 7, "passive", "detractor"))
    return pd.Series(cat, index=s.index, name="category")


def nps(scores: pd.Series | Sequence[float], confidence: float = 0.95) -> dict[str, float]:
    """The Net Promoter Score (净推荐值) of 0–10 answers, with a Wald confidence interval.

    Returns ``n``, the shares of ``promoters``, ``passives`` and ``detractors``, ``nps``
    (100 × (promoters − detractors)), its standard error ``se`` (in NPS points) and
    ``lower`` / ``upper`` (clipped to ±100). The variance of the estimated difference
    p_P − p_D of one multinomial sample is (p_P + p_D − (p_P − p_D)²)/n (Rocks 2016).

    >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 0])
    >>> r["nps"], r["promoters"], r["detractors"]
    (20.0, 0.5, 0.3)
    >>> round(r["se"], 2)
    27.57
    """
    z = _z(confidence)
    cat = nps_category(scores)
    n = len(cat)
    if n == 0:
        raise DataValidationError("There are no scores: NPS needs at least one answer.")
    p_p = float((cat == "promoter").mean())
    p_d = float((cat == "detractor").mean())
    d = p_p - p_d
    se = 100 * float(np.sqrt(max(p_p + p_d - d * d, 0.0) / n))
    score = 100 * d
    return {
        "n": n,
        "promoters": p_p,
        "passives": 1 - p_p - p_d,
        "detractors": p_d,
        "nps": score,
        "se": se,
        "lower": max(score - z * se, -100.0),
        "upper": min(score + z * se, 100.0),
    }


def _groups(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def nps_table(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    score: str = "recommend",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """:func:`nps` per group (segment, store, ...), one row per group (sorted by NPS).

    >>> surveys = pd.DataFrame({"store_id": ["A", "A", "B", "B"], "recommend": [10, 9, 3, 8]})
    >>> nps_table(surveys, by="store_id")[["store_id", "n", "nps"]]
      store_id  n    nps
    0        A  2  100.0
    1        B  2  -50.0
    """
    keys = _groups(by)
    require_columns(df, [*keys, score], "survey")
    validate_scores(df, [score], 0, 10)
    if not keys:
        return pd.DataFrame([nps(df[score], confidence)])
    rows = []
    for key, g in df.groupby(keys, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key, strict=True)), **nps(g[score], confidence)})
    out = pd.DataFrame(rows)
    return out.sort_values("nps", ascending=False, kind="stable").reset_index(drop=True)


def nps_trend(
    df: pd.DataFrame,
    date: str = "date",
    freq: str = "M",
    score: str = "recommend",
    confidence: float = 0.95,
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
    out = nps_table(df.assign(period=period), by="period", score=score, confidence=confidence)
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
    keys = _groups(by)
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
    x = df[attributes].to_numpy(dtype=float)
    y = df[overall].to_numpy(dtype=float)
    design = np.column_stack([np.ones(n), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    sigma2 = float(resid @ resid) / (n - k - 1)
    cov = sigma2 * np.linalg.pinv(design.T @ design)
    se = np.sqrt(np.diag(cov))[1:]
    z = _z(confidence)
    sd_x, sd_y = x.std(ddof=1, axis=0), y.std(ddof=1)
    std_w = coef[1:] * sd_x / sd_y if sd_y > 0 else np.zeros(k)
    pos = np.clip(std_w, 0, None)
    out = pd.DataFrame(
        {
            "attribute": attributes,
            "weight": coef[1:],
            "se": se,
            "lower": coef[1:] - z * se,
            "upper": coef[1:] + z * se,
            "std_weight": std_w,
            "importance": pos / pos.sum() if pos.sum() > 0 else np.full(k, np.nan),
            "performance": x.mean(axis=0),
        }
    )
    tss = float(((y - y.mean()) ** 2).sum())
    out.attrs = {
        "intercept": float(coef[0]),
        "r2": 1 - float(resid @ resid) / tss if tss > 0 else float("nan"),
        "n": n,
    }
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


# --------------------------------------------------------------------------- complaints


def validate_complaints(
    df: pd.DataFrame,
    opened: str = "opened",
    first_response: str = "first_response",
    resolved: str = "resolved",
) -> pd.DataFrame:
    """Check the complaint times and return a copy with them as datetimes.

    A first response or a resolution before the complaint was opened, or a resolution
    before the first response, is an error naming the column and the number of rows.
    Missing resolution times (complaints still open) are allowed.

    >>> c = pd.DataFrame({"opened": ["2024-01-01 10:00"], "first_response": ["2024-01-01 11:00"],
    ...                   "resolved": ["2024-01-01 09:00"]})
    >>> validate_complaints(c)
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: Column 'resolved' of the complaints table is before 'opened' in 1 row: a complaint cannot be resolved before it was opened.
    """
    require_columns(df, [opened, first_response, resolved], "complaints")
    out = df.copy()
    for col in (opened, first_response, resolved):
        try:
            out[col] = pd.to_datetime(out[col])
        except (TypeError, ValueError) as err:
            raise DataValidationError(
                f"Column {col!r} of the complaints table must hold dates and times; {err}"
            ) from None
    if out[opened].isna().any():
        raise DataValidationError(
            f"Column {opened!r} of the complaints table has {int(out[opened].isna().sum())} "
            "missing times; every complaint needs its opening time."
        )

    def rows(k: int) -> str:
        return f"{k} row" if k == 1 else f"{k} rows"

    for col, ref, what in (
        (resolved, opened, "resolved before it was opened"),
        (first_response, opened, "answered before it was opened"),
        (resolved, first_response, "resolved before its first response"),
    ):
        bad = out[col] < out[ref]
        if bad.any():
            raise DataValidationError(
                f"Column {col!r} of the complaints table is before {ref!r} in "
                f"{rows(int(bad.sum()))}: a complaint cannot be {what}."
            )
    return out


def complaint_times(df: pd.DataFrame, sla: pd.DataFrame = DEFAULT_SLA) -> pd.DataFrame:
    """The complaints with ``response_hours`` and ``resolution_hours`` (from opening) and
    ``response_within_sla`` / ``resolution_within_sla`` (at or below the severity's target
    in ``sla``; an open complaint has not met its resolution target).

    >>> c = pd.DataFrame({"severity": ["high", "low"],
    ...     "opened": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:00"]),
    ...     "first_response": pd.to_datetime(["2024-01-01 10:30", "2024-01-02 12:00"]),
    ...     "resolved": pd.to_datetime(["2024-01-02 12:00", "2024-01-03 10:00"])})
    >>> complaint_times(c)[["response_hours", "response_within_sla", "resolution_within_sla"]]
       response_hours  response_within_sla  resolution_within_sla
    0             0.5                 True                  False
    1            26.0                False                   True
    """
    require_columns(df, ["severity"], "complaints")
    require_columns(sla, ["severity", "response_hours", "resolution_hours"], "sla")
    out = validate_complaints(df)
    unknown = sorted(set(out["severity"].astype(str)) - set(sla["severity"].astype(str)))
    if unknown:
        raise DataValidationError(
            f"Column 'severity' of the complaints table has values with no SLA target: "
            f"{', '.join(map(repr, unknown))}; the sla table covers "
            f"{', '.join(map(repr, sla['severity']))}."
        )
    target = sla.set_index(sla["severity"].astype(str))
    sev = out["severity"].astype(str)
    out["response_hours"] = (out["first_response"] - out["opened"]).dt.total_seconds() / 3600
    out["resolution_hours"] = (out["resolved"] - out["opened"]).dt.total_seconds() / 3600
    out["response_within_sla"] = (
        out["response_hours"] <= sev.map(target["response_hours"]).astype(float)
    ).fillna(False)
    out["resolution_within_sla"] = (
        out["resolution_hours"] <= sev.map(target["resolution_hours"]).astype(float)
    ).fillna(False)
    return out


def sla_summary(
    df: pd.DataFrame, by: str | Sequence[str] = ("type",), sla: pd.DataFrame = DEFAULT_SLA
) -> pd.DataFrame:
    """Complaint handling per group: ``n``, median and mean hours to the first response
    and to the resolution, and the shares within the SLA.

    >>> c = pd.DataFrame({"severity": ["high", "high"], "type": ["a", "a"],
    ...     "opened": pd.to_datetime(["2024-01-01 10:00"] * 2),
    ...     "first_response": pd.to_datetime(["2024-01-01 10:30", "2024-01-01 12:00"]),
    ...     "resolved": pd.to_datetime(["2024-01-01 12:00", "2024-01-03 10:00"])})
    >>> sla_summary(c, by="severity")[["severity", "n", "response_within_sla", "resolution_within_sla"]]
      severity  n  response_within_sla  resolution_within_sla
    0     high  2                  0.5                    0.5
    """
    keys = _groups(by)
    require_columns(df, keys, "complaints")
    t = complaint_times(df, sla)
    g = t.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "median_response_hours": g["response_hours"].median(),
            "mean_response_hours": g["response_hours"].mean(),
            "median_resolution_hours": g["resolution_hours"].median(),
            "mean_resolution_hours": g["resolution_hours"].mean(),
            "response_within_sla": g["response_within_sla"].mean(),
            "resolution_within_sla": g["resolution_within_sla"].mean(),
        }
    )
    return out.reset_index()


def pareto(df: pd.DataFrame, column: str = "type", cutoff: float = 0.8) -> pd.DataFrame:
    """A Pareto table of causes (帕累托分析): counts in decreasing order, share, cumulative
    share, and ``vital_few`` — the fewest top causes whose cumulative share reaches
    ``cutoff`` (ties in the count are broken by name).

    >>> pareto(pd.DataFrame({"type": list("aaaaabbbcd")}))
      type  count  share  cumulative_share  vital_few
    0    a      5    0.5               0.5       True
    1    b      3    0.3               0.8       True
    2    c      1    0.1               0.9      False
    3    d      1    0.1               1.0      False
    """
    require_columns(df, [column], "complaints")
    if not 0 < cutoff <= 1:
        raise ValueError(f"cutoff must be a share between 0 and 1; got {cutoff!r}.")
    counts = df[column].astype(str).value_counts()
    table = pd.DataFrame({column: counts.index, "count": counts.to_numpy()})
    table = table.sort_values(["count", column], ascending=[False, True]).reset_index(drop=True)
    table["share"] = table["count"] / table["count"].sum()
    table["cumulative_share"] = table["count"].cumsum() / table["count"].sum()
    before = table["cumulative_share"].shift(fill_value=0.0)
    table["vital_few"] = before < cutoff - 1e-12
    return table


def followup_summary(df: pd.DataFrame, by: str = "outcome") -> pd.DataFrame:
    """Follow-up (回访) results per group: complaints, share followed up, and the mean
    ``satisfaction_after`` of those followed up.

    >>> c = pd.DataFrame({"outcome": ["refund", "refund", "coupon"],
    ...     "followed_up": [True, False, True], "satisfaction_after": [9, None, 6]})
    >>> followup_summary(c)
      outcome  n  followed_up  mean_satisfaction_after
    0  coupon  1          1.0                      6.0
    1  refund  2          0.5                      9.0
    """
    require_columns(df, [by, "followed_up", "satisfaction_after"], "complaints")
    validate_scores(df, ["satisfaction_after"], 1, 10, "complaints", allow_missing=True)
    sat = pd.to_numeric(df["satisfaction_after"], errors="coerce").astype(float)
    frame = pd.DataFrame({by: df[by], "f": df["followed_up"].astype(bool), "s": sat})
    g = frame.groupby(by, observed=True, sort=True)
    out = pd.DataFrame(
        {"n": g.size(), "followed_up": g["f"].mean(), "mean_satisfaction_after": g["s"].mean()}
    )
    return out.reset_index()


# --------------------------------------------------------------------------- CFPB


def timely_share(
    df: pd.DataFrame, by: str | Sequence[str] | None = None, column: str = "timely_response"
) -> pd.DataFrame:
    """The share of complaints answered in time (``timely_response`` "Yes"), with n, per
    group, sorted by the share (lowest first).

    >>> c = pd.DataFrame({"product": ["a", "a", "b"], "timely_response": ["Yes", "No", "Yes"]})
    >>> timely_share(c, by="product")
      product  n  timely
    0       a  2     0.5
    1       b  1     1.0
    """
    keys = _groups(by)
    require_columns(df, [*keys, column], "CFPB complaints")
    bad = ~df[column].isin(["Yes", "No"])
    if bad.any():
        raise DataValidationError(
            f"Column {column!r} of the CFPB complaints table must hold 'Yes' or 'No'; "
            f"{int(bad.sum())} rows do not (e.g. {df.loc[bad, column].iloc[0]!r})."
        )
    yes = (df[column] == "Yes").rename("timely")
    if not keys:
        return pd.DataFrame({"n": [len(df)], "timely": [yes.mean()]})
    g = df[keys].assign(timely=yes).groupby(keys, observed=True, sort=True)
    out = pd.DataFrame({"n": g.size(), "timely": g["timely"].mean()}).reset_index()
    return out.sort_values(["timely", *keys], kind="stable").reset_index(drop=True)


def response_table(
    df: pd.DataFrame,
    by: str = "product",
    response: str = "company_response_to_consumer",
    normalize: bool = True,
    top: int | None = None,
) -> pd.DataFrame:
    """How companies responded, per group (product, issue, ...): a table with one row per
    group and one column per response, as shares of the row (``normalize``) or counts;
    ``top`` keeps the most frequent groups. Rows are ordered by their number of
    complaints (most first).

    >>> c = pd.DataFrame({"product": ["a", "a", "b"],
    ...     "company_response_to_consumer": ["Closed", "Monetary relief", "Closed"]})
    >>> response_table(c)
    company_response_to_consumer  Closed  Monetary relief
    product
    a                                0.5              0.5
    b                                1.0              0.0
    """
    require_columns(df, [by, response], "CFPB complaints")
    counts = pd.crosstab(df[by], df[response])
    order = counts.sum(axis=1).sort_values(ascending=False, kind="stable").index
    counts = counts.loc[order]
    if top is not None:
        counts = counts.head(top)
    if normalize:
        return counts.div(counts.sum(axis=1), axis=0)
    return counts


# --------------------------------------------------------------------------- text


def text_classifier(ngram_range: tuple[int, int] = (1, 3), C: float = 4.0, min_df: int = 3):
    """An unfitted sentiment classifier for short feedback texts in Chinese or English.

    TF-IDF of character n-grams inside word boundaries (``analyzer="char_wb"``, sublinear
    term frequencies; n-grams found in fewer than ``min_df`` training texts are dropped) +
    logistic regression with inverse regularisation ``C``. Characters need no word
    segmenter (分词), so the same pipeline works for Chinese and English.

    >>> model = text_classifier(min_df=1).fit(["很好吃", "太难吃", "好吃", "难吃"], [1, 0, 1, 0])
    >>> model.predict(["真好吃"]).tolist()
    [1]
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, min_df=min_df
        ),
        LogisticRegression(C=C, max_iter=1000),
    )


@dataclass
class TextEvaluation:
    """A classifier fitted on the training part and its scores on the hold-out part."""

    model: object
    accuracy: float
    f1: float
    confusion: pd.DataFrame
    n_train: int
    n_test: int

    def summary(self) -> dict[str, float]:
        """The figures as a dict (for ``Results.record``)."""
        return {
            "accuracy": self.accuracy,
            "f1": self.f1,
            "n_train": self.n_train,
            "n_test": self.n_test,
        }


def evaluate_text_classifier(
    df: pd.DataFrame,
    text: str = "text",
    label: str = "label",
    test_size: float = 0.25,
    random_state: int = 0,
    **model_options: object,
) -> TextEvaluation:
    """Train :func:`text_classifier` on a stratified share of ``df`` and score it on the
    rest (the hold-out, 留出集): accuracy, F1 of the positive class (label 1) and the
    confusion matrix (rows true label, columns predicted).

    >>> df = pd.DataFrame({"text": ["好吃", "很好吃", "真好吃", "太难吃", "难吃", "很难吃"] * 5,
    ...                    "label": [1, 1, 1, 0, 0, 0] * 5})
    >>> evaluate_text_classifier(df, min_df=1).accuracy
    1.0
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.model_selection import train_test_split

    require_columns(df, [text, label], "reviews")
    data = df[[text, label]].dropna()
    labels = sorted(data[label].unique().tolist())
    if labels != [0, 1]:
        raise DataValidationError(
            f"Column {label!r} of the reviews table must hold 0 (negative) and 1 (positive); "
            f"found {labels}."
        )
    x_tr, x_te, y_tr, y_te = train_test_split(
        data[text].astype(str),
        data[label].astype(int),
        test_size=test_size,
        stratify=data[label],
        random_state=random_state,
    )
    model = text_classifier(**model_options).fit(x_tr, y_tr)  # type: ignore[arg-type]
    pred = model.predict(x_te)
    cm = pd.DataFrame(
        confusion_matrix(y_te, pred, labels=[0, 1]),
        index=pd.Index([0, 1], name="true"),
        columns=pd.Index([0, 1], name="predicted"),
    )
    return TextEvaluation(
        model=model,
        accuracy=float(accuracy_score(y_te, pred)),
        f1=float(f1_score(y_te, pred)),
        confusion=cm,
        n_train=len(x_tr),
        n_test=len(x_te),
    )


# --------------------------------------------------------------------------- six hearts


def six_hearts_scorecard(
    ratings: pd.DataFrame,
    by: str | Sequence[str] = ("store_id", "employee_id"),
    hearts: Sequence[str] = tuple(SIX_HEARTS),
    scale: tuple[float, float] = (1, 5),
) -> pd.DataFrame:
    """The six-hearts service scorecard (六心服务评分卡): per group, the number of ratings,
    the mean of each heart (信心、热心、用心、耐心、诚心、细心), ``overall`` (their mean),
    the ``weakest`` heart, and ``rank_in_store`` (1 = best overall, when grouping by
    store and employee).

    >>> r = pd.DataFrame({"store_id": ["S1"] * 3, "employee_id": ["E1", "E1", "E2"],
    ...     **{h: [5, 4, 3] for h in SIX_HEARTS}})
    >>> six_hearts_scorecard(r)[["employee_id", "n_ratings", "overall", "rank_in_store"]]
      employee_id  n_ratings  overall  rank_in_store
    0          E1          2      4.5              1
    1          E2          1      3.0              2
    """
    keys = _groups(by)
    hearts = list(hearts)
    require_columns(ratings, [*keys, *hearts], "staff ratings")
    validate_scores(ratings, hearts, *scale, table="staff ratings")
    g = ratings.groupby(keys, observed=True, sort=True)
    out = g[hearts].mean()
    out.insert(0, "n_ratings", g.size())
    out["overall"] = out[hearts].mean(axis=1)
    out["weakest"] = out[hearts].idxmin(axis=1)
    out = out.reset_index()
    if "store_id" in keys and len(keys) > 1:
        out["rank_in_store"] = (
            out.groupby("store_id")["overall"].rank(ascending=False, method="min").astype(int)
        )
    return out


# Register the simulated survey, complaint and staff tables with the retailer as soon as
# this module is used (``shop.with_tables("surveys")`` then works without a scan of every
# extension module).
importlib.import_module("crm_helpers.extensions.satisfaction")
