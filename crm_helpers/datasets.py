"""Data access (数据读取): the only module of the package that reads files.

Every loader returns a transaction table in the course schema (see :mod:`crm_helpers.schema`):
one row per receipt line with ``customer_id``, ``receipt_id``, ``timestamp``, ``sku``,
``quantity``, ``unit_price`` and ``amount``. The notebooks call one entry point,
:func:`load_transactions`, through their ``data_source`` parameter:

==================  ==============================================================
data_source         what it loads
==================  ==============================================================
``"simulated"``     the simulated membership retailer (:func:`load_retailer`)
``"online_retail"`` UCI Online Retail, cleaned (:func:`load_online_retail`)
``"cdnow"``         the CDNOW sample of Fader & Hardie (:func:`load_cdnow`)
``"….csv"``, …      your own file(s), with the notebooks' ``data_options``
                    (:mod:`crm_helpers.load`; other shapes: :mod:`crm_helpers.shapes`)
==================  ==============================================================

Where the files are
-------------------
The real data sets ship in the repository's ``data/`` folder. Set the environment variable
``CRM_DATA_DIR`` to read them from another folder. The simulated retailer is cached as
parquet under ``build/data/`` in the repository (or under ``CRM_CACHE_DIR`` if set).
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from crm_helpers.load import resolve_path
from crm_helpers.results import repo_root
from crm_helpers.schema import (
    REQUIRED_COLUMNS,
    DataValidationError,
    check_choice,
    parse_dates,
    rename_columns,
    require_columns,
    validate_transactions,
)

if TYPE_CHECKING:  # pragma: no cover
    from crm_helpers.simulate import Retailer

__all__ = [
    "DATA_SOURCES",
    "CleaningResult",
    "data_dir",
    "cache_dir",
    "load_transactions",
    "check_named_source",
    "load_online_retail",
    "load_bank_marketing",
    "load_cfpb_complaints",
    "load_en_reviews",
    "load_zh_reviews",
    "clean_online_retail",
    "load_cdnow",
    "load_wholesale_customers",
    "load_iranian_churn",
    "read_transactions_csv",
    "load_retailer",
]

#: The named data sources :func:`load_transactions` accepts (besides a path to a CSV file).
DATA_SOURCES: tuple[str, ...] = ("simulated", "online_retail", "cdnow")

_ONLINE_RETAIL_FILE = Path("online_retail") / "online_retail.csv.gz"
_ONLINE_RETAIL_COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
_ID_COLUMNS = ("customer_id", "receipt_id", "sku", "store_id")
_CSV_SUFFIXES = (".csv", ".csv.gz")
_ROWS_IN_FILE = (
    "(Rows count from 0 at the first line after the header: row 0 is line 2 of the file, "
    "as a spreadsheet numbers it.)"
)


# --------------------------------------------------------------------------- folders


def data_dir() -> Path:
    """The folder the real data sets are read from.

    ``$CRM_DATA_DIR`` if that environment variable is set, otherwise the repository's
    ``data/`` folder. The folder is not checked here; the loaders say what is missing.

    >>> data_dir().name == "data" or "CRM_DATA_DIR" in os.environ
    True
    """
    env = os.environ.get("CRM_DATA_DIR")
    return Path(env).expanduser() if env else repo_root() / "data"


def cache_dir() -> Path:
    """The folder where generated data (the simulated retailer) is cached.

    ``$CRM_CACHE_DIR`` if set; otherwise ``build/data/`` in the repository, or
    ``~/.cache/crm_helpers`` when the package is installed outside a repository.
    Deleting the folder is always safe: the data are generated again when needed.

    >>> cache_dir().name in {"data", "crm_helpers"} or "CRM_CACHE_DIR" in os.environ
    True
    """
    env = os.environ.get("CRM_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if (repo_root() / "pyproject.toml").exists():
        return repo_root() / "build" / "data"
    return Path.home() / ".cache" / "crm_helpers"


def _data_file(relative: Path, what: str) -> Path:
    path = data_dir() / relative
    if not path.is_file():
        source = (
            "the CRM_DATA_DIR environment variable"
            if os.environ.get("CRM_DATA_DIR")
            else "the repository's data/ folder"
        )
        raise FileNotFoundError(
            f"The {what} data file was not found: looked for {path} (in {source}). "
            f"Either run the course from a full copy of the repository, which ships the file, "
            f"or set the environment variable CRM_DATA_DIR to a folder that contains "
            f"{relative.as_posix()}."
        )
    return path


# --------------------------------------------------------------------------- Online Retail


@dataclass(frozen=True, eq=False)
class CleaningResult:
    """A cleaned table and the record of how it was cleaned.

    Attributes
    ----------
    data:
        The cleaned table in the course schema.
    steps:
        One row per cleaning step, in order, with columns ``step``, ``reason``,
        ``rows_before``, ``rows_removed`` and ``rows_after``.
    """

    data: pd.DataFrame
    steps: pd.DataFrame

    def __repr__(self) -> str:
        rows, cols = self.data.shape
        removed = int(self.steps["rows_removed"].sum()) if len(self.steps) else 0
        return (
            f"CleaningResult(data: {rows:,} rows × {cols} columns; "
            f"{len(self.steps)} steps removed {removed:,} rows)"
        )


def _online_retail_steps(raw: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    """The cleaning rules as (step, reason, rows to keep)."""
    invoice = raw["InvoiceNo"].astype("str")
    return [
        (
            "no customer",
            "lines without a CustomerID cannot be linked to a customer",
            raw["CustomerID"].notna(),
        ),
        (
            "cancellation",
            "invoice numbers starting with 'C' cancel earlier purchases",
            ~invoice.str.upper().str.startswith("C"),
        ),
        (
            "non-positive quantity",
            "a sale needs at least one unit; Quantity ≤ 0 are returns or stock corrections",
            raw["Quantity"] > 0,
        ),
        (
            "non-positive price",
            "UnitPrice ≤ 0 are free samples or accounting adjustments, not sales",
            raw["UnitPrice"] > 0,
        ),
    ]


def clean_online_retail(raw: pd.DataFrame) -> CleaningResult:
    """Clean the raw UCI Online Retail table and map it to the course schema.

    The usual cleaning (Chen, Sain & Guo 2012), one step at a time, each recorded in
    ``.steps``: drop lines without a customer, drop cancellations (``InvoiceNo`` starting
    with ``'C'``), drop lines with quantity ≤ 0, drop lines with unit price ≤ 0. ``raw`` is
    not changed.

    Parameters
    ----------
    raw:
        The original table with columns InvoiceNo, StockCode, Description, Quantity,
        InvoiceDate, UnitPrice, CustomerID, Country (``load_online_retail(raw=True)``).

    Returns
    -------
    CleaningResult
        ``.data``: customer_id (int64), receipt_id and sku (text), timestamp, description,
        quantity, unit_price, amount (= quantity × unit_price) and country, validated with
        :func:`~crm_helpers.schema.validate_transactions`; ``.steps``: one row per step.

    Raises
    ------
    DataValidationError
        If a raw column is missing, or the cleaned table does not fit the schema.

    Examples
    --------
    >>> raw = pd.DataFrame({
    ...     "InvoiceNo": ["536365", "536365", "C536379", "536380", "536381"],
    ...     "StockCode": ["85123A", "71053", "D", "22728", "22139"],
    ...     "Description": ["HEART T-LIGHT HOLDER", "METAL LANTERN", "Discount",
    ...                     "ALARM CLOCK", "RETROSPOT TEA SET"],
    ...     "Quantity": [6, 6, -1, 24, 0],
    ...     "InvoiceDate": pd.to_datetime(["2010-12-01 08:26", "2010-12-01 08:26",
    ...                                    "2010-12-01 09:41", "2010-12-01 09:41",
    ...                                    "2010-12-01 09:45"]),
    ...     "UnitPrice": [2.55, 3.39, 27.5, 3.75, 4.95],
    ...     "CustomerID": [17850.0, 17850.0, 14527.0, None, 15311.0],
    ...     "Country": ["United Kingdom"] * 5})
    >>> result = clean_online_retail(raw)
    >>> result.steps[["step", "rows_removed", "rows_after"]]
                        step  rows_removed  rows_after
    0            no customer             1           4
    1           cancellation             1           3
    2  non-positive quantity             1           2
    3     non-positive price             0           2
    >>> result.data[["customer_id", "receipt_id", "sku", "amount"]]
       customer_id receipt_id     sku  amount
    0        17850     536365  85123A   15.30
    1        17850     536365   71053   20.34
    """
    require_columns(raw, _ONLINE_RETAIL_COLUMNS, "Online Retail")
    keep = pd.Series(True, index=raw.index)
    rows = []
    for step, reason, rule in _online_retail_steps(raw):
        before = int(keep.sum())
        keep = keep & rule.fillna(False).astype(bool)
        after = int(keep.sum())
        rows.append((step, reason, before, before - after, after))
    steps = pd.DataFrame(
        rows, columns=["step", "reason", "rows_before", "rows_removed", "rows_after"]
    )
    return CleaningResult(data=_online_retail_to_schema(raw.loc[keep]), steps=steps)


def _online_retail_to_schema(lines: pd.DataFrame) -> pd.DataFrame:
    timestamp = lines["InvoiceDate"]
    if not pd.api.types.is_datetime64_any_dtype(timestamp):
        timestamp = pd.to_datetime(timestamp)
    quantity = lines["Quantity"].astype("float64")
    unit_price = lines["UnitPrice"].astype("float64")
    out = pd.DataFrame(
        {
            "customer_id": lines["CustomerID"].astype("int64"),
            "receipt_id": lines["InvoiceNo"].astype("str"),
            "timestamp": timestamp,
            "sku": lines["StockCode"].astype("str"),
            "description": lines["Description"],
            "quantity": quantity,
            "unit_price": unit_price,
            "amount": quantity * unit_price,
            "country": lines["Country"],
        }
    ).reset_index(drop=True)
    return validate_transactions(out, table="Online Retail")


def load_online_retail(*, raw: bool = False) -> pd.DataFrame:
    """UCI Online Retail: every invoice line of a UK online gift retailer, 2010-12-01 to
    2011-12-09 (Chen, Sain & Guo 2012; CC BY 4.0).

    Parameters
    ----------
    raw:
        ``True``: the original 8 columns as shipped (541,909 lines, 25,900 invoices,
        4,372 customers, including cancellations and lines without a customer).
        ``False`` (default): the cleaned table in the course schema, see
        :func:`clean_online_retail` (397,884 lines, 4,338 customers, revenue
        8,911,407.90 pounds sterling).

    Raises
    ------
    FileNotFoundError
        If ``data/online_retail/online_retail.csv.gz`` is not there (see :func:`data_dir`).

    Examples
    --------
    >>> tx = load_online_retail()  # doctest: +SKIP
    >>> tx["customer_id"].nunique(), round(tx["amount"].sum(), 2)  # doctest: +SKIP
    (4338, 8911407.9)
    """
    path = _data_file(_ONLINE_RETAIL_FILE, "Online Retail")
    table = pd.read_csv(
        path, dtype={"InvoiceNo": str, "StockCode": str}, parse_dates=["InvoiceDate"]
    )
    return table if raw else clean_online_retail(table).data


# --------------------------------------------------------------------------- CDNOW


def _lifetimes_datasets() -> Path:
    """The folder of data files inside the installed lifetimes package, found without
    importing lifetimes (whose import changes pandas options and warns)."""
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The CDNOW data ship with the lifetimes package, which is not installed. "
            "Install the course environment (pip install -e .) or run: pip install lifetimes"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "datasets"


def _read_cdnow_sample() -> pd.DataFrame:
    table = pd.read_csv(
        _lifetimes_datasets() / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"master_id": str, "date": str},
    )
    table["date"] = pd.to_datetime(table["date"], format="%Y%m%d")
    return table


def _cdnow_transactions(sample: pd.DataFrame) -> pd.DataFrame:
    sale = sample[sample["amount"] > 0]
    out = pd.DataFrame(
        {
            "customer_id": sale["customer_id"].astype("int64"),
            "receipt_id": sale.index + 1,
            "timestamp": sale["date"],
            "sku": "CD",
            "quantity": sale["quantity"].astype("float64"),
            "unit_price": sale["amount"] / sale["quantity"],
            "amount": sale["amount"].astype("float64"),
        }
    ).reset_index(drop=True)
    return validate_transactions(out, table="CDNOW")


def _cdnow_summary(monetary: bool) -> pd.DataFrame:
    folder = _lifetimes_datasets()
    if monetary:
        table = pd.read_csv(folder / "cdnow_customers_summary_with_transactions.csv")
        table.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    else:
        table = pd.read_csv(folder / "cdnow_customers_summary.csv")
        table = table.rename(columns={"ID": "customer_id"})
    return table.set_index("customer_id")


def load_cdnow(
    kind: Literal["transactions", "summary", "summary_monetary", "raw"] = "transactions",
) -> pd.DataFrame:
    """CDNOW: the repeat purchases of CDs by the 2,357 customers of Fader, Hardie & Lee
    (2005), who made their first purchase at CDNOW in the first quarter of 1997, followed
    until the end of June 1998. The data ship with the ``lifetimes`` package.

    Parameters
    ----------
    kind:
        ``"transactions"``: the course schema, one row per line of the sample file:
        customer_id, receipt_id (the line number in the file), timestamp (the date, at
        midnight), sku (always ``"CD"``), quantity (number of CDs), amount (dollars) and
        unit_price (amount / quantity). The 8 lines with a value of $0 are dropped (the
        schema needs amount > 0); each was the only purchase of its customer, so this
        table has **2,349** customers and 6,911 lines.

        ``"summary"``: lifetimes' summary of the calibration period (the first 39 weeks),
        the input Fader, Hardie & Lee fit the BG/NBD model on: index customer_id
        (1 … 2,357), columns frequency (repeat purchases), recency and T (in weeks).

        ``"summary_monetary"``: the same with monetary_value, the mean value of the repeat
        purchases (the input of the Gamma-Gamma model; 0 when there are none).

        ``"raw"``: the sample file as it is, all 6,919 lines and 2,357 customers:
        master_id (the customer's id in the full CDNOW file), customer_id, date, quantity,
        amount.

    Raises
    ------
    ValueError
        For an unknown ``kind`` (the message lists the valid ones).
    ImportError
        If ``lifetimes`` is not installed.

    Examples
    --------
    >>> load_cdnow("raw")["customer_id"].nunique()
    2357
    >>> tx = load_cdnow()
    >>> len(tx), tx["customer_id"].nunique()
    (6911, 2349)
    >>> load_cdnow("summary").head(2)
                 frequency  recency      T
    customer_id
    1                    2    30.43  38.86
    2                    1     1.71  38.86
    """
    kinds = ("transactions", "summary", "summary_monetary", "raw")
    if kind not in kinds:
        raise ValueError(f"kind must be one of {', '.join(repr(k) for k in kinds)}; got {kind!r}.")
    if kind.startswith("summary"):
        return _cdnow_summary(monetary=kind == "summary_monetary")
    sample = _read_cdnow_sample()
    return sample if kind == "raw" else _cdnow_transactions(sample)


# --------------------------------------------------------------------------- your own CSV


def _read_csv(source: Any, shown: str, kwargs: dict[str, Any]) -> pd.DataFrame:
    try:
        return pd.read_csv(source, **kwargs)
    except pd.errors.EmptyDataError as err:
        raise DataValidationError(
            f"The file{shown} is empty: it has no header line and no rows."
        ) from err
    except UnicodeDecodeError as err:
        raise DataValidationError(
            f"The file{shown} is not in the {kwargs.get('encoding', 'utf-8')} text encoding "
            f"({err.reason} at byte {err.start}). Files saved by Excel in Chinese Windows are "
            "often GBK: pass encoding='gbk' (or encoding='utf-8-sig' for UTF-8 with a BOM)."
        ) from err


def read_transactions_csv(
    path: str | os.PathLike[str] | Any,
    columns: Mapping[str, str] | None = None,
    *,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    allow_returns: bool = False,
    **read_csv_kwargs: Any,
) -> pd.DataFrame:
    """Read your own transaction CSV into the course schema (:func:`load_transactions` reads
    more kinds of file, with the notebooks' ``data_options``).

    Parameters
    ----------
    path:
        The CSV file (``.csv`` or ``.csv.gz``), or an open text buffer. Relative paths are
        read from the working directory.
    columns:
        The column mapping, from the schema's name to the name in your file, e.g.
        ``{"customer_id": "会员号", "timestamp": "下单时间"}``. Columns that already have
        the schema's name need no entry. See ``docs/data_schema.md``.
    date_format, dayfirst:
        The format of the timestamp column, e.g. ``"%d/%m/%Y %H:%M"``, or whether dates
        like ``01/12/2010`` put the day first; without either, the order is found from the
        values and never guessed (:func:`~crm_helpers.schema.parse_dates`).
    allow_returns:
        Accept negative quantities and amounts.
    **read_csv_kwargs:
        Passed to :func:`pandas.read_csv` (``sep``, ``encoding``, ``dtype``, ...).

    Returns
    -------
    DataFrame
        The validated transaction table (see :func:`~crm_helpers.schema.validate_transactions`).
        The id columns (customer_id, receipt_id, sku, store_id) are read as text so that
        leading zeros and long card numbers survive; pass ``dtype=`` to change that.

    Raises
    ------
    FileNotFoundError
        No file at ``path`` (the message gives the full path and the working directory).
    DataValidationError
        An empty file, a file in another text encoding, a mapping that names a column the
        file does not have, a missing schema column, or values that do not fit the schema.

    Examples
    --------
    >>> import io
    >>> csv = io.StringIO(
    ...     "member,order,date,item,qty,price\\n"
    ...     "007,A1,2024-03-01 10:00,tea,2,15.0\\n"
    ...     "007,A1,2024-03-01 10:00,cup,1,30.0\\n"
    ...     "012,A2,2024-03-04 19:30,tea,1,15.0\\n")
    >>> mapping = {"customer_id": "member", "receipt_id": "order", "timestamp": "date",
    ...            "sku": "item", "quantity": "qty", "unit_price": "price"}
    >>> tx = read_transactions_csv(csv, mapping)
    >>> tx[["customer_id", "receipt_id", "sku", "amount"]]
      customer_id receipt_id  sku  amount
    0         007         A1  tea    30.0
    1         007         A1  cup    30.0
    2         012         A2  tea    15.0
    """
    mapping = dict(columns or {})
    if isinstance(path, str) and "://" in path:  # a URL: pandas reads it
        source, shown = path, f" {path!r}"
    elif isinstance(path, (str, os.PathLike)):
        source = resolve_path(path)
        shown = f" {str(path)!r}"
    else:
        source, shown = path, ""
    kwargs = dict(read_csv_kwargs)
    user_dtype = kwargs.get("dtype")
    if user_dtype is None or isinstance(user_dtype, Mapping):
        text_ids = {mapping.get(c, c): "str" for c in _ID_COLUMNS}
        kwargs["dtype"] = {**text_ids, **dict(user_dtype or {})}
    df = rename_columns(_read_csv(source, shown, kwargs), mapping, "transactions")
    needed = [c for c in REQUIRED_COLUMNS if c != "amount"]
    try:
        require_columns(df, needed, "transactions")
    except DataValidationError as err:
        raise DataValidationError(
            f"{err} Map your column names to the schema's with columns=, e.g. "
            "columns={'customer_id': 'CustomerID', 'timestamp': 'InvoiceDate'}."
        ) from None
    try:
        df["timestamp"] = parse_dates(
            df["timestamp"], dayfirst=dayfirst, date_format=date_format, table="transactions"
        )
        return validate_transactions(df, allow_returns=allow_returns)
    except DataValidationError as err:
        if "row " not in str(err):
            raise
        raise DataValidationError(f"{err} {_ROWS_IN_FILE}") from None


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
        found += [main.parent.parent / f"{n}.py" for n in names]
    return sorted({f for f in found if f.is_file()})


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
    try:
        _write_cache(retailer, folder, key)
    except OSError as err:  # a read-only repository, a full disk: still return the data
        warnings.warn(
            f"Could not cache the simulated retailer in {folder} ({err}). Set CRM_CACHE_DIR "
            "to a writable folder, or pass cache=False.",
            stacklevel=2,
        )
    return retailer


# --------------------------------------------------------------------------- other real data

_WHOLESALE_FILE = Path("wholesale_customers") / "Wholesale customers data.csv"
_CHURN_FILE = Path("iranian_churn") / "Customer Churn.csv"


def load_wholesale_customers() -> pd.DataFrame:
    """UCI Wholesale customers: 440 clients' annual spend per product category.

    Returns one row per client with ``channel`` ("Horeca" or "Retail"), ``region``
    ("Lisbon", "Oporto", "Other") and the spend columns ``fresh``, ``milk``, ``grocery``,
    ``frozen``, ``detergents_paper``, ``delicatessen`` (monetary units a year).
    Source and licence (CC BY 4.0) in ``data/README.md``.

    >>> clients = load_wholesale_customers()
    >>> clients.shape
    (440, 8)
    >>> clients["channel"].value_counts().to_dict()
    {'Horeca': 298, 'Retail': 142}
    """
    raw = pd.read_csv(_data_file(_WHOLESALE_FILE, "UCI Wholesale customers"))
    out = raw.rename(columns=lambda c: c.lower()).rename(columns={"delicassen": "delicatessen"})
    out["channel"] = out["channel"].map({1: "Horeca", 2: "Retail"})
    out["region"] = out["region"].map({1: "Lisbon", 2: "Oporto", 3: "Other"})
    return out


def load_iranian_churn() -> pd.DataFrame:
    """UCI Iranian churn: 3,150 subscribers of a telecom over 12 months, with a churn label.

    Column names are made plain snake_case (``call_failure``, ``complains``,
    ``subscription_length``, ``charge_amount``, ``seconds_of_use``, ``frequency_of_use``,
    ``frequency_of_sms``, ``distinct_called_numbers``, ``age_group``, ``tariff_plan``,
    ``status``, ``age``, ``customer_value``, ``churn``); ``churn`` is 1 for a churner.
    Source and licence (CC BY 4.0) in ``data/README.md``.

    >>> churn = load_iranian_churn()
    >>> churn.shape
    (3150, 14)
    >>> sorted(churn["churn"].unique().tolist())
    [0, 1]
    """
    raw = pd.read_csv(_data_file(_CHURN_FILE, "UCI Iranian churn"))
    return raw.rename(columns=lambda c: "_".join(c.lower().split()))


_BANK_FILES = {
    "full": Path("bank_marketing") / "bank-full.csv.gz",
    "sample": Path("bank_marketing") / "bank.csv",
}
_CFPB_FILE = Path("cfpb_complaints") / "complaints_sample.csv"
_EN_REVIEW_FILES = {
    "amazon": Path("en_reviews") / "amazon_cells_labelled.txt",
    "yelp": Path("en_reviews") / "yelp_labelled.txt",
    "imdb": Path("en_reviews") / "imdb_labelled.txt",
}
_ZH_REVIEW_FILES = {
    "waimai": Path("zh_reviews") / "waimai_10k.csv",
    "online_shopping": Path("zh_reviews") / "online_shopping_10_cats_sample.csv",
}


def load_bank_marketing(kind: Literal["full", "sample"] = "full") -> pd.DataFrame:
    """UCI Bank Marketing: a Portuguese bank's telephone campaigns for term deposits.

    ``kind="full"`` is ``bank-full.csv`` (45,211 contacts, May 2008 – Nov 2010);
    ``kind="sample"`` is ``bank.csv`` (4,521 contacts, a 10 % sample). The 17 columns are
    the UCI ones (``age``, ``job``, ``marital``, ``education``, ``default``, ``balance``,
    ``housing``, ``loan``, ``contact``, ``day``, ``month``, ``duration``, ``campaign``,
    ``pdays``, ``previous``, ``poutcome``, ``y``); ``y`` is "yes" when the client
    subscribed. Source and licence (CC BY 4.0, cite Moro et al. 2014) in ``data/README.md``.

    >>> bank = load_bank_marketing("sample")
    >>> bank.shape
    (4521, 17)
    >>> round(float((bank["y"] == "yes").mean()), 4)
    0.1152
    """
    check_choice("kind", kind, tuple(_BANK_FILES))
    return pd.read_csv(_data_file(_BANK_FILES[kind], "UCI Bank Marketing"), sep=";")


def load_cfpb_complaints() -> pd.DataFrame:
    """A sample of 6,623 US CFPB consumer complaints (2015-04 – 2020-03).

    Column names are made snake_case without punctuation (``date_received``, ``product``,
    ``sub_product``, ``issue``, ``sub_issue``, ``consumer_complaint_narrative``,
    ``company_public_response``, ``company``, ``state``, ``zip_code``, ``tags``,
    ``consumer_consent_provided``, ``submitted_via``, ``date_sent_to_company``,
    ``company_response_to_consumer``, ``timely_response``, ``consumer_disputed``,
    ``complaint_id``); the two dates are parsed. US public domain; see ``data/README.md``.

    >>> complaints = load_cfpb_complaints()
    >>> complaints.shape
    (6623, 18)
    >>> complaints["timely_response"].value_counts().to_dict()
    {'Yes': 6529, 'No': 94}
    """
    raw = pd.read_csv(_data_file(_CFPB_FILE, "CFPB consumer complaints sample"))
    out = raw.rename(
        columns=lambda c: "_".join(c.lower().replace("?", "").replace("-", " ").split())
    )
    for col in ("date_received", "date_sent_to_company"):
        out[col] = pd.to_datetime(out[col], format="%Y-%m-%d")
    return out


def load_en_reviews(sources: tuple[str, ...] = ("amazon", "yelp", "imdb")) -> pd.DataFrame:
    """UCI Sentiment Labelled Sentences: 1,000 English sentences from each of three sites.

    Returns ``text``, ``label`` (1 positive, 0 negative) and ``source`` ("amazon", "yelp",
    "imdb"), 500 of each label per source. CC BY 4.0 (Kotzias et al., KDD 2015).

    >>> reviews = load_en_reviews()
    >>> reviews.shape
    (3000, 3)
    >>> reviews.groupby("source")["label"].sum().to_dict()
    {'amazon': 500, 'imdb': 500, 'yelp': 500}
    """
    import csv

    if isinstance(sources, str):
        sources = (sources,)
    for source in sources:
        check_choice("sources", source, tuple(_EN_REVIEW_FILES))
    frames = []
    for source in sources:
        path = _data_file(_EN_REVIEW_FILES[source], "UCI Sentiment Labelled Sentences")
        part = pd.read_csv(
            path, sep="\t", header=None, names=["text", "label"], quoting=csv.QUOTE_NONE
        )
        part["text"] = part["text"].str.strip()
        part["source"] = source
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def load_zh_reviews(sources: tuple[str, ...] = ("waimai", "online_shopping")) -> pd.DataFrame:
    """Chinese reviews labelled positive or negative (SophonPlus ChineseNlpCorpus).

    ``"waimai"``: 11,987 food-delivery reviews (4,000 positive); ``"online_shopping"``:
    5,800 e-commerce reviews in 10 categories (a stratified sample of the 62,774-row
    corpus). Returns ``text``, ``label`` (1 positive, 0 negative), ``source`` and
    ``category`` (the shopping category; missing for waimai). Redistributed for research;
    the corpus has no licence file, see ``data/README.md``.

    >>> reviews = load_zh_reviews()
    >>> reviews.shape
    (17787, 4)
    >>> reviews.groupby("source")["label"].sum().to_dict()
    {'online_shopping': 3000, 'waimai': 4000}
    """
    if isinstance(sources, str):
        sources = (sources,)
    for source in sources:
        check_choice("sources", source, tuple(_ZH_REVIEW_FILES))
    frames = []
    for source in sources:
        part = pd.read_csv(_data_file(_ZH_REVIEW_FILES[source], "Chinese review corpus"))
        part = part.rename(columns={"review": "text", "cat": "category"})
        if "category" not in part:
            part["category"] = pd.NA
        part["source"] = source
        frames.append(part[["text", "label", "source", "category"]])
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- entry point


def _is_file(source: object) -> bool:
    """A path, a glob pattern or a dict of tables, rather than a named data source."""
    if isinstance(source, Mapping | os.PathLike):
        return True
    return (
        isinstance(source, str)
        and source not in DATA_SOURCES
        and (any(ch in source for ch in "/\\*?") or "." in Path(source).name)
    )


def check_named_source(data_source: object, data_options: Mapping[str, Any]) -> None:
    """Raise a ``ValueError`` for an unknown named source (with a close match), or for
    reading options given for a named source (which is already in the schema).

    >>> check_named_source("cdnow", {"columns": {}})
    >>> check_named_source("cdnow", {"sep": ";"})
    Traceback (most recent call last):
    ...
    ValueError: data_options sep only apply to your own files; data_source 'cdnow' is already in the course schema. Leave them out.
    """
    if data_source not in DATA_SOURCES:
        close = difflib.get_close_matches(str(data_source).lower(), DATA_SOURCES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"data_source must be one of {', '.join(repr(s) for s in DATA_SOURCES)}, or the "
            f"path of a file (.csv, .xlsx, ...); got {data_source!r}{hint}."
        )
    given = sorted(k for k, v in data_options.items() if v not in (None, False, {}))
    if given:
        raise ValueError(
            f"data_options {', '.join(given)} only apply to your own files; data_source "
            f"{data_source!r} is already in the course schema. Leave them out."
        )


def load_transactions(
    data_source: str | os.PathLike[str] | Mapping[str, Any] = "simulated",
    *,
    seed: int = 7,
    n_customers: int | str = 5000,
    **data_options: Any,
) -> pd.DataFrame:
    """The transaction table a notebook works on, chosen by its ``data_source`` parameter.

    Parameters
    ----------
    data_source:
        ``"simulated"`` (the simulated retailer, :func:`load_retailer`),
        ``"online_retail"`` (UCI Online Retail, cleaned), ``"cdnow"`` (CDNOW transactions),
        or your own data: the path of a file (CSV, TSV, Excel, parquet, also ``.gz``), a glob
        pattern (``"sales/*.csv"``), or a dict of table name → path (its table
        ``"transactions"`` is read).
    seed, n_customers:
        For ``"simulated"`` only.
    **data_options:
        For your own files only, the notebooks' ``data_options``: ``columns`` (the column
        mapping), ``sep``, ``decimal``, ``thousands``, ``encoding``, ``sheet``, ``dayfirst``,
        ``date_format``, ``allow_returns``; see :mod:`crm_helpers.load` and
        ``docs/data_schema.md``.

    Returns
    -------
    DataFrame
        A validated transaction table in the course schema.

    Raises
    ------
    ValueError
        An unknown ``data_source`` (the message lists the valid ones), or options given for
        a named source.
    TypeError
        An unknown option (the message lists the valid ones).

    Examples
    --------
    >>> tx = load_transactions("cdnow")
    >>> tx.columns.tolist()
    ['customer_id', 'receipt_id', 'timestamp', 'sku', 'quantity', 'unit_price', 'amount']
    >>> load_transactions("cdnnow")
    Traceback (most recent call last):
    ...
    ValueError: data_source must be one of 'simulated', 'online_retail', 'cdnow', or the path of a file (.csv, .xlsx, ...); got 'cdnnow' (did you mean 'cdnow'?).
    """
    from crm_helpers.load import check_options, read_transactions

    check_options(data_options)
    if _is_file(data_source):
        return read_transactions(data_source, **data_options)
    check_named_source(data_source, data_options)
    if data_source == "simulated":
        return load_retailer(seed=seed, n_customers=n_customers).transactions()
    if data_source == "online_retail":
        return load_online_retail()
    return load_cdnow("transactions")
