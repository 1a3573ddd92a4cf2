"""The learned part of attribution detection: a stacked linear token tagger.

Every token of an article gets one of four roles, ``O`` (none), ``CUE``, ``SOURCE`` or
``CONTENT`` (PolNeAR's univocal annotation: one role per token; Newell et al. 2018). The tagger
is a stack of linear models over categorical token features (three passes by default):

* pass 1 sees the words, shapes and cue-lexicon classes in a window of +-3 tokens, the
  quotation state (inside/outside double quotes), and the token's position in its sentence;
* later passes see the same plus the previous pass's predicted roles around the token and the
  distance to the nearest predicted cue to the left and right within the sentence, and
  whether the sentence or its neighbours hold a predicted cue (multi-sentence quotes), which
  lets a linear model label content far away from its cue (stacked learning; Wolpert 1992,
  Cohen & Carvalho 2005).

Every feature is one categorical id per token and template, so a linear model's score is a
sum of rows of a weight matrix: ``W[cols].sum(1)``. Feature extraction is a handful of NumPy
operations per article (no Python loop per feature per token; hashed conjunctions of
small-range columns are table lookups), and the fitted model is plain arrays (vocabulary +
weights) stored as NPZ, never a pickle.

Training follows the scikit-learn contract (:class:`AttributionTagger`); the per-token passes
are ``sklearn.linear_model.SGDClassifier`` (averaged SGD, fixed seed), so retraining is
reproducible. Options (not the shipped default, see ``docs/evaluation.md``): extended
templates (suffix buckets, distance to the nearest cue-lexicon word; ``extended_features``),
and a structured last pass over BIO tags (``last_pass="perceptron"`` or ``"hybrid"``): an
averaged structured perceptron (Collins 2002) trained on sentences and decoded by a NumPy
Viterbi vectorised over the sentences of an article (:func:`viterbi`).
"""
from __future__ import annotations

import bisect
import functools
import io
import json
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from importlib.resources import files
from pathlib import Path

import numpy as np
import yaml
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from framing.errors import DataError, LexiconError, ModelError

MODEL_FORMAT = "framing-attribution-tagger"
MODEL_VERSION = "2.0.0"
_READABLE_MAJORS = ("1", "2")        # format 1 (no extended templates, SGD only) still loads
ROLES = ("O", "CUE", "SOURCE", "CONTENT")
O, CUE, SOURCE, CONTENT = range(4)
# tags of the structured last pass (role code r has B = 2r - 1 and I = 2r)
BIO_TAGS = ("O", "B-CUE", "I-CUE", "B-SOURCE", "I-SOURCE", "B-CONTENT", "I-CONTENT")

# Words (with internal hyphens/apostrophes), initialisms ("U.S."), numbers, single symbols.
# (The initialism is (?:[A-Za-z]\.){2,} spelt out: the same matches, a faster scan.)
TOKEN_RE = re.compile(
    r"[A-Za-z]\.[A-Za-z]\.(?:[A-Za-z]\.)*|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)

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
    words = TOKEN_RE.findall(text)
    lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    starts = _token_starts(text, words, lens)
    ends = starts + lens
    sents = list(sentences) or [(0, len(text), 0)]
    s_starts = np.array([s[0] for s in sents], dtype=np.int64)
    s_para = np.array([s[2] for s in sents], dtype=np.int64)
    sent = np.maximum(np.searchsorted(s_starts, starts, side="right") - 1, 0)
    para = s_para[sent] if len(sent) else np.zeros(0, dtype=np.int64)
    sent_tok = np.searchsorted(sent, np.arange(len(sents) + 1), side="left")
    inq, qmark = _quote_state(text, words, starts, para)
    return TokenTable(text, starts, ends, words, sent, para, sents, sent_tok, inq, qmark)


_ASCII_SPACE = np.array([chr(i).isspace() for i in range(128)])


def _token_starts(text: str, words: list, lens: np.ndarray) -> np.ndarray:
    """Character offset of every token of ``TOKEN_RE.findall(text)``.

    Every non-space character belongs to a token (``[^\\w\\s]`` takes any other), so only
    whitespace separates tokens: the k-th token starts at the non-space character that
    follows the characters of the tokens before it. ``\\s`` of a str pattern is
    ``str.isspace``, tested here per code point without a Python loop per token.
    """
    n = len(words)
    if not n:
        return np.zeros(0, dtype=np.int64)
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:          # lone surrogates: find each token in turn
        offsets = []
        find, append, pos = text.find, offsets.append, 0
        for w in words:
            pos = find(w, pos)
            append(pos)
            pos += len(w)
        return np.array(offsets, dtype=np.int64)
    if text.isascii():
        space = _ASCII_SPACE[codes]
    else:
        space = np.zeros(len(codes), dtype=bool)
        low = codes < 128
        space[low] = _ASCII_SPACE[codes[low]]
        high = np.flatnonzero(~low)
        kinds, inv = np.unique(codes[high], return_inverse=True)
        space[high] = np.array([chr(c).isspace() for c in kinds.tolist()], dtype=bool)[inv]
    before = np.zeros(n, dtype=np.int64)        # characters of the tokens before each one
    np.cumsum(lens[:-1], out=before[1:])
    return np.flatnonzero(~space)[before]


_QUOTE_MARK = re.compile('["“”«»]')


def _quote_state(text, words, starts, para):
    n = len(words)
    qmark = np.zeros(n, dtype=np.int64)
    # a quotation mark is always a token of its own ([^\w\s]), so its token is found from
    # its character offset without looking at every token
    marks = [m.start() for m in _QUOTE_MARK.finditer(text)]
    idx = np.searchsorted(starts, marks).tolist() if marks else []
    kinds = []
    for i, s in zip(idx, marks):           # s: the mark's offset, its token's start
        w = words[i]
        if w in OPEN_QUOTES:
            kinds.append(1)
        elif w in CLOSE_QUOTES:
            kinds.append(2)
        else:  # straight: opening after whitespace/start/bracket, closing otherwise
            prev = text[s - 1] if s > 0 else " "
            kinds.append(1 if (prev.isspace() or prev in "([{—–-/") else 2)
    if idx:
        qmark[idx] = kinds
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


_INFO: dict[tuple[int, int], dict] = {}


def _word_info(vocab: dict, lex: CueLexicon) -> dict:
    """Per word type: its vocabulary id, shape, cue category and whether it starts a
    multi-word form, packed into one int (:func:`_add_infos`); a cache so that each token
    costs one dict lookup and the per-token ids come out of one ``np.fromiter``."""
    key = (id(vocab), id(lex))
    hit = _INFO.get(key)
    if hit is None or hit[0] is not vocab:
        hit = (vocab, {})
        _INFO[key] = hit
    return hit[1]


# bit layout of a packed word-info int: vocabulary id | shape | cue category | multi-word
# start | suffix bucket
_WID_BITS, _SHAPE_AT, _LEX_AT, _MULTI_AT, _SUF_AT = 24, 24, 32, 40, 41
_SUF_BITS = 14


def _suffix_bucket(lw: str) -> int:
    """A deterministic bucket of a word's last three letters (CRC-32, not ``hash``: that is
    salted per process): rare words share morphology ("stressed", "-ing", "-ly") with
    frequent ones, a poor man's part of speech."""
    return zlib.crc32(lw[-3:].encode("utf-8")) & ((1 << _SUF_BITS) - 1)


def _add_infos(info: dict, words: list, vocab: dict, lex: CueLexicon) -> list[int]:
    """The packed word info of each word, added to the cache ``info`` (a word repeated in
    ``words`` is packed once; the lexicon's tables are looked up once per call)."""
    get = info.get
    forms_get, vocab_get = lex.forms.get, vocab.get
    cat_index, multi = _category_index(lex), _multi_forms(lex)
    out = []
    for w in words:
        packed = get(w)
        if packed is None:
            lw = w.lower()
            form = forms_get(lw)
            packed = (vocab_get(lw, 0) | _shape(w) << _SHAPE_AT
                      | (cat_index[form[1]] if form else 0) << _LEX_AT
                      | (1 if lw in multi else 0) << _MULTI_AT
                      | _suffix_bucket(lw) << _SUF_AT)
            if len(info) < 500_000:
                info[w] = packed
        out.append(packed)
    return out


_MULTI: dict[int, tuple[CueLexicon, dict]] = {}
_CAT_INDEX: dict[int, tuple[CueLexicon, dict]] = {}


def _category_index(lex: CueLexicon) -> dict:
    """Category id -> its feature value (1-based position in the file; cached per lexicon)."""
    hit = _CAT_INDEX.get(id(lex))
    if hit is None or hit[0] is not lex:
        hit = (lex, {c: i + 1 for i, c in enumerate(lex.categories)})
        _CAT_INDEX[id(lex)] = hit
    return hit[1]


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


_MULTI_PARTS: dict[int, tuple[CueLexicon, dict]] = {}


def _multi_parts(lex: CueLexicon) -> dict:
    """:func:`_multi_forms` with each form's words after the first: first word ->
    [(form, n words, (second word, ...))] in the same order (cached per lexicon)."""
    hit = _MULTI_PARTS.get(id(lex))
    if hit is None or hit[0] is not lex:
        parts = {first: [(form, k, tuple(form.split(" ")[1:])) for form, k in forms]
                 for first, forms in _multi_forms(lex).items()}
        hit = (lex, parts)
        _MULTI_PARTS[id(lex)] = hit
    return hit[1]


# --------------------------------------------------------------------------- features

_FNV_BASIS = np.uint64(1469598103934665603)
_FNV_PRIME = np.uint64(1099511628211)
_U29 = np.uint64(29)


def _mix(*cols, size: int) -> np.ndarray:
    """A deterministic hash of several int columns into ``[0, size)`` (vectorised; a plain
    int stands for a constant column). In place on one uint64 buffer: the hash is the same
    as ``h = (h ^ c) * prime; h ^= h >> 29`` per column."""
    n = next(len(c) for c in cols if not isinstance(c, int))
    h = np.full(n, _FNV_BASIS, dtype=np.uint64)
    tmp = np.empty(n, dtype=np.uint64)
    for c in cols:
        if isinstance(c, int):
            h ^= np.uint64(c)
        else:
            np.bitwise_xor(h, c.view(np.uint64) if c.dtype == np.int64 else
                           c.astype(np.uint64), out=h)
        h *= _FNV_PRIME
        np.right_shift(h, _U29, out=tmp)
        h ^= tmp
    if size & (size - 1) == 0:          # a power of two: the remainder is a mask
        h &= np.uint64(size - 1)
    else:
        h %= np.uint64(size)
    return h.view(np.int64)


_MIX_TABLES: dict[tuple, np.ndarray] = {}


def _mixt(cols: tuple, domains: tuple, size: int) -> np.ndarray:
    """``_mix(*cols, size=size)`` for columns with small value ranges, looked up in a table
    of every combination (built once per process with :func:`_mix` itself, so the ids are
    the same): a few integer operations and one gather instead of the hash's passes.
    ``domains`` gives each array column's number of values (None for the constants)."""
    key = (tuple(c if isinstance(c, int) else None for c in cols), domains, size)
    table = _MIX_TABLES.get(key)
    if table is None:
        grid = iter(np.indices([d for d in domains if d]).reshape(
            sum(1 for d in domains if d), -1))
        table = _mix(*(c if isinstance(c, int) else next(grid) for c in cols),
                     size=size).astype(np.int32)
        _MIX_TABLES[key] = table
    arrays = [(c, d) for c, d in zip(cols, domains) if d]
    if len(arrays) == 1:
        return table.take(arrays[0][0])
    # mixed radix: the first multiplication makes the (int64) index array, no copy first
    idx = np.multiply(arrays[0][0], arrays[1][1], dtype=np.int64)
    idx += arrays[1][0]
    for c, d in arrays[2:]:
        idx *= d
        idx += c
    return table.take(idx)


def _shift(a: np.ndarray, k: int, fill: int) -> np.ndarray:
    """``a[i + k]`` with ``fill`` beyond the ends."""
    out = np.full_like(a, fill)
    n = len(a)
    if k >= 0:
        out[:max(n - k, 0)] = a[k:]
    else:
        out[min(-k, n):] = a[:max(n + k, 0)]
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
    suf: np.ndarray      # suffix bucket (:func:`_suffix_bucket`)
    lcd: tuple           # distances/commas to the nearest lexicon cue (:func:`_lex_context`)


def base_features(tt: TokenTable, vocab: dict, lex: CueLexicon, *,
                  extended: bool = True) -> BaseFeatures:
    n = len(tt.words)
    info = _word_info(vocab, lex)
    get = info.get
    words = tt.words
    # one C-level lookup per token; only word types never seen before go through Python
    packed = np.fromiter(map(get, words, repeat(-1)), dtype=np.int64, count=n)
    new = np.flatnonzero(packed < 0)
    if len(new):
        packed[new] = _add_infos(info, [words[i] for i in new.tolist()], vocab, lex)
    wid = packed & ((1 << _WID_BITS) - 1)
    shape = (packed >> _SHAPE_AT) & 0xFF
    lex_ids = (packed >> _LEX_AT) & 0xFF
    suf = packed >> _SUF_AT
    starts_multi = np.flatnonzero((packed >> _MULTI_AT) & 1)
    if len(starts_multi):                      # a token may start a multi-word cue form
        cat_index = _category_index(lex)
        parts = _multi_parts(lex)
        for i in starts_multi.tolist():
            nxt = words[i + 1].lower() if i + 1 < n else None
            for form, k, rest in parts.get(words[i].lower(), ()):
                # tokens hold no spaces, so the joined words equal the form exactly when
                # the words equal its parts; the second word rules most forms out at once
                if i + k <= n and rest[0] == nxt and \
                        all(w.lower() == r for w, r in zip(words[i + 2:i + k], rest[1:])):
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
        has_q = np.bincount(tt.sent[tt.qmark > 0], minlength=len(tt.sent_bounds) + 1)
        sent_q = np.minimum(has_q[tt.sent], 2)
    # model format 1 has no morphology / cue-reach templates
    lcd = (_lex_context(lex_ids, _category_index(lex).get("hedge", -1), tt, shape, idx)
           if extended else None)
    return BaseFeatures(wid, shape, lex_ids, tt.inq, pos_s, pos_e, sent_in_para, para_q, sent_q,
                        suf, lcd)


def _lex_context(lex_ids: np.ndarray, hedge: int, tt: TokenTable, shape: np.ndarray,
                 idx: np.ndarray) -> tuple:
    """Bucketed distance (7: none) and commas (3: none) from each token to the nearest
    cue-lexicon word (hedges excluded) on its left and right within its sentence: pass 1's
    view of where the content of a reporting verb can be, before any prediction."""
    n = len(lex_ids)
    if not n:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    mask = (lex_ids > 0) & (lex_ids != hedge)
    s_first = tt.sent_tok[tt.sent]
    s_last = tt.sent_tok[tt.sent + 1] - 1
    commas = np.cumsum((shape == _SHAPES["comma"]) | (shape == _SHAPES["colon"]))
    last = np.maximum.accumulate(np.where(mask, idx, -_BIG))
    nxt = np.minimum.accumulate(np.where(mask, idx, _BIG)[::-1])[::-1]
    has_l = last >= s_first
    has_r = (nxt <= s_last) & (nxt < _BIG)
    last = np.where(has_l, last, 0)
    nxt = np.where(has_r, nxt, 0)
    dl = np.where(has_l, _DIST_BUCKETS[np.minimum(idx - last, 20)], 7)
    dr = np.where(has_r, _DIST_BUCKETS[np.minimum(np.maximum(nxt - idx, 0), 20)], 7)
    cl = np.where(has_l, np.minimum(commas - commas[last], 2), 3)
    cr = np.where(has_r, np.minimum(commas[nxt] - commas, 2), 3)
    return dl, dr, cl, cr


def _padded(a: np.ndarray, fill: int, pad: int = 3) -> np.ndarray:
    """``a`` with ``pad`` copies of ``fill`` at each end: ``_padded(a)[pad + k:pad + k + n]``
    is ``_shift(a, k, fill)`` for ``|k| <= pad``, as a view (no copy per offset)."""
    n = len(a)
    out = np.empty(n + 2 * pad, dtype=a.dtype)
    out[:pad] = fill
    out[pad:pad + n] = a
    out[pad + n:] = fill
    return out


_PAD = 3


def _window_templates(f: BaseFeatures, V: int):
    """The pass-1 window templates as (padded array, offset k, fill, size) (see
    :func:`_templates_pass1`), with the padded word and shape arrays for the rest."""
    pw, ps, pl = _padded(f.wid, 1), _padded(f.shape, 0), _padded(f.lex, 0)
    wins = ([(pw, k, V) for k in _WIN] + [(ps, k, _N_SHAPES) for k in _WIN]
            + [(pl, k, 8) for k in (-2, -1, 0, 1, 2)])
    return wins, pw, ps


def _pass1_rest(f: BaseFeatures, V: int, H: int, pw: np.ndarray, ps: np.ndarray):
    """The pass-1 templates after the windows (position, quotation and hashed ones)."""
    n = len(f.wid)
    t: list[tuple[np.ndarray, int]] = []
    t.append((f.inq * 8 + f.pos_s, 24))
    t.append((f.inq * 8 + f.pos_e, 24))
    t.append((f.inq * 3 + f.sent_in_para + 9 * f.para_q, 18))
    t.append((f.sent_q * 3 + f.inq, 9))
    w_1, w1 = pw[_PAD - 1:_PAD - 1 + n], pw[_PAD + 1:_PAD + 1 + n]
    t.append((_mixt((f.wid, f.inq, 1), (V, 3, None), H), H))
    t.append((_mix(w_1, f.wid, 2, size=H), H))
    t.append((_mix(f.wid, w1, 3, size=H), H))
    s_1, s1 = ps[_PAD - 1:_PAD - 1 + n], ps[_PAD + 1:_PAD + 1 + n]
    s_2, s2 = ps[_PAD - 2:_PAD - 2 + n], ps[_PAD + 2:_PAD + 2 + n]
    sh = _N_SHAPES
    t.append((_mixt((s_1, f.shape, s1, f.inq), (sh, sh, sh, 3), 4096), 4096))
    t.append((_mixt((s_2, s_1, f.shape), (sh, sh, sh), 4096), 4096))
    t.append((_mixt((f.shape, s1, s2), (sh, sh, sh), 4096), 4096))
    t.append((_mixt((f.wid, f.pos_s, f.pos_e), (V, 7, 7), H), H))
    if f.lcd is None:
        return t
    # morphology and the cue lexicon's reach (added in model format 2)
    n_suf = (1 << _SUF_BITS) + 1                     # buckets and the padding value
    t.append((_mixt((f.suf, f.inq, 8), (n_suf, 3, None), H), H))
    t.append((_mix(s_1, _shifted_suf(f.suf, -1), f.shape, 9, size=H), H))
    t.append((_mixt((_shifted_suf(f.suf, 1), f.shape, 10), (n_suf, sh, None), H), H))
    dl, dr, cl, cr = f.lcd
    t.append((((dl * 8 + dr) * 3 + f.inq), 192))
    t.append(((((cl * 4 + cr) * 8 + dl) * 8 + dr), 1024))
    t.append((_mixt((f.wid, dl, cl, 11), (V, 8, 4, None), H), H))
    t.append((_mixt((f.wid, dr, cr, 12), (V, 8, 4, None), H), H))
    return t


def _shifted_suf(suf: np.ndarray, k: int) -> np.ndarray:
    return _shift(suf, k, 1 << _SUF_BITS)


def _templates_pass1(f: BaseFeatures, V: int, H: int) -> list[tuple[np.ndarray, int]]:
    """(ids, size) per template for pass 1: words, shapes (+-3) and cue classes (+-2) in a
    window, quotation state x position, and hashed conjunctions."""
    n = len(f.wid)
    wins, pw, ps = _window_templates(f, V)
    t = [(a[_PAD + k:_PAD + k + n], size) for a, k, size in wins]
    return t + _pass1_rest(f, V, H, pw, ps)


def _pass1_rows(f: BaseFeatures, V: int, H: int, out: np.ndarray) -> int:
    """:func:`_column_rows` of :func:`_templates_pass1`, writing the window templates
    straight from the padded arrays (the same ids; returns the end of the id range)."""
    n = len(f.wid)
    wins, pw, ps = _window_templates(f, V)
    offset = 0
    for row, (a, k, size) in zip(out, wins):
        np.add(a[_PAD + k:_PAD + k + n], offset, out=row, casting="unsafe")
        offset += size
    return _column_rows(_pass1_rest(f, V, H, pw, ps), out[len(wins):], offset)


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


def _sentence_context(tt: TokenTable, shape: np.ndarray) -> tuple:
    """The per-article arrays :func:`_cue_context` needs whatever the predictions are
    (computed once per article, not once per stacked pass)."""
    n = len(tt.words)
    idx = np.arange(n)
    s_first = tt.sent_tok[tt.sent]
    s_last = tt.sent_tok[tt.sent + 1] - 1
    commas = np.cumsum((shape == _SHAPES["comma"]) | (shape == _SHAPES["colon"]))
    n_sent = len(tt.sent_bounds)
    sent_para = np.array([s[2] for s in tt.sent_bounds] or [0], dtype=np.int64)
    same = (sent_para[1:] == sent_para[:-1]).astype(np.int64)
    zero = np.zeros(1, dtype=np.int64)
    same_prev = np.concatenate((zero, same))
    same_next = np.concatenate((same, zero))
    size = np.maximum(np.diff(tt.sent_tok), 1)
    # per sentence (the paragraph goes on before / after it), gathered per token later
    return (idx, s_first, s_last, commas, n_sent, same_prev, same_next, size, tt.sent + 1,
            tt.sent)


_BIG = 10 ** 9


def _cue_context(pred: np.ndarray, tt: TokenTable, shape: np.ndarray,
                 ctx: tuple | None = None) -> tuple[np.ndarray, ...]:
    """Context of each token relative to the predicted cues and sources of its sentence.

    Returns bucketed distances to the nearest cue on the left / right (bucket 7: none),
    the number of commas between the token and those cues (0, 1, 2+; 3: no cue), whether a
    predicted source lies between, and whether this / the previous / the next sentence of
    the paragraph holds a predicted cue. ``ctx`` is :func:`_sentence_context` (computed when
    None).
    """
    if ctx is None:
        ctx = _sentence_context(tt, shape)
    idx, s_first, s_last, commas, n_sent, same_prev, same_next, size, sent1, sent = ctx
    is_cue = pred == CUE
    # nearest cue at/before and at/after each token within its sentence
    last = np.maximum.accumulate(np.where(is_cue, idx, -_BIG))
    nxt = np.minimum.accumulate(np.where(is_cue, idx, _BIG)[::-1])[::-1]
    has_l = last >= s_first
    has_r = nxt <= s_last                    # so nxt < _BIG
    # where there is no cue, a safe index (its values are masked out below); the token
    # itself on the right keeps nxt - idx >= 0
    last = np.where(has_l, last, 0)
    nxt = np.where(has_r, nxt, idx)
    dl = np.where(has_l, _DIST_BUCKETS[np.minimum(idx - last, 20)], 7)
    dr = np.where(has_r, _DIST_BUCKETS[np.minimum(nxt - idx, 20)], 7)
    cl = np.where(has_l, np.minimum(commas - commas[last], 2), 3)
    cr = np.where(has_r, np.minimum(commas[nxt] - commas, 2), 3)
    srcs = np.cumsum(pred == SOURCE)
    sl = has_l & (srcs > srcs[last])         # bool: the same 0/1 ids as ints
    sr = has_r & (srcs[nxt] > srcs)
    # cue_sent[s + 1]: sentence s holds a predicted cue (0 and n_sent + 1: none)
    cue_sent = np.minimum(np.bincount(sent1[is_cue], minlength=n_sent + 2), 1)
    here = cue_sent[sent1]
    prev = (cue_sent[:n_sent] * same_prev)[sent]
    nextc = (cue_sent[2:] * same_next)[sent]
    # share of the sentence predicted as content (0, <1/3, <2/3, more)
    con_sent = np.bincount(sent, weights=pred == CONTENT, minlength=n_sent + 1)
    share = con_sent[:n_sent] / size
    share_b = np.where(share == 0, 0, np.minimum((share * 3).astype(np.int64) + 1, 3))
    return dl, dr, cl, cr, sl, sr, here, prev, nextc, share_b[sent]


def _templates_stage(f: BaseFeatures, tt: TokenTable, pred: np.ndarray, V: int, H: int):
    """Templates of a stacked pass: pass-1 templates + the previous pass's predictions."""
    return _templates_pass1(f, V, H) + _templates_extra(f, tt, pred, V, H)


def _templates_extra(f: BaseFeatures, tt: TokenTable, pred: np.ndarray, V: int, H: int,
                     ctx: tuple | None = None):
    """The templates a stacked pass adds to pass 1's (their ids follow pass 1's columns);
    ``ctx``: :func:`_sentence_context`, when the caller has it. The templates of small-range
    columns come out of tables (:func:`_tabulated`), the others are hashed per token."""
    n = len(pred)
    padded = _padded(pred, 4, 2)
    p = [padded[2 + k:2 + k + n] for k in (-2, -1, 0, 1, 2)]     # _shift(pred, k, 4)
    t = _tabulated(_pred_window_templates, p, (5, 5, 5, 5, 5))
    dl, dr, cl, cr, sl, sr, here, prev, nextc, share = _cue_context(pred, tt, f.shape, ctx)
    t += _tabulated(_cue_distance_templates, (dl, dr, cl, cr, sl, sr, f.inq),
                    (8, 8, 4, 4, 2, 2, 3))
    t += _tabulated(_cue_sentence_templates,
                    (here, prev, nextc, f.inq, f.para_q, share, p[2], f.sent_q),
                    (2, 2, 2, 3, 2, 4, 5, 3))
    sh = _N_SHAPES
    t.append((_mixt((f.wid, dl, 4), (V, 8, None), H), H))
    t.append((_mixt((f.wid, dr, 5), (V, 8, None), H), H))
    t.append((_mixt((f.wid, cl, cr, 7), (V, 4, 4, None), H), H))
    t.append((_mixt((f.shape, dl, dr, f.inq), (sh, 8, 8, 3), 4096), 4096))
    t.append((_mixt((p[2], f.shape, dl, dr), (5, sh, 8, 8), 4096), 4096))
    t.append((_mixt((f.wid, p[1], p[3]), (V, 5, 5), H), H))
    return t


def _pred_window_templates(p_2, p_1, p0, p1, p2):
    """The previous pass's roles at -2..+2 (5: padding), alone, in pairs and in triples."""
    p = (p_2, p_1, p0, p1, p2)
    t = [(p[k], 5) for k in range(5)]
    t.append((p[1] * 5 + p[2], 25))
    t.append((p[2] * 5 + p[3], 25))
    t.append((p[0] * 25 + p[1] * 5 + p[2], 125))
    t.append((p[2] * 25 + p[3] * 5 + p[4], 125))
    return t


def _cue_distance_templates(dl, dr, cl, cr, sl, sr, inq):
    """Distances and commas to the nearest predicted cues (:func:`_cue_context`)."""
    return [(dl * 8 + dr, 64),
            ((dl * 8 + dr) * 3 + inq, 192),
            ((((cl * 4 + cr) * 2 + sl) * 2 + sr), 64),
            (((((cl * 4 + cr) * 2 + sl) * 2 + sr) * 3 + inq), 192),
            ((((cl * 4 + cr) * 8 + dl) * 8 + dr), 1024)]


def _cue_sentence_templates(here, prev, nextc, inq, para_q, share, p0, sent_q):
    """Predicted cues in this / the previous / the next sentence, the sentence's share of
    predicted content, with the quotation state."""
    return [(here * 12 + prev * 6 + nextc * 3 + inq, 24),
            ((((here * 2 + prev) * 2 + nextc) * 2 + para_q), 16),
            (share * 4 * 5 + inq * 5 + p0, 60),
            (_mixt((share, here, prev, nextc, inq, sent_q, 6), (4, 2, 2, 2, 3, 3, None), 4096),
             4096)]


_TEMPLATE_TABLES: dict[tuple, tuple[np.ndarray, list]] = {}


def _tabulated(build, cols, domains: tuple) -> list[tuple[np.ndarray, int]]:
    """``build(*cols)`` (a list of (ids, size) templates of small-range int columns) by one
    table lookup: the templates are evaluated once per process on every combination of
    values (``domains``: each column's number of values), so the ids are those of ``build``
    itself, and per article only the combination's number is computed and gathered."""
    key = (build, domains)
    hit = _TEMPLATE_TABLES.get(key)
    if hit is None:
        grid = np.indices(domains).reshape(len(domains), -1)
        templates = build(*grid)
        hit = (np.stack([np.asarray(ids, dtype=np.int64) for ids, _ in templates]),
               [size for _, size in templates])
        _TEMPLATE_TABLES[key] = hit
    table, sizes = hit
    code = cols[0] * domains[1]
    code += cols[1]
    for c, d in zip(cols[2:], domains[2:]):
        code *= d
        code += c
    block = table.take(code, axis=1)
    return [(block[j], size) for j, size in enumerate(sizes)]


def _columns(templates, offset: int = 0) -> tuple[np.ndarray, int]:
    """Stack templates into an (n_tokens, n_templates) matrix of global column ids (the
    first template's ids start at ``offset``); also returns the end of the id range."""
    cols = []
    for ids, size in templates:
        cols.append(ids + offset)
        offset += size
    # int32 halves the memory traffic of the gathers in _predict
    return np.stack(cols, axis=1).astype(np.int32, copy=False), offset


_N_TEMPLATES_PASS1 = 2 * len(_WIN) + 5 + 4 + 7 + 7  # windows, position/quote, hashed, v2
_N_EXTENDED = 7                                      # the format-2 templates among them


def _column_rows(templates, out: np.ndarray, offset: int = 0) -> int:
    """Write the global column ids of ``templates`` into the rows of ``out`` (one row per
    template, the transpose of :func:`_columns`); returns the end of the id range."""
    for row, (ids, size) in zip(out, templates):
        np.add(ids, offset, out=row, casting="unsafe")
        offset += size
    return offset


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


def token_bio(tt: TokenTable, attributions: Sequence[dict]) -> np.ndarray:
    """Gold BIO tag of every token (indices into ``BIO_TAGS``): a token is ``B-`` when it
    starts a span fragment, follows a token of another role, or starts a sentence (the
    structured pass decodes sentence by sentence); ``I-`` otherwise."""
    roles = token_labels(tt, attributions)
    n = len(roles)
    if not n:
        return roles
    begin = np.zeros(n, dtype=bool)
    for a in attributions:
        for role in ("content", "source", "cue"):
            for s, e in a.get(role) or ():
                k = int(np.searchsorted(tt.starts, s))
                if k < n and tt.starts[k] < e:
                    begin[k] = True
    begin[1:] |= roles[1:] != roles[:-1]
    begin[tt.sent_tok[:-1][tt.sent_tok[:-1] < n]] = True
    return np.where(roles == O, 0, 2 * roles - begin.astype(np.int64))


def viterbi(scores: np.ndarray, bounds: np.ndarray, trans: np.ndarray,
            start: np.ndarray) -> np.ndarray:
    """Best tag sequence of every segment ``[bounds[i], bounds[i + 1])`` of a token array
    under a first-order model: ``scores`` (n_tokens, K) per-token tag scores, ``trans``
    (K, K) from-tag x to-tag scores, ``start`` (K,) scores of a segment's first tag.

    Vectorised over segments: one NumPy step per token position (the emissions gathered
    once into a (position, segment, tag) block), the segments sorted longest first so that
    the live ones are always a prefix (no masking).
    """
    n, k = scores.shape
    lengths = np.diff(bounds)
    keep = lengths > 0
    firsts, lengths = bounds[:-1][keep], lengths[keep]
    out = np.zeros(n, dtype=np.int64)
    if not len(lengths):
        return out
    order = np.argsort(-lengths, kind="stable")
    firsts, lengths = firsts[order], lengths[order]
    n_seq, n_max = len(lengths), int(lengths[0])
    # live[t]: number of segments longer than t (they hold a token at position t)
    live = np.searchsorted(-lengths, -np.arange(n_max), side="left").tolist()
    pos = np.arange(n_max)[:, None] + firsts                     # (n_max, n_seq)
    valid = np.arange(n_max)[:, None] < lengths
    emit = scores[np.where(valid, pos, 0)]                       # (n_max, n_seq, k)
    back = np.empty((n_max, n_seq, k), dtype=np.intp)
    delta = emit[0] + start
    trans_b = trans[None]
    for t in range(1, n_max):
        m = live[t]
        cand = delta[:m, :, None] + trans_b                      # (m, from, to)
        back[t, :m] = cand.argmax(axis=1)
        best = cand.max(axis=1)
        best += emit[t, :m]
        delta[:m] = best
    tags = np.empty((n_max, n_seq), dtype=np.intp)
    cur = delta.argmax(axis=1)
    tags[n_max - 1] = cur
    rows = np.arange(n_seq)
    for t in range(n_max - 1, 0, -1):
        # segments longer than t step back one token; a segment ending at t - 1 keeps its
        # final tag in ``cur`` (its row is not rewritten before)
        m = live[t]
        cur[:m] = back[t, rows[:m], cur[:m]]
        tags[t - 1] = cur
    out[pos[valid]] = tags[valid]
    return out


def _bio_roles(tags: np.ndarray) -> np.ndarray:
    """BIO tag indices -> role codes (O, CUE, SOURCE, CONTENT)."""
    return (tags + 1) // 2


# --------------------------------------------------------------------------- estimator

class AttributionTagger(ClassifierMixin, BaseEstimator):
    """Stacked linear tagger of attribution roles (O, CUE, SOURCE, CONTENT) per token.

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
    last_pass
        ``"sgd"`` (default): a per-token classifier like the other passes;
        ``"perceptron"``: the last pass tags BIO (``BIO_TAGS``) with a first-order sequence
        model, an averaged structured perceptron (Collins 2002) decoded by Viterbi per
        sentence, which learns span edges and transitions; ``"hybrid"``: both on the last
        pass's features, the per-token classifier deciding the cues (it finds them more
        reliably) and the sequence model the other roles.
    perceptron_epochs
        Epochs of the structured perceptron.
    extended_features
        Add the model-format-2 templates (suffix buckets of the word and its neighbours,
        distance and commas to the nearest cue-lexicon word); False gives format 1's
        feature set (models saved as format 1 load with it).
    random_state
        Seed of the SGD shuffles; the same data and seed give the same model.
    """

    def __init__(self, *, min_count: int = 2, max_vocab: int = 20000, hash_size: int = 16384,
                 loss: str = "hinge", alpha: float = 1e-6, max_iter: int = 12,
                 n_stages: int = 3, last_pass: str = "sgd",
                 perceptron_epochs: int = 12, extended_features: bool = False,
                 random_state: int = 0):
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.hash_size = hash_size
        self.loss = loss
        self.alpha = alpha
        self.max_iter = max_iter
        self.n_stages = n_stages
        self.last_pass = last_pass
        self.perceptron_epochs = perceptron_epochs
        self.extended_features = extended_features
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
        feats = [base_features(tt, self.vocab_, lex, extended=self.extended_features)
                 for tt in tts]
        labels = [token_labels(tt, a) for tt, a in zip(tts, y)]
        yy = np.concatenate(labels)
        folds = np.arange(len(docs)) % 2
        self.coefs_, self.intercepts_ = [], []
        self.transitions_ = self.start_scores_ = self.cue_coef_ = self.cue_intercept_ = None
        if self.last_pass not in ("perceptron", "hybrid", "sgd"):
            raise DataError(f"last_pass must be 'perceptron', 'hybrid' or 'sgd', got "
                            f"{self.last_pass!r}")
        structured = self.last_pass in ("perceptron", "hybrid")
        if structured and self.n_stages < 2:
            raise DataError(f"last_pass={self.last_pass!r} needs n_stages >= 2 (it works on "
                            f"a stacked pass's features)")
        preds = None
        for stage in range(self.n_stages):
            if stage == 0:
                cols = [_columns(_templates_pass1(f, V, H))[0] for f in feats]
            else:
                cols = [_columns(_templates_stage(f, tt, p, V, H))[0]
                        for f, tt, p in zip(feats, tts, preds)]
            n_cols = _n_columns(stage, V, H, self.extended_features)
            if structured and stage + 1 == self.n_stages:
                bios = [token_bio(tt, a) for tt, a in zip(tts, y)]
                w, b, self.transitions_, self.start_scores_ = self._fit_structured(
                    cols, bios, tts, n_cols)
                if self.last_pass == "hybrid":
                    self.cue_coef_, self.cue_intercept_ = self._fit_pass(cols, yy, n_cols)
            else:
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

    def _fit_structured(self, cols, bios, tts, n_cols, batch: int = 32):
        """Averaged structured perceptron over BIO tags, one sequence per sentence.

        Mini-batches of sentences of similar length (the batch order shuffled with the
        seed): each batch is decoded with the current weights (:func:`viterbi`) and the
        weights move by the gold minus the predicted features (emissions, bias,
        transitions, starts). Averaging uses the running-sum trick (Daume 2006):
        ``avg = w - u / c``. Returns float32 emission weights (n_cols, 7), bias,
        transitions and start scores.
        """
        k = len(BIO_TAGS)
        C = np.concatenate(cols)
        G = np.concatenate(bios)
        offsets = np.cumsum([0] + [len(tt) for tt in tts])
        firsts, lengths = [], []
        for o, tt in zip(offsets[:-1].tolist(), tts):
            sl = np.diff(tt.sent_tok)
            firsts.append(o + tt.sent_tok[:-1][sl > 0])
            lengths.append(sl[sl > 0])
        firsts, lengths = np.concatenate(firsts), np.concatenate(lengths)
        order = np.argsort(lengths, kind="stable")
        batches = [order[i:i + batch] for i in range(0, len(order), batch)]
        rng = np.random.default_rng(self.random_state)
        w = np.zeros(n_cols * k, dtype=np.float32)
        u = np.zeros(n_cols * k, dtype=np.float64)
        small = np.zeros(k + k * k + k, dtype=np.float64)     # bias | transitions | start
        small_u = np.zeros_like(small)
        c = 1
        for _epoch in range(self.perceptron_epochs):
            for bi in rng.permutation(len(batches)).tolist():
                f, ln = firsts[batches[bi]], lengths[batches[bi]]
                bounds = np.r_[0, np.cumsum(ln)]
                tok = np.repeat(f - bounds[:-1], ln) + np.arange(bounds[-1])
                cb = C[tok]
                bias = small[:k]
                trans = small[k:k + k * k].reshape(k, k)
                start = small[k + k * k:]
                scores = w.reshape(n_cols, k)[cb].sum(axis=1) + bias
                pred = viterbi(scores, bounds, trans, start)
                gold = G[tok]
                wrong = pred != gold
                if wrong.any():
                    rows = cb[wrong].astype(np.int64) * k
                    idx = np.concatenate([(rows + gold[wrong, None]).ravel(),
                                          (rows + pred[wrong, None]).ravel()])
                    val = np.repeat(np.array([1.0, -1.0]), rows.size)
                    np.add.at(w, idx, val.astype(np.float32))
                    np.add.at(u, idx, val * c)
                    inner = np.ones(len(tok), dtype=bool)
                    inner[bounds[:-1]] = False
                    j = np.flatnonzero(inner)
                    d = (np.bincount(gold, minlength=k) - np.bincount(pred, minlength=k),
                         np.bincount(gold[j - 1] * k + gold[j], minlength=k * k)
                         - np.bincount(pred[j - 1] * k + pred[j], minlength=k * k),
                         np.bincount(gold[bounds[:-1]], minlength=k)
                         - np.bincount(pred[bounds[:-1]], minlength=k))
                    delta = np.concatenate(d).astype(np.float64)
                    small += delta
                    small_u += delta * c
                c += 1
        w_avg = w - u / c
        small_avg = small - small_u / c
        # Viterbi is scale-free: scale into a float16-friendly range (the NPZ stores float16)
        scale = max(np.abs(w_avg).max(), np.abs(small_avg).max(), 1e-9) / 64.0
        w_avg = (w_avg / scale).astype(np.float32).reshape(n_cols, k)
        small_avg = small_avg / scale
        return (np.ascontiguousarray(w_avg), small_avg[:k].astype(np.float32),
                small_avg[k:k + k * k].reshape(k, k).astype(np.float32),
                small_avg[k + k * k:].astype(np.float32))

    def predict_tokens(self, tt: TokenTable) -> np.ndarray:
        """Role codes (indices into ``ROLES``) of the tokens of one tokenised text."""
        check_is_fitted(self, "coefs_")
        if not len(tt):
            return np.zeros(0, dtype=np.int64)
        V, H = len(self.vocab_) + 2, self.hash_size
        f = base_features(tt, self.vocab_, load_cue_lexicon(),
                          extended=self.extended_features)
        # columns as (templates, tokens) rows: the layout _predict gathers and sums fastest;
        # intp, the index type of take (int32 ids would be converted on every gather)
        n_t1 = _N_TEMPLATES_PASS1 - (0 if self.extended_features else _N_EXTENDED)
        cols = ctx = None
        n1 = 0
        pred = None
        for stage, (w, b) in enumerate(zip(self.coefs_, self.intercepts_)):
            if stage == 0:
                cols1 = np.empty((n_t1, len(tt)), dtype=np.intp)
                n1 = _pass1_rows(f, V, H, cols1)
                pred = _predict(cols1, w, b, transposed=True)
                continue
            # same columns as _templates_stage, without recomputing pass 1's
            if ctx is None:
                ctx = _sentence_context(tt, f.shape)
            extra = _templates_extra(f, tt, pred, V, H, ctx)
            if cols is None:
                cols = np.empty((n_t1 + len(extra), len(tt)), dtype=np.intp)
                cols[:n_t1] = cols1
            _column_rows(extra, cols[n_t1:], offset=n1)
            if self.transitions_ is not None and stage + 1 == len(self.coefs_):
                roles = _bio_roles(viterbi(_scores(cols, w, b), tt.sent_tok,
                                           self.transitions_, self.start_scores_))
                if self.cue_coef_ is not None:
                    # hybrid: the per-token classifier decides the cues (it finds them
                    # more reliably), the sequence model everything else
                    token = _predict(cols, self.cue_coef_, self.cue_intercept_,
                                     transposed=True)
                    roles = np.where((roles == CUE) | (token == CUE), token, roles)
                return roles
            pred = _predict(cols, w, b, transposed=True)
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
        if self.transitions_ is not None:
            arrays["transitions"] = self.transitions_.astype(np.float32)
            arrays["start_scores"] = self.start_scores_.astype(np.float32)
        if self.cue_coef_ is not None:
            arrays["cue_coef"] = self.cue_coef_.astype(np.float16)
            arrays["cue_intercept"] = self.cue_intercept_.astype(np.float32)
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
                major = meta.get("version", "").split(".")[0]
                if major not in _READABLE_MAJORS:
                    raise ModelError(f"{where}: model version {meta.get('version')} is "
                                     f"incompatible with {MODEL_VERSION}; retrain it with "
                                     f"'framing train attributions'")
                params = dict(meta["params"])
                if major == "1":                  # format 1: no extended templates, SGD only
                    params.update(extended_features=False, last_pass="sgd")
                params.setdefault("extended_features", True)     # early format-2 files
                model = cls(**params)
                words = z["vocab"].tobytes().decode("utf-8").split("\n")
                model.vocab_ = {w: i + 2 for i, w in enumerate(words) if w}
                model.coefs_ = [z[f"coef{k}"].astype(np.float32)
                                for k in range(meta["n_stages"])]
                model.intercepts_ = [z[f"intercept{k}"] for k in range(meta["n_stages"])]
                model.transitions_ = model.start_scores_ = None
                model.cue_coef_ = model.cue_intercept_ = None
                if "cue_coef" in z.files:
                    model.cue_coef_ = z["cue_coef"].astype(np.float32)
                    model.cue_intercept_ = z["cue_intercept"]
                if "transitions" in z.files:
                    model.transitions_ = z["transitions"]
                    model.start_scores_ = z["start_scores"]
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


def _n_columns(stage: int, V: int, H: int, extended: bool = True) -> int:
    """Number of feature columns of a stage (from a one-token dummy table)."""
    dummy = np.zeros(1, dtype=np.int64)
    f = BaseFeatures(dummy, dummy, dummy, dummy, dummy, dummy, dummy, dummy, dummy, dummy,
                     (dummy, dummy, dummy, dummy) if extended else None)
    if stage == 0:
        return _columns(_templates_pass1(f, V, H))[1]
    tt = TokenTable("x", dummy, dummy + 1, ["x"], dummy, dummy, [(0, 1, 0)],
                    np.array([0, 1]), dummy, dummy)
    return _columns(_templates_stage(f, tt, dummy, V, H))[1]


def _predict(cols: np.ndarray, coef: np.ndarray, intercept: np.ndarray, *,
             transposed: bool = False) -> np.ndarray:
    """Arg-max class of a linear model over one-hot columns.

    ``cols`` is (n_tokens, n_templates) of column ids, or (n_templates, n_tokens) with
    ``transposed=True`` (what :meth:`AttributionTagger.predict_tokens` builds). The four
    class weights of a column are one 16-byte row of ``coef``, so one gather of complex128
    fetches all of them (one cache line per token and template instead of four); the sum over
    templates then runs on whole rows of the (templates, tokens x classes) block. The sum
    reproduces NumPy's float32 pairwise summation order of ``coef[cols].sum(1)`` exactly
    (:func:`_sum_templates`), so the scores, and hence the roles, are bit-identical to the
    straightforward implementation.
    """
    cols_t = cols if transposed else np.ascontiguousarray(cols.T)
    n_t, n = cols_t.shape
    n_cls = coef.shape[1]
    if n_cls != 4 or n_t > _PW_BLOCK or coef.dtype != np.float32:
        return _predict_plain(cols_t, coef, intercept)
    packed = np.ascontiguousarray(coef).view(np.complex128).reshape(-1)
    block = packed.take(cols_t).view(np.float32).reshape(n_t, n * n_cls)
    scores = _sum_templates(block).reshape(n, n_cls)
    scores += intercept
    return scores.argmax(axis=1).astype(np.int64)


def _scores(cols_t: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Float32 class scores (n_tokens, n_classes) of a linear model over one-hot columns
    given as (n_templates, n_tokens). Up to 8 classes, the class weights of a column are
    padded to one 32-byte row and fetched by one gather (see :func:`_predict`)."""
    n_t, n = cols_t.shape
    n_cls = coef.shape[1]
    if n_cls > 8 or n_t > _PW_BLOCK:
        coef_t = np.ascontiguousarray(coef.T, dtype=np.float32)
        out = np.stack([coef_t[c].take(cols_t).sum(axis=0) for c in range(n_cls)], axis=1)
        return out + intercept
    padded = _padded8(coef)
    block = padded.view("V32").reshape(-1).take(cols_t).view(np.float32).reshape(n_t, n * 8)
    out = _sum_templates(block).reshape(n, 8)[:, :n_cls]
    return out + intercept


_PAD8: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _padded8(coef: np.ndarray) -> np.ndarray:
    """``coef`` as float32 with its rows padded to 8 classes (cached per weight array)."""
    hit = _PAD8.get(id(coef))
    if hit is None or hit[0] is not coef:
        padded = np.zeros((coef.shape[0], 8), dtype=np.float32)
        padded[:, :coef.shape[1]] = coef
        hit = (coef, padded)
        _PAD8[id(coef)] = hit
    return hit[1]


_PW_BLOCK = 128        # NumPy's PW_BLOCKSIZE: below it, pairwise_sum is one 8-way unrolled pass


def _sum_templates(block: np.ndarray) -> np.ndarray:
    """Column sums of a float32 (T, m) block, each column added in the order NumPy's
    ``pairwise_sum`` uses for a contiguous float32 row of length T <= 128 (8 running partial
    sums, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder one by one),
    so the result equals ``block.T.sum(axis=1)`` bit for bit."""
    n_t = block.shape[0]
    if n_t < 8:
        res = np.zeros(block.shape[1], dtype=np.float32)
        for i in range(n_t):
            res += block[i]
        return res
    r = block[:8].copy()
    last = n_t - n_t % 8
    for i in range(8, last, 8):
        r += block[i:i + 8]
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for i in range(last, n_t):
        res += block[i]
    return res


def _predict_plain(cols_t: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """The reference scorer: per class, a gather and a float32 sum (any class count)."""
    coef_t = np.ascontiguousarray(coef.T, dtype=np.float32)
    cols = np.ascontiguousarray(cols_t.T)
    scores = np.empty((len(cols), coef_t.shape[0]), dtype=np.float32)
    for c in range(coef_t.shape[0]):
        scores[:, c] = coef_t[c].take(cols).sum(axis=1)
    scores += intercept
    return scores.argmax(axis=1).astype(np.int64)


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
                        f"folders (e.g. PolNeAR/train)")
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
    cut = np.flatnonzero(((idx[1:] - idx[:-1]) != 1) | breaks[idx[1:]])
    starts = np.concatenate((idx[:1], idx[cut + 1]))
    ends = np.concatenate((idx[cut], idx[-1:])) + 1
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
    true = np.ones(1, dtype=bool)
    sent_break = np.concatenate((true, tt.sent[1:] != tt.sent[:-1]))
    para_break = np.concatenate((true, tt.para[1:] != tt.para[:-1]))
    cues = _runs(roles, CUE, sent_break)
    sources = _runs(roles, SOURCE, sent_break)
    # a quotation opening a sentence after unquoted content is a new content ('... after
    # Pyongyang declared it had tested a bomb. "North Korea has ...," Trump said.')
    new_quote = sent_break & (tt.qmark == 1)
    new_quote[1:] &= tt.inq[:-1] == 0
    contents = _runs(roles, CONTENT, para_break | new_quote)
    groups: dict[int, dict] = {i: {"cue": c, "source": None, "content": []}
                               for i, c in enumerate(cues)}
    sent_of, para_of = tt.sent.tolist(), tt.para.tolist()
    cue_sent = [sent_of[c[0]] for c in cues]
    cue_para = [para_of[c[0]] for c in cues]
    cues_in_para: dict[int, list[int]] = {}      # cue numbers by paragraph / sentence, in order
    cues_in_sent: dict[int, list[int]] = {}
    for k in range(len(cues)):
        cues_in_para.setdefault(cue_para[k], []).append(k)
        cues_in_sent.setdefault(cue_sent[k], []).append(k)
    orphans = []

    def dist(span, cue):
        if span[1] <= cue[0]:
            return cue[0] - span[1]
        if cue[1] <= span[0]:
            return span[0] - cue[1]
        return 0

    # per sentence, its cues' starts (sorted): the nearest cue on either side of a span is
    # found by bisection, so a paragraph with thousands of quotations stays linear
    sent_cue_starts = {si: [cues[k][0] for k in ks] for si, ks in cues_in_sent.items()}

    def neighbours(si: int, span) -> list[int]:
        """The cues of sentence ``si`` nearest to ``span`` on its left and on its right
        (runs of different roles never overlap, so no cue lies inside a span)."""
        ks = cues_in_sent.get(si)
        if not ks:
            return []
        j = bisect.bisect_left(sent_cue_starts[si], span[0])
        return ks[max(j - 1, 0):j + 1]

    for span in contents:
        s0, s1 = sent_of[span[0]], sent_of[span[1] - 1]
        p = para_of[span[0]]
        best = None
        in_para = cues_in_para.get(p, ())
        # only cues at most three sentences away can take the content: in a paragraph of
        # many cues, only the nearest of each sentence within reach are candidates
        candidates = in_para if len(in_para) <= _FEW_CUES else [
            k for si in range(s0 - 3, s1 + 4) for k in neighbours(si, span) if cue_para[k] == p]
        for k in candidates:
            si = cue_sent[k]
            gap = 0 if s0 <= si <= s1 else (s0 - si if si < s0 else si - s1)
            if gap > 3:
                continue
            key = (gap, dist(span, cues[k]), k)           # ties: the earlier cue
            if best is None or key < best:
                best = key
        if best is not None:
            groups[best[2]]["content"].append(span)
        else:
            orphans.append(span)
    for span in sources:
        best = None
        in_sent = cues_in_sent.get(sent_of[span[0]], ())
        for k in (in_sent if len(in_sent) <= _FEW_CUES else neighbours(sent_of[span[0]], span)):
            key = (dist(span, cues[k]), k)
            if best is None or key < best:
                best = key
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


_FEW_CUES = 16      # up to this many cues, a plain scan beats bisection (decode_roles)
_SRC_GAP = 4
# a source run that ends or starts with one of these is a tagging slip, not half a name
_GLUE = frozenset("and or but the a an of to in on that which who".split())


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
    # a source broken by one or two unlabelled tokens ("The former | first | lady") is one
    # source: the decoder keeps only the run nearest the cue
    # (the gaps between consecutive source tokens are disjoint, so all are checked at once:
    # a gap is all unlabelled when the count of labelled tokens does not grow across it)
    is_src = np.flatnonzero(r == SOURCE)
    if len(is_src) > 1:
        gaps = np.diff(is_src)
        k = np.flatnonzero((gaps > 1) & (gaps <= _SRC_GAP + 1))
        if len(k):
            a, b = is_src[k], is_src[k + 1]
            n_lab = np.cumsum(r != O)
            k = np.flatnonzero((tt.sent[a] == tt.sent[b]) & (n_lab[b - 1] == n_lab[a]))
            words = tt.words
            fill = [j for j, i, e in zip(k.tolist(), a[k].tolist(), b[k].tolist())
                    if words[i].lower() not in _GLUE and words[e].lower() not in _GLUE]
            a, b = a[fill], b[fill]
            for d in range(1, _SRC_GAP + 1):
                r[(a + d)[a + d < b]] = SOURCE
    is_con = np.flatnonzero(r == CONTENT)
    if not len(is_con):
        return r
    # gaps between consecutive content tokens (disjoint, so all are checked at once: a gap
    # is all unlabelled when the count of labelled tokens does not grow across it)
    gaps = np.diff(is_con)
    k = np.flatnonzero((gaps > 1) & (gaps <= max_gap + 1))
    if len(k):
        a, b = is_con[k], is_con[k + 1]
        n_lab = np.cumsum(r != O)
        fill = (tt.para[a] == tt.para[b]) & (n_lab[b - 1] == n_lab[a])
        a, b = a[fill], b[fill]
        for d in range(1, max_gap + 1):
            r[(a + d)[a + d < b]] = CONTENT
    # edges
    sent_first = tt.sent_tok[:-1]
    sent_last = tt.sent_tok[1:] - 1
    words = tt.words
    con_sents = np.unique(tt.sent[r == CONTENT])
    # first and last labelled token of each sentence holding content (each sentence's
    # repairs stay inside it, so all can be looked up before any is made)
    firsts, lasts = sent_first[con_sents], sent_last[con_sents]
    labelled = np.flatnonzero(r != O)
    first_lab = labelled[np.minimum(np.searchsorted(labelled, firsts), len(labelled) - 1)]
    last_lab = labelled[np.maximum(np.searchsorted(labelled, lasts, side="right") - 1, 0)]
    # their roles too: a repair never changes a sentence's first or last labelled token
    first_con = (r[first_lab] == CONTENT).tolist()
    last_con = (r[last_lab] == CONTENT).tolist()
    for f, l, first, last, fc, lc in zip(firsts.tolist(), lasts.tolist(), first_lab.tolist(),
                                         last_lab.tolist(), first_con, last_con):
        if l < f:
            continue
        if fc and 0 < first - f <= max_edge:
            r[f:first] = CONTENT
        if lc and last < l:
            end = l
            # the sentence-final period stays out unless a closing quote follows it
            if words[l] in ".!?" or (words[l] in '"”’' and l - 1 > last and
                                       words[l - 1] in ".!?" and False):
                end = l - 1
            if 0 < end - last <= max_edge:
                r[last + 1:end + 1] = CONTENT
    return r
