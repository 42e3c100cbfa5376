"""Tests of the transaction schema: what passes, and what each bad input is told."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers.schema import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    TRANSACTION_COLUMNS,
    DataValidationError,
    check_choice,
    rename_columns,
    require_columns,
    validate_table,
    validate_transactions,
)


def make_tx(**changes: list) -> pd.DataFrame:
    """A small valid transaction table: 2 customers, 3 receipts, 4 lines."""
    data = {
        "customer_id": [1, 1, 2, 2],
        "receipt_id": [10, 10, 11, 12],
        "timestamp": ["2024-01-05 10:00", "2024-01-05 10:00", "2024-02-01 18:30", "2024-03-02"],
        "sku": ["A", "B", "A", "C"],
        "quantity": [1, 2, 1, 3],
        "unit_price": [5.0, 2.5, 5.0, 1.0],
        "amount": [5.0, 5.0, 5.0, 3.0],
    }
    data.update(changes)
    return pd.DataFrame(data)


# --------------------------------------------------------------------------- valid input


def test_schema_constants_are_consistent():
    assert TRANSACTION_COLUMNS == REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    assert len(set(TRANSACTION_COLUMNS)) == len(TRANSACTION_COLUMNS)


def test_valid_table_is_typed():
    out = validate_transactions(make_tx())
    assert pd.api.types.is_datetime64_any_dtype(out["timestamp"])
    for col in ("quantity", "unit_price", "amount"):
        assert out[col].dtype == "float64"
    assert out["timestamp"].iloc[2] == pd.Timestamp("2024-02-01 18:30")


@pytest.mark.parametrize(
    "ids",
    [
        {"customer_id": ["M001", "M001", "M002", "M002"], "receipt_id": ["r1", "r1", "r2", "r3"]},
        {"customer_id": [1, 1, 2, 2], "receipt_id": [10, 10, 11, 12]},
        {
            "customer_id": pd.array(["007", "007", "012", "012"], dtype="string"),
            "receipt_id": [10.0, 10.0, 11.0, 12.0],
        },
    ],
    ids=["string ids", "int ids", "nullable strings and float ids"],
)
def test_valid_ids_of_any_type_pass_unchanged(ids):
    tx = make_tx(**ids)
    out = validate_transactions(tx)
    assert out["customer_id"].tolist() == tx["customer_id"].tolist()
    assert out["receipt_id"].tolist() == tx["receipt_id"].tolist()


def test_tz_aware_timestamps_pass_and_keep_their_local_clock_time():
    stamps = pd.to_datetime(
        ["2024-01-05 18:00", "2024-01-05 18:00", "2024-02-01 09:30", "2024-03-02 08:00"]
    ).tz_localize("Asia/Shanghai")
    out = validate_transactions(make_tx(timestamp=stamps))
    assert out["timestamp"].dt.tz is None
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-01-05 18:00")


def test_text_dates_with_different_utc_offsets_pass():
    stamps = [
        "2024-01-05T18:00+08:00",
        "2024-01-05T18:00+08:00",
        "2024-02-01T10:30+01:00",
        "2024-03-02T00:00Z",
    ]
    out = validate_transactions(make_tx(timestamp=stamps))
    assert out["timestamp"].tolist()[1:] == [
        pd.Timestamp("2024-01-05 10:00"),
        pd.Timestamp("2024-02-01 09:30"),
        pd.Timestamp("2024-03-02"),
    ]


def test_dates_with_and_without_time_zone_are_refused():
    stamps = ["2024-01-05 18:00", "2024-01-05 18:00", "2024-02-01T10:30+08:00", "2024-03-02"]
    with pytest.raises(
        DataValidationError,
        match=r"'timestamp' .* mixes dates with a time zone and dates without one \(with: 1 row "
        r"\(row 2: '2024-02-01T10:30\+08:00'\); without: 3 rows",
    ):
        validate_transactions(make_tx(timestamp=stamps))


def test_amount_is_computed_from_price_and_discount_when_absent():
    tx = make_tx(discount=[0.0, 0.2, 0.5, 0.0]).drop(columns="amount")
    assert validate_transactions(tx)["amount"].tolist() == [5.0, 4.0, 2.5, 3.0]


def test_other_columns_are_kept():
    out = validate_transactions(make_tx(country=["CN"] * 4))
    assert out["country"].tolist() == ["CN"] * 4


def test_returns_are_accepted_when_allowed():
    tx = make_tx(quantity=[1, -2, 1, 3], amount=[5.0, -5.0, 5.0, 3.0])
    out = validate_transactions(tx, allow_returns=True)
    assert out["amount"].sum() == 8.0


@pytest.mark.parametrize(
    "bad",
    [
        make_tx(),
        make_tx(quantity=[1, 0, 1, 3]),
        make_tx(timestamp=["2024-01-05", "never", "2024-02-01", "2024-03-02"]),
        make_tx(customer_id=[1, None, 2, 2]),
    ],
    ids=["valid", "zero quantity", "bad date", "missing id"],
)
def test_validation_never_changes_its_input(bad):
    before = bad.copy(deep=True)
    try:
        validate_transactions(bad)
    except DataValidationError:
        pass
    pd.testing.assert_frame_equal(bad, before)


def test_validate_table_does_not_change_its_input_and_parses_dates():
    customers = pd.DataFrame({"customer_id": [1, 2], "joined": ["2024-01-01", "2024-02-03"]})
    before = customers.copy(deep=True)
    out = validate_table(customers, key="customer_id", dates=["joined"], table="customers")
    pd.testing.assert_frame_equal(customers, before)
    assert pd.api.types.is_datetime64_any_dtype(out["joined"])


# --------------------------------------------------------------------------- bad input


def test_missing_column_lists_the_columns_present():
    with pytest.raises(
        DataValidationError,
        match=r"has no column 'unit_price'\. The table contains these columns: 'customer_id', "
        r"'receipt_id', 'timestamp', 'sku', 'quantity', 'amount'\.",
    ):
        validate_transactions(make_tx().drop(columns="unit_price"))


def test_several_missing_columns_are_named_together():
    with pytest.raises(DataValidationError, match=r"has no columns 'sku', 'quantity'"):
        validate_transactions(make_tx().drop(columns=["sku", "quantity"]))


def test_misnamed_column_gets_a_close_match_suggestion():
    tx = make_tx().rename(columns={"customer_id": "CustomerID"})
    with pytest.raises(
        DataValidationError, match=r"no column 'customer_id' \(did you mean 'CustomerID'\?\)"
    ):
        validate_transactions(tx)


def test_column_with_spaces_gets_a_suggestion():
    tx = make_tx().rename(columns={"unit_price": "Unit Price"})
    with pytest.raises(DataValidationError, match=r"did you mean 'Unit Price'\?"):
        validate_transactions(tx)


def test_empty_table():
    with pytest.raises(
        DataValidationError, match=r"The transactions table is empty: it has no rows"
    ):
        validate_transactions(make_tx().iloc[0:0])


def test_unparseable_date_shows_value_and_row():
    tx = make_tx(timestamp=["2024-01-05", "2024-01-05", "2024-13-45", "2024-03-02"])
    with pytest.raises(
        DataValidationError,
        match=r"Column 'timestamp' .* must hold dates; could not read 1 row \(row 2: '2024-13-45'\)",
    ):
        validate_transactions(tx)


def test_non_numeric_quantity_shows_value_and_row():
    tx = make_tx(quantity=[1, "two", 1, 3])
    with pytest.raises(
        DataValidationError,
        match=r"Column 'quantity' .* must be numeric; found text that is not a number in "
        r"1 row \(row 1: 'two'\)",
    ):
        validate_transactions(tx)


def test_boolean_quantity_is_not_numeric():
    with pytest.raises(DataValidationError, match=r"'quantity' .* must be numeric; found booleans"):
        validate_transactions(make_tx(quantity=[True, False, True, True]))


def test_negative_price():
    tx = make_tx(unit_price=[5.0, -2.5, 5.0, 1.0])
    with pytest.raises(
        DataValidationError,
        match=r"Column 'unit_price' .* must be greater than 0; found zero or negative values in "
        r"1 row \(row 1: -2\.5\)",
    ):
        validate_transactions(tx)


def test_zero_quantity():
    tx = make_tx(quantity=[1, 0, 1, 3])
    with pytest.raises(
        DataValidationError,
        match=r"Column 'quantity' .* must be greater than 0;.*\(row 1: 0\.0\)\. Returns and "
        r"cancellations should be removed first",
    ):
        validate_transactions(tx)


def test_zero_quantity_even_when_returns_are_allowed():
    tx = make_tx(quantity=[1, 0, 1, 3])
    with pytest.raises(DataValidationError, match=r"'quantity' .* must not be 0; found 1 row"):
        validate_transactions(tx, allow_returns=True)


def test_negative_amount():
    tx = make_tx(amount=[5.0, 5.0, -5.0, 3.0])
    with pytest.raises(
        DataValidationError, match=r"Column 'amount' .* must be greater than 0;.*\(row 2: -5\.0\)"
    ):
        validate_transactions(tx)


def test_discount_of_one_or_more():
    tx = make_tx(discount=[0.0, 0.1, 1.0, 20.0])
    with pytest.raises(
        DataValidationError,
        match=r"'discount' .* must be a share between 0 and 1 \(0\.2 means 20 % off\); "
        r"found 2 rows \(row 2: 1\.0, row 3: 20\.0\)",
    ):
        validate_transactions(tx)


def test_negative_unit_cost():
    tx = make_tx(unit_cost=[1.0, -1.0, 1.0, 0.0])
    with pytest.raises(DataValidationError, match=r"'unit_cost' .* must be ≥ 0;.*\(row 1: -1\.0\)"):
        validate_transactions(tx)


def test_missing_customer_ids_are_counted_and_located():
    tx = make_tx(customer_id=[1, None, 2, None])
    with pytest.raises(
        DataValidationError,
        match=r"Column 'customer_id' .* must not have missing values; found 2 missing \(rows 1, 3\)",
    ):
        validate_transactions(tx)


def test_receipt_shared_by_two_customers():
    tx = make_tx(customer_id=[1, 2, 2, 2])
    with pytest.raises(
        DataValidationError,
        match=r"Each receipt must belong to one customer; 1 receipt_id value appears with "
        r"several customers \(10\)",
    ):
        validate_transactions(tx)


def test_bad_rows_with_repeated_index_labels_show_one_value_each():
    tx = make_tx(quantity=[1, 0, 1, 3])
    tx.index = [0, 0, 1, 1]
    with pytest.raises(DataValidationError, match=r"in 1 row \(row 0: 0\.0\)\."):
        validate_transactions(tx)


def test_long_lists_of_bad_rows_are_cut_short():
    tx = pd.concat([make_tx()] * 3, ignore_index=True)
    tx["receipt_id"] = range(len(tx))
    tx["quantity"] = 0
    with pytest.raises(DataValidationError, match=r"12 rows \(row 0: 0\.0, .*row 4: 0\.0, …\)"):
        validate_transactions(tx)


def test_not_a_dataframe():
    with pytest.raises(
        TypeError, match=r"The transactions table must be a pandas DataFrame; got dict"
    ):
        validate_transactions(make_tx().to_dict())


def test_custom_table_name_appears_in_messages():
    with pytest.raises(DataValidationError, match=r"^The Online Retail table has no column 'sku'"):
        validate_transactions(make_tx().drop(columns="sku"), table="Online Retail")


# --------------------------------------------------------------------------- validate_table


def test_duplicate_key_in_customers_table():
    customers = pd.DataFrame({"customer_id": [1, 2, 2, 3, 3], "city": list("abcde")})
    with pytest.raises(
        DataValidationError,
        match=r"The customers table must have one row per 'customer_id'; "
        r"found 2 duplicated keys \(2, 3\)",
    ):
        validate_table(customers, key="customer_id", table="customers")


def test_duplicate_compound_key():
    stock = pd.DataFrame({"store_id": [1, 1, 2], "sku": ["A", "A", "A"]})
    with pytest.raises(DataValidationError, match=r"one row per \('store_id', 'sku'\)"):
        validate_table(stock, key=["store_id", "sku"], table="stock")


def test_missing_key():
    with pytest.raises(
        DataValidationError,
        match=r"'customer_id' of the customers table .*found 1 missing \(row 1\)",
    ):
        validate_table(
            pd.DataFrame({"customer_id": [1, None]}), key="customer_id", table="customers"
        )


def test_default_table_name_reads_well():
    with pytest.raises(DataValidationError, match=r"^The table is empty: it has no rows\.$"):
        validate_table(pd.DataFrame({"customer_id": []}), key="customer_id")
    with pytest.raises(DataValidationError, match=r"^The table has no column 'id'"):
        require_columns(pd.DataFrame({"a": [1]}), ["id"])


def test_validate_table_unreadable_date():
    customers = pd.DataFrame({"customer_id": [1, 2], "joined": ["2024-01-01", "yesterday"]})
    with pytest.raises(DataValidationError, match=r"'joined' .* \(row 1: 'yesterday'\)"):
        validate_table(customers, key="customer_id", dates=["joined"], table="customers")


# --------------------------------------------------------------------------- rename_columns


def test_rename_columns_maps_and_does_not_change_input():
    raw = pd.DataFrame({"CustomerID": [1], "Qty": [2], "Other": [3]})
    before = raw.copy()
    out = rename_columns(raw, {"customer_id": "CustomerID", "quantity": "Qty"})
    assert out.columns.tolist() == ["customer_id", "quantity", "Other"]
    pd.testing.assert_frame_equal(raw, before)


def test_mapping_to_a_column_that_is_not_there():
    raw = pd.DataFrame({"CustomerID": [1], "Qty": [2]})
    with pytest.raises(
        DataValidationError,
        match=r"The column mapping names 'Quantity' for 'quantity', but the sales table has no "
        r"such column\. The table contains these columns: 'CustomerID', 'Qty'\.",
    ):
        rename_columns(raw, {"quantity": "Quantity"}, table="sales")


def test_mapping_with_unknown_schema_name():
    raw = pd.DataFrame({"CustomerID": [1]})
    with pytest.raises(
        DataValidationError,
        match=r"unknown schema name 'customer' \(did you mean 'customer_id'\?\)\..*"
        r"the schema's columns are: customer_id, receipt_id",
    ):
        rename_columns(raw, {"customer": "CustomerID"})


def test_reversed_mapping_is_recognised():
    raw = pd.DataFrame({"CustomerID": [1]})
    with pytest.raises(
        DataValidationError,
        match=r"the mapping looks reversed: write \{schema name: your column name\}, "
        r"e\.g\. \{'customer_id': 'CustomerID'\}",
    ):
        rename_columns(raw, {"CustomerID": "customer_id"})


def test_same_source_feeds_two_names():
    raw = pd.DataFrame({"Total": [1.0, 2.5], "Qty": [1, 1]})
    out = rename_columns(raw, {"amount": "Total", "unit_price": "Total"})
    assert out["amount"].tolist() == out["unit_price"].tolist() == [1.0, 2.5]


def test_mapping_that_would_duplicate_a_column():
    raw = pd.DataFrame({"amount": [1.0], "Total": [2.0]})
    with pytest.raises(DataValidationError, match=r"would create a second column 'amount'"):
        rename_columns(raw, {"amount": "Total"})


# --------------------------------------------------------------------------- check_choice


def test_check_choice_lists_the_choices():
    check_choice("period", "month", ["year", "month"])
    with pytest.raises(ValueError, match=r"period must be one of 'year', 'month'; got 'day'\."):
        check_choice("period", "day", ["year", "month"])
