"""Voice and attribution: for every sentence, is the claim the outlet's or a source's?

An *attribution* (Pareti 2016; Newell et al. 2018) has a SOURCE (who), a CUE ("said",
"according to", "in a statement carried by KCNA") and one or more CONTENT spans (what was
said; a quotation interrupted by "he said" has two). Its ``kind`` is ``direct`` (all content
in quotation marks), ``indirect`` (reported speech) or ``mixed`` (a partial quotation inside
reported speech).

Detection combines a trained stacked linear token tagger (:mod:`framing.attribution_model`,
trained on PolNeAR) with rules (:mod:`framing.quotes`): reporting formulas of wire and
state-media copy, quotation-mark boundaries, scare quotes, hedges. On top, this module
normalises and types sources, resolves pronoun and surname sources to the nearest fitting
named source of the article ("he said" -> Han Tae-song), labels cues with their lemma and
epistemic category (``lexicons/cues.yaml``), and derives each sentence's voice:

``asserted``      the outlet's own claim;
``direct``        quoted speech;
``indirect``      reported speech;
``according_to``  a claim sourced with "according to";
``mixed``         reported speech with a partial quotation;

with the flags ``hedged`` (the outlet's own "reportedly", "is believed to") and
``scare_quote`` (the so-called "peace era": the outlet's distancing, not speech).
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

import pandas as pd

from framing.models import Article
from framing.quotes import WEEKDAY

ATTRIBUTION_COLUMNS = [
    "article_id", "outlet", "attribution_id", "sentence_index", "kind",
    "source_start", "source_end", "source_text", "source_name", "source_role", "source_type",
    "source_country", "source_resolved_from",
    "cue_start", "cue_end", "cue_text", "cue_lemma", "cue_category",
    "content_spans", "content_text", "n_quoted_words", "origin",
]
VOICE_COLUMNS = ["voice", "hedged", "scare_quote", "source", "source_type", "cue", "cue_category"]
VOICES = ("asserted", "direct", "indirect", "according_to", "mixed")
KINDS = ("direct", "indirect", "mixed")
SOURCE_TYPES = ("official", "government", "state_media", "analyst", "anonymous",
                "organisation", "document", "media", "person", "unknown")

_QUOTE_CHARS = "\"“”"


# --------------------------------------------------------------------------- text level

def attributions_for_text(text: str, sentences: Sequence[tuple[int, int, int]] | None = None,
                          *, model=None) -> list[dict]:
    """All attributions of one text, with character offsets into ``text``.

    Parameters
    ----------
    text
        The article text (for files: the UTF-8-decoded file, so spans line up with it).
    sentences
        ``(start, end, paragraph)`` sentence spans; default :func:`framing.sentences.split_text`.
    model
        An :class:`~framing.attribution_model.AttributionTagger`; default the shipped one.

    Returns
    -------
    list of dict
        One dict per attribution, in text order, with ``kind``, ``cue``, ``source`` (``[s, e]``
        or None), ``content`` (list of ``[s, e]``), ``sentence_index``, ``source_text``,
        ``source_name``, ``source_role``, ``source_type``, ``source_country``,
        ``source_resolved_from``, ``cue_text``, ``cue_lemma``, ``cue_category``,
        ``n_quoted_words``, ``origin`` ("model" or the rule name).

    Examples
    --------
    >>> atts = attributions_for_text('"We are ready," Han said.')
    >>> atts[0]["kind"], atts[0]["cue_text"]
    ('direct', 'said')
    """
    from framing import attribution_model as am
    from framing.quotes import quote_spans, rule_attributions

    if sentences is None:
        from framing.sentences import split_text
        sentences = split_text(text)
    sentences = list(sentences)
    tagger = model if model is not None else am.load_model()
    tt = am.tokenize(text, sentences)
    roles = tagger.predict_tokens(tt)
    groups = am.decode_roles(tt, roles)
    quotes = quote_spans(text)
    starts_, ends_ = tt.starts.tolist(), tt.ends.tolist()

    def span(tokens: tuple[int, int]) -> tuple[int, int]:      # token span -> char span
        return starts_[tokens[0]], ends_[tokens[1] - 1]

    raw = []
    for g in groups:
        raw.append({
            "cue": span(g["cue"]) if g["cue"] else None,
            "source": span(g["source"]) if g["source"] else None,
            "content": [span(c) for c in g["content"]],
            "origin": "model",
        })
    raw = _merge_rules(raw, rule_attributions(text, sentences), [st for st, *_ in sentences])
    raw = [_fix_structure(text, _trim_cue(text, _fix_cue_start(text, a))) for a in raw]
    raw = _merge_fragments(text, raw)
    sent_starts = [st for st, *_ in sentences]
    raw = [_subject_source(text, a, sent_starts) for a in raw]
    reach = _quote_reach(quotes)
    raw = [_drop_circumstances(text, _drop_stray_fragments(
        text, _refine(text, a, quotes, reach))) for a in raw]
    # a content the tagger found with no cue nearby stays only when it is long (PolNeAR
    # has cue-less contents; short ones are mostly tagging slips; tuned on dev); the voice
    # counts such contents only when they are real quotations (see is_speech)
    raw = [a for a in raw if a["content"] and (a["cue"] or _long_content(text, a))]
    blocks = _colon_blocks(text, raw)
    if blocks:
        raw = [a for a in raw if not (a["cue"] and any(_overlaps(a["cue"], b["cue"])
                                                       for b in blocks))] + blocks
    raw = [_no_dateline_source(text, a) for a in raw]
    out = []
    q_starts, q_words = [q.start for q in quotes], {}
    for a in sorted(raw, key=lambda a: a["content"][0][0]):
        anchor = a["cue"][0] if a["cue"] else a["content"][0][0]
        a["sentence_index"] = max(bisect.bisect_right(sent_starts, anchor) - 1, 0)
        # a statement set off after "He said:" is verbatim, quotation marks or not
        a["kind"] = ("direct" if a["origin"] == "colon_block"
                     else content_kind(text, a["content"]))
        a["n_quoted_words"] = _n_quoted_words(text, a["content"], quotes, q_starts, q_words)
        cue_text = text[a["cue"][0]:a["cue"][1]] if a["cue"] else ""
        a["cue_text"] = cue_text
        a["cue_lemma"], a["cue_category"] = cue_lemma(cue_text)
        if a["cue_lemma"] in _CALL_FORMS and _CALL_X_Y.match(text, a["cue"][1]):
            a["cue_lemma"], a["cue_category"] = "call", "neutral"      # "called it a ..."
        elif a["cue_lemma"] == "show" and _VISUAL.search(
                text, sent_starts[a["sentence_index"]], a["cue"][1] + 30):
            a["cue_category"] = "other"     # "Photos published by state media showed ..."
        a["content_first"] = text[a["content"][0][0]:a["content"][0][0] + 8]
        out.append(a)
    _describe_sources(text, out)
    _inherit_sources(text, out)
    return out


# "He said:", "..., and he continued:", "Kim Yo Jong, vice department director ..., issued
# the following press statement on Wednesday:" closing a paragraph
_COLON_CUE = re.compile(
    r"\b(?:said|says|continued|added|stated|declared|noted|stressed|"
    r"(?:issued|released|published|made|read|delivered)\s+(?:the\s+following\s+|an?\s+)?"
    r"(?:important\s+)?(?:press\s+|written\s+|policy\s+)?(?:statement|speech|address|"
    r"remarks))\b")
# the speaker right before the cue, with an apposition ("Kim Yo Jong, vice department
# director of ..., issued")
_COLON_SOURCE = re.compile(
    r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
    r"(?=(?:,[^,\n]{1,200},)?\s+(?:also\s+)?$)")


def _colon_blocks(text: str, atts: list[dict]) -> list[dict]:
    """Statements and speeches that state media print after a colon, one paragraph after
    another without quotation marks ("He said:" + the speech): one attribution whose content
    is every following paragraph, up to the next such introduction or to a paragraph in
    which the narrator reports the speaker again ("The Permanent Representative stressed
    that ...", "He added ...")."""
    out = []
    pos = text.find(":")
    while pos >= 0:
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        if text[pos + 1:line_end].strip():
            pos = text.find(":", pos + 1)
            continue
        line_start = text.rfind("\n", 0, pos) + 1
        intro = _colon_intro(text, line_start, pos)
        if intro is None:
            pos = text.find(":", line_end)
            continue
        spans, i = [], line_end + 1
        while i < len(text):
            j = text.find("\n", i)
            j = len(text) if j < 0 else j
            s, e = i, j
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                if text[e - 1] == ":" and _colon_intro(text, s, e - 1):
                    break
                if _narrator_again(text, s, e, atts, text[:line_end]):
                    break
                spans.append((s, e))
            i = j + 1
        if spans:
            out.append({"cue": intro[1], "source": intro[0], "content": spans,
                        "origin": "colon_block"})
        pos = text.find(":", line_end)
    return out


def _colon_intro(text: str, start: int, colon: int):
    """``(source, cue)`` spans of the reporting clause that ends a line at ``colon``: its
    last cue, at most 250 characters before the colon, after a speaker."""
    cue = None
    for cue in _COLON_CUE.finditer(text, max(start, colon - 250), colon):
        pass
    if cue is None:
        return None
    src = _COLON_SOURCE.search(text, max(start, cue.start() - 260), cue.start())
    return None if src is None else (src.span(), cue.span())


def _narrator_again(text: str, s: int, e: int, atts: list[dict], intro: str) -> bool:
    """Whether a paragraph holds an attribution to the block's speaker by the narrator: a
    he/she source, or one named as in the introduction ("The Permanent Representative")."""
    for a in atts:
        if not (a["cue"] and a["source"] and s <= a["cue"][0] < e):
            continue
        src = " ".join(text[a["source"][0]:a["source"][1]].split())
        if src.lower() in ("he", "she"):
            return True
        name = _DET.sub("", src)
        if len(name.split()) >= 2 and name in intro:
            return True
    return False


# a dateline opening a paragraph: "SEOUL, Jan. 29 (Yonhap) --", "Pyongyang:", "New York
# [U.S.], July 4 (ANI):" (news datelines name a handful of cities in this field)
_DATELINE_START = re.compile(
    r"(?:SEOUL|Seoul|PYONGYANG|Pyongyang|TOKYO|Tokyo|BEIJING|Beijing|MOSCOW|Moscow|"
    r"WASHINGTON|Washington|NEW YORK|New York|UNITED NATIONS|GENEVA|Geneva|KAESONG|Kaesong|"
    r"PANMUNJOM|Panmunjom|VLADIVOSTOK|Vladivostok|SINGAPORE|Singapore|HANOI|Hanoi)"
    r"(?:\s*\[[^\]\n]{1,20}\])?(?:,[^:\n]{0,60}?)?(?:\s*\([^)\n]{2,40}\))?\s*(?:--|—|–|-|:)\s*")


def _no_dateline_source(text: str, a: dict) -> dict:
    """A source inside the dateline that opens its paragraph is the place of the report,
    not its speaker ("New York [U.S.], July 4 (ANI): ... that it says ...")."""
    src = a["source"]
    if src is None:
        return a
    line_start = text.rfind("\n", 0, src[0]) + 1
    m = _DATELINE_START.match(text, line_start)
    if m is None or src[0] >= m.end():
        return a
    a = dict(a)
    a["source"] = None
    if a["cue"] is not None and a["cue"][0] > m.end():
        # the subject right after the dateline ("...: North Korea said ...")
        subject = _SUBJECT_NP.match(text, m.end(), a["cue"][0])
        if subject and not any(c[0] < subject.end() and subject.start() < c[1]
                               for c in a["content"]):
            a["source"] = subject.span()
    return a


# what photos, footage and screens show is seen, not said
_VISUAL = re.compile(r"\b(?:photo(?:graph)?s?|images?|pictures?|footage|videos?|screens?|"
                     r"broadcasters?|satellite imagery)\b", re.IGNORECASE)


# "called the launch a provocation", "called it “unacceptable”": calling something
# something is speech (a labelling), unlike "called a meeting" or "called the minister"
_CALL_FORMS = frozenset({"call", "calls", "called", "calling"})
_CALL_X_Y = re.compile(
    r"\s+(?:it|them|him|her|this|that|these|those"
    r"|(?:the|his|her|their|its|our|[A-Z][\w.’'-]*(?:’s|'s))\s+"
    r"(?:[\w’'-]+\s+){0,3}?[\w’'-]+"
    r"|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}"
    r"|(?!(?:a|an|the|his|her|their|its|our|my|your|for|on|off|up|in|out|back|to)\b)"
    r"[a-z][\w’'-]+)"
    r",?\s+(?:an?\s|the\s|his\s|her\s|their\s|its\s|[“\"‘']{1,2}\w)")


def _merge_rules(model_atts: list[dict], rules, sent_starts: list[int]) -> list[dict]:
    """Add rule matches whose cue the model missed; a rule's cue/source replaces an
    overlapping model attribution's when the model found content but no cue.

    A rule's spans lie in one sentence, so each rule is checked only against the
    attributions that touch its sentence (linear in the document, not quadratic); the result
    lists the model attributions kept, in their order, then the rules' kept, in theirs."""
    def sentence(pos: int) -> int:
        return bisect.bisect_right(sent_starts, pos) - 1

    touching: dict[int, list[dict]] = {}          # sentence -> attributions touching it
    items = [dict(a) for a in model_atts]
    for a in items:
        spans = [a["cue"]] if a["cue"] else []
        spans += a["content"]
        for k in range(sentence(min(sp[0] for sp in spans)),
                       sentence(max(sp[1] for sp in spans) - 1) + 1):
            touching.setdefault(k, []).append(a)
    dead: set[int] = set()
    for r in rules:
        content = list(r.content)
        here = [a for a in touching.get(sentence(r.cue[0]), ()) if id(a) not in dead]
        for a in here:
            # the rule's reading replaces a model attribution sharing its cue (the formulas
            # are precise where the tagger, trained on other news, splits "according to X
            # Friday"); attributions inside the rule's content stay (nested speech: "X said
            # ..., according to the ministry")
            if a["cue"] and _overlaps(a["cue"], r.cue) or a["cue"] is None and any(
                    _overlaps(c, rc) for c in a["content"] for rc in content):
                dead.add(id(a))
            else:   # the rule's cue and source are nobody's content
                a["content"] = [c for c in a["content"] if not _overlaps(c, r.cue)]
        rule_att = {"cue": r.cue, "source": r.source, "content": content, "origin": r.rule}
        touching.setdefault(sentence(r.cue[0]), []).append(rule_att)
        items.append(rule_att)
    return [a for a in items if id(a) not in dead]


_ORPHAN_MIN_WORDS = 5


def _long_content(text: str, a: dict, min_words: int = 6) -> bool:
    return len(text[a["content"][0][0]:a["content"][-1][1]].split()) >= min_words
_MAX_GAP = 40          # chars; longer holes are usually a real break (tuned on PolNeAR dev)
_DETERMINERS = frozenset("the a an this that these those his her its their our".split())
_CUE_WORD = re.compile(r"[\w’'-]+|:")
_AUXILIARIES = frozenset("has have had is are was were be been being also would will could "
                         "can did does do not never later then further previously repeatedly "
                         "once has publicly privately".split())


def _fix_cue_start(text: str, a: dict) -> dict:
    """Move leading non-cue words of a cue into its source ("The | ministry denied" ->
    "The ministry | denied", "Japan’s | coastguard warned" -> "Japan’s coastguard |
    warned"): the tagger sometimes starts a cue one noun early."""
    if not a["cue"]:
        return a
    cs, ce = a["cue"]
    forms = _cue_forms()
    words = list(_CUE_WORD.finditer(text, cs, ce))
    k = 0
    while k < len(words) - 1:
        w = words[k].group().lower()
        if w in _AUXILIARIES or (w in forms and forms[w][1] != "hedge"):
            break
        k += 1
    if k == 0 or k >= len(words):
        return a
    new_cue = (words[k].start(), ce)
    src = a["source"]
    # only when the source is a bare determiner or a possessive right before the cue:
    # elsewhere the leading word is usually a reporting verb the lexicon lacks
    if src is None or text[src[1]:cs].strip() or not (
            text[src[0]:src[1]].strip().lower() in _DETERMINERS
            or text.endswith(("’s", "'s"), src[0], src[1])):
        return a
    new_src = (src[0], words[k - 1].end())
    if any(c[0] < new_src[1] and new_src[0] < c[1] for c in a["content"]):
        return a
    a = dict(a)
    a["cue"], a["source"] = new_cue, new_src
    return a


_CUE_TAIL = re.compile(r"\s+(?:of|in|at|on|to|via|Monday|Tuesday|Wednesday|Thursday|Friday|"
                       r"Saturday|Sunday|today|yesterday|tonight)$")
_CUE_HEAD = re.compile(r"(?:then|later|yet|all|both|month|year|week|night|earlier|now|still)\s+")


def _trim_cue(text: str, a: dict) -> dict:
    """PolNeAR's cue edges: a reporting verb of the lexicon without the preposition or
    day the tagger took along ("said | of", "said | Friday"), and without a leading time
    word or quantifier ("later | disclosed", "all | agreed")."""
    if not a["cue"]:
        return a
    cs, ce = a["cue"]
    forms = _cue_forms()
    m = _CUE_TAIL.search(text, cs, ce)
    if m and text[cs:m.start()].lower() in forms:
        ce = m.start()
    m = _CUE_HEAD.match(text, cs, ce)
    if m and text[m.end():ce].split()[0].lower() in forms:
        cs = m.end()
    if (cs, ce) == tuple(a["cue"]):
        return a
    a = dict(a)
    a["cue"] = (cs, ce)
    return a



_FUNCTION_ONLY = re.compile(r"(?:\W|\b(?:and|or|but|the|a|an|of|to|in|on|with|that|which|"
                            r"who)\b)*", re.IGNORECASE)
# capitalised words ("Japanese", "U.S."; not "Beijing." ending the sentence before)
_CAP_WORD = r"[A-Z](?:\.[A-Z])+\.?|[A-Z][\w’'-]*"
_COORD_LEFT = re.compile(rf"((?:(?:{_CAP_WORD})\s+){{0,3}}?(?:{_CAP_WORD}))\s+and\s+$")
_CAP_LEFT = re.compile(rf"((?:(?:{_CAP_WORD})\s+){{0,3}}?(?:{_CAP_WORD}))\s+$")


_NUMBER_ONLY = re.compile(r"[\d\W]+")
# tagging slips that name nobody: a prepositional phrase ("of Yanji"), an adverb ("later"),
# a participle ("advising anyone who"), "including", a bare possessive ("Seoul’s") or a bare
# nationality adjective ("Korean")
_NOT_A_SPEAKER = re.compile(
    r"(?:(?:of|in|at|by|for|with|from|on|to|into|over|including|amid)\s.*|"
    r"[a-z]+ly|later|earlier|then|now|also|still|including|"
    r"[a-z]+ing(?:\s.*)?|"
    r"(?:[A-Z][\w.-]*\s+){0,2}[A-Z][\w.-]*(?:’s|'s)|"
    r"(?:North\s+|South\s+)?(?:Korean|Chinese|Japanese|Russian|American|British|French|"
    r"German|Iranian|Israeli|Ukrainian|European|Asian|Western|Indian))", re.DOTALL)
_PASSIVE_CUE = re.compile(r"(?:(?:has|have|had)\s+)?(?:(?:is|are|was|were|been|being|be)\s+)?(?:accused|blamed|"
                          r"criticized|criticised|condemned|denounced|praised|slammed)\s+"
                          r"(?:of|for)\b")
_PARTICIPLE = re.compile(r"[a-z]+ing")
_THAT = re.compile(r"that\b")
_SINGLE_QUOTE = re.compile(r"(?<!\w)‘|’(?!\w)")
_SURNAME = re.compile(r"[A-Z][\w’'-]+")
_ALNUM = re.compile(r"\w")


def _apposition_like(frag: str) -> bool:
    """A short phrase with no quotation and no verb-like start ("is", "didn't")."""
    words = frag.split()
    return (0 < len(words) <= 8 and not any(q in frag for q in "\"“”")
            and words[0].lower() not in _AUXILIARIES and "n't" not in frag and "n’t" not in frag)


_PRONOUN_AFTER_COMMA = re.compile(r",\s+(he|she|they|it|we|I)$")
_NAME_AFTER_COMMA = re.compile(r",\s+([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,2})\s*$")
_TIME_LAST_LETTERS = frozenset("yngt")        # the last letters of the words _SOURCE_TIME ends with
_SOURCE_TIME = re.compile(rf"\s+(?:on\s+)?{WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?$|"
                          r"\s+(?:today|yesterday)$")
_DET_BEFORE = re.compile(r"(?<![\w’'-])(?:[Tt]he|[Aa]n?)\s+$")


_HONORIFICS = frozenset("Mr Mrs Ms Dr Sen Rep Gov Gen Del Lt Col Sgt Capt Prof Rev".split())
_SOURCE_TITLES = frozenset({f"{h}." for h in _HONORIFICS} | set(
    "Mayor President Senator Governor Secretary Chairman Chairwoman Speaker Judge Justice "
    "Director Professor".split()))


def _titles_before(text: str, s: int) -> int:
    """Start of the run of titles ("Mayor", "Sen.", "Mr.") right before ``s`` (``s`` when
    there is none): string scans, no regex over a window."""
    while True:
        j = s
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        if j == s:
            return s
        k = j
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        if text[k:j] not in _SOURCE_TITLES:
            return s
        s = k
_NAME_AFTER = re.compile(r"\.?\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")


def _source_edges(text: str, src: tuple[int, int], content) -> tuple[int, int]:
    """PolNeAR's source edges: a determiner right before the source belongs to it ("the |
    state" -> "the state"), and so does the comma closing an apposition ("Dean, a medical
    doctor, | said"); capitalised words and titles right before a source are part of its
    name ("Mayor | Bill de Blasio", "Mr. | Clarke"), and a source cut after a title takes
    the name ("Del | . Stacey Plaskett")."""
    s, e = src
    while s < e and not text[s].isalnum() and text[s] not in _QUOTE_CHARS:
        s += 1                                  # "• China's Earthquake Administration"
    comma = text.rfind(",", s, e)
    if comma >= 0:                              # (most sources hold no comma)
        m = _PRONOUN_AFTER_COMMA.match(text, comma, e)
        if m:
            s = m.start(1)                      # "... News Agency, | she | said"
        elif text.startswith(("the ", "a ", "an "), s) or \
                _DET_BEFORE.search(text, max(0, s - 5), s):
            m = _NAME_AFTER_COMMA.match(text, comma, e)
            if m:                               # "the Assembly, its parliament, | Kim | said"
                s = m.start(1)
    if text[e - 1:e] in _TIME_LAST_LETTERS:
        m = _SOURCE_TIME.search(text, max(s, e - 32), e)
        if m and m.start() > s:
            e = m.start()                       # "North Korea | on Sunday | confirmed"
    if text.startswith(("and ", "And "), s):
        # "Japanese | and South Korean officials": the coordination's first part joins it
        m = _CAP_LEFT.search(text, max(0, s - 60), s)
        if m and m.end() == s and not any(c[0] < s and m.start(1) < c[1] for c in content):
            s = m.start(1)
    t = _titles_before(text, s)
    if t < s and not any(c[0] < s and t < c[1] for c in content):
        s = t
    if text[s:e].rsplit(None, 1)[-1] in _HONORIFICS:
        m = _NAME_AFTER.match(text, e)
        if m and not any(e <= c[0] < m.end() for c in content):
            e = m.end()
    m = _DET_BEFORE.search(text, max(0, s - 5), s)
    if m and not any(c[0] < s and m.start() < c[1] for c in content):
        s = m.start()
    if "," in text[s:e] and text.startswith(",", e) and \
            not any(c[0] <= e < c[1] for c in content):
        e += 1
    return s, e


def _fix_structure(text: str, a: dict) -> dict:
    """Span repairs from the grammar of reporting clauses:

    * a source of function words only ("and") or a number ("22") is no source;
    * a content fragment between the source and the cue, when the content is elsewhere,
      belongs to the source (an apposition the tagger split);
    * a source coordinated with a name on its left takes it in ("China and | Russia");
    * a participial cue after a comma (", insisting ...", ", saying ...") has its content
      after it, never before;
    * after the cue, a complement clause starting with "that" is the content: fragments
      between the cue and it are circumstances ("said via videoconference ... that").
    """
    a = dict(a)
    src, cue = a["source"], a["cue"]
    if src is not None and (_FUNCTION_ONLY.fullmatch(text[src[0]:src[1]]) or
                            _NUMBER_ONLY.fullmatch(text[src[0]:src[1]]) or
                            _NOT_A_SPEAKER.fullmatch(text[src[0]:src[1]].strip())):
        a["source"] = src = None              # "... on Nov. 22 and said": no speaker "22"
    if src is not None and cue is not None and src[1] <= cue[0]:
        # a content fragment wedged between the source and its cue, with the content
        # proper elsewhere, is the rest of the source's apposition ("Jane Roe, senior
        # associate | at the institute, | said ...")
        inner = [c for c in a["content"] if src[1] <= c[0] and c[1] <= cue[0]
                 and not _ALNUM.search(text, src[1], c[0])
                 and not _ALNUM.search(text, c[1], cue[0])
                 and _apposition_like(text[c[0]:c[1]])]
        if inner and len(inner) < len(a["content"]):
            end = inner[-1][1]
            while end > src[1] and text[end - 1] in " ,;":
                end -= 1
            a["source"] = src = (src[0], end)
            a["content"] = [c for c in a["content"] if c not in inner]
    if src is not None and cue is not None and src[1] <= cue[0] and \
            _PASSIVE_CUE.match(text, cue[0]):
        a["source"] = src = None      # "Pyongyang (is) accused of ...": the target, not the speaker
    if src is not None and cue is not None and src[1] <= cue[0] and \
            "," in text[src[1]:cue[0]]:
        # "In a speech to the Assembly, the parliament, Kim said": the name right before
        # the cue speaks, not the one in the opening phrase
        m = _name_before_cue(text, src[1], cue[0])
        if m and "," not in text[m.end(1):cue[0]] and \
                not any(c[0] < m.end(1) and m.start(1) < c[1] for c in a["content"]):
            a["source"] = src = (m.start(1), m.end(1))
    if src is not None:
        src = a["source"] = _source_edges(text, src, a["content"])
        # the pattern ends in "and" and spaces: without them before the source, no match
        m = (_COORD_LEFT.search(text, max(0, src[0] - 60), src[0])
             if text[max(0, src[0] - 60):src[0]].rstrip().endswith("and") else None)
        if m and m.end() == src[0] and not any(c[0] < src[0] and m.start(1) < c[1]
                                               for c in a["content"]):
            a["source"] = src = (m.start(1), src[1])
    if cue is None or not a["content"]:
        return a
    cue_text = text[cue[0]:cue[1]]
    if _PARTICIPLE.fullmatch(cue_text) and text[:cue[0]].rstrip().endswith(","):
        after = [c for c in a["content"] if c[0] >= cue[1]]
        if after:
            a["content"] = after
    after = [c for c in a["content"] if c[0] >= cue[1]]
    if len(after) > 1:
        that = [c for c in after if _THAT.match(text, c[0], c[1])]
        if that:
            a["content"] = [c for c in a["content"] if c[0] < cue[1] or c[0] >= that[0][0]]
    return a


_SUBJECT_NP = re.compile(r"(?:(?:The|the)\s+)?[A-Z][\w.’'-]*(?:\s+(?:and\s+)?[A-Z][\w.’'-]*){0,4}"
                         r"(?=\s+$)")


_SUBJECT_NP_COMMA = re.compile(r"(?:(?:The|the)\s+)?[A-Z][\w.’'-]*"
                               r"(?:\s+(?:and\s+)?[A-Z][\w.’'-]*){0,4}(?=,)")
_PARENTHETICAL = re.compile(r",\s+(?:which|who|whose|a|an|the|its|his|her|their)\s"
                            r"[^,;\"“”\n]{1,150},\s*")
_NAME_BEFORE = re.compile(r"(?<![\w.’'-])([A-Z][a-z][\w’'-]*(?:\s+[A-Z][\w.’'-]*){0,2})\s+$")
_NOT_SUBJECTS = frozenset(
    "The A An In On At But And Or According Earlier Later Meanwhile However Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December It He She They We I This That".split())


def _name_before_cue(text: str, start: int, cue_start: int) -> re.Match | None:
    """A name (not "The", "Monday", "It" ...) right before a cue, within 60 characters
    and not before ``start``."""
    m = _NAME_BEFORE.search(text, max(start, cue_start - 60), cue_start)
    return None if m is None or m.group(1).split()[0] in _NOT_SUBJECTS else m


def _subject_source(text: str, a: dict, sent_starts: list[int]) -> dict:
    """A cue with no source takes its sentence's subject when it is a name ("China and
    Russia have also censured ...", "MOSCOW: The Kremlin on Thursday dismissed ..."), the
    antecedent of a relative pronoun ("..., the council, which strongly condemned ..."),
    or the phrase after an inverted cue ('"...," said an announcement read on TV.')."""
    if a["source"] is not None or a["cue"] is None or _PASSIVE_CUE.match(text, a["cue"][0]):
        return a
    cs = a["cue"][0]
    k = bisect.bisect_right(sent_starts, cs) - 1
    start = sent_starts[k] if k >= 0 else 0
    m = _source_elsewhere(text, a, start)
    if m is not None:
        a = dict(a)
        a["source"] = m
        return a
    d = _DATELINE_START.match(text, start, cs)
    if d:
        start = d.end()                         # "MOSCOW: | The Kremlin ..."
    t = _TIME_BEFORE_CUE.search(text, start, cs)
    m = _SUBJECT_NP.match(text, start, t.start() if t else cs)   # endpos: "$" ends the NP
    if not m:
        # "North Korea, which launched satellites in 2012, maintains that ..."
        m = _SUBJECT_NP_COMMA.match(text, start, cs)
        if m and not _PARENTHETICAL.fullmatch(text, m.end(), cs):
            m = None
    if not m or (text[m.end():cs].strip() and not text.startswith(",", m.end())):
        m = _name_before_cue(text, start, cs)   # "days after Kim vowed ..."
    if not m or any(c[0] < m.end() and m.start() < c[1] for c in a["content"]):
        return a
    a = dict(a)
    a["source"] = (m.start(), m.end())
    return a


_TIME_BEFORE_CUE = re.compile(rf"\s+(?:on\s+)?(?:{WEEKDAY}|today|yesterday)\s+$")
_RELATIVE_BEFORE_CUE = re.compile(
    r"((?:the|its|his|her|their)\s+(?:[\w’'-]+\s+){0,4}?[\w’'-]+|"
    r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4}),\s+(?:which|who)\s+(?:[a-z]+ly\s+)?"
    r"(?:also\s+)?(?:(?:has|have|had)\s+)?$")
_INVERTED_SOURCE = re.compile(
    r"\s+((?:the|an?|one|two|[A-Z][\w.’'-]*(?:’s|'s))\s+[^,.;:\n\"“”]{1,80}?)(?=\s*[,.;]|\s*$)")


def _source_elsewhere(text: str, a: dict, start: int) -> tuple[int, int] | None:
    """The antecedent of "which"/"who" right before the cue, or the phrase after an
    inverted cue (a cue after a comma or a closing quotation mark), as a span."""
    cs, ce = a["cue"]
    m = _RELATIVE_BEFORE_CUE.search(text, max(start, cs - 120), cs)
    if m:
        span = m.span(1)
    else:
        if not re.search(r"[,”\"]\s*$", text[max(start, cs - 3):cs]) or \
                not any(c[1] <= cs for c in a["content"]):
            return None
        m = _INVERTED_SOURCE.match(text, ce)
        if m is None:
            return None
        # the quotation before the cue is the content: fragments after it are slips
        # (dropped later as circumstances)
        a = dict(a, content=[c for c in a["content"] if c[1] <= cs])
        span = m.span(1)
    if any(c[0] < span[1] and span[0] < c[1] for c in a["content"]):
        return None
    return span


def _merge_fragments(text: str, atts: list[dict]) -> list[dict]:
    """Join content fragments of one attribution whose gap holds no cue or source (of any
    attribution) and no paragraph break: the token tagger leaves holes in long contents,
    while only a cue or a source ("he said") really interrupts a quotation."""
    marks = sorted([a["cue"] for a in atts if a["cue"]] +
                   [a["source"] for a in atts if a["source"]])
    # a mark overlaps the gap (pe, s) when it starts before s and ends after pe: the marks
    # starting before s are a prefix of ``marks``, and one of them ends after pe when their
    # largest end does (bisection instead of a scan of every mark per gap)
    m_starts = [m[0] for m in marks]
    m_reach = list(itertools.accumulate((m[1] for m in marks), max))
    out = []
    for a in atts:
        spans = sorted(a["content"])
        merged = spans[:1]
        for s, e in spans[1:]:
            ps, pe = merged[-1]
            n = bisect.bisect_left(m_starts, s)           # marks with m[0] < s
            interrupted = n > 0 and m_reach[n - 1] > pe
            if s - pe <= _MAX_GAP and "\n" not in text[pe:s] and not interrupted:
                merged[-1] = (ps, max(pe, e))
            else:
                merged.append((s, e))
        a = dict(a)
        a["content"] = merged
        out.append(a)
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _quote_reach(quotes) -> list[int]:
    """Running maximum of the quotations' ends (quotes are sorted by start)."""
    return list(itertools.accumulate((q.end for q in quotes), max))


def _refine(text: str, a: dict, quotes, reach: list[int] | None = None) -> dict:
    """Snap content edges to PolNeAR's conventions: whole quotations (marks included), no
    sentence-final period outside quotation marks, no edge whitespace or commas.

    ``reach`` (:func:`_quote_reach` of ``quotes``) only skips quotations that cannot touch
    a content: those before the first whose running end passes the content's start, and
    those from the first starting at or after its (current) end."""
    if reach is None:
        reach = _quote_reach(quotes)
    spans = []
    for s, e in sorted(a["content"]):
        for j in range(bisect.bisect_right(reach, s), len(quotes)):
            q = quotes[j]
            if q.start >= e:             # sorted by start; ``e`` only grows on an overlap
                break
            # a content that covers most of a quotation takes all of it, marks included
            if q.start < e and s < q.end:
                inside = min(e, q.end) - max(s, q.start)
                if inside * 2 >= (q.end - q.start) and not (a["cue"] and
                                                            _overlaps(a["cue"], (q.start, q.end))):
                    s, e = min(s, q.start), max(e, q.end)
        while s < e and (text[s].isspace() or text[s] in ",;\ufeff"):   # BOM too
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
            e -= 1
        if e > s and text[e - 1] in ".!?" and e - s > 1 and text[e - 2] not in "”\"":
            # a sentence-final period belongs to the content only inside quotation marks
            if text[e - 1] == "." or not _inside_quote(quotes, e - 1):
                e -= 1 if not _inside_quote(quotes, e - 1) else 0
        if e > s:
            spans.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    a = dict(a)
    a["content"] = merged
    return a


def _drop_circumstances(text: str, a: dict) -> dict:
    """Drop content fragments that the tagger attached to a cue but that are circumstances
    of the report, not what was said (each rule measured on PolNeAR dev):

    * with content after the cue, an unquoted fragment before it ("Speaking to reporters
      | in Ohio, | X said the plan ...");
    * with a quotation before the cue, unquoted fragments after it ('"We will win," X said
      | at a rally |');
    * of several unquoted fragments after the cue, all but the first ("X said the plan
      works | ... | a claim others dispute").
    """
    cue = a["cue"]
    content = a["content"]
    if cue is None or len(content) < 2 or not any(c[0] >= cue[1] for c in content):
        return a

    def quoted(c):
        return _QUOTE_MARK.search(text, c[0], c[1]) is not None

    keep = [c for c in content if not (c[1] <= cue[0] and not quoted(c))]
    if len(keep) == len(content):
        after = [c for c in content if c[0] >= cue[1]]
        if any(c[1] <= cue[0] and quoted(c) for c in content):
            keep = [c for c in content if not (c[0] >= cue[1] and not quoted(c))]
        elif len(after) > 1 and not any(quoted(c) for c in after):
            keep = [c for c in content if c[0] < cue[1]] + after[:1]
    if len(keep) == len(content) or not keep:
        return a
    a = dict(a)
    a["content"] = keep
    return a


def _drop_stray_fragments(text: str, a: dict) -> dict:
    """Drop content fragments of at most one word with no quotation mark ("a", "that",
    a stray "."), the tagger's slips at the edges of other roles; an attribution left with
    no content is then dropped by the caller."""
    keep = [c for c in a["content"]
            if _two_words(text, c) or _QUOTE_MARK.search(text, c[0], c[1])]
    if len(keep) == len(a["content"]):
        return a
    a = dict(a)
    a["content"] = keep
    return a


_WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")
_QUOTE_MARK = re.compile("[" + _QUOTE_CHARS + "]")


def _two_words(text: str, span: tuple[int, int]) -> bool:
    """Whether ``text[span]`` holds more than one word (two searches that stop early,
    not a count of all the words of a long content)."""
    m = _WORD_RE.search(text, *span)
    return m is not None and _WORD_RE.search(text, m.end(), span[1]) is not None


def _inside_quote(quotes, pos: int) -> bool:
    return any(q.start < pos < q.end - (1 if q.closed else 0) for q in quotes)


def content_kind(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``direct`` if every fragment is one quotation, ``mixed`` if a fragment holds a
    quotation mark, else ``indirect``.

    Examples
    --------
    >>> content_kind('"We are ready"', [(0, 14)])
    'direct'
    >>> content_kind('he would enhance the "deterrent"', [(0, 32)])
    'mixed'
    """
    kinds = []
    for s, e in spans:
        frag = text[s:e].strip().strip(",.;:").strip()
        marks = frag.count('"') + frag.count("“") + frag.count("”")      # _QUOTE_CHARS
        if (len(frag) >= 2 and frag[0] in "“\"" and frag[-1] in "”\"" and marks == 2):
            kinds.append("direct")
        elif marks or ("‘" in frag or "’" in frag) and _SINGLE_QUOTE.search(frag):
            kinds.append("mixed")
        else:
            kinds.append("indirect")
    if all(k == "direct" for k in kinds):
        return "direct"
    if any(k != "indirect" for k in kinds):
        return "mixed"
    return "indirect"


def _n_quoted_words(text: str, spans, quotes, starts: list[int] | None = None,
                    counts: dict | None = None) -> int:
    """Words inside the quotations that lie within ``spans``; ``starts`` (the quotations'
    starts) and ``counts`` (a memo of words per quotation index) may be shared by the
    attributions of one text."""
    from framing.quotes import n_words
    if starts is None:
        starts = [q.start for q in quotes]      # quotes are sorted by start
    if counts is None:
        counts = {}
    inside = set()
    for s, e in spans:
        k = bisect.bisect_left(starts, s)
        while k < len(starts) and starts[k] < e:
            if quotes[k].end <= e:
                inside.add(k)
            k += 1
    n = 0
    for k in inside:
        c = counts.get(k)
        if c is None:
            a, b = quotes[k].inner
            c = counts[k] = n_words(text[a:b])
        n += c
    return n


# --------------------------------------------------------------------------- cues

@functools.cache
def _cue_forms() -> dict:
    from framing.attribution_model import load_cue_lexicon
    return load_cue_lexicon().forms


_AUX = re.compile(r"^(?:has|have|had|also|was|were|is|are|be|been|would|will|could|"
                  r"did|does|do|not|later|then|further|previously|had|repeatedly|once)\s+",
                  re.IGNORECASE)


@functools.lru_cache(maxsize=8192)     # a pure function of the cue text (lexicon is fixed)
def cue_lemma(cue_text: str) -> tuple[str, str]:
    """Lemma and epistemic category of a cue phrase (``lexicons/cues.yaml``).

    Auxiliaries and adverbs are stripped ("has also said" -> say); a cue not in the lexicon
    keeps its lower-cased text as lemma, with category ``other``.

    Examples
    --------
    >>> cue_lemma("maintains")
    ('maintain', 'distancing')
    >>> cue_lemma("According to")
    ('according to', 'neutral')
    """
    forms = _cue_forms()
    t = " ".join(re.findall(r"[\w’'-]+|:", cue_text.lower()))
    if not t:
        return "", "other"
    prev = None
    while prev != t:
        prev = t
        t = _AUX.sub("", t)
    if t in forms:
        return forms[t]
    words = t.split()
    for n in range(min(3, len(words)), 0, -1):       # longest known prefix
        head = " ".join(words[:n])
        if head in forms and forms[head][1] != "hedge":     # "reportedly | said"
            return forms[head]
    for w in words:
        if w in forms and forms[w][1] != "hedge":
            return forms[w]
    if t == ":":
        return ":", "neutral"
    return t, "other"


# --------------------------------------------------------------------------- sources

_COUNTRIES = [
    ("North Korea", r"north\s+korea|n\.\s?korea|n\.k\.|dprk|pyongyang|north\s+korean|"
                    r"the\s+north(?:’s|'s)?|kcna|rodong|workers'? party|wpk"),
    ("South Korea", r"south\s+korea|s\.\s?korea|seoul|south\s+korean|yonhap|sejong"),
    ("United States", r"united\s+states|u\.s\.|\bus\b|america|washington|pentagon|"
                      r"white\s+house|state\s+department"),
    ("China", r"china|chinese|beijing|xinhua"),
    ("Russia", r"russia|russian|moscow|kremlin|tass"),
    ("Japan", r"japan|japanese|tokyo"),
    ("Iran", r"iran|iranian|tehran|press\s+tv"),
]
_TYPE_RULES = [
    ("state_media", r"\bkcna\b|korean\s+central\s+news\s+agency|rodong\s+sinmun|state\s+media|"
                    r"xinhua|\btass\b|press\s+tv|state[- ]run|the\s+agency|news\s+agency"),
    ("anonymous", r"^(?:a|an|one|two|three|several|some|many|other)?\s*(?:senior\s+|"
                  r"unnamed\s+|anonymous\s+|government\s+)?(?:sources?|officials?|insiders?|"
                  r"people|person|aides?|diplomats?)\b(?!\s+[A-Z])|familiar\s+with|"
                  r"who\s+(?:spoke|asked|requested)|on\s+condition\s+of\s+anonymity"),
    ("analyst", r"analyst|expert|professor|scholar|researcher|fellow|academic|"
                r"think[- ]tank|institute|university|observer|specialist"),
    ("document", r"\b(?:statement|report|document|letter|study|poll|survey|memo|"
                 r"filing|transcript|data|resolution|declaration|editorial|commentary)s?\b"),
    ("official", r"minister|ministry|ambassador|diplomat|envoy|official|spokes(?:man|woman|"
                 r"person)|president|leader|secretary|senator|lawmaker|governor|general|"
                 r"commander|chief|premier|chairman|prime|military|army|navy|government|"
                 r"administration|cabinet|congress|parliament|foreign\s+ministry|mission|"
                 r"embassy|police|authorities|department|agency"),
    ("media", r"times|post|news|journal|cnn|fox|reuters|associated\s+press|\bap\b|nbc|abc|"
              r"cbs|bloomberg|politico|newspaper|magazine|daily|yonhap|tv\b|broadcaster"),
    ("organisation", r"party|campaign|committee|commission|council|group|organi[sz]ation|"
                     r"union|association|foundation|company|corporation|inc\b|un\b|"
                     r"united\s+nations|nato"),
]
_PRONOUN_SOURCES = {"he": "person", "she": "person", "him": "person", "her": "person",
                    "they": "any", "it": "nonperson", "we": "any", "i": "person"}
_NOMINAL_BACKREF = re.compile(
    r"^(?:the|this|that)\s+(agency|ministry|statement|report|analyst|expert|official|"
    r"envoy|diplomat|ambassador|leader|president|minister|spokesman|spokeswoman|group|"
    r"party|newspaper|commission|military|government|source|institute|committee|"
    r"campaign|council)$", re.IGNORECASE)
# the word-start check follows the capital (not "(?<![\w-])" first), so the regex engine
# skips to capitals in C; the matches are the same
_PERSON_NAME = re.compile(
    r"([A-Z](?<![\w-].)[a-z]+(?:-[A-Za-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Za-z]+)?){1,2})(?![\w-])")
_DET = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


_COUNTRIES_RE = [(name, re.compile(pattern)) for name, pattern in _COUNTRIES]
_TYPE_RULES_RE = [(typ, re.compile(pattern)) for typ, pattern in _TYPE_RULES]


@functools.lru_cache(maxsize=8192)     # a pure function of the phrase; sources recur a lot
def classify_source(text: str) -> tuple[str, str]:
    """``(source_type, country)`` of a source phrase from keyword rules.

    Examples
    --------
    >>> classify_source("North Korea's ambassador to Geneva")
    ('official', 'North Korea')
    >>> classify_source("a senior analyst at South Korea's private Sejong Institute")
    ('analyst', 'South Korea')
    """
    low = text.lower().strip()
    if not low:
        return "unknown", ""
    country = ""
    for name, pattern in _COUNTRIES_RE:
        if pattern.search(low):
            country = name
            break
    for typ, pattern in _TYPE_RULES_RE:
        if pattern.search(low):
            return typ, country
    if country and re.fullmatch(r"(?:the\s+)?[\w .’'-]+", low) and len(low.split()) <= 3:
        return "government", country          # a country or capital as speaker
    if _PERSON_NAME.search(text):
        return "person", country
    return "unknown", country


_TITLES = re.compile(
    r"^(?:(?:former|then|late|acting|deputy|vice|top|senior|chief|first|supreme|"
    r"north|south|korean|american|chinese|russian|japanese|u\.s\.|us|republican|"
    r"democratic|democrat|gop|presidential|party|foreign|defense|defence|prime|state|"
    r"president|leader|minister|secretary|ambassador|envoy|sen\.|senator|rep\.|gov\.|"
    r"governor|gen\.|general|adm\.|admiral|lt\.|col\.|dr\.|mr\.|mrs\.|ms\.|"
    r"spokesman|spokeswoman|nominee|candidate|chairman|chairwoman|director|professor|"
    r"analyst|lawmaker|rival)\s+)+", re.IGNORECASE)
_TRAILING_NAME = re.compile(r"(?:[A-Z][\w’'.-]*)(?:\s+[A-Z][\w’'.-]*){0,4}$")


def _name_like(t: str) -> bool:
    words = t.split()
    return 0 < len(words) <= 5 and all(w[0].isupper() or w in ("of", "the", "for", "and")
                                        for w in words)


@functools.lru_cache(maxsize=8192)     # a pure function of the phrase
def split_source(text: str) -> tuple[str, str]:
    """Split a source phrase into a normalised name and a role.

    Examples
    --------
    >>> split_source("Han Tae-song, North Korea's ambassador to Geneva,")
    ('Han Tae-song', "North Korea's ambassador to Geneva")
    >>> split_source("North Korean leader Kim Jong-un")
    ('Kim Jong-un', 'North Korean leader')
    >>> split_source("North Korea's top diplomat to Geneva")
    ("North Korea's top diplomat to Geneva", "North Korea's top diplomat to Geneva")
    """
    t = " ".join(text.split()).strip(" ,;:")
    t = _DET.sub("", t) if not re.match(r"^(?:a|an)\s", t, re.IGNORECASE) else t
    if not t:
        return "", ""
    plain = re.sub(r"\s*\([A-Z]{2,}\)", "", t)
    if _name_like(plain):
        return _strip_titles(plain)
    if "," in plain:
        head, rest = (x.strip(" ,") for x in plain.split(",", 1))
        if _name_like(head):
            return _strip_titles(head)[0], rest
        if _name_like(rest):
            return rest, head
    m = _TRAILING_NAME.search(plain)
    if m:
        prefix = plain[: m.start()].strip()
        # not "Officials in Washington and | Seoul": a place or a second party
        if prefix and re.search(r"\b[a-z]{3,}", prefix) and not re.search(
                r"\b(?:of|at|to|for|in|from|with|on|by|and|or)$", prefix):
            return _strip_titles(m.group())[0], prefix
        if not prefix:
            name, titles = _strip_titles(plain)
            return name, titles
    role = plain if re.search(r"\b[a-z]{3,}", plain) else ""
    return plain, role


_ROLE_NOUN = re.compile(
    r"\b(?:president|leader|minister|secretary|ambassador|envoy|sen\.|senator|rep\.|gov\.|"
    r"governor|gen\.|general|adm\.|admiral|dr\.|mr\.|mrs\.|ms\.|spokesman|spokeswoman|"
    r"nominee|candidate|chairman|chairwoman|director|professor|analyst|lawmaker)\s*$",
    re.IGNORECASE)


def _strip_titles(name: str) -> tuple[str, str]:
    """"Former US President Donald Trump" -> ("Donald Trump", "Former US President")."""
    m = _TITLES.match(name)
    if m and m.end() < len(name) and _ROLE_NOUN.search(name[: m.end()]):
        rest = name[m.end():]
        if rest[0].isupper() and len(rest.split()) <= 3:
            return rest, name[: m.end()].strip()
    return name, ""


_LOOKBACK = 200     # named sources searched back for an antecedent (bounds a long document)


def _latest(named: list) -> Iterator:
    """The last ``_LOOKBACK`` named sources, latest first."""
    return itertools.islice(reversed(named), _LOOKBACK)


def _describe_sources(text: str, atts: list[dict]) -> None:
    """Fill ``source_*`` keys, resolving pronouns, surnames and "the agency"-style
    back-references to the nearest earlier fitting named source of the article."""
    named: list[tuple[int, str, str, str, str]] = []   # (pos, name, role, type, country)
    for a in sorted(atts, key=lambda a: a["source"][0] if a["source"] else a["content"][0][0]):
        a.update(source_text="", source_name="", source_role="", source_type="",
                 source_country="", source_resolved_from="")
        if not a["source"]:
            continue
        s, e = a["source"]
        st = text[s:e]
        a["source_text"] = st
        low = " ".join(st.lower().split()).strip(" ,")
        resolved = None
        if low == "it" and a["cue"] and _PASSIVE_HEDGE.search(
                " ".join(text[a["cue"][0]:a["cue"][1]].lower().split())):
            # "It was reported that ...": an expletive, the reporter is unnamed
            a.update(source_name="", source_type="anonymous")
            continue
        if low in _PRONOUN_SOURCES:
            want = _PRONOUN_SOURCES[low]
            for pos, name, role, typ, country in _latest(named):
                if pos >= s:
                    continue
                is_person = (typ in ("person", "analyst", "official")
                             and _PERSON_NAME.fullmatch(name))
                if want == "person" and is_person or want == "nonperson" and not is_person \
                        or want == "any":
                    resolved = (name, role, typ, country)
                    break
            if resolved is None:
                resolved = _resolve_in_text(text, s, want)
        elif _NOMINAL_BACKREF.match(low):
            noun = _NOMINAL_BACKREF.match(low).group(1).lower()
            for pos, name, role, typ, country in _latest(named):
                if pos < s and (noun in (name + " " + role).lower() or
                                (noun == "agency" and typ == "state_media")):
                    resolved = (name, role, typ, country)
                    break
        elif _SURNAME.fullmatch(st.strip()):                       # a bare surname
            for pos, name, role, typ, country in _latest(named):
                parts = name.split()
                # "Kim" is Kim Jong Un, never the pair "Putin and Kim"
                if pos < s and len(parts) > 1 and st.strip() in (parts[0], parts[-1]) \
                        and _fits_name(name):
                    resolved = (name, role, typ, country)
                    break
            if resolved is None:
                full = _resolve_in_text(text, s, "person", surname=st.strip())
                resolved = full
        if resolved is not None:
            name, role, typ, country = resolved
            a.update(source_name=name, source_role=role, source_type=typ,
                     source_country=country, source_resolved_from=st.strip())
            continue
        name, role = split_source(st)
        typ, country = classify_source(st)
        a.update(source_name=name, source_role=role, source_type=typ, source_country=country)
        if low not in _PRONOUN_SOURCES:
            named.append((s, name, role, typ, country))


def _inherit_sources(text: str, atts: list[dict]) -> None:
    """A cue with no source that is coordinated with an earlier one ("Kim convened a
    congress and called for ...") shares that one's speaker (name and type only: the span
    stays with the first cue, as PolNeAR's univocal annotation has it)."""
    for a in atts:
        # ", insisting ...": the speaker is the sentence's subject, when it is a name
        if a["cue"] and not a["source"] and not a["source_name"] and re.fullmatch(
                r"[a-z]+ing", text[a["cue"][0]:a["cue"][1]]) and \
                text[:a["cue"][0]].rstrip().endswith(","):
            line_start = text.rfind("\n", 0, a["cue"][0]) + 1
            m = _SUBJECT.match(text, line_start, a["cue"][0])
            if m:
                subject = m.group(1)
                typ, country = classify_source(subject)
                a.update(source_name=subject, source_type=typ, source_country=country,
                         source_resolved_from="(subject)")
    ordered = sorted((a for a in atts if a["cue"]), key=lambda a: a["cue"][0])
    for prev, cur in zip(ordered, ordered[1:]):
        if cur["source"] or cur["source_name"] or not prev["source_name"]:
            continue
        if cur["sentence_index"] != prev["sentence_index"]:
            continue
        between = text[prev["cue"][1]:cur["cue"][0]]
        # "X convened ... and called for": the same subject; not "days after Kim vowed"
        if re.search(r"\b(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$", between) and \
                len(between) < 200:
            for k in ("source_name", "source_role", "source_type", "source_country"):
                cur[k] = prev[k]
            cur["source_resolved_from"] = prev["source_text"].strip()


_SUBJECT = re.compile(r"((?:[A-Z][\w.’'-]*)(?:\s+(?:and\s+)?[A-Z][\w.’'-]*){0,4})\s+"
                      r"(?:has\s+|have\s+|had\s+)?(?:also\s+)?[a-z]+(?:ed|s)\b")


def _resolve_in_text(text: str, before: int, want: str, surname: str | None = None):
    """The nearest person name (two or three capitalised words) before ``before`` in the
    text, with the role of an apposition after it ("Han Tae-song, North Korea's
    ambassador to Geneva,")."""
    if want == "nonperson":
        return None
    best = None
    matches, k, last_fit = _person_names_upto(text, before)
    if not surname and last_fit is not None:
        j = last_fit[k - 1] if k else -1        # the last fitting one, looked up
        best = matches[j] if j >= 0 else None
    else:
        for j in range(k - 1, -1, -1):          # the last fitting one
            m = matches[j]
            name = m.group(1)
            if surname and surname not in name.split() and not name.startswith(surname + " "):
                continue
            if not _fits_name(name) or _in_quotation(text, m.start()):
                continue
            best = m
            break
    if best is None:
        return None
    name = best.group(1)
    after = text[best.end(): best.end() + 120]
    role = ""
    m = re.match(r",\s*([^,.;\n]{4,100}?),", after)
    if m:
        role = m.group(1)
    typ, country = classify_source(role) if role else ("person", "")
    if typ == "unknown":
        typ = "person"
    return name, role, typ, country


def _fits_name(name: str) -> bool:
    """Whether two or three capitalised words can be a person's name: not "North Korea",
    "Plenary Meeting", "Permanent Representative" or "Putin and Kim"."""
    parts = name.split()
    return not (len(parts) < 2 or parts[0] in _NOT_NAMES
                or not _NOT_NAME_WORDS.isdisjoint(parts) or "and" in parts)


def _person_names_before(text: str, before: int) -> list[re.Match]:
    """``list(_PERSON_NAME.finditer(text, 0, before))``, from one scan of the whole text per
    article (pronoun sources call this once each; a scan per call was quadratic).

    A scan stopping at ``before`` finds the same matches as the whole-text scan up to there
    unless a match could end exactly at ``before`` (a letter right before it) or a
    whole-text match straddles it; then it scans the prefix as before."""
    matches, k, _last_fit = _person_names_upto(text, before)
    return matches[:k]


def _person_names_upto(text: str, before: int
                       ) -> tuple[list[re.Match], int, list[int] | None]:
    """:func:`_person_names_before` as ``matches[:k]`` without the copy, with
    ``last_fit[j]``, the index of the last match at or before ``j`` that :func:`_fits_name`
    (-1 if none), when the matches are the whole-text scan's (None otherwise)."""
    if before > 0 and text[before - 1].isalpha():
        matches = list(_PERSON_NAME.finditer(text, 0, before))
        return matches, len(matches), None
    matches, ends, last_fit = _person_names(text)
    k = bisect.bisect_right(ends, before)
    if k < len(matches) and matches[k].start() < before:      # straddles ``before``
        matches = list(_PERSON_NAME.finditer(text, 0, before))
        return matches, len(matches), None
    return matches, k, last_fit


@functools.lru_cache(maxsize=4)
def _person_names(text: str) -> tuple[list[re.Match], list[int], list[int]]:
    matches = list(_PERSON_NAME.finditer(text))
    last_fit, j = [], -1
    for i, m in enumerate(matches):
        if _fits_name(m.group(1)) and not _in_quotation(text, m.start()):
            j = i
        last_fit.append(j)
    return matches, [m.end() for m in matches], last_fit


def _in_quotation(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a quotation of its paragraph (a speech title "On the
    Immediate Tasks ..." names no person)."""
    starts, ends = _quotation_bounds(text)
    k = bisect.bisect_right(starts, pos) - 1     # sorted by start; nested ones lie inside
    return k >= 0 and any(starts[j] < pos < ends[j] for j in range(max(0, k - 1), k + 1))


@functools.lru_cache(maxsize=4)
def _quotation_bounds(text: str) -> tuple[list[int], list[int]]:
    from framing.quotes import quote_spans

    quotes = quote_spans(text)
    return [q.start for q in quotes], [q.end for q in quotes]


# words that make a capitalised phrase an institution, place, event or title, not a name
_NOT_NAME_WORDS = frozenset("""
    Meeting Office Organization Organizations Nations Council Committee Ministry Agency
    Assembly Conference Party Army Navy Forces Force Republic Government Institute University
    Center Centre News Service Times Post Union Command Department Commission House Court
    Senate Congress Bureau Corporation Company Group Association Foundation Program Programme
    Summit Forum Session Plenary Peninsula Sea Zone Region Province City Island Islands Square
    Hall Palace Street Station Airport Base Embassy Mission People States Kingdom Korea
    Affairs Security Defense Defence Foreign Daily Herald Journal Tribune Telegraph Press
    Broadcasting Television Radio Network Exchange Bank Fund Treaty Agreement Declaration
    Statement Resolution Act Day Week Games War President Minister Secretary Representative
    Ambassador Spokesman Spokeswoman Spokesperson Director Chairman Chairwoman Leader General
    Commander Chief Officer Envoy Premier Chancellor Senator Governor Mayor Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April June July August
    September October November December York Jersey Delhi Zealand Angeles Francisco Kong East
    West Africa America Asia Europe Pacific Atlantic Arabia Emirates Britain Japan China
    Russia Ukraine Pyongyang Seoul Tokyo Beijing Moscow Kyiv Geneva""".split())
_NOT_NAMES = frozenset("The A An In On At And But According North South United Earlier Former "
                       "Korean Workers Central Military Commission Kim Il".split()) - {"Kim"}


# --------------------------------------------------------------------------- voice

@functools.cache
def _hedge_forms() -> tuple[str, ...]:
    from framing.attribution_model import load_cue_lexicon
    lex = load_cue_lexicon()
    return tuple(f for f, (_lemma, cat) in lex.forms.items() if cat == "hedge")


_NOT_SPEAKERS = re.compile(r"\b(?:photo|image|picture|video|footage|map|chart|graphic|"
                           r"screenshot|file photo)s?\b", re.IGNORECASE)


_NAMING = re.compile(r"\bknown\s+as$", re.IGNORECASE)      # "H-bombs, also known as ..."


def is_speech(att: dict) -> bool:
    """Whether an attribution gives a sentence a reported voice.

    PolNeAR-style attributions include intentions and actions ("refused to ease sanctions",
    "called a meeting"); for the voice, only cues in the cue lexicon (speech, belief,
    evaluation) or quoted content count, never a photo that "shows" something.
    """
    if att.get("source_text") and _NOT_SPEAKERS.search(att["source_text"]):
        return False
    if att.get("cue_category") == "hedge" or _NAMING.search(att.get("cue_text", "")):
        return False
    if not att.get("cue"):      # a content without a cue: only a real quotation counts
        return att.get("kind") == "direct" and att.get("n_quoted_words", 0) >= _ORPHAN_MIN_WORDS
    if att.get("cue_category") not in (None, "", "other"):
        return True
    return att.get("kind") in ("direct", "mixed") or att.get("cue_text", "").strip() == ":"


_PASSIVE_HEDGE = re.compile(r"(?:is|are|was|were|been)\s+(?:widely\s+|generally\s+)?"
                            r"(?:expected|believed|thought|said|reported|alleged|understood|"
                            r"rumou?red|considered|estimated|feared)$")


def _impersonal_hedge(att: dict) -> bool:
    """"The gathering is expected to take days", "the launch is believed to have failed":
    a passive hedge with a "to" complement is the outlet's own voice (the subject is not a
    source). "It was reported that ..." (a "that" clause) is passive reporting: speech."""
    cue = " ".join(att.get("cue_text", "").lower().split())
    if not _PASSIVE_HEDGE.search(cue):
        return False
    first = att.get("content_first", "")
    return not first.lower().startswith("that")


_NO_VOICE_KINDS = frozenset({"caption", "dateline", "byline"})


def sentence_voices(text: str, sentences: Sequence[tuple[int, int]],
                    atts: Sequence[dict], kinds: Sequence[str] | None = None) -> list[dict]:
    """One voice row per sentence (VOICE_COLUMNS), from a text's attributions.

    A sentence takes the voice of the outermost speech attribution (:func:`is_speech`)
    whose content covers at least a third of it or whose cue it holds ("..., according to
    the ministry" wraps "X said ..."); ``according to`` gives ``according_to``, otherwise
    the attribution's kind. Without one it is ``asserted``. Captions, datelines and bylines
    (``kinds``) never take a reported voice: they are the outlet's own apparatus ("This
    photo shows ...", "SEOUL, Jan. 29 (Yonhap) --"), whatever an attribution overlapping
    them says. ``hedged`` marks the outlet's own hedges outside any content
    ("reportedly", "is believed to", an impersonal "is expected to"); ``scare_quote`` a
    quotation that is the outlet's distancing.
    """
    from framing.quotes import hedge_spans, is_scare_quote, quote_spans

    quotes = quote_spans(text)
    hedges = hedge_spans(text, _hedge_forms())
    all_content = sorted((s, e) for a in atts for s, e in a["content"])
    # "is a position inside some content" by bisection: the content spans starting at or
    # before it are a prefix of all_content; one of them reaches past it when their
    # largest end does (instead of a scan of every content per quotation and hedge)
    c_starts = [s for s, _e in all_content]
    c_reach = list(itertools.accumulate((e for _s, e in all_content), max))
    speech = [is_speech(a) for a in atts]
    imp_hedge = [_impersonal_hedge(a) for a in atts]
    cues = sorted(a["cue"][0] for a, sp in zip(atts, speech) if sp and a["cue"])
    outer = []
    for a in atts:   # does its content hold another speech cue? ("..., according to X")
        own = a["cue"][0] if a["cue"] else -1
        holds = False
        for s, e in a["content"]:
            k = bisect.bisect_left(cues, s)          # cues are sorted: those in [s, e)
            while k < len(cues) and cues[k] < e:
                if cues[k] != own:
                    holds = True
                    break
                k += 1
            if holds:
                break
        outer.append(holds)
    # attributions touching each sentence: by the extent of their content and cue
    ext = []
    for a in atts:
        lo = min([s for s, _ in a["content"]] + ([a["cue"][0]] if a["cue"] else []))
        hi = max([e for _, e in a["content"]] + ([a["cue"][1]] if a["cue"] else []))
        ext.append((lo, hi))
    order = sorted(range(len(atts)), key=lambda i: ext[i][0])
    q_starts = [q.start for q in quotes]             # both sorted: a sentence's are a slice
    h_starts = [hs for hs, _he, _form in hedges]
    rows = []
    # attributions that can touch the sentence: those starting before its end (added in
    # ``order`` as the sentences advance), less those that ended before an earlier
    # sentence's start (pruned while sentence starts do not decrease)
    active: list[int] = []
    n_added, prev_start = 0, -1
    for k, (start, end) in enumerate(sentences):
        apparatus = kinds is not None and kinds[k] in _NO_VOICE_KINDS
        cands = []
        hedged = False
        while n_added < len(order) and ext[order[n_added]][0] < end:
            active.append(order[n_added])
            n_added += 1
        if start >= prev_start:
            if active:
                active = [i for i in active if ext[i][1] > start]
        else:                                   # out of order: start again from all seen
            active = order[:n_added]
        prev_start = start
        size = max(1, len(text[start:end].strip())) if active else 1    # only used below
        for i in active:
            lo, hi = ext[i]
            if lo >= end or hi <= start:
                continue
            a = atts[i]
            cov = sum(max(0, min(e, end) - max(s, start)) for s, e in a["content"])
            holds_cue = bool(a["cue"]) and start <= a["cue"][0] < end
            if not (cov * 3 >= size or holds_cue):
                continue
            if imp_hedge[i]:
                hedged = True
                continue
            if not speech[i] or apparatus:
                continue
            # the outermost attribution covering the sentence first (not one that is here
            # only by its cue: "X said that ..., and he continued:" + a statement), then one
            # with its own source span (not a participle sharing the subject's), then the
            # one covering most of the sentence
            cands.append(((outer[i] and cov * 3 >= size, a["source"] is not None, cov), i))
        row = {"voice": "asserted", "hedged": hedged, "scare_quote": False, "source": "",
               "source_type": "", "cue": "", "cue_category": ""}
        if cands:
            a = atts[max(cands)[1]]
            voice = "according_to" if a.get("cue_lemma") == "according to" else a["kind"]
            row.update(voice=voice, source=a.get("source_name", ""),
                       source_type=a.get("source_type", ""), cue=a.get("cue_lemma", ""),
                       cue_category=a.get("cue_category", ""))
        for q in (quotes[bisect.bisect_left(q_starts, start):bisect.bisect_left(q_starts, end)]
                  if quotes else ()):
            if start <= q.start < end:
                n = bisect.bisect_right(c_starts, q.start)      # contents with s <= q.start
                inside = n > 0 and c_reach[n - 1] + 1 >= q.end
                if is_scare_quote(text, q, in_content=inside):
                    row["scare_quote"] = True
        for hs, _he, _form in (hedges[bisect.bisect_left(h_starts, start):
                                      bisect.bisect_left(h_starts, end)] if hedges else ()):
            n = bisect.bisect_right(c_starts, hs)               # contents with s <= hs
            if start <= hs < end and not (n > 0 and c_reach[n - 1] > hs):
                row["hedged"] = True
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- articles

def attribute_article(article: Article,
                      sentences: list[tuple[int, int, int, str]] | None = None,
                      *, model=None) -> tuple[list[dict], list[dict]]:
    """Voice rows and attribution rows of one article (a pure function).

    Parameters
    ----------
    article
        An ingested :class:`~framing.models.Article`; offsets refer to ``article.text``.
    sentences
        ``(start, end, paragraph, kind)`` as from :func:`framing.sentences.article_sentences`
        (computed when None).

    Returns
    -------
    (voice_rows, attribution_rows)
        ``voice_rows`` aligned 1:1 with the sentences, each a dict with ``index`` and
        VOICE_COLUMNS; ``attribution_rows`` dicts with ATTRIBUTION_COLUMNS.
    """
    if sentences is None:
        from framing.sentences import article_sentences
        sentences = article_sentences(article)
    spans3 = [(s, e, p) for s, e, p, _k in sentences]
    atts = attributions_for_text(article.text, spans3, model=model)
    voices = sentence_voices(article.text, [(s, e) for s, e, _p, _k in sentences], atts,
                             [k for _s, _e, _p, k in sentences])
    voice_rows = [{"index": i, **v} for i, v in enumerate(voices)]
    att_rows = [_attribution_row(article, k, a) for k, a in enumerate(atts)]
    return voice_rows, att_rows


def _attribution_row(article: Article, k: int, a: dict) -> dict:
    text = article.text
    src = a["source"] or (None, None)
    cue = a["cue"] or (None, None)
    return {
        "article_id": article.id, "outlet": article.outlet,
        "attribution_id": f"{article.id}:a{k}", "sentence_index": a["sentence_index"],
        "kind": a["kind"],
        "source_start": src[0], "source_end": src[1], "source_text": a["source_text"],
        "source_name": a["source_name"], "source_role": a["source_role"],
        "source_type": a["source_type"], "source_country": a["source_country"],
        "source_resolved_from": a["source_resolved_from"],
        "cue_start": cue[0], "cue_end": cue[1], "cue_text": a["cue_text"],
        "cue_lemma": a["cue_lemma"], "cue_category": a["cue_category"],
        "content_spans": [list(s) for s in a["content"]],
        "content_text": " … ".join(text[s:e] for s, e in a["content"]),
        "n_quoted_words": a["n_quoted_words"], "origin": a["origin"],
    }


def _empty_attributions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ATTRIBUTION_COLUMNS})


def detect_attributions(articles: Iterable[Article], *, model=None) -> pd.DataFrame:
    """One row per attribution of every article, columns ATTRIBUTION_COLUMNS.

    ``source_start``/``source_end``/``cue_start``/``cue_end`` are character offsets into
    ``Article.text`` (nullable Int64; missing when an attribution has no source or cue),
    ``content_spans`` a list of ``[start, end]`` pairs, ``kind`` direct/indirect/mixed,
    ``cue_category`` one of the categories of ``lexicons/cues.yaml`` or ``other``.

    Examples
    --------
    >>> from framing.ingest import load_corpus
    >>> table = detect_attributions(load_corpus("seeds").articles)
    >>> {"direct", "indirect"} <= set(table["kind"])
    True
    """
    rows = []
    for article in articles:
        rows.extend(attribute_article(article, model=model)[1])
    if not rows:
        return _empty_attributions()
    table = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    for c in ("source_start", "source_end", "cue_start", "cue_end"):
        table[c] = table[c].astype("Int64")
    return table.astype({"sentence_index": "int64", "n_quoted_words": "int64"})


def add_voice(sentences: pd.DataFrame, articles: Iterable[Article], *, model=None
              ) -> pd.DataFrame:
    """The sentence table with VOICE_COLUMNS added (a new frame; the input is untouched).

    Parameters
    ----------
    sentences
        A table from :func:`framing.sentences.split_sentences` (``article_id``, ``index``,
        ``start``, ``end``, ``paragraph``, ``kind``...).
    articles
        The articles the sentences come from (matched on ``article_id``).

    Returns
    -------
    DataFrame
        ``sentences`` plus ``voice`` (asserted/direct/indirect/according_to/mixed),
        ``hedged`` and ``scare_quote`` (bool), ``source``, ``source_type``, ``cue`` (lemma)
        and ``cue_category``.
    """
    out = sentences.copy()
    by_id = {a.id: a for a in articles}
    defaults = {"voice": "asserted", "hedged": False, "scare_quote": False, "source": "",
                "source_type": "", "cue": "", "cue_category": ""}
    values = {c: [defaults[c]] * len(out) for c in VOICE_COLUMNS}
    if len(out):
        for article_id, group in out.groupby("article_id", sort=False):
            article = by_id.get(article_id)
            if article is None:
                continue
            spans = [(int(r.start), int(r.end), int(getattr(r, "paragraph", 0)),
                      str(getattr(r, "kind", "body"))) for r in group.itertuples(index=False)]
            voice_rows, _ = attribute_article(article, spans, model=model)
            for pos, row in zip(group.index, voice_rows):
                loc = out.index.get_loc(pos)
                for c in VOICE_COLUMNS:
                    values[c][loc] = row[c]
    for c in VOICE_COLUMNS:
        out[c] = values[c]
    return out.astype({"hedged": "bool", "scare_quote": "bool"})
