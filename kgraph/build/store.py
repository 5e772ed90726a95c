"""The on-disk RDF store of a build (Oxigraph), updated paper by paper.

A paper's triples are its own node's and those of its mentions and claims, so a paper that
changed is replaced (SPARQL DELETE of exactly those, then an insert) without touching the
others; entities' names and types are replaced entity by entity; the ``kg:outperforms``
shortcuts of the entities concerned are recomputed from the claims (each paper's own Turtle
carries the shortcuts of its claims). An interrupted update is simply redone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kgraph.rdf.namespace import KG, PREFIXES

REFRESH_SHORTCUTS = f"""
PREFIX kg: <{KG}>
DELETE {{ ?winner kg:outperforms ?loser }} WHERE {{ VALUES ?winner {{ %s }} ?winner kg:outperforms ?loser }} ;
INSERT {{ ?winner kg:outperforms ?loser }} WHERE {{ VALUES ?winner {{ %s }} ?claim kg:winner ?winner ; a kg:Claim ; kg:loser ?loser }}
"""
WINNERS_IN_PAPERS = f"""
PREFIX kg: <{KG}>
SELECT DISTINCT ?winner WHERE {{ VALUES ?paper {{ %s }} ?claim kg:statedIn ?paper ; kg:winner ?winner }}
"""
# What a paper said: every node derived from it (its claims, mentions and earlier versions of its
# claims: kg:statedIn and kg:inPaper are written as prov:wasDerivedFrom too), then its own triples.
DELETE_PAPERS = f"""
PREFIX prov: <{PREFIXES["prov"]}>
DELETE {{ ?node ?p ?o }} WHERE {{ VALUES ?paper {{ %s }} ?node prov:wasDerivedFrom ?paper . ?node ?p ?o }} ;
DELETE {{ ?paper ?p ?o }} WHERE {{ VALUES ?paper {{ %s }} ?paper ?p ?o }}
"""
DELETE_DESCRIPTIONS = f"""
PREFIX kg: <{KG}>
DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ %s }} ?s ?p ?o FILTER(?p != kg:outperforms) }}
"""
UPDATE_CHUNK = 500  # IRIs per SPARQL update


def _chunked(template: str, iris: list[str]) -> Iterator[str]:
    """The template with its VALUES filled, UPDATE_CHUNK IRIs at a time."""
    for start in range(0, len(iris), UPDATE_CHUNK):
        yield template.replace("%s", " ".join(f"<{iri}>" for iri in iris[start:start + UPDATE_CHUNK]))


def _update_in_chunks(store: ox.Store, template: str, iris: list[str]) -> None:
    for update in _chunked(template, iris):
        store.update(update)


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    Path(path).mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


def delete_papers(store: ox.Store, paper_iris: Iterable[str]) -> set[str]:
    """Drop everything these papers said (their node, mentions and claims) before they are written
    again; return the winners of their claims, whose shortcuts may now be stale."""
    iris = sorted(paper_iris)
    winners = {row["winner"].value for query in _chunked(WINNERS_IN_PAPERS, iris) for row in store.query(query)}
    _update_in_chunks(store, DELETE_PAPERS, iris)
    return winners


def load_turtle(store: ox.Store, path: str) -> None:
    """Load a file of Turtle by Oxigraph's bulk loader: two to three times faster than a
    transaction, also into a store that holds data, but not atomic: a build stopped while it
    loads starts the store again from nothing (its ``updating`` marker says so)."""
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)


def replace_entities(store: ox.Store, entity_iris: Iterable[str], triples: Iterable[tuple]) -> None:
    """Drop what the store says about these entities (but their shortcuts, which follow the
    claims), then add their current triples."""
    _update_in_chunks(store, DELETE_DESCRIPTIONS, sorted(entity_iris))
    store.extend([ox.Quad(s, p, o) for s, p, o in triples])


def refresh_shortcuts(store: ox.Store, winners: Iterable[str]) -> None:
    """Recompute the ``kg:outperforms`` shortcuts of these entities from the claims that remain."""
    _update_in_chunks(store, REFRESH_SHORTCUTS, sorted(winners))
