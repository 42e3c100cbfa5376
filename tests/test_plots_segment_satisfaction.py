"""The chapter 04 and 05 figures draw what they are given (Agg backend, no display)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from crm_helpers import plots_satisfaction as sp  # noqa: E402
from crm_helpers import plots_segment as ps  # noqa: E402
from crm_helpers import segment as sg  # noqa: E402


def test_pyramid_beside_the_document():
    tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
                       "timestamp": pd.to_datetime(["2024-01-01"] * 20),
                       "amount": [float(a) for a in range(1, 21)], "quantity": 1,
                       "unit_cost": 0.5})  # fmt: skip
    summary = sg.pyramid_summary(sg.profit_pyramid(tx))
    ax = ps.plot_pyramid_vs_document(summary)
    # three bars per zone: data revenue, data profit, document revenue
    assert len(ax.patches) >= 3 * 5
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["最赚钱区", "次赚钱区", "微赚钱区", "不赚钱区", "赔钱区"]
    plt.close("all")


def test_differentiation_plot_marks_the_thresholds():
    m = pd.DataFrame({"segment": ["a", "b"], "value_cv": [0.5, 1.5],
                      "needs_diversity": [0.2, 0.7],
                      "quadrant": pd.Categorical(["mass", "one-to-one"],
                                                 categories=list(sg.QUADRANT_STRATEGIES))})  # fmt: skip
    m.attrs.update(value_threshold=1.0, needs_threshold=0.5)
    ax = ps.plot_differentiation(m, label="segment")
    assert any(list(line.get_ydata()) == [1.0, 1.0] for line in ax.get_lines())
    assert any(list(line.get_xdata()) == [0.5, 0.5] for line in ax.get_lines())
    assert {t.get_text() for t in ax.texts} >= {"a", "b", "mass 大众"}
    plt.close("all")


def test_rater_leniency_plot_with_truth():
    ag = pd.DataFrame({"rater_id": ["M1", "M2"], "leniency": [0.5, -0.2], "se": [0.1, 0.1]})
    ax = sp.plot_rater_leniency(ag, pd.Series({"M1": 0.6, "M2": -0.1}), pd.Series({"M1": "S1"}))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["M2", "S1"]
    plt.close("all")
