"""Customer lifetime value (客户生命周期价值, CLV): historical and probabilistic.

* :func:`historical_clv` — what each customer has brought so far (sales, margin, per year).
* :func:`rfm_summary` — frequency (repeat purchases), recency and T, and the mean value of
  the repeat purchases: the input of the BG/NBD and Gamma-Gamma models. Fast (pandas
  groupby on integer codes), and equal to ``lifetimes.utils.summary_data_from_transaction_data``
  with ``unit="day"``.
* :func:`calibration_holdout` — the same for a calibration period, with the purchases in
  the hold-out period after it.
* :func:`fit_bgnbd`, :func:`fit_gamma_gamma` — the ``lifetimes`` fitters with checks on
  the input and a clear message (not an optimiser traceback) when a fit fails.
* :func:`predict_clv`, :func:`holdout_check` — expected purchases, probability alive, CLV;
  predicted against actual hold-out purchases.

BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys at a Poisson rate
λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
Gamma-Gamma (Fader & Hardie 2013): a purchase's value is Gamma(p, ν) with ν ~ Gamma(q, γ).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .loyalty import checked_transactions, receipt_totals
from .schema import DataValidationError, check_choice, require_columns
from .timeframe import analysis_date, parse_as_of

__all__ = [
    "MIN_CUSTOMERS",
    "Margin",
    "line_margin",
    "customer_margin_rate",
    "historical_clv",
    "rfm_summary",
    "calibration_holdout",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "predict_clv",
    "holdout_check",
]

#: Fewer customers than this are refused by the fitters: four parameters need data.
MIN_CUSTOMERS = 30
_UNIT_DAYS = {"D": 1.0, "W": 7.0}
#: Fitted parameters outside this range mean the fit ran to the edge of the parameter space.
_EDGE = (1e-6, 1e5)
#: A gross margin: a rate (0.3), a per-unit cost column of the transactions ("unit_cost"),
#: or a Series of rates indexed by customer_id.
Margin = float | str | pd.Series


def _lifetimes() -> Any:
    """Import lifetimes without the pandas deprecation warning it triggers on import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifetimes sets a deprecated pandas option
        import lifetimes

    return lifetimes


def _margin_rate_value(margin: float, name: str = "margin") -> float:
    if isinstance(margin, bool) or not isinstance(margin, int | float | np.floating):
        raise TypeError(f"{name} must be a number; got {type(margin).__name__}.")
    if not 0 < float(margin) <= 1:
        raise ValueError(
            f"{name} must be a gross-margin rate between 0 and 1 (e.g. 0.3 for 30 %); got "
            f"{margin!r}. A rate above 1 is probably a percentage: divide it by 100."
        )
    return float(margin)


def line_margin(tx: pd.DataFrame, margin: Margin) -> pd.Series:
    """Gross margin (毛利) of each transaction line, in money.

    ``margin`` is one of: a **rate** (0.3: 30 % of every yuan is margin); the **name of a
    per-unit cost column** of ``tx`` (``"unit_cost"``: margin = amount − cost × quantity);
    or a **Series of rates indexed by customer_id** (customers missing from it are refused).

    >>> tx = pd.DataFrame({"customer_id": [1, 2], "amount": [100.0, 50.0],
    ...     "quantity": [2, 1], "unit_cost": [30.0, 40.0]})
    >>> line_margin(tx, 0.25).tolist(), line_margin(tx, "unit_cost").tolist()
    ([25.0, 12.5], [40.0, 10.0])
    """
    require_columns(tx, ["customer_id", "amount"], "transactions")
    if isinstance(margin, str):
        require_columns(tx, [margin, "quantity"], "transactions")
        cost = pd.to_numeric(tx[margin], errors="coerce")
        if cost.isna().any():
            raise DataValidationError(
                f"Column {margin!r} (cost per unit) has {int(cost.isna().sum())} missing or "
                "non-numeric values: fill them or pass a margin rate instead."
            )
        return (tx["amount"] - cost * tx["quantity"]).rename("margin")
    if isinstance(margin, pd.Series):
        rate = tx["customer_id"].map(margin)
        if rate.isna().any():
            missing = tx.loc[rate.isna(), "customer_id"].unique()[:5].tolist()
            raise DataValidationError(
                f"The margin Series has no rate for customers {missing}: give a rate for "
                "every customer (index customer_id)."
            )
        if not rate.between(-1, 1).all():
            raise ValueError("margin rates must lie between -1 and 1 (shares, not percentages).")
        return (tx["amount"] * rate).rename("margin")
    return (tx["amount"] * _margin_rate_value(margin)).rename("margin")


def customer_margin_rate(tx: pd.DataFrame, margin: Margin) -> pd.Series:
    """Each customer's gross-margin rate (毛利率): their margin ÷ their spend.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 100.0, 50.0],
    ...     "quantity": [1, 1, 1], "unit_cost": [60.0, 80.0, 40.0]})
    >>> customer_margin_rate(tx, "unit_cost").tolist()
    [0.3, 0.2]
    """
    m = line_margin(tx, margin).groupby(tx["customer_id"]).sum()
    sales = tx.groupby("customer_id")["amount"].sum()
    return (m / sales.where(sales != 0)).fillna(0.0).rename("margin_rate")


def historical_clv(tx: pd.DataFrame, as_of: Any = None, *, margin: Margin) -> pd.DataFrame:
    """Historical value per customer **on gross margin** (毛利): sales, receipts, margin,
    margin rate, tenure, and margin (and sales) per year of tenure, up to ``as_of``
    (default: the end of the data). Sorted by margin.

    ``margin``: a rate, a per-unit cost column of ``tx`` (``"unit_cost"``) or a Series of
    rates by customer (see :func:`line_margin`). Value is margin, never revenue: a customer
    who buys only loss leaders brings sales but no value.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-07-01", "2024-06-01"]),
    ...     "amount": [100.0, 50.0, 20.0]})
    >>> historical_clv(tx, as_of="2025-01-01", margin=0.3)[["sales", "margin", "margin_rate"]]
                 sales  margin  margin_rate
    customer_id
    1            150.0    45.0          0.3
    2             20.0     6.0          0.3
    """
    tx = checked_transactions(tx)
    when = analysis_date(tx, as_of)
    tx = tx[tx["timestamp"] < when]
    g = tx.groupby("customer_id")
    out = pd.DataFrame({"sales": g["amount"].sum(), "receipts": g["receipt_id"].nunique()})
    out["margin"] = line_margin(tx, margin).groupby(tx["customer_id"]).sum()
    out["margin_rate"] = (out["margin"] / out["sales"].where(out["sales"] != 0)).fillna(0.0)
    out["tenure_years"] = (when - g["timestamp"].min()) / pd.Timedelta(days=365.25)
    years = out["tenure_years"].clip(lower=1 / 12)
    out["sales_per_year"] = out["sales"] / years
    out["margin_per_year"] = out["margin"] / years
    return out.sort_values("margin", ascending=False, kind="stable")


def _purchases(tx: pd.DataFrame, unit: str) -> pd.DataFrame:
    """One row per purchase: a receipt, or (``unit="day"``) a customer's day.

    Without an ``amount`` column (an event log: customer and date only) the purchases
    have no ``amount`` column either.
    """
    check_choice("unit", unit, ["receipt", "day"])
    money = "amount" in tx.columns
    tx = checked_transactions(tx if money else tx.assign(amount=0.0))
    if unit == "receipt":
        p = receipt_totals(tx)[["customer_id", "timestamp", "amount"]]
    else:
        p = (
            tx.assign(timestamp=tx["timestamp"].dt.floor("D"))
            .groupby(["customer_id", "timestamp"], sort=False, observed=True)["amount"]
            .sum()
            .reset_index()
        )
    return p if money else p.drop(columns="amount")


def _summarise(p: pd.DataFrame, end: pd.Timestamp, time_unit: str) -> pd.DataFrame:
    unit = pd.Timedelta(days=_UNIT_DAYS[time_unit])
    p = p.sort_values(["customer_id", "timestamp"], kind="stable")
    g = p.groupby("customer_id", sort=True)
    first = g["timestamp"].first()
    freq = (g.size() - 1).astype("int64")
    if "amount" in p.columns:
        total, first_value = g["amount"].sum(), g["amount"].first()
        monetary = ((total - first_value) / freq.where(freq > 0)).fillna(0.0)
    else:  # an event log: no money, and no pretended zero
        monetary = pd.Series(np.nan, index=freq.index)
    out = pd.DataFrame(
        {
            "frequency": freq,
            "recency": (g["timestamp"].last() - first) / unit,
            "T": (end - first) / unit,
            "monetary_value": monetary,
        }
    )
    out.index.name = "customer_id"
    return out


def rfm_summary(
    tx: pd.DataFrame,
    observation_end: Any = None,
    *,
    unit: str = "receipt",
    time_unit: str = "W",
) -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer (the BG/NBD input).

    ``tx``: customer_id, receipt_id, timestamp and (optional) amount; without amounts (an
    event log) ``monetary_value`` is NaN: BG/NBD still fits, the money models refuse.
    ``observation_end``: T runs to it (purchases at or after it are ignored); default the
    last timestamp (``unit="receipt"``) or the last day (``unit="day"``, as in lifetimes).
    ``unit``: ``"receipt"`` (exact times) or ``"day"`` (one purchase a customer-day).
    ``time_unit``: ``"W"`` (weeks) or ``"D"`` (days) for recency and T.

    Returns, by customer_id: frequency (repeat purchases), recency (first to last purchase),
    T (first purchase to the end) and monetary_value (mean of the repeats; 0 without any).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-29", "2024-01-08"]),
    ...     "amount": [10.0, 20.0, 40.0, 5.0]})
    >>> rfm_summary(tx, "2024-02-05")
                 frequency  recency    T  monetary_value
    customer_id
    1                    2      4.0  5.0            30.0
    2                    0      0.0  4.0             0.0
    """
    check_choice("time_unit", time_unit, list(_UNIT_DAYS))
    p = _purchases(tx, unit)
    if observation_end is None:
        end = p["timestamp"].max()
    else:
        end = parse_as_of(observation_end, "observation_end")
        if end <= p["timestamp"].min():
            raise ValueError(
                f"observation_end {end} is before the first purchase ({p['timestamp'].min()})."
            )
        p = p[p["timestamp"] < end] if unit == "receipt" else p[p["timestamp"] <= end]
    return _summarise(p, end, time_unit)


def calibration_holdout(
    tx: pd.DataFrame,
    calibration_end: Any,
    observation_end: Any = None,
    *,
    unit: str = "receipt",
    time_unit: str = "W",
) -> pd.DataFrame:
    """Calibration summary (customers whose first purchase is before ``calibration_end``)
    with the hold-out period's purchases (``frequency_holdout``, ``monetary_value_holdout``)
    and its length (``duration_holdout``, in ``time_unit``).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-12", "2024-03-01"]),
    ...     "amount": [10.0, 20.0, 40.0, 5.0]})
    >>> calibration_holdout(tx, "2024-02-05", "2024-03-04")[["frequency", "T", "frequency_holdout"]]
                 frequency    T  frequency_holdout
    customer_id
    1                    1  5.0                  1
    """
    p = _purchases(tx, unit)
    cal = parse_as_of(calibration_end, "calibration_end")
    end = (
        p["timestamp"].max()
        if observation_end is None
        else parse_as_of(observation_end, "observation_end")
    )
    first, last = p["timestamp"].min(), p["timestamp"].max()
    if not first < cal < end:
        raise ValueError(
            f"calibration_end {cal} must lie inside the data ({first} to {last}) and before "
            f"observation_end ({end})."
        )
    before = p[p["timestamp"] < cal]
    out = _summarise(before, cal, time_unit)
    hold = p[(p["timestamp"] >= cal) & (p["timestamp"] < end) & p["customer_id"].isin(out.index)]
    h = hold.groupby("customer_id")["customer_id"]
    out["frequency_holdout"] = h.size().reindex(out.index, fill_value=0).astype("int64")
    out["monetary_value_holdout"] = (
        hold.groupby("customer_id")["amount"].mean().reindex(out.index, fill_value=0.0)
        if "amount" in hold.columns
        else np.nan
    )
    out["duration_holdout"] = (end - cal) / pd.Timedelta(days=_UNIT_DAYS[time_unit])
    return out


def _check_summary(summary: pd.DataFrame, what: str) -> None:
    require_columns(summary, ["frequency", "recency", "T"], "summary")
    if len(summary) < MIN_CUSTOMERS:
        raise ValueError(
            f"Too few customers to fit {what}: {len(summary)} (at least {MIN_CUSTOMERS} are "
            "needed, and a few hundred for stable parameters)."
        )
    if (summary["frequency"] < 0).any() or (summary["recency"] < 0).any():
        raise DataValidationError("frequency and recency must be ≥ 0.")
    if (summary["recency"] > summary["T"] + 1e-9).any():
        raise DataValidationError(
            "recency is larger than T for some customers: T must run from the first purchase "
            "to the end of observation, which is after the last purchase."
        )


def _optimiser_message(printed: str) -> str:
    """The optimiser's own message from what lifetimes printed, e.g. 'Desired error not
    necessarily achieved due to precision loss.'"""
    for line in printed.splitlines():
        if line.strip().startswith("message:"):
            return "the optimiser stopped: " + line.split(":", 1)[1].strip()
    return "the optimiser stopped without success"


def _advice(what: str, err: BaseException) -> ValueError:
    return ValueError(
        f"The {what} fit did not converge to usable parameters ({type(err).__name__}: "
        f"{next((ln.strip() for ln in str(err).splitlines() if ln.strip()), '')[:200]}). "
        "Try: more customers or a longer observation period; a small penalizer_coef "
        "(e.g. 0.001–0.1) to keep the parameters in a sensible range; recency and T in weeks "
        "rather than days (time_unit='W'); and check that frequency counts repeat purchases."
    )


def fit_bgnbd(summary: pd.DataFrame, *, penalizer_coef: float = 0.0) -> Any:
    """Fit the BG/NBD model (lifetimes' ``BetaGeoFitter``) to an RFM summary.

    Raises ``ValueError`` with advice (not an optimiser traceback) if the fit fails.

    >>> import crm_helpers as crm
    >>> bgf = fit_bgnbd(crm.load_cdnow("summary"))
    >>> {k: round(v, 3) for k, v in bgf.params_.to_dict().items()}
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    """
    _check_summary(summary, "BG/NBD")
    if summary["frequency"].sum() == 0:
        raise ValueError("Nobody made a repeat purchase: BG/NBD cannot be fitted.")
    lt = _lifetimes()
    fitter = lt.BetaGeoFitter(penalizer_coef=penalizer_coef)
    _run_fit(
        lambda: fitter.fit(summary["frequency"], summary["recency"], summary["T"]), "BG/NBD", lt
    )
    _sane(fitter, "BG/NBD")
    return fitter


def _run_fit(fit: Any, what: str, lt: Any) -> None:
    """Run a lifetimes fit; turn its failures into a ValueError with advice."""
    printed = io.StringIO()  # lifetimes prints the optimiser's output when it fails
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
            warnings.simplefilter("ignore", RuntimeWarning)
            fit()
    except lt.utils.ConvergenceError:
        raise _advice(what, RuntimeError(_optimiser_message(printed.getvalue()))) from None
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as err:
        raise _advice(what, err) from None


def _sane(fitter: Any, what: str) -> None:
    """Refuse a fit that ran off to the edge of the parameter space (a degenerate optimum:
    the optimiser "succeeded", but the parameters say the data cannot identify the model)."""
    params = fitter.params_.to_dict()
    bad = {k: v for k, v in params.items() if not (np.isfinite(v) and _EDGE[0] < v < _EDGE[1])}
    if bad:
        shown = ", ".join(f"{k} = {v:.3g}" for k, v in bad.items())
        raise _advice(what, RuntimeError(f"degenerate parameters: {shown}"))


def fit_gamma_gamma(summary: pd.DataFrame, *, penalizer_coef: float = 0.0) -> Any:
    """Fit the Gamma-Gamma spend model to the customers with repeat purchases.

    >>> import crm_helpers as crm
    >>> ggf = fit_gamma_gamma(crm.load_cdnow("summary_monetary"))
    >>> {k: round(v, 2) for k, v in ggf.params_.to_dict().items()}
    {'p': 6.25, 'q': 3.74, 'v': 15.45}
    """
    if "monetary_value" not in summary.columns or (
        (summary["frequency"] > 0).any() and not (summary["monetary_value"] > 0).any()
    ):
        raise DataValidationError(
            "Gamma-Gamma models the money spent per purchase, and these data have no purchase "
            "amounts (no 'monetary_value', or every amount is 0 or missing, as in an event log of "
            "customer and date only). Money CLV cannot be computed from them; BG/NBD "
            "(expected purchases, probability alive) still can. Map an amount column to get CLV."
        )
    require_columns(summary, ["frequency", "monetary_value"], "summary")
    rep = summary[summary["frequency"] > 0]
    if len(rep) < MIN_CUSTOMERS:
        raise ValueError(
            f"Too few customers with repeat purchases to fit Gamma-Gamma: {len(rep)} (at "
            f"least {MIN_CUSTOMERS} are needed)."
        )
    if (rep["monetary_value"] <= 0).any():
        raise DataValidationError("monetary_value must be > 0 for customers with repeat purchases.")
    lt = _lifetimes()
    fitter = lt.GammaGammaFitter(penalizer_coef=penalizer_coef)
    _run_fit(lambda: fitter.fit(rep["frequency"], rep["monetary_value"]), "Gamma-Gamma", lt)
    _sane(fitter, "Gamma-Gamma")
    return fitter


def _summary_rates(summary: pd.DataFrame, margin: float | pd.Series) -> pd.Series:
    if isinstance(margin, str):
        raise TypeError(
            f"margin={margin!r}: a cost column belongs to the transactions, not to the RFM "
            "summary. Pass customer_margin_rate(tx, 'unit_cost') (a rate per customer) or a rate."
        )
    if isinstance(margin, pd.Series):
        rate = margin.reindex(summary.index)
        if rate.isna().any():
            raise DataValidationError(
                f"The margin Series has no rate for {int(rate.isna().sum())} customers of the "
                "summary: give a rate for every customer (index customer_id)."
            )
        return rate.astype("float64").rename("margin_rate")
    return pd.Series(_margin_rate_value(margin), index=summary.index, name="margin_rate")


def predict_clv(
    bgf: Any,
    ggf: Any,
    summary: pd.DataFrame,
    *,
    margin: float | pd.Series,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
    time_unit: str = "W",
) -> pd.DataFrame:
    """Per customer: probability alive (存活概率), expected purchases and **CLV on gross
    margin** over ``months``: for each month *m*, the purchases expected in it × the
    Gamma-Gamma expected value per purchase × the margin rate, divided by
    (1 + ``monthly_discount_rate``)^m, summed.

    ``margin``: a rate or a Series of rates by customer_id (e.g. :func:`customer_margin_rate`).
    ``spend``: the same sum without the margin (for comparison only). Recency and T must be
    in ``time_unit`` as in the fit.

    >>> import crm_helpers as crm
    >>> s = crm.load_cdnow("summary_monetary")
    >>> out = predict_clv(fit_bgnbd(s), fit_gamma_gamma(s), s, margin=0.3)
    >>> out.columns.tolist()
    ['p_alive', 'expected_purchases', 'expected_value', 'margin_rate', 'spend', 'clv']
    >>> bool(np.allclose(out["clv"], 0.3 * out["spend"]))
    True
    """
    check_choice("time_unit", time_unit, list(_UNIT_DAYS))
    require_columns(summary, ["frequency", "recency", "T", "monetary_value"], "summary")
    _check_horizon(months, monthly_discount_rate)
    rate = _summary_rates(summary, margin)
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cum = _cumulative_purchases(bgf, summary, months, 365.25 / 12 / _UNIT_DAYS[time_unit])
        value = np.asarray(
            ggf.conditional_expected_average_profit(f, summary["monetary_value"].where(f > 0, 0)),
            dtype="float64",
        )
        p_alive = bgf.conditional_probability_alive(f, r, t)
    disc = sum(
        (cum[m] - cum[m - 1]) / (1 + monthly_discount_rate) ** m for m in range(1, months + 1)
    )
    out = pd.DataFrame(
        {"p_alive": np.asarray(p_alive, dtype="float64"), "expected_purchases": cum[-1],
         "expected_value": value, "margin_rate": rate.to_numpy(), "spend": disc * value},
        index=summary.index,
    )  # fmt: skip
    out["clv"] = out["spend"] * out["margin_rate"]
    return out


def _check_horizon(months: object, monthly_discount_rate: float) -> None:
    if not isinstance(months, int | np.integer) or months < 1:
        raise ValueError(f"months must be a whole number ≥ 1; got {months!r}.")
    if not 0 <= monthly_discount_rate < 1:
        raise ValueError(f"monthly_discount_rate must be in [0, 1); got {monthly_discount_rate}.")


def _cumulative_purchases(
    bgf: Any, summary: pd.DataFrame, months: int, per_month: float
) -> list[np.ndarray]:
    """Expected purchases up to the end of each month 0..``months`` (month 0: none)."""
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    return [np.zeros(len(summary))] + [
        np.asarray(
            bgf.conditional_expected_number_of_purchases_up_to_time(m * per_month, f, r, t),
            dtype="float64",
        )
        for m in range(1, months + 1)
    ]


def holdout_check(bgf: Any, cal_holdout: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Predicted against actual hold-out purchases, by calibration frequency (as in Fader,
    Hardie & Lee 2005, figure 4); frequencies above ``max_frequency`` are pooled.

    >>> import crm_helpers as crm
    >>> tx = crm.load_cdnow()
    >>> ch = calibration_holdout(tx, "1997-10-01", "1998-07-01", unit="day")
    >>> table = holdout_check(fit_bgnbd(ch), ch)
    >>> table.columns.tolist()
    ['frequency', 'customers', 'actual', 'predicted']
    """
    require_columns(cal_holdout, ["frequency", "recency", "T", "frequency_holdout",
                                  "duration_holdout"], "calibration / hold-out")  # fmt: skip
    d = cal_holdout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = bgf.conditional_expected_number_of_purchases_up_to_time(
            d["duration_holdout"], d["frequency"], d["recency"], d["T"]
        )
    t = pd.DataFrame(
        {
            "frequency": d["frequency"].clip(upper=max_frequency),
            "actual": d["frequency_holdout"],
            "predicted": np.asarray(pred, dtype="float64"),
        }
    )
    out = t.groupby("frequency").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    return out.reset_index()
