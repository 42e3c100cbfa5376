"""The sales dashboard (销售仪表盘), kept importable as ``crm_helpers.dashboard``: it lives
in :mod:`crm_helpers.widgets.dashboard`, beside the segment explorer, on the shared
live-view base.

>>> from crm_helpers.dashboard import Dashboard
>>> Dashboard.__module__
'crm_helpers.widgets.dashboard'
"""

from __future__ import annotations

from crm_helpers.widgets.dashboard import (
    FILTERS,
    Dashboard,
    apply_filters,
    dashboard_summary,
    dashboard_table,
    plot_dashboard,
)

__all__ = [
    "FILTERS",
    "dashboard_table",
    "apply_filters",
    "dashboard_summary",
    "plot_dashboard",
    "Dashboard",
]
