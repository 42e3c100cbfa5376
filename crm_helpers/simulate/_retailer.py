"""The simulated retailer's container and the registry of extra tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from . import _memo
from ._config import SimulationConfig, _rng


@dataclass
class Retailer:
    """The simulated retailer: its tables, the truth behind them, and its config.

    ``tables`` holds ``customers``, ``products``, ``stores``, ``receipts`` and ``lines``
    (and any registered extra tables); ``truth`` holds the generating values
    (``customers``: each customer's segment, λ, p, ν, whether alive at the end, ...;
    ``segments``; ``affinities``; ``seasonality``).
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    config: SimulationConfig = field(default_factory=SimulationConfig)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(
            f"The retailer has no table {name!r}; it has: {', '.join(sorted(tables))}."
        )

    @property
    def end(self) -> pd.Timestamp:
        """The end of the observation period (the day after the last day)."""
        return pd.Timestamp(self.config.end) + pd.Timedelta(days=1)

    def transactions(self) -> pd.DataFrame:
        """The receipt lines joined to their receipts and products, in the course's
        transaction schema (see :mod:`crm_helpers.schema`), sorted by time."""
        lines, receipts = self.tables["lines"], self.tables["receipts"]
        products = self.tables["products"].set_index("sku")
        # receipt ids are 1..n in time order, so a receipt's row is its id minus one
        pos = lines["receipt_id"].to_numpy() - 1
        sku_codes = lines["sku"].cat.codes.to_numpy()
        cost = products["unit_cost"].reindex(lines["sku"].cat.categories).to_numpy()

        def take_cat(col: str) -> pd.Categorical:
            c = receipts[col].cat
            return pd.Categorical.from_codes(c.codes.to_numpy()[pos], c.categories)

        return pd.DataFrame(
            {
                "customer_id": receipts["customer_id"].to_numpy()[pos],
                "receipt_id": lines["receipt_id"].to_numpy(),
                "timestamp": receipts["timestamp"].to_numpy()[pos],
                "sku": lines["sku"],
                "quantity": lines["quantity"].to_numpy(),
                "unit_price": lines["unit_price"].to_numpy(),
                "discount": lines["discount"].to_numpy(),
                "amount": lines["amount"].to_numpy(),
                "unit_cost": cost[sku_codes],
                "channel": take_cat("channel"),
                "store_id": take_cat("store_id"),
            }
        )

    def with_tables(self, *names: str) -> Retailer:
        """A new retailer with the registered extra tables ``names`` added.

        The tables already there are unchanged: each extra table draws from its own random
        stream, seeded from the retailer's seed and the table's name.
        """
        tables, truth = dict(self.tables), dict(self.truth)
        new = self.__class__(tables, truth, self.config)
        known: dict = {}  # table digests, valid while this call adds tables and edits none
        for name in names:
            if name not in _EXTENSIONS:
                _load_extensions()
            if name not in _EXTENSIONS:
                raise ValueError(
                    f"No table generator is registered under {name!r}; registered: "
                    f"{', '.join(sorted(_EXTENSIONS)) or 'none yet'}."
                )
            gen, requires = _EXTENSIONS[name]
            missing = [r for r in requires if r not in tables]
            if missing:
                new = new.with_tables(*missing)
                tables, truth = new.tables, new.truth
            make = partial(gen, new, _rng(self.config.seed, f"extra:{name}"))
            result = _memo.extra(self.config, tables, name, make, known)
            table, extra_truth = result if isinstance(result, tuple) else (result, None)
            tables[name] = table
            if extra_truth is not None:
                truth[name] = extra_truth
        new.config = replace(self.config, extras=tuple(dict.fromkeys(self.config.extras + names)))
        return new

    def to_parquet(self, folder: str | Path) -> Path:
        """Write every table and truth table as parquet, and the config as JSON."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for kind, frames in (("table", self.tables), ("truth", self.truth)):
            for name, df in frames.items():
                df.to_parquet(folder / f"{kind}-{name}.parquet", index=False)
        (folder / "config.json").write_text(self.config.to_json(), encoding="utf-8")
        return folder

    @classmethod
    def from_parquet(cls, folder: str | Path) -> Retailer:
        """Read a retailer written by :meth:`to_parquet`."""
        folder = Path(folder)
        config_file = folder / "config.json"
        if not config_file.exists():
            raise FileNotFoundError(
                f"No simulated retailer at {folder}: {config_file.name} is missing. "
                "Generate one with simulate_retailer(...).to_parquet(folder)."
            )
        config = SimulationConfig.from_json(config_file.read_text(encoding="utf-8"))
        frames: dict[str, dict[str, pd.DataFrame]] = {"table": {}, "truth": {}}
        for path in sorted(folder.glob("*.parquet")):
            kind, name = path.stem.split("-", 1)
            frames[kind][name] = pd.read_parquet(path)
        return cls(frames["table"], frames["truth"], config)


# ----------------------------------------------------------------------------- extensions

TableResult = pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]
_EXTENSIONS: dict[str, tuple[Callable[[Retailer, np.random.Generator], TableResult], tuple]] = {}


def register_table(
    name: str, *, requires: Iterable[str] = ()
) -> Callable[[Callable[[Retailer, np.random.Generator], TableResult]], Callable]:
    """Register a generator for an extra table (contacts, complaints, surveys, ...).

    The generator receives the retailer (with its core tables and truth) and its own
    ``numpy.random.Generator``, and returns the table, or ``(table, truth_table)``.

    >>> from crm_helpers.simulate import simulate_retailer
    >>> @register_table("greetings")
    ... def _greetings(shop, rng):
    ...     ids = shop.customers["customer_id"]
    ...     return pd.DataFrame({"customer_id": ids, "card_sent": rng.random(len(ids)) < 0.5})
    >>> shop = simulate_retailer(n_customers=200, seed=3).with_tables("greetings")
    >>> len(shop.greetings) == len(shop.customers)
    True
    >>> _ = _EXTENSIONS.pop("greetings")
    """

    def deco(func: Callable[[Retailer, np.random.Generator], TableResult]) -> Callable:
        _EXTENSIONS[name] = (func, tuple(requires))
        return func

    return deco


def register_parts(
    simulate: Callable[[Retailer], Mapping[str, pd.DataFrame]], parts: Mapping[str, str | None]
) -> None:
    """Register several extra tables that are parts of one simulation: ``parts`` maps each
    table's name in ``simulate(shop)``'s result to its truth table's name (``None``: none).
    ``simulate`` is called once per table asked for (cache it if it is slow).

    >>> from crm_helpers.simulate import simulate_retailer
    >>> def _halves(shop):
    ...     ids = shop.customers["customer_id"]
    ...     return {"odd": ids[ids % 2 == 1].to_frame(), "even": ids[ids % 2 == 0].to_frame(),
    ...             "rule": pd.DataFrame({"parameter": ["mod"], "value": [2]})}
    >>> register_parts(_halves, {"odd": "rule", "even": None})
    >>> shop = simulate_retailer(n_customers=200, seed=3).with_tables("odd", "even")
    >>> len(shop.odd) + len(shop.even) == len(shop.customers)
    True
    >>> _ = _EXTENSIONS.pop("odd"), _EXTENSIONS.pop("even")
    """
    for table, truth in parts.items():

        def part(shop: Retailer, rng: np.random.Generator, table=table, truth=truth) -> TableResult:
            sim = simulate(shop)
            return sim[table] if truth is None else (sim[table], sim[truth])

        register_table(table)(part)


def registered_tables() -> list[str]:
    """Names of the extra tables that can be added with :meth:`Retailer.with_tables`."""
    _load_extensions()
    return sorted(_EXTENSIONS)


def _load_extensions() -> None:
    """Import every module of ``crm_helpers.extensions``: each registers its tables.

    A chapter that adds tables to the retailer (points, contacts, surveys, ...) puts its
    generators in ``crm_helpers/extensions/<topic>.py`` with :func:`register_table`."""
    import importlib
    import pkgutil

    from .. import extensions

    for mod in pkgutil.iter_modules(extensions.__path__):
        importlib.import_module(f"{extensions.__name__}.{mod.name}")
