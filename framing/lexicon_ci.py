"""Lexicon CI: validate files, run their examples, snapshot corpus hits and diff them.

Every function returns a tidy DataFrame (columns named in a ``*_COLUMNS`` constant); the CLI
(``framing lexicon validate|test|snapshot|diff``) only prints them and sets the exit code.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from framing.errors import LexiconError
from framing.lexicon import (
    ISSUE_COLUMNS, OUTLET_PROFILES_KIND, Lexicon, _file_kind, collect_issues, iter_lexicon_files,
    parse_lexicon,
)

EXAMPLE_COLUMNS = ["path", "lexicon", "category", "line", "expect", "sentence", "passed",
                   "reason"]
SNAPSHOT_HIT_COLUMNS = ["article_id", "outlet", "sentence_index", "lexicon", "category", "entry",
                        "matched", "sentence"]
DIFF_COLUMNS = ["lexicon", "category", "n_old", "n_new", "change", "rel_change", "n_gained",
                "n_lost"]
DIFF_SENTENCE_COLUMNS = ["lexicon", "category", "status", "article_id", "outlet",
                         "sentence_index", "entries", "sentence"]
SNAPSHOT_FORMAT = "framing-lexicon-snapshot/1"


# ----------------------------------------------------------------------------- validate

def validate_lexicons(paths: Iterable[str | Path] | None = None) -> pd.DataFrame:
    """Check lexicon files; one row per issue, columns ISSUE_COLUMNS.

    Parameters
    ----------
    paths
        Files, folders (their ``*.yaml``) or built-in names; None checks every shipped file.
        Outlet profile files (``kind: outlet_profiles``) are checked by
        :func:`framing.outlets.parse_profiles` when it exists.

    Returns
    -------
    DataFrame
        ``path, line, severity`` ("error" or "warning"), ``code`` (yaml-syntax, duplicate-key,
        schema, bad-wildcard, unsafe-pattern, empty-category, duplicate-category,
        duplicate-entry, entry-in-two-categories, shadowed, unknown-key, no-examples, ...),
        ``message``. Errors first, then by path and line.

    Examples
    --------
    >>> validate_lexicons().query("severity == 'error'").empty
    True
    """
    rows = [(i.path, i.line, i.severity, i.code, i.message) for i in collect_issues(paths)]
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS).astype({"line": "int64"})


# ----------------------------------------------------------------------------- test

def _load_for_ci(paths: Iterable[str | Path] | None) -> list[tuple[str, Lexicon]]:
    out = []
    for path in iter_lexicon_files(paths):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from exc
        if _file_kind(text) == OUTLET_PROFILES_KIND:
            continue
        lexicon, issues = parse_lexicon(text, source=str(path))
        errors = [i for i in issues if i.severity == "error"]
        if lexicon is None or errors:
            raise LexiconError(f"{errors[0]}; run 'framing lexicon validate {path}' first")
        out.append((str(path), lexicon))
    return out


def run_lexicon_examples(paths: Iterable[str | Path] | None = None) -> pd.DataFrame:
    """Run every category's ``examples``; one row per example sentence, EXAMPLE_COLUMNS.

    A ``match`` example passes when the category has at least one hit in the sentence; a
    ``no_match`` example passes when it has none. Each lexicon file is matched on its own.

    Returns
    -------
    DataFrame
        ``path, lexicon, category, line`` (of the example), ``expect`` (match/no_match),
        ``sentence``, ``passed`` (bool), ``reason`` (why it failed: the entries that matched,
        or the exclusion that vetoed the only candidate; empty when passed).

    Raises
    ------
    LexiconError
        A file has validation errors (run :func:`validate_lexicons` for all of them).
    """
    from framing.matching import Matcher

    rows = []
    for path, lexicon in _load_for_ci(paths):
        matcher = Matcher([lexicon])
        for category in lexicon.categories:
            for example in category.examples:
                found = [m for m in matcher.find(example.sentence, include_vetoed=True)
                         if m.category == category.id]
                hits = [m for m in found if m.vetoed_by is None]
                vetoed = [m for m in found if m.vetoed_by is not None]
                if example.expect == "match":
                    passed = bool(hits)
                    if passed:
                        reason = ""
                    elif vetoed:
                        reason = "; ".join(f"{m.matched!r} (entry {m.entry!r}) vetoed by "
                                           f"exclusion {m.vetoed_by!r}" for m in vetoed)
                    else:
                        reason = f"no entry of {category.id!r} matched"
                else:
                    passed = not hits
                    reason = "" if passed else "; ".join(
                        f"entry {m.entry!r} matched {m.matched!r} at {m.start}-{m.end}"
                        for m in hits)
                rows.append((path, lexicon.name, category.id, example.line, example.expect,
                             example.sentence, passed, reason))
    return pd.DataFrame(rows, columns=EXAMPLE_COLUMNS).astype(
        {"line": "int64", "passed": "bool"})


# ----------------------------------------------------------------------------- snapshot

def _corpus_sentences(corpus: str | Path | Sequence[str | Path] | pd.DataFrame) -> pd.DataFrame:
    """Sentences (SENTENCE_COLUMNS) of a corpus path(s), or a sentence table passed through."""
    if isinstance(corpus, pd.DataFrame):
        return corpus
    from framing.ingest import load_corpus
    from framing.sentences import split_sentences

    loaded = load_corpus(corpus)
    if not loaded.articles:
        raise LexiconError(f"no readable articles in {corpus}; "
                           f"{len(loaded.skipped)} input(s) skipped")
    return split_sentences(loaded.articles)


def _lexicon_fingerprint(lexicon: Lexicon) -> dict[str, str]:
    digest = hashlib.sha256()
    try:
        digest.update(Path(lexicon.source).read_bytes())
    except OSError:
        digest.update(lexicon.source.encode())
    return {"name": lexicon.name, "version": lexicon.version, "source": lexicon.source,
            "sha256": digest.hexdigest()}


def snapshot(corpus: str | Path | Sequence[str | Path] | pd.DataFrame,
             lexicons: Sequence[str | Path | Lexicon] | None = None) -> pd.DataFrame:
    """Every sentence-level hit of ``lexicons`` on ``corpus``; columns SNAPSHOT_HIT_COLUMNS.

    One row per (sentence, lexicon, category, entry, matched text) hit. ``df.attrs`` carries
    the lexicon fingerprints (name, version, source, sha256) so a saved snapshot says what
    produced it. Save with :func:`write_snapshot`, compare with :func:`diff_snapshots`.

    Parameters
    ----------
    corpus
        Paths accepted by :func:`framing.load_corpus`, or a sentence table (SENTENCE_COLUMNS).
    lexicons
        Names, paths or Lexicon objects; None means every shipped lexicon.
    """
    from framing.lexicon import builtin_lexicons, resolve_lexicons
    from framing.scoring import match_sentences

    loaded = resolve_lexicons(list(lexicons) if lexicons else builtin_lexicons())
    sentences = _corpus_sentences(corpus)
    hits = match_sentences(sentences, None, loaded)
    text_of = {(a, i): t for a, i, t in
               zip(sentences["article_id"], sentences["index"], sentences["text"])}
    table = pd.DataFrame({
        "article_id": hits["article_id"], "outlet": hits["outlet"],
        "sentence_index": hits["sentence_index"], "lexicon": hits["lexicon"],
        "category": hits["category"], "entry": hits["entry"], "matched": hits["matched"],
        "sentence": [text_of.get((a, i), "") for a, i in
                     zip(hits["article_id"], hits["sentence_index"])],
    }, columns=SNAPSHOT_HIT_COLUMNS)
    table = table.sort_values(["article_id", "sentence_index", "lexicon", "category", "entry"],
                              kind="stable").reset_index(drop=True)
    table.attrs["lexicons"] = [_lexicon_fingerprint(lx) for lx in loaded]
    table.attrs["n_sentences"] = int(len(sentences))
    table.attrs["categories"] = [[lx.name, c.id] for lx in loaded for c in lx.categories]
    return table


def write_snapshot(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a snapshot as JSON (sorted, no timestamps: byte-identical for the same input)."""
    payload = {
        "format": SNAPSHOT_FORMAT,
        "lexicons": table.attrs.get("lexicons", []),
        "categories": table.attrs.get("categories", []),
        "n_sentences": table.attrs.get("n_sentences", 0),
        "hits": [[_plain(v) for v in row] for row in table[SNAPSHOT_HIT_COLUMNS]
                 .itertuples(index=False)],
        "columns": SNAPSHOT_HIT_COLUMNS,
    }
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise LexiconError(f"cannot write snapshot {path}: {exc.strerror}") from exc
    return path


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def read_snapshot(path: str | Path) -> pd.DataFrame:
    """Read a snapshot written by :func:`write_snapshot`."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LexiconError(f"{path}: no such snapshot; create it with 'framing lexicon "
                           f"snapshot --corpus C --out {path}'") from exc
    except (OSError, ValueError) as exc:
        raise LexiconError(f"{path}: not a lexicon snapshot ({exc})") from exc
    if not isinstance(payload, dict) or payload.get("format") != SNAPSHOT_FORMAT:
        raise LexiconError(f"{path}: not a lexicon snapshot (expected format "
                           f"{SNAPSHOT_FORMAT!r})")
    table = pd.DataFrame(payload["hits"], columns=payload.get("columns", SNAPSHOT_HIT_COLUMNS))
    table = table.astype({"sentence_index": "int64"}) if len(table) else \
        pd.DataFrame(columns=SNAPSHOT_HIT_COLUMNS)
    table.attrs["lexicons"] = payload.get("lexicons", [])
    table.attrs["categories"] = payload.get("categories", [])
    table.attrs["n_sentences"] = payload.get("n_sentences", 0)
    return table


# ----------------------------------------------------------------------------- diff

def _sentence_sets(table: pd.DataFrame) -> dict[tuple[str, str], dict[tuple, tuple]]:
    out: dict[tuple[str, str], dict[tuple, tuple]] = {}
    for row in table.itertuples(index=False):
        key = (row.lexicon, row.category)
        sentence_key = (row.article_id, int(row.sentence_index))
        bucket = out.setdefault(key, {})
        _, _, entries, _ = bucket.get(sentence_key, (row.outlet, row.sentence, (), None))
        bucket[sentence_key] = (row.outlet, row.sentence, tuple(sorted({*entries, row.entry})),
                                None)
    return out


def diff_snapshots(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per-category change between two snapshots; columns DIFF_COLUMNS.

    ``n_old``/``n_new`` count hits, ``change = n_new - n_old``, ``rel_change`` is
    ``change / max(n_old, 1)``, ``n_gained``/``n_lost`` count sentences that gained or lost the
    category. Categories of either snapshot appear, zeros included.
    """
    counts_old = old.groupby(["lexicon", "category"]).size() if len(old) else pd.Series()
    counts_new = new.groupby(["lexicon", "category"]).size() if len(new) else pd.Series()
    keys = {tuple(k) for k in old.attrs.get("categories", [])} | \
        {tuple(k) for k in new.attrs.get("categories", [])} | \
        set(counts_old.index) | set(counts_new.index)
    sets_old, sets_new = _sentence_sets(old), _sentence_sets(new)
    rows = []
    for key in sorted(keys):
        n_old, n_new = int(counts_old.get(key, 0)), int(counts_new.get(key, 0))
        s_old, s_new = set(sets_old.get(key, {})), set(sets_new.get(key, {}))
        change = n_new - n_old
        rows.append((*key, n_old, n_new, change, round(change / max(n_old, 1), 4),
                     len(s_new - s_old), len(s_old - s_new)))
    return pd.DataFrame(rows, columns=DIFF_COLUMNS).astype(
        {c: "int64" for c in ("n_old", "n_new", "change", "n_gained", "n_lost")})


def diff_sentences(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Sentences that gained or lost a category; columns DIFF_SENTENCE_COLUMNS.

    ``status`` is "gained" or "lost"; ``entries`` lists the entries that matched (in the new
    snapshot for gained sentences, the old one for lost ones), ``sentence`` gives the context.
    """
    sets_old, sets_new = _sentence_sets(old), _sentence_sets(new)
    rows = []
    for key in sorted(set(sets_old) | set(sets_new)):
        a, b = sets_old.get(key, {}), sets_new.get(key, {})
        for status, here, there in (("gained", b, a), ("lost", a, b)):
            for sentence_key in sorted(set(here) - set(there)):
                outlet, sentence, entries, _ = here[sentence_key]
                rows.append((*key, status, sentence_key[0], outlet, sentence_key[1],
                             ", ".join(entries), sentence))
    return pd.DataFrame(rows, columns=DIFF_SENTENCE_COLUMNS).astype({"sentence_index": "int64"})


def drift_exceeded(diff: pd.DataFrame, max_change: float) -> pd.DataFrame:
    """Rows of :func:`diff_snapshots` whose relative change exceeds ``max_change``.

    ``max_change`` is a fraction (0.1 = 10 %) of the old count; a category that had no hits
    and now has some counts as a change of ``n_new``.
    """
    if max_change < 0:
        raise LexiconError(f"--max-change must be >= 0, got {max_change}")
    return diff[diff["rel_change"].abs() > max_change].reset_index(drop=True)


def parse_max_change(text: str) -> float:
    """``"0.1"`` or ``"10%"`` as a fraction."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError as exc:
        raise LexiconError(f"--max-change takes a fraction (0.1) or a percentage (10%), "
                           f"got {text!r}") from exc
    if value < 0:
        raise LexiconError(f"--max-change must be >= 0, got {text!r}")
    return value
