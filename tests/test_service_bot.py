"""The intent classifier, its routing and report, and the simulated questions."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers import service_bot as sb
from crm_helpers._catalogue import SERVICE_INTENTS
from crm_helpers.extensions.service import TEMPLATES, simulate_questions


@pytest.fixture(scope="module")
def bot():
    q = simulate_questions(500, seed=1, phrasings="even")
    return sb.IntentClassifier().fit(q["question"], q["intent"])


def test_simulated_questions_carry_their_intents_and_languages():
    q = simulate_questions(400, seed=3, share_english=0.5, ambiguous=0.0)
    assert set(q["intent"]) == {i for i, _, _ in SERVICE_INTENTS}
    assert q["language"].value_counts(normalize=True)["en"] == pytest.approx(0.5, abs=0.08)
    zh = q[q["language"] == "zh"]
    assert zh["question"].str.contains(r"[\u4e00-\u9fff]").all()
    # every question contains one of its own intent's templates
    for row in q.head(50).itertuples():
        assert any(t in row.question for t in sum(TEMPLATES[row.intent], []))
    odd = simulate_questions(200, seed=3, phrasings="odd", ambiguous=0.0)
    evens = {t for zh_, en in TEMPLATES.values() for t in zh_[::2] + en[::2]}
    assert not any(any(q_.endswith(t) for t in evens) for q_ in odd["question"])
    with pytest.raises(ValueError, match="phrasings must be one of"):
        simulate_questions(5, phrasings="some")


def test_seen_wordings_are_learnt_and_beat_the_majority_baseline(bot):
    test = simulate_questions(300, seed=9, phrasings="even", ambiguous=0.0)
    rep = sb.routing_report(sb.route(bot, test["question"], threshold=0.0), test["intent"])
    assert rep["accuracy"] > rep["majority_accuracy"] + 0.5
    assert rep["per_intent"]["support"].sum() == len(test)


def test_complaints_always_go_to_a_person_and_threshold_one_hands_everything_off(bot):
    qs = ["我要投诉", "i want to complain", "我的积分还有多少"]
    routed = sb.route(bot, qs, threshold=0.0)
    assert routed.loc[routed["predicted"] == "complaint", "route"].eq("person").all()
    assert routed["route"].tolist()[2] == "answer"
    assert routed["reply"].iloc[2] == sb.ANSWERS["points_balance"]
    assert sb.route(bot, qs, threshold=1.0)["route"].eq("person").all()


def test_report_counted_by_hand():
    routed = pd.DataFrame({"predicted": ["a", "b", "b", "a", "c"],
                           "route": ["answer", "answer", "person", "answer", "person"]})  # fmt: skip
    rep = sb.routing_report(routed, ["a", "a", "b", "b", "c"])
    # a: predicted a twice, right once → precision 1/2; true a twice, found once → recall 1/2
    assert rep["per_intent"].loc["a", ["precision", "recall"]].tolist() == [0.5, 0.5]
    assert rep["per_intent"].loc["c", ["precision", "recall"]].tolist() == [1.0, 1.0]
    assert rep["handoff_rate"] == pytest.approx(2 / 5)
    # answered: rows 0 (a=a), 1 (b≠a), 3 (a≠b) → two wrong answers of five questions
    assert rep["wrong_answer_rate"] == pytest.approx(2 / 5)
    assert rep["majority_accuracy"] == pytest.approx(2 / 5)


def test_threshold_curve_hands_off_more_as_the_threshold_rises(bot):
    test = simulate_questions(150, seed=4, phrasings="odd")
    curve = sb.threshold_curve(bot, test["question"], test["intent"], thresholds=(0.2, 0.5, 0.9))
    assert curve["handoff_rate"].is_monotonic_increasing
    assert curve["wrong_answer_rate"].is_monotonic_decreasing


def test_bad_input_is_named(bot):
    with pytest.raises(ValueError, match="not fitted"):
        sb.IntentClassifier().predict_proba(["x"])
    with pytest.raises(ValueError, match="empty or non-text entries at positions \\[1\\]"):
        sb.route(bot, ["ok", ""])
    with pytest.raises(TypeError, match="not one string"):
        sb.route(bot, "hello")
    with pytest.raises(ValueError, match="threshold must be a probability"):
        sb.route(bot, ["x"], threshold=2)
    with pytest.raises(ValueError, match="at least two different intents"):
        sb.IntentClassifier().fit(["a", "b"], ["x", "x"])
