"""Figures for the CRM plan-design chapter (08): the two rounds of the CRM process, the cube.

Each function draws on the given Axes (or a new one) and returns it; nothing is shown.
Call :func:`crm_helpers.plots.setup_plotting` first for Chinese labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from crm_helpers.plan import CampaignRound, roll_up
from crm_helpers.plots import axes

__all__ = ["plot_rounds", "plot_round_metrics", "plot_cube"]


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
    sns.heatmap(table.fillna(0), annot=True, fmt=".0f", cmap="Blues", ax=ax, cbar=False)
    return ax
