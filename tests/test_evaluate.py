"""crm_helpers.evaluate on hand-counted confusion matrices and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from crm_helpers import evaluate as ev

# 10 reviews, 8 positive (1) and 2 negative (0); the model finds one negative of two and
# calls one positive negative: TP = 7, FN = 1, TN = 1, FP(of 0) = 1
Y_TRUE = [1] * 8 + [0] * 2
Y_PRED = [1] * 7 + [0] + [0, 1]


def test_confusion_table_by_hand():
    cm = ev.confusion_table(Y_TRUE, Y_PRED)
    assert cm.loc[1, 1] == 7 and cm.loc[1, 0] == 1 and cm.loc[0, 0] == 1 and cm.loc[0, 1] == 1
    assert cm.index.name == "true" and cm.columns.name == "predicted"
    assert cm.to_numpy().sum() == len(Y_TRUE)
    three = ev.confusion_table(["a", "b"], ["a", "a"], labels=["c", "b", "a"])
    assert three.index.tolist() == ["c", "b", "a"] and three.loc["b", "a"] == 1
    with pytest.raises(ValueError, match="labels does not list a"):
        ev.confusion_table(["a"], ["a"], labels=["b"])
    with pytest.raises(ValueError, match="y_true has 2 labels but y_pred has 1"):
        ev.confusion_table([1, 0], [1])


def test_per_class_metrics_by_hand_and_against_sklearn():
    m = ev.per_class_metrics(Y_TRUE, Y_PRED).set_index("label")
    assert m.loc[1, "precision"] == pytest.approx(7 / 8)
    assert m.loc[1, "recall"] == pytest.approx(7 / 8)
    assert m.loc[0, "precision"] == pytest.approx(1 / 2)
    assert m.loc[0, "recall"] == pytest.approx(1 / 2)
    assert m["support"].tolist() == [2, 8]
    p, r, f, s = precision_recall_fscore_support(Y_TRUE, Y_PRED, labels=[0, 1])
    assert np.allclose(m["precision"], p) and np.allclose(m["recall"], r)
    assert np.allclose(m["f1"], f) and (m["support"].to_numpy() == s).all()
    rng = np.random.default_rng(0)
    t, q = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    assert (ev.confusion_table(t, q).to_numpy() == confusion_matrix(t, q)).all()


def test_a_class_never_predicted_has_no_precision_and_zero_recall():
    m = ev.per_class_metrics([1, 1, 0], [1, 1, 1]).set_index("label")
    assert np.isnan(m.loc[0, "precision"]) and m.loc[0, "recall"] == 0
    assert m.loc[0, "f1"] == 0


def test_majority_baseline_and_summary():
    # the trap the issue describes: 92 % positives make 0.92 accuracy out of nothing
    y_test = [1] * 92 + [0] * 8
    base = ev.majority_baseline([1] * 9 + [0], y_test)
    assert base == {"label": 1, "accuracy": 0.92, "recall_other": 0.0}
    all_positive = ev.classification_summary(y_test, [1] * 100, y_train=y_test)
    assert all_positive["accuracy"] == pytest.approx(0.92)
    assert all_positive["lift_over_baseline"] == pytest.approx(0.0)
    assert all_positive["min_recall"] == 0.0 and all_positive["balanced_accuracy"] == 0.5
    assert ev.majority_baseline(["b", "a"], ["a"])["label"] == "a"  # a tie: the smallest
    with pytest.raises(ValueError, match="y_train is empty"):
        ev.majority_baseline([], [1])


def test_one_gains_table_serves_loyalty_and_identify():
    from crm_helpers import identify, loyalty

    assert loyalty.gains_table is ev.gains_table is identify.gains_table
    assert loyalty.calibration_table is ev.calibration_table
    # 6 cases, 3 bins of 2; positives 1, 1, 0 of 2 overall; base rate 1/3
    g = ev.gains_table([1, 0, 0, 1, 0, 0], [6, 5, 4, 3, 2, 1], n_bins=3)
    assert g["positives"].tolist() == g["responders"].tolist() == [1, 1, 0]
    assert g["cum_share_positives"].tolist() == g["gain"].tolist() == [0.5, 1.0, 1.0]
    assert g["lift"].tolist() == pytest.approx([1.5, 1.5, 0.0])
    with pytest.raises(ValueError, match="same length"):
        ev.gains_table([1, 0], [0.5])
    with pytest.raises(ValueError, match="n_bins"):
        ev.calibration_table([1, 0], [0.5, 0.2], n_bins=3)
