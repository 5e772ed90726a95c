"""Conflicts: claims on one benchmark that cannot all hold, found as cycles of the beats graph.

A beats B and B beats A (a contradiction), or A beats B, B beats C and C beats A: on one
benchmark at least one of the claims is an extraction error, or the papers measured in different
settings (metric, model size, split). Cycles of two and three methods are found per benchmark
with networkx (``simple_cycles`` with a length bound: longer ones would be many in a dense part of
a big graph, and each holds a shorter one or is rare); each is one conflict, linking every claim
along it and the papers that state them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from kgraph.asof import Stated

MAX_CYCLE = 3  # methods in a cycle: 2 (contradictions) and 3


@dataclass(frozen=True)
class Conflict:
    """A cycle of methods on a benchmark (``methods[0]`` beats ``methods[1]`` ... the last beats the
    first), with every claim along it."""

    benchmark: str
    methods: tuple[str, ...]  # starting from the smallest id, so that one cycle has one spelling
    claims: tuple[Stated, ...]

    @property
    def kind(self) -> str:
        return "contradiction" if len(self.methods) == 2 else "cycle"

    @property
    def papers(self) -> list[str]:
        return sorted({claim.paper for claim in self.claims if claim.paper is not None})


def conflicts(claims: Iterable[Stated], as_of: str | None = None) -> list[Conflict]:
    """Every cycle of up to ``MAX_CYCLE`` methods among the claims known by ``as_of`` on each benchmark."""
    per_benchmark: dict[str, nx.DiGraph] = {}
    for claim in claims:
        if claim.benchmark is None or not claim.known_by(as_of):
            continue
        beats = per_benchmark.setdefault(claim.benchmark, nx.DiGraph())
        if not beats.has_edge(claim.winner, claim.loser):
            beats.add_edge(claim.winner, claim.loser, claims=[])
        beats.edges[claim.winner, claim.loser]["claims"].append(claim)
    found = []
    for benchmark, beats in sorted(per_benchmark.items()):
        for cycle in sorted(_canonical(c) for c in nx.simple_cycles(beats, length_bound=MAX_CYCLE)):
            steps = zip(cycle, cycle[1:] + cycle[:1])
            found.append(Conflict(benchmark, cycle, tuple(c for u, v in steps for c in beats.edges[u, v]["claims"])))
    return found


def _canonical(cycle: list[str]) -> tuple[str, ...]:
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])
