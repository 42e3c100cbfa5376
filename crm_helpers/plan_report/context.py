"""What every section of the plan report needs, computed once (方案报告的数据准备)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crm_helpers import plan
from crm_helpers.schema import DataValidationError
from crm_helpers.timeframe import analysis_date

__all__ = ["PlanContext", "prepare", "PROFILE_FIELDS"]

#: The company profile's fields; an empty value takes the industry preset's.
PROFILE_FIELDS = (
    "company_name", "introduction", "customer_groups", "product_list", "mission", "vision",
    "value_proposition", "company_value", "slogan", "swot", "development_strategy",
)  # fmt: skip


@dataclass
class PlanContext:
    """The data and choices behind one report."""

    tx: pd.DataFrame
    members: pd.DataFrame | None
    truth: Mapping[str, pd.DataFrame] | None
    as_of: pd.Timestamp
    preset: dict[str, Any]
    profile: dict[str, Any]
    language: str = "zh"
    seed: int = 0
    strategy: str = "retention"
    budget_share: float = 0.3
    cost_per_contact: float = 2.0
    margin_per_response: float = 30.0
    behaviour: str = "channel"
    assumptions: dict[str, float] = field(default_factory=dict)
    assignments: list[tuple[str, str]] = field(default_factory=list)
    quintile: pd.Series = field(default_factory=pd.Series)
    cube: pd.DataFrame = field(default_factory=pd.DataFrame)
    margin_rate: float = 0.25
    features: pd.DataFrame | None = None
    p_true: pd.Series | None = None

    @property
    def item_name(self) -> str:
        return "name_zh" if self.language == "zh" and "name_zh" in self.tx else "sku"

    @property
    def class_names(self) -> dict[int, str]:
        return dict(enumerate(self.preset["class_names"], start=1))


def _cube_in_chinese(cube: pd.DataFrame, tx: pd.DataFrame) -> pd.DataFrame:
    from crm_helpers.plan_report.document import _zh_value

    out = cube.copy()
    if "category_zh" in tx.columns and "category" in tx.columns:
        names = tx.drop_duplicates("category").set_index("category")["category_zh"].astype(str)
        out["product"] = out["product"].map(names).fillna(out["product"])
    out["behaviour"] = out["behaviour"].map(_zh_value)
    return out


def _assignments(
    preset: Mapping[str, Any], students: Sequence[str], topics: Sequence[str]
) -> list[tuple[str, str]]:
    known = list(preset["topics"])
    topics = list(topics) or known[: max(1, len(students))]
    students = list(students) or [f"学生{i + 1}" for i in range(len(topics))]
    if len(students) != len(topics):
        raise ValueError(
            f"students and topics pair up one to one: got {len(students)} students and "
            f"{len(topics)} topics."
        )
    bad = [t for t in topics if t not in known]
    if bad:
        raise ValueError(
            f"Unknown topic(s) {bad} for industry {preset['industry']!r}; choose from {known}."
        )
    return list(zip(students, topics, strict=True))


def _fill_cube(ctx: PlanContext, tx: pd.DataFrame) -> None:
    """Set ``ctx.behaviour`` (falling back to day type) and the CRM cube, in the language."""
    behaviour = ctx.behaviour
    if behaviour not in ("daytype", "daypart") and behaviour not in tx.columns:
        behaviour = "daytype"
    ctx.behaviour = behaviour
    ctx.cube = plan.crm_cube(tx, ctx.quintile, behaviour=behaviour)
    if ctx.language == "zh":
        ctx.cube = _cube_in_chinese(ctx.cube, tx)


def prepare(
    tx: pd.DataFrame,
    *,
    industry: str = "supermarket",
    members: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    truth: Mapping[str, pd.DataFrame] | None = None,
    as_of: object = None,
    profile: Mapping[str, Any] | None = None,
    students: Sequence[str] = (),
    topics: Sequence[str] = (),
    **choices: Any,
) -> PlanContext:
    """Join the (industry-relabelled) products, fill the profile from the preset, pair
    students with topics, and compute what several sections share: value quintiles, the cube,
    the margin rate, and (with the simulated ``truth``) campaign features and response truth.

    ``choices``: ``language``, ``seed``, ``strategy``, ``budget_share``, ``cost_per_contact``,
    ``margin_per_response``, ``behaviour``, ``assumptions``.
    """
    preset = plan.industry_preset(industry)
    if products is not None:
        products = plan.relabel_products(products, industry)
    tx = plan.with_products(tx, products)
    if tx.empty:
        raise DataValidationError("The transactions table is empty: there is nothing to report.")
    moment = analysis_date(tx, as_of)
    prof = {k: (profile or {}).get(k) or preset.get(k, "") for k in PROFILE_FIELDS}
    ctx = PlanContext(tx=tx, members=members, truth=truth, as_of=moment, preset=preset, profile=prof,
                      assignments=_assignments(preset, students, topics), **choices)  # fmt: skip
    ctx.assumptions = {**preset["assumptions"], **(ctx.assumptions or {})}
    ctx.quintile = plan.value_groups(tx, 5)
    _fill_cube(ctx, tx)
    if "unit_cost" in tx.columns and "quantity" in tx.columns:
        ctx.margin_rate = float(
            (tx["amount"] - tx["unit_cost"] * tx["quantity"]).sum() / tx["amount"].sum()
        )
    if truth is not None:
        ctx.features = plan.campaign_features(tx, moment)
        ctx.p_true = plan.response_probability(truth["customers"], truth["segments"])
    return ctx
