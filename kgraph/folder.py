"""The build folder: every file a build writes, and where; the only module that names one.

``kgraph build -o OUT`` writes three outputs into OUT and keeps, in ``OUT/.kgraph/``, what the
next build starts from. Later commands (query, export, serve, viz) read the outputs and, for
speed, the build's store; the build (``kgraph.build``) reads and writes all of it, holding the
folder's lock. Words used for these files, one meaning each:

- *line*: one paper's line of ``papers.jsonl``; its *line digest* is a digest of its bytes;
- *index*: a file saying where things lie in an output (each paper's line in papers.jsonl, each
  block in graph.ttl), trusted only while that output is as it was written (``build.splice``);
- *paper digest*: ``Paper.digest``, of every field of the paper as read;
- *content key*: what the extraction cache is keyed by (title and abstract only);
- *fingerprint*: of what a paper's or an entity's RDF is made from (its line digest and the ids
  its names resolve to; an entity's label and aliases);
- *registry*: ``iris.json``, the entity id each name key was given when first seen, and the ids
  retired since (``resolve.Registry``): never invalidated, so IRIs outlive every other file;
- *state*: ``state.json``, what the last build found (``build.state.BuildState``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import filelock

from kgraph.errors import OutputError
from kgraph.io import temporary_files

TURTLE_FILE = "graph.ttl"
PAPERS_FILE = "papers.jsonl"
PAGE_FILE = "graph.html"
CURATION_FILE = "curation.jsonl"  # the decisions of people on the facts (kgraph.curate)
STATE_DIR = ".kgraph"  # in a build folder: everything below is the build's own
LOAD_PREFIX = "load-"  # temporary folders of Turtle chunks being loaded into the store


class BuildFolder:
    """The files of the build folder ``path`` (nothing is read or made by naming them)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.graph_ttl = self.path / TURTLE_FILE
        self.papers = self.path / PAPERS_FILE
        self.page = self.path / PAGE_FILE
        self.curation = self.path / CURATION_FILE  # the curation file a build applies unless given another
        self.rejected = self.path / "rejected.jsonl"  # the facts curators rejected, for audit
        self.state_dir = state = self.path / STATE_DIR
        self.state = state / "state.json"  # what the last build found: written last, once all else is
        self.store = state / "store"  # the Oxigraph store holding what graph.ttl holds
        self.cache = state / "cache.sqlite"  # extractions by content key
        self.papers_index = state / "papers-jsonl.tsv"  # where each paper's line lies in papers.jsonl
        self.page_made = state / "graph-html.json"  # what graph.html was made from (kept while that holds)
        self.graph_ttl_index = state / "graph-ttl.json"  # where each entity's and paper's block lies in graph.ttl
        self.iris = state / "iris.json"  # the IRI registry: each name key's entity id, kept for good
        self.name_tally = state / "names.json"  # the names of the papers in papers.jsonl, counted
        self.curation_record = state / "curation.json"  # what each paper's decisions did, and the orphans
        self.parsed_inputs = state / "inputs"  # what each input parsed to (kgraph.ingest.parsed)
        self.lock = state / "build.lock"  # held by the build writing the folder
        self.updating = state / "updating"  # while graph.ttl and the store may disagree with the state
        self.build_record = state / "build.json"  # what the last build was asked, left and reported (written last)
        self.retired = [state / "turtle.sqlite"]  # what builds of earlier versions kept, deleted when seen

    def outputs(self) -> list[Path]:
        return [self.graph_ttl, self.page, self.papers]

    def leftovers(self) -> list[Path]:
        """What a killed build left: the outputs it was writing (written beside, then renamed into
        place: at 100k papers, 840 MB of papers.jsonl and graph.ttl for every kill), the state
        files it was writing and the chunks it was loading into the store."""
        outputs = [temporary for output in (*self.outputs(), self.rejected)
                   for temporary in temporary_files(self.path, output.name)]
        return [*outputs, *temporary_files(self.state_dir), *self.state_dir.glob(f"{LOAD_PREFIX}*"), *self.retired]

    def remove_leftovers(self) -> None:
        for leftover in self.leftovers():
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock: two builds writing one folder would delete each other's
        temporary files and mix their outputs, so the second stops before writing any. The lock
        goes with the process that holds it (a killed build leaves none behind)."""
        self.path.mkdir(parents=True, exist_ok=True)  # an error names the output itself, if it is a file
        self.state_dir.mkdir(exist_ok=True)
        try:
            with filelock.FileLock(self.lock, timeout=0):
                yield
        except filelock.Timeout:
            raise OutputError(str(self.path), "another kgraph build is writing to this folder; "
                                              "run this one when it has finished") from None

    def finished_store(self) -> Path | None:
        """The on-disk store of a finished build, or None when the folder has none."""
        return self.store if self.state.is_file() and self.store.is_dir() else None


def papers_path(path: str | os.PathLike[str]) -> Path:
    """A build folder stands for its papers.jsonl."""
    path = Path(path)
    return path / PAPERS_FILE if path.is_dir() else path
