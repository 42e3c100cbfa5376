"""The receipts of a transaction DataFrame, for :mod:`crm_helpers.engine`: built once, kept.

Every aggregation of the engine starts from the receipts (one row per ``receipt_id``:
``customer_id``, first line time ``ts``, last line time ``ts_max``, ``value``). For a
DataFrame they are built here as a pandas table:

* when ``receipt_id`` is numeric and sorted (the lines of a receipt next to each other,
  as tills and exports write them) and ``customer_id`` numeric, by numpy in one linear
  pass (``np.add.reduceat`` over the runs of equal receipt ids) — no hash table;
* when both ids are numeric but the lines in any order, by ``pd.factorize`` of the
  receipt ids and ``np.bincount`` / ``np.minimum.at`` (about three times faster than
  DuckDB's ``GROUP BY`` on the shared 2-core machine);
* otherwise (text ids, a receipt with two customers, missing values) by DuckDB's
  ``GROUP BY receipt_id`` on the registered frame.

The last table is kept (:data:`_CACHE`, one entry per process) with the customer table
the engine ranks, so that the chapters' calls on the same frame (``segment.rfm_values``,
``segment.decile_table``, ``kpi.indicators_all``) build them once. The entry is used only
while the frame's data are unchanged: its key holds the memory address, length, stride and
dtype of each of the four columns and an exact checksum of the times and amounts, and the entry
keeps a reference to those columns. Under pandas' copy-on-write that reference makes any
later write into the frame copy the written column first, so a changed frame has a new
address and misses the cache (``tests/test_engine.py`` checks edits in place, new columns
and row subsets). The entry is dropped when the frame is garbage-collected.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

__all__ = ["Receipts", "frame_receipts", "clear_cache", "derived"]

_COLUMNS = ("customer_id", "receipt_id", "timestamp", "amount")
_CACHE: dict[str, object] = {}

_RECEIPTS_SQL = """
SELECT any_value(customer_id) AS customer_id, min("timestamp") AS ts,
       max("timestamp") AS ts_max, sum(CAST(amount AS DOUBLE)) AS value
FROM tx GROUP BY receipt_id
"""


@dataclass
class Receipts:
    """The receipts of one frame and tables derived from them alone.

    ``last_times`` makes the receipts' last line times (``ts_max``) when first needed
    (receipts across midnight or ``as_of``); without it ``table`` already has them.
    """

    table: pd.DataFrame
    last_times: Callable[[], np.ndarray] | None = None
    derived: dict[str, object] = field(default_factory=dict)

    def one_day(self) -> bool:
        """Whether every receipt lies within one day (adds ``ts_max`` to the table)."""
        if "one_day" not in self.derived:
            if "ts_max" not in self.table:
                self.table["ts_max"] = self.last_times()
            days = self.table["ts"].to_numpy().astype("datetime64[D]")
            last = self.table["ts_max"].to_numpy().astype("datetime64[D]")
            self.derived["one_day"] = bool((days == last).all())
        return bool(self.derived["one_day"])

    @property
    def clean(self) -> bool:
        """No missing value or time (numpy may then aggregate them as DuckDB does)."""
        if "clean" not in self.derived:
            value, ts = self.table["value"].to_numpy(), self.table["ts"].to_numpy()
            self.derived["clean"] = not (np.isnan(value).any() or np.isnat(ts).any())
        return bool(self.derived["clean"])


def clear_cache() -> None:
    """Forget the kept receipts (they are also dropped when their frame is collected).

    >>> clear_cache()
    """
    _CACHE.clear()


def _key(narrow: pd.DataFrame) -> tuple | None:
    """Addresses, shapes and checksums of the four columns; None if not plain numpy."""
    parts: list[object] = [os.getpid(), len(narrow)]
    for col in _COLUMNS:
        s = narrow[col]
        if not isinstance(s.dtype, np.dtype) or s.dtype.kind not in "iufMO":
            return None
        arr = s.to_numpy()
        address = arr.__array_interface__["data"][0]
        parts += [col, address, arr.strides, arr.dtype.str]
        if col in ("timestamp", "amount") and arr.dtype.itemsize == 8:
            parts.append(int(arr.view(np.int64).sum()))  # exact: wraps around
    return tuple(parts)


def _sorted_receipts(narrow: pd.DataFrame) -> Receipts | None:
    """The receipts by one linear numpy pass, if the lines are in receipt order."""
    rid, cust = narrow["receipt_id"].to_numpy(), narrow["customer_id"].to_numpy()
    ts, amount = narrow["timestamp"].to_numpy(), narrow["amount"].to_numpy()
    if len(rid) == 0 or rid.dtype.kind not in "iu" or cust.dtype.kind not in "iu":
        return None
    if not (rid[1:] >= rid[:-1]).all():
        return None
    new_receipt = rid[1:] != rid[:-1]
    if ((cust[1:] != cust[:-1]) > new_receipt).any():
        return None  # one receipt with two customers: DuckDB's any_value, as before
    starts = np.concatenate(([0], np.flatnonzero(new_receipt) + 1))
    stamps = ts.view(np.int64)
    first = np.minimum.reduceat(stamps, starts).view(ts.dtype)
    value = np.add.reduceat(amount.astype(np.float64, copy=False), starts)
    if np.isnat(first).any() or np.isnan(value).any():
        return None  # a missing time or amount (NaT is the smallest, NaN spreads to the sum)
    table = pd.DataFrame({"customer_id": cust[starts], "ts": first, "value": value})
    return Receipts(table, lambda: np.maximum.reduceat(stamps, starts).view(ts.dtype))


def _hashed_receipts(narrow: pd.DataFrame) -> Receipts | None:
    """The receipts of numeric ids in any order: ``pd.factorize`` and ``np.bincount``."""
    rid, cust = narrow["receipt_id"].to_numpy(), narrow["customer_id"].to_numpy()
    ts, amount = narrow["timestamp"].to_numpy(), narrow["amount"].to_numpy()
    if len(rid) == 0 or rid.dtype.kind not in "iu" or cust.dtype.kind not in "iu":
        return None
    codes, ids = pd.factorize(rid)
    n = len(ids)
    first_line = np.full(n, len(rid), dtype=np.int64)
    np.minimum.at(first_line, codes, np.arange(len(rid)))
    owner = cust[first_line]
    if not (owner[codes] == cust).all():
        return None  # one receipt with two customers: DuckDB's any_value, as before
    stamps = ts.view(np.int64)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, stamps)
    value = np.bincount(codes, weights=amount.astype(np.float64, copy=False), minlength=n)
    first = first.view(ts.dtype)
    if np.isnat(first).any() or np.isnan(value).any():
        return None  # a missing time or amount: DuckDB skips them

    def last_times() -> np.ndarray:
        last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(last, codes, stamps)
        return last.view(ts.dtype)

    table = pd.DataFrame({"customer_id": owner, "ts": first, "value": value})
    return Receipts(table, last_times)


def frame_receipts(
    con: duckdb.DuckDBPyConnection, narrow: pd.DataFrame, owner: object = None
) -> Receipts:
    """The receipts of ``narrow`` (registered in ``con`` as ``tx``), kept for reuse.

    ``owner`` is the caller's frame: the kept entry is dropped when it is collected.

    >>> import duckdb
    >>> tx = pd.DataFrame({"customer_id": [7, 7, 8], "receipt_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:01",
    ...                                  "2024-01-02 09:00"]),
    ...     "amount": [2.0, 3.0, 4.0]})
    >>> con = duckdb.connect(); _ = con.register("tx", tx)
    >>> frame_receipts(con, tx).table[["customer_id", "value"]]
       customer_id  value
    0            7    5.0
    1            8    4.0
    """
    key = _key(narrow)
    entry = _CACHE.get("entry")  # (key, receipts, columns): one read, safe across threads
    if key is not None and entry is not None and entry[0] == key:
        return entry[1]
    receipts = _sorted_receipts(narrow)
    if receipts is None:
        receipts = _hashed_receipts(narrow)
    if receipts is None:
        receipts = Receipts(con.execute(_RECEIPTS_SQL).df())
    if key is not None:
        _CACHE["entry"] = (key, receipts, narrow)
        _drop_with(owner if owner is not None else narrow, key)
    return receipts


def _drop_with(owner: object, key: tuple) -> None:
    def drop(key: tuple = key) -> None:
        entry = _CACHE.get("entry")
        if entry is not None and entry[0] == key:
            _CACHE.pop("entry", None)

    try:
        weakref.finalize(owner, drop)
    except TypeError:  # not weak-referenceable: kept until the next frame
        pass


def derived(receipts: Receipts, name: str, make: Callable[[], object]) -> Any:
    """A table computed from ``receipts`` alone (e.g. the ranked customers), made once.

    >>> r = Receipts(pd.DataFrame())
    >>> derived(r, "n", lambda: pd.DataFrame({"n": [1]}))["n"].tolist()
    [1]
    """
    if name not in receipts.derived:
        receipts.derived[name] = make()
    return receipts.derived[name]
