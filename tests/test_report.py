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


_FIGURE = re.compile(r'(<figure id="fig-(?P<id>[\w-]+)">)\s*<svg\b.*?</svg>\s*'
                     r'(<figcaption>(?P<title>.*?)</figcaption>)', re.DOTALL)


def without_svg(html: str) -> str:
    """The report with each inline SVG figure replaced by a stable placeholder (its id and
    title): the golden file then checks our markup and numbers, not matplotlib's SVG output,
    which changes with its version. The figures themselves are tested on their Axes."""
    return _FIGURE.sub(lambda m: f"{m.group(1)}\n[figure {m.group('id')}: {m.group('title')}]\n"
                                 f"{m.group(3)}", html)


def test_html_golden(html, golden):
    golden(without_svg(html), "invented_report.html")


def test_golden_is_independent_of_the_svg(html):
    n_figures = html.count("<figure ")
    changed = re.sub(r"<svg\b.*?</svg>", lambda m: m.group(0).replace("<g ", "<g data-x=\"1\" "),
                     html, flags=re.DOTALL)
    assert changed != html
    assert without_svg(changed) == without_svg(html)
    assert without_svg(html).count("<svg") == 0 and n_figures >= 5
    assert "[figure voice_mix: Voice mix per group" in without_svg(html)


def test_sentence_backgrounds_tint_the_voice_colours(html):
    from framing.figures import VOICE_COLORS
    from framing.report import _tint

    for voice, color in VOICE_COLORS.items():
        if voice != "asserted":
            assert f".v-{voice} {{ background: {_tint(color)}; }}" in html


def test_html_is_self_contained(html):
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert not re.search(r'(src|href)="(?!#)', html)          # only in-page links
    assert html.count("<svg") >= 5                            # figures inline as SVG


def test_html_opens_with_findings_and_evidence_links(html):
    first = html.index('id="findings"')
    assert first < html.index('id="voice"')
    assert ("Harbor Daily writes 75% of its headline and body sentences in its own voice "
            "(18 of 24)") in html
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
    assert ("Harbor Daily writes 75% of its headline and body sentences in its own voice "
            "(18 of 24)") in text
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


def test_overview_counts_what_the_tables_compare(report):
    overview = dict(report.overview)
    assert overview["headline and body sentences"] == "48"      # 4 x 12 invented articles
    assert overview["attributions of speech"] == "30"


def test_figures_without_intervals_say_so():
    one = _report(1)
    captions = {s.figure: s.figure_caption for s in one.sections if s.figure}
    for name in ("voice_mix", "frames", "sentiment"):
        assert "No interval for any group: a single article" in captions[name]
    assert all("No interval" not in s.figure_caption for s in _report().sections)


def test_seed_voice_finding_matches_the_sentences(seed_pdf_text):
    from framing.analysis import analyze

    s = analyze(SEEDS).sentences
    s = s[s["kind"].isin(["headline", "body"])]
    for outlet in ("Press TV", "Yonhap"):
        mine = s[s["outlet"] == outlet]
        own = int((mine["voice"] == "asserted").sum())
        assert f"({own} of {len(mine)})" in seed_pdf_text
