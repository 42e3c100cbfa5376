"""Chapter 02's extra tables: messy customer records, prospects and the sales funnel.

Three tables, added with ``shop.with_tables("customer_records", "prospects", "funnel")``.

``customer_records`` — customer records as they arrive (数据采集) from five sources
(:data:`SOURCES`: store sign-up 门店注册, website 官网, app, call centre 客服中心, third
parties 第三方), one row per record, **without** the member id: record_id, source,
source_zh, created_at, name, phone, email, gender, birth_year, city, card_number. Every
member of ``shop.customers`` has 1 + Poisson(0.8) records (at most 6): the first on the
join date from the channel they joined through, the others at uniform times until the end
of the data. The mess is that of real sign-up forms:

* **names**: typed in pinyin (``"Wang Weiming"``, ``"WEIMING WANG"``, ``"wang weiming"``)
  by part of the web, app, call-centre and third-party records; a character replaced by
  a homophone (同音字, the typical pinyin-input slip: 伟 → 玮, 静 → 婧) — most often at
  the call centre, where names are heard, not read; sometimes a character dropped;
* **phones** in several formats (``+86 138-1234-5678``, ``13812345678``,
  ``138 1234 5678``, ``0086 13812345678``, ``(+86)13812345678``); 2 % with one wrong
  digit;
* **e-mail** addresses with upper case and stray spaces;
* **birth years** one year off (3 %), **cities** in Chinese or English;
* **missing fields**, with a rate per source and field (:data:`FIELD_RATES`), but every
  record keeps at least one of name, phone, e-mail and card number.

The truth, ``shop.truth["customer_records"]``, gives the member (customer_id) behind every
record_id.

``prospects`` — leads (潜在客户) for lead scoring (识别模型), 2 per member: demographics
drawn from the members' own (gender, birth year, city and income band of a random member:
look-alike prospects), lead source, web visits, app installed, coupon claimed, referred by
a member, household shopper (the person who decides on purchases), distance to the nearest
store and marketing consent — and ``converted``, drawn from the **known logistic model**
:data:`PROSPECT_MODEL`: logit P(convert) = intercept + Σ coefficient × feature (features
defined in :func:`prospect_features`). The truth table gives each prospect's true
conversion probability (prospect_id, p_convert).

``funnel`` — the sales funnel (销售漏斗) of the prospects: lead → contacted → opportunity
→ won / lost, with the date each stage was reached (missing when it was not) and the
furthest ``stage``. Converted prospects are won; the others stop at lead, contacted or
opportunity (lost), with stage rates that depend on the lead source.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(200, seed=1).with_tables("customer_records")
>>> recs, truth = shop.customer_records, shop.truth["customer_records"]
>>> len(recs) == len(truth) and truth["customer_id"].nunique() == 200
True
>>> bool(recs[["name", "phone", "email", "card_number"]].notna().any(axis=1).all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..simulate import Retailer, register_table

# the same table as identify.NAME_PINYIN, from the catalogue (no analysis import)
NAME_PINYIN: dict[str, str] = cat.NAME_PINYIN

__all__ = [
    "SOURCES",
    "FIELD_RATES",
    "PROSPECT_MODEL",
    "LEAD_SOURCES",
    "simulate_customer_records",
    "simulate_prospects",
    "prospect_features",
    "simulate_funnel",
]

#: Record sources: code, Chinese name.
SOURCES: dict[str, str] = {
    "store": "门店注册",
    "web": "官网",
    "app": "APP",
    "call_centre": "客服中心",
    "third_party": "第三方数据",
}

#: Share of records of each source that carry each field.
FIELD_RATES: pd.DataFrame = pd.DataFrame(
    {
        "name": [0.98, 0.95, 0.80, 0.95, 0.90],
        "phone": [0.95, 0.70, 0.99, 0.95, 0.80],
        "email": [0.35, 0.98, 0.50, 0.20, 0.60],
        "gender": [0.90, 0.50, 0.60, 0.80, 0.85],
        "birth_year": [0.90, 0.60, 0.50, 0.30, 0.80],
        "city": [0.95, 0.70, 0.60, 0.50, 0.90],
        "card_number": [0.90, 0.10, 0.30, 0.20, 0.0],
    },
    index=list(SOURCES),
)

# per source: share of names typed in pinyin, with a homophone slip, with a dropped character
_PINYIN_RATE = {"store": 0.02, "web": 0.25, "app": 0.20, "call_centre": 0.10, "third_party": 0.35}
_HOMOPHONE_RATE = {
    "store": 0.08,
    "web": 0.05,
    "app": 0.05,
    "call_centre": 0.25,
    "third_party": 0.05,
}
_DROP_RATE = 0.02
_PHONE_TYPO = 0.02
_BIRTH_OFF = 0.03
_EXTRA_RECORDS = 0.8
_MAX_RECORDS = 6
_FIRST_SOURCE = {
    "store_signup": "store",
    "website": "web",
    "app": "app",
    "referral": "store",
    "event": "store",
}
_CITY_EN = {zh: en for en, zh, *_ in cat.CITIES}


def _homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = {}
    for ch, py in NAME_PINYIN.items():
        by_sound.setdefault(py, []).append(ch)
    return {ch: [o for o in by_sound[py] if o != ch] for ch, py in NAME_PINYIN.items()}


_HOMOPHONES = _homophones()


def _pinyin_name(name: str, rng: np.random.Generator) -> str:
    sur, given = NAME_PINYIN.get(name[0], name[0]), "".join(NAME_PINYIN.get(c, c) for c in name[1:])
    style = rng.integers(4)
    if style == 0:
        return f"{sur.title()} {given.title()}"
    if style == 1:
        return f"{given.upper()} {sur.upper()}"
    if style == 2:
        return f"{given.title()} {sur.title()}"
    return f"{sur} {given}"


def _messy_name(name: str, source: str, rng: np.random.Generator) -> str:
    chars = list(name)
    if rng.random() < _HOMOPHONE_RATE[source]:
        pos = [i for i, c in enumerate(chars) if _HOMOPHONES.get(c)]
        if pos:
            i = pos[rng.integers(len(pos))]
            alts = _HOMOPHONES[chars[i]]
            chars[i] = alts[rng.integers(len(alts))]
    if len(chars) == 3 and rng.random() < _DROP_RATE:
        del chars[1 + rng.integers(2)]
    name = "".join(chars)
    if rng.random() < _PINYIN_RATE[source]:
        return _pinyin_name(name, rng)
    return name if rng.random() > 0.03 else f" {name} "


def _messy_phone(phone: str, rng: np.random.Generator) -> str:
    digits = list(phone)
    if rng.random() < _PHONE_TYPO:
        i = 3 + rng.integers(8)
        digits[i] = str((int(digits[i]) + 1 + rng.integers(9)) % 10)
    p = "".join(digits)
    a, b, c = p[:3], p[3:7], p[7:]
    formats = (
        p,
        p,
        f"{a} {b} {c}",
        f"{a}-{b}-{c}",
        f"+86 {a}-{b}-{c}",
        f"+86{p}",
        f"0086 {p}",
        f"(+86){p}",
        f"86-{p}",
    )
    return formats[rng.integers(len(formats))]


def _messy_email(email: str, rng: np.random.Generator) -> str:
    u = rng.random()
    if u < 0.15:
        email = email.upper()
    elif u < 0.35:
        local, domain = email.split("@")
        email = ".".join(w.title() for w in local.split(".")) + "@" + domain
    if rng.random() < 0.15:
        email = [" ", "  ", "\t"][rng.integers(3)] + email
    if rng.random() < 0.15:
        email = email + " "
    return email


def _record_owners(
    customers: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How many records each customer leaves: the owner (position), source code and time
    (ns) of every record, the first one at joining through the acquisition channel."""
    n = len(customers)
    k = np.minimum(1 + rng.poisson(_EXTRA_RECORDS, size=n), _MAX_RECORDS)
    owner = np.repeat(np.arange(n), k)
    first = np.r_[True, owner[1:] != owner[:-1]]
    src_codes = list(SOURCES)
    acq = customers["acquisition_channel"].astype("str").map(_FIRST_SOURCE).fillna("store")
    first_src = acq.map(src_codes.index).to_numpy()
    other = rng.choice(len(src_codes), size=len(owner), p=[0.35, 0.2, 0.2, 0.15, 0.1])
    src = np.where(first, first_src[owner], other)
    join = customers["join_date"].to_numpy().astype("datetime64[ns]").astype("int64")
    end_ns = pd.Timestamp(end).value
    t = join[owner] + rng.random(len(owner)) * (end_ns - join[owner])
    t = np.where(first, join[owner], t).astype("int64")

    return owner, src, t


def _kept_fields(src: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Records × fields: which fields each record has (at least one identifying field)."""
    rates = FIELD_RATES.to_numpy()[src]  # records × fields
    keep = rng.random(rates.shape) < rates
    fields = list(FIELD_RATES.columns)
    ident = [fields.index(f) for f in ("name", "phone", "email", "card_number")]
    none = ~keep[:, ident].any(axis=1)
    keep[none, fields.index("phone")] = True  # nobody signs up with nothing at all
    return keep


def _messy_fields(
    customers: pd.DataFrame,
    owner: np.ndarray,
    src_name: np.ndarray,
    keep: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, object]:
    """The messy values of every record: name, phone, email, city, birth year, gender."""
    names = customers["name"].astype("str").to_numpy()
    phones = customers["phone"].astype("str").to_numpy()
    emails = customers["email"].astype("str").to_numpy()
    cities = customers["city_zh"].astype("str").to_numpy()
    genders = customers["gender"].astype("str").to_numpy()
    births = customers["birth_year"].to_numpy()
    cards = customers["card_number"].astype("str").to_numpy()

    rec_name, rec_phone, rec_email, rec_city = [], [], [], []
    for j, i in enumerate(owner):
        s = src_name[j]
        rec_name.append(_messy_name(names[i], s, rng) if keep[j, 0] else None)
        rec_phone.append(_messy_phone(phones[i], rng) if keep[j, 1] else None)
        rec_email.append(_messy_email(emails[i], rng) if keep[j, 2] else None)
        english = s in ("web", "third_party") and rng.random() < 0.3
        rec_city.append((_CITY_EN[cities[i]] if english else cities[i]) if keep[j, 5] else None)
    birth = births[owner] + np.where(
        rng.random(len(owner)) < _BIRTH_OFF, rng.choice([-1, 1], size=len(owner)), 0
    )
    gender_zh = np.where(genders[owner] == "F", "女", "男")
    gender = np.where(np.isin(src_name, ["store", "call_centre"]), gender_zh, genders[owner])

    return {"name": rec_name, "phone": rec_phone, "email": rec_email, "city": rec_city,
            "birth": birth, "gender": gender, "cards": cards}  # fmt: skip


def _records_frame(
    owner: np.ndarray, src_name: np.ndarray, t: np.ndarray, keep: np.ndarray, v: dict
) -> tuple[pd.DataFrame, np.ndarray]:
    """The records table in time order, and that order."""
    src_codes = list(SOURCES)
    order = np.argsort(t, kind="stable")
    rid = np.arange(1, len(owner) + 1, dtype="int64")

    def col(values: object, present: np.ndarray) -> pd.Series:
        s = pd.Series(np.asarray(values, dtype=object)[order], dtype="str")
        return s.where(present[order])

    records = pd.DataFrame(
        {
            "record_id": rid,
            "source": pd.Categorical(src_name[order], categories=src_codes),
            "source_zh": pd.Categorical(
                [SOURCES[s] for s in src_name[order]], categories=list(SOURCES.values())
            ),
            "created_at": pd.to_datetime(t[order] - t[order] % 10**9, unit="ns"),
            "name": col(v["name"], keep[:, 0]),
            "phone": col(v["phone"], keep[:, 1]),
            "email": col(v["email"], keep[:, 2]),
            "gender": col(v["gender"], keep[:, 3]),
            "birth_year": pd.array(np.where(keep[:, 4], v["birth"], 0)[order], dtype="Int64"),
            "city": col(v["city"], keep[:, 5]),
            "card_number": col(v["cards"][owner], keep[:, 6]),
        }
    )
    records["birth_year"] = records["birth_year"].mask(~keep[order, 4])
    return records, order


def simulate_customer_records(
    customers: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Messy records of ``customers`` (customer_id, name, phone, email, gender,
    birth_year, city_zh, join_date, acquisition_channel, card_number) and their truth
    (record_id, customer_id); see the module docstring."""
    owner, src, t = _record_owners(customers, end, rng)
    keep = _kept_fields(src, rng)
    src_name = np.array(list(SOURCES))[src]
    values = _messy_fields(customers, owner, src_name, keep, rng)
    records, order = _records_frame(owner, src_name, t, keep, values)
    rid = records["record_id"].to_numpy()
    truth = pd.DataFrame(
        {"record_id": rid, "customer_id": customers["customer_id"].to_numpy()[owner][order]}
    )
    return records, truth


@register_table("customer_records")
def _customer_records(
    shop: Retailer, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_customer_records(shop.customers, shop.end, rng)


# ----------------------------------------------------------------------------- prospects

#: Lead sources: code, Chinese name, share of leads.
LEAD_SOURCES: dict[str, tuple[str, float]] = {
    "store_event": ("门店活动", 0.25),
    "website_form": ("官网表单", 0.25),
    "social_media": ("社交媒体", 0.20),
    "referral": ("老会员推荐", 0.10),
    "purchased_list": ("外购名单", 0.20),
}

#: The true logistic model of conversion: logit P(convert) = intercept + Σ coef × feature,
#: with the features of :func:`prospect_features`.
PROSPECT_MODEL: dict[str, float] = {
    "intercept": -2.2,
    "income_level": 0.35,  # income band 0 (<5k) … 4 (>50k)
    "web_visits": 0.22,  # visits to the website in the last 90 days
    "app_installed": 0.8,
    "coupon_claimed": 0.6,
    "referred": 0.9,
    "household_shopper": 0.7,
    "log_distance": -0.6,  # log(1 + km to the nearest store)
    "age_decades": -0.15,  # (age − 40) / 10
}


def prospect_features(prospects: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The numeric features of :data:`PROSPECT_MODEL`, one row per prospect.

    ``as_of`` is the date ages are taken at (default: the latest ``created_at``).
    """
    as_of = pd.Timestamp(as_of) if as_of is not None else prospects["created_at"].max()
    bands = list(cat.INCOME_BANDS)
    return pd.DataFrame(
        {
            "income_level": prospects["income_band"].astype("str").map(bands.index).astype(float),
            "web_visits": prospects["web_visits"].astype(float),
            "app_installed": prospects["app_installed"].astype(float),
            "coupon_claimed": prospects["coupon_claimed"].astype(float),
            "referred": prospects["referred"].astype(float),
            "household_shopper": prospects["household_shopper"].astype(float),
            "log_distance": np.log1p(prospects["distance_km"].astype(float)),
            "age_decades": (as_of.year - prospects["birth_year"].astype(float) - 40) / 10,
        },
        index=prospects.index,
    )


def simulate_prospects(
    customers: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator, per_member: float = 2.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Look-alike prospects of ``customers`` with a conversion drawn from
    :data:`PROSPECT_MODEL`, and the truth (prospect_id, p_convert)."""
    n = max(int(round(per_member * len(customers))), 10)
    like = rng.integers(len(customers), size=n)
    src = list(LEAD_SOURCES)
    w = np.array([v[1] for v in LEAD_SOURCES.values()])
    source = rng.choice(len(src), size=n, p=w / w.sum())
    end = pd.Timestamp(end)
    start = end - pd.Timedelta(days=365)
    created = start + pd.to_timedelta(rng.random(n) * 300, unit="D")
    referred = source == src.index("referral")
    online = np.isin(source, [src.index("website_form"), src.index("social_media")])
    out = pd.DataFrame(
        {
            "prospect_id": np.arange(1, n + 1, dtype="int64"),
            "source": pd.Categorical(np.array(src)[source], categories=src),
            "source_zh": pd.Categorical(
                [LEAD_SOURCES[s][0] for s in np.array(src)[source]],
                categories=[v[0] for v in LEAD_SOURCES.values()],
            ),
            "created_at": pd.DatetimeIndex(created).floor("s"),
            "gender": customers["gender"].to_numpy()[like],
            "birth_year": customers["birth_year"].to_numpy()[like],
            "city": customers["city"].to_numpy()[like],
            "income_band": customers["income_band"].to_numpy()[like],
            "web_visits": rng.poisson(np.where(online, 3.0, 1.0)),
            "app_installed": rng.random(n) < np.where(online, 0.35, 0.2),
            "coupon_claimed": rng.random(n) < 0.3,
            "referred": referred | (rng.random(n) < 0.05),
            "household_shopper": rng.random(n) < 0.6,
            "distance_km": np.round(rng.lognormal(np.log(6), 0.8, size=n), 1),
            "consent": rng.random(n) < 0.85,
        }
    )
    for c in ("gender", "city", "income_band"):
        out[c] = pd.Categorical(out[c], categories=customers[c].cat.categories,
                                ordered=customers[c].cat.ordered)  # fmt: skip
    x = prospect_features(out, as_of=end)
    logit = PROSPECT_MODEL["intercept"] + sum(x[k] * v for k, v in PROSPECT_MODEL.items()
                                              if k != "intercept")  # fmt: skip
    p = 1 / (1 + np.exp(-logit.to_numpy()))
    out["converted"] = rng.random(n) < p
    return out, pd.DataFrame({"prospect_id": out["prospect_id"], "p_convert": p})


@register_table("prospects")
def _prospects(shop: Retailer, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_prospects(shop.customers, shop.end, rng)


# ----------------------------------------------------------------------------- funnel

# per lead source: P(contacted | not converted), P(opportunity | contacted, not converted)
_FUNNEL_RATES = {
    "store_event": (0.85, 0.45),
    "website_form": (0.70, 0.35),
    "social_media": (0.55, 0.25),
    "referral": (0.90, 0.55),
    "purchased_list": (0.40, 0.15),
}


def simulate_funnel(prospects: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The funnel of ``prospects`` (prospect_id, source, created_at, converted)."""
    n = len(prospects)
    src = prospects["source"].astype("str")
    p_contact = src.map({k: v[0] for k, v in _FUNNEL_RATES.items()}).to_numpy(dtype=float)
    p_opp = src.map({k: v[1] for k, v in _FUNNEL_RATES.items()}).to_numpy(dtype=float)
    won = prospects["converted"].to_numpy(dtype=bool)
    contacted = won | (rng.random(n) < p_contact)
    opportunity = won | (contacted & (rng.random(n) < p_opp))
    lead = pd.DatetimeIndex(prospects["created_at"])
    d1 = pd.to_timedelta(np.round(rng.gamma(2.0, 2.0, size=n), 3), unit="D")
    d2 = pd.to_timedelta(np.round(rng.gamma(2.0, 5.0, size=n), 3), unit="D")
    d3 = pd.to_timedelta(np.round(rng.gamma(2.0, 7.0, size=n), 3), unit="D")
    t_contact = (lead + d1).floor("s")
    t_opp = (t_contact + d2).floor("s")
    t_close = (t_opp + d3).floor("s")
    nat = pd.NaT
    stage = np.select([won, opportunity, contacted], ["won", "lost", "contacted"], default="lead")
    return pd.DataFrame(
        {
            "prospect_id": prospects["prospect_id"].to_numpy(),
            "source": prospects["source"].to_numpy(),
            "lead_date": lead,
            "contacted_date": pd.Series(t_contact).where(contacted, nat).to_numpy(),
            "opportunity_date": pd.Series(t_opp).where(opportunity, nat).to_numpy(),
            "won_date": pd.Series(t_close).where(won, nat).to_numpy(),
            "lost_date": pd.Series(t_close).where(opportunity & ~won, nat).to_numpy(),
            "stage": pd.Categorical(stage, categories=["lead", "contacted", "lost", "won"]),
        }
    )


@register_table("funnel", requires=("prospects",))
def _funnel(shop: Retailer, rng: np.random.Generator) -> pd.DataFrame:
    return simulate_funnel(shop.prospects, rng)
