"""What chapter 09 recorded, checked against direct pandas computations and the generator's
truth (the harness runs it on the simulated retailer, seed 3, 800 customers)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm

KOTLER = {
    "many": ("basic", "reactive", "accountable"),
    "medium": ("reactive", "accountable", "proactive"),
    "few": ("accountable", "proactive", "partnership"),
}


def check(results: dict[str, Any], params: dict[str, Any], out: Path) -> None:
    values = results["values"]
    preset = crm.plan.industry_preset(params["industry"])
    assert values["company_name"] == (params["company_name"] or preset["company_name"])
    assert values["strategy"] == params["strategy"]
    shop = crm.load_retailer(seed=params["seed"], n_customers=params["n_customers"])
    tx = shop.transactions()
    cat = tx["sku"].astype(str).map(shop.products.set_index("sku")["category"].astype(str))
    total = tx["amount"].sum()

    # base data: the indicator system and the member list
    assert values["summary"]["total_sales"] == pytest.approx(total, rel=1e-9)
    assert values["summary"]["visits"] == tx["receipt_id"].nunique()
    assert values["n_members"] == len(shop.customers)
    assert values["customer_file_rows"] == len(shop.customers)
    assert sum(values["stage_counts"].values()) == len(shop.customers)
    assert (
        values["stage_counts"]["prospect"]
        == (~shop.customers["customer_id"].isin(tx["customer_id"])).sum()
    )
    # every indicator by week equals a pandas groupby of the receipts (weeks start on Monday)
    receipts = tx.groupby("receipt_id").agg(
        t=("timestamp", "min"), amount=("amount", "sum"), customer_id=("customer_id", "first")
    )
    week = receipts["t"].dt.to_period("W-SUN").dt.start_time.rename("week")
    by_week = receipts.groupby(week).agg(
        total_sales=("amount", "sum"), visits=("amount", "size"), customers=("customer_id", "nunique"),
        avg_basket=("amount", "mean"), max_basket=("amount", "max"), min_basket=("amount", "min"),
    )  # fmt: skip
    weekly = pd.read_csv(out / "indicators_week.csv", parse_dates=["period"]).set_index("period")
    for col in by_week.columns:
        assert weekly[col].to_numpy() == pytest.approx(by_week[col].to_numpy()), col

    # sales deciles: the customers ranked by sales, cut at each tenth of the total
    sd = pd.read_csv(out / "sales_deciles.csv")
    assert (
        sd["sales"].sum() == pytest.approx(total)
        and sd["customers"].sum() == tx["customer_id"].nunique()
    )
    ranked = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False, kind="stable")
    n_first = int((ranked.cumsum().shift(fill_value=0) < 0.1 * total).sum())
    assert sd.loc[sd["sales_decile"] == 1, "customers"].item() == n_first

    # inferred indicators: the arithmetic of the stated assumptions
    a = values["assumptions"]
    inferred = pd.read_csv(out / "inferred_indicators.csv", index_col=0)
    visits_year = a["stores"] * a["daily_traffic"] * a["conversion"] * a["open_days"]
    assert inferred.loc["visits", "year"] == pytest.approx(visits_year)
    assert inferred.loc["total_sales", "week"] == pytest.approx(
        visits_year * 7 / 365 * a["avg_basket"]
    )
    assert inferred.loc["customers", "year"] == pytest.approx(visits_year / a["frequency"])

    # the report: a PDF in the output folder, and the topic catalogue names the students
    assert (out / values["report_files"]["pdf"]).stat().st_size > 50_000
    assert "key" not in values["report_files"]  # the instructor's key only on request
    catalogue = pd.read_csv(out / "topic_catalogue.csv")
    assert sorted(catalogue["student"].dropna()) == sorted(params["students"])

    structure = pd.read_csv(out / "product_structure.csv")
    assert structure["sales"].sum() == pytest.approx(total, rel=1e-9)
    by_cat = tx.groupby(cat)["amount"].sum()
    assert structure.set_index("category")["sales"].to_dict() == pytest.approx(by_cat.to_dict())

    # demand: the best seller is the sku with the largest sales
    best = pd.read_csv(out / "best_sellers.csv")
    by_sku = tx.groupby("sku", observed=True)["amount"].sum()
    assert best.loc[0, "sku"] == by_sku.idxmax()
    assert best.loc[0, "sales"] == pytest.approx(by_sku.max())

    # opinion leaders: top 10 % by sales, at least 4 categories, bought in the last 90 days
    spend = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top = set(spend.index[: math.ceil(0.10 * len(spend))])
    broad = set(cat.groupby(tx["customer_id"]).nunique().loc[lambda s: s >= 4].index)
    as_of = pd.Timestamp(values["as_of"])
    recent = set(tx.loc[tx["timestamp"] > as_of - pd.Timedelta(days=90), "customer_id"])
    assert values["n_leaders"] == len(top & broad & recent)

    # deciles: the top decile's share of sales
    n_top = math.ceil(len(spend) / 10)
    assert values["top_decile_share"] == pytest.approx(spend.iloc[:n_top].sum() / total, rel=1e-9)
    one = pd.read_csv(out / "class_profiles_1.csv")
    assert one["customers"].item() == len(spend)
    five = pd.read_csv(out / "class_profiles_5.csv")
    assert five["sales"].sum() == pytest.approx(total, rel=1e-9)
    assert five["customers"].max() - five["customers"].min() <= 1

    # the cube: every axis's slices sum to the total
    cube = pd.read_csv(out / "cube.csv")
    assert values["cube_total_sales"] == pytest.approx(total, rel=1e-9)
    for axis in ("customer", "product", "behaviour"):
        assert cube.groupby(axis)["sales"].sum().sum() == pytest.approx(total, rel=1e-9)
    assert cube.groupby("product")["sales"].sum().to_dict() == pytest.approx(by_cat.to_dict())

    # Kotler: the recorded inputs, and the level from the matrix
    k = values["kotler"]
    margin = (tx["amount"] - tx["unit_cost"] * tx["quantity"]).sum() / total
    assert k["margin_rate"] == pytest.approx(margin, rel=1e-9)
    assert k["n_customers"] == len(spend)
    few, many = params["customer_thresholds"]
    low, high = params["margin_thresholds"]
    cclass = "few" if k["n_customers"] < few else "many" if k["n_customers"] >= many else "medium"
    col = 0 if margin < low else 2 if margin >= high else 1
    assert k["level"] == KOTLER[cclass][col]

    # the two rounds: expected responses are the truth's probabilities of those contacted
    truth = shop.truth["customers"].set_index("customer_id")
    taste = (
        truth["segment"]
        .astype(str)
        .map(
            shop.truth["segments"].set_index(shop.truth["segments"]["segment"].astype(str))[
                "promo_share"
            ]
        )
    )
    p = truth["alive_at_end"] * (1 - np.exp(-8 * truth["rate_per_week"])) * (0.02 + taste)
    budget = int(params["budget_share"] * len(spend))
    random_expect = p.loc[spend.index].mean() * budget
    for name in ("round 1", "round 2"):
        targets = pd.read_csv(out / f"{name.replace(' ', '_')}_targets.csv")
        summary = values["rounds"][name]
        assert len(targets) == summary["contacts"] == budget
        assert targets["customer_id"].is_unique
        assert summary["expected_responses"] == pytest.approx(p.loc[targets["customer_id"]].sum())
        assert summary["expected_responses"] > random_expect
        cost = budget * params["cost_per_contact"]
        assert summary["expected_profit"] == pytest.approx(
            summary["expected_responses"] * params["margin_per_response"] - cost
        )
