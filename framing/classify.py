"""Frame and outlet classifiers: train, evaluate and apply on labelled sentences or articles.

The estimator and its plain-data file format live in :mod:`framing.classify_model`; metrics
and the evaluation report in :mod:`framing.classify_eval`. This module reads labelled data
(CSV, JSONL, brat standoff), trains, applies a model to tables and corpora, bootstraps a
classifier from lexicon hits, and measures how distinct outlets are.

Examples
--------
>>> from framing.classify import train_classifier, apply_classifier
>>> data = read_labelled("labels.csv", text="sentence", labels=["frame"])   # doctest: +SKIP
>>> model = train_classifier(data)                                          # doctest: +SKIP
>>> apply_classifier(model, data.frame, text="sentence").head()             # doctest: +SKIP
"""
from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing.classify_model import (TextClassifier, load_classifier, save_classifier,
                                    label_folds)
from framing.errors import DataError
from framing.models import Article
from framing.tables import read_csv_records

__all__ = ["LabelledData", "read_labelled", "labelled_from_frame", "train_classifier",
           "apply_classifier", "predict_corpus", "outlet_distinctiveness", "bootstrap_labels",
           "save_classifier", "load_classifier", "TextClassifier", "PREDICTION_COLUMNS",
           "OUTLET_SCORE_COLUMNS", "OUTLET_FEATURE_COLUMNS", "BOOTSTRAP_PARAMS"]

PREDICTION_COLUMNS = ["prediction", "confidence"]  # then one prob_<label> column per class
OUTLET_SCORE_COLUMNS = ["outlet", "n_texts", "precision", "recall", "f1", "chance_f1"]
OUTLET_FEATURE_COLUMNS = ["outlet", "rank", "feature", "weight"]
_TRUE = {"1", "true", "yes", "y", "t", "1.0"}
_FALSE = {"0", "false", "no", "n", "f", "", "0.0"}
LABEL_SEPARATOR = "|"
# The weak-supervision classifier keeps the recipe it was evaluated with (docs/evaluation.md,
# "Weak supervision"): word n-grams only, per-class sigmoid calibration, C=0.5. With the
# softmax default it predicts "none" even more often on the held-back hand labels.
BOOTSTRAP_PARAMS: Mapping[str, Any] = MappingProxyType(
    {"char_ngrams": None, "calibration": "sigmoid", "C": 0.5})


@dataclass(frozen=True)
class LabelledData:
    """Texts with their labels, and where they came from.

    ``targets`` holds one label per text, or one tuple of labels per text when
    ``multi_label``. ``lines`` gives each example's line in the source file (for messages).
    """

    texts: tuple[str, ...]
    targets: tuple[Any, ...]
    multi_label: bool
    source: str
    text_column: str
    label_columns: tuple[str, ...]
    lines: tuple[int, ...] = ()
    frame: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.texts)

    def label_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for t in self.targets:
            counts.update(t if self.multi_label else [t])
        return dict(sorted(counts.items()))

    def subset(self, index: Sequence[int]) -> LabelledData:
        idx = list(index)
        return LabelledData(tuple(self.texts[i] for i in idx), tuple(self.targets[i] for i in idx),
                            self.multi_label, self.source, self.text_column, self.label_columns,
                            tuple(self.lines[i] for i in idx) if self.lines else (),
                            self.frame.iloc[idx].reset_index(drop=True))


def read_table(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """A CSV or JSONL file as strings, with each row's line number."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        rows, lines = [], []
        with open(path, encoding="utf-8-sig") as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise DataError(f"{path}:{lineno}: each line must be a JSON object")
                rows.append(obj)
                lines.append(lineno)
        return pd.DataFrame(rows), lines
    if path.suffix.lower() in (".csv", ".tsv"):
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
        rows, lines, fields = read_csv_records(path, delimiter=sep)
        return pd.DataFrame(rows, columns=fields), lines
    raise DataError(f"{path}: unsupported labelled-data format {path.suffix!r}; use .csv, .tsv, "
                    f".jsonl, a brat .ann file or a folder of them")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def labelled_from_frame(frame: pd.DataFrame, *, text: str, labels: Sequence[str],
                        multi_label: bool = False, source: str = "<table>",
                        lines: Sequence[int] | None = None) -> LabelledData:
    """Build :class:`LabelledData` from a table (see :func:`read_labelled` for the rules)."""
    labels = [labels] if isinstance(labels, str) else list(labels)
    missing = [c for c in [text, *labels] if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: no column {', '.join(map(repr, missing))}; columns are "
                        f"{', '.join(map(str, frame.columns))}")
    if not labels:
        raise DataError(f"{source}: name at least one label column (--label COL)")
    if len(labels) > 1 and not multi_label:
        raise DataError(f"{source}: {len(labels)} label columns given; add --multi-label to "
                        f"train one model on all of them, or name one column")
    lines = list(lines) if lines is not None else [i + 2 for i in range(len(frame))]
    texts, targets, keep_lines, keep_rows = [], [], [], []
    cells = {c: [_cell(v) for v in frame[c]] for c in labels}
    binary = multi_label and all({v.lower() for v in cells[c]} <= _TRUE | _FALSE for c in labels)
    for i, raw in enumerate(frame[text]):
        body = _cell(raw)
        if not body:
            warnings.warn(f"{source}:{lines[i]}: empty text, row skipped", stacklevel=2)
            continue
        if binary:  # one 0/1 column per label (narrative frames): the label is the column name
            target: Any = tuple(sorted(c for c in labels if cells[c][i].lower() in _TRUE))
        elif multi_label:  # label names in the cells, several per cell with "|"
            target = tuple(sorted({p.strip() for c in labels
                                   for p in cells[c][i].split(LABEL_SEPARATOR) if p.strip()}))
        else:
            target = cells[labels[0]][i]
            if not target:
                raise DataError(f"{source}:{lines[i]}: empty label in column {labels[0]!r}; "
                                f"label every row or drop the unlabelled ones")
        texts.append(body)
        targets.append(target)
        keep_lines.append(lines[i])
        keep_rows.append(i)
    if not texts:
        raise DataError(f"{source}: no labelled rows")
    return LabelledData(tuple(texts), tuple(targets), multi_label, source, text, tuple(labels),
                        tuple(keep_lines), frame.iloc[keep_rows].reset_index(drop=True))


def read_labelled(path: str | Path, *, text: str = "text", labels: Sequence[str] = ("label",),
                  multi_label: bool = False,
                  level: Literal["sentence", "document"] = "sentence") -> LabelledData:
    """Labelled examples from a CSV/TSV/JSONL file, or from brat standoff annotations.

    Parameters
    ----------
    path : ``.csv``, ``.tsv``, ``.jsonl``; or a brat ``.ann`` file or folder, whose sentences
        (``level="sentence"``) or documents get the types of the annotations they overlap
        (text column ``text``, label column ``label``; ``"none"`` where nothing is annotated).
    text : the column holding the text.
    labels : the label column(s). Single-label: exactly one. Multi-label: either several 0/1
        columns (each column name is a label; e.g. the narrative-frames corpus), or columns
        whose cells name labels, several per cell separated by ``"|"`` (e.g. GVFC ``frame1``,
        ``frame2``).
    multi_label : one text may carry several labels (or none).

    Raises
    ------
    DataError
        A missing column (the message lists the columns), an empty label (``file:line``), a
        malformed file.
    """
    path = Path(path)
    if path.is_dir() or path.suffix == ".ann":
        from framing.brat import brat_labelled

        table = brat_labelled(path, level=level)
        if list(labels) == ["label"] and text == "text" and not multi_label:
            multi = table["label"].str.contains(LABEL_SEPARATOR, regex=False).any()
            if multi:
                warnings.warn(f"{path}: some units carry several annotation types; they are "
                              f"kept as joined labels ('a|b'); use --multi-label to split them",
                              stacklevel=2)
        return labelled_from_frame(table, text=text, labels=labels, multi_label=multi_label,
                                   source=str(path), lines=list(range(1, len(table) + 1)))
    table, lines = read_table(path)
    return labelled_from_frame(table, text=text, labels=labels, multi_label=multi_label,
                               source=str(path), lines=lines)


# ------------------------------------------------------------------------------ training

def train_classifier(data: LabelledData, **params: Any) -> TextClassifier:
    """Fit a :class:`TextClassifier` (``multi_label`` follows the data; other settings are its
    parameters, e.g. ``model="svm"``, ``char_ngrams=None``, ``voice=True``)."""
    model = TextClassifier(**{**params, "multi_label": data.multi_label})
    model.fit(list(data.texts), [list(t) for t in data.targets] if data.multi_label
              else list(data.targets))
    model.training_ = {"source": Path(data.source).name, "n_examples": len(data),
                       "text_column": data.text_column, "label_columns": list(data.label_columns),
                       "label_counts": data.label_counts()}
    return model


# ------------------------------------------------------------------------------ applying

def _probability_columns(model: TextClassifier) -> list[str]:
    return [f"prob_{c}" for c in model.classes_]


def _predict_frame(model: TextClassifier, texts: Sequence[str]) -> pd.DataFrame:
    proba = model.predict_proba(list(texts)) if len(texts) else np.zeros((0, len(model.classes_)))
    if model.multi_label:
        hits = proba >= model.thresholds_
        prediction = [LABEL_SEPARATOR.join(c for c, h in zip(model.classes_, row) if h)
                      for row in hits]
        confidence = [float(p[h].min()) if h.any() else float(1 - p.max())
                      for p, h in zip(proba, hits)]
    else:
        prediction = [str(c) for c in model.classes_[proba.argmax(axis=1)]] if len(texts) else []
        confidence = proba.max(axis=1) if len(texts) else []
    out = pd.DataFrame({"prediction": prediction, "confidence": np.round(confidence, 4)})
    for name, col in zip(_probability_columns(model), proba.T):
        out[name] = np.round(col, 4)
    if not len(texts):
        out = pd.DataFrame(columns=PREDICTION_COLUMNS + _probability_columns(model))
    return out


def apply_classifier(model: TextClassifier, table: pd.DataFrame, *, text: str) -> pd.DataFrame:
    """The input rows plus ``prediction``, ``confidence`` and one ``prob_<label>`` per class.

    For a multi-label model ``prediction`` joins the predicted labels with ``"|"`` (empty when
    none passes its threshold). The caller's frame is not modified.
    """
    if text not in table.columns:
        raise DataError(f"no text column {text!r}; columns are {', '.join(map(str, table.columns))}")
    texts = [_cell(v) for v in table[text]]
    preds = _predict_frame(model, texts)
    clash = [c for c in preds.columns if c in table.columns]
    base = table.drop(columns=clash).reset_index(drop=True)
    return pd.concat([base, preds], axis=1)


def predict_corpus(model: TextClassifier, articles: Iterable[Article], *,
                   level: Literal["sentence", "article"] = "sentence") -> pd.DataFrame:
    """Predictions for every sentence (or article) of a corpus, for per-outlet reports.

    Parameters
    ----------
    model : from :func:`load_classifier` or :func:`train_classifier`.
    articles : e.g. ``framing.ingest.load_corpus(path).articles``.
    level : ``"sentence"`` (rows of :func:`framing.sentences.split_sentences`) or
        ``"article"`` (one row per article, the whole text).

    Returns
    -------
    DataFrame
        sentence level: ``SENTENCE_COLUMNS`` + ``PREDICTION_COLUMNS`` + ``prob_<label>``;
        article level: ``article_id, outlet, title, date`` + the same prediction columns.
    """
    if level not in ("sentence", "article"):
        raise DataError(f"level must be 'sentence' or 'article', got {level!r}")
    articles = list(articles)
    if level == "sentence":
        from framing.sentences import split_sentences

        table = split_sentences(articles)
    else:
        table = pd.DataFrame([{"article_id": a.id, "outlet": a.outlet, "title": a.title,
                               "date": a.date, "text": a.text} for a in articles],
                             columns=["article_id", "outlet", "title", "date", "text"])
    return apply_classifier(model, table, text="text")


# ------------------------------------------------------------------ outlet distinctiveness

def outlet_distinctiveness(texts: Sequence[str] | Iterable[Article],
                           outlets: Sequence[str] | None = None, *, cv: int = 5,
                           n_features: int = 15, mask_outlet_names: bool = True,
                           random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How well an outlet can be told from its text: cross-validated, against chance.

    A word n-gram TF-IDF + logistic regression (balanced) is scored by stratified ``cv``-fold
    cross-validation. Outlet names (and their words) are masked first when
    ``mask_outlet_names`` so that bylines and self-references ("Breitbart News") do not make
    the task trivial.

    Parameters
    ----------
    texts : texts, or :class:`Article` objects (then ``outlets`` comes from them).
    outlets : one outlet per text.

    Returns
    -------
    scores : DataFrame, columns :data:`OUTLET_SCORE_COLUMNS`: one row per outlet (F1 against
        ``chance_f1``, the F1 of guessing in proportion to outlet sizes, i.e. the outlet's
        share) and a final row ``outlet="(all)"`` with accuracy in ``precision``/``recall``/
        ``f1`` and the majority-class accuracy in ``chance_f1``.
    features : DataFrame, columns :data:`OUTLET_FEATURE_COLUMNS`, the ``n_features`` heaviest
        words per outlet in a model fitted on all texts.
    """
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold

    texts = list(texts)
    if texts and isinstance(texts[0], Article):
        outlets = [a.outlet for a in texts]
        texts = [a.text for a in texts]
    if outlets is None or len(outlets) != len(texts):
        raise DataError("give one outlet per text (or Article objects)")
    if isinstance(texts, str):
        raise DataError("expected a list of texts, got a single string")
    outlets = [str(o) for o in outlets]
    counts = Counter(outlets)
    if len(counts) < 2 or min(counts.values()) < cv:
        raise DataError(f"need at least two outlets with {cv} texts each for {cv}-fold "
                        f"cross-validation, got {dict(counts)}")
    if mask_outlet_names:
        words = {w for o in counts for w in re.findall(r"[a-z0-9]+", o.lower()) if len(w) > 2}
        words |= {o.lower() for o in counts}
        pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len,
                                                          reverse=True)) + r")\w*",
                             re.IGNORECASE)
        texts = [pattern.sub(" ", t) for t in texts]
    # sigmoid calibration: the recipe the recorded outlet scores were measured with
    params = dict(char_ngrams=None, word_ngrams=(1, 2), min_df=2, max_features=50000, C=10.0,
                  calibration="sigmoid", random_state=random_state)
    y = np.asarray(outlets, dtype=object)
    pred = np.empty(len(texts), dtype=object)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    for train_idx, test_idx in folds.split(texts, y):
        m = TextClassifier(**params).fit([texts[i] for i in train_idx], y[train_idx])
        pred[test_idx] = m.predict([texts[i] for i in test_idx])
    labels = sorted(counts)
    p, r, f, n = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    share = np.array([counts[o] / len(texts) for o in labels])
    rows = [{"outlet": o, "n_texts": int(k), "precision": round(float(a), 4),
             "recall": round(float(b), 4), "f1": round(float(c), 4),
             "chance_f1": round(float(s), 4)}
            for o, a, b, c, k, s in zip(labels, p, r, f, n, share)]
    acc = float(np.mean(pred == y))
    rows.append({"outlet": "(all)", "n_texts": len(texts), "precision": round(acc, 4),
                 "recall": round(acc, 4), "f1": round(acc, 4),
                 "chance_f1": round(float(share.max()), 4)})
    full = TextClassifier(**params).fit(texts, y)
    feats = pd.DataFrame(full.top_features(n_features), columns=OUTLET_FEATURE_COLUMNS)
    feats["feature"] = feats["feature"].str.replace(r"^[wc]:", "", regex=True)
    return pd.DataFrame(rows, columns=OUTLET_SCORE_COLUMNS), feats


# ------------------------------------------------------------------ weak supervision

def lexicon_hits(lexicon, texts: Sequence[str]) -> list[list[tuple[str, int, int]]]:
    """``(category, start, end)`` of every lexicon hit in each text (the project's matcher,
    :func:`framing.matching.compile_matcher`, with its exclusions and variants)."""
    from framing.matching import compile_matcher

    matcher = compile_matcher(lexicon)
    return [[(m.category, m.start, m.end) for m in matcher.find(text)] for text in texts]


BOOTSTRAP_COLUMNS = ["article_id", "outlet", "index", "text", "label", "masked_text", "n_hits"]


def bootstrap_labels(sentences: pd.DataFrame, lexicon, *, none_label: str = "none",
                     none_ratio: float = 2.0, min_count: int = 3,
                     random_state: int = 0) -> pd.DataFrame:
    """Weak labels for sentences from lexicon hits, with the matched terms masked.

    Each sentence with hits in exactly one category is labelled with that category;
    sentences with hits in several categories are dropped (ambiguous), and so are categories
    with fewer than ``min_count`` sentences (too few to learn from); a sample of sentences
    without hits (``none_ratio`` times the labelled ones) is labelled ``none_label``. The
    matched terms are replaced by a placeholder in ``masked_text``, so a classifier trained on
    it must learn the *context* of frame sentences rather than the lexicon terms themselves.

    Returns
    -------
    DataFrame with columns :data:`BOOTSTRAP_COLUMNS`.
    """
    texts = [_cell(t) for t in sentences["text"]]
    hits = lexicon_hits(lexicon, texts)
    rows, none_rows = [], []
    for i, (text, found) in enumerate(zip(texts, hits)):
        cats = {c for c, _, _ in found}
        base = {"article_id": sentences["article_id"].iloc[i] if "article_id" in sentences else "",
                "outlet": sentences["outlet"].iloc[i] if "outlet" in sentences else "",
                "index": sentences["index"].iloc[i] if "index" in sentences else i, "text": text,
                "n_hits": len(found)}
        if len(cats) == 1:
            masked = text
            for _, s, e in sorted(found, key=lambda h: -h[1]):
                masked = masked[:s] + " TERM " + masked[e:]
            rows.append({**base, "label": cats.pop(), "masked_text": " ".join(masked.split())})
        elif not cats:
            none_rows.append({**base, "label": none_label, "masked_text": text})
    counts = Counter(r["label"] for r in rows)
    rows = [r for r in rows if counts[r["label"]] >= min_count]
    rng = np.random.default_rng(random_state)
    n_none = min(len(none_rows), int(round(none_ratio * max(len(rows), 1))))
    pick = sorted(rng.choice(len(none_rows), size=n_none, replace=False)) if n_none else []
    rows.extend(none_rows[i] for i in pick)
    return pd.DataFrame(rows, columns=BOOTSTRAP_COLUMNS)


def cross_val_folds(data: LabelledData, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds (on the label, or the rarest label for multi-label data)."""
    from sklearn.model_selection import StratifiedKFold

    if data.multi_label:
        classes = sorted({c for t in data.targets for c in t})
        Y = np.array([[c in t for c in classes] for t in data.targets], dtype=int)
        return label_folds(Y, n_splits=k, seed=seed)
    counts = Counter(data.targets)
    if min(counts.values()) < k:
        raise DataError(f"{data.source}: label {min(counts, key=counts.get)!r} has "
                        f"{min(counts.values())} examples, fewer than the {k} folds; use a "
                        f"smaller --cv")
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
                .split(np.zeros(len(data)), list(data.targets)))


def settings_of(model: TextClassifier) -> Mapping[str, Any]:
    """The parameters to train a fresh model the same way (for cross-validation)."""
    return {k: v for k, v in model.get_params().items() if k != "multi_label"}
