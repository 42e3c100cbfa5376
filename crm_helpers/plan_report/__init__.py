"""The plan-design report (企业客户关系管理CRM方案设计报告), generated from computed content.

Chapter 09's notebook calls :func:`write_report`: it prepares the data once
(:func:`~crm_helpers.plan_report.context.prepare`), adds the chosen parts to a
:class:`~crm_helpers.plan_report.document.PlanDocument` — Part 1, the group report
(:mod:`.group`); Part 2, one topic report per student (:mod:`.topic`); the six-hearts
appendix — and prints it to PDF in the output folder. The report is built from tables and
figures, never from the notebook's cells, so it holds no solutions, hidden tests or rubrics;
the instructor's key is a separate file, written only when asked for.

This package sits on top of :mod:`crm_helpers.plan` (analysis) and
:mod:`crm_helpers.plots_plan` (figures), like :mod:`crm_helpers.report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl

from crm_helpers import plan, plots, segment
from crm_helpers.plan_report import cache as report_cache
from crm_helpers.plan_report.context import PlanContext, prepare
from crm_helpers.plan_report.document import PlanDocument, cjk_share
from crm_helpers.plan_report.group import group_part
from crm_helpers.plan_report.topic import appendix_six_hearts, individual_part
from crm_helpers.schema import check_choice

__all__ = [
    "PARTS",
    "PlanContext",
    "PlanDocument",
    "prepare",
    "build_report",
    "instructor_key",
    "write_report",
    "cjk_share",
]

#: The parts a report can hold.
PARTS = ("group", "individual", "appendix")


def build_report(
    ctx: PlanContext, parts: Sequence[str] = PARTS, *, students: Sequence[str] | None = None
) -> PlanDocument:
    """The report document with the chosen ``parts`` (in the brief's order); Part 2 for all
    assigned students, or only those in ``students``.

    >>> build_report.__name__
    'build_report'
    """
    for p in parts:
        check_choice("report_parts", p, PARTS)
    if not parts:
        raise ValueError(f"report_parts is empty; choose some of {list(PARTS)}.")
    with mpl.rc_context(_cjk_rc()):
        return _build(ctx, parts, students)


def _cjk_rc() -> dict[str, object]:
    """matplotlib settings that draw the report's Chinese figure text (a CJK font first)."""
    font = plots.find_cjk_font()
    if font is None:
        return {}
    return {"font.family": "sans-serif", "axes.unicode_minus": False,
            "font.sans-serif": [font, *mpl.rcParams["font.sans-serif"]]}  # fmt: skip


def _build(ctx: PlanContext, parts: Sequence[str], students: Sequence[str] | None) -> PlanDocument:
    name = ctx.profile["company_name"]
    doc = PlanDocument(
        f"{name}: 客户关系管理CRM方案设计" if ctx.language == "zh" else f"{name}: CRM plan design",
        language=ctx.language,
        subtitle=ctx.profile.get("slogan", ""),
    )
    if "group" in parts:
        group_part(doc, ctx)
    if "individual" in parts:
        individual_part(doc, ctx, list(students) if students else None)
    if "appendix" in parts:
        appendix_six_hearts(doc)
    return doc


def instructor_key(ctx: PlanContext) -> PlanDocument:
    """The instructor's key (教师参考答案要点): the numbers a correct report shows, for
    marking. A separate document, never part of the student's report."""
    doc = PlanDocument(
        f"{ctx.profile['company_name']}: 教师参考 (不发给学生)", language=ctx.language
    )
    deciles = segment.decile_table(ctx.tx)
    top = float(deciles.loc[deciles["decile"] == 1, "sales_share"].iloc[0])
    first = plan.sales_deciles(ctx.tx).set_index("sales_decile").loc[1, "customer_share"]
    n = int(ctx.tx["customer_id"].nunique())
    level = plan.kotler_level(n, ctx.margin_rate, customer_thresholds=ctx.preset["customer_thresholds"],
                              margin_thresholds=ctx.preset["margin_thresholds"])  # fmt: skip
    inferred = plan.infer_indicators(ctx.assumptions)
    doc.para("学生报告中应出现的关键数值 (用于评阅; 不属于学生报告)。")
    doc.key_values(
        [("客户数", n), ("前10%客户的销售占比", f"{top:.1%}"),
         ("第一个销售十分位所需客户占比", f"{first:.1%}"), ("毛利率", f"{ctx.margin_rate:.1%}"),
         ("科特勒关系水平", level["name_zh"]), ("推断年销售额 (按假设)", f"{inferred.loc['total_sales', 'year']:,.0f}"),
         ("分配的专题", "; ".join(f"{s}: {t}" for s, t in ctx.assignments))],
        ("要点", "数值"),
    )  # fmt: skip
    return doc


def write_report(
    ctx: PlanContext,
    output_dir: str | Path,
    *,
    parts: Sequence[str] = PARTS,
    students: Sequence[str] | None = None,
    instructor: bool = False,
    name: str = "plan_report",
    cache: bool = True,
) -> dict[str, Path]:
    """Write the report PDF (``<name>.pdf``) and its HTML into ``output_dir``; with
    ``instructor=True`` also the instructor's key (``<name>_instructor_key.pdf``), a separate
    file. Returns the written paths by kind (``pdf``, ``html``, ``key``).

    With ``cache`` a report made before from the same data, choices and code is copied
    from the cache (:mod:`crm_helpers.plan_report.cache`) instead of drawn and printed."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / f"{name}.html", "pdf": out / f"{name}.pdf"}
    key = report_cache.report_key(ctx, parts, students) if cache else None
    if key is None or not report_cache.restore(key, paths):
        doc = build_report(ctx, parts, students=students)
        paths["html"].write_text(doc.html(), encoding="utf-8")
        doc.write_pdf(paths["pdf"], cache=cache)
        if key is not None:
            report_cache.store(key, paths)
    if instructor:
        key_pdf = out / f"{name}_instructor_key.pdf"
        paths["key"] = instructor_key(ctx).write_pdf(key_pdf, cache=cache)
    return paths
