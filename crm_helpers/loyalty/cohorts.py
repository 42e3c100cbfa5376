"""Cohorts (同期群): cohort retention, repurchase and retention rates (复购率、留存率)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import DataValidationError, check_choice
from ._common import _PERIOD_FREQ, checked_transactions, receipt_totals

__all__ = ["cohort_retention", "repeat_and_retention"]


# ----------------------------------------------------------------------------- cohorts


def cohort_retention(
    tx: pd.DataFrame, period: str = "month", *, join_dates: pd.Series | None = None
) -> pd.DataFrame:
    """Cohort retention (同期群留存): the share of each cohort active in each later period.

    Cohorts are the period of the first purchase, or of ``join_dates`` (a Series indexed
    by customer_id, e.g. the join date 入会日期). Rows: cohort; columns: periods since
    (0, 1, ...); values: share of the cohort with a purchase in that period.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-02-05", "2024-01-09", "2024-02-01"]),
    ...     "amount": 1.0})
    >>> cohort_retention(tx)
    periods_since     0    1
    cohort
    2024-01-01      1.0  0.5
    2024-02-01      1.0  NaN
    """
    check_choice("period", period, ["month", "quarter", "week"])
    freq = _PERIOD_FREQ[period]
    tx = checked_transactions(tx)
    p = tx["timestamp"].dt.to_period(freq)
    if join_dates is None:
        cohort = p.groupby(tx["customer_id"]).transform("min")
    else:
        j = pd.to_datetime(join_dates).dt.to_period(freq)
        cohort = tx["customer_id"].map(j)
        if cohort.isna().any():
            raise DataValidationError("join_dates has no date for some customers in tx.")
    d = pd.DataFrame({"c": cohort, "p": p, "id": tx["customer_id"]}).drop_duplicates()
    d["k"] = pd.PeriodIndex(d["p"]).asi8 - pd.PeriodIndex(d["c"]).asi8  # periods since
    d = d[d["k"] >= 0]
    if join_dates is None:
        size = d.groupby("c")["id"].nunique()
    else:
        size = j.value_counts()
    counts = d.pivot_table(index="c", columns="k", values="id", aggfunc="nunique")
    cohorts = pd.period_range(min(size.index.min(), p.min()), p.max(), freq=freq)
    cohorts = cohorts[cohorts.isin(size.index)]
    counts = counts.reindex(
        index=cohorts, columns=range(len(cohorts) and (p.max() - cohorts[0]).n + 1)
    )
    out = counts.fillna(0).div(size.reindex(cohorts), axis=0)
    seen = np.array([(p.max() - c).n for c in cohorts])  # periods observed after each cohort
    out = out.where(np.arange(out.shape[1])[None, :] <= seen[:, None])
    out.index = out.index.to_timestamp()
    out.index.name, out.columns.name = "cohort", "periods_since"
    return out


def repeat_and_retention(tx: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """Per period: customers, repurchase rate (复购率) and retention rate (留存率).

    ``repurchase_rate`` = customers with two or more receipts in the period / customers
    with any. ``retention_rate`` = customers of the previous period who bought again in
    this one / customers of the previous period (missing for the first period).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1, 3], "receipt_id": [1, 2, 3, 4, 5],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-09",
    ...         "2024-02-01", "2024-02-11"]), "amount": 1.0})
    >>> repeat_and_retention(tx)[["period", "customers", "repurchase_rate", "retention_rate"]]
          period  customers  repurchase_rate  retention_rate
    0 2024-01-01          2              0.5             NaN
    1 2024-02-01          2              0.0             0.5
    """
    check_choice("period", period, _PERIOD_FREQ)
    r = receipt_totals(tx)
    r["p"] = r["timestamp"].dt.to_period(_PERIOD_FREQ[period])
    visits = r.groupby(["p", "customer_id"]).size()
    full = pd.period_range(r["p"].min(), r["p"].max(), freq=_PERIOD_FREQ[period])
    sets = visits.reset_index().groupby("p")["customer_id"].agg(set).reindex(full)
    rows = []
    prev: set | None = None
    for per, ids in sets.items():
        ids = ids if isinstance(ids, set) else set()
        n = len(ids)
        rep = int((visits.loc[per] >= 2).sum()) if n else 0
        kept = len(ids & prev) if prev is not None else np.nan
        rate = kept / len(prev) if prev else np.nan
        rows.append((per.start_time, n, rep, rep / n if n else np.nan, kept, rate))
        prev = ids
    return pd.DataFrame(
        rows,
        columns=["period", "customers", "repeat_customers", "repurchase_rate", "retained",
                 "retention_rate"],
    )  # fmt: skip
