"""The networkx graph as GraphML, for Gephi and Cytoscape (written by networkx).

GraphML (XML 1.0) has no lists and no null and cannot hold most control characters, so lists
are joined, None is dropped and such characters are replaced, which keeps hostile names from
making the file unreadable.

Node ids are the nodes' RDF IRIs (as in graph.ttl), so a GraphML node can be joined with the
RDF or a SPARQL answer; the short id (``method:vllm``) stays in the ``curie`` attribute, and the
attributes naming another node (a claim's ``paper``, ``benchmark``, ``metric``; a variant's
``broader``) hold its IRI too, and a claim's ``claim`` its own; its earlier versions (``revisions``)
are JSON text.
"""

from __future__ import annotations

import json
import os
import re
from typing import BinaryIO

import networkx as nx

from kgraph.io import atomic_writer
from kgraph.rdf.terms import node_iri_text

LIST_SEPARATOR = "; "
REFERENCES = ("paper", "benchmark", "metric", "broader", "claim")  # attributes whose value is a node's id
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Text that survives an XML round trip: line ends as XML parsers return them, no forbidden chars."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _graphml_value(value: object) -> object:
    """A GraphML data value: numbers and booleans as they are, lists joined, everything else text."""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):  # a claim's revisions
        return _xml_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, (list, tuple, set, frozenset)):
        return _xml_text(LIST_SEPARATOR.join(str(item) for item in value))
    return _xml_text(str(value))


def _graphml_attrs(data: dict) -> dict[str, object]:
    return {_xml_text(key): _graphml_value(_iri(value) if key in REFERENCES else value)
            for key, value in data.items() if value is not None}


def _iri(node_id: object) -> str:
    """A node's IRI, as its RDF names it."""
    return node_iri_text(str(node_id))


def graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the graph with IRIs for ids and attributes GraphML can hold (see the module docstring)."""
    plain = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        plain.add_node(_iri(node), curie=_xml_text(node), **_graphml_attrs(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(_iri(source), _iri(target), key=_xml_text(str(key)), **_graphml_attrs(data))
    return plain


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """GraphML for Gephi and Cytoscape, written whole or not at all."""
    with atomic_writer(path, "wb") as handle:
        dump_graphml(graph, handle)


def dump_graphml(graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
    nx.write_graphml(graphml_graph(graph), handle, encoding="utf-8", prettyprint=True)
