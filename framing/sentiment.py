"""VADER sentiment for sentences: the only module that touches vaderSentiment.

VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM) scores a sentence with a lexicon plus rules for negation, intensifiers
and punctuation. It ships its lexicon inside the package; nothing is downloaded.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

import pandas as pd

SENTIMENT_COLUMNS = ["compound", "pos", "neu", "neg"]


@functools.cache
def _analyzer():
    # Building the analyser reads VADER's lexicon files (~0.1 s): once per process.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_sentence(text: str) -> tuple[float, float, float, float]:
    """``(compound, pos, neu, neg)`` VADER scores of one sentence.

    Examples
    --------
    >>> score_sentence("The talks were a great success.")[0] > 0.5
    True
    """
    scores = _analyzer().polarity_scores(text)
    return scores["compound"], scores["pos"], scores["neu"], scores["neg"]


def score_sentences(texts: Iterable[str]) -> pd.DataFrame:
    """VADER scores of many sentences, one row each, columns SENTIMENT_COLUMNS.

    Parameters
    ----------
    texts
        Sentences (a list, Series or any iterable of strings; a bare string is rejected).

    Returns
    -------
    DataFrame
        ``compound`` in [-1, 1] and the ``pos``/``neu``/``neg`` proportions, in input order.
    """
    if isinstance(texts, str):
        raise TypeError("score_sentences expects an iterable of sentences, not one string")
    rows = [score_sentence(t) for t in texts]
    return pd.DataFrame(rows, columns=SENTIMENT_COLUMNS, dtype="float64")
