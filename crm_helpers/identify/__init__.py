"""Customer identification and analysis (客户识别与分析), chapter 02.

Four parts:

* **Identity resolution** into one customer view (客户视图): :func:`normalize_records`
  (phones to ``86`` + 11 digits, e-mail lower case without spaces, names to a pinyin key),
  :func:`candidate_pairs` (blocking: only records that share a phone, an e-mail, a card
  number or a name key are compared, a DuckDB self-join), :func:`compare_pairs` and
  :func:`score_pairs` (fuzzy comparison with rapidfuzz and a points score in the spirit of
  Fellegi–Sunter, common names counting less), :func:`cluster_records` (the matches
  joined into customers by connected components: a union-find), all in
  :func:`resolve_identities`; :func:`match_quality` and :func:`threshold_curve` score a
  resolution against the truth (precision, recall and F1 on record pairs), and
  :func:`customer_view` builds the golden record of each resolved customer.
* **Profile and tags**: :func:`customer_profile` (客户画像: demographics, geography,
  behaviour, channel, promotions) and a tag engine (标签体系) whose tags are *data*
  (:data:`DEFAULT_TAGS`: name, Chinese name, dimension, rule); a rule is a small safe
  expression over profile columns (comparisons, ``and``/``or``/``not``, arithmetic, lists
  of constants — nothing else is evaluated). :func:`apply_tags`, :func:`tag_coverage`,
  :func:`dimension_coverage`, :func:`tag_changes`.
* **Identification models** (识别模型): :func:`fit_lead_model` (a logistic lead score with a
  stratified hold-out, ROC-AUC) and :func:`gains_table` (gains and lift by decile);
  the AWARE checklist (:func:`aware_check`: Ability, Want, Authority, Reasonable,
  Eligible) as a qualification filter.
* **The sales funnel** (销售漏斗): :func:`funnel_conversion` (conversion per stage and per
  source) and :func:`funnel_stages` (the counts for a funnel chart).

>>> import pandas as pd
>>> records = pd.DataFrame({"record_id": [1, 2, 3],
...     "name": ["王伟", "Wang Wei", "李娜"],
...     "phone": ["+86 138-1234-5678", "13812345678", "139 0000 1111"],
...     "email": [None, " Wei.Wang@QQ.com", "na.li@163.com"]})
>>> resolve_identities(records).mapping["resolved_id"].tolist()
[1, 1, 3]
"""

from __future__ import annotations

from .funnel import FUNNEL_STAGES, funnel_conversion, funnel_stages
from .leads import DEFAULT_AWARE, LeadModel, aware_check, fit_lead_model, gains_table
from .matching import (
    DEFAULT_BLOCKS,
    DEFAULT_THRESHOLD,
    DEFAULT_WEIGHTS,
    Resolution,
    candidate_pairs,
    cluster_records,
    compare_pairs,
    resolve_identities,
    score_pairs,
)
from .normalise import (
    IDENTIFYING_COLUMNS,
    NAME_PINYIN,
    name_key,
    normalize_city,
    normalize_email,
    normalize_gender,
    normalize_name,
    normalize_phone,
    normalize_records,
)
from .profiles import customer_profile, customer_view
from .quality import label_pairs, match_quality, pair_counts, threshold_curve
from .tags import (
    DEFAULT_TAGS,
    TAG_DIMENSIONS,
    apply_tags,
    dimension_coverage,
    evaluate_rule,
    tag_changes,
    tag_coverage,
    tags_long,
    validate_rule,
)

__all__ = [
    "NAME_PINYIN",
    "IDENTIFYING_COLUMNS",
    "DEFAULT_BLOCKS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_THRESHOLD",
    "normalize_phone",
    "normalize_email",
    "normalize_name",
    "name_key",
    "normalize_city",
    "normalize_gender",
    "normalize_records",
    "candidate_pairs",
    "compare_pairs",
    "score_pairs",
    "cluster_records",
    "Resolution",
    "resolve_identities",
    "pair_counts",
    "match_quality",
    "label_pairs",
    "threshold_curve",
    "customer_view",
    "customer_profile",
    "DEFAULT_TAGS",
    "TAG_DIMENSIONS",
    "validate_rule",
    "evaluate_rule",
    "apply_tags",
    "tags_long",
    "tag_coverage",
    "dimension_coverage",
    "tag_changes",
    "gains_table",
    "LeadModel",
    "fit_lead_model",
    "DEFAULT_AWARE",
    "aware_check",
    "FUNNEL_STAGES",
    "funnel_conversion",
    "funnel_stages",
]
