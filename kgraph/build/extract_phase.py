"""Phase 1 of a build: the papers read -> extracted (cached, parallel) -> papers.jsonl, names counted.

Extractions are streamed into ``papers.jsonl`` (renamed into place only when complete); each
paper's names (cached with its extraction) are counted for resolution as they come. The lines of
papers read unchanged since the last build are copied from the file it wrote (found by the
papers.jsonl index), and their names were counted by it (the tally it saved, less the papers gone).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kgraph.build.cache import ExtractionCache
from kgraph.build.curation_phase import Curating
from kgraph.build.engine import ExtractionStream
from kgraph.build.history import carried, previous_claims
from kgraph.build.papers_index import SavedLine, read_papers_index, write_papers_index
from kgraph.build.splice import Splicer, read_bound, write_bound
from kgraph.build.state import Versions
from kgraph.folder import BuildFolder
from kgraph.graph import paper_node_id
from kgraph.io import atomic_writer
from kgraph.model import Claim, Names, Paper
from kgraph.rdf.terms import node_iri_text
from kgraph.resolve import NameTally
from kgraph.saved import paper_line

HOLD_EVERY = 10_000  # the lines kept are frozen every this many papers (after collecting what is garbage)


@dataclass
class Extracted:
    """What phase 1 leaves: each paper's line (by paper digest, in input order) and the names counted."""

    lines: list[tuple[str, SavedLine]]
    tally: NameTally

    def placed(self) -> list[tuple[int, int]]:
        """Where each line lies in papers.jsonl (start and length), in order."""
        return [(line.start, line.length) for _, line in self.lines]


@dataclass
class ExtractCounts:
    """What phase 1 did, for the build report."""

    extracted: int = 0  # papers extracted now
    from_cache: int = 0  # papers whose extraction was read from the cache
    copied: int = 0  # lines copied from the last papers.jsonl
    names_counted: int = 0  # papers whose names were counted (those of copied lines are the saved tally's)


def paper_iri(paper: Paper) -> str:
    """The key of a paper's fingerprint and Turtle block: its node's IRI."""
    return node_iri_text(paper_node_id(paper))


def line_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def extract(papers: list[Paper], folder: BuildFolder, versions: Versions, jobs: int, dask_address: str | None,
            use_cache: bool, advance: Callable[[int], None] | None, counts: ExtractCounts,
            pool_min_papers: int, curating: Curating) -> Extracted:
    """Write papers.jsonl for ``papers``, copying what the last build wrote of unchanged ones
    (unchanged: the same paper, with the same curation decisions about it)."""
    last = read_papers_index(folder.papers_index, folder.papers, versions.lines) if use_cache else {}
    digests = [paper.digest for paper in papers]
    stale = curating.stale(papers, digests) if last else set()
    kept = set(digests) - stale if stale is not None else set()
    saved_tally = _saved_tally(folder, versions, last, kept) if last else None
    kept_lines = {digest: line for digest, line in last.items() if digest in kept}
    todo = [paper for paper, digest in zip(papers, digests) if digest not in kept_lines]
    previous = previous_claims(folder.papers, last, {paper_iri(paper) for paper in todo})  # their claims' history
    last = kept_lines
    if advance:
        advance(len(papers) - len(todo))
    tally = saved_tally or NameTally()
    gc.freeze()  # the index and the tally are held all phase long

    def on_batch(done: int, extracted: int) -> None:
        counts.extracted += extracted
        if advance:
            advance(done)

    cache = ExtractionCache(folder.cache, versions.cache) if use_cache else None
    try:
        with contextlib.closing(ExtractionStream(todo, jobs, cache, on_batch, dask_address=dask_address,
                                               pool_min_papers=pool_min_papers)) as fresh:
            # closed when done: the last result is taken before the stream ends, and its workers must go
            lines = _write_lines(folder.papers, papers, digests, last, fresh, tally, saved_tally is None, counts,
                                 curating, previous)
    finally:
        if cache is not None:
            cache.close()
    counts.from_cache = len(todo) - counts.extracted
    return Extracted(lines, tally)


def _write_lines(saved: Path, papers: list[Paper], digests: list[str], last: dict[str, SavedLine],
                 fresh: ExtractionStream, tally: NameTally, count_copied: bool, counts: ExtractCounts,
                 curating: Curating, previous: dict[str, list[Claim]]) -> list[tuple[str, SavedLine]]:
    """papers.jsonl, whole or not at all: each line copied from the last one or written from its
    extraction, curated, with its claims' earlier versions (``previous``: paper IRI -> the claims
    of its last line) (extracting from now: the stream started with the first papers to extract)."""
    lines: list[tuple[str, SavedLine]] = []
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(atomic_writer(saved, "wb"))
        splicer = Splicer(handle, {saved: stack.enter_context(saved.open("rb"))} if last else {})
        for paper, digest in zip(papers, digests):
            if (line := last.get(digest)) is not None:
                line = line._replace(start=splicer.add(saved, line.start, line.length))
                counts.copied += 1
                curating.copied(digest)
                if count_copied:
                    _count(tally, line, counts)
            else:
                same, (facts, paper_names) = next(fresh)
                assert same is paper
                facts, paper_names = curating.curate(paper, digest, facts, paper_names)
                iri = paper_iri(paper)
                data = (paper_line(paper, carried(facts, previous.get(iri))) + "\n").encode("utf-8")  # to write, to hash
                line = SavedLine(splicer.write(data), len(data), line_digest(data), iri, paper_names)
                _count(tally, line, counts)
            lines.append((digest, line))
            if len(lines) % HOLD_EVERY == 0:
                gc.collect()
                gc.freeze()
        splicer.flush()
    return lines


def _count(tally: NameTally, line: SavedLine, counts: ExtractCounts) -> None:
    tally.add(Names.from_json(line.names))
    counts.names_counted += 1


def _saved_tally(folder: BuildFolder, versions: Versions, last: dict[str, SavedLine],
                 kept: set[str]) -> NameTally | None:
    """The names the last build counted (all those of ``last``, the lines it wrote), less those of
    the papers this build does not keep; None if it saved none or another build wrote papers.jsonl since."""
    body = read_bound(folder.name_tally, folder.papers, versions.tally)
    if body is None:
        return None
    try:
        tally = NameTally.from_json(body.decode("utf-8"))
    except (ValueError, TypeError, KeyError):  # not what this version writes
        return None
    for digest in last.keys() - kept:
        tally.remove(Names.from_json(last[digest].names))
    return tally


def save_for_next_build(folder: BuildFolder, versions: Versions, extracted: Extracted, curating: Curating) -> None:
    """What the next build starts phase 1 from: the papers.jsonl index and the name tally, bound to
    papers.jsonl (trusted only while it is as they describe: after a kill before this, the next
    build takes every line from the cache instead of copying it)."""
    write_papers_index(folder.papers_index, folder.papers, versions.lines, extracted.lines)
    write_bound(folder.name_tally, folder.papers, extracted.tally.to_json().encode("utf-8"), versions.tally)
    curating.save()
