"""The contact plan (接触计划) by cadence and budget, and call-centre follow-ups (呼叫中心)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DataValidationError, check_choice, require_columns
from ..segment import ABC_CADENCE, SVCD_CADENCE
from .channels import _MONTH_DAYS, CHANNEL_COST, FOLLOW_UP_CADENCE, _check_channels

__all__ = [
    "cadence_days",
    "contact_plan",
    "plan_summary",
    "follow_up_plan",
]


# --------------------------------------------------------------------------- contact plan


def cadence_days(scheme: str = "svcd") -> dict[str, int]:
    """The shortest gap in days between two contacts of one customer, per class.

    From the contacts per month of :data:`crm_helpers.segment.SVCD_CADENCE` (Star weekly,
    Cow every two weeks, Volcano monthly, Dog every two months) or
    :data:`crm_helpers.segment.ABC_CADENCE` (A twice a month, B monthly, C every two
    months): ``floor(30.44 / contacts per month)`` days.

    >>> cadence_days("svcd")
    {'Star': 7, 'Cow': 14, 'Volcano': 30, 'Dog': 60}
    >>> cadence_days("abc")
    {'A': 15, 'B': 30, 'C': 60}
    """
    check_choice("scheme", scheme, ("svcd", "abc"))
    table = SVCD_CADENCE if scheme == "svcd" else ABC_CADENCE
    return {k: int(math.floor(_MONTH_DAYS / v[0] + 1e-9)) for k, v in table.items()}


_CLASS_COLUMN = {"svcd": "svcd", "abc": "abc_class"}
_CLASS_ORDER = {"svcd": ["Star", "Volcano", "Cow", "Dog"], "abc": ["A", "B", "C"]}


def _positive_budget(budget: Any) -> float:
    if isinstance(budget, bool) or not isinstance(budget, int | float | np.number):
        raise ValueError(f"budget must be an amount of money > 0; got {budget!r}.")
    if not np.isfinite(budget) or budget <= 0:
        raise ValueError(
            f"budget must be an amount of money > 0 (a zero budget plans nothing); got {budget!r}."
        )
    return float(budget)


def _usable_channels(
    costs: dict[str, float], channels: Iterable[str] | None, default_channel: str
) -> list[str]:
    """The channels the plan may use; an error for unknown ones or a bad default."""
    usable = list(costs) if channels is None else list(channels)
    unknown = [ch for ch in usable if ch not in costs]
    if unknown:
        raise ValueError(
            f"channels has unknown channels {', '.join(map(repr, unknown))}; known: "
            f"{', '.join(map(repr, costs))}."
        )
    check_choice("default_channel", default_channel, usable)
    return usable


def _plan_classes(customers: pd.DataFrame, cls: str, gaps: dict[str, int]) -> pd.Series:
    """The customers' classes; an error for an empty table, repeated ids or unknown classes."""
    require_columns(customers, ["customer_id", cls], "customers")
    if len(customers) == 0:
        raise DataValidationError("The customers table is empty: there is nobody to plan for.")
    if customers["customer_id"].duplicated().any():
        raise DataValidationError(
            "The customers table has repeated customer_id values; give one row per customer."
        )
    return customers[cls].astype(object)


def _check_plan_labels(labels: pd.Series, cls: str, gaps: dict[str, int]) -> None:
    """An error naming the classes that have no cadence."""
    bad = sorted({str(v) for v in labels.unique()} - set(gaps))
    if bad:
        raise DataValidationError(
            f"The customers table's column {cls!r} has unknown classes {', '.join(repr(b) for b in bad[:5])}; "
            f"expected {', '.join(repr(g) for g in gaps)}."
        )


def _plan_channel_codes(
    customers: pd.DataFrame, costs: dict[str, float], usable: list[str], default_channel: str
) -> np.ndarray:
    """Each customer's channel (preferred if usable, else the default) as codes of costs."""
    if "preferred_channel" in customers:
        _check_channels(customers["preferred_channel"], "preferred_channel", "customers", costs)
        chan = customers["preferred_channel"].astype(object)
        chan = chan.where(chan.notna() & chan.isin(usable), default_channel)
    else:
        chan = pd.Series(default_channel, index=customers.index, dtype=object)
    return pd.Categorical(chan, categories=list(costs)).codes.astype(np.int64)


def _plan_checks(
    customers: pd.DataFrame,
    cls: str,
    gaps: dict[str, int],
    costs: dict[str, float],
    channels: Iterable[str] | None,
    default_channel: str,
    budget: Any,
    start: Any,
    end: Any,
) -> tuple[list[str], float, pd.Series, pd.Timestamp, pd.Timestamp]:
    """The checked inputs of :func:`contact_plan`: usable channels, budget, classes, period."""
    usable = _usable_channels(costs, channels, default_channel)
    budget = _positive_budget(budget)
    labels = _plan_classes(customers, cls, gaps)
    start_t, end_t = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end_t <= start_t:
        raise ValueError(f"end ({end_t.date()}) must be after start ({start_t.date()}).")
    _check_plan_labels(labels, cls, gaps)
    return usable, budget, labels, start_t, end_t


def _priority_order(
    customers: pd.DataFrame, labels: pd.Series, scheme: str, class_names: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The customers in priority order (value largest first, class order, id) and their
    class codes in that order."""
    class_code = pd.Categorical(labels, categories=class_names).codes.astype(np.int64)
    rank = np.asarray([_CLASS_ORDER[scheme].index(k) for k in class_names])[class_code]
    ids = customers["customer_id"].to_numpy()
    value = [-customers["value"].to_numpy(dtype=float)] if "value" in customers else []
    order = np.lexsort([ids, rank, *value])  # by value (largest first), class order, id
    return order, class_code[order]


def _schedule(
    gap: np.ndarray, class_code: np.ndarray, cost_each: np.ndarray, days: int, budget: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Contacts of customers in priority order: (customer position, day, cost) by date
    within the budget, and the cost of the full plan."""
    # stagger the first contact: position within the class, modulo the class's gap
    offset = pd.Series(class_code).groupby(class_code).cumcount().to_numpy() % gap
    n_each = np.maximum(0, -(-(days - offset) // gap))
    rep = np.repeat(np.arange(len(gap)), n_each)
    k = np.arange(len(rep)) - np.repeat(np.cumsum(n_each) - n_each, n_each)
    day = offset[rep] + k * gap[rep]
    cost = cost_each[rep]
    spent = np.cumsum(cost)
    full_cost = float(spent[-1]) if len(spent) else 0.0
    cut = int(np.searchsorted(spent, budget + 1e-9, side="right"))
    rep, day, cost = rep[:cut], day[:cut], cost[:cut]
    final = np.lexsort([rep, day])  # by date, then priority
    return rep[final], day[final], cost[final], full_cost


def _plan_table(
    ids: np.ndarray,
    gap: np.ndarray,
    class_code: np.ndarray,
    chan_code: np.ndarray,
    costs: dict[str, float],
    cls: str,
    class_names: list[str],
    period: tuple[pd.Timestamp, pd.Timestamp],
    budget: float,
) -> pd.DataFrame:
    """The scheduled contacts of customers in priority order as the plan table."""
    start_t, end_t = period
    cost_each = np.asarray(list(costs.values()), dtype=float)[chan_code]
    rep, day, cost, full_cost = _schedule(
        gap, class_code, cost_each, (end_t - start_t).days, budget
    )
    plan = pd.DataFrame({"customer_id": ids[rep],
        "date": (start_t.to_datetime64() + day.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "channel": pd.Categorical.from_codes(chan_code[rep], list(costs)), "cost": cost,
        cls: pd.Categorical.from_codes(class_code[rep], class_names), "priority": rep + 1})  # fmt: skip
    dropped = int(len(ids) - len(np.unique(rep)))
    plan.attrs.update(budget=budget, full_cost=full_cost, customers_dropped=dropped)
    return plan


def contact_plan(
    customers: pd.DataFrame,
    start: Any,
    end: Any,
    budget: float,
    *,
    scheme: str = "svcd",
    channel_costs: Mapping[str, float] | None = None,
    default_channel: str = "sms",
    channels: Iterable[str] | None = None,
) -> pd.DataFrame:
    """A contact plan (接触计划) for the days ``start`` ≤ date < ``end``.

    Every customer is contacted on their ``preferred_channel`` (``default_channel`` where
    it is missing or not among ``channels``, default: all of ``channel_costs``, itself
    default :data:`CHANNEL_COST`) every :func:`cadence_days` days of their class (SVCD:
    column ``svcd``; ABC: column ``abc_class``), the first contact staggered over the
    first gap. If the full plan costs more than ``budget`` (> 0), customers are served in
    order of priority — ``value`` (largest first) if that column exists, otherwise the
    class order (Star, Volcano, Cow, Dog / A, B, C) — and the plan stops before the
    contact that would exceed it: it **never exceeds the budget** nor the cadence.
    Returns ``customer_id``, ``date``, ``channel``, ``cost``, the class column and
    ``priority`` (1 = first), by date; ``.attrs``: budget, full_cost, customers_dropped.

    >>> cust = pd.DataFrame({"customer_id": [1, 2], "svcd": ["Star", "Dog"],
    ...                      "preferred_channel": ["email", "hotline"]})
    >>> plan = contact_plan(cust, "2025-01-01", "2025-02-01", budget=100)
    >>> plan.groupby("customer_id")["date"].count().tolist()
    [5, 1]
    >>> float(plan["cost"].sum())
    4.1
    """
    check_choice("scheme", scheme, ("svcd", "abc"))
    costs = dict(CHANNEL_COST if channel_costs is None else channel_costs)
    cls, gaps = _CLASS_COLUMN[scheme], cadence_days(scheme)
    checked = _plan_checks(
        customers, cls, gaps, costs, channels, default_channel, budget, start, end
    )
    usable, budget, labels, start_t, end_t = checked
    chan_code = _plan_channel_codes(customers, costs, usable, default_channel)
    class_names = list(gaps)
    order, class_code = _priority_order(customers, labels, scheme, class_names)
    ids, chan_code = customers["customer_id"].to_numpy()[order], chan_code[order]
    gap = np.asarray([gaps[k] for k in class_names])[class_code]
    return _plan_table(ids, gap, class_code, chan_code, costs, cls, class_names,
                       (start_t, end_t), budget)  # fmt: skip


def plan_summary(plan: pd.DataFrame, by: str = "svcd") -> pd.DataFrame:
    """Customers, contacts and cost of a :func:`contact_plan` per class (or channel).

    >>> cust = pd.DataFrame({"customer_id": [1, 2], "svcd": ["Star", "Dog"]})
    >>> plan_summary(contact_plan(cust, "2025-01-01", "2025-02-01", budget=100))
      svcd  customers  contacts  cost  contacts_per_customer
    0  Star          1         5   0.5                    5.0
    1   Dog          1         1   0.1                    1.0
    """
    require_columns(plan, ["customer_id", "cost", by], "plan")
    g = (
        plan.groupby(by, observed=True, sort=False)
        .agg(
            customers=("customer_id", "nunique"),
            contacts=("customer_id", "size"),
            cost=("cost", "sum"),
        )
        .reset_index()
    )
    g["contacts_per_customer"] = g["contacts"] / g["customers"]
    return g


# --------------------------------------------------------------------------- call centre


def _follow_up_rows(leads: pd.DataFrame, cadence: dict[str, tuple[int, int]]) -> list[pd.DataFrame]:
    """One table of planned calls per purchase timing and follow-up number."""
    rows = []
    for timing, (gap, length) in cadence.items():
        part = leads[leads["purchase_timing"] == timing]
        for k in range(1, length // gap + 1):
            rows.append(
                pd.DataFrame(
                    {
                        "call_id": part["call_id"].to_numpy(),
                        "customer_id": part["customer_id"].to_numpy(),
                        "purchase_timing": timing,
                        "follow_up": k,
                        "date": part["timestamp"].dt.normalize().to_numpy()
                        + pd.Timedelta(days=gap * k),
                    }
                )
            )
    return rows


def follow_up_plan(
    calls: pd.DataFrame, cadence: Mapping[str, tuple[int, int]] | None = None
) -> pd.DataFrame:
    """Follow-up calls (回访) for sales leads by their purchase timing (购买时间).

    A lead who plans to buy within a month is called every week for four weeks; within
    one to three months every two weeks; within three to six months every month
    (:data:`FOLLOW_UP_CADENCE`: gap and duration in days). Needs the call log's
    ``call_id``, ``customer_id``, ``timestamp``, ``purpose`` and ``purchase_timing``; only
    rows with ``purpose == "lead"`` are planned.

    >>> calls = pd.DataFrame({"call_id": [1, 2], "customer_id": [7, 8], "purpose": ["lead", "complaint"],
    ...     "timestamp": pd.to_datetime(["2025-03-01 10:00", "2025-03-02 11:00"]),
    ...     "purchase_timing": ["within_1_month", None]})
    >>> follow_up_plan(calls)[["customer_id", "follow_up", "date"]]
       customer_id  follow_up       date
    0            7          1 2025-03-08
    1            7          2 2025-03-15
    2            7          3 2025-03-22
    3            7          4 2025-03-29
    """
    cadence = dict(FOLLOW_UP_CADENCE if cadence is None else cadence)
    require_columns(
        calls, ["call_id", "customer_id", "timestamp", "purpose", "purchase_timing"], "calls"
    )
    leads = calls[calls["purpose"] == "lead"]
    bad = sorted({str(v) for v in leads["purchase_timing"].unique()} - set(cadence))
    if bad:
        raise DataValidationError(
            f"The calls table's column 'purchase_timing' has unknown values {', '.join(repr(b) for b in bad[:5])} "
            f"for leads; expected {', '.join(repr(k) for k in cadence)}."
        )
    rows = _follow_up_rows(leads, cadence)
    cols = ["call_id", "customer_id", "purchase_timing", "follow_up", "date"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["date", "call_id", "follow_up"], kind="stable").reset_index(drop=True)[
        cols
    ]
