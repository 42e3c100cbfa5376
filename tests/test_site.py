"""The course website: built from small executed notebooks, it has every chapter in its
navigation, shows student views only (widgets as their static view), loads nothing from the
internet, finds Chinese words in its search, and works in a browser; a PDF page renders
there as an image with ink on it."""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from browser import browser_page
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crm_helpers.report import build_site, external_resources, notebook_to_pdf

pytestmark = pytest.mark.xdist_group("site")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
    )
).decode()


def _chapter(folder: Path, stem: str, title: str) -> Path:
    answer = new_code_cell("x = None\n### BEGIN SOLUTION\nx = 'SECRET-ANSWER'\n### END SOLUTION")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                   "grade_id": f"{stem}-a", "schema_version": 3}  # fmt: skip
    answer.outputs = [new_output("stream", name="stdout", text="SECRET-OUTPUT\n")]
    widget = new_code_cell("explorer")
    widget.outputs = [new_output("execute_result", data={
        WIDGET_VIEW: {"model_id": "m1", "version_major": 2, "version_minor": 0},
        "text/html": f"<div class='crm-view'><b>STATIC-VIEW</b><img src='data:image/png;base64,{PNG}'/></div>",
        "text/plain": "explorer"}, execution_count=2)]  # fmt: skip
    cells = [new_markdown_cell(f"# {title}\n\n客户细分 customer segmentation, 忠诚度 loyalty."),
             widget, answer]  # fmt: skip
    path = folder / f"{stem}.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("executed")
    return [
        _chapter(folder, "01_overview", "Chapter 01 · Overview (概述)"),
        _chapter(folder, "05_segmentation", "Chapter 05 · Segmentation (客户细分)"),
    ]


@pytest.fixture(scope="module")
def site(executed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    build_site(executed, out)
    return out


def test_every_chapter_is_in_the_navigation(site):
    assert "intro.html" in (site / "index.html").read_text(encoding="utf-8")
    index = (site / "intro.html").read_text(encoding="utf-8")
    for page, title in [("01_overview", "Overview (概述)"), ("05_segmentation", "客户细分")]:
        assert (site / "chapters" / f"{page}.html").is_file()
        assert f"chapters/{page}.html" in index and title in index
    assert "Binder" in (site / "intro.html").read_text(encoding="utf-8")


def test_student_views_with_static_widgets_and_nothing_from_the_internet(site):
    page = (site / "chapters" / "05_segmentation.html").read_text(encoding="utf-8")
    assert "STATIC-VIEW" in page and WIDGET_VIEW not in page
    assert "SECRET-ANSWER" not in page and "SECRET-OUTPUT" not in page
    assert "BEGIN SOLUTION" not in page and "YOUR CODE HERE" in page
    assert external_resources(site) == []


def test_search_index_has_chinese_words(site):
    raw = (site / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])["terms"]
    assert "细分" in terms and "忠诚度" in terms  # words, not single characters or nothing


@contextmanager
def _serve(folder: Path):
    """The site on a local web server, as it would be hosted."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_site_works_offline_in_a_browser(site):
    with _serve(site) as base, browser_page() as (page, errors):
        remote: list[str] = []

        def only_local(route):
            if route.request.url.startswith(base):
                return route.continue_()
            remote.append(route.request.url)
            return route.abort()

        page.route("**/*", only_local)
        page.goto(f"{base}/index.html")
        page.get_by_role("link", name="Chapter 05 · Segmentation (客户细分)").first.click()
        page.get_by_text("STATIC-VIEW").wait_for()
        page.goto(f"{base}/search.html?q=细分")
        page.locator("#search-results li a", has_text="Segmentation").first.wait_for()
        assert remote == [], remote
        # the theme logs its default colour mode when the browser has none stored
        assert not [e for e in errors if "theme mode" not in e], errors


def test_a_pdf_page_image_shows_ink_in_the_browser(executed, tmp_path):
    import pypdfium2 as pdfium  # a test dependency: fails loudly when missing, never skips

    pdf = notebook_to_pdf(executed[1], tmp_path / "05.pdf", view="student")
    image = pdfium.PdfDocument(str(pdf))[0].render(scale=1).to_pil()
    image.save(tmp_path / "page1.png")
    with browser_page() as (page, errors):
        page.goto((tmp_path / "page1.png").as_uri())
        dark = page.evaluate(
            """() => { const img = document.querySelector('img');
                const c = document.createElement('canvas');
                c.width = img.naturalWidth; c.height = img.naturalHeight;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
                return n / (c.width * c.height); }"""
        )
        assert dark > 0.002, "the PDF page image is blank in the browser"
        assert not errors, errors


@pytest.mark.parametrize("command", ["site", "pdf"])
def test_a_site_or_pdfs_need_every_chapter_executed(command, tmp_path, monkeypatch, capsys):
    """`make site` / `make pdf` with a chapter missing from build/notebooks (it failed or was
    never run) stops and names it, instead of building a course without that chapter."""
    from crm_helpers.course import main

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "build" / "notebooks").mkdir(parents=True)
    for stem in ("01_overview", "05_segmentation"):
        _chapter(tmp_path / "notebooks", stem, stem)
    _chapter(tmp_path / "build" / "notebooks", "01_overview", "Overview")
    monkeypatch.setenv("CRM_COURSE_ROOT", str(tmp_path))
    assert main([command, "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "05_segmentation.ipynb" in err and "01_overview" not in err
    assert not (tmp_path / "out").exists()
