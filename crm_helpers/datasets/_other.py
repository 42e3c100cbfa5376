"""The other real data sets: wholesale, churn, bank marketing, complaints, reviews."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from crm_helpers.schema import (
    check_choice,
)

if TYPE_CHECKING:  # pragma: no cover
    pass

from ._files import (
    _data_file,
)

# --------------------------------------------------------------------------- other real data

_WHOLESALE_FILE = Path("wholesale_customers") / "Wholesale customers data.csv"
_CHURN_FILE = Path("iranian_churn") / "Customer Churn.csv"


def load_wholesale_customers() -> pd.DataFrame:
    """UCI Wholesale customers: 440 clients' annual spend per product category.

    Returns one row per client with ``channel`` ("Horeca" or "Retail"), ``region``
    ("Lisbon", "Oporto", "Other") and the spend columns ``fresh``, ``milk``, ``grocery``,
    ``frozen``, ``detergents_paper``, ``delicatessen`` (monetary units a year).
    Source and licence (CC BY 4.0) in ``data/README.md``.

    >>> clients = load_wholesale_customers()
    >>> clients.shape
    (440, 8)
    >>> clients["channel"].value_counts().to_dict()
    {'Horeca': 298, 'Retail': 142}
    """
    raw = pd.read_csv(_data_file(_WHOLESALE_FILE, "UCI Wholesale customers"))
    out = raw.rename(columns=lambda c: c.lower()).rename(columns={"delicassen": "delicatessen"})
    out["channel"] = out["channel"].map({1: "Horeca", 2: "Retail"})
    out["region"] = out["region"].map({1: "Lisbon", 2: "Oporto", 3: "Other"})
    return out


def load_iranian_churn() -> pd.DataFrame:
    """UCI Iranian churn: 3,150 subscribers of a telecom over 12 months, with a churn label.

    Column names are made plain snake_case (``call_failure``, ``complains``,
    ``subscription_length``, ``charge_amount``, ``seconds_of_use``, ``frequency_of_use``,
    ``frequency_of_sms``, ``distinct_called_numbers``, ``age_group``, ``tariff_plan``,
    ``status``, ``age``, ``customer_value``, ``churn``); ``churn`` is 1 for a churner.
    Source and licence (CC BY 4.0) in ``data/README.md``.

    >>> churn = load_iranian_churn()
    >>> churn.shape
    (3150, 14)
    >>> sorted(churn["churn"].unique().tolist())
    [0, 1]
    """
    raw = pd.read_csv(_data_file(_CHURN_FILE, "UCI Iranian churn"))
    return raw.rename(columns=lambda c: "_".join(c.lower().split()))


_BANK_FILES = {
    "full": Path("bank_marketing") / "bank-full.csv.gz",
    "sample": Path("bank_marketing") / "bank.csv",
}
_CFPB_FILE = Path("cfpb_complaints") / "complaints_sample.csv"
_EN_REVIEW_FILES = {
    "amazon": Path("en_reviews") / "amazon_cells_labelled.txt",
    "yelp": Path("en_reviews") / "yelp_labelled.txt",
    "imdb": Path("en_reviews") / "imdb_labelled.txt",
}
_ZH_REVIEW_FILES = {
    "waimai": Path("zh_reviews") / "waimai_10k.csv",
    "online_shopping": Path("zh_reviews") / "online_shopping_10_cats_sample.csv",
}


def load_bank_marketing(kind: Literal["full", "sample"] = "full") -> pd.DataFrame:
    """UCI Bank Marketing: a Portuguese bank's telephone campaigns for term deposits.

    ``kind="full"`` is ``bank-full.csv`` (45,211 contacts, May 2008 – Nov 2010);
    ``kind="sample"`` is ``bank.csv`` (4,521 contacts, a 10 % sample). The 17 columns are
    the UCI ones (``age``, ``job``, ``marital``, ``education``, ``default``, ``balance``,
    ``housing``, ``loan``, ``contact``, ``day``, ``month``, ``duration``, ``campaign``,
    ``pdays``, ``previous``, ``poutcome``, ``y``); ``y`` is "yes" when the client
    subscribed. Source and licence (CC BY 4.0, cite Moro et al. 2014) in ``data/README.md``.

    >>> bank = load_bank_marketing("sample")
    >>> bank.shape
    (4521, 17)
    >>> round(float((bank["y"] == "yes").mean()), 4)
    0.1152
    """
    check_choice("kind", kind, tuple(_BANK_FILES))
    return pd.read_csv(_data_file(_BANK_FILES[kind], "UCI Bank Marketing"), sep=";")


def load_cfpb_complaints() -> pd.DataFrame:
    """A sample of 6,623 US CFPB consumer complaints (2015-04 – 2020-03).

    Column names are made snake_case without punctuation (``date_received``, ``product``,
    ``sub_product``, ``issue``, ``sub_issue``, ``consumer_complaint_narrative``,
    ``company_public_response``, ``company``, ``state``, ``zip_code``, ``tags``,
    ``consumer_consent_provided``, ``submitted_via``, ``date_sent_to_company``,
    ``company_response_to_consumer``, ``timely_response``, ``consumer_disputed``,
    ``complaint_id``); the two dates are parsed. US public domain; see ``data/README.md``.

    >>> complaints = load_cfpb_complaints()
    >>> complaints.shape
    (6623, 18)
    >>> complaints["timely_response"].value_counts().to_dict()
    {'Yes': 6529, 'No': 94}
    """
    raw = pd.read_csv(_data_file(_CFPB_FILE, "CFPB consumer complaints sample"))
    out = raw.rename(
        columns=lambda c: "_".join(c.lower().replace("?", "").replace("-", " ").split())
    )
    for col in ("date_received", "date_sent_to_company"):
        out[col] = pd.to_datetime(out[col], format="%Y-%m-%d")
    return out


def load_en_reviews(sources: tuple[str, ...] = ("amazon", "yelp", "imdb")) -> pd.DataFrame:
    """UCI Sentiment Labelled Sentences: 1,000 English sentences from each of three sites.

    Returns ``text``, ``label`` (1 positive, 0 negative) and ``source`` ("amazon", "yelp",
    "imdb"), 500 of each label per source. CC BY 4.0 (Kotzias et al., KDD 2015).

    >>> reviews = load_en_reviews()
    >>> reviews.shape
    (3000, 3)
    >>> reviews.groupby("source")["label"].sum().to_dict()
    {'amazon': 500, 'imdb': 500, 'yelp': 500}
    """
    import csv

    if isinstance(sources, str):
        sources = (sources,)
    for source in sources:
        check_choice("sources", source, tuple(_EN_REVIEW_FILES))
    frames = []
    for source in sources:
        path = _data_file(_EN_REVIEW_FILES[source], "UCI Sentiment Labelled Sentences")
        part = pd.read_csv(
            path, sep="\t", header=None, names=["text", "label"], quoting=csv.QUOTE_NONE
        )
        part["text"] = part["text"].str.strip()
        part["source"] = source
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def load_zh_reviews(sources: tuple[str, ...] = ("waimai", "online_shopping")) -> pd.DataFrame:
    """Chinese reviews labelled positive or negative (SophonPlus ChineseNlpCorpus).

    ``"waimai"``: 11,987 food-delivery reviews (4,000 positive); ``"online_shopping"``:
    5,800 e-commerce reviews in 10 categories (a stratified sample of the 62,774-row
    corpus). Returns ``text``, ``label`` (1 positive, 0 negative), ``source`` and
    ``category`` (the shopping category; missing for waimai). Redistributed for research;
    the corpus has no licence file, see ``data/README.md``.

    >>> reviews = load_zh_reviews()
    >>> reviews.shape
    (17787, 4)
    >>> reviews.groupby("source")["label"].sum().to_dict()
    {'online_shopping': 3000, 'waimai': 4000}
    """
    if isinstance(sources, str):
        sources = (sources,)
    for source in sources:
        check_choice("sources", source, tuple(_ZH_REVIEW_FILES))
    frames = []
    for source in sources:
        part = pd.read_csv(_data_file(_ZH_REVIEW_FILES[source], "Chinese review corpus"))
        part = part.rename(columns={"review": "text", "cat": "category"})
        if "category" not in part:
            part["category"] = pd.NA
        part["source"] = source
        frames.append(part[["text", "label", "source", "category"]])
    return pd.concat(frames, ignore_index=True)
