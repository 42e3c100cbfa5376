"""Loyalty (忠诚度): points, tiers, early warning, churn model, cohorts and win-back.

* **Points** (积分): :func:`points_balances`, :func:`points_by_period`,
  :func:`recompute_expiry` and :func:`points_liability` work on a points ledger
  (积分流水: customer_id, timestamp, kind ``earn`` / ``redeem`` / ``expire``, points > 0).
* **Tiers** (会员等级): rules as a table (:data:`DEFAULT_TIERS`), :func:`assign_tiers`
  over a rolling window, :func:`tier_migration` between two dates, benefits as data
  (:data:`TIER_BENEFITS`).
* **Early warning** (流失预警): :func:`early_warning` compares each customer's recent
  frequency and spend with their own baseline.
* **Churn model** (流失预测): :func:`churn_features` (behaviour strictly before a cut-off),
  :func:`churn_labels` (what happens after it), :func:`fit_churn_model` (scikit-learn,
  ROC-AUC, calibrated probabilities), :func:`gains_table` and :func:`calibration_table`.
* **Cohorts** (同期群): :func:`cohort_retention` and :func:`repeat_and_retention`
  (复购率、留存率).
* **Win-back** (挽回) on gross margin lives in :mod:`crm_helpers.winback`.
"""

from __future__ import annotations

from ..evaluate import calibration_table, gains_table
from ._common import LEDGER_KINDS, checked_transactions, receipt_totals
from .churn import (
    FEATURES,
    ChurnModel,
    churn_dataset,
    churn_features,
    churn_labels,
    early_warning,
    fit_churn_model,
)
from .cohorts import cohort_retention, repeat_and_retention
from .points import (
    check_ledger,
    points_balances,
    points_by_period,
    points_liability,
    recompute_expiry,
)
from .tiers import DEFAULT_TIERS, TIER_BENEFITS, assign_tiers, check_tiers, tier_migration, tier_of

__all__ = [
    "LEDGER_KINDS",
    "receipt_totals",
    "checked_transactions",
    "DEFAULT_TIERS",
    "TIER_BENEFITS",
    "check_ledger",
    "points_balances",
    "points_by_period",
    "recompute_expiry",
    "points_liability",
    "check_tiers",
    "tier_of",
    "assign_tiers",
    "tier_migration",
    "early_warning",
    "FEATURES",
    "churn_features",
    "churn_labels",
    "churn_dataset",
    "ChurnModel",
    "fit_churn_model",
    "gains_table",
    "calibration_table",
    "cohort_retention",
    "repeat_and_retention",
]
