"""Measure the house: the renovation's figures for crm_helpers and the notebooks.

    python tools/house.py            # the figures and the offenders
    python tools/house.py --json     # the figures as JSON (for tests and notes)

Figures (issue "Renovation: one clear house"):
- modules over 600 lines; functions over 50 lines (whole package);
- import cycles between the package's modules, lazy imports inside functions included;
- imports from the data layer (schema, datasets, simulate, extensions, loading, _catalogue)
  into analysis modules;
- notebook code cells outside answers and tests with more than 15 lines of code;
- functions or classes defined in notebook cells outside exercise answers;
- how many modules define ``gains_table``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "crm_helpers"
NOTEBOOKS = ROOT / "notebooks"
DATA_LAYER = ("_catalogue", "schema", "datasets", "simulate", "extensions", "load", "data")
BASE = ("results", "_duck")  # small utilities every layer may use
TOOLS_ON_TOP = ("grading", "report", "course", "cli", "grading_cli", "_zygote", "checks")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, current: str, is_pkg: bool, known: set[str]) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = current.split(".")
        keep = len(parts) - node.level + (1 if is_pkg else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    subs = [f"{base}.{a.name}" for a in node.names]
    return subs if all(s in known for s in subs) else [base, *subs]


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The package modules a module imports, anywhere in it (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
    return {
        "modules_over_600": big,
        "functions_over_50": len(longf),
        "long_functions": longf,
        "import_cycles": cycles(graph),
        "data_layer_imports_analysis": data_up,
        "long_notebook_cells": long_cells,
        "notebook_definitions": defs,
        "gains_table_definitions": gains,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    fig = measure()
    if args.json:
        print(json.dumps(fig, ensure_ascii=False, indent=1))
        return 0
    print(f"modules over 600 lines:        {len(fig['modules_over_600'])}")
    for m, n in sorted(fig["modules_over_600"].items(), key=lambda kv: -kv[1]):
        print(f"    {m} ({n})")
    print(f"functions over 50 lines:       {fig['functions_over_50']}")
    print(f"import cycles:                 {len(fig['import_cycles'])}")
    for c in fig["import_cycles"]:
        print("    " + " <-> ".join(c))
    print(f"data layer -> analysis/top:    {len(fig['data_layer_imports_analysis'])}")
    for e in fig["data_layer_imports_analysis"]:
        print("    " + e)
    print(f"long notebook cells (>15):     {len(fig['long_notebook_cells'])}")
    print(f"definitions in notebook cells: {len(fig['notebook_definitions'])}")
    for d in fig["notebook_definitions"]:
        print("    " + d)
    print(f"gains_table definitions:       {len(fig['gains_table_definitions'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
