"""The analysis date (分析日期) and the reporting periods (年/季/月/周), in one place.

The course's rule for "today" in an analysis: unless an explicit ``as_of`` is given, it is
**midnight after the last receipt's day** (the day after the last receipt), so that a
customer who bought on the last day has a recency of 0 whole days, and every receipt lies
before the analysis date. An explicit ``as_of`` is parsed and checked here, once.

Periods are the ones of :data:`crm_helpers.schema.PERIODS`: ``year``, ``quarter``,
``month`` and ``week``. Weeks are ISO weeks (ISO 8601): they run Monday to Sunday and are
labelled by their ISO year, so 30 December 2024 (a Monday) is in ``2025-W01``.

>>> tx = pd.DataFrame({"timestamp": pd.to_datetime(["2024-03-01 09:30", "2024-03-31 18:05"])})
>>> analysis_date(tx)
Timestamp('2024-04-01 00:00:00')
>>> analysis_date(tx, as_of="2024-03-15")
Timestamp('2024-03-15 00:00:00')
>>> period_label(tx["timestamp"], "quarter").tolist()
['2024Q1', '2024Q1']
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from .schema import PERIODS, DataValidationError, check_choice

__all__ = ["PERIODS", "parse_as_of", "analysis_date", "period_start", "period_label"]

_DAY = pd.Timedelta(days=1)


def parse_as_of(value: object, name: str = "as_of") -> pd.Timestamp:
    """``value`` as a naive ``pd.Timestamp``, or a ``ValueError`` naming ``name``.

    Accepts a string such as ``"2025-06-30"``, a ``date``/``datetime``, a ``pd.Timestamp``
    or a ``numpy.datetime64``; a time zone is dropped (the wall-clock time is kept).

    >>> parse_as_of("2025-06-30")
    Timestamp('2025-06-30 00:00:00')
    >>> parse_as_of(20250630)
    Traceback (most recent call last):
    ValueError: as_of must be a date such as '2025-06-30'; got 20250630.
    """
    wrong = f"{name} must be a date such as '2025-06-30'; got {value!r}."
    if isinstance(value, bool) or not isinstance(
        value, str | date | datetime | pd.Timestamp | np.datetime64
    ):
        raise ValueError(wrong)
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(wrong) from None
    if ts is pd.NaT:
        raise ValueError(f"{name} must be a date; got a missing value.")
    return ts.tz_localize(None) if ts.tz is not None else ts


def _timestamps(data: pd.DataFrame | pd.Series, column: str) -> pd.Series:
    """The non-missing, naive timestamps of ``data`` (a table's ``column``, or a Series)."""
    if isinstance(data, pd.DataFrame):
        if column not in data.columns:
            raise DataValidationError(
                f"The table has no column {column!r} (the receipt times); it has: "
                f"{', '.join(map(str, data.columns)) or 'no columns'}."
            )
        data = data[column]
    if not pd.api.types.is_datetime64_any_dtype(data):
        raise DataValidationError(
            f"Column {column!r} must hold dates and times (datetime64); found dtype "
            f"{data.dtype}. Parse it first, e.g. with crm_helpers.schema.parse_dates."
        )
    times = data.dropna()
    if times.empty:
        raise DataValidationError(f"Column {column!r} has no dates: the table is empty.")
    return times.dt.tz_localize(None) if times.dt.tz is not None else times


def analysis_date(
    data: pd.DataFrame | pd.Series, as_of: object = None, *, column: str = "timestamp"
) -> pd.Timestamp:
    """The analysis date: ``as_of`` if given (parsed, and not before the first receipt),
    otherwise midnight after the day of the last receipt.

    >>> t = pd.Series(pd.to_datetime(["2023-12-30 10:00", "2023-12-31 23:59"]))
    >>> analysis_date(t)
    Timestamp('2024-01-01 00:00:00')
    >>> analysis_date(t, "2023-01-01")
    Traceback (most recent call last):
    ValueError: as_of (2023-01-01 00:00:00) is before the first purchase in the table (2023-12-30 10:00:00): no customer has bought yet. Choose a date within or after the data.
    """
    times = _timestamps(data, column)
    if as_of is None:
        return times.max().normalize() + _DAY
    moment = parse_as_of(as_of)
    first = times.min()
    if moment < first:
        raise ValueError(
            f"as_of ({moment}) is before the first purchase in the table ({first}): "
            "no customer has bought yet. Choose a date within or after the data."
        )
    return moment


def _as_times(when: pd.Series | object) -> tuple[pd.Series, bool]:
    """``when`` as a datetime Series, and whether it was a single moment."""
    if isinstance(when, pd.Series):
        if not pd.api.types.is_datetime64_any_dtype(when):
            raise DataValidationError(
                f"The dates must be datetime64; found dtype {when.dtype}. Parse them first, "
                "e.g. with crm_helpers.schema.parse_dates."
            )
        return when, False
    return pd.Series([parse_as_of(when, "when")]), True


def period_start(when: pd.Series | object, period: str) -> pd.Series | pd.Timestamp:
    """The first day (midnight) of the ``period`` each moment of ``when`` falls in.

    ``period`` is ``"year"``, ``"quarter"``, ``"month"`` or ``"week"`` (Monday starts).

    >>> period_start("2024-12-31 15:00", "week")
    Timestamp('2024-12-30 00:00:00')
    >>> period_start(pd.Series(pd.to_datetime(["2024-05-17"])), "quarter").tolist()
    [Timestamp('2024-04-01 00:00:00')]
    """
    check_choice("period", period, PERIODS)
    times, single = _as_times(when)
    start = times.dt.to_period(PERIODS[period]).dt.start_time
    return start.iloc[0] if single else start


def period_label(when: pd.Series | object, period: str) -> pd.Series | str:
    """The label of the ``period`` of each moment: ``2024``, ``2024Q2``, ``2024-05`` or,
    for ISO weeks, ``2025-W01`` (the ISO year and week number).

    >>> period_label("2024-12-30", "week"), period_label("2021-01-03", "week")
    ('2025-W01', '2020-W53')
    >>> period_label("2024-05-17", "month")
    '2024-05'
    """
    check_choice("period", period, PERIODS)
    times, single = _as_times(when)
    if period == "week":
        iso = times.dt.isocalendar()
        labels = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
        labels = labels.where(times.notna())
    else:
        labels = times.dt.to_period(PERIODS[period]).astype(str).where(times.notna())
    labels = labels.astype(object).rename(times.name)
    return labels.iloc[0] if single else labels
