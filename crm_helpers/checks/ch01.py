"""Checks for chapter 01 (overview, the indicator system, the customer lifecycle)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import kpi, overview
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number


@exercise("01.1")
def total_sales_and_visits(total_sales: Any, n_visits: Any, *, tx: pd.DataFrame) -> str:
    ref = kpi.indicator_summary(tx)
    sales = _number(total_sales, "total_sales")
    visits = _number(n_visits, "n_visits")
    if not close(sales, ref["total_sales"], rel=1e-9, abs_=0.005):
        if "quantity" in tx and close(sales, (tx["quantity"] * tx["unit_price"]).sum(), 1e-9):
            raise ExerciseError(
                "total_sales is the value at list prices. Sales are what members paid: use "
                "the net `amount` column (after discounts)."
            )
        raise ExerciseError(
            "total_sales is not the sum of what members paid over all receipt lines. "
            "Which column holds the money, and did you add up every row?"
        )
    if visits == len(tx) and len(tx) != ref["visits"]:
        raise ExerciseError(
            "The number of visits equals the number of receipt lines. A visit is one receipt "
            "(小票), however many lines it has."
        )
    if visits == ref["customers"] and ref["customers"] != ref["visits"]:
        raise ExerciseError(
            "n_visits counts customers. Visits count receipts: one customer can visit often."
        )
    if visits != ref["visits"]:
        raise ExerciseError("n_visits is not the number of distinct receipts in `tx`.")
    return "Right: total sales and visits (客数) match."


@exercise("01.2")
def average_basket(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "average_basket")
    got = _number(func(tx.copy()), "average_basket(tx)")
    ref = kpi.indicator_summary(tx)
    # right first: with one receipt per customer (or one line per receipt) a right answer
    # equals sales per customer (or the line mean), and must not get those hints
    if close(got, ref["avg_basket"], rel=1e-9):
        return "Right: your function gives the average basket value (客单价)."
    if close(got, tx["amount"].mean(), rel=1e-9):
        raise ExerciseError(
            "You averaged the receipt lines. The average basket value (客单价) is per receipt: "
            "first add up each receipt's lines, then average over receipts."
        )
    if close(got, ref["sales_per_customer"], rel=1e-9):
        raise ExerciseError(
            "You divided by the number of customers. 客单价 divides sales by visits (receipts)."
        )
    raise ExerciseError("average_basket(tx) does not give sales per receipt on this table.")


def _unique_top(values: pd.Series, months: pd.Series, month: pd.Period) -> bool:
    """Whether ``month`` alone has the largest value (a hint is only fair without ties)."""
    top = values == values.max()
    return bool(top.sum() == 1 and months[top].iloc[0] == month)


@exercise("01.3")
def best_month(answer: Any, *, tx: pd.DataFrame) -> str:
    monthly = kpi.indicators(tx, "month")
    try:
        got = pd.Timestamp(str(answer)).to_period("M")
    except (TypeError, ValueError):
        raise ExerciseError(
            "best_month should be a month, e.g. pd.Timestamp('2024-03-01') or '2024-03'; "
            f"got {type(answer).__name__}."
        ) from None
    months = monthly["period"].dt.to_period("M")
    best = months[monthly["total_sales"].idxmax()]
    if got == best:
        return "Right: that is the month with the highest total sales."
    if _unique_top(monthly["visits"], months, got):
        raise ExerciseError("That month has the most visits. The question asks about sales.")
    if _unique_top(monthly["avg_basket"], months, got):
        raise ExerciseError("That month has the largest average basket, not the highest sales.")
    if got == months[monthly["total_sales"].idxmin()]:
        raise ExerciseError("That is the month with the lowest sales: check the sort order.")
    raise ExerciseError("That is not the month with the highest total sales.")


@exercise("01.4")
def purchase_frequency(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "purchase_frequency")
    yearly = kpi.indicators(tx, "year")
    for _, row in yearly.iterrows():
        year = int(row["period"].year)
        got = _number(func(tx.copy(), year), f"purchase_frequency(tx, {year})")
        if close(got, row["purchase_frequency"], rel=1e-9):
            continue
        if close(got, 1 / row["purchase_frequency"], rel=1e-9):
            raise ExerciseError(
                f"For {year} your value is upside down: frequency is visits per customer."
            )
        in_year = tx[tx["timestamp"].dt.year == year]
        if close(got, len(in_year) / in_year["customer_id"].nunique(), rel=1e-9):
            raise ExerciseError(
                f"For {year} you counted receipt lines; count visits (distinct receipts)."
            )
        if close(got, tx["receipt_id"].nunique() / tx["customer_id"].nunique(), rel=1e-9):
            raise ExerciseError(f"For {year} you used every year's data: keep only {year}.")
        raise ExerciseError(
            f"purchase_frequency(tx, {year}) is not the visits per customer in {year}."
        )
    return f"Right for every year in the data ({len(yearly)} years)."


@exercise("01.5")
def lapsed_count(answer: Any, *, tx: pd.DataFrame, as_of: Any) -> str:
    got = _number(answer, "n_lapsed")
    stages = kpi.lifecycle_stage(tx, as_of)["stage"].value_counts()
    if got == stages.get("lapsed", 0):
        return "Right: that is the number of lapsed customers (沉睡客户) on that day."
    if got == stages.get("lost", 0):
        raise ExerciseError("That is the number of lost customers, not lapsed ones.")
    if got == stages.get("lapsed", 0) + stages.get("lost", 0):
        raise ExerciseError(
            "You counted lapsed and lost together. Lost customers have been away longer."
        )
    raise ExerciseError(
        "That is not the number of lapsed customers on that date with the default thresholds."
    )


def _frame(answer: Any, name: str, what: str) -> pd.DataFrame | pd.Series:
    if not isinstance(answer, pd.DataFrame | pd.Series):
        raise ExerciseError(f"{name} should return {what}; it returned {type(answer).__name__}.")
    return answer


@exercise("01.7")
def quarterly_indicators(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "quarterly_indicators")
    got = _frame(func(tx.copy()), "quarterly_indicators(tx)", "a DataFrame")
    missing = [c for c in ("total_sales", "avg_basket") if c not in got.columns]
    if missing:
        raise ExerciseError(
            f"The result needs the columns total_sales and avg_basket; {missing} missing."
        )
    ref = kpi.indicators(tx, "quarter")
    if len(got) != len(ref):
        raise ExerciseError(
            f"The result has {len(got)} rows; it needs one row per quarter with sales "
            "(group by the quarter of `timestamp`, e.g. dt.to_period('Q'))."
        )
    sales = got["total_sales"].to_numpy(dtype=float)
    if not all(close(a, b, rel=1e-9) for a, b in zip(sales, ref["total_sales"], strict=True)):
        raise ExerciseError(
            "total_sales per quarter is off: sum `amount` within each quarter, in time order."
        )
    basket = got["avg_basket"].to_numpy(dtype=float)
    line_mean = tx.groupby(tx["timestamp"].dt.to_period("Q"))["amount"].mean().to_numpy()
    if all(close(a, b, rel=1e-9) for a, b in zip(basket, line_mean, strict=True)):
        raise ExerciseError(
            "avg_basket averages receipt lines. 客单价 is per receipt: the quarter's sales "
            "divided by its number of distinct receipts."
        )
    if not all(close(a, b, rel=1e-9) for a, b in zip(basket, ref["avg_basket"], strict=True)):
        raise ExerciseError("avg_basket per quarter is not the quarter's sales per receipt.")
    return f"Right: total sales and 客单价 for all {len(ref)} quarters."


@exercise("01.8")
def customers_per_week(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "customers_per_week")
    got = _frame(func(tx.copy()), "customers_per_week(tx)", "a pandas Series")
    if isinstance(got, pd.DataFrame):
        raise ExerciseError("customers_per_week(tx) should return a Series (one number per week).")
    ref = kpi.indicators(tx, "week")
    if len(got) != len(ref):
        raise ExerciseError(
            f"The Series has {len(got)} weeks; there are weeks with sales in another number. "
            "Weeks start on Monday: dt.to_period('W') groups Monday to Sunday."
        )
    values = got.to_numpy(dtype=float)
    if (values == ref["visits"].to_numpy()).all() and not (ref["visits"] == ref["customers"]).all():
        raise ExerciseError("You counted receipts (visits). Count distinct customers per week.")
    lines = tx.groupby(tx["timestamp"].dt.to_period("W"))["customer_id"].size().to_numpy()
    if (values == lines).all() and not (lines == ref["customers"].to_numpy()).all():
        raise ExerciseError("You counted receipt lines. Count distinct customers: nunique().")
    if not (values == ref["customers"].to_numpy()).all():
        raise ExerciseError("Some weeks have another number of distinct customers.")
    return f"Right: distinct customers (顾客数) in each of the {len(ref)} weeks."


@exercise("01.9")
def seed_stage_counts(answer: Any, *, tx: pd.DataFrame, as_of: Any) -> str:
    func = _needs_function(answer, "seed_stage_counts")
    got = _frame(func(tx.copy(), pd.Timestamp(as_of)), "seed_stage_counts(tx, as_of)", "a Series")
    ref = overview.seed_stage_counts(tx, as_of)
    stages = ("新客户", "老客户", "流失客户")
    missing = [s for s in stages if s not in got.index]
    if missing:
        raise ExerciseError(
            f"The Series needs the index labels 新客户, 老客户 and 流失客户; missing {missing}."
        )
    mine = {s: int(got[s]) for s in stages}
    if sum(mine.values()) != sum(int(ref[s]) for s in stages):
        raise ExerciseError(
            "Your three counts do not add up to the customers who bought on or before as_of: "
            "keep receipts with timestamp <= as_of, and count each customer once."
        )
    if mine["流失客户"] != ref["流失客户"]:
        raise ExerciseError(
            "流失客户 is off: lost means the LAST purchase is 365 days or more before as_of."
        )
    if mine["新客户"] != ref["新客户"]:
        raise ExerciseError(
            "新客户 is off: new means the FIRST purchase is less than 90 days before as_of."
        )
    return "Right: 新客户, 老客户 and 流失客户 as the deck defines them."
