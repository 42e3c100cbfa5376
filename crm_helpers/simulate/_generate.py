"""The generator: members, their receipts and baskets, and the truth behind them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._config import WEEK, Segment, SimulationConfig, _rng
from ._people import _customers, _products, _stores
from ._purchases import _channels, _lines, _purchase_times, _seasonal_clock, _to_datetime_s
from ._retailer import Retailer
from ._truth import _affinity_truth, _seasonality_truth


@dataclass
class _Members:
    """Each member's segment, join time and latent traits (one entry per customer)."""

    seg: np.ndarray
    u_join: np.ndarray  # join time on the seasonal clock (operational weeks)
    join_ns: np.ndarray
    prm: dict[str, np.ndarray]
    lam: np.ndarray
    p_drop: np.ndarray
    nu: np.ndarray
    buyer: np.ndarray
    customers: pd.DataFrame


def _members(cfg: SimulationConfig, clock: np.ndarray, grid: np.ndarray) -> _Members:
    """Customers: segment, join time (on the seasonal clock), latent traits."""
    n, segs = cfg.n_customers, cfg.segments
    rng = _rng(cfg.seed, "customers")
    share = np.array([s.share for s in segs])
    seg = rng.choice(len(segs), size=n, p=share / share.sum())
    # joins spread over the period, slightly front-loaded (an established member base)
    u_join = rng.beta(0.8, 1.2, size=n) * clock[-1] * 0.97
    join_ns = np.interp(u_join, clock, grid).astype("int64")
    prm = {k: np.array([getattr(s, k) for s in segs])[seg] for k in "r alpha a b p q gamma".split()}
    lam = rng.gamma(prm["r"], 1.0 / prm["alpha"])
    p_drop = rng.beta(prm["a"], prm["b"])
    nu = rng.gamma(prm["q"], 1.0 / prm["gamma"])
    buyer = rng.random(n) >= cfg.prospect_share
    customers = _customers(cfg, rng, seg, join_ns)
    return _Members(seg, u_join, join_ns, prm, lam, p_drop, nu, buyer, customers)


def _receipt_times(
    cfg: SimulationConfig, m: _Members, clock: np.ndarray, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Purchases (BG/NBD on the seasonal clock): each receipt's owner and time in time
    order, and per customer the repeat count, whether alive, and the last purchase time."""
    rng = _rng(cfg.seed, "purchases")
    horizon = clock[-1] - m.u_join  # operational weeks from joining to the end
    owner, t_op, x, alive = _purchase_times(rng, m.lam, m.p_drop, horizon, m.buyer)
    first_owner = np.flatnonzero(m.buyer)
    r_owner = np.concatenate([first_owner, owner])
    r_time = np.concatenate([m.u_join[first_owner], m.u_join[owner] + t_op])
    r_ns = np.interp(r_time, clock, grid).astype("int64")
    r_ns = np.maximum(r_ns, m.join_ns[r_owner])  # the first receipt is at joining, never before
    order = np.argsort(r_ns, kind="stable")
    r_owner, r_ns = r_owner[order], r_ns[order]
    # dropout time: just after the last purchase for those not alive at the end
    last_ns = np.full(cfg.n_customers, np.iinfo("int64").min)
    np.maximum.at(last_ns, r_owner, r_ns)
    return r_owner, r_ns, x, alive, last_ns


def _receipts(
    m: _Members,
    r_owner: np.ndarray,
    r_ns: np.ndarray,
    channels: tuple[np.ndarray, np.ndarray],
    stores: pd.DataFrame,
    lines: pd.DataFrame,
) -> pd.DataFrame:
    """The receipts table, with each receipt's total and number of lines."""
    n_r = len(r_owner)
    channel, store = channels
    receipts = pd.DataFrame(
        {
            "receipt_id": np.arange(1, n_r + 1, dtype="int64"),
            "customer_id": m.customers["customer_id"].to_numpy()[r_owner],
            "timestamp": _to_datetime_s(r_ns),
            "channel": pd.Categorical.from_codes(channel, ["store", "online", "app"]),
            "store_id": pd.Categorical.from_codes(store, stores["store_id"].tolist()),
        }
    )
    totals = np.bincount(lines["receipt_id"].to_numpy() - 1, weights=lines["amount"], minlength=n_r)
    receipts["total"] = np.round(totals, 2)
    receipts["n_lines"] = np.bincount(lines["receipt_id"].to_numpy() - 1, minlength=n_r)
    return receipts


def _customer_truth(
    cfg: SimulationConfig, m: _Members, x: np.ndarray, alive: np.ndarray, last_ns: np.ndarray
) -> pd.DataFrame:
    """Each customer's generating values: segment, rate, dropout, spend, fate."""
    end = pd.Timestamp(cfg.end) + pd.Timedelta(days=1)
    dropout = pd.Series(_to_datetime_s(np.maximum(last_ns, 0))).where(m.buyer & ~alive)
    return pd.DataFrame(
        {
            "customer_id": m.customers["customer_id"],
            "segment": pd.Categorical.from_codes(m.seg, [s.name for s in cfg.segments]),
            "is_prospect": ~m.buyer,
            "rate_per_week": m.lam,
            "dropout_p": m.p_drop,
            "spend_nu": m.nu,
            "mean_spend": m.prm["p"] / m.nu,
            "repeat_purchases": x,
            "alive_at_end": alive,
            "dropout_time": dropout,
            "T_weeks": (end.value - m.join_ns) / WEEK.value,
        }
    )


def _segment_table(segs: tuple[Segment, ...]) -> pd.DataFrame:
    """The segments' parameters and the means they imply."""
    keys = ("share", "r", "alpha", "a", "b", "p", "q", "gamma")
    means = ("mean_rate", "mean_dropout", "mean_spend")
    rows = [
        {"segment": s.name, "segment_zh": s.name_zh}
        | {k: getattr(s, k) for k in keys}
        | {("mean_rate_per_week" if k == "mean_rate" else k): getattr(s, k) for k in means}
        | {"promo_share": s.promo_share}
        for s in segs
    ]
    return pd.DataFrame(rows)


def _generate(cfg: SimulationConfig, step: Callable[[str], None]) -> Retailer:
    start = pd.Timestamp(cfg.start)
    end = pd.Timestamp(cfg.end) + pd.Timedelta(days=1)
    grid, clock = _seasonal_clock(start, end)
    m = _members(cfg, clock, grid)
    step("customers")
    r_owner, r_ns, x, alive, last_ns = _receipt_times(cfg, m, clock, grid)
    step("purchases")

    # --- baskets: value (Gamma-Gamma), channel, lines, products, affinities
    rng = _rng(cfg.seed, "baskets")
    products = _products(cfg, _rng(cfg.seed, "products"))
    stores = _stores()
    value = rng.gamma(m.prm["p"][r_owner], 1.0 / m.nu[r_owner])
    channels = _channels(cfg, rng, m.seg, m.customers, stores, r_owner)
    lines = _lines(cfg, rng, m.seg[r_owner], value, products)
    step("baskets")

    receipts = _receipts(m, r_owner, r_ns, channels, stores, lines)
    step("tables")
    tables = {
        "customers": m.customers,
        "products": products.drop(columns="popularity"),
        "stores": stores,
        "receipts": receipts,
        "lines": lines,
    }
    truth = {
        "customers": _customer_truth(cfg, m, x, alive, last_ns),
        "segments": _segment_table(cfg.segments),
        "affinities": _affinity_truth(cfg, products),
        "seasonality": _seasonality_truth(),
    }
    return Retailer(tables, truth, cfg)
