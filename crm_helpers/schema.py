"""The course's transaction schema (交易数据结构) and its validation.

Every chapter works on one shape of data: a **transaction table**, one row per receipt
line (小票明细), with these columns:

==============  ========  =============================================================
column          required  meaning
==============  ========  =============================================================
customer_id     yes       the member (会员) who bought; no missing values
receipt_id      yes       the receipt / invoice / basket (小票); one customer per receipt
timestamp       yes       when the receipt was rung up (datetime)
sku             yes       the product (商品编码)
quantity        yes       units bought, > 0
unit_price      yes       list price per unit, > 0
amount          yes*      net line revenue after discount, > 0
                          (*computed as quantity × unit_price × (1 − discount) if absent)
discount        no        share taken off the list price, 0 ≤ discount < 1
unit_cost       no        cost per unit, ≥ 0 (needed for profit analyses)
channel         no        store / online / app ...
store_id        no        the store, for store channels
==============  ========  =============================================================

Other columns are kept as they are. :func:`validate_transactions` checks a table against
this schema and raises :class:`DataValidationError` with a message that names the column,
what was expected and what was found. It never changes its input: it returns a new,
cleanly typed table.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = [
    "DataValidationError",
    "AmbiguousDatesError",
    "parse_dates",
    "detect_dayfirst",
    "TRANSACTION_COLUMNS",
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "PERIODS",
    "validate_transactions",
    "validate_table",
    "require_columns",
    "check_choice",
    "rename_columns",
]


class DataValidationError(ValueError):
    """Raised when a table does not fit the schema; the message says what and where."""


REQUIRED_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "receipt_id",
    "timestamp",
    "sku",
    "quantity",
    "unit_price",
    "amount",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("discount", "unit_cost", "channel", "store_id")
TRANSACTION_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

#: The periods every indicator can be reported by, with the pandas ``Period`` frequency of
#: each (``pd.Timestamp(t).to_period(freq).start_time`` is the period's first day; weeks run
#: Monday to Sunday).
PERIODS: dict[str, str] = {"year": "Y", "quarter": "Q", "month": "M", "week": "W-SUN"}

_NUMERIC_POSITIVE = ("quantity", "unit_price", "amount")
_MAX_SHOWN = 5


def _the(table: str, capital: bool = False) -> str:
    """'the customers table', but 'the table' (not 'the table table') for the default name."""
    the = "The" if capital else "the"
    return f"{the} table" if table == "table" else f"{the} {table} table"


def _show(values: Iterable[object]) -> str:
    vals = list(values)
    shown = ", ".join(repr(v) for v in vals[:_MAX_SHOWN])
    return shown + (f", … ({len(vals)} in all)" if len(vals) > _MAX_SHOWN else "")


def check_choice(name: str, value: object, choices: Iterable[object]) -> None:
    """Raise a ``ValueError`` naming the parameter if ``value`` is not one of ``choices``.

    >>> check_choice("period", "month", ["year", "month"])
    >>> check_choice("period", "fortnight", ["year", "month"])
    Traceback (most recent call last):
    ...
    ValueError: period must be one of 'year', 'month'; got 'fortnight'.
    """
    choices = list(choices)
    if value not in choices:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}."
        )


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str = "table") -> None:
    """Raise :class:`DataValidationError` if any of ``columns`` is missing from ``df``.

    The message lists the columns the table does have, and a close match where one exists.

    >>> require_columns(pd.DataFrame({"Amount": [1]}), ["amount"], "transactions")
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The transactions table has no column 'amount' (did you mean 'Amount'?). The table contains these columns: 'Amount'.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{_the(table, capital=True)} must be a pandas DataFrame; got {type(df).__name__}."
        )
    missing = [c for c in columns if c not in df.columns]
    if not missing:
        return
    have = [str(c) for c in df.columns]
    hints = []
    for c in missing:
        close = difflib.get_close_matches(c, have, n=1, cutoff=0.6) or [
            h for h in have if h.lower().replace(" ", "_") == c
        ]
        hints.append(f"{c!r} (did you mean {close[0]!r}?)" if close else repr(c))
    noun = "column" if len(missing) == 1 else "columns"
    raise DataValidationError(
        f"{_the(table, capital=True)} has no {noun} {', '.join(hints)}. "
        f"The table contains these columns: {', '.join(repr(h) for h in have) or 'none'}."
    )


def _bad_rows(mask: pd.Series, values: pd.Series) -> str:
    # positional, so that repeated index labels still show one value each; .tolist() gives
    # plain Python values (0.0, not np.float64(0.0))
    pos = np.flatnonzero(mask.to_numpy(dtype=bool))[:_MAX_SHOWN]
    pairs = zip(mask.index[pos], values.iloc[pos].tolist(), strict=True)
    shown = ", ".join(f"row {i}: {v!r}" for i, v in pairs)
    n = int(mask.sum())
    return f"{n} row{'s' if n != 1 else ''} ({shown}{', …' if n > _MAX_SHOWN else ''})"


def _to_numeric(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    s = df[col]
    if pd.api.types.is_bool_dtype(s):
        raise DataValidationError(
            f"Column {col!r} of {_the(table)} must be numeric; found booleans."
        )
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64") if not pd.api.types.is_float_dtype(s) else s
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() & s.notna()
    if bad.any():
        comma = s[bad].astype("string").str.fullmatch(r"\s*-?[\d.]*\d,\d+\s*").fillna(False)
        hint = (
            ' They look like European numbers: data_options = {"decimal": ","} (and '
            '"thousands": "." for 1.234,50).'
            if comma.all()
            else ""
        )
        raise DataValidationError(
            f"Column {col!r} of {_the(table)} must be numeric; "
            f"found text that is not a number in {_bad_rows(bad, s)}.{hint}"
        )
    return num


_HAS_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)\s*$"
# two numbers, then a year: 01/12/2010, 1.12.10, 01-12-2010 08:26 (day or month first?)
_YEAR_LAST = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)"
# a year first: 2023-06-03, 2023/6/3 (never day first, whatever ``dayfirst`` says)
_YEAR_FIRST = r"^\s*\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"


class AmbiguousDatesError(DataValidationError):
    """Dates such as ``03/04/2024`` that could be day first or month first, with no value
    that settles it; the message says how to choose (``dayfirst=`` or ``date_format=``)."""


def _parse_mixed_dates(s: pd.Series, col: str, table: str, dayfirst: bool = False) -> pd.Series:
    try:
        return pd.to_datetime(s, errors="coerce", format="mixed", dayfirst=dayfirst)
    except ValueError:  # "Mixed timezones detected": several UTC offsets, or some without
        pass
    text = s.astype("str").str.strip()
    aware = text.str.contains(_HAS_OFFSET, regex=True) & s.notna()
    naive = ~aware & s.notna()
    if aware.any() and naive.any():
        raise DataValidationError(
            f"Column {col!r} of {_the(table)} mixes dates with a time zone and dates without "
            f"one (with: {_bad_rows(aware, s)}; without: {_bad_rows(naive, s)}). "
            "Give all of them a time zone, or none."
        )
    return pd.to_datetime(s, errors="coerce", format="mixed", utc=True, dayfirst=dayfirst)


def _parse_one_format(s: pd.Series, dayfirst: bool) -> pd.Series | None:
    """All values in the format of the first one (fast), or None if they are not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.to_datetime(s, dayfirst=dayfirst)
        except (ValueError, TypeError, OverflowError):
            return None


def detect_dayfirst(s: pd.Series, col: str = "timestamp", table: str = "table") -> bool | None:
    """Whether dates written as ``nn/nn/yyyy`` put the day first, decided from the values.

    ``None`` if no value has that form (ISO dates ``2024-03-05`` are never ambiguous). A first
    number above 12 settles it (day first), a second number above 12 too (month first); if
    no value settles it, :class:`AmbiguousDatesError` says how to choose.

    >>> detect_dayfirst(pd.Series(["01/12/2010 08:26", "13/12/2010 09:00"]))
    True
    >>> detect_dayfirst(pd.Series(["12/31/2010", "01/02/2011"]))
    False
    >>> print(detect_dayfirst(pd.Series(["2010-12-01"])))
    None
    >>> detect_dayfirst(pd.Series(["01/02/2011", "03/04/2011"]))
    Traceback (most recent call last):
    ...
    crm_helpers.schema.AmbiguousDatesError: Column 'timestamp' of the table has dates that could be day first or month first ('01/02/2011' is 1 February or 2 January), and no day above 12 settles it. Say which: data_options = {"dayfirst": True} (01/02 = 1 February) or {"dayfirst": False} (01/02 = 2 January), or give the exact format, e.g. {"date_format": "%d/%m/%Y %H:%M"}.
    """
    parts = s.dropna().astype("str").str.extract(_YEAR_LAST)
    parts = parts.dropna()
    if parts.empty:
        return None
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        a = s.dropna().astype("str")[(first > 12).reindex(s.dropna().index, fill_value=False)]
        b = s.dropna().astype("str")[(second > 12).reindex(s.dropna().index, fill_value=False)]
        raise DataValidationError(
            f"Column {col!r} of {_the(table)} mixes day-first dates ({a.iloc[0]!r}) and "
            f"month-first dates ({b.iloc[0]!r}). Write all dates one way in the file."
        )
    if day_first or month_first:
        return day_first
    example = s.dropna().astype("str")[parts.index[0]].strip()
    d, m = int(first.iloc[0]), int(second.iloc[0])
    as_dm = f"{d} {pd.Timestamp(2000, m, 1).month_name()}"
    as_md = f"{m} {pd.Timestamp(2000, d, 1).month_name()}"
    raise AmbiguousDatesError(
        f"Column {col!r} of {_the(table)} has dates that could be day first or month first "
        f"({example!r} is {as_dm} or {as_md}), and no day above 12 settles it. Say which: "
        'data_options = {"dayfirst": True} '
        f'({d:02d}/{m:02d} = {as_dm}) or {{"dayfirst": False}} ({d:02d}/{m:02d} = {as_md}), '
        'or give the exact format, e.g. {"date_format": "%d/%m/%Y %H:%M"}.'
    )


def _dates_from_numbers(s: pd.Series, column: str, table: str) -> pd.Series:
    """Whole numbers such as 20240305 as %Y%m%d; other numbers are not dates."""
    whole = s.dropna()
    if len(whole) and ((whole % 1 == 0) & whole.between(1e7, 3e7)).all():
        return pd.to_datetime(s.astype("Int64").astype("string"), format="%Y%m%d", errors="coerce")
    raise DataValidationError(
        f"Column {column!r} of {_the(table)} holds numbers, not dates "
        f"({_bad_rows(s.notna(), s)}). Give the format of the dates, e.g. "
        'data_options = {"date_format": "%Y%m%d"}.'
    )


def parse_dates(
    s: pd.Series,
    *,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    column: str = "timestamp",
    table: str = "table",
) -> pd.Series:
    """The package's one date parser: text, numbers or datetimes to naive datetimes.

    Never guesses: ``nn/nn/yyyy`` dates are read day or month first as the values show
    (:func:`detect_dayfirst`) or ``dayfirst`` says; ``date_format`` reads every value with
    that format; ``20240305`` is read as ``%Y%m%d``; a time zone keeps its local clock time.

    >>> parse_dates(pd.Series(["01/12/2010 08:26", "31/12/2010 17:00"])).dt.month.tolist()
    [12, 12]
    >>> parse_dates(pd.Series([20240305])).dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-05']
    >>> parse_dates(pd.Series(["05.03.2024"]), date_format="%d.%m.%Y").dt.day.tolist()
    [5]
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s
    elif date_format is not None:
        out = pd.to_datetime(s, format=date_format, errors="coerce")
        bad = out.isna() & s.notna()
        if bad.any():
            raise DataValidationError(
                f"Column {column!r} of {_the(table)} does not match "
                f"date_format={date_format!r} in {_bad_rows(bad, s)}."
            )
    elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = _dates_from_numbers(s, column, table)
    else:
        if dayfirst is None:
            dayfirst = bool(detect_dayfirst(s, column, table))
        iso = s.astype("string").str.match(_YEAR_FIRST).fillna(False).to_numpy(dtype=bool)
        if dayfirst and iso.any():  # 2023-06-03 is 3 June, whatever the other values say
            return _parse_split(s, iso, column, table)
        out = _parse_one_format(s, dayfirst)
        if out is None:
            out = _parse_mixed_dates(s, column, table, dayfirst=dayfirst)
    bad = out.isna() & s.notna()
    if bad.any():
        raise DataValidationError(
            f"Column {column!r} of {_the(table)} must hold dates; "
            f"could not read {_bad_rows(bad, s)} as a date."
        )
    if getattr(out.dt, "tz", None) is not None:
        # keep the local clock time: a shop's hours and months are local (18:00 in Shanghai
        # stays 18:00); text with several different UTC offsets was parsed to UTC above
        out = out.dt.tz_localize(None)
    return out


def _parse_split(s: pd.Series, iso: np.ndarray, column: str, table: str) -> pd.Series:
    """Year-first values (``2023-06-03``) read year-month-day, the others day first."""
    values = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
    for mask, dayfirst in ((iso, False), (~iso, True)):
        if mask.any():
            part = parse_dates(s[mask], dayfirst=dayfirst, column=column, table=table)
            values[mask] = part.to_numpy(dtype="datetime64[ns]")
    return pd.Series(values, index=s.index, name=s.name)


def _to_datetime(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    return parse_dates(df[col], column=col, table=table)


def _no_missing(df: pd.DataFrame, col: str, table: str) -> None:
    miss = df[col].isna()
    if miss.any():
        n = int(miss.sum())
        rows = ", ".join(str(i) for i in miss[miss].index[:_MAX_SHOWN])
        raise DataValidationError(
            f"Column {col!r} of {_the(table)} must not have missing values; found {n} "
            f"missing (row{'s' if n != 1 else ''} {rows}{', …' if n > _MAX_SHOWN else ''})."
        )


def validate_table(
    df: pd.DataFrame,
    *,
    key: str | list[str] | None = None,
    required: Iterable[str] = (),
    dates: Iterable[str] = (),
    table: str = "table",
) -> pd.DataFrame:
    """Check a generic table (customers, products, ...): columns present, not empty, dates
    readable, and ``key`` unique. Returns a copy with date columns parsed.

    >>> customers = pd.DataFrame({"customer_id": [1, 2, 2]})
    >>> validate_table(customers, key="customer_id", table="customers")
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The customers table must have one row per 'customer_id'; found 1 duplicated key (2).
    """
    keys = [key] if isinstance(key, str) else list(key or [])
    require_columns(df, list(required) + keys + list(dates), table)
    if len(df) == 0:
        raise DataValidationError(f"{_the(table, capital=True)} is empty: it has no rows.")
    out = df.copy()
    for col in dates:
        out[col] = _to_datetime(out, col, table)
    if keys:
        for k in keys:
            _no_missing(out, k, table)
        dup = out.duplicated(keys)
        if dup.any():
            vals = out.loc[dup, keys].drop_duplicates()
            shown = _show(vals[keys[0]] if len(keys) == 1 else map(tuple, vals.to_numpy()))
            n = len(vals)
            label = repr(keys[0]) if len(keys) == 1 else repr(tuple(keys))
            raise DataValidationError(
                f"{_the(table, capital=True)} must have one row per {label}; "
                f"found {n} duplicated key{'s' if n != 1 else ''} ({shown})."
            )
    return out


def validate_transactions(
    df: pd.DataFrame,
    *,
    table: str = "transactions",
    allow_returns: bool = False,
) -> pd.DataFrame:
    """Check a transaction table against the course schema and return a typed copy.

    Parameters
    ----------
    df:
        One row per receipt line with at least the required columns (see the module
        docstring). ``amount`` may be absent; it is then computed from quantity, unit
        price and (if present) discount.
    table:
        The table's name, used in error messages.
    allow_returns:
        Accept negative quantities and amounts (returns, cancellations). Off by default:
        most analyses expect sales only; clean the data first.

    Returns a new DataFrame with ``timestamp`` as datetime and the numeric columns as floats.
    Raises ``DataValidationError`` for missing columns (the message lists those present), an
    empty table, missing ids, unreadable dates or numbers, zero or negative quantities,
    prices or amounts, discounts outside [0, 1), or a receipt that belongs to more than one
    customer; ``TypeError`` if ``df`` is not a DataFrame.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2], "receipt_id": [10, 10, 11],
    ...     "timestamp": ["2024-01-05 10:00", "2024-01-05 10:00", "2024-02-01 18:30"],
    ...     "sku": ["A", "B", "A"], "quantity": [1, 2, 1], "unit_price": [5.0, 2.5, 5.0]})
    >>> validate_transactions(tx)["amount"].tolist()
    [5.0, 5.0, 5.0]
    >>> validate_transactions(tx.rename(columns={"sku": "SKU"}))
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The transactions table has no column 'sku' (did you mean 'SKU'?). The table contains these columns: 'customer_id', 'receipt_id', 'timestamp', 'SKU', 'quantity', 'unit_price'.
    """
    return _checked_copy(df, table, allow_returns)


def _checked_copy(df: pd.DataFrame, table: str, allow_returns: bool) -> pd.DataFrame:
    """The body of :func:`validate_transactions`."""
    needed = [c for c in REQUIRED_COLUMNS if c != "amount"]
    require_columns(df, needed, table)
    if len(df) == 0:
        raise DataValidationError(
            f"{_the(table, capital=True)} is empty: it has no rows. "
            "Check the file, the filters applied before this step, or the date range."
        )
    out = df.copy()
    for col in ("customer_id", "receipt_id", "sku"):
        _no_missing(out, col, table)
    out["timestamp"] = _to_datetime(out, "timestamp", table)
    _no_missing(out, "timestamp", table)
    for col in ("quantity", "unit_price"):
        out[col] = _to_numeric(out, col, table)
        _no_missing(out, col, table)
    _typed_money(out, table)
    _check_signs(out, table, allow_returns)
    _one_customer_per_receipt(out)
    return out


def _typed_money(out: pd.DataFrame, table: str) -> None:
    """Discount (a share in [0, 1)), amount (given, or computed) and unit cost (≥ 0), in place."""
    if "discount" in out.columns:
        out["discount"] = _to_numeric(out, "discount", table).fillna(0.0)
        bad = (out["discount"] < 0) | (out["discount"] >= 1)
        if bad.any():
            raise DataValidationError(
                f"Column 'discount' of {_the(table)} must be a share between 0 and 1 "
                f"(0.2 means 20 % off); found {_bad_rows(bad, out['discount'])}."
            )
    if "amount" in out.columns:
        out["amount"] = _to_numeric(out, "amount", table)
        _no_missing(out, "amount", table)
    else:
        disc = out["discount"] if "discount" in out.columns else 0.0
        out["amount"] = out["quantity"] * out["unit_price"] * (1.0 - disc)
    if "unit_cost" in out.columns:
        out["unit_cost"] = _to_numeric(out, "unit_cost", table)
        neg = out["unit_cost"] < 0
        if neg.any():
            raise DataValidationError(
                f"Column 'unit_cost' of {_the(table)} must be ≥ 0; found "
                f"negative costs in {_bad_rows(neg, out['unit_cost'])}."
            )


def _check_signs(out: pd.DataFrame, table: str, allow_returns: bool) -> None:
    """Positive prices (and quantities and amounts, unless returns are allowed)."""
    cols = ("unit_price",) if allow_returns else _NUMERIC_POSITIVE
    for col in cols:
        bad = out[col] <= 0
        if bad.any():
            raise DataValidationError(
                f"Column {col!r} of {_the(table)} must be greater than 0; found zero or "
                f"negative values in {_bad_rows(bad, out[col])}. Returns and cancellations "
                "should be removed first (datasets.clean_online_retail shows how), or pass "
                "allow_returns=True."
            )
    if allow_returns:
        zero = out["quantity"] == 0
        if zero.any():
            raise DataValidationError(
                f"Column 'quantity' of {_the(table)} must not be 0; "
                f"found {_bad_rows(zero, out['quantity'])}."
            )


def _one_customer_per_receipt(out: pd.DataFrame) -> None:
    owners = out.groupby("receipt_id", observed=True, sort=False)["customer_id"].nunique()
    shared = owners[owners > 1]
    if len(shared):
        raise DataValidationError(
            f"Each receipt must belong to one customer; {len(shared)} receipt_id "
            f"{'values appear' if len(shared) != 1 else 'value appears'} with several customers "
            f"({_show(shared.index)}). Receipt ids must be unique across customers."
        )


def rename_columns(
    df: pd.DataFrame, mapping: Mapping[str, str], table: str = "table"
) -> pd.DataFrame:
    """Rename a user's columns to the schema's names.

    ``mapping`` goes from the schema's name to the name in ``df``, e.g.
    ``{"customer_id": "CustomerID", "timestamp": "InvoiceDate"}``; one column may feed two.

    >>> raw = pd.DataFrame({"CustomerID": [1], "Qty": [2]})
    >>> rename_columns(raw, {"customer_id": "CustomerID", "quantity": "Qty"}).columns.tolist()
    ['customer_id', 'quantity']
    >>> rename_columns(raw, {"quantity": "Quantity"})
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The column mapping names 'Quantity' for 'quantity', but the table has no such column. The table contains these columns: 'CustomerID', 'Qty'.
    """
    unknown = [k for k in mapping if k not in TRANSACTION_COLUMNS]
    if unknown:
        first = unknown[0]
        close = difflib.get_close_matches(str(first), TRANSACTION_COLUMNS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        if all(v in TRANSACTION_COLUMNS for v in mapping.values()):
            hint = (
                " (the mapping looks reversed: write {schema name: your column name}, "
                f"e.g. {{{mapping[first]!r}: {first!r}}})"
            )
        raise DataValidationError(
            f"The column mapping has unknown schema name{'s' if len(unknown) > 1 else ''} "
            f"{_show(unknown)}{hint}. The mapping goes from the schema's name to yours; "
            f"the schema's columns are: {', '.join(TRANSACTION_COLUMNS)}."
        )
    for target, source in mapping.items():
        if source not in df.columns:
            raise DataValidationError(
                f"The column mapping names {source!r} for {target!r}, but {_the(table)} has no "
                f"such column. The table contains these columns: "
                f"{', '.join(repr(str(c)) for c in df.columns)}."
            )
    inverse = {source: target for target, source in reversed(mapping.items())}
    clash = [t for t in mapping if t in df.columns and t not in mapping.values()]
    if clash:
        raise DataValidationError(
            f"The column mapping would create a second column {clash[0]!r}: the table "
            "already has a column of that name. Map it, or drop it first."
        )
    out = df.rename(columns=inverse)
    for target, source in mapping.items():
        if target not in out.columns:
            out[target] = df[source]
    return out


def as_float_array(s: pd.Series) -> np.ndarray:
    """A float64 numpy view of a numeric column (helper for vectorised code)."""
    return np.asarray(s, dtype="float64")
