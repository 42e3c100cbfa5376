"""The simulated surveys, complaints and staff ratings (crm_helpers/extensions/satisfaction.py)
follow their stated rules: scores in range, comments whose sentiment and subject follow the
scores, complaint times in order with SLA shares matching the exact truth, and six-hearts
ratings that reflect each employee's true level."""

from __future__ import annotations

import re

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


def test_staff_and_six_hearts_ratings(shop):
    staff, ratings, truth = shop.staff, shop.staff_ratings, shop.truth["staff"]
    sizes = staff.groupby("store_id").size()
    assert sizes.between(6, 8).all()
    assert staff["employee_id"].is_unique
    assert all(re.fullmatch(r"E\d{4}", e) for e in staff["employee_id"])
    home = staff.set_index("employee_id")["store_id"]
    assert (ratings["employee_id"].map(home) == ratings["store_id"]).all()
    sat.validate_scores(ratings, sat.SIX_HEARTS, 1, 5, "staff ratings")
    card = sat.six_hearts_scorecard(ratings).merge(
        truth, on=["store_id", "employee_id"], suffixes=("", "_true")
    )
    for heart in sat.SIX_HEARTS:
        assert card[heart].corr(card[f"{heart}_true"], method="spearman") > 0.8
    # each employee's weakest true heart is rated below their best true heart more often
    # than not (the per-heart differences are small, so only a majority is asked)
    t = truth.set_index("employee_id")[list(sat.SIX_HEARTS)]
    c = card.set_index("employee_id")[list(sat.SIX_HEARTS)].reindex(t.index)
    lo, hi = t.idxmin(axis=1), t.idxmax(axis=1)
    right = [c.at[e, lo[e]] < c.at[e, hi[e]] for e in t.index]
    assert np.mean(right) > 0.6
