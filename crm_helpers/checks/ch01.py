"""Checks for chapter 01 (overview, the indicator system, the customer lifecycle)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import kpi
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
    if close(got, tx["amount"].mean(), rel=1e-9) and not close(got, ref["avg_basket"], 1e-9):
        raise ExerciseError(
            "You averaged the receipt lines. The average basket value (客单价) is per receipt: "
            "first add up each receipt's lines, then average over receipts."
        )
    if close(got, ref["sales_per_customer"], rel=1e-9):
        raise ExerciseError(
            "You divided by the number of customers. 客单价 divides sales by visits (receipts)."
        )
    if not close(got, ref["avg_basket"], rel=1e-9):
        raise ExerciseError("average_basket(tx) does not give sales per receipt on this table.")
    return "Right: your function gives the average basket value (客单价)."


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
