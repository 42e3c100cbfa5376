"""Evaluating a classifier (模型评估): the confusion matrix, per-class precision and
recall, the majority-class baseline, and for a score the gains and lift table
(:func:`gains_table`) and the calibration table (:func:`calibration_table`).

A classifier's accuracy means little on its own: when 92 % of the reviews are positive, a
"model" that calls every review positive is right 92 % of the time and never finds a
complaint. Report every model beside :func:`majority_baseline`, with the **recall** of each
class (召回率: of the true members of the class, the share found) and its **precision**
(精确率: of those predicted in the class, the share right), and look at the
:func:`confusion_table` (混淆矩阵). Pure functions: label sequences in, DataFrames or dicts
out; nothing is fitted, printed or plotted here.

>>> y_true = ["pos"] * 8 + ["neg"] * 2
>>> y_pred = ["pos"] * 9 + ["neg"]
>>> classification_summary(y_true, y_pred, y_train=y_true)["baseline_accuracy"]
0.8
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "confusion_table",
    "per_class_metrics",
    "majority_baseline",
    "classification_summary",
    "gains_table",
    "calibration_table",
]


def _labels(y_true: Sequence[Any], y_pred: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    t, p = np.asarray(list(y_true), dtype=object), np.asarray(list(y_pred), dtype=object)
    if len(t) != len(p):
        raise ValueError(
            f"y_true has {len(t)} labels but y_pred has {len(p)}: give one prediction per case."
        )
    if len(t) == 0:
        raise ValueError("There are no labels to evaluate: y_true is empty.")
    return t, p


def _order(t: np.ndarray, p: np.ndarray, labels: Sequence[Any] | None) -> list[Any]:
    if labels is not None:
        return list(labels)
    seen = pd.unique(np.concatenate([t, p]))
    try:
        return sorted(seen)
    except TypeError:
        return list(seen)


def confusion_table(
    y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any] | None = None
) -> pd.DataFrame:
    """The confusion matrix (混淆矩阵): counts with rows the true label and columns the
    predicted one (every label in both, sorted unless ``labels`` gives the order).

    >>> confusion_table([1, 1, 0, 0, 0], [1, 0, 0, 0, 1])
    predicted  0  1
    true
    0          2  1
    1          1  1
    """
    t, p = _labels(y_true, y_pred)
    order = _order(t, p, labels)
    index = {label: i for i, label in enumerate(order)}
    unknown = sorted({str(x) for x in np.concatenate([t, p]) if x not in index})
    if unknown:
        raise ValueError(f"labels does not list {', '.join(unknown)}; it lists {order}.")
    counts = np.zeros((len(order), len(order)), dtype="int64")
    np.add.at(counts, ([index[x] for x in t], [index[x] for x in p]), 1)
    return pd.DataFrame(
        counts,
        index=pd.Index(order, name="true"),
        columns=pd.Index(order, name="predicted"),
    )


def per_class_metrics(
    y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Precision (精确率), recall (召回率), F1 and support (the number of true cases) per
    class. A class never predicted has precision NaN (nothing to be right about); a class
    with no true case has recall NaN.

    >>> per_class_metrics([1, 1, 0, 0, 0], [1, 0, 0, 0, 1]).round(3)
       label  support  precision  recall     f1
    0      0        3      0.667   0.667  0.667
    1      1        2      0.500   0.500  0.500
    """
    cm = confusion_table(y_true, y_pred, labels)
    hits = np.diag(cm.to_numpy()).astype(float)
    support = cm.sum(axis=1).to_numpy()
    predicted = cm.sum(axis=0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, hits / predicted, np.nan)
        recall = np.where(support > 0, hits / support, np.nan)
        f1 = 2 * precision * recall / (precision + recall)
    return pd.DataFrame(
        {
            "label": list(cm.index),
            "support": support.astype("int64"),
            "precision": precision,
            "recall": recall,
            "f1": np.where(precision + recall > 0, f1, 0.0),
        }
    )


def majority_baseline(y_train: Sequence[Any], y_test: Sequence[Any]) -> dict[str, Any]:
    """The majority-class baseline (多数类基线): predict the most frequent training label
    for every case. Returns the ``label``, its ``accuracy`` on ``y_test`` (the share of
    the test set in that class) and ``recall_other`` (0: it never finds another class).
    Ties between labels go to the smallest.

    >>> majority_baseline([1, 1, 1, 0], [1, 0, 1, 1, 1])
    {'label': 1, 'accuracy': 0.8, 'recall_other': 0.0}
    """
    train = pd.Series(list(y_train), dtype=object)
    if train.empty:
        raise ValueError("y_train is empty: the baseline needs the training labels.")
    counts = train.value_counts()
    top = counts[counts == counts.max()].index
    try:
        label = sorted(top)[0]
    except TypeError:
        label = top[0]
    test = np.asarray(list(y_test), dtype=object)
    if len(test) == 0:
        raise ValueError("y_test is empty: there is nothing to score the baseline on.")
    label = label.item() if hasattr(label, "item") else label
    return {"label": label, "accuracy": float(np.mean(test == label)), "recall_other": 0.0}


def classification_summary(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    y_train: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Accuracy, balanced accuracy (the mean of the per-class recalls), the lowest
    per-class recall and, given ``y_train``, the majority baseline's accuracy and the
    ``lift_over_baseline`` (accuracy − baseline accuracy).

    >>> s = classification_summary([1] * 9 + [0], [1] * 10, y_train=[1, 1, 0])
    >>> s["accuracy"], s["balanced_accuracy"], s["min_recall"], s["lift_over_baseline"]
    (0.9, 0.5, 0.0, 0.0)
    """
    t, p = _labels(y_true, y_pred)
    table = per_class_metrics(t, p)
    recalls = table["recall"].dropna()
    out: dict[str, Any] = {
        "n": len(t),
        "accuracy": float(np.mean(t == p)),
        "balanced_accuracy": float(recalls.mean()),
        "min_recall": float(recalls.min()),
    }
    if y_train is not None:
        base = majority_baseline(y_train, t)
        out["baseline_label"] = base["label"]
        out["baseline_accuracy"] = base["accuracy"]
        out["lift_over_baseline"] = out["accuracy"] - base["accuracy"]
    return out


def _scores(y_true: Any, score: Any, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(list(y_true) if not hasattr(y_true, "__len__") else y_true).astype(float)
    s = np.asarray(list(score) if not hasattr(score, "__len__") else score, dtype=float)
    if len(y) != len(s):
        raise ValueError(f"y_true and score must have the same length; got {len(y)} and {len(s)}.")
    if not isinstance(n_bins, int | np.integer) or n_bins < 1 or n_bins > len(y):
        raise ValueError(f"n_bins must be a whole number from 1 to {len(y)}; got {n_bins!r}.")
    return y, s


def gains_table(y_true: Any, score: Any, n_bins: int = 10) -> pd.DataFrame:
    """Cumulative gains and lift (累积增益与提升度) by score bin: cases sorted by score
    (highest first; ties keep their order) and cut into ``n_bins`` groups of equal size.

    Columns: bin (1 = highest scores), customers, positives, rate (the bin's positive
    rate), cum_share_customers, cum_share_positives (the gain: cumulative share of all
    positives), lift (the bin's rate over the overall rate) and cum_lift; and the same
    under the lead-scoring names (线索评分) n, responders, response_rate, cum_share, gain.

    >>> g = gains_table([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1], n_bins=2)
    >>> g[["bin", "positives", "cum_share_customers", "cum_share_positives", "lift"]]
       bin  positives  cum_share_customers  cum_share_positives  lift
    0    1          2                  0.5                  1.0   2.0
    1    2          0                  1.0                  1.0   0.0
    """
    y, s = _scores(y_true, score, n_bins)
    order = np.argsort(-s, kind="stable")
    bins = np.arange(len(y)) * n_bins // len(y) + 1
    d = pd.DataFrame({"bin": bins, "y": y[order]})
    g = d.groupby("bin")["y"].agg(customers="size", positives="sum").reset_index()
    g["positives"] = g["positives"].astype("int64")
    total, base = g["positives"].sum(), g["positives"].sum() / len(y)
    g["rate"] = g["positives"] / g["customers"]
    g["cum_share_customers"] = g["customers"].cumsum() / len(y)
    g["cum_share_positives"] = g["positives"].cumsum() / total if total else 0.0
    g["lift"] = g["rate"] / base if base else np.nan
    g["cum_lift"] = g["cum_share_positives"] / g["cum_share_customers"]
    aliases = {"customers": "n", "positives": "responders", "rate": "response_rate",
               "cum_share_customers": "cum_share", "cum_share_positives": "gain"}  # fmt: skip
    return g.assign(**{new: g[old] for old, new in aliases.items()})


def calibration_table(y_true: Any, score: Any, n_bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability and observed rate per bin of equal size (校准), lowest
    scores first.

    >>> calibration_table([0, 1, 0, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
       bin  customers  mean_predicted  observed_rate
    0    1          2            0.15            0.5
    1    2          2            0.80            0.5
    """
    y, p = _scores(y_true, score, n_bins)
    order = np.argsort(p, kind="stable")
    bins = np.arange(len(y)) * n_bins // len(y) + 1
    d = pd.DataFrame({"bin": bins, "p": p[order], "y": y[order]})
    return (
        d.groupby("bin")
        .agg(customers=("y", "size"), mean_predicted=("p", "mean"), observed_rate=("y", "mean"))
        .reset_index()
    )
