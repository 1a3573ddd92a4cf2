"""Figures: a tidy comparison table and an optional Axes in, the Axes out.

No ``show``, no ``savefig``, no pyplot state: without an Axes a new ``Figure`` is made (not
registered with pyplot). House style (fonts, sizes) is applied by :mod:`framing.report`.
Intervals are 95% article-level bootstrap intervals from :mod:`framing.compare`; a group with a
single article has none, which the figures show as a bare marker.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

VOICES = ("asserted", "direct", "indirect", "according_to", "mixed")
# The colours of every figure and of the report's annotations, defined here once. Colour-blind
# safe: the Okabe & Ito (2008) palette ("Color Universal Design") plus greys.
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "reddish_purple": "#CC79A7", "black": "#000000"}
# One fixed colour per voice (the HTML and PDF annotations tint the same colours).
VOICE_COLORS = {"asserted": "#999999", "direct": OKABE_ITO["blue"],
                "indirect": OKABE_ITO["sky_blue"], "according_to": OKABE_ITO["bluish_green"],
                "mixed": OKABE_ITO["reddish_purple"]}
# One fixed, distinct colour per cue category of lexicons/cues.yaml, plus "other" (a cue
# outside the lexicon) and "(none)" (a cue without a category).
CUE_CATEGORY_COLORS = {"neutral": "#BBBBBB", "distancing": OKABE_ITO["vermillion"],
                       "endorsing": OKABE_ITO["bluish_green"],
                       "emotive": OKABE_ITO["reddish_purple"], "denial": OKABE_ITO["orange"],
                       "cognitive": OKABE_ITO["sky_blue"], "hedge": OKABE_ITO["yellow"],
                       "other": "#555555", "(none)": OKABE_ITO["blue"]}
# Groups (outlets, events) and other categorical values, in order.
PALETTE = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"],
           OKABE_ITO["reddish_purple"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"],
           OKABE_ITO["yellow"], OKABE_ITO["black"])
# Values without a fixed colour, after PALETTE: greys, never a colour that means something else.
_SPARE = ("#777777", "#AAAAAA", "#333333", "#DDDDDD")
VOICE_LABELS = {"asserted": "own voice (asserted)", "direct": "direct quote",
                "indirect": "indirect speech", "according_to": "according to",
                "mixed": "mixed"}


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def _err(values, low, high) -> np.ndarray | None:
    v, lo, hi = (np.asarray(x, dtype="float64") for x in (values, low, high))
    lower = np.where(np.isfinite(lo), v - lo, 0.0)
    upper = np.where(np.isfinite(hi), hi - v, 0.0)
    return np.vstack([np.clip(lower, 0, None), np.clip(upper, 0, None)])


def _empty(ax: Axes, message: str) -> Axes:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            color="#555555")
    ax.set_axis_off()
    return ax


def plot_voice_mix(voice: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Share of sentences in each voice, one stacked bar per group.

    Parameters
    ----------
    voice
        Columns ``group, voice, share, ci_low, ci_high`` (:data:`framing.compare.VOICE_COLUMNS`).
        The whisker at the end of the grey segment is the interval of the own-voice share.
    """
    groups = sorted(voice["group"].unique(), reverse=True) if not voice.empty else []
    ax = _axes(ax, (6.5, 0.45 * len(groups) + 1.6))
    if not groups:
        return _empty(ax, "no sentences")
    wide = voice.pivot_table(index="group", columns="voice", values="share",
                             fill_value=0.0).reindex(index=groups, columns=list(VOICES),
                                                     fill_value=0.0)
    left = np.zeros(len(groups))
    y = np.arange(len(groups))
    for v in VOICES:
        ax.barh(y, wide[v].to_numpy(), left=left, height=0.7, color=VOICE_COLORS[v],
                label=VOICE_LABELS[v], edgecolor="white", linewidth=0.5)
        left = left + wide[v].to_numpy()
    asserted = voice[voice["voice"] == "asserted"].set_index("group").reindex(groups)
    ax.errorbar(asserted["share"], y, xerr=_err(asserted["share"], asserted["ci_low"],
                                                asserted["ci_high"]),
                fmt="none", ecolor="black", elinewidth=1, capsize=3)
    ax.set_yticks(y, labels=groups)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sentences (whisker: 95% interval of the own-voice share)")
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize="small")
    return ax


def plot_frames_by_voice(frames: pd.DataFrame, *, labels: dict[str, str] | None = None,
                         ax: Axes | None = None) -> Axes:
    """Share of own-voice and of attributed sentences carrying each frame, per group.

    Parameters
    ----------
    frames
        Columns ``group, category, voice_class, share, ci_low, ci_high``. Filled markers are
        own-voice (asserted) sentences, hollow markers attributed ones; whiskers are intervals.
    labels
        Category id -> label.
    """
    data = frames[frames["n_sentences"] > 0] if not frames.empty else frames
    cats = sorted(data["category"].unique(), reverse=True) if not data.empty else []
    groups = sorted(data["group"].unique()) if not data.empty else []
    ax = _axes(ax, (6.5, 0.55 * len(cats) + 1.6))
    if not cats:
        return _empty(ax, "no frame hits")
    y0 = np.arange(len(cats))
    n = len(groups)
    step = 0.7 / max(n * 2, 1)
    for gi, group in enumerate(groups):
        color = PALETTE[gi % len(PALETTE)]
        for vi, vc in enumerate(("asserted", "attributed")):
            sub = data[(data["group"] == group) & (data["voice_class"] == vc)]
            sub = sub.set_index("category").reindex(cats)
            offset = -0.35 + step * (2 * gi + vi + 0.5)
            ax.errorbar(sub["share"], y0 + offset,
                        xerr=_err(sub["share"], sub["ci_low"], sub["ci_high"]),
                        fmt="o" if vc == "asserted" else "s", color=color, markersize=5,
                        markerfacecolor=color if vc == "asserted" else "white",
                        elinewidth=0.8, capsize=2,
                        label=f"{group}, {'own voice' if vc == 'asserted' else 'attributed'}")
    ax.set_yticks(y0, labels=[(labels or {}).get(c, c.replace("_", " ")) for c in cats])
    for y in y0[:-1]:
        ax.axhline(y + 0.5, color="#eeeeee", linewidth=0.6, zorder=0)
    ax.set_ylim(-0.5, len(cats) - 0.5)
    # a little room left of 0, so markers at 0 are not hidden by the axis
    high = float(np.nanmax(data[["share", "ci_high"]].to_numpy(dtype="float64")))
    high = min(1.0, high) if math.isfinite(high) and high > 0 else 1.0
    ax.set_xlim(-0.03 * high, high * 1.05)
    ax.set_xlabel("share of the voice's sentences with the frame")
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.legend(ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize="small")
    return ax


def _stacked(ax: Axes, wide: pd.DataFrame, xlabel: str, colors: dict[str, str] | None = None):
    groups = list(wide.index)
    y = np.arange(len(groups))
    left = np.zeros(len(groups))
    spare = iter(_SPARE * len(wide.columns))
    for i, col in enumerate(wide.columns):
        if colors is not None:
            color = colors.get(col) or next(spare)
        else:
            color = PALETTE[i % len(PALETTE)] if i < len(PALETTE) else next(spare)
        ax.barh(y, wide[col].to_numpy(), left=left, height=0.7,
                label=str(col).replace("_", " "), color=color, edgecolor="white",
                linewidth=0.5)
        left = left + wide[col].to_numpy()
    ax.set_yticks(y, labels=groups)
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize="small")


def plot_sources(source_mix: pd.DataFrame, *, dimension: str = "type", top: int = 7,
                 ax: Axes | None = None) -> Axes:
    """Whose voices are heard: share of attributions by source type (or country) per group.

    Parameters
    ----------
    source_mix
        Columns ``group, dimension, value, n_attributions`` (SOURCE_MIX_COLUMNS).
    dimension
        ``"type"`` or ``"country"``; values beyond the ``top`` most frequent are "other".
    """
    data = source_mix[source_mix["dimension"] == dimension] if not source_mix.empty else source_mix
    groups = sorted(data["group"].unique(), reverse=True) if not data.empty else []
    ax = _axes(ax, (6.5, 0.45 * len(groups) + 1.8))
    if not groups:
        return _empty(ax, "no attributed sources")
    totals = data.groupby("value")["n_attributions"].sum().sort_values(ascending=False,
                                                                     kind="stable")
    keep = list(totals.index[:top])
    values = data.assign(value=data["value"].where(data["value"].isin(keep), "other"))
    wide = values.pivot_table(index="group", columns="value", values="n_attributions",
                              aggfunc="sum", fill_value=0)
    order = [c for c in keep if c in wide.columns] + (["other"] if "other" in wide.columns else [])
    wide = wide.reindex(index=groups, columns=order, fill_value=0)
    wide = wide.div(wide.sum(axis=1).replace(0, 1), axis=0)
    _stacked(ax, wide, f"share of attributions by source {dimension}")
    return ax


def plot_cues(cue_categories: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Cue profile: share of attribution cues in each epistemic category, per group."""
    groups = sorted(cue_categories["group"].unique(), reverse=True) \
        if not cue_categories.empty else []
    ax = _axes(ax, (6.5, 0.45 * len(groups) + 1.8))
    if not groups:
        return _empty(ax, "no attribution cues")
    wide = cue_categories.pivot_table(index="group", columns="cue_category", values="share",
                                      fill_value=0.0)
    order = list(CUE_CATEGORY_COLORS)
    cols = sorted(wide.columns, key=lambda c: (order.index(c) if c in order else len(order), c))
    wide = wide.reindex(index=groups, columns=cols, fill_value=0.0)
    _stacked(ax, wide, "share of attributions by cue category", CUE_CATEGORY_COLORS)
    return ax


def plot_sentiment(sentiment: pd.DataFrame, *, actors: list[str] | None = None,
                   actor_labels: dict[str, str] | None = None,
                   ax: Axes | None = None) -> Axes:
    """Mean VADER compound (95% interval) by voice and, in own voice, by actor mentioned.

    Parameters
    ----------
    sentiment
        Columns ``group, dimension, value, n_sentences, mean, ci_low, ci_high``.
    actors
        Actors to show (default: all in the table).
    actor_labels
        Actor id -> name shown ("un" -> "UN"); default: the id in words.
    """
    rows = sentiment[(sentiment["dimension"] == "voice_class")
                     & sentiment["value"].isin(["asserted", "attributed"])]
    act = sentiment[sentiment["dimension"] == "actor_own_voice"]
    if actors is not None:
        act = act[act["value"].isin(actors)]
    data = pd.concat([rows.assign(item=rows["value"].map({"asserted": "own voice",
                                                          "attributed": "attributed"})),
                      act.assign(item="own voice, mentioning " + act["value"].map(
                          lambda a: (actor_labels or {}).get(a) or a.replace("_", " ")))])
    data = data[data["n_sentences"] > 0]
    items = list(dict.fromkeys(data["item"]))[::-1]
    groups = sorted(data["group"].unique()) if not data.empty else []
    ax = _axes(ax, (6.5, 0.5 * len(items) + 1.6))
    if not items:
        return _empty(ax, "no sentences")
    y0 = np.arange(len(items))
    step = 0.7 / max(len(groups), 1)
    for gi, group in enumerate(groups):
        sub = data[data["group"] == group].set_index("item").reindex(items)
        color = PALETTE[gi % len(PALETTE)]
        ax.errorbar(sub["mean"], y0 - 0.35 + step * (gi + 0.5),
                    xerr=_err(sub["mean"], sub["ci_low"], sub["ci_high"]), fmt="o",
                    color=color, markersize=5, elinewidth=0.8, capsize=2, label=group)
    ax.axvline(0, color="#888888", linewidth=0.8)
    ax.set_yticks(y0, labels=items)
    lim = max(0.3, float(np.nanmax(np.abs(data[["mean", "ci_low", "ci_high"]].to_numpy(
        dtype="float64")))) if len(data) else 1.0)
    lim = min(1.0, lim * 1.1) if math.isfinite(lim) else 1.0
    ax.set_xlim(-lim, lim)
    ax.set_xlabel("mean VADER compound (-1 negative … +1 positive)")
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize="small")
    return ax


def plot_distinctive(distinctive: pd.DataFrame, group: str, *, top: int = 12,
                     ax: Axes | None = None) -> Axes:
    """The group's most distinctive words: log-odds z-scores against all other groups.

    Parameters
    ----------
    distinctive
        Columns ``group, term, count, z`` (:data:`framing.compare.DISTINCTIVE_COLUMNS`).
    group
        Which group's words to draw. Bars past |z| = 1.96 are darker.
    """
    data = distinctive[distinctive["group"] == group].sort_values("z", ascending=False,
                                                                  kind="stable").head(top)
    ax = _axes(ax, (3.2, 0.28 * max(len(data), 3) + 1.0))
    if data.empty:
        return _empty(ax, f"{group}: no distinctive words")
    data = data.iloc[::-1]
    colors = ["#0072B2" if z >= 1.96 else "#9ecae1" for z in data["z"]]
    ax.barh(np.arange(len(data)), data["z"], color=colors, height=0.7)
    ax.set_yticks(np.arange(len(data)), labels=[f"{t} ({c})" for t, c in
                                                zip(data["term"], data["count"])])
    ax.axvline(1.96, color="#888888", linewidth=0.8, linestyle="--")
    ax.set_xlabel("z (log-odds, Dirichlet prior)")
    ax.set_title(group, fontsize="medium")
    return ax
