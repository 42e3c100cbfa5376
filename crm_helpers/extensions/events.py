"""Chapter 02's web and app behaviour: browsing and search events (浏览行为、搜索行为) joined to
the purchases (购买行为) of the simulated retailer.

One extra table, ``shop.with_tables("web_events")``: one row per event, ``event_id``,
``session_id``, ``customer_id``, ``timestamp``, ``touchpoint`` (接触点: ``app``, ``web``
官网, ``mini_program`` 微信小程序), ``event`` (``visit``, ``search``, ``view``, ``cart``,
``purchase``), ``category`` (the product category searched, viewed, put in the cart or
bought; missing for a visit), ``search_found`` (for a search: whether it returned products)
and ``receipt_id`` (for a purchase: the receipt in ``shop.receipts``; missing otherwise).

Two kinds of session (会话):

* **buying sessions** — every online and app receipt of the retailer is the end of one
  session: visit → (search, with :attr:`EventRules.p_search_buy`) → view → cart → purchase,
  a few minutes before the receipt's time; app receipts come from the app, online receipts
  from the website or the mini-program (:attr:`EventRules.mini_share`). The category is the
  receipt's largest line's. So purchase events and receipts join one to one.
* **browsing sessions** — members also visit without buying: ``Poisson(browse_per_year ×
  years as a member)`` sessions each, on a touchpoint drawn from
  :attr:`EventRules.touchpoint_weights`. A session searches with ``p_search``; a search
  finds products with ``p_found``; it reaches a product page (view) with
  ``p_view[touchpoint]`` — times ``no_result_penalty`` after a search that found nothing —
  and the cart with ``p_cart[touchpoint]``; it never buys.

**Latent demand (潜在需求).** Every member has a **latent category**: a category they are
interested in but bought least of (drawn among their three least-bought categories). A
browsing session is about the latent category with ``p_latent``, otherwise about a category
drawn from the member's own purchase mix. Browsed-not-bought analysis should find it.

The truth, ``shop.truth["web_events"]``, has one row per session: ``session_id``,
``customer_id``, ``touchpoint``, ``category``, ``searched``, ``search_found``,
``last_stage`` (the furthest of visit/view/cart/purchase), ``receipt_id`` and
``latent_category`` (the member's).

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("web_events")
>>> ev = shop.web_events
>>> bought = ev.loc[ev["event"] == "purchase", "receipt_id"]
>>> online = shop.receipts.loc[shop.receipts["channel"] != "store", "receipt_id"]
>>> sorted(bought) == sorted(online)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..simulate import Retailer, register_table

__all__ = ["EventRules", "EVENT_RULES", "EVENTS", "simulate_events"]

#: The event types, in the order of a session.
EVENTS: tuple[str, ...] = ("visit", "search", "view", "cart", "purchase")
_CATEGORIES = [c[0] for c in cat.CATEGORIES]


@dataclass(frozen=True)
class EventRules:
    """The stated model of the simulated web and app behaviour (see the module docstring)."""

    browse_per_year: float = 5.0
    touchpoint_weights: dict[str, float] = field(
        default_factory=lambda: {"app": 0.45, "web": 0.35, "mini_program": 0.20}
    )
    mini_share: float = 0.3
    p_search: float = 0.55
    p_search_buy: float = 0.7
    p_found: float = 0.8
    p_view: dict[str, float] = field(
        default_factory=lambda: {"app": 0.75, "web": 0.6, "mini_program": 0.5}
    )
    no_result_penalty: float = 0.3
    p_cart: dict[str, float] = field(
        default_factory=lambda: {"app": 0.35, "web": 0.25, "mini_program": 0.3}
    )
    p_latent: float = 0.6


EVENT_RULES = EventRules()


def _latent(tx_cat: pd.DataFrame, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each member's latent category: one of their three least-bought categories."""
    spend = (
        tx_cat.pivot_table(index="customer_id", columns="category", values="amount", aggfunc="sum")
        .reindex(index=ids, columns=_CATEGORIES)
        .fillna(0.0)
        .to_numpy()
    )
    noise = rng.random(spend.shape) * 1e-6  # break ties at random
    least = np.argsort(spend + noise, axis=1)[:, :3]
    pick = least[np.arange(len(ids)), rng.integers(0, 3, len(ids))]
    return np.asarray(_CATEGORIES, dtype=object)[pick]


def _buying_sessions(shop: Retailer, tx_cat: pd.DataFrame, rng, rules: EventRules) -> pd.DataFrame:
    rec = shop.receipts
    rec = rec[rec["channel"].astype(str) != "store"]
    top = tx_cat.sort_values("amount", ascending=False).drop_duplicates("receipt_id")
    category = top.set_index("receipt_id")["category"].reindex(rec["receipt_id"]).to_numpy()
    app = (rec["channel"].astype(str) == "app").to_numpy()
    mini = rng.random(len(rec)) < rules.mini_share
    touch = np.where(app, "app", np.where(mini, "mini_program", "web"))
    return pd.DataFrame(
        {
            "customer_id": rec["customer_id"].to_numpy(),
            "end": rec["timestamp"].to_numpy(),
            "touchpoint": touch,
            "category": category,
            "searched": rng.random(len(rec)) < rules.p_search_buy,
            "search_found": True,
            "last_stage": "purchase",
            "receipt_id": rec["receipt_id"].to_numpy(),
        }
    )


def _browsing_sessions(
    shop: Retailer, tx_cat: pd.DataFrame, latent: pd.Series, rng, rules: EventRules
) -> pd.DataFrame:
    join = pd.to_datetime(shop.customers.set_index("customer_id")["join_date"])
    end = shop.end
    years = ((end - join).dt.days.clip(lower=0) / 365.25).to_numpy()
    who = np.repeat(np.arange(len(join)), rng.poisson(rules.browse_per_year * years))
    ids = join.index.to_numpy()[who]
    span = (end - join).to_numpy()[who].astype("timedelta64[s]").astype("int64")
    when = join.to_numpy()[who] + (rng.random(len(who)) * span).astype("timedelta64[s]")
    tps = list(rules.touchpoint_weights)
    w = np.array(list(rules.touchpoint_weights.values()))
    touch = np.asarray(tps, dtype=object)[rng.choice(len(tps), len(who), p=w / w.sum())]
    mix = tx_cat.groupby(["customer_id", "category"])["amount"].sum()
    share = mix.unstack(fill_value=0.0).reindex(index=ids, columns=_CATEGORIES).fillna(0.0)
    share = share.to_numpy() + 0.05  # members who never bought browse everything a little
    own = share.cumsum(axis=1) / share.sum(axis=1, keepdims=True) > rng.random((len(ids), 1))
    own_cat = np.asarray(_CATEGORIES, dtype=object)[own.argmax(axis=1)]
    is_latent = rng.random(len(ids)) < rules.p_latent
    category = np.where(is_latent, latent.reindex(ids).to_numpy(), own_cat)
    searched = rng.random(len(ids)) < rules.p_search
    found = np.where(searched, rng.random(len(ids)) < rules.p_found, True)
    p_view = pd.Series(touch).map(rules.p_view).to_numpy() * np.where(
        found, 1.0, rules.no_result_penalty
    )
    view = rng.random(len(ids)) < p_view
    cart = view & (rng.random(len(ids)) < pd.Series(touch).map(rules.p_cart).to_numpy())
    stage = np.where(cart, "cart", np.where(view, "view", "visit"))
    return pd.DataFrame(
        {"customer_id": ids, "end": when, "touchpoint": touch, "category": category,
         "searched": searched, "search_found": found, "last_stage": stage, "receipt_id": pd.NA}
    )  # fmt: skip


def _events(sessions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per event of every session; a session's events one to four minutes apart."""
    order = {"visit": 0, "view": 2, "cart": 3, "purchase": 4}
    reach = sessions["last_stage"].map(order).to_numpy()
    parts = []
    for step, name in enumerate(EVENTS):
        has = sessions["searched"].to_numpy() if name == "search" else reach >= step
        part = sessions.loc[has, ["session_id", "customer_id", "touchpoint", "category"]].copy()
        part["event"] = name
        part["step"] = step
        part["search_found"] = sessions.loc[has, "search_found"] if name == "search" else pd.NA
        part["receipt_id"] = sessions.loc[has, "receipt_id"] if name == "purchase" else pd.NA
        part["back"] = reach[has] - step
        parts.append(part)
    ev = pd.concat(parts, ignore_index=True)
    ends = sessions.set_index("session_id")["end"]
    gaps = pd.Series(pd.to_timedelta(rng.integers(60, 240, len(ends)), unit="s"), ends.index)
    gap = ev["session_id"].map(gaps).to_numpy()
    ev["timestamp"] = ev["session_id"].map(ends).to_numpy() - gap * ev["back"].to_numpy()
    ev.loc[ev["event"] == "visit", "category"] = None
    ev = ev.sort_values(["timestamp", "session_id", "step"], kind="stable", ignore_index=True)
    ev.insert(0, "event_id", np.arange(1, len(ev) + 1))
    ev["search_found"] = ev["search_found"].astype("boolean")
    ev["receipt_id"] = ev["receipt_id"].astype("Int64")
    cols = ["event_id", "session_id", "customer_id", "timestamp", "touchpoint", "event",
            "category", "search_found", "receipt_id"]  # fmt: skip
    return ev[cols]


def simulate_events(
    shop: Retailer, rng: np.random.Generator, rules: EventRules = EVENT_RULES
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``web_events`` table and its per-session truth (see the module docstring)."""
    tx = shop.transactions()[["customer_id", "receipt_id", "sku", "amount"]]
    products = shop.products.set_index("sku")["category"].astype(str)
    tx_cat = tx.assign(category=tx["sku"].astype(str).map(products))
    ids = shop.customers["customer_id"].to_numpy()
    latent = pd.Series(_latent(tx_cat, ids, rng), index=ids)
    buying = _buying_sessions(shop, tx_cat, rng, rules)
    browsing = _browsing_sessions(shop, tx_cat, latent, rng, rules)
    sessions = pd.concat([buying, browsing], ignore_index=True)
    sessions = sessions.sort_values(["end", "customer_id"], kind="stable", ignore_index=True)
    sessions.insert(0, "session_id", np.arange(1, len(sessions) + 1))
    sessions["receipt_id"] = sessions["receipt_id"].astype("Int64")
    events = _events(sessions, rng)
    truth = sessions.drop(columns="end").assign(
        latent_category=sessions["customer_id"].map(latent).to_numpy()
    )
    return events, truth


@register_table("web_events")
def _web_events_table(
    shop: Retailer, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_events(shop, rng)
