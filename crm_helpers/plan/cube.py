"""The three-dimensional analysis framework (三维分析框架): customer × product × behaviour cube."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_helpers.plan._common import _TX
from crm_helpers.plan.base import product_classes
from crm_helpers.schema import DataValidationError, check_choice, require_columns

__all__ = ["crm_cube", "slice_cube", "roll_up"]

_MEASURES = ("sales", "lines", "quantity", "margin")


def _behaviour(tx: pd.DataFrame, behaviour: str) -> pd.Series:
    if behaviour == "daytype":
        weekend = tx["timestamp"].dt.day_of_week >= 5
        return pd.Series(np.where(weekend, "weekend 周末", "weekday 工作日"), index=tx.index)
    if behaviour == "promo":
        require_columns(tx, ["discount"], "transactions")
        return pd.Series(
            np.where(tx["discount"] > 0, "promotion 促销", "full price 正价"), index=tx.index
        )
    if behaviour == "daypart":
        h = tx["timestamp"].dt.hour
        part = np.select([h < 12, h < 18], ["morning 上午", "afternoon 下午"], "evening 晚上")
        return pd.Series(part, index=tx.index)
    require_columns(tx, [behaviour], "transactions")
    return tx[behaviour].astype("str")


def _line_classes(tx: pd.DataFrame, customer_classes: pd.Series) -> pd.Series:
    """Each line's customer class; an error naming a buyer without one."""
    cust = tx["customer_id"].map(customer_classes)
    if cust.isna().any():
        missing = tx.loc[cust.isna(), "customer_id"].iloc[0]
        raise DataValidationError(
            f"customer_classes has no class for customer_id {missing!r}: give every buyer a class."
        )
    return cust


def _cube_lines(tx: pd.DataFrame, cust: pd.Series, product: str, behaviour: str) -> pd.DataFrame:
    """One row per line: its three cube coordinates and the measures."""
    frame = pd.DataFrame(
        {
            "customer": cust.to_numpy(),
            "product": tx[product].astype("str").to_numpy(),
            "behaviour": _behaviour(tx, behaviour).to_numpy(),
            "sales": tx["amount"].to_numpy(dtype="float64"),
            "lines": 1,
            "receipt_id": tx["receipt_id"].to_numpy(),
            "customer_id": tx["customer_id"].to_numpy(),
        }
    )
    if "quantity" in tx.columns:
        frame["quantity"] = tx["quantity"].to_numpy()
        if "unit_cost" in tx.columns:
            cost = (tx["unit_cost"] * tx["quantity"]).to_numpy(dtype="float64")
            frame["margin"] = frame["sales"] - cost
    return frame


def crm_cube(
    tx: pd.DataFrame,
    customer_classes: pd.Series,
    *,
    product: str = "category",
    behaviour: str = "channel",
) -> pd.DataFrame:
    """The CRM three-dimensional analysis framework (三维分析框架) as a cube.

    Axes: **customer structure** (客户结构: ``customer_classes``, a Series of labels
    indexed by ``customer_id``, e.g. :func:`value_groups`), **product structure** (商品结构:
    the column ``product`` of ``tx``; ``"category"`` falls back to the ABC class of
    :func:`product_classes` when missing) and **consumption-behaviour structure**
    (消费行为结构: a column such as ``"channel"``, or ``"daytype"`` weekday/weekend,
    ``"promo"`` promotion/full price, ``"daypart"`` morning/afternoon/evening).

    Returns a long DataFrame, one row per non-empty cell: ``customer``, ``product``,
    ``behaviour``, the **additive** measures ``sales``, ``lines``, ``quantity`` and
    ``margin`` (the last two when ``quantity`` / ``unit_cost`` exist) — any slice or
    roll-up of these sums to the totals — and the distinct counts ``receipts`` and
    ``customers`` of the cell (not additive: one receipt can span several categories).

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "receipt_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-06", "2024-01-06", "2024-01-08"]),
    ...     "category": ["x", "y", "x"], "amount": [1.0, 2.0, 4.0]})
    >>> cube = crm_cube(tx, pd.Series({1: "A", 2: "B"}), behaviour="daytype")
    >>> cube[["customer", "product", "behaviour", "sales"]]
      customer product  behaviour  sales
    0        A       x  weekend 周末    1.0
    1        A       y  weekend 周末    2.0
    2        B       x  weekday 工作日    4.0
    """
    require_columns(tx, _TX, "transactions")
    if not isinstance(customer_classes, pd.Series):
        raise TypeError("customer_classes must be a Series of labels indexed by customer_id.")
    if product == "category" and "category" not in tx.columns:
        tx = tx.assign(category=tx["sku"].astype("str").map(product_classes(tx)))
    require_columns(tx, [product], "transactions")
    cust = _line_classes(tx, customer_classes)
    frame = _cube_lines(tx, cust, product, behaviour)
    keys = ["customer", "product", "behaviour"]
    measures = [m for m in _MEASURES if m in frame.columns]
    g = frame.groupby(keys, sort=True)
    out = g[measures].sum()
    out["receipts"] = g["receipt_id"].nunique()
    out["customers"] = g["customer_id"].nunique()
    return out.reset_index()


def slice_cube(cube: pd.DataFrame, **where: object) -> pd.DataFrame:
    """A slice of the cube: the cells where each given axis equals the given value (a list
    of values selects several), e.g. ``slice_cube(cube, product="fresh")``.

    >>> cube = pd.DataFrame({"customer": [1, 1, 2], "product": ["x", "y", "x"],
    ...     "behaviour": ["a", "a", "b"], "sales": [1.0, 2.0, 4.0]})
    >>> slice_cube(cube, product="x")["sales"].sum()
    np.float64(5.0)
    """
    out = cube
    for axis, value in where.items():
        check_choice("axis", axis, ["customer", "product", "behaviour"])
        values = value if isinstance(value, (list, tuple, set)) else [value]
        out = out[out[axis].isin(values)]
    return out.reset_index(drop=True)


def roll_up(cube: pd.DataFrame, axes: str | Sequence[str] = ()) -> pd.DataFrame:
    """Sum the cube's additive measures by the given axes (``()``: the grand total).

    Distinct counts (``receipts``, ``customers``) are dropped: they do not add up.

    >>> cube = pd.DataFrame({"customer": [1, 1, 2], "product": ["x", "y", "x"],
    ...     "behaviour": ["a", "a", "b"], "sales": [1.0, 2.0, 4.0]})
    >>> roll_up(cube, "product")
      product  sales
    0       x    5.0
    1       y    2.0
    """
    axes = [axes] if isinstance(axes, str) else list(axes)
    for axis in axes:
        check_choice("axis", axis, ["customer", "product", "behaviour"])
    measures = [m for m in _MEASURES if m in cube.columns]
    if not axes:
        return cube[measures].sum().to_frame("total").T.reset_index(drop=True)
    return cube.groupby(axes, sort=True)[measures].sum().reset_index()
