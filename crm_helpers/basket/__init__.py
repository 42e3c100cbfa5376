"""Market-basket analysis (购物篮分析) and item-based recommendation (基于物品的推荐).

A **basket** (购物篮) is the set of distinct items on one receipt. From a table of
``(basket, item)`` pairs this module finds

* **frequent itemsets** (频繁项集): sets of items bought together in at least a share
  ``min_support`` of all baskets — the **support** (支持度) of the set;
* **association rules** (关联规则) ``A ⇒ {x}``: *confidence* (置信度)
  ``P(x | A) = count(A ∪ {x}) / count(A)`` and *lift* (提升度)
  ``confidence / support({x})`` (above 1: ``x`` is bought with ``A`` more often than on
  its own);
* **item-based recommendations** from the co-occurrence of items (共现), evaluated by
  hit rate at k (命中率) on held-out baskets against a popularity baseline.

**Same rules as R's arules.** :func:`association_rules` returns exactly the rules that
``arules::apriori(trans, parameter = list(supp = s, conf = c, target = "rules"))`` returns
(one item on the right-hand side, as in arules), with arules' conventions, which come from
Christian Borgelt's apriori code that arules wraps:

* support is ``count / n_baskets``; an itemset is frequent when its count is at least
  ``ceil(n_baskets * min_support)``. This is "support ≥ minsupp" except where the
  floating-point product lands just above a whole number: with 100 baskets and
  ``min_support=0.07``, ``100 * 0.07`` is ``7.000000000000001`` and both arules and this
  module require 8 baskets;
* a rule is kept when ``count(A ∪ {x}) / count(A) >= min_confidence - 1e-12`` (ties at the
  threshold are kept);
* the rule's support is the support of the whole itemset ``A ∪ {x}`` (arules'
  ``originalSupport = TRUE``); ``antecedent_support`` is arules' ``coverage``;
* ``min_len`` / ``max_len`` count all items of the rule, antecedent and consequent. With
  arules' default ``minlen = 1``, rules with an **empty antecedent** ``{} ⇒ {x}`` are
  returned for every item with support ≥ ``min_confidence`` (their confidence is the
  item's support and their lift is 1). This module does the same by default
  (``min_len=1``); pass ``min_len=2`` to drop them, as most textbooks do;
* ``max_len=None`` means no limit; arules' default is ``maxlen = 10``, which makes a
  difference only when frequent itemsets of more than 10 items exist (pass ``max_len=10``
  to mirror it). Unlike arules, mining never stops early on a time limit
  (arules' ``maxtime = 5`` seconds).

**How it is computed.** Items are coded as integers; single items are counted with
``numpy.bincount``, pairs with a sparse matrix product ``XᵀX`` of the basket × item
incidence matrix (scipy), and longer itemsets level by level (Apriori candidate
generation with subset pruning) with each frequent item's baskets kept as a packed bitset
and counted with ``numpy.bitwise_and`` and ``numpy.bitwise_count``. See
``benchmarks/bench_basket.py`` for a comparison with mlxtend's ``fpgrowth``.

**Evaluating recommendations.** :func:`split_baskets` puts whole baskets in a training
or a test table, at random with a seed or — given each basket's time — the latest share
in the test table (train on the past, test on the future). In each test basket with two
or more items, every item is hidden in turn and the recommender sees the rest
(leave-one-out, 留一法); the hit rate at k (HR@k) is the share of hidden items that come
in its top k (:func:`hit_rate_at_k`, :func:`hit_rate_table`). Items unseen in training
count as misses. Compare with :class:`PopularityRecommender`, which ignores the basket.

Every function takes DataFrames and returns new ones; inputs are never changed and
nothing is printed or plotted (except :func:`plot_rules`, which draws on an Axes).
"""

from __future__ import annotations

from ._common import CONFIDENCE_EPSILON as CONFIDENCE_EPSILON
from .evaluation import hit_rate_at_k, hit_rate_table, leave_one_out_ranks, split_baskets
from .itemsets import baskets_from_transactions, format_itemset, frequent_itemsets
from .plots import plot_rules
from .recommend import ItemRecommender, PopularityRecommender, recommend_items
from .rules import association_rules, rules_table

__all__ = [
    "baskets_from_transactions",
    "frequent_itemsets",
    "association_rules",
    "format_itemset",
    "rules_table",
    "ItemRecommender",
    "PopularityRecommender",
    "recommend_items",
    "split_baskets",
    "leave_one_out_ranks",
    "hit_rate_at_k",
    "hit_rate_table",
    "plot_rules",
]
