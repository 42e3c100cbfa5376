"""The analysis date and the reporting periods, against hand-worked cases (a calendar)."""

import datetime as dt

import pandas as pd
import pytest

from crm_helpers.schema import DataValidationError
from crm_helpers.timeframe import analysis_date, parse_as_of, period_label, period_start


def _tx(*times: str) -> pd.DataFrame:
    return pd.DataFrame({"timestamp": pd.to_datetime(list(times)), "amount": 1.0})


# ------------------------------------------------------------------ the analysis date


def test_default_is_midnight_after_the_last_receipts_day():
    # last receipt 2024-02-28 23:59 -> 2024-02-29 (a leap year), not 2024-03-01
    tx = _tx("2024-01-05 08:00", "2024-02-28 23:59")
    assert analysis_date(tx) == pd.Timestamp("2024-02-29")
    # a receipt at exactly midnight still belongs to its day: the next midnight follows it
    assert analysis_date(_tx("2024-12-31 00:00")) == pd.Timestamp("2025-01-01")


def test_default_ignores_order_and_missing_times():
    tx = _tx("2023-07-10 12:00", "2023-07-02 09:00")
    tx.loc[len(tx)] = [pd.NaT, 1.0]
    assert analysis_date(tx) == pd.Timestamp("2023-07-11")
    assert analysis_date(tx["timestamp"]) == pd.Timestamp("2023-07-11")


def test_time_zone_aware_receipts_keep_their_wall_clock():
    times = pd.Series(pd.to_datetime(["2024-06-30 22:30"]).tz_localize("Asia/Shanghai"))
    assert analysis_date(times) == pd.Timestamp("2024-07-01")


def test_explicit_as_of_is_parsed_and_returned():
    tx = _tx("2024-01-05 08:00", "2024-02-28 23:59")
    assert analysis_date(tx, "2024-02-01") == pd.Timestamp("2024-02-01")
    assert analysis_date(tx, dt.date(2024, 6, 30)) == pd.Timestamp("2024-06-30")
    # after the data is allowed (a later look at the same customers)
    assert analysis_date(tx, "2030-01-01") == pd.Timestamp("2030-01-01")


def test_as_of_before_the_first_receipt_is_refused():
    with pytest.raises(ValueError, match=r"as_of \(2023-12-31 00:00:00\) is before the first"):
        analysis_date(_tx("2024-01-05 08:00"), "2023-12-31")


@pytest.mark.parametrize("bad", [20240101, True, ["2024-01-01"], "the thirty-first"])
def test_bad_as_of_names_the_parameter(bad):
    with pytest.raises(ValueError, match="as_of must be a date such as '2025-06-30'"):
        parse_as_of(bad)


def test_missing_as_of_value_is_refused():
    with pytest.raises(ValueError, match="as_of must be a date; got a missing value"):
        parse_as_of(pd.NaT)


def test_bad_tables_name_the_column():
    with pytest.raises(DataValidationError, match="no column 'timestamp'.*it has: when"):
        analysis_date(pd.DataFrame({"when": pd.to_datetime(["2024-01-01"])}))
    with pytest.raises(DataValidationError, match=r"'timestamp' must hold dates.*(object|str)"):
        analysis_date(pd.DataFrame({"timestamp": ["2024-01-01"]}))
    with pytest.raises(DataValidationError, match="no dates"):
        analysis_date(_tx())
    assert analysis_date(
        pd.DataFrame({"when": pd.to_datetime(["2024-01-01"])}), column="when"
    ) == pd.Timestamp("2024-01-02")


# ------------------------------------------------------------------ periods

# (moment, period, label, first day), read off a calendar
CALENDAR = [
    ("2024-05-17 13:00", "year", "2024", "2024-01-01"),
    ("2024-05-17 13:00", "quarter", "2024Q2", "2024-04-01"),
    ("2024-12-31 23:59", "quarter", "2024Q4", "2024-10-01"),
    ("2024-05-17 13:00", "month", "2024-05", "2024-05-01"),
    ("2024-02-29 00:00", "month", "2024-02", "2024-02-01"),
    ("2024-05-17 13:00", "week", "2024-W20", "2024-05-13"),  # a Friday; Monday the 13th
    ("2024-05-19 23:00", "week", "2024-W20", "2024-05-13"),  # Sunday ends the week
    ("2024-05-20 00:00", "week", "2024-W21", "2024-05-20"),  # Monday starts the next
    ("2024-12-30 10:00", "week", "2025-W01", "2024-12-30"),  # ISO year ahead of calendar
    ("2021-01-03 10:00", "week", "2020-W53", "2020-12-28"),  # ISO year behind, week 53
    ("2026-01-01 10:00", "week", "2026-W01", "2025-12-29"),  # a Thursday: week 1 of 2026
]


@pytest.mark.parametrize(("moment", "period", "label", "start"), CALENDAR)
def test_periods_against_the_calendar(moment, period, label, start):
    assert period_label(moment, period) == label
    assert period_start(moment, period) == pd.Timestamp(start)


def test_periods_of_a_series_keep_its_index_and_missing_values():
    times = pd.Series(pd.to_datetime(["2024-12-30", None, "2024-01-01"]), index=[7, 8, 9])
    labels = period_label(times, "week")
    assert labels.index.tolist() == [7, 8, 9]
    assert labels[7] == "2025-W01" and pd.isna(labels[8]) and labels[9] == "2024-W01"
    starts = period_start(times, "month")
    assert starts[7] == pd.Timestamp("2024-12-01") and pd.isna(starts[8])


def test_unknown_period_lists_the_choices():
    with pytest.raises(
        ValueError,
        match="period must be one of 'year', 'quarter', 'month', 'week'; got 'fortnight'",
    ):
        period_label("2024-01-01", "fortnight")


def test_period_of_text_dates_asks_to_parse_them():
    with pytest.raises(DataValidationError, match=r"datetime64; found dtype (object|str)"):
        period_start(pd.Series(["2024-01-01"]), "month")
