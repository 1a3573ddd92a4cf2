"""Outlet comparison: who speaks, in whose voice, with which frames, cues and words.

``compare(analysis, by="outlet")`` turns the tidy tables of :func:`framing.analyze` into tidy
comparison tables (one row per group and item, never a wide table), with article-level
bootstrap intervals, one-against-the-rest permutation tests where the groups are large enough,
and explicit warnings where they are not. ``to_json`` gives the machine-readable contract of
``framing compare --format json``.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing.analysis import ACTOR_LEXICON, FRAME_LEXICON, VOICES, Analysis
from framing.errors import FramingError
from framing.stats import (MIN_ARTICLES, N_BOOT, benjamini_hochberg, bootstrap_ratio_ci,
                           log_odds_dirichlet, permutation_test_many)

GroupBy = Literal["outlet", "event"]
# Datelines and bylines are page furniture and captions describe pictures ("This photo
# shows ..."): the measures, attributions, actor mentions and frame hits compared all come from
# headline and body sentences.
NARRATIVE_KINDS = ("headline", "body")
VOICE_CLASSES = ("asserted", "attributed")
# The stance profile contrasts these frames in the outlet's own voice (conflict_frames ids).
JUSTIFICATION_FRAMES = ("defensive_justification",)
THREAT_FRAMES = ("threat_provocation",)
DISTANCING = "distancing"

GROUP_COLUMNS = ["group", "n_articles", "n_sentences", "n_words", "n_attributions",
                 "small_sample"]
VOICE_COLUMNS = ["group", "voice", "n_sentences", "share", "ci_low", "ci_high"]
FRAME_COLUMNS = ["group", "category", "voice_class", "n_sentences", "n_with_frame", "share",
                 "ci_low", "ci_high"]
FRAME_OWNER_COLUMNS = ["group", "category", "source", "source_type", "n_sentences"]
SOURCE_COLUMNS = ["group", "source_name", "source_type", "source_country", "n_attributions",
                  "n_quoted_words", "share_attributions", "share_quoted_words"]
SOURCE_MIX_COLUMNS = ["group", "dimension", "value", "n_attributions", "n_quoted_words",
                      "share_quoted_words"]
CUE_COLUMNS = ["group", "cue_lemma", "cue_category", "n"]
CUE_CATEGORY_COLUMNS = ["group", "cue_category", "n", "share"]
SENTIMENT_COLUMNS = ["group", "dimension", "value", "n_sentences", "mean", "ci_low", "ci_high"]
ACTOR_LABEL_COLUMNS = ["group", "actor", "label", "n", "share"]
DISTINCTIVE_COLUMNS = ["group", "term", "count", "count_rest", "log_odds", "se", "z"]
STANCE_COLUMNS = ["group", "actor", "component", "value", "n", "description"]
TEST_COLUMNS = ["group", "measure", "value", "value_rest", "difference", "p_value", "q_value",
                "n_articles", "n_articles_rest", "note"]
EVENT_OUTLET_COLUMNS = ["event", "outlet", "n_articles", "n_sentences", "asserted_share",
                        "quoted_share", "frames", "sources"]

_UNNAMED = {"", "unnamed", "(unnamed)", "unknown", "he", "she", "they", "it", "the", "a", "an",
            "and", "this", "that", "which", "who", "we", "i", "you", "report", "news", "nan",
            "none"}
_MAX_FINDING_GROUPS = 6
_PER_KIND = 3
_TOKEN = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_TOP_TERMS = 20


@dataclass(frozen=True)
class Finding:
    """One key difference in plain words, with the sentences that show it."""

    text: str
    evidence: tuple[tuple[str, int], ...] = ()   # (article_id, sentence index)


@dataclass(frozen=True)
class Comparison:
    """Tidy comparison tables (each documented by its ``*_COLUMNS`` constant).

    ``by`` names what ``group`` holds ("outlet" or "event"). ``warnings`` say where the data are
    too thin for intervals or tests to mean anything.
    """

    by: str
    groups: pd.DataFrame
    voice: pd.DataFrame
    frames: pd.DataFrame
    frame_owners: pd.DataFrame
    sources: pd.DataFrame
    source_mix: pd.DataFrame
    cues: pd.DataFrame
    cue_categories: pd.DataFrame
    sentiment: pd.DataFrame
    actor_labels: pd.DataFrame
    distinctive: pd.DataFrame
    stance: pd.DataFrame
    tests: pd.DataFrame
    events: pd.DataFrame
    event_outlets: pd.DataFrame
    alignment: pd.DataFrame
    unique: pd.DataFrame
    warnings: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    frame_labels: dict[str, str] = field(default_factory=dict)
    frame_lexicon: str = FRAME_LEXICON

    def to_json(self) -> dict[str, Any]:
        """The ``framing compare --format json`` document: ``{"groups": [...], ...}``."""
        out = []
        frames = sorted(self.frames["category"].unique()) if not self.frames.empty else []
        for g in self.groups.itertuples(index=False):
            voice = self.voice[self.voice["group"] == g.group].set_index("voice")["share"]
            vshare = {v: _num(voice.get(v, 0.0)) for v in VOICES}
            fr = self.frames[self.frames["group"] == g.group]
            frame_doc = {}
            for cat in frames:
                sub = fr[fr["category"] == cat].set_index("voice_class")["share"]
                frame_doc[cat] = {vc: _num(sub.get(vc, 0.0)) for vc in VOICE_CLASSES}
            cues = self.cues[self.cues["group"] == g.group]
            cue_doc: dict[str, int] = {}
            for r in cues.itertuples(index=False):
                cue_doc[r.cue_lemma] = cue_doc.get(r.cue_lemma, 0) + int(r.n)
            cats = self.cue_categories[self.cue_categories["group"] == g.group]
            src = self.sources[self.sources["group"] == g.group]
            sent = self.sentiment[(self.sentiment["group"] == g.group)
                                  & (self.sentiment["dimension"] == "voice_class")]
            sent = sent.set_index("value")["mean"]
            asserted = vshare["asserted"]
            out.append({
                self.by: g.group, "articles": int(g.n_articles), "sentences": int(g.n_sentences),
                "words": int(g.n_words), "voice_share": vshare,
                "quoted_share": _num(1.0 - asserted) if g.n_sentences else 0.0,
                "frames": frame_doc, "cues": dict(sorted(cue_doc.items())),
                "cue_categories": {r.cue_category: int(r.n) for r in cats.itertuples(index=False)},
                "sources": [{"name": r.source_name, "type": r.source_type,
                             "country": r.source_country, "count": int(r.n_attributions),
                             "quoted_words": int(r.n_quoted_words)}
                            for r in src.itertuples(index=False)],
                "sentiment": {k: _num(sent.get(k, math.nan)) for k in ("asserted", "attributed",
                                                                      "all")},
                "small_sample": bool(g.small_sample),
            })
        return {"by": self.by, "frame_lexicon": self.frame_lexicon, "groups": out,
                "warnings": list(self.warnings), "findings": [f.text for f in self.findings]}


def _num(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 6)


# ---------------------------------------------------------------- helpers

def _ci(num: np.ndarray, den: np.ndarray, n_articles: int, n_boot: int) -> tuple[float, float]:
    if n_articles < 2 or n_boot <= 0:
        return math.nan, math.nan
    return bootstrap_ratio_ci(num, den, n_boot=n_boot)


def _split(values: pd.Series) -> pd.Series:
    """``;``-joined ids as lists (empty string -> empty list)."""
    return values.fillna("").map(lambda s: [x for x in s.split(";") if x])


def _frame_labels(lexicon: Any = FRAME_LEXICON) -> dict[str, str]:
    """Category id -> label of a lexicon (name, path or Lexicon); {} when it cannot be read."""
    try:
        from framing.lexicon import load_lexicon
        lexicon = load_lexicon(lexicon)
    except Exception:  # noqa: BLE001 - labels are cosmetic; ids are shown instead
        return {}
    labels = {}
    for cat in getattr(lexicon, "categories", ()) or ():
        cid = getattr(cat, "id", None)
        label = getattr(cat, "label", None)
        if cid and label:
            labels[cid] = label
    return labels


def label_of(category: str, labels: dict[str, str] | None = None) -> str:
    """Human label of a frame id: the lexicon's label, else the id in words."""
    if labels and category in labels:
        return labels[category]
    return category.replace("_", " ").capitalize()


def _indicators(lists: pd.Series) -> dict[str, np.ndarray]:
    """One boolean array per item of ``;``-split lists, in one pass over the rows."""
    out: dict[str, np.ndarray] = {}
    for i, lst in enumerate(lists):
        for item in lst:
            if item not in out:
                out[item] = np.zeros(len(lists), dtype=bool)
            out[item][i] = True
    return out


def _has(lists: pd.Series, *items: str) -> pd.Series:
    """Boolean Series: does each list hold any of ``items`` (bool dtype even when empty)."""
    return pd.Series([any(i in lst for i in items) for lst in lists], index=lists.index,
                     dtype=bool)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def _is_speech(row: dict) -> bool:
    """:func:`framing.attribution.is_speech` for a row of the attributions table."""
    from framing import attribution

    start, end = row.get("cue_start"), row.get("cue_end")
    has_cue = start is not None and start is not pd.NA and not (
        isinstance(start, float) and math.isnan(start))
    att = {k: ("" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
               else v) for k, v in row.items()}
    att["cue"] = (int(start), int(end)) if has_cue else None
    try:
        att["n_quoted_words"] = int(att.get("n_quoted_words") or 0)
    except (TypeError, ValueError):
        att["n_quoted_words"] = 0
    if not attribution.is_speech(att):
        return False
    # "the gathering is expected to take days": the outlet's own hedge, not a source speaking
    # (the sentence voices treat it so too)
    hedge = getattr(attribution, "_impersonal_hedge", None)
    if hedge is not None and not att.get("source_name"):
        att["content_first"] = str(att.get("content_text", ""))[:8]
        if hedge(att):
            return False
    return True


def speech_attributions(attributions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The attributions a comparison counts: speech (:func:`framing.attribution.is_speech`,
    so not "convened", "refused", "did not", a photo that "shows") in headline or body
    sentences (not captions, datelines or bylines).

    Parameters
    ----------
    attributions
        ``framing.attribution.ATTRIBUTION_COLUMNS`` rows. Not modified.
    sentences
        The sentence table (``article_id, index, kind``) the attributions belong to.

    Returns
    -------
    DataFrame
        The kept rows, same columns.
    """
    if attributions.empty:
        return attributions
    kind_of = dict(zip(zip(sentences["article_id"], sentences["index"].astype("int64")),
                       sentences["kind"]))
    index = pd.to_numeric(attributions["sentence_index"], errors="coerce").fillna(-1)
    narrative = [kind_of.get((a, int(i)), "body") in NARRATIVE_KINDS
                 for a, i in zip(attributions["article_id"], index)]
    if {"cue_category", "kind", "cue_start"} <= set(attributions.columns):
        speech = [_is_speech(r) for r in attributions.to_dict(orient="records")]
    else:            # a table without the attribution details: every row is speech
        speech = [True] * len(attributions)
    return attributions[np.asarray(narrative, dtype=bool) & np.asarray(speech, dtype=bool)]


def narrative_hits(hits: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Hits in headline and body sentences (by ``sentence_kind``, else the sentence table)."""
    if hits.empty:
        return hits
    if "sentence_kind" in hits.columns and hits["sentence_kind"].notna().any():
        return hits[hits["sentence_kind"].isin(NARRATIVE_KINDS)]
    kind_of = dict(zip(zip(sentences["article_id"], sentences["index"].astype("int64")),
                       sentences["kind"]))
    index = pd.to_numeric(hits["sentence_index"], errors="coerce").fillna(-1).astype("int64")
    keep = [kind_of.get((a, i), "body") in NARRATIVE_KINDS
            for a, i in zip(hits["article_id"], index)]
    return hits[np.asarray(keep, dtype=bool)]


def _frame_lexicon(analysis: Analysis, frames: Any) -> tuple[str, Any]:
    """``(name, spec)`` of the frame lexicon: ``frames`` if given, else the analysis's own."""
    recorded = (analysis.provenance or {}).get("frames") or {}
    if frames is None:
        name = recorded.get("name") or FRAME_LEXICON
        source = str(recorded.get("source") or "")
        if source.startswith("builtin:"):
            return name, source.removeprefix("builtin:")
        return name, source if source and Path(source).is_file() else name
    from framing.lexicon import load_lexicon

    return load_lexicon(frames).name, frames


# ---------------------------------------------------------------- the comparison

def compare(analysis: Analysis, *, by: GroupBy = "outlet", n_boot: int = N_BOOT,
            events: bool = True, n_perm: int = 2000, frames: Any = None) -> Comparison:
    """Compare groups of articles (outlets or events) side by side, with uncertainty.

    Parameters
    ----------
    analysis
        Tables from :func:`framing.analyze`.
    by
        ``"outlet"`` or ``"event"``.
    n_boot
        Bootstrap replicates for the intervals (articles are resampled within each group).
    events
        Group articles into events and align their sentences across outlets.
    n_perm
        Permutations for the tests (each group against all others pooled).
    frames
        The frame lexicon (name, path or Lexicon) for the frame measures; default the one the
        analysis used (``provenance["frames"]``, else ``conflict_frames``). Another lexicon
        must have been matched by the analysis (``analyze(lexicons=[...])``).

    Returns
    -------
    Comparison
        Tidy tables; see the ``*_COLUMNS`` constants of this module.

    Raises
    ------
    FramingError
        When ``by`` is not a known grouping, the analysis holds no article, or the frame
        lexicon was not matched by the analysis.

    Examples
    --------
    >>> from framing import analyze
    >>> comparison = compare(analyze("seeds"))
    >>> sorted(comparison.groups["group"])
    ['Press TV', 'Yonhap']
    """
    if by not in ("outlet", "event"):
        raise FramingError(f"cannot compare by {by!r}; choose outlet or event")
    if analysis.articles.empty:
        raise FramingError("no articles to compare: every input was skipped "
                           f"({len(analysis.skipped)} skipped)")
    articles = analysis.articles.copy()
    texts = analysis.sentences.groupby("article_id")["text"].agg(" ".join).to_dict()
    from framing.events import group_events

    event_table = group_events(articles.rename(columns={}), texts) if events or by == "event" \
        else pd.DataFrame(columns=["article_id", "event"])
    if by == "event":
        articles["group"] = articles["article_id"].map(
            event_table.set_index("article_id")["event"])
    else:
        articles["group"] = articles["outlet"]
    articles = articles.sort_values(["group", "article_id"], kind="stable").reset_index(drop=True)
    group_of = articles.set_index("article_id")["group"]
    frame_name, frame_spec = _frame_lexicon(analysis, frames)
    sents = analysis.sentences[analysis.sentences["kind"].isin(NARRATIVE_KINDS)].copy()
    sents["group"] = sents["article_id"].map(group_of)
    sents["asserted"] = sents["voice"] == "asserted"
    hits = narrative_hits(analysis.hits, analysis.sentences)
    recorded = ((analysis.provenance or {}).get("frames") or {}).get("name") or FRAME_LEXICON
    if frame_name != recorded:          # another matched lexicon as the frames: its hits
        matched = {x.get("name") for x in (analysis.provenance or {}).get("lexicons", [])}
        if frame_name not in matched | set(analysis.hits.get("lexicon", ())):
            raise FramingError(
                f"the analysis did not match the frame lexicon {frame_name!r} (matched: "
                f"{', '.join(sorted(x for x in matched if x)) or 'none recorded'}); re-run "
                f"it with 'framing analyze ... --frames {frames}'")
        fh = hits[hits["lexicon"] == frame_name]
        per_sentence: dict[tuple[str, int], set[str]] = {}
        for a, i, cat in zip(fh["article_id"], fh["sentence_index"], fh["category"]):
            per_sentence.setdefault((a, int(i)), set()).add(cat)
        sents["frames"] = [";".join(sorted(per_sentence.get((a, int(i)), ())))
                           for a, i in zip(sents["article_id"], sents["index"])]
    sents["frame_list"] = _split(sents["frames"])
    sents["actor_list"] = _split(sents["actors"])
    attrs = speech_attributions(analysis.attributions, analysis.sentences).copy()
    if not attrs.empty:
        attrs["group"] = attrs["article_id"].map(group_of)
    labels = _frame_labels(frame_spec)

    groups_order = sorted(articles["group"].unique())
    n_articles = articles.groupby("group").size()

    # --- group sizes
    n_sent = sents.groupby("group").size()
    n_words = sents.groupby("group")["n_words"].sum()
    n_attr = attrs.groupby("group").size() if not attrs.empty else pd.Series(dtype="int64")
    groups = pd.DataFrame({
        "group": groups_order,
        "n_articles": [int(n_articles[g]) for g in groups_order],
        "n_sentences": [int(n_sent.get(g, 0)) for g in groups_order],
        "n_words": [int(n_words.get(g, 0)) for g in groups_order],
        "n_attributions": [int(n_attr.get(g, 0)) for g in groups_order],
    })
    groups["small_sample"] = groups["n_articles"] < MIN_ARTICLES

    # Per-article sums of every measure (np.bincount), then sliced per group: one pass each.
    art_pos = {a: i for i, a in enumerate(articles["article_id"])}
    rows_pos = sents["article_id"].map(art_pos).to_numpy()
    group_pos = {g: np.flatnonzero(articles["group"].to_numpy() == g) for g in groups_order}

    def per_article(values) -> np.ndarray:
        return np.bincount(rows_pos, weights=np.asarray(values, dtype="float64"),
                           minlength=len(articles))

    def ratio_rows(g: str, num_a: np.ndarray, den_a: np.ndarray):
        nums, dens = num_a[group_pos[g]], den_a[group_pos[g]]
        total = dens.sum()
        share = nums.sum() / total if total else math.nan
        low, high = _ci(nums, dens, len(nums), n_boot) if total else (math.nan, math.nan)
        return share, low, high, int(round(total)), int(round(nums.sum()))

    # --- voice mix
    ones = per_article(np.ones(len(sents)))
    voice_rows = []
    for v in VOICES:
        num_a = per_article(sents["voice"] == v)
        for g in groups_order:
            share, low, high, total, count = ratio_rows(g, num_a, ones)
            voice_rows.append((g, v, count, share, low, high))
    voice = pd.DataFrame(voice_rows, columns=VOICE_COLUMNS).sort_values(
        ["group", "voice"], key=lambda col: col.map({v: i for i, v in enumerate(VOICES)})
        if col.name == "voice" else col, kind="stable").reset_index(drop=True)

    # --- frames by voice
    # Every category of the frame lexicon, so a frame no group uses still shows as 0.
    frame_ind = _indicators(sents["frame_list"])
    categories = sorted(set(labels) | set(frame_ind))
    frame_rows = []
    for vc in VOICE_CLASSES:
        in_class = (sents["asserted"] if vc == "asserted" else ~sents["asserted"]).to_numpy(float)
        den_a = per_article(in_class)
        for cat in categories:
            has = frame_ind.get(cat, np.zeros(len(sents), dtype=bool))
            num_a = per_article(has.astype(float) * in_class)
            for g in groups_order:
                share, low, high, total, count = ratio_rows(g, num_a, den_a)
                frame_rows.append((g, cat, vc, total, count, share if total else 0.0, low, high))
    frame_table = pd.DataFrame(frame_rows, columns=FRAME_COLUMNS).sort_values(
        ["group", "category", "voice_class"], kind="stable").reset_index(drop=True)
    owners = sents[~sents["asserted"]].explode("frame_list").dropna(subset=["frame_list"])
    frame_owners = (owners.assign(source=owners["source"].replace("", "(unnamed)"))
                    .groupby(["group", "frame_list", "source", "source_type"]).size()
                    .rename("n_sentences").reset_index()
                    .rename(columns={"frame_list": "category"}))
    frame_owners = frame_owners.sort_values(["group", "category", "n_sentences", "source"],
                                            ascending=[True, True, False, True], kind="stable")
    frame_owners = frame_owners.reset_index(drop=True)[FRAME_OWNER_COLUMNS]

    # --- sources and cues
    sources, source_mix, cues, cue_categories = _sources_and_cues(attrs)

    # --- sentiment
    sentiment = _sentiment(sents, groups_order, per_article, ratio_rows)

    # --- actor labels
    actor_labels = _actor_labels(hits, articles)

    # --- distinctive words
    distinctive = _distinctive(sents)

    # --- stance
    stance = _stance(sents, attrs, actor_labels, groups_order)

    # --- tests
    tests = _tests(sents, articles, groups_order, categories, n_perm, frame_ind)

    # --- events
    event_sentences = analysis.sentences
    if frame_name != recorded:
        redone = dict(zip(zip(sents["article_id"], sents["index"]), sents["frames"]))
        event_sentences = event_sentences.assign(frames=[
            redone.get((a, i), "") for a, i in zip(event_sentences["article_id"],
                                                   event_sentences["index"])])
    ev, event_outlets, alignment, unique = _events(event_table, articles, event_sentences,
                                                   labels) if events else (
        pd.DataFrame(columns=["article_id", "outlet", "date", "event", "event_source"]),
        pd.DataFrame(columns=EVENT_OUTLET_COLUMNS), pd.DataFrame(), pd.DataFrame())

    warnings = _warnings(groups, by)
    comparison = Comparison(by, groups, voice, frame_table, frame_owners, sources, source_mix,
                            cues, cue_categories, sentiment, actor_labels, distinctive, stance,
                            tests, ev, event_outlets, alignment, unique, tuple(warnings), (),
                            labels, frame_name)
    findings = key_findings(comparison, analysis, attributions=attrs)
    return Comparison(**{**comparison.__dict__, "findings": tuple(findings)})


def _sources_and_cues(attrs: pd.DataFrame):
    if attrs.empty:
        return (pd.DataFrame(columns=SOURCE_COLUMNS), pd.DataFrame(columns=SOURCE_MIX_COLUMNS),
                pd.DataFrame(columns=CUE_COLUMNS), pd.DataFrame(columns=CUE_CATEGORY_COLUMNS))
    a = attrs.copy()
    for col in ("source_name", "source_type", "source_country", "cue_lemma", "cue_category"):
        a[col] = a[col].fillna("").astype(str) if col in a else ""
    a["source_name"] = a["source_name"].replace("", "(unnamed)")
    a["n_quoted_words"] = pd.to_numeric(a.get("n_quoted_words", 0), errors="coerce").fillna(0)
    src = (a.groupby(["group", "source_name", "source_type", "source_country"])
           .agg(n_attributions=("source_name", "size"), n_quoted_words=("n_quoted_words", "sum"))
           .reset_index())
    tot_a = src.groupby("group")["n_attributions"].transform("sum")
    tot_q = src.groupby("group")["n_quoted_words"].transform("sum")
    src["share_attributions"] = src["n_attributions"] / tot_a
    src["share_quoted_words"] = np.where(tot_q > 0,
                                         src["n_quoted_words"] / tot_q.where(tot_q > 0, 1),
                                         0.0)
    src["n_quoted_words"] = src["n_quoted_words"].astype("int64")
    src = src.sort_values(["group", "n_attributions", "n_quoted_words", "source_name"],
                          ascending=[True, False, False, True], kind="stable")
    mix_rows = []
    for dim in ("source_type", "source_country"):
        # an empty value and the attribution module's own "unknown" are one thing: one entry
        m = (a.assign(value=a[dim].replace({"": "unknown", "(unknown)": "unknown"}))
             .groupby(["group", "value"])
             .agg(n_attributions=("value", "size"), n_quoted_words=("n_quoted_words", "sum"))
             .reset_index())
        tq = m.groupby("group")["n_quoted_words"].transform("sum")
        m["share_quoted_words"] = np.where(tq > 0, m["n_quoted_words"] / tq.where(tq > 0, 1), 0.0)
        m["dimension"] = dim.removeprefix("source_")
        mix_rows.append(m)
    mix = pd.concat(mix_rows, ignore_index=True)
    mix["n_quoted_words"] = mix["n_quoted_words"].astype("int64")
    mix = mix.sort_values(["group", "dimension", "n_attributions", "value"],
                          ascending=[True, True, False, True], kind="stable")
    c = a[a["cue_lemma"] != ""]
    cues = (c.groupby(["group", "cue_lemma", "cue_category"]).size().rename("n").reset_index()
            .sort_values(["group", "n", "cue_lemma"], ascending=[True, False, True],
                         kind="stable"))
    cats = (c.assign(cue_category=c["cue_category"].replace("", "(none)"))
            .groupby(["group", "cue_category"]).size().rename("n").reset_index())
    cats["share"] = cats["n"] / cats.groupby("group")["n"].transform("sum")
    cats = cats.sort_values(["group", "n", "cue_category"], ascending=[True, False, True],
                            kind="stable")
    return (src.reset_index(drop=True)[SOURCE_COLUMNS],
            mix.reset_index(drop=True)[SOURCE_MIX_COLUMNS],
            cues.reset_index(drop=True)[CUE_COLUMNS],
            cats.reset_index(drop=True)[CUE_CATEGORY_COLUMNS])


def _sentiment(sents, groups_order, per_article, ratio_rows) -> pd.DataFrame:
    asserted = sents["asserted"].to_numpy(bool)
    selections = [("voice_class", "all", np.ones(len(sents), bool)),
                  ("voice_class", "asserted", asserted),
                  ("voice_class", "attributed", ~asserted)]
    selections += [("voice", v, (sents["voice"] == v).to_numpy(bool)) for v in VOICES]
    actors = sorted({x for lst in sents["actor_list"] for x in lst})
    actor_ind = _indicators(sents["actor_list"])
    selections += [("actor_own_voice", actor, asserted & actor_ind[actor]) for actor in actors]
    compound = sents["compound"].to_numpy(float)
    rows = []
    for dim, value, mask in selections:
        num_a = per_article(np.where(mask, compound, 0.0))
        den_a = per_article(mask.astype(float))
        for g in groups_order:
            mean, low, high, n, _ = ratio_rows(g, num_a, den_a)
            if n == 0 and dim == "actor_own_voice":
                continue
            rows.append((g, dim, value, n, mean, low, high))
    out = pd.DataFrame(rows, columns=SENTIMENT_COLUMNS)
    return out.sort_values(["group"], kind="stable").reset_index(drop=True)


def _actor_labels(hits: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    if hits.empty:
        return pd.DataFrame(columns=ACTOR_LABEL_COLUMNS)
    h = hits[hits["lexicon"] == ACTOR_LEXICON]
    if h.empty:
        return pd.DataFrame(columns=ACTOR_LABEL_COLUMNS)
    group_of = articles.set_index("article_id")["group"]
    label_col = "matched" if "matched" in h.columns else "entry"
    # "Pyongyang's" is "Pyongyang", "SEOUL" (a dateline) is "Seoul": one label, shown in its
    # most frequent spelling.
    surface = h[label_col].astype(str).str.replace(r"['’]s$", "", regex=True).str.strip()
    key = surface.str.lower()
    display = (pd.DataFrame({"key": key, "surface": surface})
               .groupby(["key", "surface"]).size().rename("n").reset_index()
               .sort_values(["key", "n", "surface"], ascending=[True, False, False])
               .drop_duplicates("key").set_index("key")["surface"])
    h = h.assign(group=h["article_id"].map(group_of), label=key.map(display))
    out = h.groupby(["group", "category", "label"]).size().rename("n").reset_index()
    out = out.rename(columns={"category": "actor"})
    out["share"] = out["n"] / out.groupby(["group", "actor"])["n"].transform("sum")
    out = out.sort_values(["group", "actor", "n", "label"], ascending=[True, True, False, True],
                          kind="stable")
    return out.reset_index(drop=True)[ACTOR_LABEL_COLUMNS]


def _distinctive(sents: pd.DataFrame) -> pd.DataFrame:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts: Counter = Counter()
    for g, texts in sents.groupby("group", sort=True)["text"]:
        # one regex pass over the group's text, then one C-level count
        tokens = Counter(_TOKEN.findall("\n".join(texts).lower().replace("’", "'")))
        for token, n in tokens.items():
            if len(token) > 2 and token not in ENGLISH_STOP_WORDS:
                counts[(g, token)] = n
    if not counts:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    table = pd.DataFrame([(g, t, n) for (g, t), n in counts.items()],
                         columns=["group", "term", "count"])
    scored = log_odds_dirichlet(table, min_count=2)
    if scored.empty:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    scored = scored[scored["count"] > 0]
    return scored.groupby("group", sort=True).head(_TOP_TERMS).reset_index(drop=True)


def source_actor(name: str, country: str, aliases: dict[str, set[str]]) -> str:
    """The actor a source speaks for: its country, else an actor label in its name.

    Examples
    --------
    >>> source_actor("Pyongyang's foreign ministry", "", {"north_korea": {"pyongyang"}})
    'north_korea'
    """
    return _ActorFinder(aliases)(name, country)


class _ActorFinder:
    """``source_actor`` with one compiled pattern per actor and a memo (called per row)."""

    def __init__(self, aliases: dict[str, set[str]]):
        self.keys = set(aliases)
        self.patterns = [(actor, re.compile(r"(?<![a-z])(?:" + "|".join(
            re.escape(label) for label in sorted(aliases[actor], key=len, reverse=True)
            if label) + r")(?![a-z])")) for actor in sorted(aliases) if any(aliases[actor])]
        self.memo: dict[tuple[str, str], str] = {}

    def __call__(self, name: str, country: str) -> str:
        key = (str(name), str(country))
        if key not in self.memo:
            norm = _norm(country)
            if norm and norm in self.keys:
                self.memo[key] = norm
            else:
                text = f" {key[0].lower()} {key[1].lower()} "
                self.memo[key] = next((a for a, p in self.patterns if p.search(text)), "")
        return self.memo[key]


def _stance(sents, attrs, actor_labels, groups_order) -> pd.DataFrame:
    aliases: dict[str, set[str]] = {}
    for r in actor_labels.itertuples(index=False):
        aliases.setdefault(r.actor, set()).add(str(r.label).lower())
    for actor in list(aliases):
        aliases[actor].add(actor.replace("_", " "))
    actors = sorted(aliases, key=lambda a: (-int(actor_labels.loc[actor_labels["actor"] == a,
                                                                  "n"].sum()), a))[:6]
    if not actors:
        return pd.DataFrame(columns=STANCE_COLUMNS)
    find = _ActorFinder(aliases)
    if not attrs.empty:
        attrs = attrs.assign(actor=[find(n, c) for n, c in
                                    zip(attrs["source_name"].fillna(""),
                                        attrs["source_country"].fillna(""))])
    attributed = sents[~sents["asserted"]]
    sent_actor = [find(s, "") for s in attributed["source"].fillna("")]
    attributed = attributed.assign(actor=sent_actor)
    own_voice = sents[sents["asserted"]]
    exploded = own_voice.assign(actor=own_voice["actor_list"]).explode("actor")
    exploded = exploded[exploded["actor"].isin(actors)]
    exploded = exploded.assign(
        just=_has(exploded["frame_list"], *JUSTIFICATION_FRAMES).astype(float),
        threat=_has(exploded["frame_list"], *THREAT_FRAMES).astype(float))
    mention = exploded.groupby(["group", "actor"]).agg(
        n=("just", "size"), just=("just", "mean"), threat=("threat", "mean"),
        sentiment=("compound", "mean"))
    if not attrs.empty:
        claims = attrs.assign(dist=(attrs["cue_category"] == DISTANCING).astype(float)) \
            .groupby(["group", "actor"]).agg(n=("dist", "size"), dist=("dist", "mean"))
    else:
        claims = pd.DataFrame(columns=["n", "dist"])
    n_attributed = attributed.groupby("group").size()
    voiced = attributed.groupby(["group", "actor"]).size()
    rows = []
    for g in groups_order:
        total = int(n_attributed.get(g, 0))
        for actor in actors:
            m = mention.loc[(g, actor)] if (g, actor) in mention.index else None
            cl = claims.loc[(g, actor)] if (g, actor) in claims.index else None
            n = int(m["n"]) if m is not None else 0
            n_own = int(cl["n"]) if cl is not None else 0
            rows += [
                (g, actor, "asserted_justification", m["just"] if n else math.nan, n,
                 "share of own-voice sentences mentioning the actor with a justification frame"),
                (g, actor, "asserted_threat", m["threat"] if n else math.nan, n,
                 "share of own-voice sentences mentioning the actor with a threat frame"),
                (g, actor, "own_voice_sentiment", m["sentiment"] if n else math.nan, n,
                 "mean VADER compound of own-voice sentences mentioning the actor"),
                (g, actor, "distancing_cues", cl["dist"] if n_own else math.nan, n_own,
                 "share of the actor's attributed claims introduced with a distancing cue"),
                (g, actor, "voice_share", voiced.get((g, actor), 0) / total if total
                 else math.nan, total,
                 "share of attributed sentences whose source speaks for the actor"),
            ]
    out = pd.DataFrame(rows, columns=STANCE_COLUMNS)
    out["value"] = out["value"].astype("float64")
    return out


def _tests(sents, articles, groups_order, categories, n_perm, frame_ind) -> pd.DataFrame:
    """Each group against all others pooled, articles permuted; BH-adjusted across tests."""
    if len(groups_order) < 2:
        return pd.DataFrame(columns=TEST_COLUMNS)
    ids = articles["article_id"].to_numpy()
    group_arr = articles["group"].to_numpy()
    idx = {a: i for i, a in enumerate(ids)}
    n = len(ids)
    measures = [("asserted_share", sents["asserted"].astype(float),
                 pd.Series(1.0, index=sents.index))]
    for cat in categories:
        has = pd.Series(frame_ind.get(cat, np.zeros(len(sents), dtype=bool)),
                        index=sents.index).astype(float)
        measures.append((f"frame_asserted:{cat}", has * sents["asserted"],
                         sents["asserted"].astype(float)))
    measures.append(("own_voice_sentiment", sents["compound"] * sents["asserted"],
                     sents["asserted"].astype(float)))
    num = np.zeros((n, len(measures)))
    den = np.zeros((n, len(measures)))
    rows_idx = sents["article_id"].map(idx).to_numpy()
    for j, (_, nu, de) in enumerate(measures):
        np.add.at(num[:, j], rows_idx, nu.to_numpy(dtype=float))
        np.add.at(den[:, j], rows_idx, de.to_numpy(dtype=float))
    rows = []
    for g in groups_order:
        mask = group_arr == g
        k = int(mask.sum())
        a_num, a_den = num[mask].sum(0), den[mask].sum(0)
        b_num, b_den = num[~mask].sum(0), den[~mask].sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            va, vb = a_num / a_den, b_num / b_den
        if k >= MIN_ARTICLES and n - k >= MIN_ARTICLES:
            diff, p = permutation_test_many(num, den, mask, n_perm=n_perm)
            note = ""
        else:
            diff, p = va - vb, np.full(len(measures), math.nan)
            note = (f"not tested: {k} article(s) here, {n - k} in the rest; "
                    f"a test needs at least {MIN_ARTICLES} on each side")
        for j, (name, _, _) in enumerate(measures):
            rows.append([g, name, va[j], vb[j], diff[j], p[j], math.nan, k, n - k, note])
    out = pd.DataFrame(rows, columns=TEST_COLUMNS)
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy(dtype=float))
    return out


def _events(event_table, articles, sentences, labels):
    from framing.events import align_event, unique_items

    ev = event_table.copy()
    event_of = ev.set_index("article_id")["event"]
    s = sentences.assign(event=sentences["article_id"].map(event_of))
    rows, aligned, uniques = [], [], []
    multi = ev.groupby("event")["outlet"].nunique()
    for event in sorted(multi[multi > 1].index):
        es = s[s["event"] == event]
        al = align_event(es)
        aligned.append(al)
        uniques.append(unique_items(event, al, es))
        for outlet, os_ in es.groupby("outlet", sort=True):
            narrative = os_[os_["kind"].isin(NARRATIVE_KINDS)]
            n = len(narrative)
            asserted = (narrative["voice"] == "asserted").mean() if n else math.nan
            frames = Counter(f for lst in _split(narrative["frames"]) for f in lst)
            srcs = Counter(x for x in narrative["source"] if x)
            rows.append((event, outlet, os_["article_id"].nunique(), n, asserted,
                         1 - asserted if n else math.nan,
                         "; ".join(f"{label_of(f, labels)} ({c})" for f, c in
                                   sorted(frames.items(), key=lambda kv: (-kv[1], kv[0]))[:4]),
                         "; ".join(f"{x} ({c})" for x, c in
                                   sorted(srcs.items(), key=lambda kv: (-kv[1], kv[0]))[:4])))
    event_outlets = pd.DataFrame(rows, columns=EVENT_OUTLET_COLUMNS)
    from framing.events import ALIGNMENT_COLUMNS, UNIQUE_COLUMNS
    alignment = (pd.concat(aligned, ignore_index=True) if aligned
                 else pd.DataFrame(columns=ALIGNMENT_COLUMNS))
    unique = (pd.concat(uniques, ignore_index=True) if uniques
              else pd.DataFrame(columns=UNIQUE_COLUMNS))
    return ev, event_outlets, alignment, unique


def _warnings(groups: pd.DataFrame, by: str) -> list[str]:
    out = []
    small = groups[groups["small_sample"]]
    if len(groups) < 2:
        out.append(f"Only one {by} ({groups['group'].iloc[0]}): there is nothing to compare it "
                   "with; figures describe it alone.")
    if not small.empty:
        names = ", ".join(f"{r.group} ({r.n_articles})" for r in small.itertuples(index=False))
        if len(small) == len(groups):
            out.append(f"Every {by} has fewer than {MIN_ARTICLES} articles ({names}). These "
                       "are anecdotes, not evidence of a pattern: differences below describe "
                       "these articles only; intervals are shown where possible and no "
                       "difference is tested.")
        else:
            out.append(f"{len(small)} of {len(groups)} {by}s have fewer than {MIN_ARTICLES} "
                       f"articles and are not tested: {names}.")
    one = groups[groups["n_articles"] == 1]
    if not one.empty:
        out.append(f"{len(one)} {by}(s) rest on a single article, so no interval can be "
                   "computed for them (resampling one article gives the same article).")
    return out


# ---------------------------------------------------------------- findings in words

def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _cue_word(row) -> str:
    """The cue as written ("maintains") when known, else its lemma."""
    text = str(getattr(row, "cue_text", "") or "").strip()
    return text if text and text.lower() != "nan" else str(row.cue_lemma)


def key_findings(comparison: Comparison, analysis: Analysis, *,
                 limit: int = 12, attributions: pd.DataFrame | None = None) -> list[Finding]:
    """The main differences between groups in plain sentences, each with evidence sentences.

    Generated from the tables only (nothing is hard-coded; numbers come from the comparison):
    voice mix, frames each group attributes with a distancing cue (a frame hit inside the
    attributed content), whom each group quotes directly, cue categories, own-voice frames,
    and actor labels. ``attributions``: the speech attributions already selected
    (:func:`speech_attributions`), to skip selecting them again.
    """
    c = comparison
    out: list[Finding] = []
    if c.groups.empty:
        return out
    if c.by == "outlet" or c.events.empty:
        group_of = analysis.articles.set_index("article_id")["outlet"]
    else:
        group_of = c.events.set_index("article_id")["event"]
    s = analysis.sentences.assign(group=analysis.sentences["article_id"].map(group_of))
    s = s[s["kind"].isin(NARRATIVE_KINDS)]
    if attributions is None:
        attributions = speech_attributions(analysis.attributions, analysis.sentences)
    attrs = attributions
    if not attrs.empty:
        attrs = attrs.assign(group=attrs["article_id"].map(group_of))
    # With many groups, state differences among those with enough articles (else the largest
    # few): a one-article outlet at 100% is not a finding.
    g = c.groups.sort_values(["n_articles", "n_sentences", "group"],
                             ascending=[False, False, True], kind="stable")
    eligible = list(g.loc[~g["small_sample"], "group"])
    if len(eligible) < 2:
        eligible = list(g["group"].head(_MAX_FINDING_GROUPS))
    eligible = sorted(eligible[:_MAX_FINDING_GROUPS])
    s = s[s["group"].isin(eligible)]
    if not attrs.empty:
        attrs = attrs[attrs["group"].isin(eligible)]
    c = Comparison(**{**c.__dict__, **{
        name: getattr(c, name)[getattr(c, name)["group"].isin(eligible)]
        for name in ("voice", "frames", "cues", "cue_categories", "actor_labels")}})
    multi = len(eligible) >= 2

    def evidence(mask: pd.Series, k: int = 3) -> tuple[tuple[str, int], ...]:
        rows = s[mask].sort_values(["article_id", "index"]).head(k)
        return tuple((str(a), int(i)) for a, i in zip(rows["article_id"], rows["index"]))

    # 1. voice mix
    own = c.voice[c.voice["voice"] == "asserted"].set_index("group")
    asserted = own["share"].dropna()
    n_of = c.groups.set_index("group")["n_sentences"]
    if len(asserted) >= 2:
        hi, lo = asserted.idxmax(), asserted.idxmin()
        if asserted[hi] - asserted[lo] >= 0.05:
            out.append(Finding(
                f"{hi} writes {_pct(asserted[hi])} of its headline and body sentences in its "
                f"own voice ({_n_of(own.loc[hi, 'n_sentences'], n_of[hi])}); {lo} "
                f"{_pct(asserted[lo])} ({_n_of(own.loc[lo, 'n_sentences'], n_of[lo])}), "
                f"attributing the rest to sources.",
                evidence((s["group"] == lo) & (s["voice"] != "asserted"))))
    # 2. frames attributed with a distancing cue (the frame word inside the attributed content)
    # (at most _PER_KIND findings of one kind, so every kind of difference gets a line)
    for g, text, ev in _distanced_frames(c, analysis, attrs, s)[:_PER_KIND]:
        out.append(Finding(text, ev))
    # 3. direct quotation
    out += _direct_quotes(attrs, s, evidence)[:_PER_KIND]
    # 4. cue categories
    cats = c.cue_categories
    if multi and not cats.empty:
        dist = cats[cats["cue_category"] == DISTANCING].set_index("group")
        total = cats.groupby("group")["n"].sum()
        parts = []
        for g in sorted(total.index):
            n = int(dist["n"].get(g, 0)) if g in dist.index else 0
            lemmas = c.cues[(c.cues["group"] == g) & (c.cues["cue_category"] == DISTANCING)]
            words = ", ".join(f"'{x}'" for x in lemmas["cue_lemma"].head(3))
            parts.append(f"{g} {n} of its {int(total[g])} attributions"
                         + (f" ({words})" if words else ""))
        if dist["n"].sum() > 0:
            out.append(Finding("Distancing cues (words such as 'claim' or 'maintain' that "
                               "introduce a source's statement): " + "; ".join(parts) + ".",
                               evidence(s["cue_category"] == DISTANCING)))
    # 5. own-voice frames that differ most
    fr = c.frames[(c.frames["voice_class"] == "asserted") & (c.frames["n_sentences"] > 0)]
    if multi and fr["group"].nunique() >= 2:
        wide = fr.pivot_table(index="category", columns="group", values="share", fill_value=0.0)
        spread = (wide.max(axis=1) - wide.min(axis=1)).sort_values(ascending=False, kind="stable")
        for cat in spread.index[:2]:
            if spread[cat] < 0.1:
                break
            hi, lo = wide.loc[cat].idxmax(), wide.loc[cat].idxmin()
            counts = fr[fr["category"] == cat].set_index("group")
            out.append(Finding(
                f"In its own voice, {hi} uses the {label_of(cat, c.frame_labels).lower()} frame "
                f"in {_pct(wide.loc[cat, hi])} of its own-voice sentences "
                f"({_n_of(counts.loc[hi, 'n_with_frame'], counts.loc[hi, 'n_sentences'])}), "
                f"{lo} in {_pct(wide.loc[cat, lo])} "
                f"({_n_of(counts.loc[lo, 'n_with_frame'], counts.loc[lo, 'n_sentences'])}).",
                evidence((s["group"] == hi) & (s["voice"] == "asserted")
                         & s["frames"].fillna("").str.contains(cat, regex=False), 2)))
    # 6. tests: what survives the false-discovery-rate correction
    tested = comparison.tests.dropna(subset=["p_value"])
    if not tested.empty:
        sig = tested[tested["q_value"] < 0.05].sort_values(["q_value", "group", "measure"])
        if tested["group"].nunique() == 2:      # A vs rest and B vs rest: the same test
            sig = sig[sig["group"] == sorted(tested["group"].unique())[0]]
        for r in sig.head(2).itertuples(index=False):
            out.append(Finding(
                f"Tested against all other {c.by}s pooled: {r.group}'s "
                f"{_measure_words(r.measure, c.frame_labels)} is {_fmt_measure(r.measure, r.value)}"
                f" against {_fmt_measure(r.measure, r.value_rest)} (permutation test over "
                f"articles, p = {r.p_value:.3f}, q = {r.q_value:.3f})."))
        if sig.empty:
            out.append(Finding(
                f"No difference between one {c.by} and the rest survives correction for "
                f"multiple testing ({len(tested)} permutation tests, Benjamini–Hochberg "
                f"q < 0.05): the differences above may be chance."))
    # 7. actor labels of the most mentioned actor
    al = c.actor_labels
    if multi and not al.empty:
        order = al.groupby("actor")["n"].sum().sort_values(ascending=False, kind="stable")
        actor = order.index[0]
        tops = al[al["actor"] == actor].sort_values(["group", "n", "label"],
                                                    ascending=[True, False, True])
        parts = [f"{g} " + ", ".join(f"\u201c{r.label}\u201d ({int(r.n)})"
                                    for r in rows.head(3).itertuples(index=False))
                 for g, rows in tops.groupby("group", sort=True)]
        out.append(Finding(f"Naming {actor_label(actor)} (most used labels, mentions in "
                           "headline and body sentences): " + "; ".join(parts) + "."))
    return out[:limit]


def _n_of(n: Any, total: Any) -> str:
    return f"{int(n)} of {int(total)}"


def actor_label(actor: str) -> str:
    """An actor id as readers know it: the actors lexicon's label ("North Korea", "UN")."""
    return _actor_labels_of().get(actor) or actor.replace("_", " ").title()


_ACTOR_LABELS: dict[str, str] = {}


def _actor_labels_of() -> dict[str, str]:
    if not _ACTOR_LABELS:
        _ACTOR_LABELS.update(_frame_labels(ACTOR_LEXICON))
    return _ACTOR_LABELS


def _distanced_frames(c, analysis, attrs, s):
    """Per group, the first frame found inside content attributed with a distancing cue."""
    if attrs.empty or "cue_category" not in attrs:
        return []
    hits = narrative_hits(analysis.hits, analysis.sentences)
    frame_hits = hits[hits["lexicon"] == c.frame_lexicon] if not hits.empty else hits
    by_article = {a: h for a, h in frame_hits.groupby("article_id")} if not frame_hits.empty \
        else {}
    frames_of = s.set_index(["article_id", "index"])["frames"]
    preferred = {f: i for i, f in enumerate(JUSTIFICATION_FRAMES + THREAT_FRAMES)}
    out = []
    dist = attrs[attrs["cue_category"].fillna("") == DISTANCING]
    for g in sorted(dist["group"].dropna().unique()):
        candidates = []
        for r in dist[dist["group"] == g].itertuples(index=False):
            index = int(getattr(r, "sentence_index", -1) if pd.notna(
                getattr(r, "sentence_index", None)) else -1)
            spans = _spans(getattr(r, "content_spans", None))
            found = []
            if spans and r.article_id in by_article:
                h = by_article[r.article_id]
                for hit in h.itertuples(index=False):
                    if any(a <= hit.start and hit.end <= b for a, b in spans):
                        found.append((hit.start, hit.category))
            elif not spans:        # no content spans: the sentence's frames
                found = [(0, f) for f in str(frames_of.get((r.article_id, index), "")).split(";")
                         if f]
            for pos, cat in found:
                candidates.append((preferred.get(cat, len(preferred)), str(r.article_id), index,
                                   pos, cat, r))
        if not candidates:
            continue
        _, article_id, index, _, cat, r = min(candidates, key=lambda x: x[:4])
        name = str(r.source_name or "")
        name = name if name.lower() not in _UNNAMED else "an unnamed source"
        out.append((g, f"{g} attributes the {label_of(cat, c.frame_labels).lower()} frame to "
                       f"{name} with the distancing cue '{_cue_word(r)}'.",
                    ((article_id, index),)))
    return out


def _measure_words(measure: str, labels: dict[str, str]) -> str:
    if measure.startswith("frame_asserted:"):
        frame = label_of(measure.split(":", 1)[1], labels).lower()
        return f"share of own-voice sentences with the {frame} frame"
    return {"asserted_share": "share of sentences in its own voice",
            "own_voice_sentiment": "mean own-voice sentiment"}.get(measure, measure)


def _fmt_measure(measure: str, value: float) -> str:
    return f"{value:+.2f}" if measure == "own_voice_sentiment" else _pct(value)


def _spans(value) -> list[tuple[int, int]]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            return []
    try:
        return [(int(a), int(b)) for a, b in value]
    except (TypeError, ValueError):
        return []


def _direct_quotes(attrs, s, evidence) -> list[Finding]:
    """Whom each group quotes directly most (by quoted words), with the source's role."""
    out = []
    if attrs.empty or "kind" not in attrs:
        direct = s[(s["voice"] == "direct")]
        for g in sorted(direct["group"].dropna().unique()):
            names = direct[(direct["group"] == g)
                           & ~direct["source"].fillna("").str.lower().isin(_UNNAMED)]["source"]
            if len(names):
                top = names.value_counts().sort_index().sort_values(ascending=False,
                                                                    kind="stable")
                out.append(Finding(f"{g} quotes {top.index[0]} directly ({int(top.iloc[0])} "
                                   f"sentence{'s' if top.iloc[0] != 1 else ''}).",
                                   evidence((s["group"] == g) & (s["voice"] == "direct")
                                            & (s["source"] == top.index[0]), 2)))
        return out
    quoted = attrs[attrs["kind"].isin(["direct", "mixed"])
                   & ~attrs["source_name"].fillna("").str.lower().isin(_UNNAMED)]
    quoted = quoted.assign(n_quoted_words=pd.to_numeric(quoted["n_quoted_words"],
                                                        errors="coerce").fillna(0))
    for g in sorted(quoted["group"].dropna().unique()):
        q = quoted[quoted["group"] == g]
        words = q.groupby("source_name")["n_quoted_words"].sum()
        words = words[words > 0].sort_index().sort_values(ascending=False, kind="stable")
        if words.empty:
            continue
        name = words.index[0]
        rows = q[q["source_name"] == name]
        role = str(rows["source_role"].iloc[0] if "source_role" in rows else "" or "")
        role = "" if role.lower() in ("", "nan", "none", name.lower()) else f" ({role})"
        direct = (rows["kind"] == "direct").any()
        total = quoted.loc[quoted["group"] == g, "n_quoted_words"].sum()
        ev = tuple((str(a), int(i)) for a, i in zip(rows["article_id"], rows["sentence_index"])
                   if pd.notna(i))[:2]
        out.append(Finding(
            f"{g} quotes {name}{role} {'directly' if direct else 'in part'}: "
            f"{int(words.iloc[0])} quoted words, {_pct(words.iloc[0] / total)} of all words it "
            f"quotes.", ev))
    return out
