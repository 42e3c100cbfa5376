"""A/B tests (A/B 测试): intervals and tests for two proportions, uplift, sample size."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..schema import DataValidationError, check_choice, require_columns
from .channels import check_contacts

__all__ = [
    "diff_ci",
    "two_proportion_test",
    "ab_test",
    "uplift_by_segment",
    "sample_size",
]


# --------------------------------------------------------------------------- A/B tests


def _counts(x: int, n: int, name: str) -> None:
    if isinstance(n, bool) or not float(n).is_integer() or n <= 0:
        raise ValueError(
            f"{name}: the group size must be a whole number > 0 (an empty group?); got {n!r}."
        )
    if not float(x).is_integer() or not 0 <= x <= n:
        raise ValueError(
            f"{name}: the responses must be a whole number between 0 and {n}; got {x!r}."
        )


def _wilson(x: float, n: float, z: float) -> tuple[float, float]:
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    return (centre - half) / denom, (centre + half) / denom


def diff_ci(
    x1: int, n1: int, x2: int, n2: int, *, alpha: float = 0.05, method: str = "newcombe"
) -> tuple[float, float]:
    """Confidence interval for the difference of two proportions ``x1/n1 − x2/n2``.

    ``method="newcombe"`` (default): Newcombe's hybrid score interval (Newcombe 1998,
    *Statistics in Medicine* 17:873–890, method 10), built from the two Wilson score
    intervals; it behaves well for small counts and rates near 0 or 1.
    ``method="wald"``: the textbook normal-approximation interval
    ``d ± z·sqrt(p1(1−p1)/n1 + p2(1−p2)/n2)`` (Newcombe's method 1), which is too narrow
    for small samples and rates near 0.

    Newcombe's Table II, example (a) 56/70 − 48/80, gives 0.0524 to 0.3339 (method 10) and
    0.0575 to 0.3425 (method 1):

    >>> [round(v, 4) for v in diff_ci(56, 70, 48, 80)]
    [0.0524, 0.3339]
    >>> [round(v, 4) for v in diff_ci(56, 70, 48, 80, method="wald")]
    [0.0575, 0.3425]
    """
    check_choice("method", method, ("newcombe", "wald"))
    if not 0 < alpha < 1:
        raise ValueError(
            f"alpha must be between 0 and 1 (0.05 for a 95 % interval); got {alpha!r}."
        )
    _counts(x1, n1, "group 1")
    _counts(x2, n2, "group 2")
    z = float(stats.norm.ppf(1 - alpha / 2))
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    if method == "wald":
        half = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        return d - half, d + half
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """The pooled two-proportion z test of ``p1 = p2`` (two-sided): ``(z, p_value)``.

    ``z = (p1 − p2) / sqrt(p̂(1 − p̂)(1/n1 + 1/n2))`` with the pooled rate ``p̂``; the
    p-value comes from ``scipy.stats.norm``. ``z²`` equals Pearson's chi-square statistic
    on the 2 × 2 table without continuity correction, so the p-values agree. If nobody (or
    everybody) responded in both groups there is no evidence of a difference: z = 0, p = 1.

    >>> z, p = two_proportion_test(56, 70, 48, 80)
    >>> round(z, 2), round(p, 4)
    (2.65, 0.008)
    """
    _counts(x1, n1, "group 1")
    _counts(x2, n2, "group 2")
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / se
    return z, float(2 * stats.norm.sf(abs(z)))


def _groups(
    contacts: pd.DataFrame, group: str, control: Any, treatment: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = check_contacts(contacts, ["customer_id", "responded", group])
    labels = set(c[group].dropna().unique().tolist())
    for role, value in (("control", control), ("treatment", treatment)):
        if value not in labels:
            raise DataValidationError(
                f"The contacts table's column {group!r} has no {role} group {value!r}: an "
                f"empty group. Groups found: {', '.join(repr(v) for v in sorted(labels, key=str)) or 'none'}."
            )
    return c[c[group] == control], c[c[group] == treatment]


def ab_test(
    contacts: pd.DataFrame,
    *,
    group: str = "ab_group",
    control: Any = "control",
    treatment: Any = "treatment",
    alpha: float = 0.05,
    method: str = "newcombe",
) -> pd.Series:
    """A/B test of a campaign (A/B 测试): the difference in response rates, treatment minus
    control, with a confidence interval (:func:`diff_ci`, Newcombe by default) and the
    two-sided two-proportion z test (:func:`two_proportion_test`).

    Returns a Series: ``n_control``, ``responses_control``, ``rate_control``, the same for
    treatment, ``difference``, ``ci_low``, ``ci_high``, ``relative_uplift`` (difference ÷
    control rate), ``z``, ``p_value``, ``significant`` (p < alpha), ``alpha``, ``method``.

    >>> c = pd.DataFrame({"customer_id": range(150), "responded": [1] * 48 + [0] * 32 + [1] * 56 + [0] * 14,
    ...                   "ab_group": ["control"] * 80 + ["treatment"] * 70})
    >>> r = ab_test(c)
    >>> round(r["difference"], 4), round(r["ci_low"], 4), round(r["ci_high"], 4)
    (0.2, 0.0524, 0.3339)
    """
    ctrl, trt = _groups(contacts, group, control, treatment)
    xc, nc = int(ctrl["responded"].sum()), len(ctrl)
    xt, nt = int(trt["responded"].sum()), len(trt)
    low, high = diff_ci(xt, nt, xc, nc, alpha=alpha, method=method)
    z, p = two_proportion_test(xt, nt, xc, nc)
    rc, rt = xc / nc, xt / nt
    return pd.Series(
        {
            "n_control": nc,
            "responses_control": xc,
            "rate_control": rc,
            "n_treatment": nt,
            "responses_treatment": xt,
            "rate_treatment": rt,
            "difference": rt - rc,
            "ci_low": low,
            "ci_high": high,
            "relative_uplift": (rt - rc) / rc if rc > 0 else np.nan,
            "z": z,
            "p_value": p,
            "significant": bool(p < alpha),
            "alpha": alpha,
            "method": method,
        },
        name="A/B test",
        dtype=object,
    )


def uplift_by_segment(
    contacts: pd.DataFrame,
    segments: pd.DataFrame | None = None,
    *,
    by: str = "segment",
    group: str = "ab_group",
    control: Any = "control",
    treatment: Any = "treatment",
    alpha: float = 0.05,
    method: str = "newcombe",
) -> pd.DataFrame:
    """Uplift (增量响应) by segment: :func:`ab_test` within each value of ``by``.

    ``by`` is a column of ``contacts`` or, if ``segments`` (``customer_id`` and ``by``) is
    given, joined from it. A segment with an empty group gets NaN figures.

    >>> c = pd.DataFrame({"customer_id": range(8), "responded": [0, 1, 1, 1, 0, 0, 0, 1],
    ...                   "ab_group": ["control", "treatment"] * 4, "segment": ["a"] * 4 + ["b"] * 4})
    >>> uplift_by_segment(c)[["segment", "rate_control", "rate_treatment", "difference"]]
      segment  rate_control  rate_treatment  difference
    0       a           0.5             1.0         0.5
    1       b           0.0             0.5         0.5
    """
    c = contacts
    if segments is not None:
        require_columns(segments, ["customer_id", by], "segments")
        seg = segments.drop_duplicates("customer_id").set_index("customer_id")[by]
        require_columns(contacts, ["customer_id"], "contacts")
        c = contacts.assign(**{by: contacts["customer_id"].map(seg)})
    c = check_contacts(c, ["customer_id", "responded", group, by])
    _groups(c, group, control, treatment)
    rows = []
    for key, part in c.groupby(by, observed=True, sort=True):
        try:
            r = ab_test(part, group=group, control=control, treatment=treatment,
                        alpha=alpha, method=method)  # fmt: skip
        except (DataValidationError, ValueError):
            r = pd.Series(dtype=object)
        rows.append({by: key, **r.to_dict()})
    out = pd.DataFrame(rows)
    numeric = [col for col in out.columns if col not in (by, "method", "significant")]
    out[numeric] = out[numeric].astype(float)
    return out


def sample_size(p_control: float, uplift: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Customers needed **per group** to detect an absolute ``uplift`` over the control rate
    ``p_control`` with a two-sided test at level ``alpha`` and the given ``power``.

    The normal-approximation formula for two proportions (Fleiss, Levin & Paik 2003,
    *Statistical Methods for Rates and Proportions*, eq. 4.14, without continuity
    correction), rounded up::

        n = [z(1−α/2)·sqrt(2·p̄·(1−p̄)) + z(power)·sqrt(p1(1−p1) + p2(1−p2))]² / (p2 − p1)²

    with ``p1 = p_control``, ``p2 = p_control + uplift`` and ``p̄ = (p1 + p2)/2``. R's
    ``power.prop.test(p1 = .50, p2 = .75, power = .90)`` gives n = 76.7 per group:

    >>> sample_size(0.50, 0.25, power=0.90)
    77
    """
    if not 0 < p_control < 1:
        raise ValueError(f"p_control must be a rate between 0 and 1; got {p_control!r}.")
    if uplift == 0 or not 0 < p_control + uplift < 1:
        raise ValueError(
            f"uplift must be non-zero and keep p_control + uplift between 0 and 1; got {uplift!r}."
        )
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must be between 0 and 1; got {alpha!r} and {power!r}.")
    p1, p2 = p_control, p_control + uplift
    pbar = (p1 + p2) / 2
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return int(math.ceil(num**2 / uplift**2 - 1e-9))
