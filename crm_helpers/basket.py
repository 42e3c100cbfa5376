"""Market-basket analysis (购物篮分析) and item-based recommendation (基于物品的推荐).

A **basket** (购物篮) is the set of distinct items on one receipt. From a table of
``(basket, item)`` pairs this module finds

* **frequent itemsets** (频繁项集): sets of items bought together in at least a share
  ``min_support`` of all baskets — the **support** (支持度) of the set;
* **association rules** (关联规则) ``A ⇒ {x}``: *confidence* (置信度)
  ``P(x | A) = count(A ∪ {x}) / count(A)`` and *lift* (提升度)
  ``confidence / support({x})`` (above 1: ``x`` is bought with ``A`` more often than on
  its own);
* **item-based recommendations** from the co-occurrence of items (共现), evaluated by
  hit rate at k (命中率) on held-out baskets against a popularity baseline.

**Same rules as R's arules.** :func:`association_rules` returns exactly the rules that
``arules::apriori(trans, parameter = list(supp = s, conf = c, target = "rules"))`` returns
(one item on the right-hand side, as in arules), with arules' conventions, which come from
Christian Borgelt's apriori code that arules wraps:

* support is ``count / n_baskets``; an itemset is frequent when its count is at least
  ``ceil(n_baskets * min_support)``. This is "support ≥ minsupp" except where the
  floating-point product lands just above a whole number: with 100 baskets and
  ``min_support=0.07``, ``100 * 0.07`` is ``7.000000000000001`` and both arules and this
  module require 8 baskets;
* a rule is kept when ``count(A ∪ {x}) / count(A) >= min_confidence - 1e-12`` (ties at the
  threshold are kept);
* the rule's support is the support of the whole itemset ``A ∪ {x}`` (arules'
  ``originalSupport = TRUE``); ``antecedent_support`` is arules' ``coverage``;
* ``min_len`` / ``max_len`` count all items of the rule, antecedent and consequent. With
  arules' default ``minlen = 1``, rules with an **empty antecedent** ``{} ⇒ {x}`` are
  returned for every item with support ≥ ``min_confidence`` (their confidence is the
  item's support and their lift is 1). This module does the same by default
  (``min_len=1``); pass ``min_len=2`` to drop them, as most textbooks do;
* ``max_len=None`` means no limit; arules' default is ``maxlen = 10``, which makes a
  difference only when frequent itemsets of more than 10 items exist (pass ``max_len=10``
  to mirror it). Unlike arules, mining never stops early on a time limit
  (arules' ``maxtime = 5`` seconds).

**How it is computed.** Items are coded as integers; single items are counted with
``numpy.bincount``, pairs with a sparse matrix product ``XᵀX`` of the basket × item
incidence matrix (scipy), and longer itemsets level by level (Apriori candidate
generation with subset pruning) with each frequent item's baskets kept as a packed bitset
and counted with ``numpy.bitwise_and`` and ``numpy.bitwise_count``. See
``benchmarks/bench_basket.py`` for a comparison with mlxtend's ``fpgrowth``.

**Evaluating recommendations.** :func:`split_baskets` puts whole baskets in a training
or a test table, at random with a seed or — given each basket's time — the latest share
in the test table (train on the past, test on the future). In each test basket with two
or more items, every item is hidden in turn and the recommender sees the rest
(leave-one-out, 留一法); the hit rate at k (HR@k) is the share of hidden items that come
in its top k (:func:`hit_rate_at_k`, :func:`hit_rate_table`). Items unseen in training
count as misses. Compare with :class:`PopularityRecommender`, which ignores the basket.

Every function takes DataFrames and returns new ones; inputs are never changed and
nothing is printed or plotted (except :func:`plot_rules`, which draws on an Axes).
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from crm_helpers.schema import DataValidationError, check_choice, require_columns

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "baskets_from_transactions",
    "frequent_itemsets",
    "association_rules",
    "format_itemset",
    "rules_table",
    "ItemRecommender",
    "PopularityRecommender",
    "recommend_items",
    "split_baskets",
    "leave_one_out_ranks",
    "hit_rate_at_k",
    "hit_rate_table",
    "plot_rules",
]

#: arules' tolerance when comparing a rule's confidence with the minimum (istree.c).
CONFIDENCE_EPSILON = 1e-12
_SIMILARITIES = ("cosine", "conditional")
_BITSET_CHUNK_BYTES = 1 << 24  # 16 MB of candidate bitsets at a time
_SCORE_CHUNK_BYTES = 1 << 25  # 32 MB of dense recommendation scores at a time
_PROGRESS_CELLS = 10**8  # held-out items × items above which a progress bar is shown


# --------------------------------------------------------------------------- input
def _check_support(min_support: object) -> float:
    if (
        isinstance(min_support, bool)
        or not isinstance(min_support, numbers.Real)
        or not 0 < float(min_support) <= 1
    ):
        raise ValueError(
            "min_support must be a share of baskets in (0, 1], e.g. 0.01 for 1 %; "
            f"got {min_support!r}. (For a number of baskets, divide it by the number of "
            "baskets.)"
        )
    return float(min_support)


def _check_confidence(min_confidence: object) -> float:
    if (
        isinstance(min_confidence, bool)
        or not isinstance(min_confidence, numbers.Real)
        or not 0 <= float(min_confidence) <= 1
    ):
        raise ValueError(f"min_confidence must be a number in [0, 1]; got {min_confidence!r}.")
    return float(min_confidence)


def _check_len(name: str, value: object, *, allow_none: bool) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        what = "a whole number ≥ 1" + (" or None" if allow_none else "")
        raise ValueError(f"{name} must be {what}; got {value!r}.")
    return int(value)


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a whole number ≥ 1; got {k!r}.")
    return int(k)


def _check_pairs(df: pd.DataFrame, basket: str, item: str, table: str) -> None:
    require_columns(df, [basket, item], table)
    if len(df) == 0:
        raise DataValidationError(
            f"The {table} table is empty: there are no baskets to analyse "
            f"(expected at least one row with columns {basket!r} and {item!r})."
        )
    for col in (basket, item):
        missing = df[col].isna()
        if missing.any():
            rows = df.index[missing.to_numpy()][:5].tolist()
            raise DataValidationError(
                f"Column {col!r} of the {table} table has {int(missing.sum())} missing "
                f"value(s) (rows {', '.join(map(repr, rows))}"
                f"{', …' if missing.sum() > 5 else ''}); drop or fill them first."
            )


def _factorize_items(values: pd.Series) -> tuple[np.ndarray, list]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed types cannot be sorted: keep first-seen order
        codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), pd.Index(uniques).tolist()


class _Encoded:
    """Distinct (basket, item) pairs as integer codes: ``b`` in 0..n-1, ``i`` in 0..m-1."""

    def __init__(self, df: pd.DataFrame, basket: str, item: str, table: str = "baskets"):
        _check_pairs(df, basket, item, table)
        b_codes, b_uniques = pd.factorize(df[basket], sort=False)
        i_codes, self.labels = _factorize_items(df[item])
        self.basket_labels = b_uniques
        self.n = len(b_uniques)
        self.m = len(self.labels)
        key = np.sort(b_codes.astype(np.int64) * self.m + i_codes)
        if len(key) > 1:  # distinct pairs (np.unique hashes first, which is slower here)
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]
        self.b = key // self.m
        self.i = key % self.m
        self.item_counts = np.bincount(self.i, minlength=self.m)

    def matrix(self, columns: np.ndarray | None = None) -> sparse.csr_matrix:
        """The basket × item incidence matrix (int32), optionally of some items only,
        renumbered 0..len(columns)-1 in the given order."""
        b, i, m = self.b, self.i, self.m
        if columns is not None:
            remap = np.full(self.m, -1, dtype=np.int64)
            remap[columns] = np.arange(len(columns))
            keep = remap[i] >= 0
            b, i, m = b[keep], remap[i[keep]], len(columns)
        data = np.ones(len(b), dtype=np.int32)
        return sparse.csr_matrix((data, (b, i)), shape=(self.n, m))


# --------------------------------------------------------------------------- baskets
def baskets_from_transactions(
    tx: pd.DataFrame, basket: str = "receipt_id", item: str = "sku"
) -> pd.DataFrame:
    """The distinct items of each basket: one row per (basket, item) pair.

    Parameters
    ----------
    tx:
        A transaction table with one row per receipt line (several lines of the same item
        on one receipt count once).
    basket, item:
        The columns naming the basket (receipt, invoice) and the item (sku, product,
        sub-category ...).

    Returns
    -------
    DataFrame
        Columns ``basket`` and ``item``, distinct pairs in the order first seen.

    Raises
    ------
    DataValidationError
        If a column is missing, the table is empty or a basket or item is missing.

    Examples
    --------
    >>> tx = pd.DataFrame({"receipt_id": [1, 1, 1, 2], "sku": ["tea", "cup", "tea", "tea"]})
    >>> baskets_from_transactions(tx)
       basket item
    0       1  tea
    1       1  cup
    2       2  tea
    """
    _check_pairs(tx, basket, item, "transactions")
    out = pd.DataFrame({"basket": tx[basket].to_numpy(), "item": tx[item].to_numpy()}, copy=True)
    return out.drop_duplicates(ignore_index=True)


def format_itemset(itemset: Iterable[Any]) -> str:
    """An itemset as sorted text, e.g. ``{beer, nuts}`` (frozensets print in any order).

    >>> format_itemset(frozenset({"nuts", "beer"}))
    '{beer, nuts}'
    >>> format_itemset(frozenset())
    '{}'
    """
    items = list(itemset)
    try:
        items = sorted(items)
    except TypeError:
        items = sorted(items, key=str)
    return "{" + ", ".join(str(x) for x in items) + "}"


# --------------------------------------------------------------------------- mining
def _min_count(n: int, min_support: float) -> int:
    # Borgelt's apriori (istree.c): s_min = (int)ceil(tacnt * supp), in double precision
    return max(1, math.ceil(n * min_support))


def _row_keys(rows: np.ndarray, base: int) -> np.ndarray | None:
    """Mixed-radix int64 keys of integer rows (order-preserving), or None if too large."""
    width = rows.shape[1]
    if width == 0:
        return np.zeros(len(rows), dtype=np.int64)
    if width * math.log2(max(base, 2)) >= 62:
        return None
    keys = np.zeros(len(rows), dtype=np.int64)
    for j in range(width):
        keys = keys * base + rows[:, j]
    return keys


def _lookup(table: np.ndarray, query: np.ndarray, base: int) -> np.ndarray:
    """Row position of each query row in ``table`` (rows lexicographically sorted), -1 if
    absent."""
    if len(table) == 0 or len(query) == 0:
        return np.full(len(query), -1, dtype=np.int64)
    t_keys, q_keys = _row_keys(table, base), _row_keys(query, base)
    if t_keys is None or q_keys is None:
        t_index = pd.MultiIndex.from_arrays(list(table.T))
        q_index = pd.MultiIndex.from_arrays(list(query.T))
        return t_index.get_indexer(q_index).astype(np.int64)
    pos = np.searchsorted(t_keys, q_keys)
    pos = np.minimum(pos, len(t_keys) - 1)
    return np.where(t_keys[pos] == q_keys, pos, -1)


def _bitsets(enc: _Encoded, items: np.ndarray) -> np.ndarray:
    """For each of ``items``, the set of baskets holding it as packed bits (uint64 words)."""
    remap = np.full(enc.m, -1, dtype=np.int64)
    remap[items] = np.arange(len(items))
    keep = remap[enc.i] >= 0
    rows, b = remap[enc.i[keep]], enc.b[keep]
    n_words = (enc.n + 63) // 64
    bits = np.zeros((len(items), n_words * 8), dtype=np.uint8)
    np.bitwise_or.at(bits, (rows, b >> 3), (1 << (b & 7)).astype(np.uint8))
    return bits.view(np.uint64)


def _count_candidates(bits: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Number of baskets holding every item of each candidate row.

    Candidates come sorted, so those sharing all but their last item are contiguous: the
    bitset of that shared prefix is built once per group and each candidate then costs
    one ``bitwise_and`` and a popcount.
    """
    n_cand, k = cand.shape
    counts = np.empty(n_cand, dtype=np.int64)
    budget = max(1, _BITSET_CHUNK_BYTES // max(bits.shape[1] * 8, 1))
    prefix = cand[:, :-1]
    new = np.ones(n_cand, dtype=bool)
    new[1:] = np.any(prefix[1:] != prefix[:-1], axis=1)
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    bounds = np.append(starts, n_cand)
    g0 = 0
    while g0 < len(starts):
        g1 = int(np.searchsorted(bounds, bounds[g0] + budget, side="right")) - 1
        g1 = min(max(g1, g0 + 1), len(starts))
        heads = prefix[starts[g0:g1]]
        acc = bits[heads[:, 0]]
        for j in range(1, k - 1):
            acc &= bits[heads[:, j]]
        for lo in range(bounds[g0], bounds[g1], budget):
            hi = min(lo + budget, bounds[g1])
            both = acc[group[lo:hi] - g0] & bits[cand[lo:hi, -1]]
            counts[lo:hi] = np.bitwise_count(both).sum(axis=1, dtype=np.int64)
        g0 = g1
    return counts


def _apriori_gen(level: np.ndarray, base: int) -> np.ndarray:
    """Candidates of size k+1 from the frequent k-itemsets (rows sorted
    lexicographically): join rows sharing their first k-1 items, then keep candidates
    whose every k-subset is frequent. The result is sorted lexicographically too."""
    n, k = level.shape
    new_group = np.ones(n, dtype=bool)
    if k > 1:
        new_group[1:] = np.any(level[1:, :-1] != level[:-1, :-1], axis=1)
    else:
        new_group[1:] = False
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], n)
    group_end = ends[np.cumsum(new_group) - 1]
    partners = group_end - np.arange(n) - 1
    total = int(partners.sum())
    if total == 0:
        return np.empty((0, k + 1), dtype=np.int64)
    left = np.repeat(np.arange(n), partners)
    offset = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + offset
    cand = np.column_stack([level[left], level[right, -1]])
    for drop in range(k - 1):  # dropping either of the last two items gives a parent
        sub = np.delete(cand, drop, axis=1)
        cand = cand[_lookup(level, sub, base) >= 0]
        if len(cand) == 0:
            break
    return cand


def _mine(enc: _Encoded, min_count: int, max_len: int | None) -> tuple[list, np.ndarray]:
    """Frequent itemsets level by level.

    Returns ``(levels, freq)``: ``levels[k-1] = (rows, counts)`` with ``rows`` an
    (n_k × k) array of codes into ``freq`` (sorted lexicographically) and ``freq`` the
    item codes of the frequent items, in label order.
    """
    freq = np.flatnonzero(enc.item_counts >= min_count)
    f = len(freq)
    levels = [(np.arange(f, dtype=np.int64)[:, None], enc.item_counts[freq].astype(np.int64))]
    if f < 2 or max_len == 1:
        return levels, freq
    x = enc.matrix(freq)
    co = sparse.csr_matrix(x.T.tocsr() @ x)  # co-occurrence counts of frequent items
    row = np.repeat(np.arange(f, dtype=np.int64), np.diff(co.indptr))
    keep = (co.data >= min_count) & (co.indices > row)
    row, col, cnt = row[keep], co.indices[keep].astype(np.int64), co.data[keep]
    order = np.lexsort((col, row))
    pairs = np.column_stack([row[order], col[order]])
    levels.append((pairs, cnt[order].astype(np.int64)))
    if len(pairs) < 3 or max_len == 2:
        return levels, freq
    bits = _bitsets(enc, freq)
    current, k = pairs, 3
    while max_len is None or k <= max_len:
        cand = _apriori_gen(current, f)
        if len(cand) == 0:
            break
        counts = _count_candidates(bits, cand)
        ok = counts >= min_count
        if not ok.any():
            break
        current = cand[ok]
        levels.append((current, counts[ok]))
        k += 1
    return levels, freq


def _itemsets_frame(levels: list, freq: np.ndarray, labels: list, n: int) -> pd.DataFrame:
    lab = np.empty(len(labels), dtype=object)
    lab[:] = labels
    sets, counts, lengths = [], [], []
    for k, (rows, cnt) in enumerate(levels, start=1):
        named = lab[freq[rows]]
        sets.extend(frozenset(r) for r in named.tolist())
        counts.append(cnt)
        lengths.append(np.full(len(cnt), k, dtype=np.int64))
    count = np.concatenate(counts) if counts else np.empty(0, dtype=np.int64)
    out = pd.DataFrame(
        {
            "itemset": pd.Series(sets, dtype=object),
            "support": count / n,
            "count": count,
            "length": np.concatenate(lengths) if lengths else np.empty(0, dtype=np.int64),
        }
    )
    out = out.sort_values(["length", "count"], ascending=[True, False], kind="stable")
    return out.reset_index(drop=True)


def frequent_itemsets(
    baskets: pd.DataFrame,
    min_support: float = 0.01,
    max_len: int | None = None,
    basket: str = "basket",
    item: str = "item",
) -> pd.DataFrame:
    """Itemsets bought together in at least ``min_support`` of the baskets (频繁项集).

    Parameters
    ----------
    baskets:
        One row per (basket, item) pair, e.g. from :func:`baskets_from_transactions`
        (repeated pairs count once).
    min_support:
        Minimum share of baskets, in (0, 1]. An itemset is frequent when it is in at
        least ``ceil(n_baskets * min_support)`` baskets (the arules convention).
    max_len:
        Largest itemset size to look for; ``None`` for no limit.
    basket, item:
        Column names in ``baskets``.

    Returns
    -------
    DataFrame
        ``itemset`` (frozenset of items), ``support`` (count / number of baskets),
        ``count`` (number of baskets), ``length``; by length, then by count (largest
        first). ``attrs`` holds ``n_baskets`` and ``min_support``.

    Raises
    ------
    DataValidationError
        Missing columns, an empty table or missing values.
    ValueError
        ``min_support`` outside (0, 1] or a bad ``max_len``.

    Examples
    --------
    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "a"]})
    >>> fi = frequent_itemsets(b, min_support=0.5)
    >>> [(format_itemset(s), c) for s, c in zip(fi["itemset"], fi["count"])]
    [('{a}', 3), ('{b}', 2), ('{a, b}', 2)]
    """
    min_support = _check_support(min_support)
    max_len = _check_len("max_len", max_len, allow_none=True)
    enc = _Encoded(baskets, basket, item)
    levels, freq = _mine(enc, _min_count(enc.n, min_support), max_len)
    out = _itemsets_frame(levels, freq, enc.labels, enc.n)
    out.attrs.update({"n_baskets": enc.n, "min_support": min_support})
    return out


# --------------------------------------------------------------------------- rules
def _levels_from_itemsets(
    itemsets: pd.DataFrame, min_support: float, max_len: int | None
) -> tuple[list, np.ndarray, list, int]:
    """Turn a frequent-itemset table back into coded levels (for rules)."""
    require_columns(itemsets, ["itemset", "support", "count"], "itemsets")
    if len(itemsets) == 0:
        raise DataValidationError("The itemsets table is empty: there are no itemsets.")
    count = itemsets["count"].to_numpy(dtype=np.int64)
    support = itemsets["support"].to_numpy(dtype=float)
    n = int(itemsets.attrs.get("n_baskets", round(count[0] / support[0])))
    mined_at = itemsets.attrs.get("min_support")
    if mined_at is not None and _min_count(n, mined_at) > _min_count(n, min_support):
        raise ValueError(
            f"The itemsets were mined at min_support={mined_at}, above the "
            f"min_support={min_support} asked for; mine them again at the lower support "
            "or pass the baskets table instead."
        )
    min_count = _min_count(n, min_support)
    kept = [
        (frozenset(s), c)
        for s, c in zip(itemsets["itemset"], count.tolist(), strict=True)
        if c >= min_count and len(s) > 0 and (max_len is None or len(s) <= max_len)
    ]
    all_items = list(set().union(*(s for s, _ in kept)))
    try:
        all_items.sort()
    except TypeError:
        all_items.sort(key=str)
    code = {v: j for j, v in enumerate(all_items)}
    if len([s for s, _ in kept if len(s) == 1]) != len(all_items):
        raise _incomplete()
    by_len: dict[int, tuple[list, list]] = {}
    for s, c in kept:
        rows, cnts = by_len.setdefault(len(s), ([], []))
        rows.append(sorted(code[v] for v in s))
        cnts.append(c)
    levels = []
    for k in range(1, max(by_len, default=0) + 1):
        if k not in by_len:
            raise _incomplete()
        rows = np.array(by_len[k][0], dtype=np.int64).reshape(-1, k)
        cnts = np.array(by_len[k][1], dtype=np.int64)
        order = np.lexsort(rows.T[::-1])
        levels.append((rows[order], cnts[order]))
    return levels, np.arange(len(all_items)), all_items, n


def _incomplete() -> DataValidationError:
    return DataValidationError(
        "The itemsets table is not complete: a subset of a frequent itemset is missing "
        "(every subset of a frequent itemset is frequent). Pass the full output of "
        "frequent_itemsets or the baskets table."
    )


def _rule_arrays(
    levels: list, n: int, min_confidence: float, min_len: int, base: int
) -> dict[str, Any]:
    """All rules A ⇒ {x} from the coded levels: lists of antecedent rows and arrays."""
    single = levels[0][1]  # counts of the frequent single items, by code 0..f-1
    ante, head, count, body = [], [], [], []
    threshold = min_confidence - CONFIDENCE_EPSILON
    if min_len <= 1:
        conf = single / n
        ok = np.flatnonzero(conf >= threshold)
        ante.append(np.empty((len(ok), 0), dtype=np.int64))
        head.append(ok.astype(np.int64))
        count.append(single[ok])
        body.append(np.full(len(ok), n, dtype=np.int64))
    for k in range(max(2, min_len), len(levels) + 1):
        rows, cnt = levels[k - 1]
        parent_rows, parent_cnt = levels[k - 2]
        for p in range(k):
            sub = np.delete(rows, p, axis=1)
            pos = _lookup(parent_rows, sub, base)
            if (pos < 0).any():
                raise _incomplete()
            sub_cnt = parent_cnt[pos]
            ok = np.flatnonzero(cnt / sub_cnt >= threshold)
            ante.append(sub[ok])
            head.append(rows[ok, p])
            count.append(cnt[ok])
            body.append(sub_cnt[ok])
    return {"ante": ante, "head": head, "count": count, "body": body, "single": single}


def association_rules(
    baskets_or_itemsets: pd.DataFrame,
    min_support: float = 0.01,
    min_confidence: float = 0.5,
    max_len: int | None = None,
    *,
    min_len: int = 1,
    basket: str = "basket",
    item: str = "item",
) -> pd.DataFrame:
    """Association rules ``A ⇒ {x}`` (关联规则) with support, confidence and lift.

    The rules are exactly those of R's
    ``arules::apriori(trans, parameter = list(supp = min_support, conf = min_confidence,
    minlen = min_len, maxlen = max_len, target = "rules"))``; see the module notes for the
    conventions (empty antecedents with ``min_len=1``, the ``ceil`` support threshold,
    confidence ties kept).

    Parameters
    ----------
    baskets_or_itemsets:
        A baskets table (columns ``basket`` and ``item``) or the output of
        :func:`frequent_itemsets` (mined at a support no higher than ``min_support``).
    min_support:
        Minimum support of the whole rule ``A ∪ {x}``, in (0, 1].
    min_confidence:
        Minimum confidence ``count(A ∪ {x}) / count(A)``, in [0, 1].
    max_len, min_len:
        Largest / smallest number of items in a rule, antecedent and consequent together
        (``None``: no limit). ``min_len=1`` (arules' default) includes ``{} ⇒ {x}`` rules;
        ``min_len=2`` leaves them out.
    basket, item:
        Column names when a baskets table is given.

    Returns
    -------
    DataFrame
        ``antecedent`` (frozenset), ``consequent`` (frozenset of one item), ``support``,
        ``confidence``, ``lift``, ``count`` (baskets with all the rule's items),
        ``antecedent_support`` (arules' coverage), ``consequent_support``; sorted by lift,
        confidence and support, highest first.

    Raises
    ------
    DataValidationError
        Missing columns, an empty table, missing values or an incomplete itemsets table.
    ValueError
        A threshold outside its range.

    Examples
    --------
    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 4], "item": ["a", "b", "a", "b", "a", "c"]})
    >>> r = association_rules(b, min_support=0.5, min_confidence=0.6, min_len=2)
    >>> [(format_itemset(a), format_itemset(c)) for a, c in zip(r["antecedent"], r["consequent"])]
    [('{b}', '{a}'), ('{a}', '{b}')]
    >>> r[["support", "confidence", "lift", "count"]].round(3)
       support  confidence   lift  count
    0      0.5       1.000  1.333      2
    1      0.5       0.667  1.333      2
    """
    min_support = _check_support(min_support)
    min_confidence = _check_confidence(min_confidence)
    max_len = _check_len("max_len", max_len, allow_none=True)
    min_len = _check_len("min_len", min_len, allow_none=False)
    df = baskets_or_itemsets
    if isinstance(df, pd.DataFrame) and "itemset" in df.columns:
        levels, freq, labels, n = _levels_from_itemsets(df, min_support, max_len)
    else:
        enc = _Encoded(df, basket, item)
        levels, freq = _mine(enc, _min_count(enc.n, min_support), max_len)
        labels, n = enc.labels, enc.n
    return _rules_frame(levels, freq, labels, n, min_confidence, min_len)


_RULE_COLUMNS = (
    "antecedent",
    "consequent",
    "support",
    "confidence",
    "lift",
    "count",
    "antecedent_support",
    "consequent_support",
)


def _empty_rules() -> pd.DataFrame:
    dtypes = {"antecedent": object, "consequent": object, "count": np.int64}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, float)) for c in _RULE_COLUMNS})


def _rules_frame(
    levels: list, freq: np.ndarray, labels: list, n: int, min_confidence: float, min_len: int
) -> pd.DataFrame:
    arr = _rule_arrays(levels, n, min_confidence, min_len, max(len(freq), 1)) if levels else None
    if arr is None or not arr["head"]:
        return _empty_rules()
    lab = np.empty(len(labels), dtype=object)
    lab[:] = labels
    antecedents: list[frozenset] = []
    for rows in arr["ante"]:
        antecedents.extend(frozenset(r) for r in lab[freq[rows]].tolist())
    head = np.concatenate(arr["head"])
    count = np.concatenate(arr["count"]).astype(np.int64)
    body = np.concatenate(arr["body"]).astype(np.int64)
    head_count = arr["single"][head]
    confidence = count / body
    out = pd.DataFrame(
        {
            "antecedent": pd.Series(antecedents, dtype=object),
            "consequent": pd.Series(
                [frozenset([v]) for v in lab[freq[head]].tolist()], dtype=object
            ),
            "support": count / n,
            "confidence": confidence,
            "lift": confidence * n / head_count,
            "count": count,
            "antecedent_support": body / n,
            "consequent_support": head_count / n,
        }
    )
    out = out.sort_values(["lift", "confidence", "support"], ascending=False, kind="stable")
    return out.reset_index(drop=True)


def rules_table(
    rules: pd.DataFrame, names: Mapping[Hashable, str] | pd.Series | None = None
) -> pd.DataFrame:
    """Rules with their itemsets written out as text, ready to show (e.g. ``{a} ⇒ {b}``).

    Parameters
    ----------
    rules:
        The output of :func:`association_rules` (or any table with frozenset columns
        ``antecedent`` and ``consequent``).
    names:
        Optional display name of each item (e.g. ``products.set_index("sku")["name_zh"]``);
        items without a name keep their label.

    Returns
    -------
    DataFrame
        A copy with ``antecedent`` and ``consequent`` as sorted text and a ``rule``
        column in front.

    Examples
    --------
    >>> r = pd.DataFrame({"antecedent": [frozenset({"b", "a"})], "consequent": [frozenset({"c"})]})
    >>> rules_table(r, names={"c": "chips"})["rule"].tolist()
    ['{a, b} ⇒ {chips}']
    """
    require_columns(rules, ["antecedent", "consequent"], "rules")
    lookup = dict(names.items()) if names is not None else {}
    out = rules.copy()
    for col in ("antecedent", "consequent"):
        out[col] = [format_itemset(lookup.get(x, x) for x in s) for s in rules[col]]
    out.insert(0, "rule", out["antecedent"] + " ⇒ " + out["consequent"])
    return out


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


# --------------------------------------------------------------------------- evaluation
def split_baskets(
    baskets: pd.DataFrame,
    test_size: float = 0.2,
    *,
    seed: int = 0,
    time: pd.Series | Mapping[Hashable, Any] | None = None,
    basket: str = "basket",
    item: str = "item",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split whole baskets into a training and a test table.

    Parameters
    ----------
    baskets:
        One row per (basket, item) pair.
    test_size:
        Share of baskets in the test table, in (0, 1).
    seed:
        Random seed for the random split.
    time:
        Optional time of each basket (a Series indexed by basket, e.g.
        ``tx.groupby("receipt_id")["timestamp"].min()``). Given, the split is by time:
        the latest ``test_size`` share of baskets is the test set (the honest set-up:
        train on the past, test on the future). Otherwise baskets are drawn at random.

    Returns
    -------
    (train, test)
        Two new tables with the columns of ``baskets``; a basket is in one only.

    Examples
    --------
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
        when = pd.Series(time)
        missing = pd.Index(ids).difference(when.index)
        if len(missing):
            raise DataValidationError(
                f"time has no value for {len(missing)} basket(s), e.g. {missing[0]!r}; "
                "give a Series indexed by basket."
            )
        when = when.reindex(ids)
        order = np.lexsort((np.arange(len(ids)), when.to_numpy()))
        test_ids = ids[order[-n_test:]]
    in_test = baskets[basket].isin(test_ids).to_numpy()
    return baskets[~in_test].copy(), baskets[in_test].copy()


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
    pairs = test_baskets[[basket, item]].drop_duplicates()
    b_codes, b_labels = pd.factorize(pairs[basket], sort=False)
    items = pairs[item].tolist()
    known = np.array([recommender._code.get(v, -1) for v in items], dtype=np.int64)
    size = np.bincount(b_codes, minlength=len(b_labels))
    keep = size[b_codes] >= 2
    b_codes, known = b_codes[keep], known[keep]
    items = [v for v, ok in zip(items, keep.tolist(), strict=True) if ok]
    order = np.argsort(b_codes, kind="stable")
    b_codes, known = b_codes[order], known[order]
    items = [items[j] for j in order.tolist()]
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


# --------------------------------------------------------------------------- plot
def plot_rules(rules: pd.DataFrame, ax: Axes | None = None, *, top: int | None = 200) -> Axes:
    """Support against confidence of the rules, coloured and sized by lift.

    >>> import matplotlib.pyplot as plt
    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3], "item": list("ababa")})
    >>> plot_rules(association_rules(b, 0.3, 0.5)).get_xlabel()
    'support 支持度'
    >>> plt.close("all")
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    require_columns(rules, ["support", "confidence", "lift"], "rules")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    data = rules.nlargest(top, "lift") if top is not None else rules
    sns.scatterplot(
        data=data,
        x="support",
        y="confidence",
        hue="lift",
        size="lift",
        palette="viridis",
        ax=ax,
    )
    ax.set_xlabel("support 支持度")
    ax.set_ylabel("confidence 置信度")
    ax.set_title("association rules 关联规则 (colour: lift 提升度)")
    return ax
