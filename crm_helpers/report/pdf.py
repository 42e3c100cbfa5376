"""HTML to PDF with WeasyPrint: the print stylesheet, the requirements check, the offline
URL fetcher and the two entry points :func:`html_to_pdf` and :func:`notebook_to_pdf`.

>>> "Noto Sans CJK SC" in print_stylesheet()
True
>>> "landscape" in print_stylesheet(landscape=True)
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._atomic import write_atomically

__all__ = [
    "CJK_FONT",
    "PDFRequirementError",
    "print_stylesheet",
    "check_pdf_requirements",
    "offline_url_fetcher",
    "html_to_pdf",
    "notebook_to_pdf",
    "PAGE_MARGIN_MM",
    "text_past_margin",
    "pdf_cache_key",
    "PDF_CACHE_SIZE",
]

CJK_FONT = "Noto Sans CJK SC"
#: The page margins of :func:`print_stylesheet` (top, right, bottom, left), in millimetres.
PAGE_MARGIN_MM = (15.0, 13.0, 15.0, 13.0)
#: How many finished PDFs a cache folder of :func:`html_to_pdf` keeps (the newest used).
PDF_CACHE_SIZE = 64


class PDFRequirementError(RuntimeError):
    """Something the PDF route needs is missing; the message says what to install."""


def print_stylesheet(font: str = CJK_FONT, *, landscape: bool = False) -> str:
    """The CSS that makes a notebook printable: A4 pages with numbers, a CJK font named
    explicitly (so no fallback to a calligraphic face), wrapped code, tables that fit the
    width (smaller type for wide ones, headers that wrap at underscores), fitting images and
    headings kept with what follows them. Works for nbconvert's ``basic`` and ``lab`` HTML."""
    size = "A4 landscape" if landscape else "A4"
    return f"""
@page {{
  size: {size};
  margin: {" ".join(f"{m:g}mm" for m in PAGE_MARGIN_MM)};
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }}
}}
html, body, .jp-Notebook, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown, .rendered_html {{
  font-family: '{font}', 'Noto Sans', 'DejaVu Sans', sans-serif !important;
  font-size: 10pt; line-height: 1.45; color: #111; background: white;
}}
pre, code, .highlight, .input_area, .jp-InputArea-editor, .output_text pre {{
  font-family: 'Noto Sans Mono CJK SC', 'DejaVu Sans Mono', monospace !important;
  font-size: 8pt; white-space: pre-wrap !important; overflow-wrap: anywhere;
  overflow: visible !important;
}}
.input_area, .jp-InputArea-editor {{
  background: #f6f6f6; border: 0.4pt solid #ddd; padding: 3pt 5pt; margin: 3pt 0;
  break-inside: avoid;
}}
.highlight pre, .input_area pre, .output_text pre {{ margin: 0; padding: 0; }}
.output_text pre {{ padding: 1pt 0; }}
.cell, .jp-Cell {{ margin: 0; padding: 2pt 0; }}
img, svg {{ max-width: 100% !important; height: auto; break-inside: avoid; }}
table {{
  border-collapse: collapse; font-size: 7.5pt; max-width: 100%; margin: 3pt 0;
  overflow-wrap: break-word; break-inside: auto;
}}
table.wide {{ font-size: 6.5pt; overflow-wrap: anywhere; }}
table.widest {{ font-size: 5.5pt; overflow-wrap: anywhere; }}
th {{ overflow-wrap: normal; }}
th, td {{ border: 0.4pt solid #bbb; padding: 1pt 3pt; vertical-align: top; }}
td {{ text-align: right; }}
.text_cell_render td, .text_cell_render th, .jp-RenderedMarkdown td {{ text-align: left; }}
.crm-view > p {{ break-after: avoid; margin-bottom: 2pt; }}
tr {{ break-inside: avoid; }}
thead {{ display: table-header-group; }}
h1, h2, h3, h4 {{ break-after: avoid; break-inside: avoid; }}
h1 {{ font-size: 17pt; }} h2 {{ font-size: 14pt; }} h3 {{ font-size: 12pt; }}
.keep-with-next {{ break-after: avoid; }}
.anchor-link {{ display: none; }}
.jp-InputPrompt, .jp-OutputPrompt, .prompt {{ display: none !important; }}
.output_stderr, .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] {{
  display: none;
}}
blockquote {{ border-left: 2pt solid #ccc; margin-left: 0; padding-left: 8pt; color: #333; }}
"""


@lru_cache(maxsize=8)
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


@lru_cache(maxsize=8)
def _font_identity(font: str) -> str:
    """The file behind ``font`` with its size and time (a changed font gives another PDF)."""
    if not shutil.which("fc-match"):
        return font
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", font], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        info = Path(found).stat()
    except OSError:
        return f"{font}|{found}"
    return f"{font}|{found}|{info.st_size}|{info.st_mtime_ns}"


def pdf_cache_key(html: str, stylesheet: str, base_url: str, font: str) -> str:
    """The hash of everything a PDF is made from: the HTML, the stylesheet, the base URL,
    the font file and the versions of WeasyPrint, pydyf and Pango.

    >>> a = pdf_cache_key("<p>客户</p>", "p {}", ".", CJK_FONT)
    >>> a == pdf_cache_key("<p>客户</p>", "p {}", ".", CJK_FONT), len(a)
    (True, 64)
    >>> a == pdf_cache_key("<p>客户.</p>", "p {}", ".", CJK_FONT)
    False
    """
    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    versions = f"{weasyprint.__version__}|{pydyf.__version__}|{pango.pango_version()}"
    digest = hashlib.sha256()
    for part in (html, stylesheet, base_url, _font_identity(font), versions):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _keep_newest(folder: Path, keep: int = PDF_CACHE_SIZE) -> None:
    cached = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in cached[keep:]:
        old.unlink(missing_ok=True)


def html_to_pdf(
    html: str,
    pdf_path: str | Path,
    *,
    base_url: str | Path = ".",
    font: str = CJK_FONT,
    cache_dir: str | Path | None = None,
) -> Path:
    """Lay out HTML as a PDF with the course's print stylesheet; returns the PDF's path.

    Nothing outside the HTML is read: :func:`offline_url_fetcher` refuses every URL but
    ``data:``, so a notebook cannot pull local files or network resources into the PDF.
    With ``cache_dir``, the PDF is also kept there under :func:`pdf_cache_key`, and the same
    HTML, stylesheet, font and renderer later give a copy of it instead of a new layout.
    """
    check_pdf_requirements(font)
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    css = print_stylesheet(font)
    cached = None
    if cache_dir is not None:
        cached = Path(cache_dir) / f"{pdf_cache_key(html, css, str(base_url), font)}.pdf"
        try:
            shutil.copyfile(cached, pdf_path)
            os.utime(cached)  # recently used: kept by _keep_newest
            return pdf_path
        except OSError:  # not cached (or just pruned by another process, or no folder)
            pass
    from weasyprint import CSS, HTML

    HTML(string=html, base_url=str(base_url), url_fetcher=offline_url_fetcher()).write_pdf(
        pdf_path, stylesheets=[CSS(string=css)]
    )
    if cached is not None:
        _store(pdf_path, cached)
    return pdf_path


def _store(pdf_path: Path, cached: Path) -> None:
    """Keep a copy of a laid-out PDF in the cache, atomically (a parallel writer never sees
    half a file); a cache folder that cannot be written (a read-only sandbox) is skipped."""
    if write_atomically(cached, lambda partial: shutil.copyfile(pdf_path, partial)):
        with contextlib.suppress(OSError):
            _keep_newest(cached.parent)


def notebook_to_pdf(
    notebook: str | Path,
    pdf_path: str | Path | None = None,
    *,
    hide_code: bool = False,
    font: str = CJK_FONT,
    view: str = "as-is",
    highlight: bool = False,
    cache_dir: str | Path | None = None,
) -> Path:
    """An executed notebook as a PDF (next to it, ``.pdf``, unless ``pdf_path`` is given).

    ``hide_code=True`` leaves out the code cells' input: a report shows text, tables and
    figures only. ``view``: ``"student"`` (no solutions, hidden tests, rubrics or grading
    markers), ``"key"`` (the instructor key) or ``"as-is"`` (the notebook unchanged); see
    :mod:`crm_helpers.report.views`. Widgets always print as their static table and chart.
    ``highlight=True`` keeps the code's syntax colours (the PDF takes about a third longer).
    ``cache_dir``: see :func:`html_to_pdf` (the command line uses ``build/cache/pdf``).
    """
    from .html import notebook_to_html

    check_pdf_requirements(font)
    path = Path(notebook)
    out = Path(pdf_path) if pdf_path is not None else path.with_suffix(".pdf")
    html = notebook_to_html(path, hide_code=hide_code, view=view, highlight=highlight)
    return html_to_pdf(html, out, base_url=path.resolve().parent, font=font, cache_dir=cache_dir)


def text_past_margin(pdf_path: str | Path, margin_mm: float = PAGE_MARGIN_MM[1]) -> list[str]:
    """The characters printed past a PDF's right margin, as ``"page N: text"`` (one entry
    per line of text that crosses it); empty when everything fits. Needs ``pypdfium2``."""
    import pypdfium2 as pdfium

    limit = margin_mm / 25.4 * 72 - 0.5  # half a point of tolerance
    found: list[str] = []
    doc = pdfium.PdfDocument(str(pdf_path))
    for number, page in enumerate(doc, start=1):
        right_edge = page.get_width() - limit
        text = page.get_textpage()
        lines: dict[int, str] = {}
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char.strip() and text.get_charbox(i)[2] > right_edge:
                top = round(text.get_charbox(i)[3])
                lines[top] = lines.get(top, "") + char
        found += [f"page {number}: {chars}" for _, chars in sorted(lines.items(), reverse=True)]
    return found
