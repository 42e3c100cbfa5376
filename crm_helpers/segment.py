"""Customer segmentation (客户分层与细分): RFM, ABC, SVCD, the customer pyramid, deciles,
the customer differentiation matrix and k-means clustering.

Every function takes a transaction table (one row per receipt line, see
:mod:`crm_helpers.schema`) or a per-customer table made from one, plus explicit
parameters, and returns a **new** DataFrame; inputs are never changed, nothing is printed
or plotted. Lines are first summed into receipts: a receipt's value is the sum of its line
``amount`` values and it is dated by its earliest line.

**Returns (退货).** A sale has ``amount > 0``. By default a table with a zero or negative
amount is refused with a :class:`~crm_helpers.schema.DataValidationError` (clean the data
first, as :func:`crm_helpers.datasets.clean_online_retail` does). With
``allow_returns=True`` returns are *netted*: monetary value and sales are the sum of all
amounts, returns included; a receipt counts as a purchase (in frequency and recency) only
if its net value is positive; a customer without any such purchase is left out.

**Scores that handle ties.** RFM scores use mid-rank percentiles: a value's percentile is
``(average rank − 0.5) / n`` and its score ``ceil(percentile × bins)``. Equal values always
get the same score, groups are as equal in size as ties allow, and a single customer (or
customers who are all alike) get the middle score.

The heavy aggregation runs in an in-memory DuckDB database, so RFM and deciles scale to
tens of millions of lines (see ``benchmarks/bench_segment.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from crm_helpers._duck import query as _query
from crm_helpers.schema import DataValidationError, check_choice, require_columns

__all__ = [
    "RFM_SEGMENTS",
    "RFM_ACTIONS",
    "ABC_CADENCE",
    "SVCD_CADENCE",
    "PYRAMID_ZONES",
    "COURSE_PYRAMID",
    "QUADRANT_STRATEGIES",
    "customer_summary",
    "rfm_values",
    "quantile_scores",
    "rfm_scores",
    "default_rfm_segment_map",
    "rfm_segment_grid",
    "rfm_segments",
    "rfm",
    "rfm_cube",
    "segment_summary",
    "abc_classes",
    "svcd_classes",
    "classify_svcd",
    "customer_profit",
    "profit_pyramid",
    "pyramid_summary",
    "customer_deciles",
    "decile_table",
    "category_mix",
    "differentiation_matrix",
    "clustering_features",
    "choose_k",
    "describe_clusters",
    "CustomerClusters",
]

_TABLE = "transactions"
_TX_COLUMNS = ("customer_id", "receipt_id", "timestamp", "amount")
_DAY_NS = 86_400 * 10**9
_MONTH_DAYS = 365.25 / 12

# --------------------------------------------------------------------------- constants

#: The RFM segments, in order from best to worst, with their Chinese names.
RFM_SEGMENTS: dict[str, str] = {
    "champions": "冠军客户",
    "loyal": "忠诚客户",
    "potential loyalists": "潜力客户",
    "new": "新客户",
    "promising": "有希望客户",
    "need attention": "需关注客户",
    "about to sleep": "即将沉睡客户",
    "at risk": "有流失风险客户",
    "can't lose": "不能失去的客户",
    "hibernating": "沉睡客户",
    "lost": "流失客户",
}

#: A recommended action per RFM segment (override with ``actions=``).
RFM_ACTIONS: dict[str, str] = {
    "champions": "reward them: early access, VIP events; ask for reviews and referrals",
    "loyal": "up-sell higher-value products; invite to the top membership tier",
    "potential loyalists": "offer membership or a loyalty programme; recommend related products",
    "new": "onboarding: a welcome series and a second-purchase coupon",
    "promising": "build awareness: samples, a free trial of another category",
    "need attention": "limited-time offers based on past purchases; reactivate interest",
    "about to sleep": "a reminder with popular products and a small discount",
    "at risk": "personal win-back messages and offers before they are gone",
    "can't lose": "contact them personally; find out what went wrong; win them back",
    "hibernating": "low-cost reactivation offers only; do not overspend",
    "lost": "one last low-cost campaign, then stop spending on them",
}

# rows: R score 5 (recent) … 1; columns: FM score 1 … 5 (see default_rfm_segment_map)
_RFM_GRID = {
    5: ("new", "potential loyalists", "potential loyalists", "champions", "champions"),
    4: ("promising", "potential loyalists", "potential loyalists", "loyal", "champions"),
    3: ("about to sleep", "about to sleep", "need attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at risk", "at risk", "can't lose"),
    1: ("lost", "lost", "hibernating", "at risk", "can't lose"),
}

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
_SVCD_ZH = {"Star": "明星客户", "Volcano": "火山客户", "Cow": "奶牛客户", "Dog": "瘦狗客户"}

#: The customer pyramid's profit zones (利润区): share of customers and strategy.
PYRAMID_ZONES: tuple[tuple[str, float, str], ...] = (
    ("top 5%", 0.05, "keep 保持: serve personally, protect the relationship"),
    ("next 10%", 0.10, "upgrade 升级: grow them into the top zone"),
    ("next 20%", 0.20, "prepare 培养: develop with targeted offers"),
    ("next 25%", 0.25, "passive 被动维持: standard service at low cost"),
    ("bottom 40%", 0.40, "exit or cut cost 退出或降低成本: self-service, fees, no subsidies"),
)

#: The pyramid's shape as the course material states it (NaN: not stated).
COURSE_PYRAMID = pd.DataFrame(
    {
        "zone": [z for z, _, _ in PYRAMID_ZONES],
        "stated_revenue_share": [0.35, np.nan, np.nan, np.nan, np.nan],
        "stated_profit_share": [0.40, np.nan, np.nan, np.nan, np.nan],
        "stated": [
            "~35% of revenue, over 40% of profit",
            "",
            "",
            "",
            "negative profit",
        ],
    }
)

#: Strategies of the customer differentiation matrix (客户差异矩阵).
QUADRANT_STRATEGIES: dict[str, str] = {
    "one-to-one": "一对一营销: high value and distinct needs: tailor offer and service to each",
    "loyalty building": "忠诚计划: high value, common needs: reward and keep them",
    "niche": "利基营销: low value, distinct needs: specialised offers at low cost",
    "mass": "大众营销: low value, common needs: standard offers through cheap channels",
}

# --------------------------------------------------------------------------- helpers


def _as_timestamp(value: object, name: str) -> pd.Timestamp:
    if isinstance(value, bool) or not isinstance(
        value, str | datetime | pd.Timestamp | np.datetime64
    ):
        raise ValueError(f"{name} must be a date such as '2025-06-30'; got {value!r}.")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2025-06-30'; got {value!r}.") from None
    if ts is pd.NaT:
        raise ValueError(f"{name} must be a date; got a missing value.")
    return ts.tz_localize(None) if ts.tz is not None else ts


def _narrow(
    tx: pd.DataFrame, extra: Sequence[str] = (), *, allow_returns: bool = False
) -> pd.DataFrame:
    """The columns needed, checked cheaply, with naive timestamps."""
    require_columns(tx, [*_TX_COLUMNS, *extra], _TABLE)
    if len(tx) == 0:
        raise DataValidationError("The transactions table is empty: it has no rows.")
    for col in ("amount", *[c for c in extra if c in ("quantity", "unit_cost", "discount")]):
        s = tx[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            raise DataValidationError(
                f"Column {col!r} of the transactions table must be numeric; found dtype "
                f"'{s.dtype}'. Load the table with validate_transactions."
            )
    ts = tx["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        raise DataValidationError(
            "Column 'timestamp' of the transactions table must be a datetime column "
            f"(datetime64); found dtype '{ts.dtype}'. Convert it with pd.to_datetime, or load "
            "the table with validate_transactions."
        )
    narrow = tx[list(dict.fromkeys([*_TX_COLUMNS, *extra]))]
    if getattr(ts.dt, "tz", None) is not None:
        narrow = narrow.assign(timestamp=ts.dt.tz_localize(None))
    if not allow_returns:
        bad = narrow["amount"].to_numpy() <= 0
        if bad.any():
            n = int(bad.sum())
            pos = int(np.flatnonzero(bad)[0])
            first, value = narrow.index[pos], float(narrow["amount"].iloc[pos])
            raise DataValidationError(
                f"Column 'amount' of the transactions table must be greater than 0; found "
                f"{n} zero or negative value{'s' if n != 1 else ''} (first at row {first!r}: "
                f"{value!r}). These are returns or "
                "cancellations: remove them first, or pass allow_returns=True to net them "
                "against the sales."
            )
    return narrow


def _default_as_of(narrow: pd.DataFrame) -> pd.Timestamp:
    """Midnight after the last purchase day."""
    return narrow["timestamp"].max().normalize() + pd.Timedelta(days=1)


def _resolve_as_of(narrow: pd.DataFrame, as_of: object) -> pd.Timestamp:
    if as_of is None:
        return _default_as_of(narrow)
    moment = _as_timestamp(as_of, "as_of")
    first = narrow["timestamp"].min()
    if moment < first:
        raise ValueError(
            f"as_of ({moment}) is before the first purchase in the table ({first}): "
            "no customer has bought yet. Choose a date within or after the data."
        )
    return moment


def _positive(name: str, value: float | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}.")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        need = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {need}; got {value!r}.")


# --------------------------------------------------------------------------- RFM


def customer_summary(
    tx: pd.DataFrame, as_of: object = None, *, allow_returns: bool = False
) -> pd.DataFrame:
    """One row per customer: purchases, sales and dates up to ``as_of``.

    Parameters
    ----------
    tx:
        Transactions with ``customer_id``, ``receipt_id``, ``timestamp`` and ``amount``.
    as_of:
        Only receipts dated on or before this moment count. Default: midnight after the
        last day in ``tx`` (everything counts).
    allow_returns:
        Net negative amounts (see the module docstring) instead of refusing them.

    Returns
    -------
    DataFrame
        Sorted by ``customer_id``: ``customer_id``, ``frequency`` (receipts with a positive
        value, int64), ``monetary`` (net sales), ``first_purchase``, ``last_purchase``,
        ``recency_days`` (whole days from the last purchase to ``as_of``; 0 = within the
        last 24 hours) and ``avg_basket`` (monetary / frequency).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [10, 11, 12],
    ...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-20 09:00", "2024-01-25 00:00"]),
    ...     "amount": [30.0, 10.0, 5.0]})
    >>> customer_summary(tx, "2024-01-31")[["customer_id", "frequency", "monetary", "recency_days"]]
       customer_id  frequency  monetary  recency_days
    0            1          2      40.0            10
    1            2          1       5.0             6
    """
    narrow = _narrow(tx, allow_returns=allow_returns)
    moment = _resolve_as_of(narrow, as_of)
    sql = """
        WITH receipts AS (
            SELECT any_value(customer_id) AS customer_id,
                   min(epoch_ns("timestamp")) AS ts,
                   sum(CAST(amount AS DOUBLE)) AS value
            FROM tx
            WHERE epoch_ns("timestamp") <= $as_of
            GROUP BY receipt_id
        )
        SELECT customer_id,
               count(*) FILTER (WHERE value > 0) AS frequency,
               sum(value) AS monetary,
               min(ts) FILTER (WHERE value > 0) AS first_ns,
               max(ts) FILTER (WHERE value > 0) AS last_ns
        FROM receipts
        GROUP BY customer_id
        HAVING count(*) FILTER (WHERE value > 0) > 0
        ORDER BY customer_id
    """
    now = moment.as_unit("ns").value
    raw = _query(sql, {"tx": narrow}, {"as_of": now})
    last = raw["last_ns"].to_numpy(dtype="int64")
    out = pd.DataFrame(
        {
            "customer_id": raw["customer_id"].to_numpy(),
            "frequency": raw["frequency"].to_numpy(dtype="int64"),
            "monetary": raw["monetary"].to_numpy(dtype="float64"),
            "first_purchase": pd.to_datetime(raw["first_ns"].to_numpy(dtype="int64"), unit="ns"),
            "last_purchase": pd.to_datetime(last, unit="ns"),
            "recency_days": (now - last) // _DAY_NS,
        }
    )
    out["avg_basket"] = out["monetary"] / out["frequency"]
    return out


def rfm_values(
    tx: pd.DataFrame, as_of: object = None, *, allow_returns: bool = False
) -> pd.DataFrame:
    """Recency, frequency and monetary value (最近购买、购买频率、购买金额) per customer.

    The same as :func:`customer_summary` with the three RFM columns first:
    ``customer_id``, ``recency_days``, ``frequency``, ``monetary``, then the others.

    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "receipt_id": [1, 2],
    ...     "timestamp": pd.to_datetime(["2024-03-01", "2024-03-09"]), "amount": [9.5, 3.0]})
    >>> rfm_values(tx).iloc[:, :4]
      customer_id  recency_days  frequency  monetary
    0           a             9          1       9.5
    1           b             1          1       3.0
    """
    summary = customer_summary(tx, as_of, allow_returns=allow_returns)
    first = ["customer_id", "recency_days", "frequency", "monetary"]
    return summary[first + [c for c in summary.columns if c not in first]]


def quantile_scores(
    values: pd.Series | Sequence[float], bins: int = 5, *, higher_is_better: bool = True
) -> pd.Series:
    """Scores 1 … ``bins`` by quantiles, with ties and tiny counts handled.

    A value's score is ``ceil(bins × (average rank − 0.5) / n)``: tied values share a score,
    groups are as equal as ties allow, and one value alone gets the middle score.

    >>> quantile_scores(pd.Series([10, 20, 30, 40, 50])).tolist()
    [1, 2, 3, 4, 5]
    >>> quantile_scores(pd.Series([1, 1, 1, 5])).tolist()
    [2, 2, 2, 5]
    >>> quantile_scores(pd.Series([7.0])).tolist()
    [3]
    >>> quantile_scores(pd.Series([3, 1]), higher_is_better=False).tolist()
    [2, 4]
    """
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ValueError(f"bins must be a whole number ≥ 2; got {bins!r}.")
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) == 0:
        return pd.Series([], dtype="int64", index=s.index)
    if s.isna().any():
        raise ValueError("quantile_scores: the values have missing entries; drop or fill them.")
    ranks = (s if higher_is_better else -s).rank(method="average")
    pct = (ranks - 0.5) / len(s)
    scores = np.ceil(np.round(pct.to_numpy() * bins, 9)).clip(1, bins)
    return pd.Series(scores.astype("int64"), index=s.index, name=s.name)


def rfm_scores(rfm: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Add ``r_score``, ``f_score``, ``m_score`` (1 … bins, higher is better), the
    ``fm_score`` (mean of F and M, rounded half up) and the ``rfm_code`` (e.g. ``"545"``).

    ``rfm`` is a table from :func:`rfm_values`. Recency is scored so that recent buyers
    score high.

    >>> t = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5], "recency_days": [1, 2, 3, 4, 5],
    ...     "frequency": [5, 4, 3, 2, 1], "monetary": [50.0, 40, 30, 20, 10]})
    >>> rfm_scores(t)["rfm_code"].tolist()
    ['555', '444', '333', '222', '111']
    """
    require_columns(rfm, ["customer_id", "recency_days", "frequency", "monetary"], "RFM")
    out = rfm.copy()
    out["r_score"] = quantile_scores(out["recency_days"], bins, higher_is_better=False)
    out["f_score"] = quantile_scores(out["frequency"], bins)
    out["m_score"] = quantile_scores(out["monetary"], bins)
    out["fm_score"] = np.floor((out["f_score"] + out["m_score"]) / 2 + 0.5).astype("int64")
    if bins <= 9:  # one digit per score
        out["rfm_code"] = (out["r_score"] * 100 + out["f_score"] * 10 + out["m_score"]).astype(str)
    else:
        parts = [out[c].astype(str) for c in ("r_score", "f_score", "m_score")]
        out["rfm_code"] = parts[0] + "-" + parts[1] + "-" + parts[2]
    return out


def default_rfm_segment_map() -> dict[tuple[int, int], str]:
    """The default segment for each (R score, FM score) cell of the 5 × 5 grid (a new dict).

    >>> m = default_rfm_segment_map()
    >>> m[(5, 5)], m[(5, 1)], m[(1, 1)], m[(1, 5)]
    ('champions', 'new', 'lost', "can't lose")
    """
    return {(r, fm + 1): seg for r, row in _RFM_GRID.items() for fm, seg in enumerate(row)}


def rfm_segment_grid(segment_map: Mapping[tuple[int, int], str] | None = None) -> pd.DataFrame:
    """The segment map as a grid: rows R score 5 … 1, columns FM score 1 … 5.

    >>> rfm_segment_grid().loc[3].tolist()
    ['about to sleep', 'about to sleep', 'need attention', 'loyal', 'loyal']
    """
    full = {**default_rfm_segment_map(), **dict(segment_map or {})}
    grid = pd.DataFrame(
        [[full[(r, fm)] for fm in range(1, 6)] for r in range(5, 0, -1)],
        index=pd.Index(range(5, 0, -1), name="R score"),
        columns=pd.Index(range(1, 6), name="FM score"),
    )
    return grid


def rfm_segments(
    scores: pd.DataFrame,
    segment_map: Mapping[tuple[int, int], str] | None = None,
    actions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Name each customer's RFM segment from their R and FM scores, with an action.

    Parameters
    ----------
    scores:
        A table from :func:`rfm_scores` with 5 bins (``r_score``, ``fm_score``).
    segment_map:
        ``{(r_score, fm_score): segment}`` cells that replace the default ones
        (:func:`default_rfm_segment_map`); the cells not given keep their default.
    actions:
        ``{segment: action}`` replacing entries of :data:`RFM_ACTIONS`; a new segment name
        needs an action.

    Returns
    -------
    DataFrame
        ``scores`` with ``segment`` (categorical, ordered best to worst), ``segment_zh`` and
        ``action``.

    >>> t = rfm_scores(pd.DataFrame({"customer_id": [1, 2], "recency_days": [1, 90],
    ...     "frequency": [9, 1], "monetary": [900.0, 10.0]}))
    >>> rfm_segments(t)[["rfm_code", "segment"]]
      rfm_code    segment
    0      444      loyal
    1      222  hibernating
    """
    require_columns(scores, ["r_score", "fm_score"], "RFM scores")
    cells = default_rfm_segment_map()
    for key, seg in dict(segment_map or {}).items():
        if key not in cells:
            raise ValueError(
                f"segment_map keys must be (R score, FM score) pairs with scores 1 … 5; "
                f"got {key!r}."
            )
        cells[key] = seg
    acts = {**RFM_ACTIONS, **dict(actions or {})}
    missing = sorted(set(cells.values()) - set(acts))
    if missing:
        raise ValueError(
            f"No action for segment {', '.join(repr(m) for m in missing)}: pass "
            "actions={segment: action} for every new segment name."
        )
    r, fm = scores["r_score"].to_numpy(), scores["fm_score"].to_numpy()
    if ((r < 1) | (r > 5) | (fm < 1) | (fm > 5)).any():
        raise ValueError("rfm_segments needs scores from 1 to 5 (rfm_scores with bins=5).")
    used = set(cells.values())
    order = [s for s in RFM_SEGMENTS if s in used] + sorted(used - set(RFM_SEGMENTS))
    # one code per (R, FM) cell, looked up in a 6 × 6 table: fast for millions of customers
    lookup = np.full((6, 6), -1, dtype="int64")
    for (a, b), seg in cells.items():
        lookup[a, b] = order.index(seg)
    codes = lookup[r.astype("int64"), fm.astype("int64")]
    out = scores.copy()
    out["segment"] = pd.Categorical.from_codes(codes, categories=order, ordered=True)
    out["segment_zh"] = out["segment"].map({n: RFM_SEGMENTS.get(n, n) for n in order})
    out["action"] = out["segment"].map({n: acts[n] for n in order})
    return out


def rfm(
    tx: pd.DataFrame,
    as_of: object = None,
    *,
    segment_map: Mapping[tuple[int, int], str] | None = None,
    actions: Mapping[str, str] | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """RFM in one call: :func:`rfm_values`, :func:`rfm_scores` (5 bins), :func:`rfm_segments`.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...     "amount": [5.0, 20.0, 30.0]})
    >>> rfm(tx)[["customer_id", "rfm_code", "segment"]]
       customer_id rfm_code    segment
    0            1      222  hibernating
    1            2      444      loyal
    """
    values = rfm_values(tx, as_of, allow_returns=allow_returns)
    return rfm_segments(rfm_scores(values, 5), segment_map, actions)


def rfm_cube(
    rfm: pd.DataFrame, recency_days: float, frequency: float, monetary: float
) -> pd.DataFrame:
    """RFM with explicit thresholds: the 2 × 2 × 2 cube (RFM 立方体).

    A customer is *recent* if ``recency_days <= recency_days``, *frequent* if
    ``frequency >= frequency`` and *big* if ``monetary >= monetary``; the eight cells get
    segment names (recent·frequent·big = champions, … , none = lost).

    >>> t = pd.DataFrame({"customer_id": [1, 2], "recency_days": [5, 200],
    ...     "frequency": [8, 1], "monetary": [500.0, 20.0]})
    >>> rfm_cube(t, 30, 3, 100)["segment"].tolist()
    ['champions', 'lost']
    """
    require_columns(rfm, ["customer_id", "recency_days", "frequency", "monetary"], "RFM")
    for name, val in (
        ("recency_days", recency_days),
        ("frequency", frequency),
        ("monetary", monetary),
    ):
        _positive(name, val, allow_zero=True)
    out = rfm.copy()
    rec = out["recency_days"] <= recency_days
    frq = out["frequency"] >= frequency
    big = out["monetary"] >= monetary
    names = {
        (True, True, True): "champions",
        (True, True, False): "loyal",
        (True, False, True): "potential loyalists",
        (True, False, False): "new",
        (False, True, True): "can't lose",
        (False, True, False): "at risk",
        (False, False, True): "about to sleep",
        (False, False, False): "lost",
    }
    labels = [names[k] for k in zip(rec, frq, big, strict=True)]
    order = [s for s in RFM_SEGMENTS if s in set(names.values())]
    out["recent"], out["frequent"], out["big"] = rec, frq, big
    out["segment"] = pd.Categorical(labels, categories=order, ordered=True)
    return out


def segment_summary(
    table: pd.DataFrame, by: str = "segment", value: str = "monetary"
) -> pd.DataFrame:
    """Size and value of each segment: ``customers``, ``customer_share``, ``value`` (sum of
    ``value``), ``value_share`` and ``value_per_customer``; one row per category of ``by``
    (empty segments included when ``by`` is categorical).

    >>> t = pd.DataFrame({"segment": ["a", "a", "b"], "monetary": [1.0, 3.0, 4.0]})
    >>> segment_summary(t)
      segment  customers  customer_share  value  value_share  value_per_customer
    0       a          2        0.666667    4.0          0.5                 2.0
    1       b          1        0.333333    4.0          0.5                 4.0
    """
    require_columns(table, [by, value], "segment")
    g = table.groupby(by, observed=False, sort=True)[value]
    out = pd.DataFrame({"customers": g.size(), "value": g.sum()})
    total_n, total_v = out["customers"].sum(), out["value"].sum()
    out["customer_share"] = out["customers"] / total_n if total_n else np.nan
    out["value_share"] = out["value"] / total_v if total_v else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value_per_customer"] = out["value"] / out["customers"]
    cols = ["customers", "customer_share", "value", "value_share", "value_per_customer"]
    return out[cols].reset_index()


# --------------------------------------------------------------------------- ABC


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
    if customers is not None:
        require_columns(customers, ["customer_id"], "customers")
        ids = pd.Index(customers["customer_id"].drop_duplicates())
        prospects = ids.difference(pd.Index(s["customer_id"]))
        c = pd.DataFrame({"customer_id": prospects, "sales": 0.0, "sales_share": 0.0})
        c["cum_share"], c["abc_class"] = np.nan, "C"
        s = pd.concat([s, c], ignore_index=True) if len(c) else s
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
    """SVCD: Star, Volcano, Cow and Dog (明星、火山、奶牛、瘦狗) on purchase amount × frequency.

    Over the ``window_days`` before ``as_of`` (or from the first day of the data, if that is
    later), each buyer's **amount** is the average value of a purchase and the
    **frequency** the purchases per month (a month = 365.25/12 days).

    ============  =================================  ===================================
    class         amount ≥ threshold?                frequency ≥ threshold?
    ============  =================================  ===================================
    Star          yes                                yes
    Volcano       yes (big, rare purchases)          no
    Cow           no (small, steady purchases)       yes
    Dog           no                                 no
    ============  =================================  ===================================

    Parameters
    ----------
    amount_threshold:
        In the data's currency. Default: the median of the buyers' average purchase, so the
        split suits any currency (the course's chart marks 100 and 300 yuan).
    frequency_threshold:
        Purchases per month. Default once a quarter (1/3); the course's chart also marks
        once a month (1.0).
    window_days:
        The look-back window in days.

    Returns
    -------
    DataFrame
        ``customer_id``, ``purchases``, ``amount``, ``frequency``, ``svcd`` (categorical
        Star, Volcano, Cow, Dog), ``svcd_zh``, ``contacts_per_month`` and ``cadence``
        (:data:`SVCD_CADENCE`); only customers who bought in the window. The thresholds
        used are in ``.attrs``.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3, 3], "receipt_id": [1, 2, 3, 4, 5, 6],
    ...     "timestamp": pd.to_datetime(["2024-01-05", "2024-05-05", "2024-09-05", "2024-06-01",
    ...                                  "2024-03-01", "2024-11-01"]),
    ...     "amount": [300.0, 300.0, 300.0, 500.0, 20.0, 40.0]})
    >>> svcd_classes(tx, amount_threshold=100, frequency_threshold=0.2, as_of="2025-01-01")[
    ...     ["customer_id", "purchases", "svcd"]]
       customer_id  purchases     svcd
    0            1          3     Star
    1            2          1  Volcano
    2            3          2      Dog
    """
    _positive("amount_threshold", amount_threshold, allow_zero=True)
    _positive("frequency_threshold", frequency_threshold, allow_zero=True)
    _positive("window_days", window_days)
    narrow = _narrow(tx, allow_returns=allow_returns)
    moment = _resolve_as_of(narrow, as_of)
    start = max(moment - pd.Timedelta(days=window_days), narrow["timestamp"].min())
    in_window = narrow[narrow["timestamp"] >= start]
    if len(in_window) == 0:
        raise ValueError(f"No purchase in the {window_days}-day window before as_of ({moment}).")
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


# --------------------------------------------------------------------------- pyramid


def customer_profit(
    tx: pd.DataFrame,
    *,
    service_cost_per_receipt: float = 0.0,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Revenue, cost and profit per customer: profit = Σ(amount − quantity × unit_cost) −
    service_cost_per_receipt × receipts.

    The service cost (cost to serve: checkout, delivery, card processing …) makes
    customers with many small receipts unprofitable, as in the course's pyramid.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [10.0, 20.0, 4.0],
    ...     "quantity": [1, 2, 1], "unit_cost": [6.0, 5.0, 3.0]})
    >>> customer_profit(tx, service_cost_per_receipt=2.0)
       customer_id  receipts  revenue  cost  profit
    0            1         2     30.0  16.0    10.0
    1            2         1      4.0   3.0    -1.0
    """
    _positive("service_cost_per_receipt", service_cost_per_receipt, allow_zero=True)
    narrow = _narrow(tx, ("quantity", "unit_cost"), allow_returns=allow_returns)
    sql = """
        SELECT customer_id,
               count(DISTINCT receipt_id) AS receipts,
               sum(CAST(amount AS DOUBLE)) AS revenue,
               sum(CAST(quantity AS DOUBLE) * unit_cost) AS cost
        FROM tx GROUP BY customer_id ORDER BY customer_id
    """
    out = _query(sql, {"tx": narrow})
    out["receipts"] = out["receipts"].astype("int64")
    out["profit"] = out["revenue"] - out["cost"] - service_cost_per_receipt * out["receipts"]
    return out


def _zone_index(n: int, shares: Sequence[float]) -> np.ndarray:
    """Zone of each rank 1 … n: zone j ends at rank round(n × cumulative share), half up."""
    ends = np.floor(np.cumsum(shares) * n + 0.5 + 1e-9).astype("int64")
    return np.searchsorted(ends, np.arange(1, n + 1), side="left")


def profit_pyramid(
    tx: pd.DataFrame,
    *,
    zones: Sequence[tuple[str, float, str]] = PYRAMID_ZONES,
    service_cost_per_receipt: float = 0.0,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """The customer pyramid (客户金字塔): customers ranked by profit into zones.

    Customers are sorted by profit (largest first, ties by ``customer_id``) and cut into
    ``zones`` (name, share of customers, strategy; default 5 %, 10 %, 20 %, 25 %, 40 %):
    with ``n`` customers the first zone holds the ranks up to ``round(5 % × n)``, the
    second those up to ``round(15 % × n)`` and so on (cumulative shares, rounded half up).

    Returns one row per customer: :func:`customer_profit` columns, ``rank`` (1 = most
    profitable), ``zone`` (ordered categorical) and ``strategy``.

    >>> tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21),
    ...     "quantity": 1, "unit_cost": 0.5})
    >>> profit_pyramid(tx)["zone"].value_counts(sort=False).tolist()
    [1, 2, 4, 5, 8]
    """
    names, shares, strategies = _check_zones(zones)
    table = customer_profit(
        tx, service_cost_per_receipt=service_cost_per_receipt, allow_returns=allow_returns
    )
    table = table.assign(_key=table["profit"].round(6))
    table = table.sort_values(["_key", "customer_id"], ascending=[False, True], kind="stable")
    table = table.drop(columns="_key").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    idx = _zone_index(len(table), shares)
    table["zone"] = pd.Categorical.from_codes(idx, categories=names, ordered=True)
    table["strategy"] = np.asarray(strategies, dtype=object)[idx]
    return table


def _check_zones(
    zones: Sequence[tuple[str, float, str]],
) -> tuple[list[str], list[float], list[str]]:
    try:
        names = [str(z[0]) for z in zones]
        shares = [float(z[1]) for z in zones]
        strategies = [str(z[2]) for z in zones]
    except (TypeError, IndexError, ValueError):
        raise ValueError("zones must be a list of (name, share of customers, strategy).") from None
    if not zones or any(s <= 0 for s in shares) or not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
        raise ValueError(
            f"The zones' shares of customers must be positive and add up to 1; got {shares}."
        )
    return names, shares, strategies


def pyramid_summary(pyramid: pd.DataFrame) -> pd.DataFrame:
    """Each zone's share of customers, revenue and profit, its strategy, and the shape the
    course states (:data:`COURSE_PYRAMID`, for the default zones).

    >>> tx = pd.DataFrame({"customer_id": range(20), "receipt_id": range(20),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21),
    ...     "quantity": 1, "unit_cost": 0.5})
    >>> pyramid_summary(profit_pyramid(tx))[["zone", "customers", "revenue_share"]].round(3)
             zone  customers  revenue_share
    0      top 5%          1          0.095
    1    next 10%          2          0.176
    2    next 20%          4          0.295
    3    next 25%          5          0.262
    4  bottom 40%          8          0.171
    """
    require_columns(pyramid, ["zone", "revenue", "profit", "strategy"], "pyramid")
    g = pyramid.groupby("zone", observed=False, sort=True)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "revenue": g["revenue"].sum(),
            "profit": g["profit"].sum(),
            "strategy": g["strategy"].first(),
        }
    )
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    total_profit = out["profit"].sum()
    out["profit_share"] = out["profit"] / total_profit if total_profit else np.nan
    out["cum_profit_share"] = out["profit_share"].cumsum()
    out = out.reset_index()
    out = out.merge(COURSE_PYRAMID, on="zone", how="left")
    cols = ["zone", "customers", "customer_share", "revenue", "revenue_share", "profit"]
    cols += ["profit_share", "cum_profit_share", "strategy"]
    cols += ["stated_revenue_share", "stated_profit_share", "stated"]
    return out[cols]


# --------------------------------------------------------------------------- deciles

_PERIOD_TRUNC = {"year": "year", "quarter": "quarter", "month": "month", "week": "week"}


def customer_deciles(
    tx: pd.DataFrame, period: str | None = None, *, allow_returns: bool = False
) -> pd.DataFrame:
    """Each customer's sales decile (十分位), overall or within each period.

    Within a period the buyers are ranked by sales (largest first; sales equal to the
    cent's ten-thousandth, 6 decimals, are ties and are broken by ``customer_id``); with ``n`` buyers the one of rank ``i`` (1 … n) is in decile
    ``floor(10 × (i − 1) / n) + 1``, so decile 1 holds the top 10 %. With fewer than ten
    buyers some deciles stay empty.

    Parameters
    ----------
    period:
        ``None`` (the whole table), ``"year"``, ``"quarter"``, ``"month"`` or ``"week"``
        (weeks start on Monday).

    Returns
    -------
    DataFrame
        ``period`` (start of the period; absent when ``period`` is None), ``customer_id``,
        ``sales``, ``rank``, ``decile`` (int64 1 … 10).

    >>> tx = pd.DataFrame({"customer_id": range(1, 6), "receipt_id": range(1, 6),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 5), "amount": [5.0, 4, 3, 2, 1]})
    >>> customer_deciles(tx)["decile"].tolist()
    [1, 3, 5, 7, 9]
    """
    if period is not None:
        check_choice("period", period, [None, *_PERIOD_TRUNC])
    narrow = _narrow(tx, allow_returns=allow_returns)
    part = f"date_trunc('{_PERIOD_TRUNC[period]}', \"timestamp\")" if period else "NULL"
    sql = f"""
        WITH sales AS (
            SELECT {part} AS period, customer_id, sum(CAST(amount AS DOUBLE)) AS sales
            FROM tx GROUP BY ALL
        ),
        ranked AS (
            SELECT *, row_number() OVER w AS rank, count(*) OVER (PARTITION BY period) AS n
            FROM sales
            WINDOW w AS (PARTITION BY period ORDER BY round(sales, 6) DESC, customer_id)
        )
        SELECT period, customer_id, sales, rank, (10 * (rank - 1)) // n + 1 AS decile
        FROM ranked ORDER BY period, rank
    """
    raw = _query(sql, {"tx": narrow})
    out = pd.DataFrame(
        {
            "customer_id": raw["customer_id"].to_numpy(),
            "sales": raw["sales"].to_numpy(dtype="float64"),
            "rank": raw["rank"].to_numpy(dtype="int64"),
            "decile": raw["decile"].to_numpy(dtype="int64"),
        }
    )
    if period:
        out.insert(0, "period", pd.to_datetime(raw["period"].to_numpy()))
    return out


def decile_table(
    tx: pd.DataFrame, period: str | None = None, *, allow_returns: bool = False
) -> pd.DataFrame:
    """Decile analysis (十分位分析): each decile's customers and sales, and their shares.

    Returns one row per (period,) decile 1 … 10 (empty deciles included, with zeros):
    ``customers``, ``sales``, ``customer_share``, ``sales_share``, ``cum_sales_share``,
    ``min_sales`` and ``max_sales`` (of one customer in the decile). Shares are within
    the period.

    >>> tx = pd.DataFrame({"customer_id": range(1, 21), "receipt_id": range(1, 21),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 20), "amount": range(1, 21)})
    >>> decile_table(tx)[["decile", "customers", "sales_share"]].head(3).round(3)
       decile  customers  sales_share
    0       1          2        0.186
    1       2          2        0.167
    2       3          2        0.148
    """
    cd = customer_deciles(tx, period, allow_returns=allow_returns)
    keys = ["period", "decile"] if period else ["decile"]
    g = cd.groupby(keys, sort=True)["sales"]
    agg = pd.DataFrame(
        {"customers": g.size(), "sales": g.sum(), "min_sales": g.min(), "max_sales": g.max()}
    )
    periods = cd["period"].drop_duplicates().tolist() if period else [None]
    full = (
        pd.MultiIndex.from_product([periods, range(1, 11)], names=keys)
        if period
        else pd.Index(range(1, 11), name="decile")
    )
    agg = agg.reindex(full)
    agg[["customers", "sales"]] = agg[["customers", "sales"]].fillna(0)
    agg["customers"] = agg["customers"].astype("int64")
    agg = agg.reset_index()
    by = agg.groupby("period", sort=False) if period else None
    n_tot = by["customers"].transform("sum") if by is not None else agg["customers"].sum()
    s_tot = by["sales"].transform("sum") if by is not None else agg["sales"].sum()
    agg["customer_share"] = agg["customers"] / n_tot
    agg["sales_share"] = agg["sales"] / s_tot
    cum = (
        agg.groupby("period", sort=False)["sales_share"].cumsum()
        if by is not None
        else agg["sales_share"].cumsum()
    )
    agg["cum_sales_share"] = cum
    cols = keys + ["customers", "sales", "customer_share", "sales_share", "cum_sales_share"]
    return agg[cols + ["min_sales", "max_sales"]]


# --------------------------------------------------------------------------- differentiation


def category_mix(
    tx: pd.DataFrame, category: str = "category", *, allow_returns: bool = False
) -> pd.DataFrame:
    """Each customer's share of spend per category (rows: ``customer_id``; rows sum to 1).

    ``tx`` needs a ``category`` column (join the products table first, e.g.
    ``tx.merge(products[["sku", "category"]], on="sku")``).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [3.0, 1.0, 2.0],
    ...     "category": ["fresh", "baby", "fresh"]})
    >>> category_mix(tx)
    category     baby  fresh
    customer_id
    1            0.25   0.75
    2            0.00   1.00
    """
    narrow = _narrow(tx, (category,), allow_returns=allow_returns)
    spend = narrow.pivot_table(
        index="customer_id",
        columns=category,
        values="amount",
        aggfunc="sum",
        fill_value=0.0,
        observed=True,
    )
    spend = spend.clip(lower=0)
    total = spend.sum(axis=1)
    mix = spend.div(total.where(total > 0), axis=0).fillna(0.0)
    mix.columns = pd.Index([str(c) for c in mix.columns], name=category)
    return mix


def differentiation_matrix(
    tx: pd.DataFrame,
    category: str = "category",
    *,
    value_threshold: float | None = None,
    needs_threshold: float | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """The customer differentiation matrix (客户差异矩阵): value × needs difference.

    * **Value difference** (价值差异): ``value_index`` = the customer's sales ÷ the median
      customer's sales (1 = a typical customer).
    * **Needs difference** (需求差异): ``needs_distance`` = how far the customer's category
      mix is from the average customer's mix, as the total variation distance
      ``½ Σ |share − average share|`` (0 = the same mix, 1 = nothing in common).

    A customer is *high value* if ``value_index >= value_threshold`` and has *distinct
    needs* if ``needs_distance >= needs_threshold`` (default thresholds: the medians).
    Quadrants: one-to-one (high, distinct), loyalty building (high, common), niche (low,
    distinct), mass (low, common); strategies in :data:`QUADRANT_STRATEGIES`.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "amount": [100.0, 90, 10, 12],
    ...     "category": ["wine", "food", "wine", "food"]})
    >>> differentiation_matrix(tx, value_threshold=2, needs_threshold=0.5)[
    ...     ["customer_id", "value_index", "needs_distance", "quadrant"]]
       customer_id  value_index  needs_distance          quadrant
    0            1     1.960784             0.5              niche
    1            2     1.764706             0.5              niche
    2            3     0.196078             0.5              niche
    3            4     0.235294             0.5              niche
    """
    _positive("value_threshold", value_threshold, allow_zero=True)
    _positive("needs_threshold", needs_threshold, allow_zero=True)
    mix = category_mix(tx, category, allow_returns=allow_returns)
    sales = _narrow(tx, allow_returns=allow_returns).groupby("customer_id")["amount"].sum()
    sales = sales.reindex(mix.index)
    average = mix.mean(axis=0)
    distance = 0.5 * (mix - average).abs().sum(axis=1)
    value_index = sales / sales.median()
    v_t = float(value_index.median()) if value_threshold is None else value_threshold
    n_t = float(distance.median()) if needs_threshold is None else needs_threshold
    high = (value_index >= v_t).to_numpy()
    distinct = (distance >= n_t - 1e-12).to_numpy()
    quadrant = np.select(
        [high & distinct, high, distinct], ["one-to-one", "loyalty building", "niche"], "mass"
    )
    out = pd.DataFrame(
        {
            "customer_id": mix.index.to_numpy(),
            "sales": sales.to_numpy(),
            "value_index": value_index.to_numpy(),
            "needs_distance": distance.to_numpy(),
        }
    )
    out["quadrant"] = pd.Categorical(quadrant, categories=list(QUADRANT_STRATEGIES), ordered=True)
    out["strategy"] = out["quadrant"].map(QUADRANT_STRATEGIES).astype(str)
    out.attrs.update(value_threshold=v_t, needs_threshold=n_t)
    return out


# --------------------------------------------------------------------------- clustering

_FEATURE_WORDS = {
    "log_frequency": "visits",
    "log_avg_basket": "spend per visit",
    "log_monetary": "total spend",
    "recency_days": "days since the last visit",
    "tenure_days": "days since the first visit",
    "log_rate": "visits per month",
    "discount_share": "buying on promotion",
}


def clustering_features(
    tx: pd.DataFrame,
    as_of: object = None,
    *,
    category: str | None = None,
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Behaviour features for clustering, one row per customer (index ``customer_id``).

    ``log_frequency`` (log of receipts), ``log_avg_basket`` (log of the average receipt
    value), ``recency_days``, ``tenure_days`` (first purchase to ``as_of``), ``log_rate``
    (log of receipts per month since the first purchase, at least one month),
    ``discount_share`` (share of lines with a discount > 0; only if ``tx`` has a
    ``discount`` column) and, if ``category`` names a column, ``share_<category>`` per
    category (share of spend). Logs tame the long right tails of frequency and spend.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-06"]),
    ...     "amount": [10.0, 30.0, 5.0]})
    >>> clustering_features(tx, "2024-01-21").round(3)
                 log_frequency  log_avg_basket  recency_days  tenure_days  log_rate
    customer_id
    1                    0.693           2.996            10           20     0.693
    2                    0.000           1.609            15           15     0.000
    """
    summary = customer_summary(tx, as_of, allow_returns=allow_returns).set_index("customer_id")
    moment = _resolve_as_of(_narrow(tx, allow_returns=allow_returns), as_of)
    feats = pd.DataFrame(index=summary.index)
    feats["log_frequency"] = np.log(summary["frequency"])
    feats["log_avg_basket"] = np.log(summary["avg_basket"].clip(lower=1e-9))
    feats["recency_days"] = summary["recency_days"]
    feats["tenure_days"] = (moment - summary["first_purchase"]) // pd.Timedelta(days=1)
    months = np.maximum(feats["tenure_days"].to_numpy() / _MONTH_DAYS, 1.0)
    feats["log_rate"] = np.log(summary["frequency"].to_numpy() / months)
    upto = tx[tx["timestamp"] <= moment]
    if "discount" in tx.columns:
        share = (upto["discount"] > 0).groupby(upto["customer_id"]).mean()
        feats["discount_share"] = share.reindex(feats.index).fillna(0.0)
    if category is not None:
        mix = category_mix(upto, category, allow_returns=allow_returns)
        mix = mix.add_prefix("share_").reindex(feats.index).fillna(0.0)
        feats = feats.join(mix)
    return feats


def _check_k(k: int, n: int, name: str = "n_clusters") -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        raise ValueError(f"{name} must be a whole number ≥ 2; got {k!r}.")
    if k > n:
        raise ValueError(
            f"{name}={k} is larger than the number of customers ({n}): k-means cannot make "
            "more clusters than there are customers. Choose a smaller k."
        )


def _pipeline(k: int, random_state: int | None, n_init: int) -> Any:
    from sklearn.cluster import KMeans
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(), KMeans(n_clusters=k, random_state=random_state, n_init=n_init)
    )


def _check_features(features: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be a pandas DataFrame; got {type(features).__name__}.")
    if len(features) == 0:
        raise DataValidationError("The features table is empty: it has no rows.")
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise DataValidationError(
            f"Clustering needs numeric features; column{'s' if len(bad) > 1 else ''} "
            f"{', '.join(repr(str(b)) for b in bad)} {'are' if len(bad) > 1 else 'is'} not."
        )
    if features.isna().any().any():
        cols = features.columns[features.isna().any()].tolist()
        raise DataValidationError(f"The features have missing values in {cols}; fill or drop them.")
    return features


def choose_k(
    features: pd.DataFrame,
    ks: Iterable[int] = range(2, 9),
    *,
    random_state: int | None = 0,
    n_init: int = 4,
    sample_size: int | None = 3000,
) -> pd.DataFrame:
    """Inertia and silhouette of k-means for each ``k`` (choosing k, 选择聚类数).

    Inertia (within-cluster sum of squares, on the scaled features) always falls as k
    grows: look for the elbow. The silhouette (−1 … 1) is highest for well-separated
    clusters; it is computed on a random sample of ``sample_size`` customers to stay fast.

    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": np.r_[rng.normal(0, .1, 30), rng.normal(5, .1, 30)],
    ...                   "b": np.r_[rng.normal(0, .1, 30), rng.normal(3, .1, 30)]})
    >>> t = choose_k(X, [2, 3])
    >>> list(t.columns), int(t.loc[t["silhouette"].idxmax(), "k"])
    (['k', 'inertia', 'silhouette'], 2)
    """
    from sklearn.metrics import silhouette_score

    feats = _check_features(features)
    ks = list(ks)
    if not ks:
        raise ValueError("ks must hold at least one k.")
    for k in ks:
        _check_k(k, len(feats), "k")
    rows = []
    for k in ks:
        pipe = _pipeline(k, random_state, n_init).fit(feats)
        scaled = pipe[0].transform(feats)
        labels = pipe[-1].labels_
        if len(set(labels)) < 2 or k >= len(feats):
            sil = np.nan
        else:
            size = None if sample_size is None or sample_size >= len(feats) else sample_size
            sil = silhouette_score(scaled, labels, sample_size=size, random_state=random_state)
        rows.append((k, float(pipe[-1].inertia_), float(sil)))
    return pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])


def describe_clusters(
    features: pd.DataFrame,
    labels: pd.Series | np.ndarray,
    *,
    words: Mapping[str, str] | None = None,
    top: int = 3,
) -> pd.DataFrame:
    """Profile each cluster in numbers and in plain words (聚类画像).

    For each cluster: ``customers``, ``share``, the mean of every feature, and a
    ``description`` naming the ``top`` features whose cluster mean differs most from the
    overall mean, in standard deviations ("much more visits" beyond 1 SD, "more" beyond
    0.4 SD; "typical on every feature" if none does).

    >>> f = pd.DataFrame({"log_frequency": [0.0, 0.1, 2.0, 2.1], "recency_days": [300, 280, 5, 9]})
    >>> describe_clusters(f, np.array([0, 0, 1, 1]))["description"].tolist()
    ['fewer visits, more days since the last visit', 'more visits, fewer days since the last visit']
    """
    feats = _check_features(features)
    lab = np.asarray(labels)
    if len(lab) != len(feats):
        raise ValueError(f"labels has {len(lab)} entries but features has {len(feats)} rows.")
    names = {**_FEATURE_WORDS, **dict(words or {})}
    means = feats.groupby(lab).mean()
    sd = feats.std(ddof=0).replace(0, np.nan)
    z = (means - feats.mean()) / sd
    descriptions = []
    for cluster in means.index:
        row = z.loc[cluster].dropna()
        row = row[row.abs() >= 0.4].reindex(row.abs().sort_values(ascending=False).index).dropna()
        parts = []
        for feat, val in row.head(top).items():
            word = names.get(feat) or (
                f"spend on {feat[6:]}" if feat.startswith("share_") else feat.replace("_", " ")
            )
            much = "much " if abs(val) >= 1 else ""
            more = "more" if val > 0 else ("fewer" if _countable(feat) else "less")
            parts.append(f"{much}{more} {word}")
        descriptions.append(", ".join(parts) if parts else "typical on every feature")
    sizes = pd.Series(lab).value_counts().reindex(means.index)
    out = means.copy()
    out.insert(0, "share", (sizes / len(lab)).to_numpy())
    out.insert(0, "customers", sizes.to_numpy().astype("int64"))
    out["description"] = descriptions
    out.index.name = "cluster"
    return out.reset_index()


def _countable(feature: str) -> bool:
    return feature in ("log_frequency", "recency_days", "tenure_days", "log_rate")


class CustomerClusters:
    """k-means on scaled customer features: a scikit-learn pipeline (StandardScaler →
    KMeans) with plain-words cluster profiles.

    Parameters
    ----------
    n_clusters:
        k, the number of clusters (≥ 2, at most the number of customers).
    random_state, n_init:
        Passed to :class:`sklearn.cluster.KMeans`.

    Attributes (after :meth:`fit`)
    ------------------------------
    pipeline_:
        The fitted pipeline.
    labels_:
        Series of cluster numbers (0 … k−1) indexed like the features, numbered by size
        (0 = the largest cluster).
    profiles_:
        :func:`describe_clusters` of the fit.

    >>> f = pd.DataFrame({"x": [0.0, 0.2, 5.0, 5.1, 5.3]}, index=[11, 12, 13, 14, 15])
    >>> CustomerClusters(2).fit(f).labels_.tolist()
    [1, 1, 0, 0, 0]
    """

    def __init__(self, n_clusters: int = 4, *, random_state: int | None = 0, n_init: int = 10):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.n_init = n_init

    def fit(self, features: pd.DataFrame) -> CustomerClusters:
        feats = _check_features(features)
        _check_k(self.n_clusters, len(feats))
        self.pipeline_ = _pipeline(self.n_clusters, self.random_state, self.n_init).fit(feats)
        raw = self.pipeline_[-1].labels_
        counts = np.bincount(raw, minlength=self.n_clusters)
        order = np.lexsort((np.arange(self.n_clusters), -counts))  # largest first
        relabel = np.empty(self.n_clusters, dtype="int64")
        relabel[order] = np.arange(self.n_clusters)
        self._relabel = relabel
        self.feature_names_ = list(feats.columns)
        self.labels_ = pd.Series(relabel[raw], index=feats.index, name="cluster")
        self.profiles_ = describe_clusters(feats, self.labels_.to_numpy())
        return self

    def predict(self, features: pd.DataFrame) -> pd.Series:
        """The cluster of each row of ``features`` (same columns as in :meth:`fit`)."""
        if not hasattr(self, "pipeline_"):
            raise RuntimeError("Call fit(features) before predict().")
        feats = _check_features(features)
        require_columns(feats, self.feature_names_, "features")
        raw = self.pipeline_.predict(feats[self.feature_names_])
        return pd.Series(self._relabel[raw], index=feats.index, name="cluster")
