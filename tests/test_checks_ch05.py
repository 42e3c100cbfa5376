"""Chapter 05 checks: right answers pass, each typical mistake gets its hint, and no
message contains the expected value. Figures are computed by hand below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
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


def _right_scores(values):
    out = values.copy()
    n = len(out)
    for col, name, sign in (("recency_days", "r_score", -1), ("frequency", "f_score", 1),
                            ("monetary", "m_score", 1)):  # fmt: skip
        pct = ((sign * out[col]).rank(method="average") - 0.5) / n
        out[name] = np.ceil((pct * 5).round(9)).clip(1, 5).astype(int)
    return out


def test_05_2_scores_by_hand():
    assert "Right" in repr(check("05.2", _right_scores, tx=TX))
    # TX as of the day after its end: recency 61 − c for c ≤ 9 … customer 10 (recency 1)

    def recency_up(values):
        out = _right_scores(values)
        out["r_score"] = _right_scores(values.assign(recency_days=-values["recency_days"]))[
            "r_score"
        ]
        return out

    _fails("05.2", recency_up, tx=TX, hint="long-absent customers")

    def first(values):  # frequency: nine customers tie at 1 receipt
        out = _right_scores(values)
        pct = (out["frequency"].rank(method="first") - 0.5) / len(out)
        out["f_score"] = np.ceil((pct * 5).round(9)).clip(1, 5).astype(int)
        return out

    msg = _fails("05.2", first, tx=TX, hint="Tied values share a score")
    assert "f_score" in msg

    def no_half(values):
        out = _right_scores(values)
        pct = out["monetary"].rank(method="average") / len(out)
        out["m_score"] = np.ceil((pct * 5).round(9)).clip(1, 5).astype(int)
        return out

    # with 7 customers the ranks 1 … 7 give different scores with and without the − 0.5
    _fails("05.2", no_half, tx=TX[TX["customer_id"] <= 7], hint="subtract 0.5")
    _fails("05.2", lambda v: v, tx=TX, hint="no column 'r_score'")
    _fails("05.2", lambda v: _right_scores(v).iloc[:3], tx=TX, hint="one row per customer")
    _fails("05.2", 3, tx=TX, hint="should be a function")


def _right_share_a(tx):
    sales = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    before = sales.cumsum().shift(fill_value=0) / sales.sum()
    is_a = before < 0.75
    is_a |= sales >= sales[is_a].min()
    return is_a.mean()


def test_05_3_share_a_by_hand():
    assert "Right" in repr(check("05.3", _right_share_a, tx=TX))
    # TX: A = customers 6 … 10 of 10 buyers (.5); their sales 500/650
    _fails("05.3", lambda tx: 100 * _right_share_a(tx), tx=TX, hint="percentage")
    msg = _fails("05.3", lambda tx: 500 / 650, tx=TX, hint="share of sales")
    assert "0.5" not in msg
    _fails("05.3", lambda tx: 1 - _right_share_a(tx), tx=TX[TX["customer_id"] >= 6], hint="class B")

    def crossing(tx):
        sales = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
        return (sales.cumsum() / sales.sum() < 0.75).mean()

    _fails("05.3", crossing, tx=TX, hint="takes the cumulative share past 75")
    _fails("05.3", lambda tx: 0.3, tx=TX, hint="not the share of buyers in class A")


def _right_top_decile(tx):
    sales = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top = -(-len(sales) // 10)
    return sales.iloc[:top].sum() / sales.sum()


def test_05_4_top_decile_by_hand():
    assert "Right" in repr(check("05.4", _right_top_decile, tx=TX))
    _fails("05.4", lambda tx: 100 * _right_top_decile(tx), tx=TX, hint="percentage")
    _fails("05.4", lambda tx: 10 / 650, tx=TX, hint="bottom decile")
    _fails("05.4", lambda tx: 160 / 650, tx=TX, hint="top 10 % of receipt lines")
    _fails("05.4", lambda tx: 0.1, tx=TX, hint="share of customers")
    msg = _fails("05.4", lambda tx: 0.5, tx=TX, hint="not the sales share")
    assert "0.307" not in msg
    # 25 customers: the top decile holds ceil(2.5) = 3, not 2
    many = crm.simulate_retailer(300, seed=5).transactions()
    few = many[many["customer_id"].isin(many["customer_id"].drop_duplicates().iloc[:50])]

    def floor(tx):
        sales = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
        return sales.iloc[: len(sales) // 10].sum() / sales.sum()

    _fails("05.4", floor, tx=few, hint="rounded the number of top customers down")


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
