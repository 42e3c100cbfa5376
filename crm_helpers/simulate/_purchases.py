"""When customers buy (BG/NBD on a seasonal clock), through which channel, and what."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ._config import SimulationConfig


def _seasonal_clock(start: pd.Timestamp, end: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Hourly grid (ns since epoch) and cumulative intensity in weeks, with mean rate 1.

    A homogeneous process in 'operational weeks' mapped through the inverse of this clock
    has the seasonal pattern of the intensity, and the same number of events on average.
    """
    hours = pd.date_range(start, end, freq="h", inclusive="left").as_unit("ns")
    days = hours.normalize()
    f = (
        np.asarray(cat.HOUR_FACTORS)[hours.hour]
        * np.asarray(cat.WEEKDAY_FACTORS)[hours.day_of_week]
        * np.asarray(cat.MONTH_FACTORS)[hours.month - 1]
    )
    bump = np.zeros(len(hours))
    for year in range(start.year, end.year + 1):
        events = [(pd.Timestamp(year, m, d), up, lead) for _, _, m, d, up, lead in cat.FESTIVALS]
        if year in cat.SPRING_FESTIVAL:
            sf = pd.Timestamp(cat.SPRING_FESTIVAL[year])
            events.append((sf - pd.Timedelta(days=3), 1.2, 14))  # the New Year shopping rush
            quiet = (days >= sf) & (days < sf + pd.Timedelta(days=4))
            bump[np.asarray(quiet)] -= 0.5  # shops quiet over the first days of the festival
        for day, uplift, lead in events:
            dist = np.asarray((day - days).days, dtype=float)  # days before the event
            inside = (dist >= 0) & (dist <= lead)
            bump[inside] += uplift * (1 - dist[inside] / (lead + 1))
    f = f * np.clip(1 + bump, 0.2, None)
    f = f / f.mean()
    clock = np.concatenate([[0.0], np.cumsum(f)]) / (24 * 7)
    grid = np.concatenate([hours.asi8, [hours.asi8[-1] + 3_600_000_000_000]])
    return grid.astype("int64"), clock


def _to_datetime_s(ns: np.ndarray) -> np.ndarray:
    """Nanoseconds since the epoch to datetime64[ns], truncated to whole seconds."""
    ns = np.asarray(ns, dtype="int64")
    return (ns - ns % 1_000_000_000).view("datetime64[ns]")


def _purchase_times(
    rng: np.random.Generator,
    lam: np.ndarray,
    p_drop: np.ndarray,
    horizon: np.ndarray,
    buyer: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Repeat-purchase times (operational weeks after joining) of a BG/NBD process.

    For customer i: dropout comes right after repeat purchase M_i ~ Geometric(p_i) ≥ 1 (in
    BG/NBD a customer cannot drop out at the first purchase: P(x = 0) = e^{−λT});
    the Poisson process has N_i ~ Poisson(λ_i·T_i) events in (0, T_i]; x_i = min(N_i, M_i)
    are seen. The first x of N uniform order statistics on (0, T] are T·S_k / S_{N+1}
    with S_k sums of unit exponentials, and S_{N+1} = S_x + Gamma(N + 1 − x): exact, with
    work proportional to the purchases seen.

    Returns (customer index per purchase, time per purchase, x per customer, alive at end).
    """
    m = rng.geometric(np.clip(p_drop, 1e-9, 1.0))
    n_events = rng.poisson(lam * horizon)
    x = np.where(buyer, np.minimum(n_events, m), 0)
    alive = buyer & (n_events < m)
    owner = np.repeat(np.arange(len(x)), x)
    e = rng.exponential(size=owner.size)
    csum = np.cumsum(e)
    starts = np.concatenate([[0], np.cumsum(x)[:-1]])
    before = np.zeros(len(x))
    has = x > 0
    first = starts[has]
    before[has] = np.where(first > 0, csum[np.maximum(first - 1, 0)], 0.0)
    s_k = csum - before[owner]
    s_x = np.zeros(len(x))
    s_x[has] = s_k[np.cumsum(x)[has] - 1]
    rest = rng.gamma(np.maximum(n_events - x + 1, 1).astype(float))
    total = s_x + rest
    times = horizon[owner] * s_k / total[owner]
    return owner, times, x, alive


def _channels(
    cfg: SimulationConfig,
    rng: np.random.Generator,
    seg: np.ndarray,
    customers: pd.DataFrame,
    stores: pd.DataFrame,
    r_owner: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Channel (0 store, 1 online, 2 app) and store code per receipt.

    A customer's channel mix is drawn around the segment's; customers in cities without a
    store buy online or in the app. In-store receipts go to a store in the home city."""
    n = cfg.n_customers
    mix = np.array([s.channel_mix for s in cfg.segments])[seg]
    pref = rng.dirichlet(np.ones(3), size=n) * 0.5 + mix * 0.5
    city = customers["city"].cat.codes.to_numpy()
    phys = stores[stores["channel"] == "store"]
    has_store = np.isin(np.array([c[0] for c in cat.CITIES]), phys["city"].unique())[city]
    pref[~has_store, 0] = 0.0
    pref = pref / pref.sum(axis=1, keepdims=True)
    cum = np.cumsum(pref, axis=1)[r_owner]
    channel = (rng.random(len(r_owner))[:, None] > cum[:, :2]).sum(axis=1).astype("int8")
    # home store: one store per customer in the home city
    city_names = np.array([c[0] for c in cat.CITIES])
    store_codes = {c: np.flatnonzero(stores["city"].to_numpy() == c) for c in city_names}
    home = np.zeros(n, dtype="int64")
    pick = rng.random(n)
    for ci, cname in enumerate(city_names):
        codes = store_codes[cname]
        if len(codes):
            sel = city == ci
            home[sel] = codes[(pick[sel] * len(codes)).astype(int)]
    web = int(np.flatnonzero(stores["store_id"].to_numpy() == "WEB")[0])
    app = int(np.flatnonzero(stores["store_id"].to_numpy() == "APP")[0])
    store = np.select([channel == 0, channel == 1], [home[r_owner], web], app).astype("int16")
    return channel, store


def _line_categories(
    cfg: SimulationConfig, rng: np.random.Generator, seg_l: np.ndarray, n_cats: int
) -> np.ndarray:
    """Each line's category, drawn from its customer's segment's weights."""
    cats = [c[0] for c in cat.CATEGORIES]
    line_cat = np.empty(seg_l.size, dtype="int64")
    u = rng.random(seg_l.size)
    for si, s in enumerate(cfg.segments):
        w = np.array([s.category_weights.get(c, 0.0) for c in cats])
        sel = seg_l == si
        line_cat[sel] = np.searchsorted(np.cumsum(w) / w.sum(), u[sel], side="right")
    return np.minimum(line_cat, n_cats - 1)


def _add_affinities(
    cfg: SimulationConfig,
    rng: np.random.Generator,
    products: pd.DataFrame,
    lines: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planted affinities: an antecedent line adds the consequent's best seller (one unit)."""
    rid, sku, budget = lines
    sub = products["subcategory"].to_numpy()
    add_r, add_sku = [], []
    for ante, cons, prob in cfg.affinities:
        ante_mask = np.isin(sku, np.flatnonzero(sub == ante))
        target = _best_seller(products, cons)
        hit = ante_mask & (rng.random(rid.size) < prob)
        add_r.append(rid[hit])
        add_sku.append(np.full(int(hit.sum()), target))
    add_sku_all = np.concatenate(add_sku)
    budget = np.concatenate([budget, products["price"].to_numpy()[add_sku_all]])
    return np.concatenate([rid, *add_r]), np.concatenate([sku, add_sku_all]), budget


def _merge_repeats(
    rid: np.ndarray, sku: np.ndarray, budget: np.ndarray, n_products: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One line per product per receipt: merge repeats, adding up their budgets."""
    key = rid * n_products + sku
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.concatenate([[True], key[1:] != key[:-1]])
    starts = np.flatnonzero(first)
    budget = np.add.reduceat(budget[order], starts)
    key = key[starts]
    return key // n_products, key % n_products, budget


def _lines(
    cfg: SimulationConfig,
    rng: np.random.Generator,
    seg_r: np.ndarray,
    value: np.ndarray,
    products: pd.DataFrame,
) -> pd.DataFrame:
    """Receipt lines: how many, which products, quantities adding up to about the value."""
    n_r = len(value)
    k = 1 + rng.poisson(np.minimum(value * cfg.lines_per_yuan, cfg.max_lines - 1))
    k = np.minimum(k, cfg.max_lines)
    rid = np.repeat(np.arange(n_r), k)
    n_cats = len(cat.CATEGORIES)
    line_cat = _line_categories(cfg, rng, seg_r[rid], n_cats)
    # the receipt's value is split over its lines (Dirichlet(1) shares): each line's budget
    w = rng.exponential(size=rid.size)
    budget = value[rid] * w / np.bincount(rid, weights=w, minlength=n_r)[rid]
    sku = _pick_products(rng, products, line_cat, budget, n_cats)
    rid, sku, budget = _add_affinities(cfg, rng, products, (rid, sku, budget))
    rid, sku, budget = _merge_repeats(rid, sku, budget, len(products))
    n_l = rid.size
    price = products["price"].to_numpy()[sku]
    # promotions: a discounted line buys more units for the same budget
    promo = np.array([s.promo_share for s in cfg.segments])[seg_r[rid]]
    on_promo = rng.random(n_l) < promo
    discount = np.where(on_promo, rng.choice([0.1, 0.2, 0.3], size=n_l), 0.0)
    qty = np.clip(np.rint(budget / (price * (1 - discount))), 1, 99).astype("int64")
    amount = np.round(qty * price * (1 - discount), 2)
    line_no = (
        np.arange(n_l) - np.concatenate([[0], np.cumsum(np.bincount(rid, minlength=n_r))])[rid]
    )
    return pd.DataFrame(
        {
            "receipt_id": rid.astype("int64") + 1,
            "line_no": (line_no + 1).astype("int16"),
            "sku": pd.Categorical.from_codes(sku, products["sku"].tolist()),
            "quantity": qty,
            "unit_price": price,
            "discount": discount,
            "amount": amount,
        }
    )


def _pick_products(
    rng: np.random.Generator,
    products: pd.DataFrame,
    line_cat: np.ndarray,
    budget: np.ndarray,
    n_cats: int,
) -> np.ndarray:
    """A product per line: by popularity among the category's products the line's budget
    can pay for (the cheapest product if none fits)."""
    cats = [c[0] for c in cat.CATEGORIES]
    cat_of = products["category"].map({c: i for i, c in enumerate(cats)}).to_numpy()
    price = products["price"].to_numpy()
    pop = products["popularity"].to_numpy()
    sku = np.empty(line_cat.size, dtype="int64")
    u = rng.random(line_cat.size)
    for ci in range(n_cats):
        members = np.flatnonzero(cat_of == ci)
        members = members[np.argsort(price[members], kind="stable")]
        sel = np.flatnonzero(line_cat == ci)
        affordable = np.searchsorted(price[members], budget[sel], side="right")
        affordable = np.maximum(affordable, 1)
        cum = np.cumsum(pop[members])
        pick = np.searchsorted(cum, u[sel] * cum[affordable - 1], side="right")
        sku[sel] = members[np.minimum(pick, affordable - 1)]
    return sku


def _best_seller(products: pd.DataFrame, subcategory: str) -> int:
    sel = products.index[products["subcategory"] == subcategory]
    if len(sel) == 0:
        raise ValueError(f"Affinity names an unknown sub-category {subcategory!r}.")
    return int(products.loc[sel, "popularity"].idxmax())
