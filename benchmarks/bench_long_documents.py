"""Scaling of attribution detection on long, repetitive documents (not a test).

A corpus of 100k+ articles holds a few odd ones: a transcript with thousands of paragraphs,
a scraped page with no line breaks and hundreds of quotations. Per-article work must grow
linearly with such a document, not quadratically. This script builds invented documents of
n and 2n units for several shapes and prints the time of each and their ratio: about 2 is
linear, about 4 quadratic.

    python benchmarks/bench_long_documents.py [--n 2000]
"""
from __future__ import annotations

import argparse
import time

SHAPES = {
    "quotations on one line": lambda n: ('He called it "a gift," ' * n) + "state media reported.",
    "quoted sentences": lambda n: " ".join(f'"Plan {i} is ready," Lee said.' for i in range(n)),
    "paragraphs": lambda n: "\n\n".join(
        f"Officials said the plan {i} works, the agency reported." for i in range(n)),
    "words, no punctuation": lambda n: "word " * (n * 10),
    "colon lines": lambda n: "\n\n".join(
        "He said:" if i % 2 == 0 else "We are ready." for i in range(n)),
    "according to": lambda n: " ".join(
        f"The plan {i} works, according to the ministry." for i in range(n)),
    "pronoun sources": lambda n: "Jane Roe spoke.\n" + " ".join(
        f"The plan {i} works, she said." for i in range(n)),
}


def _seconds(text: str) -> float:
    from framing.attribution import attributions_for_text, sentence_voices
    from framing.sentences import split_text

    t0 = time.perf_counter()
    sentences = split_text(text)
    atts = attributions_for_text(text, sentences)
    sentence_voices(text, [(s, e) for s, e, _p in sentences], atts)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="units in the smaller document")
    args = ap.parse_args(argv)
    _seconds("Officials said the plan works.")               # load the model first
    print(f"{'shape':24s} {'n (s)':>8s} {'2n (s)':>8s} {'ratio':>6s}")
    for name, build in SHAPES.items():
        small, large = _seconds(build(args.n)), _seconds(build(2 * args.n))
        print(f"{name:24s} {small:8.2f} {large:8.2f} {large / max(small, 1e-6):6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
