"""The tag engine (标签体系): tags as data, safe rules, coverage and changes."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DataValidationError, require_columns

__all__ = [
    "DEFAULT_TAGS",
    "TAG_DIMENSIONS",
    "validate_rule",
    "evaluate_rule",
    "apply_tags",
    "tags_long",
    "tag_coverage",
    "dimension_coverage",
    "tag_changes",
]


# ----------------------------------------------------------------------------- tags

#: The dimensions of the tag system (标签维度), following the segmentation criteria.
TAG_DIMENSIONS: dict[str, str] = {
    "demographic": "人口统计",
    "geographic": "地理",
    "psychographic": "心理/兴趣",
    "behavioural": "行为",
    "value": "关键价值",
    "lifecycle": "生命周期",
}

#: The course's default tags: data, not code. Each rule is an expression over the columns
#: of :func:`customer_profile`.
DEFAULT_TAGS: pd.DataFrame = pd.DataFrame(
    [
        ("young", "年轻客户", "demographic", "age < 30"),
        ("middle_aged", "中年客户", "demographic", "30 <= age < 50"),
        ("senior", "银发客户", "demographic", "age >= 60"),
        ("female", "女性客户", "demographic", "gender == 'F'"),
        ("high_income", "高收入", "demographic", "income_level >= 3"),
        ("tier1_city", "一线城市", "geographic",
         "city in ['Shanghai', 'Beijing', 'Guangzhou', 'Shenzhen']"),
        ("south_china", "华南客户", "geographic", "region == 'South'"),
        ("deal_seeker", "促销敏感", "psychographic", "promo_share >= 0.4"),
        ("online_first", "线上偏好", "psychographic", "online_share >= 0.5"),
        ("frequent", "高频客户", "behavioural", "visits_per_month >= 1"),
        ("big_basket", "大单客户", "behavioural", "avg_basket >= 200"),
        ("top_value", "高价值客户", "value", "is_buyer and sales_pct > 0.8"),
        ("new_member", "新会员", "lifecycle", "tenure_days <= 90"),
        ("dormant", "沉睡客户", "lifecycle", "is_buyer and recency_days > 180"),
        ("never_bought", "未购会员", "lifecycle", "not is_buyer"),
    ],
    columns=["tag", "tag_zh", "dimension", "rule"],
)  # fmt: skip

_BIN = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
        ast.Mod: np.mod}  # fmt: skip
_CMP = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _check_nodes(tree: ast.AST, rule: str, what: str) -> None:
    """An error if the rule uses anything outside the rule grammar."""
    allowed = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
               ast.UAdd, ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant, ast.List,
               ast.Tuple, ast.In, ast.NotIn, *_BIN, *_CMP)  # fmt: skip
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            hint = " (use and / or / not instead of & / | / ~)" if isinstance(
                node, ast.BitAnd | ast.BitOr | ast.Invert) else ""  # fmt: skip
            raise DataValidationError(
                f"The rule{what} {rule!r} uses {type(node).__name__}, which tag rules do not "
                f"allow{hint}. A rule may use column names, numbers, strings, lists of "
                "constants, comparisons, and/or/not and + - * / %."
            )
        if isinstance(node, ast.List | ast.Tuple) and not all(
            isinstance(e, ast.Constant) for e in node.elts
        ):
            raise DataValidationError(f"The rule{what} {rule!r}: lists may hold only constants.")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str | bool):
            raise DataValidationError(f"The rule{what} {rule!r} uses the constant {node.value!r}.")


def _check_columns(tree: ast.AST, rule: str, what: str, cols: list[str]) -> None:
    """An error naming the rule's names that are not columns (with a close match)."""
    unknown = sorted(_names(tree) - set(cols))
    if unknown:
        import difflib

        close = [m for u in unknown for m in difflib.get_close_matches(u, cols, n=1)]
        raise DataValidationError(
            f"The rule{what} {rule!r} uses {', '.join(repr(u) for u in unknown)}, "
            f"which {'is not a column' if len(unknown) == 1 else 'are not columns'} of "
            f"the profile{f' (did you mean {close[0]!r}?)' if close else ''}. "
            f"Columns: {', '.join(cols)}."
        )


def validate_rule(
    rule: str, columns: Iterable[str] | None = None, *, tag: str = ""
) -> ast.Expression:
    """Parse a tag rule and check that it uses only what the rule grammar allows:
    column names, numbers, strings, True/False, lists of constants (for ``in``),
    comparisons (``== != < <= > >=``, chained, ``in``, ``not in``), ``and``, ``or``,
    ``not`` and ``+ - * / %``. Function calls, attributes, indexing and anything else are
    refused — a rule is data, never code that runs.

    >>> validate_rule("age < 30 and city in ['Shanghai']", ["age", "city"]) is not None
    True
    >>> validate_rule("__import__('os')", ["age"])
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The rule "__import__('os')" uses Call, which tag rules do not allow. A rule may use column names, numbers, strings, lists of constants, comparisons, and/or/not and + - * / %.
    """
    what = f" of tag {tag!r}" if tag else ""
    if not isinstance(rule, str) or not rule.strip():
        raise DataValidationError(f"The rule{what} must be a non-empty string; got {rule!r}.")
    try:
        tree = ast.parse(rule.strip(), mode="eval")
    except SyntaxError as err:
        raise DataValidationError(
            f"The rule{what} {rule!r} is not a valid expression: {err.msg}."
        ) from None
    _check_nodes(tree, rule, what)
    if columns is not None:
        _check_columns(tree, rule, what, list(columns))
    return tree


def _truth(v: Any, index: pd.Index) -> pd.Series:
    s = v if isinstance(v, pd.Series) else pd.Series(v, index=index)
    return s.astype("boolean").fillna(False).astype(bool)


def _eval(node: ast.AST, df: pd.DataFrame) -> Any:
    if isinstance(node, ast.Expression):
        return _eval(node.body, df)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        s = df[node.id]
        return (
            s.astype("float64")
            if pd.api.types.is_extension_array_dtype(s) and pd.api.types.is_numeric_dtype(s)
            else s
        )
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    if isinstance(node, ast.BoolOp):
        vals = [_truth(_eval(v, df), df.index) for v in node.values]
        out = vals[0]
        for v in vals[1:]:
            out = (out & v) if isinstance(node.op, ast.And) else (out | v)
        return out
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, df)
        if isinstance(node.op, ast.Not):
            return ~_truth(v, df.index)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        return _BIN[type(node.op)](_eval(node.left, df), _eval(node.right, df))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, df)
        out = pd.Series(True, index=df.index)
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = _eval(comp, df)
            if isinstance(op, ast.In | ast.NotIn):
                s = left if isinstance(left, pd.Series) else pd.Series(left, index=df.index)
                res = s.isin(right if isinstance(right, list) else [right])
                res = ~res & s.notna() if isinstance(op, ast.NotIn) else res
            else:
                s = left if isinstance(left, pd.Series) else pd.Series(left, index=df.index)
                res = getattr(s, _CMP[type(op)])(right)
            out = out & _truth(res, df.index)
            left = right
        return out
    raise DataValidationError(f"Unsupported element {type(node).__name__} in a rule.")


def evaluate_rule(profile: pd.DataFrame, rule: str, *, tag: str = "") -> pd.Series:
    """Which rows of ``profile`` a rule selects (missing values never match).

    >>> p = pd.DataFrame({"age": [25, 40, None], "city": ["Shanghai", "Wuhan", "Shanghai"]})
    >>> evaluate_rule(p, "age < 30 or city == 'Shanghai'").tolist()
    [True, False, True]
    """
    tree = validate_rule(rule, profile.columns, tag=tag)
    return _truth(_eval(tree, profile), profile.index).rename(tag or None)


def _check_tags(tags: pd.DataFrame) -> pd.DataFrame:
    require_columns(tags, ["tag", "rule"], "tags")
    if tags["tag"].duplicated().any():
        dup = tags.loc[tags["tag"].duplicated(), "tag"].tolist()
        raise DataValidationError(f"The tags table repeats tag names: {dup}.")
    out = tags.copy()
    for c, default in (("tag_zh", ""), ("dimension", "other")):
        if c not in out.columns:
            out[c] = default
    return out


def apply_tags(
    profile: pd.DataFrame, tags: pd.DataFrame | None = None, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """Apply every tag rule to every customer: ``id_column`` and one boolean column per
    tag. Re-run it on a new profile when the data change: tags are recomputed from the
    rules, never edited by hand.

    >>> prof = pd.DataFrame({"customer_id": [1, 2], "age": [25, 65], "gender": ["F", "M"]})
    >>> tags = pd.DataFrame({"tag": ["young", "senior_man"],
    ...     "rule": ["age < 30", "age >= 60 and gender == 'M'"]})
    >>> apply_tags(prof, tags).to_dict("records")
    [{'customer_id': 1, 'young': True, 'senior_man': False}, {'customer_id': 2, 'young': False, 'senior_man': True}]
    """
    tags = _check_tags(DEFAULT_TAGS if tags is None else tags)
    require_columns(profile, [id_column], "profile")
    out = pd.DataFrame({id_column: profile[id_column].to_numpy()})
    for tag, rule in zip(tags["tag"], tags["rule"], strict=True):
        out[tag] = evaluate_rule(profile, rule, tag=tag).to_numpy()
    return out


def tags_long(tagged: pd.DataFrame, *, id_column: str = "customer_id") -> pd.DataFrame:
    """The tags as a long table: one row per (customer, tag) that applies.

    >>> t = pd.DataFrame({"customer_id": [1, 2], "young": [True, False], "vip": [True, True]})
    >>> tags_long(t).to_dict("records")
    [{'customer_id': 1, 'tag': 'young'}, {'customer_id': 1, 'tag': 'vip'}, {'customer_id': 2, 'tag': 'vip'}]
    """
    long = tagged.melt(id_vars=id_column, var_name="tag", value_name="on")
    long = long[long["on"].astype(bool)]
    order = {t: i for i, t in enumerate(c for c in tagged.columns if c != id_column)}
    long = long.assign(_o=long["tag"].map(order)).sort_values([id_column, "_o"], kind="stable")
    return long[[id_column, "tag"]].reset_index(drop=True)


def tag_coverage(
    tagged: pd.DataFrame, tags: pd.DataFrame | None = None, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """The tag coverage report (标签覆盖率): per tag, how many customers carry it and
    what share of all customers that is.

    >>> t = pd.DataFrame({"customer_id": [1, 2, 3, 4], "young": [True, False, True, False]})
    >>> tag_coverage(t, pd.DataFrame({"tag": ["young"], "rule": ["age < 30"]}))[
    ...     ["tag", "n_customers", "coverage"]].to_dict("records")
    [{'tag': 'young', 'n_customers': 2, 'coverage': 0.5}]
    """
    tags = _check_tags(DEFAULT_TAGS if tags is None else tags)
    missing = [t for t in tags["tag"] if t not in tagged.columns]
    if missing:
        raise DataValidationError(
            f"The tagged table has no column for tags {missing}; apply them first."
        )
    n = len(tagged)
    counts = [int(tagged[t].astype(bool).sum()) for t in tags["tag"]]
    out = tags[["tag", "tag_zh", "dimension", "rule"]].reset_index(drop=True).copy()
    out["n_customers"] = counts
    out["coverage"] = [c / n if n else 0.0 for c in counts]
    return out


def dimension_coverage(
    tagged: pd.DataFrame, tags: pd.DataFrame | None = None, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """Per dimension, the share of customers with at least one of its tags; the last row,
    ``any``, the share with at least one tag at all.

    >>> t = pd.DataFrame({"customer_id": [1, 2], "a": [True, False], "b": [False, False]})
    >>> tg = pd.DataFrame({"tag": ["a", "b"], "rule": ["x", "y"], "dimension": ["d1", "d2"]})
    >>> dimension_coverage(t, tg)[["dimension", "coverage"]].to_dict("records")
    [{'dimension': 'd1', 'coverage': 0.5}, {'dimension': 'd2', 'coverage': 0.0}, {'dimension': 'any', 'coverage': 0.5}]
    """
    tags = _check_tags(DEFAULT_TAGS if tags is None else tags)
    rows = []
    for dim, grp in tags.groupby("dimension", sort=False):
        hit = tagged[list(grp["tag"])].astype(bool).any(axis=1)
        rows.append({"dimension": dim, "dimension_zh": TAG_DIMENSIONS.get(dim, ""),
                     "n_tags": len(grp), "n_customers": int(hit.sum())})  # fmt: skip
    hit = tagged[list(tags["tag"])].astype(bool).any(axis=1)
    rows.append({"dimension": "any", "dimension_zh": "任一标签", "n_tags": len(tags),
                 "n_customers": int(hit.sum())})  # fmt: skip
    out = pd.DataFrame(rows)
    out["coverage"] = out["n_customers"] / max(len(tagged), 1)
    return out


def tag_changes(
    before: pd.DataFrame, after: pd.DataFrame, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """How tags moved between two runs of :func:`apply_tags` (e.g. last month and now):
    per tag, customers tagged before and after, how many gained it, how many lost it.
    Customers present only in ``after`` (new members) count as untagged before.

    >>> b = pd.DataFrame({"customer_id": [1, 2], "dormant": [True, False]})
    >>> a = pd.DataFrame({"customer_id": [1, 2, 3], "dormant": [False, True, True]})
    >>> tag_changes(b, a).to_dict("records")
    [{'tag': 'dormant', 'before': 1, 'after': 2, 'gained': 2, 'lost': 1}]
    """
    tags = [c for c in after.columns if c != id_column and c in before.columns]
    b = before.set_index(id_column).reindex(after[id_column]).fillna(False)
    a = after.set_index(id_column)
    rows = []
    for t in tags:
        was, now = b[t].astype(bool), a[t].astype(bool)
        rows.append({"tag": t, "before": int(before[t].astype(bool).sum()), "after": int(now.sum()),
                     "gained": int((now & ~was).sum()), "lost": int((was & ~now).sum())})  # fmt: skip
    return pd.DataFrame(rows)
