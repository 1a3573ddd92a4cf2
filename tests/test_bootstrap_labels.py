"""Integrity of the held-back hand labels ``tests/data/frame_labels_nk_heldout.csv``.

The file holds offsets only (no article text): ``article_id, sentence_start, sentence_end,
label``. Its offsets are checked against the body sentences of the shared North Korea event
corpus when ``../shared`` is beside the checkout; the format checks run everywhere.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framing.lexicon import load_lexicon

HERE = Path(__file__).resolve().parent
LABELS = HERE / "data" / "frame_labels_nk_heldout.csv"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "nk_events.jsonl"
COLUMNS = ["article_id", "sentence_start", "sentence_end", "label"]
HELD_OUT = {"liaison-office-demolition-2020-06", "spy-satellite-launch-2023-11",
            "trash-balloons-2024-05"}


def valid_labels() -> set[str]:
    return {c.id for c in load_lexicon("conflict_frames").categories} | {"none"}


def label_problems(labels: pd.DataFrame, spans: dict[str, list[tuple[int, int]]],
                   valid: set[str]) -> list[str]:
    """Every row inside a body sentence of its article, a valid label, no duplicate span."""
    problems = []
    dup = labels.duplicated(["article_id", "sentence_start", "sentence_end"], keep=False)
    problems += [f"duplicate row {i + 2}" for i in labels.index[dup]]
    for i, row in labels.iterrows():
        if row["label"] not in valid:
            problems.append(f"row {i + 2}: unknown label {row['label']!r}")
        s, e = int(row["sentence_start"]), int(row["sentence_end"])
        if not any(bs <= s < e <= be for bs, be in spans.get(row["article_id"], [])):
            problems.append(f"row {i + 2}: {row['article_id']}:{s}-{e} is not inside a body "
                            f"sentence")
    return problems


SPANS = {"a-1": [(0, 40), (42, 90)]}


@pytest.mark.parametrize("rows, expected", [
    ([("a-1", 0, 40, "military_capability"), ("a-1", 42, 90, "none")], []),
    ([("a-1", 0, 40, "humanitarian")], []),
    ([("a-1", 0, 40, "none"), ("a-1", 0, 40, "none")], ["duplicate row 2", "duplicate row 3"]),
    ([("a-1", 0, 40, "Military")], ["row 2: unknown label 'Military'"]),
    ([("a-1", 30, 50, "none")], ["row 2: a-1:30-50 is not inside a body sentence"]),
    ([("b-9", 0, 40, "none")], ["row 2: b-9:0-40 is not inside a body sentence"]),
    ([("a-1", 40, 40, "none")], ["row 2: a-1:40-40 is not inside a body sentence"]),
])
def test_label_problems_table(rows, expected):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    assert label_problems(frame, SPANS, valid_labels()) == expected


def test_label_file_format():
    labels = pd.read_csv(LABELS)
    assert list(labels.columns) == COLUMNS
    assert not labels.isna().any().any()
    assert set(labels["label"]) <= valid_labels()
    assert not labels.duplicated(["article_id", "sentence_start", "sentence_end"]).any()
    assert 100 <= len(labels) <= 200
    assert "text" not in " ".join(labels.columns)  # offsets only, never article text


def test_label_file_matches_corpus():
    if not CORPUS.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS} (shared/ is not beside the "
                    f"checkout); offsets cannot be checked")
    from framing import load_corpus
    from framing.sentences import article_sentences

    corpus = load_corpus([CORPUS])
    held = [a for a in corpus.articles if a.event in HELD_OUT]
    spans = {a.id: [(s, e) for s, e, _, kind in article_sentences(a) if kind == "body"]
             for a in held}
    labels = pd.read_csv(LABELS)
    assert set(labels["article_id"]) <= set(spans), "labels for articles outside the held-out events"
    assert label_problems(labels, spans, valid_labels()) == []
    # every body sentence of the held-out events is labelled (the set is complete)
    assert len(labels) == sum(len(v) for v in spans.values())
