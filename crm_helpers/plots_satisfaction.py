"""Figures for chapter 04 (satisfaction): each takes a table from
:mod:`crm_helpers.satisfaction` and returns the matplotlib Axes (call
``crm.setup_plotting()`` first for Chinese labels). Nothing here shows or saves a figure.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from crm_helpers import satisfaction
>>> t = satisfaction.nps_table(pd.DataFrame({"store_id": list("AABB"), "recommend": [10, 9, 3, 8]}),
...                            by="store_id")
>>> plot_nps(t, "store_id").get_xlabel()
'NPS 净推荐值'
>>> plt.close("all")
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401  (the doctests use it)
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from .plots import axes, heatmap
from .satisfaction import ATTRIBUTES_ZH, COMPLAINT_TYPES_ZH, SIX_HEARTS

__all__ = [
    "plot_nps",
    "plot_nps_trend",
    "plot_drivers",
    "plot_importance_performance",
    "plot_sla",
    "plot_pareto",
    "plot_cfpb_responses",
    "plot_confusion",
    "plot_six_hearts",
    "plot_rater_leniency",
]


_ax = axes  # a new figure unless an Axes is given


def _label(name: str) -> str:
    zh = {**ATTRIBUTES_ZH, **COMPLAINT_TYPES_ZH, **SIX_HEARTS}.get(name)
    return f"{name} {zh}" if zh else str(name)


def plot_nps(table: pd.DataFrame, by: str, *, ax: Axes | None = None) -> Axes:
    """NPS per group (a row of :func:`~crm_helpers.satisfaction.nps_table`) as points with
    their confidence intervals, best first; the dashed line is the overall NPS."""
    ax = _ax(ax, (8, max(2.5, 0.35 * len(table) + 1)))
    t = table.sort_values("nps", ascending=False).reset_index(drop=True)
    y = np.arange(len(t))
    ax.errorbar(
        t["nps"],
        y,
        xerr=[t["nps"] - t["lower"], t["upper"] - t["nps"]],
        fmt="o",
        color=sns.color_palette()[0],
        ecolor="grey",
        capsize=3,
    )
    overall = float((t["nps"] * t["n"]).sum() / t["n"].sum())
    ax.axvline(overall, ls="--", color="black", lw=1)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_yticks(y, [f"{v} (n={n})" for v, n in zip(t[by], t["n"], strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel("NPS 净推荐值")
    ax.set_ylabel("")
    return ax


def plot_nps_trend(trend: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """NPS per period with a band for its confidence interval."""
    ax = _ax(ax, (9, 3.5))
    sns.lineplot(data=trend, x="period", y="nps", marker="o", ax=ax)
    ax.fill_between(trend["period"], trend["lower"], trend["upper"], alpha=0.2)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("")
    ax.set_ylabel("NPS 净推荐值")
    return ax


def plot_drivers(
    drivers: pd.DataFrame, truth: pd.Series | None = None, *, ax: Axes | None = None
) -> Axes:
    """The estimated weight of each attribute with its confidence interval, and the true
    weight (``truth``, indexed by attribute) where it is known."""
    ax = _ax(ax, (8, 3.5))
    d = drivers.reset_index(drop=True)
    y = np.arange(len(d))
    ax.errorbar(
        d["weight"],
        y,
        xerr=[d["weight"] - d["lower"], d["upper"] - d["weight"]],
        fmt="o",
        capsize=3,
        label="estimate 估计 (95% CI)",
    )
    if truth is not None:
        ax.scatter(
            truth.reindex(d["attribute"]).to_numpy(),
            y,
            marker="x",
            color="red",
            s=60,
            zorder=3,
            label="true weight 真实权重",
        )
    ax.set_yticks(y, [_label(a) for a in d["attribute"]])
    ax.invert_yaxis()
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("weight on overall satisfaction 对总体满意度的权重")
    ax.legend(loc="lower right")
    return ax


def plot_importance_performance(ipm: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """The importance–performance matrix: importance (standardised weight) across,
    performance (mean score) up, quadrants split at the means."""
    ax = _ax(ax, (7, 5))
    sns.scatterplot(data=ipm, x="std_weight", y="performance", hue="quadrant", s=120, ax=ax)
    for _, row in ipm.iterrows():
        ax.annotate(
            _label(row["attribute"]),
            (row["std_weight"], row["performance"]),
            textcoords="offset points",
            xytext=(6, 6),
            fontsize=9,
        )
    ax.axvline(float(ipm["importance_mean"].iloc[0]), ls="--", color="grey")
    ax.axhline(float(ipm["performance_mean"].iloc[0]), ls="--", color="grey")
    ax.set_xlabel("importance 重要性 (standardised weight 标准化权重)")
    ax.set_ylabel("performance 绩效 (mean score 平均分)")
    ax.legend(fontsize=8, loc="best")
    return ax


def plot_sla(
    summary: pd.DataFrame,
    by: str = "type",
    hue: str | None = "severity",
    value: str = "resolution_within_sla",
    *,
    ax: Axes | None = None,
) -> Axes:
    """Share of complaints within the SLA per group as horizontal bars (e.g. by type,
    coloured by severity)."""
    ax = _ax(ax, (7, 5))
    data = summary.assign(_label=summary[by].map(_label))
    order = ["low", "medium", "high"] if hue == "severity" else None
    sns.barplot(data=data, y="_label", x=value, hue=hue, hue_order=order, orient="h", ax=ax)
    ax.set_xlim(0, 1.05)
    ax.set_ylabel("")
    ax.set_xlabel(f"share within SLA 达标率 ({value.split('_')[0]})")
    return ax


def plot_pareto(table: pd.DataFrame, column: str = "type", *, ax: Axes | None = None) -> Axes:
    """The Pareto chart (帕累托图): counts as bars (the vital few darker), cumulative share as
    a line on the right axis, with the 80 % line."""
    ax = _ax(ax, (9, 4))
    colours = [sns.color_palette()[0] if v else "lightgrey" for v in table["vital_few"]]
    x = np.arange(len(table))
    ax.bar(x, table["count"], color=colours)
    ax.set_xticks(x, [_label(v) for v in table[column]], rotation=30, ha="right")
    ax.set_ylabel("complaints 投诉数")
    ax2 = ax.twinx()
    ax2.plot(x, table["cumulative_share"], color="black", marker="o")
    ax2.axhline(0.8, ls="--", color="red", lw=1)
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("cumulative share 累计占比")
    ax2.grid(False)
    return ax


def plot_cfpb_responses(shares: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Company responses by product (a :func:`~crm_helpers.satisfaction.response_table`) as
    stacked horizontal bars of shares."""
    ax = _ax(ax, (10, max(3.0, 0.4 * len(shares) + 1)))
    shares.plot(kind="barh", stacked=True, ax=ax, width=0.8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of complaints 占比")
    ax.set_ylabel("")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, title=None)
    return ax


def plot_confusion(
    confusion: pd.DataFrame,
    title: str = "",
    labels: tuple[str, str] = ("negative 负面", "positive 正面"),
    *,
    ax: Axes | None = None,
) -> Axes:
    """A confusion matrix (混淆矩阵) as a heat map of counts, true label down, predicted
    across."""
    ax = _ax(ax, (4, 3.5))
    heatmap(ax, confusion, fmt="d", xticklabels=labels, yticklabels=labels)
    ax.set_xlabel("predicted 预测")
    ax.set_ylabel("true 真实")
    ax.set_title(title)
    return ax


def plot_six_hearts(
    scorecard: pd.DataFrame, index: str = "employee_id", *, ax: Axes | None = None
) -> Axes:
    """A heat map of the six hearts' mean ratings, one row per employee (or store)."""
    hearts = [h for h in SIX_HEARTS if h in scorecard]
    data = scorecard.set_index(index)[hearts]
    ax = _ax(ax, (7, max(3.0, 0.22 * len(data) + 1)))
    sns.heatmap(
        data, annot=len(data) <= 30, fmt=".1f", cmap="RdYlGn", vmin=1, vmax=5, ax=ax,
        xticklabels=[f"{SIX_HEARTS[h]}\n{h}" for h in hearts],
        cbar_kws={"label": "mean stars 平均星级"},
    )  # fmt: skip
    ax.tick_params(axis="x", rotation=0, labelsize=9)
    ax.set_ylabel("")
    return ax


def plot_rater_leniency(
    agreement: pd.DataFrame,
    truth: pd.Series | None = None,
    labels: pd.Series | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Each rater's leniency against the reference rater (宽严倾向) with ±2 standard
    errors, from :func:`crm_helpers.six_hearts.rater_agreement`; ``truth`` (indexed by
    ``rater_id``) marks the true leniency where it is known, ``labels`` renames raters."""
    d = agreement.sort_values("leniency").reset_index(drop=True)
    y = np.arange(len(d))
    ax = _ax(ax, (7, max(3.0, 0.3 * len(d) + 1)))
    ax.errorbar(d["leniency"], y, xerr=2 * d["se"].fillna(0), fmt="o", capsize=3,
                label="estimate 估计 (±2 se)")  # fmt: skip
    if truth is not None:
        ax.scatter(truth.reindex(d["rater_id"]).to_numpy(), y, marker="x", color="red", s=60,
                   zorder=3, label="true leniency 真实宽严")  # fmt: skip
    names = d["rater_id"] if labels is None else d["rater_id"].map(labels).fillna(d["rater_id"])
    ax.set_yticks(y, names.astype(str).tolist())
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("stars above the reference rater 高于参照评分者的星级")
    ax.legend(loc="lower right", fontsize="small")
    return ax
