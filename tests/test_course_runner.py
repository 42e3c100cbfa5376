"""The course runner's scheduling: notebooks in parallel worker processes (issue 21)."""

from __future__ import annotations

import json

import nbformat
import pytest

from crm_helpers import course


def _notebook(path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("label = 'default'")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": course.KERNEL_NAME, "language": "python"}
    nbformat.write(nb, path)


def _outputs(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps([cell.get("outputs", []) for cell in nb.cells])


@pytest.mark.xdist_group("notebooks")
def test_two_jobs_run_every_notebook_and_report_a_failure(tmp_path, capsys):
    bad, good = tmp_path / "01_bad.ipynb", tmp_path / "02_ok.ipynb"
    _notebook(bad, "raise ValueError('planted failure')")
    _notebook(good, "print('chapter', 6 * 7, label)")
    out = tmp_path / "out"
    code = course.main(["run", str(bad), str(good), "--jobs", "2", "--output", str(out)])
    assert code == 1  # the failure is reported, and the other notebook still ran
    assert "chapter 42 default" in _outputs(out / good.name)
    captured = capsys.readouterr()
    assert "01_bad.ipynb: FAILED: PapermillExecutionError" in captured.out + captured.err
    assert "1 notebook(s) failed: 01_bad.ipynb" in captured.err
    assert "with 2 job(s)" in captured.out


def test_jobs_must_be_positive(tmp_path, capsys):
    nb = tmp_path / "01_x.ipynb"
    _notebook(nb, "1")
    assert course.main(["run", str(nb), "--jobs", "0", "--output", str(tmp_path)]) == 2
    assert "--jobs must be at least 1; got 0" in capsys.readouterr().err
