"""The plan report's week indicators carry fixed date ticks: at most eight, on the first
day of a month, quarter, half-year or year, within the data, and the same on every panel."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.dates import num2date  # noqa: E402

from crm_helpers.plots_plan import plot_indicator_panels  # noqa: E402


@pytest.mark.parametrize(("weeks", "step_months"), [(20, 1), (60, 3), (157, 6), (600, 12)])
def test_week_panels_tick_at_period_starts(weeks, step_months):
    periods = pd.date_range("2022-12-26", periods=weeks, freq="W-MON")
    table = pd.DataFrame({"period": periods, "total_sales": range(weeks), "visits": 1})
    fig = plot_indicator_panels(table, {"total_sales": "sales", "visits": "visits"})
    ticks = [num2date(t).replace(tzinfo=None) for t in fig.axes[0].get_xticks()]
    assert 2 <= len(ticks) <= 8
    assert all(t.day == 1 and periods[0] <= t <= periods[-1] for t in ticks)
    gaps = {
        (b.year - a.year) * 12 + b.month - a.month
        for a, b in zip(ticks[:-1], ticks[1:], strict=True)
    }
    assert min(gaps) >= step_months and all(g % step_months == 0 for g in gaps)
    assert list(fig.axes[1].get_xticks()) == list(fig.axes[0].get_xticks())  # shared
    plt.close(fig)
