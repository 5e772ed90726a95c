"""The analyses of the whole graph as triples: ``kg:Conflict`` and ``kg:Standing`` nodes.

Unlike a paper's triples, these depend on every claim at once, so they are made apart from
``rdf_triples`` (which works on any part of the graph): from a whole networkx graph by
``graph_triples`` (what ``to_rdf`` writes), and by a build from all the claims its store holds, as one block of graph.ttl.
Their IRIs are hashes of what identifies them (the benchmark and the cycle; the table, the
method), so the same claims give the same triples.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import RDF, RDFS

import networkx as nx

from kgraph.asof import Stated, stated_claims
from kgraph.conflicts import Conflict, conflicts
from kgraph.rank import Standing, standings
from kgraph.rdf.namespace import KG
from kgraph.rdf.terms import _hashed_iri, _integer, _node, _number
from kgraph.rdf.triples import Triples, rdf_triples

P = {name: ox.NamedNode(str(KG[name])) for name in (
    "Conflict", "conflictOn", "conflictMethod", "conflictClaim", "conflictPaper", "cycleLength",
    "Standing", "standingOf", "standingOn", "standingMetric", "group", "groupSize", "rank", "strength", "wins",
    "losses", "bestClaim")}
_TYPE, _LABEL = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label))

Labels = Callable[[str], str]  # node id -> its label


def graph_triples(graph: nx.MultiDiGraph) -> Triples:
    """All the triples of a whole graph: its nodes' and edges' (``rdf_triples``) and the analyses of its claims."""
    def label(node: str) -> str:
        return str(graph.nodes[node].get("label") or node) if node in graph else node

    return rdf_triples(graph) | analysis_triples(stated_claims(graph), label)


def analysis_triples(claims: list[Stated], label: Labels) -> Triples:
    """The conflicts and standings of all ``claims``, as triples."""
    rdf: Triples = set()
    for conflict in conflicts(claims):
        _add_conflict(rdf, conflict, label)
    for standing in standings(claims):
        _add_standing(rdf, standing)
    return rdf


def _claim(claim: Stated) -> ox.NamedNode:
    if claim.claim is None:
        raise ValueError(f"claim {claim.winner!r} > {claim.loser!r} has no id of its own")
    return _node(claim.claim)


def _add_conflict(rdf: Triples, conflict: Conflict, label: Labels) -> None:
    node = _hashed_iri("conflict", conflict.benchmark, *conflict.methods)
    names = " > ".join(label(m) for m in (*conflict.methods, conflict.methods[0]))
    rdf.add((node, _TYPE, P["Conflict"]))
    rdf.add((node, _LABEL, ox.Literal(f"{conflict.kind} on {label(conflict.benchmark)}: {names}")))
    rdf.add((node, P["conflictOn"], _node(conflict.benchmark)))
    rdf.add((node, P["cycleLength"], _integer(len(conflict.methods))))
    for method in conflict.methods:
        rdf.add((node, P["conflictMethod"], _node(method)))
    for claim in conflict.claims:
        rdf.add((node, P["conflictClaim"], _claim(claim)))
    for paper in conflict.papers:
        rdf.add((node, P["conflictPaper"], _node(paper)))


def _add_standing(rdf: Triples, standing: Standing) -> None:
    node = _hashed_iri("standing", standing.benchmark, standing.metric, standing.method)
    rdf.add((node, _TYPE, P["Standing"]))
    rdf.add((node, P["standingOf"], _node(standing.method)))
    rdf.add((node, P["standingOn"], _node(standing.benchmark)))
    if standing.metric:
        rdf.add((node, P["standingMetric"], _node(standing.metric)))
    for name, number in (("group", standing.group), ("groupSize", standing.group_size), ("rank", standing.rank),
                         ("wins", standing.wins), ("losses", standing.losses)):
        rdf.add((node, P[name], _integer(number)))
    rdf.add((node, P["strength"], _number(standing.strength)))
    if standing.best is not None:
        rdf.add((node, P["bestClaim"], _claim(standing.best)))
