"""The per-customer table of :mod:`crm_helpers.engine`, by numpy from a DataFrame's receipts.

One row per customer, in ``customer_id`` order: ``frequency`` (receipts with a positive
value), ``sales`` (net), ``first_ns`` / ``last_ns`` (first and last positive receipt,
nanoseconds since 1970), the overall sales ``rank`` (largest first, sales equal to 6
decimals broken by ``customer_id``) and ``n`` (customers) — what the engine's SQL
``cp`` table and ranking query give, from ``np.bincount`` and one stable ``np.argsort``. The
customer codes (``pd.factorize``) are shared with the indicators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_helpers._engine_receipts import Receipts, derived

__all__ = ["customer_codes", "ranked_customers"]

_NO_TIME = np.iinfo(np.int64)


def customer_codes(receipts: Receipts) -> tuple[np.ndarray, pd.Index]:
    """Each receipt's customer as a code 0 … n-1, and the customers (kept).

    Integer ids in a compact range get codes in id order from an array over the range
    (no hash table); other ids are factorised by pandas.

    >>> r = Receipts(pd.DataFrame({"customer_id": [5, 3, 5]}))
    >>> codes, customers = customer_codes(r)
    >>> codes.tolist(), customers.tolist()
    ([1, 0, 1], [3, 5])
    """
    return derived(receipts, "codes", lambda: _codes(receipts.table["customer_id"]))


def _codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    values = ids.to_numpy()
    if values.dtype.kind in "iu" and len(values):
        low = int(values.min())
        span = int(values.max()) - low + 1
        if span <= max(4 * len(values), 1_000_000):
            present = np.zeros(span, dtype=bool)
            present[values - low] = True
            code_of = np.cumsum(present) - 1
            customers = (np.flatnonzero(present) + low).astype(values.dtype)
            return code_of[values - low], pd.Index(customers, name=ids.name)
    return pd.factorize(ids)


def ranked_customers(receipts: Receipts) -> pd.DataFrame:
    """The customers with frequency, sales, first/last purchase and overall rank.

    >>> r = Receipts(pd.DataFrame({"customer_id": [5, 3, 5],
    ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
    ...     "value": [1.0, 4.0, 2.0]}))
    >>> ranked_customers(r)[["customer_id", "frequency", "sales", "rank"]]
       customer_id  frequency  sales  rank
    0            3          1    4.0     1
    1            5          2    3.0     2
    """
    codes, customers = customer_codes(receipts)
    table, n = receipts.table, len(customers)
    value = table["value"].to_numpy(dtype=np.float64)
    stamps = table["ts"].to_numpy().astype("datetime64[ns]").view(np.int64)
    pos = value > 0
    first = np.full(n, _NO_TIME.max, dtype=np.int64)
    last = np.full(n, _NO_TIME.min, dtype=np.int64)
    np.minimum.at(first, codes[pos], stamps[pos])
    np.maximum.at(last, codes[pos], stamps[pos])
    sales = np.bincount(codes, weights=value, minlength=n)
    if customers.is_monotonic_increasing:
        by_id = np.arange(n)
    else:
        by_id = np.asarray(customers.argsort(), dtype=np.intp)
    rank = np.empty(n, dtype=np.int64)
    rank[_sales_order(sales[by_id])] = np.arange(1, n + 1)
    return pd.DataFrame(
        {
            "customer_id": customers.take(by_id),
            "frequency": np.bincount(codes[pos], minlength=n)[by_id],
            "sales": sales[by_id],
            "first_ns": first[by_id],
            "last_ns": last[by_id],
            "rank": rank,
            "n": np.full(n, n, dtype=np.int64),
        }
    )


def _sales_order(sales: np.ndarray) -> np.ndarray:
    """Positions by sales rounded to 6 decimals, largest first, ties by position.

    ``np.round(x, 6)`` is ``rint(x * 1e6) / 1e6``, so the whole numbers ``rint(-x * 1e6)``
    order the same; with the position added below them they are distinct, and one
    unstable sort of int64 keys does what a stable sort of the rounded floats would.

    >>> _sales_order(np.array([1.0, 3.0, 1.0000001, 2.0])).tolist()
    [1, 3, 0, 2]
    """
    n = len(sales)
    micro = np.rint(-sales * 1e6)
    if n and np.abs(micro).max() * n < 2.0**62:
        return np.argsort(micro.astype(np.int64) * n + np.arange(n))
    return np.argsort(-np.round(sales, 6), kind="stable")
