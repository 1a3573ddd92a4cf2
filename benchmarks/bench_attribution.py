"""Throughput of attribution detection (sentences per second) on the PolNeAR train texts.

Not a test: run it by hand, on one core, and paste the numbers into docs/performance.md
("Attribution") and the speed paragraph of docs/evaluation.md. On a shared machine take the
best of several runs (``--repeat``) and compare against the previous code run in the same
minutes: the load moves the absolute figures by tens of percent.

    OMP_NUM_THREADS=1 /work/venv/bin/python benchmarks/bench_attribution.py [--limit N] [--repeat K]

Sentence splitting is done first and timed separately (it is the sentence stage's cost,
not this one's); the attribution stage is tokenisation, features, the two/three tagger
passes, decoding, rules, source typing and the per-sentence voice. Per-stage shares:
``python -m cProfile -s tottime benchmarks/bench_attribution.py --limit 200``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(SHARED / "polnear" / "train" / "text"))
    ap.add_argument("--limit", type=int, default=None, help="first N files only")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    files = sorted(Path(args.data).glob("*.txt"))[: args.limit]
    if not files:
        print(f"no .txt files under {args.data}", file=sys.stderr)
        return 1
    from framing.attribution import attributions_for_text, sentence_voices
    from framing.attribution_model import load_model
    from framing.sentences import split_text

    t0 = time.perf_counter()
    model = load_model()
    t_load = time.perf_counter() - t0
    texts = [p.read_text(encoding="utf-8") for p in files]
    t0 = time.perf_counter()
    sents = [split_text(t) for t in texts]
    t_split = time.perf_counter() - t0
    n_sent = sum(len(s) for s in sents)
    n_chars = sum(len(t) for t in texts)
    attributions_for_text(texts[0], sents[0], model=model)          # warm caches
    best = cpu_best = float("inf")
    n_att = 0
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        n_att = 0
        for text, ss in zip(texts, sents):
            atts = attributions_for_text(text, ss, model=model)
            sentence_voices(text, [(s, e) for s, e, _p in ss], atts)
            n_att += len(atts)
        best = min(best, time.perf_counter() - t0)
        cpu_best = min(cpu_best, time.process_time() - c0)
    print(f"files={len(files)} sentences={n_sent} chars={n_chars} attributions={n_att}")
    print(f"model load: {t_load:.3f} s")
    print(f"sentence splitting (not this stage): {t_split:.2f} s = {n_sent / t_split:,.0f} sent/s")
    print(f"attribution + voice: {best:.2f} s wall = {n_sent / best:,.0f} sentences/s "
          f"({n_chars / best / 1e6:.2f} M chars/s)")
    # CPU time is the fairer one-core figure on a shared machine
    print(f"attribution + voice: {cpu_best:.2f} s CPU = {n_sent / cpu_best:,.0f} sentences/s "
          f"per CPU-second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
