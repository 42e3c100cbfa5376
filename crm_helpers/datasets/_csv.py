"""Your own transactions CSV (自有数据)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from crm_helpers.load import read_csv_named, resolve_path
from crm_helpers.schema import (
    REQUIRED_COLUMNS,
    DataValidationError,
    parse_dates,
    rename_columns,
    require_columns,
    validate_transactions,
)

if TYPE_CHECKING:  # pragma: no cover
    pass

from ._files import (
    _ID_COLUMNS,
    _ROWS_IN_FILE,
)

# --------------------------------------------------------------------------- your own CSV


def _read_csv(source: Any, shown: str, kwargs: dict[str, Any]) -> pd.DataFrame:
    return read_csv_named(source, shown, kwargs, hint="encoding='{}'")


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

    ``path``: a ``.csv``/``.csv.gz`` file (relative to the working directory) or a text
    buffer. ``columns``: schema name → your file's name, e.g. ``{"customer_id": "会员号"}``
    (see ``docs/data_schema.md``). ``date_format``/``dayfirst``: how to read the timestamps;
    without either the order is found from the values, never guessed (:func:`~crm_helpers.
    schema.parse_dates`). ``allow_returns``: accept negative quantities and amounts. Other
    keywords go to :func:`pandas.read_csv` (``sep``, ``encoding``, ``dtype``...).

    Returns the validated table; id columns are read as text (leading zeros survive).
    ``FileNotFoundError`` names the full path; ``DataValidationError`` an empty file, another
    encoding, a mapped or schema column that is missing, or values that do not fit.

    >>> import io
    >>> csv = io.StringIO("member,order,date,item,qty,price\\n007,A1,2024-03-01 10:00,tea,2,15.0"
    ...     "\\n007,A1,2024-03-01 10:00,cup,1,30.0\\n012,A2,2024-03-04 19:30,tea,1,15.0\\n")
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
    source, shown = _csv_source(path)
    kwargs = _with_text_ids(mapping, dict(read_csv_kwargs))
    df = rename_columns(_read_csv(source, shown, kwargs), mapping, "transactions")
    _require_mapped(df)
    try:
        df["timestamp"] = parse_dates(
            df["timestamp"], dayfirst=dayfirst, date_format=date_format, table="transactions"
        )
        return validate_transactions(df, allow_returns=allow_returns)
    except DataValidationError as err:
        if "row " not in str(err):
            raise
        raise DataValidationError(f"{err} {_ROWS_IN_FILE}") from None


def _csv_source(path: Any) -> tuple[Any, str]:
    """What to give ``pd.read_csv`` (a URL, a resolved path or a buffer) and its name."""
    if isinstance(path, str) and "://" in path:  # a URL: pandas reads it
        return path, f" {path!r}"
    if isinstance(path, (str, os.PathLike)):
        return resolve_path(path), f" {str(path)!r}"
    return path, ""


def _with_text_ids(mapping: Mapping[str, str], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Read the id columns as text (unless the caller's ``dtype`` says otherwise)."""
    user_dtype = kwargs.get("dtype")
    if user_dtype is None or isinstance(user_dtype, Mapping):
        text_ids = {mapping.get(c, c): "str" for c in _ID_COLUMNS}
        kwargs["dtype"] = {**text_ids, **dict(user_dtype or {})}
    return kwargs


def _require_mapped(df: pd.DataFrame) -> None:
    """The schema's columns, with a hint on ``columns=`` if some are missing."""
    needed = [c for c in REQUIRED_COLUMNS if c != "amount"]
    try:
        require_columns(df, needed, "transactions")
    except DataValidationError as err:
        raise DataValidationError(
            f"{err} Map your column names to the schema's with columns=, e.g. "
            "columns={'customer_id': 'CustomerID', 'timestamp': 'InvoiceDate'}."
        ) from None
