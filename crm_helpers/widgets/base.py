"""The base of the course's live views (交互视图): controls over a static view that always
exists, so an export, a console or a notebook reopened without a kernel still shows a
table and a chart.

A :class:`LiveView` subclass computes its tables in :meth:`LiveView.update` (the callback
behind the controls; tests call it directly), draws ``self.figure`` and says what it shows
in :meth:`LiveView.title`, :meth:`LiveView.table_html` and :meth:`LiveView.empty_message`.
The base class gives it:

* the **static view** (``_repr_html_``): the title, the formatted table and the chart as an
  embedded PNG, or a clear message when a filter leaves no rows;
* the **live view** (``widget()``): the subclass's controls above an HTML area that
  shows the static view and is redrawn on every change;
* the output bundle: live view plus the static view as the ``text/html`` fallback;
  :func:`crm_helpers.report.strip_widget_views` removes the live view at export.

>>> format_number(1234567.891), format_number(0.28781, percent=True), format_number(3)
('1,234,568', '28.8 %', '3')
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["has_widget_frontend", "format_number", "format_table", "LiveView"]


def has_widget_frontend() -> bool:
    """Whether code runs in an IPython kernel that can talk to widgets (comm support)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def format_number(x: Any, *, percent: bool = False, decimals: int | None = None) -> str:
    """A number for reading: thousands separators, ``percent`` as "28.8 %", "–" if missing.

    ``decimals`` defaults to 0 from 100 up, 2 below (1 for percentages).
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}"
    if not isinstance(x, int | float):
        try:
            x = float(x)
        except (TypeError, ValueError):
            return str(x)
    if percent:
        return f"{x * 100:,.{1 if decimals is None else decimals}f} %"
    if decimals is None:
        decimals = 0 if abs(x) >= 100 or float(x).is_integer() else 2
    return f"{x:,.{decimals}f}"


def format_table(table: pd.DataFrame, percent: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of ``table`` with every numeric column as readable text (see
    :func:`format_number`); columns named in ``percent`` as percentages.

    >>> format_table(pd.DataFrame({"n": [1200, 3], "share": [0.5, 0.125]}), ("share",))
           n    share
    0  1,200  50.0 %
    1      3  12.5 %
    """
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            is_int = pd.api.types.is_integer_dtype(out[col])
            out[col] = [
                format_number(int(v) if is_int else v, percent=col in percent) for v in out[col]
            ]
    return out


class LiveView:
    """Controls, a static view and the plumbing between them (see the module docstring).

    Subclasses set ``self.static`` and call :meth:`update` in ``__init__``, and implement
    :meth:`update`, :meth:`title`, :meth:`table_html`, :meth:`controls` and
    :meth:`on_control`; ``self.figure`` is the current chart.
    """

    static: bool = True
    figure: Figure | None = None
    _widget: Any = None
    dpi: int = 90
    hint: str = ""

    # ------------------------------------------------------------------ subclass hooks
    def title(self) -> str:
        """The current state in words."""
        return type(self).__name__

    def table_html(self) -> str:
        """The current table as HTML."""
        return ""

    def empty_message(self) -> str:
        """A message when the current selection has no rows ("" otherwise)."""
        return ""

    def controls(self) -> Mapping[str, Any]:
        """The control widgets, by name."""
        return {}

    def on_control(self, name: str, value: Any) -> None:
        """A control changed: update the view."""
        self.update(**{name: value})

    def update(self, **changes: Any) -> Any:  # pragma: no cover - overridden
        """Recompute for new settings (and refresh the live output)."""
        raise TypeError(f"{type(self).__name__} must implement update()")

    # ------------------------------------------------------------------ static view
    def _png(self) -> str:
        buf = io.BytesIO()
        assert self.figure is not None
        self.figure.savefig(buf, format="png", dpi=self.dpi)
        return base64.b64encode(buf.getvalue()).decode("ascii")

    def _repr_html_(self) -> str:
        head = f"<p><b>{html.escape(self.title())}</b></p>"
        message = self.empty_message()
        if message:
            note = f"<p class='crm-empty' style='color:#a40'><b>{html.escape(message)}</b></p>"
            return f"<div class='crm-view'>{head}{note}</div>"
        img = f"<img alt='chart' src='data:image/png;base64,{self._png()}'/>"
        return f"<div class='crm-view'>{head}{self.table_html()}{img}</div>"

    def _refresh_output(self) -> None:
        self._widget.children[-1].value = self._repr_html_()

    # ------------------------------------------------------------------ live view
    def arrange(self, controls: Mapping[str, Any]) -> list[Any]:
        """The control widgets laid out (one per row by default)."""
        return list(controls.values())

    def widget(self) -> Any:
        """The live ipywidgets box: controls (and a usage hint) above an HTML area that
        shows the static view, redrawn after every change."""
        import ipywidgets as w

        if self._widget is None:
            controls = dict(self.controls())
            rows = self.arrange(controls)
            if self.hint:
                rows.append(w.HTML(f"<small>{html.escape(self.hint)}</small>"))
            # an HTML widget, not an Output widget: its value is synced like any trait, with
            # no output capture for the kernel's clients (papermill) to follow
            self._widget = w.VBox([*rows, w.HTML(self._repr_html_())])

            def on_change(change: dict[str, Any]) -> None:
                name = next(k for k, c in controls.items() if c is change["owner"])
                self.on_control(name, change["new"])

            for c in controls.values():
                c.observe(on_change, names="value")
        return self._widget

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": repr(self), "text/html": self._repr_html_()}
        if not self.static:
            view = self.widget()._repr_mimebundle_()
            bundle = {**view, "text/plain": repr(self), "text/html": bundle["text/html"]}
        return bundle
