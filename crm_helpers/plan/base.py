"""Base data under full membership (全会员制基础数据): membership card, one receipt, product
structure, regions and the customer list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_helpers import _catalogue as cat
from crm_helpers import segment
from crm_helpers.plan._common import _TX
from crm_helpers.schema import DataValidationError, require_columns

__all__ = [
    "pick",
    "membership_card_design",
    "with_products",
    "receipt_view",
    "product_classes",
    "product_structure",
    "region_structure",
    "customer_list",
]

_TYPE_ZH = {"string": "文本", "integer": "整数", "category": "类别", "datetime": "日期",
            "boolean": "是/否"}  # fmt: skip


def membership_card_design() -> pd.DataFrame:
    """The membership card's application form (会员卡设计) as data: one row per field.

    Columns: ``field``, ``name_zh``, ``type``, ``source`` (the member table's column, or how
    it is obtained), ``purpose`` (what the CRM plan uses it for), and in Chinese ``type_zh``
    and ``purpose_zh``.

    >>> card = membership_card_design()
    >>> card.loc[0, ["field", "name_zh"]].tolist()
    ['card_number', '会员卡号']
    """
    columns = ["field", "name_zh", "type", "source", "purpose", "purpose_zh"]
    out = pd.DataFrame(cat.MEMBERSHIP_CARD_FIELDS, columns=columns)
    out.insert(5, "type_zh", out["type"].str.split().str[0].map(_TYPE_ZH))
    return out


def pick(df: pd.DataFrame, columns: list[str], n: int = 10) -> pd.DataFrame:
    """The first ``n`` rows of ``df`` with those of ``columns`` it has, in that order: a table
    that fits a printed page whatever the data set's columns.

    >>> pick(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), ["b", "zz"], 1)
       b
    0  3
    """
    return df[[c for c in columns if c in df.columns]].head(n)


_PRODUCT_COLUMNS = (
    "name_zh",
    "name_en",
    "category",
    "category_zh",
    "subcategory",
    "subcategory_zh",
)


def with_products(tx: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """``tx`` with the product table's names and categories joined on ``sku`` (a new table).

    Columns already in ``tx`` are kept; with ``products=None`` a copy of ``tx`` is returned.

    >>> tx = pd.DataFrame({"sku": ["A", "B"], "amount": [1.0, 2.0]})
    >>> p = pd.DataFrame({"sku": ["A", "B"], "category": ["fresh", "drinks"]})
    >>> with_products(tx, p)["category"].tolist()
    ['fresh', 'drinks']
    """
    if products is None:
        return tx.copy()
    require_columns(tx, ["sku"], "transactions")
    require_columns(products, ["sku"], "products")
    add = [c for c in _PRODUCT_COLUMNS if c in products.columns and c not in tx.columns]
    right = products[["sku", *add]].astype({"sku": "str"})
    out = tx.assign(_sku=tx["sku"].astype("str")).merge(
        right.rename(columns={"sku": "_sku"}), on="_sku", how="left"
    )
    out.index = tx.index
    return out.drop(columns="_sku")


def _receipt_header(lines: pd.DataFrame, receipt_id: object) -> dict[str, object]:
    """A receipt's header fields from its lines."""
    first = lines.iloc[0]
    header = {
        "receipt_id": receipt_id,
        "customer_id": first["customer_id"],
        "timestamp": lines["timestamp"].min(),
    }
    for col in ("channel", "store_id"):
        if col in lines.columns:
            header[col] = first[col]
    header["n_lines"] = len(lines)
    header["total"] = lines["amount"].sum()
    return header


def receipt_view(
    tx: pd.DataFrame, receipt_id: object = None, products: pd.DataFrame | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """One sales record (单笔销售记录, a receipt 小票): its header and its lines.

    Parameters
    ----------
    tx:
        Transactions (``customer_id``, ``receipt_id``, ``timestamp``, ``amount``; ``sku``,
        ``quantity``, ``unit_price``, ``discount``, ``channel``, ``store_id`` when present).
    receipt_id:
        The receipt to show; default: the receipt with the most lines (ties: the first).
    products:
        Optional product table: adds Chinese and English names to the lines.

    Returns
    -------
    (header, lines)
        ``header``: receipt_id, customer_id, timestamp, channel and store (when present),
        n_lines, total. ``lines``: the receipt's lines in their order.

    >>> tx = pd.DataFrame({"customer_id": [7, 7], "receipt_id": [1, 1], "sku": ["A", "B"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 10:00"] * 2), "amount": [2.5, 4.0]})
    >>> header, lines = receipt_view(tx)
    >>> header["total"], int(header["n_lines"])
    (np.float64(6.5), 2)
    """
    require_columns(tx, _TX, "transactions")
    if tx.empty:
        raise DataValidationError("The transactions table is empty: there is no receipt to show.")
    if receipt_id is None:
        sizes = tx.groupby("receipt_id", sort=False).size()
        receipt_id = sizes.idxmax()
    lines = tx[tx["receipt_id"] == receipt_id]
    if lines.empty:
        raise DataValidationError(f"receipt_id {receipt_id!r} is not in the transactions table.")
    lines = with_products(lines, products).reset_index(drop=True)
    header = _receipt_header(lines, receipt_id)
    show = [
        c
        for c in ("sku", "name_zh", "name_en", "category_zh", "quantity", "unit_price",
                  "discount", "amount")
        if c in lines.columns
    ]  # fmt: skip
    return pd.Series(header, name="receipt"), lines[show]


def product_classes(tx: pd.DataFrame, shares: tuple[float, float] = (0.7, 0.9)) -> pd.Series:
    """ABC classes of products (商品ABC分类) by sales: a product is ``A`` while the
    cumulative sales share *before* it is below ``shares[0]``, ``B`` below ``shares[1]``,
    else ``C``. Used as the product structure when a table has no categories.

    Returns a Series indexed by ``sku`` (largest sales first).

    >>> tx = pd.DataFrame({"sku": list("abcd"), "amount": [70.0, 20, 6, 4]})
    >>> product_classes(tx).tolist()
    ['A', 'B', 'C', 'C']
    """
    require_columns(tx, ["sku", "amount"], "transactions")
    lo, hi = shares
    if not 0 < lo < hi <= 1:
        raise ValueError(f"shares must satisfy 0 < shares[0] < shares[1] <= 1; got {shares}.")
    sales = tx.groupby("sku", observed=True)["amount"].sum().sort_values(ascending=False)
    before = sales.cumsum().shift(fill_value=0) / sales.sum()
    cls = np.where(before < lo, "A", np.where(before < hi, "B", "C"))
    return pd.Series(cls, index=sales.index, name="product_class")


def product_structure(tx: pd.DataFrame, level: str = "category") -> pd.DataFrame:
    """Product structure (商品结构): sales, margin and buyers per ``level``.

    ``level`` is a column of ``tx`` (join categories with :func:`with_products`); if it is
    ``"category"`` and missing, the ABC class of :func:`product_classes` is used instead.
    Columns: the level, ``products``, ``sales``, ``sales_share``, ``margin`` and
    ``margin_rate`` (when ``unit_cost`` is present), ``receipts``, ``customers``.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2], "receipt_id": [1, 2, 2],
    ...     "sku": ["a", "b", "c"], "category": ["x", "x", "y"], "amount": [1.0, 2, 1]})
    >>> product_structure(tx)[["category", "products", "sales"]]
      category  products  sales
    0        x         2    3.0
    1        y         1    1.0
    """
    if level == "category" and "category" not in tx.columns:
        tx = tx.assign(category=tx["sku"].astype("str").map(product_classes(tx)))
    require_columns(tx, [level, "sku", "amount", "receipt_id", "customer_id"], "transactions")
    g = tx.groupby(level, observed=True)
    out = pd.DataFrame(
        {
            "products": g["sku"].nunique(),
            "sales": g["amount"].sum(),
            "receipts": g["receipt_id"].nunique(),
            "customers": g["customer_id"].nunique(),
        }
    )
    out.insert(2, "sales_share", out["sales"] / out["sales"].sum())
    if "unit_cost" in tx.columns and "quantity" in tx.columns:
        cost = (tx["unit_cost"] * tx["quantity"]).groupby(tx[level], observed=True).sum()
        out.insert(3, "margin", out["sales"] - cost)
        out.insert(4, "margin_rate", out["margin"] / out["sales"])
    return out.sort_values("sales", ascending=False).reset_index()


def region_structure(customers: pd.DataFrame, tx: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """Members, buyers and sales per region (区域结构) — needs the member table.

    Columns: ``by``, ``members``, ``buyers``, ``sales``, ``sales_share``, ``sales_per_member``.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3], "region": ["N", "N", "S"]})
    >>> tx = pd.DataFrame({"customer_id": [1, 3], "amount": [5.0, 15.0]})
    >>> region_structure(c, tx)[["region", "members", "buyers", "sales"]]
      region  members  buyers  sales
    0      S        1       1   15.0
    1      N        2       1    5.0
    """
    require_columns(customers, ["customer_id", by], "customers")
    require_columns(tx, ["customer_id", "amount"], "transactions")
    spend = tx.groupby("customer_id")["amount"].sum()
    c = customers[["customer_id", by]].assign(sales=lambda d: d["customer_id"].map(spend))
    g = c.groupby(by, observed=True)
    out = pd.DataFrame(
        {"members": g.size(), "buyers": g["sales"].count(), "sales": g["sales"].sum()}
    )
    out["sales_share"] = out["sales"] / out["sales"].sum()
    out["sales_per_member"] = out["sales"] / out["members"]
    return out.sort_values("sales", ascending=False).reset_index()


def customer_list(
    tx: pd.DataFrame, customers: pd.DataFrame | None = None, as_of: object = None
) -> pd.DataFrame:
    """The customer list (客户名单): one row per buyer (and per member when ``customers`` is
    given), with frequency, sales, first and last purchase and recency (from
    :func:`crm_helpers.segment.customer_summary`), largest sales first.

    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2], "receipt_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"]),
    ...     "amount": [3.0, 1.0, 1.0]})
    >>> customer_list(tx)[["customer_id", "frequency", "monetary"]]
       customer_id  frequency  monetary
    0            1          1       3.0
    1            2          2       2.0
    """
    summary = segment.customer_summary(tx, as_of)
    if customers is not None:
        require_columns(customers, ["customer_id"], "customers")
        keep = [c for c in ("customer_id", "name", "gender", "birth_year", "city_zh", "region",
                            "join_date") if c in customers.columns]  # fmt: skip
        summary = customers[keep].merge(summary, on="customer_id", how="left")
        summary["frequency"] = summary["frequency"].fillna(0).astype("int64")
        summary["monetary"] = summary["monetary"].fillna(0.0)
    return summary.sort_values(["monetary", "customer_id"], ascending=[False, True]).reset_index(
        drop=True
    )
