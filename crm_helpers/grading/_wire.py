"""Answers out of the student's kernel as data, never as code.

In the kernel, :func:`export` turns the answers a check reads into JSON (numbers, strings,
dates, periods, containers; DataFrames and Series as Parquet, arrays as ``.npy`` without
pickles) and displays it under :data:`MIME`; functions are announced only by name, and
:func:`call` runs one on arguments the grader wrote (grader → kernel may be a pickle: the
grader's own objects). In the grader, :func:`decode` reads that JSON back with safe
readers only: nothing a student wrote is unpickled or executed by the grader. Whatever the
student's code does to this module inside its kernel only changes what that student
answers, which the grader's own tests then judge.

>>> decode(encode({"a": [1, 2.5, None], "b": float("nan")}))["a"]
[1, 2.5, None]
>>> import pandas as pd
>>> decode(encode(pd.Period("2023-12", "M")))
Period('2023-12', 'M')
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
from typing import Any

__all__ = ["MIME", "encode", "decode", "export", "call", "Unsupported"]

MIME = "application/vnd.crm-grader.answers+json"
_DEPTH = 20


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _frame(value: Any) -> dict[str, Any]:
    import pandas as pd

    if isinstance(value, pd.Series):
        frame, kind = value.to_frame(name="__value__"), "series"
        extra = {"name": encode(value.name)}
    else:
        frame, kind, extra = value, "frame", {}
    frame = frame.copy()
    cols = list(frame.columns)
    frame.columns = [f"c{i}" for i in range(len(cols))]
    buf = io.BytesIO()
    frame.to_parquet(buf)
    return {"__t": kind, "v": _b64(buf.getvalue()), "cols": encode(cols), **extra}


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON-able description of ``value`` (see the module docstring)."""
    import numpy as np
    import pandas as pd

    if depth > _DEPTH:
        return {"__t": "unsupported", "type": "nested too deep"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.generic) and not isinstance(value, np.datetime64 | np.timedelta64):
        return encode(value.item(), depth + 1)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        v = float(value)
        return v if math.isfinite(v) else {"__t": "float", "v": repr(v)}
    if isinstance(value, str):
        return str(value)
    if isinstance(value, pd.Period):
        return {"__t": "period", "v": str(value), "freq": value.freqstr}
    if isinstance(value, pd.Timestamp | dt.datetime | np.datetime64):
        return {"__t": "ts", "v": pd.Timestamp(value).isoformat()}
    if isinstance(value, dt.date):
        return {"__t": "date", "v": value.isoformat()}
    if isinstance(value, pd.Timedelta | dt.timedelta | np.timedelta64):
        return {"__t": "td", "v": int(pd.Timedelta(value).value)}
    if isinstance(value, list | tuple | set | frozenset):
        kind = {list: "list", tuple: "tuple"}.get(type(value), "set")
        items = [encode(v, depth + 1) for v in value]
        return items if kind == "list" else {"__t": kind, "v": items}
    if isinstance(value, dict):
        return {
            "__t": "dict",
            "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()],
        }
    if isinstance(value, pd.DataFrame | pd.Series):
        try:
            return _frame(value)
        except Exception as err:  # columns of Python objects: not data
            return {"__t": "unsupported", "type": f"{type(value).__name__} ({err})"[:200]}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return encode(value.tolist(), depth + 1)
        buf = io.BytesIO()
        np.save(buf, value, allow_pickle=False)
        return {"__t": "ndarray", "v": _b64(buf.getvalue())}
    if callable(value):
        return {"__t": "callable", "name": getattr(value, "__name__", "")}
    return {"__t": "unsupported", "type": type(value).__name__}


class Unsupported:
    """Stands for an answer that is not data (an object the grader does not read)."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<answer of type {self.type_name}: not data the grader reads>"


def decode(obj: Any, callables: Any = None) -> Any:
    """The value :func:`encode` described, read with safe readers only.

    ``callables(name)`` makes the stand-in for a function answer."""
    import numpy as np
    import pandas as pd

    if isinstance(obj, list):
        return [decode(v, callables) for v in obj]
    if not isinstance(obj, dict):
        return obj
    t, v = obj.get("__t"), obj.get("v")
    if t == "float":
        return float(v)
    if t == "period":
        return pd.Period(v, freq=obj["freq"])
    if t == "ts":
        return pd.Timestamp(v)
    if t == "date":
        return dt.date.fromisoformat(v)
    if t == "td":
        return pd.Timedelta(int(v))
    if t in {"tuple", "set"}:
        items = [decode(x, callables) for x in v]
        return tuple(items) if t == "tuple" else set(items)
    if t == "dict":
        return {_hashable(decode(k, callables)): decode(x, callables) for k, x in v}
    if t in {"frame", "series"}:
        frame = pd.read_parquet(io.BytesIO(base64.b64decode(v)))
        frame.columns = decode(obj["cols"])
        if t == "series":
            return frame.iloc[:, 0].rename(decode(obj.get("name")))
        return frame
    if t == "ndarray":
        return np.load(io.BytesIO(base64.b64decode(v)), allow_pickle=False)
    if t == "callable" and callables is not None:
        return callables(obj.get("name", ""))
    return Unsupported(str(obj.get("type", t)))


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _show(payload: dict[str, Any]) -> None:
    from IPython.display import display

    display({MIME: payload}, raw=True)


def export(names: list[str]) -> None:
    """(In the kernel.) Display the answers ``names`` as data; absent names are marked."""
    from IPython import get_ipython

    ns = get_ipython().user_ns
    out = {}
    for name in names:
        if name not in ns:
            out[name] = {"__t": "missing"}
            continue
        try:
            out[name] = encode(ns[name])
        except Exception as err:
            out[name] = {"__t": "unsupported", "type": f"{type(err).__name__}"}
    _show({"values": out})


def call(name: str, path: str) -> None:
    """(In the kernel.) Call the answer function ``name`` on the grader's arguments in
    ``path`` and display the result as data (or the error it raised)."""
    import pickle

    from IPython import get_ipython

    with open(path, "rb") as fh:
        args, kwargs = pickle.load(fh)  # written by the grader, not by a student
    try:
        result = get_ipython().user_ns[name](*args, **kwargs)
        payload = {"value": encode(result)}
    except Exception as err:
        payload = {"error": f"{type(err).__name__}: {err}"[:500], "ename": type(err).__name__}
    _show(payload)


def read_payload(outputs: list[Any]) -> dict[str, Any] | None:
    """(In the grader.) The last payload displayed under :data:`MIME` in a cell's outputs."""
    found = None
    for out in outputs:
        data = out.get("data", {}) if isinstance(out, dict) else {}
        if MIME in data:
            raw = data[MIME]
            found = json.loads(raw) if isinstance(raw, str) else raw
    return found if isinstance(found, dict) else None
