"""The simulated loyalty programme (crm_helpers/extensions/loyalty.py): the points ledger
follows its stated rules, never goes negative, and its expiries are exactly what
crm_helpers.loyalty recomputes from earnings and redemptions; the tiers table follows the
rolling-window rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import loyalty
from crm_helpers.extensions.loyalty import POINTS_RULES


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(1500, seed=8).with_tables("points", "tiers")


def test_the_ledger_never_goes_negative(shop):
    led = loyalty.check_ledger(shop.points)  # in time order, expiries first at a tie
    running = (
        (led["points"] * led["kind"].map(loyalty.LEDGER_KINDS)).groupby(led["customer_id"]).cumsum()
    )
    assert running.min() >= 0
    assert (shop.points["points"] > 0).all()


def test_expiry_matches_the_independent_recomputation(shop):
    gen = shop.points.query("kind == 'expire'")
    ours = loyalty.recompute_expiry(shop.points, POINTS_RULES.expiry_days, shop.end)
    key = ["customer_id", "timestamp"]
    a = gen.groupby(key)["points"].sum()
    b = ours.groupby(key)["points"].sum()
    pd.testing.assert_series_equal(a, b)
    assert len(a) > 100  # the test has something to compare
    # every expiry is exactly expiry_days after an earning of the same customer
    earn = shop.points.query("kind == 'earn'")[key].drop_duplicates()
    life = pd.Timedelta(days=POINTS_RULES.expiry_days)
    back = gen[key].assign(timestamp=gen["timestamp"] - life).drop_duplicates()
    assert len(back.merge(earn, on=key)) == len(back)
    assert (gen["timestamp"] < shop.end).all()


def test_earning_follows_the_stated_rules(shop):
    led = shop.points
    purchase = led.query("reason == 'purchase'").set_index("receipt_id")["points"]
    purchase.index = purchase.index.astype("int64")
    totals = shop.receipts.set_index("receipt_id")["total"]
    expected = np.floor(totals * POINTS_RULES.points_per_yuan).astype("int64")
    expected = expected[expected > 0]
    pd.testing.assert_series_equal(
        purchase.sort_index().astype("int64"), expected.sort_index(), check_names=False,
        check_index_type=False,
    )  # fmt: skip
    event = led.query("reason == 'event'")
    assert event["timestamp"].dt.strftime("%m-%d").isin(POINTS_RULES.event_days).all()
    assert (event["points"] == POINTS_RULES.event_points).all()
    ref = led.query("reason == 'referral'")
    assert (ref["points"] == POINTS_RULES.referral_points).all()
    assert len(ref) > 0 and (ref["timestamp"] < shop.end).all()


def test_redemptions_follow_the_stated_options(shop):
    red = shop.points.query("kind == 'redeem'")
    assert set(red["reason"]) <= set(POINTS_RULES.options)
    assert (red["points"] == red["reason"].map(POINTS_RULES.options)).all()
    assert red["reason"].nunique() == len(POINTS_RULES.options)


def test_adding_tables_leaves_the_core_tables_alone(shop):
    plain = crm.simulate_retailer(1500, seed=8)
    pd.testing.assert_frame_equal(plain.receipts, shop.receipts)
    again = plain.with_tables("points")
    pd.testing.assert_frame_equal(again.points, shop.points)
    assert "points" in shop.truth


def test_tiers_follow_the_rolling_window_rule(shop):
    tiers = shop.tiers
    r = shop.receipts
    rng = np.random.default_rng(0)
    sample = tiers.iloc[rng.choice(len(tiers), 300, replace=False)]
    for row in sample.itertuples():
        lo = row.month - pd.DateOffset(months=12)
        mine = r[(r["customer_id"] == row.customer_id) & (r["timestamp"] >= lo)
                 & (r["timestamp"] < row.month)]  # fmt: skip
        assert row.visits_12m == len(mine)
        assert row.spend_12m == pytest.approx(mine["total"].sum(), abs=0.01)
        ok = (loyalty.DEFAULT_TIERS["min_spend"] <= row.spend_12m) & (
            loyalty.DEFAULT_TIERS["min_visits"] <= row.visits_12m
        )
        assert row.tier == loyalty.DEFAULT_TIERS["tier"][ok].iloc[-1]
    joins = shop.customers.set_index("customer_id")["join_date"]
    assert (tiers["month"] > tiers["customer_id"].map(joins)).all()


def test_tier_changes_are_upgrades_and_downgrades(shop):
    t = shop.tiers.sort_values(["customer_id", "month"])
    rank = t["tier"].cat.codes
    prev = rank.groupby(t["customer_id"]).shift()
    assert ((t["change"] == "upgrade") == (rank > prev)).all()
    assert ((t["change"] == "downgrade") == (rank < prev)).all()
    assert (t["change"] == "new").sum() == t["customer_id"].nunique()
    assert {"upgrade", "downgrade"} <= set(t["change"])
