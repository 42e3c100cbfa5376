"""Web/app events (extensions/events.py) and their analysis (journey.py), against the
generator's truth and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers import journey as jr
from crm_helpers.extensions.events import EVENT_RULES
from crm_helpers.schema import DataValidationError


@pytest.fixture(scope="module")
def shop():
    return crm.simulate_retailer(600, seed=4).with_tables("web_events")


def _ev(rows):
    cols = ["session_id", "customer_id", "timestamp", "touchpoint", "event", "category",
            "search_found"]  # fmt: skip
    df = pd.DataFrame(rows, columns=cols)
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


# session 1 (app): visit, search found, view baby, cart, purchase
# session 2 (app): visit, search NOT found -> bounce
# session 3 (web): visit, view home, cart -> abandoned
# session 4 (web): visit only
HAND = _ev(
    [
        (1, 7, "2024-01-01 10:00", "app", "visit", None, None),
        (1, 7, "2024-01-01 10:01", "app", "search", "baby", True),
        (1, 7, "2024-01-01 10:02", "app", "view", "baby", None),
        (1, 7, "2024-01-01 10:03", "app", "cart", "baby", None),
        (1, 7, "2024-01-01 10:04", "app", "purchase", "baby", None),
        (2, 8, "2024-01-02 09:00", "app", "visit", None, None),
        (2, 8, "2024-01-02 09:01", "app", "search", "home", False),
        (3, 8, "2024-01-03 09:00", "web", "visit", None, None),
        (3, 8, "2024-01-03 09:01", "web", "view", "home", None),
        (3, 8, "2024-01-03 09:02", "web", "cart", "home", None),
        (4, 9, "2024-01-04 09:00", "web", "visit", None, None),
    ]
)


def test_sessions_by_hand():
    s = jr.sessions(HAND).set_index("session_id")
    assert s["last_stage"].astype(str).tolist() == ["purchase", "visit", "cart", "visit"]
    assert s["searched"].tolist() == [True, True, False, False]
    assert s["search_found"].tolist() == [True, False, True, True]
    assert s["bought"].tolist() == [True, False, False, False]


def test_search_conversion_and_pain_points_by_hand():
    conv = jr.search_conversion(HAND).set_index("touchpoint")
    # app: 2 sessions, both searched, 1 bought, 1 search found nothing; web: no searches
    assert conv.loc["app", ["sessions", "searching_sessions", "bought"]].tolist() == [2, 2, 1]
    assert conv.loc["app", "conversion"] == 0.5 and conv.loc["app", "no_result_share"] == 0.5
    assert conv.loc["web", "searching_sessions"] == 0 and np.isnan(conv.loc["web", "conversion"])
    pains = jr.pain_points(HAND).set_index("touchpoint")
    assert pains.loc["app", "bounce_rate"] == 0.5 and pains.loc["app", "cart_abandonment"] == 0
    assert pains.loc["web", "cart_abandonment"] == 1.0 and pains.loc["web", "bounce_rate"] == 0.5


def test_journey_map_by_hand():
    jm = jr.journey_map(HAND).set_index(["touchpoint", "stage"])
    # web: 2 sessions reach visit, 1 view, 1 cart, 0 purchase
    assert jm.loc["web", "sessions"].tolist() == [2, 1, 1, 0]
    assert jm.loc["web", "share_reached"].tolist() == [1.0, 0.5, 0.5, 0.0]
    assert jm.loc[("web", "view"), "drop_off"] == 0.5
    assert jm.loc[("web", "cart"), "drop_off"] == 0.0
    assert jm.loc[("app", "purchase"), "sessions"] == 1
    assert jm.loc[("web", "visit"), "stage_zh"] == "访问"


def test_browsed_not_bought_window_by_hand():
    ev = _ev(
        [(s, 1, f"2024-03-0{s} 10:00", "app", e, c, None)
         for s in (1, 2) for e, c in (("visit", None), ("view", "home"))]
    )  # fmt: skip
    products = pd.DataFrame({"sku": ["H1", "B1"], "category": ["home", "baby"]})
    no_buy = pd.DataFrame(
        {"customer_id": [1], "timestamp": pd.to_datetime(["2024-03-20"]), "sku": ["B1"]}
    )
    got = jr.browsed_not_bought(ev, no_buy, products)
    assert got[["customer_id", "category", "views"]].values.tolist() == [[1, "home", 2]]
    bought_in_window = no_buy.assign(sku="H1")  # home bought 18 days after the last view
    assert jr.browsed_not_bought(ev, bought_in_window, products).empty
    late = bought_in_window.assign(timestamp=pd.Timestamp("2024-05-01"))  # after 30 days
    assert len(jr.browsed_not_bought(ev, late, products)) == 1
    assert jr.browsed_not_bought(ev, no_buy, products, min_views=3).empty


def test_every_online_receipt_is_one_purchase_event(shop):
    ev = shop.web_events
    bought = ev.loc[ev["event"] == "purchase"]
    online = shop.receipts[shop.receipts["channel"].astype(str) != "store"]
    assert sorted(bought["receipt_id"]) == sorted(online["receipt_id"])
    joined = bought.merge(online, on="receipt_id", suffixes=("", "_r"))
    assert (joined["customer_id"] == joined["customer_id_r"]).all()
    assert (joined["timestamp"] == joined["timestamp_r"]).all()
    app = joined["channel"].astype(str) == "app"
    assert (joined.loc[app, "touchpoint"] == "app").all()
    assert (joined.loc[~app, "touchpoint"] != "app").all()


def test_events_follow_the_session_order_and_are_reproducible(shop):
    ev = shop.web_events
    step = {"visit": 0, "search": 1, "view": 2, "cart": 3, "purchase": 4}
    ranks = ev.sort_values(["session_id", "timestamp", "event_id"])["event"].map(step)
    assert (ranks.groupby(ev["session_id"]).diff().dropna() > 0).all()
    again = crm.simulate_retailer(600, seed=4).with_tables("web_events").web_events
    pd.testing.assert_frame_equal(ev, again)
    # the extra table leaves the core tables untouched
    plain = crm.simulate_retailer(600, seed=4)
    pd.testing.assert_frame_equal(plain.receipts, shop.receipts)


def test_sessions_recover_the_truth(shop):
    s = jr.sessions(shop.web_events).set_index("session_id")
    truth = shop.truth["web_events"].set_index("session_id")
    assert (s["last_stage"].astype(str) == truth["last_stage"]).all()
    assert (s["searched"] == truth["searched"]).all()
    assert (s["search_found"] == truth["search_found"]).all()


def test_journey_map_counts_equal_the_truth(shop):
    jm = jr.journey_map(shop.web_events).set_index(["touchpoint", "stage"])["sessions"]
    truth = shop.truth["web_events"]
    rank = truth["last_stage"].map({s: i for i, s in enumerate(jr.STAGES)})
    for tp, part in truth.groupby("touchpoint"):
        for i, stage in enumerate(jr.STAGES):
            assert jm[(tp, stage)] == (rank[part.index] >= i).sum()


def test_no_result_searches_hurt_viewing_as_planted(shop):
    # browsing sessions: P(view | search found nothing) = p_view × penalty < P(view | found)
    truth = shop.truth["web_events"]
    browse = truth[truth["last_stage"] != "purchase"]
    viewed = browse["last_stage"].isin(["view", "cart"])
    searched = browse["searched"]
    hit = viewed[searched & browse["search_found"]].mean()
    miss = viewed[searched & ~browse["search_found"]].mean()
    assert miss < hit * (EVENT_RULES.no_result_penalty + 0.2)


def test_browsed_not_bought_finds_the_planted_latent_category(shop):
    bnb = jr.browsed_not_bought(shop.web_events, shop.transactions(), shop.products)
    top = bnb.drop_duplicates("customer_id")
    latent = shop.truth["web_events"].drop_duplicates("customer_id")
    latent = latent.set_index("customer_id")["latent_category"]
    recovered = (top["category"].to_numpy() == top["customer_id"].map(latent).to_numpy()).mean()
    assert len(top) > 100
    assert recovered > 0.5  # chance: 1 in 8 categories


def test_bad_input_is_named():
    with pytest.raises(DataValidationError, match="session_id"):
        jr.sessions(HAND.drop(columns="session_id"))
    with pytest.raises(DataValidationError, match="checkout"):
        jr.sessions(HAND.assign(event="checkout"))
    with pytest.raises(
        DataValidationError, match=r"products table needs the column\(s\) \['category'\]"
    ):
        jr.browsed_not_bought(HAND, HAND.assign(sku="x"), pd.DataFrame({"sku": []}))
    with pytest.raises(DataValidationError, match=r"transactions table needs .*'sku'"):
        jr.browsed_not_bought(HAND, HAND, pd.DataFrame({"sku": [], "category": []}))


def test_journey_plots_draw_one_line_per_touchpoint(shop):
    from crm_helpers import plots_journey as pj

    ev = shop.web_events
    ax = pj.plot_journey_map(jr.journey_map(ev), jr.pain_points(ev))
    assert len(ax.get_lines()) == ev["touchpoint"].nunique()
    assert "no-result searches" in ax.get_legend().get_texts()[0].get_text()
    ax2 = pj.plot_search_conversion(jr.search_conversion(ev))
    assert len(ax2.patches) == 2 * ev["touchpoint"].nunique()
    with pytest.raises(DataValidationError, match="share_reached"):
        pj.plot_journey_map(jr.journey_map(ev).drop(columns="share_reached"))
