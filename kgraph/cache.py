"""Per-paper extraction cache, so a rebuild only extracts new or changed papers.

Entries are keyed by a hash of the paper's title and abstract and stored with the extractor's
version; an entry from another version is a miss. SQLite commits each batch atomically, so an
interrupted build keeps every batch it finished and never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from kgraph.model import Paper

FORMAT = "json-1"  # how entries are written; part of the version an entry must match
LOOKUP_CHUNK = 500  # keys per SELECT ... IN (...), well under SQLite's limit on parameters
SCHEMA = "CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, version TEXT NOT NULL, data TEXT NOT NULL)"


def content_key(paper: Paper) -> str:
    """What extraction depends on: the title and the abstract, nothing else."""
    return hashlib.sha256(f"{paper.title}\0{paper.abstract}".encode()).hexdigest()


class ExtractionCache:
    """A SQLite file of extractions; use as a context manager."""

    def __init__(self, path: str | os.PathLike[str], version: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.version = f"{version}/{FORMAT}"
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def count(self, papers: Iterable[Paper]) -> int:
        """How many of these papers have a current entry (keys only: nothing is read back)."""
        keys = [content_key(p) for p in papers]
        cached = {key for key, in self._current(sorted(set(keys)), "key")}
        return sum(1 for key in keys if key in cached)

    def get_many(self, papers: Iterable[Paper]) -> dict[str, str]:
        """Cached extractions (JSON text) of these papers, by ``Paper.key``; stale versions are misses."""
        by_content: dict[str, list[str]] = {}
        for paper in papers:
            by_content.setdefault(content_key(paper), []).append(paper.key)
        found: dict[str, str] = {}
        for key, data in self._current(list(by_content), "key, data"):
            found.update((paper_key, data) for paper_key in by_content[key])
        return found

    def _current(self, keys: list[str], columns: str) -> Iterator[tuple]:
        """Rows of the current version among these keys, asked in chunks of LOOKUP_CHUNK."""
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            yield from self.db.execute(f"SELECT {columns} FROM extraction WHERE version = ? AND key IN "
                                       f"({','.join('?' * len(chunk))})", (self.version, *chunk))

    def put_many(self, items: Iterable[tuple[Paper, str]]) -> None:
        """Store a batch of (paper, extraction JSON) in one transaction: all of it or none of it."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO extraction (key, version, data) VALUES (?, ?, ?)",
                                [(content_key(p), self.version, data) for p, data in items])
