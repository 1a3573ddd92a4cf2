"""Files, folders and globs -> articles.

Formats: ``.txt`` (one article; an optional ``manifest.csv`` beside it gives metadata), ``.html``
/ ``.htm`` (main text and metadata extracted with trafilatura), ``.jsonl`` and ``.csv`` (one
article per row, fields ``id, outlet, title, date, url, text`` and optional ``event``).

Bad input never stops a run: every file or row that cannot be read becomes a :class:`Skipped`
record naming the file (and line) and the reason, and the rest is analysed.
"""
from __future__ import annotations

import codecs
import csv
import glob
import hashlib
import io
import json
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

from framing.errors import ArticleError
from framing.models import Article, Skipped
from framing.outlets import UNKNOWN_OUTLET, OutletProfiles, clean_text, default_profiles

if TYPE_CHECKING:
    import pandas as pd

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + RECORD_SUFFIXES
MANIFEST_NAME = "manifest.csv"
RECORD_FIELDS = ("id", "outlet", "title", "date", "url", "text", "event")
ARTICLE_COLUMNS = ["id", "outlet", "title", "date", "url", "event", "path", "n_chars",
                   "n_sentences", "encoding", "sha256", "skipped"]
# Legacy encodings tried when a file is not UTF-8, most specific first: CP949/EUC-KR for
# Korean sites, CP1252/Latin-1 for Western ones.
LEGACY_ENCODINGS = ("cp949", "euc_kr", "cp1252", "latin_1", "gb18030", "shift_jis", "cp1251")
_MAX_CONTROL_SHARE = 0.01
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")


@dataclass
class Corpus:
    """Articles that were read, and inputs that were skipped with reasons."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def table(self, *, with_sentences: bool = True) -> pd.DataFrame:
        """One row per input, columns ARTICLE_COLUMNS; skipped inputs have ``skipped`` set."""
        import pandas as pd

        from framing.sentences import article_sentences

        rows = []
        for a in self.articles:
            n = len(article_sentences(a)) if with_sentences else None
            rows.append({"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date,
                         "url": a.url, "event": a.event, "path": a.path, "n_chars": len(a.text),
                         "n_sentences": n, "encoding": a.encoding, "sha256": a.sha256,
                         "skipped": None})
        for s in self.skipped:
            rows.append({c: None for c in ARTICLE_COLUMNS} | {"path": s.path, "skipped": s.reason})
        return pd.DataFrame(rows, columns=ARTICLE_COLUMNS).astype(
            {"n_chars": "Int64", "n_sentences": "Int64"})


def seed_paths() -> Path:
    """The folder of the embedded seed articles (Yonhap and Press TV), shipped in the package."""
    resource = files("framing.seeds")
    with as_file(resource) as path:   # a real folder for regular and editable installs
        return Path(path)


def load_corpus(paths: str | Path | Sequence[str | Path], *, outlet: str | None = None,
                strict: bool = False, profiles: OutletProfiles | None = None,
                show_progress: bool = False) -> Corpus:
    """Read articles from files, folders (recursive, sorted) and glob patterns.

    Parameters
    ----------
    paths
        One path or several; folders are searched recursively in sorted order.
    outlet
        Outlet name for every article (overrides detection and record fields).
    strict
        Raise :class:`ArticleError` on the first skipped input instead of recording it.
    profiles
        Outlet profiles; the shipped ``outlets.yaml`` by default.
    show_progress
        Count the inputs read on stderr (only when stderr is a terminal).

    Returns
    -------
    Corpus
        ``articles`` in input order and ``skipped`` inputs with reasons. Articles whose outlet
        could not be determined get ``"unknown"`` and one warning for the lot.

    Raises
    ------
    ArticleError
        When no input file is found at all, or (``strict``) when any input is skipped.

    Examples
    --------
    >>> corpus = load_corpus("seeds")
    >>> sorted(a.outlet for a in corpus.articles)
    ['Press TV', 'Yonhap']
    """
    corpus = Corpus()
    items = iter_corpus(paths, outlet=outlet, profiles=profiles)
    if show_progress:
        from framing.progress import progress

        items = progress(items, label="reading")
    for item in items:
        if isinstance(item, Skipped):
            if strict:
                raise ArticleError(f"{item.path}: {item.reason} (strict mode)")
            corpus.skipped.append(item)
        else:
            corpus.articles.append(item)
    unknown = [a.path for a in corpus.articles if a.outlet == UNKNOWN_OUTLET]
    if unknown:
        warnings.warn(f"{len(unknown)} article(s) have no known outlet (first: {unknown[0]}); "
                      f"their outlet is 'unknown'. Set it with --outlet / outlet=, an 'outlet' "
                      f"field, a manifest.csv, or a profile in outlets.yaml.", stacklevel=2)
    return corpus


def iter_corpus(paths: str | Path | Sequence[str | Path], *, outlet: str | None = None,
                profiles: OutletProfiles | None = None) -> Iterator[Article | Skipped]:
    """Yield each :class:`Article` or :class:`Skipped` in input order, one at a time.

    Memory stays flat however large the corpus: nothing is held beyond the current file (a
    JSONL file is streamed row by row). Duplicate article ids are skipped after the first.
    """
    profiles = profiles or default_profiles()
    seen: dict[str, str] = {}
    for item in _iter_unchecked(paths, outlet, profiles):
        if isinstance(item, Article):
            if item.id in seen:
                if item.id == content_id(item.text):   # the id was derived from the text
                    reason = f"same text as {seen[item.id]} (exact duplicate)"
                else:
                    reason = f"duplicate article id {item.id!r} (first seen in {seen[item.id]})"
                yield Skipped(item.path, reason)
                continue
            seen[item.id] = item.path
        yield item


def _iter_unchecked(paths, outlet, profiles) -> Iterator[Article | Skipped]:
    found_any = False
    for path in expand_paths(paths):
        found_any = True
        if isinstance(path, Skipped):
            yield path
            continue
        suffix = path.suffix.lower()
        try:
            if suffix in (".jsonl", ".ndjson"):
                yield from _read_jsonl(path, outlet, profiles)
            elif suffix == ".csv":
                yield from _read_csv(path, outlet, profiles)
            elif suffix in HTML_SUFFIXES:
                yield _read_html(path, outlet, profiles)
            else:
                yield read_text_file(path, outlet=outlet, profiles=profiles)
        except ArticleError as exc:
            yield Skipped(str(path), _reason(exc, path))
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
    if not found_any:
        shown = [str(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
        raise ArticleError(f"no input files found in {', '.join(shown) or '(no paths)'}; "
                           f"supported: {', '.join(SUPPORTED_SUFFIXES)}")


def _reason(exc: ArticleError, path: Path) -> str:
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def expand_paths(paths: str | Path | Sequence[str | Path]) -> Iterator[Path | Skipped]:
    """Input files in a deterministic order: folders recursively sorted, globs sorted.

    A path that does not exist becomes a :class:`Skipped`; files with unsupported suffixes
    inside folders are ignored (a folder holds notes and images too), but such a file named
    explicitly is skipped with a reason.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    for raw in paths:
        raw = str(raw)
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES and child.name != MANIFEST_NAME \
                        and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path
            else:
                yield Skipped(raw, f"unsupported file type {path.suffix or '(none)'!r}; "
                                   f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Skipped(raw, "glob pattern matched no files")
            for match in matches:
                yield from expand_paths([match])
        else:
            yield Skipped(raw, "no such file or directory")


# --- decoding -----------------------------------------------------------------------------

def decode_bytes(data: bytes, where: str) -> tuple[str, str]:
    """Decode ``data`` as UTF-8, or else the most plausible legacy encoding.

    Returns ``(text, encoding)``. Raises :class:`ArticleError` for empty, whitespace-only or
    binary input (NUL bytes, many control characters).
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), where), encoding
            except UnicodeDecodeError as exc:
                raise ArticleError(f"{where}: starts with a {encoding} byte-order mark but does "
                                   f"not decode as {encoding}: {exc.reason}") from exc
    if not data.strip():
        raise ArticleError(f"{where}: empty file" if not data else f"{where}: only whitespace")
    if b"\x00" in data:
        raise ArticleError(f"{where}: binary file (contains NUL bytes), not text")
    try:
        return _check_text(data.decode("utf-8"), where), "utf-8"
    except UnicodeDecodeError:
        pass
    text, encoding = _decode_legacy(data)
    if text is None:
        raise ArticleError(f"{where}: not UTF-8 and no known encoding fits "
                           f"(tried {', '.join(LEGACY_ENCODINGS)})")
    return _check_text(text, where), encoding


def _decode_legacy(data: bytes) -> tuple[str | None, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is not None:
        return str(best), best.encoding
    for encoding in LEGACY_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, ""


def _check_text(text: str, where: str) -> str:
    if not text.strip():
        raise ArticleError(f"{where}: only whitespace")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > max(2, _MAX_CONTROL_SHARE * len(text)):
        raise ArticleError(f"{where}: binary file ({controls} control characters), not text")
    return text


def _sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def content_id(text: str) -> str:
    """A stable id derived from the text (whitespace-insensitive), for inputs without one."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


# --- metadata helpers ----------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y",
                 "%d %b %Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")


def normalize_date(value: object, where: str) -> str:
    """An ISO date (YYYY-MM-DD) from common spellings; "" for empty; ArticleError otherwise."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text):
        text = text[:10]
    from datetime import datetime

    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ArticleError(f"{where}: date {text!r} is not a date; use YYYY-MM-DD")


def _resolve_outlet(given: str | None, field_value: object, url: str, text: str,
                    profiles: OutletProfiles) -> str:
    if given:
        return profiles.canonical(given)
    if isinstance(field_value, str) and field_value.strip():
        return profiles.canonical(field_value)
    return (url and profiles.from_url(url)) or profiles.detect(text) or UNKNOWN_OUTLET


def _make_article(*, raw: str, where: str, path: str, record: dict, outlet: str | None,
                  profiles: OutletProfiles, encoding: str, sha256: str,
                  first_line_headline: bool) -> Article:
    url = str(record.get("url") or "").strip()
    name = _resolve_outlet(outlet, record.get("outlet"), url, raw, profiles)
    title = str(record.get("title") or "").strip()
    cleaned = clean_text(raw, name, profiles, headline=title or None,
                         first_line_headline=first_line_headline)
    if not cleaned.text.strip():
        raise ArticleError(f"{where}: no article text left after removing page chrome")
    if not title:
        title = next((cleaned.text[z.start:z.end] for z in cleaned.zones if z.kind == "headline"), "")
    given_id = str(record.get("id") or "").strip()
    return Article(
        id=given_id or content_id(cleaned.text),
        outlet=name,
        title=title,
        date=normalize_date(record.get("date"), where),
        url=url,
        text=cleaned.text,
        raw_text=raw,
        path=path,
        offsets=cleaned.offsets,
        zones=cleaned.zones,
        event=str(record.get("event") or "").strip(),
        encoding=encoding,
        sha256=sha256,
    )


# --- readers -------------------------------------------------------------------------------

def read_text_file(path: str | Path, *, outlet: str | None = None,
                   profiles: OutletProfiles | None = None) -> Article:
    """One plain-text article. Metadata comes from a ``manifest.csv`` in the same folder when
    it lists the file; otherwise the first line is taken as the headline when it looks like one.
    ``Article.raw_text`` is the decoded file, so spans map to the file via ``Article.offsets``.
    """
    path = Path(path)
    profiles = profiles or default_profiles()
    data = path.read_bytes()
    raw, encoding = decode_bytes(data, str(path))
    record = _manifest(path.parent).get(path.name, {})
    return _make_article(raw=raw, where=str(path), path=str(path), record=record, outlet=outlet,
                         profiles=profiles, encoding=encoding, sha256=_sha256(data),
                         first_line_headline=True)


def _manifest(folder: Path) -> dict[str, dict]:
    """``file -> metadata`` from ``folder/manifest.csv`` (columns file, id, outlet, title, date,
    url, event); empty when there is none."""
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    return _read_manifest(str(manifest), manifest.stat().st_mtime_ns)


_manifest_cache: dict[tuple[str, int], dict[str, dict]] = {}


def _read_manifest(path: str, mtime: int) -> dict[str, dict]:
    key = (path, mtime)
    if key not in _manifest_cache:
        text, _ = decode_bytes(Path(path).read_bytes(), path)
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ArticleError(f"{path}:1: a manifest needs a 'file' column "
                               f"(and any of id, outlet, title, date, url, event)")
        _manifest_cache[key] = {row["file"]: row for row in reader if row.get("file")}
    return _manifest_cache[key]


def _read_html(path: Path, outlet: str | None, profiles: OutletProfiles) -> Article:
    import trafilatura

    data = path.read_bytes()
    html, encoding = decode_bytes(data, str(path))
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None:
        raise ArticleError(f"{path}: no article text found in the HTML")
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (meta.get("text") or "").strip()
    if not text:
        raise ArticleError(f"{path}: no article text found in the HTML")
    title = (meta.get("title") or "").strip()
    record = {"title": title, "date": meta.get("date") or "", "url": meta.get("url") or "",
              "outlet": outlet or ""}
    if not record["outlet"]:
        record["outlet"] = (record["url"] and profiles.from_url(record["url"])) or \
            (meta.get("sitename") and profiles.profile(meta["sitename"]) and
             profiles.canonical(meta["sitename"])) or ""
    # The extracted text is the "raw" text of an HTML article: offsets point into it.
    body = f"{title}\n\n{text}\n" if title else f"{text}\n"
    try:
        record["date"] = normalize_date(record["date"], str(path))
    except ArticleError:
        record["date"] = ""
    return _make_article(raw=body, where=str(path), path=str(path), record=record,
                         outlet=outlet, profiles=profiles, encoding=encoding,
                         sha256=_sha256(data), first_line_headline=False)


def article_from_record(obj: dict, where: str = "record", outlet: str | None = None,
                        profiles: OutletProfiles | None = None) -> Article:
    """An article from a mapping with the corpus fields (``text`` required; ``id, outlet, title,
    date, url, event`` optional), e.g. a row of your own DataFrame. ``where`` names it in errors.

    Examples
    --------
    >>> article_from_record({"text": "Seoul said the talks would resume.", "outlet": "Yonhap"}).outlet
    'Yonhap'
    """
    profiles = profiles or default_profiles()
    text = obj.get("text")
    if not isinstance(text, str):
        raise ArticleError(f"{where}: no 'text' field (fields: {', '.join(sorted(obj)) or 'none'})")
    if not text.strip():
        raise ArticleError(f"{where}: 'text' is empty")
    if "\x00" in text:
        raise ArticleError(f"{where}: 'text' contains NUL characters")
    for field in ("id", "outlet", "title", "date", "url", "event"):
        if isinstance(obj.get(field), str):
            _utf8(obj[field], field, where)
    return _make_article(raw=text, where=where, path=where, record=obj, outlet=outlet,
                         profiles=profiles, encoding="utf-8",
                         sha256=_sha256(_utf8(text, "text", where)), first_line_headline=False)


def _utf8(value: str, field: str, where: str) -> bytes:
    """``value`` as UTF-8. JSON escapes can spell lone surrogates ("\\ud800"), which are not
    text: no UTF-8 encoding, no Parquet, no HTML. Such a record is refused with the position."""
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ArticleError(
            f"{where}: {field!r} holds a lone surrogate (U+{ord(value[exc.start]):04X} at "
            f"character {exc.start}), which is not valid Unicode text") from None


def _read_jsonl(path: Path, outlet: str | None, profiles: OutletProfiles) -> Iterator[Article | Skipped]:
    data = path.read_bytes()
    text, _ = decode_bytes(data, str(path))
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield Skipped(where, f"expected a JSON object, got {type(obj).__name__}")
            continue
        try:
            yield article_from_record(obj, where, outlet, profiles)
        except ArticleError as exc:
            yield Skipped(where, _reason(exc, Path(where)))


def _read_csv(path: Path, outlet: str | None, profiles: OutletProfiles) -> Iterator[Article | Skipped]:
    text, _ = decode_bytes(path.read_bytes(), str(path))
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield Skipped(f"{path}:1", f"a CSV corpus needs a 'text' column; found "
                                   f"{', '.join(reader.fieldnames or []) or 'no header'}")
        return
    row_start = 2
    for row in reader:
        where = f"{path}:{row_start}"
        row_start = reader.line_num + 1
        if None in row:
            yield Skipped(where, f"{len(row[None])} more field(s) than the header has")
            continue
        try:
            yield article_from_record(row, where, outlet, profiles)
        except ArticleError as exc:
            yield Skipped(where, _reason(exc, Path(where)))
