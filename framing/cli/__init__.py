"""Command line: a thin layer over the library. ``main(argv)`` returns the exit code.

Exit codes: 0 success; 1 a failure the user can fix (bad input, failed lexicon test, drift over
the threshold, a skipped input under ``--strict``); 2 a usage error (argparse).

Each area registers its subcommands from its own module (``framing/cli/<area>.py``, a
``register(subparsers)`` function), and imports the library lazily inside its handlers so a
command pays only for the imports it needs.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from framing._version import __version__
from framing.errors import FramingError

# Modules under framing/cli/ that register subcommands, in the order --help lists them.
_AREAS = ("corpus", "attributions", "lexicon", "analysis", "classify")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Who says what, in whose voice, with which words: compare how news "
                    "outlets frame the same events.",
        epilog="Exit codes: 0 ok, 1 failure (bad input, failed check, --strict skip), "
               "2 usage error. Run 'framing COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for area in _AREAS:
        importlib.import_module(f"framing.cli.{area}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except FramingError as exc:
        print(f"framing: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `framing sentences ... | head`
        sys.stderr.close()
        return 0
