"""`framing classify` (train, evaluate, apply, bootstrap) and `framing stance` (train, predict,
split, claim)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from framing.cli._common import add_format_option, write_table

_SEEDS_EXAMPLE = "seeds/"


def register(subparsers) -> None:
    classify = subparsers.add_parser(
        "classify", help="train, evaluate and apply frame/outlet classifiers",
        description="Text classifiers on labelled sentences or articles: word and character "
                    "n-gram TF-IDF into a calibrated linear model, saved as plain JSON/NPZ. "
                    "Example: framing classify apply --model model.json seeds/ --out pred.csv",
    )
    sub = classify.add_subparsers(title="subcommands", metavar="SUBCOMMAND", required=True)

    train = sub.add_parser(
        "train", help="train a classifier on labelled CSV/JSONL/brat data",
        description="Train a classifier and save it as plain data (.json, or .npz for large "
                    "models). Labels: one --label column; with --multi-label, several 0/1 "
                    "columns (each a label) or columns naming labels ('a|b' for several). "
                    "brat: pass an .ann file or folder (text column 'text', label column "
                    "'label'). Example: framing classify train --data labels.csv --text "
                    "sentence --label frame --out model.json "
                    f"(then: framing classify apply --model model.json {_SEEDS_EXAMPLE})",
    )
    _add_data_arguments(train)
    train.add_argument("--out", required=True, help="model file to write (.json or .npz)")
    train.add_argument("--model-type", choices=("svm", "logistic"), default="svm",
                       help="linear model: a linear SVM with calibrated probabilities (default), or "
                            "logistic regression")
    train.add_argument("-C", type=float, default=None,
                       help="inverse regularisation (default: 10 logistic; svm 0.2 with softmax "
                            "calibration, else 0.5)")
    train.add_argument("--calibration", choices=("softmax", "sigmoid"), default="softmax",
                       help="svm with 3+ classes: one softmax temperature, keeping the svm's "
                            "ranking (default), or a sigmoid per class (before 2026-11-22)")
    train.add_argument("--no-char", action="store_true",
                       help="drop the character n-gram block (faster on long articles)")
    train.add_argument("--min-df", type=int, default=1, help="minimum document frequency")
    train.add_argument("--voice", action="store_true", help="add voice features")
    train.add_argument("--lexicon", help="add the category hit rates of this lexicon")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.set_defaults(run=_cmd_train)

    evaluate = sub.add_parser(
        "evaluate", help="score a model on held-out data, or cross-validate on training data",
        description="Per-class precision/recall/F1, macro- and micro-F1, confusion matrix, "
                    "the majority and (with --lexicon) lexicon-only baselines side by side, "
                    "top features per class and the most confident mistakes, as text and "
                    "optionally HTML. With --cv K, the model's recipe is retrained K times on "
                    "--data. Example: framing classify evaluate --model model.json --data "
                    f"dev.csv --html eval.html (model applied to {_SEEDS_EXAMPLE} by 'apply')",
    )
    evaluate.add_argument("--model", required=True, help="model file from 'classify train'")
    evaluate.add_argument("--data", required=True, help="labelled CSV/JSONL/brat data")
    evaluate.add_argument("--text", help="text column (default: the model's)")
    evaluate.add_argument("--label", action="append", dest="labels",
                          help="label column(s) (default: the model's)")
    evaluate.add_argument("--cv", type=int, metavar="K",
                          help="cross-validate the model's recipe with K folds on --data")
    evaluate.add_argument("--lexicon", help="lexicon for the lexicon-only baseline")
    evaluate.add_argument("--html", help="also write the evaluation as an HTML page")
    evaluate.add_argument("--errors", type=int, default=20, help="misclassified examples shown")
    evaluate.set_defaults(run=_cmd_evaluate)

    apply = sub.add_parser(
        "apply", help="add predictions to a table or to a corpus's sentences/articles",
        description="With --data: the input rows plus prediction, confidence and one "
                    "prob_<label> column per class. With corpus PATHs: the sentence (or "
                    "article) table with the same columns. "
                    f"Example: framing classify apply --model model.json {_SEEDS_EXAMPLE} "
                    "--out pred.csv",
    )
    apply.add_argument("--model", required=True, help="model file from 'classify train'")
    apply.add_argument("paths", nargs="*", metavar="PATH", help="corpus files or folders")
    apply.add_argument("--data", help="a CSV/JSONL table instead of a corpus")
    apply.add_argument("--text", help="text column of --data (default: the model's)")
    apply.add_argument("--level", choices=("sentence", "article"), default="sentence",
                       help="for a corpus: classify sentences or whole articles")
    apply.add_argument("--out", default="-", help="output file (.csv/.jsonl) or - (default)")
    add_format_option(apply, default="csv")
    apply.set_defaults(run=_cmd_apply)

    boot = sub.add_parser(
        "bootstrap", help="train a frame-sentence classifier from lexicon hits (weak labels)",
        description="Label corpus sentences by lexicon category hits (one category only; "
                    "sentences without hits become 'none'), mask the matched terms, and train "
                    "a classifier that must find frame sentences from their context. With "
                    "--eval, score it against hand labels next to the lexicon itself. "
                    f"Example: framing classify bootstrap --lexicon conflict_frames --corpus "
                    f"{_SEEDS_EXAMPLE} --out boot.json",
    )
    boot.add_argument("--lexicon", required=True, help="lexicon name or path")
    boot.add_argument("--corpus", required=True, nargs="+", help="corpus files or folders")
    boot.add_argument("--out", required=True, help="model file to write")
    boot.add_argument("--labels-out", help="also write the weak labels (CSV)")
    boot.add_argument("--eval", help="hand-labelled CSV/JSONL to evaluate against")
    boot.add_argument("--text", default="text", help="text column of --eval")
    boot.add_argument("--label", default="label", help="label column of --eval")
    boot.set_defaults(run=_cmd_bootstrap)

    stance = subparsers.add_parser(
        "stance", help="stance of article bodies toward claims (FNC-1 style)",
        description="Train and apply the claim-stance model (agree, disagree, discuss, "
                    "unrelated). Example: framing stance predict --model stance.npz "
                    "--stances pairs.csv --bodies bodies.csv --out pred.csv "
                    f"(claims against {_SEEDS_EXAMPLE}: framing report --claim)",
    )
    ssub = stance.add_subparsers(title="subcommands", metavar="SUBCOMMAND", required=True)
    strain = ssub.add_parser(
        "train", help="train on FNC-1 style stances and bodies CSVs",
        description="Fit the stance model on Headline/Body ID/Stance pairs joined with "
                    "Body ID/articleBody: boosted trees tell related from unrelated pairs, then "
                    "a logistic regression tells agree, disagree and discuss apart "
                    "(--single-stage: one 4-class logistic regression). "
                    "--body-ids restricts training to the bodies listed "
                    "(one id per line; e.g. FNC-1 splits/train_body_ids.txt). Example: "
                    "framing stance train --stances train_stances.csv --bodies "
                    "train_bodies.csv --out stance.npz",
    )
    strain.add_argument("--stances", required=True)
    strain.add_argument("--bodies", required=True)
    strain.add_argument("--body-ids", help="file of Body IDs to train on (one per line)")
    strain.add_argument("--out", required=True, help="model file (.npz recommended)")
    strain.add_argument("-C", type=float, default=None,
                        help="inverse regularisation of the logistic regression (default 0.3; "
                             "1.0 with --single-stage)")
    strain.add_argument("--single-stage", action="store_true",
                        help="one 4-class logistic regression instead of trees for related/"
                             "unrelated followed by a stance model of related pairs")
    strain.set_defaults(run=_cmd_stance_train)
    spred = ssub.add_parser(
        "predict", help="predict stances for Headline/Body ID pairs",
        description="Write Headline, Body ID, Stance in the input order (score with the "
                    "FNC-1 scorer); --probabilities adds prob_<stance> columns. "
                    "--body-ids restricts to the bodies listed. Example: framing stance "
                    "predict --model stance.npz --stances pairs.csv --bodies bodies.csv "
                    "--out pred.csv",
    )
    spred.add_argument("--model", help="model file (default: the shipped FNC-1 model)")
    spred.add_argument("--stances", required=True)
    spred.add_argument("--bodies", required=True)
    spred.add_argument("--body-ids", help="file of Body IDs to predict for (one per line)")
    spred.add_argument("--gold-out", help="also write the gold rows of the selection (CSV)")
    spred.add_argument("--probabilities", action="store_true")
    spred.add_argument("--out", default="-", help="output CSV or - (default)")
    spred.set_defaults(run=_cmd_stance_predict)
    ssplit = ssub.add_parser(
        "split", help="split labelled pairs into unseen-story train and test parts",
        description="Group headlines and bodies joined by related pairs into stories, hold "
                    "out a share of the stories (seeded), and write the pairs whose headline "
                    "and body are both kept (train) or both held out (test) as Headline, Body "
                    "ID, Stance CSVs; pairs across the two are dropped. FNC-1's own hold-out "
                    "split shares every headline with training; this one does not. Example: "
                    "framing stance split --stances train_stances.csv --bodies "
                    "train_bodies.csv --train-out cd_train.csv --test-out cd_test.csv",
    )
    ssplit.add_argument("--stances", required=True)
    ssplit.add_argument("--bodies", required=True)
    ssplit.add_argument("--held-out", type=float, default=0.2,
                        help="share of stories held out (default 0.2)")
    ssplit.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ssplit.add_argument("--train-out", required=True, help="CSV of the training pairs")
    ssplit.add_argument("--test-out", required=True, help="CSV of the held-out pairs")
    ssplit.set_defaults(run=_cmd_stance_split)
    sclaim = ssub.add_parser(
        "claim", help="stance of each article of a corpus toward one claim",
        description="One row per article: article_id, outlet, title, stance, confidence and "
                    "prob_<stance>, by the shipped FNC-1 model (or --model). The model was "
                    "trained on 2014-15 rumour news, so read its output as a lead, not a "
                    "measurement. Example: framing stance claim --claim \"North Korea's "
                    f"weapons are for self-defence\" {_SEEDS_EXAMPLE}",
    )
    sclaim.add_argument("paths", nargs="+", metavar="PATH", help="corpus files or folders")
    sclaim.add_argument("--claim", required=True, help="the claim, phrased like a headline")
    sclaim.add_argument("--model", help="model file (default: the shipped FNC-1 model)")
    sclaim.add_argument("--out", default="-", help="output file or - (default)")
    add_format_option(sclaim)
    sclaim.set_defaults(run=_cmd_stance_claim)


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="labelled CSV/TSV/JSONL, or brat .ann/folder")
    parser.add_argument("--text", default="text", help="text column (default: text)")
    parser.add_argument("--label", action="append", dest="labels",
                        help="label column; repeat with --multi-label (default: label)")
    parser.add_argument("--multi-label", action="store_true",
                        help="texts may carry several labels (or none)")
    parser.add_argument("--level", choices=("sentence", "document"), default="sentence",
                        help="brat input: label sentences or whole documents")


def _warn(caught) -> None:
    for w in caught:
        print(f"framing: warning: {w.message}", file=sys.stderr)


def _cmd_train(args: argparse.Namespace) -> int:
    import time
    import warnings

    from framing.classify import read_labelled, save_classifier, train_classifier

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        data = read_labelled(args.data, text=args.text, labels=args.labels or ["label"],
                             multi_label=args.multi_label, level=args.level)
    _warn(caught)
    params = {"model": args.model_type, "calibration": args.calibration, "C": args.C,
              "min_df": args.min_df, "voice": args.voice, "lexicon": args.lexicon,
              "random_state": args.seed}
    if args.no_char:
        params["char_ngrams"] = None
    start = time.perf_counter()
    model = train_classifier(data, **params)
    save_classifier(model, args.out, training=model.training_)
    counts = ", ".join(f"{k}={v}" for k, v in data.label_counts().items())
    print(f"framing: trained on {len(data)} examples ({counts}) in "
          f"{time.perf_counter() - start:.1f} s; {model.n_features_} features; wrote {args.out}",
          file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import warnings

    from framing.classify import load_classifier, read_labelled, settings_of
    from framing.classify_eval import (cross_validate, evaluate_classifier, format_evaluation,
                                       render_evaluation_html)

    model = load_classifier(args.model)
    training = getattr(model, "training_", {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        data = read_labelled(args.data, text=args.text or training.get("text_column", "text"),
                             labels=args.labels or training.get("label_columns", ["label"]),
                             multi_label=bool(model.multi_label))
    _warn(caught)
    if args.cv:
        ev = cross_validate(data, k=args.cv, baseline_lexicon=args.lexicon, n_errors=args.errors,
                            **settings_of(model))
    else:
        ev = evaluate_classifier(model, data, baseline_lexicon=args.lexicon, n_errors=args.errors)
    print(format_evaluation(ev))
    if args.html:
        _write_text(args.html, render_evaluation_html(ev))
        print(f"framing: wrote {args.html}", file=sys.stderr)
    return 0


def _write_text(path: str, text: str) -> None:
    import os

    from framing.errors import FramingError

    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise FramingError(f"cannot write {path}: {exc.strerror}") from exc


def _format_for(dest: str, fmt: str) -> str:
    if dest != "-" and dest.endswith(".jsonl"):
        return "jsonl"
    if dest != "-" and dest.endswith(".csv"):
        return "csv"
    return fmt


def _cmd_apply(args: argparse.Namespace) -> int:
    from framing.classify import apply_classifier, load_classifier, predict_corpus
    from framing.errors import DataError

    model = load_classifier(args.model)
    if bool(args.data) == bool(args.paths):
        raise DataError("give either --data FILE or corpus PATH(s), not both or neither")
    if args.data:
        from framing.classify import read_table

        table, _ = read_table(Path(args.data))
        text = args.text or getattr(model, "training_", {}).get("text_column", "text")
        out = apply_classifier(model, table, text=text)
    else:
        from framing.cli.corpus import load

        corpus = load(argparse.Namespace(paths=args.paths, outlet=None, strict=False))
        out = predict_corpus(model, corpus.articles, level=args.level)
    write_table(out, args.out, _format_for(args.out, args.format))
    return 0


def _cmd_bootstrap(args: argparse.Namespace) -> int:
    from framing.classify import (BOOTSTRAP_PARAMS, bootstrap_labels, save_classifier,
                                  train_classifier)
    from framing.classify import labelled_from_frame
    from framing.cli.corpus import load
    from framing.errors import DataError
    from framing.sentences import split_sentences

    corpus = load(argparse.Namespace(paths=args.corpus, outlet=None, strict=False))
    weak = bootstrap_labels(split_sentences(corpus.articles), args.lexicon)
    counts = weak["label"].value_counts().sort_index()
    print("framing: weak labels: " + ", ".join(f"{k}={v}" for k, v in counts.items()),
          file=sys.stderr)
    if (counts >= 2).sum() < 2:
        raise DataError(f"the lexicon {args.lexicon!r} labels too few sentences in this corpus "
                        f"to train ({dict(counts)}); use a larger corpus")
    if args.labels_out:
        write_table(weak, args.labels_out, "csv")
    data = labelled_from_frame(weak, text="masked_text", labels=["label"], source="weak labels")
    model = train_classifier(data, **BOOTSTRAP_PARAMS)
    save_classifier(model, args.out, training={**model.training_, "text_column": args.text,
                                               "label_columns": [args.label],
                                               "weak_lexicon": str(args.lexicon)})
    print(f"framing: wrote {args.out}", file=sys.stderr)
    if args.eval:
        from framing.classify import read_labelled
        from framing.classify_eval import evaluate_classifier, format_evaluation

        gold = read_labelled(args.eval, text=args.text, labels=[args.label])
        print(format_evaluation(evaluate_classifier(model, gold,
                                                    baseline_lexicon=args.lexicon)))
    return 0


def _body_ids(path: str | None) -> set[str] | None:
    if not path:
        return None
    from framing.errors import DataError

    try:
        return set(Path(path).read_text(encoding="utf-8").split())
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror}") from None


def _cmd_stance_train(args: argparse.Namespace) -> int:
    import time

    from framing.stance import read_stances, save_stance_model, train_stance

    pairs = read_stances(args.stances, args.bodies, require_labels=True)
    ids = _body_ids(args.body_ids)
    if ids is not None:
        pairs = pairs[pairs["Body ID"].isin(ids)].reset_index(drop=True)
    start = time.perf_counter()
    model = train_stance(pairs, C=args.C, two_stage=not args.single_stage)
    save_stance_model(model, args.out)
    print(f"framing: trained on {len(pairs)} pairs in {time.perf_counter() - start:.0f} s; "
          f"wrote {args.out}", file=sys.stderr)
    return 0


def _cmd_stance_predict(args: argparse.Namespace) -> int:
    from framing.stance import (default_stance_model, load_stance_model, predict_stances,
                                read_stances)

    model = load_stance_model(args.model) if args.model else default_stance_model()
    pairs = read_stances(args.stances, args.bodies)
    ids = _body_ids(args.body_ids)
    if ids is not None:
        pairs = pairs[pairs["Body ID"].isin(ids)].reset_index(drop=True)
    out = predict_stances(model, pairs)
    if not args.probabilities:
        out = out[["Headline", "Body ID", "Stance"]]
    write_table(out, args.out, "csv")
    if args.gold_out:
        write_table(pairs[["Headline", "Body ID", "Stance"]], args.gold_out, "csv")
    return 0


def _cmd_stance_split(args: argparse.Namespace) -> int:
    from framing.stance import claim_disjoint_split, read_stances

    pairs = read_stances(args.stances, args.bodies, require_labels=True)
    train, test = claim_disjoint_split(pairs, held_out=args.held_out, seed=args.seed)
    write_table(train[["Headline", "Body ID", "Stance"]], args.train_out, "csv")
    write_table(test[["Headline", "Body ID", "Stance"]], args.test_out, "csv")
    print(f"framing: {len(train)} training pairs, {len(test)} held-out pairs "
          f"({len(pairs) - len(train) - len(test)} across the two dropped)", file=sys.stderr)
    return 0


def _cmd_stance_claim(args: argparse.Namespace) -> int:
    from framing.cli.corpus import load
    from framing.stance import load_stance_model, stance_toward_claim

    model = load_stance_model(args.model) if args.model else None
    corpus = load(argparse.Namespace(paths=args.paths, outlet=None, strict=False))
    table = stance_toward_claim(model, args.claim, corpus.articles)
    write_table(table, args.out, _format_for(args.out, args.format))
    return 0
