"""The CRM process in rounds (CRM流程): features, the simulated response truth, rounds and
their evaluation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crm_helpers import segment
from crm_helpers.plan._common import _TX
from crm_helpers.schema import DataValidationError, require_columns
from crm_helpers.timeframe import analysis_date

__all__ = [
    "campaign_features",
    "response_probability",
    "CampaignRound",
    "run_round",
    "random_round",
    "evaluate_rounds",
]


def campaign_features(
    tx: pd.DataFrame, as_of: object = None, *, category: str = "category"
) -> pd.DataFrame:
    """Behaviour features of each buyer for targeting (indexed by ``customer_id``).

    ``recency_days``, ``frequency``, ``monetary``, ``avg_basket``, ``tenure_days`` (first
    purchase to ``as_of``), ``recent_receipts`` (receipts in the last 90 days),
    ``promo_share`` (share of lines bought with a discount; 0 without a ``discount``
    column), ``n_categories`` (when ``category`` is present) and ``rfm_score`` (R+F+M
    scores of :func:`crm_helpers.segment.rfm`, 3 … 15).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
    ...     "amount": [5.0, 5.0, 2.0], "discount": [0.0, 0.2, 0.0]})
    >>> campaign_features(tx)[["frequency", "promo_share"]]
                 frequency  promo_share
    customer_id
    1                    2          0.5
    2                    1          0.0
    """
    require_columns(tx, _TX, "transactions")
    rfm = segment.rfm(tx, as_of).set_index("customer_id")
    moment = analysis_date(tx, as_of)
    out = rfm[["recency_days", "frequency", "monetary", "avg_basket"]].copy()
    out["tenure_days"] = (moment - rfm["first_purchase"]).dt.days
    out["visits_per_week"] = out["frequency"] / np.maximum(out["tenure_days"] / 7, 1.0)
    recent = tx[tx["timestamp"] >= moment - pd.Timedelta(days=90)]
    out["recent_receipts"] = (
        recent.groupby("customer_id")["receipt_id"].nunique().reindex(out.index, fill_value=0)
    )
    if "discount" in tx.columns:
        share = (tx["discount"] > 0).groupby(tx["customer_id"]).mean()
        out["promo_share"] = share.reindex(out.index).fillna(0.0)
    else:
        out["promo_share"] = 0.0
    if category in tx.columns:
        out["n_categories"] = tx.groupby("customer_id", observed=True)[category].nunique()
    out["rfm_score"] = rfm["r_score"] + rfm["f_score"] + rfm["m_score"]
    return out


def response_probability(
    truth_customers: pd.DataFrame,
    truth_segments: pd.DataFrame,
    *,
    weeks: float = 8.0,
    base: float = 0.02,
) -> pd.Series:
    """The simulated truth of a campaign: each customer's probability to respond.

    The response model, stated plainly: a customer responds to an offer valid for
    ``weeks`` weeks (a discount coupon) only if they are still a customer at the end of the data
    (``alive_at_end``), would shop in the window (probability
    ``1 − exp(−rate_per_week × weeks)``, the Poisson chance of at least one visit), and
    takes the offer (probability ``base + promo_share`` of their latent segment: bargain
    hunters take offers far more often). So

    ``p = alive × (1 − exp(−rate × weeks)) × min(1, base + promo_share)``.

    Deterministic; indexed by ``customer_id``. Prospects (never bought) are included.

    >>> c = pd.DataFrame({"customer_id": [1, 2], "segment": ["a", "a"],
    ...     "alive_at_end": [True, False], "rate_per_week": [1.0, 1.0]})
    >>> s = pd.DataFrame({"segment": ["a"], "promo_share": [0.4]})
    >>> response_probability(c, s, weeks=1e9, base=0.1).round(3).tolist()
    [0.5, 0.0]
    """
    require_columns(truth_customers, ["customer_id", "segment", "alive_at_end", "rate_per_week"],
                    "truth customers")  # fmt: skip
    require_columns(truth_segments, ["segment", "promo_share"], "truth segments")
    if weeks <= 0:
        raise ValueError(f"weeks must be positive; got {weeks}.")
    taste = (
        truth_customers["segment"]
        .astype("str")
        .map(truth_segments.set_index(truth_segments["segment"].astype("str"))["promo_share"])
    )
    visit = 1 - np.exp(-truth_customers["rate_per_week"].to_numpy(dtype="float64") * weeks)
    p = (
        truth_customers["alive_at_end"].to_numpy(dtype="float64")
        * visit
        * np.minimum(1.0, base + taste.to_numpy(dtype="float64"))
    )
    return pd.Series(p, index=truth_customers["customer_id"].to_numpy(), name="p_response")


@dataclass
class CampaignRound:
    """One round of the CRM process: who was contacted, why, and what came back."""

    name: str
    rule: str
    targets: pd.DataFrame  # customer_id, score, p_true, responded
    summary: pd.Series
    model: object = None
    learned: pd.DataFrame = field(default_factory=pd.DataFrame)


#: The behaviour features round 2's model learns from: few, so that ~20 responses suffice.
_MODEL_FEATURES = ("rfm_score", "promo_share", "recent_receipts")


def _summary(
    targets: pd.DataFrame, features: pd.DataFrame, cost: float, margin: float
) -> pd.Series:
    n = len(targets)
    exp_r = float(targets["p_true"].sum())
    real_r = int(targets["responded"].sum())
    value = features.loc[targets["customer_id"], "monetary"]
    return pd.Series(
        {
            "contacts": n,
            "cost": n * cost,
            "expected_responses": exp_r,
            "expected_response_rate": exp_r / n if n else 0.0,
            "responses": real_r,
            "response_rate": real_r / n if n else 0.0,
            "expected_margin": exp_r * margin,
            "expected_profit": exp_r * margin - n * cost,
            "expected_roi": (exp_r * margin - n * cost) / (n * cost) if n else 0.0,
            "cost_per_response": n * cost / exp_r if exp_r else np.inf,
            "target_sales_per_customer": float(value.mean()) if n else 0.0,
        }
    )


def run_round(
    features: pd.DataFrame,
    p_true: pd.Series,
    *,
    budget: int,
    round_no: int = 1,
    previous: CampaignRound | None = None,
    explore_share: float = 0.3,
    cost_per_contact: float = 2.0,
    margin_per_response: float = 30.0,
    seed: int = 0,
    model_features: Sequence[str] = _MODEL_FEATURES,
    C: float = 1.0,
    priority: pd.Series | None = None,
) -> CampaignRound:
    """Run one round of the CRM process (知识发现 → 目标与营销计划 → 客户互动 → 分析与改进).

    * **Round 1**: the ``budget`` best by ``rfm_score`` (ties: ``recency_days``, id), with
      ``priority`` (boolean by id) first and ``explore_share`` to a random test cell (测试组).
    * **Round 2** (``previous`` given): the ``budget`` best by a logistic regression on the
      log-standardised ``model_features``, fitted on the previous round's contacts.

    Contacted customers respond with probability ``p_true`` (``default_rng(seed + round_no)``);
    compare rounds on the summary's **expected** responses (no draw noise).

    >>> f = pd.DataFrame({"recency_days": [1, 50, 300, 5], "recent_receipts": [3, 0, 0, 2],
    ...     "promo_share": [0.1, 0.5, 0.0, 0.2], "rfm_score": [15, 9, 3, 12],
    ...     "monetary": [90.0, 30, 5, 60]}, index=[1, 2, 3, 4])
    >>> r1 = run_round(f, pd.Series([0.2, 0.5, 0.0, 0.1], index=[1, 2, 3, 4]), budget=2, explore_share=0)
    >>> r1.targets["customer_id"].tolist()
    [1, 4]
    """
    p = _check_round(features, p_true, budget, explore_share, model_features)
    rng = np.random.default_rng(seed + round_no)
    model, learned = None, pd.DataFrame()
    if previous is None:
        chosen, score, rule = _rule_plan(features, budget, explore_share, priority, rng)
    else:
        chosen, score, model, learned = _model_plan(features, previous, budget, model_features, C)
        rule = f"top {budget} by a logistic regression fitted on round {round_no - 1}'s responses"
    targets = pd.DataFrame(
        {
            "customer_id": chosen,
            "score": score.loc[chosen].to_numpy(),
            "p_true": p.loc[chosen].to_numpy(),
        }
    )
    targets["responded"] = rng.random(len(targets)) < targets["p_true"].to_numpy()
    summary = _summary(targets, features, cost_per_contact, margin_per_response)
    return CampaignRound(f"round {round_no}", rule, targets, summary, model, learned)


def _check_round(
    features: pd.DataFrame,
    p_true: pd.Series,
    budget: int,
    explore_share: float,
    model_features: Sequence[str],
) -> pd.Series:
    """The checked inputs of a round; returns ``p_true`` aligned with ``features``."""
    if not 0 < budget <= len(features):
        raise ValueError(
            f"budget must be between 1 and the number of customers ({len(features)}); got {budget}."
        )
    if not 0 <= explore_share < 1:
        raise ValueError(f"explore_share must be in [0, 1); got {explore_share}.")
    require_columns(features, ["rfm_score", *model_features], "features")
    p = p_true.reindex(features.index)
    if p.isna().any():
        raise DataValidationError(
            f"p_true has no probability for customer_id {p.index[p.isna()][0]!r}."
        )
    return p


def _rule_plan(
    features: pd.DataFrame,
    budget: int,
    explore_share: float,
    priority: pd.Series | None,
    rng: np.random.Generator,
) -> tuple[list, pd.Series, str]:
    """Round 1's plan: priority first, then the RFM score, plus a random test cell."""
    first = (
        priority.reindex(features.index, fill_value=False).astype(bool)
        if priority is not None
        else False
    )
    order = features.assign(_id=features.index, _first=first).sort_values(
        ["_first", "rfm_score", "recency_days", "_id"], ascending=[False, False, True, True]
    )
    n_explore = int(round(explore_share * budget))
    chosen = list(order.index[: budget - n_explore])
    rest = order.index[budget - n_explore :]
    chosen += list(rng.choice(rest, size=n_explore, replace=False)) if n_explore else []
    rule = f"top {budget - n_explore} by RFM score (R+F+M) plus a random test cell of {n_explore}"
    return chosen, features["rfm_score"].astype("float64"), rule


def _model_plan(
    features: pd.DataFrame,
    previous: CampaignRound,
    budget: int,
    model_features: Sequence[str],
    C: float,
) -> tuple[list, pd.Series, Any, pd.DataFrame]:
    """Round 2's plan: a logistic regression fitted on the previous round's responses."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    hist = previous.targets
    y = hist["responded"].to_numpy()
    if y.min() == y.max():
        raise DataValidationError(
            "The previous round's responses are all the same: there is nothing to learn; "
            "raise the budget or the explore share."
        )
    cols = list(model_features)
    model = make_pipeline(FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression(C=C))
    model.fit(features.loc[hist["customer_id"], cols].clip(lower=0), y)
    score = pd.Series(model.predict_proba(features[cols].clip(lower=0))[:, 1], index=features.index)
    learned = pd.DataFrame({"feature": cols, "coefficient": model[-1].coef_[0]}).sort_values(
        "coefficient", key=np.abs, ascending=False, ignore_index=True
    )
    order = pd.DataFrame({"score": score, "_id": features.index}).sort_values(
        ["score", "_id"], ascending=[False, True]
    )
    return list(order.index[:budget]), score, model, learned


def random_round(
    features: pd.DataFrame,
    p_true: pd.Series,
    *,
    budget: int,
    cost_per_contact: float = 2.0,
    margin_per_response: float = 30.0,
    seed: int = 0,
) -> CampaignRound:
    """The baseline without customer knowledge: ``budget`` customers drawn at random
    (``numpy.random.default_rng(seed)``), responses simulated as in :func:`run_round`.

    >>> f = pd.DataFrame({"monetary": [1.0, 2, 3]}, index=[1, 2, 3])
    >>> r = random_round(f, pd.Series([0.0, 0.0, 0.0], index=[1, 2, 3]), budget=2)
    >>> int(r.summary["contacts"]), float(r.summary["expected_responses"])
    (2, 0.0)
    """
    if not 0 < budget <= len(features):
        raise ValueError(
            f"budget must be between 1 and the number of customers ({len(features)}); got {budget}."
        )
    rng = np.random.default_rng(seed)
    chosen = rng.choice(features.index.to_numpy(), size=budget, replace=False)
    p = p_true.reindex(chosen).to_numpy(dtype="float64")
    targets = pd.DataFrame({"customer_id": chosen, "score": 0.0, "p_true": p})
    targets["responded"] = rng.random(budget) < p
    summary = _summary(targets, features, cost_per_contact, margin_per_response)
    return CampaignRound("random", f"{budget} customers drawn at random", targets, summary)


def evaluate_rounds(
    rounds: Sequence[CampaignRound], baseline: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Evaluation and feedback (评估与反馈): the rounds side by side (one column per round),
    optionally with a baseline column (e.g. random targeting), and the change from the first
    to the last round in ``change``.

    Rows: contacts, cost, expected responses and response rate, realised responses and
    rate, expected margin, profit and ROI, cost per response, and the targeted customers'
    past sales per customer (customer value).

    >>> s1 = pd.Series({"contacts": 10, "expected_profit": 5.0})
    >>> s2 = pd.Series({"contacts": 10, "expected_profit": 8.0})
    >>> r = [CampaignRound("round 1", "", pd.DataFrame(), s1), CampaignRound("round 2", "", pd.DataFrame(), s2)]
    >>> evaluate_rounds(r)["change"].tolist()
    [0.0, 3.0]
    """
    if not rounds:
        raise ValueError("rounds must hold at least one CampaignRound.")
    table = pd.DataFrame({r.name: r.summary for r in rounds})
    if baseline is not None:
        table.insert(0, "baseline", pd.Series(baseline))
    table["change"] = table[rounds[-1].name] - table[rounds[0].name]
    return table
