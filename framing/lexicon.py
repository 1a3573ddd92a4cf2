"""Lexicons: load, parse and validate the YAML files researchers write (``lexicons/*.yaml``).

A lexicon is a small codebook: a header (name, version, description, language, references)
and categories, each with entries (words, phrases, ``prefix*`` wildcards, listed forms,
case-sensitive acronyms, exclusions) and its own unit tests (``examples: {match, no_match}``).
The format is documented in ``docs/lexicons.md``.

Parsing walks PyYAML's node tree (``yaml.compose`` with the ``SafeLoader``: the same safety as
``safe_load``) so every problem is reported as ``file:line``. No regular expressions are
accepted in entries: the only pattern is a word-prefix wildcard (``deter*``), which the matcher
runs without backtracking (see :mod:`framing.matching`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import yaml

from framing.errors import LexiconError

LEXICON_DIR = files("framing.lexicons")
# yaml.compose builds nodes only (no constructors run): the C safe loader is as safe
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_LEXICON = "conflict_frames"
OUTLET_PROFILES_KIND = "outlet_profiles"
ISSUE_COLUMNS = ["path", "line", "severity", "code", "message"]

Severity = Literal["error", "warning"]

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# Regular-expression syntax is refused outright: no pattern language, no backtracking.
_REGEX_CHARS = re.compile(r"[\\()\[\]{}|^$+?]|\.[*+]")
_MAX_TERM_CHARS = 200
_MIN_WILDCARD_PREFIX = 3
_HEADER_KEYS = {"name", "version", "description", "language", "references", "categories", "kind",
                "license", "authors", "notes"}
_CATEGORY_KEYS = {"id", "label", "description", "stance", "entries", "exclude", "examples",
                  "notes"}
_ENTRY_KEYS = {"term", "forms", "case_sensitive", "exclude", "note", "notes", "lemma"}
_KIND_LINE = re.compile(r"^kind:\s*['\"]?([A-Za-z_]+)", re.MULTILINE)


# ----------------------------------------------------------------------------- records

@dataclass(frozen=True, slots=True)
class Issue:
    """One validation finding, located as ``path:line``."""

    path: str
    line: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a category: a term plus its listed forms.

    ``term`` and each of ``forms`` is a word or phrase, optionally ending in ``*`` (any word
    starting with the prefix). ``exclude`` lists phrases that veto a match they contain.
    """

    term: str
    forms: tuple[str, ...] = ()
    case_sensitive: bool = False
    exclude: tuple[str, ...] = ()
    line: int = 0

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The term and its forms: every string the matcher looks for."""
        return (self.term, *self.forms)


@dataclass(frozen=True, slots=True)
class Example:
    """A sentence the category must (``expect="match"``) or must not match."""

    sentence: str
    expect: Literal["match", "no_match"]
    line: int = 0


@dataclass(frozen=True, slots=True)
class Category:
    """A frame (or actor, hedge, cue class): entries, vetoes, stance hints and examples."""

    id: str
    label: str
    description: str = ""
    entries: tuple[Entry, ...] = ()
    exclude: tuple[str, ...] = ()
    stance_items: tuple[tuple[str, str], ...] = ()   # pairs, so a Lexicon pickles
    examples: tuple[Example, ...] = ()
    line: int = 0

    @property
    def stance(self) -> Mapping[str, str]:
        """The optional stance hints (``{"actor": "north_korea", ...}``), read-only."""
        return MappingProxyType(dict(self.stance_items))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A parsed lexicon file. ``source`` is where it came from (quoted in messages)."""

    name: str
    version: str
    description: str
    categories: tuple[Category, ...]
    source: str
    language: str = "en"
    references: tuple[str, ...] = ()
    kind: str = "lexicon"

    @property
    def terms(self) -> Mapping[str, frozenset[str]]:
        """Category id -> lower-cased surfaces (term and forms) of its entries."""
        return MappingProxyType({c.id: frozenset(s.lower() for e in c.entries for s in e.surfaces)
                                 for c in self.categories})

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise LexiconError(f"{self.source}: no category {category_id!r} in lexicon {self.name!r}; "
                           f"categories: {', '.join(self.category_ids)}")


# ----------------------------------------------------------------------------- loading

def builtin_lexicons() -> list[str]:
    """Names of the lexicons shipped in ``framing.lexicons`` (outlet profiles excluded).

    Examples
    --------
    >>> "conflict_frames" in builtin_lexicons()
    True
    """
    names = []
    for resource in LEXICON_DIR.iterdir():
        if not resource.name.endswith(".yaml") or not resource.is_file():
            continue
        if _file_kind(resource.read_text(encoding="utf-8")) == OUTLET_PROFILES_KIND:
            continue
        names.append(resource.name[: -len(".yaml")])
    return sorted(names)


def builtin_path(name: str) -> str:
    """The file of a built-in lexicon as a string (a real path in editable installs)."""
    resource = LEXICON_DIR / f"{name}.yaml"
    if not resource.is_file():
        raise LexiconError(f"no built-in lexicon named {name!r}; "
                           f"available: {', '.join(builtin_lexicons())}")
    return str(resource)


def _file_kind(text: str) -> str:
    match = _KIND_LINE.search(text)
    return match.group(1) if match else "lexicon"


def read_lexicon_source(name_or_path: str | Path) -> tuple[str, str]:
    """``(yaml_text, source)`` of a built-in lexicon name or a lexicon file path."""
    path = Path(name_or_path)
    if path.suffix or path.exists() or "/" in str(name_or_path):
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError as exc:
            raise LexiconError(f"{path}: no such lexicon file") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from exc
    resource = LEXICON_DIR / f"{name_or_path}.yaml"
    if not resource.is_file():
        raise LexiconError(f"no built-in lexicon named {str(name_or_path)!r}; "
                           f"available: {', '.join(builtin_lexicons())}")
    return resource.read_text(encoding="utf-8"), _display_path(str(resource))


def _display_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def load_lexicon(name_or_path: str | Path | Lexicon) -> Lexicon:
    """A built-in lexicon by name (``"conflict_frames"``) or any lexicon YAML file by path.

    Parameters
    ----------
    name_or_path
        A name from :func:`builtin_lexicons`, a path to a ``.yaml`` file, or a
        :class:`Lexicon` (returned unchanged).

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        Unknown name, unreadable file, or any validation error (the first one as
        ``file:line: message``). Warnings do not stop loading; see :func:`parse_lexicon`.

    Examples
    --------
    >>> lexicon = load_lexicon("conflict_frames")
    >>> "defensive_justification" in lexicon.category_ids
    True
    """
    if isinstance(name_or_path, Lexicon):
        return name_or_path
    text, source = read_lexicon_source(name_or_path)
    if _file_kind(text) == OUTLET_PROFILES_KIND:
        raise LexiconError(f"{source}: is an outlet profile file (kind: outlet_profiles), not a "
                           f"lexicon; load it with framing.outlets.load_profiles")
    lexicon, issues = parse_lexicon(text, source=source)
    errors = [i for i in issues if i.severity == "error"]
    if errors or lexicon is None:
        more = f" (and {len(errors) - 1} more; run 'framing lexicon validate {source}')" \
            if len(errors) > 1 else ""
        raise LexiconError(f"{errors[0].path}:{errors[0].line}: {errors[0].message}{more}")
    return lexicon


# ----------------------------------------------------------------------------- parsing

class _Walker:
    """Builds a Lexicon from a YAML node tree, collecting located issues on the way."""

    def __init__(self, source: str):
        self.source = source
        self.issues: list[Issue] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def issue(self, node_or_line, severity: Severity, code: str, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else node_or_line.start_mark.line + 1
        self.issues.append(Issue(self.source, line, severity, code, message))

    def mapping(self, node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.issue(node, "error", "schema", f"{what} must be a mapping (key: value), "
                                                f"got {_node_kind(node)}")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.issue(key_node, "error", "duplicate-key",
                           f"duplicate key {key!r} in {what} (first at line {first}); "
                           f"YAML would silently keep only the last one")
                continue
            out[key] = (key_node, value_node)
        return out

    def scalar(self, node):
        if not isinstance(node, yaml.ScalarNode):
            return None
        return self._constructor.construct_object(node, deep=True)

    def string(self, node, what: str, *, required: bool = True) -> str | None:
        value = self.scalar(node)
        if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
            if required or value is not None:
                self.issue(node, "error", "schema",
                           f"{what} must be a text, got {_node_kind(node)}")
            return None
        return str(value)

    def string_list(self, node, what: str) -> list[tuple[str, int]]:
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.issue(node, "error", "schema", f"{what} must be a list, got {_node_kind(node)}")
            return []
        out = []
        for item in node.value:
            text = self.string(item, f"each item of {what}")
            if text is not None:
                out.append((text, item.start_mark.line + 1))
        return out

    def unknown_keys(self, mapping: dict, allowed: set[str], what: str) -> None:
        for key, (key_node, _) in mapping.items():
            if key not in allowed:
                self.issue(key_node, "warning", "unknown-key",
                           f"unknown key {key!r} in {what} (ignored); "
                           f"known keys: {', '.join(sorted(allowed))}")


def _node_kind(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None:
        return "nothing"
    return f"{node.value!r}" if node.value != "" else "an empty value"


def check_term(term: str) -> tuple[str, str] | None:
    """``(code, message)`` when a term is unusable, else None.

    Refused: regular-expression syntax (the catastrophic-backtracking risk), a ``*`` anywhere
    but the end of the last word, a wildcard prefix under three letters, empty or overlong
    terms.

    Examples
    --------
    >>> check_term("deter*") is None
    True
    >>> check_term("(a+)+b")[0]
    'unsafe-pattern'
    """
    stripped = term.strip()
    if not stripped:
        return "schema", "empty term"
    if len(stripped) > _MAX_TERM_CHARS:
        return "schema", f"term longer than {_MAX_TERM_CHARS} characters"
    if _REGEX_CHARS.search(stripped):
        return ("unsafe-pattern",
                f"{term!r} looks like a regular expression; patterns are not supported "
                f"(they can backtrack catastrophically). Use a word-prefix wildcard such as "
                f"'deter*' or list the forms: {{term: ..., forms: [...]}}")
    if "*" in stripped:
        body = stripped[:-1]
        last_word = re.split(r"[\s\-‐‑‒–—'’]+", body)[-1] if body else ""
        if not stripped.endswith("*") or "*" in body:
            return ("bad-wildcard",
                    f"bad wildcard {term!r}: '*' may only end the last word (e.g. 'deter*')")
        if len(re.sub(r"[\W_]", "", last_word)) < _MIN_WILDCARD_PREFIX or \
                not re.search(r"\w$", body):
            return ("bad-wildcard",
                    f"bad wildcard {term!r}: the prefix before '*' needs at least "
                    f"{_MIN_WILDCARD_PREFIX} letters (short prefixes match almost anything)")
    if not re.search(r"[^\W_]", stripped):
        return "unmatchable", f"{term!r} has no letters or digits; it can never match"
    return None


def parse_lexicon(text: str, *, source: str = "<string>") -> tuple[Lexicon | None, list[Issue]]:
    """Parse lexicon YAML into a :class:`Lexicon` plus every issue found, with lines.

    Returns ``(None, issues)`` when the file is not usable at all (YAML syntax, wrong root).
    Otherwise the lexicon is built from the valid parts; callers decide what an error means
    (:func:`load_lexicon` raises on the first).
    """
    walker = _Walker(source)
    try:
        try:    # libyaml's safe loader, when PyYAML has it: ~10x faster, same node tree
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            if _FAST_LOADER is yaml.SafeLoader:
                raise
            root = yaml.compose(text, Loader=yaml.SafeLoader)   # the usual error message
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        walker.issue(line, "error", "yaml-syntax", f"YAML syntax error: {exc.problem or exc}")
        return None, walker.issues
    except yaml.YAMLError as exc:
        walker.issue(1, "error", "yaml-syntax", f"YAML error: {exc}")
        return None, walker.issues
    if root is None:
        walker.issue(1, "error", "schema", "empty file; a lexicon needs a header and categories")
        return None, walker.issues
    header = walker.mapping(root, "the lexicon header")
    if header is None:
        return None, walker.issues
    walker.unknown_keys(header, _HEADER_KEYS, "the lexicon header")

    def field_(key: str, *, required: bool = True, default: str = "") -> str:
        if key not in header:
            if required:
                walker.issue(root, "error", "schema", f"missing required header field {key!r}")
            return default
        return walker.string(header[key][1], f"header field {key!r}") or default

    kind = field_("kind", required=False, default="lexicon")
    name = field_("name")
    if name and not _IDENTIFIER.match(name):
        walker.issue(header["name"][1], "error", "schema",
                     f"name {name!r} must be lower_snake_case (letters, digits, _)")
    version = field_("version")
    description = field_("description")
    language = field_("language", required=False, default="en")
    references: list[tuple[str, int]] = []
    if "references" in header:
        references = walker.string_list(header["references"][1], "references")
    else:
        walker.issue(root, "warning", "no-references",
                     "no 'references': cite the codebook or papers the categories come from")
    categories: list[Category] = []
    if "categories" not in header:
        walker.issue(root, "error", "schema", "missing required header field 'categories'")
    else:
        cat_node = header["categories"][1]
        if not isinstance(cat_node, yaml.SequenceNode) or not cat_node.value:
            walker.issue(cat_node, "error", "schema",
                         "'categories' must be a non-empty list of categories")
        else:
            seen: dict[str, int] = {}
            for node in cat_node.value:
                category = _parse_category(walker, node)
                if category is None:
                    continue
                if category.id in seen:
                    walker.issue(category.line, "error", "duplicate-category",
                                 f"category id {category.id!r} already used at line "
                                 f"{seen[category.id]}")
                    continue
                seen[category.id] = category.line
                categories.append(category)
    lexicon = Lexicon(name=name or Path(source).stem, version=version, description=description,
                      categories=tuple(categories), source=source, language=language,
                      references=tuple(r for r, _ in references), kind=kind)
    _check_entries(walker, lexicon)
    return lexicon, walker.issues


def _parse_category(walker: _Walker, node) -> Category | None:
    mapping = walker.mapping(node, "a category")
    if mapping is None:
        return None
    line = node.start_mark.line + 1
    walker.unknown_keys(mapping, _CATEGORY_KEYS, "a category")
    if "id" not in mapping:
        walker.issue(node, "error", "schema", "category without an 'id'")
        return None
    cid = walker.string(mapping["id"][1], "category id")
    if cid is None:
        return None
    if not _IDENTIFIER.match(cid):
        walker.issue(mapping["id"][1], "error", "schema",
                     f"category id {cid!r} must be lower_snake_case (letters, digits, _)")
    label = walker.string(mapping["label"][1], "label") if "label" in mapping else None
    if not label:
        walker.issue(node, "warning", "no-label", f"category {cid!r} has no 'label'")
    description = walker.string(mapping["description"][1], "description") \
        if "description" in mapping else None
    if not description:
        walker.issue(node, "warning", "no-description", f"category {cid!r} has no 'description'")
    stance: dict[str, str] = {}
    if "stance" in mapping:
        smap = walker.mapping(mapping["stance"][1], f"stance of {cid!r}")
        for key, (_, vnode) in (smap or {}).items():
            value = walker.string(vnode, f"stance {key!r}")
            if value is not None:
                stance[key] = value
    entries: list[Entry] = []
    if "entries" in mapping:
        enode = mapping["entries"][1]
        if isinstance(enode, yaml.SequenceNode):
            for item in enode.value:
                entry = _parse_entry(walker, item)
                if entry is not None:
                    entries.append(entry)
        elif not (isinstance(enode, yaml.ScalarNode) and walker.scalar(enode) is None):
            walker.issue(enode, "error", "schema", f"entries of {cid!r} must be a list")
    if not entries:
        walker.issue(node, "error", "empty-category",
                     f"category {cid!r} has no usable entries; add entries or remove it")
    exclude: list[str] = []
    if "exclude" in mapping:
        for text, xline in walker.string_list(mapping["exclude"][1], f"exclude of {cid!r}"):
            if _term_ok(walker, text, xline):
                exclude.append(text)
    examples: list[Example] = []
    if "examples" in mapping:
        xmap = walker.mapping(mapping["examples"][1], f"examples of {cid!r}") or {}
        for key, (key_node, vnode) in xmap.items():
            if key not in ("match", "no_match"):
                walker.issue(key_node, "error", "schema",
                             f"examples take 'match' and 'no_match' lists, not {key!r}")
                continue
            for sentence, xline in walker.string_list(vnode, f"examples.{key} of {cid!r}"):
                examples.append(Example(sentence, key, xline))  # type: ignore[arg-type]
    if not any(e.expect == "match" for e in examples):
        walker.issue(node, "warning", "no-examples",
                     f"category {cid!r} has no 'examples: match:' sentences to test it with")
    return Category(id=cid, label=label or cid, description=description or "",
                    entries=tuple(entries), exclude=tuple(exclude),
                    stance_items=tuple(stance.items()), examples=tuple(examples), line=line)


def _term_ok(walker: _Walker, term: str, line: int) -> bool:
    problem = check_term(term)
    if problem is None:
        return True
    code, message = problem
    walker.issue(line, "warning" if code == "unmatchable" else "error", code, message)
    return False


def _parse_entry(walker: _Walker, node) -> Entry | None:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        term = walker.string(node, "an entry")
        if term is None or not _term_ok(walker, term, line):
            return None
        return Entry(term=term.strip(), line=line)
    mapping = walker.mapping(node, "an entry")
    if mapping is None:
        return None
    walker.unknown_keys(mapping, _ENTRY_KEYS, "an entry")
    if "term" not in mapping:
        walker.issue(node, "error", "schema", "entry mapping without a 'term'")
        return None
    term = walker.string(mapping["term"][1], "term")
    if term is None or not _term_ok(walker, term, line):
        return None
    forms = []
    if "forms" in mapping:
        for form, fline in walker.string_list(mapping["forms"][1], f"forms of {term!r}"):
            if _term_ok(walker, form, fline):
                forms.append(form.strip())
    case_sensitive = False
    if "case_sensitive" in mapping:
        value = walker.scalar(mapping["case_sensitive"][1])
        if not isinstance(value, bool):
            walker.issue(mapping["case_sensitive"][1], "error", "schema",
                         f"case_sensitive must be true or false, got {value!r}")
        else:
            case_sensitive = value
    exclude = []
    if "exclude" in mapping:
        for text, xline in walker.string_list(mapping["exclude"][1], f"exclude of {term!r}"):
            if _term_ok(walker, text, xline):
                exclude.append(text)
    return Entry(term=term.strip(), forms=tuple(forms), case_sensitive=case_sensitive,
                 exclude=tuple(exclude), line=line)


def _check_entries(walker: _Walker, lexicon: Lexicon) -> None:
    """Duplicates, entries in two categories, and entries shadowed by a wildcard."""
    from framing.matching import normalize_term  # matching imports this module at top level

    owners: dict[str, list[tuple[str, int]]] = {}
    for category in lexicon.categories:
        seen: dict[tuple[str, bool], tuple[str, int]] = {}
        # (key, wildcard, surface, line, case_sensitive)
        keys: list[tuple[str, bool, str, int, bool]] = []
        for entry in category.entries:
            for surface in entry.surfaces:
                key, wildcard = normalize_term(surface)
                if not key:
                    continue
                shown = key + ("*" if wildcard else "")
                ident = (_cased_key(surface) if entry.case_sensitive else shown,
                         entry.case_sensitive)
                if ident in seen:
                    first, first_line = seen[ident]
                    walker.issue(entry.line, "warning", "duplicate-entry",
                                 f"{surface!r} is the same entry as {first!r} (line {first_line}) "
                                 f"in category {category.id!r} (hyphens, spaces, apostrophes "
                                 f"and case match alike)")
                    continue
                seen[ident] = (surface, entry.line)
                keys.append((key, wildcard, surface, entry.line, entry.case_sensitive))
                cats = owners.setdefault(shown, [])
                if category.id not in [c for c, _ in cats]:
                    cats.append((category.id, entry.line))
        # an entry that contains one of its exclusions is vetoed wherever it matches
        category_vetoes = [normalize_term(x) for x in category.exclude]
        for entry in category.entries:
            vetoes = category_vetoes + [normalize_term(x) for x in entry.exclude]
            for surface in entry.surfaces:
                key, _ = normalize_term(surface)
                padded = f" {key} "
                for veto, veto_wild in vetoes:
                    if veto and (f" {veto} " in padded or (veto_wild and f" {veto}" in padded)):
                        walker.issue(entry.line, "warning", "always-vetoed",
                                     f"{surface!r} contains its exclusion {veto!r} and so can "
                                     f"never count in category {category.id!r}")
                        break
        wildcards = [k for k in keys if k[1] and not k[4]]
        plain = {k[0] for k in keys if not k[1] and not k[4]}
        for key, wildcard, surface, line, cs in keys:
            for wkey, _, wsurface, wline, _ in wildcards:
                if (wsurface, wline) == (surface, line):
                    continue
                if key.startswith(wkey) and " " not in key[len(wkey):] and \
                        (len(key) > len(wkey) or not wildcard or cs):
                    walker.issue(line, "warning", "shadowed",
                                 f"{surface!r} is shadowed by wildcard {wsurface!r} (line "
                                 f"{wline}) in category {category.id!r}: every match of it is "
                                 f"already a match of the wildcard")
                    break
            else:
                if cs and not wildcard and key in plain:
                    walker.issue(line, "warning", "shadowed",
                                 f"case-sensitive {surface!r} is shadowed by a case-insensitive "
                                 f"entry with the same words in category {category.id!r}")
    for key, cats in owners.items():
        if len(cats) > 1:
            listed = ", ".join(f"{c!r} (line {ln})" for c, ln in cats)
            walker.issue(cats[-1][1], "warning", "entry-in-two-categories",
                         f"{key!r} is an entry of several categories: {listed}; each match "
                         f"counts for all of them")


def _cased_key(surface: str) -> str:
    return " ".join(re.sub(r"[\W_]", " ", surface).split())


def iter_lexicon_files(paths: Iterable[str | Path] | None) -> list[str]:
    """Expand lexicon arguments: files, folders (their ``*.yaml``), or built-in names.

    With no paths, every built-in lexicon file (outlet profiles included, so callers can skip
    or delegate them).
    """
    if not paths:
        return [_display_path(str(r)) for r in sorted(LEXICON_DIR.iterdir(), key=lambda r: r.name)
                if r.name.endswith(".yaml") and r.is_file()]
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(str(p) for p in sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.exists() or path.suffix:
            out.append(str(path))
        else:
            out.append(builtin_path(str(raw)) if (LEXICON_DIR / f"{raw}.yaml").is_file()
                       else str(path))
    return out


def lexicon_issues(path: str | Path) -> list[Issue]:
    """Every issue of one lexicon file (see :func:`framing.lexicon_ci.validate_lexicons`)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [Issue(source, 0, "error", "not-found",
                      f"no such lexicon file: {source} (built-in lexicons: "
                      f"{', '.join(builtin_lexicons())})")]
    except (OSError, UnicodeDecodeError) as exc:
        return [Issue(source, 0, "error", "unreadable", f"cannot read {source}: {exc}")]
    if _file_kind(text) == OUTLET_PROFILES_KIND:
        return _outlet_profile_issues(text, source)
    return parse_lexicon(text, source=source)[1]


def collect_issues(paths: Iterable[str | Path] | None = None) -> list[Issue]:
    """Every issue of the given lexicon files (None: all shipped), errors first.

    The list form of :func:`framing.lexicon_ci.validate_lexicons` (no pandas import, so
    ``framing lexicon validate`` answers fast).
    """
    issues = [i for path in iter_lexicon_files(paths) for i in lexicon_issues(path)]
    return sorted(issues, key=lambda i: (i.severity != "error", i.path, i.line))


def _outlet_profile_issues(text: str, source: str) -> list[Issue]:
    from framing.errors import FramingError
    from framing.outlets import parse_profiles
    try:
        parse_profiles(text, source=source)
    except FramingError as exc:
        message = str(exc)
        match = re.match(r"^.*?:(\d+): (.*)$", message)
        line, message = (int(match.group(1)), match.group(2)) if match else (0, message)
        return [Issue(source, line, "error", "outlet-profiles", message)]
    return []


def resolve_lexicons(lexicons: Sequence[str | Path | Lexicon] | str | Lexicon | None,
                     *, default: Sequence[str] = (DEFAULT_LEXICON,)) -> list[Lexicon]:
    """Load a lexicon list given as names, paths, Lexicon objects, or None (``default``)."""
    if lexicons is None:
        lexicons = list(default)
    elif isinstance(lexicons, (str, Path, Lexicon)):
        lexicons = [lexicons]
    return [load_lexicon(x) for x in lexicons]
