"""Behaviour analysis of web and app events (浏览行为、搜索行为 joined to 购买行为) and the
customer journey map (客户旅程地图).

An event log has one row per event: ``session_id``, ``customer_id``, ``timestamp``,
``touchpoint`` (接触点), ``event`` (``visit``, ``search``, ``view``, ``cart``,
``purchase``), ``category`` and, for searches, ``search_found`` (the simulated retailer's
``web_events`` table; your own logs in that shape work too).

* :func:`sessions` — one row per session: where it ended (its furthest stage), whether it
  searched, whether the search found anything, whether it bought.
* :func:`search_conversion` — search-to-buy conversion (搜索转化率) by touchpoint or any
  session column.
* :func:`journey_map` — stages × touchpoints: sessions reaching each stage, the share of
  all sessions, and the drop-off (流失率) from the stage before.
* :func:`pain_points` — what goes wrong per touchpoint: searches that found nothing
  (搜索无结果) and carts left without paying (加购未付款).
* :func:`browsed_not_bought` — customer × category pairs viewed but not bought within a
  window: latent demand (潜在需求), the list a sales script (话术) is written for.
* :func:`call_list` — that list with the script (话术) to open the conversation with.
* :func:`crm_systems` — what 纷享销客 and Zoho CRM do with leads and the funnel.

>>> ev = pd.DataFrame({"session_id": [1, 1, 1, 2, 2], "customer_id": [7, 7, 7, 8, 8],
...     "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:01",
...         "2024-01-01 10:03", "2024-01-02 09:00", "2024-01-02 09:02"]),
...     "touchpoint": ["app"] * 5, "event": ["visit", "search", "purchase", "visit", "search"],
...     "category": [None, "baby", "baby", None, "home"],
...     "search_found": [None, True, None, None, False]})
>>> search_conversion(ev)[["touchpoint", "searching_sessions", "bought", "conversion"]]
  touchpoint  searching_sessions  bought  conversion
0        app                   2       1         0.5
"""

from __future__ import annotations

import pandas as pd

from . import _catalogue as cat
from .schema import DataValidationError

__all__ = [
    "STAGES",
    "STAGES_ZH",
    "sessions",
    "search_conversion",
    "journey_map",
    "pain_points",
    "browsed_not_bought",
    "call_list",
    "scripts",
    "crm_systems",
]

#: The journey's stages, in order (search is a behaviour inside a session, not a stage).
STAGES: tuple[str, ...] = tuple(s[0] for s in cat.JOURNEY_STAGES)
STAGES_ZH: dict[str, str] = dict(cat.JOURNEY_STAGES)
_EVENT_COLUMNS = ("session_id", "customer_id", "timestamp", "touchpoint", "event")


def _require(df: pd.DataFrame, columns: tuple[str, ...] | list[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(
            f"The {table} table needs the column(s) {missing}; it has: "
            + ", ".join(map(str, df.columns))
        )


def sessions(events: pd.DataFrame) -> pd.DataFrame:
    """One row per session: ``session_id``, ``customer_id``, ``touchpoint``, ``start``,
    ``category`` (the first one named), ``searched``, ``search_found`` (False when a search
    found nothing), ``last_stage`` (ordered categorical of :data:`STAGES`) and ``bought``.

    Raises :class:`DataValidationError` for a missing column or an unknown ``event``.
    """
    _require(events, [*_EVENT_COLUMNS, "category"], "events")
    kinds = set(events["event"].astype(str).unique())
    unknown = sorted(kinds - {*STAGES, "search"})
    if unknown:
        raise DataValidationError(
            f"Column 'event' holds {unknown}; expected one of {[*STAGES, 'search']}."
        )
    ev = events.sort_values(["session_id", "timestamp"], kind="stable")
    rank = ev["event"].astype(str).map({s: i for i, s in enumerate(STAGES)})
    g = ev.assign(rank=rank, is_search=ev["event"] == "search").groupby("session_id", sort=True)
    out = g.agg(
        customer_id=("customer_id", "first"),
        touchpoint=("touchpoint", "first"),
        start=("timestamp", "min"),
        category=("category", "first"),
        searched=("is_search", "any"),
        stage_rank=("rank", "max"),
    )
    if "search_found" in ev.columns:
        found = ev["search_found"].astype("boolean").fillna(True)
        failed = (ev["event"] == "search") & ~found
        out["search_found"] = ~failed.groupby(ev["session_id"]).any().reindex(out.index)
    else:
        out["search_found"] = True
    out["last_stage"] = pd.Categorical.from_codes(
        out.pop("stage_rank").fillna(0).astype(int), categories=list(STAGES), ordered=True
    )
    out["bought"] = out["last_stage"] == "purchase"
    return out.reset_index()


def search_conversion(events: pd.DataFrame, by: str | list[str] = "touchpoint") -> pd.DataFrame:
    """Search-to-buy conversion: of the sessions with a search, the share that bought.

    Columns: the ``by`` columns, ``sessions``, ``searching_sessions``, ``search_share``,
    ``bought`` (searching sessions that bought), ``conversion`` and ``no_result_share``
    (searching sessions whose search found nothing).
    """
    s = sessions(events)
    keys = [by] if isinstance(by, str) else list(by)
    _require(s, keys, "sessions")
    s = s.assign(bought_after_search=s["searched"] & s["bought"], no_result=~s["search_found"])
    out = s.groupby(keys, observed=True).agg(
        sessions=("session_id", "size"),
        searching_sessions=("searched", "sum"),
        bought=("bought_after_search", "sum"),
        no_result=("no_result", "sum"),
    )
    out["search_share"] = out["searching_sessions"] / out["sessions"]
    out["conversion"] = out["bought"] / out["searching_sessions"]
    out["no_result_share"] = out.pop("no_result") / out["searching_sessions"]
    return out.reset_index()


def journey_map(events: pd.DataFrame, by: str = "touchpoint") -> pd.DataFrame:
    """Stages × ``by`` (touchpoints by default): ``sessions`` reaching each stage,
    ``share_reached`` (of the group's sessions), ``drop_off`` (the share of the previous
    stage's sessions that did not reach this one; missing for the first stage) and
    ``stage_zh``. One row per group and stage, stages in journey order.

    >>> ev = pd.DataFrame({"session_id": [1, 1, 2], "customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3), "touchpoint": ["web"] * 3,
    ...     "event": ["visit", "view", "visit"], "category": [None, "home", None]})
    >>> journey_map(ev)[["stage", "sessions", "share_reached", "drop_off"]].head(2)
       stage  sessions  share_reached  drop_off
    0  visit         2            1.0       NaN
    1   view         1            0.5       0.5
    """
    s = sessions(events)
    _require(s, [by], "sessions")
    codes = s["last_stage"].cat.codes
    rows = []
    for group, part in s.groupby(by, observed=True, sort=True):
        n = len(part)
        prev = None
        for i, stage in enumerate(STAGES):
            reached = int((codes[part.index] >= i).sum())
            rows.append(
                {by: group, "stage": stage, "stage_zh": STAGES_ZH[stage], "sessions": reached,
                 "share_reached": reached / n,
                 "drop_off": (1 - reached / prev) if prev else float("nan")}
            )  # fmt: skip
            prev = reached
    return pd.DataFrame(rows)


def pain_points(events: pd.DataFrame, by: str = "touchpoint") -> pd.DataFrame:
    """Per ``by`` group: ``no_result_rate`` (searches that found nothing, of searching
    sessions), ``cart_abandonment`` (sessions that reached the cart but did not buy, of
    those reaching the cart) and ``bounce_rate`` (sessions that ended at the visit)."""
    s = sessions(events)
    s = s.assign(
        no_result=s["searched"] & ~s["search_found"],
        carted=s["last_stage"] >= "cart",
        abandoned=s["last_stage"] == "cart",
        bounced=s["last_stage"] == "visit",
    )
    g = s.groupby(by, observed=True)
    out = pd.DataFrame(
        {
            "no_result_rate": g["no_result"].sum() / g["searched"].sum(),
            "cart_abandonment": g["abandoned"].sum() / g["carted"].sum(),
            "bounce_rate": g["bounced"].mean(),
        }
    )
    return out.reset_index()


def browsed_not_bought(
    events: pd.DataFrame,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    *,
    window_days: float = 30,
    min_views: int = 2,
) -> pd.DataFrame:
    """Latent demand (潜在需求): customer × category pairs viewed at least ``min_views`` times
    in sessions that did not buy, with no purchase of that category in any channel from the
    first such view to ``window_days`` after the last one.

    ``transactions`` needs ``customer_id``, ``timestamp`` and ``sku``; ``products`` maps
    ``sku`` to ``category``. Returns ``customer_id``, ``category``, ``views``,
    ``first_view``, ``last_view``, sorted by views (most first).
    """
    _require(transactions, ["customer_id", "timestamp", "sku"], "transactions")
    _require(products, ["sku", "category"], "products")
    s = sessions(events)
    browse_ids = s.loc[~s["bought"], "session_id"]
    views = events[(events["event"] == "view") & events["session_id"].isin(browse_ids)]
    pairs = views.groupby(["customer_id", "category"], observed=True).agg(
        views=("session_id", "size"),
        first_view=("timestamp", "min"),
        last_view=("timestamp", "max"),
    )
    pairs = pairs[pairs["views"] >= min_views].reset_index()
    cat_of = products.set_index("sku")["category"].astype(str)
    buys = transactions[["customer_id", "timestamp"]].assign(
        category=transactions["sku"].astype(str).map(cat_of)
    )
    both = pairs.merge(buys, on=["customer_id", "category"], how="left")
    window = pd.Timedelta(days=window_days)
    hit = (both["timestamp"] >= both["first_view"]) & (
        both["timestamp"] <= both["last_view"] + window
    )
    bought = hit.groupby([both["customer_id"], both["category"]]).any()
    keep = ~bought.reindex(pd.MultiIndex.from_frame(pairs[["customer_id", "category"]])).to_numpy()
    out = pairs[keep].sort_values(["views", "customer_id"], ascending=[False, True])
    return out.reset_index(drop=True)


def call_list(
    latent: pd.DataFrame, n: int | None = None, *, situation: str = "浏览未购买"
) -> pd.DataFrame:
    """The browsed-not-bought list (from :func:`browsed_not_bought`) with the opening line
    of the script (话术) for ``situation`` (a Chinese situation of
    ``crm_helpers._catalogue.SCRIPTS``), the category written in Chinese; the first ``n``.

    >>> bnb = pd.DataFrame({"customer_id": [3], "category": ["baby"], "views": [4]})
    >>> call_list(bnb)["script"].iloc[0][:13]
    '您好，看到您最近关注了母婴'
    """
    scripts = {zh: text for _en, zh, text in cat.SCRIPTS}
    if situation not in scripts:
        raise ValueError(f"situation={situation!r} is not one of {sorted(scripts)}.")
    _require(latent, ["customer_id", "category"], "browsed-not-bought")
    zh = {code: name for code, name, _en, _m in cat.CATEGORIES}
    out = latent.head(n) if n is not None else latent.copy()
    category_zh = out["category"].astype(str).map(zh).fillna(out["category"].astype(str))
    script = [scripts[situation].format(category=c) for c in category_zh]
    return out.assign(category_zh=category_zh.to_numpy(), script=script).reset_index(drop=True)


def scripts() -> pd.DataFrame:
    """The course's 话术 table: situation (English, Chinese) and the opening line.

    >>> scripts()["situation_zh"].iloc[0]
    '浏览未购买'
    """
    return pd.DataFrame(cat.SCRIPTS, columns=["situation", "situation_zh", "script"])


def crm_systems() -> pd.DataFrame:
    """纷享销客 and Zoho CRM: their reach and what their lead and funnel modules do, with
    the course's counterpart (lead scoring and the sales funnel of chapter 02).

    >>> crm_systems()["system"].tolist()
    ['纷享销客 (Fxiaoke)', 'Zoho CRM']
    """
    rows = [
        {"system": name, "reach": reach, "lead module": leads, "funnel module": funnel,
         "in this course": "lead scoring (idf.fit_lead_model) + funnel (idf.funnel_conversion)"}
        for name, reach, leads, funnel in cat.CRM_SYSTEMS
    ]  # fmt: skip
    return pd.DataFrame(rows)
