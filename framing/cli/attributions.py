"""CLI area ``attributions``: ``framing attributions FILE...`` and
``framing train attributions --data DIR --out PATH``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.errors import ArticleError, FramingError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "attributions",
        help="who says what: source, cue and content spans of every attribution",
        description="Detect attributions (source, cue, content; direct/indirect/mixed) in "
                    "plain-text files. Offsets are Python str indices into each file as "
                    "decoded from UTF-8, so spans line up with the original file. "
                    "Example: framing attributions seeds/*.txt --format table",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files")
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table",
                   help="output format (default: table); jsonl is the evaluation contract")
    p.add_argument("--model", default=None, metavar="PATH",
                   help="a model trained with 'framing train attributions' "
                        "(default: the shipped one)")
    p.add_argument("-o", "--output", default="-", help="output path (default: stdout)")
    p.set_defaults(run=_cmd_attributions)

    # `framing train attributions`: other areas may register their own `train` targets
    train = _train_parser(subparsers)
    t = train.add_parser(
        "attributions",
        help="retrain the attribution tagger on a PolNeAR-style folder",
        description="Train the attribution tagger reproducibly (fixed seed: the same data "
                    "gives a byte-identical model) on a folder with text/*.txt and "
                    "attributions/*.ann (PolNeAR brat standoff), and write it as NPZ. "
                    "Example: framing train attributions --data PolNeAR/train "
                    "--out /tmp/attribution_model.npz (then: framing attributions "
                    "seeds/*.txt --model /tmp/attribution_model.npz)",
    )
    t.add_argument("--data", required=True, metavar="DIR", help="training folder")
    t.add_argument("--out", required=True, metavar="PATH", help="where to write the .npz model")
    t.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    t.add_argument("--last-pass", choices=("sgd", "hybrid", "perceptron"), default="sgd",
                   help="last tagger pass: per-token classifier (default, the shipped "
                        "model), BIO structured perceptron + Viterbi with the classifier's "
                        "cues ('hybrid'), or the perceptron alone; see docs/evaluation.md")
    t.add_argument("--extended-features", action="store_true",
                   help="add suffix and cue-reach templates (model format 2 features)")
    t.set_defaults(run=_cmd_train_attributions)


def _train_parser(subparsers):
    """The ``train`` command's own subparsers, created once and shared by the areas."""
    existing = subparsers.choices.get("train")
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
    train = subparsers.add_parser(
        "train", help="retrain a shipped model",
        description="Retrain one of the shipped models reproducibly. "
                    "Example: framing train attributions --data PolNeAR/train "
                    "--out /tmp/attribution_model.npz")
    return train.add_subparsers(title="models", metavar="MODEL", required=True)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as fh:   # keep \r\n: offsets must match
            return fh.read()
    except FileNotFoundError as exc:
        raise ArticleError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not valid UTF-8 at byte {exc.start}; convert it to "
                           f"UTF-8 first") from exc
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror})") from exc


def _cmd_attributions(args) -> int:
    from framing.attribution import attributions_for_text
    from framing.attribution_model import load_model
    from framing.cli._common import write_jsonl, write_table

    model = load_model(args.model)
    records = []
    for path in args.files:
        text = _read(path)
        for a in attributions_for_text(text, model=model):
            records.append({
                "doc": path, "kind": a["kind"],
                "cue": list(a["cue"]) if a["cue"] else None,
                "source": list(a["source"]) if a["source"] else None,
                "content": [list(c) for c in a["content"]],
                "sentence_index": a["sentence_index"],
                "source_text": a["source_text"], "source_name": a["source_name"],
                "source_role": a["source_role"], "source_type": a["source_type"],
                "source_country": a["source_country"],
                "cue_text": a["cue_text"], "cue_lemma": a["cue_lemma"],
                "cue_category": a["cue_category"],
                "content_text": " … ".join(text[s:e] for s, e in a["content"]),
                "origin": a["origin"],
            })
    if args.format == "jsonl":
        if args.output == "-":
            write_jsonl(records, sys.stdout)
        else:
            try:
                with open(args.output, "w", encoding="utf-8") as fh:
                    write_jsonl(records, fh)
            except OSError as exc:
                raise FramingError(f"cannot write {args.output}: {exc.strerror}") from exc
        return 0
    import pandas as pd
    cols = ["doc", "sentence_index", "kind", "source_name", "source_type", "cue_text",
            "cue_category", "content_text"]
    table = pd.DataFrame(records, columns=cols)
    if args.format == "table":
        table["doc"] = [Path(d).name for d in table["doc"]]
    write_table(table, args.output, args.format)
    return 0


def _cmd_train_attributions(args) -> int:
    import time

    from framing.attribution_model import AttributionTagger, load_polnear

    t0 = time.perf_counter()
    docs = load_polnear(args.data)
    model = AttributionTagger(random_state=args.seed, last_pass=args.last_pass,
                              extended_features=args.extended_features)
    model.fit([text for _name, text, _atts in docs], [atts for _n, _t, atts in docs])
    out = model.to_npz(args.out)
    print(f"trained on {len(docs)} articles in {time.perf_counter() - t0:.0f} s; "
          f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0
