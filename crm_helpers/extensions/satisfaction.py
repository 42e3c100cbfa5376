"""The simulated retailer's voice of the customer: surveys, complaints and staff ratings.

Four extra tables, added with ``shop.with_tables("surveys", "complaints", "staff",
"staff_ratings")``. Every one is generated from stated rules, and the truth is returned
with it, so chapter 04's analyses can be checked against what really drove the answers.

``surveys`` — satisfaction surveys (满意度调查), one row per response. A receipt in a
physical store is followed by a survey response with probability
:attr:`SurveyRules.response_rate`, dated the next day. Five **attribute scores**
(属性评分, 1–10: ``product_quality``, ``price``, ``staff``, ``speed``, ``environment``) are
``round(base mean + store effect + the customer's halo + noise)``, clipped to 1–10: the
store effects and the customer's halo (a general good or bad mood towards the shop) make
the attributes correlated, as they are in real surveys. **Overall satisfaction**
(总体满意度, ``overall``, 1–10) is ``round(intercept + Σ weight × attribute + noise)``: the
attributes drive it with the known weights :attr:`SurveyRules.weights` and nothing else
does, so a regression of ``overall`` on the attributes recovers the weights. The
**likelihood to recommend** (推荐意愿, ``recommend``, 0–10, the NPS question) is
``round(recommend_mean + recommend_slope × (overall before rounding − 7) + noise)``.
About :attr:`SurveyRules.comment_rate` of the clearly satisfied (overall ≥ 7) and clearly
dissatisfied (overall ≤ 5) respondents write a **comment** (``comment``, Chinese with
probability :attr:`SurveyRules.chinese_share`, else English; ``language`` ``zh``/``en``)
built from phrase templates: a positive phrase about their best-scored attribute, or a
negative one about their worst. ``sentiment`` is 1 (positive) or 0 (negative) for a
comment and missing without one. ``truth["surveys"]`` lists the intercept and weights
(``term``, ``weight``) and the base means of the attributes.

``complaints`` — complaints (投诉), one per receipt with probability
:attr:`ComplaintRules.rate`, opened within two days of the receipt through a ``channel``
(hotline 热线, store desk 门店服务台, app, WeChat 微信, email). Each has a ``type`` (the
cause, with the Pareto-shaped probabilities of :attr:`ComplaintRules.type_probs`), a
``severity`` (``low``/``medium``/``high``, with type-dependent probabilities), the
``first_response`` time (opened + a log-normal delay whose median depends on the
severity) and the ``resolved`` time (first response + a log-normal duration whose median
depends on the type and the severity). The ``outcome`` (refund 退款, replacement 换货,
coupon 补偿券, explanation 解释说明) depends on the type. A complaint is followed up
(回访, ``followed_up``) with probability :attr:`ComplaintRules.followup_rate`; then the
customer's ``satisfaction_after`` (1–10) is ``round(5 + 2 × resolved within the SLA +
outcome effect − 0.5 × high severity + noise)``, missing otherwise. The service-level
targets (SLA, 服务水平) are :data:`crm_helpers.satisfaction.DEFAULT_SLA`.
``truth["complaints"]`` gives, per type and severity, the probability of the type and of
the severity, the medians, and the exact probabilities that the first response and the
resolution meet the SLA (computed from the log-normal laws by Gauss–Hermite quadrature).

``staff`` and ``staff_ratings`` (the six-hearts rating, 六心) are generated in
:mod:`crm_helpers.extensions.staff`.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("surveys", "complaints")
>>> bool(shop.surveys["overall"].between(1, 10).all())
True
>>> sorted(shop.complaints["severity"].unique().tolist())
['high', 'low', 'medium']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from .. import _catalogue as cat
from ..simulate import Retailer, register_table

ATTRIBUTES: tuple[str, ...] = tuple(cat.SURVEY_ATTRIBUTES)
#: The service-level targets (the same table as ``crm_helpers.satisfaction.DEFAULT_SLA``).
DEFAULT_SLA = pd.DataFrame(
    list(cat.SLA_TARGETS), columns=["severity", "response_hours", "resolution_hours"]
)

__all__ = [
    "SurveyRules",
    "SURVEY_RULES",
    "ComplaintRules",
    "COMPLAINT_RULES",
    "PHRASES",
    "simulate_surveys",
    "simulate_complaints",
    "complaint_truth",
]


@dataclass(frozen=True)
class SurveyRules:
    """How the simulated survey answers are generated (see the module docstring)."""

    response_rate: float = 0.3
    base_means: dict[str, float] = field(
        default_factory=lambda: {
            "product_quality": 7.4,
            "price": 6.2,
            "staff": 6.5,
            "speed": 7.1,
            "environment": 7.6,
        }
    )
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "product_quality": 0.35,
            "price": 0.15,
            "staff": 0.25,
            "speed": 0.15,
            "environment": 0.05,
        }
    )
    intercept: float = 0.45
    store_sd: float = 0.6
    halo_sd: float = 0.8
    attribute_noise_sd: float = 1.2
    overall_noise_sd: float = 0.6
    segment_shift: dict[str, float] = field(
        default_factory=lambda: {"vip": 0.5, "family": 0.1, "bargain": -0.3, "occasional": 0.0}
    )
    recommend_mean: float = 7.6
    recommend_slope: float = 1.1
    recommend_noise_sd: float = 1.2
    comment_rate: float = 0.6
    chinese_share: float = 0.75


SURVEY_RULES = SurveyRules()

#: Comment phrases by language, attribute and sentiment (1 positive, 0 negative), and the
#: endings added after them.
PHRASES: dict[str, dict[str, dict[int, tuple[str, ...]]]] = {
    "zh": {
        "product_quality": {
            1: ("东西很新鲜，质量很好", "商品质量不错，很满意", "品质有保证，买得放心"),
            0: ("东西不新鲜，质量太差", "买到的商品有质量问题，很失望", "水果都坏了，质量很差"),
        },
        "price": {
            1: ("价格实惠，很划算", "性价比很高，优惠多", "价格公道，会员价很便宜"),
            0: ("价格太贵了，不划算", "东西越来越贵，性价比太低", "结账价格和标签不一样，很不满意"),
        },
        "staff": {
            1: ("店员服务热情，态度很好", "工作人员很耐心，服务周到", "导购很专业，非常热情"),
            0: ("店员态度很差，爱理不理", "服务员不耐烦，态度恶劣", "工作人员服务太差了"),
        },
        "speed": {
            1: ("结账很快，不用排队", "收银速度快，很方便", "效率很高，节省时间"),
            0: ("排队太久了，结账太慢", "等了很久都没人处理，太慢了", "收银台太少，排队半小时"),
        },
        "environment": {
            1: ("店里干净整洁，购物环境很舒服", "环境很好，货架整齐", "门店明亮干净，很舒服"),
            0: ("店里又脏又乱，环境很差", "货架乱七八糟，找不到东西", "环境太差，地上很脏"),
        },
        "_ending": {1: ("", "，下次还会再来", "，推荐！", "，好评"), 0: ("", "，不会再来了", "，很失望", "，差评")},
    },
    "en": {
        "product_quality": {
            1: ("The products are fresh and great quality", "Excellent quality, very happy with what I bought", "Great products, always fresh"),
            0: ("The food was not fresh and the quality was bad", "Poor quality products, very disappointed", "Bought rotten fruit, terrible quality"),
        },
        "price": {
            1: ("Great prices and good value", "Very good value for money", "Cheap, and lots of good deals"),
            0: ("Too expensive, not worth the money", "Prices are too high, poor value", "Overpriced, and the promotions are a joke"),
        },
        "staff": {
            1: ("The staff were friendly and very helpful", "Great service, the staff were so nice", "Friendly staff, excellent service"),
            0: ("The staff were rude and unhelpful", "Terrible service, the staff ignored me", "Rude staff, worst service ever"),
        },
        "speed": {
            1: ("Checkout was fast and easy", "Quick service, no waiting", "Very efficient, in and out fast"),
            0: ("Waited forever at the checkout, too slow", "The queue was very long and slow", "Slow service, wasted my time"),
        },
        "environment": {
            1: ("The store is clean and pleasant", "Nice clean store, well organised", "Lovely store, bright and tidy"),
            0: ("The store was dirty and messy", "Messy shelves, could not find anything", "Dirty floors, awful place"),
        },
        "_ending": {1: ("", ". Will come back!", ". Highly recommend.", ". Love it."), 0: ("", ". Never again.", ". Very disappointed.", ". Not recommended.")},
    },
}  # fmt: skip


def _store_receipts(shop: Retailer, rate: float, rng: np.random.Generator) -> pd.DataFrame:
    """The receipts in physical stores, each kept with probability ``rate``."""
    r = shop.receipts
    store = r[r["channel"].astype(str) == "store"]
    keep = rng.random(len(store)) < rate
    out = store.loc[keep, ["receipt_id", "customer_id", "timestamp", "store_id"]]
    out = out.assign(store_id=out["store_id"].astype(str))
    return out.reset_index(drop=True)


def _survey_scores(
    shop: Retailer, base: pd.DataFrame, rng: np.random.Generator, rules: SurveyRules
) -> tuple[np.ndarray, np.ndarray]:
    """Attribute scores 1–10: base mean + store effect + customer halo and segment shift +
    noise; and the base means."""
    n = len(base)
    stores = np.sort(shop.stores.loc[shop.stores["channel"] == "store", "store_id"].to_numpy())
    n_att = len(ATTRIBUTES)
    store_eff = rng.normal(0, rules.store_sd, size=(len(stores), n_att))
    s_idx = np.searchsorted(stores, base["store_id"].to_numpy())
    ids = np.sort(shop.customers["customer_id"].to_numpy())
    halo_c = rng.normal(0, rules.halo_sd, size=len(ids))
    c_idx = np.searchsorted(ids, base["customer_id"].to_numpy())
    seg = shop.truth["customers"].set_index("customer_id")["segment"]
    shift = seg.map(rules.segment_shift).reindex(ids).fillna(0.0).to_numpy(dtype=float)
    means = np.array([rules.base_means[a] for a in ATTRIBUTES])
    latent = (
        means[None, :]
        + store_eff[s_idx]
        + (halo_c[c_idx] + shift[c_idx])[:, None]
        + rng.normal(0, rules.attribute_noise_sd, size=(n, n_att))
    )
    scores = np.clip(np.rint(latent), 1, 10)
    return scores, means


def _survey_comments(
    rng: np.random.Generator, rules: SurveyRules, scores: np.ndarray, overall: np.ndarray
) -> tuple[list[object], np.ndarray, np.ndarray, np.ndarray]:
    """Comments, who writes one, their language, and whether each response is positive."""
    n, n_att = scores.shape
    # comments: the satisfied praise their best attribute, the dissatisfied blame the worst
    positive = overall >= 7
    clear = positive | (overall <= 5)
    writes = clear & (rng.random(n) < rules.comment_rate)
    lang = np.where(rng.random(n) < rules.chinese_share, "zh", "en")
    jitter = rng.random((n, n_att)) * 0.1  # breaks ties at random
    best = np.argmax(scores + jitter, axis=1)
    worst = np.argmin(scores + jitter, axis=1)
    about = np.where(positive, best, worst)
    u_phrase, u_end = rng.random(n), rng.random(n)
    comments: list[object] = []
    for i in range(n):
        if not writes[i]:
            comments.append(None)
            continue
        book = PHRASES[lang[i]]
        s = int(positive[i])
        phrases = book[ATTRIBUTES[about[i]]][s]
        endings = book["_ending"][s]
        text = phrases[int(u_phrase[i] * len(phrases))] + endings[int(u_end[i] * len(endings))]
        comments.append(text)
    return comments, writes, lang, positive


def simulate_surveys(
    shop: Retailer, rng: np.random.Generator, rules: SurveyRules = SURVEY_RULES
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The survey responses and their truth (see the module docstring)."""
    base = _store_receipts(shop, rules.response_rate, rng)
    n = len(base)
    scores, means = _survey_scores(shop, base, rng, rules)
    w = np.array([rules.weights[a] for a in ATTRIBUTES])
    overall_c = rules.intercept + scores @ w + rng.normal(0, rules.overall_noise_sd, size=n)
    overall = np.clip(np.rint(overall_c), 1, 10)
    rec_c = (
        rules.recommend_mean
        + rules.recommend_slope * (overall_c - 7.0)
        + rng.normal(0, rules.recommend_noise_sd, size=n)
    )
    recommend = np.clip(np.rint(rec_c), 0, 10)

    comments, writes, lang, positive = _survey_comments(rng, rules, scores, overall)
    out = pd.DataFrame(
        {
            "response_id": np.arange(1, n + 1, dtype="int64"),
            "customer_id": base["customer_id"].to_numpy(),
            "store_id": base["store_id"].to_numpy(),
            "date": (base["timestamp"].dt.normalize() + pd.Timedelta(days=1)).to_numpy(),
            **{a: scores[:, j].astype("int64") for j, a in enumerate(ATTRIBUTES)},
            "overall": overall.astype("int64"),
            "recommend": recommend.astype("int64"),
            "comment": pd.array(comments, dtype="string"),
            "language": pd.array(np.where(writes, lang, None), dtype="string"),
            "sentiment": pd.array(np.where(writes, positive.astype(int), None), dtype="Int64"),
        }
    )
    out = out[out["date"] < shop.end].reset_index(drop=True)
    out["response_id"] = np.arange(1, len(out) + 1, dtype="int64")
    truth = pd.DataFrame(
        {
            "term": ["intercept", *ATTRIBUTES],
            "weight": [rules.intercept, *w],
            "base_mean": [np.nan, *means],
        }
    )
    return out, truth


@register_table("surveys")
def _surveys(shop: Retailer, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_surveys(shop, rng)


# --------------------------------------------------------------------------- complaints


@dataclass(frozen=True)
class ComplaintRules:
    """How the simulated complaints are generated (see the module docstring)."""

    rate: float = 0.04
    channels: dict[str, float] = field(
        default_factory=lambda: {
            "hotline": 0.3,
            "store_desk": 0.25,
            "app": 0.2,
            "wechat": 0.15,
            "email": 0.1,
        }
    )
    type_probs: dict[str, float] = field(
        default_factory=lambda: {
            "waiting_time": 0.28,
            "product_quality": 0.24,
            "staff_attitude": 0.16,
            "price_billing": 0.12,
            "delivery": 0.08,
            "out_of_stock": 0.06,
            "membership_points": 0.04,
            "other": 0.02,
        }
    )
    #: probabilities of low, medium, high severity by type
    severity_probs: dict[str, tuple[float, float, float]] = field(
        default_factory=lambda: {
            "waiting_time": (0.6, 0.35, 0.05),
            "product_quality": (0.35, 0.4, 0.25),
            "staff_attitude": (0.4, 0.4, 0.2),
            "price_billing": (0.5, 0.35, 0.15),
            "delivery": (0.45, 0.4, 0.15),
            "out_of_stock": (0.7, 0.25, 0.05),
            "membership_points": (0.6, 0.35, 0.05),
            "other": (0.6, 0.3, 0.1),
        }
    )
    #: median hours from opening to the first response, by severity
    response_median: dict[str, float] = field(
        default_factory=lambda: {"low": 10.0, "medium": 2.5, "high": 0.6}
    )
    response_sigma: float = 0.8
    #: median hours from the first response to the resolution, by type (× severity factor)
    resolution_median: dict[str, float] = field(
        default_factory=lambda: {
            "waiting_time": 6.0,
            "product_quality": 30.0,
            "staff_attitude": 12.0,
            "price_billing": 10.0,
            "delivery": 36.0,
            "out_of_stock": 20.0,
            "membership_points": 16.0,
            "other": 12.0,
        }
    )
    severity_factor: dict[str, float] = field(
        default_factory=lambda: {"low": 1.5, "medium": 1.0, "high": 0.6}
    )
    resolution_sigma: float = 0.9
    #: probabilities of refund, replacement, coupon, explanation by type
    outcome_probs: dict[str, tuple[float, float, float, float]] = field(
        default_factory=lambda: {
            "waiting_time": (0.0, 0.0, 0.6, 0.4),
            "product_quality": (0.45, 0.4, 0.1, 0.05),
            "staff_attitude": (0.0, 0.0, 0.6, 0.4),
            "price_billing": (0.6, 0.0, 0.1, 0.3),
            "delivery": (0.3, 0.3, 0.3, 0.1),
            "out_of_stock": (0.0, 0.0, 0.5, 0.5),
            "membership_points": (0.0, 0.0, 0.5, 0.5),
            "other": (0.1, 0.1, 0.3, 0.5),
        }
    )
    outcome_effect: dict[str, float] = field(
        default_factory=lambda: {
            "refund": 1.0,
            "replacement": 0.8,
            "coupon": 0.5,
            "explanation": -0.5,
        }
    )
    sla_effect: float = 2.0
    high_severity_effect: float = -0.5
    satisfaction_base: float = 5.0
    satisfaction_noise_sd: float = 1.2
    followup_rate: float = 0.7


COMPLAINT_RULES = ComplaintRules()
_SEVERITIES = ("low", "medium", "high")
_OUTCOMES = ("refund", "replacement", "coupon", "explanation")


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u >= cum).sum(axis=1), probs.shape[1] - 1)


def complaint_truth(
    rules: ComplaintRules = COMPLAINT_RULES, sla: pd.DataFrame = DEFAULT_SLA
) -> pd.DataFrame:
    """Per type and severity: probabilities, medians and the exact chance of meeting the SLA.

    The first response meets its SLA with probability Φ((ln S₁ − ln m₁)/σ₁); the
    resolution (response time T plus a log-normal duration D) with probability
    E[Φ((ln(S₂ − T) − ln m₂)/σ₂); T < S₂], computed by Gauss–Hermite quadrature over T.

    >>> t = complaint_truth()
    >>> round(float(t["p_type"].sum() / 3), 6)  # each type appears once per severity
    1.0
    """
    sla = sla.set_index("severity")
    z, wq = np.polynomial.hermite_e.hermegauss(80)
    wq = wq / wq.sum()
    rows = []
    for typ, p_type in rules.type_probs.items():
        for k, sev in enumerate(_SEVERITIES):
            m1 = rules.response_median[sev]
            m2 = rules.resolution_median[typ] * rules.severity_factor[sev]
            s1, s2 = float(sla.at[sev, "response_hours"]), float(sla.at[sev, "resolution_hours"])
            p_resp = float(ndtr((np.log(s1) - np.log(m1)) / rules.response_sigma))
            t = m1 * np.exp(rules.response_sigma * z)
            left = np.where(t < s2, s2 - t, np.nan)
            inner = np.where(
                t < s2, ndtr((np.log(left) - np.log(m2)) / rules.resolution_sigma), 0.0
            )
            rows.append(
                {
                    "type": typ,
                    "severity": sev,
                    "p_type": p_type,
                    "p_severity": rules.severity_probs[typ][k],
                    "response_median_hours": m1,
                    "resolution_median_hours": m2,
                    "p_response_within_sla": p_resp,
                    "p_resolution_within_sla": float(np.sum(wq * inner)),
                }
            )
    return pd.DataFrame(rows)


def _complaint_times(
    rng: np.random.Generator,
    rules: ComplaintRules,
    bought: pd.Series,
    t_idx: np.ndarray,
    s_idx: np.ndarray,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """When each complaint is opened (within 48 h of the purchase), first answered and
    resolved: log-normal hours around the medians of its severity and type."""
    n = len(bought)
    types = list(rules.type_probs)
    m1 = np.array([rules.response_median[s] for s in _SEVERITIES])[s_idx]
    resp_h = m1 * np.exp(rules.response_sigma * rng.standard_normal(n))
    m2 = (
        np.array([rules.resolution_median[t] for t in types])[t_idx]
        * np.array([rules.severity_factor[s] for s in _SEVERITIES])[s_idx]
    )
    dur_h = m2 * np.exp(rules.resolution_sigma * rng.standard_normal(n))
    opened = (bought + pd.to_timedelta(rng.random(n) * 48.0, unit="h")).dt.floor("s")
    first = opened + pd.to_timedelta(resp_h, unit="h").round("s")
    resolved = first + pd.to_timedelta(dur_h, unit="h").round("s")
    return opened, first, resolved


def _satisfaction_after(
    rng: np.random.Generator,
    rules: ComplaintRules,
    within: np.ndarray,
    o_idx: np.ndarray,
    sev: np.ndarray,
) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    """Who was followed up, and their satisfaction 1–10 after the complaint (else missing)."""
    n = len(within)
    sat_c = (
        rules.satisfaction_base
        + rules.sla_effect * within
        + np.array([rules.outcome_effect[o] for o in _OUTCOMES])[o_idx]
        + rules.high_severity_effect * (sev == "high")
        + rng.normal(0, rules.satisfaction_noise_sd, size=n)
    )
    followed = rng.random(n) < rules.followup_rate
    sat = pd.array(np.where(followed, np.clip(np.rint(sat_c), 1, 10), np.nan), dtype="Int64")
    return followed, sat


def simulate_complaints(
    shop: Retailer,
    rng: np.random.Generator,
    rules: ComplaintRules = COMPLAINT_RULES,
    sla: pd.DataFrame = DEFAULT_SLA,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The complaints and their truth (see the module docstring)."""
    r = shop.receipts
    keep = rng.random(len(r)) < rules.rate
    base = r.loc[keep, ["customer_id", "timestamp", "store_id"]].reset_index(drop=True)
    n = len(base)
    types = list(rules.type_probs)
    t_idx = _pick(rng, np.tile(np.array([rules.type_probs[t] for t in types]), (n, 1)))
    sev_p = np.array([rules.severity_probs[t] for t in types])[t_idx]
    s_idx = _pick(rng, sev_p)
    chans = list(rules.channels)
    c_idx = _pick(rng, np.tile(np.array(list(rules.channels.values())), (n, 1)))
    sev = np.array(_SEVERITIES)[s_idx]
    typ = np.array(types)[t_idx]

    opened, first, resolved = _complaint_times(rng, rules, base["timestamp"], t_idx, s_idx)

    o_idx = _pick(rng, np.array([rules.outcome_probs[t] for t in types])[t_idx])
    outcome = np.array(_OUTCOMES)[o_idx]
    limit = sla.set_index("severity")["resolution_hours"].reindex(sev).to_numpy(dtype=float)
    hours = (resolved - opened).dt.total_seconds().to_numpy() / 3600
    within = hours <= limit
    followed, sat = _satisfaction_after(rng, rules, within, o_idx, sev)
    out = pd.DataFrame(
        {
            "complaint_id": np.arange(1, n + 1, dtype="int64"),
            "customer_id": base["customer_id"].to_numpy(),
            "store_id": base["store_id"].astype(str).to_numpy(),
            "channel": np.array(chans)[c_idx],
            "type": typ,
            "severity": sev,
            "opened": opened.to_numpy(),
            "first_response": first.to_numpy(),
            "resolved": resolved.to_numpy(),
            "outcome": outcome,
            "followed_up": followed,
            "satisfaction_after": sat,
        }
    )
    out = out.sort_values(["opened", "complaint_id"], kind="stable").reset_index(drop=True)
    out["complaint_id"] = np.arange(1, n + 1, dtype="int64")
    return out, complaint_truth(rules, sla)


@register_table("complaints")
def _complaints(shop: Retailer, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_complaints(shop, rng)
