"""Identification models (识别模型): the lead score, gains by decile, the AWARE check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from .._threads import one_thread
from ..evaluate import gains_table
from ..schema import DataValidationError, require_columns
from ..timeframe import parse_as_of
from .tags import evaluate_rule

__all__ = [
    "gains_table",
    "LeadModel",
    "fit_lead_model",
    "DEFAULT_AWARE",
    "aware_check",
]


# ----------------------------------------------------------------------------- lead scoring


# Gains and lift (增益与提升) by score decile: the one shared table lives in evaluate.


_LEAD_NUMERIC = ["web_visits", "distance_km", "birth_year", "app_installed", "coupon_claimed",
                 "referred", "household_shopper"]  # fmt: skip
_LEAD_CATEGORICAL = ["income_band", "source", "gender", "city"]


@dataclass
class LeadModel:
    """A fitted lead-scoring model (线索评分) with its hold-out results."""

    model: Any
    features: list[str]
    target: str
    test: pd.DataFrame  # id, y, score of the hold-out
    train_auc: float
    roc_auc: float

    def score(self, prospects: pd.DataFrame) -> pd.Series:
        """The predicted conversion probability of each prospect."""
        require_columns(prospects, self.features, "prospects")
        return pd.Series(self.model.predict_proba(prospects[self.features])[:, 1],
                         index=prospects.index, name="score")  # fmt: skip

    def gains(self, n_bins: int = 10) -> pd.DataFrame:
        """:func:`gains_table` on the hold-out."""
        return gains_table(self.test["y"], self.test["score"], n_bins)

    def coefficients(self) -> pd.Series:
        """The logistic coefficients by (transformed) feature."""
        pre, lr = self.model.named_steps["prep"], self.model.named_steps["model"]
        return pd.Series(lr.coef_[0], index=pre.get_feature_names_out(), name="coefficient")


def _lead_target(prospects: pd.DataFrame, target: str, test_size: float) -> np.ndarray:
    """The target as booleans; an error if test_size is out of range or one class is missing."""
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1; got {test_size}.")
    y = prospects[target].astype(bool).to_numpy()
    if y.all() or not y.any():
        raise DataValidationError(
            f"Column {target!r} of the prospects table must hold both converted and "
            "not-converted prospects to fit a model; found only one kind."
        )
    return y


def _lead_pipeline(num: list[str], catg: list[str]) -> Any:
    """Standardised numeric and one-hot categorical features into a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prep = ColumnTransformer(
        [("num", StandardScaler(), num), ("cat", OneHotEncoder(handle_unknown="ignore"), catg)]
    )
    return Pipeline([("prep", prep), ("model", LogisticRegression(max_iter=2000))])


def fit_lead_model(
    prospects: pd.DataFrame,
    *,
    target: str = "converted",
    numeric: Iterable[str] | None = None,
    categorical: Iterable[str] | None = None,
    test_size: float = 0.3,
    seed: int = 0,
    id_column: str = "prospect_id",
) -> LeadModel:
    """Fit a logistic-regression lead score (识别模型) on a stratified training part and
    score it on the hold-out (留出集) it never saw: ROC-AUC on both.

    Numeric features are standardised; categorical ones one-hot encoded (categories not
    seen in training are ignored). Defaults: the prospects table's attributes.

    >>> import crm_helpers as crm
    >>> p = crm.simulate_retailer(300, seed=1).with_tables("prospects").prospects
    >>> m = fit_lead_model(p)
    >>> 0.5 < m.roc_auc <= 1 and len(m.test) == round(0.3 * len(p))
    True
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    num = list(_LEAD_NUMERIC if numeric is None else numeric)
    catg = list(_LEAD_CATEGORICAL if categorical is None else categorical)
    require_columns(prospects, [target, *num, *catg], "prospects")
    y = _lead_target(prospects, target, test_size)
    X = prospects[num + catg].copy()
    for c in num:
        X[c] = X[c].astype(float)
    for c in catg:
        X[c] = X[c].astype("str")
    idx = np.arange(len(X))
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=y)
    model = _lead_pipeline(num, catg)
    with one_thread():  # BLAS threads only spin on these sizes (crm_helpers._threads)
        model.fit(X.iloc[tr], y[tr])
    p_tr = model.predict_proba(X.iloc[tr])[:, 1]
    p_te = model.predict_proba(X.iloc[te])[:, 1]
    ids = (
        prospects[id_column].to_numpy()
        if id_column in prospects.columns
        else prospects.index.to_numpy()
    )
    test = pd.DataFrame({id_column: ids[te], "y": y[te], "score": p_te})
    return LeadModel(model, num + catg, target, test, float(roc_auc_score(y[tr], p_tr)),
                     float(roc_auc_score(y[te], p_te)))  # fmt: skip


#: The AWARE checklist (目标客户 AWARE 标准) as rules over the prospects table (with
#: ``age`` and ``income_level`` derived when birth_year / income_band are there).
DEFAULT_AWARE: dict[str, str] = {
    "ability": "income_level >= 1",  # Ability: can afford to buy (支付能力)
    "want": "web_visits >= 1 or coupon_claimed",  # Want: shows a need or interest (购买欲望)
    "authority": "household_shopper",  # Authority: decides on purchases (决策权)
    "reasonable": "distance_km <= 15",  # Reasonable: can be served at a sensible cost (可接近)
    "eligible": "consent and age >= 18",  # Eligible: may be contacted (资格)
}


def aware_check(
    prospects: pd.DataFrame,
    criteria: Mapping[str, str] | None = None,
    *,
    as_of: str | pd.Timestamp | None = None,
    id_column: str = "prospect_id",
) -> pd.DataFrame:
    """The AWARE checklist as a qualification filter: one boolean column per criterion
    (Ability, Want, Authority, Reasonable, Eligible — rules as in the tag engine),
    ``n_met`` and ``qualified`` (all five met).

    ``age`` (at ``as_of``, default the latest ``created_at`` or today) and
    ``income_level`` (0 = the lowest band) are added when the table has birth_year and
    income_band.

    >>> p = pd.DataFrame({"prospect_id": [1, 2], "income_band": ["10k-20k", "<5k"],
    ...     "web_visits": [2, 0], "coupon_claimed": [False, True], "household_shopper": [True, True],
    ...     "distance_km": [3.0, 40.0], "consent": [True, True], "birth_year": [1990, 1980],
    ...     "created_at": pd.to_datetime(["2025-06-01", "2025-06-01"])})
    >>> aware_check(p)[["prospect_id", "n_met", "qualified"]].to_dict("records")
    [{'prospect_id': 1, 'n_met': 5, 'qualified': True}, {'prospect_id': 2, 'n_met': 3, 'qualified': False}]
    """
    crit = dict(DEFAULT_AWARE if criteria is None else criteria)
    unknown = sorted(set(crit) - set(DEFAULT_AWARE))
    if unknown or not crit:
        raise ValueError(
            f"criteria must map some of {', '.join(DEFAULT_AWARE)} to rules; got {sorted(crit)}."
        )
    df = prospects.copy()
    if "age" not in df.columns and "birth_year" in df.columns:
        if as_of is None:
            as_of = df["created_at"].max() if "created_at" in df.columns else pd.Timestamp.today()
        df["age"] = parse_as_of(as_of).year - df["birth_year"].astype(float)
    if "income_level" not in df.columns and "income_band" in df.columns:
        df["income_level"] = df["income_band"].astype("str").map(
            {b: i for i, b in enumerate(cat.INCOME_BANDS)}).astype(float)  # fmt: skip
    out = (
        pd.DataFrame({id_column: df[id_column].to_numpy()})
        if id_column in df.columns
        else pd.DataFrame(index=df.index)
    )
    for name, rule in crit.items():
        out[name] = evaluate_rule(df, rule, tag=name).to_numpy()
    out["n_met"] = out[list(crit)].sum(axis=1).astype("int64")
    out["qualified"] = out["n_met"] == len(crit)
    return out
