"""Checks a student can run on an exercise before submitting (自测).

``crm.check("01.2", average_basket, tx=tx)`` compares the answer with what the course's
helpers compute from the same data, and says whether it is right. When it is not, the
message gives a hint about the likely mistake; it never shows the expected value.

Each chapter's checks live in ``crm_helpers/checks/chNN.py`` and register themselves with
:func:`exercise`; see ``docs/EXERCISES.md`` for the conventions.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "check",
    "exercise",
    "ExerciseError",
    "CheckResult",
    "close",
    "number",
    "needs_function",
    "registered",
]

_REGISTRY: dict[str, Callable[..., str]] = {}


class ExerciseError(AssertionError):
    """The answer is not right yet; the message is a hint, never the answer."""


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    message: str

    def __repr__(self) -> str:
        return f"✅ Exercise {self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        return (
            f"<div style='color:#1a7f37'>✅ <b>Exercise {self.exercise}</b>: {self.message}</div>"
        )


def exercise(exercise_id: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register the check of one exercise. The check raises :class:`ExerciseError` with a
    hint, or returns a short message of praise."""

    def deco(func: Callable[..., str]) -> Callable[..., str]:
        _REGISTRY[exercise_id] = func
        return func

    return deco


def registered() -> list[str]:
    """Exercise ids with a check (loading every chapter's checks)."""
    from pathlib import Path

    for file in sorted(Path(__file__).parent.glob("ch[0-9][0-9].py")):
        importlib.import_module(f"{__name__}.{file.stem}")
    return sorted(_REGISTRY)


def check(exercise_id: str, *answer: Any, **context: Any) -> CheckResult:
    """Check an exercise's answer; raise :class:`ExerciseError` with a hint if it is wrong.

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"receipt_id": [1, 1, 2], "amount": [2.0, 3.0, 5.0],
    ...     "customer_id": [1, 1, 2], "timestamp": pd.to_datetime(["2024-01-01"] * 3)})
    >>> check("01.1", 10.0, 2, tx=tx)
    ✅ Exercise 01.1: Right: total sales and visits (客数) match.
    >>> check("01.1", 10.0, 3, tx=tx)
    Traceback (most recent call last):
    ...
    crm_helpers.checks.ExerciseError: Exercise 01.1: not yet. The number of visits equals the number of receipt lines. A visit is one receipt (小票), however many lines it has.
    """
    chapter = exercise_id.split(".")[0]
    try:
        importlib.import_module(f"{__name__}.ch{chapter}")
    except ModuleNotFoundError:
        pass
    if exercise_id not in _REGISTRY:
        raise KeyError(
            f"There is no check for exercise {exercise_id!r}. Exercises with checks: "
            f"{', '.join(registered()) or 'none'}."
        )
    if any(a is None or a is Ellipsis for a in answer):
        raise ExerciseError(
            f"Exercise {exercise_id}: not answered yet. Replace the placeholder (None) and "
            "the line that raises NotImplementedError with your code, run that cell, then "
            "this check."
        )
    try:
        message = _REGISTRY[exercise_id](*answer, **context)
    except ExerciseError as err:
        raise ExerciseError(f"Exercise {exercise_id}: not yet. {err}") from None
    except NotImplementedError:
        raise ExerciseError(
            f"Exercise {exercise_id}: not answered yet. Replace the line that raises "
            "NotImplementedError with your code, run the cell, then run this check again."
        ) from None
    return CheckResult(exercise_id, message)


def close(a: Any, b: float, rel: float = 1e-6, abs_: float = 1e-6) -> bool:
    """Whether ``a`` is a number close to ``b`` (False for anything that is not a number)."""
    try:
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)
    except (TypeError, ValueError):
        return False


def needs_function(answer: Any, name: str) -> Callable[..., Any]:
    """The answer if it is callable; otherwise a hint that a function was asked for."""
    if not callable(answer):
        raise ExerciseError(
            f"`{name}` should be a function (def {name}(...): ...), but it is a "
            f"{type(answer).__name__}."
        )
    return answer


def number(value: Any, what: str) -> float:
    """The answer as a float; a hint if it is a table or not a number at all."""
    import pandas as pd

    if isinstance(value, pd.Series | pd.DataFrame):
        raise ExerciseError(f"{what} should be one number, but it is a {type(value).__name__}.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ExerciseError(
            f"{what} should be a number, but it is a {type(value).__name__}."
        ) from None
