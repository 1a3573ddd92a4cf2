"""framing: who says what, in whose voice, with which words.

The public API is imported lazily, so ``import framing`` stays cheap and each command pays only
for what it uses::

    import framing
    corpus = framing.load_corpus("seeds")
    sentences = framing.split_sentences(corpus.articles)
"""
from __future__ import annotations

import importlib

from framing._version import __version__

# public name -> module that defines it
_EXPORTS = {
    "Article": "framing.models",
    "Skipped": "framing.models",
    "FramingError": "framing.errors",
    "Corpus": "framing.ingest",
    "load_corpus": "framing.ingest",
    "iter_corpus": "framing.ingest",
    "seed_paths": "framing.ingest",
    "article_from_record": "framing.ingest",
    "split_sentences": "framing.sentences",
    "add_voice": "framing.attribution",
    "detect_attributions": "framing.attribution",
    "load_lexicon": "framing.lexicon",
    "builtin_lexicons": "framing.lexicon",
    "compile_matcher": "framing.matching",
    "match_sentences": "framing.scoring",
    "frame_rates": "framing.scoring",
    "kwic": "framing.kwic",
    "Analysis": "framing.analysis",
    "analyze": "framing.analysis",
    "compare": "framing.compare",
    "build_report": "framing.report",
    "render_html": "framing.report",
    "write_report": "framing.report",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
