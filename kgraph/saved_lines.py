"""Where each paper's line lies in the ``papers.jsonl`` a build wrote, so the next build copies it.

A line is a function of the paper as read (all its fields) and of the extractor that made its
facts. A paper read again unchanged therefore has the same line: the next build copies it from
the file (with its neighbours, in one run) instead of reading the paper's cache entry and
writing the line again, and takes the line's digest and the paper's names from here (at 100,000
papers, reading the entries and making the lines took 10-15 s of every rebuild).

The index is trusted only while ``papers.jsonl`` has the size and modification time it had when
the index was written, its rows the digest they had, and only by a build of the same extractor
and record layout; any other index, or a damaged one, is ignored (the build then reads the
cache, as without an index).
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import NamedTuple

from kgraph.atomic import atomic_writer
from kgraph.model import Paper

LINES_FORMAT = "1"  # change when a papers.jsonl record is laid out differently
_PAPER_FIELDS = operator.attrgetter(*(f.name for f in fields(Paper)))


class SavedLine(NamedTuple):
    start: int  # in papers.jsonl, in bytes
    length: int
    digest: str  # of the line's bytes: part of the paper's fingerprint
    names: str  # model.Names as JSON: what resolution needs of the paper


def paper_digest(paper: Paper, version: str) -> str:
    """What a paper's line depends on: every field of the paper, and the extractor (``version``)."""
    return hashlib.sha256(f"{version}\0{_PAPER_FIELDS(paper)!r}".encode()).hexdigest()[:32]


def read_saved_lines(index: Path, papers_file: Path, version: str) -> dict[str, SavedLine]:
    """Saved lines by paper digest; none if the index is missing, damaged, of another version, or
    ``papers_file`` changed since the index was written."""
    try:
        stat = papers_file.stat()
        with index.open("rb") as handle:
            header, rows = handle.readline(), handle.read()
        if json.loads(header) != _header(stat.st_size, stat.st_mtime_ns, version, rows):
            return {}
        saved = {}
        for row in rows.decode("utf-8").split("\n")[:-1]:  # names may hold U+2028 and the like: not splitlines()
            digest, start, length, line_digest, names = row.split("\t", 4)
            saved[digest] = SavedLine(int(start), int(length), line_digest, names)
            if not (0 <= saved[digest].start and 0 < saved[digest].length <= stat.st_size - saved[digest].start):
                return {}
        return saved
    except (OSError, ValueError):  # missing, or not what write_saved_lines writes
        return {}


def write_saved_lines(index: Path, papers_file: Path, version: str, lines: Iterable[tuple[str, SavedLine]]) -> None:
    """Record where each paper's line lies in ``papers_file``, just written (whole or not at all)."""
    stat = papers_file.stat()
    rows = "".join(f"{digest}\t{line.start}\t{line.length}\t{line.digest}\t{line.names}\n"
                   for digest, line in lines).encode("utf-8")
    with atomic_writer(index, "wb") as handle:
        handle.write(json.dumps(_header(stat.st_size, stat.st_mtime_ns, version, rows)).encode("ascii") + b"\n")
        handle.write(rows)


def _header(size: int, mtime_ns: int, version: str, rows: bytes) -> dict[str, object]:
    """What the index says of itself: the file it describes, the build that wrote it, and a digest
    of its rows (a row damaged or edited by hand would copy the wrong bytes, or none)."""
    return {"size": size, "mtime_ns": mtime_ns, "version": version, "rows": hashlib.sha256(rows).hexdigest()}
