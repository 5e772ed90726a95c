"""The graph written as RDF text: serializers found by format name (``SERIALIZERS``).

rdflib's Turtle writer sorts subjects, predicates and objects, and the export has no blank
nodes, so Turtle is byte-stable; its N-Triples and JSON-LD writers follow set order, hence
the sort of lines and of nodes. JSON-LD is compacted with the published context
(``ontology/context.jsonld``, embedded so the file reads offline). Every prefix bound is one of
``kgraph.rdf.namespace.PREFIXES``.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from importlib.resources import files

import networkx as nx
import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, Namespace, URIRef

from kgraph.io import write_text
from kgraph.rdf.analysis import graph_triples
from kgraph.rdf.namespace import PREFIXES
from kgraph.rdf.terms import Term


def _bind_prefixes(rdf: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, Namespace(namespace), replace=True)


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """The graph as an rdflib Graph in the kgraph ontology, with readable prefixes bound, and the
    analyses of all its claims (conflicts, standings)."""
    rdf = Graph()
    _bind_prefixes(rdf)
    for s, p, o in graph_triples(graph):
        rdf.add((URIRef(s.value), URIRef(p.value), _rdflib_term(o)))
    return rdf


def _rdflib_term(term: Term) -> URIRef | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # rdflib tells "x" and "x"^^xsd:string apart; RDF 1.1 does not
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def serialize(graph: nx.MultiDiGraph, fmt: str = "turtle") -> str:
    """The graph in one of ``FORMATS``: see ``serialize_rdf``."""
    if fmt not in SERIALIZERS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    return serialize_rdf(to_rdf(graph), fmt)


def serialize_rdf(rdf: Graph, fmt: str = "turtle") -> str:
    """Turtle (prefixed, grouped by subject), N-Triples (one sorted line per triple) or JSON-LD."""
    if fmt not in SERIALIZERS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    _bind_prefixes(rdf)
    return SERIALIZERS[fmt](rdf)


def _turtle(rdf: Graph) -> str:
    return rdf.serialize(format="turtle", encoding="utf-8").decode("utf-8")


def _ntriples(rdf: Graph) -> str:
    text = rdf.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(sorted(text.splitlines(keepends=True)))


@functools.cache
def jsonld_context() -> str:
    """The text of ``ontology/context.jsonld``: term names for every kg property and class."""
    return (files("kgraph.ontology") / "context.jsonld").read_text("utf-8")


def _jsonld(rdf: Graph) -> str:
    context = json.loads(jsonld_context())["@context"]
    document = json.loads(rdf.serialize(format="json-ld", context=context, encoding="utf-8"))
    document.pop("@context", None)
    if "graph" in document:
        nodes = document["graph"] if isinstance(document["graph"], list) else [document["graph"]]
    else:  # rdflib writes a lone node as the document itself
        nodes = [document] if document else []
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    document = {"@context": context, "graph": sorted(nodes, key=lambda n: str(n.get("id")))}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


SERIALIZERS: dict[str, Callable[[Graph], str]] = {"turtle": _turtle, "nt": _ntriples, "jsonld": _jsonld}
FORMATS = tuple(SERIALIZERS)


def write_turtle(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write the Turtle export whole or not at all."""
    write_text(path, serialize(graph, "turtle"))
