"""A whole build, streamed: read -> extract (cached, parallel) -> resolve -> RDF store -> exports.

Phase 1 streams extractions into ``papers.jsonl`` and counts each new paper's names for resolution;
phase 2 resolves them, then workers turn each changed paper into a Turtle block, kept for
``graph.ttl`` and loaded, in chunks, into the on-disk Oxigraph store. Only papers whose facts or
resolved entities changed since the last build are rewritten, which makes ``kgraph build`` on a
grown input, and ``--update``, incremental. With more than one job the store loads in a
background thread (Oxigraph works off the GIL) while workers write the RDF and the page, and
graph.ttl is written in another thread. Nothing holds the whole corpus as RDF.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.util
import itertools
import json
import queue
import shutil
import tempfile
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import filelock
import networkx as nx
import pyoxigraph as ox

from kgraph.io import atomic_writer, write_text
from kgraph.build.cache import FORMAT as CACHE_FORMAT, ExtractionCache
from kgraph.build.engine import POOL_MIN_PAPERS, ExtractionStream, batched, process_pool
from kgraph.errors import OutputError
from kgraph.extract import extractor_version
from kgraph.folder import PAPERS_FILE, STATE_DIR
from kgraph.graph import build_graph, paper_node_id, summary
from kgraph.model import Names, Paper
from kgraph.rdf.namespace import is_entity
from kgraph.rdf.terms import node_iri_text
from kgraph.rdf.triples import rdf_triples
from kgraph.resolve import TALLY_FORMAT, NameTally, Resolution
from kgraph.schema import NODE_TYPES, PAPER_TYPE
from kgraph.saved import LINE_FORMAT, paper_line, parse_record
from kgraph.build.saved_lines import LINES_FORMAT, SavedLine, read_saved_lines, write_saved_lines
from kgraph.build.splice import Splicer, read_record, write_record
from kgraph.build.store import delete_papers, load_turtle, open_store, refresh_shortcuts, replace_entities
STORE_DIR = "store"
from kgraph.build.turtle_blocks import Block, subject_blocks, turtle_block, write_chunk, write_graph_ttl, written_blocks
from kgraph.viz.page import render_html

# The page holds at most this many papers: all of a small corpus, else claim-making ones (it is about who beats whom).
PAGE_ALL_PAPERS_LIMIT = 5000
RDF_BATCH = 128  # papers per worker task when writing RDF
LOAD_CHUNK = 1000  # papers per bulk load into the store at most (about 130,000 triples)
# Fewer changed papers still come in a few chunks (of LOAD_CHUNK_MIN papers or more), so that
# the store loads the first while the next are written rather than all once they are.
LOAD_CHUNKS_AT_LEAST = 4
LOAD_CHUNK_MIN = 200
COMPACT_AFTER_CHUNKS = 10  # a build that loaded this many chunks or more compacts the store
BUILD_LOCK = "build.lock"  # in the state folder: held by the build writing the folder
UPDATING_MARKER = "updating"  # in the state folder while graph.ttl and the store may disagree with state.json
GRAPH_TTL_RECORD = "graph-ttl.json"  # in the state folder: where each entity's and paper's block lies in graph.ttl
SAVED_LINES = "papers-jsonl.tsv"  # in the state folder: where each paper's line lies in papers.jsonl
NAME_TALLY = "names.json"  # in the state folder: the names of the papers in papers.jsonl, counted
PARSED_INPUTS = "inputs"  # in the state folder: what each input parsed to (kgraph.ingest.parsed), kept by the caller
HOLD_EVERY = 10_000  # phase 1 freezes the lines it keeps every this many papers (after collecting what is garbage)
PAGE_MAX_METHODS = 2000  # the page lays out what it holds; 2,000 methods render in under 3 s

Progress = Callable[[str, int], Callable[[int], None]]  # (stage, total) -> advance(n)


@dataclass
class BuildReport:
    counts: dict[str, int]
    extracted: int = 0  # papers extracted now (not from the cache)
    rewritten: int = 0  # papers whose RDF was (re)written
    notes: list[str] = field(default_factory=list)


RDF_WRITERS = ("kgraph.build.run", "kgraph.graph", "kgraph.rdf.triples", "kgraph.rdf.terms", "kgraph.build.store", "kgraph.build.turtle_blocks")


@functools.cache
def rdf_writer_version() -> str:
    """A digest of the code that turns saved records and the resolution into RDF
    (``RDF_WRITERS``): a paper's fingerprint says what its RDF is made from, this what makes it."""
    digest = hashlib.sha256()
    for module in RDF_WRITERS:
        digest.update(Path(importlib.util.find_spec(module).origin).read_bytes())
    return digest.hexdigest()[:16]


def _digest(*parts: str) -> str:
    return _bytes_digest("\0".join(parts).encode())


def _bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def _paper_iri(paper: Paper) -> str:
    """The key of a paper's fingerprint and Turtle block: its node's IRI."""
    return node_iri_text(paper_node_id(paper))


_WORKER_RESOLUTION: Resolution | None = None


def _set_resolution(resolution: Resolution) -> None:
    global _WORKER_RESOLUTION
    _WORKER_RESOLUTION = resolution


def _paper_rdf(lines: list[str]) -> list[tuple[str, str]]:
    """(paper IRI, Turtle block) of each saved paper: what graph.ttl holds and the store loads.

    Runs in a worker holding the resolution. Entity descriptions are written once, apart; the
    links between entities (``kg:outperforms`` shortcuts) stay, so graph.ttl needs no store.
    """
    assert _WORKER_RESOLUTION is not None
    results = []
    for line in lines:
        paper, extraction = parse_record(line)
        graph = build_graph([paper], {paper.key: extraction}, _WORKER_RESOLUTION, all_entities=False)
        triples = [t for t in rdf_triples(graph) if not is_entity(t[0].value)
                   or isinstance(t[2], ox.NamedNode) and is_entity(t[2].value)]
        iri = _paper_iri(paper)
        results.append((iri, turtle_block(triples, lead=iri)))  # the paper, then its claims and mentions
    return results


def _entity_triples(resolution: Resolution, ids: list[str]) -> list[tuple]:
    graph = nx.MultiDiGraph()
    for entity_id in ids:
        entity = resolution.entities[entity_id]
        graph.add_node(entity_id, type=NODE_TYPES[entity.kind], label=entity.label, aliases=list(entity.aliases))
    return list(rdf_triples(graph))


def build(papers: list[Paper], output: Path, jobs: int = 1, dask_address: str | None = None,
          use_cache: bool = True, progress: Progress | None = None) -> BuildReport:
    """Build (or bring up to date) the outputs in ``output`` for these papers.

    What a build holds for long (the papers, then their names and resolution) is moved out of
    the garbage collector's sight as it is made (``gc.freeze``), until the build ends: each full
    collection would otherwise walk all of it again (at 100,000 papers, seconds of a rebuild
    that extracts a few). The end unfreezes everything, also what a caller may have frozen.
    """
    gc.freeze()
    try:
        with _only_build_in(output):
            return _build(papers, output, jobs, dask_address, use_cache, progress)
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _only_build_in(output: Path) -> Iterator[None]:
    """Hold the build folder's lock while building: two builds writing one folder would delete
    each other's temporary files and mix their outputs, so the second stops before writing any. The lock
    goes with the process that holds it (a killed build leaves none behind)."""
    output.mkdir(parents=True, exist_ok=True)  # an error names the output itself, if it is a file
    state_dir = output / STATE_DIR
    state_dir.mkdir(exist_ok=True)
    try:
        with filelock.FileLock(state_dir / BUILD_LOCK, timeout=0):
            yield
    except filelock.Timeout:
        raise OutputError(str(output), "another kgraph build is writing to this folder; "
                                       "run this one when it has finished") from None


def _lines_version() -> str:
    """What made a build's papers.jsonl lines: the extractor (the facts) and the record layout."""
    return f"{extractor_version()}/{CACHE_FORMAT}/{LINES_FORMAT}"


def saved_digests(output: Path) -> list[str] | None:
    """``Paper.digest`` of each paper in the build's papers.jsonl, in order, as its index holds
    them; None if the index is not of this papers.jsonl (or of another extractor)."""
    lines = read_saved_lines(output / STATE_DIR / SAVED_LINES, output / PAPERS_FILE, _lines_version())
    return list(lines) or None


def _build(papers: list[Paper], output: Path, jobs: int, dask_address: str | None, use_cache: bool,
           progress: Progress | None) -> BuildReport:
    state_dir = output / STATE_DIR
    # What a killed build left (no other build is running: this one holds the folder's lock):
    # what it was writing (outputs are written beside, then renamed into place: at 100k papers,
    # 840 MB of papers.jsonl and graph.ttl for every kill) and the chunks it was loading into the store.
    for leftover in [*output.glob(f".{PAPERS_FILE}.*.tmp"), *output.glob(".graph.*.tmp"), *state_dir.glob(".*.tmp")]:
        leftover.unlink(missing_ok=True)
    for leftover in state_dir.glob("load-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    advance = progress("extracting", len(papers)) if progress else None
    report = BuildReport(counts={})

    def on_batch(done: int, extracted: int) -> None:
        report.extracted += extracted
        if advance:
            advance(done)

    # Phase 1: extraction, streamed to papers.jsonl (renamed into place only when complete);
    # each paper's names (cached with its extraction) are kept for phase 2, and counted for
    # resolution as they come. The lines of papers read unchanged since the last build are
    # copied from the file it wrote, and their names were counted by it (the tally it saved,
    # less the papers gone).
    saved = output / PAPERS_FILE
    version = _lines_version()
    index = state_dir / SAVED_LINES
    last = read_saved_lines(index, saved, version) if use_cache else {}
    digests = [paper.digest for paper in papers]
    todo = [paper for paper, digest in zip(papers, digests) if digest not in last]
    if advance:
        advance(len(papers) - len(todo))
    names: list[_PaperNames] = []
    tally_file = state_dir / NAME_TALLY
    saved_tally = _saved_tally(tally_file, saved, version, last, set(digests)) if last else None
    count_copied = saved_tally is None  # else the names of the lines copied are counted already
    tally = saved_tally or NameTally()
    lines: list[tuple[str, SavedLine]] = []
    gc.freeze()  # the index and the tally are held all phase long
    cache = ExtractionCache(state_dir / "cache.sqlite", extractor_version()) if use_cache else None
    try:
        with contextlib.ExitStack() as stack:
            # closed when done: the last result is taken before the stream ends, and its workers must go
            fresh = stack.enter_context(contextlib.closing(
                ExtractionStream(todo, jobs, cache, on_batch, dask_address=dask_address)))  # extracting from now
            handle = stack.enter_context(atomic_writer(saved, "wb"))
            splicer = Splicer(handle, {saved: stack.enter_context(saved.open("rb"))} if last else {})
            for paper, digest in zip(papers, digests):
                if (line := last.get(digest)) is not None:
                    line = line._replace(start=splicer.add(saved, line.start, line.length))
                    if count_copied:
                        tally.add(Names.from_json(line.names))
                else:
                    same, (facts, paper_names) = next(fresh)
                    assert same is paper
                    data = (paper_line(paper, facts) + "\n").encode("utf-8")  # encoded once, to write and to hash
                    line = SavedLine(splicer.write(data), len(data), _bytes_digest(data), _paper_iri(paper),
                                     paper_names)
                    tally.add(Names.from_json(line.names))
                names.append(_PaperNames(line.iri, line.digest, line.names))
                lines.append((digest, line))
                if len(lines) % HOLD_EVERY == 0:
                    gc.collect()
                    gc.freeze()
            splicer.flush()
    finally:
        if cache is not None:
            cache.close()
    placed = [(line.start, line.length) for _, line in lines]
    read_lines = functools.partial(_lines_at, saved, placed)
    del last
    gc.freeze()

    # Phase 2: resolution over names only, then each changed paper's RDF, written by workers.
    resolution = tally.resolution()
    state_path = state_dir / "state.json"
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {"papers": {}, "entities": {}}
    scan = _scan(names, resolution, state, tally.forms)
    del names
    gc.freeze()
    page = _page_choice(scan, report)
    render_page = functools.partial(_render_page, saved, [placed[n] for n in sorted(page.lines)], page.keep)
    with contextlib.ExitStack() as stack:
        # Workers, when the RDF or the page is big enough to be worth starting them, hold the
        # resolution: one makes the page (the longest task left, so it starts first) while the
        # others, then it too, write the changed papers' RDF (or this process does, when they are few).
        def start_workers() -> tuple[ProcessPoolExecutor, Future[tuple[int, str]]]:
            pool = stack.enter_context(process_pool(jobs, _set_resolution, (resolution,)))
            return pool, pool.submit(render_page)

        pool, page_written = start_workers() if jobs > 1 and len(page.lines) >= POOL_MIN_PAPERS else (None, None)
        # What the next build starts phase 1 from, saved while the page is written (the index
        # is trusted only while papers.jsonl is as it describes: after a kill before this, the
        # next build takes every line from the cache instead of copying it).
        write_saved_lines(index, saved, version, lines)
        write_record(tally_file, saved, tally.to_json().encode("utf-8"), f"{version}/{TALLY_FORMAT}")
        del lines, tally
        fingerprints, changed = scan.fingerprints, scan.changed
        # The RDF of every paper is written again, and the store built from nothing, when most
        # papers changed (a new extractor version, a renamed input: deleting each from the store by
        # SPARQL costs far more), when the last build stopped while changing them (state.json
        # then no longer says what graph.ttl and the store hold; the marker tells), when graph.ttl,
        # where unchanged papers' Turtle is copied from, is not there as written, or when other code
        # wrote the RDF (kgraph upgraded: its Turtle may say things otherwise).
        marker = state_dir / UPDATING_MARKER
        record = state_dir / GRAPH_TTL_RECORD
        old_blocks = None if marker.exists() else written_blocks(output / "graph.ttl", record)
        known = (state["papers"] if old_blocks is not None and len(changed) * 2 <= len(fingerprints)
                 and state.get("rdf_writer") == rdf_writer_version() else {})
        if not known:
            changed, old_blocks = set(range(len(fingerprints))), {}
        if pool is None and jobs > 1 and len(changed) >= POOL_MIN_PAPERS:
            pool, page_written = start_workers()
        _set_resolution(resolution)
        rdf_pool = pool if len(changed) >= POOL_MIN_PAPERS else None
        marker.touch()  # before graph.ttl or the store change; removed once state.json says what they hold
        (state_dir / "turtle.sqlite").unlink(missing_ok=True)  # where builds before 2026-11-26 kept blocks twice
        entities = {eid: _digest(e.label, *e.aliases) for eid, e in resolution.entities.items()}
        iris = {eid: node_iri_text(eid) for eid in entities}
        changed_entities = {eid for eid, digest in entities.items() if not known or state["entities"].get(eid) != digest}
        gone = set(state["entities"]) - set(entities)
        # The store replaces the changed entities; graph.ttl copies the others' Turtle from where it
        # lies in the last one (at 100,000 papers, serializing all 30,000 took 1-2 s of every rebuild).
        unwritten = {eid for eid, digest in entities.items() if old_blocks.get(iris[eid], (0, 0, ""))[2] != digest}
        entity_triples = _entity_triples(resolution, sorted(changed_entities | unwritten))
        changed_iris = {iris[e] for e in changed_entities}
        update_store = functools.partial(_update_store, state_dir / STORE_DIR, known, fingerprints,
                                         sorted(changed_iris | {node_iri_text(e) for e in gone}),
                                         [t for t in entity_triples if t[0].value in changed_iris])
        load = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=state_dir, prefix="load-")))
        background = stack.enter_context(ThreadPoolExecutor(2))
        # Where graph.ttl takes the Turtle of what changed from: the entities' file, written now,
        # and the chunk files of the changed papers, loaded into the store as they are written.
        unwritten_iris = {iris[e] for e in unwritten}
        new_blocks: dict[str, Block] = write_chunk(load / "entities.ttl", [
            block for block in subject_blocks(entity_triples) if block[0] in unwritten_iris])
        blocks_in_order = {iri: entities[eid] for iri, eid in sorted((iri, eid) for eid, iri in iris.items())} | fingerprints

        def write_ttl(written: Callable[[], object]) -> None:
            write_graph_ttl(output / "graph.ttl", record, blocks_in_order, old_blocks, new_blocks, written)

        if jobs > 1:
            # The store loads each chunk while the workers write the next ones, and graph.ttl
            # (mostly copied by the kernel) is written meanwhile up to the first changed paper
            # (all of it but the new papers, for a grown input): Oxigraph and copies work off the GIL.
            chunks: queue.Queue[Path | None] = queue.Queue()
            rdf_written = threading.Event()
            pending = [background.submit(update_store, iter(chunks.get, None)),
                       background.submit(write_ttl, rdf_written.wait)]
            try:
                _write_papers_rdf(read_lines, changed, rdf_pool, jobs, progress, load, new_blocks, chunks.put)
            finally:
                chunks.put(None)
                rdf_written.set()
        else:  # one job, one core: each step in turn
            loaded: list[Path] = []
            _write_papers_rdf(read_lines, changed, None, jobs, progress, load, new_blocks, loaded.append)
            update_store(loaded)
            write_ttl(lambda: None)
            pending = []
        page_claims, page_html = page_written.result() if page_written else render_page()
        for work in pending:
            work.result()
        # written here, not by the worker: only a build that got this far replaces the page
        write_text(output / "graph.html", page_html)
    report.counts = _counts(resolution, scan, page_claims)
    report.rewritten = len(changed)
    state = {"papers": fingerprints, "entities": entities, "claims": scan.claimed, "resolution": resolution.to_plain(),
             "records": "".join(scan.records), "rdf_writer": rdf_writer_version()}  # what the next build starts from
    write_text(state_path, json.dumps(state))  # only once the store is consistent
    marker.unlink()
    return report


def _saved_tally(path: Path, saved: Path, version: str, last: dict[str, SavedLine], kept: set[str]) -> NameTally | None:
    """The names the last build counted (all those of ``last``, the lines it wrote), less those of
    the papers this build does not keep; None if it saved none or another build wrote ``saved`` since."""
    body = read_record(path, saved, f"{version}/{TALLY_FORMAT}")
    if body is None:
        return None
    try:
        tally = NameTally.from_json(body.decode("utf-8"))
    except (ValueError, TypeError, KeyError):  # not what this version writes
        return None
    for digest in last.keys() - kept:
        tally.remove(Names.from_json(last[digest].names))
    return tally


@dataclass
class _PaperNames:
    """What a paper's fingerprint and the page choice need, kept from phase 1."""

    iri: str
    record_digest: str
    names: str  # model.Names as JSON: one compact string a paper, parsed when scanning (and when counted, if new)


@dataclass
class _Scan:
    """What the papers' names tell, once resolved."""

    fingerprints: dict[str, str] = field(default_factory=dict)  # paper IRI -> record and entity ids digest
    records: list[str] = field(default_factory=list)  # the record digest of each, in fingerprint order
    changed: set[int] = field(default_factory=set)  # line numbers whose fingerprint differs from the last build
    claims: dict[int, set[tuple[str, str]]] = field(default_factory=dict)  # line number -> (winner, loser) ids
    claimed: dict[str, tuple[int, list[tuple[str, str]]]] = field(default_factory=dict)  # IRI -> claims, their ids
    claim_count: int = 0


def _scan(papers: list[_PaperNames], resolution: Resolution, state: dict, forms: dict[str, Counter[str]]) -> _Scan:
    """Fingerprint each paper (its saved record and the ids its entities resolve to now) and note
    who it says beats whom, for choosing what the page shows.

    A paper whose record is the one the last build scanned, and whose names (``forms``: the
    surface forms of each "kind\tkey") hold none that resolves otherwise now, is as that build
    found it (``state``): only the others are parsed and resolved again (at 100,000 papers,
    doing all of them took 2-3 s of every rebuild).
    """
    scan = _Scan()
    found_before = _last_findings(resolution, state, forms)
    for number, paper in enumerate(papers):
        if (found := found_before(paper)) is not None:
            fingerprint, count, pairs = found
        else:
            names = Names.from_json(paper.names)
            key = names.paper_key
            ids = sorted({resolution.entity_id(kind, name, key) for kind, name in names.names})
            fingerprint = _digest(paper.record_digest, *ids)
            count = len(names.claims)
            pairs = {(resolution.entity_id("method", w, key), resolution.entity_id("method", lo, key))
                     for w, lo in names.claims}
            pairs = {(w, lo) for w, lo in pairs if w != lo}
        scan.fingerprints[paper.iri] = fingerprint
        scan.records.append(paper.record_digest)
        if state["papers"].get(paper.iri) != fingerprint:
            scan.changed.add(number)
        scan.claim_count += count
        if count:
            scan.claimed[paper.iri] = (count, sorted(pairs))
        if pairs:
            scan.claims[number] = pairs
    return scan


def _records(joined: str, fingerprints: dict[str, str]) -> dict[str, str]:
    """Paper IRI -> record digest, saved as the digests joined in fingerprint order (the IRIs
    again would have doubled state.json)."""
    width = len(joined) // max(1, len(fingerprints))
    if width * len(fingerprints) != len(joined):
        raise ValueError("not a record digest per paper")
    return {iri: joined[n * width:(n + 1) * width] for n, iri in enumerate(fingerprints)}


SCAN_MAX_NAMES = 500  # names searched for in each paper's own before parsing every paper is cheaper


Found = tuple[str, int, set[tuple[str, str]]]  # a paper's fingerprint, how many claims it makes, their ids


def _last_findings(resolution: Resolution, state: dict, forms: dict[str, Counter[str]]
                   ) -> Callable[[_PaperNames], Found | None]:
    """What the last build found of a paper, if it holds now: the same record, and none of the
    names that resolve otherwise now (searched for as JSON strings in its names: a false alarm
    only costs a parse). None without what that build saved, or when too many names changed."""
    try:
        keys, papers = resolution.changed_since(state["resolution"])
        fingerprints, claimed = state["papers"], state["claims"]
        records = _records(state["records"], fingerprints)
    except (KeyError, ValueError, TypeError):  # a state of an earlier version
        return lambda paper: None
    needles = [json.dumps(form, ensure_ascii=False) for kind, key in keys for form in forms.get(f"{kind}\t{key}", ())]
    needles += [json.dumps(paper, ensure_ascii=False) for paper in papers]
    if len(needles) > SCAN_MAX_NAMES:
        return lambda paper: None

    def found(paper: _PaperNames) -> Found | None:
        if records.get(paper.iri) != paper.record_digest or any(needle in paper.names for needle in needles):
            return None
        count, pairs = claimed.get(paper.iri, (0, []))
        return fingerprints[paper.iri], count, {(w, lo) for w, lo in pairs}

    return found


def _lines_at(path: Path, placed: list[tuple[int, int]], numbers: Iterable[int]) -> Iterator[str]:
    """The lines of ``path`` with these numbers, in order, read where they lie (``placed``: start
    and length of each line) rather than by reading the whole file."""
    with path.open("rb") as handle:
        for number in sorted(numbers):
            start, length = placed[number]
            handle.seek(start)
            yield handle.read(length).decode("utf-8")


ReadLines = Callable[[Iterable[int]], Iterator[str]]  # papers.jsonl lines by number


def _write_papers_rdf(read_lines: ReadLines, changed: set[int], pool: ProcessPoolExecutor | None, jobs: int,
                      progress: Progress | None, folder: Path, blocks: dict[str, Block],
                      ready: Callable[[Path], None]) -> None:
    """Turtle of the changed papers (by the ``pool``'s workers, else here) into chunk files in
    ``folder``, each passed to ``ready`` (the store) once written; where each paper's block lies
    in them into ``blocks`` (for graph.ttl)."""
    advance = progress("writing RDF", len(changed)) if progress and changed else None
    batches = batched(read_lines(changed), RDF_BATCH)
    results = _bounded_map(pool, _paper_rdf, batches, jobs * 2) if pool else map(_paper_rdf, batches)
    chunk = min(LOAD_CHUNK, max(LOAD_CHUNK_MIN, -(-len(changed) // LOAD_CHUNKS_AT_LEAST)))
    _write_results(results, chunk, folder, blocks, ready, advance)


def _bounded_map(pool: ProcessPoolExecutor, function: Callable, items: Iterator, ahead: int) -> Iterator:
    """``pool.map`` in order, with at most ``ahead`` tasks in flight (``Executor.map`` would submit
    every task at once, holding all of papers.jsonl in memory)."""
    pending: deque[Future] = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _write_results(results: Iterator[list[tuple[str, str]]], chunk_size: int, folder: Path,
                   blocks: dict[str, Block], ready: Callable[[Path], None], advance) -> None:
    """Cut the Turtle into chunks of ``chunk_size`` papers: one bulk load of everything holds up
    to a million triples per thread in memory, one chunk far fewer."""
    for number, papers in enumerate(batched(itertools.chain.from_iterable(results), chunk_size)):
        chunk = folder / f"{number:06d}.ttl"
        blocks.update(write_chunk(chunk, papers))
        ready(chunk)
        if advance:
            advance(len(papers))


def _update_store(path: Path, known: dict[str, str], fingerprints: dict[str, str], entity_iris: list[str],
                  entity_triples: list[tuple], chunks: Iterable[Path]) -> None:
    """Bring the Oxigraph store up to date with the papers it holds (``known``: their fingerprints;
    none: build it from nothing): drop changed, new and gone papers, load their Turtle chunk by
    chunk as the chunks come, replace changed entities, recompute the shortcuts of the winners of
    dropped claims."""
    store = open_store(path)
    try:
        if known:
            # what the store holds of changed and gone papers (new ones it does not hold: no query for them)
            stale = {iri for iri, fingerprint in fingerprints.items() if iri in known and known[iri] != fingerprint}
            winners = delete_papers(store, stale | (known.keys() - fingerprints.keys()))
        else:  # a first build, or one rebuilt: start from nothing
            store.clear()
        loaded = 0
        for loaded, chunk in enumerate(chunks, 1):
            load_turtle(store, str(chunk))
        replace_entities(store, entity_iris, entity_triples)
        if known:  # new papers brought their own shortcuts; those of dropped claims may be stale
            refresh_shortcuts(store, winners)
        if loaded >= COMPACT_AFTER_CHUNKS:
            # Bulk loads leave many files for the store to merge (82 after 100 chunks), which it does
            # when next asked to flush: 14 s of the next rebuild, however small. Done here, where
            # they were made (20 s at 100k papers).
            store.optimize()
        store.flush()
    finally:
        del store  # release the store's lock before anyone reopens it


@dataclass
class _PageChoice:
    lines: set[int]  # numbers of the papers.jsonl lines the page shows
    keep: set[str] | None  # the methods it shows, if not all


def _page_choice(scan: _Scan, report: BuildReport) -> _PageChoice:
    """What graph.html shows (notes on what it leaves out go into the report).

    The page lays out every method it holds, so it keeps the ``PAGE_MAX_METHODS`` most compared
    ones; above ``PAGE_ALL_PAPERS_LIMIT`` papers it holds only that many papers, those whose
    claims are about the most compared methods, and only they are read back.
    """
    degree: Counter[str] = Counter(m for pairs in scan.claims.values() for pair in pairs for m in pair)
    keep = {m for m, _ in sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:PAGE_MAX_METHODS]}
    total = len(scan.fingerprints)
    if total <= PAGE_ALL_PAPERS_LIMIT:
        lines = set(range(total))
    else:
        about_kept = {n: sum(degree[m] for pair in pairs if set(pair) <= keep for m in pair)
                      for n, pairs in scan.claims.items()}
        ranked = sorted((n for n, score in about_kept.items() if score), key=lambda n: (-about_kept[n], n))
        lines = set(ranked[:PAGE_ALL_PAPERS_LIMIT])
        report.notes.append(f"graph.html shows {len(lines)} of the {len(scan.claims)} papers that make claims, "
                            f"those about the most compared methods (the corpus is above {PAGE_ALL_PAPERS_LIMIT} papers)")
    if len(degree) <= PAGE_MAX_METHODS:
        return _PageChoice(lines, None)
    report.notes.append(f"graph.html shows the {PAGE_MAX_METHODS} most compared of {len(degree)} methods")
    return _PageChoice(lines, keep)


def _render_page(saved: Path, placed: list[tuple[int, int]], keep: set[str] | None) -> tuple[int, str]:
    """How many claims the papers.jsonl lines that lie at ``placed`` make (before methods are
    left out), and graph.html of them, showing the methods in ``keep`` (all if None) and what
    the papers say of them. Runs in a worker holding the resolution, or here."""
    assert _WORKER_RESOLUTION is not None
    papers, extractions = [], {}
    for line in _lines_at(saved, placed, range(len(placed))):
        paper, extraction = parse_record(line)
        papers.append(paper)
        extractions[paper.key] = extraction
    graph = build_graph(papers, extractions, _WORKER_RESOLUTION, all_entities=False)
    claims = summary(graph)["claims"]
    if keep is not None:
        graph.remove_nodes_from([n for n, kind in list(graph.nodes(data="type")) if kind == NODE_TYPES["method"] and n not in keep])
    return claims, render_html(graph)


def _counts(resolution: Resolution, scan: _Scan, page_claims: int) -> dict[str, int]:
    """The build's counts, which cover everything (the page's claims are all claims when it shows every paper)."""
    total = len(scan.fingerprints)
    counts = {PAPER_TYPE: total, **{kind: 0 for kind in NODE_TYPES.values()}}
    for entity in resolution.entities.values():
        counts[NODE_TYPES[entity.kind]] += 1
    counts["claims"] = scan.claim_count if total > PAGE_ALL_PAPERS_LIMIT else page_claims
    return counts
