"""The CRM plan-design assignment (企业客户关系管理CRM方案设计): the analyses behind chapter 09.

A full-membership retailer (全会员制零售商) knows who bought every receipt, so a CRM plan can
start from data. This module holds the pieces of the plan report, each a pure function
(DataFrames in, new DataFrames out; nothing printed, plotted or read from disk):

* **Base data** (基础数据): :func:`membership_card_design`, :func:`receipt_view`,
  :func:`product_structure`, :func:`region_structure`, :func:`customer_list`; the
  indicator system by year, quarter, month and week is :func:`crm_helpers.kpi.indicators_all`.
* **Demand** (需求分析): :func:`best_sellers` (overall and by customer class),
  :func:`latent_demand` (潜在需求: fastest sales growth between two periods, with a minimum
  base), :func:`opinion_leaders` (意见领袖, defined from the data) and
  :func:`future_demand` (未来需求: what leaders buy more than everybody, by lift).
* **Customers**: deciles come from :mod:`crm_helpers.segment`;
  :func:`customer_file_design` and :func:`customer_file` (客户档案); :func:`value_groups`
  and :func:`class_profiles` describe the base at 1, 5 and 10 groups.
* **Strategy**: :data:`STRATEGY_DIRECTIONS` (five directions) and :func:`apply_strategy`.
* **Three-dimensional analysis framework** (三维分析框架): :func:`crm_cube`,
  :func:`slice_cube`, :func:`roll_up`.
* **Relationship space** (关系空间): Kotler's five levels, :func:`kotler_level`.
* **The CRM process, two rounds** (CRM流程): :func:`campaign_features`,
  :func:`response_probability` (the simulated truth), :func:`run_round`,
  :func:`evaluate_rounds`.

Works on any transaction table in the course schema; product names and categories are used
when present (join them with :func:`with_products`), member-only parts (membership card,
regions, prospects) need the member table and say so when it is missing.

The package has one module per part of the report: :mod:`.base`, :mod:`.demand`,
:mod:`.customers`, :mod:`.strategy`, :mod:`.cube`, :mod:`.kotler`, :mod:`.process`, and for the
report's additions :mod:`.periods` (deciles by period, inferred indicators), :mod:`.industry`
(supermarket and hotel presets), :mod:`.topics` (Part 2 and the six-hearts appendix); every
public name is also available as ``crm_helpers.plan.<name>``.
"""

from __future__ import annotations

from crm_helpers.plan import (
    base,
    cube,
    customers,
    demand,
    industry,
    kotler,
    periods,
    process,
    strategy,
    topics,
)
from crm_helpers.plan.base import *  # noqa: F403
from crm_helpers.plan.cube import *  # noqa: F403
from crm_helpers.plan.customers import *  # noqa: F403
from crm_helpers.plan.demand import *  # noqa: F403
from crm_helpers.plan.industry import *  # noqa: F403
from crm_helpers.plan.kotler import *  # noqa: F403
from crm_helpers.plan.periods import *  # noqa: F403
from crm_helpers.plan.process import *  # noqa: F403
from crm_helpers.plan.strategy import *  # noqa: F403
from crm_helpers.plan.topics import *  # noqa: F403

__all__ = [
    *base.__all__,
    *demand.__all__,
    *customers.__all__,
    *strategy.__all__,
    *periods.__all__,
    *industry.__all__,
    *topics.__all__,
    *cube.__all__,
    *kotler.__all__,
    *process.__all__,
]
