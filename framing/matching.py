"""One-pass lexicon matching: every entry of every loaded lexicon in one Aho-Corasick automaton.

How a text is matched
---------------------
1. The text is *normalised* once: runs of whitespace (with any hyphens or apostrophes next to
   it) collapse to one space, every other
   character that is not a letter or digit (hyphens, apostrophes straight or curly, periods,
   commas, quotes) becomes a space, and letters are lower-cased. So "anti-US", "anti US" and
   "Anti–US" read alike, as do "Workers' Party" and "Workers’ Party", while a comma still
   separates words by *two* spaces, which stops phrases from matching across it
   ("hostile, policy" is not "hostile policy"). An offset map leads back to the original text.
2. Each entry is normalised the same way and stored padded with spaces (" defensive measure "),
   so the automaton only ever reports whole words. A wildcard entry (``deter*``) is stored
   without its trailing space and extended to the end of the word: linear, no backtracking.
3. One scan of the automaton yields all candidate hits and all exclusion phrases at once.
   Case-sensitive entries are checked against the un-lowered text; a hit overlapped by one of
   its entry's or category's exclusions is vetoed; within one category, overlapping hits keep
   the leftmost-longest ("defensive measure" rather than "defensive").

The scan costs O(length of text + number of candidate hits), whatever the number of entries.
"""
from __future__ import annotations

import bisect
import functools
from bisect import bisect_right
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from framing.lexicon import Lexicon, load_lexicon

# Runs of whitespace, hyphens and apostrophes: those containing whitespace collapse to one
# space ("Workers' Party" reads as "Workers Party", "anti - US" as "anti US"). A plain character
# class, so it cannot backtrack whatever the text.
_WS_RUN = re.compile(r"[\s'’‘ʼ\-]{2,}")
_SPACE = re.compile(r"\s")
_NONWORD = re.compile(r"[\W_]")

_HIT, _VETO = 0, 1


class Match(NamedTuple):
    """One lexicon hit. ``start``/``end`` are offsets into the text given to ``find``.

    Immutable; a NamedTuple rather than a frozen dataclass because a corpus yields millions of
    hits and tuple construction is several times cheaper.

    ``entry`` is the entry's term as written in the lexicon (``deter`` for a match of its form
    "deterrent"), ``matched`` the text as it appears. ``vetoed_by`` is set only when
    ``find(..., include_vetoed=True)`` reports a hit an exclusion removed.
    """

    start: int
    end: int
    lexicon: str
    category: str
    entry: str
    matched: str
    vetoed_by: str | None = None


def _collapse(text: str) -> tuple[str, list[int], list[int]]:
    """Collapse whitespace runs to one space; breakpoints map collapsed -> original offsets."""
    norm_starts, orig_starts = [0], [0]
    if not _WS_RUN.search(text):
        return text, norm_starts, orig_starts
    pieces: list[str] = []
    pos = 0
    length = 0
    for run in _WS_RUN.finditer(text):
        if not _SPACE.search(run.group()):
            continue                # "--" or "''" inside a word: left for the 1:1 step
        piece = text[pos:run.start()]
        pieces.append(piece)
        pieces.append(" ")
        length += len(piece) + 1
        pos = run.end()
        norm_starts.append(length)
        orig_starts.append(pos)
    pieces.append(text[pos:])
    return "".join(pieces), norm_starts, orig_starts


@functools.cache
def _nonword_table() -> str:
    """A ``str.translate`` table for the BMP: every non-word character -> " " (1:1)."""
    return "".join(" " if _NONWORD.match(chr(i)) else chr(i) for i in range(0x10000))


def _nonword_to_space(collapsed: str) -> str:
    # translate() is twice as fast as re.sub here; the table covers the BMP only
    if collapsed.isascii() or max(collapsed) <= "\uffff":
        return collapsed.translate(_nonword_table())
    return _NONWORD.sub(" ", collapsed)


def _lower(cased: str) -> str:
    lowered = cased.lower()
    if len(lowered) == len(cased):
        return lowered
    # a few characters (e.g. "İ") lower to two; keep those as they are so offsets stay aligned
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in cased)


def normalize_text(text: str) -> tuple[str, str, list[int], list[int]]:
    """``(lowered, cased, norm_starts, orig_starts)``: the matcher's view of ``text``.

    ``lowered`` and ``cased`` have the same length; ``norm_starts``/``orig_starts`` map their
    offsets back into ``text`` (see :func:`to_original`).
    """
    collapsed, norm_starts, orig_starts = _collapse(text)
    cased = _nonword_to_space(collapsed)
    return _lower(cased), cased, norm_starts, orig_starts


def to_original(offset: int, norm_starts: list[int], orig_starts: list[int]) -> int:
    """An offset of the normalised text as an offset of the original text."""
    i = bisect.bisect_right(norm_starts, offset) - 1
    return orig_starts[i] + offset - norm_starts[i]


def normalize_term(term: str) -> tuple[str, bool]:
    """``(key, is_wildcard)``: an entry as the matcher stores it (lower-cased, no padding).

    Examples
    --------
    >>> normalize_term("Anti-US")
    ('anti us', False)
    >>> normalize_term("deter*")
    ('deter', True)
    """
    cased, wildcard = cased_term(term)
    return _lower(cased), wildcard


def cased_term(term: str) -> tuple[str, bool]:
    """Like :func:`normalize_term` without lower-casing (for case-sensitive entries)."""
    term = term.strip()
    wildcard = term.endswith("*")
    if wildcard:
        term = term[:-1]
    collapsed, _, _ = _collapse(term)
    return _nonword_to_space(collapsed).strip(" "), wildcard


class Matcher:
    """All entries and exclusions of some lexicons, compiled into one automaton.

    Build it with :func:`compile_matcher`; call :meth:`find` on any text.
    """

    def __init__(self, lexicons: Sequence[Lexicon]):
        self.lexicons: tuple[Lexicon, ...] = tuple(lexicons)
        # entry index -> (lexicon, category, entry term, entry veto group, category veto group)
        self._entries: list[tuple[str, str, str, int, int]] = []
        self._veto_labels: list[str] = []
        patterns: dict[str, list[tuple]] = {}

        def add(surface: str, record_kind: int, owner: int, case_sensitive: bool) -> None:
            key, wildcard = normalize_term(surface)
            if not key:
                return
            cased = cased_term(surface)[0] if case_sensitive else None
            padded = " " + key + ("" if wildcard else " ")
            # "U.S." and "N.K." end in a period the normalised key drops: remember it, so the
            # reported span (and ``matched``) is the entry as written, period included.
            dot = not wildcard and surface.rstrip().endswith(".")
            record = (record_kind, owner, cased, wildcard, len(padded), dot)
            bucket = patterns.setdefault(padded, [])
            if record not in bucket:
                bucket.append(record)

        def add_vetoes(label: str, phrases) -> int:
            """Register exclusion phrases as one veto group; -1 when there are none."""
            if not phrases:
                return -1
            group = len(self._veto_labels)
            self._veto_labels.append(label)
            for phrase in phrases:
                add(phrase, _VETO, group, False)
            return group

        for lexicon in self.lexicons:
            for category in lexicon.categories:
                category_group = add_vetoes(f"{lexicon.name}.{category.id}", category.exclude)
                for entry in category.entries:
                    entry_group = add_vetoes(f"{lexicon.name}.{category.id}:{entry.term}",
                                             entry.exclude)
                    index = len(self._entries)
                    self._entries.append((lexicon.name, category.id, entry.term, entry_group,
                                          category_group))
                    for surface in entry.surfaces:
                        add(surface, _HIT, index, entry.case_sensitive)
        self._veto_phrases: dict[int, list[str]] = {}
        self.n_patterns = len(patterns)
        self._automaton = ahocorasick.Automaton()
        for key, records in patterns.items():
            self._automaton.add_word(key, tuple(records))
        if patterns:
            self._automaton.make_automaton()

    @property
    def categories(self) -> list[tuple[str, str]]:
        """``(lexicon, category)`` pairs, in lexicon file order."""
        return [(lx.name, c.id) for lx in self.lexicons for c in lx.categories]

    def find(self, text: str, *, include_vetoed: bool = False) -> list[Match]:
        """Every hit in ``text``, sorted by position; offsets index ``text`` itself.

        Parameters
        ----------
        text
            Any text (an article, a sentence); it is scanned once.
        include_vetoed
            Also return hits an exclusion removed, with ``vetoed_by`` set (for diagnostics).
        """
        if not self.n_patterns or not text:
            return []
        lowered, cased, norm_starts, orig_starts = normalize_text(text)
        padded = " " + lowered + " "
        candidates: list[tuple[int, int, int, bool]] = []
        vetoes: dict[int, list[tuple[int, int]]] = {}
        for end_index, records in self._automaton.iter(padded):
            for kind, owner, cased_form, wildcard, length, dot in records:
                start = end_index - length + 1       # padded -> lowered: the pad is one char
                if wildcard:
                    end = padded.find(" ", end_index + 1) - 1
                else:
                    end = end_index - 1
                if cased_form is not None and \
                        cased[start:start + len(cased_form)] != cased_form:
                    continue
                if kind == _HIT:
                    candidates.append((start, end, owner, dot))
                else:
                    vetoes.setdefault(owner, []).append((start, end))
        if not candidates:
            return []
        identity = len(norm_starts) == 1
        entries = self._entries
        veto_index = {group: _SpanIndex(spans) for group, spans in vetoes.items()}
        kept: dict[tuple[str, str], list[tuple[int, int, int, str | None]]] = {}
        for start, end, owner, dot in candidates:
            if dot and end < len(lowered) and \
                    text[to_original(end, norm_starts, orig_starts)] == ".":
                end += 1      # the entry's own period ("U.S."): part of the span
            lexicon, category, _, entry_group, category_group = entries[owner]
            vetoed_by = None
            for group in (entry_group, category_group):
                if group >= 0 and group in veto_index:
                    span = veto_index[group].overlapping(start, end)
                    if span is not None:
                        vetoed_by = cased[span[0]:span[1]]
                        break
            if vetoed_by is not None and not include_vetoed:
                continue
            kept.setdefault((lexicon, category), []).append((start, end, owner, vetoed_by))
        out: list[Match] = []
        for spans in kept.values():
            # leftmost-longest within one category: "defensive measure", not also "defensive"
            spans.sort(key=lambda s: (s[3] is not None, s[0], s[0] - s[1]))
            last_end = -1
            for start, end, owner, vetoed_by in spans:
                if vetoed_by is None:
                    if start < last_end:       # taken spans are sorted and disjoint
                        continue
                    last_end = end
                if identity:
                    o_start, o_end = start, end
                else:   # to_original(), inlined: this runs once per hit
                    i = bisect_right(norm_starts, start) - 1
                    o_start = orig_starts[i] + start - norm_starts[i]
                    i = bisect_right(norm_starts, end - 1) - 1
                    o_end = orig_starts[i] + end - norm_starts[i]
                lexicon, category, term, _, _ = entries[owner]
                out.append(Match(o_start, o_end, lexicon, category, term, text[o_start:o_end],
                                 vetoed_by))
        out.sort(key=lambda m: (m.start, m.end, m.lexicon, m.category))
        return out


class _SpanIndex:
    """Exclusion spans of one veto group, sorted, answering "does any overlap [s, e)?" in
    O(log n) (a prefix maximum of the ends), so many exclusions never make matching quadratic.
    """

    __slots__ = ("starts", "spans", "max_end")

    def __init__(self, spans: list[tuple[int, int]]):
        spans.sort()
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.max_end = []
        best = -1
        for _, e in spans:
            best = max(best, e)
            self.max_end.append(best)

    def overlapping(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect.bisect_left(self.starts, end)   # spans[:i] start before the hit ends
        if i == 0 or self.max_end[i - 1] <= start:
            return None
        for j in range(i - 1, -1, -1):              # the nearest such span that reaches in
            if self.spans[j][1] > start:
                return self.spans[j]
        return None  # pragma: no cover - max_end guarantees a hit above


def compile_matcher(lexicons: Sequence[Lexicon | str | Path] | Lexicon | str) -> Matcher:
    """Compile lexicons (objects, built-in names or paths) into one :class:`Matcher`.

    Examples
    --------
    >>> matcher = compile_matcher(["conflict_frames"])
    >>> [m.category for m in matcher.find("They call the tests a defensive measure.")]
    ['defensive_justification']
    """
    if isinstance(lexicons, (str, Path, Lexicon)):
        lexicons = [lexicons]
    return Matcher([load_lexicon(x) for x in lexicons])
