"""Text classifiers as plain data: a scikit-learn estimator whose fitted state is arrays.

:class:`TextClassifier` is word and character n-gram TF-IDF (plus optional lexicon-category and
voice features) into a linear model with calibrated probabilities. Everything it learns is a
vocabulary, an idf vector, a coefficient matrix and a few calibration numbers, so a model is
saved as JSON (or NPZ) and rebuilt for inference without re-fitting and without pickles.

The model file is validated on load (format, kind, version, shapes, checksum) and refused with a
:class:`~framing.errors.ModelError` that names the file and the problem.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from framing._version import __version__
from framing.errors import DataError, ModelError

MODEL_FORMAT = "framing-model"
FORMAT_VERSION = 1
LinearModel = Literal["logistic", "svm"]
Calibration = Literal["softmax", "sigmoid"]

# Settings of the TF-IDF blocks that matter at inference; everything else is sklearn's default.
_TFIDF_KEYS = ("analyzer", "ngram_range", "lowercase", "sublinear_tf", "min_df", "max_features",
               "token_pattern", "strip_accents")
_WORD_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"


# --------------------------------------------------------------------------------------------
# Plain-data files: a JSON header plus named arrays, in one .json (arrays base64) or one .npz.
# --------------------------------------------------------------------------------------------

def _encode_array(arr: np.ndarray) -> dict[str, Any]:
    arr = np.ascontiguousarray(arr)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"only numeric arrays are stored, got {arr.dtype}")
    return {"dtype": arr.dtype.str, "shape": list(arr.shape),
            "data": base64.b64encode(arr.tobytes()).decode("ascii")}


def _decode_array(spec: Mapping[str, Any], name: str, source: str) -> np.ndarray:
    try:
        dtype = np.dtype(spec["dtype"])
        if dtype.kind not in "fiub":
            raise ValueError(f"dtype {dtype} is not numeric")
        raw = base64.b64decode(spec["data"], validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape(spec["shape"]).copy()
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{source}: array {name!r} is corrupted ({exc}); retrain the model "
                         f"or restore the file") from None


def _checksum(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> str:
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{arr.dtype.str}:{arr.shape}".encode())
        digest.update(arr.tobytes())
    return digest.hexdigest()


def write_model_data(path: str | Path, kind: str, meta: Mapping[str, Any],
                     arrays: Mapping[str, np.ndarray]) -> Path:
    """Write a model as plain data: ``.npz`` (compressed arrays) or anything else as JSON.

    The header records the format, ``kind``, the framing and scikit-learn versions and a SHA-256
    checksum over header and arrays, so :func:`read_model_data` can refuse a damaged file.
    """
    import sklearn

    path = Path(path)
    header = {"format": MODEL_FORMAT, "format_version": FORMAT_VERSION, "kind": kind,
              "framing_version": __version__, "sklearn_version": sklearn.__version__,
              **dict(meta)}
    header = json.loads(json.dumps(header))  # tuples -> lists, so the checksum survives reading
    header["checksum"] = _checksum(header, arrays)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if path.suffix == ".npz":
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, __header__=np.frombuffer(
                    json.dumps(header, ensure_ascii=False).encode(), dtype=np.uint8),
                    **{k: np.ascontiguousarray(v) for k, v in arrays.items()})
        else:
            doc = {**header, "arrays": {k: _encode_array(v) for k, v in sorted(arrays.items())}}
            tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"cannot write model {path}: {exc.strerror}") from exc
    return path


def read_model_data(path: str | Path, kind: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and validate a plain-data model written by :func:`write_model_data`.

    Raises
    ------
    ModelError
        The file is missing, not a framing model, of another ``kind`` (a stance model given
        where a text classifier is expected), from a newer format, or fails its checksum.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ModelError(f"{source}: no such model file; train one with "
                         f"'framing classify train' or 'framing stance train'")
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as npz:
                if "__header__" not in npz.files:
                    raise ModelError(f"{source}: not a framing model (no header)")
                header = json.loads(npz["__header__"].tobytes().decode("utf-8"))
                arrays = {k: npz[k] for k in npz.files if k != "__header__"}
        else:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict):
                raise ModelError(f"{source}: not a framing model (expected a JSON object)")
            specs = doc.pop("arrays", None)
            header = doc
            if not isinstance(specs, dict):
                raise ModelError(f"{source}: not a framing model (no arrays)")
            arrays = {k: _decode_array(v, k, source) for k, v in specs.items()}
    except ModelError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, EOFError) as exc:
        # zipfile.BadZipFile and json.JSONDecodeError are ValueError/OSError subclasses here
        raise ModelError(f"{source}: cannot read model ({exc.__class__.__name__}: {exc}); "
                         f"the file is damaged or not a framing model") from None
    except Exception as exc:  # zipfile raises its own BadZipFile for truncated .npz files
        raise ModelError(f"{source}: cannot read model ({exc.__class__.__name__}); "
                         f"the file is damaged or not a framing model") from None
    if header.get("format") != MODEL_FORMAT:
        raise ModelError(f"{source}: not a framing model (format={header.get('format')!r}, "
                         f"expected {MODEL_FORMAT!r})")
    version = header.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelError(f"{source}: model format version {version!r} is newer than this "
                         f"framing {__version__} reads ({FORMAT_VERSION}); upgrade framing")
    if header.get("kind") != kind:
        raise ModelError(f"{source}: this is a {header.get('kind')!r} model, expected a "
                         f"{kind!r} model")
    stored = header.pop("checksum", None)
    if stored != _checksum(header, arrays):
        raise ModelError(f"{source}: checksum mismatch, the model file was modified or "
                         f"damaged; retrain it")
    return header, arrays


# --------------------------------------------------------------------------------------------
# Voice features: cheap, deterministic surface cues of attributed vs. authorial voice.
# --------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"[\"“”](?P<q>[^\"“”]{3,})[\"“”]")
_CUE = re.compile(r"\b(?:says?|said|saying|told|tells|according to|claims?|claimed|insists?|"
                  r"insisted|denied|denies|warned|warns|added|stated|reported(?:ly)?|alleged(?:ly)?)\b",
                  re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|we|our|us|my|me)\b")
_HEDGE = re.compile(r"\b(?:may|might|could|reportedly|allegedly|apparently|possibly)\b",
                    re.IGNORECASE)
VOICE_FEATURES = ("voice_quoted_share", "voice_has_cue", "voice_first_person", "voice_hedge",
                  "voice_question")


def voice_features(texts: Sequence[str]) -> np.ndarray:
    """Surface cues of voice per text, columns :data:`VOICE_FEATURES`.

    Share of characters inside quotation marks, whether an attribution cue ("said",
    "according to") occurs, first-person pronouns, hedges ("reportedly") and a question mark.
    """
    out = np.zeros((len(texts), len(VOICE_FEATURES)))
    for i, text in enumerate(texts):
        quoted = sum(len(m.group("q")) for m in _QUOTED.finditer(text))
        out[i] = (quoted / max(len(text), 1), bool(_CUE.search(text)),
                  bool(_FIRST_PERSON.search(text)), bool(_HEDGE.search(text)), "?" in text)
    return out


def _lexicon_block(lexicon: str, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Lexicon-category hit rates per 1,000 words (:class:`framing.scoring.LexiconFeaturizer`)."""
    from framing.scoring import LexiconFeaturizer

    feat = LexiconFeaturizer(lexicon).fit(list(texts))
    # hits per 1,000 words -> share of words, on the same 0..1 scale as the TF-IDF blocks
    values = np.asarray(feat.transform(list(texts)), dtype=float) / 1000.0
    return [str(n) for n in feat.get_feature_names_out()], values


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str):
        raise DataError("expected a list of texts, got a single string; wrap it in a list")
    out = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t)
           for t in texts]
    return out


# --------------------------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------------------------

class TextClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF word and character n-grams into a calibrated linear model, stored as plain data.

    Parameters
    ----------
    word_ngrams, char_ngrams : (min, max) n-gram ranges; ``char_ngrams=None`` drops the
        character block (useful for long articles, where it is slow and adds little).
    min_df : minimum document frequency for both blocks.
    max_features : cap per block (the most frequent n-grams are kept).
    model : ``"svm"`` (default; LinearSVC) or ``"logistic"`` (probabilities from the logistic
        loss). SVM probabilities are calibrated on 5-fold cross-validated decisions; binary and
        multi-label models by a sigmoid per output (Platt 1999).
    calibration : for a single-label SVM with more than two classes: ``"softmax"`` (default)
        fits one softmax temperature (Guo et al. 2017), which keeps the SVM's own arg-max;
        ``"sigmoid"`` fits a sigmoid per class and renormalises (the recipe before 2026-11-22;
        it can re-rank classes).
    C : inverse regularisation strength; ``None`` means 0.2 for a softmax-calibrated ``"svm"``
        (three or more classes), 0.5 for any other ``"svm"`` and 10 for ``"logistic"`` (0.2 chosen
        on GVFC dev and 5-fold cross-validation inside GVFC train, 0.5 and 10 by 5-fold
        cross-validation on GVFC train+dev).
    class_weight : ``"balanced"`` (default; weights inversely proportional to class frequency)
        or ``None``.
    multi_label : fit one binary model per label (``y`` is a list of label sets or a 0/1
        indicator matrix); labels are predicted where the probability reaches the per-label
        threshold.
    threshold : ``"cv"`` picks each label's threshold by inner cross-validation on the
        training data (maximising that label's F1); a float uses it for every label.
    lexicon : name or path of a lexicon whose category hit rates become extra features.
    voice : add :data:`VOICE_FEATURES`.
    random_state : seed for everything random (folds, solvers).
    """

    def __init__(self, *, word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] | None = (2, 5), min_df: int = 1,
                 max_features: int | None = 50000, model: LinearModel = "svm",
                 calibration: Calibration = "softmax",
                 C: float | None = None, class_weight: str | None = "balanced",
                 multi_label: bool = False, threshold: str | float = "cv",
                 lexicon: str | None = None, voice: bool = False, random_state: int = 0):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.model = model
        self.calibration = calibration
        self.C = C
        self.class_weight = class_weight
        self.multi_label = multi_label
        self.threshold = threshold
        self.lexicon = lexicon
        self.voice = voice
        self.random_state = random_state

    # ---- features ------------------------------------------------------------------------
    def _new_vectorizers(self) -> list[TfidfVectorizer]:
        vecs = [TfidfVectorizer(analyzer="word", ngram_range=tuple(self.word_ngrams),
                                lowercase=True, sublinear_tf=True, min_df=self.min_df,
                                max_features=self.max_features, token_pattern=_WORD_PATTERN,
                                strip_accents=None)]
        if self.char_ngrams:
            vecs.append(TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                        lowercase=True, sublinear_tf=True,
                                        min_df=max(self.min_df, 2),
                                        max_features=self.max_features, strip_accents=None))
        return vecs

    def _dense_block(self, texts: list[str]) -> np.ndarray | None:
        blocks = []
        if self.lexicon:
            names, values = _lexicon_block(self.lexicon, texts)
            if hasattr(self, "lexicon_features_") and list(names) != list(self.lexicon_features_):
                raise ModelError(f"the model was trained with lexicon {self.lexicon!r} categories "
                                 f"{list(self.lexicon_features_)}, the installed lexicon has "
                                 f"{names}; retrain the model")
            blocks.append(values)
        if self.voice:
            blocks.append(voice_features(texts))
        return np.hstack(blocks) if blocks else None

    def _transform(self, texts: list[str]) -> sp.csr_matrix:
        mats = [v.transform(texts) for v in self.vectorizers_]
        dense = self._dense_block(texts)
        if dense is not None:
            mats.append(sp.csr_matrix(dense))
        return sp.hstack(mats, format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "coef_")
        names = []
        for v in self.vectorizers_:
            prefix = "w:" if v.analyzer == "word" else "c:"
            inv = np.empty(len(v.vocabulary_), dtype=object)
            for term, i in v.vocabulary_.items():
                inv[i] = prefix + term
            names.extend(inv)
        names.extend(getattr(self, "lexicon_features_", ()))
        if self.voice:
            names.extend(VOICE_FEATURES)
        return np.asarray(names, dtype=object)

    # ---- fitting -------------------------------------------------------------------------
    def _default_C(self, *, softmax: bool = False) -> float:
        """``C``, or its default: 0.2 for a softmax-calibrated SVM, else 0.5 (10 logistic)."""
        if self.C is not None:
            return float(self.C)
        if self.model == "logistic":
            return 10.0
        return 0.2 if softmax else 0.5

    def _softmax_svm(self, X, y: np.ndarray, folds) -> tuple[np.ndarray, np.ndarray, float]:
        """Multiclass LinearSVC plus the softmax temperature that best fits its out-of-fold
        decisions (negative log-likelihood; one number, so the arg-max stays the SVM's)."""
        from scipy.optimize import minimize_scalar

        def svm():
            return LinearSVC(C=self._default_C(softmax=True), class_weight=self.class_weight,
                             random_state=self.random_state)

        oof = np.zeros((len(y), int(y.max()) + 1))
        for train_idx, test_idx in folds.split(np.zeros(len(y)), y):
            inner = svm().fit(X[train_idx], y[train_idx])
            oof[test_idx] = inner.decision_function(X[test_idx])

        def nll(log_t: float) -> float:
            z = oof / np.exp(log_t)
            z = z - z.max(axis=1, keepdims=True)
            return float(-np.mean(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))))

        log_t = minimize_scalar(nll, bounds=(-5.0, 3.0), method="bounded").x
        final = svm().fit(X, y)
        return final.coef_, final.intercept_, float(np.exp(log_t))

    def _binary_or_multiclass(self, X, y: np.ndarray, n_classes: int):
        """Fit one linear model; return (coef, intercept, calibration a, b or None)."""
        if len(np.unique(y)) < 2:  # a label absent from an inner fold: constant prediction
            n_out = 1 if n_classes == 2 else n_classes
            sign = 1.0 if y[0] == 1 else -1.0
            none = None if self.model == "logistic" else np.zeros(n_out)
            return (np.zeros((n_out, X.shape[1])), np.full(n_out, 10.0 * sign), none,
                    None if none is None else np.full(n_out, -10.0 * sign))
        folds = StratifiedKFold(n_splits=max(2, min(5, np.bincount(y).min())), shuffle=True,
                                random_state=self.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            C = self._default_C()
            if self.model == "logistic":
                lr = LogisticRegression(C=C, class_weight=self.class_weight, max_iter=5000,
                                        random_state=self.random_state).fit(X, y)
                return lr.coef_, lr.intercept_, None, None
            svm = LinearSVC(C=C, class_weight=self.class_weight,
                            random_state=self.random_state)
            cal = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False).fit(X, y)
        inner = cal.calibrated_classifiers_[0]
        a = np.array([c.a_ for c in inner.calibrators], dtype=float)
        b = np.array([c.b_ for c in inner.calibrators], dtype=float)
        return inner.estimator.coef_, inner.estimator.intercept_, a, b

    def fit(self, X, y):
        texts = _check_texts(X)
        if self.model not in ("logistic", "svm"):
            raise DataError(f"model must be 'logistic' or 'svm', got {self.model!r}")
        if self.calibration not in ("softmax", "sigmoid"):
            raise DataError(f"calibration must be 'softmax' or 'sigmoid', got "
                            f"{self.calibration!r}")
        Y, classes = _encode_targets(y, self.multi_label)
        if len(texts) != len(Y):
            raise DataError(f"{len(texts)} texts but {len(Y)} labels")
        return self._fit_encoded(texts, Y, classes, tune=True)

    def _fit_encoded(self, texts: list[str], Y: np.ndarray, classes: Sequence[str], *,
                     tune: bool) -> TextClassifier:
        self.classes_ = np.asarray(classes, dtype=object)
        self.temperature_ = None
        self.vectorizers_ = [v.fit(texts) for v in self._new_vectorizers()]
        if self.lexicon:
            self.lexicon_features_ = tuple(_lexicon_block(self.lexicon, texts[:1])[0])
        Xm = self._transform(texts)
        self.n_features_ = Xm.shape[1]
        if self.multi_label:
            parts = [self._binary_or_multiclass(Xm, Y[:, j], 2) for j in range(Y.shape[1])]
            self.coef_ = np.vstack([p[0] for p in parts])
            self.intercept_ = np.concatenate([p[1] for p in parts])
            self.cal_a_, self.cal_b_ = ((None, None) if self.model == "logistic" else
                                        (np.concatenate([p[2] for p in parts]),
                                         np.concatenate([p[3] for p in parts])))
            self.thresholds_ = (self._fit_thresholds(texts, Y) if tune and self.threshold == "cv"
                                else np.full(Y.shape[1], 0.5 if self.threshold == "cv"
                                             else float(self.threshold)))
        elif self.model == "svm" and len(classes) > 2 and self.calibration == "softmax":
            folds = StratifiedKFold(n_splits=max(2, min(5, np.bincount(Y).min())), shuffle=True,
                                    random_state=self.random_state)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                coef, intercept, temperature = self._softmax_svm(Xm, Y, folds)
            self.coef_, self.intercept_, self.cal_a_, self.cal_b_ = coef, intercept, None, None
            self.temperature_ = np.array([temperature])
            self.thresholds_ = None
        else:
            coef, intercept, a, b = self._binary_or_multiclass(Xm, Y, len(classes))
            self.coef_, self.intercept_, self.cal_a_, self.cal_b_ = coef, intercept, a, b
            self.thresholds_ = None
        return self

    def _fit_thresholds(self, texts: list[str], Y: np.ndarray) -> np.ndarray:
        # out-of-fold probabilities from a copy with a fixed threshold, then the best cut per label
        proba = np.zeros(Y.shape, dtype=float)
        folds = label_folds(Y, n_splits=3, seed=self.random_state)
        for train_idx, test_idx in folds:
            sub = TextClassifier(**self.get_params())
            sub._fit_encoded([texts[i] for i in train_idx], Y[train_idx], self.classes_,
                             tune=False)
            proba[test_idx] = sub.predict_proba([texts[i] for i in test_idx])
        grid = np.round(np.arange(0.1, 0.91, 0.05), 2)
        best = []
        for j in range(Y.shape[1]):
            f1s = [_f1(Y[:, j], proba[:, j] >= t) for t in grid]
            best.append(grid[int(np.argmax(f1s))])
        return np.asarray(best)

    # ---- inference -----------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        texts = _check_texts(X)
        if not texts:
            return np.zeros((0, self.coef_.shape[0]))
        Xm = self._transform(texts)
        return np.asarray(Xm @ self.coef_.T) + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities, one column per entry of ``classes_``."""
        d = self.decision_function(X)
        if getattr(self, "temperature_", None) is not None:  # softmax-calibrated multiclass SVM
            z = d / self.temperature_[0]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        if self.cal_a_ is not None:
            p = 1.0 / (1.0 + np.exp(np.clip(self.cal_a_ * d + self.cal_b_, -500, 500)))
        elif self.multi_label or d.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-np.clip(d, -500, 500)))
        else:
            e = np.exp(d - d.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        if self.multi_label:
            return p
        if p.shape[1] == 1:  # binary: the model scores the second class
            return np.hstack([1 - p, p])
        total = p.sum(axis=1, keepdims=True)
        return np.where(total > 0, p / np.where(total > 0, total, 1), 1.0 / p.shape[1])

    def predict(self, X):
        """Labels (single-label) or lists of labels (multi-label)."""
        proba = self.predict_proba(X)
        if self.multi_label:
            return [[c for c, hit in zip(self.classes_, row) if hit]
                    for row in proba >= self.thresholds_]
        return self.classes_[proba.argmax(axis=1)]

    def top_features(self, n: int = 10) -> list[tuple[str, int, str, float]]:
        """``(label, rank, feature, weight)`` for the ``n`` heaviest positive weights per label."""
        names = self.get_feature_names_out()
        coef = self.coef_
        rows = []
        if coef.shape[0] == 1 and len(self.classes_) == 2:  # binary: negative weights -> class 0
            coef = np.vstack([-coef[0], coef[0]])
        for label, weights in zip(self.classes_, coef):
            order = np.argsort(-weights, kind="stable")[:n]
            rows.extend((str(label), r + 1, str(names[i]), float(weights[i]))
                        for r, i in enumerate(order))
        return rows

    # ---- plain data ----------------------------------------------------------------------
    def to_data(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The fitted state as (JSON-able header, numeric arrays)."""
        check_is_fitted(self, "coef_")
        params = self.get_params()
        vecs = []
        arrays: dict[str, np.ndarray] = {"coef": self.coef_.astype(np.float32),
                                         "intercept": np.asarray(self.intercept_, np.float64)}
        for i, v in enumerate(self.vectorizers_):
            inv = sorted(v.vocabulary_, key=v.vocabulary_.__getitem__)
            vecs.append({"settings": {k: getattr(v, k) for k in _TFIDF_KEYS}, "vocabulary": inv})
            arrays[f"idf_{i}"] = v.idf_.astype(np.float64)
        if self.cal_a_ is not None:
            arrays["cal_a"], arrays["cal_b"] = self.cal_a_, self.cal_b_
        if getattr(self, "temperature_", None) is not None:
            arrays["temperature"] = np.asarray(self.temperature_, dtype=np.float64)
        if self.thresholds_ is not None:
            arrays["thresholds"] = np.asarray(self.thresholds_, dtype=np.float64)
        meta = {"params": params, "classes": [str(c) for c in self.classes_],
                "vectorizers": vecs, "n_features": int(self.n_features_),
                "lexicon_features": list(getattr(self, "lexicon_features_", []))}
        return meta, arrays

    @classmethod
    def from_data(cls, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray],
                  source: str = "model") -> TextClassifier:
        """Rebuild a fitted classifier from :meth:`to_data` output, checking every shape."""
        try:
            params = dict(meta["params"])
            params.setdefault("calibration", "sigmoid")  # files from before 2026-11-22
            for key in ("word_ngrams", "char_ngrams"):
                if params.get(key) is not None:
                    params[key] = tuple(params[key])
            model = cls(**params)
            model.classes_ = np.asarray(meta["classes"], dtype=object)
            model.vectorizers_ = []
            for i, spec in enumerate(meta["vectorizers"]):
                settings = dict(spec["settings"])
                settings["ngram_range"] = tuple(settings["ngram_range"])
                vec = TfidfVectorizer(**settings)
                vec.vocabulary_ = {t: j for j, t in enumerate(spec["vocabulary"])}
                idf = arrays[f"idf_{i}"]
                if idf.shape != (len(spec["vocabulary"]),):
                    raise ValueError(f"idf_{i} has shape {idf.shape} for a vocabulary of "
                                     f"{len(spec['vocabulary'])}")
                vec.idf_ = idf
                model.vectorizers_.append(vec)
            if meta.get("lexicon_features"):
                model.lexicon_features_ = tuple(meta["lexicon_features"])
            model.coef_ = arrays["coef"].astype(np.float64)
            model.intercept_ = arrays["intercept"]
            model.cal_a_, model.cal_b_ = arrays.get("cal_a"), arrays.get("cal_b")
            model.thresholds_ = arrays.get("thresholds")
            model.temperature_ = arrays.get("temperature")
            model.n_features_ = int(meta["n_features"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{source}: invalid classifier ({exc.__class__.__name__}: {exc}); "
                             f"retrain it with 'framing classify train'") from None
        n_vocab = sum(len(v.vocabulary_) for v in model.vectorizers_)
        n_dense = len(getattr(model, "lexicon_features_", ())) + (len(VOICE_FEATURES)
                                                                 if model.voice else 0)
        n_out = len(model.classes_) if (model.multi_label or len(model.classes_) > 2) else 1
        problems = []
        if model.n_features_ != n_vocab + n_dense:
            problems.append(f"n_features {model.n_features_} != {n_vocab + n_dense}")
        if model.coef_.shape != (n_out, model.n_features_):
            problems.append(f"coef shape {model.coef_.shape} != {(n_out, model.n_features_)}")
        if model.intercept_.shape != (n_out,):
            problems.append(f"intercept shape {model.intercept_.shape} != {(n_out,)}")
        if model.cal_a_ is not None and model.cal_a_.shape != (n_out,):
            problems.append(f"calibration shape {model.cal_a_.shape} != {(n_out,)}")
        if model.temperature_ is not None and (model.temperature_.shape != (1,)
                                               or not model.temperature_[0] > 0
                                               or model.cal_a_ is not None):
            problems.append(f"softmax temperature {model.temperature_.tolist()} is not one "
                            f"positive number (or comes with sigmoid calibration)")
        if model.multi_label and (model.thresholds_ is None
                                  or model.thresholds_.shape != (n_out,)):
            problems.append("multi-label model without one threshold per label")
        if problems:
            raise ModelError(f"{source}: inconsistent classifier ({'; '.join(problems)}); "
                             f"retrain it with 'framing classify train'")
        return model


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def _encode_targets(y, multi_label: bool) -> tuple[np.ndarray, list[str]]:
    """Integer codes (single-label) or a 0/1 matrix (multi-label), and the sorted labels."""
    if not multi_label:
        labels = ["" if v is None else str(v) for v in y]
        if any(not lab for lab in labels):
            raise DataError("some examples have an empty label; drop them or give them a label")
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise DataError(f"need at least two labels to train, got {classes}")
        counts = {c: labels.count(c) for c in classes}
        rare = sorted(c for c, n in counts.items() if n < 2)
        if rare:
            raise DataError(f"label(s) {', '.join(map(repr, rare))} have a single example; each "
                            f"label needs at least two (label more, or drop those rows)")
        index = {c: i for i, c in enumerate(classes)}
        return np.array([index[lab] for lab in labels]), classes
    if isinstance(y, np.ndarray) and y.ndim == 2:
        raise DataError("pass multi-label targets as a list of label sets, e.g. [['a'], ['a', 'b']]")
    sets = [set() if s is None else {str(s)} if isinstance(s, str) else {str(v) for v in s}
            for s in y]
    classes = sorted(set().union(*sets)) if sets else []
    if not classes:
        raise DataError("no labels found in the training data")
    index = {c: i for i, c in enumerate(classes)}
    Y = np.zeros((len(sets), len(classes)), dtype=int)
    for r, s in enumerate(sets):
        for lab in s:
            Y[r, index[lab]] = 1
    for j, c in enumerate(classes):
        if Y[:, j].sum() < 2 or Y[:, j].sum() > len(sets) - 2:
            raise DataError(f"label {c!r} has {Y[:, j].sum()} positive examples of {len(sets)}; "
                            f"each label needs at least two positives and two negatives")
    return Y, classes


def label_folds(Y: np.ndarray, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds stratified on the rarest label of each example (multi-label)."""
    counts = Y.sum(axis=0)
    rarest = np.array([int(np.argmin(np.where(row > 0, counts, np.inf))) if row.any() else -1
                       for row in Y])
    k = max(2, min(n_splits, int(np.bincount(rarest + 1).min())))
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(Y, rarest))


def _f1(gold: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum((gold == 1) & pred))
    fp = float(np.sum((gold == 0) & pred))
    fn = float(np.sum((gold == 1) & ~pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def save_classifier(model: TextClassifier, path: str | Path, *,
                    training: Mapping[str, Any] | None = None) -> Path:
    """Save a fitted :class:`TextClassifier` as plain data (``.json`` or ``.npz``)."""
    meta, arrays = model.to_data()
    return write_model_data(path, "text_classifier", {**meta, "training": dict(training or {})},
                            arrays)


def load_classifier(path: str | Path) -> TextClassifier:
    """Load and validate a classifier saved by :func:`save_classifier`; no re-fitting.

    Raises
    ------
    ModelError
        Missing, damaged, mismatched (e.g. a stance model) or inconsistent file.
    """
    meta, arrays = read_model_data(path, "text_classifier")
    model = TextClassifier.from_data(meta, arrays, source=str(path))
    model.training_ = meta.get("training", {})
    return model
