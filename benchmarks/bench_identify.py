"""Benchmark of identity resolution (crm_helpers.identify) as the number of records grows.

Usage::

    python benchmarks/bench_identify.py                          # 10 k, 100 k, 1 M records
    python benchmarks/bench_identify.py --sizes 10000 100000     # quicker

The records are those of the chapter's generator
(``crm_helpers.extensions.identification.simulate_customer_records``: messy names, phone
formats, e-mail case, missing fields, 1.8 records per member on average), for a member table
made here with numpy from the course's name, city and e-mail catalogues (the full retailer
simulation of 550,000 members would dominate the run). Each size is generated once, written
to ``build/benchmarks/identify-records-n{N}-seed{S}.parquet`` and reused.

Steps, each in a fresh subprocess that reads the records, then resets the peak-RSS counter
and runs the step (memory as in ``bench_kpi.py``: ``extra_mb`` is the peak minus the RSS
just before the step):

1. ``crm_resolve``: ``identify.resolve_identities(records)`` — normalise, block (DuckDB),
   compare with rapidfuzz, score, cluster (every size);
2. ``rapidfuzz_all_pairs``: the same normalisation, scoring and clustering, but candidates
   from comparing *every* pair of records with ``rapidfuzz.process.cdist`` (phone, e-mail and
   name key; a pair is a candidate when one of them is at least 90 % similar) instead of
   blocking — the naive baseline; only up to ``--naive-max`` records (its n × n matrices
   need n² bytes each);
3. ``exact_phone``: records with the same phone text are one customer (pandas; every size)
   — fast and poor, for the quality column.

Precision, recall and F1 on record pairs against the generator's truth are computed after
the timed part. The growth of time and memory with the number of records is summarised by
the slope of a least-squares line through log(seconds) against log(records) (1 = linear).
Results are printed and written to ``build/benchmarks/identify.json``. Benchmarks measure;
tests never assert on speed.
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

from benchmarks.bench_kpi import PeakRSS, _versions, run_worker  # noqa: E402

STEPS = ("crm_resolve", "rapidfuzz_all_pairs", "exact_phone")
RECORDS_PER_MEMBER = 1.8


# --------------------------------------------------------------------------- data
def make_members(n: int, seed: int) -> pd.DataFrame:
    """A member table with the columns the record generator reads (numpy only)."""
    from crm_helpers import _catalogue as cat

    rng = np.random.default_rng(seed)
    ids = np.arange(100_001, 100_001 + n, dtype="int64")
    sur = rng.integers(len(cat.SURNAMES), size=n)
    g1 = rng.integers(len(cat.GIVEN_CHARS), size=n)
    g2 = np.where(rng.random(n) < 0.3, -1, rng.integers(len(cat.GIVEN_CHARS), size=n))
    zh = np.array([c for c, _ in cat.GIVEN_CHARS] + [""], dtype=object)
    py = np.array([p for _, p in cat.GIVEN_CHARS] + [""], dtype=object)
    s_zh = np.array([s for s, _ in cat.SURNAMES], dtype=object)
    s_py = np.array([p for _, p in cat.SURNAMES], dtype=object)
    name = s_zh[sur] + zh[g1] + zh[g2]
    dom = np.array(cat.EMAIL_DOMAINS, dtype=object)[rng.integers(len(cat.EMAIL_DOMAINS), size=n)]
    email = py[g1] + py[g2] + "." + s_py[sur] + ids.astype(str).astype(object) + "@" + dom
    prefix = np.array(["13", "15", "17", "18", "19"], dtype=object)[rng.integers(5, size=n)]
    body = (np.arange(n, dtype="int64") * 387_420_489 + int(rng.integers(10**9))) % 10**9
    phone = prefix + pd.Series(body).astype(str).str.zfill(9).to_numpy(dtype=object)
    city_w = np.array([c[4] for c in cat.CITIES])
    city = rng.choice(len(cat.CITIES), size=n, p=city_w / city_w.sum())
    acq_w = np.array([a[2] for a in cat.ACQUISITION_CHANNELS])
    acq = rng.choice(len(cat.ACQUISITION_CHANNELS), size=n, p=acq_w / acq_w.sum())
    start, end = pd.Timestamp("2023-01-01").value, pd.Timestamp("2026-01-01").value
    join = (start + rng.random(n) * (end - start)).astype("int64")
    return pd.DataFrame(
        {
            "customer_id": ids,
            "name": pd.array(name, dtype="str"),
            "gender": pd.Categorical.from_codes((rng.random(n) < 0.45).astype(int), ["F", "M"]),
            "birth_year": np.clip(np.round(rng.normal(1985, 12, n)), 1945, 2007).astype("int64"),
            "phone": pd.array(phone, dtype="str"),
            "email": pd.array(email, dtype="str"),
            "city_zh": pd.Categorical.from_codes(city, [c[1] for c in cat.CITIES]),
            "join_date": pd.to_datetime(join - join % 10**9, unit="ns"),
            "acquisition_channel": pd.Categorical.from_codes(
                acq, [a[0] for a in cat.ACQUISITION_CHANNELS]
            ),
            "card_number": pd.array(
                ("8860" + pd.Series(ids).astype(str).str.zfill(12)).to_numpy(), dtype="str"
            ),
        }
    )


def records_file(n: int, seed: int) -> Path:
    return ROOT / "build" / "benchmarks" / f"identify-records-n{n}-seed{seed}.parquet"


def ensure_records(n: int, seed: int) -> Path:
    """Generate (once) about ``n`` records with their truth column ``_customer_id``."""
    path = records_file(n, seed)
    if path.exists():
        return path
    from crm_helpers.extensions.identification import simulate_customer_records

    members = make_members(max(int(round(n / RECORDS_PER_MEMBER)), 10), seed)
    rng = np.random.default_rng([seed, 2])
    recs, truth = simulate_customer_records(members, pd.Timestamp("2026-01-01"), rng)
    recs["_customer_id"] = truth["customer_id"].to_numpy()
    path.parent.mkdir(parents=True, exist_ok=True)
    recs.to_parquet(path, index=False)
    return path


# --------------------------------------------------------------------------- steps
def all_pairs_candidates(norm: pd.DataFrame, cutoff: int = 90) -> pd.DataFrame:
    """Candidate pairs from comparing every record with every other (no blocking)."""
    from rapidfuzz import fuzz, process

    found = []
    ids = norm["record_id"].to_numpy()
    for col in ("phone", "email", "name_key"):
        have = norm[col].notna().to_numpy()
        vals = norm.loc[have, col].astype(str).tolist()
        sim = process.cdist(vals, vals, scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=cutoff,
                            workers=1)  # fmt: skip
        i, j = np.nonzero(np.triu(sim, k=1))
        del sim
        sub = ids[have]
        found.append(pd.DataFrame({"record_a": sub[i], "record_b": sub[j]}))
    pairs = pd.concat(found, ignore_index=True)
    lo = np.minimum(pairs["record_a"], pairs["record_b"])
    hi = np.maximum(pairs["record_a"], pairs["record_b"])
    return pd.DataFrame({"record_a": lo, "record_b": hi}).drop_duplicates().reset_index(drop=True)


def run_step(step: str, recs: pd.DataFrame) -> pd.DataFrame:
    """Run one step; return the mapping record_id → resolved_id."""
    from crm_helpers import identify as idf

    if step == "crm_resolve":
        return idf.resolve_identities(recs).mapping
    if step == "rapidfuzz_all_pairs":
        norm = idf.normalize_records(recs)
        pairs = idf.score_pairs(idf.compare_pairs(norm, all_pairs_candidates(norm)))
        return idf.cluster_records(norm["record_id"], pairs, idf.DEFAULT_THRESHOLD)
    if step == "exact_phone":
        key = recs["phone"].fillna("record " + recs["record_id"].astype(str))
        resolved = recs.groupby(key)["record_id"].transform("min")
        return pd.DataFrame({"record_id": recs["record_id"], "resolved_id": resolved})
    raise ValueError(f"unknown step {step!r}")


def worker(args: argparse.Namespace) -> None:
    """Read the records, run one step, print one JSON line."""
    recs = pd.read_parquet(records_file(args.records, args.seed))
    truth = pd.DataFrame({"record_id": recs["record_id"], "customer_id": recs.pop("_customer_id")})
    import duckdb  # noqa: F401  (import time is not part of the step)
    import rapidfuzz.process  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401

    import crm_helpers.identify as idf

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        mapping = run_step(args.worker, recs)
        seconds = time.perf_counter() - t0
    q = idf.match_quality(mapping, truth)
    print(
        json.dumps(
            {
                "step": args.worker,
                "records": len(recs),
                "members": int(truth["customer_id"].nunique()),
                "seconds": seconds,
                "peak_rss_mb": mem.peak,
                "extra_mb": mem.peak - mem.before,
                "memory_method": mem.method,
                "precision": q["precision"],
                "recall": q["recall"],
                "f1": q["f1"],
                "n_resolved": q["n_resolved"],
            }
        )
    )


def _spawn(step: str, n: int, args: argparse.Namespace) -> dict:
    cmd = [__file__, "--worker", step, "--records", str(n), "--seed", str(args.seed)]
    return run_worker(f"{step} at {n:,} records", cmd)


def _slope(x: list[float], y: list[float]) -> float | None:
    ok = [(a, b) for a, b in zip(x, y, strict=True) if a > 0 and b > 0]
    if len(ok) < 2:
        return None
    lx, ly = np.log([a for a, _ in ok]), np.log([b for _, b in ok])
    return float(np.polyfit(lx, ly, 1)[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--naive-max", type=int, default=10_000,
                        help="largest size the all-pairs baseline runs at")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "identify.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--records", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return

    rows = []
    for n in sorted(args.sizes):
        t0 = time.perf_counter()
        print(f"[{n:,} records] generating (once; cached as parquet) …", flush=True)
        ensure_records(n, args.seed)
        print(f"[{n:,} records] data ready in {time.perf_counter() - t0:.1f} s", flush=True)
        for step in STEPS:
            if step == "rapidfuzz_all_pairs" and n > args.naive_max:
                continue
            print(f"[{n:,} records] {step} …", flush=True)
            r = _spawn(step, n, args)
            r["size"] = n
            rows.append(r)
            print(
                f"    {r['seconds']:.2f} s, +{r['extra_mb']:.0f} MB, F1 {r['f1']:.3f}", flush=True
            )

    res = pd.DataFrame(rows)
    print(f"\npeak RSS per step in a fresh process ({rows[0]['memory_method']})")
    print(f"{'records':>10} {'step':<20}{'seconds':>9}{'extra MB':>10}{'precision':>10}"
          f"{'recall':>8}{'F1':>7}{'vs crm':>9}")  # fmt: skip
    for _, r in res.iterrows():
        base = res[(res["size"] == r["size"]) & (res["step"] == "crm_resolve")]["seconds"].iloc[0]
        print(f"{r['records']:>10,} {r['step']:<20}{r['seconds']:>9.2f}{r['extra_mb']:>10.0f}"
              f"{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}"
              f"{r['seconds'] / base:>8.1f}x")  # fmt: skip
    ours = res[res["step"] == "crm_resolve"].sort_values("records")
    growth = {
        "time_slope": _slope(ours["records"].tolist(), ours["seconds"].tolist()),
        "memory_slope": _slope(ours["records"].tolist(), ours["extra_mb"].tolist()),
    }
    print(
        "growth of crm_resolve (log-log slope, 1 = linear): time "
        f"{growth['time_slope']}, memory {growth['memory_slope']}"
        if growth["time_slope"] is None
        else f"growth of crm_resolve (log-log slope, 1 = linear): time "
        f"{growth['time_slope']:.2f}, memory {growth['memory_slope']:.2f}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "sizes": sorted(args.sizes),
                "growth": growth,
                "results": rows,
                "versions": _versions(),
            },
            indent=2,
        ),  # fmt: skip
        encoding="utf-8",
    )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
