"""Voices in the North Korea development corpus (``../shared/corpus/nk_events.jsonl``),
sentence by sentence, with the shipped model.

Each row: (article id, sentence index, voice, source name, cue lemma, hedged). The rows were
checked by hand against the texts during the review of 2026-11-22 (docs/evaluation.md,
"In-domain check"); most were wrong before that review's fixes. The article texts stay in
``shared/``: only ids and labels are here. Skipped when ``shared/`` is not beside the
checkout.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from framing.attribution import attribute_article

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "nk_events.jsonl"

EXPECTED = [
    # a statement printed after "he continued:" is Han's, up to the narrator's next report
    ("han-tae-song-cd-2021-01-02", 1, "indirect", "Han Tae Song", "say", False),
    ("han-tae-song-cd-2021-01-02", 2, "direct", "Han Tae Song", "continue", False),
    ("han-tae-song-cd-2021-01-02", 6, "direct", "Han Tae Song", "continue", False),
    ("han-tae-song-cd-2021-01-02", 8, "indirect", "Permanent Representative", "stress", False),
    # a speech after "He said:"; the dateline and lead before it stay the outlet's
    ("spa-principal-enemy-2024-01-05", 0, "asserted", "", "", False),
    ("spa-principal-enemy-2024-01-05", 4, "direct", "Kim Jong Un", "say", False),
    # a press statement after "... issued the following press statement ...:"
    ("trash-balloons-2024-05-01", 5, "direct", "Kim Yo Jong", "statement", False),
    # trailing reporting clauses of state-media and wire copy
    ("liaison-office-demolition-2020-06-01", 1, "indirect", "Korean Central News Agency",
     "report", False),
    ("spy-satellite-launch-2023-11-02", 1, "indirect", "Korean Central News Agency", "report",
     False),
    ("triple-launch-after-biden-2022-05-04", 7, "indirect",
     "South Korea’s Joint Chiefs of Staff", "say", False),
    ("security-meeting-drones-2024-10-03", 2, "indirect", "state media", "report", False),
    ("cmc-meeting-2022-06-02", 3, "indirect", "state media", "report", False),
    ("russia-china-freeze-statement-2017-07-02", 2, "indirect", "Vladimir Putin", "say", False),
    ("sixth-nuclear-test-2017-09-01", 0, "mixed", "Nikki Haley", "say", False),
    ("putin-pyongyang-treaty-2024-06-01", 7, "mixed", "Yury Ushakov", "quote", False),
    ("putin-pyongyang-treaty-2024-06-01", 9, "indirect", "Yury Ushakov", "say", False),
    # the subject across a relative clause: the mission's key pattern
    ("spy-satellite-launch-2023-11-03", 9, "indirect", "North Korea", "maintain", False),
    # "with Pyongyang accused of ...": the accused is not the speaker
    ("putin-pyongyang-treaty-2024-06-01", 5, "indirect", "", "accuse", False),
    # surnames resolve to people, not to "Putin and Kim"
    ("putin-pyongyang-treaty-2024-06-03", 4, "indirect", "Kim Jong Un", "tell", False),
    ("putin-pyongyang-treaty-2024-06-03", 8, "mixed", "Putin", "note", False),
    # the speaker right before the cue, not the audience of the opening phrase
    ("spa-principal-enemy-2024-01-01", 1, "indirect", "Kim Jong Un", "say", False),
    ("kim-yojong-freedom-shield-2026-03-02", 10, "indirect",
     "Officials in Washington and Seoul", "say", False),
    # what photos show is seen, not said; "also known as" names; "reportedly" hedges a report
    ("hwasong19-icbm-2024-10-01", 7, "asserted", "", "", False),
    ("sixth-nuclear-test-2017-09-06", 8, "asserted", "", "", False),
    ("hwasong19-icbm-2024-10-01", 8, "mixed", "Kim Jong-un", "say", True),
    # a quotation opening a sentence is not the previous sentence's content
    ("sixth-nuclear-test-2017-09-06", 11, "direct", "Donald Trump", "say", False),
    ("hwasong14-icbm-2017-07-03", 2, "according_to", "Korea Central Television",
     "according to", False),
    ("spy-satellite-launch-2023-11-04", 0, "asserted", "", "", False),      # dateline
]


@pytest.fixture(scope="module")
def nk_voices():
    if not CORPUS.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS} (shared/ is not beside the checkout)")
    from framing.ingest import load_corpus

    wanted = {row[0] for row in EXPECTED}
    corpus = load_corpus([CORPUS])
    return {a.id: attribute_article(a)[0] for a in corpus.articles if a.id in wanted}


@pytest.mark.parametrize(("article_id", "index", "voice", "source", "cue", "hedged"), EXPECTED)
def test_nk_sentence_voice(nk_voices, article_id, index, voice, source, cue, hedged):
    row = nk_voices[article_id][index]
    assert (row["voice"], row["source"], row["cue"], row["hedged"]) == \
        (voice, source, cue, hedged)
