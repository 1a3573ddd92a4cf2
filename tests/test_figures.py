import matplotlib
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
