"""``papers.jsonl``, what ``kgraph build`` saves of each paper: its line written, and read back, so
later commands need not extract again.

A line is ``{"extraction": {...}, "paper": {...}}`` as ``json.dumps(..., sort_keys=True)`` writes
it. ``paper_line`` writes it and ``_paper_of`` reads the paper back from its end alone; both rely
on ``PAPER_KEY``, and nothing else knows the layout.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import networkx as nx

from kgraph.errors import InputError
from kgraph.folder import papers_path
from kgraph.graph import build_graph
from kgraph.model import Extraction, Paper
from kgraph.resolve import resolve

PAPER_KEY = ', "paper": '  # in a line as written: {"extraction": {...}, "paper": {...}}
# Change when a line is laid out differently (or ``Paper.to_dict`` changes): builds copy the
# lines of unchanged papers from the last papers.jsonl, which must then be written again.
LINE_FORMAT = "2"
_DECODER = json.JSONDecoder()
T = TypeVar("T")


def facts_json(extraction: Extraction) -> str:
    """An extraction as the JSON text saved in papers.jsonl (and in a build's cache)."""
    return json.dumps(extraction.to_dict(), ensure_ascii=False, sort_keys=True)


def paper_line(paper: Paper, facts: str) -> str:
    """The papers.jsonl line of a paper (without its line end), its facts already JSON (``facts_json``):
    what ``json.dumps({"extraction": ..., "paper": ...}, sort_keys=True)`` writes."""
    paper_json = json.dumps(paper.to_dict(), ensure_ascii=False, sort_keys=True)
    return '{"extraction": ' + facts + PAPER_KEY + paper_json + "}"


def parse_line(line: str) -> tuple[Paper, Extraction]:
    """One papers.jsonl line as the paper and its extraction."""
    data = json.loads(line)
    return Paper.from_dict(data["paper"]), Extraction.from_dict(data["extraction"])


def _parsed_lines(path: str | os.PathLike[str], parse: Callable[[str], T]) -> Iterator[tuple[str, T]]:
    """Stream (line, parse(line)) from a ``papers.jsonl``; a bad line is an InputError naming it."""
    source = papers_path(path)
    if not source.exists():
        raise InputError(str(source), "no such file or folder")
    if not source.is_file():  # a FIFO or a device: reading could wait or never end
        raise InputError(str(source), "not a regular file; only files are read")
    try:
        handle = source.open(encoding="utf-8")
    except OSError as error:
        raise InputError(str(source), f"cannot read: {error.strerror or error}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                parsed = parse(line)
            except (ValueError, KeyError, TypeError) as error:
                raise InputError(str(source), f"not a kgraph papers.jsonl record ({error})", number) from None
            yield line, parsed


def _paper_of(line: str) -> Paper:
    """The paper of a line, decoding only its end when it is laid out as ``kgraph build`` writes
    it (the extraction, most of the line, is not decoded); any other layout is decoded whole.

    The last ``, "paper": `` of such a line is the line's own key: inside JSON strings a quote
    is escaped, and no key of a paper is "paper".
    """
    at = line.rfind(PAPER_KEY)
    if at >= 0:
        try:
            data, end = _DECODER.raw_decode(line, at + len(PAPER_KEY))
        except ValueError:
            pass
        else:
            if line[end:].strip() == "}":
                return Paper.from_dict(data)
    return Paper.from_dict(json.loads(line)["paper"])


def saved_papers(path: str | os.PathLike[str], digests: Sequence[str] | None = None) -> list[Paper]:
    """The papers of a saved build without their extractions (cheaper: ``--update`` copies their
    lines, or reads their facts from the cache); ``digests``, the ``Paper.digest`` of each line
    as the build indexed them, spare digesting every paper again (1 s at 100,000)."""
    papers = [paper for _, paper in _parsed_lines(path, _paper_of)]
    if not papers:
        raise InputError(str(papers_path(path)), "no papers found")
    if digests is not None and len(digests) == len(papers):
        for paper, digest in zip(papers, digests):
            paper.restore_cached(digest=digest)
    return papers


def read_saved(path: str | os.PathLike[str]) -> tuple[list[Paper], dict[str, Extraction]]:
    """Papers and their extractions from a ``papers.jsonl`` written by ``kgraph build``."""
    papers: list[Paper] = []
    extractions: dict[str, Extraction] = {}
    for _, (paper, extraction) in _parsed_lines(path, parse_line):
        papers.append(paper)
        extractions[paper.key] = extraction
    if not papers:
        raise InputError(str(papers_path(path)), "no papers found")
    return papers, extractions


def load_graph(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """The knowledge graph of a saved build (resolution and assembly are cheap; extraction is not redone)."""
    papers, extractions = read_saved(path)
    return build_graph(papers, extractions, resolve(extractions.values()))
