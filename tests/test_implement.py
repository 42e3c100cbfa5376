"""Chapter 08's helpers (crm_helpers.implement) against hand computations on tiny tables and
against the truth planted by the generator (crm_helpers.extensions.implementation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import implement as im
from crm_helpers.extensions import implementation as gen

H = pd.Timedelta(hours=1)
T0 = pd.Timestamp("2025-03-01 08:00")


def _ev(case, activity, dept, start_h, end_h, comp=0.0):
    return {"case_id": case, "activity": activity, "department": dept,
            "start": T0 + start_h * H, "end": T0 + end_h * H, "compensation": comp}  # fmt: skip


# case A: a(x) 0-1, b(y) 3-4, a(x) 4-5, c(x) 9-10 -> variant a→b→a→c, cycle 10 h,
#   hand-offs 2 (x→y, y→x), rework (a twice); waits: b 2, a 0, c 4
# case B: a(x) 0-2, c(x) 2-3 -> variant a→c, cycle 3 h, no hand-off; waits: c 0
# case C: a(x) 1-2, c(x) 4-5 -> variant a→c, cycle 4 h; waits: c 2
# rows deliberately out of order
TINY = pd.DataFrame([
    _ev("A", "c", "x", 9, 10), _ev("A", "a", "x", 0, 1), _ev("B", "a", "x", 0, 2),
    _ev("A", "b", "y", 3, 4, 50.0), _ev("C", "c", "x", 4, 5), _ev("A", "a", "x", 4, 5),
    _ev("B", "c", "x", 2, 3), _ev("C", "a", "x", 1, 2),
])  # fmt: skip


def test_case_table_equals_a_hand_computation():
    c = im.case_table(TINY).set_index("case_id")
    assert c.loc["A", "variant"] == "a → b → a → c"
    assert c["variant"][["B", "C"]].tolist() == ["a → c", "a → c"]
    assert c["cycle_h"].to_dict() == {"A": 10.0, "B": 3.0, "C": 4.0}
    assert c["handoffs"].to_dict() == {"A": 2, "B": 0, "C": 0}
    assert c["rework"].to_dict() == {"A": True, "B": False, "C": False}


def test_variants_and_waits_equal_a_hand_computation():
    v = im.variants(TINY).set_index("variant")
    assert v.loc["a → c", "cases"] == 2
    assert v.loc["a → c", "mean_cycle_h"] == pytest.approx(3.5)
    assert v.loc["a → b → a → c", "mean_cycle_h"] == pytest.approx(10.0)
    assert v["share"].sum() == pytest.approx(1.0)
    s = im.activity_stats(TINY).set_index("activity")
    assert s.loc["c", "total_wait_h"] == pytest.approx(4 + 0 + 2)
    assert s.loc["b", "total_wait_h"] == pytest.approx(2)
    assert s.loc["a", "total_wait_h"] == pytest.approx(0)
    assert im.bottleneck(TINY) == "c"


def test_handoff_matrix_counts_department_changes():
    m = im.handoff_matrix(TINY)
    assert m.loc["x", "y"] == 1 and m.loc["y", "x"] == 1
    assert m.to_numpy().sum() == 2


def test_redesign_replays_the_cases():
    # remove b from A: a 0-1, then a (wait 0) 1-2, then c (wait 4) 6-7 -> cycle 7 h
    out = im.case_table(im.redesign(TINY, remove=["b"])).set_index("case_id")
    assert out.loc["A", "cycle_h"] == pytest.approx(7.0)
    assert out.loc["B", "cycle_h"] == pytest.approx(3.0)
    # halving the wait before c: A 10 -> 8, C 4 -> 3
    half = im.case_table(im.redesign(TINY, wait_factor={"c": 0.5})).set_index("case_id")
    assert half["cycle_h"].to_dict() == pytest.approx({"A": 8.0, "B": 3.0, "C": 3.0})
    # empowerment: b (the approval here) kept when compensation above the limit
    kept = im.redesign(TINY, empower_limit=10, approval="b")
    dropped = im.redesign(TINY, empower_limit=100, approval="b")
    assert "b" in set(kept["activity"]) and "b" not in set(dropped["activity"])


def test_event_log_errors_name_the_problem():
    with pytest.raises(ValueError, match="lacks the column"):
        im.case_table(TINY.drop(columns="end"))
    with pytest.raises(ValueError, match="must be datetimes"):
        im.case_table(TINY.assign(start="2025-01-01"))
    with pytest.raises(ValueError, match="end before they start"):
        im.case_table(TINY.assign(end=TINY["start"] - H))
    with pytest.raises(ValueError, match="compensation"):
        im.redesign(TINY.drop(columns="compensation"), empower_limit=10)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bottleneck_found_is_the_planted_one(seed):
    shop = crm.simulate_retailer(400, seed=seed).with_tables("complaint_log")
    planted = shop.truth["complaint_log"].query("bottleneck")["activity"].tolist()
    assert im.bottleneck(shop.complaint_log) == planted[0] == gen.PROCESS_RULES.bottleneck


def test_the_log_follows_its_stated_rules():
    shop = crm.simulate_retailer(400, seed=4).with_tables("complaint_log")
    log, truth = shop.complaint_log, shop.truth["complaint_log"].set_index("activity")
    cases = im.case_table(log)
    assert len(cases) == gen.PROCESS_RULES.min_cases  # 10 % of 400 members is below the floor
    assert (cases["variant"].str.startswith("register complaint → classify")).all()
    assert (cases["variant"].str.endswith("close case")).all()
    # approval exactly for cases with compensation; mean waits near the stated means
    approve = log[log["activity"] == "approve compensation"]["case_id"]
    comp = log.groupby("case_id")["compensation"].first()
    assert set(approve) == set(comp[comp > 0].index)
    stats = im.activity_stats(log).set_index("activity")
    for act in ("approve compensation", "investigate"):
        n = stats.loc[act, "events"]
        mean = truth.loc[act, "mean_wait_h"]
        assert abs(stats.loc[act, "mean_wait_h"] - mean) < 5 * mean / np.sqrt(n)


def test_the_redesign_is_faster_on_the_simulated_log():
    log = crm.simulate_retailer(400, seed=2).with_tables("complaint_log").complaint_log
    after = im.redesign(log, remove=["forward to store"], empower_limit=200)
    cmp = im.compare_processes({"before": log, "after": after}).set_index("process")
    assert cmp.loc["after", "mean_cycle_h"] < cmp.loc["before", "mean_cycle_h"]
    assert cmp.loc["after", "activities_per_case"] < cmp.loc["before", "activities_per_case"]
    assert cmp.loc["after", "rework_share"] == cmp.loc["before", "rework_share"]


# ----------------------------------------------------------------------------- rollout


def _panel():
    """2 stores x 4 weeks; store P live from week 3. Means: P before 10, after 16;
    Q before 20, after 22 -> DiD (16 - 10) - (22 - 20) = 4."""
    return pd.DataFrame({
        "store_id": ["P"] * 4 + ["Q"] * 4, "week": [1, 2, 3, 4] * 2,
        "crm_live": [False, False, True, True] + [False] * 4,
        "y": [9.0, 11.0, 15.0, 17.0, 19.0, 21.0, 21.0, 23.0],
    })  # fmt: skip


def test_did_means_and_the_regression_agree_with_a_hand_computation():
    t = im.did_means(_panel(), "y")
    assert t.loc["pilot", "change"] == pytest.approx(6.0)
    assert t.loc["comparison", "change"] == pytest.approx(2.0)
    assert t.attrs["estimate"] == pytest.approx(4.0)
    more = pd.concat([_panel(), _panel().assign(store_id=lambda d: d["store_id"] + "2")])
    assert im.did(more, "y")["estimate"] == pytest.approx(4.0)


def test_did_needs_a_balanced_panel_with_both_groups():
    with pytest.raises(ValueError, match="balanced"):
        im.did(_panel().iloc[1:], "y")
    with pytest.raises(ValueError, match="treated and untreated"):
        im.did(_panel().assign(crm_live=False), "y")
    with pytest.raises(ValueError, match="lacks the column"):
        im.did(_panel(), "sales")
    with pytest.raises(ValueError, match="method"):
        im.did(_panel(), "y", method="ols")


SEEDS = range(10)


@pytest.fixture(scope="module")
def rollouts():
    return [crm.simulate_retailer(200, seed=s).with_tables("rollout") for s in SEEDS]


@pytest.mark.parametrize("outcome", ["customer_value", "cost_to_serve", "efficiency"])
def test_the_did_interval_covers_the_planted_effect_over_seeds(rollouts, outcome):
    covered = []
    for shop in rollouts:
        truth = shop.truth["rollout"].set_index("outcome").loc[outcome, "effect"]
        lo, hi = im.did(shop.rollout, outcome)["ci"]
        covered.append(lo <= truth <= hi)
    # a 95 % interval: with 10 seeds, 8 or more covered (probability about 0.99)
    assert sum(covered) >= 8, covered


def test_the_bootstrap_interval_covers_and_the_naive_comparison_is_biased(rollouts):
    covered, naive_err, did_err = 0, [], []
    for shop in rollouts[:5]:
        truth = shop.truth["rollout"].set_index("outcome").loc["customer_value", "effect"]
        r = im.did(shop.rollout, "customer_value", method="bootstrap", n_boot=200, seed=1)
        covered += r["ci"][0] <= truth <= r["ci"][1]
        t = im.did_means(shop.rollout, "customer_value")
        naive_err.append(abs(t.loc["pilot", "after"] - t.loc["comparison", "after"] - truth))
        did_err.append(abs(t.attrs["estimate"] - truth))
    assert covered >= 4
    assert np.mean(did_err) < np.mean(naive_err)


def test_parallel_trends_hold_in_the_simulation_and_a_drift_is_caught(rollouts):
    ok = [im.pretrend(s.rollout, "customer_value")["parallel"] for s in rollouts]
    assert sum(ok) >= 8
    panel = rollouts[0].rollout.copy()
    panel.loc[panel["pilot"], "customer_value"] += panel.loc[panel["pilot"], "week"] * 1.0
    assert not im.pretrend(panel, "customer_value")["parallel"]


# ----------------------------------------------------------------------------- readiness


def test_the_scorecard_finds_the_planted_weak_points_and_the_stages():
    for seed in (1, 2):
        shop = crm.simulate_retailer(200, seed=seed).with_tables("firms")
        truth = shop.truth["firms"].set_index("firm_id")
        summary = im.readiness_summary(im.readiness_scorecard(shop.firms)).set_index("firm_id")
        for firm, weak in truth["weak"].items():
            assert set(summary.loc[firm, "weak"].split(",")) == set(weak.split(","))
        stages = im.maturity_stage(shop.firms).set_index("firm_id")["stage"]
        assert (stages == truth["stage"]).all()


def test_the_readiness_index_is_the_stated_weighted_sum():
    firms = pd.DataFrame({"firm_id": ["A", "B"], "score_top_support": [5.0, 1.0],
                          "score_steering": [3.0, 1.0]})  # fmt: skip
    card = im.readiness_scorecard(firms)
    w = im.criteria_table().set_index("criterion")["weight"][["top_support", "steering"]]
    w = w / w.sum()
    expected = (w["top_support"] * 4 / 4 + w["steering"] * 2 / 4) * 100
    idx = im.readiness_summary(card).set_index("firm_id")["readiness_index"]
    assert idx["A"] == pytest.approx(expected)
    assert idx["B"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="between 1 and 5"):
        im.readiness_scorecard(firms.assign(score_steering=7.0))
    with pytest.raises(ValueError, match="Unknown readiness criteria"):
        im.readiness_scorecard(firms, weights={"luck": 1.0})


def test_the_stages_build_on_each_other():
    firm = {f: v for f, _, v, d, _ in crm._catalogue.MATURITY_EVIDENCE} | {"firm_id": "X"}
    row = pd.DataFrame([firm])  # exactly at every threshold: passes all
    assert im.maturity_stage(row)["stage"].iloc[0] == 4
    row["departments_sharing"] = 0.1  # stage 2 fails -> stage 1, even with predictions
    out = im.maturity_stage(row).iloc[0]
    assert out["stage"] == 1 and "departments_sharing" in out["next_needs"]


# ----------------------------------------------------------------------------- vendors


def test_vendor_scores_are_the_normalised_weighted_sum():
    scores = {"a": {"p": 5, "q": 1}, "b": {"p": 2, "q": 4}}
    t = im.vendor_scores(scores, {"p": 1, "q": 3}).set_index("vendor")
    assert t.loc["a", "weighted_score"] == pytest.approx((5 * 1 + 1 * 3) / 4)
    assert t.loc["b", "weighted_score"] == pytest.approx((2 * 1 + 4 * 3) / 4)
    assert t.loc["b", "rank"] == 1
    sweep = im.weight_sweep(scores, {"p": 1, "q": 1}, steps=11)
    p = sweep[sweep["criterion"] == "p"].set_index("weight")["winner"]
    p.index = p.index.round(6)
    # a beats b when 5w + (1 - w) > 2w + 4(1 - w), i.e. w > 0.5
    assert p[0.0] == "b" and p[1.0] == "a" and p[0.4] == "b" and p[0.6] == "a"
    with pytest.raises(ValueError, match="between 1 and 5"):
        im.vendor_scores({"a": {"p": 9}})


def test_weight_sensitivity_shares_sum_to_one_and_follow_dominance():
    scores = {"best": {"p": 5, "q": 5}, "worse": {"p": 1, "q": 2}}
    s = im.weight_sensitivity(scores, n=500).set_index("vendor")
    assert s["win_share"].sum() == pytest.approx(1.0)
    assert s.loc["best", "win_share"] == 1.0  # dominates on every criterion


# ----------------------------------------------------------------------------- training


def test_training_plan_and_effect():
    staff = pd.DataFrame({"staff_id": ["a", "b", "c"], "skill_business": [2.0, 4.0, 4.0],
                          "skill_people": [3.0, 2.5, 4.0], "skill_self": [3.0, 4.0, 4.0]})  # fmt: skip
    plan = im.training_plan(staff).set_index("staff_id")
    assert plan["module"].to_dict() == {"a": "business", "b": "people", "c": "none"}
    assert plan.loc["a", "gap"] == pytest.approx(1.5)
    shop = crm.simulate_retailer(300, seed=6).with_tables("training")
    truth = shop.truth["training"].set_index("measure").loc["performance", "effect"]
    e = im.training_effect(shop.training, "performance")
    half = (e["ci"][1] - e["ci"][0]) / 2
    assert abs(e["estimate"] - truth) < 2 * half  # within two half-widths of the planted effect
