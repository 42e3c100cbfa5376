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

# ----------------------------------------------------------------------------- chapter 08
# CRM strategy implementation and change (CRM战略的实施和变革), seed 001 (textbook chapter 4).

#: The three implementation layers (实施层次): (key, English, Chinese, role).
IMPLEMENTATION_LAYERS: list[tuple[str, str, str, str]] = [
    ("vision", "vision and corporate strategy", "公司远景和公司层战略",
     "coordinates; shows managers and staff the direction of action"),
    ("culture", "values and corporate culture", "价值观和企业文化",
     "the object of implementation: customer-centric, customer benefit, individual needs, "
     "emotional loyalty"),
    ("enabling", "the enabling layer", "实际使能层次",
     "information systems, process design, organisation structure, human resources"),
]  # fmt: skip

#: The implementation model (CRM战略实施模型), a loop: (key, English, Chinese).
IMPLEMENTATION_MODEL: list[tuple[str, str, str]] = [
    ("information", "acquiring customer information", "客户信息的获取"),
    ("analysis", "customer analysis", "客户分析"),
    ("activities", "CRM activities: acquisition, enhancement, retention", "CRM战略活动实施"),
    ("evaluation", "evaluation and feedback", "评估与反馈"),
]

#: The three tests of evaluation and feedback (评估与反馈): (key, English, Chinese).
EVALUATION_TESTS: list[tuple[str, str, str]] = [
    ("customer_value", "customer value up", "客户价值是否提升"),
    ("cost_to_serve", "cost down", "成本是否降低"),
    ("efficiency", "efficiency and effectiveness up", "效率和效益是否增长"),
]

#: Gartner Group: about 40 % of failed CRM projects failed on process factors (流程因素).
GARTNER_PROCESS_FAILURE_SHARE: float = 0.40

#: The four stages of infrastructure building (基础设施建设): (key, Chinese, English, meaning).
INFRASTRUCTURE_STAGES: list[tuple[str, str, str, str]] = [
    ("database", "创建资料库", "building the customer database",
     "record the dealings between the customer and the firm"),
    ("continuous", "连续协调", "continuous coordination",
     "all data used to build fully trusted cooperation inside the firm"),
    ("symbiotic", "共生协调", "symbiotic coordination",
     "from analysing past behaviour to predicting and influencing future behaviour; "
     "two-way dialogue"),
    ("integrated", "整合协调", "integrated coordination",
     "customer orientation becomes informal values and everyday behaviour of staff"),
]  # fmt: skip

#: Readiness criteria (实施准备度): the key success factors (关键成功因素) and the nine
#: problems (问题及对策) read as "the problem is absent". (key, English, Chinese, kind,
#: weight, remedy). The weights are the course's, stated here; they sum to 1.
READINESS_CRITERIA: list[tuple[str, str, str, str, float, str]] = [
    ("coherence", "coherent implementation", "实施过程协调一致", "factor", 0.08,
     "tie the CRM strategy to the mission and vision and to the other strategies"),
    ("top_support", "top management support", "高层支持", "factor", 0.12,
     "a senior executive owns the whole process and drives cross-department work"),
    ("all_levels", "every level involved", "各层次成员参与", "factor", 0.07,
     "each level of managers secures the support of the level below"),
    ("experts", "experts involved", "专家参与与融合", "factor", 0.06,
     "system designers, developers, management consultants and trainers on the team"),
    ("steering", "an effective steering committee", "高效的指导委员会", "factor", 0.08,
     "decision makers set scope and direction and build the communication channels"),
    ("overall_plan", "an overall plan", "整体规划", "problem", 0.07,
     "plan the introduction as a whole, in stages, before buying software"),
    ("clear_vision", "a clear vision", "清晰的远景", "problem", 0.07,
     "state what the customer relationship should look like in three to five years"),
    ("own_practice", "no best-practice syndrome", "无最佳实践综合症", "problem", 0.06,
     "adapt other firms' practice to your own customers and processes"),
    ("top_backing", "senior managers back it", "高层管理人员支持", "problem", 0.06,
     "make a senior manager accountable; report progress to the board"),
    ("responsibility", "a right view of responsibility", "正确的责任认识", "problem", 0.06,
     "CRM is the business's project, not the IT department's"),
    ("real_redesign", "processes redesigned, not reports", "真正的流程再造", "problem", 0.07,
     "re-engineer how work is done, not only the reports about it"),
    ("tech_enabled", "technology-enabled, not IT-driven", "技术使能而非信息技术驱动",
     "problem", 0.06, "start from the business need; choose technology to enable it"),
    ("right_object", "a right view of the CRM object", "正确认识客户关系管理对象",
     "problem", 0.07, "manage relationships with valuable customers, not every contact alike"),
    ("hr_link", "linked to human resources", "与人力资源相联系", "problem", 0.07,
     "tie selection, training, goals and pay to customer results"),
]  # fmt: skip

#: The nine problems of implementation (CRM实施中的问题), in the source's order:
#: (Chinese, English); READINESS_CRITERIA's "problem" rows read each as its absence.
NINE_PROBLEMS: list[tuple[str, str]] = [
    ("CRM战略的导入和实施缺乏整体规划", "no overall plan for introducing and implementing CRM"),
    ("缺乏清晰的远景", "no clear vision"),
    ("最佳实践综合症", "best-practice syndrome"),
    ("缺乏高层管理人员的支持", "no support from senior managers"),
    ("责任认识误区", "a wrong view of responsibility"),
    ("蜕变成为报告流程的再造", "degenerating into re-engineering of reports"),
    ("由技术使能而歪曲为信息技术驱动", "technology-enabled distorted into IT-driven"),
    ("客户关系管理对象的认识错误", "a wrong view of the object of CRM"),
    ("缺乏与人力资源的联系", "no link to human resources"),
]

#: The complaint-handling process (投诉处理流程) of the simulated retailer, before BPR:
#: (activity, Chinese, department, department Chinese).
COMPLAINT_ACTIVITIES: list[tuple[str, str, str, str]] = [
    ("register complaint", "登记投诉", "call_centre", "呼叫中心"),
    ("classify", "分类", "call_centre", "呼叫中心"),
    ("forward to store", "转交门店", "store", "门店"),
    ("investigate", "调查核实", "store", "门店"),
    ("quality review", "质量部复核", "quality", "质量部"),
    ("approve compensation", "审批补偿", "finance", "财务部"),
    ("reply to customer", "答复客户", "call_centre", "呼叫中心"),
    ("reopen", "重新处理", "call_centre", "呼叫中心"),
    ("close case", "结案", "call_centre", "呼叫中心"),
]

#: CRM software candidates (CRM软件选型): (key, name, kind). Scores in VENDOR_SCORES are the
#: course's illustrative judgement (1-5) for a mid-sized Chinese retailer, not a test.
VENDORS: list[tuple[str, str, str]] = [
    ("fxiaoke", "纷享销客 Fxiaoke", "Chinese SaaS, mobile-first, WeChat/DingTalk connected"),
    ("zoho", "Zoho CRM", "international SaaS, broad modules, low licence cost"),
    ("suitecrm", "SuiteCRM (open source 开源)", "self-hosted, free licence, needs IT staff"),
]

#: Selection criteria (选型标准): (key, English, Chinese, default weight).
VENDOR_CRITERIA: list[tuple[str, str, str, float]] = [
    ("fit", "functional fit (sales, service, marketing)", "功能匹配", 0.20),
    ("localisation", "localisation and WeChat / mobile", "本地化与移动端", 0.15),
    ("integration", "integration with ERP / SCM", "与ERP/SCM集成", 0.15),
    ("cost", "total cost of ownership (5 = cheapest)", "总拥有成本", 0.15),
    ("data_residency", "data security and residency in China", "数据安全与境内存储", 0.15),
    ("customisation", "customisation and openness", "可定制与开放性", 0.10),
    ("ease", "ease of use and training effort", "易用性与培训成本", 0.10),
]

#: Illustrative scores 1-5 by vendor and criterion (the course's judgement; change them).
VENDOR_SCORES: dict[str, dict[str, float]] = {
    "fxiaoke": {"fit": 4, "localisation": 5, "integration": 4, "cost": 3,
                "data_residency": 5, "customisation": 3, "ease": 4},
    "zoho": {"fit": 4, "localisation": 3, "integration": 4, "cost": 4,
             "data_residency": 3, "customisation": 4, "ease": 4},
    "suitecrm": {"fit": 3, "localisation": 2, "integration": 3, "cost": 5,
                 "data_residency": 5, "customisation": 5, "ease": 2},
}  # fmt: skip

#: Training content (企业教育培训内容) for customer-oriented HR: (key, English, Chinese).
TRAINING_MODULES: list[tuple[str, str, str]] = [
    ("business", "business: CRM strategy and technology, professional skills", "与业务相关"),
    ("people", "people: leadership, motivation, conflict, service quality", "与人相关"),
    ("self", "self: self-management, career planning, self-realisation", "与员工自身相关"),
]

#: Evidence for the four infrastructure stages: (fact, stage it evidences 1-4, threshold,
#: direction, meaning). A fact passes when it is >= the threshold ("min") or <= ("max").
MATURITY_EVIDENCE: list[tuple[str, int, float, str, str]] = [
    ("identified_share", 1, 0.80, "min", "share of sales linked to one member file"),
    ("duplicate_share", 1, 0.05, "max", "share of customers with more than one record"),
    ("departments_sharing", 2, 0.75, "min", "share of departments working on the same file"),
    ("cases_with_history", 2, 0.70, "min", "share of service cases opened with the history"),
    ("scored_share", 3, 0.50, "min", "share of customers with a model prediction"),
    ("acted_share", 3, 0.40, "min", "share of campaigns targeted by the predictions"),
    ("customer_goal_share", 4, 0.50, "min", "share of staff with customer goals in their pay"),
    ("resolved_48h", 4, 0.80, "min", "share of complaints resolved within 48 hours"),
]


# ----------------------------------------------------------------------------- chapters 06-07
# (content-c) Terms and steps from the source documents: "客户管理的圣经" (loyalty-programme
# design), the Walmart case (沃尔玛: retention and repurchase, privacy measures, benchmarking,
# intelligent customer service).

#: Loyalty-programme design steps (忠诚度计划的设计与实施): (Chinese, English, what it decides).
LOYALTY_PROGRAMME_STEPS: list[tuple[str, str, str]] = [
    ("目标设定", "set goals", "what the programme must move, e.g. the repurchase rate (复购率) "
     "or referrals, with a target and a date"),
    ("奖励机制设计", "design the rewards", "points rules, discounts, member benefits by tier; "
     "what a reward costs and how much of it is never used (breakage)"),
    ("推广与宣传", "promote it", "the channels that tell members about the programme; the share "
     "of members who take part (earn or redeem)"),
    ("效果评估与优化", "evaluate and improve", "retention and repurchase against the target, "
     "members' feedback, then change the rules"),
]  # fmt: skip

#: Walmart's privacy measures (隐私保护合规措施), as the case lists them.
PRIVACY_MEASURES: list[tuple[str, str, str]] = [
    ("数据加密与存储", "encryption at rest and in transit",
     "customer data are encrypted when stored and when sent"),
    ("访问权限控制", "access control",
     "only authorised staff may read sensitive data, each role what it needs"),
    ("合规审计", "compliance audits", "regular audits of who accessed and exported what"),
    ("员工隐私保护意识培训", "staff privacy training",
     "every employee who touches customer data is trained, and the training is renewed"),
]  # fmt: skip

#: Intents of the intelligent customer-service FAQ (智能客服): (intent, Chinese, answer or
#: "person" when a person must take it).
SERVICE_INTENTS: list[tuple[str, str, str]] = [
    ("points_balance", "积分查询", "Your balance is in the app under 我的积分 (My points)."),
    ("points_expiry", "积分过期", "Points expire 365 days after they are earned, oldest first."),
    ("opening_hours", "营业时间", "Stores open 8:00-22:00 every day, holidays included."),
    ("delivery", "配送", "Orders above 99 yuan are delivered free within a day in the city."),
    ("returns", "退换货", "Unopened goods can be returned within 7 days with the receipt."),
    ("tier_benefits", "会员权益", "Benefits by tier are listed in the app under 会员等级."),
    ("complaint", "投诉", "person"),
]  # fmt: skip

#: Who may read what (访问权限控制), by role: (role, Chinese, tables the role may read).
#: "members_pseudonymised" is the member table with tokens; "members" holds names and phones.
ROLE_ACCESS: list[tuple[str, str, tuple[str, ...]]] = [
    ("store_staff", "门店员工", ("points",)),
    ("service_agent", "客服专员", ("points", "members")),
    ("analyst", "数据分析师", ("transactions", "members_pseudonymised")),
    ("marketing", "市场营销", ("members_pseudonymised", "campaign_list")),
    ("data_protection", "数据保护官", ("points", "members", "transactions",
                                     "members_pseudonymised", "campaign_list")),
]  # fmt: skip
