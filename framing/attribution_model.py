"""The learned part of attribution detection: a two-pass linear token tagger.

Every token of an article gets one of four roles, ``O`` (none), ``CUE``, ``SOURCE`` or
``CONTENT`` (PolNeAR's univocal annotation: one role per token; Newell et al. 2018). The tagger
is a stack of two linear classifiers over categorical token features:

* pass 1 sees the words, shapes and cue-lexicon classes in a window of +-3 tokens, the
  quotation state (inside/outside double quotes), and the token's position in its sentence;
* pass 2 sees the same plus pass 1's predicted roles around the token and the distance to the
  nearest predicted cue to the left and right within the sentence, and whether the sentence
  or its neighbours hold a predicted cue (multi-sentence quotes), which lets a linear model
  label content far away from its cue (stacked learning; Wolpert 1992, Cohen & Carvalho 2005).

Every feature is one categorical id per token and template, so a linear model's score is a
sum of rows of a weight matrix: ``W[cols].sum(1)``. Feature extraction is a handful of NumPy
operations per article (no Python loop per feature per token), and the fitted model is plain
arrays (vocabulary + weights) stored as NPZ, never a pickle.

Training follows the scikit-learn contract (:class:`AttributionTagger`); the heavy lifting is
``sklearn.linear_model.SGDClassifier`` (averaged SGD, fixed seed), so retraining is
reproducible.
"""
from __future__ import annotations

import functools
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import yaml
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from framing.errors import DataError, LexiconError, ModelError

MODEL_FORMAT = "framing-attribution-tagger"
MODEL_VERSION = "1.0.0"
ROLES = ("O", "CUE", "SOURCE", "CONTENT")
O, CUE, SOURCE, CONTENT = range(4)

# Words (with internal hyphens/apostrophes), initialisms ("U.S."), numbers, single symbols.
TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)

OPEN_QUOTES = "“«"
CLOSE_QUOTES = "”»"
STRAIGHT_QUOTE = '"'

# shape ids
_SHAPES = {"pad": 0, "lower": 1, "cap": 2, "upper": 3, "digit": 4, "qopen": 5, "qclose": 6,
           "comma": 7, "stop": 8, "colon": 9, "dash": 10, "paren": 11, "punct": 12,
           "squote": 13, "mixed": 14, "that": 15, "pron": 16}
_N_SHAPES = 17
_PRONOUNS = frozenset("he she they it we i you him her them us".split())
_WIN = (-3, -2, -1, 0, 1, 2, 3)
_POS_BUCKETS = np.array([0, 1, 2, 3, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6])  # 0..15 -> bucket
_DIST_BUCKETS = np.array([0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6])


# --------------------------------------------------------------------------- lexicon

@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Cue forms from ``lexicons/cues.yaml``: form -> (lemma, category)."""

    forms: dict            # lower-cased single- or multi-word form -> (lemma, category)
    categories: tuple      # category ids in file order
    max_words: int
    source: str


def _entry_forms(entry) -> tuple[str, list[str]]:
    if isinstance(entry, str):
        return entry, [entry]
    term = entry["term"]
    return term, [term, *entry.get("forms", [])]


def parse_cue_lexicon(text: str, source: str) -> CueLexicon:
    """Parse the cue lexicon YAML (team lexicon format, one category per epistemic class)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise LexiconError(f"{where}: invalid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise LexiconError(f"{source}: a cue lexicon needs a 'categories' list")
    forms: dict[str, tuple[str, str]] = {}
    cats = []
    for cat in data["categories"]:
        cid = cat.get("id")
        if not cid:
            raise LexiconError(f"{source}: every category needs an 'id'")
        cats.append(cid)
        for entry in cat.get("entries", []):
            try:
                lemma, fs = _entry_forms(entry)
            except (KeyError, TypeError) as exc:
                raise LexiconError(f"{source}: category {cid!r}: entry {entry!r} needs a "
                                   f"'term'") from exc
            for f in fs:
                forms.setdefault(" ".join(f.lower().split()), (lemma.lower(), cid))
    max_words = max((len(f.split()) for f in forms), default=1)
    return CueLexicon(forms, tuple(cats), max_words, source)


@functools.cache
def load_cue_lexicon(path: str | None = None) -> CueLexicon:
    """The built-in cue lexicon (``framing.lexicons/cues.yaml``) or one given by path."""
    if path is not None:
        return parse_cue_lexicon(Path(path).read_text(encoding="utf-8"), str(path))
    resource = files("framing.lexicons") / "cues.yaml"
    return parse_cue_lexicon(resource.read_text(encoding="utf-8"), "builtin:cues.yaml")


# --------------------------------------------------------------------------- tokens

@dataclass(slots=True)
class TokenTable:
    """Tokens of one text with the arrays the features and the decoder need."""

    text: str
    starts: np.ndarray     # int64 char offsets
    ends: np.ndarray
    words: list            # token strings
    sent: np.ndarray       # sentence number of each token
    para: np.ndarray       # paragraph number of each token
    sent_bounds: list      # [(start, end, paragraph)] sentence char spans
    sent_tok: np.ndarray   # first token index of each sentence (len n_sent + 1)
    inq: np.ndarray        # 0 outside quotes, 1 inside, 2 a quotation mark
    qmark: np.ndarray      # 0 none, 1 opening, 2 closing double quotation mark

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str, sentences: Sequence[tuple[int, int, int]] | None = None) -> TokenTable:
    """Tokenise ``text`` and attach sentence, paragraph and quotation state to every token.

    ``sentences`` are ``(start, end, paragraph)`` spans (default: :func:`framing.sentences.
    split_text`); tokens outside every sentence join the nearest one before them.
    """
    if sentences is None:
        from framing.sentences import split_text
        sentences = split_text(text)
    matches = list(TOKEN_RE.finditer(text))
    words = [m.group() for m in matches]
    starts = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    ends = starts + np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    sents = list(sentences) or [(0, len(text), 0)]
    s_starts = np.array([s[0] for s in sents], dtype=np.int64)
    s_para = np.array([s[2] for s in sents], dtype=np.int64)
    sent = np.maximum(np.searchsorted(s_starts, starts, side="right") - 1, 0)
    para = s_para[sent] if len(sent) else np.zeros(0, dtype=np.int64)
    sent_tok = np.searchsorted(sent, np.arange(len(sents) + 1), side="left")
    inq, qmark = _quote_state(text, words, starts, para)
    return TokenTable(text, starts, ends, words, sent, para, sents, sent_tok, inq, qmark)


def _quote_state(text, words, starts, para):
    n = len(words)
    qmark = np.zeros(n, dtype=np.int64)
    idx = [i for i, w in enumerate(words) if w in '"“”«»']
    for i in idx:
        w = words[i]
        if w in OPEN_QUOTES:
            qmark[i] = 1
        elif w in CLOSE_QUOTES:
            qmark[i] = 2
        else:  # straight: opening after whitespace/start/bracket, closing otherwise
            s = starts[i]
            prev = text[s - 1] if s > 0 else " "
            qmark[i] = 1 if (prev.isspace() or prev in "([{—–-/") else 2
    delta = np.where(qmark == 1, 1, np.where(qmark == 2, -1, 0))
    inq = np.zeros(n, dtype=np.int64)
    if idx:
        # depth within each paragraph: cumulative sum reset at paragraph starts
        cs = np.cumsum(delta)
        first = np.searchsorted(para, para, side="left")
        base = cs[first] - delta[first]
        depth = cs - base
        # depth after an opening mark counts the mark itself; make marks their own class
        inside = (depth - np.where(qmark == 1, 1, 0)) > 0
        inq = np.where(qmark > 0, 2, np.where(inside, 1, 0))
    return inq, qmark


def _shape(w: str) -> int:
    c = w[0]
    if c.isalpha():
        lw = w.lower()
        if lw == "that":
            return _SHAPES["that"]
        if lw in _PRONOUNS:
            return _SHAPES["pron"]
        if w.islower():
            return _SHAPES["lower"]
        if w.isupper():
            return _SHAPES["upper"]
        if c.isupper():
            return _SHAPES["cap"]
        return _SHAPES["mixed"]
    if c.isdigit():
        return _SHAPES["digit"]
    if w in OPEN_QUOTES:
        return _SHAPES["qopen"]
    if w in CLOSE_QUOTES or w == '"':
        return _SHAPES["qclose"]
    if w == ",":
        return _SHAPES["comma"]
    if w in ".!?":
        return _SHAPES["stop"]
    if w in ":;":
        return _SHAPES["colon"]
    if w in "-—–":
        return _SHAPES["dash"]
    if w in "()[]":
        return _SHAPES["paren"]
    if w in "'‘’":
        return _SHAPES["squote"]
    return _SHAPES["punct"]


_shape_cache: dict[str, int] = {}


_INFO: dict[tuple[int, int], dict] = {}


def _word_info(vocab: dict, lex: CueLexicon) -> dict:
    """Per word type: (vocabulary id, shape, cue category, starts a multi-word form); a
    cache so that each token costs one dict lookup."""
    key = (id(vocab), id(lex))
    hit = _INFO.get(key)
    if hit is None or hit[0] is not vocab:
        hit = (vocab, {})
        _INFO[key] = hit
    return hit[1]


def _add_info(info: dict, w: str, vocab: dict, lex: CueLexicon) -> tuple:
    lw = w.lower()
    cat_index = {c: i + 1 for i, c in enumerate(lex.categories)}
    form = lex.forms.get(lw)
    row = (vocab.get(lw, 0), _shape(w), cat_index[form[1]] if form else 0,
           1 if lw in _multi_forms(lex) else 0)
    if len(info) < 500_000:
        info[w] = row
    return row


_MULTI: dict[int, tuple[CueLexicon, dict]] = {}


def _multi_forms(lex: CueLexicon) -> dict:
    """First word -> [(multi-word form, n words)] of a cue lexicon (cached per lexicon)."""
    hit = _MULTI.get(id(lex))
    if hit is None or hit[0] is not lex:
        multi: dict[str, list] = {}
        for form in sorted(lex.forms):
            parts = form.split()
            if len(parts) > 1:
                multi.setdefault(parts[0], []).append((form, len(parts)))
        hit = (lex, multi)
        _MULTI[id(lex)] = hit
    return hit[1]


# --------------------------------------------------------------------------- features

def _mix(*cols: np.ndarray, size: int) -> np.ndarray:
    """A deterministic hash of several int columns into ``[0, size)`` (vectorised)."""
    h = np.full(len(cols[0]), 1469598103934665603, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in cols:
            h = (h ^ c.astype(np.uint64)) * np.uint64(1099511628211)
            h ^= h >> np.uint64(29)
    return (h % np.uint64(size)).astype(np.int64)


def _shift(a: np.ndarray, k: int, fill: int) -> np.ndarray:
    """``a[i + k]`` with ``fill`` beyond the ends."""
    out = np.full_like(a, fill)
    n = len(a)
    if k > 0:
        out[: n - k] = a[k:] if k < n else out[:0]
    elif k < 0:
        out[-k:] = a[: n + k] if -k < n else out[:0]
    else:
        out[:] = a
    return out


@dataclass(slots=True)
class BaseFeatures:
    """Per-token categorical ids shared by both passes."""

    wid: np.ndarray      # vocabulary id (0 unknown, 1 padding)
    shape: np.ndarray
    lex: np.ndarray
    inq: np.ndarray
    pos_s: np.ndarray    # bucketed distance from sentence start
    pos_e: np.ndarray    # bucketed distance to sentence end
    sent_in_para: np.ndarray
    para_q: np.ndarray   # paragraph opens with a quotation mark
    sent_q: np.ndarray   # sentence contains a quotation mark


def base_features(tt: TokenTable, vocab: dict, lex: CueLexicon) -> BaseFeatures:
    n = len(tt.words)
    info = _word_info(vocab, lex)
    get = info.get
    rows = [get(w) or _add_info(info, w, vocab, lex) for w in tt.words]
    arr = np.array(rows, dtype=np.int64).reshape(n, 4) if n else np.zeros((0, 4), np.int64)
    wid, shape, lex_ids = arr[:, 0], arr[:, 1], arr[:, 2]
    if arr[:, 3].any():                        # a token may start a multi-word cue form
        lw = [w.lower() for w in tt.words]
        lex_ids = lex_ids.copy()
        multi = _multi_forms(lex)
        cat_index = {c: i + 1 for i, c in enumerate(lex.categories)}
        for i in np.flatnonzero(arr[:, 3]).tolist():
            for form, k in multi.get(lw[i], ()):
                if " ".join(lw[i:i + k]) == form:
                    lex_ids[i:i + k] = cat_index[lex.forms[form][1]]
    idx = np.arange(n)
    s_first = tt.sent_tok[tt.sent] if n else idx
    s_last = tt.sent_tok[tt.sent + 1] - 1 if n else idx
    pos_s = _POS_BUCKETS[np.minimum(idx - s_first, 15)]
    pos_e = _POS_BUCKETS[np.minimum(s_last - idx, 15)]
    # sentence number within its paragraph (0, 1, 2+)
    sent_para = np.array([s[2] for s in tt.sent_bounds], dtype=np.int64)
    first_in_para = np.searchsorted(sent_para, sent_para, side="left")
    sip = np.minimum(np.arange(len(sent_para)) - first_in_para, 2)
    sent_in_para = sip[tt.sent] if n else idx
    # paragraph opens with a quotation mark; sentence holds one
    para_q = np.zeros(n, dtype=np.int64)
    sent_q = np.zeros(n, dtype=np.int64)
    if n:
        p_first = np.searchsorted(tt.para, tt.para, side="left")
        para_q = (tt.qmark[p_first] == 1).astype(np.int64)
        has_q = np.zeros(len(tt.sent_bounds) + 1, dtype=np.int64)
        np.add.at(has_q, tt.sent[tt.qmark > 0], 1)
        sent_q = np.minimum(has_q[tt.sent], 2)
    return BaseFeatures(wid, shape, lex_ids, tt.inq, pos_s, pos_e, sent_in_para, para_q, sent_q)


def _templates_pass1(f: BaseFeatures, V: int, H: int) -> list[tuple[np.ndarray, int]]:
    """(ids, size) per template for pass 1."""
    t: list[tuple[np.ndarray, int]] = []
    for k in _WIN:
        t.append((_shift(f.wid, k, 1), V))
    for k in _WIN:
        t.append((_shift(f.shape, k, 0), _N_SHAPES))
    for k in (-2, -1, 0, 1, 2):
        t.append((_shift(f.lex, k, 0), 8))
    t.append((f.inq * 8 + f.pos_s, 24))
    t.append((f.inq * 8 + f.pos_e, 24))
    t.append((f.inq * 3 + f.sent_in_para + 9 * f.para_q, 18))
    t.append((f.sent_q * 3 + f.inq, 9))
    w_1, w1 = _shift(f.wid, -1, 1), _shift(f.wid, 1, 1)
    t.append((_mix(f.wid, f.inq, np.full_like(f.wid, 1), size=H), H))
    t.append((_mix(w_1, f.wid, np.full_like(f.wid, 2), size=H), H))
    t.append((_mix(f.wid, w1, np.full_like(f.wid, 3), size=H), H))
    s_1, s1 = _shift(f.shape, -1, 0), _shift(f.shape, 1, 0)
    s_2, s2 = _shift(f.shape, -2, 0), _shift(f.shape, 2, 0)
    t.append((_mix(s_1, f.shape, s1, f.inq, size=4096), 4096))
    t.append((_mix(s_2, s_1, f.shape, size=4096), 4096))
    t.append((_mix(f.shape, s1, s2, size=4096), 4096))
    t.append((_mix(f.wid, f.pos_s, f.pos_e, size=H), H))
    return t


def _nearest(mask: np.ndarray, tt: TokenTable):
    """Index of the nearest token in ``mask`` at/before and at/after each token, within the
    token's sentence (-1 when there is none)."""
    n = len(mask)
    idx = np.arange(n)
    big = 10 ** 9
    last = np.maximum.accumulate(np.where(mask, idx, -big))
    nxt = np.minimum.accumulate(np.where(mask, idx, big)[::-1])[::-1]
    s_first = tt.sent_tok[tt.sent]
    s_last = tt.sent_tok[tt.sent + 1] - 1
    last = np.where(last >= s_first, last, -1)
    nxt = np.where((nxt <= s_last) & (nxt < big), nxt, -1)
    return last, nxt


def _cue_context(pred: np.ndarray, tt: TokenTable, shape: np.ndarray) -> tuple[np.ndarray, ...]:
    """Context of each token relative to the predicted cues and sources of its sentence.

    Returns bucketed distances to the nearest cue on the left / right (bucket 7: none),
    the number of commas between the token and those cues (0, 1, 2+; 3: no cue), whether a
    predicted source lies between, and whether this / the previous / the next sentence of
    the paragraph holds a predicted cue.
    """
    n = len(pred)
    idx = np.arange(n)
    is_cue = pred == CUE
    last, nxt = _nearest(is_cue, tt)
    dl = np.where(last >= 0, _DIST_BUCKETS[np.clip(idx - last, 0, 20)], 7)
    dr = np.where(nxt >= 0, _DIST_BUCKETS[np.clip(nxt - idx, 0, 20)], 7)
    commas = np.cumsum((shape == _SHAPES["comma"]) | (shape == _SHAPES["colon"]))
    cl = np.where(last >= 0, np.minimum(commas[idx] - commas[np.maximum(last, 0)], 2), 3)
    cr = np.where(nxt >= 0, np.minimum(commas[np.maximum(nxt, 0)] - commas[idx], 2), 3)
    srcs = np.cumsum(pred == SOURCE)
    sl = np.where(last >= 0, (srcs[idx] - srcs[np.maximum(last, 0)]) > 0, 0).astype(np.int64)
    sr = np.where(nxt >= 0, (srcs[np.maximum(nxt, 0)] - srcs[idx]) > 0, 0).astype(np.int64)
    n_sent = len(tt.sent_bounds)
    cue_sent = np.zeros(n_sent + 2, dtype=np.int64)
    np.add.at(cue_sent, tt.sent[is_cue] + 1, 1)
    cue_sent = np.minimum(cue_sent, 1)
    sent_para = np.array([s[2] for s in tt.sent_bounds] or [0], dtype=np.int64)
    same_prev = np.r_[0, (sent_para[1:] == sent_para[:-1]).astype(np.int64)]
    same_next = np.r_[(sent_para[1:] == sent_para[:-1]).astype(np.int64), 0]
    here = cue_sent[tt.sent + 1]
    prev = cue_sent[tt.sent] * same_prev[tt.sent]
    nextc = cue_sent[tt.sent + 2] * same_next[tt.sent]
    # share of the sentence predicted as content (0, <1/3, <2/3, more)
    con_sent = np.zeros(n_sent + 1, dtype=np.float64)
    np.add.at(con_sent, tt.sent, (pred == CONTENT).astype(np.float64))
    size = np.maximum(np.diff(tt.sent_tok), 1)
    share = con_sent[:n_sent] / size
    share_b = np.where(share == 0, 0, np.minimum((share * 3).astype(np.int64) + 1, 3))
    return dl, dr, cl, cr, sl, sr, here, prev, nextc, share_b[tt.sent]


def _templates_stage(f: BaseFeatures, tt: TokenTable, pred: np.ndarray, V: int, H: int):
    """Templates of a stacked pass: pass-1 templates + the previous pass's predictions."""
    return _templates_pass1(f, V, H) + _templates_extra(f, tt, pred, V, H)


def _templates_extra(f: BaseFeatures, tt: TokenTable, pred: np.ndarray, V: int, H: int):
    """The templates a stacked pass adds to pass 1's (their ids follow pass 1's columns)."""
    t: list[tuple[np.ndarray, int]] = []
    p = [_shift(pred, k, 4) for k in (-2, -1, 0, 1, 2)]
    for k in range(5):
        t.append((p[k], 5))
    t.append((p[1] * 5 + p[2], 25))
    t.append((p[2] * 5 + p[3], 25))
    t.append((p[0] * 25 + p[1] * 5 + p[2], 125))
    t.append((p[2] * 25 + p[3] * 5 + p[4], 125))
    dl, dr, cl, cr, sl, sr, here, prev, nextc, share = _cue_context(pred, tt, f.shape)
    one = np.ones_like(f.wid)
    t.append((dl * 8 + dr, 64))
    t.append(((dl * 8 + dr) * 3 + f.inq, 192))
    t.append((((cl * 4 + cr) * 2 + sl) * 2 + sr, 64))
    t.append(((((cl * 4 + cr) * 2 + sl) * 2 + sr) * 3 + f.inq, 192))
    t.append((((cl * 4 + cr) * 8 + dl) * 8 + dr, 1024))
    t.append((here * 12 + prev * 6 + nextc * 3 + f.inq, 24))
    t.append((((here * 2 + prev) * 2 + nextc) * 2 + f.para_q, 16))
    t.append((share * 4 * 5 + f.inq * 5 + p[2], 60))
    t.append((_mix(share, here, prev, nextc, f.inq, f.sent_q, one * 6, size=4096), 4096))
    t.append((_mix(f.wid, dl, one * 4, size=H), H))
    t.append((_mix(f.wid, dr, one * 5, size=H), H))
    t.append((_mix(f.wid, cl, cr, one * 7, size=H), H))
    t.append((_mix(f.shape, dl, dr, f.inq, size=4096), 4096))
    t.append((_mix(p[2], f.shape, dl, dr, size=4096), 4096))
    t.append((_mix(f.wid, p[1], p[3], size=H), H))
    return t


def _columns(templates, offset: int = 0) -> tuple[np.ndarray, int]:
    """Stack templates into an (n_tokens, n_templates) matrix of global column ids (the
    first template's ids start at ``offset``); also returns the end of the id range."""
    cols = []
    for ids, size in templates:
        cols.append(ids + offset)
        offset += size
    # int32 halves the memory traffic of the gathers in _predict
    return np.stack(cols, axis=1).astype(np.int32, copy=False), offset


# --------------------------------------------------------------------------- labels

def token_labels(tt: TokenTable, attributions: Sequence[dict]) -> np.ndarray:
    """Gold role of every token: the role whose spans cover the token's first character."""
    n_chars = len(tt.text)
    role_of = np.zeros(n_chars + 1, dtype=np.int64)
    for a in attributions:
        for role, code in (("content", CONTENT), ("source", SOURCE), ("cue", CUE)):
            for s, e in a.get(role) or ():
                role_of[s:e] = code
    if not len(tt):
        return np.zeros(0, dtype=np.int64)
    return role_of[tt.starts]


# --------------------------------------------------------------------------- estimator

class AttributionTagger(ClassifierMixin, BaseEstimator):
    """Two-pass linear tagger of attribution roles (O, CUE, SOURCE, CONTENT) per token.

    ``X`` is a list of texts (or of ``(text, sentences)`` pairs); ``y`` a list, per text, of
    attributions given as dicts with ``cue``, ``source``, ``content`` span lists (PolNeAR
    style). :meth:`predict` returns, per text, the role codes of its tokens (see
    :func:`tokenize`); :func:`framing.attribution.attributions_for_text` turns them into
    attributions.

    Parameters
    ----------
    min_count
        Words seen fewer times in training share the unknown-word id.
    max_vocab
        Keep at most this many words (most frequent first) to keep the model small.
    hash_size
        Buckets per hashed conjunction template.
    loss, alpha, max_iter
        Loss, regularisation and number of epochs of the averaged SGD.
    n_stages
        Number of stacked passes (1: window features only).
    random_state
        Seed of the SGD shuffles; the same data and seed give the same model.
    """

    def __init__(self, *, min_count: int = 2, max_vocab: int = 20000, hash_size: int = 16384,
                 loss: str = "hinge", alpha: float = 1e-6, max_iter: int = 12,
                 n_stages: int = 3, random_state: int = 0):
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.hash_size = hash_size
        self.loss = loss
        self.alpha = alpha
        self.max_iter = max_iter
        self.n_stages = n_stages
        self.random_state = random_state

    # -- helpers
    @staticmethod
    def _as_doc(x):
        if isinstance(x, str):
            return x, None
        if isinstance(x, (tuple, list)) and len(x) == 2 and isinstance(x[0], str):
            return x[0], x[1]
        raise DataError(f"each item of X must be a text or a (text, sentences) pair, "
                        f"got {type(x).__name__}")

    def _check_X(self, X):
        if isinstance(X, str):
            raise DataError("X must be a list of texts, not a single string; wrap it: [text]")
        return [self._as_doc(x) for x in X]

    def _sgd(self):
        from sklearn.linear_model import SGDClassifier
        return SGDClassifier(loss=self.loss, alpha=self.alpha, max_iter=self.max_iter, tol=None,
                             average=True, shuffle=True, random_state=self.random_state)

    @staticmethod
    def _matrix(blocks, n_cols):
        from scipy.sparse import csr_matrix
        cols = np.concatenate(blocks, axis=0)
        n, t = cols.shape
        data = np.ones(n * t, dtype=np.float32)
        indptr = np.arange(0, n * t + 1, t, dtype=np.int64)
        return csr_matrix((data, cols.ravel(), indptr), shape=(n, n_cols))

    def fit(self, X, y):
        docs = self._check_X(X)
        if y is None or len(y) != len(docs):
            raise DataError("y must give one list of attributions per text in X")
        lex = load_cue_lexicon()
        tts = [tokenize(text, sents) for text, sents in docs]
        counts = Counter(w.lower() for tt in tts for w in tt.words)
        kept = sorted((w for w, c in counts.items() if c >= self.min_count),
                      key=lambda w: (-counts[w], w))[: self.max_vocab]   # deterministic
        self.vocab_ = {w: i + 2 for i, w in enumerate(kept)}  # 0 unknown, 1 padding
        V, H = len(self.vocab_) + 2, self.hash_size
        feats = [base_features(tt, self.vocab_, lex) for tt in tts]
        labels = [token_labels(tt, a) for tt, a in zip(tts, y)]
        yy = np.concatenate(labels)
        folds = np.arange(len(docs)) % 2
        self.coefs_, self.intercepts_ = [], []
        preds = None
        for stage in range(self.n_stages):
            if stage == 0:
                cols = [_columns(_templates_pass1(f, V, H))[0] for f in feats]
            else:
                cols = [_columns(_templates_stage(f, tt, p, V, H))[0]
                        for f, tt, p in zip(feats, tts, preds)]
            n_cols = _n_columns(stage, V, H)
            w, b = self._fit_pass(cols, yy, n_cols)
            self.coefs_.append(w)
            self.intercepts_.append(b)
            if stage + 1 < self.n_stages:
                # the next stage learns from cross-fitted (realistically noisy) predictions
                preds = [None] * len(docs)
                for k in (0, 1):
                    train = np.flatnonzero(folds != k)
                    wk, bk = self._fit_pass([cols[i] for i in train],
                                            np.concatenate([labels[i] for i in train]), n_cols)
                    for i in np.flatnonzero(folds == k):
                        preds[i] = _predict(cols[i], wk, bk)
        self.classes_ = np.arange(len(ROLES))
        return self

    def _fit_pass(self, blocks, yy, n_cols):
        clf = self._sgd().fit(self._matrix(blocks, n_cols), yy)
        # rows = features, columns = classes; float32 is plenty for a linear scorer
        return (np.ascontiguousarray(clf.coef_.T, dtype=np.float32),
                clf.intercept_.astype(np.float32))

    def predict_tokens(self, tt: TokenTable) -> np.ndarray:
        """Role codes (indices into ``ROLES``) of the tokens of one tokenised text."""
        check_is_fitted(self, "coefs_")
        if not len(tt):
            return np.zeros(0, dtype=np.int64)
        V, H = len(self.vocab_) + 2, self.hash_size
        f = base_features(tt, self.vocab_, load_cue_lexicon())
        cols1, n1 = _columns(_templates_pass1(f, V, H))
        pred = _predict(cols1, self.coefs_[0], self.intercepts_[0])
        for w, b in zip(self.coefs_[1:], self.intercepts_[1:]):
            # same columns as _templates_stage, without recomputing pass 1's
            extra, _ = _columns(_templates_extra(f, tt, pred, V, H), offset=n1)
            pred = _predict(np.hstack([cols1, extra]), w, b)
        return pred

    def predict(self, X):
        docs = self._check_X(X)
        return [self.predict_tokens(tokenize(text, sents)) for text, sents in docs]

    # -- plain-data persistence
    def to_npz(self, path: str | Path) -> Path:
        """Write the fitted model as NPZ (arrays + JSON metadata; no pickle).

        The output depends only on the fitted arrays, so training twice with the same data
        and seed writes byte-identical files.
        """
        check_is_fitted(self, "coefs_")
        words = sorted(self.vocab_, key=self.vocab_.get)
        meta = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "roles": list(ROLES),
                "params": self.get_params(), "n_stages": len(self.coefs_)}
        arrays = {"meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8),
                  "vocab": np.frombuffer("\n".join(words).encode("utf-8"), np.uint8)}
        for k, (w, b) in enumerate(zip(self.coefs_, self.intercepts_)):
            arrays[f"coef{k}"] = w.astype(np.float16)
            arrays[f"intercept{k}"] = b.astype(np.float32)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_npz_bytes(arrays))
        return path

    @classmethod
    def from_npz(cls, source) -> AttributionTagger:
        """Load a model written by :meth:`to_npz` (a path or a binary file object)."""
        where = str(source)
        try:
            with np.load(source, allow_pickle=False) as z:
                meta = json.loads(z["meta"].tobytes().decode())
                if meta.get("format") != MODEL_FORMAT:
                    raise ModelError(f"{where}: not an attribution model "
                                     f"(format {meta.get('format')!r})")
                if meta.get("version", "").split(".")[0] != MODEL_VERSION.split(".")[0]:
                    raise ModelError(f"{where}: model version {meta.get('version')} is "
                                     f"incompatible with {MODEL_VERSION}; retrain it with "
                                     f"'framing train attributions'")
                model = cls(**meta["params"])
                words = z["vocab"].tobytes().decode("utf-8").split("\n")
                model.vocab_ = {w: i + 2 for i, w in enumerate(words) if w}
                model.coefs_ = [z[f"coef{k}"].astype(np.float32)
                                for k in range(meta["n_stages"])]
                model.intercepts_ = [z[f"intercept{k}"] for k in range(meta["n_stages"])]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{where}: cannot read attribution model ({exc}); retrain it "
                             f"with 'framing train attributions'") from exc
        model.classes_ = np.arange(len(ROLES))
        return model


def _npz_bytes(arrays: dict) -> bytes:
    """An NPZ archive with fixed member timestamps (np.savez stamps the current time, which
    would make two identical trainings differ byte for byte)."""
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, member.getvalue())
    return buf.getvalue()


def _n_columns(stage: int, V: int, H: int) -> int:
    """Number of feature columns of a stage (from a one-token dummy table)."""
    dummy = np.zeros(1, dtype=np.int64)
    f = BaseFeatures(dummy, dummy, dummy, dummy, dummy, dummy, dummy, dummy, dummy)
    if stage == 0:
        return _columns(_templates_pass1(f, V, H))[1]
    tt = TokenTable("x", dummy, dummy + 1, ["x"], dummy, dummy, [(0, 1, 0)],
                    np.array([0, 1]), dummy, dummy)
    return _columns(_templates_stage(f, tt, dummy, V, H))[1]


def _predict(cols: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Arg-max class of a linear model over one-hot columns: per class, a gather and a sum
    (``take`` on a contiguous per-class row is ~8x faster than gathering rows)."""
    coef_t = _class_major(coef)
    scores = np.empty((len(cols), coef_t.shape[0]), dtype=np.float32)
    for c in range(coef_t.shape[0]):
        scores[:, c] = coef_t[c].take(cols).sum(axis=1)
    scores += intercept
    return scores.argmax(axis=1).astype(np.int64)


_CLASS_MAJOR: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _class_major(coef: np.ndarray) -> np.ndarray:
    hit = _CLASS_MAJOR.get(id(coef))
    if hit is None or hit[0] is not coef:
        hit = (coef, np.ascontiguousarray(coef.T))
        _CLASS_MAJOR[id(coef)] = hit
    return hit[1]


@functools.cache
def load_model(path: str | None = None) -> AttributionTagger:
    """The shipped tagger (``framing/data/attribution_model.npz``) or one given by path."""
    if path is not None:
        if not Path(path).is_file():
            raise ModelError(f"{path}: no such model file; train one with "
                             f"'framing train attributions --data DIR --out {path}'")
        return AttributionTagger.from_npz(path)
    resource = files("framing") / "data" / "attribution_model.npz"
    if not resource.is_file():
        raise ModelError("the shipped attribution model framing/data/attribution_model.npz "
                         "is missing; reinstall framing or train one with "
                         "'framing train attributions'")
    with resource.open("rb") as fh:
        return AttributionTagger.from_npz(io.BytesIO(fh.read()))


# --------------------------------------------------------------------------- PolNeAR

_BRAT_ID = re.compile(r"^[TERAMN#*]\d*\t")


def parse_brat(ann: str, source: str = "<ann>") -> list[dict]:
    """Attributions of a PolNeAR ``.ann`` file as dicts of span lists (offsets only)."""
    lines: list[str] = []
    for raw in ann.split("\n"):
        if _BRAT_ID.match(raw) or not lines:
            lines.append(raw)
        else:
            lines[-1] += "\n" + raw
    ents: dict[str, list[tuple[int, int]]] = {}
    events = []
    for lineno, ln in enumerate(lines, 1):
        try:
            if ln.startswith("T"):
                tid, mid = ln.split("\t")[:2]
                _typ, offs = mid.split(" ", 1)
                ents[tid] = [tuple(int(x) for x in frag.split()) for frag in offs.split(";")]
            elif ln.startswith("E"):
                events.append(ln.split("\t")[1].split())
        except ValueError as exc:
            raise DataError(f"{source}:{lineno}: malformed brat line {ln[:60]!r}") from exc
    out = []
    for ev in events:
        a: dict[str, list] = {"cue": [], "source": [], "content": []}
        trigger = ev[0].split(":", 1)[1]
        for arg in ev[1:]:
            role, tid = arg.split(":", 1)
            role = role.rstrip("0123456789").lower()
            if role in a and tid in ents:
                a[role] += ents[tid]
        if not a["cue"] and trigger in ents:
            a["cue"] = list(ents[trigger])
        out.append(a)
    return out


def load_polnear(folder: str | Path) -> list[tuple[str, str, list[dict]]]:
    """``(name, text, attributions)`` for every article of a PolNeAR split folder.

    The folder holds ``text/NAME.txt`` and ``attributions/NAME_XXXX.ann``; when several
    annotators' files exist the lexicographically first is used (as the evaluator does).
    """
    folder = Path(folder)
    text_dir = folder / "text"
    if not text_dir.is_dir():
        raise DataError(f"{folder}: expected a PolNeAR split with text/ and attributions/ "
                        f"folders (e.g. ../shared/polnear/train)")
    out = []
    for path in sorted(text_dir.glob("*.txt")):
        anns = sorted((folder / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        out.append((path.stem, text, parse_brat(anns[0].read_text(encoding="utf-8"),
                                                str(anns[0]))))
    if not out:
        raise DataError(f"{folder}: no annotated articles found (text/*.txt with "
                        f"attributions/*_XXXX.ann)")
    return out


# --------------------------------------------------------------------------- decoding

def _runs(roles: np.ndarray, code: int, breaks: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs ``[i, j)`` of tokens with role ``code`` not crossing a break."""
    mask = roles == code
    if not mask.any():
        return []
    idx = np.flatnonzero(mask)
    # a run ends where the next token is not in the mask or a break starts there
    cut = np.flatnonzero((np.diff(idx) != 1) | breaks[idx[1:]])
    starts = np.r_[idx[0], idx[cut + 1]]
    ends = np.r_[idx[cut], idx[-1]] + 1
    return list(zip(starts.tolist(), ends.tolist()))


def decode_roles(tt: TokenTable, roles: np.ndarray) -> list[dict]:
    """Group token roles into attributions (token index spans).

    Cues and sources are runs within one sentence; contents are runs within one paragraph
    (a quotation can run over several sentences). Each content run joins the nearest cue of
    its own sentences, else of the nearest sentence of its paragraph (a multi-sentence quote
    whose cue sits in its first or last sentence); each source joins the nearest cue of its
    sentence. Returns dicts ``{"cue": (i, j) | None, "source": (i, j) | None,
    "content": [(i, j), ...]}`` in token indices.
    """
    n = len(tt)
    if n == 0:
        return []
    roles = smooth_roles(tt, roles)
    sent_break = np.r_[True, tt.sent[1:] != tt.sent[:-1]]
    para_break = np.r_[True, tt.para[1:] != tt.para[:-1]]
    cues = _runs(roles, CUE, sent_break)
    sources = _runs(roles, SOURCE, sent_break)
    contents = _runs(roles, CONTENT, para_break)
    groups: dict[int, dict] = {i: {"cue": c, "source": None, "content": []}
                               for i, c in enumerate(cues)}
    cue_sent = [int(tt.sent[c[0]]) for c in cues]
    cue_para = [int(tt.para[c[0]]) for c in cues]
    orphans = []

    def dist(span, cue):
        if span[1] <= cue[0]:
            return cue[0] - span[1]
        if cue[1] <= span[0]:
            return span[0] - cue[1]
        return 0

    for span in contents:
        s0, s1 = int(tt.sent[span[0]]), int(tt.sent[span[1] - 1])
        p = int(tt.para[span[0]])
        best = None
        for k, c in enumerate(cues):
            if cue_para[k] != p:
                continue
            if s0 <= cue_sent[k] <= s1:
                key = (0, dist(span, c))
            else:
                gap = s0 - cue_sent[k] if cue_sent[k] < s0 else cue_sent[k] - s1
                key = (gap, dist(span, c))
            if best is None or key < best[0]:
                best = (key, k)
        if best is not None and best[0][0] <= 3:
            groups[best[1]]["content"].append(span)
        else:
            orphans.append(span)
    for span in sources:
        s = int(tt.sent[span[0]])
        best = None
        for k, c in enumerate(cues):
            if cue_sent[k] != s:
                continue
            key = dist(span, c)
            if best is None or key < best[0]:
                best = (key, k)
        if best is not None and groups[best[1]]["source"] is None:
            groups[best[1]]["source"] = span
    for g in groups.values():
        src, cue = g["source"], g["cue"]
        if src is not None:
            # a content beyond the source, seen from the cue, is not this cue's content
            # ("at a time of tensions, with officials saying that ..."), unless only
            # punctuation separates them ('"...," Han said')
            def beyond(c):
                if c[1] <= src[0] and src[1] <= cue[0]:
                    gap = tt.words[c[1]:src[0]]
                elif cue[1] <= src[0] and src[1] <= c[0]:
                    gap = tt.words[src[1]:c[0]]
                else:
                    return False
                return any(w[0].isalnum() for w in gap)
            g["content"] = [c for c in g["content"] if not beyond(c)]
    out = [g for g in groups.values() if g["content"]]
    out += [{"cue": None, "source": None, "content": [s]} for s in orphans]
    out.sort(key=lambda g: min(s[0] for s in g["content"]))
    return out


def smooth_roles(tt: TokenTable, roles: np.ndarray, *, max_gap: int = 2,
                 max_edge: int = 3) -> np.ndarray:
    """Repair the token classifier's fragmented content runs (returns a new array).

    A per-token classifier leaves holes: a few unlabelled tokens inside a content or at its
    edges. PolNeAR contents are clauses that run to the sentence edge (minus the final
    period, which belongs to the content only inside quotation marks), so: fill gaps of at
    most ``max_gap`` unlabelled tokens between content tokens of one paragraph, and extend a
    content that stops at most ``max_edge`` unlabelled tokens short of its sentence's start or
    end.
    """
    r = roles.copy()
    n = len(r)
    is_con = np.flatnonzero(r == CONTENT)
    if not len(is_con):
        return r
    # gaps between consecutive content tokens
    gaps = np.diff(is_con)
    for k in np.flatnonzero((gaps > 1) & (gaps <= max_gap + 1)):
        a, b = is_con[k], is_con[k + 1]
        if tt.para[a] == tt.para[b] and (r[a + 1:b] == O).all():
            r[a + 1:b] = CONTENT
    # edges
    sent_first = tt.sent_tok[:-1]
    sent_last = tt.sent_tok[1:] - 1
    words = tt.words
    for si in np.unique(tt.sent[r == CONTENT]):
        f, l = int(sent_first[si]), int(sent_last[si])
        if l < f:
            continue
        labelled = np.flatnonzero(r[f:l + 1] != O)
        first, last = f + labelled[0], f + labelled[-1]
        if r[first] == CONTENT and 0 < first - f <= max_edge:
            r[f:first] = CONTENT
        if r[last] == CONTENT and last < l:
            end = l
            # the sentence-final period stays out unless a closing quote follows it
            if words[l] in ".!?" or (words[l] in '"”’' and l - 1 > last and
                                       words[l - 1] in ".!?" and False):
                end = l - 1
            if 0 < end - last <= max_edge:
                r[last + 1:end + 1] = CONTENT
    return r
