"""Retention and repurchase (留存率与复购率), how they feed each other, and the
loyalty-programme design steps (忠诚度计划的设计与实施).

The Walmart case (沃尔玛) says of the two rates: 两者相辅相成 — a high retention rate helps
the repurchase rate, and a high repurchase rate in turn keeps customers. With receipts we
can measure both directions:

* :func:`retention_repurchase_link` — of the customers of a period, those who **repurchased**
  (two or more visits) against those who bought once: the share still buying in the **next**
  period; and of the customers of a period, those **retained** from the previous one against
  new or returning ones: their repurchase rate. Pooled over all consecutive periods.
* :func:`programme_steps` — the four design steps of a loyalty programme (目标设定 →
  奖励机制设计 → 推广与宣传 → 效果评估与优化) as a table.
* :func:`target_check` — the evaluation step: recent rates against the targets set in step 1.

This is association, not proof of cause: frequent buyers are both more likely to repurchase
and to stay. A test (a random control group) says what a programme adds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._catalogue import LOYALTY_PROGRAMME_STEPS
from .loyalty import receipt_totals
from .schema import check_choice
from .timeframe import PERIODS

__all__ = [
    "history_note",
    "retention_repurchase_link",
    "programme_steps",
    "target_check",
]

_FREQ = {p: PERIODS[p] for p in ("month", "quarter", "week")}  # the timeframe periods


def _visits(tx: pd.DataFrame, period: str) -> pd.DataFrame:
    check_choice("period", period, _FREQ)
    r = receipt_totals(tx)
    if len(r) == 0:
        raise ValueError("The transactions table is empty.")
    p = r["timestamp"].dt.to_period(_FREQ[period])
    v = r.groupby([p.rename("p"), "customer_id"]).size().rename("visits").reset_index()
    return v


def history_note(tx: pd.DataFrame, need_days: int, what: str) -> str:
    """An empty string when ``tx`` covers at least ``need_days`` days; otherwise a note that
    says what is skipped, how long the data are and how long they would need to be.

    >>> tx = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-01", "2024-03-31"])})
    >>> history_note(tx, 90, "churn model")
    ''
    >>> history_note(tx, 730, "tier migration")
    'Skipped: tier migration needs at least 730 days of history; these data cover 90 days.'
    """
    if "timestamp" not in tx.columns or len(tx) == 0:
        return f"Skipped: {what} needs dated purchases; these data have none."
    days = int((tx["timestamp"].max() - tx["timestamp"].min()) / pd.Timedelta(days=1))
    if days >= need_days:
        return ""
    return (
        f"Skipped: {what} needs at least {need_days} days of history; these data cover {days} days."
    )


def retention_repurchase_link(tx: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """Retention by repurchase, and repurchase by retention, pooled over consecutive periods.

    Rows: ``retention next period`` for customers who ``repurchased`` (≥ 2 visits in the
    period) and who ``bought once``; ``repurchase this period`` for customers ``retained``
    (bought in the previous period too) and ``new or returning``. Columns: customers (pairs
    of customer × period counted), hits, rate.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1, 1, 3], "receipt_id": [1, 2, 3, 4, 5, 6],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-09",
    ...         "2024-02-01", "2024-02-11", "2024-02-12"]), "amount": 1.0})
    >>> retention_repurchase_link(tx)
                     measure               group  customers  hits  rate
    0  retention next period         repurchased          1     1   1.0
    1  retention next period          bought once          1     0   0.0
    2  repurchase this period            retained          1     1   1.0
    3  repurchase this period  new or returning          1     0   0.0
    """
    v = _visits(tx, period)
    periods = pd.period_range(v["p"].min(), v["p"].max(), freq=_FREQ[period])
    if len(periods) < 2:
        raise ValueError(
            f"Retention needs at least two {period}s of data; these data cover one "
            f"({periods[0]}). Use a shorter period (e.g. period='week') or more history."
        )
    v = v.assign(repeat=v["visits"] >= 2, **_bought_next_and_before(v["p"], v["customer_id"]))
    has_next = v[v["p"] < periods[-1]]  # the last period has no next one to look at
    has_prev = v[v["p"] > periods[0]]
    rows = []
    for label, mask in (("repurchased", has_next["repeat"]), ("bought once", ~has_next["repeat"])):
        rows.append(("retention next period", label, int(mask.sum()),
                     int(has_next.loc[mask, "next"].sum())))  # fmt: skip
    for label, mask in (("retained", has_prev["prev"]), ("new or returning", ~has_prev["prev"])):
        rows.append(("repurchase this period", label, int(mask.sum()),
                     int(has_prev.loc[mask, "repeat"].sum())))  # fmt: skip
    out = pd.DataFrame(rows, columns=["measure", "group", "customers", "hits"])
    out["rate"] = out["hits"] / out["customers"].where(out["customers"] > 0)
    return out


def _bought_next_and_before(p: pd.Series, customer: pd.Series) -> dict[str, np.ndarray]:
    """Whether each (period, customer) pair also bought in the next and the previous period."""
    ordinal = pd.PeriodIndex(p).asi8  # consecutive periods have consecutive ordinals
    who = customer.to_numpy()
    here = pd.MultiIndex.from_arrays([ordinal, who])
    return {
        "next": pd.MultiIndex.from_arrays([ordinal + 1, who]).isin(here),
        "prev": pd.MultiIndex.from_arrays([ordinal - 1, who]).isin(here),
    }


def programme_steps(measured: dict[str, Any] | None = None) -> pd.DataFrame:
    """The loyalty-programme design steps (忠诚度计划的设计与实施) as a table, with an
    optional ``measured`` column: what this data says at each step (keys: the Chinese step).

    >>> programme_steps()["step_zh"].tolist()
    ['目标设定', '奖励机制设计', '推广与宣传', '效果评估与优化']
    """
    t = pd.DataFrame(LOYALTY_PROGRAMME_STEPS, columns=["step_zh", "step_en", "decides"])
    t.index = pd.RangeIndex(1, len(t) + 1, name="step")
    if measured is not None:
        unknown = sorted(set(measured) - set(t["step_zh"]))
        if unknown:
            raise ValueError(f"Unknown steps {unknown}; the steps are {t['step_zh'].tolist()}.")
        t["measured"] = t["step_zh"].map(measured).fillna("")
    return t


def target_check(rates: pd.DataFrame, targets: dict[str, float], last: int = 3) -> pd.DataFrame:
    """The evaluation step (效果评估): the mean of each rate over the ``last`` periods of a
    :func:`crm_helpers.loyalty.repeat_and_retention` table against its target.

    >>> rates = pd.DataFrame({"repurchase_rate": [0.2, 0.3, 0.4], "retention_rate": [None, 0.5, 0.7]})
    >>> target_check(rates, {"repurchase_rate": 0.3, "retention_rate": 0.7}, last=2)
                     recent  target   gap    met
    rate
    repurchase_rate    0.35     0.3  0.05   True
    retention_rate     0.60     0.7 -0.10  False
    """
    missing = [c for c in targets if c not in rates.columns]
    if missing:
        raise ValueError(f"No column {missing} in the rates table; it has {list(rates.columns)}.")
    if not isinstance(last, int | np.integer) or last < 1:
        raise ValueError(f"last must be a whole number ≥ 1; got {last!r}.")
    recent = {c: float(rates[c].dropna().tail(last).mean()) for c in targets}
    out = pd.DataFrame({"recent": recent, "target": targets})
    out["gap"] = (out["recent"] - out["target"]).round(12)
    out["met"] = out["gap"] >= 0
    out.index.name = "rate"
    return out
