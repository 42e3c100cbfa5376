"""Chapter 05 checks: right answers pass, each typical mistake gets its hint, and no
message contains the expected value. Figures are computed by hand below."""

from __future__ import annotations

import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import segment as sg
from crm_helpers.checks import ExerciseError, check

# Ten customers. Customer c (1 … 10) has one receipt on 2024-01-c with two lines: 4c
# (1 unit) and 6c (2 units); customer 10 also buys 100 (1 unit) on 2024-03-01. List prices
# are 25 % above what was paid; unit costs are 40 % of what was paid (profit = 60 %).
_rows = []
for c in range(1, 11):
    _rows += [(c, c, f"2024-01-{c:02d}", 1, 4.0 * c), (c, c, f"2024-01-{c:02d}", 2, 6.0 * c)]
_rows.append((10, 99, "2024-03-01", 1, 100.0))
TX = pd.DataFrame(_rows, columns=["customer_id", "receipt_id", "timestamp", "quantity", "amount"])
TX["timestamp"] = pd.to_datetime(TX["timestamp"])
TX["unit_price"] = TX["amount"] / TX["quantity"] * 1.25
TX["unit_cost"] = TX["amount"] / TX["quantity"] * 0.4
TX["sku"] = "X"
# sales: 10c for c ≤ 9, 200 for customer 10; total 650.
# ABC (75 %): 200, 290, 370, 440 before customer 6 (440/650 = .677 < .75) -> A = 6 … 10,
#   share of buyers 5/10 = .5; A's share of sales 500/650.
# deciles: decile 1 = customer 10: 200/650; decile 10 = customer 1: 10/650.
# RFM as of 2024-03-02: recency 61 − c, customer 10: 1 -> R = 1,1,2,2,3,3,4,4,5,5;
#   F = 3 (tied) but 5 for customer 10; M = 1,1,2,2,3,3,4,4,5,5; FM = 2,2,3,3,3,3,4,4,4,5
#   -> lost, lost, at risk, at risk, need attention ×2, loyal ×2, champions ×2.
AS_OF = pd.Timestamp("2024-03-02")
MEMBERS = pd.DataFrame({"customer_id": list(range(1, 13))})  # 11 and 12 are prospects


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def test_placeholders_are_not_answered_yet():
    with pytest.raises(ExerciseError, match="not answered yet"):
        check("05.2", None, tx=TX, as_of=AS_OF)

    def stub(tx, as_of):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="not answered yet"):
        check("05.1", stub, tx=TX)


def _right_rfm(tx, as_of):
    upto = tx[tx["timestamp"] <= as_of]
    r = upto.groupby("receipt_id").agg(
        customer_id=("customer_id", "first"), ts=("timestamp", "min"), value=("amount", "sum")
    )
    out = r.groupby("customer_id").agg(
        last=("ts", "max"), frequency=("value", "size"), monetary=("value", "sum")
    )
    out["recency_days"] = (as_of - out["last"]).dt.days
    return out


def test_05_1_rfm_function():
    assert "Right" in repr(check("05.1", _right_rfm, tx=TX))

    def lines(tx, as_of):
        out = _right_rfm(tx, as_of)
        out["frequency"] = tx[tx["timestamp"] <= as_of].groupby("customer_id").size()
        return out

    _fails("05.1", lines, tx=TX, hint="counts receipt lines")

    def list_price(tx, as_of):
        out = _right_rfm(tx, as_of)
        t = tx[tx["timestamp"] <= as_of]
        out["monetary"] = (t["quantity"] * t["unit_price"]).groupby(t["customer_id"]).sum()
        return out

    _fails("05.1", list_price, tx=TX, hint="list prices")

    def from_first(tx, as_of):
        out = _right_rfm(tx, as_of)
        t = tx[tx["timestamp"] <= as_of]
        out["recency_days"] = (as_of - t.groupby("customer_id")["timestamp"].min()).dt.days
        return out

    _fails("05.1", from_first, tx=TX, hint="from the first purchase")

    def weeks(tx, as_of):
        out = _right_rfm(tx, as_of)
        out["recency_days"] = out["recency_days"] / 7
        return out

    _fails("05.1", weeks, tx=TX, hint="looks like weeks")

    def timedelta(tx, as_of):
        out = _right_rfm(tx, as_of)
        out["recency_days"] = as_of - out["last"]
        return out

    _fails("05.1", timedelta, tx=TX, hint="time span")

    def ignores_as_of(tx, as_of):
        return _right_rfm(tx, tx["timestamp"].max() + pd.Timedelta(days=1)).assign(
            recency_days=lambda d: (as_of - d["last"]).dt.days
        )

    _fails("05.1", ignores_as_of, tx=TX, hint="not the number of receipts up to as_of")

    def prospects_too(tx, as_of):  # customers 11 … 20 "bought" after the mid date
        late = tx.assign(customer_id=tx["customer_id"] + 10, receipt_id=tx["receipt_id"] + 1000)
        both = pd.concat([tx, late.assign(timestamp=pd.Timestamp("2024-03-01"))])
        return _right_rfm(both, tx["timestamp"].max() + pd.Timedelta(days=1))

    _fails("05.1", prospects_too, tx=TX, hint="one row per customer")
    _fails("05.1", 3, tx=TX, hint="should be a function")
    _fails("05.1", lambda t, a: [1, 2], tx=TX, hint="should return a DataFrame")
    _fails(
        "05.1",
        lambda t, a: _right_rfm(t, a).drop(columns="monetary"),
        tx=TX,
        hint="no column 'monetary'",
    )


def test_05_2_champions():
    assert "Right" in repr(check("05.2", 2, tx=TX, as_of=AS_OF))
    _fails("05.2", 4, tx=TX, hint="champions and loyal customers together")
    _fails("05.2", 0.2, tx=TX, hint="not a share")
    _fails("05.2", 7, tx=TX, hint="not the number of customers in the 'champions'")
    # the loyal hint, on data where loyal and champions differ in number
    other = crm.simulate_retailer(300, seed=5).transactions()
    counts = sg.rfm(other)["segment"].value_counts()
    assert counts["loyal"] != counts["champions"]
    msg = _fails("05.2", counts["loyal"], tx=other, as_of=None, hint="loyal customers, not")
    assert str(counts["champions"]) not in msg


def test_05_3_share_a():
    assert "Right" in repr(check("05.3", 0.5, tx=TX, customers=MEMBERS))
    _fails("05.3", 50, tx=TX, customers=MEMBERS, hint="percentage")
    msg = _fails("05.3", 500 / 650, tx=TX, customers=MEMBERS, hint="share of sales")
    assert "0.5" not in msg
    _fails("05.3", 5 / 12, tx=TX, customers=MEMBERS, hint="prospects")
    _fails("05.3", 0.3, tx=TX, customers=MEMBERS, hint="not the share of buyers")
    # customers 6 … 10 alone: sales 200, 90, 80, 70, 60 (500); before 70: 370/500 = .74,
    # before 60: .88 -> A = 4 of 5 buyers (.8), B = .2
    tx = TX[TX["customer_id"] >= 6]
    assert "Right" in repr(check("05.3", 0.8, tx=tx))
    _fails("05.3", 0.2, tx=tx, hint="share of class B")


def test_05_4_top_decile():
    assert "Right" in repr(check("05.4", 200 / 650, tx=TX))
    _fails("05.4", 20000 / 650, tx=TX, hint="percentage")
    _fails("05.4", 10 / 650, tx=TX, hint="bottom decile")
    _fails("05.4", 160 / 650, tx=TX, hint="top 10 % of receipt lines")
    _fails("05.4", 0.1, tx=TX, hint="share of customers")
    msg = _fails("05.4", 0.5, tx=TX, hint="not the sales share")
    assert "0.307" not in msg


def test_05_5_stars():
    # months in the window: 61 days / 30.4375; frequency 1/2.004 = .499, customer 10: .998
    # amounts 10c, customer 10: 100.
    a = {"amount_threshold": 50, "frequency_threshold": 0.6}  # Star 10; Volcano 5 … 9
    assert "Right" in repr(check("05.5", 1, tx=TX, **a))
    _fails("05.5", 5, tx=TX, hint="Volcanoes", **a)
    _fails("05.5", 10, tx=TX, hint="every customer", **a)
    _fails("05.5", 3, tx=TX, hint="not the number of Stars", **a)
    b = {"amount_threshold": 95, "frequency_threshold": 0.45}  # Star 10; Cows 1 … 9
    assert "Right" in repr(check("05.5", 1, tx=TX, **b))
    _fails("05.5", 9, tx=TX, hint="Cows", **b)


def test_05_6_bottom_zone_profit():
    # 10 customers: zones end at ranks 1, 2, 4, 6, 10 -> bottom zone = customers 1 … 4,
    # profit 6c − cost per receipt: 60 without, 60 − 4 × 3 = 48 with cost 3; revenue 100;
    # the top zone (customer 10): 120 − 2 × cost
    def right(tx, cost):
        return 60.0 if cost == 0 else 48.0

    assert "Right" in repr(check("05.6", right, tx=TX))
    _fails("05.6", lambda tx, cost: 100.0, tx=TX, hint="revenue")
    _fails("05.6", lambda tx, cost: 120.0 - 2 * cost, tx=TX, hint="top zone")
    _fails("05.6", lambda tx, cost: 60.0, tx=TX, hint="subtract service_cost")
    _fails("05.6", lambda tx, cost: 1.0, tx=TX, hint="not the profit of the bottom 40")
    _fails("05.6", 60.0, tx=TX, hint="should be a function")


def test_05_7_best_k():
    table = pd.DataFrame({"k": [2, 3, 4], "inertia": [30.0, 20, 15], "silhouette": [0.4, 0.6, 0.5]})
    assert "Right" in repr(check("05.7", 3, table=table))
    _fails("05.7", 4, table=table, hint="lowest inertia")
    _fails("05.7", 2, table=table, hint="lowest\\* silhouette|\\*lowest\\* silhouette")
    _fails("05.7", 7, table=table, hint="not the k with the highest")
    _fails("05.7", "three", table=table, hint="should be a number")
