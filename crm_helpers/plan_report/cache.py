"""A cache of written plan reports (方案报告缓存), keyed by everything a report is made from.

A report is a deterministic function of its :class:`~crm_helpers.plan_report.PlanContext`
(the data tables, the choices, the profile), the parts and students asked for, the course
code and the plotting and printing libraries. :func:`report_key` hashes all of them; a
report written once (HTML and PDF) is kept in ``cache_dir()/plan_report/`` under that key,
and the same report asked for again (a re-run of chapter 09 with the same seed, scale and
parameters) is copied from there instead of being drawn and printed again. Any change of
the data, a choice or the code gives another key. Deleting the folder is always safe.

>>> report_key.__name__
'report_key'
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from crm_helpers._atomic import write_atomically
from crm_helpers._fingerprint import update_with_frame

__all__ = ["report_key", "restore", "store", "cache_folder"]

_LIBRARIES = ("matplotlib", "seaborn", "pandas", "numpy", "weasyprint", "pydyf")
_MAX_ROWS = 20_000_000  # beyond this, hashing the tables would cost more than it saves


def cache_folder() -> Path:
    """The folder of cached reports: ``cache_dir()/plan_report``."""
    from crm_helpers.datasets import cache_dir

    return cache_dir() / "plan_report"


@lru_cache(maxsize=1)
def _code_and_libraries() -> str:
    """A hash of the course package's source and of the versions of the libraries that
    draw and print the report (once per process)."""
    from importlib import metadata

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    for lib in _LIBRARIES:
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=none".encode())
    return digest.hexdigest()


def _update(digest: Any, value: object) -> None:
    """Feed ``value`` (tables, series, mappings, sequences, scalars) into ``digest``."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        update_with_frame(digest, value)
    elif isinstance(value, Mapping):
        for k in sorted(value, key=str):
            digest.update(f"<{k!s}>".encode())
            _update(digest, value[k])
    elif isinstance(value, (list, tuple)):
        digest.update(f"[{len(value)}]".encode())
        for v in value:
            _update(digest, v)
    else:
        digest.update(json.dumps(value, default=repr, sort_keys=True).encode())


def report_key(ctx: object, parts: Sequence[str], students: Sequence[str] | None) -> str | None:
    """The key of the report of ``ctx`` with these ``parts`` and ``students``; ``None``
    when it cannot be computed safely (very large or unhashable tables: then no cache).

    >>> from crm_helpers.plan_report.context import PlanContext
    >>> tx = pd.DataFrame({"customer_id": [1], "amount": [2.0]})
    >>> a = PlanContext(tx=tx, members=None, truth=None, as_of=pd.Timestamp("2024-01-01"),
    ...                 preset={}, profile={})
    >>> b = dataclasses.replace(a, tx=tx.assign(amount=3.0))
    >>> report_key(a, ["group"], None) == report_key(b, ["group"], None)
    False
    """
    tables = [v for v in vars(ctx).values() if isinstance(v, pd.DataFrame)]
    if sum(len(t) for t in tables) > _MAX_ROWS:
        return None
    digest = hashlib.sha256(_code_and_libraries().encode())
    try:
        for f in dataclasses.fields(ctx):  # type: ignore[arg-type]
            digest.update(f"<{f.name}>".encode())
            _update(digest, getattr(ctx, f.name))
        _update(digest, {"parts": list(parts), "students": list(students or [])})
    except (TypeError, ValueError):  # unhashable cells (lists, dicts): no cache
        return None
    return digest.hexdigest()[:32]


def restore(key: str, files: Mapping[str, Path]) -> bool:
    """Copy the cached files of ``key`` (by kind: ``html``, ``pdf``) to ``files``; ``False``
    (and nothing copied) unless all of them are cached."""
    cached = {kind: cache_folder() / f"{key}.{kind}" for kind in files}
    if not all(p.is_file() for p in cached.values()):
        return False
    for kind, target in files.items():
        shutil.copyfile(cached[kind], target)
    return True


def store(key: str, files: Mapping[str, Path]) -> None:
    """Keep ``files`` (by kind) in the cache under ``key``, each replaced atomically; a
    cache folder that cannot be written (the grader's read-only sandbox) is skipped."""
    for kind, source in files.items():
        copied = write_atomically(
            cache_folder() / f"{key}.{kind}",
            lambda partial, source=source: shutil.copyfile(source, partial),
        )
        if not copied:
            return
