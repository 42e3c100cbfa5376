"""threshold_curve classifies the questions once; each row must still be what routing the
questions at that threshold gives."""

from __future__ import annotations

import pytest

from crm_helpers.extensions.service import simulate_questions
from crm_helpers.service_bot import IntentClassifier, route, routing_report, threshold_curve


def test_each_row_is_the_routing_report_at_that_threshold():
    train, test = simulate_questions(300, seed=1), simulate_questions(120, seed=2)
    bot = IntentClassifier().fit(train["question"], train["intent"])
    thresholds = (0.2, 0.5, 0.95)
    curve = threshold_curve(bot, test["question"], test["intent"], thresholds)
    for row in curve.itertuples():
        rep = routing_report(route(bot, test["question"], threshold=row.threshold), test["intent"])
        assert row.handoff_rate == rep["handoff_rate"]
        assert row.wrong_answer_rate == rep["wrong_answer_rate"]
    assert curve["handoff_rate"].is_monotonic_increasing  # a higher bar hands off more


def test_a_threshold_outside_zero_one_is_refused_by_name():
    train = simulate_questions(100, seed=1)
    bot = IntentClassifier().fit(train["question"], train["intent"])
    with pytest.raises(ValueError, match="threshold must be a probability between 0 and 1"):
        threshold_curve(bot, train["question"], train["intent"], (0.5, 1.5))


def test_intents_of_another_length_are_refused_by_name():
    train = simulate_questions(100, seed=1)
    bot = IntentClassifier().fit(train["question"], train["intent"])
    with pytest.raises(ValueError, match=r"true_intents \(99\) and questions \(100\) differ"):
        threshold_curve(bot, train["question"], train["intent"][:-1])
