"""`framing analyze`, `framing compare` and `framing report`: the main job."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers) -> None:
    analyze = subparsers.add_parser(
        "analyze", help="analyse a corpus into tidy tables (Parquet + CSV)",
        description="Split every article into sentences and record, per sentence, its voice "
                    "(asserted, direct, indirect, according_to, mixed), source, cue, hedging, "
                    "VADER sentiment, actors mentioned and frames; plus attributions, lexicon "
                    "hits and skipped inputs. Writes articles, sentences, attributions, hits and "
                    "skipped as .parquet and .csv, and provenance.json, into --out (replacing "
                    "earlier results). --frames names the frame lexicon (a built-in name or a "
                    "YAML file). Example: framing analyze seeds/ --out reports/analysis",
    )
    _inputs(analyze, required=True)
    analyze.add_argument("--out", required=True, metavar="DIR", help="output folder")
    analyze.set_defaults(run=_cmd_analyze)

    compare = subparsers.add_parser(
        "compare", help="compare outlets (or events): voice, sources, cues, frames, sentiment",
        description="Compare groups of articles side by side, with article-level bootstrap "
                    "intervals and small-sample warnings. PATH is a corpus, or a folder written "
                    "by 'framing analyze'. --format json prints the machine-readable summary "
                    "({\"groups\": [...]}); table prints one line per group; csv/jsonl print "
                    "the tidy voice-mix table. Example: framing compare seeds/ --by outlet "
                    "--format json",
    )
    _inputs(compare, required=True)
    compare.add_argument("--by", choices=("outlet", "event"), default="outlet",
                         help="what to compare (default: outlet)")
    compare.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table",
                         help="output format (default: table)")
    compare.set_defaults(run=_cmd_compare)

    report = subparsers.add_parser(
        "report", help="write the HTML and PDF report (default: the seed articles)",
        description="Analyse and compare a corpus and write a self-contained HTML report and a "
                    "PDF with the same content: key differences with evidence links, figures "
                    "with intervals, events side by side, every article annotated, methods and "
                    "provenance. With no PATH, the seed articles shipped with framing. "
                    "Example: framing report seeds/ --out reports/out",
    )
    _inputs(report, required=False)
    report.add_argument("--out", default="reports/out", metavar="DIR",
                        help="output folder (default: reports/out)")
    report.add_argument("--format", default="html,pdf", metavar="FORMATS",
                        help="comma-separated: html, pdf (default: html,pdf)")
    report.add_argument("--title", help="report title")
    report.add_argument("--model", help="add predictions of this classifier model")
    report.add_argument("--claim", help="add each article's stance toward this claim")
    report.set_defaults(run=_cmd_report)


def _inputs(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("paths", nargs="+" if required else "*", metavar="PATH",
                        help="files, folders (searched recursively) or glob patterns")
    parser.add_argument("--outlet", help="outlet name for inputs that do not give one")
    parser.add_argument("--jobs", default="auto", metavar="N",
                        help="worker processes, or 'auto': one per CPU core (at most 8), one "
                             "process for fewer than 32 articles (default: auto); results are "
                             "identical for any N")
    parser.add_argument("--frames", metavar="PATH|NAME", default=None,
                        help="frame lexicon: a built-in name or a lexicon YAML file (default: "
                             "conflict_frames; for an analysis folder, the one it used)")


def _analysis(args: argparse.Namespace):
    from framing.analysis import analyze, read_analysis

    paths = list(args.paths)
    if len(paths) == 1 and (Path(paths[0]) / "articles.parquet").is_file():
        return read_analysis(paths[0])
    kwargs = {"frames": args.frames} if getattr(args, "frames", None) else {}
    analysis = analyze(paths, jobs=args.jobs, outlet=args.outlet, **kwargs)
    for path, reason in zip(analysis.skipped["path"], analysis.skipped["reason"]):
        print(f"framing: skipped {path}: {reason}", file=sys.stderr)
    return analysis


def _cmd_analyze(args: argparse.Namespace) -> int:
    from framing.analysis import write_analysis

    analysis = _analysis(args)
    write_analysis(analysis, args.out)
    print(f"framing: {len(analysis.articles)} article(s), {len(analysis.sentences)} sentence(s), "
          f"{len(analysis.skipped)} skipped -> {args.out}", file=sys.stderr)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from framing.cli._common import write_table
    from framing.compare import compare

    comparison = compare(_analysis(args), by=args.by, frames=args.frames,
                         n_boot=0 if args.format == "json" else 1000)
    for warning in comparison.warnings:
        print(f"framing: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        json.dump(comparison.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.format == "table":
        doc = comparison.to_json()["groups"]
        import pandas as pd

        rows = [{args.by: g[args.by], "articles": g["articles"], "sentences": g["sentences"],
                 "words": g["words"], **{v: round(s, 3) for v, s in g["voice_share"].items()},
                 "quoted_share": round(g["quoted_share"], 3)} for g in doc]
        write_table(pd.DataFrame(rows), "-", "table")
        return 0
    write_table(comparison.voice, "-", args.format)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from framing.errors import FramingError
    from framing.report import FORMATS, build_report, write_report

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise FramingError(f"--format: unknown report format {bad[0] if bad else ''!r}; "
                           f"choose from {', '.join(FORMATS)} (comma-separated)")
    report = build_report(args.paths or None, title=args.title, jobs=args.jobs,
                          model=args.model, claim=args.claim, frames=args.frames,
                          analysis=_analysis(args) if args.paths else None)
    for path in write_report(report, args.out, formats=formats):
        print(f"framing: wrote {path}", file=sys.stderr)
    return 0
