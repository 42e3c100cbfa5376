"""Warm kernels (crm_helpers._warm_kernel): a notebook run by the course runner gets a kernel
forked from a parent that already imported the chapters' libraries, and that kernel behaves
as one started from scratch: the notebook's folder, the caller's environment at launch time,
the course package from the caller's path, its own process, nothing left running after."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_notebook

from crm_helpers import _warm_kernel
from crm_helpers.runner import run_notebook

ROOT = Path(__file__).resolve().parent.parent

PROBE = """\
import json, os, sys
import crm_helpers
json.dump({"cwd": os.getcwd(), "pid": os.getpid(), "ppid": os.getppid(),
           "marker": os.environ.get("CRM_TEST_MARKER"), "package": crm_helpers.__file__,
           "pandas_preloaded": "pandas" in sys.modules, "backend": os.environ.get("MPLBACKEND"),
           "path0": sys.path[0]},
          open("probe.json", "w"))
"""


def _notebook(folder: Path, *cells: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "crm-course", "display_name": "crm", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _probe(folder: Path) -> dict:
    return json.loads((folder / "probe.json").read_text())


def test_a_warm_kernel_runs_in_the_notebooks_folder_with_the_callers_environment(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("CRM_WARM_KERNELS", "1")
    first, second = tmp_path / "a", tmp_path / "b" / "deeper"
    monkeypatch.setenv("CRM_TEST_MARKER", "one")
    run_notebook(_notebook(first, PROBE), tmp_path / "out1.ipynb")
    monkeypatch.setenv("CRM_TEST_MARKER", "two")  # set after the warm parent started
    run_notebook(_notebook(second, PROBE), tmp_path / "out2.ipynb")
    one, two = _probe(first), _probe(second)
    assert (one["cwd"], two["cwd"]) == (str(first), str(second))
    assert (one["marker"], two["marker"]) == ("one", "two")
    assert one["pid"] != two["pid"] and one["ppid"] == two["ppid"] != os.getpid()  # forked
    assert two["pandas_preloaded"]
    assert Path(two["package"]).resolve() == (ROOT / "crm_helpers" / "__init__.py").resolve()
    assert two["backend"] == "module://matplotlib_inline.backend_inline"
    assert Path(two["path0"]).resolve() != (ROOT / "crm_helpers").resolve()
    for pid in (one["pid"], two["pid"]):  # each kernel ended with its notebook
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_kernels_start_from_scratch_when_told_or_when_the_path_differs(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WARM_KERNELS", "0")
    run_notebook(_notebook(tmp_path / "a", PROBE), tmp_path / "out.ipynb")
    assert _probe(tmp_path / "a")["ppid"] == os.getpid()  # launched by this process
    monkeypatch.setenv("CRM_WARM_KERNELS", "1")
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    assert _warm_kernel.launch(cmd, None, {**os.environ, "MPLBACKEND": "agg"}) is None
    assert _warm_kernel.launch(["/bin/sh", "-c", "true"], None, None) is None


def test_the_warm_parent_and_its_kernels_end_with_the_process_that_started_them(tmp_path):
    nb = _notebook(tmp_path / "a", PROBE)
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["CRM_WARM_KERNELS"] = "1"
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from crm_helpers.runner import run_notebook
        run_notebook(Path({str(nb)!r}), Path({str(tmp_path / "out.ipynb")!r}))
        print(os.getpid())
        os._exit(0)  # no clean-up: the parent notices its stdin closing
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=600)
    probe = _probe(tmp_path / "a")
    parent = probe["ppid"]
    deadline = time.monotonic() + 60
    while Path(f"/proc/{parent}").exists() and "zombie" not in _state(parent):
        assert time.monotonic() < deadline, "the warm parent is still running a minute later"
        time.sleep(0.2)


def test_a_chapter_records_the_same_results_in_a_warm_kernel_as_from_scratch(tmp_path, monkeypatch):
    params = {"seed": 5, "n_customers": 300, "include_online_retail": False}
    recorded = {}
    for warm in ("0", "1"):
        monkeypatch.setenv("CRM_WARM_KERNELS", warm)
        out = tmp_path / warm
        run_notebook(ROOT / "notebooks" / "01_overview.ipynb", out / "01.ipynb",
                     {**params, "output_dir": str(out / "results")})  # fmt: skip
        results = json.loads((out / "results" / "results.json").read_text(encoding="utf-8"))
        tables = {name: pd.read_csv(out / "results" / t["file"])
                  for name, t in results["tables"].items()}  # fmt: skip
        recorded[warm] = (results["values"], tables)
    (cold, cold_tables), (warm, warm_tables) = recorded["0"], recorded["1"]
    # equal up to the last bits of a sum (DuckDB adds on several threads, in any order)
    flat_cold, flat_warm = dict(_leaves(cold)), dict(_leaves(warm))
    assert flat_warm.keys() == flat_cold.keys()
    differ = [k for k, v in flat_cold.items() if not _same(v, flat_warm[k])]
    assert not differ, {k: (flat_cold[k], flat_warm[k]) for k in differ}
    assert warm_tables.keys() == cold_tables.keys()
    for name, table in cold_tables.items():
        pd.testing.assert_frame_equal(warm_tables[name], table, rtol=1e-12, obj=name)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path, value


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b


def test_a_notebook_that_ends_its_kernel_fails_instead_of_waiting(tmp_path, monkeypatch):
    """``os._exit`` or a signal in a cell: the run fails with ``DeadKernelError`` (the kernel
    client is asynchronous, so nbclient's liveness poll runs while it waits for output; a
    blocking client waited for ever). Run in a thread so that a regression fails the test
    instead of hanging the suite."""
    import threading

    from nbclient.exceptions import DeadKernelError

    monkeypatch.setenv("CRM_WARM_KERNELS", "1")
    outcome: list[BaseException | None] = []
    for n, code in enumerate(
        ("import os\nos._exit(3)", "import os, signal\nos.kill(os.getpid(), 9)")
    ):
        nb = _notebook(tmp_path / str(n), "x = 1", code, "print('not reached')")

        def run(nb: Path = nb, n: int = n) -> None:
            try:
                run_notebook(nb, tmp_path / f"out{n}.ipynb")
                outcome.append(None)
            except BaseException as err:  # noqa: BLE001 - the outcome is the test's subject
                outcome.append(err)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(timeout=300)  # a guard against hanging, not a speed limit
        assert not worker.is_alive(), f"the run still waits for a dead kernel: {code!r}"
        assert isinstance(outcome[-1], DeadKernelError), outcome[-1]
