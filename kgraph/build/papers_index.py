"""The papers.jsonl index: where each paper's line lies in the ``papers.jsonl`` a build wrote, so the
next build copies it.

A line is a function of the paper as read (all its fields) and of the extractor that made its
facts. A paper read again unchanged therefore has the same line: the next build copies it from
the file (with its neighbours, in one run) instead of reading the paper's cache entry and
writing the line again, and takes the line's digest, the paper's IRI and names from here (at 100,000
papers, reading the entries and making the lines took 10-15 s of every rebuild).

The index (bound to papers.jsonl by ``splice.write_bound``) is trusted only while ``papers.jsonl`` has the size and
modification time it had when the index was written, its rows the digest they had, and only by
a build of the same extractor and line layout; any other index, or a damaged one, is ignored
(the build then reads the cache, as without an index). Rows are keyed by paper digest.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from kgraph.build.splice import read_bound, write_bound

INDEX_FORMAT = "2"  # change when a row of the index is laid out differently (the line's own: saved.LINE_FORMAT)


class SavedLine(NamedTuple):
    start: int  # in papers.jsonl, in bytes
    length: int
    digest: str  # the line digest (of its bytes): part of the paper's fingerprint
    iri: str  # the paper's (a function of its fields, like the line: kept, not made again for 100,000s)
    names: str  # model.Names as JSON: what resolution needs of the paper


def read_papers_index(index: Path, papers_file: Path, version: str) -> dict[str, SavedLine]:
    """Saved lines by ``Paper.digest`` (``version``, the extractor's and the layout's, is the
    whole index's); none if the index is missing, damaged, of another version, or
    ``papers_file`` changed since the index was written."""
    rows = read_bound(index, papers_file, version)
    if rows is None:
        return {}
    try:
        size = papers_file.stat().st_size
        saved = {}
        for row in rows.decode("utf-8").split("\n")[:-1]:  # names may hold U+2028 and the like: not splitlines()
            digest, start, length, line_digest, iri, names = row.split("\t", 5)
            saved[digest] = SavedLine(int(start), int(length), line_digest, iri, names)
            if not (0 <= saved[digest].start and 0 < saved[digest].length <= size - saved[digest].start):
                return {}
        return saved
    except (OSError, ValueError):  # not what write_saved_lines writes
        return {}


def write_papers_index(index: Path, papers_file: Path, version: str, lines: Iterable[tuple[str, SavedLine]]) -> None:
    """Record where each paper's line lies in ``papers_file``, just written (whole or not at all)."""
    rows = "".join(f"{digest}\t{line.start}\t{line.length}\t{line.digest}\t{line.iri}\t{line.names}\n"
                   for digest, line in lines)
    write_bound(index, papers_file, rows.encode("utf-8"), version)
