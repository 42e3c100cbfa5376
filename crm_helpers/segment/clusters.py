"""k-means clustering of customers (聚类分析) with plain-words profiles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crm_helpers._fingerprint import frame_digest
from crm_helpers._threads import one_thread
from crm_helpers.schema import DataValidationError, require_columns
from crm_helpers.timeframe import analysis_date

from ._base import (
    _MONTH_DAYS,
    _narrow,
)
from .matrix import category_mix
from .rfm_analysis import customer_summary

# --------------------------------------------------------------------------- clustering

_FEATURE_WORDS = {
    "log_frequency": "visits",
    "log_avg_basket": "spend per visit",
    "log_monetary": "total spend",
    "recency_days": "days since the last visit",
    "tenure_days": "days since the first visit",
    "log_rate": "visits per month",
    "discount_share": "buying on promotion",
}


def clustering_features(
    tx: pd.DataFrame,
    as_of: object = None,
    *,
    category: str | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Behaviour features for clustering, one row per customer (index ``customer_id``).

    ``log_frequency`` (log of receipts), ``log_avg_basket`` (log of the average receipt
    value), ``recency_days``, ``tenure_days`` (first purchase to ``as_of``), ``log_rate``
    (log of receipts per month since the first purchase, at least one month),
    ``discount_share`` (share of lines with a discount > 0; only if ``tx`` has a
    ``discount`` column) and, if ``category`` names a column, ``share_<category>`` per
    category (share of spend). Logs tame the long right tails of frequency and spend.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-06"]),
    ...     "amount": [10.0, 30.0, 5.0]})
    >>> clustering_features(tx, "2024-01-21").round(3)
                 log_frequency  log_avg_basket  recency_days  tenure_days  log_rate
    customer_id
    1                    0.693           2.996            10           20     0.693
    2                    0.000           1.609            15           15     0.000
    """
    summary = customer_summary(tx, as_of, allow_returns=allow_returns).set_index("customer_id")
    moment = analysis_date(_narrow(tx, allow_returns=allow_returns), as_of)
    feats = pd.DataFrame(index=summary.index)
    feats["log_frequency"] = np.log(summary["frequency"])
    feats["log_avg_basket"] = np.log(summary["avg_basket"].clip(lower=1e-9))
    feats["recency_days"] = summary["recency_days"]
    feats["tenure_days"] = (moment - summary["first_purchase"]) // pd.Timedelta(days=1)
    months = np.maximum(feats["tenure_days"].to_numpy() / _MONTH_DAYS, 1.0)
    feats["log_rate"] = np.log(summary["frequency"].to_numpy() / months)
    upto = tx[tx["timestamp"] <= moment]
    if "discount" in tx.columns:
        share = (upto["discount"] > 0).groupby(upto["customer_id"]).mean()
        feats["discount_share"] = share.reindex(feats.index).fillna(0.0)
    if category is not None:
        mix = category_mix(upto, category, allow_returns=allow_returns)
        mix = mix.add_prefix("share_").reindex(feats.index).fillna(0.0)
        feats = feats.join(mix)
    return feats


def _check_k(k: int, n: int, name: str = "n_clusters") -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        raise ValueError(f"{name} must be a whole number ≥ 2; got {k!r}.")
    if k > n:
        raise ValueError(
            f"{name}={k} is larger than the number of customers ({n}): k-means cannot make "
            "more clusters than there are customers. Choose a smaller k."
        )


def _pipeline(k: int, random_state: int | None, n_init: int) -> Any:
    from sklearn.cluster import KMeans
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(), KMeans(n_clusters=k, random_state=random_state, n_init=n_init)
    )


def _check_features(features: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be a pandas DataFrame; got {type(features).__name__}.")
    if len(features) == 0:
        raise DataValidationError("The features table is empty: it has no rows.")
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise DataValidationError(
            f"Clustering needs numeric features; column{'s' if len(bad) > 1 else ''} "
            f"{', '.join(repr(str(b)) for b in bad)} {'are' if len(bad) > 1 else 'is'} not."
        )
    if features.isna().any().any():
        cols = features.columns[features.isna().any()].tolist()
        raise DataValidationError(f"The features have missing values in {cols}; fill or drop them.")
    return features


def choose_k(
    features: pd.DataFrame,
    ks: Iterable[int] = range(2, 9),
    *,
    random_state: int | None = 0,
    n_init: int = 4,
    sample_size: int | None = 3000,
) -> pd.DataFrame:
    """Inertia and silhouette of k-means for each ``k`` (choosing k, 选择聚类数).

    Inertia (within-cluster sum of squares, on the scaled features) always falls as k
    grows: look for the elbow. The silhouette (−1 … 1) is highest for well-separated
    clusters; it is computed on a random sample of ``sample_size`` customers to stay fast.
    The table is remembered for the same features and arguments (with a whole-number
    ``random_state``), so asking again, as a check does, costs nothing.

    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": np.r_[rng.normal(0, .1, 30), rng.normal(5, .1, 30)],
    ...                   "b": np.r_[rng.normal(0, .1, 30), rng.normal(3, .1, 30)]})
    >>> t = choose_k(X, [2, 3])
    >>> list(t.columns), int(t.loc[t["silhouette"].idxmax(), "k"])
    (['k', 'inertia', 'silhouette'], 2)
    """
    feats = _check_features(features)
    ks = list(ks)
    if not ks:
        raise ValueError("ks must hold at least one k.")
    for k in ks:
        _check_k(k, len(feats), "k")
    key = _table_key(feats, (tuple(int(k) for k in ks), random_state, n_init, sample_size))
    table = _CHOOSE_K_MEMO.get(key)
    if table is None:
        table = _k_table(feats, ks, random_state, n_init, sample_size)
        _remember(key, table, random_state)
    return table.copy()


#: choose_k's tables by (features' contents, arguments), newest last: the chapter's exercise
#: check recomputes the table the chapter drew, which then costs nothing. A table is
#: deterministic in its key (one thread, a whole-number random_state); others are not kept.
_CHOOSE_K_MEMO: dict[tuple[Any, ...], pd.DataFrame] = {}
_MEMO_SIZE = 8


def _table_key(feats: pd.DataFrame, args: tuple[Any, ...]) -> tuple[Any, ...]:
    return (frame_digest(feats), args)


def _remember(key: tuple[Any, ...], table: pd.DataFrame, random_state: object) -> None:
    if isinstance(random_state, bool) or not isinstance(random_state, int | np.integer):
        return  # None or a RandomState: a fresh draw every call
    while len(_CHOOSE_K_MEMO) >= _MEMO_SIZE:
        _CHOOSE_K_MEMO.pop(next(iter(_CHOOSE_K_MEMO)))
    _CHOOSE_K_MEMO[key] = table


#: Above this many (sampled) customers the silhouette is computed k by k in chunks
#: instead of from one shared distance matrix (5,000² distances are 200 MB).
_SHARED_DISTANCES_MAX = 5000


def _k_table(
    feats: pd.DataFrame,
    ks: list[int],
    random_state: int | None,
    n_init: int,
    sample_size: int | None,
) -> pd.DataFrame:
    """The table of :func:`choose_k`. Every k scales the features the same way and, with
    a whole-number ``random_state``, samples the same customers for the silhouette, so
    their distances are computed once and shared (what silhouette_score does k by k)."""
    from sklearn.cluster import KMeans  # noqa: F401  (loads OpenMP before one_thread limits it)
    from sklearn.metrics import pairwise_distances, silhouette_score

    n = len(feats)
    size = None if sample_size is None or sample_size >= n else sample_size
    fixed = size is None or (
        isinstance(random_state, int | np.integer) and not isinstance(random_state, bool)
    )
    share = fixed and (size or n) <= _SHARED_DISTANCES_MAX
    rows, dist, idx = [], None, None
    with one_thread():
        for k in ks:
            pipe = _pipeline(int(k), random_state, n_init).fit(feats)
            labels = pipe[-1].labels_
            if len(set(labels)) < 2 or k >= n:
                sil = np.nan
            elif share:
                if dist is None:  # the sample silhouette_score draws, the same for every k
                    idx = np.arange(n) if size is None else _sample(n, size, random_state)
                    dist = pairwise_distances(pipe[0].transform(feats)[idx])
                sil = silhouette_score(dist, labels[idx], metric="precomputed")
            else:
                sil = silhouette_score(
                    pipe[0].transform(feats), labels, sample_size=size, random_state=random_state
                )
            rows.append((int(k), float(pipe[-1].inertia_), float(sil)))
    return pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])


def _sample(n: int, size: int, random_state: Any) -> np.ndarray:
    """The rows ``silhouette_score(..., sample_size=size, random_state=...)`` samples."""
    from sklearn.utils import check_random_state

    return check_random_state(random_state).permutation(n)[:size]


def describe_clusters(
    features: pd.DataFrame,
    labels: pd.Series | np.ndarray,
    *,
    words: Mapping[str, str] | None = None,
    top: int = 3,
) -> pd.DataFrame:
    """Profile each cluster in numbers and in plain words (聚类画像).

    For each cluster: ``customers``, ``share``, the mean of every feature, and a
    ``description`` naming the ``top`` features whose cluster mean differs most from the
    overall mean, in standard deviations ("much more visits" beyond 1 SD, "more" beyond
    0.4 SD; "typical on every feature" if none does).

    >>> f = pd.DataFrame({"log_frequency": [0.0, 0.1, 2.0, 2.1], "recency_days": [300, 280, 5, 9]})
    >>> describe_clusters(f, np.array([0, 0, 1, 1]))["description"].tolist()
    ['fewer visits, more days since the last visit', 'more visits, fewer days since the last visit']
    """
    feats = _check_features(features)
    lab = np.asarray(labels)
    if len(lab) != len(feats):
        raise ValueError(f"labels has {len(lab)} entries but features has {len(feats)} rows.")
    names = {**_FEATURE_WORDS, **dict(words or {})}
    means = feats.groupby(lab).mean()
    sd = feats.std(ddof=0).replace(0, np.nan)
    z = (means - feats.mean()) / sd
    descriptions = []
    for cluster in means.index:
        row = z.loc[cluster].dropna()
        row = row[row.abs() >= 0.4].reindex(row.abs().sort_values(ascending=False).index).dropna()
        parts = []
        for feat, val in row.head(top).items():
            word = names.get(feat) or (
                f"spend on {feat[6:]}" if feat.startswith("share_") else feat.replace("_", " ")
            )
            much = "much " if abs(val) >= 1 else ""
            more = "more" if val > 0 else ("fewer" if _countable(feat) else "less")
            parts.append(f"{much}{more} {word}")
        descriptions.append(", ".join(parts) if parts else "typical on every feature")
    sizes = pd.Series(lab).value_counts().reindex(means.index)
    out = means.copy()
    out.insert(0, "share", (sizes / len(lab)).to_numpy())
    out.insert(0, "customers", sizes.to_numpy().astype("int64"))
    out["description"] = descriptions
    out.index.name = "cluster"
    return out.reset_index()


def _countable(feature: str) -> bool:
    return feature in ("log_frequency", "recency_days", "tenure_days", "log_rate")


class CustomerClusters:
    """k-means on scaled customer features: a scikit-learn pipeline (StandardScaler →
    KMeans) with plain-words cluster profiles.

    Parameters
    ----------
    n_clusters:
        k, the number of clusters (≥ 2, at most the number of customers).
    random_state, n_init:
        Passed to :class:`sklearn.cluster.KMeans`.

    Attributes (after :meth:`fit`)
    ------------------------------
    pipeline_:
        The fitted pipeline.
    labels_:
        Series of cluster numbers (0 … k−1) indexed like the features, numbered by size
        (0 = the largest cluster).
    profiles_:
        :func:`describe_clusters` of the fit.

    >>> f = pd.DataFrame({"x": [0.0, 0.2, 5.0, 5.1, 5.3]}, index=[11, 12, 13, 14, 15])
    >>> CustomerClusters(2).fit(f).labels_.tolist()
    [1, 1, 0, 0, 0]
    """

    def __init__(self, n_clusters: int = 4, *, random_state: int | None = 0, n_init: int = 10):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.n_init = n_init

    def fit(self, features: pd.DataFrame) -> CustomerClusters:
        feats = _check_features(features)
        _check_k(self.n_clusters, len(feats))
        self.pipeline_ = _pipeline(self.n_clusters, self.random_state, self.n_init)
        with one_thread():
            self.pipeline_.fit(feats)
        raw = self.pipeline_[-1].labels_
        counts = np.bincount(raw, minlength=self.n_clusters)
        order = np.lexsort((np.arange(self.n_clusters), -counts))  # largest first
        relabel = np.empty(self.n_clusters, dtype="int64")
        relabel[order] = np.arange(self.n_clusters)
        self._relabel = relabel
        self.feature_names_ = list(feats.columns)
        self.labels_ = pd.Series(relabel[raw], index=feats.index, name="cluster")
        self.profiles_ = describe_clusters(feats, self.labels_.to_numpy())
        return self

    def predict(self, features: pd.DataFrame) -> pd.Series:
        """The cluster of each row of ``features`` (same columns as in :meth:`fit`)."""
        if not hasattr(self, "pipeline_"):
            raise RuntimeError("Call fit(features) before predict().")
        feats = _check_features(features)
        require_columns(feats, self.feature_names_, "features")
        raw = self.pipeline_.predict(feats[self.feature_names_])
        return pd.Series(self._relabel[raw], index=feats.index, name="cluster")
