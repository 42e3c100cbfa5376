"""crm_helpers.six_hearts on hand-built ratings with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers import six_hearts as sh
from crm_helpers.schema import DataValidationError

HEARTS = list(sh.SIX_HEARTS)
STAFF = pd.DataFrame(
    {
        "employee_id": ["E1", "E2", "E3", "M1", "M2", "H1", "H2", "H3"],
        "store_id": ["S1", "S1", "S2", "S1", "S2", "HQ", "HQ", "HQ"],
        "role": ["cashier", "cashier", "cashier", "store_manager", "store_manager"]
        + ["ops_manager", "marketing_director", "general_manager"],
    }
)


def _ratings(rows):
    """rows: (employee, store, rater, period, stars for every heart)."""
    out = pd.DataFrame(rows, columns=["employee_id", "store_id", "rater_id", "period", "stars"])
    for h in HEARTS:
        out[h] = out["stars"]
    return out.drop(columns="stars")


def test_the_documents_terms_and_weights():
    assert list(sh.SIX_HEARTS.values()) == ["信心", "热心", "用心", "耐心", "诚心", "细心"]
    assert max(sh.HEART_WEIGHTS, key=sh.HEART_WEIGHTS.get) == "sincerity"  # 诚心 最重要
    assert sum(sh.HEART_WEIGHTS.values()) == pytest.approx(1)
    assert sh.RATING_CHAIN["role_zh"].tolist() == [
        "店长",
        "店务执行经理",
        "市场营销部总监",
        "总经理",
    ]


def test_rating_chain_from_the_staff_table():
    chain = sh.rating_chain(STAFF).set_index("employee_id")
    assert chain["rater_id"].to_dict() == {
        "E1": "M1",
        "E2": "M1",
        "E3": "M2",
        "M1": "H1",
        "M2": "H1",
    }
    assert set(chain["confirmed_by"]) == {"H2"} and set(chain["signed_by"]) == {"H3"}
    with pytest.raises(DataValidationError, match="no 'ops_manager'"):
        sh.rating_chain(STAFF[STAFF["role"] != "ops_manager"])
    with pytest.raises(DataValidationError, match=r"without a store_manager.*'S2'"):
        sh.rating_chain(STAFF[STAFF["employee_id"] != "M2"])


def test_weighted_score_puts_sincerity_first():
    r = pd.DataFrame({h: [3] for h in HEARTS})
    low_sincerity = r.assign(sincerity=[1])
    low_warmth = r.assign(warmth=[1])
    assert sh.weighted_score(low_sincerity).iloc[0] == pytest.approx(3 - 2 * 0.25)
    assert sh.weighted_score(low_warmth).iloc[0] == pytest.approx(3 - 2 * 0.15)
    assert sh.weighted_score(r, weights={"sincerity": 1}).iloc[0] == 3
    with pytest.raises(ValueError, match="weights name hearts that are not rated"):
        sh.weighted_score(r, weights={"humour": 1})


def test_rater_agreement_and_calibration_by_hand():
    # M1 rates its staff 1 star above what the reference H1 gives them on a spot check,
    # M2 the same as H1. E1 and E3 are equally good (H1 gives both 3).
    r = _ratings(
        [
            ("E1", "S1", "M1", "2024Q1", 4), ("E1", "S1", "H1", "2024Q1", 3),
            ("E2", "S1", "M1", "2024Q1", 5), ("E2", "S1", "H1", "2024Q1", 4),
            ("E3", "S2", "M2", "2024Q1", 3), ("E3", "S2", "H1", "2024Q1", 3),
            ("E1", "S1", "M1", "2024Q2", 4),  # no spot check: not a pair
        ]
    )  # fmt: skip
    ag = sh.rater_agreement(r, "H1").set_index("rater_id")
    assert ag.loc["M1", "pairs"] == 2 and ag.loc["M1", "leniency"] == pytest.approx(1.0)
    assert ag.loc["M2", "pairs"] == 1 and ag.loc["M2", "leniency"] == 0
    overall = ag.attrs["overall"]
    assert overall["pairs"] == 3 and overall["exact_agreement"] == pytest.approx(1 / 3)
    routine = r[r["rater_id"] != "H1"]
    raw = sh.six_hearts_scorecard(routine).set_index("employee_id")["overall"]
    assert raw["E1"] > raw["E3"]  # the lenient store manager lifts E1
    fair = sh.calibrated_scorecard(routine, ag.reset_index()).set_index("employee_id")
    assert fair.loc["E1", "overall"] == pytest.approx(fair.loc["E3", "overall"])
    with pytest.raises(DataValidationError, match="No rating by the reference rater 'X'"):
        sh.rater_agreement(r, "X")
