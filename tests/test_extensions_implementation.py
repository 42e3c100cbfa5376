"""Chapter 08's simulated tables: their own random streams, consistent with each other, and
built by their stated rules (crm_helpers.extensions.implementation)."""

from __future__ import annotations

import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import _catalogue as cat
from crm_helpers.extensions import implementation as gen

TABLES = ("firms", "complaint_log", "rollout", "training")


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(500, seed=8).with_tables(*TABLES)


def test_each_table_has_its_own_stream(shop):
    alone = crm.simulate_retailer(500, seed=8).with_tables("complaint_log")
    pd.testing.assert_frame_equal(alone.complaint_log, shop.complaint_log)
    other = crm.simulate_retailer(500, seed=8).with_tables("rollout", "firms")
    pd.testing.assert_frame_equal(other.rollout, shop.rollout)
    pd.testing.assert_frame_equal(other.firms, shop.firms)
    # and the core tables are untouched
    base = crm.simulate_retailer(500, seed=8)
    pd.testing.assert_frame_equal(base.receipts, shop.receipts)


def test_the_rollout_panel_follows_its_rules(shop):
    r, rules = shop.rollout, gen.ROLLOUT_RULES
    stores = shop.stores.loc[shop.stores["channel"] == "store", "store_id"].astype(str)
    assert set(r["store_id"]) == set(stores)
    assert (r.groupby("store_id").size() == rules.weeks).all()
    assert r.groupby("store_id")["pilot"].first().sum() == rules.n_pilot
    assert (r["crm_live"] == (r["pilot"] & (r["week"] >= rules.go_live_week))).all()
    truth = shop.truth["rollout"].set_index("outcome")["effect"]
    assert truth.to_dict() == {k: v[3] for k, v in rules.outcomes.items()}


def test_training_follows_the_rollout_and_its_rules(shop):
    staff = shop.training
    pilot = shop.rollout.groupby("store_id")["pilot"].first()
    assert (staff["trained"] == staff["store_id"].map(pilot)).all()
    assert len(staff) == len(pilot) * gen.TRAINING_RULES.staff_per_store
    for key, _, _ in cat.TRAINING_MODULES:
        assert staff[f"skill_{key}"].between(1, 5).all()


def test_firms_facts_keep_their_margin_from_the_thresholds(shop):
    margin = gen.FIRM_RULES.margin
    for fact, _, thr, _, _ in cat.MATURITY_EVIDENCE:
        assert ((shop.firms[fact] - thr).abs() >= margin - 1e-12).all()
    scores = shop.firms.filter(like="score_")
    assert scores.shape[1] == len(cat.READINESS_CRITERIA)
    assert scores.stack().between(1, 5).all()


def test_the_log_has_ordered_events_and_no_overlaps(shop):
    log = shop.complaint_log.sort_values(["case_id", "start"])
    assert (log["end"] >= log["start"]).all()
    prev_end = log.groupby("case_id")["end"].shift()
    assert (log["start"] >= prev_end).where(prev_end.notna(), True).all()
    depts = {a: d for a, _, d, _ in cat.COMPLAINT_ACTIVITIES}
    assert (log["department"] == log["activity"].map(depts)).all()
