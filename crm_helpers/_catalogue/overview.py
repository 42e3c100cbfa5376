"""Chapters 01-03 (overview 概述, identification 客户识别, communication 客户沟通): the seeds'
terms and cases, the bank example, the Shanghai Volkswagen case and the channel price list.
"""

from __future__ import annotations

from .retail import GIVEN_CHARS, SURNAMES

__all__ = [
    "NAME_PINYIN",
    "BANK_PRODUCTS",
    "LIFE_STAGE_GROUPS",
    "PRODUCT_CENTRIC_QUESTION",
    "CUSTOMER_CENTRIC_QUESTION",
    "LIFECYCLE_SEED_STAGES",
    "CRM_ACTIVITIES",
    "AWARE_TERMS",
    "SEGMENTATION_CRITERIA",
    "JOURNEY_STAGES",
    "TOUCHPOINTS",
    "SCRIPTS",
    "CRM_SYSTEMS",
    "SVW_HOTLINE",
    "SVW_CRM_PLANNED",
    "SVW_CRM_LAUNCHED",
    "SVW_TOUCHPOINTS",
    "SVCD_TERMS",
    "SVW_MODELS",
    "SVW_FOLLOW_UP",
    "SVW_PURPOSES",
    "HOMOPHONE_PINYIN",
    "CHANNEL_LIST",
]

# --------------------------------------------------------------------------------------------
# Chapters 01-03 (overview, identification, communication): the seeds' terms and cases.

# The bank example of the lecture deck (以产品为中心 vs 以客户为中心): the products a
# product-centric bank sells, and the life-stage groups a customer-centric bank serves.
BANK_PRODUCTS: list[tuple[str, str]] = [
    ("信用卡", "credit card"), ("房贷", "mortgage"), ("小额信贷", "micro-loan"),
    ("保险", "insurance"), ("共同基金", "mutual funds"), ("存款", "deposits"),
]  # fmt: skip
# life-stage group, English, what the group needs (the deck's products for it)
LIFE_STAGE_GROUPS: list[tuple[str, str, str]] = [
    ("银发族", "silver-haired (retirees)", "定存、债券基金、医疗险 (fixed deposits, bond funds, health cover)"),
    ("青壮族", "young and middle-aged earners", "股票基金、小额信贷、循环额度 (equity funds, micro-loans, credit lines)"),
    ("学生族", "students", "活存、定期定额、意外险、留学贷款 (current account, regular saving, accident cover, study-abroad loans)"),
    ("单身族", "singles", "活存、股票基金、终身寿险、长期房贷 (current account, equity funds, life cover, long mortgage)"),
]  # fmt: skip
PRODUCT_CENTRIC_QUESTION = "我们要怎样才能把产品推销出去? (How do we push our products?)"
CUSTOMER_CENTRIC_QUESTION = "我们要怎样才能满足客户的需求? (How do we meet the customer's needs?)"

# The lifecycle as the deck names it: seed stage, English, the course's fine stages it
# covers (crm_helpers.kpi.STAGES), and what to do at that stage.
LIFECYCLE_SEED_STAGES: list[tuple[str, str, tuple[str, ...], str]] = [
    ("潜在客户", "prospect", ("prospect",), "acquire: a first-purchase offer, welcome contact (获取)"),
    ("新客户", "new customer", ("new",), "onboard: explain the membership, a second-visit coupon (强化)"),
    ("老客户", "existing customer", ("active", "won_back", "lapsed"), "grow and keep: cross-sell, loyalty rewards; wake lapsed ones early (强化、维持)"),
    ("流失客户", "lost customer", ("lost",), "win back the valuable ones, learn why the rest left (维持/挽回)"),
]  # fmt: skip
CRM_ACTIVITIES: list[tuple[str, str, str]] = [
    ("获取", "acquisition", "win new customers: customers (客数) up"),
    ("强化", "enhancement", "grow each customer's value: basket (客单价) up"),
    ("维持", "retention", "keep valuable customers: frequency (购物频率) up, churn down"),
]  # fmt: skip

# AWARE (目标客户的 AWARE 标准): letter, English, the deck's Chinese term.
AWARE_TERMS: list[tuple[str, str, str]] = [
    ("A", "Ability", "能力"), ("W", "Want", "需要"), ("A", "Authority", "权力"),
    ("R", "Reasonable", "合理"), ("E", "Eligible", "合格"),
]  # fmt: skip
# segmentation criteria (细分标准) as the deck lists them
SEGMENTATION_CRITERIA: list[tuple[str, str]] = [
    ("地理", "geographic"), ("人文", "demographic"), ("心理", "psychographic"),
    ("行为", "behavioural"), ("客户重视的关键价值要素", "the key value factors the customer cares about"),
]  # fmt: skip

# Web/app behaviour (购买行为、浏览行为、搜索行为) and the customer journey map (客户旅程地图).
# journey stage (= the event that marks reaching it), Chinese; search (搜索) is a behaviour
# inside a session, not a stage: many visitors go to a product without searching.
JOURNEY_STAGES: list[tuple[str, str]] = [
    ("visit", "访问"), ("view", "浏览商品"), ("cart", "加入购物车"), ("purchase", "购买"),
]  # fmt: skip
# touchpoint (接触点), Chinese
TOUCHPOINTS: list[tuple[str, str]] = [
    ("app", "App"), ("web", "官网"), ("mini_program", "微信小程序"),
]  # fmt: skip
# 话术: what to say to a customer identified by the analysis (situation, script)
SCRIPTS: list[tuple[str, str, str]] = [
    ("browsed, did not buy", "浏览未购买", "您好，看到您最近关注了{category}，本周会员价有优惠，需要我帮您留一件吗？"),
    ("searched, found nothing", "搜索无结果", "您好，您搜索的{category}我们已补货/有替代款，方便给您发一个链接吗？"),
    ("abandoned cart", "加购未付款", "您好，您购物车里的商品库存不多了，今天下单可用会员积分抵扣。"),
    ("lapsed member", "沉睡会员", "好久不见！这是为老会员准备的回归礼券，期待您再来逛逛。"),
]  # fmt: skip
# The CRM systems the documents name and what their funnel and lead modules do.
CRM_SYSTEMS: list[tuple[str, str, str, str]] = [
    ("纷享销客 (Fxiaoke)", "No. 1 market share in China",
     "线索管理: leads from forms, events and ads are scored, de-duplicated and assigned to sales",
     "销售漏斗: opportunities move through stages; conversion and forecast per stage and rep"),
    ("Zoho CRM", "250,000+ companies in 180 countries",
     "Leads module: capture, scoring rules, assignment rules, conversion to contact/deal",
     "Deals pipeline: stages with probabilities, funnel and conversion reports"),
]  # fmt: skip

# Chapter 03: the Shanghai Volkswagen case (上海大众) of the textbook chapter.
SVW_HOTLINE = "800 820 1111"
SVW_CRM_PLANNED = 2001
SVW_CRM_LAUNCHED = 2002
# purchase stage, Chinese, the touchpoints of that stage
SVW_TOUCHPOINTS: list[tuple[str, str, str]] = [
    ("before purchase", "购买前", "hotline 800 820 1111, website, showroom visit, test drive"),
    ("purchase", "购买", "dealer (经销商) sales consultant, contract, delivery"),
    ("after purchase", "购买后", "service station (维修站), hotline complaints, verification calls, surveys"),
]  # fmt: skip
# SVCD with the deck's names and contact cadence (days between contacts)
SVCD_TERMS: list[tuple[str, str, int]] = [
    ("Star", "明星", 7), ("Cow", "奶牛", 14), ("Volcano", "火山", 30), ("Dog", "小狗", 60),
]  # fmt: skip
# the Shanghai Volkswagen models of the case's time, Chinese, weight among enquiries
SVW_MODELS: list[tuple[str, str, float]] = [
    ("Santana", "桑塔纳", 0.35), ("Santana 3000", "桑塔纳3000", 0.15),
    ("Passat", "帕萨特", 0.25), ("Polo", "波罗", 0.25),
]  # fmt: skip
# follow-up by purchase timing (按购买时间跟进): gap between calls and how long, in days
SVW_FOLLOW_UP: dict[str, tuple[int, int]] = {
    "within_1_month": (7, 28), "1_3_months": (14, 84), "3_6_months": (30, 180),
}  # fmt: skip
# inbound call purposes at the customer development centre (客户开发中心), Chinese
SVW_PURPOSES: dict[str, str] = {"inquiry": "咨询", "complaint": "投诉", "service": "服务请求"}

# Chapter 02's records: homophones, what a pinyin input method offers for the same syllable
# (the name key of identify.py and the typing slips of extensions/identification.py).
HOMOPHONE_PINYIN: dict[str, str] = {
    "汪": "wang", "黎": "li", "莉": "li", "立": "li", "章": "zhang", "柳": "liu",
    "阳": "yang", "扬": "yang", "玮": "wei", "薇": "wei", "方": "fang", "那": "na",
    "闵": "min", "婧": "jing", "晶": "jing", "蔷": "qiang", "垒": "lei", "君": "jun",
    "永": "yong", "燕": "yan", "洁": "jie", "鹃": "juan", "滔": "tao", "铭": "ming",
    "潮": "chao", "绣": "xiu", "侠": "xia", "萍": "ping", "钢": "gang", "贵": "gui",
    "瑛": "ying", "桦": "hua", "惠": "hui", "健": "jian", "帼": "guo", "雯": "wen",
    "铃": "ling", "虹": "hong", "雨": "yu", "辰": "chen", "馨": "xin", "亭": "ting",
    "皓": "hao", "波": "bo", "薛": "xue", "紫": "zi", "仪": "yi", "肖": "xiao",
}  # fmt: skip

#: Pinyin (without tones) of the name characters the course's data use, with common
#: homophones (同音字) of them: the name key of identify and the typing slips of the
#: simulator. A real system would use a full dictionary (e.g. pypinyin).
NAME_PINYIN: dict[str, str] = {
    **dict(SURNAMES),
    **dict(GIVEN_CHARS),
    **HOMOPHONE_PINYIN,
}

# Chapter 03's channels (沟通渠道): code, Chinese, cost of one contact in yuan (the simulated
# retailer's price list; communicate.py and extensions/communication.py both read it).
CHANNEL_LIST: list[tuple[str, str, float]] = [
    ("hotline", "热线电话", 4.0), ("sms", "短信", 0.1), ("email", "邮件", 0.02),
    ("push", "App推送", 0.01), ("social", "社交媒体", 0.5), ("face_to_face", "面对面", 25.0),
]  # fmt: skip
