"""Keyed-hash pseudonymisation against the standard library's hmac, and k-anonymity on
hand-built tables."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

import crm_helpers as crm
from crm_helpers.privacy import (
    generalise,
    hmac_token,
    k_anonymity,
    pseudonymise,
    suppress_small_classes,
    year_band,
)

KEY = "course-secret-2024"


def _reference(value: str, key: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def test_hmac_matches_the_standard_library_and_depends_on_the_key():
    phone = "13800138000"
    assert hmac_token(phone, KEY) == _reference(phone, KEY)
    assert hmac_token(phone, KEY) == hmac_token(phone, KEY)  # deterministic
    assert hmac_token(phone, KEY) != hmac_token(phone, KEY + "x")  # another key, another token
    assert hmac_token(phone, KEY, length=16) == _reference(phone, KEY)[:16]
    assert hmac_token(phone, KEY.encode()) == hmac_token(phone, KEY)
    assert hmac_token(100001, KEY) == _reference("100001", KEY)
    # not a plain hash: without the key, SHA-256 of the value gives something else
    assert hmac_token(phone, KEY) != hashlib.sha256(phone.encode()).hexdigest()


def test_pseudonymise_replaces_fields_keeps_joins_and_missing():
    people = pd.DataFrame(
        {
            "customer_id": [1, 2, 1],
            "phone": ["138", None, "139"],
            "name": ["王芳", "李雷", "王芳"],
            "city": ["Wuhan", "Beijing", "Wuhan"],
        }
    )
    before = people.copy()
    out = pseudonymise(people, ["customer_id", "phone"], KEY, drop=["name"])
    assert list(out.columns) == ["customer_id", "phone", "city"]
    assert out["customer_id"].tolist() == [_reference(str(v), KEY)[:16] for v in [1, 2, 1]]
    assert out["phone"].iloc[0] == _reference("138", KEY)[:16]
    assert out["phone"].iloc[1] is None
    assert out["customer_id"].iloc[0] == out["customer_id"].iloc[2]
    other = pseudonymise(people, ["customer_id"], "another key")
    assert not set(other["customer_id"]) & set(out["customer_id"])
    pd.testing.assert_frame_equal(people, before)
    # the key appears nowhere in what comes back
    assert KEY not in out.to_string() and KEY not in repr(out)


@pytest.mark.parametrize("key", [None, "", b""])
def test_a_missing_key_is_a_clear_error(key):
    with pytest.raises(ValueError, match="key is required"):
        hmac_token("x", key)
    with pytest.raises(ValueError, match="key is required"):
        pseudonymise(pd.DataFrame({"a": [1]}), ["a"], key)


def test_other_bad_input():
    with pytest.raises(TypeError, match="key must be a str or bytes; got int"):
        hmac_token("x", 1234)
    with pytest.raises(crm.DataValidationError, match="has no column 'phone'"):
        pseudonymise(pd.DataFrame({"a": [1]}), ["phone"], KEY)
    with pytest.raises(ValueError, match="length must be an integer from 8 to 64"):
        hmac_token("x", KEY, length=4)
    try:
        pseudonymise(pd.DataFrame({"a": [1]}), ["phone"], KEY)
    except crm.DataValidationError as err:
        assert KEY not in str(err)


HAND = pd.DataFrame(
    {
        "band": ["1980s", "1980s", "1980s", "1990s", "1990s", "1990s", "2000s"],
        "gender": ["F", "F", "F", "M", "M", "F", "F"],
        "region": ["East"] * 7,
    }
)
# classes: (1980s, F) 3 rows; (1990s, M) 2; (1990s, F) 1; (2000s, F) 1


def test_k_anonymity_on_a_hand_table():
    r = k_anonymity(HAND, ["band", "gender"], k=2)
    assert r.k_min == 1 and not r.satisfied
    assert sorted(r.classes["size"].tolist()) == [1, 1, 2, 3]
    assert r.violating_rows.index.tolist() == [5, 6]
    assert len(r.violating_classes) == 2
    assert k_anonymity(HAND, ["band", "gender"], k=1).satisfied
    only_region = k_anonymity(HAND, ["region"], k=7)
    assert only_region.k_min == 7 and only_region.satisfied
    s = r.summary()
    assert s["classes"] == 4 and s["violating_rows"] == 2
    # coarser quasi-identifiers: by band only the 2000s class (1 row) is below k = 2
    assert k_anonymity(HAND, ["band"], k=2).violating_rows.index.tolist() == [6]
    # suppression leaves a 2-anonymous table
    kept = suppress_small_classes(HAND, ["band", "gender"], k=2)
    assert kept.index.tolist() == [0, 1, 2, 3, 4]
    assert k_anonymity(kept, ["band", "gender"], k=2).satisfied


def test_missing_values_form_their_own_class():
    t = pd.DataFrame({"a": ["x", "x", None, None, "y"]})
    r = k_anonymity(t, ["a"], k=2)
    assert r.violating_rows.index.tolist() == [4]
    assert r.k_min == 1


def test_generalisation_helpers():
    assert year_band(pd.Series([1979, 1980, 1989, 2001])).tolist() == [
        "1970-1979", "1980-1989", "1980-1989", "2000-2009"
    ]  # fmt: skip
    assert year_band(pd.Series([1984]), width=5).tolist() == ["1980-1984"]
    t = pd.DataFrame({"birth_year": [1985, 1992], "city": ["Wuhan", "Beijing"]})
    out = generalise(
        t, bands={"birth_year": 10}, maps={"city": {"Wuhan": "Central", "Beijing": "North"}}
    )
    assert out["city"].tolist() == ["Central", "North"]
    assert t["city"].tolist() == ["Wuhan", "Beijing"]
    with pytest.raises(ValueError, match="no entry for 'Beijing'"):
        generalise(t, maps={"city": {"Wuhan": "Central"}})
    with pytest.raises(ValueError, match="k must be an integer ≥ 1"):
        k_anonymity(t, ["city"], k=0)
    with pytest.raises(crm.DataValidationError, match="has no column 'gender'"):
        k_anonymity(t, ["gender"], k=2)


def test_generalising_the_simulated_members_raises_k():
    shop = crm.simulate_retailer(300, seed=4)
    members = shop.customers
    qi = ["birth_year", "gender", "city"]
    raw = k_anonymity(members, qi, k=5)
    regions = dict(zip(members["city"], members["region"], strict=True))
    coarse = generalise(members, bands={"birth_year": 10}, maps={"city": regions})
    cooked = k_anonymity(coarse, qi, k=5)
    assert cooked.k_min >= raw.k_min
    assert len(cooked.violating_rows) < len(raw.violating_rows)
    # independent count of the smallest class
    assert cooked.k_min == coarse.groupby(qi).size().min()
    assert np.isin(cooked.violating_rows.index, members.index).all()


# ------------------------------------------------------- release over every non-token column


def test_dates_generalised_to_month_quarter_year():
    t = pd.DataFrame({"d": pd.to_datetime(["2024-03-09", "2024-11-30", None])})
    from crm_helpers.privacy import generalise

    assert generalise(t, dates={"d": "month"})["d"].tolist() == ["2024-03", "2024-11", None]
    assert generalise(t, dates={"d": "quarter"})["d"].tolist()[:2] == ["2024Q1", "2024Q4"]
    assert generalise(t, dates={"d": "year"})["d"].tolist()[:2] == ["2024", "2024"]
    with pytest.raises(ValueError, match="must be one of \\['month', 'quarter', 'year'\\]"):
        generalise(t, dates={"d": "day"})


def test_release_counts_every_column_but_the_token():
    from crm_helpers.privacy import k_anonymous_export, l_diversity, release_k_anonymity

    t = pd.DataFrame({"tok": list("abcdef"), "band": ["80s"] * 4 + ["90s"] * 2,
                      "joined": ["2024-01"] * 3 + ["2024-02"] * 3,
                      "income": ["hi", "lo", "hi", "lo", "lo", "lo"]})  # fmt: skip
    # classes over band, joined, income: (80s,01,hi)=2, (80s,01,lo)=1, (80s,02,lo)=1, (90s,02,lo)=2
    r = release_k_anonymity(t, "tok", k=2)
    assert r.k_min == 1 and sorted(r.violating_rows["tok"]) == ["b", "d"]
    # on band alone the table looks 2-anonymous: the trap of checking only some columns
    assert k_anonymity(t, ["band"], k=2).satisfied
    out = k_anonymous_export(t, "tok", k=2)
    assert out["tok"].tolist() == ["a", "c", "e", "f"]
    assert release_k_anonymity(out, "tok", k=2).satisfied
    # l-diversity of income within the classes of the other columns
    ld = l_diversity(t, ["band", "joined"], "income")
    assert ld.iloc[0]["distinct"] == 1  # (80s, 02) and (90s, 02): one income band each
    assert ld.set_index(["band", "joined"]).loc[("80s", "2024-01"), "distinct"] == 2
    with pytest.raises(ValueError, match="cannot also be a quasi-identifier"):
        l_diversity(t, ["band", "income"], "income")
    with pytest.raises(ValueError, match="no column besides the token"):
        release_k_anonymity(t[["tok"]], "tok")
