"""CRM software selection (CRM软件选型) by weighted scoring, and how much the choice
depends on the weights.

Each vendor gets a score 1-5 on each criterion (:data:`crm_helpers._catalogue.VENDOR_SCORES`:
the course's illustrative judgement for a mid-sized Chinese retailer — replace it with your
own); the weighted score is Σ weight × score with the weights normalised to sum 1. The
sensitivity analysis asks two questions: (1) if one criterion's weight moves from 0 to 1
(the others keep their proportions), where does the winner change (:func:`weight_sweep`)?
(2) if the weights were drawn at random around yours (Dirichlet), how often does each
vendor win (:func:`weight_sensitivity`)?

>>> t = vendor_scores(weights={"cost": 1.0})
>>> t.iloc[0]["vendor"], float(t.iloc[0]["weighted_score"])
('suitecrm', 5.0)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import _catalogue as cat

__all__ = ["default_scores", "vendor_scores", "weight_sweep", "weight_sensitivity"]

Scores = Mapping[str, Mapping[str, float]]


def default_scores() -> dict[str, dict[str, float]]:
    """The course's illustrative vendor scores (a copy: vendor → criterion → score 1-5).

    >>> sorted(default_scores())
    ['fxiaoke', 'suitecrm', 'zoho']
    """
    return {v: dict(s) for v, s in cat.VENDOR_SCORES.items()}


def _matrix(scores: Scores | None) -> pd.DataFrame:
    m = pd.DataFrame(scores if scores is not None else cat.VENDOR_SCORES).T.astype(float)
    if m.isna().any().any():
        raise ValueError("Every vendor needs a score on every criterion (some are missing).")
    if ((m < 1) | (m > 5)).any().any():
        raise ValueError("Vendor scores must lie between 1 and 5.")
    return m


def _norm(weights: Mapping[str, float] | None, criteria: list[str]) -> pd.Series:
    if weights is None:  # the course's weights, or equal weights for other criteria
        course = {k: w for k, _, _, w in cat.VENDOR_CRITERIA}
        weights = course if set(criteria) <= set(course) else dict.fromkeys(criteria, 1.0)
    unknown = sorted(set(weights) - set(criteria))
    if unknown:
        raise ValueError(f"Unknown criteria in weights: {unknown}; valid: {criteria}.")
    w = pd.Series({k: float(weights.get(k, 0.0)) for k in criteria})
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("Weights must be non-negative with a positive sum.")
    return w / w.sum()


def vendor_scores(
    scores: Scores | None = None, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """One row per vendor, best first: its score on each criterion, the weighted score
    (1-5) and the rank. ``weights`` (criterion → weight) are normalised; criteria left out
    weigh 0; the default is the course's stated weights."""
    m = _matrix(scores)
    w = _norm(weights, list(m.columns))
    out = m.copy()
    out["weighted_score"] = m @ w
    out = out.sort_values("weighted_score", ascending=False)
    out["rank"] = np.arange(1, len(out) + 1)
    names = {k: n for k, n, _ in cat.VENDORS}
    out.insert(0, "name", [names.get(v, v) for v in out.index])
    return out.rename_axis("vendor").reset_index()


def weight_sweep(
    scores: Scores | None = None, weights: Mapping[str, float] | None = None, steps: int = 21
) -> pd.DataFrame:
    """For each criterion, its weight from 0 to 1 in ``steps`` steps (the others scaled to
    keep their proportions): every vendor's weighted score and the winner. Columns:
    criterion, weight, one column per vendor, winner."""
    m = _matrix(scores)
    base = _norm(weights, list(m.columns))
    rows = []
    for crit in m.columns:
        others = base.drop(crit)
        for x in np.linspace(0, 1, steps):
            rest = others / others.sum() * (1 - x) if others.sum() > 0 else others
            w = pd.concat([rest, pd.Series({crit: x})]).reindex(m.columns).fillna(0.0)
            total = m @ w
            rows.append({"criterion": crit, "weight": float(x), **total.to_dict(),
                         "winner": str(total.idxmax())})  # fmt: skip
    return pd.DataFrame(rows)


def weight_sensitivity(
    scores: Scores | None = None, weights: Mapping[str, float] | None = None,
    n: int = 2000, concentration: float = 20.0, seed: int = 0,
) -> pd.DataFrame:  # fmt: skip
    """How often each vendor wins when the weights are drawn from a Dirichlet distribution
    centred on ``weights`` (``concentration`` × weights as its parameters: larger means
    closer to your weights). Returns vendor, wins, win_share, mean_score."""
    m = _matrix(scores)
    base = _norm(weights, list(m.columns))
    rng = np.random.default_rng(seed)
    alpha = np.maximum(base.to_numpy() * concentration, 1e-3)
    draws = rng.dirichlet(alpha, size=n)
    totals = draws @ m.to_numpy().T
    winners = m.index.to_numpy()[totals.argmax(axis=1)]
    wins = pd.Series(winners).value_counts().reindex(m.index, fill_value=0)
    return pd.DataFrame({"vendor": m.index, "wins": wins.to_numpy(),
                         "win_share": wins.to_numpy() / n,
                         "mean_score": totals.mean(axis=0)})  # fmt: skip
