"""The Shanghai Volkswagen case: the simulated customer development centre
(extensions/carmaker.py) and its analysis (carmaker.py), against the generator's truth and
hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import carmaker as car
from crm_helpers.extensions.carmaker import CASE_RULES
from crm_helpers.schema import DataValidationError

TABLES = ("svw_dealers", "svw_calls", "svw_followups", "svw_sales")


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(2000, seed=7).with_tables(*TABLES)


def _ts(*days):
    return [pd.Timestamp("2002-03-01") + pd.Timedelta(days=d) for d in days]


# three leads captured on 2002-03-01: lead 1 (within a month, gap 7) followed up on day 5 and
# bought on day 20; lead 2 (1-3 months, gap 14) first called on day 40, never bought; lead 3
# (within a month) bought on day 3 before any call was due. Caller 4 had no interest.
CALLS = pd.DataFrame(
    {
        "call_id": [1, 2, 3, 4, 5],
        "caller_id": [1, 2, 3, 4, 4],
        "timestamp": _ts(0, 0, 0, 0, 10),
        "purpose": ["inquiry", "inquiry", "inquiry", "inquiry", "complaint"],
        "caller_type": ["prospect", "prospect", "prospect", "owner", "owner"],
        "dealer_id": ["D01", "D01", "D02", "D02", "D02"],
        "model_interest": ["Polo", "Passat", "Polo", None, None],
        "purchase_interest": [True, True, True, False, False],
        "purchase_timing": ["within_1_month", "1_3_months", "within_1_month", None, None],
        "lead_id": pd.array([1, 2, 3, None, None], dtype="Int64"),
        "routed_at": [pd.NaT] * 4 + _ts(10.25),
        "resolved_at": [pd.NaT] * 4 + _ts(19),
        "feedback_at": [pd.NaT] * 4 + _ts(20),
    }
)
FOLLOWUPS = pd.DataFrame(
    {
        "caller_id": [1, 1, 2, 1],
        "lead_id": pd.array([1, 1, 2, None], dtype="Int64"),
        "timestamp": _ts(5, 12, 40, 24),
        "kind": ["follow_up", "follow_up", "follow_up", "verification"],
    }
)
SALES = pd.DataFrame(
    {"caller_id": [1, 3], "dealer_id": ["D01", "D02"], "model": ["Polo", "Polo"],
     "date": _ts(20, 3)}
)  # fmt: skip


def test_lead_capture_by_hand():
    got = car.lead_capture(CALLS)
    assert got[["calls", "interest_calls", "leads"]].iloc[0].tolist() == [5, 3, 3]
    by = car.lead_capture(CALLS, "dealer_id").set_index("dealer_id")
    assert by.loc["D01", "capture_rate"] == 1.0 and by.loc["D02", "interest_calls"] == 1


def test_lead_outcomes_by_hand():
    o = car.lead_outcomes(CALLS, FOLLOWUPS, SALES).set_index("lead_id")
    assert o["follow_up"].tolist() == ["on time", "missed", "bought first"]
    assert o["days_to_first"].iloc[:2].tolist() == [5.0, 40.0]
    assert o["n_follow_ups"].tolist() == [2, 1, 0]
    assert o["bought"].tolist() == [True, False, True]
    assert o.loc[1, "days_to_purchase"] == 20.0
    assert o["followed_before_purchase"].tolist() == [True, False, False]
    s = car.follow_up_summary(o.reset_index()).set_index("purchase_timing")
    assert s.loc["within_1_month", ["leads", "bought"]].tolist() == [2, 2]
    assert s.loc["1_3_months", "missed_share"] == 1.0


def test_complaint_routing_by_hand():
    r = car.complaint_routing(CALLS).set_index("dealer_id")
    assert r.loc["D02", "callers"] == 2 and r.loc["D02", "complaints"] == 1
    assert r.loc["D02", "complaint_rate"] == 0.5 and r.loc["D01", "complaints"] == 0
    assert r.loc["D02", "median_hours_to_route"] == pytest.approx(6.0)
    assert r.loc["D02", "mean_days_to_resolve"] == pytest.approx(9.0)
    assert r.loc["D02", "resolved_within_sla"] == 0.0  # 9 days > 7
    assert (
        car.complaint_routing(CALLS, sla_days=10)
        .set_index("dealer_id")
        .loc["D02", "resolved_within_sla"]
        == 1.0
    )


def test_lifelong_file_and_touchpoints_by_hand():
    f = car.lifelong_file(CALLS, FOLLOWUPS, SALES).set_index("caller_id")
    assert f["status"].tolist() == ["bought", "lead", "bought", "owner"]
    assert f.loc[1, "outbound_calls"] == 3 and f.loc[4, "complaints"] == 1
    assert f.loc[1, "last_contact"] == _ts(24)[0]
    t = car.touchpoints_by_stage(CALLS, FOLLOWUPS, SALES)
    assert t.to_numpy().sum() == len(CALLS) + len(FOLLOWUPS) + len(SALES)
    assert t.loc["before purchase 购买前", "outbound: follow_up"] == 3
    assert t.loc["after purchase 购买后", "outbound: verification"] == 1
    assert t.loc["after purchase 购买后", "hotline: complaint"] == 1  # an owner's call
    assert t.loc["purchase 购买", "dealer: sale"] == 2


def test_generator_keeps_its_promises(shop):
    calls, fu, sales = shop.svw_calls, shop.svw_followups, shop.svw_sales
    captured = calls["purchase_interest"] & calls["consent"].fillna(False)
    assert (calls["lead_id"].notna() == captured).all()
    assert (calls["purchase_timing"].notna() == captured).all()
    assert set(fu.loc[fu["kind"] == "follow_up", "lead_id"]) <= set(calls["lead_id"].dropna())
    truth = shop.truth["svw_calls"].set_index("caller_id")
    assert truth.loc[sales["caller_id"], "intends"].all()  # only intending callers buy
    assert set(sales["caller_id"]) <= set(calls.loc[captured, "caller_id"])
    assert calls["timestamp"].between("2002-01-01", "2003-01-01").all()
    again = crm.simulate_retailer(2000, seed=7).with_tables("svw_calls").svw_calls
    pd.testing.assert_frame_equal(calls, again)


def test_capture_rate_is_the_planted_consent_rate(shop):
    rate = car.lead_capture(shop.svw_calls)["capture_rate"].iloc[0]
    assert rate == pytest.approx(CASE_RULES.p_consent, abs=0.06)


def test_follow_up_classes_match_the_truth(shop):
    o = car.lead_outcomes(shop.svw_calls, shop.svw_followups, shop.svw_sales)
    truth = shop.truth["svw_calls"].set_index("caller_id")["followed_on_time"]
    on = o["caller_id"].map(truth).astype(bool)
    assert on[o["follow_up"] == "on time"].all()
    assert not on[o["follow_up"] == "missed"].any()


def test_on_time_follow_up_converts_more_as_planted(shop):
    o = car.lead_outcomes(shop.svw_calls, shop.svw_followups, shop.svw_sales)
    s = car.follow_up_summary(o[o["follow_up"] != "bought first"], "follow_up").set_index(
        "follow_up"
    )
    assert s.loc["on time", "conversion"] > 1.2 * s.loc["missed", "conversion"]


def test_complaint_routing_recovers_the_dealers_hidden_quality(shop):
    r = car.complaint_routing(shop.svw_calls, shop.svw_dealers).set_index("dealer_id")
    t = shop.truth["svw_dealers"].set_index("dealer_id")
    assert r["complaint_rate"].corr(t["complaint_factor"], method="spearman") > 0.4
    assert r["mean_days_to_resolve"].corr(t["resolve_days"]) > 0.5
    assert r["complaints"].sum() == (shop.svw_calls["purpose"] == "complaint").sum()


def test_one_lifelong_file_per_caller(shop):
    f = car.lifelong_file(shop.svw_calls, shop.svw_followups, shop.svw_sales)
    assert f["caller_id"].is_unique
    assert f["caller_id"].nunique() == shop.svw_calls["caller_id"].nunique()
    assert f["inbound_calls"].sum() == len(shop.svw_calls)
    assert (f["status"] == "bought").sum() <= len(shop.svw_sales)


def test_bad_input_is_named():
    with pytest.raises(DataValidationError, match="lead_id"):
        car.lead_capture(CALLS.drop(columns="lead_id"))
    with pytest.raises(DataValidationError, match="next_year"):
        car.lead_outcomes(CALLS.assign(purchase_timing="next_year"), FOLLOWUPS, SALES)
    with pytest.raises(DataValidationError, match="routed_at"):
        car.complaint_routing(CALLS.drop(columns="routed_at"))
    assert np.isnan(car.lead_capture(CALLS.iloc[3:])["capture_rate"].iloc[0])


def test_lead_outcomes_without_any_sale_or_follow_up():
    no_sales = SALES.iloc[:0]
    o = car.lead_outcomes(CALLS, FOLLOWUPS.iloc[:0], no_sales)
    assert not o["bought"].any() and o["follow_up"].eq("missed").all()


def test_case_plots_draw(shop):
    from crm_helpers import plots_carmaker as pc

    o = car.lead_outcomes(shop.svw_calls, shop.svw_followups, shop.svw_sales)
    ax = pc.plot_follow_up_conversion(car.follow_up_summary(o, ["purchase_timing", "follow_up"]))
    assert len(ax.patches) == 2 * 3  # on time and missed, three timings
    routing = car.complaint_routing(shop.svw_calls, shop.svw_dealers)
    ax2 = pc.plot_complaint_routing(routing)
    assert len(ax2.texts) == len(routing) + 1  # a label per dealer and the service level
