"""A simulated full-membership retailer (全会员制零售商) with a known ground truth.

Every customer is a member, so every receipt carries a member id. The data are generated
from stated models, and the truth is returned beside them, so any analysis in the course
can be checked against what really generated the data:

* **Latent segments** (潜在客户群): each customer belongs to one of a few segments
  (:data:`DEFAULT_SEGMENTS`); the segment sets the parameters below, the category mix,
  the channel mix and the taste for promotions.
* **Purchases and dropout — a BG/NBD process** (Fader, Hardie & Lee 2005). The first
  purchase is on the join date. While alive, a customer buys at a Poisson rate
  λ ~ Gamma(r, α) per week; after every repeat purchase they drop out for good with
  probability p ~ Beta(a, b) (as in BG/NBD, nobody drops out at the first purchase). Members who join but never buy (prospects,
  潜在客户) are a stated share.
* **Spend — a Gamma-Gamma model** (Fader & Hardie 2013): a receipt's value is
  Gamma(p, ν) with ν ~ Gamma(q, γ) per customer, so the customer's mean spend is p/ν.
  The receipt is then filled with products whose quantities add up to about that value.
* **Seasonality** (季节性): the buying rate is scaled by hour of day, day of week, month,
  and festivals (Spring Festival, 618, Singles' Day, ...); time runs on a seasonal clock,
  so the BG/NBD process holds exactly in "operational time".
* **Planted product affinities** (商品关联): buying from one sub-category adds a given
  product with a given probability (beer → peanuts, pasta → pasta sauce, ...); the
  basket chapter recovers them.

The tables are plain DataFrames in :attr:`Retailer.tables`; the truth is in
:attr:`Retailer.truth`. Later chapters add tables (contacts, campaigns, complaints,
surveys, points, ...) with :func:`register_table`, each drawn from its own random stream so
that adding a table never changes the ones already there.

Example
-------
>>> shop = simulate_retailer(n_customers=300, seed=1)
>>> sorted(shop.tables)
['customers', 'lines', 'products', 'receipts', 'stores']
>>> tx = shop.transactions()
>>> bool(tx["amount"].gt(0).all() and tx["customer_id"].notna().all())
True
>>> simulate_retailer(n_customers=300, seed=1).transactions().equals(tx)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

# Every name of the former single module stays importable from here (re-exports).
from . import _memo
from ._config import (  # noqa: F401
    DEFAULT_SEGMENTS,
    SCALES,
    WEEK,
    Segment,
    SimulationConfig,
    _check_config,
    _rng,
)
from ._generate import _generate, _members, _receipt_times  # noqa: F401
from ._people import _customers, _products, _stores  # noqa: F401
from ._purchases import (  # noqa: F401
    _best_seller,
    _channels,
    _lines,
    _pick_products,
    _purchase_times,
    _seasonal_clock,
    _to_datetime_s,
)
from ._retailer import (  # noqa: F401
    _EXTENSIONS,
    Retailer,
    TableResult,
    _load_extensions,
    register_parts,
    register_table,
    registered_tables,
)
from ._truth import _affinity_truth, _seasonality_truth, seasonality_profile  # noqa: F401

__all__ = [
    "Segment",
    "DEFAULT_SEGMENTS",
    "SCALES",
    "SimulationConfig",
    "Retailer",
    "simulate_retailer",
    "register_table",
    "register_parts",
    "registered_tables",
]


def simulate_retailer(
    n_customers: int | str = 5_000,
    seed: int = 7,
    *,
    start: str = "2023-01-01",
    end: str = "2025-12-31",
    segments: Iterable[Segment] | None = None,
    prospect_share: float = 0.08,
    extras: Iterable[str] = (),
    progress: bool = False,
) -> Retailer:
    """Generate the simulated membership retailer.

    Parameters
    ----------
    n_customers:
        The one scale parameter: the number of members, or a named scale
        (``"tiny"`` 500, ``"classroom"`` 5,000, ``"small"`` 20,000, ``"medium"`` 200,000,
        ``"large"`` 1,000,000 — about 10 M receipt lines).
    seed:
        Same seed, same data.
    start, end:
        The first and last day of the simulated history.
    segments:
        The latent segments and their generating parameters (default
        :data:`DEFAULT_SEGMENTS`); shares must add up to 1.
    prospect_share:
        Share of members who join but never buy.
    extras:
        Registered extra tables to add (see :func:`register_table`).
    progress:
        Show a progress bar over the generation steps (for large scales).

    Returns the :class:`Retailer`: ``tables`` customers, products, stores, receipts, lines;
    ``truth`` customers (segment, rate λ per week, dropout p, spend ν and mean spend, alive at
    the end, dropout time), segments, affinities, seasonality.

    >>> shop = simulate_retailer("tiny", seed=2)
    >>> len(shop.customers)
    500
    >>> set(shop.truth["customers"]["segment"]) <= {s.name for s in DEFAULT_SEGMENTS}
    True
    """
    cfg = _make_config(n_customers, seed, start, end, segments, prospect_share)
    step, close = _progress_steps(progress)
    shop = _memo.base(cfg, lambda: _generate(cfg, step))  # small ones: once per process
    close()
    extras = tuple(extras)
    return shop.with_tables(*extras) if extras else shop


def _make_config(
    n_customers: int | str,
    seed: int,
    start: str,
    end: str,
    segments: Iterable[Segment] | None,
    prospect_share: float,
) -> SimulationConfig:
    """The checked config of :func:`simulate_retailer` (a named scale made a number)."""
    if isinstance(n_customers, str):
        if n_customers not in SCALES:
            raise ValueError(
                f"n_customers must be a number or one of the scales "
                f"{', '.join(repr(s) for s in SCALES)}; got {n_customers!r}."
            )
        n_customers = SCALES[n_customers]
    cfg = SimulationConfig(
        n_customers=int(n_customers) if isinstance(n_customers, int | np.integer) else n_customers,
        seed=int(seed),
        start=str(pd.Timestamp(start).date()),
        end=str(pd.Timestamp(end).date()),
        segments=tuple(segments) if segments is not None else DEFAULT_SEGMENTS,
        prospect_share=prospect_share,
    )
    _check_config(cfg)
    return cfg


def _progress_steps(progress: bool) -> tuple[Callable[[str], None], Callable[[], None]]:
    """A step callback and a closer: a progress bar over the generation steps, or nothing."""
    steps = ["customers", "purchases", "baskets", "tables"]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="simulating retailer", unit="step")

    def step(name: str) -> None:
        if bar is not None:
            bar.set_postfix_str(name)
            bar.update(1)

    def close() -> None:
        if bar is not None:
            bar.close()

    return step, close
