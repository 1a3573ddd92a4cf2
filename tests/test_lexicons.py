"""Lexicon files: parsing with line numbers, schema rules, built-ins."""
from __future__ import annotations

import textwrap

import pytest

from framing.errors import LexiconError
from framing.lexicon import (
    builtin_lexicons, check_term, collect_issues, load_lexicon, parse_lexicon,
)

HEADER = """\
name: demo
version: 1.0.0
description: a demo lexicon
language: en
references: ["Entman (1993)"]
categories:
"""


def lexicon_text(body: str) -> str:
    return HEADER + textwrap.dedent(body)


def codes(text: str, severity: str | None = None) -> list[tuple[int, str]]:
    _, issues = parse_lexicon(text, source="demo.yaml")
    return [(i.line, i.code) for i in issues if severity is None or i.severity == severity]


GOOD = """\
  - id: blame
    label: Blame
    description: outside blame
    entries:
      - hostile policy
      - {term: US-led drills, forms: [U.S.-led drills]}
    examples: {match: ["They oppose the hostile policy."], no_match: ["Nothing here."]}
"""


def test_builtins_are_listed_and_load():
    names = builtin_lexicons()
    assert {"conflict_frames", "actors", "hedges"} <= set(names)
    assert "outlets" not in names                    # outlet profiles are not lexicons
    frames = load_lexicon("conflict_frames")
    assert frames.category_ids[:1] == ("defensive_justification",)
    assert set(frames.category_ids) == {
        "defensive_justification", "threat_provocation", "peace_dialogue", "sanctions_pressure",
        "external_blame", "military_capability", "escalation_tension", "humanitarian"}
    assert frames.references and frames.version


def test_shipped_lexicons_have_no_errors_or_warnings():
    issues = collect_issues(None)
    assert [str(i) for i in issues] == []


def test_good_lexicon_parses_with_terms():
    lexicon, issues = parse_lexicon(lexicon_text(GOOD), source="demo.yaml")
    assert issues == []
    assert lexicon.terms["blame"] == {"hostile policy", "us-led drills", "u.s.-led drills"}


@pytest.mark.parametrize(("body", "expected"), [
    # duplicate YAML key: PyYAML would silently keep the last one
    ("  - id: a\n    label: A\n    label: B\n    entries: [x1]\n", (9, "duplicate-key")),
    # catastrophic-backtracking bait
    ("  - id: a\n    label: A\n    entries:\n      - \"(a+)+$\"\n", (10, "unsafe-pattern")),
    ("  - id: a\n    label: A\n    entries:\n      - de*ter\n", (10, "bad-wildcard")),
    ("  - id: a\n    label: A\n    entries:\n      - \"*ter\"\n", (10, "bad-wildcard")),
    ("  - id: a\n    label: A\n    entries:\n      - ab*\n", (10, "bad-wildcard")),
    ("  - id: a\n    label: A\n    entries: []\n", (7, "empty-category")),
    ("  - id: a\n    label: A\n    entries: [x1]\n  - id: a\n    entries: [x2]\n",
     (10, "duplicate-category")),
    ("  - id: Bad Id\n    entries: [x1]\n", (7, "schema")),
    ("  - id: a\n    entries: [{forms: [x]}]\n", (8, "schema")),
    ("  - id: a\n    entries: [{term: x, case_sensitive: maybe}]\n", (8, "schema")),
])
def test_errors_are_located(body, expected):
    assert expected in codes(lexicon_text(body), "error")


@pytest.mark.parametrize(("body", "expected"), [
    ("  - id: a\n    entries: [deterrent, Deterrent]\n", (8, "duplicate-entry")),
    ("  - id: a\n    entries: [self-defense, self defense]\n", (8, "duplicate-entry")),
    ("  - id: a\n    entries: [deter*, deterrent]\n", (8, "shadowed")),
    ("  - id: a\n    entries: [x1]\n  - id: b\n    entries: [x1]\n",
     (10, "entry-in-two-categories")),
    ("  - id: a\n    entries: [x1]\n    colour: red\n", (9, "unknown-key")),
    ("  - id: a\n    entries: [x1]\n", (7, "no-examples")),
    ("  - id: a\n    entries: [x1, \"...\"]\n", (8, "unmatchable")),
    ("  - id: a\n    entries: [national defense ministry]\n    exclude: [defense ministry]\n",
     (8, "always-vetoed")),
    ("  - id: a\n    entries: [{term: defense, exclude: [defense]}]\n", (8, "always-vetoed")),
])
def test_warnings_are_located(body, expected):
    assert expected in codes(lexicon_text(body), "warning")


@pytest.mark.parametrize("body", [
    "  - id: a\n    entries: [deter*, deterrence capability]\n",   # a phrase is not shadowed
    "  - id: a\n    entries: [{term: US, case_sensitive: true}, United States]\n",
])
def test_no_false_warnings(body):
    found = codes(lexicon_text(body))
    assert not [c for _, c in found if c in ("shadowed", "duplicate-entry")]


def test_yaml_syntax_error_has_a_line():
    assert codes("name: x\n  bad: [\n") == [(2, "yaml-syntax")]


def test_load_lexicon_raises_with_file_and_line(tmp_path):
    path = tmp_path / "frames.yaml"
    path.write_text(lexicon_text("  - id: a\n    label: A\n    entries: ['(a|aa)*b']\n"))
    with pytest.raises(LexiconError, match=r"frames\.yaml:9: .*regular expression"):
        load_lexicon(path)


def test_bad_lexicon_is_rejected_with_lines(tmp_path):
    # timing is measured by benchmarks/bench_lexicons.py (no timed assertions in tests)
    bait = "  - id: a\n    entries: ['(x+x+)+y', 'de*ter']\n    label: A\n    label: B\n"
    path = tmp_path / "bait.yaml"
    path.write_text(lexicon_text(bait * 50))
    issues = collect_issues([path])
    assert {"unsafe-pattern", "bad-wildcard", "duplicate-key"} <= {i.code for i in issues}
    assert str(issues[0]).startswith(f"{path}:")


@pytest.mark.parametrize(("name", "message"), [
    ("no_such_lexicon", "no built-in lexicon named 'no_such_lexicon'; available: "),
    ("missing/file.yaml", "missing/file.yaml: no such lexicon file"),
])
def test_load_lexicon_unknown(name, message):
    with pytest.raises(LexiconError, match=message):
        load_lexicon(name)


def test_outlet_profiles_are_not_lexicons(tmp_path):
    path = tmp_path / "outlets.yaml"
    path.write_text("kind: outlet_profiles\noutlets: []\n")
    with pytest.raises(LexiconError, match="outlet profile"):
        load_lexicon(path)


@pytest.mark.parametrize(("term", "code"), [
    ("deter*", None), ("North Korea*", None), ("U.S.", None), ("anti-US", None),
    ("(a+)+", "unsafe-pattern"), ("a|b", "unsafe-pattern"), ("foo.*", "unsafe-pattern"),
    ("x{2,}", "unsafe-pattern"), ("de*ter", "bad-wildcard"), ("deter**", "bad-wildcard"),
    ("no*", "bad-wildcard"), ("", "schema"), (":", "unmatchable"),
])
def test_check_term(term, code):
    problem = check_term(term)
    assert (problem[0] if problem else None) == code


def test_api_is_reexported_from_the_data_package():
    from framing.lexicons import builtin_lexicons as names
    from framing.lexicons import load_lexicon as load

    assert load is load_lexicon and names is builtin_lexicons
