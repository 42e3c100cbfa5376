"""tools/house.py measures the renovation's figures; its parts are checked on small cases."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def test_the_measure_runs_on_the_repository():
    fig = house.measure()
    assert set(fig) >= {"modules_over_600", "functions_over_50", "import_cycles"}
    assert fig["functions_over_50"] == len(fig["long_functions"])
