"""What chapter 02 recorded, checked against independent pandas / scikit-learn
computations and the generator's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import crm_helpers as crm


def _pairs(labels: pd.Series) -> set[tuple[int, int]]:
    """Every pair of record ids with the same label (a self-join, no helper code)."""
    d = pd.DataFrame({"record_id": labels.index.to_numpy(), "g": labels.to_numpy()})
    j = d.merge(d, on="g")
    j = j[j["record_id_x"] < j["record_id_y"]]
    return set(zip(j["record_id_x"], j["record_id_y"], strict=True))


def check(results: dict[str, Any], params: dict[str, Any], out: Path) -> None:
    values = results["values"]
    shop = crm.load_retailer(seed=params["seed"], n_customers=params["n_customers"]).with_tables(
        "customer_records", "prospects", "funnel"
    )
    truth = shop.truth["customer_records"]

    # the records: one truth row each, every member present
    rec = values["records"]
    assert rec["n_records"] == len(shop.customer_records) == len(truth)
    assert rec["n_members"] == params["n_customers"]
    assert sum(rec["by_source"].values()) == rec["n_records"]

    # matching quality, recomputed by listing the pairs
    mapping = pd.read_csv(out / "record_mapping.csv").set_index("record_id")["resolved_id"]
    assert set(mapping.index) == set(truth["record_id"])
    who = truth.set_index("record_id")["customer_id"].reindex(mapping.index)
    pred, true = _pairs(mapping), _pairs(who)
    precision, recall = len(pred & true) / len(pred), len(pred & true) / len(true)
    q = values["match_quality"]
    assert q["precision"] == pytest.approx(precision, rel=1e-12)
    assert q["recall"] == pytest.approx(recall, rel=1e-12)
    assert q["n_resolved"] == mapping.nunique() and q["n_true"] == params["n_customers"]
    # the floor the chapter promises (see tests/test_identify.py for why)
    assert q["f1"] >= 0.95 and q["precision"] >= 0.98
    # the naive exact-phone match is much worse in recall
    assert values["naive_quality"]["recall"] < q["recall"] - 0.3
    curve = pd.read_csv(out / "threshold_curve.csv")
    at = curve.loc[np.isclose(curve["threshold"], values["match_threshold"])].iloc[0]
    assert at["f1"] == pytest.approx(q["f1"], rel=1e-12)
    assert curve["recall"].is_monotonic_decreasing

    # tags: a few recomputed directly from the member table and the transactions
    cov = pd.read_csv(out / "tag_coverage.csv").set_index("tag")
    cust = shop.customers
    tx = shop.transactions()
    as_of = tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    members = cust[cust["join_date"] < as_of]
    n = len(members)
    assert cov.loc["female", "n_customers"] == int((members["gender"] == "F").sum())
    assert cov.loc["young", "n_customers"] == int((as_of.year - members["birth_year"] < 30).sum())
    buyers = set(tx.loc[tx["timestamp"] < as_of, "customer_id"])
    assert cov.loc["never_bought", "n_customers"] == int(
        (~members["customer_id"].isin(buyers)).sum()
    )
    last = tx.groupby("customer_id")["timestamp"].max()
    dormant = ((as_of - last).dt.days > 180).sum()
    assert cov.loc["dormant", "n_customers"] == int(dormant)
    assert cov["coverage"].to_numpy() == pytest.approx(cov["n_customers"].to_numpy() / n)
    dims = pd.read_csv(out / "dimension_coverage.csv").set_index("dimension")
    assert dims.loc["any", "coverage"] <= 1 and dims.loc["demographic", "coverage"] > 0.5

    # lead model: AUC and lift recomputed from the hold-out, close to the true model
    hold = pd.read_csv(out / "lead_holdout.csv")
    lm = values["lead_model"]
    assert lm["roc_auc"] == pytest.approx(roc_auc_score(hold["y"], hold["score"]), rel=1e-9)
    p_true = shop.truth["prospects"].set_index("prospect_id")["p_convert"]
    oracle = roc_auc_score(hold["y"], p_true.loc[hold["prospect_id"]])
    assert lm["oracle_auc"] == pytest.approx(oracle, rel=1e-9)
    assert oracle - 0.08 < lm["roc_auc"] < oracle + 0.04
    assert len(hold) == round(0.3 * len(shop.prospects))
    assert hold["prospect_id"].isin(shop.prospects["prospect_id"]).all()
    top = hold.sort_values("score", ascending=False, kind="stable").head(-(-len(hold) // 10))
    assert lm["top_decile_lift"] == pytest.approx(top["y"].mean() / hold["y"].mean(), rel=1e-9)

    # AWARE, written out directly
    p = shop.prospects
    bands = ["<5k", "5k-10k", "10k-20k", "20k-50k", ">50k"]
    age = p["created_at"].max().year - p["birth_year"]
    ok = (
        (p["income_band"].astype(str).map(bands.index) >= 1)
        & ((p["web_visits"] >= 1) | p["coupon_claimed"])
        & p["household_shopper"]
        & (p["distance_km"] <= 15)
        & p["consent"]
        & (age >= 18)
    )
    aw = values["aware"]
    assert aw["n_qualified"] == int(ok.sum())
    assert aw["conversion_qualified"] == pytest.approx(p.loc[ok, "converted"].mean())
    assert aw["conversion_qualified"] > aw["conversion_not_qualified"]

    # funnel counts per source
    f = shop.funnel
    fb = pd.read_csv(out / "funnel_by_source.csv").set_index("source")
    for src, part in f.groupby(f["source"].astype(str)):
        assert fb.loc[src, "leads"] == len(part)
        assert fb.loc[src, "won"] == int(part["won_date"].notna().sum())
        opp = int(part["opportunity_date"].notna().sum())
        assert fb.loc[src, "win_rate"] == pytest.approx(fb.loc[src, "won"] / opp)
    assert values["funnel_overall"]["won"] == int(shop.prospects["converted"].sum())
    _check_behaviour(values, shop, out)


def _check_behaviour(values: dict[str, Any], shop: Any, out: Path) -> None:
    """Web/app events: purchases join the receipts, the journey map and the search
    conversion equal direct counts on the generator's per-session truth, and browsed-not-
    bought finds the planted latent categories."""
    web = shop.with_tables("web_events")
    truth = web.truth["web_events"]
    online = shop.receipts[shop.receipts["channel"].astype(str) != "store"]
    assert values["web_events"]["n_purchases"] == len(online)
    assert values["web_events"]["n_sessions"] == len(truth)
    journey = pd.read_csv(out / "journey_map.csv")
    rank = truth["last_stage"].map({"visit": 0, "view": 1, "cart": 2, "purchase": 3})
    for row in journey.itertuples():
        part = rank[truth["touchpoint"] == row.touchpoint]
        i = ["visit", "view", "cart", "purchase"].index(row.stage)
        assert row.sessions == (part >= i).sum()
        assert row.share_reached == pytest.approx((part >= i).mean())
    search = pd.read_csv(out / "search_conversion.csv").set_index("touchpoint")
    searched = truth[truth["searched"]]
    direct = (searched["last_stage"] == "purchase").groupby(searched["touchpoint"]).mean()
    assert search["conversion"].to_dict() == pytest.approx(direct.to_dict())
    # the planted latent category is found far more often than chance (1 in 8)
    assert values["latent_demand"]["recovered_share"] > 0.5
    assert values["latent_demand"]["customers"] > 0
