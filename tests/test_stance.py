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
from framing.classify_model import write_model_data
from framing.stance import (CLAIM_COLUMNS, DENSE_FEATURES, STANCE_LABELS, claim_disjoint_split,
                            fit_tree_ensemble, load_stance_model, predict_stances, read_stances,
                            save_stance_model, stance_toward_claim, train_stance,
                            tree_ensemble_raw)

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


@pytest.fixture(scope="module")
def single_stage(pairs):
    return train_stance(pairs, C=10.0, two_stage=False)


def test_single_stage_model_fits_invented_pairs(single_stage, pairs):
    assert (predict_stances(single_stage, pairs)["Stance"] == pairs["Stance"]).all()


@pytest.mark.parametrize("which", ["model", "single_stage"])
def test_stance_model_round_trips(which, pairs, tmp_path, request):
    model = request.getfixturevalue(which)
    path = save_stance_model(model, tmp_path / "stance.npz")
    loaded = load_stance_model(path)
    heads, bodies = pairs["Headline"].tolist(), pairs["articleBody"].tolist()
    proba = model.predict_proba(heads, bodies)
    np.testing.assert_allclose(loaded.predict_proba(heads, bodies), proba, atol=1e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


# ------------------------------------------------------------------------ exported trees

_STUMP = {"offsets": np.array([0]), "feature": np.array([1, 0, 0]),
          "threshold": np.array([0.5, 0.0, 0.0]), "missing_left": np.array([0, 0, 0], np.uint8),
          "left": np.array([1, 0, 0]), "right": np.array([2, 0, 0]),
          "is_leaf": np.array([0, 1, 1], np.uint8), "value": np.array([0.0, -1.0, 2.0]),
          "baseline": np.array([0.25])}


@pytest.mark.parametrize(("row", "expected"), [
    ([9.0, 0.2], 0.25 - 1.0),            # feature 1 <= 0.5: left leaf
    ([9.0, 0.5], 0.25 - 1.0),            # the threshold itself goes left
    ([9.0, 0.7], 0.25 + 2.0),            # right leaf
    ([9.0, np.nan], 0.25 + 2.0),         # missing goes where the tree learnt (right here)
])
def test_tree_ensemble_raw_walks_stored_nodes(row, expected):
    assert tree_ensemble_raw(_STUMP, np.array([row]))[0] == pytest.approx(expected)


def test_exported_trees_match_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
    trees = fit_tree_ensemble(X, y, n_trees=20)
    ref = HistGradientBoostingClassifier(max_iter=20, min_samples_leaf=15, early_stopping=False,
                                         random_state=0).fit(X, y)
    np.testing.assert_allclose(tree_ensemble_raw(trees, X), ref.decision_function(X), atol=1e-9)


def _child_backwards(arrays):
    arrays["tree_left"][0] = 0           # a node pointing to itself would loop for ever


def _feature_out_of_range(arrays):
    arrays["tree_feature"][0] = len(DENSE_FEATURES) + 3


def _bad_offsets(arrays):
    arrays["tree_offsets"][0] = 5


def _lost_tree(arrays):
    del arrays["tree_value"]


def _fewer_hand_features(meta):
    meta["dense_features"] = list(DENSE_FEATURES[:-5])  # a model from an older framing


@pytest.mark.parametrize(("damage", "message"), [
    (_child_backwards, r"left child points outside its tree"),
    (_feature_out_of_range, r"splits on a feature the model does not have"),
    (_bad_offsets, r"tree offsets malformed"),
    (_lost_tree, r"invalid stance model \(KeyError"),
    (_fewer_hand_features, r"hand features differ"),
])
def test_inconsistent_stance_model_is_refused(model, tmp_path, damage, message):
    meta, arrays = model.to_data()
    arrays = {k: v.copy() for k, v in arrays.items()}
    damage(meta if damage is _fewer_hand_features else arrays)
    path = write_model_data(tmp_path / "bad.npz", "stance", meta, arrays)  # valid checksum
    with pytest.raises(ModelError, match=rf"bad\.npz: .*{message}"):
        load_stance_model(path)


# ------------------------------------------------------------------------ unseen-story split

def _two_story_pairs() -> pd.DataFrame:
    rows = [("Harbor bridge collapsed", "1", "agree"), ("Storm downs harbor bridge", "2", "discuss"),
            ("Harbor bridge collapsed", "2", "agree"), ("Festival sells out", "3", "agree"),
            ("Jazz night sells out", "3", "discuss"), ("Festival sells out", "1", "unrelated"),
            ("Harbor bridge collapsed", "3", "unrelated"), ("Comet seen over town", "4", "agree")]
    return pd.DataFrame(rows, columns=["Headline", "Body ID", "Stance"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_claim_disjoint_split_shares_no_headline_or_body(seed):
    pairs = _two_story_pairs()
    train, test = claim_disjoint_split(pairs, held_out=0.5, seed=seed)
    assert not set(train["Headline"]) & set(test["Headline"])
    assert not set(train["Body ID"]) & set(test["Body ID"])
    # a story (headlines and bodies joined by related pairs) is never cut in two
    for part in (train, test):
        related = part[part["Stance"] != "unrelated"]
        assert set(related["Body ID"]) <= set(part["Body ID"])
    assert len(train) + len(test) <= len(pairs)


@pytest.mark.parametrize("held_out", [0.0, 1.0, -0.2])
def test_claim_disjoint_split_rejects_bad_share(held_out):
    with pytest.raises(DataError, match="held_out must be between 0 and 1"):
        claim_disjoint_split(_two_story_pairs(), held_out=held_out)


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


def test_cli_stance_split_writes_both_parts(tmp_path, capsys):
    stances, bodies = _write(tmp_path, n_copies=1)
    assert main(["stance", "split", "--stances", str(stances), "--bodies", str(bodies),
                 "--held-out", "0.5", "--train-out", str(tmp_path / "tr.csv"),
                 "--test-out", str(tmp_path / "te.csv")]) == 0
    parts = [pd.read_csv(tmp_path / name, dtype=str) for name in ("tr.csv", "te.csv")]
    assert all(list(p.columns) == ["Headline", "Body ID", "Stance"] for p in parts)
    assert "held-out pairs" in capsys.readouterr().err


def test_cli_stance_claim_on_seeds_with_shipped_model(capsys):
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    assert main(["stance", "claim", "--claim", "North Korea tested a missile", str(seeds),
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ",".join(CLAIM_COLUMNS) and len(out) == 3
