"""Products, stores and customers of the simulated retailer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import _catalogue as cat
from ._config import SimulationConfig
from ._purchases import _to_datetime_s


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


def _names_and_contacts(
    rng: np.random.Generator, ids: np.ndarray
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Chinese names, e-mail addresses (pinyin) and mobile numbers of the members ``ids``."""
    n = ids.size
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
    return name, email, phone


def _card_numbers(ids: np.ndarray) -> pa.Array:
    """Membership card numbers: 8860, the 11-digit id, and a Luhn check digit."""
    n = ids.size
    card_body = np.stack(
        [np.full(n, 8), np.full(n, 8), np.full(n, 6), np.full(n, 0)]
        + [(ids // 10**k) % 10 for k in range(10, -1, -1)],
        axis=1,
    )
    return _join("8860", _digits(ids, 11), _digits(_luhn_digit(card_body), 1))


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
    name, email, phone = _names_and_contacts(rng, ids)
    card = _card_numbers(ids)
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
