"""Association rules (关联规则): support, confidence and lift, as arules returns them."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crm_helpers.schema import DataValidationError, require_columns

from ._common import CONFIDENCE_EPSILON, _check_confidence, _check_len, _check_support, _Encoded
from .itemsets import _lookup, _min_count, _mine, format_itemset

__all__ = ["association_rules", "rules_table"]


# --------------------------------------------------------------------------- rules
def _levels_from_itemsets(
    itemsets: pd.DataFrame, min_support: float, max_len: int | None
) -> tuple[list, np.ndarray, list, int]:
    """Turn a frequent-itemset table back into coded levels (for rules)."""
    require_columns(itemsets, ["itemset", "support", "count"], "itemsets")
    if len(itemsets) == 0:
        raise DataValidationError("The itemsets table is empty: there are no itemsets.")
    count = itemsets["count"].to_numpy(dtype=np.int64)
    support = itemsets["support"].to_numpy(dtype=float)
    n = int(itemsets.attrs.get("n_baskets", round(count[0] / support[0])))
    mined_at = itemsets.attrs.get("min_support")
    if mined_at is not None and _min_count(n, mined_at) > _min_count(n, min_support):
        raise ValueError(
            f"The itemsets were mined at min_support={mined_at}, above the "
            f"min_support={min_support} asked for; mine them again at the lower support "
            "or pass the baskets table instead."
        )
    min_count = _min_count(n, min_support)
    kept = [
        (frozenset(s), c)
        for s, c in zip(itemsets["itemset"], count.tolist(), strict=True)
        if c >= min_count and len(s) > 0 and (max_len is None or len(s) <= max_len)
    ]
    all_items = list(set().union(*(s for s, _ in kept)))
    try:
        all_items.sort()
    except TypeError:
        all_items.sort(key=str)
    code = {v: j for j, v in enumerate(all_items)}
    if len([s for s, _ in kept if len(s) == 1]) != len(all_items):
        raise _incomplete()
    by_len: dict[int, tuple[list, list]] = {}
    for s, c in kept:
        rows, cnts = by_len.setdefault(len(s), ([], []))
        rows.append(sorted(code[v] for v in s))
        cnts.append(c)
    levels = []
    for k in range(1, max(by_len, default=0) + 1):
        if k not in by_len:
            raise _incomplete()
        rows = np.array(by_len[k][0], dtype=np.int64).reshape(-1, k)
        cnts = np.array(by_len[k][1], dtype=np.int64)
        order = np.lexsort(rows.T[::-1])
        levels.append((rows[order], cnts[order]))
    return levels, np.arange(len(all_items)), all_items, n


def _incomplete() -> DataValidationError:
    return DataValidationError(
        "The itemsets table is not complete: a subset of a frequent itemset is missing "
        "(every subset of a frequent itemset is frequent). Pass the full output of "
        "frequent_itemsets or the baskets table."
    )


def _rule_arrays(
    levels: list, n: int, min_confidence: float, min_len: int, base: int
) -> dict[str, Any]:
    """All rules A ⇒ {x} from the coded levels: lists of antecedent rows and arrays."""
    single = levels[0][1]  # counts of the frequent single items, by code 0..f-1
    ante, head, count, body = [], [], [], []
    threshold = min_confidence - CONFIDENCE_EPSILON
    if min_len <= 1:
        conf = single / n
        ok = np.flatnonzero(conf >= threshold)
        ante.append(np.empty((len(ok), 0), dtype=np.int64))
        head.append(ok.astype(np.int64))
        count.append(single[ok])
        body.append(np.full(len(ok), n, dtype=np.int64))
    for k in range(max(2, min_len), len(levels) + 1):
        rows, cnt = levels[k - 1]
        parent_rows, parent_cnt = levels[k - 2]
        for p in range(k):
            sub = np.delete(rows, p, axis=1)
            pos = _lookup(parent_rows, sub, base)
            if (pos < 0).any():
                raise _incomplete()
            sub_cnt = parent_cnt[pos]
            ok = np.flatnonzero(cnt / sub_cnt >= threshold)
            ante.append(sub[ok])
            head.append(rows[ok, p])
            count.append(cnt[ok])
            body.append(sub_cnt[ok])
    return {"ante": ante, "head": head, "count": count, "body": body, "single": single}


def association_rules(
    baskets_or_itemsets: pd.DataFrame,
    min_support: float = 0.01,
    min_confidence: float = 0.5,
    max_len: int | None = None,
    *,
    min_len: int = 1,
    basket: str = "basket",
    item: str = "item",
) -> pd.DataFrame:
    """Association rules ``A ⇒ {x}`` (关联规则) with support, confidence and lift: exactly
    those of R's ``arules::apriori(trans, parameter = list(supp = min_support, conf =
    min_confidence, minlen = min_len, maxlen = max_len, target = "rules"))`` (module notes:
    empty antecedents with ``min_len=1``, the ``ceil`` support threshold, ties kept).

    ``baskets_or_itemsets``: a baskets table (columns ``basket`` and ``item``) or the output
    of :func:`frequent_itemsets` (mined at a support no higher than ``min_support``).
    ``min_support``, in (0, 1], applies to the whole rule ``A ∪ {x}``; ``min_confidence``,
    in [0, 1], to ``count(A ∪ {x}) / count(A)``. ``max_len`` / ``min_len``: largest /
    smallest number of items in a rule, both sides together (``None``: no limit);
    ``min_len=1`` (arules' default) includes ``{} ⇒ {x}`` rules, ``min_len=2`` drops them.

    Returns ``antecedent`` (frozenset), ``consequent`` (frozenset of one item), ``support``,
    ``confidence``, ``lift``, ``count`` (baskets with all the rule's items),
    ``antecedent_support`` (arules' coverage), ``consequent_support``; sorted by lift,
    confidence and support, highest first. Raises :class:`DataValidationError` (missing
    columns, an empty table, missing values, an incomplete itemsets table) or
    ``ValueError`` (a threshold outside its range).

    >>> b = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 4], "item": ["a", "b", "a", "b", "a", "c"]})
    >>> r = association_rules(b, min_support=0.5, min_confidence=0.6, min_len=2)
    >>> [(format_itemset(a), format_itemset(c)) for a, c in zip(r["antecedent"], r["consequent"])]
    [('{b}', '{a}'), ('{a}', '{b}')]
    >>> r[["support", "confidence", "lift", "count"]].round(3)
       support  confidence   lift  count
    0      0.5       1.000  1.333      2
    1      0.5       0.667  1.333      2
    """
    min_support = _check_support(min_support)
    min_confidence = _check_confidence(min_confidence)
    max_len = _check_len("max_len", max_len, allow_none=True)
    min_len = _check_len("min_len", min_len, allow_none=False)
    if isinstance(df := baskets_or_itemsets, pd.DataFrame) and "itemset" in df.columns:
        levels, freq, labels, n = _levels_from_itemsets(df, min_support, max_len)
    else:
        enc = _Encoded(df, basket, item)
        levels, freq = _mine(enc, _min_count(enc.n, min_support), max_len)
        labels, n = enc.labels, enc.n
    return _rules_frame(levels, freq, labels, n, min_confidence, min_len)


_RULE_COLUMNS = (
    "antecedent",
    "consequent",
    "support",
    "confidence",
    "lift",
    "count",
    "antecedent_support",
    "consequent_support",
)


def _empty_rules() -> pd.DataFrame:
    dtypes = {"antecedent": object, "consequent": object, "count": np.int64}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, float)) for c in _RULE_COLUMNS})


def _rules_frame(
    levels: list, freq: np.ndarray, labels: list, n: int, min_confidence: float, min_len: int
) -> pd.DataFrame:
    arr = _rule_arrays(levels, n, min_confidence, min_len, max(len(freq), 1)) if levels else None
    if arr is None or not arr["head"]:
        return _empty_rules()
    lab = np.empty(len(labels), dtype=object)
    lab[:] = labels
    antecedents: list[frozenset] = []
    for rows in arr["ante"]:
        antecedents.extend(frozenset(r) for r in lab[freq[rows]].tolist())
    head = np.concatenate(arr["head"])
    count = np.concatenate(arr["count"]).astype(np.int64)
    body = np.concatenate(arr["body"]).astype(np.int64)
    head_count = arr["single"][head]
    confidence = count / body
    out = pd.DataFrame(
        {
            "antecedent": pd.Series(antecedents, dtype=object),
            "consequent": pd.Series(
                [frozenset([v]) for v in lab[freq[head]].tolist()], dtype=object
            ),
            "support": count / n,
            "confidence": confidence,
            "lift": confidence * n / head_count,
            "count": count,
            "antecedent_support": body / n,
            "consequent_support": head_count / n,
        }
    )
    out = out.sort_values(["lift", "confidence", "support"], ascending=False, kind="stable")
    return out.reset_index(drop=True)


def rules_table(
    rules: pd.DataFrame, names: Mapping[Hashable, str] | pd.Series | None = None
) -> pd.DataFrame:
    """Rules with their itemsets written out as text, ready to show (e.g. ``{a} ⇒ {b}``).

    Parameters
    ----------
    rules:
        The output of :func:`association_rules` (or any table with frozenset columns
        ``antecedent`` and ``consequent``).
    names:
        Optional display name of each item (e.g. ``products.set_index("sku")["name_zh"]``);
        items without a name keep their label.

    Returns
    -------
    DataFrame
        A copy with ``antecedent`` and ``consequent`` as sorted text and a ``rule``
        column in front.

    Examples
    --------
    >>> r = pd.DataFrame({"antecedent": [frozenset({"b", "a"})], "consequent": [frozenset({"c"})]})
    >>> rules_table(r, names={"c": "chips"})["rule"].tolist()
    ['{a, b} ⇒ {chips}']
    """
    require_columns(rules, ["antecedent", "consequent"], "rules")
    lookup = dict(names.items()) if names is not None else {}
    out = rules.copy()
    for col in ("antecedent", "consequent"):
        out[col] = [format_itemset(lookup.get(x, x) for x in s) for s in rules[col]]
    out.insert(0, "rule", out["antecedent"] + " ⇒ " + out["consequent"])
    return out
