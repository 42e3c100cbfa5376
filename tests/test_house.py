"""tools/house.py measures the renovation's figures; its parts are checked on small cases."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# one worker measures the repository once for the tests that read the figures
pytestmark = pytest.mark.xdist_group("house")
spec = importlib.util.spec_from_file_location("house", ROOT / "tools" / "house.py")
house = importlib.util.module_from_spec(spec)
spec.loader.exec_module(house)


def test_cycles_finds_every_strongly_connected_group_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": {"e"}, "g": set()}
    assert sorted(house.cycles(graph)) == [["a", "b", "c"], ["e", "f"]]
    assert house.cycles({"a": {"b"}, "b": set()}) == []


def test_long_functions_counts_lines_from_def_to_last_line(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(55))
    src = f"def long():\n{body}\n\ndef short():\n    return 1\n"
    path = tmp_path / "m.py"
    path.write_text(src)
    assert house.long_functions(path) == [("long", 56)]


def test_lazy_imports_inside_functions_are_edges(tmp_path, monkeypatch):
    pkg = tmp_path / "crm_helpers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(
        textwrap.dedent("""
        def f():
            from . import b
            return b
    """)
    )
    (pkg / "b.py").write_text("from crm_helpers import a\n")
    monkeypatch.setattr(house, "PACKAGE", pkg)
    known = {"crm_helpers", "crm_helpers.a", "crm_helpers.b"}
    assert house.imports_of(pkg / "a.py", known) == {"crm_helpers.b"}
    assert house.imports_of(pkg / "b.py", known) == {"crm_helpers.a"}


@pytest.fixture(scope="module")
def measured() -> dict:
    """The repository's figures, measured once for the tests that read them."""
    return house.measure()


def test_the_measure_runs_on_the_repository(measured):
    fig = measured
    assert set(fig) >= {"modules_over_600", "functions_over_50", "import_cycles"}
    assert fig["functions_over_50"] == len(fig["long_functions"])


def test_the_date_rule_pattern_finds_the_rule_written_out_and_nothing_else():
    rule = house.DATE_RULE
    assert rule.search('tx["timestamp"].max().normalize() + pd.Timedelta(days=1)')
    assert rule.search('tx["timestamp"].max() + pd.Timedelta(days=1)')
    assert rule.search("t.max() + pd.Timedelta( days = 1 )")
    assert not rule.search('tx["timestamp"].max().normalize() - pd.Timedelta(days=182)')
    assert not rule.search('tx["timestamp"].max() + pd.Timedelta(days=2)')
    assert not rule.search("crm.timeframe.analysis_date(tx)")


def _package(tmp_path, monkeypatch, files: dict[str, str]):
    pkg = tmp_path / "crm_helpers"
    for name, text in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    monkeypatch.setattr(house, "PACKAGE", pkg)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    monkeypatch.setattr(house, "NOTEBOOKS", notebooks)
    return pkg, sorted(pkg.rglob("*.py"))


def test_date_rule_places_skip_timeframe_and_markdown(tmp_path, monkeypatch):
    rule = 'end = tx["timestamp"].max().normalize() + pd.Timedelta(days=1)\n'
    pkg, files = _package(
        tmp_path,
        monkeypatch,
        {"__init__.py": "", "timeframe.py": rule, "a.py": rule, "b.py": "x = 1\n"},
    )
    cells = [
        {"cell_type": "markdown", "source": [rule]},
        {"cell_type": "code", "source": ["import pandas as pd\n"]},
        {"cell_type": "code", "source": [rule]},
    ]
    (tmp_path / "notebooks" / "01_x.ipynb").write_text(json.dumps({"cells": cells}))
    assert house.date_rule_places(files) == ["crm_helpers.a", "01_x.ipynb cell 2"]


def test_one_per_idea_lists_parsers_cleaning_types_and_plot_gains(tmp_path, monkeypatch):
    parser = """
        def to_ts(value, name):
            ts = pd.Timestamp(value)
            if ts is pd.NaT:
                raise ValueError(f"{name} must be a date")
            return ts
        def not_a_parser(value):
            return pd.Timestamp(value)
        class CleaningThing:
            pass
        def plot_gains(ax):
            return ax
    """
    pkg, files = _package(tmp_path, monkeypatch, {"__init__.py": "", "m.py": parser})
    assert house.one_per_idea(files) == {
        "as_of_parsers": ["crm_helpers.m.to_ts"],
        "cleaning_result_types": ["crm_helpers.m.CleaningThing"],
        "plot_gains": ["crm_helpers.m.plot_gains"],
    }


def test_private_imports_count_names_from_other_modules_only(tmp_path, monkeypatch):
    pkg, files = _package(
        tmp_path,
        monkeypatch,
        {
            "__init__.py": "",
            "_cat.py": "X = 1\n",
            "b.py": "_x = 1\ny = 2\n",
            "a.py": "from .b import _x, y\nfrom . import _cat\n",
            "sub/__init__.py": "",
            "sub/d.py": "_z = 1\n",
            "sub/c.py": "from .d import _z\nfrom ..b import _x as x\n",
        },
    )
    known = {house.module_name(p) for p in files}
    found = [e for p in files for e in house.private_imports(p, known)]
    assert sorted(found) == [
        "crm_helpers.a <- crm_helpers.b._x",
        "crm_helpers.sub.c <- crm_helpers.b._x",
    ]


def test_verdicts_compare_each_figure_with_the_issue_target():
    fig = {key: 0 for key in house.TARGETS}
    fig["functions_over_50"] = 16
    fig["gains_table_definitions"] = ["a", "b"]
    fig["long_notebook_cells"] = ["x"] * 5
    checks = house.verdicts(fig)
    assert checks["functions_over_50"] == (16, 15, False)
    assert checks["gains_table_definitions"] == (2, 1, False)
    assert checks["long_notebook_cells"] == (5, 5, True)
    assert checks["modules_over_600"] == (0, 0, True)


def test_the_renovation_holds_where_one_idea_has_one_home(measured):
    """The catalogue stays at the bottom, and the analysis date, the as_of parser and the
    cleaning result each have one implementation."""
    fig = measured
    assert fig["catalogue_imports_package"] == []
    assert fig["date_rule_outside_timeframe"] == []
    assert fig["as_of_parsers"] == ["crm_helpers.timeframe.parse_as_of"]
    assert len(fig["cleaning_result_types"]) == 1
