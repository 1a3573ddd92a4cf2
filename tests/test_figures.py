import matplotlib
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from _report_fixtures import make_analysis
from framing import figures as fg
from framing.compare import compare

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def comparison():
    return compare(make_analysis(), n_boot=100, n_perm=100)


def test_voice_mix_bars_are_shares(comparison):
    ax = fg.plot_voice_mix(comparison.voice)
    assert isinstance(ax, Axes)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Summit Post", "Harbor Daily"]
    # first container = asserted: Harbor 0.75, Summit 0.0 (bottom-up order: Summit, Harbor)
    widths = [round(p.get_width(), 3) for p in ax.containers[0].patches]
    assert widths == [0.0, 0.75]
    assert ax.get_xlim() == (0.0, 1.0)


def test_figure_functions_draw_into_a_given_axes(comparison):
    fig = Figure()
    ax = fig.add_subplot()
    assert fg.plot_cues(comparison.cue_categories, ax=ax) is ax


@pytest.mark.parametrize("draw", [
    lambda c: fg.plot_frames_by_voice(c.frames, labels=c.frame_labels),
    lambda c: fg.plot_sources(c.source_mix),
    lambda c: fg.plot_cues(c.cue_categories),
    lambda c: fg.plot_sentiment(c.sentiment),
    lambda c: fg.plot_distinctive(c.distinctive, "Harbor Daily"),
])
def test_figures_have_labels(comparison, draw):
    ax = draw(comparison)
    assert ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()]


def test_frames_figure_has_one_series_per_group_and_voice(comparison):
    ax = fg.plot_frames_by_voice(comparison.frames)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["Harbor Daily, own voice", "Harbor Daily, attributed",
                      "Summit Post, own voice", "Summit Post, attributed"]


def test_distinctive_bars_are_z_scores(comparison):
    ax = fg.plot_distinctive(comparison.distinctive, "Harbor Daily", top=3)
    d = comparison.distinctive[comparison.distinctive["group"] == "Harbor Daily"].head(3)
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == sorted(round(z, 6) for z in d["z"])


@pytest.mark.parametrize("draw", [
    lambda c: fg.plot_voice_mix(c.voice.iloc[0:0]),
    lambda c: fg.plot_sources(c.source_mix.iloc[0:0]),
    lambda c: fg.plot_cues(c.cue_categories.iloc[0:0]),
    lambda c: fg.plot_distinctive(c.distinctive, "Nobody"),
])
def test_empty_tables_give_a_message_not_an_error(comparison, draw):
    ax = draw(comparison)
    assert ax.texts and not ax.axison


def _cue_table(categories):
    rows = [("Outlet A", c, 1, 1 / len(categories)) for c in categories]
    return pd.DataFrame(rows, columns=["group", "cue_category", "n", "share"])


def _bar_colors(ax):
    from matplotlib.colors import to_hex

    from matplotlib.container import BarContainer

    return {p.get_label(): to_hex(p.patches[0].get_facecolor())
            for p in ax.containers if isinstance(p, BarContainer)}


CUE_CATEGORIES = ["neutral", "distancing", "endorsing", "emotive", "denial", "cognitive",
                  "hedge", "other", "(none)"]


def test_every_cue_category_has_its_own_fixed_colour():
    from framing.figures import CUE_CATEGORY_COLORS, plot_cues

    colors = _bar_colors(plot_cues(_cue_table(CUE_CATEGORIES)))
    assert len(set(colors.values())) == len(CUE_CATEGORIES)          # all distinct
    assert colors["cognitive"] != colors["distancing"]                # the old clash
    for category in CUE_CATEGORIES:
        assert colors[category].lower() == CUE_CATEGORY_COLORS[category].lower()
    # fixed: the same category keeps its colour whatever else is in the table
    alone = _bar_colors(plot_cues(_cue_table(["cognitive", "neutral"])))
    assert alone["cognitive"] == colors["cognitive"]


def test_cue_categories_cover_the_cue_lexicon():
    from framing.figures import CUE_CATEGORY_COLORS
    from framing.lexicon import load_lexicon

    assert set(load_lexicon("cues").category_ids) <= set(CUE_CATEGORY_COLORS)


def test_voices_have_distinct_fixed_colours(comparison):
    from framing.figures import VOICE_COLORS, VOICES, plot_voice_mix

    assert set(VOICE_COLORS) == set(VOICES)
    assert len(set(VOICE_COLORS.values())) == len(VOICES)
    colors = _bar_colors(plot_voice_mix(comparison.voice))
    assert sorted(colors.values()) == sorted(c.lower() for c in VOICE_COLORS.values())


def test_source_legend_has_one_unknown_entry():
    from framing.figures import plot_sources

    mix = pd.DataFrame([("A", "type", "unknown", 2, 0, 0.0), ("A", "type", "official", 3, 0, 0.0),
                        ("A", "type", "state_media", 1, 0, 0.0)],
                       columns=["group", "dimension", "value", "n_attributions",
                                "n_quoted_words", "share_quoted_words"])
    labels = [t.get_text() for t in plot_sources(mix).get_legend().get_texts()]
    assert labels == ["official", "unknown", "state media"]
