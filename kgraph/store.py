"""The on-disk RDF store of a build (Oxigraph), updated paper by paper.

A paper's triples are its own node's and those of its mentions and claims, so a paper that
changed is replaced (SPARQL DELETE of exactly those, then an insert) without touching the
others; entities' names and types are replaced entity by entity; the ``kg:outperforms``
shortcuts are recomputed from the claims. An interrupted update is simply redone, and the
store, dumped as Turtle by Oxigraph, is the build's ``graph.ttl``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kgraph.atomic import atomic_writer
from kgraph.rdf import DATA, KG

ENTITY_KINDS = ("method/", "benchmark/", "metric/", "organization/")
PREFIXES = {"kg": str(KG), "paper": f"{DATA}paper/", "method": f"{DATA}method/", "benchmark": f"{DATA}benchmark/",
            "metric": f"{DATA}metric/", "organization": f"{DATA}organization/", "claim": f"{DATA}claim/",
            "mention": f"{DATA}mention/", "skos": "http://www.w3.org/2004/02/skos/core#",
            "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
            "schema": "https://schema.org/", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
REFRESH_SHORTCUTS = f"""
PREFIX kg: <{KG}>
DELETE {{ ?winner kg:outperforms ?loser }} WHERE {{ ?winner kg:outperforms ?loser }} ;
INSERT {{ ?winner kg:outperforms ?loser }} WHERE {{ ?claim a kg:Claim ; kg:winner ?winner ; kg:loser ?loser }}
"""
DELETE_PAPERS = f"""
PREFIX kg: <{KG}>
DELETE {{ ?node ?p ?o }} WHERE {{ VALUES ?paper {{ %s }} ?node kg:statedIn|kg:inPaper ?paper . ?node ?p ?o }} ;
DELETE {{ ?paper ?p ?o }} WHERE {{ VALUES ?paper {{ %s }} ?paper ?p ?o }}
"""
DELETE_SUBJECTS = "DELETE { ?s ?p ?o } WHERE { VALUES ?s { %s } ?s ?p ?o }"
UPDATE_CHUNK = 500  # IRIs per SPARQL update


def is_entity(iri: str) -> bool:
    return iri.startswith(DATA) and iri[len(DATA):].startswith(ENTITY_KINDS)


@functools.lru_cache(maxsize=1 << 16)  # predicates, classes and entity IRIs recur in every batch
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


def _quads(triples: Iterable[tuple]) -> list[ox.Quad]:
    return [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in triples]


def _delete(store: ox.Store, template: str, iris: list[str]) -> None:
    for start in range(0, len(iris), UPDATE_CHUNK):
        values = " ".join(f"<{iri}>" for iri in iris[start:start + UPDATE_CHUNK])
        store.update(template.replace("%s", values))


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    Path(path).mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


def delete_papers(store: ox.Store, paper_iris: Iterable[str]) -> None:
    """Drop everything these papers said (their node, mentions and claims) before they are written again."""
    _delete(store, DELETE_PAPERS, sorted(paper_iris))


def load_ntriples(store: ox.Store, path: Path, bulk: bool) -> None:
    """Load a file of N-Triples; ``bulk`` (an empty store) skips transactions, which is much faster."""
    if bulk:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    else:
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)


def replace_entities(store: ox.Store, entity_iris: Iterable[str], triples: Iterable[tuple]) -> None:
    """Drop what the store says about these entities, then add their current triples."""
    _delete(store, DELETE_SUBJECTS, sorted(entity_iris))
    store.extend(_quads(triples))


def refresh_shortcuts(store: ox.Store) -> None:
    store.update(REFRESH_SHORTCUTS)


def dump_turtle(store: ox.Store, path: str | os.PathLike[str]) -> None:
    """The store as Turtle; the same store content gives the same bytes."""
    with atomic_writer(path, "wb") as handle:
        store.dump(handle, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
