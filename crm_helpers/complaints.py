"""Complaint handling (投诉处理) and the CFPB complaints (chapter 04).

:func:`complaint_times` (hours to the first response and to the resolution, and whether
each met its service-level agreement, SLA 服务水平协议), :func:`sla_summary` by type and
severity, :func:`pareto` of causes (帕累托分析), :func:`followup_summary` (回访); on the
real CFPB sample :func:`timely_share` and :func:`response_table`. The names are also
available from :mod:`crm_helpers.satisfaction`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .satisfaction import DEFAULT_SLA, group_columns, validate_scores
from .schema import DataValidationError, require_columns

__all__ = [
    "validate_complaints",
    "complaint_times",
    "sla_summary",
    "pareto",
    "followup_summary",
    "timely_share",
    "response_table",
]


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
    keys = group_columns(by)
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
    keys = group_columns(by)
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
