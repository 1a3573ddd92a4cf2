import io
import re

import pytest

from _report_fixtures import make_analysis
from framing.compare import compare
from framing.errors import FramingError
from framing.report import (ReportData, build_report, default_inputs, render_html, render_pdf,
                            write_report)


def _report(n=6, script=False) -> ReportData:
    analysis = make_analysis(n, script=script)
    return build_report(analysis=analysis, comparison=compare(analysis, n_boot=100, n_perm=200),
                        title="Invented outlets")


@pytest.fixture(scope="module")
def report():
    return _report()


@pytest.fixture(scope="module")
def html(report):
    return render_html(report)


@pytest.fixture(scope="module")
def pdf(report):
    return render_pdf(report)


def test_html_golden(html, golden):
    golden(html, "invented_report.html")


def test_html_is_self_contained(html):
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert not re.search(r'(src|href)="(?!#)', html)          # only in-page links
    assert html.count("<svg") >= 5                            # figures inline as SVG


def test_html_opens_with_findings_and_evidence_links(html):
    first = html.index('id="findings"')
    assert first < html.index('id="voice"')
    assert "Harbor Daily writes 75% of its sentences in its own voice" in html
    assert "distancing cue &#39;maintain&#39;" in html
    for anchor in re.findall(r'<a href="#(a\d+-s\d+)"', html):
        assert f'id="{anchor}"' in html                         # every evidence link resolves


@pytest.fixture(scope="module")
def small_report():
    return _report(2, script=True)


@pytest.fixture(scope="module")
def small_html(small_report):
    return render_html(small_report)


def test_pdf_prints_markup_in_articles_as_text(small_report):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_pdf(small_report)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "<script>alert('x')</script> &" in text


def test_article_text_is_escaped(small_html):
    assert "<script>" not in small_html
    assert ("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;"
            in small_html)


def test_small_sample_warning_is_shown(small_html):
    assert "Caution:" in small_html and "anecdotes" in small_html


def test_same_inputs_same_bytes(report, html, pdf):
    again = _report()
    assert render_html(again) == html
    assert render_pdf(again) == pdf


def test_pdf_has_findings_and_page_numbers(pdf):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert "Harbor Daily writes 75% of its sentences in its own voice" in text
    assert "Pyongyang with the distancing cue 'maintain'" in text
    assert "page 1" in text and f"page {len(reader.pages)}" in text
    assert "Methods and provenance" in text


def test_pdf_figures_are_vector(pdf):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0                                         # drawn, not pasted as pixels


def test_write_report_atomic(tmp_path, report):
    written = write_report(report, tmp_path / "out")
    assert [p.name for p in written] == ["report.html", "report.pdf"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html",
                                                                   "report.pdf"]
    again = write_report(report, tmp_path / "out", formats=["html"])
    assert again[0].read_text(encoding="utf-8") == render_html(report)


@pytest.mark.parametrize("formats", [["docx"], ["html", "svg"]])
def test_write_report_rejects_unknown_format(tmp_path, report, formats):
    with pytest.raises(FramingError, match="unknown report format"):
        write_report(report, tmp_path, formats=formats)


def test_default_inputs_finds_seeds():
    paths = default_inputs()
    assert paths and paths[0].rstrip("/").endswith("seeds")


SEEDS = __import__("pathlib").Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_pdf_text():
    from pypdf import PdfReader

    from framing.errors import ModelError

    try:
        report = build_report([str(SEEDS)], n_boot=200)
    except ModelError as exc:
        pytest.skip(f"attribution model unavailable: {exc}")
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.mark.parametrize("statement", [
    # voice, frame and cue differences of the two seed articles, stated from the data
    "Press TV attributes the defensive justification frame to North Korea with the distancing "
    "cue 'maintains'",
    "Yonhap quotes Han Tae-song (North Korea's ambassador to Geneva) directly",
    "Distancing cues",
    "Every outlet has fewer than 5 articles",        # two articles are anecdote
])
def test_seed_report_states_the_differences(seed_pdf_text, statement):
    assert statement in seed_pdf_text


def test_cli_report_rejects_unknown_format(capsys):
    from framing.cli import main

    assert main(["report", str(SEEDS), "--format", "html,docx"]) == 1
    assert "unknown report format 'docx'" in capsys.readouterr().err
