"""An in-process memo of small simulated retailers and of their extra tables.

A chapter (and its hidden tests) simulates the same small retailer several times, e.g.
``simulate_retailer(300, seed=seed + 1).with_tables("web_events")`` in three exercises.
The generation is deterministic (same config, same data), so the first result is kept and
later calls get a **deep copy** of it: callers may change what they get without changing
what the next caller gets. Only small retailers are kept (at most ``MAX_CUSTOMERS``
members, ``MAX_ENTRIES`` results each of retailers and of extra tables, least recently
used dropped). An extra table is keyed by the retailer's config and a hash of the content
of its tables, so a retailer whose tables were edited gets its extra table made afresh.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from .._fingerprint import update_with_frame
from ._config import SimulationConfig

MAX_CUSTOMERS = 20_000
MAX_ENTRIES = 8
_MAX_ROWS = 2_000_000  # beyond this, hashing the tables would cost more than it saves

T = TypeVar("T")
_BASE: OrderedDict[str, Any] = OrderedDict()
_EXTRA: OrderedDict[tuple[str, str, str], Any] = OrderedDict()


def _remember(store: OrderedDict, key: Any, make: Callable[[], T]) -> T:
    if key in store:
        store.move_to_end(key)
    else:
        store[key] = make()
        while len(store) > MAX_ENTRIES:
            store.popitem(last=False)
    return copy.deepcopy(store[key])


def base(config: SimulationConfig, make: Callable[[], T]) -> T:
    """``make()`` for this config, generated once per process for small retailers.

    >>> cfg = SimulationConfig(n_customers=10, seed=99)
    >>> a = base(cfg, lambda: {"x": [1]}); a["x"].append(2)
    >>> base(cfg, lambda: {"x": [0]})
    {'x': [1]}
    """
    if config.n_customers > MAX_CUSTOMERS:
        return make()
    return _remember(_BASE, config.to_json(), make)


def _table_digest(df: pd.DataFrame, known: dict[int, tuple[pd.DataFrame, str]]) -> str:
    """The digest of one table; ``known`` remembers it by object for one ``with_tables``
    call, in which the same tables are looked up once per extra table added."""
    if id(df) in known and known[id(df)][0] is df:
        return known[id(df)][1]
    digest = hashlib.sha256()
    update_with_frame(digest, df)
    known[id(df)] = (df, digest.hexdigest())
    return known[id(df)][1]


def _fingerprint(
    tables: dict[str, pd.DataFrame], known: dict[int, tuple[pd.DataFrame, str]] | None = None
) -> str | None:
    if sum(len(df) for df in tables.values()) > _MAX_ROWS:
        return None
    known = {} if known is None else known
    digest = hashlib.sha256()
    try:
        for name in sorted(tables):
            digest.update(f"{name}:{_table_digest(tables[name], known)};".encode())
    except (TypeError, ValueError):  # unhashable cells (lists, dicts): do not remember
        return None
    return digest.hexdigest()


def extra(
    config: SimulationConfig,
    tables: dict[str, pd.DataFrame],
    name: str,
    make: Callable[[], T],
    known: dict[int, tuple[pd.DataFrame, str]] | None = None,
) -> T:
    """``make()`` (the extra table ``name``), remembered for these config and tables.
    ``known`` (a dict the caller keeps while it adds several tables and edits none) saves
    hashing the same table again.

    >>> cfg = SimulationConfig(n_customers=10, seed=98)
    >>> t = {"a": pd.DataFrame({"x": [1, 2]})}
    >>> extra(cfg, t, "e", lambda: 1), extra(cfg, t, "e", lambda: 2)
    (1, 1)
    >>> extra(cfg, {"a": pd.DataFrame({"x": [1, 3]})}, "e", lambda: 3)
    3
    """
    if config.n_customers > MAX_CUSTOMERS:
        return make()
    fingerprint = _fingerprint(tables, known)
    if fingerprint is None:
        return make()
    return _remember(_EXTRA, (config.to_json(), fingerprint, name), make)
