"""The linked dashboard: one set of filters drives every view; the callback called directly
(no browser), the live widgets, and the static summary."""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.dashboard import Dashboard, apply_filters, dashboard_summary, dashboard_table

matplotlib.use("Agg")

# four receipts: r1 (store, Jan, c1: a 10 + b 5), r2 (app, Jan, c2: a 20),
# r3 (store, Feb, c1: c 40), r4 (app, Mar, c3: b 8)
TX = pd.DataFrame(
    {
        "customer_id": [1, 1, 2, 1, 3],
        "receipt_id": [1, 1, 2, 3, 4],
        "sku": ["a", "b", "a", "c", "b"],
        "timestamp": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-01-20", "2024-02-10", "2024-03-02"]),
        "quantity": [1, 1, 2, 4, 1],
        "amount": [10.0, 5.0, 20.0, 40.0, 8.0],
        "channel": ["store", "store", "app", "store", "app"],
    }
)  # fmt: skip
PRODUCTS = pd.DataFrame(
    {
        "sku": ["a", "b", "c"],
        "category": ["food", "food", "home"],
        "name_zh": ["苹果", "面包", "台灯"],
    }
)
CUSTOMERS = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["East", "North", "East"]})
SEGMENTS = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["vip", "bargain", "bargain"]})


@pytest.fixture(autouse=True, scope="module")
def _fonts():
    crm.setup_plotting()


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return dashboard_table(TX, products=PRODUCTS, customers=CUSTOMERS, segments=SEGMENTS)


def test_summary_without_filters(table):
    s = dashboard_summary(table)
    k = s["kpis"].iloc[0]
    assert (k["sales"], k["receipts"], k["customers"], k["lines"]) == (83.0, 4, 3, 5)
    assert k["avg_basket"] == pytest.approx(83 / 4)
    assert s["sales_over_time"]["sales"].tolist() == [35.0, 40.0, 8.0]
    assert s["sales_over_time"]["receipts"].tolist() == [2, 1, 1]
    mix = s["category_mix"].set_index("category")
    assert mix["sales"].to_dict() == {"food": 43.0, "home": 40.0}
    assert mix["share"].sum() == pytest.approx(1)
    top = s["top_products"]
    assert top["sku"].tolist() == ["c", "a", "b"] and top["sales"].tolist() == [40.0, 30.0, 13.0]
    assert top["product"].tolist() == ["台灯", "苹果", "面包"]
    seg = s["segment_counts"].set_index("segment")
    assert seg["customers"].to_dict() == {"bargain": 2, "vip": 1}


def test_filters_drive_every_view_at_once(table):
    s = dashboard_summary(table, {"region": ["East"], "channel": ["store"]})
    # only c1's store receipts r1 and r3
    assert s["kpis"]["sales"].iloc[0] == 55.0 and s["kpis"]["receipts"].iloc[0] == 2
    assert s["sales_over_time"]["sales"].sum() == 55.0
    assert s["category_mix"]["sales"].sum() == 55.0
    assert set(s["top_products"]["sku"]) == {"a", "b", "c"}
    assert s["segment_counts"]["segment"].tolist() == ["vip"]
    jan = dashboard_summary(table, {"period": ("2024-01-01", "2024-01-31")})
    assert jan["kpis"]["sales"].iloc[0] == 35.0  # the end day is included
    bargain = dashboard_summary(table, {"segment": ["bargain"], "category": ["food"]})
    assert bargain["kpis"]["sales"].iloc[0] == 28.0
    assert len(apply_filters(table, {"channel": []})) == len(table)  # empty: no filter


def test_dashboard_callback_and_static_view(table):
    d = Dashboard(table, static=True)
    assert d.summary["kpis"]["sales"].iloc[0] == 83.0
    got = d.update(channel=["app"])
    assert got["kpis"]["sales"].iloc[0] == 28.0
    got = d.update(region=["East"])  # filters accumulate: app and East
    assert got["kpis"]["sales"].iloc[0] == 8.0
    assert "channel: app" in d.title() and "region: East" in d.title()
    assert len(d.figure.axes) == 4
    bundle = d._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert "<table" in bundle["text/html"] and "data:image/png;base64" in bundle["text/html"]


def test_live_widgets_call_the_callback(table):
    d = Dashboard(table, static=False)
    controls = d.controls()
    assert list(controls) == ["period", "region", "channel", "segment", "category"]
    box = d.widget()
    selects = box.children[0].children
    assert [c.description for c in selects] == ["region", "channel", "segment", "category"]
    selects[1].value = ("store",)  # as if the student picked a channel
    assert d.filters["channel"] == ("store",)
    assert d.summary["kpis"]["sales"].iloc[0] == 55.0
    period = box.children[1]
    period.value = (period.options[1][1], period.options[1][1])  # February only
    assert d.summary["kpis"]["sales"].iloc[0] == 40.0
    assert "application/vnd.jupyter.widget-view+json" in d._repr_mimebundle_()


def test_on_the_simulated_retailer():
    shop = crm.simulate_retailer(300, seed=4)
    tx = shop.transactions()
    labels = shop.truth["customers"][["customer_id", "segment"]]
    table = dashboard_table(tx, products=shop.products, customers=shop.customers, segments=labels)
    assert len(table) == len(tx)
    region = shop.customers["region"].iloc[0]
    s = dashboard_summary(table, {"region": [region], "channel": ["app"]})
    members = set(shop.customers.loc[shop.customers["region"] == region, "customer_id"])
    direct = tx[tx["customer_id"].isin(members) & (tx["channel"] == "app")]
    assert s["kpis"]["sales"].iloc[0] == pytest.approx(direct["amount"].sum())
    assert s["kpis"]["receipts"].iloc[0] == direct["receipt_id"].nunique()
    assert s["segment_counts"]["customers"].sum() == direct["customer_id"].nunique()


def test_bad_input(table):
    with pytest.raises(ValueError, match="filter must be one of 'period', 'country', 'region'"):
        dashboard_summary(table, {"store": ["S01"]})
    with pytest.raises(crm.DataValidationError, match="has no column 'region'"):
        dashboard_summary(TX, {"region": ["East"]})
    with pytest.raises(crm.DataValidationError, match="has no column 'amount'"):
        dashboard_table(TX.drop(columns="amount"))
    with pytest.raises(ValueError, match="period must be one of"):
        dashboard_summary(table, period="decade")
    with pytest.raises(ValueError, match="filter must be one of"):
        Dashboard(table, static=True, colour=["red"])


def test_zero_rows_say_so_instead_of_empty_axes(table):
    d = Dashboard(table, static=True)
    d.update(channel=["app"], region=["nowhere"])
    html = d._repr_html_()
    assert "No rows match these filters" in html and "没有符合筛选条件的数据" in html
    assert "data:image/png" not in html  # no empty chart
    d.update(region=[])
    assert d.empty_message() == "" and "data:image/png" in d._repr_html_()


def test_online_retail_shape_country_filter_and_product_names():
    tx = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 3], "receipt_id": ["a", "b", "c", "c"],
            "sku": ["85123A", "22423", "85123A", "22423"],
            "timestamp": pd.to_datetime(["2011-01-05", "2011-02-01", "2011-02-03", "2011-02-03"]),
            "description": ["WHITE HANGING HEART", "REGENCY CAKESTAND", "WHITE HANGING HEART", "REGENCY CAKESTAND"],
            "amount": [10.0, 20.0, 5.0, 7.0], "country": ["France", "Germany", "France", "France"],
        }
    )  # fmt: skip
    d = Dashboard(dashboard_table(tx), static=True)
    assert "country" in d.available_filters()
    s = d.update(country=["France"])
    assert float(s["kpis"]["sales"].iloc[0]) == 10.0 + 5.0 + 7.0
    top = s["top_products"].set_index("sku")
    assert top.loc["85123A", "product"] == "WHITE HANGING HEART"  # names, not SKU codes
    assert "WHITE HANGING HEART" in repr(d.summary["top_products"])


def test_live_dashboard_documents_multi_select(table):
    d = Dashboard(table, static=False)
    box = d.widget()
    hint = [c for c in box.children if type(c).__name__ == "HTML"]
    assert hint and "Ctrl-click" in hint[0].value and "多选" in hint[0].value
    labels = [label for label, _ in d.controls()["period"].options]
    assert all(re.fullmatch(r"\d{4}-\d{2}", label) for label in labels)
