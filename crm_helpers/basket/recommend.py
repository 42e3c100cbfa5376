"""Item-based recommendation (基于物品的推荐) from item co-occurrence (共现), and the popularity baseline."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable

import numpy as np
import pandas as pd
from scipy import sparse

from crm_helpers.schema import check_choice

from ._common import _SIMILARITIES, _check_k, _Encoded

__all__ = ["ItemRecommender", "PopularityRecommender", "recommend_items"]


# --------------------------------------------------------------------------- recommenders
#: Similarities are stored as integers in units of 2**-32, so that a basket's score is an
#: exact integer sum: the same whatever the order of the additions, which makes ties (and
#: so the ranks of recommend() and of the leave-one-out evaluation) identical.
_SCALE = 2**32


def _query_matrix(rows: np.ndarray, codes: np.ndarray, n_rows: int, m: int) -> sparse.csr_matrix:
    q = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), (rows, codes)), shape=(n_rows, m))
    q.sum_duplicates()
    q.data[:] = 1
    return q


class _BasketRecommender(ABC):
    """Shared machinery: item coding, popularity tie-break, scoring and ranking.

    Subclasses define ``_fit_scores(enc)``, ``_score_ints(query)`` (integer scores of 0/1
    query rows over the items), ``_held_out_ints(items)`` (what one item adds to a
    basket's scores, or None if nothing) and ``_unit`` (the value of one score unit).
    """

    _unit = 1.0

    def __init__(self, k: int = 5, *, basket: str = "basket", item: str = "item") -> None:
        self.k = k
        self.basket = basket
        self.item = item

    def fit(self, baskets: pd.DataFrame) -> _BasketRecommender:
        """Learn from a table of (basket, item) pairs; returns the recommender."""
        _check_k(self.k)
        enc = _Encoded(baskets, self.basket, self.item)
        self.items_ = list(enc.labels)
        self._code = {v: j for j, v in enumerate(self.items_)}
        self.item_counts_ = pd.Series(enc.item_counts, index=pd.Index(self.items_), name="count")
        self.n_baskets_ = enc.n
        # popularity position: 0 = most popular; ties by item order (sorted labels)
        order = np.lexsort((np.arange(enc.m), -enc.item_counts))
        self._pos = np.empty(enc.m, dtype=np.int64)
        self._pos[order] = np.arange(enc.m)
        self._fit_scores(enc)
        return self

    @abstractmethod
    def _fit_scores(self, enc: _Encoded) -> None:
        """Learn the scores from the encoded baskets."""

    @abstractmethod
    def _score_ints(self, query: sparse.csr_matrix) -> np.ndarray:
        """Integer scores of 0/1 query rows over the items."""

    @abstractmethod
    def _held_out_ints(self, items: np.ndarray) -> np.ndarray | None:
        """What one item adds to a basket's scores, or None if nothing."""

    def _check_fitted(self) -> None:
        if not hasattr(self, "items_"):
            raise RuntimeError(
                f"This {type(self).__name__} is not fitted yet: call .fit(baskets) first."
            )

    def _codes(self, basket_items: Iterable[Hashable]) -> np.ndarray:
        if isinstance(basket_items, (str, bytes)):
            basket_items = [basket_items]
        codes = {self._code[v] for v in basket_items if v in self._code}
        return np.array(sorted(codes), dtype=np.int64)

    def _ints(self, basket_items: Iterable[Hashable]) -> tuple[np.ndarray, np.ndarray]:
        codes = self._codes(basket_items)
        q = _query_matrix(np.zeros(len(codes), dtype=np.int64), codes, 1, len(self.items_))
        return self._score_ints(q)[0], codes

    def score(self, basket_items: Iterable[Hashable]) -> pd.Series:
        """The score of every known item for a basket holding ``basket_items``."""
        self._check_fitted()
        ints, _ = self._ints(basket_items)
        return pd.Series(ints * self._unit, index=pd.Index(self.items_), name="score")

    def recommend(self, basket_items: Iterable[Hashable], k: int | None = None) -> pd.DataFrame:
        """The ``k`` best items not already in the basket.

        Items the recommender has not seen are ignored. Ties in score go to the more
        popular item, then to the item that sorts first.

        Returns
        -------
        DataFrame
            ``item``, ``score``, ``rank`` (1 = best).
        """
        self._check_fitted()
        k = _check_k(self.k if k is None else k)
        ints, codes = self._ints(basket_items)
        allowed = np.ones(len(ints), dtype=bool)
        allowed[codes] = False
        idx = np.flatnonzero(allowed)
        order = idx[np.lexsort((self._pos[idx], -ints[idx]))][:k]
        return pd.DataFrame(
            {
                "item": pd.Series([self.items_[j] for j in order], dtype=object),
                "score": ints[order] * self._unit,
                "rank": np.arange(1, len(order) + 1),
            }
        )


class ItemRecommender(_BasketRecommender):
    """Item-based recommendations from co-occurrence in baskets (基于物品的协同过滤).

    Each pair of items gets a similarity from how often they are in the same basket:

    * ``similarity="cosine"`` (default): ``c(i, j) / sqrt(c(i) c(j))``, where ``c(i, j)``
      counts baskets with both items and ``c(i)`` baskets with ``i``; symmetric, and it
      does not favour items just because they are popular;
    * ``similarity="conditional"``: ``P(j | i) = c(i, j) / c(i)``, the confidence of the
      rule ``{i} ⇒ {j}``; it leans towards popular items.

    A basket's score for item ``j`` is the sum of ``j``'s similarities to the items in the
    basket (item-based top-N, Deshpande & Karypis 2004); the recommendations are the
    ``k`` best items not in the basket, ties going to the more popular item. Items never
    seen in training are ignored; an empty basket gets the most popular items.
    Similarities are kept to 2⁻³² (about 2e-10) so that sums are exact.

    Attributes
    ----------
    items_ : list
        The items seen in training (after ``fit``).
    item_counts_ : Series
        Number of training baskets holding each item.
    similarity_ : scipy.sparse.csr_matrix
        The item × item similarities (diagonal 0), rows and columns in ``items_`` order.

    Examples
    --------
    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3, 4], "item": list("abacbcc")})
    >>> rec = ItemRecommender(k=2).fit(b)
    >>> rec.recommend(["a"])  # cos(a, b) = 1 / sqrt(2 * 2), cos(a, c) = 1 / sqrt(2 * 3)
      item     score  rank
    0    b  0.500000     1
    1    c  0.408248     2
    """

    _unit = 1.0 / _SCALE

    def __init__(
        self,
        k: int = 5,
        similarity: str = "cosine",
        *,
        basket: str = "basket",
        item: str = "item",
    ) -> None:
        super().__init__(k, basket=basket, item=item)
        self.similarity = similarity

    def _fit_scores(self, enc: _Encoded) -> None:
        check_choice("similarity", self.similarity, _SIMILARITIES)
        x = enc.matrix()
        co = sparse.csr_matrix(x.T.tocsr() @ x)
        row = np.repeat(np.arange(enc.m), np.diff(co.indptr))
        off = co.indices != row
        row, col, both = row[off], co.indices[off], co.data[off].astype(np.float64)
        c = enc.item_counts.astype(np.float64)
        if self.similarity == "cosine":
            both /= np.sqrt(c[row] * c[col])
        else:  # row item i, column item j: P(j | i)
            both /= c[row]
        ints = np.rint(both * _SCALE).astype(np.int64)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=enc.m))))
        self._sim = sparse.csr_matrix((ints, col, indptr), shape=(enc.m, enc.m))
        self._sim.sort_indices()
        self.similarity_ = self._sim.astype(np.float64) * self._unit

    def _score_ints(self, query: sparse.csr_matrix) -> np.ndarray:
        return (query @ self._sim).toarray()

    def _held_out_ints(self, items: np.ndarray) -> np.ndarray | None:
        return self._sim[items].toarray()


class PopularityRecommender(_BasketRecommender):
    """The baseline: recommend the most bought items not already in the basket.

    The score is the number of training baskets holding the item.

    Examples
    --------
    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3, 4], "item": list("abacbcc")})
    >>> PopularityRecommender(k=2).fit(b).recommend(["c"])
      item  score  rank
    0    a    2.0     1
    1    b    2.0     2
    """

    def _fit_scores(self, enc: _Encoded) -> None:
        self._popularity = enc.item_counts.astype(np.int64)

    def _score_ints(self, query: sparse.csr_matrix) -> np.ndarray:
        return np.broadcast_to(self._popularity, (query.shape[0], len(self._popularity))).copy()

    def _held_out_ints(self, items: np.ndarray) -> np.ndarray | None:
        return None


def recommend_items(
    baskets: pd.DataFrame,
    items_in_basket: Iterable[Hashable],
    k: int = 5,
    *,
    similarity: str = "cosine",
    basket: str = "basket",
    item: str = "item",
) -> pd.DataFrame:
    """Fit an :class:`ItemRecommender` on ``baskets`` and recommend ``k`` items.

    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3, 4], "item": list("abacbcc")})
    >>> recommend_items(b, ["a", "b"], k=1)  # 2 / sqrt(2 * 3)
      item     score  rank
    0    c  0.816497     1
    """
    rec = ItemRecommender(k=k, similarity=similarity, basket=basket, item=item).fit(baskets)
    return rec.recommend(items_in_basket)
