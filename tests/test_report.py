"""PDF reports: Chinese as real text, pages that render, code optionally hidden."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crm_helpers import plots
from crm_helpers.report import PDFRequirementError, check_pdf_requirements, notebook_to_pdf

matplotlib.use("Agg")
pdfium = pytest.importorskip("pypdfium2")


def _figure_png() -> str:
    import matplotlib.pyplot as plt

    plots.setup_plotting()
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["一月", "二月", "三月"], [3, 5, 4])
    ax.set_title("月度销售额 monthly sales")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    """A small executed notebook: Chinese headings, a table, a figure, code with a marker."""
    code = new_code_cell("total = 客单价 = 123.4  # CODE-MARKER")
    code.outputs = [
        new_output("execute_result", data={
            "text/html": "<table><tr><th>指标</th><th>值</th></tr><tr><td>客单价</td><td>123.4</td></tr></table>",
            "text/plain": "客单价 123.4",
        }, execution_count=1),
        new_output("display_data", data={"image/png": _figure_png(), "text/plain": "<Figure>"}),
    ]  # fmt: skip
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 客户关系管理 Report\n\n## 1. 指标体系 Indicators\n\n购物频率 is visits per customer."),
            code,
            new_markdown_cell("## 2. 客户生命周期 Lifecycle"),
        ]
    )  # fmt: skip
    path = tmp_path_factory.mktemp("nb") / "report.ipynb"
    nbformat.write(nb, path)
    return path


def _pages(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def test_pdf_has_sections_and_chinese_as_text(executed, tmp_path):
    pdf = notebook_to_pdf(executed, tmp_path / "report.pdf")
    text = "\n".join(_pages(pdf))
    for section in ("客户关系管理 Report", "1. 指标体系 Indicators", "2. 客户生命周期 Lifecycle"):
        assert section in text
    assert "客单价" in text and "CODE-MARKER" in text
    assert "\ufffd" not in text  # no replacement characters


def test_pages_render_with_ink(executed, tmp_path):
    pdf = notebook_to_pdf(executed, tmp_path / "report.pdf")
    page = pdfium.PdfDocument(str(pdf))[0].render(scale=1).to_pil().convert("L")
    pixels = np.asarray(page)
    assert pixels.std() > 10, "the first page is blank"
    assert (pixels < 128).mean() > 0.005, "hardly any dark pixels: text or figure missing"


def test_hide_code_leaves_the_input_out(executed, tmp_path):
    pdf = notebook_to_pdf(executed, tmp_path / "nocode.pdf", hide_code=True)
    text = "\n".join(_pages(pdf))
    assert "CODE-MARKER" not in text and "客单价" in text


def test_missing_font_or_notebook_says_what_to_do(tmp_path):
    with pytest.raises(PDFRequirementError, match="apt-get install fonts-noto-cjk"):
        check_pdf_requirements(font="No Such CJK Font")
    with pytest.raises(FileNotFoundError, match="No notebook at .*Run it first"):
        notebook_to_pdf(tmp_path / "missing.ipynb")
