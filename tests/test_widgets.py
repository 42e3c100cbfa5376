"""The segment explorer: its callback, called directly (no browser), the live widget's
sliders, and the static fallback."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import segment as sg
from crm_helpers.widgets import SegmentExplorer, explorer_summary, has_widget_frontend

matplotlib.use("Agg")

RFM = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4],
        "recency_days": [3, 10, 200, 400],
        "frequency": [12, 1, 6, 1],
        "monetary": [1200.0, 30.0, 600.0, 15.0],
    }
)


@pytest.fixture(autouse=True, scope="module")
def _fonts():
    crm.setup_plotting()


def _sizes(summary: pd.DataFrame) -> dict[str, int]:
    return {k: v for k, v in zip(summary["segment"], summary["customers"], strict=True) if v}


def test_rfm_callback_moves_customers_between_segments():
    ex = SegmentExplorer(RFM, "rfm", static=True, recency_days=30, frequency=5, monetary=500)
    # 1: recent, frequent, big; 2: recent only; 3: frequent and big, not recent; 4: none
    assert _sizes(ex.summary) == {"champions": 1, "new": 1, "can't lose": 1, "lost": 1}
    got = ex.update(recency_days=365)  # now 3 is recent too
    assert _sizes(got) == {"champions": 2, "new": 1, "lost": 1}
    assert ex.params["recency_days"] == 365 and ex.params["frequency"] == 5
    assert got["customer_share"].sum() == pytest.approx(1)
    assert "365 days" in ex.title()


def test_svcd_callback_reclassifies():
    table = pd.DataFrame(
        {"customer_id": [1, 2, 3, 4], "amount": [400.0, 400, 20, 20], "frequency": [2, 0.1, 2, 0.1]}
    )
    ex = SegmentExplorer(table, "svcd", static=True, amount_threshold=100, frequency_threshold=1)
    assert _sizes(ex.summary) == {"Star": 1, "Volcano": 1, "Cow": 1, "Dog": 1}
    assert _sizes(ex.update(amount_threshold=10)) == {"Star": 2, "Volcano": 2}
    with pytest.raises(ValueError, match="amount_threshold must be ≥ 0"):
        ex.update(amount_threshold=-5)


def test_kmeans_callback_changes_k():
    rng = np.random.default_rng(0)
    feats = pd.DataFrame({"a": np.r_[rng.normal(0, 0.1, 20), rng.normal(5, 0.1, 20)]})
    ex = SegmentExplorer(feats, "kmeans", static=True, k=2)
    assert ex.summary["customers"].tolist() == [20, 20]
    assert len(ex.update(k=3)) == 3
    with pytest.raises(ValueError, match="larger than the number of customers"):
        ex.update(k=41)


def test_static_summary_has_table_and_chart():
    ex = SegmentExplorer(RFM, "rfm", static=True)
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert "<table" in bundle["text/html"] and "data:image/png;base64" in bundle["text/html"]
    assert "RFM:" in bundle["text/plain"]


def test_live_widget_sliders_call_the_callback():
    ex = SegmentExplorer(RFM, "rfm", static=False, recency_days=30, frequency=5, monetary=500)
    box = ex.widget()
    sliders = box.children[:-2]  # sliders, then a usage hint and the output area
    assert [s.description.split(":")[0] for s in sliders] == ["recent", "frequent", "big"]
    sliders[0].value = 365  # as if the student moved the slider
    assert ex.params["recency_days"] == 365
    assert _sizes(ex.summary)["champions"] == 2
    bundle = ex._repr_mimebundle_()
    # the widget for live front ends, the static HTML for papermill / nbconvert / PDF
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<table" in bundle["text/html"]


def test_defaults_are_the_medians_and_no_frontend_means_static():
    ex = SegmentExplorer(RFM, "rfm")
    assert ex.params["recency_days"] == RFM["recency_days"].median()
    assert ex.static is (not has_widget_frontend())
    assert has_widget_frontend() is False  # pytest runs without a kernel


def test_explorer_on_the_simulated_retailer():
    tx = crm.simulate_retailer(300, seed=4).transactions()
    values = sg.rfm_values(tx)
    summary = explorer_summary(values, "rfm")
    assert summary["customers"].sum() == len(values)
    svcd = sg.svcd_classes(tx)
    assert explorer_summary(svcd, "svcd")["customers"].sum() == len(svcd)


def test_bad_method_and_missing_columns():
    with pytest.raises(ValueError, match="method must be one of 'rfm', 'svcd', 'kmeans'"):
        SegmentExplorer(RFM, "abc")
    with pytest.raises(crm.DataValidationError, match="has no column 'amount'"):
        SegmentExplorer(RFM, "svcd")


def test_kmeans_value_is_sales_not_a_count():
    rng = np.random.default_rng(1)
    feats = pd.DataFrame(
        {"a": np.r_[rng.normal(0, 0.1, 20), rng.normal(5, 0.1, 20)]}, index=range(100, 140)
    )
    sales = pd.Series(np.r_[np.full(20, 10.0), np.full(20, 1.0)], index=feats.index)
    ex = SegmentExplorer(feats, "kmeans", static=True, k=2, value=sales)
    # two clusters of 20: one spends 20 x 10 = 200, the other 20 x 1 = 20 (hand computation)
    assert sorted(ex.summary["value"].tolist()) == [20.0, 200.0]
    assert sorted(ex.summary["value_share"].round(4).tolist()) == [
        round(20 / 220, 4),
        round(200 / 220, 4),
    ]
    assert ex.summary["customers"].tolist() == [20, 20]  # equal counts, different values
    plain = SegmentExplorer(feats, "kmeans", static=True, k=2)
    assert "value" not in plain.summary  # no sales given: no value column pretending to be one
    with pytest.raises(ValueError, match="shares no customer_id"):
        SegmentExplorer(feats, "kmeans", static=True, k=2, value=pd.Series([1.0], index=[9]))


def test_static_view_formats_numbers():
    ex = SegmentExplorer(RFM, "rfm", static=True, recency_days=30, frequency=5, monetary=500)
    html = ex._repr_html_()
    assert " %</td>" in html  # shares as percentages
    assert not re.search(r"<td>\d+\.\d{4,}</td>", html)  # no long raw floats
