"""crm_helpers.plan: hand-computed tables, the cube's additivity, Kotler's matrix, and the
two-round CRM process against the simulated truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import plan
from crm_helpers.schema import DataValidationError


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(400, seed=21)


@pytest.fixture(scope="module")
def tx(shop):
    return plan.with_products(shop.transactions(), shop.products)


def _tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3],
            "receipt_id": [10, 10, 11, 12, 13],
            "timestamp": pd.to_datetime(
                ["2024-01-06 10:00", "2024-01-06 10:00", "2024-01-08 09:00",
                 "2024-02-01 18:30", "2024-02-03 12:00"]
            ),
            "sku": ["a", "b", "a", "c", "c"],
            "category": ["x", "y", "x", "y", "y"],
            "quantity": [1, 2, 1, 1, 3],
            "unit_cost": [1.0, 1.0, 1.0, 2.0, 2.0],
            "discount": [0.0, 0.1, 0.0, 0.0, 0.2],
            "channel": ["store", "store", "app", "app", "store"],
            "amount": [3.0, 4.0, 3.0, 5.0, 12.0],
        }
    )  # fmt: skip


# --------------------------------------------------------------------------- base data


def test_receipt_view_header_and_names():
    tx = _tiny()
    products = pd.DataFrame({"sku": ["a", "b", "c"], "name_zh": ["苹果", "香蕉", "牛奶"],
                             "name_en": ["apple", "banana", "milk"]})  # fmt: skip
    header, lines = plan.receipt_view(tx, 10, products)
    assert header["total"] == 7.0 and header["n_lines"] == 2 and header["customer_id"] == 1
    assert lines["name_zh"].tolist() == ["苹果", "香蕉"]
    # default: the receipt with the most lines
    assert plan.receipt_view(tx)[0]["receipt_id"] == 10
    with pytest.raises(DataValidationError, match="receipt_id 99"):
        plan.receipt_view(tx, 99)


def test_product_structure_and_abc():
    ps = plan.product_structure(_tiny()).set_index("category")
    assert ps.loc["y", "sales"] == 21.0 and ps.loc["x", "products"] == 1
    # margin of y: 21 − (2×1 + 1×2 + 3×2) = 11
    assert ps.loc["y", "margin"] == pytest.approx(11.0)
    assert ps["sales_share"].sum() == pytest.approx(1.0)
    # without categories: ABC classes of products (c 17 → A, a 6 → B, b 4 → C; shares 0.63, 0.85)
    abc = plan.product_classes(_tiny().drop(columns="category"), shares=(0.6, 0.8))
    assert abc.to_dict() == {"c": "A", "a": "B", "b": "C"}
    with pytest.raises(ValueError, match="shares must satisfy"):
        plan.product_classes(_tiny(), shares=(0.9, 0.5))


def test_region_structure_counts_members_without_purchase():
    c = pd.DataFrame({"customer_id": [1, 2, 3, 4], "region": ["N", "N", "S", "S"]})
    out = plan.region_structure(c, _tiny()).set_index("region")
    assert out.loc["S", "members"] == 2 and out.loc["S", "buyers"] == 1
    assert out.loc["N", "sales"] == 15.0
    with pytest.raises(DataValidationError, match="no column 'region'"):
        plan.region_structure(c.drop(columns="region"), _tiny())


# --------------------------------------------------------------------------- demand


def test_best_sellers_overall_and_by_class():
    tx = _tiny()
    top = plan.best_sellers(tx, 2)
    assert top["sku"].tolist() == ["c", "a"] and top["sales"].tolist() == [17.0, 6.0]
    by = plan.best_sellers(tx, 1, classes=pd.Series({1: "A", 2: "B", 3: "B"}))
    assert by.set_index("customer_class")["sku"].to_dict() == {"A": "b", "B": "c"}
    with pytest.raises(ValueError, match="n must be at least 1"):
        plan.best_sellers(tx, 0)


def test_latent_demand_respects_min_base():
    tx = pd.DataFrame({
        "customer_id": [1] * 6, "sku": ["a", "a", "b", "b", "c", "c"],
        "timestamp": pd.to_datetime(["2024-01-02", "2024-01-12"] * 3),
        "amount": [10.0, 20.0, 1.0, 5.0, 10.0, 5.0]})  # fmt: skip
    out = plan.latent_demand(tx, days=10, end="2024-01-21")
    # c shrank (10 → 5): latent demand never lists a shrinking product
    assert out["sku"].tolist() == ["b", "a"]
    assert out["growth"].tolist() == pytest.approx([4.0, 1.0])
    # b's base (1.0) is below the minimum: left out, and the base is stated
    based = plan.latent_demand(tx, days=10, end="2024-01-21", min_base=5)
    assert based["sku"].tolist() == ["a"]
    assert based.attrs["min_base"] == 5.0


def test_opinion_leaders_and_future_demand_by_hand():
    # customer 1: top spender, 2 categories, recent → leader; 2: not top; 3: old purchase
    tx = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 3, 4],
        "receipt_id": [1, 2, 3, 4, 5, 6],
        "timestamp": pd.to_datetime(["2024-06-01", "2024-06-20", "2024-06-25", "2023-01-01",
                                     "2023-01-02", "2024-06-28"]),
        "category": ["x", "y", "x", "x", "y", "x"],
        "sku": ["new", "old", "old", "old", "new", "old"],
        "amount": [50.0, 50.0, 1.0, 40.0, 40.0, 1.0]})  # fmt: skip
    lead = plan.opinion_leaders(tx, top_share=0.5, min_breadth=2, recent_days=30)
    assert lead.loc[lead["leader"], "customer_id"].tolist() == [1]
    assert lead.set_index("customer_id").loc[3, ["heavy", "broad", "recent"]].tolist() == [
        True, True, False]  # fmt: skip
    fut = plan.future_demand(tx, [1], recent_days=60, end="2024-06-30", min_leader_buyers=1)
    # recent buyers 1, 2, 4; "new": leader 1/1, all 1/3 → lift 3; "old": 1/1, 3/3 → 1
    assert fut.set_index("sku")["lift"].to_dict() == pytest.approx({"new": 3.0, "old": 1.0})
    with pytest.raises(DataValidationError, match="No opinion leader"):
        plan.future_demand(tx, [99], recent_days=60)


# --------------------------------------------------------------------------- classes and file


def test_value_groups_match_segment_deciles(tx):
    deciles = crm.segment.customer_deciles(tx).set_index("customer_id")["decile"]
    assert plan.value_groups(tx, 10).sort_index().equals(deciles.sort_index().rename("value_group"))
    one = plan.class_profiles(tx, 1)
    assert one["customers"].item() == tx["customer_id"].nunique()
    assert one["sales"].item() == pytest.approx(tx["amount"].sum())
    five = plan.class_profiles(tx, 5)
    assert five["sales_share"].sum() == pytest.approx(1.0)
    assert five["monetary"].is_monotonic_decreasing
    assert five["description"].str.contains("customers").all()
    with pytest.raises(ValueError, match="n_groups must be a positive integer"):
        plan.value_groups(tx, 0)


def test_customer_file_members_and_stages(shop, tx):
    file = plan.customer_file(tx, shop.customers, as_of=shop.end)
    assert len(file) == len(shop.customers)
    buyers = set(tx["customer_id"])
    prospects = file[~file["customer_id"].isin(buyers)]
    assert (prospects["frequency"] == 0).all()
    assert (prospects["stage"].astype("str") == "prospect").all()
    spend = tx.groupby("customer_id")["amount"].sum()
    bought = file[file["customer_id"].isin(buyers)].set_index("customer_id")
    assert bought["monetary"].to_numpy() == pytest.approx(spend.loc[bought.index].to_numpy())
    assert set(file.columns) <= set(plan.customer_file_design()["field"])


# --------------------------------------------------------------------------- strategy


def test_apply_strategy_rules(shop, tx):
    rfm = crm.segment.rfm(tx, shop.end).set_index("customer_id")["segment"].astype("str")
    for direction in ("retention", "development", "win_back", "loyalty"):
        p = plan.apply_strategy(direction, tx, as_of=shop.end)
        assert len(p.targets) == p.expected["targets"]
        segs = set(rfm.loc[p.targets["customer_id"]])
        allowed = {"retention": {"at risk", "can't lose", "about to sleep", "need attention"},
                   "development": {"loyal", "potential loyalists", "champions"},
                   "win_back": {"hibernating", "lost", "at risk", "can't lose"},
                   "loyalty": {"champions", "loyal"}}[direction]  # fmt: skip
        assert segs <= allowed
    acq = plan.apply_strategy("acquisition", tx, shop.customers)
    assert not acq.targets["customer_id"].isin(tx["customer_id"]).any()
    assert len(acq.targets) == (~shop.customers["customer_id"].isin(tx["customer_id"])).sum()
    with pytest.raises(DataValidationError, match="needs the member table"):
        plan.apply_strategy("acquisition", tx)
    with pytest.raises(ValueError, match="direction must be one of"):
        plan.apply_strategy("growth", tx)


# --------------------------------------------------------------------------- cube


@pytest.mark.parametrize("behaviour", ["channel", "daytype", "promo", "daypart"])
def test_cube_slices_sum_to_the_totals(tx, behaviour):
    classes = plan.value_groups(tx, 5)
    cube = plan.crm_cube(tx, classes, behaviour=behaviour)
    total_sales = tx["amount"].sum()
    margin = (tx["amount"] - tx["unit_cost"] * tx["quantity"]).sum()
    for axis in ("customer", "product", "behaviour"):
        values = cube[axis].unique()
        slices = [plan.slice_cube(cube, **{axis: v}) for v in values]
        assert sum(s["sales"].sum() for s in slices) == pytest.approx(total_sales, rel=1e-12)
        assert sum(s["lines"].sum() for s in slices) == len(tx)
        assert sum(s["margin"].sum() for s in slices) == pytest.approx(margin, rel=1e-9)
        assert roll_total(plan.roll_up(cube, axis)) == pytest.approx(total_sales, rel=1e-12)
    # a slice on the customer axis is that class's own sales
    top = plan.slice_cube(cube, customer=1)["sales"].sum()
    members = classes[classes == 1].index
    assert top == pytest.approx(tx.loc[tx["customer_id"].isin(members), "amount"].sum())
    # distinct counts within a cell are right
    one = cube.iloc[0]
    cell = tx[(tx["customer_id"].map(classes) == one["customer"])
              & (tx["category"].astype(str) == one["product"])]  # fmt: skip
    if behaviour == "channel":
        cell = cell[cell["channel"].astype(str) == one["behaviour"]]
        assert one["receipts"] == cell["receipt_id"].nunique()


def roll_total(table: pd.DataFrame) -> float:
    return float(table["sales"].sum())


def test_cube_errors(tx):
    with pytest.raises(DataValidationError, match="no class for customer_id"):
        plan.crm_cube(tx, pd.Series({1: "A"}))
    with pytest.raises(ValueError, match="axis must be one of"):
        plan.slice_cube(pd.DataFrame({"customer": [1]}), region="N")


def test_cube_without_categories_uses_abc(tx):
    bare = tx.drop(columns=["category", "category_zh"])
    cube = plan.crm_cube(bare, plan.value_groups(bare, 5), behaviour="daytype")
    assert set(cube["product"]) <= {"A", "B", "C"}
    assert cube["sales"].sum() == pytest.approx(tx["amount"].sum())


# --------------------------------------------------------------------------- Kotler

CASES = [
    # (customers, margin, level): all nine cells of the matrix
    (50_000, 0.05, "basic"), (50_000, 0.25, "reactive"), (50_000, 0.50, "accountable"),
    (2_000, 0.05, "reactive"), (2_000, 0.25, "accountable"), (2_000, 0.50, "proactive"),
    (30, 0.05, "accountable"), (30, 0.25, "proactive"), (30, 0.50, "partnership"),
    # boundaries belong to the upper class: 100 customers is medium, 10 000 is many;
    # a margin of 15 % is medium, 35 % is high
    (99, 0.35, "partnership"), (100, 0.35, "proactive"), (9_999, 0.1499, "reactive"),
    (10_000, 0.15, "reactive"), (10_000, 0.35, "accountable"),
]  # fmt: skip


#: The brief's five names (任务书: 基本型、反应型、可靠型、主动型、合伙型).
BRIEF_NAMES = {"basic": "基本型", "reactive": "反应型", "accountable": "可靠型",
               "proactive": "主动型", "partnership": "合伙型"}  # fmt: skip


@pytest.mark.parametrize(("n", "margin", "level"), CASES)
def test_kotler_level_hand_cases(n, margin, level):
    out = plan.kotler_level(n, margin)
    assert out["level"] == level
    assert level in out["reasoning"] and out["customers_class"] in out["reasoning"]
    assert out["name_zh"] == BRIEF_NAMES[level]
    assert f"「{BRIEF_NAMES[level]}」" in out["reasoning_zh"]


def test_kotler_levels_carry_the_brief_names():
    assert plan.KOTLER_LEVELS.set_index("level")["name_zh"].to_dict() == BRIEF_NAMES


def test_kotler_thresholds_and_errors():
    assert plan.kotler_level(500, 0.3, customer_thresholds=(1_000, 5_000))["level"] == "proactive"
    assert plan.kotler_matrix().loc["many", "low"] == "basic"
    with pytest.raises(ValueError, match="customer_thresholds must be two increasing"):
        plan.kotler_level(10, 0.2, customer_thresholds=(500, 100))
    with pytest.raises(ValueError, match="n_customers must be a non-negative"):
        plan.kotler_level(-1, 0.2)


# --------------------------------------------------------------------------- the CRM process


def test_response_probability_follows_the_stated_model(shop):
    truth, segs = shop.truth["customers"], shop.truth["segments"]
    p = plan.response_probability(truth, segs, weeks=8, base=0.02)
    taste = (
        truth["segment"].astype(str).map(segs.set_index(segs["segment"].astype(str))["promo_share"])
        + 0.02
    )
    expect = truth["alive_at_end"] * (1 - np.exp(-8 * truth["rate_per_week"])) * taste
    assert p.to_numpy() == pytest.approx(expect.to_numpy())
    assert (p[~truth["alive_at_end"].to_numpy()] == 0).all()
    with pytest.raises(ValueError, match="weeks must be positive"):
        plan.response_probability(truth, segs, weeks=0)


def _two_rounds(seed: int, n: int):
    shop = crm.load_retailer(seed=seed, n_customers=n)
    tx = plan.with_products(shop.transactions(), shop.products)
    f = plan.campaign_features(tx, shop.end)
    p = plan.response_probability(shop.truth["customers"], shop.truth["segments"])
    budget = int(0.3 * len(f))
    r1 = plan.run_round(f, p, budget=budget, seed=seed)
    r2 = plan.run_round(f, p, budget=budget, round_no=2, previous=r1, seed=seed)
    return f, p, budget, r1, r2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_round_two_beats_round_one_on_the_truth(seed):
    """Round 2 learns that promotion-sensitive customers answer a coupon; the RFM rule of
    round 1 prefers heavy buyers, who are often VIPs with little taste for coupons. The truth
    puts the best possible list ~40 % above round 1's, so round 2 must recover at least a
    quarter of that gap: 10 % more expected responses, with the same budget, and more profit.
    (Seen at these seeds: +18 % to +25 %.)"""
    f, p, budget, r1, r2 = _two_rounds(seed, 2_000)
    assert r1.summary["contacts"] == r2.summary["contacts"] == budget
    assert r2.summary["expected_responses"] >= 1.10 * r1.summary["expected_responses"]
    assert r2.summary["expected_profit"] > r1.summary["expected_profit"]
    # round 1 itself beats random targeting, and nothing beats the truth's own ranking
    random_expect = p.reindex(f.index).mean() * budget
    best = p.reindex(f.index).nlargest(budget).sum()
    assert random_expect < r1.summary["expected_responses"] < best
    assert r2.summary["expected_responses"] <= best
    # the model learned that promotion share raises the response
    coef = r2.learned.set_index("feature")["coefficient"]
    assert coef["promo_share"] > 0


def test_rounds_are_deterministic_and_consistent(shop, tx):
    f = plan.campaign_features(tx, shop.end)
    p = plan.response_probability(shop.truth["customers"], shop.truth["segments"])
    a = plan.run_round(f, p, budget=100, seed=4)
    b = plan.run_round(f, p, budget=100, seed=4)
    assert a.targets.equals(b.targets)
    assert a.targets["customer_id"].is_unique and len(a.targets) == 100
    # 30 % of the budget is a random test cell, the rest the top of the RFM score
    top = f.assign(_id=f.index).sort_values(["rfm_score", "recency_days", "_id"],
                                            ascending=[False, True, True]).index[:70]  # fmt: skip
    assert a.targets["customer_id"].iloc[:70].tolist() == list(top)
    s = a.summary
    assert s["expected_responses"] == pytest.approx(p.loc[a.targets["customer_id"]].sum())
    assert s["responses"] == a.targets["responded"].sum()
    assert s["expected_profit"] == pytest.approx(s["expected_responses"] * 30 - 100 * 2.0)
    b.name = "round 2"
    ev = plan.evaluate_rounds([a, b], baseline={"contacts": 100})
    assert list(ev.columns) == ["baseline", "round 1", "round 2", "change"]
    assert (ev["change"] == 0).all()
    with pytest.raises(ValueError, match="budget must be between 1"):
        plan.run_round(f, p, budget=0)


def test_features_by_hand():
    f = plan.campaign_features(_tiny(), "2024-02-04")
    assert f.loc[2, "frequency"] == 2 and f.loc[2, "monetary"] == 8.0
    assert f.loc[1, "promo_share"] == 0.5 and f.loc[3, "promo_share"] == 1.0
    assert f.loc[1, "n_categories"] == 2 and f.loc[2, "tenure_days"] == 26  # 26 days 15 hours


def test_parameter_errors_name_the_parameter(shop, tx):
    with pytest.raises(ValueError, match="days must be positive"):
        plan.latent_demand(tx, days=0)
    with pytest.raises(ValueError, match=r"top_share must be in \(0, 1\]"):
        plan.opinion_leaders(tx, top_share=0)
    with pytest.raises(DataValidationError, match="no column 'category'"):
        plan.opinion_leaders(tx.drop(columns="category"))
    with pytest.raises(TypeError, match="classes must be a pandas Series"):
        plan.best_sellers(tx, classes={1: "A"})
    with pytest.raises(ValueError, match="margin_thresholds must be two increasing"):
        plan.kotler_level(10, 0.2, margin_thresholds=(0.5, 0.1))
    with pytest.raises(ValueError, match="response_rate must be between 0 and 1"):
        plan.apply_strategy("loyalty", tx, response_rate=2)
    with pytest.raises(
        DataValidationError, match="truth segments table has no column 'promo_share'"
    ):
        plan.response_probability(
            shop.truth["customers"], shop.truth["segments"].drop(columns="promo_share")
        )
    f = plan.campaign_features(tx, shop.end)
    p = plan.response_probability(shop.truth["customers"], shop.truth["segments"])
    with pytest.raises(ValueError, match=r"explore_share must be in \[0, 1\)"):
        plan.run_round(f, p, budget=10, explore_share=1)
    with pytest.raises(ValueError, match="budget must be between 1"):
        plan.random_round(f, p, budget=len(f) + 1)
    with pytest.raises(DataValidationError, match="p_true has no probability"):
        plan.run_round(f, p.iloc[:5], budget=10)
    with pytest.raises(DataValidationError, match="transactions table is empty"):
        plan.receipt_view(tx.iloc[:0])


def test_random_round_and_learning_needs_both_outcomes(shop, tx):
    f = plan.campaign_features(tx, shop.end)
    p = plan.response_probability(shop.truth["customers"], shop.truth["segments"])
    r = plan.random_round(f, p, budget=50, seed=1)
    assert r.summary["expected_responses"] == pytest.approx(p.loc[r.targets["customer_id"]].sum())
    none = plan.run_round(f, p * 0, budget=50, seed=1)
    with pytest.raises(DataValidationError, match="nothing to learn"):
        plan.run_round(f, p, budget=50, round_no=2, previous=none)
