"""Checks for chapter 03 (communication: channels, A/B tests, contact plans, Bank Marketing,
the Shanghai Volkswagen customer development centre)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from scipy import stats

from .. import carmaker as car
from .. import communicate as cm
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number


def _channel_rows(contacts: pd.DataFrame, channel: str) -> pd.DataFrame:
    return contacts[contacts["channel"].astype(str) == channel]


@exercise("03.1")
def sms_figures(rate: Any, cost_per_response: Any, *, contacts: pd.DataFrame) -> str:
    sms = _channel_rows(contacts, "sms")
    responses = sms["responded"].sum()
    ref_rate = responses / len(sms)
    ref_cpr = sms["cost"].sum() / responses
    got_rate = _number(rate, "sms_rate")
    got_cpr = _number(cost_per_response, "sms_cost_per_response")
    if not close(got_rate, ref_rate, rel=1e-9):
        if close(got_rate, 100 * ref_rate, rel=1e-9):
            raise ExerciseError(
                "sms_rate looks like a percentage: give it as a share (0.05, not 5)."
            )
        if close(got_rate, contacts["responded"].mean(), rel=1e-9):
            raise ExerciseError("sms_rate is the response rate of all channels: keep only SMS.")
        raise ExerciseError("sms_rate is not the share of SMS contacts that got a response.")
    if close(got_cpr, ref_cpr, rel=1e-9):
        return "Right: the SMS response rate and cost per response match."
    if close(got_cpr, sms["cost"].mean(), rel=1e-9):
        raise ExerciseError(
            "That is the cost per contact. Cost per response divides the cost by the "
            "responses, not by the contacts."
        )
    if close(got_cpr, 1 / ref_cpr, rel=1e-9):
        raise ExerciseError("sms_cost_per_response is upside down: cost divided by responses.")
    raise ExerciseError("sms_cost_per_response is not the SMS cost divided by the SMS responses.")


@exercise("03.2")
def cost_per_response(answer: Any, *, contacts: pd.DataFrame) -> str:
    func = _needs_function(answer, "cost_per_response")
    got = func(contacts.copy())
    if not isinstance(got, pd.Series):
        raise ExerciseError(
            f"cost_per_response(contacts) should return a Series indexed by channel; got "
            f"{type(got).__name__}."
        )
    ref = cm.response_summary(contacts, "channel").set_index("channel")
    got = got.copy()
    got.index = got.index.astype(str)
    missing = [c for c in ref.index if c not in got.index]
    if missing:
        raise ExerciseError(
            f"The Series has no value for the channel(s) {', '.join(map(repr, missing))}."
        )
    per_contact = ref["cost_per_contact"]
    ok = ref["cost_per_response"].notna()
    same = [close(got[c], ref.loc[c, "cost_per_response"], rel=1e-9) for c in ref.index[ok]]
    if all(same):
        return "Right: cost per response for every channel."
    if all(close(got[c], per_contact[c], rel=1e-9) for c in ref.index):
        raise ExerciseError(
            "These are costs per contact: divide each channel's total cost by its responses."
        )
    if all(close(got[c], 1 / ref.loc[c, "cost_per_response"], rel=1e-9) for c in ref.index[ok]):
        raise ExerciseError("Your values are upside down: cost divided by responses.")
    raise ExerciseError("For at least one channel the value is not total cost ÷ responses.")


def _ab_counts(contacts: pd.DataFrame) -> tuple[int, int, int, int]:
    g = contacts.groupby(contacts["ab_group"].astype(str))["responded"].agg(["sum", "size"])
    return (int(g.loc["treatment", "sum"]), int(g.loc["treatment", "size"]),
            int(g.loc["control", "sum"]), int(g.loc["control", "size"]))  # fmt: skip


def _pair(value: Any, what: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ExerciseError(f"{what} should be a pair of numbers (low, high).") from None
    return low, high


@exercise("03.3")
def ab_difference(diff: Any, ci: Any, *, contacts: pd.DataFrame) -> str:
    xt, nt, xc, nc = _ab_counts(contacts)
    ref = xt / nt - xc / nc
    got = _number(diff, "ab_diff")
    if close(got, -ref, rel=1e-9) and not close(ref, 0):
        raise ExerciseError("ab_diff has the wrong sign: treatment minus control.")
    if not close(got, ref, rel=1e-9):
        raise ExerciseError("ab_diff is not the treatment response rate minus the control rate.")
    low, high = _pair(ci, "ab_ci_wald")
    wald = cm.diff_ci(xt, nt, xc, nc, method="wald")
    if close(low, wald[0], rel=1e-6) and close(high, wald[1], rel=1e-6):
        return "Right: the difference and its Wald interval match."
    newcombe = cm.diff_ci(xt, nt, xc, nc)
    if close(low, newcombe[0], rel=1e-6) and close(high, newcombe[1], rel=1e-6):
        raise ExerciseError(
            "That is Newcombe's interval (the helper's default). The exercise asks for the "
            "Wald interval: difference ± z × standard error."
        )
    if close(low, cm.diff_ci(xt, nt, xc, nc, alpha=0.1, method="wald")[0], rel=1e-6):
        raise ExerciseError("That is a 90 % interval (z = 1.645); a 95 % interval uses z = 1.96.")
    pooled = (xt + xc) / (nt + nc)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
    if close(high - low, 2 * 1.959964 * se_pooled, rel=1e-4):
        raise ExerciseError(
            "You used the pooled standard error (that belongs to the test). The interval uses "
            "each group's own rate: sqrt(p1(1−p1)/n1 + p2(1−p2)/n2)."
        )
    raise ExerciseError("ab_ci_wald is not difference ± 1.96 × standard error.")


@exercise("03.4")
def n_per_group(answer: Any) -> str:
    func = _needs_function(answer, "n_per_group")
    cases = [(0.10, 0.02, 0.05, 0.8), (0.05, 0.01, 0.05, 0.9), (0.30, -0.05, 0.01, 0.8)]
    for p, u, a, pw in cases:
        got = _number(func(p, u, alpha=a, power=pw), f"n_per_group({p}, {u}, ...)")
        ref = cm.sample_size(p, u, alpha=a, power=pw)
        if got == ref:
            continue
        if close(got, 2 * ref, rel=0.002, abs_=2):
            raise ExerciseError("That is the total for both groups; the function gives one group.")
        raw = _raw_n(p, u, a, pw, stats.norm.ppf(1 - a / 2))
        if close(got, raw, rel=1e-9) or math.floor(raw) == got:
            raise ExerciseError(
                "Round the result up (math.ceil): a fraction of a customer is not enough."
            )
        if math.ceil(_raw_n(p, u, a, pw, stats.norm.ppf(1 - a)) - 1e-9) == got:
            raise ExerciseError(
                "You used z(1 − α), a one-sided test; a two-sided test uses z(1 − α/2)."
            )
        raise ExerciseError(
            f"n_per_group({p}, {u}, alpha={a}, power={pw}) does not follow the formula of "
            "section 5 (check the square and the two square roots)."
        )
    return "Right: your function gives the sample size per group."


def _raw_n(p: float, u: float, a: float, power: float, za: float) -> float:
    p2 = p + u
    pbar = (p + p2) / 2
    zb = stats.norm.ppf(power)
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p * (1 - p) + p2 * (1 - p2))
    return num**2 / u**2


@exercise("03.5")
def best_segment(answer: Any, *, contacts: pd.DataFrame, segments: pd.DataFrame) -> str:
    up = cm.uplift_by_segment(contacts, segments).set_index("segment")
    got = str(answer)
    if got not in up.index:
        raise ExerciseError(
            f"best_segment should be one of the segment names ({', '.join(map(str, up.index))})."
        )
    diff = up["difference"]
    if diff.idxmax() == got:
        return "Right: that segment gained most from the treatment."

    def alone(s: pd.Series, best: bool = True) -> bool:
        top = s == (s.max() if best else s.min())
        return bool(top.sum() == 1 and s[top].index[0] == got)

    if alone(up["rate_treatment"]):
        raise ExerciseError(
            "That segment has the highest response rate under treatment, but the uplift is "
            "the difference between treatment and control."
        )
    if alone(up["relative_uplift"]):
        raise ExerciseError(
            "That is the largest relative uplift; the question asks for the absolute one."
        )
    if alone(diff, best=False):
        raise ExerciseError("That segment gained least: check the sort order.")
    raise ExerciseError("That is not the segment with the largest uplift (treatment − control).")


@exercise("03.6")
def bank_figures(month: Any, rate_many: Any, *, bank: pd.DataFrame) -> str:
    by_month = cm.bank_response(bank, "month").set_index("month")
    best = by_month["response_rate"].idxmax()
    got_month = str(month).lower()[:3]
    if got_month != best:
        if got_month == by_month["responses"].idxmax() or got_month == by_month["clients"].idxmax():
            raise ExerciseError(
                "That month has the most subscriptions or calls, not the highest rate: "
                "divide the yes answers by the clients of each month."
            )
        raise ExerciseError("best_month is not the month with the highest subscription rate.")
    yes = bank["y"] == "yes"
    got = _number(rate_many, "rate_many_contacts")
    if close(got, yes[bank["campaign"] > 5].mean(), rel=1e-9):
        return "Right: best month and the response rate after more than five calls."
    if close(got, yes[bank["campaign"] >= 5].mean(), rel=1e-9):
        raise ExerciseError(
            "You included clients called exactly five times; the question says more than five."
        )
    if close(got, 100 * yes[bank["campaign"] > 5].mean(), rel=1e-9):
        raise ExerciseError("rate_many_contacts looks like a percentage: give it as a share.")
    raise ExerciseError(
        "rate_many_contacts is not the share of 'yes' among clients with campaign > 5."
    )


def _series(got: Any, name: str) -> pd.Series:
    if isinstance(got, pd.DataFrame) and got.shape[1] == 1:
        got = got.iloc[:, 0]
    if not isinstance(got, pd.Series):
        raise ExerciseError(
            f"{name} should return a pandas Series; it returned {type(got).__name__}."
        )
    out = got.astype(float)
    out.index = out.index.astype(str)
    return out


def _same(got: pd.Series, want: pd.Series) -> bool:
    want = want.astype(float)
    if sorted(got.index) != sorted(want.index):
        return False
    diff = (got.reindex(want.index) - want).abs()
    return bool(((diff < 1e-9) | (got.reindex(want.index).isna() & want.isna())).all())


@exercise("03.8")
def capture_rate_by_dealer(answer: Any, *, calls: pd.DataFrame) -> str:
    func = _needs_function(answer, "capture_rate_by_dealer")
    got = _series(func(calls.copy()), "capture_rate_by_dealer(calls)")
    ref = car.lead_capture(calls, "dealer_id").set_index("dealer_id")
    ref.index = ref.index.astype(str)
    if sorted(got.index) != sorted(ref.index):
        raise ExerciseError("The Series needs one value per dealer_id (every dealer in `calls`).")
    if _same(got, ref["capture_rate"]):
        return "Right: the lead capture rate (线索捕获率) of every dealer's callers."
    if _same(got, ref["leads"] / ref["calls"]):
        raise ExerciseError(
            "You divided by all calls. The capture rate divides the leads by the calls where "
            "the agent found an intention to buy (purchase_interest)."
        )
    if _same(got, ref["interest_calls"] / ref["leads"]):
        raise ExerciseError("The ratio is upside down: leads ÷ interest calls.")
    raise ExerciseError(
        "Not yet: per dealer, count calls with purchase_interest and, among them, those with a "
        "lead_id; divide."
    )


@exercise("03.9")
def days_to_first_follow_up(
    answer: Any, *, calls: pd.DataFrame, followups: pd.DataFrame, sales: pd.DataFrame
) -> str:
    func = _needs_function(answer, "days_to_first_follow_up")
    got = _series(func(calls.copy(), followups.copy()), "days_to_first_follow_up(calls, followups)")
    out = car.lead_outcomes(calls, followups, sales)
    ref = car.follow_up_summary(out).set_index("purchase_timing")["median_days_to_first"]
    ref.index = ref.index.astype(str)
    if sorted(got.index) != sorted(ref.index):
        raise ExerciseError("The Series needs one value per purchase_timing of the leads.")
    if _same(got, ref):
        return "Right: the median days from capture to the first follow-up, by purchase timing."
    mean = out.groupby("purchase_timing")["days_to_first"].mean()
    if _same(got, mean.rename(index=str)):
        raise ExerciseError("You took the mean; the question asks for the median.")
    last = followups[followups["kind"] == "follow_up"].groupby("lead_id")["timestamp"].max()
    lead = calls[calls["lead_id"].notna()].set_index("lead_id")
    days_last = (last - lead["timestamp"].reindex(last.index)).dt.total_seconds() / 86400
    by_last = days_last.groupby(lead["purchase_timing"].reindex(last.index)).median()
    if _same(got, by_last.rename(index=str)):
        raise ExerciseError("You used each lead's last follow-up; take the first (the minimum).")
    raise ExerciseError(
        "Not yet: keep kind == 'follow_up', take each lead's first follow-up, subtract the "
        "capture call's timestamp (in days, with fractions), then the median per timing."
    )
