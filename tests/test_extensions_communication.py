"""The simulated contacts, campaigns and calls: consistent tables, and data that follow the
stated response model (checked against the truth the generator returns)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
import crm_helpers.extensions.communication as comm  # registers the tables
from crm_helpers.communicate import CHANNEL_COST, CHANNELS

RULES = comm.CONTACT_RULES


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(600, seed=5).with_tables("contacts", "campaigns", "calls")


def test_the_tables_agree_with_each_other(shop):
    contacts, campaigns = shop.contacts, shop.campaigns
    assert set(contacts["campaign_id"]) <= set(campaigns["campaign_id"])
    per = contacts.groupby("campaign_id").agg(n=("contact_id", "size"), cost=("cost", "sum"))
    per = per.reindex(campaigns["campaign_id"]).fillna(0)
    assert (per["n"].to_numpy() == campaigns["n_contacts"].to_numpy()).all()
    assert np.allclose(per["cost"].to_numpy(), campaigns["cost"].to_numpy())
    # cost per contact is the channel's price
    assert np.allclose(contacts["cost"], contacts["channel"].astype(str).map(CHANNEL_COST))
    assert contacts["contact_id"].is_unique
    assert set(contacts["channel"].astype(str)) <= set(CHANNELS)
    # nobody is contacted before they joined, nor after the end of the data
    join = shop.customers.set_index("customer_id")["join_date"]
    assert (contacts["date"] > contacts["customer_id"].map(join)).all()
    assert contacts["date"].max() < shop.end
    # each campaign's contacts fall within its dates; a member at most once per campaign
    span = contacts.merge(campaigns[["campaign_id", "start", "end"]], on="campaign_id")
    assert ((span["date"] >= span["start"]) & (span["date"] <= span["end"])).all()
    assert not contacts.duplicated(["campaign_id", "customer_id"]).any()
    shares = campaigns[[f"share_{c}" for c in CHANNELS]].sum(axis=1)
    assert np.allclose(shares, 1.0)


def test_one_ab_campaign_with_random_halves(shop):
    ab = shop.campaigns[shop.campaigns["ab_test"]]
    assert len(ab) == 1
    test = shop.contacts[shop.contacts["campaign_id"] == ab["campaign_id"].iloc[0]]
    others = shop.contacts[shop.contacts["campaign_id"] != ab["campaign_id"].iloc[0]]
    assert others["ab_group"].isna().all() and test["ab_group"].notna().all()
    assert set(test["channel"].astype(str)) == {RULES.ab_channel}
    # every member who had joined by then is in the test, in one of two groups
    join = shop.customers.set_index("customer_id")["join_date"]
    assert test["customer_id"].nunique() == (join < ab["start"].iloc[0]).sum()
    share = (test["ab_group"] == "treatment").mean()
    # a fair coin: within 4 standard errors of one half
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / len(test))


def test_truth_follows_the_stated_model(shop):
    t = shop.truth["contacts"]
    segs = shop.truth["customers"].set_index("customer_id")["segment"]
    assert (t["segment"].to_numpy() == t["customer_id"].map(segs).to_numpy()).all()
    p = t[[f"p_{c}" for c in CHANNELS]].to_numpy()
    # the preferred channel is the one with the highest response probability
    assert (np.asarray(CHANNELS)[p.argmax(axis=1)] == t["preferred_channel"].to_numpy()).all()
    expected = (
        t["segment"].map(RULES.base) * RULES.channel_factor["email"]
        * np.where(t["preferred_channel"] == "email", RULES.preferred_boost, 1)
    )  # fmt: skip
    assert np.allclose(t["p_email"], np.minimum(expected, 0.95))
    uplift = shop.truth["campaigns"].set_index("segment")["uplift"]
    for seg, value in RULES.uplift.items():
        assert uplift[seg] == pytest.approx(value)


def test_responses_match_the_true_probabilities(shop):
    """Observed response rate per segment × channel against the mean true probability of
    the contacts made: within 4 binomial standard errors (independent Bernoulli draws)."""
    t = shop.truth["contacts"].set_index("customer_id")
    c = shop.contacts[shop.contacts["ab_group"].isna()].copy()
    c["segment"] = c["customer_id"].map(t["segment"])
    p = t[[f"p_{ch}" for ch in CHANNELS]].to_numpy()
    row = t.index.get_indexer(c["customer_id"])
    col = c["channel"].cat.codes.to_numpy()
    c["p"] = p[row, col]
    g = c.groupby(["segment", "channel"], observed=True).agg(
        n=("p", "size"), obs=("responded", "mean"), exp=("p", "mean"),
        var=("p", lambda s: (s * (1 - s)).sum()),
    )  # fmt: skip
    se = np.sqrt(g["var"]) / g["n"]
    assert (np.abs(g["obs"] - g["exp"]) <= 4 * se + 1e-12).all()


def test_calls_follow_their_rules(shop):
    calls = shop.calls
    assert set(calls["purpose"]) == set(RULES.call_purpose)
    leads = calls["purpose"] == "lead"
    assert calls.loc[leads, "purchase_timing"].isin(list(RULES.lead_timing)).all()
    assert calls.loc[~leads, "purchase_timing"].isna().all()
    assert not calls.loc[~leads, "converted"].any()
    join = shop.customers.set_index("customer_id")["join_date"]
    assert (calls["timestamp"] >= calls["customer_id"].map(join)).all()
    assert calls["timestamp"].max() < shop.end


def test_deterministic_and_independent_of_other_tables():
    a = crm.simulate_retailer(200, seed=2)
    one = a.with_tables("contacts")
    both = a.with_tables("campaigns", "contacts")
    pd.testing.assert_frame_equal(one.contacts, both.contacts)
    pd.testing.assert_frame_equal(one.receipts, a.receipts)
    again = crm.simulate_retailer(200, seed=2).with_tables("contacts")
    pd.testing.assert_frame_equal(one.contacts, again.contacts)
    other = crm.simulate_retailer(200, seed=3).with_tables("contacts")
    assert len(other.contacts) != len(one.contacts) or not other.contacts.equals(one.contacts)


def test_one_draw_shared_by_the_three_tables_and_never_shared_mutably():
    a = crm.simulate_retailer(200, seed=4)
    first = comm.simulate_communication(a)
    first["contacts"].loc[:, "responded"] = True  # a caller changing its copy
    again = comm.simulate_communication(a)
    assert not again["contacts"]["responded"].all()
    shop = a.with_tables("calls", "contacts")
    pd.testing.assert_frame_equal(shop.contacts, again["contacts"])
    pd.testing.assert_frame_equal(shop.calls, again["calls"])
