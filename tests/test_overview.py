"""Chapter 01's tables: the deck's four lifecycle stages from the course's finer rule."""

from __future__ import annotations

import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import overview
from crm_helpers.schema import DataValidationError


def test_every_fine_stage_has_one_seed_stage():
    assert set(overview.SEED_STAGE_OF) == set(crm.kpi.STAGES)
    assert overview.SEED_STAGES == ("潜在客户", "新客户", "老客户", "流失客户")


def test_seed_stage_counts_by_hand():
    # customer 1: first 2024-03-01, last 2025-03-01; customer 2: one purchase 2025-02-01;
    # member 3 never bought.
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "receipt_id": [1, 2, 3],
            "timestamp": pd.to_datetime(["2024-03-01", "2025-03-01", "2025-02-01"]),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    members = pd.DataFrame({"customer_id": [1, 2, 3]})
    got = overview.seed_stage_counts(tx, "2026-02-15", customers=members)
    assert got.to_dict() == {"潜在客户": 1, "新客户": 0, "老客户": 1, "流失客户": 1}
    assert overview.seed_stage_counts(tx, "2025-03-15").to_dict() == {
        "潜在客户": 0, "新客户": 1, "老客户": 1, "流失客户": 0,
    }  # fmt: skip


def test_seed_stages_agree_with_the_fine_stages_on_the_simulated_retailer():
    shop = crm.simulate_retailer(300, seed=5)
    tx = shop.transactions()
    as_of = tx["timestamp"].max() - pd.Timedelta(days=200)
    fine = crm.kpi.lifecycle_stage(tx, as_of, customers=shop.customers)["stage"].value_counts()
    seed = overview.seed_stage_counts(tx, as_of, customers=shop.customers)
    assert seed["老客户"] == fine["active"] + fine["won_back"] + fine["lapsed"]
    assert seed["流失客户"] == fine["lost"] and seed["新客户"] == fine["new"]
    assert seed.sum() == fine.sum()


def test_seed_stages_names_a_bad_column():
    with pytest.raises(DataValidationError, match="'stage' column"):
        overview.seed_stages(pd.DataFrame({"x": [1]}))
    with pytest.raises(DataValidationError, match="dormant"):
        overview.seed_stages(pd.DataFrame({"stage": ["dormant"]}))


def test_bank_example_and_activities_carry_the_decks_terms():
    bank = overview.bank_example()
    assert bank["life_stage_group"].tolist() == ["银发族", "青壮族", "学生族", "单身族"]
    assert len(bank.attrs["product_centric"]) == 6
    assert overview.crm_activities()["activity"].tolist() == ["获取", "强化", "维持"]
    assert overview.lifecycle_actions()["action"].str.len().gt(10).all()
