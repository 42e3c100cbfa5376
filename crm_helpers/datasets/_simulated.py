"""The simulated retailer, cached as parquet with a key on its arguments and source."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from crm_helpers.simulate import Retailer

from ._files import (
    cache_dir,
)

# --------------------------------------------------------------------------- simulated


_NOT_IN_KEY = ("progress",)  # arguments of simulate_retailer that do not change the data


# ``from .x import a, b`` / ``from crm_helpers.x import (a, b)`` anywhere in a file
_PACKAGE_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(\.[\w.]*|crm_helpers(?:\.[\w.]+)?)[ \t]+import[ \t]+"
    r"(\([^)]*\)|[^\n]*)",
    re.M,
)


def _package_imports(source: str) -> set[str]:
    """Names imported from this package (``from .x import a`` gives x and a) in ``source``.

    >>> sorted(_package_imports("from . import _catalogue as cat\\nfrom .kpi import (a,\\n b)"))
    ['_catalogue', 'a', 'b', 'kpi']
    """
    found: set[str] = set()
    for m in _PACKAGE_IMPORT.finditer(source):
        module, names = m.group(1), m.group(2).strip("()")
        if module.startswith(".."):
            continue  # outside the package
        names = re.sub(r"#[^\n]*", "", names)  # comments inside parentheses
        imported = [re.split(r"\s+as\s+", n.strip())[0] for n in names.split(",")]
        found.update(n for n in [module.split(".")[-1], *imported] if n.isidentifier())
    return found


def _parent_imports(source: str) -> set[str]:
    """Names a subpackage's module imports from the package above it (``from ..x import a``
    gives x and a); its own siblings (``from .y``) are left out.

    >>> sorted(_parent_imports("from .. import _catalogue as cat\\nfrom ._config import W"))
    ['_catalogue']
    """
    up_one = re.sub(
        r"^([ \t]*from[ \t]+)(\.+)",
        lambda m: m.group(1) + ("." if m.group(2) == ".." else ".."),
        source,
        flags=re.M,
    )
    return _package_imports(up_one)


def _simulation_sources() -> list[Path]:
    """The simulate package's files and the package modules they import (one level deep).

    The import lines are found with a regular expression, not by parsing the files (parsing
    took 50 ms of every cached load)."""
    spec = importlib.util.find_spec("crm_helpers.simulate")
    if spec is None or spec.origin is None:
        return []
    main = Path(spec.origin)
    if main.name != "__init__.py":  # a single module
        names = _package_imports(main.read_text(encoding="utf-8"))
        found = [main, *(main.parent / f"{n}.py" for n in names)]
        return sorted({f for f in found if f.is_file()})
    found = sorted(main.parent.glob("*.py"))
    for path in list(found):
        names = _parent_imports(path.read_text(encoding="utf-8"))
        found += [f for n in names for f in _module_files(main.parent.parent / n)]
    return sorted({f for f in found if f.is_file()})


def _module_files(stem: Path) -> list[Path]:
    """The files of the package module at ``stem``: ``stem.py``, or a package's ``*.py``."""
    return sorted(stem.glob("*.py")) if stem.is_dir() else [stem.with_suffix(".py")]


def _cache_key(seed: int, n_customers: int | str, kwargs: Mapping[str, Any]) -> dict[str, str]:
    """What the cached data depend on: the arguments and the simulation's source code."""
    code = hashlib.sha256()
    for path in _simulation_sources():
        code.update(path.read_bytes())
    return {
        "seed": str(seed),
        "n_customers": str(n_customers),
        "kwargs": _kwargs_repr(kwargs),
        "code_sha256": code.hexdigest(),
    }


def _kwargs_repr(kwargs: Mapping[str, Any]) -> str:
    return repr(sorted((k, v) for k, v in kwargs.items() if k not in _NOT_IN_KEY))


def _retailer_folder(seed: int, n_customers: int | str, kwargs: Mapping[str, Any]) -> Path:
    name = f"retailer-seed{seed}-n{n_customers}"
    if any(k not in _NOT_IN_KEY for k in kwargs):
        name += "-" + hashlib.sha256(_kwargs_repr(kwargs).encode()).hexdigest()[:10]
    return cache_dir() / name


def _write_cache(retailer: Retailer, folder: Path, key: dict[str, str]) -> None:
    """Write to a temporary folder, then rename it into place, so that a reader never
    sees half-written data (notebooks may run in parallel)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; a shared cache must be readable
        retailer.to_parquet(tmp)
        (tmp / "_cache_key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        if not folder.exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read_key(folder: Path) -> dict[str, str] | None:
    try:
        return json.loads((folder / "_cache_key.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_retailer(
    seed: int = 7, n_customers: int | str = 5000, *, cache: bool = True, **kwargs: Any
) -> Retailer:
    """The simulated membership retailer (模拟会员零售商).

    Calls :func:`crm_helpers.simulate.simulate_retailer`. The same ``seed``,
    ``n_customers`` and ``kwargs`` always give the same data.

    Parameters
    ----------
    seed:
        The random seed.
    n_customers:
        The number of members, or a named scale (``"tiny"``, ``"classroom"``, ...).
    cache:
        Keep the generated data as parquet in ``cache_dir()/retailer-seed{seed}-n{n}/``
        (with a short hash of ``kwargs`` appended when there are any) and read them from
        there next time. The cache is regenerated when the arguments or the source of
        the ``simulate`` package and the package modules it imports change. It does not see changes
        to extra tables registered elsewhere: after editing one, delete the folder or pass
        ``cache=False``, which always simulates afresh and writes nothing.
    **kwargs:
        Further arguments of ``simulate_retailer``.

    Returns
    -------
    Retailer
        With ``.tables`` (customers, products, stores, receipts, lines), ``.truth`` and
        ``.transactions()``, the transaction table in the course schema.

    Examples
    --------
    >>> shop = load_retailer(seed=7, n_customers=300, cache=False)
    >>> shop.transactions().columns[:3].tolist()
    ['customer_id', 'receipt_id', 'timestamp']
    """
    from crm_helpers.simulate import SCALES, Retailer, simulate_retailer

    if not cache:
        return simulate_retailer(n_customers=n_customers, seed=seed, **kwargs)
    n_customers = (
        SCALES.get(n_customers, n_customers) if isinstance(n_customers, str) else n_customers
    )
    folder = _retailer_folder(seed, n_customers, kwargs)
    key = _cache_key(seed, n_customers, kwargs)
    if folder.is_dir() and _read_key(folder) == key:
        return Retailer.from_parquet(folder)
    retailer = simulate_retailer(n_customers=n_customers, seed=seed, **kwargs)
    _try_write_cache(retailer, folder, key)
    return retailer


def _try_write_cache(retailer: Retailer, folder: Path, key: dict[str, str]) -> None:
    """Cache the retailer, or warn (for the caller of :func:`load_retailer`) if it can't."""
    try:
        _write_cache(retailer, folder, key)
    except OSError as err:  # a read-only repository, a full disk: still return the data
        warnings.warn(
            f"Could not cache the simulated retailer in {folder} ({err}). Set CRM_CACHE_DIR "
            "to a writable folder, or pass cache=False.",
            stacklevel=3,
        )
