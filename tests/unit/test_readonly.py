"""What the read-only endpoint refuses (kgraph.query.readonly): every write, and an update sent as a query."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from kgraph.query.readonly import READ_ONLY, refusal

UPDATE = "PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c }"
QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("method, target, content_type, body", [
    ("POST", "/update", "application/sparql-update", UPDATE.encode()),
    ("POST", "/update", FORM, f"update={quote(UPDATE)}".encode()),
    ("POST", "/query", "application/sparql-update", UPDATE.encode()),
    ("GET", f"/query?query={quote(UPDATE)}", "", b""),
    ("POST", "/query", FORM, f"query={quote(UPDATE)}".encode()),
    ("POST", "/query", "application/sparql-query; charset=utf-8", UPDATE.encode()),
    ("PUT", "/store?default", "text/turtle", b"<http://e/a> <http://e/b> <http://e/c> ."),
    ("POST", "/store?graph=http://e/g", "text/turtle", b""),
    ("DELETE", "/store?default", "", b""),
])
def test_writes_are_refused_as_read_only(method, target, content_type, body):
    assert refusal(method, target, content_type, body) == READ_ONLY
    assert READ_ONLY.startswith("read-only: ")


@pytest.mark.parametrize("method, target, content_type, body", [
    ("GET", f"/query?query={quote(QUERY)}", "", b""),
    ("POST", "/query", FORM, f"query={quote(QUERY)}".encode()),
    ("POST", "/query", "application/sparql-query", QUERY.encode()),
    ("GET", "/store?default", "", b""),
    ("GET", "/", "", b""),
])
def test_queries_and_reads_pass(method, target, content_type, body):
    assert refusal(method, target, content_type, body) is None
