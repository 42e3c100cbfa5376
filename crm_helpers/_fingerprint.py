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

import numpy as np
import pandas as pd

__all__ = ["update_with_frame", "frame_digest"]


def update_with_frame(digest: Any, frame: pd.DataFrame | pd.Series) -> None:
    """Feed ``frame``'s columns, dtypes, index and values into a hashlib ``digest``.

    Each column's raw values go in as bytes (numbers, dates, booleans; strings as their
    Arrow offsets and UTF-8 data; categoricals as codes and categories) with the length
    and type before them, so two frames get the same fingerprint only if their contents
    are the same. Other columns go through ``pandas.util.hash_pandas_object``.

    Raises ``TypeError`` for cells pandas cannot hash (lists, dicts): callers then skip
    their cache.
    """
    df = frame.to_frame() if isinstance(frame, pd.Series) else frame
    digest.update(f"{list(df.columns)}:{list(df.dtypes.astype(str))}:{len(df)}".encode())
    index = df.index
    if isinstance(index, pd.RangeIndex):
        digest.update(f"range:{index.start}:{index.stop}:{index.step}".encode())
    elif isinstance(index, pd.MultiIndex):
        digest.update(pd.util.hash_pandas_object(index).to_numpy().tobytes())
    else:
        _update_with_array(digest, index.array)
    for _, column in df.items():
        _update_with_array(digest, column.array)


def _update_with_array(digest: Any, values: Any) -> None:
    """One column's values, as bytes that determine them, after their type and length."""
    dtype = values.dtype
    digest.update(f"|{type(values).__name__}:{dtype}:{len(values)}|".encode())
    if isinstance(dtype, pd.CategoricalDtype):
        digest.update(f"ordered={dtype.ordered}".encode())
        _update_with_array(digest, pd.array(values.codes))
        _update_with_array(digest, dtype.categories.array)
    elif isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        digest.update(np.ascontiguousarray(np.asarray(values)).view(np.uint8))
    elif isinstance(dtype, pd.StringDtype) and len(values):
        _update_with_strings(digest, values)
    elif getattr(dtype, "numpy_dtype", np.dtype(object)).kind in "biuf":  # Int64, boolean
        digest.update(np.asarray(values.isna()).tobytes())
        digest.update(values.to_numpy(dtype=dtype.numpy_dtype, na_value=0).tobytes())
    else:
        digest.update(pd.util.hash_pandas_object(pd.Series(values), index=False).to_numpy())


def _update_with_strings(digest: Any, values: Any) -> None:
    """A string column as its missing-value mask, the lengths of its strings (Arrow
    offsets from 0) and their UTF-8 bytes end to end."""
    import pyarrow as pa

    arr = values.__arrow_array__()
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    arr = arr.cast(pa.large_string())
    _, offsets_buffer, data_buffer = arr.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    digest.update(arr.is_null().to_numpy(zero_copy_only=False).tobytes())
    digest.update((offsets - offsets[0]).tobytes())
    if data_buffer is not None:
        digest.update(memoryview(data_buffer)[int(offsets[0]) : int(offsets[-1])])


def frame_digest(frame: pd.DataFrame | pd.Series) -> str:
    """The hex SHA-256 of :func:`update_with_frame`.

    >>> frame_digest(pd.DataFrame({"x": [1]})) == frame_digest(pd.DataFrame({"x": [1]}))
    True
    """
    import hashlib

    digest = hashlib.sha256()
    update_with_frame(digest, frame)
    return digest.hexdigest()
