"""Per-paper extraction cache, so a rebuild only extracts new or changed papers.

Entries are keyed by a hash of the paper's title and abstract and stored with the extractor's
version; an entry from another version is a miss. Each holds the extraction and its names
(``model.Names``), so that resolving a grown corpus need not parse every extraction again.
SQLite commits each batch atomically, so an interrupted build keeps every batch it finished and
never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from kgraph.model import Paper

FORMAT = "json-2"  # how entries are written; part of the version an entry must match
LOOKUP_CHUNK = 500  # keys per SELECT ... IN (...), well under SQLite's limit on parameters
TABLE = "extractions"
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {TABLE}
             (key TEXT PRIMARY KEY, version TEXT NOT NULL, data TEXT NOT NULL, names TEXT NOT NULL)"""
OLD_TABLES = ("extraction",)  # of earlier formats, whose entries are all misses


def content_key(paper: Paper) -> str:
    """What extraction depends on: the title and the abstract, nothing else."""
    return hashlib.sha256(f"{paper.title}\0{paper.abstract}".encode()).hexdigest()


def _by_content(papers: Iterable[Paper]) -> dict[str, list[str]]:
    """``Paper.key``s by content key: papers with the same title and abstract share an entry."""
    by_content: dict[str, list[str]] = {}
    for paper in papers:
        by_content.setdefault(content_key(paper), []).append(paper.key)
    return by_content


class ExtractionCache:
    """A SQLite file of extractions; use as a context manager."""

    def __init__(self, path: str | os.PathLike[str], version: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.version = version  # of the extractor and of FORMAT: build.state.versions().cache
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        for table in OLD_TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.execute(SCHEMA)

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def cached(self, papers: Iterable[Paper]) -> set[str]:
        """``Paper.key`` of those of these papers with a current entry (keys only: nothing is read back)."""
        by_content = _by_content(papers)
        return {paper_key for key, in self._current(sorted(by_content), "key") for paper_key in by_content[key]}

    def get_many(self, papers: Iterable[Paper]) -> dict[str, tuple[str, str]]:
        """Cached (extraction, names) of these papers as JSON text, by ``Paper.key``; stale versions are misses."""
        by_content = _by_content(papers)
        found: dict[str, tuple[str, str]] = {}
        for key, data, names in self._current(list(by_content), "key, data, names"):
            found.update((paper_key, (data, names)) for paper_key in by_content[key])
        return found

    def _current(self, keys: list[str], columns: str) -> Iterator[tuple]:
        """Rows of the current version among these keys, asked in chunks of LOOKUP_CHUNK."""
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            yield from self.db.execute(f"SELECT {columns} FROM {TABLE} WHERE version = ? AND key IN "
                                       f"({','.join('?' * len(chunk))})", (self.version, *chunk))

    def put_many(self, items: Iterable[tuple[Paper, tuple[str, str]]]) -> None:
        """Store a batch of (paper, (extraction, names) as JSON) in one transaction: all of it or none of it."""
        with self.db:
            self.db.executemany(f"INSERT OR REPLACE INTO {TABLE} (key, version, data, names) VALUES (?, ?, ?, ?)",
                                [(content_key(p), self.version, data, names) for p, (data, names) in items])
