"""graph.html of a build: made from the papers.jsonl lines the page shows, by a worker or here,
unless graph.html is already the page of what it would show (``made_before``)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path

from kgraph import graph as graph_module
from kgraph import viz
from kgraph.build.splice import read_bound, write_bound
from kgraph.folder import BuildFolder
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


@functools.cache
def page_version() -> str:
    """A digest of the code and templates that make graph.html."""
    digest = hashlib.sha256()
    sources = [Path(__file__), Path(graph_module.__file__), *sorted(Path(viz.__file__).parent.glob("*.py"))]
    for source in sources:
        digest.update(source.read_bytes())
    for template in sorted(files("kgraph.viz").joinpath("templates").iterdir(), key=lambda t: t.name):
        digest.update(template.read_bytes())
    return digest.hexdigest()[:16]


def page_key(fingerprints: Iterable[str], keep: set[str] | None, entities: Iterable[str]) -> str:
    """What a page is made from: the fingerprints of the papers it shows (their lines and the
    entities their names resolve to), the methods it keeps, and those of all entities (labels)."""
    digest = hashlib.sha256()
    for part in (*fingerprints, "\0", *sorted(keep or ()), "\0" if keep is None else "\1", *entities):
        digest.update(part.encode("utf-8") + b"\n")
    return digest.hexdigest()


def made_before(folder: BuildFolder, key: str) -> int | None:
    """How many claims graph.html counts, if it is the page of ``key`` as this code makes it
    (and has not been touched since): a rebuild that would make the same page keeps it."""
    body = read_bound(folder.page_made, folder.page, page_version()) if folder.page.exists() else None
    try:
        made = json.loads(body) if body is not None else None
        return int(made["claims"]) if made is not None and made["key"] == key else None
    except (ValueError, TypeError, KeyError):
        return None


def record_page(folder: BuildFolder, key: str, claims: int) -> None:
    """Note what graph.html, just written, was made from."""
    write_bound(folder.page_made, folder.page, json.dumps({"key": key, "claims": claims}).encode(), page_version())
