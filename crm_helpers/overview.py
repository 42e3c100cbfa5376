"""Chapter 01's ideas as tables: the bank example, the seed's four lifecycle stages, the three
CRM activities.

The lecture deck names four lifecycle stages, 潜在客户 → 新客户 → 老客户 → 流失客户
(prospect → new → existing → lost). The course's :func:`crm_helpers.kpi.lifecycle_stage`
splits the existing customers finer (active, won back, lapsed); :func:`seed_stages` folds
them back into the deck's four, so both views come from one rule.

>>> import pandas as pd
>>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3], "receipt_id": [1, 2, 3, 4],
...     "timestamp": pd.to_datetime(["2024-05-20", "2023-01-05", "2024-03-01", "2022-06-01"]),
...     "amount": [5.0, 8.0, 9.0, 4.0]})
>>> seed_stage_counts(tx, "2024-06-01")
seed_stage
潜在客户    0
新客户     1
老客户     1
流失客户    1
Name: customers, dtype: int64
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from . import _catalogue as cat
from . import kpi
from .schema import DataValidationError

__all__ = [
    "SEED_STAGES",
    "SEED_STAGE_OF",
    "bank_example",
    "lifecycle_actions",
    "crm_activities",
    "seed_stages",
    "seed_stage_counts",
]

#: The deck's four lifecycle stages, in order.
SEED_STAGES: tuple[str, ...] = tuple(s[0] for s in cat.LIFECYCLE_SEED_STAGES)
#: The course's fine stage (``kpi.STAGES``) → the deck's stage.
SEED_STAGE_OF: dict[str, str] = {
    fine: zh for zh, _en, fines, _act in cat.LIFECYCLE_SEED_STAGES for fine in fines
}


def bank_example() -> pd.DataFrame:
    """The deck's customer-centric bank: its life-stage groups and what each needs (the
    product-centric list of all six products is in ``attrs["product_centric"]``).

    >>> bank_example().loc[0, "life_stage_group"]
    '银发族'
    """
    groups = pd.DataFrame(
        cat.LIFE_STAGE_GROUPS, columns=["life_stage_group", "english", "needs (products)"]
    )
    groups.attrs["product_centric"] = [f"{zh} {en}" for zh, en in cat.BANK_PRODUCTS]
    return groups


def lifecycle_actions() -> pd.DataFrame:
    """The four stages with the course's fine stages and what to do at each.

    >>> list(lifecycle_actions()["stage"])
    ['潜在客户', '新客户', '老客户', '流失客户']
    """
    rows = [
        {"stage": zh, "english": en, "course_stages": ", ".join(fines), "action": act}
        for zh, en, fines, act in cat.LIFECYCLE_SEED_STAGES
    ]
    return pd.DataFrame(rows)


def crm_activities() -> pd.DataFrame:
    """获取、强化、维持 and the indicator each one moves.

    >>> crm_activities()["activity"].tolist()
    ['获取', '强化', '维持']
    """
    return pd.DataFrame(cat.CRM_ACTIVITIES, columns=["activity", "english", "lever"])


def seed_stages(stages: pd.DataFrame) -> pd.DataFrame:
    """Add ``seed_stage`` (潜在客户/新客户/老客户/流失客户) to a ``lifecycle_stage`` table.

    Raises :class:`DataValidationError` when the ``stage`` column is missing or holds a
    stage that is not one of ``kpi.STAGES``.

    >>> seed_stages(pd.DataFrame({"stage": ["lapsed", "new"]}))["seed_stage"].tolist()
    ['老客户', '新客户']
    """
    if "stage" not in stages.columns:
        raise DataValidationError(
            "The table needs a 'stage' column (from crm.kpi.lifecycle_stage); found columns: "
            + ", ".join(map(str, stages.columns))
        )
    unknown = sorted(set(stages["stage"].astype(str)) - set(SEED_STAGE_OF))
    if unknown:
        raise DataValidationError(
            f"Column 'stage' holds {unknown}; expected stages from {list(kpi.STAGES)}."
        )
    seed = stages["stage"].astype(str).map(SEED_STAGE_OF)
    out = stages.copy()
    out["seed_stage"] = pd.Categorical(seed, categories=list(SEED_STAGES), ordered=True)
    return out


def seed_stage_counts(
    tx: pd.DataFrame,
    as_of: str | datetime | pd.Timestamp,
    *,
    customers: pd.DataFrame | None = None,
    **thresholds: float,
) -> pd.Series:
    """Customers per deck stage on ``as_of`` (``thresholds`` as for ``kpi.lifecycle_stage``).

    New: first purchase less than ``new_days`` (90) before ``as_of``; lost: last purchase
    ``lost_days`` (365) or more before; existing: the other buyers. Prospects are counted
    only when ``customers`` is given.
    """
    stages = seed_stages(kpi.lifecycle_stage(tx, as_of, customers=customers, **thresholds))
    counts = stages["seed_stage"].value_counts().reindex(list(SEED_STAGES), fill_value=0)
    return counts.rename("customers").astype("int64")
