"""CRM strategy implementation and change (CRM战略的实施和变革), chapter 08.

Four topics, one module each; every public function is also available here
(``crm.implement.did(...)``):

- :mod:`.readiness` — the readiness scorecard (实施准备度) from the key success factors and
  the nine problems, the maturity diagnosis of the four infrastructure stages
  (创建资料库 → 连续协调 → 共生协调 → 整合协调);
- :mod:`.process` — process analysis for BPR (业务流程再造) on an event log: variants,
  cycle time, rework, hand-offs, the bottleneck, and a redesigned process replayed;
- :mod:`.rollout` — the rollout evaluation by difference-in-differences (双重差分) with a
  cluster-robust or bootstrap interval, the parallel-trends check, the training plan and
  its before/after effect;
- :mod:`.vendors` — CRM software selection (CRM软件选型) by weighted scoring, with the
  sensitivity of the choice to the weights.

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer(300, seed=1).with_tables("complaint_log")
>>> crm.implement.bottleneck(shop.complaint_log)
'approve compensation'
"""

from __future__ import annotations

from .process import (
    activity_stats,
    bottleneck,
    case_table,
    compare_processes,
    handoff_matrix,
    redesign,
    stage_delay,
    variants,
)
from .readiness import (
    criteria_table,
    customer_file_facts,
    maturity_evidence,
    maturity_stage,
    readiness_scorecard,
    readiness_summary,
)
from .rollout import (
    did,
    did_means,
    did_table,
    group_trends,
    pretrend,
    training_effect,
    training_plan,
)
from .terms import chapter_terms
from .vendors import default_scores, vendor_scores, weight_sensitivity, weight_sweep

__all__ = [
    "activity_stats",
    "bottleneck",
    "case_table",
    "compare_processes",
    "handoff_matrix",
    "redesign",
    "stage_delay",
    "variants",
    "criteria_table",
    "customer_file_facts",
    "maturity_evidence",
    "maturity_stage",
    "readiness_scorecard",
    "readiness_summary",
    "did",
    "did_means",
    "did_table",
    "group_trends",
    "pretrend",
    "training_effect",
    "training_plan",
    "chapter_terms",
    "default_scores",
    "vendor_scores",
    "weight_sensitivity",
    "weight_sweep",
]
