"""Figures for chapter 03's Shanghai Volkswagen case (上海大众客户开发中心).

Each function takes a table from :mod:`crm_helpers.carmaker`, draws on ``ax`` (made if not
given) and returns the Axes; none calls ``plt.show()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crm_helpers.plots import axes
from crm_helpers.schema import require_columns

__all__ = ["plot_follow_up_conversion", "plot_complaint_routing"]

_TIMING = ["within_1_month", "1_3_months", "3_6_months"]


def plot_follow_up_conversion(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Lead conversion by purchase timing, on-time against missed first follow-up, from
    ``follow_up_summary(outcomes, ["purchase_timing", "follow_up"])``. Leads who bought
    before a follow-up was due are left out (their conversion is 100 % by definition)."""
    require_columns(summary, ["purchase_timing", "follow_up", "conversion", "leads"], "summary")
    ax = axes(ax, (8, 3.8))
    kinds = [k for k in ("on time", "missed") if k in set(summary["follow_up"])]
    timings = [t for t in _TIMING if t in set(summary["purchase_timing"])]
    grid = summary.pivot(index="purchase_timing", columns="follow_up", values="conversion")
    n = summary.pivot(index="purchase_timing", columns="follow_up", values="leads")
    width = 0.8 / max(len(kinds), 1)
    for j, kind in enumerate(kinds):
        x = np.arange(len(timings)) + (j - (len(kinds) - 1) / 2) * width
        vals = grid.reindex(timings)[kind].to_numpy()
        bars = ax.bar(x, vals, width=width, label=kind)
        for b, leads in zip(bars, n.reindex(timings)[kind].to_numpy(), strict=True):
            if pd.notna(leads):
                ax.annotate(f"n={int(leads)}", (b.get_x() + b.get_width() / 2, b.get_height()),
                            ha="center", va="bottom", fontsize=7)  # fmt: skip
    ax.set_xticks(np.arange(len(timings)), timings)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_ylabel("leads who bought 购车比例")
    ax.set_xlabel("stated purchase timing 购买时间")
    ax.legend(title="first follow-up 首次跟进", fontsize=8)
    return ax


def plot_complaint_routing(
    routing: pd.DataFrame, *, sla_days: float = 7, ax: Axes | None = None
) -> Axes:
    """Dealers: complaints per caller against mean days to resolve, the service level as a
    line; each dealer labelled with its city."""
    require_columns(routing, ["dealer_id", "complaint_rate", "mean_days_to_resolve"], "routing")
    ax = axes(ax, (7, 4))
    ax.scatter(
        routing["complaint_rate"], routing["mean_days_to_resolve"], s=routing.get("complaints", 20)
    )
    labels = routing["city_zh"] if "city_zh" in routing else routing["dealer_id"]
    for x, y, label in zip(
        routing["complaint_rate"], routing["mean_days_to_resolve"], labels, strict=True
    ):
        ax.annotate(str(label), (x, y), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.axhline(sla_days, ls="--", color="grey")
    ax.text(
        ax.get_xlim()[0], sla_days, f" service level: {sla_days:g} days", va="bottom", fontsize=8
    )
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("complaints per caller 投诉率")
    ax.set_ylabel("mean days to resolve 平均处理天数")
    ax.set_title("Complaints routed to dealers 投诉转经销商处理")
    return ax
