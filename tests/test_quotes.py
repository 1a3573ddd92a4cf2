"""Quotation spans, scare quotes, hedges and the reporting-formula rules (framing.quotes).

All sentences here are invented for the tests.
"""
from __future__ import annotations

import pytest

from framing.quotes import (hedge_spans, is_scare_quote, n_words, quote_spans,
                            rule_attributions)


def _quoted(text: str) -> list[str]:
    return [text[q.start:q.end] for q in quote_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ('He said "we are ready" today.', ['"we are ready"']),
    ("He said “we are ready” today.", ["“we are ready”"]),
    ('"One," she said, "two."', ['"One,"', '"two."']),
    ("“Curly and \"straight\" nested,” he said.", ["“Curly and \"straight\" nested,”"]),
    ("“A quote that runs on\n“and reopens.”", ["“A quote that runs on", "“and reopens.”"]),
    ("U.S. finalizes ‘guardrails’ for funding", ["‘guardrails’"]),
    ("The ministry’s plan was approved.", []),           # an apostrophe is not a quote
    ("No quotation marks at all.", []),
])
def test_quote_spans(text, expected):
    assert _quoted(text) == expected


def test_unclosed_quote_runs_to_paragraph_end():
    text = "“We will respond firmly\nNext paragraph."
    (q,) = quote_spans(text)
    assert not q.closed and text[q.start:q.end] == "“We will respond firmly"


@pytest.mark.parametrize(("text", "in_content", "expected"), [
    ('It ended the so-called "peace era" in 2019.', False, True),
    ('It ended the so-called "peace era" in 2019.', True, True),   # labelling wins
    ('Officials dubbed it a "historic" deal.', False, True),
    ('The ministry called for a "resolute response".', True, False),  # partial quote: speech
    ('"We will never give up our deterrent under any pressure," he said.', False, False),
    ('A "short" label.', False, True),
])
def test_is_scare_quote(text, in_content, expected):
    (q,) = quote_spans(text)
    assert is_scare_quote(text, q, in_content=in_content) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The missile reportedly flew 600 km.", ["reportedly"]),
    ("The launch is believed to have failed.", ["is believed to"]),
    ("The agency allegedly hid the data.", ["allegedly"]),
    ("The missile flew 600 km.", []),
    ("The believer spoke.", []),                          # whole words only
])
def test_hedge_spans(text, expected):
    forms = ["reportedly", "allegedly", "is believed to", "are believed to"]
    assert [f for _s, _e, f in hedge_spans(text, forms)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The tests were defensive, according to the foreign ministry.",
     [("according to", "the foreign ministry", "The tests were defensive")]),
    ("The tests were defensive, according to the foreign ministry Friday.",
     [("according to", "the foreign ministry", "The tests were defensive")]),
    ("According to the defense ministry, the launch failed.",
     [("According to", "the defense ministry", "the launch failed")]),
    ("The envoy said in a statement carried by KCNA that talks were over.",
     [("said in a statement carried by", "The envoy", "that talks were over")]),
    ("The agency cited a spokesman as saying the drills were a provocation.",
     [("cited", "a spokesman", "the drills were a provocation")]),
    ("The ministry said the launch failed.", []),          # left to the tagger
    ("The drills went on as planned.", []),
    ("The talks will resume next week, said a spokesman.",
     [("said", "a spokesman", "The talks will resume next week")]),
    ("The drills will go ahead as planned, said a senior official at the ministry.",
     [("said", "a senior official at the ministry", "The drills will go ahead as planned")]),
    ('"We are ready," said a spokesman.', []),            # quoted: left to the tagger
    ("The drills will go ahead, said the states were wrong.", []),   # no speaker noun
    ("The drills will go ahead, said Kim Yo-jong.", []),    # names: left to the tagger
    # a trailing reporting clause closes an unquoted sentence, whatever its own verb
    ("The harbour stressed its plans would not change, the report said.",
     [("said", "the report", "The harbour stressed its plans would not change")]),
    ("Those talks are still continuing, he said.",
     [("said", "he", "Those talks are still continuing")]),
    # a four-word name and a day after the verb
    ("The two sides agreed on a freeze of the drills, Dutch Foreign Minister Anna Berg said "
     "on Tuesday.", [("said", "Dutch Foreign Minister Anna Berg",
                      "The two sides agreed on a freeze of the drills")]),
    ("Those talks are still continuing, he said Friday.",
     [("said", "he", "Those talks are still continuing")]),
    ("Those talks are still continuing, he said on Friday evening.", []),  # not a day alone
    # wire and state-media reporters after the content
    ("The harbor reopened on Monday, the official Harbor News Agency reported Tuesday.",
     [("reported", "the official Harbor News Agency", "The harbor reopened on Monday")]),
    ("The ships sailed north, state media reported.",
     [("reported", "state media", "The ships sailed north")]),
    ("The ships sailed north, the Coast Guard’s Joint Chiefs of Staff said.",
     [("said", "the Coast Guard’s Joint Chiefs of Staff", "The ships sailed north")]),
    ("The talks are useful, officials from both countries have said.",
     [("said", "officials from both countries", "The talks are useful")]),
    # whole quotations inside the content; not the end of a quotation opened earlier
    ("The mayor called the plan “a gift to the city,” state media reported.",
     [("reported", "state media", "The mayor called the plan “a gift to the city,”")]),
    ("We are ready for anything,” he said.", []),
    ("The ferry left port, Norway's official Harbor News Agency reported on Tuesday.",
     [("reported", "Norway's official Harbor News Agency", "The ferry left port")]),
    ("Three ferries left port, the Coast Guard Command (CGC) said.",
     [("said", "the Coast Guard Command (CGC)", "Three ferries left port")]),
    ("The ferry left port at 22:42 local time, said the report.",
     [("said", "the report", "The ferry left port at 22:42 local time")]),
    ("The ferry will sail weekly, the agency reported, quoting the mayor as saying so.",
     [("reported", "the agency", "The ferry will sail weekly")]),
    ("The mayor opened the port on Wednesday, the agency said on Thursday, amid concerns "
     "over costs.", [("said", "the agency", "The mayor opened the port on Wednesday")]),
    ('The regime is “begging for war,” Jane Roe, a spokeswoman for the ministry, said.',
     [("said", "Jane Roe, a spokeswoman for the ministry,", "The regime is “begging for war,”")]),
    ("The leaders will meet on Friday, the agency quoted the aide Ivan Petrov as saying.",
     [("quoted", "the aide Ivan Petrov", "The leaders will meet on Friday")]),
    ("The agency quoted the aide Ivan Petrov as saying the leaders will meet on Friday.",
     [("quoted", "the aide Ivan Petrov", "the leaders will meet on Friday")]),
    ("The drills will go on, he said, and more will follow.", []),   # not at the end
    ('"We are ready," he said.', []),                     # quoted: left to the tagger
])
def test_rule_attributions(text, expected):
    found = [(text[a.cue[0]:a.cue[1]], text[a.source[0]:a.source[1]] if a.source else None,
              text[a.content[0][0]:a.content[0][1]]) for a in rule_attributions(text)]
    assert found == expected


_THAT_VERBS = ("maintains", "said", "argued")


@pytest.mark.parametrize(("text", "expected"), [
    ("Harbor Town maintains that its ferries are safe.",
     [("maintains", "Harbor Town", "that its ferries are safe")]),
    ("The Council has also argued that the bridge is too old.",
     [("has also argued", "The Council", "that the bridge is too old")]),
    ("Harbor Town repaired the bridge that collapsed.", []),        # not a reporting verb
    ("Residents in Harbor Town said that the bridge is old.", []),  # subject not a name
])
def test_verb_that_rule(text, expected):
    found = [(text[a.cue[0]:a.cue[1]], text[a.source[0]:a.source[1]],
              text[a.content[0][0]:a.content[0][1]])
             for a in rule_attributions(text, that_verbs=_THAT_VERBS)]
    assert found == expected
    assert rule_attributions(text) == [] or expected == []       # off without verbs


def test_rule_skips_a_dateline():
    text = "SEOUL, Jan. 29 (Wire) -- The envoy spoke, according to the ministry."
    (a,) = rule_attributions(text)
    assert text[a.content[0][0]:a.content[0][1]] == "The envoy spoke"


@pytest.mark.parametrize(("text", "n"), [("we are ready", 3), ("Tae-song's plan", 2), ("", 0)])
def test_n_words(text, n):
    assert n_words(text) == n
