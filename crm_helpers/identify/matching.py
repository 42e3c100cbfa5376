"""Identity resolution (身份识别): blocking, fuzzy comparison, scoring and clustering."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._duck import query
from ..schema import DataValidationError, require_columns
from .normalise import normalize_records

__all__ = [
    "DEFAULT_BLOCKS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_THRESHOLD",
    "candidate_pairs",
    "compare_pairs",
    "score_pairs",
    "cluster_records",
    "Resolution",
    "resolve_identities",
]


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


def _similarities(
    codes: dict[str, np.ndarray],
    text: dict[str, np.ndarray],
    scorers: dict[str, tuple[Any, float]],
    pa: np.ndarray,
    pb: np.ndarray,
    chunk_size: int,
) -> dict[str, np.ndarray]:
    """Field similarities (0–1, NaN when missing) of the pairs (pa, pb), chunk by chunk."""
    from rapidfuzz import process

    n = len(pa)
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
    return res


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
    from rapidfuzz import fuzz
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
    res = _similarities(codes, text, scorers, pa, pb, chunk_size)
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
