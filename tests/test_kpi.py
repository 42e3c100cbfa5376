"""Tests of crm_helpers.kpi: indicators (指标体系) and the customer lifecycle (客户生命周期).

Expected numbers in the hand-built tests are worked out by hand in the comments; the
random tests compare against a plain pandas implementation written here; the real-data
test checks the published figures of the UCI Online Retail data set.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_helpers.kpi import (
    INDICATORS,
    STAGES,
    indicator_summary,
    indicators,
    indicators_all,
    lifecycle_counts,
    lifecycle_stage,
)
from crm_helpers.schema import DataValidationError

ONLINE_RETAIL = Path("/work/shared/data/online_retail/online_retail.csv.gz")
COLUMNS = ["period", *INDICATORS]


# --------------------------------------------------------------------------- fixtures
def make_small_tx() -> pd.DataFrame:
    """3 customers, 6 receipts, Dec 2024 .. Feb 2025.

    receipt  customer  first line time         lines         value
    r1       101       2024-12-02 10:00 (Mon)  10 + 5        15
    r2       102       2024-12-30 18:00 (Mon)  20            20
    r3       101       2024-12-31 23:58 (Tue)  7 + 3         10  (2nd line 2025-01-01 00:01)
    r4       103       2025-01-02 09:00 (Thu)  40 + 10       50
    r5       102       2025-01-20 12:00 (Mon)  5 + 1          6
    r6       103       2025-02-14 15:00 (Fri)  30            30
    """
    rows = [
        (101, "r1", "2024-12-02 10:00", "A", 10.0),
        (101, "r1", "2024-12-02 10:00", "B", 5.0),
        (102, "r2", "2024-12-30 18:00", "A", 20.0),
        (101, "r3", "2024-12-31 23:58", "C", 7.0),
        (101, "r3", "2025-01-01 00:01", "D", 3.0),  # same receipt, rung after midnight
        (103, "r4", "2025-01-02 09:00", "A", 40.0),
        (103, "r4", "2025-01-02 09:00", "E", 10.0),
        (102, "r5", "2025-01-20 12:00", "B", 5.0),
        (102, "r5", "2025-01-20 12:00", "F", 1.0),
        (103, "r6", "2025-02-14 15:00", "G", 30.0),
    ]
    tx = pd.DataFrame(rows, columns=["customer_id", "receipt_id", "timestamp", "sku", "amount"])
    tx["timestamp"] = pd.to_datetime(tx["timestamp"])
    tx["quantity"] = 1.0
    tx["unit_price"] = tx["amount"]
    return tx


@pytest.fixture
def small_tx() -> pd.DataFrame:
    return make_small_tx()


def frame(rows: list[tuple], unit: str) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["period"] = pd.to_datetime(out["period"]).dt.as_unit(unit)
    out["visits"] = out["visits"].astype("int64")
    out["customers"] = out["customers"].astype("int64")
    for col in COLUMNS[1:]:
        if col not in ("visits", "customers"):
            out[col] = out[col].astype("float64")
    return out


# Columns: period, total_sales, visits, customers, avg_basket, max_basket, min_basket,
#          purchase_frequency (visits/customers), sales_per_customer (sales/customers)
# Dec 2024: r1 15 + r2 20 + r3 10 = 45; 3 visits; customers {101, 102}
DEC = (45.0, 3, 2, 45 / 3, 20.0, 10.0, 3 / 2, 45 / 2)
# Q1 2025 / year 2025: r4 50 + r5 6 + r6 30 = 86; customers {102, 103}
Q1 = (86.0, 3, 2, 86 / 3, 50.0, 6.0, 3 / 2, 86 / 2)
EXPECTED = {
    "month": [
        ("2024-12-01", *DEC),
        # Jan 2025: r4 50 + r5 6 = 56; customers {103, 102}
        ("2025-01-01", 56.0, 2, 2, 56 / 2, 50.0, 6.0, 2 / 2, 56 / 2),
        # Feb 2025: r6 30 only
        ("2025-02-01", 30.0, 1, 1, 30.0, 30.0, 30.0, 1.0, 30.0),
    ],
    "quarter": [("2024-10-01", *DEC), ("2025-01-01", *Q1)],
    "year": [("2024-01-01", *DEC), ("2025-01-01", *Q1)],
    "week": [
        ("2024-12-02", 15.0, 1, 1, 15.0, 15.0, 15.0, 1.0, 15.0),
        # week Mon 2024-12-30 .. Sun 2025-01-05 spans the month and year boundary:
        # r2 20 (102) + r3 10 (101) + r4 50 (103) = 80, 3 visits, 3 customers
        ("2024-12-30", 80.0, 3, 3, 80 / 3, 50.0, 10.0, 1.0, 80 / 3),
        ("2025-01-20", 6.0, 1, 1, 6.0, 6.0, 6.0, 1.0, 6.0),
        ("2025-02-10", 30.0, 1, 1, 30.0, 30.0, 30.0, 1.0, 30.0),  # Fri 14 Feb -> Mon 10
    ],
}


# --------------------------------------------------------------------------- indicators
@pytest.mark.parametrize("period", ["month", "quarter", "year", "week"])
def test_indicators_by_hand(small_tx: pd.DataFrame, period: str) -> None:
    got = indicators(small_tx, period)
    pd.testing.assert_frame_equal(got, frame(EXPECTED[period], "us"))


def test_indicators_all_matches_hand_values(small_tx: pd.DataFrame) -> None:
    got = indicators_all(small_tx)
    assert list(got) == ["year", "quarter", "month", "week"]
    for period, table in got.items():
        pd.testing.assert_frame_equal(table, frame(EXPECTED[period], "us"))


def test_indicator_summary_by_hand(small_tx: pd.DataFrame) -> None:
    # 45 + 56 + 30 = 131 over 6 receipts and 3 customers; largest r4 50, smallest r5 6
    expected = pd.Series(
        [131.0, 6, 3, 131 / 6, 50.0, 6.0, 6 / 3, 131 / 3], index=list(INDICATORS), dtype=float
    )
    pd.testing.assert_series_equal(indicator_summary(small_tx), expected)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_period_keeps_the_timestamp_unit(small_tx: pd.DataFrame, unit: str) -> None:
    tx = small_tx.assign(timestamp=small_tx["timestamp"].astype(f"datetime64[{unit}]"))
    pd.testing.assert_frame_equal(indicators(tx, "week"), frame(EXPECTED["week"], unit))


@pytest.mark.parametrize("kind", ["int", "str", "object", "category"])
def test_id_types(small_tx: pd.DataFrame, kind: str) -> None:
    converted = {
        "int": lambda s: s.astype("category").cat.codes.astype("int64"),
        "str": lambda s: s.astype(str),
        "object": lambda s: s.astype(str).astype(object),
        "category": lambda s: s.astype(str).astype("category"),
    }[kind]
    tx = small_tx.assign(
        customer_id=converted(small_tx["customer_id"]),
        receipt_id=converted(small_tx["receipt_id"]),
    )
    pd.testing.assert_frame_equal(indicators(tx, "month"), frame(EXPECTED["month"], "us"))
    assert lifecycle_stage(tx, "2025-03-01")["n_receipts"].tolist() == [2, 2, 2]


def test_inputs_are_not_changed(small_tx: pd.DataFrame) -> None:
    before = small_tx.copy()
    members = pd.DataFrame({"customer_id": [101, 104]})
    members_before = members.copy()
    indicators(small_tx)
    indicators_all(small_tx)
    indicator_summary(small_tx)
    lifecycle_stage(small_tx, "2025-01-15", customers=members)
    lifecycle_counts(small_tx, customers=members)
    pd.testing.assert_frame_equal(small_tx, before)
    pd.testing.assert_frame_equal(members, members_before)


def test_time_zone_aware_timestamps_keep_local_time(small_tx: pd.DataFrame) -> None:
    # 2025-01-01 02:00 in Shanghai is January there (though 2024-12-31 18:00 UTC)
    tx = small_tx.iloc[:1].assign(
        timestamp=pd.Series(pd.to_datetime(["2025-01-01 02:00"])).dt.tz_localize("Asia/Shanghai")
    )
    got = indicators(tx, "month")
    assert got["period"].tolist() == [pd.Timestamp("2025-01-01")]


def test_empty_table(small_tx: pd.DataFrame) -> None:
    empty = small_tx.iloc[:0]
    got = indicators(empty, "month")
    assert list(got.columns) == COLUMNS and len(got) == 0
    assert got["visits"].dtype == "int64" and got["total_sales"].dtype == "float64"
    summary = indicator_summary(empty)
    assert summary["total_sales"] == 0 and summary["visits"] == 0
    assert np.isnan(summary["avg_basket"])
    assert lifecycle_counts(empty).shape == (0, 6)


# --------------------------------------------------------------------------- cross-check
def random_tx(seed: int, n_lines: int = 3000) -> pd.DataFrame:
    """Random lines: 60 customers, ~500 receipts over 3 years, some receipts whose lines
    carry different timestamps (one a few hours later, crossing midnight now and then)."""
    rng = np.random.default_rng(seed)
    n_receipts = 500
    owner = rng.integers(0, 60, n_receipts)
    start = pd.Timestamp("2021-01-01").value
    span = 3 * 365 * 86_400 * 10**9
    receipt_time = start + rng.integers(0, span, n_receipts)
    receipt = rng.integers(0, n_receipts, n_lines)
    later = rng.random(n_lines) < 0.1
    time_ns = receipt_time[receipt] + later * rng.integers(0, 6 * 3600, n_lines) * 10**9
    return pd.DataFrame(
        {
            "customer_id": owner[receipt] * 7 + 1000,
            "receipt_id": receipt,
            "timestamp": pd.to_datetime(time_ns).as_unit("ns"),
            "amount": np.round(rng.gamma(2.0, 10.0, n_lines), 2) + 0.01,
        }
    )


def reference_indicators(tx: pd.DataFrame, period: str) -> pd.DataFrame:
    """Straightforward pandas: lines -> receipts -> periods."""
    receipts = tx.groupby("receipt_id").agg(
        customer_id=("customer_id", "first"),
        ts=("timestamp", "min"),
        value=("amount", "sum"),
    )
    ts = receipts["ts"]
    if period == "week":
        start = ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")
    else:
        month = {"year": 1, "quarter": (ts.dt.quarter - 1) * 3 + 1, "month": ts.dt.month}
        start = pd.to_datetime(pd.DataFrame({"year": ts.dt.year, "month": month[period], "day": 1}))
    by = receipts.groupby(start.rename("period"))
    out = pd.DataFrame(
        {
            "total_sales": by["value"].sum(),
            "visits": by.size(),
            "customers": by["customer_id"].nunique(),
        }
    )
    out["avg_basket"] = out["total_sales"] / out["visits"]
    out["max_basket"] = by["value"].max()
    out["min_basket"] = by["value"].min()
    out["purchase_frequency"] = out["visits"] / out["customers"]
    out["sales_per_customer"] = out["total_sales"] / out["customers"]
    out = out.reset_index()
    out["period"] = out["period"].dt.as_unit(np.datetime_data(tx["timestamp"].dtype)[0])
    return out.astype({"visits": "int64", "customers": "int64"})


@pytest.mark.parametrize("seed", range(4))
def test_indicators_match_pandas_reference(seed: int) -> None:
    tx = random_tx(seed)
    every = indicators_all(tx)
    for period in ("year", "quarter", "month", "week"):
        expected = reference_indicators(tx, period)
        pd.testing.assert_frame_equal(indicators(tx, period), expected, rtol=1e-12)
        pd.testing.assert_frame_equal(every[period], expected, rtol=1e-12)
    summary = indicator_summary(tx)
    receipt_value = tx.groupby("receipt_id")["amount"].sum()
    assert summary["total_sales"] == pytest.approx(tx["amount"].sum(), rel=1e-12)
    assert summary["visits"] == tx["receipt_id"].nunique()
    assert summary["customers"] == tx["customer_id"].nunique()
    assert summary["max_basket"] == pytest.approx(receipt_value.max(), rel=1e-12)
    assert summary["min_basket"] == pytest.approx(receipt_value.min(), rel=1e-12)


# --------------------------------------------------------------------------- lifecycle
AS_OF = pd.Timestamp("2024-07-01")
DAY = pd.Timedelta(days=1)
SEC = pd.Timedelta(seconds=1)
# new_days=30, active_days=60, lost_days=180 (different, so each boundary is visible)
THRESHOLDS = {"new_days": 30, "active_days": 60, "lost_days": 180}

# customer -> purchase times; expected stage at AS_OF with THRESHOLDS, and why
LIFECYCLE_CASES = {
    "new_inside": ([AS_OF - 30 * DAY + SEC], "new"),  # 29.99 days ago: within 30
    "new_boundary": ([AS_OF - 30 * DAY], "active"),  # exactly 30 days: no longer new
    "at_as_of": ([AS_OF], "new"),  # a purchase at as_of itself counts
    "active_inside": ([AS_OF - 100 * DAY, AS_OF - 60 * DAY + SEC], "active"),
    "active_boundary": ([AS_OF - 100 * DAY, AS_OF - 60 * DAY], "lapsed"),  # exactly 60 days
    "lapsed_inside": ([AS_OF - 180 * DAY + SEC], "lapsed"),
    "lost_boundary": ([AS_OF - 180 * DAY], "lost"),  # exactly 180 days: lost
    "lost_old": ([AS_OF - 400 * DAY], "lost"),
    "won_back": ([AS_OF - 200 * DAY, AS_OF - 10 * DAY], "won_back"),  # gap 190 > 60
    "gap_boundary": ([AS_OF - 70 * DAY, AS_OF - 10 * DAY], "active"),  # gap exactly 60
    "won_back_then_more": (  # returned 50 days ago (gap 250), bought again 5 days ago
        [AS_OF - 300 * DAY, AS_OF - 50 * DAY, AS_OF - 5 * DAY],
        "won_back",
    ),
    "won_back_expired": (  # the return was 61 days ago: now simply active
        [AS_OF - 300 * DAY, AS_OF - 61 * DAY, AS_OF - 5 * DAY],
        "active",
    ),
    "future_part": ([AS_OF - 90 * DAY, AS_OF + 1 * SEC], "lapsed"),  # later receipt ignored
}


def lifecycle_tx() -> pd.DataFrame:
    rows = []
    for customer, (times, _) in LIFECYCLE_CASES.items():
        for i, when in enumerate(times):
            rows += [
                (customer, f"{customer}-{i}", when, 10.0),
                (customer, f"{customer}-{i}", when, 1.0),
            ]
    rows.append(("future_only", "future_only-0", AS_OF + pd.Timedelta(hours=1), 5.0))
    return pd.DataFrame(rows, columns=["customer_id", "receipt_id", "timestamp", "amount"])


def test_lifecycle_stage_boundaries() -> None:
    got = lifecycle_stage(lifecycle_tx(), AS_OF, **THRESHOLDS).set_index("customer_id")
    expected = {c: stage for c, (_, stage) in LIFECYCLE_CASES.items()}
    assert got["stage"].astype(str).to_dict() == expected  # future_only is not there yet
    assert got.loc["won_back_then_more", "n_receipts"] == 3  # 2 lines each, 3 receipts
    assert got.loc["future_part", "n_receipts"] == 1
    assert got.loc["future_part", "last_purchase"] == AS_OF - 90 * DAY
    assert got.loc["won_back", "first_purchase"] == AS_OF - 200 * DAY


def test_lifecycle_stage_columns_and_dtypes() -> None:
    got = lifecycle_stage(lifecycle_tx(), AS_OF, **THRESHOLDS)
    assert list(got.columns) == [
        "customer_id",
        "first_purchase",
        "last_purchase",
        "n_receipts",
        "stage",
    ]
    assert got["customer_id"].is_monotonic_increasing
    assert got["n_receipts"].dtype == "int64"
    assert pd.api.types.is_datetime64_dtype(got["first_purchase"])
    assert got["stage"].dtype == pd.CategoricalDtype(list(STAGES), ordered=True)
    assert list(STAGES) == ["prospect", "new", "active", "won_back", "lapsed", "lost"]


def test_new_takes_precedence_over_won_back() -> None:
    tx = lifecycle_tx()
    # won_back's first purchase is 200 days ago: with new_days=250 it is still new
    got = lifecycle_stage(tx, AS_OF, new_days=250, active_days=60, lost_days=180)
    assert got.set_index("customer_id").loc["won_back", "stage"] == "new"


def test_prospects_and_join_dates() -> None:
    members = pd.DataFrame(
        {
            "customer_id": ["won_back", "p_joined", "p_future", "p_unknown", "future_only"],
            "join_date": [AS_OF - 500 * DAY, AS_OF - 5 * DAY, AS_OF + DAY, pd.NaT, AS_OF - DAY],
        }
    )
    got = lifecycle_stage(lifecycle_tx(), AS_OF, customers=members, **THRESHOLDS)
    stage = got.set_index("customer_id")["stage"].astype(str)
    assert stage["won_back"] == "won_back"  # a buying member keeps their stage
    assert stage["p_joined"] == "prospect"
    assert stage["p_unknown"] == "prospect"  # no join date: known from the start
    assert stage["future_only"] == "prospect"  # joined, bought only after as_of
    assert "p_future" not in stage.index  # joined after as_of: excluded
    assert len(got) == len(LIFECYCLE_CASES) + 3
    prospects = got[got["stage"] == "prospect"]
    assert (prospects["n_receipts"] == 0).all() and prospects["last_purchase"].isna().all()


def test_lifecycle_counts_by_hand(small_tx: pd.DataFrame) -> None:
    # thresholds: new 20, active 30, lost 40 days.
    # 2025-02-01: 101 first 12-02 (not new), last 12-31 23:58 = 31 days ago -> lapsed
    #             102 first 12-30, last 01-20 (11.5 days), gap 21 days -> active
    #             103 first 01-02 09:00 = 29.6 days ago (not new, < 30) -> active
    # 2025-03-01: 101 last 59 days ago -> lost; 102 last 39.5 days ago -> lapsed;
    #             103 bought 02-14, 43 days after 01-02 (> 30) -> won_back
    dates = ["2025-03-01", "2025-02-01"]
    got = lifecycle_counts(small_tx, dates, new_days=20, active_days=30, lost_days=40)
    expected = pd.DataFrame(
        [[0, 0, 2, 0, 1, 0], [0, 0, 0, 1, 1, 1]],
        index=pd.DatetimeIndex(["2025-02-01", "2025-03-01"], name="as_of").as_unit("ns"),
        columns=pd.Index(list(STAGES), name="stage"),
    )
    pd.testing.assert_frame_equal(got, expected)


def test_lifecycle_counts_default_dates(small_tx: pd.DataFrame) -> None:
    # first purchase 2024-12-02, last 2025-02-14: month starts 2025-01-01 and 2025-02-01
    got = lifecycle_counts(small_tx)
    assert list(got.index) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")]
    # 2025-01-01: 101 (first 30 days ago) and 102 are new, 103 not yet known
    assert got.loc["2025-01-01"].to_dict() == dict.fromkeys(STAGES, 0) | {"new": 2}
    weekly = lifecycle_counts(small_tx, freq="W-MON")
    assert weekly.index[0] == pd.Timestamp("2024-12-09")  # first Monday after 12-02 10:00
    assert weekly.index[-1] == pd.Timestamp("2025-02-10")


@pytest.mark.parametrize("seed", range(2))
def test_lifecycle_counts_match_lifecycle_stage(seed: int) -> None:
    tx = random_tx(seed, n_lines=1500)
    rng = np.random.default_rng(seed)
    ids = np.r_[tx["customer_id"].unique()[:30], np.arange(5000, 5020)]
    join = pd.to_datetime(
        pd.Timestamp("2020-06-01").value + rng.integers(0, 4 * 365, len(ids)) * DAY.value
    )
    members = pd.DataFrame({"customer_id": ids, "join_date": join})
    members.loc[members.index[::7], "join_date"] = pd.NaT
    dates = pd.date_range("2021-01-01", "2024-03-01", freq="3MS")
    # the exact time of some receipts as a date too: the "<= as_of" edge
    dates = dates.append(pd.DatetimeIndex(tx["timestamp"].iloc[:3])).sort_values()
    for thresholds in (THRESHOLDS, {"new_days": 120, "active_days": 45, "lost_days": 45}):
        counts = lifecycle_counts(tx, dates, customers=members, **thresholds)
        for when in dates:
            stages = lifecycle_stage(tx, when, customers=members, **thresholds)
            expected = stages["stage"].value_counts().reindex(list(STAGES)).tolist()
            assert counts.loc[when].tolist() == expected, (when, thresholds)
            # every customer known at that date is counted once
            bought = tx.loc[tx["timestamp"] <= when, "customer_id"].unique()
            known = members["join_date"].isna() | (members["join_date"] <= when)
            listed = members.loc[known & ~members["customer_id"].isin(bought)]
            assert counts.loc[when].sum() == len(bought) + len(listed)


# --------------------------------------------------------------------------- bad input
def test_missing_column_is_named(small_tx: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="no column 'amount'") as err:
        indicators(small_tx.drop(columns="amount"))
    assert "The table contains these columns: 'customer_id', 'receipt_id'" in str(err.value)
    with pytest.raises(DataValidationError, match=r"'timestamp' \(did you mean 'Timestamp'\?\)"):
        lifecycle_stage(small_tx.rename(columns={"timestamp": "Timestamp"}), AS_OF)


def test_timestamp_must_be_datetime(small_tx: pd.DataFrame) -> None:
    tx = small_tx.assign(timestamp=small_tx["timestamp"].astype(str))
    pattern = r"Column 'timestamp' of the transactions table must be a datetime column \(datetime64\); found dtype '(str|object)'"
    for call in (indicators, indicators_all, indicator_summary, lifecycle_counts):
        with pytest.raises(DataValidationError, match=pattern):
            call(tx)


def test_amount_must_be_numeric(small_tx: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="'amount' .* must be numeric; found dtype"):
        indicators(small_tx.assign(amount=small_tx["amount"].astype(str)))


def test_not_a_dataframe() -> None:
    with pytest.raises(TypeError, match="must be a pandas DataFrame; got dict"):
        indicators({"amount": [1.0]})


def test_bad_period(small_tx: pd.DataFrame) -> None:
    with pytest.raises(
        ValueError,
        match="period must be one of 'year', 'quarter', 'month', 'week'; got 'fortnight'",
    ):
        indicators(small_tx, "fortnight")


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ({"new_days": 0}, "new_days must be greater than 0; got new_days=0"),
        ({"new_days": -5}, "new_days must be greater than 0; got new_days=-5"),
        (
            {"active_days": 0},
            "active_days must be greater than 0 and at most lost_days; got active_days=0, lost_days=365",
        ),
        ({"active_days": 400}, "got active_days=400, lost_days=365"),
        ({"lost_days": 30}, "got active_days=90, lost_days=30"),
        (
            {"active_days": "ninety"},
            "active_days must be a number of days; got active_days='ninety'",
        ),
    ],
)
def test_bad_thresholds(small_tx: pd.DataFrame, thresholds: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lifecycle_stage(small_tx, AS_OF, **thresholds)
    with pytest.raises(ValueError, match=message):
        lifecycle_counts(small_tx, **thresholds)


def test_bad_dates_and_freq(small_tx: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="as_of must be a date such as '2025-06-30'; got 'soon'"):
        lifecycle_stage(small_tx, "soon")
    with pytest.raises(ValueError, match="dates must be a date such as '2025-06-30'; got None"):
        lifecycle_counts(small_tx, ["2025-01-01", None])
    with pytest.raises(ValueError, match="freq must be a pandas frequency .*; got 'fortnight'"):
        lifecycle_counts(small_tx, freq="fortnight")


def test_bad_customers_table(small_tx: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="customers table has no column 'customer_id'"):
        lifecycle_stage(small_tx, AS_OF, customers=pd.DataFrame({"member": [1]}))
    dates_as_text = pd.DataFrame({"customer_id": [101], "join_date": ["2024-01-01"]})
    with pytest.raises(DataValidationError, match="Column 'join_date' of the customers table"):
        lifecycle_counts(small_tx, customers=dates_as_text)
    text_ids = pd.DataFrame({"customer_id": ["101"]})
    with pytest.raises(
        DataValidationError,
        match="same kind of ids .* dtype '(str|object)' in customers and 'int64'",
    ):
        lifecycle_stage(small_tx, AS_OF, customers=text_ids)


# --------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def online_retail() -> pd.DataFrame:
    """UCI Online Retail, cleaned the usual way, in the course schema."""
    if not ONLINE_RETAIL.exists():
        pytest.skip(f"{ONLINE_RETAIL} is not available")
    raw = pd.read_csv(
        ONLINE_RETAIL, dtype={"InvoiceNo": str, "StockCode": str}, parse_dates=["InvoiceDate"]
    )
    assert len(raw) == 541_909
    assert raw["InvoiceNo"].nunique() == 25_900
    assert raw["CustomerID"].nunique() == 4_372
    keep = (
        raw["CustomerID"].notna()
        & ~raw["InvoiceNo"].str.startswith("C")
        & (raw["Quantity"] > 0)
        & (raw["UnitPrice"] > 0)
    )
    clean = raw[keep]
    return pd.DataFrame(
        {
            "customer_id": clean["CustomerID"].astype("int64"),
            "receipt_id": clean["InvoiceNo"],
            "timestamp": clean["InvoiceDate"],
            "sku": clean["StockCode"],
            "quantity": clean["Quantity"],
            "unit_price": clean["UnitPrice"],
            "amount": clean["Quantity"] * clean["UnitPrice"],
        }
    ).reset_index(drop=True)


def test_online_retail_published_figures(online_retail: pd.DataFrame) -> None:
    tx = online_retail
    assert len(tx) == 397_884
    summary = indicator_summary(tx)
    assert summary["total_sales"] == pytest.approx(8_911_407.90, abs=0.005)  # to the cent
    assert summary["customers"] == 4_338
    invoices = tx["receipt_id"].nunique()  # 18,532 invoices after cleaning
    assert summary["visits"] == invoices
    yearly = indicators(tx, "year")
    assert yearly["period"].tolist() == [pd.Timestamp("2010-01-01"), pd.Timestamp("2011-01-01")]
    assert yearly["total_sales"].sum() == pytest.approx(8_911_407.90, abs=0.005)
    assert yearly["visits"].sum() == invoices


def test_online_retail_matches_pandas_reference(online_retail: pd.DataFrame) -> None:
    # some invoices have lines at two different minutes: both sides date them by the first
    every = indicators_all(online_retail)
    for period in ("year", "quarter", "month", "week"):
        expected = reference_indicators(online_retail, period)
        pd.testing.assert_frame_equal(every[period], expected, rtol=1e-9)


def test_online_retail_lifecycle_counts(online_retail: pd.DataFrame) -> None:
    counts = lifecycle_counts(online_retail)
    # month starts after the first purchase (2010-12-01 08:26) up to the last (2011-12-09)
    assert counts.index[0] == pd.Timestamp("2011-01-01")
    assert counts.index[-1] == pd.Timestamp("2011-12-01")
    first = online_retail.groupby("customer_id")["timestamp"].min()
    for when, row in counts.iterrows():
        assert row.sum() == (first <= when).sum()
    assert counts["prospect"].eq(0).all()
