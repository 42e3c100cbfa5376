"""Part 1 of the plan report, the group report (第一部分: 小组报告), section by section."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from crm_helpers import kpi, plan, plots_plan, segment
from crm_helpers._catalogue import CRM_ROUND_STEPS
from crm_helpers.plan_report.context import PlanContext
from crm_helpers.plan_report.document import PlanDocument
from crm_helpers.schema import DataValidationError

__all__ = ["group_part", "SECTIONS"]

_IND = ["total_sales", "visits", "customers", "avg_basket", "max_basket", "min_basket",
        "purchase_frequency"]  # fmt: skip
_PERIOD_ZH = {"year": "年", "quarter": "季", "month": "月", "week": "周"}


def _profile(doc: PlanDocument, ctx: PlanContext) -> None:
    p = ctx.profile
    doc.heading("一、企业简介", "1. Company profile")
    doc.para(f"**企业简单介绍:** {p['introduction']}", f"**Introduction:** {p['introduction']}")
    doc.para(
        f"**市场顾客群描述:** {p['customer_groups']}",
        f"**Customer groups:** {p['customer_groups']}",
    )
    doc.para(
        f"**主要产品名录:** {p['product_list']}", f"**Products and services:** {p['product_list']}"
    )
    doc.para(
        f"**使命:** {p['mission']}  **愿景:** {p['vision']}",
        f"**Mission:** {p['mission']}  **Vision:** {p['vision']}",
    )
    vp = pd.DataFrame(list(p["value_proposition"].items()), columns=["stakeholder", "proposition"])
    doc.table(vp, caption=("五大利益相关者的价值主张", "Value proposition for five stakeholders"))
    doc.para(f"**企业价值主张:** {p['company_value']}  **主广告语:** {p['slogan']}",
             f"**Company value proposition:** {p['company_value']}  **Slogan:** {p['slogan']}")  # fmt: skip
    sw = pd.DataFrame(list(p["swot"].items()), columns=["swot", "text"])
    doc.table(sw, caption=("SWOT分析", "SWOT analysis"))
    doc.para(
        f"**发展战略:** {p['development_strategy']}", f"**Strategy:** {p['development_strategy']}"
    )


def _base_data(doc: PlanDocument, ctx: PlanContext) -> None:
    tx = ctx.tx
    doc.heading(
        "二、企业基础数据 (指标体系与指标值推断)",
        "2. Base data (indicators and inferred values)",
        new_page=True,
    )
    doc.para("本企业实行**全会员制**: 每一笔销售都记录会员编号, 因此每位顾客的消费都可以分析。",
             "**Full membership**: every sale carries a member id, so every customer's purchases can be analysed.")  # fmt: skip
    doc.heading("会员卡设计", "Membership card design", 3)
    cols = ["name_zh", "type_zh", "purpose_zh"]
    doc.table(plan.membership_card_design(), cols, labels={"name_zh": doc.t("字段", "field")})
    doc.heading("单笔销售记录", "A single sales record", 3)
    header, lines = plan.receipt_view(tx)
    doc.key_values([(doc.t("小票号", "receipt"), header["receipt_id"]), (doc.label("customer_id"), header["customer_id"]),
                    (doc.t("时间", "time"), f"{header['timestamp']:%Y-%m-%d %H:%M}"),
                    (doc.t("金额合计", "total"), round(float(header["total"]), 2))],
                   (doc.t("项目", "item"), doc.t("内容", "value")))  # fmt: skip
    doc.table(lines, [ctx.item_name, "category_zh", "quantity", "unit_price", "discount", "amount"])
    doc.heading("主要商品结构", "Product structure", 3)
    st = plan.product_structure(tx)
    if "category_zh" in tx.columns:
        st["category"] = st["category"].map(
            tx.drop_duplicates("category").set_index("category")["category_zh"]
        )
    doc.table(st, ["category", "products", "sales", "sales_share", "margin_rate", "receipts", "customers"],
              labels={"category": doc.t("品类", "category")})  # fmt: skip
    doc.heading("市场区域与客户清单", "Regions and customer list", 3)
    if ctx.members is not None and "region" in ctx.members.columns:
        doc.table(
            plan.region_structure(ctx.members, tx),
            ["region", "members", "buyers", "sales", "sales_share"],
        )
    cl = plan.customer_list(tx, ctx.members, ctx.as_of)
    doc.table(cl, ["customer_id", "city_zh", "frequency", "monetary", "recency_days"], max_rows=10,
              caption=("客户清单 (按消费金额排序)", "Customer list (by sales)"))  # fmt: skip


def _indicators(doc: PlanDocument, ctx: PlanContext) -> None:
    doc.heading("指标体系: 年、季、月、周", "Indicators by year, quarter, month and week", 3)
    doc.para("总销售额、平均客单价、最高与最低客单价、购物频率(次)和客数(人次), 按年、季、月、周统计。",
             "Total sales, average/highest/lowest basket, purchase frequency and visits by period.")  # fmt: skip
    tables = kpi.indicators_all(ctx.tx)
    for period in ("year", "quarter", "month"):
        doc.table(tables[period], ["period", *_IND], max_rows=40,
                  caption=(f"按{_PERIOD_ZH[period]}统计的指标", f"Indicators by {period}"))  # fmt: skip
    week = tables["week"]
    labels = {c: doc.label(c) for c in _IND}
    fig = plots_plan.plot_indicator_panels(
        week, labels, title=doc.t("按周统计的全部指标", "All indicators by week")
    )
    doc.figure(fig, (f"按周指标 (共 {len(week)} 周)", f"Indicators by week ({len(week)} weeks)"),
               laid_out=True)  # fmt: skip
    doc.table(week.tail(13), ["period", *_IND], caption=("最近13周的指标", "The last 13 weeks"))
    _inferred(doc, ctx)


def _inferred(doc: PlanDocument, ctx: PlanContext) -> None:
    doc.heading("指标值推断", "Inferred indicator values", 3)
    doc.para("没有交易数据的企业可以从明确的假设推断指标值。下表的数值是**推断值, 不是实际数据**; 假设如下:",
             "A company without data infers its indicators from stated assumptions. The values below are **inferred, not observed**; the assumptions:")  # fmt: skip
    inferred = plan.infer_indicators(ctx.assumptions)
    names = {"stores": "门店数", "daily_traffic": "每店日客流(人次)", "conversion": "成交率",
             "avg_basket": "平均客单价(元)", "frequency": "年购物频率(次)", "open_days": "年营业天数",
             "max_basket_factor": "最高客单价系数", "min_basket_factor": "最低客单价系数"}  # fmt: skip
    names.update(ctx.preset.get("assumption_labels", {}))
    a = inferred.attrs["assumptions"]
    doc.key_values([(names[k] if doc.language == "zh" else k, v) for k, v in a.items()],
                   (doc.t("假设", "assumption"), doc.t("取值", "value")))  # fmt: skip
    shown = inferred.reset_index(names="indicator")
    shown["indicator"] = shown["indicator"].map(doc.label)
    doc.table(shown, ["indicator", "year", "quarter", "month", "week", "formula"],
              labels={"indicator": doc.t("指标 (推断值)", "indicator (inferred)")},
              caption=("推断的指标值 (年、季、月、周)", "Inferred indicators by period"))  # fmt: skip


def _demand(doc: PlanDocument, ctx: PlanContext) -> None:
    tx, q = ctx.tx, ctx.quintile
    item = ctx.item_name
    doc.heading("三、市场需求分析", "3. Demand analysis", new_page=True)
    doc.heading("畅销品 (总体与顾客分类)", "Best sellers (overall and by class)", 3)
    doc.table(
        plan.best_sellers(tx, 10), ["rank", item, "category_zh", "sales", "buyers", "sales_share"]
    )
    by = plan.best_sellers(tx, 2, classes=q)
    doc.table(by, ["customer_class", "rank", item, "category_zh", "sales", "buyers"],
              caption=("各客户组的畅销品 (客户组1为消费最高的20%)", "Best sellers per class (1 = top 20 %)"))  # fmt: skip
    doc.heading("潜在市场需求 (销售增长率高的商品)", "Latent demand (fastest growing items)", 3)
    base = float(tx.groupby("sku", observed=True)["amount"].sum().median())
    lat = plan.latent_demand(tx, 10, min_base=base)
    doc.para(f"比较最近365天与之前365天的销售额; 只列出增长的商品, 且前期销售额至少为 {base:,.0f} 元 (全部商品销售额的中位数), "
             "避免很小的基数产生很高的增长率。",
             f"The last 365 days against the 365 before; growing items only, with an earlier base of at least {base:,.0f} yuan (the median item's sales).")  # fmt: skip
    doc.table(lat, ["rank", item, "category_zh", "earlier", "later", "growth"])
    lat_c = plan.latent_demand(tx, 2, min_base=base / 5, classes=q)
    doc.table(lat_c, ["customer_class", "rank", item, "earlier", "later", "growth"],
              caption=(f"各客户组增长最快的商品 (前期至少 {base / 5:,.0f} 元)", "Fastest growing per class"))  # fmt: skip
    _future(doc, ctx)


def _future(doc: PlanDocument, ctx: PlanContext) -> None:
    tx = ctx.tx
    doc.heading(
        "将来市场需求 (意见领袖所购买的商品)", "Future demand (what opinion leaders buy)", 3
    )
    breadth, mb = ("category", 4) if "category" in tx.columns else ("sku", 20)
    leaders = plan.opinion_leaders(tx, breadth=breadth, min_breadth=mb, as_of=ctx.as_of)
    ids = leaders.loc[leaders["leader"], "customer_id"]
    doc.para(f"**意见领袖的定义:** 消费额位于前10%、至少在{mb}个品类购买过、且最近90天内有购买的客户; 共 {len(ids)} 人。"
             "他们买得多、买得广、正在活跃, 他们先买的商品往往会扩散到其他顾客。",
             f"**Opinion leaders:** top 10 % by sales, at least {mb} categories, bought in the last 90 days: {len(ids)} customers.")  # fmt: skip
    try:
        fut = plan.future_demand(tx, ids, 10, end=ctx.as_of, min_leader_buyers=2)
        doc.table(
            fut,
            [
                "rank",
                ctx.item_name,
                "category_zh",
                "leader_buyers",
                "leader_penetration",
                "all_penetration",
                "lift",
            ],
        )
    except DataValidationError as err:  # pragma: no cover - depends on the data
        doc.para(f"(将来需求无法计算: {err})", f"(Future demand not computed: {err})")


def _deciles(doc: PlanDocument, ctx: PlanContext) -> None:
    tx = ctx.tx
    doc.heading(
        "四、十分位分析 (顾客十分位与销售十分位; 年、季、月、周)",
        "4. Deciles (customers and sales; by period)",
        new_page=True,
    )
    doc.para("**顾客十分位:** 按消费额把客户分成人数相等的十组, 看每组贡献多少销售额。**销售十分位:** 把销售额分成相等的十份, 看每份由多少客户贡献。",
             "**Customer deciles:** ten equal groups of customers and their sales. **Sales deciles:** ten equal parts of sales and how many customers make each.")  # fmt: skip
    doc.table(
        segment.decile_table(tx), ["decile", "customers", "sales", "sales_share", "cum_sales_share"]
    )
    doc.table(
        plan.sales_deciles(tx),
        ["sales_decile", "customers", "customer_share", "sales", "sales_share"],
    )
    for kind, zh, en in (("customer", "顾客十分位的销售占比", "sales share of customer deciles"),
                         ("sales", "销售十分位的客户占比", "customer share of sales deciles")):  # fmt: skip
        for period in ("year", "quarter"):
            wide = plan.decile_shares(tx, period, kind)
            doc.table(
                wide,
                None,
                index=True,
                caption=(f"{zh} (按{_PERIOD_ZH[period]})", f"{en} by {period}"),
            )
        fig, axs = plt.subplots(1, 2, figsize=(10, 5.5))
        for ax, period in zip(axs, ("month", "week"), strict=True):
            plots_plan.plot_decile_shares(plan.decile_shares(tx, period, kind), ax=ax,
                                          title=doc.t(f"按{_PERIOD_ZH[period]}", f"by {period}"))  # fmt: skip
        fig.tight_layout()
        doc.figure(fig, (f"{zh} (按月、按周; 列为十分位1–10)", f"{en} by month and week"),
                   laid_out=True)  # fmt: skip


def _customers(doc: PlanDocument, ctx: PlanContext) -> None:
    tx = ctx.tx
    doc.heading(
        "五、客户档案设计与客户分类描述", "5. Customer file and customer classes", new_page=True
    )
    doc.table(
        plan.customer_file_design(),
        ["name_zh", "group_zh", "purpose_zh"],
        labels={"name_zh": doc.t("字段", "field")},
    )
    cf = plan.customer_file(tx, ctx.members, as_of=ctx.as_of)
    doc.table(cf.sort_values("monetary", ascending=False), ["customer_id", "age", "frequency", "monetary", "recency_days",
              "value_decile", "stage", "customer_class"], max_rows=8, caption=("客户档案示例", "Sample of the file"))  # fmt: skip
    for k in (1, 5, 10):
        prof = plan.class_profiles(
            tx, k, category="category_zh" if "category_zh" in tx else None, as_of=ctx.as_of
        )
        prof["description"] = [_describe(r, prof, ctx, doc) for r in prof.itertuples()]
        doc.table(prof, ["group", "customers", "sales_share", "monetary", "frequency", "recency_days", "description"],
                  caption=(f"{k}组客户描述", f"{k} group(s)"))  # fmt: skip


def _describe(r: object, prof: pd.DataFrame, ctx: PlanContext, doc: PlanDocument) -> str:
    name = ctx.class_names.get(r.group, "") if len(prof) == 5 else ""
    avg = (prof["sales"].sum() / prof["customers"].sum()) if prof["customers"].sum() else 0
    ratio = r.monetary / avg if avg else 1.0
    top = getattr(r, "top_category", "")
    zh = (f"{name + ': ' if name else ''}{r.customers}人 ({r.customer_share:.0%}) 贡献 {r.sales_share:.0%} 的销售额, "
          f"人均消费是平均的 {ratio:.1f} 倍, 平均 {r.recency_days:.0f} 天前最后一次购买"
          + (f", 最常购买 {top}" if isinstance(top, str) and top else "") + "。")  # fmt: skip
    en = f"{r.customers} customers ({r.customer_share:.0%}) bring {r.sales_share:.0%} of sales; spend {ratio:.1f}× the average."
    return doc.t(zh, en)


def _strategy(doc: PlanDocument, ctx: PlanContext) -> None:
    doc.heading("六、五大策略方向", "6. Five strategy directions", new_page=True)
    doc.table(plan.STRATEGY_DIRECTIONS, ["name_zh", "goal_zh", "target_zh", "actions_zh", "measure_zh"],
              labels={"name_zh": doc.t("方向", "direction")})  # fmt: skip
    row = plan.STRATEGY_DIRECTIONS.set_index("direction").loc[ctx.strategy]
    try:
        sp = plan.apply_strategy(
            ctx.strategy, ctx.tx, ctx.members, as_of=ctx.as_of, margin_rate=ctx.margin_rate
        )
    except DataValidationError as err:  # pragma: no cover - depends on the data
        doc.para(f"(该策略无法应用于这些数据: {err})")
        return
    doc.para(f"**应用举例: {row['name_zh']}。** 目标客户 {len(sp.targets):,} 人; 目标: {row['goal_zh']}; 措施: {row['actions_zh']}。",
             f"**Applied: {ctx.strategy}.** {len(sp.targets):,} target customers; {row['goal']}.")  # fmt: skip
    exp = sp.expected.reset_index()
    exp.columns = ["item", "value"]
    exp["item"] = exp["item"].map(lambda s: doc.t(plan_value_zh(s), s))
    doc.table(
        exp,
        labels={
            "item": doc.t("预期效果 (假设)", "expected effect"),
            "value": doc.t("数值", "value"),
        },
    )
    if "rfm_segment" in sp.targets:
        seg = sp.targets["rfm_segment"].value_counts().rename_axis("item").reset_index(name="value")
        doc.table(
            seg,
            labels={"item": doc.t("RFM分群", "RFM segment"), "value": doc.t("目标人数", "targets")},
        )


def plan_value_zh(s: str) -> str:
    from crm_helpers.plan_report.document import VALUE_LABELS

    return VALUE_LABELS.get(s, s)


def _cube(doc: PlanDocument, ctx: PlanContext) -> None:
    doc.heading(
        "七、客户关系管理CRM三维分析框架设计 (顾客结构 × 产品结构 × 消费行为结构)",
        "7. Three-dimensional framework",
        new_page=True,
    )
    doc.para("三个维度: 顾客结构 (客户价值五分组, 1为最高)、产品结构 (品类)、消费行为结构 (渠道或时间)。任一切片的销售额相加等于总额。",
             "Customer structure (value quintiles) × product structure (categories) × behaviour (channel or time).")  # fmt: skip
    cube = ctx.cube
    fig, axs = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [3, 1.4]})
    plots_plan.plot_cube(cube, "customer", "product", ax=axs[0])
    plots_plan.plot_cube(cube, "customer", "behaviour", ax=axs[1])
    for ax in axs:
        ax.set_xlabel("")
        ax.set_ylabel(doc.t("客户组", "customer class"))
    fig.tight_layout()
    doc.figure(
        fig,
        ("销售额: 客户组 × 品类、客户组 × 消费行为", "Sales: class × product, class × behaviour"),
        laid_out=True,
    )
    findings, _ = plan.discover_from_cube(cube)
    doc.table(findings, ["finding", "value", "share"])


def _kotler(doc: PlanDocument, ctx: PlanContext) -> None:
    doc.heading(
        "八、客户关系空间策略 (科特勒关系水平模型)",
        "8. Relationship space strategy (Kotler)",
        new_page=False,
    )
    doc.table(
        plan.KOTLER_LEVELS, ["name_zh", "what_zh"], labels={"name_zh": doc.t("关系水平", "level")}
    )
    m = plan.kotler_matrix().map(plan_value_zh if doc.language == "zh" else str)
    m.index = [plan_value_zh(i) if doc.language == "zh" else i for i in m.index]
    m.columns = [doc.t(f"边际利润{plan_value_zh(c)}", f"{c} margin") for c in m.columns]
    doc.table(m.rename_axis(doc.t("客户数", "customers")).reset_index())
    n = int(ctx.tx["customer_id"].nunique())
    lv = plan.kotler_level(n, ctx.margin_rate, customer_thresholds=ctx.preset["customer_thresholds"],
                           margin_thresholds=ctx.preset["margin_thresholds"])  # fmt: skip
    doc.para(
        f"**选择: {lv['name_zh']}。** {lv['reasoning_zh']}",
        f"**Choice: {lv['level']}.** {lv['reasoning']}",
    )
    if ctx.preset.get("kotler_example"):
        doc.para(f"**任务书示例:** {ctx.preset['kotler_example']}")
    ctx.profile["kotler_level"] = lv["name_zh"]


def _process(doc: PlanDocument, ctx: PlanContext) -> None:
    doc.heading("九、CRM流程与应用", "9. The CRM process and its use", new_page=True)
    doc.para("CRM流程是一个循环: 知识发现 → 目标与市场计划 → 客户互动 → 分析提炼, 上一轮的分析结果成为下一轮的知识。每个业务专题都按这个流程运行两轮 (见第二部分)。",
             "The CRM process is a loop; each topic runs it twice (Part 2).")  # fmt: skip
    steps = pd.DataFrame({"step": range(1, 5), "role": [doc.t("营销部", "marketing")] * 4,
                          "content": [doc.t(zh, en) for zh, en in CRM_ROUND_STEPS]})  # fmt: skip
    ax = plots_plan.plot_process_flow(steps, title=doc.t("CRM流程", "The CRM process"))
    ax.figure.set_size_inches(7, 3.6)
    doc.figure(ax.figure, ("CRM流程 (循环)", "The CRM loop"))
    doc.heading("CRM业务专题目录", "Catalogue of CRM business topics", 3)
    cat = plan.topic_catalogue(ctx.preset["industry"])
    owner = {t: s for s, t in ctx.assignments}
    cat["student"] = cat["topic"].map(owner).fillna(doc.t("(待认领)", "(open)"))
    cat["topic_zh"] = cat["title_zh"] if doc.language == "zh" else cat["title_en"]
    cat["direction_zh"] = cat["direction"].map(
        plan.STRATEGY_DIRECTIONS.set_index("direction")["name_zh"]
    )
    cat.insert(0, "rank", range(1, len(cat) + 1))
    doc.table(
        cat,
        ["rank", "topic_zh", "direction_zh", "offer_zh", "student"],
        labels={"rank": doc.t("序号", "no.")},
    )


#: Part 1's sections in the brief's order.
SECTIONS = (
    _profile,
    _base_data,
    _indicators,
    _demand,
    _deciles,
    _customers,
    _strategy,
    _cube,
    _kotler,
    _process,
)


def group_part(doc: PlanDocument, ctx: PlanContext) -> None:
    """Add Part 1 (第一部分: 小组报告) to ``doc``: every element of the brief's group report."""
    doc.heading("第一部分: 小组报告", "Part 1: group report", 1)
    for section in SECTIONS:
        section(doc, ctx)
