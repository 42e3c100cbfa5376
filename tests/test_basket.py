"""crm_helpers.basket: frequent itemsets and rules on a textbook case worked out by hand,
against an independent brute-force count over all itemsets (also on hypothesis-generated
basket sets), against mlxtend, on the affinities planted in the simulated retailer; the
recommenders on hand cases and against a brute-force leave-one-out; bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crm_helpers as crm
from crm_helpers import basket as bk
from crm_helpers.schema import DataValidationError


def _table(baskets: list[set]) -> pd.DataFrame:
    rows = [(i, x) for i, b in enumerate(baskets) for x in sorted(b)]
    return pd.DataFrame(rows, columns=["basket", "item"])


def _as_dict(df: pd.DataFrame, key_cols: tuple[str, ...]) -> dict:
    keys = zip(*(df[c] for c in key_cols), strict=True)
    return {k: row for k, row in zip(keys, df.to_dict("records"), strict=True)}


# The classic market-basket example (Tan, Steinbach & Kumar, Introduction to Data Mining,
# table 6.1): five baskets.
TEXTBOOK = [
    {"bread", "milk"},
    {"bread", "diapers", "beer", "eggs"},
    {"milk", "diapers", "beer", "cola"},
    {"bread", "milk", "diapers", "beer"},
    {"bread", "milk", "diapers", "cola"},
]


# --------------------------------------------------------------------------- hand cases
def test_baskets_from_transactions_distinct_pairs():
    tx = pd.DataFrame(
        {"receipt_id": [7, 7, 7, 8], "sku": ["x", "y", "x", "x"], "quantity": [1, 2, 3, 4]}
    )
    out = bk.baskets_from_transactions(tx)
    assert out.to_dict("list") == {"basket": [7, 7, 8], "item": ["x", "y", "x"]}
    assert list(tx.columns) == ["receipt_id", "sku", "quantity"] and len(tx) == 4


def test_frequent_itemsets_textbook_by_hand():
    # counts: bread 4, milk 4, diapers 4, beer 3, cola 2, eggs 1. At 60 % (3 of 5 baskets)
    # the pairs bread-milk (baskets 1, 4, 5), bread-diapers (2, 4, 5), milk-diapers
    # (3, 4, 5) and diapers-beer (2, 3, 4) are frequent; bread-beer and milk-beer (2 each)
    # are not; bread-milk-diapers is in baskets 4 and 5 only.
    fi = bk.frequent_itemsets(_table(TEXTBOOK), min_support=0.6)
    got = dict(zip(fi["itemset"], fi["count"], strict=True))
    expected = {
        frozenset({"bread"}): 4,
        frozenset({"milk"}): 4,
        frozenset({"diapers"}): 4,
        frozenset({"beer"}): 3,
        frozenset({"bread", "milk"}): 3,
        frozenset({"bread", "diapers"}): 3,
        frozenset({"milk", "diapers"}): 3,
        frozenset({"diapers", "beer"}): 3,
    }
    assert got == expected
    assert fi["support"].tolist() == [c / 5 for c in fi["count"]]
    assert fi["length"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2]
    assert fi.attrs["n_baskets"] == 5
    # at 40 % (2 baskets) bread-milk-diapers joins; max_len stops at pairs
    low = bk.frequent_itemsets(_table(TEXTBOOK), min_support=0.4)
    assert frozenset({"bread", "milk", "diapers"}) in set(low["itemset"])
    assert bk.frequent_itemsets(_table(TEXTBOOK), 0.4, max_len=2)["length"].max() == 2


def test_rules_textbook_by_hand():
    rules = bk.association_rules(_table(TEXTBOOK), min_support=0.6, min_confidence=0.7)
    got = _as_dict(rules, ("antecedent", "consequent"))
    f = frozenset
    # {} => {x}: confidence = support of x: bread, milk, diapers 0.8 >= 0.7; beer 0.6 not.
    # Each frequent pair gives two rules with confidence 3/4, except beer => diapers 3/3.
    expected = {
        (f(), f({"bread"})): 0.8,
        (f(), f({"milk"})): 0.8,
        (f(), f({"diapers"})): 0.8,
        (f({"bread"}), f({"milk"})): 0.75,
        (f({"milk"}), f({"bread"})): 0.75,
        (f({"bread"}), f({"diapers"})): 0.75,
        (f({"diapers"}), f({"bread"})): 0.75,
        (f({"milk"}), f({"diapers"})): 0.75,
        (f({"diapers"}), f({"milk"})): 0.75,
        (f({"diapers"}), f({"beer"})): 0.75,
        (f({"beer"}), f({"diapers"})): 1.0,
    }
    assert set(got) == set(expected)
    for key, conf in expected.items():
        assert got[key]["confidence"] == pytest.approx(conf)
    r = got[(f({"beer"}), f({"diapers"}))]
    # lift = 1 / (4/5); support 3/5; coverage 3/5; consequent support 4/5
    assert r["lift"] == pytest.approx(1.25)
    assert (r["support"], r["count"]) == (pytest.approx(0.6), 3)
    assert r["antecedent_support"] == pytest.approx(0.6)
    assert r["consequent_support"] == pytest.approx(0.8)
    assert got[(f({"bread"}), f({"milk"}))]["lift"] == pytest.approx(0.75 / 0.8)
    assert got[(f(), f({"milk"}))]["lift"] == pytest.approx(1.0)
    # sorted by lift, highest first
    assert rules["lift"].is_monotonic_decreasing
    # min_len=2 drops the empty antecedents (arules: minlen = 2)
    no_empty = bk.association_rules(_table(TEXTBOOK), 0.6, 0.7, min_len=2)
    assert len(no_empty) == 8 and all(len(a) == 1 for a in no_empty["antecedent"])


def test_confidence_tie_is_kept_and_support_threshold_is_arules_ceil():
    # confidence exactly at the threshold is kept (arules compares with conf - 1e-12)
    rules = bk.association_rules(_table(TEXTBOOK), 0.6, 0.75, min_len=2)
    assert len(rules) == 8
    assert len(bk.association_rules(_table(TEXTBOOK), 0.6, 0.7501, min_len=2)) == 1
    # 100 baskets, item "x" in exactly 7 of them: 7/100 >= 0.07, but arules' threshold is
    # ceil(100 * 0.07) = ceil(7.000000000000001) = 8 baskets, so "x" is not frequent;
    # at 0.069 the threshold is ceil(6.9) = 7 and it is.
    assert 100 * 0.07 > 7 and math.ceil(100 * 0.07) == 8
    baskets = [{"x", "y"} if i < 7 else {"y"} for i in range(100)]
    fi = bk.frequent_itemsets(_table(baskets), min_support=0.07)
    assert frozenset({"x"}) not in set(fi["itemset"])
    fi = bk.frequent_itemsets(_table(baskets), min_support=0.069)
    assert frozenset({"x"}) in set(fi["itemset"])
    assert bk.frequent_itemsets(_table(baskets), min_support=1.0)["itemset"].tolist() == [
        frozenset({"y"})
    ]


def test_rules_from_itemsets_equal_rules_from_baskets():
    table = _table(TEXTBOOK)
    fi = bk.frequent_itemsets(table, min_support=0.4)
    a = bk.association_rules(fi, min_support=0.6, min_confidence=0.5)
    b = bk.association_rules(table, min_support=0.6, min_confidence=0.5)
    pd.testing.assert_frame_equal(a, b)
    # without attrs (e.g. after a round trip) the number of baskets comes from count/support
    fi2 = fi.copy()
    fi2.attrs = {}
    pd.testing.assert_frame_equal(bk.association_rules(fi2, 0.6, 0.5), b)


def test_other_columns_and_item_types():
    df = pd.DataFrame({"r": [1, 1, 2, 2, 3], "p": [10, 20, 10, 20, 10]})
    rules = bk.association_rules(df, 0.5, 0.9, basket="r", item="p", min_len=2)
    assert list(zip(rules["antecedent"], rules["consequent"], strict=True)) == [
        (frozenset({20}), frozenset({10}))
    ]
    assert type(next(iter(rules["antecedent"].iloc[0]))) is int
    cat = df.assign(p=df["p"].astype(str).astype("category"))
    fi = bk.frequent_itemsets(cat, 0.5, basket="r", item="p")
    assert set(fi["itemset"]) == {frozenset({"10"}), frozenset({"20"}), frozenset({"10", "20"})}


def test_format_itemset():
    assert bk.format_itemset(frozenset({"b", "a"})) == "{a, b}"
    assert bk.format_itemset(frozenset({2, "a"})) == "{2, a}"


# --------------------------------------------------------------------------- brute force
def brute_force(baskets: list[set], min_support, min_confidence, min_len=1, max_len=None):
    """Every itemset over the items seen, counted by scanning the baskets. Frequent means
    count >= ceil(n * min_support) (arules' threshold, istree.c); a rule A => {x} is kept
    when count(A u {x}) / count(A) >= min_confidence - 1e-12, count({}) being n."""
    n = len(baskets)
    items = sorted(set().union(*baskets))
    need = math.ceil(n * min_support)

    def count(s):
        return sum(1 for b in baskets if s <= b)

    freq = {}
    top = len(items) if max_len is None else min(max_len, len(items))
    for k in range(1, top + 1):
        for combo in itertools.combinations(items, k):
            c = count(frozenset(combo))
            if c >= need:
                freq[frozenset(combo)] = c
    rules = {}
    for s, c in freq.items():
        if len(s) < min_len:
            continue
        for x in s:
            a = s - {x}
            ca = count(a) if a else n
            if c / ca >= min_confidence - 1e-12:
                rules[(a, frozenset({x}))] = (c, ca, count(frozenset({x})))
    return n, freq, rules


def _check_against_brute(baskets, min_support, min_confidence, min_len, max_len):
    n, freq, rules = brute_force(baskets, min_support, min_confidence, min_len, max_len)
    table = _table(baskets)
    fi = bk.frequent_itemsets(table, min_support, max_len=max_len)
    assert dict(zip(fi["itemset"], fi["count"], strict=True)) == freq
    assert np.allclose(fi["support"], fi["count"] / n)
    assert (fi["length"] == fi["itemset"].map(len)).all()
    got = bk.association_rules(table, min_support, min_confidence, max_len=max_len, min_len=min_len)
    assert set(zip(got["antecedent"], got["consequent"], strict=True)) == set(rules)
    for r in got.to_dict("records"):
        c, ca, cx = rules[(r["antecedent"], r["consequent"])]
        assert r["count"] == c
        assert r["support"] == pytest.approx(c / n)
        assert r["confidence"] == pytest.approx(c / ca)
        assert r["lift"] == pytest.approx(c / ca / (cx / n))
        assert r["antecedent_support"] == pytest.approx(ca / n)
        assert r["consequent_support"] == pytest.approx(cx / n)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_brute_force_random_baskets(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.1, 0.7, size=9)  # 9 items with different popularity
    baskets = [set(np.flatnonzero(rng.random(9) < p).tolist()) or {0} for _ in range(60)]
    for min_support, min_confidence in [(0.05, 0.3), (0.1, 0.6), (0.25, 0.0)]:
        _check_against_brute(baskets, min_support, min_confidence, 1, None)
    _check_against_brute(baskets, 0.05, 0.2, 2, 3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    baskets=st.lists(
        st.sets(st.sampled_from("abcdefg"), min_size=1, max_size=7), min_size=1, max_size=25
    ),
    min_support=st.floats(0.01, 1.0),
    min_confidence=st.floats(0.0, 1.0),
    min_len=st.integers(1, 3),
    max_len=st.one_of(st.none(), st.integers(1, 4)),
)
def test_against_brute_force_hypothesis(baskets, min_support, min_confidence, min_len, max_len):
    _check_against_brute(baskets, min_support, min_confidence, min_len, max_len)


@settings(max_examples=40, deadline=None)
@given(
    baskets=st.lists(
        st.sets(st.sampled_from("abcdef"), min_size=1, max_size=6), min_size=4, max_size=20
    ),
    count=st.integers(1, 4),
)
def test_support_ties_at_whole_counts(baskets, count):
    # min_support exactly count / n: itemsets in exactly `count` baskets are frequent
    # whenever n * (count / n) rounds back to `count` (it does for these small n)
    n = len(baskets)
    s = count / n
    if math.ceil(n * s) != count:  # pragma: no cover - float rounding, not for n <= 20
        return
    _, freq, _ = brute_force(baskets, s, 0.5)
    fi = bk.frequent_itemsets(_table(baskets), s)
    assert dict(zip(fi["itemset"], fi["count"], strict=True)) == freq
    assert all(c >= count for c in freq.values())


def test_agrees_with_mlxtend_fpgrowth():
    from mlxtend.frequent_patterns import fpgrowth
    from mlxtend.preprocessing import TransactionEncoder

    rng = np.random.default_rng(5)
    p = rng.uniform(0.02, 0.5, size=30)
    baskets = [set(np.flatnonzero(rng.random(30) < p).tolist()) or {0} for _ in range(200)]
    # 200 * 0.0512 = 10.24: no float tie, so "support >= 0.0512" (mlxtend) and
    # "count >= ceil(10.24)" (arules) agree
    te = TransactionEncoder()
    onehot = pd.DataFrame(
        te.fit([sorted(b) for b in baskets]).transform([sorted(b) for b in baskets]),
        columns=te.columns_,
    )
    ref = fpgrowth(onehot, min_support=0.0512, use_colnames=True)
    ours = bk.frequent_itemsets(_table(baskets), 0.0512)
    expected = {
        frozenset(s): round(v * 200) for s, v in zip(ref["itemsets"], ref["support"], strict=True)
    }
    assert dict(zip(ours["itemset"], ours["count"], strict=True)) == expected
    assert ours["length"].max() >= 3
    # mlxtend's rules with one consequent (it never makes empty antecedents: min_len=2)
    from mlxtend.frequent_patterns import association_rules as mlx_rules

    key = ("antecedent", "consequent")

    def both(conf):
        theirs = mlx_rules(ref, metric="confidence", min_threshold=conf)
        theirs = theirs[theirs["consequents"].map(len) == 1]
        theirs = theirs.rename(columns={"antecedents": key[0], "consequents": key[1]})
        ours = bk.association_rules(_table(baskets), 0.0512, conf, min_len=2)
        return _as_dict(ours, key), _as_dict(theirs, key)

    got, want = both(0.4037)  # no count ratio of these baskets equals 0.4037
    assert set(got) == set(want) and len(got) > 10
    for k, r in got.items():
        assert r["confidence"] == pytest.approx(want[k]["confidence"])
        assert r["lift"] == pytest.approx(want[k]["lift"])
    # at 0.4 they differ only by ties: e.g. 16 of 40 baskets is a confidence of exactly
    # 0.4, kept by arules (and here), but mlxtend divides supports, 0.08 / 0.2 =
    # 0.39999999999999997 < 0.4, and drops the rule
    got, want = both(0.4)
    assert set(want) < set(got)
    extra = [got[k] for k in set(got) - set(want)]
    assert all(r["count"] / (r["antecedent_support"] * 200) == pytest.approx(0.4) for r in extra)


# --------------------------------------------------------------------------- planted truth
@pytest.fixture(scope="module")
def retailer():
    return crm.load_retailer(seed=3, n_customers=2_000)


def test_planted_affinities_are_the_top_lift_rules(retailer):
    tx = retailer.transactions().merge(retailer.products[["sku", "subcategory"]], on="sku")
    baskets = bk.baskets_from_transactions(tx, item="subcategory")
    n = baskets["basket"].nunique()
    rules = bk.association_rules(baskets, 0.002, 0.05, max_len=2, min_len=2)
    pair = {
        (next(iter(a)), next(iter(c))): r
        for a, c, r in zip(
            rules["antecedent"], rules["consequent"], rules.to_dict("records"), strict=True
        )
    }
    planted = retailer.truth["affinities"].drop_duplicates(
        ["antecedent_subcategory", "consequent_subcategory"]
    )
    sub_counts = baskets["item"].value_counts()
    tested = []
    for ante, cons, p in planted[
        ["antecedent_subcategory", "consequent_subcategory", "add_probability"]
    ].itertuples(index=False):
        n_ante = int(sub_counts.get(ante, 0))
        if n_ante < 50:  # too rare in this small shop to test
            continue
        tested.append(frozenset({ante, cons}))
        r = pair[(ante, cons)]
        # the consequent's best seller is added with probability p (and it may be there
        # anyway): the confidence is at least p, up to sampling noise
        assert r["confidence"] >= p - 3 * math.sqrt(p * (1 - p) / n_ante)
        assert r["lift"] > 2
    assert len(tested) >= 4
    # the planted pairs are the rules with the highest lift (both directions)
    top = rules.head(2 * len(tested))
    assert {a | c for a, c in zip(top["antecedent"], top["consequent"], strict=True)} == set(tested)
    assert n == retailer.receipts["receipt_id"].nunique()


def test_planted_affinities_at_sku_level(retailer):
    baskets = bk.baskets_from_transactions(retailer.transactions())
    rules = bk.association_rules(baskets, 0.002, 0.1, max_len=2, min_len=2)
    found = {
        (next(iter(a)), next(iter(c))): lift
        for a, c, lift in zip(rules["antecedent"], rules["consequent"], rules["lift"], strict=True)
    }
    counts = baskets["item"].value_counts()
    aff = retailer.truth["affinities"]
    # antecedents in at least 150 baskets: with p >= 0.35 the pair is expected in 52 or
    # more, well above the 0.2 % threshold (25 of about 12,400 baskets)
    frequent = aff[aff["antecedent_sku"].map(counts).fillna(0) >= 150]
    assert len(frequent) >= 5
    for a, c in frequent[["antecedent_sku", "consequent_sku"]].itertuples(index=False):
        assert found[(a, c)] > 3


# --------------------------------------------------------------------------- recommenders
SMALL = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3, 4], "item": list("abacbcc")})
# baskets {a, b}, {a, c}, {b, c}, {c}: counts a 2, b 2, c 3; each pair co-occurs once


def test_item_recommender_cosine_and_conditional_by_hand():
    cos = bk.ItemRecommender(k=3).fit(SMALL)
    s = cos.score(["a"])
    assert s["b"] == pytest.approx(1 / math.sqrt(2 * 2))
    assert s["c"] == pytest.approx(1 / math.sqrt(2 * 3))
    assert s["a"] == 0  # no self-similarity
    rec = cos.recommend(["a"])
    assert rec["item"].tolist() == ["b", "c"] and rec["rank"].tolist() == [1, 2]
    # conditional: P(b | a) = P(c | a) = 1/2: the tie goes to the more popular c
    cond = bk.ItemRecommender(k=2, similarity="conditional").fit(SMALL)
    out = cond.recommend(["a"])
    assert out["item"].tolist() == ["c", "b"]
    assert out["score"].tolist() == pytest.approx([0.5, 0.5])
    # P(a | b) + P(a | c) = 1/2 + 1/3
    assert cond.score(["b", "c"])["a"] == pytest.approx(1 / 2 + 1 / 3)
    # unknown items are ignored; an empty basket gets the most popular items
    assert cos.recommend(["a", "zzz"])["item"].tolist() == ["b", "c"]
    assert cos.recommend([])["item"].tolist() == ["c", "a", "b"]
    assert bk.recommend_items(SMALL, "a", k=1)["item"].tolist() == ["b"]


def test_popularity_recommender_by_hand():
    pop = bk.PopularityRecommender(k=2).fit(SMALL)
    assert pop.recommend(["b"])["item"].tolist() == ["c", "a"]
    assert pop.recommend([])["score"].tolist() == [3.0, 2.0]


def test_hit_rate_by_hand():
    train = pd.DataFrame({"basket": [1, 1, 2, 2, 3, 3], "item": list("abcdab")})
    test = pd.DataFrame({"basket": [7, 7, 8, 8, 9], "item": list("abcdz")})
    # Item-based: a and b, c and d co-occur only with each other, so every held-out item
    # comes first. Popularity (a 2, b 2, c 1, d 1): hiding a (query b) the candidates are
    # a, c, d and a comes first (hit); likewise b (hit); hiding c (query d) the order is
    # a, b, c (miss, rank 3); likewise d. Basket 9 has one item only and is skipped.
    item = bk.ItemRecommender().fit(train)
    assert bk.hit_rate_at_k(item, test, k=1) == 1.0
    pop = bk.PopularityRecommender().fit(train)
    assert bk.hit_rate_at_k(pop, test, k=1) == 0.5
    ranks = bk.leave_one_out_ranks(pop, test)
    assert ranks["rank"].tolist() == [1, 1, 3, 3]  # c: after a, b; d: after a, b
    assert bk.hit_rate_at_k(pop, test, k=3) == 1.0
    # a held-out item never seen in training is a miss
    test2 = pd.DataFrame({"basket": [5, 5], "item": ["a", "new"]})
    r = bk.leave_one_out_ranks(item, test2)
    assert r["rank"].isna().tolist() == [False, True]
    assert bk.hit_rate_at_k(item, test2, k=5) == 0.5


def _brute_loo(rec, test: pd.DataFrame) -> list:
    out = []
    for _, g in test.groupby("basket", sort=True):
        items = list(dict.fromkeys(g["item"]))
        if len(items) < 2:
            continue
        for h in items:
            if h not in rec.items_:
                out.append(np.nan)
                continue
            rest = [x for x in items if x != h]
            full = rec.recommend(rest, k=len(rec.items_))
            out.append(float(full["item"].tolist().index(h) + 1))
    return out


@pytest.mark.parametrize("kind", ["cosine", "conditional", "popularity"])
def test_leave_one_out_matches_recommend(kind):
    rng = np.random.default_rng(11)
    weights = rng.dirichlet(np.ones(12))

    def draw(n):
        rows = []
        for b in range(n):
            size = rng.integers(1, 6)
            for x in rng.choice(12, size=size, p=weights):
                rows.append((b, f"i{x:02d}"))
        return pd.DataFrame(rows, columns=["basket", "item"])

    train, test = draw(150), draw(40)
    test.loc[test.index[:3], "item"] = "unseen"
    rec = (
        bk.PopularityRecommender(k=3)
        if kind == "popularity"
        else bk.ItemRecommender(k=3, similarity=kind)
    ).fit(train)
    got = bk.leave_one_out_ranks(rec, test.sort_values("basket"))
    assert got["rank"].tolist() == pytest.approx(_brute_loo(rec, test), nan_ok=True)
    brute = np.array(_brute_loo(rec, test))
    assert bk.hit_rate_at_k(rec, test) == pytest.approx(np.mean(brute <= 3))
    with_bar = bk.hit_rate_at_k(rec, test, progress=True)  # tqdm bar, same numbers
    assert with_bar == pytest.approx(np.mean(brute <= 3))


def test_item_based_beats_popularity_on_planted_baskets(retailer):
    tx = retailer.transactions().merge(retailer.products[["sku", "subcategory"]], on="sku")
    baskets = bk.baskets_from_transactions(tx, item="subcategory")
    train, test = split = bk.split_baskets(baskets, 0.25, seed=1)
    assert len(split) == 2
    item = bk.hit_rate_at_k(bk.ItemRecommender().fit(train), test, k=3)
    pop = bk.hit_rate_at_k(bk.PopularityRecommender().fit(train), test, k=3)
    assert item > pop


def test_split_baskets_random_and_by_time():
    b = pd.DataFrame({"basket": np.repeat(np.arange(10), 2), "item": list("ab" * 10)})
    train, test = bk.split_baskets(b, 0.3, seed=4)
    assert test["basket"].nunique() == 3 and train["basket"].nunique() == 7
    assert not set(train["basket"]) & set(test["basket"])
    again = bk.split_baskets(b, 0.3, seed=4)[1]
    pd.testing.assert_frame_equal(test, again)
    when = pd.Series(pd.date_range("2024-01-01", periods=10)[::-1], index=np.arange(10))
    _, late = bk.split_baskets(b, 0.2, time=when)
    assert sorted(late["basket"].unique().tolist()) == [0, 1]  # the two latest baskets
    with pytest.raises(DataValidationError, match="time has no value for 1 basket"):
        bk.split_baskets(b, 0.2, time=when.iloc[1:])
    with pytest.raises(ValueError, match="test_size must be a share in"):
        bk.split_baskets(b, 1.0)


def test_plot_rules_returns_axes():
    import matplotlib.pyplot as plt

    ax = bk.plot_rules(bk.association_rules(_table(TEXTBOOK), 0.4, 0.5))
    assert ax.get_ylabel() == "confidence 置信度"
    assert len(ax.collections) >= 1
    plt.close("all")


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [0, -0.1, 1.5, True, "0.1", None, float("nan")])
def test_bad_min_support(bad):
    with pytest.raises(ValueError, match=r"min_support must be a share of baskets in \(0, 1\]"):
        bk.frequent_itemsets(_table(TEXTBOOK), min_support=bad)
    with pytest.raises(ValueError, match="min_support must be"):
        bk.association_rules(_table(TEXTBOOK), min_support=bad)


def test_bad_thresholds_and_lengths():
    t = _table(TEXTBOOK)
    with pytest.raises(ValueError, match=r"min_confidence must be a number in \[0, 1\]; got 1.2"):
        bk.association_rules(t, 0.1, 1.2)
    with pytest.raises(ValueError, match="max_len must be a whole number ≥ 1 or None; got 0"):
        bk.frequent_itemsets(t, 0.1, max_len=0)
    with pytest.raises(ValueError, match="min_len must be a whole number ≥ 1; got 2.5"):
        bk.association_rules(t, 0.1, 0.5, min_len=2.5)
    with pytest.raises(ValueError, match="k must be a whole number ≥ 1; got 0"):
        bk.ItemRecommender(k=0).fit(t)
    with pytest.raises(ValueError, match="similarity must be one of 'cosine', 'conditional'"):
        bk.ItemRecommender(similarity="jaccard").fit(t)


def test_empty_and_missing_columns():
    empty = pd.DataFrame({"basket": [], "item": []})
    with pytest.raises(DataValidationError, match="The baskets table is empty"):
        bk.frequent_itemsets(empty)
    with pytest.raises(DataValidationError, match="The baskets table is empty"):
        bk.association_rules(empty)
    with pytest.raises(DataValidationError, match="The transactions table is empty"):
        bk.baskets_from_transactions(pd.DataFrame({"receipt_id": [], "sku": []}))
    with pytest.raises(DataValidationError, match="has no column 'sku'.*'SKU'"):
        bk.baskets_from_transactions(pd.DataFrame({"receipt_id": [1], "SKU": ["a"]}))
    with pytest.raises(DataValidationError, match="The baskets table has no column 'item'"):
        bk.frequent_itemsets(pd.DataFrame({"basket": [1], "product": ["a"]}))
    with pytest.raises(DataValidationError, match="has no column 'basket'"):
        bk.ItemRecommender().fit(pd.DataFrame({"item": ["a"]}))
    with pytest.raises(
        DataValidationError, match="Column 'item' of the baskets table has 1 missing"
    ):
        bk.frequent_itemsets(pd.DataFrame({"basket": [1, 2], "item": ["a", None]}))
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        bk.frequent_itemsets([("a", "b")])


def test_itemsets_input_problems():
    fi = bk.frequent_itemsets(_table(TEXTBOOK), 0.6)
    with pytest.raises(ValueError, match="mined at min_support=0.6, above the min_support=0.2"):
        bk.association_rules(fi, 0.2, 0.5)
    partial = fi[fi["length"] == 2].copy()
    with pytest.raises(DataValidationError, match="itemsets table is not complete"):
        bk.association_rules(partial, 0.6, 0.5)
    with pytest.raises(DataValidationError, match="The itemsets table is empty"):
        bk.association_rules(fi.iloc[:0], 0.6, 0.5)


def test_not_fitted_and_no_testable_baskets():
    with pytest.raises(RuntimeError, match="not fitted yet: call .fit"):
        bk.ItemRecommender().recommend(["a"])
    rec = bk.ItemRecommender().fit(SMALL)
    single = pd.DataFrame({"basket": [1, 2], "item": ["a", "b"]})
    with pytest.raises(DataValidationError, match="No test basket has two or more items"):
        bk.hit_rate_at_k(rec, single)


def test_inputs_not_changed():
    t = _table(TEXTBOOK)
    before = t.copy()
    bk.association_rules(t, 0.4, 0.5)
    bk.ItemRecommender().fit(t)
    bk.split_baskets(t, 0.4)
    pd.testing.assert_frame_equal(t, before)


def test_rules_table_with_names():
    rules = bk.association_rules(_table(TEXTBOOK), 0.6, 0.9, min_len=2)
    out = bk.rules_table(rules, names=pd.Series({"beer": "啤酒", "diapers": "尿布"}))
    assert out["rule"].tolist() == ["{啤酒} ⇒ {尿布}"]
    assert out["confidence"].tolist() == [1.0]
    assert isinstance(rules["antecedent"].iloc[0], frozenset)  # input unchanged


def test_hit_rate_table_and_custom_columns():
    train = pd.DataFrame({"r": [1, 1, 2, 2, 3, 3], "p": list("abcdab")})
    test = pd.DataFrame({"r": [7, 7, 8, 8], "p": list("abcd")})
    models = {
        "item": bk.ItemRecommender(basket="r", item="p").fit(train),
        "popular": bk.PopularityRecommender(basket="r", item="p").fit(train),
    }
    table = bk.hit_rate_table(models, test, ks=[1, 2, 3])
    # popularity ranks (see test_hit_rate_by_hand): 1, 1, 3, 3
    assert table["hit_rate"].tolist() == [1.0, 1.0, 1.0, 0.5, 0.5, 1.0]
    assert table["held_out"].unique().tolist() == [4]
    assert bk.hit_rate_at_k(models["popular"], test, k=2) == 0.5
