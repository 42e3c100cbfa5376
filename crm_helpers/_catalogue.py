"""Static reference data for the simulated retailer: products, cities, names, festivals.

Kept apart from :mod:`crm_helpers.simulate` so the generator reads as a model, not a list.
All names are invented; brands are fictional.
"""

from __future__ import annotations

# category code, Chinese, English, gross margin (share of price), weight in an average basket
CATEGORIES: list[tuple[str, str, str, float]] = [
    ("fresh", "生鲜", "Fresh food", 0.22),
    ("grocery", "食品饮料", "Grocery and drinks", 0.25),
    ("alcohol", "酒水", "Wine and spirits", 0.30),
    ("household", "日化", "Household and personal care", 0.32),
    ("baby", "母婴", "Mother and baby", 0.30),
    ("home", "家居", "Home and kitchen", 0.40),
    ("clothing", "服装", "Clothing", 0.50),
    ("electronics", "数码家电", "Electronics and appliances", 0.12),
]

# sub-category code, category, Chinese, English, typical price range (yuan), popularity
SUBCATEGORIES: list[tuple[str, str, str, str, float, float, float]] = [
    ("vegetables", "fresh", "蔬菜", "Vegetables", 3, 15, 3.0),
    ("fruit", "fresh", "水果", "Fruit", 8, 40, 3.0),
    ("pork", "fresh", "猪肉", "Pork", 18, 45, 2.0),
    ("beef_slices", "fresh", "肥牛卷", "Beef slices", 30, 68, 1.0),
    ("seafood", "fresh", "海鲜", "Seafood", 25, 120, 1.0),
    ("eggs", "fresh", "鸡蛋", "Eggs", 10, 25, 2.0),
    ("milk", "grocery", "牛奶", "Milk", 6, 60, 2.5),
    ("rice", "grocery", "大米", "Rice", 25, 80, 1.2),
    ("noodles", "grocery", "挂面", "Noodles", 5, 15, 1.5),
    ("pasta", "grocery", "意大利面", "Pasta", 8, 25, 0.6),
    ("pasta_sauce", "grocery", "意面酱", "Pasta sauce", 10, 30, 0.4),
    ("hotpot_base", "grocery", "火锅底料", "Hotpot base", 8, 30, 0.8),
    ("snacks", "grocery", "零食", "Snacks", 5, 30, 2.5),
    ("peanuts", "grocery", "花生", "Peanuts", 6, 20, 0.6),
    ("tea", "grocery", "茶叶", "Tea", 30, 200, 0.6),
    ("coffee_beans", "grocery", "咖啡豆", "Coffee beans", 40, 120, 0.5),
    ("coffee_filters", "grocery", "咖啡滤纸", "Coffee filters", 8, 20, 0.2),
    ("soft_drinks", "grocery", "饮料", "Soft drinks", 3, 15, 2.5),
    ("cooking_oil", "grocery", "食用油", "Cooking oil", 30, 90, 1.0),
    ("beer", "alcohol", "啤酒", "Beer", 5, 15, 1.5),
    ("baijiu", "alcohol", "白酒", "Baijiu", 80, 600, 0.4),
    ("wine", "alcohol", "葡萄酒", "Wine", 50, 300, 0.4),
    ("toothpaste", "household", "牙膏", "Toothpaste", 10, 30, 1.0),
    ("toothbrush", "household", "牙刷", "Toothbrush", 8, 40, 0.6),
    ("shampoo", "household", "洗发水", "Shampoo", 25, 80, 1.0),
    ("detergent", "household", "洗衣液", "Laundry detergent", 20, 60, 1.0),
    ("tissues", "household", "纸巾", "Tissues", 10, 35, 1.5),
    ("diapers", "baby", "纸尿裤", "Diapers", 60, 180, 1.0),
    ("wet_wipes", "baby", "湿巾", "Wet wipes", 10, 30, 0.8),
    ("formula", "baby", "婴儿奶粉", "Infant formula", 150, 400, 0.6),
    ("cookware", "home", "锅具", "Cookware", 60, 400, 0.4),
    ("bedding", "home", "床品", "Bedding", 100, 600, 0.3),
    ("storage", "home", "收纳盒", "Storage boxes", 15, 60, 0.5),
    ("tshirt", "clothing", "T恤", "T-shirt", 39, 129, 0.6),
    ("socks", "clothing", "袜子", "Socks", 9, 39, 0.6),
    ("jacket", "clothing", "外套", "Jacket", 199, 699, 0.2),
    ("headphones", "electronics", "耳机", "Headphones", 99, 999, 0.2),
    ("rice_cooker", "electronics", "电饭煲", "Rice cooker", 199, 899, 0.15),
    ("batteries", "electronics", "电池", "Batteries", 10, 40, 0.5),
    ("phone_charger", "electronics", "充电器", "Phone charger", 39, 149, 0.3),
]

# Fictional brands: Chinese, English
BRANDS: list[tuple[str, str]] = [
    ("优选", "Youxuan"),  # the house brand
    ("禾田", "Hetian"),
    ("鲜丰", "Xianfeng"),
    ("金谷", "Jingu"),
    ("云岭", "Yunling"),
    ("海川", "Haichuan"),
    ("星河", "Xinghe"),
    ("青石", "Qingshi"),
]

# Planted product affinities (the truth for the basket chapter): when a basket holds an item of
# the antecedent sub-category, the consequent's best-selling item is added with this probability.
AFFINITIES: list[tuple[str, str, float]] = [
    ("beer", "peanuts", 0.40),
    ("pasta", "pasta_sauce", 0.55),
    ("diapers", "wet_wipes", 0.45),
    ("coffee_beans", "coffee_filters", 0.35),
    ("toothbrush", "toothpaste", 0.40),
    ("hotpot_base", "beef_slices", 0.50),
]

# city, Chinese, region code, region Chinese, weight, number of stores
CITIES: list[tuple[str, str, str, str, float, int]] = [
    ("Shanghai", "上海", "East", "华东", 0.16, 3),
    ("Hangzhou", "杭州", "East", "华东", 0.08, 2),
    ("Nanjing", "南京", "East", "华东", 0.07, 1),
    ("Suzhou", "苏州", "East", "华东", 0.06, 1),
    ("Beijing", "北京", "North", "华北", 0.12, 2),
    ("Tianjin", "天津", "North", "华北", 0.05, 1),
    ("Guangzhou", "广州", "South", "华南", 0.09, 1),
    ("Shenzhen", "深圳", "South", "华南", 0.09, 1),
    ("Wuhan", "武汉", "Central", "华中", 0.06, 1),
    ("Chengdu", "成都", "Southwest", "西南", 0.07, 1),
    ("Chongqing", "重庆", "Southwest", "西南", 0.05, 0),
    ("Xi'an", "西安", "Northwest", "西北", 0.04, 0),
    ("Shenyang", "沈阳", "Northeast", "东北", 0.03, 0),
    ("Harbin", "哈尔滨", "Northeast", "东北", 0.03, 0),
]

SURNAMES: list[tuple[str, str]] = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
]  # fmt: skip

GIVEN_CHARS: list[tuple[str, str]] = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("英", "ying"), ("华", "hua"), ("慧", "hui"),
    ("建", "jian"), ("国", "guo"), ("文", "wen"), ("玲", "ling"), ("红", "hong"),
    ("宇", "yu"), ("晨", "chen"), ("欣", "xin"), ("婷", "ting"), ("浩", "hao"),
    ("琳", "lin"), ("博", "bo"), ("雪", "xue"), ("子", "zi"), ("怡", "yi"),
]  # fmt: skip

EMAIL_DOMAINS: list[str] = ["qq.com", "163.com", "126.com", "sina.com", "outlook.com", "gmail.com"]

# acquisition channel: code, Chinese, weight
ACQUISITION_CHANNELS: list[tuple[str, str, float]] = [
    ("store_signup", "门店注册", 0.45),
    ("website", "官网注册", 0.15),
    ("app", "APP注册", 0.20),
    ("referral", "老会员推荐", 0.10),
    ("event", "活动招募", 0.10),
]

INCOME_BANDS: list[str] = ["<5k", "5k-10k", "10k-20k", "20k-50k", ">50k"]

# Day-of-week factors (Monday first) and month factors of shopping intensity.
WEEKDAY_FACTORS: list[float] = [0.85, 0.85, 0.90, 0.95, 1.10, 1.30, 1.25]
MONTH_FACTORS: list[float] = [
    1.10,
    1.00,
    0.95,
    0.95,
    1.00,
    1.05,
    0.95,
    0.95,
    1.00,
    1.05,
    1.10,
    1.20,
]
# Hour-of-day factors, 0h..23h (stores open 8-22; online orders at night are few).
HOUR_FACTORS: list[float] = [
    0.05, 0.02, 0.01, 0.01, 0.01, 0.02, 0.10, 0.40, 0.80, 1.10, 1.40, 1.70,
    1.50, 1.10, 1.00, 1.10, 1.30, 1.60, 1.90, 2.00, 1.70, 1.20, 0.60, 0.20,
]  # fmt: skip

# Festivals: (name, Chinese, month, day, uplift, days of build-up before the date).
# Spring Festival moves with the lunar calendar; its dates are listed per year.
FESTIVALS: list[tuple[str, str, int, int, float, int]] = [
    ("618 shopping festival", "618购物节", 6, 18, 0.8, 4),
    ("Mid-year / National Day", "国庆节", 10, 1, 0.5, 5),
    ("Singles' Day", "双十一", 11, 11, 1.5, 4),
    ("Double Twelve", "双十二", 12, 12, 0.6, 3),
]
SPRING_FESTIVAL: dict[int, str] = {
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
    2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
    2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
}  # fmt: skip

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

# Chapter 03's channels (沟通渠道): code, Chinese, cost of one contact in yuan (the simulated
# retailer's price list; communicate.py and extensions/communication.py both read it).
CHANNEL_LIST: list[tuple[str, str, float]] = [
    ("hotline", "热线电话", 4.0), ("sms", "短信", 0.1), ("email", "邮件", 0.02),
    ("push", "App推送", 0.01), ("social", "社交媒体", 0.5), ("face_to_face", "面对面", 25.0),
]  # fmt: skip
