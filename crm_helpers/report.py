"""Executed notebooks to PDF reports, Chinese included (报告导出).

The route: nbconvert turns the executed notebook into HTML (the JupyterLab template, with
images embedded), and WeasyPrint lays it out as a PDF with a print stylesheet that names a
CJK font explicitly. It needs no browser and no TeX: ``pip install weasyprint`` (a course
dependency) and, from the system, a CJK font (Debian: ``fonts-noto-cjk``) and HarfBuzz's
subsetter (Debian: ``libharfbuzz-subset0``; without it WeasyPrint falls back to fontTools and
subsetting the CJK font takes ~4 s per face). ``make setup`` installs both where it can.

Why this route: LaTeX (``nbconvert --to pdf``) silently drops every Chinese character unless
given an xeCJK template and ~750 MB of TeX; ``webpdf`` needs a Chromium that Playwright
cannot download here. WeasyPrint with an explicit font-family never falls back to a
calligraphic Kaiti face, and wraps long code lines.

>>> css = print_stylesheet()
>>> "Noto Sans CJK SC" in css
True
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

__all__ = [
    "PDFRequirementError",
    "print_stylesheet",
    "check_pdf_requirements",
    "notebook_to_html",
    "html_to_pdf",
    "notebook_to_pdf",
    "offline_url_fetcher",
]

CJK_FONT = "Noto Sans CJK SC"


class PDFRequirementError(RuntimeError):
    """Something the PDF route needs is missing; the message says what to install."""


def print_stylesheet(font: str = CJK_FONT, *, landscape: bool = False) -> str:
    """The CSS that makes a notebook printable: A4 pages with numbers, a CJK font named
    explicitly (so no fallback to a calligraphic face), wrapped code, fitting images."""
    size = "A4 landscape" if landscape else "A4"
    return f"""
@page {{
  size: {size};
  margin: 16mm 14mm 16mm 14mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }}
}}
html, body, .jp-Notebook, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown {{
  font-family: '{font}', 'Noto Sans', 'DejaVu Sans', sans-serif !important;
  font-size: 10pt; line-height: 1.45; color: #111; background: white;
}}
pre, code, .jp-InputArea-editor, .highlight, .jp-OutputArea-output pre {{
  font-family: 'Noto Sans Mono CJK SC', 'DejaVu Sans Mono', monospace !important;
  font-size: 8pt; white-space: pre-wrap !important; word-break: break-all;
  overflow: visible !important;
}}
.jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor {{
  padding: 3pt 5pt !important; min-height: 0 !important; margin: 0 !important;
}}
.highlight pre, .jp-InputArea-editor pre {{ margin: 0 !important; padding: 0 !important; }}
.jp-Cell {{ margin: 0 !important; padding: 2pt 0 !important; }}
img, svg {{ max-width: 100% !important; height: auto; page-break-inside: avoid; }}
table {{ border-collapse: collapse; font-size: 8pt; page-break-inside: auto; }}
th, td {{ border: 0.4pt solid #bbb; padding: 1.5pt 4pt; }}
h1, h2, h3 {{ page-break-after: avoid; }}
.jp-Cell, .jp-OutputArea-child {{ page-break-inside: auto; }}
.jp-InputPrompt, .jp-OutputPrompt {{ display: none !important; }}
.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] {{ display: none; }}
"""


def _has_cjk_font(font: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    return font in listed


def check_pdf_requirements(font: str = CJK_FONT) -> None:
    """Raise :class:`PDFRequirementError` naming what to install if the route cannot work."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as err:
        raise PDFRequirementError(
            f"PDF reports need WeasyPrint ({err}). Install it with `pip install weasyprint` "
            "(or `make setup`); it also needs the Pango library (Debian: libpango-1.0-0)."
        ) from err
    if not _has_cjk_font(font):
        raise PDFRequirementError(
            f"PDF reports need the font {font!r} so that Chinese is not printed as empty "
            "boxes. Install it with `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or "
            "`make setup`, or pass another installed CJK font with font=..."
        )


def notebook_to_html(notebook: str | Path, *, hide_code: bool = False) -> str:
    """HTML of an executed notebook (images embedded), with ``lang="zh"`` set."""
    import nbformat
    from nbconvert import HTMLExporter

    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"No notebook at {path}. Run it first (e.g. `crm-course run`).")
    nb = nbformat.read(path, as_version=4)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    return html.replace("<html>", '<html lang="zh">', 1)


def offline_url_fetcher() -> Any:
    """WeasyPrint's URL fetcher for the course: only ``data:`` URLs (embedded images).

    WeasyPrint would otherwise fetch any URL in the HTML, ``file://`` included, and
    ``<link rel="attachment">`` embeds the fetched file in the PDF: a notebook's markdown
    could pull the grader's or a classmate's files into a report. Everything else is refused.

    >>> fetch = offline_url_fetcher()
    >>> fetch("data:text/plain;base64,aGk=").read()
    b'hi'
    >>> fetch("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    ValueError: URI uses disallowed protocol: file:///etc/passwd
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def html_to_pdf(
    html: str, pdf_path: str | Path, *, base_url: str | Path = ".", font: str = CJK_FONT
) -> Path:
    """Lay out HTML as a PDF with the course's print stylesheet; returns the PDF's path.

    Nothing outside the HTML is read: :func:`offline_url_fetcher` refuses every URL but
    ``data:``, so a notebook cannot pull local files or network resources into the PDF.
    """
    check_pdf_requirements(font)
    from weasyprint import CSS, HTML

    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=html, base_url=str(base_url), url_fetcher=offline_url_fetcher()).write_pdf(
        pdf_path, stylesheets=[CSS(string=print_stylesheet(font))]
    )
    return pdf_path


def notebook_to_pdf(
    notebook: str | Path,
    pdf_path: str | Path | None = None,
    *,
    hide_code: bool = False,
    font: str = CJK_FONT,
) -> Path:
    """An executed notebook as a PDF (next to it, ``.pdf``, unless ``pdf_path`` is given).

    ``hide_code=True`` leaves out the code cells' input: a report shows text, tables and
    figures only.
    """
    check_pdf_requirements(font)
    path = Path(notebook)
    out = Path(pdf_path) if pdf_path is not None else path.with_suffix(".pdf")
    return html_to_pdf(
        notebook_to_html(path, hide_code=hide_code), out, base_url=path.parent, font=font
    )
