"""Find and read the graph a command is pointed at: a build folder, its graph.ttl, or papers.jsonl.

``kgraph build`` writes ``graph.ttl`` (the RDF) and ``papers.jsonl`` (what the networkx graph
is rebuilt from) into one folder, so every later command takes that folder, or one of the files
directly. Parse errors become ``InputError`` naming the file and line, never a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kgraph.errors import InputError
from kgraph.folder import PAPERS_FILE, TURTLE_FILE, BuildFolder
from kgraph.rdf import serialize, to_rdf
from kgraph.saved import load_graph

# RDF files a command accepts, by extension: (rdflib parser, Oxigraph format, media type).
RDF_FILES = {
    ".nt": ("nt", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ".ttl": ("turtle", ox.RdfFormat.TURTLE, "text/turtle"),
}
_FORMAT_NAMES = {"nt": "N-Triples", "turtle": "Turtle"}
_OXIGRAPH_LINE = re.compile(r"line (\d+)")


def _existing(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    return path


def is_saved_papers(path: str | os.PathLike[str]) -> bool:
    """True for a ``papers.jsonl`` (or any .jsonl) file, which holds papers rather than RDF."""
    return Path(path).suffix == ".jsonl"


def rdf_file(path: str | os.PathLike[str]) -> Path:
    """The RDF file of GRAPH: the folder's graph.ttl, or the file itself."""
    path = _existing(path)
    if path.is_dir():
        turtle = path / TURTLE_FILE
        if not turtle.is_file():
            raise InputError(str(path), f"no {TURTLE_FILE} in this folder (make one with `kgraph build`)")
        return turtle
    if is_saved_papers(path):
        raise InputError(str(path), f"expected an RDF graph (a build folder or {TURTLE_FILE}), not papers")
    return path


def rdf_format(path: Path) -> tuple[str, ox.RdfFormat, str]:
    """(rdflib parser, Oxigraph format, media type) of an RDF file; Turtle unless it ends in .nt."""
    return RDF_FILES.get(path.suffix.lower(), RDF_FILES[".ttl"])


def papers_file(path: str | os.PathLike[str], purpose: str = "this") -> Path:
    """The papers.jsonl of GRAPH (a build folder or the file itself), needed to rebuild networkx."""
    path = _existing(path)
    if path.is_dir():
        path = path / PAPERS_FILE
        if not path.is_file():
            raise InputError(str(path.parent), f"no {PAPERS_FILE} in this folder (make one with `kgraph build`)")
    elif not is_saved_papers(path):
        raise InputError(str(path), f"{purpose} needs the {PAPERS_FILE} of a build, not an RDF file "
                                    "(pass the build folder or its papers.jsonl)")
    return path


def read_networkx(path: str | os.PathLike[str], purpose: str = "this") -> nx.MultiDiGraph:
    """The networkx graph of a build, rebuilt from its papers.jsonl."""
    return load_graph(papers_file(path, purpose))


def read_rdflib(path: str | os.PathLike[str]) -> Graph:
    """GRAPH as an rdflib graph: parsed from its RDF file, or built from a papers.jsonl."""
    if is_saved_papers(path):
        return to_rdf(read_networkx(path))
    source = rdf_file(path)
    parser, _, _ = rdf_format(source)
    try:
        return Graph().parse(source, format=parser)
    except OSError as error:
        raise InputError(str(source), f"cannot read: {error.strerror or error}") from None
    except Exception as error:  # rdflib raises its parsers' own types (BadSyntax, ParserError, ...)
        line = getattr(error, "lines", None)
        message = getattr(error, "_why", None) or str(error).strip().splitlines()[0]
        raise InputError(str(source), f"not valid {_FORMAT_NAMES[parser]}: {message}",
                         line + 1 if isinstance(line, int) else None) from None


def oxigraph_error(source: str, error: SyntaxError, fmt: ox.RdfFormat) -> InputError:
    """An Oxigraph parse error as an InputError with the line it points at."""
    line = error.lineno if isinstance(error.lineno, int) else None
    message = str(error.msg if isinstance(error.msg, str) else error)
    if line is None and (match := _OXIGRAPH_LINE.search(message)):
        line = int(match.group(1))
    message = message.splitlines()[0] if message else "syntax error"
    return InputError(source, f"not valid {fmt.name}: {message}", line)


def check_rdf(path: Path) -> int:
    """Parse an RDF file with Oxigraph without keeping it, so that bad input fails here, with a
    line; the number of triples it holds."""
    _, fmt, _ = rdf_format(path)
    try:
        return sum(1 for _ in ox.parse(path=path, format=fmt))
    except SyntaxError as error:
        raise oxigraph_error(str(path), error, fmt) from None
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None


def read_store(path: str | os.PathLike[str]) -> ox.Store:
    """GRAPH as an Oxigraph store, the fast SPARQL engine: a build folder's own on-disk store,
    opened read-only (nothing to load, whatever its size), else the file bulk-loaded into memory."""
    on_disk = BuildFolder(path).finished_store() if Path(path).is_dir() else None
    if on_disk is not None:
        try:
            return ox.Store.read_only(str(on_disk))
        except OSError:  # e.g. a build is writing it: read graph.ttl instead
            pass
    store = ox.Store()
    if is_saved_papers(path):
        store.bulk_load(serialize(read_networkx(path), "nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store
    source = rdf_file(path)
    _, fmt, _ = rdf_format(source)
    try:
        store.bulk_load(path=source, format=fmt)
    except SyntaxError as error:
        raise oxigraph_error(str(source), error, fmt) from None
    except OSError as error:
        raise InputError(str(source), f"cannot read: {error.strerror or error}") from None
    return store
