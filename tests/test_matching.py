"""One-pass matching: normalisation, boundaries, wildcards, case, exclusions, offsets."""
from __future__ import annotations

import pytest

from framing.lexicon import parse_lexicon
from framing.matching import compile_matcher, normalize_term

LEXICON = """\
name: demo
version: 1.0.0
description: demo
references: ["x"]
categories:
  - id: justify
    label: Justify
    description: d
    entries:
      - defensive
      - defensive measure
      - {term: deter, forms: [deterrent, deterrence]}
      - self-defense
      - {term: defense, exclude: [Defense Ministry, Defense Secretary]}
      - {term: DPRK, case_sensitive: true}
      - hostile policy
      - anti-US
      - Workers' Party
      - escalat*
    exclude: [de-escalation]
  - id: blame
    label: Blame
    description: d
    entries: [hostile policy]
"""


@pytest.fixture(scope="module")
def matcher():
    lexicon, issues = parse_lexicon(LEXICON, source="demo.yaml")
    assert not [i for i in issues if i.severity == "error"]
    return compile_matcher([lexicon])


def found(matcher, text, category="justify"):
    return [m.matched for m in matcher.find(text) if m.category == category]


@pytest.mark.parametrize(("text", "expected"), [
    ("It is a defensive measure.", ["defensive measure"]),         # longest wins
    ("It was defensive.", ["defensive"]),
    ("A Defensive  Measure indeed", ["Defensive  Measure"]),         # case, double space
    ("a war deterrent and deterrence", ["deterrent", "deterrence"]),
    ("The committee determined it.", []),                            # not a word prefix match
    ("self defense and self-defense", ["self defense", "self-defense"]),
    ("anti US and anti-US and Anti–US", ["anti US", "anti-US", "Anti–US"]),
    ("the Workers’ Party met", ["Workers’ Party"]),                  # curly apostrophe
    ("the DPRK said", ["DPRK"]),
    ("the dprk said", []),                                           # case-sensitive entry
    ("the Defense Ministry said", []),                               # entry exclusion
    ("Defense Secretary Austin spoke of defense", ["defense"]),
    ("calls for de-escalation and escalation", ["escalation"]),      # category exclusion
    ("escalating, escalated", ["escalating", "escalated"]),          # wildcard to word end
    ("hostile, policy", []),                                         # commas break phrases
    ("North Korea's defense", ["defense"]),
    ("undefensive", []),                                             # word boundary
])
def test_find(matcher, text, expected):
    assert found(matcher, text) == expected


def test_offsets_point_into_the_original_text(matcher):
    text = "Line one.\n\n  It  was a   defensive \t measure —  and a deterrent."
    for m in matcher.find(text):
        assert text[m.start:m.end] == m.matched
    assert [m.matched for m in matcher.find(text)] == ["defensive \t measure", "deterrent"]


def test_a_hit_counts_in_every_category(matcher):
    cats = [m.category for m in matcher.find("a hostile policy")]
    assert sorted(cats) == ["blame", "justify"]


def test_vetoed_hits_on_request(matcher):
    hits = matcher.find("the Defense Ministry", include_vetoed=True)
    assert [(h.matched, h.vetoed_by) for h in hits] == [("Defense", "Defense Ministry")]


def test_one_automaton_for_many_lexicons():
    matcher = compile_matcher(["conflict_frames", "actors", "hedges"])
    lexicons = {m.lexicon for m in matcher.find(
        "Pyongyang may call it a defensive measure.")}
    assert lexicons == {"conflict_frames", "actors", "hedges"}


def test_big_single_line_text(matcher):
    filler = "the talks went on without any result while officials met again " * 16
    text = (filler + "a defensive  measure, ") * 5_000          # one line, over 5 MB
    assert len(text) > 5_000_000 and "\n" not in text
    hits = matcher.find(text)
    assert len(hits) == 5_000
    assert text[hits[-1].start:hits[-1].end] == hits[-1].matched == "defensive  measure"


@pytest.mark.parametrize(("term", "key"), [
    ("Anti-US", ("anti us", False)), ("deter*", ("deter", True)),
    ("Workers’ Party", ("workers party", False)), ("Workers Party", ("workers party", False)),
    ("U.S.", ("u s", False)), ("N. Korea", ("n  korea", False)),     # a period still separates
])
def test_normalize_term(term, key):
    assert normalize_term(term) == key


@pytest.mark.parametrize(("text", "expected"), [
    ("The Defense Ministry said the launch took place at dawn.", []),
    ("Defense Secretary Lloyd Austin visited.", []),
    ("South Korea's Ministry of National Defense said so.", []),
    ("Japan's Self-Defense Forces tracked it.", []),
    ("It is a defensive measure.", ["defensive_justification"]),
])
def test_shipped_frames_ignore_defense_names(text, expected):
    matcher = compile_matcher(["conflict_frames"])
    assert [m.category for m in matcher.find(text)] == expected


PERIOD_LEXICON = """\
name: abbrev
version: 1.0.0
description: entries written with a trailing period
references: ["x"]
categories:
  - id: usa
    label: USA
    description: d
    entries:
      - {term: United States, forms: [U.S., US]}
  - id: nk
    label: NK
    description: d
    entries:
      - {term: North Korea, forms: [N.K.]}
"""


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. and N.K. met.", ["U.S.", "N.K."]),            # the entry's own period kept
    ("Talks with the U.S.", ["U.S."]),                        # also at the end of a sentence
    ("U.S-led drills and the N.K envoy", ["U.S", "N.K"]),     # written without it: no period
    ("The US said so.", ["US"]),                              # no period in the entry
    ("North Korea. Then", ["North Korea"]),                   # a sentence period is not taken
])
def test_matched_keeps_the_entry_period(text, expected):
    lexicon, _ = parse_lexicon(PERIOD_LEXICON, source="abbrev.yaml")
    hits = compile_matcher([lexicon]).find(text)
    assert [m.matched for m in hits] == expected
    assert all(text[m.start:m.end] == m.matched for m in hits)
