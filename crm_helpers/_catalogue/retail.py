"""The simulated retailer's reference data: products, brands, cities, names, calendar.

Kept apart from :mod:`crm_helpers.simulate` so the generator reads as a model, not a list.
All names are invented; brands are fictional.
"""

from __future__ import annotations

__all__ = [
    "CATEGORIES",
    "SUBCATEGORIES",
    "BRANDS",
    "AFFINITIES",
    "CITIES",
    "SURNAMES",
    "GIVEN_CHARS",
    "EMAIL_DOMAINS",
    "ACQUISITION_CHANNELS",
    "INCOME_BANDS",
    "WEEKDAY_FACTORS",
    "MONTH_FACTORS",
    "HOUR_FACTORS",
    "FESTIVALS",
    "SPRING_FESTIVAL",
]

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
