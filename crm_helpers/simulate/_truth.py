"""The planted truth tables: affinities and seasonality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ._config import SimulationConfig
from ._purchases import _best_seller, _seasonal_clock


def _affinity_truth(cfg: SimulationConfig, products: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for ante, cons, prob in cfg.affinities:
        target = products.loc[_best_seller(products, cons)]
        for _, p in products[products["subcategory"] == ante].iterrows():
            rows.append(
                {
                    "antecedent_subcategory": ante,
                    "antecedent_sku": p["sku"],
                    "consequent_subcategory": cons,
                    "consequent_sku": target["sku"],
                    "add_probability": prob,
                }
            )
    return pd.DataFrame(rows)


def _seasonality_truth() -> pd.DataFrame:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    rows = [
        {"kind": "weekday", "key": d, "factor": f}
        for d, f in zip(days, cat.WEEKDAY_FACTORS, strict=True)
    ]
    rows += [
        {"kind": "month", "key": str(m + 1), "factor": f} for m, f in enumerate(cat.MONTH_FACTORS)
    ]
    rows += [{"kind": "hour", "key": str(h), "factor": f} for h, f in enumerate(cat.HOUR_FACTORS)]
    rows += [
        {"kind": "festival", "key": name, "factor": 1 + up}
        for name, _, _, _, up, _ in cat.FESTIVALS
    ]
    return pd.DataFrame(rows)


def seasonality_profile(start: str, end: str) -> pd.DataFrame:
    """The daily shopping intensity the generator uses (mean 1), for plots and checks.

    >>> prof = seasonality_profile("2024-01-01", "2024-12-31")
    >>> round(float(prof["intensity"].mean()), 2)
    1.0
    """
    s, e = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    grid, clock = _seasonal_clock(s, e)
    per_hour = np.diff(clock) * 24 * 7
    day = pd.to_datetime(grid[:-1]).normalize()
    out = pd.Series(per_hour, index=day).groupby(level=0).mean()
    return pd.DataFrame({"date": out.index, "intensity": out.to_numpy()})
