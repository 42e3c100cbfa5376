"""The repo's own promises: one dependency list, clean notebooks, the two commands."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_installs_the_package_and_declares_nothing_else():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # Python itself, at a version the package accepts, and pip; nothing more from conda
    names = sorted(re.split(r"[=<>]", d)[0] for d in conda)
    assert names == ["pip", "python"], f"environment.yml declares extra conda packages: {conda}"
    python = next(d for d in conda if d.startswith("python"))
    required = _pyproject()["project"]["requires-python"]
    assert required == ">=3.11" and python.split("=")[1] >= "3.11"
    # the pip section installs this package with its test extra, and nothing else
    assert pip == ["-e .[test]"], f"the pip section must only install the package: {pip}"
    assert set(_pyproject()["project"]["optional-dependencies"]) >= {"test"}


def test_pyproject_declares_the_course_stack():
    deps = {re.split(r"[<>=\[ ;]", d)[0].lower() for d in _pyproject()["project"]["dependencies"]}
    wanted = {
        "jupyterlab", "pandas", "seaborn", "scikit-learn", "ipywidgets", "papermill",
        "nbconvert", "nbgrader", "lifetimes", "mlxtend", "tqdm",
    }  # fmt: skip
    assert wanted <= deps, f"missing: {sorted(wanted - deps)}"
    extra = {
        re.split(r"[<>=\[ ;]", d)[0].lower()
        for d in _pyproject()["project"]["optional-dependencies"]["test"]
    }
    assert {"pytest", "pytest-xdist", "hypothesis", "ruff"} <= extra


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} has outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"


def test_readme_opens_with_the_two_commands_and_ci_calls_make_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:\w+)?\n(.*?)```", readme, re.S)
    assert blocks, "README.md has no code block"
    first = [ln.split("#")[0].strip() for ln in blocks[0].splitlines() if ln.strip()]
    assert first == ["make course", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^test:", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
