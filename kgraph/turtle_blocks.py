"""``graph.ttl`` of a build, assembled from Turtle blocks: one per paper, one for the entities.

Dumping a whole store is single-threaded and slow (about 1 s per 100,000 triples), and it would
be redone for every rebuild. Instead each paper's triples are serialized by Oxigraph in the
worker that makes them, kept in SQLite by paper IRI, and the file is the prefixes, the entity
block and the paper blocks in input order: a rebuild re-serializes only the papers that changed
and copies the others. Same papers and resolution, same bytes. Where each block lies in the
file last written, and the paper's fingerprint then, are kept too, so that a rebuild copies
runs of unchanged blocks straight from the old file (in the kernel where it can) rather than
reading them back one by one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgraph.atomic import atomic_writer
from kgraph.rdf import Term
from kgraph.store import PREFIXES

# written.placed: JSON {paper IRI: [start, length, fingerprint]} of the file as last written
SCHEMA = """CREATE TABLE IF NOT EXISTS block (iri TEXT PRIMARY KEY, turtle TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS written (file TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                                    placed TEXT NOT NULL)"""
COPY_CHUNK = 1 << 24
TURTLE_PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(PREFIXES.items())) + "\n"


def turtle_block(triples: Iterable[tuple[ox.NamedNode, ox.NamedNode, Term]], lead: str | None = None) -> str:
    """The triples as Turtle without the prefix lines (Oxigraph writes them in no fixed order; the
    file has them once, sorted), grouped by subject in a fixed order, subject ``lead`` first."""
    ordered = sorted(triples, key=lambda t: (t[0].value != lead, t[0].value, t[1].value, str(t[2])))
    text = ox.serialize([ox.Triple(*t) for t in ordered], format=ox.RdfFormat.TURTLE,
                        prefixes=PREFIXES).decode("utf-8")
    lines = text.splitlines(keepends=True)
    body = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    return "".join(lines[body:])


class TurtleBlocks:
    """The per-paper Turtle blocks of a build, in a SQLite file of its state folder."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)  # a build may write graph.ttl from another thread
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def put_many(self, blocks: Iterable[tuple[str, str]]) -> None:
        """Store (paper IRI, Turtle) pairs in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO block (iri, turtle) VALUES (?, ?)", blocks)

    def delete(self, iris: Iterable[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM block WHERE iri = ?", [(iri,) for iri in iris])

    def write_file(self, path: Path, entity_block: str, fingerprints: dict[str, str]) -> None:
        """Write graph.ttl whole or not at all: prefixes, entities, then each paper's block in the
        order of ``fingerprints`` (paper IRI -> fingerprint: same fingerprint, same block)."""
        old = self._old_file(path)
        placed: dict[str, tuple[int, int, str]] = {}
        with contextlib.ExitStack() as stack:
            source = stack.enter_context(path.open("rb")) if old else None
            handle = stack.enter_context(atomic_writer(path, "wb"))
            handle.write((TURTLE_PREFIXES + entity_block).encode("utf-8"))
            run = [0, 0]  # [start, end) of unchanged blocks in the old file, copied in one go
            for iri, fingerprint in fingerprints.items():
                start, length, then = old.get(iri, (0, 0, None))
                if then != fingerprint:
                    _copy(source, handle, *run)
                    run = [0, 0]
                    row = self.db.execute("SELECT turtle FROM block WHERE iri = ?", (iri,)).fetchone()
                    if row is None:
                        raise RuntimeError(f"no Turtle block for {iri}: the build state is incomplete")
                    data = row[0].encode("utf-8")
                    placed[iri] = (handle.tell(), len(data), fingerprint)
                    handle.write(data)
                    continue
                if start != run[1] or run[0] == run[1]:  # not where the run goes on: start a new one
                    _copy(source, handle, *run)
                    run = [start, start]
                placed[iri] = (handle.tell() + run[1] - run[0], length, fingerprint)
                run[1] += length
            _copy(source, handle, *run)
        stat = path.stat()
        with self.db:
            self.db.execute("DELETE FROM written")
            self.db.execute("INSERT INTO written VALUES (?, ?, ?, ?)",
                            (path.name, stat.st_size, stat.st_mtime_ns, json.dumps(placed)))

    def _old_file(self, path: Path) -> dict[str, tuple[int, int, str]]:
        """Where each block lies in the file last written, and its paper's fingerprint then; nothing
        if the file is not there as written."""
        try:
            stat = path.stat()
        except OSError:
            return {}
        row = self.db.execute("SELECT placed FROM written WHERE file = ? AND size = ? AND mtime_ns = ?",
                              (path.name, stat.st_size, stat.st_mtime_ns)).fetchone()
        return {iri: tuple(where) for iri, where in json.loads(row[0]).items()} if row else {}


def _copy(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    """Bytes [start, end) of ``source`` appended to ``target``: in the kernel where it can."""
    if start == end:
        return
    target.flush()
    position = start
    if hasattr(os, "copy_file_range"):
        try:
            while position < end:
                copied = os.copy_file_range(source.fileno(), target.fileno(), end - position, position)
                if copied == 0:
                    raise RuntimeError(f"{source.name} is shorter than it was when written")
                position += copied
        except OSError:  # not on this file system or in this sandbox: copy through this process
            pass
        target.seek(0, os.SEEK_END)  # the copy moved the file's end under the buffered writer
    source.seek(position)
    while position < end:
        data = source.read(min(end - position, COPY_CHUNK))
        if not data:
            raise RuntimeError(f"{source.name} is shorter than it was when written")
        target.write(data)
        position += len(data)
