"""The cleaning report: against the truth of injected dirt, hand-computed fences, and the
raw Online Retail table (its first steps are those of clean_online_retail)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.cleaning import PROBLEMS, cleaning_report, make_dirty, outlier_mask


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return crm.simulate_retailer(300, seed=4).transactions()


def test_report_finds_exactly_the_injected_dirt(tx):
    assert not tx.duplicated().any()  # the simulated table is clean to begin with
    dirty, truth = make_dirty(tx, seed=5)
    report = cleaning_report(dirty)
    for problem, step in PROBLEMS.items():
        injected = set(truth.loc[truth["problem"] == problem, "row"])
        found = set(report.removed.index[report.removed["step"] == step])
        assert injected, problem
        assert found == injected, problem
    steps = report.steps.set_index("step")
    assert steps["rows_before"].iloc[0] == len(dirty)
    assert (steps["rows_before"] - steps["rows_removed"] == steps["rows_after"]).all()
    assert (
        steps["rows_before"].iloc[1:].to_numpy() == steps["rows_after"].iloc[:-1].to_numpy()
    ).all()
    assert steps["share"].to_numpy() == pytest.approx(steps["rows_removed"].to_numpy() / len(dirty))
    assert len(report.data) == steps["rows_after"].iloc[-1]


def test_cleaned_table_is_the_original_without_the_damaged_rows(tx):
    dirty, truth = make_dirty(tx, seed=6)
    report = cleaning_report(dirty)
    damaged = truth["problem"].isin(["missing", "type", "outlier"]).sum()
    assert len(report.data) == len(tx) - damaged
    # the surviving rows carry their original values, now as numbers
    assert pd.api.types.is_numeric_dtype(report.data["quantity"])
    kept = report.data
    original = tx.reset_index(drop=True)
    key = ["receipt_id", "sku"]
    merged = kept.assign(sku=kept["sku"].astype(str)).merge(
        original.assign(sku=original["sku"].astype(str)), on=key, suffixes=("", "_orig")
    )
    assert len(merged) == len(kept)
    assert (merged["quantity"] == merged["quantity_orig"]).all()
    assert merged["amount"].to_numpy() == pytest.approx(merged["amount_orig"].to_numpy())


def test_make_dirty_is_seeded_and_leaves_its_input_alone(tx):
    before = tx.copy()
    a, ta = make_dirty(tx, seed=1)
    b, tb = make_dirty(tx, seed=1)
    c, _ = make_dirty(tx, seed=2)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ta, tb)
    assert not a["customer_id"].equals(c["customer_id"])
    pd.testing.assert_frame_equal(tx, before)
    n = len(tx)
    counts = ta["problem"].value_counts()
    assert counts["duplicate"] == round(0.02 * n) and counts["outlier"] == round(0.005 * n)
    assert len(a) == n + counts["duplicate"] + counts["return"]


def test_hand_made_dirty_table():
    raw = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, None, 3, 4, 5, 6],
            "receipt_id": [1, 1, 2, 3, 4, 5, 6, 7],
            "timestamp": ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02",
                          "2024-01-03", "not a date", "2024-01-04", "2024-01-05"],
            "sku": list("aabcdefg"),
            "quantity": ["1", "1", "x", "2", "-1", "1", "2", "2"],
            "unit_price": [5.0] * 8,
            "amount": [5.0, 5, 5, 10, -5, 5, 10, 10],
        }
    )  # fmt: skip
    report = cleaning_report(raw)
    removed = report.removed.groupby("step").size()
    # row 1 copies row 0; row 3 has no customer; row 2 ("x") and row 5 (no date) are
    # type problems; row 4 is a return
    assert removed.to_dict() == {
        "duplicates": 1, "missing values": 1, "type problems": 2, "returns and cancellations": 1
    }  # fmt: skip
    assert report.data.index.tolist() == [0, 6, 7]
    assert report.data["quantity"].tolist() == [1, 2, 2]
    assert pd.api.types.is_datetime64_any_dtype(report.data["timestamp"])
    assert raw["quantity"].iloc[0] == "1"  # input unchanged


def test_outlier_rules_by_hand():
    # [1, 2, 3, 4, 100]: Q1 = 2, Q3 = 4, IQR = 2, fences -1 and 7
    x = pd.Series([1.0, 2, 3, 4, 100])
    assert outlier_mask(x, log=False).tolist() == [False] * 4 + [True]
    assert outlier_mask(x, log=False, k=50).tolist() == [False] * 5  # fence 4 + 100 = 104
    # log scale: log values 0, .69, 1.10, 1.39, 4.61; Q1 = .69, Q3 = 1.39, IQR = .69
    # upper fence 1.39 + 1.5 * .69 = 2.43 -> only 100
    assert outlier_mask(x).tolist() == [False] * 4 + [True]
    # robust z: median 3, MAD = median(|x - 3|) = median(2, 1, 0, 1, 97) = 1
    # z(100) = 0.6745 * 97 = 65.4; z(1) = 1.35
    assert outlier_mask(x, method="robust_z", k=3.5, log=False).tolist() == [False] * 4 + [True]
    assert outlier_mask(x, method="robust_z", k=1.3, log=False).tolist() == [
        True,
        False,
        False,
        False,
        True,
    ]


@pytest.mark.filterwarnings("ignore")
def test_online_retail_report_reuses_the_course_cleaning():
    raw = crm.datasets.load_online_retail(raw=True)
    report = crm.cleaning.online_retail_report(raw)
    base = crm.datasets.clean_online_retail(raw)
    steps = report.steps
    assert steps["step"].tolist()[:4] == base.steps["step"].tolist()
    assert steps["rows_removed"].tolist()[:4] == base.steps["rows_removed"].tolist()
    assert steps["rows_before"].iloc[0] == 541_909
    assert steps["rows_before"].iloc[4] == 397_884  # the published cleaned size
    dups = int(base.data.duplicated().sum())
    assert steps.set_index("step").loc["duplicates", "rows_removed"] == dups
    # the outlier fence, computed here directly on log(amount) with k = 3
    amounts = np.log(base.data.loc[~base.data.duplicated(), "amount"])
    q1, q3 = amounts.quantile([0.25, 0.75])
    far = ((amounts < q1 - 3 * (q3 - q1)) | (amounts > q3 + 3 * (q3 - q1))).sum()
    assert steps.set_index("step").loc["outliers", "rows_removed"] == far
    assert len(report.data) == 541_909 - steps["rows_removed"].sum()


def test_bad_input_names_the_problem(tx):
    with pytest.raises(crm.DataValidationError, match="has no column 'amount'"):
        cleaning_report(tx.drop(columns="amount"))
    with pytest.raises(crm.DataValidationError, match="has no column 'sku'"):
        make_dirty(tx.drop(columns="sku"))
    with pytest.raises(ValueError, match="method must be one of 'iqr', 'robust_z'"):
        cleaning_report(tx, method="zscore")
    with pytest.raises(ValueError, match="duplicates must be a share between 0 and 0.2"):
        make_dirty(tx, duplicates=0.5)
    with pytest.raises(ValueError, match="k must be > 0"):
        outlier_mask(pd.Series([1.0, 2.0]), k=0)
    with pytest.raises(ValueError, match="needs positive values"):
        outlier_mask(pd.Series([1.0, -2.0]))


def test_repeated_index_labels_and_an_empty_table(tx):
    dirty, truth = make_dirty(tx.head(200), seed=3)
    relabelled = dirty.set_axis([i // 2 for i in range(len(dirty))])  # every label twice
    report = cleaning_report(relabelled)
    plain = cleaning_report(dirty)
    assert report.steps["rows_removed"].tolist() == plain.steps["rows_removed"].tolist()
    assert report.removed.index.tolist() == [i // 2 for i in plain.removed.index]
    assert len(report.data) == len(plain.data)
    empty = cleaning_report(tx.iloc[:0])
    assert empty.steps["rows_removed"].sum() == 0 and len(empty.data) == 0
