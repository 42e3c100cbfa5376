"""Retention ↔ repurchase and the programme steps, against hand counts."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers import retention


def _tx(rows):
    return pd.DataFrame(
        {
            "customer_id": [c for c, _ in rows],
            "receipt_id": range(1, len(rows) + 1),
            "timestamp": pd.to_datetime([d for _, d in rows]),
            "amount": 1.0,
        }
    )


TX = _tx([
    (1, "2024-01-03"), (1, "2024-01-20"), (1, "2024-02-02"),   # Jan ×2, Feb ×1, Mar ×2
    (1, "2024-03-01"), (1, "2024-03-09"),
    (2, "2024-01-05"), (2, "2024-02-07"), (2, "2024-02-17"),   # Jan ×1, Feb ×2
    (3, "2024-01-11"),                                         # Jan ×1
    (4, "2024-03-15"), (4, "2024-03-16"),                      # Mar ×2 (new)
])  # fmt: skip


def test_the_link_counted_by_hand():
    t = retention.retention_repurchase_link(TX).set_index(["measure", "group"])
    # periods with a next one: Jan (1 rep, 2 once, 3 once), Feb (1 once, 2 rep)
    # repurchasers: 1-Jan (→ Feb yes), 2-Feb (→ Mar no): 2 pairs, 1 retained
    # once: 2-Jan (yes), 3-Jan (no), 1-Feb (yes): 3 pairs, 2 retained
    assert t.loc[("retention next period", "repurchased"), ["customers", "hits"]].tolist() == [2, 1]
    assert t.loc[("retention next period", "bought once"), ["customers", "hits"]].tolist() == [3, 2]
    # periods with a previous one: Feb (1 retained once, 2 retained rep), Mar (1 retained rep,
    # 4 new rep): retained 3 pairs, 2 repeat; new 1 pair, 1 repeat
    assert t.loc[("repurchase this period", "retained"), ["customers", "hits"]].tolist() == [3, 2]
    assert t.loc[("repurchase this period", "new or returning"), "rate"] == 1.0
    assert t["rate"].tolist() == pytest.approx([0.5, 2 / 3, 2 / 3, 1.0])


def test_one_period_is_refused_with_what_is_needed():
    with pytest.raises(ValueError, match="at least two months.*period='week'"):
        retention.retention_repurchase_link(TX[TX["timestamp"] < "2024-02-01"])
    with pytest.raises(ValueError, match="period must be one of"):
        retention.retention_repurchase_link(TX, "decade")


def test_programme_steps_and_targets():
    steps = retention.programme_steps({"目标设定": "repurchase 30 %"})
    assert steps["step_zh"].tolist() == ["目标设定", "奖励机制设计", "推广与宣传", "效果评估与优化"]
    assert steps.loc[1, "measured"] == "repurchase 30 %" and steps.loc[2, "measured"] == ""
    with pytest.raises(ValueError, match="Unknown steps"):
        retention.programme_steps({"goal": "x"})
    rates = pd.DataFrame({"repurchase_rate": [0.1, 0.2, 0.3, 0.5]})
    check = retention.target_check(rates, {"repurchase_rate": 0.3}, last=3)
    assert check.loc["repurchase_rate", "recent"] == pytest.approx(1 / 3)
    assert bool(check.loc["repurchase_rate", "met"])
    with pytest.raises(ValueError, match="No column"):
        retention.target_check(rates, {"retention": 0.5})
