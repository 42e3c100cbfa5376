"""Checks for chapter 05 (segmentation: RFM, ABC, SVCD, pyramid, deciles, clustering)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import segment as sg
from ..timeframe import analysis_date
from . import ExerciseError, close, exercise
from . import needs_function as _needs_function
from . import number as _number


def _mid_date(tx: pd.DataFrame) -> pd.Timestamp:
    ts = tx["timestamp"]
    return max((ts.min() + (ts.max() - ts.min()) / 2).normalize(), ts.min())


# --------------------------------------------------------------------------- 05.1
def _rfm_answer(func: Callable[..., Any], tx: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    got = func(tx.copy(), as_of)
    if not isinstance(got, pd.DataFrame):
        raise ExerciseError(f"my_rfm should return a DataFrame, not a {type(got).__name__}.")
    if "customer_id" in got.columns:
        got = got.set_index("customer_id")
    missing = [c for c in ("recency_days", "frequency", "monetary") if c not in got.columns]
    if missing:
        raise ExerciseError(
            f"The table my_rfm returns has no column {', '.join(repr(m) for m in missing)}; "
            "it needs recency_days, frequency and monetary, one row per customer_id."
        )
    return got


@exercise("05.1")
def my_rfm(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "my_rfm")
    for as_of in (_mid_date(tx), analysis_date(tx)):
        ref = sg.rfm_values(tx, as_of).set_index("customer_id")
        got = _rfm_answer(func, tx, as_of)
        upto = tx[tx["timestamp"] <= as_of]
        if len(got) != len(ref):
            if len(got) == tx["customer_id"].nunique() and len(got) > len(ref):
                raise ExerciseError(
                    "Your table has customers who had not bought yet on as_of: use only the "
                    "purchases on or before as_of."
                )
            raise ExerciseError("my_rfm should return one row per customer who bought by as_of.")
        got = got.reindex(ref.index)
        if got[["recency_days", "frequency", "monetary"]].isna().any().any():
            raise ExerciseError("The rows of my_rfm are not indexed by customer_id (or have gaps).")
        lines = upto.groupby("customer_id").size().reindex(ref.index)
        if not np.array_equal(got["frequency"].to_numpy(), ref["frequency"].to_numpy()):
            if np.array_equal(got["frequency"].to_numpy(), lines.to_numpy()):
                raise ExerciseError(
                    "frequency counts receipt lines. Count purchases: distinct receipts."
                )
            raise ExerciseError(
                f"frequency is not the number of receipts up to as_of ({as_of.date()})."
            )
        if not np.allclose(got["monetary"], ref["monetary"], rtol=1e-9):
            listed = (upto["quantity"] * upto["unit_price"]).groupby(upto["customer_id"]).sum()
            if np.allclose(got["monetary"], listed.reindex(ref.index), rtol=1e-9):
                raise ExerciseError(
                    "monetary is at list prices. Use the net `amount` members paid."
                )
            raise ExerciseError(f"monetary is not the sales up to as_of ({as_of.date()}).")
        if pd.api.types.is_timedelta64_dtype(got["recency_days"]):
            raise ExerciseError(
                "recency_days is a time span. Give it as a number of whole days (.dt.days)."
            )
        rec = got["recency_days"].to_numpy(dtype=float)
        want = ref["recency_days"].to_numpy(dtype=float)
        if not np.allclose(rec, want, atol=1):
            first = ((as_of - ref["first_purchase"]) // pd.Timedelta(days=1)).to_numpy()
            if np.allclose(rec, first, atol=1):
                raise ExerciseError(
                    "recency_days counts from the first purchase. Recency is the time since the "
                    "*last* purchase."
                )
            if np.allclose(rec, want / 7, atol=1):
                raise ExerciseError("recency looks like weeks. Give it in days.")
            raise ExerciseError("recency_days is not the days from the last purchase to as_of.")
    return "Right: recency, frequency and monetary value match (also at an earlier date)."


# --------------------------------------------------------------------------- 05.2
def _hand_scores(
    values: pd.Series, higher_is_better: bool, method: str, shift: float
) -> np.ndarray:
    ranks = (values if higher_is_better else -values).rank(method=method)
    return np.ceil(np.round((ranks - shift) / len(values) * 5, 9)).clip(1, 5).to_numpy()


@exercise("05.2")
def my_scores(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "my_scores")
    values = sg.rfm_values(tx)
    got = func(values.copy())
    if not isinstance(got, pd.DataFrame):
        raise ExerciseError(f"my_scores should return a DataFrame, not a {type(got).__name__}.")
    cols = {"r_score": "recency_days", "f_score": "frequency", "m_score": "monetary"}
    missing = [c for c in cols if c not in got.columns]
    if missing:
        raise ExerciseError(
            f"The table has no column {', '.join(map(repr, missing))}: add r_score, f_score "
            "and m_score to the table you were given."
        )
    if len(got) != len(values) or not got.index.equals(values.index):
        raise ExerciseError("Keep one row per customer, in the order (and index) you got them.")
    ref = sg.rfm_scores(values)
    for score, col in cols.items():
        mine = got[score].to_numpy(dtype=float)
        if np.array_equal(mine, ref[score].to_numpy(dtype=float)):
            continue
        up = score != "r_score"
        if not up and np.array_equal(mine, _hand_scores(values[col], True, "average", 0.5)):
            raise ExerciseError(
                "r_score gives the long-absent customers the high scores. Recent buyers must "
                "score 5: rank recency_days from the largest down (or rank −recency_days)."
            )
        if np.array_equal(mine, _hand_scores(values[col], up, "first", 0.5)):
            raise ExerciseError(
                f"{score}: customers with equal {col} get different scores. Tied values "
                "share a score: rank with method='average'."
            )
        if np.array_equal(mine, _hand_scores(values[col], up, "average", 0.0)):
            raise ExerciseError(f"{score}: subtract 0.5 from the rank before dividing by n.")
        raise ExerciseError(
            f"{score} is not ceil(5 × (average rank − 0.5) / n) of {col} for every customer."
        )
    return "Right: the R, F and M scores match, ties included."


# --------------------------------------------------------------------------- 05.3
def _share_a_variants(tx: pd.DataFrame) -> dict[str, float]:
    abc = sg.abc_classes(tx)
    is_a = abc["abc_class"] == "A"
    cum = abc["cum_share"]
    return {
        "right": float(is_a.mean()),
        "sales": float(abc.loc[is_a, "sales"].sum() / abc["sales"].sum()),
        "crossing": float((cum < 0.75 - 1e-12).mean()),
    }


@exercise("05.3")
def my_share_a(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "my_share_a")
    keep = tx["customer_id"].drop_duplicates().iloc[::2]
    for data in (tx, tx[tx["customer_id"].isin(keep)]):
        got = _number(func(data.copy()), "my_share_a(tx)")
        v = _share_a_variants(data)
        if close(got, v["right"], rel=1e-9):
            continue
        if close(got, v["right"] * 100, rel=1e-9):
            raise ExerciseError("That looks like a percentage. Give a fraction (0.2, not 20).")
        if close(got, v["sales"], rel=1e-9):
            raise ExerciseError(
                "That is class A's share of sales. The question asks for its share of *buyers*."
            )
        if close(got, v["crossing"], rel=1e-9):
            raise ExerciseError(
                "You left out the customer who takes the cumulative share past 75 %. A customer "
                "is A while the sales of the customers *before* them are below 75 %."
            )
        if close(got, 1 - v["right"], rel=1e-9):
            raise ExerciseError("That is the share of class B. Class A are the largest buyers.")
        raise ExerciseError("my_share_a(tx) is not the share of buyers in class A.")
    return "Right: your ABC split matches (also on half of the customers)."


# --------------------------------------------------------------------------- 05.4
@exercise("05.4")
def my_top_decile_share(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "my_top_decile_share")
    keep = tx["customer_id"].drop_duplicates().iloc[::2]
    for data in (tx, tx[tx["customer_id"].isin(keep)]):
        got = _number(func(data.copy()), "my_top_decile_share(tx)")
        table = sg.decile_table(data)
        right = table.loc[table["decile"] == 1, "sales_share"].iloc[0]
        if close(got, right, rel=1e-9):
            continue
        if close(got, right * 100, rel=1e-9):
            raise ExerciseError("That looks like a percentage. Give a fraction (0.3, not 30).")
        bottom = table.loc[table["decile"] == 10, "sales_share"].iloc[0]
        if close(got, bottom, rel=1e-9):
            raise ExerciseError("That is the bottom decile (10). Decile 1 holds the top customers.")
        lines = data["amount"].sort_values(ascending=False)
        top_lines = lines.iloc[: max(1, len(lines) // 10)].sum() / lines.sum()
        if close(got, top_lines, rel=1e-6):
            raise ExerciseError(
                "You took the top 10 % of receipt lines. Deciles rank customers: add up each "
                "customer's sales first."
            )
        sales = data.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
        if close(got, sales.iloc[: len(sales) // 10].sum() / sales.sum(), rel=1e-9):
            raise ExerciseError(
                "You rounded the number of top customers down. The top decile holds "
                "ceil(n / 10) customers (at least one)."
            )
        if close(got, 0.1, rel=1e-9):
            raise ExerciseError("0.1 is the decile's share of customers, not of sales.")
        raise ExerciseError("That is not the sales share of the top 10 % of customers.")
    return "Right: the top decile's share of sales (also on half of the customers)."


# --------------------------------------------------------------------------- 05.5
@exercise("05.5")
def n_stars(answer: Any, *, tx: pd.DataFrame, **params: Any) -> str:
    got = _number(answer, "n_stars")
    counts = sg.svcd_classes(tx, **params)["svcd"].value_counts()
    stars = counts.get("Star", 0)
    if got == stars:
        return "Right: that is the number of Star customers (明星客户)."
    if got == counts.get("Volcano", 0) and 0 < counts.get("Volcano", 0) != stars:
        raise ExerciseError(
            "That is the number of Volcanoes: big but rare purchases. Stars buy big *and* often."
        )
    if got == counts.get("Cow", 0) and 0 < counts.get("Cow", 0) != stars:
        raise ExerciseError("That is the number of Cows: frequent but small purchases.")
    if got == counts.sum():
        raise ExerciseError("That is every customer in the window, not only the Stars.")
    raise ExerciseError("That is not the number of Stars with the thresholds given.")


# --------------------------------------------------------------------------- 05.6
@exercise("05.6")
def bottom_zone_profit(answer: Any, *, tx: pd.DataFrame) -> str:
    func = _needs_function(answer, "bottom_zone_profit")
    for cost in (0.0, 3.0):
        got = _number(func(tx.copy(), cost), f"bottom_zone_profit(tx, {cost})")
        summary = sg.pyramid_summary(sg.profit_pyramid(tx, service_cost_per_receipt=cost))
        right = summary["profit"].iloc[-1]
        if close(got, right, rel=1e-9, abs_=1e-6):
            continue
        if close(got, summary["revenue"].iloc[-1], rel=1e-9):
            raise ExerciseError("That is the bottom zone's revenue. Profit subtracts the cost.")
        if close(got, summary["profit"].iloc[0], rel=1e-9):
            raise ExerciseError(
                "That is the top zone. The bottom zone is the 40 % least profitable customers."
            )
        no_cost = sg.pyramid_summary(sg.profit_pyramid(tx))["profit"].iloc[-1]
        if cost and close(got, no_cost, rel=1e-9):
            raise ExerciseError(
                "With a service cost your answer does not change: subtract "
                "service_cost × receipts from each customer's profit before ranking."
            )
        raise ExerciseError(
            f"bottom_zone_profit(tx, {cost}) is not the profit of the bottom 40 % zone."
        )
    return "Right: the bottom zone's profit, with and without a service cost."


# --------------------------------------------------------------------------- 05.7
@exercise("05.7")
def best_k(answer: Any, *, table: pd.DataFrame) -> str:
    got = _number(answer, "best_k")
    right = table.loc[table["silhouette"].idxmax(), "k"]
    if got == right:
        return "Right: that k has the highest silhouette."
    if got == table.loc[table["inertia"].idxmin(), "k"]:
        raise ExerciseError(
            "That k has the lowest inertia, which always falls as k grows. Use the silhouette."
        )
    if got == table.loc[table["silhouette"].idxmin(), "k"]:
        raise ExerciseError("That k has the *lowest* silhouette: higher is better.")
    raise ExerciseError("That is not the k with the highest silhouette in the table.")
