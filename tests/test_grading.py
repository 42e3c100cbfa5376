"""The grading tool (crm_helpers.grading): release, parallel autograding in sandboxes with a
re-run on secret data, resume, feedback, rubric marks; and the attacks of issue 18.

The expensive part is ONE batch of submissions of chapter 01, graded in parallel (two
workers, small parameters seed=3, n_customers=800), shared by the tests through a module
fixture. ``make test-grading`` runs it beside two CPU hogs (``CRM_TEST_HOGS=2``): a busy
machine must not turn a right answer into a timeout. ``make test`` runs it without them
(the suite's other worker already shares the cores), so they do not slow the rest of it. Every submission is built here from the
release (``tests/grading_fixtures``), as a student who reads the grader's code would write
it. Expected scores come from the exercise points in the instructor notebook and what each
submission does; nothing is copied from a run of the grader.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import nbformat
import pandas as pd
import pypdfium2 as pdfium
import pytest
from grading_fixtures import (
    attacks,
    drop_cells,
    gid,
    solutions,
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
# generous time limits: a busy machine must not turn a right answer into a timeout
LIMITS = grading.Limits(timeout=900, cell_timeout=45, memory_mb=1024, output_chars=5_000)
POINTS = {e.grade_id: e.points for e in grading.exercises(nbformat.read(INSTRUCTOR, 4))}
AUTO = [g for g, _ in POINTS.items() if g.endswith("-check")]
FULL = sum(POINTS[g] for g in AUTO)
ISOLATED = grading.sandbox_available()


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


def _minus(*gids: str) -> float:
    return FULL - sum(POINTS[g] for g in gids)


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


def test_the_kernel_never_gets_the_hidden_tests(released: Path):
    """Deleted and edited check cells come back, and the notebook the student's kernel runs
    holds no hidden test: they are in the grader's plan only."""
    nb = nbformat.read(released / CHAPTER / f"{CHAPTER}.ipynb", 4)
    drop_cells(nb, lambda c: gid(c) == "ex01-1-check")
    for c in nb.cells:
        if gid(c) == "ex01-2-check":
            c.source = "pass"
    graded, plan = grading.build_graded_notebook(nbformat.read(INSTRUCTOR, 4), nb)
    text = "\n".join(c.source for c in graded.cells)
    assert 'crm.check("01.1"' in text and 'crm.check("01.2"' in text
    assert "HIDDEN TESTS" not in text and "_ref" not in text
    assert sorted(plan) == sorted(AUTO) and all(plan[g]["hidden"] for g in AUTO)
    assert plan["ex01-1-check"]["fetch"] == ["n_visits", "total_sales"]


def test_parse_params():
    assert parse_params(["seed=3", "include_online_retail=False"]) == {
        "seed": 3,
        "include_online_retail": False,
    }
    assert parse_params(['{"n_customers": 800}']) == {"n_customers": 800}
    with pytest.raises(SystemExit, match="NAME=VALUE"):
        parse_params(["seed"])


def test_csv_cells_cannot_be_formulas():
    assert grading.csv_safe('=HYPERLINK("http://x","y")').startswith("'=")
    for bad in ("+1", "-1+2", "@SUM(A1)", "\t=1"):
        assert grading.csv_safe(bad).startswith("'")
    assert grading.csv_safe("Retention 留存") == "Retention 留存"


# ------------------------------------------------------------------ one batch (slow)


def _typed_in() -> dict[str, object]:
    """The values a student would copy from their own run (seed 3)."""
    tx = crm.load_transactions("simulated", seed=PARAMS["seed"], n_customers=PARAMS["n_customers"])
    ref = crm.kpi.indicator_summary(tx)
    as_of = tx["timestamp"].max().normalize() - pd.Timedelta(days=182)
    lapsed = int((crm.kpi.lifecycle_stage(tx, as_of)["stage"] == "lapsed").sum())
    return {
        "total_sales": float(ref["total_sales"]),
        "visits": int(ref["visits"]),
        "lapsed": lapsed,
    }


def _grader_cgroups() -> set[Path]:
    """The grader's per-run cgroups that exist now (v1 memory and pids)."""
    return {p for c in ("memory", "pids") for p in Path("/sys/fs/cgroup", c).rglob("crm-grader-*")}


@pytest.fixture(scope="module")
def batch(released: Path, tmp_path_factory):
    """Grade one batch of submissions in parallel (beside ``CRM_TEST_HOGS`` CPU hogs)."""
    rel = released / CHAPTER / f"{CHAPTER}.ipynb"
    sol = solutions(INSTRUCTOR)
    sol["ex01-6-written"] = "Retention: lapsed customers outnumber new ones; watch the lapse rate."
    subs = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades") / CHAPTER
    token = os.urandom(6).hex()
    built = attacks(rel, sol, subs, INSTRUCTOR, _typed_in(), token)
    gradebook = grading.course_dir() / "gradebook.db"
    existed = gradebook.exists()
    cgroups_before = _grader_cgroups()  # another grading run on the machine may have some
    hog = [sys.executable, "-c", "while True: pass"]
    hogs = [subprocess.Popen(hog) for _ in range(int(os.environ.get("CRM_TEST_HOGS", "0")))]
    try:
        report = grading.grade(
            CHAPTER, subs, jobs=2, force=True, params=PARAMS, limits=LIMITS, out_dir=out
        )
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    if existed:  # the snoops submission tried to add a table
        con = sqlite3.connect(f"{gradebook.resolve().as_uri()}?mode=ro", uri=True)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        con.close()
        gradebook_intact = "pwned" not in tables
    else:
        gradebook_intact = not gradebook.exists()
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    left = subprocess.run(["pgrep", "-f", token], capture_output=True, text=True).stdout.split()
    for pid in left:  # only where there is no sandbox: what the persist submission started
        try:
            os.kill(int(pid), 9)
        except (ProcessLookupError, ValueError):
            pass
    return {
        "report": report,
        "rows": _csv(report.csv),
        "results": results,
        "subs": subs,
        "out": out,
        "gradebook_intact": gradebook_intact,
        "token": token,
        "left_processes": left,
        "left_cgroups": _grader_cgroups() - cgroups_before,
        "built": built,
    }


A1, A2, A3, A4, A5, A7, A8, A9 = AUTO
EXPECTED = {
    # student: (total autograded points, exercises with 0 points, flags that must be present)
    "correct": (FULL, [], []),
    # A4's deleted check still scores; saved with errors under another name
    "partial": (_minus(A1, A2, A3), [A1, A2, A3], ["renamed"]),
    # exit(), SIGKILL (the kernel is init of its pid namespace: ignored there), a loop,
    # os._exit, and a function that ends the kernel when the grader calls it
    "crashes": (_minus(A1, A2, A3, A4, A8), [A1, A2, A3, A4, A8], ["timeout", "kernel_died"]),
    "limits": (_minus(A1, A3), [A1, A3], []),  # the tree limits attack (A1), a memory bomb
    "tricks": (0, AUTO, []),
    "snoops": (_minus(A1), [A1], []),
    "_leaks": (FULL, [], ["output_truncated"]),  # also the daemon and files left behind
    "reseed_tricks": (  # in 01_overview-Copy1.ipynb, a blank 01_overview.ipynb beside it
        _minus(A1, A2, A5, A7),
        [A1, A2, A5, A7],
        [
            f"hardcoded:{A1}",
            f"hardcoded:{A5}",
            f"reseed_kernel_died:{A2}",
            "several_notebooks:01_overview.ipynb",
        ],
    ),
    "symlink_file": (0, AUTO, ["no_valid_notebook"]),
    "symlink_dir": (0, AUTO, ["no_valid_notebook", "symlink_refused"]),
    "corrupt": (0, AUTO, ["no_valid_notebook"]),
    "empty": (0, AUTO, ["no_valid_notebook"]),
}


def test_batch_finishes_with_a_row_per_student_and_no_grader_error(batch):
    assert not batch["report"].failed, {
        s: batch["results"][s].get("reason") for s in batch["report"].failed
    }
    assert set(batch["rows"]) == set(EXPECTED)
    header = list(next(iter(batch["rows"].values())))
    assert header == ["student", *POINTS, "total", "max_total", "status", "flags"]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_is_graded_correctly(batch, student):
    """0 undeserved points and 0 lost grades: each exercise scores exactly what it earns."""
    total, zeros, flags = EXPECTED[student]
    row = batch["rows"][student]
    res = batch["results"][student]
    assert float(row["total"]) == total, (row, res["exercises"])
    for g in AUTO:
        want = 0.0 if g in zeros else POINTS[g]
        assert float(row[g]) == want, (g, res["exercises"][g])
    got = row["flags"].split(";")
    for f in flags:
        assert any(x == f or x.startswith(f + ":") or x.startswith(f) for x in got), got
    if ISOLATED:
        assert "unsandboxed" not in got
    if student in {"correct", "partial", "_leaks", "crashes"}:
        assert not [f for f in res["flags"] if f.startswith(("hardcoded", "reseed"))], res["flags"]


def test_specific_outcomes(batch):
    res = batch["results"]
    assert res["corrupt"]["status"] == "invalid" and "unreadable" in res["corrupt"]["reason"]
    assert res["empty"]["status"] == "invalid"
    assert res["partial"]["exercises"][A1]["status"] == "failed"
    assert "receipt" in res["partial"]["exercises"][A1]["hint"].lower()
    assert res["partial"]["exercises"][A3]["status"] == "unanswered"
    assert res["partial"]["exercises"][A4]["status"] == "passed"  # its check was deleted
    assert res["crashes"]["exercises"][A3]["status"] == "timeout"
    for g in (A4, A8):  # os._exit in the answer; in the function, when the grader calls it
        assert res["crashes"]["exercises"][g]["status"] == "kernel_died", g
    # a restart after the loop and each os._exit (exit() only asks the front end to stop
    # the kernel; SIGKILL to itself is ignored by the init of a pid namespace)
    assert res["crashes"]["run"]["restarts"] >= 3
    assert res["correct"]["run"]["sandbox"] is ISOLATED
    assert res["reseed_tricks"]["notebook"] == "01_overview-Copy1.ipynb"
    assert res["partial"]["notebook"] == "my homework (final) 2.ipynb"
    assert res["symlink_file"]["status"] == "invalid"
    assert any(f.startswith("symlink_refused") for f in res["symlink_file"]["flags"])


def test_the_instructors_answers_get_full_marks(batch):
    """The instructor's own solutions (the 'correct' student) pass both runs."""
    res = batch["results"]["correct"]
    assert res["auto_total"] == FULL
    assert all(r["reseed_status"] == "passed" for g, r in res["exercises"].items() if g in AUTO)


# a file: URL in a tag's attribute or a CSS url() (the same text shown as code is harmless)
FETCHABLE_FILE = re.compile(
    r"""(?i)(<[^>]*\b(href|src|data|srcset)\s*=\s*["']?|url\(\s*["']?)file:"""
)


def _pdf_text(pdf: bytes) -> bytes:
    """A PDF's bytes with its compressed streams inflated (to search its objects)."""
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def _feedback(batch, student: str) -> str:
    return (batch["out"] / "feedback" / f"{student}.html").read_text(encoding="utf-8")


def test_feedback_never_shows_hidden_tests_or_grader_files(batch):
    secrets = {
        ln
        for c in nbformat.read(INSTRUCTOR, 4).cells
        for ln in grading.secret_lines(c.source)
        if c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    }
    for student in EXPECTED:
        html = _feedback(batch, student)
        assert "### BEGIN HIDDEN TESTS" not in html and not re.search(r"\b_ref\b", html)
        for line in secrets:
            assert line not in html, (student, line)
        assert not FETCHABLE_FILE.search(html) and "root:x:0:0" not in html, student
    partial = _feedback(batch, "partial")
    assert "receipt" in partial.lower()  # the visible check's hint is there
    empty = _feedback(batch, "empty")  # no notebook ran: the table and why, not a blank chapter
    assert "no notebook" in empty and "Hidden tests" not in empty and "Hidden tests" in partial
    assert "IN_DUMP" in _feedback(batch, "_leaks")  # it did print In, Out and _ih


def test_feedback_pdf_embeds_no_file_and_keeps_every_page(batch):
    pytest.importorskip("weasyprint")
    folder = batch["out"] / "feedback"
    pdf = _pdf_text((folder / "_leaks.pdf").read_bytes())
    assert b"/EmbeddedFile" not in pdf and b"root:x:0:0" not in pdf
    pages = len(
        re.findall(rb"/Type\s*/Page\b(?!s)", _pdf_text((folder / "correct.pdf").read_bytes()))
    )
    assert pages > 1  # the whole notebook, not one clipped page
    # the hints under the checks print (stderr output, which other PDFs hide)
    doc = pdfium.PdfDocument(str(folder / "partial.pdf"))
    text = "".join(page.get_textpage().get_text_range() for page in doc)
    hints = _feedback(batch, "partial").count("Not yet")
    assert hints >= 3 and text.count("Not yet") == hints, text[:2000]  # A1-A3 not passed


def test_students_do_not_share_a_world(batch):
    """Each kernel sees only its own processes, no network, empty private temp folders,
    its own uid; nothing it starts outlives grading; no cgroup is left behind."""
    if not ISOLATED:
        pytest.skip("no sandbox here (needs root and namespaces)")
    seen = {}
    for student in ("snoops", "_leaks"):
        m = re.search(r"OBSERVED (\{.*?\}) END", _feedback(batch, student).replace("&quot;", '"'))
        assert m, student
        seen[student] = json.loads(m.group(1))
    for obs in seen.values():
        assert obs["uid"] not in (0, 65534), obs
        assert obs["pids"] <= 8, obs  # the kernel and its own children
        assert obs["tcp"] <= 2 and obs["tcp6"] <= 2, obs  # its own kernel's, no one else's
        assert obs["var_tmp"] == [] and obs["dev_shm"] == [], obs
        assert not obs["sockets"], obs  # no other kernel's socket folder
    assert seen["snoops"]["uid"] != seen["_leaks"]["uid"]
    assert batch["left_processes"] == []
    assert not list(Path("/var/tmp").glob(f"*{batch['token']}*"))
    assert not list(Path("/dev/shm").glob(f"*{batch['token']}*"))
    assert batch["left_cgroups"] == set()


def test_memory_and_process_limits_hold_for_the_whole_tree(batch):
    if not ISOLATED or not grading.isolation()["cgroups"]:
        pytest.skip("no cgroups here")
    html = _feedback(batch, "limits").replace("&quot;", '"')
    forks = re.search(r"FORKS (\d+)", html)
    assert forks and int(forks.group(1)) < LIMITS.max_tasks  # stopped by the pids limit
    m = re.search(r"LIMITS (\{.*?\}) END", html)
    if m:  # four children under the limit each, over it together: not all of them finish
        assert json.loads(m.group(1))["children_done"] < 4
    else:  # or the memory cgroup's OOM killer chose the kernel itself
        assert batch["results"]["limits"]["exercises"][A1]["status"] == "kernel_died"


def test_sandbox_hides_the_instructor_files(batch):
    if not ISOLATED:
        pytest.skip("no sandbox here (needs root and namespaces)")
    assert batch["results"]["snoops"]["exercises"][A1]["points"] == 0
    assert batch["gradebook_intact"]
    for p in batch["out"].rglob("*.json"):
        assert "PWNED" not in p.read_text()


def test_rubric_csv_escapes_formulas(batch, tmp_path):
    sheet = grading.export_rubric(CHAPTER, tmp_path / "rubric.csv", out_dir=batch["out"])
    with open(sheet, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    formula = next(
        r for r in rows if r["student"] == "_leaks" and r["grade_id"] == "ex01-10-written"
    )
    assert formula["answer"].startswith("'=HYPERLINK(")
    for r in rows:
        for v in r.values():
            assert not v.startswith(("=", "+", "-", "@")), r


def test_resume_regrades_only_the_missing_student(batch):
    """The student whose result is missing is graded again and nobody else; "corrupt" (no
    valid notebook: graded without a kernel) keeps the test about the bookkeeping."""
    out = batch["out"]
    (out / "corrupt.json").unlink()
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}
    report = grading.grade(
        CHAPTER, batch["subs"], jobs=2, params=PARAMS, limits=LIMITS, out_dir=out, reseed=False
    )
    assert report.graded == ["corrupt"]
    assert sorted(report.skipped) == sorted(set(EXPECTED) - {"corrupt"})
    for p in out.glob("*.json"):
        if p.name != "corrupt.json":
            assert p.stat().st_mtime_ns == mtimes[p.name]
    rows = _csv(report.csv)
    assert float(rows["corrupt"]["total"]) == EXPECTED["corrupt"][0]
    assert float(rows["partial"]["total"]) == EXPECTED["partial"][0]  # the kept results


def test_a_cold_kernel_grades_like_a_warm_one(batch, tmp_path):
    """The batch forks its kernels from the warm zygote; a kernel started from scratch
    (``Limits(warm=False)``) gives the same grade to the same submission (one run: the
    re-run is the same code path)."""
    cold = dataclasses.replace(LIMITS, warm=False)
    res = grading.grade_submission(
        CHAPTER, "partial", batch["subs"] / "partial",
        params=PARAMS, limits=cold, pdf=False, out_dir=tmp_path, reseed=False,
    )  # fmt: skip
    warm = batch["results"]["partial"]
    assert res["status"] == "graded", res.get("reason")
    assert res["run"]["sandbox"] == warm["run"]["sandbox"]
    assert {g: r["points"] for g, r in res["exercises"].items()} == {
        g: r["points"] for g, r in warm["exercises"].items()
    }
    assert sorted(res["flags"]) == sorted(warm["flags"])


def test_a_repository_under_tmp_grades_too(batch, tmp_path_factory):
    """The sandbox's private /tmp must not hide the course package when the repository
    itself is under /tmp (it gave every student 0)."""
    repo = Path("/tmp") / f"crm-repo-{batch['token']}"
    try:
        for part in ("crm_helpers", "notebooks", "data", "pyproject.toml"):
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, repo / part)
        out = repo / "build" / "grades" / CHAPTER
        task = {
            "chapter": str(repo / "notebooks" / f"{CHAPTER}.ipynb"), "student": "correct",
            "student_dir": str(batch["subs"] / "correct"), "params": PARAMS,
            "limits": dataclasses.asdict(LIMITS), "reseed": False, "reseed_policy": "zero",
            "pdf": False, "out_dir": str(out),
        }  # fmt: skip
        (repo / "task.json").write_text(json.dumps(task))
        env = {**os.environ, "PYTHONPATH": str(repo), "CRM_NBGRADER_DIR": str(repo / "nb")}
        subprocess.run(
            [sys.executable, "-m", "crm_helpers.grading", "_grade_one", str(repo / "task.json")],
            cwd=repo, env=env, check=True, timeout=600,
        )  # fmt: skip
        res = json.loads((out / "correct.json").read_text())
        assert res["auto_total"] == FULL, res
        assert res["run"]["sandbox"] is ISOLATED
    finally:
        shutil.rmtree(repo, ignore_errors=True)


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
        mark = r["student"] == "correct" and r["grade_id"] == "ex01-6-written"
        r["points"] = "3" if mark else ""
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
    monkeypatch.setattr(grading.rubric, "grades_dir", lambda: batch["out"].parent)
    assert cli_main(["import-rubric", CHAPTER, str(sheet)]) == 2
    assert re.search(r"unknown student 'ghost'", capsys.readouterr().err)


def test_results_reach_nbgraders_gradebook_for_formgrader(batch, tmp_path, monkeypatch):
    """After a batch the results are in nbgrader's gradebook (auto scores, written answers
    waiting for a mark, the notebook formgrader shows); a mark entered there survives a
    second sync and reaches the grade CSV."""
    from nbgrader.api import Gradebook

    course = tmp_path / "nbgrader"
    monkeypatch.setenv("CRM_NBGRADER_DIR", str(course))
    monkeypatch.setenv("PATH", grading.tool_env()["PATH"])
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
    monkeypatch.setenv("CRM_NBGRADER_DIR", str(course))
    monkeypatch.setenv("PATH", grading.tool_env()["PATH"])
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
