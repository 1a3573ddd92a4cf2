"""Outlet profiles: recognise the outlet of an article and separate its text from page chrome.

Profiles live in ``lexicons/outlets.yaml`` (researchers add outlets there). Cleaning works line
by line and only removes whole lines, so the cleaned text is a concatenation of slices of the
raw text and every span maps back exactly (:class:`framing.models.OffsetMap`).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Mapping
from urllib.parse import urlsplit

import yaml

from framing.errors import LexiconError
from framing.models import OffsetMap, Zone

UNKNOWN_OUTLET = "unknown"
_RULE_KEYS = ("detect", "drop_lines", "cut_after", "captions", "dateline", "byline")
# A group holding an unbounded quantifier that is itself repeated without bound, e.g. (a+)+ or
# (.*)*: the classic catastrophic-backtracking shape. Bounded repeats like (?: \w+){0,3} pass.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\})")


@dataclass(frozen=True, slots=True)
class OutletRules:
    """Compiled line patterns of one outlet (or of the defaults)."""

    detect: tuple[re.Pattern, ...] = ()
    drop_lines: tuple[re.Pattern, ...] = ()
    cut_after: tuple[re.Pattern, ...] = ()
    captions: tuple[re.Pattern, ...] = ()
    dateline: tuple[re.Pattern, ...] = ()
    byline: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True, slots=True)
class OutletProfile:
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    rules: OutletRules = field(default_factory=OutletRules)


@dataclass(frozen=True, slots=True)
class OutletProfiles:
    """All profiles plus the default rules, with lookup tables built once."""

    profiles: tuple[OutletProfile, ...]
    defaults: OutletRules
    source: str
    version: str = ""
    by_alias: Mapping[str, OutletProfile] = field(default_factory=dict)

    def canonical(self, name: str) -> str:
        """The canonical outlet name for a name or alias; unknown names are kept as given."""
        profile = self.by_alias.get(_alias_key(name))
        return profile.name if profile else name.strip()

    def profile(self, name: str) -> OutletProfile | None:
        return self.by_alias.get(_alias_key(name))

    def from_url(self, url: str) -> str | None:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        for profile in self.profiles:
            if any(host == d or host.endswith("." + d) for d in profile.domains):
                return profile.name
        return None

    def detect(self, text: str) -> str | None:
        """The first outlet whose detection pattern occurs on a line of ``text``."""
        for profile in self.profiles:
            for pattern in profile.rules.detect:
                if pattern.search(text):   # compiled with re.MULTILINE: ^ and $ are per line
                    return profile.name
        return None


def _alias_key(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name).strip().casefold()


@functools.cache
def default_profiles() -> OutletProfiles:
    """The shipped profiles (``framing.lexicons/outlets.yaml``)."""
    resource = files("framing.lexicons") / "outlets.yaml"
    return parse_profiles(resource.read_text(encoding="utf-8"), source="builtin:outlets.yaml")


def load_profiles(path: str | Path | None = None) -> OutletProfiles:
    """Outlet profiles from a YAML file, or the shipped ones when ``path`` is None."""
    if path is None:
        return default_profiles()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read outlet profiles: {exc.strerror}") from exc
    return parse_profiles(text, source=str(path))


def parse_profiles(text: str, *, source: str) -> OutletProfiles:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise LexiconError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or data.get("kind") != "outlet_profiles":
        raise LexiconError(f"{source}:1: not an outlet profile file (expected 'kind: outlet_profiles')")
    lines = _line_index(root)
    defaults = _compile_rules(data.get("defaults") or {}, source, lines, "defaults")
    profiles = []
    by_alias: dict[str, OutletProfile] = {}
    for i, entry in enumerate(data.get("outlets") or []):
        line = lines.get(("outlets", i), 1)
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise LexiconError(f"{source}:{line}: each outlet needs a 'name'")
        unknown = set(entry) - {"name", "aliases", "domains", *_RULE_KEYS}
        if unknown:
            raise LexiconError(f"{source}:{line}: unknown key(s) {sorted(unknown)} for outlet "
                               f"{entry['name']!r}; allowed: name, aliases, domains, "
                               f"{', '.join(_RULE_KEYS)}")
        profile = OutletProfile(
            name=str(entry["name"]).strip(),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
            domains=tuple(str(d).lower() for d in entry.get("domains") or ()),
            rules=_compile_rules(entry, source, lines, ("outlets", i)),
        )
        for alias in (profile.name, *profile.aliases):
            key = _alias_key(alias)
            if key in by_alias and by_alias[key].name != profile.name:
                raise LexiconError(f"{source}:{line}: alias {alias!r} of {profile.name!r} is "
                                   f"already used by {by_alias[key].name!r}")
            by_alias[key] = profile
        profiles.append(profile)
    return OutletProfiles(tuple(profiles), defaults, source, str(data.get("version", "")),
                          MappingProxyType(by_alias))


def _line_index(root) -> dict:
    """(key path) -> 1-based line of each outlet entry, for error messages."""
    index: dict = {}
    if root is None or not hasattr(root, "value"):
        return index
    for key_node, value_node in root.value:
        if key_node.value == "outlets" and hasattr(value_node, "value"):
            for i, item in enumerate(value_node.value):
                index[("outlets", i)] = item.start_mark.line + 1
        elif key_node.value == "defaults":
            index["defaults"] = value_node.start_mark.line + 1
    return index


def _compile_rules(entry: Mapping, source: str, lines: Mapping, key) -> OutletRules:
    line = lines.get(key, 1)
    compiled = {}
    for rule in _RULE_KEYS:
        patterns = entry.get(rule) or []
        if isinstance(patterns, str):
            patterns = [patterns]
        out = []
        for pattern in patterns:
            if _NESTED_QUANTIFIER.search(pattern):
                raise LexiconError(f"{source}:{line}: {rule} pattern {pattern!r} has a nested "
                                   f"quantifier, which can backtrack catastrophically; "
                                   f"rewrite it without a quantified group containing + or *")
            try:
                out.append(re.compile(pattern, re.MULTILINE if rule == "detect" else 0))
            except re.error as exc:
                raise LexiconError(f"{source}:{line}: bad {rule} pattern {pattern!r}: {exc}") from exc
        compiled[rule] = tuple(out)
    return OutletRules(**compiled)


@dataclass(frozen=True, slots=True)
class CleanText:
    text: str
    offsets: OffsetMap
    zones: tuple[Zone, ...]
    n_dropped_lines: int


def clean_text(raw: str, outlet: str, profiles: OutletProfiles, *,
               headline: str | None = None, first_line_headline: bool = False) -> CleanText:
    """Remove page chrome from ``raw`` and mark headline, dateline, byline and caption zones.

    Parameters
    ----------
    raw
        The decoded article text.
    outlet
        Canonical outlet name; its profile's rules apply on top of the defaults.
    headline
        The known title: a first line equal to it is marked as the headline.
    first_line_headline
        Mark the first line as the headline when it looks like one (plain-text files).
    """
    profile = profiles.profile(outlet)
    # Patterns stay separate: one alternation of anchored and unanchored patterns would be
    # tried at every position of every line.
    rules = {attr: [p for r in [profiles.defaults] + ([profile.rules] if profile else [])
                    for p in getattr(r, attr)] for attr in _RULE_KEYS}

    def any_match(attr: str, line: str) -> re.Match | None:
        for pattern in rules[attr]:
            m = pattern.search(line)
            if m:
                return m
        return None

    pieces: list[tuple[int, int]] = []   # kept raw slices (start, end), newline included
    zones: list[Zone] = []
    out_len = 0
    dropped = 0
    first_content = True
    pos = 0
    for line in raw.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            if out_len:   # blank lines before the first kept line are dropped with the chrome
                _append(pieces, start, pos)
                out_len += len(line)
            continue
        if any_match("cut_after", stripped):
            dropped += raw[start:].count("\n") + 1
            break
        if any_match("drop_lines", stripped):
            dropped += 1
            continue
        lead = len(body) - len(body.lstrip())
        z_start, z_end = out_len + lead, out_len + lead + len(stripped)
        if first_content and (
            (headline and _same_title(stripped, headline))
            or (first_line_headline and headline is None and _looks_like_headline(stripped)
                and raw[pos:].strip())   # a one-line file is all body
        ):
            zones.append(Zone(z_start, z_end, "headline"))
        elif any_match("captions", stripped):
            zones.append(Zone(z_start, z_end, "caption"))
        elif any_match("byline", stripped):
            zones.append(Zone(z_start, z_end, "byline"))
        else:
            m = any_match("dateline", body[lead:])
            if m:   # "SEOUL (Reuters) - ..." opens a line; a date alone fills one
                zones.append(Zone(z_start, z_start + len(m.group().rstrip()), "dateline"))
        first_content = False
        _append(pieces, start, pos)
        out_len += len(line)
    text = "".join(raw[s:e] for s, e in pieces)
    text_starts, raw_starts, acc = [], [], 0
    for s, e in pieces:
        text_starts.append(acc)
        raw_starts.append(s)
        acc += e - s
    offsets = OffsetMap(tuple(text_starts) or (0,), tuple(raw_starts) or (0,))
    # trailing blank lines left where chrome was cut
    return CleanText(text.rstrip() + ("\n" if text.strip() else ""), offsets, tuple(zones), dropped)


def _append(pieces: list[tuple[int, int]], start: int, end: int) -> None:
    if pieces and pieces[-1][1] == start:
        pieces[-1] = (pieces[-1][0], end)
    else:
        pieces.append((start, end))


def _same_title(line: str, title: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().casefold()  # noqa: E731
    return norm(line) == norm(title)


def _looks_like_headline(line: str) -> bool:
    # Headlines are short, and seldom end like narrative sentences with a comma clause.
    words = line.split()
    return 1 <= len(words) <= 30 and len(line) <= 250 and not line.endswith((",", ":", ";"))


def canonical_outlets(names: Iterable[str], profiles: OutletProfiles | None = None) -> list[str]:
    profiles = profiles or default_profiles()
    return [profiles.canonical(n) for n in names]


def known_outlets(profiles: OutletProfiles | None = None) -> Sequence[str]:
    return [p.name for p in (profiles or default_profiles()).profiles]
