"""graph.html of a build: made from the papers.jsonl lines the page shows, by a worker or here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kgraph.graph import build_graph, summary
from kgraph.resolve import Resolution
from kgraph.saved import parse_line
from kgraph.schema import NODE_TYPES
from kgraph.viz.page import render_html


def lines_at(path: Path, placed: list[tuple[int, int]], numbers: Iterable[int]) -> Iterator[str]:
    """The lines of ``path`` with these numbers, in order, read where they lie (``placed``: start
    and length of each line) rather than by reading the whole file."""
    with path.open("rb") as handle:
        for number in sorted(numbers):
            start, length = placed[number]
            handle.seek(start)
            yield handle.read(length).decode("utf-8")


def render_page(resolution: Resolution, saved: Path, placed: list[tuple[int, int]],
                keep: set[str] | None) -> tuple[int, str]:
    """How many claims the papers.jsonl lines that lie at ``placed`` make (before methods are
    left out), and graph.html of them, showing the methods in ``keep`` (all if None) and what
    the papers say of them. A task of the workers (or of this process)."""
    papers, extractions = [], {}
    for line in lines_at(saved, placed, range(len(placed))):
        paper, extraction = parse_line(line)
        papers.append(paper)
        extractions[paper.key] = extraction
    graph = build_graph(papers, extractions, resolution, all_entities=False)
    claims = summary(graph)["claims"]
    if keep is not None:
        graph.remove_nodes_from([n for n, kind in list(graph.nodes(data="type"))
                                 if kind == NODE_TYPES["method"] and n not in keep])
    return claims, render_html(graph)
