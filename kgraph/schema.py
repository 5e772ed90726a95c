"""What the graph is made of, as two tables: the kinds of entity and the roles a paper's mention plays.

Every other table is derived from these two: the node types of the networkx graph and the
classes of the ontology (``kind.node_type``), the IRI prefixes of the data (``kgraph.rdf.namespace``),
the fields an extraction lists mentions in, the edge types from a paper to an entity and the
RDF properties beside them (``role.field``, ``role.edge``, ``role.property``). A sixth kind or
role is one row here (and its class or property in ``ontology/kgraph.ttl``: a unit test checks
that every row has them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityKind:
    name: str  # as ``Mention.kind``, node ids (``method:foo``) and IRIs (``.../id/method/foo``) write it
    node_type: str  # the networkx node type, and the ontology's class (``kg:Method``)


@dataclass(frozen=True)
class MentionRole:
    field: str  # the ``Extraction`` field (and gold-record key) that lists these mentions
    kind: str  # the ``EntityKind.name`` of what they mention
    edge: str  # the networkx edge type, paper -> entity
    property: str  # the ontology's property for that edge (``kg:proposes``)


# The ontology's namespace: the RDF of the data and the SKOS vocabularies the extractor reads use it.
KG_IRI = "https://w3id.org/kgraph/ontology#"

ENTITY_KINDS = (
    EntityKind("method", "Method"),
    EntityKind("benchmark", "Benchmark"),
    EntityKind("metric", "Metric"),
    EntityKind("organization", "Organization"),
)

# In the order an extraction lists them (the order names are counted and edges added in).
MENTION_ROLES = (
    MentionRole("proposed", "method", "proposes", "proposes"),
    MentionRole("benchmarks", "benchmark", "evaluated_on", "evaluatedOn"),
    MentionRole("baselines", "method", "compared_with", "comparedWith"),
    MentionRole("metrics", "metric", "uses_metric", "usesMetric"),
    MentionRole("organizations", "organization", "mentions_organization", "mentionsOrganization"),
)

PAPER_TYPE = "Paper"  # the node type (and class) of papers, which are not entities
KIND_NAMES = tuple(kind.name for kind in ENTITY_KINDS)
NODE_TYPES = {kind.name: kind.node_type for kind in ENTITY_KINDS}  # entity kind -> node type
MENTION_FIELDS = tuple(role.field for role in MENTION_ROLES)
