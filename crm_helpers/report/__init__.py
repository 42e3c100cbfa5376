"""Publishing the course: executed notebooks to PDF and HTML, student views, the website
(报告导出与课程网站).

* :mod:`~crm_helpers.report.pdf` — HTML to PDF with WeasyPrint (:func:`html_to_pdf`,
  :func:`notebook_to_pdf`), its print stylesheet and requirements check;
* :mod:`~crm_helpers.report.html` — executed notebook to self-contained HTML
  (:func:`notebook_to_html`): widgets as their static table and chart, rounded floats, wide
  tables marked, no scripts;
* :mod:`~crm_helpers.report.views` — the student view and the instructor key;
* :mod:`~crm_helpers.report.site` — the course website (Jupyter Book) from executed
  student views.

The PDF route: nbconvert turns the executed notebook into HTML (the ``basic`` template,
images embedded, inside a small page of our own), and WeasyPrint lays it out as a PDF with a
print stylesheet that names a CJK font explicitly. It needs no browser and no TeX:
``pip install weasyprint`` (a course dependency) and, from the system, a CJK font (Debian:
``fonts-noto-cjk``) and HarfBuzz's subsetter (Debian: ``libharfbuzz-subset0``; without it
WeasyPrint falls back to fontTools and subsetting the CJK font takes ~4 s per face).
``make setup`` installs both where it can.

Why this route: LaTeX (``nbconvert --to pdf``) silently drops every Chinese character unless
given an xeCJK template and ~750 MB of TeX; ``webpdf`` needs a Chromium that Playwright
cannot download here. WeasyPrint with an explicit font-family never falls back to a
calligraphic Kaiti face, and wraps long code lines.

>>> css = print_stylesheet()
>>> "Noto Sans CJK SC" in css
True
"""

from __future__ import annotations

from .pdf import (
    CJK_FONT,
    PDFRequirementError,
    check_pdf_requirements,
    html_to_pdf,
    notebook_to_pdf,
    offline_url_fetcher,
    print_stylesheet,
    text_past_margin,
)

#: The names of the notebook modules (html, site, views), imported on first use: they need
#: nbformat (and through it jsonschema, seconds to import), which printing a plain HTML page
#: with :func:`html_to_pdf` (chapter 09's plan report, in the kernel) does not.
_LAZY = {
    "notebook_to_html": "html", "node_to_html": "html", "prepare_for_export": "html", "strip_widget_views": "html",
    "build_site": "site", "external_resources": "site", "VIEWS": "views",
    "has_grading_material": "views", "instructor_key": "views", "make_view": "views",
    "student_view": "views",
}  # fmt: skip


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "CJK_FONT",
    "PDFRequirementError",
    "print_stylesheet",
    "check_pdf_requirements",
    "notebook_to_html",
    "node_to_html",
    "html_to_pdf",
    "notebook_to_pdf",
    "offline_url_fetcher",
    "text_past_margin",
    "prepare_for_export",
    "strip_widget_views",
    "VIEWS",
    "student_view",
    "instructor_key",
    "make_view",
    "has_grading_material",
    "build_site",
    "external_resources",
]
