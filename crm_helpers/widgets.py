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
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crm_helpers import segment as sg
from crm_helpers.schema import check_choice, require_columns

__all__ = ["METHODS", "SegmentExplorer", "explorer_summary", "has_widget_frontend"]

#: The explorer's methods and the columns each needs in ``data``.
METHODS: dict[str, tuple[str, ...]] = {
    "rfm": ("customer_id", "recency_days", "frequency", "monetary"),
    "svcd": ("customer_id", "amount", "frequency"),
    "kmeans": (),
}


def has_widget_frontend() -> bool:
    """Whether code runs in an IPython kernel that can talk to widgets (comm support)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


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


def explorer_summary(data: pd.DataFrame, method: str, **params: Any) -> pd.DataFrame:
    """The table behind the explorer: one row per segment with ``customers``,
    ``customer_share``, ``value`` (sales), ``value_share`` (and for k-means the cluster's
    plain-words ``description``).

    ``rfm``: ``data`` from :func:`~crm_helpers.segment.rfm_values`; params
    ``recency_days``, ``frequency``, ``monetary`` (the 2 × 2 × 2 cube,
    :func:`~crm_helpers.segment.rfm_cube`). ``svcd``: ``data`` from
    :func:`~crm_helpers.segment.svcd_classes`; params ``amount_threshold``,
    ``frequency_threshold``. ``kmeans``: ``data`` is a numeric feature table (index
    customer_id); param ``k``; the value is the number of customers.

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
        value = classes["amount"] * classes["frequency"]
        return sg.segment_summary(classes.assign(value=value), "svcd", "value").rename(
            columns={"svcd": "segment"}
        )
    model = sg.CustomerClusters(int(params["k"]), random_state=0, n_init=4).fit(data)
    prof = model.profiles_
    out = pd.DataFrame(
        {
            "segment": prof["cluster"].astype(str),
            "customers": prof["customers"],
            "customer_share": prof["share"],
            "value": prof["customers"].astype(float),
            "value_share": prof["share"],
            "description": prof["description"],
        }
    )
    return out


class SegmentExplorer:
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

    def __init__(
        self, data: pd.DataFrame, method: str = "rfm", *, static: bool | None = None, **params: Any
    ) -> None:
        check_choice("method", method, list(METHODS))
        require_columns(data, METHODS[method], f"{method} explorer")
        self.data = data
        self.method = method
        self.static = (not has_widget_frontend()) if static is None else bool(static)
        self.params = {**_default_params(data, method), **params}
        self._widget: Any = None
        self.update(**self.params)

    # ---------------------------------------------------------------- the callback
    def update(self, **params: Any) -> pd.DataFrame:
        """Recompute the summary for new thresholds, redraw the chart and (if live) the
        output area; returns the summary table."""
        self.params = {**self.params, **params}
        self.summary = explorer_summary(self.data, self.method, **self.params)
        self.figure = self._draw()
        if self._widget is not None:
            self._refresh_output()
        return self.summary

    def _draw(self) -> Figure:
        import seaborn as sns

        from crm_helpers.plots_segment import plot_segment_shares

        fig = Figure(figsize=(8, 3.6))
        ax = fig.add_subplot()
        if self.method == "kmeans":
            sns.barplot(data=self.summary, x="segment", y="customer_share", ax=ax)
            ax.set_xlabel("cluster 簇")
            ax.set_ylabel("share of customers 客户占比")
        else:
            label = "sales 销售额" if self.method == "rfm" else "monthly value 月度金额"
            plot_segment_shares(self.summary, value_label=label, ax=ax)
        ax.set_title(self.title())
        fig.tight_layout()
        return fig

    def title(self) -> str:
        """The current thresholds in words."""
        p = self.params
        if self.method == "rfm":
            return (
                f"RFM: recent ≤ {p['recency_days']:.0f} days, frequent ≥ {p['frequency']:.0f} "
                f"purchases, big ≥ {p['monetary']:,.0f}"
            )
        if self.method == "svcd":
            return (
                f"SVCD: amount ≥ {p['amount_threshold']:,.0f}, frequency ≥ "
                f"{p['frequency_threshold']:.2f} per month"
            )
        return f"k-means with k = {int(p['k'])}"

    # ---------------------------------------------------------------- static view
    def _png(self) -> str:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=90)
        return base64.b64encode(buf.getvalue()).decode("ascii")

    def _repr_html_(self) -> str:
        table = self.summary.copy()
        for col in ("customer_share", "value_share"):
            table[col] = (table[col] * 100).round(1).astype(str) + " %"
        table["value"] = table["value"].round(0)
        if "value_per_customer" in table:
            table["value_per_customer"] = table["value_per_customer"].round(1)
        return (
            f"<div><b>{html.escape(self.title())}</b>{table.to_html(index=False)}"
            f"<img src='data:image/png;base64,{self._png()}'/></div>"
        )

    def __repr__(self) -> str:
        return f"{self.title()}\n{self.summary.to_string(index=False)}"

    # ---------------------------------------------------------------- live widget
    def _sliders(self) -> dict[str, Any]:
        import ipywidgets as w

        d, p = self.data, self.params
        style = {"description_width": "initial"}
        layout = w.Layout(width="460px")

        def fslider(name: str, desc: str, col: pd.Series, value: float, step: float | None = None):
            hi = float(np.nanpercentile(col, 99)) if len(col) else 1.0
            hi = max(hi, value, 1e-9)
            return w.FloatSlider(
                value=value, min=0.0, max=hi, step=step or hi / 200, description=desc,
                style=style, layout=layout, continuous_update=False, readout_format=".2f",
            )  # fmt: skip

        if self.method == "rfm":
            return {
                "recency_days": fslider("recency_days", "recent: ≤ days 最近购买", d["recency_days"], p["recency_days"], 1.0),
                "frequency": fslider("frequency", "frequent: ≥ purchases 频率", d["frequency"], p["frequency"], 1.0),
                "monetary": fslider("monetary", "big: ≥ sales 金额", d["monetary"], p["monetary"]),
            }  # fmt: skip
        if self.method == "svcd":
            return {
                "amount_threshold": fslider("amount_threshold", "amount ≥ 金额", d["amount"], p["amount_threshold"]),
                "frequency_threshold": fslider("frequency_threshold", "per month ≥ 频率", d["frequency"], p["frequency_threshold"]),
            }  # fmt: skip
        hi = max(2, min(10, len(d)))
        return {
            "k": w.IntSlider(value=int(p["k"]), min=2, max=hi, description="k 聚类数",
                             style=style, layout=layout, continuous_update=False)
        }  # fmt: skip

    def _refresh_output(self) -> None:
        from IPython.display import HTML, display

        out = self._widget.children[-1]
        out.clear_output(wait=True)
        with out:
            display(HTML(self._repr_html_()))

    def widget(self) -> Any:
        """The live ipywidgets box (sliders above an output area)."""
        import ipywidgets as w

        if self._widget is None:
            sliders = self._sliders()
            output = w.Output()
            self._widget = w.VBox([*sliders.values(), output])

            def on_change(change: dict[str, Any]) -> None:
                name = next(k for k, s in sliders.items() if s is change["owner"])
                self.update(**{name: change["new"]})

            for s in sliders.values():
                s.observe(on_change, names="value")
            self._refresh_output()
        return self._widget

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": repr(self), "text/html": self._repr_html_()}
        if not self.static:
            view = self.widget()._repr_mimebundle_()
            bundle = {**view, "text/plain": repr(self), "text/html": bundle["text/html"]}
        return bundle
