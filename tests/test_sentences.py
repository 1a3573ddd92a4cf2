from __future__ import annotations

import pytest

from framing.sentences import SENTENCE_COLUMNS, split_sentences, split_text


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in split_text(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Former U.S. President Donald Trump met Kim. Talks stalled.",
     ["Former U.S. President Donald Trump met Kim.", "Talks stalled."]),
    ("SEOUL, Jan. 29 (Yonhap) -- The envoy spoke. He left.",
     ["SEOUL, Jan. 29 (Yonhap) -- The envoy spoke.", "He left."]),
    ("N.K. officials met S. Korea's envoy. Nothing changed.",
     ["N.K. officials met S. Korea's envoy.", "Nothing changed."]),
    ("Relations between N. Korea and the U.N. soured. Then came talks.",
     ["Relations between N. Korea and the U.N. soured.", "Then came talks."]),
    ("Lt. Gen. Kim and Col. Park met Mr. Lee and Dr. Choi. They agreed.",
     ["Lt. Gen. Kim and Col. Park met Mr. Lee and Dr. Choi.", "They agreed."]),
    ("Sen. Smith and Rep. Jones backed Resolution No. 2. It passed.",
     ["Sen. Smith and Rep. Jones backed Resolution No. 2.", "It passed."]),
    ("The talks ended at 3 p.m. Officials left.",          # a.m./p.m. before a new sentence
     ["The talks ended at 3 p.m.", "Officials left."]),
    ("The drills begin in Feb. and end in Mar. 2024. Both sides agreed.",
     ["The drills begin in Feb. and end in Mar. 2024.", "Both sides agreed."]),
    ("He called it the “No. 1 hostile state,” the agency said.",   # abbreviation after “
     ["He called it the “No. 1 hostile state,” the agency said."]),
    ("The site News.Az cited local media.", ["The site News.Az cited local media."]),
    ("There were rumors.An official denied them.",          # glued, with a short word
     ["There were rumors.", "An official denied them."]),
    ("Drones were spotted.According to the military, none crossed.",  # glued paragraphs
     ["Drones were spotted.", "According to the military, none crossed."]),
])
def test_split_text_keeps_news_abbreviations(text, expected):
    assert _sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the closing quote mark stays with its sentence
    ('"We will not back down." The minister left.',
     ['"We will not back down."', "The minister left."]),
    ("“We will not back down,” the minister said. Talks resume Monday.",
     ["“We will not back down,” the minister said.", "Talks resume Monday."]),
    # a quotation of several sentences is split, every piece keeps its marks
    ('He said: "We are ready. We will respond." Then he left.',
     ['He said: "We are ready.', 'We will respond."', "Then he left."]),
    ("‘This is a provocation!’ he shouted. Nobody answered.",
     ["‘This is a provocation!’ he shouted.", "Nobody answered."]),
    ('Did she ask "why now?" Yes.', ['Did she ask "why now?"', "Yes."]),
])
def test_split_text_keeps_quote_marks_with_their_sentence(text, expected):
    assert _sentences(text) == expected


def test_split_text_never_crosses_a_line_break_and_counts_paragraphs():
    text = "First line without a stop\nSecond paragraph. Still second.\n\nThird."
    assert [(text[s:e], p) for s, e, p in split_text(text)] == [
        ("First line without a stop", 0), ("Second paragraph.", 1), ("Still second.", 1),
        ("Third.", 2)]


def test_split_sentences_offsets_point_into_the_article_text(seed_corpus):
    table = split_sentences(seed_corpus.articles)
    assert list(table.columns) == SENTENCE_COLUMNS
    texts = {a.id: a.text for a in seed_corpus.articles}
    for row in table.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text


def test_seed_sentences_have_kinds(seed_corpus):
    table = split_sentences(seed_corpus.articles)
    yonhap = table[table.outlet == "Yonhap"]
    kinds = list(yonhap["kind"])
    assert kinds[:3] == ["headline", "dateline", "body"]
    assert yonhap.iloc[1]["text"] == "SEOUL, Jan. 29 (Yonhap) --"
    assert yonhap.iloc[2]["text"].startswith("North Korea's top diplomat to Geneva")
    assert kinds[-1] == "caption" and yonhap.iloc[-1]["text"].endswith("(Yonhap)")
    press = table[table.outlet == "Press TV"]
    assert list(press["kind"])[:3] == ["headline", "caption", "body"]
    assert press.iloc[1]["text"].endswith("(By AP)")
    # the long quoted Han Tae-song sentence is one sentence, not broken at "U.S." etc.
    assert any(t.startswith('"We need to strengthen') and t.endswith('Han said.')
               for t in yonhap["text"])


def test_split_sentences_of_nothing_is_an_empty_table_with_columns():
    table = split_sentences([])
    assert table.empty and list(table.columns) == SENTENCE_COLUMNS


def test_punkt_shortcuts_match_plain_punkt_on_polnear_dev(shared_dir):
    # The one-sentence shortcut and the memo of break verdicts change speed, not spans.
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from framing import sentences

    folder = shared_dir / "polnear" / "dev" / "text"
    if not folder.is_dir():
        pytest.skip(f"PolNeAR dev not found at {folder}")
    fast = sentences._tokenizer()
    plain = PunktSentenceTokenizer(fast._params, lang_vars=sentences._LANG_VARS)
    paragraphs = [m.group() for p in sorted(folder.glob("*.txt"))
                  for m in sentences._PARAGRAPH.finditer(p.read_text(encoding="utf-8"))]
    assert len(paragraphs) > 1000
    for paragraph in paragraphs + paragraphs:          # the second round answers from the memo
        assert list(sentences._punkt_spans(fast, paragraph)) == list(
            plain.span_tokenize(paragraph)), paragraph
