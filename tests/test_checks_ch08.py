"""Chapter 08's in-notebook checks: right answers pass, each typical mistake gets its hint,
and no hint shows the expected value. Small hand-computed tables."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_helpers.checks import ExerciseError, check

H = pd.Timedelta(hours=1)
T0 = pd.Timestamp("2025-03-01 08:00")


def _ev(case, activity, dept, start_h, end_h):
    return {"case_id": case, "activity": activity, "department": dept,
            "start": T0 + start_h * H, "end": T0 + end_h * H}  # fmt: skip


# A: a(x) 0-1, b(y) 3-4, c(x) 9-10: variant a→b→c, cycle 10 h, 2 hand-offs, 3 steps,
#    waits b 2, c 5; busy time 3 h
# B: a(x) 0-2, c(x) 2-3: variant a→c, cycle 3 h, 0 hand-offs
# C: a(x) 1-2, c(x) 4-6: variant a→c, cycle 5 h; wait c 2
# mean cycle a→c = 4 h (median also 4: so the median hint is tested on D below)
LOG = pd.DataFrame([
    _ev("A", "a", "x", 0, 1), _ev("A", "b", "y", 3, 4), _ev("A", "c", "x", 9, 10),
    _ev("B", "a", "x", 0, 2), _ev("B", "c", "x", 2, 3), _ev("C", "a", "x", 1, 2),
    _ev("C", "c", "x", 4, 6), _ev("D", "a", "x", 0, 1), _ev("D", "c", "x", 1, 10),
])  # fmt: skip
# with D (a→c, 10 h): a→c cycles 3, 5, 10 -> mean 6, median 5
CYCLE = pd.Series({"a → b → c": 10.0, "a → c": 6.0})
HANDOFFS = pd.Series({"A": 2, "B": 0, "C": 0, "D": 0})
# total waits: b 2, c 5 + 0 + 2 + 0 = 7 -> bottleneck c; longest duration: c (D: 9 h)
# so use a log where the longest activity is not the bottleneck:
LOG2 = pd.DataFrame([
    _ev("A", "a", "x", 0, 8), _ev("A", "b", "y", 20, 21), _ev("B", "a", "x", 0, 7),
    _ev("B", "b", "y", 15, 16),
])  # fmt: skip


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def test_not_answered_yet():
    _fails("08.3", None, panel=None, hint="not answered yet")

    def stub(log):
        raise NotImplementedError()

    _fails("08.1", stub, log=LOG, hint="not answered yet")


def test_08_1_cycle_time_by_variant():
    assert "Right" in check("08.1", lambda log: CYCLE.copy(), log=LOG).message
    msg = _fails("08.1", lambda log: CYCLE * 60, log=LOG, hint="minutes")
    assert "6.0" not in msg and "360" not in msg
    _fails("08.1", lambda log: pd.Series({"a → b → c": 10.0, "a → c": 5.0}), log=LOG,
           hint="median")  # fmt: skip
    # busy time: A 1+1+1 = 3; a→c: B 3, C 3, D 10 -> 16/3
    _fails("08.1", lambda log: pd.Series({"a → b → c": 3.0, "a → c": 16 / 3}), log=LOG,
           hint="waits")  # fmt: skip
    _fails("08.1", lambda log: pd.Series({"a → c → b": 10.0, "a → c": 6.0}), log=LOG,
           hint="order of their start")  # fmt: skip
    _fails("08.1", lambda log: 6.0, log=LOG, hint="Series")
    _fails("08.1", 6.0, log=LOG, hint="should be a function")


def test_08_2_handoffs_per_case():
    assert "Right" in check("08.2", lambda log: HANDOFFS.copy(), log=LOG).message
    _fails("08.2", lambda log: pd.Series({"A": 2, "B": 1, "C": 1, "D": 1}), log=LOG,
           hint="every step")  # fmt: skip
    _fails("08.2", lambda log: pd.Series({"A": 1, "B": 0, "C": 0, "D": 0}), log=LOG,
           hint="counted departments")  # fmt: skip


def _panel():
    """P live from week 3. Means: P before 10, after 16; Q before 20, after 22 -> DiD 4."""
    return pd.DataFrame({
        "store_id": ["P"] * 4 + ["Q"] * 4, "week": [1, 2, 3, 4] * 2,
        "pilot": [True] * 4 + [False] * 4,
        "crm_live": [False, False, True, True] + [False] * 4,
        "customer_value": [9.0, 11.0, 15.0, 17.0, 19.0, 21.0, 21.0, 23.0],
    })  # fmt: skip


def test_08_3_did_by_hand():
    assert "Right" in check("08.3", 4.0, panel=_panel()).message
    msg = _fails("08.3", -4.0, panel=_panel(), hint="sign")
    assert "4" not in msg.replace("08.3", "")
    _fails("08.3", 6.0, panel=_panel(), hint="pilot stores' change alone")
    _fails("08.3", -6.0, panel=_panel(), hint="after go-live only")
    _fails("08.3", 1.0, panel=_panel(), hint="four means")
    _fails("08.3", pd.Series([4.0]), panel=_panel(), hint="one number")


def test_08_4_bottleneck_activity():
    # LOG2: waits before b: 12 + 8 = 20; a has no wait; a lasts longest (8 h, 7 h)
    assert "Right" in check("08.4", "b", log=LOG2).message
    _fails("08.4", "a", log=LOG2, hint="takes the longest")
    _fails("08.4", "z", log=LOG2, hint="not an activity")
    _fails("08.4", 3, log=LOG2, hint="activity name")


SCORES = {"u": {"p": 5, "q": 1}, "v": {"p": 2, "q": 4}}
WEIGHTS = {"p": 1, "q": 3}  # normalised: u 2.0, v 3.5


def test_08_5_weighted_scores():
    right = pd.Series({"u": 2.0, "v": 3.5})
    ok = check("08.5", lambda s, w: right, scores=SCORES, weights=WEIGHTS)
    assert "Right" in ok.message
    msg = _fails("08.5", lambda s, w: right * 4, scores=SCORES, weights=WEIGHTS, hint="Divide")
    assert "2.0" not in msg and "3.5" not in msg
    _fails("08.5", lambda s, w: pd.Series({"u": 3.0, "v": 3.0}), scores=SCORES,
           weights=WEIGHTS, hint="at least one vendor")  # fmt: skip
