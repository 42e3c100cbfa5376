"""Chapter 02's simulated tables (crm_helpers/extensions/identification.py): the customer
records are messy in the stated ways but every one belongs to a real member; prospects
convert by the stated logistic model; the funnel is consistent with the prospects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.extensions.identification import (
    FIELD_RATES,
    PROSPECT_MODEL,
    SOURCES,
    prospect_features,
)


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(2500, seed=8).with_tables("customer_records", "funnel")


def _digits(s: pd.Series) -> pd.Series:
    d = s.str.replace(r"\D", "", regex=True)
    return d.str.slice(-11)


def test_every_record_belongs_to_a_member_and_every_member_has_one(shop):
    recs, truth = shop.customer_records, shop.truth["customer_records"]
    assert len(recs) == len(truth) and recs["record_id"].is_unique
    assert (recs["record_id"].to_numpy() == truth["record_id"].to_numpy()).all()
    assert set(truth["customer_id"]) == set(shop.customers["customer_id"])
    assert "customer_id" not in recs.columns  # the id is what matching must find
    # 1 + Poisson(0.8) records per member (capped at 6): mean 1.8
    per = truth.groupby("customer_id").size()
    assert per.max() <= 6 and per.mean() == pytest.approx(1.8, abs=0.08)
    ident = recs[["name", "phone", "email", "card_number"]].notna().any(axis=1)
    assert ident.all()
    assert set(recs["source"].astype(str)) == set(SOURCES)


def test_records_are_the_members_details_under_the_stated_mess(shop):
    recs = shop.customer_records.merge(shop.truth["customer_records"], on="record_id")
    m = recs.merge(shop.customers, on="customer_id", suffixes=("", "_true"))
    # phones: several formats, same digits except 2 % typos
    ph = m[m["phone"].notna()]
    same = _digits(ph["phone"]) == ph["phone_true"]
    assert 0.96 < same.mean() < 0.995
    formats = ph["phone"].str.replace(r"\d", "9", regex=True).nunique()
    assert formats >= 6
    # e-mail: only case and spaces differ
    em = m[m["email"].notna()]
    assert (em["email"].str.strip().str.lower() == em["email_true"]).all()
    assert (em["email"] != em["email_true"]).mean() > 0.3
    # names: some in pinyin (Latin letters), some with a homophone, most as written
    nm = m[m["name"].notna()]
    latin = nm["name"].str.contains(r"[A-Za-z]", regex=True)
    assert 0.05 < latin.mean() < 0.25
    assert (nm.loc[~latin, "name"].str.strip() == nm.loc[~latin, "name_true"]).mean() > 0.85
    # birth years at most one year off
    by = m[m["birth_year"].notna()]
    assert (by["birth_year"].astype(int) - by["birth_year_true"]).abs().max() <= 1


def test_field_rates_follow_the_table(shop):
    recs = shop.customer_records
    for src in ("store", "web"):
        part = recs[recs["source"] == src]
        for f in ("email", "card_number", "birth_year"):
            rate = FIELD_RATES.loc[src, f]
            se = np.sqrt(max(rate * (1 - rate), 0.01) / len(part))
            # a record with no identifying field gets its phone back, so phone rates rise a bit
            assert part[f].notna().mean() == pytest.approx(rate, abs=4 * se + 0.005), (src, f)


def test_first_record_is_the_sign_up(shop):
    recs = shop.customer_records.merge(shop.truth["customer_records"], on="record_id")
    first = recs.sort_values("record_id").groupby("customer_id").first()
    join = shop.customers.set_index("customer_id")["join_date"]
    assert (first["created_at"] == join.reindex(first.index).dt.floor("s")).all()
    web = shop.customers.set_index("customer_id")["acquisition_channel"].astype(str) == "website"
    assert (first.loc[web[web].index, "source"].astype(str) == "web").all()


def test_tables_are_reproducible_and_leave_the_core_unchanged():
    a = crm.simulate_retailer(300, seed=2).with_tables("customer_records")
    b = crm.simulate_retailer(300, seed=2).with_tables("prospects", "customer_records")
    pd.testing.assert_frame_equal(a.customer_records, b.customer_records)
    pd.testing.assert_frame_equal(a.customers, crm.simulate_retailer(300, seed=2).customers)


def test_prospects_convert_by_the_stated_logistic_model(shop):
    p, truth = shop.prospects, shop.truth["prospects"]
    assert len(p) == 2 * len(shop.customers)
    # independent computation of the true probability from the raw columns
    bands = ["<5k", "5k-10k", "10k-20k", "20k-50k", ">50k"]
    age = shop.end.year - p["birth_year"]
    logit = (
        PROSPECT_MODEL["intercept"]
        + PROSPECT_MODEL["income_level"] * p["income_band"].astype(str).map(bands.index)
        + PROSPECT_MODEL["web_visits"] * p["web_visits"]
        + PROSPECT_MODEL["app_installed"] * p["app_installed"]
        + PROSPECT_MODEL["coupon_claimed"] * p["coupon_claimed"]
        + PROSPECT_MODEL["referred"] * p["referred"]
        + PROSPECT_MODEL["household_shopper"] * p["household_shopper"]
        + PROSPECT_MODEL["log_distance"] * np.log(1 + p["distance_km"])
        + PROSPECT_MODEL["age_decades"] * (age - 40) / 10
    )
    np.testing.assert_allclose(truth["p_convert"], 1 / (1 + np.exp(-logit)), rtol=1e-12)
    # calibration: converted ~ Bernoulli(p)
    se = np.sqrt((truth["p_convert"] * (1 - truth["p_convert"])).sum()) / len(p)
    assert p["converted"].mean() == pytest.approx(truth["p_convert"].mean(), abs=4 * se)
    # maximum likelihood recovers the coefficients within 4 standard errors
    from sklearn.linear_model import LogisticRegression

    x = prospect_features(p, as_of=shop.end)
    lr = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10).fit(x, p["converted"])
    design = np.column_stack([np.ones(len(x)), x.to_numpy()])
    q = lr.predict_proba(x)[:, 1]
    cov = np.linalg.inv(design.T @ (design * (q * (1 - q))[:, None]))
    est = np.r_[lr.intercept_, lr.coef_[0]]
    true = np.array([PROSPECT_MODEL["intercept"], *(PROSPECT_MODEL[c] for c in x.columns)])
    z = (est - true) / np.sqrt(np.diag(cov))
    assert np.abs(z).max() < 4, dict(zip(["intercept", *x.columns], z.round(2), strict=True))


def test_prospects_look_like_members(shop):
    p, c = shop.prospects, shop.customers
    share_p = p["city"].value_counts(normalize=True)
    share_c = c["city"].value_counts(normalize=True)
    assert (share_p - share_c.reindex(share_p.index)).abs().max() < 0.03


def test_the_funnel_is_consistent_with_the_prospects(shop):
    f, p = shop.funnel, shop.prospects
    assert (f["prospect_id"].to_numpy() == p["prospect_id"].to_numpy()).all()
    assert (f["won_date"].notna().to_numpy() == p["converted"].to_numpy()).all()
    # each stage is reached after the one before
    assert (f["contacted_date"] >= f["lead_date"]).where(f["contacted_date"].notna(), True).all()
    later = f["opportunity_date"] >= f["contacted_date"]
    assert later.where(f["opportunity_date"].notna(), True).all()
    assert not (f["opportunity_date"].notna() & f["contacted_date"].isna()).any()
    assert not (f["won_date"].notna() & f["lost_date"].notna()).any()
    lost = f["opportunity_date"].notna() & f["won_date"].isna()
    assert (f["lost_date"].notna() == lost).all()
    stage = np.select(
        [f["won_date"].notna(), lost, f["contacted_date"].notna()],
        ["won", "lost", "contacted"],
        "lead",
    )
    assert (f["stage"].astype(str).to_numpy() == stage).all()
