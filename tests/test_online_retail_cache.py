"""load_online_retail reads the CSV once and then a Parquet copy in cache_dir(); the copy
must give exactly the table the CSV gives, and a changed file must be read again."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd
import pytest

from crm_helpers.datasets import load_online_retail

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
LINES = [
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n",
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n",
    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n",
    "536380,22728,ALARM CLOCK BAKELIKE PINK,24,2010-12-01 09:41:00,3.75,,United Kingdom\n",
    "536381,00123,,2,2010-12-02 10:00:00,1.25,15311,France\n",
]  # fmt: skip


def _write(folder: Path, lines: list[str]) -> Path:
    path = folder / "online_retail" / "online_retail.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(HEADER + "".join(lines))
    return path


def _direct(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, dtype={"InvoiceNo": str, "StockCode": str}, parse_dates=["InvoiceDate"]
    )


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_the_copy_gives_the_table_the_csv_gives(folders):
    path = _write(folders / "data", LINES)
    first = load_online_retail(raw=True)
    copies = list((folders / "cache" / "online_retail").glob("*.parquet"))
    assert len(copies) == 1
    again = load_online_retail(raw=True)
    pd.testing.assert_frame_equal(again, _direct(path))
    pd.testing.assert_frame_equal(first, _direct(path))
    assert again.loc[4, "StockCode"] == "00123"  # codes stay text, leading zeros kept
    assert again["Description"].isna().sum() == 1  # the one line without a description
    # the cleaned table from the copy: 2 lines of customer 17850 and 1 of 15311
    assert load_online_retail()["customer_id"].tolist() == [17850, 17850, 15311]


def test_a_changed_file_is_read_again(folders):
    path = _write(folders / "data", LINES)
    load_online_retail(raw=True)
    _write(folders / "data", LINES[:2])
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert len(load_online_retail(raw=True)) == 2


def test_a_damaged_copy_is_replaced(folders):
    path = _write(folders / "data", LINES)
    load_online_retail(raw=True)
    (copy,) = (folders / "cache" / "online_retail").glob("*.parquet")
    copy.write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(load_online_retail(raw=True), _direct(path))
    pd.testing.assert_frame_equal(pd.read_parquet(copy), _direct(path))


def test_a_cache_folder_that_cannot_be_written_still_loads(folders, monkeypatch):
    path = _write(folders / "data", LINES)
    blocker = folders / "a_file"
    blocker.write_text("x")
    monkeypatch.setenv("CRM_CACHE_DIR", str(blocker / "cache"))  # below a file: not a folder
    pd.testing.assert_frame_equal(load_online_retail(raw=True), _direct(path))
    assert not list(folders.rglob("*.part"))


def test_the_cleaned_copy_gives_the_cleaned_table_and_follows_the_cleaning_code(
    folders, monkeypatch
):
    from crm_helpers.datasets import _online_retail

    path = _write(folders / "data", LINES)
    expected = _online_retail.clean_online_retail(_direct(path)).data
    pd.testing.assert_frame_equal(load_online_retail(), expected)  # made, then kept
    cleaned = list((folders / "cache" / "online_retail").glob("clean-*.parquet"))
    assert len(cleaned) == 1
    pd.testing.assert_frame_equal(load_online_retail(), expected)  # read from the copy
    cleaned[0].write_bytes(b"not parquet")  # a damaged copy is made again
    pd.testing.assert_frame_equal(load_online_retail(), expected)
    other_rules = folders / "schema_v2.py"  # changed cleaning code: a copy of its own
    other_rules.write_text("# another version of the rules\n")
    monkeypatch.setattr(_online_retail, "_SCHEMA_FILE", other_rules)
    pd.testing.assert_frame_equal(load_online_retail(), expected)
    assert len(list((folders / "cache" / "online_retail").glob("clean-*.parquet"))) == 2
