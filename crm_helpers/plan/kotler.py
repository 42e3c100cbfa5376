"""Kotler's relationship levels (客户关系空间策略): the level from customers × margin."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_helpers._catalogue import KOTLER_LEVEL_NAMES

__all__ = ["kotler_level", "kotler_matrix", "KOTLER_LEVELS"]

KOTLER_LEVELS = pd.DataFrame(
    [(k, zh, en, what_en, what_zh) for k, zh, en, what_zh, what_en in KOTLER_LEVEL_NAMES],
    columns=["level", "name_zh", "name_en", "what_the_company_does", "what_zh"],
)
"""Kotler's five relationship levels (关系营销的五个层次)."""

_KOTLER = {
    "many": ("basic", "reactive", "accountable"),
    "medium": ("reactive", "accountable", "proactive"),
    "few": ("accountable", "proactive", "partnership"),
}
_MARGINS = ("low", "medium", "high")


def _check_thresholds(name: str, pair: tuple[float, float]) -> None:
    if len(pair) != 2 or not 0 <= pair[0] < pair[1]:
        raise ValueError(
            f"{name} must be two increasing non-negative numbers (low, high); got {pair}."
        )


def _classes(
    n_customers: float,
    margin_rate: float,
    customer_thresholds: tuple[float, float],
    margin_thresholds: tuple[float, float],
) -> tuple[str, str]:
    """The customers class (few/medium/many) and margin class (low/medium/high), checked."""
    _check_thresholds("customer_thresholds", customer_thresholds)
    _check_thresholds("margin_thresholds", margin_thresholds)
    if n_customers < 0 or not np.isfinite(n_customers):
        raise ValueError(f"n_customers must be a non-negative number; got {n_customers}.")
    if not np.isfinite(margin_rate):
        raise ValueError(f"margin_rate must be a finite number; got {margin_rate}.")
    few, many = customer_thresholds
    low, high = margin_thresholds
    cclass = "few" if n_customers < few else ("many" if n_customers >= many else "medium")
    mclass = "low" if margin_rate < low else ("high" if margin_rate >= high else "medium")
    return cclass, mclass


def _reasoning(
    n_customers: float,
    margin_rate: float,
    classes: tuple[str, str, str, str],
    customer_thresholds: tuple[float, float],
    margin_thresholds: tuple[float, float],
) -> tuple[str, str]:
    """The reasoning behind a Kotler level, in English and Chinese."""
    cclass, mclass, level, zh = classes
    few, many = customer_thresholds
    low, high = margin_thresholds
    reasoning = (
        f"{n_customers:,.0f} customers is '{cclass}' (few < {few:,.0f} ≤ medium < {many:,.0f} ≤ "
        f"many) and a margin rate of {margin_rate:.1%} is '{mclass}' (low < {low:.0%} ≤ medium "
        f"< {high:.0%} ≤ high). Kotler's matrix gives '{level}' ({zh}): "
        + {
            "basic": "the margin per customer cannot pay for personal follow-up of so many customers.",
            "reactive": "customers are invited to reach the company; the company does not reach out to each.",
            "accountable": "a follow-up after the sale is affordable and pays back in satisfaction.",
            "proactive": "regular contact with new offers is worth its cost at this margin and scale.",
            "partnership": "few customers with high margins: each relationship deserves joint work.",
        }[level]
    )  # fmt: skip
    cz = {"few": "少", "medium": "中等", "many": "多"}[cclass]
    mz = {"low": "低", "medium": "中等", "high": "高"}[mclass]
    reasoning_zh = (
        f"客户数 {n_customers:,.0f} 属于「{cz}」(少 < {few:,.0f} ≤ 中等 < {many:,.0f} ≤ 多), "
        f"边际利润率 {margin_rate:.1%} 属于「{mz}」(低 < {low:.0%} ≤ 中等 < {high:.0%} ≤ 高)。"
        f"按科特勒的客户数 × 边际利润矩阵, 选择「{zh}」关系: "
        + KOTLER_LEVELS.set_index("level").loc[level, "what_zh"]
        + "。"
    )
    return reasoning, reasoning_zh


def kotler_level(
    n_customers: float,
    margin_rate: float,
    *,
    customer_thresholds: tuple[float, float] = (100, 10_000),
    margin_thresholds: tuple[float, float] = (0.15, 0.35),
) -> pd.Series:
    """Kotler's relationship level (关系水平) from the number of customers and the margin.

    The number of customers is *few* below ``customer_thresholds[0]``, *many* from
    ``customer_thresholds[1]`` on, else *medium*; the margin rate (gross margin ÷ sales) is
    *low* below ``margin_thresholds[0]``, *high* from ``margin_thresholds[1]`` on, else
    *medium* (a value on a threshold belongs to the upper class). Kotler's matrix:

    ==========  ===========  ===========  ===========
    customers   low margin   medium       high margin
    ==========  ===========  ===========  ===========
    many        basic        reactive     accountable
    medium      reactive     accountable  proactive
    few         accountable  proactive    partnership
    ==========  ===========  ===========  ===========

    The reasoning: with many customers and thin margins a relationship cost per customer
    cannot be recovered, so service stays basic; with few customers and high margins each
    relationship is worth a partnership.

    Returns a Series: ``level``, ``name_zh``, ``customers_class``, ``margin_class``,
    ``reasoning`` (English) and ``reasoning_zh``.

    >>> kotler_level(50_000, 0.10)["level"]
    'basic'
    >>> kotler_level(40, 0.5)["level"]
    'partnership'
    """
    cclass, mclass = _classes(n_customers, margin_rate, customer_thresholds, margin_thresholds)
    level = _KOTLER[cclass][_MARGINS.index(mclass)]
    zh = KOTLER_LEVELS.set_index("level").loc[level, "name_zh"]
    reasoning, reasoning_zh = _reasoning(
        n_customers,
        margin_rate,
        (cclass, mclass, level, zh),
        customer_thresholds,
        margin_thresholds,
    )
    return pd.Series(
        {"level": level, "name_zh": zh, "customers_class": cclass, "margin_class": mclass,
         "reasoning": reasoning, "reasoning_zh": reasoning_zh}
    )  # fmt: skip


def kotler_matrix() -> pd.DataFrame:
    """Kotler's matrix as a table (rows: many, medium, few customers; columns: margin).

    >>> kotler_matrix().loc["few", "high"]
    'partnership'
    """
    return pd.DataFrame(_KOTLER, index=list(_MARGINS)).T.rename_axis(
        index="customers", columns="margin"
    )
