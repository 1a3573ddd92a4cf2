"""Keyword in context, with voice when attribution detection is available."""
from __future__ import annotations

import pytest

from framing.cli import main
from framing.errors import LexiconError
from framing.kwic import KWIC_COLUMNS, kwic


def test_kwic_category_on_seeds():
    lines = kwic("defensive_justification", "seeds", width=20)     # paths are read too
    assert list(lines.columns) == KWIC_COLUMNS
    assert "defensive measure" in set(lines["match"])
    assert "to defend itself" in set(lines["match"])
    assert set(lines["category"]) == {"defensive_justification"}
    assert lines["left"].str.len().max() <= 20
    if lines.attrs["note"]:                       # no attribution detection: all asserted
        assert set(lines["voice"]) == {"asserted"}
    else:                                         # the Press TV hit is North Korea's claim
        row = lines[lines["match"] == "defensive measure"].iloc[0]
        assert row["voice"] != "asserted" and "North Korea" in row["source"]
        assert row["cue_category"] == "distancing"


@pytest.mark.parametrize(("query", "expected"), [
    ("deter*", {"deterrent", "deter"}),
    ("conflict_frames:external_blame", {"US-led military drills", "fueling tensions",
                                        "massive presence of US forces", "joint war games"}),
    ("war deterrent", {"war deterrent"}),
])
def test_kwic_queries(query, expected, seed_corpus):
    assert set(kwic(query, seed_corpus.articles)["match"]) == expected


@pytest.mark.parametrize(("query", "message"), [
    ("(a+)+", "regular expression"),
    ("conflict_frames:nope", "no category 'nope' in lexicon 'conflict_frames'"),
    ("hedge", "in several lexicons; pick one: cues:hedge, hedges:hedge"),
])
def test_kwic_rejects(query, message, seed_corpus):
    with pytest.raises(LexiconError, match=message):
        kwic(query, seed_corpus.articles)


def test_kwic_cli(capsys):
    assert main(["kwic", "defensive measure", "seeds", "--width", "15"]) == 0
    captured = capsys.readouterr()
    assert "[defensive measure]" in captured.out
    assert "1 line(s)" in captured.err
