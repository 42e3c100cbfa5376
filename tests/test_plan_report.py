"""The plan-design report (chapter 08) end to end: the notebook runs with two sets of
parameters (another company, another strategy, another seed), becomes a PDF with the code
hidden, and the PDF has every section, Chinese as real text, the company's name, and pages
that render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from crm_helpers.course import run_notebook
from crm_helpers.report import PDFRequirementError, check_pdf_requirements, notebook_to_pdf

# one worker builds this module's expensive fixtures once (make test uses --dist loadgroup)
pytestmark = pytest.mark.xdist_group("plan_report")

pdfium = pytest.importorskip("pypdfium2")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "09_crm_plan_design.ipynb"

SECTIONS = [
    "1. Company profile 企业简介",
    "2. Base data under full membership 全会员制基础数据",
    "会员卡设计",
    "单笔销售记录",
    "商品结构",
    "指标体系",
    "3. Demand analysis 需求分析",
    "4. Customer analysis 客户分析",
    "十分位分析",
    "客户档案",
    "5. Strategy directions 策略方向",
    "6. Three-dimensional analysis framework 三维分析框架",
    "7. Relationship space strategy 关系空间策略",
    "8. The CRM process in two rounds CRM流程",
    "9. Evaluation and feedback 评估与反馈",
]

RUNS = {
    "default": {"seed": 3, "n_customers": 800},
    "second": {
        "seed": 5,
        "n_customers": 800,
        "company_name": "山城火锅食材店 Shancheng Hotpot Supplies",
        "slogan": "麻辣每一天 Spicy every day",
        "strategy": "win_back",
        "cube_behaviour": "daytype",
    },
}


def _requirements() -> None:
    try:
        check_pdf_requirements()
    except PDFRequirementError as err:  # pragma: no cover - depends on the machine
        pytest.skip(str(err))


@pytest.fixture(scope="module", params=list(RUNS), ids=list(RUNS))
def report(request, tmp_path_factory):
    _requirements()
    folder = tmp_path_factory.mktemp(request.param)
    params = {**RUNS[request.param], "output_dir": str(folder / "outputs")}
    executed = run_notebook(NOTEBOOK, folder / "09.ipynb", params)
    pdf = notebook_to_pdf(executed, folder / "09.pdf", hide_code=True)
    results = json.loads((folder / "outputs" / "results.json").read_text(encoding="utf-8"))
    return request.param, pdf, results


def _text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_the_pdf_has_every_section_and_the_company(report):
    name, pdf, results = report
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    text = _squash(_text(pdf))
    missing = [s for s in SECTIONS if _squash(s) not in text]
    assert not missing, f"sections missing from the PDF: {missing}"
    company = RUNS[name].get("company_name", "鲜享汇超市 FreshJoy Market")
    assert _squash(company) in text
    assert results["values"]["company_name"] == company
    assert results["values"]["strategy"] == RUNS[name].get("strategy", "retention")
    # the chosen strategy is applied in depth
    assert _squash(RUNS[name].get("strategy", "retention")) in text


def test_chinese_is_text_and_the_code_is_hidden(report):
    _, pdf, _ = report
    text = _text(pdf)
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 200
    assert "crm.load_transactions(" not in text  # code input left out
    assert "plan.crm_cube(" not in text


def test_pages_render_and_are_not_blank(report):
    _, pdf, _ = report
    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) >= 10
    for i in (0, len(doc) // 2):
        image = np.asarray(doc[i].render(scale=1).to_pil().convert("L"))
        dark = (image < 128).mean()
        assert 0.005 < dark < 0.5, f"page {i + 1} looks blank or black ({dark:.3%} dark pixels)"


def test_both_rounds_beat_random_targeting_in_the_report(report):
    _, _, results = report
    rounds = results["values"]["rounds"]
    random = results["values"]["random_round"]
    # that round 2 beats round 1 is tested over seeds, on a larger base, in test_plan.py:
    # with 800 customers a round brings only ~15 responses to learn from
    for name in ("round 1", "round 2"):
        assert rounds[name]["expected_responses"] > random["expected_responses"]
