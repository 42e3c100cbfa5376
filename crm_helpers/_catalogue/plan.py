"""Chapter 09, the plan-design assignment (企业客户关系管理CRM方案设计): the brief's terms."""

from __future__ import annotations

__all__ = [
    "MEMBERSHIP_CARD_FIELDS",
    "CUSTOMER_FILE_FIELDS",
    "KOTLER_LEVEL_NAMES",
    "KOTLER_HOTEL_EXAMPLE_ZH",
    "SIX_HEARTS_CRITERIA",
    "SIX_HEARTS_RATED_BY",
    "SIX_HEARTS_PURPOSES",
    "SIX_HEARTS_PRINCIPLE_ZH",
    "PLAN_PART1_ITEMS",
    "PLAN_PART2_ITEMS",
    "CRM_ROUND_STEPS",
]

# ---------------------------------------------------------------------------------------------
# Chapter 09, the plan-design assignment (企业客户关系管理CRM方案设计): the brief's terms.

# Kotler's five relationship levels with the brief's names: (key, Chinese, English, what the
# company does). The brief: the level follows from the number of customers and the margin.
KOTLER_LEVEL_NAMES: list[tuple[str, str, str, str, str]] = [
    ("basic", "基本型", "Basic", "销售产品后不再与顾客接触",
     "sell the product; no follow-up"),
    ("reactive", "反应型", "Reactive", "销售产品并鼓励顾客有问题或意见时联系企业",
     "sell, and invite the customer to call with questions or complaints"),
    ("accountable", "可靠型", "Accountable", "售后及时联系顾客, 询问满意度并收集改进建议",
     "call the customer after the sale to check satisfaction and ask for improvements"),
    ("proactive", "主动型", "Proactive", "经常主动联系顾客, 介绍改进的服务和新产品",
     "contact the customer from time to time with improvements and new offers"),
    ("partnership", "合伙型", "Partnership", "与顾客持续合作, 共同创造价值",
     "work continuously with the customer to create value together"),
]  # fmt: skip

# The brief's own example of the relationship-space strategy (a budget hotel chain).
KOTLER_HOTEL_EXAMPLE_ZH = (
    "根据客户十分位分析结果, 将速8酒店与客户建立的关系定义为可靠型。途径: 客人在本酒店退房后, "
    "客服要及时联系客人, 询问酒店的各种服务是否令他们满意, 有何缺陷或不足, 客人对酒店的服务有何"
    "意见或建议, 以帮助酒店不断改进服务, 使之更加符合他们的需求。"
)

# The six hearts (六心) service rating of the brief: (key, Chinese, weight in the total score,
# the brief's criterion, shortened). 诚心 is "the most important" in the brief: the largest weight.
SIX_HEARTS_CRITERIA: list[tuple[str, str, float, str]] = [
    ("confidence", "信心", 0.15, "对自己、公司和产品有信心, 在言谈举止中自然流露, 吸引并感染顾客"),
    ("warmth", "热心", 0.15, "顾客不了解产品时主动帮助, 用热情打动顾客, 留下难忘的品牌形象"),
    ("attentiveness", "用心", 0.15, "用心察言观色, 主动沟通, 尽快掌握顾客心理并推荐合适产品"),
    ("patience", "耐心", 0.15, "顾客犹豫不决时耐心引导, 不流露不耐烦, 即便不买也成为潜在顾客"),
    ("sincerity", "诚心", 0.25, "最重要: 真诚对待顾客, 推介实事求是, 赢得顾客的信任"),
    ("carefulness", "细心", 0.15, "关注服务细节, 记住顾客偏好, 及时发现并解决问题"),
]  # fmt: skip

# The rating chain of the brief (逐级考核制): (who is rated, rated by).
#: Who rates whom in the six-hearts rating, as the brief's appendix lists it (被评定者, 评定者).
SIX_HEARTS_RATED_BY: list[tuple[str, str]] = [
    ("一般店员", "店长"),
    ("店长", "店务执行经理"),
    ("全部评定结果", "市场营销部总监 (认定), 总经理签字确认"),
]

SIX_HEARTS_PURPOSES: list[str] = [
    "促使管理者公正、公平、客观地评价员工的工作表现, 并对员工进行指导、培养和激励",
    "规范员工的服务态度, 提高顾客满意度, 使产品的服务质量深入人心",
    "为员工的岗位动态管理、薪酬激励、职业发展提供客观依据",
]
SIX_HEARTS_PRINCIPLE_ZH = "坚持客观、真实、公平、公正的原则"

# Part 1's elements of the brief, in its order (used as the report's checklist).
PLAN_PART1_ITEMS: list[str] = [
    "企业简介", "企业基础数据(指标体系与指标值推断)", "市场需求分析", "潜在市场需求分析",
    "将来市场需求", "十分位分析", "客户档案设计", "客户分类描述", "五大策略方向",
    "客户关系管理CRM三维分析框架设计", "客户关系空间策略", "CRM流程与应用", "CRM业务专题目录",
]  # fmt: skip
PLAN_PART2_ITEMS: list[str] = [
    "业务专题简介", "业务流程设计", "业务报表设计", "CRM流程图示", "CRM流程第一轮",
    "CRM流程第二轮", "CRM运行两轮示意图",
]  # fmt: skip
# The four steps of one round of the CRM process in the brief.
CRM_ROUND_STEPS: list[tuple[str, str]] = [
    ("知识发现", "Knowledge discovery"),
    ("目标与市场计划", "Targets and market plan"),
    ("客户互动", "Customer interaction"),
    ("分析提炼", "Analysis and refinement"),
]

# The membership card's application form (会员卡设计) of the brief's part 2: (field, Chinese
# name, type, the member table's column or how it is obtained, purpose, purpose in Chinese).
MEMBERSHIP_CARD_FIELDS: list[tuple[str, str, str, str, str, str]] = [
    ('card_number', '会员卡号', 'string (16 digits, Luhn check digit)', 'card_number', 'identifies the member at the till and online; printed on the card', '在门店和线上识别会员, 印在卡面上'),
    ('customer_id', '会员编号', 'integer', 'customer_id', 'the key that joins receipts to the member', '把小票与会员连接起来的编号'),
    ('name', '姓名', 'string', 'name', 'personal greeting, service', '个性化称呼与服务'),
    ('gender', '性别', 'category', 'gender', 'profiling, assortment', '顾客画像、商品组合'),
    ('birth_year', '出生年份', 'integer', 'birth_year', 'age group, birthday offers', '年龄分组、生日优惠'),
    ('phone', '手机号', 'string', 'phone', 'SMS / app contact; identification without the card', '短信/APP联系; 无卡时识别会员'),
    ('email', '电子邮箱', 'string', 'email', 'e-mail campaigns', '电子邮件营销'),
    ('city', '城市', 'category', 'city / city_zh', 'store network, regional offers', '门店网络、区域优惠'),
    ('region', '区域', 'category', 'region', 'regional structure of the base', '会员的区域结构'),
    ('income_band', '月收入', 'category', 'income_band', 'value potential, price level', '价值潜力、价格档次'),
    ('join_date', '入会日期', 'datetime', 'join_date', 'tenure, welcome programme, lifecycle', '会龄、欢迎计划、生命周期'),
    ('acquisition_channel', '入会渠道', 'category', 'acquisition_channel', 'which acquisition channels bring good members', '判断哪些入会渠道带来好会员'),
    ('consent', '营销授权', 'boolean', 'asked at sign-up (not simulated)', 'permission to contact: required before any campaign (PIPL 个人信息保护法)', '联系许可: 任何营销活动之前必须取得 (个人信息保护法)'),
]  # fmt: skip

# The customer file (客户档案) of the brief's part 2: (field, Chinese name, group, how it is
# derived, purpose, purpose in Chinese).
CUSTOMER_FILE_FIELDS: list[tuple[str, str, str, str, str, str]] = [
    ('customer_id', '会员编号', 'basic 基本信息', 'member table', 'the key', '主键'),
    ('name', '姓名', 'basic 基本信息', 'member table', 'service, greeting', '服务与称呼'),
    ('gender', '性别', 'basic 基本信息', 'member table', 'profile', '顾客画像'),
    ('age', '年龄', 'basic 基本信息', 'reference year − birth_year', 'life stage', '人生阶段'),
    ('city_zh', '城市', 'basic 基本信息', 'member table', 'regional plans', '区域计划'),
    ('region', '区域', 'basic 基本信息', 'member table', 'regional plans', '区域计划'),
    ('join_date', '入会日期', 'basic 基本信息', 'member table', 'tenure', '会龄'),
    ('first_purchase', '首次购买', 'behaviour 行为', 'earliest receipt', 'lifecycle', '生命周期'),
    ('last_purchase', '最近购买', 'behaviour 行为', 'latest receipt', 'recency, churn risk', '最近购买、流失风险'),
    ('recency_days', '距最近购买天数', 'behaviour 行为', 'as_of − last purchase', 'R of RFM', 'RFM中的R'),
    ('frequency', '购买次数', 'behaviour 行为', 'number of receipts', 'F of RFM', 'RFM中的F'),
    ('monetary', '消费金额', 'value 价值', 'sum of receipts', 'M of RFM', 'RFM中的M'),
    ('avg_basket', '客单价', 'value 价值', 'monetary ÷ frequency', 'up-selling potential', '向上销售潜力'),
    ('value_decile', '价值十分位', 'value 价值', 'sales decile (1 = top 10 %)', 'priority', '优先级'),
    ('top_category', '偏好品类', 'preference 偏好', 'category with the largest spend', 'offers, cross-selling', '个性化优惠、交叉销售'),
    ('n_categories', '购买品类数', 'preference 偏好', 'distinct categories bought', 'breadth, cross-selling', '购买广度、交叉销售'),
    ('stage', '生命周期阶段', 'lifecycle 生命周期', 'crm.kpi.lifecycle_stage', 'which strategy applies', '适用哪种策略'),
    ('customer_class', '客户类别', 'class 分类', 'value quintile (1 = top 20 %)', 'service level, contact cadence', '服务等级、联系频率'),
]  # fmt: skip
