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
