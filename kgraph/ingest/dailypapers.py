"""Parser for Daily Papers listings saved as plain text.

The listing has no markup, so structure, not wording, tells the parts apart: after a header
block, each entry is a one-line title, a blank line, its abstract paragraph, and optionally a
footer block ("  • N authors" or "<handle> <Organization>", then "·", then a date with an
optional upvote count). The site omits the year of dates in the listing's own year, which the
file never states; it is inferred as one after the latest year written in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kgraph.errors import InputError
from kgraph.ingest.records import iso_date, new_paper
from kgraph.model import Paper, Source

HEADER_LINES = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
SEPARATOR = "·"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(rf"(?P<month>{'|'.join(_MONTHS)}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?(?: (?P<upvotes>\d+))?")
_AUTHORS = re.compile(r"•\s*(?P<count>\d+) authors?")


@dataclass
class _Block:
    """Consecutive non-blank lines (stripped), starting at 1-based ``line``."""

    line: int
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def numbered(self) -> list[tuple[int, str]]:
        return list(enumerate(self.lines, self.line))


@dataclass
class _Date:
    month: int
    day: int
    year: int | None
    upvotes: int | None
    text: str
    line: int


@dataclass
class _Footer:
    authors: int | None = None
    organizations: list[str] = field(default_factory=list)
    date: _Date | None = None


@dataclass
class _Entry:
    title: _Block
    abstract: _Block
    footer: _Footer | None


def parse_dailypapers(text: str, path: str) -> list[Paper]:
    """Papers of a saved listing, in listing order, each sourced at its title line."""
    blocks = _blocks(text)
    start = next((i for i, block in enumerate(blocks) if not _is_header(block)), len(blocks))
    entries = _entries(blocks[start:], path)
    years = [e.footer.date.year for e in entries if e.footer and e.footer.date and e.footer.date.year]
    listing_year = max(years) + 1 if years else None
    return [_paper(entry, listing_year, path) for entry in entries]


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    previous_blank = True
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line and previous_blank:
            blocks.append(_Block(number, [line]))
        elif line:
            blocks[-1].lines.append(line)
        previous_blank = not line
    return blocks


def _is_header(block: _Block) -> bool:
    return all(line in HEADER_LINES or _DATE.fullmatch(line) for line in block.lines)


def _is_footer(block: _Block) -> bool:
    return SEPARATOR in block.lines or bool(_AUTHORS.fullmatch(block.lines[0]))


def _entries(blocks: list[_Block], path: str) -> list[_Entry]:
    """Title, abstract and optional footer, checked so that a misread never goes unnoticed."""
    entries: list[_Entry] = []
    i = 0
    while i < len(blocks):
        title = blocks[i]
        if _is_footer(title):
            raise InputError(path, "author/date footer without a paper above it", title.line)
        if len(title.lines) > 1:
            raise InputError(path, "expected a one-line title followed by a blank line", title.line)
        abstract = blocks[i + 1] if i + 1 < len(blocks) else None
        if abstract is None or _is_footer(abstract) or len(abstract.text) <= len(title.text):
            raise InputError(path, "title without an abstract (expected a blank line, then the abstract)", title.line)
        following = blocks[i + 2] if i + 2 < len(blocks) else None
        footer = _footer(following, path) if following and _is_footer(following) else None
        entries.append(_Entry(title, abstract, footer))
        i += 3 if footer else 2
    return entries


def _footer(block: _Block, path: str) -> _Footer:
    footer = _Footer()
    after_separator = False
    for number, line in block.numbered():
        if line == SEPARATOR:
            after_separator = True
        elif match := _AUTHORS.fullmatch(line):
            footer.authors = int(match["count"])
        elif match := _DATE.fullmatch(line):
            year, upvotes = match["year"], match["upvotes"]
            footer.date = _Date(
                month=_MONTHS.index(match["month"]) + 1,
                day=int(match["day"]),
                year=int(year) if year else None,
                upvotes=int(upvotes) if upvotes else None,
                text=line,
                line=number,
            )
        elif after_separator:
            raise InputError(path, f"unrecognized footer line {line!r}: expected a date such as 'Apr 22, 2023'", number)
        else:  # "<org-handle> <Org Display Name>", e.g. "furiosa-ai FuriosaAI"
            footer.organizations.append(line.split(maxsplit=1)[-1])
    return footer


def _paper(entry: _Entry, listing_year: int | None, path: str) -> Paper:
    source = Source(path, entry.title.line)
    footer = entry.footer or _Footer()
    date, notes = _iso_date(footer.date, listing_year, source) if footer.date else (None, [])
    return new_paper(
        entry.title.text,
        entry.abstract.text,
        source,
        date=date,
        upvotes=footer.date.upvotes if footer.date else None,
        authors=footer.authors,
        organizations=footer.organizations,
        notes=notes,
    )


def _iso_date(when: _Date, listing_year: int | None, source: Source) -> tuple[str, list[str]]:
    """``YYYY-MM-DD`` (``--MM-DD`` if no year is known), with a note saying where a missing year came from."""
    year = when.year or listing_year
    month_day = f"{when.month:02d}-{when.day:02d}"
    date = iso_date(f"{year:04d}-{month_day}" if year else f"--{month_day}")
    if date is None:
        raise InputError(source.file, f"invalid date {when.text!r}", when.line)
    if when.year:
        return date, []
    if year:
        return date, [
            f"{source}: year {year} inferred for date {when.text!r} (a listing omits its own year;"
            f" taken as one after the latest year it shows, {year - 1})"
        ]
    return date, [f"{source}: date {when.text!r} has no year and the listing shows none to infer it from"]
