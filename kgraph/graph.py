"""The knowledge graph as a networkx MultiDiGraph.

Nodes are ``paper:<id>``, ``method:<slug>``, ``benchmark:<slug>``, ``metric:<slug>`` and
``organization:<slug>``, each with ``type`` (Paper, Method, Benchmark, Metric, Organization),
``label`` and ``aliases``; papers also carry their bibliographic attributes.

Edges carry ``type`` and are keyed by it: ``proposes``, ``evaluated_on``, ``compared_with``,
``uses_metric``, ``mentions_organization`` (paper -> entity) and ``outperforms`` (method ->
method, with ``benchmark``/``metric`` node ids, ``margin``, ``paper``, ``claim``: the claim's own
id, ``claim:<hash>`` of ``claim_identities``, and ``revisions``: its earlier versions, if any). Every edge keeps its
evidence: ``evidence`` (sentence), ``evidence_start``/``evidence_end`` (offsets in
``evidence_field`` of the paper), ``rule`` and ``confidence``; a fact a person checked
(``kgraph.curate``) also ``curation_status``, ``curator``, ``curated_at`` and ``machine_<field>``
for each value they corrected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import networkx as nx

from kgraph.model import Claim, Curation, Evidence, Extraction, Mention, Paper, normalize_name
from kgraph.resolve import Entity, Resolution, slugify
from kgraph.schema import MENTION_ROLES, NODE_TYPES, PAPER_TYPE


def paper_node_id(paper: Paper) -> str:
    """Papers are named by arXiv id when known, else by a slug of the title.

    Distinct papers (distinct ``Paper.key``) get distinct ids: a slug that drops letters of the
    title (Greek, Chinese: the slug keeps a-z, digits and hyphens) ends with a dot, which no slug
    holds, and 64 bits of a digest of the key.
    """
    if paper.arxiv_id:
        return f"paper:{paper.arxiv_id}"
    slug = slugify(paper.title)
    if slug.replace("-", "") != paper.key:
        slug += "." + hashlib.sha256(paper.key.encode("utf-8")).hexdigest()[:16]
    return f"paper:{slug}"


def claim_identities(claims: list[Claim]) -> list[tuple[str, ...]]:
    """What identifies each of a paper's claims across re-extractions: its sentence (field and
    words) and its winner's, loser's and benchmark's names as the machine read them (a curator's
    correction keeps the claim), normalised as resolution compares names. A later claim of the list
    that shares all that ("faster and more accurate than X": two claims) adds its metric's name; the
    first keeps the plain identity, so a sentence's claim keeps its IRI when a new extractor finds
    a second metric in it.

    Names, not entity ids: the entities the names resolve to may merge or split later, the claim
    stays. Metric, margin, value, unit, rule, confidence and offsets change in place (``revisions``)."""
    identities: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for claim in claims:
        base = _claim_base(claim)
        identities.append(base + (_machine_key(claim, "metric"),) if base in seen else base)
        seen.add(base)
    return identities


def _claim_base(claim: Claim) -> tuple[str, ...]:
    sentence = normalize_name.__wrapped__(claim.evidence.text)  # not cached: sentences do not recur as names do
    return (claim.evidence.field, sentence, *(_machine_key(claim, name) for name in ("winner", "loser", "benchmark")))


def _machine_key(claim: Claim, name: str) -> str:
    """The name key of one of a claim's values as the machine read it."""
    original = claim.curation.original if claim.curation is not None else {}
    value = original[name] if name in original else getattr(claim, name)
    return normalize_name(value or "")


def claim_id(paper_id: str, identity: tuple[str, ...]) -> str:
    """A claim's node id (its IRI: ``kgraph.rdf.terms.node_iri_text``): a hash of its paper and identity."""
    digest = hashlib.sha256(json.dumps([paper_id, *identity], ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"claim:{digest[:16]}"


def _evidence_attrs(evidence: Evidence, rule: str, confidence: float,
                    curation: Curation | None) -> dict[str, object]:
    attrs: dict[str, object] = {
        "evidence": evidence.text,
        "evidence_start": evidence.start,
        "evidence_end": evidence.end,
        "evidence_field": evidence.field,
        "rule": rule,
        "confidence": round(confidence, 3),
    }
    if curation is not None:  # who checked it (kgraph.curate), and the machine's values they corrected
        attrs.update(curation_status=curation.status, curator=curation.curator, curated_at=curation.at,
                     **{f"machine_{name}": value for name, value in curation.original.items()})
    return attrs


def build_graph(papers: Iterable[Paper], extractions: dict[str, Extraction], resolution: Resolution,
                all_entities: bool = True) -> nx.MultiDiGraph:
    """Assemble papers, their extractions and the resolved entities into one graph.

    With ``all_entities=False`` only the entities these papers touch are added: the graph of one
    batch of a streamed build.
    """
    graph = nx.MultiDiGraph()
    if all_entities:
        for entity in sorted(resolution.entities.values(), key=lambda e: e.id):
            _add_entity(graph, resolution, entity.id)

    for paper in sorted(papers, key=paper_node_id):
        paper_id = paper_node_id(paper)
        graph.add_node(
            paper_id,
            type=PAPER_TYPE,
            label=paper.title,
            aliases=[],
            title=paper.title,
            abstract=paper.abstract,
            date=paper.date,
            url=paper.url,
            arxiv_id=paper.arxiv_id,
            upvotes=paper.upvotes,
            authors=paper.authors,
            sources=[str(s) for s in paper.sources],
            urls=list(paper.urls),
        )
        extraction = extractions.get(paper.key)
        if extraction is None:
            continue
        for role in MENTION_ROLES:
            for mention in getattr(extraction, role.field):
                _add_mention_edge(graph, resolution, paper, paper_id, mention, role.edge)
        for claim, identity in zip(extraction.claims, claim_identities(extraction.claims)):
            _add_claim_edge(graph, resolution, paper, paper_id, claim, claim_id(paper_id, identity))
    return graph


def entity_attrs(entity: Entity) -> dict:
    """An entity's node attributes: type, label, aliases and, for a variant, the entity it belongs to."""
    attrs = {"type": NODE_TYPES[entity.kind], "label": entity.label, "aliases": list(entity.aliases)}
    if entity.broader is not None:
        attrs["broader"] = entity.broader
    if entity.replaces:  # ids of entities found to be this one: their IRIs stay resolvable
        attrs["replaces"] = list(entity.replaces)
    return attrs


def _add_entity(graph: nx.MultiDiGraph, resolution: Resolution, entity_id: str) -> None:
    if entity_id not in graph:
        graph.add_node(entity_id, **entity_attrs(resolution.entities[entity_id]))


def _add_mention_edge(graph: nx.MultiDiGraph, resolution: Resolution, paper: Paper, paper_id: str,
                      mention: Mention, edge_type: str) -> None:
    target = resolution.entity_id(mention.kind, mention.name, paper.key)
    _add_entity(graph, resolution, target)
    if graph.has_edge(paper_id, target, key=edge_type):
        return  # one edge per paper and entity; the first (earliest) evidence is kept
    graph.add_edge(paper_id, target, key=edge_type, type=edge_type, name=mention.name,
                   name_start=mention.start, name_end=mention.end,
                   **_evidence_attrs(mention.evidence, mention.rule, mention.confidence, mention.curation))


def _add_claim_edge(graph: nx.MultiDiGraph, resolution: Resolution, paper: Paper, paper_id: str, claim: Claim,
                    node_id: str) -> None:
    winner = resolution.entity_id("method", claim.winner, paper.key)
    loser = resolution.entity_id("method", claim.loser, paper.key)
    if winner == loser:
        return
    benchmark = resolution.entity_id("benchmark", claim.benchmark, paper.key) if claim.benchmark else None
    metric = resolution.entity_id("metric", claim.metric, paper.key) if claim.metric else None
    for entity_id in (winner, loser, benchmark, metric):
        if entity_id is not None:
            _add_entity(graph, resolution, entity_id)
    key = f"outperforms|{paper_id}|{benchmark or ''}|{metric or ''}"
    if graph.has_edge(winner, loser, key=key):
        return
    history = {"revisions": claim.revisions} if claim.revisions else {}
    graph.add_edge(winner, loser, key=key, type="outperforms", paper=paper_id, claim=node_id, benchmark=benchmark,
                   metric=metric, margin=claim.margin, margin_value=claim.margin_value, margin_unit=claim.margin_unit,
                   **_evidence_attrs(claim.evidence, claim.rule, claim.confidence, claim.curation), **history)


def summary(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Counts a user checks first: papers, entities by type, claims."""
    counts: dict[str, int] = {t: 0 for t in (PAPER_TYPE, *NODE_TYPES.values())}
    for _, node_type in graph.nodes(data="type"):
        counts[node_type] = counts.get(node_type, 0) + 1
    counts["claims"] = sum(1 for *_, t in graph.edges(data="type") if t == "outperforms")
    return counts
