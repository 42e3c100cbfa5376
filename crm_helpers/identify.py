"""Customer identification and analysis (客户识别与分析), chapter 02.

Four parts:

* **Identity resolution** into one customer view (客户视图): :func:`normalize_records`
  (phones to ``86`` + 11 digits, e-mail lower case without spaces, names to a pinyin key),
  :func:`candidate_pairs` (blocking: only records that share a phone, an e-mail, a card
  number or a name key are compared, a DuckDB self-join), :func:`compare_pairs` and
  :func:`score_pairs` (fuzzy comparison with rapidfuzz and a points score in the spirit of
  Fellegi–Sunter, common names counting less), :func:`cluster_records` (the matches
  joined into customers by connected components: a union-find), all in
  :func:`resolve_identities`; :func:`match_quality` and :func:`threshold_curve` score a
  resolution against the truth (precision, recall and F1 on record pairs), and
  :func:`customer_view` builds the golden record of each resolved customer.
* **Profile and tags**: :func:`customer_profile` (客户画像: demographics, geography,
  behaviour, channel, promotions) and a tag engine (标签体系) whose tags are *data*
  (:data:`DEFAULT_TAGS`: name, Chinese name, dimension, rule); a rule is a small safe
  expression over profile columns (comparisons, ``and``/``or``/``not``, arithmetic, lists
  of constants — nothing else is evaluated). :func:`apply_tags`, :func:`tag_coverage`,
  :func:`dimension_coverage`, :func:`tag_changes`.
* **Identification models** (识别模型): :func:`fit_lead_model` (a logistic lead score with a
  stratified hold-out, ROC-AUC) and :func:`gains_table` (gains and lift by decile);
  the AWARE checklist (:func:`aware_check`: Ability, Want, Authority, Reasonable,
  Eligible) as a qualification filter.
* **The sales funnel** (销售漏斗): :func:`funnel_conversion` (conversion per stage and per
  source) and :func:`funnel_stages` (the counts for a funnel chart).

>>> import pandas as pd
>>> records = pd.DataFrame({"record_id": [1, 2, 3],
...     "name": ["王伟", "Wang Wei", "李娜"],
...     "phone": ["+86 138-1234-5678", "13812345678", "139 0000 1111"],
...     "email": [None, " Wei.Wang@QQ.com", "na.li@163.com"]})
>>> resolve_identities(records).mapping["resolved_id"].tolist()
[1, 1, 3]
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _catalogue as cat
from ._duck import query
from .schema import DataValidationError, require_columns

__all__ = [
    "NAME_PINYIN",
    "IDENTIFYING_COLUMNS",
    "DEFAULT_BLOCKS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_THRESHOLD",
    "normalize_phone",
    "normalize_email",
    "normalize_name",
    "name_key",
    "normalize_city",
    "normalize_gender",
    "normalize_records",
    "candidate_pairs",
    "compare_pairs",
    "score_pairs",
    "cluster_records",
    "Resolution",
    "resolve_identities",
    "pair_counts",
    "match_quality",
    "label_pairs",
    "threshold_curve",
    "customer_view",
    "customer_profile",
    "DEFAULT_TAGS",
    "TAG_DIMENSIONS",
    "validate_rule",
    "evaluate_rule",
    "apply_tags",
    "tags_long",
    "tag_coverage",
    "dimension_coverage",
    "tag_changes",
    "gains_table",
    "LeadModel",
    "fit_lead_model",
    "DEFAULT_AWARE",
    "aware_check",
    "FUNNEL_STAGES",
    "funnel_conversion",
    "funnel_stages",
]

# ----------------------------------------------------------------------------- normalisation

#: Pinyin (without tones) of the name characters the course's data use, with common
#: homophones (同音字) of them. A real system would use a full dictionary (e.g. pypinyin);
#: characters not listed are kept as they are.
NAME_PINYIN: dict[str, str] = {
    **dict(cat.SURNAMES),
    **dict(cat.GIVEN_CHARS),
    **cat.HOMOPHONE_PINYIN,
}

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
    raw_empty = pd.concat([_text(get(c)).fillna("").str.len() == 0 for c in present], axis=1)
    empty = raw_empty.all(axis=1).to_numpy()
    if empty.any():
        ids = out.loc[empty, "record_id"].head(5).tolist()
        raise DataValidationError(
            f"{int(empty.sum())} record(s) have no identifying field: "
            f"{', '.join(repr(c) for c in present)} are all empty (record_id {ids}"
            f"{', …' if empty.sum() > 5 else ''}). Drop them or fill in at least one."
        )
    return out


# ----------------------------------------------------------------------------- matching

#: Blocking keys (分块): records are compared only if they agree on one of these.
DEFAULT_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("phone",),
    ("email",),
    ("card_number",),
    ("name_key",),
)

#: Points per comparison outcome (a Fellegi–Sunter-style score: agreement on a rare,
#: reliable field counts much, disagreement counts against).
DEFAULT_WEIGHTS: dict[str, float] = {
    "phone_same": 5.0,
    "phone_close": 2.0,  # one digit off
    "phone_differ": -4.0,
    "email_same": 5.0,
    "email_differ": -2.0,
    "card_same": 6.0,
    "card_differ": -4.0,
    "name_same": 2.5,  # similarity ≥ 0.99
    "name_close": 1.0,  # ≥ 0.8
    "name_differ": -3.0,  # < 0.6
    "name_common": 0.5,  # taken off name_same per doubling of the records sharing the name key
    "birth_same": 1.5,
    "birth_differ": -3.0,  # more than a year apart
    "city_same": 0.5,
    "city_differ": -1.0,
    "gender_differ": -2.0,
}

#: Pairs scoring at least this many points are matches.
DEFAULT_THRESHOLD: float = 3.0


def candidate_pairs(
    normalized: pd.DataFrame,
    blocks: Iterable[Iterable[str]] = DEFAULT_BLOCKS,
    *,
    max_block_size: int = 50,
) -> pd.DataFrame:
    """Record pairs that share at least one blocking key (a DuckDB self-join per key).

    Blocks larger than ``max_block_size`` records are skipped (a key shared by that many
    records — a shop's phone number, a common name — says little).

    Returns record_a < record_b and ``n_blocks``, the number of keys the pair shares.

    >>> norm = normalize_records(pd.DataFrame({"record_id": [1, 2, 3],
    ...     "phone": ["13812345678", "+86 138 1234 5678", "13900001111"]}))
    >>> candidate_pairs(norm).to_dict("records")
    [{'record_a': 1, 'record_b': 2, 'n_blocks': 1}]
    """
    blocks = [tuple(b) for b in blocks]
    require_columns(normalized, ["record_id", *{c for b in blocks for c in b}], "normalized")
    if max_block_size < 2:
        raise ValueError(f"max_block_size must be at least 2; got {max_block_size}.")
    selects = []
    for b in blocks:
        on = " AND ".join(f"a.{c} = b.{c}" for c in b)
        notnull = " AND ".join(f"{c} IS NOT NULL" for c in b)
        keys = ", ".join(b)
        selects.append(
            f"""SELECT a.record_id AS record_a, b.record_id AS record_b
            FROM (SELECT record_id, {keys}, count(*) OVER (PARTITION BY {keys}) AS n
                  FROM r WHERE {notnull}) a
            JOIN (SELECT record_id, {keys} FROM r WHERE {notnull}) b
              ON {on} AND a.record_id < b.record_id
            WHERE a.n <= {int(max_block_size)}"""
        )
    cols = sorted({"record_id", *{c for b in blocks for c in b}})
    sql = (
        "SELECT record_a, record_b, count(*) AS n_blocks FROM ("
        + " UNION ALL ".join(selects)
        + ") GROUP BY record_a, record_b ORDER BY record_a, record_b"
    )
    out = query(sql, {"r": normalized[cols]})
    out["n_blocks"] = out["n_blocks"].astype("int64")
    return out


def compare_pairs(
    normalized: pd.DataFrame, pairs: pd.DataFrame, *, chunk_size: int = 250_000
) -> pd.DataFrame:
    """Compare the two records of every pair, field by field (with rapidfuzz).

    Adds: ``phone_sim``, ``email_sim``, ``name_sim`` (similarity 0–1; the name's is the
    larger of the pinyin keys' token-sort ratio and the written names' ratio),
    ``name_key_count`` (how many records carry the pair's name key, when both have the
    same key: a common name is weaker evidence), ``card_same``, ``birth_diff`` (absolute
    years), ``city_same``, ``gender_same``; NaN where a field is missing on either side.
    Pairs are compared ``chunk_size`` at a time,
    so memory stays bounded on millions of pairs; equal values are not sent to rapidfuzz.

    >>> norm = normalize_records(pd.DataFrame({"record_id": [1, 2],
    ...     "name": ["王伟", "WEI WANG"], "phone": ["13812345678", "13812345679"]}))
    >>> c = compare_pairs(norm, pd.DataFrame({"record_a": [1], "record_b": [2]}))
    >>> c[["name_sim", "phone_sim"]].round(3).to_dict("records")
    [{'name_sim': 1.0, 'phone_sim': 0.923}]
    """
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    require_columns(pairs, ["record_a", "record_b"], "pairs")
    cols = ["record_id", "phone", "email", "name_key", "name", "card_number", "birth_year",
            "city", "gender"]  # fmt: skip
    require_columns(normalized, cols, "normalized")
    ids = pd.Index(normalized["record_id"])
    pa, pb = ids.get_indexer(pairs["record_a"]), ids.get_indexer(pairs["record_b"])
    if (pa < 0).any() or (pb < 0).any():
        raise DataValidationError("The pairs table has record ids that are not in the records.")
    codes = {c: pd.factorize(normalized[c])[0] for c in cols[1:] if c != "birth_year"}
    text = {c: normalized[c].to_numpy(dtype=object) for c in ("phone", "email", "name_key", "name")}
    birth = normalized["birth_year"].to_numpy(dtype=float, na_value=np.nan)
    lev = Levenshtein.normalized_similarity
    scorers = {"phone": (lev, 1.0), "email": (lev, 1.0), "name_key": (fuzz.token_sort_ratio, 100.0),
               "name": (fuzz.ratio, 100.0)}  # fmt: skip
    n = len(pairs)
    res = {c: np.full(n, np.nan) for c in ("phone", "email", "name_key", "name", "card_number",
                                           "city", "gender")}  # fmt: skip
    for lo in range(0, n, max(int(chunk_size), 1)):
        ia, ib = pa[lo : lo + chunk_size], pb[lo : lo + chunk_size]
        for c, out in res.items():
            ca, cb = codes[c][ia], codes[c][ib]
            both = (ca >= 0) & (cb >= 0)
            part = np.where(both, 0.0, np.nan)
            part[both & (ca == cb)] = 1.0
            need = both & (ca != cb)
            if c in scorers and need.any():
                scorer, scale = scorers[c]
                part[need] = (
                    process.cpdist(
                        text[c][ia[need]].tolist(),
                        text[c][ib[need]].tolist(),
                        scorer=scorer,
                        workers=1,
                    )
                    / scale
                )
            out[lo : lo + chunk_size] = part
    out = pairs.reset_index(drop=True).copy()
    out["phone_sim"] = res["phone"]
    out["email_sim"] = res["email"]
    out["name_sim"] = np.fmax(res["name_key"], res["name"])
    key_count = np.bincount(np.maximum(codes["name_key"], 0), minlength=1).astype(float)
    shared = (codes["name_key"][pa] >= 0) & (codes["name_key"][pa] == codes["name_key"][pb])
    out["name_key_count"] = np.where(shared, key_count[codes["name_key"][pa]], np.nan)
    out["card_same"] = res["card_number"]
    out["birth_diff"] = np.abs(birth[pa] - birth[pb])
    out["city_same"] = res["city"]
    out["gender_same"] = res["gender"]
    return out


def score_pairs(compared: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Add ``score``: the sum of the points of :data:`DEFAULT_WEIGHTS` (or ``weights``,
    which may give only the entries to change) for each field's outcome.

    When the table has ``name_key_count`` (from :func:`compare_pairs`), an agreeing name
    counts less the more records share it (a *term-frequency adjustment*, as in
    Fellegi–Sunter record linkage): ``name_common`` points are taken off ``name_same`` per
    doubling of the count beyond 2, down to 0 — "王伟" shared by 40 records says less than
    a rare name shared by 2.

    >>> c = pd.DataFrame({"phone_sim": [1.0, np.nan], "email_sim": [np.nan, 0.5],
    ...     "name_sim": [0.7, 1.0], "card_same": [np.nan, np.nan], "birth_diff": [0, 5],
    ...     "city_same": [np.nan, 1.0], "gender_same": [np.nan, np.nan]})
    >>> score_pairs(c)["score"].tolist()
    [6.5, -2.0]
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = sorted(set(w) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ValueError(
            f"weights has unknown entries {unknown}; known: {', '.join(DEFAULT_WEIGHTS)}."
        )
    need = ["phone_sim", "email_sim", "name_sim", "card_same", "birth_diff", "city_same",
            "gender_same"]  # fmt: skip
    require_columns(compared, need, "compared pairs")
    c = {k: compared[k].to_numpy(dtype=float) for k in need}

    def pick(conds: list[tuple[np.ndarray, float]]) -> np.ndarray:
        return np.select([np.nan_to_num(m, nan=0).astype(bool) for m, _ in conds],
                         [v for _, v in conds], 0.0)  # fmt: skip

    with np.errstate(invalid="ignore"):
        score = (
            pick([(c["phone_sim"] >= 1, w["phone_same"]), (c["phone_sim"] >= 0.9, w["phone_close"]),
                  (c["phone_sim"] < 0.9, w["phone_differ"])])
            + pick([(c["email_sim"] >= 1, w["email_same"]), (c["email_sim"] < 1, w["email_differ"])])
            + pick([(c["card_same"] == 1, w["card_same"]), (c["card_same"] == 0, w["card_differ"])])
            + pick([(c["name_sim"] >= 0.99, w["name_same"]), (c["name_sim"] >= 0.8, w["name_close"]),
                    (c["name_sim"] < 0.6, w["name_differ"])])
            + pick([(c["birth_diff"] == 0, w["birth_same"]), (c["birth_diff"] > 1, w["birth_differ"])])
            + pick([(c["city_same"] == 1, w["city_same"]), (c["city_same"] == 0, w["city_differ"])])
            + pick([(c["gender_same"] == 0, w["gender_differ"])])
        )  # fmt: skip
        if "name_key_count" in compared.columns:
            count = compared["name_key_count"].to_numpy(dtype=float)
            cut = np.minimum(w["name_common"] * np.log2(np.maximum(count / 2, 1)), w["name_same"])
            score = score - np.where((c["name_sim"] >= 0.99) & (count > 0), cut, 0.0)
    return compared.assign(score=score)


def cluster_records(
    record_ids: Iterable[Any], pairs: pd.DataFrame, threshold: float | None = None
) -> pd.DataFrame:
    """Join matched records into customers: the connected components of the graph whose
    edges are the pairs (those with ``score >= threshold`` if a threshold is given) — what
    a union-find (并查集) computes.

    Returns record_id and resolved_id, the smallest record_id of the record's component.

    >>> pairs = pd.DataFrame({"record_a": [1, 2, 5], "record_b": [2, 3, 6], "score": [9, 9, 1]})
    >>> cluster_records([1, 2, 3, 4, 5, 6], pairs, threshold=4)["resolved_id"].tolist()
    [1, 1, 1, 4, 5, 6]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = pd.Index(
        pd.unique(
            np.asarray(
                list(record_ids)
                if not isinstance(record_ids, pd.Series | np.ndarray | pd.Index)
                else record_ids
            )
        )
    )
    require_columns(pairs, ["record_a", "record_b"], "pairs")
    if threshold is not None:
        require_columns(pairs, ["score"], "pairs")
        pairs = pairs[pairs["score"] >= threshold]
    ia, ib = ids.get_indexer(pairs["record_a"]), ids.get_indexer(pairs["record_b"])
    if (ia < 0).any() or (ib < 0).any():
        raise DataValidationError("The pairs table has record ids that are not in record_ids.")
    n = len(ids)
    graph = coo_matrix((np.ones(len(ia)), (ia, ib)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    rep = pd.Series(ids.to_numpy()).groupby(comp).transform("min").to_numpy()
    return pd.DataFrame({"record_id": ids.to_numpy(), "resolved_id": rep})


@dataclass
class Resolution:
    """What :func:`resolve_identities` found: the normalised records, the scored candidate
    pairs, and the mapping record_id → resolved_id (one customer view id)."""

    normalized: pd.DataFrame
    pairs: pd.DataFrame
    mapping: pd.DataFrame
    threshold: float
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def n_customers(self) -> int:
        """The number of customers the records resolve to."""
        return int(self.mapping["resolved_id"].nunique())


def resolve_identities(
    records: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    weights: Mapping[str, float] | None = None,
    blocks: Iterable[Iterable[str]] = DEFAULT_BLOCKS,
    max_block_size: int = 50,
    id_column: str = "record_id",
) -> Resolution:
    """Identity resolution (身份识别) end to end: normalise, block, compare, score, cluster.

    Parameters
    ----------
    records:
        One row per record with ``id_column`` and at least one of
        :data:`IDENTIFYING_COLUMNS`; ``birth_year``, ``city`` and ``gender`` help.
    threshold, weights:
        Pairs with at least ``threshold`` points (:func:`score_pairs`) are matches.
    blocks, max_block_size:
        Blocking keys (:func:`candidate_pairs`).

    >>> recs = pd.DataFrame({"record_id": [1, 2], "email": ["a@b.cn", " A@B.CN"]})
    >>> resolve_identities(recs).n_customers
    1
    """
    norm = normalize_records(records, id_column=id_column)
    pairs = score_pairs(
        compare_pairs(norm, candidate_pairs(norm, blocks, max_block_size=max_block_size)),
        weights,
    )
    mapping = cluster_records(norm["record_id"], pairs, threshold)
    return Resolution(
        norm, pairs, mapping, float(threshold), {**DEFAULT_WEIGHTS, **(weights or {})}
    )


def _pairs_within(sizes: pd.Series | np.ndarray) -> int:
    n = np.asarray(sizes, dtype="int64")
    return int((n * (n - 1) // 2).sum())


def pair_counts(mapping: pd.DataFrame, truth: pd.DataFrame) -> dict[str, int]:
    """Record pairs put together by the resolution (predicted), by the truth (true) and by
    both (true positives), without listing the pairs: a cluster of n records holds
    n(n − 1)/2 pairs.

    >>> m = pd.DataFrame({"record_id": [1, 2, 3, 4], "resolved_id": [1, 1, 1, 4]})
    >>> t = pd.DataFrame({"record_id": [1, 2, 3, 4], "customer_id": [9, 9, 8, 8]})
    >>> pair_counts(m, t)
    {'predicted': 3, 'true': 2, 'true_positive': 1}
    """
    require_columns(mapping, ["record_id", "resolved_id"], "mapping")
    require_columns(truth, ["record_id", "customer_id"], "truth")
    j = mapping[["record_id", "resolved_id"]].merge(
        truth[["record_id", "customer_id"]], on="record_id", how="inner", validate="1:1"
    )
    if len(j) != len(mapping):
        raise DataValidationError(
            f"The truth table lacks {len(mapping) - len(j)} of the mapping's record ids."
        )
    return {
        "predicted": _pairs_within(j.groupby("resolved_id").size()),
        "true": _pairs_within(j.groupby("customer_id").size()),
        "true_positive": _pairs_within(j.groupby(["resolved_id", "customer_id"]).size()),
    }


def _prf(tp: float, predicted: float, true: float) -> dict[str, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def match_quality(mapping: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 of a resolution on record pairs (配对的精确率与召回率):
    precision = share of the pairs put together that are the same person; recall = share
    of the same-person pairs that were put together.

    >>> m = pd.DataFrame({"record_id": [1, 2, 3, 4], "resolved_id": [1, 1, 1, 4]})
    >>> t = pd.DataFrame({"record_id": [1, 2, 3, 4], "customer_id": [9, 9, 8, 8]})
    >>> {k: round(v, 3) for k, v in match_quality(m, t).items()}
    {'precision': 0.333, 'recall': 0.5, 'f1': 0.4, 'n_records': 4, 'n_resolved': 2, 'n_true': 2}
    """
    c = pair_counts(mapping, truth)
    out: dict[str, float] = _prf(c["true_positive"], c["predicted"], c["true"])
    out["n_records"] = len(mapping)
    out["n_resolved"] = int(mapping["resolved_id"].nunique())
    out["n_true"] = int(
        truth.loc[truth["record_id"].isin(mapping["record_id"]), "customer_id"].nunique()
    )
    return out


def label_pairs(pairs: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The pairs with ``is_match``: whether both records belong to the same true customer.

    >>> t = pd.DataFrame({"record_id": [1, 2, 3], "customer_id": [9, 9, 8]})
    >>> label_pairs(pd.DataFrame({"record_a": [1, 2], "record_b": [2, 3]}), t)["is_match"].tolist()
    [True, False]
    """
    require_columns(pairs, ["record_a", "record_b"], "pairs")
    require_columns(truth, ["record_id", "customer_id"], "truth")
    who = truth.set_index("record_id")["customer_id"]
    a = who.reindex(pairs["record_a"].to_numpy()).to_numpy()
    b = who.reindex(pairs["record_b"].to_numpy()).to_numpy()
    return pairs.assign(is_match=(a == b))


def threshold_curve(
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    thresholds: Iterable[float] | None = None,
    *,
    after_clustering: bool = False,
) -> pd.DataFrame:
    """Precision, recall and F1 for a range of thresholds.

    Pair level (default): the scored candidate pairs with ``score >= threshold`` against
    all same-person pairs of the truth (so pairs that blocking never compared count as
    missed). With ``after_clustering=True`` the pairs are first clustered
    (:func:`cluster_records`), which adds the pairs joined by transitivity.

    >>> p = pd.DataFrame({"record_a": [1, 2], "record_b": [2, 3], "score": [8.0, 2.0]})
    >>> t = pd.DataFrame({"record_id": [1, 2, 3], "customer_id": [9, 9, 8]})
    >>> threshold_curve(p, t, [0, 5])[["threshold", "precision", "recall"]].to_dict("records")
    [{'threshold': 0.0, 'precision': 0.5, 'recall': 1.0}, {'threshold': 5.0, 'precision': 1.0, 'recall': 1.0}]
    """
    require_columns(pairs, ["record_a", "record_b", "score"], "pairs")
    if thresholds is None:
        lo, hi = np.floor(pairs["score"].min()), np.ceil(pairs["score"].max())
        thresholds = np.arange(lo, hi + 0.5, 0.5) if len(pairs) else [0.0]
    thresholds = [float(t) for t in thresholds]
    n_true = _pairs_within(truth.groupby("customer_id").size())
    rows = []
    if after_clustering:
        for t in thresholds:
            m = cluster_records(truth["record_id"], pairs, t)
            c = pair_counts(m, truth)
            rows.append({"threshold": t, **_prf(c["true_positive"], c["predicted"], c["true"])})
    else:
        lab = label_pairs(pairs, truth)
        s, y = lab["score"].to_numpy(), lab["is_match"].to_numpy()
        for t in thresholds:
            sel = s >= t
            rows.append({"threshold": t, **_prf(int((sel & y).sum()), int(sel.sum()), n_true)})
    return pd.DataFrame(rows)


def _group_mode(d: pd.DataFrame, col: str) -> pd.Series:
    """The most frequent value of ``col`` per resolved_id (the smallest one at a tie)."""
    x = d.loc[d[col].notna(), ["resolved_id", col]]
    c = x.groupby(["resolved_id", col], observed=True).size().rename("_n").reset_index()
    c = c.sort_values(["resolved_id", "_n", col], ascending=[True, False, True], kind="stable")
    return c.drop_duplicates("resolved_id").set_index("resolved_id")[col]


def customer_view(records: pd.DataFrame, resolution: Resolution | pd.DataFrame) -> pd.DataFrame:
    """The one customer view (客户视图, golden record): one row per resolved customer.

    For every field the most frequent normalised value among the customer's records (a
    Chinese-character name preferred to a pinyin one), with n_records, the sources and the
    first and last record time when the records have ``source`` / ``created_at``.

    >>> recs = pd.DataFrame({"record_id": [1, 2], "name": ["Wang Wei", "王伟"],
    ...     "email": ["A@B.CN", "a@b.cn"], "source": ["web", "store"]})
    >>> customer_view(recs, resolve_identities(recs))[["name", "email", "sources"]].to_dict("records")
    [{'name': '王伟', 'email': 'a@b.cn', 'sources': 'store, web'}]
    """
    if isinstance(resolution, Resolution):
        mapping, norm = resolution.mapping, resolution.normalized
    else:
        mapping, norm = resolution, normalize_records(records)
    require_columns(mapping, ["record_id", "resolved_id"], "mapping")
    d = norm.merge(mapping, on="record_id", how="inner")
    han = d["name"].str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False).astype(bool)
    d["name_zh"] = d["name"].where(han)
    out = pd.DataFrame({"n_records": d.groupby("resolved_id", sort=True).size()})
    for col in ("name_zh", "name", "phone", "email", "card_number", "birth_year", "city", "gender"):
        out[col] = _group_mode(d, col).reindex(out.index)
    out["name"] = out["name_zh"].where(out["name_zh"].notna(), out["name"])
    out = out.drop(columns="name_zh")
    extra = records[["record_id"] + [c for c in ("source", "created_at") if c in records.columns]]
    if len(extra.columns) > 1:
        e = extra.merge(mapping, on="record_id").groupby("resolved_id")
        if "source" in extra.columns:
            src = extra.merge(mapping, on="record_id")[["resolved_id", "source"]].dropna()
            src = src.assign(source=src["source"].astype(str)).drop_duplicates()
            src = src.sort_values(["resolved_id", "source"])
            out["sources"] = src.groupby("resolved_id")["source"].agg(", ".join)
        if "created_at" in extra.columns:
            out["first_seen"] = e["created_at"].min()
            out["last_seen"] = e["created_at"].max()
    return out.reset_index()


# ----------------------------------------------------------------------------- profile

_CATEGORY_ZH = {c: zh for c, zh, *_ in cat.CATEGORIES}


def customer_profile(
    customers: pd.DataFrame,
    tx: pd.DataFrame,
    *,
    products: pd.DataFrame | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The customer profile (客户画像): one row per member who had joined by ``as_of``.

    Demographics and geography from ``customers`` (gender, age at ``as_of``, city,
    region, income_band and income_level 0…, acquisition_channel, tenure_days) and
    behaviour from the transactions before ``as_of`` (default: the day after the last
    one): n_visits (receipts), sales, avg_basket, recency_days (missing for members
    without a purchase), visits_per_month (over the months of membership), online_share
    (share of receipts not in a store), promo_share (share of lines bought at a discount),
    sales_pct (percent rank of sales among all members, 0–1), is_buyer; and top_category
    (by sales) when ``products`` (sku, category) is given.

    >>> import crm_helpers as crm
    >>> shop = crm.simulate_retailer(200, seed=1)
    >>> prof = customer_profile(shop.customers, shop.transactions())
    >>> len(prof) == len(shop.customers) and int(prof["n_visits"].sum()) == len(shop.receipts)
    True
    """
    require_columns(customers, ["customer_id", "join_date"], "customers")
    require_columns(tx, ["customer_id", "receipt_id", "timestamp", "amount"], "transactions")
    as_of = (
        pd.Timestamp(as_of)
        if as_of is not None
        else tx["timestamp"].max().normalize() + pd.Timedelta(days=1)
    )
    cust = customers[customers["join_date"] < as_of]
    t = tx[tx["timestamp"] < as_of]
    rec = t.groupby("receipt_id", sort=False).agg(
        customer_id=("customer_id", "first"),
        ts=("timestamp", "min"),
        value=("amount", "sum"),
        **({"channel": ("channel", "first")} if "channel" in t.columns else {}),
    )
    if "channel" in rec.columns:
        rec["online"] = rec["channel"].astype("str").ne("store")
    g = rec.groupby("customer_id")
    beh = pd.DataFrame({"n_visits": g.size(), "sales": g["value"].sum(), "last": g["ts"].max()})
    if "online" in rec.columns:
        beh["online_share"] = g["online"].mean()
    if "discount" in t.columns:
        beh["promo_share"] = (t["discount"] > 0).groupby(t["customer_id"]).mean()
    if products is not None:
        require_columns(products, ["sku", "category"], "products")
        cats = t["sku"].map(products.set_index("sku")["category"].astype("str"))
        by = t.assign(category=cats).groupby(["customer_id", "category"])["amount"].sum()
        beh["top_category"] = by.sort_values(ascending=False, kind="stable").reset_index().drop_duplicates(
            "customer_id").set_index("customer_id")["category"]  # fmt: skip

    out = cust[["customer_id"]].copy()
    for c in ("gender", "city", "region", "income_band", "acquisition_channel"):
        if c in cust.columns:
            out[c] = cust[c].astype("str")
    if "birth_year" in cust.columns:
        out["age"] = as_of.year - cust["birth_year"].astype("int64")
    if "income_band" in cust.columns:
        bands = list(cat.INCOME_BANDS)
        out["income_level"] = cust["income_band"].astype("str").map(
            {b: i for i, b in enumerate(bands)}).astype("Int64")  # fmt: skip
    out["tenure_days"] = (as_of - cust["join_date"]).dt.days.astype("int64")
    out = out.merge(beh, left_on="customer_id", right_index=True, how="left")
    out["n_visits"] = out["n_visits"].fillna(0).astype("int64")
    out["sales"] = out["sales"].fillna(0.0)
    out["is_buyer"] = out["n_visits"] > 0
    out["avg_basket"] = (out["sales"] / out["n_visits"]).where(out["is_buyer"])
    out["recency_days"] = (as_of - out.pop("last")).dt.days.astype("Float64")
    months = np.maximum(out["tenure_days"] / (365.25 / 12), 1.0)
    out["visits_per_month"] = out["n_visits"] / months
    out["sales_pct"] = out["sales"].rank(pct=True, method="max")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- tags

#: The dimensions of the tag system (标签维度), following the segmentation criteria.
TAG_DIMENSIONS: dict[str, str] = {
    "demographic": "人口统计",
    "geographic": "地理",
    "psychographic": "心理/兴趣",
    "behavioural": "行为",
    "value": "关键价值",
    "lifecycle": "生命周期",
}

#: The course's default tags: data, not code. Each rule is an expression over the columns
#: of :func:`customer_profile`.
DEFAULT_TAGS: pd.DataFrame = pd.DataFrame(
    [
        ("young", "年轻客户", "demographic", "age < 30"),
        ("middle_aged", "中年客户", "demographic", "30 <= age < 50"),
        ("senior", "银发客户", "demographic", "age >= 60"),
        ("female", "女性客户", "demographic", "gender == 'F'"),
        ("high_income", "高收入", "demographic", "income_level >= 3"),
        ("tier1_city", "一线城市", "geographic",
         "city in ['Shanghai', 'Beijing', 'Guangzhou', 'Shenzhen']"),
        ("south_china", "华南客户", "geographic", "region == 'South'"),
        ("deal_seeker", "促销敏感", "psychographic", "promo_share >= 0.4"),
        ("online_first", "线上偏好", "psychographic", "online_share >= 0.5"),
        ("frequent", "高频客户", "behavioural", "visits_per_month >= 1"),
        ("big_basket", "大单客户", "behavioural", "avg_basket >= 200"),
        ("top_value", "高价值客户", "value", "is_buyer and sales_pct > 0.8"),
        ("new_member", "新会员", "lifecycle", "tenure_days <= 90"),
        ("dormant", "沉睡客户", "lifecycle", "is_buyer and recency_days > 180"),
        ("never_bought", "未购会员", "lifecycle", "not is_buyer"),
    ],
    columns=["tag", "tag_zh", "dimension", "rule"],
)  # fmt: skip

_BIN = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
        ast.Mod: np.mod}  # fmt: skip
_CMP = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def validate_rule(
    rule: str, columns: Iterable[str] | None = None, *, tag: str = ""
) -> ast.Expression:
    """Parse a tag rule and check that it uses only what the rule grammar allows:
    column names, numbers, strings, True/False, lists of constants (for ``in``),
    comparisons (``== != < <= > >=``, chained, ``in``, ``not in``), ``and``, ``or``,
    ``not`` and ``+ - * / %``. Function calls, attributes, indexing and anything else are
    refused — a rule is data, never code that runs.

    >>> validate_rule("age < 30 and city in ['Shanghai']", ["age", "city"]) is not None
    True
    >>> validate_rule("__import__('os')", ["age"])
    Traceback (most recent call last):
    ...
    crm_helpers.schema.DataValidationError: The rule "__import__('os')" uses Call, which tag rules do not allow. A rule may use column names, numbers, strings, lists of constants, comparisons, and/or/not and + - * / %.
    """
    what = f" of tag {tag!r}" if tag else ""
    if not isinstance(rule, str) or not rule.strip():
        raise DataValidationError(f"The rule{what} must be a non-empty string; got {rule!r}.")
    try:
        tree = ast.parse(rule.strip(), mode="eval")
    except SyntaxError as err:
        raise DataValidationError(
            f"The rule{what} {rule!r} is not a valid expression: {err.msg}."
        ) from None
    allowed = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
               ast.UAdd, ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant, ast.List,
               ast.Tuple, ast.In, ast.NotIn, *_BIN, *_CMP)  # fmt: skip
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            hint = " (use and / or / not instead of & / | / ~)" if isinstance(
                node, ast.BitAnd | ast.BitOr | ast.Invert) else ""  # fmt: skip
            raise DataValidationError(
                f"The rule{what} {rule!r} uses {type(node).__name__}, which tag rules do not "
                f"allow{hint}. A rule may use column names, numbers, strings, lists of "
                "constants, comparisons, and/or/not and + - * / %."
            )
        if isinstance(node, ast.List | ast.Tuple) and not all(
            isinstance(e, ast.Constant) for e in node.elts
        ):
            raise DataValidationError(f"The rule{what} {rule!r}: lists may hold only constants.")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str | bool):
            raise DataValidationError(f"The rule{what} {rule!r} uses the constant {node.value!r}.")
    if columns is not None:
        cols = list(columns)
        unknown = sorted(_names(tree) - set(cols))
        if unknown:
            import difflib

            close = [m for u in unknown for m in difflib.get_close_matches(u, cols, n=1)]
            raise DataValidationError(
                f"The rule{what} {rule!r} uses {', '.join(repr(u) for u in unknown)}, "
                f"which {'is not a column' if len(unknown) == 1 else 'are not columns'} of "
                f"the profile{f' (did you mean {close[0]!r}?)' if close else ''}. "
                f"Columns: {', '.join(cols)}."
            )
    return tree


def _truth(v: Any, index: pd.Index) -> pd.Series:
    s = v if isinstance(v, pd.Series) else pd.Series(v, index=index)
    return s.astype("boolean").fillna(False).astype(bool)


def _eval(node: ast.AST, df: pd.DataFrame) -> Any:
    if isinstance(node, ast.Expression):
        return _eval(node.body, df)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        s = df[node.id]
        return (
            s.astype("float64")
            if pd.api.types.is_extension_array_dtype(s) and pd.api.types.is_numeric_dtype(s)
            else s
        )
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    if isinstance(node, ast.BoolOp):
        vals = [_truth(_eval(v, df), df.index) for v in node.values]
        out = vals[0]
        for v in vals[1:]:
            out = (out & v) if isinstance(node.op, ast.And) else (out | v)
        return out
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, df)
        if isinstance(node.op, ast.Not):
            return ~_truth(v, df.index)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        return _BIN[type(node.op)](_eval(node.left, df), _eval(node.right, df))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, df)
        out = pd.Series(True, index=df.index)
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = _eval(comp, df)
            if isinstance(op, ast.In | ast.NotIn):
                s = left if isinstance(left, pd.Series) else pd.Series(left, index=df.index)
                res = s.isin(right if isinstance(right, list) else [right])
                res = ~res & s.notna() if isinstance(op, ast.NotIn) else res
            else:
                s = left if isinstance(left, pd.Series) else pd.Series(left, index=df.index)
                res = getattr(s, _CMP[type(op)])(right)
            out = out & _truth(res, df.index)
            left = right
        return out
    raise DataValidationError(f"Unsupported element {type(node).__name__} in a rule.")


def evaluate_rule(profile: pd.DataFrame, rule: str, *, tag: str = "") -> pd.Series:
    """Which rows of ``profile`` a rule selects (missing values never match).

    >>> p = pd.DataFrame({"age": [25, 40, None], "city": ["Shanghai", "Wuhan", "Shanghai"]})
    >>> evaluate_rule(p, "age < 30 or city == 'Shanghai'").tolist()
    [True, False, True]
    """
    tree = validate_rule(rule, profile.columns, tag=tag)
    return _truth(_eval(tree, profile), profile.index).rename(tag or None)


def _check_tags(tags: pd.DataFrame) -> pd.DataFrame:
    require_columns(tags, ["tag", "rule"], "tags")
    if tags["tag"].duplicated().any():
        dup = tags.loc[tags["tag"].duplicated(), "tag"].tolist()
        raise DataValidationError(f"The tags table repeats tag names: {dup}.")
    out = tags.copy()
    for c, default in (("tag_zh", ""), ("dimension", "other")):
        if c not in out.columns:
            out[c] = default
    return out


def apply_tags(
    profile: pd.DataFrame, tags: pd.DataFrame | None = None, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """Apply every tag rule to every customer: ``id_column`` and one boolean column per
    tag. Re-run it on a new profile when the data change: tags are recomputed from the
    rules, never edited by hand.

    >>> prof = pd.DataFrame({"customer_id": [1, 2], "age": [25, 65], "gender": ["F", "M"]})
    >>> tags = pd.DataFrame({"tag": ["young", "senior_man"],
    ...     "rule": ["age < 30", "age >= 60 and gender == 'M'"]})
    >>> apply_tags(prof, tags).to_dict("records")
    [{'customer_id': 1, 'young': True, 'senior_man': False}, {'customer_id': 2, 'young': False, 'senior_man': True}]
    """
    tags = _check_tags(DEFAULT_TAGS if tags is None else tags)
    require_columns(profile, [id_column], "profile")
    out = pd.DataFrame({id_column: profile[id_column].to_numpy()})
    for tag, rule in zip(tags["tag"], tags["rule"], strict=True):
        out[tag] = evaluate_rule(profile, rule, tag=tag).to_numpy()
    return out


def tags_long(tagged: pd.DataFrame, *, id_column: str = "customer_id") -> pd.DataFrame:
    """The tags as a long table: one row per (customer, tag) that applies.

    >>> t = pd.DataFrame({"customer_id": [1, 2], "young": [True, False], "vip": [True, True]})
    >>> tags_long(t).to_dict("records")
    [{'customer_id': 1, 'tag': 'young'}, {'customer_id': 1, 'tag': 'vip'}, {'customer_id': 2, 'tag': 'vip'}]
    """
    long = tagged.melt(id_vars=id_column, var_name="tag", value_name="on")
    long = long[long["on"].astype(bool)]
    order = {t: i for i, t in enumerate(c for c in tagged.columns if c != id_column)}
    long = long.assign(_o=long["tag"].map(order)).sort_values([id_column, "_o"], kind="stable")
    return long[[id_column, "tag"]].reset_index(drop=True)


def tag_coverage(
    tagged: pd.DataFrame, tags: pd.DataFrame | None = None, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """The tag coverage report (标签覆盖率): per tag, how many customers carry it and
    what share of all customers that is.

    >>> t = pd.DataFrame({"customer_id": [1, 2, 3, 4], "young": [True, False, True, False]})
    >>> tag_coverage(t, pd.DataFrame({"tag": ["young"], "rule": ["age < 30"]}))[
    ...     ["tag", "n_customers", "coverage"]].to_dict("records")
    [{'tag': 'young', 'n_customers': 2, 'coverage': 0.5}]
    """
    tags = _check_tags(DEFAULT_TAGS if tags is None else tags)
    missing = [t for t in tags["tag"] if t not in tagged.columns]
    if missing:
        raise DataValidationError(
            f"The tagged table has no column for tags {missing}; apply them first."
        )
    n = len(tagged)
    counts = [int(tagged[t].astype(bool).sum()) for t in tags["tag"]]
    out = tags[["tag", "tag_zh", "dimension", "rule"]].reset_index(drop=True).copy()
    out["n_customers"] = counts
    out["coverage"] = [c / n if n else 0.0 for c in counts]
    return out


def dimension_coverage(
    tagged: pd.DataFrame, tags: pd.DataFrame | None = None, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """Per dimension, the share of customers with at least one of its tags; the last row,
    ``any``, the share with at least one tag at all.

    >>> t = pd.DataFrame({"customer_id": [1, 2], "a": [True, False], "b": [False, False]})
    >>> tg = pd.DataFrame({"tag": ["a", "b"], "rule": ["x", "y"], "dimension": ["d1", "d2"]})
    >>> dimension_coverage(t, tg)[["dimension", "coverage"]].to_dict("records")
    [{'dimension': 'd1', 'coverage': 0.5}, {'dimension': 'd2', 'coverage': 0.0}, {'dimension': 'any', 'coverage': 0.5}]
    """
    tags = _check_tags(DEFAULT_TAGS if tags is None else tags)
    rows = []
    for dim, grp in tags.groupby("dimension", sort=False):
        hit = tagged[list(grp["tag"])].astype(bool).any(axis=1)
        rows.append({"dimension": dim, "dimension_zh": TAG_DIMENSIONS.get(dim, ""),
                     "n_tags": len(grp), "n_customers": int(hit.sum())})  # fmt: skip
    hit = tagged[list(tags["tag"])].astype(bool).any(axis=1)
    rows.append({"dimension": "any", "dimension_zh": "任一标签", "n_tags": len(tags),
                 "n_customers": int(hit.sum())})  # fmt: skip
    out = pd.DataFrame(rows)
    out["coverage"] = out["n_customers"] / max(len(tagged), 1)
    return out


def tag_changes(
    before: pd.DataFrame, after: pd.DataFrame, *, id_column: str = "customer_id"
) -> pd.DataFrame:
    """How tags moved between two runs of :func:`apply_tags` (e.g. last month and now):
    per tag, customers tagged before and after, how many gained it, how many lost it.
    Customers present only in ``after`` (new members) count as untagged before.

    >>> b = pd.DataFrame({"customer_id": [1, 2], "dormant": [True, False]})
    >>> a = pd.DataFrame({"customer_id": [1, 2, 3], "dormant": [False, True, True]})
    >>> tag_changes(b, a).to_dict("records")
    [{'tag': 'dormant', 'before': 1, 'after': 2, 'gained': 2, 'lost': 1}]
    """
    tags = [c for c in after.columns if c != id_column and c in before.columns]
    b = before.set_index(id_column).reindex(after[id_column]).fillna(False)
    a = after.set_index(id_column)
    rows = []
    for t in tags:
        was, now = b[t].astype(bool), a[t].astype(bool)
        rows.append({"tag": t, "before": int(before[t].astype(bool).sum()), "after": int(now.sum()),
                     "gained": int((now & ~was).sum()), "lost": int((was & ~now).sum())})  # fmt: skip
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- lead scoring


# Gains and lift (增益与提升) by score decile: the one shared table (columns bin, n,
# responders, response_rate, cum_share, gain, lift, cum_lift, and the churn names).
from .evaluate import gains_table  # noqa: E402

_LEAD_NUMERIC = ["web_visits", "distance_km", "birth_year", "app_installed", "coupon_claimed",
                 "referred", "household_shopper"]  # fmt: skip
_LEAD_CATEGORICAL = ["income_band", "source", "gender", "city"]


@dataclass
class LeadModel:
    """A fitted lead-scoring model (线索评分) with its hold-out results."""

    model: Any
    features: list[str]
    target: str
    test: pd.DataFrame  # id, y, score of the hold-out
    train_auc: float
    roc_auc: float

    def score(self, prospects: pd.DataFrame) -> pd.Series:
        """The predicted conversion probability of each prospect."""
        require_columns(prospects, self.features, "prospects")
        return pd.Series(self.model.predict_proba(prospects[self.features])[:, 1],
                         index=prospects.index, name="score")  # fmt: skip

    def gains(self, n_bins: int = 10) -> pd.DataFrame:
        """:func:`gains_table` on the hold-out."""
        return gains_table(self.test["y"], self.test["score"], n_bins)

    def coefficients(self) -> pd.Series:
        """The logistic coefficients by (transformed) feature."""
        pre, lr = self.model.named_steps["prep"], self.model.named_steps["model"]
        return pd.Series(lr.coef_[0], index=pre.get_feature_names_out(), name="coefficient")


def fit_lead_model(
    prospects: pd.DataFrame,
    *,
    target: str = "converted",
    numeric: Iterable[str] | None = None,
    categorical: Iterable[str] | None = None,
    test_size: float = 0.3,
    seed: int = 0,
    id_column: str = "prospect_id",
) -> LeadModel:
    """Fit a logistic-regression lead score (识别模型) on a stratified training part and
    score it on the hold-out (留出集) it never saw: ROC-AUC on both.

    Numeric features are standardised; categorical ones one-hot encoded (categories not
    seen in training are ignored). Defaults: the prospects table's attributes.

    >>> import crm_helpers as crm
    >>> p = crm.simulate_retailer(300, seed=1).with_tables("prospects").prospects
    >>> m = fit_lead_model(p)
    >>> 0.5 < m.roc_auc <= 1 and len(m.test) == round(0.3 * len(p))
    True
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = list(_LEAD_NUMERIC if numeric is None else numeric)
    catg = list(_LEAD_CATEGORICAL if categorical is None else categorical)
    require_columns(prospects, [target, *num, *catg], "prospects")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1; got {test_size}.")
    y = prospects[target].astype(bool).to_numpy()
    if y.all() or not y.any():
        raise DataValidationError(
            f"Column {target!r} of the prospects table must hold both converted and "
            "not-converted prospects to fit a model; found only one kind."
        )
    X = prospects[num + catg].copy()
    for c in num:
        X[c] = X[c].astype(float)
    for c in catg:
        X[c] = X[c].astype("str")
    idx = np.arange(len(X))
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=y)
    prep = ColumnTransformer(
        [("num", StandardScaler(), num), ("cat", OneHotEncoder(handle_unknown="ignore"), catg)]
    )
    model = Pipeline([("prep", prep), ("model", LogisticRegression(max_iter=2000))])
    model.fit(X.iloc[tr], y[tr])
    p_tr = model.predict_proba(X.iloc[tr])[:, 1]
    p_te = model.predict_proba(X.iloc[te])[:, 1]
    ids = (
        prospects[id_column].to_numpy()
        if id_column in prospects.columns
        else prospects.index.to_numpy()
    )
    test = pd.DataFrame({id_column: ids[te], "y": y[te], "score": p_te})
    return LeadModel(model, num + catg, target, test, float(roc_auc_score(y[tr], p_tr)),
                     float(roc_auc_score(y[te], p_te)))  # fmt: skip


#: The AWARE checklist (目标客户 AWARE 标准) as rules over the prospects table (with
#: ``age`` and ``income_level`` derived when birth_year / income_band are there).
DEFAULT_AWARE: dict[str, str] = {
    "ability": "income_level >= 1",  # Ability: can afford to buy (支付能力)
    "want": "web_visits >= 1 or coupon_claimed",  # Want: shows a need or interest (购买欲望)
    "authority": "household_shopper",  # Authority: decides on purchases (决策权)
    "reasonable": "distance_km <= 15",  # Reasonable: can be served at a sensible cost (可接近)
    "eligible": "consent and age >= 18",  # Eligible: may be contacted (资格)
}


def aware_check(
    prospects: pd.DataFrame,
    criteria: Mapping[str, str] | None = None,
    *,
    as_of: str | pd.Timestamp | None = None,
    id_column: str = "prospect_id",
) -> pd.DataFrame:
    """The AWARE checklist as a qualification filter: one boolean column per criterion
    (Ability, Want, Authority, Reasonable, Eligible — rules as in the tag engine),
    ``n_met`` and ``qualified`` (all five met).

    ``age`` (at ``as_of``, default the latest ``created_at`` or today) and
    ``income_level`` (0 = the lowest band) are added when the table has birth_year and
    income_band.

    >>> p = pd.DataFrame({"prospect_id": [1, 2], "income_band": ["10k-20k", "<5k"],
    ...     "web_visits": [2, 0], "coupon_claimed": [False, True], "household_shopper": [True, True],
    ...     "distance_km": [3.0, 40.0], "consent": [True, True], "birth_year": [1990, 1980],
    ...     "created_at": pd.to_datetime(["2025-06-01", "2025-06-01"])})
    >>> aware_check(p)[["prospect_id", "n_met", "qualified"]].to_dict("records")
    [{'prospect_id': 1, 'n_met': 5, 'qualified': True}, {'prospect_id': 2, 'n_met': 3, 'qualified': False}]
    """
    crit = dict(DEFAULT_AWARE if criteria is None else criteria)
    unknown = sorted(set(crit) - set(DEFAULT_AWARE))
    if unknown or not crit:
        raise ValueError(
            f"criteria must map some of {', '.join(DEFAULT_AWARE)} to rules; got {sorted(crit)}."
        )
    df = prospects.copy()
    if "age" not in df.columns and "birth_year" in df.columns:
        if as_of is None:
            as_of = df["created_at"].max() if "created_at" in df.columns else pd.Timestamp.today()
        df["age"] = pd.Timestamp(as_of).year - df["birth_year"].astype(float)
    if "income_level" not in df.columns and "income_band" in df.columns:
        df["income_level"] = df["income_band"].astype("str").map(
            {b: i for i, b in enumerate(cat.INCOME_BANDS)}).astype(float)  # fmt: skip
    out = (
        pd.DataFrame({id_column: df[id_column].to_numpy()})
        if id_column in df.columns
        else pd.DataFrame(index=df.index)
    )
    for name, rule in crit.items():
        out[name] = evaluate_rule(df, rule, tag=name).to_numpy()
    out["n_met"] = out[list(crit)].sum(axis=1).astype("int64")
    out["qualified"] = out["n_met"] == len(crit)
    return out


# ----------------------------------------------------------------------------- funnel

#: The funnel stages in order, with their date columns and Chinese names.
FUNNEL_STAGES: dict[str, tuple[str, str]] = {
    "lead": ("lead_date", "线索"),
    "contacted": ("contacted_date", "已联系"),
    "opportunity": ("opportunity_date", "商机"),
    "won": ("won_date", "成交"),
}


def funnel_conversion(funnel: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Conversion through the sales funnel (销售漏斗), overall or per ``by`` (e.g. source).

    A stage is reached when its date is filled in. Columns: leads, contacted,
    opportunities, won, lost (opportunities not won), contact_rate (contacted / leads),
    opportunity_rate (opportunities / contacted), win_rate (won / opportunities),
    lead_to_won (won / leads), and the median days from lead to contact and from
    opportunity to won.

    >>> f = pd.DataFrame({"lead_date": pd.to_datetime(["2025-01-01"] * 4),
    ...     "contacted_date": pd.to_datetime(["2025-01-03", "2025-01-05", None, None]),
    ...     "opportunity_date": pd.to_datetime(["2025-01-10", None, None, None]),
    ...     "won_date": pd.to_datetime(["2025-01-20", None, None, None])})
    >>> funnel_conversion(f)[["leads", "contacted", "won", "contact_rate", "lead_to_won"]].to_dict("records")
    [{'leads': 4, 'contacted': 2, 'won': 1, 'contact_rate': 0.5, 'lead_to_won': 0.25}]
    """
    dates = [d for d, _ in FUNNEL_STAGES.values()]
    require_columns(funnel, dates + ([by] if by else []), "funnel")
    f = funnel.copy()
    reached = f[dates].notna()
    late = [(a, b) for a, b in zip(dates, dates[1:], strict=False)]
    for a, b in late:
        bad = reached[b] & ~reached[a]
        if bad.any():
            raise DataValidationError(
                f"{int(bad.sum())} funnel row(s) have {b!r} but no {a!r}: a stage must be "
                "reached before the next one."
            )
    keys = f[by].astype("str") if by else pd.Series("all", index=f.index)
    g = reached.groupby(keys.to_numpy())
    out = pd.DataFrame(
        {
            "leads": g["lead_date"].sum(),
            "contacted": g["contacted_date"].sum(),
            "opportunities": g["opportunity_date"].sum(),
            "won": g["won_date"].sum(),
        }
    ).astype("int64")
    out["lost"] = out["opportunities"] - out["won"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["contact_rate"] = out["contacted"] / out["leads"]
        out["opportunity_rate"] = out["opportunities"] / out["contacted"]
        out["win_rate"] = out["won"] / out["opportunities"]
        out["lead_to_won"] = out["won"] / out["leads"]
    d1 = (f["contacted_date"] - f["lead_date"]).dt.total_seconds() / 86400
    d2 = (f["won_date"] - f["opportunity_date"]).dt.total_seconds() / 86400
    out["days_to_contact"] = d1.groupby(keys.to_numpy()).median()
    out["days_to_win"] = d2.groupby(keys.to_numpy()).median()
    out.index.name = by or "funnel"
    return out.reset_index() if by else out.reset_index(drop=True)


def funnel_stages(funnel: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The funnel in long form for a chart: stage, stage_zh, count, share_of_leads and
    step_rate (share of the previous stage), per ``by`` group when given.

    >>> f = pd.DataFrame({"lead_date": pd.to_datetime(["2025-01-01"] * 2),
    ...     "contacted_date": pd.to_datetime(["2025-01-03", None]),
    ...     "opportunity_date": pd.to_datetime([None, None]), "won_date": pd.to_datetime([None, None])})
    >>> funnel_stages(f)[["stage", "count", "share_of_leads"]].to_dict("records")[:2]
    [{'stage': 'lead', 'count': 2, 'share_of_leads': 1.0}, {'stage': 'contacted', 'count': 1, 'share_of_leads': 0.5}]
    """
    conv = funnel_conversion(funnel, by)
    col = {"lead": "leads", "contacted": "contacted", "opportunity": "opportunities", "won": "won"}
    rows = []
    for _, r in conv.iterrows():
        prev = None
        for stage, (_, zh) in FUNNEL_STAGES.items():
            n = int(r[col[stage]])
            row = {"stage": stage, "stage_zh": zh, "count": n,
                   "share_of_leads": n / r["leads"] if r["leads"] else np.nan,
                   "step_rate": (n / prev if prev else np.nan) if prev is not None else 1.0}  # fmt: skip
            if by:
                row = {by: r[by], **row}
            rows.append(row)
            prev = n
    return pd.DataFrame(rows)
