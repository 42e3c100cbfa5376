"""Prescriptive analytics (规范性分析): split a marketing budget across segments.

Descriptive analytics (描述性分析) says what happened, predictive analytics (预测性分析)
what will probably happen; prescriptive analytics says what to *do*. Here: how much of a
campaign budget to spend on each customer segment to earn the most expected profit.

The model, per segment *i* with ``customers`` nᵢ, a response ceiling ``r_max`` and a
saturation scale ``scale`` sᵢ (in money), spending xᵢ brings a response rate

    rᵢ(xᵢ) = r_maxᵢ · (1 − exp(−xᵢ / sᵢ))

— each extra yuan buys less than the one before (diminishing returns, 边际收益递减): at
xᵢ = sᵢ the segment reaches 63 % of its ceiling. Each responding customer brings
``margin`` (gross profit of the extra purchase), so the expected profit is

    profitᵢ(xᵢ) = nᵢ · rᵢ(xᵢ) · marginᵢ − xᵢ,

and :func:`allocate_budget` maximises Σ profitᵢ subject to Σ xᵢ ≤ budget and
0 ≤ xᵢ ≤ ``max_spend`` with :func:`scipy.optimize.minimize` (SLSQP, analytic gradient).
Money is left unspent when the next yuan would return less than a yuan anywhere. The
curve's parameters are *assumptions* — from past campaigns or a test — and the answer is
only as good as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from crm_helpers.schema import DataValidationError, require_columns

__all__ = [
    "ASSUMPTION_COLUMNS",
    "response_rate",
    "expected_profit",
    "allocate_budget",
    "equal_split",
    "segment_assumptions",
]

#: The columns of the assumptions table (``max_spend`` is optional).
ASSUMPTION_COLUMNS: tuple[str, ...] = ("segment", "customers", "r_max", "scale", "margin")


def response_rate(spend: float | np.ndarray, r_max: float, scale: float) -> float | np.ndarray:
    """The diminishing-returns response curve ``r_max · (1 − exp(−spend / scale))``.

    >>> round(float(response_rate(1000.0, r_max=0.2, scale=1000.0)), 4)
    0.1264
    """
    return r_max * (1.0 - np.exp(-np.asarray(spend, dtype=float) / scale))


def _validated(segments: pd.DataFrame) -> pd.DataFrame:
    require_columns(segments, ASSUMPTION_COLUMNS, "segment assumptions")
    if segments.empty:
        raise DataValidationError("The segment assumptions table has no rows.")
    s = segments.reset_index(drop=True)
    for col, ok, expected in (
        ("customers", s["customers"] >= 0, "≥ 0"),
        ("r_max", s["r_max"].between(0, 1), "between 0 and 1"),
        ("scale", s["scale"] > 0, "> 0"),
        ("margin", s["margin"] >= 0, "≥ 0"),
    ):
        if not ok.all():
            bad = s.loc[~ok, col].tolist()[:3]
            raise DataValidationError(
                f"Column {col!r} of the segment assumptions must be {expected}; found {bad}."
            )
    if s["segment"].duplicated().any():
        raise DataValidationError(
            "Column 'segment' of the segment assumptions has repeated segments: "
            f"{sorted(s.loc[s['segment'].duplicated(), 'segment'].astype(str))}."
        )
    return s


def _profit_parts(s: pd.DataFrame, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    value = (
        s["customers"].to_numpy(float) * s["r_max"].to_numpy(float) * s["margin"].to_numpy(float)
    )
    scale = s["scale"].to_numpy(float)
    e = np.exp(-x / scale)
    return value * (1 - e) - x, value / scale * e - 1.0


def expected_profit(segments: pd.DataFrame, spend: dict[str, float] | pd.Series) -> float:
    """Total expected profit of an allocation ``{segment: spend}`` (missing segments: 0).

    >>> seg = pd.DataFrame({"segment": ["a"], "customers": [100], "r_max": [0.5],
    ...                     "scale": [100.0], "margin": [10.0]})
    >>> round(expected_profit(seg, {"a": 100.0}), 2)   # 100·0.5·(1 − e⁻¹)·10 − 100
    216.06
    """
    s = _validated(segments)
    x = s["segment"].map(dict(spend)).fillna(0.0).to_numpy(float)
    if (x < 0).any():
        raise ValueError("spend must be ≥ 0 for every segment.")
    return float(_profit_parts(s, x)[0].sum())


def _table(s: pd.DataFrame, x: np.ndarray, budget: float) -> pd.DataFrame:
    profit, marginal = _profit_parts(s, x)
    rate = response_rate(x, s["r_max"].to_numpy(float), s["scale"].to_numpy(float))
    out = pd.DataFrame(
        {
            "segment": s["segment"],
            "customers": s["customers"],
            "spend": x,
            "budget_share": x / budget,
            "response_rate": rate,
            "responders": s["customers"].to_numpy(float) * rate,
            "gross_margin": s["customers"].to_numpy(float) * rate * s["margin"].to_numpy(float),
            "profit": profit,
            "marginal_return": marginal + 1.0,
        }
    )
    out["roi"] = np.where(x > 0, profit / np.where(x > 0, x, 1.0), np.nan)
    return out


def _check_budget(budget: float) -> float:
    try:
        b = float(budget)
    except (TypeError, ValueError):
        raise TypeError(f"budget must be a number; got {type(budget).__name__}.") from None
    if not np.isfinite(b) or b <= 0:
        raise ValueError(f"budget must be a positive amount of money; got {budget!r}.")
    return b


def _optimal_spend(s: pd.DataFrame, b: float) -> np.ndarray:
    """The profit-maximising spend per segment (SLSQP on the concave response curves)."""
    n = len(s)
    upper = np.full(n, b)
    if "max_spend" in s:
        cap = s["max_spend"].to_numpy(float)
        if (cap < 0).any():
            raise DataValidationError("Column 'max_spend' of the segment assumptions must be ≥ 0.")
        upper = np.minimum(upper, np.nan_to_num(cap, nan=b))

    # work in units of the budget, so that the variables are of order one
    def negative(z: np.ndarray) -> tuple[float, np.ndarray]:
        profit, marginal = _profit_parts(s, z * b)
        return -profit.sum() / b, -marginal

    start = np.minimum(upper / b, 1.0 / n)
    fit = minimize(
        negative,
        start,
        jac=True,
        method="SLSQP",
        bounds=list(zip(np.zeros(n), upper / b, strict=True)),
        constraints=[
            {"type": "ineq", "fun": lambda z: 1.0 - z.sum(), "jac": lambda z: -np.ones(n)}
        ],
        options={"ftol": 1e-12, "maxiter": 500},
    )
    if not fit.success:  # pragma: no cover - the problem is concave and small
        raise RuntimeError(f"The optimiser did not converge: {fit.message}")
    return np.clip(fit.x, 0.0, upper / b) * b


def allocate_budget(segments: pd.DataFrame, budget: float) -> pd.DataFrame:
    """The spend per segment that maximises total expected profit within ``budget``.

    Parameters
    ----------
    segments:
        One row per segment: ``segment``, ``customers``, ``r_max`` (response ceiling, a
        share), ``scale`` (money for 63 % of the ceiling), ``margin`` (profit per responder)
        and optionally ``max_spend`` (an upper limit per segment).
    budget:
        The money available (> 0). It need not all be spent.

    Returns
    -------
    DataFrame
        ``segment``, ``customers``, ``spend``, ``budget_share``, ``response_rate``,
        ``responders``, ``gross_margin``, ``profit`` (gross margin − spend),
        ``marginal_return`` (gross margin from the next yuan; equal across the segments
        that get money, and ≥ 1 unless the budget binds) and ``roi`` (profit ÷ spend).

    Raises
    ------
    ValueError
        If the budget is zero, negative or not finite.
    DataValidationError
        If a column is missing or a value out of range.

    Examples
    --------
    >>> seg = pd.DataFrame({"segment": ["vip", "bargain"], "customers": [100, 300],
    ...     "r_max": [0.3, 0.5], "scale": [500.0, 2000.0], "margin": [80.0, 30.0]})
    >>> plan = allocate_budget(seg, 1500)
    >>> plan[["segment", "spend"]].round(0)
       segment  spend
    0      vip  603.0
    1  bargain  897.0
    """
    b = _check_budget(budget)
    s = _validated(segments)
    return _table(s, _optimal_spend(s, b), b)


def equal_split(segments: pd.DataFrame, budget: float) -> pd.DataFrame:
    """The naive plan for comparison: the budget split equally across segments.

    >>> seg = pd.DataFrame({"segment": ["a", "b"], "customers": [10, 10], "r_max": [0.1, 0.1],
    ...                     "scale": [10.0, 10.0], "margin": [5.0, 5.0]})
    >>> equal_split(seg, 100)["spend"].tolist()
    [50.0, 50.0]
    """
    b = _check_budget(budget)
    s = _validated(segments)
    return _table(s, np.full(len(s), b / len(s)), b)


def _margin_per_receipt(tx: pd.DataFrame, labels: pd.DataFrame) -> pd.Series:
    """Mean gross profit per receipt of each segment."""
    profit = tx["amount"] - tx["quantity"] * tx["unit_cost"]
    receipts = (
        tx.assign(profit=profit)
        .groupby("receipt_id")
        .agg(customer_id=("customer_id", "first"), profit=("profit", "sum"))
    )
    receipts = receipts.merge(labels[["customer_id", "segment"]], on="customer_id", how="inner")
    return receipts.groupby("segment", observed=True)["profit"].mean()


def segment_assumptions(
    tx: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    r_max: dict[str, float],
    scale: dict[str, float],
) -> pd.DataFrame:
    """Build the assumptions table from data: customers per segment and the margin of one
    extra visit (the segment's mean gross profit per receipt), plus the stated
    ``r_max`` and ``scale`` per segment.

    Parameters
    ----------
    tx:
        Transactions with ``customer_id``, ``receipt_id``, ``amount``, ``quantity`` and
        ``unit_cost``.
    labels:
        ``customer_id`` and ``segment`` (e.g. from chapter 05, or the simulation's truth).
    r_max, scale:
        The assumed response ceiling and saturation scale of each segment.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "amount": [10.0, 20.0, 40.0], "quantity": [1, 1, 2], "unit_cost": [5.0, 5.0, 10.0]})
    >>> labels = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["a", "b", "b"]})
    >>> segment_assumptions(tx, labels, r_max={"a": 0.1, "b": 0.2}, scale={"a": 50, "b": 80})
      segment  customers  r_max  scale  margin
    0       a          1    0.1     50   10.0
    1       b          2    0.2     80   20.0
    """
    require_columns(
        tx, ["customer_id", "receipt_id", "amount", "quantity", "unit_cost"], "transactions"
    )
    require_columns(labels, ["customer_id", "segment"], "segment labels")
    margin = _margin_per_receipt(tx, labels)
    counts = labels.groupby("segment", observed=True)["customer_id"].nunique()
    missing = [seg for seg in counts.index if seg not in r_max or seg not in scale]
    if missing:
        raise ValueError(f"r_max and scale need a value for every segment; missing: {missing}.")
    out = pd.DataFrame({"segment": counts.index.astype(str), "customers": counts.to_numpy()})
    out["r_max"] = out["segment"].map(r_max)
    out["scale"] = out["segment"].map(scale)
    out["margin"] = out["segment"].map(margin).fillna(0.0).to_numpy()
    return out
