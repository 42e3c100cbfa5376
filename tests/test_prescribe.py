"""The budget allocation against a brute-force grid and closed-form optima."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.prescribe import (
    allocate_budget,
    equal_split,
    expected_profit,
    response_rate,
    segment_assumptions,
)

SEG = pd.DataFrame(
    {
        "segment": ["vip", "family", "bargain"],
        "customers": [100, 300, 300],
        "r_max": [0.3, 0.2, 0.5],
        "scale": [500.0, 1500.0, 2000.0],
        "margin": [80.0, 40.0, 30.0],
    }
)


def _profit(x: np.ndarray) -> np.ndarray:
    """Profit of allocations (rows) written out directly from the model."""
    n, r, s, m = (SEG[c].to_numpy(float) for c in ("customers", "r_max", "scale", "margin"))
    return (n * r * (1 - np.exp(-x / s)) * m - x).sum(axis=1)


@pytest.mark.parametrize("budget", [600.0, 2400.0, 10_000.0])
def test_optimum_beats_every_point_of_a_grid(budget):
    plan = allocate_budget(SEG, budget)
    step = budget / 60
    grid = np.arange(0, budget + step / 2, step)
    points = np.array([p for p in itertools.product(grid, repeat=3) if sum(p) <= budget + 1e-9])
    values = _profit(points)
    best = points[values.argmax()]
    got = plan["profit"].sum()
    assert got >= values.max() - 1e-6 * abs(values.max())
    assert got == pytest.approx(_profit(plan["spend"].to_numpy()[None, :])[0], rel=1e-12)
    # and the optimum is next to the best grid point (the objective is strictly concave)
    assert np.abs(plan["spend"].to_numpy() - best).max() <= 2 * step
    assert plan["spend"].sum() <= budget * (1 + 1e-9)
    assert (plan["spend"] >= 0).all()


def test_two_segments_by_hand():
    # KKT: 4.8 exp(-x/500) = 2.25 exp(-(1500 - x)/2000)
    # -> x = (ln 4.8 - ln 2.25 + 0.75) / (1/500 + 1/2000)
    seg = SEG.iloc[[0, 2]].reset_index(drop=True)
    plan = allocate_budget(seg, 1500)
    x = (np.log(4.8) - np.log(2.25) + 0.75) / (1 / 500 + 1 / 2000)
    assert plan["spend"].tolist() == pytest.approx([x, 1500 - x], abs=0.05)
    # the marginal returns are equal where money is spent
    assert plan["marginal_return"].iloc[0] == pytest.approx(
        plan["marginal_return"].iloc[1], rel=1e-4
    )


def test_a_large_budget_is_not_all_spent():
    # unconstrained optimum per segment: s ln(n r m / s) where the marginal return is 1
    plan = allocate_budget(SEG, 1e6)
    n, r, s, m = (SEG[c].to_numpy(float) for c in ("customers", "r_max", "scale", "margin"))
    expected = np.maximum(0, s * np.log(n * r * m / s))
    assert plan["spend"].to_numpy() == pytest.approx(expected, rel=1e-4, abs=0.5)
    assert plan["spend"].sum() < 1e6
    assert plan["marginal_return"].to_numpy() == pytest.approx(1.0, abs=1e-3)


def test_max_spend_caps_a_segment():
    capped = SEG.assign(max_spend=[100.0, np.nan, np.nan])
    plan = allocate_budget(capped, 3000)
    assert plan["spend"].iloc[0] == pytest.approx(100, abs=1e-6)
    # the others get their unconstrained optimum s ln(n r m / s): the budget does not bind
    assert plan["spend"].iloc[1] == pytest.approx(1500 * np.log(2400 / 1500), abs=0.5)
    assert plan["spend"].iloc[2] == pytest.approx(2000 * np.log(4500 / 2000), abs=0.5)
    tight = allocate_budget(capped, 1000)
    assert tight["spend"].iloc[0] <= 100 + 1e-6
    assert tight["spend"].sum() == pytest.approx(1000, rel=1e-6)


def test_profit_and_response_by_hand():
    assert float(response_rate(500.0, 0.3, 500.0)) == pytest.approx(0.3 * (1 - np.exp(-1)))
    # vip with 500: 100 * 0.3 * (1 - e^-1) * 80 - 500
    assert expected_profit(SEG, {"vip": 500.0}) == pytest.approx(2400 * (1 - np.exp(-1)) - 500)
    eq = equal_split(SEG, 900)
    assert eq["spend"].tolist() == [300.0, 300.0, 300.0]
    assert eq["profit"].sum() <= allocate_budget(SEG, 900)["profit"].sum() + 1e-9


def test_assumptions_from_data():
    shop = crm.simulate_retailer(300, seed=4)
    tx = shop.transactions()
    labels = shop.truth["customers"][["customer_id", "segment"]]
    names = labels["segment"].astype(str).unique()
    table = segment_assumptions(
        tx, labels, r_max=dict.fromkeys(names, 0.2), scale=dict.fromkeys(names, 1000.0)
    )
    assert table["customers"].sum() == len(labels)
    # margin: mean gross profit per receipt of the segment's customers, computed directly
    vip = set(labels.loc[labels["segment"] == "vip", "customer_id"])
    t = tx[tx["customer_id"].isin(vip)]
    direct = (t["amount"] - t["quantity"] * t["unit_cost"]).groupby(t["receipt_id"]).sum().mean()
    assert table.set_index("segment").loc["vip", "margin"] == pytest.approx(direct)
    assert len(allocate_budget(table, 5000)) == len(names)


@pytest.mark.parametrize("budget", [0, -100, float("nan")])
def test_zero_or_negative_budget_is_an_error(budget):
    with pytest.raises(ValueError, match="budget must be a positive amount"):
        allocate_budget(SEG, budget)


def test_bad_assumptions_name_the_column():
    with pytest.raises(crm.DataValidationError, match="has no column 'margin'"):
        allocate_budget(SEG.drop(columns="margin"), 100)
    with pytest.raises(crm.DataValidationError, match="'r_max' .* must be between 0 and 1"):
        allocate_budget(SEG.assign(r_max=[0.3, 1.5, 0.2]), 100)
    with pytest.raises(crm.DataValidationError, match="'scale' .* must be > 0"):
        allocate_budget(SEG.assign(scale=[0.0, 1.0, 1.0]), 100)
    with pytest.raises(crm.DataValidationError, match="repeated segments"):
        allocate_budget(SEG.assign(segment=["a", "a", "b"]), 100)
    with pytest.raises(TypeError, match="budget must be a number"):
        allocate_budget(SEG, "lots")
    with pytest.raises(ValueError, match="need a value for every segment"):
        segment_assumptions(
            pd.DataFrame({"customer_id": [1], "receipt_id": [1], "amount": [1.0], "quantity": [1], "unit_cost": [0.5]}),
            pd.DataFrame({"customer_id": [1], "segment": ["a"]}),
            r_max={}, scale={},
        )  # fmt: skip
