"""brat standoff reading: annotations, attributes, sentence labels, malformed files."""
from __future__ import annotations

import pytest

from framing.brat import BRAT_COLUMNS, brat_labelled, read_brat
from framing.classify import read_labelled
from framing.errors import DataError

TEXT = "Prices rose after the tariff.\nTroops fired across the river.\nIt rained."


def _write(folder, ann: str, name: str = "doc1", text: str = TEXT):
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    path = folder / f"{name}.ann"
    path.write_text(ann, encoding="utf-8")
    return path


GOOD_ANN = ("T1\tEconomic 0 11\tPrices rose\n"
            "T2\tConflict 30 36;43 49\tTroops across\n"
            "A1\tNegated T1\n"
            "R1\tCause Arg1:T1 Arg2:T2\n"
            "#1\tAnnotatorNotes T1\tinvented note\n")


def test_read_brat_text_bound_annotations(tmp_path):
    table = read_brat(_write(tmp_path, GOOD_ANN))
    assert list(table.columns) == BRAT_COLUMNS
    assert list(table["label"]) == ["Economic", "Conflict"]
    assert table.loc[1, "fragments"] == "30 36;43 49" and table.loc[1, "end"] == 49
    assert table.loc[0, "attributes"] == "Negated=true"


@pytest.mark.parametrize(("ann", "message"), [
    ("T1\tEconomic zero 11\tPrices rose\n", r"doc1\.ann:1: bad offsets"),
    ("T1\tEconomic 0 11\tPrices rose\nX9\tsomething\n", r"doc1\.ann:2: unknown annotation id"),
    ("T1\tEconomic 0 11\tTroops fell\n", r"doc1\.ann:1: annotation text 'Troops fell' does not match"),
    ("T1\tEconomic 0 999\tPrices rose\n", r"doc1\.ann:1: offset beyond the end"),
    ("A1\tNegated\n", r"doc1\.ann:1: an attribute needs"),
])
def test_malformed_brat_is_refused_with_location(tmp_path, ann, message):
    with pytest.raises(DataError, match=message):
        read_brat(_write(tmp_path, ann))


def test_missing_text_file(tmp_path):
    path = tmp_path / "lonely.ann"
    path.write_text("T1\tEconomic 0 3\tabc\n", encoding="utf-8")
    with pytest.raises(DataError, match="no text file lonely.txt"):
        read_brat(path)


def test_sentence_and_document_labels(tmp_path):
    _write(tmp_path, GOOD_ANN)
    sentences = brat_labelled(tmp_path)
    assert list(sentences["label"]) == ["Economic", "Conflict", "none"]
    documents = brat_labelled(tmp_path, level="document")
    assert list(documents["label"]) == ["Conflict|Economic"]


def test_annotator_suffix_finds_text(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "story.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "story_ab12.ann").write_text("T1\tCue 0 6\tPrices\n",
                                                                encoding="utf-8")
    assert read_brat(tmp_path / "attributions")["document"].tolist() == ["story"]


def test_read_labelled_from_brat_folder(tmp_path):
    _write(tmp_path, GOOD_ANN)
    _write(tmp_path, "T1\tEconomic 0 6\tMarket\n", name="doc2", text="Market fell.\nRain fell.")
    data = read_labelled(tmp_path)
    assert data.targets == ("Economic", "Conflict", "none", "Economic", "none")
