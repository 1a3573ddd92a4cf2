"""The analysis pipeline: articles in, tidy tables out.

``analyze_article`` is a pure function of one article (plus the compiled lexicon matcher): it
returns plain row lists for every table. ``analyze`` streams articles from
:func:`framing.ingest.iter_corpus`, maps ``analyze_article`` over them (in ``jobs`` processes
when asked, keeping input order) and only then builds the DataFrames, so a serial, parallel or
distributed run yields identical tables. Nothing per article is kept but its rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from framing._version import __version__
from framing.errors import FramingError
from framing.models import Article, Skipped

ARTICLE_COLUMNS = ["article_id", "outlet", "title", "date", "url", "event", "path", "encoding",
                   "sha256", "n_sentences", "n_words"]
SENTENCE_COLUMNS = ["article_id", "outlet", "index", "paragraph", "kind", "start", "end", "text",
                    "n_words", "voice", "hedged", "scare_quote", "source", "source_type", "cue",
                    "cue_category", "compound", "pos", "neu", "neg", "actors", "frames"]
SKIPPED_COLUMNS = ["path", "reason"]
VOICES = ("asserted", "direct", "indirect", "according_to", "mixed")
# Lexicons matched against every article: frames, actor mentions, hedges.
DEFAULT_LEXICONS = ("conflict_frames", "actors", "hedges")
FRAME_LEXICON = "conflict_frames"
ACTOR_LEXICON = "actors"
TABLES = ("articles", "sentences", "attributions", "hits", "skipped")

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")


def count_words(text: str) -> int:
    """Number of word tokens (letters with inner hyphens/apostrophes, or numbers).

    >>> count_words("North Korea's self-defence, 2 tests.")
    5
    """
    return len(_WORD.findall(text))


def _attribution_columns() -> list[str]:
    from framing.attribution import ATTRIBUTION_COLUMNS

    return list(ATTRIBUTION_COLUMNS)


def _hit_columns() -> list[str]:
    from framing.scoring import HIT_COLUMNS

    return list(HIT_COLUMNS)


@dataclass(frozen=True)
class Analysis:
    """Tidy tables of one analysis run (each documented by its ``*_COLUMNS`` constant).

    ``articles`` (ARTICLE_COLUMNS), ``sentences`` (SENTENCE_COLUMNS: voice, source, cue, hedged,
    VADER scores, actors mentioned and frames as ``;``-joined category ids), ``attributions``
    (``framing.attribution.ATTRIBUTION_COLUMNS``), ``hits`` (``framing.scoring.HIT_COLUMNS``),
    ``skipped`` (SKIPPED_COLUMNS); ``provenance`` records the package and lexicon versions and
    hashes that produced them.
    """

    articles: pd.DataFrame
    sentences: pd.DataFrame
    attributions: pd.DataFrame
    hits: pd.DataFrame
    skipped: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise FramingError(f"no analysis table {name!r}; choose one of {', '.join(TABLES)}")
        return getattr(self, name)


# ---------------------------------------------------------------- per article (pure)

def _as_dict(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    if hasattr(row, "_asdict"):
        return row._asdict()
    return dict(zip(columns, row))


def analyze_article(article: Article, *, matcher: Any) -> dict[str, list]:
    """All table rows of one article. Pure: same article and matcher, same rows.

    Parameters
    ----------
    article
        An ingested article.
    matcher
        The compiled lexicons (:func:`framing.matching.compile_matcher`).

    Returns
    -------
    dict
        ``{"articles": [tuple], "sentences": [tuple], "attributions": [dict], "hits": [dict]}``;
        tuples follow ARTICLE_COLUMNS / SENTENCE_COLUMNS.
    """
    from framing.attribution import VOICE_COLUMNS, attribute_article
    from framing.scoring import article_hits
    from framing.sentences import article_sentences
    from framing.sentiment import score_sentence

    spans = article_sentences(article)
    voice_rows, attribution_rows = attribute_article(article, spans)
    voices = [_as_dict(r, VOICE_COLUMNS) for r in voice_rows]
    text = article.text
    base = []
    for index, (start, end, paragraph, kind) in enumerate(spans):
        v = voices[index] if index < len(voices) else {}
        base.append({
            "article_id": article.id, "outlet": article.outlet, "index": index,
            "paragraph": paragraph, "kind": kind, "start": start, "end": end,
            "text": text[start:end], "voice": v.get("voice") or "asserted",
            "hedged": bool(v.get("hedged", False)),
            "scare_quote": bool(v.get("scare_quote", False)),
            "source": v.get("source") or "", "source_type": v.get("source_type") or "",
            "cue": v.get("cue") or "", "cue_category": v.get("cue_category") or "",
        })
    hits = [dict(h) for h in article_hits(article.id, article.outlet, text, base, matcher)]
    frames: dict[int, set[str]] = {}
    actors: dict[int, set[str]] = {}
    for hit in hits:
        index = _hit_sentence(hit)
        if index is None:
            continue
        if hit.get("lexicon") == FRAME_LEXICON:
            frames.setdefault(index, set()).add(hit["category"])
        elif hit.get("lexicon") == ACTOR_LEXICON:
            actors.setdefault(index, set()).add(hit["category"])
    sentences = []
    n_words_article = 0
    for row in base:
        i = row["index"]
        n_words = count_words(row["text"])
        n_words_article += n_words
        compound, pos, neu, neg = score_sentence(row["text"])
        sentences.append((
            row["article_id"], row["outlet"], i, row["paragraph"], row["kind"], row["start"],
            row["end"], row["text"], n_words, row["voice"], row["hedged"], row["scare_quote"],
            row["source"], row["source_type"], row["cue"], row["cue_category"],
            compound, pos, neu, neg, ";".join(sorted(actors.get(i, ()))),
            ";".join(sorted(frames.get(i, ())))))
    attributions = [dict(_as_dict(r, _attribution_columns())) for r in attribution_rows]
    article_row = (article.id, article.outlet, article.title, article.date, article.url,
                   article.event, article.path, article.encoding, article.sha256,
                   len(sentences), n_words_article)
    return {"articles": [article_row], "sentences": sentences, "attributions": attributions,
            "hits": hits}


def _hit_sentence(hit: dict) -> int | None:
    for key in ("index", "sentence_index", "sentence"):
        value = hit.get(key)
        if value is not None and not isinstance(value, str):
            return int(value)
    return None


# ---------------------------------------------------------------- the corpus

_WORKER_MATCHER: Any = None


def load_matcher(lexicons: Sequence[str] = DEFAULT_LEXICONS) -> Any:
    """Load and compile the named lexicons into one matcher."""
    from framing.matching import compile_matcher

    return compile_matcher(list(lexicons))


def _init_worker(lexicons: Sequence[str]) -> None:
    global _WORKER_MATCHER
    _WORKER_MATCHER = load_matcher(lexicons)


def _work(article: Article) -> dict[str, list]:
    return analyze_article(article, matcher=_WORKER_MATCHER)


def _iter_inputs(paths: Sequence[str | Path], outlet: str | None) -> Iterator[Article | Skipped]:
    from framing.ingest import iter_corpus

    if isinstance(paths, (str, Path)):
        paths = [paths]
    kwargs = {"outlet": outlet} if outlet else {}
    yield from iter_corpus([str(p) for p in paths], **kwargs)


def _map_articles(items: Iterable[Article | Skipped], lexicons: Sequence[str], jobs: int,
                  skipped: list[tuple[str, str]]) -> Iterator[dict[str, list]]:
    def articles() -> Iterator[Article]:
        for item in items:
            if isinstance(item, Skipped):
                skipped.append((item.path, item.reason))
            else:
                yield item

    if jobs <= 1:
        matcher = load_matcher(lexicons)
        for article in articles():
            yield analyze_article(article, matcher=matcher)
        return
    import multiprocessing

    global _WORKER_MATCHER
    if "fork" in multiprocessing.get_all_start_methods():
        # Build the expensive objects once, before forking: the workers inherit them.
        _WORKER_MATCHER = load_matcher(lexicons)
        _warm_up()
        ctx, init, initargs = multiprocessing.get_context("fork"), None, ()
    else:
        ctx, init, initargs = multiprocessing.get_context("spawn"), _init_worker, (tuple(lexicons),)
    try:
        with ctx.Pool(jobs, initializer=init, initargs=initargs) as pool:
            # imap keeps input order, so the tables do not depend on the number of processes.
            yield from pool.imap(_work, articles(), chunksize=4)
    finally:
        _WORKER_MATCHER = None


def _warm_up() -> None:
    """Load the attribution model and VADER's lexicon in this process (cached per process)."""
    from framing.sentiment import score_sentence

    score_sentence("warm up")
    try:
        from framing.attribution_model import load_model

        load_model()
    except (ImportError, FramingError):
        pass  # analyze_article reports a missing model itself, with the fix


def analyze(paths: str | Path | Sequence[str | Path], *, jobs: int = 1,
            outlet: str | None = None,
            lexicons: Sequence[str] = DEFAULT_LEXICONS) -> Analysis:
    """Analyse a corpus: sentences with voice, source, cue, sentiment, actors and frames.

    Parameters
    ----------
    paths
        Files, folders or globs (anything :func:`framing.ingest.iter_corpus` reads).
    jobs
        Worker processes; the tables are identical for any value.
    outlet
        Outlet name for inputs that do not say (plain text files without chrome).
    lexicons
        Lexicons matched against every article.

    Returns
    -------
    Analysis
        The tidy tables and their provenance.

    Examples
    --------
    >>> analysis = analyze("seeds")
    >>> sorted(analysis.articles["outlet"])
    ['Press TV', 'Yonhap']
    """
    if jobs < 1:
        raise FramingError(f"--jobs must be at least 1, got {jobs}")
    skipped: list[tuple[str, str]] = []
    rows: dict[str, list] = {"articles": [], "sentences": [], "attributions": [], "hits": []}
    for result in _map_articles(_iter_inputs(paths, outlet), lexicons, jobs, skipped):
        for key, value in result.items():
            rows[key].extend(value)
    return build_analysis(rows, skipped, lexicons=lexicons)


def build_analysis(rows: dict[str, list], skipped: Sequence[tuple[str, str]], *,
                   lexicons: Sequence[str] = DEFAULT_LEXICONS) -> Analysis:
    """Aggregate per-article rows (from :func:`analyze_article`) into an :class:`Analysis`."""
    articles = pd.DataFrame(rows["articles"], columns=ARTICLE_COLUMNS).astype(
        {"n_sentences": "int64", "n_words": "int64"})
    sentences = pd.DataFrame(rows["sentences"], columns=SENTENCE_COLUMNS).astype(
        {"index": "int64", "paragraph": "int64", "start": "int64", "end": "int64",
         "n_words": "int64", "hedged": "bool", "scare_quote": "bool", "compound": "float64",
         "pos": "float64", "neu": "float64", "neg": "float64"})
    attributions = pd.DataFrame(rows["attributions"], columns=_attribution_columns())
    hits = pd.DataFrame(rows["hits"], columns=_hit_columns())
    skipped_df = pd.DataFrame(list(skipped), columns=SKIPPED_COLUMNS)
    return Analysis(articles, sentences, attributions, hits, skipped_df,
                    provenance=provenance(articles, lexicons))


def provenance(articles: pd.DataFrame, lexicons: Sequence[str]) -> dict[str, Any]:
    """Versions and hashes: package, lexicons (sha256 of their files), inputs."""
    lex = []
    for name in lexicons:
        resource = files("framing.lexicons") / f"{name}.yaml"
        version = ""
        digest = ""
        if resource.is_file():
            data = resource.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            match = re.search(rb"(?m)^version:\s*['\"]?([^'\"\s]+)", data)
            version = match.group(1).decode() if match else ""
        lex.append({"name": name, "version": version, "sha256": digest})
    # A JSONL/CSV row's path ends in ":LINE"; the file is the input. Row hashes are per article.
    inputs = sorted({(re.sub(r":\d+$", "", p), s)
                     for p, s in zip(articles["path"], articles["sha256"])})
    models = []
    for name in ("attribution_model.npz",):
        resource = files("framing") / "data" / name
        if resource.is_file():
            models.append({"name": name,
                           "sha256": hashlib.sha256(resource.read_bytes()).hexdigest()})
    return {"package": "framing", "version": __version__, "lexicons": lex, "models": models,
            "inputs": [{"path": p, "sha256": s} for p, s in inputs]}


# ---------------------------------------------------------------- output

def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_analysis(analysis: Analysis, out_dir: str | Path) -> list[Path]:
    """Write every table as ``<name>.parquet`` and ``<name>.csv`` plus ``provenance.json``.

    Each file is written beside its target and moved into place, so a re-run into the same
    folder replaces the previous results and a reader never sees half a file.

    Returns
    -------
    list of Path
        The files written, in a fixed order.
    """
    import io

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FramingError(f"cannot create output folder {out}: {exc.strerror}") from exc
    written = []
    for name in TABLES:
        table = _flat(analysis.table(name))
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        _atomic_write_bytes(out / f"{name}.parquet", buffer.getvalue())
        _atomic_write_bytes(out / f"{name}.csv", table.to_csv(index=False).encode("utf-8"))
        written += [out / f"{name}.parquet", out / f"{name}.csv"]
    _atomic_write_bytes(out / "provenance.json",
                        json.dumps(analysis.provenance, indent=2, sort_keys=True).encode("utf-8"))
    written.append(out / "provenance.json")
    return written


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """Lists/tuples in cells (e.g. content spans) as JSON strings, so CSV and Parquet agree."""
    out = table
    for column in table.columns:
        if table[column].dtype == object and table[column].map(
                lambda v: isinstance(v, (list, tuple, dict))).any():
            if out is table:
                out = table.copy()
            out[column] = table[column].map(
                lambda v: json.dumps(v) if isinstance(v, (list, tuple, dict)) else v)
    return out


def read_analysis(out_dir: str | Path) -> Analysis:
    """Read tables written by :func:`write_analysis` back (from the Parquet files)."""
    out = Path(out_dir)
    tables = {}
    for name in TABLES:
        path = out / f"{name}.parquet"
        if not path.is_file():
            raise FramingError(f"{out}: not an analysis folder (no {name}.parquet); "
                               f"create one with 'framing analyze PATH --out {out}'")
        tables[name] = pd.read_parquet(path)
    prov = out / "provenance.json"
    meta = json.loads(prov.read_text(encoding="utf-8")) if prov.is_file() else {}
    return Analysis(**tables, provenance=meta)
