"""One pass of the engine for the chapters' heavy aggregations (RFM, deciles, indicators).

:func:`aggregate` computes, from one transaction table, the per-customer summary (RFM),
the customer deciles (十分位) overall and per period and the indicators (指标) per year,
quarter, month and week. The lines are summed into receipts once and every result is
computed from those receipts. For a DataFrame the receipts are a pandas table built by
numpy (or by DuckDB for text ids) and kept while the frame is unchanged, so that the
chapters' separate calls on one frame share them; customers, ranks and indicators are
then numpy passes (:mod:`crm_helpers._engine_receipts`, ``_engine_customers``,
``_engine_indicators``; ``docs/scaling.md`` explains each step). For files everything is
DuckDB SQL (a native receipts table, the indicators of all periods in one ``GROUPING
SETS`` query), out-of-core. The results equal, column for column and dtype for dtype, what
the helpers of :mod:`crm_helpers.segment` and :mod:`crm_helpers.kpi` return:

========================================  ==============================================
helper                                    engine
========================================  ==============================================
``segment.customer_summary(tx, as_of)``   ``engine.customer_summary(tx, as_of)``
``segment.rfm_values(tx, as_of)``         ``engine.rfm_values(tx, as_of)``
``segment.customer_deciles(tx, period)``  ``engine.customer_deciles(tx, period)``
``segment.decile_table(tx, period)``      ``engine.decile_table(tx, period)``
``kpi.indicators(tx, period)``            ``engine.indicators(tx, period)``
``kpi.indicators_all(tx)``                ``engine.indicators_all(tx)``
all of them at once                       ``engine.aggregate(tx, ...)``
========================================  ==============================================

Instead of a DataFrame every function also accepts a path, a folder or a glob of
Parquet or CSV files (``"sales/*.parquet"``): DuckDB then reads the files itself and
works out-of-core within ``memory_limit``, spilling to ``temp_directory``, so tables
larger than memory work (only the columns ``customer_id``, ``receipt_id``,
``timestamp`` and ``amount`` are read).

Sums of money are floating-point sums taken in a different order than the helpers
take them, so they agree to the last few bits, not always bit for bit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from crm_helpers._duck import cursor
from crm_helpers._engine_customers import customer_codes, ranked_customers
from crm_helpers._engine_indicators import frame_indicators, sql_indicators
from crm_helpers._engine_receipts import Receipts, derived, frame_receipts
from crm_helpers._engine_source import Source, open_source
from crm_helpers.schema import PERIODS, DataValidationError, check_choice

__all__ = [
    "Aggregates",
    "aggregate",
    "customer_summary",
    "rfm_values",
    "customer_deciles",
    "decile_table",
    "indicators",
    "indicators_all",
]

Data = pd.DataFrame | str | Path
_DAY_NS = 86_400 * 10**9
_DEFAULT_MEMORY = "1GB"  # the shared database's budget (crm_helpers._duck)
_RFM_FIRST = ["customer_id", "recency_days", "frequency", "monetary"]

# Lines summed into receipts, once: customer, first line time and value; when needed also
# the last line time (receipts across midnight or across ``as_of``) and the smallest line
# amount (returns in files, refused in the same pass). A receipt belongs to one customer,
# as the schema requires (``validate_transactions`` checks it).
_RECEIPTS_SQL = """
CREATE TEMP TABLE r AS
SELECT any_value(customer_id) AS customer_id, min("timestamp") AS ts,
       sum(CAST(amount AS DOUBLE)) AS value{extra}
FROM tx GROUP BY receipt_id
"""

# Per customer: what the summary and the deciles need.
_CUSTOMERS_SQL = """
CREATE TEMP TABLE cp AS
SELECT customer_id,
       count(*) FILTER (WHERE value > 0) AS frequency, sum(value) AS sales,
       min(epoch_ns(ts)) FILTER (WHERE value > 0) AS first_ns,
       max(epoch_ns(ts)) FILTER (WHERE value > 0) AS last_ns
FROM r GROUP BY customer_id
"""

_SUMMARY_SQL = """
SELECT customer_id,
       count(*) FILTER (WHERE value > 0) AS frequency,
       sum(value) AS sales,
       min(epoch_ns(ts)) FILTER (WHERE value > 0) AS first_ns,
       max(epoch_ns(ts)) FILTER (WHERE value > 0) AS last_ns
FROM {source}
GROUP BY customer_id
HAVING count(*) FILTER (WHERE value > 0) > 0
ORDER BY customer_id
"""

# The customers (summary order) with their overall sales rank: summary and deciles at once.
_RANKED_CUSTOMERS_SQL = """
SELECT customer_id, frequency, sales, first_ns, last_ns,
       row_number() OVER (ORDER BY round(sales, 6) DESC, customer_id) AS rank,
       count(*) OVER () AS n
FROM cp ORDER BY customer_id
"""

# The receipts of the lines up to as_of, when some receipt straddles as_of.
_LINE_RECEIPTS_SQL = """(
    SELECT any_value(customer_id) AS customer_id, min("timestamp") AS ts,
           sum(CAST(amount AS DOUBLE)) AS value
    FROM tx WHERE epoch_ns("timestamp") <= {now} GROUP BY receipt_id)"""


@dataclass(frozen=True)
class Aggregates:
    """What :func:`aggregate` returns: every table of one pass over the data.

    ``summary`` is :func:`customer_summary`'s table (``None`` if not asked for),
    ``deciles`` maps each asked period (``None`` = whole table) to
    :func:`customer_deciles`' table, ``indicators`` maps each asked period to
    :func:`indicators`' table.
    """

    summary: pd.DataFrame | None
    deciles: dict[str | None, pd.DataFrame] = field(default_factory=dict)
    indicators: dict[str, pd.DataFrame] = field(default_factory=dict)

    def rfm_values(self) -> pd.DataFrame:
        """The summary with the RFM columns first (as :func:`rfm_values`)."""
        if self.summary is None:
            raise ValueError("The summary was not computed: call aggregate(..., summary=True).")
        return _rfm_order(self.summary)

    def decile_table(self, period: str | None = None) -> pd.DataFrame:
        """:func:`decile_table` of one of the computed decile periods."""
        if period not in self.deciles:
            raise ValueError(
                f"Deciles for period {period!r} were not computed; computed: "
                f"{list(self.deciles)}. Pass it in aggregate(..., deciles=[...])."
            )
        return _decile_table(self.deciles[period], period)


# --------------------------------------------------------------------------- connection
@contextmanager
def _session(
    data: Data, memory_limit: str | None, temp_directory: str | Path | None, threads: int | None
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Source]]:
    """A fresh DuckDB connection with the lines as the relation ``tx``: a cursor of the
    process's shared database with the default options (cheap), else a database of its own."""
    if memory_limit == _DEFAULT_MEMORY and temp_directory is None and threads is None:
        con = cursor()
        try:
            yield con, open_source(con, data)
        finally:
            con.close()
        return
    con = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="crm_engine_") as scratch:
        try:
            con.execute("SET preserve_insertion_order = false")
            if memory_limit is not None:
                con.execute(f"SET memory_limit = '{_checked_memory(memory_limit)}'")
            con.execute(f"SET temp_directory = '{str(temp_directory or scratch)}'")
            if threads is not None:
                con.execute(f"SET threads = {int(threads)}")
            yield con, open_source(con, data)
        finally:
            con.close()


def _checked_memory(value: str) -> str:
    text = str(value).strip()
    if not text or not (text[0].isdigit()) or "'" in text:
        raise ValueError(f"memory_limit must be a size such as '2GB' or '800MB'; got {value!r}.")
    return text


def _build_receipts(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    strict: bool,
    allow_returns: bool,
    spans: bool,
) -> tuple[bool, Receipts | None]:
    """Sum the lines into receipts (relation ``r``), refusing empty tables and returns.

    Returns whether every receipt lies within one day (then deciles per period can be
    taken from the receipts) and, for a DataFrame, the (kept) receipts.
    """
    refuse = strict and not allow_returns
    if source.frame is not None:
        receipts = frame_receipts(con, source.frame, source.owner)
        if refuse and not receipts.derived.get("no_returns"):
            source.check_returns()
            receipts.derived["no_returns"] = True  # the kept lines are unchanged
        if len(receipts.table) == 0 and strict:
            raise DataValidationError("The transactions table is empty: it has no rows.")
        one_day = receipts.one_day() if spans else True
        con.register("r", receipts.table)
        return one_day, receipts
    on_files = refuse
    extra = (', max("timestamp") AS ts_max' if spans else "") + (
        ", min(amount) AS min_amount" if on_files else ""
    )
    con.execute(_RECEIPTS_SQL.format(extra=extra))
    mixed = "CAST(ts AS DATE) <> CAST(ts_max AS DATE)" if spans else "false"
    n, smallest, n_mixed = con.execute(
        f"""SELECT count(*), {"min(min_amount)" if on_files else "NULL"},
                   count(*) FILTER (WHERE {mixed}) FROM r"""
    ).fetchone()
    if n == 0 and strict:
        raise DataValidationError("The transactions table is empty: it has no rows.")
    if on_files and smallest is not None and smallest <= 0:
        source.refuse_returns(smallest)
    return n_mixed == 0, None


def _grouped_sql(table: str, periods: list[str | None], measures: str) -> str:
    """One row per customer and period of every asked period (``GROUPING SETS``).

    ``level`` names the period (``'all'``: the whole table, ``period`` NULL).
    """
    named = [p for p in periods if p is not None]
    truncs = "".join(f", date_trunc('{p}', ts) AS p_{p}" for p in named)
    sets = ", ".join(["(customer_id)" if p is None else f"(customer_id, p_{p})" for p in periods])
    level = " ".join(f"WHEN GROUPING(p_{p}) = 0 THEN '{p}'" for p in named) or "WHEN 1=0 THEN ''"
    period = f"coalesce({', '.join(f'p_{p}' for p in named)})" if named else "NULL"
    return f"""
        SELECT CASE {level} ELSE 'all' END AS level, {period} AS period, customer_id, {measures}
        FROM (SELECT customer_id, ts, value{truncs} FROM {table})
        GROUP BY GROUPING SETS ({sets})"""


# --------------------------------------------------------------------------- summary
def _summary(
    con: duckdb.DuckDBPyConnection, source: Source, as_of: object, ranked: pd.DataFrame
) -> pd.DataFrame:
    moment = source.resolve_as_of(con, as_of)
    now = moment.as_unit("ns").value
    if as_of is None:  # everything counts: the customers of ``cp`` who bought
        raw = ranked[ranked["frequency"].to_numpy() > 0]
    elif con.execute(
        "SELECT count(*) FROM r WHERE epoch_ns(ts) <= $1 AND epoch_ns(ts_max) > $1", [now]
    ).fetchone()[0]:  # some receipt straddles as_of: from the lines
        raw = con.execute(_SUMMARY_SQL.format(source=_LINE_RECEIPTS_SQL.format(now=now))).df()
    else:
        where = f"(SELECT * FROM r WHERE epoch_ns(ts) <= {now})"
        raw = con.execute(_SUMMARY_SQL.format(source=where)).df()
    last = raw["last_ns"].to_numpy(dtype="int64")
    out = pd.DataFrame(
        {
            "customer_id": raw["customer_id"].to_numpy(),
            "frequency": raw["frequency"].to_numpy(dtype="int64"),
            "monetary": raw["sales"].to_numpy(dtype="float64"),
            "first_purchase": pd.to_datetime(raw["first_ns"].to_numpy(dtype="int64"), unit="ns"),
            "last_purchase": pd.to_datetime(last, unit="ns"),
            "recency_days": (now - last) // _DAY_NS,
        }
    )
    out["avg_basket"] = out["monetary"] / out["frequency"]
    return out


def _rfm_order(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[_RFM_FIRST + [c for c in summary.columns if c not in _RFM_FIRST]]


# --------------------------------------------------------------------------- deciles
_DECILES_SQL = """
WITH ranked AS (
    SELECT level, period, customer_id, sales, row_number() OVER w AS rank,
           count(*) OVER (PARTITION BY level, period) AS n
    FROM {base}
    WINDOW w AS (PARTITION BY level, period ORDER BY round(sales, 6) DESC, customer_id)
)
SELECT level, period, customer_id, sales, rank, (10 * (rank - 1)) // n + 1 AS decile
FROM ranked ORDER BY level, period, rank
"""

# Per-line sales when some receipt spans two days or two customers (rare): exact periods.
_LINE_SALES = '(SELECT customer_id, "timestamp" AS ts, CAST(amount AS DOUBLE) AS value FROM tx)'


def _deciles(
    con: duckdb.DuckDBPyConnection, periods: list[str], exact_receipts: bool
) -> dict[str | None, pd.DataFrame]:
    """Deciles within each period of ``periods`` (names, not None)."""
    table = "r" if exact_receipts else _LINE_SALES
    base = f"({_grouped_sql(table, periods, 'sum(value) AS sales')})"
    raw = con.execute(_DECILES_SQL.format(base=base)).df()
    out: dict[str | None, pd.DataFrame] = {}
    for p in periods:
        part = raw[raw["level"] == p]
        table = pd.DataFrame(
            {
                "customer_id": part["customer_id"].to_numpy(),
                "sales": part["sales"].to_numpy(dtype="float64"),
                "rank": part["rank"].to_numpy(dtype="int64"),
                "decile": part["decile"].to_numpy(dtype="int64"),
            }
        )
        table.insert(0, "period", pd.to_datetime(part["period"].to_numpy()))
        out[p] = table
    return out


def _kept_deciles(
    con: duckdb.DuckDBPyConnection, receipts: Receipts | None, periods: list[str], exact: bool
) -> dict[str | None, pd.DataFrame]:
    """:func:`_deciles`, kept with a DataFrame's receipts: the periods not computed yet for
    this frame in one query, each caller given its own (shallow, copy-on-write) frame."""
    if receipts is None:
        return _deciles(con, periods, exact)
    kept = receipts.derived
    name = {p: f"deciles {p} {'receipts' if exact else 'lines'}" for p in periods}
    missing = [p for p in periods if name[p] not in kept]
    if missing:
        kept.update({name[p]: t for p, t in _deciles(con, missing, exact).items()})
    return {p: kept[name[p]].copy(deep=False) for p in periods}  # type: ignore[union-attr]


def _overall_deciles(ranked: pd.DataFrame) -> pd.DataFrame:
    """Deciles over the whole table from the ranked customers."""
    rank = ranked["rank"].to_numpy(dtype="int64")
    order = np.empty(len(rank), dtype=np.int64)  # ranks are 1 … n: invert the permutation
    order[rank - 1] = np.arange(len(rank))
    rank = rank[order]
    n = ranked["n"].to_numpy(dtype="int64")[order]
    return pd.DataFrame(
        {
            "customer_id": ranked["customer_id"].to_numpy()[order],
            "sales": ranked["sales"].to_numpy(dtype="float64")[order],
            "rank": rank,
            "decile": (10 * (rank - 1)) // n + 1,
        }
    )


def _decile_table(cd: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """Customers and sales per decile, with shares (as ``segment.decile_table``)."""
    keys = ["period", "decile"] if period else ["decile"]
    g = cd.groupby(keys, sort=True)["sales"]
    agg = pd.DataFrame(
        {"customers": g.size(), "sales": g.sum(), "min_sales": g.min(), "max_sales": g.max()}
    )
    if period:
        periods = cd["period"].drop_duplicates().tolist()
        full = pd.MultiIndex.from_product([periods, range(1, 11)], names=keys)
    else:
        full = pd.Index(range(1, 11), name="decile")
    agg = agg.reindex(full)
    agg[["customers", "sales"]] = agg[["customers", "sales"]].fillna(0)
    agg["customers"] = agg["customers"].astype("int64")
    agg = agg.reset_index()
    if period:
        by = agg.groupby("period", sort=False)
        agg["customer_share"] = agg["customers"] / by["customers"].transform("sum")
        agg["sales_share"] = agg["sales"] / by["sales"].transform("sum")
        agg["cum_sales_share"] = agg.groupby("period", sort=False)["sales_share"].cumsum()
    else:
        agg["customer_share"] = agg["customers"] / agg["customers"].sum()
        agg["sales_share"] = agg["sales"] / agg["sales"].sum()
        agg["cum_sales_share"] = agg["sales_share"].cumsum()
    cols = keys + ["customers", "sales", "customer_share", "sales_share", "cum_sales_share"]
    return agg[cols + ["min_sales", "max_sales"]]


# --------------------------------------------------------------------------- public
def _periods(values: Iterable[str | None], name: str, allow_none: bool) -> list:
    values = list(dict.fromkeys(values))
    choices = [None, *PERIODS] if allow_none else list(PERIODS)
    for v in values:
        check_choice(name, v, choices)
    return values


def _compute(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    as_of: object,
    summary: bool,
    decile_periods: list[str | None],
    kpi_periods: list[str],
    allow_returns: bool,
) -> Aggregates:
    strict = summary or bool(decile_periods)
    spans = as_of is not None or any(p is not None for p in decile_periods)
    exact, receipts = _build_receipts(
        con, source, strict=strict, allow_returns=allow_returns, spans=spans
    )
    ranked = None
    if summary or None in decile_periods:
        ranked = _ranked(con, receipts)
    named = [p for p in decile_periods if p is not None]
    by_period = _kept_deciles(con, receipts, named, exact) if named else {}
    if not kpi_periods:
        kpis = {}
    elif receipts is not None and len(receipts.table) and receipts.clean:
        kpis = frame_indicators(receipts.table, kpi_periods, source.unit, customer_codes(receipts))
    else:
        kpis = sql_indicators(con, kpi_periods, source.unit)
    return Aggregates(
        summary=_summary(con, source, as_of, ranked) if summary else None,
        deciles={
            p: _overall_deciles(ranked) if p is None else by_period[p] for p in decile_periods
        },
        indicators=kpis,
    )


def _ranked(con: duckdb.DuckDBPyConnection, receipts: Receipts | None) -> pd.DataFrame:
    """The customers with their overall sales rank (kept with a DataFrame's receipts)."""

    def make() -> pd.DataFrame:
        con.execute(_CUSTOMERS_SQL)
        return con.execute(_RANKED_CUSTOMERS_SQL).df()

    if receipts is None:
        return make()
    if not receipts.clean:  # missing values: DuckDB's sums skip them
        return derived(receipts, "ranked", make)
    return derived(receipts, "ranked", lambda: ranked_customers(receipts))


def aggregate(
    data: Data,
    *,
    as_of: object = None,
    summary: bool = True,
    deciles: Iterable[str | None] = (None,),
    periods: Iterable[str] = tuple(PERIODS),
    allow_returns: bool = False,
    memory_limit: str | None = _DEFAULT_MEMORY,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> Aggregates:
    """RFM summary, deciles and indicators from one pass of DuckDB over the data.

    Parameters
    ----------
    data:
        A transaction table (``customer_id``, ``receipt_id``, ``timestamp``, ``amount``),
        or a Parquet/CSV file, folder or glob with those columns (read out-of-core).
    as_of:
        Date of the summary's recency (default: midnight after the last purchase day).
    summary, deciles, periods:
        What to compute: the per-customer summary; deciles overall (``None``) and/or per
        ``"year"``, ``"quarter"``, ``"month"``, ``"week"``; indicators for these periods.
    allow_returns:
        Net zero or negative amounts instead of refusing them (summary and deciles).
    memory_limit, temp_directory, threads:
        DuckDB's memory budget (e.g. ``"2GB"``; ``None``: DuckDB's default, 80 % of the
        RAM), where it spills beyond it (default: a temporary folder, removed afterwards)
        and its number of threads (default: all cores).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [10, 11, 12],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-03"]),
    ...     "amount": [30.0, 10.0, 5.0]})
    >>> res = aggregate(tx, periods=["month"])
    >>> res.summary[["customer_id", "frequency", "monetary", "recency_days"]]
       customer_id  frequency  monetary  recency_days
    0            1          2      40.0             3
    1            2          1       5.0             1
    >>> res.indicators["month"]["customers"].tolist()
    [1, 2]
    >>> res.deciles[None]["decile"].tolist()
    [1, 6]
    """
    decile_periods = _periods(deciles, "deciles", allow_none=True)
    kpi_periods = _periods(periods, "periods", allow_none=False)
    with _session(data, memory_limit, temp_directory, threads) as (con, source):
        return _compute(con, source, as_of, summary, decile_periods, kpi_periods, allow_returns)


def customer_summary(
    data: Data, as_of: object = None, *, allow_returns: bool = False, **options: object
) -> pd.DataFrame:
    """``segment.customer_summary`` through the engine (``options``: see :func:`aggregate`).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [10, 11, 12],
    ...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-20 09:00", "2024-01-25 00:00"]),
    ...     "amount": [30.0, 10.0, 5.0]})
    >>> customer_summary(tx, "2024-01-31")[["customer_id", "frequency", "recency_days"]]
       customer_id  frequency  recency_days
    0            1          2            10
    1            2          1             6
    """
    res = aggregate(
        data, as_of=as_of, deciles=(), periods=(), allow_returns=allow_returns, **options
    )
    return res.summary


def rfm_values(
    data: Data, as_of: object = None, *, allow_returns: bool = False, **options: object
) -> pd.DataFrame:
    """``segment.rfm_values`` through the engine: the summary with R, F, M first.

    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "receipt_id": [1, 2],
    ...     "timestamp": pd.to_datetime(["2024-03-01", "2024-03-09"]), "amount": [9.5, 3.0]})
    >>> rfm_values(tx).columns[:4].tolist()
    ['customer_id', 'recency_days', 'frequency', 'monetary']
    """
    return _rfm_order(customer_summary(data, as_of, allow_returns=allow_returns, **options))


def customer_deciles(
    data: Data, period: str | None = None, *, allow_returns: bool = False, **options: object
) -> pd.DataFrame:
    """``segment.customer_deciles`` through the engine.

    >>> tx = pd.DataFrame({"customer_id": range(1, 6), "receipt_id": range(1, 6),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 5), "amount": [5.0, 4, 3, 2, 1]})
    >>> customer_deciles(tx)["decile"].tolist()
    [1, 3, 5, 7, 9]
    """
    res = aggregate(
        data, summary=False, deciles=[period], periods=(), allow_returns=allow_returns, **options
    )
    return res.deciles[period]


def decile_table(
    data: Data, period: str | None = None, *, allow_returns: bool = False, **options: object
) -> pd.DataFrame:
    """``segment.decile_table`` through the engine.

    >>> tx = pd.DataFrame({"customer_id": range(1, 21), "receipt_id": range(1, 21),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21)})
    >>> decile_table(tx)["customers"].tolist()
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    """
    cd = customer_deciles(data, period, allow_returns=allow_returns, **options)
    return _decile_table(cd, period)


def indicators_all(data: Data, **options: object) -> dict[str, pd.DataFrame]:
    """``kpi.indicators_all`` through the engine: year, quarter, month and week.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 1], "receipt_id": ["a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-02"]),
    ...     "amount": [10.0, 20.0, 30.0]})
    >>> indicators_all(tx)["week"]["customers"].tolist()
    [1, 2]
    """
    res = aggregate(data, summary=False, deciles=(), allow_returns=True, **options)
    return res.indicators


def indicators(data: Data, period: str = "month", **options: object) -> pd.DataFrame:
    """``kpi.indicators`` through the engine, for one period.

    >>> tx = pd.DataFrame({"customer_id": [1, 2], "receipt_id": [1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-02-03"]), "amount": [5.0, 4.0]})
    >>> indicators(tx, "month")["total_sales"].tolist()
    [5.0, 4.0]
    """
    check_choice("period", period, PERIODS)
    res = aggregate(
        data, summary=False, deciles=(), periods=[period], allow_returns=True, **options
    )
    return res.indicators[period]
