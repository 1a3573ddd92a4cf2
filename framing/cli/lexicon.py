"""`framing lexicon validate|test|snapshot|diff|import` and `framing kwic`."""
from __future__ import annotations

import argparse
import sys

from framing.cli._common import add_format_option, write_table


def register(subparsers) -> None:
    lexicon = subparsers.add_parser(
        "lexicon", help="check, test, snapshot and diff lexicons (for lexicon work and CI)",
        description="Lexicon tools for researchers and CI. Without PATH, validate and test "
                    "run on every shipped lexicon. Example: framing lexicon test",
    )
    sub = lexicon.add_subparsers(title="lexicon commands", metavar="COMMAND", required=True)

    validate = sub.add_parser(
        "validate", help="schema errors, duplicates, shadowed entries, unsafe patterns",
        description="Check lexicon files and print each problem as file:line: severity: "
                    "message [code] on stderr. Exit 1 when there are errors (or warnings, "
                    "with --strict). Example: framing lexicon validate lexicons/",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="lexicon files, folders or built-in names (default: all shipped)")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.set_defaults(run=_cmd_validate)

    test = sub.add_parser(
        "test", help="run every category's examples (match / no_match)",
        description="Match each category's example sentences and report those that fail, "
                    "with the reason. Prints 'N passed, N failed'; exit 1 on any failure. "
                    "Example: framing lexicon test lexicons/conflict_frames.yaml",
    )
    test.add_argument("paths", nargs="*", metavar="PATH",
                      help="lexicon files, folders or built-in names (default: all shipped)")
    test.add_argument("-v", "--verbose", action="store_true", help="list passing examples too")
    test.set_defaults(run=_cmd_test)

    snap = sub.add_parser(
        "snapshot", help="record every lexicon hit on a corpus (a baseline for diff)",
        description="Match lexicons against a corpus and write every sentence-level hit to "
                    "a JSON baseline. Example: framing lexicon snapshot --corpus seeds/ "
                    "--out baseline.json",
    )
    snap.add_argument("--corpus", action="append", required=True, metavar="C",
                      help="corpus file or folder (repeatable)")
    snap.add_argument("--out", required=True, help="the JSON file to write")
    snap.add_argument("--lexicon", action="append", metavar="L",
                      help="lexicon name or path (repeatable; default: all shipped)")
    snap.set_defaults(run=_cmd_snapshot)

    diff = sub.add_parser(
        "diff", help="per-category drift of lexicon hits, with the sentences gained/lost",
        description="Compare lexicon hits on a corpus: against a baseline (--baseline B, "
                    "with the current lexicons or the PATHs given), or between two lexicon "
                    "files (OLD NEW). Prints per-category counts and the sentences gained and "
                    "lost; exit 1 when a category changes by more than --max-change. "
                    "Example: framing lexicon diff --baseline baseline.json --corpus seeds/ "
                    "--max-change 10%",
    )
    diff.add_argument("paths", nargs="*", metavar="PATH",
                      help="OLD NEW lexicon files; with --baseline, the new lexicons")
    diff.add_argument("--corpus", action="append", required=True, metavar="C",
                      help="corpus file or folder (repeatable)")
    diff.add_argument("--baseline", help="a snapshot written by 'framing lexicon snapshot'")
    diff.add_argument("--max-change", metavar="X",
                      help="fail when a category's hit count changes by more than X "
                           "(a fraction, 0.1, or a percentage, 10%%); default: report only")
    diff.add_argument("--show", type=int, default=10, metavar="N",
                      help="sentences gained/lost to show per category (default 10)")
    add_format_option(diff, ("table", "jsonl", "csv"))
    diff.set_defaults(run=_cmd_diff)

    imp = sub.add_parser(
        "import", help="convert a LIWC .dic or quanteda YAML dictionary to our format",
        description="Convert a dictionary to framing's lexicon YAML (no examples yet: "
                    "validate lists what to add). Example: framing lexicon import my.dic "
                    "--name my_frames --out lexicons/my_frames.yaml",
    )
    imp.add_argument("path", metavar="FILE")
    imp.add_argument("--from", dest="fmt", choices=("liwc", "quanteda"),
                     help="input format (default: liwc for .dic, else quanteda)")
    imp.add_argument("--name", help="lexicon name (default: the file name)")
    imp.add_argument("--out", default="-", help="output file (default: stdout)")
    imp.set_defaults(run=_cmd_import)

    kwic = subparsers.add_parser(
        "kwic", help="keyword in context for a lexicon category or a term, with voice",
        description="Every hit of a category (id, or lexicon:id) or a term (word, phrase, "
                    "prefix*) with its context and the voice of its sentence (asserted, or "
                    "attributed to a source). Example: framing kwic defensive_justification "
                    "seeds/",
    )
    kwic.add_argument("query", metavar="CATEGORY|TERM")
    kwic.add_argument("paths", nargs="+", metavar="PATH", help="corpus files or folders")
    kwic.add_argument("--lexicon", action="append", metavar="L",
                      help="lexicon name or path to find the category in (repeatable; "
                           "default: all shipped)")
    kwic.add_argument("--width", type=int, default=50, help="context characters per side")
    add_format_option(kwic, ("table", "jsonl", "csv"))
    kwic.set_defaults(run=_cmd_kwic)


def _cmd_validate(args: argparse.Namespace) -> int:
    from framing.lexicon import collect_issues, iter_lexicon_files

    files = iter_lexicon_files(args.paths)
    issues = collect_issues(files)
    for issue in issues:
        print(issue, file=sys.stderr)
    n_errors = sum(issue.severity == "error" for issue in issues)
    n_warnings = len(issues) - n_errors
    print(f"{len(files)} file(s) checked: {n_errors} error(s), {n_warnings} warning(s)")
    return 1 if n_errors or (args.strict and n_warnings) else 0


def _cmd_test(args: argparse.Namespace) -> int:
    from framing.lexicon_ci import run_lexicon_examples

    results = run_lexicon_examples(args.paths)
    for row in results.itertuples(index=False):
        if row.passed and not args.verbose:
            continue
        status = "ok" if row.passed else "FAIL"
        print(f"{row.path}:{row.line}: {status} {row.lexicon}.{row.category} "
              f"[{row.expect}]: {row.sentence}")
        if not row.passed:
            print(f"    why: {row.reason}")
    n_passed = int(results["passed"].sum())
    n_failed = len(results) - n_passed
    print(f"{n_passed} passed, {n_failed} failed")
    return 1 if n_failed else 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from framing.lexicon_ci import snapshot, write_snapshot

    table = snapshot(args.corpus, args.lexicon)
    path = write_snapshot(table, args.out)
    n_sentences = table[["article_id", "sentence_index"]].drop_duplicates().shape[0]
    print(f"{len(table)} hit(s) in {n_sentences} sentence(s) of "
          f"{table.attrs.get('n_sentences', 0)}; wrote {path}")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from framing.errors import LexiconError
    from framing.lexicon_ci import (
        diff_sentences, diff_snapshots, drift_exceeded, parse_max_change, read_snapshot, snapshot,
    )

    max_change = parse_max_change(args.max_change) if args.max_change is not None else None
    if args.baseline:
        old = read_snapshot(args.baseline)
        lexicons = args.paths or [_recorded_lexicon(lx) for lx in old.attrs.get("lexicons", [])]
        new = snapshot(args.corpus, lexicons or None)
    else:
        if len(args.paths) != 2:
            raise LexiconError("lexicon diff needs either --baseline B or two lexicon files "
                               "OLD NEW (got %d path(s))" % len(args.paths))
        old = snapshot(args.corpus, [args.paths[0]])
        new = snapshot(args.corpus, [args.paths[1]])
    summary = diff_snapshots(old, new)
    sentences = diff_sentences(old, new)
    write_table(summary, "-", args.format)
    if args.format == "table":
        shown = sentences.groupby(["lexicon", "category", "status"], sort=False).head(args.show)
        for row in shown.itertuples(index=False):
            sign = "+" if row.status == "gained" else "-"
            print(f"{sign} {row.lexicon}.{row.category} {row.article_id}#{row.sentence_index} "
                  f"[{row.entries}]: {row.sentence}")
        hidden = len(sentences) - len(shown)
        if hidden:
            print(f"({hidden} more sentence(s) gained/lost; raise --show to see them)")
    else:
        write_table(sentences, "-", args.format)
    if max_change is None:
        return 0
    over = drift_exceeded(summary, max_change)
    for row in over.itertuples(index=False):
        print(f"framing: drift: {row.lexicon}.{row.category} changed by {row.change:+d} "
              f"({row.rel_change:+.1%}), more than {max_change:.1%}", file=sys.stderr)
    return 1 if len(over) else 0


def _recorded_lexicon(record: dict) -> str:
    from pathlib import Path

    from framing.lexicon import builtin_lexicons

    source = record.get("source", "")
    if source and Path(source).is_file():
        return source
    name = record.get("name", "")
    if name in builtin_lexicons():
        return name
    from framing.errors import LexiconError
    raise LexiconError(f"the baseline was made with lexicon {name!r} from {source!r}, which is "
                       f"not available; pass the lexicon files as PATH")


def _cmd_import(args: argparse.Namespace) -> int:
    from framing.lexicon_import import import_lexicon

    text = import_lexicon(args.path, fmt=args.fmt, name=args.name)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        from pathlib import Path
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}; run 'framing lexicon validate {args.out}' and add examples",
              file=sys.stderr)
    return 0


def _cmd_kwic(args: argparse.Namespace) -> int:
    from framing.kwic import kwic

    table = kwic(args.query, args.paths, lexicons=args.lexicon, width=args.width)
    if table.attrs.get("note"):
        print(f"framing: note: {table.attrs['note']}", file=sys.stderr)
    if args.format == "table":
        for row in table.itertuples(index=False):
            voice = row.voice if not row.source else f"{row.voice}: {row.source}"
            print(f"{row.article_id}#{row.sentence_index} [{voice}] "
                  f"{row.left:>{args.width}} [{row.match}] {row.right}")
        print(f"{len(table)} line(s)", file=sys.stderr)
        return 0
    write_table(table, "-", args.format)
    return 0
