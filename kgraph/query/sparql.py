"""SPARQL over the graph: canned queries, parameters, and two engines with one result shape.

Oxigraph (pyoxigraph) is the default engine: it bulk-loads millions of triples in seconds and
answers the canned queries in milliseconds where rdflib's pure-Python engine takes seconds to
minutes; rdflib stays available (``engine="rdflib"``) to compare answers. Both results are
turned into the same ``Result`` of plain ``Term`` values so that output and tests need not
know the engine.

Canned queries live in ``ontology/queries/NAME.rq``. Their first comment line says what they
answer; ``# param NAME: text`` lines declare parameters, which are bound as literals by the
engine (SPARQL 1.1 pre-binding: ``substitutions`` in Oxigraph, ``initBindings`` in rdflib),
never spliced into the query text, so no value can change the query.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Literal as Kind

import pyoxigraph as ox
import rdflib
from rdflib.query import Result as RdflibResult

from kgraph.errors import InputError
from kgraph.query.sources import read_rdflib, read_store

INLINE_QUERY = "<query>"  # how errors name a query given on the command line
# "# param NAME: what it is"; "# param NAME (optional): ..." may be left out (the variable is then
# unbound); "# param NAME matching REGEX: ..." is refused unless its value matches REGEX whole.
_PARAM_LINE = re.compile(r"#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\(optional\))?\s*(?:matching\s+(\S+))?\s*:\s*(.*)")
_OXIGRAPH_POSITION = re.compile(r"error at (\d+):(\d+)")


@dataclass(frozen=True)
class Term:
    """An RDF term as SPARQL results carry it: kind, lexical value, and datatype or language."""

    kind: Kind["uri", "literal", "bnode"]
    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass
class Result:
    """A query's answer: rows of a SELECT, a boolean for ASK, or triples for CONSTRUCT/DESCRIBE."""

    form: Kind["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def values(self) -> list[tuple[str | None, ...]]:
        """The rows as plain strings (None where unbound): what tests and comparisons want."""
        return [tuple(t.value if t else None for t in row) for row in self.rows]


@dataclass(frozen=True)
class CannedQuery:
    name: str
    description: str
    params: dict[str, str]
    text: str
    path: str
    optional: frozenset[str] = frozenset()  # parameters that may be left out
    patterns: dict[str, str] = field(default_factory=dict)  # parameter -> the regular expression its value matches


def _parse_header(name: str, text: str, path: str) -> CannedQuery:
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line)
    if not comments or not comments[0].lstrip("# ").strip():
        raise ValueError(f"{path}: a canned query starts with a comment saying what it answers")
    declared = [m for line in comments if (m := _PARAM_LINE.fullmatch(line.strip()))]
    params = {m.group(1): m.group(4).strip() for m in declared}
    optional = frozenset(m.group(1) for m in declared if m.group(2))
    patterns = {m.group(1): m.group(3) for m in declared if m.group(3)}
    return CannedQuery(name, comments[0].lstrip("# ").strip(), params, text, path, optional, patterns)


def canned_queries() -> dict[str, CannedQuery]:
    """Every ``ontology/queries/*.rq`` by name (the file name without .rq), sorted."""
    folder = files("kgraph.ontology") / "queries"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            found[name] = _parse_header(name, entry.read_text("utf-8"), str(entry))
    return found


def canned_query(name: str) -> CannedQuery:
    """The canned query called ``name``, or an InputError listing the known ones."""
    queries = canned_queries()
    if name not in queries:
        raise InputError(name, f"no such canned query; known: {', '.join(queries)}")
    return queries[name]


def read_query(query: str) -> tuple[str, str]:
    """(query text, name for errors): a .rq/.sparql file when ``query`` names one, else the text itself."""
    path = Path(query)
    looks_like_file = "\n" not in query and len(query) < 4096 and (
        path.suffix.lower() in (".rq", ".sparql") or (" " not in query and path.is_file()))
    if not looks_like_file:
        if _names_a_file(query):
            raise InputError(query, "no such file")
        return query, INLINE_QUERY
    if not path.exists():
        raise InputError(str(path), "no such file")
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(str(path), f"cannot read the query: {reason}") from None


def _names_a_file(query: str) -> bool:
    """A QUERY argument that is no query but a path: one word with a folder or an extension, no braces."""
    return (not any(c.isspace() for c in query) and "{" not in query
            and ("/" in query or os.sep in query or re.search(r"\.\w{1,10}$", query) is not None))


def check_params(canned: CannedQuery, params: Mapping[str, str]) -> None:
    """Every declared parameter given (but optional ones), nothing else: a missing one would silently match nothing."""
    unknown = sorted(set(params) - set(canned.params))
    if unknown:
        takes = ", ".join(canned.params) or "no parameters"
        raise InputError(canned.path, f"unknown parameter {unknown[0]!r}; {canned.name} takes {takes}")
    missing = [name for name in canned.params if name not in params and name not in canned.optional]
    if missing:
        raise InputError(canned.path, f"{canned.name} needs --param {missing[0]}=VALUE ({canned.params[missing[0]]})")
    for name, value in params.items():  # a value of the wrong shape would silently match nothing, too
        if name in canned.patterns and not re.fullmatch(canned.patterns[name], value):
            raise InputError(canned.path, f"--param {name}={value!r} is not of the form {canned.params[name].split(';')[0]}")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bound_query(query: str, params: Mapping[str, str]) -> str:
    """The query as any SPARQL tool can run it: its parameters bound by a ``VALUES`` block opening
    its outermost ``WHERE`` group (as escaped literals, so no value can change the query). What
    ``kgraph query --print-query`` prints; ``query`` itself is run with engine pre-binding."""
    if not params:
        return query
    where = _WHERE.search(query)
    if where is None:
        raise InputError("--print-query", "the query has no WHERE { ... } group to bind its parameters in")
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(str(ox.Literal(value)) for value in params.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}  # bound by kgraph query --print-query\n"
    return query[:where.end()] + block + query[where.end():].removeprefix("\n")


# ---------------------------------------------------------------------------------------------
# Engines


def _from_oxigraph(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Term("literal", term.value, language=term.language)
        return Term("literal", term.value, datatype=term.datatype.value)
    raise TypeError(f"unsupported result term {term!r}")  # RDF-star triples: never in our graphs


def _from_rdflib(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return Term("uri", str(term))
    if isinstance(term, rdflib.BNode):
        return Term("bnode", str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Term("literal", str(term), language=term.language)
        return Term("literal", str(term), datatype=str(term.datatype or rdflib.XSD.string))
    raise TypeError(f"unsupported result term {term!r}")


QUERY_TIMEOUT_S = 60.0  # kgraph query and kgraph serve stop a query running longer (--timeout)

# A SPARQL 1.1 Update: its prologue (comments, BASE, PREFIX declarations), then an update operation.
_UPDATE = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*"
                     r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
READ_ONLY = "kgraph query is read-only: updates are not run"


def is_update(query: str) -> bool:
    """Whether ``query`` is a SPARQL Update request rather than a query."""
    return _UPDATE.match(query) is not None


def _syntax_error(source: str, error: Exception, query: str = "") -> InputError:
    if is_update(query):
        return InputError(source, READ_ONLY)
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    line = getattr(error, "lineno", None)
    if (match := _OXIGRAPH_POSITION.search(message)) and not isinstance(line, int):
        line = int(match.group(1))
    return InputError(source, f"not valid SPARQL: {message}", line if isinstance(line, int) else None)


def run_oxigraph(store: ox.Store, query: str, source: str = INLINE_QUERY,
                 params: Mapping[str, str] | None = None) -> Result:
    """Run ``query`` on an Oxigraph store; ``params`` are bound as plain literals."""
    substitutions = {ox.Variable(name): ox.Literal(value) for name, value in (params or {}).items()}
    try:
        answer = store.query(query, substitutions=substitutions or None)
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            return Result("graph", triples=[(_from_oxigraph(t.subject), _from_oxigraph(t.predicate),
                                             _from_oxigraph(t.object)) for t in answer])
        variables = [v.value for v in answer.variables]
        rows = [tuple(_from_oxigraph(solution[name]) for name in variables) for solution in answer]
    except SyntaxError as error:
        raise _syntax_error(source, error, query) from None
    except (RuntimeError, ValueError, OSError) as error:  # evaluation errors, e.g. a SERVICE call
        raise InputError(source, f"query failed: {str(error).strip() or type(error).__name__}") from None
    return Result("select", variables, rows)


def run_rdflib(graph: rdflib.Graph, query: str, source: str = INLINE_QUERY,
               params: Mapping[str, str] | None = None) -> Result:
    """Run ``query`` with rdflib's SPARQL engine, for comparison with Oxigraph."""
    bindings = {name: rdflib.Literal(value) for name, value in (params or {}).items()}
    try:
        answer: RdflibResult = graph.query(query, initBindings=bindings)
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Result("graph", triples=[tuple(_from_rdflib(t) for t in triple) for triple in answer.graph])
        variables = [str(v) for v in answer.vars or ()]
        rows = [tuple(_from_rdflib(row[i]) for i in range(len(variables))) for row in answer]
    except Exception as error:  # pyparsing's ParseException, rdflib's evaluation errors: all user input
        if type(error).__name__ in ("ParseException", "ParseSyntaxException", "ParseFatalException"):
            raise _syntax_error(source, error, query) from None
        raise InputError(source, f"query failed: {str(error).strip() or type(error).__name__}") from None
    return Result("select", variables, rows)


def query_graph(graph: str | os.PathLike[str], query: str, source: str = INLINE_QUERY,
                params: Mapping[str, str] | None = None, engine: str = "oxigraph") -> Result:
    """Load GRAPH (build folder, RDF file or papers.jsonl) into ``engine`` and run ``query`` on it."""
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {tuple(ENGINES)}")
    load, run = ENGINES[engine]
    return run(load(graph), query, source, params)


# Engines by name: how GRAPH is loaded for it, and how a query runs there.
ENGINES: dict[str, tuple[Callable, Callable[..., Result]]] = {
    "oxigraph": (read_store, run_oxigraph),
    "rdflib": (read_rdflib, run_rdflib),
}
