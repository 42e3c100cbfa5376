"""The plan report as a document (方案报告文档): headings, paragraphs, tables and figures in
one language, laid out as HTML and printed to PDF with :func:`crm_helpers.report.html_to_pdf`.

The report is built from computed content only (tables and figures), never from notebook
cells, so it cannot carry solutions, hidden tests or rubrics. Tables are translated
(column labels and known values) and sized to fit an A4 page; figures are embedded as
PNG ``data:`` URIs (the only URLs the PDF route accepts).
"""

from __future__ import annotations

import base64
import html as _html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from crm_helpers.schema import check_choice

__all__ = ["LANGUAGES", "COLUMN_LABELS", "VALUE_LABELS", "PlanDocument", "cjk_share"]

LANGUAGES = ("zh", "en")

#: Column name → (Chinese, English) label for the report's tables.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "period": ("期间", "period"), "total_sales": ("销售总额", "total sales"),
    "visits": ("客数(人次)", "visits"), "customers": ("客户数", "customers"),
    "avg_basket": ("平均客单价", "average basket"), "max_basket": ("最高客单价", "highest basket"),
    "min_basket": ("最低客单价", "lowest basket"),
    "purchase_frequency": ("购物频率(次)", "purchase frequency"),
    "year": ("年", "year"), "quarter": ("季", "quarter"), "month": ("月", "month"),
    "week": ("周", "week"), "formula": ("推断公式", "formula"),
    "name_zh": ("名称", "name"), "name_en": ("名称", "name"), "category_zh": ("品类", "category"),
    "quantity": ("数量", "quantity"), "unit_price": ("单价", "unit price"),
    "discount": ("折扣", "discount"), "amount": ("金额", "amount"), "sales": ("销售额", "sales"),
    "sales_share": ("销售占比", "sales share"), "products": ("商品数", "products"),
    "margin": ("毛利", "margin"), "margin_rate": ("毛利率", "margin rate"),
    "receipts": ("小票数", "receipts"), "region": ("区域", "region"), "members": ("会员数", "members"),
    "buyers": ("购买人数", "buyers"), "sales_per_member": ("会员人均销售额", "sales per member"),
    "customer_id": ("会员编号", "member id"), "city_zh": ("城市", "city"),
    "frequency": ("购买次数", "frequency"), "monetary": ("消费金额", "monetary"),
    "recency_days": ("距最近购买天数", "days since last purchase"), "rank": ("排名", "rank"),
    "customer_class": ("客户组", "customer class"), "earlier": ("前期销售额", "earlier sales"),
    "later": ("近期销售额", "later sales"), "growth": ("增长率", "growth"),
    "leader_buyers": ("意见领袖购买人数", "leader buyers"),
    "leader_penetration": ("意见领袖渗透率", "leader penetration"),
    "all_penetration": ("全体渗透率", "overall penetration"), "lift": ("提升度", "lift"),
    "decile": ("客户十分位", "customer decile"), "sales_decile": ("销售十分位", "sales decile"),
    "customer_share": ("客户占比", "customer share"),
    "cum_sales_share": ("累计销售占比", "cumulative sales share"),
    "group": ("组别", "group"), "description": ("描述", "description"),
    "top_category": ("偏好品类", "top category"), "value_decile": ("价值十分位", "value decile"),
    "stage": ("生命周期阶段", "lifecycle stage"), "age": ("年龄", "age"),
    "field_zh": ("字段", "field"), "group_zh": ("类别", "group"), "purpose_zh": ("用途", "purpose"),
    "type_zh": ("类型", "type"), "level": ("关系水平", "level"),
    "what_zh": ("企业的做法", "what the company does"), "step": ("步骤", "step"),
    "role": ("负责人", "role"), "content": ("内容", "content"), "report": ("报表", "report"),
    "columns": ("栏目", "columns"), "weight": ("权重", "weight"), "criterion": ("评定标准", "criterion"),
    "score": ("得分", "score"), "rated": ("被评定人", "rated"), "rated_by": ("评定人", "rated by"),
    "item": ("项目", "item"), "value": ("数值", "value"), "finding": ("发现", "finding"),
    "share": ("占比", "share"), "axis": ("维度", "axis"), "measure": ("指标", "measure"),
    "change": ("变化", "change"), "baseline": ("随机对照", "random baseline"),
    "round 1": ("第一轮", "round 1"), "round 2": ("第二轮", "round 2"),
    "student": ("学生", "student"), "topic_zh": ("业务专题", "topic"),
    "direction_zh": ("策略方向", "direction"), "offer_zh": ("优惠/接触方式", "offer"),
    "goal_zh": ("目标", "goal"), "target_zh": ("目标客户", "target"),
    "actions_zh": ("措施", "actions"), "measure_zh": ("衡量指标", "measure"),
    "assumption": ("假设", "assumption"), "feature": ("特征", "feature"),
    "coefficient": ("系数", "coefficient"), "response_rate": ("响应率", "response rate"),
    "contacts": ("接触人数", "contacts"), "stakeholder": ("利益相关者", "stakeholder"),
    "proposition": ("价值主张", "value proposition"), "swot": ("SWOT", "SWOT"),
    "text": ("内容", "content"),
}  # fmt: skip

#: Known cell values (English) → Chinese, for the "zh" report.
VALUE_LABELS: dict[str, str] = {
    "store": "门店", "online": "网店", "app": "APP", "East": "华东", "North": "华北",
    "South": "华南", "Central": "华中", "Southwest": "西南", "Northwest": "西北",
    "Northeast": "东北", "champions": "冠军客户", "loyal": "忠诚客户",
    "potential loyalists": "潜在忠诚客户", "new": "新客户", "promising": "有潜力客户",
    "need attention": "需要关注", "about to sleep": "即将沉睡", "at risk": "有流失风险",
    "can't lose": "不能失去", "hibernating": "沉睡客户", "lost": "流失客户",
    "active": "活跃", "won_back": "挽回客户", "churned": "流失客户", "lapsed": "流失中", "prospect": "潜在客户", "many": "多",
    "medium": "中等", "few": "少", "low": "低", "high": "高",
    "basic": "基本型", "reactive": "反应型", "accountable": "可靠型", "proactive": "主动型",
    "partnership": "合伙型", "rfm_score": "RFM总分", "promo_share": "促销购买占比",
    "recent_receipts": "近90天小票数", "contacts": "接触人数", "cost": "成本",
    "expected_responses": "预期响应数", "expected_response_rate": "预期响应率",
    "responses": "实际响应数", "response_rate": "实际响应率", "expected_margin": "预期毛利",
    "expected_profit": "预期利润", "expected_roi": "预期投资回报率",
    "cost_per_response": "每响应成本", "target_sales_per_customer": "目标客户人均历史消费",
    "targets": "目标人数", "avg_basket": "平均客单价", "expected_sales": "预期销售额",
}  # fmt: skip

_SHARE = re.compile(r"(share|rate|growth|penetration|roi|weight)$")
_INTLIKE = {"customer_class", "value_decile", "group", "decile", "sales_decile", "age", "rank"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def cjk_share(text: str) -> float:
    """The share of Chinese characters among the letters (CJK + Latin) of ``text``.

    >>> round(cjk_share("客户 CRM"), 2)
    0.4
    """
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def _zh_value(v: object) -> object:
    if not isinstance(v, str):
        return v
    if v in VALUE_LABELS:
        return VALUE_LABELS[v]
    if _CJK.search(v) and _LATIN.search(v):  # "weekend 周末" → "周末"
        kept = [w for w in v.split() if _CJK.search(w)]
        return " ".join(kept) if kept else v
    return v


def _fmt(col: str, v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, (bool,)):
        return "是" if v else "否"
    if isinstance(v, (int,)) or (hasattr(v, "dtype") and "int" in str(getattr(v, "dtype", ""))):
        return f"{int(v):,}"
    if isinstance(v, float):
        if col in _INTLIKE and float(v).is_integer():
            return f"{int(v)}"
        if _SHARE.search(str(col)):
            return f"{v:.1%}"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.2f}"
    return str(v)


def _width(text: str) -> float:
    """Printed width of a text in Latin characters (a Chinese character is about 1.8)."""
    return len(text) + 0.8 * len(_CJK.findall(text))


def _colgroup(rows: pd.DataFrame, cols: Sequence[str], heads: Sequence[str]) -> str:
    """Column widths in proportion to the longest text of each column (4 … 40 characters),
    so that long texts get room and short numbers do not."""
    weights = []
    for c, h in zip(cols, heads, strict=True):
        head = min(_width(str(h)), 10)  # a long heading may wrap, a number should not
        longest = max([head, *(_width(str(v)) for v in rows[c].head(40))])
        weights.append(min(max(longest, 5), 40))
    total = sum(weights) or 1
    return (
        "<colgroup>"
        + "".join(f'<col style="width:{100 * w / total:.1f}%"/>' for w in weights)
        + "</colgroup>"
    )


class PlanDocument:
    """A report in one language: add headings, paragraphs, tables and figures in order;
    :meth:`html` lays them out, :meth:`write_pdf` prints them.

    >>> doc = PlanDocument("方案", language="zh")
    >>> doc.heading("企业简介", "Company profile")
    >>> doc.table(pd.DataFrame({"sales": [1.5], "sales_share": [0.25]}))
    >>> "销售占比" in doc.html() and "25.0%" in doc.html()
    True
    """

    def __init__(self, title: str, *, language: str = "zh", subtitle: str = "") -> None:
        check_choice("language", language, LANGUAGES)
        self.language = language
        self.title = title
        self.subtitle = subtitle
        self.blocks: list[str] = []
        self._figures = 0

    # -- text
    def t(self, zh: str, en: str) -> str:
        """The text in the document's language."""
        return zh if self.language == "zh" else en

    def heading(self, zh: str, en: str, level: int = 2, *, new_page: bool = False) -> None:
        """A heading (level 1: a part of the report; 2: a section; 3: a subsection)."""
        style = ' style="page-break-before: always"' if new_page else ""
        self.blocks.append(f"<h{level}{style}>{_html.escape(self.t(zh, en))}</h{level}>")

    def para(self, zh: str, en: str = "") -> None:
        """A paragraph; ``**bold**`` is kept as bold."""
        text = _html.escape(self.t(zh, en or zh))
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        self.blocks.append(f"<p>{text}</p>")

    def bullets(self, items: Sequence[str]) -> None:
        """A bulleted list of texts (already in the document's language)."""
        lis = "".join(f"<li>{_html.escape(str(i))}</li>" for i in items)
        self.blocks.append(f"<ul>{lis}</ul>")

    def page_break(self) -> None:
        self.blocks.append('<div style="page-break-after: always"></div>')

    # -- tables
    def label(self, col: object) -> str:
        """A column's label in the document's language."""
        pair = COLUMN_LABELS.get(str(col))
        if pair is None:
            return str(col)
        return pair[0] if self.language == "zh" else pair[1]

    def table(
        self,
        df: pd.DataFrame,
        columns: Sequence[str] | None = None,
        *,
        max_rows: int = 40,
        caption: tuple[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        index: bool = False,
    ) -> None:
        """A table: the given ``columns`` (default all), at most ``max_rows`` rows, labels
        and known values translated, numbers formatted (shares as percentages)."""
        frame = df.reset_index() if index else df
        cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
        rows = frame[cols].head(max_rows)
        heads = [(labels or {}).get(str(c), self.label(c)) for c in cols]
        body = []
        for _, r in rows.iterrows():
            cells = []
            for c in cols:
                v = _zh_value(r[c]) if self.language == "zh" else r[c]
                cells.append(f"<td>{_html.escape(_fmt(str(c), v))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        cap = ""
        if caption:
            cap = f"<caption>{_html.escape(self.t(*caption))}</caption>"
        size = "small" if len(cols) > 7 else ""
        head = "".join(f"<th>{_html.escape(h)}</th>" for h in heads)
        self.blocks.append(
            f'<table class="{size}">{cap}{_colgroup(rows, cols, heads)}<thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>"
        )
        if len(frame) > max_rows:
            self.para(
                f"(共 {len(frame):,} 行, 此处列出前 {max_rows} 行。)",
                f"({len(frame):,} rows; the first {max_rows} are shown.)",
            )

    def key_values(self, pairs: Sequence[tuple[str, object]], heads: tuple[str, str]) -> None:
        """A two-column table of (label, value) pairs; ``heads`` are the column labels."""
        df = pd.DataFrame(pairs, columns=["item", "value"])
        self.table(df, labels={"item": heads[0], "value": heads[1]})

    # -- figures
    def figure(
        self,
        fig: Any,
        caption: tuple[str, str] | None = None,
        *,
        full_page: bool = False,
        laid_out: bool = False,
    ) -> None:
        """A matplotlib figure as an embedded PNG (closed afterwards), drawn once
        (:func:`crm_helpers.plots.png`): cropped to its content, or with ``laid_out=True``
        (fitted already by ``tight_layout``) as it is."""
        import matplotlib.pyplot as plt

        from crm_helpers.plots import png

        data = base64.b64encode(png(fig, dpi=110, tight=not laid_out)).decode("ascii")
        plt.close(fig)
        self._figures += 1
        cls = "full" if full_page else "fig"
        cap = f"<figcaption>{_html.escape(self.t(*caption))}</figcaption>" if caption else ""
        brk = ' style="page-break-before: always"' if full_page else ""
        self.blocks.append(
            f'<figure class="{cls}"{brk}><img src="data:image/png;base64,{data}"/>{cap}</figure>'
        )

    # -- output
    def html(self) -> str:
        """The whole document as HTML (with its own print styles)."""
        lang = "zh-CN" if self.language == "zh" else "en"
        sub = f"<p class='sub'>{_html.escape(self.subtitle)}</p>" if self.subtitle else ""
        return (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{_html.escape(self.title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1 class='title'>{_html.escape(self.title)}</h1>{sub}"
            + "\n".join(self.blocks)
            + "</body></html>"
        )

    def write_pdf(self, path: str | Path, *, cache: bool = True) -> Path:
        """Print the document to ``path`` (a PDF) with :func:`crm_helpers.report.html_to_pdf`.

        With ``cache`` the PDF is kept in ``cache_dir()/plan_report/`` under
        :func:`crm_helpers.report.pdf_cache_key` (the HTML and the renderer): the same document
        printed again (a re-run with the same seed, scale and choices) is copied instead of
        laid out again. A cache folder that cannot be written is skipped.
        """
        from crm_helpers.report import html_to_pdf

        from .cache import cache_folder

        return html_to_pdf(self.html(), path, cache_dir=cache_folder() if cache else None)


_STYLE = """
body { font-size: 9.5pt; }
h1.title { font-size: 20pt; text-align: center; margin-top: 30mm; }
p.sub { text-align: center; font-size: 12pt; color: #444; }
h1 { font-size: 16pt; border-bottom: 1.5pt solid #1f4e79; color: #1f4e79; }
h2 { font-size: 13pt; color: #1f4e79; margin-top: 12pt; }
h3 { font-size: 11pt; margin-top: 9pt; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; margin: 4pt 0 8pt 0;
        font-size: 8pt; }
table.small { font-size: 7pt; }
th { background: #dbe9f6; }
th, td { border: 0.4pt solid #999; padding: 1.5pt 3pt; overflow-wrap: anywhere;
         word-break: break-all; vertical-align: top; }
caption { caption-side: top; font-weight: bold; text-align: left; padding-bottom: 2pt; }
figure { margin: 6pt 0; text-align: center; page-break-inside: avoid; }
figure.fig img { max-width: 100%; max-height: 120mm; }
figure.full img { max-width: 100%; max-height: 245mm; }
figcaption { font-size: 8.5pt; color: #333; }
"""
