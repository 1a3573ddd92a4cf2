import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.analysis import (ARTICLE_COLUMNS, SENTENCE_COLUMNS, SKIPPED_COLUMNS, TABLES, VOICES,
                              analyze, analyze_article, count_words, load_matcher, read_analysis,
                              write_analysis)
from framing.errors import FramingError, ModelError

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_analysis():
    try:
        return analyze(SEEDS)
    except ModelError as exc:        # the attribution model is trained by another command
        pytest.skip(f"attribution model unavailable: {exc}")


def test_tables_have_documented_columns(seed_analysis):
    assert list(seed_analysis.articles.columns) == ARTICLE_COLUMNS
    assert list(seed_analysis.sentences.columns) == SENTENCE_COLUMNS
    assert list(seed_analysis.skipped.columns) == SKIPPED_COLUMNS
    from framing.attribution import ATTRIBUTION_COLUMNS
    from framing.scoring import HIT_COLUMNS
    assert list(seed_analysis.attributions.columns) == ATTRIBUTION_COLUMNS
    assert list(seed_analysis.hits.columns) == HIT_COLUMNS


def test_seed_sentences(seed_analysis):
    s = seed_analysis.sentences
    assert sorted(seed_analysis.articles["outlet"]) == ["Press TV", "Yonhap"]
    assert set(s["voice"]) <= set(VOICES)
    assert s["compound"].between(-1, 1).all()
    for a in seed_analysis.articles.itertuples():
        assert (s["article_id"] == a.article_id).sum() == a.n_sentences
    # Press TV's "North Korea maintains that its weapons tests are a defensive measure"
    press = s[(s["outlet"] == "Press TV") & s["text"].str.startswith("North Korea maintains")]
    assert press.iloc[0]["voice"] != "asserted"
    assert "defensive_justification" in press.iloc[0]["frames"]
    assert "north_korea" in press.iloc[0]["actors"]


def test_parallel_run_gives_identical_tables(seed_analysis):
    parallel = analyze(SEEDS, jobs=2)
    for name in TABLES:
        pd.testing.assert_frame_equal(parallel.table(name), seed_analysis.table(name))


def test_analyze_article_is_pure(seed_corpus):
    matcher = load_matcher()
    article = seed_corpus.articles[0]
    try:
        first = analyze_article(article, matcher=matcher)
    except ModelError as exc:
        pytest.skip(f"attribution model unavailable: {exc}")
    assert analyze_article(article, matcher=matcher) == first
    assert set(first) == {"articles", "sentences", "attributions", "hits"}


def test_write_and_read_back(tmp_path, seed_analysis):
    out = tmp_path / "analysis"
    written = write_analysis(seed_analysis, out)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in written)
    assert {f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")} <= set(names)
    again = read_analysis(out)
    pd.testing.assert_frame_equal(again.sentences, seed_analysis.sentences)
    # a second run into the same folder replaces the results, leaving no temporary files
    write_analysis(seed_analysis, out)
    assert sorted(p.name for p in out.iterdir()) == names


def _cell(value) -> str:
    """A table or CSV cell as comparable text: missing and empty alike, booleans lower-case,
    numbers by value, lists as JSON."""
    if isinstance(value, (list, tuple)):
        return json.dumps(value)
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value))
    return str(value)


@pytest.mark.parametrize("name", ["sentences", "attributions", "hits", "articles"])
def test_csv_reads_back_to_the_table(tmp_path, seed_analysis, name):
    # Same values as the DataFrame: sentences with commas and quotation marks, booleans,
    # empty strings, missing values, JSON-encoded content spans.
    write_analysis(seed_analysis, tmp_path)
    expected = seed_analysis.table(name)
    csv = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns) == list(expected.columns)
    assert len(csv) == len(expected) > 0
    for column in expected.columns:
        numeric = pd.api.types.is_numeric_dtype(expected[column]) and \
            not pd.api.types.is_bool_dtype(expected[column])
        got = [_cell(float(v)) if numeric and v else _cell(v) for v in csv[column]]
        assert got == [_cell(v) for v in expected[column]], column


def test_csv_quotes_text_with_commas_and_quotation_marks(tmp_path):
    text = 'Officials said "we are ready, and waiting," on Monday.\nA plain, second line.'
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "q1", "outlet": "Demo", "text": text}) + "\n",
                      encoding="utf-8")
    analysis = analyze(corpus)
    write_analysis(analysis, tmp_path / "out")
    raw = (tmp_path / "out" / "sentences.csv").read_text(encoding="utf-8")
    assert '"Officials said ""we are ready, and waiting,"" on Monday."' in raw
    back = pd.read_csv(tmp_path / "out" / "sentences.csv")
    assert back["text"].tolist() == analysis.sentences["text"].tolist()


def test_skipped_inputs_are_recorded(tmp_path, seed_analysis):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    result = analyze(corpus)
    assert len(result.articles) == 2
    assert result.skipped["path"].str.endswith("broken.txt").any()
    assert result.skipped["reason"].str.len().gt(0).all()



def test_a_loaded_corpus_is_analysed_like_its_paths(tmp_path, seed_analysis):
    from framing.ingest import load_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    loaded = load_corpus(corpus)
    from_corpus = analyze(loaded)
    pd.testing.assert_frame_equal(from_corpus.sentences, seed_analysis.sentences)
    assert from_corpus.skipped["path"].str.endswith("broken.txt").tolist() == [True]
    one = analyze(loaded.articles[:1])
    assert one.articles["article_id"].tolist() == [loaded.articles[0].id]


def test_analyze_refuses_a_mix_of_articles_and_paths(seed_corpus):
    with pytest.raises(FramingError, match="a Corpus or Article objects"):
        analyze([seed_corpus.articles[0], SEEDS])

def test_read_analysis_of_a_wrong_folder(tmp_path):
    with pytest.raises(FramingError, match="not an analysis folder"):
        read_analysis(tmp_path)


@pytest.mark.parametrize(("jobs", "expected"), [
    (1, 1), ("3", 3), ("auto", None),
    (0, "--jobs must be at least 1"), ("-2", "--jobs must be at least 1"),
    ("many", "--jobs must be a positive number or 'auto'"), (None, "positive number"),
])
def test_resolve_jobs(jobs, expected):
    from framing.analysis import resolve_jobs

    if isinstance(expected, str):
        with pytest.raises(FramingError, match=expected):
            resolve_jobs(jobs)
    else:
        assert resolve_jobs(jobs) == expected


def test_jobs_must_be_positive():
    with pytest.raises(FramingError, match="--jobs must be at least 1"):
        analyze(SEEDS, jobs=0)


@pytest.mark.parametrize(("cores", "n_articles", "expected"), [
    (4, 3, 1),          # fewer articles than the threshold: the calling process alone
    (4, 5, 4),          # enough articles: one process per core
    (1, 50, 1),         # one core: never a pool
    (64, 5, 8),         # at most MAX_AUTO_JOBS
])
def test_auto_jobs_by_cores_and_corpus_size(monkeypatch, cores, n_articles, expected):
    import framing.analysis as an

    monkeypatch.setattr(an, "usable_cores", lambda: cores)
    monkeypatch.setattr(an, "AUTO_MIN_ARTICLES", 4)
    items = [f"article {i}" for i in range(n_articles)]
    jobs, stream = an._auto_jobs(iter(items))
    assert jobs == expected
    assert list(stream) == items                # nothing lost by peeking


@pytest.mark.parametrize(("text", "n"), [
    ("North Korea's self-defence, 2 tests.", 5),
    ("", 0),
    ("U.S.-led drills", 4),
    ("— “ ” …", 0),                       # punctuation is not a word
])
def test_count_words(text, n):
    assert count_words(text) == n


def test_cli_analyze_writes_tables(tmp_path, seed_analysis, capsys):
    from framing.cli import main

    assert main(["analyze", str(SEEDS), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "sentences.parquet").is_file()
    assert "2 article(s)" in capsys.readouterr().err


USER_FRAMES = """\
name: radar_frames
version: 0.3.1
description: an invented frame lexicon for tests
references: ["invented"]
categories:
  - id: radar_talk
    label: Radar talk
    description: mentions of radar
    entries: [radar]
"""


@pytest.fixture
def user_frames(tmp_path):
    path = tmp_path / "radar_frames.yaml"
    path.write_text(USER_FRAMES, encoding="utf-8")
    return path


@pytest.fixture
def invented_analysis(invented_jsonl, user_frames):
    try:
        return analyze(invented_jsonl, lexicons=[user_frames, "actors"], frames=user_frames)
    except ModelError as exc:
        pytest.skip(f"attribution model unavailable: {exc}")


def test_user_frame_lexicon_fills_the_frames_column(invented_analysis, user_frames):
    import hashlib

    s = invented_analysis.sentences
    assert "radar_talk" in set(s["frames"])
    assert not s["frames"].str.contains("threat_provocation").any()   # not conflict_frames
    frames = invented_analysis.provenance["frames"]
    assert frames["name"] == "radar_frames" and frames["version"] == "0.3.1"
    assert frames["sha256"] == hashlib.sha256(user_frames.read_bytes()).hexdigest()
    names = [x["name"] for x in invented_analysis.provenance["lexicons"]]
    assert names == ["radar_frames", "actors"]
    assert all(x["version"] and len(x["sha256"]) == 64
               for x in invented_analysis.provenance["lexicons"])


def test_default_provenance_records_builtin_versions(seed_analysis):
    prov = seed_analysis.provenance
    assert prov["frames"]["name"] == "conflict_frames"
    assert all(x["version"] == "1.0.0" and len(x["sha256"]) == 64 for x in prov["lexicons"])


def test_comparison_and_report_use_the_user_frames(invented_analysis):
    from framing.compare import compare
    from framing.report import build_report, render_html

    c = compare(invented_analysis, n_boot=0, events=False)
    assert c.frame_lexicon == "radar_frames"
    assert set(c.frames["category"]) == {"radar_talk"}
    assert c.frame_labels == {"radar_talk": "Radar talk"}
    html = render_html(build_report(analysis=invented_analysis, comparison=c))
    assert "Radar talk" in html and "radar_frames lexicon" in html


def test_compare_rejects_a_frame_lexicon_the_analysis_did_not_match(seed_analysis,
                                                                   user_frames):
    from framing.compare import compare

    with pytest.raises(FramingError, match="did not match the frame lexicon 'radar_frames'"):
        compare(seed_analysis, frames=user_frames, n_boot=0)


@pytest.mark.parametrize("command", ["analyze", "compare", "report"])
def test_cli_frames_option(tmp_path, invented_jsonl, user_frames, command, capsys):
    from framing.cli import main

    out = str(tmp_path / "out")
    args = {"analyze": ["--out", out], "compare": ["--format", "json"],
            "report": ["--out", out, "--format", "html"]}[command]
    try:
        code = main([command, str(invented_jsonl), "--frames", str(user_frames), *args])
    except ModelError as exc:
        pytest.skip(f"attribution model unavailable: {exc}")
    assert code == 0
    if command == "analyze":
        import json
        prov = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
        assert prov["frames"]["name"] == "radar_frames"
    elif command == "compare":
        import json
        doc = json.loads(capsys.readouterr().out)
        assert set(doc["groups"][0]["frames"]) == {"radar_talk"}
    else:
        assert "Radar talk" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_cli_frames_unknown_name(capsys):
    from framing.cli import main

    assert main(["analyze", str(SEEDS), "--out", "/tmp/unused", "--frames", "nope"]) == 1
    assert "no built-in lexicon named 'nope'" in capsys.readouterr().err


def test_jobs_spread_articles_over_warm_workers_in_order(monkeypatch):
    """--jobs 2: every article is analysed in a worker (never the parent), by more than one
    worker, in chunks, warmed once before the fork; results come back in input order."""
    import os
    import time

    import multiprocessing

    import framing.analysis as an
    from framing.ingest import article_from_record

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the fake analyser reaches the workers only when they are forked")
    parent = os.getpid()
    calls = []

    def fake(article, *, matcher, frames="conflict_frames"):
        if article.id == "warm-up":
            calls.append(os.getpid())          # the warm-up runs once, in the parent
            return {}
        time.sleep(0.02)                         # long enough for both workers to take chunks
        return {"articles": [(article.id, os.getpid())]}

    monkeypatch.setattr(an, "analyze_article", fake)
    articles = [article_from_record({"id": f"x{i:02d}", "outlet": "X", "text": "A test."})
                for i in range(40)]
    lexset = an.resolve_lexicon_set(["hedges"], "conflict_frames")
    results = list(an._map_articles(iter(articles), lexset, 2, []))
    ids = [r["articles"][0][0] for r in results]
    pids = {r["articles"][0][1] for r in results}
    assert ids == [a.id for a in articles]                  # input order
    assert parent not in pids and len(pids) == 2            # two workers did the work
    assert calls == [parent]                                # warmed once, before forking
