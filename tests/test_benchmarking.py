"""Benchmarking against peers, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers import benchmarking as bm
from crm_helpers.extensions.service import PEER_CENTRES, simulate_peers


def test_table_by_hand_with_both_directions():
    peers = pd.DataFrame({"basket": [80.0, 100.0, 120.0, 90.0], "churn": [0.1, 0.3, 0.2, 0.4]})
    t = bm.benchmark_table({"basket": 95.0, "churn": 0.15}, peers,
                           {"basket": True, "churn": False})  # fmt: skip
    # basket: median 95 → gap 0, two peers higher → rank 3 of 5
    assert t.loc["basket", ["peer_median", "gap_to_median", "rank", "of"]].tolist() == [
        95.0,
        0,
        3,
        5,
    ]
    assert t.loc["basket", "peer_best"] == 120.0 and t.loc["basket", "status"] == "ahead"
    # churn (lower is better): median 0.25 → gap +0.10; one peer lower → rank 2
    assert t.loc["churn", "gap_to_median"] == pytest.approx(0.10)
    assert t.loc["churn", ["peer_best", "rank"]].tolist() == [0.1, 2]


def test_our_kpis_by_hand():
    tx = pd.DataFrame({"customer_id": [1, 1, 2, 1, 3], "receipt_id": [1, 2, 3, 4, 5],
                       "timestamp": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-01-09",
                                                    "2024-02-01", "2024-02-11"]),
                       "amount": [10.0, 30.0, 20.0, 40.0, 50.0]})  # fmt: skip
    k = bm.our_kpis(tx, months=3)
    assert k["average_basket"] == 30.0
    assert k["retention_rate"] == 0.5  # Feb keeps 1 of Jan's 2 customers
    assert k["repurchase_rate"] == pytest.approx((0.5 + 0.0) / 2)
    assert k["active_share_90d"] == 1.0


def test_peers_are_centred_as_stated_and_errors_named():
    peers = pd.concat([simulate_peers(seed=s) for s in range(40)])
    for kpi, centre, spread in PEER_CENTRES:
        assert peers[kpi].mean() == pytest.approx(centre, abs=spread / 2)
    with pytest.raises(ValueError, match="no figures for \\['nps'\\]"):
        bm.benchmark_table({"nps": 1.0}, peers)
    with pytest.raises(ValueError, match="higher is better"):
        bm.benchmark_table({"x": 1.0}, pd.DataFrame({"x": [1.0]}))
