"""Benchmark of frequent itemsets and association rules (crm_helpers.basket) against
mlxtend's ``fpgrowth``.

Usage::

    python benchmarks/bench_basket.py                   # both data sets, about 2 minutes
    python benchmarks/bench_basket.py --repeat 3 --customers 20000 --sim-support 0.01
    python benchmarks/bench_basket.py --datasets online_retail --support 0.005

Data sets (each built once by the driver and cached as parquet in
``build/benchmarks/basket-*.parquet``, so every step reads the same baskets):

* ``online_retail``: the invoices of UCI Online Retail (``crm.load_online_retail()``,
  cleaned): about 18.5 k baskets × 3.7 k items; minimum support ``--support`` (1 %);
* ``simulated``: the receipts of the simulated retailer (``--customers`` members,
  default 20,000, seed ``--seed``): about 126 k baskets × 224 items, with the planted
  product affinities; minimum support ``--sim-support`` (0.2 %: at 1 % only 6 pairs
  are frequent and no rule reaches the confidence).

Steps, on the same (basket, item) table and in the same run:

1. ``mlxtend_fpgrowth``: the usual mlxtend pipeline — the baskets as lists,
   ``TransactionEncoder`` (one-hot, dense bool), a DataFrame, ``fpgrowth`` (the baseline);
2. ``mlxtend_fpgrowth_sparse``: the same with a sparse one-hot DataFrame (less memory,
   usually slower);
3. ``crm_frequent_itemsets``: ``basket.frequent_itemsets(baskets, support)``;
4. ``mlxtend_rules``: step 1 plus ``mlxtend.frequent_patterns.association_rules``
   (confidence ≥ ``--confidence``);
5. ``crm_association_rules``: ``basket.association_rules(baskets, support, confidence)``.

Every step returns a digest of its itemsets (each itemset with its basket count) or of its
single-consequent rules with a non-empty antecedent, so the table can say whether the two
implementations found the same ones.

Memory is measured as in ``bench_kpi.py``: every step runs in a fresh subprocess that reads
the baskets, then resets the peak-RSS counter and runs the step; ``extra_mb`` is the peak
minus the RSS just before the step. Timing: best of ``--repeat`` runs (and the first).
Ratios compare with the ``mlxtend_fpgrowth`` step (itemset steps) or ``mlxtend_rules``
(rule steps); ``vs fpgrowth alone`` compares with the baseline's ``fpgrowth`` call only,
without the one-hot encoding (``fpgrowth s``), the most favourable view of mlxtend. Results are printed and written to ``build/benchmarks/basket.json``.
Benchmarks measure; tests never assert on speed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_kpi import PeakRSS, _versions, run_worker  # noqa: E402

DATASETS = ("online_retail", "simulated")
STEPS = (
    "mlxtend_fpgrowth",
    "mlxtend_fpgrowth_sparse",
    "crm_frequent_itemsets",
    "mlxtend_rules",
    "crm_association_rules",
)
BASELINE = {
    "mlxtend_fpgrowth": "mlxtend_fpgrowth",
    "mlxtend_fpgrowth_sparse": "mlxtend_fpgrowth",
    "crm_frequent_itemsets": "mlxtend_fpgrowth",
    "mlxtend_rules": "mlxtend_rules",
    "crm_association_rules": "mlxtend_rules",
}
CACHE = ROOT / "build" / "benchmarks"


# --------------------------------------------------------------------------- data
def data_path(dataset: str, args: argparse.Namespace) -> Path:
    if dataset == "online_retail":
        return CACHE / "basket-online_retail.parquet"
    return CACHE / f"basket-simulated-c{args.customers}-s{args.seed}.parquet"


def build_baskets(dataset: str, args: argparse.Namespace) -> pd.DataFrame:
    import crm_helpers as crm
    from crm_helpers.basket import baskets_from_transactions

    if dataset == "online_retail":
        tx = crm.load_online_retail()
    else:
        tx = crm.load_retailer(seed=args.seed, n_customers=args.customers).transactions()
    out = baskets_from_transactions(tx)
    return out.astype({"basket": "str", "item": "str"})


def ensure_data(dataset: str, args: argparse.Namespace) -> Path:
    path = data_path(dataset, args)
    if not path.exists():
        print(f"building the {dataset} baskets ...", flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        build_baskets(dataset, args).to_parquet(path, index=False)
    return path


# --------------------------------------------------------------------------- steps
def _digest(pairs: list[tuple[tuple[str, ...], int]]) -> str:
    return hashlib.sha1(repr(sorted(pairs)).encode()).hexdigest()[:16]


def _rule_digest(rows: list[tuple[tuple[str, ...], str, int]]) -> str:
    return hashlib.sha1(repr(sorted(rows)).encode()).hexdigest()[:16]


def _mlxtend_onehot(baskets: pd.DataFrame, sparse: bool) -> pd.DataFrame:
    from mlxtend.preprocessing import TransactionEncoder

    lists = baskets.groupby("basket", sort=False)["item"].agg(list).tolist()
    te = TransactionEncoder()
    onehot = te.fit(lists).transform(lists, sparse=sparse)
    if sparse:
        return pd.DataFrame.sparse.from_spmatrix(onehot, columns=te.columns_)
    return pd.DataFrame(onehot, columns=te.columns_)


def run_step(step: str, baskets: pd.DataFrame, args: argparse.Namespace) -> dict:
    """Run one step; return figures to check that the steps agree."""
    n = baskets["basket"].nunique()
    if step.startswith("mlxtend"):
        from mlxtend.frequent_patterns import association_rules, fpgrowth

        t0 = time.perf_counter()
        onehot = _mlxtend_onehot(baskets, sparse=step == "mlxtend_fpgrowth_sparse")
        t1 = time.perf_counter()
        fi = fpgrowth(onehot, min_support=args.support, use_colnames=True)
        t2 = time.perf_counter()
        out = {"encode_seconds": t1 - t0, "fpgrowth_seconds": t2 - t1}
        if step != "mlxtend_rules":
            pairs = [
                (tuple(sorted(s)), round(v * n))
                for s, v in zip(fi["itemsets"], fi["support"], strict=True)
            ]
            return {**out, "itemsets": len(pairs), "digest": _digest(pairs)}
        rules = association_rules(fi, metric="confidence", min_threshold=args.confidence)
        single = rules[rules["consequents"].map(len) == 1]
        rows = [
            (tuple(sorted(a)), next(iter(c)), round(s * n))
            for a, c, s in zip(
                single["antecedents"], single["consequents"], single["support"], strict=True
            )
        ]
        return {**out, "rules": len(rows), "all_rules": len(rules), "digest": _rule_digest(rows)}
    from crm_helpers import basket

    if step == "crm_frequent_itemsets":
        fi = basket.frequent_itemsets(baskets, args.support)
        pairs = [
            (tuple(sorted(s)), int(c)) for s, c in zip(fi["itemset"], fi["count"], strict=True)
        ]
        return {"itemsets": len(pairs), "digest": _digest(pairs)}
    if step == "crm_association_rules":
        rules = basket.association_rules(baskets, args.support, args.confidence, min_len=2)
        rows = [
            (tuple(sorted(a)), next(iter(c)), int(k))
            for a, c, k in zip(
                rules["antecedent"], rules["consequent"], rules["count"], strict=True
            )
        ]
        return {"rules": len(rows), "digest": _rule_digest(rows)}
    raise ValueError(f"unknown step {step!r}")


def worker(args: argparse.Namespace) -> None:
    baskets = pd.read_parquet(args.data)
    if args.worker.startswith("mlxtend"):
        import mlxtend.frequent_patterns  # noqa: F401  (import time is not part of the step)
        import mlxtend.preprocessing  # noqa: F401
    else:
        import crm_helpers.basket  # noqa: F401
    times, checks = [], []
    with PeakRSS() as mem:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            checks.append(run_step(args.worker, baskets, args))
            times.append(time.perf_counter() - t0)
    check = checks[times.index(min(times))]  # with the split of the best run
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
                "table_mb": baskets.memory_usage(deep=True).sum() / 2**20,
                "baskets": int(baskets["basket"].nunique()),
                "items": int(baskets["item"].nunique()),
                "pairs": len(baskets),
                "support": args.support,
                "confidence": args.confidence,
                "check": check,
            }
        )
    )


def _spawn(step: str, data: Path, support: float, args: argparse.Namespace) -> dict:
    cmd = [__file__, "--worker", step, "--data", str(data)]
    cmd += ["--support", repr(support), "--confidence", repr(args.confidence)]
    cmd += ["--repeat", str(args.repeat)]
    return run_worker(step, cmd)


# --------------------------------------------------------------------------- driver
def _report(dataset: str, support: float, results: list[dict]) -> dict:
    by_step = {r["step"]: r for r in results}
    for r in results:
        base = by_step.get(BASELINE[r["step"]])
        if base is None:
            continue
        r["baseline"] = base["step"]
        r["speedup"] = base["seconds"] / r["seconds"]
        r["speedup_vs_fpgrowth_alone"] = base["check"]["fpgrowth_seconds"] / r["seconds"]
        r["memory_ratio"] = r["extra_mb"] / max(base["extra_mb"], 1e-9)
    first = results[0]
    print(
        f"\n{dataset}: {first['baskets']:,} baskets × {first['items']:,} items "
        f"({first['pairs']:,} pairs), support {support:g}, "
        f"confidence {first['confidence']:g}; "
        f"peak RSS per step in a fresh process "
        f"({first['memory_method']})"
    )
    print(
        f"{'step':<26}{'best s':>8}{'first s':>9}{'fpgrowth s':>11}{'speed-up':>10}"
        f"{'vs fpgrowth alone':>19}{'extra MB':>10}{'mem ratio':>11}{'found':>8}"
    )
    nan = float("nan")
    for r in results:
        found = r["check"].get("itemsets", r["check"].get("rules"))
        print(
            f"{r['step']:<26}{r['seconds']:>8.2f}{r['first_seconds']:>9.2f}"
            f"{r['check'].get('fpgrowth_seconds', nan):>11.2f}"
            f"{r.get('speedup', nan):>9.1f}x{r.get('speedup_vs_fpgrowth_alone', nan):>18.1f}x"
            f"{r['extra_mb']:>10.0f}{r.get('memory_ratio', nan):>10.2f}x{found:>8}"
        )
    agree = {}
    for ours, theirs in (
        ("crm_frequent_itemsets", "mlxtend_fpgrowth"),
        ("crm_frequent_itemsets", "mlxtend_fpgrowth_sparse"),
        ("crm_association_rules", "mlxtend_rules"),
    ):
        if ours in by_step and theirs in by_step:
            same = by_step[ours]["check"]["digest"] == by_step[theirs]["check"]["digest"]
            agree[f"{ours}={theirs}"] = same
    print(
        "same itemsets / single-consequent rules as mlxtend: "
        + ", ".join(f"{k}: {v}" for k, v in agree.items())
    )
    return {"agree": agree, "results": results}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--support", type=float, default=0.01, help="for Online Retail")
    parser.add_argument(
        "--sim-support", type=float, default=0.002, help="for the simulated baskets"
    )
    parser.add_argument("--confidence", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=CACHE / "basket.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return

    report = {
        "support_online_retail": args.support,
        "support_simulated": args.sim_support,
        "confidence": args.confidence,
        "customers": args.customers,
        "seed": args.seed,
        "repeat": args.repeat,
        "versions": {**_versions(), "mlxtend": _mlxtend_version()},
        "datasets": {},
    }
    for dataset in args.datasets:
        data = ensure_data(dataset, args)
        support = args.support if dataset == "online_retail" else args.sim_support
        results = []
        for i, step in enumerate(args.steps, start=1):
            print(f"[{dataset} {i}/{len(args.steps)}] {step} ...", flush=True)
            results.append(_spawn(step, data, support, args))
        report["datasets"][dataset] = {"support": support, **_report(dataset, support, results)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written to {args.out}")


def _mlxtend_version() -> str:
    import mlxtend

    return mlxtend.__version__


if __name__ == "__main__":
    main()
