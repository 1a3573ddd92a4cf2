"""The shipped lexicons (YAML), read with ``importlib.resources.files("framing.lexicons")``.

The code that loads and matches them lives in :mod:`framing.lexicon`; its public names are
reachable from here too (``from framing.lexicons import load_lexicon``), resolved lazily so
reading the data never imports the code.
"""
import importlib


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module("framing.lexicon"), name)
