"""Keyword in context: every hit of a category or a term, with the voice it is spoken in.

The voice columns come from attribution detection (``framing.attribution``) when the module
is installed; without it every line is shown as "asserted" and :func:`kwic` says so in
``table.attrs["note"]``.
"""
from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from framing.errors import LexiconError, ModelError
from framing.lexicon import (
    Category, Entry, Lexicon, builtin_lexicons, check_term, resolve_lexicons,
)
from framing.matching import Matcher
from framing.scoring import match_sentences

KWIC_COLUMNS = ["article_id", "outlet", "sentence_index", "start", "end", "lexicon", "category",
                "entry", "left", "match", "right", "voice", "source", "cue_category"]
NO_VOICE_NOTE = ("voice: attribution detection (framing.attribution) is not available; every "
                 "line is shown as asserted")


def query_lexicon(query: str, lexicons: Sequence[Lexicon]) -> Lexicon:
    """The lexicon to search for ``query``: a category (``id`` or ``lexicon:id``) or a term.

    A query naming a category of one of ``lexicons`` selects that category; anything else is
    a term (word, phrase or ``prefix*``), checked like a lexicon entry.
    """
    lexicon_name, _, category_id = query.rpartition(":")
    owners = [lx for lx in lexicons if (not lexicon_name or lx.name == lexicon_name)
              and category_id in lx.category_ids]
    if len(owners) > 1:
        choices = ", ".join(f"{lx.name}:{category_id}" for lx in owners)
        raise LexiconError(f"category {category_id!r} is in several lexicons; pick one: "
                           f"{choices}")
    if owners:
        lexicon = owners[0]
        return Lexicon(name=lexicon.name, version=lexicon.version,
                       description=lexicon.description,
                       categories=(lexicon.category(category_id),), source=lexicon.source)
    if lexicon_name and any(lx.name == lexicon_name for lx in lexicons):
        names = next(lx for lx in lexicons if lx.name == lexicon_name).category_ids
        raise LexiconError(f"no category {category_id!r} in lexicon {lexicon_name!r}; "
                           f"categories: {', '.join(names)}")
    problem = check_term(query)
    if problem is not None:
        raise LexiconError(f"cannot search for {query!r}: {problem[1]}")
    entry = Entry(term=query.strip(), case_sensitive=False)
    return Lexicon(name="term", version="", description="", source="<kwic query>",
                   categories=(Category(id="term", label=query, entries=(entry,)),))


def sentence_table(articles: Sequence[Any]) -> tuple[pd.DataFrame, str]:
    """Sentences of ``articles`` with voice columns, and a note when voice is unavailable.

    Uses ``framing.attribution.add_voice(sentences[, articles])`` when it exists, else
    ``framing.attribution.attribute_article`` per article; without attribution detection,
    ``voice`` is "asserted" everywhere.
    """
    from framing.sentences import split_sentences

    sentences = split_sentences(articles)
    try:
        import framing.attribution as attribution
    except ImportError:
        return sentences.assign(voice="asserted", source="", source_type="",
                                cue_category=""), NO_VOICE_NOTE
    add_voice = getattr(attribution, "add_voice", None)
    if add_voice is not None:
        n_params = len(inspect.signature(add_voice).parameters)
        try:
            voiced = add_voice(sentences, articles) if n_params >= 2 else add_voice(sentences)
        except ModelError as exc:   # e.g. the attribution model file is missing
            return sentences.assign(voice="asserted", source="", source_type="",
                                    cue_category=""), f"{NO_VOICE_NOTE} ({exc})"
        return voiced, ""
    attribute_article = getattr(attribution, "attribute_article", None)
    if attribute_article is None:
        return sentences.assign(voice="asserted", source="", source_type="",
                                cue_category=""), NO_VOICE_NOTE
    from framing.sentences import article_sentences
    columns = getattr(attribution, "VOICE_COLUMNS", None)
    rows = []
    for article in articles:
        spans = article_sentences(article)
        voice_rows, _ = attribute_article(article, spans)
        for index, row in enumerate(voice_rows):
            record = row if isinstance(row, dict) else dict(zip(columns or (), row))
            rows.append({"article_id": article.id, "index": index,
                         **{k: record.get(k) or "" for k in
                            ("voice", "source", "source_type", "cue_category")}})
    voices = pd.DataFrame(rows, columns=["article_id", "index", "voice", "source",
                                         "source_type", "cue_category"])
    merged = sentences.merge(voices, on=["article_id", "index"], how="left")
    merged["voice"] = merged["voice"].fillna("asserted").replace("", "asserted")
    return merged, ""


def kwic(query: str, corpus: str | Path | Sequence[str | Path] | Iterable[Any], *,
         lexicons: Sequence[str | Path | Lexicon] | None = None, width: int = 50
         ) -> pd.DataFrame:
    """Keyword-in-context lines for a category or a term; columns KWIC_COLUMNS.

    Parameters
    ----------
    query
        A category id (``defensive_justification``, or ``conflict_frames:humanitarian`` to
        pick a lexicon) or a term (``"defensive measure"``, ``deter*``).
    corpus
        Paths for :func:`framing.load_corpus`, or already-loaded articles.
    lexicons
        Where to look for the category; default: every shipped lexicon.
    width
        Characters of context on each side (within the article; line breaks shown as spaces).

    Returns
    -------
    DataFrame
        KWIC_COLUMNS: the hit (``match``) with ``left``/``right`` context and the sentence's
        ``voice``, ``source`` and ``cue_category``. ``attrs["note"]`` explains a missing voice.

    Examples
    --------
    >>> lines = kwic("defensive measure", "seeds")
    >>> lines.loc[0, "match"]
    'defensive measure'
    """
    if isinstance(corpus, (str, Path)) or (isinstance(corpus, Sequence) and corpus and
                                          isinstance(corpus[0], (str, Path))):
        from framing.ingest import load_corpus
        articles = load_corpus(corpus).articles
    else:
        articles = list(corpus)
    loaded = resolve_lexicons(list(lexicons) if lexicons else builtin_lexicons())
    searched = query_lexicon(query, loaded)
    sentences, note = sentence_table(articles)
    texts = {a.id: a.text for a in articles}
    hits = match_sentences(sentences, texts, Matcher([searched]))
    rows = []
    for hit in hits.itertuples(index=False):
        text = texts[hit.article_id]
        left = text[max(0, hit.start - width):hit.start].replace("\n", " ")
        right = text[hit.end:hit.end + width].replace("\n", " ")
        rows.append((hit.article_id, hit.outlet, hit.sentence_index, hit.start, hit.end,
                     hit.lexicon, hit.category, hit.entry, left, hit.matched, right, hit.voice,
                     _text(hit.source), _text(hit.cue_category)))
    table = pd.DataFrame(rows, columns=KWIC_COLUMNS).astype(
        {"sentence_index": "int64", "start": "int64", "end": "int64"})
    table.attrs["note"] = note
    return table


def _text(value) -> str:
    """A missing source or cue category (None or NaN in the hits table) as an empty string."""
    return value if isinstance(value, str) else ""
