"""The command-line reference (docs/cli.md), generated from the parser so it cannot drift.

Regenerate with ``python -m framing.cli.reference > docs/cli.md``; a test checks it is current.
"""
from __future__ import annotations

import argparse
import os


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    out = []
    for action in parser._actions:   # argparse offers no public way to walk subparsers
        if isinstance(action, argparse._SubParsersAction):
            out.extend(action.choices.items())
    return out


def _walk(parser: argparse.ArgumentParser, prog: str):
    yield prog, parser
    for name, sub in _subcommands(parser):
        yield from _walk(sub, f"{prog} {name}")


def render_cli_reference() -> str:
    """Markdown: every command's ``--help`` text, in parser order, at a fixed width."""
    from framing.cli import build_parser

    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"   # argparse wraps help to the terminal width
    try:
        parts = ["# Command-line reference", "",
                 "Generated from `framing --help` by `python -m framing.cli.reference > docs/cli.md`;",
                 "a test fails when this file is out of date.", ""]
        for prog, parser in _walk(build_parser(), "framing"):
            parser.prog = prog
            parts += [f"## `{prog}`", "", "```text", parser.format_help().rstrip(), "```", ""]
        return "\n".join(parts)
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous


if __name__ == "__main__":
    print(render_cli_reference(), end="")
