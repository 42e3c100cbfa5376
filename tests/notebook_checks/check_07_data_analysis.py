"""What chapter 07 recorded, checked against the generator's truth, published figures of
the Online Retail data and computations written out here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm


def _sets(tx: pd.DataFrame, item: str) -> pd.Series:
    return tx.groupby("receipt_id")[item].agg(lambda s: set(s.dropna()))


def check(results: dict[str, Any], params: dict[str, Any], out: Path) -> None:
    values = results["values"]
    seed, n = params["seed"], params["n_customers"]
    shop = crm.load_retailer(seed=seed, n_customers=n)
    tx = crm.load_transactions(params["data_source"], seed=seed, n_customers=n)

    # cleaning: each step removed exactly the injected dirt (make_dirty's truth)
    _, truth = crm.cleaning.make_dirty(tx, seed=seed)
    steps = pd.read_csv(out / "cleaning_steps.csv").set_index("step")
    for problem, step in crm.cleaning.PROBLEMS.items():
        assert steps.loc[step, "rows_removed"] == (truth["problem"] == problem).sum(), step
    assert (
        steps["rows_before"].iloc[0]
        == len(tx) + truth["problem"].isin(["duplicate", "return"]).sum()
    )

    # Online Retail: the published raw and cleaned sizes; duplicates counted directly
    retail = pd.read_csv(out / "cleaning_online_retail.csv").set_index("step")
    assert retail["rows_before"].iloc[0] == 541_909
    assert retail.loc["duplicates", "rows_before"] == 397_884
    cleaned = crm.load_online_retail()
    assert retail.loc["duplicates", "rows_removed"] == cleaned.duplicated().sum()
    rules_info = values["online_retail_rules"]
    kept = cleaned.loc[~cleaned.duplicated()]
    amounts = np.log(kept["amount"])
    q1, q3 = amounts.quantile([0.25, 0.75])
    kept = kept[(amounts >= q1 - 3 * (q3 - q1)) & (amounts <= q3 + 3 * (q3 - q1))]
    assert rules_info["baskets"] == kept["receipt_id"].nunique()
    top = pd.read_csv(out / "online_retail_top_rules.csv")
    assert (top["lift"] > 1).all() and (top["confidence"] >= 0.5).all()
    assert (top["support"] >= rules_info["min_support"] - 1e-12).all()

    # planted affinities: support, confidence and lift counted here from the receipts
    planted = pd.read_csv(out / "planted_rules.csv")
    sub = tx.assign(sku=tx["sku"].astype(str)).merge(
        shop.products[["sku", "subcategory"]].assign(sku=lambda d: d["sku"].astype(str)), on="sku"
    )
    baskets = _sets(sub, "subcategory")
    for row in planted.itertuples():
        has_a = baskets.map(lambda s, a=row.antecedent_subcategory: a in s)
        has_c = baskets.map(lambda s, c=row.consequent_subcategory: c in s)
        support = (has_a & has_c).mean()
        if row.found:
            assert row.support == pytest.approx(support, rel=1e-9)
            assert row.confidence == pytest.approx((has_a & has_c).sum() / has_a.sum(), rel=1e-9)
            assert row.lift == pytest.approx(row.confidence / has_c.mean(), rel=1e-9)
            assert row.lift > 2  # a planted link is far stronger than chance
        else:  # not found only because it is rarer than the minimum support
            assert support < 0.002 or (has_a & has_c).sum() / has_a.sum() < 0.2
    assert values["planted_found"] >= len(planted) - 1

    # recommendations: rates in [0, 1]; the held-out items counted here; item-based first
    hits = pd.read_csv(out / "hit_rates.csv")
    assert hits["hit_rate"].between(0, 1).all()
    item = hits[hits["recommender"].str.startswith("item")].set_index("k")["hit_rate"]
    popular = hits[hits["recommender"].str.startswith("popularity")].set_index("k")["hit_rate"]
    assert item[1] > popular[1]
    assert (item.diff().dropna() >= 0).all() and (popular.diff().dropna() >= 0).all()
    receipts = tx.groupby("receipt_id").agg(ts=("timestamp", "min"), items=("sku", "nunique"))
    n_test = round(0.2 * len(receipts))
    latest = receipts.sort_values("ts", kind="stable").tail(n_test)
    assert values["held_out_items"] == latest.loc[latest["items"] >= 2, "items"].sum()

    # dashboard: the whole-data KPIs and the filtered ones equal direct sums
    assert values["dashboard_all"]["sales"] == pytest.approx(tx["amount"].sum(), rel=1e-9)
    assert values["dashboard_all"]["receipts"] == tx["receipt_id"].nunique()
    f = values["dashboard_filtered"]
    cut = tx[
        (tx["timestamp"] >= pd.Timestamp(f["start"]))
        & (tx["timestamp"] <= pd.Timestamp(f["end"]))
        & (tx["channel"] == "app")
    ]
    assert f["sales"] == pytest.approx(cut["amount"].sum(), rel=1e-9)
    assert f["customers"] == cut["customer_id"].nunique()

    # privacy: k counted here over every released column except the token
    members = shop.customers
    k = params.get("export_k", 5)
    raw_cols = ["gender", "birth_year", "city", "income_band", "join_date", "acquisition_channel"]
    k_min = values["k_min"]
    assert k_min["raw"] == members.groupby(raw_cols, observed=True).size().min()
    general = pd.DataFrame(
        {
            "gender": members["gender"].astype(str),
            "birth_year": (members["birth_year"] // 10 * 10).astype(str)
            + "-"
            + (members["birth_year"] // 10 * 10 + 9).astype(str),
            "region": members["region"].astype(str),
            "income_band": members["income_band"].astype(str),
            "join_date": members["join_date"].dt.year.astype(str),
        }
    )
    sizes = general.groupby(list(general.columns))["gender"].transform("size")
    assert k_min["generalised"] == sizes.min()
    export = pd.read_csv(out / "member_export.csv", dtype=str, keep_default_na=False)
    released = [c for c in export.columns if c != "customer_id"]
    assert set(released) == set(general.columns)
    # the recorded file itself: its smallest class over all non-token columns is at least k
    assert export.groupby(released).size().min() >= k
    assert k_min["final"] == export.groupby(released).size().min()
    assert len(export) == (sizes >= k).sum()
    assert export["join_date"].str.fullmatch(r"\d{4}").all()  # years, never days
    assert export["customer_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert export["customer_id"].nunique() == len(export)
    assert not set(export["customer_id"]) & set(members["customer_id"].astype(str))
    for col in ("name", "phone", "email", "card_number", "city", "acquisition_channel"):
        assert col not in export.columns
    text = export.to_csv()
    for secret in (
        members["phone"].astype(str).head(50).tolist() + members["name"].head(50).tolist()
    ):
        assert secret not in text
    # l-diversity of the income band within the classes of the other columns, recounted
    distinct = export.groupby(["gender", "birth_year", "region", "join_date"])["income_band"]
    ld = values["l_diversity"]
    assert ld["l_min"] == distinct.nunique().min()
    assert ld["classes_l1"] == (distinct.nunique() == 1).sum()
    assert values["export_audit"]["rows"] == len(export)

    # compliance audit: it finds exactly the violations planted in the simulated access log
    from crm_helpers.extensions.service import simulate_access_log

    staff, log = simulate_access_log(seed=seed)
    audit = pd.read_csv(out / "privacy_audit.csv").set_index("role")
    assert audit.loc["all", "events"] == len(log)
    assert audit.loc["all", "outside_role"] == (log["planted"] == "outside_role").sum()
    assert audit.loc["all", "bulk_export"] == (log["planted"] == "bulk_export").sum()
    lapsed = staff["trained_on"] + pd.Timedelta(days=365) < log["timestamp"].max()
    assert values["privacy_training"]["trained"] == len(staff) - lapsed.sum()

    # benchmarking: the gap is ours minus the peer median; our basket straight from receipts
    bench = pd.read_csv(out / "benchmark.csv").set_index("kpi")
    assert np.allclose(bench["gap_to_median"], bench["ours"] - bench["peer_median"])
    rec = tx.groupby("receipt_id").agg(ts=("timestamp", "min"), amount=("amount", "sum"))
    last = rec[rec["ts"] > rec["ts"].max() - pd.DateOffset(months=12)]
    assert bench.loc["average_basket", "ours"] == pytest.approx(last["amount"].sum() / len(last))

    # intelligent service: on wordings it never saw, the bot beats the majority baseline;
    # its hand-off rate is the share routed to a person
    bot = values["service"]
    per_intent = pd.read_csv(out / "service_per_intent.csv")
    assert per_intent["support"].sum() == 400
    assert bot["accuracy"] > bot["majority_accuracy"] + 0.2
    assert 0 < bot["handoff_rate"] < 1
    curve = pd.read_csv(out / "service_thresholds.csv")
    assert curve["handoff_rate"].is_monotonic_increasing

    # prescriptive: profit from the recorded spend, written out; beats the equal split
    plan = pd.read_csv(out / "allocation.csv")
    a = pd.read_csv(out / "assumptions.csv").set_index("segment").loc[plan["segment"]]
    profit = (
        a["customers"].to_numpy()
        * a["r_max"].to_numpy()
        * (1 - np.exp(-plan["spend"].to_numpy() / a["scale"].to_numpy()))
        * a["margin"].to_numpy()
        - plan["spend"].to_numpy()
    )
    money = values["allocation_profit"]
    assert money["optimised"] == pytest.approx(profit.sum(), rel=1e-9)
    assert money["optimised"] >= money["equal_split"]
    assert plan["spend"].sum() <= money["budget"] * (1 + 1e-9)
    # optimality (KKT), written out: every funded segment has the same marginal return, and
    # no unfunded segment would return more from its first yuan
    marginal = (
        a["customers"].to_numpy()
        * a["r_max"].to_numpy()
        * a["margin"].to_numpy()
        / a["scale"].to_numpy()
    ) * np.exp(-plan["spend"].to_numpy() / a["scale"].to_numpy())
    funded = plan["spend"].to_numpy() > 1e-6 * money["budget"]
    assert funded.any()
    assert marginal[funded] == pytest.approx(
        np.full(funded.sum(), marginal[funded].mean()), rel=1e-3
    )
    assert (marginal[~funded] <= marginal[funded].mean() * (1 + 1e-3)).all()
    labels = shop.truth["customers"]["segment"].astype(str).value_counts()
    assert a["customers"].to_dict() == labels.reindex(a.index).to_dict()
