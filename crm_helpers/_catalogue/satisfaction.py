"""Chapters 04-05 (satisfaction 客户满意, segmentation 客户细分): NPS, survey attributes,
the six hearts (六心), SLA targets, SVCD, profit zones, the pyramid's myths and the
differentiation matrix.
"""

from __future__ import annotations

__all__ = [
    "NPS_GROUPS",
    "SURVEY_ATTRIBUTES",
    "SLA_TARGETS",
    "SIX_HEARTS",
    "SIX_HEARTS_WEIGHTS",
    "SIX_HEARTS_CHAIN",
    "SIX_HEARTS_PRINCIPLE",
    "SVCD_NAMES",
    "PROFIT_ZONES",
    "PYRAMID_MYTHS",
    "DIFFERENTIATION_QUADRANTS",
]

# =========================================================================== chapters 04-05
# Terms and figures of the source documents for satisfaction (04) and segmentation (05).
# Seed 003 (Walmart case) for NPS, seed 004 for the six hearts, seed 001 for the pyramid,
# its myths and the differentiation matrix, seed 001/000 for SVCD.

#: The NPS groups as the Walmart case names them (推荐者、中立者、批评者).
NPS_GROUPS: dict[str, str] = {"promoter": "推荐者", "passive": "中立者", "detractor": "批评者"}

#: The attribute scores of the simulated satisfaction survey, English column → Chinese.
SURVEY_ATTRIBUTES: dict[str, str] = {
    "product_quality": "商品质量",
    "price": "价格",
    "staff": "员工服务",
    "speed": "速度",
    "environment": "门店环境",
}

#: Service-level targets (服务水平) in hours from opening: severity, response, resolution.
SLA_TARGETS: tuple[tuple[str, float, float], ...] = (
    ("low", 24.0, 168.0),
    ("medium", 4.0, 72.0),
    ("high", 1.0, 24.0),
)

#: The six hearts (六心) in the order seed 004 lists them, English column name → Chinese.
SIX_HEARTS: dict[str, str] = {
    "confidence": "信心",
    "warmth": "热心",
    "attentiveness": "用心",
    "patience": "耐心",
    "sincerity": "诚心",
    "carefulness": "细心",
}
#: Weights of the hearts in the overall six-hearts score. Seed 004 says 诚心 is the most
#: important (诚心也是最重要的) but gives no numbers: the course weights it 0.25 and the
#: other five 0.15 each (an assumption a company would set in its own rules).
SIX_HEARTS_WEIGHTS: dict[str, float] = {
    "confidence": 0.15,
    "warmth": 0.15,
    "attentiveness": 0.15,
    "patience": 0.15,
    "sincerity": 0.25,
    "carefulness": 0.15,
}
#: The level-by-level rating chain (逐级考核) of seed 004: role, Chinese, what the role does.
SIX_HEARTS_CHAIN: tuple[tuple[str, str, str], ...] = (
    ("store_manager", "店长", "rates the staff of their store 考评本店店员"),
    ("ops_manager", "店务执行经理", "rates the store managers (and spot-checks staff) 考评各店长"),
    ("marketing_director", "市场营销部总监", "confirms the results 对评定结果做出认定"),
    ("general_manager", "总经理", "signs them 签字确认"),
)
#: The principle of the rating (评定原则).
SIX_HEARTS_PRINCIPLE = "客观、真实、公平、公正 (objective, true, fair, just)"

#: SVCD classes as seed 001 names them (明星/火山/奶牛/小狗).
SVCD_NAMES: dict[str, str] = {"Star": "明星", "Volcano": "火山", "Cow": "奶牛", "Dog": "小狗"}

#: The customer pyramid's profit zones (客户金字塔与利润区) as seed 001 gives them for 300
#: customers: Chinese name, English name, customers of 300, share of customers, share of
#: revenue (对收入贡献), share of profit as stated (对营余贡献), strategy (策略).
PROFIT_ZONES: tuple[tuple[str, str, int, float, float, str, str], ...] = (
    ("最赚钱区", "most profitable", 15, 0.05, 0.35, "over 40 % 超40%",
     "keep a good relationship, lose none 维持良好客户关系，不允许有客户流失"),
    ("次赚钱区", "second most profitable", 30, 0.10, 0.40, "over 40 % 超40%",
     "add value with products and services that meet their needs; upgrade actively "
     "增加客户贡献度，采取积极升级策略"),
    ("微赚钱区", "slightly profitable", 60, 0.20, 0.15, "over 15 % 超15%",
     "learn their needs and the products that create value for them; prepare to upgrade "
     "掌握客户需求，为升级做准备"),
    ("不赚钱区", "unprofitable", 75, 0.25, 0.10, "under 10 % 低于10%",
     "passive: limited profit, but they cover operating costs 采取被动策略，具营运费用功能"),
    ("赔钱区", "loss-making", 120, 0.40, 0.05, "negative 低于0",
     "exit, or cut the cost to serve 采取退出策略或降低成本策略"),
)  # fmt: skip

#: The five myths of the customer pyramid (客户金字塔的迷思), seed 001.
PYRAMID_MYTHS: tuple[tuple[str, str], ...] = (
    ("客户经理不知道自己的客户金字塔在哪", "account managers do not know where their pyramid is"),
    ("客户经理花80%以上的时间在处理交易而非从事销售",
     "they spend over 80 % of their time processing transactions, not selling"),
    ("客户经理花80%以上的时间在不赚钱区及赔钱区",
     "they spend over 80 % of their time on the unprofitable and loss-making zones"),
    ("客户经理不知道如何加强与最赚钱区客户的关系",
     "they do not know how to deepen the relationship with the most profitable zone"),
    ("客户经理不知道如何帮客户往客户金字塔顶端移动",
     "they do not know how to help customers move up the pyramid"),
)  # fmt: skip

#: The differentiation matrix's quadrants (客户差异矩阵, seed 001): value difference ×
#: needs difference → strategy.
DIFFERENTIATION_QUADRANTS: dict[str, str] = {
    "one-to-one": "一对一营销: large value and needs differences: one-to-one relationship marketing",
    "loyalty building": "构建客户忠诚: large value, small needs differences: build loyalty, "
    "then widen needs differences to move them to one-to-one",
    "niche": "利基市场: small value, large needs differences: a niche-market strategy",
    "mass": "大众市场营销: small value and needs differences: traditional mass marketing",
}
