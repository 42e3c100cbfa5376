"""The course website (课程网站): a Jupyter Book built from the executed student views.

:func:`build_site` takes the executed notebooks (``build/notebooks/``), turns each into its
student view ready for readers (:func:`~crm_helpers.report.views.student_view`, then
:func:`~crm_helpers.report.html.prepare_for_export`: widgets as their static table and
chart), writes a Jupyter Book project (``build/site-src/``: a home page, one page per
chapter, ``_toc.yml``, ``_config.yml``) and builds it with Jupyter Book 1 (Sphinx) into
``build/site/``. Nothing is executed again, nothing is fetched: the theme's files are
local, MathJax and the widget scripts are switched off (the notebooks use neither), Thebe's
loader (from unpkg.com) is removed, and :func:`external_resources` lists any ``<script>``/``<link>`` that would still reach the
internet. Search works in Chinese when ``jieba`` is installed (a course dependency).

>>> chapter_title(Path("05_segmentation.ipynb"))
'05 Segmentation'
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from .html import prepare_for_export
from .views import make_view

__all__ = ["build_site", "external_resources", "chapter_title", "write_book"]

HOME = """# {title}

{subtitle}

This site shows every chapter of the course as a **student view**: the teaching text, the
code and its results, and the exercises with their placeholders — no solutions, no hidden
tests, no rubrics. Interactive explorers appear as their static table and chart.

## Chapters 章节

{chapters}

## Work with the notebooks 在 JupyterLab 中运行

* **On your computer**: `git clone` the course, then `make course` (creates `.venv`, installs
  the packages, generates the data and runs every chapter). Start JupyterLab with
  `.venv/bin/jupyter lab notebooks/` and choose the kernel **Python (CRM course)**.
* **On Binder** (nothing to install): open the repository on
  [mybinder.org](https://mybinder.org) — enter its GitHub address, leave the branch empty,
  and type `notebooks/` as the path to open; Binder builds the environment from
  `environment.yml`, `apt.txt` and `postBuild`.
* In JupyterLab, *Run → Run All Cells* runs a chapter; the first cell's parameters
  (`seed`, `n_customers`, `data_source`) change the data. Sliders and filters are live
  there (`interactive = True`).
* Instructors build the key with `crm-course pdf --key`; students never see it here.
"""


def chapter_title(path: Path) -> str:
    """``05_segmentation.ipynb`` → ``"05 Segmentation"`` (the navigation's fallback label)."""
    number, _, rest = path.stem.partition("_")
    return f"{number} {rest.replace('_', ' ').capitalize()}".strip()


def _first_heading(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def _config(title: str) -> str:
    return f"""title: "{title}"
author: "CRM course 客户关系管理"
only_build_toc_files: true
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [colon_fence, deflist, html_image, substitution]
html:
  use_repository_button: false
  use_issues_button: false
  use_edit_page_button: false
  use_multitoc_numbering: false
launch_buttons:
  notebook_interface: jupyterlab
  binderhub_url: ""
  thebe: false
sphinx:
  extra_extensions: [crm_helpers.report._sphinx_zh]
  config:
    language: zh_CN
    html_search_language: zh
    nb_ipywidgets_js: {{}}
    mathjax_path: mathjax-not-used.js
    html_show_copyright: false
"""


def write_book(
    executed: Sequence[Path], src: Path, *, title: str, subtitle: str = "", view: str = "student"
) -> Path:
    """Write the Jupyter Book project for ``executed`` notebooks into ``src``."""
    if src.exists():
        shutil.rmtree(src)
    (src / "chapters").mkdir(parents=True)
    entries, lines = [], []
    for path in executed:
        nb = prepare_for_export(make_view(nbformat.read(path, as_version=4), view))
        nbformat.write(nb, src / "chapters" / path.name)
        heading = _first_heading(nb, chapter_title(path))
        entries.append(f"  - file: chapters/{path.stem}")
        lines.append(f"* [{heading}](chapters/{path.stem}.ipynb)")
    home = HOME.format(title=title, subtitle=subtitle, chapters="\n".join(lines))
    (src / "intro.md").write_text(home, encoding="utf-8")
    toc = "format: jb-book\nroot: intro\nchapters:\n" + "\n".join(entries) + "\n"
    (src / "_toc.yml").write_text(toc, encoding="utf-8")
    (src / "_config.yml").write_text(_config(title), encoding="utf-8")
    return src


_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']((?:https?:)?//[^\"']+)[\"']", re.I
)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_SCRIPT_URL = re.compile(r"[\"'](https?://[^\"']+\.m?js)[\"']")
#: Thebe (run code on Binder from the page) loads its library from unpkg.com when a reader
#: clicks "launch"; the course site links to JupyterLab/Binder instead, so it goes.
_THEBE = re.compile(
    r"<script\b[^>]*>[^<]*THEBE_JS_URL[^<]*</script>\s*|<script[^>]*sphinx-thebe\.js[^>]*>"
    r"</script>\s*|<script type=\"text/x-thebe-config\">.*?</script>\s*|<link[^>]*thebe\.css[^>]*>",
    re.S,
)


def _make_offline(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        cleaned = _THEBE.sub("", text)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")


def external_resources(site: Path) -> list[str]:
    """Every ``<script>``, ``<link>``, ``<img>`` or ``<iframe>`` in the site's HTML that
    loads from the internet, as ``"page: url"`` (an offline site has none).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> page = '<script src="https://cdn.x/y.js"></script><a href="https://z">z</a>'
    >>> _ = (d / "a.html").write_text(page + '<script>u = "https://e.org/t.js"</script>')
    >>> external_resources(d)
    ['a.html: https://cdn.x/y.js', 'a.html: https://e.org/t.js']
    """
    found = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        urls = _EXTERNAL.findall(text)
        urls += [u for body in _INLINE_SCRIPT.findall(text) for u in _SCRIPT_URL.findall(body)]
        found += [f"{page.relative_to(site)}: {url}" for url in urls]
    return found


#: ``jupyter-book`` without jsonschema's optional ``iri`` check, whose grammars take 2-5 s
#: to compile when nbformat is imported (see :func:`crm_helpers.runner.skip_iri_grammar`).
_JUPYTER_BOOK = (
    "import sys; sys.modules['rfc3987_syntax'] = None; "
    "from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; sys.exit(main())"
)


def build_site(
    executed: Sequence[Path],
    out: Path,
    *,
    title: str = "Customer Relationship Management 客户关系管理",
    subtitle: str = "An open analytics course with Python notebooks.",
    view: str = "student",
    src: Path | None = None,
) -> Path:
    """Build the site from executed notebooks into ``out`` (replaced); returns
    ``out / "index.html"``. Raises ``RuntimeError`` with Sphinx's message if the build
    fails, or naming the pages if anything would load from the internet."""
    executed = [Path(p) for p in executed]
    missing = [str(p) for p in executed if not p.is_file()]
    if missing or not executed:
        raise FileNotFoundError(
            f"No executed notebook at {', '.join(missing) or 'the given paths'}: run "
            "`crm-course run` first."
        )
    src = Path(src) if src is not None else out.parent / f"{out.name}-src"
    write_book(executed, src, title=title, subtitle=subtitle, view=view)
    cmd = [sys.executable, "-c", _JUPYTER_BOOK, "build", str(src), "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    html = src / "_build" / "html"
    if done.returncode != 0 or not (html / "index.html").is_file():
        raise RuntimeError(
            f"jupyter-book build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(html, out)
    _make_offline(out)
    online = external_resources(out)
    if online:
        raise RuntimeError("The site would load from the internet: " + "; ".join(online[:10]))
    return out / "index.html"
