"""Part 2, the individual topic report (个人专题报告): one business topic run through two rounds
of the CRM process, and the appendix's six-hearts rating (六心服务评定).

* :func:`process_steps` and :func:`report_designs` — 业务流程设计 and 业务报表设计 of a topic
  (from :mod:`crm_helpers.plan.industry`);
* :func:`discover_from_cube` — round 1's knowledge discovery (知识发现) from the
  three-dimensional framework: the focus customer classes and their products and behaviour;
* :func:`topic_pool` and :func:`topic_rounds` — the two rounds on the topic's customers,
  round 2 learning from round 1, measured on the simulated response;
* :func:`six_hearts_criteria`, :func:`six_hearts_chain`, :func:`six_hearts_form`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crm_helpers._catalogue import SIX_HEARTS_CRITERIA, SIX_HEARTS_RATED_BY
from crm_helpers.plan.process import CampaignRound, evaluate_rounds, random_round, run_round
from crm_helpers.plan.strategy import apply_strategy
from crm_helpers.schema import DataValidationError, require_columns

__all__ = [
    "process_steps",
    "report_designs",
    "discover_from_cube",
    "topic_pool",
    "TopicRounds",
    "topic_rounds",
    "six_hearts_criteria",
    "six_hearts_chain",
    "six_hearts_form",
]


def process_steps(topic: dict[str, Any]) -> pd.DataFrame:
    """The topic's business process (业务流程设计): ``step`` (1 …), ``role``, ``content``.

    >>> process_steps({"steps": [("店长", "培训"), ("客服", "回访")]})["step"].tolist()
    [1, 2]
    """
    steps = topic.get("steps") or []
    if not steps:
        raise ValueError("The topic has no 'steps': give a list of (role, content) pairs.")
    out = pd.DataFrame(steps, columns=["role", "content"])
    out.insert(0, "step", range(1, len(out) + 1))
    return out


def report_designs(topic: dict[str, Any]) -> pd.DataFrame:
    """The topic's report designs (业务报表设计): ``report``, ``columns``, ``period``.

    >>> report_designs({"reports": [("周报", "会员编号, 金额", "每周")]})["period"].tolist()
    ['每周']
    """
    return pd.DataFrame(topic.get("reports") or [], columns=["report", "columns", "period"])


def discover_from_cube(cube: pd.DataFrame) -> tuple[pd.DataFrame, list[object]]:
    """Knowledge discovery (知识发现) from the cube of :func:`crm_helpers.plan.crm_cube`.

    The **focus classes** are the customer classes whose share of sales is above their
    share of customers (value above the average customer). For them, the findings name the
    product with the largest sales, the behaviour with the largest sales, and the product
    they **under-buy** most (their share of its sales minus their share of all sales, the
    most negative): the cross-selling gap. Returns ``(findings, focus_classes)``; findings
    has ``axis``, ``finding``, ``value`` and ``share``.

    >>> cube = pd.DataFrame({"customer": [1, 1, 2, 2], "product": ["x", "y", "x", "y"],
    ...     "behaviour": ["a"] * 4, "sales": [8.0, 1.0, 2.0, 1.0], "customers": [1, 1, 3, 3]})
    >>> findings, focus = discover_from_cube(cube)
    >>> focus, findings.loc[findings["axis"] == "gap", "value"].item()
    ([1], 'y')
    """
    require_columns(cube, ["customer", "product", "behaviour", "sales", "customers"], "cube")
    by_c = cube.groupby("customer")["sales"].sum()
    n_c = cube.groupby(["customer", "behaviour"])["customers"].max().groupby("customer").max()
    value = by_c / n_c.clip(lower=1)
    focus = [c for c in by_c.index if value[c] >= value.mean()]
    part = cube[cube["customer"].isin(focus)]
    prod = part.groupby("product")["sales"].sum().sort_values(ascending=False)
    beh = part.groupby("behaviour")["sales"].sum().sort_values(ascending=False)
    share_all = part["sales"].sum() / cube["sales"].sum()
    of_product = prod / cube.groupby("product")["sales"].sum().reindex(prod.index)
    gap = (of_product - share_all).sort_values()
    findings = pd.DataFrame(
        [("customer", "重点客户组 (人均销售额高于平均)", ", ".join(map(str, focus)), share_all),
         ("product", "重点客户组销售额最高的商品类", prod.index[0], prod.iloc[0] / prod.sum()),
         ("behaviour", "重点客户组最主要的消费行为", beh.index[0], beh.iloc[0] / beh.sum()),
         ("gap", "重点客户组购买不足的商品类 (交叉销售机会)", gap.index[0], of_product[gap.index[0]])],
        columns=["axis", "finding", "value", "share"],
    )  # fmt: skip
    return findings, focus


def topic_pool(
    direction: str,
    tx: pd.DataFrame,
    features: pd.DataFrame,
    *,
    as_of: object = None,
    min_size: int = 150,
) -> tuple[pd.Index, str]:
    """The customers a topic works on: the target list of the topic's strategy direction
    (:func:`crm_helpers.plan.apply_strategy`) among the buyers in ``features``; when that
    list has fewer than ``min_size`` customers (too few for two rounds to learn from) or the
    direction needs prospects, all buyers. Returns ``(customer ids, note)``.

    >>> f = pd.DataFrame(index=[1, 2])
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "receipt_id": [1, 2], "amount": [1.0, 2.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    >>> topic_pool("retention", tx, f)[0].tolist()
    [1, 2]
    """
    if direction != "acquisition":
        targets = apply_strategy(direction, tx, as_of=as_of).targets["customer_id"]
        pool = features.index[features.index.isin(targets)]
        if len(pool) >= min_size:
            return pool, f"目标客户: 按策略方向规则筛选的 {len(pool)} 位客户"
    return features.index, f"目标客户: 全部 {len(features)} 位购买客户 (策略名单不足 {min_size} 人)"


@dataclass
class TopicRounds:
    """Both rounds of a topic: the rounds, the random baseline, their evaluation, the pool."""

    round1: CampaignRound
    round2: CampaignRound
    baseline: CampaignRound
    evaluation: pd.DataFrame
    budget: int


def topic_rounds(
    features: pd.DataFrame,
    p_true: pd.Series,
    pool: pd.Index,
    *,
    budget_share: float = 0.3,
    priority: pd.Series | None = None,
    seed: int = 0,
    cost_per_contact: float = 2.0,
    margin_per_response: float = 30.0,
) -> TopicRounds:
    """Round 1 (RFM score, focus classes first, a random test cell) and round 2 (a model
    learned from round 1's responses) on the ``pool``'s customers with the same budget
    (``budget_share`` of the pool), and random targeting as the baseline. If round 1's
    responses are all alike (nothing to learn), round 1 is repeated with a larger test cell.

    >>> f = pd.DataFrame({"recency_days": [1, 5, 9, 20] * 10, "frequency": [5, 3, 2, 1] * 10,
    ...     "monetary": [50.0, 30, 20, 5] * 10, "rfm_score": [15, 10, 7, 3] * 10,
    ...     "promo_share": [0.1, 0.5, 0.3, 0.0] * 10, "recent_receipts": [3, 1, 1, 0] * 10},
    ...     index=range(40))
    >>> r = topic_rounds(f, pd.Series(0.5, index=f.index), f.index, budget_share=0.5)
    >>> r.budget, list(r.evaluation.columns)
    (20, ['baseline', 'round 1', 'round 2', 'change'])
    """
    if not 0 < budget_share <= 1:
        raise ValueError(f"budget_share must be in (0, 1]; got {budget_share}.")
    f = features.loc[pool]
    budget = max(2, int(budget_share * len(f)))
    money = {"cost_per_contact": cost_per_contact, "margin_per_response": margin_per_response}
    r1 = None
    for explore in (0.3, 0.6, 0.9):
        r1 = run_round(f, p_true, budget=budget, seed=seed, explore_share=explore,
                       priority=priority, **money)  # fmt: skip
        if r1.targets["responded"].nunique() == 2:
            break
    if r1 is None or r1.targets["responded"].nunique() < 2:
        raise DataValidationError(
            "Round 1 brought all-alike responses even with a large test cell: nothing to "
            "learn from; raise n_customers or budget_share."
        )
    r2 = run_round(f, p_true, budget=budget, round_no=2, previous=r1, seed=seed, **money)
    base = random_round(f, p_true, budget=budget, seed=seed, **money)
    evaluation = evaluate_rounds([r1, r2], baseline=base.summary)
    return TopicRounds(r1, r2, base, evaluation, budget)


def six_hearts_criteria() -> pd.DataFrame:
    """The six hearts (六心) criteria of the brief with their weights (诚心 the largest):
    ``heart``, ``name_zh``, ``weight``, ``criterion``.

    >>> t = six_hearts_criteria()
    >>> t.loc[t["weight"].idxmax(), "name_zh"], round(float(t["weight"].sum()), 6)
    ('诚心', 1.0)
    """
    return pd.DataFrame(SIX_HEARTS_CRITERIA, columns=["heart", "name_zh", "weight", "criterion"])


def six_hearts_chain() -> pd.DataFrame:
    """The rating chain (逐级考核制): ``level``, ``rated``, ``rated_by``.

    >>> six_hearts_chain()["rated_by"].tolist()[:2]
    ['店长', '店务执行经理']
    """
    out = pd.DataFrame(SIX_HEARTS_RATED_BY, columns=["rated", "rated_by"])
    out.insert(0, "level", range(1, len(out) + 1))
    return out


def six_hearts_form(scores: dict[str, float] | None = None) -> pd.DataFrame:
    """The rating form (六心服务评定表): one row per heart (``name_zh``, ``weight``,
    ``criterion``, ``score`` 1–5 or empty) and a last row with the weighted total.

    >>> form = six_hearts_form(dict.fromkeys(["信心", "热心", "用心", "耐心", "诚心", "细心"], 4))
    >>> float(form.iloc[-1]["score"])
    4.0
    """
    t = six_hearts_criteria()[["name_zh", "weight", "criterion"]]
    s = pd.Series(scores or {}, dtype="float64")
    bad = [k for k in s.index if k not in set(t["name_zh"])]
    if bad or ((s < 1) | (s > 5)).any():
        raise ValueError(
            f"scores: keys must be among {t['name_zh'].tolist()} and values 1-5; got {dict(s)}."
        )
    t = t.assign(score=t["name_zh"].map(s))
    total = float((t["weight"] * t["score"]).sum()) if t["score"].notna().all() else np.nan
    last = pd.DataFrame(
        [{"name_zh": "加权总分", "weight": 1.0, "criterion": "Σ 权重 × 得分", "score": total}]
    )
    return pd.concat([t, last], ignore_index=True)
