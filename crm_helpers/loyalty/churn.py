"""Early warning (流失预警) and the churn model (流失预测)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DataValidationError, check_choice, require_columns
from ..timeframe import parse_as_of
from ._common import _inside, checked_transactions, receipt_totals

__all__ = [
    "early_warning",
    "FEATURES",
    "churn_features",
    "churn_labels",
    "churn_dataset",
    "ChurnModel",
    "fit_churn_model",
]


# ----------------------------------------------------------------------------- early warning


def _recent_and_baseline(
    r: pd.DataFrame, when: pd.Timestamp, recent_days: int, baseline_days: int
) -> pd.DataFrame:
    """Visits and spend per customer in the baseline window and in the recent one."""
    mid = when - pd.Timedelta(days=recent_days)
    lo = mid - pd.Timedelta(days=baseline_days)
    recent = r[(r["timestamp"] >= mid) & (r["timestamp"] < when)].groupby("customer_id")
    base = r[(r["timestamp"] >= lo) & (r["timestamp"] < mid)].groupby("customer_id")
    out = pd.DataFrame({"baseline_visits": base.size(), "baseline_spend": base["amount"].sum()})
    out["recent_visits"] = recent.size().reindex(out.index, fill_value=0)
    out["recent_spend"] = recent["amount"].sum().reindex(out.index, fill_value=0.0)
    return out


def early_warning(
    tx: pd.DataFrame,
    as_of: Any,
    *,
    recent_days: int = 90,
    baseline_days: int = 365,
    frequency_drop: float = 0.5,
    spend_drop: float = 0.5,
    min_baseline_visits: int = 3,
) -> pd.DataFrame:
    """Early-warning indicators (流失预警) against each customer's own baseline.

    The recent window is [as_of − recent_days, as_of); the baseline is the
    ``baseline_days`` before it. Rates are scaled to the length of the recent window, so
    ``frequency_ratio`` = recent visits / expected visits at the baseline pace (1 = as
    usual, 0 = stopped). A customer is flagged when the frequency ratio is at most
    1 − ``frequency_drop`` or the spend ratio at most 1 − ``spend_drop``. Only customers
    with at least ``min_baseline_visits`` visits in the baseline are judged. The list is
    ranked by ``risk_score`` = the mean of the two drops (0 … 1), highest first.

    >>> tx = pd.DataFrame({"customer_id": [1] * 5 + [2] * 5, "receipt_id": range(10),
    ...     "timestamp": pd.to_datetime(["2024-01-10", "2024-04-10", "2024-07-10",
    ...         "2024-10-10", "2025-02-01"] * 2), "amount": [100.0] * 5 + [100.0] * 4 + [10.0]})
    >>> early_warning(tx, "2025-02-02", recent_days=60, baseline_days=360,
    ...     min_baseline_visits=2)[["frequency_ratio", "spend_ratio", "warning"]].round(2)
                 frequency_ratio  spend_ratio  warning
    customer_id
    2                       1.50         0.15     True
    1                       1.50         1.50    False
    """
    when = parse_as_of(as_of, "as_of")
    for name, v in (("frequency_drop", frequency_drop), ("spend_drop", spend_drop)):
        if not 0 < v < 1:
            raise ValueError(f"{name} must be between 0 and 1 (a share of the baseline); got {v}.")
    if recent_days <= 0 or baseline_days <= 0:
        raise ValueError("recent_days and baseline_days must be > 0.")
    r = receipt_totals(tx)
    _inside(r, when, "as_of")
    out = _recent_and_baseline(r, when, recent_days, baseline_days)
    out = out[out["baseline_visits"] >= min_baseline_visits].copy()
    scale = recent_days / baseline_days
    out["frequency_ratio"] = out["recent_visits"] / (out["baseline_visits"] * scale)
    out["spend_ratio"] = out["recent_spend"] / (out["baseline_spend"] * scale)
    out["falling_frequency"] = out["frequency_ratio"] <= 1 - frequency_drop
    out["falling_spend"] = out["spend_ratio"] <= 1 - spend_drop
    out["warning"] = out["falling_frequency"] | out["falling_spend"]
    drop = (1 - out[["frequency_ratio", "spend_ratio"]]).clip(lower=0, upper=1)
    out["risk_score"] = drop.mean(axis=1)
    out.index.name = "customer_id"
    return out.sort_values(["warning", "risk_score"], ascending=False, kind="stable")


# ----------------------------------------------------------------------------- churn model

#: The behaviour features built by :func:`churn_features`.
FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_basket",
    "tenure_days",
    "visits_90d",
    "spend_90d",
    "visits_prev_90d",
    "mean_gap_days",
    "days_over_gap",
)


def churn_features(tx: pd.DataFrame, cutoff: Any) -> pd.DataFrame:
    """Behaviour features per customer from receipts strictly before ``cutoff``.

    Nothing on or after the cut-off is read (the first step drops it), so the features
    cannot leak the label. Customers with no purchase before the cut-off are left out.

    Features: recency_days (days since the last purchase), frequency (receipts), monetary
    (total spend), avg_basket, tenure_days (days since the first purchase), visits_90d and
    spend_90d (last 90 days), visits_prev_90d (the 90 days before), mean_gap_days (mean
    days between purchases; tenure for a single purchase) and days_over_gap (recency /
    mean gap: how overdue the next purchase is).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01", "2024-05-01"]),
    ...     "amount": [10.0, 30.0, 5.0, 99.0]})
    >>> churn_features(tx, "2024-04-01")[["recency_days", "frequency", "monetary"]]
                 recency_days  frequency  monetary
    customer_id
    1                    31.0          2      40.0
    2                    60.0          1       5.0
    """
    when = parse_as_of(cutoff, "cutoff")
    _inside(checked_transactions(tx), when, "cutoff")
    r = receipt_totals(tx[tx["timestamp"] < when])
    day = pd.Timedelta(days=1)
    g = r.groupby("customer_id")
    first, last = g["timestamp"].min(), g["timestamp"].max()
    n = g.size()
    out = pd.DataFrame(
        {
            "recency_days": (when - last) / day,
            "frequency": n.astype("int64"),
            "monetary": g["amount"].sum(),
        }
    )
    out["avg_basket"] = out["monetary"] / out["frequency"]
    out["tenure_days"] = (when - first) / day
    d90 = when - pd.Timedelta(days=90)
    d180 = when - pd.Timedelta(days=180)
    last90 = r[r["timestamp"] >= d90].groupby("customer_id")
    prev90 = r[(r["timestamp"] >= d180) & (r["timestamp"] < d90)].groupby("customer_id")
    out["visits_90d"] = last90.size().reindex(out.index, fill_value=0).astype("int64")
    out["spend_90d"] = last90["amount"].sum().reindex(out.index, fill_value=0.0)
    out["visits_prev_90d"] = prev90.size().reindex(out.index, fill_value=0).astype("int64")
    span = (last - first) / day
    out["mean_gap_days"] = np.where(n > 1, span / (n - 1).clip(lower=1), out["tenure_days"])
    out["days_over_gap"] = out["recency_days"] / np.maximum(out["mean_gap_days"], 1.0)
    out.index.name = "customer_id"
    return out


def churn_labels(tx: pd.DataFrame, cutoff: Any, horizon_days: int = 180) -> pd.Series:
    """The churn label (流失) of each customer who bought before ``cutoff``: 1 if they make
    no purchase in [cutoff, cutoff + horizon_days), else 0.

    The label window must lie inside the data.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01", "2024-12-01"]),
    ...     "amount": [10.0, 30.0, 5.0, 8.0]})
    >>> churn_labels(tx, "2024-04-01", horizon_days=90).to_dict()
    {1: 0, 2: 1}
    """
    when = parse_as_of(cutoff, "cutoff")
    tx = checked_transactions(tx)
    _inside(tx, when, "cutoff")
    stop = when + pd.Timedelta(days=horizon_days)
    last = tx["timestamp"].max()
    if stop > last + pd.Timedelta(days=1):
        raise ValueError(
            f"The label window [{when.date()}, {stop.date()}) runs past the end of the data "
            f"({last}). Choose an earlier cutoff or a shorter horizon_days."
        )
    before = tx.loc[tx["timestamp"] < when, "customer_id"].unique()
    after = tx.loc[(tx["timestamp"] >= when) & (tx["timestamp"] < stop), "customer_id"].unique()
    ids = pd.Index(np.sort(before), name="customer_id")
    return pd.Series((~ids.isin(after)).astype("int64"), index=ids, name="churn")


def churn_dataset(tx: pd.DataFrame, cutoff: Any, horizon_days: int = 180) -> pd.DataFrame:
    """Features before ``cutoff`` joined to the label after it (see the two functions).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01"]),
    ...     "amount": [10.0, 30.0, 5.0]})
    >>> churn_dataset(tx, "2024-04-02", 30)["churn"].tolist()
    [0, 1]
    """
    return churn_features(tx, cutoff).join(churn_labels(tx, cutoff, horizon_days))


@dataclass
class ChurnModel:
    """A fitted churn model and how it did on the test customers."""

    model: Any
    features: list[str]
    target: str
    auc: float
    test: pd.DataFrame = field(repr=False)  # y (the label) and p (calibrated probability)
    auc_uncalibrated: float = float("nan")

    def predict(self, table: pd.DataFrame) -> pd.Series:
        """Calibrated churn probabilities for the rows of ``table``."""
        require_columns(table, self.features, "customer")
        p = self.model.predict_proba(table[self.features].to_numpy(dtype="float64"))[:, 1]
        return pd.Series(p, index=table.index, name="churn_probability")


def _xy(table: pd.DataFrame, target: str, features: list[str] | None) -> tuple:
    require_columns(table, [target], "customer")
    feats = features or [c for c in table.columns if c != target]
    require_columns(table, feats, "customer")
    non_num = [c for c in feats if not pd.api.types.is_numeric_dtype(table[c])]
    if non_num:
        kinds = ", ".join(f"{c!r} ({table[c].dtype}, {table[c].nunique()} values)" for c in non_num)
        raise DataValidationError(
            f"Features must be numeric; these are not: {kinds}. Encode them as 0/1 columns "
            "(pd.get_dummies(table, columns=[...], dtype=int)) or leave them out with "
            "features=[...]."
        )
    y = table[target]
    if not y.isin([0, 1, True, False]).all():
        raise DataValidationError(f"Column {target!r} must hold 0/1 (1 = churned).")
    gaps = table[feats].isna().sum()
    if gaps.any():
        named = ", ".join(f"{c!r} ({n} rows)" for c, n in gaps[gaps > 0].items())
        raise DataValidationError(
            f"Missing values in the features: {named}. Fill them (e.g. with 0 or the median) "
            "or leave those columns out with features=[...]."
        )
    return table[feats].to_numpy(dtype="float64"), y.astype("int64").to_numpy(), feats


def _too_few(y: np.ndarray, rows: str) -> None:
    if len(y) < 50 or min(y.sum(), len(y) - y.sum()) < 10:
        raise ValueError(
            f"Too few customers to fit a churn model: {len(y)} {rows} with {int(y.sum())} "
            "churners. Use at least 50 customers and 10 of each class."
        )


def _train_test(
    table: pd.DataFrame,
    target: str,
    features: list[str] | None,
    test: pd.DataFrame | None,
    test_size: float,
    seed: int,
) -> tuple:
    """Training and test features and labels: ``test`` if given, else a stratified split."""
    from sklearn.model_selection import train_test_split

    x, y, feats = _xy(table, target, features)
    if test is None:
        _too_few(y, "rows")
        x_tr, x_te, y_tr, y_te, _, idx_te = train_test_split(
            x, y, np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
        )
        test_index = table.index[idx_te]
    else:
        x_tr, y_tr = x, y
        x_te, y_te, _ = _xy(test, target, feats)
        test_index = test.index
    _too_few(y_tr, "training rows")
    if len(np.unique(y_te)) < 2:
        raise ValueError("The test customers are all of one class; AUC is undefined.")
    return x_tr, y_tr, x_te, y_te, test_index, feats


def _base_model(model: str, seed: int) -> Any:
    """The unfitted scikit-learn model: standardised logistic regression or boosting."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if model == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=seed)


def fit_churn_model(
    table: pd.DataFrame,
    target: str = "churn",
    *,
    features: list[str] | None = None,
    test: pd.DataFrame | None = None,
    model: str = "logistic",
    test_size: float = 0.3,
    calibration: str = "isotonic",
    seed: int = 0,
) -> ChurnModel:
    """Fit a churn model (scikit-learn) with calibrated probabilities and report ROC-AUC.

    ``table`` has one row per customer, numeric feature columns and a 0/1 ``target``: for
    example :func:`churn_dataset` at one cut-off, or a ready-made table such as the UCI
    Iranian churn data. With ``test`` (e.g. :func:`churn_dataset` at a later cut-off) the
    model is judged out of time on it; otherwise on a stratified random ``test_size``
    share of ``table``. ``model``: ``"logistic"`` (standardised logistic regression) or
    ``"boosting"`` (histogram gradient boosting). Probabilities are calibrated by
    cross-validation (``calibration``: ``"isotonic"`` or ``"sigmoid"``).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> t = pd.DataFrame({"x": x, "churn": (x + rng.normal(size=400) > 0).astype(int)})
    >>> fit = fit_churn_model(t, seed=1)
    >>> bool(0.75 < fit.auc < 0.95)
    True
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.metrics import roc_auc_score

    check_choice("model", model, ["logistic", "boosting"])
    check_choice("calibration", calibration, ["isotonic", "sigmoid"])
    x_tr, y_tr, x_te, y_te, test_index, feats = _train_test(
        table, target, features, test, test_size, seed
    )
    base = _base_model(model, seed)
    raw = base.fit(x_tr, y_tr)
    auc_raw = float(roc_auc_score(y_te, raw.predict_proba(x_te)[:, 1]))
    calibrated = CalibratedClassifierCV(base, method=calibration, cv=3).fit(x_tr, y_tr)
    p = calibrated.predict_proba(x_te)[:, 1]
    result = pd.DataFrame({"y": y_te, "p": p}, index=test_index)
    return ChurnModel(calibrated, feats, target, float(roc_auc_score(y_te, p)), result, auc_raw)
