"""Baskets (购物篮) and frequent itemsets (频繁项集), mined level by level."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ._common import _BITSET_CHUNK_BYTES, _check_len, _check_pairs, _check_support, _Encoded

__all__ = ["baskets_from_transactions", "frequent_itemsets", "format_itemset"]


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
