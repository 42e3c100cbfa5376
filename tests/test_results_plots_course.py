"""The results recorder, Chinese text in plots, and the course runner's errors."""

from __future__ import annotations

import json
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

from crm_helpers import course, plots
from crm_helpers.results import Results, to_jsonable

matplotlib.use("Agg")


def test_results_are_written_at_once_and_read_back(tmp_path):
    rec = Results(tmp_path / "out", chapter="99_test")
    rec.record("n", np.int64(5))
    rec.record("when", pd.Timestamp("2024-02-29 10:00"))
    rec.table("t", pd.DataFrame({"a": [1, 2]}))
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert data == {
        "chapter": "99_test",
        "values": {"n": 5, "when": "2024-02-29T10:00:00"},
        "tables": {"t": {"file": "t.csv", "rows": 2}},
    }
    assert pd.read_csv(tmp_path / "out" / "t.csv")["a"].tolist() == [1, 2]


def test_results_refuse_what_json_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match="Cannot record a value of type object"):
        to_jsonable(object())
    with pytest.raises(TypeError, match="needs a DataFrame; got list"):
        Results(tmp_path).table("x", [1, 2])


def test_chinese_renders_without_missing_glyphs():
    font = plots.setup_plotting()
    assert font is not None, "no CJK font: run `make setup` (installs fonts-noto-cjk)"
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("客单价与购物频率")
    ax.set_xlabel("月份 −1")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing


def test_plot_functions_return_axes_and_name_bad_columns():
    import matplotlib.pyplot as plt

    table = pd.DataFrame(
        {"period": pd.date_range("2024-01-01", periods=3, freq="MS"), "x": [1, 2, 3]}
    )
    ax = plots.plot_indicator(table, "x")
    assert ax.get_ylabel() == "x"
    with pytest.raises(KeyError, match="no column 'y'; it has: period, x"):
        plots.plot_indicator(table, "y")
    plt.close("all")


def test_unknown_notebook_names_the_choices():
    with pytest.raises(SystemExit, match="No notebook 'nope'. The notebooks are: 01_overview"):
        course.notebook_paths(["nope"])
    assert course.notebook_paths(["01"])[0].stem == "01_overview"


def test_kernel_pointing_elsewhere_is_refused(tmp_path, monkeypatch):
    spec = tmp_path / "kernels" / "elsewhere"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps({"argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "other", "language": "python"})
    )  # fmt: skip
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="runs /opt/other/bin/python, not this environment"):
        course.check_kernel("elsewhere")
    with pytest.raises(RuntimeError, match="is not installed"):
        course.check_kernel("no-such-kernel-here")
