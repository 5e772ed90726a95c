"""A hand-made dated graph: who beats whom on two benchmarks over three months, with a cycle.

Papers (all of the benchmark family "Bench" unless said):
  p1 2024-01-10  Alpha beats Base on Bench-1K (top-1 accuracy, +1.0 points)
  p2 2024-02-05  Beta beats Alpha on Bench-1K (+2.5 points); Beta beats Base on Bench-1K
  p3 2024-03     (month of its arXiv id 2403.00003) Gamma beats Beta on Bench-1K (+0.5 points)
  p4 2024-03-20  Base beats Gamma on Bench-1K: with p2 and p3, Beta > Base > Gamma > Beta, a 3-cycle
  p5 undated     Delta beats Epsilon on Bench-1K (a group of its own: never compared with the others)
  p6 2024-02-01  Zeta beats Eta on Other (another benchmark, another table)
  p7 --02-02     (a day without a year) Eta beats Zeta on Other: a contradiction with p6
"""

from __future__ import annotations

import networkx as nx

from kgraph.graph import build_graph
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.resolve import resolve

# (paper key, title, date, arXiv id, [(winner, loser, benchmark, margin, margin value)])
PAPERS = [
    ("p1", "Alpha paper", "2024-01-10", None, [("Alpha", "Base", "Bench-1K", "+1.0 points", 1.0)]),
    ("p2", "Beta paper", "2024-02-05", None, [("Beta", "Alpha", "Bench-1K", "+2.5 points", 2.5),
                                              ("Beta", "Base", "Bench-1K", None, None)]),
    ("p3", "Gamma paper", None, "2403.00003", [("Gamma", "Beta", "Bench-1K", "+0.5 points", 0.5)]),
    ("p4", "Base strikes back", "2024-03-20", None, [("Base", "Gamma", "Bench-1K", None, None)]),
    ("p5", "Delta paper", None, None, [("Delta", "Epsilon", "Bench-1K", None, None)]),
    ("p6", "Zeta paper", "2024-02-01", None, [("Zeta", "Eta", "Other", None, None)]),
    ("p7", "Eta paper", "--02-02", None, [("Eta", "Zeta", "Other", None, None)]),
]


def dated_records() -> tuple[list[Paper], dict[str, Extraction]]:
    """The papers and their extractions (each claim on a benchmark of the family "Bench" but Other)."""
    papers, extractions = [], {}
    for key, title, date, arxiv_id, claims in PAPERS:
        month = f"20{arxiv_id[:2]}-{arxiv_id[2:4]}" if arxiv_id and date is None else None
        abstract = " ".join(f"{w} beats {lo} on {b}." for w, lo, b, _, _ in claims)
        paper = Paper(title, abstract, [Source("dated.jsonl", len(papers) + 1)], date=date or month,
                      arxiv_id=arxiv_id)
        evidence = Evidence(abstract, 0, len(abstract))
        benchmarks = [Mention(b, "benchmark", evidence, abstract.index(b), abstract.index(b) + len(b), "test", 0.9,
                              family=None if b == "Other" else "Bench") for b in sorted({c[2] for c in claims})]
        extractions[paper.key] = Extraction(paper.key, benchmarks=benchmarks, claims=[
            Claim(w, lo, evidence, "test", 0.9, benchmark=b, metric="top-1 accuracy" if b != "Other" else None,
                  margin=m, margin_value=v, margin_unit="points" if v is not None else None)
            for w, lo, b, m, v in claims])
        papers.append(paper)
    return papers, extractions


def dated_graph() -> nx.MultiDiGraph:
    papers, extractions = dated_records()
    return build_graph(papers, extractions, resolve(extractions.values()))
