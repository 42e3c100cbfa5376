"""The analysis modules' SQL engine: one in-memory DuckDB database per process.

Opening a DuckDB database costs a few tenths of a second (it starts its threads); a
*cursor* on an open database costs nothing and has its own registered tables, temporary
tables and views, dropped when it is closed. So every query runs in a fresh cursor of one
shared database (made again in a forked child process, which must not use its parent's).
"""

from __future__ import annotations

import atexit
import os
import tempfile
from collections.abc import Mapping

import duckdb
import pandas as pd

__all__ = ["cursor", "query"]

_SHARED: dict[str, object] = {}


def _database() -> duckdb.DuckDBPyConnection:
    if _SHARED.get("pid") != os.getpid():
        scratch = tempfile.TemporaryDirectory(prefix="crm_duck_")
        atexit.register(scratch.cleanup)
        db = duckdb.connect()
        db.execute("SET preserve_insertion_order = false")
        db.execute(f"SET temp_directory = '{scratch.name}'")
        db.execute("SET memory_limit = '1GB'")
        _SHARED.update(pid=os.getpid(), db=db, scratch=scratch)
    return _SHARED["db"]  # type: ignore[return-value]


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor of the process's database (close it when done).

    >>> con = cursor(); con.execute("SELECT 40 + 2").fetchone()[0]
    42
    >>> con.close()
    """
    return _database().cursor()


def query(sql: str, tables: Mapping[str, pd.DataFrame], params: object = None) -> pd.DataFrame:
    """Run ``sql`` in a fresh cursor that sees ``tables`` by name.

    >>> query("SELECT sum(x) AS s FROM t", {"t": pd.DataFrame({"x": [1, 2]})})["s"].tolist()
    [3.0]
    """
    con = cursor()
    try:
        for name, frame in tables.items():
            con.register(name, frame)
        return con.execute(sql, params).df()
    finally:
        con.close()
