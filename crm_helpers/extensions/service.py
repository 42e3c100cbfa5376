"""Simulated data for chapter 07's Walmart case (沃尔玛): customer-service questions with
known intents (智能客服) and peer retailers' CRM figures for benchmarking (行业对标).

* :func:`simulate_questions` — bilingual member questions (Chinese and English), each with
  its true ``intent`` (from :data:`crm_helpers._catalogue.SERVICE_INTENTS`), written from
  templates with fillers, typos-free but varied; a share ``ambiguous`` mixes two intents'
  words so that the classifier has something hard to do.
* :func:`simulate_access_log` — staff (role, date of their last privacy training) and a
  log of their reads and exports of customer tables, with planted violations (a role
  reading a table it may not, staff whose training has lapsed, bulk exports) whose truth
  is in the ``planted`` column: the material of a compliance audit (合规审计).
* :func:`simulate_peers` — illustrative CRM figures of five peer retailers (同行), drawn
  around stated centres (:data:`PEER_CENTRES`). They are simulated, not published figures:
  chapter 07 says so wherever it shows them.

>>> q = simulate_questions(50, seed=1)
>>> sorted(q.columns.tolist())
['ambiguous', 'intent', 'language', 'question']
>>> simulate_peers(seed=1).shape
(5, 5)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._catalogue import ROLE_ACCESS, SERVICE_INTENTS

__all__ = [
    "TEMPLATES",
    "PEER_CENTRES",
    "simulate_questions",
    "simulate_peers",
    "simulate_access_log",
]

#: Question templates per intent: (Chinese, English).
TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "points_balance": (
        ["我的积分还有多少", "怎么查积分余额", "积分查询", "我现在有多少积分", "帮我看看积分"],
        ["how many points do i have", "check my points balance", "what is my points total",
         "points balance please", "how do i see my points"],
    ),
    "points_expiry": (
        ["积分什么时候过期", "积分有效期多久", "我的积分会过期吗", "过期的积分还能用吗"],
        ["when do my points expire", "do points expire", "how long are points valid",
         "can i still use expired points"],
    ),
    "opening_hours": (
        ["几点开门", "营业时间是什么", "晚上几点关门", "节假日营业吗", "门店今天开吗"],
        ["what time do you open", "opening hours", "when does the store close",
         "are you open on holidays", "is the store open today"],
    ),
    "delivery": (
        ["多久能送到", "配送要运费吗", "可以送货上门吗", "我的订单到哪了", "满多少包邮"],
        ["how long is delivery", "is delivery free", "do you deliver to my home",
         "where is my order", "minimum order for free shipping"],
    ),
    "returns": (
        ["怎么退货", "可以换货吗", "退款多久到账", "没有小票能退吗", "买错了想退"],
        ["how do i return an item", "can i exchange this", "when will i get my refund",
         "return without receipt", "i bought the wrong thing"],
    ),
    "tier_benefits": (
        ["金卡有什么权益", "会员等级怎么升级", "钻石会员有什么特权", "银卡和金卡有什么区别"],
        ["what are gold member benefits", "how do i upgrade my tier", "diamond member perks",
         "difference between silver and gold"],
    ),
    "complaint": (
        ["我要投诉", "服务态度太差了", "买到过期商品要投诉", "店员很不礼貌", "我对处理结果不满意"],
        ["i want to complain", "the staff were rude", "i bought expired food",
         "terrible service", "i am not happy with how this was handled"],
    ),
}  # fmt: skip

_FILL_ZH = ["", "你好，", "请问", "麻烦问一下，", "急！"]
_FILL_EN = ["", "hi, ", "please ", "quick question: ", "hello "]

#: Centres of the simulated peers' figures: (KPI, centre, spread).
PEER_CENTRES: list[tuple[str, float, float]] = [
    ("retention_rate", 0.40, 0.06),
    ("repurchase_rate", 0.22, 0.05),
    ("average_basket", 90.0, 20.0),
    ("purchases_per_customer", 7.0, 2.0),
    ("active_share_90d", 0.45, 0.08),
]


def simulate_questions(
    n: int = 700,
    *,
    seed: int = 0,
    share_english: float = 0.4,
    ambiguous: float = 0.1,
    phrasings: str = "all",
) -> pd.DataFrame:
    """``n`` member questions with their true intent, language and an ``ambiguous`` flag.

    ``phrasings``: ``"all"`` templates, or only the ``"even"`` or ``"odd"``-numbered ones,
    so that a classifier trained on one half is tested on wordings it has never seen.
    """
    picks = {"all": slice(None), "even": slice(0, None, 2), "odd": slice(1, None, 2)}
    if phrasings not in picks:
        raise ValueError(f"phrasings must be one of {list(picks)}; got {phrasings!r}.")
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive whole number; got {n!r}.")
    for name, share in (("share_english", share_english), ("ambiguous", ambiguous)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} must be a share between 0 and 1; got {share!r}.")
    rng = np.random.default_rng([seed, 7007])
    intents = [i for i, _, _ in SERVICE_INTENTS]
    weights = np.array([0.22, 0.10, 0.14, 0.16, 0.14, 0.10, 0.14])
    rows = []
    for _ in range(n):
        intent = intents[rng.choice(len(intents), p=weights / weights.sum())]
        english = bool(rng.random() < share_english)
        lang = 1 if english else 0
        text = str(rng.choice(TEMPLATES[intent][lang][picks[phrasings]]))
        fill = str(rng.choice(_FILL_EN if english else _FILL_ZH))
        mixed = bool(rng.random() < ambiguous)
        if mixed:  # a second intent's words sneak in: "points ... delivery"
            other = intents[rng.choice(len(intents))]
            text = f"{text} {rng.choice(TEMPLATES[other][lang]).split()[0]}"
        rows.append((fill + text, intent, "en" if english else "zh", mixed))
    return pd.DataFrame(rows, columns=["question", "intent", "language", "ambiguous"])


def simulate_peers(*, seed: int = 0, n_peers: int = 5) -> pd.DataFrame:
    """Illustrative CRM figures of ``n_peers`` peer retailers (同行A, 同行B, …)."""
    rng = np.random.default_rng([seed, 7008])
    names = [f"同行{chr(ord('A') + i)} peer {chr(ord('A') + i)}" for i in range(n_peers)]
    data = {}
    for kpi, centre, spread in PEER_CENTRES:
        values = rng.normal(centre, spread, n_peers)
        data[kpi] = np.clip(values, 0.01, 0.99) if centre < 1 else np.maximum(values, 1.0)
    return pd.DataFrame(data, index=pd.Index(names, name="peer")).round(3)


def simulate_access_log(
    n_staff: int = 40,
    n_events: int = 800,
    *,
    seed: int = 0,
    end: str = "2025-12-31",
    lapsed_share: float = 0.15,
    violation_share: float = 0.03,
    bulk_share: float = 0.02,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff and their access log over the year before ``end``.

    ``staff``: staff_id, role, trained_on (the last privacy training; a share
    ``lapsed_share`` trained more than a year before ``end``). ``log``: staff_id, timestamp,
    table, action (``read`` / ``export``), rows, planted (``""``, ``"outside_role"`` or
    ``"bulk_export"``). Normal events read a table the role may read, a few hundred rows.

    >>> staff, log = simulate_access_log(10, 50, seed=1)
    >>> sorted(log.columns.tolist())
    ['action', 'planted', 'rows', 'staff_id', 'table', 'timestamp']
    """
    rng = np.random.default_rng([seed, 7009])
    stop = pd.Timestamp(end)
    roles = [r for r, _, _ in ROLE_ACCESS]
    allowed = {r: list(t) for r, _, t in ROLE_ACCESS}
    tables = sorted({t for _, _, ts in ROLE_ACCESS for t in ts})
    role = rng.choice(roles, n_staff, p=[0.4, 0.25, 0.15, 0.15, 0.05])
    lapsed = rng.random(n_staff) < lapsed_share
    age = np.where(lapsed, rng.integers(380, 900, n_staff), rng.integers(10, 340, n_staff))
    staff = pd.DataFrame({"staff_id": [f"S{i:03d}" for i in range(1, n_staff + 1)],
                          "role": role, "trained_on": stop - pd.to_timedelta(age, unit="D")})  # fmt: skip
    who = rng.integers(0, n_staff, n_events)
    kind = rng.random(n_events)
    rows = []
    for i, w in enumerate(who):
        r = role[w]
        when = stop - pd.Timedelta(minutes=int(rng.integers(1, 365 * 24 * 60)))
        if kind[i] < violation_share and set(tables) - set(allowed[r]):
            table = str(rng.choice(sorted(set(tables) - set(allowed[r]))))
            rows.append((w, when, table, "read", int(rng.integers(1, 300)), "outside_role"))
        elif kind[i] < violation_share + bulk_share:
            table = str(rng.choice(allowed[r]))
            rows.append((w, when, table, "export", int(rng.integers(5_000, 50_000)), "bulk_export"))
        else:
            action = "export" if rng.random() < 0.1 else "read"
            table = str(rng.choice(allowed[r]))
            rows.append((w, when, table, action, int(rng.integers(1, 500)), ""))
    log = pd.DataFrame(rows, columns=["w", "timestamp", "table", "action", "rows", "planted"])
    log.insert(0, "staff_id", staff["staff_id"].to_numpy()[log.pop("w").to_numpy()])
    return staff, log.sort_values("timestamp", kind="stable").reset_index(drop=True)
