"""The five strategy directions (五大策略方向) and one applied in depth."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crm_helpers import segment
from crm_helpers.plan._common import _TX
from crm_helpers.schema import DataValidationError, check_choice, require_columns

__all__ = ["StrategyPlan", "apply_strategy", "STRATEGY_DIRECTIONS"]

STRATEGY_DIRECTIONS = pd.DataFrame(
    [
        ("acquisition", "客户获取", "win new customers and first purchases",
         "prospects (members without a purchase), look-alikes of the best customers",
         "welcome coupon, first-purchase gift, referral reward", "new buyers, cost per acquisition"),
        ("retention", "客户保持", "keep valuable customers buying",
         "valuable customers whose recency is growing (at risk, can't lose, about to sleep)",
         "personal reminder, points bonus, service call", "repeat rate, churn rate"),
        ("development", "客户提升", "grow each customer's value: cross-selling and up-selling",
         "active customers who buy in few categories", "recommend a new category, bundle, upgrade",
         "categories per customer, basket value"),
        ("win_back", "客户挽回", "bring lapsed customers back",
         "lapsed or lost customers who used to be valuable",
         "win-back offer, ask why they left, fix the cause", "reactivation rate"),
        ("loyalty", "客户忠诚", "turn the best customers into loyal advocates",
         "champions and loyal customers", "VIP tier, exclusive events, referral programme",
         "share of wallet, referrals, retention of the top decile"),
    ],
    columns=["direction", "name_zh", "goal", "target", "actions", "measure"],
)  # fmt: skip
"""The five strategy directions (五大策略方向) of a CRM plan as a table (English and Chinese)."""

STRATEGY_DIRECTIONS["goal_zh"] = [
    "赢得新客户和首次购买", "让有价值的客户继续购买", "提升每位客户的价值: 交叉销售与向上销售",
    "把流失的客户请回来", "把最好的客户变成忠诚的推荐者",
]  # fmt: skip
STRATEGY_DIRECTIONS["target_zh"] = [
    "未购买的会员 (潜在客户)、与最佳客户相似的人", "最近购买间隔变长的有价值客户",
    "只在少数品类购买的活跃客户", "过去有价值、已沉睡或流失的客户", "冠军客户和忠诚客户",
]  # fmt: skip
STRATEGY_DIRECTIONS["actions_zh"] = [
    "欢迎券、首购礼、推荐奖励", "个性化提醒、积分奖励、服务回访", "推荐新品类、组合销售、升级",
    "唤醒优惠、询问离开原因并改进", "VIP等级、专属活动、推荐计划",
]  # fmt: skip
STRATEGY_DIRECTIONS["measure_zh"] = [
    "新购买客户数、获客成本", "重复购买率、流失率", "人均购买品类数、客单价", "唤醒率",
    "钱包份额、推荐人数、前10%客户保持率",
]  # fmt: skip

_DIRECTIONS = tuple(STRATEGY_DIRECTIONS["direction"])

_DEFAULT_RESPONSE = {
    "acquisition": 0.05,
    "retention": 0.15,
    "development": 0.10,
    "win_back": 0.05,
    "loyalty": 0.30,
}


@dataclass
class StrategyPlan:
    """One strategy direction applied to the data: whom, what, and the expected effect."""

    direction: str
    targets: pd.DataFrame
    actions: pd.DataFrame
    expected: pd.Series
    rule: str = ""


def _prospects(tx: pd.DataFrame, customers: pd.DataFrame | None) -> tuple[pd.DataFrame, float, str]:
    """Acquisition: members without a purchase, the average receipt, and the rule."""
    if customers is None:
        raise DataValidationError(
            "The acquisition direction targets members without a purchase: it needs the "
            "member table (customers=...). Data without a member table have no prospects."
        )
    require_columns(customers, ["customer_id"], "customers")
    prospects = customers.loc[~customers["customer_id"].isin(tx["customer_id"]), ["customer_id"]]
    targets = prospects.assign(reason="member without a purchase (prospect)")
    basket = tx.groupby("receipt_id")["amount"].sum().mean()
    rule = "members in the member table who have not bought yet"
    return targets, basket, rule


def _rfm_targets(
    direction: str, tx: pd.DataFrame, rfm: pd.DataFrame
) -> tuple[pd.DataFrame, float, str]:
    """The other directions: customers of the direction's RFM segments, their basket, rule."""
    seg = rfm["segment"].astype("str")
    if direction == "retention":
        chosen = seg.isin(["at risk", "can't lose", "about to sleep", "need attention"])
        rule = "RFM segment in at risk, can't lose, about to sleep, need attention"
    elif direction == "development":
        chosen = seg.isin(["loyal", "potential loyalists", "champions"])
        rule = "RFM segment in champions, loyal, potential loyalists"
        if "category" in tx.columns:
            n_cat = tx.groupby("customer_id", observed=True)["category"].nunique()
            chosen &= rfm["customer_id"].map(n_cat).le(2).to_numpy()
            rule += ", buying in at most two categories"
    elif direction == "win_back":
        chosen = seg.isin(["hibernating", "lost", "at risk", "can't lose"]) & (
            rfm["monetary"] > rfm["monetary"].median()
        )
        rule = "RFM segment in hibernating, lost, at risk, can't lose, sales above the median"
    else:
        chosen = seg.isin(["champions", "loyal"])
        rule = "RFM segment in champions, loyal"
    keep = ["customer_id", "recency_days", "frequency", "monetary", "segment"]
    targets = rfm.loc[chosen.to_numpy(), keep].rename(columns={"segment": "rfm_segment"})
    targets["rfm_segment"] = targets["rfm_segment"].astype("str")
    targets = targets.assign(
        reason=targets["rfm_segment"].map(lambda s: f"RFM segment: {s}"),
        action=targets["rfm_segment"].map(segment.RFM_ACTIONS),
    )
    basket = (targets["monetary"] / targets["frequency"]).mean() if len(targets) else 0.0
    return targets, basket, rule


def _effect(
    direction: str,
    n: int,
    basket: float,
    response_rate: float | None,
    cost_per_contact: float,
    margin_rate: float,
) -> tuple[pd.DataFrame, pd.Series]:
    """The direction's action steps and its expected effect under the stated assumptions."""
    row = STRATEGY_DIRECTIONS.set_index("direction").loc[direction]
    actions = pd.DataFrame(
        {"step": ["goal", "target", "actions", "measure"],
         "content": [row["goal"], row["target"], row["actions"], row["measure"]]}
    )  # fmt: skip
    rate = _DEFAULT_RESPONSE[direction] if response_rate is None else response_rate
    if not 0 <= rate <= 1:
        raise ValueError(f"response_rate must be between 0 and 1; got {rate}.")
    sales = n * rate * float(basket if pd.notna(basket) else 0.0)
    expected = pd.Series(
        {
            "targets": n,
            "response_rate": rate,
            "responses": n * rate,
            "avg_basket": float(basket) if pd.notna(basket) else 0.0,
            "expected_sales": sales,
            "cost": n * cost_per_contact,
            "expected_profit": sales * margin_rate - n * cost_per_contact,
        },
        name=direction,
    )
    return actions, expected


def apply_strategy(
    direction: str,
    tx: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    as_of: object = None,
    response_rate: float | None = None,
    cost_per_contact: float = 2.0,
    margin_rate: float = 0.25,
) -> StrategyPlan:
    """Apply one of the five strategy directions in depth: the target list from RFM
    segments (:func:`crm_helpers.segment.rfm`) and lifecycle stages, the actions, and the
    expected effect.

    Target rules:

    * ``acquisition`` — members without a purchase (needs ``customers``);
    * ``retention`` — RFM segments *at risk*, *can't lose*, *about to sleep*, *need attention*;
    * ``development`` — RFM *loyal*, *potential loyalists*, *champions* who buy in at most
      two categories (all three segments when ``tx`` has no ``category``);
    * ``win_back`` — RFM *hibernating*, *lost*, *at risk*, *can't lose* with sales above the
      median (used to be valuable);
    * ``loyalty`` — RFM *champions* and *loyal*.

    The expected effect is an **assumption** made explicit: ``response_rate`` (default per
    direction: 5 %, 15 %, 10 %, 5 %, 30 %) × targets × the targets' average basket gives the
    expected sales; × ``margin_rate`` minus ``cost_per_contact`` × targets the expected profit.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3, 4, 5], "receipt_id": range(1, 8),
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01",
    ...         "2024-03-01", "2023-06-01", "2024-02-15", "2023-12-01"]),
    ...     "amount": [30.0, 30, 30, 5, 8, 20, 2]})
    >>> apply_strategy("loyalty", tx).targets[["customer_id", "rfm_segment"]]
       customer_id rfm_segment
    0            1   champions
    """
    check_choice("direction", direction, _DIRECTIONS)
    require_columns(tx, _TX, "transactions")
    rfm = segment.rfm(tx, as_of)
    if direction == "acquisition":
        targets, basket, rule = _prospects(tx, customers)
    else:
        targets, basket, rule = _rfm_targets(direction, tx, rfm)
    actions, expected = _effect(
        direction, len(targets), basket, response_rate, cost_per_contact, margin_rate
    )
    return StrategyPlan(direction, targets.reset_index(drop=True), actions, expected, rule)
