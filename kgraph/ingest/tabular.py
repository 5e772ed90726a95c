"""Readers for papers given as records: JSON Lines (one object per line) and CSV (one row per paper).

Both formats yield the same field names, so one function turns a record into a Paper and
checks its values, naming the line of the bad record.
"""

from __future__ import annotations

import csv
import io
import json
import reprlib
from collections.abc import Callable, Iterator
from typing import Any

from kgraph.errors import InputError
from kgraph.ingest.records import iso_date, new_paper, normalize_arxiv_id
from kgraph.model import Paper, Source

REQUIRED = ("title", "abstract")
LIST_SEPARATOR = ";"


def parse_jsonl(text: str, path: str, first_line: int = 1) -> list[Paper]:
    """One paper per non-blank line, each a JSON object with at least ``title`` and ``abstract``
    (``text`` may be the end of a file, from its line ``first_line``)."""
    papers = []
    for number, line in enumerate(text.split("\n"), first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(path, f"malformed JSON: {err.msg} (column {err.colno})", number) from None
        except RecursionError:
            raise InputError(path, "malformed JSON: nested too deeply", number) from None
        if not isinstance(record, dict):
            raise InputError(path, f"expected a JSON object, got {type(record).__name__}", number)
        papers.append(_paper(record, path, number))
    return papers


def parse_csv(text: str, path: str) -> list[Paper]:
    """One paper per row under a header row that names at least ``title`` and ``abstract`` columns."""
    rows = _rows(text, path)
    header_line, header = next(rows, (1, []))
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        names = " and ".join(repr(name) for name in missing)
        raise InputError(path, f"CSV header has no {names} column (found: {', '.join(columns)})", header_line)
    return [_paper(dict(zip(columns, row)), path, line) for line, row in rows]


def _rows(text: str, path: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty rows with the line each starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InputError(path, f"malformed CSV: {err}", line) from None
        if any(cell.strip() for cell in row):
            yield line, row


def _paper(record: dict[str, Any], path: str, line: int) -> Paper:
    fields: dict[str, Any] = {}
    for name, (parse, expected) in _FIELDS.items():
        value = record.get(name)
        if value is None or value == "" or value == []:  # absent key, JSON null, empty CSV cell or list
            if name in REQUIRED:
                raise InputError(path, f"missing {name}", line)
            continue
        fields[name] = parse(value)
        if fields[name] is None:
            raise InputError(path, f"{name!r} {expected}, got {reprlib.repr(value)}", line)
    authors, author_names = fields.pop("authors", (None, []))
    title, abstract = fields.pop("title"), fields.pop("abstract")
    return new_paper(title, abstract, Source(path, line), authors=authors, author_names=author_names, **fields)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _arxiv_id(value: Any) -> str | None:
    return normalize_arxiv_id(value) if isinstance(value, str) else None


def _date(value: Any) -> str | None:
    return iso_date(value) if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    """A non-negative whole number given as a JSON integer or as digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _names(value: Any) -> list[str] | None:
    """Names from a list of strings or a ';'-separated string."""
    if isinstance(value, str):
        value = value.split(LIST_SEPARATOR)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return [name.strip() for name in value if name.strip()]


def _authors(value: Any) -> tuple[int, list[str]] | None:
    """(count, names): a count alone, or names whose number is the count."""
    count = _count(value)
    if count is not None:
        return count, []
    names = _names(value)
    return (len(names), names) if names else None


# field -> (parser returning None for a bad value, what a good value is)
_FIELDS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "title": (_text, "must be non-empty text"),
    "abstract": (_text, "must be non-empty text"),
    "url": (_text, "must be text"),
    "arxiv_id": (_arxiv_id, "must be an arXiv id such as 2401.01234"),
    "date": (_date, "must be an ISO 8601 date (YYYY-MM-DD)"),
    "upvotes": (_count, "must be a whole number"),
    "authors": (_authors, "must be a count, a list of names or names separated by ';'"),
    "organizations": (_names, "must be a list of names or names separated by ';'"),
}
