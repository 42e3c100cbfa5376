"""Compliance audit and training status: the planted violations are found, nothing else."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers import governance as gov
from crm_helpers._catalogue import ROLE_ACCESS
from crm_helpers.extensions.service import simulate_access_log


def test_the_audit_finds_exactly_the_planted_violations():
    staff, log = simulate_access_log(30, 1500, seed=4)
    audited = gov.audit_access(log, staff, bulk_rows=1_000)
    assert (audited["outside_role"] == (log["planted"] == "outside_role")).all()
    assert (audited["bulk_export"] == (log["planted"] == "bulk_export")).all()
    assert audited["outside_role"].sum() > 0 and audited["bulk_export"].sum() > 0
    # lapsed training, recomputed: the event is more than 365 days after the last training
    trained = log["staff_id"].map(staff.set_index("staff_id")["trained_on"])
    assert (audited["training_lapsed"] == ((log["timestamp"] - trained).dt.days >= 365)).all()
    summary = gov.audit_summary(audited)
    assert summary.loc["all", "events"] == len(log)
    assert summary.loc["all", "outside_role"] == (log["planted"] == "outside_role").sum()


def test_rules_and_training_by_hand():
    rules = gov.role_access()
    assert len(rules) == sum(len(t) for _, _, t in ROLE_ACCESS)
    staff = pd.DataFrame({"staff_id": ["a"], "role": ["analyst"],
                          "trained_on": pd.to_datetime(["2025-01-01"])})  # fmt: skip
    assert gov.training_status(staff, "2025-12-31")["trained"].item()
    assert not gov.training_status(staff, "2026-01-02")["trained"].item()
    log = pd.DataFrame({"staff_id": ["a", "a"], "table": ["members", "transactions"],
                        "action": ["read", "export"], "rows": [3, 999],
                        "timestamp": pd.to_datetime(["2025-02-01", "2026-02-01"])})  # fmt: skip
    a = gov.audit_access(log, staff, bulk_rows=1_000)
    assert a["finding"].tolist() == ["outside_role", "training_lapsed"]
    with pytest.raises(ValueError, match=r"staff not in the staff table: \['z'\]"):
        gov.audit_access(log.assign(staff_id="z"), staff)
    with pytest.raises(ValueError, match="valid_days must be"):
        gov.training_status(staff, "2025-01-01", valid_days=0)
