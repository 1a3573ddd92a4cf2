"""Lexicon hits as tidy rows, voice-aware frame rates, and a scikit-learn featurizer.

Every hit carries the voice of its sentence: a frame word in the outlet's own narration
("asserted") means something different from the same word in a source's mouth ("attributed",
e.g. North Korea *maintains* that its tests are a defensive measure). The voice columns come
from attribution detection (:mod:`framing.attribution`) when the sentence rows carry them;
otherwise every hit is asserted.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import DataError
from framing.lexicon import DEFAULT_LEXICON, Lexicon, resolve_lexicons
from framing.matching import Matcher

# ``sentence_kind`` (headline, body, dateline, byline, caption): the hits table keeps every hit,
# comparisons count narrative sentences only (a dateline "(Yonhap)" is not a mention of Seoul).
HIT_COLUMNS = ["article_id", "outlet", "sentence_index", "start", "end", "lexicon", "category",
               "entry", "matched", "voice", "source", "source_type", "cue_category",
               "sentence_kind"]
FRAME_RATE_COLUMNS = ["level", "unit", "outlet", "lexicon", "category", "voice_group", "n_hits",
                      "n_sentences_hit", "n_words", "n_sentences", "rate_per_1000_words",
                      "share_of_sentences"]
FRAME_SOURCE_COLUMNS = ["outlet", "lexicon", "category", "source", "source_type", "cue_category",
                        "n_hits", "share"]
VOICE_GROUPS = ("all", "asserted", "attributed")
_VOICE_FIELDS = ("voice", "source", "source_type", "cue_category")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")


def count_words(text: str) -> int:
    """Words in a text (letters with inner hyphens/apostrophes, or numbers)."""
    return len(_WORD.findall(text))


def voice_group(voice: Any) -> str:
    """"asserted" for the outlet's own voice (or unknown), "attributed" for any other voice."""
    if voice is None or (isinstance(voice, float) and math.isnan(voice)):
        return "asserted"
    return "asserted" if str(voice) in ("", "asserted") else "attributed"


def _as_matcher(matcher: Matcher | Sequence[Lexicon | str] | Lexicon | str | None) -> Matcher:
    if isinstance(matcher, Matcher):
        return matcher
    return Matcher(resolve_lexicons(matcher))


def _sentence_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, Mapping):
        return dict(row)
    if hasattr(row, "_asdict"):
        return row._asdict()
    keys = ("index", "start", "end", *_VOICE_FIELDS)
    return dict(zip(keys, row))


def article_hits(article_id: str, outlet: str, text: str,
                 sentence_rows: Iterable[Mapping[str, Any] | Sequence[Any]] | None,
                 matcher: Matcher | Sequence[Lexicon | str] | None) -> list[dict[str, Any]]:
    """All hits in one article, one dict per hit with the keys HIT_COLUMNS. Pure function.

    The article text is scanned once; each hit is assigned to the sentence containing its
    start and inherits that sentence's voice, source, source_type and cue_category.

    Parameters
    ----------
    article_id, outlet
        Copied into every row.
    text
        The article text the sentence offsets refer to (``Article.text``).
    sentence_rows
        Dicts (or tuples in the order ``index, start, end, voice, source, source_type,
        cue_category``) with at least ``index``, ``start``, ``end``. Missing voice fields mean
        "asserted" with no source. Hits outside every sentence are dropped; with no sentence
        rows at all, every hit is kept with ``sentence_index`` -1.
    matcher
        A :class:`framing.matching.Matcher` (compile it once per process), or lexicons.

    Returns
    -------
    list of dict
        Keys HIT_COLUMNS, in text order.

    Examples
    --------
    >>> hits = article_hits("a1", "Demo", "It is a defensive measure.",
    ...                     [{"index": 0, "start": 0, "end": 26}], ["conflict_frames"])
    >>> hits[0]["category"], hits[0]["voice"]
    ('defensive_justification', 'asserted')
    """
    matcher = _as_matcher(matcher)
    rows = sorted((_sentence_dict(r) for r in (sentence_rows or ())),
                  key=lambda r: int(r["start"]))
    starts = [int(r["start"]) for r in rows]
    out: list[dict[str, Any]] = []
    for match in matcher.find(text):
        if rows:
            i = bisect.bisect_right(starts, match.start) - 1
            if i < 0 or match.start >= int(rows[i]["end"]):
                continue
            sentence = rows[i]
            index = int(sentence["index"])
        else:
            sentence, index = {}, -1
        voice = sentence.get("voice")
        out.append({
            "article_id": article_id, "outlet": outlet, "sentence_index": index,
            "start": match.start, "end": match.end, "lexicon": match.lexicon,
            "category": match.category, "entry": match.entry, "matched": match.matched,
            "voice": voice if isinstance(voice, str) and voice else "asserted",
            "source": _text_or_none(sentence.get("source")),
            "source_type": _text_or_none(sentence.get("source_type")),
            "cue_category": _text_or_none(sentence.get("cue_category")),
            "sentence_kind": _text_or_none(sentence.get("kind")),
        })
    return out


def _text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return str(value)


def hits_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Hit dicts as a DataFrame with columns HIT_COLUMNS (empty frame when no rows)."""
    table = pd.DataFrame(list(rows), columns=HIT_COLUMNS)
    return table.astype({"sentence_index": "int64", "start": "int64", "end": "int64"})


def match_sentences(sentences: pd.DataFrame,
                    texts: Mapping[str, str] | Iterable[Any] | None = None,
                    lexicons: Matcher | Sequence[Lexicon | str] | Lexicon | str | None = None
                    ) -> pd.DataFrame:
    """Lexicon hits for a sentence table; columns HIT_COLUMNS.

    Parameters
    ----------
    sentences
        A sentence table (``framing.split_sentences``: ``article_id, outlet, index, start,
        end, text``), optionally with the voice columns of attribution detection (``voice,
        source, source_type, cue_category``). Not modified.
    texts
        Article texts, as ``{article_id: text}`` or an iterable of :class:`framing.Article`;
        each article is scanned once. None matches each sentence's ``text`` on its own
        (offsets are then still article offsets: sentence ``start`` + position).
    lexicons
        A compiled Matcher, lexicon names/paths/objects, or None for ``conflict_frames``.

    Returns
    -------
    DataFrame
        One row per hit, columns HIT_COLUMNS, sorted by article order then position.

    Examples
    --------
    >>> from framing import load_corpus, split_sentences
    >>> corpus = load_corpus("seeds")
    >>> hits = match_sentences(split_sentences(corpus.articles), corpus.articles)
    >>> "defensive_justification" in set(hits["category"])
    True
    """
    missing = {"article_id", "index", "start", "end"} - set(sentences.columns)
    if missing:
        raise DataError(f"the sentence table lacks column(s) {sorted(missing)}; "
                        f"make it with framing.split_sentences")
    matcher = _as_matcher(lexicons)
    if texts is not None and not isinstance(texts, Mapping):
        texts = {a.id: a.text for a in texts}
    columns = [c for c in ("article_id", "outlet", "index", "start", "end", "text", "kind",
                           *_VOICE_FIELDS) if c in sentences.columns]
    records = sentences[columns].to_dict(orient="records")
    rows: list[dict[str, Any]] = []
    if texts is None:
        if "text" not in sentences.columns:
            raise DataError("the sentence table has no 'text' column; pass the article texts")
        for record in records:
            start = int(record["start"])
            for hit in article_hits(record["article_id"], record.get("outlet", ""),
                                    record["text"], [{**record, "start": 0,
                                                      "end": len(record["text"])}], matcher):
                hit["start"] += start
                hit["end"] += start
                rows.append(hit)
        return hits_frame(rows)
    by_article: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_article.setdefault(record["article_id"], []).append(record)
    for article_id, group in by_article.items():
        if article_id not in texts:
            raise DataError(f"no text for article {article_id!r}; pass every article of the "
                            f"sentence table")
        rows.extend(article_hits(article_id, group[0].get("outlet", ""), texts[article_id],
                                 group, matcher))
    return hits_frame(rows)


def frame_rates(hits: pd.DataFrame, sentences: pd.DataFrame, *,
                categories: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Frame rates per article and per outlet, split by voice; columns FRAME_RATE_COLUMNS.

    Parameters
    ----------
    hits
        HIT_COLUMNS rows (:func:`match_sentences` or the analysis pipeline).
    sentences
        The sentence table the hits came from (denominators: its sentences and words; the
        ``n_words`` column is used when present).
    categories
        ``(lexicon, category)`` pairs to report, zeros included; default: those in ``hits``.

    Returns
    -------
    DataFrame
        ``level`` ("article" or "outlet"), ``unit`` (article id or outlet), ``outlet``,
        ``lexicon``, ``category``, ``voice_group`` ("all", "asserted", "attributed"),
        ``n_hits``, ``n_sentences_hit`` (sentences with at least one hit), ``n_words``,
        ``n_sentences`` (of the unit, whatever the voice), ``rate_per_1000_words``
        (``1000 * n_hits / n_words``) and ``share_of_sentences``
        (``n_sentences_hit / n_sentences``). Asserted plus attributed equals all.
    """
    if categories is None:
        categories = sorted({(lx, c) for lx, c in zip(hits["lexicon"], hits["category"])})
    categories = list(categories)
    if sentences.empty or not categories:
        return pd.DataFrame(columns=FRAME_RATE_COLUMNS)
    sent = pd.DataFrame({
        "article_id": sentences["article_id"].to_numpy(),
        "outlet": sentences["outlet"].to_numpy() if "outlet" in sentences else "",
        "n_words": (sentences["n_words"].to_numpy() if "n_words" in sentences
                    else sentences["text"].map(count_words).to_numpy()),
    })
    h = pd.DataFrame({
        "article_id": hits["article_id"].to_numpy(), "outlet": hits["outlet"].to_numpy(),
        "sentence_index": hits["sentence_index"].to_numpy(),
        "lexicon": hits["lexicon"].to_numpy(), "category": hits["category"].to_numpy(),
        "voice_group": [voice_group(v) for v in hits["voice"]],
    })
    h = h[[pair in set(categories) for pair in zip(h["lexicon"], h["category"])]]
    outlet_of = dict(zip(sent["article_id"], sent["outlet"]))
    frames = []
    for level, unit_col in (("article", "article_id"), ("outlet", "outlet")):
        denom = sent.groupby(unit_col, sort=True).agg(n_words=("n_words", "sum"),
                                                      n_sentences=("n_words", "size"))
        grid = pd.MultiIndex.from_tuples(
            [(u, lx, c, g) for u in denom.index for lx, c in categories for g in VOICE_GROUPS],
            names=["unit", "lexicon", "category", "voice_group"])
        parts = []
        for group in VOICE_GROUPS:
            sub = h if group == "all" else h[h["voice_group"] == group]
            keys = [unit_col, "lexicon", "category"]
            n_hits = sub.groupby(keys).size()
            n_sent = sub.drop_duplicates([*keys, "article_id", "sentence_index"]) \
                .groupby(keys).size()
            part = pd.DataFrame({"n_hits": n_hits, "n_sentences_hit": n_sent})
            part["voice_group"] = group
            part.index = part.index.set_names(["unit", "lexicon", "category"])
            parts.append(part.reset_index())
        counts = pd.concat(parts, ignore_index=True).set_index(
            ["unit", "lexicon", "category", "voice_group"])
        table = counts.reindex(grid, fill_value=0).reset_index()
        table["n_words"] = table["unit"].map(denom["n_words"]).astype("int64")
        table["n_sentences"] = table["unit"].map(denom["n_sentences"]).astype("int64")
        table["level"] = level
        table["outlet"] = table["unit"].map(outlet_of) if level == "article" else table["unit"]
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    out["n_hits"] = out["n_hits"].astype("int64")
    out["n_sentences_hit"] = out["n_sentences_hit"].astype("int64")
    words = out["n_words"].where(out["n_words"] > 0)
    out["rate_per_1000_words"] = (1000 * out["n_hits"] / words).fillna(0.0).round(6)
    sents = out["n_sentences"].where(out["n_sentences"] > 0)
    out["share_of_sentences"] = (out["n_sentences_hit"] / sents).fillna(0.0).round(6)
    return out[FRAME_RATE_COLUMNS].reset_index(drop=True)


def frame_sources(hits: pd.DataFrame) -> pd.DataFrame:
    """Attributed-to-whom: attributed hits per outlet, category and source; FRAME_SOURCE_COLUMNS.

    ``share`` is the source's share of the outlet's attributed hits of that category.
    Asserted hits are left out (the outlet is their source).
    """
    attributed = hits[[voice_group(v) == "attributed" for v in hits["voice"]]]
    if attributed.empty:
        return pd.DataFrame(columns=FRAME_SOURCE_COLUMNS)
    keys = ["outlet", "lexicon", "category", "source", "source_type", "cue_category"]
    table = attributed[keys].fillna("").groupby(keys, sort=True).size() \
        .rename("n_hits").reset_index()
    totals = table.groupby(["outlet", "lexicon", "category"])["n_hits"].transform("sum")
    table["share"] = (table["n_hits"] / totals).round(6)
    table = table.sort_values(["outlet", "lexicon", "category", "n_hits", "source"],
                              ascending=[True, True, True, False, True], kind="stable")
    return table[FRAME_SOURCE_COLUMNS].reset_index(drop=True)


@functools.cache
def _featurizer_class() -> type:
    """Build :class:`LexiconFeaturizer` on first use: scikit-learn costs about a second to
    import, and only the featurizer needs it (``framing analyze`` never does)."""
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.utils.validation import check_is_fitted

    class LexiconFeaturizer(TransformerMixin, BaseEstimator):
        """Per-category lexicon hit rates for each text; usable inside a Pipeline.

        Parameters
        ----------
        lexicon
            A lexicon name, path or :class:`Lexicon`, or a list of them
            (default ``"conflict_frames"``).
        normalize
            True: hits per 1,000 words; False: raw counts.

        Examples
        --------
        >>> features = LexiconFeaturizer().fit(["x"])
        >>> features.transform(["Pyongyang calls it a defensive measure."]).shape[0]
        1
        """

        def __init__(self, lexicon: str | Lexicon | Sequence[str | Lexicon] = DEFAULT_LEXICON, *,
                     normalize: bool = True):
            self.lexicon = lexicon
            self.normalize = normalize

        def fit(self, X, y=None):
            self.lexicons_ = tuple(resolve_lexicons(self.lexicon))
            self.matcher_ = Matcher(self.lexicons_)
            pairs = self.matcher_.categories
            self.categories_ = tuple(pairs)
            single = len(self.lexicons_) == 1
            self.feature_names_ = tuple(f"lex_{c}" if single else f"lex_{lx}_{c}"
                                        for lx, c in pairs)
            self.n_features_in_ = 1
            return self

        def transform(self, X) -> np.ndarray:
            check_is_fitted(self, "matcher_")
            texts = _texts(X)
            column = {pair: i for i, pair in enumerate(self.categories_)}
            out = np.zeros((len(texts), len(column)), dtype=float)
            for row, text in enumerate(texts):
                for match in self.matcher_.find(text):
                    out[row, column[(match.lexicon, match.category)]] += 1
                if self.normalize:
                    n_words = count_words(text)
                    out[row] = out[row] * 1000 / n_words if n_words else 0.0
            return out

        def get_feature_names_out(self, input_features=None):
            check_is_fitted(self, "matcher_")
            return np.asarray(self.feature_names_, dtype=object)

    LexiconFeaturizer.__module__ = __name__
    LexiconFeaturizer.__qualname__ = "LexiconFeaturizer"   # pickles as a module attribute
    return LexiconFeaturizer


def __getattr__(name: str) -> Any:
    if name == "LexiconFeaturizer":
        cls = _featurizer_class()
        globals()[name] = cls          # later look-ups skip __getattr__
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _texts(X) -> list[str]:
    if isinstance(X, str):
        raise DataError("LexiconFeaturizer expects a list of texts, got a single string; "
                        "wrap it in a list: [text]")
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise DataError(f"LexiconFeaturizer expects one text column, got {X.shape[1]}")
        X = X.iloc[:, 0]
    texts = ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t)
             for t in (X.ravel() if isinstance(X, np.ndarray) else X)]
    return texts
