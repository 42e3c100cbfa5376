"""Chapter 06's in-notebook checks: right answers pass, each typical mistake gets its hint,
and no hint shows the expected value. Small hand-computed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_helpers import loyalty
from crm_helpers.checks import ExerciseError, check

LEDGER = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 2, 2, 1],
        "timestamp": pd.to_datetime(
            ["2024-01-01", "2024-02-01", "2024-06-01", "2024-03-01", "2024-04-01", "2024-09-01"]
        ),
        "kind": ["earn", "redeem", "expire", "earn", "redeem", "earn"],
        "points": [1000, 500, 300, 400, 100, 77],
    }
)
# before 2024-07-01: customer 1 = 1000 - 500 - 300 = 200; customer 2 = 400 - 100 = 300
# breakage over the ledger: expired 300 / (redeemed 600 + expired 300) = 1/3
AS_OF = "2024-07-01"


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def _signed(d):
    return np.where(d["kind"] == "earn", d["points"], -d["points"])


def test_06_1_points_balance():
    def right(ledger, as_of):
        d = ledger[ledger["timestamp"] < pd.Timestamp(as_of)]
        return pd.Series(_signed(d), index=d.index).groupby(d["customer_id"]).sum()

    assert "Right" in repr(check("06.1", right, ledger=LEDGER, as_of=AS_OF))

    def no_expiry(ledger, as_of):
        d = ledger[(ledger["timestamp"] < pd.Timestamp(as_of)) & (ledger["kind"] != "expire")]
        return pd.Series(_signed(d), index=d.index).groupby(d["customer_id"]).sum()

    msg = _fails("06.1", no_expiry, ledger=LEDGER, as_of=AS_OF, hint="Expired points")
    assert "200" not in msg and "300" not in msg

    def all_positive(ledger, as_of):
        d = ledger[ledger["timestamp"] < pd.Timestamp(as_of)]
        return d.groupby("customer_id")["points"].sum()

    _fails("06.1", all_positive, ledger=LEDGER, as_of=AS_OF, hint="added up every row")

    def everything(ledger, as_of):
        return pd.Series(_signed(ledger), index=ledger.index).groupby(ledger["customer_id"]).sum()

    _fails("06.1", everything, ledger=LEDGER, as_of=AS_OF, hint="on or after as_of")
    _fails("06.1", 5, ledger=LEDGER, as_of=AS_OF, hint="should be a function")
    _fails("06.1", lambda d, a: 3, ledger=LEDGER, as_of=AS_OF, hint="pandas Series")


def test_06_2_breakage_rate():
    assert "Right" in repr(check("06.2", 1 / 3, ledger=LEDGER))
    msg = _fails("06.2", 2 / 3, ledger=LEDGER, hint="were redeemed")
    assert "0.33" not in msg
    _fails("06.2", 300 / 1477, ledger=LEDGER, hint="divided by all points earned")
    _fails("06.2", 100 / 3, ledger=LEDGER, hint="not a percentage")
    _fails("06.2", 0.5, ledger=LEDGER, hint="not expired")
    _fails("06.2", None, ledger=LEDGER, hint="not answered yet")


def _tx(rows):
    d = pd.DataFrame(rows, columns=["customer_id", "timestamp", "amount"])
    return d.assign(timestamp=pd.to_datetime(d["timestamp"]), receipt_id=np.arange(len(d)) + 1)


# default tiers: silver needs 1000 yuan and 4 visits in the 365 days before as_of
TIER_TX = _tx(
    [(1, f"2024-0{m}-01", 250.0) for m in range(1, 5)]  # exactly on the threshold: silver
    + [(2, "2024-02-01", 2000.0)]  # spend without visits: basic
    + [(3, f"2022-0{m}-01", 500.0) for m in range(1, 5)]  # silver long ago: basic now
    + [(4, f"2024-0{m}-02", 300.0) for m in range(1, 6)]  # 1500 in 5 visits: silver
)


def _const(n):
    return lambda tx, as_of: n


def test_06_3_silver_or_better():
    ctx = {"tx": TIER_TX, "as_of": "2024-06-01"}
    assert "Right" in repr(check("06.3", _const(2), **ctx))
    _fails("06.3", _const(3), **ctx, hint="only the spend threshold")
    # with customer 2 gone, the spend-only count equals the all-history one: no unfair hint
    no2 = TIER_TX[TIER_TX["customer_id"] != 2]
    _fails("06.3", _const(3), tx=no2, as_of="2024-06-01", hint="every purchase since the start")
    msg = _fails("06.3", _const(1), **ctx, hint="compare with ≥")
    assert "2" not in msg.replace("06.3", "")
    _fails("06.3", _const(0), **ctx, hint="not the number of members")
    _fails("06.3", 2, **ctx, hint="should be a function")

    def right(tx, as_of):
        win = tx[(tx["timestamp"] < as_of) & (tx["timestamp"] >= as_of - pd.Timedelta(days=365))]
        spend = win.groupby("customer_id")["amount"].sum()
        visits = win.groupby("customer_id")["receipt_id"].nunique()
        silver = loyalty.DEFAULT_TIERS.set_index("tier").loc["silver"]
        return int(((spend >= silver["min_spend"]) & (visits >= silver["min_visits"])).sum())

    assert "Right" in repr(check("06.3", right, **ctx))


REPEAT_TX = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 2, 3, 3],
        "receipt_id": [1, 1, 2, 3, 4, 5],
        "timestamp": pd.to_datetime(
            ["2024-01-02", "2024-01-02", "2024-01-20", "2024-01-05", "2024-02-01", "2024-02-03"]
        ),
        "amount": 1.0,
    }
)
# January: customers 1 (2 receipts) and 2 (1 receipt): 1/2 = 0.5; February: customer 3 (2
# receipts): 1/1. Lines instead of receipts: January 1 and 2 have 3 and 1 lines -> also 0.5,
# so that hint is tested on a variant where customer 2 has two lines on one receipt.


def _months(tx):
    return tx["timestamp"].dt.strftime("%Y-%m")


def test_06_4_repeat_rate():
    def right(tx, month):
        d = tx[_months(tx) == month]
        return (d.groupby("customer_id")["receipt_id"].nunique() >= 2).mean()

    assert "Right for every month" in repr(check("06.4", right, tx=REPEAT_TX))
    two_lines = pd.concat([REPEAT_TX, REPEAT_TX.iloc[[3]]], ignore_index=True)

    def lines(tx, month):
        return (tx[_months(tx) == month].groupby("customer_id").size() >= 2).mean()

    _fails("06.4", lines, tx=two_lines, hint="counted receipt lines")

    def everyone(tx, month):
        d = tx[_months(tx) == month]
        n = (d.groupby("customer_id")["receipt_id"].nunique() >= 2).sum()
        return n / tx["customer_id"].nunique()

    _fails("06.4", everyone, tx=REPEAT_TX, hint="every customer in the data")
    _fails("06.4", lambda tx, m: 0.25, tx=REPEAT_TX, hint="not that month's repurchase rate")

    def retention(tx, month):
        table = loyalty.repeat_and_retention(tx)
        r = table.loc[table["period"].dt.strftime("%Y-%m") == month, "retention_rate"].iloc[0]
        return 0.5 if np.isnan(r) else r  # right in January, the retention rate after

    _fails("06.4", retention, tx=REPEAT_TX, hint="retention rate")


CHURN_TX = _tx(
    [
        (1, "2024-01-01", 10.0),
        (1, "2024-03-01", 5.0),
        (2, "2024-02-01", 7.0),
        (3, "2024-05-01", 1.0),
    ]  # fmt: skip
)
CUTOFF = pd.Timestamp("2024-04-01")  # customer 1: 31 days; customer 2: 60 days


def test_06_5_recency_days():
    def right(tx, cutoff):
        d = tx[tx["timestamp"] < cutoff]
        return (cutoff - d.groupby("customer_id")["timestamp"].max()) / pd.Timedelta(days=1)

    assert "Right" in repr(check("06.5", right, tx=CHURN_TX, cutoff=CUTOFF))

    def leaky(tx, cutoff):
        return (cutoff - tx.groupby("customer_id")["timestamp"].max()) / pd.Timedelta(days=1)

    _fails("06.5", leaky, tx=CHURN_TX, cutoff=CUTOFF, hint="first purchase is on or after")
    only_old = CHURN_TX[CHURN_TX["customer_id"] != 3]
    leak2 = pd.concat([only_old, _tx([(2, "2024-04-10", 3.0)])], ignore_index=True)
    leak2["receipt_id"] = np.arange(len(leak2)) + 1
    msg = _fails("06.5", leaky, tx=leak2, cutoff=CUTOFF, hint="purchases after the cut-off")
    assert "31" not in msg and "60" not in msg

    def as_timedelta(tx, cutoff):
        d = tx[tx["timestamp"] < cutoff]
        return cutoff - d.groupby("customer_id")["timestamp"].max()

    _fails("06.5", as_timedelta, tx=CHURN_TX, cutoff=CUTOFF, hint="number of days")
    _fails("06.5", lambda t, c: pd.Series({1: 1.0, 2: 2.0}), tx=CHURN_TX, cutoff=CUTOFF,
           hint="does not give the days")  # fmt: skip


CUSTOMERS = pd.DataFrame(
    {"value": [1000.0, 200.0, 50.0], "margin_rate": [0.05, 0.4, 0.4], "risk": [0.5, 0.8, 0.9]},
    index=pd.Index([1, 2, 3], name="customer_id"),
)
# margin recovered (× 0.5): 1: 12.5, 2: 32, 3: 9; top 2 = {2, 1}: 44.5 − 2 × 5 = 34.5
# on revenue × risk (500, 160, 45) the top 2 would be {1, 2} as well, but worth 0.5 × 660 − 10


def test_06_6_winback_net():
    ctx = {"customers": CUSTOMERS, "n_contacted": 2, "cost_per_contact": 5.0,
           "response_rate": 0.5}  # fmt: skip
    assert "Right" in repr(check("06.6", lambda *a: 34.5, **ctx))
    msg = _fails("06.6", lambda *a: 0.5 * 660 - 10, **ctx, hint="valued the customers on revenue")
    assert "34.5" not in msg
    _fails("06.6", lambda *a: 44.5, **ctx, hint="cost of contacting")
    # without risk: 0.5 × (50, 80, 20): top 2 = 65 − 10
    _fails("06.6", lambda *a: 55.0, **ctx, hint="weight each by its churn risk")
    _fails("06.6", lambda *a: 1.0, **ctx, hint="That is not the net value")
    _fails("06.6", 34.5, **ctx, hint="should be a function")
    # ranked by revenue × risk with n = 1: customer 1 (12.5 − 5) instead of customer 2
    _fails(
        "06.6", lambda *a: 7.5, **{**ctx, "n_contacted": 1}, hint="ranked the customers by revenue"
    )

    def right(customers, n, response_rate, cost_per_contact):
        c = customers.assign(
            net=response_rate * customers["value"] * customers["margin_rate"] * customers["risk"]
            - cost_per_contact
        )
        return c.sort_values("net", ascending=False)["net"].head(n).sum()

    assert "Right" in repr(check("06.6", right, **ctx))


MARGIN_TX = pd.DataFrame(
    {
        "customer_id": [1, 1, 2, 2],
        "receipt_id": [1, 2, 3, 4],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-15", "2024-03-01"]),
        "amount": [100.0, 60.0, 40.0, 80.0],
        "quantity": [2, 1, 4, 1],
        "unit_cost": [35.0, 50.0, 5.0, 20.0],
    }
)
# before 2024-02-15: customer 1 = (100 − 70) + (60 − 50) = 40; customer 2 = 40 − 20 = 20


def test_06_8_historical_margin():
    ctx = {"tx": MARGIN_TX, "as_of": "2024-02-15"}
    ok = pd.Series({1: 40.0, 2: 20.0})
    assert "Right" in repr(check("06.8", lambda tx, as_of: ok, **ctx))
    msg = _fails("06.8", lambda tx, a: pd.Series({1: 160.0, 2: 40.0}), **ctx, hint="revenue")
    assert "40.0" not in msg
    _fails("06.8", lambda tx, a: pd.Series({1: 75.0, 2: 35.0}), **ctx, hint="multiply it by")
    _fails("06.8", lambda tx, a: pd.Series({1: 40.0, 2: 80.0}), **ctx, hint="strictly before")
    _fails("06.8", lambda tx, a: pd.Series({1: 1.0, 2: 2.0}), **ctx, hint="does not give")

    def right(tx, as_of):
        d = tx[tx["timestamp"] < as_of]
        margin = d["amount"] - d["unit_cost"] * d["quantity"]
        return margin.groupby(d["customer_id"]).sum()

    assert "Right" in repr(check("06.8", right, **ctx))


LINK_TX = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 2, 2, 2, 3],
        "receipt_id": [1, 2, 3, 4, 5, 6, 7],
        "timestamp": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-02", "2024-01-05",
                                     "2024-02-07", "2024-02-17", "2024-01-11"]),
        "amount": 1.0,
    }
)  # fmt: skip
# Jan: 1 ×2 (→ Feb yes), 2 ×1 (yes), 3 ×1 (no); Feb is the last month
# repurchasers → next month: 1 of 1; once-buyers: 1 of 2; retained in Feb: 1 ×1, 2 ×2 → 1/2


def test_06_9_retention_after_repurchase():
    assert "Right" in repr(check("06.9", lambda tx: 1.0, tx=LINK_TX))
    link = LINK_TX.iloc[[0, 1, 2, 3, 4, 5, 6, 6]].assign(receipt_id=range(8))  # 3 twice in Jan
    # now: repurchasers in Jan: 1 (yes), 3 (no) → 1/2; once-buyers: 2 (yes) → 1; retained 1/2
    _fails("06.9", lambda tx: 1.0, tx=link, hint="bought once")
    _fails("06.9", lambda tx: 0.25, tx=LINK_TX, hint="Count \\(customer, month\\) pairs")
    _fails("06.9", "x", tx=LINK_TX, hint="should be a function")
