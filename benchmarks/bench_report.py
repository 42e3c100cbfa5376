"""Benchmark of the PDF route (crm_helpers.report): executed notebook -> HTML -> PDF.

Usage::

    python benchmarks/bench_report.py [NOTEBOOK.ipynb ...] [--repeat 3] [--record]

For each executed notebook (default: build/notebooks/05_segmentation.ipynb and
07_data_analysis.ipynb, or a synthetic 40-cell notebook if those are missing) it times,
best of ``--repeat``:

* the **course route** (``notebook_to_pdf``, student view): nbconvert's small ``basic``
  template in a page of our own, widgets as static views, code without highlighting spans,
  then WeasyPrint; the HTML and the PDF stage separately;
* the **cached** route: the same PDF again with a cache folder (``crm-course`` keeps PDFs
  in build/cache/pdf by the hash of their HTML, stylesheet, font and renderer versions): the
  HTML export and a hash, no layout;
* the **start-up** of a fresh process (``crm-course pdf NN``): importing nbformat, nbgrader
  and WeasyPrint with jsonschema's rfc3987 grammars compiled (before) and skipped (after);
* the **baseline**: the previous route, nbconvert's ``lab`` template (270 kB of JupyterLab
  CSS, highlighted code) laid out by WeasyPrint with the same stylesheet.

The two routes run interleaved, so they meet the same load; the speed-up is the median of
the per-repetition ratios (baseline / course). It reports wall seconds, the course route's
CPU seconds (close to what an idle machine's wall time would be; the load inflates wall time
several-fold), pages and the load average (the goal, ≤ 2 s a chapter, is for an idle machine;
on a busy one read the ratio and the CPU time). Results go to
build/benchmarks/report.json; ``--record`` also writes benchmarks/results/bench_report.json
(committed). WeasyPrint subsets the CJK font with HarfBuzz when libharfbuzz-subset0 is
installed, with fontTools (about 4 s a font face) otherwise; the JSON records which.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "build/notebooks/05_segmentation.ipynb", ROOT / "build/notebooks/07_data_analysis.ipynb"]  # fmt: skip


def synthetic_notebook(folder: Path) -> Path:
    """A 40-cell executed notebook: Chinese text, code, tables and a figure."""
    import base64
    import io

    import nbformat
    import pandas as pd
    from matplotlib.figure import Figure
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    fig = Figure(figsize=(6, 3))
    fig.add_subplot().bar(["一月", "二月", "三月"], [3, 5, 4])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    png = base64.b64encode(buf.getvalue()).decode()
    table = pd.DataFrame({"segment": list("abcdefgh"), "customers": range(100, 108),
                          "share": [0.123456] * 8}).to_html()  # fmt: skip
    cells = []
    for i in range(10):
        cells.append(
            new_markdown_cell(f"## {i}. 客户细分 Segmentation\n\n" + "客户关系管理 text. " * 40)
        )
        code = new_code_cell("summary = sg.segment_summary(cube)\nsummary.round(3)\n" * 3)
        code.outputs = [new_output("execute_result", data={"text/html": table, "text/plain": ""})]
        figure = new_code_cell("ax = plot(summary)")
        figure.outputs = [new_output("display_data", data={"image/png": png, "text/plain": ""})]
        cells += [code, figure, new_markdown_cell("Read the chart. 读图。")]
    path = folder / "synthetic.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(nb: Path, out: Path, repeat: int) -> dict:
    import nbformat
    import pypdfium2
    from nbconvert import HTMLExporter

    from crm_helpers.report import html_to_pdf, notebook_to_html, notebook_to_pdf

    def baseline() -> None:
        exporter = HTMLExporter(template_name="lab")
        html, _ = exporter.from_notebook_node(nbformat.read(nb, as_version=4))
        html_to_pdf(html, out / "baseline.pdf", base_url=nb.parent)

    def course() -> None:
        notebook_to_pdf(nb, out / "course.pdf", view="student")

    cache = Path(tempfile.mkdtemp())
    notebook_to_pdf(nb, out / "cached.pdf", view="student", cache_dir=cache)  # fills the cache

    html = notebook_to_html(nb, view="student", highlight=False)
    course_s, baseline_s, course_cpu = [], [], []
    for _ in range(repeat):  # interleaved, so that both routes meet the same load
        cpu = time.process_time()
        course_s.append(_best(course, 1))
        course_cpu.append(time.process_time() - cpu)
        baseline_s.append(_best(baseline, 1))
    ratios = sorted(b / c for b, c in zip(baseline_s, course_s, strict=True))
    result = {
        "notebook": nb.name,
        "html_seconds": _best(lambda: notebook_to_html(nb, view="student", highlight=False), repeat),
        "pdf_seconds": _best(lambda: html_to_pdf(html, out / "course.pdf", base_url=nb.parent), repeat),
        "total_seconds": min(course_s),
        # an unchanged chapter again (``crm-course`` keeps PDFs in build/cache/pdf): HTML + hash
        "cached_seconds": _best(lambda: notebook_to_pdf(nb, out / "cached.pdf", view="student",
                                                        cache_dir=cache), repeat),
        "total_cpu_seconds": min(course_cpu),  # ~ the wall time on an idle machine
        "baseline_seconds": min(baseline_s),
        "speedup_median": ratios[len(ratios) // 2],
        "pages": len(pypdfium2.PdfDocument(str(out / "course.pdf"))),
        "baseline_pages": len(pypdfium2.PdfDocument(str(out / "baseline.pdf"))),
    }  # fmt: skip
    return result


_IMPORTS = "import nbformat, nbgrader.preprocessors, weasyprint"
_SKIP = "from crm_helpers.runner import skip_iri_grammar; skip_iri_grammar(); "


def start_up(repeat: int) -> dict:
    """A fresh process's imports for a PDF (what `crm-course pdf NN` pays before any
    layout), with jsonschema's rfc3987 grammars (before) and without (the course's CLI),
    interleaved; best wall and CPU seconds of each."""
    import resource
    import subprocess
    import sys

    result: dict[str, float] = {}
    for _ in range(repeat):
        for name, code in (("imports_before", _IMPORTS), ("imports_after", _SKIP + _IMPORTS)):
            cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            wall = time.perf_counter() - start
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = now.ru_utime - cpu.ru_utime + now.ru_stime - cpu.ru_stime
            result[f"{name}_seconds"] = min(result.get(f"{name}_seconds", wall), wall)
            result[f"{name}_cpu_seconds"] = min(result.get(f"{name}_cpu_seconds", used), used)
    return result


def main() -> None:
    from weasyprint.text.ffi import harfbuzz_subset

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    out = ROOT / "build" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    notebooks = args.notebooks or [p for p in DEFAULT if p.is_file()]
    if not notebooks:
        notebooks = [synthetic_notebook(Path(tempfile.mkdtemp()))]
    load_before = os.getloadavg()[0]
    runs = [bench(nb, out, args.repeat) for nb in notebooks]
    report = {
        "runs": runs,
        "start_up": start_up(args.repeat),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "harfbuzz_subset": harfbuzz_subset is not None,
        "repeat": args.repeat,
    }
    text = json.dumps(report, indent=2)
    print(text)
    (out / "report.json").write_text(text)
    if args.record:
        (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
        (ROOT / "benchmarks" / "results" / "bench_report.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
