"""The in-notebook checks: right answers pass, typical mistakes get their hint, and no
message ever contains the expected value."""

from __future__ import annotations

import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.checks import ExerciseError, check

# Three receipts by two customers in two years; hand-computed figures below.
TX = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 2, 2, 1],
        "receipt_id": [10, 10, 11, 12, 12, 13],
        "timestamp": pd.to_datetime(
            ["2024-03-01", "2024-03-01", "2025-01-15", "2025-02-01", "2025-02-01", "2025-03-01"]
        ),
        "sku": ["A", "B", "A", "C", "A", "B"],
        "quantity": [1, 2, 1, 1, 3, 1],
        "unit_price": [10.0, 5.0, 10.0, 40.0, 10.0, 5.0],
        "amount": [10.0, 10.0, 8.0, 40.0, 30.0, 5.0],
    }
)
# total 103; visits 4; customers 2; receipt values 20, 8, 70, 5 -> average basket 25.75;
# purchase frequency 2024: 1 visit / 1 customer = 1; 2025: 3 visits / 2 customers = 1.5
TOTAL, VISITS, AVG = 103.0, 4, 25.75


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def test_01_1_right_and_typical_mistakes():
    assert "Right" in repr(check("01.1", TOTAL, VISITS, tx=TX))
    msg = _fails("01.1", TOTAL, len(TX), tx=TX, hint="receipt lines")
    assert str(VISITS) not in msg.split("lines")[0][-3:]
    _fails("01.1", TOTAL, 2, tx=TX, hint="counts customers")
    _fails("01.1", TOTAL - 5, VISITS, tx=TX, hint="not the sum of what members paid")
    list_price = float((TX["quantity"] * TX["unit_price"]).sum())
    msg = _fails("01.1", list_price, VISITS, tx=TX, hint="list prices")
    assert "103" not in msg


def test_01_2_function_answers():
    assert "Right" in repr(
        check("01.2", lambda t: t.groupby("receipt_id")["amount"].sum().mean(), tx=TX)
    )
    _fails("01.2", lambda t: t["amount"].mean(), tx=TX, hint="averaged the receipt lines")
    _fails(
        "01.2",
        lambda t: t["amount"].sum() / t["customer_id"].nunique(),
        tx=TX,
        hint="number of customers",
    )
    _fails("01.2", 32.7, tx=TX, hint="should be a function")


def test_01_2_right_answer_passes_when_each_customer_has_one_receipt():
    """Issue 19: with one receipt per customer the average basket equals sales per customer;
    the right answer must pass, not get the "number of customers" hint."""
    one_each = TX[TX["receipt_id"].isin([11, 12])]  # customer 1: receipt 11; customer 2: 12
    right = lambda t: t.groupby("receipt_id")["amount"].sum().mean()  # noqa: E731
    assert "Right" in repr(check("01.2", right, tx=one_each))
    single_lines = TX.drop_duplicates("receipt_id")  # one line per receipt: line mean = basket
    assert "Right" in repr(check("01.2", right, tx=single_lines))


def test_01_3_best_month():
    assert "Right" in repr(check("01.3", pd.Timestamp("2025-02-01"), tx=TX))
    assert "Right" in repr(check("01.3", "2025-02", tx=TX))
    _fails("01.3", "2024-03", tx=TX, hint="not the month with the highest")
    _fails("01.3", "2025-03", tx=TX, hint="lowest sales")
    _fails("01.3", 3.5, tx=TX, hint="should be a month")


def test_01_4_purchase_frequency():
    def right(t, year):
        y = t[t["timestamp"].dt.year == year]
        return y["receipt_id"].nunique() / y["customer_id"].nunique()

    assert "Right for every year" in repr(check("01.4", right, tx=TX))
    _fails("01.4", lambda t, year: 1 / right(t, year), tx=TX, hint="upside down")

    def lines(t, year):
        y = t[t["timestamp"].dt.year == year]
        return len(y) / y["customer_id"].nunique()

    _fails("01.4", lines, tx=TX, hint="counted receipt lines")


def test_01_5_lapsed():
    stages = crm.kpi.lifecycle_stage(TX, "2025-12-31")["stage"].value_counts()
    assert "Right" in repr(check("01.5", int(stages["lapsed"]), tx=TX, as_of="2025-12-31"))
    _fails("01.5", int(stages["lapsed"]) + 5, tx=TX, as_of="2025-12-31", hint="not the number")


def test_unanswered_and_unknown():
    _fails("01.1", None, None, tx=TX, hint="not answered yet")

    def stub(t):
        raise NotImplementedError()

    _fails("01.2", stub, tx=TX, hint="not answered yet")
    with pytest.raises(KeyError, match="no check for exercise '99.9'"):
        check("99.9", 1)


# 01.7: quarters 2024Q1: receipt 10 (20) -> sales 20, basket 20; 2025Q1: receipts 11, 12, 13
# (8, 70, 5) -> sales 83, basket 83/3; the line means are 10 and 83/4.
def _quarterly(t):
    q = t.assign(q=t["timestamp"].dt.to_period("Q"))
    g = q.groupby("q").agg(total_sales=("amount", "sum"), receipts=("receipt_id", "nunique"))
    return g.assign(avg_basket=g["total_sales"] / g["receipts"])


def test_01_7_quarterly_indicators():
    got = _quarterly(TX)
    assert got["total_sales"].tolist() == [20.0, 83.0]
    assert got["avg_basket"].tolist() == pytest.approx([20.0, 83 / 3])
    assert "Right" in repr(check("01.7", _quarterly, tx=TX))
    line_mean = lambda t: _quarterly(t).assign(  # noqa: E731
        avg_basket=t.groupby(t["timestamp"].dt.to_period("Q"))["amount"].mean().to_numpy()
    )
    msg = _fails("01.7", line_mean, tx=TX, hint="averages receipt lines")
    assert "27.6" not in msg and "20.75" not in msg
    _fails("01.7", lambda t: _quarterly(t).iloc[:1], tx=TX, hint="one row per quarter")
    _fails("01.7", lambda t: _quarterly(t)[["total_sales"]], tx=TX, hint="columns total_sales")
    _fails("01.7", lambda t: None, tx=TX, hint="should return a DataFrame")


# 01.8: four weeks with one customer each; the first week (2024-03-01) has two lines.
def test_01_8_customers_per_week():
    right = lambda t: t.groupby(t["timestamp"].dt.to_period("W"))["customer_id"].nunique()  # noqa: E731
    assert right(TX).tolist() == [1, 1, 1, 1]
    assert "Right" in repr(check("01.8", right, tx=TX))
    lines = lambda t: t.groupby(t["timestamp"].dt.to_period("W"))["customer_id"].size()  # noqa: E731
    _fails("01.8", lines, tx=TX, hint="receipt lines")
    by_month = lambda t: t.groupby(t["timestamp"].dt.to_period("M"))["customer_id"].nunique()  # noqa: E731
    _fails("01.8", lambda t: by_month(t).iloc[:2], tx=TX, hint="Weeks start on Monday")
    two_week = pd.concat([TX, TX.assign(customer_id=3, receipt_id=99).iloc[:1]])
    visits = lambda t: t.groupby(t["timestamp"].dt.to_period("W"))["receipt_id"].nunique()  # noqa: E731
    _fails("01.8", lambda t: visits(t) + 1, tx=two_week, hint="Some weeks")


# 01.9: on 2026-02-15 customer 1 last bought 2025-03-01 (351 days: 老客户) and customer 2
# on 2025-02-01 (379 days: 流失客户); on 2025-03-15 customer 2 is 新客户 (first purchase 42
# days before).
def _seed_counts(t, as_of):
    t = t[t["timestamp"] <= as_of]
    g = t.groupby("customer_id")["timestamp"].agg(["min", "max"])
    stage = pd.Series("老客户", index=g.index)
    stage[as_of - g["max"] >= pd.Timedelta(days=365)] = "流失客户"
    stage[as_of - g["min"] < pd.Timedelta(days=90)] = "新客户"
    return stage.value_counts().reindex(["新客户", "老客户", "流失客户"], fill_value=0)


def test_01_9_seed_stage_counts():
    assert _seed_counts(TX, pd.Timestamp("2026-02-15")).tolist() == [0, 1, 1]
    assert _seed_counts(TX, pd.Timestamp("2025-03-15")).tolist() == [1, 1, 0]
    for day in ("2026-02-15", "2025-03-15"):
        assert "Right" in repr(check("01.9", _seed_counts, tx=TX, as_of=day))
    recent_as_new = lambda t, d: pd.Series({"新客户": 2, "老客户": 0, "流失客户": 0})  # noqa: E731
    _fails("01.9", recent_as_new, tx=TX, as_of="2025-03-15", hint="新客户 is off")
    all_time = lambda t, d: _seed_counts(t, pd.Timestamp("2030-01-01"))  # noqa: E731
    _fails("01.9", all_time, tx=TX, as_of="2025-03-15", hint="流失客户 is off")
    _fails("01.9", lambda t, d: pd.Series({"新客户": 1}), tx=TX, as_of="2025-03-15", hint="missing")
