"""Synthetic knowledge graphs of a chosen size, built through the real graph code, for tests and benchmarks.

Papers each propose one method and claim it beats a few earlier methods, preferring popular
baselines (a few methods are beaten very often, as in real corpora), on one of a few dozen
benchmarks, sometimes on two benchmarks at once (parallel claims). Some papers name an
organization. The same arguments always give the same graph.
"""

from __future__ import annotations

import random

import networkx as nx

from kgraph.graph import build_graph
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.resolve import resolve

SYLLABLES = ("ka", "lo", "mi", "ra", "zu", "te", "vo", "qui", "den", "sal", "or", "pex")


def method_name(index: int) -> str:
    """A distinct, pronounceable method name such as "Kalomi-17"."""
    rng = random.Random(index)
    stem = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{stem}-{index}"


def _mention(name: str, kind: str, evidence: Evidence) -> Mention:
    start = evidence.start + evidence.text.index(name)
    return Mention(name, kind, evidence, start, start + len(name), "synthetic", 0.9)


def synthetic_graph(methods: int, claims: int, seed: int = 1, benchmarks: int = 40,
                    organizations: int = 25) -> nx.MultiDiGraph:
    """About ``methods`` methods and exactly ``claims`` outperforms claims (fewer arrows: some merge)."""
    rng = random.Random(seed)
    names = [method_name(i) for i in range(methods)]
    bench_names = [f"Bench{chr(65 + i % 26)}-{i}" for i in range(benchmarks)]
    org_names = [f"Lab {i} Research" for i in range(organizations)]
    weights = [1.0 / (i + 1) ** 0.9 for i in range(methods)]  # popular baselines come first
    papers: list[Paper] = []
    extractions: dict[str, Extraction] = {}
    left = claims
    proposer = methods - 1
    while left > 0 and proposer > 0:
        winner = names[proposer]
        count = min(left, rng.randint(1, 5))
        losers = sorted({rng.choices(range(proposer), weights[:proposer])[0] for _ in range(count)})
        title = f"{winner}: a synthetic method number {proposer}"
        proposal = Evidence(f"We propose {winner}.", 0, len(f"We propose {winner}."))
        abstract = proposal.text
        found: list[Claim] = []
        baselines: list[Mention] = []
        bench_mentions: list[Mention] = []
        for loser_index in losers:
            loser = names[loser_index]
            for bench in rng.sample(bench_names, 2 if rng.random() < 0.15 else 1):
                if left == 0:
                    break
                margin = f"{rng.uniform(0.1, 9.9):.1f} points"
                text = f"{winner} outperforms {loser} on {bench} by {margin}."
                evidence = Evidence(text, len(abstract) + 1, len(abstract) + 1 + len(text))
                abstract = f"{abstract} {text}"
                found.append(Claim(winner, loser, evidence, "synthetic", round(rng.uniform(0.4, 0.95), 2),
                                   benchmark=bench, margin=margin))
                baselines.append(_mention(loser, "method", evidence))
                bench_mentions.append(_mention(bench, "benchmark", evidence))
                left -= 1
        orgs = []
        if rng.random() < 0.6:
            org = rng.choice(org_names)
            sentence = f"Work done at {org}."
            evidence = Evidence(sentence, len(abstract) + 1, len(abstract) + 1 + len(sentence))
            abstract = f"{abstract} {sentence}"
            orgs.append(_mention(org, "organization", evidence))
        paper = Paper(title, abstract, [Source("synthetic.jsonl", proposer)], date="2025-01-01",
                      arxiv_id=f"2501.{proposer:05d}")
        papers.append(paper)
        extractions[paper.key] = Extraction(paper.key, proposed=[_mention(winner, "method", proposal)],
                                            benchmarks=bench_mentions, baselines=baselines,
                                            organizations=orgs, claims=found)
        proposer -= 1
    return build_graph(papers, extractions, resolve(extractions.values()))
