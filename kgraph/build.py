"""A whole build, streamed: read -> extract (cached, parallel) -> resolve -> RDF store -> exports.

Phase 1 streams extractions into ``papers.jsonl``; phase 2 reads them back twice, once for the
names (resolution) and once, batch by batch, to write each paper's RDF into the on-disk store.
Only papers whose facts or resolved entities changed since the last build are rewritten, which
makes ``kgraph build`` on a grown input, and ``--update``, incremental. Nothing holds the whole
corpus as RDF; ``graph.ttl`` is dumped from the store.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kgraph.atomic import atomic_writer, write_text
from kgraph.cache import ExtractionCache
from kgraph.engine import batched, extract_stream
from kgraph.extract import extractor_version
from kgraph.graph import NODE_TYPES, build_graph, paper_node_id, summary
from kgraph.model import Extraction, Paper
from kgraph.rdf import node_iri, rdf_triples
from kgraph.resolve import Resolution, names_by_kind, resolve
from kgraph.saved import PAPERS_FILE, parse_record, saved_records
from kgraph.store import (delete_papers, dump_turtle, is_entity, load_ntriples, open_store, refresh_shortcuts,
                          replace_entities)
from kgraph.viz import write_html

STATE_DIR = ".kgraph"
# Above this many papers the page shows only papers with claims: the page is about who beats whom.
PAGE_ALL_PAPERS_LIMIT = 5000
RDF_BATCH = 128  # papers per worker task when writing RDF
PAGE_MAX_METHODS = 2000  # the page lays out what it holds; 2,000 methods render in under 3 s

Progress = Callable[[str, int], Callable[[int], None]]  # (stage, total) -> advance(n)


@dataclass
class BuildReport:
    counts: dict[str, int]
    extracted: int = 0  # papers extracted now (not from the cache)
    rewritten: int = 0  # papers whose RDF was (re)written
    notes: list[str] = field(default_factory=list)


def _record(paper: Paper, facts: str) -> str:
    """The papers.jsonl line: what json.dumps(..., sort_keys=True) writes, with the facts already JSON."""
    paper_json = json.dumps(paper.to_dict(), ensure_ascii=False, sort_keys=True)
    return '{"extraction": ' + facts + ', "paper": ' + paper_json + "}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _entity_ids(paper: Paper, extraction: Extraction, resolution: Resolution) -> list[str]:
    """The entities a paper's RDF points at, as resolved now."""
    ids = [resolution.entity_id(kind, name, paper.key) for kind, name in names_by_kind(extraction)]
    return sorted(set(ids))


_WORKER_RESOLUTION: Resolution | None = None


def _set_resolution(resolution: Resolution) -> None:
    global _WORKER_RESOLUTION
    _WORKER_RESOLUTION = resolution


def _rdf_batch(lines: list[str]) -> tuple[int, str]:
    """N-Triples of a batch of saved papers, without entity descriptions (written once, apart) and
    without the outperforms shortcuts (recomputed by the store); runs in a worker holding the resolution."""
    assert _WORKER_RESOLUTION is not None
    records = [parse_record(line) for line in lines]
    graph = build_graph([p for p, _ in records], {p.key: e for p, e in records}, _WORKER_RESOLUTION,
                        all_entities=False)
    text = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in rdf_triples(graph) if not is_entity(str(s)))
    return len(lines), text


def _entity_triples(resolution: Resolution, ids: list[str]) -> list[tuple]:
    graph = nx.MultiDiGraph()
    for entity_id in ids:
        entity = resolution.entities[entity_id]
        graph.add_node(entity_id, type=NODE_TYPES[entity.kind], label=entity.label, aliases=list(entity.aliases))
    return sorted(rdf_triples(graph))


def build(papers: list[Paper], output: Path, jobs: int = 1, dask_address: str | None = None,
          use_cache: bool = True, progress: Progress | None = None) -> BuildReport:
    """Build (or bring up to date) the outputs in ``output`` for these papers."""
    output.mkdir(parents=True, exist_ok=True)
    state_dir = output / STATE_DIR
    state_dir.mkdir(exist_ok=True)
    advance = progress("extracting", len(papers)) if progress else None
    report = BuildReport(counts={})

    def on_batch(done: int, extracted: int) -> None:
        report.extracted += extracted
        if advance:
            advance(done)

    # Phase 1: extraction, streamed to papers.jsonl (renamed into place only when complete).
    cache = ExtractionCache(state_dir / "cache.sqlite", extractor_version()) if use_cache else None
    try:
        with atomic_writer(output / PAPERS_FILE) as handle:
            for paper, facts in extract_stream(papers, jobs, cache, on_batch, dask_address=dask_address):
                handle.write(_record(paper, facts) + "\n")
    finally:
        if cache is not None:
            cache.close()

    # Phase 2: resolution over names only, then the store, paper by paper.
    saved = output / PAPERS_FILE
    resolution = resolve(e for _, _, e in saved_records(saved))
    state_path = state_dir / "state.json"
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {"papers": {}, "entities": {}}
    store = open_store(state_dir / "store")
    try:
        report.rewritten = _update_store(store, saved, resolution, state, jobs, progress, state_dir / "batch.nt")
        entities = {eid: _digest(e.label, *e.aliases) for eid, e in resolution.entities.items()}
        changed = sorted(eid for eid, digest in entities.items() if state["entities"].get(eid) != digest)
        gone = sorted(set(state["entities"]) - set(entities))
        replace_entities(store, [str(node_iri(e)) for e in (*changed, *gone)], _entity_triples(resolution, changed))
        refresh_shortcuts(store)
        store.flush()
        dump_turtle(store, output / "graph.ttl")
        state["entities"] = entities
        write_text(state_path, json.dumps(state, sort_keys=True))
    finally:
        del store  # release the store's lock before anyone reopens it

    graph, report.counts = _page_graph(saved, resolution, report)
    write_html(graph, output / "graph.html")
    return report


def _update_store(store, saved: Path, resolution: Resolution, state: dict, jobs: int,
                  progress: Progress | None, scratch: Path) -> int:
    """Rewrite the papers whose fingerprint changed; drop papers no longer in the build.

    Fingerprints cover a paper's saved record and the ids its entities resolve to now. Changed
    papers stream from papers.jsonl to workers that write N-Triples, loaded in one go by Oxigraph.
    """
    fingerprints: dict[str, str] = {}
    changed: set[int] = set()
    for number, (line, paper, extraction) in enumerate(saved_records(saved)):
        iri = str(node_iri(paper_node_id(paper)))
        fingerprints[iri] = _digest(line, *_entity_ids(paper, extraction, resolution))
        if state["papers"].get(iri) != fingerprints[iri]:
            changed.add(number)
    known = set(state["papers"])
    delete_papers(store, {iri for iri in known if state["papers"][iri] != fingerprints.get(iri)})  # changed or gone
    advance = progress("writing RDF", len(changed)) if progress and changed else None
    with saved.open(encoding="utf-8") as handle:
        lines = (line for number, line in enumerate(handle) if number in changed)
        batches = batched(lines, RDF_BATCH)
        with atomic_writer(scratch) as ntriples:
            if jobs > 1 and len(changed) > RDF_BATCH:
                with ProcessPoolExecutor(jobs, initializer=_set_resolution, initargs=(resolution,)) as pool:
                    _write_batches(ntriples, pool.map(_rdf_batch, batches), advance)
            else:
                _set_resolution(resolution)
                _write_batches(ntriples, map(_rdf_batch, batches), advance)
    load_ntriples(store, scratch, bulk=not known)
    scratch.unlink()
    state["papers"] = fingerprints  # saved by the caller once the whole store is consistent
    return len(changed)


def _write_batches(ntriples, results: Iterator[tuple[int, str]], advance) -> None:
    for count, text in results:
        ntriples.write(text)
        if advance:
            advance(count)


def _page_graph(saved: Path, resolution: Resolution, report: BuildReport) -> tuple[nx.MultiDiGraph, dict[str, int]]:
    """The graph behind graph.html, and the build's counts, in one pass over papers.jsonl.

    On a large corpus the page holds only the papers that make claims and, among their methods,
    the most compared ones (the page lays out every method it holds); the counts cover everything.
    """
    papers, extractions, total, claims = [], {}, 0, 0
    for _, paper, extraction in saved_records(saved):
        total += 1
        claims += len(extraction.claims)
        if extraction.claims or total <= PAGE_ALL_PAPERS_LIMIT:
            papers.append(paper)
            extractions[paper.key] = extraction
    if total > PAGE_ALL_PAPERS_LIMIT:
        papers = [p for p in papers if extractions[p.key].claims]
        report.notes.append(f"graph.html shows the {len(papers)} papers that make claims "
                            f"(the corpus is above {PAGE_ALL_PAPERS_LIMIT} papers)")
    graph = build_graph(papers, extractions, resolution, all_entities=False)
    degree: Counter[str] = Counter()
    for winner, loser, kind in graph.edges(data="type"):
        if kind == "outperforms":
            degree.update((winner, loser))
    if len(degree) > PAGE_MAX_METHODS:
        keep = {m for m, _ in sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:PAGE_MAX_METHODS]}
        graph.remove_nodes_from([n for n, kind in list(graph.nodes(data="type")) if kind == "Method" and n not in keep])
        report.notes.append(f"graph.html shows the {PAGE_MAX_METHODS} most compared of {len(degree)} methods")
    counts = {"Paper": total, **{kind: 0 for kind in NODE_TYPES.values()}}
    for entity in resolution.entities.values():
        counts[NODE_TYPES[entity.kind]] += 1
    counts["claims"] = claims if total > PAGE_ALL_PAPERS_LIMIT else summary(graph)["claims"]
    return graph, counts
