"""Benchmark of the PDF route (crm_helpers.report): executed notebook -> HTML -> PDF.

Usage::

    python benchmarks/bench_report.py [build/notebooks/01_overview.ipynb]

Times the two stages (nbconvert HTML, WeasyPrint PDF) separately, best of 3, and reports
pages and size; writes build/benchmarks/report.json. WeasyPrint subsets the CJK font with
HarfBuzz when libharfbuzz-subset0 is installed, with fontTools (about 4 s a font face)
otherwise; the JSON records which.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from weasyprint.text.ffi import harfbuzz_subset

    from crm_helpers.report import html_to_pdf, notebook_to_html

    nb = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/notebooks/01_overview.ipynb"
    if not nb.is_file():
        raise SystemExit(f"No executed notebook at {nb}: run `make course` first.")
    out = ROOT / "build" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    html_s, pdf_s = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        html = notebook_to_html(nb, hide_code=False)
        t1 = time.perf_counter()
        pdf = html_to_pdf(html, out / "bench_report.pdf", base_url=nb.parent)
        t2 = time.perf_counter()
        html_s.append(t1 - t0)
        pdf_s.append(t2 - t1)
    import pypdfium2

    report = {
        "notebook": nb.name,
        "html_seconds": min(html_s),
        "pdf_seconds": min(pdf_s),
        "total_seconds": min(html_s) + min(pdf_s),
        "pages": len(pypdfium2.PdfDocument(str(pdf))),
        "pdf_kb": pdf.stat().st_size / 1024,
        "harfbuzz_subset": harfbuzz_subset is not None,
    }
    print(json.dumps(report, indent=2))
    (out / "report.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
