"""Channels (沟通渠道): the contact table, channel mix, response and preferred channels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _catalogue as cat
from ..schema import DataValidationError, require_columns

__all__ = [
    "CHANNELS",
    "CHANNEL_ZH",
    "CHANNEL_COST",
    "FOLLOW_UP_CADENCE",
    "check_contacts",
    "channel_mix",
    "response_summary",
    "preferred_channels",
]

#: The contact channels (沟通渠道) of the course, in display order.
CHANNELS: tuple[str, ...] = tuple(c[0] for c in cat.CHANNEL_LIST)
#: Chinese names of the channels.
CHANNEL_ZH: dict[str, str] = {c[0]: c[1] for c in cat.CHANNEL_LIST}
#: Cost of one contact per channel, in yuan (the simulated retailer's price list).
CHANNEL_COST: dict[str, float] = {c[0]: c[2] for c in cat.CHANNEL_LIST}
#: The call centre's follow-up of a sales lead by purchase timing (购买时间):
#: (days between follow-up calls, days the follow-up lasts).
FOLLOW_UP_CADENCE: dict[str, tuple[int, int]] = {
    "within_1_month": (7, 28),
    "1_3_months": (14, 84),
    "3_6_months": (30, 180),
}
_MONTH_DAYS = 365.25 / 12


# --------------------------------------------------------------------------- validation


def _check_channels(values: pd.Series, column: str, table: str, channels: Iterable[str]) -> None:
    known = list(dict.fromkeys(channels))
    bad = sorted({str(v) for v in values.dropna().unique()} - set(known))
    if bad:
        raise DataValidationError(
            f"The {table} table's column {column!r} has unknown channels: "
            f"{', '.join(repr(b) for b in bad[:5])}. Known channels: "
            f"{', '.join(repr(c) for c in known)}."
        )


def check_contacts(
    contacts: pd.DataFrame,
    columns: Sequence[str] = ("customer_id", "channel", "responded"),
    *,
    channels: Iterable[str] = CHANNELS,
    table: str = "contacts",
) -> pd.DataFrame:
    """Validate a contact table and return a copy with ``responded`` as 0/1 integers.

    Raises :class:`~crm_helpers.schema.DataValidationError` when the table is empty (an
    empty campaign), a column is missing, a channel is unknown, or ``responded`` holds
    anything but True/False (or 1/0); the message names the column.

    >>> c = pd.DataFrame({"customer_id": [1, 2], "channel": ["sms", "fax"],
    ...                   "responded": [True, False]})
    >>> check_contacts(c)
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The contacts table's column 'channel' has unknown channels: 'fax'. Known channels: 'hotline', 'sms', 'email', 'push', 'social', 'face_to_face'.
    """
    require_columns(contacts, columns, table)
    if len(contacts) == 0:
        raise DataValidationError(
            f"The {table} table is empty: there is nothing to analyse (an empty campaign?)."
        )
    out = contacts.copy()
    if "channel" in columns:
        _check_channels(out["channel"], "channel", table, channels)
    if "responded" in columns:
        r = out["responded"]
        ok = r.isin([True, False, 0, 1]) & r.notna()
        if not ok.all():
            shown = ", ".join(repr(v) for v in r[~ok].head(3).tolist())
            raise DataValidationError(
                f"The {table} table's column 'responded' must be True/False (or 1/0); "
                f"found {shown}."
            )
        out["responded"] = r.astype("int64")
    return out


# --------------------------------------------------------------------------- channels


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def channel_mix(contacts: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Contacts per channel and each channel's share (渠道结构), optionally within groups.

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3, 4], "channel": ["sms", "sms", "email", "push"],
    ...                   "responded": [1, 0, 0, 1]})
    >>> channel_mix(c)
      channel  contacts  share
    0     sms         2   0.50
    1   email         1   0.25
    2    push         1   0.25
    """
    keys = _as_list(by)
    c = check_contacts(contacts, ["customer_id", "channel", *keys])
    c["channel"] = pd.Categorical(c["channel"].astype(str), categories=list(CHANNELS))
    g = c.groupby([*keys, "channel"], observed=True).size().rename("contacts").reset_index()
    total = g.groupby(keys)["contacts"].transform("sum") if keys else g["contacts"].sum()
    g["share"] = g["contacts"] / total
    g["channel"] = g["channel"].astype(str)
    return g.reset_index(drop=True)


def response_summary(contacts: pd.DataFrame, by: str | Sequence[str] = "channel") -> pd.DataFrame:
    """Response rate (响应率) and cost per response (单次响应成本) by one or more columns.

    Needs ``customer_id``, ``responded``, ``cost`` and the ``by`` columns. Returns the
    ``by`` columns, ``contacts``, ``responses``, ``response_rate``, ``cost`` (total),
    ``cost_per_contact`` and ``cost_per_response`` (NaN where nobody responded).

    >>> c = pd.DataFrame({"customer_id": [1, 2, 3, 4], "channel": ["sms", "sms", "email", "email"],
    ...                   "responded": [1, 0, 0, 0], "cost": [0.1, 0.1, 0.02, 0.02]})
    >>> response_summary(c)[["channel", "contacts", "responses", "response_rate", "cost_per_response"]]
      channel  contacts  responses  response_rate  cost_per_response
    0     sms         2          1            0.5                0.2
    1   email         2          0            0.0                NaN
    """
    keys = _as_list(by)
    if not keys:
        raise ValueError("by must name at least one column, e.g. 'channel'.")
    c = check_contacts(contacts, ["customer_id", "responded", "cost", *keys])
    if "channel" in keys:
        c["channel"] = pd.Categorical(c["channel"].astype(str), categories=list(CHANNELS))
    g = (
        c.groupby(keys, observed=True)
        .agg(contacts=("responded", "size"), responses=("responded", "sum"), cost=("cost", "sum"))
        .reset_index()
    )
    g["response_rate"] = g["responses"] / g["contacts"]
    g["cost_per_contact"] = g["cost"] / g["contacts"]
    g["cost_per_response"] = g["cost"] / g["responses"].where(g["responses"] > 0)
    if "channel" in keys:
        g["channel"] = g["channel"].astype(str)
    cols = [*keys, "contacts", "responses", "response_rate", "cost"]
    return g[[*cols, "cost_per_contact", "cost_per_response"]]


def _segment_of(c: pd.DataFrame, segments: pd.DataFrame | None, segment_col: str) -> pd.Series:
    """Each contact's segment: ``(unknown)`` when not listed, ``(all)`` without segments."""
    if segments is not None:
        require_columns(segments, ["customer_id", segment_col], "segments")
        seg = segments.drop_duplicates("customer_id").set_index("customer_id")[segment_col]
        seg_of = c["customer_id"].map(seg).astype(object).fillna("(unknown)")
    else:
        seg_of = pd.Series("(all)", index=c.index, dtype=object)
    return seg_of


def _segment_prior(
    sgc: np.ndarray, ch: np.ndarray, y: np.ndarray, cust: np.ndarray, K: int, S: int, N: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per customer (rows) and channel (columns) the response rate of their segment, the
    overall rate where the segment never used the channel; and each customer's segment."""
    sn = np.bincount(sgc * K + ch, minlength=S * K).reshape(S, K)
    sr = np.bincount(sgc * K + ch, weights=y, minlength=S * K).reshape(S, K)
    on, orr = sn.sum(axis=0), sr.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(on > 0, orr / np.maximum(on, 1), 0.0)
        seg_rate = np.where(sn > 0, sr / np.maximum(sn, 1), overall)
    cust_seg = np.empty(N, dtype=np.int64)
    cust_seg[cust] = sgc  # one segment per customer
    return seg_rate[cust_seg], cust_seg


def _shrunk(r: np.ndarray, n: np.ndarray, m: np.ndarray, k: float) -> np.ndarray:
    """(responses + k · prior) / (contacts + k); −inf where unknown (no contacts, k = 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        est = (r + k * m) / (n + k)
    est = np.where(np.isnan(est), -np.inf, est)
    return est


def _preferred_frame(ids: Any, est: np.ndarray, n: np.ndarray, r: np.ndarray) -> pd.DataFrame:
    """The best channel per customer with its estimate, contacts and responses."""
    N = len(ids)
    best = est.argmax(axis=1)
    out = pd.DataFrame(
        {
            "customer_id": np.asarray(ids),
            "preferred_channel": np.asarray(CHANNELS, dtype=object)[best],
            "estimated_rate": est[np.arange(N), best],
            "contacts": n.sum(axis=1),
            "responses": r.sum(axis=1).round().astype(np.int64),
        }
    )
    out["from_own_data"] = out["responses"] > 0
    return out


def preferred_channels(
    contacts: pd.DataFrame,
    segments: pd.DataFrame | None = None,
    *,
    prior_strength: float = 5.0,
    segment_col: str = "segment",
) -> pd.DataFrame:
    """Each customer's preferred channel (偏好渠道): the channel with the highest response
    rate, shrunk towards the segment's rate for customers with few contacts.

    For customer *i* and channel *c* the estimate is
    ``(responses_ic + k · m_sc) / (contacts_ic + k)`` where ``m_sc`` is the response rate of
    channel *c* in the customer's segment *s* (all customers if ``segments`` is None) and
    ``k = prior_strength`` acts as *k* pseudo-contacts (a beta-binomial prior). A customer
    with no contacts on a channel gets the segment's rate there; one with many contacts
    gets close to their own rate. The preferred channel is the channel with the highest
    estimate (ties: the order of :data:`CHANNELS`).

    ``contacts``: customer_id, channel, responded. ``segments``: optional customer_id and
    ``segment_col``, one row per customer. ``prior_strength``: ``k`` ≥ 0; 0 uses each
    customer's own rates only (channels never tried then count as unknown, never chosen).
    Returns customer_id, (``segment_col``), preferred_channel, estimated_rate, contacts,
    responses and from_own_data (True when the customer responded at least once, so their
    own responses, not the segment prior alone, decide the choice).

    >>> c = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 2],
    ...                   "channel": ["sms", "email", "email", "sms", "sms", "email"],
    ...                   "responded": [0, 1, 1, 1, 1, 0]})
    >>> preferred_channels(c, prior_strength=1)[["customer_id", "preferred_channel", "contacts"]]
       customer_id preferred_channel  contacts
    0            1             email         3
    1            2               sms         3
    """
    if not isinstance(prior_strength, int | float) or prior_strength < 0:
        raise ValueError(f"prior_strength must be a number ≥ 0; got {prior_strength!r}.")
    c = check_contacts(contacts)
    seg_of = _segment_of(c, segments, segment_col)
    ch = pd.Categorical(c["channel"].astype(str), categories=list(CHANNELS)).codes.astype(np.int64)
    y = c["responded"].to_numpy(dtype=float)
    cust, ids = pd.factorize(c["customer_id"], sort=True)
    sgc, seg_names = pd.factorize(seg_of)
    N, K = len(ids), len(CHANNELS)
    n = np.bincount(cust * K + ch, minlength=N * K).reshape(N, K)
    r = np.bincount(cust * K + ch, weights=y, minlength=N * K).reshape(N, K)
    m, cust_seg = _segment_prior(sgc, ch, y, cust, K, len(seg_names), N)
    est = _shrunk(r, n, m, float(prior_strength))
    out = _preferred_frame(ids, est, n, r)
    if segments is not None:
        out.insert(1, segment_col, np.asarray(seg_names, dtype=object)[cust_seg])
    return out
