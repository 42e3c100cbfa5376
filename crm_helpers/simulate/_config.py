"""The simulator's settings: latent segments, named scales, the config and its checks."""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .. import _catalogue as cat

WEEK = pd.Timedelta(days=7)


@dataclass(frozen=True)
class Segment:
    """One latent customer segment and the parameters of its generating models.

    Rates are per week. ``r, alpha``: Gamma prior of the purchase rate λ (mean r/alpha);
    ``a, b``: Beta prior of the dropout probability p (mean a/(a+b)); ``p, q, gamma``:
    Gamma-Gamma spend (population mean spend p·gamma/(q−1) yuan); ``category_weights``:
    relative weight of each product category in the segment's baskets; ``promo_share``:
    share of lines bought on promotion; ``channel_mix``: store / online / app.
    """

    name: str
    name_zh: str
    share: float
    r: float
    alpha: float
    a: float
    b: float
    p: float
    q: float
    gamma: float
    category_weights: dict[str, float]
    promo_share: float = 0.10
    channel_mix: tuple[float, float, float] = (0.7, 0.15, 0.15)
    birth_year_mean: float = 1985.0
    income_shift: float = 0.0

    @property
    def mean_rate(self) -> float:
        """Mean purchases per week while alive, r/α."""
        return self.r / self.alpha

    @property
    def mean_dropout(self) -> float:
        """Mean dropout probability after a purchase, a/(a+b)."""
        return self.a / (self.a + self.b)

    @property
    def mean_spend(self) -> float:
        """Population mean of a customer's mean receipt value, p·γ/(q−1)."""
        return self.p * self.gamma / (self.q - 1)


_W = dict  # readability below
DEFAULT_SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "vip", "高价值忠诚客户", 0.10, r=2.0, alpha=8.0, a=0.5, b=12.0, p=6.0, q=4.0, gamma=100.0,
        category_weights=_W(fresh=3, grocery=3, alcohol=1.5, household=1.5, baby=0.5, home=1,
                            clothing=1, electronics=0.8),
        promo_share=0.06, channel_mix=(0.55, 0.15, 0.30), birth_year_mean=1978, income_shift=1.2,
    ),
    Segment(
        "family", "家庭主力客户", 0.30, r=1.5, alpha=12.0, a=0.8, b=8.0, p=6.0, q=4.0, gamma=60.0,
        category_weights=_W(fresh=4, grocery=3, alcohol=0.5, household=2, baby=2.5, home=0.6,
                            clothing=0.6, electronics=0.2),
        promo_share=0.12, channel_mix=(0.70, 0.10, 0.20), birth_year_mean=1988, income_shift=0.4,
    ),
    Segment(
        "bargain", "促销敏感客户", 0.30, r=1.0, alpha=10.0, a=1.0, b=5.0, p=5.0, q=4.0, gamma=45.0,
        category_weights=_W(fresh=2, grocery=4, alcohol=0.8, household=2.5, baby=0.5, home=0.4,
                            clothing=0.4, electronics=0.2),
        promo_share=0.45, channel_mix=(0.60, 0.25, 0.15), birth_year_mean=1975, income_shift=-0.6,
    ),
    Segment(
        "occasional", "偶尔光顾客户", 0.30, r=0.6, alpha=10.0, a=1.2, b=3.0, p=4.0, q=4.0,
        gamma=75.0,
        category_weights=_W(fresh=1, grocery=2, alcohol=1, household=1, baby=0.2, home=1.5,
                            clothing=2, electronics=1.2),
        promo_share=0.10, channel_mix=(0.45, 0.40, 0.15), birth_year_mean=1995, income_shift=0.0,
    ),
)  # fmt: skip

#: Named scales for the one scale parameter ``n_customers``.
SCALES: dict[str, int] = {
    "tiny": 500,
    "classroom": 5_000,
    "small": 20_000,
    "medium": 200_000,
    "large": 1_000_000,
}


@dataclass(frozen=True)
class SimulationConfig:
    """Everything that determines a simulated retailer. Same config, same data."""

    n_customers: int = 5_000
    seed: int = 7
    start: str = "2023-01-01"
    end: str = "2025-12-31"
    segments: tuple[Segment, ...] = DEFAULT_SEGMENTS
    prospect_share: float = 0.08
    products_per_subcategory: int = 6
    lines_per_yuan: float = 1 / 100
    max_lines: int = 25
    affinities: tuple[tuple[str, str, float], ...] = tuple(cat.AFFINITIES)
    extras: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The config as JSON (segments included), for caching next to the data."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SimulationConfig:
        d = json.loads(text)
        d["segments"] = tuple(
            Segment(**{**s, "channel_mix": tuple(s["channel_mix"])}) for s in d["segments"]
        )
        d["affinities"] = tuple(tuple(x) for x in d["affinities"])
        d["extras"] = tuple(d["extras"])
        return cls(**d)


def _rng(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per (seed, purpose): stages do not disturb each other."""
    return np.random.default_rng([int(seed), zlib.crc32(stream.encode("utf-8"))])


def _check_config(cfg: SimulationConfig) -> None:
    if not isinstance(cfg.n_customers, int | np.integer) or cfg.n_customers < 10:
        raise ValueError(
            f"n_customers must be a whole number of at least 10 (or one of the scales "
            f"{', '.join(SCALES)}); got {cfg.n_customers!r}."
        )
    start, end = pd.Timestamp(cfg.start), pd.Timestamp(cfg.end)
    if end - start < pd.Timedelta(days=60):
        raise ValueError(
            f"The simulated period must be at least 60 days; got start={cfg.start!r}, "
            f"end={cfg.end!r}."
        )
    shares = np.array([s.share for s in cfg.segments])
    if len(shares) == 0 or (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise ValueError(
            f"Segment shares must be positive and add up to 1; got "
            f"{dict((s.name, s.share) for s in cfg.segments)}."
        )
    if not 0 <= cfg.prospect_share < 1:
        raise ValueError(f"prospect_share must be in [0, 1); got {cfg.prospect_share!r}.")
    known = {c[0] for c in cat.CATEGORIES}
    for s in cfg.segments:
        unknown = set(s.category_weights) - known
        if unknown:
            raise ValueError(
                f"Segment {s.name!r} weights unknown categories {sorted(unknown)}; "
                f"the categories are {sorted(known)}."
            )
