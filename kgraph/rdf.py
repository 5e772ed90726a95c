"""Export the networkx graph as RDF in the kgraph ontology (``ontology/kgraph.ttl``).

Every node gets a readable IRI under ``https://w3id.org/kgraph/id/`` made from its node id
(``method:foo-net`` -> ``.../id/method/foo-net``); claims and mentions, which have no node id,
get a stable hash of what identifies them. Each edge becomes both a direct triple for simple
queries and an n-ary ``kg:Claim`` / ``kg:Mention`` node that keeps its evidence. The standard
super-classes and super-properties declared in the ontology are written too, so PROV-O,
DCTERMS and schema.org consumers need no reasoner. Output is deterministic: the same graph
gives the same bytes whatever the insertion order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from decimal import Decimal
from importlib.resources import files
from urllib.parse import urlsplit, urlunsplit

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO

from kgraph.atomic import write_text

KG = Namespace("https://w3id.org/kgraph/ontology#")
# Triples are made of pyoxigraph terms: ten times cheaper to create than rdflib's, written as
# N-Triples by str(), and taken as they are by Oxigraph stores and serializers.
Term = ox.NamedNode | ox.Literal
Triples = set[tuple[ox.NamedNode, ox.NamedNode, Term]]
DATA = "https://w3id.org/kgraph/id/"


def _named(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_RDF_TYPE, _PREF_LABEL, _ALT_LABEL = _named(str(RDF.type)), _named(str(SKOS.prefLabel)), _named(str(SKOS.altLabel))
_TITLE, _DATE, _URL, _SEE_ALSO = (_named(str(t)) for t in (DCTERMS.title, DCTERMS.date, SDO.url, RDFS.seeAlso))
_XSD_DATE, _XSD_INTEGER, _XSD_DECIMAL = _named(str(XSD.date)), _named(str(XSD.integer)), _named(str(XSD.decimal))
K = {name: _named(str(KG[name])) for name in (
    "Paper", "Method", "Benchmark", "Metric", "Organization", "Mention", "Claim", "proposes", "evaluatedOn",
    "comparedWith", "usesMetric", "mentionsOrganization", "abstract", "arxivId", "upvotes", "authorCount",
    "sourceLocation", "evidenceText", "evidenceStart", "evidenceEnd", "evidenceField", "extractionRule",
    "confidence", "mentionOf", "inPaper", "relation", "surfaceForm", "surfaceStart", "surfaceEnd", "outperforms",
    "winner", "loser", "statedIn", "onBenchmark", "withMetric", "margin")}

NODE_CLASSES = {kind: K[kind] for kind in ("Paper", "Method", "Benchmark", "Metric", "Organization")}
MENTION_RELATIONS = {
    "proposes": K["proposes"],
    "evaluated_on": K["evaluatedOn"],
    "compared_with": K["comparedWith"],
    "uses_metric": K["usesMetric"],
    "mentions_organization": K["mentionsOrganization"],
}
EVIDENCE_FIELDS = {"abstract": K["abstract"], "title": _TITLE}
DATA_PREFIXES = ("paper", "method", "benchmark", "metric", "organization", "claim", "mention")
FORMATS = ("turtle", "nt", "jsonld")

# RFC 3987: punctuation an IRI path/query/fragment may hold raw (iunreserved and sub-delims).
_IRI_PUNCTUATION = "-._~!$&'()*+,;="
_LONE_PERCENT_OR_CHAR = re.compile(r"%(?![0-9A-Fa-f]{2})|[^%]")
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_AUTHORITY = re.compile(r"(?:[\w.~-]+(?::[\w.~-]*)?@)?(?:[\w.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{0,5})?")


def node_iri(node_id: str) -> URIRef:
    """``kind:local`` -> ``<DATA>kind/local``, percent-encoding anything outside [A-Za-z0-9-._~].

    Node ids are slugs already; the encoding keeps the IRI valid (and readable as a Turtle
    prefixed name) for any id a caller might build.
    """
    return URIRef(node_iri_text(node_id))


def node_iri_text(node_id: str) -> str:
    """``node_iri`` as plain text: no term object to make, for the 100,000s of papers a build keys by IRI."""
    kind, sep, local = node_id.partition(":")
    if not sep or not kind or not local:
        raise ValueError(f"node id {node_id!r} is not of the form kind:local")
    return f"{DATA}{_segment(kind)}/{_segment(local)}"


@functools.lru_cache(maxsize=1 << 16)  # entity ids recur across papers
def _node(node_id: str) -> ox.NamedNode:
    return ox.NamedNode(node_iri_text(node_id))


def _segment(text: str) -> str:
    if _UNRESERVED.fullmatch(text):  # slugs, nearly always
        return text
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-._~") else _percent(ch) for ch in text)


def _percent(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))


def _hashed_iri(kind: str, *parts: str | None) -> ox.NamedNode:
    """Stable name for a node with no id of its own: a hash of what makes it unique."""
    digest = hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:16]
    return ox.NamedNode(f"{DATA}{kind}/{digest}")


def web_iri(url: str) -> URIRef | None:
    """A valid IRI for a link taken from input text, or None when it names no host (no link).

    As a browser does, ``https://`` is assumed when no scheme is given (``github.com/x/y``);
    characters RFC 3987 forbids in the path, query or fragment are percent-encoded, since one
    bad character would make the whole Turtle file unreadable to strict parsers.
    """
    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else "https://" + text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if not _SCHEME.fullmatch(parts.scheme) or not _AUTHORITY.fullmatch(parts.netloc):
        return None
    return URIRef(urlunsplit((parts.scheme, parts.netloc, _iri_part(parts.path, "/:@"),
                              _iri_part(parts.query, "/:@?"), _iri_part(parts.fragment, "/:@?"))))


def _iri_part(text: str, allowed: str) -> str:
    """Percent-encode what an IRI component may not hold raw, keeping valid ``%XX`` escapes."""
    def encode(match: re.Match[str]) -> str:
        ch = match.group()
        keep = (ch.isalnum() or ch in _IRI_PUNCTUATION or ch in allowed) if ch.isascii() else ch.isprintable()
        return ch if keep else _percent(ch)

    return _LONE_PERCENT_OR_CHAR.sub(encode, text)


def _decimal(value: float) -> ox.Literal:
    """xsd:decimal with a plain lexical form (never exponent notation, which xsd forbids)."""
    return _decimal_of(repr(float(value)))


@functools.lru_cache(maxsize=1 << 10)  # confidences: a few values, on every mention and claim
def _decimal_of(text: str) -> ox.Literal:
    """Cached by the float's text, not its value: -0.0 and 0.0 are equal but written apart."""
    return ox.Literal(format(Decimal(text), "f"), datatype=_XSD_DECIMAL)


@functools.lru_cache(maxsize=1 << 12)  # character offsets: a few thousand values, four a mention
def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_XSD_INTEGER)


def _value(value: object) -> ox.Literal:
    """A literal typed as rdflib would type the Python value (int -> xsd:integer, str -> string)."""
    return _integer(value) if isinstance(value, int) and not isinstance(value, bool) else ox.Literal(str(value))


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


def _bind_prefixes(rdf: Graph) -> None:
    for prefix, namespace in (("kg", KG), ("schema", SDO), ("dcterms", DCTERMS), ("prov", PROV),
                              ("skos", SKOS), ("xsd", XSD), ("rdfs", RDFS)):
        rdf.bind(prefix, namespace, replace=True)
    for prefix in DATA_PREFIXES:
        rdf.bind(prefix, Namespace(f"{DATA}{prefix}/"), replace=True)


def _add_node(rdf: Triples, node_id: str, data: dict) -> None:
    node_type = data.get("type")
    if node_type not in NODE_CLASSES:
        raise ValueError(f"node {node_id!r} has unknown type {node_type!r}")
    subject = _node(node_id)
    rdf.add((subject, _RDF_TYPE, NODE_CLASSES[node_type]))
    if node_type == "Paper":
        _add_paper(rdf, subject, data)
    else:
        rdf.add((subject, _PREF_LABEL, ox.Literal(data["label"])))
        for alias in data.get("aliases") or ():
            rdf.add((subject, _ALT_LABEL, ox.Literal(alias)))


def _add_paper(rdf: Triples, subject: ox.NamedNode, data: dict) -> None:
    rdf.add((subject, _TITLE, ox.Literal(data.get("title") or data["label"])))
    if data.get("date") is not None:
        rdf.add((subject, _DATE, ox.Literal(str(data["date"]), datatype=_XSD_DATE)))
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
    claim = _hashed_iri("claim", paper_id, winner_id, loser_id, benchmark_id, metric_id)
    rdf.add((claim, _RDF_TYPE, K["Claim"]))
    rdf.add((claim, K["winner"], winner))
    rdf.add((claim, K["loser"], loser))
    rdf.add((claim, K["statedIn"], _node(paper_id)))
    if benchmark_id:
        rdf.add((claim, K["onBenchmark"], _node(benchmark_id)))
    if metric_id:
        rdf.add((claim, K["withMetric"], _node(metric_id)))
    if data.get("margin") is not None:
        rdf.add((claim, K["margin"], ox.Literal(str(data["margin"]))))
    _add_evidence(rdf, claim, data)


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


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """The graph as an rdflib Graph in the kgraph ontology, with readable prefixes bound."""
    rdf = Graph()
    _bind_prefixes(rdf)
    for s, p, o in rdf_triples(graph):
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
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    return serialize_rdf(to_rdf(graph), fmt)


def serialize_rdf(rdf: Graph, fmt: str = "turtle") -> str:
    """Turtle (prefixed, grouped by subject), N-Triples (one sorted line per triple) or JSON-LD.

    rdflib's Turtle writer sorts subjects, predicates and objects, and the export has no blank
    nodes, so Turtle is byte-stable; its N-Triples and JSON-LD writers follow set order, hence
    the sort of lines and of nodes. JSON-LD is compacted with the published context
    (``ontology/context.jsonld``, embedded so the file reads offline).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    _bind_prefixes(rdf)
    if fmt == "jsonld":
        return _jsonld(rdf)
    text = rdf.serialize(format=fmt, encoding="utf-8").decode("utf-8")
    return "".join(sorted(text.splitlines(keepends=True))) if fmt == "nt" else text


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


def write_turtle(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write the Turtle export whole or not at all."""
    write_text(path, serialize(graph, "turtle"))
