"""Where the data files are: the data and cache folders, and the file constants."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from crm_helpers.results import repo_root

if TYPE_CHECKING:  # pragma: no cover
    pass


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
    """The folder where generated data (the simulated retailer) is cached, and a Parquet
    copy of the Online Retail CSV (``online_retail/``, read 4x faster than the CSV).

    ``$CRM_CACHE_DIR`` if set; otherwise ``build/data/`` in the repository, or
    ``~/.cache/crm_helpers`` when the package is installed outside a repository.
    Deleting the folder is always safe: the data are generated or read again when needed.

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
