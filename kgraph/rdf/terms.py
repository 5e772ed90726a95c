"""RDF terms of the graph: node IRIs from node ids, safe IRIs from links found in text, typed literals.

Triples are made of pyoxigraph terms: ten times cheaper to create than rdflib's, written as
N-Triples by str(), and taken as they are by Oxigraph stores and serializers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib import XSD, URIRef

from kgraph.rdf.namespace import DATA

Term = ox.NamedNode | ox.Literal
_XSD_DATE, _XSD_INTEGER, _XSD_DECIMAL = (ox.NamedNode(str(t)) for t in (XSD.date, XSD.integer, XSD.decimal))
_XSD_YEAR_MONTH, _XSD_MONTH_DAY = (ox.NamedNode(str(t)) for t in (XSD.gYearMonth, XSD.gMonthDay))

# RFC 3987: punctuation an IRI path/query/fragment may hold raw (iunreserved and sub-delims).
_IRI_PUNCTUATION = "-._~!$&'()*+,;="
_LONE_PERCENT_OR_CHAR = re.compile(r"%(?![0-9A-Fa-f]{2})|[^%]")
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_AUTHORITY = re.compile(r"(?:[\w.~-]+(?::[\w.~-]*)?@)?(?:[\w.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{0,5})?")


def node_iri(node_id: str) -> URIRef:
    """``kind:local`` -> ``<DATA>kind/local``, percent-encoding anything outside [A-Za-z0-9-._~].

    Node ids are slugs already; the encoding keeps the IRI valid (and readable as a Turtle
    prefixed name) for any id a caller might build.
    """
    return URIRef(node_iri_text(node_id))


def node_iri_text(node_id: str) -> str:
    """``node_iri`` as plain text: no term object to make, for the 100,000s of papers a build keys by IRI."""
    kind, sep, local = node_id.partition(":")
    if not sep or not kind or not local:
        raise ValueError(f"node id {node_id!r} is not of the form kind:local")
    return f"{DATA}{_segment(kind)}/{_segment(local)}"


def curator_iri(name: str) -> str:
    """The IRI of a curator (a ``prov:Agent``), from the name they review under."""
    return node_iri_text(f"curator:{name}")


@functools.lru_cache(maxsize=1 << 16)  # entity ids recur across papers
def _node(node_id: str) -> ox.NamedNode:
    return ox.NamedNode(node_iri_text(node_id))


def _segment(text: str) -> str:
    if _UNRESERVED.fullmatch(text):  # slugs, nearly always
        return text
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-._~") else _percent(ch) for ch in text)


def _percent(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))


def _hashed_iri(kind: str, *parts: str | None) -> ox.NamedNode:
    """Stable name for a node with no id of its own: a hash of what makes it unique."""
    digest = hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:16]
    return ox.NamedNode(f"{DATA}{kind}/{digest}")


def web_iri(url: str) -> URIRef | None:
    """A valid IRI for a link taken from input text, or None when it names no host (no link).

    As a browser does, ``https://`` is assumed when no scheme is given (``github.com/x/y``);
    characters RFC 3987 forbids in the path, query or fragment are percent-encoded, since one
    bad character would make the whole Turtle file unreadable to strict parsers.
    """
    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else "https://" + text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if not _SCHEME.fullmatch(parts.scheme) or not _AUTHORITY.fullmatch(parts.netloc):
        return None
    return URIRef(urlunsplit((parts.scheme, parts.netloc, _iri_part(parts.path, "/:@"),
                              _iri_part(parts.query, "/:@?"), _iri_part(parts.fragment, "/:@?"))))


def _iri_part(text: str, allowed: str) -> str:
    """Percent-encode what an IRI component may not hold raw, keeping valid ``%XX`` escapes."""
    def encode(match: re.Match[str]) -> str:
        ch = match.group()
        keep = (ch.isalnum() or ch in _IRI_PUNCTUATION or ch in allowed) if ch.isascii() else ch.isprintable()
        return ch if keep else _percent(ch)

    return _LONE_PERCENT_OR_CHAR.sub(encode, text)


def _decimal(value: float) -> ox.Literal:
    """xsd:decimal with a plain lexical form (never exponent notation, which xsd forbids)."""
    return _decimal_of(repr(float(value)))


def _number(value: float) -> ox.Literal:
    """xsd:decimal in the canonical form a store keeps ("40", not "40.0"), for a value that is compared
    in queries (a margin), so that graph.ttl and the build's store hold the same literal."""
    return ox.Literal(format(Decimal(repr(float(value))).normalize(), "f"), datatype=_XSD_DECIMAL)


@functools.lru_cache(maxsize=1 << 10)  # confidences: a few values, on every mention and claim
def _decimal_of(text: str) -> ox.Literal:
    """Cached by the float's text, not its value: -0.0 and 0.0 are equal but written apart."""
    return ox.Literal(format(Decimal(text), "f"), datatype=_XSD_DECIMAL)


@functools.lru_cache(maxsize=1 << 12)  # character offsets: a few thousand values, four a mention
def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_XSD_INTEGER)


def date_literal(date: str) -> ox.Literal:
    """A paper's date typed by its precision: ``xsd:date``, ``xsd:gYearMonth`` (the month of an arXiv
    id) or ``xsd:gMonthDay`` (a listing's day without a year)."""
    datatype = _XSD_MONTH_DAY if date.startswith("--") else _XSD_DATE if len(date) == 10 else _XSD_YEAR_MONTH
    return ox.Literal(date, datatype=datatype)


def _value(value: object) -> ox.Literal:
    """A literal typed as rdflib would type the Python value (int -> xsd:integer, str -> string)."""
    return _integer(value) if isinstance(value, int) and not isinstance(value, bool) else ox.Literal(str(value))
