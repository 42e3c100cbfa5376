"""The CDNOW sample of Fader & Hardie."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from crm_helpers.schema import (
    validate_transactions,
)

if TYPE_CHECKING:  # pragma: no cover
    pass


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


_CDNOW_KINDS = ("transactions", "summary", "summary_monetary", "raw")


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

    Raises ``ValueError`` for an unknown ``kind`` (the message lists the valid ones), and
    ``ImportError`` if ``lifetimes`` is not installed.

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
    if kind not in _CDNOW_KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, _CDNOW_KINDS))}; got {kind!r}.")
    if kind.startswith("summary"):
        return _cdnow_summary(monetary=kind == "summary_monetary")
    sample = _read_cdnow_sample()
    return sample if kind == "raw" else _cdnow_transactions(sample)
