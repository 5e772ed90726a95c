"""What a build keeps for the next one, and what invalidates it.

``versions()`` is the one place that says what each kept artefact of the build folder depends
on; ``BuildState`` is ``state.json``, what the last build found, typed. The paths themselves are
``kgraph.folder.BuildFolder``'s.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from kgraph import asof as asof_module
from kgraph import conflicts as conflicts_module
from kgraph import graph as graph_module
from kgraph import rank as rank_module
from kgraph.build import store as store_module
from kgraph.build import turtle_blocks as turtle_blocks_module
from kgraph.build.cache import FORMAT as CACHE_FORMAT
from kgraph.build.papers_index import INDEX_FORMAT
from kgraph.extract import extractor_version
from kgraph.ingest.parsed import reader_version
from kgraph.io import write_text
from kgraph.rdf import terms as terms_module
from kgraph.rdf import analysis as rdf_analysis_module
from kgraph.rdf import triples as triples_module
from kgraph.errors import InputError
from kgraph.resolve import TALLY_FORMAT, Registry
from kgraph.saved import LINE_FORMAT


@dataclass(frozen=True)
class Versions:
    """What each kept artefact was made by: one that a build of another version made is not used."""

    cache: str  # cache entries (extractions by content key): the extractor and the entry format
    lines: str  # the papers.jsonl index (lines copied as they are): those, the line layout and the index's
    tally: str  # the name tally saved beside it: those, and what the tally counts
    rdf: str  # fingerprints (state.json), graph.ttl blocks and the store: the code that writes RDF
    inputs: str  # the parsed inputs (kgraph.ingest.parsed): the readers and the model


def versions() -> Versions:
    """What invalidates what: the extractor's code or vocabularies, a cache entry's format, the
    papers.jsonl line layout and its index's, what the name tally counts, the code that writes
    RDF, and the readers."""
    cache = f"{extractor_version()}/{CACHE_FORMAT}"
    lines = f"{cache}/{LINE_FORMAT}/{INDEX_FORMAT}"
    return Versions(cache=cache, lines=lines, tally=f"{lines}/{TALLY_FORMAT}", rdf=rdf_writer_version(),
                    inputs=reader_version())


# The code that turns saved lines and the resolution into RDF: the build's own modules that do,
# and the stages'. A paper's fingerprint says what its RDF is made from; this, what makes it.
RDF_WRITERS: tuple[ModuleType, ...] = (graph_module, terms_module, triples_module, store_module, turtle_blocks_module,
                                       asof_module, conflicts_module, rank_module,
                                       rdf_analysis_module)  # and build.rdf_phase and build.analysis (which import this module)


@functools.cache
def rdf_writer_version() -> str:
    """A digest of the code that writes a build's RDF (``RDF_WRITERS``, the RDF phase and the analyses' block)."""
    from kgraph.build import analysis, rdf_phase  # they import this module

    digest = hashlib.sha256()
    for module in (*RDF_WRITERS, rdf_phase, analysis):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


Claimed = dict[str, tuple[int, list[tuple[str, str]]]]  # paper IRI -> how many claims, their (winner, loser) ids


@dataclass
class BuildState:
    """What the last build found (``state.json``): written last, once the store and graph.ttl say
    the same; trusted only by a build whose ``Versions.rdf`` is ``rdf_writer``."""

    papers: dict[str, str] = field(default_factory=dict)  # paper IRI -> fingerprint, in papers.jsonl order
    entities: dict[str, str] = field(default_factory=dict)  # entity id -> fingerprint (label and aliases)
    claims: Claimed = field(default_factory=dict)  # of the papers that make claims
    resolution: dict = field(default_factory=dict)  # Resolution.to_plain()
    line_digests: list[str] = field(default_factory=list)  # of each paper's line, in the order of ``papers``
    rdf_writer: str = ""

    def to_json(self) -> str:
        # The line digests joined into one string (a list of them, or the IRIs again, would have doubled the file).
        return json.dumps({"papers": self.papers, "entities": self.entities, "claims": self.claims,
                           "resolution": self.resolution, "line_digests": "".join(self.line_digests),
                           "rdf_writer": self.rdf_writer})

    @classmethod
    def from_json(cls, text: str) -> BuildState:
        """Raises ValueError (or TypeError, KeyError) if ``text`` is not what ``to_json`` writes."""
        data = json.loads(text)
        papers, joined = data["papers"], data["line_digests"]
        width = len(joined) // max(1, len(papers))
        if not isinstance(papers, dict) or not isinstance(joined, str) or width * len(papers) != len(joined):
            raise ValueError("not a line digest per paper")
        claims = {iri: (int(count), [(w, lo) for w, lo in pairs]) for iri, (count, pairs) in data["claims"].items()}
        return cls(papers, dict(data["entities"]), claims, dict(data["resolution"]),
                   [joined[n * width:(n + 1) * width] for n in range(len(papers))], str(data["rdf_writer"]))

    @classmethod
    def read(cls, path: Path) -> BuildState | None:
        """The state saved at ``path``; None if there is none, or not one of this version."""
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def write(self, path: Path) -> None:
        write_text(path, self.to_json())

    def line_digest_of(self) -> dict[str, str]:
        """Paper IRI -> the digest of its line."""
        return dict(zip(self.papers, self.line_digests))


def read_registry(kept: Path, given: Path | None = None) -> Registry:
    """The IRI registry a build starts from: the one its folder keeps (``kept``), over one given
    (``kgraph build --iris FILE``, for a fresh build to reproduce another's IRIs). A damaged kept
    registry is an error, not a reason to mint new IRIs; a missing one is an empty one."""
    registry = Registry()
    for path in (given, kept):
        if path is None or (path == kept and not path.exists()):
            continue
        try:
            found = Registry.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            raise InputError(str(path), f"not a kgraph IRI registry ({error})") from None
        registry = Registry(registry.keys | found.keys, registry.replaced | found.replaced)
    return registry
