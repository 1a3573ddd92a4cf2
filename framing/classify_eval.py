"""Honest evaluation of text classifiers: metrics, baselines side by side, features, errors.

:func:`evaluate_classifier` scores a trained model on held-out labelled data;
:func:`cross_validate` trains and scores ``k`` times on one labelled set (stratified folds,
fixed seed). Both return an :class:`Evaluation` of tidy tables, rendered as text by
:func:`format_evaluation` and as a small HTML page by :func:`render_evaluation_html`.

Baselines: the majority class of the training data (for multi-label data, every label that is
positive in more than half of the training examples), and, when a lexicon is given, a
lexicon-only rule: a text gets the label of the lexicon category with the most hits (categories
are matched to labels by id), or the majority class when no mapped category is hit.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from framing.classify import (LABEL_SEPARATOR, LabelledData, cross_val_folds, lexicon_hits,
                              settings_of, train_classifier)
from framing.classify_model import TextClassifier
from framing.errors import DataError
from framing.tables import format_text_table

SUMMARY_COLUMNS = ["system", "macro_f1", "micro_f1", "accuracy", "n"]
CLASS_COLUMNS = ["label", "precision", "recall", "f1", "support", "predicted"]
CONFUSION_COLUMNS = ["gold", "predicted", "n"]
FEATURE_COLUMNS = ["label", "rank", "feature", "weight"]
ERROR_COLUMNS = ["line", "text", "gold", "predicted", "confidence"]


@dataclass(frozen=True)
class Evaluation:
    """All tables of one evaluation. ``summary`` has the model and the baselines side by side
    (``accuracy`` is exact-match of the whole label set for multi-label data)."""

    setting: str
    multi_label: bool
    labels: tuple[str, ...]
    summary: pd.DataFrame
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    features: pd.DataFrame
    errors: pd.DataFrame
    notes: tuple[str, ...] = ()

    def score(self, system: str = "model", metric: str = "macro_f1") -> float:
        row = self.summary[self.summary["system"] == system]
        return float(row[metric].iloc[0])


# ------------------------------------------------------------------------------ metrics

def _as_sets(targets: Sequence[Any], multi: bool) -> list[frozenset[str]]:
    return [frozenset(t) if multi else frozenset([t]) for t in targets]


def _scores(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[str],
            multi: bool) -> tuple[dict[str, float], pd.DataFrame]:
    g, p = _as_sets(gold, multi), _as_sets(pred, multi)
    rows, tp_all, fp_all, fn_all = [], 0, 0, 0
    for lab in labels:
        tp = sum(lab in a and lab in b for a, b in zip(g, p))
        fp = sum(lab not in a and lab in b for a, b in zip(g, p))
        fn = sum(lab in a and lab not in b for a, b in zip(g, p))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows.append({"label": lab, "precision": round(prec, 4), "recall": round(rec, 4),
                     "f1": round(f1, 4), "support": tp + fn, "predicted": tp + fp})
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    per_class = pd.DataFrame(rows, columns=CLASS_COLUMNS)
    micro = 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all else 0.0
    summary = {"macro_f1": round(float(per_class["f1"].mean()) if rows else 0.0, 4),
               "micro_f1": round(micro, 4),
               "accuracy": round(float(np.mean([a == b for a, b in zip(g, p)])) if g else 0.0, 4),
               "n": len(g)}
    return summary, per_class


def _confusion(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[str],
               multi: bool) -> pd.DataFrame:
    if multi:  # per label: gold yes/no x predicted yes/no
        rows = []
        for lab in labels:
            for gv in (True, False):
                for pv in (True, False):
                    n = sum((lab in a) == gv and (lab in b) == pv for a, b in zip(gold, pred))
                    rows.append({"gold": f"{lab}={'yes' if gv else 'no'}",
                                 "predicted": f"{lab}={'yes' if pv else 'no'}", "n": n})
        return pd.DataFrame(rows, columns=CONFUSION_COLUMNS)
    counts = Counter(zip(gold, pred))
    rows = [{"gold": a, "predicted": b, "n": counts.get((a, b), 0)} for a in labels for b in labels]
    return pd.DataFrame(rows, columns=CONFUSION_COLUMNS)


def _majority(train_targets: Sequence[Any], labels: Sequence[str], multi: bool):
    if multi:
        n = len(train_targets)
        counts = Counter(c for t in train_targets for c in t)
        return tuple(sorted(c for c in labels if counts[c] > n / 2))
    return Counter(train_targets).most_common(1)[0][0]


def _majority_from_counts(counts: Mapping[str, int], n: int, multi: bool):
    if multi:
        return tuple(sorted(c for c, k in counts.items() if k > n / 2))
    return max(sorted(counts), key=lambda c: counts[c])


# ------------------------------------------------------------------------------ lexicons

def lexicon_predictions(lexicon, texts: Sequence[str], labels: Sequence[str], fallback,
                        multi: bool) -> tuple[list[Any], list[str]]:
    """The lexicon-only baseline: the label of the most-hit category (matched by id)."""
    hits = lexicon_hits(lexicon, texts)
    mapped = {c for found in hits for c, _, _ in found if c in labels}
    notes = []
    if not mapped:
        notes.append("no lexicon category is named like a label, so the lexicon-only baseline "
                     "falls back to the majority class everywhere")
    preds = []
    for found in hits:
        counts = Counter(c for c, _, _ in found if c in labels)
        if multi:
            preds.append(tuple(sorted(counts)) if counts else fallback)
        else:
            preds.append(max(sorted(counts), key=counts.get) if counts else fallback)
    return preds, notes


# ------------------------------------------------------------------------------ evaluation

def _model_predictions(model: TextClassifier, texts: Sequence[str]):
    proba = model.predict_proba(list(texts))
    if model.multi_label:
        preds = [tuple(c for c, h in zip(model.classes_, row) if h)
                 for row in proba >= model.thresholds_]
        conf = [float(np.abs(row - t).min()) for row, t in zip(proba, [model.thresholds_] * len(proba))]
    else:
        preds = [str(c) for c in model.classes_[proba.argmax(axis=1)]]
        conf = proba.max(axis=1).tolist()
    return preds, conf


def _assemble(setting: str, data: LabelledData, labels: Sequence[str], preds, conf,
              baselines: Mapping[str, Sequence[Any]], features: pd.DataFrame,
              n_errors: int, notes: Sequence[str]) -> Evaluation:
    multi = data.multi_label
    summary_rows = []
    per_class = None
    for system, p in {"model": preds, **baselines}.items():
        s, pc = _scores(data.targets, p, labels, multi)
        summary_rows.append({"system": system, **s})
        if system == "model":
            per_class = pc
    fmt = (lambda t: LABEL_SEPARATOR.join(t)) if multi else str
    wrong = [i for i, (g, p) in enumerate(zip(data.targets, preds))
             if (frozenset(g) != frozenset(p) if multi else g != p)]
    wrong.sort(key=lambda i: -conf[i])  # most confident mistakes first: the telling ones
    errors = pd.DataFrame([{"line": data.lines[i] if data.lines else i + 1,
                            "text": data.texts[i], "gold": fmt(data.targets[i]),
                            "predicted": fmt(preds[i]), "confidence": round(conf[i], 4)}
                           for i in wrong[:n_errors]], columns=ERROR_COLUMNS)
    return Evaluation(setting=setting, multi_label=multi, labels=tuple(labels),
                      summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
                      per_class=per_class,
                      confusion=_confusion(data.targets, preds, labels, multi),
                      features=features, errors=errors, notes=tuple(notes))


def _check_labels(model: TextClassifier, data: LabelledData) -> list[str]:
    seen = {c for t in data.targets for c in (t if data.multi_label else [t])}
    unknown = sorted(seen - set(model.classes_))
    notes = []
    if data.multi_label != bool(model.multi_label):
        raise DataError(f"{data.source}: the model is {'multi' if model.multi_label else 'single'}"
                        f"-label but the data was read as "
                        f"{'multi' if data.multi_label else 'single'}-label; "
                        f"{'add' if model.multi_label else 'drop'} --multi-label")
    if unknown:
        notes.append(f"labels in the data that the model never saw (always wrong): "
                     f"{', '.join(unknown)}")
    return notes


def evaluate_classifier(model: TextClassifier, data: LabelledData, *, baseline_lexicon=None,
                        n_features: int = 10, n_errors: int = 20) -> Evaluation:
    """Score a trained model on held-out labelled data, next to the baselines.

    The majority baseline uses the label counts stored with the model at training time.

    Returns
    -------
    Evaluation
        ``summary`` (SUMMARY_COLUMNS; systems ``model``, ``majority`` and, with a lexicon,
        ``lexicon``), ``per_class`` (CLASS_COLUMNS), ``confusion`` (CONFUSION_COLUMNS),
        ``features`` (FEATURE_COLUMNS), ``errors`` (ERROR_COLUMNS, most confident first).
    """
    notes = _check_labels(model, data)
    labels = [str(c) for c in model.classes_]
    training = getattr(model, "training_", {}) or {}
    counts = training.get("label_counts") or data.label_counts()
    majority = _majority_from_counts(counts, int(training.get("n_examples") or len(data)),
                                     data.multi_label)
    preds, conf = _model_predictions(model, data.texts)
    baselines: dict[str, list[Any]] = {"majority": [majority] * len(data)}
    if baseline_lexicon is not None:
        baselines["lexicon"], more = lexicon_predictions(baseline_lexicon, data.texts, labels, majority,
                                                         data.multi_label)
        notes += more
    features = pd.DataFrame(model.top_features(n_features), columns=FEATURE_COLUMNS)
    source = training.get("source", "?")
    return _assemble(f"trained on {source} ({training.get('n_examples', '?')} examples), "
                     f"evaluated on {data.source} ({len(data)} examples)", data, labels, preds,
                     conf, baselines, features, n_errors, notes)


def cross_validate(data: LabelledData, *, k: int = 5, baseline_lexicon=None,
                   n_features: int = 10, n_errors: int = 20, seed: int = 0, **params: Any) -> Evaluation:
    """Train on k-1 folds and predict the k-th, k times; score the pooled predictions.

    ``params`` are :class:`TextClassifier` settings (e.g. ``settings_of(model)`` to
    cross-validate a saved model's recipe). The features shown come from a model fitted on
    all of ``data``.
    """
    if k < 2:
        raise DataError(f"--cv needs at least 2 folds, got {k}")
    labels = sorted({c for t in data.targets for c in (t if data.multi_label else [t])})
    preds: list[Any] = [None] * len(data)
    conf = [0.0] * len(data)
    majority: list[Any] = [None] * len(data)
    lexicon_pred: list[Any] = [None] * len(data)
    notes: list[str] = []
    params = {**params, "random_state": params.get("random_state", seed)}
    for train_idx, test_idx in cross_val_folds(data, k, seed):
        train, test = data.subset(train_idx), data.subset(test_idx)
        model = train_classifier(train, **params)
        p, c = _model_predictions(model, test.texts)
        maj = _majority(train.targets, labels, data.multi_label)
        lex = (lexicon_predictions(baseline_lexicon, test.texts, labels, maj, data.multi_label)
               if baseline_lexicon is not None else None)
        for j, i in enumerate(test_idx):
            preds[i], conf[i], majority[i] = p[j], c[j], maj
            if lex is not None:
                lexicon_pred[i] = lex[0][j]
        if lex is not None:
            notes = sorted(set(notes) | set(lex[1]))
    baselines = {"majority": majority}
    if baseline_lexicon is not None:
        baselines["lexicon"] = lexicon_pred
    full = train_classifier(data, **params)
    features = pd.DataFrame(full.top_features(n_features), columns=FEATURE_COLUMNS)
    return _assemble(f"{k}-fold cross-validation on {data.source} ({len(data)} examples)",
                     data, labels, preds, conf, baselines, features, n_errors, notes)


# ------------------------------------------------------------------------------ rendering

def format_evaluation(ev: Evaluation, *, max_width: int = 70) -> str:
    """The evaluation as plain text: summary, per-class table, confusion, features, errors."""
    parts = [f"Evaluation: {ev.setting}", ""]
    parts += ["Model and baselines", format_text_table(ev.summary), ""]
    parts += ["Per class (model)", format_text_table(ev.per_class), ""]
    if ev.multi_label:
        parts += ["Confusion per label (rows: gold, n)",
                  format_text_table(ev.confusion[ev.confusion["n"] > 0]), ""]
    else:
        wide = ev.confusion.pivot(index="gold", columns="predicted", values="n")
        wide = wide.reindex(index=list(ev.labels), columns=list(ev.labels)).reset_index()
        wide.columns = ["gold \\ predicted", *[c[:10] for c in ev.labels]]
        parts += ["Confusion matrix (rows: gold, columns: predicted)",
                  format_text_table(wide), ""]
    top = ev.features[ev.features["rank"] <= 5].groupby("label", sort=False)["feature"] \
        .agg(lambda s: ", ".join(s)).reset_index()
    parts += ["Top weighted features per class", format_text_table(top, max_width=max_width), ""]
    parts += [f"Misclassified examples (most confident first, {len(ev.errors)} shown)",
              format_text_table(ev.errors, max_width=max_width)]
    if ev.notes:
        parts += ["", *[f"note: {n}" for n in ev.notes]]
    return "\n".join(parts)


def render_evaluation_html(ev: Evaluation) -> str:
    """A small self-contained HTML page (Jinja2, autoescaping on: texts cannot become markup)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("framing", "templates"), autoescape=True,
                      undefined=StrictUndefined)
    wide = None
    if not ev.multi_label:
        wide = ev.confusion.pivot(index="gold", columns="predicted", values="n") \
            .reindex(index=list(ev.labels), columns=list(ev.labels))
    return env.get_template("classify_eval.html").render(
        ev=ev, summary=ev.summary.to_dict("records"), per_class=ev.per_class.to_dict("records"),
        confusion=wide, labels=list(ev.labels),
        features={lab: grp.to_dict("records") for lab, grp in ev.features.groupby("label", sort=False)},
        errors=ev.errors.to_dict("records"), multi_confusion=ev.confusion.to_dict("records"))


__all__ = ["Evaluation", "evaluate_classifier", "cross_validate", "format_evaluation",
           "render_evaluation_html", "lexicon_hits", "settings_of", "SUMMARY_COLUMNS",
           "CLASS_COLUMNS", "CONFUSION_COLUMNS", "FEATURE_COLUMNS", "ERROR_COLUMNS"]
