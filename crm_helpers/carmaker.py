"""The Shanghai Volkswagen (上海大众) case computed: the customer development centre's (客户开发中心)
hotline 800 820 1111 as data.

Tables in the shape of the simulated case (``shop.with_tables("svw_calls",
"svw_followups", "svw_sales", "svw_dealers")``, see
:mod:`crm_helpers.extensions.carmaker`):

* :func:`lead_capture` — of the calls where the agent found an intention to buy, how many
  became leads (interest + permission to follow up): the lead capture rate (线索捕获率).
* :func:`lead_outcomes` — one row per lead: when the first follow-up came against the gap
  its purchase timing asks for, how many follow-ups, whether and when the caller bought.
* :func:`follow_up_summary` — those by purchase timing (or any column).
* :func:`complaint_routing` — complaints routed to each dealer (经销商, the carmaker's
  first-level customers 第一层面的客户): how many per caller served, how fast they were
  routed and resolved, and whether the caller heard back.
* :func:`lifelong_file` — one lifelong file per customer (客户终生档案).
* :func:`touchpoints_by_stage` — contacts by purchase stage (购买前/购买/购买后).

>>> calls = pd.DataFrame({"call_id": [1, 2, 3], "caller_id": [1, 2, 3],
...     "purchase_interest": [True, True, False], "lead_id": [1, None, None]})
>>> lead_capture(calls)[["interest_calls", "leads", "capture_rate"]]
   interest_calls  leads  capture_rate
0               2      1           0.5
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _catalogue as cat
from .schema import DataValidationError

__all__ = [
    "HOTLINE",
    "FOLLOW_UP_GAP",
    "lead_capture",
    "lead_outcomes",
    "follow_up_summary",
    "complaint_routing",
    "lifelong_file",
    "touchpoints_by_stage",
]

HOTLINE: str = cat.SVW_HOTLINE
#: Days between follow-up calls by purchase timing (按购买时间跟进).
FOLLOW_UP_GAP: dict[str, int] = {k: v[0] for k, v in cat.SVW_FOLLOW_UP.items()}
STAGES_ZH: dict[str, str] = {s[0]: s[1] for s in cat.SVW_TOUCHPOINTS}


def _require(df: pd.DataFrame, columns: list[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(
            f"The {table} table needs the column(s) {missing}; it has: "
            + ", ".join(map(str, df.columns))
        )


def lead_capture(calls: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """Lead capture (线索捕获): ``calls`` (all), ``interest_calls`` (the agent found an
    intention to buy), ``leads`` (interest and permission: ``lead_id`` filled in) and
    ``capture_rate`` = leads / interest calls, overall or per ``by``."""
    _require(calls, ["call_id", "purchase_interest", "lead_id"], "calls")
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    _require(calls, keys, "calls")
    d = calls.assign(
        interest=calls["purchase_interest"].astype(bool),
        lead=calls["lead_id"].notna() & calls["purchase_interest"].astype(bool),
    )
    groups = d.groupby(keys, observed=True) if keys else d.groupby(np.zeros(len(d)))
    out = groups.agg(
        calls=("call_id", "size"), interest_calls=("interest", "sum"), leads=("lead", "sum")
    )
    out["capture_rate"] = out["leads"] / out["interest_calls"]
    return out.reset_index() if keys else out.reset_index(drop=True)


def lead_outcomes(
    calls: pd.DataFrame, followups: pd.DataFrame, sales: pd.DataFrame, *, tolerance_days: float = 1
) -> pd.DataFrame:
    """One row per captured lead: ``lead_id``, ``caller_id``, ``captured_at``,
    ``purchase_timing``, ``model_interest``, ``dealer_id``, ``gap_days`` (the timing's
    follow-up gap), ``first_follow_up``, ``days_to_first`` (missing: never followed up),
    ``follow_up`` (``on time``: the first follow-up within gap + ``tolerance_days``;
    ``bought first``: bought before a follow-up was due; ``missed``: late or never — the
    two cannot be told apart for a lead who bought before a late call would have come),
    ``n_follow_ups``, ``bought``, ``sale_date``, ``days_to_purchase`` and
    ``followed_before_purchase``. Unknown purchase timings raise
    :class:`DataValidationError`."""
    _require(calls, ["caller_id", "timestamp", "lead_id", "purchase_timing", "dealer_id"], "calls")
    _require(followups, ["lead_id", "timestamp", "kind"], "followups")
    _require(sales, ["caller_id", "date"], "sales")
    leads = calls[calls["lead_id"].notna()].rename(columns={"timestamp": "captured_at"})
    bad = sorted(set(leads["purchase_timing"].astype(str)) - set(FOLLOW_UP_GAP))
    if bad:
        raise DataValidationError(
            f"Column 'purchase_timing' holds {bad} for leads; expected {list(FOLLOW_UP_GAP)}."
        )
    cols = ["lead_id", "caller_id", "captured_at", "purchase_timing", "dealer_id"]
    cols += ["model_interest"] if "model_interest" in leads else []
    out = leads[cols].copy()
    out["gap_days"] = out["purchase_timing"].map(FOLLOW_UP_GAP)
    fu = followups[followups["kind"] == "follow_up"].groupby("lead_id")["timestamp"]
    out["first_follow_up"] = pd.to_datetime(fu.min().reindex(out["lead_id"]).to_numpy())
    out["n_follow_ups"] = fu.size().reindex(out["lead_id"], fill_value=0).to_numpy()
    out["days_to_first"] = (out["first_follow_up"] - out["captured_at"]).dt.total_seconds() / 86400
    first_sale = sales.groupby("caller_id")["date"].min()
    sale = pd.Series(pd.to_datetime(first_sale.reindex(out["caller_id"]).to_numpy()), out.index)
    out["sale_date"] = sale.where(sale >= out["captured_at"])
    out["bought"] = out["sale_date"].notna()
    out["days_to_purchase"] = (out["sale_date"] - out["captured_at"]).dt.total_seconds() / 86400
    out["followed_before_purchase"] = out["first_follow_up"] < out["sale_date"]
    due = out["gap_days"] + tolerance_days
    out["follow_up"] = np.select(
        [out["days_to_first"] <= due, out["days_to_purchase"] <= due],
        ["on time", "bought first"],
        "missed",
    )
    return out.reset_index(drop=True)


def follow_up_summary(
    outcomes: pd.DataFrame, by: str | list[str] = "purchase_timing"
) -> pd.DataFrame:
    """Per ``by`` group of :func:`lead_outcomes`: ``leads``, ``bought``, ``conversion``,
    ``median_days_to_first``, ``on_time_share``, ``missed_share`` and, among buyers,
    ``followed_before_purchase_share``."""
    _require(outcomes, ["lead_id", "bought", "days_to_first", "follow_up"], "lead outcomes")
    d = outcomes.assign(
        on_time=outcomes["follow_up"] == "on time",
        missed=outcomes["follow_up"] == "missed",
        before=outcomes["followed_before_purchase"].where(outcomes["bought"]).astype(float),
    )
    out = d.groupby(by, observed=True).agg(
        leads=("lead_id", "size"),
        bought=("bought", "sum"),
        median_days_to_first=("days_to_first", "median"),
        on_time_share=("on_time", "mean"),
        missed_share=("missed", "mean"),
        followed_before_purchase_share=("before", "mean"),
    )
    out.insert(2, "conversion", out["bought"] / out["leads"])
    return out.reset_index()


def complaint_routing(
    calls: pd.DataFrame, dealers: pd.DataFrame | None = None, *, sla_days: float = 7
) -> pd.DataFrame:
    """Complaints routed to each dealer: ``callers`` (distinct callers of the dealer),
    ``complaints``, ``complaint_rate`` (complaints per caller), ``median_hours_to_route``,
    ``mean_days_to_resolve``, ``resolved_within_sla`` (share resolved within ``sla_days``
    of the call) and ``feedback_share`` (the caller was told the result). With ``dealers``
    the dealer's city is added. Sorted by complaint rate, highest first."""
    _require(calls, ["caller_id", "purpose", "dealer_id", "timestamp", "routed_at", "resolved_at",
                     "feedback_at"], "calls")  # fmt: skip
    comp = calls[calls["purpose"] == "complaint"]
    route_h = (comp["routed_at"] - comp["timestamp"]).dt.total_seconds() / 3600
    resolve_d = (comp["resolved_at"] - comp["timestamp"]).dt.total_seconds() / 86400
    g = comp.assign(route_h=route_h, resolve_d=resolve_d, within=resolve_d <= sla_days,
                    fed=comp["feedback_at"].notna()).groupby("dealer_id")  # fmt: skip
    out = pd.DataFrame({"callers": calls.groupby("dealer_id")["caller_id"].nunique()})
    out["complaints"] = g.size().reindex(out.index, fill_value=0)
    out["complaint_rate"] = out["complaints"] / out["callers"]
    out["median_hours_to_route"] = g["route_h"].median()
    out["mean_days_to_resolve"] = g["resolve_d"].mean()
    out["resolved_within_sla"] = g["within"].mean()
    out["feedback_share"] = g["fed"].mean()
    out = out.reset_index().sort_values("complaint_rate", ascending=False, ignore_index=True)
    if dealers is not None:
        _require(dealers, ["dealer_id", "city_zh"], "dealers")
        out = out.merge(dealers[["dealer_id", "city_zh"]], on="dealer_id", how="left")
    return out


def lifelong_file(
    calls: pd.DataFrame, followups: pd.DataFrame, sales: pd.DataFrame
) -> pd.DataFrame:
    """One lifelong file per customer (客户终生档案): every caller's ``first_contact``,
    ``last_contact``, ``inbound_calls``, ``inquiries``, ``complaints``, ``outbound_calls``,
    ``lead_id``, ``model_interest``, ``purchase_timing``, ``dealer_id``, ``bought_model``,
    ``purchase_date`` and ``status`` (``owner``, ``bought``, ``lead`` or ``caller``)."""
    _require(calls, ["caller_id", "timestamp", "purpose", "dealer_id", "lead_id"], "calls")
    _require(followups, ["caller_id", "timestamp"], "followups")
    _require(sales, ["caller_id", "date"], "sales")
    g = calls.sort_values("timestamp").groupby("caller_id")
    f = g.agg(first_contact=("timestamp", "min"), last_contact=("timestamp", "max"),
              inbound_calls=("timestamp", "size"), dealer_id=("dealer_id", "first"),
              lead_id=("lead_id", "max"))  # fmt: skip
    for purpose, col in (("inquiry", "inquiries"), ("complaint", "complaints")):
        f[col] = (calls["purpose"] == purpose).groupby(calls["caller_id"]).sum()
    for col in ("model_interest", "purchase_timing", "caller_type"):
        if col in calls:
            f[col] = calls.dropna(subset=[col]).groupby("caller_id")[col].first()
    f["outbound_calls"] = followups.groupby("caller_id").size().reindex(f.index, fill_value=0)
    last_out = followups.groupby("caller_id")["timestamp"].max().reindex(f.index)
    f["last_contact"] = f["last_contact"].where(~(last_out > f["last_contact"]), last_out)
    first_sale = sales.sort_values("date").groupby("caller_id").first()
    f["purchase_date"] = first_sale["date"].reindex(f.index)
    if "model" in sales:
        f["bought_model"] = first_sale["model"].reindex(f.index)
    owner = f["caller_type"].eq("owner") if "caller_type" in f else False
    f["status"] = np.select(
        [owner, f["purchase_date"].notna(), f["lead_id"].notna()],
        ["owner", "bought", "lead"],
        "caller",
    )
    return f.reset_index()


def touchpoints_by_stage(
    calls: pd.DataFrame, followups: pd.DataFrame, sales: pd.DataFrame
) -> pd.DataFrame:
    """Contacts by purchase stage × touchpoint: before purchase (购买前), the purchase at the
    dealer (购买) and after purchase (购买后: owners' calls, calls after a sale). Touchpoints
    are the inbound purposes (``hotline: inquiry`` ...), the outbound kinds (``outbound:
    follow_up`` ...) and ``dealer: sale``."""
    _require(calls, ["caller_id", "timestamp", "purpose"], "calls")
    _require(followups, ["caller_id", "timestamp", "kind"], "followups")
    _require(sales, ["caller_id", "date"], "sales")
    first_sale = sales.groupby("caller_id")["date"].min()
    rows = pd.concat([
        pd.DataFrame({"caller_id": calls["caller_id"], "when": calls["timestamp"],
                      "touchpoint": "hotline: " + calls["purpose"].astype(str),
                      "owner": calls.get("caller_type", pd.Series("", index=calls.index)).eq("owner")}),
        pd.DataFrame({"caller_id": followups["caller_id"], "when": followups["timestamp"],
                      "touchpoint": "outbound: " + followups["kind"].astype(str), "owner": False}),
    ], ignore_index=True)  # fmt: skip
    after = rows["owner"] | (rows["when"] > rows["caller_id"].map(first_sale))
    rows["stage"] = np.where(after, "after purchase", "before purchase")
    sale_rows = pd.DataFrame({"stage": "purchase", "touchpoint": "dealer: sale"}, index=sales.index)
    both = pd.concat([rows[["stage", "touchpoint"]], sale_rows], ignore_index=True)
    table = pd.crosstab(both["stage"], both["touchpoint"])
    order = [s for s in STAGES_ZH if s in table.index]
    table = table.reindex(order)
    table.index = [f"{s} {STAGES_ZH[s]}" for s in table.index]
    return table
