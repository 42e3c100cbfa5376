"""The ``crm-course`` command line: generate the data and run the course's notebooks.

``crm-course data``   generate (and cache) the simulated retailer at its default size.
``crm-course run``    execute every notebook in ``notebooks/`` with papermill into
                      ``build/notebooks/``; each chapter records its results in
                      ``build/outputs/<chapter>/``. A progress bar shows the chapters.
                      ``--jobs N`` runs N notebooks at a time (default: one per core),
                      the longest first (see :mod:`crm_helpers.runner`); ``--pdf`` queues
                      each one's student-view PDF as soon as it has run.
``crm-course pdf``    turn executed notebooks into PDF reports (Chinese included) in
                      ``build/pdf/``: the student view (no solutions, hidden tests or
                      rubrics); ``--key`` the instructor key instead (``*-key.pdf``);
                      ``--hide-code`` leaves the code out; ``--jobs N`` writes N at a
                      time; an unchanged PDF is copied from ``build/cache/pdf``
                      (``--no-cache`` lays it out again).
``crm-course site``   the course website (Jupyter Book) from the executed student views in
                      ``build/site/``; open ``build/site/index.html``.
``crm-course kernel`` check that the course's Jupyter kernel runs this environment's Python.
``crm-course release | grade | export-rubric | import-rubric``
                      the instructors' grading tool (see docs/GRADING.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ._kernel import KERNEL_NAME, notebook_parameters
from .results import repo_root
from .runner import run_jobs, run_notebook, skip_iri_grammar

__all__ = [
    "KERNEL_NAME",
    "notebook_parameters",
    "notebook_paths",
    "run_notebook",
    "check_kernel",
    "main",
]


def notebook_paths(names: Iterable[str] = ()) -> list[Path]:
    """The course notebooks in chapter order, or those named (by file or by stem)."""
    folder = repo_root() / "notebooks"
    every = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    names = list(names)
    if not names:
        return every
    by_stem = {p.stem: p for p in every}
    chosen = []
    for n in names:
        p = Path(n)
        if p.suffix == ".ipynb" and p.exists():
            chosen.append(p.resolve())
        elif p.stem in by_stem or n in by_stem:
            chosen.append(by_stem.get(n, by_stem.get(p.stem)))
        else:
            prefix = [q for s, q in by_stem.items() if s.startswith(n)]
            if len(prefix) != 1:
                raise SystemExit(
                    f"No notebook {n!r}. The notebooks are: {', '.join(by_stem) or 'none'}."
                )
            chosen.append(prefix[0])
    return chosen


def check_kernel(kernel_name: str = KERNEL_NAME) -> str:
    """Return the kernel's Python and raise ``RuntimeError`` if it is not this environment's.

    A kernelspec of the same name in the user's Jupyter folder may point at another
    environment; notebooks must run with the project's own packages.
    """
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as err:
        raise RuntimeError(
            f"The Jupyter kernel {kernel_name!r} is not installed. Run `make course` (or "
            f"`{sys.executable} -m ipykernel install --sys-prefix --name {kernel_name}`)."
        ) from err
    python = spec.argv[0]
    if (
        Path(python).resolve().parent != Path(sys.executable).resolve().parent
        and Path(python).resolve() != Path(sys.executable).resolve()
    ):
        raise RuntimeError(
            f"The Jupyter kernel {kernel_name!r} runs {python}, not this environment's "
            f"{sys.executable} (kernelspec in {spec.resource_dir}). Reinstall it with "
            f"`{sys.executable} -m ipykernel install --sys-prefix --name {kernel_name}`."
        )
    return python


def _default_jobs(n: int) -> int:
    return max(1, min(n, os.cpu_count() or 1))


def _pdf_cache() -> Path:
    """Where finished PDFs are kept by the hash of their HTML, stylesheet and renderer
    (see :func:`crm_helpers.report.html_to_pdf`): an unchanged chapter is not laid out
    again."""
    return repo_root() / "build" / "cache" / "pdf"


def _run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    check_kernel(args.kernel)
    notebooks = notebook_paths(args.notebooks)
    params: dict[str, Any] = {}
    if args.seed is not None:
        params["seed"] = args.seed
    if args.n_customers is not None:
        params["n_customers"] = args.n_customers
    if args.data_source is not None:
        params["data_source"] = args.data_source
    out = Path(args.output)
    pdf_dir = Path(args.pdf_output) if args.pdf else None
    if pdf_dir is not None:
        from .report import PDFRequirementError, check_pdf_requirements

        try:
            check_pdf_requirements()
        except PDFRequirementError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    jobs = args.jobs if args.jobs is not None else _default_jobs(len(notebooks))
    if jobs < 1:
        print(f"error: --jobs must be at least 1; got {jobs}.", file=sys.stderr)
        return 2
    start, failed = time.perf_counter(), []
    tasks = len(notebooks) * (2 if pdf_dir is not None else 1)
    bar = tqdm(total=tasks, desc=f"running notebooks ({jobs} at a time)", unit="task")
    cache = _pdf_cache()
    for status, ok in run_jobs(notebooks, jobs, out, params, args.kernel, pdf_dir, cache):
        if not ok:
            failed.append(status.split(":")[0])
        bar.write(status)
        bar.update(2 if not ok and pdf_dir is not None and "PDF" not in status else 1)
    bar.close()
    print(
        f"{len(notebooks)} notebook(s) in {time.perf_counter() - start:.0f} s with {jobs} job(s)."
    )
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"Executed notebooks are in {out}; recorded results in {repo_root() / 'build/outputs'}.")
    if pdf_dir is not None:
        print(f"PDFs (student views) are in {pdf_dir}.")
    return 0


def _data(args: argparse.Namespace) -> int:
    from .datasets import load_retailer

    start = time.perf_counter()
    shop = load_retailer(seed=args.seed, n_customers=args.n_customers)
    print(
        f"Simulated retailer: {len(shop.customers):,} members, {len(shop.receipts):,} receipts, "
        f"{len(shop.lines):,} lines ({time.perf_counter() - start:.1f} s)."
    )
    return 0


def _executed(names: Sequence[str]) -> list[Path] | None:
    built = repo_root() / "build" / "notebooks"
    if names:
        paths = [Path(n) if Path(n).suffix == ".ipynb" else built / f"{n}.ipynb" for n in names]
        paths = [p if p.is_file() else _by_prefix(built, p) for p in paths]
    else:  # every chapter: a site or a set of PDFs without one of them is not the course
        paths = [built / p.name for p in notebook_paths()]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing or not paths:
        print(
            f"error: no executed notebook at {', '.join(missing) or built}. "
            "Run `crm-course run` (or `make course`) first.",
            file=sys.stderr,
        )
        return None
    return paths


def _by_prefix(folder: Path, path: Path) -> Path:
    found = sorted(folder.glob(f"{path.stem}*.ipynb"))
    return found[0] if len(found) == 1 else path


def _pdf(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from .report import PDFRequirementError, check_pdf_requirements
    from .runner import pdf_jobs

    try:
        check_pdf_requirements()
    except PDFRequirementError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    paths = _executed(args.notebooks)
    if paths is None:
        return 2
    out = Path(args.output)
    view, suffix = ("key", "-key") if args.key else ("student", "")
    jobs = args.jobs if args.jobs is not None else _default_jobs(len(paths))
    if jobs < 1:
        print(f"error: --jobs must be at least 1; got {jobs}.", file=sys.stderr)
        return 2
    pairs = [(path, out / f"{path.stem}{suffix}.pdf") for path in paths]
    cache = None if args.no_cache else _pdf_cache()
    failed = []
    bar = tqdm(total=len(pairs), desc=f"writing PDFs ({view} view)", unit="pdf")
    for status, ok in pdf_jobs(pairs, jobs, cache, hide_code=args.hide_code, view=view):
        if not ok:
            failed.append(status)
        bar.write(status)
        bar.update()
    bar.close()
    if failed:
        print(f"{len(failed)} PDF(s) failed:\n" + "\n".join(failed), file=sys.stderr)
        return 1
    kind = "instructor keys" if args.key else "student views"
    print(f"PDFs ({kind}) are in {out}.")
    return 0


def _site(args: argparse.Namespace) -> int:
    from .report.site import build_site

    paths = _executed(args.notebooks)
    if paths is None:
        return 2
    start = time.perf_counter()
    index = build_site(paths, Path(args.output))
    print(
        f"The course site ({len(paths)} chapters) is in {index.parent} "
        f"({time.perf_counter() - start:.0f} s); open {index} in a browser."
    )
    return 0


def _kernel(args: argparse.Namespace) -> int:
    print(f"Kernel {args.kernel!r} runs {check_kernel(args.kernel)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``crm-course``."""
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    skip_iri_grammar()  # 2-5 s of grammar compiling on importing nbformat (see runner)
    parser = argparse.ArgumentParser(prog="crm-course", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="execute the notebooks with papermill into build/")
    p.add_argument("notebooks", nargs="*", help="notebook files or chapter names (default: all)")
    p.add_argument("--output", default=str(repo_root() / "build" / "notebooks"))
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--n-customers", type=int, default=None)
    p.add_argument("--data-source", default=None)
    p.add_argument("--kernel", default=KERNEL_NAME)
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="notebooks run at the same time (default: the number of cores)",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also write each notebook's student-view PDF as soon as it has run",
    )
    p.add_argument("--pdf-output", default=str(repo_root() / "build" / "pdf"))
    p.set_defaults(func=_run)

    p = sub.add_parser("data", help="generate and cache the simulated retailer")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--n-customers", type=int, default=5_000)
    p.set_defaults(func=_data)

    p = sub.add_parser(
        "pdf", help="executed notebooks to PDF reports in build/pdf/ (student view by default)"
    )
    p.add_argument(
        "notebooks", nargs="*", help="executed notebooks or chapter names (default: all)"
    )
    p.add_argument("--output", default=str(repo_root() / "build" / "pdf"))
    p.add_argument("--hide-code", action="store_true", help="leave the code cells' input out")
    p.add_argument(
        "--key",
        action="store_true",
        help="the instructor key (solutions, hidden tests, rubrics) instead of the student view",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="PDFs written at the same time (default: cores)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="lay every PDF out again (by default an unchanged one is copied from build/cache/pdf)",
    )
    p.set_defaults(func=_pdf)

    p = sub.add_parser("site", help="the course website from the executed student views")
    p.add_argument(
        "notebooks", nargs="*", help="executed notebooks or chapter names (default: all)"
    )
    p.add_argument("--output", default=str(repo_root() / "build" / "site"))
    p.set_defaults(func=_site)

    p = sub.add_parser("kernel", help="check the course kernel")
    p.add_argument("--kernel", default=KERNEL_NAME)
    p.set_defaults(func=_kernel)

    from .grading_cli import add_subcommands

    add_subcommands(sub)  # release, grade, export-rubric, import-rubric (docs/GRADING.md)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
