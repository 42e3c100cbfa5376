"""Readiness scorecard (实施准备度评分卡) and maturity diagnosis (基础设施建设阶段).

The scorecard reads the key success factors (关键成功因素) and the nine problems
(问题及对策, each read as "this problem is absent") as criteria scored 1-5 by the firm's
managers; each criterion has a stated weight (:data:`crm_helpers._catalogue.READINESS_CRITERIA`,
or your own). The readiness index is Σ weight × (score − 1) / 4 × 100, from 0 (every
criterion at 1) to 100 (every criterion at 5).

The maturity diagnosis places a firm on the four stages of infrastructure building:
创建资料库 (one customer file) → 连续协调 (data shared across departments) → 共生协调
(predictions made and acted on) → 整合协调 (customer orientation in behaviour). A firm is at
the highest stage whose evidence passes **together with every lower stage's**: the stages
build on each other.

>>> import pandas as pd
>>> firms = pd.DataFrame({"firm_id": ["A"], "score_top_support": [5.0], "score_steering": [1.0]})
>>> card = readiness_scorecard(firms, weights={"top_support": 3, "steering": 1})
>>> float(readiness_summary(card)["readiness_index"].iloc[0])
75.0
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .. import _catalogue as cat

__all__ = [
    "criteria_table",
    "readiness_scorecard",
    "readiness_summary",
    "maturity_evidence",
    "maturity_stage",
    "customer_file_facts",
]

STAGES = pd.DataFrame(cat.INFRASTRUCTURE_STAGES, columns=["key", "stage_zh", "stage_en", "meaning"])


def criteria_table() -> pd.DataFrame:
    """The readiness criteria with their stated weights and remedies (对策).

    >>> t = criteria_table()
    >>> round(float(t["weight"].sum()), 9), int((t["kind"] == "problem").sum())
    (1.0, 9)
    """
    return pd.DataFrame(
        cat.READINESS_CRITERIA,
        columns=["criterion", "criterion_en", "criterion_zh", "kind", "weight", "remedy"],
    )


def _weights(weights: Mapping[str, float] | None, keys: list[str]) -> pd.Series:
    table = criteria_table().set_index("criterion")
    if weights is None:
        w = table["weight"].reindex(keys)
    else:
        unknown = sorted(set(weights) - set(table.index))
        if unknown:
            raise ValueError(
                f"Unknown readiness criteria in weights: {unknown}; valid: {list(table.index)}."
            )
        w = pd.Series({k: float(weights.get(k, 0.0)) for k in keys})
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("Readiness weights must be non-negative with a positive sum.")
    return w / w.sum()


def readiness_scorecard(
    firms: pd.DataFrame, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """One row per firm and criterion: score (1-5), normalised weight, points, remedy.

    ``firms`` needs ``firm_id`` and ``score_<criterion>`` columns (any subset of the
    criteria); ``weights`` (criterion → weight, normalised to sum 1 over the criteria
    present) defaults to the course's stated weights.
    """
    if "firm_id" not in firms.columns:
        raise ValueError(f"firms needs a 'firm_id' column; it has {list(firms.columns)}.")
    keys = [c.removeprefix("score_") for c in firms.columns if c.startswith("score_")]
    if not keys:
        raise ValueError("firms has no 'score_<criterion>' columns (scores 1-5 per criterion).")
    scores = firms[[f"score_{k}" for k in keys]]
    if ((scores < 1) | (scores > 5)).any().any():
        raise ValueError("Readiness scores must lie between 1 and 5.")
    w = _weights(weights, keys)
    long = firms.melt("firm_id", [f"score_{k}" for k in keys], "criterion", "score")
    long["criterion"] = long["criterion"].str.removeprefix("score_")
    info = criteria_table().drop(columns="weight").set_index("criterion")
    long = long.join(info, on="criterion")
    long["weight"] = long["criterion"].map(w)
    long["points"] = long["weight"] * (long["score"] - 1) / 4 * 100
    long["max_points"] = long["weight"] * 100
    return long.sort_values(["firm_id", "criterion"], key=_order()).reset_index(drop=True)


def _order():
    rank = {k: i for i, k in enumerate(criteria_table()["criterion"])}
    return lambda s: s.map(rank) if s.name == "criterion" else s


def readiness_summary(card: pd.DataFrame, weak_below: float = 2.5) -> pd.DataFrame:
    """Per firm: the readiness index (0-100) and the weak criteria (score < ``weak_below``),
    weakest first."""
    rows = []
    for firm, g in card.groupby("firm_id", sort=True):
        weak = g[g["score"] < weak_below].sort_values("score")
        rows.append({"firm_id": firm, "readiness_index": float(g["points"].sum()),
                     "weak": ",".join(weak["criterion"]),
                     "weak_zh": "、".join(weak["criterion_zh"].fillna(""))})  # fmt: skip
    return pd.DataFrame(rows)


def maturity_evidence(firms: pd.DataFrame) -> pd.DataFrame:
    """One row per firm and fact: the stage it evidences, its value, threshold and verdict."""
    facts = [e[0] for e in cat.MATURITY_EVIDENCE]
    missing = [f for f in ["firm_id", *facts] if f not in firms.columns]
    if missing:
        raise ValueError(f"firms lacks the maturity facts {missing} (shares between 0 and 1).")
    ev = pd.DataFrame(cat.MATURITY_EVIDENCE,
                      columns=["fact", "stage", "threshold", "direction", "meaning"])  # fmt: skip
    long = firms.melt("firm_id", facts, "fact", "value").merge(ev, on="fact")
    above = long["value"] >= long["threshold"]
    below = long["value"] <= long["threshold"]
    long["passes"] = above.where(long["direction"] == "min", below)
    return long.sort_values(["firm_id", "stage", "fact"]).reset_index(drop=True)


def maturity_stage(firms: pd.DataFrame) -> pd.DataFrame:
    """Per firm: the stage reached (0-4; 0 = not even one customer file), its name, and
    what blocks the next stage.

    >>> import crm_helpers as crm
    >>> shop = crm.simulate_retailer(300, seed=1).with_tables("firms")
    >>> got = maturity_stage(shop.firms).set_index("firm_id")["stage"]
    >>> bool((got == shop.truth["firms"].set_index("firm_id")["stage"]).all())
    True
    """
    ev = maturity_evidence(firms)
    ok = ev.groupby(["firm_id", "stage"])["passes"].all().unstack("stage")
    rows = []
    for firm, passed in ok.iterrows():
        stage = 0
        for level in sorted(passed.index):
            if not passed[level]:
                break
            stage = level
        blocking = ev[(ev["firm_id"] == firm) & (ev["stage"] == stage + 1) & ~ev["passes"]]
        name = STAGES.iloc[stage - 1] if stage else None
        rows.append({"firm_id": firm, "stage": stage,
                     "stage_zh": name["stage_zh"] if stage else "尚未建立资料库",
                     "stage_en": name["stage_en"] if stage else "no customer database yet",
                     "next_needs": ",".join(blocking["fact"])})  # fmt: skip
    return pd.DataFrame(rows)


def customer_file_facts(tx: pd.DataFrame) -> dict[str, float]:
    """Stage-1 evidence from any transaction table: the share of sales (amount) and of rows
    linked to a customer id, and the number of customers.

    >>> tx = pd.DataFrame({"customer_id": [1, None, 2], "amount": [10.0, 10.0, 20.0]})
    >>> customer_file_facts(tx)["identified_share"]
    0.75
    """
    for col in ("customer_id", "amount"):
        if col not in tx.columns:
            raise ValueError(f"The transactions need a {col!r} column; found {list(tx.columns)}.")
    known = tx["customer_id"].notna()
    total = float(tx["amount"].sum())
    return {
        "identified_share": float(tx.loc[known, "amount"].sum()) / total if total else 0.0,
        "identified_rows": float(known.mean()),
        "customers": float(tx["customer_id"].nunique()),
    }
