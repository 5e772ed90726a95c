"""Run extraction over many papers: in batches, on all cores, reusing cached results.

Extraction of a paper is a pure function of the paper, so papers can go to any process in
any order; results come back in input order, so outputs are byte for byte the same whatever
the number of jobs.
"""

from __future__ import annotations

import functools
import itertools
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from kgraph.cache import ExtractionCache
from kgraph.extract import extract_paper
from kgraph.extract.pipeline import build_nlp
from kgraph.model import Extraction, Paper

BATCH_SIZE = 512
# With fewer papers to extract (or, in a build, to write as RDF) than this, workers would take
# longer to start (a fork server importing kgraph, then each worker loading its pipeline: about
# 3 s) than they save, so the work stays in this process.
POOL_MIN_PAPERS = 2000
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
    which every worker would hold a copy."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kgraph.build"])  # imported once, by the server
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs)


def _warm_up() -> None:
    build_nlp()  # load the vocabularies once per worker, not once per paper


def facts_json(extraction: Extraction) -> str:
    """An extraction as the JSON text saved in papers.jsonl and in the cache."""
    return json.dumps(extraction.to_dict(), ensure_ascii=False, sort_keys=True)


def extract_batch(papers: list[Paper]) -> list[str]:
    """One partition's extractions, as JSON text: the unit of work sent to a process or a Dask worker.

    Serialising in the worker keeps that work off the single process that collects the results.
    """
    return [facts_json(extract_paper(p)) for p in papers]


Pending = Callable[[], list[str]]  # a submitted batch: call it for its results, in order


class _Local:
    """Extract batches in this process or in a pool of local processes."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool = process_pool(jobs, _warm_up) if jobs > 1 else None

    def submit(self, todo: list[Paper]) -> Pending:
        if self.pool is None or len(todo) < 2:
            return functools.partial(extract_batch, todo)  # here, when asked for
        parts = batched(todo, max(1, len(todo) // (self.jobs * 4)))
        futures = [self.pool.submit(extract_batch, part) for part in parts]
        return lambda: [e for future in futures for e in future.result()]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _Dask:
    """Extract batches on a Dask cluster: each partition goes to a worker, results come back in order."""

    def __init__(self, address: str, jobs: int) -> None:
        from distributed import Client  # optional dependency, only for --dask

        self.client = Client(address, timeout="30s")
        self.parts = max(1, jobs) * 4

    def submit(self, todo: list[Paper]) -> Pending:
        if not todo:
            return list
        futures = self.client.map(extract_batch, list(batched(todo, max(1, len(todo) // self.parts))), pure=False)
        return lambda: [e for part in self.client.gather(futures) for e in part]

    def close(self) -> None:
        self.client.close()


def extract_stream(papers: Sequence[Paper], jobs: int = 1, cache: ExtractionCache | None = None,
                   on_batch: Callable[[int, int], None] | None = None,
                   batch_size: int = BATCH_SIZE, dask_address: str | None = None) -> Iterator[tuple[Paper, str]]:
    """Yield (paper, extraction as JSON text) in input order; ``on_batch(done, extracted)`` reports progress.

    The next batch is submitted before the current one is collected, so workers keep busy while
    this process reads the cache and writes results. Each batch's new results are committed to
    the cache before they are yielded, so an interrupted run loses at most the batches in flight.
    """
    to_extract = len(papers) - (cache.count(papers) if cache is not None else 0)
    engine = _Dask(dask_address, jobs) if dask_address else _Local(jobs if to_extract >= POOL_MIN_PAPERS else 1)
    in_flight: deque[tuple[list[Paper], dict[str, str], list[Paper], Pending]] = deque()

    def collect() -> Iterator[tuple[Paper, str]]:
        batch, cached, todo, pending = in_flight.popleft()
        fresh = pending()
        if cache is not None and todo:
            cache.put_many(zip(todo, fresh, strict=True))
        results = {**cached, **{p.key: e for p, e in zip(todo, fresh, strict=True)}}
        if on_batch is not None:
            on_batch(len(batch), len(todo))
        for paper in batch:
            yield paper, results[paper.key]

    try:
        for batch in batched(papers, batch_size):
            cached = cache.get_many(batch) if cache is not None else {}
            todo = [p for p in batch if p.key not in cached]
            in_flight.append((batch, cached, todo, engine.submit(todo)))
            if len(in_flight) > 1:
                yield from collect()
        while in_flight:
            yield from collect()
    finally:
        engine.close()
