"""Events: which articles report the same happening, and which facts each outlet includes.

Grouping: articles with an ``event`` field keep it. The others are linked when their texts are
similar (TF-IDF cosine over word unigrams and bigrams) and their dates are close (or unknown);
linked articles form one event (connected components, single linkage). An unlinked article is an
event of its own.

Alignment: within an event, sentences of different outlets are matched when they share enough
content words (TF-IDF cosine of the sentences); matched sentences form a *fact*. A fact reported
by one outlet only is listed as unique to it, as are sources and frames only one outlet uses.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date

import numpy as np
import pandas as pd

EVENT_COLUMNS = ["article_id", "outlet", "date", "event", "event_source"]
ALIGNMENT_COLUMNS = ["event", "fact", "outlet", "article_id", "index", "voice", "source", "text",
                     "similarity", "n_outlets"]
UNIQUE_COLUMNS = ["event", "outlet", "kind", "item", "article_id", "index"]

ARTICLE_SIMILARITY = 0.25
DATE_WINDOW_DAYS = 3
SENTENCE_SIMILARITY = 0.35
# Headlines, bylines and captions repeat each other across pages; align narrative sentences.
_ALIGN_KINDS = ("body", "headline")
_MIN_ALIGN_WORDS = 5


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _vectorize(texts: list[str], ngrams: int = 2):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, ngrams), sublinear_tf=True,
                                 token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b", dtype=np.float64)
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:          # only stop words: nothing to compare
        return None


def group_events(articles: pd.DataFrame, texts: dict[str, str], *,
                 threshold: float = ARTICLE_SIMILARITY,
                 window_days: int = DATE_WINDOW_DAYS) -> pd.DataFrame:
    """Assign every article to an event.

    Parameters
    ----------
    articles
        Columns ``article_id, outlet, date, event`` (an empty ``event`` means unknown).
    texts
        Article id -> text used for similarity.
    threshold
        Minimum TF-IDF cosine similarity for two articles to be linked.
    window_days
        Maximum distance between the dates of linked articles (unknown dates always pass).

    Returns
    -------
    DataFrame
        Columns EVENT_COLUMNS; ``event_source`` is ``given`` (from the input) or ``grouped``
        (found here). Grouped events are named ``auto-<date>-<hash>``, stable for the same
        articles.

    Examples
    --------
    >>> table = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"],
    ...                       "date": ["2022-06-22", "2022-06-23", "2019-01-01"],
    ...                       "event": ["", "", ""]})
    >>> texts = {"a": "Kim presided over a military commission meeting on defense policy",
    ...          "b": "The military commission meeting presided over by Kim discussed defense",
    ...          "c": "Farmers reported a record rice harvest this autumn"}
    >>> group_events(table, texts)["event"].tolist()[0] == group_events(table, texts)["event"][1]
    True
    """
    out = articles[["article_id", "outlet", "date"]].copy().reset_index(drop=True)
    given = articles["event"].fillna("").astype(str).str.strip().reset_index(drop=True)
    out["event"] = given
    out["event_source"] = np.where(given != "", "given", "grouped")
    todo = [i for i in range(len(out)) if not given[i]]
    if todo:
        ids = [out.loc[i, "article_id"] for i in todo]
        # Whole articles: unigrams suffice (and keep this fast for thousands of articles).
        matrix = _vectorize([texts.get(a, "") for a in ids], 1) if len(todo) > 1 else None
        links = []
        if matrix is not None:
            sims = matrix @ matrix.T            # sparse: only pairs sharing a term
            sims.data[sims.data < threshold] = 0
            sims.eliminate_zeros()
            rows, cols = sims.nonzero()
            dates = [_parse_date(out.loc[i, "date"]) for i in todo]
            for a, b in zip(rows.tolist(), cols.tolist()):
                if b <= a:
                    continue
                if dates[a] and dates[b] and abs((dates[a] - dates[b]).days) > window_days:
                    continue
                links.append((a, b))
        members: dict[int, list[int]] = {}
        for k, component in enumerate(_components(len(todo), links)):
            members.setdefault(component, []).append(k)
        for group in members.values():
            group_ids = sorted(ids[k] for k in group)
            group_dates = sorted(d for d in (str(out.loc[todo[k], "date"]) for k in group) if d)
            digest = hashlib.sha256("\n".join(group_ids).encode()).hexdigest()[:8]
            name = f"auto-{group_dates[0] if group_dates else 'undated'}-{digest}"
            for k in group:
                out.loc[todo[k], "event"] = name
    return out[EVENT_COLUMNS]


def _components(n: int, links) -> np.ndarray:
    """Connected-component label of each of ``n`` items linked by ``(a, b)`` pairs."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = np.asarray(list(links), dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def align_event(sentences: pd.DataFrame, *, threshold: float = SENTENCE_SIMILARITY) -> pd.DataFrame:
    """Facts of one event: sentences of different outlets reporting the same thing.

    Parameters
    ----------
    sentences
        The event's sentences: ``event, article_id, outlet, index, kind, voice, source, text``.
    threshold
        Minimum TF-IDF cosine similarity for two sentences of different outlets to be linked.

    Returns
    -------
    DataFrame
        Columns ALIGNMENT_COLUMNS, one row per aligned sentence: sentences linked (directly or
        through others) share a ``fact`` number; ``similarity`` is the sentence's best match in
        another outlet; ``n_outlets`` counts the outlets reporting the fact. Sentences without a
        match are facts with ``n_outlets == 1``. Sorted by fact, outlet, article, index.
    """
    rows = sentences[sentences["kind"].isin(_ALIGN_KINDS)].reset_index(drop=True)
    rows = rows[rows["text"].str.count(r"\w+") >= _MIN_ALIGN_WORDS].reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(columns=ALIGNMENT_COLUMNS)
    n = len(rows)
    matrix = _vectorize(rows["text"].tolist()) if rows["outlet"].nunique() > 1 else None
    best = np.zeros(n)
    links = []
    if matrix is not None:
        sims = (matrix @ matrix.T).toarray()
        outlets = rows["outlet"].to_numpy()
        different = outlets[:, None] != outlets[None, :]
        sims = np.where(different, sims, 0.0)
        best = sims.max(axis=1)
        links = list(zip(*np.nonzero(np.triu(sims >= threshold, k=1))))
    roots = _components(n, links).tolist()
    # Number facts by their first sentence in (article, index) order: stable numbering.
    order = {}
    for i in sorted(range(n), key=lambda i: (rows.loc[i, "article_id"], rows.loc[i, "index"])):
        order.setdefault(roots[i], len(order) + 1)
    out = rows.assign(fact=[order[r] for r in roots], similarity=best.round(3))
    out["n_outlets"] = out.groupby("fact")["outlet"].transform("nunique").astype("int64")
    out = out.sort_values(["fact", "outlet", "article_id", "index"], kind="stable")
    return out[ALIGNMENT_COLUMNS].reset_index(drop=True)


def unique_items(event: str, alignment: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """What only one outlet of an event includes: facts, sources and frames.

    Parameters
    ----------
    alignment
        :func:`align_event` output for the event.
    sentences
        The event's sentences (``outlet, article_id, index, source, frames``).

    Returns
    -------
    DataFrame
        Columns UNIQUE_COLUMNS; ``kind`` is ``fact`` (item: the sentence), ``source`` (the
        source's name) or ``frame`` (the category id), with the first sentence showing it.
        Empty when the event has a single outlet (nothing to contrast).
    """
    if sentences["outlet"].nunique() < 2:
        return pd.DataFrame(columns=UNIQUE_COLUMNS)
    rows = []
    if not alignment.empty:
        single = alignment[alignment["n_outlets"] == 1]
        for r in single.itertuples(index=False):
            rows.append((event, r.outlet, "fact", r.text, r.article_id, int(r.index)))
    for kind, column in (("source", "source"), ("frame", "frames")):
        seen: dict[str, dict[str, tuple[str, int]]] = {}
        labels: dict[str, str] = {}
        for r in sentences.sort_values(["article_id", "index"]).itertuples(index=False):
            value = getattr(r, column)
            if not value:
                continue
            items = value.split(";") if kind == "frame" else [value]
            for item in items:
                key = item.strip().lower() if kind == "source" else item
                seen.setdefault(key, {}).setdefault(r.outlet, (r.article_id, int(r.index)))
                labels.setdefault(key, item)
        for key, by_outlet in sorted(seen.items()):
            label = labels[key]
            if len(by_outlet) == 1:
                outlet, (article_id, index) = next(iter(by_outlet.items()))
                rows.append((event, outlet, kind, label, article_id, index))
    out = pd.DataFrame(rows, columns=UNIQUE_COLUMNS)
    return out.sort_values(["outlet", "kind", "article_id", "index", "item"],
                           kind="stable").reset_index(drop=True)


_SPACE = re.compile(r"\s+")


def short(text: str, width: int = 160) -> str:
    """A sentence shortened for tables (whitespace collapsed, ellipsis past ``width``)."""
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def date_span(dates: list[str]) -> str:
    """``first – last`` of ISO dates (or the single date, or '' if none)."""
    valid = sorted(d for d in dates if d)
    if not valid:
        return ""
    return valid[0] if valid[0] == valid[-1] else f"{valid[0]} – {valid[-1]}"


__all__ = ["group_events", "align_event", "unique_items", "EVENT_COLUMNS", "ALIGNMENT_COLUMNS",
           "UNIQUE_COLUMNS"]
