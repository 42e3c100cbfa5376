"""Figures for chapter 06 (loyalty): each takes a table from :mod:`crm_helpers.loyalty` or
:mod:`crm_helpers.clv` and returns the matplotlib Axes (call ``crm.setup_plotting()`` first
for Chinese labels). Nothing here shows or saves a figure.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from crm_helpers import loyalty
>>> g = loyalty.gains_table([1, 0, 1, 0, 0], [0.9, 0.2, 0.7, 0.4, 0.1], n_bins=5)
>>> plot_gains(g).get_xlabel()
'share of customers contacted 联系客户比例'
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from .plots import axes, bars, heatmap
from .schema import require_columns

__all__ = [
    "plot_points_flow",
    "plot_tier_migration",
    "plot_early_warning",
    "plot_gains",
    "plot_calibration",
    "plot_cohort_retention",
    "plot_repeat_retention",
    "plot_holdout",
    "plot_winback",
]


_ax = axes  # a new figure unless an Axes is given


def plot_points_flow(by_period: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Points earned, redeemed and expired per period (bars) and outstanding (line)."""
    ax = _ax(ax)
    flows = {flow: by_period[flow] for flow in ("earned", "redeemed", "expired")}
    bars(ax, by_period["period"].dt.strftime("%Y-%m"), flows)
    ax.legend(title="flow")
    ax2 = ax.twinx()
    ax2.plot(np.arange(len(by_period)), by_period["outstanding"], color="black",
             label="outstanding")  # fmt: skip
    ax2.set_ylabel("outstanding points 未兑换积分")
    ax.set_xlabel("")
    ax.set_ylabel("points 积分")
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    return ax


def plot_tier_migration(matrix: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """The tier migration matrix as a heat map (row shares if the matrix is normalised)."""
    ax = _ax(ax, (6, 5))
    values = matrix.to_numpy(dtype="float64")
    if values.size == 0 or np.isnan(values).all():
        ax.text(0.5, 0.5, "no members in this window 该时段无会员", ha="center", va="center")
        ax.set_axis_off()
        return ax
    fmt = ".0%" if np.nanmax(values) <= 1 else ".0f"
    heatmap(ax, matrix.astype("float64"), annot=True, fmt=fmt, cmap="Blues")
    ax.set_xlabel(f"tier at the end 期末等级 ({matrix.columns.name})")
    ax.set_ylabel(f"tier at the start 期初等级 ({matrix.index.name})")
    return ax


def plot_early_warning(warnings: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Frequency ratio against spend ratio per customer, warnings highlighted."""
    ax = _ax(ax, (6, 5))
    d = warnings.assign(
        frequency_ratio=warnings["frequency_ratio"].clip(upper=3),
        spend_ratio=warnings["spend_ratio"].clip(upper=3),
    )
    sns.scatterplot(
        data=d, x="frequency_ratio", y="spend_ratio", hue="warning", alpha=0.5, s=15, ax=ax
    )
    ax.set_xlabel("recent / baseline frequency 频次比")
    ax.set_ylabel("recent / baseline spend 消费比")
    return ax


def plot_gains(
    gains: pd.DataFrame,
    *,
    ax: Axes | None = None,
    found: str = "share of positives found (churners, converters) 找到的目标客户比例",
) -> Axes:
    """Cumulative gains chart (累积增益图) of :func:`crm_helpers.evaluate.gains_table`, with
    the random-targeting diagonal; ``found`` labels the y axis."""
    require_columns(gains, ["cum_share_customers", "cum_share_positives"], "gains")
    ax = _ax(ax, (5, 5))
    x = np.r_[0, gains["cum_share_customers"]]
    y = np.r_[0, gains["cum_share_positives"]]
    ax.plot(x, y, marker="o", label="model 模型")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="random 随机")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set(xlabel="share of customers contacted 联系客户比例", ylabel=found,
           title="Cumulative gains 累计增益")  # fmt: skip
    ax.legend()
    return ax


def plot_calibration(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Reliability diagram (校准图): mean predicted probability against the observed rate."""
    ax = _ax(ax, (5, 5))
    ax.plot(table["mean_predicted"], table["observed_rate"], marker="o")
    ax.plot([0, 1], [0, 1], ls="--", color="grey")
    ax.set_xlabel("predicted probability 预测概率")
    ax.set_ylabel("observed churn rate 实际流失率")
    return ax


def plot_cohort_retention(matrix: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """The cohort retention heat map (同期群留存热力图)."""
    ax = _ax(ax, (11, 7))
    m = matrix.copy()
    m.index = pd.Index(pd.to_datetime(m.index).strftime("%Y-%m"), name="cohort 同期群")
    high = min(1.0, float(np.nanmax(m.iloc[:, 1:])))
    heatmap(ax, m, annot=False, cmap="YlGnBu", vmin=0, vmax=high, every=-(-len(m) // 40))
    ax.figure.colorbar(ax.collections[0], ax=ax, label="retention 留存率")
    ax.set_xlabel("periods since the first purchase 距首购期数")
    return ax


def plot_repeat_retention(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Repurchase rate (复购率) and retention rate (留存率) per period."""
    ax = _ax(ax)
    for rate in ("repurchase_rate", "retention_rate"):
        shown = table[table[rate].notna()]  # the first period has no retention rate
        ax.plot(shown["period"], shown[rate], marker="o", label=rate)
    ax.legend(title="rate")
    ax.set_ylabel("rate 比率")
    ax.set_xlabel("")
    return ax


def plot_holdout(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Predicted against actual hold-out purchases by calibration frequency."""
    ax = _ax(ax, (7, 4))
    for what in ("actual", "predicted"):
        ax.plot(table["frequency"], table[what], marker="o", label=what)
    ax.legend()
    ax.set_xlabel("repeat purchases in calibration 校准期复购次数")
    ax.set_ylabel("mean purchases in hold-out 验证期平均购买次数")
    return ax


def plot_winback(curve: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Expected margin recovered minus cost of a win-back campaign against the number
    contacted (:func:`crm_helpers.winback.winback_value`)."""
    ax = _ax(ax, (7, 4))
    ax.plot(curve["n_contacted"], curve["net_value"])
    best = curve.loc[curve["net_value"].idxmax()]
    ax.axvline(best["n_contacted"], ls="--", color="grey")
    ax.set_xlabel("customers contacted (by margin recovered − cost) 联系人数")
    ax.set_ylabel("expected net margin 期望净毛利 (元)")
    return ax
