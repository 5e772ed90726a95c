"""``graph.ttl`` of a build, assembled from Turtle blocks: one per paper, one for the entities.

Dumping a whole store is single-threaded and slow (about 1 s per 100,000 triples), and it would
be redone for every rebuild. Instead each paper's triples are serialized by Oxigraph in the
worker that makes them, kept in SQLite by paper IRI, and the file is the prefixes, the entity
block and the paper blocks in input order: a rebuild re-serializes only the papers that changed
and copies the others. Same papers and resolution, same bytes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kgraph.atomic import atomic_writer
from kgraph.rdf import Term
from kgraph.store import PREFIXES

SCHEMA = "CREATE TABLE IF NOT EXISTS block (iri TEXT PRIMARY KEY, turtle TEXT NOT NULL)"
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
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def put_many(self, blocks: Iterable[tuple[str, str]]) -> None:
        """Store (paper IRI, Turtle) pairs in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO block (iri, turtle) VALUES (?, ?)", blocks)

    def delete(self, iris: Iterable[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM block WHERE iri = ?", [(iri,) for iri in iris])

    def write_file(self, path: Path, entity_block: str, paper_iris: Iterable[str]) -> None:
        """Write graph.ttl whole or not at all: prefixes, entities, then each paper's block in order."""
        with atomic_writer(path) as handle:
            handle.write(TURTLE_PREFIXES)
            handle.write(entity_block)
            for iri in paper_iris:
                row = self.db.execute("SELECT turtle FROM block WHERE iri = ?", (iri,)).fetchone()
                if row is None:
                    raise RuntimeError(f"no Turtle block for {iri}: the build state is incomplete")
                handle.write(row[0])
