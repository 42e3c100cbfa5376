"""Figures for chapter 03 (communication): each takes a table from
:mod:`crm_helpers.communicate` and returns the matplotlib Axes (call
``crm.setup_plotting()`` first for Chinese labels). Nothing here shows or saves a figure.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from crm_helpers import communicate as cm
>>> c = pd.DataFrame({"customer_id": [1, 2, 3], "channel": ["sms", "sms", "email"],
...                   "responded": [1, 0, 0], "cost": [0.1, 0.1, 0.02]})
>>> plot_channel_mix(cm.channel_mix(c)).get_ylabel()
'share of contacts 接触占比'
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt  # noqa: F401  (the doctests use it)
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from .communicate import CHANNEL_ZH, CHANNELS
from .plots import axes

__all__ = [
    "channel_label",
    "plot_channel_mix",
    "plot_response_rate",
    "plot_cost_per_response",
    "plot_ab_rates",
    "plot_uplift",
    "plot_contact_calendar",
    "plot_bank_response",
]


_ax = axes  # a new figure unless an Axes is given


def channel_label(channel: str) -> str:
    """'sms 短信': the channel code with its Chinese name.

    >>> channel_label("face_to_face")
    'face_to_face 面对面'
    """
    return f"{channel} {CHANNEL_ZH.get(channel, '')}".strip()


def _labelled(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    t = table.copy()
    present = [c for c in CHANNELS if c in set(t["channel"])]
    t["channel"] = t["channel"].map(channel_label)
    return t, [channel_label(c) for c in present]


def plot_channel_mix(mix: pd.DataFrame, *, hue: str | None = None, ax: Axes | None = None) -> Axes:
    """Share of contacts per channel (渠道结构) from :func:`~crm_helpers.communicate.channel_mix`."""
    ax = _ax(ax)
    t, order = _labelled(mix)
    sns.barplot(data=t, x="channel", y="share", hue=hue, order=order, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("share of contacts 接触占比")
    ax.tick_params(axis="x", rotation=20)
    return ax


def plot_response_rate(
    summary: pd.DataFrame, *, hue: str | None = None, ax: Axes | None = None
) -> Axes:
    """Response rate (响应率) per channel from :func:`~crm_helpers.communicate.response_summary`."""
    ax = _ax(ax)
    t, order = _labelled(summary)
    sns.barplot(data=t, x="channel", y="response_rate", hue=hue, order=order, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("response rate 响应率")
    ax.tick_params(axis="x", rotation=20)
    return ax


def plot_cost_per_response(
    summary: pd.DataFrame, *, hue: str | None = None, ax: Axes | None = None
) -> Axes:
    """Cost per response (单次响应成本, log scale: channels differ a thousandfold)."""
    ax = _ax(ax)
    t, order = _labelled(summary)
    sns.barplot(data=t, x="channel", y="cost_per_response", hue=hue, order=order, ax=ax)
    ax.set_yscale("log")
    ax.set_xlabel("")
    ax.set_ylabel("cost per response 单次响应成本 (yuan, log)")
    ax.tick_params(axis="x", rotation=20)
    return ax


def _wilson(x: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def plot_ab_rates(result: pd.Series, *, ax: Axes | None = None) -> Axes:
    """The two groups' response rates with 95 % Wilson intervals, and the difference with
    its interval in the title (from :func:`~crm_helpers.communicate.ab_test`)."""
    ax = _ax(ax, (6, 4))
    rows = []
    for g, zh in (("control", "对照组"), ("treatment", "实验组")):
        x, n = float(result[f"responses_{g}"]), float(result[f"n_{g}"])
        lo, hi = _wilson(x, n)
        rows.append((f"{g} {zh}", x / n, lo, hi))
    t = pd.DataFrame(rows, columns=["group", "rate", "low", "high"])
    colors = sns.color_palette()[:2]
    ax.bar(t["group"], t["rate"], color=colors, alpha=0.8)
    ax.errorbar(t["group"], t["rate"], yerr=[t["rate"] - t["low"], t["high"] - t["rate"]],
                fmt="none", color="black", capsize=6)  # fmt: skip
    ax.set_ylabel("response rate 响应率")
    ax.set_title(
        f"difference {result['difference']:+.3f}, 95% CI [{result['ci_low']:+.3f}, "
        f"{result['ci_high']:+.3f}], p = {result['p_value']:.3g}"
    )
    return ax


def plot_uplift(
    uplift: pd.DataFrame,
    *,
    by: str = "segment",
    truth: pd.Series | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Uplift (增量响应) per segment with its confidence interval, from
    :func:`~crm_helpers.communicate.uplift_by_segment`; ``truth`` (indexed by segment)
    adds the true uplift as red crosses."""
    ax = _ax(ax, (7, 0.6 * len(uplift) + 1.5))
    y = np.arange(len(uplift))
    d = uplift["difference"].to_numpy(dtype=float)
    ax.errorbar(d, y, xerr=[d - uplift["ci_low"], uplift["ci_high"] - d], fmt="o",
                capsize=5, label="estimate and 95% CI 估计与置信区间")  # fmt: skip
    if truth is not None:
        ax.scatter(truth.reindex(uplift[by]).to_numpy(), y, marker="x", color="red", s=60,
                   zorder=3, label="true uplift 真实增量")  # fmt: skip
    ax.axvline(0, color="grey", lw=1, ls="--")
    ax.set_yticks(y, uplift[by].astype(str))
    ax.set_xlabel("uplift in response rate 响应率提升 (treatment − control)")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_contact_calendar(
    plan: pd.DataFrame, *, by: str = "channel", freq: str = "W-MON", ax: Axes | None = None
) -> Axes:
    """Planned contacts per week (rows: ``by`` values) as a heat map (接触日历)."""
    ax = _ax(ax, (10, 3.5))
    t = plan.assign(_week=plan["date"].dt.to_period(freq).dt.start_time)
    t[by] = t[by].astype(str)
    grid = t.pivot_table(index=by, columns="_week", values="customer_id", aggfunc="size",
                         fill_value=0)  # fmt: skip
    grid = grid.sort_index(axis=1)
    grid.columns = [w.strftime("%m-%d") for w in grid.columns]
    order = [*CHANNELS, "Star", "Volcano", "Cow", "Dog", "A", "B", "C"]
    grid = grid.reindex(sorted(grid.index, key=lambda v: (order.index(v) if v in order else 99, v)))
    if by == "channel":
        grid.index = [channel_label(c) for c in grid.index]
    sns.heatmap(grid, cmap="Blues", ax=ax, cbar_kws={"label": "contacts 接触次数"})
    ax.set_xlabel("week starting 周")
    ax.set_ylabel("")
    return ax


def plot_bank_response(table: pd.DataFrame, x: str, *, ax: Axes | None = None) -> Axes:
    """Response rate of the Bank Marketing clients by ``x`` (from
    :func:`~crm_helpers.communicate.bank_response`), with the number of clients on each bar."""
    ax = _ax(ax)
    sns.barplot(data=table, x=x, y="response_rate", color=sns.color_palette()[0], ax=ax)
    for i, (rate, n) in enumerate(zip(table["response_rate"], table["clients"], strict=True)):
        ax.text(i, rate, f"{n:,}", ha="center", va="bottom", fontsize="x-small")
    ax.set_ylabel("subscription rate 认购率")
    return ax
