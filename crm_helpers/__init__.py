"""crm_helpers: the package behind the CRM analytics course (客户关系管理).

``import crm_helpers as crm`` gives the chapters' modules and a few everyday verbs:

>>> import crm_helpers as crm
>>> shop = crm.simulate_retailer("tiny", seed=1)
>>> summary = crm.kpi.indicator_summary(shop.transactions())
>>> bool(summary["total_sales"] > 0)
True

Modules: ``schema`` (the transaction schema and validation), ``simulate`` (the simulated
membership retailer; ``extensions`` add tables to it), ``datasets`` (loaders), ``load``, ``shapes`` and
``sections`` (your own files: reading options, shapes, sections skipped with a note), ``kpi`` (the
indicator system and customer lifecycle, ch. 01), ``segment`` and ``widgets``
(segmentation and the explorer, ch. 05), ``loyalty`` and ``clv`` (ch. 06), ``plan`` (the
plan-design report, ch. 08), ``plots`` and ``plots_<chapter>`` (figures; call
``crm.setup_plotting()`` first), ``report`` (PDFs), ``results`` (recording a notebook's
results), ``checks`` (exercise checks), ``course`` (the ``crm-course`` command). Modules
load on first use, so importing the package is quick.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_MODULES = ("schema", "simulate", "datasets", "kpi", "plots", "results", "checks", "course")
_VERBS = {
    "simulate_retailer": "simulate",
    "Retailer": "simulate",
    "load_transactions": "datasets",
    "load_data": "shapes",
    "guard_sections": "sections",
    "load_retailer": "datasets",
    "load_online_retail": "datasets",
    "load_cdnow": "datasets",
    "read_transactions_csv": "datasets",
    "validate_transactions": "schema",
    "DataValidationError": "schema",
    "setup_plotting": "plots",
    "Results": "results",
    "default_output_dir": "results",
    "check": "checks",
}

__all__ = [*_MODULES, *_VERBS]

if TYPE_CHECKING:  # pragma: no cover
    from . import checks, course, datasets, kpi, plots, results, schema, simulate  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _VERBS:
        return getattr(importlib.import_module(f"{__name__}.{_VERBS[name]}"), name)
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:  # a chapter's module
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(
        f"crm_helpers has no attribute {name!r}. It offers: {', '.join(sorted(__all__))}."
    )


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
