"""Ingest stage: read paper records from input files and merge the same paper read twice.

The format of each file is chosen by its extension, by its content when the extension says
nothing, or by the caller. Any bad input raises ``InputError`` naming the file (and line).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from kgraph.errors import InputError
from kgraph.ingest.arxiv import parse_arxiv
from kgraph.ingest.dailypapers import parse_dailypapers
from kgraph.ingest.files import MAX_INPUT_BYTES, read_text
from kgraph.ingest.merge import merge_papers
from kgraph.ingest.parsed import KeptInputs
from kgraph.ingest.tabular import REQUIRED, parse_csv, parse_jsonl
from kgraph.model import Paper, Source

FORMATS = ("dailypapers", "jsonl", "csv", "arxiv")
EXTENSIONS = {
    ".txt": "dailypapers",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".xml": "arxiv",
    ".atom": "arxiv",
}
_PARSERS: dict[str, Callable[[str, str], list[Paper]]] = {
    "dailypapers": parse_dailypapers,
    "jsonl": parse_jsonl,
    "csv": parse_csv,
    "arxiv": parse_arxiv,
}

__all__ = ["EXTENSIONS", "FORMATS", "detect_format", "merge_papers", "read_file", "read_papers", "sniff_format"]

PathLike = str | os.PathLike[str]


def read_papers(paths: Iterable[PathLike] | PathLike, fmt: str | None = None, kept: Path | None = None,
                max_bytes: int = MAX_INPUT_BYTES) -> list[Paper]:
    """All papers of all inputs, duplicates (same title key) merged, in order of first appearance.

    With ``kept`` (a folder), what each file parses to is kept there and reused while the file
    is unchanged or, for JSON Lines, has only grown (see :mod:`kgraph.ingest.parsed`). An input
    larger than ``max_bytes`` is refused.
    """
    if isinstance(paths, (str, os.PathLike)):  # one path, not an iterable of its characters
        paths = [paths]
    inputs = KeptInputs(kept) if kept is not None else None
    papers = merge_papers(paper for path in paths for paper in read_file(path, fmt, inputs, max_bytes))
    if inputs is not None:
        inputs.save()
    return papers


def read_file(path: PathLike, fmt: str | None = None, kept: KeptInputs | None = None,
              max_bytes: int = MAX_INPUT_BYTES) -> list[Paper]:
    """The papers of one input, unmerged; a file without any paper is an error, not an empty result."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
    text = read_text(path, max_bytes)
    chosen = fmt or detect_format(path, text)
    if kept is None:
        papers = _PARSERS[chosen](text, str(path))
    elif chosen == "jsonl":  # lines stand alone: a grown file is parsed from where it was kept
        papers = kept.papers(str(path), chosen, text, lambda part, first: parse_jsonl(part, str(path), first),
                             appendable=True)
    else:
        parse = _PARSERS[chosen]
        papers = kept.papers(str(path), chosen, text, lambda part, _: parse(part, str(path)), appendable=False)
    if not papers:
        raise InputError(path, f"no papers found (read as {chosen})")
    return _portable_sources(papers, str(path))


def portable_name(path: str) -> str:
    """How outputs name an input: as the user named it when that is a path below the current
    folder, else by its file name, so that no output holds the building machine's directories
    (and the same input built from two folders gives the same bytes)."""
    parts = Path(path).parts
    if Path(path).is_absolute() or ".." in parts or not parts:
        return Path(path).name or path
    return Path(*parts).as_posix()


def _portable_sources(papers: list[Paper], path: str) -> list[Paper]:
    """The papers with their sources (and notes naming them) under the input's portable name."""
    name = portable_name(path)
    if name == path:
        return papers
    for paper in papers:
        paper.sources = [Source(name, source.line) if source.file == path else source for source in paper.sources]
        paper.notes = [note.replace(f"{path}:", f"{name}:") for note in paper.notes]
    return papers


def detect_format(path: PathLike, text: str) -> str:
    """The format its extension names, else the one its content looks like."""
    return EXTENSIONS.get(Path(path).suffix.lower()) or sniff_format(text)


def sniff_format(text: str) -> str:
    """XML, a JSON object, a CSV header naming title and abstract, or else a saved listing."""
    head = text.lstrip()
    if head.startswith("<"):
        return "arxiv"
    if head.startswith("{"):
        return "jsonl"
    first_line = head.split("\n", 1)[0]
    columns = {name.strip().lower() for name in next(csv.reader([first_line]), [])}
    return "csv" if set(REQUIRED) <= columns else "dailypapers"
