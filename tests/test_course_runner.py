"""The course runner's scheduling: notebooks in parallel worker processes (issue 21)."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from crm_helpers import course, runner


def _notebook(path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("label = 'default'")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {
        "name": course.KERNEL_NAME,
        "language": "python",
        "display_name": "Python",
    }
    nbformat.write(nb, path)


def _outputs(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps([cell.get("outputs", []) for cell in nb.cells])


@pytest.mark.xdist_group("notebooks")
def test_two_jobs_run_every_notebook_and_report_a_failure(tmp_path, capsys):
    bad, good = tmp_path / "01_bad.ipynb", tmp_path / "02_ok.ipynb"
    _notebook(bad, "raise ValueError('planted failure')")
    _notebook(good, "print('chapter', 6 * 7, label)")
    out, pdf = tmp_path / "out", tmp_path / "pdf"
    code = course.main(["run", str(bad), str(good), "--jobs", "2", "--output", str(out), "--pdf",
                        "--pdf-output", str(pdf)])  # fmt: skip
    assert code == 1  # the failure is reported, and the other notebook still ran
    assert "chapter 42 default" in _outputs(out / good.name)
    assert sorted(p.name for p in pdf.glob("*.pdf")) == ["02_ok.pdf"]  # its PDF, queued after it
    assert list(runner.read_durations(out)) == ["02_ok.ipynb"]  # the next run's order
    captured = capsys.readouterr()
    assert "01_bad.ipynb: FAILED: PapermillExecutionError" in captured.out + captured.err
    assert "1 notebook(s) failed: 01_bad.ipynb" in captured.err
    assert "with 2 job(s)" in captured.out


def test_jobs_must_be_positive(tmp_path, capsys):
    nb = tmp_path / "01_x.ipynb"
    _notebook(nb, "1")
    assert course.main(["run", str(nb), "--jobs", "0", "--output", str(tmp_path)]) == 2
    assert "--jobs must be at least 1; got 0" in capsys.readouterr().err


def test_longest_notebook_starts_first_by_last_run_time_else_code_cells(tmp_path):
    for name, cells in [("01_short", 1), ("02_long", 4), ("03_mid", 2)]:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(f"x = {i}") for i in range(cells)]
        nb.cells.append(nbformat.v4.new_markdown_cell("# not counted"))
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    paths = sorted(tmp_path.glob("*.ipynb"))
    assert [p.stem for p in runner.longest_first(paths, {})] == ["02_long", "03_mid", "01_short"]
    runner.record_durations(tmp_path, {"01_short.ipynb": 30.0})
    runner.record_durations(tmp_path, {"03_mid.ipynb": 0.5})  # merged, not replaced
    history = runner.read_durations(tmp_path)
    assert history == {"01_short.ipynb": 30.0, "03_mid.ipynb": 0.5}
    order = runner.longest_first(paths, history)
    assert [p.stem for p in order] == ["01_short", "02_long", "03_mid"]
    (tmp_path / runner.DURATIONS_FILE).write_text("not json")
    assert runner.read_durations(tmp_path) == {}


def test_notebooks_still_validate_without_the_iri_grammar():
    """skip_iri_grammar drops only jsonschema's optional iri check: nbformat still reads and
    validates notebooks and still rejects a broken one."""
    code = (
        "import sys\n"
        "from crm_helpers.runner import skip_iri_grammar\n"
        "skip_iri_grammar()\n"
        "import nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]))\n"
        "try:\n"
        "    nbformat.validate({'cells': [{'cell_type': 'code', 'metadata': {}}], 'metadata': {},"
        " 'nbformat': 4, 'nbformat_minor': 4})\n"
        "except nbformat.ValidationError:\n"
        "    print('rejected')\n"
        "print(sys.modules['rfc3987_syntax'] is None, 'jsonschema' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["rejected", "True", "True"]


def test_one_job_starts_the_warm_parent_before_the_first_notebook(tmp_path, monkeypatch):
    """One at a time, as in a worker: the libraries' import (the warm-kernel parent) is the
    run's set-up, finished before the first notebook's clock starts; nothing to run, no
    parent."""
    from crm_helpers import _warm_kernel

    events: list[str] = []
    monkeypatch.setattr(_warm_kernel, "prepare", lambda kernel: events.append(f"prepare {kernel}"))

    def execute(nb, out, params, kernel):
        events.append(f"run {nb.name}")
        return f"{nb.name}: ok in 0.1 s", True, 0.1

    monkeypatch.setattr(runner, "execute_task", execute)
    paths = [tmp_path / "01_a.ipynb", tmp_path / "02_b.ipynb"]
    for p in paths:
        _notebook(p, "1")
    assert [ok for _, ok in runner.run_jobs(paths, 1, tmp_path / "out", {}, "k")] == [True, True]
    assert events == ["prepare k", "run 01_a.ipynb", "run 02_b.ipynb"]
    events.clear()
    assert list(runner.run_jobs([], 1, tmp_path / "out", {}, "k")) == []
    assert events == []
