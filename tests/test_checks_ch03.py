"""Chapter 03's in-notebook checks: right answers pass, each typical mistake gets its hint,
and no hint shows the expected value. Small hand-computed tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crm_helpers.checks import ExerciseError, check

# SMS: 4 contacts, 1 response, cost 0.4 -> rate 0.25, cost per response 0.4
# email: 2 contacts, 1 response, cost 0.04 -> rate 0.5, cost per response 0.04
# hotline: 2 contacts, 2 responses, cost 8 -> rate 1, cost per response 4
CONTACTS = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "channel": ["sms", "sms", "sms", "sms", "email", "email", "hotline", "hotline"],
        "responded": [True, False, False, False, True, False, True, True],
        "cost": [0.1, 0.1, 0.1, 0.1, 0.02, 0.02, 4.0, 4.0],
    }
)

# A/B: control 2 of 10 respond (0.2), treatment 6 of 10 (0.6); segments a (1-5, 11-15), b
# control: a 1/5, b 1/5; treatment: a 5/5, b 1/5 -> a gains 0.8, b gains 0
AB = pd.DataFrame(
    {
        "customer_id": range(1, 21),
        "ab_group": ["control"] * 10 + ["treatment"] * 10,
        "responded": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0] + [1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
    }
)
SEGMENTS = pd.DataFrame(
    {"customer_id": range(1, 21), "segment": (["a"] * 5 + ["b"] * 5) * 2}
)  # fmt: skip

# Bank: may 4 calls 1 yes (0.25); jun 1 call 1 yes (1.0); campaign > 5: 2 clients, 1 yes
BANK = pd.DataFrame(
    {
        "month": ["may", "may", "may", "may", "jun", "jul", "jul"],
        "campaign": [1, 6, 7, 5, 2, 5, 1],
        "y": ["yes", "no", "yes", "no", "yes", "yes", "no"],
    }
)


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def test_not_answered_yet():
    _fails("03.1", None, None, contacts=CONTACTS, hint="not answered yet")

    def stub(contacts):
        raise NotImplementedError()

    _fails("03.2", stub, contacts=CONTACTS, hint="not answered yet")


def test_03_1_sms_figures():
    assert "Right" in repr(check("03.1", 0.25, 0.4, contacts=CONTACTS))
    msg = _fails("03.1", 25, 0.4, contacts=CONTACTS, hint="percentage")
    assert "0.25" not in msg
    _fails("03.1", 0.5, 0.4, contacts=CONTACTS, hint="all channels")  # 4 of 8 overall
    msg = _fails("03.1", 0.25, 0.1, contacts=CONTACTS, hint="cost per contact")
    assert "0.4" not in msg
    _fails("03.1", 0.25, 2.5, contacts=CONTACTS, hint="upside down")
    _fails("03.1", 0.25, 1.0, contacts=CONTACTS, hint="not the SMS cost divided")


def test_03_2_cost_per_response_function():
    def right(c):
        g = c.groupby("channel")
        return g["cost"].sum() / g["responded"].sum()

    assert "Right" in repr(check("03.2", right, contacts=CONTACTS))
    msg = _fails("03.2", lambda c: c.groupby("channel")["cost"].mean(), contacts=CONTACTS,
                 hint="costs per contact")  # fmt: skip
    assert "4.0" not in msg and "0.04" not in msg
    _fails("03.2", lambda c: 1 / right(c), contacts=CONTACTS, hint="upside down")
    _fails("03.2", lambda c: right(c).drop("email"), contacts=CONTACTS, hint="'email'")
    _fails("03.2", lambda c: 3.0, contacts=CONTACTS, hint="should return a Series")
    _fails("03.2", 3.0, contacts=CONTACTS, hint="should be a function")


def test_03_3_ab_difference_and_wald_interval():
    # diff 0.4; Wald SE = sqrt(.6·.4/10 + .2·.8/10) = sqrt(.04) = 0.2
    half = 1.959964 * 0.2
    assert "Right" in repr(check("03.3", 0.4, (0.4 - half, 0.4 + half), contacts=AB))
    _fails("03.3", -0.4, (0.4 - half, 0.4 + half), contacts=AB, hint="wrong sign")
    _fails("03.3", 0.3, (0.0, 0.1), contacts=AB, hint="treatment response rate minus")
    msg = _fails("03.3", 0.4, (0.4 - 1.644854 * 0.2, 0.4 + 1.644854 * 0.2), contacts=AB,
                 hint="90 %")  # fmt: skip
    assert "0.008" not in msg
    # pooled: p = 0.4, SE = sqrt(.4·.6·(1/10 + 1/10)) = sqrt(.048)
    pooled = 1.959964 * math.sqrt(0.048)
    _fails("03.3", 0.4, (0.4 - pooled, 0.4 + pooled), contacts=AB, hint="pooled standard error")
    from crm_helpers.communicate import diff_ci

    _fails("03.3", 0.4, diff_ci(6, 10, 2, 10), contacts=AB, hint="Newcombe")
    _fails("03.3", 0.4, "wide", contacts=AB, hint="pair of numbers")


def _formula(p, u, alpha=0.05, power=0.8, *, one_sided=False, total=False, ceil=True):
    from scipy.stats import norm

    p2, pbar = p + u, p + u / 2
    za = norm.ppf(1 - alpha) if one_sided else norm.ppf(1 - alpha / 2)
    zb = norm.ppf(power)
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p * (1 - p) + p2 * (1 - p2))) ** 2
    n /= u**2
    n = math.ceil(n - 1e-9) if ceil else n
    return 2 * n if total else n


def test_03_4_sample_size_function():
    assert "Right" in repr(check("03.4", _formula))
    _fails("03.4", lambda p, u, alpha=0.05, power=0.8: _formula(p, u, alpha, power, total=True),
           hint="both groups")  # fmt: skip
    _fails("03.4", lambda p, u, alpha=0.05, power=0.8: _formula(p, u, alpha, power, ceil=False),
           hint="Round the result up")  # fmt: skip
    _fails("03.4",
           lambda p, u, alpha=0.05, power=0.8: _formula(p, u, alpha, power, one_sided=True),
           hint="one-sided")  # fmt: skip
    _fails("03.4", lambda p, u, alpha=0.05, power=0.8: 10, hint="does not follow the formula")


def test_03_5_best_segment():
    assert "Right" in repr(check("03.5", "a", contacts=AB, segments=SEGMENTS))
    _fails("03.5", "b", contacts=AB, segments=SEGMENTS, hint="gained least")
    _fails("03.5", "vip", contacts=AB, segments=SEGMENTS, hint="one of the segment names")
    # b has the higher treatment rate but the smaller uplift
    ab2 = AB.copy()
    ab2["responded"] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1] + [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]
    # a: 0 -> 0.6 (+0.6); b: 1.0 -> 1.0 (0) ... b's treatment rate is the highest
    _fails("03.5", "b", contacts=ab2, segments=SEGMENTS, hint="highest response rate under")


def test_03_6_bank_figures():
    assert "Right" in repr(check("03.6", "jun", 0.5, bank=BANK))
    msg = _fails("03.6", "may", 0.5, bank=BANK, hint="most subscriptions or calls")
    assert "jun" not in msg
    _fails("03.6", "jul", 0.5, bank=BANK, hint="not the month with the highest")
    # campaign >= 5: four clients (6, 7, 5, 5), yes for 7 and the July 5 -> 0.5 as well;
    # make the two differ
    bank2 = BANK.assign(y=["yes", "no", "yes", "yes", "yes", "yes", "no"])
    _fails("03.6", "jun", 0.75, bank=bank2, hint="exactly five times")
    _fails("03.6", "jun", 50, bank=BANK, hint="percentage")
    _fails("03.6", "jun", 0.1, bank=BANK, hint="campaign > 5")


# --------------------------------------------------------------------------- 03.8, 03.9
def _day(d):
    return pd.Timestamp("2002-03-01") + pd.Timedelta(days=d)


# D01: 4 calls, 3 with interest, 2 leads -> 2/3 (all calls: 1/2; upside down: 3/2)
# D02: 2 calls, 2 with interest, 1 lead -> 1/2 (all calls: 1/2; upside down: 2)
SVW_CALLS = pd.DataFrame(
    {
        "call_id": range(1, 7),
        "caller_id": [1, 2, 3, 4, 5, 6],
        "timestamp": [_day(0)] * 6,
        "dealer_id": ["D01", "D01", "D01", "D01", "D02", "D02"],
        "purchase_interest": [True, True, True, False, True, True],
        "lead_id": pd.array([1, 2, None, None, 3, None], dtype="Int64"),
        "purchase_timing": ["within_1_month", "within_1_month", None, None, "within_1_month", None],
    }
)
# first follow-ups: lead 1 day 5 (last day 12), lead 2 day 9 (last 30), lead 3 day 20
# -> median 9, mean 34/3, median of the last calls 20
SVW_FU = pd.DataFrame(
    {
        "caller_id": [1, 1, 2, 2, 5],
        "lead_id": pd.array([1, 1, 2, 2, 3], dtype="Int64"),
        "timestamp": [_day(5), _day(12), _day(9), _day(30), _day(20)],
        "kind": ["follow_up"] * 5,
    }
)
SVW_SALES = pd.DataFrame({"caller_id": pd.Series([], dtype="int64"), "date": pd.to_datetime([])})


def _capture(calls, denominator="interest"):
    interest = calls[calls["purchase_interest"]] if denominator == "interest" else calls
    leads = interest["lead_id"].notna().groupby(interest["dealer_id"]).sum()
    return leads / interest.groupby("dealer_id").size()


def test_03_8_capture_rate_by_dealer():
    assert _capture(SVW_CALLS).tolist() == pytest.approx([2 / 3, 1 / 2])
    assert "Right" in repr(check("03.8", _capture, calls=SVW_CALLS))
    all_calls = lambda c: _capture(c, "all")  # noqa: E731
    msg = _fails("03.8", all_calls, calls=SVW_CALLS, hint="divided by all calls")
    assert "0.66" not in msg
    _fails("03.8", lambda c: 1 / _capture(c), calls=SVW_CALLS, hint="upside down")
    _fails("03.8", lambda c: _capture(c).iloc[:1], calls=SVW_CALLS, hint="one value per dealer")
    _fails("03.8", lambda c: _capture(c) * 0.5, calls=SVW_CALLS, hint="Not yet")


def _first_days(calls, followups, how="min", stat="median"):
    fu = followups[followups["kind"] == "follow_up"]
    when = fu.groupby("lead_id")["timestamp"].agg(how)
    leads = calls[calls["lead_id"].notna()].set_index("lead_id")
    days = (when - leads["timestamp"].reindex(when.index)).dt.total_seconds() / 86400
    return days.groupby(leads["purchase_timing"].reindex(when.index)).agg(stat)


def test_03_9_days_to_first_follow_up():
    assert _first_days(SVW_CALLS, SVW_FU).tolist() == [9.0]
    ctx = {"calls": SVW_CALLS, "followups": SVW_FU, "sales": SVW_SALES}
    assert "Right" in repr(check("03.9", _first_days, **ctx))
    mean = lambda c, f: _first_days(c, f, stat="mean")  # noqa: E731
    _fails("03.9", mean, **ctx, hint="took the mean")
    last = lambda c, f: _first_days(c, f, how="max")  # noqa: E731
    _fails("03.9", last, **ctx, hint="last follow-up")
    _fails("03.9", lambda c, f: _first_days(c, f) + 1, **ctx, hint="Not yet")
    _fails("03.9", lambda c, f: 9.0, **ctx, hint="should return a pandas Series")
