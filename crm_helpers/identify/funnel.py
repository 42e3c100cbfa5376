"""The sales funnel (销售漏斗): conversion per stage and the counts for a chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import DataValidationError, require_columns

__all__ = [
    "FUNNEL_STAGES",
    "funnel_conversion",
    "funnel_stages",
]


# ----------------------------------------------------------------------------- funnel

#: The funnel stages in order, with their date columns and Chinese names.
FUNNEL_STAGES: dict[str, tuple[str, str]] = {
    "lead": ("lead_date", "线索"),
    "contacted": ("contacted_date", "已联系"),
    "opportunity": ("opportunity_date", "商机"),
    "won": ("won_date", "成交"),
}


def funnel_conversion(funnel: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Conversion through the sales funnel (销售漏斗), overall or per ``by`` (e.g. source).

    A stage is reached when its date is filled in. Columns: leads, contacted,
    opportunities, won, lost (opportunities not won), contact_rate (contacted / leads),
    opportunity_rate (opportunities / contacted), win_rate (won / opportunities),
    lead_to_won (won / leads), and the median days from lead to contact and from
    opportunity to won.

    >>> f = pd.DataFrame({"lead_date": pd.to_datetime(["2025-01-01"] * 4),
    ...     "contacted_date": pd.to_datetime(["2025-01-03", "2025-01-05", None, None]),
    ...     "opportunity_date": pd.to_datetime(["2025-01-10", None, None, None]),
    ...     "won_date": pd.to_datetime(["2025-01-20", None, None, None])})
    >>> funnel_conversion(f)[["leads", "contacted", "won", "contact_rate", "lead_to_won"]].to_dict("records")
    [{'leads': 4, 'contacted': 2, 'won': 1, 'contact_rate': 0.5, 'lead_to_won': 0.25}]
    """
    dates = [d for d, _ in FUNNEL_STAGES.values()]
    require_columns(funnel, dates + ([by] if by else []), "funnel")
    f = funnel.copy()
    reached = f[dates].notna()
    late = [(a, b) for a, b in zip(dates, dates[1:], strict=False)]
    for a, b in late:
        bad = reached[b] & ~reached[a]
        if bad.any():
            raise DataValidationError(
                f"{int(bad.sum())} funnel row(s) have {b!r} but no {a!r}: a stage must be "
                "reached before the next one."
            )
    keys = f[by].astype("str") if by else pd.Series("all", index=f.index)
    g = reached.groupby(keys.to_numpy())
    out = pd.DataFrame(
        {
            "leads": g["lead_date"].sum(),
            "contacted": g["contacted_date"].sum(),
            "opportunities": g["opportunity_date"].sum(),
            "won": g["won_date"].sum(),
        }
    ).astype("int64")
    out["lost"] = out["opportunities"] - out["won"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["contact_rate"] = out["contacted"] / out["leads"]
        out["opportunity_rate"] = out["opportunities"] / out["contacted"]
        out["win_rate"] = out["won"] / out["opportunities"]
        out["lead_to_won"] = out["won"] / out["leads"]
    d1 = (f["contacted_date"] - f["lead_date"]).dt.total_seconds() / 86400
    d2 = (f["won_date"] - f["opportunity_date"]).dt.total_seconds() / 86400
    out["days_to_contact"] = d1.groupby(keys.to_numpy()).median()
    out["days_to_win"] = d2.groupby(keys.to_numpy()).median()
    out.index.name = by or "funnel"
    return out.reset_index() if by else out.reset_index(drop=True)


def funnel_stages(funnel: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The funnel in long form for a chart: stage, stage_zh, count, share_of_leads and
    step_rate (share of the previous stage), per ``by`` group when given.

    >>> f = pd.DataFrame({"lead_date": pd.to_datetime(["2025-01-01"] * 2),
    ...     "contacted_date": pd.to_datetime(["2025-01-03", None]),
    ...     "opportunity_date": pd.to_datetime([None, None]), "won_date": pd.to_datetime([None, None])})
    >>> funnel_stages(f)[["stage", "count", "share_of_leads"]].to_dict("records")[:2]
    [{'stage': 'lead', 'count': 2, 'share_of_leads': 1.0}, {'stage': 'contacted', 'count': 1, 'share_of_leads': 0.5}]
    """
    conv = funnel_conversion(funnel, by)
    col = {"lead": "leads", "contacted": "contacted", "opportunity": "opportunities", "won": "won"}
    rows = []
    for _, r in conv.iterrows():
        prev = None
        for stage, (_, zh) in FUNNEL_STAGES.items():
            n = int(r[col[stage]])
            row = {"stage": stage, "stage_zh": zh, "count": n,
                   "share_of_leads": n / r["leads"] if r["leads"] else np.nan,
                   "step_rate": (n / prev if prev else np.nan) if prev is not None else 1.0}  # fmt: skip
            if by:
                row = {by: r[by], **row}
            rows.append(row)
            prev = n
    return pd.DataFrame(rows)
