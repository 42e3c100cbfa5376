"""The simulated surveys, complaints and staff ratings (crm_helpers/extensions/satisfaction.py)
follow their stated rules: scores in range, comments whose sentiment and subject follow the
scores, complaint times in order with SLA shares matching the exact truth, and six-hearts
ratings that reflect each employee's true level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import satisfaction as sat
from crm_helpers.extensions.satisfaction import COMPLAINT_RULES, PHRASES, SURVEY_RULES

TABLES = ("surveys", "complaints", "staff", "staff_ratings")


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(2500, seed=12).with_tables(*TABLES)


def test_tables_are_deterministic_and_leave_the_core_tables_alone(shop):
    again = crm.simulate_retailer(2500, seed=12).with_tables(*reversed(TABLES))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(shop, name), getattr(again, name))
    plain = crm.simulate_retailer(2500, seed=12)
    pd.testing.assert_frame_equal(plain.receipts, shop.receipts)
    other = crm.simulate_retailer(2500, seed=13).with_tables("surveys")
    assert not other.surveys["overall"].equals(shop.surveys["overall"].iloc[: len(other.surveys)])


def test_survey_scores_are_in_range_and_tied_to_store_receipts(shop):
    s = shop.surveys
    sat.validate_scores(s, sat.ATTRIBUTES, 1, 10)
    sat.validate_scores(s, ["overall"], 1, 10)
    sat.validate_scores(s, ["recommend"], 0, 10)
    physical = set(shop.stores.loc[shop.stores["channel"] == "store", "store_id"])
    assert set(s["store_id"]) <= physical
    assert s["date"].max() < shop.end
    assert s["response_id"].is_unique
    # about response_rate of the store receipts answer
    n_store = (shop.receipts["channel"].astype(str) == "store").sum()
    assert len(s) / n_store == pytest.approx(SURVEY_RULES.response_rate, abs=0.03)
    # overall rises with the attributes; recommendation rises with overall
    assert s[list(sat.ATTRIBUTES)].corrwith(s["overall"]).min() > 0.1
    assert s["overall"].corr(s["recommend"]) > 0.5


def test_comments_follow_the_scores(shop):
    s = shop.surveys
    c = s[s["comment"].notna()]
    assert len(c) > 200
    assert (c["sentiment"] == (c["overall"] >= 7).astype(int)).all()
    assert (c["overall"] != 6).all()  # the undecided write nothing
    assert s.loc[s["comment"].isna(), ["sentiment", "language"]].isna().all().all()
    cjk = c["comment"].str.contains(r"[\u4e00-\u9fff]", regex=True)
    assert (cjk == (c["language"] == "zh")).all()
    assert (c["language"] == "zh").mean() == pytest.approx(SURVEY_RULES.chinese_share, abs=0.06)
    # the comment is about the best (positive) or worst (negative) attribute
    for _, row in c.head(300).iterrows():
        scores = row[list(sat.ATTRIBUTES)].astype(int)
        target = scores.max() if row["sentiment"] == 1 else scores.min()
        candidates = scores.index[scores == target]
        book = PHRASES[row["language"]]
        assert any(
            row["comment"].startswith(p) for a in candidates for p in book[a][row["sentiment"]]
        ), row["comment"]


def test_survey_truth_lists_the_weights(shop):
    truth = shop.truth["surveys"].set_index("term")["weight"]
    assert truth.drop("intercept").to_dict() == SURVEY_RULES.weights
    assert truth["intercept"] == SURVEY_RULES.intercept


def test_complaint_times_are_ordered_and_sla_shares_match_the_truth(shop):
    c = shop.complaints
    assert (c["opened"] <= c["first_response"]).all()
    assert (c["first_response"] <= c["resolved"]).all()
    assert set(c["type"]) == set(COMPLAINT_RULES.type_probs)
    assert c["satisfaction_after"].isna().eq(~c["followed_up"]).all()
    truth = shop.truth["complaints"]
    assert truth.groupby("type")["p_severity"].sum().to_numpy() == pytest.approx(1.0)
    # empirical shares within the SLA by severity vs the exact probabilities, averaged over
    # the types in the proportions the truth gives them: within 4 binomial sd
    times = sat.complaint_times(c)
    w = truth.assign(w=truth["p_type"] * truth["p_severity"])
    for col in ("response_within_sla", "resolution_within_sla"):
        for sev, g in times.groupby("severity"):
            part = w[w["severity"] == sev]
            p = float((part["w"] * part[f"p_{col}"]).sum() / part["w"].sum())
            sd = np.sqrt(p * (1 - p) / len(g))
            assert abs(g[col].mean() - p) <= 4 * sd + 1e-9, (col, sev, g[col].mean(), p)
    # the type shares follow the stated probabilities (Pareto order of the biggest two)
    share = c["type"].value_counts(normalize=True)
    for typ, p in COMPLAINT_RULES.type_probs.items():
        assert abs(share.get(typ, 0) - p) <= 4 * np.sqrt(p * (1 - p) / len(c)) + 1e-9


def test_truth_probabilities_agree_with_a_direct_simulation():
    """The quadrature in complaint_truth against a plain Monte Carlo of the stated laws."""
    from crm_helpers.extensions.satisfaction import complaint_truth

    truth = complaint_truth().set_index(["type", "severity"])
    rng = np.random.default_rng(0)
    r = COMPLAINT_RULES
    sla = sat.DEFAULT_SLA.set_index("severity")
    for typ, sev in [("delivery", "high"), ("waiting_time", "low"), ("product_quality", "medium")]:
        t = r.response_median[sev] * np.exp(r.response_sigma * rng.standard_normal(200_000))
        d = (r.resolution_median[typ] * r.severity_factor[sev]) * np.exp(
            r.resolution_sigma * rng.standard_normal(200_000)
        )
        p_resp = np.mean(t <= sla.at[sev, "response_hours"])
        p_res = np.mean(t + d <= sla.at[sev, "resolution_hours"])
        assert truth.at[(typ, sev), "p_response_within_sla"] == pytest.approx(p_resp, abs=0.005)
        assert truth.at[(typ, sev), "p_resolution_within_sla"] == pytest.approx(p_res, abs=0.005)


def test_meeting_the_sla_raises_satisfaction_after(shop):
    times = sat.complaint_times(shop.complaints).dropna(subset=["satisfaction_after"])
    means = times.groupby("resolution_within_sla")["satisfaction_after"].mean()
    assert means[True] - means[False] > 1.0  # the stated effect is +2 before clipping


def test_staff_and_the_level_by_level_rating_chain(shop):
    staff, ratings, truth = shop.staff, shop.staff_ratings, shop.truth["staff"]
    stores = staff[staff["store_id"] != "HQ"]
    sizes = stores.groupby("store_id").size()
    assert sizes.between(7, 9).all()  # 6-8 staff and one store manager (店长)
    assert (
        stores.groupby("store_id")["role"].apply(lambda r: (r == "store_manager").sum()) == 1
    ).all()
    assert sorted(staff.loc[staff["store_id"] == "HQ", "role"]) == [
        "general_manager", "marketing_director", "ops_manager"
    ]  # fmt: skip
    assert staff["employee_id"].is_unique
    home = staff.set_index("employee_id")["store_id"]
    assert (ratings["employee_id"].map(home) == ratings["store_id"]).all()
    sat.validate_scores(ratings, sat.SIX_HEARTS, 1, 5, "staff ratings")
    # 逐级考核: crew by their own store manager, managers and spot checks by the ops manager
    chain = crm.six_hearts.rating_chain(staff).set_index("employee_id")["rater_id"]
    routine = ratings[ratings["kind"] == "routine"]
    assert (routine["rater_id"] == routine["employee_id"].map(chain)).all()
    ops = staff.loc[staff["role"] == "ops_manager", "employee_id"].item()
    assert (ratings.loc[ratings["kind"] == "spot_check", "rater_id"] == ops).all()
    assert (ratings.loc[ratings["role"] == "store_manager", "rater_id"] == ops).all()
    # every ratee is rated once per period in routine; the director confirms everything
    assert not routine.duplicated(["employee_id", "period"]).any()
    assert routine.groupby("period")["employee_id"].nunique().eq(len(truth)).all()
    director = staff.loc[staff["role"] == "marketing_director", "employee_id"].item()
    assert (ratings["confirmed_by"] == director).all()
    card = crm.six_hearts.six_hearts_scorecard(routine).merge(
        truth, on=["store_id", "employee_id"], suffixes=("", "_true")
    )
    for heart in sat.SIX_HEARTS:
        assert card[heart].corr(card[f"{heart}_true"], method="spearman") > 0.6


def test_rater_leniency_is_recovered_from_the_spot_checks(shop):
    ratings, lenient = shop.staff_ratings, shop.truth["staff_ratings"].set_index("rater_id")
    ops = lenient.index[lenient["rater_role"] == "ops_manager"].item()
    got = crm.six_hearts.rater_agreement(ratings, ops).set_index("rater_id")
    # stars are rounded and clipped, so the estimate is of the leniency relative to the
    # reference rater, shrunk a little at the ends: a rank correlation and a tolerance of
    # 4 standard errors + 0.15 points (rounding) are asked
    truth = lenient["leniency"].reindex(got.index) - lenient.at[ops, "leniency"]
    assert got["leniency"].corr(truth, method="spearman") > 0.8
    assert ((got["leniency"] - truth).abs() <= 4 * got["se"] + 0.15).mean() > 0.9
