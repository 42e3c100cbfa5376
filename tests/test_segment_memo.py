"""choose_k remembers its tables (the chapter 05 check recomputes the chapter's table) and
k-means runs on one native thread; neither may change a result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from crm_helpers._threads import one_thread
from crm_helpers.segment import clusters


@pytest.fixture
def blobs() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    centres = np.repeat([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]], 40, axis=0)
    return pd.DataFrame(centres + rng.normal(0, 0.5, centres.shape), columns=["a", "b"])


def _fresh(features: pd.DataFrame, **kw) -> pd.DataFrame:
    clusters._CHOOSE_K_MEMO.clear()
    return clusters.choose_k(features, **kw)


def test_a_remembered_table_equals_a_fresh_computation(blobs):
    first = _fresh(blobs, ks=[2, 3, 4], random_state=1)
    again = clusters.choose_k(blobs, [2, 3, 4], random_state=1)
    pd.testing.assert_frame_equal(again, first)
    # the planted three blobs: the silhouette picks k = 3
    assert int(again.loc[again["silhouette"].idxmax(), "k"]) == 3


def test_changing_the_caller_copy_does_not_change_the_memory(blobs):
    first = _fresh(blobs, ks=[2, 3], random_state=1)
    first.loc[:, "silhouette"] = -1.0
    again = clusters.choose_k(blobs, [2, 3], random_state=1)
    assert (again["silhouette"] > 0).all()


def test_other_features_or_arguments_are_computed_not_remembered(blobs):
    clusters.choose_k(blobs, [2, 3], random_state=1)
    moved = blobs.copy()
    moved.iloc[0, 0] += 100.0  # one outlier changes the inertia
    assert clusters.choose_k(moved, [2, 3], random_state=1).equals(
        _fresh(moved, ks=[2, 3], random_state=1)
    )
    clusters.choose_k(blobs, [2, 3], random_state=1)
    renamed = blobs.rename(columns={"a": "x"})
    t = clusters.choose_k(renamed, [2, 3], random_state=1)
    assert t.equals(_fresh(renamed, ks=[2, 3], random_state=1))
    assert len(clusters.choose_k(blobs, [2, 3, 4], random_state=1)) == 3


def test_no_random_state_is_never_remembered(blobs):
    clusters._CHOOSE_K_MEMO.clear()
    clusters.choose_k(blobs, [2, 3], random_state=None)
    assert not clusters._CHOOSE_K_MEMO


def test_the_memory_stays_small(blobs):
    clusters._CHOOSE_K_MEMO.clear()
    for seed in range(clusters._MEMO_SIZE + 3):
        clusters.choose_k(blobs, [2], random_state=seed)
    assert len(clusters._CHOOSE_K_MEMO) == clusters._MEMO_SIZE


def test_one_thread_limits_the_pools_and_restores_them():
    import sklearn.cluster  # noqa: F401  (loads the OpenMP runtime k-means uses)

    before = {i["filepath"]: i["num_threads"] for i in threadpool_info()}
    with one_thread():
        assert all(i["num_threads"] == 1 for i in threadpool_info())
    assert {i["filepath"]: i["num_threads"] for i in threadpool_info()} == before


@pytest.mark.parametrize("sample_size", [50, None])
@pytest.mark.parametrize("shared", [True, False])
def test_the_silhouette_is_sklearns_on_the_same_sample(blobs, sample_size, shared, monkeypatch):
    """One distance matrix shared by every k (or k by k above the size limit) gives what
    silhouette_score gives on each k's own fit."""
    from sklearn.metrics import silhouette_score

    if not shared:
        monkeypatch.setattr(clusters, "_SHARED_DISTANCES_MAX", 10)
    table = _fresh(blobs, ks=[2, 3, 4], random_state=4, sample_size=sample_size)
    for k, sil in zip(table["k"], table["silhouette"], strict=True):
        pipe = clusters._pipeline(int(k), 4, 4).fit(blobs)
        want = silhouette_score(
            pipe[0].transform(blobs), pipe[-1].labels_, sample_size=sample_size, random_state=4
        )
        assert sil == pytest.approx(want, rel=1e-12)
