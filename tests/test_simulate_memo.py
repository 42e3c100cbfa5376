"""The in-process memo of small simulated retailers (issue 21): same data, private copies."""

from __future__ import annotations

import pandas as pd

import crm_helpers as crm
from crm_helpers.simulate import _memo


def _fresh(n: int, seed: int, *extras: str) -> crm.Retailer:
    _memo._BASE.clear()
    _memo._EXTRA.clear()
    shop = crm.simulate_retailer(n, seed=seed)
    return shop.with_tables(*extras) if extras else shop


def test_remembered_retailer_equals_a_fresh_one_and_is_a_private_copy():
    fresh = _fresh(120, 5, "web_events")
    again = crm.simulate_retailer(120, seed=5).with_tables("web_events")  # from the memo
    for name, table in fresh.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table)
        assert again.tables[name] is not table
    again.tables["lines"].loc[0, "amount"] = -1.0  # the caller's copy only
    third = crm.simulate_retailer(120, seed=5)
    assert third.lines.loc[0, "amount"] == fresh.lines.loc[0, "amount"]


def test_edited_tables_get_their_extra_table_made_afresh(monkeypatch):
    shop = _fresh(100, 6)
    shop.with_tables("web_events")
    calls = []
    original = _memo._remember

    def spy(store, key, make):
        calls.append(key in store)
        return original(store, key, make)

    monkeypatch.setattr(_memo, "_remember", spy)
    shop.with_tables("web_events")
    shop.tables["customers"] = shop.customers.iloc[:50]
    shop.with_tables("web_events")
    assert calls == [True, False]  # remembered for the same tables; not for edited ones


def test_large_retailers_are_not_kept():
    cfg = crm.simulate.SimulationConfig(n_customers=_memo.MAX_CUSTOMERS + 1, seed=1)
    made = []
    _memo.base(cfg, lambda: made.append(1))
    _memo.base(cfg, lambda: made.append(1))
    assert made == [1, 1]


def test_one_call_adding_several_tables_hashes_each_table_once(monkeypatch):
    shop = _fresh(100, 7)
    expected = shop.with_tables("surveys", "complaints")  # computed and remembered
    hashed = []
    original = _memo.update_with_frame

    def spy(digest, frame):
        hashed.append(id(frame))
        return original(digest, frame)

    monkeypatch.setattr(_memo, "update_with_frame", spy)
    again = shop.with_tables("surveys", "complaints")
    assert len(hashed) == len(set(hashed)) == len(shop.tables) + 1  # the base + surveys
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table)
