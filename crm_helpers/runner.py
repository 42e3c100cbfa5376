"""Scheduling ``crm-course run`` (课程运行调度): which notebook starts first, where the PDFs
are written, and what a worker process does not need to import.

* **Longest first.** With two workers, a long chapter started last leaves one core idle
  while it runs (chapter 09 took 86 s and was the last to start). :func:`longest_first`
  orders the notebooks by their last measured duration (``durations.json`` beside the
  executed notebooks, written by :func:`record_durations`); before any run, by
  :data:`MEASURED_SECONDS` (a ``make course`` on two cores), and a notebook never measured by
  its number of code cells.
* **PDFs fill the gaps.** Each student-view PDF is a task of its own, queued as soon as its
  notebook has run, so the pool starts the next notebook first and renders PDFs while the
  last notebooks run (never more processes than ``jobs``).
* **No grammar compiling.** :func:`skip_iri_grammar` keeps ``jsonschema`` from importing
  ``rfc3987_syntax``, which compiles some 40 Earley grammars on import (2-5 s per process)
  to check the ``iri`` string format — a format nbformat's schema never uses.

>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
>>> import nbformat, tempfile
>>> d = Path(tempfile.mkdtemp())
>>> for name, cells in [("01_a", 1), ("02_b", 3), ("03_c", 2)]:
...     nb = new_notebook(cells=[new_code_cell("x = 1") for _ in range(cells)] + [new_markdown_cell("# t")])
...     nbformat.write(nb, d / f"{name}.ipynb")
>>> [p.stem for p in longest_first(sorted(d.glob("*.ipynb")), {})]
['02_b', '03_c', '01_a']
>>> [p.stem for p in longest_first(sorted(d.glob("*.ipynb")), {"01_a.ipynb": 90.0})]
['01_a', '02_b', '03_c']
>>> [p.stem for p in longest_first([Path("01_overview.ipynb"), Path("09_crm_plan_design.ipynb")], {})]
['09_crm_plan_design', '01_overview']
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ._kernel import KERNEL_NAME, local_kernel_manager_class, notebook_parameters

__all__ = [
    "DURATIONS_FILE",
    "MEASURED_SECONDS",
    "skip_iri_grammar",
    "code_cells",
    "longest_first",
    "read_durations",
    "record_durations",
    "run_notebook",
    "execute_task",
    "pdf_task",
    "run_jobs",
    "pdf_jobs",
]

#: Seconds each chapter took in ``make course`` on 2 busy cores (2026-12-03, before the
#: issue-21 speed-ups): only the order they give matters, until a run records its own.
MEASURED_SECONDS: dict[str, float] = {
    "05_segmentation.ipynb": 97, "09_crm_plan_design.ipynb": 86, "07_data_analysis.ipynb": 69,
    "06_loyalty.ipynb": 66, "08_implementation.ipynb": 54, "04_satisfaction.ipynb": 44,
    "03_communication.ipynb": 41, "02_identification.ipynb": 37, "01_overview.ipynb": 24,
}  # fmt: skip
#: Where :func:`record_durations` keeps each notebook's last run time (seconds), in the
#: folder of the executed notebooks.
DURATIONS_FILE = "durations.json"


def skip_iri_grammar() -> None:
    """Make ``import rfc3987_syntax`` fail in this process (before jsonschema is imported),
    so that jsonschema skips its optional ``iri`` format check instead of compiling its
    grammars. Nothing in the course validates that format; other formats are unchanged."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def code_cells(path: Path) -> int:
    """The number of code cells in a notebook (read as JSON, without nbformat)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    return sum(1 for c in cells if c.get("cell_type") == "code")


def longest_first(
    notebooks: Sequence[Path],
    history: Mapping[str, float],
    prior: Mapping[str, float] = MEASURED_SECONDS,
) -> list[Path]:
    """``notebooks`` ordered by expected run time, longest first: the seconds in
    ``history`` (by file name), else in ``prior``, else the number of code cells. Ties keep
    the given order."""

    def expected(p: Path) -> float:
        known = history.get(Path(p).name, prior.get(Path(p).name))
        return float(known) if known is not None else float(code_cells(p))

    return sorted(notebooks, key=expected, reverse=True)


def read_durations(folder: Path) -> dict[str, float]:
    """The last recorded run time of each notebook in ``folder`` (empty if none or unreadable)."""
    try:
        data = json.loads((Path(folder) / DURATIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}


def record_durations(folder: Path, seconds: Mapping[str, float]) -> Path:
    """Merge ``seconds`` (notebook file name → run time) into ``folder/durations.json``."""
    path = Path(folder) / DURATIONS_FILE
    merged = {**read_durations(folder), **{k: round(float(v), 1) for k, v in seconds.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def run_notebook(
    path: Path,
    output_path: Path,
    parameters: dict[str, Any] | None = None,
    *,
    kernel_name: str = KERNEL_NAME,
    timeout: int = 1800,
) -> Path:
    """Execute one notebook with papermill (in this process), from its own folder.

    Only parameters the notebook declares are passed; ``output_dir`` defaults to
    ``build/outputs/<chapter>``. Live widget views are removed from the saved notebook (see
    :func:`crm_helpers.report.strip_widget_views`), so it shows each widget's static table
    and chart when opened without a kernel or exported. The executed notebook is written
    once, when the run ends or fails (papermill by default rewrites and re-validates the
    whole notebook before and after every cell: 8 of chapter 05's 26 seconds).
    """
    import papermill as pm

    from .results import default_output_dir

    declared = notebook_parameters(path)
    params = {k: v for k, v in (parameters or {}).items() if k in declared}
    if "output_dir" in declared and "output_dir" not in params:
        params["output_dir"] = str(default_output_dir(path.stem))
    output_path.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(path),
        str(output_path),
        parameters=params,
        kernel_name=kernel_name,
        cwd=str(path.parent),
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
        kernel_manager_class=local_kernel_manager_class(),
        request_save_on_cell_execute=False,  # one write at the end, not ~2 a cell (8 s in 05)
    )
    _save_static_views(output_path)
    return output_path


def _save_static_views(path: Path) -> None:
    import nbformat

    from .report.html import WIDGET_VIEW, strip_widget_views

    text = path.read_text(encoding="utf-8")
    if WIDGET_VIEW in text or '"widgets"' in text:
        nbformat.write(strip_widget_views(nbformat.reads(text, as_version=4)), path)


def execute_task(
    nb: Path, out: Path, params: dict[str, Any], kernel: str
) -> tuple[str, bool, float]:
    """Execute one notebook into ``out``: a status line, success and the seconds taken."""
    start = time.perf_counter()
    try:
        run_notebook(nb, out / nb.name, params, kernel_name=kernel)
    except Exception as err:  # report every notebook, then fail at the end
        line = str(err).splitlines()[0][:200] if str(err) else ""
        return f"{nb.name}: FAILED: {type(err).__name__}: {line}", False, 0.0
    seconds = time.perf_counter() - start
    return f"{nb.name}: ok in {seconds:.1f} s", True, seconds


def pdf_task(
    executed: Path, pdf_path: Path, cache_dir: Path | None, hide_code: bool = False,
    view: str = "student",
) -> tuple[str, bool]:  # fmt: skip
    """Write the PDF (by default the student view) of an executed notebook: a status line
    and success."""
    from .report import notebook_to_pdf

    start = time.perf_counter()
    try:
        notebook_to_pdf(executed, pdf_path, view=view, hide_code=hide_code, cache_dir=cache_dir)
    except Exception as err:
        return f"{executed.name}: PDF FAILED: {type(err).__name__}: {str(err)[:200]}", False
    return f"{executed.name}: PDF in {time.perf_counter() - start:.1f} s", True


def _sequential(
    notebooks: Sequence[Path], out: Path, params: dict[str, Any], kernel: str,
    pdf_dir: Path | None, cache_dir: Path | None,
) -> Iterator[tuple[str, bool]]:  # fmt: skip
    seconds: dict[str, float] = {}
    if notebooks:
        _worker_start(kernel)  # as a worker: the imports are the run's, not the first chapter's
    for nb in notebooks:
        status, ok, took = execute_task(nb, out, params, kernel)
        yield status, ok
        if ok:
            seconds[nb.name] = took
            if pdf_dir is not None:
                yield pdf_task(out / nb.name, pdf_dir / f"{nb.stem}.pdf", cache_dir)
    record_durations(out, seconds)


def run_jobs(
    notebooks: Sequence[Path],
    jobs: int,
    out: Path,
    params: dict[str, Any],
    kernel: str,
    pdf_dir: Path | None = None,
    cache_dir: Path | None = None,
) -> Iterator[tuple[str, bool]]:
    """Run ``notebooks`` (longest first) in ``jobs`` worker processes, each PDF queued as
    soon as its notebook has run; yields ``(status line, success)`` per task as it ends
    and records the run times for the next run's order."""
    order = longest_first(notebooks, read_durations(out))
    if jobs <= 1:
        yield from _sequential(order, out, params, kernel, pdf_dir, cache_dir)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("spawn")  # no forked threads of papermill/tqdm
    seconds: dict[str, float] = {}
    with ProcessPoolExecutor(
        jobs, mp_context=ctx, initializer=_worker_start, initargs=(kernel,)
    ) as pool:
        pending = {pool.submit(execute_task, nb, out, params, kernel): nb for nb in order}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                nb = pending.pop(future)
                result = future.result()
                if len(result) == 3:  # a notebook: queue its PDF behind the notebooks
                    status, ok, took = result
                    if ok:
                        seconds[nb.name] = took
                    if ok and pdf_dir is not None:
                        target = pdf_dir / f"{nb.stem}.pdf"
                        pending[pool.submit(pdf_task, out / nb.name, target, cache_dir)] = nb
                    yield status, ok
                else:
                    yield result
    record_durations(out, seconds)


def _worker_start(kernel: str) -> None:
    """A notebook worker's set-up: no grammar compiling, and its warm-kernel parent
    (:mod:`crm_helpers._warm_kernel`) started before its first notebook, so that the
    libraries' one import is the run's set-up, not the first chapter's time (at most
    2 minutes: after that the first kernel waits for it)."""
    from . import _warm_kernel

    skip_iri_grammar()
    started = _warm_kernel.prepare(kernel)
    if started is not None:
        started.join(timeout=120)


def pdf_jobs(
    pairs: Sequence[tuple[Path, Path]], jobs: int, cache_dir: Path | None = None, **options: Any
) -> Iterator[tuple[str, bool]]:
    """Write a PDF for each ``(executed notebook, PDF path)`` pair in ``jobs`` processes
    (``options``: ``hide_code``, ``view``); yields ``(status line, success)`` as each ends."""
    if jobs <= 1 or len(pairs) <= 1:
        for nb, target in pairs:
            yield pdf_task(nb, target, cache_dir, **options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=skip_iri_grammar) as pool:
        futures = [pool.submit(pdf_task, nb, target, cache_dir, **options) for nb, target in pairs]
        for future in as_completed(futures):
            yield future.result()
