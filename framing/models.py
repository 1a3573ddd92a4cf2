"""Frozen records shared by every module. Each carries its provenance (ids, offsets, source)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

ZoneKind = Literal["headline", "dateline", "caption", "byline", "body"]
SentenceKind = Literal["headline", "dateline", "caption", "byline", "body"]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets in an article's cleaned ``text`` back to its ``raw_text``.

    The cleaned text is a concatenation of slices of the raw text (cleaning only removes page
    chrome, never rewrites words), so one pair of offsets per slice is enough: slice ``i``
    starts at ``text_starts[i]`` in the text and ``raw_starts[i]`` in the raw text.
    """

    text_starts: tuple[int, ...] = (0,)
    raw_starts: tuple[int, ...] = (0,)

    def to_raw(self, offset: int) -> int:
        """The raw-text offset of a cleaned-text offset."""
        i = bisect.bisect_right(self.text_starts, offset) - 1
        return self.raw_starts[max(i, 0)] + offset - self.text_starts[max(i, 0)]

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A half-open span in the text as a half-open span in the raw text."""
        if end <= start:
            raw = self.to_raw(start)
            return raw, raw
        return self.to_raw(start), self.to_raw(end - 1) + 1

    @property
    def is_identity(self) -> bool:
        return self.text_starts == (0,) and self.raw_starts == (0,)


@dataclass(frozen=True, slots=True)
class Zone:
    """A span of the cleaned text that is not the outlet's narrative (caption, dateline...)."""

    start: int
    end: int
    kind: ZoneKind


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as ingested.

    ``text`` is the cleaned article (headline line, body, captions; page chrome removed),
    ``raw_text`` the decoded input, and ``offsets`` maps spans of ``text`` into ``raw_text`` so
    evidence can always be shown in the original. ``zones`` mark headline, dateline, byline and
    caption spans of ``text``; everything else is body.
    """

    id: str
    outlet: str
    title: str
    date: str          # ISO 8601 (YYYY-MM-DD) or "" when unknown
    url: str
    text: str
    raw_text: str
    path: str          # the input file, with ":LINE" for a JSONL/CSV row
    offsets: OffsetMap = field(default_factory=OffsetMap)
    zones: tuple[Zone, ...] = ()
    event: str = ""
    encoding: str = "utf-8"
    sha256: str = ""   # of the raw input bytes (file) or row text, for provenance


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be analysed, and why. Reports list these."""

    path: str
    reason: str
