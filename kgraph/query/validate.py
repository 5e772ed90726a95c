"""``kgraph validate GRAPH``: the graph checked against SHACL shapes, on Oxigraph (``kgraph.rdf.validate``)."""

from __future__ import annotations

import os

from kgraph.query.sources import read_store
from kgraph.rdf.validate import Violation, read_shapes, validate


def validate_graph(graph: str | os.PathLike[str], shapes: str | None = None,
                   limit: int | None = None) -> tuple[int, list[Violation]]:
    """How many triples GRAPH holds, and its violations of ``shapes`` (default: the project's),
    at most ``limit`` of each constraint. A build folder is checked in its own store, read-only."""
    checked = read_shapes(shapes)  # first: bad shapes fail before a large graph is loaded
    store = read_store(graph)
    return len(store), validate(store, checked, limit)
