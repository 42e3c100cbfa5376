"""The indicator system (指标体系) of a membership retailer and the customer lifecycle
(客户生命周期).

Every function takes a transaction table (one row per receipt line, see
:mod:`crm_helpers.schema`) and returns a new DataFrame; inputs are never changed. Only the
columns ``customer_id``, ``receipt_id``, ``timestamp`` (a datetime column) and ``amount``
(net line revenue) are used. The full schema check (:func:`~crm_helpers.schema.validate_transactions`)
is *not* repeated here: validate once when loading, then call these functions as often as
needed. Each receipt is assumed to belong to one customer, as the schema requires.

**Indicators.** Lines are first summed into receipts. A receipt's value is the sum of its
line amounts, and the receipt is dated by its first (earliest) line. Then, per period:

======================  ====================================================================
``total_sales``         销售额: sum of the receipts' values
``visits``              客数 (visits): number of distinct receipts
``customers``           客数 (people): number of distinct customers who bought
``avg_basket``          客单价: ``total_sales / visits``
``max_basket``          value of the largest receipt
``min_basket``          value of the smallest receipt
``purchase_frequency``  购物频率: ``visits / customers``
``sales_per_customer``  ``total_sales / customers``
======================  ====================================================================

**Lifecycle stages** (as of a point in time ``as_of``; only receipts with
``timestamp <= as_of`` count; "within the last *N* days" means *less than N days* before
``as_of``, so a purchase exactly *N* days before ``as_of`` is no longer within them):

============  ============================================================================
``prospect``  listed in the ``customers`` table (joined on or before ``as_of``), no purchase yet
``new``       first purchase within the last ``new_days`` days
``won_back``  a purchase within the last ``active_days`` days came more than ``active_days``
              days after the customer's previous purchase (the customer had lapsed)
``active``    last purchase within the last ``active_days`` days
``lapsed``    last purchase at least ``active_days`` but less than ``lost_days`` days ago
``lost``      last purchase ``lost_days`` days ago or more
============  ============================================================================

A customer gets the first stage of this list that applies (``new`` before ``won_back``
before ``active``). The categories of the ``stage`` column are ordered as in
:data:`STAGES`: prospect, new, active, won_back, lapsed, lost.

The heavy aggregation runs in an in-memory DuckDB database; the lifecycle over many dates
is counted with numpy on one row per receipt, so both scale to millions of lines.
"""

from __future__ import annotations

from .indicators import INDICATORS, STAGES, indicator_summary, indicators, indicators_all
from .lifecycle import lifecycle_counts, lifecycle_stage

__all__ = [
    "INDICATORS",
    "STAGES",
    "indicators",
    "indicators_all",
    "indicator_summary",
    "lifecycle_stage",
    "lifecycle_counts",
]
