"""Industry benchmarking (行业对标): our CRM figures against peers'.

The Walmart case (沃尔玛) compares its market position and its CRM with competitors'
(客户关系管理对标) and improves where it lags (持续改进与创新). Here:

* :func:`our_kpis` — the retailer's own figures from its receipts: retention and repurchase
  rate (mean of the last ``months`` months), average basket, purchases per customer per
  year, and the share of the year's customers active in the last 90 days.
* :func:`benchmark_table` — each KPI against the peers: peer median and best, our gap to the
  median (positive = better than the median, whatever the KPI's direction), our rank.

Peer figures come from industry reports, associations or published accounts; chapter 07
uses simulated peers (:func:`crm_helpers.extensions.service.simulate_peers`) and says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .loyalty import receipt_totals, repeat_and_retention

__all__ = ["KPI_LABELS", "our_kpis", "benchmark_table"]

#: KPI → (Chinese, English, higher is better).
KPI_LABELS: dict[str, tuple[str, str, bool]] = {
    "retention_rate": ("留存率", "retention rate (monthly)", True),
    "repurchase_rate": ("复购率", "repurchase rate (monthly)", True),
    "average_basket": ("客单价", "average basket (yuan)", True),
    "purchases_per_customer": ("年均购买次数", "purchases per customer per year", True),
    "active_share_90d": ("近90天活跃占比", "share active in the last 90 days", True),
}


def our_kpis(tx: pd.DataFrame, *, months: int = 12) -> dict[str, float]:
    """The retailer's KPIs over the last ``months`` months of ``tx`` (see module docstring).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-09", "2024-02-01"]),
    ...     "amount": [10.0, 30.0, 20.0, 40.0]})
    >>> k = our_kpis(tx, months=2)
    >>> k["average_basket"], k["retention_rate"], k["active_share_90d"]
    (25.0, 0.5, 1.0)
    """
    r = receipt_totals(tx)
    end = r["timestamp"].max()
    start = end - pd.DateOffset(months=months)
    recent = r[r["timestamp"] > start]
    rates = repeat_and_retention(tx, "month").tail(months)
    years = max((end - recent["timestamp"].min()).days, 1) / 365.25
    years = max(years, 1 / 12)
    active = recent.loc[recent["timestamp"] > end - pd.Timedelta(days=90), "customer_id"]
    return {
        "retention_rate": float(rates["retention_rate"].mean()),
        "repurchase_rate": float(rates["repurchase_rate"].mean()),
        "average_basket": float(recent["amount"].mean()),
        "purchases_per_customer": float(len(recent) / recent["customer_id"].nunique() / years),
        "active_share_90d": float(active.nunique() / recent["customer_id"].nunique()),
    }


def benchmark_table(
    ours: Mapping[str, float],
    peers: pd.DataFrame,
    higher_is_better: Mapping[str, bool] | None = None,
) -> pd.DataFrame:
    """Our KPIs against the peers' (one column per KPI, one row per peer).

    >>> peers = pd.DataFrame({"churn": [0.2, 0.3, 0.4], "nps": [10.0, 20.0, 30.0]})
    >>> benchmark_table({"churn": 0.25, "nps": 5.0}, peers, {"churn": False, "nps": True})
           ours  peer_median  peer_best  gap_to_median  rank  of   status
    kpi
    churn  0.25          0.3        0.2           0.05     2   4   ahead
    nps    5.00         20.0       30.0         -15.00     4   4  behind
    """
    direction = {k: v[2] for k, v in KPI_LABELS.items()}
    direction.update(higher_is_better or {})
    missing = [k for k in ours if k not in peers.columns]
    if missing:
        raise ValueError(
            f"The peers table has no figures for {missing}; it has {list(peers.columns)}."
        )
    unknown = [k for k in ours if k not in direction]
    if unknown:
        raise ValueError(f"Say whether higher is better for {unknown} (higher_is_better).")
    rows = []
    for kpi, value in ours.items():
        col = pd.to_numeric(peers[kpi], errors="coerce").dropna()
        up = bool(direction[kpi])
        median = float(col.median())
        best = float(col.max() if up else col.min())
        gap = (value - median) if up else (median - value)
        better = (col > value).sum() if up else (col < value).sum()
        rows.append((kpi, float(value), median, best, round(gap, 12), int(better) + 1,
                     len(col) + 1, "ahead" if gap >= 0 else "behind"))  # fmt: skip
    cols = ["kpi", "ours", "peer_median", "peer_best", "gap_to_median", "rank", "of", "status"]
    return pd.DataFrame(rows, columns=cols).set_index("kpi")
