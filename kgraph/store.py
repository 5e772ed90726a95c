"""The on-disk RDF store of a build (Oxigraph), updated paper by paper.

Each paper's triples live in a named graph of their own, the entities' names and types in one
graph, and the ``kg:outperforms`` shortcuts in another, recomputed from the claims. So a paper
that changed is replaced without touching the others, an interrupted update is simply redone,
and the union of the graphs, dumped as Turtle, is the build's ``graph.ttl``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kgraph.atomic import atomic_writer
from kgraph.rdf import DATA, KG

ENTITY_KINDS = ("method/", "benchmark/", "metric/", "organization/")
ENTITIES_GRAPH = ox.NamedNode(f"{DATA}graph/entities")
SHORTCUTS_GRAPH = ox.NamedNode(f"{DATA}graph/shortcuts")
PREFIXES = {"kg": str(KG), "paper": f"{DATA}paper/", "method": f"{DATA}method/", "benchmark": f"{DATA}benchmark/",
            "metric": f"{DATA}metric/", "organization": f"{DATA}organization/", "claim": f"{DATA}claim/",
            "mention": f"{DATA}mention/", "skos": "http://www.w3.org/2004/02/skos/core#",
            "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
            "schema": "https://schema.org/", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
REFRESH_SHORTCUTS = f"""
PREFIX kg: <{KG}>
DROP SILENT GRAPH <{SHORTCUTS_GRAPH.value}> ;
INSERT {{ GRAPH <{SHORTCUTS_GRAPH.value}> {{ ?winner kg:outperforms ?loser }} }}
WHERE {{ GRAPH ?paper {{ ?claim a kg:Claim ; kg:winner ?winner ; kg:loser ?loser }} }}
"""


def paper_graph(paper_iri: str) -> ox.NamedNode:
    return ox.NamedNode(f"{DATA}graph/{paper_iri.removeprefix(DATA)}")


def is_entity(iri: str) -> bool:
    return iri.startswith(DATA) and iri[len(DATA):].startswith(ENTITY_KINDS)


def partition(rdf: Graph) -> tuple[dict[str, list[tuple]], list[tuple]]:
    """Split a batch's triples into per-paper triples (keyed by paper IRI) and entity triples.

    Shortcut triples (entity -> entity) are dropped: the store recomputes them from the claims.
    """
    owner: dict[URIRef, str] = {}
    for predicate in (KG.statedIn, KG.inPaper):
        for node, paper in rdf.subject_objects(predicate):
            owner[node] = str(paper)
    papers: dict[str, list[tuple]] = defaultdict(list)
    entities: list[tuple] = []
    for triple in rdf:
        subject = str(triple[0])
        if is_entity(subject):
            if not is_entity(str(triple[2])):
                entities.append(triple)
        else:
            papers[owner.get(triple[0], subject)].append(triple)
    return dict(papers), entities


def _ox_term(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.__class__.__name__ == "BNode":
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _quads(triples: Iterable[tuple], graph: ox.NamedNode) -> list[ox.Quad]:
    return [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), graph) for s, p, o in triples]


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    Path(path).mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


def replace_papers(store: ox.Store, papers: dict[str, list[tuple]]) -> None:
    """Each paper's graph becomes exactly these triples."""
    for paper_iri, triples in papers.items():
        remove_papers(store, [paper_iri])
        store.extend(_quads(triples, paper_graph(paper_iri)))


def remove_papers(store: ox.Store, paper_iris: Iterable[str]) -> None:
    for paper_iri in paper_iris:
        graph = paper_graph(paper_iri)
        if store.contains_named_graph(graph):
            store.remove_graph(graph)


def replace_entities(store: ox.Store, entity_iris: Iterable[str], triples: Iterable[tuple]) -> None:
    """Drop what the store says about these entities, then add their current triples."""
    for iri in entity_iris:
        for quad in list(store.quads_for_pattern(ox.NamedNode(iri), None, None, ENTITIES_GRAPH)):
            store.remove(quad)
    store.extend(_quads(triples, ENTITIES_GRAPH))


def refresh_shortcuts(store: ox.Store) -> None:
    store.update(REFRESH_SHORTCUTS)


def dump_turtle(store: ox.Store, path: str | os.PathLike[str]) -> None:
    """The union of all graphs as Turtle; the same store content gives the same bytes."""
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    with atomic_writer(path, "wb") as handle:
        triples = (ox.Triple(q.subject, q.predicate, q.object)
                   for g in graphs for q in store.quads_for_pattern(None, None, None, g))
        ox.serialize(triples, handle, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
