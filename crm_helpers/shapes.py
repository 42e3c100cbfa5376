"""What your data can feed (数据形态): shapes detected from the columns.

Every chapter starts with ``data = crm.load_data(data_source, **data_options)``. The
data are the simulated retailer, a named real data set, or your own file(s); each of your
tables is recognised by its columns (after the ``columns`` mapping) as one of these shapes:

=================  ========================================================  ================
shape              columns                                                    feeds
=================  ========================================================  ================
``receipt_lines``  customer_id, receipt_id, timestamp, sku, quantity,         every sales
                   unit_price (or amount)                                     analysis
``baskets``        receipt_id, sku (timestamp); no customer, no price         rules, recommending
``event_log``      customer_id, timestamp (amount); no products               BG/NBD, cohorts
``customers``      churn (a 0/1 label) and features                           a churn model
``survey``         overall and/or recommend, attribute scores                 NPS, driver analysis
``records``        record_id and name / phone / email / card_number           identity resolution
``reviews``        text, label                                                sentiment
=================  ========================================================  ================

``data.can("rules")`` says whether a section's need (see :data:`NEEDS`) is met;
``data.requires("rules")`` raises :class:`DataNotAvailable` naming the column that would
meet it. Tables your data do not have are :class:`Unavailable` stand-ins that raise the same
error when used: simulated tables are never mixed into your results.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crm_helpers.datasets import (
    DATA_SOURCES,
    check_named_source,
    load_retailer,
    load_transactions,
)
from crm_helpers.load import READ_OPTIONS, check_options, read_tables
from crm_helpers.schema import DataValidationError, parse_dates, validate_transactions

__all__ = [
    "SHAPES",
    "NEEDS",
    "DataNotAvailable",
    "Unavailable",
    "DataSet",
    "detect_shape",
    "load_data",
]

#: Each shape: (English, Chinese, the columns that make it).
SHAPES: dict[str, tuple[str, str, str]] = {
    "receipt_lines": ("receipt lines", "小票明细", "customer_id, receipt_id, timestamp, sku, "
                      "quantity, unit_price (or amount)"),
    "baskets": ("baskets", "购物篮", "receipt_id, sku (and timestamp); no customer, no price"),
    "event_log": ("event log", "购买事件日志", "customer_id, timestamp (amount if any)"),
    "customers": ("customer table", "客户表", "a churn label column 'churn' and features"),
    "survey": ("survey", "满意度调查", "'overall' and/or 'recommend' with attribute scores"),
    "records": ("customer records", "客户记录", "record_id and name / phone / email"),
    "reviews": ("reviews", "评论", "text, label"),
}  # fmt: skip

#: What each section needs: (the table's shape family, the columns).
NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "receipt_lines": ("transactions", ("customer_id", "receipt_id", "timestamp", "sku",
                                       "quantity", "unit_price", "amount")),
    "sales": ("transactions", ("customer_id", "receipt_id", "timestamp", "amount")),
    "rules": ("transactions", ("receipt_id", "sku")),
    "purchases": ("transactions", ("customer_id", "timestamp")),
    "bgnbd": ("transactions", ("customer_id", "timestamp")),
    "spend": ("transactions", ("customer_id", "timestamp", "amount")),
    "churn_model": ("customers", ("churn",)),
    "nps": ("survey", ("recommend",)),
    "drivers": ("survey", ("overall",)),
    "sentiment": ("reviews", ("text", "label")),
    "matching": ("records", ("record_id",)),
    "retailer": ("retailer", ()),
}  # fmt: skip

_TX_SHAPES = ("receipt_lines", "baskets", "event_log")
_SIMULATED_TABLES = {"survey": "surveys", "records": "customer_records"}
_DATE_COLUMNS = ("timestamp", "date", "created_at")


class DataNotAvailable(DataValidationError):
    """A section needs data (a column, a table) that the data given do not have."""


class Unavailable:
    """A stand-in for a table the data do not have: using it raises :class:`DataNotAvailable`.

    >>> shop = Unavailable("the simulated retailer", "it exists only for data_source='simulated'")
    >>> shop.points
    Traceback (most recent call last):
    ...
    crm_helpers.shapes.DataNotAvailable: This needs the simulated retailer, which your data do not have: it exists only for data_source='simulated'.
    """

    def __init__(self, what: str, how: str = "") -> None:
        self._what, self._how = what, how

    def _fail(self) -> DataNotAvailable:
        how = f": {self._how}" if self._how else ""
        return DataNotAvailable(f"This needs {self._what}, which your data do not have{how}.")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise self._fail()

    def __getitem__(self, key: object) -> Any:
        raise self._fail()

    def __len__(self) -> int:
        raise self._fail()

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Any:
        raise self._fail()

    def __repr__(self) -> str:
        return f"Unavailable({self._what!r})"


def detect_shape(df: pd.DataFrame) -> str:
    """The shape of one table, from its (mapped) column names; see :data:`SHAPES`.

    >>> detect_shape(pd.DataFrame(columns=["receipt_id", "sku", "timestamp"]))
    'baskets'
    >>> detect_shape(pd.DataFrame(columns=["customer_id", "timestamp"]))
    'event_log'
    >>> detect_shape(pd.DataFrame(columns=["InvoiceNo", "StockCode"]))
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The columns 'InvoiceNo', 'StockCode' do not make any shape the course reads. Map your columns to the course's names with data_options = {"columns": {...}}: receipt lines need customer_id, receipt_id, timestamp, sku, quantity, unit_price (or amount); baskets need receipt_id, sku (and timestamp); no customer, no price; event log need customer_id, timestamp (amount if any); customer table need a churn label column 'churn' and features; survey need 'overall' and/or 'recommend' with attribute scores; customer records need record_id and name / phone / email; reviews need text, label.
    """
    cols = set(df.columns)
    if {"text", "label"} <= cols:
        return "reviews"
    if "record_id" in cols and cols & {"name", "phone", "email", "card_number"}:
        return "records"
    if cols & {"overall", "recommend"}:
        return "survey"
    if "churn" in cols:
        return "customers"
    core = {"customer_id", "receipt_id", "timestamp", "sku"}
    if core <= cols and ("amount" in cols or {"quantity", "unit_price"} <= cols):
        return "receipt_lines"
    if {"receipt_id", "sku"} <= cols and "customer_id" not in cols:
        return "baskets"
    if {"customer_id", "timestamp"} <= cols:
        return "event_log"
    need = "; ".join(f"{en} need {cols_}" for en, _, cols_ in SHAPES.values())
    raise DataValidationError(
        f"The columns {', '.join(repr(str(c)) for c in df.columns)} do not make any shape the "
        'course reads. Map your columns to the course\'s names with data_options = {"columns": '
        f"{{...}}}}: {need}."
    )


def _numeric(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    out = pd.to_numeric(df[col], errors="coerce")
    bad = out.isna() & df[col].notna()
    if bad.any():
        raise DataValidationError(
            f"Column {col!r} of the {table} table must be numeric; found text that is not a "
            f"number in row {bad.idxmax()} ({df[col][bad].iloc[0]!r}). For European numbers "
            'pass data_options = {"decimal": ","}.'
        )
    return out


_YES_NO = {"yes": 1, "no": 0, "y": 1, "n": 0, "true": 1, "false": 0, "1": 1, "0": 0}


def _label(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    """A 0/1 label from numbers or yes/no, true/false text."""
    s = df[col]
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s.astype("float64") if s.isna().any() else s.astype("int64")
    out = s.astype("string").str.strip().str.lower().map(_YES_NO)
    bad = out.isna() & s.notna()
    if bad.any():
        raise DataValidationError(
            f"Column {col!r} of the {table} table must be a 0/1 label (or yes/no); found "
            f"{s[bad].iloc[0]!r} in row {bad.idxmax()}."
        )
    return out.astype("float64") if out.isna().any() else out.astype("int64")


def _prepare(df: pd.DataFrame, shape: str, name: str, opts: Mapping[str, Any]) -> pd.DataFrame:
    """Parse dates and check one table of the given shape."""
    dates = {"dayfirst": opts.get("dayfirst"), "date_format": opts.get("date_format")}
    out = df.copy()
    for col in _DATE_COLUMNS:
        if col in out.columns:
            out[col] = parse_dates(out[col], column=col, table=name, **dates)
    if shape == "receipt_lines":
        return validate_transactions(out, table=name, allow_returns=bool(opts.get("allow_returns")))
    for col in ("customer_id", "receipt_id", "sku"):
        if col in out.columns and out[col].isna().any():
            raise DataValidationError(
                f"Column {col!r} of the {name} table must not have missing values; found "
                f"{int(out[col].isna().sum())} (first in row {out[col].isna().idxmax()})."
            )
    for col in ("amount", "quantity", "unit_price", "overall", "recommend"):
        if col in out.columns:
            out[col] = _numeric(out, col, name)
    for col in ("churn", "label"):
        if col in out.columns:
            out[col] = _label(out, col, name)
    if shape == "event_log" and "receipt_id" not in out.columns:
        # one purchase per customer and moment: the visits of an event log
        out["receipt_id"] = out.groupby(["customer_id", "timestamp"], sort=False).ngroup()
    return out


@dataclass(eq=False)
class DataSet:
    """The data a chapter works on: its tables, their shapes and what they can feed."""

    tables: dict[str, pd.DataFrame]
    shapes: dict[str, str]
    source: str
    simulated: bool = False
    retailer: Any = None
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> str:
        """The shape of the main table (``"simulated"`` for the simulated retailer)."""
        return "simulated" if self.simulated else next(iter(self.shapes.values()))

    def _family(self, family: str) -> pd.DataFrame | None:
        if family == "retailer":
            return None
        if self.simulated and family in _SIMULATED_TABLES:
            name = _SIMULATED_TABLES[family]
            if name not in self.retailer.tables:
                self.retailer = self.retailer.with_tables(name)
            return self.retailer.tables[name]
        if self.simulated and family == "transactions":
            return self.tables["transactions"]
        shapes = _TX_SHAPES if family == "transactions" else (family,)
        for name, shape in self.shapes.items():
            if shape in shapes:
                return self.tables[name]
        return None

    def missing(self, need: str) -> list[str]:
        """The columns (or the table) ``need`` lacks; empty when the data can feed it."""
        if need not in NEEDS:
            raise ValueError(f"need must be one of {', '.join(map(repr, NEEDS))}; got {need!r}.")
        family, cols = NEEDS[need]
        if family == "retailer":
            return [] if self.simulated else ["the simulated retailer"]
        if self.simulated and family == "customers":
            return ["a customer table"]
        table = self._family(family)
        if table is None:
            if family not in SHAPES:
                return ["receipt lines, baskets or an event log"]
            name = SHAPES[family][0]
            return [f"a {name}" if name.endswith("table") else f"a {name} table"]
        return [c for c in cols if c not in table.columns]

    def can(self, need: str) -> bool:
        """Whether the data can feed a section that needs ``need`` (a key of :data:`NEEDS`)."""
        return not self.missing(need)

    def requires(self, need: str) -> None:
        """Raise :class:`DataNotAvailable` naming what is missing, if anything."""
        gap = self.missing(need)
        if gap:
            raise DataNotAvailable(
                f"This section ({need}) needs {', '.join(map(repr, gap))}, which your data do "
                f"not have (shape: {self.shape}). Map a column of yours to it with "
                'data_options = {"columns": {...}}, or add the table.'
            )

    @property
    def transactions(self) -> Any:
        """Receipt lines, baskets or an event log; :class:`Unavailable` if there are none."""
        table = self._family("transactions")
        if table is None:
            return Unavailable("transactions (receipt lines, baskets or an event log)")
        return table

    def table(self, shape: str) -> Any:
        """The table of a shape (``"survey"``, ``"records"``, ...), or :class:`Unavailable`."""
        table = self._family(shape)
        if table is None:
            return Unavailable(f"a {SHAPES[shape][0]} table", f"it needs {SHAPES[shape][2]}")
        return table

    def summary(self) -> str:
        """One line per table: its name, shape, size and the sections it cannot feed."""
        if self.simulated:
            return f"{self.source}: the simulated retailer (模拟零售商); every section runs."
        lines = []
        for name, shape in self.shapes.items():
            en, zh, _ = SHAPES[shape]
            t = self.tables[name]
            lines.append(f"{name}: {en} ({zh}), {len(t):,} rows, columns {', '.join(map(str, t))}")
        can = [n for n in NEEDS if self.can(n)]
        lines.append(f"feeds the sections that need: {', '.join(can) or 'none'}")
        gaps = [f"{n} ({', '.join(self.missing(n))})" for n in NEEDS if not self.can(n)]
        if gaps:
            lines.append("shows a note instead of: " + "; ".join(gaps))
        return "\n".join([f"Your data {self.source}:", *lines, *self.notes])

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        body = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        return f'<div style="border-left:4px solid #4a7;padding:4px 8px">{body}</div>'


def _source_name(source: Any) -> str:
    if isinstance(source, Mapping):
        return ", ".join(f"{k}={os.fspath(v)!r}" for k, v in source.items())
    return repr(os.fspath(source)) if isinstance(source, os.PathLike) else repr(source)


def _named(source: str, seed: int, n_customers: int | str, extra: tuple[str, ...]) -> DataSet:
    """The simulated retailer (with its extra tables) or a named real data set."""
    if source == "simulated":
        retailer = load_retailer(seed=seed, n_customers=n_customers)
        tx = retailer.transactions()
        retailer = retailer.with_tables(*extra) if extra else retailer
    else:
        tx = load_transactions(source)
        retailer = Unavailable("the simulated retailer", f"data_source is {source!r}")
    return DataSet(
        {"transactions": tx},
        {"transactions": "receipt_lines"},
        repr(source),
        simulated=source == "simulated",
        retailer=retailer,
    )


def load_data(
    data_source: str | os.PathLike[str] | Mapping[str, Any] = "simulated",
    *,
    seed: int = 7,
    n_customers: int | str = 5000,
    extra_tables: tuple[str, ...] = (),
    **data_options: Any,
) -> DataSet:
    """Load a chapter's data and detect its shape (see the module docstring).

    ``data_source`` is ``"simulated"``, ``"online_retail"``, ``"cdnow"``, a path, a glob
    pattern, or a dict of table name → path; ``data_options`` as for
    :func:`~crm_helpers.datasets.load_transactions`. ``extra_tables`` are the simulated
    retailer's extra tables a chapter uses (``"surveys"``, ``"points"``, ...): added to
    ``data.retailer`` for ``"simulated"``, never for other data.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "baskets.csv"
    >>> _ = path.write_text("Invoice;Item\\nA1;tea\\nA1;cup\\nA2;tea\\n", encoding="utf-8")
    >>> data = load_data(path, columns={"receipt_id": "Invoice", "sku": "Item"})
    >>> data.shape, data.can("rules"), data.can("spend")
    ('baskets', True, False)
    >>> data.missing("spend")
    ['customer_id', 'timestamp', 'amount']
    """
    check_options(data_options)
    if isinstance(data_source, str) and data_source in DATA_SOURCES:
        check_named_source(data_source, data_options)
        return _named(data_source, seed, n_customers, extra_tables)
    reading = {k: v for k, v in data_options.items() if k in READ_OPTIONS}
    raw = read_tables(data_source, columns=data_options.get("columns"), **reading)
    shapes = {name: detect_shape(t) for name, t in raw.items()}
    if list(raw) == ["data"]:
        raw = {shapes["data"]: raw["data"]}
        shapes = {shapes["data"]: shapes["data"]}
    tables = {n: _prepare(t, shapes[n], n, data_options) for n, t in raw.items()}
    notes = []
    if "event_log" in shapes.values():
        notes.append("Each customer's events at one moment count as one purchase (one receipt_id).")
    return DataSet(
        tables,
        shapes,
        _source_name(data_source),
        retailer=Unavailable(
            "the simulated retailer", "it exists only for data_source='simulated'"
        ),
        notes=notes,
    )
