"""Chapter 07 checks: right answers pass, each typical mistake gets its hint, and no
message contains the expected value. Figures are computed by hand below."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from crm_helpers.checks import ExerciseError, check


def _fails(exercise, *answer, hint, **context):
    with pytest.raises(ExerciseError, match=hint) as err:
        check(exercise, *answer, **context)
    return str(err.value)


def test_placeholders_are_not_answered_yet():
    with pytest.raises(ExerciseError, match="not answered yet"):
        check("07.1", None, dirty=DIRTY)

    def stub(*args):
        raise NotImplementedError()

    for ex in ("07.2", "07.4", "07.6"):
        with pytest.raises(ExerciseError, match="not answered yet"):
            check(ex, stub)


# five rows: row 1 copies row 0 (exact); row 3 repeats row 2's receipt and sku with
# another quantity. Exact duplicates: 1; with keep=False: 2; on (receipt, sku): 2.
DIRTY = pd.DataFrame(
    {"receipt_id": [1, 1, 2, 2, 3], "sku": ["a", "a", "b", "b", "c"], "quantity": [1, 1, 2, 5, 1]}
)


def test_07_1_duplicates():
    assert "Right" in repr(check("07.1", 1, dirty=DIRTY))
    msg = _fails("07.1", 2, dirty=DIRTY, hint="every copy")
    assert "1" not in msg.split("not yet.")[1]
    only_pairs = DIRTY.iloc[[0, 2, 3, 4]]  # no exact duplicate; one (receipt, sku) repeat
    _fails("07.1", 1, dirty=only_pairs, hint="compared only receipt and product")
    _fails("07.1", 4, dirty=DIRTY, hint="not.*duplicates")
    _fails("07.1", 3, dirty=DIRTY, hint="not the number of rows equal")


def _right_fences(values, k=1.5):
    q1, q3 = values.quantile(0.25), values.quantile(0.75)
    return (values < q1 - k * (q3 - q1)) | (values > q3 + k * (q3 - q1))


def test_07_2_fences():
    assert "Right" in repr(check("07.2", _right_fences))

    def upper(values, k=1.5):
        q1, q3 = values.quantile(0.25), values.quantile(0.75)
        return values > q3 + k * (q3 - q1)

    # [-50, 10 … 15, 60]: Q1 = 10.75, Q3 = 14.25, IQR 3.5: -50 is below the lower fence
    _fails("07.2", upper, hint="Only values above the upper fence")

    def sd_rule(values, k=1.5):
        return (values - values.mean()).abs() > k * values.std()

    _fails("07.2", sd_rule, hint="mean ± k·standard-deviation")
    _fails("07.2", lambda v, k=1.5: v > 1e9, hint="wrong flags")
    _fails("07.2", lambda v, k=1.5: "x", hint="one True/False per value")


# baskets: 1 {a, b}, 2 {a, b}, 3 {a}, 4 {b, c}. Rule a ⇒ b: n 4, n_a 3, n_b 3, n_ab 2:
# support 2/4, confidence 2/3, lift (2/3)/(3/4) = 8/9.
BASKETS = pd.DataFrame(
    {"basket": [1, 1, 2, 2, 3, 4, 4], "item": ["a", "b", "a", "b", "a", "b", "c"]}
)
PAIRS = [("a", "b")]


def test_07_3_rule_metrics():
    ok = lambda b, a, c: (2 / 4, 2 / 3, 8 / 9)  # noqa: E731
    assert "Right" in repr(check("07.3", ok, baskets=BASKETS, pairs=PAIRS))
    msg = _fails(
        "07.3",
        lambda b, a, c: (3 / 4, 2 / 3, 8 / 9),
        baskets=BASKETS,
        pairs=PAIRS,
        hint="antecedent alone",
    )
    assert "0.5" not in msg
    _fails(
        "07.3",
        lambda b, a, c: (2, 2 / 3, 8 / 9),
        baskets=BASKETS,
        pairs=PAIRS,
        hint="divide the count",
    )
    # with c = {b, c} n_c = 3 = n_a: the upside-down confidence is only detectable when they
    # differ, so use the rule b ⇒ c: n_b 3, n_c 1, n_bc 1 -> conf 1/3, reversed 1
    _fails(
        "07.3",
        lambda b, a, c: (1 / 4, 1.0, 4 / 3),
        baskets=BASKETS,
        pairs=[("b", "c")],
        hint="upside down",
    )
    _fails(
        "07.3",
        lambda b, a, c: (2 / 4, 2 / 3, 2 / 3),
        baskets=BASKETS,
        pairs=PAIRS,
        hint="lift equals the confidence",
    )
    # b ⇒ c: lift = (1/3)/(1/4) = 4/3; divided by the antecedent's support 3/4 gives 4/9
    _fails(
        "07.3",
        lambda b, a, c: (1 / 4, 1 / 3, 4 / 9),
        baskets=BASKETS,
        pairs=[("b", "c")],
        hint="antecedent's support",
    )
    _fails("07.3", lambda b, a, c: 0.5, baskets=BASKETS, pairs=PAIRS, hint="three numbers")


def _hmac(value, key):
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def test_07_4_pseudonym():
    assert "Right" in repr(check("07.4", _hmac))
    _fails("07.4", lambda v, k: hashlib.sha256(v.encode()).hexdigest(), hint="plain SHA-256")
    _fails("07.4", lambda v, k: hashlib.sha256((k + v).encode()).hexdigest(), hint="key glued")
    _fails("07.4", lambda v, k: _hmac(k, v), hint="swapped")
    _fails("07.4", lambda v, k: _hmac(v, k).upper(), hint="lower-case")
    _fails("07.4", lambda v, k: bytes.fromhex(_hmac(v, k)), hint="not bytes")
    _fails("07.4", lambda v, k: 42, hint="should return a str")


# classes on (band, gender): (80s, F) 3, (90s, M) 2, (90s, F) 1 -> smallest 1, 3 classes,
# largest 3 ... the largest equals the number of classes, so a second table tells them apart
EXPORT = pd.DataFrame(
    {
        "tok": [f"t{i}" for i in range(9)],
        "band": ["80s"] * 5 + ["90s"] * 4,
        "gender": ["F"] * 5 + ["M", "M", "M", "F"],
        "joined": ["2024"] * 5 + ["2024", "2024", "2025", "2025"],
    }
)
# classes over band, gender, joined: (80s,F,2024) 5, (90s,M,2024) 2, (90s,M,2025) 1,
# (90s,F,2025) 1 → smallest 1; on band and gender only it would be (90s,F) 1 too, so we
# check a table where the columns matter below


def _k(n):
    return lambda export, token: n


def test_07_5_smallest_class():
    big = pd.concat([EXPORT] * 3, ignore_index=True).assign(tok=[f"t{i}" for i in range(27)])
    # every class × 3: smallest 3, number 4, largest 15
    assert "Right" in repr(check("07.5", _k(3), export=big, token="tok"))
    _fails("07.5", _k(1), export=big, token="tok", hint="grouped by the token too")
    _fails("07.5", _k(4), export=big, token="tok", hint="number of equivalence classes")
    _fails("07.5", _k(15), export=big, token="tok", hint="largest class")
    _fails("07.5", _k(6), export=big, token="tok", hint="every column except the token")
    _fails("07.5", _k(pd.Series([1])), export=big, token="tok", hint="one number")
    _fails("07.5", 3, export=big, token="tok", hint="should be a function")

    def right(export, token):
        cols = [c for c in export.columns if c != token]
        sizes = export.groupby(cols, dropna=False).size()
        return int(sizes.min())

    assert "Right" in repr(check("07.5", right, export=big, token="tok"))


ROUTED = pd.DataFrame(
    {"intent": ["a", "a", "a", "b", "b", "c"], "predicted": ["a", "a", "b", "b", "a", "c"],
     "route": ["answer"] * 6}
)  # fmt: skip
# recall: a 2/3, b 1/2, c 1; precision: a 2/3, b 1/2, c 1 — make them differ:
ROUTED2 = ROUTED.assign(predicted=["a", "a", "a", "b", "a", "c"])
# recall: a 1, b 1/2, c 1; precision: a 3/4, b 1, c 1


def test_07_8_intent_recall():
    ok = pd.Series({"a": 1.0, "b": 0.5, "c": 1.0})
    assert "Right" in repr(check("07.8", lambda r: ok, routed=ROUTED2))
    _fails("07.8", lambda r: pd.Series({"a": 0.75, "b": 1.0, "c": 1.0}), routed=ROUTED2,
           hint="That is the precision")  # fmt: skip
    _fails("07.8", lambda r: ok * 0, routed=ROUTED2, hint="For each true intent")
    _fails("07.8", lambda r: 1.0, routed=ROUTED2, hint="should return a Series")

    def right(routed):
        hit = routed["predicted"] == routed["intent"]
        return hit.groupby(routed["intent"]).mean()

    assert "Right" in repr(check("07.8", right, routed=ROUTED))


PEERS = pd.DataFrame({"retention_rate": [0.3, 0.4, 0.8], "average_basket": [80.0, 90.0, 130.0]})
OURS = {"retention_rate": 0.35, "average_basket": 100.0}
# medians 0.4 and 90 → gaps −0.05, +10; means 0.5, 100 → −0.15, 0


def test_07_9_benchmark_gaps():
    ctx = {"ours": OURS, "peers": PEERS}
    ok = pd.Series({"retention_rate": -0.05, "average_basket": 10.0})
    assert "Right" in repr(check("07.9", lambda o, p: ok, **ctx))
    _fails("07.9", lambda o, p: -ok, **ctx, hint="sign is reversed")
    _fails("07.9", lambda o, p: pd.Series({"retention_rate": -0.15, "average_basket": 0.0}),
           **ctx, hint="peers' mean")  # fmt: skip
    _fails("07.9", lambda o, p: ok * 2, **ctx, hint="minus the median")

    def right(ours, peers):
        med = peers.median()
        return pd.Series({k: v - med[k] for k, v in ours.items()})

    assert "Right" in repr(check("07.9", right, **ctx))


def _right_profit(spend, n, r, s, m):
    return n * r * (1 - np.exp(-spend / s)) * m - spend


def test_07_6_segment_profit():
    assert "Right" in repr(check("07.6", _right_profit))
    _fails(
        "07.6", lambda x, n, r, s, m: _right_profit(x, n, r, s, m) + x, hint="subtract the spend"
    )
    _fails("07.6", lambda x, n, r, s, m: n * r * (1 - np.exp(-x / s)), hint="number of responders")
    _fails("07.6", lambda x, n, r, s, m: n * r * m - x, hint="ceiling r_max")
    _fails("07.6", lambda x, n, r, s, m: 0.0, hint="not the expected profit")
    _fails("07.6", 5, hint="should be a function")


def test_generic_hints_do_not_give_the_value_away():
    msg = _fails(
        "07.3",
        lambda b, a, c: (0.3, 2 / 3, 8 / 9),
        baskets=BASKETS,
        pairs=PAIRS,
        hint="support of a",
    )
    assert "0.5" not in msg
    msg = _fails(
        "07.3",
        lambda b, a, c: (0.5, 0.6, 8 / 9),
        baskets=BASKETS,
        pairs=PAIRS,
        hint="confidence of a",
    )
    assert "0.66" not in msg and "2/3" not in msg
    msg = _fails(
        "07.3", lambda b, a, c: (0.5, 2 / 3, 1.5), baskets=BASKETS, pairs=PAIRS, hint="lift of a"
    )
    assert "0.88" not in msg and "8/9" not in msg
    msg = _fails("07.4", lambda v, k: "0" * 64, hint="not the HMAC-SHA256")
    assert _hmac("13800138000", "k-1") not in msg
