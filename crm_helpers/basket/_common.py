"""Shared inputs of the basket helpers: checked parameters and (basket, item) pairs coded as integers."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy import sparse

from crm_helpers.schema import DataValidationError, require_columns

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
