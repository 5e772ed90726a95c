"""Run extraction over many papers: in batches, on all cores, reusing cached results.

Extraction of a paper is a pure function of the paper, so papers can go to any process in
any order; results come back in input order, so outputs are byte for byte the same whatever
the number of jobs.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import nullcontext

from kgraph.cache import ExtractionCache
from kgraph.extract import extract_paper
from kgraph.extract.pipeline import build_nlp
from kgraph.model import Extraction, Paper

BATCH_SIZE = 256


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _warm_up() -> None:
    build_nlp()  # load the vocabularies once per worker, not once per paper


def extract_stream(papers: Iterable[Paper], jobs: int = 1, cache: ExtractionCache | None = None,
                   on_batch: Callable[[int, int], None] | None = None,
                   batch_size: int = BATCH_SIZE) -> Iterator[tuple[Paper, Extraction]]:
    """Yield (paper, extraction) in input order; ``on_batch(done, extracted)`` reports progress.

    Each batch's new results are committed to the cache before they are yielded, so an
    interrupted run loses at most the batch in flight.
    """
    pool: Executor | nullcontext = ProcessPoolExecutor(jobs, initializer=_warm_up) if jobs > 1 else nullcontext()
    with pool:
        for batch in _batches(papers, batch_size):
            cached = cache.get_many(batch) if cache is not None else {}
            todo = [p for p in batch if p.key not in cached]
            if isinstance(pool, Executor) and len(todo) > 1:
                fresh = list(pool.map(extract_paper, todo, chunksize=max(1, len(todo) // (jobs * 4))))
            else:
                fresh = [extract_paper(p) for p in todo]
            if cache is not None and todo:
                cache.put_many(zip(todo, fresh, strict=True))
            results = {**cached, **{p.key: e for p, e in zip(todo, fresh, strict=True)}}
            if on_batch is not None:
                on_batch(len(batch), len(todo))
            for paper in batch:
                yield paper, results[paper.key]
