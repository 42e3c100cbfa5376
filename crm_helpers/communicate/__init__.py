"""Communication and interaction (客户沟通与互动策略): channels, campaigns, A/B tests and a
contact plan that respects each customer's cadence and preferred channel.

The contact table (联系记录) has one row per contact: ``customer_id``, ``channel`` (one of
:data:`CHANNELS`), ``cost`` (yuan) and ``responded`` (bool); A/B tests also need a group
column (``ab_group``: ``control`` / ``treatment``). The simulated retailer has such a table
(``shop.with_tables("contacts", "campaigns", "calls")``, see
:mod:`crm_helpers.extensions.communication`).

What is here
------------
* **Channels** (沟通渠道): :func:`channel_mix`, :func:`response_summary` (response rate and
  cost per response by channel, segment, campaign, ...), :func:`preferred_channels` (each
  customer's preferred channel, shrunk towards the segment's mix when there are few
  contacts).
* **A/B tests** (A/B 测试): :func:`diff_ci` (Newcombe's hybrid score interval or the Wald
  interval for a difference of two proportions), :func:`two_proportion_test` (pooled
  two-proportion z test), :func:`ab_test`, :func:`uplift_by_segment`, :func:`sample_size`
  (per-group sample size for a given effect).
* **Contact plan** (接触计划): :func:`cadence_days`, :func:`contact_plan` (cadence by SVCD or
  ABC class, the preferred channel, a budget that is never exceeded), :func:`plan_summary`.
* **Call centre** (呼叫中心): :func:`follow_up_plan` (follow-up calls by purchase timing).
* **UCI Bank Marketing** (real telephone campaigns): :func:`bank_response`,
  :func:`fit_bank_model`.
"""

from __future__ import annotations

from .abtest import ab_test, diff_ci, sample_size, two_proportion_test, uplift_by_segment
from .bank import BANK_MONTHS, BankModel, bank_contact_bins, bank_response, fit_bank_model
from .channels import (
    CHANNEL_COST,
    CHANNEL_ZH,
    CHANNELS,
    FOLLOW_UP_CADENCE,
    channel_mix,
    check_contacts,
    preferred_channels,
    response_summary,
)
from .plan import cadence_days, contact_plan, follow_up_plan, plan_summary

__all__ = [
    "CHANNELS",
    "CHANNEL_ZH",
    "CHANNEL_COST",
    "FOLLOW_UP_CADENCE",
    "check_contacts",
    "channel_mix",
    "response_summary",
    "preferred_channels",
    "diff_ci",
    "two_proportion_test",
    "ab_test",
    "uplift_by_segment",
    "sample_size",
    "cadence_days",
    "contact_plan",
    "plan_summary",
    "follow_up_plan",
    "BANK_MONTHS",
    "bank_contact_bins",
    "bank_response",
    "BankModel",
    "fit_bank_model",
]
