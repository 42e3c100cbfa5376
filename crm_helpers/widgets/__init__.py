"""Live views for the notebooks (交互视图): controls in JupyterLab, a static table and
chart everywhere else.

* :mod:`~crm_helpers.widgets.base` — :class:`LiveView`, the shared live-view/static-fallback
  plumbing, and number formatting;
* :mod:`~crm_helpers.widgets.explorer` — the segment explorer (chapter 05);
* :mod:`~crm_helpers.widgets.dashboard` — the sales dashboard of linked charts (chapter 07;
  also importable as ``crm_helpers.dashboard``).

>>> from crm_helpers.widgets import SegmentExplorer, LiveView
>>> issubclass(SegmentExplorer, LiveView)
True
"""

from __future__ import annotations

from .base import LiveView, format_number, format_table, has_widget_frontend
from .explorer import METHODS, SegmentExplorer, explorer_summary

__all__ = [
    "LiveView",
    "format_number",
    "format_table",
    "has_widget_frontend",
    "METHODS",
    "SegmentExplorer",
    "explorer_summary",
]
