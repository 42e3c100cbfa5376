"""Chapters 06-07 (loyalty 客户忠诚, retention 客户保持): the loyalty-programme steps,
privacy measures, service intents, role access and the tier rules (会员等级).
"""

from __future__ import annotations

__all__ = [
    "LOYALTY_PROGRAMME_STEPS",
    "PRIVACY_MEASURES",
    "SERVICE_INTENTS",
    "ROLE_ACCESS",
    "TIER_RULES",
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
