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

# ----------------------------------------------------------------------------- loyalty tiers

#: Tier rules (会员等级), shared by the simulator's tiers table and
#: :data:`crm_helpers.loyalty.DEFAULT_TIERS`: a member is in the highest tier whose spend
#: AND visit thresholds they meet over the rolling window (12 months by default).
TIER_RULES: dict[str, list] = {
    "tier": ["basic", "silver", "gold", "diamond"],
    "tier_zh": ["普卡", "银卡", "金卡", "钻石卡"],
    "min_spend": [0.0, 1_000.0, 3_000.0, 6_000.0],
    "min_visits": [0, 4, 10, 20],
}
