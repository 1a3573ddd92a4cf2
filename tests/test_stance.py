"""Claim stance (FNC-1 style) on invented headline/body pairs: features, model files, CLI."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.classify import save_classifier, train_classifier, labelled_from_frame
from framing.cli import main
from framing.errors import DataError, ModelError
from framing.models import Article
from framing.stance import (CLAIM_COLUMNS, STANCE_LABELS, load_stance_model, predict_stances,
                            read_stances, save_stance_model, stance_toward_claim, train_stance)

_BODIES = {
    "1": "The harbor bridge collapsed on Monday after a storm, officials confirmed. The bridge "
         "collapse closed the port road.",
    "2": "Reports that the harbor bridge collapsed are false. The bridge is standing and the "
         "claims are a hoax, officials said, denying any damage.",
    "3": "A local paper reported the harbor bridge may have collapsed; officials have not "
         "confirmed whether the bridge collapsed.",
    "4": "The mountain festival sold record numbers of tickets for its jazz evening.",
}
_HEADLINES = ["Harbor bridge collapsed in storm", "Storm brings down harbor bridge",
              "Harbor bridge collapse closes port road"]
_STANCE = {"1": "agree", "2": "disagree", "3": "discuss", "4": "unrelated"}


def _write(tmp_path, n_copies: int = 3):
    bodies = pd.DataFrame({"Body ID": list(_BODIES), "articleBody": list(_BODIES.values())})
    rows = [{"Headline": h, "Body ID": b, "Stance": s}
            for _ in range(n_copies) for h in _HEADLINES for b, s in _STANCE.items()]
    bodies.to_csv(tmp_path / "bodies.csv", index=False)
    pd.DataFrame(rows).to_csv(tmp_path / "stances.csv", index=False)
    return tmp_path / "stances.csv", tmp_path / "bodies.csv"


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    return read_stances(*_write(tmp_path_factory.mktemp("fnc")))


@pytest.fixture(scope="module")
def model(pairs):
    return train_stance(pairs, C=10.0)


def test_model_fits_invented_pairs(model, pairs):
    pred = predict_stances(model, pairs)
    assert list(pred.columns[:3]) == ["Headline", "Body ID", "Stance"]
    assert (pred["Stance"] == pairs["Stance"]).mean() == 1.0
    assert list(pred["Headline"]) == list(pairs["Headline"])  # input order kept


def test_stance_model_round_trips(model, pairs, tmp_path):
    path = save_stance_model(model, tmp_path / "stance.npz")
    loaded = load_stance_model(path)
    heads, bodies = pairs["Headline"].tolist(), pairs["articleBody"].tolist()
    np.testing.assert_allclose(loaded.predict_proba(heads, bodies),
                               model.predict_proba(heads, bodies), atol=1e-6)


def test_classifier_file_is_not_a_stance_model(tmp_path):
    frame = pd.DataFrame({"text": ["a b", "c d", "a c", "b d"], "label": ["x", "y", "x", "y"]})
    clf = train_classifier(labelled_from_frame(frame, text="text", labels=["label"]),
                           char_ngrams=None)
    path = save_classifier(clf, tmp_path / "clf.json")
    with pytest.raises(ModelError, match="this is a 'text_classifier' model, expected a 'stance'"):
        load_stance_model(path)


@pytest.mark.parametrize(("stances", "message"), [
    ("Headline,Body ID,Stance\nBridge falls,9,agree\n", r"stances\.csv:2: Body ID '9' is not in"),
    ("Headline,Body ID,Stance\nBridge falls,1,maybe\n", r"stances\.csv:2: stance 'maybe' is not one of"),
    ("Title,Body ID\nBridge falls,1\n", r"missing column\(s\) Headline"),
])
def test_read_stances_errors(tmp_path, stances, message):
    _, bodies = _write(tmp_path)
    (tmp_path / "stances.csv").write_text(stances, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_stances(tmp_path / "stances.csv", bodies)


def test_stance_toward_claim_one_row_per_article(model):
    arts = [Article(id=f"a{i}", outlet="Harbor Daily", title="t", date="", url="", text=body,
                    raw_text=body, path="x") for i, body in enumerate(_BODIES.values())]
    table = stance_toward_claim(model, "Harbor bridge collapsed in storm", arts)
    assert list(table.columns) == CLAIM_COLUMNS
    assert list(table["stance"]) == ["agree", "disagree", "discuss", "unrelated"]
    assert set(table["stance"]) <= set(STANCE_LABELS)
    with pytest.raises(DataError, match="non-empty claim"):
        stance_toward_claim(model, " ", arts)


def test_cli_stance_train_and_predict(tmp_path):
    stances, bodies = _write(tmp_path, n_copies=2)
    model = tmp_path / "stance.npz"
    assert main(["stance", "train", "--stances", str(stances), "--bodies", str(bodies),
                 "--out", str(model), "-C", "10"]) == 0
    pred = tmp_path / "pred.csv"
    assert main(["stance", "predict", "--model", str(model), "--stances", str(stances),
                 "--bodies", str(bodies), "--out", str(pred)]) == 0
    out = pd.read_csv(pred, dtype=str)
    assert list(out.columns) == ["Headline", "Body ID", "Stance"]
    assert len(out) == 2 * len(_HEADLINES) * len(_BODIES)


def test_cli_stance_claim_on_seeds_with_shipped_model(capsys):
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    assert main(["stance", "claim", "--claim", "North Korea tested a missile", str(seeds),
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ",".join(CLAIM_COLUMNS) and len(out) == 3
