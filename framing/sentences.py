"""Sentence splitting with character offsets (nltk Punkt with the project's own parameters).

Only this module touches nltk. Nothing is downloaded: Punkt runs with an abbreviation list that
ships in the package (``framing/data/punkt_abbreviations.txt``), tuned for news (U.S., N.K.,
S. Korea, Jan. 29, Lt. Gen., No. 2).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib.resources import files

import pandas as pd
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

from framing.models import Article, Zone

SENTENCE_COLUMNS = ["article_id", "outlet", "index", "paragraph", "kind", "start", "end", "text"]

_PARAGRAPH = re.compile(r"[^\n]+")
# "drones.According to": pages that run paragraphs together leave no space after the period.
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])|(?<=[a-z]{2}[.!?][\"”’])(?=[A-Z][a-z])")
# ... but a capitalised word, a period and a two-letter word is a site name ("News.Az")
_SITE_NAME = re.compile(r"(?<![\w.-])[A-Z][a-z]+\.[A-Z][a-z](?![\w-])")
_QUOTE_CLOSERS = "\"'”’)]"


class _NewsLanguageVars(PunktLanguageVars):
    # Curly closing quotes may follow the period of the sentence they close.
    sent_end_chars = (".", "?", "!")
    internal_punctuation = ",:;"
    # A curly opening quote is not part of the word it opens, as a straight one is not:
    # '“No. 1 enemy' is the abbreviation "No." (Punkt's default keeps "“No." one word).
    _re_word_start = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,“‘]"


class _MemoPunkt(PunktSentenceTokenizer):
    """Punkt that remembers its verdict on each break context ("said. The"): the verdict is a
    pure function of the context string for fixed parameters, and news repeats contexts."""

    _MEMO_SIZE = 200_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._verdicts: dict[str, bool] = {}

    def text_contains_sentbreak(self, text: str) -> bool:
        verdict = self._verdicts.get(text)
        if verdict is None:
            verdict = super().text_contains_sentbreak(text)
            if len(self._verdicts) >= self._MEMO_SIZE:
                self._verdicts.clear()
            self._verdicts[text] = verdict
        return verdict


_LANG_VARS = _NewsLanguageVars()
# Punkt only considers a break where this matches (an end mark followed by punctuation or by
# whitespace and a token); a paragraph without a match is one sentence, whatever Punkt learns.
_BREAK_CANDIDATE = _LANG_VARS.period_context_re()


@functools.cache
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    text = (files("framing") / "data" / "punkt_abbreviations.txt").read_text(encoding="utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    params.abbrev_types = set(words)
    return _MemoPunkt(params, lang_vars=_LANG_VARS)


def _punkt_spans(tokenizer: PunktSentenceTokenizer, chunk: str) -> Iterable[tuple[int, int]]:
    if _BREAK_CANDIDATE.search(chunk) is None:
        # What span_tokenize yields then, without its per-paragraph set-up (most news
        # paragraphs are one sentence).
        end = len(chunk.rstrip())
        return [(0, end)] if end else []
    return tokenizer.span_tokenize(chunk)


def split_text(text: str) -> list[tuple[int, int, int]]:
    """Sentence spans of a text as ``(start, end, paragraph)`` tuples.

    Each non-empty line is a paragraph (sentences never cross a line break); within it, Punkt
    finds the boundaries. Spans are trimmed of surrounding whitespace.

    Examples
    --------
    >>> split_text('Han said "We are ready." Then he left.\\nNew paragraph.')
    [(0, 24, 0), (25, 39, 0), (40, 54, 1)]
    """
    tokenizer = _tokenizer()
    spans: list[tuple[int, int, int]] = []
    paragraph = 0
    for para in _PARAGRAPH.finditer(text):
        chunk = para.group()
        if not chunk.strip():
            continue
        base = para.start()
        pieces: list[tuple[int, int]] = []
        for start, end in _punkt_spans(tokenizer, chunk):
            # '"Why now?" he asked.' -- Punkt always breaks after ? and !; a lower-case
            # continuation means the sentence goes on.
            if pieces and chunk[start].islower():
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((start, end))
        for start, end in pieces:
            for s, e in _split_glued(chunk, start, end):
                s, e = _trim(chunk, s, e)
                if e > s:
                    spans.append((base + s, base + e, paragraph))
        paragraph += 1
    return spans


def _split_glued(chunk: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    cuts = [m.start() + start for m in _GLUED.finditer(chunk[start:end])]
    cuts = [c for c in cuts if not _SITE_NAME.match(chunk, chunk.rfind(" ", 0, c) + 1)]
    bounds = [start, *cuts, end]
    return zip(bounds, bounds[1:])


def _trim(chunk: str, start: int, end: int) -> tuple[int, int]:
    while start < end and chunk[start].isspace():
        start += 1
    while end > start and chunk[end - 1].isspace():
        end -= 1
    return start, end


def sentence_kind(start: int, end: int, zones: Iterable[Zone]) -> str:
    """The kind of the sentence ``[start, end)``: that of a zone covering most of it, else body."""
    for zone in zones:
        overlap = min(end, zone.end) - max(start, zone.start)
        if overlap > 0 and overlap * 2 >= end - start:
            return zone.kind
    return "body"


def article_sentences(article: Article) -> list[tuple[int, int, int, str]]:
    """``(start, end, paragraph, kind)`` for every sentence of one article.

    A headline, byline or caption zone is one unit however many sentences Punkt finds in it
    ("... the next day. (For Use Only in the Republic of Korea. No Redistribution) (Yonhap)").
    A dateline zone ("SEOUL, Jan. 29 (Yonhap) --") at the start of a sentence becomes a
    sentence of its own, so the outlet's first narrative sentence starts after it.
    """
    out: list[tuple[int, int, int, str]] = []
    whole = [z for z in article.zones if z.kind in ("headline", "byline", "caption")]
    datelines = [z for z in article.zones if z.kind == "dateline"]
    for start, end, paragraph in split_text(article.text):
        zone = next((z for z in whole if z.start <= start and end <= z.end), None)
        if zone is not None:
            if not out or out[-1][:2] != (zone.start, zone.end):
                out.append((zone.start, zone.end, paragraph, zone.kind))
            continue
        for dateline in datelines:
            if start <= dateline.start < end and dateline.end < end:
                out.append((dateline.start, dateline.end, paragraph, "dateline"))
                start, _ = _trim(article.text, dateline.end, end)
                break
        out.append((start, end, paragraph, sentence_kind(start, end, article.zones)))
    return out


def split_sentences(articles: Iterable[Article]) -> pd.DataFrame:
    """One row per sentence, columns SENTENCE_COLUMNS.

    Parameters
    ----------
    articles
        Articles from :func:`framing.load_corpus` (or any iterable of :class:`Article`).

    Returns
    -------
    DataFrame
        ``article_id, outlet, index`` (0-based within the article), ``paragraph`` (0-based),
        ``kind`` (headline, dateline, byline, caption, body), ``start``/``end`` (character
        offsets into ``Article.text``) and ``text``.

    Examples
    --------
    >>> from framing import load_corpus
    >>> table = split_sentences(load_corpus("seeds").articles)
    >>> table.loc[0, "kind"]
    'headline'
    """
    rows = []
    for article in articles:
        for index, (start, end, paragraph, kind) in enumerate(article_sentences(article)):
            rows.append((article.id, article.outlet, index, paragraph, kind, start, end,
                         article.text[start:end]))
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS).astype(
        {"index": "int64", "paragraph": "int64", "start": "int64", "end": "int64"})
