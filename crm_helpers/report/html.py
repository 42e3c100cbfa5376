"""Executed notebooks to self-contained HTML for print and for reading offline (导出).

:func:`prepare_for_export` cleans a notebook for readers:

* **widgets show their static view**: a widget output carries both the live view
  (``application/vnd.jupyter.widget-view+json``) and a ``text/html`` fallback (the table and
  the chart as an embedded image). Exporters and JupyterLab without a kernel pick the live
  view and show a blank box or "model not found"; the live view and the saved widget state
  are removed, so the fallback always wins;
* long floats in tables and printed results are rounded for reading (0.287817… → 0.288),
  ``NaN`` cells print as "–";
* empty code cells are dropped; wide tables are marked (``wide``, ``widest``: smaller
  type) for the print stylesheet, and their headers may wrap after an underscore.

:func:`notebook_to_html` uses nbconvert's ``basic`` template inside a small page of our own:
no JavaScript, no CDN, no 270 kB of JupyterLab CSS for WeasyPrint to parse.

>>> round_floats("<td>0.2878172</td><td>1234.56789</td><td>NaN</td><td>12</td>")
'<td>0.288</td><td>1,234.6</td><td>–</td><td>12</td>'
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

__all__ = [
    "WIDGET_VIEW",
    "strip_widget_views",
    "round_floats",
    "mark_wide_tables",
    "prepare_for_export",
    "notebook_to_html",
    "node_to_html",
    "plain_code",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_LONG_FLOAT = re.compile(r"(?<![\w.,])(-?\d+\.\d{4,})(?![\w.])")
_TD_FLOAT = re.compile(r"(<td[^>]*>)\s*(-?\d+\.\d{4,})\s*(</td>)")
_TD_NAN = re.compile(r"(<td[^>]*>)\s*(NaN|nan|None|&lt;NA&gt;|NaT)\s*(</td>)")
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
_TH_TEXT = re.compile(r"(<th[^>]*>)([^<]*)(</th>)")


def _break_underscores(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2).replace("_", "_<wbr>") + m.group(3)


def _readable(number: str) -> str:
    x = float(number)
    if abs(x) >= 100:
        return f"{x:,.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def round_floats(text: str) -> str:
    """Round long floats in HTML table cells (thousands separators from 100 up) and show
    missing values as "–"."""
    text = _TD_FLOAT.sub(lambda m: m.group(1) + _readable(m.group(2)) + m.group(3), text)
    return _TD_NAN.sub(lambda m: m.group(1) + "–" + m.group(3), text)


def _round_plain(text: str) -> str:
    return _LONG_FLOAT.sub(lambda m: f"{float(m.group(1)):.4g}", text)


def mark_wide_tables(text: str, wide: int = 8, widest: int = 13) -> str:
    """Add class ``wide`` (≥ ``wide`` columns) or ``widest`` to each HTML table."""

    def mark(m: re.Match[str]) -> str:
        first_row = re.search(r"<tr\b.*?</tr>", m.group(2), re.S)
        cols = len(re.findall(r"<t[hd]\b", first_row.group(0))) if first_row else 0
        cls = "widest" if cols >= widest else "wide" if cols >= wide else ""
        if not cls:
            return m.group(0)
        attrs, body = m.group(1), _TH_TEXT.sub(_break_underscores, m.group(2))
        if 'class="' in attrs:
            attrs = attrs.replace('class="', f'class="{cls} ', 1)
        else:
            attrs += f' class="{cls}"'
        return f"<table{attrs}>{body}</table>"

    return _TABLE.sub(mark, text)


def strip_widget_views(nb: NotebookNode) -> NotebookNode:
    """Remove live widget views (and the saved widget state) so that each widget output
    shows its static fallback; outputs with nothing but a widget view are dropped."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            data = out.get("data")
            if data is not None and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if set(data) <= {"text/plain"} and "Box(" in str(data.get("text/plain", "")):
                    continue  # a bare widget's repr says nothing to a reader
                if not data:
                    continue
            kept.append(out)
        cell.outputs = kept
    return nb


def _clean_output(out: NotebookNode) -> None:
    data = out.get("data", {})
    if "text/html" in data:
        text = data["text/html"]
        text = "".join(text) if isinstance(text, list) else text
        data["text/html"] = mark_wide_tables(round_floats(text))
    elif out.get("output_type") == "execute_result" and "text/plain" in data:
        data["text/plain"] = _round_plain(str(data["text/plain"]))


def prepare_for_export(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` ready for readers: static widget views, rounded floats, marked wide
    tables, no empty code cells, no stderr noise."""
    nb = strip_widget_views(copy.deepcopy(nb))
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.source.strip() or c.outputs]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
            for out in cell.outputs:
                _clean_output(out)
    return nb


_PRE = re.compile(r"<pre>.*?</pre>", re.S)
_SPAN = re.compile(r"</?span\b[^>]*>")


def plain_code(text: str) -> str:
    """Drop syntax-highlighting spans inside ``<pre>`` blocks (the text stays): a PDF lays
    out a third faster without one inline box per token.

    >>> plain_code('<pre><span class="n">x</span> <span class="o">=</span> 1</pre>')
    '<pre>x = 1</pre>'
    """
    return _PRE.sub(lambda m: _SPAN.sub("", m.group(0)), text)


def _unhighlighted(source: str, language: str | None = None, metadata: dict | None = None) -> str:
    """Code as nbconvert's highlighter lays it out, without running pygments at all.

    >>> _unhighlighted("if a < b:")
    '<div class="highlight"><pre>if a &lt; b:\\n</pre></div>'
    """
    return f'<div class="highlight"><pre>{html_lib.escape(source, quote=False)}\n</pre></div>'


#: The route without highlighting: code escaped by hand, no pygments, and no second HTML
#: sanitiser pass over it (bleach; the course's own notebooks) — 2-3 times faster HTML.
_PLAIN_FILTERS = {"highlight_code": _unhighlighted, "clean_html": lambda text: text}


def _page(body: str, title: str, highlight: bool = True, style: str = "") -> str:
    from pygments.formatters import HtmlFormatter

    css = HtmlFormatter(style="default").get_style_defs(".highlight") if highlight else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html_lib.escape(title)}</title>\n<style>\n{css}\n{style}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


@lru_cache(maxsize=8)
def _exporter(hide_code: bool, highlight: bool) -> Any:
    """One ``basic`` HTML exporter per kind (its templates compile once per process)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", filters={} if highlight else _PLAIN_FILTERS)
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def node_to_html(
    nb: NotebookNode,
    title: str,
    *,
    hide_code: bool = False,
    highlight: bool = True,
    style: str = "",
) -> str:
    """A notebook (in memory, as it is) as one self-contained HTML page: nbconvert's
    ``basic`` template inside a small page of our own, with ``style`` (CSS) in its head.
    ``highlight=False``: code escaped as plain text, without syntax colours (faster to print).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("**客户**")])
    >>> "<strong>客户</strong>" in node_to_html(nb, "x", style="p { color: red }")
    True
    """
    exporter = _exporter(hide_code, highlight)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return _page(body if highlight else plain_code(body), title, highlight, style)


def notebook_to_html(
    notebook: str | Path, *, hide_code: bool = False, view: str = "as-is", highlight: bool = True
) -> str:
    """Self-contained HTML of an executed notebook (images embedded, ``lang="zh"``, no
    scripts): widgets as their static view, floats rounded, empty cells dropped.

    ``view``: ``"student"``, ``"key"`` or ``"as-is"`` (see :mod:`crm_helpers.report.views`);
    ``highlight=False``: code without syntax colours (see :func:`plain_code`).
    """
    from .views import make_view

    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"No notebook at {path}. Run it first (e.g. `crm-course run`).")
    nb = prepare_for_export(make_view(nbformat.read(path, as_version=4), view))
    return node_to_html(nb, path.stem, hide_code=hide_code, highlight=highlight)
