"""The table fingerprint behind the simulation memo, choose_k's memo and the plan-report
cache: equal contents give equal fingerprints, and any edit — to a number, a date, a
string, a missing value, a category, the index, a column name or a dtype — gives another
(a wrong equality would hand a caller a stale cached result)."""

import numpy as np
import pandas as pd
import pytest

from crm_helpers._fingerprint import frame_digest, update_with_frame


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": [1, 2, 3],
            "x": [0.5, np.nan, 2.0],
            "t": pd.to_datetime(["2024-01-01", None, "2024-03-01"]),
            "s": pd.array(["a", None, "ccc"], dtype="str"),
            "u": pd.array(["p", "q", None], dtype="string"),
            "c": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "hi"]),
            "i": pd.array([1, None, 3], dtype="Int64"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "f": [True, False, True],
            "o": ["a", b"b", 3],
        },
        index=[10, 20, 30],
    )


EDITS = {
    "number": lambda d: d.assign(n=[1, 2, 4]),
    "float to missing": lambda d: d.assign(x=[0.5, np.nan, np.nan]),
    "date": lambda d: d.assign(t=d["t"].fillna(pd.Timestamp("2024-02-01"))),
    "string": lambda d: d.assign(s=pd.array(["a", None, "ccd"], dtype="str")),
    "string boundary": lambda d: d.assign(s=pd.array(["ac", None, "cc"], dtype="str")),
    "missing string": lambda d: d.assign(s=pd.array(["a", "", "ccc"], dtype="str")),
    "python string": lambda d: d.assign(u=pd.array(["p", "q", "r"], dtype="string")),
    "category": lambda d: d.assign(c=pd.Categorical(["lo", "lo", "lo"], categories=["lo", "hi"])),
    "category labels": lambda d: d.assign(c=d["c"].cat.rename_categories(["low", "high"])),
    "nullable int": lambda d: d.assign(i=pd.array([1, 0, 3], dtype="Int64")),
    "nullable bool": lambda d: d.assign(b=pd.array([True, False, False], dtype="boolean")),
    "bool": lambda d: d.assign(f=[True, True, True]),
    "object": lambda d: d.assign(o=["a", b"b", 4]),
    "index": lambda d: d.set_axis([10, 20, 31]),
    "column name": lambda d: d.rename(columns={"n": "m"}),
    "dtype": lambda d: d.assign(n=d["n"].astype("int32")),
    "row dropped": lambda d: d.iloc[:2],
}


def test_equal_contents_give_equal_fingerprints():
    a, b = _frame(), _frame()
    assert frame_digest(a) == frame_digest(b)
    # the same strings from a slice of a longer array (another offset in Arrow's buffers)
    longer = pd.concat([pd.Series(["zz"], dtype="str"), a["s"]], ignore_index=True)
    sliced = a.assign(s=longer.iloc[1:].set_axis(a.index))
    assert frame_digest(sliced) == frame_digest(a)


@pytest.mark.parametrize("edit", list(EDITS))
def test_every_edit_changes_the_fingerprint(edit):
    a = _frame()
    assert frame_digest(EDITS[edit](a)) != frame_digest(a)


def test_an_edit_in_place_changes_the_fingerprint():
    a = _frame()
    before = frame_digest(a)
    a.loc[20, "n"] = 7
    assert frame_digest(a) != before


def test_unhashable_cells_raise_type_error():
    import hashlib

    with pytest.raises(TypeError):
        update_with_frame(hashlib.sha256(), pd.DataFrame({"l": [[1], [2]]}))
