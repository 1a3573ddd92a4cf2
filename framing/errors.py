"""Errors a user can fix. Every message names the bad value, where it is, and the fix."""
from __future__ import annotations


class FramingError(Exception):
    """Base class for anything caused by input or settings the user controls."""


class ArticleError(FramingError):
    """An input article (file, JSONL/CSV row) cannot be read or has invalid fields."""


class LexiconError(FramingError):
    """A lexicon file is malformed, unsafe, or fails its own examples."""


class ModelError(FramingError):
    """A shipped or user model file is missing, corrupted, or from an incompatible version."""


class DataError(FramingError):
    """Training or evaluation data is missing columns or has invalid labels."""
