"""Reference equality of crm_helpers.engine with the helpers and with plain pandas.

Three computations must agree on every table: the engine (one DuckDB pass), the
chapter helpers that run through it (``segment.customer_summary`` / ``rfm_values`` /
``customer_deciles`` / ``decile_table``, ``kpi.indicators_all`` / ``indicators``, one call
each) and a plain pandas reference written here from the documented definitions. Same columns,
same dtypes, same values (money to 1e-9 relative: sums taken in another order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crm_helpers as crm
from crm_helpers import engine, kpi, segment
from crm_helpers.schema import DataValidationError

PERIODS = ("year", "quarter", "month", "week")
_FREQ = {"year": "Y", "quarter": "Q", "month": "M", "week": "W-SUN"}
DAY = pd.Timedelta(days=1)


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), rtol=1e-9, atol=1e-9
    )


# --------------------------------------------------------------------------- data
def random_tx(
    seed: int, n_lines: int = 400, n_customers: int = 25, *, string_ids: bool = False
) -> pd.DataFrame:
    """Lines of receipts over ~2 years; amounts on a coarse grid so that sales tie."""
    rng = np.random.default_rng(seed)
    n_receipts = max(1, n_lines // 3)
    owner = rng.integers(0, n_customers, n_receipts)
    start = pd.Timestamp("2022-11-20").value // 10**9
    when = start + rng.integers(0, 800 * 86_400, n_receipts)
    receipt = np.sort(rng.integers(0, n_receipts, n_lines))
    seconds = when[receipt] + rng.integers(0, 120, n_lines)  # lines a few seconds apart
    amount = rng.choice([1.0, 2.5, 5.0, 10.0, 19.99], n_lines)
    cust = owner[receipt] + 1000
    rid = receipt + 50_000
    return pd.DataFrame(
        {
            "customer_id": [f"C{c}" for c in cust] if string_ids else cust,
            "receipt_id": [f"R{r}" for r in rid] if string_ids else rid,
            "timestamp": pd.to_datetime(seconds, unit="s").as_unit("us"),
            "sku": rng.integers(0, 50, n_lines),
            "quantity": np.ones(n_lines),
            "unit_price": amount,
            "amount": amount,
        }
    )


@pytest.fixture(scope="module")
def shop_tx() -> pd.DataFrame:
    return crm.simulate_retailer(300, seed=2).transactions()


# --------------------------------------------------------------------------- pandas references
def ref_summary(tx: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Customer summary from its definition (segment.customer_summary's docstring)."""
    if as_of is None:
        as_of = tx["timestamp"].max().normalize() + DAY
    lines = tx[tx["timestamp"] <= as_of]
    receipts = lines.groupby("receipt_id").agg(
        customer_id=("customer_id", "first"), ts=("timestamp", "min"), value=("amount", "sum")
    )
    pos = receipts[receipts["value"] > 0]
    cust = pos.groupby("customer_id").agg(
        frequency=("value", "size"), first_purchase=("ts", "min"), last_purchase=("ts", "max")
    )
    cust["monetary"] = receipts.groupby("customer_id")["value"].sum()
    cust = cust.sort_index().reset_index()
    out = pd.DataFrame(
        {
            "customer_id": cust["customer_id"].to_numpy(),
            "frequency": cust["frequency"].to_numpy("int64"),
            "monetary": cust["monetary"].to_numpy("float64"),
            "first_purchase": cust["first_purchase"].astype("datetime64[ns]").to_numpy(),
            "last_purchase": cust["last_purchase"].astype("datetime64[ns]").to_numpy(),
        }
    )
    out["recency_days"] = ((as_of - out["last_purchase"]) // DAY).astype("int64")
    out["avg_basket"] = out["monetary"] / out["frequency"]
    return out


def ref_deciles(tx: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """Rank by sales (ties to 6 decimals broken by id); decile floor(10 (i-1) / n) + 1."""
    keys = ["customer_id"]
    df = tx[["customer_id", "amount"]].copy()
    if period:
        df["period"] = tx["timestamp"].dt.to_period(_FREQ[period]).dt.start_time
        keys = ["period", "customer_id"]
    sales = df.groupby(keys)["amount"].sum().rename("sales").reset_index()
    sales["key"] = -sales["sales"].round(6)
    sort = (["period"] if period else []) + ["key", "customer_id"]
    sales = sales.sort_values(sort, kind="stable").reset_index(drop=True)
    grouped = sales.groupby("period") if period else sales.groupby(lambda _: 0)
    sales["rank"] = grouped.cumcount().astype("int64") + 1
    n = grouped["sales"].transform("size")
    sales["decile"] = ((10 * (sales["rank"] - 1)) // n + 1).astype("int64")
    cols = (["period"] if period else []) + ["customer_id", "sales", "rank", "decile"]
    out = sales[cols]
    if period:
        out = out.assign(period=out["period"].astype("datetime64[us]"))
    return out


def ref_decile_table(tx: pd.DataFrame) -> pd.DataFrame:
    cd = ref_deciles(tx, None)
    rows = []
    total_n, total_s = len(cd), cd["sales"].sum()
    for d in range(1, 11):
        part = cd.loc[cd["decile"] == d, "sales"]
        rows.append((d, len(part), part.sum(), part.min(), part.max()))
    t = pd.DataFrame(rows, columns=["decile", "customers", "sales", "min_sales", "max_sales"])
    t["customers"] = t["customers"].astype("int64")
    t["customer_share"] = t["customers"] / total_n
    t["sales_share"] = t["sales"] / total_s
    t["cum_sales_share"] = t["sales_share"].cumsum()
    cols = ["decile", "customers", "sales", "customer_share", "sales_share", "cum_sales_share"]
    return t[cols + ["min_sales", "max_sales"]]


def ref_indicators(tx: pd.DataFrame, period: str) -> pd.DataFrame:
    receipts = tx.groupby("receipt_id").agg(
        customer_id=("customer_id", "first"), ts=("timestamp", "min"), value=("amount", "sum")
    )
    receipts["period"] = receipts["ts"].dt.to_period(_FREQ[period]).dt.start_time
    out = receipts.groupby("period").agg(
        total_sales=("value", "sum"),
        visits=("value", "size"),
        customers=("customer_id", "nunique"),
        max_basket=("value", "max"),
        min_basket=("value", "min"),
    )
    out = out.reset_index()
    out["period"] = out["period"].astype(tx["timestamp"].dtype)
    out["visits"] = out["visits"].astype("int64")
    out["customers"] = out["customers"].astype("int64")
    out["avg_basket"] = out["total_sales"] / out["visits"]
    out["purchase_frequency"] = out["visits"] / out["customers"]
    out["sales_per_customer"] = out["total_sales"] / out["customers"]
    return out[["period", *kpi.INDICATORS]]


# --------------------------------------------------------------------------- the three agree
def check_all(tx: pd.DataFrame, as_of: object = None) -> None:
    res = engine.aggregate(tx, as_of=as_of, deciles=[None, *PERIODS])
    ref_tx = tx
    if getattr(tx["timestamp"].dt, "tz", None) is not None:  # the local clock time counts
        ref_tx = tx.assign(timestamp=tx["timestamp"].dt.tz_localize(None))
    summary = segment.customer_summary(tx, as_of)
    assert_same(res.summary, summary)
    moment = None if as_of is None else pd.Timestamp(as_of)
    assert_same(res.summary, ref_summary(ref_tx, moment))
    assert_same(res.rfm_values(), segment.rfm_values(tx, as_of))
    for p in (None, *PERIODS):
        assert_same(res.deciles[p], segment.customer_deciles(tx, p))
        assert_same(res.decile_table(p), segment.decile_table(tx, p))
        ref = ref_deciles(ref_tx, p)
        assert_same(res.deciles[p].assign(**({"period": ref["period"]} if p else {})), ref)
    assert_same(res.decile_table(None), ref_decile_table(ref_tx))
    helpers = kpi.indicators_all(tx)
    assert list(res.indicators) == list(helpers) == list(PERIODS)
    for p in PERIODS:
        assert_same(res.indicators[p], helpers[p])
        assert_same(res.indicators[p], ref_indicators(ref_tx, p))


@pytest.mark.parametrize("seed", range(4))
def test_random_tables_agree(seed: int) -> None:
    check_all(random_tx(seed))


def test_string_ids_agree() -> None:
    check_all(random_tx(7, string_ids=True))


def test_shuffled_lines_agree() -> None:
    """Lines not in receipt order: the receipts are hashed (pd.factorize), not run-summed."""
    tx = random_tx(3)
    check_all(tx.sample(frac=1.0, random_state=1))
    check_all(tx.iloc[::-1])


def test_missing_amount_is_skipped_as_before() -> None:
    """A missing amount counts as nothing (DuckDB's sums skip it), on every path."""
    tx = random_tx(4)
    gap = tx.assign(amount=tx["amount"].where(tx.index != 5))
    res = engine.aggregate(gap, periods=["month"], allow_returns=True)
    expected = gap.dropna(subset=["amount"])
    assert res.summary["monetary"].sum() == pytest.approx(expected["amount"].sum())
    month = res.indicators["month"]
    assert month["total_sales"].sum() == pytest.approx(expected["amount"].sum())


# --------------------------------------------------------------------------- kept receipts
def test_kept_receipts_serve_the_next_call_on_the_same_frame() -> None:
    from crm_helpers import _engine_receipts as kept

    tx = random_tx(21)
    segment.rfm_values(tx)
    first = kept._CACHE["entry"][1]
    segment.decile_table(tx)
    kpi.indicators_all(tx)
    assert kept._CACHE["entry"][1] is first  # built once for the three chapter calls


@pytest.mark.parametrize(
    "edit",
    ["loc", "iloc", "new_column", "timestamp", "customer", "rows", "swap"],
)
def test_an_edited_frame_is_not_served_stale_results(edit: str) -> None:
    """Every kind of edit after a first call gives the pandas reference of the new data."""
    from crm_helpers import _engine_receipts as kept

    tx = random_tx(22)
    before = segment.customer_summary(tx)
    kpi.indicators_all(tx)
    months = segment.customer_deciles(tx, "month")
    assert kept._CACHE  # the first calls' receipts are kept
    if edit == "loc":
        tx.loc[tx.index[7], "amount"] += 1000.0
    elif edit == "iloc":
        tx.iloc[7, tx.columns.get_loc("amount")] = 1234.5
    elif edit == "new_column":
        tx["amount"] = tx["amount"] * 2
    elif edit == "timestamp":
        tx.loc[tx.index[:50], "timestamp"] += pd.Timedelta(days=400)
    elif edit == "customer":
        tx.loc[tx["customer_id"] == tx["customer_id"].iloc[0], "customer_id"] = 999
    elif edit == "rows":
        tx = tx.iloc[: len(tx) // 2]
    else:  # two amounts of different customers swapped: same column sum and checksum
        col, first = tx.columns.get_loc("amount"), tx.iloc[0]
        other = (tx["customer_id"] != first["customer_id"]) & (tx["amount"] != first["amount"])
        j = int(np.flatnonzero(other)[0])
        a, b = tx.iloc[0, col], tx.iloc[j, col]
        tx.iloc[0, col], tx.iloc[j, col] = b, a
    after = segment.customer_summary(tx)
    assert_same(after, ref_summary(tx))
    assert not after.equals(before)
    assert_same(segment.decile_table(tx), ref_decile_table(tx))
    for p in PERIODS:
        assert_same(kpi.indicators(tx, p), ref_indicators(tx, p))
        assert_same(segment.customer_deciles(tx, p), ref_deciles(tx, p))
    assert not segment.customer_deciles(tx, "month").equals(months)


def test_kept_period_deciles_are_computed_once_and_each_caller_gets_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deciles by period are kept with the frame's receipts: the periods not asked before
    cost one query, and a caller who writes into its table does not change the next one."""
    queries: list[list[str]] = []
    real = engine._deciles
    monkeypatch.setattr(engine, "_deciles", lambda con, p, e: queries.append(p) or real(con, p, e))
    tx = random_tx(24)
    first = segment.customer_deciles(tx, "month")
    first["decile"] = 0  # the caller's own table
    first.loc[first.index[0], "sales"] = -1.0
    again = segment.customer_deciles(tx, "month")
    assert_same(again, ref_deciles(tx, "month"))
    res = engine.aggregate(tx, summary=False, deciles=["month", "week", "year"], periods=())
    assert queries == [["month"], ["week", "year"]]
    for p in ("month", "week", "year"):
        assert_same(res.deciles[p], ref_deciles(tx, p))


def test_kept_receipts_are_dropped_with_their_frame() -> None:
    import gc

    from crm_helpers import _engine_receipts as kept

    tx = random_tx(23)
    segment.rfm_values(tx)
    assert kept._CACHE
    del tx
    gc.collect()
    assert not kept._CACHE


def test_explicit_as_of_agrees() -> None:
    tx = random_tx(11)
    check_all(tx, "2023-09-15 12:00")


def test_simulated_retailer_agrees(shop_tx: pd.DataFrame) -> None:
    check_all(shop_tx)
    check_all(shop_tx, shop_tx["timestamp"].quantile(0.6))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_lines=st.integers(1, 60),
    n_customers=st.integers(1, 6),
)
def test_hypothesis_small_tables_agree(seed: int, n_lines: int, n_customers: int) -> None:
    check_all(random_tx(seed, n_lines, n_customers))


def test_ties_break_by_customer_id() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": [5, 3, 9, 1],
            "receipt_id": [1, 2, 3, 4],
            "timestamp": pd.to_datetime(["2024-01-01"] * 4),
            "amount": [10.0, 10.0, 10.0, 20.0],
        }
    )
    cd = engine.customer_deciles(tx)
    assert cd["customer_id"].tolist() == [1, 3, 5, 9]  # hand-ranked: 20 first, ties by id
    assert cd["decile"].tolist() == [1, 3, 6, 8]  # floor(10 (i-1) / 4) + 1
    check_all(tx)


def test_one_customer_one_receipt() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": [7, 7],
            "receipt_id": [1, 1],
            "timestamp": pd.to_datetime(["2024-02-29 23:00", "2024-02-29 23:01"]),
            "amount": [3.0, 4.0],
        }
    )
    res = engine.aggregate(tx)
    assert res.summary["frequency"].tolist() == [1]
    assert res.summary["monetary"].tolist() == [7.0]
    assert res.summary["recency_days"].tolist() == [0]  # as_of = 2024-03-01 00:00
    assert res.indicators["month"]["visits"].tolist() == [1]
    check_all(tx)


def test_receipt_across_midnight_and_as_of_inside_a_receipt() -> None:
    """A receipt whose lines fall on two days (two months) and an as_of between its lines."""
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "receipt_id": [10, 10, 11, 12],
            "timestamp": pd.to_datetime(
                ["2024-01-31 23:59", "2024-02-01 00:01", "2024-02-01 10:00", "2024-02-05 00:00"]
            ),
            "amount": [5.0, 7.0, 4.0, 1.0],
        }
    )
    check_all(tx)
    check_all(tx, "2024-02-01 00:00")
    deciles = engine.customer_deciles(tx, "month")
    jan = deciles[deciles["period"] == pd.Timestamp("2024-01-01")]
    assert jan["sales"].tolist() == [5.0]  # the line of January counts in January


def test_returns_allowed_agree() -> None:
    tx = random_tx(3)
    tx.loc[tx.index[::17], "amount"] *= -1
    res = engine.aggregate(tx, allow_returns=True, deciles=[None, "month"])
    assert_same(res.summary, segment.customer_summary(tx, allow_returns=True))
    assert_same(res.summary, ref_summary(tx))
    assert_same(res.deciles["month"], segment.customer_deciles(tx, "month", allow_returns=True))
    with pytest.raises(DataValidationError, match="allow_returns=True"):
        engine.aggregate(tx)


def test_timezone_aware_and_ns_timestamps() -> None:
    tx = random_tx(5)
    aware = tx.assign(timestamp=tx["timestamp"].dt.tz_localize("Asia/Shanghai"))
    check_all(aware)
    check_all(tx.assign(timestamp=tx["timestamp"].astype("datetime64[ns]")))


def test_wrappers_equal_helpers() -> None:
    tx = random_tx(9)
    assert_same(engine.customer_summary(tx), segment.customer_summary(tx))
    assert_same(engine.rfm_values(tx, "2024-06-01"), segment.rfm_values(tx, "2024-06-01"))
    assert_same(engine.customer_deciles(tx, "week"), segment.customer_deciles(tx, "week"))
    assert_same(engine.decile_table(tx, "quarter"), segment.decile_table(tx, "quarter"))
    assert_same(engine.indicators(tx, "week"), kpi.indicators(tx, "week"))
    for p, table in engine.indicators_all(tx).items():
        assert_same(table, kpi.indicators(tx, p))


# --------------------------------------------------------------------------- out-of-core
def _write_parquet_folder(tx: pd.DataFrame, folder) -> None:
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(len(tx)), 3)):
        tx.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)


def test_parquet_folder_equals_in_memory(tmp_path) -> None:
    tx = random_tx(21, n_lines=3000, n_customers=120)
    _write_parquet_folder(tx, tmp_path / "sales")
    mem = engine.aggregate(tx, deciles=[None, "month"])
    for data in (tmp_path / "sales", str(tmp_path / "sales" / "*.parquet")):
        disk = engine.aggregate(
            data,
            deciles=[None, "month"],
            memory_limit="64MB",
            temp_directory=tmp_path / "spill",
            threads=1,
        )
        assert_same(disk.summary, mem.summary)
        assert_same(disk.deciles[None], mem.deciles[None])
        assert_same(disk.deciles["month"], mem.deciles["month"])
        for p in PERIODS:
            assert_same(disk.indicators[p], mem.indicators[p])
    assert_same(engine.decile_table(tmp_path / "sales", "month"), segment.decile_table(tx, "month"))


def test_csv_file_equals_in_memory(tmp_path) -> None:
    tx = random_tx(22, n_lines=500)
    tx.to_csv(tmp_path / "sales.csv", index=False)
    assert_same(engine.rfm_values(tmp_path / "sales.csv"), segment.rfm_values(tx))
    assert_same(engine.indicators(tmp_path / "sales.csv", "month"), kpi.indicators(tx, "month"))


def test_file_errors_are_clear(tmp_path) -> None:
    tx = random_tx(1, n_lines=50)
    with pytest.raises(FileNotFoundError, match="No file matches"):
        engine.aggregate(str(tmp_path / "none" / "*.parquet"))
    tx.drop(columns="amount").to_parquet(tmp_path / "a.parquet")
    with pytest.raises(DataValidationError, match="amount"):
        engine.aggregate(tmp_path / "a.parquet")
    tx.assign(amount=tx["amount"].astype(str)).to_parquet(tmp_path / "b.parquet")
    with pytest.raises(DataValidationError, match="'amount'.*numeric.*VARCHAR"):
        engine.aggregate(tmp_path / "b.parquet")
    tx.assign(amount=-tx["amount"]).to_parquet(tmp_path / "c.parquet")
    with pytest.raises(DataValidationError, match="greater than 0.*allow_returns"):
        engine.rfm_values(tmp_path / "c.parquet")
    (tmp_path / "d.json").write_text("{}")
    with pytest.raises(ValueError, match="format"):
        engine.aggregate(tmp_path / "d.json")


def test_bad_arguments_are_clear() -> None:
    tx = random_tx(1, n_lines=50)
    with pytest.raises(ValueError, match="period"):
        engine.indicators(tx, "fortnight")
    with pytest.raises(ValueError, match="deciles"):
        engine.aggregate(tx, deciles=["day"])
    with pytest.raises(TypeError, match="DataFrame or a path"):
        engine.aggregate(42)
    with pytest.raises(DataValidationError, match="timestamp"):
        engine.aggregate(tx.assign(timestamp=tx["timestamp"].astype(str)))
    with pytest.raises(DataValidationError, match="empty"):
        engine.aggregate(tx.iloc[:0])
    with pytest.raises(ValueError, match="before the first purchase"):
        engine.customer_summary(tx, "1999-01-01")
    with pytest.raises(ValueError, match="memory_limit"):
        engine.aggregate(tx, memory_limit="lots")
    with pytest.raises(ValueError, match="not computed"):
        engine.aggregate(tx, deciles=[None]).decile_table("month")


# --------------------------------------------------------------------------- docs/scaling.md
def test_scaling_doc_indicator_query_matches(root) -> None:
    """The Spark SQL of docs/scaling.md, run in DuckDB, gives the engine's indicators."""
    import re

    import duckdb

    text = (root / "docs" / "scaling.md").read_text(encoding="utf-8")
    sql = re.search(r'spark\.sql\("""(.*?)"""\)', text, re.S).group(1)
    tx = random_tx(31)
    receipts = tx.groupby("receipt_id", as_index=False).agg(
        customer_id=("customer_id", "first"), ts=("timestamp", "min"), value=("amount", "sum")
    )
    con = duckdb.connect()
    con.register("receipts", receipts)
    doc = con.execute(sql).df()
    res = engine.indicators_all(tx)
    for p in PERIODS:
        part = doc[doc["level"] == p].reset_index(drop=True)
        mine = res[p]
        assert part["period"].tolist() == mine["period"].tolist()
        for col in kpi.INDICATORS:
            np.testing.assert_allclose(part[col].to_numpy(float), mine[col].to_numpy(float))


def test_empty_table_indicators_equal_helpers() -> None:
    tx = random_tx(1, n_lines=20).iloc[:0]
    for p, table in engine.indicators_all(tx).items():
        assert len(table) == 0
        assert_same(table, kpi.indicators(tx, p))


# --------------------------------------------------------------------------- the chapter calls
def test_helpers_equal_pandas_reference_directly(shop_tx: pd.DataFrame) -> None:
    """The chapters' calls (one engine session each) against the pandas reference."""
    assert_same(segment.customer_summary(shop_tx), ref_summary(shop_tx))
    assert_same(segment.decile_table(shop_tx), ref_decile_table(shop_tx))
    for p in (None, "month", "week"):
        ref = ref_deciles(shop_tx, p)
        mine = segment.customer_deciles(shop_tx, p)
        assert_same(mine.assign(**({"period": ref["period"]} if p else {})), ref)
    assert_same(kpi.indicators(shop_tx, "quarter"), ref_indicators(shop_tx, "quarter"))


def test_empty_period_is_left_out() -> None:
    """No sales in February: no February row, and March's customers counted afresh."""
    tx = pd.DataFrame(
        {
            "customer_id": [1, 2, 1],
            "receipt_id": [1, 2, 3],
            "timestamp": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-03-05"]),
            "amount": [4.0, 6.0, 5.0],
        }
    )
    months = kpi.indicators(tx, "month")
    assert months["period"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-03-01"]))
    assert months["customers"].tolist() == [2, 1]
    assert months["total_sales"].tolist() == [10.0, 5.0]
    cd = segment.customer_deciles(tx, "month")
    assert cd["period"].drop_duplicates().tolist() == months["period"].tolist()
    check_all(tx)


def test_chapter_calls_on_files_equal_in_memory(tmp_path) -> None:
    tx = random_tx(23, n_lines=1500, n_customers=80)
    _write_parquet_folder(tx, tmp_path / "sales")
    glob = str(tmp_path / "sales" / "*.parquet")
    assert_same(segment.customer_summary(data_source=glob), segment.customer_summary(tx))
    assert_same(segment.rfm_values(glob, "2024-01-01"), segment.rfm_values(tx, "2024-01-01"))
    month = segment.customer_deciles(data_source=glob, period="month")
    assert_same(month, ref_deciles(tx, "month"))
    assert_same(segment.decile_table(data_source=tmp_path / "sales"), ref_decile_table(tx))
    assert_same(kpi.indicators(data_source=glob, period="week"), ref_indicators(tx, "week"))
    files = kpi.indicators_all(data_source=glob)
    for p in PERIODS:
        assert_same(files[p], ref_indicators(tx, p))


def test_chapter_calls_name_what_is_missing_or_doubled() -> None:
    tx = random_tx(2, n_lines=30)
    with pytest.raises(TypeError, match="data_source="):
        segment.customer_summary()
    with pytest.raises(TypeError, match="not both"):
        kpi.indicators_all(tx, data_source="sales/*.parquet")
    with pytest.raises(FileNotFoundError, match="No file matches"):
        segment.decile_table(data_source="no/such/*.parquet")
