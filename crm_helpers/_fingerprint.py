"""One way to fingerprint a table's contents, for the caches keyed by data (the simulation
memo, choose_k's tables, the plan report): its column names, dtypes and every row's hash.

>>> import hashlib
>>> a, b = hashlib.sha256(), hashlib.sha256()
>>> update_with_frame(a, pd.DataFrame({"x": [1, 2]}))
>>> update_with_frame(b, pd.DataFrame({"x": [1, 3]}))
>>> a.hexdigest() == b.hexdigest()
False
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["update_with_frame", "frame_digest"]


def update_with_frame(digest: Any, frame: pd.DataFrame | pd.Series) -> None:
    """Feed ``frame``'s columns, dtypes, index and values into a hashlib ``digest``.

    Raises ``TypeError`` for cells pandas cannot hash (lists, dicts): callers then skip
    their cache.
    """
    df = frame.to_frame() if isinstance(frame, pd.Series) else frame
    digest.update(f"{list(df.columns)}:{list(df.dtypes.astype(str))}".encode())
    digest.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())


def frame_digest(frame: pd.DataFrame | pd.Series) -> str:
    """The hex SHA-256 of :func:`update_with_frame`.

    >>> frame_digest(pd.DataFrame({"x": [1]})) == frame_digest(pd.DataFrame({"x": [1]}))
    True
    """
    import hashlib

    digest = hashlib.sha256()
    update_with_frame(digest, frame)
    return digest.hexdigest()
