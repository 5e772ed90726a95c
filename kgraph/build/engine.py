"""Run extraction over many papers: in batches, on all cores, reusing cached results.

Extraction of a paper is a pure function of the paper, so papers can go to any process in
any order; results come back in input order, so outputs are byte for byte the same whatever
the number of jobs.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import multiprocessing.forkserver
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from kgraph.build.cache import ExtractionCache
from kgraph.build.lifeline import start_worker
from kgraph.model import Paper
from kgraph.saved import facts_json

BATCH_SIZE = 512
# With fewer papers to extract (or, in a build, to write as RDF) than this, workers would take
# longer to start (a fork server importing kgraph, then each worker loading its pipeline: about
# 3 s) than they save, so the work stays in this process.
POOL_MIN_PAPERS = 2000
POOL_HIDDEN_BY_CACHED = 20000  # cached papers that take about as long to read as workers take to start
IN_FLIGHT = 2  # batches of papers to extract submitted ahead
# The extractor imports spaCy (over a second): imported where extraction runs (workers get it,
# with its pipeline built, from their fork server), not by every process that runs a build.
# Imported once, by the fork server (a name it cannot import is skipped silently: a unit test
# checks that each of these is a module).
EXTRACTOR = "kgraph.extract.paper"
PRELOAD = ["kgraph.build.run", EXTRACTOR, "kgraph.build.warm"]
T = TypeVar("T")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last one shorter): the unit of streaming work."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def process_pool(jobs: int, initializer: Callable[..., None], initargs: tuple = ()) -> ProcessPoolExecutor:
    """Worker processes forked from a fresh server process, not from this one: a fork of a process
    holding a large corpus shares its pages only until the garbage collector touches them, after
    which every worker would hold a copy. Each worker ends when this process does, however it
    ends (see :mod:`kgraph.build.lifeline`)."""
    return ProcessPoolExecutor(jobs, mp_context=_fork_server(), initializer=start_worker,
                               initargs=(os.getpid(), initializer, initargs))


def start_fork_server() -> None:
    """Start the server that workers are forked from now (it imports kgraph and builds the
    extraction pipeline: about 3 s on its own core), so that workers, if a build needs them,
    start at once."""
    global _server_started
    _fork_server()
    multiprocessing.forkserver.ensure_running()
    _server_started = True


_server_started = False  # by start_fork_server: workers then start at once


def _fork_server() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _warm_up() -> None:
    from kgraph.extract.pipeline import build_nlp

    build_nlp()  # once per worker, not once per paper (done already where the fork server built it)


Facts = tuple[str, str]  # a paper's extraction and its names (model.Names), as JSON text


def extract_batch(papers: list[Paper], disabled: tuple[str, ...] = ()) -> list[Facts]:
    """One partition's extractions and names, as JSON text: the unit of work sent to a process or a Dask worker
    (with the rules named in ``disabled`` switched off).

    Serialising in the worker keeps that work off the single process that collects the results.
    """
    from kgraph.extract.paper import extract_paper  # where extraction runs: see EXTRACTOR

    extractions = [extract_paper(p, disabled) for p in papers]
    return [(facts_json(e), e.names().to_json()) for e in extractions]


Pending = Callable[[], list[Facts]]  # a submitted batch: call it for its results, in order


class _Local:
    """Extract batches in this process or in a pool of local processes."""

    def __init__(self, jobs: int, work: Callable[[list[Paper]], list[Facts]]) -> None:
        self.jobs, self.work = jobs, work
        self.pool = process_pool(jobs, _warm_up) if jobs > 1 else None

    def submit(self, todo: list[Paper]) -> Pending:
        if self.pool is None or len(todo) < 2:
            return functools.partial(self.work, todo)  # here, when asked for
        parts = batched(todo, max(1, len(todo) // (self.jobs * 4)))
        futures = [self.pool.submit(self.work, part) for part in parts]
        return lambda: [e for future in futures for e in future.result()]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _Dask:
    """Extract batches on a Dask cluster: each partition goes to a worker, results come back in order."""

    def __init__(self, address: str, jobs: int, work: Callable[[list[Paper]], list[Facts]]) -> None:
        from distributed import Client  # optional dependency, only for --dask

        self.client = Client(address, timeout="30s")
        self.parts, self.work = max(1, jobs) * 4, work

    def submit(self, todo: list[Paper]) -> Pending:
        if not todo:
            return list
        futures = self.client.map(self.work, list(batched(todo, max(1, len(todo) // self.parts))), pure=False)
        return lambda: [e for part in self.client.gather(futures) for e in part]

    def close(self) -> None:
        self.client.close()


class ExtractionStream(Iterator[tuple[Paper, Facts]]):
    """(paper, (extraction, names) as JSON text) in input order; ``on_batch(done, extracted)``
    reports progress. Papers have distinct keys (ingest merges those that share one).

    Extraction starts when the stream is made, not when the first result is asked for: the
    papers to extract are known first (the cache is asked for keys only) and the first batches of
    them submitted at once, wherever they lie in the input, so workers extract while this
    process reads cached results, or (a build of a grown input) copies what it had. Each
    batch's results are committed to the cache once collected, so an interrupted run loses at
    most the batches in flight. ``close()`` (or the end of the stream) stops the workers.
    """

    def __init__(self, papers: Sequence[Paper], jobs: int = 1, cache: ExtractionCache | None = None,
                 on_batch: Callable[[int, int], None] | None = None, batch_size: int = BATCH_SIZE,
                 dask_address: str | None = None, pool_min_papers: int = POOL_MIN_PAPERS,
                 disabled: tuple[str, ...] = ()) -> None:
        if disabled and cache is not None:
            raise ValueError("an extraction with rules switched off is not one the cache may keep")
        cached = cache.cached(papers) if cache is not None else set()
        to_extract = len(papers) - len(cached)
        work = functools.partial(extract_batch, disabled=disabled) if disabled else extract_batch
        self.engine = (_Dask(dask_address, jobs, work) if dask_address
                       else _Local(jobs if _worth_a_pool(to_extract, len(cached), pool_min_papers) else 1, work))
        self.todo = batched((p for p in papers if p.key not in cached), batch_size)
        self.in_flight: deque[tuple[list[Paper], Pending]] = deque()
        self.cache = cache
        try:
            for _ in range(IN_FLIGHT):
                self._submit_next()
        except BaseException:
            self.engine.close()
            raise
        self.results = self._in_order(papers, cached, batch_size, on_batch)

    def __next__(self) -> tuple[Paper, Facts]:
        return next(self.results)

    def close(self) -> None:
        self.results.close()
        self.engine.close()

    def _submit_next(self) -> None:
        if (batch := next(self.todo, None)) is not None:
            self.in_flight.append((batch, self.engine.submit(batch)))

    def _collect(self, fresh: dict[str, Facts]) -> None:
        batch, pending = self.in_flight.popleft()
        results = pending()
        if self.cache is not None:
            self.cache.put_many(zip(batch, results, strict=True))
        fresh.update((p.key, r) for p, r in zip(batch, results, strict=True))
        self._submit_next()

    def _in_order(self, papers: Sequence[Paper], cached: set[str], batch_size: int,
                  on_batch: Callable[[int, int], None] | None) -> Iterator[tuple[Paper, Facts]]:
        fresh: dict[str, Facts] = {}
        try:
            for batch in batched(papers, batch_size):
                found = self.cache.get_many(p for p in batch if p.key in cached) if self.cache is not None else {}
                extracted = 0
                for paper in batch:
                    if paper.key not in found:
                        while paper.key not in fresh:
                            self._collect(fresh)
                        found[paper.key] = fresh.pop(paper.key)
                        extracted += 1
                if on_batch is not None:
                    on_batch(len(batch), extracted)
                for paper in batch:
                    yield paper, found[paper.key]
        finally:
            self.engine.close()


def _worth_a_pool(to_extract: int, cached: int, pool_min_papers: int = POOL_MIN_PAPERS) -> bool:
    """Worker processes pay for their start with many papers to extract, or with fewer when they
    start while this process reads many cached ones or their server is already running."""
    return to_extract >= pool_min_papers or (to_extract >= pool_min_papers // 4
                                             and (cached >= POOL_HIDDEN_BY_CACHED or _server_started))
