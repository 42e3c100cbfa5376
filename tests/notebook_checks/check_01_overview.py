"""What chapter 01 recorded, checked against the helpers and against published figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import crm_helpers as crm


def check(results: dict[str, Any], params: dict[str, Any], out: Path) -> None:
    values = results["values"]
    tx = crm.load_transactions(
        params["data_source"], seed=params["seed"], n_customers=params["n_customers"]
    )
    # the indicator system as recorded equals a direct pandas computation
    receipts = tx.groupby("receipt_id")["amount"].sum()
    summary = values["summary"]
    assert summary["total_sales"] == pytest.approx(tx["amount"].sum(), rel=1e-9)
    assert summary["visits"] == tx["receipt_id"].nunique()
    assert summary["customers"] == tx["customer_id"].nunique()
    assert summary["max_basket"] == pytest.approx(receipts.max())
    assert summary["min_basket"] == pytest.approx(receipts.min())

    monthly = pd.read_csv(out / "indicators_month.csv", parse_dates=["period"])
    assert monthly["total_sales"].sum() == pytest.approx(summary["total_sales"], rel=1e-9)
    assert len(monthly) == tx["timestamp"].dt.to_period("M").nunique()
    for period in ("year", "quarter", "week"):
        table = pd.read_csv(out / f"indicators_{period}.csv")
        assert table["visits"].sum() == summary["visits"]

    # the real Online Retail figures (published with the data set)
    retail = values["online_retail"]
    assert retail["raw_lines"] == 541_909
    assert retail["raw_invoices"] == 25_900
    assert retail["raw_customers"] == 4_372
    assert retail["clean_lines"] == 397_884
    assert retail["clean_customers"] == 4_338
    assert retail["clean_revenue"] == pytest.approx(8_911_407.90, abs=0.005)

    # every member is in exactly one lifecycle stage on the snapshot date
    stages = values["stage_counts"]
    shop = crm.load_retailer(seed=params["seed"], n_customers=params["n_customers"])
    joined = (shop.customers["join_date"] <= pd.Timestamp(values["as_of"])).sum()
    assert sum(stages.values()) == joined
    # the recency rule is informative: "lost" customers are far less often truly alive
    alive = values["truly_alive_share_by_stage"]
    assert alive["lost"] < alive["active"] - 0.2

    # the deck's four stages (潜在/新/老/流失客户) fold the six stages without losing anyone
    seed_counts = values["seed_stage_counts"]
    assert list(seed_counts) == ["潜在客户", "新客户", "老客户", "流失客户"]
    assert sum(seed_counts.values()) == joined
    assert seed_counts["老客户"] == stages["active"] + stages["won_back"] + stages["lapsed"]
    assert seed_counts["流失客户"] == stages["lost"] and seed_counts["新客户"] == stages["new"]
    assert seed_counts["潜在客户"] == stages["prospect"]
