"""`--dist loadgroup` that works on pytest 9.2 (used by conftest.py).

pytest 9.2 ignores the "@group" suffix that pytest-xdist 3.8 adds to node ids, so
`--dist loadgroup` silently spreads a group's tests over both workers (pytest-xdist#1386):
each worker then builds the module fixtures (the grading batch, the plan reports) itself.
This scheduler takes a module's group from its `pytestmark = pytest.mark.xdist_group("name")`
line instead, and still honours the suffix where it arrives (older pytest).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

_GROUP_LINE = re.compile(
    r"""^pytestmark\s*=\s*pytest\.mark\.xdist_group\(\s*["'](\w+)["']\s*\)""", re.M
)


def module_groups(folder: Path, root: Path) -> dict[str, str]:
    """{node id of a test module: its xdist group} for the modules in `folder`."""
    groups = {}
    for path in sorted(folder.glob("test_*.py")):
        found = _GROUP_LINE.search(path.read_text(encoding="utf-8"))
        if found:
            groups[path.relative_to(root).as_posix()] = found.group(1)
    return groups


def scheduler_hook(folder: Path, root: Path) -> Callable[..., object]:
    """A `pytest_xdist_make_scheduler` hook for the test modules in `folder`."""

    def pytest_xdist_make_scheduler(config, log):  # noqa: ANN001, ANN202
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadGroupScheduling

        groups = module_groups(folder, root)

        class ModuleGroupScheduling(LoadGroupScheduling):
            def _split_scope(self, nodeid: str) -> str:
                scope = super()._split_scope(nodeid)
                if scope != nodeid:  # the suffix arrived
                    return scope
                return groups.get(nodeid.split("::", 1)[0], nodeid)

        return ModuleGroupScheduling(config, log)

    return pytest_xdist_make_scheduler
