"""Data security and privacy (数据安全与隐私): pseudonymisation and k-anonymity before export.

**Pseudonymisation (假名化)** replaces a personal field (name, phone, e-mail, card number,
member number) by a token. A plain hash (SHA-256 of the phone number) is *not* enough:
anyone can hash every phone number and look the tokens up. A **keyed hash** —
HMAC-SHA256 with a secret key (密钥) — cannot be recomputed without the key, yet gives the
same token for the same value under the same key, so tables can still be joined. Keep the
key away from the exported data (a key vault, not the notebook); with a new key the tokens
change, so two exports made with different keys cannot be linked.

**k-anonymity (k-匿名)** asks of the fields that are not names but could identify a
person in combination — the **quasi-identifiers** (准标识符), such as birth year, gender and
city — that every combination that occurs is shared by at least k rows. Rows in smaller
**equivalence classes** (等价类) are the ones at risk of re-identification; generalise the
fields (birth year → 10-year band, city → region) or suppress those rows before export.

The key is never logged, printed, stored on a returned object or shown in an error message.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_helpers._catalogue import PRIVACY_MEASURES
from crm_helpers.schema import require_columns

__all__ = [
    "hmac_token",
    "pseudonymise",
    "KAnonymity",
    "k_anonymity",
    "year_band",
    "generalise",
    "suppress_small_classes",
    "DATE_LEVELS",
    "release_k_anonymity",
    "k_anonymous_export",
    "l_diversity",
    "privacy_measures",
]

#: Date generalisation levels: month, quarter, year (never the day in an export).
DATE_LEVELS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}


def _key_bytes(key: object) -> bytes:
    if key is None or (isinstance(key, str | bytes) and len(key) == 0):
        raise ValueError(
            "key is required: pass a secret key (str or bytes, e.g. from a key vault or an "
            "environment variable). Without a key, pseudonyms could be recomputed by anyone."
        )
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, bytes):
        return key
    raise TypeError(f"key must be a str or bytes; got {type(key).__name__}.")


def _check_length(length: int) -> None:
    if not isinstance(length, int | np.integer) or not 8 <= length <= 64:
        raise ValueError(f"length must be an integer from 8 to 64 hex digits; got {length!r}.")


def hmac_token(value: object, key: str | bytes, *, length: int = 64) -> str:
    """The HMAC-SHA256 of ``str(value)`` (UTF-8) under ``key``, as hex digits.

    Parameters
    ----------
    value:
        The personal value (its text form is hashed, so 100001 and "100001" agree).
    key:
        The secret key; required (an empty or missing key raises ``ValueError``).
    length:
        Hex digits kept (8 … 64). 16 digits (64 bits) make a collision among a million
        members about one in 36 million.

    Examples
    --------
    >>> hmac_token("13800138000", "k1", length=16)
    '02f20a6996fcf80c'
    >>> hmac_token("13800138000", "k1") == hmac_token("13800138000", "k2")
    False
    """
    _check_length(length)
    digest = hmac.new(_key_bytes(key), str(value).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:length]


def _tokenise(values: pd.Series, key_bytes: bytes, length: int) -> pd.Series:
    """Each non-missing value replaced by its keyed-hash token (hashing each value once)."""
    uniques = pd.unique(values.dropna())
    tokens = {u: hmac_token(u, key_bytes, length=length) for u in uniques}
    return values.map(tokens).astype(object).where(values.notna(), None)


def pseudonymise(
    df: pd.DataFrame,
    columns: Sequence[str],
    key: str | bytes,
    *,
    length: int = 16,
    drop: Sequence[str] = (),
) -> pd.DataFrame:
    """A copy of ``df`` with each of ``columns`` replaced by its keyed-hash token.

    The same value gives the same token in every column and table under one key, so
    pseudonymised tables still join on the token. Missing values stay missing.

    Parameters
    ----------
    df:
        The table with personal fields.
    columns:
        Fields to replace by tokens (e.g. customer_id, phone, card_number).
    key:
        The secret key (required).
    length:
        Hex digits per token (8 … 64).
    drop:
        Direct identifiers to remove altogether (e.g. name, e-mail) rather than tokenise.

    Raises
    ------
    ValueError
        If the key is missing or empty.
    DataValidationError
        If a column is missing.

    Examples
    --------
    >>> members = pd.DataFrame({"customer_id": [1, 2], "name": ["王芳", "李雷"],
    ...                         "city": ["Beijing", "Wuhan"]})
    >>> pseudonymise(members, ["customer_id"], "k1", drop=["name"])
            customer_id     city
    0  03f58621aa29d1c6  Beijing
    1  ebc1f3ce1cfe6668    Wuhan
    """
    key_bytes = _key_bytes(key)
    _check_length(length)
    columns = list(columns)
    require_columns(df, [*columns, *drop], "personal data")
    out = df.drop(columns=list(drop)).copy()
    for col in columns:
        out[col] = _tokenise(out[col], key_bytes, length)
    return out


@dataclass(frozen=True, eq=False)
class KAnonymity:
    """The result of :func:`k_anonymity`.

    Attributes
    ----------
    k:
        The k asked for.
    k_min:
        The size of the smallest equivalence class (the table is k_min-anonymous).
    classes:
        One row per combination of quasi-identifiers, with its ``size``, smallest first.
    violating_classes:
        The classes with fewer than k rows.
    violating_rows:
        The rows of ``df`` in those classes (same index).
    """

    k: int
    k_min: int
    classes: pd.DataFrame
    violating_classes: pd.DataFrame
    violating_rows: pd.DataFrame

    @property
    def satisfied(self) -> bool:
        """Whether every class has at least k rows."""
        return self.k_min >= self.k

    def summary(self) -> pd.Series:
        """k, the smallest class, the number of classes and the classes and rows below k."""
        return pd.Series(
            {
                "k": self.k,
                "k_min": self.k_min,
                "classes": len(self.classes),
                "violating_classes": len(self.violating_classes),
                "violating_rows": len(self.violating_rows),
                "satisfied": self.satisfied,
            }
        )

    def __repr__(self) -> str:
        return (
            f"KAnonymity(k={self.k}, k_min={self.k_min}, satisfied={self.satisfied}, "
            f"{len(self.violating_classes)} classes / {len(self.violating_rows)} rows below k)"
        )


def k_anonymity(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int = 5) -> KAnonymity:
    """Check k-anonymity of ``df`` on ``quasi_identifiers``.

    An equivalence class is the set of rows sharing one combination of quasi-identifier
    values (a missing value counts as a value of its own). The table is k-anonymous when
    its smallest class has at least k rows.

    Parameters
    ----------
    df:
        The table to be exported.
    quasi_identifiers:
        Columns that could identify a person in combination (birth year, gender, city, ...).
    k:
        The smallest class size allowed (≥ 1).

    Examples
    --------
    >>> t = pd.DataFrame({"band": ["1980s", "1980s", "1990s", "1990s", "1990s"],
    ...                   "gender": ["F", "F", "M", "M", "F"]})
    >>> result = k_anonymity(t, ["band", "gender"], k=2)
    >>> result.k_min, result.satisfied, result.violating_rows.index.tolist()
    (1, False, [4])
    """
    qi = list(quasi_identifiers)
    if not qi:
        raise ValueError("quasi_identifiers must name at least one column; got none.")
    if not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be an integer ≥ 1; got {k!r}.")
    require_columns(df, qi, "export")
    group = df.groupby(qi, dropna=False, observed=True, sort=False).ngroup().to_numpy()
    size = pd.Series(np.bincount(group)[group] if len(df) else [], index=df.index, dtype="int64")
    classes = (
        df[qi]
        .assign(size=size.to_numpy())
        .drop_duplicates(subset=qi)
        .sort_values("size", kind="stable")
        .reset_index(drop=True)
    )
    k_min = int(classes["size"].min()) if len(classes) else 0
    return KAnonymity(
        k=int(k),
        k_min=k_min,
        classes=classes,
        violating_classes=classes[classes["size"] < k].reset_index(drop=True),
        violating_rows=df.loc[(size < k).to_numpy()],
    )


def year_band(years: pd.Series, width: int = 10) -> pd.Series:
    """Generalise years to bands such as ``"1980-1989"`` (missing stays missing).

    >>> year_band(pd.Series([1985, 1990, 1999, None])).tolist()
    ['1980-1989', '1990-1999', '1990-1999', None]
    """
    if not isinstance(width, int | np.integer) or width < 1:
        raise ValueError(f"width must be a positive integer; got {width!r}.")
    y = pd.to_numeric(years, errors="raise")
    start = (np.floor(y / width) * width).astype("Int64")
    label = start.astype(str) + "-" + (start + width - 1).astype(str)
    return label.astype(object).where(y.notna(), None)


def generalise(
    df: pd.DataFrame,
    *,
    bands: Mapping[str, int] | None = None,
    maps: Mapping[str, Mapping[object, object]] | None = None,
    dates: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` with coarser quasi-identifiers.

    Parameters
    ----------
    bands:
        ``{column: width}``: numbers to bands of that width (birth_year → 10-year band).
    maps:
        ``{column: mapping}``: values to broader values (city → region); a value missing
        from the mapping raises an error that names it.
    dates:
        ``{column: level}``: dates to ``"month"`` (2024-03), ``"quarter"`` (2024Q1) or
        ``"year"`` (2024).

    Examples
    --------
    >>> t = pd.DataFrame({"birth_year": [1985, 1992], "city": ["Wuhan", "Beijing"]})
    >>> generalise(t, bands={"birth_year": 10},
    ...            maps={"city": {"Wuhan": "Central", "Beijing": "North"}})
      birth_year     city
    0  1980-1989  Central
    1  1990-1999    North
    """
    bands = dict(bands or {})
    maps = dict(maps or {})
    dates = dict(dates or {})
    require_columns(df, [*bands, *maps, *dates], "export")
    out = df.copy()
    for col, level in dates.items():
        if level not in DATE_LEVELS:
            raise ValueError(f"dates[{col!r}] must be one of {list(DATE_LEVELS)}; got {level!r}.")
        when = pd.to_datetime(df[col], errors="coerce")
        text = when.dt.to_period(DATE_LEVELS[level]).astype(str).astype(object)
        out[col] = text.where(when.notna(), None)
    for col, width in bands.items():
        out[col] = year_band(df[col], width)
    for col, mapping in maps.items():
        out[col] = _map_values(df[col], col, mapping)
    return out


def _map_values(values: pd.Series, col: str, mapping: Mapping[object, object]) -> pd.Series:
    """``values`` mapped to broader values; an error naming any value the mapping lacks."""
    unknown = sorted(set(values.dropna()) - set(mapping), key=str)
    if unknown:
        raise ValueError(
            f"The mapping for column {col!r} has no entry for {', '.join(map(repr, unknown[:5]))}"
            f"{' …' if len(unknown) > 5 else ''}."
        )
    return values.map(mapping)


def suppress_small_classes(
    df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int = 5
) -> pd.DataFrame:
    """``df`` without the rows in equivalence classes smaller than k (suppression, 抑制).

    >>> t = pd.DataFrame({"band": ["1980s", "1980s", "1990s"]})
    >>> len(suppress_small_classes(t, ["band"], k=2))
    2
    """
    qi = list(quasi_identifiers)
    k_anonymity(df, qi, k)  # validates the arguments
    group = df.groupby(qi, dropna=False, observed=True, sort=False).ngroup().to_numpy()
    return df.loc[np.bincount(group)[group] >= k] if len(df) else df.copy()


def _released(df: pd.DataFrame, token: str | Sequence[str]) -> list[str]:
    tokens = [token] if isinstance(token, str) else list(token)
    require_columns(df, tokens, "export")
    cols = [c for c in df.columns if c not in tokens]
    if not cols:
        raise ValueError("The export has no column besides the token: nothing to check.")
    return cols


def release_k_anonymity(df: pd.DataFrame, token: str | Sequence[str], k: int = 5) -> KAnonymity:
    """k-anonymity over **every released column except the pseudonymous token(s)**: a
    recipient may know any of them about a person, so all of them are quasi-identifiers.

    >>> t = pd.DataFrame({"tok": ["a", "b", "c"], "band": ["1980s", "1980s", "1990s"]})
    >>> release_k_anonymity(t, "tok", k=2).k_min
    1
    """
    return k_anonymity(df, _released(df, token), k)


def k_anonymous_export(df: pd.DataFrame, token: str | Sequence[str], k: int = 5) -> pd.DataFrame:
    """``df`` without the rows whose class over all non-token columns is smaller than k:
    the result is k-anonymous over everything it releases.

    >>> t = pd.DataFrame({"tok": list("abcde"), "band": ["80s"] * 3 + ["90s"] * 2,
    ...                   "region": ["N", "N", "N", "N", "S"]})
    >>> k_anonymous_export(t, "tok", k=2)["tok"].tolist()
    ['a', 'b', 'c']
    """
    return suppress_small_classes(df, _released(df, token), k)


def l_diversity(df: pd.DataFrame, quasi_identifiers: Sequence[str], sensitive: str) -> pd.DataFrame:
    """Distinct values of a ``sensitive`` column within each class of ``quasi_identifiers``
    (l-diversity, l-多样性): a class of 20 members who all have the same income band tells
    anyone who can place a person in it that person's income, however large k is.

    Returns one row per class with ``size`` and ``distinct``, fewest distinct first; the table
    is l-diverse for l = the first row's ``distinct``.

    >>> t = pd.DataFrame({"band": ["80s"] * 3 + ["90s"] * 2, "income": ["hi", "lo", "hi", "lo", "lo"]})
    >>> l_diversity(t, ["band"], "income")
      band  size  distinct
    0  90s     2         1
    1  80s     3         2
    """
    qi = list(quasi_identifiers)
    if sensitive in qi:
        raise ValueError(f"The sensitive column {sensitive!r} cannot also be a quasi-identifier.")
    k_anonymity(df, qi, 1)  # validates the arguments
    require_columns(df, [sensitive], "export")
    g = df.groupby(qi, dropna=False, observed=True, sort=False)[sensitive]
    out = pd.DataFrame({"size": g.size(), "distinct": g.nunique(dropna=False)}).reset_index()
    return out.sort_values(["distinct", "size"], kind="stable").reset_index(drop=True)


def privacy_measures() -> pd.DataFrame:
    """Walmart's privacy measures (沃尔玛隐私保护合规措施) as the case lists them: encryption,
    access control, compliance audits and staff privacy training.

    >>> privacy_measures()["measure_zh"].tolist()[-1]
    '员工隐私保护意识培训'
    """
    return pd.DataFrame(PRIVACY_MEASURES, columns=["measure_zh", "measure_en", "what"])
