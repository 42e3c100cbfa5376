"""The customer lifecycle (客户生命周期): a stage per customer and stage counts over time."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pandas as pd

from crm_helpers._duck import query as _query
from crm_helpers.schema import DataValidationError, require_columns
from crm_helpers.timeframe import parse_as_of

from .indicators import (
    _ALWAYS,
    _NEVER,
    _RECEIPT_TIMES_SQL,
    STAGES,
    _datetime_column,
    _narrow,
    _time_unit,
)

__all__ = [
    "lifecycle_stage",
    "lifecycle_counts",
]


# --------------------------------------------------------------------------- lifecycle
def _check_days(new_days: float, active_days: float, lost_days: float) -> dict[str, int]:
    """Validate the thresholds; return them in nanoseconds."""
    values = {"new_days": new_days, "active_days": active_days, "lost_days": lost_days}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a number of days; got {name}={value!r}.")
    if not new_days > 0:
        raise ValueError(f"new_days must be greater than 0; got new_days={new_days!r}.")
    if not 0 < active_days <= lost_days:
        raise ValueError(
            "active_days must be greater than 0 and at most lost_days; got "
            f"active_days={active_days!r}, lost_days={lost_days!r}."
        )
    return {name: pd.Timedelta(days=value).value for name, value in values.items()}


def _customer_table(customers: pd.DataFrame, tx: pd.DataFrame) -> pd.DataFrame:
    """``customer_id`` and ``join_date`` (NaT when unknown), one row per customer."""
    require_columns(customers, ["customer_id"], "customers")
    ids = customers["customer_id"]
    if pd.api.types.is_numeric_dtype(ids) != pd.api.types.is_numeric_dtype(tx["customer_id"]):
        raise DataValidationError(
            "Column 'customer_id' must hold the same kind of ids in the customers and the "
            f"transactions tables; found dtype '{ids.dtype}' in customers and "
            f"'{tx['customer_id'].dtype}' in transactions."
        )
    if "join_date" in customers.columns:
        join = _datetime_column(customers, "join_date", "customers")
    else:
        join = pd.Series(pd.NaT, index=customers.index, dtype="datetime64[ns]")
    table = pd.DataFrame({"customer_id": ids, "join_date": join})
    return table.groupby("customer_id", sort=False, as_index=False)["join_date"].min()


def _classify(
    as_of: pd.Timestamp,
    first: np.ndarray,
    last: np.ndarray,
    last_return: np.ndarray,
    days: dict[str, int],
) -> np.ndarray:
    """The stage of each purchaser, from nanosecond datetimes (NaT: no return purchase)."""
    now = as_of.as_unit("ns").value
    first, last, back = (
        np.asarray(a, "datetime64[ns]").view("i8") for a in (first, last, last_return)
    )
    returned = (back != np.iinfo(np.int64).min) & (now - back < days["active_days"])
    conditions = [
        now - first < days["new_days"],
        returned,
        now - last < days["active_days"],
        now - last < days["lost_days"],
    ]
    return np.select(conditions, ["new", "won_back", "active", "lapsed"], "lost")


_STAGE_SQL = f"""
        WITH {_RECEIPT_TIMES_SQL},
        upto AS (
            SELECT customer_id, ts,
                   epoch_ns(ts) - epoch_ns(lag(ts) OVER (PARTITION BY customer_id ORDER BY ts))
                       AS gap
            FROM receipts
            WHERE epoch_ns(ts) <= $as_of  -- nanoseconds: exact for every unit
        )
        SELECT customer_id,
               min(ts) AS first_purchase,
               max(ts) AS last_purchase,
               count(*) AS n_receipts,
               max(CASE WHEN gap > $active THEN ts END) AS last_return
        FROM upto
        GROUP BY customer_id
    """


def _stage_query(narrow: pd.DataFrame, moment: pd.Timestamp, days: dict[str, int]) -> pd.DataFrame:
    """Per buyer up to ``moment``: first and last purchase, receipts, last return."""
    params = {"as_of": moment.as_unit("ns").value, "active": days["active_days"]}
    return _query(_STAGE_SQL, {"tx": narrow}, params)


def _stage_frame(
    raw: pd.DataFrame, moment: pd.Timestamp, unit: str, days: dict[str, int]
) -> pd.DataFrame:
    """The buyers' rows of :func:`lifecycle_stage` from the query's result."""
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "first_purchase": pd.to_datetime(raw["first_purchase"]).dt.as_unit(unit),
            "last_purchase": pd.to_datetime(raw["last_purchase"]).dt.as_unit(unit),
            "n_receipts": raw["n_receipts"].astype("int64"),
            "stage": _classify(
                moment, raw["first_purchase"], raw["last_purchase"], raw["last_return"], days
            ),
        }
    )


def lifecycle_stage(
    tx: pd.DataFrame,
    as_of: str | datetime | pd.Timestamp,
    *,
    customers: pd.DataFrame | None = None,
    new_days: float = 90,
    active_days: float = 90,
    lost_days: float = 365,
) -> pd.DataFrame:
    """Each customer's lifecycle stage (客户生命周期阶段) at the moment ``as_of``.

    ``tx``: transactions (customer_id, receipt_id, timestamp as datetime, amount); only
    receipts on or before ``as_of`` count. ``as_of``: a date without a time is midnight at
    the *start* of that day. ``customers``: optional members (customer_id, optional
    join_date; NaT = known from the start); members joined by ``as_of`` without a purchase
    are ``prospect``, later ones are left out. ``new_days``, ``active_days``,
    ``lost_days``: thresholds in days (module docstring), ``new_days > 0`` and
    ``0 < active_days <= lost_days``; a purchase exactly ``n`` days before ``as_of`` is not
    within the last ``n`` days.

    Returns one row per customer sorted by customer_id: customer_id, first_purchase,
    last_purchase (NaT for prospects), n_receipts (int64), stage (ordered categorical of
    :data:`STAGES`). Raises DataValidationError (missing columns, a timestamp/join_date
    not datetime, ids of different kinds) or ValueError (bad thresholds or ``as_of``).

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["ann", "ann", "bob", "cat"],
    ...     "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2023-01-10", "2024-05-01", "2024-05-20", "2023-09-01"]),
    ...     "amount": [10.0, 20.0, 5.0, 8.0]})
    >>> members = pd.DataFrame({"customer_id": ["ann", "bob", "cat", "dan"]})
    >>> lifecycle_stage(tx, "2024-06-01", customers=members)[["customer_id", "n_receipts", "stage"]]
      customer_id  n_receipts     stage
    0         ann           2  won_back
    1         bob           1       new
    2         cat           1    lapsed
    3         dan           0  prospect
    """
    days = _check_days(new_days, active_days, lost_days)
    moment = parse_as_of(as_of)
    narrow = _narrow(tx)
    raw = _stage_query(narrow, moment, days)
    unit = _time_unit(narrow["timestamp"])
    out = _stage_frame(raw, moment, unit, days)
    if customers is not None:
        out = pd.concat([out, _prospects(customers, narrow, out, moment, unit)])
    out["stage"] = pd.Categorical(out["stage"], categories=STAGES, ordered=True)
    return out.sort_values("customer_id", kind="stable", ignore_index=True)


def _prospects(
    customers: pd.DataFrame,
    tx: pd.DataFrame,
    purchasers: pd.DataFrame,
    moment: pd.Timestamp,
    unit: str,
) -> pd.DataFrame:
    table = _customer_table(customers, tx)
    joined = table["join_date"].isna() | (table["join_date"] <= moment)
    ids = table.loc[joined & ~table["customer_id"].isin(purchasers["customer_id"]), "customer_id"]
    never = pd.Series(pd.NaT, index=ids.index, dtype=f"datetime64[{unit}]")
    return pd.DataFrame(
        {
            "customer_id": ids,
            "first_purchase": never,
            "last_purchase": never,
            "n_receipts": np.zeros(len(ids), dtype="int64"),
            "stage": "prospect",
        }
    )


def _receipt_events(narrow: pd.DataFrame, active_ns: int) -> dict[str, np.ndarray]:
    """One row per receipt, as int64 nanoseconds: its time ``t``, the customer's next
    receipt ``next`` (or +inf) and ``first`` receipt; flags ``is_return`` (more than
    ``active_ns`` after the customer's previous receipt) and ``is_first`` (the customer's
    first receipt, exactly one per customer)."""
    sql = f"""
        WITH {_RECEIPT_TIMES_SQL}
        SELECT epoch_ns(ts) AS t,
               coalesce(epoch_ns(lead(ts) OVER w), {_NEVER}) AS next,
               epoch_ns(first_value(ts) OVER w) AS first,
               coalesce(epoch_ns(ts) - epoch_ns(lag(ts) OVER w) > $active, false) AS is_return,
               row_number() OVER w = 1 AS is_first
        FROM receipts
        WINDOW w AS (PARTITION BY customer_id ORDER BY ts)
    """
    raw = _query(sql, {"tx": narrow}, {"active": active_ns})
    flags = ("is_return", "is_first")
    return {c: raw[c].to_numpy(dtype=bool if c in flags else "int64") for c in raw}


def _prospect_spans(customers: pd.DataFrame, narrow: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each listed customer, [join date, first purchase) as int64 nanoseconds."""
    table = _customer_table(customers, narrow)
    sql = """
        SELECT coalesce(epoch_ns(c.join_date), $always) AS start,
               coalesce(epoch_ns(f.first_ts), $never) AS stop
        FROM cust AS c
        LEFT JOIN (SELECT customer_id, min("timestamp") AS first_ts FROM tx GROUP BY customer_id)
            AS f USING (customer_id)
    """
    params = {"always": int(_ALWAYS), "never": int(_NEVER)}
    raw = _query(sql, {"tx": narrow, "cust": table}, params)
    return raw["start"].to_numpy(dtype="int64"), raw["stop"].to_numpy(dtype="int64")


def _count_spans(dates: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """For each of the sorted ``dates``, how many spans [start, stop) contain it."""
    left = np.searchsorted(dates, start, side="left")
    return _count_positions(left, np.searchsorted(dates, stop, side="left"), len(dates))


def _count_positions(lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray:
    """Like :func:`_count_spans`, with the spans given as date positions [lo, hi)."""
    keep = lo < hi
    diff = np.bincount(lo[keep], minlength=n + 1) - np.bincount(hi[keep], minlength=n + 1)
    return np.cumsum(diff)[:n]


def _stage_counts(dates: np.ndarray, ev: dict[str, np.ndarray], days: dict[str, int]) -> dict:
    """Counts per date of each purchaser stage, from the receipt events.

    Receipt k is the customer's last purchase for dates in [t_k, next_k); within that span
    the customer is active, then lapsed, then lost, except while still new
    (before first + new_days). Won back is the part of "active" in [t_r, t_r + active_days)
    for a return receipt r; those spans of one customer never overlap.

    Each moment is turned into a position among the dates once (``searchsorted``); as that
    is monotone, the max / min of two moments is the max / min of their positions.
    """
    n = len(dates)

    def pos(moments: np.ndarray) -> np.ndarray:
        return np.searchsorted(dates, moments, side="left")

    t, ret, one = ev["t"], ev["is_return"], ev["is_first"]
    at, nxt = pos(t), pos(ev["next"])
    new_end = pos(ev["first"] + days["new_days"])
    active_end = pos(t + days["active_days"])
    lost_from = pos(t + days["lost_days"])
    all_active = _count_positions(np.maximum(at, new_end), np.minimum(active_end, nxt), n)
    won_back = _count_positions(np.maximum(at[ret], new_end[ret]), active_end[ret], n)
    return {
        "new": _count_positions(at[one], new_end[one], n),
        "active": all_active - won_back,
        "won_back": won_back,
        "lapsed": _count_positions(np.maximum(active_end, new_end), np.minimum(lost_from, nxt), n),
        "lost": _count_positions(np.maximum(lost_from, new_end), nxt, n),
    }


def _default_dates(t: np.ndarray, freq: str) -> pd.DatetimeIndex:
    try:
        pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"freq must be a pandas frequency such as 'MS' (month starts), 'QS' or 'W-MON'; "
            f"got {freq!r}."
        ) from err
    if len(t) == 0:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    first, last = pd.Timestamp(t.min(), unit="ns"), pd.Timestamp(t.max(), unit="ns")
    grid = pd.date_range(first.normalize(), last, freq=freq)
    return grid[grid > first]


def _as_of_index(t: np.ndarray, dates: Iterable[object] | None, freq: str) -> pd.DatetimeIndex:
    """The sorted as-of moments (ns): ``dates`` or the default grid of ``freq``."""
    if dates is None:
        index = _default_dates(t, freq)
    else:
        index = pd.DatetimeIndex([parse_as_of(d, "dates") for d in dates])
    return index.sort_values().as_unit("ns")


def _counts_frame(counts: dict, index: pd.DatetimeIndex) -> pd.DataFrame:
    """The stage counts as a table: index as_of, one int64 column per stage."""
    out = pd.DataFrame({s: counts[s].astype("int64") for s in STAGES}, index=index)
    out.index.name = "as_of"
    out.columns.name = "stage"
    return out


def lifecycle_counts(
    tx: pd.DataFrame,
    dates: Iterable[object] | None = None,
    *,
    freq: str = "MS",
    customers: pd.DataFrame | None = None,
    new_days: float = 90,
    active_days: float = 90,
    lost_days: float = 365,
) -> pd.DataFrame:
    """How many customers are in each lifecycle stage, at each of several dates.

    The result for a date equals counting the ``stage`` column of
    ``lifecycle_stage(tx, date, ...)``, but all dates are counted together from one row
    per receipt (no loop over customers or dates), so a few dozen dates over millions of
    customers take seconds.

    ``tx``, ``customers`` and the thresholds as for :func:`lifecycle_stage`. ``dates``: the
    as-of moments; by default every date of frequency ``freq`` (a pandas frequency) after
    the first purchase up to the last (with ``"MS"``: the starts of the months from the
    first month after the first purchase).

    Returns: index ``as_of`` (sorted), one int64 column per stage in the order of
    :data:`STAGES`; each row sums to the customers known at that date (bought by then, or
    listed in ``customers`` and joined by then). Raises as :func:`lifecycle_stage`, and
    ``ValueError`` for an unknown ``freq``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-15", "2024-02-10", "2024-03-05"]),
    ...     "amount": [10.0, 20.0, 5.0]})
    >>> lifecycle_counts(tx, new_days=30, active_days=30, lost_days=60)
    stage       prospect  new  active  won_back  lapsed  lost
    as_of
    2024-02-01         0    1       0         0       0     0
    2024-03-01         0    0       1         0       0     0
    """
    days = _check_days(new_days, active_days, lost_days)
    narrow = _narrow(tx)
    ev = _receipt_events(narrow, days["active_days"])
    grid = (index := _as_of_index(ev["t"], dates, freq)).asi8
    counts = _stage_counts(grid, ev, days)
    if customers is not None:
        counts["prospect"] = _count_spans(grid, *_prospect_spans(customers, narrow))
    else:
        counts["prospect"] = np.zeros(len(grid), dtype="int64")
    return _counts_frame(counts, index)
