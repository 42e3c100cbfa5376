"""Part 2 of the plan report, the individual topic reports (第二部分: 个人专题报告), and the
appendix, the six-hearts rating (附录: 六心服务评定)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crm_helpers import plan, plots_plan
from crm_helpers._catalogue import CRM_ROUND_STEPS, SIX_HEARTS_PRINCIPLE_ZH, SIX_HEARTS_PURPOSES
from crm_helpers.plan_report.context import PlanContext
from crm_helpers.plan_report.document import VALUE_LABELS, PlanDocument
from crm_helpers.schema import DataValidationError

__all__ = ["topic_part", "individual_part", "appendix_six_hearts", "round_texts"]

_ROWS = ["contacts", "expected_responses", "expected_response_rate", "responses", "response_rate",
         "expected_profit", "expected_roi", "cost_per_response"]  # fmt: skip


def _intro(doc: PlanDocument, topic: dict[str, Any], student: str) -> None:
    direction = plan.STRATEGY_DIRECTIONS.set_index("direction").loc[topic["direction"]]
    doc.heading("业务专题简介", "Topic introduction", 3)
    doc.para(f"**专题:** {topic['title_zh']}  **学生:** {student}  **策略方向:** {direction['name_zh']}",
             f"**Topic:** {topic['title_en']}  **Student:** {student}  **Direction:** {topic['direction']}")  # fmt: skip
    doc.para(topic["intro_zh"], f"{topic['title_en']}: {direction['goal']}.")
    doc.heading("业务流程设计 (该项业务如何开展的详细步骤)", "Business process design", 3)
    steps = plan.process_steps(topic)
    doc.table(steps, ["step", "role", "content"])
    doc.heading("业务报表设计", "Report design", 3)
    doc.table(plan.report_designs(topic), ["report", "columns", "period"])
    doc.heading("CRM流程图示", "CRM process figure", 3)
    ax = plots_plan.plot_process_flow(
        steps, title=doc.t(f"{topic['title_zh']}: CRM流程", topic["title_en"])
    )
    doc.figure(
        ax.figure,
        (f"{topic['title_zh']}的CRM流程图 (红色箭头: 下一轮)", "Process flow (red: next round)"),
    )


def _band_rates(r1: plan.CampaignRound, features: pd.DataFrame) -> pd.DataFrame:
    seen = r1.targets.merge(features, left_on="customer_id", right_index=True)
    seen["band"] = pd.qcut(seen["promo_share"].rank(method="first"), 3, labels=["低", "中", "高"])
    g = seen.groupby("band", observed=False)["responded"]
    return pd.DataFrame({"item": [f"促销购买占比{b}" for b in g.mean().index], "contacts": g.size().to_numpy(),
                         "response_rate": g.mean().to_numpy()})  # fmt: skip


def round_texts(
    rounds: plan.TopicRounds, findings: pd.DataFrame, topic: dict[str, Any]
) -> list[list[str]]:
    """The texts of the one-page diagram: per round, one short text per step, with numbers.

    >>> s = pd.Series({"contacts": 10, "expected_responses": 2.0, "responses": 3,
    ...     "expected_response_rate": 0.2, "expected_roi": 0.5})
    >>> r = plan.CampaignRound("round 1", "rule", pd.DataFrame(), s)
    >>> tr = plan.TopicRounds(r, r, r, pd.DataFrame(), 10)
    >>> f = pd.DataFrame({"axis": ["customer", "product", "behaviour", "gap"], "value": ["1", "x", "a", "y"]})
    >>> len(round_texts(tr, f, {"offer_zh": "券"})[1])
    4
    """
    v = findings.set_index("axis")["value"]
    share = findings.set_index("axis")["share"] if "share" in findings else pd.Series(dtype=float)
    s1, s2 = rounds.round1.summary, rounds.round2.summary
    coef = rounds.round2.learned
    feats = [VALUE_LABELS.get(f, f) for f in coef["feature"]] if len(coef) else ["—"]
    signs = ", ".join(f"{VALUE_LABELS.get(r.feature, r.feature)} {'+' if r.coefficient > 0 else '−'}"
                      for r in coef.itertuples()) if len(coef) else "—"  # fmt: skip
    focus = f"{share['customer']:.0%}" if "customer" in share else "—"
    cpr = [s.get("cost_per_response", float("nan")) for s in (s1, s2)]
    one = [
        f"三维框架切片: 重点客户组 {v['customer']} (销售占比 {focus}); 主力品类 {v['product']}; "
        f"主要行为 {v['behaviour']}; 交叉销售机会 {v['gap']}",
        f"重点客户组优先, 按RFM总分选 {int(s1['contacts'])} 人, 含随机测试组供下一轮学习; "
        f"优惠: {topic['offer_zh']}; 成本 {s1.get('cost', 0):,.0f} 元",
        f"发出 {int(s1['contacts'])} 次接触 (优惠8周内有效); 实际响应 {int(s1['responses'])} 人, "
        f"按模拟真值预期响应 {s1['expected_responses']:.1f} 人",
        f"预期响应率 {s1['expected_response_rate']:.1%}, 投资回报率 {s1['expected_roi']:.0%}, "
        f"每响应成本 {cpr[0]:.1f} 元; 按客户特征比较响应, 找出规则遗漏的客户",
    ]
    two = [
        f"从第一轮的响应学习: 逻辑回归模型; 最重要的特征「{feats[0]}」; 系数方向: {signs}",
        f"同样预算, 按模型得分选前 {int(s2['contacts'])} 人; 优惠不变, 只改变目标客户",
        f"发出 {int(s2['contacts'])} 次接触; 实际响应 {int(s2['responses'])} 人, 预期响应 "
        f"{s2['expected_responses']:.1f} 人 (第一轮 {s1['expected_responses']:.1f} 人)",
        f"预期响应率 {s2['expected_response_rate']:.1%} (第一轮 {s1['expected_response_rate']:.1%}), "
        f"投资回报率 {s2['expected_roi']:.0%}, 每响应成本 {cpr[1]:.1f} 元; 下一轮继续保留测试组",
    ]
    return [one, two]


def _round_section(doc: PlanDocument, no: int, texts: list[str]) -> None:
    doc.heading(f"CRM流程第{'一二'[no - 1]}轮", f"CRM process, round {no}", 3)
    for (zh, en), text in zip(CRM_ROUND_STEPS, texts, strict=True):
        doc.para(f"**{zh}:** {text}", f"**{en}:** {text}")


def _rounds(doc: PlanDocument, ctx: PlanContext, topic: dict[str, Any], k: int) -> None:
    if ctx.features is None or ctx.p_true is None:
        doc.para("(两轮运行需要客户的响应: 模拟数据带有已知的响应规律; 使用自己的数据时, 请先实际开展第一轮并记录响应。)",
                 "(The two rounds need responses: run round 1 for real with your own data.)")  # fmt: skip
        return
    findings, focus = plan.discover_from_cube(ctx.cube)
    pool, note = plan.topic_pool(topic["direction"], ctx.tx, ctx.features, as_of=ctx.as_of)
    priority = pd.Series(ctx.quintile.isin(focus), index=ctx.quintile.index)
    rounds = plan.topic_rounds(ctx.features, ctx.p_true, pool, budget_share=ctx.budget_share, priority=priority,
                               seed=ctx.seed + 17 * k, cost_per_contact=ctx.cost_per_contact,
                               margin_per_response=ctx.margin_per_response)  # fmt: skip
    texts = round_texts(rounds, findings, topic)
    doc.para(f"{note}; 每轮预算 {rounds.budget} 次接触, 每次接触成本 {ctx.cost_per_contact:.1f} 元, 每次响应毛利 {ctx.margin_per_response:.0f} 元。",
             f"{len(pool)} customers in the pool; {rounds.budget} contacts per round.")  # fmt: skip
    _round_section(doc, 1, texts[0])
    doc.table(
        findings,
        ["finding", "value", "share"],
        caption=("第一轮知识发现: 三维分析框架", "Round 1 knowledge discovery"),
    )
    doc.table(_band_rates(rounds.round1, ctx.features), ["item", "contacts", "response_rate"],
              caption=("第一轮分析提炼: 按促销购买占比的响应率", "Round 1: response by promotion share"))  # fmt: skip
    _round_section(doc, 2, texts[1])
    coef = rounds.round2.learned.assign(
        feature=lambda d: d["feature"].map(lambda f: VALUE_LABELS.get(f, f))
    )
    doc.table(
        coef,
        ["feature", "coefficient"],
        caption=("第二轮知识发现: 从第一轮学到的模型系数", "Round 2: learned coefficients"),
    )
    ev = rounds.evaluation.loc[_ROWS].reset_index(names="measure")
    ev["measure"] = ev["measure"].map(lambda m: doc.t(VALUE_LABELS.get(m, m), m))
    doc.table(ev, ["measure", "baseline", "round 1", "round 2", "change"],
              caption=("两轮对比: 第二轮相对第一轮的变化 (模拟响应)", "What changed from round 1 to round 2"))  # fmt: skip
    gain = rounds.evaluation.loc["expected_responses", "change"]
    doc.para(f"**变化:** 同样的预算, 第二轮的预期响应数比第一轮{'多' if gain >= 0 else '少'} {abs(gain):.1f} 人。",
             f"**Change:** round 2 expects {gain:+.1f} responses with the same budget.")  # fmt: skip
    ax = plots_plan.plot_two_rounds(
        texts,
        title=doc.t(f"CRM运行两轮示意图: {topic['title_zh']}", f"Two rounds: {topic['title_en']}"),
    )
    doc.figure(ax.figure, ("CRM运行两轮示意图 (一整页)", "Both rounds on one page"), full_page=True)


def topic_part(
    doc: PlanDocument, ctx: PlanContext, student: str, topic_key: str, k: int = 0
) -> None:
    """Add one individual topic report (个人专题报告) for ``student`` and ``topic_key``."""
    topic = ctx.preset["topics"][topic_key]
    doc.heading(
        f"个人专题报告: {topic['title_zh']} ({student})",
        f"Topic report: {topic['title_en']} ({student})",
        2,
        new_page=True,
    )
    _intro(doc, topic, student)
    try:
        _rounds(doc, ctx, topic, k)
    except DataValidationError as err:  # pragma: no cover - depends on the data
        doc.para(f"(两轮运行未完成: {err})", f"(Rounds not run: {err})")


def individual_part(doc: PlanDocument, ctx: PlanContext, students: list[str] | None = None) -> None:
    """Add Part 2 (第二部分: 个人专题报告): one topic report per assigned student (all, or
    those named in ``students``)."""
    doc.heading("第二部分: 个人专题报告", "Part 2: individual topic reports", 1, new_page=True)
    for k, (student, key) in enumerate(ctx.assignments):
        if students is None or student in students:
            topic_part(doc, ctx, student, key, k)


def appendix_six_hearts(doc: PlanDocument) -> None:
    """Add the appendix: the six-hearts rating (六心服务评定): purposes, principle, the
    graded chain (逐级考核), criteria with weights (诚心 the most important) and the form."""
    doc.heading(
        "附录: “六心”服务评定标准", "Appendix: the six-hearts service rating", 1, new_page=True
    )
    doc.para("“六心”是指信心、热心、用心、耐心、诚心和细心; “六心”服务是用这六条标准为每一位顾客提供最优质的服务。评定与公司考核结果、员工的服务态度和服务质量、工作能力和工作态度挂钩。",
             "The six hearts: confidence, warmth, attentiveness, patience, sincerity, carefulness.")  # fmt: skip
    doc.heading("评定的目的与原则", "Purpose and principle", 3)
    doc.bullets([*SIX_HEARTS_PURPOSES, f"原则: {SIX_HEARTS_PRINCIPLE_ZH}"])
    doc.heading("评定流程: 逐级考核制", "Process: rated level by level", 3)
    chain = plan.six_hearts_chain()
    doc.table(chain, ["level", "rated", "rated_by"], labels={"level": doc.t("层级", "level")})
    steps = pd.DataFrame({"step": chain["level"], "role": chain["rated_by"].str.split(" ").str[0],
                          "content": "评定" + chain["rated"]})  # fmt: skip
    ax = plots_plan.plot_process_flow(
        steps, title=doc.t("六心服务评定流程 (逐级考核)", "Rating chain")
    )
    ax.figure.set_size_inches(7, 3)
    doc.figure(
        ax.figure,
        ("逐级考核: 店长评店员, 店务执行经理评店长, 市场营销部总监认定", "The rating chain"),
    )
    doc.heading("评定标准 (诚心最重要, 权重最高)", "Criteria (sincerity weighs most)", 3)
    doc.table(
        plan.six_hearts_criteria(),
        ["name_zh", "weight", "criterion"],
        labels={"name_zh": doc.t("六心", "heart")},
    )
    doc.heading("六心服务评定表", "Rating form", 3)
    doc.para(
        "门店: ________  员工姓名: ________  岗位: ________  评定期间: ________  (每项 1–5 分)"
    )
    form = plan.six_hearts_form().assign(score="", note="")
    doc.table(form, ["name_zh", "weight", "criterion", "score", "note"],
              labels={"name_zh": doc.t("项目", "item"), "note": doc.t("评语", "comment")})  # fmt: skip
    doc.para(
        "店长签字: ________  店务执行经理签字: ________  市场营销部总监认定: ________  总经理签字确认: ________"
    )
