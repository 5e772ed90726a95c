"""Work that needs the resolution, done by worker processes or here.

Each worker process is given the resolution once, as the argument of its initializer, and keeps
it for the tasks it runs (``_held``: set in workers only, never in the process that runs the
build); every task is a function whose first parameter is the resolution. Without workers the
same functions run here, given it directly.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from kgraph.build.engine import process_pool
from kgraph.resolve import Resolution

T = TypeVar("T")
R = TypeVar("R")
_held: Resolution | None = None  # in a worker process: the resolution its initializer was given


def _hold(resolution: Resolution) -> None:
    global _held
    _held = resolution


def _with_held(function: Callable[..., R], *args: object) -> R:
    assert _held is not None, "a task given to a process that holds no resolution"
    return function(_held, *args)


class Workers:
    """Worker processes holding ``resolution``, started when ``start()`` is first called (or never);
    they go when ``stack`` closes."""

    def __init__(self, stack: contextlib.ExitStack, jobs: int, resolution: Resolution) -> None:
        self.stack, self.jobs, self.resolution = stack, jobs, resolution
        self.pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self.pool is None:
            self.pool = self.stack.enter_context(process_pool(self.jobs, _hold, (self.resolution,)))

    def submit(self, function: Callable[..., R], *args: object) -> Future[R]:
        """``function(resolution, *args)`` in a worker (``start()`` first)."""
        assert self.pool is not None
        return self.pool.submit(_with_held, function, *args)

    def here(self, function: Callable[..., R], *args: object) -> R:
        return function(self.resolution, *args)

    def map(self, function: Callable[[Resolution, T], R], items: Iterable[T], in_workers: bool) -> Iterator[R]:
        """``function(resolution, item)`` of each item, in order: in the workers (with at most two tasks
        a worker in flight: ``Executor.map`` would submit every task at once, holding all their
        input in memory), or here."""
        if not in_workers:
            yield from (function(self.resolution, item) for item in items)
            return
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(self.submit(function, item))
            if len(pending) >= self.jobs * 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
