"""Chapter 03's analyses: channel figures, the A/B test against published examples, the
truth of the simulated campaigns, the contact plan's guarantees (property-based), Bank
Marketing against an independent count, and clear errors for bad input."""

from __future__ import annotations

import csv
import gzip
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

import crm_helpers as crm
import crm_helpers.extensions.communication  # noqa: F401  (registers the tables)
from crm_helpers import communicate as cm
from crm_helpers.datasets import data_dir
from crm_helpers.schema import DataValidationError

# --------------------------------------------------------------------------- A/B statistics


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10
        (56, 70, 48, 80, 0.0524, 0.3339),  # example (a)
        (9, 10, 3, 10, 0.1705, 0.8090),  # example (b)
    ],
)
def test_newcombe_interval_matches_the_published_table(x1, n1, x2, n2, low, high):
    got = cm.diff_ci(x1, n1, x2, n2)
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_wald_interval_by_hand():
    # Newcombe's method 1 for example (a): 0.2 ± 1.96 × sqrt(.8·.2/70 + .6·.4/80)
    # = 0.2 ± 1.959964 × 0.0727029 = 0.0575 to 0.3425 (also in his Table II)
    low, high = cm.diff_ci(56, 70, 48, 80, method="wald")
    half = 1.959964 * math.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert low == pytest.approx(0.2 - half, abs=1e-6) and round(low, 4) == 0.0575
    assert high == pytest.approx(0.2 + half, abs=1e-6) and round(high, 4) == 0.3425


def test_z_test_agrees_with_scipy_chi_square():
    for x1, n1, x2, n2 in [(56, 70, 48, 80), (30, 400, 45, 410), (3, 50, 0, 60)]:
        z, p = cm.two_proportion_test(x1, n1, x2, n2)
        table = [[x1, n1 - x1], [x2, n2 - x2]]
        chi2, p_chi, _, _ = chi2_contingency(table, correction=False)
        assert z**2 == pytest.approx(chi2, rel=1e-9)
        assert p == pytest.approx(p_chi, rel=1e-9)
    assert cm.two_proportion_test(0, 10, 0, 12) == (0.0, 1.0)


def test_sample_size_matches_r_power_prop_test():
    # R: power.prop.test(p1 = .50, p2 = .75, power = .90) gives n = 76.7 per group
    assert cm.sample_size(0.5, 0.25, power=0.9) == 77
    # hand: p1 .1, p2 .15, pbar .125; [1.959964·sqrt(.21875) + 0.841621·sqrt(.09 + .1275)]²/.0025
    n = (1.959964 * math.sqrt(0.21875) + 0.841621 * math.sqrt(0.2175)) ** 2 / 0.0025
    assert cm.sample_size(0.10, 0.05) == math.ceil(n)
    assert cm.sample_size(0.10, 0.02) > cm.sample_size(0.10, 0.05)  # smaller effect, more


def test_ab_test_on_a_hand_table():
    c = pd.DataFrame(
        {
            "customer_id": range(150),
            "responded": [True] * 48 + [False] * 32 + [True] * 56 + [False] * 14,
            "ab_group": ["control"] * 80 + ["treatment"] * 70,
        }
    )
    r = cm.ab_test(c)
    assert (r["n_control"], r["responses_control"]) == (80, 48)
    assert (r["n_treatment"], r["responses_treatment"]) == (70, 56)
    assert r["difference"] == pytest.approx(0.2)
    assert (round(r["ci_low"], 4), round(r["ci_high"], 4)) == (0.0524, 0.3339)
    assert r["relative_uplift"] == pytest.approx(0.2 / 0.6)
    assert r["significant"]


# --------------------------------------------------------------------------- simulated truth


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(2_000, seed=11).with_tables("contacts", "campaigns")


def test_ab_test_recovers_the_true_effect(shop):
    ab = shop.contacts[shop.contacts["ab_group"].notna()]
    truth = shop.truth["contacts"].set_index("customer_id")
    members = truth.loc[ab["customer_id"].unique()]
    true_effect = (members["p_treatment"] - members["p_control"]).mean()
    r = cm.ab_test(ab)
    # a 99.9 % interval covers the true average effect (fails about once in 1,000 seeds)
    low, high = cm.diff_ci(r["responses_treatment"], r["n_treatment"],
                           r["responses_control"], r["n_control"], alpha=0.001)  # fmt: skip
    assert low <= true_effect <= high
    by = cm.uplift_by_segment(ab, shop.truth["contacts"][["customer_id", "segment"]])
    uplift = shop.truth["campaigns"].set_index("segment")["uplift"]
    for row in by.itertuples():
        se = math.sqrt(
            row.rate_control * (1 - row.rate_control) / row.n_control
            + row.rate_treatment * (1 - row.rate_treatment) / row.n_treatment
        )
        # within 4 standard errors of the segment's true uplift
        assert abs(row.difference - uplift[row.segment]) <= 4 * se


def test_preferred_channels_recover_the_truth(shop):
    truth = shop.truth["contacts"]
    seg = truth[["customer_id", "segment"]]
    got = cm.preferred_channels(shop.contacts, seg).merge(
        truth[["customer_id", "preferred_channel"]], on="customer_id", suffixes=("", "_true")
    )
    hit = got["preferred_channel"] == got["preferred_channel_true"]
    # baseline: everyone gets their segment's most common true preference
    mode = truth.groupby("segment")["preferred_channel"].agg(lambda s: s.value_counts().index[0])
    baseline = (got["segment"].map(mode) == got["preferred_channel_true"]).mean()
    # with about 16 contacts a member the data beat the segment baseline clearly (the
    # design's preferred channel responds 5× better); chance alone is 1/6
    assert hit.mean() >= baseline + 0.1
    # those who responded at least once are recovered better than those who never did
    assert hit[got["from_own_data"]].mean() > hit[~got["from_own_data"]].mean()
    # shrinkage helps: no prior does worse than the default prior
    raw = cm.preferred_channels(shop.contacts, seg, prior_strength=0).merge(
        truth[["customer_id", "preferred_channel"]], on="customer_id", suffixes=("", "_true")
    )
    assert (raw["preferred_channel"] == raw["preferred_channel_true"]).mean() < hit.mean()


def test_response_summary_against_a_direct_count(shop):
    c = shop.contacts
    s = cm.response_summary(c, "channel").set_index("channel")
    for ch in cm.CHANNELS:
        part = c[c["channel"] == ch]
        assert s.loc[ch, "contacts"] == len(part)
        assert s.loc[ch, "responses"] == part["responded"].sum()
        assert s.loc[ch, "cost_per_response"] == pytest.approx(
            part["cost"].sum() / part["responded"].sum()
        )
    mix = cm.channel_mix(c, by="campaign_id")
    assert np.allclose(mix.groupby("campaign_id")["share"].sum(), 1.0)


# --------------------------------------------------------------------------- contact plan

CLASSES = {"svcd": ["Star", "Volcano", "Cow", "Dog"], "abc": ["A", "B", "C"]}


@st.composite
def plan_inputs(draw):
    scheme = draw(st.sampled_from(["svcd", "abc"]))
    n = draw(st.integers(1, 25))
    col = "svcd" if scheme == "svcd" else "abc_class"
    customers = pd.DataFrame(
        {
            "customer_id": draw(
                st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True)
            ),  # fmt: skip
            col: draw(st.lists(st.sampled_from(CLASSES[scheme]), min_size=n, max_size=n)),
            "preferred_channel": draw(
                st.lists(st.sampled_from([*cm.CHANNELS, None]), min_size=n, max_size=n)
            ),
        }
    )
    if draw(st.booleans()):
        customers["value"] = draw(
            st.lists(st.floats(0, 1e4, allow_nan=False), min_size=n, max_size=n)
        )
    start = pd.Timestamp("2025-01-01") + pd.Timedelta(days=draw(st.integers(0, 365)))
    days = draw(st.integers(1, 200))
    budget = draw(st.floats(0.01, 2_000, allow_nan=False))
    return scheme, col, customers, start, start + pd.Timedelta(days=days), budget


@settings(max_examples=80, deadline=None)
@given(plan_inputs())
def test_contact_plan_never_breaks_cadence_or_budget(inputs):
    scheme, col, customers, start, end, budget = inputs
    plan = cm.contact_plan(customers, start, end, budget, scheme=scheme)
    gaps = cm.cadence_days(scheme)
    assert plan["cost"].sum() <= budget + 1e-9
    assert ((plan["date"] >= start) & (plan["date"] < end)).all()
    for cid, part in plan.groupby("customer_id"):
        row = customers.set_index("customer_id").loc[cid]
        dates = part["date"].sort_values()
        assert (dates.diff().dropna() >= pd.Timedelta(days=gaps[row[col]])).all()
        want = row["preferred_channel"] if pd.notna(row["preferred_channel"]) else "sms"
        assert (part["channel"] == want).all()
        assert (part["cost"] == cm.CHANNEL_COST[want]).all()
    # served by priority: the customers served are the first ones in priority order (of
    # those with a contact due in the period), and all but the last get their whole schedule
    full = cm.contact_plan(customers, start, end, 1e12, scheme=scheme)
    served = plan.groupby("priority").size()
    whole = full.groupby("priority").size()
    if len(served):
        assert list(served.index) == list(whole.index[: len(served)])
        assert (served.iloc[:-1] == whole.loc[served.index[:-1]]).all()
        # stopping early happens only for want of money
        if len(plan) < len(full):
            nxt = full.sort_values(["priority", "date"]).iloc[len(plan)]
            assert plan["cost"].sum() + nxt["cost"] > budget


def test_contact_plan_counts_by_hand():
    cust = pd.DataFrame({"customer_id": [1, 2, 3, 4], "svcd": ["Star", "Cow", "Volcano", "Dog"]})
    plan = cm.contact_plan(cust, "2025-01-01", "2025-03-01", budget=1_000)  # 59 days
    counts = plan.groupby("customer_id").size()
    # first contact on day 0 (first of its class): Star 0,7,...,56 -> 9; Cow 0,14,28,42,56
    # -> 5; Volcano 0,30 -> 2; Dog 0 -> 1
    assert counts.to_dict() == {1: 9, 2: 5, 3: 2, 4: 1}
    assert plan["cost"].sum() == pytest.approx(17 * 0.1)
    # a budget for 10 SMS: Star first (9), then one for the Volcano (class order)
    short = cm.contact_plan(cust, "2025-01-01", "2025-03-01", budget=1.0)
    assert short.groupby("customer_id").size().to_dict() == {1: 9, 3: 1}
    assert short.attrs["customers_dropped"] == 2
    # with values, the most valuable customer comes first
    valued = cust.assign(value=[1.0, 50.0, 2.0, 3.0])
    first = cm.contact_plan(valued, "2025-01-01", "2025-03-01", budget=0.5)
    assert set(first["customer_id"]) == {2}
    # a preferred channel the plan may not use falls back to the default channel
    f2f = cust.assign(preferred_channel=["face_to_face", "email", None, "push"])
    limited = cm.contact_plan(f2f, "2025-01-01", "2025-03-01", 1_000,
                              channels=["sms", "email", "push"])  # fmt: skip
    got = limited.groupby("customer_id")["channel"].first().to_dict()
    assert got == {1: "sms", 2: "email", 3: "sms", 4: "push"}
    with pytest.raises(ValueError, match="channels has unknown channels 'fax'"):
        cm.contact_plan(cust, "2025-01-01", "2025-03-01", 10, channels=["sms", "fax"])
    abc = pd.DataFrame({"customer_id": [1, 2, 3], "abc_class": ["A", "B", "C"]})
    abc_plan = cm.contact_plan(abc, "2025-01-01", "2025-03-01", 1_000, scheme="abc")
    assert abc_plan.groupby("customer_id").size().to_dict() == {1: 4, 2: 2, 3: 1}


def test_plan_from_the_segment_module(shop):
    tx = shop.transactions()
    classes = crm.segment.svcd_classes(tx)[["customer_id", "svcd"]]
    plan = cm.contact_plan(classes, shop.end, shop.end + pd.Timedelta(days=90), budget=500)
    assert plan["cost"].sum() <= 500
    assert set(plan["svcd"].astype(str)) <= {"Star", "Volcano", "Cow", "Dog"}


# --------------------------------------------------------------------------- call centre


def test_follow_up_plan_by_purchase_timing():
    calls = pd.DataFrame(
        {
            "call_id": [1, 2, 3, 4],
            "customer_id": [10, 11, 12, 13],
            "timestamp": pd.to_datetime(["2025-01-01 09:00"] * 4),
            "purpose": ["lead", "lead", "lead", "inquiry"],
            "purchase_timing": ["within_1_month", "1_3_months", "3_6_months", None],
        }
    )
    plan = cm.follow_up_plan(calls)
    # weekly for 4 weeks, every two weeks for 12 weeks, monthly for 6 months
    assert plan.groupby("customer_id").size().to_dict() == {10: 4, 11: 6, 12: 6}
    assert plan[plan["customer_id"] == 12]["date"].max() == pd.Timestamp("2025-06-30")
    with pytest.raises(DataValidationError, match="purchase_timing"):
        cm.follow_up_plan(calls.assign(purchase_timing="someday"))


# --------------------------------------------------------------------------- Bank Marketing


def _read_bank(kind: str) -> list[dict[str, str]]:
    """The UCI file read with the csv module, independently of pandas and the helpers."""
    path = data_dir() / "bank_marketing" / ("bank-full.csv.gz" if kind == "full" else "bank.csv")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


@pytest.mark.parametrize(("kind", "rate"), [("full", 0.1170), ("sample", 0.1152)])
def test_bank_response_rates_against_an_independent_count(kind, rate):
    rows = _read_bank(kind)
    bank = crm.datasets.load_bank_marketing(kind)
    # the published overall yes-rate (UCI: 5,289 of 45,211; 521 of 4,521)
    overall = cm.bank_response(bank.assign(all="all"), "all")
    assert round(float(overall["response_rate"].iloc[0]), 4) == rate
    by_contact = cm.bank_response(bank, "contact").set_index("contact")
    for value in {r["contact"] for r in rows}:
        part = [r for r in rows if r["contact"] == value]
        yes = sum(r["y"] == "yes" for r in part)
        assert by_contact.loc[value, "clients"] == len(part)
        assert by_contact.loc[value, "response_rate"] == pytest.approx(yes / len(part))
    by_month = cm.bank_response(bank, "month")
    assert list(by_month["month"]) == [m for m in cm.BANK_MONTHS if m in set(by_month["month"])]
    march = [r for r in rows if r["month"] == "mar"]
    got = by_month.set_index("month").loc["mar"]
    assert got["responses"] == sum(r["y"] == "yes" for r in march)
    by_n = cm.bank_response(bank, "campaign").set_index("campaign")
    many = [r for r in rows if int(r["campaign"]) >= 11]
    assert by_n.loc["11+", "clients"] == len(many)
    assert by_n.loc["1", "responses"] == sum(r["y"] == "yes" for r in rows if r["campaign"] == "1")


def test_bank_model_without_the_leak():
    bank = crm.datasets.load_bank_marketing("sample")
    with pytest.raises(ValueError, match="duration"):
        cm.fit_bank_model(bank, [*bank.columns.drop("y")])
    model = cm.fit_bank_model(bank, random_state=1)
    assert "duration" not in model.features
    assert len(model.test) == math.ceil(0.3 * len(bank))  # scikit-learn rounds up
    # better than chance on the hold-out, but far from the leaky model's near-perfect AUC
    assert 0.6 < model.auc_test < 0.85
    leaky = cm.fit_bank_model(bank, [*model.features, "duration"], random_state=1,
                              allow_leakage=True)  # fmt: skip
    assert leaky.auc_test > model.auc_test + 0.05


# --------------------------------------------------------------------------- bad input


def test_clear_errors_for_bad_input():
    ok = pd.DataFrame(
        {"customer_id": [1, 2], "channel": ["sms", "email"], "responded": [True, False],
         "cost": [0.1, 0.02], "ab_group": ["control", "treatment"]}
    )  # fmt: skip
    with pytest.raises(DataValidationError, match="empty.*empty campaign"):
        cm.response_summary(ok.iloc[0:0])
    with pytest.raises(DataValidationError, match="empty"):
        cm.ab_test(ok.iloc[0:0])
    with pytest.raises(DataValidationError, match="no treatment group 'treatment'"):
        cm.ab_test(ok.assign(ab_group="control"))
    with pytest.raises(DataValidationError, match="column 'channel' has unknown channels: 'fax'"):
        cm.channel_mix(ok.assign(channel=["sms", "fax"]))
    with pytest.raises(DataValidationError, match="no column 'responded'"):
        cm.preferred_channels(ok.drop(columns="responded"))
    with pytest.raises(DataValidationError, match="'responded' must be True/False"):
        cm.response_summary(ok.assign(responded=["yes", "no"]))
    with pytest.raises(ValueError, match="group 1: the group size"):
        cm.diff_ci(0, 0, 1, 2)
    with pytest.raises(ValueError, match="method must be one of"):
        cm.diff_ci(1, 2, 1, 2, method="exact")
    with pytest.raises(ValueError, match="uplift must be non-zero"):
        cm.sample_size(0.1, 0.0)
    cust = pd.DataFrame({"customer_id": [1], "svcd": ["Star"], "preferred_channel": ["sms"]})
    with pytest.raises(ValueError, match="budget must be an amount of money > 0.*zero budget"):
        cm.contact_plan(cust, "2025-01-01", "2025-02-01", 0)
    with pytest.raises(ValueError, match="budget must be"):
        cm.contact_plan(cust, "2025-01-01", "2025-02-01", -5.0)
    with pytest.raises(
        DataValidationError, match="'preferred_channel' has unknown channels: 'pigeon'"
    ):
        cm.contact_plan(cust.assign(preferred_channel="pigeon"), "2025-01-01", "2025-02-01", 10)
    with pytest.raises(DataValidationError, match="column 'svcd' has unknown classes 'Gold'"):
        cm.contact_plan(cust.assign(svcd="Gold"), "2025-01-01", "2025-02-01", 10)
    with pytest.raises(DataValidationError, match="no column 'abc_class'"):
        cm.contact_plan(cust, "2025-01-01", "2025-02-01", 10, scheme="abc")
    with pytest.raises(DataValidationError, match="customers table is empty"):
        cm.contact_plan(cust.iloc[0:0], "2025-01-01", "2025-02-01", 10)
    with pytest.raises(ValueError, match="end .* must be after start"):
        cm.contact_plan(cust, "2025-02-01", "2025-01-01", 10)
    with pytest.raises(DataValidationError, match="column 'y' must be 'yes' or 'no'"):
        cm.bank_response(pd.DataFrame({"contact": ["cellular"], "y": [1]}))
