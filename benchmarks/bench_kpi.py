"""Benchmark of crm_helpers.kpi on a synthetic transaction table.

Usage::

    python benchmarks/bench_kpi.py                                   # 1 M lines, ~1 min
    python benchmarks/bench_kpi.py --lines 10000000 --customers 1000000

Steps, all on the same table and in the same run:

1. ``pandas_month``: a straightforward pandas version of the monthly indicators
   (group lines by receipt, then receipts by month with ``nunique`` customers);
2. ``indicators_month``: ``kpi.indicators(tx, "month")``;
3. ``indicators_all``: ``kpi.indicators_all(tx)`` (year, quarter, month, week);
4. ``lifecycle_counts``: ``kpi.lifecycle_counts`` at 36 month starts;
5. optionally (``--lifecycle-loop``) ``lifecycle_stage`` called once per date for the
   same 36 dates, to show what ``lifecycle_counts`` saves.

How memory is measured: every step runs in a fresh Python subprocess that builds the
table (same seed, so the same table), collects garbage, then resets the kernel's peak
resident-set counter (writing ``5`` to ``/proc/self/clear_refs``, Linux) and runs the step.
``peak_rss_mb`` is the process's peak RSS (``VmHWM``) during the step, table included;
``extra_mb`` is that peak minus the RSS just before the step, i.e. what the step itself
needed. Before the reset, ``malloc_trim`` hands the heap freed while building the table
back to the OS (otherwise a step could reuse it unseen). Unlike ``tracemalloc`` this sees
DuckDB's and numpy's native allocations. Where
``clear_refs`` cannot be written, a psutil thread samples RSS every 5 ms instead (the
JSON says which method was used).

Timing: each step runs ``--repeat`` times (default 3) in its process; the table shows the
best run and the first one (the first pays once for the fresh process's first large
allocations, as a student's first call in a notebook would). ``vs pandas`` compares best
runs with the pandas baseline's best run.

Results are printed as a table and written to ``build/benchmarks/kpi.json``. Benchmarks
measure; the tests never assert on speed.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

STEPS = ("pandas_month", "indicators_month", "indicators_all", "lifecycle_counts")
LOOP_STEP = "lifecycle_stage_loop"
N_DATES = 36
START = np.datetime64("2021-01-01T00:00:00", "s")
SPAN_SECONDS = 3 * 365 * 24 * 3600
ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- data
def make_transactions(
    n_lines: int, n_customers: int, *, seed: int = 0, string_ids: bool = False, unit: str = "us"
) -> pd.DataFrame:
    """A synthetic transaction table in the course schema, built with numpy only.

    Customers differ in how often they buy (gamma weights) and each has an active span
    (start uniform over three years, exponential length with mean one year), so the
    lifecycle stages are all populated. Receipts have 1 + Poisson(2.5) lines (3.5 on
    average); the table is cut at exactly ``n_lines`` lines.
    """
    rng = np.random.default_rng(seed)
    n_receipts = int(n_lines / 3.5 * 1.05) + 10
    weight = rng.gamma(0.7, size=n_customers)
    owner = rng.choice(n_customers, size=n_receipts, p=weight / weight.sum())
    start = rng.integers(0, SPAN_SECONDS, n_customers)
    stop = np.minimum(start + rng.exponential(365 * 24 * 3600, n_customers), SPAN_SECONDS)
    when = start[owner] + rng.random(n_receipts) * (stop[owner] - start[owner])
    receipt_time = START + when.astype("int64").astype("timedelta64[s]")

    lines_per_receipt = 1 + rng.poisson(2.5, n_receipts)
    receipt = np.repeat(np.arange(n_receipts), lines_per_receipt)[:n_lines]
    quantity = 1 + rng.poisson(1.0, n_lines)
    unit_price = np.round(np.exp(rng.normal(1.5, 0.8, n_lines)), 2) + 0.01
    customer_id: object = owner[receipt] + 100_000
    receipt_id: object = receipt + 5_000_000
    if string_ids:
        customer_id = _labels("C", n_customers).take(owner[receipt])
        receipt_id = _labels("R", n_receipts).take(receipt)
    return pd.DataFrame(
        {
            "customer_id": customer_id,
            "receipt_id": receipt_id,
            "timestamp": receipt_time[receipt].astype(f"datetime64[{unit}]"),
            "sku": rng.integers(0, 20_000, n_lines),
            "quantity": quantity.astype("float64"),
            "unit_price": unit_price,
            "amount": np.round(quantity * unit_price, 2),
        }
    )


def _labels(prefix: str, n: int) -> pd.arrays.ArrowStringArray:
    return pd.array([f"{prefix}{i:08d}" for i in range(n)], dtype="str")


def month_starts(tx: pd.DataFrame, n: int = N_DATES) -> pd.DatetimeIndex:
    first = tx["timestamp"].min()
    return pd.date_range(first.normalize() + pd.offsets.MonthBegin(1), periods=n, freq="MS")


# --------------------------------------------------------------------------- steps
def pandas_month(tx: pd.DataFrame) -> pd.DataFrame:
    """The textbook pandas version of ``indicators(tx, "month")``."""
    receipts = tx.groupby("receipt_id", sort=False).agg(
        customer_id=("customer_id", "first"),
        ts=("timestamp", "min"),
        value=("amount", "sum"),
    )
    receipts["period"] = receipts["ts"].dt.to_period("M").dt.start_time
    out = receipts.groupby("period").agg(
        total_sales=("value", "sum"),
        visits=("value", "size"),
        customers=("customer_id", "nunique"),
        max_basket=("value", "max"),
        min_basket=("value", "min"),
    )
    out["avg_basket"] = out["total_sales"] / out["visits"]
    out["purchase_frequency"] = out["visits"] / out["customers"]
    out["sales_per_customer"] = out["total_sales"] / out["customers"]
    return out.reset_index()


def run_step(step: str, tx: pd.DataFrame) -> dict[str, float]:
    """Run one step; return a few figures to check that the steps agree."""
    from crm_helpers import kpi

    if step == "pandas_month":
        out = pandas_month(tx)
    elif step == "indicators_month":
        out = kpi.indicators(tx, "month")
    elif step == "indicators_all":
        out = kpi.indicators_all(tx)["month"]
    elif step == "lifecycle_counts":
        counts = kpi.lifecycle_counts(tx, month_starts(tx))
        return {"customers_at_last_date": int(counts.iloc[-1].sum())}
    elif step == LOOP_STEP:
        stages = [kpi.lifecycle_stage(tx, d) for d in month_starts(tx)]
        return {"customers_at_last_date": len(stages[-1])}
    else:
        raise ValueError(f"unknown step {step!r}")
    return {"total_sales": float(out["total_sales"].sum()), "visits": int(out["visits"].sum())}


# --------------------------------------------------------------------------- memory
def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _release_free_heap() -> None:
    """Give memory freed while building the table back to the OS (glibc ``malloc_trim``),
    so that a step reusing it still shows up in the RSS."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakRSS:
    """Peak RSS of this process during a ``with`` block, in MB."""

    def __enter__(self) -> PeakRSS:
        gc.collect()
        _release_free_heap()
        self.method = "clear_refs"
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
            self.before = _status_kb("VmRSS") / 1024
        except OSError:
            import psutil

            self.method = "psutil sampling every 5 ms"
            self._proc = psutil.Process()
            self.before = self._proc.memory_info().rss / 2**20
            self._peak = self.before
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self._peak = max(self._peak, self._proc.memory_info().rss / 2**20)

    def __exit__(self, *exc: object) -> None:
        if self.method == "clear_refs":
            self.peak = _status_kb("VmHWM") / 1024
        else:
            self._stop.set()
            self._thread.join()
            self.peak = max(self._peak, self._proc.memory_info().rss / 2**20)


def worker(args: argparse.Namespace) -> None:
    """Build the table, run one step (``--repeat`` times), print one JSON line."""
    tx = make_transactions(
        args.lines, args.customers, seed=args.seed, string_ids=args.string_ids, unit=args.unit
    )
    import crm_helpers.kpi  # noqa: F401  (import time is not part of the step)

    times = []
    with PeakRSS() as mem:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            check = run_step(args.worker, tx)
            times.append(time.perf_counter() - t0)
    result = {
        "step": args.worker,
        "seconds": min(times),
        "first_seconds": times[0],
        "all_seconds": times,
        "peak_rss_mb": mem.peak,
        "extra_mb": mem.peak - mem.before,
        "memory_method": mem.method,
        "table_mb": tx.memory_usage(deep=True).sum() / 2**20,
        "receipts": int(tx["receipt_id"].nunique()) if args.worker == "pandas_month" else None,
        "check": check,
    }
    print(json.dumps(result))


# --------------------------------------------------------------------------- driver
def run_worker(step: str, cmd: list[str]) -> dict:
    """Run one benchmark step in a fresh Python process (``cmd``: the script and its worker
    arguments) with the repository on its path; the step's JSON is its last output line."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, *cmd], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _spawn(step: str, args: argparse.Namespace) -> dict:
    cmd = [__file__, "--worker", step, "--lines", str(args.lines)]
    cmd += ["--customers", str(args.customers), "--seed", str(args.seed)]
    cmd += ["--repeat", str(args.repeat), "--unit", args.unit]
    cmd += ["--string-ids"] if args.string_ids else []
    return run_worker(step, cmd)


def _versions() -> dict[str, str]:
    import duckdb

    return {
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "duckdb": duckdb.__version__,
        "cpus": str(os.cpu_count()),
        "machine": platform.machine(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (first and best kept)")
    parser.add_argument("--unit", default="us", help="datetime unit of timestamp (pandas 3: us)")
    parser.add_argument("--string-ids", action="store_true", help="ids as str, not int64")
    parser.add_argument("--lifecycle-loop", action="store_true", help=f"also time {LOOP_STEP}")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "kpi.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return

    steps = STEPS + ((LOOP_STEP,) if args.lifecycle_loop else ())
    results = [_spawn(step, args) for step in steps]
    base = results[0]["seconds"]
    print(
        f"{args.lines:,} lines, {args.customers:,} customers, "
        f"{results[0]['receipts']:,} receipts, table {results[0]['table_mb']:.0f} MB; "
        f"peak RSS per step in a fresh process ({results[0]['memory_method']})"
    )
    print(
        f"{'step':<22}{'best s':>8}{'first s':>9}{'vs pandas':>11}{'peak RSS MB':>13}{'extra MB':>10}"
    )
    for r in results:
        r["ratio_vs_pandas"] = r["seconds"] / base
        print(
            f"{r['step']:<22}{r['seconds']:>8.2f}{r['first_seconds']:>9.2f}{r['ratio_vs_pandas']:>10.2f}x"
            f"{r['peak_rss_mb']:>13.0f}{r['extra_mb']:>10.0f}"
        )
    checks = [r["check"] for r in results[:3]]
    agree = all(
        c["visits"] == checks[0]["visits"]
        and math.isclose(c["total_sales"], checks[0]["total_sales"], rel_tol=1e-9)
        for c in checks
    )
    print(
        f"pandas and kpi monthly totals agree: {agree} "
        f"(visits {checks[0]['visits']:,}, total sales {checks[0]['total_sales']:,.2f})"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "lines": args.lines,
        "customers": args.customers,
        "seed": args.seed,
        "string_ids": args.string_ids,
        "timestamp_unit": args.unit,
        "n_dates": N_DATES,
        "versions": _versions(),
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
