"""Tests of the data access layer: the shipped data reproduce their published figures, and
users' own files either load or are told exactly what is wrong."""

from __future__ import annotations

import dataclasses
import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from crm_helpers import datasets
from crm_helpers.datasets import (
    DATA_SOURCES,
    CleaningReport,
    clean_online_retail,
    load_cdnow,
    load_online_retail,
    load_retailer,
    load_transactions,
    read_transactions_csv,
)
from crm_helpers.schema import REQUIRED_COLUMNS, DataValidationError

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- Online Retail
# Published figures (Chen, Sain & Guo 2012; data/README.md).


@pytest.fixture(scope="module")
def retail_raw() -> pd.DataFrame:
    return load_online_retail(raw=True)


@pytest.fixture(scope="module")
def retail_clean(retail_raw) -> CleaningReport:
    return clean_online_retail(retail_raw)


def test_online_retail_raw_figures(retail_raw):
    assert retail_raw.columns.tolist() == [
        "InvoiceNo",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "UnitPrice",
        "CustomerID",
        "Country",
    ]
    assert len(retail_raw) == 541_909
    assert retail_raw["InvoiceNo"].nunique() == 25_900
    assert retail_raw["CustomerID"].nunique() == 4_372
    assert retail_raw["InvoiceDate"].min() == pd.Timestamp("2010-12-01 08:26")
    assert retail_raw["InvoiceDate"].max() == pd.Timestamp("2011-12-09 12:50")


def test_online_retail_cleaned_figures(retail_clean):
    tx = retail_clean.data
    assert len(tx) == 397_884
    assert tx["customer_id"].nunique() == 4_338
    assert round(tx["amount"].sum(), 2) == pytest.approx(8_911_407.90, abs=0.005)


def test_online_retail_cleaning_steps(retail_clean):
    steps = retail_clean.steps
    assert steps.columns.tolist() == [
        "step", "rule", "rows_before", "rows_removed", "rows_after", "share"
    ]  # fmt: skip
    assert steps["step"].tolist() == [
        "no customer",
        "cancellation",
        "non-positive quantity",
        "non-positive price",
    ]
    assert steps["rows_before"].iloc[0] == 541_909
    assert steps["rows_after"].tolist() == [406_829, 397_924, 397_924, 397_884]
    assert steps["rows_removed"].tolist() == [135_080, 8_905, 0, 40]
    assert (steps["rows_before"] - steps["rows_removed"] == steps["rows_after"]).all()
    assert (steps["rows_before"].iloc[1:].to_numpy() == steps["rows_after"].iloc[:-1]).all()
    shares = (steps["rows_removed"] / steps["rows_before"].iloc[0]).to_numpy()
    assert steps["share"].to_numpy() == pytest.approx(shares)


def test_online_retail_removed_rows_are_the_raw_lines_each_step_dropped(retail_clean, retail_raw):
    removed, steps = retail_clean.removed, retail_clean.steps
    assert len(removed) + len(retail_clean.data) == len(retail_raw)
    counts = removed["step"].value_counts().reindex(steps["step"], fill_value=0)
    assert counts.tolist() == steps["rows_removed"].tolist()
    assert removed.loc[removed["step"] == "no customer", "CustomerID"].isna().all()
    cancel = removed.loc[removed["step"] == "cancellation", "InvoiceNo"].astype(str)
    assert cancel.str.upper().str.startswith("C").all()
    assert (removed.loc[removed["step"] == "non-positive price", "UnitPrice"] <= 0).all()


def test_online_retail_cleaned_schema(retail_clean):
    tx = retail_clean.data
    assert tx.columns.tolist() == [
        "customer_id",
        "receipt_id",
        "timestamp",
        "sku",
        "description",
        "quantity",
        "unit_price",
        "amount",
        "country",
    ]
    assert tx["customer_id"].dtype == "int64"
    assert pd.api.types.is_string_dtype(tx["receipt_id"])
    assert pd.api.types.is_string_dtype(tx["sku"])
    assert pd.api.types.is_datetime64_any_dtype(tx["timestamp"])
    assert (tx["amount"] == tx["quantity"] * tx["unit_price"]).all()
    assert not tx["receipt_id"].str.startswith("C").any()
    assert tx.index.equals(pd.RangeIndex(len(tx)))
    assert tx["receipt_id"].nunique() == 18_532


def test_clean_online_retail_does_not_change_raw(retail_raw):
    part = retail_raw.iloc[:5000]
    before = part.copy(deep=True)
    clean_online_retail(part)
    pd.testing.assert_frame_equal(part, before)


def test_cleaning_result_is_frozen_and_short_to_print(retail_clean):
    with pytest.raises(dataclasses.FrozenInstanceError):
        retail_clean.data = None  # type: ignore[misc]
    assert repr(retail_clean) == (
        "CleaningReport(541,909 rows → 397,884 rows; 144,025 removed in 4 steps)"
    )


def test_one_cleaning_result_type():
    from crm_helpers import cleaning, datasets

    assert datasets.CleaningResult is datasets.CleaningReport is cleaning.CleaningReport


def test_clean_online_retail_reports_missing_raw_columns(retail_raw):
    with pytest.raises(
        DataValidationError,
        match=r"The Online Retail table has no column 'CustomerID' \(did you mean 'Customer ID'\?\)",
    ):
        clean_online_retail(retail_raw.head().rename(columns={"CustomerID": "Customer ID"}))


def test_clean_online_retail_reads_unparsed_dates_and_int_invoices(retail_raw):
    raw = retail_raw.head(50).copy()
    raw["InvoiceDate"] = raw["InvoiceDate"].astype(str)
    raw["InvoiceNo"] = raw["InvoiceNo"].astype(int)
    out = clean_online_retail(raw).data
    assert out["timestamp"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
    assert out["receipt_id"].iloc[0] == "536365"


def test_missing_data_file_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    expected = str(tmp_path / "online_retail" / "online_retail.csv.gz")
    with pytest.raises(FileNotFoundError, match=r"CRM_DATA_DIR") as err:
        load_online_retail()
    assert expected in str(err.value)


def test_data_dir_is_the_repository_data_folder(monkeypatch):
    monkeypatch.delenv("CRM_DATA_DIR", raising=False)
    assert datasets.data_dir() == Path(__file__).resolve().parent.parent / "data"
    assert (datasets.data_dir() / "online_retail" / "online_retail.csv.gz").is_file()


# --------------------------------------------------------------------------- CDNOW
# Published figures: 2,357 customers (Fader, Hardie & Lee 2005).


def test_cdnow_sample_has_the_published_2357_customers():
    raw = load_cdnow("raw")
    assert raw["customer_id"].nunique() == 2_357
    assert len(raw) == 6_919
    assert raw["date"].min() == pd.Timestamp("1997-01-01")
    assert raw["date"].max() == pd.Timestamp("1998-06-30")
    summary = load_cdnow("summary")
    assert len(summary) == 2_357
    assert summary.columns.tolist() == ["frequency", "recency", "T"]
    assert summary.index.name == "customer_id"
    assert set(summary.index) == set(raw["customer_id"])


def test_cdnow_summary_with_monetary_value():
    summary = load_cdnow("summary_monetary")
    assert len(summary) == 2_357
    assert summary.columns.tolist() == ["frequency", "recency", "T", "monetary_value"]
    assert (summary.loc[summary["frequency"] == 0, "monetary_value"] == 0).all()


def test_cdnow_transactions_drop_only_the_zero_value_lines():
    raw = load_cdnow("raw")
    tx = load_cdnow()
    assert tx.columns.tolist() == list(REQUIRED_COLUMNS)
    zero = raw[raw["amount"] == 0]
    assert len(zero) == 8
    assert len(tx) == len(raw) - 8 == 6_911
    # each $0 line was its customer's only purchase, so those 8 customers go too
    assert tx["customer_id"].nunique() == 2_357 - 8
    assert set(raw["customer_id"]) - set(tx["customer_id"]) == set(zero["customer_id"])
    assert tx["receipt_id"].is_unique
    assert (tx["sku"] == "CD").all()
    assert tx["amount"].sum() == pytest.approx(raw["amount"].sum())
    assert (tx["unit_price"] * tx["quantity"]).to_numpy() == pytest.approx(tx["amount"].to_numpy())


def test_cdnow_unknown_kind():
    with pytest.raises(
        ValueError, match=r"kind must be one of 'transactions', 'summary'.*got 'sumary'"
    ):
        load_cdnow("sumary")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- own CSV

SHOP_CSV = (
    "会员号,单号,时间,商品,数量,单价,实收\n"
    "00017,S-1,2024-03-01 10:05,tea,2,15.0,27.0\n"
    "00017,S-1,2024-03-01 10:05,cup,1,30.0,30.0\n"
    "00231,S-2,2024-03-04 19:30,tea,1,15.0,15.0\n"
    "00017,S-3,2024-04-11 12:00,0042,3,8.5,25.5\n"
)
SHOP_MAPPING = {
    "customer_id": "会员号",
    "receipt_id": "单号",
    "timestamp": "时间",
    "sku": "商品",
    "quantity": "数量",
    "unit_price": "单价",
    "amount": "实收",
}


@pytest.fixture
def shop_csv(tmp_path) -> Path:
    path = tmp_path / "shop.csv"
    path.write_text(SHOP_CSV, encoding="utf-8")
    return path


def test_round_trip_with_a_column_mapping(tmp_path):
    original = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C2"],
            "receipt_id": ["R1", "R1", "R2"],
            "timestamp": pd.to_datetime(
                ["2024-01-05 10:00", "2024-01-05 10:00", "2024-02-01 18:30"]
            ),
            "sku": ["A", "B", "A"],
            "quantity": [1.0, 2.0, 1.0],
            "unit_price": [5.0, 2.5, 5.0],
            "amount": [5.0, 4.5, 5.0],
            "channel": ["store", "store", "app"],
        }
    )
    theirs = {
        "customer_id": "Member",
        "receipt_id": "Ticket",
        "timestamp": "Time",
        "sku": "Item",
        "quantity": "Units",
        "unit_price": "Price",
        "amount": "Paid",
        "channel": "Where",
    }
    path = tmp_path / "export.csv"
    original.rename(columns=theirs).to_csv(path, index=False)
    back = read_transactions_csv(path, theirs)
    pd.testing.assert_frame_equal(back, original, check_dtype=False, check_index_type=False)
    assert pd.api.types.is_datetime64_any_dtype(back["timestamp"])


def test_read_csv_keeps_leading_zeros_in_ids(shop_csv):
    tx = read_transactions_csv(shop_csv, SHOP_MAPPING)
    assert tx["customer_id"].tolist() == ["00017", "00017", "00231", "00017"]
    assert tx["sku"].iloc[3] == "0042"
    assert tx["amount"].sum() == pytest.approx(97.5)


def test_read_csv_without_amount_computes_it(shop_csv):
    mapping = {k: v for k, v in SHOP_MAPPING.items() if k != "amount"}
    tx = read_transactions_csv(shop_csv, mapping)
    assert tx["amount"].tolist() == [30.0, 30.0, 15.0, 25.5]
    assert "实收" in tx.columns


def test_read_gzipped_csv_through_load_transactions(tmp_path):
    path = tmp_path / "shop.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(SHOP_CSV)
    tx = load_transactions(str(path), columns=SHOP_MAPPING)
    assert len(tx) == 4
    assert tx["receipt_id"].nunique() == 3


def test_read_csv_with_day_first_dates(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text(
        "customer_id,receipt_id,timestamp,sku,quantity,unit_price\n"
        "1,1,05/03/2024,A,1,2.0\n"
        "2,2,13/03/2024,A,1,2.0\n",
        encoding="utf-8",
    )
    tx = read_transactions_csv(path, date_format="%d/%m/%Y")
    assert tx["timestamp"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-13")]


def test_read_csv_date_not_matching_the_format(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text(
        "customer_id,receipt_id,timestamp,sku,quantity,unit_price\n"
        "1,1,05/03/2024,A,1,2.0\n"
        "2,2,2024-03-13,A,1,2.0\n",
        encoding="utf-8",
    )
    with pytest.raises(
        DataValidationError,
        match=r"does not match date_format='%d/%m/%Y' in 1 row \(row 1: '2024-03-13'\)\. "
        r"\(Rows count from 0 at the first line after the header: row 0 is line 2 of the file",
    ):
        read_transactions_csv(path, date_format="%d/%m/%Y")


def test_csv_not_found_says_the_path_and_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sales_2024.csv").write_text("x\n1\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as err:
        read_transactions_csv("sales2024.csv")
    message = str(err.value)
    assert "No file at 'sales2024.csv'" in message
    assert f"the working directory, which is {tmp_path}" in message
    assert "similar names in that folder: sales_2024.csv" in message


def test_csv_path_is_a_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"is a folder, not a file"):
        read_transactions_csv(tmp_path)


def test_empty_csv_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"The file '.*empty\.csv' is empty"):
        read_transactions_csv(path)
    with pytest.raises(DataValidationError, match=r"^The file is empty"):
        read_transactions_csv(io.StringIO(""))


def test_csv_with_header_only(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("customer_id,receipt_id,timestamp,sku,quantity,unit_price\n", encoding="utf-8")
    with pytest.raises(
        DataValidationError, match=r"The transactions table is empty: it has no rows"
    ):
        read_transactions_csv(path)


def test_csv_mapping_names_a_column_that_is_not_there(shop_csv):
    mapping = {**SHOP_MAPPING, "quantity": "件数"}
    with pytest.raises(
        DataValidationError,
        match=r"The column mapping names '件数' for 'quantity', but the transactions table has no "
        r"such column\. The table contains these columns: '会员号', '单号', '时间', '商品', '数量'",
    ):
        read_transactions_csv(shop_csv, mapping)


def test_csv_mapping_with_unknown_schema_name(shop_csv):
    mapping = {**SHOP_MAPPING, "price": "单价"}
    del mapping["unit_price"]
    with pytest.raises(DataValidationError, match=r"unknown schema name 'price'"):
        read_transactions_csv(shop_csv, mapping)


def test_csv_one_column_feeds_two_names(shop_csv):
    mapping = {**SHOP_MAPPING, "receipt_id": "会员号"}  # one receipt per member
    tx = read_transactions_csv(shop_csv, mapping)
    assert (tx["receipt_id"] == tx["customer_id"]).all()


def test_csv_without_mapping_is_told_how_to_map(shop_csv):
    with pytest.raises(
        DataValidationError,
        match=r"The transactions table has no columns 'customer_id', .*The table contains these "
        r"columns: '会员号'.* Map your column names to the schema's with columns=",
    ):
        read_transactions_csv(shop_csv)


def test_csv_in_another_encoding(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(SHOP_CSV.encode("gbk"))
    with pytest.raises(
        DataValidationError, match=r"not in the utf-8 text encoding.*encoding='gbk'"
    ):
        read_transactions_csv(path, SHOP_MAPPING)
    assert len(read_transactions_csv(path, SHOP_MAPPING, encoding="gbk")) == 4


def test_csv_with_bad_values_reports_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "customer_id,receipt_id,timestamp,sku,quantity,unit_price\n"
        "1,1,2024-01-01,A,1,2.0\n"
        "1,2,2024-01-02,A,-1,2.0\n",
        encoding="utf-8",
    )
    with pytest.raises(
        DataValidationError, match=r"'quantity' .* \(row 1: -1\.0\)\..* row 0 is line 2 of the file"
    ):
        read_transactions_csv(path)


def test_read_csv_does_not_change_the_mapping(shop_csv):
    mapping = dict(SHOP_MAPPING)
    read_transactions_csv(shop_csv, mapping, dtype={"数量": "float64"})
    assert mapping == SHOP_MAPPING


# --------------------------------------------------------------------------- load_transactions


def test_load_transactions_cdnow():
    tx = load_transactions("cdnow")
    assert tx["customer_id"].nunique() == 2_349


def test_load_transactions_reads_a_path_object(shop_csv):
    assert len(load_transactions(shop_csv, columns=SHOP_MAPPING)) == 4


def test_unknown_data_source_lists_the_choices():
    assert DATA_SOURCES == ("simulated", "online_retail", "cdnow")
    with pytest.raises(
        ValueError,
        match=r"data_source must be one of 'simulated', 'online_retail', 'cdnow', or the path of "
        r"a file \(\.csv, \.xlsx, \.\.\.\); got 'online retail' \(did you mean 'online_retail'\?\)",
    ):
        load_transactions("online retail")


def test_excel_data_source_is_read(tmp_path):
    tx = load_retailer(seed=3, n_customers=40, cache=False).transactions().head(30)
    tx.to_excel(tmp_path / "sales.xlsx", sheet_name="lines", index=False)
    got = load_transactions(tmp_path / "sales.xlsx", sheet="lines")
    assert got["amount"].sum() == pytest.approx(tx["amount"].sum(), rel=1e-12)
    with pytest.raises(DataValidationError, match=r"has no sheet 'Sheet1'"):
        load_transactions(tmp_path / "sales.xlsx", sheet="Sheet1")


def test_columns_only_for_csv_sources():
    with pytest.raises(ValueError, match=r"^data_options columns only apply to your own files"):
        load_transactions("cdnow", columns={"customer_id": "id"})
    with pytest.raises(ValueError, match=r"^data_options encoding only apply to your own files"):
        load_transactions("online_retail", columns={}, encoding="gbk")
    with pytest.raises(TypeError, match=r"no option 'data_columns' \(did you mean 'columns'\?\)"):
        load_transactions("simulated", data_columns={})


def test_load_transactions_passes_csv_options(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(SHOP_CSV.replace(",", ";").encode("gbk"))
    tx = load_transactions(path, columns=SHOP_MAPPING, encoding="gbk", sep=";")
    assert tx["customer_id"].iloc[0] == "00017"


def test_load_transactions_missing_csv(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No file at .*nothing\.csv"):
        load_transactions(tmp_path / "nothing.csv")


# --------------------------------------------------------------------------- simulated retailer


def test_load_retailer_caches_as_parquet(tmp_path, monkeypatch):
    pytest.importorskip("crm_helpers.simulate")
    monkeypatch.setenv("CRM_CACHE_DIR", str(tmp_path))
    first = datasets.load_retailer(seed=3, n_customers=300)
    folder = tmp_path / "retailer-seed3-n300"
    assert (folder / "_cache_key.json").is_file()
    assert list(folder.glob("*.parquet")) or list(folder.rglob("*.parquet"))
    stamp = (folder / "_cache_key.json").stat().st_mtime_ns
    second = datasets.load_retailer(seed=3, n_customers=300)
    assert (folder / "_cache_key.json").stat().st_mtime_ns == stamp  # read, not regenerated
    pd.testing.assert_frame_equal(
        first.transactions(), second.transactions(), check_dtype=False, check_categorical=False
    )
    fresh = datasets.load_retailer(seed=3, n_customers=300, cache=False)
    pd.testing.assert_frame_equal(
        fresh.transactions(), second.transactions(), check_dtype=False, check_categorical=False
    )
    assert [p.name for p in tmp_path.iterdir()] == ["retailer-seed3-n300"]


def test_load_retailer_still_returns_data_when_the_cache_is_not_writable(tmp_path, monkeypatch):
    pytest.importorskip("crm_helpers.simulate")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CRM_CACHE_DIR", str(blocker / "cache"))
    with pytest.warns(
        UserWarning, match=r"Could not cache the simulated retailer .* CRM_CACHE_DIR"
    ):
        shop = datasets.load_retailer(seed=4, n_customers=100)
    assert len(shop.transactions()) > 0


def test_load_transactions_simulated(tmp_path, monkeypatch):
    pytest.importorskip("crm_helpers.simulate")
    monkeypatch.setenv("CRM_CACHE_DIR", str(tmp_path))
    tx = load_transactions("simulated", seed=5, n_customers=200)
    assert set(REQUIRED_COLUMNS) <= set(tx.columns)
    assert tx["customer_id"].nunique() <= 200


def test_load_retailer_regenerates_a_stale_cache(tmp_path, monkeypatch):
    pytest.importorskip("crm_helpers.simulate")
    monkeypatch.setenv("CRM_CACHE_DIR", str(tmp_path))
    datasets.load_retailer(seed=4, n_customers="tiny")
    folder = tmp_path / "retailer-seed4-n500"  # named scales share the numbered folder
    key_file = folder / "_cache_key.json"
    key_file.write_text(key_file.read_text().replace('"code_sha256": "', '"code_sha256": "old'))
    datasets.load_retailer(seed=4, n_customers=500)
    assert '"code_sha256": "old' not in key_file.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["retailer-seed4-n500"]


def test_load_retailer_arguments_get_their_own_cache(tmp_path, monkeypatch):
    pytest.importorskip("crm_helpers.simulate")
    monkeypatch.setenv("CRM_CACHE_DIR", str(tmp_path))
    datasets.load_retailer(seed=4, n_customers=200, start="2024-01-01")
    datasets.load_retailer(seed=4, n_customers=200, progress=False)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0] == "retailer-seed4-n200"
    assert names[1].startswith("retailer-seed4-n200-") and len(names) == 2


def test_wholesale_customers_match_uci_figures():
    from crm_helpers.datasets import load_wholesale_customers

    clients = load_wholesale_customers()
    assert clients.shape == (440, 8)
    # UCI: Horeca 298, Retail 142; Lisbon 77, Oporto 47, other regions 316
    assert clients["channel"].value_counts().to_dict() == {"Horeca": 298, "Retail": 142}
    assert clients["region"].value_counts().to_dict() == {"Other": 316, "Lisbon": 77, "Oporto": 47}
    assert clients.columns.tolist()[2:] == [
        "fresh", "milk", "grocery", "frozen", "detergents_paper", "delicatessen",
    ]  # fmt: skip


def test_iranian_churn_loads_with_plain_names():
    from crm_helpers.datasets import load_iranian_churn

    churn = load_iranian_churn()
    assert churn.shape == (3150, 14)
    assert {"call_failure", "subscription_length", "customer_value", "churn"} <= set(churn)
    assert set(churn["churn"].unique()) == {0, 1}


def test_submodules_load_on_first_use():
    import crm_helpers as crm

    assert crm.kpi.__name__ == "crm_helpers.kpi"
    assert crm.extensions.__name__ == "crm_helpers.extensions"
    with pytest.raises(AttributeError, match="crm_helpers has no attribute 'nope'"):
        crm.nope  # noqa: B018


def _ast_package_imports(source: str) -> set[str]:
    """The reference: what the parser says each ``from .x`` / ``from crm_helpers.x`` imports."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        mod = node.module or "" if isinstance(node, ast.ImportFrom) else None
        if mod is None or not (
            node.level == 1 or (node.level == 0 and mod.startswith("crm_helpers"))
        ):
            continue
        names = [mod.split(".")[-1], *(a.name for a in node.names)]
        found.update(n for n in names if n and n != "*")  # ``import *`` names no module
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "crm_helpers").rglob("*.py")), ids=lambda p: p.name)
def test_cache_key_imports_agree_with_the_parser(path):
    """The cache key's sources come from a regular expression over the import lines (a
    parse cost 50 ms a load); on every module of the package it finds what ast finds."""
    from crm_helpers.datasets import _package_imports

    source = path.read_text(encoding="utf-8")
    assert _package_imports(source) == _ast_package_imports(source)


def test_cache_key_imports_on_awkward_lines():
    from crm_helpers.datasets import _package_imports

    source = (
        "from . import _catalogue as cat, kpi\n"
        "def f():\n"
        "    from .segment import (  # a comment\n        rfm,\n        kmeans as km,\n    )\n"
        "from crm_helpers.schema import validate\n"
        "from .. import outside\nfrom pandas import DataFrame\nimport crm_helpers.plots\n"
    )
    assert _package_imports(source) == _ast_package_imports(source)
    assert _package_imports(source) == {
        "_catalogue", "kpi", "segment", "rfm", "kmeans", "schema", "validate"
    }  # fmt: skip


def test_cache_key_covers_every_simulate_file_and_what_they_import():
    """The cache key hashes each file of the simulate package and each package module they
    import from above (``from .. import x``), as the parser finds them."""
    import ast

    from crm_helpers.datasets import _simulation_sources

    pkg = ROOT / "crm_helpers" / "simulate"
    expected = set(pkg.glob("*.py"))
    for path in pkg.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                names = [node.module] if node.module else [a.name for a in node.names]
                for n in names:
                    stem = ROOT / "crm_helpers" / n.split(".")[0]
                    expected |= set(stem.glob("*.py")) if stem.is_dir() else {Path(f"{stem}.py")}
    expected = {p for p in expected if p.is_file()}
    assert (ROOT / "crm_helpers" / "_catalogue" / "retail.py") in expected
    assert {p.resolve() for p in _simulation_sources()} == {p.resolve() for p in expected}
