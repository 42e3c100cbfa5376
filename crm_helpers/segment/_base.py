"""Shared input checks of the segmentation modules (private)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers._engine_source import narrow_transactions
from crm_helpers.schema import DataValidationError, require_columns

_TABLE = "transactions"
_TX_COLUMNS = ("customer_id", "receipt_id", "timestamp", "amount")
_DAY_NS = 86_400 * 10**9
_MONTH_DAYS = 365.25 / 12

# --------------------------------------------------------------------------- helpers


def _narrow(
    tx: pd.DataFrame, extra: Sequence[str] = (), *, allow_returns: bool = False
) -> pd.DataFrame:
    """The columns needed, checked cheaply, with naive timestamps."""
    if len(tx) == 0:
        require_columns(tx, [*_TX_COLUMNS, *extra], _TABLE)
        raise DataValidationError("The transactions table is empty: it has no rows.")
    numeric = ("amount", *[c for c in extra if c in ("quantity", "unit_cost", "discount")])
    narrow = narrow_transactions(tx, tuple(extra), numeric)
    if not allow_returns:
        bad = narrow["amount"].to_numpy() <= 0
        if bad.any():
            n = int(bad.sum())
            pos = int(np.flatnonzero(bad)[0])
            first, value = narrow.index[pos], float(narrow["amount"].iloc[pos])
            raise DataValidationError(
                f"Column 'amount' of the transactions table must be greater than 0; found "
                f"{n} zero or negative value{'s' if n != 1 else ''} (first at row {first!r}: "
                f"{value!r}). These are returns or "
                "cancellations: remove them first, or pass allow_returns=True to net them "
                "against the sales."
            )
    return narrow


def _positive(name: str, value: float | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}.")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        need = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {need}; got {value!r}.")
