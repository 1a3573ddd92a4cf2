"""Classifier training, plain-data model files, evaluation, application, outlets, bootstrap.

Every example text here is invented for the tests; models are tiny and train in well under a
second each.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.classify import (LabelledData, apply_classifier, bootstrap_labels, labelled_from_frame,
                              load_classifier, outlet_distinctiveness, predict_corpus,
                              read_labelled, save_classifier, train_classifier)
from framing.classify_eval import (CLASS_COLUMNS, SUMMARY_COLUMNS, cross_validate,
                                   evaluate_classifier, format_evaluation,
                                   render_evaluation_html)
from framing.classify_model import TextClassifier, voice_features
from framing.cli import main
from framing.errors import DataError, ModelError

_TEMPLATES = {
    "economic": ["The {x} tariff raised prices for farmers", "Markets fell as the {x} budget slipped",
                 "Exporters counted the cost of the {x} sanctions", "The {x} deal will cut jobs and wages"],
    "conflict": ["Troops exchanged fire near the {x} border", "The {x} militia launched a missile",
                 "Rival forces clashed over the {x} ridge", "Soldiers shelled the {x} outpost"],
    "diplomacy": ["Envoys met for {x} peace talks", "The ministers signed a {x} accord",
                  "Negotiators agreed on a {x} summit", "Diplomats proposed a {x} dialogue"],
}
_FILLERS = ["northern", "coastal", "eastern", "river", "mountain", "southern"]


def _examples() -> pd.DataFrame:
    rows = [{"sentence": t.format(x=f), "frame": label, "outlet": "Harbor Daily" if i % 2 else "Summit Post"}
            for label, temps in _TEMPLATES.items() for i, t in enumerate(temps) for f in _FILLERS]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def data() -> LabelledData:
    return labelled_from_frame(_examples(), text="sentence", labels=["frame"], source="invented")


@pytest.fixture(scope="module")
def model(data) -> TextClassifier:
    return train_classifier(data, model="logistic", C=10.0)


# ------------------------------------------------------------------------ training/predicting

@pytest.mark.parametrize(("text", "expected"), [
    ("Farmers worry the western tariff raised prices", "economic"),
    ("Soldiers fired a missile across the ridge", "conflict"),
    ("The ministers agreed to hold peace talks", "diplomacy"),
])
def test_tiny_model_learns_invented_frames(model, text, expected):
    assert model.predict([text])[0] == expected


@pytest.mark.parametrize("model_type", ["logistic", "svm"])
def test_probabilities_are_calibrated_distributions(data, model_type):
    m = train_classifier(data, model=model_type, C=1.0)
    proba = m.predict_proba(["Troops clashed at the border", "Envoys met"])
    assert proba.shape == (2, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all()


def test_multiclass_svm_softmax_keeps_the_svm_decision(data):
    m = train_classifier(data, char_ngrams=None)  # default: SVM, one softmax temperature
    texts = ["Troops clashed at the border", "Envoys met", "Prices rose", "A quiet day"]
    assert m.temperature_.shape == (1,) and m.temperature_[0] > 0 and m.cal_a_ is None
    assert list(m.predict_proba(texts).argmax(axis=1)) == list(
        m.decision_function(texts).argmax(axis=1))


@pytest.mark.parametrize(("model_type", "softmax", "C", "expected"), [
    ("svm", True, None, 0.2),            # softmax-calibrated multiclass SVM
    ("svm", False, None, 0.5),           # binary, multi-label or sigmoid-calibrated SVM
    ("logistic", False, None, 10.0),
    ("svm", True, 3.0, 3.0),             # an explicit C always wins
])
def test_default_regularisation(model_type, softmax, C, expected):
    assert TextClassifier(model=model_type, C=C)._default_C(softmax=softmax) == expected


def test_sigmoid_calibration_keeps_the_earlier_recipe(data, tmp_path):
    from framing.classify_model import write_model_data

    m = train_classifier(data, char_ngrams=None, calibration="sigmoid")
    assert m.temperature_ is None and m.cal_a_.shape == (3,)
    np.testing.assert_allclose(m.predict_proba(["Envoys met"]).sum(), 1.0)
    meta, arrays = m.to_data()
    del meta["params"]["calibration"]    # a file written before the parameter existed
    loaded = load_classifier(write_model_data(tmp_path / "old.json", "text_classifier", meta,
                                              arrays))
    assert loaded.calibration == "sigmoid"
    with pytest.raises(DataError, match="calibration must be 'softmax' or 'sigmoid'"):
        train_classifier(data, calibration="isotonic")


def test_bare_string_is_rejected(model):
    with pytest.raises(DataError, match="single string"):
        model.predict("Troops clashed at the border")


def test_binary_and_voice_features():
    texts = ['"We will fight," he said.', "Prices rose.", '"No," she said.', "Markets fell.",
             '"Never," they said.', "Wages slipped."]
    m = TextClassifier(voice=True, char_ngrams=None).fit(texts, ["quote", "plain"] * 3)
    assert list(m.classes_) == ["plain", "quote"]
    assert m.predict(['"Yes," he said.'])[0] == "quote"
    assert "voice_quoted_share" in set(m.get_feature_names_out())
    assert voice_features(["plain text"]).shape == (1, 5)


def test_lexicon_features_round_trip(tmp_path):
    texts = ["Pyongyang calls the test a defensive measure", "Seoul calls the launch a provocation",
             "It is a defensive measure, the envoy says", "The drill was a provocation"] * 2
    labels = ["justifying", "accusing"] * 4
    m = TextClassifier(lexicon="conflict_frames", char_ngrams=None).fit(texts, labels)
    assert "lex_defensive_justification" in set(m.get_feature_names_out())
    loaded = load_classifier(save_classifier(m, tmp_path / "lex.json"))
    np.testing.assert_allclose(loaded.predict_proba(texts), m.predict_proba(texts), atol=1e-6)


def test_multi_label_from_binary_columns(tmp_path):
    frame = _examples()
    frame["economic"] = (frame["frame"] == "economic").astype(int)
    frame["conflict"] = (frame["frame"] != "diplomacy").astype(int)
    path = tmp_path / "multi.csv"
    frame.to_csv(path, index=False)
    data = read_labelled(path, text="sentence", labels=["economic", "conflict"], multi_label=True)
    assert data.targets[0] == ("conflict", "economic")
    m = train_classifier(data, char_ngrams=None, model="logistic")
    assert m.thresholds_.shape == (2,)
    assert m.predict(["Envoys met for peace talks"]) == [[]]


# ------------------------------------------------------------------------ reading labels

@pytest.mark.parametrize(("content", "kwargs", "message"), [
    ("text,label\nA sentence,economic\n", {"labels": ["frame"]}, r"no column 'frame'; columns are text, label"),
    ("text,label\nA sentence,economic\nAnother one,\n", {}, r"labels\.csv:3: empty label"),
    ("text,a,b\nx,1,0\n", {"labels": ["a", "b"]}, r"2 label columns given; add --multi-label"),
])
def test_read_labelled_errors_name_file_and_line(tmp_path, content, kwargs, message):
    path = tmp_path / "labels.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_labelled(path, **kwargs)


def test_read_labelled_jsonl_and_bad_json(tmp_path):
    good = tmp_path / "ok.jsonl"
    good.write_text('{"text": "Envoys met", "label": "diplomacy"}\n\n'
                    '{"text": "Troops fired", "label": "conflict"}\n', encoding="utf-8")
    data = read_labelled(good)
    assert data.targets == ("diplomacy", "conflict") and data.lines == (1, 3)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "y"}\n{oops\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: not valid JSON"):
        read_labelled(bad)


def test_empty_text_rows_are_skipped_with_warning():
    frame = pd.DataFrame({"text": ["Envoys met", "", "Troops fired"], "label": ["d", "d", "c"]})
    with pytest.warns(UserWarning, match="t.csv:3: empty text"):
        data = labelled_from_frame(frame, text="text", labels=["label"], source="t.csv")
    assert len(data) == 2


# ------------------------------------------------------------------------ model files

@pytest.mark.parametrize("model_type", ["logistic", "svm"])
@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_model_file_round_trips_without_refitting(data, tmp_path, suffix, model_type):
    model = train_classifier(data, model=model_type, C=10.0 if model_type == "logistic" else None)
    path = save_classifier(model, tmp_path / f"m{suffix}", training={"source": "invented"})
    loaded = load_classifier(path)
    texts = ["Troops clashed near the river", "The budget slipped"]
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    assert loaded.training_ == {"source": "invented"}


def _corrupt_json(path: Path) -> None:
    doc = json.loads(path.read_text())
    doc["classes"][0] = "tampered"
    path.write_text(json.dumps(doc))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _other_kind(path: Path) -> None:
    doc = json.loads(path.read_text())
    doc["kind"] = "stance"
    path.write_text(json.dumps(doc))


def _newer_format(path: Path) -> None:
    doc = json.loads(path.read_text())
    doc["format_version"] = 99
    path.write_text(json.dumps(doc))


def _not_a_model(path: Path) -> None:
    path.write_text('{"hello": "world"}')


@pytest.mark.parametrize(("damage", "suffix", "message"), [
    (_corrupt_json, ".json", "checksum mismatch"),
    (_truncate, ".json", "cannot read model"),
    (_truncate, ".npz", "cannot read model"),
    (_other_kind, ".json", "this is a 'stance' model, expected a 'text_classifier' model"),
    (_newer_format, ".json", "format version 99 is newer"),
    (_not_a_model, ".json", "not a framing model"),
])
def test_damaged_or_mismatched_model_is_refused(model, tmp_path, damage, suffix, message):
    path = save_classifier(model, tmp_path / f"m{suffix}")
    damage(path)
    with pytest.raises(ModelError, match=message):
        load_classifier(path)


@pytest.mark.parametrize(("temperature", "with_sigmoid"), [
    ([-1.0], False), ([0.0], False), ([1.0, 2.0], False), ([1.0], True),
])
def test_bad_softmax_temperature_is_refused(data, tmp_path, temperature, with_sigmoid):
    from framing.classify_model import write_model_data

    meta, arrays = train_classifier(data, char_ngrams=None).to_data()
    arrays["temperature"] = np.asarray(temperature)
    if with_sigmoid:
        arrays["cal_a"], arrays["cal_b"] = np.ones(3), np.zeros(3)
    path = write_model_data(tmp_path / "t.json", "text_classifier", meta, arrays)
    with pytest.raises(ModelError, match=r"t\.json: inconsistent classifier.*softmax temperature"):
        load_classifier(path)


def test_missing_model_file_is_refused(tmp_path):
    with pytest.raises(ModelError, match=r"no such model file"):
        load_classifier(tmp_path / "absent.json")


# ------------------------------------------------------------------------ applying

def test_apply_classifier_adds_columns_and_keeps_caller_frame(model):
    table = pd.DataFrame({"id": [1, 2], "sentence": ["Troops fired", "Envoys met"]})
    before = table.copy()
    out = apply_classifier(model, table, text="sentence")
    assert list(out.columns) == ["id", "sentence", "prediction", "confidence", "prob_conflict",
                                 "prob_diplomacy", "prob_economic"]
    assert list(out["prediction"]) == ["conflict", "diplomacy"]
    pd.testing.assert_frame_equal(table, before)


def test_predict_corpus_sentence_and_article_levels(model):
    from framing.models import Article

    text = "Troops exchanged fire at the border.\nEnvoys met for peace talks."
    art = Article(id="a1", outlet="Harbor Daily", title="Border", date="", url="", text=text,
                  raw_text=text, path="a1.txt")
    sentences = predict_corpus(model, [art], level="sentence")
    assert list(sentences["prediction"]) == ["conflict", "diplomacy"]
    assert {"article_id", "outlet", "start", "end", "prob_economic"} <= set(sentences.columns)
    articles = predict_corpus(model, [art], level="article")
    assert len(articles) == 1 and articles["article_id"][0] == "a1"
    with pytest.raises(DataError, match="level must be"):
        predict_corpus(model, [art], level="paragraph")


# ------------------------------------------------------------------------ evaluation

def test_evaluate_has_model_and_baselines_side_by_side(model, data):
    ev = evaluate_classifier(model, data, n_errors=5)
    assert list(ev.summary.columns) == SUMMARY_COLUMNS
    assert list(ev.summary["system"]) == ["model", "majority"]
    assert ev.score("model") > ev.score("majority")
    assert list(ev.per_class.columns) == CLASS_COLUMNS
    assert ev.confusion["n"].sum() == len(data)
    assert set(ev.features["label"]) == {"conflict", "diplomacy", "economic"}
    text = format_evaluation(ev)
    assert "Confusion matrix" in text and "Top weighted features" in text


def test_cross_validation_pools_out_of_fold_predictions(data):
    ev = cross_validate(data, k=3, char_ngrams=None, model="logistic")
    assert ev.summary["n"].iloc[0] == len(data)
    assert ev.setting.startswith("3-fold cross-validation")
    with pytest.raises(DataError, match="fewer than the 50 folds"):
        cross_validate(data, k=50)


def test_html_report_escapes_text(model):
    frame = pd.DataFrame({"text": ["<script>alert(1)</script> troops fired & shelled",
                                   "Envoys met for talks"], "label": ["diplomacy", "conflict"]})
    ev = evaluate_classifier(model, labelled_from_frame(frame, text="text", labels=["label"]))
    html = render_evaluation_html(ev)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h2>Misclassified examples</h2>" in html


# ------------------------------------------------------------------------ outlets, bootstrap

def test_outlet_distinctiveness_scores_against_chance():
    texts = [f"Harbor Daily says the {f} port reopened with cranes" for f in _FILLERS * 2] + \
            [f"Summit Post reports hikers on the {f} trail at dawn" for f in _FILLERS * 2]
    outlets = ["Harbor Daily"] * 12 + ["Summit Post"] * 12
    scores, feats = outlet_distinctiveness(texts, outlets, cv=3, n_features=3)
    overall = scores[scores["outlet"] == "(all)"].iloc[0]
    assert overall["f1"] > overall["chance_f1"] == 0.5
    assert not feats["feature"].str.contains("harbor|summit", case=False).any()  # names masked
    with pytest.raises(DataError, match="at least two outlets"):
        outlet_distinctiveness(texts[:2], outlets[:2], cv=3)


def test_bootstrap_labels_masks_terms(tmp_path):
    lexicon = tmp_path / "mini.yaml"
    lexicon.write_text(
        "name: mini\nversion: 1.0.0\ndescription: invented\nlanguage: en\n"
        "references: [\"invented for tests\"]\ncategories:\n"
        "  - id: military\n    label: Military\n    description: force\n    entries: [missile, troops]\n"
        "  - id: talks\n    label: Talks\n    description: diplomacy\n    entries: [envoy, summit]\n",
        encoding="utf-8")
    sentences = pd.DataFrame({"article_id": "a", "outlet": "o", "index": range(4),
                              "text": ["The missile flew far.", "An envoy arrived.",
                                       "Troops met the envoy.", "Rain fell all day."]})
    weak = bootstrap_labels(sentences, lexicon, min_count=1)
    by_text = dict(zip(weak["text"], weak["label"]))
    assert by_text == {"The missile flew far.": "military", "An envoy arrived.": "talks",
                       "Rain fell all day.": "none"}  # two categories: ambiguous, dropped
    assert "missile" not in " ".join(weak["masked_text"])
    assert set(bootstrap_labels(sentences, lexicon, min_count=2)["label"]) == {"none"}


# ------------------------------------------------------------------------ CLI

def test_cli_train_evaluate_apply(tmp_path, capsys):
    csv = tmp_path / "labels.csv"
    _examples().to_csv(csv, index=False)
    out = tmp_path / "m.json"
    assert main(["classify", "train", "--data", str(csv), "--text", "sentence", "--label",
                 "frame", "--out", str(out), "--no-char"]) == 0
    html = tmp_path / "ev.html"
    assert main(["classify", "evaluate", "--model", str(out), "--data", str(csv),
                 "--html", str(html)]) == 0
    assert "Model and baselines" in capsys.readouterr().out and html.is_file()
    pred = tmp_path / "pred.csv"
    assert main(["classify", "apply", "--model", str(out), "--data", str(csv),
                 "--out", str(pred)]) == 0
    assert "prob_economic" in pd.read_csv(pred).columns


@pytest.mark.parametrize(("argv", "message"), [
    (["classify", "evaluate", "--model", "{tmp}/nope.json", "--data", "{tmp}/x.csv"], "no such model file"),
    (["classify", "train", "--data", "{tmp}/absent.csv", "--out", "{tmp}/m.json"], "absent.csv: no such file"),
])
def test_cli_user_errors_exit_1(tmp_path, capsys, argv, message):
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 1
    assert message in capsys.readouterr().err


# ------------------------------------------------------------------------ real data (optional)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def test_gvfc_main_frame_beats_baselines_on_dev():
    gvfc = SHARED / "frames" / "gvfc"
    if not (gvfc / "train.csv").is_file():
        pytest.skip(f"GVFC data not found at {gvfc} (shared/ is not beside the checkout)")
    train = read_labelled(gvfc / "train.csv", text="headline", labels=["frame1"])
    dev = read_labelled(gvfc / "dev.csv", text="headline", labels=["frame1"])
    ev = evaluate_classifier(train_classifier(train), dev)
    # docs/evaluation.md records 0.604; the README's balanced-LR yardstick is 0.581
    assert ev.score("model") > 0.55 > 10 * ev.score("majority")
