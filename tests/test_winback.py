"""Win-back on gross margin, against hand computations."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers import winback

VALUE = pd.Series({1: 1000.0, 2: 200.0, 3: 50.0})
RISK = pd.Series({1: 0.1, 2: 0.8, 3: 0.9})


def test_ranked_by_margin_recovered_minus_cost_not_by_revenue():
    # customer 1 spends most but at a 5 % margin; 2 and 3 at 40 %
    margin = pd.Series({1: 0.05, 2: 0.4, 3: 0.4})
    ranked = winback.winback_list(VALUE, RISK, margin=margin, response_rate=0.5,
                                  cost_per_contact=2.0)  # fmt: skip
    # margin at risk: 1000·0.05·0.1 = 5; 200·0.4·0.8 = 64; 50·0.4·0.9 = 18
    # recovered (× 0.5): 2.5, 32, 9; net (− 2): 0.5, 30, 7
    assert ranked.index.tolist() == [2, 3, 1]
    assert ranked["net_value"].tolist() == pytest.approx([30.0, 7.0, 0.5])
    # on revenue × risk the order would be 2 (160), 1 (100), 3 (45): margin changes it
    assert (VALUE * RISK).sort_values(ascending=False).index.tolist() == [2, 1, 3]
    curve = winback.winback_value(ranked)
    assert curve["net_value"].tolist() == pytest.approx([30.0, 37.0, 37.5])
    assert curve["cost"].tolist() == pytest.approx([2.0, 4.0, 6.0])


def test_a_rate_and_a_per_customer_cost():
    cost = pd.Series({1: 1.0, 2: 50.0, 3: 1.0})
    ranked = winback.winback_list(VALUE, RISK, margin=0.3, response_rate=0.25,
                                  cost_per_contact=cost)  # fmt: skip
    # recovered: 0.25·0.3·(100, 160, 45) = 7.5, 12, 3.375; net: 6.5, −38, 2.375
    assert ranked.index.tolist() == [1, 3, 2]
    assert ranked.loc[2, "net_value"] == pytest.approx(-38.0)
    curve = winback.winback_value(ranked)
    assert winback.best_campaign(curve) == {"best_n": 2, "net_value": pytest.approx(8.875)}


def test_nobody_worth_the_cost_means_no_campaign():
    ranked = winback.winback_list(VALUE, RISK, margin=0.01, response_rate=0.1,
                                  cost_per_contact=100.0)  # fmt: skip
    assert winback.best_campaign(winback.winback_value(ranked)) == {"best_n": 0, "net_value": 0.0}


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="response_rate must be between 0 and 1"):
        winback.winback_list(VALUE, RISK, margin=0.3, response_rate=25, cost_per_contact=1.0)
    with pytest.raises(ValueError, match="risk must be probabilities"):
        winback.winback_list(VALUE, RISK * 2, margin=0.3, response_rate=0.1, cost_per_contact=1.0)
    with pytest.raises(ValueError, match="not a percentage"):
        winback.winback_list(VALUE, RISK, margin=30, response_rate=0.1, cost_per_contact=1.0)
    with pytest.raises(ValueError, match=r"margin has no value for customers \[3\]"):
        winback.winback_list(VALUE, RISK, margin=pd.Series({1: 0.1, 2: 0.2}), response_rate=0.1,
                             cost_per_contact=1.0)  # fmt: skip
    with pytest.raises(TypeError, match="margin must be a number"):
        winback.winback_list(VALUE, RISK, margin="unit_cost", response_rate=0.1,
                             cost_per_contact=1.0)  # fmt: skip
