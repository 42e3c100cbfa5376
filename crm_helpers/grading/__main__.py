"""``python -m crm_helpers.grading _launch CFG -- KERNEL...`` (a cold kernel's launcher)
or ``_grade_one TASK.json`` (one submission by hand)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:  # pragma: no cover - subprocess entry points
    if argv and argv[0] == "_launch":
        from .sandbox import launch_kernel

        launch_kernel(json.loads(argv[1]), argv[3:])
        return 0
    if argv and argv[0] == "_grade_one":
        from .batch import grade_task

        grade_task(json.loads(Path(argv[1]).read_text()))
        return 0
    print("usage: python -m crm_helpers.grading_cli ...", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
