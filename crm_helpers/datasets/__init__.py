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
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from crm_helpers.load import resolve_path  # noqa: F401
from crm_helpers.results import repo_root  # noqa: F401
from crm_helpers.schema import (  # noqa: F401
    REQUIRED_COLUMNS,
    DataValidationError,
    check_choice,
    parse_dates,
    rename_columns,
    require_columns,
    validate_transactions,
)

# Every name of the former single module stays importable from here (re-exports).
from ._cdnow import load_cdnow  # noqa: F401
from ._cleaning_report import CleaningReport  # noqa: F401
from ._csv import read_transactions_csv  # noqa: F401
from ._files import DATA_SOURCES, cache_dir, data_dir  # noqa: F401
from ._online_retail import CleaningResult, clean_online_retail, load_online_retail  # noqa: F401
from ._other import (  # noqa: F401
    load_bank_marketing,
    load_cfpb_complaints,
    load_en_reviews,
    load_iranian_churn,
    load_wholesale_customers,
    load_zh_reviews,
)
from ._simulated import (  # noqa: F401
    _cache_key,
    _package_imports,
    _parent_imports,
    _simulation_sources,
    load_retailer,
)

__all__ = [
    "DATA_SOURCES",
    "CleaningReport",
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

    Returns a validated transaction table in the course schema. Raises ``ValueError`` for an
    unknown ``data_source`` (the message lists the valid ones) or options given for a named
    source, and ``TypeError`` for an unknown option (the message lists the valid ones).

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
