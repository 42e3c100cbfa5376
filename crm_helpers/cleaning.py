"""Data cleaning (数据清洗) with a report of what was removed and why.

Real transaction data arrive dirty: the same line loaded twice (重复值), empty fields
(缺失值), numbers stored as text that cannot be read (类型错误), returns and cancellations
(退货与取消) mixed with sales, and typing slips that make a line a thousand times too big
(异常值). :func:`cleaning_report` removes each kind in turn and records, per step, the rule,
the rows before, the rows removed and the rows after, so that nothing disappears silently.

The steps, in order:

1. **duplicates** — a row equal to an earlier row in every column (the first copy stays);
2. **missing values** — a required column (customer, receipt, time, product, quantity,
   price, amount) is empty;
3. **type problems** — quantity, unit price or amount is not a number, or the timestamp is
   not a date (text that *can* be read, such as ``"3"``, is converted, not removed);
4. **returns and cancellations** — quantity, unit price or amount ≤ 0;
5. **outliers** — Tukey's fences on the logarithm of ``amount``: a line is an outlier when
   ``log(amount)`` lies outside ``[Q1 − k·IQR, Q3 + k·IQR]`` (``k = 1.5``). Line amounts are
   skewed (many small lines, a few big ones), so the fences are set on the log scale, where
   the distribution is roughly symmetric; the alternative ``method="robust_z"`` flags
   ``|0.6745·(x − median) / MAD| > 3.5`` on the same log scale (Iglewicz & Hoaglin 1993).

:func:`make_dirty` injects each kind of dirt into a copy of a clean table, with a seed, and
returns the truth of what it injected, so that the report can be checked against it.
:func:`online_retail_report` does the same for the raw UCI Online Retail data, reusing the
rules of :func:`crm_helpers.datasets.clean_online_retail`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers.datasets import CleaningReport, clean_online_retail
from crm_helpers.datasets._cleaning_report import STEP_COLUMNS, steps_table
from crm_helpers.schema import REQUIRED_COLUMNS, check_choice, require_columns

__all__ = [
    "CleaningReport",
    "PROBLEMS",
    "make_dirty",
    "outlier_mask",
    "cleaning_report",
    "online_retail_report",
]

#: The kinds of dirt :func:`make_dirty` injects, and the report step that removes each.
PROBLEMS: dict[str, str] = {
    "duplicate": "duplicates",
    "missing": "missing values",
    "type": "type problems",
    "return": "returns and cancellations",
    "outlier": "outliers",
}

_NUMERIC = ("quantity", "unit_price", "amount")


# --------------------------------------------------------------------------- dirt


def make_dirty(
    tx: pd.DataFrame,
    seed: int = 0,
    *,
    duplicates: float = 0.02,
    missing: float = 0.01,
    types: float = 0.01,
    returns: float = 0.01,
    outliers: float = 0.005,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A dirty copy of a clean transaction table, and the truth of what was injected.

    Each share is a fraction of ``len(tx)`` (rounded, at least one row when the share is
    positive); the rows touched by different kinds are distinct.

    - **duplicate**: a row loaded twice; the copy follows its original.
    - **missing**: ``customer_id`` (even-numbered picks) or ``sku`` (odd) emptied.
    - **type**: the quantity is unreadable text (``"2件"``, ``"two"``, ``"?"``); the whole
      column is text, as after reading a mixed CSV, so other quantities read like ``"2"``.
    - **return**: a copy of a line with negative quantity and amount (the goods came back).
    - **outlier**: quantity and amount × 1000 (grams typed where kilograms were meant).

    Parameters
    ----------
    tx:
        A transaction table without these problems (required columns of the schema).
    seed:
        Random seed; the same seed gives the same dirty table.
    duplicates, missing, types, returns, outliers:
        Share of rows of each kind, each in [0, 0.2].

    Returns
    -------
    (dirty, truth)
        ``dirty`` has a fresh index 0 … n − 1 and a text ``quantity`` column; ``truth`` has
        one row per injected problem: ``row`` (the index in ``dirty``) and ``problem``
        (one of :data:`PROBLEMS`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3, 4], "receipt_id": [1, 2, 3, 4],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4), "sku": list("abcd"),
    ...     "quantity": [1, 2, 3, 4], "unit_price": [1.0] * 4, "amount": [1.0, 2, 3, 4]})
    >>> dirty, truth = make_dirty(tx, seed=1, duplicates=0.2, missing=0, types=0,
    ...                           returns=0, outliers=0)
    >>> len(dirty), truth["problem"].tolist()
    (5, ['duplicate'])
    """
    chosen = _choose_dirty_rows(tx, (duplicates, missing, types, returns, outliers), seed)
    return _append_copies(*_inject_in_place(tx, chosen), chosen)


def _choose_dirty_rows(
    tx: pd.DataFrame, values: tuple[float, ...], seed: int
) -> dict[str, np.ndarray]:
    """Validate the table and shares; pick distinct row positions for each kind of dirt."""
    require_columns(tx, REQUIRED_COLUMNS, "transactions")
    shares = dict(zip(PROBLEMS, values, strict=True))
    n = len(tx)
    for name, share in zip(
        ("duplicates", "missing", "types", "returns", "outliers"), shares.values(), strict=True
    ):
        if not 0 <= share <= 0.2:
            raise ValueError(f"{name} must be a share between 0 and 0.2; got {share!r}.")
    counts = {k: (max(1, round(s * n)) if s > 0 else 0) for k, s in shares.items()}
    if sum(counts.values()) > n:
        raise ValueError(
            f"The table has {n} rows, too few for the requested dirt ({sum(counts.values())} rows)."
        )
    rng = np.random.default_rng(seed)
    picks = rng.permutation(n)
    chosen: dict[str, np.ndarray] = {}
    start = 0
    for kind, c in counts.items():
        chosen[kind] = np.sort(picks[start : start + c])
        start += c
    return chosen


def _inject_in_place(
    tx: pd.DataFrame, chosen: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, pd.Series]:
    """A copy of ``tx`` with the missing, type and outlier problems, and each row's label."""
    base = tx.reset_index(drop=True).copy()
    base["quantity"] = base["quantity"].astype(object)
    base["customer_id"] = base["customer_id"].astype(object)
    base["sku"] = base["sku"].astype(object)
    kind = pd.Series("", index=base.index, dtype=object)

    miss = chosen["missing"]  # even-numbered picks lose the customer, odd ones the sku
    base.loc[miss[0::2], "customer_id"] = None
    base.loc[miss[1::2], "sku"] = None
    kind.iloc[miss] = "missing"
    words = ["{q}件", "two", "?", "{q} pcs", "n/a"]
    typed = chosen["type"]
    base.loc[typed, "quantity"] = [
        words[i % len(words)].format(q=q) for i, q in enumerate(base.loc[typed, "quantity"])
    ]
    kind.iloc[typed] = "type"
    out_pos = chosen["outlier"]
    base.loc[out_pos, "quantity"] = [q * 1000 for q in base.loc[out_pos, "quantity"]]
    base.loc[out_pos, "amount"] = base.loc[out_pos, "amount"] * 1000
    kind.iloc[out_pos] = "outlier"
    base["quantity"] = base["quantity"].map(str)
    return base, kind


def _append_copies(
    base: pd.DataFrame, kind: pd.Series, chosen: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add duplicate and return rows right after their source rows; the dirty table and truth."""
    # appended rows sit right after their source row (order key: source position + 0.5)
    order = pd.Series(np.arange(len(base), dtype=float))
    dup = base.iloc[chosen["duplicate"]].copy()
    ret = base.iloc[chosen["return"]].copy()
    ret["quantity"] = "-" + ret["quantity"]
    ret["amount"] = -ret["amount"]
    pieces = [base, dup, ret]
    keys = [order, pd.Series(chosen["duplicate"] + 0.25), pd.Series(chosen["return"] + 0.5)]
    kinds = [kind, pd.Series("duplicate", index=dup.index), pd.Series("return", index=ret.index)]
    dirty = pd.concat(pieces, ignore_index=True)
    key = pd.concat(keys, ignore_index=True)
    labels = pd.concat(kinds, ignore_index=True)
    sort = np.argsort(key.to_numpy(), kind="stable")
    dirty = dirty.iloc[sort].reset_index(drop=True)
    labels = labels.iloc[sort].reset_index(drop=True)
    truth = pd.DataFrame({"row": labels.index[labels != ""], "problem": labels[labels != ""]})
    return dirty, truth.reset_index(drop=True)


# --------------------------------------------------------------------------- rules


def outlier_mask(
    values: pd.Series, *, method: str = "iqr", k: float = 1.5, log: bool = True
) -> pd.Series:
    """Which values are outliers (True), by Tukey's fences or a robust z-score.

    Parameters
    ----------
    values:
        Numbers (positive if ``log``).
    method:
        ``"iqr"``: outside ``[Q1 − k·IQR, Q3 + k·IQR]``; ``"robust_z"``:
        ``|0.6745·(x − median) / MAD| > k`` (use ``k = 3.5``).
    k:
        The fence multiplier (``iqr``) or the z threshold (``robust_z``); > 0.
    log:
        Apply the rule to ``log(values)`` (for skewed amounts).

    Examples
    --------
    >>> outlier_mask(pd.Series([1.0, 2, 3, 4, 100]), log=False).tolist()
    [False, False, False, False, True]
    >>> outlier_mask(pd.Series([10.0, 12, 11, 13, 9, 500]), method="robust_z", k=3.5).tolist()
    [False, False, False, False, False, True]
    """
    check_choice("method", method, ["iqr", "robust_z"])
    if not k > 0:
        raise ValueError(f"k must be > 0; got {k!r}.")
    x = pd.to_numeric(values, errors="raise").astype("float64")
    if log:
        if (x <= 0).any():
            raise ValueError("log=True needs positive values; remove values ≤ 0 first.")
        x = np.log(x)
    if method == "iqr":
        q1, q3 = x.quantile(0.25), x.quantile(0.75)
        iqr = q3 - q1
        return (x < q1 - k * iqr) | (x > q3 + k * iqr)
    median = x.median()
    mad = (x - median).abs().median()
    if mad == 0:
        return x != median
    return (0.6745 * (x - median) / mad).abs() > k


def _parse_numbers(df: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, pd.Series]:
    out = df.copy()
    bad = pd.Series(False, index=df.index)
    for col in columns:
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            continue
        parsed = pd.to_numeric(df[col].astype(str).str.strip(), errors="coerce")
        bad |= parsed.isna()
        out[col] = parsed
    return out, bad


def _outlier_step(values: pd.Series, column: str, method: str, k: float) -> tuple[str, pd.Series]:
    """The outlier step's rule text and mask (all False on an empty table)."""
    mask = (
        outlier_mask(values, method=method, k=k)
        if len(values)
        else pd.Series(False, index=values.index)
    )
    rule = (
        f"log({column}) outside [Q1 − {k:g}·IQR, Q3 + {k:g}·IQR]"
        if method == "iqr"
        else f"|robust z of log({column})| > {k:g}"
    )
    return rule, mask


def _parse_types(data: pd.DataFrame, numeric: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Numbers and timestamps parsed; the mask of rows where one could not be read."""
    parsed, bad = _parse_numbers(data, numeric)
    if "timestamp" in data.columns and not pd.api.types.is_datetime64_any_dtype(data["timestamp"]):
        stamps = pd.to_datetime(data["timestamp"], errors="coerce", format="mixed")
        bad |= stamps.isna()
        parsed["timestamp"] = stamps
    return parsed, bad


def _clean_steps(
    tx: pd.DataFrame, required: list[str], outlier_column: str, method: str, k: float
) -> CleaningReport:
    """The body of :func:`cleaning_report`: run the five steps in order."""
    require_columns(tx, list(dict.fromkeys([*required, outlier_column])), "transactions")
    check_choice("method", method, ["iqr", "robust_z"])
    total = len(tx)
    labels = tx.index
    original = tx.set_axis(pd.RangeIndex(total))  # positions, so repeated labels are safe
    data = original
    removed: list[pd.DataFrame] = []
    rows: list[tuple[str, str, int, int, int]] = []

    def drop(step: str, rule: str, mask: pd.Series) -> None:
        nonlocal data
        before = len(data)
        removed.append(original.loc[mask[mask].index].assign(step=step))
        data = data.loc[~mask]
        rows.append((step, rule, before, before - len(data), len(data)))

    drop("duplicates", "an exact copy of an earlier row (every column equal)", data.duplicated())
    drop(
        "missing values",
        f"a required column is empty ({', '.join(required)})",
        data[required].isna().any(axis=1),
    )
    numeric = [c for c in _NUMERIC if c in data.columns]
    data, bad = _parse_types(data, numeric)
    drop("type problems", f"{', '.join(numeric)} not a number, or timestamp not a date", bad)
    nonpositive = (data[numeric] <= 0).any(axis=1)
    drop(
        "returns and cancellations",
        f"{', '.join(numeric)} ≤ 0: returns, cancellations or corrections, not sales",
        nonpositive,
    )
    values = pd.to_numeric(data[outlier_column])
    drop("outliers", *_outlier_step(values, outlier_column, method, k))
    out = pd.concat(removed)
    return CleaningReport(
        data=data.set_axis(labels[data.index.to_numpy()]),
        steps=steps_table(rows, total),
        removed=out.set_axis(labels[out.index.to_numpy()]),
    )


def cleaning_report(
    tx: pd.DataFrame,
    *,
    required: Sequence[str] = REQUIRED_COLUMNS,
    outlier_column: str = "amount",
    method: str = "iqr",
    k: float = 1.5,
) -> CleaningReport:
    """Clean a transaction table step by step and report what each step removed and why.

    The steps and their rules are in the module docstring; ``tx`` is not changed.

    Parameters
    ----------
    tx:
        A transaction table, possibly dirty (text numbers, empty fields, duplicates ...).
    required:
        Columns that may not be empty.
    outlier_column:
        The column the outlier rule looks at (on the log scale).
    method, k:
        The outlier rule, see :func:`outlier_mask`.

    Returns
    -------
    CleaningReport
        ``.data``, ``.steps`` (step, rule, rows_before, rows_removed, rows_after, share)
        and ``.removed``. Raises ``DataValidationError`` if a required column is missing.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, None, 3, 4, 5, 6],
    ...     "receipt_id": [1, 1, 2, 3, 4, 5, 6, 7],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 8), "sku": list("aabcdefg"),
    ...     "quantity": ["1", "1", "x", "2", "-1", "1", "2", "2"],
    ...     "unit_price": [5.0] * 8, "amount": [5.0, 5, 5, 10, -5, 5, 10, 10]})
    >>> report = cleaning_report(tx)
    >>> report.steps[["step", "rows_removed", "rows_after"]]
                            step  rows_removed  rows_after
    0                 duplicates             1           7
    1             missing values             1           6
    2              type problems             1           5
    3  returns and cancellations             1           4
    4                   outliers             0           4
    """
    return _clean_steps(tx, list(required), outlier_column, method, k)


def _online_retail_steps(raw: pd.DataFrame, method: str, k: float) -> CleaningReport:
    """The body of :func:`online_retail_report`."""
    cleaned = clean_online_retail(raw)
    first = cleaned.steps
    data = cleaned.data
    dup = data.duplicated()
    after_dup = data.loc[~dup]
    rule, outliers = _outlier_step(after_dup["amount"], "amount", method, k)
    n1, n2 = len(data), len(after_dup)
    rows = [
        *first[STEP_COLUMNS[:-1]].itertuples(index=False, name=None),
        ("duplicates", "an exact copy of an earlier line (every column equal)", n1, n1 - n2, n2),
        ("outliers", rule, n2, int(outliers.sum()), n2 - int(outliers.sum())),
    ]
    removed = pd.concat(
        [data.loc[dup].assign(step="duplicates"), after_dup.loc[outliers].assign(step="outliers")]
    )
    return CleaningReport(
        data=after_dup.loc[~outliers],
        steps=steps_table([tuple(r) for r in rows], len(raw)),
        removed=removed,
    )


def online_retail_report(
    raw: pd.DataFrame, *, method: str = "iqr", k: float = 3.0
) -> CleaningReport:
    """The cleaning report for the raw UCI Online Retail table.

    First the rules of :func:`crm_helpers.datasets.clean_online_retail` (no customer,
    cancellation, quantity ≤ 0, price ≤ 0) — reused, not repeated — then exact duplicate
    lines and outliers (``log(amount)`` outside Tukey's fences with ``k = 3``, the "far
    out" fence: this is a wholesale-heavy shop where big orders are normal).

    Parameters
    ----------
    raw:
        ``crm.datasets.load_online_retail(raw=True)``.
    method, k:
        The outlier rule, see :func:`outlier_mask`.

    Returns
    -------
    CleaningReport
        ``.data`` in the course schema; ``.removed`` holds the rows removed by the
        duplicate and outlier steps (the earlier steps' rows are in the raw table).

    Examples
    --------
    >>> raw = pd.DataFrame({"InvoiceNo": ["1", "1", "1", "C2"], "StockCode": ["a", "a", "b", "a"],
    ...     "Description": ["A", "A", "B", "A"], "Quantity": [1, 1, 2, -1],
    ...     "InvoiceDate": pd.to_datetime(["2011-01-01"] * 4), "UnitPrice": [2.0] * 4,
    ...     "CustomerID": [7.0] * 4, "Country": ["UK"] * 4})
    >>> online_retail_report(raw).steps[["step", "rows_removed"]]
                        step  rows_removed
    0            no customer             0
    1           cancellation             1
    2  non-positive quantity             0
    3     non-positive price             0
    4             duplicates             1
    5               outliers             0
    """
    return _online_retail_steps(raw, method, k)
