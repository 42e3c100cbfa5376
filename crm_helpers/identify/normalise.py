"""Normalising customer records (数据标准化): phones, e-mails, names, cities, gender."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from .. import _catalogue as cat
from ..schema import DataValidationError, require_columns

__all__ = [
    "NAME_PINYIN",
    "IDENTIFYING_COLUMNS",
    "normalize_phone",
    "normalize_email",
    "normalize_name",
    "name_key",
    "normalize_city",
    "normalize_gender",
    "normalize_records",
]

# ----------------------------------------------------------------------------- normalisation

#: Pinyin (without tones) of the name characters the course's data use, with common
#: homophones (同音字) of them (:data:`crm_helpers._catalogue.NAME_PINYIN`); characters not
#: listed are kept as they are.
NAME_PINYIN: dict[str, str] = cat.NAME_PINYIN

#: The columns that can identify a person; a record needs at least one of them.
IDENTIFYING_COLUMNS: tuple[str, ...] = ("name", "phone", "email", "card_number")

_CITY = {**{en.lower(): zh for en, zh, *_ in cat.CITIES}, **{zh: zh for _, zh, *_ in cat.CITIES}}
_GENDER = {"f": "F", "female": "F", "女": "F", "m": "M", "male": "M", "男": "M"}


def _text(values: pd.Series | Iterable[Any]) -> pd.Series:
    """Strings with Unicode compatibility forms folded (full-width → half-width)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    s = s.astype("object").where(s.notna(), None)
    text = s.where(s.isna(), s.astype("str")).astype("object")
    arr = pa.array(text.to_numpy(), type=pa.string(), from_pandas=True)
    arr = pc.utf8_trim_whitespace(pc.utf8_normalize(arr, "NFKC"))
    return pd.Series(pd.array(arr, dtype="str"), index=s.index)


def normalize_phone(values: pd.Series | Iterable[Any]) -> pd.Series:
    """Mainland mobile numbers in one form: ``86`` followed by the 11 digits.

    Everything but digits is dropped; a leading ``0086`` or ``86`` is the country code. A
    value that is not an 11-digit number starting with 1 (after the country code) becomes
    missing.

    >>> normalize_phone(["+86 138-1234-5678", "13812345678", "0086 138 1234 5678",
    ...                  "(+86)13812345678", "12345", None]).tolist()
    ['8613812345678', '8613812345678', '8613812345678', '8613812345678', nan, nan]
    """
    d = _text(values).str.replace(r"\D", "", regex=True)
    d = d.str.replace(r"^00", "", regex=True)
    d = d.where(~(d.str.len().eq(13) & d.str.startswith("86")), d.str.slice(2))
    ok = d.str.fullmatch(r"1\d{10}").fillna(False).astype(bool)
    return ("86" + d).where(ok)


def normalize_email(values: pd.Series | Iterable[Any]) -> pd.Series:
    """E-mail addresses in lower case without spaces; missing if there is no ``@``.

    >>> normalize_email(["  Wei.Wang@QQ.com ", "NA.LI@163.COM", "not an address"]).tolist()
    ['wei.wang@qq.com', 'na.li@163.com', nan]
    """
    s = _text(values).str.lower().str.replace(r"\s+", "", regex=True)
    return s.where(s.str.fullmatch(r"[^@]+@[^@]+\.[^@]+").fillna(False).astype(bool))


def normalize_name(values: pd.Series | Iterable[Any]) -> pd.Series:
    """Names trimmed, full-width folded, Latin letters in lower case with single spaces;
    Chinese characters without spaces. Empty names become missing.

    >>> normalize_name([" 王 伟 ", "WANG  Wei", ""]).tolist()
    ['王伟', 'wang wei', nan]
    """
    s = _text(values).str.lower().str.replace(r"\s+", " ", regex=True).str.strip()
    han = s.str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False).astype(bool)
    s = s.where(~han, s.str.replace(" ", "", regex=False))
    return s.where(s.str.len().fillna(0).astype(int) > 0)


def _key(name: str) -> str:
    if any("\u4e00" <= c <= "\u9fff" for c in name):
        tokens = [
            NAME_PINYIN.get(name[0], name[0]),
            "".join(NAME_PINYIN.get(c, c) for c in name[1:]),
        ]
    else:
        tokens = [t for t in "".join(c if c.isalpha() else " " for c in name).split() if t]
    return " ".join(sorted(t for t in tokens if t))


def name_key(values: pd.Series | Iterable[Any]) -> pd.Series:
    """A name's pinyin syllables, surname and given name sorted: the same key for ``王伟``,
    ``Wang Wei``, ``WEI WANG`` and the homophone slip ``王玮``.

    >>> name_key(["王伟明", "Weiming Wang", "王玮明", "李娜"]).tolist()
    ['wang weiming', 'wang weiming', 'wang weiming', 'li na']
    """
    return _keys_of(normalize_name(values))


def _keys_of(names: pd.Series) -> pd.Series:
    """Name keys of normalised names, each distinct name worked out once."""
    uniq = names.dropna().unique()
    keys = pd.Series([_key(v) for v in uniq], index=uniq, dtype="str")
    return pd.Series(names.map(keys).to_numpy(), index=names.index, dtype="str")


def normalize_city(values: pd.Series | Iterable[Any]) -> pd.Series:
    """City names in Chinese (``Shanghai`` → ``上海``); unknown cities kept as written.

    >>> normalize_city(["Shanghai", " 北京", "shenzhen"]).tolist()
    ['上海', '北京', '深圳']
    """
    s = _text(values)
    low = s.str.lower()
    return low.map(_CITY).where(low.isin(list(_CITY)), s)


def normalize_gender(values: pd.Series | Iterable[Any]) -> pd.Series:
    """``F`` or ``M`` from F/M, female/male, 女/男; anything else missing.

    >>> normalize_gender(["女", "M", "male", "?"]).tolist()
    ['F', 'M', 'M', nan]
    """
    return _text(values).str.lower().map(_GENDER).astype("str")


def _check_records(records: pd.DataFrame, id_column: str) -> list[str]:
    """The identifying columns present; an error if there are none or the ids repeat."""
    require_columns(records, [id_column], "records")
    present = [c for c in IDENTIFYING_COLUMNS if c in records.columns]
    if not present:
        raise DataValidationError(
            "The records table has none of the identifying columns "
            f"{', '.join(repr(c) for c in IDENTIFYING_COLUMNS)}: there is nothing to match "
            f"records on. The table contains these columns: "
            f"{', '.join(repr(str(c)) for c in records.columns) or 'none'}."
        )
    if records[id_column].isna().any() or records[id_column].duplicated().any():
        dup = records[id_column][records[id_column].duplicated()].head(5).tolist()
        raise DataValidationError(
            f"Column {id_column!r} of the records table must identify each record once; "
            f"found missing or repeated values (repeated: {dup})."
        )
    return present


def _check_not_empty(out: pd.DataFrame, raw: list[pd.Series], present: list[str]) -> None:
    """An error naming the records whose identifying fields are all empty."""
    raw_empty = pd.concat([r.fillna("").str.len() == 0 for r in raw], axis=1)
    empty = raw_empty.all(axis=1).to_numpy()
    if empty.any():
        ids = out.loc[empty, "record_id"].head(5).tolist()
        raise DataValidationError(
            f"{int(empty.sum())} record(s) have no identifying field: "
            f"{', '.join(repr(c) for c in present)} are all empty (record_id {ids}"
            f"{', …' if empty.sum() > 5 else ''}). Drop them or fill in at least one."
        )


def normalize_records(records: pd.DataFrame, *, id_column: str = "record_id") -> pd.DataFrame:
    """The records with every identifying field in one form, ready for matching.

    Columns out: record_id, name (:func:`normalize_name`), name_key (:func:`name_key`),
    phone, email, card_number (digits only), birth_year, city, gender — missing where the
    record has no such column or value.

    Raises
    ------
    DataValidationError
        If ``id_column`` is missing or repeated, if the table has none of
        :data:`IDENTIFYING_COLUMNS`, or if a record has none of them filled in.

    >>> normalize_records(pd.DataFrame({"record_id": [7], "phone": ["138 1234 5678"]}))[
    ...     ["record_id", "phone"]].to_dict("records")
    [{'record_id': 7, 'phone': '8613812345678'}]
    """
    present = _check_records(records, id_column)
    n = len(records)

    def get(col: str) -> pd.Series:
        if col in records.columns:
            return records[col].reset_index(drop=True)
        return pd.Series([None] * n, dtype="object")

    card = _text(get("card_number")).str.replace(r"\D", "", regex=True)
    names = normalize_name(get("name"))
    out = pd.DataFrame(
        {
            "record_id": records[id_column].to_numpy(),
            "name": names,
            "name_key": _keys_of(names),
            "phone": normalize_phone(get("phone")),
            "email": normalize_email(get("email")),
            "card_number": card.where(card.str.len().fillna(0).astype(int) > 0),
            "birth_year": pd.to_numeric(get("birth_year"), errors="coerce").astype("Float64"),
            "city": normalize_city(get("city")),
            "gender": normalize_gender(get("gender")),
        }
    )
    _check_not_empty(out, [_text(get(c)) for c in present], present)
    return out
