"""Checks for chapter 06 (loyalty: points, tiers, repurchase, churn features, win-back)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from .. import clv, loyalty, retention, winback
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number


def _series(value: Any, what: str) -> pd.Series:
    if isinstance(value, pd.DataFrame) and value.shape[1] == 1:
        value = value.iloc[:, 0]
    if not isinstance(value, pd.Series):
        raise ExerciseError(
            f"{what} should be a pandas Series indexed by customer_id; got {type(value).__name__}."
        )
    return value


def _same(a: pd.Series, b: pd.Series, tol: float = 1e-6) -> bool:
    if len(a) != len(b) or not a.index.sort_values().equals(b.index.sort_values()):
        return False
    x = pd.to_numeric(a.reindex(b.index), errors="coerce").to_numpy(dtype="float64")
    return bool(np.allclose(x, b.to_numpy(dtype="float64"), rtol=tol, atol=tol))


@exercise("06.1")
def points_balance(answer: Any, *, ledger: pd.DataFrame, as_of: Any) -> str:
    func = _needs_function(answer, "points_balance")
    got = _series(func(ledger.copy(), as_of), f"points_balance(ledger, {as_of!r})")
    ref = loyalty.points_balances(ledger, as_of)
    if _same(got, ref["balance"]):
        return "Right: your balances match the ledger."
    before = ledger[ledger["timestamp"] < pd.Timestamp(as_of)]
    if _same(got, ref["earned"] - ref["redeemed"]) and ref["expired"].any():
        raise ExerciseError(
            "Expired points are still in your balances. Points that expire (过期) leave the "
            "balance just as redeemed points do."
        )
    if _same(got, ref["earned"] + ref["redeemed"] + ref["expired"]):
        raise ExerciseError(
            "You added up every row. The `points` column is always positive; the `kind` "
            "column says whether the points come in (earn) or go out (redeem, expire)."
        )
    full = loyalty.points_balances(ledger)["balance"]
    if _same(got, full) and len(before) != len(ledger):
        raise ExerciseError(
            "Your balances include events on or after as_of. Keep only the rows with a "
            "timestamp strictly before as_of."
        )
    raise ExerciseError("points_balance does not give each customer's balance before as_of.")


@exercise("06.2")
def breakage_rate(answer: Any, *, ledger: pd.DataFrame) -> str:
    got = _number(answer, "breakage_rate")
    tot = loyalty.points_balances(ledger).sum()
    ref = tot["expired"] / (tot["redeemed"] + tot["expired"])
    if close(got, ref, rel=1e-6):
        return "Right: that is the breakage rate (积分沉淀率)."
    if close(got, 1 - ref, rel=1e-6):
        raise ExerciseError(
            "That is the share of used-up points that were redeemed. Breakage is the share "
            "that expired without being used."
        )
    if close(got, tot["expired"] / tot["earned"], rel=1e-6):
        raise ExerciseError(
            "You divided by all points earned. Some earned points are still outstanding: "
            "divide by the points that have left the balance (redeemed + expired)."
        )
    if close(got, 100 * ref, rel=1e-6):
        raise ExerciseError("Give the rate as a share between 0 and 1, not a percentage.")
    raise ExerciseError("breakage_rate is not expired / (redeemed + expired) over the ledger.")


@exercise("06.3")
def silver_or_better(answer: Any, *, tx: pd.DataFrame, as_of: Any) -> str:
    func = _needs_function(answer, "silver_plus")
    got = _number(func(tx.copy(), pd.Timestamp(as_of)), "silver_plus(tx, as_of)")

    def count(t: pd.DataFrame, **kw: Any) -> int:
        return int((loyalty.assign_tiers(tx, as_of, t, **kw)["tier"] != "basic").sum())

    ref = count(loyalty.DEFAULT_TIERS)
    if got == ref:
        return "Right: that many members are silver (银卡) or better."
    spend_only = loyalty.DEFAULT_TIERS.assign(min_visits=0)
    if got == count(spend_only) and count(spend_only) != ref:
        raise ExerciseError(
            "You used only the spend threshold. A tier needs both: the spend AND the visits "
            "(receipts) over the last 12 months."
        )
    if got == count(loyalty.DEFAULT_TIERS, window_days=100_000) and ref != count(
        loyalty.DEFAULT_TIERS, window_days=100_000
    ):
        raise ExerciseError(
            "You used every purchase since the start. Tiers look at a rolling window: the "
            "365 days before as_of."
        )
    strict = loyalty.DEFAULT_TIERS.assign(
        min_spend=loyalty.DEFAULT_TIERS["min_spend"] + 0.005,
        min_visits=loyalty.DEFAULT_TIERS["min_visits"] + 0.5,
    ).assign(min_spend=lambda d: d["min_spend"].where(d.index > 0, 0),
             min_visits=lambda d: d["min_visits"].where(d.index > 0, 0))  # fmt: skip
    if got == count(strict) and count(strict) != ref:
        raise ExerciseError("A member exactly on a threshold qualifies: compare with ≥, not >.")
    raise ExerciseError("That is not the number of members in silver or a higher tier.")


@exercise("06.4")
def repeat_rate(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "repeat_rate")
    table = loyalty.repeat_and_retention(tx, "month")
    checked = 0
    for _, row in table.dropna(subset=["repurchase_rate"]).iterrows():
        month = row["period"].strftime("%Y-%m")
        got = _number(func(tx.copy(), month), f"repeat_rate(tx, {month!r})")
        checked += 1
        if close(got, row["repurchase_rate"], rel=1e-9):
            continue
        in_month = tx[tx["timestamp"].dt.strftime("%Y-%m") == month]
        lines = in_month.groupby("customer_id").size()
        if close(got, (lines >= 2).mean(), rel=1e-9):
            raise ExerciseError(
                f"For {month} you counted receipt lines. A repurchase is a second receipt "
                "(visit), not a second line on the same receipt."
            )
        if close(got, row["repeat_customers"] / tx["customer_id"].nunique(), rel=1e-9):
            raise ExerciseError(
                f"For {month} you divided by every customer in the data. Divide by the "
                "customers who bought in that month."
            )
        if close(got, row["retention_rate"], rel=1e-9):
            raise ExerciseError(
                f"For {month} that is the retention rate (留存率). The repurchase rate (复购率) "
                "is about two or more receipts within the month."
            )
        raise ExerciseError(f"repeat_rate(tx, {month!r}) is not that month's repurchase rate.")
    return f"Right for every month in the data ({checked} months)."


@exercise("06.5")
def recency_days(answer: Any, *, tx: pd.DataFrame, cutoff: Any) -> str:
    func = _needs_function(answer, "recency_days")
    when = pd.Timestamp(cutoff)
    got = _series(func(tx.copy(), when), "recency_days(tx, cutoff)")
    ref = loyalty.churn_features(tx, when)["recency_days"]
    if pd.api.types.is_timedelta64_dtype(got):
        raise ExerciseError(
            "Give the recency as a number of days (a float), e.g. td / pd.Timedelta(days=1)."
        )
    if _same(got, ref):
        return "Right: recency in days, from purchases before the cut-off only."
    everyone = tx.groupby("customer_id")["timestamp"].max()
    if len(got) > len(ref) and set(ref.index) <= set(got.index):
        raise ExerciseError(
            "You included customers whose first purchase is on or after the cut-off. At the "
            "cut-off they are not customers yet."
        )
    if _same(got.reindex(ref.index), ((when - everyone) / pd.Timedelta(days=1)).reindex(ref.index)):
        raise ExerciseError(
            "Your recency uses purchases after the cut-off (some are negative). That leaks "
            "the future into the features: keep only purchases before the cut-off."
        )
    if _same(got, ref.round()) or _same(got, np.floor(ref)):
        raise ExerciseError("Do not round: give fractional days (Timedelta / 1 day).")
    raise ExerciseError("recency_days does not give the days since each customer's last purchase.")


def _top_sum(score: pd.Series, worth: pd.Series, n: int) -> float:
    """Sum of ``worth`` over the ``n`` rows with the highest ``score``."""
    top = score.sort_values(ascending=False, kind="stable").index[:n]
    return float(worth.loc[top].sum())


@exercise("06.6")
def winback_net(
    answer: Any,
    *,
    customers: pd.DataFrame,
    n_contacted: int,
    cost_per_contact: float,
    response_rate: float,
) -> str:
    func = _needs_function(answer, "winback_net")
    got = _number(
        func(customers.copy(), n_contacted, response_rate, cost_per_contact),
        "winback_net(customers, n, response_rate, cost_per_contact)",
    )
    c = customers
    ranked = winback.winback_list(
        c["value"], c["risk"], margin=c["margin_rate"], response_rate=response_rate,
        cost_per_contact=cost_per_contact,
    )  # fmt: skip
    ref = winback.winback_value(ranked)["net_value"].iloc[n_contacted - 1]
    if close(got, ref, rel=1e-6, abs_=0.01):
        return "Right: the expected margin recovered minus the cost of the top customers."
    cost = n_contacted * cost_per_contact
    top_sum = functools.partial(_top_sum, n=n_contacted)
    recovered = response_rate * c["value"] * c["margin_rate"] * c["risk"]
    revenue = response_rate * c["value"] * c["risk"]
    if close(got, top_sum(revenue, revenue) - cost, rel=1e-6, abs_=0.01):
        raise ExerciseError(
            "You valued the customers on revenue. A kept customer is worth their gross margin "
            "(毛利): multiply the value by margin_rate."
        )
    if close(got, top_sum(revenue, recovered) - cost, rel=1e-6, abs_=0.01):
        raise ExerciseError(
            "Your sums are on margin, but you ranked the customers by revenue × risk. Rank by "
            "the expected margin recovered (minus the cost)."
        )
    if close(got, top_sum(recovered, recovered), rel=1e-6, abs_=0.01):
        raise ExerciseError("You left out the cost of contacting the customers.")
    plain = response_rate * c["value"] * c["margin_rate"]
    if close(got, top_sum(plain, plain) - cost, rel=1e-6, abs_=0.01):
        raise ExerciseError(
            "Only customers who would otherwise have churned are saved by the campaign: "
            "weight each by its churn risk."
        )
    raise ExerciseError(
        "That is not the net value: response_rate × value × margin_rate × risk, summed over "
        "the top n customers by that amount, minus n × cost_per_contact."
    )


@exercise("06.8")
def historical_margin(answer: Any, *, tx: pd.DataFrame, as_of: Any) -> str:
    func = _needs_function(answer, "historical_margin")
    when = pd.Timestamp(as_of)
    got = _series(func(tx.copy(), when), "historical_margin(tx, as_of)")
    ref = clv.historical_clv(tx, when, margin="unit_cost")["margin"]
    if _same(got, ref):
        return "Right: each customer's gross margin (毛利) so far."
    before = tx[tx["timestamp"] < when]
    if _same(got, before.groupby("customer_id")["amount"].sum()):
        raise ExerciseError(
            "That is the sales (revenue). Value is margin: subtract unit_cost × quantity."
        )
    no_qty = (before["amount"] - before["unit_cost"]).groupby(before["customer_id"]).sum()
    if _same(got, no_qty):
        raise ExerciseError("unit_cost is per unit: multiply it by the quantity of the line.")
    everything = (tx["amount"] - tx["unit_cost"] * tx["quantity"]).groupby(tx["customer_id"]).sum()
    if len(before) != len(tx) and _same(got, everything):
        raise ExerciseError("Keep only the purchases strictly before as_of.")
    raise ExerciseError("historical_margin does not give each customer's margin before as_of.")


@exercise("06.9")
def retention_after_repurchase(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "retention_after_repurchase")
    got = _number(func(tx.copy()), "retention_after_repurchase(tx)")
    link = retention.retention_repurchase_link(tx).set_index(["measure", "group"])["rate"]
    ref = link[("retention next period", "repurchased")]
    if close(got, ref, rel=1e-9):
        return "Right: that share of repurchasers buys again the next month."
    if close(got, link[("retention next period", "bought once")], rel=1e-9):
        raise ExerciseError(
            "That is the rate of the customers who bought once. Take those with two or more "
            "receipts (visits) in the month."
        )
    if close(got, link[("repurchase this period", "retained")], rel=1e-9):
        raise ExerciseError(
            "That is the other direction (repurchase among retained customers). Start from "
            "the repurchasers of a month and look at the next month."
        )
    raise ExerciseError(
        "Count (customer, month) pairs with two or more receipts, except in the last month "
        "(it has no next month), and the share of them with a receipt in the next month."
    )
