from __future__ import annotations

import json
import re
import warnings

import pytest

from framing.errors import ArticleError
from framing.ingest import ARTICLE_COLUMNS, decode_bytes, load_corpus, normalize_date, seed_paths
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _load(paths, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(paths, **kwargs)


# --- the seeds ----------------------------------------------------------------------------

def test_seeds_are_two_articles_with_outlets_titles_and_dates(seed_corpus):
    articles = {a.outlet: a for a in seed_corpus.articles}
    assert sorted(articles) == ["Press TV", "Yonhap"]
    assert articles["Yonhap"].title.startswith("N.K. envoy says strengthening")
    assert articles["Press TV"].title == "North Korean leader convenes military meeting amid tensions"
    assert articles["Yonhap"].date == "2021-01-29" and articles["Press TV"].date == "2022-06-22"
    assert seed_corpus.skipped == []


@pytest.mark.parametrize(("outlet", "chrome"), [
    ("Yonhap", "(END)"),
    ("Yonhap", "Family of 5 found dead"),          # related headline after (END)
    ("Yonhap", "scaaet@yna.co.kr"),
    ("Press TV", "SHARE THIS ARTICLE"),
    ("Press TV", "alternate addresses"),
    ("Press TV", "www.presstv.ir"),
    ("Press TV", "Roku"),
    ("Press TV", "News \xa0 / \xa0 Koreas"),
])
def test_seed_page_chrome_is_removed(seed_corpus, outlet, chrome):
    article = next(a for a in seed_corpus.articles if a.outlet == outlet)
    assert chrome not in article.text
    assert chrome in article.raw_text


@pytest.mark.parametrize(("outlet", "kind", "text_start"), [
    ("Yonhap", "headline", "N.K. envoy says"),
    ("Yonhap", "dateline", "SEOUL, Jan. 29 (Yonhap) --"),
    ("Yonhap", "caption", "A new type of submarine-launched ballistic missile"),
    ("Press TV", "headline", "North Korean leader convenes"),
    ("Press TV", "caption", "This photo shows North Korean leader"),
])
def test_seed_zones_mark_headline_dateline_and_captions(seed_corpus, outlet, kind, text_start):
    article = next(a for a in seed_corpus.articles if a.outlet == outlet)
    zones = [article.text[z.start:z.end] for z in article.zones if z.kind == kind]
    assert any(z.startswith(text_start) for z in zones)


def test_offsets_map_cleaned_spans_back_to_the_raw_file(seed_corpus):
    article = next(a for a in seed_corpus.articles if a.outlet == "Press TV")
    start = article.text.index("North Korea maintains")
    end = start + len("North Korea maintains")
    raw_start, raw_end = article.offsets.span_to_raw(start, end)
    assert article.raw_text[raw_start:raw_end] == "North Korea maintains"
    raw_file = (SEEDS / "004_567f5a0673d210bc.txt").read_text(encoding="utf-8")
    assert raw_file[raw_start:raw_end] == "North Korea maintains"


def test_seed_paths_is_a_folder_with_the_seeds():
    folder = seed_paths()
    assert sorted(p.name for p in folder.glob("*.txt")) == sorted(p.name for p in SEEDS.glob("*.txt"))


# --- formats ------------------------------------------------------------------------------

def test_jsonl_rows_become_articles_with_their_fields(invented_jsonl):
    corpus = _load(invented_jsonl)
    assert [a.id for a in corpus.articles] == ["harbor-1", "summit-1"]
    first = corpus.articles[0]
    assert (first.outlet, first.title, first.date, first.event) == \
        ("Harbor Daily", "Ministry tests new radar", "2024-03-01", "radar-test")
    assert first.path == f"{invented_jsonl}:1"


def test_csv_rows_become_articles(tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_text('id,outlet,title,date,url,text\n'
                    'a1,Yonhap,T,2024-01-02,https://en.yna.co.kr/x,"Seoul said ""no"".\nSecond line."\n'
                    'a2,,T2,,,"Plain text."\n', encoding="utf-8")
    corpus = _load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert corpus.articles[0].text.startswith('Seoul said "no".')
    assert corpus.articles[1].outlet == "unknown"
    assert corpus.articles[1].path == f"{path}:4"   # line numbers count the embedded newline


def test_html_is_extracted_with_title_and_metadata(tmp_path):
    path = tmp_path / "page.html"
    paragraphs = "".join(f"<p>Paragraph {i} says the talks in Geneva will resume soon, "
                         f"officials said on Friday in a statement.</p>" for i in range(6))
    path.write_text(
        "<html><head><title>Talks to resume | Yonhap</title>"
        '<meta property="og:url" content="https://en.yna.co.kr/view/1">'
        '<meta name="date" content="2024-05-01"></head><body>'
        "<nav>Go to Contents Menu Home World</nav>"
        f"<article><h1>Talks to resume</h1>{paragraphs}</article>"
        "<footer>Copyright Yonhap. All rights reserved.</footer></body></html>",
        encoding="utf-8")
    article = _load(path).articles[0]
    assert article.title.startswith("Talks to resume")
    assert article.outlet == "Yonhap"
    assert "Paragraph 3 says the talks" in article.text
    assert "Menu Home" not in article.text and "<p>" not in article.text


def test_folders_are_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed article body here.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha article body here.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    corpus = _load(tmp_path)
    assert [a.path.rsplit("/", 2)[-2:] for a in corpus.articles] == \
        [[tmp_path.name, "a.txt"], ["b", "z.txt"]]
    assert corpus.skipped == []


def test_globs_expand_sorted(tmp_path):
    for name in ("2.txt", "1.txt", "x.csv"):
        (tmp_path / name).write_text("text,\nA body.,\n" if name.endswith("csv")
                                     else f"Article {name} body.", encoding="utf-8")
    corpus = _load(str(tmp_path / "*.txt"))
    assert [a.path.rsplit("/", 1)[-1] for a in corpus.articles] == ["1.txt", "2.txt"]


def test_exact_duplicate_texts_are_skipped_naming_the_first(tmp_path):
    (tmp_path / "a.txt").write_text("Same words here.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Same words here.\n", encoding="utf-8")
    corpus = _load(tmp_path)
    assert len(corpus.articles) == 1
    assert corpus.skipped[0].reason == f"same text as {tmp_path / 'a.txt'} (exact duplicate)"


def test_ids_are_derived_from_content_and_stable(tmp_path):
    (tmp_path / "a.txt").write_text("Same words here.", encoding="utf-8")
    first = _load(tmp_path / "a.txt").articles[0].id
    (tmp_path / "a.txt").write_text("Same   words\nhere.", encoding="utf-8")
    assert _load(tmp_path / "a.txt").articles[0].id == first
    assert len(first) == 16


# --- outlets ------------------------------------------------------------------------------

@pytest.mark.parametrize(("record", "expected"), [
    ({"outlet": "yonhap news agency"}, "Yonhap"),               # alias, any case
    ({"outlet": "Harbor Daily"}, "Harbor Daily"),               # unknown names kept
    ({"url": "https://www.presstv.ir/Detail/1"}, "Press TV"),  # domain
    ({"text": "SEOUL, June 1 (Yonhap) -- Text."}, "Yonhap"),    # detection pattern
    ({}, "unknown"),
])
def test_outlet_comes_from_field_alias_domain_or_text(tmp_path, record, expected):
    row = {"id": "x", "text": "Officials met on Monday."} | record
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert _load(path).articles[0].outlet == expected


def test_unknown_outlet_warns_once_and_outlet_option_sets_it(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Body number {i}.", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"3 article\(s\) have no known outlet"):
        load_corpus(tmp_path)
    corpus = load_corpus(tmp_path, outlet="My Outlet")
    assert {a.outlet for a in corpus.articles} == {"My Outlet"}


# --- bad input: a clear reason naming the file, nothing else lost --------------------------

@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", r"empty file"),
    ("blank.txt", b"  \n\t\n", r"only whitespace"),
    ("nul.txt", b"abc\x00def", r"binary file \(contains NUL bytes\)"),
    ("image.txt", bytes(range(1, 32)) * 20, r"binary file"),
    ("photo.png", b"\x89PNG\r\n", r"unsupported file type '.png'"),
])
def test_bad_files_are_skipped_with_a_reason_and_the_rest_is_read(tmp_path, name, content, reason):
    (tmp_path / "good.txt").write_text("A good article.", encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(content)
    corpus = _load([tmp_path / "good.txt", bad])
    assert [a.text.strip() for a in corpus.articles] == ["A good article."]
    assert len(corpus.skipped) == 1
    assert corpus.skipped[0].path == str(bad)
    assert re.search(reason, corpus.skipped[0].reason)


@pytest.mark.parametrize(("line", "reason"), [
    ('{"id": "b", "text": "broken', r"invalid JSON"),
    ('["a", "list"]', r"expected a JSON object, got list"),
    ('{"id": "c", "title": "no text"}', r"no 'text' field"),
    ('{"id": "d", "text": "   "}', r"'text' is empty"),
    ('{"id": "e", "text": "He said \\ud800 it was fine."}',
     r"'text' holds a lone surrogate \(U\+D800 at character 8\)"),
    ('{"id": "f", "title": "Bad \\udc00", "text": "A fine text."}',
     r"'title' holds a lone surrogate"),
    ('{"id": "e", "text": "ok", "date": "yesterday"}', r"date 'yesterday' is not a date"),
])
def test_bad_jsonl_rows_are_skipped_with_file_and_line(tmp_path, line, reason):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "First."}\n' + line + '\n{"id": "z", "text": "Last."}\n',
                    encoding="utf-8")
    corpus = _load(path)
    assert [a.id for a in corpus.articles] == ["a", "z"]
    [skipped] = corpus.skipped
    assert skipped.path == f"{path}:2"
    assert re.search(reason, skipped.reason)


def test_csv_without_text_column_is_skipped_naming_the_header(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    [skipped] = _load(path).skipped
    assert skipped.path == f"{path}:1"
    assert skipped.reason == "a CSV corpus needs a 'text' column; found id, body"


def test_duplicate_ids_are_skipped_after_the_first(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n', encoding="utf-8")
    corpus = _load(path)
    assert [a.text.strip() for a in corpus.articles] == ["One."]
    assert "duplicate article id 'a'" in corpus.skipped[0].reason


def test_missing_paths_are_skipped_and_no_input_at_all_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text("Body.", encoding="utf-8")
    corpus = _load([tmp_path / "a.txt", tmp_path / "missing.txt"])
    assert [a.text.strip() for a in corpus.articles] == ["Body."]
    assert corpus.skipped[0].reason == "no such file or directory"
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArticleError, match=r"no input files found in .*empty; supported: \.txt"):
        load_corpus(tmp_path / "empty")


def test_strict_mode_turns_a_skip_into_an_error_naming_the_file(tmp_path):
    (tmp_path / "a.txt").write_text("Body.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    with pytest.raises(ArticleError, match=r"b\.txt: empty file \(strict mode\)"):
        _load(tmp_path, strict=True)


# --- encodings ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "encoding"), [
    ("북한은 미사일 발사가 자위적 조치라고 주장했다. 한국 정부는 이를 도발로 규정했다.", "cp949"),
    ("Le ministère a déclaré que l'essai était « défensif » et légitime.", "cp1252"),
    ("Café in Zürich — “quoted” text with curly quotes.", "utf-8"),
])
def test_legacy_encodings_are_detected(tmp_path, text, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    article = _load(path, outlet="X").articles[0]
    assert article.text.strip() == text


def test_utf8_bom_and_utf16_are_read():
    assert decode_bytes("\ufeffHello".encode("utf-8"), "x")[0] == "Hello"
    assert decode_bytes("Hello there".encode("utf-16"), "x")[0] == "Hello there"


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-01", "2024-03-01"), ("2024/03/01", "2024-03-01"),
    ("March 1, 2024", "2024-03-01"), ("2024-03-01T12:00:00Z", "2024-03-01"), ("", ""),
])
def test_dates_are_normalised_to_iso(value, expected):
    assert normalize_date(value, "x") == expected


def test_corpus_table_lists_articles_then_skipped(tmp_path):
    (tmp_path / "a.txt").write_text("First sentence. Second sentence.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    table = _load(tmp_path, outlet="X").table()
    assert list(table.columns) == ARTICLE_COLUMNS
    assert table["n_sentences"].tolist()[0] == 2
    assert table["skipped"].isna().tolist() == [True, False]
    assert table["skipped"].iloc[1] == "empty file"
