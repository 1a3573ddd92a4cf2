"""Reports: compute first (``build_report``), render second (``render_html``, ``render_pdf``),
write last (``write_report``, the only writer of report files).

``build_report`` runs the analysis and comparison, draws the figures (SVG for HTML, PDF for the
PDF, both vector) and formats every number as text, so the renderers add no numbers. The HTML
is one self-contained file (inline CSS and SVG, no script, works offline), rendered by Jinja2
with autoescaping: article text can never become markup. The PDF is built with reportlab and
the matplotlib PDF figures are laid onto their pages with pypdf, so figures stay vector.
Same inputs give byte-identical files: no timestamps, sorted rows, fixed precision, SVG hash
salt, reportlab's invariant mode.
"""
from __future__ import annotations

import hashlib
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from framing._version import __version__
from framing.errors import FramingError
from framing.files import atomic_write, make_folder

DEFAULT_TITLE = "How outlets frame the news: voices, frames and cues"
FORMATS = ("html", "pdf")
# Figures show at most this many groups (those with most articles); tables list them all.
MAX_FIGURE_GROUPS = 10
MAX_DOT_GROUPS = 5
MAX_EVENTS = 25          # events shown side by side (those with most outlets)
MAX_FACTS = 40           # shared facts listed per event
MAX_PDF_ARTICLES = 150   # annotated article texts in the PDF (the HTML has all)
_RC = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False,
       "axes.spines.right": False, "svg.hashsalt": "framing", "svg.fonttype": "none",
       "axes.titlesize": 10, "legend.fontsize": 8}


# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class Table:
    """A table ready to print: every cell already text."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A titled part of the comparison: text, one figure, tables."""

    id: str
    title: str
    intro: str
    figure: str = ""            # key into ReportData.figures_svg / figures_pdf
    figure_caption: str = ""
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Evidence:
    label: str
    anchor: str


@dataclass(frozen=True)
class FindingView:
    text: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A piece of a sentence; ``kind`` is "" or the hit style (frame, actor, hedge)."""

    text: str
    kind: str = ""
    title: str = ""


@dataclass(frozen=True)
class SentenceView:
    anchor: str
    voice: str
    title: str               # hover text: voice, source, cue, frames
    segments: tuple[Segment, ...]
    paragraph: int
    kind: str


@dataclass(frozen=True)
class ArticleView:
    anchor: str
    article_id: str
    outlet: str
    title: str
    date: str
    url: str
    event: str
    path: str
    paragraphs: tuple[tuple[SentenceView, ...], ...]


@dataclass(frozen=True)
class FactView:
    """One row of an event's aligned view: a fact and what each outlet wrote about it."""

    fact: int
    cells: tuple[tuple[tuple[str, str, str], ...], ...]   # per outlet: (text, voice, anchor)


@dataclass(frozen=True)
class EventView:
    anchor: str
    name: str
    dates: str
    outlets: tuple[str, ...]
    summary: Table
    facts: tuple[FactView, ...]
    unique: Table
    n_single_facts: int


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, computed and formatted. Renderers only lay it out."""

    title: str
    overview: tuple[tuple[str, str], ...]
    findings: tuple[FindingView, ...]
    warnings: tuple[str, ...]
    sections: tuple[Section, ...]
    events: tuple[EventView, ...]
    articles: tuple[ArticleView, ...]
    methods: tuple[tuple[str, str], ...]
    provenance_tables: tuple[Table, ...]
    figures_svg: dict[str, str] = field(default_factory=dict)
    figures_pdf: dict[str, bytes] = field(default_factory=dict)
    figure_sizes: dict[str, tuple[float, float]] = field(default_factory=dict)
    voice_colors: dict[str, str] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- formatting

def _pct(x: Any) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(x) else f"{100 * x:.1f}%"


def _ci(low: Any, high: Any, pct: bool = True) -> str:
    try:
        lo, hi = float(low), float(high)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(lo) or math.isnan(hi):
        return "–"
    return f"{_pct(lo)}–{_pct(hi)}" if pct else f"{lo:+.2f} to {hi:+.2f}"


def _f(x: Any, fmt: str = "{:.2f}") -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(x) else fmt.format(x)


def _p(x: Any) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(x):
        return "–"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


# ---------------------------------------------------------------- build

def build_report(paths: str | Path | Sequence[str | Path] | None = None, *,
                 title: str | None = None, jobs: int | str = 1, analysis=None, comparison=None,
                 model: str | None = None, claim: str | None = None,
                 n_boot: int = 1000, max_articles_text: int | None = None,
                 frames: Any = None) -> ReportData:
    """Analyse, compare and prepare everything a report shows.

    Parameters
    ----------
    paths
        Inputs for :func:`framing.analyze`; default: the seed articles.
    title
        Report title.
    jobs
        Processes for the analysis (a number, or ``"auto"``: see :func:`framing.analyze`).
    analysis, comparison
        Reuse results already computed (``paths`` is then ignored for that step).
    model
        A classifier model (name or path) for :func:`framing.classify.predict_corpus`; its
        predictions per outlet are added as a section.
    claim
        A claim for :func:`framing.stance.stance_toward_claim`; the stance of each article
        toward it is added as a section.
    n_boot
        Bootstrap replicates.
    max_articles_text
        Annotate at most this many articles' texts (all when None).
    frames
        The frame lexicon (built-in name, YAML path or Lexicon) for the analysis and the frame
        sections; default ``conflict_frames`` (or, for a given analysis, the one it used).

    Returns
    -------
    ReportData

    Examples
    --------
    >>> report = build_report()
    >>> report.warnings[0].startswith("Every outlet has fewer than")
    True
    """
    from framing.analysis import analyze
    from framing.compare import compare

    if analysis is None:
        kwargs = {} if frames is None else {"frames": frames}
        analysis = analyze(default_inputs() if paths is None else paths, jobs=jobs, **kwargs)
    if comparison is None:
        comparison = compare(analysis, n_boot=n_boot, frames=frames)
    c = comparison
    anchors = {a: f"a{i + 1}" for i, a in enumerate(analysis.articles["article_id"])}

    def anchor(article_id: str, index: int) -> str:
        return f"{anchors.get(article_id, 'a0')}-s{index}"

    # "Reuters 3/7, sentence 5": the outlet's third of seven articles (in input order).
    arts = analysis.articles
    nth = arts.groupby("outlet").cumcount().add(1).set_axis(arts["article_id"]).to_dict()
    n_of = arts.groupby("outlet")["article_id"].transform("size").set_axis(
        arts["article_id"]).to_dict()
    outlet_of = arts.set_index("article_id")["outlet"].to_dict()

    def label(a: str, i: int) -> str:
        which = f" {nth[a]}/{n_of[a]}" if n_of.get(a, 1) > 1 else ""
        return f"{outlet_of.get(a, a)}{which}, sentence {i + 1}"

    findings = tuple(FindingView(f.text, tuple(Evidence(label(a, i), anchor(a, i))
                                               for a, i in f.evidence)) for f in c.findings)
    figures_svg, figures_pdf, sizes = _draw_figures(c)
    sections = _sections(c)
    extra_sections = []
    if model:
        extra_sections.append(_model_section(model, analysis))
    if claim:
        extra_sections.append(_claim_section(claim, analysis))
    events = _event_views(c, anchor)
    articles = _article_views(analysis, anchors, c.frame_labels, max_articles_text,
                              getattr(c, "frame_lexicon", "conflict_frames"))
    n_outlets = analysis.articles["outlet"].nunique()
    # the numbers compared (headline and body sentences, speech attributions), as in the tables
    overview = (("articles", str(len(analysis.articles))),
                ("outlets", str(n_outlets)),
                ("headline and body sentences", str(int(c.groups["n_sentences"].sum()))),
                ("attributions of speech", str(int(c.groups["n_attributions"].sum()))),
                ("events with several outlets", str(len(events))),
                ("skipped inputs", str(len(analysis.skipped))))
    methods, prov_tables = _methods(analysis, c, model, claim)
    from framing.figures import VOICE_COLORS

    return ReportData(title=title or DEFAULT_TITLE, overview=overview, findings=findings,
                      warnings=tuple(c.warnings), sections=tuple(sections + extra_sections),
                      events=tuple(events), articles=tuple(articles), methods=methods,
                      provenance_tables=prov_tables, figures_svg=figures_svg,
                      figures_pdf=figures_pdf, figure_sizes=sizes,
                      voice_colors=dict(VOICE_COLORS))


def default_inputs() -> list[str]:
    """The inputs of a bare ``framing report``: the seeds shipped in the package, else the
    ``seeds/`` folder of the working directory."""
    try:
        from framing.ingest import seed_paths

        path = Path(seed_paths())
        if path.is_dir() and any(path.iterdir()):
            return [str(path)]
    except (ImportError, ModuleNotFoundError, TypeError, FileNotFoundError):
        pass
    local = Path("seeds")
    if local.is_dir():
        return [str(local)]
    raise FramingError("no inputs given and no seed articles found: pass files or folders, "
                       "e.g. 'framing report articles/'")


def _top_groups(c, k: int) -> list[str]:
    g = c.groups.sort_values(["n_articles", "n_sentences", "group"],
                             ascending=[False, False, True], kind="stable")
    return list(g["group"].head(k))


def _draw_figures(c) -> tuple[dict[str, str], dict[str, bytes], dict[str, tuple[float, float]]]:
    import matplotlib

    from framing import figures as fg
    from framing.compare import actor_label

    top = _top_groups(c, MAX_FIGURE_GROUPS)
    dots = _top_groups(c, MAX_DOT_GROUPS)
    actors = list(c.stance["actor"].drop_duplicates().head(4)) if not c.stance.empty else []
    jobs = {
        "voice_mix": lambda ax: fg.plot_voice_mix(c.voice[c.voice["group"].isin(top)], ax=ax),
        "frames": lambda ax: fg.plot_frames_by_voice(c.frames[c.frames["group"].isin(dots)],
                                                     labels=c.frame_labels, ax=ax),
        "sources": lambda ax: fg.plot_sources(c.source_mix[c.source_mix["group"].isin(top)],
                                              ax=ax),
        "cues": lambda ax: fg.plot_cues(c.cue_categories[c.cue_categories["group"].isin(top)],
                                        ax=ax),
        "sentiment": lambda ax: fg.plot_sentiment(c.sentiment[c.sentiment["group"].isin(dots)],
                                                  actor_labels={a: actor_label(a)
                                                                for a in actors},
                                                  actors=actors, ax=ax),
    }
    n_top = len(top)
    n_cats = c.frames["category"].nunique() if not c.frames.empty else 1
    sizes = {"voice_mix": (6.8, 0.42 * n_top + 1.5), "frames": (6.8, 0.42 * n_cats + 1.5),
             "sources": (6.8, 0.42 * n_top + 1.7), "cues": (6.8, 0.42 * n_top + 1.7),
             "sentiment": (6.8, 0.55 * (2 + len(actors)) + 1.9)}
    svg, pdf = {}, {}
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        for name, draw in jobs.items():
            fig = Figure(figsize=sizes[name], layout="constrained")
            draw(fig.add_subplot())
            svg[name], pdf[name] = _save(fig)
        groups = [g for g in dots if g in set(c.distinctive["group"])]
        if groups:
            cols = min(3, len(groups))
            rows = math.ceil(len(groups) / cols)
            size = (6.8, 3.3 * rows)
            fig = Figure(figsize=size, layout="constrained")
            axes = fig.subplots(rows, cols, squeeze=False)
            for ax, g in zip(axes.flat, groups):
                fg.plot_distinctive(c.distinctive, g, ax=ax, top=10)
            for ax in list(axes.flat)[len(groups):]:
                ax.set_axis_off()
            svg["distinctive"], pdf["distinctive"] = _save(fig)
            sizes["distinctive"] = size
    return svg, pdf, sizes


def _save(fig) -> tuple[str, bytes]:
    s = io.StringIO()
    fig.savefig(s, format="svg", metadata={"Date": None})
    text = s.getvalue()
    text = text[text.index("<svg"):]          # inline: drop the XML prolog and DOCTYPE
    b = io.BytesIO()
    fig.savefig(b, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    return text, b.getvalue()


def _table(df: pd.DataFrame, caption: str, columns: dict[str, Any], note: str = "") -> Table:
    """Format ``df`` into a Table: ``columns`` maps header -> column name or callable(row)."""
    rows = []
    for r in df.to_dict(orient="records"):
        cells = []
        for spec in columns.values():
            value = spec(r) if callable(spec) else r.get(spec, "")
            cells.append("" if value is None else str(value))
        rows.append(tuple(cells))
    return Table(caption, tuple(columns), tuple(rows), note)


def _sections(c) -> list[Section]:
    from framing.compare import actor_label, label_of

    c = _limited(c)

    lab = lambda cat: label_of(cat, c.frame_labels)  # noqa: E731
    many = len(c.groups) > MAX_FIGURE_GROUPS
    shown = (f" The figure shows the {MAX_FIGURE_GROUPS} {c.by}s with most articles."
             if many else "")
    shown_dots = (f" The figure shows the {MAX_DOT_GROUPS} {c.by}s with most articles."
                  if len(c.groups) > MAX_DOT_GROUPS else "")
    sections = []
    g = c.groups
    # a group of one article has no interval: say so under the figures rather than let a bare
    # marker look like a precise estimate
    single = list(g.loc[g["n_articles"] < 2, "group"])
    no_interval = ("" if not single else
                   " No interval for " + ("any group" if len(single) == len(g) else
                                          ", ".join(map(str, single)))
                   + ": a single article cannot be resampled.")
    sections.append(Section(
        "groups", f"The {c.by}s compared",
        "Articles, sentences and words per group: headlines and body text (datelines, bylines "
        "and photo captions are left out of every measure), and attributions of speech (a "
        "source saying, claiming or denying; not 'convened' or 'refused'). Groups with fewer "
        "than 5 articles are marked: their numbers describe those articles, not the outlet. "
        + _limit_note(c),
        tables=(_table(g, f"{c.by.capitalize()}s", {
            c.by: "group", "articles": "n_articles", "sentences": "n_sentences",
            "words": "n_words", "attributions": "n_attributions",
            "small sample": lambda r: "yes" if r["small_sample"] else ""}),)))
    v = c.voice.copy()
    voice_rows = []
    for grp in sorted(v["group"].unique()):
        sub = v[v["group"] == grp].set_index("voice")
        row = [grp]
        for voice in ("asserted", "direct", "indirect", "according_to", "mixed"):
            r = sub.loc[voice]
            row.append(f"{_pct(r['share'])} ({_ci(r['ci_low'], r['ci_high'])})"
                       if voice == "asserted" else _pct(r["share"]))
        voice_rows.append(tuple(row))
    sections.append(Section(
        "voice", "Voice mix: who speaks",
        "Share of each group's sentences written in the outlet's own voice (asserted) or "
        "attributed to a source: as a direct quotation, in indirect speech, with 'according to', "
        "or mixing quotation and paraphrase. 95% intervals resample articles." + shown,
        "voice_mix", "Voice mix per group (whisker: 95% interval of the own-voice share)."
        + no_interval,
        (Table("Voice mix (own-voice share with 95% interval)",
               (c.by, "asserted", "direct", "indirect", "according to", "mixed"),
               tuple(voice_rows)),)))
    fr = c.frames[c.frames["n_sentences"] > 0].copy()
    fr = fr[(fr["n_with_frame"] > 0)]
    owners = c.frame_owners.copy()
    owner_rows = []
    for (grp, cat), sub in owners.groupby(["group", "category"], sort=True):
        names = "; ".join(f"{r.source} ({r.n_sentences})" for r in sub.head(4).itertuples())
        owner_rows.append((grp, lab(cat), names))
    sections.append(Section(
        "frames", "Frames by voice",
        f"For each frame of the {getattr(c, 'frame_lexicon', 'conflict_frames')} lexicon: the "
        "share of own-voice (asserted) "
        "sentences carrying it, and the share of attributed sentences carrying it, with 95% "
        "intervals. A frame an outlet only reports in others' words is a frame it attributes, "
        "not one it adopts; the second table says to whom." + shown_dots,
        "frames", "Frames in own-voice (filled) and attributed (hollow) sentences; whiskers: "
        "95% intervals." + no_interval,
        (_table(fr.sort_values(["group", "category", "voice_class"]), "Frame shares by voice", {
            c.by: "group", "frame": lambda r: lab(r["category"]),
            "voice": "voice_class", "sentences with frame": "n_with_frame",
            "sentences in this voice": "n_sentences", "share": lambda r: _pct(r["share"]),
            "95% interval": lambda r: _ci(r["ci_low"], r["ci_high"])}),
         Table("Whose words carry each attributed frame", (c.by, "frame", "sources (sentences)"),
               tuple(owner_rows)))))
    src = c.sources.copy()
    src_top = src.groupby("group", sort=True).head(8)
    sections.append(Section(
        "sources", "Whose voices are heard",
        "Sources of attributions by type, and the sources quoted most, with their share of "
        "all attributions and of quoted words in the group." + shown,
        "sources", "Share of attributions by source type.",
        (_table(src_top, "Most cited sources (up to 8 per group)", {
            c.by: "group", "source": "source_name", "type": "source_type",
            "country": "source_country", "attributions": "n_attributions",
            "share": lambda r: _pct(r["share_attributions"]),
            "quoted words": "n_quoted_words",
            "share of quoted words": lambda r: _pct(r["share_quoted_words"])}),
         _table(c.source_mix[c.source_mix["dimension"] == "country"],
                "Sources by country", {c.by: "group", "country": "value",
                                       "attributions": "n_attributions",
                                       "quoted words": "n_quoted_words",
                                       "share of quoted words":
                                           lambda r: _pct(r["share_quoted_words"])}))))
    cue_rows = []
    for grp, sub in c.cues.groupby("group", sort=True):
        cue_rows.append((grp, "; ".join(f"{r.cue_lemma} ({r.n})"
                                        for r in sub.head(10).itertuples())))
    sections.append(Section(
        "cues", "Cue profile",
        "The verbs and phrases that introduce attributed speech, grouped by what they imply "
        "about the claim: neutral ('say'), distancing ('claim', 'maintain'), endorsing "
        "('confirm', 'point out') and others." + shown,
        "cues", "Share of attribution cues by epistemic category.",
        (_table(c.cue_categories, "Cue categories", {
            c.by: "group", "category": "cue_category", "cues": "n",
            "share": lambda r: _pct(r["share"])}),
         Table("Most frequent cue lemmas", (c.by, "cues (count)"), tuple(cue_rows)))))
    sent = c.sentiment[c.sentiment["n_sentences"] > 0]
    sent = sent[sent["dimension"].isin(["voice_class", "actor_own_voice"])]
    sections.append(Section(
        "sentiment", "Sentiment",
        "Mean VADER compound score (-1 to +1) of sentences by voice, and of own-voice "
        "sentences mentioning each actor. VADER was built for social media text and reads "
        "conflict vocabulary as negative whoever is speaking: compare outlets, not absolute "
        "values." + shown_dots,
        "sentiment", "Mean VADER compound with 95% intervals." + no_interval,
        (_table(sent, "Mean sentiment", {
            c.by: "group", "sentences": _sentiment_label,
            "n": "n_sentences", "mean": lambda r: _f(r["mean"], "{:+.3f}"),
            "95% interval": lambda r: _ci(r["ci_low"], r["ci_high"], pct=False)}),)))
    al = c.actor_labels.groupby(["group", "actor"], sort=True).head(4)
    sections.append(Section(
        "labels", "Actor labels",
        "How each group names the actors: 'Pyongyang', 'North Korea', 'the regime', ... "
        "(matches of the actors lexicon; share of that actor's mentions).",
        tables=(_table(al, "Labels per actor (up to 4 per actor)", {
            c.by: "group", "actor": lambda r: actor_label(r["actor"]), "label": "label",
            "mentions": "n", "share": lambda r: _pct(r["share"])}),)))
    sections.append(Section(
        "distinctive", "Distinctive words",
        "Words each group uses more than the others, by the log-odds ratio with an informative "
        "Dirichlet prior (Monroe, Colaresi & Quinn 2008); z above 1.96 is conventionally "
        "notable, but with few articles a word can be distinctive because one article is "
        "about it." + shown_dots,
        "distinctive" if not c.distinctive.empty else "",
        "Top words per group by z-score (count in parentheses).",
        (_table(c.distinctive.groupby("group", sort=True).head(10), "Top 10 words per group", {
            c.by: "group", "word": "term", "count": "count", "count elsewhere": "count_rest",
            "log-odds": lambda r: _f(r["log_odds"]), "z": lambda r: _f(r["z"])}),)))
    st = c.stance.copy()
    stance_rows = []
    comps = ("asserted_justification", "asserted_threat", "distancing_cues",
             "own_voice_sentiment", "voice_share")
    for (grp, actor), sub in st.groupby(["group", "actor"], sort=True):
        sub = sub.set_index("component")
        cells = [grp, actor_label(actor)]
        for comp in comps:
            r = sub.loc[comp]
            value = _f(r["value"], "{:+.2f}") if comp == "own_voice_sentiment" else _pct(r["value"])
            cells.append(f"{value} (n={int(r['n'])})")
        stance_rows.append(tuple(cells))
    sections.append(Section(
        "stance", "Stance profile toward each actor",
        "Built in the open from the measures above, one column per component, no combined "
        "score: among the outlet's own-voice sentences mentioning the actor, the share with a "
        "justification frame (defensive justification) and with a threat frame (threat, "
        "provocation); the share of the actor's attributed claims introduced with a distancing "
        "cue; the mean own-voice sentiment; and the share of attributed sentences whose source "
        "speaks for the actor. n is each component's denominator.",
        tables=(Table("Stance components", (c.by, "actor", "own-voice justification",
                                            "own-voice threat", "distancing cues",
                                            "own-voice sentiment", "share of voice"),
                      tuple(stance_rows)),)))
    tests = c.tests
    tested = tests[tests["p_value"].notna()]
    note = ("Each group against all other groups pooled; articles are permuted between the two "
            "sides (2,000 permutations); q is the Benjamini–Hochberg adjusted p-value across all "
            "tests.")
    if tested.empty:
        test_tables = (Table("Tests of difference", ("result",),
                             (("No test was run: " + (
                                 tests["note"].iloc[0].removeprefix("not tested: ")
                                 if len(tests) else "there is only one group") + ".",),),
                             note),)
    else:
        test_tables = (_table(tested.sort_values(["q_value", "group", "measure"]).head(40),
                              "Tests of difference (up to 40 smallest q)", {
            c.by: "group", "measure": lambda r: _measure_label(r["measure"], lab),
            "value": lambda r: _f(r["value"], "{:.3f}"),
            "rest": lambda r: _f(r["value_rest"], "{:.3f}"),
            "difference": lambda r: _f(r["difference"], "{:+.3f}"),
            "p": lambda r: _p(r["p_value"]), "q": lambda r: _p(r["q_value"]),
            "articles": "n_articles"}, note),)
    sections.append(Section(
        "tests", "Uncertainty and tests",
        "Intervals throughout resample whole articles (sentences of one article are not "
        "independent). A group is tested only when it and the rest each have at least 5 "
        "articles; otherwise the report says so instead of testing.", tables=test_tables))
    return sections


def _sentiment_label(row: dict) -> str:
    value = str(row["value"])
    if row["dimension"] == "actor_own_voice":
        from framing.compare import actor_label

        return f"own voice, mentioning {actor_label(value)}"
    return {"all": "all sentences", "asserted": "own voice (asserted)",
            "attributed": "attributed"}.get(value, value)


MAX_TABLE_GROUPS = 12


def _limited(c):
    """The comparison with its long per-group tables cut to the groups with most articles.

    The groups, voice and cue tables (one line per group) and the tests keep every group;
    ``framing compare --format json`` and the analysis tables have everything.
    """
    if len(c.groups) <= MAX_TABLE_GROUPS:
        return c
    from framing.compare import Comparison

    keep = set(_top_groups(c, MAX_TABLE_GROUPS))
    names = ("frames", "frame_owners", "sources", "source_mix", "cue_categories", "sentiment",
             "actor_labels", "distinctive", "stance")
    return Comparison(**{**c.__dict__, **{n: getattr(c, n)[getattr(c, n)["group"].isin(keep)]
                                          for n in names}})


def _limit_note(c) -> str:
    if len(c.groups) <= MAX_TABLE_GROUPS:
        return ""
    return (f"Tables of several rows per {c.by} show the {MAX_TABLE_GROUPS} {c.by}s with most "
            f"articles; 'framing compare --format json' and 'framing analyze' give all.")


def _measure_label(measure: str, lab) -> str:
    if measure.startswith("frame_asserted:"):
        return f"own-voice share with {lab(measure.split(':', 1)[1]).lower()} frame"
    return {"asserted_share": "share of sentences in own voice",
            "own_voice_sentiment": "own-voice sentiment"}.get(measure, measure)


def _model_section(model: str, analysis) -> Section:
    """Article-level predictions of a saved classifier, counted per outlet."""
    from framing.classify import predict_corpus
    from framing.classify_model import load_classifier

    classifier = load_classifier(model)
    table = predict_corpus(classifier, _reload_articles(analysis), level="article")
    if table.empty:
        return Section("model", f"Classifier: {Path(model).name}", "The model made no prediction.")
    counts = table.groupby(["outlet", "prediction"]).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby("outlet")["n"].transform("sum")
    return Section("model", f"Classifier predictions: {Path(model).name}",
                   "Predicted label of each article by the named model (a statistical model: "
                   "its errors are not shown here; see its evaluation).",
                   tables=(_table(counts, "Predicted labels per outlet", {
                       "outlet": "outlet", "label": "prediction", "articles": "n",
                       "share": lambda r: _pct(r["share"])}),))


def _claim_section(claim: str, analysis) -> Section:
    """Each article's stance toward a claim (the shipped FNC-1 stance model)."""
    from framing.stance import default_stance_model, stance_toward_claim

    table = stance_toward_claim(default_stance_model(), claim, _reload_articles(analysis))
    counts = table.groupby(["outlet", "stance"]).size().rename("n").reset_index()
    return Section("claim", "Stance toward the claim",
                   f"Claim: \u201c{claim}\u201d. Stance of each article toward it, by the "
                   "shipped FNC-1 stance model (agree, disagree, discuss, unrelated).",
                   tables=(_table(counts, "Stance per outlet", {
                       "outlet": "outlet", "stance": "stance", "articles": "n"}),
                           _table(table, "Stance per article", {
                               "outlet": "outlet", "article": "title", "stance": "stance",
                               "confidence": lambda r: _f(r["confidence"])})))


def _reload_articles(analysis) -> list:
    from framing.ingest import iter_corpus
    from framing.models import Article

    paths = sorted({re.sub(r":\d+$", "", p) for p in analysis.articles["path"]})
    wanted = set(analysis.articles["article_id"])
    return [a for a in iter_corpus(paths) if isinstance(a, Article) and a.id in wanted]


def _event_views(c, anchor) -> list[EventView]:
    from framing.compare import label_of
    from framing.events import date_span, short

    views = []
    if c.event_outlets.empty:
        return views
    dates = c.events.groupby("event")["date"].agg(list)
    # The events with most outlets (then articles) first, at most MAX_EVENTS of them.
    size = c.event_outlets.groupby("event").agg(n_outlets=("outlet", "size"),
                                                n_articles=("n_articles", "sum"))
    chosen = size.sort_values(["n_outlets", "n_articles"], ascending=False, kind="stable")
    chosen = sorted(chosen.index[:MAX_EVENTS])
    for i, (event, eo) in enumerate(c.event_outlets[c.event_outlets["event"].isin(chosen)]
                                    .groupby("event", sort=True)):
        outlets = tuple(eo["outlet"])
        summary = _table(eo, "Outlets", {
            "outlet": "outlet", "articles": "n_articles", "sentences": "n_sentences",
            "own voice": lambda r: _pct(r["asserted_share"]), "frames": "frames",
            "sources": "sources"})
        al = c.alignment[c.alignment["event"] == event] if not c.alignment.empty else c.alignment
        facts = []
        n_single = 0
        if not al.empty:
            shared = al[al["n_outlets"] > 1]
            n_single = int(al.loc[al["n_outlets"] == 1, "fact"].nunique())
            for number, (_, sub) in enumerate(list(shared.groupby("fact", sort=True))[:MAX_FACTS],
                                              1):
                cells = []
                for outlet in outlets:
                    o = sub[sub["outlet"] == outlet]
                    cells.append(tuple((short(r.text, 220), r.voice, anchor(r.article_id,
                                                                              int(r.index)))
                                       for r in o.itertuples(index=False)))
                facts.append(FactView(number, tuple(cells)))
        un = c.unique[c.unique["event"] == event] if not c.unique.empty else c.unique
        un = un[un["kind"] != "fact"] if not un.empty else un
        unique = _table(un, "Sources and frames only one outlet includes", {
            "outlet": "outlet", "kind": "kind",
            "item": lambda r: (label_of(str(r["item"]), c.frame_labels) if r["kind"] == "frame"
                               else short(str(r["item"]), 120))})
        views.append(EventView(f"e{i + 1}", event, date_span(list(dates.get(event, []))), outlets,
                               summary, tuple(facts), unique, n_single))
    return views


def _article_views(analysis, anchors, labels, limit,
                   frame_lexicon: str = "conflict_frames") -> list[ArticleView]:
    from framing.compare import label_of

    def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
        # Plain lists, not itertuples: tens of thousands of rows.
        cols = {c: frame[c].tolist() for c in columns}
        return [dict(zip(columns, row)) for row in zip(*cols.values())]

    hits_by_sentence: dict[tuple[str, int], list[dict]] = {}
    hits = analysis.hits
    if not hits.empty and {"start", "end", "sentence_index"} <= set(hits.columns):
        hits = hits.sort_values(["article_id", "start", "end"], kind="stable")
        for h in records(hits, ["article_id", "sentence_index", "start", "end", "lexicon",
                                "category"]):
            if pd.notna(h["sentence_index"]):
                hits_by_sentence.setdefault((h["article_id"], int(h["sentence_index"])),
                                            []).append(h)
    wanted = set(analysis.articles["article_id"].head(limit) if limit is not None
                 else analysis.articles["article_id"])
    sents = analysis.sentences
    sentences_of: dict[str, list[dict]] = {}
    for r in records(sents[sents["article_id"].isin(wanted)],
                     ["article_id", "index", "paragraph", "kind", "start", "end", "text",
                      "voice", "source", "source_type", "cue", "cue_category", "hedged",
                      "frames", "compound"]):
        sentences_of.setdefault(r["article_id"], []).append(r)
    label_cache: dict[str, str] = {}

    def frame_label(f: str) -> str:
        if f not in label_cache:
            label_cache[f] = label_of(f, labels)
        return label_cache[f]

    views = []
    for art in records(analysis.articles, ["article_id", "outlet", "title", "date", "url",
                                           "event", "path"]):
        if art["article_id"] not in wanted or art["article_id"] not in sentences_of:
            continue
        a_anchor = anchors[art["article_id"]]
        paragraphs: dict[int, list[SentenceView]] = {}
        for s in sentences_of[art["article_id"]]:
            index = int(s["index"])
            segs = _segments(s["text"], s["start"],
                             hits_by_sentence.get((art["article_id"], index), []),
                             labels, label_of, frame_lexicon)
            bits = [f"voice: {str(s['voice']).replace('_', ' ')}"]
            if s["source"]:
                bits.append(f"source: {s['source']}"
                            + (f" ({s['source_type']})" if s["source_type"] else ""))
            if s["cue"]:
                bits.append(f"cue: {s['cue']}"
                            + (f" ({s['cue_category']})" if s["cue_category"] else ""))
            if s["hedged"]:
                bits.append("hedged")
            if s["frames"]:
                bits.append("frames: " + ", ".join(frame_label(f)
                                                   for f in s["frames"].split(";")))
            bits.append(f"sentiment {s['compound']:+.2f}")
            paragraphs.setdefault(int(s["paragraph"]), []).append(SentenceView(
                f"{a_anchor}-s{index}", s["voice"], " · ".join(bits), tuple(segs),
                int(s["paragraph"]), s["kind"]))
        views.append(ArticleView(a_anchor, art["article_id"], art["outlet"],
                                 art["title"] or "(untitled)", art["date"] or "",
                                 art["url"] or "", art["event"] or "", art["path"],
                                 tuple(tuple(p) for _, p in sorted(paragraphs.items()))))
    return views


_HIT_KIND = {"actors": "actor", "hedges": "hedge"}   # and the frame lexicon: "frame"


def _segments(text: str, base: int, hits: list[dict], labels, label_of,
              frame_lexicon: str = "conflict_frames") -> list[Segment]:
    segs: list[Segment] = []
    pos = 0
    for h in hits:
        lexicon = str(h.get("lexicon"))
        kind = "frame" if lexicon == frame_lexicon else _HIT_KIND.get(lexicon, "")
        if not kind:
            continue               # another lexicon's hits: in the hits table, not underlined
        start, end = max(int(h["start"]) - base, 0), min(int(h["end"]) - base, len(text))
        if start < pos or end <= start:
            continue               # overlapping hits: the first one is shown
        if start > pos:
            segs.append(Segment(text[pos:start]))
        cat = str(h.get("category", ""))
        name = label_of(cat, labels) if kind == "frame" else cat.replace("_", " ")
        segs.append(Segment(text[start:end], kind, f"{h.get('lexicon')}: {name}"))
        pos = end
    if pos < len(text):
        segs.append(Segment(text[pos:]))
    return segs


def _methods(analysis, c, model, claim=None) -> tuple[tuple[tuple[str, str], ...],
                                                     tuple[Table, ...]]:
    prov = analysis.provenance or {}
    lex = prov.get("lexicons", [])
    frame_name = getattr(c, "frame_lexicon", "conflict_frames")
    methods = [
        ("package", f"framing {prov.get('version', __version__)}"),
        ("sentences", "nltk Punkt with the package's own abbreviation list; each line is a "
                      "paragraph; datelines, bylines and photo captions are not counted as "
                      "statements (measures use headline and body sentences)"),
        ("voice and attribution", "framing.attribution: each sentence is asserted (the "
                                  "outlet's own voice) or attributed (direct, indirect, "
                                  "according to, mixed), with source and cue"),
        ("lexicons", ", ".join(f"{x['name']} {x.get('version', '')}".strip()
                               + (" (the frame lexicon)" if x["name"] == frame_name else "")
                               for x in lex) or "none"),
        ("sentiment", "VADER (Hutto & Gilbert 2014), compound score per sentence"),
        ("distinctive words", "log-odds ratio with informative Dirichlet prior (Monroe, "
                              "Colaresi & Quinn 2008), each group against the rest"),
        ("intervals", "95% percentile bootstrap, resampling articles within each group "
                      "(1,000 replicates, fixed seed)"),
        ("tests", "permutation tests of each group against the rest (articles permuted), "
                  "Benjamini–Hochberg adjustment; only with at least 5 articles per side"),
        ("events", "given event fields, else TF-IDF similarity of texts (cosine ≥ 0.25) within "
                   "3 days; sentences aligned across outlets at cosine ≥ 0.35"),
    ]
    if model:
        methods.append(("classifier", str(model)))
    tables = [Table("Lexicons", ("name", "version", "source", "sha256"),
                    tuple((x["name"] + (" (frames)" if x["name"] == frame_name else ""),
                           x.get("version", ""), _display_path(x.get("source", "")),
                           x.get("sha256", "")) for x in lex))]
    models = [(x["name"], x["sha256"]) for x in prov.get("models", [])]
    for extra in (model, claim and "stance_fnc1.npz"):
        if not extra:
            continue
        path = Path(extra)
        if not path.is_file():
            from importlib.resources import files

            resource = files("framing") / "data" / str(extra)
            data = resource.read_bytes() if resource.is_file() else b""
        else:
            data = path.read_bytes()
        models.append((path.name, hashlib.sha256(data).hexdigest() if data else "(not found)"))
    if models:
        tables.append(Table("Models", ("file", "sha256"), tuple(models)))
    inputs = prov.get("inputs", [])
    by_path: dict[str, list[str]] = {}
    for x in inputs:
        by_path.setdefault(x["path"], []).append(x["sha256"])
    rows = []
    for path, hashes in sorted(by_path.items()):
        digest = hashes[0] if len(hashes) == 1 else hashlib.sha256(
            "\n".join(sorted(hashes)).encode()).hexdigest()
        rows.append((_display_path(path), str(len(hashes)), digest))
    tables.append(Table("Input files", ("file", "articles", "sha256"), tuple(rows),
                        "For a file of several articles, the hash of the sorted article hashes."))
    tables.append(Table("Skipped inputs", ("input", "reason"),
                        tuple((_display_path(p), r) for p, r in
                              zip(analysis.skipped["path"], analysis.skipped["reason"]))
                        or (("none", ""),)))
    if c.warnings:
        tables.append(Table("Small-sample warnings", ("warning",),
                            tuple((w,) for w in c.warnings)))
    return tuple(methods), tuple(tables)


def _display_path(path: str) -> str:
    """Paths inside the installed package or the working directory, shown short."""
    p = str(path)
    try:
        cwd = str(Path.cwd())
        if p.startswith(cwd + os.sep):
            return p[len(cwd) + 1:]
    except OSError:
        pass
    marker = f"{os.sep}framing{os.sep}seeds{os.sep}"
    if marker in p:
        return "framing/seeds/" + p.split(marker, 1)[1]
    return p


# ---------------------------------------------------------------- render

def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("framing", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def render_html(report: ReportData) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no script). Pure."""
    from importlib.resources import files

    from markupsafe import Markup

    css = (files("framing") / "templates" / "report.css").read_text(encoding="utf-8")
    # sentence backgrounds: light tints of the figures' voice colours (defined once)
    tints = {v: _tint(c) for v, c in report.voice_colors.items() if v != "asserted"}
    return _env().get_template("report.html").render(
        report=report, css=Markup(css), voice_tints=tints,
        figures={k: Markup(v) for k, v in report.figures_svg.items()},   # our own SVG
        version=__version__)


def render_pdf(report: ReportData) -> bytes:
    """The report as PDF bytes: same content as the HTML, paginated, vector figures."""
    return _build_pdf(report)


def write_report(report: ReportData, out_dir: str | Path = "reports/out", *,
                 formats: Sequence[str] = FORMATS, name: str = "report") -> list[Path]:
    """Write ``report.html`` and/or ``report.pdf`` into ``out_dir``, each atomically.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    FramingError
        For an unknown format or an unwritable folder.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise FramingError(f"unknown report format {unknown[0]!r}; choose from "
                           f"{', '.join(FORMATS)}")
    out = make_folder(out_dir, "report folder")
    written = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        data = render_html(report).encode("utf-8") if fmt == "html" else render_pdf(report)
        atomic_write(path, data)
        written.append(path)
    return written


# ---------------------------------------------------------------- PDF

def _fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with matplotlib: full Unicode, unlike the PDF base fonts)."""
    from pathlib import Path as _P

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "FramingSans" not in pdfmetrics.getRegisteredFontNames():
        ttf = _P(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("FramingSans", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("FramingSans-Bold", str(ttf / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("FramingSans", normal="FramingSans", bold="FramingSans-Bold",
                                      italic="FramingSans", boldItalic="FramingSans-Bold")
    return "FramingSans", "FramingSans-Bold"


def _build_pdf(report: ReportData) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (Flowable, KeepTogether, PageBreak, Paragraph,
                                    SimpleDocTemplate, Spacer)
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    regular, bold = _fonts()
    esc = lambda s: escape(str(s))  # noqa: E731 - reportlab paragraphs are XML markup
    base = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12.5)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=18, leading=22,
                                spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=13, leading=16,
                             spaceBefore=12, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=3),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5,
                                textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.2, leading=8.8),
        "warn": ParagraphStyle("warn", parent=base, backColor=colors.HexColor("#fff4ec"),
                               borderColor=colors.HexColor("#D55E00"), borderWidth=0.5,
                               borderPadding=4, spaceBefore=4, spaceAfter=8),
    }
    slots: list[tuple[str, int, float, float, float, float]] = []

    class FigureSlot(Flowable):
        """Reserves room for a figure; its page and position are recorded when drawn."""

        def __init__(self, name: str, width: float, height: float):
            super().__init__()
            self.name, self.fig_w, self.fig_h = name, width, height

        def wrap(self, avail_w, avail_h):
            self.scale = min(1.0, avail_w / self.fig_w)
            self.width, self.height = self.fig_w * self.scale, self.fig_h * self.scale
            return self.width, self.height

        def draw(self):
            x, y = self.canv.absolutePosition(0, 0)
            slots.append((self.name, self.canv.getPageNumber(), x, y, self.width, self.height))

    frame_w = A4[0] - 36 * mm

    def table(t: Table) -> list:
        out = [Paragraph(esc(t.caption), styles["h3"])]
        if not t.rows:
            out.append(Paragraph("no rows", styles["small"]))
            return out
        # Each column at least as wide as its longest word (headers never break mid-word),
        # the rest of the line shared in proportion to the columns' text lengths.
        n_cols = len(t.columns)
        longest_word = [max(len(w) for text in [t.columns[i], *(r[i] for r in t.rows)]
                            for w in (text.split() or [""])) for i in range(n_cols)]
        minimum = [min(w, 22) * 4.4 + 8 for w in longest_word]
        lengths = [max([len(t.columns[i])] + [min(len(r[i]), 60) for r in t.rows])
                   for i in range(n_cols)]
        spare = max(frame_w - sum(minimum), 0)
        widths = [m + spare * n / sum(lengths) for m, n in zip(minimum, lengths)]
        widths = [w * frame_w / sum(widths) for w in widths]
        data = [[Paragraph(f"<b>{esc(c)}</b>", styles["cell"]) for c in t.columns]]
        data += [[Paragraph(esc(c), styles["cell"]) for c in row] for row in t.rows]
        rl = RLTable(data, colWidths=widths, repeatRows=1)
        rl.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeea")),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        out.append(rl)
        if t.note:
            out.append(Paragraph(esc(t.note), styles["small"]))
        out.append(Spacer(1, 6))
        return out

    story: list = [Paragraph(esc(report.title), styles["title"]),
                   Paragraph(f"Who says what, in whose voice, with which words. framing "
                             f"{esc(__version__)}.", styles["small"]), Spacer(1, 6),
                   Paragraph(" · ".join(f"{esc(k)}: <b>{esc(v)}</b>" for k, v in report.overview),
                             styles["body"]),
                   Paragraph('<a name="findings"/>Key differences', styles["h2"])]
    for w in report.warnings:
        story.append(Paragraph(f"<b>Caution:</b> {esc(w)}", styles["warn"]))
    in_pdf = {a.anchor for a in report.articles[:MAX_PDF_ARTICLES]}
    for i, f in enumerate(report.findings, 1):
        ev = "".join(f' <a href="#{esc(e.anchor)}" color="#0072B2">[{esc(e.label)}]</a>'
                     if e.anchor.split("-")[0] in in_pdf else f" [{esc(e.label)}]"
                     for e in f.evidence)
        story.append(Paragraph(f"{i}. {esc(f.text)}<font size=7.5>{ev}</font>", styles["body"]))
        story.append(Spacer(1, 3))
    for s in report.sections:
        head = [Paragraph(f'<a name="{esc(s.id)}"/>{esc(s.title)}', styles["h2"]),
                Paragraph(esc(s.intro), styles["body"])]
        if s.figure and s.figure in report.figures_pdf:
            w_in, h_in = report.figure_sizes[s.figure]
            # heading, text and figure on one page
            story.append(KeepTogether(head + [FigureSlot(s.figure, w_in * 72, h_in * 72),
                                              Paragraph(esc(s.figure_caption),
                                                        styles["small"])]))
        else:
            story += head
        for t in s.tables:
            story += table(t)
    if report.events:
        story += [PageBreak(), Paragraph("Events side by side", styles["h2"])]
        for e in report.events:
            story.append(Paragraph(f"{esc(e.name)} <font size=8>({esc(e.dates)})</font>",
                                   styles["h3"]))
            story += table(e.summary)
            if e.facts:
                rows = tuple((str(f.fact), *(" / ".join(t for t, _, _ in cell) or "—"
                                            for cell in f.cells)) for f in e.facts)
                story += table(Table("Facts reported by more than one outlet",
                                     ("fact", *e.outlets), rows))
            story.append(Paragraph(f"{e.n_single_facts} sentence group(s) appear in one outlet "
                                   "only.", styles["small"]))
            story += table(e.unique)
    story += [PageBreak(), Paragraph('<a name="articles"/>Articles', styles["h2"]),
              Paragraph("Background colour shows the voice of each sentence: "
                        + ", ".join(f'<font backColor="{_tint(c)}">{esc(v.replace("_", " "))}'
                                    f"</font>" for v, c in report.voice_colors.items())
                        + ". Underlined: frame and hedge words.",
                        styles["small"])]
    if len(report.articles) > MAX_PDF_ARTICLES:
        story.append(Paragraph(
            f"This PDF annotates the first {MAX_PDF_ARTICLES} of {len(report.articles)} "
            "articles (page count and rendering time); the HTML report annotates all of them.",
            styles["warn"]))
    for a in report.articles[:MAX_PDF_ARTICLES]:
        story.append(Paragraph(f'<a name="{esc(a.anchor)}"/>{esc(a.title)}', styles["h3"]))
        story.append(Paragraph(esc(" · ".join(x for x in (a.outlet, a.date, a.event and
                                                          f"event {a.event}", a.url) if x)),
                               styles["small"]))
        for para in a.paragraphs:
            parts = []
            for s in para:
                inner = "".join(f"<u>{esc(g.text)}</u>" if g.kind in ("frame", "hedge")
                                else esc(g.text) for g in s.segments)
                if s.kind == "headline":
                    inner = f"<b>{inner}</b>"
                color = _tint(report.voice_colors.get(s.voice, "#ffffff"))
                anchor = f'<a name="{esc(s.anchor)}"/>'
                parts.append(anchor + (inner if s.voice == "asserted" else
                                       f'<font backColor="{color}">{inner}</font>'))
            story.append(Paragraph(" ".join(parts), styles["body"]))
            story.append(Spacer(1, 2))
    story += [PageBreak(), Paragraph('<a name="methods"/>Methods and provenance', styles["h2"])]
    for k, v in report.methods:
        story.append(Paragraph(f"<b>{esc(k)}</b>: {esc(v)}", styles["body"]))
    for t in report.provenance_tables:
        story += table(t)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, report.title[:100])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=report.title,
                            author="framing", creator=f"framing {__version__}", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return _overlay_figures(buffer.getvalue(), slots, report.figures_pdf)


def _tint(hex_color: str) -> str:
    """A light version of a colour, for text backgrounds."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    mix = lambda v: int(v + (255 - v) * 0.72)  # noqa: E731
    return f"#{mix(r):02x}{mix(g):02x}{mix(b):02x}"


def _overlay_figures(pdf: bytes, slots, figures: dict[str, bytes]) -> bytes:
    """Lay each matplotlib PDF figure, as vector graphics, into the slot reserved for it."""
    if not slots:
        return pdf
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for name, page_no, x, y, w, h in slots:
        fig_page = PdfReader(io.BytesIO(figures[name])).pages[0]
        box = fig_page.mediabox
        scale = w / float(box.width)
        op = Transformation().scale(scale, scale).translate(x, y)
        writer.pages[page_no - 1].merge_transformed_page(fig_page, op)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
