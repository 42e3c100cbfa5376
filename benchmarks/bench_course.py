"""Benchmark of the course run (``make course``'s notebooks and PDFs), at default scale.

Usage::

    python benchmarks/bench_course.py [--jobs 2] [--alone] [--record]

In one run it executes every chapter in ``notebooks/`` with its own defaults:

* the **baseline**: each kernel started from scratch (``CRM_WARM_KERNELS=0``: a new Python
  that imports pandas, matplotlib, seaborn and scikit-learn again in the chapter's first
  cell), ``--jobs`` notebooks at a time, as ``crm-course run`` did before warm kernels;
* the **course route**: the same with warm kernels (forked from a parent that imported the
  libraries once, :mod:`crm_helpers._warm_kernel`), as ``crm-course run`` does now;
* with ``--alone``, the course route once more one notebook at a time (each chapter's time
  without a second notebook sharing the two cores);
* before each route the plan report's cache is emptied, so chapter 09 writes its report
  (the simulated data and the Online Retail copy stay, as ``make data`` leaves them);
* the student-view **PDF** of every executed chapter, ``--jobs`` at a time, without the PDF
  cache (each one laid out by WeasyPrint).

It reports each chapter's seconds in each route, the wall time of each route and their
ratio (baseline / course), the PDFs' seconds, the goal (every chapter ≤ 15 s, the course ≤
3 min), the load average before and after, and how fast the machine was: a fixed
pure-Python workload's seconds before and after, and the share of CPU time the virtual
machine's host took (``steal`` in /proc/stat) during the run. Results go to
build/benchmarks/course.json; ``--record`` also writes benchmarks/results/course.json
(committed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm_helpers.course import KERNEL_NAME  # noqa: E402
from crm_helpers.datasets import cache_dir  # noqa: E402
from crm_helpers.runner import pdf_jobs, run_jobs, skip_iri_grammar  # noqa: E402

SECONDS = re.compile(r"^(\S+?)(?:\.ipynb)?: (?:ok|PDF) in ([\d.]+) s")


def _route(notebooks: list[Path], jobs: int, out: Path, warm: bool) -> dict:
    os.environ["CRM_WARM_KERNELS"] = "1" if warm else "0"
    shutil.rmtree(cache_dir() / "plan_report", ignore_errors=True)  # 09's report made anew
    start = time.perf_counter()
    seconds, failed = {}, []
    for line, ok in run_jobs(notebooks, jobs, out, {}, KERNEL_NAME):
        print(("  " if ok else "  FAILED ") + line, flush=True)
        if m := SECONDS.match(line):
            seconds[m.group(1)] = float(m.group(2))
        elif not ok:
            failed.append(line)
    return {"wall_seconds": round(time.perf_counter() - start, 1), "chapters": seconds,
            "failed": failed, "jobs": jobs}  # fmt: skip


def _pdfs(executed: list[Path], jobs: int, folder: Path) -> dict:
    start = time.perf_counter()
    pairs = [(nb, folder / f"{nb.stem}.pdf") for nb in executed]
    seconds = {}
    for line, ok in pdf_jobs(pairs, jobs, cache_dir=None):
        print("  " + line, flush=True)
        if ok and (m := SECONDS.match(line)):
            seconds[m.group(1)] = float(m.group(2))
    return {"wall_seconds": round(time.perf_counter() - start, 1), "pdfs": seconds}


def _cpu_times() -> list[int]:
    """The machine's CPU time counters (/proc/stat: user … steal), in clock ticks."""
    with open("/proc/stat", encoding="ascii") as stat:
        return [int(x) for x in stat.readline().split()[1:9]]


def _calibration() -> float:
    """Seconds of a fixed pure-Python workload: how fast the machine is right now (a
    virtual machine whose host is busy runs the same work slower)."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return round(time.perf_counter() - start, 3)


def main() -> None:
    skip_iri_grammar()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--alone", action="store_true", help="also one notebook at a time")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    work = Path(tempfile.mkdtemp(prefix="bench-course-"))
    report: dict = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count(),
                    "python": platform.python_version(), "jobs": args.jobs,
                    "calibration_seconds_before": _calibration()}  # fmt: skip
    ticks = _cpu_times()
    print(f"== baseline: kernels from scratch, {args.jobs} at a time", flush=True)
    report["baseline"] = _route(notebooks, args.jobs, work / "cold", warm=False)
    print(f"== course route: warm kernels, {args.jobs} at a time", flush=True)
    report["course"] = _route(notebooks, args.jobs, work / "warm", warm=True)
    if args.alone:
        print("== course route: warm kernels, one at a time", flush=True)
        report["alone"] = _route(notebooks, 1, work / "alone", warm=True)
    print(f"== PDFs, {args.jobs} at a time, no cache", flush=True)
    executed = [work / "warm" / nb.name for nb in notebooks if (work / "warm" / nb.name).exists()]
    report["pdf"] = _pdfs(executed, args.jobs, work / "pdf")
    report["speedup_wall"] = round(
        report["baseline"]["wall_seconds"] / report["course"]["wall_seconds"], 2
    )
    timed = report.get("alone", report["course"])["chapters"]
    report["goal_chapters_at_most_15_s"] = {k: v <= 15 for k, v in timed.items()}
    report["course_wall_seconds_notebooks_and_pdfs"] = round(
        report["course"]["wall_seconds"] + report["pdf"]["wall_seconds"], 1
    )
    report["load_average_after"] = os.getloadavg()
    report["calibration_seconds_after"] = _calibration()
    spent = [b - a for a, b in zip(ticks, _cpu_times(), strict=True)]
    report["cpu_stolen_by_the_host_share"] = round(spent[7] / max(sum(spent), 1), 3)
    text = json.dumps(report, indent=1, ensure_ascii=False) + "\n"
    out = ROOT / "build" / "benchmarks" / "course.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    if args.record:
        (ROOT / "benchmarks" / "results" / "course.json").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
