"""Compliance audits (合规审计) and staff privacy training (员工隐私保护意识培训), the two
people-side measures of the Walmart case (沃尔玛) beside encryption and access control.

* :func:`role_access` — the access rules (访问权限控制) as a table: which role may read which
  customer table (from :data:`crm_helpers._catalogue.ROLE_ACCESS`).
* :func:`training_status` — whether each employee's privacy training is current on a date
  (renewed every ``valid_days``).
* :func:`audit_access` — each logged read or export checked against the rules: a role outside
  its tables (``outside_role``), staff whose training has lapsed touching customer data
  (``training_lapsed``), exports above ``bulk_rows`` rows (``bulk_export``).
* :func:`audit_summary` — findings by kind and by role: what the auditor reports.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._catalogue import ROLE_ACCESS
from .schema import require_columns
from .timeframe import parse_as_of

__all__ = ["role_access", "training_status", "audit_access", "audit_summary"]

FINDINGS = ("outside_role", "training_lapsed", "bulk_export")


def role_access() -> pd.DataFrame:
    """One row per role and table it may read.

    >>> role_access().query("role == 'store_staff'")["table"].tolist()
    ['points']
    """
    rows = [(r, zh, t) for r, zh, tables in ROLE_ACCESS for t in tables]
    return pd.DataFrame(rows, columns=["role", "role_zh", "table"])


def training_status(staff: pd.DataFrame, as_of: Any, *, valid_days: int = 365) -> pd.DataFrame:
    """``staff`` with ``training_due`` (last training + ``valid_days``) and ``trained``
    (still current on ``as_of``).

    >>> s = pd.DataFrame({"staff_id": ["a", "b"], "role": ["analyst"] * 2,
    ...     "trained_on": pd.to_datetime(["2025-06-01", "2024-01-01"])})
    >>> training_status(s, "2025-12-31")["trained"].tolist()
    [True, False]
    """
    require_columns(staff, ["staff_id", "role", "trained_on"], "staff")
    if valid_days < 1:
        raise ValueError(f"valid_days must be ≥ 1; got {valid_days}.")
    when = parse_as_of(as_of)
    due = pd.to_datetime(staff["trained_on"]) + pd.Timedelta(days=valid_days)
    return staff.assign(training_due=due, trained=due > when)


def audit_access(
    log: pd.DataFrame,
    staff: pd.DataFrame,
    *,
    valid_days: int = 365,
    bulk_rows: int = 1_000,
) -> pd.DataFrame:
    """The log with a column per finding (True where the event breaks that rule) and
    ``finding`` (the first broken rule, or ``""``). Training is judged on each event's date.

    >>> staff = pd.DataFrame({"staff_id": ["a", "b"], "role": ["store_staff", "analyst"],
    ...     "trained_on": pd.to_datetime(["2025-01-01", "2023-01-01"])})
    >>> log = pd.DataFrame({"staff_id": ["a", "a", "b"], "table": ["points", "members",
    ...     "transactions"], "action": ["read", "read", "export"], "rows": [5, 5, 20_000],
    ...     "timestamp": pd.to_datetime(["2025-03-01"] * 3)})
    >>> audit_access(log, staff)["finding"].tolist()
    ['', 'outside_role', 'training_lapsed']
    """
    require_columns(log, ["staff_id", "timestamp", "table", "action", "rows"], "access log")
    require_columns(staff, ["staff_id", "role", "trained_on"], "staff")
    unknown = sorted(set(log["staff_id"]) - set(staff["staff_id"]))
    if unknown:
        raise ValueError(f"The access log names staff not in the staff table: {unknown[:5]}.")
    people = staff.set_index("staff_id")
    role = log["staff_id"].map(people["role"])
    allowed = set(zip(role_access()["role"], role_access()["table"], strict=True))
    due = log["staff_id"].map(pd.to_datetime(people["trained_on"])) + pd.Timedelta(days=valid_days)
    out = log.assign(role=role)
    out["outside_role"] = [(r, t) not in allowed for r, t in zip(role, log["table"], strict=True)]
    out["training_lapsed"] = pd.to_datetime(log["timestamp"]) > due
    out["bulk_export"] = (log["action"] == "export") & (log["rows"] > bulk_rows)
    first = out[list(FINDINGS)].idxmax(axis=1).where(out[list(FINDINGS)].any(axis=1), "")
    return out.assign(finding=first)


def audit_summary(audited: pd.DataFrame) -> pd.DataFrame:
    """Events with each finding, by role (rows) and kind (columns), with totals.

    >>> a = pd.DataFrame({"role": ["x", "x", "y"], "outside_role": [True, False, False],
    ...     "training_lapsed": [False, False, True], "bulk_export": [False, False, False]})
    >>> audit_summary(a).loc["all"].tolist()
    [3, 1, 1, 0]
    """
    require_columns(audited, ["role", *FINDINGS], "audited log")
    by_role = audited.groupby("role")[list(FINDINGS)].sum().astype("int64")
    by_role.insert(0, "events", audited.groupby("role").size())
    by_role.loc["all"] = by_role.sum()
    return by_role
