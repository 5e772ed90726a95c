"""Assemble a file from byte ranges of other files, in the kernel where it can.

A rebuild's big outputs (``papers.jsonl``, ``graph.ttl``) are mostly the bytes of the same
files as last written: unchanged papers are copied from there in runs, and only what changed
is written by this process. Where each paper lies in such a file is kept in an index beside it,
*bound* to it (``write_bound``): trusted only while the file, and the index itself, are as they
were written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import BinaryIO

from kgraph.io import atomic_writer

COPY_CHUNK = 1 << 24


class Splicer:
    """Append byte ranges of files, or new bytes, to ``target``, copying each run of adjacent
    ranges in one go; ``position`` is where the next bytes will lie."""

    def __init__(self, target: BinaryIO, kept: dict[Path, BinaryIO]) -> None:
        self.target, self.kept = target, kept  # kept: sources open all along (the file as last written)
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

    def write(self, data: bytes) -> int:
        """Append ``data`` after what is queued; where it lies in the target."""
        self.flush()
        self.target.write(data)
        where = self.position
        self.position += len(data)
        return where

    def flush(self) -> None:
        if self.run is not None:
            source, start, end = self.run
            copy_range(self._open(source), self.target, start, end)
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


def write_bound(path: Path, spliced: Path, body: bytes, version: str = "") -> None:
    """Write ``body`` (where things lie in ``spliced``, just written) under a header line saying
    what it describes: the file's size and modification time, ``version``, a digest of ``body``."""
    with atomic_writer(path, "wb") as handle:
        handle.write(json.dumps(_header(spliced, body, version)).encode("ascii") + b"\n")
        handle.write(body)


def read_bound(path: Path, spliced: Path, version: str = "") -> bytes | None:
    """The body of a file written by ``write_bound``; None if it is missing, of another
    version, damaged or edited (its digest), or if ``spliced`` changed since (size, mtime)."""
    try:
        with path.open("rb") as handle:
            header, body = handle.readline(), handle.read()
        return body if json.loads(header) == _header(spliced, body, version) else None
    except (OSError, ValueError):
        return None


def _header(spliced: Path, body: bytes, version: str) -> dict[str, object]:
    stat = spliced.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "version": version,
            "body": hashlib.sha256(body).hexdigest()}


def copy_range(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
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
