"""An interactive segment explorer (客户细分探索器) built with ipywidgets.

Move the RFM or SVCD thresholds, or k for k-means, and see each segment's size, share and
a chart update::

    explorer = crm.widgets.SegmentExplorer(crm.segment.rfm_values(tx), "rfm")
    explorer            # sliders in JupyterLab; a static table and chart elsewhere

The explorer shows the same summary in two ways at once:

* with a widget front end (JupyterLab, Notebook 7, VS Code), the live sliders;
* without one (papermill, nbconvert to HTML or PDF, a plain Python console) a **static
  summary** — the table and the chart for the current thresholds — as HTML. The output
  carries both, and nbconvert falls back to the HTML when no widget state was saved.

``static=True`` gives only the static summary; ``static=None`` (default) uses the live
widget whenever an IPython kernel is running. :meth:`SegmentExplorer.update` is the
callback behind the sliders; it can be called directly (tests do, without a browser).
Exports (``crm-course pdf``, the site) always show the static summary: see
:func:`crm_helpers.report.strip_widget_views`. The live/static plumbing is shared with the
dashboard in :mod:`crm_helpers.widgets.base`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crm_helpers import segment as sg
from crm_helpers.schema import check_choice, require_columns
from crm_helpers.widgets.base import LiveView, format_table, has_widget_frontend

__all__ = ["METHODS", "SegmentExplorer", "explorer_summary", "has_widget_frontend"]

#: The explorer's methods and the columns each needs in ``data``.
METHODS: dict[str, tuple[str, ...]] = {
    "rfm": ("customer_id", "recency_days", "frequency", "monetary"),
    "svcd": ("customer_id", "amount", "frequency"),
    "kmeans": (),
}


def _default_params(data: pd.DataFrame, method: str) -> dict[str, Any]:
    if method == "rfm":
        return {
            "recency_days": float(data["recency_days"].median()),
            "frequency": float(max(2, data["frequency"].median())),
            "monetary": float(data["monetary"].median()),
        }
    if method == "svcd":
        return {
            "amount_threshold": float(data["amount"].median()),
            "frequency_threshold": float(data["frequency"].median()),
        }
    return {"k": 4}


def explorer_summary(
    data: pd.DataFrame, method: str, *, value: pd.Series | None = None, **params: Any
) -> pd.DataFrame:
    """The table behind the explorer: one row per segment with ``customers``,
    ``customer_share``, ``value`` (sales), ``value_share`` (and for k-means the cluster's
    plain-words ``description``).

    ``rfm``: ``data`` from :func:`~crm_helpers.segment.rfm_values`; params
    ``recency_days``, ``frequency``, ``monetary`` (the 2 × 2 × 2 cube,
    :func:`~crm_helpers.segment.rfm_cube`). ``svcd``: ``data`` from
    :func:`~crm_helpers.segment.svcd_classes`; params ``amount_threshold``,
    ``frequency_threshold``. ``kmeans``: ``data`` is a numeric feature table (index
    customer_id); param ``k``; ``value``: each customer's sales (a Series by customer_id,
    e.g. ``rfm_values(...).set_index("customer_id")["monetary"]``) — without it the table
    has no value columns.

    >>> t = pd.DataFrame({"customer_id": [1, 2, 3], "recency_days": [3, 40, 300],
    ...     "frequency": [9, 2, 1], "monetary": [900.0, 50, 20]})
    >>> s = explorer_summary(t, "rfm", recency_days=30, frequency=3, monetary=100)
    >>> s.loc[s["customers"] > 0, ["segment", "customers"]]
         segment  customers
    0  champions          1
    7       lost          2
    """
    check_choice("method", method, list(METHODS))
    require_columns(data, METHODS[method], f"{method} explorer")
    params = {**_default_params(data, method), **params}
    if method == "rfm":
        cube = sg.rfm_cube(data, params["recency_days"], params["frequency"], params["monetary"])
        return sg.segment_summary(cube, "segment", "monetary")
    if method == "svcd":
        classes = sg.classify_svcd(data, params["amount_threshold"], params["frequency_threshold"])
        monthly = classes["amount"] * classes["frequency"]
        return sg.segment_summary(classes.assign(value=monthly), "svcd", "value").rename(
            columns={"svcd": "segment"}
        )
    return _kmeans_summary(data, int(params["k"]), value)


def _kmeans_summary(data: pd.DataFrame, k: int, value: pd.Series | None) -> pd.DataFrame:
    """The k-means explorer's table: one row per cluster, with its value if given."""
    model = sg.CustomerClusters(k, random_state=0, n_init=4).fit(data)
    prof = model.profiles_
    out = pd.DataFrame(
        {
            "segment": prof["cluster"].astype(str),
            "customers": prof["customers"],
            "customer_share": prof["share"],
        }
    )
    if value is not None:
        sales = _cluster_value(model.labels_, value)
        out["value"] = out["segment"].map(sales).fillna(0.0).to_numpy()
        total = out["value"].sum()
        out["value_share"] = out["value"] / total if total else np.nan
        out["value_per_customer"] = out["value"] / out["customers"]
    out["description"] = prof["description"].to_numpy()
    return out


def _cluster_value(labels: pd.Series, value: pd.Series) -> pd.Series:
    if not isinstance(value, pd.Series):
        raise TypeError(
            f"value must be a pandas Series of sales by customer_id; got {type(value).__name__}."
        )
    aligned = value.reindex(labels.index)
    if aligned.isna().all():
        raise ValueError(
            "value shares no customer_id with the k-means features' index: pass each "
            "customer's sales indexed by customer_id (e.g. rfm.set_index('customer_id')"
            "['monetary'])."
        )
    return aligned.fillna(0.0).groupby(labels.astype(str)).sum()


class SegmentExplorer(LiveView):
    """Sliders for the thresholds (or k), a summary table and a bar chart.

    Parameters
    ----------
    data:
        See :func:`explorer_summary` for what each method needs.
    method:
        ``"rfm"``, ``"svcd"`` or ``"kmeans"``.
    static:
        ``True``: only the static summary; ``False``: the live widget (with the static
        summary as a fallback for front ends without widgets); ``None``: live if an IPython
        kernel is running.
    value:
        k-means only: each customer's sales by customer_id, for the value columns.
    **params:
        Starting thresholds (default: the data's medians; k = 4).

    >>> t = pd.DataFrame({"customer_id": [1, 2, 3], "recency_days": [3, 40, 300],
    ...     "frequency": [9, 2, 1], "monetary": [900.0, 50, 20]})
    >>> ex = SegmentExplorer(t, "rfm", static=True)
    >>> int(ex.update(recency_days=500, frequency=1, monetary=0)["customers"].iloc[0])
    3
    >>> "<table" in ex._repr_html_()
    True
    """

    hint = "Drag a slider or type a number into its box; the table and chart follow."

    def __init__(
        self,
        data: pd.DataFrame,
        method: str = "rfm",
        *,
        static: bool | None = None,
        value: pd.Series | None = None,
        **params: Any,
    ) -> None:
        check_choice("method", method, list(METHODS))
        require_columns(data, METHODS[method], f"{method} explorer")
        self.data = data
        self.method = method
        self.value = value
        self.static = (not has_widget_frontend()) if static is None else bool(static)
        self.params = {**_default_params(data, method), **params}
        self._widget = None
        self.update(**self.params)

    # ---------------------------------------------------------------- the callback
    def update(self, **params: Any) -> pd.DataFrame:
        """Recompute the summary for new thresholds, redraw the chart and (if live) the
        output area; returns the summary table."""
        self.params = {**self.params, **params}
        self.summary = explorer_summary(self.data, self.method, value=self.value, **self.params)
        self.figure = self._draw()
        if self._widget is not None:
            self._refresh_output()
        return self.summary

    def _draw(self) -> Figure:
        from crm_helpers.plots import bars
        from crm_helpers.plots_segment import plot_segment_shares

        fig = Figure(figsize=(8, 3.6))
        ax = fig.add_subplot()
        if "value" not in self.summary:
            bars(ax, self.summary["segment"], {"customers": self.summary["customer_share"]})
            ax.set_xlabel("cluster 簇")
            ax.set_ylabel("share of customers 客户占比")
        else:
            label = "monthly value 月度金额" if self.method == "svcd" else "sales 销售额"
            plot_segment_shares(self.summary, value_label=label, ax=ax)
        ax.set_title(self.title())
        fig.tight_layout()
        return fig

    def title(self) -> str:
        """The current thresholds in words."""
        p = self.params
        if self.method == "rfm":
            return (
                f"RFM: recent ≤ {p['recency_days']:,.0f} days, frequent ≥ "
                f"{p['frequency']:,.0f} purchases, big ≥ {p['monetary']:,.0f}"
            )
        if self.method == "svcd":
            return (
                f"SVCD: amount ≥ {p['amount_threshold']:,.0f}, frequency ≥ "
                f"{p['frequency_threshold']:.2f} per month"
            )
        return f"k-means with k = {int(p['k'])}"

    # ---------------------------------------------------------------- static view
    def table_html(self) -> str:
        """The summary with readable numbers (thousands separators, percentages)."""
        shares = ("customer_share", "value_share")
        return format_table(self.summary, shares).to_html(index=False)

    def empty_message(self) -> str:
        """Said when the data has no customers."""
        if len(self.data) == 0:
            return "No customers in the data 没有客户数据."
        return ""

    def __repr__(self) -> str:
        return f"{self.title()}\n{self.summary.to_string(index=False)}"

    # ---------------------------------------------------------------- live widget
    def controls(self) -> dict[str, Any]:
        """The sliders, by parameter name."""
        import ipywidgets as w

        d, p = self.data, self.params
        style = {"description_width": "initial"}
        layout = w.Layout(width="460px")

        def fslider(desc: str, col: pd.Series, value: float, step: float | None, fmt: str):
            hi = float(np.nanpercentile(col, 99)) if len(col) else 1.0
            hi = max(hi, value, 1e-9)
            return w.FloatSlider(
                value=value, min=0.0, max=hi, step=step or hi / 200, description=desc,
                style=style, layout=layout, continuous_update=False, readout_format=fmt,
            )  # fmt: skip

        if self.method == "rfm":
            return {
                "recency_days": fslider("recent: ≤ days 最近购买", d["recency_days"], p["recency_days"], 1.0, ",.0f"),
                "frequency": fslider("frequent: ≥ purchases 频率", d["frequency"], p["frequency"], 1.0, ",.0f"),
                "monetary": fslider("big: ≥ sales 金额", d["monetary"], p["monetary"], None, ",.0f"),
            }  # fmt: skip
        if self.method == "svcd":
            return {
                "amount_threshold": fslider("amount ≥ 金额", d["amount"], p["amount_threshold"], None, ",.0f"),
                "frequency_threshold": fslider("per month ≥ 频率", d["frequency"], p["frequency_threshold"], None, ".2f"),
            }  # fmt: skip
        hi = max(2, min(10, len(d)))
        return {
            "k": w.IntSlider(value=int(p["k"]), min=2, max=hi, description="k 聚类数",
                             style=style, layout=layout, continuous_update=False)
        }  # fmt: skip
