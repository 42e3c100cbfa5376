"""Measure the house: the renovation's figures for crm_helpers and the notebooks.

    python tools/house.py            # the figures and the offenders
    python tools/house.py --json     # the figures as JSON (for tests and notes)

Figures (issue "Renovation: one clear house"):
- modules over 600 lines; functions over 50 lines (whole package);
- import cycles between the package's modules, lazy imports inside functions included;
- imports from the data layer (schema, datasets, simulate, extensions, loading, _catalogue, _fingerprint)
  into analysis modules;
- notebook code cells outside answers and tests with more than 15 lines of code;
- functions or classes defined in notebook cells outside exercise answers;
- how many modules define ``gains_table``; what ``_catalogue`` (the bottom layer) imports
  from the rest of the package;
- one implementation per idea: the analysis-date rule ("day after the last receipt") written
  outside ``timeframe`` (modules and notebook cells), ``as_of`` parsers, cleaning result
  types, ``plot_gains`` definitions;
- private helpers (``_name``) imported from another top-level module of the package.

Each figure is printed with the issue's target; the last line says whether all are met.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "crm_helpers"
NOTEBOOKS = ROOT / "notebooks"
DATA_LAYER = (
    "_catalogue",
    "_atomic",
    "schema",
    "datasets",
    "simulate",
    "extensions",
    "load",
    "data",
    "_fingerprint",
)
BASE = ("results", "_duck")  # small utilities every layer may use
TOOLS_ON_TOP = ("grading", "report", "course", "cli", "grading_cli", "_zygote", "checks")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _base(node: ast.ImportFrom, current: str, is_pkg: bool) -> str:
    """The absolute module a ``from ... import`` reads from."""
    if node.level == 0:
        return node.module or ""
    parts = current.split(".")
    keep = len(parts) - node.level + (1 if is_pkg else 0)
    return ".".join(parts[:keep] + ([node.module] if node.module else []))


def _resolve(node: ast.ImportFrom, current: str, is_pkg: bool, known: set[str]) -> list[str]:
    base = _base(node, current, is_pkg)
    subs = [f"{base}.{a.name}" for a in node.names]
    return subs if all(s in known for s in subs) else [base, *subs]


def _tree(path: Path) -> ast.Module:
    """``path`` parsed, once per version of the file (four measures read each module)."""
    info = path.stat()
    return _parsed(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=1024)
def _parsed(path: str, mtime_ns: int, size: int) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8"))


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The package modules a module imports, anywhere in it (functions included)."""
    tree = _tree(path)
    current = module_name(path)
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = _resolve(node, current, is_pkg, known)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant):
                names = [str(node.args[0].value)]
        for n in names:
            if n in known and n != current:
                found.add(n)
    return found


def long_functions(path: Path, limit: int = 50) -> list[tuple[str, int]]:
    tree = _tree(path)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > limit:
                out.append((node.name, n))
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _layer(mod: str) -> str:
    short = mod.split(".")[1] if "." in mod else ""
    if short in BASE:
        return "base"
    if short in DATA_LAYER:
        return "data"
    if short.startswith("plots") or short in ("widgets", "dashboard") or short in TOOLS_ON_TOP:
        return "top"
    return "analysis" if short else "package"


def notebook_figures(limit: int = 15) -> tuple[list[str], list[str]]:
    long_cells, defs = [], []
    for nb_path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") != "code":
                continue
            meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
            if meta.get("solution") or meta.get("grade"):
                continue
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                continue  # settings, not logic
            src = "".join(cell.get("source", []))
            code = [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
            if len(code) > limit:
                long_cells.append(f"{nb_path.name} cell {i} ({len(code)} lines)")
            if any(ln.lstrip().startswith(("def ", "class ")) for ln in code):
                defs.append(f"{nb_path.name} cell {i}")
    return long_cells, defs


#: The analysis-date rule written out: the last timestamp plus one day (normalised or not).
DATE_RULE = re.compile(
    r"\.max\(\)\s*(?:\.normalize\(\)\s*)?\+\s*pd\.Timedelta\(\s*days\s*=\s*1\s*\)"
)
#: The issue's targets: figure -> the largest value that meets it.
TARGETS = {
    "modules_over_600": 0,
    "functions_over_50": 15,
    "import_cycles": 0,
    "data_layer_imports_analysis": 0,
    "long_notebook_cells": 5,
    "notebook_definitions": 0,
    "gains_table_definitions": 1,
    "catalogue_imports_package": 0,
    "date_rule_outside_timeframe": 0,
    "as_of_parsers": 1,
    "cleaning_result_types": 1,
    "plot_gains_definitions": 1,
}


def date_rule_places(files: list[Path]) -> list[str]:
    """Modules (other than ``timeframe``) and notebook code cells that write the analysis-date
    rule themselves instead of calling ``crm_helpers.timeframe.analysis_date``."""
    found = [
        module_name(p)
        for p in files
        if p.name != "timeframe.py" and DATE_RULE.search(p.read_text())
    ]
    for nb_path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells", [])
        found += [
            f"{nb_path.name} cell {i}"
            for i, c in enumerate(cells)
            if c.get("cell_type") == "code" and DATE_RULE.search("".join(c.get("source", [])))
        ]
    return found


def definitions(path: Path) -> list[ast.AST]:
    """The functions and classes defined anywhere in a module."""
    tree = _tree(path)
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [n for n in ast.walk(tree) if isinstance(n, kinds)]


def _is_as_of_parser(node: ast.AST, lines: list[str]) -> bool:
    """A function that turns one value into a ``pd.Timestamp`` and refuses non-dates
    (``lines``: the module's source lines; its text is sliced from them by line numbers,
    not by ``ast.get_source_segment``, which splits the whole source again on every call)."""
    if isinstance(node, ast.ClassDef):
        return False
    text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return "pd.Timestamp(value)" in text and "must be a date" in text


def one_per_idea(files: list[Path]) -> dict[str, list[str]]:
    """Where the as_of parsers, cleaning result types and ``plot_gains`` are defined."""
    out: dict[str, list[str]] = {"as_of_parsers": [], "cleaning_result_types": [], "plot_gains": []}
    for p in files:
        source, mod = p.read_text(encoding="utf-8"), module_name(p)
        lines = source.splitlines() if "must be a date" in source else []
        for node in definitions(p):
            name = f"{mod}.{node.name}"
            if lines and _is_as_of_parser(node, lines):
                out["as_of_parsers"].append(name)
            if isinstance(node, ast.ClassDef) and node.name.startswith("Cleaning"):
                out["cleaning_result_types"].append(name)
            if node.name == "plot_gains":
                out["plot_gains"].append(name)
    return out


def private_imports(path: Path, known: set[str]) -> list[str]:
    """``from x import _name`` where ``x`` is in another top-level module of the package."""
    current = module_name(path)
    home = current.split(".")[:2]
    out = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = _base(node, current, path.name == "__init__.py")
        if not source.startswith(PACKAGE.name) or source.split(".")[:2] == home:
            continue
        out += [
            f"{current} <- {source}.{a.name}"
            for a in node.names
            if a.name.startswith("_")
            and not a.name.startswith("__")
            and f"{source}.{a.name}" not in known  # a module (_catalogue, _duck): by design
        ]
    return out


def measure() -> dict:
    files = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in files}
    graph = {module_name(p): imports_of(p, known) for p in files}
    for mod in list(graph):  # a package's __init__ is not an edge target of its own children
        graph[mod] = {m for m in graph[mod] if not mod.startswith(m + ".")}
    big = {module_name(p): n for p in files if (n := len(p.read_text().splitlines())) > 600}
    longf = [f"{module_name(p)}.{f} ({n})" for p in files for f, n in long_functions(p)]
    data_up = sorted(
        f"{a} -> {b}"
        for a, targets in graph.items()
        if _layer(a) == "data"
        for b in targets
        if _layer(b) in ("analysis", "top")
    )
    gains = [module_name(p) for p in files if "def gains_table" in p.read_text()]
    long_cells, defs = notebook_figures()
    ideas = one_per_idea(files)
    return {
        "modules_over_600": big,
        "functions_over_50": len(longf),
        "long_functions": longf,
        "import_cycles": cycles(graph),
        "data_layer_imports_analysis": data_up,
        "long_notebook_cells": long_cells,
        "notebook_definitions": defs,
        "gains_table_definitions": gains,
        "catalogue_imports_package": sorted(
            f"{a} -> {b}"
            for a, targets in graph.items()
            if a.startswith(f"{PACKAGE.name}._catalogue")
            for b in targets
            if not b.startswith(f"{PACKAGE.name}._catalogue")
        ),
        "date_rule_outside_timeframe": date_rule_places(files),
        "as_of_parsers": ideas["as_of_parsers"],
        "cleaning_result_types": ideas["cleaning_result_types"],
        "plot_gains_definitions": ideas["plot_gains"],
        "private_imports_across_modules": [e for p in files for e in private_imports(p, known)],
    }


def verdicts(fig: dict) -> dict[str, tuple[int, int, bool]]:
    """Each targeted figure as (value, target, met)."""
    out = {}
    for key, target in TARGETS.items():
        value = fig[key] if isinstance(fig[key], int) else len(fig[key])
        out[key] = (value, target, value <= target)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    fig = measure()
    if args.json:
        print(json.dumps(fig, ensure_ascii=False, indent=1))
        return 0
    checks = verdicts(fig)
    for key, (value, target, met) in checks.items():
        label = key.replace("_", " ")
        print(f"{label:<34} {value:>4}   (target ≤ {target}{'' if met else ', NOT MET'})")
        items = fig[key]
        if isinstance(items, dict):
            items = [f"{m} ({n})" for m, n in sorted(items.items(), key=lambda kv: -kv[1])]
        elif key == "import_cycles":
            items = [" <-> ".join(c) for c in items]
        elif key == "functions_over_50":
            items = fig["long_functions"]
        if isinstance(items, list) and (not met or key != "gains_table_definitions"):
            for item in items if not met or len(items) <= 12 else []:
                print("    " + str(item))
    private = fig["private_imports_across_modules"]
    print(f"{'private imports across modules':<34} {len(private):>4}   (no target; to watch)")
    for item in private:
        print("    " + item)
    print("all targets met:", "yes" if all(m for _, _, m in checks.values()) else "no")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
