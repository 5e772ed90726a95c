"""What the analyses of all claims cost: conflicts, rankings, their triples, and a frontier.

    python benchmarks/bench_rank.py [--claims 1000 10000 100000] [--benchmarks 200] [--seed 0]

Claims are generated: methods drawn with a skew (a few popular baselines, many one-paper
methods), spread over benchmarks with a skew too, a tenth without a metric, dated over three
years, one paper in twenty undated. Prints, per size, the largest group of one table, the
conflicts found, and the wall time of each step (one run each, on this machine): what a build
spends making the graph.ttl block of conflicts and standings when anything changed (the SPARQL
query that reads the claims from the store is not included).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from kgraph.asof import Stated, claim_dates, frontier
from kgraph.conflicts import conflicts
from kgraph.rank import standings
from kgraph.rdf.analysis import analysis_triples


def generated(count: int, benchmarks: int, rng: random.Random) -> list[Stated]:
    methods = max(50, count // 3)
    claims = []
    for n in range(count):
        paper = f"paper:p{n // 3}"
        winner = f"method:m{int(methods * rng.random() ** 2)}"  # skewed: low ids are popular
        loser = f"method:m{int(methods * rng.random() ** 3)}"
        if winner == loser:
            continue
        benchmark = f"benchmark:b{int(benchmarks * rng.random() ** 2)}"
        metric = None if rng.random() < 0.1 else f"metric:k{int(benchmark[11:]) % 3}"
        day = None if hash(paper) % 20 == 0 else f"{2023 + n * 3 // count}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        claims.append(Stated(winner, loser, paper, benchmark, metric, day, "1.0 points", 1.0 + rng.random(), "points"))
    return claims


def timed(step, *args):
    start = time.perf_counter()
    result = step(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--benchmarks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'claims':>8} {'largest group':>14} {'conflicts':>10} {'conflicts s':>12} {'standings s':>12}"
          f" {'triples s':>10} {'frontier s':>11}")
    for count in args.claims:
        claims = generated(count, args.benchmarks, random.Random(args.seed))
        found, conflict_time = timed(conflicts, claims)
        ranked, rank_time = timed(standings, claims)
        _, triples_time = timed(analysis_triples, claims, str)
        busiest = Counter(c.benchmark for c in claims).most_common(1)[0][0]
        _, frontier_time = timed(frontier, claims, [busiest], claim_dates(claims)[len(claim_dates(claims)) // 2])
        largest = max((s.group_size for s in ranked), default=0)
        print(f"{len(claims):>8} {largest:>14} {len(found):>10} {conflict_time:>12.2f} {rank_time:>12.2f}"
              f" {triples_time:>10.2f} {frontier_time:>11.3f}")


if __name__ == "__main__":
    main()
