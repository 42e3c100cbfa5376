"""PDF reports: Chinese as real text, pages that render, code optionally hidden."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pypdfium2 as pdfium  # a test dependency: a missing one fails, never skips
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crm_helpers import plots
from crm_helpers.report import PDFRequirementError, check_pdf_requirements, notebook_to_pdf

matplotlib.use("Agg")


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


def test_an_unchanged_pdf_comes_from_the_cache_and_a_change_is_laid_out(
    executed, tmp_path, monkeypatch
):
    import weasyprint

    from crm_helpers.report import html_to_pdf, notebook_to_html

    cache = tmp_path / "cache"
    first = notebook_to_pdf(executed, tmp_path / "a.pdf", cache_dir=cache)
    assert [p.suffix for p in cache.iterdir()] == [".pdf"]

    def no_layout(*args, **kwargs):
        raise AssertionError("laid out again")

    monkeypatch.setattr(weasyprint, "HTML", no_layout)
    second = notebook_to_pdf(executed, tmp_path / "b.pdf", cache_dir=cache)
    assert second.read_bytes() == first.read_bytes()
    html = notebook_to_html(executed)
    with pytest.raises(AssertionError, match="laid out again"):  # one more paragraph: a miss
        html_to_pdf(html.replace("</body>", "<p>新的一段</p></body>"), tmp_path / "c.pdf",
                    base_url=executed.parent, cache_dir=cache)  # fmt: skip
    with pytest.raises(AssertionError, match="laid out again"):  # no cache: always laid out
        notebook_to_pdf(executed, tmp_path / "d.pdf")


def test_pdf_command_writes_each_chapter_with_two_jobs(executed, tmp_path):
    from crm_helpers.course import main

    copies = []
    for stem in ("01_one", "02_two"):
        copies.append(tmp_path / f"{stem}.ipynb")
        copies[-1].write_bytes(executed.read_bytes())
    out = tmp_path / "pdf"
    args = ["pdf", *map(str, copies), "--jobs", "2", "--no-cache", "--output", str(out)]
    assert main(args) == 0
    for stem in ("01_one", "02_two"):
        assert "客户生命周期" in "".join(_pages(out / f"{stem}.pdf"))
    assert not (tmp_path / "cache").exists()


# --------------------------------------------------------------------------- course exports
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _grader(cell, **meta):
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "grade": False,
                                 "solution": False, **meta}  # fmt: skip
    return cell


@pytest.fixture(scope="module")
def course_like(tmp_path_factory) -> Path:
    """An executed instructor notebook like the course's: a widget output (live view plus
    static fallback), an exercise with its solution, check cell and rubric, an empty code
    cell, a wide table of long floats."""
    widget = new_code_cell("crm.widgets.SegmentExplorer(rfm)")
    widget.outputs = [new_output("execute_result", data={
        WIDGET_VIEW: {"model_id": "abc123", "version_major": 2, "version_minor": 0},
        "text/html": f"<div><b>STATIC-VIEW 静态视图</b><table><tr><td>1</td></tr></table>"
                     f"<img src='data:image/png;base64,{_figure_png()}'/></div>",
        "text/plain": "SegmentExplorer(...)",
    }, execution_count=1)]  # fmt: skip
    answer = _grader(new_code_cell("x = None\n### BEGIN SOLUTION\nx = 'SECRET-ANSWER'\n### END SOLUTION\nx"),
                     solution=True, grade_id="ex-1-answer")  # fmt: skip
    answer.outputs = [new_output("execute_result", data={"text/plain": "'SECRET-ANSWER'"})]
    check = _grader(new_code_cell('crm.check("01.1", x)\n### BEGIN HIDDEN TESTS\nassert x == "HIDDEN-MARKER"\n### END HIDDEN TESTS'),
                    grade=True, locked=True, points=1, grade_id="ex-1-check")  # fmt: skip
    check.outputs = [new_output("stream", name="stdout", text="✓ correct CHECK-OUTPUT\n")]
    written = _grader(new_markdown_cell("### BEGIN SOLUTION\n*Rubric:* RUBRIC-MARKER model answer\n### END SOLUTION"),
                      solution=True, grade=True, points=2, grade_id="ex-1-written")  # fmt: skip
    header = "".join(f"<th>long_column_name_{i}</th>" for i in range(16))
    row = "".join(f"<td>{1234567.891234 + i:.6f}</td>" for i in range(16))
    wide = new_code_cell("table")
    wide.outputs = [new_output("execute_result", data={
        "text/html": f'<table class="dataframe"><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr>'
                     f"<tr><td>0.28781723</td><td>NaN</td>{'<td>1</td>' * 14}</tr></tbody></table>",
        "text/plain": "table"}, execution_count=3)]  # fmt: skip
    cells = [new_markdown_cell("# 第五章 Segmentation"), widget, new_code_cell(""), answer,
             check, new_markdown_cell("Write your answer."), written, wide]  # fmt: skip
    nb = new_notebook(cells=cells)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    path = tmp_path_factory.mktemp("course") / "05_like.ipynb"
    nbformat.write(nb, path)
    return path


GRADING = ("SECRET-ANSWER", "HIDDEN-MARKER", "RUBRIC-MARKER", "BEGIN SOLUTION", "CHECK-OUTPUT")


def test_html_export_shows_the_static_view_and_loads_nothing(course_like):
    from crm_helpers.report import notebook_to_html

    html = notebook_to_html(course_like, view="student")
    assert "STATIC-VIEW 静态视图" in html and "data:image/png;base64" in html
    assert WIDGET_VIEW not in html and "widget-state" not in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert html.count('class="input_area"') == 4  # 5 code cells, the empty one is gone


def test_student_view_pdf_has_no_grading_material_and_the_key_has_it(course_like, tmp_path):
    from crm_helpers.course import main

    assert main(["pdf", str(course_like), "--output", str(tmp_path)]) == 0
    student = "\n".join(_pages(tmp_path / "05_like.pdf"))
    assert "STATIC-VIEW" in student and "YOUR CODE HERE" in student
    assert "YOUR ANSWER HERE" in student
    assert not [m for m in GRADING if m in student]
    assert main(["pdf", str(course_like), "--output", str(tmp_path), "--key"]) == 0
    key = "\n".join(_pages(tmp_path / "05_like-key.pdf"))
    assert all(m in key for m in GRADING) and "Instructor key" in key


def test_wide_tables_fit_and_floats_are_rounded(course_like, tmp_path):
    from crm_helpers.report import text_past_margin

    pdf = notebook_to_pdf(course_like, tmp_path / "wide.pdf", view="student")
    text = "".join(_pages(pdf)).replace("\n", "").replace("\r", "")
    assert "1,234,582.9" in text  # the 16th column is printed, rounded, with separators
    assert "0.288" in text and "0.2878172" not in text and "NaN" not in text
    assert text_past_margin(pdf) == []
    # the check can fail: with a 6 cm margin the same table crosses it
    assert text_past_margin(pdf, margin_mm=60)


def test_saved_notebook_keeps_the_static_view_not_the_widget(tmp_path):
    """A notebook run by `crm-course run` and reopened without a kernel shows the table and
    chart, not "model not found": the saved outputs hold no live widget view."""
    from crm_helpers.course import run_notebook

    code = (
        "import pandas as pd, crm_helpers as crm\n"
        "t = pd.DataFrame({'customer_id': [1, 2, 3], 'recency_days': [3, 40, 300],\n"
        "                  'frequency': [9, 2, 1], 'monetary': [900.0, 50, 20]})\n"
        "crm.widgets.SegmentExplorer(t, 'rfm', static=False)"
    )
    src = tmp_path / "live.ipynb"
    params = new_code_cell("seed = 1", metadata={"tags": ["parameters"]})
    nb = new_notebook(cells=[params, new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "crm-course",
        "display_name": "Python",
        "language": "python",
    }
    nbformat.write(nb, src)
    saved = nbformat.read(run_notebook(src, tmp_path / "out" / "live.ipynb"), as_version=4)
    outputs = saved.cells[-1].outputs
    data = next(o["data"] for o in outputs if o.output_type == "execute_result")
    assert WIDGET_VIEW not in data and "<table" in data["text/html"]
    assert "widgets" not in saved.metadata
