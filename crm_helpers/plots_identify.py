"""Figures for chapter 02, customer identification (客户识别与分析), drawn with seaborn.

Each function takes a table from :mod:`crm_helpers.identify`, draws on ``ax`` (made if
not given) and returns the Axes; none calls ``plt.show()``. Call ``crm.setup_plotting()``
first so that Chinese labels render.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from crm_helpers.plots import axes, heatmap
from crm_helpers.plots_loyalty import plot_gains  # the one gains chart (累计增益图)
from crm_helpers.schema import require_columns

__all__ = [
    "plot_record_sources",
    "plot_match_scores",
    "plot_threshold_curve",
    "plot_tag_coverage",
    "plot_gains",
    "plot_funnel",
]


_ax = axes  # a new figure unless an Axes is given


def plot_record_sources(records: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Records per source and the share of each field that is filled in (a heat map)."""
    require_columns(records, ["source"], "records")
    fields = [c for c in ("name", "phone", "email", "gender", "birth_year", "city", "card_number")
              if c in records.columns]  # fmt: skip
    ax = _ax(ax, (8, 3.5))
    filled = records[fields].notna().groupby(records["source"].astype("str")).mean()
    n = records["source"].astype("str").value_counts()
    filled.index = [f"{s} ({n[s]:,})" for s in filled.index]
    heatmap(ax, filled, fmt=".0%", vmin=0, vmax=1)
    ax.set(
        xlabel="field",
        ylabel="source (records)",
        title="Fields filled in by source 各来源字段完整度",
    )
    return ax


def plot_match_scores(
    pairs: pd.DataFrame, *, threshold: float | None = None, ax: Axes | None = None
) -> Axes:
    """Histogram of the candidate pairs' scores, split by ``is_match`` when the pairs are
    labelled (:func:`crm_helpers.identify.label_pairs`), with the threshold as a line."""
    require_columns(pairs, ["score"], "pairs")
    ax = _ax(ax)
    hue = "is_match" if "is_match" in pairs.columns else None
    lo, hi = np.floor(pairs["score"].min()), np.ceil(pairs["score"].max())
    sns.histplot(data=pairs, x="score", hue=hue, bins=np.arange(lo - 0.25, hi + 0.75, 0.5),
                 multiple="stack", ax=ax)  # fmt: skip
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1)
        ax.text(threshold, ax.get_ylim()[1] * 0.95, f" threshold {threshold:g}", va="top")
    ax.set(xlabel="match score (points)", ylabel="candidate pairs",
           title="Match scores of candidate pairs 候选记录对的匹配得分")  # fmt: skip
    return ax


def plot_threshold_curve(
    curve: pd.DataFrame, *, threshold: float | None = None, ax: Axes | None = None
) -> Axes:
    """Precision, recall and F1 against the threshold (:func:`threshold_curve`)."""
    require_columns(curve, ["threshold", "precision", "recall", "f1"], "curve")
    ax = _ax(ax)
    long = curve.melt(id_vars="threshold", value_vars=["precision", "recall", "f1"],
                      var_name="measure", value_name="value")  # fmt: skip
    sns.lineplot(data=long, x="threshold", y="value", hue="measure", marker="o", ax=ax)
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1)
    ax.set(xlabel="threshold (points)", ylabel="", ylim=(max(0, long["value"].min() - 0.05), 1.01),
           title="Precision and recall against the threshold 精确率与召回率")  # fmt: skip
    return ax


def plot_tag_coverage(coverage: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Bar chart of each tag's coverage (:func:`tag_coverage`), coloured by dimension."""
    require_columns(coverage, ["tag", "coverage"], "coverage")
    ax = _ax(ax, (9, max(3.0, 0.32 * len(coverage))))
    d = coverage.copy()
    d["label"] = d["tag"] + (" " + d["tag_zh"] if "tag_zh" in d.columns else "")
    sns.barplot(data=d, y="label", x="coverage",
                hue="dimension" if "dimension" in d.columns else None, dodge=False, ax=ax)  # fmt: skip
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set(xlabel="share of customers", ylabel="", title="Tag coverage 标签覆盖率")
    return ax


def plot_funnel(stages: pd.DataFrame, by: str | None = None, *, ax: Axes | None = None) -> Axes:
    """The funnel (销售漏斗) of :func:`funnel_stages`: leads per stage, per ``by`` group when
    the table has one."""
    require_columns(stages, ["stage", "count"], "stages")
    ax = _ax(ax)
    d = stages.copy()
    d["label"] = d["stage"] + (" " + d["stage_zh"] if "stage_zh" in d.columns else "")
    if by is None:
        sns.barplot(data=d, y="label", x="count", color="tab:blue", ax=ax)
        for i, (n, share) in enumerate(zip(d["count"], d["share_of_leads"], strict=True)):
            ax.text(n, i, f" {n:,} ({share:.0%})", va="center")
        ax.set_xlim(0, d["count"].max() * 1.2)
    else:
        sns.barplot(data=d, y="label", x="count", hue=by, ax=ax)
    ax.set(xlabel="prospects", ylabel="", title="Sales funnel 销售漏斗")
    return ax
