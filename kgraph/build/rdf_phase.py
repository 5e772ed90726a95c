"""Phase 3 of a build: the RDF of what changed, into the Oxigraph store and graph.ttl.

Workers (or this process, when few papers changed) turn each changed paper's line into a Turtle
block; the blocks go into chunk files, which the store loads one by one and graph.ttl copies its
new blocks from (the unchanged ones it copies from the last graph.ttl). With more than one job
the store loads in a background thread (Oxigraph works off the GIL) while workers write the
next chunks, and graph.ttl is written in another thread. Nothing holds the whole corpus as RDF.
"""

from __future__ import annotations

import functools
import itertools
import queue
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kgraph.build.analysis import replace_analysis
from kgraph.build.engine import batched
from kgraph.build.plan import RdfPlan
from kgraph.build.store import delete_papers, load_turtle, open_store, refresh_shortcuts, replace_entities
from kgraph.build.turtle_blocks import Block, subject_blocks, turtle_block, write_chunk, write_graph_ttl
from kgraph.build.workers import Workers
from kgraph.folder import LOAD_PREFIX, BuildFolder
from kgraph.graph import build_graph, entity_attrs
from kgraph.rdf.namespace import is_entity
from kgraph.rdf.triples import K, rdf_triples
from kgraph.resolve import Resolution
from kgraph.saved import parse_line

RDF_BATCH = 128  # papers per worker task when writing RDF
LOAD_CHUNK = 1000  # papers per bulk load into the store at most (about 130,000 triples)
# Fewer changed papers still come in a few chunks (of LOAD_CHUNK_MIN papers or more), so that
# the store loads the first while the next are written rather than all once they are.
LOAD_CHUNKS_AT_LEAST = 4
LOAD_CHUNK_MIN = 200
COMPACT_AFTER_CHUNKS = 10  # a build that loaded this many chunks or more compacts the store

ReadLines = Callable[[Iterable[int]], Iterator[str]]  # papers.jsonl lines by number


@dataclass(frozen=True)
class Chunking:
    """How the changed papers' Turtle is cut and loaded (tests make the units small)."""

    rdf_batch: int = RDF_BATCH
    load_chunk: int = LOAD_CHUNK
    load_chunks_at_least: int = LOAD_CHUNKS_AT_LEAST
    load_chunk_min: int = LOAD_CHUNK_MIN
    compact_after_chunks: int = COMPACT_AFTER_CHUNKS

    def chunk_size(self, changed: int) -> int:
        return min(self.load_chunk, max(self.load_chunk_min, -(-changed // self.load_chunks_at_least)))


@dataclass
class RdfCounts:
    """What phase 3 did, for the build report."""

    entities_serialized: int = 0  # entities whose Turtle was made (the others' copied from graph.ttl)
    chunks_loaded: int = 0  # Turtle chunk files bulk-loaded into the store
    store_deleted: int = 0  # papers deleted from the store before their new RDF was loaded
    store_rebuilt: bool = False  # the store was built from nothing
    store_compacted: bool = False
    analysis_written: bool = False  # the conflicts and standings were made again (something changed)


def paper_rdf(resolution: Resolution, lines: list[str]) -> list[tuple[str, str]]:
    """(paper IRI, Turtle block) of each saved paper: what graph.ttl holds and the store loads.

    Entity descriptions are written once, apart; the links between entities (``kg:outperforms``
    shortcuts) stay, so graph.ttl needs no store. A task of the workers (or of this process).
    """
    from kgraph.build.extract_phase import paper_iri  # the worker needs nothing else of phase 1

    results = []
    for line in lines:
        paper, extraction = parse_line(line)
        graph = build_graph([paper], {paper.key: extraction}, resolution, all_entities=False)
        # an entity's own triples are in its block; the paper's block has its shortcuts (outperforms)
        triples = [t for t in rdf_triples(graph) if not is_entity(t[0].value) or t[1] == K["outperforms"]]
        iri = paper_iri(paper)
        results.append((iri, turtle_block(triples, lead=iri)))  # the paper, then its claims and mentions
    return results


def entity_triples(resolution: Resolution, ids: list[str]) -> list[tuple]:
    graph = nx.MultiDiGraph()
    for entity_id in ids:
        graph.add_node(entity_id, **entity_attrs(resolution.entities[entity_id]))
    return list(rdf_triples(graph))


@dataclass
class RdfJob:
    """Everything phase 3 needs, besides the plan."""

    folder: BuildFolder
    read_lines: ReadLines
    workers: Workers
    in_workers: bool  # the changed papers' Turtle is written by the workers
    jobs: int
    chunking: Chunking
    advance: Callable[[int], None] | None
    counts: RdfCounts = field(default_factory=RdfCounts)


def write_rdf(job: RdfJob, plan: RdfPlan) -> None:
    """Bring the store and graph.ttl up to date with ``plan``: in turn with one job, else at once."""
    triples = entity_triples(job.workers.resolution, plan.serialize)
    job.counts.entities_serialized = len(plan.serialize)
    with tempfile.TemporaryDirectory(dir=job.folder.state_dir, prefix=LOAD_PREFIX) as load:
        # Where graph.ttl takes the Turtle of what changed from: the entities' file, written now,
        # and the chunk files of the changed papers, loaded into the store as they are written.
        new_blocks: dict[str, Block] = write_chunk(Path(load) / "entities.ttl", [
            block for block in subject_blocks(triples) if block[0] in plan.unwritten])
        store_triples = [t for t in triples if t[0].value in plan.replaced]

        def analyse(store: ox.Store) -> None:  # once the store holds every claim as it is now
            new_blocks.update(replace_analysis(store, Path(load)))
            job.counts.analysis_written = True

        update = functools.partial(update_store, job.folder.store, plan, store_triples, job.chunking, job.counts,
                                   analyse if plan.analysis_stale else None, job.jobs > 1)
        write_ttl = functools.partial(write_graph_ttl, job.folder.graph_ttl, job.folder.graph_ttl_index,
                                      plan.blocks_in_order, plan.old_blocks, new_blocks)
        papers = functools.partial(_write_papers_rdf, job, plan.changed, Path(load), new_blocks)
        if job.jobs > 1:
            _concurrently(papers, update, write_ttl)
        else:  # one job, one core: each step in turn
            loaded: list[Path] = []
            papers(loaded.append)
            update(loaded)
            write_ttl()


def _concurrently(papers: Callable, update: Callable, write_ttl: Callable) -> None:
    """The store loads each chunk while the workers write the next ones, and graph.ttl (mostly
    copied by the kernel) is written meanwhile up to the first changed paper (all of it but the
    new papers, for a grown input), then the changed papers' blocks once all are written, while
    the store still loads them, and last the analyses of all claims, made from the store once it
    is up to date (while it compacts): Oxigraph and copies work off the GIL."""
    with ThreadPoolExecutor(2) as background:
        chunks: queue.Queue[Path | None] = queue.Queue()
        rdf_written = threading.Event()
        analysed: Future[None] = Future()
        stored = background.submit(update, iter(chunks.get, None), lambda: analysed.set_result(None))

        def until_analysed() -> None:
            wait([analysed, stored], return_when=FIRST_COMPLETED)
            if not analysed.done():
                stored.result()  # the store's error, if it failed before its analyses

        waits = iter([rdf_written.wait, until_analysed])

        def more_written() -> bool:  # waits for the next of what is written last; False when none is left
            step = next(waits, None)
            if step is not None:
                step()
            return step is not None

        pending = [stored, background.submit(write_ttl, more_written)]
        try:
            papers(chunks.put)
        finally:
            chunks.put(None)
            rdf_written.set()
        for work in pending:
            work.result()


def _write_papers_rdf(job: RdfJob, changed: set[int], folder: Path, blocks: dict[str, Block],
                      ready: Callable[[Path], None]) -> None:
    """Turtle of the changed papers into chunk files in ``folder``, each passed to ``ready`` (the
    store) once written; where each paper's block lies in them into ``blocks`` (for graph.ttl).
    One bulk load of everything would hold up to a million triples per thread in memory, one
    chunk far fewer."""
    batches = batched(job.read_lines(changed), job.chunking.rdf_batch)
    results = job.workers.map(paper_rdf, batches, job.in_workers)
    chunk_size = job.chunking.chunk_size(len(changed))
    for number, papers in enumerate(batched(itertools.chain.from_iterable(results), chunk_size)):
        chunk = folder / f"{number:06d}.ttl"
        blocks.update(write_chunk(chunk, papers))
        ready(chunk)
        if job.advance:
            job.advance(len(papers))


def update_store(path: Path, plan: RdfPlan, triples: list[tuple], chunking: Chunking, counts: RdfCounts,
                 analyse: Callable[[ox.Store], None] | None, beside: bool, chunks: Iterable[Path],
                 analysed: Callable[[], None] = lambda: None) -> None:
    """Bring the Oxigraph store up to date with the papers it holds (``plan.known``: their
    fingerprints; none: build it from nothing): drop changed and gone papers, load their Turtle
    chunk by chunk as the chunks come, replace changed entities, recompute the shortcuts of the
    winners of dropped claims, then ``analyse`` the claims it holds, if given, and call
    ``analysed``; the compaction, if due, runs meanwhile if ``beside``, else after."""
    store = open_store(path)
    try:
        known = plan.known
        if known:
            # what the store holds of changed and gone papers (new ones it does not hold: no query for them)
            stale = {iri for iri, fingerprint in plan.fingerprints.items() if iri in known and known[iri] != fingerprint}
            dropped = stale | (known.keys() - plan.fingerprints.keys())
            winners = delete_papers(store, dropped) if dropped else set()
            counts.store_deleted = len(dropped)
        else:  # a first build, or one rebuilt: start from nothing
            store.clear()
            counts.store_rebuilt = True
        for chunk in chunks:
            load_turtle(store, str(chunk))
            counts.chunks_loaded += 1
        replace_entities(store, plan.entity_iris, triples)
        if known:  # new papers brought their own shortcuts; those of dropped claims may be stale
            refresh_shortcuts(store, winners)
        counts.store_compacted = counts.chunks_loaded >= chunking.compact_after_chunks
        _analyse_and_compact(store, analyse, analysed, counts.store_compacted, beside)
        store.flush()
    finally:
        del store  # release the store's lock before anyone reopens it


def _analyse_and_compact(store: ox.Store, analyse: Callable[[ox.Store], None] | None, analysed: Callable[[], None],
                         compact: bool, beside: bool) -> None:
    """``analyse`` the store, then call ``analysed``; then ``compact`` it, or meanwhile if
    ``beside``. Bulk loads leave many files for the store to merge (82 after 100 chunks), which it
    does when next asked to flush: 14 s of the next rebuild, however small; done here, where they
    were made (20 s at 100k papers), on one thread of Oxigraph's, off the GIL: beside the analyses
    (mostly Python) and graph.ttl's last blocks, the other core is not left idle meanwhile."""
    with ThreadPoolExecutor(1) as compactor:
        compacted = compactor.submit(store.optimize) if compact and beside else None
        if analyse is not None:
            analyse(store)
        analysed()
        if compact and not beside:
            store.optimize()
        if compacted is not None:
            compacted.result()
