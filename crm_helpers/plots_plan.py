"""Figures for the CRM plan-design chapter (09): the two rounds of the CRM process, the cube,
the process flow of a topic (CRM流程图示), the one-page diagram of both rounds
(CRM运行两轮示意图), indicators by week and deciles by period.

Each function draws on the given Axes (or a new one) and returns it; nothing is shown.
Call :func:`crm_helpers.plots.setup_plotting` first for Chinese labels.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from crm_helpers.plan import CampaignRound, roll_up
from crm_helpers.plots import axes, heatmap

__all__ = [
    "plot_rounds",
    "plot_round_metrics",
    "plot_cube",
    "plot_process_flow",
    "plot_two_rounds",
    "plot_indicator_panels",
    "plot_decile_shares",
]


def _ax(ax: Axes | None, size: tuple[float, float] = (8, 4)) -> Axes:
    return axes(ax, size)


def plot_rounds(rounds: Sequence[CampaignRound], *, ax: Axes | None = None) -> Axes:
    """Cumulative expected responses (truth-based) against contacts, one line per round,
    contacts taken in each round's targeting order (best score first).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame({"customer_id": [1, 2], "score": [0.9, 0.1], "p_true": [0.5, 0.1],
    ...     "responded": [True, False]})
    >>> r = CampaignRound("round 1", "", t, pd.Series(dtype=float))
    >>> len(plot_rounds([r]).lines)
    1
    """
    ax = _ax(ax)
    for r in rounds:
        t = r.targets.sort_values("score", ascending=False, kind="stable")
        ax.plot(
            np.arange(1, len(t) + 1),
            t["p_true"].cumsum().to_numpy(),
            label=f"{r.name}: {t['p_true'].sum():.1f} expected responses",
        )
    ax.set_xlabel("contacts 接触客户数")
    ax.set_ylabel("expected responses 预期响应数")
    ax.legend()
    return ax


def plot_round_metrics(
    evaluation: pd.DataFrame,
    metrics: Sequence[str] = ("expected_response_rate", "expected_roi"),
    *,
    ax: Axes | None = None,
) -> Axes:
    """Bars of a few rows of :func:`crm_helpers.plan.evaluate_rounds`, one colour per round.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> e = pd.DataFrame({"round 1": [0.1, 0.5], "round 2": [0.2, 0.9]},
    ...     index=["expected_response_rate", "expected_roi"])
    >>> len(plot_round_metrics(e).patches) >= 4
    True
    """
    ax = _ax(ax, (7, 3.5))
    cols = [c for c in evaluation.columns if c != "change"]
    long = (
        evaluation.loc[list(metrics), cols]
        .rename_axis("metric")
        .reset_index()
        .melt(id_vars="metric", var_name="round", value_name="value")
    )
    sns.barplot(data=long, x="metric", y="value", hue="round", ax=ax)
    ax.set_xlabel("")
    return ax


def plot_cube(cube: pd.DataFrame, rows: str, cols: str, *, ax: Axes | None = None) -> Axes:
    """A heat map of the cube's sales rolled up to two axes (e.g. customer × product).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> cube = pd.DataFrame({"customer": [1, 1, 2], "product": ["x", "y", "x"],
    ...     "behaviour": ["a", "a", "b"], "sales": [1.0, 2.0, 4.0]})
    >>> plot_cube(cube, "customer", "product").get_xlabel()
    'product'
    """
    ax = _ax(ax, (9, 4))
    table = roll_up(cube, [rows, cols]).pivot(index=rows, columns=cols, values="sales")
    return heatmap(ax, table.fillna(0), annot=True, fmt=".0f")


def _wrap(text: str, width: int) -> str:
    """Wrap Chinese or English text to ``width`` characters a line (CJK has no spaces)."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        if " " in para and not any("\u4e00" <= ch <= "\u9fff" for ch in para):
            lines += textwrap.wrap(para, width) or [""]
        else:
            lines += [para[i : i + width] for i in range(0, len(para), width)] or [""]
    return "\n".join(lines)


def _box(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    color: str,
    size: float = 9,
    width: int = 18,
) -> None:
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.01",
                                fc=color, ec="#333333", lw=0.8))  # fmt: skip
    ax.text(x, y, _wrap(text, width), ha="center", va="center", fontsize=size)


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    text: str = "",
    color: str = "#333333",
) -> None:
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.2})  # fmt: skip
    if text:
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        ax.text(mid[0] + 0.01, mid[1], text, fontsize=8, color=color, va="center")


def plot_process_flow(steps: pd.DataFrame, *, title: str = "", ax: Axes | None = None) -> Axes:
    """The business process of a topic as a flow chart (CRM流程图示): one box per step of
    :func:`crm_helpers.plan.process_steps` (role on the left, the step in the box), arrows
    between consecutive steps, and an arrow back from the last to the first (the loop).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> s = pd.DataFrame({"step": [1, 2], "role": ["店长", "客服"], "content": ["培训", "回访"]})
    >>> len(plot_process_flow(s).patches)
    2
    """
    n = len(steps)
    ax = _ax(ax, (8, 0.9 * n + 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, n)
    for i, row in enumerate(steps.itertuples(index=False)):
        y = n - i - 0.5
        _box(ax, 0.6, y, 0.62, 0.62, f"{row.step}. {row.content}", "#dbe9f6", 9, 30)
        ax.text(0.2, y, _wrap(str(row.role), 8), ha="right", va="center", fontsize=9,
                color="#1f4e79")  # fmt: skip
        if i < n - 1:
            _arrow(ax, (0.6, y - 0.31), (0.6, y - 0.69))
    if n > 1:
        ax.annotate("", xy=(0.93, n - 0.5), xytext=(0.93, 0.5),
                    arrowprops={"arrowstyle": "-|>", "color": "#c0504d", "lw": 1.2,
                                "connectionstyle": "arc3,rad=-0.3"})  # fmt: skip
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_two_rounds(
    rounds: Sequence[Sequence[str]],
    *,
    steps: Sequence[str] = ("知识发现", "目标与市场计划", "客户互动", "分析提炼"),
    round_names: Sequence[str] = ("第一轮", "第二轮"),
    learning: str = "第一轮的分析结果成为第二轮的知识",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """A one-page diagram of two rounds of the CRM process (CRM运行两轮示意图): a column per
    round, one box per step (its heading and the given text, e.g. the round's numbers),
    arrows between the steps and from round 1's analysis to round 2's knowledge discovery.

    ``rounds``: for each round, one text per step.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_two_rounds([["a", "b", "c", "d"], ["e", "f", "g", "h"]])
    >>> len(ax.patches)
    8
    """
    if len(rounds) != len(round_names) or any(len(r) != len(steps) for r in rounds):
        raise ValueError(
            f"rounds must hold {len(round_names)} lists of {len(steps)} texts (one per step)."
        )
    ax = _ax(ax, (7.5, 10))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    colors = ("#dbe9f6", "#fde9d9", "#e2f0d9", "#fff2cc")
    xs = [0.25, 0.75]
    ys = [0.82 - 0.22 * k for k in range(len(steps))]
    for j, (texts, name) in enumerate(zip(rounds, round_names, strict=True)):
        ax.text(xs[j], 0.97, name, ha="center", va="center", fontsize=14, weight="bold")
        for k, (head, text) in enumerate(zip(steps, texts, strict=True)):
            _box(ax, xs[j], ys[k], 0.44, 0.19, f"【{head}】\n{text}", colors[k], 10, 19)
            if k < len(steps) - 1:
                _arrow(ax, (xs[j], ys[k] - 0.095), (xs[j], ys[k + 1] + 0.095))
    _arrow(ax, (xs[0] + 0.22, ys[-1]), (xs[1] - 0.22, ys[0]), "", "#c0504d")
    ax.text(0.5, (ys[0] + ys[-1]) / 2, _wrap(learning, 6), ha="center", va="center",
            fontsize=9, color="#c0504d", bbox={"fc": "white", "ec": "#c0504d"})  # fmt: skip
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=13)
    return ax


def plot_indicator_panels(
    table: pd.DataFrame, labels: Mapping[str, str], *, title: str = "", ncols: int = 2
):
    """One small line chart per indicator of a :func:`crm_helpers.kpi.indicators` table
    (e.g. by week): ``labels`` maps the columns to draw to their titles. Returns the figure.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=3, freq="W-MON"),
    ...     "total_sales": [1.0, 2, 3], "visits": [1, 2, 2]})
    >>> len(plot_indicator_panels(t, {"total_sales": "销售额", "visits": "客数"}).axes)
    2
    """
    import matplotlib.pyplot as plt

    cols = [c for c in labels if c in table.columns]
    nrows = -(-len(cols) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(9, 2.2 * nrows), sharex=True, squeeze=False)
    for ax, col in zip(grid.flat, cols, strict=False):
        ax.plot(table["period"], table[col], lw=1)
        ax.set_title(labels[col], fontsize=10)
        ax.tick_params(labelsize=8)
    for ax in list(grid.flat)[len(cols) :]:
        fig.delaxes(ax)
    if len(cols) and pd.api.types.is_datetime64_any_dtype(table["period"]):
        _date_ticks(grid[0, 0], table["period"])  # shared by every panel (sharex)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _date_ticks(ax: Axes, dates: pd.Series, most: int = 8) -> None:
    """Fixed date ticks on ``ax``'s x axis (month, quarter, half-year or year starts, at most
    ``most``): computed once, where the automatic date locator recomputes them for every
    panel at every draw. Nothing changes when the dates span less than two ticks."""
    from matplotlib.dates import date2num
    from matplotlib.ticker import FixedFormatter, FixedLocator

    first, last = dates.min(), dates.max()
    for freq in ("MS", "QS", "6MS", "YS"):
        ticks = pd.date_range(first, last, freq=freq)
        if len(ticks) <= most:
            break
    fmt = "%Y" if freq == "YS" else "%Y-%m"
    ticks = ticks[:: -(-len(ticks) // most)]
    if len(ticks) < 2:
        return
    ax.xaxis.set_major_locator(FixedLocator(date2num(ticks.to_pydatetime())))
    ax.xaxis.set_major_formatter(FixedFormatter(list(ticks.strftime(fmt))))


def plot_decile_shares(
    wide: pd.DataFrame, *, xlabel: str = "", title: str = "", ax: Axes | None = None
) -> Axes:
    """Deciles by period (:func:`crm_helpers.plan.decile_shares`) as a heat map: periods
    down, deciles across, the share in each cell.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> w = pd.DataFrame([[0.5, 0.5], [0.6, 0.4]], columns=[1, 2],
    ...     index=pd.to_datetime(["2024-01-01", "2025-01-01"]))
    >>> plot_decile_shares(w).get_xlabel()
    ''
    """
    ax = _ax(ax, (9, max(2.5, 0.22 * len(wide) + 1)))
    show = wide.copy()
    show.index = [str(i)[:10] for i in show.index]
    heatmap(ax, show, annot=len(show) <= 16, fmt=".0%", every=max(1, len(show) // 20))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax
