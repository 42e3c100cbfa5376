"""Benchmark of the simulated retailer (crm_helpers.simulate).

Usage::

    python benchmarks/bench_simulate.py                      # 200 k members, ~1 min
    python benchmarks/bench_simulate.py --customers 1000000  # ~14 M receipt lines

Steps, each in a fresh Python subprocess (so that its peak RSS is its own):

1. ``lifetimes_bgnbd`` (baseline): ``lifetimes.generate_data.beta_geometric_nbd_model``,
   the reference BG/NBD simulator (a Python loop per customer), for ``--baseline``
   customers over two years;
2. ``crm_bgnbd``: the same BG/NBD draw (same r, α, a, b, T, size) with the vectorised
   sampler the retailer uses (``simulate._purchase_times``), whose work grows with the
   purchases, not with a loop over customers;
3. ``retailer``: the whole retailer (members, products, receipts, lines, truth) at
   ``--customers`` members, then ``Retailer.transactions()``.

Reported: seconds, the ratio of the baseline to crm per customer, receipt lines per second
and seconds per 10 M lines, and the peak resident memory of each subprocess
(``ru_maxrss``). Results go to ``build/benchmarks/simulate.json``. Benchmarks measure; the
tests never assert on speed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMS = {"r": 1.5, "alpha": 12.0, "a": 0.8, "b": 8.0, "T": 104.0}

STEP_CODE = {
    "lifetimes_bgnbd": """
        import warnings; warnings.simplefilter("ignore")
        from lifetimes.generate_data import beta_geometric_nbd_model
        import numpy as np
        np.random.seed(1)
        t0 = time.perf_counter()
        df = beta_geometric_nbd_model(P["T"], P["r"], P["alpha"], P["a"], P["b"], size=N)
        out = {"seconds": time.perf_counter() - t0, "purchases": int(df["frequency"].sum())}
    """,
    "crm_bgnbd": """
        import numpy as np
        from crm_helpers.simulate import _purchase_times
        rng = np.random.default_rng(1)
        t0 = time.perf_counter()
        lam = rng.gamma(P["r"], 1 / P["alpha"], size=N)
        p = rng.beta(P["a"], P["b"], size=N)
        owner, times, x, alive = _purchase_times(rng, lam, p, np.full(N, P["T"]), np.ones(N, bool))
        out = {"seconds": time.perf_counter() - t0, "purchases": int(x.sum())}
    """,
    "retailer": """
        from crm_helpers.simulate import simulate_retailer
        t0 = time.perf_counter()
        shop = simulate_retailer(N, seed=7)
        gen = time.perf_counter() - t0
        t1 = time.perf_counter()
        tx = shop.transactions()
        out = {"seconds": gen, "transactions_seconds": time.perf_counter() - t1,
               "lines": len(shop.lines), "receipts": len(shop.receipts)}
    """,
}


def run_step(step: str, n: int) -> dict:
    code = "import json, resource, time\n" + textwrap.dedent(
        f"""
        P = {PARAMS!r}
        N = {n}
        """
    )
    code += textwrap.dedent(STEP_CODE[step])
    code += textwrap.dedent(
        """
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--baseline", type=int, default=20_000, help="customers for the BG/NBD race")
    args = ap.parse_args()

    base = run_step("lifetimes_bgnbd", args.baseline)
    ours = run_step("crm_bgnbd", args.baseline)
    shop = run_step("retailer", args.customers)
    report = {
        "bgnbd_customers": args.baseline,
        "lifetimes_bgnbd": base,
        "crm_bgnbd": ours,
        "bgnbd_speedup": base["seconds"] / ours["seconds"],
        "retailer_customers": args.customers,
        "retailer": shop,
        "lines_per_second": shop["lines"] / shop["seconds"],
        "seconds_per_10M_lines": shop["seconds"] / shop["lines"] * 1e7,
    }
    print(f"BG/NBD draw, {args.baseline:,} customers over {PARAMS['T']:.0f} weeks")
    print(f"  lifetimes generator  {base['seconds']:8.2f} s  peak {base['peak_rss_mb']:7.0f} MB")
    print(f"  crm_helpers sampler  {ours['seconds']:8.3f} s  peak {ours['peak_rss_mb']:7.0f} MB")
    print(f"  ratio                {report['bgnbd_speedup']:8.0f} x faster")
    print(f"Retailer, {args.customers:,} members")
    print(
        f"  generate             {shop['seconds']:8.2f} s  {shop['lines']:,} lines, "
        f"{shop['receipts']:,} receipts; peak {shop['peak_rss_mb']:,.0f} MB"
    )
    print(f"  per 10 M lines       {report['seconds_per_10M_lines']:8.2f} s")
    print(f"  transactions()       {shop['transactions_seconds']:8.2f} s")
    out = ROOT / "build" / "benchmarks" / "simulate.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
