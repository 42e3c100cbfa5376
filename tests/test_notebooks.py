"""Every notebook in notebooks/ runs top to bottom with small parameters, in-process.

The harness discovers the notebooks; a chapter adds assertions on what it recorded by
shipping ``tests/notebook_checks/check_<stem>.py`` (see the package docstring there).
Nothing here needs changing when a chapter is added.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import nbformat
import pytest

from crm_helpers.course import KERNEL_NAME, check_kernel, notebook_parameters, run_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: Small parameters for a quick run; a seed other than the default exposes hard-coded answers.
SMALL = {"seed": 3, "n_customers": 800}


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_the_kernel_is_this_environment():
    check_kernel(KERNEL_NAME)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_records_its_results(notebook: Path, tmp_path: Path):
    declared = notebook_parameters(notebook)
    for name in ("seed", "n_customers", "data_source", "output_dir"):
        assert name in declared, f"{notebook.name}: the parameters cell lacks {name!r}"
    out = tmp_path / "outputs"
    params = {**SMALL, "output_dir": str(out)}
    executed = run_notebook(notebook, tmp_path / notebook.name, params)

    nb = nbformat.read(executed, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["chapter"] == notebook.stem
    assert results["values"], "the notebook recorded no results"
    for name, table in results["tables"].items():
        assert (out / table["file"]).exists(), f"table {name} was recorded but not written"

    try:
        module = importlib.import_module(f"notebook_checks.check_{notebook.stem}")
    except ModuleNotFoundError:
        return
    module.check(results, {**declared, **params}, out)


def test_a_chapter_runs_on_your_own_csv(tmp_path: Path):
    """The `data_source` promise: a user's CSV with their own column names, mapped through
    the `data_options` parameter, runs chapter 01 and gives the same indicators."""
    import pandas as pd
    import pytest

    import crm_helpers as crm

    tx = crm.simulate_retailer(300, seed=11).transactions()
    mapping = {
        "customer_id": "会员号", "receipt_id": "小票号", "timestamp": "销售时间",
        "sku": "商品编码", "quantity": "数量", "unit_price": "单价", "amount": "金额",
    }  # fmt: skip
    csv = tmp_path / "my_sales.csv"
    tx.rename(columns={k: v for k, v in mapping.items()})[list(mapping.values())].to_csv(
        csv, index=False
    )
    out = tmp_path / "outputs"
    params = {"data_source": str(csv), "data_options": {"columns": mapping}, "output_dir": str(out)}
    run_notebook(ROOT / "notebooks" / "01_overview.ipynb", tmp_path / "01.ipynb", params)
    summary = json.loads((out / "results.json").read_text(encoding="utf-8"))["values"]["summary"]
    receipts = tx.groupby("receipt_id")["amount"].sum()
    assert summary["total_sales"] == pytest.approx(tx["amount"].sum(), rel=1e-9)
    assert summary["visits"] == len(receipts)
    assert summary["max_basket"] == pytest.approx(receipts.max())
    assert isinstance(pd.read_csv(out / "indicators_week.csv"), pd.DataFrame)
