"""Figures for chapter 07, data analysis in CRM (数据分析在客户关系中应用), drawn with seaborn.

Each function takes a table from :mod:`crm_helpers.cleaning`, :mod:`crm_helpers.privacy`
or :mod:`crm_helpers.prescribe`, draws on ``ax`` (made if not given) and returns the Axes;
none calls ``plt.show()``. Call ``crm.setup_plotting()`` first so that Chinese labels render.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401  (the doctests use it)
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from crm_helpers.plots import axes, bars
from crm_helpers.prescribe import response_rate
from crm_helpers.schema import require_columns

__all__ = [
    "plot_cleaning_steps",
    "plot_outlier_fences",
    "plot_class_sizes",
    "plot_response_curves",
    "plot_allocation",
    "plot_hit_rates",
]


_ax = axes  # a new figure unless an Axes is given


def _hist(ax: Axes, values: pd.Series, bins: int, color: str) -> None:
    """A histogram in seaborn's ``histplot`` style (translucent bars, white edges), drawn
    by matplotlib from numpy's counts: seaborn's own statistics cost more than the bars."""
    x = pd.to_numeric(values).to_numpy(dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return
    counts, edges = np.histogram(x, bins=bins)
    ax.bar(edges[:-1], counts, np.diff(edges), align="edge", color=color, alpha=0.75,
           edgecolor="white", linewidth=0.5)  # fmt: skip


def plot_cleaning_steps(steps: pd.DataFrame, *, ax: Axes | None = None, title: str = "") -> Axes:
    """Rows removed by each cleaning step (a :class:`~crm_helpers.cleaning.CleaningReport`'s
    ``steps``), labelled with the count.

    >>> steps = pd.DataFrame({"step": ["duplicates", "outliers"], "rows_removed": [5, 2]})
    >>> plot_cleaning_steps(steps).get_xlabel()
    'rows removed 删除行数'
    >>> plt.close("all")
    """
    require_columns(steps, ["step", "rows_removed"], "cleaning steps")
    ax = _ax(ax, (8, 0.5 + 0.45 * len(steps)))
    bars(ax, steps["step"], {"rows removed": steps["rows_removed"]}, horizontal=True)
    for i, v in enumerate(steps["rows_removed"]):
        ax.text(v, i, f" {int(v):,}", va="center")
    ax.set(
        xlabel="rows removed 删除行数", ylabel="", title=title or "What cleaning removed 清洗步骤"
    )
    return ax


def plot_outlier_fences(
    values: pd.Series, *, k: float = 1.5, ax: Axes | None = None, title: str = ""
) -> Axes:
    """Histogram of ``log10(values)`` with Tukey's fences (Q1 − k·IQR, Q3 + k·IQR).

    >>> plot_outlier_fences(pd.Series([1.0, 2, 3, 4, 1000])).get_xlabel()
    'log10(amount) 金额(对数)'
    >>> plt.close("all")
    """
    x = np.log10(pd.to_numeric(values).astype(float))
    x = x[np.isfinite(x)]
    ax = _ax(ax)
    _hist(ax, x, 60, "C0")
    q1, q3 = x.quantile(0.25), x.quantile(0.75)
    for fence in (q1 - k * (q3 - q1), q3 + k * (q3 - q1)):
        ax.axvline(fence, color="C3", ls="--")
    ax.set(
        xlabel="log10(amount) 金额(对数)",
        ylabel="lines 行数",
        title=title or f"Tukey fences, k = {k:g}",
    )
    return ax


def plot_class_sizes(
    classes: pd.DataFrame, k: int, *, ax: Axes | None = None, title: str = ""
) -> Axes:
    """How many equivalence classes have each size, with the line at k (from
    :func:`~crm_helpers.privacy.k_anonymity`'s ``classes``).

    >>> plot_class_sizes(pd.DataFrame({"size": [1, 3, 8]}), k=5).get_ylabel()
    'classes 等价类数'
    >>> plt.close("all")
    """
    require_columns(classes, ["size"], "equivalence classes")
    ax = _ax(ax, (8, 3.5))
    _hist(ax, classes["size"], min(40, max(5, len(classes))), "C4")
    ax.axvline(k, color="C3", ls="--", label=f"k = {k}")
    ax.legend()
    ax.set(
        xlabel="class size 等价类大小",
        ylabel="classes 等价类数",
        title=title or "Equivalence classes 等价类",
    )
    return ax


def plot_response_curves(
    segments: pd.DataFrame, max_spend: float, *, ax: Axes | None = None
) -> Axes:
    """Expected responders against spend for each segment (the assumed curves).

    >>> seg = pd.DataFrame({"segment": ["a"], "customers": [100], "r_max": [0.5],
    ...                     "scale": [100.0], "margin": [10.0]})
    >>> plot_response_curves(seg, 500).get_xlabel()
    'spend 投入'
    >>> plt.close("all")
    """
    require_columns(segments, ["segment", "customers", "r_max", "scale"], "segment assumptions")
    grid = np.linspace(0, max_spend, 120)
    rows = [
        pd.DataFrame(
            {
                "spend": grid,
                "responders": r.customers * response_rate(grid, r.r_max, r.scale),
                "segment": str(r.segment),
            }
        )
        for r in segments.itertuples()
    ]
    ax = _ax(ax)
    sns.lineplot(data=pd.concat(rows), x="spend", y="responders", hue="segment", ax=ax)
    ax.set(
        xlabel="spend 投入",
        ylabel="expected responders 预计响应人数",
        title="Response curves 响应曲线",
    )
    return ax


def plot_allocation(plans: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Spend per segment under each plan (``plan``, ``segment``, ``spend``), e.g. the
    optimised plan beside the equal split.

    >>> t = pd.DataFrame({"plan": ["opt", "equal"], "segment": ["a", "a"], "spend": [1.0, 2]})
    >>> plot_allocation(t).get_ylabel()
    'spend 投入'
    >>> plt.close("all")
    """
    require_columns(plans, ["plan", "segment", "spend"], "allocation plans")
    ax = _ax(ax)
    sns.barplot(data=plans, x="segment", y="spend", hue="plan", ax=ax)
    ax.set(xlabel="", ylabel="spend 投入", title="Budget per segment 各细分预算")
    return ax


def plot_hit_rates(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Hit rate at k for each recommender (``recommender``, ``k``, ``hit_rate``).

    >>> t = pd.DataFrame({"recommender": ["items", "popular"], "k": [5, 5], "hit_rate": [.3, .2]})
    >>> plot_hit_rates(t).get_ylabel()
    'hit rate 命中率'
    >>> plt.close("all")
    """
    require_columns(table, ["recommender", "k", "hit_rate"], "hit rates")
    ax = _ax(ax, (7, 3.5))
    sns.barplot(data=table, x="k", y="hit_rate", hue="recommender", ax=ax)
    ax.set(
        xlabel="k (recommendations shown 推荐数)",
        ylabel="hit rate 命中率",
        title="Hit rate at k 前k命中率",
    )
    return ax
