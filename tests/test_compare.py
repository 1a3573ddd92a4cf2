import json
import math

import pandas as pd
import pytest

from _report_fixtures import make_analysis
from framing.compare import (FRAME_COLUMNS, GROUP_COLUMNS, STANCE_COLUMNS, TEST_COLUMNS,
                             VOICE_COLUMNS, compare, source_actor)
from framing.errors import FramingError

SEEDS = __import__("pathlib").Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def comparison():
    return compare(make_analysis(), n_boot=200, n_perm=500)


def test_tables_have_documented_columns(comparison):
    assert list(comparison.groups.columns) == GROUP_COLUMNS
    assert list(comparison.voice.columns) == VOICE_COLUMNS
    assert list(comparison.frames.columns) == FRAME_COLUMNS
    assert list(comparison.stance.columns) == STANCE_COLUMNS
    assert list(comparison.tests.columns) == TEST_COLUMNS


@pytest.mark.parametrize(("outlet", "voice", "share"), [
    ("Harbor Daily", "asserted", 0.75),
    ("Harbor Daily", "indirect", 0.25),
    ("Harbor Daily", "direct", 0.0),
    ("Summit Post", "asserted", 0.0),
    ("Summit Post", "direct", 0.25),
    ("Summit Post", "according_to", 0.25),
])
def test_voice_shares(comparison, outlet, voice, share):
    row = comparison.voice.set_index(["group", "voice"]).loc[(outlet, voice)]
    assert row["share"] == pytest.approx(share)


def test_voice_interval_brackets_share(comparison):
    v = comparison.voice.dropna(subset=["ci_low"])
    assert ((v["ci_low"] <= v["share"] + 1e-9) & (v["share"] <= v["ci_high"] + 1e-9)).all()


@pytest.mark.parametrize(("outlet", "frame", "voice_class", "share"), [
    ("Harbor Daily", "threat_provocation", "asserted", 2 / 3),
    ("Harbor Daily", "threat_provocation", "attributed", 0.0),
    ("Summit Post", "defensive_justification", "attributed", 0.75),
    ("Summit Post", "defensive_justification", "asserted", 0.0),   # no own-voice sentence
])
def test_frames_split_by_voice(comparison, outlet, frame, voice_class, share):
    row = comparison.frames.set_index(["group", "category", "voice_class"]).loc[
        (outlet, frame, voice_class)]
    assert row["share"] == pytest.approx(share)


def test_frame_owners_name_the_source(comparison):
    owners = comparison.frame_owners
    summit = owners[(owners["group"] == "Summit Post")
                    & (owners["category"] == "defensive_justification")]
    assert summit.iloc[0]["source"] == "envoy Kim Ri-na"


def test_json_contract(comparison):
    doc = json.loads(json.dumps(comparison.to_json()))
    groups = {g["outlet"]: g for g in doc["groups"]}
    assert set(groups) == {"Harbor Daily", "Summit Post"}
    harbor = groups["Harbor Daily"]
    for key in ("articles", "sentences", "words", "voice_share", "quoted_share", "frames",
                "cues", "cue_categories", "sources", "sentiment"):
        assert key in harbor
    assert set(harbor["voice_share"]) == {"asserted", "direct", "indirect", "according_to",
                                          "mixed"}
    assert harbor["quoted_share"] == pytest.approx(1 - harbor["voice_share"]["asserted"])
    assert harbor["articles"] == 6 and harbor["sentences"] == 24
    assert groups["Summit Post"]["cues"]["maintain"] == 6
    assert groups["Summit Post"]["cue_categories"]["distancing"] == 6
    assert groups["Summit Post"]["frames"]["defensive_justification"]["attributed"] == 0.75
    assert {"name", "type", "count"} <= set(groups["Summit Post"]["sources"][0])
    assert set(harbor["sentiment"]) == {"asserted", "attributed", "all"}


def test_tests_run_when_samples_allow(comparison):
    t = comparison.tests.set_index(["group", "measure"])
    row = t.loc[("Harbor Daily", "asserted_share")]
    assert row["p_value"] < 0.05 and row["difference"] == pytest.approx(0.75)
    assert not comparison.warnings


def test_small_samples_are_flagged_not_tested():
    small = compare(make_analysis(2), n_boot=50)
    assert small.tests["p_value"].isna().all()
    assert small.tests["note"].str.startswith("not tested").all()
    assert any("anecdotes" in w for w in small.warnings)
    assert small.groups["small_sample"].all()


def test_single_article_groups_have_no_interval():
    one = compare(make_analysis(1), n_boot=50)
    assert one.voice["ci_low"].isna().all()
    assert any("single article" in w for w in one.warnings)


def test_stance_components_are_shown_separately(comparison):
    s = comparison.stance.set_index(["group", "actor", "component"])["value"]
    assert s[("Harbor Daily", "north_korea", "asserted_threat")] == pytest.approx(2 / 3)
    assert s[("Summit Post", "north_korea", "distancing_cues")] == pytest.approx(1 / 3)
    assert s[("Summit Post", "north_korea", "voice_share")] == pytest.approx(0.75)
    assert math.isnan(s[("Summit Post", "north_korea", "asserted_justification")])


def test_actor_labels(comparison):
    labels = comparison.actor_labels
    harbor = labels[(labels["group"] == "Harbor Daily") & (labels["actor"] == "north_korea")]
    assert harbor.iloc[0]["label"] == "regime"


def test_distinctive_words(comparison):
    d = comparison.distinctive
    top = d[d["group"] == "Harbor Daily"].iloc[0]
    assert top["z"] > 1.96
    assert "regime" in set(d[d["group"] == "Harbor Daily"]["term"])


def test_findings_are_generated_from_data(comparison):
    text = " ".join(f.text for f in comparison.findings)
    assert ("Harbor Daily writes 75% of its headline and body sentences in its own voice "
            "(18 of 24)") in text
    assert "distancing cue 'maintain'" in text and "Pyongyang" in text
    assert "Summit Post quotes envoy Kim Ri-na directly" in text
    assert all(ev for f in comparison.findings[:3] for ev in f.evidence)


def test_events_in_comparison(comparison):
    assert set(comparison.event_outlets["outlet"]) == {"Harbor Daily", "Summit Post"}
    assert (comparison.event_outlets["event"] == "radar-test").all()


def test_compare_by_event():
    by_event = compare(make_analysis(), by="event", n_boot=0)
    assert list(by_event.groups["group"]) == ["radar-test"]
    assert by_event.to_json()["groups"][0]["event"] == "radar-test"


@pytest.mark.parametrize(("by", "message"), [("source", "cannot compare by 'source'")])
def test_compare_rejects_unknown_grouping(by, message):
    with pytest.raises(FramingError, match=message):
        compare(make_analysis(), by=by)


def test_compare_rejects_empty_analysis():
    a = make_analysis()
    empty = type(a)(a.articles.iloc[0:0], a.sentences.iloc[0:0], a.attributions.iloc[0:0],
                    a.hits.iloc[0:0], a.skipped)
    with pytest.raises(FramingError, match="no articles to compare"):
        compare(empty)


@pytest.mark.parametrize(("name", "country", "expected"), [
    ("envoy Kim Ri-na", "North Korea", "north_korea"),
    ("Pyongyang", "", "north_korea"),
    ("officials", "", ""),
])
def test_source_actor(name, country, expected):
    aliases = {"north_korea": {"pyongyang", "north korea"}, "south_korea": {"seoul"}}
    assert source_actor(name, country, aliases) == expected


def test_compare_does_not_mutate_input():
    a = make_analysis()
    before = a.sentences.copy()
    compare(a, n_boot=0)
    pd.testing.assert_frame_equal(a.sentences, before)


def test_cli_compare_json(capsys):
    from pathlib import Path

    from framing.cli import main
    from framing.errors import ModelError

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    try:
        code = main(["compare", str(seeds), "--by", "outlet", "--format", "json"])
    except ModelError as exc:
        pytest.skip(f"attribution model unavailable: {exc}")
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted(g["outlet"] for g in doc["groups"]) == ["Press TV", "Yonhap"]
    press = next(g for g in doc["groups"] if g["outlet"] == "Press TV")
    assert press["frames"]["defensive_justification"]["attributed"] > 0
    assert press["cue_categories"]["distancing"] >= 1


# ---------------------------------------------------------------- what is counted

def _attribution(kind_of_sentence, cue_category, cue_text, source_text, content="that it was"):
    """One attributions row (ATTRIBUTION_COLUMNS) in sentence 1 of article a1."""
    from framing.attribution import ATTRIBUTION_COLUMNS

    row = dict.fromkeys(ATTRIBUTION_COLUMNS, "")
    row.update(article_id="a1", outlet="X", attribution_id="a1:a0", sentence_index=1,
               kind="indirect", source_start=0 if source_text else None,
               source_end=len(source_text) if source_text else None, source_text=source_text,
               source_name=source_text, cue_start=20, cue_end=20 + len(cue_text),
               cue_text=cue_text, cue_lemma=cue_text.split()[-1], cue_category=cue_category,
               content_spans=[[30, 40]], content_text=content, n_quoted_words=0)
    sentences = pd.DataFrame({"article_id": ["a1", "a1"], "index": [0, 1],
                              "kind": ["headline", kind_of_sentence]})
    return pd.DataFrame([row], columns=ATTRIBUTION_COLUMNS), sentences


@pytest.mark.parametrize(("kind", "cue_category", "cue_text", "source", "content", "kept"), [
    ("body", "neutral", "said", "officials", "that it was", True),
    ("headline", "distancing", "claims", "the envoy", "that it was", True),
    ("body", "other", "convened", "Kim", "a rare congress", False),     # an action, not speech
    ("body", "other", "refused", "Trump", "to ease sanctions", False),
    ("body", "other", "did not", "The report", "specify any plans", False),
    ("caption", "endorsing", "shows", "photo", "the leader", False),     # a photo does not speak
    ("caption", "neutral", "said", "officials", "that it was", False),   # captions left out
    ("dateline", "neutral", "said", "officials", "that it was", False),
    ("body", "cognitive", "is expected", "", "to take several days", False),  # own hedge
])
def test_only_speech_attributions_in_narrative_sentences_count(kind, cue_category, cue_text,
                                                                source, content, kept):
    from framing.compare import speech_attributions

    attributions, sentences = _attribution(kind, cue_category, cue_text, source, content)
    assert len(speech_attributions(attributions, sentences)) == int(kept)


def _with_extra(analysis, attributions=None, sentences=None, hits=None):
    from framing.analysis import Analysis

    def add(table, extra):
        return table if extra is None else pd.concat([table, extra], ignore_index=True)

    return Analysis(analysis.articles, add(analysis.sentences, sentences),
                    add(analysis.attributions, attributions), add(analysis.hits, hits),
                    analysis.skipped, analysis.provenance)


def test_source_mix_merges_empty_and_unknown_types():
    base = make_analysis()
    extra = base.attributions[base.attributions["outlet"] == "Summit Post"].head(2).copy()
    extra["source_type"] = ["", "unknown"]
    extra["source_country"] = ["", ""]
    mix = compare(_with_extra(base, attributions=extra), n_boot=0, events=False).source_mix
    summit = mix[(mix["group"] == "Summit Post") & (mix["dimension"] == "type")]
    assert "(unknown)" not in set(mix["value"])
    assert summit.set_index("value").loc["unknown", "n_attributions"] == 2


def test_actor_mentions_come_from_narrative_sentences_only():
    base = make_analysis()
    dateline = pd.DataFrame([{**base.sentences.iloc[0].to_dict(), "index": 9, "kind": "dateline",
                              "text": "SEOUL (Harbor) --", "actors": "south_korea",
                              "frames": ""}])
    hit = pd.DataFrame([{"article_id": "harbor-1", "outlet": "Harbor Daily",
                         "sentence_index": 9, "start": 900, "end": 905, "lexicon": "actors",
                         "category": "south_korea", "entry": "Seoul", "matched": "SEOUL",
                         "voice": "asserted", "source": ""}])
    c = compare(_with_extra(base, sentences=dateline, hits=hit), n_boot=0, events=False)
    harbor = c.actor_labels[c.actor_labels["group"] == "Harbor Daily"]
    assert "south_korea" not in set(harbor["actor"])          # the dateline is no mention
    assert c.groups.set_index("group").loc["Harbor Daily", "n_sentences"] == 24


@pytest.fixture(scope="module")
def seed_comparison():
    from framing.analysis import analyze
    from framing.errors import ModelError

    try:
        analysis = analyze(SEEDS)
    except ModelError as exc:
        pytest.skip(f"attribution model unavailable: {exc}")
    return analysis, compare(analysis, n_boot=0)


def test_seed_cues_are_speech_only(seed_comparison):
    from framing.compare import NARRATIVE_KINDS, _is_speech

    analysis, c = seed_comparison
    doc = c.to_json()
    for group in doc["groups"]:
        assert not {"convened", "called", "not", "show", "refused", "have"} & set(group["cues"])
        assert "other" not in group["cue_categories"]
        assert sum(group["cue_categories"].values()) == sum(group["cues"].values())
    # every counted attribution is speech in a headline or body sentence
    kinds = analysis.sentences.set_index(["article_id", "index"])["kind"]
    attrs = analysis.attributions
    counted = [r for r in attrs.to_dict(orient="records")
               if _is_speech(r) and kinds[(r["article_id"], r["sentence_index"])]
               in NARRATIVE_KINDS]
    assert int(c.groups["n_attributions"].sum()) == len(counted) < len(attrs)
    finding = next(f.text for f in c.findings if f.text.startswith("Distancing cues"))
    n_press = int(c.groups.set_index("group").loc["Press TV", "n_attributions"])
    assert f"Press TV 3 of its {n_press} attributions" in finding


def test_seed_actor_labels_ignore_the_dateline(seed_comparison):
    _, c = seed_comparison
    yonhap = c.actor_labels[c.actor_labels["group"] == "Yonhap"]
    assert "south_korea" not in set(yonhap["actor"])          # "SEOUL ... (Yonhap)" dateline
    assert "U.S." in set(yonhap["label"])                       # the entry's period kept
