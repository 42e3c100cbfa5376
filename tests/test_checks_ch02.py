"""Chapter 02 checks: right answers pass, each typical mistake gets its hint, and no
message contains the expected value. Expected figures are worked out by hand below."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from crm_helpers.checks import ExerciseError, check


def _fails(exercise, *answer, hint, secret=None, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    msg = str(err.value)
    if secret is not None:
        assert str(secret) not in msg.split(":", 1)[1]  # after "Exercise 02.n:"
    return msg


def test_placeholders_are_not_answered_yet():
    for ex, ctx in (("02.1", {}), ("02.2", {}), ("02.5", {}), ("02.6", {"prospects": None})):
        with pytest.raises(ExerciseError, match="not answered yet"):
            check(ex, None, **ctx)

    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="not answered yet"):
        check("02.3", stub)


# --------------------------------------------------------------------------- 02.1
def _right_phone(v):
    if v is None:
        return None
    d = re.sub(r"\D", "", str(v))
    if d.startswith("00"):
        d = d[2:]
    if len(d) == 13 and d.startswith("86"):
        d = d[2:]
    return "86" + d if re.fullmatch(r"1\d{10}", d) else None


def test_02_1_clean_phone():
    assert "Right" in repr(check("02.1", _right_phone))
    recs = pd.DataFrame({"phone": ["+86 139-0000-1111", "15011112222", "0086 17700001111"]})
    assert "Right" in repr(check("02.1", _right_phone, records=recs))
    _fails("02.1", lambda v: v and "86" + re.sub(r"\D", "", v)[-11:], hint="not an 11-digit")
    _fails(
        "02.1",
        lambda v: None if _right_phone(v) is None else v,
        hint="not digits",
        secret="8613812345678",
    )
    _fails("02.1", lambda v: _right_phone(v) and _right_phone(v)[2:], hint="11 digits only")

    def keeps_00(v):
        if v is None:
            return None
        d = re.sub(r"\D", "", str(v))
        if len(d) == 13 and d.startswith("86"):
            return d
        if len(d) == 11 and d.startswith("1"):
            return "86" + d
        return d if d.startswith("0086") else None

    _fails("02.1", keeps_00, hint="international prefix 00")

    def always_86(v):
        if v is None:
            return None
        d = re.sub(r"\D", "", str(v)).removeprefix("00")
        return "86" + d if len(d) in (11, 13) and d[:1] in "18" else None

    _fails("02.1", always_86, hint="already had")
    _fails("02.1", lambda v: None, hint="gave nothing")
    _fails("02.1", lambda v: None if _right_phone(v) is None else 1, hint="a string")
    _fails("02.1", 5, hint="should be a function")


# --------------------------------------------------------------------------- 02.2
# mapping {1,2,3} {4,5}; truth {1,2} {3,4} {5}: predicted pairs 3 + 1 = 4, true pairs 2,
# both 1 (1–2): precision 1/4, recall 1/2.
def test_02_2_pair_precision_recall():
    assert "Right" in repr(check("02.2", lambda m, t: (0.25, 0.5)))
    assert "Right" in repr(check("02.2", lambda m, t: {"precision": 0.25, "recall": 0.5}))
    _fails("02.2", lambda m, t: (0.5, 0.25), hint="swapped", secret="0.25")
    _fails("02.2", lambda m, t: (2 / 3, 0.5), hint="compared numbers of customers")
    _fails("02.2", lambda m, t: (0.3, 0.5), hint="a group of n records holds")
    _fails("02.2", lambda m, t: 0.25, hint="tuple of two numbers")


# --------------------------------------------------------------------------- 02.3
# links 1–2, 3–4, 6–7, 2–3 over records 1..7: groups {1,2,3,4} {5} {6,7}.
RIGHT_GROUPS = {1: 1, 2: 1, 3: 1, 4: 1, 5: 5, 6: 6, 7: 6}


def test_02_3_group_records():
    assert "Right" in repr(check("02.3", lambda ids, links: dict(RIGHT_GROUPS)))
    assert "Right" in repr(check("02.3", lambda ids, links: pd.Series(RIGHT_GROUPS)))
    # direct links only: 1→min(1,2)=1, 2→min(2,1,3)=1, 3→min(3,4,2)=2, 4→3, ...
    direct = {1: 1, 2: 1, 3: 2, 4: 3, 5: 5, 6: 6, 7: 6}
    _fails("02.3", lambda ids, links: direct, hint="only direct links")
    no_single = {k: v for k, v in RIGHT_GROUPS.items() if k != 5}
    _fails("02.3", lambda ids, links: no_single, hint="without any link")
    largest = {1: 4, 2: 4, 3: 4, 4: 4, 5: 5, 6: 7, 7: 7}
    _fails("02.3", lambda ids, links: largest, hint="smallest")
    wrong = {1: 1, 2: 1, 3: 3, 4: 3, 5: 5, 6: 6, 7: 6}
    _fails("02.3", lambda ids, links: wrong, hint="not the connected groups")
    _fails("02.3", lambda ids, links: [1, 1], hint="should return a Series")


# --------------------------------------------------------------------------- 02.4
PROFILE = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "is_buyer": [True, True, True, True, True, False, True, True],
        "n_visits": [10, 12, 9, 30, 11, 0, 10, 11],
        "recency_days": [90.0, 10.0, 5.0, 200.0, 91.0, np.nan, 50.0, 90.0],
    }
)
# loyal: 1, 2, 7, 8. Slips: "> 10" gives 2, 8; "< 90" gives 2, 7; ">= 90" gives 1, 4, 5, 8.


def test_02_4_loyal_rule():
    assert "Right" in repr(check("02.4", "is_buyer and n_visits >= 10 and recency_days <= 90",
                                 profile=PROFILE))  # fmt: skip
    assert "Right" in repr(check("02.4", "n_visits >= 10 and recency_days <= 90", profile=PROFILE))
    _fails("02.4", "n_visits > 10 and recency_days <= 90", profile=PROFILE, hint="includes 10")
    _fails("02.4", "n_visits >= 10 and recency_days < 90", profile=PROFILE, hint="includes day 90")
    _fails("02.4", "n_visits >= 10 or recency_days <= 90", profile=PROFILE, hint="not or")
    _fails("02.4", "n_visits >= 10 and recency_days >= 90", profile=PROFILE, hint="small recency")
    _fails("02.4", "n_visits >= 20", profile=PROFILE, hint="at least 10 visits")
    _fails("02.4", "len(n_visits) > 3", profile=PROFILE, hint="cannot be used.*Call")
    _fails("02.4", 10, profile=PROFILE, hint="as a string")


# --------------------------------------------------------------------------- 02.5
# 20 prospects, 4 converters (overall 0.2). Top 2 scores (0.95 y=1, 0.9 y=0): rate 0.5,
# lift 2.5, gain 1/4. Bottom 2 (0.1, 0.15): no converter, lift 0.
def _lift(y, s):
    d = pd.DataFrame({"y": np.asarray(y, float), "s": np.asarray(s, float)})
    d = d.sort_values("s", ascending=False, kind="stable")
    top = d.head(-(-len(d) // 10))
    return top["y"].mean() / d["y"].mean()


def test_02_5_top_decile_lift():
    assert "Right" in repr(check("02.5", _lift))
    rng = np.random.default_rng(0)
    y, s = rng.random(97) < 0.3, rng.random(97)
    assert "Right" in repr(check("02.5", _lift, y=y, score=s))
    _fails("02.5", lambda y, s: 0.25, hint="That is the gain", secret="2.5")
    _fails("02.5", lambda y, s: 0.5, hint="conversion rate. Lift divides", secret="2.5")
    _fails("02.5", lambda y, s: 0.0, hint="lowest scores", secret="2.5")
    _fails("02.5", lambda y, s: 1.0, hint="Not the lift of the top decile", secret="2.5")


# --------------------------------------------------------------------------- 02.6
# five prospects; with 10 km: 1 qualifies; with 15 km: 1 and 2; four or more: 1, 2, 3;
# any: all five.
PROSPECTS = pd.DataFrame(
    {
        "prospect_id": [1, 2, 3, 4, 5],
        "income_band": ["10k-20k", "10k-20k", "<5k", "<5k", "10k-20k"],
        "web_visits": [1, 2, 3, 0, 0],
        "coupon_claimed": [False] * 5,
        "household_shopper": [True, True, True, False, False],
        "distance_km": [5.0, 12.0, 3.0, 50.0, 50.0],
        "consent": [True, True, True, True, False],
        "birth_year": [1990] * 5,
        "created_at": pd.to_datetime(["2025-05-01"] * 5),
    }
)


def test_02_6_n_qualified():
    assert "Right" in repr(check("02.6", 1, prospects=PROSPECTS))
    _fails("02.6", 2, prospects=PROSPECTS, hint="default 15 km")
    _fails("02.6", 3, prospects=PROSPECTS, hint="four or more")
    _fails("02.6", 5, prospects=PROSPECTS, hint="any criterion")
    _fails("02.6", 4, prospects=PROSPECTS, hint="do not qualify")
    _fails("02.6", 7, prospects=PROSPECTS, hint="Not the number", secret=" 1 ")
    _fails("02.6", pd.Series([1]), prospects=PROSPECTS, hint="one number")


# --------------------------------------------------------------------------- 02.7
# web: 3 leads, 2 contacted, 1 opportunity, 1 won -> win rate 1.0, lead_to_won 1/3,
# opportunity_rate 1/2, won/contacted 1/2 … store: 2 leads, 2 contacted, 2 opportunities,
# 1 won -> 0.5, 0.5, 1.0, 0.5.
FUNNEL = pd.DataFrame(
    {
        "source": ["web", "web", "web", "store", "store"],
        "lead_date": pd.to_datetime(["2025-01-01"] * 5),
        "contacted_date": pd.to_datetime(["2025-01-02", "2025-01-04", None, "2025-01-03", "2025-01-03"]),
        "opportunity_date": pd.to_datetime(["2025-01-10", None, None, "2025-01-05", "2025-01-06"]),
        "won_date": pd.to_datetime(["2025-01-20", None, None, "2025-01-09", None]),
    }
)  # fmt: skip


def test_02_7_win_rate_by_source():
    def right(f):
        reached = f[["opportunity_date", "won_date"]].notna().groupby(f["source"]).sum()
        return reached["won_date"] / reached["opportunity_date"]

    assert "Right" in repr(check("02.7", right, funnel=FUNNEL))
    lead = pd.Series({"web": 1 / 3, "store": 0.5})
    _fails("02.7", lambda f: lead, funnel=FUNNEL, hint="all leads")
    opp = pd.Series({"web": 0.5, "store": 1.0})
    _fails("02.7", lambda f: opp, funnel=FUNNEL, hint="opportunities / contacted")
    # won / contacted: web 1/2, store 1/2
    _fails("02.7", lambda f: pd.Series({"web": 0.5, "store": 0.5}), funnel=FUNNEL,
           hint="contacted leads")  # fmt: skip
    _fails(
        "02.7", lambda f: pd.Series({"web": 1.0}), funnel=FUNNEL, hint="one value per lead source"
    )
    _fails("02.7", lambda f: 0.5, funnel=FUNNEL, hint="a Series indexed by source")
    _fails("02.7", lambda f: pd.Series({"web": 0.9, "store": 0.5}), funnel=FUNNEL,
           hint="Not won / opportunities")  # fmt: skip


# --------------------------------------------------------------------------- 02.9, 02.10
# app: session 1 searches (found) and buys; 2 searches (nothing found) and leaves; 5 buys
# without searching. web: session 3 searches, views and carts; 4 only visits.
def _events():
    rows = [
        (1, "app", ["visit", "search", "view", "cart", "purchase"]),
        (2, "app", ["visit", "search"]),
        (5, "app", ["visit", "view", "cart", "purchase"]),
        (3, "web", ["visit", "search", "view", "cart"]),
        (4, "web", ["visit"]),
    ]
    out = []
    for sid, tp, evs in rows:
        for k, e in enumerate(evs):
            found = {1: True, 2: False, 3: True}.get(sid) if e == "search" else None
            out.append((sid, sid * 10, pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=sid * 60 + k),
                        tp, e, None if e == "visit" else "home", found))  # fmt: skip
    cols = ["session_id", "customer_id", "timestamp", "touchpoint", "event", "category",
            "search_found"]  # fmt: skip
    return pd.DataFrame(out, columns=cols)


EV = _events()


def _search_to_buy(ev, denominator="searched"):
    searched = set(ev.loc[ev["event"] == "search", "session_id"])
    bought = set(ev.loc[ev["event"] == "purchase", "session_id"])
    s = ev.drop_duplicates("session_id").set_index("session_id")
    hit = s.index.isin(searched) & s.index.isin(bought)
    base = s.index.isin(searched) if denominator == "searched" else np.ones(len(s), bool)
    g = pd.DataFrame({"tp": s["touchpoint"], "hit": hit, "base": base}).groupby("tp")
    return g["hit"].sum() / g["base"].sum()


def test_02_9_search_to_buy_by_hand():
    right = _search_to_buy(EV)
    assert right.tolist() == [0.5, 0.0]  # app 1 of 2 searching sessions; web 0 of 1
    assert "Right" in repr(check("02.9", _search_to_buy, events=EV))
    all_sessions = lambda ev: _search_to_buy(ev, "all")  # noqa: E731 (app 1/3)
    _fails("02.9", all_sessions, events=EV, hint="divided by all sessions", secret=0.5)
    purchase_rate = lambda ev: pd.Series({"app": 2 / 3, "web": 0.0})  # noqa: E731
    _fails("02.9", purchase_rate, events=EV, hint="purchase rate of all sessions")
    _fails("02.9", lambda ev: pd.Series({"app": 0.5}), events=EV, hint="one value per touchpoint")
    _fails("02.9", lambda ev: 0.5, events=EV, hint="Series indexed by touchpoint")


def _reach(ev):
    n = ev.pivot_table(index="touchpoint", columns="event", values="session_id", aggfunc="nunique")
    n = n.reindex(columns=["visit", "view", "cart", "purchase"]).fillna(0)
    return n.div(n["visit"], axis=0)


def test_02_10_stage_reach_by_hand():
    right = _reach(EV)
    assert right.loc["app"].tolist() == pytest.approx([1, 2 / 3, 2 / 3, 2 / 3])
    assert right.loc["web"].tolist() == [1, 0.5, 0.5, 0]
    assert "Right" in repr(check("02.10", _reach, events=EV))
    step = lambda ev: _reach(ev) / _reach(ev).shift(axis=1).fillna(1.0)  # noqa: E731
    _fails("02.10", lambda ev: step(ev).fillna(0), events=EV, hint="stage before")
    _fails("02.10", lambda ev: _reach(ev).drop(columns="cart"), events=EV, hint="missing")
    _fails("02.10", lambda ev: _reach(ev) * 0.9, events=EV, hint="Not yet", secret="0.66")
