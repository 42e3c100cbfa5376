"""Sections your data cannot feed are skipped with a note (本节跳过), not a traceback.

``crm.guard_sections(data)`` in a chapter's loading cell (it does nothing for the simulated
retailer). From then on, in Jupyter, a cell that fails *because the data lack something*
shows a note saying what is missing and how to supply it, instead of a traceback; a later
cell that uses a name such a cell could not compute is skipped the same way (no cascade of
``NameError``). "Lacks something" means one of:

- :class:`~crm_helpers.shapes.DataNotAvailable`, or any error raised while a table the
  data do not have (an :class:`~crm_helpers.shapes.Unavailable`) was in use;
- a ``KeyError`` raised by pandas for a column (``'amount'``, ``'segment'``) the data do not
  have;
- a :class:`~crm_helpers.schema.DataValidationError`, or a ``ValueError`` raised by the
  course's own helpers (history too short, too few customers: messages written to be read).

Every other error (a bug, a wrong answer in an exercise) is raised as usual.
"""

from __future__ import annotations

import ast
import html
from collections.abc import Iterable
from typing import Any

from crm_helpers.load import ROLES
from crm_helpers.schema import DataValidationError
from crm_helpers.shapes import DataSet, Unavailable

__all__ = ["SectionNote", "guard_sections", "skipped", "skip_note"]

_STATE: dict[str, Any] = {"data": None, "skipped": set(), "notes": []}
_OUT, _ERR, _PRE = "_crm_section_out", "_crm_section_err", "_crm_section_before"
_TEMPLATE = f"""
{_OUT} = None
{_PRE} = {{n: v for n, v in globals().items() if n in NAMES}}
try:
    pass
except BaseException as {_ERR}:
    {_OUT} = __import__("crm_helpers.sections", fromlist=["skipped"]).skipped(
        {_ERR}, NAMES, globals(), {_PRE}
    )
    if {_OUT} is None:
        raise
"""


class SectionNote:
    """The note shown in place of a section's output.

    >>> SectionNote("this needs column 'amount'")
    Section skipped (本节跳过): this needs column 'amount'
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Section skipped (本节跳过): {self.reason}"

    def _repr_html_(self) -> str:
        return (
            '<div style="border-left:4px solid #d90;background:#fff8e6;padding:4px 8px">'
            f"<b>Section skipped (本节跳过)</b>: {html.escape(self.reason)}</div>"
        )


def _columns(data: DataSet | None) -> set[str]:
    if data is None:
        return set()
    return {str(c) for t in data.tables.values() for c in t.columns}


def _uses_unavailable(err: BaseException) -> str | None:
    tb = err.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name != "<module>":  # not the notebook's namespace itself
            for value in list(frame.f_locals.values()):
                if isinstance(value, Unavailable):
                    return str(value._fail())
        tb = tb.tb_next
    return None


def _raised_in(err: BaseException, package: str) -> bool:
    """Whether the innermost frame of the error's traceback is in ``package``."""
    tb, last = err.__traceback__, None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    name = last.tb_frame.f_globals.get("__name__", "") if last is not None else ""
    return str(name).startswith(package + ".")


def skip_note(err: BaseException, data: DataSet | None = None) -> SectionNote | None:
    """The note for an error caused by missing data, or ``None`` for any other error.

    >>> import pandas as pd
    >>> try:
    ...     pd.DataFrame({"qty": [1]})["amount"]
    ... except KeyError as err:
    ...     skip_note(err, None)
    Section skipped (本节跳过): your data have no column 'amount'. Map a column of yours to it: data_options = {"columns": {"amount": "<your column>"}}.
    >>> print(skip_note(ZeroDivisionError("x"), None))
    None
    """
    if isinstance(err, NameError) and getattr(err, "name", None) in _STATE["skipped"]:
        return SectionNote(
            f"it uses {err.name!r}, which a cell above could not compute with your data."
        )
    reason = _uses_unavailable(err)
    if reason:
        return SectionNote(reason)
    if isinstance(err, KeyError) and err.args:
        arg = err.args[0]  # a name, or a list or Index of names
        keys = [arg] if isinstance(arg, str) or not isinstance(arg, Iterable) else list(arg)
        absent = [k for k in keys if isinstance(k, str) and k not in _columns(data)]
        if absent and len(absent) == len(keys) and _raised_in(err, "pandas"):
            col = absent[0]
            if col in ROLES:
                return SectionNote(
                    f"your data have no column {col!r}. Map a column of yours to it: "
                    f'data_options = {{"columns": {{"{col}": "<your column>"}}}}.'
                )
            return SectionNote(
                f"it needs a column {col!r}, which your data do not have (it comes from the "
                "simulated retailer or from a section above that was skipped)."
            )
    if isinstance(err, DataValidationError) or (
        isinstance(err, ValueError) and _raised_in(err, "crm_helpers")
    ):
        return SectionNote(str(err))
    return None


def skipped(
    err: BaseException,
    names: Iterable[str],
    namespace: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> SectionNote | None:
    """Called by a guarded cell that failed: ``None`` (re-raise) unless the data caused it.

    Then the cell is undone: the names it assigned get their values from before the cell
    back, or are removed (a later cell using them is skipped too), and a note is returned.
    """
    note = skip_note(err, _STATE["data"])
    if note is None:
        return None
    names = list(names)
    _STATE["skipped"].update(names)
    _STATE["notes"].append(note.reason)
    if namespace is not None:
        for name in names:
            if before is not None and name in before:
                namespace[name] = before[name]
            else:
                namespace.pop(name, None)
    return note


def _assigned(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


class _Guard(ast.NodeTransformer):
    """Wraps a cell in try/except that turns a data gap into a note (last value kept)."""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        body = list(node.body)
        if not body or any(
            isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in body
        ):
            return node
        template = ast.parse(_TEMPLATE.replace("NAMES", "_crm_section_names"))
        last_expr = isinstance(body[-1], ast.Expr)
        if last_expr:
            value = body[-1].value  # type: ignore[attr-defined]
            body[-1] = ast.Assign(targets=[ast.Name(_OUT, ast.Store())], value=value)
        names = sorted(_assigned(body) - {_OUT, _PRE})
        listed = ast.Assign(
            targets=[ast.Name("_crm_section_names", ast.Store())],
            value=ast.List([ast.Constant(n) for n in names], ast.Load()),
        )
        guarded = template.body[2]
        guarded.body = body  # type: ignore[attr-defined]
        new = [listed, template.body[0], template.body[1], guarded]
        if last_expr:
            new.append(ast.Expr(ast.Name(_OUT, ast.Load())))
        return ast.fix_missing_locations(ast.Module(body=new, type_ignores=node.type_ignores))


def guard_sections(data: DataSet, shell: Any = None) -> None:
    """Skip, with a note, the cells your data cannot feed (see the module docstring).

    Does nothing for the simulated retailer, or outside IPython. Calling it again (a
    re-run loading cell) starts afresh.

    >>> guard_sections(DataSet({}, {}, "'x'", simulated=True))
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with the course
            return
        shell = get_ipython()
    if shell is None:
        return
    shell.ast_transformers[:] = [t for t in shell.ast_transformers if not isinstance(t, _Guard)]
    _STATE.update(data=data, skipped=set(), notes=[])
    if not data.simulated:
        shell.ast_transformers.append(_Guard())


def _exec_guarded(source: str, namespace: dict[str, Any]) -> Any:
    """Run ``source`` as a guarded cell in ``namespace`` (for tests); returns the last value."""
    tree = _Guard().visit(ast.parse(source))
    exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - tests only
    return namespace.get(_OUT)
