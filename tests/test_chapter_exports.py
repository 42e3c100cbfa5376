"""Chapters 05 and 07, executed with their live widgets on (``interactive=True``) and
exported as students get them (``crm-course pdf``): every explorer and the dashboard print
as their static table and chart, no text runs past the right margin, and no grading
material (solutions, hidden tests, rubrics, answer outputs) is left.

The expectations come from the instructor notebooks themselves: the widget cells are
counted in the source, and every solution line must be absent from the PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pypdfium2 as pdfium
import pytest

from crm_helpers.course import main, run_notebook
from crm_helpers.report import has_grading_material, make_view, text_past_margin
from crm_helpers.report.pdf import PAGE_MARGIN_MM

pytestmark = pytest.mark.xdist_group("chapter_exports")
ROOT = Path(__file__).resolve().parent.parent
SMALL = {"seed": 3, "n_customers": 400, "interactive": True, "include_online_retail": False,
         "include_wholesale": False}  # fmt: skip
#: What a live view's static title starts with, by the call that makes it.
TITLES = {'"rfm"': "RFM: recent", '"svcd"': "SVCD: amount", '"kmeans"': "k-means with k",
          "Dashboard(": "Dashboard"}  # fmt: skip
WIDGET_CALL = re.compile(r"SegmentExplorer\([^)]*?(\"rfm\"|\"svcd\"|\"kmeans\")|Dashboard\(")


def _words_past_margin(pdf: Path) -> list[str]:
    """The words whose box ends past the right margin, by poppler's ``pdftotext -bbox``: a
    second reader of the PDF, independent of the pypdfium2 one in ``text_past_margin``."""
    if not shutil.which("pdftotext"):
        problem = "pdftotext is missing (Debian: `apt-get install poppler-utils`, or `make setup`)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    past, page, width = [], 0, 0.0
    limit = PAGE_MARGIN_MM[1] / 25.4 * 72 - 0.5  # the right margin in points, less tolerance
    for line in xml.splitlines():
        if m := re.search(r'<page width="([\d.]+)"', line):
            page, width = page + 1, float(m.group(1))
        elif m := re.search(r'xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line):
            if float(m.group(1)) > width - limit:
                past.append(f"page {page}: {m.group(2)}")
    return past


def _solution_lines(nb) -> list[str]:
    lines = []
    for cell in nb.cells:
        for body in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
            lines += [ln.strip() for ln in body.splitlines() if len(ln.strip()) > 25]
    return lines


@pytest.mark.parametrize("stem", ["05_segmentation", "07_data_analysis"])
def test_chapter_pdf_shows_every_widget_fits_and_has_no_grading_material(stem, tmp_path):
    source = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    calls = [m.group(1) or "Dashboard(" for c in source.cells for m in WIDGET_CALL.finditer(c.source)
             if c.cell_type == "code"]  # fmt: skip
    assert calls, f"{stem}: no explorer or dashboard cell found"
    executed = run_notebook(
        ROOT / "notebooks" / f"{stem}.ipynb", tmp_path / f"{stem}.ipynb",
        {**SMALL, "output_dir": str(tmp_path / "out")},
    )  # fmt: skip
    saved = nbformat.read(executed, as_version=4)
    static = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs
              if "crm-view" in str(o.get("data", {}).get("text/html", ""))]  # fmt: skip
    assert len(static) >= len(calls)  # each live view saved with its static table and chart
    assert all("data:image/png" in o["data"]["text/html"] for o in static)
    assert not has_grading_material(make_view(saved, "student"))

    assert main(["pdf", str(executed), "--output", str(tmp_path / "pdf")]) == 0
    pdf = tmp_path / "pdf" / f"{stem}.pdf"
    doc = pdfium.PdfDocument(str(pdf))
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    flat = re.sub(r"\s+", " ", text)
    for call in calls:
        title = TITLES[call] if call != "Dashboard(" else "all data (no filter)"
        assert title in flat, f"{stem}: the static view of {call} is not in the PDF"
    assert text_past_margin(pdf) == []
    assert _words_past_margin(pdf) == []
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "Rubric"):
        assert marker not in text, f"{stem}: {marker!r} in the student PDF"
    leaked = [ln for ln in _solution_lines(source) if ln in flat]
    assert not leaked, f"{stem}: solution lines in the student PDF: {leaked[:3]}"
