"""Each student's feedback (反馈): HTML and PDF, without hidden tests or grader files.

The feedback shows the student's answers, each check's outcome and hint, and "hidden
tests: passed / not passed"; the hidden tests never ran in the student's kernel, so no
output, ``In``, ``Out`` or ``_ih`` can hold them. Error outputs lose their tracebacks.
Every URL in the student's markdown and HTML outputs that is not ``data:`` is removed
(links, images, frames, objects, CSS ``url()``), and the PDF is laid out by
:func:`crm_helpers.report.html_to_pdf`, which fetches nothing but ``data:`` URLs.

>>> strip_urls('<img src="file:///etc/passwd"> <a href="data:x">ok</a>')
'<img src="#"> <a href="data:x">ok</a>'
>>> strip_urls("![x](file:///etc/passwd) url('/etc/x')")
'![x](#) url()'
>>> strip_urls('<img src=x onerror="alert(1)" alt=a> one = 1')
'<img src="#" alt=a> one = 1'
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import report
from ._common import ROLE, atomic_write
from .run import stream

__all__ = ["write_feedback", "feedback_notebook", "strip_urls"]

_ATTR = re.compile(
    r"""(?i)\b(href|src|srcset|data|action|poster|background|xlink:href|formaction)\s*=\s*"""
    r"""(?:"(?!data:)[^"]*"|'(?!data:)[^']*'|(?!["']|data:)[^\s>]+)"""
)
_CSS_URL = re.compile(r"""(?i)url\(\s*(?!['"]?data:)[^)]*\)""")
_OPEN_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_HANDLER = re.compile(r"""(?i)\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""")
_MD_LINK = re.compile(r"""\]\(\s*(?!data:)[^)]*\)""")
_TAGS = re.compile(
    r"(?is)<\s*/?\s*(link|iframe|object|embed|base|meta|frame|frameset|script)\b[^>]*>"
)


def strip_urls(text: str) -> str:
    """``text`` (markdown or HTML) with every non-``data:`` URL replaced by ``#`` and no
    event-handler attributes (``onerror=`` …: no script runs when the HTML is opened)."""
    text = _TAGS.sub(lambda m: "" if m.group(1).lower() != "link" else "", text)
    text = _OPEN_TAG.sub(lambda m: _HANDLER.sub("", m.group(0)), text)  # no onerror= etc.
    text = _ATTR.sub(lambda m: f'{m.group(1)}="#"', text)
    text = _CSS_URL.sub("url()", text)
    return _MD_LINK.sub("](#)", text)


def _table(result: Mapping[str, Any]) -> str:
    rows = ["| exercise | points | result | hint |", "|---|---|---|---|"]
    for gid, r in result["exercises"].items():
        hint = strip_urls(str(r.get("hint", ""))).replace("|", "\\|").replace("\n", " ")
        pts = "" if r.get("points") is None else f"{r['points']:g}"
        rows.append(f"| {gid} | {pts} / {r['max']:g} | {r['status']} | {hint} |")
    flags = ", ".join(result.get("flags", [])) or "none"
    head = (
        f"# Feedback: {result['chapter']} — {result['student']}\n\n"
        f"**Score:** {result['auto_total']:g} / {result.get('auto_max', 0):g} autograded "
        f"points (written answers are marked by hand). Flags: {flags}.\n\n" + "\n".join(rows)
    )
    if result.get("reason"):
        head += f"\n\n**Note:** {result['reason']}"
    return strip_urls(head)


def feedback_notebook(nb: Any, result: Mapping[str, Any]) -> Any:
    """The student's feedback notebook: their answers, each check's outcome and hint (only
    the score table and its note when no valid notebook was found)."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests

    fb = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    fb.cells.append(nbformat.v4.new_markdown_cell(_table(result)))
    if result.get("status") == "invalid":  # no notebook of theirs ran: the table and the note
        return fb
    for cell in nb.cells:
        role = cell.metadata.get(ROLE, {}).get("role")
        if role in {"export", "scratch", "call"}:
            continue
        if "injected-parameters" in cell.metadata.get("tags", []):
            continue
        new = copy.deepcopy(cell)
        new.metadata.pop(ROLE, None)
        if new.cell_type == "markdown":
            new.source = strip_urls(new.source)
        if role == "visible":
            r = result["exercises"].get(cell.metadata[ROLE]["grade_id"], {})
            ok = r.get("status") == "passed"
            text = (
                "Right (check passed).\n"
                if ok
                else f"Not yet: {r.get('hint') or r.get('status')}\n"
            )
            new.outputs = [stream(text, "stdout" if ok else "stderr")]
            fb.cells.append(new)
            hidden = "passed." if ok else "not passed, or not run."
            fb.cells.append(nbformat.v4.new_markdown_cell(f"*Hidden tests (not shown): {hidden}*"))
            continue
        if new.cell_type == "code":
            new.outputs = [_safe_output(o) for o in new.outputs if _keep_output(o)]
        fb.cells.append(new)
    try:  # a last guard; the hidden tests never were in this notebook
        fb, _ = ClearHiddenTests().preprocess(fb, {})
    except RuntimeError:  # a student's answer mentions the marker in a string
        pass
    return fb


def _keep_output(out: Any) -> bool:
    if out.get("output_type") in {"display_data", "execute_result"}:
        data = out.get("data", {})
        return "text/plain" in data or "text/html" in data or "image/png" in data
    return True


def _safe_output(out: Any) -> Any:
    """Errors without tracebacks; HTML without URLs; only text, HTML and PNG kept."""
    if out.get("output_type") == "error":
        return stream(f"{out.get('ename')}: {out.get('evalue')}\n")
    if out.get("output_type") in {"display_data", "execute_result"}:
        out = copy.deepcopy(out)
        keep = {"text/plain", "text/html", "image/png"}
        out["data"] = {k: v for k, v in out["data"].items() if k in keep}
        if "text/html" in out["data"]:
            html = out["data"]["text/html"]
            out["data"]["text/html"] = strip_urls("".join(html) if isinstance(html, list) else html)
        out["metadata"] = {}
    return out


#: Feedback prints its "Not yet: …" hints (stderr) that the print stylesheet hides elsewhere.
_FEEDBACK_CSS = ".output_stderr { display: block !important; color: #a40000; }"


def write_feedback(nb: Any, result: Mapping[str, Any], folder: Path, pdf: bool) -> list[str]:
    """Write ``<student>.html``, ``.ipynb`` (for formgrader) and ``.pdf`` into ``folder``."""
    import nbformat

    fb = feedback_notebook(nb, result)
    body = report.node_to_html(  # plain code: the PDF lays out in half the time
        fb,
        f"{result['chapter']} — {result['student']}",
        highlight=False,
        style=report.print_stylesheet() + _FEEDBACK_CSS,
    )
    html = folder / f"{result['student']}.html"
    atomic_write(html, body)
    atomic_write(html.with_suffix(".ipynb"), nbformat.writes(fb))
    written = [html.name, html.with_suffix(".ipynb").name]
    if pdf:
        try:
            tmp = html.with_suffix(".pdf.tmp")
            report.html_to_pdf(body, tmp, base_url=folder)
            os.replace(tmp, html.with_suffix(".pdf"))
            written.append(html.with_suffix(".pdf").name)
        except report.PDFRequirementError:
            pass  # no WeasyPrint or CJK font here: the feedback stays HTML only
    return written
