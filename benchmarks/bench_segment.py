"""Benchmark of RFM + deciles (crm_helpers.segment) against lifetimes and naive pandas.

Usage::

    python benchmarks/bench_segment.py                                  # 1 M lines, quick
    python benchmarks/bench_segment.py --lines 10000000 --customers 700000

Steps, all on the same synthetic table (``bench_kpi.make_transactions``: numpy only, same
seed, so every step sees the same data) and in the same run:

1. ``lifetimes``: ``lifetimes.utils.summary_data_from_transaction_data`` (frequency,
   recency, T and monetary value per customer; daily periods) — the baseline;
2. ``pandas_naive``: a textbook pandas version of what step 3 computes — lines summed
   into receipts, receipts into customers (recency, frequency, monetary), 1–5 scores with
   ``pd.qcut`` on ranks, the segment from a dict per customer, and the deciles by sorting;
3. ``crm_rfm_deciles``: ``segment.rfm(tx)`` (values, tie-aware scores, named segments with
   actions) plus ``segment.decile_table(tx)``;
4. ``crm_rfm_values``: ``segment.rfm_values(tx)`` alone (what lifetimes computes).

Memory is measured as in ``bench_kpi.py``: every step runs in a fresh subprocess that builds
the table, then resets the peak-RSS counter and runs the step; ``extra_mb`` is the peak
minus the RSS just before the step. Timing: best of ``--repeat`` runs (and the first).
Ratios compare with the lifetimes step. Results are printed and written to
``build/benchmarks/segment.json``. Benchmarks measure; tests never assert on speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_kpi import PeakRSS, _versions, make_transactions, run_worker  # noqa: E402

STEPS = ("lifetimes", "pandas_naive", "crm_rfm_deciles", "crm_rfm_values")


# --------------------------------------------------------------------------- steps
def pandas_naive(tx: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RFM scores, segments and deciles the way a first pandas script would do it."""
    from crm_helpers.segment import RFM_ACTIONS, default_rfm_segment_map

    as_of = tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    receipts = tx.groupby("receipt_id").agg(
        customer_id=("customer_id", "first"), ts=("timestamp", "min"), value=("amount", "sum")
    )
    cust = receipts.groupby("customer_id").agg(
        last=("ts", "max"), frequency=("value", "size"), monetary=("value", "sum")
    )
    cust["recency_days"] = (as_of - cust["last"]).dt.days
    labels = [1, 2, 3, 4, 5]
    cust["r_score"] = pd.qcut(cust["recency_days"].rank(method="first"), 5, labels=labels[::-1])
    cust["f_score"] = pd.qcut(cust["frequency"].rank(method="first"), 5, labels=labels)
    cust["m_score"] = pd.qcut(cust["monetary"].rank(method="first"), 5, labels=labels)
    fm = (cust["f_score"].astype(int) + cust["m_score"].astype(int)) / 2
    cust["fm_score"] = np.floor(fm + 0.5).astype(int)
    grid = default_rfm_segment_map()
    cust["segment"] = [
        grid[(int(r), int(f))] for r, f in zip(cust["r_score"], cust["fm_score"], strict=True)
    ]
    cust["action"] = cust["segment"].map(RFM_ACTIONS)
    sales = cust["monetary"].sort_values(ascending=False)
    n = len(sales)
    decile = (10 * np.arange(n)) // n + 1
    deciles = pd.DataFrame({"sales": sales.to_numpy(), "decile": decile}).groupby("decile")
    table = deciles["sales"].agg(["size", "sum"])
    table["sales_share"] = table["sum"] / table["sum"].sum()
    return cust, table


def run_step(step: str, tx: pd.DataFrame) -> dict[str, float]:
    """Run one step; return a few figures to check that the steps agree."""
    if step == "lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data

        out = summary_data_from_transaction_data(
            tx,
            "customer_id",
            "timestamp",
            monetary_value_col="amount",
            observation_period_end=tx["timestamp"].max(),
        )
        return {"customers": len(out)}
    if step == "pandas_naive":
        cust, table = pandas_naive(tx)
        return {
            "customers": len(cust),
            "monetary": float(cust["monetary"].sum()),
            "top_decile_share": float(table["sales_share"].iloc[0]),
        }
    from crm_helpers import segment

    if step == "crm_rfm_deciles":
        rfm = segment.rfm(tx)
        table = segment.decile_table(tx)
        return {
            "customers": len(rfm),
            "monetary": float(rfm["monetary"].sum()),
            "top_decile_share": float(table["sales_share"].iloc[0]),
        }
    if step == "crm_rfm_values":
        return {"customers": len(segment.rfm_values(tx))}
    raise ValueError(f"unknown step {step!r}")


def worker(args: argparse.Namespace) -> None:
    tx = make_transactions(args.lines, args.customers, seed=args.seed)
    if args.worker == "lifetimes":
        import warnings

        with warnings.catch_warnings():  # lifetimes warns at import; not part of the step
            warnings.simplefilter("ignore")
            import lifetimes.utils  # noqa: F401
    else:
        import crm_helpers.segment  # noqa: F401
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
                "first_seconds": times[0],
                "all_seconds": times,
                "peak_rss_mb": mem.peak,
                "extra_mb": mem.peak - mem.before,
                "memory_method": mem.method,
                "table_mb": tx.memory_usage(deep=True).sum() / 2**20,
                "check": check,
            }
        )
    )


def _spawn(step: str, args: argparse.Namespace) -> dict:
    cmd = [__file__, "--worker", step, "--lines", str(args.lines)]
    cmd += ["--customers", str(args.customers), "--seed", str(args.seed)]
    cmd += ["--repeat", str(args.repeat)]
    return run_worker(step, cmd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=70_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "segment.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return

    results = [_spawn(step, args) for step in STEPS]
    base = results[0]
    print(
        f"{args.lines:,} lines, {args.customers:,} customers, table {base['table_mb']:.0f} MB; "
        f"peak RSS per step in a fresh process ({base['memory_method']})"
    )
    print(
        f"{'step':<18}{'best s':>8}{'first s':>9}{'speed-up vs lifetimes':>23}"
        f"{'extra MB':>10}{'vs lifetimes':>14}"
    )
    for r in results:
        r["speedup_vs_lifetimes"] = base["seconds"] / r["seconds"]
        r["memory_ratio_vs_lifetimes"] = r["extra_mb"] / max(base["extra_mb"], 1e-9)
        print(
            f"{r['step']:<18}{r['seconds']:>8.2f}{r['first_seconds']:>9.2f}"
            f"{r['speedup_vs_lifetimes']:>22.1f}x{r['extra_mb']:>10.0f}"
            f"{r['memory_ratio_vs_lifetimes']:>13.2f}x"
        )
    naive, ours = results[1]["check"], results[2]["check"]
    agree = (
        naive["customers"] == ours["customers"] == base["check"]["customers"]
        and abs(naive["monetary"] - ours["monetary"]) <= 1e-6 * abs(ours["monetary"])
        and abs(naive["top_decile_share"] - ours["top_decile_share"]) < 1e-9
    )
    print(f"customers, monetary and top-decile share agree across the steps: {agree}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "lines": args.lines,
        "customers": args.customers,
        "seed": args.seed,
        "versions": _versions(),
        "agree": agree,
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
