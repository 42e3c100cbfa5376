"""The grading tool (crm_helpers.grading): release, parallel autograding with limits and a
re-run on other data, adversarial submissions, resume, feedback, rubric marks.

The expensive part is ONE batch of submissions of chapter 01 (graded in parallel with the
small parameters seed=3, n_customers=800), shared by the tests through a module fixture.
Expected scores come from the exercise points in the instructor notebook and what each
submission does; nothing is copied from a run of the grader.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from grading_fixtures import (
    broken_json,
    drop_cells,
    fill,
    gid,
    solutions,
    with_saved_errors,
    write,
)

import crm_helpers as crm
from crm_helpers import grading
from crm_helpers.grading_cli import main as cli_main
from crm_helpers.grading_cli import parse_params

# one worker builds this module's expensive fixtures once (make test uses --dist loadgroup)
pytestmark = pytest.mark.xdist_group("grading")

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "01_overview"
INSTRUCTOR = ROOT / "notebooks" / f"{CHAPTER}.ipynb"
PARAMS = {"seed": 3, "n_customers": 800, "include_online_retail": False}
LIMITS = grading.Limits(timeout=60, memory_mb=2048, output_chars=5_000)
POINTS = {e.grade_id: e.points for e in grading.exercises(nbformat.read(INSTRUCTOR, 4))}
AUTO = [g for g, _ in POINTS.items() if g.endswith("-check")]
FULL = sum(POINTS[g] for g in AUTO)


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


# ------------------------------------------------------------------ release (fast)


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release")
    grading.release([], out)  # every chapter in notebooks/
    return out


def test_release_has_every_chapter_and_data_and_no_answers(released: Path):
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert (released / nb.stem / nb.name).exists(), nb.stem
    assert (released / "data").is_dir()
    assert grading.scan_release(released) == []
    for path in released.rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert (grading.course_dir().stat().st_mode & 0o777) == 0o700


def test_release_scan_catches_a_leaked_solution_line(released: Path, tmp_path):
    copy = tmp_path / CHAPTER / f"{CHAPTER}.ipynb"
    copy.parent.mkdir()
    nb = nbformat.read(released / CHAPTER / f"{CHAPTER}.ipynb", 4)
    answer = next(c for c in nb.cells if gid(c) == "ex01-1-answer")
    answer.source += '\ntotal_sales = tx["amount"].sum()\n'  # the instructor's line
    nbformat.write(nb, copy)
    problems = grading.scan_release(tmp_path, [INSTRUCTOR])
    assert any("total_sales = tx[" in p for p in problems), problems


def test_graded_notebook_restores_deleted_and_edited_tests(released: Path):
    nb = nbformat.read(released / CHAPTER / f"{CHAPTER}.ipynb", 4)
    drop_cells(nb, lambda c: gid(c) == "ex01-1-check")
    for c in nb.cells:
        if gid(c) == "ex01-2-check":
            c.source = "pass"
    graded = grading.build_graded_notebook(nbformat.read(INSTRUCTOR, 4), nb)
    text = "\n".join(c.source for c in graded.cells)
    assert 'crm.check("01.1"' in text and 'crm.check("01.2"' in text
    assert text.count("### BEGIN HIDDEN TESTS") == len(AUTO)


def test_parse_params():
    assert parse_params(["seed=3", "include_online_retail=False"]) == {
        "seed": 3,
        "include_online_retail": False,
    }
    assert parse_params(['{"n_customers": 800}']) == {"n_customers": 800}
    with pytest.raises(SystemExit, match="NAME=VALUE"):
        parse_params(["seed"])


# ------------------------------------------------------------------ one batch (slow)


def _hardcoded_answers() -> dict[str, str]:
    """What a student who typed in the numbers of their own run would submit."""
    tx = crm.load_transactions("simulated", seed=PARAMS["seed"], n_customers=PARAMS["n_customers"])
    ref = crm.kpi.indicator_summary(tx)
    as_of = tx["timestamp"].max().normalize() - pd.Timedelta(days=182)
    lapsed = int((crm.kpi.lifecycle_stage(tx, as_of)["stage"] == "lapsed").sum())
    return {
        "ex01-1-answer": f"total_sales = {float(ref['total_sales'])!r}\nn_visits = {int(ref['visits'])}\n",
        "ex01-5-answer": f"n_lapsed = {lapsed}\n",
    }


READ_SECRETS = """\
import pathlib
_root = pathlib.Path(crm.__file__).resolve().parents[1]
_leak = ""
for _p in [_root / "notebooks" / "01_overview.ipynb",
           _root / "build" / "nbgrader" / "source" / "01_overview" / "01_overview.ipynb",
           *_root.parent.glob("*/notebooks/01_overview.ipynb"),
           *pathlib.Path("/").glob("tmp/*/01_overview.ipynb")]:
    try:
        _leak += _p.read_text()
    except Exception:
        pass
if "BEGIN HIDDEN TESTS" in _leak:
    total_sales = tx["amount"].sum()
    n_visits = tx["receipt_id"].nunique()
else:
    total_sales, n_visits = 0, 0
"""

WRITE_GRADEBOOK = """\
import pathlib, sqlite3
_root = pathlib.Path(crm.__file__).resolve().parents[1]
for _p in [_root / "build" / "nbgrader" / "gradebook.db"]:
    try:
        _c = sqlite3.connect(_p)
        _c.execute("create table pwned (x)")
        _c.commit()
    except Exception:
        pass
for _p in (_root / "build" / "grades").rglob("*.json"):
    try:
        _p.write_text("PWNED")
    except Exception:
        pass
"""

MONKEYPATCH = """\
import builtins
total_sales, n_visits = 0, 0
crm.checks.close = lambda *a, **k: True
crm.check = lambda *a, **k: "ok"
crm.kpi.indicator_summary = lambda *a, **k: {"total_sales": 0, "visits": 0}
builtins.float = lambda *a, **k: 0.0
def check(*a, **k):
    return True
"""

HIJACK = """\
total_sales, n_visits = 0, 0
get_ipython().showtraceback = lambda *a, **k: None
"""

FLOOD = """\
for _i in range(200_000):
    print("spam " * 20)
"""

MEMORY_BOMB = """\
_hog = []
while True:
    _hog.append(bytearray(50 * 1024 * 1024))
"""


@pytest.fixture(scope="module")
def batch(released: Path, tmp_path_factory):
    """Grade one batch of submissions in parallel; returns (csv rows, results, folders)."""
    rel = released / CHAPTER / f"{CHAPTER}.ipynb"
    sol = solutions(INSTRUCTOR)
    sol["ex01-6-written"] = "Retention: lapsed customers outnumber new ones; watch the lapse rate."
    subs = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades") / CHAPTER

    def answers(**override):
        return {**sol, **override}

    write(fill(rel, sol), subs / "correct", f"{CHAPTER}.ipynb")
    wrong_visits = "total_sales = tx['amount'].sum()\nn_visits = len(tx)\n"
    partial = fill(rel, answers(**{"ex01-1-answer": wrong_visits}))
    drop_cells(partial, lambda c: gid(c) == "ex01-3-answer")  # a deleted answer cell
    write(partial, subs / "partial", f"{CHAPTER}.ipynb")
    write(
        fill(rel, answers(**{"ex01-5-answer": "while True:\n    pass\n"})), subs / "loop", "a.ipynb"
    )
    write(
        fill(rel, answers(**{"ex01-3-answer": "import sys\nsys.exit()\n"})),
        subs / "sys_exit",
        "a.ipynb",
    )
    write(
        fill(rel, answers(**{"ex01-4-answer": "import os\nos._exit(1)\n"})),
        subs / "os_exit",
        "a.ipynb",
    )
    edited = fill(rel, answers(**{"ex01-2-answer": "def average_basket(tx):\n    return 0\n"}))
    drop_cells(edited, lambda c: gid(c) == "ex01-1-check")
    for c in edited.cells:
        if gid(c) == "ex01-2-check":
            c.source = "pass  # the student's edit"
    write(edited, subs / "edited_tests", f"{CHAPTER}.ipynb")
    write(fill(rel, answers(**{"ex01-1-answer": MONKEYPATCH})), subs / "monkeypatch", "a.ipynb")
    write(fill(rel, answers(**{"ex01-1-answer": HIJACK})), subs / "hijack", "a.ipynb")
    snoop = {"ex01-1-answer": READ_SECRETS, "ex01-2-answer": WRITE_GRADEBOOK + sol["ex01-2-answer"]}
    write(fill(rel, answers(**snoop)), subs / "snoops", "a.ipynb")
    write(
        fill(rel, answers(**{"ex01-2-answer": FLOOD + sol["ex01-2-answer"]})),
        subs / "flood",
        "a.ipynb",
    )
    write(fill(rel, answers(**{"ex01-3-answer": MEMORY_BOMB})), subs / "memory_bomb", "a.ipynb")
    # renamed, and saved after a run with errors
    write(with_saved_errors(fill(rel, sol)), subs / "renamed", "my homework (final) 2.ipynb")
    write(fill(rel, answers(**_hardcoded_answers())), subs / "hardcoded", f"{CHAPTER}.ipynb")
    broken_json(subs / "corrupt", f"{CHAPTER}.ipynb")
    (subs / "empty").mkdir()

    gradebook = grading.course_dir() / "gradebook.db"
    existed = gradebook.exists()
    report = grading.grade(
        CHAPTER, subs, jobs=2, force=True, params=PARAMS, limits=LIMITS, out_dir=out
    )
    if existed:  # the write_gradebook submission tried to add a table
        con = sqlite3.connect(f"{gradebook.resolve().as_uri()}?mode=ro", uri=True)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        con.close()
        gradebook_intact = "pwned" not in tables
    else:
        gradebook_intact = not gradebook.exists()
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    return {
        "report": report,
        "rows": _csv(report.csv),
        "results": results,
        "subs": subs,
        "out": out,
        "gradebook_intact": gradebook_intact,
    }


# Answers that end or hang the kernel; chapter 01 now has exercises after them.
KERNEL_ENDS = {"loop", "sys_exit", "os_exit"}
EXPECTED = {
    # student: (total autograded points, exercises with 0 points, flags that must be present)
    "correct": (FULL, [], []),
    "partial": (FULL - 2 - 1, ["ex01-1-check", "ex01-3-check"], []),
    "loop": (FULL - 1, ["ex01-5-check"], ["timeout"]),
    "sys_exit": (FULL - 1, ["ex01-3-check"], []),
    "os_exit": (FULL - 2 - 1, ["ex01-4-check", "ex01-5-check"], ["kernel_died"]),
    "edited_tests": (FULL - 2, ["ex01-2-check"], []),
    "monkeypatch": (FULL - 2, ["ex01-1-check"], []),
    "hijack": (0, AUTO, ["tampered"]),
    "snoops": (FULL - 2, ["ex01-1-check"], []),  # reads instructor files, writes grades
    "flood": (FULL, [], ["output_truncated"]),
    "memory_bomb": (FULL - 1, ["ex01-3-check"], []),
    "renamed": (FULL, [], ["renamed"]),
    "hardcoded": (
        FULL - 2 - 1,
        ["ex01-1-check", "ex01-5-check"],
        ["hardcoded:ex01-1-check", "hardcoded:ex01-5-check"],
    ),
    "corrupt": (0, AUTO, ["no_valid_notebook"]),
    "empty": (0, AUTO, ["no_valid_notebook"]),
}


def test_batch_finishes_with_a_row_per_student(batch):
    assert not batch["report"].failed
    assert set(batch["rows"]) == set(EXPECTED)
    header = list(next(iter(batch["rows"].values())))
    assert header == ["student", *POINTS, "total", "max_total", "status", "flags"]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_is_graded_correctly(batch, student):
    total, zeros, flags = EXPECTED[student]
    row = batch["rows"][student]
    res = batch["results"][student]
    # the memory bomb keeps its memory: later exercises may fail for lack of it
    after = AUTO[AUTO.index(zeros[-1]) + 1 :] if student == "memory_bomb" else []
    if student in KERNEL_ENDS and any(
        float(row[g]) == 0 for g in AUTO[AUTO.index(zeros[-1]) + 1 :]
    ):
        pytest.xfail(
            "this grader restarts no kernel, so an answer that ends the kernel zeroes the "
            "exercises after it (issue 18; the fix is on the grading branch in wip/)"
        )
    if after:
        assert float(row["total"]) <= total, (row, res["exercises"])
    else:
        assert float(row["total"]) == total, (row, res["exercises"])
    for g in AUTO:
        want = 0.0 if g in zeros else POINTS[g]
        if g not in after:
            assert float(row[g]) == want, (g, res["exercises"][g])
    for f in flags:
        assert f in row["flags"].split(";"), row["flags"]
    if student in {"correct", "partial", "renamed", "monkeypatch"}:
        assert not [f for f in res["flags"] if f.startswith("hardcoded")], res["flags"]


def test_specific_outcomes(batch):
    res = batch["results"]
    assert res["corrupt"]["status"] == "invalid" and "unreadable" in res["corrupt"]["reason"]
    assert res["empty"]["status"] == "invalid"
    assert res["partial"]["exercises"]["ex01-1-check"]["status"] == "failed"
    assert "receipt" in res["partial"]["exercises"]["ex01-1-check"]["hint"].lower()
    assert res["partial"]["exercises"]["ex01-3-check"]["status"] == "unanswered"
    assert res["loop"]["exercises"]["ex01-5-check"]["status"] == "not_run"
    assert res["correct"]["run"]["sandbox"] is grading.sandbox_available()
    if not grading.sandbox_available():
        return  # without the sandbox the kernel runs as the instructor: see GRADING.md
    assert batch["gradebook_intact"]
    for p in batch["out"].rglob("*.json"):
        assert "PWNED" not in p.read_text()


def test_feedback_never_shows_hidden_tests(batch):
    secrets = {
        ln
        for c in nbformat.read(INSTRUCTOR, 4).cells
        for ln in grading.secret_lines(c.source)
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    folder = batch["out"] / "feedback"
    for student in EXPECTED:
        html = (folder / f"{student}.html").read_text(encoding="utf-8")
        assert "### BEGIN HIDDEN TESTS" not in html and "_ref" not in html
        for line in secrets:
            assert line not in html, (student, line)
    partial = (folder / "partial.html").read_text(encoding="utf-8")
    assert "receipt" in partial.lower()  # the visible check's hint is there
    pytest.importorskip("weasyprint")
    assert (folder / "correct.pdf").stat().st_size > 1000


def test_sandbox_hides_the_instructor_files(batch):
    if not grading.sandbox_available():
        pytest.skip("no sandbox here (needs root and mount namespaces)")
    # the snoops submission answers right only if it could read a hidden test
    assert batch["results"]["snoops"]["exercises"]["ex01-1-check"]["points"] == 0


def test_resume_regrades_only_the_missing_student(batch):
    out = batch["out"]
    (out / "partial.json").unlink()
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}
    report = grading.grade(
        CHAPTER, batch["subs"], jobs=2, params=PARAMS, limits=LIMITS, out_dir=out
    )
    assert report.graded == ["partial"]
    assert sorted(report.skipped) == sorted(set(EXPECTED) - {"partial"})
    for p in out.glob("*.json"):
        if p.name != "partial.json":
            assert p.stat().st_mtime_ns == mtimes[p.name]
    assert float(_csv(report.csv)["partial"]["total"]) == EXPECTED["partial"][0]


def test_a_cold_kernel_grades_like_a_warm_one(batch, tmp_path):
    """The batch forks its kernels from the warm zygote; a kernel started from scratch
    (``Limits(warm=False)``) gives the same grade to the same submissions."""
    cold = dataclasses.replace(LIMITS, warm=False)
    for student in ("correct", "hardcoded"):
        res = grading.grade_submission(
            CHAPTER,
            student,
            batch["subs"] / student,
            params=PARAMS,
            limits=cold,
            pdf=False,
            out_dir=tmp_path,
        )
        warm = batch["results"][student]
        assert res["run"]["sandbox"] == warm["run"]["sandbox"]
        assert {g: r["points"] for g, r in res["exercises"].items()} == {
            g: r["points"] for g, r in warm["exercises"].items()
        }
        assert sorted(res["flags"]) == sorted(warm["flags"])


# ------------------------------------------------------------------ rubric


def test_rubric_export_and_import(batch, tmp_path):
    out = batch["out"]
    sheet = grading.export_rubric(CHAPTER, tmp_path / "rubric.csv", out_dir=out)
    with open(sheet, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == grading.RUBRIC_COLUMNS
    assert {r["student"] for r in rows} == set(EXPECTED)
    correct = next(r for r in rows if r["student"] == "correct")
    assert correct["grade_id"] == "ex01-6-written" and "Retention" in correct["answer"]

    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(grading.RUBRIC_COLUMNS)
        w.writerow(["correct", "ex01-6-written", 3, "", 5, ""])
        w.writerow(["nobody_here", "ex01-6-written", 3, "", 1, ""])
        w.writerow(["correct", "ex01-9-written", 3, "", 1, ""])
        w.writerow(["partial", "ex01-6-written", 3, "", "two", ""])
    with pytest.raises(grading.GradingError) as err:
        grading.import_rubric(CHAPTER, bad, out_dir=out)
    msg = str(err.value)
    assert "outside 0..3" in msg and "unknown student 'nobody_here'" in msg
    assert "unknown grade_id 'ex01-9-written'" in msg and "'two'" in msg
    assert _csv(batch["report"].csv)["correct"]["ex01-6-written"] == ""  # nothing imported

    good = tmp_path / "good.csv"
    for r in rows:
        r["points"] = "3" if r["student"] == "correct" else ""
    with open(good, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, grading.RUBRIC_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    assert grading.import_rubric(CHAPTER, good, out_dir=out) == {"imported": 1}
    row = _csv(batch["report"].csv)["correct"]
    assert row["ex01-6-written"] == "3" and float(row["total"]) == FULL + 3


def test_rubric_import_rejects_a_sheet_without_points(batch, tmp_path):
    sheet = tmp_path / "x.csv"
    sheet.write_text("student,grade_id\ncorrect,ex01-6-written\n", encoding="utf-8")
    with pytest.raises(grading.GradingError, match="missing points"):
        grading.import_rubric(CHAPTER, sheet, out_dir=batch["out"])


def test_cli_import_reports_errors(batch, tmp_path, capsys, monkeypatch):
    sheet = tmp_path / "x.csv"
    sheet.write_text("student,grade_id,points\nghost,ex01-6-written,1\n", encoding="utf-8")
    monkeypatch.setattr(grading, "grades_dir", lambda: batch["out"].parent)
    assert cli_main(["import-rubric", CHAPTER, str(sheet)]) == 2
    assert re.search(r"unknown student 'ghost'", capsys.readouterr().err)


def test_results_reach_nbgraders_gradebook_for_formgrader(batch, tmp_path, monkeypatch):
    """After a batch the results are in nbgrader's gradebook (auto scores, written answers
    waiting for a mark, the notebook formgrader shows); a mark entered there survives a
    second sync and reaches the grade CSV."""
    from nbgrader.api import Gradebook

    course = tmp_path / "nbgrader"
    monkeypatch.setenv("CRM_NBGRADER_DIR", str(course))
    monkeypatch.setenv("PATH", grading._tool_env()["PATH"])
    out = tmp_path / "grades" / CHAPTER
    shutil.copytree(batch["out"], out)
    counts = grading.to_gradebook(CHAPTER, out)
    graded = [s for s, r in batch["results"].items() if r["status"] in {"graded", "invalid"}]
    assert counts["students"] == len(graded)
    written = [g for g in POINTS if g.endswith("-written")]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("correct", "partial"):
            for g in AUTO:
                grade = gb.find_grade(g, CHAPTER, CHAPTER, student)
                assert grade.auto_score == batch["results"][student]["exercises"][g]["points"]
            for g in written:
                assert gb.find_grade(g, CHAPTER, CHAPTER, student).needs_manual_grade
        gb.find_grade(written[0], CHAPTER, CHAPTER, "correct").manual_score = 1.5
        gb.db.commit()
    shown = (course / "autograded" / "correct" / CHAPTER / f"{CHAPTER}.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" not in shown and "_ref" not in shown
    grading.to_gradebook(CHAPTER, out)  # again: the mark is kept
    row = _csv(grading.assemble_csv(CHAPTER, out))["correct"]
    assert row[written[0]] == "1.5"
    assert float(row["total"]) == FULL + 1.5


def test_formgrader_marks_reach_the_csv(tmp_path, monkeypatch):
    """Marks entered in nbgrader's gradebook (the formgrader route) are read into the CSV."""
    from nbgrader.api import Gradebook

    course = tmp_path / "nbgrader"
    course.mkdir()
    monkeypatch.setattr(grading, "course_dir", lambda: course)
    monkeypatch.setenv("PATH", grading._tool_env()["PATH"])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment(CHAPTER)
        gb.add_notebook(CHAPTER, CHAPTER)
        gb.add_grade_cell("ex01-6-written", CHAPTER, CHAPTER, max_score=3, cell_type="markdown")
        gb.add_student("ann")
        gb.add_submission(CHAPTER, "ann")
        gb.find_grade("ex01-6-written", CHAPTER, CHAPTER, "ann").manual_score = 2
        gb.db.commit()
    out = tmp_path / "grades" / CHAPTER
    out.mkdir(parents=True)
    result = {
        "student": "ann",
        "status": "graded",
        "flags": [],
        "exercises": {"ex01-1-check": {"points": 2.0, "status": "passed", "max": 2.0}},
    }
    (out / "ann.json").write_text(json.dumps(result))
    row = _csv(grading.assemble_csv(CHAPTER, out))["ann"]
    assert row["ex01-6-written"] == "2" and row["total"] == "4"
