"""What a read-only SPARQL endpoint refuses, said as such: ``kgraph serve`` answers these requests
403 with a message saying the endpoint is read-only, where Oxigraph alone would answer an update
sent to the query URL "400 bad query" (and its own 403s carry no reason a client can show)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from kgraph.query.sparql import is_update

READ_ONLY = ("read-only: this endpoint answers SPARQL queries only; updates and Graph Store writes "
             "are refused (load a graph with kgraph push into a writable store)")
_WRITES = ("PUT", "DELETE", "PATCH")


def refusal(method: str, target: str, content_type: str, body: bytes) -> str | None:
    """Why the request is refused (it would write), or None for a query or a read."""
    parts = urlsplit(target)
    media = content_type.split(";", 1)[0].strip().lower()
    if method in _WRITES or parts.path.rstrip("/").endswith("/update") or media == "application/sparql-update":
        return READ_ONLY
    if method == "POST" and parts.path.rstrip("/").endswith("/store"):
        return READ_ONLY
    form = parse_qs(parts.query)
    if method == "POST" and media == "application/x-www-form-urlencoded":
        form.update(parse_qs(body.decode("utf-8", "replace")))
    if "update" in form:
        return READ_ONLY
    texts = form.get("query", []) + ([body.decode("utf-8", "replace")] if media == "application/sparql-query" else [])
    return READ_ONLY if any(is_update(text) for text in texts) else None
