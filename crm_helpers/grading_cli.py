"""The instructors' grading commands of ``crm-course`` (see ``docs/GRADING.md``).

``release``        build the student versions of all chapters into ``build/release/``.
``grade``          autograde every submission of a chapter in parallel; write the grade CSV
                   and a feedback file per student.
``export-rubric``  write the written answers to a rubric sheet to mark by hand.
``import-rubric``  read the marked rubric sheet back into the grade CSV.

``add_subcommands(subparsers)`` adds them to ``crm-course``; ``python -m
crm_helpers.grading_cli ...`` runs them on their own.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["add_subcommands", "main", "parse_params"]


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``["seed=3", "n_customers=800"]`` or a JSON object → a dict of notebook parameters.

    >>> parse_params(["seed=3", "data_source=simulated", 'data_columns={"a": "b"}'])
    {'seed': 3, 'data_source': 'simulated', 'data_columns': {'a': 'b'}}
    """
    out: dict[str, Any] = {}
    for item in items:
        item = item.strip()
        if item.startswith("{"):
            out.update(json.loads(item))
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise SystemExit(f"--params expects NAME=VALUE or a JSON object, got {item!r}")
        try:
            out[name.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            out[name.strip()] = value.strip()
    return out


def _release(args: argparse.Namespace) -> int:
    from . import grading

    written = grading.release(args.chapters, Path(args.output) if args.output else None)
    for p in written:
        print(f"released {p}")
    print(f"{len(written)} student notebook(s); scanned: no solution code, no hidden tests.")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from . import grading

    limits = grading.Limits(
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        memory_mb=args.memory_mb,
        max_tasks=args.max_tasks,
        output_chars=args.output_chars,
        sandbox=args.sandbox,
    )
    submissions = Path(args.submissions)
    if not submissions.is_dir():
        raise SystemExit(f"No submissions folder {submissions}: expected one folder per student.")
    n = sum(1 for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    bar = tqdm(total=n, desc=f"grading {args.chapter}", unit="student")

    def progress(student: str, result: dict[str, Any]) -> None:
        bar.update(1)
        flags = ",".join(result.get("flags", []))
        bar.set_postfix_str(
            f"{student}: {result.get('auto_total', 0):g}" + (f" [{flags}]" if flags else "")
        )

    report = grading.grade(
        args.chapter,
        submissions,
        jobs=args.jobs,
        force=args.force,
        params=parse_params(args.params),
        limits=limits,
        reseed=not args.no_reseed,
        reseed_policy=args.reseed_policy,
        pdf=not args.no_pdf,
        out_dir=Path(args.out_dir) if args.out_dir else None,
        progress=progress,
    )
    bar.update(len(report.skipped))
    bar.close()
    print(
        f"graded {len(report.graded)}, already graded (skipped) {len(report.skipped)}, "
        f"grader errors {len(report.failed)}; grades in {report.csv}"
    )
    if not args.no_gradebook:
        out_dir = Path(args.out_dir) if args.out_dir else None
        counts = grading.to_gradebook(args.chapter, out_dir)
        print(
            f"nbgrader gradebook: {counts['students']} submissions recorded in "
            f"{grading.course_dir()} (mark written answers there with formgrader)"
        )
    return 1 if report.failed else 0


def _export(args: argparse.Namespace) -> int:
    from . import grading

    path = grading.export_rubric(args.chapter, Path(args.output) if args.output else None)
    print(f"rubric sheet: {path} (fill in 'points' and 'comment', then import-rubric)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from . import grading

    try:
        counts = grading.import_rubric(args.chapter, Path(args.file))
    except grading.GradingError as err:
        print(str(err), file=sys.stderr)
        return 2
    print(f"imported {counts['imported']} mark(s) into build/grades/{args.chapter}.csv")
    return 0


def add_subcommands(subparsers: Any) -> None:
    """Add ``release``, ``grade``, ``export-rubric`` and ``import-rubric`` to a parser's
    subparsers (``parser.add_subparsers()``)."""
    p = subparsers.add_parser("release", help="build the student versions into build/release/")
    p.add_argument("chapters", nargs="*", help="chapters (default: all notebooks)")
    p.add_argument("--output", default=None, help="default: build/release")
    p.set_defaults(func=_release)

    p = subparsers.add_parser("grade", help="autograde a chapter's submissions in parallel")
    p.add_argument("chapter", help="chapter stem or prefix, e.g. 01_overview or 01")
    p.add_argument("submissions", help="folder with one sub-folder per student")
    p.add_argument("--jobs", type=int, default=os.cpu_count(), help="parallel workers")
    p.add_argument("--force", action="store_true", help="regrade students already graded")
    p.add_argument(
        "--params",
        nargs="*",
        default=[],
        help="notebook parameters, e.g. --params seed=3 n_customers=800",
    )
    p.add_argument("--timeout", type=float, default=600, help="seconds per notebook run")
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=120,
        help="seconds per cell (a loop costs its exercise)",
    )
    p.add_argument(
        "--memory-mb", type=int, default=4096, help="memory of a kernel's whole process tree"
    )
    p.add_argument(
        "--max-tasks", type=int, default=128, help="processes and threads of a kernel's tree"
    )
    p.add_argument("--output-chars", type=int, default=20_000, help="output kept per cell")
    p.add_argument(
        "--sandbox",
        choices=["auto", "on", "off"],
        default="auto",
        help="auto: isolate each kernel where possible and flag every result 'unsandboxed' "
        "where not; on: refuse to grade without isolation; off: no isolation (flagged)",
    )
    p.add_argument("--no-reseed", action="store_true", help="skip the re-run with another seed")
    p.add_argument(
        "--reseed-policy",
        choices=["zero", "flag"],
        default="zero",
        help="a check passing only with the normal seed: score 0 and flag, or only flag",
    )
    p.add_argument("--no-pdf", action="store_true", help="HTML feedback only")
    p.add_argument(
        "--no-gradebook",
        action="store_true",
        help="do not record the results in nbgrader's gradebook (build/nbgrader) for formgrader",
    )
    p.add_argument(
        "--out-dir",
        default=None,
        help="per-student results folder (default: build/grades/<chapter>; the CSV goes beside it)",
    )
    p.set_defaults(func=_grade)

    p = subparsers.add_parser("export-rubric", help="written answers to a rubric sheet (CSV)")
    p.add_argument("chapter")
    p.add_argument("--output", default=None, help="default: build/grades/<chapter>_rubric.csv")
    p.set_defaults(func=_export)

    p = subparsers.add_parser("import-rubric", help="marks from a rubric sheet into the grades")
    p.add_argument("chapter")
    p.add_argument("file")
    p.set_defaults(func=_import)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one grading command (the same as ``crm-course <command>``)."""
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    parser = argparse.ArgumentParser(prog="crm-course", description=__doc__.split("\n")[0])
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
