"""``graph.ttl`` of a build, assembled from Turtle blocks: one per entity, one per paper.

Dumping a whole store is single-threaded and slow (about 1 s per 100,000 triples), and it would
be redone for every rebuild. Instead each paper's triples are serialized by Oxigraph in the
worker that makes them, and the file is the prefixes, the entity blocks by IRI and the paper
blocks in input order. Blocks are not kept anywhere else: a rebuild copies those of unchanged
entities and papers from the graph.ttl it wrote last, and those of changed ones from the files
it wrote them to (for papers, the chunk files the store loads), in runs (in the kernel where
it can). Where each block lies in the file, and the entity's or paper's fingerprint then, are
kept beside it (the graph.ttl index, bound to it by ``splice.write_bound``); a file missing or changed since
it was written (size or modification time), or an index damaged or edited, is not trusted, and
the build then writes every paper's Turtle again.
Same papers and resolution, same bytes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from kgraph.io import atomic_writer
from kgraph.build.splice import Splicer, read_bound, write_bound
from kgraph.rdf.namespace import PREFIXES
from kgraph.rdf.terms import Term

TURTLE_PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(PREFIXES.items())) + "\n"
Block = tuple[Path, int, int]  # the file holding a block of Turtle, where it starts, its length in bytes
Placed = dict[str, tuple[int, int, str]]  # entity or paper IRI -> start and length in graph.ttl, fingerprint then


def subject_blocks(triples: Iterable[tuple[ox.NamedNode, ox.NamedNode, Term]]) -> list[tuple[str, str]]:
    """(subject IRI, its Turtle block) for each subject, by IRI: written one after the other,
    the same text as one ``turtle_block`` of all the triples."""
    by_subject: dict[str, list[tuple]] = {}
    for triple in triples:
        by_subject.setdefault(triple[0].value, []).append(triple)
    return [(iri, turtle_block(by_subject[iri])) for iri in sorted(by_subject)]


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


def written_blocks(path: Path, index: Path) -> Placed | None:
    """Where each entity's and paper's block lies in ``path`` as last written, with its
    fingerprint then; None if the file or its index is missing, or either changed since they
    were written."""
    body = read_bound(index, path)
    if body is None:
        return None
    try:
        return {iri: (int(start), int(length), str(fingerprint))
                for iri, (start, length, fingerprint) in json.loads(body).items()}
    except (ValueError, TypeError, AttributeError):  # not what write_graph_ttl writes
        return None


def write_graph_ttl(path: Path, index: Path, fingerprints: dict[str, str], old: Placed,
                    new: Mapping[str, Block], more_written: Callable[[], bool] = lambda: False) -> None:
    """Write graph.ttl whole or not at all: the prefixes, then the block of each subject in the
    order of ``fingerprints`` (IRI -> fingerprint: the entities', then each paper's), from the file
    as ``old`` places it where the fingerprint is the same (same fingerprint, same block), else
    from ``new``, which may still be filled: at a block not in it yet, what came before is copied
    and ``more_written()`` called, until the block is there (it returns False when no more will
    come: the papers' blocks come first, the analyses' last); then index where each block went."""
    placed: Placed = {}
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(atomic_writer(path, "wb"))
        handle.write(TURTLE_PREFIXES.encode("ascii"))
        copier = Splicer(handle, {path: stack.enter_context(path.open("rb"))} if old else {})
        stack.callback(copier.close)
        for iri, fingerprint in fingerprints.items():
            if iri in old and old[iri][2] == fingerprint:
                source, (start, length, _) = path, old[iri]
            else:
                while iri not in new:
                    copier.flush()  # the run of blocks before is copied while the next ones are written
                    if not more_written() and iri not in new:
                        raise RuntimeError(f"no Turtle block for {iri}: the build state is incomplete")
                source, start, length = new[iri]
            placed[iri] = (copier.add(source, start, length), length, fingerprint)
        copier.flush()
    write_bound(index, path, json.dumps(placed).encode("ascii"))
