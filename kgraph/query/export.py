"""``kgraph export``: the graph in the format another tool reads.

RDF tools get Turtle, N-Triples or JSON-LD (``kgraph.rdf.serialize``; from a build folder, Turtle
is its graph.ttl and N-Triples its Oxigraph store's dump); Gephi and Cytoscape users get
GraphML (``kgraph.rdf.graphml``), written by networkx from the networkx graph.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

from kgraph.folder import BuildFolder
from kgraph.io import atomic_writer
from kgraph.query.sources import is_saved_papers, read_networkx, read_rdflib
from kgraph.rdf.graphml import dump_graphml, write_graphml
from kgraph.rdf.serialize import FORMATS, serialize, serialize_rdf

EXPORT_FORMATS = (*FORMATS, "graphml")


def export_text(source: str | os.PathLike[str], fmt: str) -> str:
    """GRAPH (build folder, graph.ttl or papers.jsonl) as RDF text in ``fmt``."""
    if is_saved_papers(source):
        return serialize(read_networkx(source), fmt)
    return serialize_rdf(read_rdflib(source), fmt)


def _export_build(folder: BuildFolder, store: Path, fmt: str, output: str | os.PathLike[str]) -> None:
    """A build's own Turtle (its graph.ttl), or its store dumped as N-Triples by Oxigraph: seconds
    at any size, where re-parsing with rdflib takes minutes above a million triples."""
    with contextlib.ExitStack() as stack:
        handle = sys.stdout.buffer if str(output) == "-" else stack.enter_context(atomic_writer(output, "wb"))
        if fmt == "turtle":
            with folder.graph_ttl.open("rb") as turtle:
                shutil.copyfileobj(turtle, handle)
        else:
            ox.Store.read_only(str(store)).dump(handle, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


def export(source: str | os.PathLike[str], fmt: str, output: str | os.PathLike[str]) -> None:
    """Write GRAPH to ``output`` in ``fmt`` (one of ``EXPORT_FORMATS``); ``-`` is standard output."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {EXPORT_FORMATS}")
    if fmt == "graphml":
        graph = read_networkx(source, "GraphML")
        if str(output) == "-":
            dump_graphml(graph, sys.stdout.buffer)
        else:
            write_graphml(graph, output)
        return
    folder = BuildFolder(source)
    store = folder.finished_store() if fmt in ("turtle", "nt") and folder.path.is_dir() else None
    if store is not None:
        _export_build(folder, store, fmt, output)
        return
    text = export_text(source, fmt)
    if str(output) == "-":
        sys.stdout.write(text)
    else:
        with atomic_writer(Path(output)) as handle:
            handle.write(text)
