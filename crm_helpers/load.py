"""Reading your own files (读取自己的数据): any common file shape, never silently wrong.

One reader for every chapter. :func:`read_table` reads a CSV / TSV / TXT (also ``.gz``),
an Excel sheet, a parquet or JSON file, or every file a glob pattern matches, with the
reading options a notebook's ``data_options`` parameter holds:

=============  ===================================================================
option         meaning
=============  ===================================================================
``sep``        the column separator; found from the header line if not given
``decimal``    the decimal mark, ``","`` for European numbers (``12,50``)
``thousands``  the thousands separator, e.g. ``"."`` in ``1.234,50``
``encoding``   the text encoding, e.g. ``"gbk"`` for Excel on Chinese Windows
``sheet``      the Excel sheet (name or number)
``columns``    the column mapping, schema name → your column (see :func:`map_columns`)
``dayfirst``   ``True``/``False`` for dates like ``01/12/2010``; found from the values
``date_format`` the exact date format, e.g. ``"%d.%m.%Y %H:%M"``
=============  ===================================================================

:func:`read_transactions` turns a file into the transaction table; shape detection and the
chapters' ``load_data`` live in :mod:`crm_helpers.shapes`.
"""

from __future__ import annotations

import difflib
import glob
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from crm_helpers.schema import (
    TRANSACTION_COLUMNS,
    DataValidationError,
    parse_dates,
    validate_transactions,
)

__all__ = [
    "READ_OPTIONS",
    "ROLES",
    "read_table",
    "read_tables",
    "resolve_path",
    "map_columns",
    "read_transactions",
    "check_options",
]

#: The options of ``data_options`` that :func:`read_table` uses.
READ_OPTIONS: tuple[str, ...] = ("sep", "decimal", "thousands", "encoding", "sheet")
#: Every option ``data_options`` may hold.
DATA_OPTIONS: tuple[str, ...] = (
    *READ_OPTIONS,
    "columns",
    "dayfirst",
    "date_format",
    "allow_returns",
)

#: Column names (roles) a mapping may point to, beyond the transaction schema.
ROLES: tuple[str, ...] = (
    *TRANSACTION_COLUMNS,
    "date",
    "overall",
    "recommend",
    "product_quality",
    "price",
    "staff",
    "speed",
    "environment",
    "comment",
    "churn",
    "text",
    "label",
    "record_id",
    "name",
    "phone",
    "email",
    "gender",
    "birth_year",
    "city",
    "card_number",
    "description",
    "country",
)

_ALIASES = {
    "data_columns": "columns",
    "mapping": "columns",
    "separator": "sep",
    "seperator": "sep",
    "delimiter": "sep",
    "sheet_name": "sheet",
    "format": "date_format",
    "day_first": "dayfirst",
}
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".dat")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_ID_COLUMNS = ("customer_id", "receipt_id", "sku", "store_id", "record_id")
_SEPARATORS = (",", ";", "\t", "|")


def check_options(options: Mapping[str, Any]) -> None:
    """Raise a ``TypeError`` naming any key of ``data_options`` that is not an option.

    >>> check_options({"sep": ";", "dayfirst": True})
    >>> check_options({"seperator": ";"})
    Traceback (most recent call last):
    ...
    TypeError: data_options has no option 'seperator' (did you mean 'sep'?). The options are: sep, decimal, thousands, encoding, sheet, columns, dayfirst, date_format, allow_returns.
    """
    for key in options:
        if key not in DATA_OPTIONS:
            close = difflib.get_close_matches(str(key), DATA_OPTIONS, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            alias = _ALIASES.get(str(key).lower())
            if alias:
                hint = f" (did you mean {alias!r}?)"
            raise TypeError(
                f"data_options has no option {key!r}{hint}. The options are: "
                f"{', '.join(DATA_OPTIONS)}."
            )


# --------------------------------------------------------------------------- files


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """The file at ``path``, or an error saying where it was looked for and what is near.

    >>> resolve_path("no_such_file.csv")
    Traceback (most recent call last):
    ...
    FileNotFoundError: No file at 'no_such_file.csv' (looked for ...
    """
    candidate = Path(path).expanduser()
    if candidate.is_file():
        return candidate
    if candidate.is_dir():
        raise IsADirectoryError(
            f"{str(path)!r} is a folder, not a file; give the path of a file inside it, "
            f"or a pattern such as {str(Path(path) / '*.csv')!r}."
        )
    where = candidate if candidate.is_absolute() else Path.cwd() / candidate
    hint = ""
    if where.parent.is_dir():
        near = difflib.get_close_matches(
            candidate.name, [p.name for p in where.parent.iterdir()], n=3, cutoff=0.6
        )
        if near:
            hint = f" Files with similar names in that folder: {', '.join(near)}."
    raise FileNotFoundError(
        f"No file at {str(path)!r} (looked for {where}). Relative paths are read from the "
        f"working directory, which is {Path.cwd()}.{hint}"
    )


def _sniff_sep(path: Path, encoding: str | None) -> str:
    """The separator that splits the header line into the most columns."""
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding=encoding or "utf-8", errors="replace") as f:
            header = f.readline()
    except OSError:
        return ","
    counts = {s: header.count(s) for s in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _one_column_check(df: pd.DataFrame, shown: str, sep: str) -> pd.DataFrame:
    """A table read as one column whose name holds another separator: the wrong ``sep``."""
    if df.shape[1] == 1:
        header = str(df.columns[0])
        other = [s for s in _SEPARATORS if s != sep and s in header]
        if other:
            raise DataValidationError(
                f"The file{shown} was read with sep={sep!r} as one column named {header!r}: "
                f"its columns are separated by {other[0]!r}. Give that separator: "
                f'data_options = {{"sep": {json.dumps(other[0])}}}.'
            )
    return df


def _sheets(path: Path, shown: str, dtype: Any) -> pd.DataFrame:
    """The only sheet of a workbook; with several, an error listing them (never a guess)."""
    book = pd.read_excel(path, sheet_name=None, dtype=dtype)
    if len(book) == 1:
        return next(iter(book.values()))
    listed = "; ".join(
        f"{name!r} ({len(t):,} row{'s' if len(t) != 1 else ''}: "
        f"{', '.join(map(str, list(t.columns)[:6]))})"
        for name, t in book.items()
    )
    example = json.dumps(next(reversed(book)), ensure_ascii=False)
    raise DataValidationError(
        f"The Excel file{shown} has {len(book)} sheets: {listed}. Say which one holds your "
        f'data: data_options = {{"sheet": {example}}} (a name, or a number from 0).'
    )


def read_csv_named(
    source: Any,
    shown: str,
    kwargs: dict[str, Any],
    hint: str = 'data_options = {{"encoding": "{}"}}',
) -> pd.DataFrame:
    """``pd.read_csv(source, **kwargs)`` with an empty file or a wrong text encoding told in
    words (``shown`` names the file; ``hint`` shows how to give an encoding).

    >>> import io
    >>> read_csv_named(io.StringIO("a,b\\n1,2\\n"), " 'x.csv'", {}).shape
    (1, 2)
    """
    try:
        return pd.read_csv(source, **kwargs)
    except pd.errors.EmptyDataError as err:
        raise DataValidationError(
            f"The file{shown} is empty: it has no header line and no rows."
        ) from err
    except UnicodeDecodeError as err:
        raise DataValidationError(
            f"The file{shown} is not in the {kwargs.get('encoding') or 'utf-8'} text encoding "
            f"({err.reason} at byte {err.start}). Files saved by Excel in Chinese Windows are "
            f"often GBK: {hint.format('gbk')} (or {hint.format('utf-8-sig')} for UTF-8 with a "
            "BOM)."
        ) from err


def _read_text(path: Path, shown: str, options: Mapping[str, Any], dtype: Any) -> pd.DataFrame:
    encoding = options.get("encoding")
    sep = options.get("sep") or _sniff_sep(path, encoding)
    kwargs: dict[str, Any] = {"sep": sep, "dtype": dtype, "encoding": encoding or "utf-8"}
    kwargs["decimal"] = options.get("decimal") or "."
    if options.get("thousands"):
        kwargs["thousands"] = options["thousands"]
    if kwargs["decimal"] == sep:
        raise DataValidationError(
            f"The file{shown} uses {sep!r} both as the column separator and as the decimal "
            'mark. European files usually separate columns with ";": data_options = '
            '{"sep": ";", "decimal": ","}.'
        )
    try:
        return _one_column_check(read_csv_named(path, shown, kwargs), shown, sep)
    except pd.errors.ParserError as err:
        raise DataValidationError(
            f"The file{shown} could not be split into columns with sep={sep!r} ({err}). "
            'Give the separator: data_options = {"sep": ";"} (or "\\t", "|").'
        ) from err


def _read_one(path: Path, options: Mapping[str, Any], dtype: Any) -> pd.DataFrame:
    shown = f" {str(path)!r}"
    name = path.name.lower()
    suffix = name[:-3] if name.endswith(".gz") else name
    if suffix.endswith(_EXCEL_SUFFIXES):
        sheet = options.get("sheet")
        if sheet is None:
            return _sheets(path, shown, dtype)
        try:
            return pd.read_excel(path, sheet_name=sheet, dtype=dtype)
        except ValueError as err:
            raise DataValidationError(
                f"The Excel file{shown} has no sheet {sheet!r} ({err}). "
                'Choose one with data_options = {"sheet": "Sheet1"} (a name or a number from 0).'
            ) from err
    if suffix.endswith(".parquet"):
        return pd.read_parquet(path)
    if suffix.endswith((".json", ".jsonl")):
        return pd.read_json(path, lines=suffix.endswith(".jsonl"), dtype=dtype)
    if suffix.endswith(_TEXT_SUFFIXES) or "." not in Path(suffix).name:
        return _read_text(path, shown, options, dtype)
    raise DataValidationError(
        f"The file{shown} is of a kind that cannot be read. Give a text file (.csv, .tsv, "
        ".txt, also .gz), an Excel file (.xlsx, .xls), parquet or JSON."
    )


def read_table(
    source: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Read one table from a file, or from all files a glob pattern matches (stacked).

    ``options`` are the reading options (``sep``, ``decimal``, ``thousands``, ``encoding``,
    ``sheet``). Columns that the mapping sends to an id (customer, receipt, product, store,
    record) are read as text, so that leading zeros survive. Dates are not parsed here.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "eu.csv").write_text("Kunde;Betrag\\n007;1.234,50\\n", encoding="utf-8")
    >>> read_table(folder / "eu.csv", decimal=",", thousands=".")
      Kunde  Betrag
    0     7  1234.5
    >>> read_table(folder / "eu.csv", columns={"customer_id": "Kunde"}, decimal=",")["Kunde"][0]
    '007'
    """
    unknown = [k for k in options if k not in READ_OPTIONS]
    if unknown:
        raise TypeError(
            f"read_table got unknown option {unknown[0]!r}; the reading options are "
            f"{', '.join(READ_OPTIONS)}."
        )
    ids = {src for role, src in (columns or {}).items() if role in _ID_COLUMNS}
    dtype = {c: "str" for c in (*ids, *_ID_COLUMNS)}
    text = str(source)
    if any(ch in text for ch in "*?["):
        paths = sorted(glob.glob(os.path.expanduser(text)))
        if not paths:
            raise FileNotFoundError(
                f"No file matches the pattern {text!r} (in {Path.cwd()} for a relative pattern)."
            )
        frames = [_read_one(Path(p), options, dtype) for p in paths]
        first = list(frames[0].columns)
        for p, f in zip(paths, frames, strict=True):
            if list(f.columns) != first:
                raise DataValidationError(
                    f"The files matching {text!r} do not have the same columns: {paths[0]!r} "
                    f"has {first}, {p!r} has {list(f.columns)}."
                )
        return pd.concat(frames, ignore_index=True)
    return _read_one(resolve_path(source), options, dtype)


def read_tables(
    source: str | os.PathLike[str] | Mapping[str, str | os.PathLike[str]],
    *,
    columns: Mapping[str, str] | None = None,
    **options: Any,
) -> dict[str, pd.DataFrame]:
    """Read one file (as the table ``"data"``) or a dict of table name → path, mapped.

    The mapping is applied to every table that has the named column; a mapped column found
    in no table is an error.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("id,when\\n1,2024-01-05\\n", encoding="utf-8")
    >>> tables = read_tables({"events": folder / "a.csv"}, columns={"customer_id": "id"})
    >>> tables["events"].columns.tolist()
    ['customer_id', 'when']
    """
    sources = dict(source) if isinstance(source, Mapping) else {"data": source}
    raw = {name: read_table(path, columns=columns, **options) for name, path in sources.items()}
    mapping = dict(columns or {})
    found = {src for t in raw.values() for src in mapping.values() if src in t.columns}
    missing = [role for role, src in mapping.items() if src not in found]
    if missing:
        role = missing[0]
        have = sorted({str(c) for t in raw.values() for c in t.columns})
        close = difflib.get_close_matches(str(mapping[role]), have, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DataValidationError(
            f"The column mapping names {mapping[role]!r} for {role!r}, but the data have no "
            f"such column{hint}. The data contain these columns: "
            f"{', '.join(repr(h) for h in have)}."
        )
    return {
        name: map_columns(t, {r: s for r, s in mapping.items() if s in t.columns}, name)
        for name, t in raw.items()
    }


def map_columns(df: pd.DataFrame, columns: Mapping[str, str], table: str = "data") -> pd.DataFrame:
    """Give your columns the course's names. ``columns`` maps the course's name (the role)
    to yours; one of your columns may feed two roles (it is copied).

    >>> raw = pd.DataFrame({"Invoice": ["A1"], "Item": ["tea"]})
    >>> map_columns(raw, {"receipt_id": "Invoice", "customer_id": "Invoice", "sku": "Item"})
      receipt_id customer_id  sku
    0         A1          A1  tea
    >>> map_columns(raw, {"CustomerID": "customer_id"})
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The column mapping has an unknown course name 'CustomerID' (did you mean 'customer_id'?). The mapping goes from the course's name to yours, e.g. {"customer_id": "CustomerID"}; the course's names are: customer_id, receipt_id, timestamp, sku, quantity, unit_price, amount, discount, unit_cost, channel, store_id, date, overall, recommend, product_quality, price, staff, speed, environment, comment, churn, text, label, record_id, name, phone, email, gender, birth_year, city, card_number, description, country.
    """
    for role, source in columns.items():
        if role not in ROLES:
            close = difflib.get_close_matches(str(role).lower(), ROLES, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataValidationError(
                f"The column mapping has an unknown course name {role!r}{hint}. The mapping "
                'goes from the course\'s name to yours, e.g. {"customer_id": "CustomerID"}; '
                f"the course's names are: {', '.join(ROLES)}."
            )
        if source not in df.columns:
            raise DataValidationError(
                f"The column mapping names {source!r} for {role!r}, but the {table} table has "
                f"no such column. It contains: {', '.join(repr(str(c)) for c in df.columns)}."
            )
    out = pd.DataFrame(index=df.index)
    used = set(columns.values())
    renamed = {role: df[source] for role, source in columns.items()}
    clash = [c for c in df.columns if c in renamed and c not in used]
    if clash:
        raise DataValidationError(
            f"The column mapping would create a second column {clash[0]!r}: the {table} table "
            "already has a column of that name. Map it too, or drop it first."
        )
    for col in df.columns:
        if col in used:
            for role, source in columns.items():
                if source == col:
                    out[role] = df[col]
        else:
            out[col] = df[col]
    return out


def _transactions_table(source: Mapping[str, Any]) -> dict[str, Any]:
    """From a dict of tables, the one of receipt lines: 'transactions', or the only one."""
    key = "transactions" if "transactions" in source else None
    if key is None and len(source) == 1:
        key = next(iter(source))
    if key is None:
        raise DataValidationError(
            f"The data have several tables ({', '.join(map(repr, source))}) and none is "
            "called 'transactions'; name the table of receipt lines 'transactions'."
        )
    return {key: source[key]}


def read_transactions(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    columns: Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    allow_returns: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """Your file as the course's transaction table (one row per receipt line), validated.

    ``source`` is a path, a glob pattern, or a dict of table name → path (its table
    ``"transactions"`` is read, or its only table). Dates are read by
    :func:`~crm_helpers.schema.parse_dates`: day first or month first from the values,
    never guessed.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "eu.csv").write_text(
    ...     "Kunde;Beleg;Datum;Artikel;Menge;Preis\\n"
    ...     "7;A1;01/12/2010 08:26;tea;2;1,50\\n"
    ...     "7;A2;13/12/2010 09:00;cup;1;3,00\\n", encoding="utf-8")
    >>> tx = read_transactions(folder / "eu.csv", decimal=",", columns={
    ...     "customer_id": "Kunde", "receipt_id": "Beleg", "timestamp": "Datum",
    ...     "sku": "Artikel", "quantity": "Menge", "unit_price": "Preis"})
    >>> tx["timestamp"].dt.strftime("%Y-%m-%d").tolist(), tx["amount"].tolist()
    (['2010-12-01', '2010-12-13'], [3.0, 3.0])
    """
    if isinstance(source, Mapping):
        source = _transactions_table(source)
    tables = read_tables(source, columns=columns, **options)
    df = next(iter(tables.values()))
    missing = [c for c in TRANSACTION_COLUMNS[:6] if c not in df.columns]
    if missing:
        raise DataValidationError(
            f"The file has no column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))} for receipt lines. It contains: "
            f"{', '.join(repr(str(c)) for c in df.columns)}. Map your column names to the "
            'course\'s with data_options = {"columns": {"customer_id": "CustomerID", ...}}.'
        )
    df["timestamp"] = parse_dates(
        df["timestamp"], dayfirst=dayfirst, date_format=date_format, table="transactions"
    )
    return validate_transactions(df, allow_returns=allow_returns)
