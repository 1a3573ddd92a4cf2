"""The analysis pipeline: articles in, tidy tables out.

``analyze_article`` is a pure function of one article (plus the compiled lexicon matcher): it
returns plain row lists for every table. ``analyze`` streams articles from
:func:`framing.ingest.iter_corpus`, maps ``analyze_article`` over them (in ``jobs`` processes
when asked, keeping input order) and only then builds the DataFrames, so a serial, parallel or
distributed run yields identical tables. Nothing per article is kept but its rows.
"""
from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from framing._version import __version__
from framing.errors import FramingError
from framing.files import atomic_write, make_folder
from framing.models import Article, Skipped

if TYPE_CHECKING:
    from framing.ingest import Corpus

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

    return ATTRIBUTION_COLUMNS


def _hit_columns() -> list[str]:
    from framing.scoring import HIT_COLUMNS

    return HIT_COLUMNS


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


def analyze_article(article: Article, *, matcher: Any,
                    frames: str = FRAME_LEXICON) -> dict[str, list]:
    """All table rows of one article. Pure: same article and matcher, same rows.

    Parameters
    ----------
    article
        An ingested article.
    matcher
        The compiled lexicons (:func:`framing.matching.compile_matcher`).
    frames
        Name of the lexicon whose hits fill the ``frames`` column (``Lexicon.name``).

    Returns
    -------
    dict
        ``{"articles": [tuple], "sentences": [tuple], "attributions": [tuple], "hits":
        [tuple]}``; tuples follow ARTICLE_COLUMNS / SENTENCE_COLUMNS / ATTRIBUTION_COLUMNS /
        HIT_COLUMNS (plain tuples: cheap to send back from a worker process).
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
    hit_columns = _hit_columns()
    hits = article_hits(article.id, article.outlet, text, base, matcher)
    # Every sentence's frames and actors (whatever its kind: the table is complete; the
    # comparisons keep headline and body sentences only).
    frame_sets: dict[int, set[str]] = {}
    actors: dict[int, set[str]] = {}
    for hit in hits:
        index = _hit_sentence(hit)
        if index is None:
            continue
        if hit.get("lexicon") == frames:
            frame_sets.setdefault(index, set()).add(hit["category"])
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
            ";".join(sorted(frame_sets.get(i, ())))))
    attribution_columns = _attribution_columns()
    attributions = [_as_tuple(r, attribution_columns) for r in attribution_rows]
    article_row = (article.id, article.outlet, article.title, article.date, article.url,
                   article.event, article.path, article.encoding, article.sha256,
                   len(sentences), n_words_article)
    return {"articles": [article_row], "sentences": sentences, "attributions": attributions,
            "hits": [_as_tuple(h, hit_columns) for h in hits]}


def _as_tuple(row: Any, columns: Sequence[str]) -> tuple:
    if isinstance(row, dict):
        return tuple(row.get(c) for c in columns)
    if hasattr(row, "_asdict"):
        row = row._asdict()
        return tuple(row.get(c) for c in columns)
    return tuple(row)


def _hit_sentence(hit: dict) -> int | None:
    for key in ("index", "sentence_index", "sentence"):
        value = hit.get(key)
        if value is not None and not isinstance(value, str):
            return int(value)
    return None


# ---------------------------------------------------------------- the corpus

LexiconSpec = Any   # a built-in name, a path, or a framing.lexicon.Lexicon

# The matcher and frame-lexicon name of a worker process: set once per process (inherited
# when forked, built by _init_worker when spawned), never per article.
_WORKER: tuple[Any, str] | None = None
# Articles per task sent to a worker: enough to amortise the inter-process traffic, few
# enough that both workers stay busy to the end of a small corpus.
CHUNKSIZE = 8


@dataclass(frozen=True)
class _LexiconSet:
    """The loaded lexicons of a run, with what provenance records about each."""

    lexicons: tuple[Any, ...]
    records: tuple[dict[str, str], ...]
    frames: str                                   # Lexicon.name of the frame lexicon


def _lexicon_record(spec: LexiconSpec, lexicon: Any) -> dict[str, str]:
    """Name, version, sha256 of the file and where it came from."""
    data = b""
    if isinstance(spec, (str, Path)):
        path = Path(spec)
        if path.suffix or path.exists() or "/" in str(spec):
            data = path.read_bytes() if path.is_file() else b""
            source = str(path)
        else:
            resource = files("framing.lexicons") / f"{spec}.yaml"
            data = resource.read_bytes() if resource.is_file() else b""
            source = f"builtin:{spec}"
    else:
        source = str(getattr(lexicon, "source", ""))
        if source and Path(source).is_file():
            data = Path(source).read_bytes()
    return {"name": lexicon.name, "version": str(lexicon.version or ""),
            "sha256": hashlib.sha256(data).hexdigest() if data else "", "source": source}


def resolve_lexicon_set(lexicons: Sequence[LexiconSpec] = DEFAULT_LEXICONS,
                        frames: LexiconSpec = FRAME_LEXICON) -> _LexiconSet:
    """Load ``lexicons`` plus the frame lexicon ``frames`` (added when not among them)."""
    from framing.lexicon import load_lexicon

    if isinstance(lexicons, (str, Path)):
        lexicons = [lexicons]
    loaded: list[Any] = []
    records: list[dict[str, str]] = []
    frame_lexicon = load_lexicon(frames)
    for spec in lexicons:
        lexicon = frame_lexicon if spec == frames else load_lexicon(spec)
        if any(x.name == lexicon.name for x in loaded):
            continue        # the same lexicon named twice
        loaded.append(lexicon)
        records.append(_lexicon_record(spec, lexicon))
    if not any(x.name == frame_lexicon.name for x in loaded):
        loaded.append(frame_lexicon)
        records.append(_lexicon_record(frames, frame_lexicon))
    return _LexiconSet(tuple(loaded), tuple(records), frame_lexicon.name)


def load_matcher(lexicons: Sequence[LexiconSpec] = DEFAULT_LEXICONS) -> Any:
    """Load and compile lexicons (names, paths or Lexicon objects) into one matcher."""
    from framing.matching import compile_matcher

    if isinstance(lexicons, (str, Path)):
        lexicons = [lexicons]
    return compile_matcher(list(lexicons))


def _init_worker(lexicons: tuple[Any, ...], frames: str) -> None:
    global _WORKER
    _WORKER = (load_matcher(lexicons), frames)
    _warm_up()


def _work(articles: list[Article]) -> list[dict[str, list]]:
    matcher, frames = _WORKER
    return [analyze_article(a, matcher=matcher, frames=frames) for a in articles]


def _iter_inputs(paths, outlet: str | None) -> Iterator[Article | Skipped]:
    """Articles and skipped inputs from paths, a :class:`~framing.ingest.Corpus` (what
    :func:`framing.load_corpus` returns; its skips are reported again) or Article objects."""
    from framing.ingest import Corpus, iter_corpus

    if isinstance(paths, Corpus):
        yield from paths.skipped
        yield from paths.articles
        return
    if isinstance(paths, (str, Path, Article)):
        paths = [paths]
    paths = list(paths)
    if paths and all(isinstance(p, Article) for p in paths):
        yield from paths
        return
    if any(not isinstance(p, (str, Path)) for p in paths):
        kinds = sorted({type(p).__name__ for p in paths if not isinstance(p, (str, Path))})
        raise FramingError(f"analyze() takes paths (str or Path), a Corpus or Article objects, "
                           f"not a mix with {', '.join(kinds)}")
    kwargs = {"outlet": outlet} if outlet else {}
    yield from iter_corpus([str(p) for p in paths], **kwargs)


def _chunks(items: Iterable[Article | Skipped], skipped: list[tuple[str, str]],
            size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        if isinstance(item, Skipped):
            skipped.append((item.path, item.reason))
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# With jobs="auto", a corpus smaller than this is analysed in the calling process: starting
# workers costs more than they save on a handful of articles.
AUTO_MIN_ARTICLES = 4 * CHUNKSIZE
MAX_AUTO_JOBS = 8


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # macOS, Windows
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | str) -> int | None:
    """Worker processes for ``jobs``: a positive int as given; ``"auto"`` -> None (decided
    by corpus size: one process per usable core, at most MAX_AUTO_JOBS)."""
    if jobs == "auto":
        return None
    try:
        n = int(jobs)
    except (TypeError, ValueError):
        raise FramingError(f"--jobs must be a positive number or 'auto', got {jobs!r}") from None
    if n < 1:
        raise FramingError(f"--jobs must be at least 1, got {jobs}")
    return n


def _auto_jobs(items: Iterable[Article | Skipped]) -> tuple[int, Iterable[Article | Skipped]]:
    """Peek at the stream: few articles -> 1 process, else one per usable core."""
    cores = min(usable_cores(), MAX_AUTO_JOBS)
    if cores == 1:
        return 1, items
    iterator = iter(items)
    head = list(itertools.islice(iterator, AUTO_MIN_ARTICLES))
    jobs = cores if len(head) == AUTO_MIN_ARTICLES else 1
    return jobs, itertools.chain(head, iterator)


def _map_articles(items: Iterable[Article | Skipped], lexset: _LexiconSet, jobs: int | None,
                  skipped: list[tuple[str, str]]) -> Iterator[dict[str, list]]:
    global _WORKER
    if jobs is None:
        jobs, items = _auto_jobs(items)
    if jobs <= 1:
        matcher = load_matcher(lexset.lexicons)
        for chunk in _chunks(items, skipped, 1):
            yield analyze_article(chunk[0], matcher=matcher, frames=lexset.frames)
        return
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        # Build the expensive objects once, before forking: every worker inherits them warm.
        _WORKER = (load_matcher(lexset.lexicons), lexset.frames)
        _warm_up()
        # The warm models (VADER lexicon, tagger vocabulary, Punkt, matcher) are long-lived:
        # frozen, the workers' garbage collector never traverses (or copies) them.
        gc.freeze()
        ctx, init, initargs = multiprocessing.get_context("fork"), None, ()
    else:
        ctx, init = multiprocessing.get_context("spawn"), _init_worker
        initargs = (lexset.lexicons, lexset.frames)
    try:
        with ctx.Pool(jobs, initializer=init, initargs=initargs) as pool:
            # Chunks of articles per task; imap keeps input order, so the tables do not depend
            # on the number of processes.
            for results in pool.imap(_work, _chunks(items, skipped, CHUNKSIZE)):
                yield from results
    finally:
        _WORKER = None
        gc.unfreeze()


def _warm_up() -> None:
    """Load the attribution model, VADER's lexicon and Punkt in this process (all cached per
    process), by analysing one tiny invented article, so forked workers start warm."""
    try:
        from framing.ingest import article_from_record

        article = article_from_record({"id": "warm-up", "outlet": "warm-up",
                                       "text": "Officials said the test was a success."})
        analyze_article(article, matcher=None if _WORKER is None else _WORKER[0],
                        frames=FRAME_LEXICON if _WORKER is None else _WORKER[1])
    except FramingError:
        pass  # analyze_article reports a missing model itself, with the fix, in the workers


class _NoGC:
    """Pause the cyclic garbage collector while rows accumulate: they are plain tuples (no
    cycles), and repeated full collections over a growing heap cost seconds on a big corpus."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


def analyze(paths: str | Path | Sequence[str | Path] | Corpus | Sequence[Article], *,
            jobs: int | str = 1,
            outlet: str | None = None,
            lexicons: Sequence[LexiconSpec] = DEFAULT_LEXICONS,
            frames: LexiconSpec = FRAME_LEXICON) -> Analysis:
    """Analyse a corpus: sentences with voice, source, cue, sentiment, actors and frames.

    Parameters
    ----------
    paths
        Files, folders or globs (anything :func:`framing.ingest.iter_corpus` reads), or
        articles already read: the :class:`~framing.ingest.Corpus` that
        :func:`framing.load_corpus` returns (its skipped inputs are listed again in the
        result) or a list of :class:`~framing.models.Article`.
    jobs
        Worker processes, or ``"auto"``: one per usable CPU core (at most 8), or the calling
        process alone for a corpus of fewer than 32 articles. The tables are identical for
        any value.
    outlet
        Outlet name for inputs that do not say (plain text files without chrome).
    lexicons
        Lexicons matched against every article (names, paths or Lexicon objects).
    frames
        The frame lexicon (name, path or Lexicon): its categories fill the ``frames`` column
        and the frame sections of comparisons and reports. Matched too when not in
        ``lexicons``. Recorded in ``provenance["frames"]`` (name, version, sha256, source).

    Returns
    -------
    Analysis
        The tidy tables and their provenance.

    Raises
    ------
    FramingError
        ``jobs`` below 1; LexiconError for an unknown or invalid lexicon.

    Examples
    --------
    >>> analysis = analyze("seeds")
    >>> sorted(analysis.articles["outlet"])
    ['Press TV', 'Yonhap']
    >>> analysis.provenance["frames"]["name"]
    'conflict_frames'
    """
    n_jobs = resolve_jobs(jobs)
    lexset = resolve_lexicon_set(lexicons, frames)
    skipped: list[tuple[str, str]] = []
    rows: dict[str, list] = {"articles": [], "sentences": [], "attributions": [], "hits": []}
    with _NoGC():
        for result in _map_articles(_iter_inputs(paths, outlet), lexset, n_jobs, skipped):
            for key, value in result.items():
                rows[key].extend(value)
        return build_analysis(rows, skipped, lexicons=lexset)


def build_analysis(rows: dict[str, list], skipped: Sequence[tuple[str, str]], *,
                   lexicons: Sequence[LexiconSpec] | _LexiconSet = DEFAULT_LEXICONS) -> Analysis:
    """Aggregate per-article rows (from :func:`analyze_article`) into an :class:`Analysis`."""
    lexset = lexicons if isinstance(lexicons, _LexiconSet) else resolve_lexicon_set(lexicons)
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
                    provenance=provenance(articles, lexset))


def provenance(articles: pd.DataFrame,
               lexicons: Sequence[LexiconSpec] | _LexiconSet) -> dict[str, Any]:
    """Versions and hashes: package, lexicons (sha256 of their files), the frame lexicon,
    models, inputs."""
    lexset = lexicons if isinstance(lexicons, _LexiconSet) else resolve_lexicon_set(lexicons)
    lex = [dict(r) for r in lexset.records]
    frames = next((dict(r) for r in lexset.records if r["name"] == lexset.frames), {})
    # A JSONL/CSV row's path ends in ":LINE"; the file is the input. Row hashes are per article.
    inputs = sorted({(re.sub(r":\d+$", "", p), s)
                     for p, s in zip(articles["path"], articles["sha256"])})
    models = []
    for name in ("attribution_model.npz",):
        resource = files("framing") / "data" / name
        if resource.is_file():
            models.append({"name": name,
                           "sha256": hashlib.sha256(resource.read_bytes()).hexdigest()})
    return {"package": "framing", "version": __version__, "lexicons": lex, "frames": frames,
            "models": models, "inputs": [{"path": p, "sha256": s} for p, s in inputs]}


# ---------------------------------------------------------------- output

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

    import pyarrow as pa
    import pyarrow.parquet as pq

    out = make_folder(out_dir, "output folder")
    written = []
    for name in TABLES:
        # One Arrow table per DataFrame feeds both writers (Arrow's CSV writer is C++: the
        # Python csv module took as long as the rest of the writing together).
        table = pa.Table.from_pandas(_flat(analysis.table(name)), preserve_index=False)
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        atomic_write(out / f"{name}.parquet", buffer.getvalue())
        atomic_write(out / f"{name}.csv", _csv_bytes(table))
        written += [out / f"{name}.parquet", out / f"{name}.csv"]
    atomic_write(out / "provenance.json",
                 json.dumps(analysis.provenance, indent=2, sort_keys=True).encode("utf-8"))
    written.append(out / "provenance.json")
    return written


def _csv_bytes(table) -> bytes:
    """RFC 4180 CSV of an Arrow table: a header row, strings in double quotes (inner quotes
    doubled), booleans ``true``/``false``, missing values empty, ``\n`` line ends."""
    import io

    import pyarrow.csv as pa_csv

    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """Lists/tuples in cells (e.g. content spans) as JSON strings, so CSV and Parquet agree."""
    out = table
    for column in table.columns:
        if table[column].dtype == object and pd.api.types.infer_dtype(
                table[column], skipna=True) not in ("string", "empty") and table[column].map(
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
