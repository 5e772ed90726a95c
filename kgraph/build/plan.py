"""Phase 2 of a build, planning: what the resolved names say changed since the last build.

``scan`` fingerprints each paper (its line digest and the ids its names resolve to now) and notes
who it says beats whom; ``plan_rdf`` decides which papers' and entities' RDF is written again,
and whether the store is updated or built from nothing; ``choose_page`` what graph.html shows.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from kgraph.build.papers_index import SavedLine
from kgraph.build.state import BuildState
from kgraph.build.turtle_blocks import Placed, written_blocks
from kgraph.folder import BuildFolder
from kgraph.model import Names, Paper
from kgraph.rdf.namespace import DATA
from kgraph.rdf.terms import node_iri_text
from kgraph.resolve import NameTally, Resolution


def fingerprint(*parts: str) -> str:
    """A fingerprint: a digest of what a paper's or an entity's RDF is made from."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


# The key in graph.ttl's index of the last block, the analyses of all claims (conflicts, standings:
# kgraph.build.analysis), whose fingerprint is one of every other block's: any change makes it again.
ANALYSIS_KEY = f"{DATA}analysis"


def analysis_fingerprint(blocks: dict[str, str]) -> str:
    """The analyses' fingerprint: a digest of every other block's IRI and fingerprint, in order."""
    return fingerprint(*(f"{iri}={print_}" for iri, print_ in blocks.items()))


@dataclass
class Scan:
    """What the papers' names tell, once resolved."""

    fingerprints: dict[str, str] = field(default_factory=dict)  # paper IRI -> fingerprint, in papers.jsonl order
    line_digests: list[str] = field(default_factory=list)  # of each paper's line, in the same order
    changed: set[int] = field(default_factory=set)  # line numbers whose fingerprint differs from the last build's
    claims: dict[int, set[tuple[str, str]]] = field(default_factory=dict)  # line number -> (winner, loser) ids
    claimed: dict[str, tuple[int, list[tuple[str, str]]]] = field(default_factory=dict)  # IRI -> claims, their ids
    claim_count: int = 0
    names_parsed: int = 0  # papers whose names were parsed and resolved (the others: as the last build found them)


Found = tuple[str, int, set[tuple[str, str]]]  # a paper's fingerprint, how many claims it makes, their ids


def scan(papers: list[Paper], lines: list[tuple[str, SavedLine]], resolution: Resolution,
         state: BuildState | None, tally: NameTally) -> Scan:
    """Fingerprint each paper and note who it says beats whom, for choosing what the page shows.

    A paper whose line is the one the last build scanned, and which names nothing that resolves
    otherwise now (the tally knows which papers name what), is as that build found it (``state``):
    only the others are parsed and resolved again (at 100,000 papers, doing all of them took 2-3 s
    of every rebuild).
    """
    result = Scan()
    found_before = _last_findings(resolution, state, tally)
    last_fingerprints = state.papers if state is not None else {}
    for number, (paper, (_, line)) in enumerate(zip(papers, lines)):
        if (found := found_before(paper.key, line)) is not None:
            fingerprint, count, pairs = found
        else:
            fingerprint, count, pairs = _resolve_names(line, resolution)
            result.names_parsed += 1
        result.fingerprints[line.iri] = fingerprint
        result.line_digests.append(line.digest)
        if last_fingerprints.get(line.iri) != fingerprint:
            result.changed.add(number)
        result.claim_count += count
        if count:
            result.claimed[line.iri] = (count, sorted(pairs))
        if pairs:
            result.claims[number] = pairs
    return result


def _resolve_names(line: SavedLine, resolution: Resolution) -> Found:
    names = Names.from_json(line.names)
    key = names.paper_key
    ids = sorted({resolution.entity_id(kind, name, key) for kind, name in names.names})
    pairs = {(resolution.entity_id("method", w, key), resolution.entity_id("method", lo, key))
             for w, lo in names.claims}
    return fingerprint(line.digest, *ids), len(names.claims), {(w, lo) for w, lo in pairs if w != lo}


def _last_findings(resolution: Resolution, state: BuildState | None,
                   tally: NameTally) -> Callable[[str, SavedLine], Found | None]:
    """What the last build found of a paper (by its key and line), if it holds now: the same line,
    and none of the names that resolve otherwise now. None without a state of this version."""
    if state is None:
        return lambda key, line: None
    try:
        keys, papers = resolution.changed_since(state.resolution)
    except (KeyError, ValueError, TypeError):  # not a resolution this version saved
        return lambda key, line: None
    again = tally.papers_naming(keys) | papers
    line_digests = state.line_digest_of()

    def found(key: str, line: SavedLine) -> Found | None:
        if line_digests.get(line.iri) != line.digest or key in again:
            return None
        count, pairs = state.claims.get(line.iri, (0, []))
        return state.papers[line.iri], count, {(w, lo) for w, lo in pairs}

    return found


def entity_fingerprints(resolution: Resolution) -> dict[str, str]:
    """Entity id -> fingerprint of what its RDF (and its node on the page) is made from."""
    return {eid: fingerprint(e.label, *e.aliases, e.broader or "", "\t".join(e.replaces))
            for eid, e in resolution.entities.items()}


@dataclass
class RdfPlan:
    """What phase 3 writes: which papers' Turtle, which entities', and how the store is brought up to date."""

    changed: set[int]  # line numbers of the papers whose Turtle is written
    known: dict[str, str]  # paper IRI -> fingerprint of what the store holds (empty: it is built from nothing)
    old_blocks: Placed  # where the last graph.ttl holds the blocks copied from it
    fingerprints: dict[str, str]  # paper IRI -> fingerprint now
    entities: dict[str, str]  # entity id -> fingerprint now
    serialize: list[str]  # entity ids whose Turtle is made: changed in the store, or not in graph.ttl as they are
    unwritten: set[str]  # entity IRIs whose blocks graph.ttl cannot copy
    replaced: set[str]  # entity IRIs whose description the store replaces
    gone: set[str]  # entity IRIs no more
    blocks_in_order: dict[str, str]  # IRI -> fingerprint of every block of graph.ttl, in order

    @property
    def analysis_stale(self) -> bool:
        """Whether the analyses of all claims are made again (graph.ttl holds none as they would be)."""
        return self.old_blocks.get(ANALYSIS_KEY, (0, 0, ""))[2] != self.blocks_in_order[ANALYSIS_KEY]

    @property
    def entity_iris(self) -> list[str]:
        """What the store drops of entities before it adds their current triples."""
        return sorted(self.replaced | self.gone)


def plan_rdf(folder: BuildFolder, found: Scan, resolution: Resolution, state: BuildState | None,
             rdf_version: str) -> RdfPlan:
    """The RDF of every paper is written again, and the store built from nothing, when most papers
    changed (a new extractor version, a renamed input: deleting each from the store by SPARQL costs
    far more), when the last build stopped while changing them (the state then no longer says
    what graph.ttl and the store hold; the ``updating`` marker tells), when graph.ttl, where
    unchanged papers' Turtle is copied from, is not there as written, or when other code wrote
    the RDF (kgraph upgraded: its Turtle may say things otherwise)."""
    fingerprints, changed = found.fingerprints, found.changed
    old_blocks = None if folder.updating.exists() else written_blocks(folder.graph_ttl, folder.graph_ttl_index)
    trusted = (state is not None and old_blocks is not None and len(changed) * 2 <= len(fingerprints)
               and state.rdf_writer == rdf_version)
    known = state.papers if trusted else {}
    if not known:
        changed, old_blocks = set(range(len(fingerprints))), {}
    last_entities = state.entities if state is not None else {}
    entities = entity_fingerprints(resolution)
    iris = {eid: node_iri_text(eid) for eid in entities}
    replaced = {eid for eid, print_ in entities.items() if not known or last_entities.get(eid) != print_}
    # graph.ttl copies the other entities' Turtle from where it lies in the last one (at 100,000
    # papers, serializing all 30,000 took 1-2 s of every rebuild)
    unwritten = {eid for eid, print_ in entities.items() if old_blocks.get(iris[eid], (0, 0, ""))[2] != print_}
    in_order = {iri: entities[eid] for iri, eid in sorted((iri, eid) for eid, iri in iris.items())} | fingerprints
    in_order[ANALYSIS_KEY] = analysis_fingerprint(in_order)
    return RdfPlan(changed, known, old_blocks, fingerprints, entities, sorted(replaced | unwritten),
                   {iris[e] for e in unwritten}, {iris[e] for e in replaced},
                   {node_iri_text(e) for e in set(last_entities) - set(entities)}, in_order)


# The page holds at most this many papers: all of a small corpus, else claim-making ones (it is about who beats whom).
PAGE_ALL_PAPERS_LIMIT = 5000
PAGE_MAX_METHODS = 2000  # the page lays out what it holds; 2,000 methods render in under 3 s


@dataclass
class PageChoice:
    lines: set[int]  # numbers of the papers.jsonl lines the page shows
    keep: set[str] | None  # the methods it shows, if not all
    notes: list[str]  # what it leaves out


def choose_page(found: Scan, all_papers_limit: int = PAGE_ALL_PAPERS_LIMIT,
                max_methods: int = PAGE_MAX_METHODS) -> PageChoice:
    """What graph.html shows.

    The page lays out every method it holds, so it keeps the ``max_methods`` most compared ones;
    above ``all_papers_limit`` papers it holds only that many papers, those whose claims are about
    the most compared methods, and only they are read back.
    """
    degree: Counter[str] = Counter(m for pairs in found.claims.values() for pair in pairs for m in pair)
    keep = {m for m, _ in sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:max_methods]}
    total, notes = len(found.fingerprints), []
    if total <= all_papers_limit:
        lines = set(range(total))
    else:
        about_kept = {n: sum(degree[m] for pair in pairs if set(pair) <= keep for m in pair)
                      for n, pairs in found.claims.items()}
        ranked = sorted((n for n, score in about_kept.items() if score), key=lambda n: (-about_kept[n], n))
        lines = set(ranked[:all_papers_limit])
        notes.append(f"graph.html shows {len(lines)} of the {len(found.claims)} papers that make claims, "
                     f"those about the most compared methods (the corpus is above {all_papers_limit} papers)")
    if len(degree) <= max_methods:
        return PageChoice(lines, None, notes)
    notes.append(f"graph.html shows the {max_methods} most compared of {len(degree)} methods")
    return PageChoice(lines, keep, notes)
