"""Benchmark of crm_helpers.engine: RFM + deciles + KPI (year/quarter/month/week).

Usage (the full run of issue 21; ~15 min on 2 idle cores, 100 M lines need ~3 GB disk)::

    python benchmarks/bench_engine.py --sizes 3000000 10000000 --big 100000000

    python benchmarks/bench_engine.py                 # quick: 300 k lines, no big set

The workload, in every step: the per-customer RFM values, the customer decile table
(十分位) over the whole table and the indicators (指标) by year, quarter, month and ISO week.

Steps, on the same synthetic table (``bench_kpi.make_transactions``, numpy only, same
seed; customers = 7 % of the lines) and in the same run:

1. ``pandas``: plain pandas (lines → receipts with ``groupby``, receipts → customers,
   deciles by sorting, one ``groupby`` with ``nunique`` per period) — the baseline;
2. ``helpers``: the chapters' calls ``segment.rfm_values`` + ``segment.decile_table`` +
   ``kpi.indicators_all`` (each one engine call; the receipts of the frame are kept
   between them, see ``docs/scaling.md``);
3. ``engine``: ``engine.aggregate(tx)`` (receipts built once), then ``rfm_values()`` and
   ``decile_table()`` of its result.

Every repetition starts with no kept receipts (``clear_cache()`` before it, not timed),
so "best" is never a warm cache.

Then, with ``--big N``: N lines written as Parquet in chunks of 5 M (``--chunk``) into a
temporary folder (deleted afterwards), and ``engine.aggregate("folder/*.parquet")`` run
out-of-core with ``--memory-limit`` (default 1GB): its time and peak RSS.

Memory is measured as in ``bench_kpi.py``: each step in a fresh subprocess that builds
the table, then resets the kernel's peak-RSS counter; ``extra_mb`` = peak RSS during the
step − RSS just before it. Timing: best of ``--repeat`` runs, wall clock, with the CPU
seconds of that run (``time.process_time``; on a busy machine the wall time is mostly
waiting for a core). Ratios compare with the
``pandas`` step of the same size in the same run. The machine's load (``uptime``) is
printed and recorded before and after. Results go to ``benchmarks/results/engine.json``
(with the goals of issue 21 checked: ≥ 2x plain pandas, ≤ 2 s on 10 M lines, ≤ 1.5 GB
extra memory). Tests never assert on speed.

Measured on the shared 2-core machine (3 Dec 2026, other sessions running; full command
above; seconds are best of 2, ``x`` = speed-up against plain pandas of the same run)::

    run 1, load 3.9 -> 4.3     pandas  helpers         engine           engine extra MB
    3 M lines                  3.45 s  4.50 s (0.77x)  3.22 s (1.07x)   225
    10 M lines                11.06 s 13.34 s (0.83x)  4.99 s (2.22x)   560
    100 M lines, Parquet (1.4 GB), memory_limit=1GB: 78.7 s, peak RSS 1291 MB (+1170 MB)

    run 2, load 6.1 -> 5.5
    3 M lines                  0.93 s  3.73 s (0.25x)  3.60 s (0.26x)   222
    10 M lines                 9.43 s 14.79 s (0.64x) 11.96 s (0.79x)   558
    100 M lines, Parquet: 138.7 s, peak RSS 1286 MB (+1166 MB)

Under such load the timings of one step vary by 3x between runs (DuckDB's two threads
compete with the other sessions; pandas runs on one); the memory figures are stable.

Issue 21 run (3 Dec 2026, 07:20-08:03 UTC, ``benchmarks/results/engine_100m_out_of_core.json``; load
average 9.4 at the start, 15-22 during the run, 8.6 at the end: five sessions' tests,
notebooks and a busy-loop on 2 cores; ``helpers`` = the chapters' calls, already through
the engine but still opening a DuckDB database per call)::

    3 M lines                  9.61 s   helpers 14.77 s (0.65x)   engine 15.10 s (0.64x)   221 MB
    10 M lines                55.98 s   helpers 76.45 s (0.73x)   engine 45.88 s (1.22x)   563 MB
    100 M lines, Parquet (1.4 GB, 20 files), memory_limit=1GB: 373 s, peak RSS 1296 MB
    (+1173 MB); 700,000 customers. Writing the Parquet set took 1442 s.

Goals: memory met everywhere; the speed goals (2x pandas, 2 s on 10 M lines) were not met
on the machine that busy.

After the engine's rework for DataFrames (3 Dec 2026, 11:47-11:53 UTC, engine3; receipts by
one numpy pass over sorted receipt ids, customers and ranks by ``np.bincount`` and one sort,
indicators from receipts in day order, receipts kept between the chapters' calls; the
same command without ``--big``, ``benchmarks/results/engine.json``; load average 13.6 at
the start, 14.1 at the end: the lead's full test runs, a busy-loop and three other
sessions on 2 cores)::

                    pandas            helpers                     engine
                    wall     cpu      wall    cpu    x pandas     wall    cpu    x pandas
    3 M lines       8.29 s  1.61 s    1.88 s  0.42 s  4.40x       1.90 s  0.38 s  4.36x
    10 M lines     21.89 s  4.37 s    5.76 s  1.38 s  3.80x       4.54 s  1.00 s  4.83x
    extra memory (10 M): pandas 342 MB, helpers 312 MB, engine 270 MB (3 M: 133/118/110)

Two earlier runs the same morning at load 8-10 gave 2.60x / 2.73x (3 M) and 5.29x / 4.43x
(10 M) for helpers / engine. Goals: >= 2x plain pandas met for both on 3 M and 10 M lines,
memory met; <= 2 s on 10 M lines not shown by the wall clock at a load of 14 (4.5-5.8 s),
but the steps used 1.00 s (engine) and 1.38 s (helpers) of CPU against 4.37 s for pandas
(whose wall time was 5.08 s at load 0.8), so on an idle machine they should take about
that. Here the lines of a receipt are next to each other with sorted numeric receipt ids (as
tills and exports write them): the receipts are one linear numpy pass. With ``--shuffle``
(lines in random order) they are hashed by ``pd.factorize`` instead
(``benchmarks/results/engine_shuffled.json``, 12:03 UTC, load 8.1 -> 8.7)::

    python benchmarks/bench_engine.py --sizes 3000000 --shuffle
    3 M lines, shuffled   pandas 7.59 s (cpu 2.31 s)   helpers 2.40 s (0.74 s) 3.16x
                          engine 2.03 s (0.59 s) 3.75x; extra memory 128 / 144 / 131 MB

The same command on a quiet machine (3 Dec 2026, 13:03 UTC, load 0.8 -> 0.8; nothing else
running; ``benchmarks/results/engine.json``; best of 2, wall clock)::

                    pandas    helpers          engine           extra MB (pandas/helpers/engine)
    3 M lines       0.96 s    0.35 s  2.77x    0.31 s  3.06x    133 / 117 / 110
    10 M lines      3.68 s    1.00 s  3.68x    0.81 s  4.56x    342 / 347 / 270

Every goal met: >= 2x plain pandas on 3 M and 10 M lines, <= 2 s on 10 M lines (1.00 s
for the chapters' three calls, 0.81 s for ``engine.aggregate``), extra memory <= 1.5 GB;
results agree with pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_kpi import PeakRSS, _versions, make_transactions, run_worker  # noqa: E402

STEPS = ("pandas", "helpers", "engine")
_FREQ = {"year": "Y", "quarter": "Q", "month": "M", "week": "W-SUN"}


# --------------------------------------------------------------------------- steps
def plain_pandas(tx: pd.DataFrame) -> dict[str, object]:
    """RFM values, the decile table and the indicators per period, in plain pandas."""
    as_of = tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    receipts = tx.groupby("receipt_id", sort=False).agg(
        customer_id=("customer_id", "first"), ts=("timestamp", "min"), value=("amount", "sum")
    )
    cust = receipts.groupby("customer_id").agg(
        frequency=("value", "size"),
        monetary=("value", "sum"),
        first_purchase=("ts", "min"),
        last_purchase=("ts", "max"),
    )
    cust["recency_days"] = (as_of - cust["last_purchase"]).dt.days
    sales = tx.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    decile = (10 * np.arange(len(sales))) // len(sales) + 1
    table = pd.Series(sales.to_numpy()).groupby(decile).agg(["size", "sum", "min", "max"])
    table["sales_share"] = table["sum"] / table["sum"].sum()
    kpis = {}
    for name, freq in _FREQ.items():
        period = receipts["ts"].dt.to_period(freq).dt.start_time
        g = receipts.groupby(period)
        out = g.agg(
            total_sales=("value", "sum"),
            visits=("value", "size"),
            customers=("customer_id", "nunique"),
            max_basket=("value", "max"),
            min_basket=("value", "min"),
        )
        out["avg_basket"] = out["total_sales"] / out["visits"]
        out["purchase_frequency"] = out["visits"] / out["customers"]
        kpis[name] = out
    return {"rfm": cust, "deciles": table, "kpi": kpis}


def run_step(step: str, tx: pd.DataFrame | str, memory_limit: str | None) -> dict[str, float]:
    """Run one step; return a few figures to check that the steps agree."""
    if step == "pandas":
        res = plain_pandas(tx)
        rfm, top, weeks = res["rfm"], res["deciles"]["sales_share"].iloc[0], res["kpi"]["week"]
    elif step == "helpers":
        from crm_helpers import kpi, segment

        rfm = segment.rfm_values(tx)
        top = segment.decile_table(tx)["sales_share"].iloc[0]
        weeks = kpi.indicators_all(tx)["week"]
    else:
        from crm_helpers import engine

        res = engine.aggregate(tx, memory_limit=memory_limit)
        rfm = res.rfm_values()
        top = res.decile_table()["sales_share"].iloc[0]
        weeks = res.indicators["week"]
    return {
        "customers": len(rfm),
        "monetary": float(rfm["monetary"].sum()),
        "top_decile_share": float(top),
        "week_customers": int(weeks["customers"].sum()),
    }


def worker(args: argparse.Namespace) -> None:
    if args.worker == "engine_out_of_core":
        data: pd.DataFrame | str = args.parquet
        table_mb = None
    else:
        data = make_transactions(args.lines, _customers(args.lines), seed=args.seed)
        if args.shuffle:  # lines out of receipt order (the receipts must be hashed)
            data = data.sample(frac=1.0, random_state=args.seed).reset_index(drop=True)
        table_mb = data.memory_usage(deep=True).sum() / 2**20
    import crm_helpers.engine  # noqa: F401  (imports are not part of the step)
    import crm_helpers.kpi  # noqa: F401
    import crm_helpers.segment  # noqa: F401

    step = "engine" if args.worker == "engine_out_of_core" else args.worker
    repeat = 1 if args.worker == "engine_out_of_core" else args.repeat
    from crm_helpers._engine_receipts import clear_cache

    times, cpu = [], []
    with PeakRSS() as mem:
        for _ in range(repeat):
            clear_cache()  # every repetition starts cold: no receipts kept from the last
            t0, c0 = time.perf_counter(), time.process_time()
            check = run_step(step, data, args.memory_limit)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    print(
        json.dumps(
            {
                "step": args.worker,
                "lines": args.lines,
                "seconds": min(times),
                "first_seconds": times[0],
                "cpu_seconds": cpu[times.index(min(times))],
                "peak_rss_mb": mem.peak,
                "extra_mb": mem.peak - mem.before,
                "memory_method": mem.method,
                "table_mb": table_mb,
                "check": check,
            }
        )
    )


def _customers(lines: int) -> int:
    return max(10, int(lines * 0.07))


def write_parquet(folder: Path, lines: int, chunk: int, seed: int) -> float:
    """``lines`` lines as Parquet files of ``chunk`` lines each; returns the size in MB."""
    folder.mkdir(parents=True, exist_ok=True)
    customers = _customers(min(lines, 10_000_000))
    for i, start in enumerate(range(0, lines, chunk)):
        n = min(chunk, lines - start)
        part = make_transactions(n, customers, seed=seed + i)
        part["receipt_id"] += i * 1_000_000_000  # receipts unique across chunks
        part.to_parquet(folder / f"part-{i:04d}.parquet", index=False)
    return sum(f.stat().st_size for f in folder.iterdir()) / 2**20


# --------------------------------------------------------------------------- driver
def _spawn(step: str, lines: int, args: argparse.Namespace, parquet: str = "") -> dict:
    cmd = [__file__, "--worker", step, "--lines", str(lines)]
    cmd += ["--seed", str(args.seed), "--repeat", str(args.repeat)]
    cmd += ["--memory-limit", args.memory_limit, "--parquet", parquet]
    cmd += ["--shuffle"] if args.shuffle else []
    return run_worker(step, cmd)


def _agree(a: dict, b: dict) -> bool:
    return (
        a["customers"] == b["customers"]
        and a["week_customers"] == b["week_customers"]
        and abs(a["monetary"] - b["monetary"]) <= 1e-6 * abs(b["monetary"])
        and abs(a["top_decile_share"] - b["top_decile_share"]) < 1e-6
    )


def _print_size(lines: int, results: list[dict]) -> None:
    base = results[0]
    print(f"\n{lines:,} lines, {_customers(lines):,} customers, table {base['table_mb']:.0f} MB")
    print(f"{'step':<10}{'best s':>8}{'first s':>9}{'cpu s':>8}{'vs pandas':>11}{'extra MB':>10}")
    for r in results:
        r["speedup_vs_pandas"] = base["seconds"] / r["seconds"]
        print(
            f"{r['step']:<10}{r['seconds']:>8.2f}{r['first_seconds']:>9.2f}"
            f"{r.get('cpu_seconds', float('nan')):>8.2f}"
            f"{r['speedup_vs_pandas']:>10.2f}x{r['extra_mb']:>10.0f}"
        )
    ok = all(_agree(r["check"], base["check"]) for r in results)
    print(f"customers, monetary, top-decile share and weekly customers agree: {ok}")


def _big(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench_engine_", dir=args.tmp))
    try:
        t0 = time.perf_counter()
        size_mb = write_parquet(tmp / "sales", args.big, args.chunk, args.seed)
        written = time.perf_counter() - t0
        r = _spawn("engine_out_of_core", args.big, args, str(tmp / "sales" / "*.parquet"))
        r.update(parquet_mb=size_mb, write_seconds=written, memory_limit=args.memory_limit)
        print(
            f"\n{args.big:,} lines as Parquet ({size_mb:,.0f} MB, written in {written:.0f} s), "
            f"engine out-of-core with memory_limit={args.memory_limit}: {r['seconds']:.1f} s, "
            f"peak RSS {r['peak_rss_mb']:.0f} MB (extra {r['extra_mb']:.0f} MB); "
            f"{r['check']['customers']:,} customers"
        )
        return r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


GOALS = {"speedup_vs_pandas": 2.0, "seconds_10m": 2.0, "extra_mb": 1536.0}


def goals(report: dict) -> dict[str, object]:
    """The goals of issue 21 for the ``engine`` and ``helpers`` steps: met or not."""
    out: dict[str, object] = {}
    for lines, results in report["sizes"].items():
        for r in results[1:]:
            key = f"{r['step']}@{int(lines):,}"
            out[f"{key} >= {GOALS['speedup_vs_pandas']}x pandas"] = (
                r["speedup_vs_pandas"] >= GOALS["speedup_vs_pandas"]
            )
            out[f"{key} extra memory <= 1.5 GB"] = r["extra_mb"] <= GOALS["extra_mb"]
            if int(lines) == 10_000_000:
                out[f"{key} <= {GOALS['seconds_10m']} s"] = r["seconds"] <= GOALS["seconds_10m"]
    if "big" in report:
        out["out-of-core run finished"] = report["big"]["check"]["customers"] > 0
    for name, ok in out.items():
        print(f"goal {name}: {'met' if ok else 'NOT met'}")
    return out


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[300_000])
    parser.add_argument("--big", type=int, default=0, help="lines of the Parquet set (0: skip)")
    parser.add_argument("--chunk", type=int, default=5_000_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--tmp", default=None, help="folder for the Parquet set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--shuffle", action="store_true", help="lines in random order")
    parser.add_argument("--lines", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--parquet", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "engine.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return
    load = os.getloadavg()
    print(
        f"load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} cores)"
    )
    report: dict = {"versions": _versions(), "load_at_start": load, "sizes": {}}
    report["command"] = " ".join(["python benchmarks/bench_engine.py", *(argv or sys.argv[1:])])
    report["uptime_at_start"] = _uptime()
    print(report["uptime_at_start"])
    for lines in args.sizes:
        results = [_spawn(step, lines, args) for step in STEPS]
        _print_size(lines, results)
        report["sizes"][str(lines)] = results
    if args.big:
        report["big"] = _big(args)
    report["load_at_end"] = os.getloadavg()
    report["uptime_at_end"] = _uptime()
    report["goals"] = goals(report)
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in report['load_at_end'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
