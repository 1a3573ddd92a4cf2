"""Convert other dictionary formats into framing's lexicon YAML.

- LIWC ``.dic`` (Pennebaker et al.): a ``%``-delimited header of ``number<TAB>category`` lines,
  then ``word<TAB>number [number...]`` lines; ``word*`` is a prefix wildcard, as in ours.
- quanteda-style YAML dictionaries (Benoit et al. 2018, ``quanteda::dictionary``): a mapping
  of category -> list of patterns, possibly nested (nested keys become ``parent_child``).

The result is plain YAML text in our format, with no examples yet: ``framing lexicon
validate`` then lists what to fix (short wildcards, duplicates, missing examples).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml

from framing.errors import LexiconError

ImportFormat = Literal["liwc", "quanteda"]


def _identifier(label: str) -> str:
    ident = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")
    if not ident or not ident[0].isalpha():
        ident = f"c_{ident}"
    return ident


def read_liwc(text: str, *, source: str = "<liwc>") -> dict[str, list[str]]:
    """Categories of a LIWC ``.dic`` file as ``{category label: [entries]}``."""
    lines = text.splitlines()
    markers = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(markers) < 2:
        raise LexiconError(f"{source}:1: not a LIWC dictionary: expected a header between two "
                           f"'%' lines")
    labels: dict[str, str] = {}
    for i in range(markers[0] + 1, markers[1]):
        parts = lines[i].split()
        if not parts:
            continue
        if len(parts) < 2:
            raise LexiconError(f"{source}:{i + 1}: header lines are 'number<TAB>category', "
                               f"got {lines[i]!r}")
        labels[parts[0]] = " ".join(parts[1:])
    categories: dict[str, list[str]] = {label: [] for label in labels.values()}
    for i in range(markers[1] + 1, len(lines)):
        raw = lines[i].strip()
        if not raw:
            continue
        parts = raw.split("\t") if "\t" in raw else raw.split()
        word, numbers = parts[0].strip(), [p for chunk in parts[1:] for p in chunk.split()]
        for number in numbers:
            if number not in labels:
                raise LexiconError(f"{source}:{i + 1}: category number {number!r} of "
                                   f"{word!r} is not in the header")
            categories[labels[number]].append(word)
    return categories


def read_quanteda(text: str, *, source: str = "<quanteda>") -> dict[str, list[str]]:
    """Categories of a quanteda-style YAML dictionary as ``{category: [entries]}``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{source}: YAML syntax error: {exc}") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"{source}:1: a quanteda dictionary is a mapping of category -> "
                           f"list of patterns")
    out: dict[str, list[str]] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}_{key}" if prefix else str(key))
        elif isinstance(node, list):
            out.setdefault(prefix, []).extend(str(v) for v in node)
        elif isinstance(node, str):
            out.setdefault(prefix, []).append(node)
        else:
            raise LexiconError(f"{source}: category {prefix!r} must hold a list of patterns")

    walk(data, "")
    return out


def import_lexicon(path: str | Path, *, fmt: ImportFormat | None = None,
                   name: str | None = None, version: str = "0.1.0",
                   reference: str | None = None) -> str:
    """Lexicon YAML (our format) converted from a LIWC ``.dic`` or quanteda YAML file.

    Parameters
    ----------
    path
        The dictionary file. ``fmt`` defaults from its suffix (``.dic`` -> liwc).
    name
        The lexicon name; default: the file stem in lower_snake_case.

    Returns
    -------
    str
        YAML text; write it to ``lexicons/NAME.yaml`` and add examples to every category.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read: {exc}") from exc
    fmt = fmt or ("liwc" if path.suffix.lower() == ".dic" else "quanteda")
    if fmt == "liwc":
        categories = read_liwc(text, source=str(path))
    elif fmt == "quanteda":
        categories = read_quanteda(text, source=str(path))
    else:
        raise LexiconError(f"unknown import format {fmt!r}; choose liwc or quanteda")
    document = {
        "name": _identifier(name or path.stem),
        "version": version,
        "description": f"Imported from {path.name} ({fmt}); add descriptions and examples.",
        "language": "en",
        "references": [reference or f"Converted from {path.name}; cite the original dictionary."],
        "categories": [
            {"id": _identifier(label), "label": label,
             "description": f"Imported category {label!r}.",
             "entries": list(dict.fromkeys(e.strip() for e in entries if e.strip()))}
            for label, entries in categories.items()
        ],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
