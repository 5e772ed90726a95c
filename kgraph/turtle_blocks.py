"""``graph.ttl`` of a build, assembled from Turtle blocks: one per paper, one for the entities.

Dumping a whole store is single-threaded and slow (about 1 s per 100,000 triples), and it would
be redone for every rebuild. Instead each paper's triples are serialized by Oxigraph in the
worker that makes them, and the file is the prefixes, the entity block and the paper blocks in
input order. Blocks are not kept anywhere else: a rebuild copies those of unchanged papers from
the graph.ttl it wrote last, and those of changed papers from the chunk files the store loads,
in runs (in the kernel where it can). Where each block lies in the file, and the paper's
fingerprint then, are recorded beside it; a file missing or changed since it was written (size
or modification time) is not trusted, and the build then writes every paper's Turtle again.
Same papers and resolution, same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgraph.atomic import atomic_writer, write_text
from kgraph.rdf import Term
from kgraph.store import PREFIXES

COPY_CHUNK = 1 << 24
TURTLE_PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(PREFIXES.items())) + "\n"
Block = tuple[Path, int, int]  # the file holding a paper's Turtle, where it starts, its length in bytes
Placed = dict[str, tuple[int, int, str]]  # paper IRI -> start and length in graph.ttl, fingerprint then


def turtle_block(triples: Iterable[tuple[ox.NamedNode, ox.NamedNode, Term]], lead: str | None = None) -> str:
    """The triples as Turtle without the prefix lines (Oxigraph writes them in no fixed order; the
    file has them once, sorted), grouped by subject in a fixed order, subject ``lead`` first."""
    ordered = sorted(triples, key=lambda t: (t[0].value != lead, t[0].value, t[1].value, str(t[2])))
    text = ox.serialize([ox.Triple(*t) for t in ordered], format=ox.RdfFormat.TURTLE,
                        prefixes=PREFIXES).decode("utf-8")
    lines = text.splitlines(keepends=True)
    body = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    return "".join(lines[body:])


def write_chunk(path: Path, blocks: list[tuple[str, str]]) -> dict[str, Block]:
    """A Turtle file of (paper IRI, block) pairs, for the store to load; where each block lies in it."""
    where: dict[str, Block] = {}
    position = len(TURTLE_PREFIXES)  # ASCII
    data = [block.encode("utf-8") for _, block in blocks]
    for (iri, _), encoded in zip(blocks, data):
        where[iri] = (path, position, len(encoded))
        position += len(encoded)
    path.write_bytes(TURTLE_PREFIXES.encode("ascii") + b"".join(data))
    return where


def written_blocks(path: Path, record: Path) -> Placed | None:
    """Where each paper's block lies in ``path`` as last written, with its fingerprint then; None
    if the file or its record is missing, or the file changed since it was written."""
    try:
        stat, written = path.stat(), json.loads(record.read_text(encoding="utf-8"))
        if (written["size"], written["mtime_ns"]) != (stat.st_size, stat.st_mtime_ns):
            return None
        return {iri: (int(start), int(length), str(fingerprint))
                for iri, (start, length, fingerprint) in written["placed"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):  # missing, or not what write_graph_ttl writes
        return None


def write_graph_ttl(path: Path, record: Path, entity_block: str, fingerprints: dict[str, str], old: Placed,
                    new: Mapping[str, Block]) -> None:
    """Write graph.ttl whole or not at all: prefixes, entities, then each paper's block in the order
    of ``fingerprints`` (paper IRI -> fingerprint), from ``new`` where given, else from the file as
    ``old`` places it (same fingerprint, same block); then record where each block went."""
    placed: Placed = {}
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(atomic_writer(path, "wb"))
        handle.write((TURTLE_PREFIXES + entity_block).encode("utf-8"))
        copier = _RunCopier(handle, {path: stack.enter_context(path.open("rb"))} if old else {})
        stack.callback(copier.close)
        for iri, fingerprint in fingerprints.items():
            if iri in new:
                source, start, length = new[iri]
            elif iri in old and old[iri][2] == fingerprint:
                source, (start, length, _) = path, old[iri]
            else:
                raise RuntimeError(f"no Turtle block for {iri}: the build state is incomplete")
            placed[iri] = (copier.add(source, start, length), length, fingerprint)
        copier.flush()
    stat = path.stat()
    write_text(record, json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "placed": placed}))


class _RunCopier:
    """Append byte ranges of files to ``target``, copying each run of adjacent ranges in one go."""

    def __init__(self, target: BinaryIO, kept: dict[Path, BinaryIO]) -> None:
        self.target, self.kept = target, kept  # kept: sources open all along (the old graph.ttl)
        self.position = target.tell()
        self.run: tuple[Path, int, int] | None = None  # source, [start, end)
        self.current: tuple[Path, BinaryIO] | None = None  # the one other source open (a chunk file)

    def add(self, source: Path, start: int, length: int) -> int:
        """Queue ``length`` bytes of ``source`` from ``start``; where they will lie in the target."""
        if self.run is not None and self.run[0] == source and self.run[2] == start:
            self.run = (source, self.run[1], start + length)
        else:
            self.flush()
            self.run = (source, start, start + length)
        where = self.position
        self.position += length
        return where

    def flush(self) -> None:
        if self.run is not None:
            source, start, end = self.run
            _copy(self._open(source), self.target, start, end)
            self.run = None

    def _open(self, source: Path) -> BinaryIO:
        if source in self.kept:
            return self.kept[source]
        if self.current is None or self.current[0] != source:
            self.close()
            self.current = (source, source.open("rb"))
        return self.current[1]

    def close(self) -> None:
        if self.current is not None:
            self.current[1].close()
            self.current = None


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
