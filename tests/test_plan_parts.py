"""The plan report's additions: indicators and deciles by period, inferred indicators,
industry presets, Part 2's topics and rounds, the six-hearts appendix, and the report
document built part by part (HTML only; the PDF is tested in test_plan_report.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import plan, plan_report


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(500, seed=13)


@pytest.fixture(scope="module")
def tx(shop):
    return shop.transactions()


# --------------------------------------------------------------------------- periods


def test_week_indicators_equal_a_pandas_groupby(tx):
    receipts = tx.groupby("receipt_id").agg(
        t=("timestamp", "min"), amount=("amount", "sum"), customer_id=("customer_id", "first")
    )
    week = receipts["t"].dt.to_period("W-SUN").dt.start_time.rename("week")
    g = receipts.groupby(week)
    table = crm.kpi.indicators_all(tx)["week"].set_index("period")
    assert table["total_sales"].to_numpy() == pytest.approx(g["amount"].sum().to_numpy())
    assert table["visits"].tolist() == g.size().tolist()
    assert table["customers"].tolist() == g["customer_id"].nunique().tolist()
    assert table["max_basket"].to_numpy() == pytest.approx(g["amount"].max().to_numpy())
    assert table["min_basket"].to_numpy() == pytest.approx(g["amount"].min().to_numpy())


def test_sales_deciles_by_hand():
    # sales 40, 30, 20, 10 (total 100): before-shares 0, .4, .7, .9 → deciles 1, 5, 8, 10
    tx = pd.DataFrame({"customer_id": [1, 2, 3, 4, 4], "receipt_id": [1, 2, 3, 4, 5],
                       "timestamp": pd.to_datetime(["2024-01-01"] * 5),
                       "amount": [40.0, 30, 20, 5, 5]})  # fmt: skip
    t = plan.sales_deciles(tx).set_index("sales_decile")
    assert t.loc[[1, 5, 8, 10], "customers"].tolist() == [1, 1, 1, 1]
    assert t["customers"].sum() == 4 and t["sales"].sum() == pytest.approx(100)
    assert t.loc[10, "sales"] == pytest.approx(10.0)


@pytest.mark.parametrize("period", ["year", "quarter", "month", "week"])
def test_deciles_by_period_against_pandas(tx, period):
    sales = plan.decile_shares(tx, period, "sales")
    customers = plan.decile_shares(tx, period, "customer")
    assert sales.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert customers.sum(axis=1).to_numpy() == pytest.approx(1.0)
    # the first period's top customer decile, computed with pandas
    freq = {"year": "Y", "quarter": "Q", "month": "M", "week": "W-SUN"}[period]
    first = tx["timestamp"].dt.to_period(freq).dt.start_time == customers.index[0]
    spend = tx[first].groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    n_top = int(np.ceil(len(spend) / 10))
    assert customers.iloc[0][1] == pytest.approx(spend.iloc[:n_top].sum() / spend.sum())
    # value is concentrated: the first tenth of sales needs fewer than a tenth of customers
    assert sales[1].mean() < 0.1


def test_inferred_indicators_are_the_arithmetic_of_the_assumptions():
    a = {"stores": 4, "daily_traffic": 900, "conversion": 0.4, "avg_basket": 60.0,
         "frequency": 52, "open_days": 350, "max_basket_factor": 10, "min_basket_factor": 0.1}  # fmt: skip
    t = plan.infer_indicators(a)
    for period, days in {"year": 365, "quarter": 365 / 4, "month": 365 / 12, "week": 7}.items():
        visits = 4 * 900 * 0.4 * 350 * days / 365
        freq = max(1.0, 52 * days / 365)
        assert t.loc["visits", period] == pytest.approx(visits)
        assert t.loc["total_sales", period] == pytest.approx(visits * 60)
        assert t.loc["customers", period] == pytest.approx(visits / freq)
        assert t.loc["purchase_frequency", period] == pytest.approx(freq)
        assert t.loc["max_basket", period] == 600 and t.loc["min_basket", period] == 6
    assert t.attrs["assumptions"]["stores"] == 4
    with pytest.raises(ValueError, match="'conversion' is a share"):
        plan.infer_indicators({"conversion": 1.5})
    with pytest.raises(ValueError, match="Unknown assumption.*'shops'"):
        plan.infer_indicators({"shops": 3})
    with pytest.raises(ValueError, match="'stores' must be a positive number"):
        plan.infer_indicators({"stores": 0})


def test_latent_demand_on_data_never_lists_a_shrinking_product(tx):
    base = float(tx.groupby("sku", observed=True)["amount"].sum().median())
    out = plan.latent_demand(tx, 20, min_base=base)
    assert len(out) and (out["growth"] > 0).all() and (out["earlier"] >= base).all()
    by_class = plan.latent_demand(tx, 5, min_base=base / 5, classes=plan.value_groups(tx, 5))
    assert (by_class["growth"] > 0).all()


# --------------------------------------------------------------------------- industry, topics


def test_industry_presets_and_errors(shop):
    hotel = plan.relabel_products(shop.products, "hotel")
    assert set(hotel["category_zh"]) <= {
        v[0] for v in plan.INDUSTRIES["hotel"]["categories"].values()
    }
    assert hotel["sku"].tolist() == shop.products["sku"].tolist()
    assert plan.relabel_products(shop.products, "supermarket").equals(shop.products)
    with pytest.raises(ValueError, match="industry.*supermarket.*hotel"):
        plan.industry_preset("bank")
    for industry in plan.INDUSTRIES:
        cat = plan.topic_catalogue(industry)
        assert cat["direction"].isin(plan.STRATEGY_DIRECTIONS["direction"]).all()


def test_the_hotel_preset_gives_the_brief_level_on_the_simulated_margin(tx):
    # the brief: 速8酒店's relationship is 可靠型 (accountable)
    margin = float((tx["amount"] - tx["unit_cost"] * tx["quantity"]).sum() / tx["amount"].sum())
    p = plan.industry_preset("hotel")
    for n in (800, 5_000):
        level = plan.kotler_level(n, margin, customer_thresholds=p["customer_thresholds"],
                                  margin_thresholds=p["margin_thresholds"])  # fmt: skip
        assert level["name_zh"] == "可靠型"


def test_discover_from_cube_by_hand():
    # class 1: 2 customers, 18 of sales (9 each); class 2: 4 customers, 6 (1.5 each) → focus [1]
    cube = pd.DataFrame({"customer": [1, 1, 2, 2], "product": ["x", "y", "x", "y"],
                         "behaviour": ["app", "store", "app", "app"],
                         "sales": [16.0, 2.0, 2.0, 4.0], "customers": [2, 1, 4, 3]})  # fmt: skip
    findings, focus = plan.discover_from_cube(cube)
    got = findings.set_index("axis")
    assert focus == [1]
    assert got.loc["product", "value"] == "x" and got.loc["behaviour", "value"] == "app"
    # class 1 has 18/24 = 75 % of sales but only 2/6 of y's: y is the gap
    assert got.loc["gap", "value"] == "y" and got.loc["customer", "share"] == pytest.approx(0.75)


def test_topic_steps_reports_and_rounds(shop, tx):
    topic = plan.industry_preset("hotel")["topics"]["after_stay_call"]
    steps = plan.process_steps(topic)
    assert steps["step"].tolist() == list(range(1, len(topic["steps"]) + 1))
    assert plan.report_designs(topic)["period"].isin(["每日", "每周", "每月"]).all()
    with pytest.raises(ValueError, match="no 'steps'"):
        plan.process_steps({"steps": []})
    features = plan.campaign_features(tx)
    p = plan.response_probability(shop.truth["customers"], shop.truth["segments"])
    pool, _ = plan.topic_pool("retention", tx, features)
    a = plan.topic_rounds(features, p, pool, budget_share=0.3, seed=4)
    b = plan.topic_rounds(features, p, pool, budget_share=0.3, seed=4)
    assert a.evaluation.equals(b.evaluation)  # deterministic for a seed
    assert a.budget == int(0.3 * len(pool)) == a.round2.summary["contacts"]
    assert set(a.round1.targets["customer_id"]) <= set(pool)
    change = a.evaluation.loc["expected_responses", "change"]
    assert change == pytest.approx(
        a.round2.summary["expected_responses"] - a.round1.summary["expected_responses"]
    )


def test_six_hearts_criteria_chain_and_form():
    crit = plan.six_hearts_criteria()
    assert crit["name_zh"].tolist() == ["信心", "热心", "用心", "耐心", "诚心", "细心"]
    assert crit.loc[crit["weight"].idxmax(), "name_zh"] == "诚心"  # the brief: 诚心 most important
    assert (crit["weight"] < crit.loc[crit["name_zh"] == "诚心", "weight"].item()).sum() == 5
    chain = plan.six_hearts_chain()
    assert chain["rated_by"].tolist()[:2] == ["店长", "店务执行经理"]
    assert "市场营销部总监" in chain["rated_by"].iloc[-1]
    scores = dict(zip(crit["name_zh"], [5, 4, 4, 3, 5, 2], strict=True))
    form = plan.six_hearts_form(scores)
    expected = sum(w * scores[n] for n, w in zip(crit["name_zh"], crit["weight"], strict=True))
    assert form.iloc[-1]["score"] == pytest.approx(expected)
    assert np.isnan(plan.six_hearts_form().iloc[-1]["score"])
    with pytest.raises(ValueError, match="values 1-5"):
        plan.six_hearts_form({"诚心": 9})


# --------------------------------------------------------------------------- the document


@pytest.fixture(scope="module")
def ctx(shop, tx):
    return plan_report.prepare(tx, industry="hotel", members=shop.customers, products=shop.products,
                               truth=shop.truth, as_of=shop.end, students=["王芳"],
                               topics=["repeat_stay"], seed=2)  # fmt: skip


def _text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", html))


def test_parts_are_built_separately_and_the_key_is_separate(ctx):
    only_topic = plan_report.build_report(ctx, ["individual"]).html()
    assert "第二部分" in only_topic and "第一部分" not in only_topic and "六心" not in only_topic
    assert "CRM运行两轮示意图" in only_topic and "(王芳)" in only_topic
    appendix = _text(plan_report.build_report(ctx, ["appendix"]).html())
    assert "逐级考核" in appendix and "第二部分" not in appendix
    assert plan_report.cjk_share(appendix) >= 0.7
    assert "教师参考" in plan_report.instructor_key(ctx).html()
    assert "教师参考" not in only_topic
    with pytest.raises(ValueError, match="report_parts.*group"):
        plan_report.build_report(ctx, ["solutions"])


def test_students_and_topics_must_pair(tx):
    with pytest.raises(ValueError, match="one to one"):
        plan_report.prepare(tx, students=["a", "b"], topics=["retention"])
    with pytest.raises(ValueError, match="Unknown topic.*after_stay_call"):
        plan_report.prepare(tx, industry="hotel", topics=["retention"])


def test_document_tables_translate_and_format():
    doc = plan_report.PlanDocument("t", language="zh")
    doc.table(pd.DataFrame({"region": ["East"], "sales_share": [0.5], "sales": [12345.6]}))
    html = doc.html()
    assert "华东" in html and "50.0%" in html and "12,346" in html and "区域" in html
    en = plan_report.PlanDocument("t", language="en")
    en.table(pd.DataFrame({"region": ["East"]}))
    assert "East" in en.html() and "region" in en.html()
    with pytest.raises(ValueError, match="language"):
        plan_report.PlanDocument("t", language="fr")


# --------------------------------------------------------------------------- figures


def _figure(legend_outside: bool = False):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 2, figsize=(6, 3))
    for ax in axs:
        ax.plot([1, 3, 2], label="sales")
        ax.set(title="sales", ylabel="a long axis label")
    if legend_outside:
        axs[1].legend(loc="upper left", bbox_to_anchor=(1.05, 1))
    return fig


def _rgb(png_bytes: bytes) -> np.ndarray:
    """A PNG as RGB pixels, laid on white (as the report prints it)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes)).convert("RGBA")
    white = Image.new("RGB", image.size, "white")
    white.paste(image, mask=image.getchannel("A"))
    return np.asarray(white)


def _savefig(fig, **kwargs) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, **kwargs)
    return buf.getvalue()


def _counting_draws(fig) -> list:
    draws: list = []
    fig.canvas.mpl_connect("draw_event", draws.append)
    return draws


def test_a_laid_out_figure_is_drawn_once_with_the_pixels_savefig_draws():
    """``tight_layout`` leaves a placeholder layout engine that costs ``savefig`` a dry
    draw; :func:`plots.png` draws once, and the pixels are savefig's, exactly."""
    from crm_helpers import plots

    reference = _figure()
    reference.tight_layout()
    expected = _rgb(_savefig(reference))
    fig = _figure()
    fig.tight_layout()
    draws = _counting_draws(fig)
    doc = plan_report.PlanDocument("t", language="en")
    doc.figure(fig, laid_out=True)
    assert len(draws) == 1
    embedded = re.search(r'base64,([^"]+)"', doc.blocks[-1]).group(1)
    import base64

    assert np.array_equal(_rgb(base64.b64decode(embedded)), expected)
    assert plots.png(_figure(), tight=False)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("style", ["matplotlib", "course"])
@pytest.mark.parametrize("legend_outside", [False, True], ids=["inside", "legend-outside"])
def test_a_cropped_figure_is_the_size_savefig_tight_makes(legend_outside, style):
    """Cropped to its artists as ``savefig(bbox_inches="tight")`` crops it (the same size
    in pixels), drawn once; a legend past the canvas is kept (savefig then widens the
    canvas). With matplotlib's defaults and with the course's fonts and theme."""
    import matplotlib

    import crm_helpers as crm
    from crm_helpers import plots

    with matplotlib.rc_context():
        if style == "course":
            crm.setup_plotting()
        expected = _rgb(_savefig(_figure(legend_outside), bbox_inches="tight"))
        fig = _figure(legend_outside)
        draws = _counting_draws(fig)
        got = _rgb(plots.png(fig))
        full = _rgb(_savefig(_figure()))
    assert got.shape == expected.shape
    if not legend_outside:
        assert len(draws) == 1
        assert got.shape[1] < full.shape[1]  # the margins are cut
    assert np.abs(got.astype(int) - expected).mean() < 4  # a subpixel shift (3 px: 7-11)
