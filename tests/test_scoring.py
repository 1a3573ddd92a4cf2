"""Hits with voice, frame rates per article and outlet, attributed-to-whom, the featurizer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from framing.errors import DataError
from framing.matching import compile_matcher
from framing.scoring import (
    FRAME_RATE_COLUMNS, FRAME_SOURCE_COLUMNS, HIT_COLUMNS, LexiconFeaturizer, article_hits,
    frame_rates, frame_sources, match_sentences, voice_group,
)

TEXT = ("Seoul called it a provocation. "
        "Pyongyang says the test was a defensive measure. "
        "Talks stalled.")
#        0                             31                                               80


@pytest.fixture(scope="module")
def matcher():
    return compile_matcher(["conflict_frames"])


def sentence_table() -> pd.DataFrame:
    rows = [("a1", "Harbor Daily", 0, 0, 30, "Seoul called it a provocation.", "asserted", "", "",
             ""),
            ("a1", "Harbor Daily", 1, 31, 79, "Pyongyang says the test was a defensive measure.",
             "indirect", "Pyongyang", "government", "neutral"),
            ("a1", "Harbor Daily", 2, 80, 94, "Talks stalled.", "asserted", "", "", ""),
            ("b1", "Summit Post", 0, 0, 26, "It was a defensive measure", "asserted", "", "",
             "")]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "index", "start", "end", "text",
                                       "voice", "source", "source_type", "cue_category"])


def test_article_hits_carry_the_sentence_voice(matcher):
    rows = sentence_table().query("article_id == 'a1'").to_dict(orient="records")
    hits = article_hits("a1", "Harbor Daily", TEXT, rows, matcher)
    assert [set(h) for h in hits] == [set(HIT_COLUMNS)] * len(hits)
    got = [(h["sentence_index"], h["category"], h["matched"], h["voice"], h["source"])
           for h in hits]
    assert got == [
        (0, "threat_provocation", "provocation", "asserted", None),
        (1, "defensive_justification", "defensive measure", "indirect", "Pyongyang"),
        (2, "peace_dialogue", "Talks", "asserted", None),
    ]
    assert all(TEXT[h["start"]:h["end"]] == h["matched"] for h in hits)


@pytest.mark.parametrize(("rows", "expected"), [
    ([(0, 0, 30), (1, 31, 79), (2, 80, 94)], [0, 1, 2]),       # tuples: index, start, end
    ([(1, 31, 79, "direct", "Han")], [1]),                       # hits outside sentences drop
    ([], [-1, -1, -1]),                                          # no sentences: keep, index -1
])
def test_article_hits_sentence_rows(matcher, rows, expected):
    hits = article_hits("a1", "X", TEXT, rows, matcher)
    assert [h["sentence_index"] for h in hits] == expected


def test_match_sentences_whole_texts_equal_sentence_texts(matcher):
    sentences = sentence_table()
    texts = {"a1": TEXT, "b1": "It was a defensive measure"}
    by_article = match_sentences(sentences, texts, matcher)
    by_sentence = match_sentences(sentences, None, matcher)
    assert list(by_article.columns) == HIT_COLUMNS
    pd.testing.assert_frame_equal(by_article, by_sentence)
    assert list(sentences.columns)[-1] == "cue_category"     # caller's frame untouched


def test_match_sentences_needs_texts_for_every_article(matcher):
    with pytest.raises(DataError, match="no text for article 'b1'"):
        match_sentences(sentence_table(), {"a1": TEXT}, matcher)


def test_frame_rates(matcher):
    sentences = sentence_table()
    hits = match_sentences(sentences, None, matcher)
    rates = frame_rates(hits, sentences)
    assert list(rates.columns) == FRAME_RATE_COLUMNS
    key = ["level", "unit", "category", "voice_group"]
    row = rates.set_index(key).loc[("outlet", "Harbor Daily", "defensive_justification")]
    assert row.loc["all", "n_hits"] == 1
    assert row.loc["attributed", "n_hits"] == 1
    assert row.loc["asserted", "n_hits"] == 0
    assert row.loc["all", "n_words"] == 15 and row.loc["all", "n_sentences"] == 3
    assert row.loc["all", "rate_per_1000_words"] == pytest.approx(1000 / 15, abs=1e-5)
    assert row.loc["all", "share_of_sentences"] == pytest.approx(1 / 3, abs=1e-5)
    # asserted + attributed == all, everywhere
    wide = rates.pivot_table(index=["level", "unit", "category"], columns="voice_group",
                             values="n_hits")
    assert (wide["asserted"] + wide["attributed"] == wide["all"]).all()
    # zero rows exist for categories an article lacks
    b1 = rates.query("unit == 'b1' and category == 'threat_provocation'")
    assert set(b1["n_hits"]) == {0}


def test_frame_rates_empty():
    empty = pd.DataFrame(columns=HIT_COLUMNS)
    assert list(frame_rates(empty, sentence_table()).columns) == FRAME_RATE_COLUMNS


def test_frame_sources(matcher):
    hits = match_sentences(sentence_table(), None, matcher)
    sources = frame_sources(hits)
    assert list(sources.columns) == FRAME_SOURCE_COLUMNS
    assert sources[["outlet", "category", "source", "n_hits", "share"]].values.tolist() == [
        ["Harbor Daily", "defensive_justification", "Pyongyang", 1, 1.0]]


@pytest.mark.parametrize(("voice", "group"), [
    ("asserted", "asserted"), ("", "asserted"), (None, "asserted"), (float("nan"), "asserted"),
    ("direct", "attributed"), ("indirect", "attributed"), ("according_to", "attributed"),
    ("mixed", "attributed"),
])
def test_voice_group(voice, group):
    assert voice_group(voice) == group


def test_featurizer_contract():
    featurizer = LexiconFeaturizer(normalize=False)
    assert clone(featurizer).get_params() == {"lexicon": "conflict_frames", "normalize": False}
    featurizer.set_output(transform="pandas")
    out = featurizer.fit_transform(["It is a defensive measure and a deterrent.", "Nothing."])
    assert "lex_defensive_justification" in out.columns
    assert out["lex_defensive_justification"].tolist() == [2.0, 0.0]


def test_featurizer_rates_and_multiple_lexicons():
    featurizer = LexiconFeaturizer(["conflict_frames", "actors"]).fit(None)
    names = list(featurizer.get_feature_names_out())
    assert "lex_actors_north_korea" in names
    out = featurizer.transform(np.array(["Pyongyang spoke of a defensive measure."]))
    assert out[0, names.index("lex_actors_north_korea")] == pytest.approx(1000 / 6)


def test_featurizer_rejects_a_bare_string():
    with pytest.raises(DataError, match="wrap it in a list"):
        LexiconFeaturizer().fit(None).transform("a defensive measure")


def test_featurizer_in_a_pipeline():
    from sklearn.linear_model import LogisticRegression

    pipe = make_pipeline(LexiconFeaturizer(), LogisticRegression())
    pipe.fit(["a defensive measure", "a grave provocation"] * 3, [0, 1] * 3)
    assert list(pipe.predict(["it is a deterrent", "reckless provocation"])) == [0, 1]


def test_seed_hits(seed_corpus):
    from framing.sentences import split_sentences

    sentences = split_sentences(seed_corpus.articles)
    hits = match_sentences(sentences, seed_corpus.articles)
    press = hits[(hits["outlet"] == "Press TV") & (hits["category"] == "defensive_justification")]
    assert "defensive measure" in set(press["matched"])
    yonhap = hits[hits["outlet"] == "Yonhap"]
    assert "to defend itself" in set(yonhap["matched"])
    assert not hits["matched"].str.contains("Ministry|Secretary", case=False).any()


def test_seed_hits_are_attributed(seed_corpus):
    pytest.importorskip("framing.attribution",
                        reason="attribution detection (framing.attribution) not built yet")
    from framing.errors import ModelError
    from framing.kwic import sentence_table as voiced_sentences

    try:
        sentences, note = voiced_sentences(seed_corpus.articles)
    except ModelError as exc:
        pytest.skip(f"attribution detection is not usable yet: {exc}")
    if note:
        pytest.skip(f"attribution detection is not usable yet: {note}")
    hits = match_sentences(sentences, seed_corpus.articles)
    measure = hits[(hits["outlet"] == "Press TV") & (hits["matched"] == "defensive measure")]
    assert len(measure) == 1
    row = measure.iloc[0]
    assert row["category"] == "defensive_justification"
    assert voice_group(row["voice"]) == "attributed"
    assert "North Korea" in (row["source"] or "")
    assert row["cue_category"] == "distancing"
    defend = hits[hits["matched"] == "to defend itself"].iloc[0]
    assert voice_group(defend["voice"]) == "attributed"


def test_featurizer_pickles():
    # joblib (GridSearchCV, n_jobs) pickles fitted estimators, matcher included
    import pickle

    featurizer = LexiconFeaturizer().fit(None)
    copy = pickle.loads(pickle.dumps(featurizer))
    texts = ["It is a defensive measure.", "Talks resumed."]
    np.testing.assert_array_equal(copy.transform(texts), featurizer.transform(texts))


@pytest.mark.parametrize(("kind", "expected"), [
    ("body", "body"),
    ("dateline", "dateline"),        # kept in the hits table, marked, so comparisons can drop it
    (None, None),                    # sentence rows without a kind
])
def test_article_hits_mark_the_sentence_kind(matcher, kind, expected):
    row = {"index": 0, "start": 0, "end": 30}
    if kind is not None:
        row["kind"] = kind
    hits = article_hits("a1", "X", TEXT, [row], matcher)
    assert [h["sentence_kind"] for h in hits] == [expected]


def test_importing_scoring_does_not_import_sklearn():
    import subprocess
    import sys

    code = ("import sys, framing.scoring as s; assert 'sklearn' not in sys.modules; "
            "s.LexiconFeaturizer; assert 'sklearn' in sys.modules")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
