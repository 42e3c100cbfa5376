"""RFM (最近购买、购买频率、购买金额): values, tie-aware scores, named segments, the cube."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from crm_helpers import engine
from crm_helpers._engine_source import pick_data
from crm_helpers.schema import require_columns

from ._base import _positive

Data = pd.DataFrame | str | Path

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

# --------------------------------------------------------------------------- RFM


def customer_summary(
    tx: Data | None = None,
    as_of: object = None,
    *,
    allow_returns: bool = False,
    data_source: str | Path | None = None,
) -> pd.DataFrame:
    """One row per customer: purchases, sales and dates up to ``as_of``.

    Parameters
    ----------
    tx:
        Transactions with ``customer_id``, ``receipt_id``, ``timestamp`` and ``amount``.
    as_of:
        Only receipts dated on or before this moment count. Default: the analysis date of
        :func:`crm_helpers.timeframe.analysis_date` (everything counts).
    allow_returns:
        Net negative amounts (see the module docstring) instead of refusing them.
    data_source:
        Instead of ``tx``: Parquet or CSV files (a file, a folder or a glob such as
        ``"sales/*.parquet"``), aggregated by DuckDB out-of-core.

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
    data = pick_data(tx, data_source)
    return engine.customer_summary(data, as_of, allow_returns=allow_returns)


def rfm_values(
    tx: Data | None = None,
    as_of: object = None,
    *,
    allow_returns: bool = False,
    data_source: str | Path | None = None,
) -> pd.DataFrame:
    """Recency, frequency and monetary value (最近购买、购买频率、购买金额) per customer.

    The same as :func:`customer_summary` with the three RFM columns first:
    ``customer_id``, ``recency_days``, ``frequency``, ``monetary``, then the others.
    ``data_source`` (files instead of ``tx``) as for :func:`customer_summary`.

    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "receipt_id": [1, 2],
    ...     "timestamp": pd.to_datetime(["2024-03-01", "2024-03-09"]), "amount": [9.5, 3.0]})
    >>> rfm_values(tx).iloc[:, :4]
      customer_id  recency_days  frequency  monetary
    0           a             9          1       9.5
    1           b             1          1       3.0
    """
    data = pick_data(tx, data_source)
    return engine.rfm_values(data, as_of, allow_returns=allow_returns)


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


def _segment_cells(
    segment_map: Mapping[tuple[int, int], str] | None, actions: Mapping[str, str] | None
) -> tuple[dict[tuple[int, int], str], dict[str, str]]:
    """The default cells and actions updated by the given ones, checked."""
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
    return cells, acts


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
    cells, acts = _segment_cells(segment_map, actions)
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
