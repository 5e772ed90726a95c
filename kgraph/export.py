"""``kgraph export``: the graph in the format another tool reads.

RDF tools get Turtle, N-Triples or JSON-LD (``kgraph.rdf``; from a build folder, Turtle is its
graph.ttl and N-Triples its Oxigraph store's dump); Gephi and Cytoscape users get
GraphML, written by networkx from the networkx graph. GraphML (XML 1.0) has no lists and no
null and cannot hold most control characters, so lists are joined, None is dropped and such
characters are replaced, which keeps hostile names from making the file unreadable.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kgraph.atomic import atomic_writer
from kgraph.graphfile import TURTLE_FILE, is_saved_papers, read_networkx, read_rdflib
from kgraph.rdf import FORMATS, serialize, serialize_rdf
from kgraph.store import build_store

EXPORT_FORMATS = (*FORMATS, "graphml")
LIST_SEPARATOR = "; "
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Text that survives an XML round trip: line ends as XML parsers return them, no forbidden chars."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _graphml_value(value: object) -> object:
    """A GraphML data value: numbers and booleans as they are, lists joined, everything else text."""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return _xml_text(LIST_SEPARATOR.join(str(item) for item in value))
    return _xml_text(str(value))


def _graphml_attrs(data: dict) -> dict[str, object]:
    return {_xml_text(key): _graphml_value(value) for key, value in data.items() if value is not None}


def graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the graph whose attributes GraphML can hold (see the module docstring)."""
    plain = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        plain.add_node(_xml_text(node), **_graphml_attrs(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(_xml_text(source), _xml_text(target), key=_xml_text(str(key)), **_graphml_attrs(data))
    return plain


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """GraphML for Gephi and Cytoscape, written whole or not at all."""
    with atomic_writer(path, "wb") as handle:
        nx.write_graphml(graphml_graph(graph), handle, encoding="utf-8", prettyprint=True)


def export_text(source: str | os.PathLike[str], fmt: str) -> str:
    """GRAPH (build folder, graph.ttl or papers.jsonl) as RDF text in ``fmt``."""
    if is_saved_papers(source):
        return serialize(read_networkx(source), fmt)
    return serialize_rdf(read_rdflib(source), fmt)


def _export_build(folder: Path, store: Path, fmt: str, output: str | os.PathLike[str]) -> None:
    """A build's own Turtle (its graph.ttl), or its store dumped as N-Triples by Oxigraph: seconds
    at any size, where re-parsing with rdflib takes minutes above a million triples."""
    with contextlib.ExitStack() as stack:
        handle = sys.stdout.buffer if str(output) == "-" else stack.enter_context(atomic_writer(output, "wb"))
        if fmt == "turtle":
            with (folder / TURTLE_FILE).open("rb") as turtle:
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
            nx.write_graphml(graphml_graph(graph), sys.stdout.buffer, encoding="utf-8", prettyprint=True)
        else:
            write_graphml(graph, output)
        return
    store = build_store(source) if fmt in ("turtle", "nt") and Path(source).is_dir() else None
    if store is not None:
        _export_build(Path(source), store, fmt, output)
        return
    text = export_text(source, fmt)
    if str(output) == "-":
        sys.stdout.write(text)
    else:
        with atomic_writer(Path(output)) as handle:
            handle.write(text)
