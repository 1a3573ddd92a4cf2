import pytest

from framing import sentiment
from framing.sentiment import SENTIMENT_COLUMNS, score_sentence, score_sentences


@pytest.mark.parametrize(("text", "sign"), [
    ("The summit was a wonderful success and both sides were happy.", 1),
    ("The attack killed dozens and caused terrible destruction.", -1),
    ("The meeting took place on Tuesday in Geneva.", 0),        # neutral stays at 0
])
def test_score_sentence_sign(text, sign):
    compound, pos, neu, neg = score_sentence(text)
    if sign == 0:
        assert compound == 0.0 and neu == 1.0
    else:
        assert (compound > 0.3) if sign > 0 else (compound < -0.3)
    assert abs(pos + neu + neg - 1.0) < 0.01


def test_score_sentences_table_columns_and_order():
    table = score_sentences(["Great news.", "Awful news.", ""])
    assert list(table.columns) == SENTIMENT_COLUMNS
    assert table["compound"].iloc[0] > 0 > table["compound"].iloc[1]
    assert table["compound"].iloc[2] == 0.0


def test_score_sentences_empty_and_bare_string():
    assert list(score_sentences([]).columns) == SENTIMENT_COLUMNS
    with pytest.raises(TypeError, match="not one string"):
        score_sentences("Great news.")


def test_analyzer_is_built_once():
    assert sentiment._analyzer() is sentiment._analyzer()


# vaderSentiment's own demonstration sentences exercise every rule: negation ("not", "n't",
# "never so", "without a doubt"), boosters and dampeners ("kind of", "sort of"), ALL-CAPS
# emphasis, "but", "least", idioms ("the bomb", "bad ass"), "no" before a lexicon word,
# punctuation emphasis, emoticons and emojis.
VADER_RULE_SENTENCES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "There is no good reason and no hope or love here.",
    "It was sort of a total disaster, wasn't it???",
    "Is this good?? Really?!",
    "   ",
    "",
    "!!!",
    "The regime's provocation was condemned, but the talks went well.",
]


def _reference(text):
    scores = sentiment._analyzer().polarity_scores(text)
    return scores["compound"], scores["pos"], scores["neu"], scores["neg"]


@pytest.mark.parametrize("text", VADER_RULE_SENTENCES)
def test_scores_equal_vadersentiment_on_rule_cases(text):
    assert score_sentence(text) == _reference(text)


def test_scores_equal_vadersentiment_on_seed_sentences():
    from framing import load_corpus
    from framing.sentences import split_sentences

    texts = split_sentences(load_corpus("seeds").articles)["text"]
    assert [score_sentence(t) for t in texts] == [_reference(t) for t in texts]


def test_scores_equal_vadersentiment_on_polnear_dev(shared_dir):
    # Every sentence of 84 real articles (about 3,000 sentences): bit-identical scores.
    from framing.sentences import split_text

    folder = shared_dir / "polnear" / "dev" / "text"
    if not folder.is_dir():
        pytest.skip(f"PolNeAR dev not found at {folder}")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    sentences = [t[s:e] for t in texts for s, e, _p in split_text(t)]
    assert len(sentences) > 1000
    assert [score_sentence(s) for s in sentences] == [_reference(s) for s in sentences]
