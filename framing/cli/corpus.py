"""`framing ingest` and `framing sentences`: read a corpus and show articles or sentences."""
from __future__ import annotations

import argparse
import sys

from framing.cli._common import add_format_option, write_table


def register(subparsers) -> None:
    ingest = subparsers.add_parser(
        "ingest", help="list the articles of a corpus (and the inputs skipped)",
        description="Read files, folders and globs (.txt, .html, .jsonl, .csv) and list one "
                    "row per article: id, outlet, title, date, url, path, n_sentences, "
                    "n_chars, skipped (null, or why the input was skipped). "
                    "Example: framing ingest seeds/",
    )
    _add_corpus_arguments(ingest)
    add_format_option(ingest, ("table", "jsonl", "csv"))
    ingest.set_defaults(run=_cmd_ingest)

    sentences = subparsers.add_parser(
        "sentences", help="split a corpus into sentences with offsets and kinds",
        description="One row per sentence: article_id, outlet, index, paragraph, kind "
                    "(headline, dateline, byline, caption, body), start, end (offsets into "
                    "the cleaned article text), text. "
                    "Example: framing sentences seeds/ --format jsonl",
    )
    _add_corpus_arguments(sentences)
    add_format_option(sentences, ("table", "jsonl", "csv"))
    sentences.set_defaults(run=_cmd_sentences)


def _add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files, folders (searched recursively) or glob patterns")
    parser.add_argument("--outlet", help="outlet name for every article (overrides detection)")
    parser.add_argument("--strict", action="store_true",
                        help="fail (exit 1) on the first input that cannot be read")


def load(args: argparse.Namespace):
    """The corpus named on the command line, with a one-line summary on stderr."""
    import warnings

    from framing.ingest import load_corpus

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(args.paths, outlet=args.outlet, strict=args.strict,
                             show_progress=True)
    for warning in caught:
        print(f"framing: warning: {warning.message}", file=sys.stderr)
    for skipped in corpus.skipped:
        print(f"framing: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    print(f"framing: {len(corpus.articles)} article(s) read, {len(corpus.skipped)} skipped",
          file=sys.stderr)
    return corpus


def _cmd_ingest(args: argparse.Namespace) -> int:
    corpus = load(args)
    table = corpus.table()
    if args.format == "table":
        table = table.drop(columns=["sha256", "encoding", "url"])
    write_table(table, "-", args.format)
    return 0


def _cmd_sentences(args: argparse.Namespace) -> int:
    from framing.progress import progress
    from framing.sentences import split_sentences

    corpus = load(args)
    table = split_sentences(progress(corpus.articles, label="sentences",
                                     total=len(corpus.articles)))
    write_table(table, "-", args.format, max_width=90)
    return 0
