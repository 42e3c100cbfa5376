"""Customer segmentation (客户分层与细分): RFM, ABC, SVCD, the customer pyramid, deciles,
the customer differentiation matrix and k-means clustering.

Every function takes a transaction table (one row per receipt line, see
:mod:`crm_helpers.schema`) or a per-customer table made from one, plus explicit
parameters, and returns a **new** DataFrame; inputs are never changed, nothing is printed
or plotted. Lines are first summed into receipts: a receipt's value is the sum of its line
``amount`` values and it is dated by its earliest line.

**Returns (退货).** A sale has ``amount > 0``. By default a table with a zero or negative
amount is refused with a :class:`~crm_helpers.schema.DataValidationError` (clean the data
first, as :func:`crm_helpers.datasets.clean_online_retail` does). With
``allow_returns=True`` returns are *netted*: monetary value and sales are the sum of all
amounts, returns included; a receipt counts as a purchase (in frequency and recency) only
if its net value is positive; a customer without any such purchase is left out.

**Scores that handle ties.** RFM scores use mid-rank percentiles: a value's percentile is
``(average rank − 0.5) / n`` and its score ``ceil(percentile × bins)``. Equal values always
get the same score, groups are as equal in size as ties allow, and a single customer (or
customers who are all alike) get the middle score.

The heavy aggregation runs in an in-memory DuckDB database, so RFM and deciles scale to
tens of millions of lines (see ``benchmarks/bench_segment.py``).

The package has one module per topic: :mod:`~crm_helpers.segment.rfm_analysis`,
:mod:`~crm_helpers.segment.classes` (ABC, SVCD), :mod:`~crm_helpers.segment.pyramid`,
:mod:`~crm_helpers.segment.deciles`, :mod:`~crm_helpers.segment.matrix` (the
differentiation matrix) and :mod:`~crm_helpers.segment.clusters`; every public name is
also available here, as ``crm.segment.<name>``.
"""

from __future__ import annotations

from .classes import ABC_CADENCE, SVCD_CADENCE, abc_classes, classify_svcd, svcd_classes
from .clusters import CustomerClusters, choose_k, clustering_features, describe_clusters
from .deciles import customer_deciles, decile_table
from .matrix import (
    QUADRANT_STRATEGIES,
    category_mix,
    customer_differences,
    differentiation_matrix,
    quadrant_counts,
)
from .pyramid import (
    COURSE_PYRAMID,
    DOCUMENT_PYRAMID,
    PYRAMID_MYTHS,
    PYRAMID_ZONES,
    ZONE_NAMES_EN,
    customer_profit,
    profit_pyramid,
    pyramid_summary,
    zone_effort,
    zone_migration,
)
from .rfm_analysis import (
    RFM_ACTIONS,
    RFM_SEGMENTS,
    customer_summary,
    default_rfm_segment_map,
    quantile_scores,
    rfm,
    rfm_cube,
    rfm_scores,
    rfm_segment_grid,
    rfm_segments,
    rfm_values,
    segment_summary,
)

__all__ = [
    "RFM_SEGMENTS",
    "RFM_ACTIONS",
    "ABC_CADENCE",
    "SVCD_CADENCE",
    "PYRAMID_ZONES",
    "COURSE_PYRAMID",
    "DOCUMENT_PYRAMID",
    "PYRAMID_MYTHS",
    "ZONE_NAMES_EN",
    "QUADRANT_STRATEGIES",
    "customer_summary",
    "rfm_values",
    "quantile_scores",
    "rfm_scores",
    "default_rfm_segment_map",
    "rfm_segment_grid",
    "rfm_segments",
    "rfm",
    "rfm_cube",
    "segment_summary",
    "abc_classes",
    "svcd_classes",
    "classify_svcd",
    "customer_profit",
    "profit_pyramid",
    "pyramid_summary",
    "zone_effort",
    "zone_migration",
    "customer_deciles",
    "decile_table",
    "category_mix",
    "customer_differences",
    "differentiation_matrix",
    "quadrant_counts",
    "clustering_features",
    "choose_k",
    "describe_clusters",
    "CustomerClusters",
]
