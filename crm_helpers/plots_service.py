"""Figures for chapter 07's Walmart case (沃尔玛): benchmarking against peers (行业对标) and
the intelligent customer service (智能客服). Each function draws on ``ax`` (made if not
given) and returns it; none calls ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt  # noqa: F401  (the doctests use it)
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crm_helpers.plots import axes, heatmap
from crm_helpers.schema import require_columns

__all__ = ["plot_benchmark", "plot_handoff_curve", "plot_confusion"]

_ax = axes


def plot_benchmark(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Our KPIs as a share of the peer median (1 = the median), from
    :func:`crm_helpers.benchmarking.benchmark_table`; the peers' best as a marker.

    >>> t = pd.DataFrame({"ours": [0.3, 90.0], "peer_median": [0.4, 80.0],
    ...     "peer_best": [0.5, 100.0], "status": ["behind", "ahead"]}, index=["a", "b"])
    >>> plot_benchmark(t).get_xlabel()
    'ours ÷ peer median 相对同行中位数'
    >>> plt.close("all")
    """
    require_columns(table, ["ours", "peer_median", "peer_best", "status"], "benchmark table")
    ax = _ax(ax, (7, 0.6 * len(table) + 1.5))
    rel = (table["ours"] / table["peer_median"]).rename("ratio")
    best = table["peer_best"] / table["peer_median"]
    colours = table["status"].map({"ahead": "#2a9d8f", "behind": "#e76f51"}).fillna("grey")
    y = np.arange(len(table))
    ax.barh(y, rel.to_numpy(), color=colours.to_numpy())
    ax.scatter(best.to_numpy(), y, marker="|", s=300, color="black", label="best peer 最佳同行")
    ax.axvline(1.0, ls="--", color="grey")
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.set_xlabel("ours ÷ peer median 相对同行中位数")
    ax.legend(loc="lower right")
    return ax


def plot_handoff_curve(curve: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Hand-off rate (转人工率) against wrong-answer rate as the confidence threshold moves
    (:func:`crm_helpers.service_bot.threshold_curve`).

    >>> c = pd.DataFrame({"threshold": [0.3, 0.6], "handoff_rate": [0.2, 0.5],
    ...                   "wrong_answer_rate": [0.1, 0.03]})
    >>> plot_handoff_curve(c).get_xlabel()
    'hand-off rate 转人工率'
    >>> plt.close("all")
    """
    require_columns(curve, ["threshold", "handoff_rate", "wrong_answer_rate"], "threshold curve")
    ax = _ax(ax, (6, 4.5))
    ax.plot(curve["handoff_rate"], curve["wrong_answer_rate"], marker="o")
    for row in curve.itertuples():
        ax.annotate(f"{row.threshold:.1f}", (row.handoff_rate, row.wrong_answer_rate), fontsize=8)
    ax.set_xlabel("hand-off rate 转人工率")
    ax.set_ylabel("wrong answers 答错率 (share of all questions)")
    return ax


def plot_confusion(
    true: Sequence[str], predicted: Sequence[str], *, ax: Axes | None = None
) -> Axes:
    """Confusion matrix (混淆矩阵) as row shares: of each true intent, where it went.

    >>> plot_confusion(["a", "a", "b"], ["a", "b", "b"]).get_ylabel()
    'true intent 真实意图'
    >>> plt.close("all")
    """
    t = pd.Series(list(true), name="true")
    p = pd.Series(list(predicted), name="predicted")
    if len(t) != len(p):
        raise ValueError(f"true ({len(t)}) and predicted ({len(p)}) differ in length.")
    labels = sorted(set(t) | set(p))
    m = pd.crosstab(t, p, normalize="index").reindex(index=labels, columns=labels, fill_value=0)
    ax = _ax(ax, (7, 6))
    heatmap(ax, m.astype("float64"), annot=True, fmt=".0%", cmap="Blues")
    ax.set_xlabel("predicted intent 预测意图")
    ax.set_ylabel("true intent 真实意图")
    return ax
