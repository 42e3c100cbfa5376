"""Intelligent customer service (智能客服): an intent classifier that routes each question to
a stored answer or to a person, with its hand-off rate (转人工率).

The Walmart case (沃尔玛) names intelligent customer service — natural-language processing
and machine learning answering members' questions — as a future direction. The honest
version: a classifier that knows when it does not know.

* :class:`IntentClassifier` — TF-IDF of character n-grams (works for Chinese without word
  segmentation and for English alike) and a logistic regression.
* :func:`route` — each question gets the most likely intent and its probability; the bot
  answers when the probability reaches ``threshold`` and the intent has a stored answer;
  otherwise, and always for intents marked ``"person"`` (complaints), a person takes it.
* :func:`routing_report` — per-intent precision and recall, the majority-class baseline,
  the hand-off rate and the wrong-answer rate (answered, but for the wrong intent).
* :func:`threshold_curve` — hand-off rate against wrong-answer rate as the threshold moves:
  the trade-off a service manager chooses on.

Metrics are computed here with scikit-learn's ``precision_recall_fscore_support``.

>>> from crm_helpers.extensions.service import simulate_questions
>>> q = simulate_questions(400, seed=2)
>>> bot = IntentClassifier().fit(q["question"], q["intent"])
>>> routed = route(bot, ["我的积分还有多少", "i want to complain"], threshold=0.5)
>>> routed["route"].tolist()
['answer', 'person']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._catalogue import SERVICE_INTENTS

__all__ = ["ANSWERS", "IntentClassifier", "route", "routing_report", "threshold_curve"]

#: The stored answer for each intent, or "person" when a person must take it.
ANSWERS: dict[str, str] = {intent: answer for intent, _, answer in SERVICE_INTENTS}


class IntentClassifier:
    """Character n-gram TF-IDF + logistic regression over question texts."""

    def __init__(self, *, ngram_range: tuple[int, int] = (1, 3), c: float = 10.0) -> None:
        self.ngram_range = ngram_range
        self.c = c
        self.pipeline_: Any = None

    def fit(self, questions: Sequence[str], intents: Sequence[str]) -> IntentClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        q, y = _texts(questions, "questions"), list(intents)
        if len(q) != len(y):
            raise ValueError(f"questions ({len(q)}) and intents ({len(y)}) differ in length.")
        if len(set(y)) < 2:
            raise ValueError("intents must hold at least two different intents to learn from.")
        self.pipeline_ = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, lowercase=True),
            LogisticRegression(C=self.c, max_iter=2000),
        )
        self.pipeline_.fit(q, y)
        return self

    @property
    def intents(self) -> list[str]:
        self._fitted()
        return [str(c) for c in self.pipeline_.classes_]

    def _fitted(self) -> None:
        if self.pipeline_ is None:
            raise ValueError("The classifier is not fitted yet: call fit(questions, intents).")

    def predict_proba(self, questions: Sequence[str]) -> pd.DataFrame:
        """Probability of each intent (columns) for each question (rows)."""
        self._fitted()
        q = _texts(questions, "questions")
        return pd.DataFrame(self.pipeline_.predict_proba(q), columns=self.intents)


def _texts(questions: Any, name: str) -> list[str]:
    if isinstance(questions, str):
        raise TypeError(f"{name} must be a list or Series of texts, not one string.")
    q = list(questions)
    bad = [i for i, t in enumerate(q) if not isinstance(t, str) or not t.strip()]
    if bad:
        raise ValueError(f"{name} has empty or non-text entries at positions {bad[:5]}.")
    return q


def route(
    bot: IntentClassifier,
    questions: Sequence[str],
    *,
    threshold: float = 0.6,
    answers: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Route each question: ``answer`` (with the stored answer) or ``person``.

    Columns: question, predicted, confidence, route, reply.
    """
    _check_threshold(threshold)
    q = _texts(questions, "questions")
    return _route_by_proba(q, bot.predict_proba(q), threshold, answers)


def _check_threshold(threshold: float) -> None:
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be a probability between 0 and 1; got {threshold}.")


def _to_person(confidence: np.ndarray, no_answer: np.ndarray, threshold: float) -> np.ndarray:
    """The routing rule: a question goes to a person when the bot is not confident enough
    or its intent has no stored answer."""
    return (confidence < threshold) | no_answer


def _route_by_proba(
    q: list[str], proba: pd.DataFrame, threshold: float, answers: dict[str, str] | None
) -> pd.DataFrame:
    """The body of :func:`route`, from the intents' probabilities."""
    answers = ANSWERS if answers is None else answers
    predicted = proba.idxmax(axis=1)
    confidence = proba.max(axis=1)
    stored = predicted.map(lambda i: answers.get(i, "person"))
    to_person = _to_person(confidence.to_numpy(), (stored == "person").to_numpy(), threshold)
    return pd.DataFrame(
        {
            "question": q,
            "predicted": predicted.to_numpy(),
            "confidence": confidence.to_numpy(),
            "route": np.where(to_person, "person", "answer"),
            "reply": np.where(to_person, "转人工 a person will answer", stored),
        }
    )


def routing_report(routed: pd.DataFrame, true_intents: Sequence[str]) -> dict[str, Any]:
    """Per-intent precision/recall/support of the classifier, the majority baseline's
    accuracy, the hand-off rate and the wrong-answer rate (answered for the wrong intent, a
    share of all questions).

    >>> routed = pd.DataFrame({"predicted": ["a", "a", "b", "b"],
    ...     "route": ["answer", "person", "answer", "answer"]})
    >>> r = routing_report(routed, ["a", "b", "b", "b"])
    >>> r["handoff_rate"], r["wrong_answer_rate"], r["accuracy"], r["majority_accuracy"]
    (0.25, 0.0, 0.75, 0.75)
    """
    from sklearn.metrics import precision_recall_fscore_support

    y = pd.Series(list(true_intents), dtype=object)
    if len(y) != len(routed):
        raise ValueError(f"true_intents ({len(y)}) and routed ({len(routed)}) differ in length.")
    pred = routed["predicted"].astype(object).reset_index(drop=True)
    labels = sorted(set(y) | set(pred))
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    per = pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=labels)
    per.index.name = "intent"
    answered = (routed["route"] == "answer").reset_index(drop=True)
    return {
        "per_intent": per,
        "accuracy": float((pred == y).mean()),
        "majority_accuracy": float(y.value_counts(normalize=True).iloc[0]),
        "handoff_rate": float(1 - answered.mean()),
        "wrong_answer_rate": float((answered & (pred != y)).mean()),
    }


def threshold_curve(
    bot: IntentClassifier, questions: Sequence[str], true_intents: Sequence[str],
    thresholds: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
) -> pd.DataFrame:  # fmt: skip
    """Hand-off rate and wrong-answer rate for each confidence threshold (the questions
    are classified once; each threshold routes them as :func:`route` does)."""
    for t in thresholds:
        _check_threshold(t)
    q = _texts(questions, "questions")
    y = np.asarray(list(true_intents), dtype=object)
    if len(y) != len(q):
        raise ValueError(f"true_intents ({len(y)}) and questions ({len(q)}) differ in length.")
    proba = bot.predict_proba(q)
    predicted = proba.idxmax(axis=1).to_numpy(dtype=object)
    confidence = proba.max(axis=1).to_numpy()
    no_answer = np.array([ANSWERS.get(i, "person") == "person" for i in predicted], dtype=bool)
    wrong = predicted != y
    rows = []
    for t in thresholds:  # answered as route() answers them
        answered = ~_to_person(confidence, no_answer, t)
        rows.append((t, float(1 - answered.mean()), float((answered & wrong).mean())))
    return pd.DataFrame(rows, columns=["threshold", "handoff_rate", "wrong_answer_rate"])
