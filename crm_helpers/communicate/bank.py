"""UCI Bank Marketing (real telephone campaigns): response by group and a response model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._threads import one_thread
from ..schema import DataValidationError, require_columns
from .channels import _as_list

__all__ = [
    "BANK_MONTHS",
    "bank_contact_bins",
    "bank_response",
    "BankModel",
    "fit_bank_model",
]


# --------------------------------------------------------------------------- Bank Marketing

#: The months of the Bank Marketing data, in calendar order.
BANK_MONTHS: tuple[str, ...] = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip


def bank_contact_bins(campaign: Any) -> pd.Categorical:
    """Bins for the number of contacts in this campaign: 1, 2, 3, 4, 5, 6–10, 11+.

    >>> list(bank_contact_bins([1, 5, 6, 10, 11, 63]))
    ['1', '5', '6-10', '6-10', '11+', '11+']
    """
    n = np.asarray(campaign, dtype=float)
    if (n < 1).any():
        raise ValueError(
            "campaign (contacts in this campaign) must be at least 1 for every client."
        )
    labels = ["1", "2", "3", "4", "5", "6-10", "11+"]
    idx = np.select([n <= 5, n <= 10], [n - 1, 5], 6).astype(int)
    return pd.Categorical.from_codes(idx, categories=labels, ordered=True)


def _bank(bank: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    require_columns(bank, ["y", *columns], "Bank Marketing")
    if len(bank) == 0:
        raise DataValidationError("The Bank Marketing table is empty.")
    bad = sorted(set(bank["y"].astype(str).unique()) - {"yes", "no"})
    if bad:
        raise DataValidationError(
            f"The Bank Marketing table's column 'y' must be 'yes' or 'no'; found {', '.join(repr(b) for b in bad[:5])}."
        )
    return bank


def bank_response(bank: pd.DataFrame, by: str | Sequence[str] = "contact") -> pd.DataFrame:
    """Clients, subscriptions (``y == "yes"``) and the response rate by one or more columns
    of the UCI Bank Marketing data. ``"month"`` is put in calendar order; ``"campaign"``
    (the number of contacts in this campaign) is binned with :func:`bank_contact_bins`.

    >>> bank = pd.DataFrame({"contact": ["cellular", "cellular", "telephone"], "y": ["yes", "no", "no"]})
    >>> bank_response(bank)
         contact  clients  responses  response_rate
    0   cellular        2          1            0.5
    1  telephone        1          0            0.0
    """
    keys = _as_list(by)
    b = _bank(bank, keys)[[*keys, "y"]].copy()
    if "month" in keys:
        b["month"] = pd.Categorical(
            b["month"].astype(str).str.lower(), categories=list(BANK_MONTHS), ordered=True
        )
    if "campaign" in keys:
        b["campaign"] = bank_contact_bins(b["campaign"])
    b["_yes"] = (b["y"] == "yes").astype("int64")
    g = (
        b.groupby(keys, observed=True)
        .agg(clients=("_yes", "size"), responses=("_yes", "sum"))
        .reset_index()
    )
    g["response_rate"] = g["responses"] / g["clients"]
    for k in keys:
        if isinstance(g[k].dtype, pd.CategoricalDtype):
            g[k] = g[k].astype(str)
    return g


@dataclass
class BankModel:
    """A fitted response model on Bank Marketing (see :func:`fit_bank_model`)."""

    pipeline: Any
    features: list[str]
    auc_train: float
    auc_test: float
    base_rate: float
    test: pd.DataFrame = field(repr=False)  # y and score on the hold-out


_BANK_FEATURES = [
    "age", "job", "marital", "education", "default", "balance", "housing", "loan",
    "contact", "day", "month", "campaign", "pdays", "previous", "poutcome",
]  # fmt: skip


def _check_bank_args(feats: list[str], allow_leakage: bool, test_size: float) -> None:
    """An error for the leaking ``duration`` feature or a test_size outside (0, 1)."""
    if "duration" in feats and not allow_leakage:
        raise ValueError(
            "features include 'duration', the length of the call: it is known only after the "
            "call and grows with a 'yes', so it leaks the outcome. Leave it out (or pass "
            "allow_leakage=True to show the leak)."
        )
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a share between 0 and 1; got {test_size!r}.")


def _bank_pipeline(X: pd.DataFrame, feats: list[str]) -> Any:
    """One-hot categories and scaled numbers into a logistic regression (unfitted)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    cats = [f for f in feats if not pd.api.types.is_numeric_dtype(X[f])]
    nums = [f for f in feats if f not in cats]
    pre = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), cats), ("num", StandardScaler(), nums)]
    )
    return make_pipeline(pre, LogisticRegression(max_iter=2000))


def fit_bank_model(
    bank: pd.DataFrame,
    features: Sequence[str] | None = None,
    *,
    test_size: float = 0.3,
    random_state: int = 0,
    allow_leakage: bool = False,
) -> BankModel:
    """A response model (响应模型) for Bank Marketing: one-hot encoded categories, scaled
    numbers and a logistic regression (scikit-learn), fitted on a stratified training part
    and judged by the AUC on the held-out part (``test_size``).

    ``duration`` (the length of the call) is **not** a predictor by default and is refused
    unless ``allow_leakage=True``: it is known only after the call, and a call that ends in
    a subscription is long because of it — it leaks the outcome (Moro et al. 2014 and the
    UCI page say it should be left out of a realistic model). With it the AUC looks
    excellent and means nothing for choosing whom to call.

    Returns a :class:`BankModel` (``pipeline``, ``features``, ``auc_train``, ``auc_test``,
    ``base_rate`` of the hold-out, and ``test``: ``y`` and ``score`` on the hold-out).
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    feats = list(_BANK_FEATURES if features is None else features)
    _check_bank_args(feats, allow_leakage, test_size)
    b = _bank(bank, feats)
    y = (b["y"] == "yes").astype(int).to_numpy()
    if y.sum() < 2 or (1 - y).sum() < 2:
        raise DataValidationError(
            "The Bank Marketing table needs at least two 'yes' and two 'no' rows."
        )
    X = b[feats]
    pipe = _bank_pipeline(X, feats)
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    with one_thread():  # BLAS threads only spin on these sizes (crm_helpers._threads)
        pipe.fit(Xtr, ytr)
    s_tr = pipe.predict_proba(Xtr)[:, 1]
    s_te = pipe.predict_proba(Xte)[:, 1]
    return BankModel(
        pipeline=pipe,
        features=feats,
        auc_train=float(roc_auc_score(ytr, s_tr)),
        auc_test=float(roc_auc_score(yte, s_te)),
        base_rate=float(yte.mean()),
        test=pd.DataFrame({"y": yte, "score": s_te}),
    )
