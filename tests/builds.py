"""Build folders for the linked-data tests: hand-written records saved as ``kgraph build`` saves them.

``league_records`` is a small graph made for the canned queries: every query has rows to find
(a contradiction, a paper without claims, an alias, two organizations), so each expected row
in the tests can be checked by reading the records below.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kgraph.graph import build_graph
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.rdf import write_turtle
from kgraph.resolve import resolve


def _mention(name: str, kind: str, sentence: Evidence, aliases: tuple[str, ...] = ()) -> Mention:
    start = sentence.text.index(name) + sentence.start
    return Mention(name, kind, sentence, start, start + len(name), "test", 0.9, list(aliases))


def _sentences(text: str) -> list[Evidence]:
    """The abstract cut after each '. ', with offsets."""
    found, start = [], 0
    while start < len(text):
        end = text.find(". ", start)
        end = len(text) if end < 0 else end + 1
        found.append(Evidence(text[start:end], start, end))
        start = end + 1
    return found


def league_records() -> tuple[list[Paper], dict[str, Extraction]]:
    """Three papers about Alpha, Beta (also written BT) and Gamma, from Acme Lab and Beta University.

    - "Alpha Paper" (arXiv 2401.00001, Acme Lab): Alpha beats Beta on ImageNet by 2.1 top-1
      accuracy, and beats Gamma on ImageNet (no margin).
    - "Beta Paper" (2024-05-01, Acme Lab and Beta University): BT beats Alpha on ImageNet (the
      contradiction), and beats Gamma on COCO by 3x.
    - "Gamma Survey" (2023-01-01): mentions Gamma, claims nothing.
    """
    a_text = "We propose Alpha at Acme Lab. Alpha outperforms Beta by 2.1 top-1 accuracy on ImageNet. Alpha also beats Gamma on ImageNet."
    a1, a2, a3 = _sentences(a_text)
    alpha = Paper("Alpha Paper", a_text, [Source("league.txt", 1)], arxiv_id="2401.00001")
    b_text = "We introduce Beta (BT) from Acme Lab and Beta University. BT outperforms Alpha on ImageNet. BT beats Gamma by 3x on COCO."
    b1, b2, b3 = _sentences(b_text)
    beta = Paper("Beta Paper", b_text, [Source("league.txt", 5)], date="2024-05-01")
    g_text = "We survey Gamma."
    (g1,) = _sentences(g_text)
    gamma = Paper("Gamma Survey", g_text, [Source("league.txt", 9)], date="2023-01-01")
    extractions = {
        alpha.key: Extraction(
            alpha.key,
            proposed=[_mention("Alpha", "method", a1)],
            organizations=[_mention("Acme Lab", "organization", a1)],
            baselines=[_mention("Beta", "method", a2), _mention("Gamma", "method", a3)],
            benchmarks=[_mention("ImageNet", "benchmark", a2)],
            metrics=[_mention("top-1 accuracy", "metric", a2)],
            claims=[
                Claim("Alpha", "Beta", a2, "test", 0.8, benchmark="ImageNet", metric="top-1 accuracy", margin="2.1"),
                Claim("Alpha", "Gamma", a3, "test", 0.7, benchmark="ImageNet"),
            ],
        ),
        beta.key: Extraction(
            beta.key,
            proposed=[_mention("Beta", "method", b1, ("BT",))],
            organizations=[_mention("Acme Lab", "organization", b1), _mention("Beta University", "organization", b1)],
            baselines=[_mention("Alpha", "method", b2), _mention("Gamma", "method", b3)],
            benchmarks=[_mention("ImageNet", "benchmark", b2), _mention("COCO", "benchmark", b3)],
            claims=[
                Claim("BT", "Alpha", b2, "test", 0.8, benchmark="ImageNet"),
                Claim("BT", "Gamma", b3, "test", 0.6, benchmark="COCO", margin="3x"),
            ],
            abbreviations=[("BT", "Beta")],
        ),
        gamma.key: Extraction(gamma.key, baselines=[_mention("Gamma", "method", g1)]),
    }
    return [alpha, beta, gamma], extractions


def league_graph() -> nx.MultiDiGraph:
    papers, extractions = league_records()
    return build_graph(papers, extractions, resolve(extractions.values()))


def write_build(folder: Path, papers: list[Paper], extractions: dict[str, Extraction]) -> Path:
    """``folder`` with the papers.jsonl and graph.ttl that ``kgraph build`` would write for these records."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"paper": p.to_dict(), "extraction": extractions[p.key].to_dict()}, ensure_ascii=False)
             for p in papers]
    (folder / "papers.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_turtle(build_graph(papers, extractions, resolve(extractions.values())), folder / "graph.ttl")
    return folder
