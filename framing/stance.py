"""Stance of an article body toward a claim (FNC-1: agree, disagree, discuss, unrelated).

Features follow the FNC-1 official baseline (Pomerleau & Rao 2017, FakeNewsChallenge/
fnc-1-baseline: word overlap, refuting words, polarity, n-gram co-occurrence) and UCL Machine
Reading (Riedel et al. 2017, arXiv:1707.03264: term-frequency vectors of claim and body plus
their TF-IDF cosine), with BM25 (Robertson & Zaragoza 2009) of the claim against the body and
the element-wise product of the two TF vectors (which shared terms). A multinomial logistic
regression with balanced class weights sits on top, so the fitted model is a vocabulary, an idf
vector and a coefficient matrix, saved as plain data.

Examples
--------
>>> model = train_stance(read_stances("train_stances.csv", "train_bodies.csv"))  # doctest: +SKIP
>>> stance_toward_claim(model, "The minister resigned", corpus.articles)          # doctest: +SKIP
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from framing.classify_model import read_model_data, write_model_data
from framing.errors import DataError, ModelError
from framing.models import Article
from framing.tables import read_csv_records

STANCE_LABELS = ("agree", "disagree", "discuss", "unrelated")
STANCE_COLUMNS = ["Headline", "Body ID", "Stance"]
CLAIM_COLUMNS = ["article_id", "outlet", "title", "stance", "confidence",
                 *[f"prob_{s}" for s in STANCE_LABELS]]

# Refuting and hedging words of the FNC-1 baseline (feature_engineering.py), plus "denied".
REFUTING_WORDS = ("fake", "fraud", "hoax", "false", "deny", "denies", "denied", "refute", "not",
                  "despite", "nope", "doubt", "doubts", "bogus", "debunk", "pranks", "retract")
HEDGING_WORDS = ("reportedly", "allegedly", "apparently", "claims", "claimed", "rumor",
                 "rumour", "unconfirmed", "purportedly", "supposedly", "according", "may",
                 "might", "could", "suggests", "believed")
_TOKEN = re.compile(r"\w+")
DENSE_FEATURES = (
    "overlap_jaccard", "cosine_tfidf", "bm25", "bm25_lead", "head_in_body_share",
    "head_in_lead_share", "bigram_hits", "bigram_hits_lead", "trigram_hits", "body_log_len",
    "head_log_len", *[f"refute_head_{w}" for w in REFUTING_WORDS],
    "refute_body", "refute_lead", "hedge_head", "hedge_body", "hedge_lead",
    "polarity_head", "polarity_body", "question_head",
)
_LEAD_CHARS = 600  # the opening of a body, where the claim is usually restated


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _count_words(tokens: Sequence[str], words: Iterable[str]) -> int:
    wanted = set(words)
    return sum(t in wanted for t in tokens)


# ------------------------------------------------------------------------------ data

def read_stances(stances: str | Path, bodies: str | Path, *,
                 require_labels: bool = False) -> pd.DataFrame:
    """FNC-1 style CSVs joined: columns ``Headline, Body ID, Stance, articleBody``.

    ``Stance`` may be missing (prediction input); it is then empty. Row order is kept.

    Raises
    ------
    DataError
        Missing columns, a body id without a body (``file:line``), an unknown stance.
    """
    def read(path: Path, needed: Sequence[str]) -> tuple[list[dict], list[int]]:
        if not path.is_file():
            raise DataError(f"{path}: no such file")
        rows, lines, _ = read_csv_records(path, needed=needed)
        return rows, lines

    stances, bodies = Path(stances), Path(bodies)
    body_rows, _ = read(bodies, ("Body ID", "articleBody"))
    text = {r["Body ID"].strip(): r["articleBody"] or "" for r in body_rows}
    rows, lines = read(stances, ("Headline", "Body ID"))
    out = []
    for row, line in zip(rows, lines):
        body_id = (row["Body ID"] or "").strip()
        if body_id not in text:
            raise DataError(f"{stances}:{line}: Body ID {body_id!r} is not in {bodies}")
        label = (row.get("Stance") or "").strip().lower()
        if label and label not in STANCE_LABELS:
            raise DataError(f"{stances}:{line}: stance {label!r} is not one of "
                            f"{', '.join(STANCE_LABELS)}")
        if require_labels and not label:
            raise DataError(f"{stances}:{line}: no Stance; training needs a label on every row")
        out.append({"Headline": row["Headline"] or "", "Body ID": body_id, "Stance": label,
                    "articleBody": text[body_id]})
    if not out:
        raise DataError(f"{stances}: no rows")
    return pd.DataFrame(out, columns=[*STANCE_COLUMNS, "articleBody"])


# ------------------------------------------------------------------------------ model

class StanceModel(ClassifierMixin, BaseEstimator):
    """Claim/body stance classifier: FNC-1 baseline + UCLMR features into logistic regression.

    Parameters
    ----------
    max_features : vocabulary size of the TF vectors (UCLMR used 5,000).
    C : inverse regularisation of the logistic regression.
    class_weight : ``"balanced"`` or ``None``.
    term_vectors : include the TF vectors of headline and body themselves (UCLMR); without
        them only shared terms, similarities and hand features are used (less topic memory).
    random_state : seed.
    """

    def __init__(self, *, max_features: int = 5000, C: float = 1.0,
                 class_weight: str | None = None, term_vectors: bool = True,
                 random_state: int = 0):
        self.max_features = max_features
        self.term_vectors = term_vectors
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state

    def _vectorizer(self) -> CountVectorizer:
        return CountVectorizer(max_features=self.max_features, stop_words="english",
                               lowercase=True, token_pattern=r"(?u)\b\w\w+\b")

    def _features(self, heads: Sequence[str], bodies: Sequence[str]) -> sp.csr_matrix:
        """Rows of [tf(head) | tf(body) | tf(head)*tf(body) | dense features]."""
        # each distinct text is processed once: FNC-1 pairs reuse bodies and headlines a lot
        uh, hi = np.unique(np.asarray(heads, dtype=object), return_inverse=True)
        ub, bi = np.unique(np.asarray(bodies, dtype=object), return_inverse=True)
        ch = self.vectorizer_.transform(uh).astype(float)
        cb = self.vectorizer_.transform(ub).astype(float)

        def l2(m):
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
            return sp.diags(1 / np.where(norms > 0, norms, 1)) @ m

        tf_h, tf_b = l2(ch)[hi], l2(cb)[bi]
        ti_h, ti_b = l2(ch.multiply(self.idf_).tocsr())[hi], l2(cb.multiply(self.idf_).tocsr())[bi]
        cosine = np.asarray(ti_h.multiply(ti_b).sum(axis=1)).ravel()
        bm25 = self._bm25(ch[hi], cb[bi])
        lead = self.vectorizer_.transform([b[:_LEAD_CHARS] for b in ub]).astype(float)[bi]
        bm25_lead = self._bm25(ch[hi], lead)
        head_tok = {h: _tokens(h) for h in uh}
        body_tok = {b: _tokens(b) for b in ub}
        lead_tok = {b: _tokens(b[:_LEAD_CHARS]) for b in ub}
        body_sets = {b: (set(t), _ngrams(t, 2), _ngrams(t, 3)) for b, t in body_tok.items()}
        lead_sets = {b: (set(t), _ngrams(t, 2)) for b, t in lead_tok.items()}
        refute_body = {b: _count_words(t, REFUTING_WORDS) / (1 + len(t)) * 100
                       for b, t in body_tok.items()}
        hedge_body = {b: _count_words(t, HEDGING_WORDS) / (1 + len(t)) * 100
                      for b, t in body_tok.items()}
        dense = np.zeros((len(heads), len(DENSE_FEATURES)))
        for r, (h, b) in enumerate(zip(uh[hi], ub[bi])):
            ht, bt, lt = head_tok[h], body_tok[b], lead_tok[b]
            hs = set(ht)
            bset, b2, b3 = body_sets[b]
            lset, l2set = lead_sets[b]
            h2, h3 = _ngrams(ht, 2), _ngrams(ht, 3)
            n_h = max(len(hs), 1)
            dense[r] = (
                len(hs & bset) / max(len(hs | bset), 1), cosine[r], bm25[r], bm25_lead[r],
                len(hs & bset) / n_h, len(hs & lset) / n_h,
                len(h2 & b2) / max(len(h2), 1), len(h2 & l2set) / max(len(h2), 1),
                len(h3 & b3) / max(len(h3), 1), np.log1p(len(bt)) / 10, np.log1p(len(ht)) / 5,
                *[float(w in hs) for w in REFUTING_WORDS],
                refute_body[b], _count_words(lt, REFUTING_WORDS),
                _count_words(ht, HEDGING_WORDS), hedge_body[b], _count_words(lt, HEDGING_WORDS),
                _count_words(ht, REFUTING_WORDS) % 2, _count_words(bt, REFUTING_WORDS) % 2,
                float("?" in h),
            )
        blocks = [tf_h, tf_b] if self.term_vectors else []
        return sp.hstack([*blocks, tf_h.multiply(tf_b) * 10, sp.csr_matrix(dense)],
                         format="csr")

    def _bm25(self, q: sp.csr_matrix, d: sp.csr_matrix, k1: float = 1.2,
              b: float = 0.75) -> np.ndarray:
        length = np.asarray(d.sum(axis=1)).ravel()
        norm = k1 * (1 - b + b * length / self.avg_body_len_)
        d = d.tocoo()
        sat = sp.csr_matrix((d.data * (k1 + 1) / (d.data + norm[d.row]), (d.row, d.col)),
                            shape=d.shape)
        present = (q > 0).astype(float)
        scores = np.asarray(present.multiply(sat).multiply(self.bm25_idf_).sum(axis=1)).ravel()
        return scores / np.maximum(np.asarray(present.sum(axis=1)).ravel(), 1)

    def fit(self, heads: Sequence[str], bodies: Sequence[str], y: Sequence[str]) -> StanceModel:
        heads, bodies = _check_pairs(heads, bodies)
        y = np.asarray([str(s).strip().lower() for s in y], dtype=object)
        bad = sorted(set(y) - set(STANCE_LABELS))
        if bad:
            raise DataError(f"unknown stance label(s) {bad}; use {', '.join(STANCE_LABELS)}")
        texts = sorted(set(heads) | set(bodies))
        self.vectorizer_ = self._vectorizer().fit(texts)
        vocab_size = len(self.vectorizer_.vocabulary_)
        counts = self.vectorizer_.transform(texts)
        df = np.bincount(counts.indices, minlength=vocab_size)
        self.idf_ = np.log((1 + len(texts)) / (1 + df)) + 1  # sklearn's smoothed idf
        body_counts = self.vectorizer_.transform(sorted(set(bodies)))
        n_b = body_counts.shape[0]
        df_b = np.bincount(body_counts.indices, minlength=vocab_size)
        self.bm25_idf_ = np.log(1 + (n_b - df_b + 0.5) / (df_b + 0.5))
        self.avg_body_len_ = float(body_counts.sum() / max(n_b, 1))
        X = self._features(heads, bodies)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000,
                                    random_state=self.random_state).fit(X, y)
        self.classes_ = np.asarray(lr.classes_, dtype=object)
        self.coef_, self.intercept_ = lr.coef_, lr.intercept_
        return self

    def predict_proba(self, heads: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "coef_")
        heads, bodies = _check_pairs(heads, bodies)
        if not heads:
            return np.zeros((0, len(self.classes_)))
        d = np.asarray(self._features(heads, bodies) @ self.coef_.T) + self.intercept_
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, heads: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(heads, bodies).argmax(axis=1)]

    # ---- plain data ----------------------------------------------------------------------
    def to_data(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        check_is_fitted(self, "coef_")
        vocab = sorted(self.vectorizer_.vocabulary_, key=self.vectorizer_.vocabulary_.__getitem__)
        meta = {"params": self.get_params(), "classes": [str(c) for c in self.classes_],
                "vocabulary": vocab, "dense_features": list(DENSE_FEATURES),
                "avg_body_len": self.avg_body_len_}
        arrays = {"coef": self.coef_.astype(np.float32), "intercept": self.intercept_,
                  "idf": self.idf_, "bm25_idf": self.bm25_idf_}
        return meta, arrays

    @classmethod
    def from_data(cls, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray],
                  source: str = "model") -> StanceModel:
        try:
            model = cls(**meta["params"])
            vec = model._vectorizer()
            vec.vocabulary_ = {t: i for i, t in enumerate(meta["vocabulary"])}
            model.vectorizer_ = vec
            model.classes_ = np.asarray(meta["classes"], dtype=object)
            model.avg_body_len_ = float(meta["avg_body_len"])
            model.idf_, model.bm25_idf_ = arrays["idf"], arrays["bm25_idf"]
            model.coef_ = arrays["coef"].astype(np.float64)
            model.intercept_ = arrays["intercept"]
            dense = list(meta["dense_features"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{source}: invalid stance model ({exc.__class__.__name__}: {exc}); "
                             f"retrain it with 'framing stance train'") from None
        n_vocab = len(vec.vocabulary_)
        n_features = (3 if model.term_vectors else 1) * n_vocab + len(DENSE_FEATURES)
        problems = []
        if dense != list(DENSE_FEATURES):
            problems.append("its hand features differ from this framing version's")
        if sorted(model.classes_) != sorted(STANCE_LABELS):
            problems.append(f"classes {list(model.classes_)}")
        if model.coef_.shape != (len(model.classes_), n_features):
            problems.append(f"coef shape {model.coef_.shape} != {(len(model.classes_), n_features)}")
        if model.idf_.shape != (n_vocab,) or model.bm25_idf_.shape != (n_vocab,):
            problems.append("idf length differs from the vocabulary")
        if model.intercept_.shape != (len(model.classes_),):
            problems.append(f"intercept shape {model.intercept_.shape}")
        if problems:
            raise ModelError(f"{source}: inconsistent stance model ({'; '.join(problems)}); "
                             f"retrain it with 'framing stance train'")
        return model


def _check_pairs(heads, bodies) -> tuple[list[str], list[str]]:
    if isinstance(heads, str) or isinstance(bodies, str):
        raise DataError("expected lists of headlines and bodies, got a single string")
    heads, bodies = ["" if h is None else str(h) for h in heads], \
        ["" if b is None else str(b) for b in bodies]
    if len(heads) != len(bodies):
        raise DataError(f"{len(heads)} headlines but {len(bodies)} bodies")
    return heads, bodies


# ------------------------------------------------------------------------------ API

def train_stance(pairs: pd.DataFrame, **params: Any) -> StanceModel:
    """Fit a :class:`StanceModel` on a table from :func:`read_stances` (labels required)."""
    if (pairs["Stance"] == "").any():
        raise DataError("every training pair needs a Stance")
    model = StanceModel(**params).fit(pairs["Headline"].tolist(), pairs["articleBody"].tolist(),
                                      pairs["Stance"].tolist())
    model.training_ = {"n_pairs": len(pairs), "n_bodies": int(pairs["Body ID"].nunique()),
                       "label_counts": {k: int(v) for k, v in
                                        pairs["Stance"].value_counts().sort_index().items()}}
    return model


def predict_stances(model: StanceModel, pairs: pd.DataFrame) -> pd.DataFrame:
    """``Headline, Body ID, Stance`` (predicted) in the input order, plus ``prob_<stance>``."""
    proba = model.predict_proba(pairs["Headline"].tolist(), pairs["articleBody"].tolist())
    out = pairs[["Headline", "Body ID"]].reset_index(drop=True).copy()
    out["Stance"] = [str(model.classes_[i]) for i in proba.argmax(axis=1)]
    for j, c in enumerate(model.classes_):
        out[f"prob_{c}"] = np.round(proba[:, j], 4)
    return out


def stance_toward_claim(model: StanceModel | None, claim: str,
                        articles: Iterable[Article]) -> pd.DataFrame:
    """The stance of each article toward one claim, for ``framing report --claim``.

    Parameters
    ----------
    model : from :func:`load_stance_model`; ``None`` uses the shipped FNC-1 model
        (:func:`default_stance_model`).
    claim : a one-sentence claim, phrased like a headline.
    articles : e.g. ``load_corpus(path).articles``; each article's text is the body.

    Returns
    -------
    DataFrame with columns :data:`CLAIM_COLUMNS`, one row per article, in input order.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise DataError("give a non-empty claim, e.g. --claim \"The test was a defensive measure\"")
    articles = list(articles)
    model = model if model is not None else default_stance_model()
    proba = model.predict_proba([claim] * len(articles), [a.text for a in articles])
    rows = []
    for a, p in zip(articles, proba):
        probs = dict(zip(model.classes_, p))
        best = max(STANCE_LABELS, key=lambda s: probs[s])
        rows.append({"article_id": a.id, "outlet": a.outlet, "title": a.title, "stance": best,
                     "confidence": round(float(probs[best]), 4),
                     **{f"prob_{s}": round(float(probs[s]), 4) for s in STANCE_LABELS}})
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def save_stance_model(model: StanceModel, path: str | Path) -> Path:
    """Save as plain data (``.npz`` recommended: the vocabulary is large)."""
    meta, arrays = model.to_data()
    return write_model_data(path, "stance", {**meta, "training": getattr(model, "training_", {})},
                            arrays)


def load_stance_model(path: str | Path) -> StanceModel:
    """Load and validate a stance model saved by :func:`save_stance_model`."""
    meta, arrays = read_model_data(path, "stance")
    model = StanceModel.from_data(meta, arrays, source=str(path))
    model.training_ = meta.get("training", {})
    return model


def default_stance_model() -> StanceModel:
    """The stance model shipped in ``framing/data/stance_fnc1.npz`` (trained on FNC-1)."""
    from importlib.resources import as_file, files

    resource = files("framing") / "data" / "stance_fnc1.npz"
    if not resource.is_file():
        raise ModelError("no shipped stance model (framing/data/stance_fnc1.npz); train one "
                         "with 'framing stance train' and pass --stance-model")
    with as_file(resource) as path:
        return load_stance_model(path)
