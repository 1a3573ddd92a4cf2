"""Weak supervision (``framing classify bootstrap``) scored against held-back hand labels.

Not a test: run it by hand and paste the numbers into docs/evaluation.md ("Weak supervision
(bootstrap) against hand labels").

    /work/venv/bin/python benchmarks/eval_bootstrap.py [CORPUS] [--labels CSV] [--lexicon L]

Trains the bootstrap classifier exactly as ``framing classify bootstrap`` does
(:func:`framing.classify.bootstrap_labels` on every sentence, masked text, no character
n-grams) on all events of the corpus EXCEPT the held-back ones, joins the hand labels of
``tests/data/frame_labels_nk_heldout.csv`` (offsets only, no text) to the sentence texts, and
scores the model, the lexicon itself and the majority class with
:func:`framing.classify_eval.evaluate_classifier`. It then reports macro-F1 over the frame
labels only (without ``none``) and the part the issue asks about: on held-back sentences where
the lexicon has NO hit, how often the classifier finds a frame the annotator also saw.

Single-label convention: the hand labels give each sentence its one main frame (or ``none``);
the bootstrap trains only on sentences whose hits fall in exactly one category; the lexicon
baseline gives a sentence the category with the most hits (ties: first id alphabetically) and
``none`` (the majority class) when nothing is hit.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "nk_events.jsonl"
DEFAULT_LABELS = REPO / "tests" / "data" / "frame_labels_nk_heldout.csv"
HELD_OUT = ("liaison-office-demolition-2020-06", "spy-satellite-launch-2023-11",
            "trash-balloons-2024-05")
NONE = "none"


def _prf(gold: list[str], pred: list[str], *, same: bool) -> tuple[int, int, int]:
    """(true positives, predicted frames, gold frames); a hit is any frame, or the same one."""
    tp = sum(1 for g, p in zip(gold, pred)
             if g != NONE and p != NONE and (g == p or not same))
    return tp, sum(p != NONE for p in pred), sum(g != NONE for g in gold)


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.2f}" if b else f"{a}/0 = n/a"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--labels", default=str(DEFAULT_LABELS))
    ap.add_argument("--lexicon", default="conflict_frames")
    args = ap.parse_args(argv)

    import pandas as pd
    from sklearn.metrics import f1_score

    from framing import load_corpus, split_sentences
    from framing.classify import (BOOTSTRAP_PARAMS, bootstrap_labels, labelled_from_frame,
                                  lexicon_hits, train_classifier)
    from framing.classify_eval import (evaluate_classifier, format_evaluation,
                                       lexicon_predictions)

    corpus = load_corpus([args.corpus])
    event = {a.id: a.event for a in corpus.articles}
    sents = split_sentences(corpus.articles)
    held = sents["article_id"].map(event).isin(HELD_OUT)
    if not held.any():
        print(f"no article of the events {HELD_OUT} in {args.corpus}", file=sys.stderr)
        return 1

    # --- train: the bootstrap on every other event (as `framing classify bootstrap`)
    weak = bootstrap_labels(sents[~held].reset_index(drop=True), args.lexicon)
    data = labelled_from_frame(weak, text="masked_text", labels=["label"], source="weak labels")
    model = train_classifier(data, **BOOTSTRAP_PARAMS)
    print(f"trained on {len(weak)} weak labels from {(~held).sum()} sentences of "
          f"{len(set(event.values()) - set(HELD_OUT))} events: "
          + ", ".join(f"{k}={v}" for k, v in sorted(Counter(weak["label"]).items())))

    # --- gold: hand labels joined to the sentence texts by offsets
    gold = pd.read_csv(args.labels, comment="#")
    joined = gold.merge(sents.rename(columns={"start": "sentence_start", "end": "sentence_end"}),
                        on=["article_id", "sentence_start", "sentence_end"], how="left")
    if joined["text"].isna().any():
        print(f"{joined['text'].isna().sum()} labelled spans are not sentences of the corpus",
              file=sys.stderr)
        return 1
    texts = [str(t) for t in joined["text"]]
    truth = [str(x) for x in joined["label"]]
    print(f"hand labels: {len(truth)} sentences: "
          + ", ".join(f"{k}={v}" for k, v in Counter(truth).most_common()))
    gold_data = labelled_from_frame(joined, text="text", labels=["label"],
                                    source=Path(args.labels).name)

    ev = evaluate_classifier(model, gold_data, baseline_lexicon=args.lexicon)
    print(format_evaluation(ev))

    # --- macro-F1 over the frame labels only (none excluded)
    labels = [str(c) for c in model.classes_]
    majority = Counter(weak["label"]).most_common(1)[0][0]
    preds = {"model": [str(p) for p in model.predict(texts)],
             "lexicon": lexicon_predictions(args.lexicon, texts, labels, majority, False)[0],
             "majority": [majority] * len(texts)}
    frames = sorted({*truth, *labels} - {NONE})
    print("\nmacro-F1 over the frame labels (none excluded; "
          f"{len(frames)} labels: {', '.join(frames)})")
    for system, p in preds.items():
        print(f"  {system:9s} {f1_score(truth, p, labels=frames, average='macro', zero_division=0):.3f}")
    print("\nper-class F1 (model / lexicon), gold support")
    for lab in [*frames, NONE]:
        f = [f1_score(truth, preds[s], labels=[lab], average="macro", zero_division=0)
             for s in ("model", "lexicon")]
        print(f"  {lab:24s} {f[0]:.2f} / {f[1]:.2f}   {truth.count(lab)}")

    # --- the honest question: sentences without any lexicon hit
    hits = lexicon_hits(args.lexicon, texts)
    n_cats = [len({c for c, _, _ in h}) for h in hits]
    print(f"\nlexicon categories hit per held-back sentence: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(Counter(n_cats).items())))
    nohit = [i for i, n in enumerate(n_cats) if n == 0]
    g = [truth[i] for i in nohit]
    p = [preds["model"][i] for i in nohit]
    print(f"sentences with NO lexicon hit: {len(nohit)}; the annotator saw a frame in "
          f"{sum(x != NONE for x in g)}, the classifier predicts a frame for "
          f"{sum(x != NONE for x in p)}")
    for same, what in ((False, "any frame"), (True, "the same frame")):
        tp, npred, ngold = _prf(g, p, same=same)
        print(f"  {what:15s} precision {_ratio(tp, npred)}, recall {_ratio(tp, ngold)}")
    found = Counter((gg, pp) for gg, pp in zip(g, p) if pp != NONE)
    if found:
        print("  (gold, predicted) where the classifier finds a frame: "
              + ", ".join(f"{a}->{b}: {n}" for (a, b), n in found.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
