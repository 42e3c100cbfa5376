"""Figures for chapter 02's behaviour analysis and customer journey map (客户旅程地图).

Each function takes a table from :mod:`crm_helpers.journey`, draws on ``ax`` (made if not
given) and returns the Axes; none calls ``plt.show()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crm_helpers.journey import STAGES, STAGES_ZH
from crm_helpers.plots import axes
from crm_helpers.schema import require_columns

__all__ = ["plot_journey_map", "plot_search_conversion"]


def plot_journey_map(
    journey: pd.DataFrame,
    pains: pd.DataFrame | None = None,
    *,
    by: str = "touchpoint",
    ax: Axes | None = None,
) -> Axes:
    """The journey map: one line per touchpoint across the stages, the share of sessions
    reaching each stage, the drop-off written at each step; with ``pains`` (from
    :func:`crm_helpers.journey.pain_points`) the pain points go in the legend."""
    require_columns(journey, [by, "stage", "share_reached", "drop_off"], "journey map")
    ax = axes(ax, (10, 4.5))
    x = np.arange(len(STAGES))
    for group, part in journey.groupby(by, sort=True):
        part = part.set_index("stage").reindex(list(STAGES))
        label = str(group)
        if pains is not None and group in set(pains[by]):
            p = pains.set_index(by).loc[group]
            label += (
                f" (no-result searches {p['no_result_rate']:.0%}, "
                f"carts left {p['cart_abandonment']:.0%})"
            )
        (line,) = ax.plot(x, part["share_reached"], marker="o", label=label)
        for i, drop in enumerate(part["drop_off"]):
            if i and pd.notna(drop):
                y = (part["share_reached"].iloc[i - 1] + part["share_reached"].iloc[i]) / 2
                ax.annotate(f"−{drop:.0%}", (i - 0.5, y), color=line.get_color(), fontsize=8)
    ax.set_xticks(x, [f"{s}\n{STAGES_ZH[s]}" for s in STAGES])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of sessions reaching the stage 到达比例")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(title="touchpoint 接触点", fontsize=8)
    ax.set_title("Customer journey map 客户旅程地图: stages × touchpoints, drop-off per step")
    return ax


def plot_search_conversion(
    conv: pd.DataFrame, *, by: str = "touchpoint", ax: Axes | None = None
) -> Axes:
    """Bars of search-to-buy conversion (搜索转化率) per group, the no-result share beside."""
    require_columns(conv, [by, "conversion", "no_result_share"], "search conversion")
    ax = axes(ax, (7, 3.5))
    x = np.arange(len(conv))
    ax.bar(x - 0.2, conv["conversion"], width=0.4, label="search → purchase 搜索转化率")
    ax.bar(x + 0.2, conv["no_result_share"], width=0.4, label="search found nothing 搜索无结果")
    ax.set_xticks(x, conv[by].astype(str))
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(fontsize=8)
    return ax
