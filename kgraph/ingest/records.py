"""Build ``Paper`` records the same way in every reader.

Whatever the input format, titles and abstracts get the same whitespace, URLs are found in the
abstract by the same rule and arXiv identifiers take the same canonical form, so that the merge
compares like with like.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from datetime import date
from typing import Any, TypeVar

from kgraph.model import Paper, Source

_T = TypeVar("_T", bound=Hashable)

_URL = re.compile(r"https?://[A-Za-z0-9][^\s<>\"'{}\[\]()|\\^`]*")
_URL_TRAILING = ".,;:!?"
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z-]+)?/\d{7})(?:v\d+)?"
_ARXIV_BARE_ID = re.compile(rf"(?:arxiv:)?{_ARXIV_ID}", re.IGNORECASE)
_ARXIV_URL = re.compile(rf"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{_ARXIV_ID}(?:\.pdf)?/?", re.IGNORECASE)
_ISO_DATE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_ISO_MONTH_DAY = re.compile(r"--(?P<month>\d{2})-(?P<day>\d{2})")


def new_paper(
    title: str,
    abstract: str,
    source: Source,
    *,
    url: str | None = None,
    arxiv_id: str | None = None,
    urls: Iterable[str] = (),
    **fields: Any,
) -> Paper:
    """A one-source Paper; an arXiv ``url`` becomes the canonical abs page, and id and page complete each other."""
    abstract = collapse_whitespace(abstract)
    url_id = arxiv_id_from_url(url) if url else None
    arxiv_id = arxiv_id or url_id
    if url_id or (url is None and arxiv_id):
        url = arxiv_abs_url(url_id or arxiv_id)
    if fields.get("date") is None and arxiv_id:  # the month the id was given is a date too, if a coarse one
        fields["date"] = arxiv_month(arxiv_id)
    return Paper(
        title=collapse_whitespace(title),
        abstract=abstract,
        sources=[source],
        url=url,
        arxiv_id=arxiv_id,
        urls=unique([*find_urls(abstract), *urls]),
        **fields,
    )


def collapse_whitespace(text: str) -> str:
    """Line-wrapped or indented text as one line with single spaces."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already one line: the only whitespace that counts as printable is " " (fast path)
    return " ".join(text.split())


def find_urls(text: str) -> list[str]:
    """http(s) URLs in prose, without the sentence punctuation or LaTeX braces glued to them."""
    if "http" not in text:  # most abstracts: a substring test is far cheaper than the pattern's scan
        return []
    return unique(match.group().rstrip(_URL_TRAILING) for match in _URL.finditer(text))


def arxiv_id_from_url(url: str) -> str | None:
    """The versionless id of an arXiv abs/pdf URL (``.../abs/2401.01234v2`` -> ``2401.01234``)."""
    match = _ARXIV_URL.fullmatch(url.strip())
    return _canonical_id(match["id"]) if match else None


def normalize_arxiv_id(text: str) -> str | None:
    """A bare id (optionally ``arXiv:``-prefixed and versioned) or an arXiv URL as a versionless id."""
    match = _ARXIV_BARE_ID.fullmatch(text.strip())
    return _canonical_id(match["id"]) if match else arxiv_id_from_url(text)


def _canonical_id(arxiv_id: str) -> str:
    """Ids match whatever their case: an old-style one is written with its archive in lower case
    and its subject class in capitals (``hep-th/9901001``, ``math.GT/0309136``); new ones are digits."""
    if "/" not in arxiv_id:
        return arxiv_id
    archive, number = arxiv_id.split("/")
    name, dot, subject = archive.partition(".")
    return f"{name.lower()}{dot}{subject.upper()}/{number}"


def arxiv_month(arxiv_id: str) -> str | None:
    """``YYYY-MM``, the month an arXiv id was given (its first four digits, ``YYMM``; ids began in
    1991 and took the new form in 2007); None for an id of no known form."""
    number = arxiv_id.rpartition("/")[2]
    if not re.fullmatch(r"\d{4}(?:\.\d{4,5}|\d{3})", number) or not 1 <= int(number[2:4]) <= 12:
        return None
    year = int(number[:2])
    return f"{1900 + year if year >= 91 else 2000 + year}-{number[2:4]}"


def arxiv_abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def iso_date(text: str) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or timestamp, ``--MM-DD`` kept as is; None if not a valid date."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        value, check = match["date"], match["date"]
    elif match := _ISO_MONTH_DAY.fullmatch(text):
        value, check = text, f"2000-{match['month']}-{match['day']}"  # 2000 is a leap year: Feb 29 is valid
    else:
        return None
    try:
        date.fromisoformat(check)
    except ValueError:
        return None
    return value


def unique(items: Iterable[_T]) -> list[_T]:
    """Items without repeats, in first-seen order."""
    return list(dict.fromkeys(items))
