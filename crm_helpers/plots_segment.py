"""Figures for chapter 05, segmentation (客户分层与细分), drawn with seaborn.

Each function takes a table from :mod:`crm_helpers.segment`, draws on ``ax`` (made if not
given) and returns the Axes; none calls ``plt.show()``. Call ``crm.setup_plotting()``
first so that Chinese labels render.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from crm_helpers.plots import axes, bars, heatmap
from crm_helpers.schema import require_columns

__all__ = [
    "plot_segment_shares",
    "plot_rfm_grid",
    "plot_abc_curve",
    "plot_svcd",
    "plot_pyramid",
    "plot_pyramid_vs_document",
    "plot_deciles",
    "plot_differentiation",
    "plot_choose_k",
    "plot_cluster_profiles",
]


_ax = axes  # a new figure unless an Axes is given


def plot_segment_shares(
    summary: pd.DataFrame,
    by: str = "segment",
    *,
    value_label: str = "sales 销售额",
    ax: Axes | None = None,
) -> Axes:
    """Share of customers beside share of value per segment (from ``segment_summary``).

    >>> import crm_helpers.segment as sg
    >>> s = sg.segment_summary(pd.DataFrame({"segment": ["a", "b"], "monetary": [1.0, 3.0]}))
    >>> plot_segment_shares(s).get_ylabel()
    'share 占比'
    >>> plt.close("all")
    """
    require_columns(summary, [by, "customer_share", "value_share"], "segment summary")
    ax = _ax(ax)
    groups = {"customers 客户数": summary["customer_share"], value_label: summary["value_share"]}
    bars(ax, summary[by], groups)
    ax.set_ylabel("share 占比")
    ax.set_xlabel("")
    ax.tick_params(axis="x", rotation=30)
    ax.legend(title="")
    return ax


def plot_rfm_grid(scored: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heat map of customers per (R score, FM score) cell, with the segment names."""
    require_columns(scored, ["r_score", "fm_score", "segment"], "RFM")
    counts = pd.crosstab(scored["r_score"], scored["fm_score"]).reindex(
        index=range(5, 0, -1), columns=range(1, 6), fill_value=0
    )
    names = scored.groupby(["r_score", "fm_score"], observed=True)["segment"].first().astype(str)
    from crm_helpers.segment import rfm_segment_grid

    grid = rfm_segment_grid()
    labels = counts.astype(str).copy()
    for r in counts.index:
        for fm in counts.columns:
            name = names.get((r, fm), grid.loc[r, fm])
            labels.loc[r, fm] = f"{name}\n{counts.loc[r, fm]}"
    ax = _ax(ax, (9, 6))
    heatmap(ax, counts, annot=labels, cmap="YlGnBu")
    ax.figure.colorbar(ax.collections[0], ax=ax, label="customers 客户数")
    ax.set_xlabel("FM score (frequency & monetary 频率与金额)")
    ax.set_ylabel("R score (recency 最近购买)")
    return ax


def plot_abc_curve(abc: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Cumulative share of sales against share of buyers (Pareto curve), A and B coloured."""
    require_columns(abc, ["sales", "abc_class"], "ABC")
    buyers = abc[abc["abc_class"].astype(str) != "C"].sort_values("sales", ascending=False)
    x = np.arange(1, len(buyers) + 1) / len(buyers)
    y = buyers["sales"].cumsum().to_numpy() / buyers["sales"].sum()
    ax = _ax(ax, (6, 4.5))
    sns.lineplot(x=x, y=y, hue=buyers["abc_class"].astype(str).to_numpy(), ax=ax, linewidth=2.5)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("share of buyers 客户占比 (largest first)")
    ax.set_ylabel("cumulative share of sales 累计销售额占比")
    ax.legend(title="class 类别")
    return ax


def plot_svcd(
    svcd: pd.DataFrame, *, ax: Axes | None = None, marks: dict[str, list[float]] | None = None
) -> Axes:
    """Purchase amount × purchase frequency, log scales, coloured by SVCD class, with the
    thresholds (and optional extra ``marks``: ``{"amount": [...], "frequency": [...]}``)."""
    require_columns(svcd, ["amount", "frequency", "svcd"], "SVCD")
    ax = _ax(ax, (8, 5.5))
    cls = svcd["svcd"]
    levels = (
        list(cls.cat.categories) if isinstance(cls.dtype, pd.CategoricalDtype) else cls.unique()
    )
    for i, level in enumerate(levels):  # one colour per class, in seaborn's hue order
        part = svcd[cls == level]
        ax.scatter(part["frequency"], part["amount"], s=14, alpha=0.6, linewidths=0,
                   color=f"C{i}", label=str(level))  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    a_t, f_t = svcd.attrs.get("amount_threshold"), svcd.attrs.get("frequency_threshold")
    if a_t:
        ax.axhline(a_t, color="black", linewidth=1)
    if f_t:
        ax.axvline(f_t, color="black", linewidth=1)
    for a in (marks or {}).get("amount", []):
        ax.axhline(a, color="grey", linestyle="--", linewidth=0.8)
    for f in (marks or {}).get("frequency", []):
        ax.axvline(f, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("purchases per month 购买频率 (次/月)")
    ax.set_ylabel("average purchase amount 平均购买金额")
    ax.legend(title="SVCD")
    return ax


def plot_pyramid(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Each profit zone's share of customers, revenue and profit (客户金字塔与利润区)."""
    require_columns(summary, ["zone", "customer_share", "revenue_share", "profit_share"], "pyramid")
    groups = {"customers 客户": summary["customer_share"], "revenue 收入": summary["revenue_share"],
              "profit 利润": summary["profit_share"]}  # fmt: skip
    ax = _ax(ax, (9, 4.5))
    bars(ax, summary["zone"], groups, horizontal=True)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share 占比")
    ax.set_ylabel("")
    ax.legend(title="")
    return ax


def plot_deciles(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Share of sales per customer decile (十分位); a line per period if there are several."""
    require_columns(table, ["decile", "sales_share"], "decile")
    ax = _ax(ax)
    if "period" in table.columns and table["period"].nunique() > 1:
        data = table.assign(period=table["period"].dt.strftime("%Y-%m-%d"))
        sns.lineplot(data=data, x="decile", y="sales_share", hue="period", ax=ax, marker="o")
        ax.legend(title="period", fontsize="small", ncol=2)
    else:
        bars(ax, table["decile"], {"sales_share": table["sales_share"]})
        ax.axhline(0.1, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("decile 十分位 (1 = top 10 % of customers)")
    ax.set_ylabel("share of sales 销售额占比")
    return ax


def plot_differentiation(
    matrix: pd.DataFrame, label: str | None = None, *, ax: Axes | None = None
) -> Axes:
    """Groups on value difference × needs difference (客户差异矩阵), with the thresholds
    and the four quadrants named; ``label`` names the column that labels each point."""
    require_columns(matrix, ["value_cv", "needs_diversity", "quadrant"], "differentiation")
    ax = _ax(ax, (8, 5.5))
    v_t = matrix.attrs.get("value_threshold", 1.0)
    n_t = matrix.attrs.get("needs_threshold", 0.5)
    sns.scatterplot(
        data=matrix.assign(quadrant=matrix["quadrant"].astype(str)),
        x="needs_diversity",
        y="value_cv",
        hue="quadrant",
        s=80,
        ax=ax,
    )
    if label is not None:
        for _, row in matrix.iterrows():
            ax.annotate(str(row[label]), (row["needs_diversity"], row["value_cv"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")  # fmt: skip
    ax.axhline(v_t, color="black", linewidth=1)
    ax.axvline(n_t, color="black", linewidth=1)
    x_hi = max(1.0, float(matrix["needs_diversity"].max()) * 1.1)
    y_hi = max(2 * v_t, float(matrix["value_cv"].max()) * 1.15)
    ax.set_xlim(0, x_hi)
    ax.set_ylim(0, y_hi)
    corners = {
        "one-to-one 一对一": ((n_t + x_hi) / 2, (v_t + y_hi) / 2),
        "loyalty building 构建忠诚": (n_t / 2, (v_t + y_hi) / 2),
        "niche 利基": ((n_t + x_hi) / 2, v_t / 2),
        "mass 大众": (n_t / 2, v_t / 2),
    }
    for text, (x, y) in corners.items():
        ax.text(x, y, text, ha="center", va="center", color="grey", alpha=0.8)
    ax.set_xlabel("needs difference 需求差异 (diversity of category mix)")
    ax.set_ylabel("value difference 价值差异 (coefficient of variation)")
    ax.legend(title="quadrant 象限", fontsize="small")
    return ax


def plot_pyramid_vs_document(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Each zone's share of revenue and profit in the data beside the shares the document
    states for 300 customers (客户金字塔: 数据 vs 文献)."""
    need = ["zone", "revenue_share", "profit_share", "doc_revenue_share"]
    require_columns(summary, need, "pyramid")
    groups = {"revenue, data 收入·数据": summary["revenue_share"],
              "profit, data 利润·数据": summary["profit_share"],
              "revenue, document 收入·文献": summary["doc_revenue_share"]}  # fmt: skip
    ax = _ax(ax, (9, 4.5))
    palette = [sns.color_palette()[0], sns.color_palette()[2], "lightgrey"]
    bars(ax, summary["zone"], groups, horizontal=True, colors=palette)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share 占比")
    ax.set_ylabel("")
    ax.legend(title="", fontsize="small")
    return ax


def plot_choose_k(table: pd.DataFrame, *, axes: np.ndarray | None = None) -> np.ndarray:
    """Inertia (elbow) and silhouette against k, side by side; returns the two Axes."""
    require_columns(table, ["k", "inertia", "silhouette"], "choose_k")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    axes[0].plot(table["k"], table["inertia"], marker="o")
    axes[0].set(xlabel="k", ylabel="inertia")
    axes[0].set_title("inertia 簇内平方和 (elbow 肘部)")
    axes[1].plot(table["k"], table["silhouette"], marker="o", color="C1")
    axes[1].set(xlabel="k", ylabel="silhouette")
    axes[1].set_title("silhouette 轮廓系数 (higher is better)")
    return axes


def plot_cluster_profiles(
    features: pd.DataFrame, labels: pd.Series | np.ndarray, *, ax: Axes | None = None
) -> Axes:
    """Heat map of each cluster's mean feature, in standard deviations from the average."""
    lab = np.asarray(labels)
    means = features.groupby(lab).mean()
    z = (means - features.mean()) / features.std(ddof=0).replace(0, np.nan)
    ax = _ax(ax, (10, 0.6 * len(z) + 1.5))
    reach = float(np.nanmax(np.abs(z.to_numpy(dtype=float)))) if z.size else 1.0
    heatmap(ax, z, annot=True, fmt=".1f", cmap="RdBu_r", vmin=-reach, vmax=reach)  # centred at 0
    ax.figure.colorbar(ax.collections[0], ax=ax, label="SD")
    ax.set_ylabel("cluster 簇")
    ax.tick_params(axis="x", rotation=45)
    return ax
