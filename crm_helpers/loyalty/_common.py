"""Shared inputs of the loyalty helpers: checked timestamps, transactions and receipts."""

from __future__ import annotations

import pandas as pd

from ..schema import PERIODS, DataValidationError, require_columns

__all__ = ["LEDGER_KINDS", "checked_transactions", "receipt_totals"]


LEDGER_KINDS: dict[str, int] = {"earn": 1, "redeem": -1, "expire": -1}
_KIND_ORDER = {"expire": 0, "earn": 1, "redeem": 2}
_PERIOD_FREQ = PERIODS  # the periods of crm_helpers.timeframe

# ----------------------------------------------------------------------------- helpers


def checked_transactions(tx: pd.DataFrame, table: str = "transactions") -> pd.DataFrame:
    """``tx`` itself, once it has customer_id, receipt_id, timestamp (datetime) and amount;
    otherwise a ``DataValidationError`` naming what is missing or wrong."""
    require_columns(tx, ["customer_id", "receipt_id", "timestamp", "amount"], table)
    if not pd.api.types.is_datetime64_any_dtype(tx["timestamp"]):
        raise DataValidationError(
            f"Column 'timestamp' of the {table} table must hold datetimes; found "
            f"{tx['timestamp'].dtype}. Convert it with pd.to_datetime first."
        )
    return tx


def receipt_totals(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per receipt: customer_id, receipt_id, timestamp, amount (the receipt's total).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": ["a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "amount": [2.0, 3.0, 4.0]})
    >>> receipt_totals(tx)[["receipt_id", "amount"]].to_dict("list")
    {'receipt_id': ['a', 'b'], 'amount': [5.0, 4.0]}
    """
    return (
        checked_transactions(tx)
        .groupby("receipt_id", sort=False, observed=True)
        .agg(
            customer_id=("customer_id", "first"),
            timestamp=("timestamp", "min"),
            amount=("amount", "sum"),
        )  # fmt: skip
        .reset_index()
    )


def _inside(tx: pd.DataFrame, when: pd.Timestamp, name: str) -> None:
    first, last = tx["timestamp"].min(), tx["timestamp"].max()
    if len(tx) == 0:
        raise DataValidationError("The transactions table is empty.")
    if not first < when <= last + pd.Timedelta(days=1):
        raise ValueError(
            f"{name} {when} is outside the data, which runs from {first} to {last}. "
            f"Choose {name} after the first purchase and at most one day after the last."
        )
