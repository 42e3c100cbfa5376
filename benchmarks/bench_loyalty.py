"""Benchmark of chapter 06's heavy steps against lifetimes' own summary, in the same run.

Usage::

    python benchmarks/bench_loyalty.py                        # 700,000 customers, ~10 M lines
    python benchmarks/bench_loyalty.py --customers 1000000    # ~14 M lines
    python benchmarks/bench_loyalty.py --customers 50000      # a quick look

The table is the simulated retailer's transaction table
(``crm.simulate_retailer(customers, seed).transactions()``), built once and cached as
parquet in ``build/benchmarks/`` with only the columns the steps read (customer_id,
receipt_id, timestamp, amount). Steps, each in a fresh subprocess that reads the table:

1. ``lifetimes_summary`` (the baseline): ``lifetimes.utils.summary_data_from_transaction_data``
   with ``freq="D"`` and a monetary column (frequency = repeat purchase *days*);
2. ``rfm_summary_day``: ``clv.rfm_summary(tx, unit="day", time_unit="D")``, the same
   definition (the figures must agree, and are compared);
3. ``rfm_summary_receipt``: ``clv.rfm_summary(tx)``, receipts as purchases, weeks (what the
   chapter fits BG/NBD on);
4. ``churn_features``: ``loyalty.churn_features(tx, cutoff)``, 180 days before the end;
5. ``churn_dataset``: features and labels (``loyalty.churn_dataset``).

Memory: the peak resident set of the step's process during the step (``VmHWM`` after
resetting it, see ``bench_kpi.py``), table included, and ``extra_mb`` = peak minus the RSS
just before the step. Timing: best of ``--repeat`` runs (default 1: lifetimes takes
minutes at this size). Results go to ``build/benchmarks/loyalty.json``. Benchmarks measure;
the tests never assert on speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_kpi import PeakRSS, _versions, run_worker  # noqa: E402

STEPS = (
    "lifetimes_summary",
    "rfm_summary_day",
    "rfm_summary_receipt",
    "churn_features",
    "churn_dataset",
)
COLUMNS = ["customer_id", "receipt_id", "timestamp", "amount"]


def table_path(customers: int, seed: int) -> Path:
    return ROOT / "build" / "benchmarks" / f"loyalty-tx-n{customers}-seed{seed}.parquet"


def build_table(customers: int, seed: int) -> Path:
    path = table_path(customers, seed)
    if not path.exists():
        import crm_helpers as crm

        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        tx = crm.simulate_retailer(customers, seed=seed).transactions()[COLUMNS]
        tx.to_parquet(path, index=False)
        print(f"built the table in {time.perf_counter() - t0:.0f} s: {path}", flush=True)
    return path


def run_step(step: str, tx: pd.DataFrame) -> dict:
    from crm_helpers import clv, loyalty

    last_day = tx["timestamp"].max().normalize()
    if step == "lifetimes_summary":
        lifetimes = clv._lifetimes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = lifetimes.utils.summary_data_from_transaction_data(
                tx, "customer_id", "timestamp", "amount",
                observation_period_end=last_day, freq="D",
            )  # fmt: skip
    elif step == "rfm_summary_day":
        out = clv.rfm_summary(tx, last_day, unit="day", time_unit="D")
    elif step == "rfm_summary_receipt":
        out = clv.rfm_summary(tx)
        return {"customers": len(out), "frequency_sum": int(out["frequency"].sum())}
    elif step == "churn_features":
        out = loyalty.churn_features(tx, last_day - pd.Timedelta(days=180))
        return {"customers": len(out), "frequency_sum": int(out["frequency"].sum())}
    elif step == "churn_dataset":
        out = loyalty.churn_dataset(tx, last_day - pd.Timedelta(days=180), 180)
        return {"customers": len(out), "churners": int(out["churn"].sum())}
    else:
        raise ValueError(f"unknown step {step!r}")
    return {
        "customers": len(out),
        "frequency_sum": int(out["frequency"].sum()),
        "recency_sum": float(out["recency"].sum()),
        "T_sum": float(out["T"].sum()),
        "monetary_sum": round(float(out["monetary_value"].sum()), 2),
    }


def worker(args: argparse.Namespace) -> None:
    tx = pd.read_parquet(table_path(args.customers, args.seed))
    from crm_helpers import clv, loyalty  # noqa: F401  (import time is not part of the step)

    if args.worker == "lifetimes_summary":
        clv._lifetimes()
    times = []
    with PeakRSS() as mem:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            check = run_step(args.worker, tx)
            times.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "step": args.worker,
                "seconds": min(times),
                "all_seconds": times,
                "peak_rss_mb": mem.peak,
                "extra_mb": mem.peak - mem.before,
                "memory_method": mem.method,
                "lines": len(tx),
                "table_mb": tx.memory_usage(deep=True).sum() / 2**20,
                "check": check,
            }
        )
    )


def _spawn(step: str, args: argparse.Namespace) -> dict:
    cmd = [__file__, "--worker", step, "--customers", str(args.customers)]
    cmd += ["--seed", str(args.seed), "--repeat", str(args.repeat)]
    return run_worker(step, cmd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=700_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "loyalty.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return
    build_table(args.customers, args.seed)
    results = []
    for step in args.steps.split(","):
        results.append(_spawn(step, args))
        print(f"  {step}: {results[-1]['seconds']:.1f} s", flush=True)
    first = results[0]
    print(
        f"{first['lines']:,} lines, {args.customers:,} customers, table {first['table_mb']:.0f} MB;"
        f" peak RSS per step in a fresh process ({first['memory_method']})"
    )
    base = next((r["seconds"] for r in results if r["step"] == "lifetimes_summary"), None)
    print(f"{'step':<22}{'best s':>9}{'vs lifetimes':>14}{'peak RSS MB':>13}{'extra MB':>10}")
    for r in results:
        r["ratio_vs_lifetimes"] = r["seconds"] / base if base else None
        ratio = f"{r['ratio_vs_lifetimes']:.3f}x" if base else "-"
        print(
            f"{r['step']:<22}{r['seconds']:>9.2f}{ratio:>14}{r['peak_rss_mb']:>13.0f}"
            f"{r['extra_mb']:>10.0f}"
        )
    by = {r["step"]: r["check"] for r in results}
    if "lifetimes_summary" in by and "rfm_summary_day" in by:
        a, b = by["lifetimes_summary"], by["rfm_summary_day"]
        agree = (
            a["customers"] == b["customers"]
            and a["frequency_sum"] == b["frequency_sum"]
            and abs(a["T_sum"] - b["T_sum"]) < 1e-6 * max(1.0, a["T_sum"])
            and abs(a["recency_sum"] - b["recency_sum"]) < 1e-6 * max(1.0, a["recency_sum"])
            and abs(a["monetary_sum"] - b["monetary_sum"]) < 1e-6 * max(1.0, a["monetary_sum"])
        )
        print(f"rfm_summary(unit='day') equals lifetimes' summary: {agree} ({a})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"customers": args.customers, "seed": args.seed, "versions": _versions(),
              "results": results}  # fmt: skip
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
