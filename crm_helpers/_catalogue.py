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
