"""Industry presets for the plan report (行业预设): a supermarket chain and a budget hotel chain.

A preset holds what a group would otherwise write by hand: the company profile, the products
or services (and how the simulated retailer's categories read in this industry), the names of
the customer classes, the assumptions for inferred indicators (指标值推断), Kotler's
thresholds, and the business topics (业务专题) with their process steps and report designs.
The hotel preset follows the brief's own example (速8酒店): relationship level 可靠型, reached
by a follow-up call after check-out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crm_helpers._catalogue import KOTLER_HOTEL_EXAMPLE_ZH
from crm_helpers.schema import check_choice, require_columns

__all__ = ["INDUSTRIES", "industry_preset", "topic_catalogue", "relabel_products"]


def _topic(
    title_zh: str,
    title_en: str,
    direction: str,
    intro_zh: str,
    offer_zh: str,
    steps: list[tuple[str, str]],
    reports: list[tuple[str, str, str]],
) -> dict[str, Any]:
    return {"title_zh": title_zh, "title_en": title_en, "direction": direction,
            "intro_zh": intro_zh, "offer_zh": offer_zh, "steps": steps, "reports": reports}  # fmt: skip


_SUPERMARKET_TOPICS = {
    "retention": _topic(
        "高价值会员保持",
        "Keeping high-value members",
        "retention",
        "针对最近购买间隔变长的高价值会员, 在其流失之前主动联系, 用积分加倍和个性化优惠让他们继续购买。",
        "积分加倍券 (8 周内有效)",
        [
            ("会员运营专员", "每周一从会员系统导出RFM分群和距最近购买天数"),
            (
                "会员运营专员",
                "筛选流失风险会员: RFM分群为\u201c有流失风险\u201d\u201c不能失去\u201d等",
            ),
            ("营销经理", "确定优惠内容、预算和联系渠道 (APP推送/短信)"),
            ("门店店长", "门店准备优惠商品库存并培训店员识别会员"),
            ("客服中心", "发送优惠并在到期前一周提醒"),
            ("数据分析师", "统计响应率、响应会员的消费额和投资回报率"),
            ("营销经理", "复盘并调整下一轮的目标规则与优惠"),
        ],
        [
            ("流失风险会员周报", "会员编号, RFM分群, 距最近购买天数, 消费金额, 联系状态", "每周"),
            ("活动响应日报", "活动编号, 联系人数, 响应人数, 响应率, 销售额", "每日"),
            ("会员保持月报", "月份, 活跃会员数, 保持率, 流失率, 高价值会员占比", "每月"),
        ],
    ),
    "cross_sell": _topic(
        "品类交叉销售",
        "Cross-selling categories",
        "development",
        "针对只在少数品类购物的活跃会员, 推荐他们尚未购买但同类顾客常买的品类, 提高客单价和购买品类数。",
        "新品类满减券",
        [
            ("数据分析师", "从三维分析框架找出各客户组购买不足的品类"),
            ("品类经理", "为每个客户组选定推荐品类和搭配商品"),
            ("营销经理", "设计满减券和推荐文案"),
            ("会员运营专员", "通过APP首页\u201c为你推荐\u201d和小票优惠券推送"),
            ("门店店长", "在门店设置关联陈列"),
            ("数据分析师", "比较推荐前后会员的购买品类数和客单价"),
        ],
        [
            ("品类渗透率报表", "客户组, 品类, 购买会员数, 渗透率", "每月"),
            (
                "交叉销售效果报表",
                "活动编号, 推荐品类, 使用券数, 新增品类会员数, 客单价变化",
                "每周",
            ),
        ],
    ),
    "win_back": _topic(
        "沉睡会员唤醒",
        "Waking up lapsed members",
        "win_back",
        "针对过去价值高、但已长期未购买的会员, 了解原因并用专属优惠把他们请回来。",
        "回归专享券",
        [
            ("会员运营专员", "每月筛选沉睡会员: 距最近购买超过180天且历史消费高于中位数"),
            ("客服中心", "电话或短信询问未再光顾的原因"),
            ("营销经理", "按原因设计回归优惠"),
            ("会员运营专员", "发送回归专享券"),
            ("数据分析师", "统计唤醒率和唤醒会员的后续消费"),
        ],
        [
            ("沉睡会员清单", "会员编号, 最近购买日期, 历史消费, 流失原因", "每月"),
            ("唤醒效果报表", "联系人数, 回归人数, 唤醒率, 回归后消费额", "每月"),
        ],
    ),
}
_HOTEL_TOPICS = {
    "after_stay_call": _topic(
        "退房后回访",
        "Follow-up call after check-out",
        "retention",
        "按照可靠型客户关系: 客人退房后, 客服及时联系客人, 询问对各项服务是否满意、有何不足和建议, "
        "以帮助酒店不断改进服务, 并邀请客人再次入住。",
        "再次入住优惠 (8 周内有效)",
        [
            ("前台接待", "客人退房时确认联系方式和回访意愿"),
            ("客服专员", "退房后48小时内电话回访, 按六心标准询问满意度"),
            ("客服专员", "记录意见和建议, 录入客户档案"),
            ("店长", "每周汇总投诉与建议, 安排整改"),
            ("营销经理", "对满意的客人发放再次入住优惠"),
            ("数据分析师", "统计回访率、满意度和再次入住率"),
        ],
        [
            ("回访记录表", "会员编号, 入住日期, 房型, 满意度, 意见建议, 回访人", "每日"),
            ("服务改进周报", "问题类别, 次数, 责任部门, 整改措施, 完成情况", "每周"),
            ("再次入住月报", "月份, 回访人数, 再次入住人数, 再次入住率, 客房收入", "每月"),
        ],
    ),
    "repeat_stay": _topic(
        "会员复住提升",
        "More repeat stays",
        "development",
        "针对入住过一两次的会员, 根据其入住习惯 (商务/周末/节假日) 推荐合适的房型和增值服务, 提高复住率。",
        "房型升级券",
        [
            ("数据分析师", "用三维分析框架找出复住率低的客户组和房型"),
            ("营销经理", "为每个客户组设计升级券和套餐"),
            ("会员运营专员", "通过APP和短信推送"),
            ("前台接待", "入住时主动介绍升级和增值服务"),
            ("数据分析师", "比较推送前后复住率和平均房价"),
        ],
        [
            ("复住率报表", "客户组, 入住次数, 复住人数, 复住率", "每月"),
            ("升级券效果报表", "发放数, 使用数, 使用率, 增收金额", "每周"),
        ],
    ),
    "corporate": _topic(
        "商务协议客户维护",
        "Corporate accounts",
        "loyalty",
        "针对经常入住的商务客人和协议单位, 提供专属价格、积分和快速入住, 建立长期合作关系。",
        "协议价与积分加倍",
        [
            ("销售经理", "识别高频商务客人及其所在单位"),
            ("销售经理", "签订协议价并建立单位档案"),
            ("前台接待", "提供快速入住和延迟退房"),
            ("客服专员", "每季度回访协议单位联系人"),
            ("数据分析师", "统计协议客户的间夜数和收入贡献"),
        ],
        [
            ("协议客户月报", "单位名称, 入住人数, 间夜数, 收入, 同比", "每月"),
            ("商务客人活跃报表", "会员编号, 最近入住日期, 年入住次数, 积分", "每周"),
        ],
    ),
}

INDUSTRIES: dict[str, dict[str, Any]] = {
    "supermarket": {
        "name_zh": "连锁超市", "name_en": "supermarket chain",
        "company_name": "鲜享汇超市",
        "introduction": "鲜享汇是一家全会员制连锁超市, 在十个城市经营门店、网上商城和APP, 每一笔购物都使用会员卡。",
        "customer_groups": "城市家庭; 高价值忠诚会员; 促销敏感顾客; 偶尔光顾的年轻顾客",
        "product_list": "生鲜, 食品饮料, 酒水, 日化, 母婴, 家居, 服装, 数码家电",
        "mission": "让每个家庭每天都能买到新鲜、安全、实惠的食品。",
        "vision": "成为中国最值得信赖的社区超市。",
        "value_proposition": {"顾客": "新鲜、实惠、会员回馈", "员工": "公平薪酬与职业发展",
                              "股东": "会员忠诚带来稳健增长", "供应商": "稳定订单与数据共享",
                              "社会": "减少浪费、本地采购"},
        "company_value": "新鲜实惠, 懂你所需",
        "slogan": "鲜享每一天",
        "swot": {"优势 S": "每笔交易都属于会员: 完整的顾客数据", "劣势 W": "一次性顾客多、生鲜毛利低",
                 "机会 O": "线上增长与节日营销 (618、双十一)", "威胁 T": "电商平台与社区团购"},
        "development_strategy": "以会员数据为核心, 保持高价值会员, 发展线上渠道。",
        "categories": None,
        "class_names": ["核心会员", "重要会员", "一般会员", "低频会员", "边缘会员"],
        "assumptions": {"stores": 10, "daily_traffic": 1500, "conversion": 0.6, "avg_basket": 85,
                        "frequency": 24, "open_days": 360},
        "assumption_labels": {"stores": "门店数", "daily_traffic": "每店日客流 (人次)"},
        "customer_thresholds": (100, 10_000), "margin_thresholds": (0.15, 0.35),
        "kotler_example": "",
        "topics": _SUPERMARKET_TOPICS,
    },
    "hotel": {
        "name_zh": "经济型连锁酒店", "name_en": "budget hotel chain",
        "company_name": "速8酒店 (示例)",
        "introduction": "速8酒店是一家经济型连锁酒店, 为商务和休闲旅客提供干净、舒适、实惠的住宿, 实行会员制, 每次入住都记录在会员档案中。",
        "customer_groups": "商务出差客人; 旅游休闲客人; 家庭出游客人; 协议单位客人",
        "product_list": "客房住宿, 早餐餐饮, 酒吧饮品, 洗衣服务, 亲子服务, 会议室, 旅游代订, 商务中心",
        "mission": "为每一位旅客提供干净、舒适、安全、实惠的住宿。",
        "vision": "成为旅客出行首选的经济型酒店品牌。",
        "value_proposition": {"顾客": "干净舒适、价格实惠、服务贴心", "员工": "培训晋升与六心服务文化",
                              "股东": "高入住率与稳定回报", "供应商": "长期稳定的采购合作",
                              "社会": "节能环保、带动本地就业"},
        "company_value": "像家一样舒适, 比家更贴心",
        "slogan": "出门在外, 住速8",
        "swot": {"优势 S": "门店多、价格实惠、会员数据完整", "劣势 W": "服务同质化、附加服务收入少",
                 "机会 O": "商务出行与周末游增长", "威胁 T": "在线旅游平台比价与民宿竞争"},
        "development_strategy": "以可靠型客户关系为核心: 退房后回访, 持续改进服务, 提高复住率。",
        "categories": {
            "fresh": ("客房住宿", "Room nights", ["标准大床房", "标准双床房", "商务大床房", "家庭房", "钟点房"]),
            "grocery": ("早餐餐饮", "Breakfast and dining", ["自助早餐", "中式套餐", "夜宵", "外卖代订"]),
            "alcohol": ("酒吧饮品", "Bar and drinks", ["啤酒", "红酒", "茶饮"]),
            "household": ("洗衣服务", "Laundry", ["洗衣", "熨烫", "干洗"]),
            "baby": ("亲子服务", "Family services", ["加床", "儿童用品", "亲子套餐"]),
            "home": ("会议室", "Meeting rooms", ["小会议室", "大会议室", "设备租用"]),
            "clothing": ("旅游代订", "Travel booking", ["门票代订", "车票代订", "包车服务"]),
            "electronics": ("商务中心", "Business centre", ["打印复印", "充电宝租借", "快递服务"]),
        },
        "class_names": ["常住贵宾", "重要客人", "一般客人", "偶尔入住", "一次性客人"],
        "assumptions": {"stores": 30, "daily_traffic": 150, "conversion": 0.7, "avg_basket": 220,
                        "frequency": 4, "open_days": 365},
        "assumption_labels": {"stores": "酒店数", "daily_traffic": "每店日到店客人 (人次)"},
        "customer_thresholds": (200, 20_000), "margin_thresholds": (0.20, 0.50),
        "kotler_example": KOTLER_HOTEL_EXAMPLE_ZH,
        "topics": _HOTEL_TOPICS,
    },
}  # fmt: skip
"""The presets by industry key."""


def industry_preset(industry: str) -> dict[str, Any]:
    """The preset of ``industry`` (``"supermarket"`` or ``"hotel"``), a new dict.

    >>> industry_preset("hotel")["kotler_example"][:9]
    '根据客户十分位分析'
    """
    check_choice("industry", industry, list(INDUSTRIES))
    return {**INDUSTRIES[industry], "industry": industry}


def topic_catalogue(industry: str) -> pd.DataFrame:
    """The business topics (CRM业务专题目录) of an industry: ``topic``, ``title_zh``,
    ``title_en``, ``direction``, ``offer_zh``, ``steps`` (count), ``reports`` (count).

    >>> topic_catalogue("hotel")["topic"].tolist()
    ['after_stay_call', 'repeat_stay', 'corporate']
    """
    topics = industry_preset(industry)["topics"]
    return pd.DataFrame(
        [(k, t["title_zh"], t["title_en"], t["direction"], t["offer_zh"], len(t["steps"]),
          len(t["reports"])) for k, t in topics.items()],
        columns=["topic", "title_zh", "title_en", "direction", "offer_zh", "steps", "reports"],
    )  # fmt: skip


def relabel_products(products: pd.DataFrame, industry: str) -> pd.DataFrame:
    """The simulated retailer's products renamed for ``industry`` (a new table): for the
    hotel, each category becomes a service (``category_zh``) and each product a service item
    (``name_zh``: items in turn, numbered when repeated). Supermarket: unchanged copy.

    >>> p = pd.DataFrame({"sku": ["a", "b"], "category": ["fresh", "fresh"],
    ...     "name_zh": ["苹果", "梨"], "name_en": ["apple", "pear"], "category_zh": ["生鲜"] * 2})
    >>> relabel_products(p, "hotel")["name_zh"].tolist()
    ['标准大床房', '标准双床房']
    """
    mapping = industry_preset(industry)["categories"]
    out = products.copy()
    if mapping is None:
        return out
    require_columns(products, ["sku", "category"], "products")
    cat = out["category"].astype("str")
    rank = out.groupby(cat).cumcount()
    zh, en = [], []
    for c, k in zip(cat, rank, strict=True):
        name_zh, name_en, items = mapping.get(c, (c, c, [c]))
        n = k // len(items)
        zh.append(items[k % len(items)] + (f" {n + 1}" if n else ""))
        en.append(f"{name_en} {k + 1}")
    out["category_zh"] = cat.map({k: v[0] for k, v in mapping.items()}).fillna(cat)
    out["name_zh"], out["name_en"] = zh, en
    for col in ("subcategory_zh",):
        if col in out.columns:
            out[col] = out["category_zh"]
    return out
