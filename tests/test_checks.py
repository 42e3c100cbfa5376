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
