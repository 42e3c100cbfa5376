"""A sales dashboard (销售仪表盘) of linked charts: one set of filters drives them all.

Filters — period, country, region, channel, customer segment, category — cut the transaction table
once, and four views are computed from the same cut: sales over time, the category mix,
the top products and the customers per segment. Change a filter and every chart follows
(联动图表, linked charts)::

    table = crm.dashboard.dashboard_table(tx, products=shop.products,
                                          customers=shop.customers, segments=labels)
    crm.dashboard.Dashboard(table)          # widgets in JupyterLab, a static summary elsewhere

Without a widget front end (papermill, nbconvert, PDF) the dashboard shows a static
summary: the KPI table and the figure for the current filters (a message if no rows pass
them). The same numbers are available as plain tables from :func:`dashboard_summary`, and
the figure from :func:`plot_dashboard`. In JupyterLab the list filters are multi-select
boxes: click one value, Ctrl-click (⌘-click on a Mac) or Shift-click to choose several;
choose none for "all" (按住 Ctrl/⌘ 多选，不选即全部).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crm_helpers.schema import PERIODS, check_choice, require_columns
from crm_helpers.timeframe import period_start
from crm_helpers.widgets.base import LiveView, format_table, has_widget_frontend

__all__ = [
    "FILTERS",
    "dashboard_table",
    "apply_filters",
    "dashboard_summary",
    "plot_dashboard",
    "Dashboard",
]

#: The filters the dashboard understands; all but ``period`` take a list of allowed values.
FILTERS: tuple[str, ...] = ("period", "country", "region", "channel", "segment", "category")


def dashboard_table(
    tx: pd.DataFrame,
    *,
    products: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The transaction table with what the filters need joined on: ``category`` and
    ``product`` (name) from ``products``, ``region`` from ``customers``, ``segment`` from
    ``segments`` (``customer_id``, ``segment``). Tables not given are skipped. Without
    ``products``, a ``description`` column (UCI Online Retail) names the products, so
    charts show names rather than SKU codes; ``country`` is kept as a filter.

    >>> tx = pd.DataFrame({"customer_id": [1, 2], "receipt_id": [1, 2], "sku": ["a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-02-01"]), "amount": [5.0, 7.0]})
    >>> products = pd.DataFrame({"sku": ["a", "b"], "category": ["food", "home"]})
    >>> dashboard_table(tx, products=products)["category"].tolist()
    ['food', 'home']
    """
    require_columns(tx, ["customer_id", "receipt_id", "sku", "timestamp", "amount"], "transactions")
    out = tx.copy()
    if products is not None:
        require_columns(products, ["sku", "category"], "products")
        names = [c for c in ("name_zh", "name_en", "name") if c in products]
        p = products[["sku", "category", *names[:1]]]
        if names:
            p = p.rename(columns={names[0]: "product"})
        p = p.assign(sku=p["sku"].astype(str))
        out = out.assign(sku=out["sku"].astype(str)).merge(p, on="sku", how="left")
    elif "description" in out and "product" not in out:
        out = out.assign(sku=out["sku"].astype(str))
        named = out.dropna(subset=["description"]).drop_duplicates("sku")
        names = named.set_index("sku")["description"].astype(str).str.strip()
        out["product"] = out["sku"].map(names)
    if customers is not None:
        require_columns(customers, ["customer_id", "region"], "customers")
        out = out.merge(customers[["customer_id", "region"]], on="customer_id", how="left")
    if segments is not None:
        require_columns(segments, ["customer_id", "segment"], "segments")
        out = out.merge(segments[["customer_id", "segment"]], on="customer_id", how="left")
    return out


def apply_filters(table: pd.DataFrame, filters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The rows of ``table`` that pass every filter.

    ``period``: ``(start, end)``, both included (either may be ``None``); the others: a
    list of allowed values (``None`` or empty: no filter).

    >>> t = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-05", "2024-02-01"]),
    ...                   "channel": ["store", "app"]})
    >>> len(apply_filters(t, {"channel": ["app"]})), len(apply_filters(t, {"period": (None, "2024-01-31")}))
    (1, 1)
    """
    filters = dict(filters or {})
    keep = pd.Series(True, index=table.index)
    for name, value in filters.items():
        check_choice("filter", name, FILTERS)
        if value is None or (not isinstance(value, str) and len(value) == 0):
            continue
        if name == "period":
            require_columns(table, ["timestamp"], "dashboard")
            start, end = value
            if start is not None:
                keep &= table["timestamp"] >= pd.Timestamp(start)
            if end is not None:
                end = pd.Timestamp(end)
                if end == end.normalize():
                    end = end + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
                keep &= table["timestamp"] <= end
            continue
        require_columns(table, [name], "dashboard")
        allowed = [value] if isinstance(value, str) else list(value)
        keep &= table[name].astype(str).isin([str(v) for v in allowed])
    return table.loc[keep]


def dashboard_summary(
    table: pd.DataFrame,
    filters: Mapping[str, Any] | None = None,
    *,
    period: str = "month",
    top_n: int = 10,
) -> dict[str, pd.DataFrame]:
    """The tables behind the dashboard, for the rows that pass ``filters``.

    Returns
    -------
    dict of DataFrames
        ``kpis`` (one row: sales, receipts, customers, avg_basket, lines);
        ``sales_over_time`` (period, sales, receipts); ``category_mix`` (category, sales,
        share; by sku if there is no category); ``top_products`` (sku [, product], sales,
        quantity); ``segment_counts`` (segment, customers, sales; empty without a
        ``segment`` column).

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 1, 2],
    ...     "sku": ["a", "b", "a"], "timestamp": pd.to_datetime(["2024-01-05"] * 2 + ["2024-02-01"]),
    ...     "amount": [5.0, 3.0, 7.0], "channel": ["store", "store", "app"]})
    >>> s = dashboard_summary(t, {"channel": ["store"]})
    >>> s["kpis"][["sales", "receipts", "avg_basket"]]
       sales  receipts  avg_basket
    0    8.0         1         8.0
    """
    check_choice("period", period, list(PERIODS))
    if not isinstance(top_n, int | np.integer) or top_n < 1:
        raise ValueError(f"top_n must be a positive integer; got {top_n!r}.")
    require_columns(table, ["customer_id", "receipt_id", "sku", "timestamp", "amount"], "dashboard")
    cut = apply_filters(table, filters)
    return {
        "kpis": _kpis(cut),
        "sales_over_time": _sales_over_time(cut, period),
        "category_mix": _category_mix(cut),
        "top_products": _top_products(cut, top_n),
        "segment_counts": _segment_counts(cut),
    }


def _kpis(cut: pd.DataFrame) -> pd.DataFrame:
    sales = float(cut["amount"].sum())
    receipts = int(cut["receipt_id"].nunique())
    return pd.DataFrame(
        {
            "sales": [sales],
            "receipts": [receipts],
            "customers": [int(cut["customer_id"].nunique())],
            "avg_basket": [sales / receipts if receipts else np.nan],
            "lines": [len(cut)],
        }
    )


def _sales_over_time(cut: pd.DataFrame, period: str) -> pd.DataFrame:
    return (
        cut.assign(period=period_start(cut["timestamp"], period))
        .groupby("period")
        .agg(sales=("amount", "sum"), receipts=("receipt_id", "nunique"))
        .reset_index()
    )


def _category_mix(cut: pd.DataFrame) -> pd.DataFrame:
    sales = float(cut["amount"].sum())
    by = "category" if "category" in cut else "sku"
    mix = cut.groupby(by, observed=True)["amount"].sum().sort_values(ascending=False)
    return pd.DataFrame(
        {
            by: mix.index.astype(str),
            "sales": mix.to_numpy(),
            "share": (mix / sales).to_numpy() if sales else 0.0,
        }
    )


def _top_products(cut: pd.DataFrame, top_n: int) -> pd.DataFrame:
    keys = ["sku"] + (["product"] if "product" in cut else [])
    qty = "quantity" if "quantity" in cut else "amount"
    return (
        cut.assign(sku=cut["sku"].astype(str))
        .groupby(keys, observed=True, dropna=False)
        .agg(sales=("amount", "sum"), quantity=(qty, "sum" if qty == "quantity" else "size"))
        .reset_index()
        .sort_values(["sales", "sku"], ascending=[False, True])
        .head(top_n)
        .reset_index(drop=True)
    )


def _segment_counts(cut: pd.DataFrame) -> pd.DataFrame:
    if "segment" not in cut:
        return pd.DataFrame({"segment": [], "customers": [], "sales": []})
    return (
        cut.groupby("segment", observed=True)
        .agg(customers=("customer_id", "nunique"), sales=("amount", "sum"))
        .reset_index()
        .assign(segment=lambda d: d["segment"].astype(str))
    )


def plot_dashboard(summary: Mapping[str, pd.DataFrame], *, title: str = "") -> Figure:
    """A static 2 × 2 figure of a :func:`dashboard_summary` (sales over time, category mix,
    top products, customers per segment); returns the figure, no ``plt.show()``.

    >>> t = pd.DataFrame({"customer_id": [1], "receipt_id": [1], "sku": ["a"],
    ...     "timestamp": pd.to_datetime(["2024-01-05"]), "amount": [5.0]})
    >>> len(plot_dashboard(dashboard_summary(t)).axes)
    4
    """
    from matplotlib.dates import DateFormatter
    from matplotlib.ticker import FuncFormatter

    from crm_helpers.plots import bars

    fig = Figure(figsize=(12, 7.5))
    axes = fig.subplots(2, 2)
    thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")
    over = summary["sales_over_time"]
    ax = axes[0, 0]
    if len(over):
        ax.plot(over["period"], over["sales"], marker="o")
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m"))
        ax.yaxis.set_major_formatter(thousands)
        ax.tick_params(axis="x", rotation=30)
    ax.set(title="Sales over time 销售趋势", xlabel="", ylabel="sales 销售额")
    mix = summary["category_mix"].head(10)
    bars(axes[0, 1], mix.iloc[:, 0], {"share": mix["share"]}, horizontal=True, colors=["C1"])
    axes[0, 1].set(title="Category mix 品类结构", xlabel="share of sales 销售占比", ylabel="")
    top = summary["top_products"]
    label = top["product"].fillna(top["sku"]) if "product" in top else top["sku"]
    bars(axes[1, 0], label.astype(str).str.slice(0, 32), {"sales": top["sales"]},
         horizontal=True, colors=["C2"])  # fmt: skip
    if len(top):
        axes[1, 0].xaxis.set_major_formatter(thousands)
    axes[1, 0].set(title="Top products 畅销商品", xlabel="sales 销售额", ylabel="")
    seg = summary["segment_counts"]
    bars(axes[1, 1], seg["segment"], {"customers": seg["customers"]}, colors=["C3"])
    axes[1, 1].set(title="Customers per segment 各细分客户数", xlabel="", ylabel="customers 客户数")
    for ax in axes.flat:
        if not ax.has_data():
            ax.text(0.5, 0.5, "no rows 无数据", ha="center", va="center", transform=ax.transAxes)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _describe(filters: Mapping[str, Any]) -> str:
    parts = []
    for name, value in filters.items():
        if value is None or (not isinstance(value, str) and len(value) == 0):
            continue
        if name == "period":
            start, end = (pd.Timestamp(v).date() if v is not None else "…" for v in value)
            parts.append(f"period {start} – {end}")
        else:
            shown = [value] if isinstance(value, str) else list(value)
            parts.append(f"{name}: {', '.join(map(str, shown))}")
    return "; ".join(parts) or "all data (no filter)"


class Dashboard(LiveView):
    """Linked filters (period, country, region, channel, segment, category) over four
    charts.

    Parameters
    ----------
    table:
        From :func:`dashboard_table` (filters need their columns; absent ones are not
        offered).
    static:
        ``True``: only the static summary; ``False``: live widgets (with the static summary
        as a fallback); ``None``: live if an IPython kernel is running.
    period, top_n:
        As in :func:`dashboard_summary`.
    **filters:
        Starting filters.

    >>> t = pd.DataFrame({"customer_id": [1, 2], "receipt_id": [1, 2], "sku": ["a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-02-01"]), "amount": [5.0, 7.0],
    ...     "channel": ["store", "app"]})
    >>> d = Dashboard(t, static=True)
    >>> float(d.update(channel=["app"])["kpis"]["sales"].iloc[0])
    7.0
    >>> "<table" in d._repr_html_()
    True
    >>> d.update(channel=["mail"]) and d.empty_message()
    'No rows match these filters 没有符合筛选条件的数据: channel: mail.'
    """

    dpi = 80
    hint = (
        "Lists: click a value; Ctrl-click (⌘-click on a Mac) or Shift-click to choose several; "
        "none chosen = all. 按住 Ctrl/⌘ 多选，不选即全部。Period: drag either end of the slider."
    )

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        static: bool | None = None,
        period: str = "month",
        top_n: int = 10,
        **filters: Any,
    ) -> None:
        for name in filters:
            check_choice("filter", name, FILTERS)
        require_columns(
            table, ["customer_id", "receipt_id", "sku", "timestamp", "amount"], "dashboard"
        )
        self.table = table
        self.period = period
        self.top_n = top_n
        self.static = (not has_widget_frontend()) if static is None else bool(static)
        self.filters: dict[str, Any] = dict(filters)
        self._widget = None
        self.update()

    def available_filters(self) -> list[str]:
        """The filters this table supports (``period`` always)."""
        return ["period"] + [f for f in FILTERS[1:] if f in self.table]

    def update(self, **filters: Any) -> dict[str, pd.DataFrame]:
        """The callback behind the widgets: apply new filters, recompute every view and
        redraw; returns the summary tables."""
        for name in filters:
            check_choice("filter", name, FILTERS)
        self.filters = {**self.filters, **filters}
        self.summary = dashboard_summary(
            self.table, self.filters, period=self.period, top_n=self.top_n
        )
        self.figure = plot_dashboard(self.summary, title=self.title())
        if self._widget is not None:
            self._refresh_output()
        return self.summary

    def title(self) -> str:
        """The current filters in words."""
        return _describe(self.filters)

    def empty_message(self) -> str:
        """What to say when no rows pass the filters ("" otherwise)."""
        if int(self.summary["kpis"]["lines"].iloc[0]) > 0:
            return ""
        return f"No rows match these filters 没有符合筛选条件的数据: {self.title()}."

    # ---------------------------------------------------------------- static view
    def table_html(self) -> str:
        """The KPIs with readable numbers."""
        kpis = self.summary["kpis"].rename(
            columns={
                "sales": "sales 销售额", "receipts": "receipts 小票数",
                "customers": "customers 客户数", "avg_basket": "avg basket 客单价",
                "lines": "lines 行数",
            }
        )  # fmt: skip
        return format_table(kpis).to_html(index=False)

    def __repr__(self) -> str:
        return f"Dashboard: {self.title()}\n{self.summary['kpis'].to_string(index=False)}"

    # ---------------------------------------------------------------- live widgets
    def controls(self) -> dict[str, Any]:
        """The filter widgets, by filter name: a period range slider (months, labelled
        "2024-01") and a multi-select list per other filter."""
        import ipywidgets as w

        months = sorted(self.table["timestamp"].dt.to_period("M").unique())
        options = [(m.strftime("%Y-%m"), m) for m in months] or [("—", None)]
        controls: dict[str, Any] = {
            "period": w.SelectionRangeSlider(
                options=options,
                index=(0, len(options) - 1),
                description="period 时间",
                continuous_update=False,
                layout=w.Layout(width="600px"),
            )
        }
        for name in self.available_filters()[1:]:
            values = sorted(self.table[name].dropna().astype(str).unique())
            chosen = self.filters.get(name) or []
            controls[name] = w.SelectMultiple(
                options=values, value=[str(v) for v in chosen if str(v) in values],
                description=name, rows=min(6, max(2, len(values))),
                layout=w.Layout(width="auto"),
            )  # fmt: skip
        return controls

    def arrange(self, controls: Mapping[str, Any]) -> list[Any]:
        """The list filters side by side, the period slider below them."""
        import ipywidgets as w

        lists = [c for name, c in controls.items() if name != "period"]
        return [w.HBox(lists, layout=w.Layout(flex_flow="row wrap")), controls["period"]]

    def on_control(self, name: str, value: Any) -> None:
        """A filter changed: months from the period slider become a date range."""
        if name == "period":
            lo, hi = value
            value = (None if lo is None else lo.start_time, None if hi is None else hi.end_time)
        self.update(**{name: value})
