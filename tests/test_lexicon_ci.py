"""Lexicon CI: validate, run examples, snapshot and diff (library and CLI)."""
from __future__ import annotations

import json
import textwrap

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:.*no known outlet:UserWarning")

from framing.cli import main
from framing.errors import LexiconError
from framing.lexicon_ci import (
    DIFF_COLUMNS, DIFF_SENTENCE_COLUMNS, EXAMPLE_COLUMNS, ISSUE_COLUMNS, diff_sentences,
    diff_snapshots, drift_exceeded, parse_max_change, read_snapshot, run_lexicon_examples,
    snapshot, validate_lexicons, write_snapshot,
)

FRAMES = """\
name: mini
version: 1.0.0
description: a tiny lexicon
references: ["Entman (1993)"]
categories:
  - id: justify
    label: Justify
    description: defensive justification
    entries: [defensive measure, {term: deterrent, forms: [deterrents]}]
    exclude: [Defense Ministry]
    examples:
      match: ["It is a defensive measure."]
      no_match: ["The Defense Ministry said so."]
  - id: blame
    label: Blame
    description: external blame
    entries: [hostile policy]
    examples:
      match: ["They reject the hostile policy."]
      no_match: ["Nothing to see."]
"""


@pytest.fixture
def mini(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(FRAMES, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Talks stalled again.\nIt was called a defensive measure.\n"
                                  "Critics cited a hostile policy.\n", encoding="utf-8")
    (folder / "b.txt").write_text("The new deterrent was shown.\nNothing else happened.\n",
                                  encoding="utf-8")
    return folder


def test_shipped_lexicons_validate_and_pass_their_examples():
    assert validate_lexicons().query("severity == 'error'").empty
    results = run_lexicon_examples()
    assert list(results.columns) == EXAMPLE_COLUMNS
    assert len(results) > 50
    failed = results[~results["passed"]]
    assert failed.empty, failed[["category", "sentence", "reason"]].to_string()


def test_validate_reports_issue_rows(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(FRAMES.replace("entries: [hostile policy]", "entries: ['(a+)+']"))
    issues = validate_lexicons([path])
    assert list(issues.columns) == ISSUE_COLUMNS
    rows = issues[["line", "severity", "code"]].values.tolist()
    assert rows == [[14, "error", "empty-category"], [17, "error", "unsafe-pattern"]]


@pytest.mark.parametrize(("edit", "expect", "reason"), [
    (("It is a defensive measure.", "It is a defensive posture."), "match",
     "no entry of 'justify' matched"),
    (("The Defense Ministry said so.", "A deterrent, the ministry said."), "no_match",
     "entry 'deterrent' matched 'deterrent'"),
    (("It is a defensive measure.", "The Defense Ministry called it a defensive measure."),
     "match", None),
])
def test_examples_explain_failures(tmp_path, edit, expect, reason):
    path = tmp_path / "edited.yaml"
    path.write_text(FRAMES.replace(*edit))
    results = run_lexicon_examples([path])
    failed = results[~results["passed"]]
    if reason is None:
        assert failed.empty
        return
    assert failed["expect"].tolist() == [expect]
    assert reason in failed["reason"].iloc[0]


def test_vetoed_example_says_which_exclusion(tmp_path):
    text = FRAMES.replace("[Defense Ministry]", "[a defensive measure]")
    path = tmp_path / "veto.yaml"
    path.write_text(text)
    failed = run_lexicon_examples([path]).query("not passed")
    assert "vetoed by exclusion 'a defensive measure'" in failed["reason"].iloc[0]


def test_examples_refuse_invalid_files(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(FRAMES.replace("label: Blame", "label: Blame\n    label: Again"))
    with pytest.raises(LexiconError, match=r"bad\.yaml:16: .*duplicate key 'label'"):
        run_lexicon_examples([path])


def test_snapshot_roundtrip_and_diff(tmp_path, mini, corpus):
    old = snapshot(corpus, [mini])
    assert sorted(old["category"]) == ["blame", "justify", "justify"]
    path = write_snapshot(old, tmp_path / "base.json")
    first = path.read_bytes()
    write_snapshot(old, path)
    assert path.read_bytes() == first                  # reproducible bytes
    again = read_snapshot(path)
    assert diff_snapshots(again, old)["change"].eq(0).all()

    edited = tmp_path / "edited.yaml"
    edited.write_text(FRAMES.replace("entries: [hostile policy]",
                                     "entries: [hostile policy, talks]"))
    new = snapshot(corpus, [edited])
    summary = diff_snapshots(old, new)
    assert list(summary.columns) == DIFF_COLUMNS
    blame = summary.set_index("category").loc["blame"]
    assert (blame["n_old"], blame["n_new"], blame["n_gained"], blame["rel_change"]) == \
        (1, 2, 1, 1.0)
    sentences = diff_sentences(old, new)
    assert list(sentences.columns) == DIFF_SENTENCE_COLUMNS
    assert sentences[["status", "entries", "sentence"]].values.tolist() == [
        ["gained", "talks", "Talks stalled again."]]
    assert drift_exceeded(summary, 0.5)["category"].tolist() == ["blame"]
    assert drift_exceeded(summary, 1.0).empty


@pytest.mark.parametrize(("text", "value"), [("0.1", 0.1), ("10%", 0.1), ("0", 0.0)])
def test_parse_max_change(text, value):
    assert parse_max_change(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["ten", "-1", "%"])
def test_parse_max_change_rejects(text):
    with pytest.raises(LexiconError, match="--max-change"):
        parse_max_change(text)


# ----------------------------------------------------------------------------- CLI

def test_cli_validate_shipped(capsys):
    assert main(["lexicon", "validate"]) == 0
    assert " 0 error(s)" in capsys.readouterr().out


def test_cli_validate_bad_file(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(FRAMES).replace("entries: [hostile policy]",
                                                    "entries: [de*ter]"))
    assert main(["lexicon", "validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:17: error: bad wildcard 'de*ter'" in captured.err
    assert "2 error(s)" in captured.out        # the bad wildcard, so an empty category


def test_cli_validate_strict_fails_on_warnings(tmp_path, capsys):
    path = tmp_path / "warn.yaml"
    path.write_text(FRAMES.replace("[hostile policy]", "[hostile policy, hostile-policy]"))
    assert main(["lexicon", "validate", str(path)]) == 0
    assert main(["lexicon", "validate", "--strict", str(path)]) == 1
    assert "duplicate-entry" in capsys.readouterr().err


def test_cli_test(tmp_path, mini, capsys):
    assert main(["lexicon", "test", str(mini)]) == 0
    assert capsys.readouterr().out.strip().endswith("4 passed, 0 failed")
    broken = tmp_path / "broken.yaml"
    broken.write_text(FRAMES.replace("Nothing to see.", "A hostile policy again."))
    assert main(["lexicon", "test", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "FAIL mini.blame [no_match]: A hostile policy again." in out
    assert "why: entry 'hostile policy' matched 'hostile policy'" in out
    assert out.strip().endswith("3 passed, 1 failed")


def test_cli_snapshot_and_diff(tmp_path, mini, corpus, capsys):
    base = tmp_path / "base.json"
    assert main(["lexicon", "snapshot", "--corpus", str(corpus), "--lexicon", str(mini),
                 "--out", str(base)]) == 0
    assert json.loads(base.read_text())["format"].startswith("framing-lexicon-snapshot")
    assert main(["lexicon", "diff", "--baseline", str(base), "--corpus", str(corpus),
                 "--max-change", "0"]) == 0
    edited = tmp_path / "edited.yaml"
    edited.write_text(FRAMES.replace("entries: [hostile policy]",
                                     "entries: [hostile policy, talks]"))
    capsys.readouterr()
    assert main(["lexicon", "diff", str(mini), str(edited), "--corpus", str(corpus),
                 "--max-change", "10%"]) == 1
    captured = capsys.readouterr()
    assert "+ mini.blame" in captured.out and "Talks stalled again." in captured.out
    assert "drift: mini.blame changed by +1" in captured.err
    assert main(["lexicon", "diff", str(mini), "--corpus", str(corpus)]) == 1   # needs 2


def test_cli_import_liwc(tmp_path, capsys):
    dic = tmp_path / "demo.dic"
    dic.write_text("%\n1\tthreat words\n2\tpeace\n%\nthreat*\t1\nmenace\t1\ntalks\t2 1\n")
    out = tmp_path / "demo.yaml"
    assert main(["lexicon", "import", str(dic), "--out", str(out)]) == 0
    assert main(["lexicon", "validate", str(out)]) == 0      # warnings only (no examples)
    assert "entry-in-two-categories" in capsys.readouterr().err


def test_import_quanteda(tmp_path):
    from framing.lexicon import parse_lexicon
    from framing.lexicon_import import import_lexicon

    path = tmp_path / "dict.yml"
    path.write_text("economy:\n  - tax*\n  - jobs\nsecurity:\n  military: [army, navy]\n")
    lexicon, issues = parse_lexicon(import_lexicon(path), source="x")
    assert not [i for i in issues if i.severity == "error"]
    assert lexicon.category_ids == ("economy", "security_military")
    assert lexicon.terms["economy"] == {"tax*", "jobs"}
