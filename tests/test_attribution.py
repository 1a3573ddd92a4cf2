"""Attribution detection and voice (framing.attribution, framing.attribution_model,
framing.cli.attributions). Sentences are invented; PolNeAR is only read where noted."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.attribution import (ATTRIBUTION_COLUMNS, VOICE_COLUMNS, add_voice,
                                 attribute_article, attributions_for_text, classify_source,
                                 content_kind, cue_lemma, detect_attributions, sentence_voices,
                                 split_source)
from framing.attribution import (_PERSON_NAME, _describe_sources, _drop_stray_fragments,
                                 _fits_name, _fix_cue_start, _fix_structure,
                                 _person_names_before)
from framing.attribution_model import (BIO_TAGS, ROLES, AttributionTagger, _bio_roles,
                                       _columns, _predict, _padded, _predict_plain, _scores,
                                       _shift, _sum_templates, _templates_pass1,
                                       _templates_stage, base_features, load_cue_lexicon,
                                       load_model, parse_brat, parse_cue_lexicon, token_bio,
                                       tokenize, viterbi)
from framing.errors import DataError, LexiconError, ModelError
from framing.models import Article
from framing.sentences import article_sentences, split_sentences, split_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _article(text: str, id: str = "t1", outlet: str = "Harbor Daily") -> Article:
    return Article(id=id, outlet=outlet, title="", date="", url="", text=text, raw_text=text,
                   path=f"{id}.txt")


def _voices(text: str) -> list[dict]:
    sents = split_text(text)
    atts = attributions_for_text(text, sents)
    return sentence_voices(text, [(s, e) for s, e, _ in sents], atts)


# --------------------------------------------------------------------------- pure helpers

@pytest.mark.parametrize(("text", "spans", "kind"), [
    ('"We are ready"', [(0, 14)], "direct"),
    ('"We are ready," … "and willing"', [(0, 15), (18, 31)], "direct"),
    ('he would enhance the "deterrent"', [(0, 32)], "mixed"),
    ("that the tests were defensive", [(0, 29)], "indirect"),
    ('"We are" ready', [(0, 14)], "mixed"),
])
def test_content_kind(text, spans, kind):
    assert content_kind(text, spans) == kind


@pytest.mark.parametrize(("cue", "expected"), [
    ("said", ("say", "neutral")),
    ("has also said", ("say", "neutral")),
    ("According to", ("according to", "neutral")),
    ("maintains", ("maintain", "distancing")),
    ("alleged", ("allege", "distancing")),
    ("acknowledged", ("acknowledge", "endorsing")),
    ("pointed out", ("point out", "endorsing")),
    ("vowed", ("vow", "emotive")),
    ("slammed", ("slam", "emotive")),
    ("denied", ("deny", "denial")),
    ("rejects", ("reject", "denial")),
    ("reportedly said", ("say", "neutral")),        # the outlet's hedge is not the cue
    ("stressed", ("stress", "neutral")),
    ("reiterated", ("reiterate", "neutral")),
    ("lambasted", ("lambast", "emotive")),
    ("convened", ("convened", "other")),            # not a reporting verb
    ("", ("", "other")),
])
def test_cue_lemma(cue, expected):
    assert cue_lemma(cue) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Han Tae-song, North Korea's ambassador to Geneva,",
     ("Han Tae-song", "North Korea's ambassador to Geneva")),
    ("North Korean leader Kim Jong-un", ("Kim Jong-un", "North Korean leader")),
    ("Former US President Donald Trump", ("Donald Trump", "Former US President")),
    ("Cheong Seong-chang, a senior analyst at the Sejong Institute,",
     ("Cheong Seong-chang", "a senior analyst at the Sejong Institute")),
    ("The Korean Central News Agency (KCNA)", ("Korean Central News Agency", "")),
    ("North Korea", ("North Korea", "")),
])
def test_split_source(text, expected):
    assert split_source(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("North Korea's ambassador to Geneva", ("official", "North Korea")),
    ("a senior analyst at South Korea's private Sejong Institute", ("analyst", "South Korea")),
    ("The Korean Central News Agency (KCNA)", ("state_media", "North Korea")),
    ("North Korea", ("government", "North Korea")),
    ("sources familiar with the matter", ("anonymous", "")),
    ("the statement", ("document", "")),
    ("the ruling party", ("organisation", "")),
    ("Lee Min-ho", ("person", "")),
    ("", ("unknown", "")),
])
def test_classify_source(text, expected):
    assert classify_source(text) == expected


# --------------------------------------------------------------------------- detection

@pytest.mark.parametrize(("text", "voice", "cue", "source_type"), [
    ('"We will not back down," the minister said.', "direct", "say", "official"),
    ("The minister said the talks would resume next week.", "indirect", "say", "official"),
    ("The talks resumed on Monday after a long pause.", "asserted", "", ""),
    ("The ministry denied that troops had crossed the border.", "indirect", "deny", "official"),
    ("According to the foreign ministry, the test violated an agreement.",
     "according_to", "according to", "official"),
    ('The envoy called for a "resolute response" to the drills.', "mixed", "call for",
     "official"),
    ("It was reported that the missile flew 600 km before falling into the sea.",
     "indirect", "report", "anonymous"),                   # passive reporting
    ("The statement said the drills were a rehearsal for invasion.", "indirect", "say",
     "document"),                                           # reporting noun as source
    ("The minister called the launch a grave provocation.", "indirect", "call",
     "official"),                                           # calling X Y is speech
    ('The ministry called the drills "reckless" on Monday.', "mixed", "call", "official"),
    ("The party called a meeting for Friday.", "asserted", "", ""),   # an action
])
def test_sentence_voice(text, voice, cue, source_type):
    (row,) = _voices(text)
    assert (row["voice"], row["cue"], row["source_type"]) == (voice, cue, source_type)


@pytest.mark.parametrize(("text", "voice", "source", "cue"), [
    # the subject across a relative clause
    ("North Korea, which launched satellites in 2012 and 2016, maintains that these "
     "launches are part of a civilian space program.", "indirect", "North Korea", "maintain"),
    # a passive: the accused is not the speaker
    ("The two countries have deepened ties since 2022, with Pyongyang accused of providing "
     "arms to Moscow.", "indirect", "", "accuse"),
    ("Pyongyang accused Washington of provoking a war.", "indirect", "Pyongyang", "accuse"),
    ("Pyongyang has been accused of supplying shells to Moscow.", "indirect", "", "accuse"),
    # a place in the role is not the name
    ("Officials in Washington and Seoul say the exercises are defensive in nature.",
     "indirect", "Officials in Washington and Seoul", "say"),
    # inverted reporting clauses at the end of the sentence
    ('The leaders will discuss the "final results" of the talks, Russia\'s Tass news agency '
     "quoted presidential aide Yury Ushakov as saying.", "mixed", "Yury Ushakov", "quote"),
    ("The regime is “begging for war,” Nikki Haley, U.S. ambassador to the U.N., said.",
     "mixed", "Nikki Haley", "say"),
    ("Russia and China have agreed on a freeze of the drills, Russian President Vladimir "
     "Putin said on Tuesday.", "indirect", "Vladimir Putin", "say"),
    # a day after the speaker is not part of it
    ("North Korea on Sunday confirmed that it has conducted a nuclear test.", "indirect",
     "North Korea", "confirm"),
    # what a photo shows is seen, not said
    ("Photos published by state media showed the leader at the launch site.", "asserted",
     "", ""),
    ("A TV screen shows a file image of the leader during a news program.", "asserted", "",
     ""),
    # a subject after a dateline and before a day; a speaker after an inverted cue
    ("MOSCOW: The Kremlin on Thursday dismissed reports that troops had arrived.",
     "indirect", "Kremlin", "dismiss"),
    ("“Today’s event was meaningful, for we have reached our goal,” said an announcement "
     "read on state television.", "direct", "an announcement read on state television",
     "say"),
    # the name right before the cue speaks, not the audience in the opening phrase
    ("In a speech to the Harbor Assembly, the city's parliament, Jones said he no longer "
     "believed in the plan.", "indirect", "Jones", "say"),
    # a dateline is the place of the report, not its speaker
    ("New York [U.S.], July 4 (ANI): North Korea said the missile can reach anywhere.",
     "indirect", "North Korea", "say"),
])
def test_sentence_source(text, voice, source, cue):
    (row,) = _voices(text)
    assert (row["voice"], row["source"], row["cue"]) == (voice, source, cue)


@pytest.mark.parametrize(("text", "hedged", "scare"), [
    ("The missile reportedly flew 600 km over the sea.", True, False),
    ("The launch is believed to have failed over the sea.", True, False),
    ('The summit ended the so-called "peace era" between them.', False, True),
    ("The missile flew 600 km over the sea.", False, False),
])
def test_hedge_and_scare_quote_flags(text, hedged, scare):
    (row,) = _voices(text)
    assert (row["voice"], row["hedged"], row["scare_quote"]) == ("asserted", hedged, scare)


@pytest.mark.parametrize("text", [
    '"We will respond firmly. We are ready for anything. Nobody should doubt our resolve," '
    "the spokesman said.",                                  # cue in the last sentence
    'The spokesman said: "We will respond firmly. We are ready for anything."',  # first
])
def test_multi_sentence_quote_gives_every_sentence_a_direct_voice(text):
    assert [r["voice"] for r in _voices(text)] == ["direct"] * len(split_text(text))


@pytest.mark.parametrize(("kind", "voice"), [
    ("caption", "asserted"),       # the outlet's apparatus never takes a reported voice
    ("dateline", "asserted"),
    ("byline", "asserted"),
    ("body", "direct"),
    ("headline", "direct"),
])
def test_apparatus_sentences_take_no_voice(kind, voice):
    text = '"We are ready," the envoy said.'
    (row,) = sentence_voices(text, [(0, len(text))], attributions_for_text(text), [kind])
    assert row["voice"] == voice


@pytest.mark.parametrize(("text", "source", "inner", "expected"), [
    # a short fragment between the source and its cue is the rest of the apposition
    ("Jane Roe, a senior associate at the institute, said the schools will reopen.",
     "Jane Roe, a senior associate", "at the institute,",
     "Jane Roe, a senior associate at the institute,"),     # PolNeAR: with both commas
    # a determiner right before the source belongs to it
    ("Officials in the state said the schools will reopen.", "state", None, "the state"),
    # a comma after a source without an apposition stays out
    ("After Monday, Jane Roe said the schools will reopen.", "Jane Roe", None, "Jane Roe"),
    # a verb phrase there is not
    ("Jane Roe is rolling out a plan and said the schools will reopen.", "Jane Roe",
     "is rolling out a plan and", "Jane Roe"),
    # a number is no speaker ("fired on Nov. 22 and said ...")
    ("The army fired on Nov. 22 and said the schools will reopen.", "22", None, None),
    # tagging slips that name nobody
    ("Witnesses in the city of Yanji said the schools will reopen.", "of Yanji", None, None),
    ("The board later said the schools will reopen.", "later", None, None),
    ("The South Korean said the schools will reopen.", "South Korean", None, None),
    ("Jordan said the schools will reopen.", "Jordan", None, "Jordan"),    # a name

    # a list bullet is not part of the speaker
    ("• The board said the schools will reopen.", "• The board", None, "The board"),
    # the first part of a coordination the tagger cut off joins the source
    ("Dutch and Belgian officials said the schools will reopen.",
     "and Belgian officials", None, "Dutch and Belgian officials"),
    # ... but not a word ending the sentence before
    ("He spoke in Brussels. And officials said the schools will reopen.",
     "And officials", None, "And officials"),
])
def test_fix_structure_repairs_sources(text, source, inner, expected):
    def span(phrase):
        i = text.index(phrase)
        return (i, i + len(phrase))
    content = span("the schools will reopen")
    att = {"cue": span("said"), "source": span(source),
           "content": ([span(inner)] if inner else []) + [content]}
    fixed = _fix_structure(text, att)
    assert (text[slice(*fixed["source"])] if fixed["source"] else None) == expected
    assert content in fixed["content"]


def test_cue_started_one_noun_early_gives_it_to_a_possessive_source():
    text = "Japan’s coastguard warned that the schools will reopen."
    att = {"cue": (8, 25), "source": (0, 7), "content": [(26, len(text) - 1)]}
    fixed = _fix_cue_start(text, att)
    assert (text[slice(*fixed["source"])], text[slice(*fixed["cue"])]) == \
        ("Japan’s coastguard", "warned")


@pytest.mark.parametrize(("name", "fits"), [
    ("Han Tae Song", True),
    ("Lee Min-ho", True),
    ("Plenary Meeting", False),             # an event
    ("Permanent Representative", False),    # a title
    ("Putin and Kim", False),               # two people
    ("North Korea", False),
    ("New York", False),                    # a place
    ("Kim", False),                         # one word: a surname, not a full name
])
def test_fits_name(name, fits):
    assert _fits_name(name) is fits


def test_pronoun_skips_events_and_titles_for_the_person():
    text = ("Han Tae Song, Permanent Representative of the country, delivered a statement "
            "at the Plenary Meeting.\n"
            "He said in his statement that the drills are a provocation.")
    atts = attributions_for_text(text)
    (a,) = [a for a in atts if a["source_text"] == "He"]
    assert a["source_name"] == "Han Tae Song"


def test_surname_resolves_to_the_person_not_a_pair():
    text = ("Vladimir Putin met Kim Jong Un in Pyongyang.\n"
            "Putin and Kim said the talks went well.\n"
            "Kim told reporters that the treaty is historic.")
    s1 = text.index("Putin and Kim")
    s2 = text.index("Kim told")
    atts = [{"source": (s1, s1 + 13), "cue": (s1 + 14, s1 + 18), "content": [(s1 + 19, s1 + 38)]},
            {"source": (s2, s2 + 3), "cue": (s2 + 4, s2 + 8), "content": [(s2 + 23, len(text))]}]
    _describe_sources(text, atts)
    assert atts[0]["source_name"] == "Putin and Kim"
    assert atts[1]["source_name"] == "Kim Jong Un"


def test_a_new_quotation_after_reported_speech_is_its_own_content():
    text = ('The president said Monday that the talks had failed. "We will not return to '
            'the table until they change course," the minister said.')
    atts = attributions_for_text(text)
    quoted = [a for a in atts if text[a["content"][0][0]] == '"']
    assert len(quoted) == 1 and text[slice(*quoted[0]["cue"])] == "said"
    assert quoted[0]["cue"][0] > text.index("the minister")
    assert quoted[0]["kind"] == "direct"


@pytest.mark.parametrize(("text", "expected"), [
    # a statement printed after a colon, paragraph by paragraph, without quotation marks
    ("Jane Roe, Permanent Secretary of the Harbor Office, issued the following press "
     "statement on Monday:\n\nWe have tried everything we could.\n\nThe harbor will stay "
     "open for now.\n\nThe Permanent Secretary stressed that the harbor is safe.\n",
     [("direct", "Jane Roe"), ("direct", "Jane Roe"), ("direct", "Jane Roe"),
      ("indirect", "Permanent Secretary")]),           # the narrator speaks again
    ("Jane Roe spoke at the harbor on Monday.\n\nShe said that the port had reopened, and "
     "she continued:\n\nOur ships are ready to sail.\n",
     [("asserted", ""), ("indirect", "Jane Roe"), ("direct", "Jane Roe")]),
])
def test_statement_after_a_colon_is_the_speakers(text, expected):
    assert [(r["voice"], r["source"]) for r in _voices(text)] == expected


def test_a_title_in_quotation_marks_is_no_antecedent():
    text = ('Jane Roe gave a speech "On the Immediate Tasks of the Harbor" on Monday.\n'
            "She said the tasks are urgent.")
    (a,) = [a for a in attributions_for_text(text) if a["source_text"] == "She"]
    assert a["source_name"] == "Jane Roe"


def test_also_known_as_is_not_speech():
    text = "Hydrogen bombs, also known as thermonuclear devices, are far more powerful."
    assert all(r["voice"] == "asserted" for r in _voices(text))


@pytest.mark.parametrize(("text", "fragments", "kept"), [
    ("The panel said a the schools will reopen.", ["a", "the schools will reopen"],
     ["the schools will reopen"]),                           # a one-word slip goes
    ('He called it "historic" and said the talks went well.', ['"historic"'],
     ['"historic"']),                                        # a quoted word stays
    ("He said no.", ["no"], []),                             # nothing left: caller drops it
])
def test_drop_stray_fragments(text, fragments, kept):
    def span(phrase):
        i = text.index(phrase)
        return (i, i + len(phrase))
    att = {"cue": span("said"), "source": None, "content": [span(f) for f in fragments]}
    out = _drop_stray_fragments(text, att)
    assert [text[s:e] for s, e in out["content"]] == kept


def test_interrupted_quote_has_two_content_spans():
    text = '"We are ready," the spokesman said, "and we will not wait any longer."'
    (a,) = attributions_for_text(text)
    assert a["kind"] == "direct"
    assert [text[s:e] for s, e in a["content"]] == ['"We are ready,"',
                                                     '"and we will not wait any longer."']
    assert text[a["cue"][0]:a["cue"][1]] == "said"


def test_many_quotations_in_one_paragraph_each_keep_their_own_speaker():
    names = ["Lee", "Park", "Choi", "Kang", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo"] * 3
    text = " ".join(f'"Plan {i} is ready," {name} said.' for i, name in enumerate(names))
    atts = attributions_for_text(text)
    found = [(a["source_text"], text[a["content"][0][0]:a["content"][0][1]]) for a in atts]
    assert found == [(name, f'"Plan {i} is ready,"') for i, name in enumerate(names)]


def test_pronoun_source_resolves_to_named_source():
    text = ("Lee Min-ho, the ministry spokesman, spoke on Friday.\n"
            '"The drills are a provocation," he said.')
    atts = attributions_for_text(text)
    direct = [a for a in atts if a["kind"] == "direct"]
    assert direct and direct[0]["source_text"] == "he"
    assert direct[0]["source_name"] == "Lee Min-ho"
    assert direct[0]["source_resolved_from"] == "he"


def test_offsets_point_into_the_text():
    text = "Intro line.\r\n\u201cWe are ready,\u201d the minister said on Tuesday.\r\n"
    for a in attributions_for_text(text):
        for s, e in a["content"] + [a["cue"]]:
            assert 0 <= s < e <= len(text) and text[s:e].strip() == text[s:e]
    (a,) = attributions_for_text(text)
    assert text[a["cue"][0]:a["cue"][1]] == "said"


# --------------------------------------------------------------------------- article API

def test_attribute_article_aligns_with_sentences():
    art = _article("Officials met on Monday.\n\n"
                   '"We are ready," the envoy said.\n\nThe minister denied the report.')
    voice_rows, att_rows = attribute_article(art)
    assert len(voice_rows) == len(article_sentences(art))
    assert [r["index"] for r in voice_rows] == list(range(len(voice_rows)))
    assert all(set(VOICE_COLUMNS) <= set(r) for r in voice_rows)
    assert [r["voice"] for r in voice_rows] == ["asserted", "direct", "indirect"]
    assert all(set(ATTRIBUTION_COLUMNS) == set(r) for r in att_rows)
    row = att_rows[0]
    assert art.text[row["cue_start"]:row["cue_end"]] == row["cue_text"] == "said"
    assert row["attribution_id"] == "t1:a0" and row["n_quoted_words"] == 3


def test_detect_attributions_and_add_voice():
    arts = [_article('"We are ready," the envoy said.', "a"),
            _article("The talks resumed on Monday.", "b")]
    table = detect_attributions(arts)
    assert list(table.columns) == ATTRIBUTION_COLUMNS
    assert table["article_id"].tolist() == ["a"]
    sents = split_sentences(arts)
    before = sents.copy()
    voiced = add_voice(sents, arts)
    pd.testing.assert_frame_equal(sents, before)            # input untouched
    assert list(voiced.columns) == list(sents.columns) + VOICE_COLUMNS
    assert voiced["voice"].tolist() == ["direct", "asserted"]
    assert voiced["hedged"].dtype == bool


def test_empty_inputs_give_empty_frames():
    assert list(detect_attributions([]).columns) == ATTRIBUTION_COLUMNS
    empty = split_sentences([])
    assert list(add_voice(empty, []).columns) == list(empty.columns) + VOICE_COLUMNS
    assert attributions_for_text("") == []
    assert attributions_for_text("Hello there") == []         # two tokens (used to crash)


# --------------------------------------------------------------------------- model

def test_tokenize_marks_quotes_and_sentences():
    tt = tokenize('He said "we are ready." Then he left.')
    inside = [w for w, q in zip(tt.words, tt.inq) if q == 1]
    assert inside == ["we", "are", "ready", "."]
    assert tt.sent.tolist()[-1] == 1


_TOY = [('"We are ready," the envoy said.', [{"cue": [(27, 31)], "source": [(16, 26)],
                                                "content": [(0, 15)]}]),
        ("The minister said talks would resume.", [{"cue": [(13, 17)], "source": [(0, 12)],
                                                   "content": [(18, 36)]}]),
        ("The talks resumed on Monday.", [])] * 3


@pytest.mark.parametrize(("last_pass", "extended"), [
    ("sgd", False), ("sgd", True), ("perceptron", False), ("hybrid", True)])
def test_tagger_fits_predicts_and_round_trips(tmp_path, last_pass, extended):
    X, y = [t for t, _ in _TOY], [a for _, a in _TOY]
    params = dict(max_iter=3, n_stages=2, last_pass=last_pass, extended_features=extended)
    model = AttributionTagger(**params).fit(X, y)
    assert (model.transitions_ is not None) == (last_pass != "sgd")
    assert (model.cue_coef_ is not None) == (last_pass == "hybrid")
    pred = model.predict(X[:2])
    assert all(p.max() < len(ROLES) for p in pred)
    path = model.to_npz(tmp_path / "m.npz")
    again = AttributionTagger(**params).fit(X, y).to_npz(tmp_path / "m2.npz")
    assert path.read_bytes() == again.read_bytes()        # same data + seed: same bytes
    loaded = AttributionTagger.from_npz(path)
    for a, b in zip(model.predict(X), loaded.predict(X)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("params", "match"), [
    ({"last_pass": "crf"}, "last_pass must be"),
    ({"last_pass": "hybrid", "n_stages": 1}, "needs n_stages >= 2"),
])
def test_tagger_rejects_bad_last_pass(params, match):
    with pytest.raises(DataError, match=match):
        AttributionTagger(**params).fit([t for t, _ in _TOY], [a for _, a in _TOY])


@pytest.mark.parametrize(("X", "y", "match"), [
    ("one text", None, "not a single string"),
    (["a", "b"], [[]], "one list of attributions per text"),
    ([3], [[]], "a text or a"),
])
def test_tagger_rejects_bad_input(X, y, match):
    with pytest.raises(DataError, match=match):
        AttributionTagger().fit(X, y)


@pytest.mark.parametrize("n_templates", [1, 5, 8, 9, 30, 54, 127, 128, 129, 200])
def test_fast_scorer_is_bit_identical_to_the_reference(n_templates):
    rng = np.random.default_rng(n_templates)
    coef = rng.normal(size=(5000, 4)).astype(np.float16).astype(np.float32)
    intercept = rng.normal(size=4).astype(np.float32)
    cols = rng.integers(0, 5000, size=(300, n_templates)).astype(np.int32)
    # the straightforward scorer: per class, a gather and NumPy's own float32 row sums
    sums = np.stack([np.ascontiguousarray(coef[:, c]).take(cols).sum(axis=1)
                     for c in range(4)], axis=1)
    ref = sums + intercept
    np.testing.assert_array_equal(_predict(cols, coef, intercept), ref.argmax(axis=1))
    np.testing.assert_array_equal(_predict(np.ascontiguousarray(cols.T), coef, intercept,
                                           transposed=True), ref.argmax(axis=1))
    block = coef.view(np.complex128).ravel().take(cols.T).view(np.float32).reshape(
        n_templates, -1)
    if n_templates <= 128:                                      # the pairwise order itself
        np.testing.assert_array_equal(_sum_templates(block).reshape(300, 4), sums)


def _reference_roles(model, tt):
    """Roles by the plain path the model was trained with (``_columns`` of the templates,
    NumPy's own sums)."""
    V, H = len(model.vocab_) + 2, model.hash_size
    f = base_features(tt, model.vocab_, load_cue_lexicon(), extended=model.extended_features)
    pred = _predict_plain(np.ascontiguousarray(_columns(_templates_pass1(f, V, H))[0].T),
                          model.coefs_[0], model.intercepts_[0])
    for k, (w, b) in enumerate(zip(model.coefs_[1:], model.intercepts_[1:]), 2):
        cols = _columns(_templates_stage(f, tt, pred, V, H))[0]
        if k == len(model.coefs_) and model.transitions_ is not None:     # BIO + Viterbi
            scores = np.stack([np.ascontiguousarray(w[:, c]).take(cols).sum(axis=1)
                               for c in range(w.shape[1])], axis=1) + b
            roles = _bio_roles(viterbi(scores, tt.sent_tok, model.transitions_,
                                       model.start_scores_))
            if model.cue_coef_ is not None:                              # hybrid cues
                token = _predict_plain(np.ascontiguousarray(cols.T), model.cue_coef_,
                                       model.cue_intercept_)
                roles = np.where((roles == 1) | (token == 1), token, roles)
            pred = roles
        else:
            pred = _predict_plain(np.ascontiguousarray(cols.T), w, b)
    return pred


@pytest.mark.parametrize("which", ["shipped", "hybrid"])
def test_predict_tokens_matches_the_training_feature_path(which):
    """The fast prediction path (transposed columns, shared sentence context, one gather
    per model) gives the roles of the plain path the model was trained with."""
    if which == "shipped":
        model = load_model()
    else:
        model = AttributionTagger(max_iter=3, last_pass="hybrid", extended_features=True,
                                  perceptron_epochs=2).fit([t for t, _ in _TOY],
                                                           [a for _, a in _TOY])
    text = (SEEDS / "000_115e26a926fc3e59.txt").read_text(encoding="utf-8")
    tt = tokenize(text)
    pred = _reference_roles(model, tt)
    np.testing.assert_array_equal(model.predict_tokens(tt), pred)
    if which == "shipped":
        assert (pred != 0).any()


def _brute_force_path(scores, trans, start):
    best = None
    for seq in itertools.product(range(scores.shape[1]), repeat=len(scores)):
        value = start[seq[0]] + sum(scores[i, t] for i, t in enumerate(seq)) + sum(
            trans[a, b] for a, b in zip(seq, seq[1:]))
        if best is None or value > best[0]:
            best = (value, list(seq))
    return best[1]


@pytest.mark.parametrize("lengths", [[1], [3, 0, 2], [4, 1, 4, 2], [0], [2, 5]])
def test_viterbi_equals_brute_force_per_segment(lengths):
    rng = np.random.default_rng(len(lengths) * 10 + sum(lengths))
    bounds = np.r_[0, np.cumsum(lengths)]
    scores = rng.normal(size=(bounds[-1], 3))
    trans, start = rng.normal(size=(3, 3)), rng.normal(size=3)
    expected = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b > a:
            expected += _brute_force_path(scores[a:b], trans, start)
    assert viterbi(scores, bounds, trans, start).tolist() == expected


@pytest.mark.parametrize(("text", "atts", "tags"), [
    ("The minister said talks would resume.",
     [{"cue": [(13, 17)], "source": [(0, 12)], "content": [(18, 36)]}],
     ["B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "O"]),
    # two contents side by side: the second starts a new span
    ("a b c", [{"content": [(0, 1)]}, {"content": [(2, 5)]}],
     ["B-CONTENT", "B-CONTENT", "I-CONTENT"]),
    ("Talks resumed.", [], ["O", "O", "O"]),                      # no attribution
])
def test_token_bio_tags(text, atts, tags):
    tt = tokenize(text)
    assert [BIO_TAGS[t] for t in token_bio(tt, atts)] == tags
    assert _bio_roles(token_bio(tt, atts)).tolist() == [
        ROLES.index(t.split("-")[-1]) if t != "O" else 0 for t in tags]


@pytest.mark.parametrize("n_classes", [4, 7])
def test_scores_match_the_plain_sum(n_classes):
    rng = np.random.default_rng(n_classes)
    coef = rng.normal(size=(500, n_classes)).astype(np.float32)
    intercept = rng.normal(size=n_classes).astype(np.float32)
    cols_t = rng.integers(0, 500, size=(40, 70)).astype(np.int32)
    ref = np.stack([np.ascontiguousarray(coef[:, c]).take(cols_t.T).sum(axis=1)
                    for c in range(n_classes)], axis=1) + intercept
    np.testing.assert_array_equal(_scores(cols_t, coef, intercept), ref)


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_padded_views_are_shifts(n):
    a = np.arange(10, 10 + n, dtype=np.int64)
    padded = _padded(a, -1)
    for k in range(-3, 4):
        np.testing.assert_array_equal(padded[3 + k:3 + k + n], _shift(a, k, -1))


def test_person_names_before_equals_a_prefix_scan():
    text = ("Kim Jong Un met Moon Jae-in. Later Han Tae-song, the envoy, spoke; "
            "Lee Min-ho said so.\nPark Geun Hye")
    for before in range(len(text) + 1):
        expected = [m.span() for m in _PERSON_NAME.finditer(text, 0, before)]
        assert [m.span() for m in _person_names_before(text, before)] == expected, before


def test_shipped_model_loads_and_bad_paths_raise(tmp_path):
    model = load_model()
    assert model.coefs_ and model.vocab_
    with pytest.raises(ModelError, match=r"nope\.npz: no such model file"):
        load_model(str(tmp_path / "nope.npz"))
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="cannot read attribution model"):
        load_model(str(bad))


def test_parse_brat_joins_discontinuous_spans():
    ann = ("T1\tSource 0 3\tHan\nT2\tCue 4 8\tsaid\nT3\tContent 9 12;13 20\tabc defghij\n"
           "T4\tAttribution 4 8\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n")
    (a,) = parse_brat(ann)
    assert a == {"cue": [(4, 8)], "source": [(0, 3)], "content": [(9, 12), (13, 20)]}


def test_cue_lexicon_errors_name_the_file():
    with pytest.raises(LexiconError, match=r"my\.yaml: a cue lexicon needs"):
        parse_cue_lexicon("name: x\n", "my.yaml")
    with pytest.raises(LexiconError, match=r"my\.yaml:2: invalid YAML"):
        parse_cue_lexicon("a: [\n b: c", "my.yaml")


# --------------------------------------------------------------------------- CLI

def test_cli_jsonl_contract(tmp_path, capsys):
    from framing.cli import main

    text = "Über den Fluss.\n“We are ready,” the envoy said.\n"
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["attributions", str(path), "--format", "jsonl"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines and all(r["doc"] == str(path) for r in lines)
    rec = lines[0]
    assert rec["kind"] == "direct"
    assert text[rec["cue"][0]:rec["cue"][1]] == "said"
    assert text[rec["content"][0][0]:rec["content"][0][1]] == "“We are ready,”"
    assert set(rec) >= {"doc", "kind", "cue", "source", "content", "sentence_index",
                        "source_name", "source_type", "cue_lemma", "cue_category"}


def test_cli_table_and_errors(tmp_path, capsys):
    from framing.cli import main

    path = tmp_path / "a.txt"
    path.write_text('"We are ready," the envoy said.\n', encoding="utf-8")
    assert main(["attributions", str(path)]) == 0
    assert "said" in capsys.readouterr().out
    assert main(["attributions", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt: no such file" in capsys.readouterr().err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    assert main(["attributions", str(bad)]) == 1
    assert "not valid UTF-8" in capsys.readouterr().err


def test_cli_train_rejects_a_folder_without_data(tmp_path, capsys):
    from framing.cli import main

    assert main(["train", "attributions", "--data", str(tmp_path), "--out",
                 str(tmp_path / "m.npz")]) == 1
    assert "expected a PolNeAR split" in capsys.readouterr().err
