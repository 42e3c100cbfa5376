"""Scoring a resolution against the truth: pair counts, precision, recall, F1."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..schema import DataValidationError, require_columns
from .matching import cluster_records

__all__ = [
    "pair_counts",
    "match_quality",
    "label_pairs",
    "threshold_curve",
]


def _pairs_within(sizes: pd.Series | np.ndarray) -> int:
    n = np.asarray(sizes, dtype="int64")
    return int((n * (n - 1) // 2).sum())


def pair_counts(mapping: pd.DataFrame, truth: pd.DataFrame) -> dict[str, int]:
    """Record pairs put together by the resolution (predicted), by the truth (true) and by
    both (true positives), without listing the pairs: a cluster of n records holds
    n(n − 1)/2 pairs.

    >>> m = pd.DataFrame({"record_id": [1, 2, 3, 4], "resolved_id": [1, 1, 1, 4]})
    >>> t = pd.DataFrame({"record_id": [1, 2, 3, 4], "customer_id": [9, 9, 8, 8]})
    >>> pair_counts(m, t)
    {'predicted': 3, 'true': 2, 'true_positive': 1}
    """
    require_columns(mapping, ["record_id", "resolved_id"], "mapping")
    require_columns(truth, ["record_id", "customer_id"], "truth")
    j = mapping[["record_id", "resolved_id"]].merge(
        truth[["record_id", "customer_id"]], on="record_id", how="inner", validate="1:1"
    )
    if len(j) != len(mapping):
        raise DataValidationError(
            f"The truth table lacks {len(mapping) - len(j)} of the mapping's record ids."
        )
    return {
        "predicted": _pairs_within(j.groupby("resolved_id").size()),
        "true": _pairs_within(j.groupby("customer_id").size()),
        "true_positive": _pairs_within(j.groupby(["resolved_id", "customer_id"]).size()),
    }


def _prf(tp: float, predicted: float, true: float) -> dict[str, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def match_quality(mapping: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 of a resolution on record pairs (配对的精确率与召回率):
    precision = share of the pairs put together that are the same person; recall = share
    of the same-person pairs that were put together.

    >>> m = pd.DataFrame({"record_id": [1, 2, 3, 4], "resolved_id": [1, 1, 1, 4]})
    >>> t = pd.DataFrame({"record_id": [1, 2, 3, 4], "customer_id": [9, 9, 8, 8]})
    >>> {k: round(v, 3) for k, v in match_quality(m, t).items()}
    {'precision': 0.333, 'recall': 0.5, 'f1': 0.4, 'n_records': 4, 'n_resolved': 2, 'n_true': 2}
    """
    c = pair_counts(mapping, truth)
    out: dict[str, float] = _prf(c["true_positive"], c["predicted"], c["true"])
    out["n_records"] = len(mapping)
    out["n_resolved"] = int(mapping["resolved_id"].nunique())
    out["n_true"] = int(
        truth.loc[truth["record_id"].isin(mapping["record_id"]), "customer_id"].nunique()
    )
    return out


def label_pairs(pairs: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The pairs with ``is_match``: whether both records belong to the same true customer.

    >>> t = pd.DataFrame({"record_id": [1, 2, 3], "customer_id": [9, 9, 8]})
    >>> label_pairs(pd.DataFrame({"record_a": [1, 2], "record_b": [2, 3]}), t)["is_match"].tolist()
    [True, False]
    """
    require_columns(pairs, ["record_a", "record_b"], "pairs")
    require_columns(truth, ["record_id", "customer_id"], "truth")
    who = truth.set_index("record_id")["customer_id"]
    a = who.reindex(pairs["record_a"].to_numpy()).to_numpy()
    b = who.reindex(pairs["record_b"].to_numpy()).to_numpy()
    return pairs.assign(is_match=(a == b))


def threshold_curve(
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    thresholds: Iterable[float] | None = None,
    *,
    after_clustering: bool = False,
) -> pd.DataFrame:
    """Precision, recall and F1 for a range of thresholds.

    Pair level (default): the scored candidate pairs with ``score >= threshold`` against
    all same-person pairs of the truth (so pairs that blocking never compared count as
    missed). With ``after_clustering=True`` the pairs are first clustered
    (:func:`cluster_records`), which adds the pairs joined by transitivity.

    >>> p = pd.DataFrame({"record_a": [1, 2], "record_b": [2, 3], "score": [8.0, 2.0]})
    >>> t = pd.DataFrame({"record_id": [1, 2, 3], "customer_id": [9, 9, 8]})
    >>> threshold_curve(p, t, [0, 5])[["threshold", "precision", "recall"]].to_dict("records")
    [{'threshold': 0.0, 'precision': 0.5, 'recall': 1.0}, {'threshold': 5.0, 'precision': 1.0, 'recall': 1.0}]
    """
    require_columns(pairs, ["record_a", "record_b", "score"], "pairs")
    if thresholds is None:
        lo, hi = np.floor(pairs["score"].min()), np.ceil(pairs["score"].max())
        thresholds = np.arange(lo, hi + 0.5, 0.5) if len(pairs) else [0.0]
    thresholds = [float(t) for t in thresholds]
    n_true = _pairs_within(truth.groupby("customer_id").size())
    rows = []
    if after_clustering:
        for t in thresholds:
            m = cluster_records(truth["record_id"], pairs, t)
            c = pair_counts(m, truth)
            rows.append({"threshold": t, **_prf(c["true_positive"], c["predicted"], c["true"])})
    else:
        lab = label_pairs(pairs, truth)
        s, y = lab["score"].to_numpy(), lab["is_match"].to_numpy()
        for t in thresholds:
            sel = s >= t
            rows.append({"threshold": t, **_prf(int((sel & y).sum()), int(sel.sum()), n_true)})
    return pd.DataFrame(rows)
