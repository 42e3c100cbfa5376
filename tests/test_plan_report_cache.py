"""The plan report's PDF cache: the same document printed twice is laid out once; another
document, or another renderer, is laid out afresh; a read-only cache is no error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import weasyprint

import crm_helpers.report as report
from crm_helpers.plan_report import PlanDocument


@pytest.fixture
def printer(monkeypatch, tmp_path):
    """A stand-in for WeasyPrint's layout that records each document it lays out (the
    cache of :func:`crm_helpers.report.html_to_pdf` around it is the real one)."""
    monkeypatch.setenv("CRM_CACHE_DIR", str(tmp_path / "cache"))
    printed: list[str] = []

    class FakeHTML:
        def __init__(self, string: str, **_: object) -> None:
            self.string = string

        def write_pdf(self, target, **_: object) -> None:
            printed.append(self.string)
            Path(target).write_bytes(f"%PDF {len(printed)} {self.string}".encode())

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    return printed


def _doc(value: float) -> PlanDocument:
    doc = PlanDocument("方案", language="zh")
    doc.table(pd.DataFrame({"sales": [value]}))
    return doc


def test_the_same_document_is_printed_once(printer, tmp_path):
    first = _doc(1.5).write_pdf(tmp_path / "a.pdf")
    second = _doc(1.5).write_pdf(tmp_path / "b.pdf")
    assert len(printer) == 1
    assert second.read_bytes() == first.read_bytes()
    assert list((tmp_path / "cache" / "plan_report").glob("*.pdf"))


def test_another_document_or_no_cache_is_printed_again(printer, tmp_path):
    _doc(1.5).write_pdf(tmp_path / "a.pdf")
    other = _doc(2.5).write_pdf(tmp_path / "b.pdf")
    assert len(printer) == 2 and "2.50" in other.read_text()
    _doc(1.5).write_pdf(tmp_path / "c.pdf", cache=False)
    assert len(printer) == 3


def test_a_changed_renderer_is_a_new_key(printer, monkeypatch, tmp_path):
    _doc(1.5).write_pdf(tmp_path / "a.pdf")
    monkeypatch.setattr(report.pdf, "print_stylesheet", lambda *a, **k: "body { color: red }")
    _doc(1.5).write_pdf(tmp_path / "b.pdf")
    assert len(printer) == 2


def test_a_read_only_cache_is_skipped(printer, tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("CRM_CACHE_DIR", str(blocked))
    out = _doc(1.5).write_pdf(tmp_path / "a.pdf")
    assert out.read_bytes().startswith(b"%PDF") and len(printer) == 1


@pytest.fixture(scope="module")
def small_ctx():
    import crm_helpers as crm
    from crm_helpers import plan_report

    shop = crm.simulate_retailer(300, seed=4)
    return plan_report.prepare(shop.transactions(), members=shop.customers, seed=4)


def test_a_written_report_is_copied_when_nothing_changed(printer, small_ctx, tmp_path, monkeypatch):
    import dataclasses

    from crm_helpers import plan_report

    built = []
    real = plan_report.build_report
    monkeypatch.setattr(
        plan_report, "build_report", lambda *a, **k: built.append(1) or real(*a, **k)
    )
    first = plan_report.write_report(small_ctx, tmp_path / "one", parts=["appendix"])
    second = plan_report.write_report(small_ctx, tmp_path / "two", parts=["appendix"])
    assert len(built) == 1 and len(printer) == 1
    for kind in ("html", "pdf"):
        assert second[kind].read_bytes() == first[kind].read_bytes()
    # another choice, other parts, or cache=False: drawn again
    other = dataclasses.replace(small_ctx, strategy="win_back")
    plan_report.write_report(other, tmp_path / "three", parts=["appendix"])
    plan_report.write_report(small_ctx, tmp_path / "four", parts=["appendix", "group"])
    plan_report.write_report(small_ctx, tmp_path / "five", parts=["appendix"], cache=False)
    assert len(built) == 4


def test_the_key_follows_the_data(small_ctx):
    import dataclasses

    from crm_helpers.plan_report.cache import report_key

    key = report_key(small_ctx, ["group"], None)
    assert key == report_key(dataclasses.replace(small_ctx), ["group"], None)
    tx = small_ctx.tx.copy()
    tx.loc[tx.index[0], "amount"] += 0.01
    assert report_key(dataclasses.replace(small_ctx, tx=tx), ["group"], None) != key
    assert report_key(small_ctx, ["group"], ["张明"]) != key
