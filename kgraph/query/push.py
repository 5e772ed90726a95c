"""``kgraph push``: the graph into any SPARQL 1.1 Graph Store endpoint, in one request (PUT replaces
the graph, POST adds to it), which Fuseki, GraphDB, Oxigraph, Virtuoso and others accept."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox

from kgraph.errors import InputError
from kgraph.query.sources import check_rdf, is_saved_papers, rdf_file, rdf_format, read_networkx
from kgraph.rdf.serialize import serialize


def store_url(endpoint: str, graph_iri: str | None) -> httpx.URL:
    """The Graph Store Protocol URL: the endpoint with ``?graph=IRI``, or ``?default``."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(endpoint, "the endpoint must be an http:// or https:// URL")
    if graph_iri is not None:
        try:
            ox.NamedNode(graph_iri)
        except ValueError as error:
            raise InputError(graph_iri, f"--graph must be an absolute IRI ({error})") from None
    url = httpx.URL(endpoint)
    names = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if names & {"graph", "default"}:
        return url  # the user named the target graph already
    if graph_iri is not None:
        return url.copy_merge_params({"graph": graph_iri})
    return url.copy_with(query=(parts.query + "&" if parts.query else "").encode() + b"default")


def _body(graph: str | os.PathLike[str]) -> tuple[bytes | Path, str, str, int]:
    """(content, media type, name for messages, triples) of what is pushed; the RDF file is checked first."""
    if is_saved_papers(graph):
        turtle = serialize(read_networkx(graph), "turtle").encode("utf-8")
        return turtle, "text/turtle", str(graph), sum(1 for _ in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    source = rdf_file(graph)
    triples = check_rdf(source)  # a parse error with a line here beats an HTTP 400 from the endpoint
    _, _, media_type = rdf_format(source)
    return source, media_type, str(source), triples


def stored_triples(url: httpx.URL, timeout_s: float) -> str:
    """How many triples the endpoint's graph holds now, read back with a Graph Store GET (any
    store answers it; counting needs no query endpoint), or why that is unknown."""
    try:
        with httpx.stream("GET", url, headers={"Accept": "application/n-triples"},
                          timeout=httpx.Timeout(timeout_s, connect=10.0)) as response:
            if response.status_code >= 400:
                return f"unknown (reading it back answered HTTP {response.status_code})"
            count = sum(1 for line in response.iter_lines() if line.strip() and not line.startswith("#"))
    except httpx.HTTPError as error:
        return f"unknown (reading it back failed: {error or type(error).__name__})"
    return f"{count} triples"


def push(graph: str | os.PathLike[str], endpoint: str, graph_iri: str | None = None, append: bool = False,
         timeout_s: float = 600.0) -> str:
    """Send GRAPH to a SPARQL 1.1 Graph Store endpoint (PUT, or POST to add); a line saying what was done."""
    url = store_url(endpoint, graph_iri)
    content, media_type, name, triples = _body(graph)
    method = "POST" if append else "PUT"
    try:
        with contextlib.ExitStack() as stack:
            body = stack.enter_context(content.open("rb")) if isinstance(content, Path) else content
            response = httpx.request(method, url, content=body,
                                     headers={"Content-Type": f"{media_type}; charset=utf-8"},
                                     timeout=httpx.Timeout(timeout_s, connect=10.0))
    except httpx.HTTPError as error:
        raise InputError(endpoint, f"unreachable: {error or type(error).__name__}") from None
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:200]
        raise InputError(endpoint, f"refused the graph: HTTP {response.status_code} {response.reason_phrase}"
                                   + (f": {detail}" if detail else ""))
    target = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    verb = "added to" if append else "replaced"
    return (f"pushed {name} to {url}: {verb} {target} (HTTP {response.status_code}); sent {triples} triples, "
            f"the graph now holds {stored_triples(url, timeout_s)}")
