"""Labels from brat standoff files (``NAME.txt`` + ``NAME.ann``), as annotation tools export them.

brat (Stenetorp et al. 2012, "brat: a Web-based Tool for NLP-Assisted Text Annotation", EACL
demos) stores each annotation on its own tab-separated line of the ``.ann`` file::

    T1<TAB>Economic 10 25;30 41<TAB>text of the span
    A1<TAB>Negated T1
    #1<TAB>AnnotatorNotes T1<TAB>free text

Offsets are character offsets into the ``.txt`` file of the same name (for PolNeAR-style
``NAME_XXXX.ann``, the annotator suffix is dropped when no exact match exists). Only text-bound
annotations (``T``) and their attributes (``A``/``M``) become labels; relations, events and
notes are read and ignored.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import pandas as pd

from framing.errors import DataError

BRAT_COLUMNS = ["document", "id", "label", "start", "end", "fragments", "attributes", "text"]
LABELLED_COLUMNS = ["document", "index", "start", "end", "text", "label"]

_SPAN = re.compile(r"^(\d+) (\d+)$")


def _text_path(ann: Path) -> Path:
    txt = ann.with_suffix(".txt")
    if txt.is_file():
        return txt
    stem = re.sub(r"_[0-9a-f]{2,8}$", "", ann.stem)  # NAME_ANNOTATOR.ann -> NAME.txt
    for folder in (ann.parent, ann.parent.parent / "text"):
        if (folder / f"{stem}.txt").is_file():
            return folder / f"{stem}.txt"
    raise DataError(f"{ann}: no text file {txt.name} beside it; brat needs NAME.txt and NAME.ann")


def _ann_files(path: str | Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.ann"))
        if not files:
            raise DataError(f"{path}: no .ann files in this folder")
        return files
    if path.suffix != ".ann" or not path.is_file():
        raise DataError(f"{path}: not a brat .ann file or a folder of them")
    return [path]


def read_brat(path: str | Path, *, check_text: bool = True) -> pd.DataFrame:
    """Text-bound annotations of one ``.ann`` file or a folder of them.

    Parameters
    ----------
    path : an ``.ann`` file or a folder searched recursively.
    check_text : compare each annotation's quoted text with the ``.txt`` slice and refuse a
        mismatch (wrong encoding or line endings shift every offset).

    Returns
    -------
    DataFrame with columns :data:`BRAT_COLUMNS`, one row per ``T`` annotation: ``document``
    (the text file's stem), ``start``/``end`` (outermost offsets; ``fragments`` lists the
    discontinuous parts as ``"s e;s e"``), ``attributes`` (``"Name=Value;..."``, sorted).

    Raises
    ------
    DataError
        A malformed line (``file:line: ...``) or offsets that do not match the text.
    """
    rows = []
    for ann in _ann_files(path):
        text = _text_path(ann).read_text(encoding="utf-8-sig") if check_text else None
        rows.extend(_parse_ann(ann, text))
    return pd.DataFrame(rows, columns=BRAT_COLUMNS)


def _parse_ann(ann: Path, text: str | None) -> list[dict]:
    spans: dict[str, dict] = {}
    attrs: dict[str, list[str]] = {}
    doc = _text_path(ann).stem if text is not None else ann.stem
    for lineno, line in enumerate(ann.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0]
        where = f"{ann}:{lineno}"
        if ident.startswith("T"):
            if len(fields) < 2:
                raise DataError(f"{where}: a text-bound annotation needs 'ID<TAB>TYPE START END"
                                f"<TAB>TEXT', got {line!r}")
            label, _, offsets = fields[1].partition(" ")
            frags = []
            for part in offsets.split(";"):
                m = _SPAN.match(part.strip())
                if not m:
                    raise DataError(f"{where}: bad offsets {offsets!r}; expected 'START END' "
                                    f"or 'S1 E1;S2 E2'")
                frags.append((int(m.group(1)), int(m.group(2))))
            if any(e < s for s, e in frags):
                raise DataError(f"{where}: span end before start in {offsets!r}")
            quoted = fields[2] if len(fields) > 2 else ""
            if text is not None:
                if max(e for _, e in frags) > len(text):
                    raise DataError(f"{where}: offset beyond the end of the text "
                                    f"({len(text)} characters)")
                actual = " ".join(text[s:e] for s, e in frags)
                if quoted and _squash(actual) != _squash(quoted):
                    raise DataError(f"{where}: annotation text {quoted[:40]!r} does not match "
                                    f"the text file at {offsets} ({actual[:40]!r}); check the "
                                    f"encoding and line endings of {doc}.txt")
            spans[ident] = {"document": doc, "id": ident, "label": label,
                            "start": min(s for s, _ in frags), "end": max(e for _, e in frags),
                            "fragments": ";".join(f"{s} {e}" for s, e in frags),
                            "text": quoted}
        elif ident[:1] in ("A", "M"):
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) < 2:
                raise DataError(f"{where}: an attribute needs 'ID<TAB>NAME TARGET [VALUE]', "
                                f"got {line!r}")
            name, target, *value = parts
            attrs.setdefault(target, []).append(f"{name}={value[0] if value else 'true'}")
        elif ident[:1] in ("R", "E", "#", "N", "*"):
            continue
        else:
            raise DataError(f"{where}: unknown annotation id {ident!r}; brat ids start with "
                            f"T, A, M, R, E, N, * or #")
    return [{**row, "attributes": ";".join(sorted(attrs.get(ident, [])))}
            for ident, row in spans.items()]


def _squash(text: str) -> str:
    return " ".join(text.split())


def brat_labelled(path: str | Path, *, level: Literal["sentence", "document"] = "sentence",
                  labels: Iterable[str] | None = None, default: str = "none") -> pd.DataFrame:
    """Training examples from brat files: each sentence (or document) with its labels.

    A sentence gets every annotation type whose span overlaps it, joined with ``"|"`` in sorted
    order, or ``default`` when none does; ``labels`` keeps only those types.

    Returns
    -------
    DataFrame with columns :data:`LABELLED_COLUMNS` (``index`` is the sentence number, 0 for a
    document).
    """
    from framing.sentences import split_text

    keep = set(labels) if labels is not None else None
    rows = []
    for ann in _ann_files(path):
        txt = _text_path(ann)
        text = txt.read_text(encoding="utf-8-sig")
        spans = [(r["start"], r["end"], r["label"]) for r in _parse_ann(ann, text)
                 if keep is None or r["label"] in keep]
        units = ([(0, len(text))] if level == "document"
                 else [(s, e) for s, e, _ in split_text(text)])
        for index, (s, e) in enumerate(units):
            found = sorted({lab for a, b, lab in spans if a < e and b > s})
            rows.append({"document": txt.stem, "index": index, "start": s, "end": e,
                         "text": text[s:e], "label": "|".join(found) or default})
    return pd.DataFrame(rows, columns=LABELLED_COLUMNS)
