"""Reader for arXiv API results: the Atom XML that export.arxiv.org/api/query returns.

Parsed with the standard library's expat into an ElementTree, recording the line of every
element so that each paper is sourced at its <title> line; entity declarations are refused,
since a feed never needs them and they are the usual vehicle of XML bombs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from kgraph.errors import InputError
from kgraph.ingest.records import arxiv_id_from_url, collapse_whitespace, iso_date, new_paper, unique
from kgraph.model import Paper, Source

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
API_ERROR_ID = "http://arxiv.org/api/errors"


def parse_arxiv(text: str, path: str) -> list[Paper]:
    """One paper per <entry> of an Atom <feed>."""
    root, lines = _parse_xml(text, path)
    if root.tag != f"{ATOM}feed":
        raise InputError(path, f"not an Atom feed: the root element is <{root.tag}>", lines[root])
    return [_paper(entry, lines, path) for entry in root.findall(f"{ATOM}entry")]


def _parse_xml(text: str, path: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The document's root and the 1-based line where each element starts."""
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(_qualified(tag), {_qualified(name): value for name, value in attributes.items()})
        lines[element] = parser.CurrentLineNumber

    def refuse_entity(*_: object) -> None:
        raise InputError(path, "XML entity declarations are not allowed", parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_qualified(tag))
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse_entity
    try:
        parser.Parse(text, True)
    except expat.ExpatError as err:
        raise InputError(path, f"malformed XML: {expat.errors.messages[err.code]}", err.lineno) from None
    return builder.close(), lines


def _qualified(name: str) -> str:
    """expat's ``uri}local`` as ElementTree's ``{uri}local``."""
    return f"{{{name}" if "}" in name else name


def _paper(entry: ET.Element, lines: dict[ET.Element, int], path: str) -> Paper:
    title_element = entry.find(f"{ATOM}title")
    line = lines[entry if title_element is None else title_element]
    title = _text(title_element)
    summary = _text(entry.find(f"{ATOM}summary"))
    entry_id = _text(entry.find(f"{ATOM}id"))
    if entry_id.startswith(API_ERROR_ID):
        raise InputError(path, f"the feed is an arXiv API error: {summary or entry_id}", line)
    if not title:
        raise InputError(path, "entry without a <title>", line)
    if not summary:
        raise InputError(path, "entry without a <summary> (the abstract)", line)
    published_element = entry.find(f"{ATOM}published")
    published = _text(published_element)
    date = iso_date(published) if published else None
    if published and date is None:
        raise InputError(path, f"<published> is not an ISO 8601 date: {published!r}", lines[published_element])
    arxiv_id = arxiv_id_from_url(entry_id)
    links = entry.findall(f"{ATOM}link")
    page = next((link.get("href") for link in links if link.get("rel", "alternate") == "alternate"), None)
    authors = entry.findall(f"{ATOM}author")
    names = [_text(author.find(f"{ATOM}name")) for author in authors]
    affiliations = [_text(element) for author in authors for element in author.findall(f"{ARXIV}affiliation")]
    return new_paper(
        title,
        summary,
        Source(path, line),
        url=page,
        arxiv_id=arxiv_id,
        urls=[href for link in links if (href := link.get("href")) and href != page and not arxiv_id_from_url(href)],
        date=date,
        authors=len(authors) or None,
        author_names=[name for name in names if name],
        organizations=unique(name for name in affiliations if name),
    )


def _text(element: ET.Element | None) -> str:
    return collapse_whitespace("".join(element.itertext())) if element is not None else ""
