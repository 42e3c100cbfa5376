"""Figures for chapter 08 (CRM strategy implementation): each takes a table from
:mod:`crm_helpers.implement` and returns the matplotlib Axes (call ``crm.setup_plotting()``
first for Chinese labels). Nothing here shows or saves a figure.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("firms")
>>> card = crm.implement.readiness_scorecard(shop.firms)
>>> ax = plot_readiness_radar(card, ["F1", "F4"])
>>> ax.name
'polar'
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from . import _catalogue as cat
from .plots import axes, heatmap

__all__ = [
    "plot_readiness_radar",
    "plot_maturity",
    "plot_activity_waits",
    "plot_handoffs",
    "plot_cycle_times",
    "plot_group_trends",
    "plot_did",
    "plot_vendor_sweep",
    "plot_training",
]


def plot_readiness_radar(
    card: pd.DataFrame, firms: Sequence[str], *, language: str = "en", ax: Axes | None = None
) -> Axes:
    """Radar chart (雷达图) of the readiness scores (1-5) of one or more firms."""
    if ax is None:
        ax = plt.figure(figsize=(7, 7)).add_subplot(projection="polar")
    label = "criterion_zh" if language == "zh" else "criterion_en"
    first = card[card["firm_id"] == firms[0]]
    n = len(first)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False).tolist()
    for firm in firms:
        s = card[card["firm_id"] == firm]["score"].to_list()
        ax.plot([*angles, angles[0]], [*s, s[0]], marker="o", label=firm)
        ax.fill([*angles, angles[0]], [*s, s[0]], alpha=0.12)
    ax.set_xticks(angles)
    ax.set_xticklabels([textwrap.fill(t, 16) for t in first[label]], fontsize=8)
    ax.tick_params(axis="x", pad=12)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.1))
    return ax


def plot_maturity(
    stages: pd.DataFrame, *, names: pd.Series | None = None, ax: Axes | None = None
) -> Axes:
    """The four infrastructure stages as a ladder, one bar per firm at its stage."""
    ax = axes(ax, (9, 3.5))
    labels = stages["firm_id"] if names is None else stages["firm_id"].map(names)
    ax.barh(labels, stages["stage"], color=sns.color_palette("crest", 5)[1])
    ticks = ["0 尚未建立"] + [f"{i + 1} {s[1]}" for i, s in enumerate(cat.INFRASTRUCTURE_STAGES)]
    ax.set_xticks(range(5))
    ax.set_xticklabels(ticks)
    ax.set_xlim(0, 4.3)
    ax.invert_yaxis()
    ax.set_xlabel("infrastructure stage 基础设施建设阶段")
    return ax


def plot_activity_waits(stats: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Total waiting hours before each activity (the bottleneck stands out), by department."""
    ax = axes(ax, (9, 4))
    hue = "department" if "department" in stats.columns else None
    sns.barplot(data=stats, y="activity", x="total_wait_h", hue=hue, dodge=False, ax=ax)
    ax.set_xlabel("waiting hours before the activity, all cases 等待时间 (小时)")
    ax.set_ylabel("")
    return ax


def plot_handoffs(matrix: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heat map of hand-offs between departments (from rows to columns)."""
    ax = axes(ax, (6, 4.5))
    heatmap(ax, matrix, fmt="d", cmap="Oranges")
    ax.set_xlabel("to department 交接至")
    ax.set_ylabel("from department 交接自")
    return ax


def plot_cycle_times(cases: dict[str, pd.DataFrame], *, ax: Axes | None = None) -> Axes:
    """Distribution of case cycle times (hours) for several versions of a process."""
    ax = axes(ax, (9, 4))
    for name, c in cases.items():
        sns.histplot(c["cycle_h"], bins=40, stat="density", element="step", fill=False,
                     label=name, ax=ax)  # fmt: skip
    ax.set_xlabel("cycle time per case, hours 周期时间 (小时)")
    ax.legend()
    return ax


def plot_group_trends(trends: pd.DataFrame, outcome: str, *, ax: Axes | None = None) -> Axes:
    """Pilot and comparison stores' weekly means with the go-live week marked: the picture
    of the parallel-trends check (平行趋势检验)."""
    ax = axes(ax, (10, 3.8))
    time = trends.columns[0]
    ax.plot(trends[time], trends["pilot"], label="pilot stores 试点门店")
    ax.plot(trends[time], trends["comparison"], label="comparison stores 对照门店")
    first = trends.attrs.get("first_treated")
    if first is not None:
        ax.axvline(first - 0.5, color="grey", linestyle="--", label="CRM go-live 上线")
    ax.set_xlabel(time)
    ax.set_ylabel(outcome)
    ax.legend()
    return ax


def plot_did(
    table: pd.DataFrame, truth: pd.Series | None = None, *, ax: Axes | None = None
) -> Axes:
    """DiD estimates with their intervals (one row per outcome: estimate, ci_low, ci_high),
    and the generator's truth as red crosses."""
    ax = axes(ax, (8, 3))
    y = np.arange(len(table))
    err = [table["estimate"] - table["ci_low"], table["ci_high"] - table["estimate"]]
    ax.errorbar(table["estimate"], y, xerr=err, fmt="o", capsize=4, label="DiD, 95 % CI")
    if truth is not None:
        ax.scatter(truth.reindex(table["outcome"]), y, marker="x", color="red", zorder=3,
                   label="planted effect 真实效应")  # fmt: skip
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(table["outcome"])
    ax.legend()
    return ax


def plot_vendor_sweep(sweep: pd.DataFrame, criterion: str, *, ax: Axes | None = None) -> Axes:
    """Each vendor's weighted score as one criterion's weight goes from 0 to 1."""
    ax = axes(ax, (6, 3.5))
    part = sweep[sweep["criterion"] == criterion]
    for v in [c for c in part.columns if c not in ("criterion", "weight", "winner")]:
        ax.plot(part["weight"], part[v], label=v)
    ax.set_xlabel(f"weight of {criterion}")
    ax.set_ylabel("weighted score 加权得分")
    ax.legend()
    return ax


def plot_training(table: pd.DataFrame, measure: str, *, ax: Axes | None = None) -> Axes:
    """Mean before and after for trained and untrained staff (培训前后)."""
    ax = axes(ax, (6, 3.5))
    for trained, row in table.iterrows():
        name = "trained 已培训" if trained else "not yet trained 未培训"
        ax.plot([0, 1], [row[f"{measure}_before"], row[f"{measure}_after"]], marker="o", label=name)
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["before 培训前", "after 培训后"])
    ax.set_ylabel(measure)
    ax.legend()
    return ax
