"""A fresh in-memory DuckDB database per query (the analysis modules' SQL engine)."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd


def query(sql: str, tables: Mapping[str, pd.DataFrame], params: object = None) -> pd.DataFrame:
    """Run ``sql`` in a fresh in-memory DuckDB database that sees ``tables`` by name.

    >>> query("SELECT sum(x) AS s FROM t", {"t": pd.DataFrame({"x": [1, 2]})})["s"].tolist()
    [3.0]
    """
    con = duckdb.connect()
    try:
        for name, frame in tables.items():
            con.register(name, frame)
        return con.execute(sql, params).df()
    finally:
        con.close()
