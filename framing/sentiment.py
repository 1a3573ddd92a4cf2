"""VADER sentiment for sentences: the only module that touches vaderSentiment.

VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM) scores a sentence with a lexicon plus rules for negation, intensifiers
and punctuation. It ships its lexicon inside the package; nothing is downloaded.

Scores are vaderSentiment 3.3.2's ``polarity_scores``, bit for bit, computed by
:class:`_VaderScorer`: the same rules over the same lexicon, with each word lower-cased once per
sentence instead of once per rule (vaderSentiment lower-cases the whole sentence again for every
sentiment word, and copies a sentence character by character to find emojis). Sentences that
contain an emoji go to vaderSentiment itself. ``tests/test_sentiment.py`` compares both on every
PolNeAR sentence.
"""
from __future__ import annotations

import functools
import math
import string
from collections.abc import Iterable

import pandas as pd

SENTIMENT_COLUMNS = ["compound", "pos", "neu", "neg"]


class _VaderScorer:
    """vaderSentiment's ``polarity_scores`` with every word lower-cased once."""

    def __init__(self, analyzer):
        from vaderSentiment import vaderSentiment as vader

        self._analyzer = analyzer
        self._vader = vader
        self._lexicon = analyzer.lexicon
        # polarity_scores replaces single characters found in the emoji lexicon.
        self._emoji_chars = frozenset(k for k in analyzer.emojis if len(k) == 1)
        self._boosters = vader.BOOSTER_DICT
        self._negate = frozenset(vader.NEGATE)
        self._special_cases = vader.SPECIAL_CASES
        # Idioms and two-word boosters are looked up as space-joined word sequences: a sentence
        # without any of their words cannot match one.
        self._idiom_words = frozenset(
            w for key in [*vader.SPECIAL_CASES, *vader.BOOSTER_DICT] if " " in key
            for w in key.split())

    def scores(self, text: str) -> tuple[float, float, float, float]:
        if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
            s = self._analyzer.polarity_scores(text)
            return s["compound"], s["pos"], s["neu"], s["neg"]
        text = text.strip()
        tokens = text.split()
        if not tokens:
            return 0.0, 0.0, 0.0, 0.0
        punctuation = string.punctuation
        # Punctuation is stripped off a word unless two letters or fewer remain (emoticons).
        stripped = [t.strip(punctuation) for t in tokens]
        words = [s if len(s) > 2 else t for t, s in zip(tokens, stripped)]
        lower = " ".join(words).lower().split(" ")    # words hold no whitespace
        n = len(words)
        upper = sum(map(str.isupper, words))
        is_cap_diff = 0 < n - upper < n
        lexicon = self._lexicon
        boosters = self._boosters
        # Words outside the lexicon (and boosters, "kind" of "kind of") score int 0, as in
        # vaderSentiment; only lexicon words go through the rules.
        sentiments: list = [0] * n
        for i in [i for i, lw in enumerate(lower) if lw in lexicon]:
            lw = lower[i]
            if lw in boosters or (lw == "kind" and i < n - 1 and lower[i + 1] == "of"):
                continue
            sentiments[i] = self._valence(words, lower, i, is_cap_diff)
        if "but" in lower:
            sentiments = self._vader.SentimentIntensityAnalyzer._but_check(words, sentiments)
        return self._score_valence(sentiments, text)

    def _score_valence(self, sentiments: list, text: str) -> tuple[float, float, float, float]:
        """``SentimentIntensityAnalyzer.score_valence`` of a non-empty sentence, returning
        (compound, pos, neu, neg)."""
        sum_s = float(sum(sentiments))
        ep_count = min(text.count("!"), 4)
        ep_amplifier = ep_count * 0.292
        qm_count = text.count("?")
        qm_amplifier = 0
        if qm_count > 1:
            qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
        punct_emph_amplifier = ep_amplifier + qm_amplifier
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        compound = self._vader.normalize(sum_s)
        pos_sum = 0.0
        neg_sum = 0.0
        neu_count = sentiments.count(0)
        for score in [x for x in sentiments if x]:
            if score > 0:
                pos_sum += (float(score) + 1)
            if score < 0:
                neg_sum += (float(score) - 1)
        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return (round(compound, 4), round(math.fabs(pos_sum / total), 3),
                round(math.fabs(neu_count / total), 3), round(math.fabs(neg_sum / total), 3))

    def _valence(self, words: list[str], lower: list[str], i: int, is_cap_diff: bool) -> float:
        """``SentimentIntensityAnalyzer.sentiment_valence`` of a lexicon word, same operations
        in the same order (floating point results are identical)."""
        vader = self._vader
        lexicon = self._lexicon
        item = words[i]
        lw = lower[i]
        valence = lexicon[lw]
        if lw == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lower[i - 1] == "no") or (i > 1 and lower[i - 2] == "no") or (
                i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor")):
            valence = lexicon[lw] * vader.N_SCALAR
        if item.isupper() and is_cap_diff:
            if valence > 0:
                valence += vader.C_INCR
            else:
                valence -= vader.C_INCR
        for start_i in range(3):
            if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                s = vader.scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = self._negation(valence, lower, start_i, i)
                if start_i == 2 and not self._idiom_words.isdisjoint(lower[i - 3:i + 3]):
                    valence = self._special_idioms(valence, lower, i)
        # "least" as negation ("the least compelling"), but not "at least" / "very least"
        if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * vader.N_SCALAR
        elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            valence = valence * vader.N_SCALAR
        return valence

    def _special_idioms(self, valence: float, lower: list[str], i: int) -> float:
        """``SentimentIntensityAnalyzer._special_idioms_check`` over the lower-cased words."""
        special = self._special_cases
        onezero = f"{lower[i - 1]} {lower[i]}"
        twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
        twoone = f"{lower[i - 2]} {lower[i - 1]}"
        threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
        threetwo = f"{lower[i - 3]} {lower[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in special:
                valence = special[seq]
                break
        if len(lower) - 1 > i:
            zeroone = f"{lower[i]} {lower[i + 1]}"
            if zeroone in special:
                valence = special[zeroone]
        if len(lower) - 1 > i + 1:
            zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
            if zeroonetwo in special:
                valence = special[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in self._boosters:
                valence = valence + self._boosters[n_gram]
        return valence

    def _negated(self, word: str) -> bool:
        return word in self._negate or "n't" in word

    def _negation(self, valence: float, lower: list[str], start_i: int, i: int) -> float:
        """``SentimentIntensityAnalyzer._negation_check`` over the lower-cased words."""
        n_scalar = self._vader.N_SCALAR
        if start_i == 0:
            if self._negated(lower[i - 1]):
                valence = valence * n_scalar
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                pass
            elif self._negated(lower[i - 2]):
                valence = valence * n_scalar
        if start_i == 2:
            if lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this") or (
                    lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                pass
            elif self._negated(lower[i - 3]):
                valence = valence * n_scalar
        return valence


@functools.cache
def _analyzer():
    # Building the analyser reads VADER's lexicon files (~0.1 s): once per process.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.cache
def _scorer() -> _VaderScorer:
    return _VaderScorer(_analyzer())


def score_sentence(text: str) -> tuple[float, float, float, float]:
    """``(compound, pos, neu, neg)`` VADER scores of one sentence.

    Examples
    --------
    >>> score_sentence("The talks were a great success.")[0] > 0.5
    True
    """
    return _scorer().scores(text)


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
    scores = _scorer().scores
    rows = [scores(t) for t in texts]
    return pd.DataFrame(rows, columns=SENTIMENT_COLUMNS, dtype="float64")
