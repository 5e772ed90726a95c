"""Inputs parsed by an earlier run, kept so that reading them again costs a digest, not a parse.

A rebuild reads all of its inputs again, and parsing is most of that (at 100,000 papers about
4 of 5 s, on every rebuild however few papers are new). What a file parsed to is kept, in a
folder the caller names (a build's state folder), with a digest of the text it came from: the
same text gives the same papers back unparsed. JSON Lines files grow by appended lines (a daily
feed), so they are kept in segments, one per run that found new complete lines: while the
segments' text is still the start of the file, only the lines after it are parsed.

Segments hold papers as plain values in ``marshal`` format: loading is about ten times faster
than parsing and, unlike pickle, runs no code. A segment of another version (of the readers,
the model or Python), damaged, or of text the file no longer starts with, is ignored: the file
is parsed again and its segments replaced.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import sys
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import NamedTuple

from kgraph.io import atomic_writer
from kgraph.errors import OutputError
from kgraph.model import Paper, Source

Parser = Callable[[str, int], list[Paper]]  # (text, number of its first line) -> papers
MAX_SEGMENTS = 16  # a file's segments are merged into one when a run would add more
_FIELDS = [f.name for f in fields(Paper)]
_SOURCES = _FIELDS.index("sources")


@functools.cache
def reader_version() -> str:
    """A digest of what made the papers (the readers and the model) and of the marshal format."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}/{marshal.version}".encode())
    package = Path(__file__).parent
    for source in [*sorted(package.glob("*.py")), package.parent / "model.py"]:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class _Segment(NamedTuple):
    start: int  # in the file's text, in characters
    end: int  # after the segment's last line end
    first_line: int  # the line number of its first line
    digest: str  # of the file's text up to ``end``
    rows: list[tuple]  # its papers as plain values


class KeptInputs:
    """The parsed inputs kept in ``folder``: ``papers`` reads from them, ``save`` keeps what was
    parsed anew (once every input was read: a bad input leaves the folder as it was)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[tuple[Path, tuple, list[_Segment]]] = []

    def papers(self, path: str, fmt: str, text: str, parse: Parser, appendable: bool) -> list[Paper]:
        """``parse(text, 1)``, taken from the kept segments as far as they still match ``text``.

        ``appendable`` formats are reused up to the last line kept, and only the lines after it
        are parsed (complete ones make a new segment); others only when the whole text is the same.
        """
        entry = self.folder / hashlib.sha256(f"{fmt}\0{path}".encode()).hexdigest()[:24]
        label = (reader_version(), path, fmt)
        segments, kept, digest = _matching_segments(entry, label, text)
        if segments and not appendable and segments[-1].end != len(text):
            segments, kept, digest = [], [], hashlib.sha256()
        done = segments[-1].end if segments else 0
        if done == len(text):
            return kept
        first_line = segments[-1].first_line + text.count("\n", segments[-1].start, done) if segments else 1
        end = max(done, text.rfind("\n", done) + 1) if appendable else len(text)  # an unfinished last line is not kept
        new = parse(text[done:end], first_line) if end > done else []
        tail = parse(text[end:], first_line + text.count("\n", done, end)) if end < len(text) else []
        if end > done:
            rows = [_row(paper) for paper in new]
            digest.update(text[done:end].encode())  # was of the text up to ``done``, now up to ``end``
            if not segments or len(segments) >= MAX_SEGMENTS:  # start again, or merge all into one
                segments = [_Segment(0, end, 1, digest.hexdigest(), [row for s in segments for row in s.rows] + rows)]
            else:
                segments = [*segments, _Segment(done, end, first_line, digest.hexdigest(), rows)]
            self.pending.append((entry, label, segments))
        return kept + new + tail

    def save(self) -> None:
        """Keep what was parsed anew where it can be: a folder that cannot be written (a file in
        its way, a full disk) only means parsing again next time; what reads the inputs fails on
        its own outputs there, with its own error."""
        for entry, label, segments in self.pending:
            with contextlib.suppress(OSError, OutputError):
                _write(entry, label, segments)
        self.pending.clear()


def _matching_segments(entry: Path, label: tuple, text: str) -> tuple[list[_Segment], list[Paper], hashlib._Hash]:
    """The kept segments of a file, in order, their papers, and the digest of the text they
    cover (to go on with: digesting a file's start twice took 0.3 s at 100,000 papers), if the
    segments are all there and their text is still the file's start; else none."""
    segments: list[_Segment] = []
    papers: list[Paper] = []
    none: tuple[list[_Segment], list[Paper], hashlib._Hash] = ([], [], hashlib.sha256())
    try:
        for file in sorted(entry.glob("*.marshal")):
            segment_label, *values = marshal.loads(file.read_bytes())
            segment = _Segment(*values)
            if segment_label != label or segment.start != (segments[-1].end if segments else 0):
                return none
            segments.append(segment)
            papers.extend(map(_paper, segment.rows))
    except (OSError, EOFError, ValueError, TypeError):  # unreadable, or not what _write wrote
        return none
    if not segments or segments[-1].end > len(text):
        return none
    digest = hashlib.sha256(text[:segments[-1].end].encode())
    if digest.hexdigest() != segments[-1].digest:
        return none
    return segments, papers, digest


def _write(entry: Path, label: tuple, segments: list[_Segment]) -> None:
    """Keep these segments of a file in place of its others: the last is new, those before it
    are kept already unless it is the only one (each file is written whole or not at all)."""
    entry.mkdir(parents=True, exist_ok=True)
    names = [f"{number:04d}.marshal" for number in range(len(segments))]
    with atomic_writer(entry / names[-1], "wb") as handle:
        handle.write(marshal.dumps((label, *segments[-1])))
    for stale in {file.name for file in entry.glob("*.marshal")} - set(names):
        (entry / stale).unlink(missing_ok=True)


def _row(paper: Paper) -> tuple:
    """The paper's fields as plain values, then its key and digest (normalising every title
    again took half a second of reading 100,000 papers, digesting every paper a second)."""
    row = [getattr(paper, name) for name in _FIELDS]
    row[_SOURCES] = [(source.file, source.line) for source in paper.sources]
    return (*row, paper.key, paper.digest)


def _paper(row: tuple) -> Paper:
    if len(row) != len(_FIELDS) + 2:
        raise ValueError("not a row of a paper")
    paper = Paper(*row[:_SOURCES], [Source(*source) for source in row[_SOURCES]], *row[_SOURCES + 1:-2])
    return paper.restore_cached(key=row[-2], digest=row[-1])
