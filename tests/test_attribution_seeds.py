"""The seed articles (seeds/*.txt), labelled sentence by sentence with the shipped model.

Each row: (article id, sentence index, voice, source name, source type, cue lemma, cue
category, hedged). Empty strings mean "no source / no cue". The labels were checked by hand
against the texts: a reader would attribute each claim this way.
"""
from __future__ import annotations

import pytest

from framing.attribution import attribute_article
from framing.sentences import article_sentences

YONHAP = "yonhap-2021-01-29-han-tae-song"
PRESSTV = "presstv-2022-06-22-cmc-meeting"

EXPECTED = [
    # Yonhap: headline "N.K. envoy says ..." is a reported claim
    (YONHAP, 0, "indirect", "N.K. envoy", "official", "say", "neutral", False),
    (YONHAP, 1, "asserted", "", "", "", "", False),                       # dateline
    # "... has argued that ..., according to the North's foreign ministry Friday."
    (YONHAP, 2, "according_to", "North's foreign ministry", "official", "according to",
     "neutral", False),
    # "According to Pyongyang's foreign ministry, Han Tae-song ... said ..."
    (YONHAP, 3, "according_to", "Pyongyang's foreign ministry", "official", "according to",
     "neutral", False),
    # '"We need to strengthen ...," Han said.'  (Han -> Han Tae-song)
    (YONHAP, 4, "direct", "Han Tae-song", "official", "say", "neutral", False),
    # Kim ... called for enhancing the country's "nuclear war deterrent" (partial quote)
    (YONHAP, 5, "mixed", "Kim Jong-un", "official", "call for", "neutral", False),
    (YONHAP, 6, "asserted", "", "", "", "", False),
    (YONHAP, 7, "asserted", "", "", "", "", False),                       # photo caption
    # Press TV
    (PRESSTV, 0, "asserted", "", "", "", "", False),                      # headline
    (PRESSTV, 1, "asserted", "", "", "", "", False),                      # "This photo shows"
    (PRESSTV, 2, "asserted", "", "", "", "", False),                      # "has called a meeting"
    (PRESSTV, 3, "mixed", "Korean Central News Agency", "state_media", "report", "neutral",
     False),
    (PRESSTV, 4, "mixed", "Korean Central News Agency", "state_media", "say", "neutral",
     False),                                                              # "the agency said"
    (PRESSTV, 5, "mixed", "Korean Central News Agency", "state_media", "add", "neutral",
     False),                                                              # "it added"
    (PRESSTV, 6, "asserted", "", "", "", "", False),                      # "did not specify"
    (PRESSTV, 7, "asserted", "", "", "", "", True),                       # "is expected to"
    (PRESSTV, 8, "indirect", "Cheong Seong-chang", "analyst", "say", "neutral", False),
    (PRESSTV, 9, "indirect", "US and South Korean officials", "official", "say", "neutral",
     False),
    (PRESSTV, 10, "mixed", "South Korean military", "official", "claim", "distancing", False),
    (PRESSTV, 11, "indirect", "China and Russia", "government", "censure", "emotive", False),
    (PRESSTV, 12, "indirect", "Beijing and Moscow", "government", "insist", "distancing",
     False),
    (PRESSTV, 13, "asserted", "", "", "", "", False),
    (PRESSTV, 14, "indirect", "North Korea", "government", "maintain", "distancing", False),
    (PRESSTV, 15, "asserted", "", "", "", "", False),                     # "refused to ease"
]


@pytest.fixture(scope="module")
def seed_voices(seed_corpus):
    out = {}
    for article in seed_corpus.articles:
        voice_rows, att_rows = attribute_article(article)
        out[article.id] = (article, voice_rows, att_rows)
    return out


def test_every_seed_sentence_is_listed(seed_voices):
    listed = {(a, i) for a, i, *_ in EXPECTED}
    for article_id, (article, voice_rows, _) in seed_voices.items():
        assert len(voice_rows) == len(article_sentences(article))
        assert {(article_id, r["index"]) for r in voice_rows} == \
            {k for k in listed if k[0] == article_id}


@pytest.mark.parametrize(("article_id", "index", "voice", "source", "source_type", "cue",
                          "cue_category", "hedged"), EXPECTED)
def test_seed_sentence_voice(seed_voices, article_id, index, voice, source, source_type,
                             cue, cue_category, hedged):
    row = seed_voices[article_id][1][index]
    assert (row["voice"], row["source"], row["source_type"], row["cue"],
            row["cue_category"], row["hedged"]) == \
        (voice, source, source_type, cue, cue_category, hedged)


def test_han_quote_is_direct_with_said_and_resolved_source(seed_voices):
    article, _, atts = seed_voices[YONHAP]
    (han,) = [a for a in atts if a["sentence_index"] == 4]
    assert han["kind"] == "direct" and han["cue_text"] == "said"
    assert han["source_text"] == "Han" and han["source_name"] == "Han Tae-song"
    assert han["source_role"] == "North Korea's ambassador to Geneva"
    assert han["source_country"] == "North Korea"
    s, e = han["content_spans"][0]
    assert article.text[s:e].startswith('"We need to strengthen')


def test_north_korea_maintains_is_indirect_distancing(seed_voices):
    article, _, atts = seed_voices[PRESSTV]
    (a,) = [a for a in atts if a["cue_text"] == "maintains"]
    assert (a["kind"], a["source_text"], a["cue_category"]) == \
        ("indirect", "North Korea", "distancing")
    assert article.text[a["cue_start"]:a["cue_end"]] == "maintains"


def test_cheong_is_an_analyst(seed_voices):
    _, _, atts = seed_voices[PRESSTV]
    (a,) = [a for a in atts if a["source_name"] == "Cheong Seong-chang"]
    assert a["source_type"] == "analyst" and a["source_country"] == "South Korea"
    assert a["source_role"] == "a senior analyst at South Korea's private Sejong Institute"


def test_according_to_the_foreign_ministry(seed_voices):
    article, _, atts = seed_voices[YONHAP]
    (a,) = [a for a in atts if article.text[a["cue_start"]:a["cue_end"]] == "according to"]
    assert article.text[a["source_start"]:a["source_end"]] == "the North's foreign ministry"
    assert a["cue_lemma"] == "according to"


def test_partial_quotes_are_not_scare_quotes(seed_voices):
    for _, voice_rows, _ in seed_voices.values():
        assert not any(r["scare_quote"] for r in voice_rows)
