"""The names of kgraph's RDF: the ontology's namespace, the data's, and the one prefix table.

Every prefix written anywhere (graph.ttl's header, rdflib's bindings for the exports, the short
IRIs of query tables) comes from ``PREFIXES``; ``ontology/context.jsonld`` states the same ones
for JSON-LD readers (a unit test checks that they agree).
"""

from __future__ import annotations

from rdflib import Namespace

from kgraph.schema import KG_IRI, KIND_NAMES

KG = Namespace(KG_IRI)
DATA = "https://w3id.org/kgraph/id/"  # every node's IRI: DATA + prefix + "/" + local name
# The data's own prefixes: papers, each entity kind, the claim and mention nodes, and the nodes
# of the analyses of the whole graph (conflicts, standings).
DATA_PREFIXES = ("paper", *KIND_NAMES, "claim", "mention", "conflict", "standing")
PREFIXES = {
    "kg": KG_IRI,
    **{prefix: f"{DATA}{prefix}/" for prefix in DATA_PREFIXES},
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
KGRAPH_PREFIXES = {prefix: iri for prefix, iri in PREFIXES.items() if prefix == "kg" or iri.startswith(DATA)}
_ENTITY_PATHS = tuple(f"{kind}/" for kind in KIND_NAMES)


def is_entity(iri: str) -> bool:
    """True for the IRI of a method, benchmark, metric or organization."""
    return iri.startswith(DATA) and iri[len(DATA):].startswith(_ENTITY_PATHS)
