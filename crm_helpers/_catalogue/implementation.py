"""Chapter 08, CRM strategy implementation and change (CRM战略的实施和变革): layers, the
model, readiness, the nine problems, vendors, training and maturity evidence.
"""

from __future__ import annotations

__all__ = [
    "IMPLEMENTATION_LAYERS",
    "IMPLEMENTATION_MODEL",
    "EVALUATION_TESTS",
    "GARTNER_PROCESS_FAILURE_SHARE",
    "INFRASTRUCTURE_STAGES",
    "READINESS_CRITERIA",
    "NINE_PROBLEMS",
    "COMPLAINT_ACTIVITIES",
    "VENDORS",
    "VENDOR_CRITERIA",
    "VENDOR_SCORES",
    "TRAINING_MODULES",
    "MATURITY_EVIDENCE",
]

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
