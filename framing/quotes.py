"""Quotation marks, scare quotes, hedges and the rule layer of attribution detection.

Text-level helpers with character offsets; :mod:`framing.attribution` combines them with the
learned tagger (:mod:`framing.attribution_model`).

* :func:`quote_spans` pairs straight and curly double quotation marks within a paragraph (a
  quotation that runs over several paragraphs reopens each paragraph, the newspaper
  convention, so an unclosed mark runs to its paragraph's end), and single curly marks used
  as quotes in headlines (``'guardrails'``) when they are not apostrophes.
* :func:`is_scare_quote` separates the outlet's own distancing quotes (the so-called "peace
  era") from quoted speech: a short quotation that belongs to no attribution, or one
  introduced by a labelling word ("so-called", "dubbed"), is the outlet's.
* :func:`hedge_spans` finds the outlet's own hedges ("reportedly", "is believed to") from the
  ``hedge`` category of ``lexicons/cues.yaml`` (Lakoff 1973; Hyland 1998).
* :func:`rule_attributions` is the rule layer: high-precision patterns for the reporting
  formulas of wire and state-media copy ("according to X", "in a statement carried by
  KCNA", "cited X as saying", "..., said a spokesman.") that the tagger, trained on US
  campaign news, may miss.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

OPENERS = "“\""
CLOSERS = "”\""


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation: ``start``/``end`` include the marks; ``closed`` is False for a quotation
    that runs to the end of its paragraph (multi-paragraph quotes)."""

    start: int
    end: int
    closed: bool = True
    single: bool = False

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - (1 if self.closed else 0)


_PARA = re.compile(r"[^\n]+")
# two apostrophes stand for a double quotation mark in some wire copy (''like this'')
_DQ = re.compile(r"''|[\"“”]")
_SQ = re.compile(r"(?<![\w])‘|’(?![\w])")


def quote_spans(text: str, *, single: bool = True) -> list[QuoteSpan]:
    """Quotations in ``text``, in order, as :class:`QuoteSpan` (offsets into ``text``).

    Examples
    --------
    >>> [(q.start, q.end) for q in quote_spans('He said "we are ready" and “more.”')]
    [(8, 22), (27, 34)]
    """
    return list(_quote_spans(text, single))


@functools.lru_cache(maxsize=4)
def _quote_spans(text: str, single: bool) -> tuple[QuoteSpan, ...]:
    # cached: attribution detection and the sentence voices of one article both need them
    out: list[QuoteSpan] = []
    for para in _PARA.finditer(text):
        base, chunk = para.start(), para.group()
        open_at, open_ch, nested = None, "", False
        for m in (_DQ.finditer(chunk) if ('"' in chunk or "“" in chunk or "”" in chunk
                                          or "''" in chunk) else ()):
            ch, i = m.group(), m.start()
            if open_at is None:
                if ch != "”":                    # a stray closing mark opens nothing
                    open_at, open_ch = i, ch
                continue
            if open_ch == "“" and ch in "\"“":
                nested = not nested if ch == '"' else nested   # a quote inside a quote
                continue
            if nested:
                nested = False
                continue
            out.append(QuoteSpan(base + open_at, base + i + len(ch)))
            open_at = None
        if open_at is not None:
            end = len(chunk.rstrip())
            if end - open_at > 1:
                out.append(QuoteSpan(base + open_at, base + end, closed=False))
        if single and ("‘" in chunk or "’" in chunk):      # no mark, no match: skip the scan
            marks = list(_SQ.finditer(chunk))
            stack = None
            for m in marks:
                if m.group() == "‘":
                    stack = m.start()
                elif stack is not None:
                    s, e = base + stack, base + m.end()
                    if not any(q.start <= s < q.end for q in out):
                        out.append(QuoteSpan(s, e, single=True))
                    stack = None
    out.sort(key=lambda q: q.start)
    return tuple(out)


_LABELLING = re.compile(
    r"(?:so[- ]called|dubbed|termed|branded|labell?ed|its|their|what (?:it|they|he|she) "
    r"(?:calls?|called|dubs?|terms?))\s*$", re.IGNORECASE)


_LABEL_ENDS = ("called", "dubbed", "termed", "branded", "labeled", "labelled", "its", "their",
               "call", "calls", "dub", "dubs", "term", "terms")


def _may_label(before: str) -> bool:
    """False when ``_LABELLING`` cannot match ``before``: it ends in one of _LABEL_ENDS and
    spaces. İ, ı and ſ match i and s case-insensitively but lower-case to other letters, so
    with them the regex decides."""
    return (before.rstrip().lower().endswith(_LABEL_ENDS)
            or "İ" in before or "ı" in before or "ſ" in before)


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def n_words(text: str) -> int:
    return len(_WORD.findall(text))


def is_scare_quote(text: str, quote: QuoteSpan, *, in_content: bool,
                   max_words: int = 4) -> bool:
    """Whether a quotation is the outlet's own distancing rather than reported speech.

    A quotation introduced by a labelling word ("so-called", "dubbed") is a scare quote
    even inside reported speech; otherwise a quotation is a scare quote when it belongs to
    no attribution (``in_content`` False) and is short: under ``max_words`` words is nearly
    always a label, not a speech act.

    Examples
    --------
    >>> t = 'It ended the so-called "peace era" in 2019.'
    >>> is_scare_quote(t, quote_spans(t)[0], in_content=False)
    True
    """
    before = text[max(0, quote.start - 40): quote.start]
    if _may_label(before) and _LABELLING.search(before):
        return True
    if in_content:
        return False
    s, e = quote.inner
    return n_words(text[s:e]) <= max_words


# --------------------------------------------------------------------------- hedges

def hedge_spans(text: str, forms: list[str] | tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``(start, end, form)`` of every hedge form (whole words, case-insensitive)."""
    if not forms:
        return []
    pattern = _hedge_pattern(tuple(forms))
    return [(m.start(), m.end(), m.group().lower()) for m in pattern.finditer(text)]


@functools.lru_cache(maxsize=16)
def _hedge_pattern(forms: tuple[str, ...]) -> re.Pattern:
    escaped = sorted((re.escape(f).replace(r"\ ", r"\s+") for f in forms),
                     key=len, reverse=True)
    if all(e[:1].isascii() and e[:1].isalpha() for e in escaped):
        # each alternative opens with a case-sensitive literal (every character the
        # case-insensitive letter matches, Kelvin sign and long s included), so the regex
        # engine skips positions by their first character in C; the word-start check comes
        # after that letter. Alternatives keep their order within each first letter, and
        # letters never compete, so the matches are those of the pattern below
        groups: dict[str, list[str]] = {}
        for e in escaped:
            for v in dict.fromkeys(e[0].lower() + e[0].upper() + _CASE_PARTNERS):
                if re.fullmatch(re.escape(e[0]), v, re.IGNORECASE):
                    groups.setdefault(v, []).append(e[1:])
        alts = "|".join(f"{re.escape(v)}(?<![\\w-].)(?i:{'|'.join(rest)})"
                        for v, rest in groups.items())
        return re.compile(rf"(?:{alts})(?![\w-])")
    alt = "|".join(escaped)
    # the look-ahead on the forms' first letters only skips hopeless positions early (the
    # look-behind at every character made the scan slow); the matches are the same
    first = re.escape("".join(sorted({c for f in forms if f
                                      for c in (f[0].lower(), f[0].upper())})))
    return re.compile(rf"(?=[{first}])(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)


# the non-ASCII characters a case-insensitive ASCII letter matches (İ ı ſ K)
_CASE_PARTNERS = "\u0130\u0131\u017f\u212a"


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True, slots=True)
class RuleAttribution:
    """A rule match: spans are ``(start, end)`` character offsets or None."""

    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[tuple[int, int], ...]
    rule: str


# A source noun phrase: optional determiner/possessive, capitalised or nominal words,
# optional apposition. Deliberately conservative.
_NAME = r"(?:[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|of|the|for|and|de|al|bin))*)"
_NP = (rf"(?:(?:the|a|an|its|his|her|their|[A-Z][\w.’'-]*(?:’s|'s))\s+)?"
       rf"(?:[\w’'-]+\s+){{0,5}}?(?:{_NAME}|[a-z]+(?:ies|s|ry|cy|er|or|ist|man|woman|ment|agency|"
       rf"office|ministry|media|report|statement))")
_STATE_MEDIA = (r"(?:KCNA|the\s+(?:official\s+)?Korean\s+Central\s+News\s+Agency(?:\s*\(KCNA\))?|"
                r"Rodong\s+Sinmun|(?:the\s+)?state\s+media|Xinhua|TASS|the\s+agency)")

# a weekday name (the reporting rules here, the source edges in framing.attribution)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# who reports in a trailing reporting clause: a pronoun, a determiner phrase, state media,
# officials, a possessive phrase ("North Korea's official Korean Central News Agency"),
# or a name; an acronym in parentheses may follow ("... Joint Chiefs of Staff (JCS)")
_REPORTER = (r"(?:he|she|they|we|I|it|"
             r"(?:the|a|an|one|his|her|their|its)\s+(?:[\w’'-]+\s+){0,5}?[\w’'-]+|"
             r"(?:state(?:-run)?|official)\s+(?:media|television|TV|radio|news\s+agency)|"
             r"(?:both|two|several|many|some)\s+[a-z][\w’'-]*|"
             r"(?:officials|analysts|experts|diplomats|sources)"
             r"(?:\s+(?:from|in|at|of|with)\s+(?:[\w’'-]+\s+){0,3}?[\w’'-]+)?|"
             r"(?:[A-Z][\w’'.-]*\s+){0,2}[A-Z][\w’'.-]*(?:’s|'s)\s+(?:[\w’'-]+\s+){0,5}?[\w’'-]+|"
             r"[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|of|for|and|the)){0,6}?(?<=[\w.]))"
             r"(?:\s+\([A-Z]{2,}\))?")
_AFTER_TRAILING = ("quoting", "adding", "citing", "saying", "amid")

_RULES: tuple[tuple[str, re.Pattern], ...] = (
    # "..., according to the North's foreign ministry Friday."
    ("according_to_after", re.compile(
        r"(?P<content>[^;\n]{12,}?),?\s+(?P<cue>according\s+to)\s+(?P<source>[^,.;\n]{3,80}?)"
        r"(?=\s*(?:[,.;]|\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
        r"Sunday|today|yesterday)\b|$))")),
    # "According to X, ..."
    ("according_to_before", re.compile(
        r"(?P<cue>According\s+to)\s+(?P<source>[^,\n]{3,120}?),\s*"
        r"(?P<content>[^\n]+?)(?=[.!?]?\s*$)", re.MULTILINE)),
    # "..., in a statement carried by KCNA."
    ("statement_carried", re.compile(
        rf"(?P<source>[A-Z][^,\n]{{2,80}}?)\s+(?P<cue>(?:said|says|stated|claimed|warned)"
        rf"\s+in\s+a\s+statement\s+(?:carried|released|published)\s+by)\s+(?:{_STATE_MEDIA})"
        rf"(?:\s*\([A-Z]+\))?\s*,?\s*(?P<content>[^\n]+?)(?=[.!?]?\s*$)", re.MULTILINE)),
    # "The talks will resume next week, said a spokesman." (an unquoted content before an
    # inverted reporting clause that ends the sentence; quoted ones the tagger gets right)
    ("inverted_said", re.compile(
        r"(?P<content>[^\n\"“”]{12,}),\s+(?P<cue>said|says|added|adds|stated|noted|insisted|"
        r"warned|claimed)\s+(?P<source>(?:an?|the|one|two|three|several)\s+(?:[\w’'-]+\s+){0,3}?"
        r"(?:spokes(?:man|woman|person)|officials?|aides?|advis[eo]rs?|sources?|analysts?|"
        r"diplomats?|ministers?|officers?|experts?|lawmakers?|envoy|report|statement|agency|"
        r"newspaper|broadcaster|ministry|military)"
        r"(?:\s+(?:for|at|of|in|with|from)\s+(?:[\w.’'-]+\s+){0,5}?[\w’'-]+)?)"
        r"(?=[.!?]?\s*$)")),
    # "Those talks are continuing, he said." / "..., the source added." / "...,
    # Russian President Vladimir Putin said on Tuesday.": an unquoted sentence closed by a
    # short reporting clause (and a day); the whole sentence before it is the content,
    # also when it holds a verb of its own ("X stressed Y, the report said")
    ("trailing_said", re.compile(
        # the content may hold whole quotations, not the end of one opened in an earlier
        # sentence ('"... First. Second," he said.' is the tagger's multi-sentence quote)
        r"(?P<content>[^\n\"“”](?:[^\n\"“”]{11,}|[^\n\"“”]*?(?:“[^”\n]*”|\"[^\"\n]*\")"
        r"(?:[^\n\"“”]|“[^”\n]*”|\"[^\"\n]*\")*?))(?:,\s*|(?<=,[”\"])\s+)"
        rf"(?P<source>{_REPORTER})\s+(?:(?:has|have|also)\s+)?"
        r"(?P<cue>said|says|added|adds|noted|notes|wrote|writes|stated|explained|argued|"
        r"insisted|warned|claimed|reported|reports|announced)"
        rf"(?:\s+(?:on\s+)?{WEEKDAY}|\s+(?:today|yesterday))?"
        # the end of the sentence, or a participle or circumstance after a comma
        rf"(?=[.!?]\s*$|,\s+(?:{'|'.join(_AFTER_TRAILING)})\b)")),
    # "..., Tass quoted presidential aide Yury Ushakov as saying." (the content first)
    ("quoted_as_saying_after", re.compile(
        r"(?P<content>[^\n]{12,}?),\s+(?P<src2>(?:[A-Z]|the\s)[^,\n]{1,60}?)\s+"
        r"(?P<cue>quoted|cited)\s+"
        r"(?P<source>[^,\n]{2,80}?)\s+as\s+saying(?=[.!?]?\s*$)")),
    # 'Kim is “begging for war,” Nikki Haley, U.S. ambassador to the U.N., said.': a name
    # with an apposition in an inverted reporting clause that ends the sentence (the
    # content may hold quotations)
    ("trailing_said_apposition", re.compile(
        r"(?P<content>[^\n]{12,}?[,”\"])\s+(?P<source>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3},"
        r"\s+[^,\n\"“”]{3,80},)\s+(?P<cue>said|says|added|adds|noted|wrote|stated|warned|"
        r"claimed)(?=[.!?]\s*$)")),
    # "KCNA cited X as saying ..."
    ("cited_as_saying", re.compile(
        r"(?P<src2>[A-Z][^,\n]{1,60}?)\s+(?P<cue>cited|quoted)\s+(?P<source>[^,\n]{2,80}?)\s+as\s+saying"
        r"\s*,?\s*(?P<content>[^\n]+?)(?=[.!?]?\s*$)", re.MULTILINE)),
)


_TRIGGERS = {"according_to_after": "according", "according_to_before": "according",
             "statement_carried": "statement", "cited_as_saying": "as saying",
             "quoted_as_saying_after": "as saying",
             "trailing_said_apposition": tuple(f", {v}." for v in (
                 "said", "says", "added", "adds", "noted", "wrote", "stated", "warned",
                 "claimed")),
             "inverted_said": (", said ", ", says ", ", added ", ", adds ", ", stated ",
                               ", noted ", ", insisted ", ", warned ", ", claimed "),
             "trailing_said": tuple(f" {v}." for v in (
                 "said", "says", "added", "adds", "noted", "notes", "wrote", "writes",
                 "stated", "explained", "argued", "insisted", "warned", "claimed",
                 "reported", "reports", "announced")) + tuple(
                 f" {v}{on}{day}." for v in ("said", "says", "added", "reported")
                 for on in (" ", " on ")
                 for day in ("monday", "tuesday", "wednesday", "thursday", "friday",
                             "saturday", "sunday"))
                 + tuple(f" {v} {day}." for v in ("said", "says", "added", "reported")
                         for day in ("today", "yesterday"))
                 # ", the KCNA reported, quoting Kim ...": found by the participle
                 + tuple(f", {w} " for w in _AFTER_TRAILING)}
_DATELINE = re.compile(r"^[A-Z][A-Za-z0-9 .,'-]{1,60}?(?:\([^)]{2,40}\)\s*)?(?:--|—|–)\s*")


_ANCHORED = frozenset({"inverted_said", "trailing_said", "verb_that",
                       "quoted_as_saying_after", "trailing_said_apposition"})


_TRIGGER_SETS = {name: frozenset((t,) if isinstance(t, str) else t)
                 for name, t in _TRIGGERS.items()}


_TRIGGER_WORDS = tuple(sorted({t for ts in _TRIGGER_SETS.values() for t in ts}))
_TRIGGER_WORDS_ASCII = all(w.isascii() for w in _TRIGGER_WORDS)     # see _trigger_spans


@functools.cache
def _gate() -> re.Pattern:
    """One scan per sentence for every rule's trigger strings (instead of one substring
    test per trigger and rule)."""
    words = sorted(_TRIGGER_WORDS, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@functools.lru_cache(maxsize=4)
def _verb_that_rule(verbs: tuple[str, ...]) -> re.Pattern:
    """"North Korea maintains that ...": a sentence that opens with a named subject, a
    reporting verb and a "that" clause; the clause (with "that", PolNeAR's convention) is
    the content, the name the source."""
    alt = "|".join(sorted((re.escape(v) for v in verbs), key=len, reverse=True))
    return re.compile(
        r"(?P<source>(?:[Tt]he\s+)?[A-Z][\w.’'-]*(?:\s+(?:and\s+)?[A-Z][\w.’'-]*){0,3})\s+"
        rf"(?P<cue>(?:(?:has|have|had)\s+)?(?:also\s+)?(?:{alt}))\s+"
        r"(?P<content>that\s[^\n]+?)(?=[.!?]?\s*$)")


def rule_attributions(text: str, sentences=None, *,
                      that_verbs: tuple[str, ...] = ()) -> list[RuleAttribution]:
    """Attributions found by the reporting-formula rules (see module docstring), matched
    sentence by sentence (``(start, end, ...)`` spans; default: paragraphs). ``that_verbs``
    (reporting verb forms, e.g. the cue lexicon's) enable the "<Name> <verb> that ..."
    rule.

    Examples
    --------
    >>> t = "The tests were defensive, according to the foreign ministry."
    >>> [(t[a.cue[0]:a.cue[1]], t[a.source[0]:a.source[1]]) for a in rule_attributions(t)]
    [('according to', 'the foreign ministry')]
    """
    if sentences is None:
        sentences = [(m.start(), m.end()) for m in _PARA.finditer(text)]
    out: list[RuleAttribution] = []
    found_at = _trigger_spans(text, bool(that_verbs))
    for sent in sentences:
        start, end = sent[0], sent[1]
        if found_at is not None:
            # no trigger inside the sentence: the gate below would find nothing
            k = bisect.bisect_left(found_at, (start,))
            while k < len(found_at) and found_at[k][0] < end and found_at[k][1] > end:
                k += 1
            if k == len(found_at) or found_at[k][0] >= end:
                continue
        chunk = text[start:end]
        low = chunk.lower()
        hits = set(_gate().findall(low))                                # cheap gate
        names = [name for name, _p in _RULES if hits & _TRIGGER_SETS[name]] if hits else []
        verb_that = bool(that_verbs) and " that " in low
        if not names and not verb_that:
            continue
        d = _DATELINE.match(chunk)
        skip = d.end() if d else 0
        rules = list(_RULES)
        if verb_that:
            names.append("verb_that")
            rules.append(("verb_that", _verb_that_rule(tuple(that_verbs))))
        for name, pattern in rules:
            if name not in names:
                continue
            # the inverted clause's content is the whole sentence before it: match only at
            # the sentence start (a scan from every position was quadratic); its content is
            # greedy: the clause after it holds no comma, so only the last comma can end the
            # content, and the greedy scan tries that one first
            found = ([pattern.match(chunk, skip)] if name in _ANCHORED
                     else _segment_matches(pattern, chunk, skip) if name == "according_to_after"
                     else pattern.finditer(chunk, skip))
            for m in found:
                if m is None:
                    continue
                # "cited X as saying": the cue is the verb (one contiguous cue per
                # attribution, as in PolNeAR); "as saying" is left out of every role
                cue = m.span("cue")
                source = m.span("source") if m.group("source") else None
                content = _trim_content(chunk, *m.span("content"))
                if content[1] - content[0] < 3:
                    continue
                shift = lambda sp: (sp[0] + start, sp[1] + start)   # noqa: E731
                out.append(RuleAttribution(shift(cue), shift(source) if source else None,
                                           (shift(content),), name))
    return out


def _segment_matches(pattern: re.Pattern, chunk: str, pos: int):
    r"""``pattern.finditer(chunk, pos)`` for "according_to_after", without its quadratic
    retries. Its content ``[^;\n]{12,}?`` is the only part before the cue, and what follows
    the cue never looks back: a start that fails leaves every later start of the same
    ``;``/newline-free stretch fewer cues to reach, so they fail too; the next start that
    can match is after the stretch's end."""
    n = len(chunk)
    while pos <= n:
        m = pattern.match(chunk, pos)
        if m is not None:
            yield m
            pos = m.end() if m.end() > pos else pos + 1
            continue
        ends = [j for j in (chunk.find(";", pos), chunk.find("\n", pos)) if j >= 0]
        if not ends:
            return
        pos = min(ends) + 1


def _trigger_spans(text: str, that: bool) -> list[tuple[int, int]] | None:
    """Sorted spans in the lower-cased text that hold every occurrence of a trigger string
    (and of " that " when ``that``), found in one pass over the article instead of a regex
    gate over every sentence. None when lower-casing changes the text's length (offsets
    would not line up; the caller then gates every sentence). Lower-casing is per character
    otherwise, so a sentence whose lower-cased text holds an (ASCII) trigger holds it here
    at the same offsets. A span may be shorter than its trigger (the ", said " family is
    found by its comma, the " said." family by its period), which only lets more sentences
    through to the exact gate."""
    low = text.lower()
    if len(low) != len(text) or not _TRIGGER_WORDS_ASCII:
        return None
    comma, period, plain = _trigger_finders()
    spans = [(i, i + 1) for i in (m.start() for m in comma.finditer(low))] if comma else []
    if period:
        spans.extend((m.start(), m.end()) for m in period.finditer(low))
    for w in plain + ((" that ",) if that else ()):
        i = low.find(w)
        while i >= 0:
            spans.append((i, i + len(w)))
            i = low.find(w, i + 1)
    spans.sort()
    return spans


@functools.cache
def _trigger_finders() -> tuple[re.Pattern | None, re.Pattern | None, tuple[str, ...]]:
    """The triggers as a regex on their comma (", said "), one on their period (" said.")
    and the rest as plain strings: scans that stop only at rare characters."""
    comma = [w for w in _TRIGGER_WORDS if len(w) > 3 and w.startswith(", ") and w.endswith(" ")]
    period = [w for w in _TRIGGER_WORDS if len(w) > 1 and w.endswith(".") and w not in comma]
    plain = tuple(w for w in _TRIGGER_WORDS if w not in comma and w not in period)
    comma_re = (re.compile(",(?=" + "|".join(re.escape(w[1:]) for w in comma) + ")")
                if comma else None)
    period_re = (re.compile(r"\.(?:" + "|".join(f"(?<={re.escape(w)})" for w in period) + ")")
                 if period else None)
    return comma_re, period_re, plain


def _trim_content(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end
