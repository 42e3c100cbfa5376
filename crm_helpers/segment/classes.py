"""ABC and SVCD classes (ABC分类; 明星、火山、奶牛、小狗) with their contact cadences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_helpers import _catalogue as cat
from crm_helpers.schema import require_columns
from crm_helpers.timeframe import analysis_date

from ._base import (
    _MONTH_DAYS,
    _narrow,
    _positive,
)
from .rfm_analysis import customer_summary

#: ABC classes: visits (contacts) per month and the cadence in words.
ABC_CADENCE: dict[str, tuple[float, str]] = {
    "A": (2.0, "twice a month 每月两次"),
    "B": (1.0, "monthly 每月一次"),
    "C": (0.5, "every two months 每两个月一次"),
}

#: SVCD classes: contacts per month and the cadence in words.
SVCD_CADENCE: dict[str, tuple[float, str]] = {
    "Star": (52 / 12, "weekly 每周"),
    "Cow": (26 / 12, "every two weeks 每两周"),
    "Volcano": (1.0, "monthly 每月"),
    "Dog": (0.5, "every two months 每两个月"),
}
_SVCD_ZH = dict(cat.SVCD_NAMES)  # 明星、火山、奶牛、小狗 (seed 001)


# --------------------------------------------------------------------------- ABC


def _ab_split(summary: pd.DataFrame, a_share: float) -> pd.DataFrame:
    """Buyers sorted by sales with their shares and class A or B."""
    s = summary[["customer_id", "monetary"]].rename(columns={"monetary": "sales"})
    s = s.assign(_key=s["sales"].round(6))  # equal sums are ties, whatever the float order
    s = s.sort_values(["_key", "customer_id"], ascending=[False, True], kind="stable")
    s = s.drop(columns="_key")
    total = s["sales"].sum()
    s["sales_share"] = s["sales"] / total
    s["cum_share"] = s["sales_share"].cumsum()
    before = s["cum_share"] - s["sales_share"]
    is_a = (before < a_share - 1e-12).to_numpy().copy()
    last_a = s["sales"].to_numpy()[is_a].min()
    is_a |= s["sales"].to_numpy() >= last_a
    s["abc_class"] = np.where(is_a, "A", "B")
    return s


def _with_prospects(s: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """Append the members who have not bought as class C."""
    if customers is not None:
        require_columns(customers, ["customer_id"], "customers")
        ids = pd.Index(customers["customer_id"].drop_duplicates())
        prospects = ids.difference(pd.Index(s["customer_id"]))
        c = pd.DataFrame({"customer_id": prospects, "sales": 0.0, "sales_share": 0.0})
        c["cum_share"], c["abc_class"] = np.nan, "C"
        s = pd.concat([s, c], ignore_index=True) if len(c) else s
    return s


def abc_classes(
    tx: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    a_share: float = 0.75,
    as_of: object = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """ABC classification by cumulative share of sales, with the visit cadence per class.

    Buyers are sorted by sales (largest first). **A**: the buyers who together bring the
    first ``a_share`` of sales — a buyer is A while the sales of the buyers before them are
    below ``a_share``, and buyers with the same sales as the last A buyer are A too. **B**:
    all other buyers. **C**: members in ``customers`` who have not bought (prospects).

    Returns
    -------
    DataFrame
        ``customer_id``, ``sales``, ``sales_share``, ``cum_share`` (after this customer),
        ``abc_class`` ("A", "B", "C"), ``visits_per_month`` and ``cadence``
        (:data:`ABC_CADENCE`); sorted by sales, largest first, prospects last.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "amount": [60.0, 20.0, 15.0, 5.0]})
    >>> members = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5]})
    >>> abc_classes(tx, members)[["customer_id", "cum_share", "abc_class"]]
       customer_id  cum_share abc_class
    0            1       0.60         A
    1            2       0.80         A
    2            3       0.95         B
    3            4       1.00         B
    4            5        NaN         C
    """
    if isinstance(a_share, bool) or not isinstance(a_share, int | float) or not 0 < a_share < 1:
        raise ValueError(f"a_share must be a share between 0 and 1 (0.75 = 75 %); got {a_share!r}.")
    summary = customer_summary(tx, as_of, allow_returns=allow_returns)
    s = _with_prospects(_ab_split(summary, a_share), customers)
    s = s.reset_index(drop=True)
    s["visits_per_month"] = s["abc_class"].map({k: v[0] for k, v in ABC_CADENCE.items()})
    s["cadence"] = s["abc_class"].map({k: v[1] for k, v in ABC_CADENCE.items()})
    s["abc_class"] = pd.Categorical(s["abc_class"], categories=["A", "B", "C"], ordered=True)
    return s


# --------------------------------------------------------------------------- SVCD


def svcd_classes(
    tx: pd.DataFrame,
    *,
    amount_threshold: float | None = None,
    frequency_threshold: float | None = 1 / 3,
    window_days: float = 365,
    as_of: object = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """SVCD: Star, Volcano, Cow and Dog (明星、火山、奶牛、小狗) on purchase amount × frequency.

    Over the ``window_days`` before ``as_of`` (from the first day of the data at the
    earliest), a buyer's **amount** is the average purchase and the **frequency** the
    purchases per month (365.25/12 days). Star: both at or above their threshold; Volcano:
    amount only (big, rare purchases); Cow: frequency only (small, steady); Dog: neither.
    ``amount_threshold`` defaults to the buyers' median amount (any currency; the course's
    chart marks 100 and 300 yuan); ``frequency_threshold`` to once a quarter (1/3).

    Returns, for the window's buyers, ``purchases``, ``amount``, ``frequency``, ``svcd``,
    ``svcd_zh``, ``contacts_per_month``, ``cadence`` (:data:`SVCD_CADENCE`); ``.attrs``.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3, 3], "receipt_id": [1, 2, 3, 4, 5, 6],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-05-05", "2024-09-05", "2024-06-01",
    ...                                  "2024-03-01", "2024-11-01"]),
    ...     "amount": [300.0, 300.0, 300.0, 500.0, 20.0, 40.0]})
    >>> out = svcd_classes(tx, amount_threshold=100, frequency_threshold=0.2, as_of="2025-01-01")
    >>> dict(zip(out["customer_id"], out["svcd"].astype(str)))
    {1: 'Star', 2: 'Volcano', 3: 'Dog'}
    """
    _positive("amount_threshold", amount_threshold, allow_zero=True)
    _positive("frequency_threshold", frequency_threshold, allow_zero=True)
    _positive("window_days", window_days)
    narrow = _narrow(tx, allow_returns=allow_returns)
    moment = analysis_date(narrow, as_of)
    start, in_window = _window(narrow, moment, window_days)
    summary = customer_summary(in_window, moment, allow_returns=allow_returns)
    months = max((moment - start) / pd.Timedelta(days=_MONTH_DAYS), 1e-9)
    out = pd.DataFrame(
        {
            "customer_id": summary["customer_id"],
            "purchases": summary["frequency"],
            "amount": summary["avg_basket"],
            "frequency": summary["frequency"] / months,
        }
    )
    out = classify_svcd(out, amount_threshold, frequency_threshold)
    out.attrs["months"] = months
    return out


def _window(
    narrow: pd.DataFrame, moment: pd.Timestamp, window_days: float
) -> tuple[pd.Timestamp, pd.DataFrame]:
    """The window's start (not before the data's first purchase) and its purchases."""
    start = max(moment - pd.Timedelta(days=window_days), narrow["timestamp"].min())
    in_window = narrow[narrow["timestamp"] >= start]
    if len(in_window) == 0:
        raise ValueError(f"No purchase in the {window_days}-day window before as_of ({moment}).")
    return start, in_window


def classify_svcd(
    table: pd.DataFrame,
    amount_threshold: float | None = None,
    frequency_threshold: float | None = None,
) -> pd.DataFrame:
    """(Re)classify a table with ``amount`` and ``frequency`` columns into SVCD classes.

    :func:`svcd_classes` computes the two columns from transactions and calls this; call
    it again to move the thresholds without going back to the transactions (the segment
    explorer does). ``None`` means the median of the column.

    >>> t = pd.DataFrame({"amount": [400.0, 400, 20, 20], "frequency": [2.0, 0.1, 2, 0.1]})
    >>> classify_svcd(t, 100, 1)["svcd"].tolist()
    ['Star', 'Volcano', 'Cow', 'Dog']
    """
    require_columns(table, ["amount", "frequency"], "SVCD")
    _positive("amount_threshold", amount_threshold, allow_zero=True)
    _positive("frequency_threshold", frequency_threshold, allow_zero=True)
    out = table.copy()
    amount_t = float(out["amount"].median()) if amount_threshold is None else amount_threshold
    freq_t = (
        float(out["frequency"].median()) if frequency_threshold is None else frequency_threshold
    )
    big = out["amount"] >= amount_t
    often = out["frequency"] >= freq_t - 1e-12
    label = np.select([big & often, big, often], ["Star", "Volcano", "Cow"], "Dog")
    out["svcd"] = pd.Categorical(label, categories=list(_SVCD_ZH), ordered=True)
    out["svcd_zh"] = out["svcd"].map(_SVCD_ZH).astype(str)
    out["contacts_per_month"] = (
        out["svcd"].map({k: v[0] for k, v in SVCD_CADENCE.items()}).astype(float)
    )
    out["cadence"] = out["svcd"].map({k: v[1] for k, v in SVCD_CADENCE.items()}).astype(str)
    out.attrs.update(amount_threshold=amount_t, frequency_threshold=freq_t)
    return out
