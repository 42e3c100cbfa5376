"""Evaluating recommendations: basket splits, leave-one-out ranks and hit rate at k (命中率)."""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crm_helpers.schema import DataValidationError

from ._common import _PROGRESS_CELLS, _SCORE_CHUNK_BYTES, _check_k, _check_pairs
from .recommend import _BasketRecommender, _query_matrix

__all__ = ["split_baskets", "leave_one_out_ranks", "hit_rate_at_k", "hit_rate_table"]


# --------------------------------------------------------------------------- evaluation
def _latest(ids: np.ndarray, time: pd.Series | Mapping[Hashable, Any], n: int) -> np.ndarray:
    """The ``n`` latest baskets by ``time`` (ties: the later in ``ids`` counts as later)."""
    when = pd.Series(time)
    missing = pd.Index(ids).difference(when.index)
    if len(missing):
        raise DataValidationError(
            f"time has no value for {len(missing)} basket(s), e.g. {missing[0]!r}; "
            "give a Series indexed by basket."
        )
    when = when.reindex(ids)
    order = np.lexsort((np.arange(len(ids)), when.to_numpy()))
    return ids[order[-n:]]


def split_baskets(
    baskets: pd.DataFrame,
    test_size: float = 0.2,
    *,
    seed: int = 0,
    time: pd.Series | Mapping[Hashable, Any] | None = None,
    basket: str = "basket",
    item: str = "item",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split whole baskets into a training and a test table: ``(train, test)``, two new
    tables with the columns of ``baskets`` (one row per (basket, item) pair); a basket is
    in one only. ``test_size`` is the share of baskets in the test table, in (0, 1).

    Given ``time``, the time of each basket (a Series indexed by basket, e.g.
    ``tx.groupby("receipt_id")["timestamp"].min()``), the split is by time: the latest
    ``test_size`` share of baskets is the test set (the honest set-up: train on the past,
    test on the future). Otherwise baskets are drawn at random with ``seed``.

    >>> b = pd.DataFrame({"basket": [1, 1, 2, 3, 4], "item": list("abaab")})
    >>> train, test = split_baskets(b, 0.25, time=pd.Series([4, 3, 2, 1], index=[1, 2, 3, 4]))
    >>> sorted(test["basket"].unique().tolist())
    [1]
    """
    _check_pairs(baskets, basket, item, "baskets")
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, numbers.Real)
        or not (0 < test_size < 1)
    ):
        raise ValueError(f"test_size must be a share in (0, 1); got {test_size!r}.")
    ids = pd.unique(baskets[basket])
    n_test = max(1, int(round(test_size * len(ids))))
    if time is None:
        rng = np.random.default_rng(seed)
        test_ids = ids[rng.permutation(len(ids))[:n_test]]
    else:
        test_ids = _latest(ids, time, n_test)
    in_test = baskets[basket].isin(test_ids).to_numpy()
    return baskets[~in_test].copy(), baskets[in_test].copy()


def _held_out_pairs(
    pairs: pd.DataFrame, basket: str, item: str, code: Mapping[Hashable, int]
) -> tuple[np.ndarray, pd.Index, np.ndarray, list]:
    """The distinct pairs of baskets with two or more items, sorted by basket: basket codes,
    basket labels, item codes (-1 if unseen in training) and items."""
    b_codes, b_labels = pd.factorize(pairs[basket], sort=False)
    items = pairs[item].tolist()
    known = np.array([code.get(v, -1) for v in items], dtype=np.int64)
    size = np.bincount(b_codes, minlength=len(b_labels))
    keep = size[b_codes] >= 2
    b_codes, known = b_codes[keep], known[keep]
    items = [v for v, ok in zip(items, keep.tolist(), strict=True) if ok]
    order = np.argsort(b_codes, kind="stable")
    return b_codes[order], b_labels, known[order], [items[j] for j in order.tolist()]


def leave_one_out_ranks(
    recommender: _BasketRecommender,
    test_baskets: pd.DataFrame,
    *,
    basket: str | None = None,
    item: str | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Leave-one-out ranks of held-out items (留一法).

    For every test basket with at least two distinct items and every item ``h`` in it, the
    recommender sees the rest of the basket and ranks all items not in it; the result is
    the rank of ``h`` (1 = first), exactly as :meth:`recommend` would order them. An item
    the recommender never saw in training gets rank ``NaN`` (never recommended).
    ``basket`` and ``item`` default to the recommender's column names. ``progress``
    shows a progress bar (``None``: only for large evaluations, which take seconds).

    Returns
    -------
    DataFrame
        ``basket``, ``item`` (the held-out item), ``rank``.

    Examples
    --------
    >>> from crm_helpers.basket import ItemRecommender, PopularityRecommender
    >>> train = pd.DataFrame({"basket": [1, 1, 2, 2, 3], "item": list("ababc")})
    >>> rec = ItemRecommender().fit(train)
    >>> leave_one_out_ranks(rec, pd.DataFrame({"basket": [9, 9], "item": ["a", "b"]}))
       basket item  rank
    0       9    a   1.0
    1       9    b   1.0
    """
    recommender._check_fitted()
    basket = recommender.basket if basket is None else basket
    item = recommender.item if item is None else item
    _check_pairs(test_baskets, basket, item, "test baskets")
    b_codes, b_labels, known, items = _held_out_pairs(
        test_baskets[[basket, item]].drop_duplicates(), basket, item, recommender._code
    )
    ranks = _loo_ranks(recommender, b_codes, known, progress)
    return pd.DataFrame(
        {
            "basket": np.asarray(b_labels)[b_codes],
            "item": pd.Series(items, dtype=object),
            "rank": ranks,
        }
    )


def _loo_ranks(
    rec: _BasketRecommender, b_codes: np.ndarray, known: np.ndarray, progress: bool | None
) -> np.ndarray:
    """Ranks for pairs sorted by basket code; ``known`` is the item code or -1.

    The scores of "basket minus h" are the basket's scores minus what ``h`` adds to them
    (exact, the scores being integers); the pairs are processed in chunks of dense rows.
    """
    m = len(rec.items_)
    ranks = np.full(len(b_codes), np.nan)
    todo = np.flatnonzero(known >= 0)
    if len(todo) == 0:
        return ranks
    _, local = np.unique(b_codes, return_inverse=True)
    ok = known >= 0
    q = _query_matrix(local[ok], known[ok], int(local.max()) + 1, m)
    step = max(1, _SCORE_CHUNK_BYTES // (8 * m))
    tiebreak = (m - 1 - rec._pos).astype(np.int64)  # larger for more popular items
    chunks = range(0, len(todo), step)
    if progress or (progress is None and len(todo) * m > _PROGRESS_CELLS):
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc="leave-one-out", unit="chunk")
    for lo in chunks:
        sel = todo[lo : lo + step]
        h = known[sel]
        b0, b1 = local[sel[0]], local[sel[-1]]
        block = q[b0 : b1 + 1]
        rows = local[sel] - b0
        scores = rec._score_ints(block)[rows]
        held = rec._held_out_ints(h)
        if held is not None:
            scores -= held
        r = np.arange(len(sel))
        composite = np.abs(scores).max(initial=0) < (2**62) // m
        if composite:  # one key per item: score first, then popularity
            scores *= m
            scores += tiebreak[None, :]
        target = scores[r, h][:, None]
        # the basket's own items (the held-out one included) are not candidates
        starts, sizes = block.indptr[rows], np.diff(block.indptr)[rows]
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        own = block.indices[np.repeat(starts, sizes) + within]
        scores[np.repeat(r, sizes), own] = np.iinfo(np.int64).min
        ahead = (scores > target).sum(axis=1)
        if not composite:
            tie = (scores == target) & (rec._pos[None, :] < rec._pos[h][:, None])
            ahead += tie.sum(axis=1)
        ranks[sel] = ahead + 1
    return ranks


def hit_rate_at_k(
    recommender: _BasketRecommender,
    test_baskets: pd.DataFrame,
    k: int | None = None,
    *,
    basket: str | None = None,
    item: str | None = None,
    progress: bool | None = None,
) -> float:
    """Share of held-out items found in the top ``k`` recommendations (命中率 HR@k).

    Leave-one-out inside each test basket (see :func:`leave_one_out_ranks`): every item of
    a basket with at least two items is hidden in turn and the rest of the basket is the
    query. Items unseen in training count as misses.

    Examples
    --------
    >>> from crm_helpers.basket import ItemRecommender, PopularityRecommender
    >>> train = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3], "item": list("abcdab")})
    >>> test = pd.DataFrame({"basket": [7, 7, 8, 8], "item": list("abcd")})
    >>> hit_rate_at_k(ItemRecommender().fit(train), test, k=1)
    1.0
    >>> hit_rate_at_k(PopularityRecommender().fit(train), test, k=1)
    0.5
    """
    k = _check_k(recommender.k if k is None else k)
    ranks = leave_one_out_ranks(
        recommender, test_baskets, basket=basket, item=item, progress=progress
    )["rank"]
    if len(ranks) == 0:
        raise DataValidationError(
            "No test basket has two or more items, so nothing can be held out."
        )
    return float((ranks.to_numpy() <= k).mean())


def hit_rate_table(
    recommenders: Mapping[str, _BasketRecommender],
    test_baskets: pd.DataFrame,
    ks: Iterable[int] = (1, 3, 5, 10),
    *,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Hit rate at several k for several fitted recommenders, in long form (for a plot).

    The leave-one-out ranks are computed once per recommender.

    Returns
    -------
    DataFrame
        ``model``, ``k``, ``hit_rate``, ``held_out`` (number of held-out items).

    Examples
    --------
    >>> from crm_helpers.basket import ItemRecommender, PopularityRecommender
    >>> train = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3], "item": list("abcdab")})
    >>> test = pd.DataFrame({"basket": [7, 7, 8, 8], "item": list("abcd")})
    >>> models = {"item": ItemRecommender(), "popular": PopularityRecommender()}
    >>> models = {name: rec.fit(train) for name, rec in models.items()}
    >>> hit_rate_table(models, test, ks=[1, 3])
         model  k  hit_rate  held_out
    0     item  1       1.0         4
    1     item  3       1.0         4
    2  popular  1       0.5         4
    3  popular  3       1.0         4
    """
    ks = [_check_k(k) for k in ks]
    rows = []
    for name, rec in recommenders.items():
        ranks = leave_one_out_ranks(rec, test_baskets, progress=progress)["rank"].to_numpy()
        if len(ranks) == 0:
            raise DataValidationError(
                "No test basket has two or more items, so nothing can be held out."
            )
        rows += [
            {"model": name, "k": k, "hit_rate": float((ranks <= k).mean()), "held_out": len(ranks)}
            for k in ks
        ]
    return pd.DataFrame(rows)
