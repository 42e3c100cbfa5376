"""The simulated retailer's communication: marketing contacts, campaigns and call-centre calls.

Three extra tables, added with ``shop.with_tables("contacts", "campaigns", "calls")``. All
three come from one draw (:func:`simulate_communication`, its own random stream), so they
agree with each other whichever are asked for.

**Campaigns** (营销活动): one a month over the whole period, on the 5th, with a theme, a
channel mix (``share_<channel>``, drawn at random; face to face is expensive and used
sparingly) and a target share of the members who had joined by then. One campaign,
in :attr:`ContactRules.ab_month`, is an **A/B test** (``ab_test``): every member is
contacted by SMS and randomly put in the ``control`` group (the standard message) or the
``treatment`` group (a personalised offer, 个性化优惠), half each.

**Contacts** (联系记录), one row per contact: ``contact_id``, ``campaign_id``,
``customer_id``, ``date`` (within the first week of the campaign), ``channel`` (drawn from
the campaign's mix), ``ab_group`` (``control`` / ``treatment``; missing outside the test),
``cost`` (:data:`crm_helpers.communicate.CHANNEL_COST`) and ``responded``.

**The response model.** Each member has a latent segment (``truth["customers"]``) and a
**preferred channel** drawn from the segment's channel preferences
(:attr:`ContactRules.preference`). Their response probability on channel *c* is::

    p(c) = base[segment] × channel_factor[c] × (preferred_boost if c is preferred else 1)

(capped at 0.95); with ``preferred_boost`` larger than any ratio of channel factors the
preferred channel is also the channel with the highest response probability. In the A/B
test the treatment adds ``uplift[segment]`` (absolute) to the SMS probability.

**Calls** (呼叫中心来电), the inbound hotline: ``call_id``, ``customer_id``, ``timestamp``,
``purpose`` (``inquiry`` 咨询, ``complaint`` 投诉, ``lead`` 购买意向), ``purchase_timing``
for leads (``within_1_month``, ``1_3_months``, ``3_6_months``) and ``converted`` (the lead
bought; False for other calls).

The truth: ``truth["contacts"]`` has one row per member: segment, ``preferred_channel``,
``p_<channel>`` for every channel, and ``p_control`` / ``p_treatment`` (the A/B test);
``truth["campaigns"]`` has the true uplift per segment (``uplift``, and the mean
``p_control`` and ``p_treatment`` over the test's members); ``truth["calls"]`` lists the
call model's parameters.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("contacts", "campaigns")
>>> sorted(shop.contacts["channel"].unique()) == sorted(crm.communicate.CHANNELS)
True
>>> int(shop.campaigns["ab_test"].sum())
1
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..simulate import Retailer, register_parts

CHANNELS: tuple[str, ...] = tuple(c[0] for c in cat.CHANNEL_LIST)
CHANNEL_COST: dict[str, float] = {c[0]: c[2] for c in cat.CHANNEL_LIST}

__all__ = ["ContactRules", "CONTACT_RULES", "simulate_communication"]

_THEMES = (
    ("new arrivals", "新品上市"),
    ("member day", "会员日"),
    ("festival sale", "节日促销"),
    ("points reminder", "积分提醒"),
    ("spend-and-save", "满减优惠"),
    ("care message", "关怀问候"),
)


@dataclass(frozen=True)
class ContactRules:
    """The stated rules of the simulated communication (see the module docstring)."""

    base: dict[str, float] = field(
        default_factory=lambda: {"vip": 0.10, "family": 0.07, "bargain": 0.10, "occasional": 0.05}
    )
    channel_factor: dict[str, float] = field(
        default_factory=lambda: {
            "hotline": 1.3,
            "sms": 0.9,
            "email": 0.7,
            "push": 0.8,
            "social": 1.0,
            "face_to_face": 1.5,
        }  # fmt: skip
    )
    preferred_boost: float = 5.0
    #: probability of each channel being a member's preferred one, by segment
    preference: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "vip": {
                "hotline": 0.15,
                "sms": 0.10,
                "email": 0.20,
                "push": 0.15,
                "social": 0.10,
                "face_to_face": 0.30,
            },
            "family": {
                "hotline": 0.10,
                "sms": 0.20,
                "email": 0.10,
                "push": 0.30,
                "social": 0.25,
                "face_to_face": 0.05,
            },
            "bargain": {
                "hotline": 0.10,
                "sms": 0.35,
                "email": 0.15,
                "push": 0.25,
                "social": 0.10,
                "face_to_face": 0.05,
            },
            "occasional": {
                "hotline": 0.05,
                "sms": 0.10,
                "email": 0.25,
                "push": 0.20,
                "social": 0.38,
                "face_to_face": 0.02,
            },
        }  # fmt: skip
    )
    #: absolute uplift of the treatment in the A/B test, by segment
    uplift: dict[str, float] = field(
        default_factory=lambda: {"vip": 0.03, "family": 0.05, "bargain": 0.08, "occasional": 0.01}
    )
    target_share: tuple[float, float] = (0.6, 0.9)
    face_to_face_weight: float = 0.25
    ab_month: str = "2025-09"
    ab_channel: str = "sms"
    contact_window_days: int = 7
    calls_per_year: float = 0.4
    call_purpose: dict[str, float] = field(
        default_factory=lambda: {"inquiry": 0.6, "complaint": 0.2, "lead": 0.2}
    )
    lead_timing: dict[str, float] = field(
        default_factory=lambda: {"within_1_month": 0.3, "1_3_months": 0.4, "3_6_months": 0.3}
    )
    lead_conversion: dict[str, float] = field(
        default_factory=lambda: {"within_1_month": 0.45, "1_3_months": 0.25, "3_6_months": 0.1}
    )


CONTACT_RULES = ContactRules()


def _stream(seed: int) -> np.random.Generator:
    # one stream shared by the three tables, so that they agree with each other
    return np.random.default_rng([int(seed), zlib.crc32(b"extra:communication")])


def _member_truth(
    segments: pd.Series, rng: np.random.Generator, rules: ContactRules
) -> pd.DataFrame:
    seg = segments.to_numpy().astype(str)
    pref = np.empty(len(seg), dtype=object)
    for s in np.unique(seg):
        idx = np.flatnonzero(seg == s)
        probs = np.array([rules.preference[s][c] for c in CHANNELS])
        pref[idx] = np.asarray(CHANNELS, dtype=object)[
            rng.choice(len(CHANNELS), size=len(idx), p=probs / probs.sum())
        ]
    base = pd.Series(seg).map(rules.base).to_numpy()
    out = pd.DataFrame({"customer_id": segments.index.to_numpy(), "segment": seg,
                        "preferred_channel": pref})  # fmt: skip
    for c in CHANNELS:
        boost = np.where(pref == c, rules.preferred_boost, 1.0)
        out[f"p_{c}"] = np.minimum(base * rules.channel_factor[c] * boost, 0.95)
    out["p_control"] = out[f"p_{rules.ab_channel}"]
    out["p_treatment"] = np.minimum(out["p_control"] + pd.Series(seg).map(rules.uplift), 0.95)
    return out


def _campaigns(
    start: pd.Timestamp, end: pd.Timestamp, rng: np.random.Generator, rules: ContactRules
) -> pd.DataFrame:
    months = pd.date_range(start.to_period("M").start_time, end, freq="MS")
    starts = months + pd.Timedelta(days=4)
    starts = starts[starts + pd.Timedelta(days=rules.contact_window_days) <= end]
    k = len(starts)
    weights = rng.dirichlet(np.ones(len(CHANNELS)), size=k)
    weights[:, CHANNELS.index("face_to_face")] *= rules.face_to_face_weight
    weights /= weights.sum(axis=1, keepdims=True)
    ab = np.asarray(starts.strftime("%Y-%m") == rules.ab_month)
    weights[ab] = np.eye(len(CHANNELS))[CHANNELS.index(rules.ab_channel)]
    theme = np.arange(k) % len(_THEMES)
    out = pd.DataFrame(
        {
            "campaign_id": [f"C{i + 1:02d}" for i in range(k)],
            "name": [_THEMES[t][0] for t in theme],
            "name_zh": [_THEMES[t][1] for t in theme],
            "start": starts,
            "end": starts + pd.Timedelta(days=rules.contact_window_days + 13),
            "ab_test": ab,
            "target_share": np.where(ab, 1.0, rng.uniform(*rules.target_share, size=k)),
        }
    )
    out.loc[ab, ["name", "name_zh"]] = ["A/B test: personalised offer", "A/B测试：个性化优惠"]
    for j, c in enumerate(CHANNELS):
        out[f"share_{c}"] = weights[:, j]
    return out


def _contacts(
    campaigns: pd.DataFrame,
    join: pd.Series,
    truth: pd.DataFrame,
    rng: np.random.Generator,
    rules: ContactRules,
) -> pd.DataFrame:
    ids = join.index.to_numpy()
    join_ns = join.to_numpy().astype("datetime64[ns]")
    p = truth.set_index("customer_id").loc[ids]
    p_chan = p[[f"p_{c}" for c in CHANNELS]].to_numpy()
    parts = []
    for row in campaigns.itertuples(index=False):
        members = np.flatnonzero(join_ns < np.datetime64(row.start))
        take = members[rng.random(len(members)) < row.target_share]
        mix = np.array([getattr(row, f"share_{c}") for c in CHANNELS])
        chan = rng.choice(len(CHANNELS), size=len(take), p=mix / mix.sum())
        prob = p_chan[take, chan]
        group = np.full(len(take), None, dtype=object)
        if row.ab_test:
            treated = rng.random(len(take)) < 0.5
            group = np.where(treated, "treatment", "control").astype(object)
            prob = np.where(treated, p["p_treatment"].to_numpy()[take], prob)
        day = rng.integers(0, rules.contact_window_days, size=len(take))
        parts.append(
            pd.DataFrame(
                {
                    "campaign_id": row.campaign_id,
                    "customer_id": ids[take],
                    "date": row.start + pd.to_timedelta(day, unit="D"),
                    "channel": np.asarray(CHANNELS, dtype=object)[chan],
                    "ab_group": group,
                    "responded": rng.random(len(take)) < prob,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["date", "campaign_id", "customer_id"], kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "contact_id", np.arange(1, len(out) + 1))
    out["channel"] = pd.Categorical(out["channel"], categories=list(CHANNELS))
    out["ab_group"] = pd.Categorical(out["ab_group"], categories=["control", "treatment"])
    out["cost"] = out["channel"].map(CHANNEL_COST).astype(float)
    return out[["contact_id", "campaign_id", "customer_id", "date", "channel", "ab_group",
                "cost", "responded"]]  # fmt: skip


def _calls(
    join: pd.Series, end: pd.Timestamp, rng: np.random.Generator, rules: ContactRules
) -> pd.DataFrame:
    ids = join.index.to_numpy()
    years = ((end - join).dt.days.clip(lower=0) / 365.25).to_numpy()
    n = rng.poisson(rules.calls_per_year * years)
    who = np.repeat(np.arange(len(ids)), n)
    span = (end - join).to_numpy()[who].astype("timedelta64[s]").astype("int64")
    when = join.to_numpy()[who] + (rng.random(len(who)) * span).astype("timedelta64[s]")
    purposes = list(rules.call_purpose)
    pp = np.array(list(rules.call_purpose.values()))
    purpose = np.asarray(purposes, dtype=object)[
        rng.choice(len(pp), size=len(who), p=pp / pp.sum())
    ]
    timings = list(rules.lead_timing)
    tp = np.array(list(rules.lead_timing.values()))
    timing = np.asarray(timings, dtype=object)[rng.choice(len(tp), size=len(who), p=tp / tp.sum())]
    timing = np.where(purpose == "lead", timing, None)
    conv_p = pd.Series(timing).map(rules.lead_conversion).fillna(0.0).to_numpy()
    converted = rng.random(len(who)) < conv_p
    out = pd.DataFrame(
        {
            "customer_id": ids[who],
            "timestamp": pd.to_datetime(when).floor("min"),
            "purpose": purpose,
            "purchase_timing": timing,
            "converted": converted,
        }
    ).sort_values(["timestamp", "customer_id"], kind="stable")
    out.insert(0, "call_id", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


# the last draw, so that asking for the three tables draws once; the key holds the customer
# table itself (not only its id), so the id cannot be reused by another table meanwhile
_LAST: list[tuple[tuple, dict[str, pd.DataFrame]]] = []


def simulate_communication(
    shop: Retailer, rules: ContactRules = CONTACT_RULES
) -> dict[str, pd.DataFrame]:
    """Campaigns, contacts and calls for ``shop``, with their truth (one random stream).

    Returns a dict with ``campaigns``, ``contacts``, ``calls``, ``member_truth`` (one row
    per member), ``uplift_truth`` (per segment) and ``call_truth``. The tables are new
    copies on every call.
    """
    customers = shop.tables["customers"]
    key = (shop.config.seed, shop.config.start, shop.config.end, rules, id(customers),
           id(shop.truth["customers"]))  # fmt: skip
    if not (_LAST and _LAST[0][0] == key):
        _LAST[:] = [(key, _simulate(shop, rules)), (customers, shop.truth["customers"])]
    return {name: df.copy() for name, df in _LAST[0][1].items()}


def _simulate(shop: Retailer, rules: ContactRules) -> dict[str, pd.DataFrame]:
    rng = _stream(shop.config.seed)
    seg = shop.truth["customers"].set_index("customer_id")["segment"].astype(str)
    join = shop.customers.set_index("customer_id")["join_date"]
    join = pd.to_datetime(join).reindex(seg.index)
    start = pd.Timestamp(shop.config.start)
    end = shop.end
    member_truth = _member_truth(seg, rng, rules)
    campaigns = _campaigns(start, end, rng, rules)
    contacts = _contacts(campaigns, join, member_truth, rng, rules)
    per = contacts.groupby("campaign_id", observed=True).agg(
        n_contacts=("contact_id", "size"), cost=("cost", "sum")
    )
    campaigns = campaigns.join(per, on="campaign_id")
    campaigns[["n_contacts", "cost"]] = campaigns[["n_contacts", "cost"]].fillna(0)
    campaigns["n_contacts"] = campaigns["n_contacts"].astype("int64")
    calls = _calls(join, end, rng, rules)
    ab_id = campaigns.loc[campaigns["ab_test"], "campaign_id"]
    in_test = contacts.loc[contacts["campaign_id"].isin(ab_id), "customer_id"].unique()
    t = member_truth[member_truth["customer_id"].isin(in_test)]
    uplift = (
        t.assign(uplift=t["p_treatment"] - t["p_control"])
        .groupby("segment")[["p_control", "p_treatment", "uplift"]]
        .mean()
        .reset_index()
    )
    uplift["members"] = t.groupby("segment").size().reindex(uplift["segment"]).to_numpy()
    params = {k: str(v) for k, v in asdict(rules).items()}
    call_truth = pd.DataFrame({"parameter": list(params), "value": list(params.values())})
    return {
        "campaigns": campaigns,
        "contacts": contacts,
        "calls": calls,
        "member_truth": member_truth,
        "uplift_truth": uplift,
        "call_truth": call_truth,
    }


register_parts(
    simulate_communication,
    {"contacts": "member_truth", "campaigns": "uplift_truth", "calls": "call_truth"},
)
