"""Hand-made analysis tables for the compare/figures/report tests (no attribution needed).

Two invented outlets, six invented articles each, about one invented event. "Harbor Daily"
speaks mostly in its own voice and uses the threat frame; "Summit Post" attributes more, quotes
its sources directly and uses a distancing cue on the defensive-justification frame.
"""
from __future__ import annotations

import pandas as pd

from framing.analysis import (ARTICLE_COLUMNS, SENTENCE_COLUMNS, SKIPPED_COLUMNS, Analysis,
                              count_words)

ATTRIBUTION_COLUMNS = ["article_id", "outlet", "sentence_index", "source_name", "source_type",
                       "source_country", "cue_lemma", "cue_category", "voice", "n_quoted_words"]
HIT_COLUMNS = ["article_id", "outlet", "sentence_index", "start", "end", "lexicon", "category",
               "entry", "matched", "voice", "source"]

# (text, voice, source, cue, cue_category, frames, actors, compound)
HARBOR = [
    ("Harbor radar test raises alarm", "asserted", "", "", "", "threat_provocation",
     "north_korea", -0.4),
    ("The regime staged another provocative radar test on Friday.", "asserted", "", "", "",
     "threat_provocation", "north_korea", -0.5),
    ("Officials said the test was planned for weeks.", "indirect", "officials", "say",
     "neutral", "", "", 0.0),
    ("The regime ignored calls for restraint.", "asserted", "", "", "", "escalation_tension",
     "north_korea", -0.3),
]
SUMMIT = [
    ("Radar test is self-defence, envoy says", "indirect", "envoy Kim Ri-na", "say", "neutral",
     "defensive_justification", "north_korea", 0.1),
    ("\"This is purely a defensive measure,\" envoy Kim Ri-na said.", "direct",
     "envoy Kim Ri-na", "say", "neutral", "defensive_justification", "north_korea", 0.2),
    ("Pyongyang maintains the radar deters attacks.", "indirect", "Pyongyang", "maintain",
     "distancing", "defensive_justification", "north_korea", 0.0),
    ("According to Seoul, the radar raised tensions.", "according_to", "Seoul", "according to",
     "neutral", "escalation_tension", "south_korea", -0.2),
]


def make_analysis(n_per_outlet: int = 6, *, script: bool = False) -> Analysis:
    articles, sentences, attributions, hits = [], [], [], []
    for outlet, rows, prefix in (("Harbor Daily", HARBOR, "harbor"),
                                 ("Summit Post", SUMMIT, "summit")):
        for k in range(n_per_outlet):
            aid = f"{prefix}-{k + 1}"
            pos = 0
            texts = []
            for i, (text, voice, source, cue, cat, frames, actors, compound) in enumerate(rows):
                if script and i == 1 and k == 0:
                    text = text + " <script>alert('x')</script> & \"quotes\""
                start, end = pos, pos + len(text)
                texts.append(text)
                sentences.append((aid, outlet, i, i, "headline" if i == 0 else "body", start,
                                  end, text, count_words(text), voice, False, False, source,
                                  "official" if source else "", cue, cat,
                                  compound + 0.01 * k, 0.1, 0.8, 0.1, actors, frames))
                if voice != "asserted":
                    attributions.append((aid, outlet, i, source, "official",
                                         "South Korea" if source == "Seoul" else "North Korea"
                                         if source in ("Pyongyang", "envoy Kim Ri-na") else "",
                                         cue, cat, voice, 7 if voice == "direct" else 0))
                for lexicon, ids in (("conflict_frames", frames), ("actors", actors)):
                    for cid in filter(None, ids.split(";")):
                        word = {"north_korea": "regime" if "regime" in text else "Pyongyang"
                                if "Pyongyang" in text else "envoy",
                                "south_korea": "Seoul"}.get(cid, text.split()[1])
                        at = text.find(word)
                        at = max(at, 0)
                        hits.append((aid, outlet, i, start + at, start + at + len(word), lexicon,
                                     cid, word, word, voice, source))
                pos = end + 1
            articles.append((aid, outlet, rows[0][0], f"2024-03-0{1 + k % 3}", "", "radar-test",
                             f"invented/{aid}.txt", "utf-8", f"{k:064x}", len(rows),
                             sum(count_words(t) for t in texts)))
    return Analysis(
        pd.DataFrame(articles, columns=ARTICLE_COLUMNS),
        pd.DataFrame(sentences, columns=SENTENCE_COLUMNS),
        pd.DataFrame(attributions, columns=ATTRIBUTION_COLUMNS),
        pd.DataFrame(hits, columns=HIT_COLUMNS),
        pd.DataFrame([("invented/broken.txt", "not valid UTF-8 or any known encoding")],
                     columns=SKIPPED_COLUMNS),
        provenance={"package": "framing", "version": "test",
                    "lexicons": [{"name": "conflict_frames", "version": "1", "sha256": "ab" * 32}],
                    "inputs": [{"path": "invented/a.txt", "sha256": "cd" * 32}]})
