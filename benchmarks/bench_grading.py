"""Benchmark of the parallel grader against plain serial ``nbgrader autograde``.

Usage::

    python benchmarks/bench_grading.py                 # 100 submissions of 01_overview
    python benchmarks/bench_grading.py --n 12 --jobs 2 --rounds 2

Submissions of chapter 01 are made from its release (``tests/grading_fixtures``): half
correct (the instructor's solutions), 30 % partly wrong (one answer wrong, one left
unanswered), 20 % broken (a syntax error, ``os._exit`` half-way, or nothing answered).
Their parameters cell is set to the small size (seed=3, n_customers=800, no Online Retail
section) so that nbgrader runs them at the same size as the grader, which gets the same
values through ``--params``.

Arms, in the same run on the same submissions, each in a fresh subprocess:

1. ``nbgrader_serial``: ``nbgrader autograde 01_overview --create --force`` on its own
   course directory (nbgrader has no parallel autograde, nbgrader#174);
2. ``grader_no_reseed``: ``crm-course grade`` with ``--no-reseed`` (one run per submission,
   like nbgrader) with ``--jobs`` workers;
3. ``grader``: ``crm-course grade`` as an instructor runs it (plus the re-run with another
   seed for every submission that passes a check).

The machine's speed drifts with other work on the host (the same arm measured 4.7 and
5.6 s a submission in two runs an hour apart), so the submissions are split into
``--rounds`` rounds (default 2) and every arm grades the same round back to back, in an
order reversed every round; an arm's time is the sum over the rounds (each round pays the
arm's start-up: nbgrader's and the grader's). Time is wall-clock; memory is the peak of the summed RSS of the arm's whole process tree
(grader, workers and kernels), sampled every 0.1 s with psutil. Results go to
``build/benchmarks/grading.json``. Benchmarks measure; the tests never assert on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from grading_fixtures import fill, solutions  # noqa: E402

from crm_helpers import grading  # noqa: E402

CHAPTER = "01_overview"
PARAMS = {"seed": 3, "n_customers": 800, "include_online_retail": False}


def make_submissions(folder: Path, n: int, rounds: int = 1) -> dict[str, int]:
    """Write ``n`` student folders (nbgrader layout: <student>/<chapter>/<chapter>.ipynb)
    into ``folder/submitted/``, named ``r<round>s<number>`` and also copied to
    ``folder/submitted_r<round>/`` for the grader's rounds."""
    rel_dir = folder / "_release"
    grading.release([CHAPTER], rel_dir)
    rel = rel_dir / CHAPTER / f"{CHAPTER}.ipynb"
    sol = solutions(ROOT / "notebooks" / f"{CHAPTER}.ipynb")
    wrong = {
        "ex01-1-answer": "total_sales = tx['amount'].sum()\nn_visits = len(tx)\n",
        "ex01-3-answer": "best_month = None\n",
    }
    broken = [
        {**sol, "ex01-2-answer": "def average_basket(tx)\n    return 1\n"},
        {**sol, "ex01-3-answer": "import os\nos._exit(1)\n"},
        {},
    ]
    kinds = {"correct": 0, "partly_wrong": 0, "broken": 0}
    for i in range(n):
        if i % 10 < 5:
            kind, answers = "correct", sol
        elif i % 10 < 8:
            kind, answers = "partly_wrong", {**sol, **wrong}
        else:
            kind, answers = "broken", broken[i % len(broken)]
        kinds[kind] += 1
        nb = fill(rel, answers)
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        params.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in PARAMS.items()) + "\n"
        r = i * rounds // n
        for sub in ("submitted", f"submitted_r{r}"):
            target = folder / sub / f"r{r}s{i:03d}" / CHAPTER / f"{CHAPTER}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
    shutil.rmtree(rel_dir)
    return kinds


def measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, float]:
    """Wall time and peak summed RSS of a command's process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        print(err.decode()[-2000:], file=sys.stderr)
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "rc": proc.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help="number of submissions")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=2, help="rounds, arms interleaved")
    parser.add_argument("--output", default=str(ROOT / "build" / "benchmarks" / "grading.json"))
    args = parser.parse_args()

    work = ROOT / "build" / "benchmarks" / "grading_work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    work.chmod(0o700)
    kinds = make_submissions(work, args.n, args.rounds)
    env = grading.tool_env()
    env["CRM_NBGRADER_DIR"] = str(work / "crm_nbgrader")  # the grader's gradebook, not build/

    # nbgrader's own course directory: config, source, generate_assignment, submissions
    course = work / "course"
    (course / "source" / CHAPTER).mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{CHAPTER}.ipynb", course / "source" / CHAPTER)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n"
    )
    shutil.copytree(work / "submitted", course / "submitted")
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    subprocess.run(
        [nbgrader, "generate_assignment", CHAPTER, "--force"],
        cwd=course,
        env=env,
        check=True,
        capture_output=True,
    )
    grading.prewarm(PARAMS, [PARAMS["seed"]])  # the data cached for every arm (the re-run's
    # seed is secret: each grader run draws and generates its own)

    # The machine's speed drifts (other work on the host): the submissions are graded in
    # rounds, every arm on the same round back to back, the order reversed every round.
    params = [f"{k}={v!r}" for k, v in PARAMS.items()]

    def command(arm: str, r: int) -> tuple[list[str], Path]:
        if arm == "nbgrader_serial":
            return [
                nbgrader, "autograde", CHAPTER, "--create", "--force",
                f"--CourseDirectory.student_id=r{r}s*",
            ], course  # fmt: skip
        extra = ["--no-reseed"] if arm == "grader_no_reseed" else []
        return [
            sys.executable, "-m", "crm_helpers.grading_cli", "grade", CHAPTER,
            str(work / f"submitted_r{r}"), "--force", "--jobs", str(args.jobs), "--no-pdf",
            "--out-dir", str(work / arm / CHAPTER), "--params", *params, *extra,
        ], ROOT  # fmt: skip

    arms = ["nbgrader_serial", "grader_no_reseed", "grader"]
    results: dict[str, dict] = {a: {"seconds": 0.0, "peak_rss_mb": 0.0, "rounds": []} for a in arms}
    for r in range(args.rounds):
        for arm in arms if r % 2 == 0 else arms[::-1]:
            cmd, cwd = command(arm, r)
            m = measure(cmd, cwd, env)
            res = results[arm]
            res["seconds"] = round(res["seconds"] + m["seconds"], 1)
            res["peak_rss_mb"] = max(res["peak_rss_mb"], m["peak_rss_mb"])
            res["rounds"].append(m)
            print(f"round {r} {arm}: {m['seconds']:.1f} s", flush=True)
    for arm in arms[1:]:
        rows = (work / arm / f"{CHAPTER}.csv").read_text().splitlines()
        results[arm]["students_in_csv"] = len(rows) - 1
    base = results["nbgrader_serial"]["seconds"]
    for name in ("grader_no_reseed", "grader"):
        results[name]["speedup_vs_nbgrader"] = round(base / results[name]["seconds"], 2)
    report = {
        "submissions": args.n,
        "kinds": kinds,
        "jobs": args.jobs,
        "cpu_count": os.cpu_count(),
        "rounds": args.rounds,
        "params": PARAMS,
        "arms": results,
        "per_submission_seconds": {k: round(v["seconds"] / args.n, 2) for k, v in results.items()},
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"{'arm':<18} {'seconds':>8} {'s/sub':>6} {'peak MB':>8} {'speed-up':>8}")
    for k, v in results.items():
        print(
            f"{k:<18} {v['seconds']:>8.1f} {v['seconds'] / args.n:>6.2f} "
            f"{v['peak_rss_mb']:>8.0f} {v.get('speedup_vs_nbgrader', 1.0):>8.2f}"
        )
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
