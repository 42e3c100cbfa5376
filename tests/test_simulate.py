"""The simulated retailer: deterministic, the sizes asked for, and its truth recoverable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter

from crm_helpers import simulate as sim
from crm_helpers.schema import validate_transactions


@pytest.fixture(scope="module")
def shop() -> sim.Retailer:
    return sim.simulate_retailer(3_000, seed=5)


@pytest.fixture(scope="module")
def big() -> sim.Retailer:
    # large enough for parameter estimates within a few per cent per segment
    return sim.simulate_retailer(40_000, seed=11)


def test_same_seed_same_data_other_seed_other_data(shop):
    again = sim.simulate_retailer(3_000, seed=5)
    for name, table in shop.tables.items():
        pd.testing.assert_frame_equal(table, again.tables[name])
    for name, table in shop.truth.items():
        pd.testing.assert_frame_equal(table, again.truth[name])
    other = sim.simulate_retailer(3_000, seed=6)
    assert not other.receipts["customer_id"].equals(shop.receipts["customer_id"])


def test_sizes_and_keys(shop):
    assert len(shop.customers) == 3_000
    assert shop.customers["customer_id"].is_unique
    assert shop.receipts["receipt_id"].tolist() == list(range(1, len(shop.receipts) + 1))
    assert not shop.lines.duplicated(["receipt_id", "sku"]).any()
    assert shop.products["sku"].is_unique
    assert set(shop.lines["sku"].astype(str)) <= set(shop.products["sku"])
    # one scale parameter: a named scale means that many members
    assert len(sim.simulate_retailer("tiny", seed=1).customers) == sim.SCALES["tiny"]


def test_transactions_fit_the_schema_and_add_up(shop):
    tx = shop.transactions()
    checked = validate_transactions(tx)
    assert len(checked) == len(shop.lines)
    # receipt totals are the sums of their lines
    totals = tx.groupby("receipt_id")["amount"].sum().round(2)
    np.testing.assert_allclose(totals.to_numpy(), shop.receipts["total"].to_numpy(), atol=0.011)
    # amount = quantity × price × (1 − discount)
    np.testing.assert_allclose(
        tx["amount"], (tx["quantity"] * tx["unit_price"] * (1 - tx["discount"])).round(2)
    )
    # every receipt is on or after its customer's join time, inside the period
    joined = shop.customers.set_index("customer_id")["join_date"]
    assert (shop.receipts["timestamp"] >= joined.loc[shop.receipts["customer_id"]].to_numpy()).all()
    assert shop.receipts["timestamp"].min() >= pd.Timestamp(shop.config.start)
    assert shop.receipts["timestamp"].max() < shop.end


def test_truth_is_consistent_with_the_data(shop):
    truth = shop.truth["customers"].set_index("customer_id")
    n_receipts = shop.receipts.groupby("customer_id").size()
    buyers = truth.index[~truth["is_prospect"]]
    # prospects never buy; every other member buys first at joining, then x repeat purchases
    assert set(n_receipts.index) == set(buyers)
    assert (n_receipts.loc[buyers] == truth.loc[buyers, "repeat_purchases"] + 1).all()
    # the dropped-out customers' dropout time is their last purchase
    gone = truth.index[~truth["is_prospect"] & ~truth["alive_at_end"]]
    last = shop.receipts.groupby("customer_id")["timestamp"].max()
    assert (last.loc[gone] == truth.loc[gone, "dropout_time"]).all()
    assert truth.loc[truth["alive_at_end"], "dropout_time"].isna().all()


def _rfm_summary(shop: sim.Retailer) -> pd.DataFrame:
    """Frequency, recency and T in weeks, and the mean value of repeat receipts."""
    r = shop.receipts.sort_values(["customer_id", "timestamp"])
    r = r.assign(k=r.groupby("customer_id").cumcount())
    g = r.groupby("customer_id").agg(
        first=("timestamp", "min"), last=("timestamp", "max"), n=("receipt_id", "size")
    )
    week = pd.Timedelta(days=7)
    out = pd.DataFrame(
        {
            "frequency": g["n"] - 1,
            "recency": (g["last"] - g["first"]) / week,
            "T": (shop.end - g["first"]) / week,
        }
    )
    out["monetary"] = r[r["k"] > 0].groupby("customer_id")["total"].mean()
    seg = shop.truth["customers"].set_index("customer_id")["segment"]
    return out.assign(segment=seg.loc[out.index].astype(str).to_numpy())


@pytest.mark.parametrize("segment", ["vip", "family", "bargain"])
def test_bgnbd_fit_recovers_the_generating_parameters(big, segment):
    true = big.truth["segments"].set_index("segment").loc[segment]
    d = _rfm_summary(big).query("segment == @segment")
    fit = BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"]).params_
    assert fit["r"] == pytest.approx(true["r"], rel=0.15)
    assert fit["alpha"] == pytest.approx(true["alpha"], rel=0.15)
    assert fit["r"] / fit["alpha"] == pytest.approx(true["r"] / true["alpha"], rel=0.08)
    assert fit["a"] / (fit["a"] + fit["b"]) == pytest.approx(true["mean_dropout"], rel=0.25)


@pytest.mark.parametrize("segment", ["vip", "family", "occasional"])
def test_gamma_gamma_fit_recovers_the_spend_model(big, segment):
    true = big.truth["segments"].set_index("segment").loc[segment]
    d = _rfm_summary(big).query("segment == @segment and frequency > 0")
    fit = GammaGammaFitter().fit(d["frequency"], d["monetary"]).params_
    assert fit["q"] == pytest.approx(true["q"], rel=0.15)
    assert fit["p"] == pytest.approx(true["p"], rel=0.3)
    mean_spend = fit["p"] * fit["v"] / (fit["q"] - 1)
    assert mean_spend == pytest.approx(true["mean_spend"], rel=0.10)


def test_planted_affinities_show_as_lift(shop):
    """Baskets with the antecedent hold the consequent far more often than other baskets."""
    lines = shop.lines.assign(sku=shop.lines["sku"].astype(str))
    baskets = lines.groupby("receipt_id")["sku"].agg(set)
    for _, rule in shop.truth["affinities"].drop_duplicates("antecedent_subcategory").iterrows():
        antes = set(
            shop.truth["affinities"].query(
                "antecedent_subcategory == @rule.antecedent_subcategory"
            )["antecedent_sku"]
        )
        has_a = baskets.map(lambda b, antes=antes: bool(b & antes))
        has_c = baskets.map(lambda b, c=rule["consequent_sku"]: c in b)
        conf = has_c[has_a].mean()
        base = has_c[~has_a].mean()
        assert conf >= rule["add_probability"] * 0.8
        assert conf > 3 * base


def test_seasonality_weekends_and_singles_day(big):
    ts = big.receipts["timestamp"]
    per_day = ts.dt.day_of_week.value_counts(normalize=True).sort_index()
    # Saturday's intensity factor (1.30) over Monday's (0.85)
    assert per_day.loc[5] / per_day.loc[0] == pytest.approx(1.30 / 0.85, rel=0.1)
    daily = ts.dt.normalize().value_counts()
    nov = daily[(daily.index.month == 11) & (daily.index.year == 2024)]
    assert nov.idxmax() in pd.date_range("2024-11-08", "2024-11-11")


def test_extra_tables_do_not_change_the_core(shop):
    @sim.register_table("welcome_gifts")
    def _gifts(retailer, rng):
        ids = retailer.customers["customer_id"]
        return pd.DataFrame({"customer_id": ids, "gift": rng.random(len(ids)) < 0.3})

    try:
        extended = shop.with_tables("welcome_gifts")
        assert "welcome_gifts" in extended.tables and "welcome_gifts" not in shop.tables
        pd.testing.assert_frame_equal(extended.lines, shop.lines)
        again = sim.simulate_retailer(3_000, seed=5, extras=["welcome_gifts"])
        pd.testing.assert_frame_equal(again.welcome_gifts, extended.welcome_gifts)
        with pytest.raises(ValueError, match="No table generator is registered under 'nope'"):
            shop.with_tables("nope")
    finally:
        sim._EXTENSIONS.pop("welcome_gifts", None)


def test_parquet_round_trip(shop, tmp_path):
    shop.to_parquet(tmp_path / "shop")
    back = sim.Retailer.from_parquet(tmp_path / "shop")
    assert back.config == shop.config
    for name, table in shop.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], table, check_dtype=False)
    with pytest.raises(FileNotFoundError, match="config.json is missing"):
        sim.Retailer.from_parquet(tmp_path / "empty")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_customers": 3}, "n_customers must be a whole number of at least 10"),
        ({"n_customers": "huge"}, "n_customers must be a number or one of the scales"),
        ({"start": "2024-01-01", "end": "2024-01-10"}, "at least 60 days"),
        ({"prospect_share": 1.5}, "prospect_share must be in"),
        (
            {"segments": [sim.DEFAULT_SEGMENTS[0]]},
            "Segment shares must be positive and add up to 1",
        ),
    ],
)
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sim.simulate_retailer(**kwargs)


def test_unknown_table_attribute_lists_the_tables(shop):
    with pytest.raises(AttributeError, match="has no table 'complaints'; it has: customers"):
        shop.complaints  # noqa: B018


def test_card_numbers_pass_the_luhn_check(shop):
    def luhn_ok(number: str) -> bool:
        digits = [int(c) for c in number][::-1]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
        )
        return total % 10 == 0

    cards = shop.customers["card_number"]
    assert cards.is_unique and cards.str.len().eq(16).all()
    assert all(luhn_ok(c) for c in cards.head(200))
