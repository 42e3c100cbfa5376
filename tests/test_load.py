"""Reading your own data: dates, reading options, column mapping, shapes, section notes.

The fast half of issue 19's matrix (the chapters themselves run in test_own_data.py).
References are hand-made files whose true values are known, and the shipped real data.
"""

from __future__ import annotations

import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import sections
from crm_helpers.load import map_columns, read_table, read_tables
from crm_helpers.schema import (
    AmbiguousDatesError,
    DataValidationError,
    detect_dayfirst,
    parse_dates,
    validate_transactions,
)
from crm_helpers.shapes import DataNotAvailable, DataSet, Unavailable, detect_shape, load_data

LINES = pd.DataFrame(
    {
        "customer_id": ["007", "007", "012"],
        "receipt_id": ["A1", "A1", "A2"],
        "timestamp": pd.to_datetime(["2010-12-01 08:26", "2010-12-01 08:26", "2011-01-13 17:05"]),
        "sku": ["tea", "cup", "tea"],
        "quantity": [2.0, 1.0, 3.0],
        "unit_price": [1234.5, 3.25, 1.5],
    }
)
TOTAL = 2 * 1234.5 + 3.25 + 3 * 1.5


# --------------------------------------------------------------------------- dates


def test_day_first_is_found_from_a_day_above_12():
    s = pd.Series(["01/12/2010 08:26", "05/12/2010 09:00", "13/12/2010 10:00"])
    got = parse_dates(s)
    assert got.dt.month.tolist() == [12, 12, 12]
    assert got.dt.day.tolist() == [1, 5, 13]


def test_month_first_is_found_from_a_second_number_above_12():
    got = parse_dates(pd.Series(["12/01/2010", "12/31/2010"]))
    assert got.dt.strftime("%Y-%m-%d").tolist() == ["2010-12-01", "2010-12-31"]


def test_ambiguous_dates_stop_and_say_how_to_choose():
    s = pd.Series(["01/02/2011", "03/04/2011"])
    with pytest.raises(AmbiguousDatesError, match=r'"dayfirst": True.*"date_format"') as err:
        parse_dates(s, column="InvoiceDate")
    assert "'InvoiceDate'" in str(err.value)
    assert parse_dates(s, dayfirst=True).dt.month.tolist() == [2, 4]
    assert parse_dates(s, dayfirst=False).dt.month.tolist() == [1, 3]
    assert parse_dates(s, date_format="%d/%m/%Y").dt.month.tolist() == [2, 4]


def test_mixed_day_orders_are_refused():
    with pytest.raises(DataValidationError, match="mixes day-first dates"):
        detect_dayfirst(pd.Series(["13/01/2011", "01/13/2011"]))


def test_iso_dates_numbers_and_bad_values():
    assert detect_dayfirst(pd.Series(["2011-01-02 10:00"])) is None
    assert parse_dates(pd.Series([20110102])).dt.day.tolist() == [2]
    with pytest.raises(DataValidationError, match=r"holds numbers, not dates"):
        parse_dates(pd.Series([1.5, 2.5]))
    with pytest.raises(DataValidationError, match=r"could not read 1 row \(row 1: 'soon'\)"):
        parse_dates(pd.Series(["2011-01-02", "soon"]))
    with pytest.raises(DataValidationError, match=r"does not match date_format='%d\.%m\.%Y'"):
        parse_dates(pd.Series(["2011-01-02"]), date_format="%d.%m.%Y")


def test_the_schema_reads_day_first_text_with_the_same_parser():
    lines = LINES.assign(timestamp=["01/12/2010 08:26", "01/12/2010 08:26", "13/01/2011 17:05"])
    got = validate_transactions(lines)
    assert got["timestamp"].equals(LINES["timestamp"])


# --------------------------------------------------------------------------- reading


def _european(path, encoding="utf-8"):
    text = lines_as_text(sep=";", decimal=",", thousands=".", dayfirst=True)
    path.write_bytes(text.encode(encoding))
    return path


def lines_as_text(sep: str, decimal: str, thousands: str, dayfirst: bool) -> str:
    fmt = "%d/%m/%Y %H:%M" if dayfirst else "%Y-%m-%d %H:%M"
    rows = ["会员号;小票号;时间;商品;数量;单价".replace(";", sep)]
    for r in LINES.itertuples():
        price = f"{r.unit_price:,.2f}".replace(",", "_").replace(".", decimal)
        price = price.replace("_", thousands)
        when = r.timestamp.strftime(fmt)
        rows.append(sep.join([r.customer_id, r.receipt_id, when, r.sku, f"{r.quantity:g}", price]))
    return "\n".join(rows) + "\n"


MAPPING = {
    "customer_id": "会员号",
    "receipt_id": "小票号",
    "timestamp": "时间",
    "sku": "商品",
    "quantity": "数量",
    "unit_price": "单价",
}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_european_file_reads_with_data_options(tmp_path, encoding):
    path = _european(tmp_path / "eu.csv", encoding)
    options = {"decimal": ",", "thousands": ".", "columns": MAPPING}
    if encoding == "gbk":
        options["encoding"] = "gbk"
    tx = crm.load_transactions(path, **options)
    assert tx["amount"].sum() == pytest.approx(TOTAL, rel=1e-12)
    assert tx["timestamp"].equals(LINES["timestamp"])
    assert tx["customer_id"].tolist() == ["007", "007", "012"]  # leading zeros kept


def test_wrong_encoding_and_clashing_decimal_mark_are_named(tmp_path):
    path = _european(tmp_path / "eu.csv", "gbk")
    with pytest.raises(DataValidationError, match=r'not in the utf-8 .*"encoding": "gbk"'):
        crm.load_transactions(path, columns=MAPPING)
    with pytest.raises(DataValidationError, match=r"both as the column separator and as the"):
        read_table(path, sep=",", decimal=",", encoding="gbk")


def test_allow_returns_is_an_option_again(tmp_path):
    lines = LINES.assign(quantity=[2.0, -1.0, 3.0])
    lines.to_csv(tmp_path / "r.csv", index=False)
    with pytest.raises(DataValidationError, match="allow_returns=True"):
        crm.load_transactions(tmp_path / "r.csv")
    tx = crm.load_transactions(tmp_path / "r.csv", allow_returns=True)
    assert tx["amount"].sum() == pytest.approx(TOTAL - 2 * 3.25, rel=1e-12)


def test_glob_and_dict_sources(tmp_path):
    LINES.iloc[:2].to_csv(tmp_path / "part1.csv", index=False)
    LINES.iloc[2:].to_csv(tmp_path / "part2.csv", index=False)
    tx = crm.load_transactions(str(tmp_path / "part*.csv"))
    assert tx["amount"].sum() == pytest.approx(TOTAL, rel=1e-12)
    tx2 = crm.load_transactions({"transactions": tmp_path / "part1.csv"})
    assert len(tx2) == 2
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "part3.csv", index=False)
    with pytest.raises(DataValidationError, match="do not have the same columns"):
        crm.load_transactions(str(tmp_path / "part*.csv"))
    with pytest.raises(FileNotFoundError, match="No file matches"):
        crm.load_transactions(str(tmp_path / "none*.csv"))


def test_one_column_may_feed_two_roles_and_mapping_errors_are_named():
    raw = pd.DataFrame({"Invoice": ["A1"], "Item": ["tea"]})
    out = map_columns(raw, {"receipt_id": "Invoice", "customer_id": "Invoice", "sku": "Item"})
    assert out["receipt_id"].tolist() == out["customer_id"].tolist() == ["A1"]
    with pytest.raises(DataValidationError, match=r"unknown course name 'price_unit'"):
        map_columns(raw, {"price_unit": "Item"})
    with pytest.raises(DataValidationError, match=r"names 'Itm' for 'sku'"):
        map_columns(raw, {"sku": "Itm"})


def test_unknown_options_are_named():
    with pytest.raises(TypeError, match=r"no option 'delimiter' \(did you mean 'sep'\?\)"):
        crm.load_transactions("x.csv", delimiter=";")


# --------------------------------------------------------------------------- hostile files
# Files a user really brings; each stops with an error naming the column or the option,
# what was expected and what was found (or, where the file is unambiguous, reads right).


def test_a_wrong_separator_is_named_with_the_right_one(tmp_path):
    LINES.to_csv(tmp_path / "comma.csv", index=False)
    with pytest.raises(DataValidationError, match=r"sep=';' as one column .*\{\"sep\": \",\"\}"):
        crm.load_transactions(tmp_path / "comma.csv", sep=";")
    LINES.to_csv(tmp_path / "semi.csv", index=False, sep=";")  # no sep given: found
    assert crm.load_transactions(tmp_path / "semi.csv")["amount"].sum() == pytest.approx(TOTAL)


def test_text_in_amounts_names_the_column_row_and_value(tmp_path):
    lines = LINES.assign(unit_price=["1234.5", "about 3", "1.5"])
    lines.to_csv(tmp_path / "text.csv", index=False)
    with pytest.raises(DataValidationError, match=r"'unit_price' .*numeric.*row 1: 'about 3'"):
        crm.load_transactions(tmp_path / "text.csv")
    european = LINES.assign(unit_price=["1234,50", "3,25", "1,50"])
    european.to_csv(tmp_path / "eu.csv", index=False, sep=";")
    with pytest.raises(DataValidationError, match=r"'unit_price'.*\{\"decimal\": \",\"\}"):
        crm.load_transactions(tmp_path / "eu.csv")
    tx = crm.load_transactions(tmp_path / "eu.csv", decimal=",")
    assert tx["amount"].sum() == pytest.approx(TOTAL, rel=1e-12)


def test_a_missing_customer_id_is_counted_and_a_missing_column_named(tmp_path):
    LINES.assign(customer_id=["007", None, "012"]).to_csv(tmp_path / "gap.csv", index=False)
    with pytest.raises(DataValidationError, match=r"'customer_id' .*missing values; found 1"):
        crm.load_transactions(tmp_path / "gap.csv")
    LINES.drop(columns="customer_id").to_csv(tmp_path / "none.csv", index=False)
    with pytest.raises(DataValidationError, match=r"no column 'customer_id'.*It contains"):
        crm.load_transactions(tmp_path / "none.csv")
    assert load_data(tmp_path / "none.csv").shape == "baskets"  # rules still run, with notes


def test_mixed_date_formats_read_each_value_right(tmp_path):
    """ISO dates beside day-first ones: 2011-01-05 stays 5 January (dateutil's dayfirst
    would swap it to 1 May); day-first and month-first together are refused."""
    when = ["13/12/2010 08:26", "2011-01-05 10:00", "2011-01-13 17:05"]
    got = parse_dates(pd.Series(when, index=[4, 4, 9]))
    assert got.dt.strftime("%Y-%m-%d").tolist() == ["2010-12-13", "2011-01-05", "2011-01-13"]
    assert got.index.tolist() == [4, 4, 9]
    lines = LINES.assign(timestamp=["13/12/2010 08:26", "13/12/2010 08:26", "2011-01-05 17:05"])
    lines.to_csv(tmp_path / "mixed.csv", index=False)
    tx = crm.load_transactions(tmp_path / "mixed.csv")
    assert tx["timestamp"].dt.month.tolist() == [12, 12, 1]
    with pytest.raises(DataValidationError, match=r"mixes day-first .*and month-first"):
        parse_dates(pd.Series(["13/12/2010", "12/13/2010"]))


def test_a_gbk_file_without_its_encoding_says_which_to_give(tmp_path):
    zh = LINES.rename(columns=dict(zip(MAPPING, MAPPING.values(), strict=True)))
    zh.to_csv(tmp_path / "gbk.csv", index=False, encoding="gbk")
    with pytest.raises(DataValidationError, match=r'not in the utf-8 .*\{"encoding": "gbk"\}'):
        load_data(tmp_path / "gbk.csv", columns=MAPPING)
    data = load_data(tmp_path / "gbk.csv", columns=MAPPING, encoding="gbk")
    assert data.transactions["amount"].sum() == pytest.approx(TOTAL, rel=1e-12)


def test_an_excel_file_with_two_sheets_asks_which(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"说明": ["read me"]}).to_excel(book, sheet_name="说明", index=False)
        LINES.to_excel(book, sheet_name="sales", index=False)
    with pytest.raises(DataValidationError, match=r"2 sheets: '说明' \(1 row.*'sales' \(3 rows"):
        crm.load_transactions(path)
    assert crm.load_transactions(path, sheet="sales")["amount"].sum() == pytest.approx(TOTAL)
    assert crm.load_transactions(path, sheet=1)["amount"].sum() == pytest.approx(TOTAL)
    with pytest.raises(DataValidationError, match=r"no sheet 'Sheet9'"):
        crm.load_transactions(path, sheet="Sheet9")


def test_shipped_bank_marketing_separator_is_found():
    """bank.csv separates columns with ';' and quotes text: the header line decides."""
    tables = read_tables(crm.datasets.data_dir() / "bank_marketing" / "bank.csv")
    assert tables["data"].shape == (4521, 17)


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    ("columns", "shape"),
    [
        (["customer_id", "receipt_id", "timestamp", "sku", "amount"], "receipt_lines"),
        (["receipt_id", "sku", "timestamp"], "baskets"),
        (["customer_id", "timestamp", "amount"], "event_log"),
        (["customer_id", "tenure", "churn"], "customers"),
        (["product_quality", "price", "overall"], "survey"),
        (["record_id", "name", "phone"], "records"),
        (["text", "label"], "reviews"),
    ],
)
def test_each_shape_is_detected_from_its_columns(columns, shape):
    assert detect_shape(pd.DataFrame(columns=columns)) == shape


def test_real_shipped_files_get_their_shapes():
    folder = crm.datasets.data_dir()
    churn = load_data(folder / "iranian_churn" / "Customer Churn.csv", columns={"churn": "Churn"})
    assert churn.shape == "customers" and churn.can("churn_model") and not churn.can("rules")
    assert (
        churn.table("customers")["churn"].sum() == crm.datasets.load_iranian_churn()["churn"].sum()
    )
    reviews = load_data(folder / "zh_reviews" / "waimai_10k.csv", columns={"text": "review"})
    assert reviews.shape == "reviews" and reviews.can("sentiment")
    bank = load_data(folder / "bank_marketing" / "bank.csv", columns={"churn": "y"})
    assert bank.table("customers")["churn"].mean() == pytest.approx(0.1152, abs=5e-5)


def test_an_event_log_gets_one_receipt_per_customer_and_moment(tmp_path):
    pd.DataFrame(
        {"who": [1, 1, 1, 2], "when": ["2024-01-05", "2024-01-05", "2024-02-01", "2024-01-07"]}
    ).to_csv(tmp_path / "ev.csv", index=False)
    data = load_data(tmp_path / "ev.csv", columns={"customer_id": "who", "timestamp": "when"})
    assert data.shape == "event_log" and data.can("bgnbd") and not data.can("spend")
    assert data.transactions["receipt_id"].nunique() == 3
    assert data.missing("spend") == ["amount"]
    with pytest.raises(DataNotAvailable, match=r"needs 'amount'"):
        data.requires("spend")


def test_simulated_data_can_feed_every_transaction_section():
    data = load_data("simulated", seed=3, n_customers="tiny")
    assert data.simulated and data.can("rules") and data.can("spend") and data.can("retailer")
    assert len(data.table("survey")) > 0  # the simulated survey, added on demand
    assert not data.can("churn_model")


def test_unavailable_tables_never_stand_in_for_yours():
    data = load_data("cdnow")
    assert not data.simulated and not data.retailer
    with pytest.raises(DataNotAvailable, match="simulated retailer"):
        data.retailer.customers  # noqa: B018
    assert isinstance(data.table("survey"), Unavailable)


# --------------------------------------------------------------------------- section notes


@pytest.fixture
def guarded():
    data = DataSet(
        {"baskets": pd.DataFrame({"receipt_id": [1, 1], "sku": ["a", "b"]})},
        {"baskets": "baskets"},
        "'b.csv'",
    )
    sections._STATE.update(data=data, skipped=set(), notes=[])
    yield {"tx": data.tables["baskets"], "shop": data.retailer or Unavailable("the shop")}
    sections._STATE.update(data=None, skipped=set(), notes=[])


def test_a_cell_the_data_cannot_feed_shows_a_note_and_is_undone(guarded):
    guarded["kept"] = 1
    note = sections._exec_guarded("kept = 2\nn = tx['customer_id'].nunique()\nn", guarded)
    assert "no column 'customer_id'" in note.reason
    assert guarded["kept"] == 1 and "n" not in guarded
    later = sections._exec_guarded("m = n + 1", guarded)
    assert "it uses 'n'" in later.reason  # no NameError cascade
    assert sections._exec_guarded("len(tx)", guarded) == 2


def test_columns_pandas_names_in_an_index_give_a_note_too(guarded):
    """``drop_duplicates``/``duplicated`` raise ``KeyError(Index([...]))``, not a string."""
    note = sections._exec_guarded("tx.drop_duplicates('category')", guarded)
    assert "needs a column 'category'" in note.reason
    note = sections._exec_guarded("tx.drop_duplicates(['amount', 'sku'])", guarded)
    assert "no column 'amount'" in note.reason


def test_other_errors_are_raised_as_usual(guarded):
    with pytest.raises(ZeroDivisionError):
        sections._exec_guarded("1 / 0", guarded)
    with pytest.raises(NameError):
        sections._exec_guarded("never_defined", guarded)
    with pytest.raises(KeyError):
        sections._exec_guarded("tx['receipt_id'].to_dict()['nope']", guarded)


def test_a_helper_given_a_missing_table_gives_a_note(guarded):
    code = "crm.segment.rfm_values(shop, '2024-01-01')"
    note = sections._exec_guarded(code, {**guarded, "crm": crm})
    assert "the shop" in note.reason


def test_guard_sections_is_off_for_the_simulated_retailer():
    class Shell:
        ast_transformers: list = []

    shell = Shell()
    sections.guard_sections(DataSet({}, {}, "'x'", simulated=True), shell)
    assert shell.ast_transformers == []
    sections.guard_sections(DataSet({}, {}, "'x'"), shell)
    sections.guard_sections(DataSet({}, {}, "'x'"), shell)
    assert len(shell.ast_transformers) == 1  # a re-run loading cell does not stack guards


def test_every_chapter_takes_data_options_and_guards_its_sections():
    import nbformat

    from crm_helpers.course import notebook_parameters

    root = crm.datasets.repo_root() / "notebooks"
    for path in sorted(root.glob("0[1-9]_*.ipynb")):
        declared = notebook_parameters(path)
        assert declared["data_options"] == {} and "data_columns" not in declared, path.name
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        assert "data_columns" not in text, path.name
        assert "crm.load_data(" in text and "crm.guard_sections(data)" in text, path.name


# --------------------------------------------------------------------------- the docs


def test_the_examples_of_docs_data_schema_run(tmp_path, monkeypatch):
    """Every ```pycon block of docs/data_schema.md, in order, in one namespace."""
    import doctest
    import re

    text = (crm.datasets.repo_root() / "docs" / "data_schema.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 10  # an example per shape and per reading option
    monkeypatch.chdir(tmp_path)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "data_schema", None, 0)
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
