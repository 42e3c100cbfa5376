"""The plan-design report (chapter 09) end to end: the notebook runs in Chinese for the
supermarket and the hotel presets (small data), writes ``plan_report.pdf`` into its output
folder, and the PDF has every element of the brief, is mostly Chinese, holds no grading
material, fits its tables on the page and renders its pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest

from crm_helpers.course import run_notebook
from crm_helpers.report import PDFRequirementError, check_pdf_requirements
from crm_helpers.report.pdf import PAGE_MARGIN_MM

# one worker builds this module's expensive fixtures once (make test uses --dist loadgroup)
pytestmark = pytest.mark.xdist_group("plan_report")

pdfium = pytest.importorskip("pypdfium2")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "09_crm_plan_design.ipynb"

PART1 = [
    "第一部分:小组报告", "一、企业简介", "市场顾客群描述", "主要产品名录", "五大利益相关者的价值主张",
    "主广告语", "SWOT分析", "发展战略", "二、企业基础数据(指标体系与指标值推断)", "全会员制",
    "会员卡设计", "单笔销售记录", "主要商品结构", "市场区域与客户清单", "按年统计的指标",
    "按季统计的指标", "按月统计的指标", "按周指标", "指标值推断", "推断值,不是实际数据",
    "三、市场需求分析", "畅销品(总体与顾客分类)", "潜在市场需求", "将来市场需求", "意见领袖的定义",
    "四、十分位分析", "顾客十分位", "销售十分位", "客户档案设计", "1组客户描述", "5组客户描述",
    "10组客户描述", "六、五大策略方向", "应用举例", "三维分析框架", "八、客户关系空间策略",
    "基本型", "反应型", "可靠型", "主动型", "合伙型", "九、CRM流程与应用", "CRM业务专题目录",
]  # fmt: skip
PART2 = [
    "第二部分:个人专题报告", "业务专题简介", "业务流程设计", "业务报表设计", "CRM流程图示",
    "CRM流程第一轮", "CRM流程第二轮", "知识发现", "目标与市场计划", "客户互动", "分析提炼",
    "第一轮知识发现:三维分析框架", "两轮对比", "CRM运行两轮示意图",
]  # fmt: skip
APPENDIX = ["附录:“六心”服务评定标准", "逐级考核", "店长", "店务执行经理", "市场营销部总监", "诚心",
            "六心服务评定表"]  # fmt: skip
GRADING = ["BEGIN SOLUTION", "END SOLUTION", "HIDDEN", "hidden test", "rubric", "评分标准",
           "model answer", "参考答案", "教师参考"]  # fmt: skip

RUNS = {
    "supermarket": {"seed": 3, "n_customers": 800, "industry": "supermarket"},
    "hotel": {"seed": 5, "n_customers": 800, "industry": "hotel", "strategy": "win_back",
              "students": ["王芳", "赵强"], "topics": ["after_stay_call", "corporate"]},
}  # fmt: skip


@pytest.fixture(scope="module", params=list(RUNS), ids=list(RUNS))
def report(request, tmp_path_factory):
    try:
        check_pdf_requirements()
    except PDFRequirementError as err:  # pragma: no cover - depends on the machine
        pytest.skip(str(err))
    folder = tmp_path_factory.mktemp(request.param)
    params = {**RUNS[request.param], "language": "zh", "output_dir": str(folder / "outputs")}
    executed = run_notebook(NOTEBOOK, folder / "09.ipynb", params)
    results = json.loads((folder / "outputs" / "results.json").read_text(encoding="utf-8"))
    pdf = folder / "outputs" / results["values"]["report_files"]["pdf"]
    return request.param, pdf, executed


def _text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_the_pdf_is_in_the_output_folder_with_every_element(report):
    name, pdf, _ = report
    assert pdf.is_file() and pdf.parent.name == "outputs"
    assert len(pdfium.PdfDocument(str(pdf))) >= 12
    text = _squash(_text(pdf))
    missing = [s for s in PART1 + PART2 + APPENDIX if _squash(s) not in text]
    assert not missing, f"elements missing from the PDF: {missing}"
    # one topic report per student, each with its own two-round diagram
    students = RUNS[name].get("students", ["张明", "李华"])
    for student in students:
        assert f"({student})" in text
    assert text.count("CRM运行两轮示意图(一整页)") == len(students)


def test_the_hotel_follows_the_brief_example(report):
    name, pdf, _ = report
    if name != "hotel":
        pytest.skip("the brief's example is the hotel")
    text = _squash(_text(pdf))
    assert "选择:可靠型" in text  # the brief: deciles → 可靠型 for the budget hotel
    assert "退房后回访" in text and "速8酒店" in text


def test_mostly_chinese_and_no_grading_material(report):
    _, pdf, _ = report
    text = _text(pdf)
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    assert cjk / (cjk + latin) >= 0.70, f"only {cjk / (cjk + latin):.0%} of the letters are Chinese"
    lower = text.lower()
    leaked = [g for g in GRADING if g.lower() in lower]
    assert not leaked, f"grading material in the student's report: {leaked}"
    assert "crm.load_transactions(" not in text  # no notebook code either


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler's pdftotext")
def test_every_table_fits_the_page(report, tmp_path):
    _, pdf, _ = report
    out = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(out)], check=True)
    html = out.read_text(encoding="utf-8")
    _, right_mm, _, left_mm = PAGE_MARGIN_MM
    right, left = right_mm / 25.4 * 72, left_mm / 25.4 * 72
    outside = []
    for k, page in enumerate(html.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for m in re.finditer(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', page):
            # the print stylesheet's side margins (the page number sits inside them too)
            if float(m.group(2)) > width - right + 0.5 or float(m.group(1)) < left - 0.5:
                outside.append((k, m.group(3)))
    assert not outside, f"words past the page margins: {outside[:10]}"


def test_pages_render_and_figures_have_their_chinese_font(report):
    _, pdf, executed = report
    doc = pdfium.PdfDocument(str(pdf))
    for i in (0, len(doc) // 2, len(doc) - 1):
        image = np.asarray(doc[i].render(scale=1).to_pil().convert("L"))
        dark = (image < 128).mean()
        assert 0.003 < dark < 0.5, f"page {i + 1} looks blank or black ({dark:.3%} dark pixels)"
    # matplotlib warns "Glyph ... missing from font" when a figure cannot draw Chinese
    nb = nbformat.read(executed, as_version=4)
    streams = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [s for s in streams if "missing from font" in s]
