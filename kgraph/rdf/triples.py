"""The networkx graph as triples in the kgraph ontology (``ontology/kgraph.ttl``).

Every node gets a readable IRI under ``https://w3id.org/kgraph/id/`` made from its node id
(``method:foo-net`` -> ``.../id/method/foo-net``), claims from theirs (``claim:<hash>``,
``kgraph.graph.claim_id``); mentions, which have no id, get a stable hash of what identifies
them. A claim read again with other values (``revisions``) is ``prov:wasRevisionOf`` a
``kg:ClaimVersion`` node per earlier version (``claim:<hash>-v1`` the first), chained. Each edge becomes both a direct triple for simple
queries and an n-ary ``kg:Claim`` / ``kg:Mention`` node that keeps its evidence. The standard
super-classes and super-properties declared in the ontology are written too, so PROV-O,
DCTERMS and schema.org consumers need no reasoner. The triples are a set: the same graph gives
the same triples whatever the insertion order.
"""

from __future__ import annotations

import functools
from importlib.resources import files

import networkx as nx
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS, SDO

from kgraph.rdf.namespace import KG, PREFIXES
from kgraph.rdf.terms import (Term, _decimal, _hashed_iri, _integer, _node, _number, _value, curator_iri, date_literal,
                              node_iri_text, web_iri)
from kgraph.schema import ENTITY_KINDS, MENTION_ROLES, PAPER_TYPE

# The values of a fact a curator may correct: the machine's is kept as kg:machineWinner and so on.
MACHINE_VALUES = ("winner", "loser", "benchmark", "metric", "margin", "name", "kind", "aliases", "entity")

Triples = set[tuple[ox.NamedNode, ox.NamedNode, Term]]


def _named(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_RDF_TYPE, _PREF_LABEL, _ALT_LABEL, _BROADER = (_named(str(t)) for t in (RDF.type, SKOS.prefLabel, SKOS.altLabel,
                                                                          SKOS.broader))
_SAME_AS, _REPLACES = _named(str(OWL.sameAs)), _named(str(DCTERMS.replaces))
_TITLE, _DATE, _URL, _SEE_ALSO = (_named(str(t)) for t in (DCTERMS.title, DCTERMS.date, SDO.url, RDFS.seeAlso))
K = {name: _named(str(KG[name])) for name in (
    PAPER_TYPE, *(kind.node_type for kind in ENTITY_KINDS), "Mention", "Claim", *(role.property for role in MENTION_ROLES),
    "abstract", "arxivId", "upvotes", "authorCount",
    "sourceLocation", "evidenceText", "evidenceStart", "evidenceEnd", "evidenceField", "extractionRule",
    "confidence", "mentionOf", "inPaper", "relation", "surfaceForm", "surfaceStart", "surfaceEnd", "outperforms",
    "winner", "loser", "statedIn", "onBenchmark", "withMetric", "margin", "value", "unit",
    "ClaimVersion", "winnerName", "loserName", "benchmarkName", "metricName",
    "curationStatus", "curatedAt", *(f"machine{name.title()}" for name in MACHINE_VALUES))}
CURATION_STATUSES = {status: _named(str(KG[status.title()])) for status in ("accepted", "corrected", "added")}
_ATTRIBUTED_TO, _REVISION_OF, _DERIVED_FROM = (_named(PREFIXES["prov"] + name) for name in (
    "wasAttributedTo", "wasRevisionOf", "wasDerivedFrom"))
_XSD_DATETIME = _named(str(XSD.dateTime))

NODE_CLASSES = {node_type: K[node_type] for node_type in (PAPER_TYPE, *(kind.node_type for kind in ENTITY_KINDS))}
MENTION_RELATIONS = {role.edge: K[role.property] for role in MENTION_ROLES}  # edge type -> property
EVIDENCE_FIELDS = {"abstract": K["abstract"], "title": _TITLE}


@functools.cache
def _ontology_supers() -> dict[ox.NamedNode, tuple[ox.NamedNode, ...]]:
    """Every kg class/property -> its super-classes/super-properties declared in the ontology."""
    ontology = Graph().parse(data=(files("kgraph.ontology") / "kgraph.ttl").read_text("utf-8"), format="turtle")
    supers: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = {}
    for link in (RDFS.subClassOf, RDFS.subPropertyOf):
        for term in set(ontology.subjects(link, None)):
            if isinstance(term, URIRef):
                found = set(ontology.transitive_objects(term, link)) - {term}
                supers[_named(str(term))] = tuple(sorted(_named(str(s)) for s in found if isinstance(s, URIRef)))
    return supers


def _materialize_supers(rdf: Triples) -> None:
    """Add the super-class and super-property triples the ontology entails for our terms."""
    supers = _ontology_supers()
    for s, p, o in list(rdf):
        if p == _RDF_TYPE:
            for sup in supers.get(o, ()):
                rdf.add((s, _RDF_TYPE, sup))
        else:
            for sup in supers.get(p, ()):
                rdf.add((s, sup, o))


def _add_node(rdf: Triples, node_id: str, data: dict) -> None:
    node_type = data.get("type")
    if node_type not in NODE_CLASSES:
        raise ValueError(f"node {node_id!r} has unknown type {node_type!r}")
    subject = _node(node_id)
    rdf.add((subject, _RDF_TYPE, NODE_CLASSES[node_type]))
    if node_type == PAPER_TYPE:
        _add_paper(rdf, subject, data)
    else:
        rdf.add((subject, _PREF_LABEL, ox.Literal(data["label"])))
        for alias in data.get("aliases") or ():
            rdf.add((subject, _ALT_LABEL, ox.Literal(alias)))
        if data.get("broader"):  # a variant (ImageNet-1K) of a family (ImageNet)
            rdf.add((subject, _BROADER, _node(data["broader"])))
        for retired in data.get("replaces") or ():  # an IRI retired when its entity was found to be this one
            rdf.add((subject, _SAME_AS, _node(retired)))
            rdf.add((subject, _REPLACES, _node(retired)))


def _add_paper(rdf: Triples, subject: ox.NamedNode, data: dict) -> None:
    rdf.add((subject, _TITLE, ox.Literal(data.get("title") or data["label"])))
    if data.get("date") is not None:
        rdf.add((subject, _DATE, date_literal(str(data["date"]))))
    for predicate, key in ((K["abstract"], "abstract"), (K["arxivId"], "arxiv_id"), (K["upvotes"], "upvotes"),
                           (K["authorCount"], "authors")):
        if data.get(key) is not None:
            rdf.add((subject, predicate, _value(data[key])))
    links = [(_URL, web_iri(data["url"]))] if data.get("url") else []
    links += [(_SEE_ALSO, web_iri(url)) for url in data.get("urls") or ()]
    for predicate, link in links:
        if link is not None:
            rdf.add((subject, predicate, _named(str(link))))
    for source in data.get("sources") or ():
        rdf.add((subject, K["sourceLocation"], ox.Literal(str(source))))


def _add_evidence(rdf: Triples, subject: ox.NamedNode, data: dict) -> None:
    field = data.get("evidence_field", "abstract")
    if field not in EVIDENCE_FIELDS:
        raise ValueError(f"evidence field {field!r} is not one of {sorted(EVIDENCE_FIELDS)}")
    rdf.add((subject, K["evidenceText"], ox.Literal(data["evidence"])))
    rdf.add((subject, K["evidenceStart"], _integer(data["evidence_start"])))
    rdf.add((subject, K["evidenceEnd"], _integer(data["evidence_end"])))
    rdf.add((subject, K["evidenceField"], EVIDENCE_FIELDS[field]))
    rdf.add((subject, K["extractionRule"], ox.Literal(data["rule"])))
    rdf.add((subject, K["confidence"], _decimal(data["confidence"])))
    if data.get("curation_status") is not None:
        _add_curation(rdf, subject, data)


def _add_curation(rdf: Triples, subject: ox.NamedNode, data: dict) -> None:
    """Who checked the fact and when, what they made of it, and the machine's values they corrected."""
    rdf.add((subject, K["curationStatus"], CURATION_STATUSES[data["curation_status"]]))
    rdf.add((subject, _ATTRIBUTED_TO, _named(curator_iri(data["curator"]))))
    rdf.add((subject, K["curatedAt"], ox.Literal(data["curated_at"], datatype=_XSD_DATETIME)))
    for name in MACHINE_VALUES:
        if data.get(f"machine_{name}") is not None:
            rdf.add((subject, K[f"machine{name.title()}"], ox.Literal(str(data[f"machine_{name}"]))))


def _add_mention(rdf: Triples, paper_id: str, entity_id: str, data: dict) -> None:
    relation = MENTION_RELATIONS[data["type"]]
    paper, entity = _node(paper_id), _node(entity_id)
    rdf.add((paper, relation, entity))
    mention = _hashed_iri("mention", paper_id, data["type"], entity_id)
    rdf.add((mention, _RDF_TYPE, K["Mention"]))
    rdf.add((mention, K["mentionOf"], entity))
    rdf.add((mention, K["inPaper"], paper))
    rdf.add((mention, K["relation"], relation))
    if data.get("name") is not None:
        rdf.add((mention, K["surfaceForm"], ox.Literal(data["name"])))
    if data.get("name_start") is not None:
        rdf.add((mention, K["surfaceStart"], _integer(data["name_start"])))
        rdf.add((mention, K["surfaceEnd"], _integer(data["name_end"])))
    _add_evidence(rdf, mention, data)


def _add_claim(rdf: Triples, winner_id: str, loser_id: str, data: dict) -> None:
    winner, loser = _node(winner_id), _node(loser_id)
    rdf.add((winner, K["outperforms"], loser))
    paper_id, benchmark_id, metric_id = data["paper"], data.get("benchmark"), data.get("metric")
    claim = _own_node(data["claim"])
    rdf.add((claim, _RDF_TYPE, K["Claim"]))
    rdf.add((claim, K["winner"], winner))
    rdf.add((claim, K["loser"], loser))
    rdf.add((claim, K["statedIn"], _node(paper_id)))
    if benchmark_id:
        rdf.add((claim, K["onBenchmark"], _node(benchmark_id)))
    if metric_id:
        rdf.add((claim, K["withMetric"], _node(metric_id)))
    _add_margin(rdf, claim, data)
    _add_evidence(rdf, claim, data)
    versions = data.get("revisions") or []
    for number, version in enumerate(versions, 1):
        _add_version(rdf, data["claim"], number, paper_id, version)
    if versions:
        rdf.add((claim, _REVISION_OF, _own_node(f"{data['claim']}-v{len(versions)}")))


def _own_node(node_id: str) -> ox.NamedNode:
    """The IRI of a node named once (a claim, a version of one): not through ``_node``'s cache, kept for entities."""
    return ox.NamedNode(node_iri_text(node_id))


def _add_margin(rdf: Triples, subject: ox.NamedNode, data: dict) -> None:
    if data.get("margin") is not None:
        rdf.add((subject, K["margin"], ox.Literal(str(data["margin"]))))
    if data.get("margin_value") is not None:
        rdf.add((subject, K["value"], _number(data["margin_value"])))
    if data.get("margin_unit"):
        rdf.add((subject, K["unit"], ox.Literal(data["margin_unit"])))


def _add_version(rdf: Triples, claim_id: str, number: int, paper_id: str, version: dict) -> None:
    """An earlier version of a claim (``model.CLAIM_VALUES`` as a build saved them), which the next
    version (a later one, else the claim) ``prov:wasRevisionOf``. Its winner, loser, benchmark and
    metric are the names the paper was read to give then (literals: they need not resolve now)."""
    node = _own_node(f"{claim_id}-v{number}")
    if number > 1:
        rdf.add((node, _REVISION_OF, _own_node(f"{claim_id}-v{number - 1}")))
    rdf.add((node, _RDF_TYPE, K["ClaimVersion"]))
    rdf.add((node, _DERIVED_FROM, _node(paper_id)))
    for name in ("winner", "loser", "benchmark", "metric"):
        if version.get(name):
            rdf.add((node, K[f"{name}Name"], ox.Literal(version[name])))
    _add_margin(rdf, node, version)
    evidence = version["evidence"]
    _add_evidence(rdf, node, {"evidence": evidence["text"], "evidence_start": evidence["start"],
                              "evidence_end": evidence["end"], "evidence_field": evidence["field"],
                              "rule": version["rule"], "confidence": round(version["confidence"], 3)})


def rdf_triples(graph: nx.MultiDiGraph) -> Triples:
    """The graph's triples in the kgraph ontology, as a plain set (no rdflib store: fast for streaming)."""
    rdf: Triples = set()
    for node_id, data in graph.nodes(data=True):
        _add_node(rdf, node_id, data)
    for source, target, data in graph.edges(data=True):
        edge_type = data.get("type")
        if edge_type == "outperforms":
            _add_claim(rdf, source, target, data)
        elif edge_type in MENTION_RELATIONS:
            _add_mention(rdf, source, target, data)
        else:
            raise ValueError(f"edge {source!r} -> {target!r} has unknown type {edge_type!r}")
    _materialize_supers(rdf)
    return rdf
