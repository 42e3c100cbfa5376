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

import json
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _catalogue as cat

__all__ = [
    "Segment",
    "DEFAULT_SEGMENTS",
    "SCALES",
    "SimulationConfig",
    "Retailer",
    "simulate_retailer",
    "register_table",
    "registered_tables",
]

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


@dataclass
class Retailer:
    """The simulated retailer: its tables, the truth behind them, and its config.

    ``tables`` holds ``customers``, ``products``, ``stores``, ``receipts`` and ``lines``
    (and any registered extra tables); ``truth`` holds the generating values
    (``customers``: each customer's segment, λ, p, ν, whether alive at the end, ...;
    ``segments``; ``affinities``; ``seasonality``).
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    config: SimulationConfig = field(default_factory=SimulationConfig)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(
            f"The retailer has no table {name!r}; it has: {', '.join(sorted(tables))}."
        )

    @property
    def end(self) -> pd.Timestamp:
        """The end of the observation period (the day after the last day)."""
        return pd.Timestamp(self.config.end) + pd.Timedelta(days=1)

    def transactions(self) -> pd.DataFrame:
        """The receipt lines joined to their receipts and products, in the course's
        transaction schema (see :mod:`crm_helpers.schema`), sorted by time."""
        lines, receipts = self.tables["lines"], self.tables["receipts"]
        products = self.tables["products"].set_index("sku")
        # receipt ids are 1..n in time order, so a receipt's row is its id minus one
        pos = lines["receipt_id"].to_numpy() - 1
        sku_codes = lines["sku"].cat.codes.to_numpy()
        cost = products["unit_cost"].reindex(lines["sku"].cat.categories).to_numpy()

        def take_cat(col: str) -> pd.Categorical:
            c = receipts[col].cat
            return pd.Categorical.from_codes(c.codes.to_numpy()[pos], c.categories)

        return pd.DataFrame(
            {
                "customer_id": receipts["customer_id"].to_numpy()[pos],
                "receipt_id": lines["receipt_id"].to_numpy(),
                "timestamp": receipts["timestamp"].to_numpy()[pos],
                "sku": lines["sku"],
                "quantity": lines["quantity"].to_numpy(),
                "unit_price": lines["unit_price"].to_numpy(),
                "discount": lines["discount"].to_numpy(),
                "amount": lines["amount"].to_numpy(),
                "unit_cost": cost[sku_codes],
                "channel": take_cat("channel"),
                "store_id": take_cat("store_id"),
            }
        )

    def with_tables(self, *names: str) -> Retailer:
        """A new retailer with the registered extra tables ``names`` added.

        The tables already there are unchanged: each extra table draws from its own random
        stream, seeded from the retailer's seed and the table's name.
        """
        tables, truth = dict(self.tables), dict(self.truth)
        new = self.__class__(tables, truth, self.config)
        for name in names:
            if name not in _EXTENSIONS:
                _load_extensions()
            if name not in _EXTENSIONS:
                raise ValueError(
                    f"No table generator is registered under {name!r}; registered: "
                    f"{', '.join(sorted(_EXTENSIONS)) or 'none yet'}."
                )
            gen, requires = _EXTENSIONS[name]
            missing = [r for r in requires if r not in tables]
            if missing:
                new = new.with_tables(*missing)
                tables, truth = new.tables, new.truth
            result = gen(new, _rng(self.config.seed, f"extra:{name}"))
            table, extra_truth = result if isinstance(result, tuple) else (result, None)
            tables[name] = table
            if extra_truth is not None:
                truth[name] = extra_truth
        new.config = replace(self.config, extras=tuple(dict.fromkeys(self.config.extras + names)))
        return new

    def to_parquet(self, folder: str | Path) -> Path:
        """Write every table and truth table as parquet, and the config as JSON."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for kind, frames in (("table", self.tables), ("truth", self.truth)):
            for name, df in frames.items():
                df.to_parquet(folder / f"{kind}-{name}.parquet", index=False)
        (folder / "config.json").write_text(self.config.to_json(), encoding="utf-8")
        return folder

    @classmethod
    def from_parquet(cls, folder: str | Path) -> Retailer:
        """Read a retailer written by :meth:`to_parquet`."""
        folder = Path(folder)
        config_file = folder / "config.json"
        if not config_file.exists():
            raise FileNotFoundError(
                f"No simulated retailer at {folder}: {config_file.name} is missing. "
                "Generate one with simulate_retailer(...).to_parquet(folder)."
            )
        config = SimulationConfig.from_json(config_file.read_text(encoding="utf-8"))
        frames: dict[str, dict[str, pd.DataFrame]] = {"table": {}, "truth": {}}
        for path in sorted(folder.glob("*.parquet")):
            kind, name = path.stem.split("-", 1)
            frames[kind][name] = pd.read_parquet(path)
        return cls(frames["table"], frames["truth"], config)


# ----------------------------------------------------------------------------- extensions

TableResult = pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]
_EXTENSIONS: dict[str, tuple[Callable[[Retailer, np.random.Generator], TableResult], tuple]] = {}


def register_table(
    name: str, *, requires: Iterable[str] = ()
) -> Callable[[Callable[[Retailer, np.random.Generator], TableResult]], Callable]:
    """Register a generator for an extra table (contacts, complaints, surveys, ...).

    The generator receives the retailer (with its core tables and truth) and its own
    ``numpy.random.Generator``, and returns the table, or ``(table, truth_table)``.

    >>> @register_table("greetings")
    ... def _greetings(shop, rng):
    ...     ids = shop.customers["customer_id"]
    ...     return pd.DataFrame({"customer_id": ids, "card_sent": rng.random(len(ids)) < 0.5})
    >>> shop = simulate_retailer(n_customers=200, seed=3).with_tables("greetings")
    >>> len(shop.greetings) == len(shop.customers)
    True
    >>> _ = _EXTENSIONS.pop("greetings")
    """

    def deco(func: Callable[[Retailer, np.random.Generator], TableResult]) -> Callable:
        _EXTENSIONS[name] = (func, tuple(requires))
        return func

    return deco


def registered_tables() -> list[str]:
    """Names of the extra tables that can be added with :meth:`Retailer.with_tables`."""
    _load_extensions()
    return sorted(_EXTENSIONS)


def _load_extensions() -> None:
    """Import every module of ``crm_helpers.extensions``: each registers its tables.

    A chapter that adds tables to the retailer (points, contacts, surveys, ...) puts its
    generators in ``crm_helpers/extensions/<topic>.py`` with :func:`register_table`."""
    import importlib
    import pkgutil

    from . import extensions

    for mod in pkgutil.iter_modules(extensions.__path__):
        importlib.import_module(f"{extensions.__name__}.{mod.name}")


# ----------------------------------------------------------------------------- generator


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


def _products(cfg: SimulationConfig, rng: np.random.Generator) -> pd.DataFrame:
    margins = {c[0]: c[3] for c in cat.CATEGORIES}
    cat_zh = {c[0]: c[1] for c in cat.CATEGORIES}
    k = cfg.products_per_subcategory
    rows = []
    for sub, category, zh, en, lo, hi, pop in cat.SUBCATEGORIES:
        brand_idx = rng.choice(len(cat.BRANDS), size=min(k, len(cat.BRANDS)), replace=False)
        brand_idx = np.resize(brand_idx, k)
        prices = np.exp(rng.uniform(np.log(lo), np.log(hi), size=k))
        zipf = 1.0 / np.arange(1, k + 1) ** 1.1
        for j in range(k):
            b_zh, b_en = cat.BRANDS[brand_idx[j]]
            size_no = j // len(cat.BRANDS) + 1
            suffix = f" {size_no}号" if size_no > 1 else ""
            suffix_en = f" no. {size_no}" if size_no > 1 else ""
            price = float(np.round(prices[j], 1 if prices[j] < 100 else 0)) - 0.1 * (
                prices[j] >= 10
            )
            margin = float(np.clip(rng.normal(margins[category], 0.05), 0.03, 0.7))
            rows.append(
                {
                    "name_zh": f"{b_zh}{zh}{suffix}",
                    "name_en": f"{b_en} {en.lower()}{suffix_en}",
                    "category": category,
                    "category_zh": cat_zh[category],
                    "subcategory": sub,
                    "subcategory_zh": zh,
                    "brand": b_en,
                    "price": round(max(price, 1.0), 2),
                    "unit_cost": round(max(price, 1.0) * (1 - margin), 2),
                    "popularity": pop * zipf[j],
                }
            )
    products = pd.DataFrame(rows)
    products.insert(0, "sku", [f"SKU{10001 + i}" for i in range(len(products))])
    return products


def _stores() -> pd.DataFrame:
    rows = []
    for city, city_zh, region, region_zh, _, n in cat.CITIES:
        for j in range(n):
            rows.append(
                {
                    "channel": "store",
                    "city": city,
                    "city_zh": city_zh,
                    "region": region,
                    "region_zh": region_zh,
                    "name": f"{city} store {j + 1}",
                    "name_zh": f"{city_zh}{j + 1}号店",
                }
            )
    stores = pd.DataFrame(rows)
    stores.insert(0, "store_id", [f"S{i + 1:02d}" for i in range(len(stores))])
    online = pd.DataFrame(
        [
            {"store_id": "WEB", "channel": "online", "name": "Web shop", "name_zh": "网上商城"},
            {"store_id": "APP", "channel": "app", "name": "Member app", "name_zh": "会员APP"},
        ]
    )
    return pd.concat([stores, online], ignore_index=True)


def _luhn_digit(body: np.ndarray) -> np.ndarray:
    """Luhn check digits for an (n, k) array of digits."""
    digits = body[:, ::-1].copy()
    doubled = digits[:, 0::2] * 2
    digits[:, 0::2] = np.where(doubled > 9, doubled - 9, doubled)
    return (10 - digits.sum(axis=1) % 10) % 10


def _pick(words: list[str], idx: np.ndarray) -> pa.Array:
    return pa.array(words).take(pa.array(idx))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _digits(numbers: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(numbers.astype("int64")), pa.string()), width, "0")


def _str(arr: pa.Array) -> pd.api.extensions.ExtensionArray:
    return pd.array(arr, dtype="str")


def _customers(
    cfg: SimulationConfig,
    rng: np.random.Generator,
    seg: np.ndarray,
    join_ns: np.ndarray,
) -> pd.DataFrame:
    """Member master data: names, contacts, card numbers (with a Luhn check digit),
    demographics (birth year and income depend on the segment), city, join time."""
    n = cfg.n_customers
    ids = np.arange(100_001, 100_001 + n, dtype="int64")
    sur = rng.integers(len(cat.SURNAMES), size=n)
    g1 = rng.integers(len(cat.GIVEN_CHARS), size=n)
    g2 = np.where(
        rng.random(n) < 0.3, len(cat.GIVEN_CHARS), rng.integers(len(cat.GIVEN_CHARS), size=n)
    )  # 30 % one-character given names
    g_zh = [c for c, _ in cat.GIVEN_CHARS] + [""]
    g_py = [p for _, p in cat.GIVEN_CHARS] + [""]
    given_zh = _join(_pick(g_zh, g1), _pick(g_zh, g2))
    given_py = _join(_pick(g_py, g1), _pick(g_py, g2))
    name = _join(_pick([s for s, _ in cat.SURNAMES], sur), given_zh)
    domain = _pick(cat.EMAIL_DOMAINS, rng.integers(len(cat.EMAIL_DOMAINS), size=n))
    email = _join(
        given_py, ".", _pick([p for _, p in cat.SURNAMES], sur), _digits(ids, 6), "@", domain
    )
    prefix = _pick(["13", "15", "17", "18", "19"], rng.integers(5, size=n))
    body = (np.arange(n, dtype="int64") * 387_420_489 + int(rng.integers(10**9))) % 10**9
    phone = _join(prefix, _digits(body, 9))
    card_body = np.stack(
        [np.full(n, 8), np.full(n, 8), np.full(n, 6), np.full(n, 0)]
        + [(ids // 10**k) % 10 for k in range(10, -1, -1)],
        axis=1,
    )
    card = _join("8860", _digits(ids, 11), _digits(_luhn_digit(card_body), 1))
    city_w = np.array([c[4] for c in cat.CITIES])
    city_idx = rng.choice(len(cat.CITIES), size=n, p=city_w / city_w.sum())
    regions = list(dict.fromkeys(c[2] for c in cat.CITIES))
    region_idx = np.array([regions.index(c[2]) for c in cat.CITIES])[city_idx]
    seg_birth = np.array([s.birth_year_mean for s in cfg.segments])[seg]
    birth = np.clip(np.round(rng.normal(seg_birth, 9)), 1945, 2007).astype("int64")
    income_latent = rng.normal(np.array([s.income_shift for s in cfg.segments])[seg], 1.0)
    income = np.clip(np.round(income_latent + 2), 0, len(cat.INCOME_BANDS) - 1).astype(int)
    acq_w = np.array([a[2] for a in cat.ACQUISITION_CHANNELS])
    acq = rng.choice(len(cat.ACQUISITION_CHANNELS), size=n, p=acq_w / acq_w.sum())
    return pd.DataFrame(
        {
            "customer_id": ids,
            "name": _str(name),
            "gender": pd.Categorical.from_codes((rng.random(n) < 0.45).astype(int), ["F", "M"]),
            "birth_year": birth,
            "phone": _str(phone),
            "email": _str(email),
            "city": pd.Categorical.from_codes(city_idx, [c[0] for c in cat.CITIES]),
            "city_zh": pd.Categorical.from_codes(city_idx, [c[1] for c in cat.CITIES]),
            "region": pd.Categorical.from_codes(region_idx, regions),
            "income_band": pd.Categorical.from_codes(income, cat.INCOME_BANDS, ordered=True),
            "join_date": _to_datetime_s(join_ns),
            "acquisition_channel": pd.Categorical.from_codes(
                acq, [a[0] for a in cat.ACQUISITION_CHANNELS]
            ),
            "card_number": _str(card),
        }
    )


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

    Returns
    -------
    Retailer
        ``tables``: customers, products, stores, receipts, lines; ``truth``: customers
        (segment, rate λ per week, dropout p, spend ν and mean spend, alive at the end,
        dropout time), segments, affinities, seasonality.

    >>> shop = simulate_retailer("tiny", seed=2)
    >>> len(shop.customers)
    500
    >>> set(shop.truth["customers"]["segment"]) <= {s.name for s in DEFAULT_SEGMENTS}
    True
    """
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
    steps = ["customers", "purchases", "baskets", "tables"]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="simulating retailer", unit="step")

    def step(name: str) -> None:
        if bar is not None:
            bar.set_postfix_str(name)
            bar.update(1)

    shop = _generate(cfg, step)
    if bar is not None:
        bar.close()
    extras = tuple(extras)
    return shop.with_tables(*extras) if extras else shop


def _generate(cfg: SimulationConfig, step: Callable[[str], None]) -> Retailer:
    n = cfg.n_customers
    segs = cfg.segments
    start = pd.Timestamp(cfg.start)
    end = pd.Timestamp(cfg.end) + pd.Timedelta(days=1)
    grid, clock = _seasonal_clock(start, end)

    # --- customers: segment, join time (on the seasonal clock), latent traits
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
    step("customers")

    # --- purchases: BG/NBD on the seasonal clock
    rng = _rng(cfg.seed, "purchases")
    horizon = clock[-1] - u_join  # operational weeks from joining to the end
    owner, t_op, x, alive = _purchase_times(rng, lam, p_drop, horizon, buyer)
    first_owner = np.flatnonzero(buyer)
    r_owner = np.concatenate([first_owner, owner])
    r_time = np.concatenate([u_join[first_owner], u_join[owner] + t_op])
    r_ns = np.interp(r_time, clock, grid).astype("int64")
    r_ns = np.maximum(r_ns, join_ns[r_owner])  # the first receipt is at joining, never before
    order = np.argsort(r_ns, kind="stable")
    r_owner, r_ns = r_owner[order], r_ns[order]
    n_r = len(r_owner)
    # dropout time: just after the last purchase for those not alive at the end
    last_ns = np.full(n, np.iinfo("int64").min)
    np.maximum.at(last_ns, r_owner, r_ns)
    step("purchases")

    # --- baskets: value (Gamma-Gamma), channel, lines, products, affinities
    rng = _rng(cfg.seed, "baskets")
    products = _products(cfg, _rng(cfg.seed, "products"))
    stores = _stores()
    value = rng.gamma(prm["p"][r_owner], 1.0 / nu[r_owner])
    channel, store = _channels(cfg, rng, seg, customers, stores, r_owner)
    lines = _lines(cfg, rng, seg[r_owner], value, products)
    step("baskets")

    receipts = pd.DataFrame(
        {
            "receipt_id": np.arange(1, n_r + 1, dtype="int64"),
            "customer_id": customers["customer_id"].to_numpy()[r_owner],
            "timestamp": _to_datetime_s(r_ns),
            "channel": pd.Categorical.from_codes(channel, ["store", "online", "app"]),
            "store_id": pd.Categorical.from_codes(store, stores["store_id"].tolist()),
        }
    )
    totals = np.bincount(lines["receipt_id"].to_numpy() - 1, weights=lines["amount"], minlength=n_r)
    receipts["total"] = np.round(totals, 2)
    receipts["n_lines"] = np.bincount(lines["receipt_id"].to_numpy() - 1, minlength=n_r)

    truth_customers = pd.DataFrame(
        {
            "customer_id": customers["customer_id"],
            "segment": pd.Categorical.from_codes(seg, [s.name for s in segs]),
            "is_prospect": ~buyer,
            "rate_per_week": lam,
            "dropout_p": p_drop,
            "spend_nu": nu,
            "mean_spend": prm["p"] / nu,
            "repeat_purchases": x,
            "alive_at_end": alive,
            "dropout_time": pd.Series(_to_datetime_s(np.maximum(last_ns, 0))).where(buyer & ~alive),
            "T_weeks": (end.value - join_ns) / WEEK.value,
        }
    )
    seg_table = pd.DataFrame(
        [
            {
                "segment": s.name,
                "segment_zh": s.name_zh,
                "share": s.share,
                "r": s.r,
                "alpha": s.alpha,
                "a": s.a,
                "b": s.b,
                "p": s.p,
                "q": s.q,
                "gamma": s.gamma,
                "mean_rate_per_week": s.mean_rate,
                "mean_dropout": s.mean_dropout,
                "mean_spend": s.mean_spend,
                "promo_share": s.promo_share,
            }
            for s in segs
        ]
    )
    step("tables")
    tables = {
        "customers": customers,
        "products": products.drop(columns="popularity"),
        "stores": stores,
        "receipts": receipts,
        "lines": lines,
    }
    truth = {
        "customers": truth_customers,
        "segments": seg_table,
        "affinities": _affinity_truth(cfg, products),
        "seasonality": _seasonality_truth(),
    }
    return Retailer(tables, truth, cfg)


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
    n_l = rid.size
    seg_l = seg_r[rid]
    # category per line from the segment's weights
    cats = [c[0] for c in cat.CATEGORIES]
    line_cat = np.empty(n_l, dtype="int64")
    u = rng.random(n_l)
    for si, s in enumerate(cfg.segments):
        w = np.array([s.category_weights.get(c, 0.0) for c in cats])
        sel = seg_l == si
        line_cat[sel] = np.searchsorted(np.cumsum(w) / w.sum(), u[sel], side="right")
    line_cat = np.minimum(line_cat, len(cats) - 1)
    # the receipt's value is split over its lines (Dirichlet(1) shares): each line's budget
    w = rng.exponential(size=n_l)
    budget = value[rid] * w / np.bincount(rid, weights=w, minlength=n_r)[rid]
    sku = _pick_products(rng, products, line_cat, budget, len(cats))
    # planted affinities: an antecedent line adds the consequent's best seller (one unit)
    sub = products["subcategory"].to_numpy()
    price_all = products["price"].to_numpy()
    add_r, add_sku = [], []
    for ante, cons, prob in cfg.affinities:
        ante_mask = np.isin(sku, np.flatnonzero(sub == ante))
        target = _best_seller(products, cons)
        hit = ante_mask & (rng.random(n_l) < prob)
        add_r.append(rid[hit])
        add_sku.append(np.full(int(hit.sum()), target))
    add_sku_all = np.concatenate(add_sku)
    rid = np.concatenate([rid, *add_r])
    sku = np.concatenate([sku, add_sku_all])
    budget = np.concatenate([budget, price_all[add_sku_all]])
    # one line per product per receipt: merge repeats, adding up their budgets
    key = rid * len(products) + sku
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.concatenate([[True], key[1:] != key[:-1]])
    starts = np.flatnonzero(first)
    budget = np.add.reduceat(budget[order], starts)
    key = key[starts]
    rid, sku = key // len(products), key % len(products)
    n_l = rid.size
    price = price_all[sku]
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


def _affinity_truth(cfg: SimulationConfig, products: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for ante, cons, prob in cfg.affinities:
        target = products.loc[_best_seller(products, cons)]
        for _, p in products[products["subcategory"] == ante].iterrows():
            rows.append(
                {
                    "antecedent_subcategory": ante,
                    "antecedent_sku": p["sku"],
                    "consequent_subcategory": cons,
                    "consequent_sku": target["sku"],
                    "add_probability": prob,
                }
            )
    return pd.DataFrame(rows)


def _seasonality_truth() -> pd.DataFrame:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    rows = [
        {"kind": "weekday", "key": d, "factor": f}
        for d, f in zip(days, cat.WEEKDAY_FACTORS, strict=True)
    ]
    rows += [
        {"kind": "month", "key": str(m + 1), "factor": f} for m, f in enumerate(cat.MONTH_FACTORS)
    ]
    rows += [{"kind": "hour", "key": str(h), "factor": f} for h, f in enumerate(cat.HOUR_FACTORS)]
    rows += [
        {"kind": "festival", "key": name, "factor": 1 + up}
        for name, _, _, _, up, _ in cat.FESTIVALS
    ]
    return pd.DataFrame(rows)


def seasonality_profile(start: str, end: str) -> pd.DataFrame:
    """The daily shopping intensity the generator uses (mean 1), for plots and checks.

    >>> prof = seasonality_profile("2024-01-01", "2024-12-31")
    >>> round(float(prof["intensity"].mean()), 2)
    1.0
    """
    s, e = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    grid, clock = _seasonal_clock(s, e)
    per_hour = np.diff(clock) * 24 * 7
    day = pd.to_datetime(grid[:-1]).normalize()
    out = pd.Series(per_hour, index=day).groupby(level=0).mean()
    return pd.DataFrame({"date": out.index, "intensity": out.to_numpy()})
