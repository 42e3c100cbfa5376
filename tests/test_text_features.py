"""CharNgramTfidf against its reference, scikit-learn's TfidfVectorizer(analyzer="char_wb"):
the same vocabulary and the same sparse matrix entry for entry (values, column order within
each row), on the real review corpora and on awkward texts, so a model fitted on either is
the same model."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import crm_helpers as crm
from crm_helpers.text_features import CharNgramTfidf, char_wb_ngrams

AWKWARD = ["", "a", "  A  b\tc\n\nD ", "İstanbul ÅÄ", "x" * 5, "好 吃 ab", "😀好😀", "\x00 z"]


def _same(a, b) -> bool:
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def _pair(ngram_range, min_df):
    ref = TfidfVectorizer(
        analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, min_df=min_df
    )
    return ref, CharNgramTfidf(ngram_range=ngram_range, min_df=min_df)


@pytest.mark.parametrize("ngram_range,min_df", [((1, 3), 3), ((2, 3), 1), ((1, 1), 2), ((3, 3), 1)])
def test_matrix_is_scikit_learns_on_english_reviews(ngram_range, min_df):
    texts = crm.datasets.load_en_reviews()["text"]
    train, test = texts.iloc[::2], list(texts.iloc[1::2]) + AWKWARD
    ref, ours = _pair(ngram_range, min_df)
    assert _same(ref.fit_transform(train), ours.fit_transform(train))
    assert ref.vocabulary_ == ours.vocabulary_
    assert _same(ref.transform(test), ours.transform(test))
    assert list(ref.get_feature_names_out()) == list(ours.get_feature_names_out())


def test_matrix_is_scikit_learns_on_chinese_reviews():
    texts = crm.datasets.load_zh_reviews()["text"].astype(str)
    train, test = texts.iloc[:3000], list(texts.iloc[3000:4000]) + AWKWARD
    ref, ours = _pair((1, 3), 3)
    assert _same(ref.fit_transform(pd.concat([train, pd.Series(AWKWARD)])),
                 ours.fit_transform(pd.concat([train, pd.Series(AWKWARD)])))  # fmt: skip
    assert ref.vocabulary_ == ours.vocabulary_
    assert _same(ref.transform(test), ours.transform(test))


def test_ngrams_in_scikit_learns_order():
    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).build_analyzer()
    for text in AWKWARD + ["Great food, 好吃!  ok"]:
        assert char_wb_ngrams(text, (1, 3)) == analyse(text)
    short = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5)).build_analyzer()
    assert char_wb_ngrams("a bcdef", (4, 5)) == short("a bcdef")


def test_text_classifier_uses_it_and_predicts_as_before():
    reviews = crm.datasets.load_en_reviews()
    model = crm.satisfaction.text_classifier()
    assert isinstance(model.steps[0][1], CharNgramTfidf)
    ref = crm.satisfaction.text_classifier(ngram_range=(1, 4))  # falls back to scikit-learn
    assert isinstance(ref.steps[0][1], TfidfVectorizer)
    ref.steps[0] = ("ref", _pair((1, 3), 3)[0])
    model.fit(reviews["text"], reviews["label"])
    ref.fit(reviews["text"], reviews["label"])
    assert np.array_equal(model[-1].coef_, ref[-1].coef_)


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="ngram_range.*≤ 3.*\\(1, 4\\)"):
        CharNgramTfidf(ngram_range=(1, 4)).fit(["ab"])
    with pytest.raises(ValueError, match="min_df.*0.5"):
        CharNgramTfidf(min_df=0.5).fit(["ab"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sequence of texts"):
        CharNgramTfidf().fit("one text")
    with pytest.raises(ValueError, match="min_df=3"):
        CharNgramTfidf(min_df=3).fit(["ab", "cd"])
