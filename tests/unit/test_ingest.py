"""Ingest stage: the four readers, the merge, format choice, bad inputs, and the shared corpus.

Corpus expectations are computed here from the files by a different route than the parser's
(abstracts found as very long lines, footers found from their "·" line), plus the totals the
corpus README states.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import CORPUS

from kgraph.errors import InputError
from kgraph.graph import paper_node_id
from kgraph.ingest import FORMATS, detect_format, read_file, read_papers, sniff_format
from kgraph.ingest.merge import merge_papers
from kgraph.ingest.records import collapse_whitespace, find_urls, normalize_arxiv_id
from kgraph.model import Paper, Source, normalize_name

DATA = Path(__file__).parents[1] / "data"
FIXTURE_NAMES = ("sample.jsonl", "sample.csv", "arxiv_sample.xml", "dailypapers_sample.txt")
JSONL, CSV, ATOM, LISTING = (DATA / name for name in FIXTURE_NAMES)
FIXTURES = (JSONL, CSV, ATOM, LISTING)

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not found at {CORPUS}")
CORPUS_ENTRIES = 251  # stated by the corpus README
CORPUS_DISTINCT = 201

ABSTRACT_MIN_CHARS = 400  # every corpus abstract is longer, every title shorter
TEST_DATE = re.compile(r"(\w{3}) (\d+)(, \d{4})?( \d+)?")


def _titles(papers: list[Paper]) -> list[str]:
    return [paper.title for paper in papers]


# --- Daily Papers listings --------------------------------------------------------------------


def test_listing_fixture_fields() -> None:
    pruning, gadget, plain = read_file(LISTING)
    assert [p.sources for p in (pruning, gadget, plain)] == [[Source(LISTING.name, n)] for n in (7, 15, 24)]  # an absolute path: its file name only
    assert (pruning.authors, pruning.upvotes, pruning.organizations) == (3, 12, [])
    assert pruning.date == "2024-02-14"  # no year: one after the file's latest year (2023)
    assert any("inferred" in note and "2024" in note for note in pruning.notes)
    assert pruning.urls == ["https://example.org/pruning"]  # LaTeX "{...}" and the full stop dropped
    assert (gadget.organizations, gadget.date) == (["Example Lab"], "2023-12-30")
    assert (gadget.upvotes, gadget.authors) == (None, None)
    assert gadget.abstract.endswith("gadgets. This paragraph was wrapped over two lines when saved.")
    assert (plain.date, plain.authors, plain.upvotes, plain.notes) == (None, None, None, [])


def test_listing_without_any_year_keeps_month_day(tmp_path: Path) -> None:
    path = tmp_path / "listing.txt"
    path.write_text("Some Title\n\nAn abstract that is longer than the title.\n\n  • 2 authors\n·\nFeb 29 3\n")
    (paper,) = read_file(path)
    assert (paper.date, paper.upvotes, paper.authors) == ("--02-29", 3, 2)
    assert any("no year" in note for note in paper.notes)


def test_listing_line_ends_and_bom_do_not_matter(tmp_path: Path) -> None:
    text = LISTING.read_text(encoding="utf-8")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert _content(crlf) == _content(LISTING)


# --- JSON Lines, CSV, arXiv Atom --------------------------------------------------------------


def test_jsonl_reader() -> None:
    widget, gadget, bare = read_file(JSONL)
    assert [p.sources[0].line for p in (widget, gadget, bare)] == [1, 3, 4]  # blank line 2 skipped
    assert widget.abstract.startswith("We propose WidgetNet, a sparse network of widgets for toy classification. It")
    assert (widget.authors, widget.author_names) == (2, ["Ada Lovelace", "Alan Turing"])
    assert (widget.arxiv_id, widget.url) == ("2401.00001", "https://arxiv.org/abs/2401.00001")
    assert (widget.date, widget.upvotes, widget.urls) == ("2024-01-02", 5, ["https://example.org/widgetnet"])
    assert (gadget.arxiv_id, gadget.url, gadget.upvotes) == ("2402.00002", "https://arxiv.org/abs/2402.00002", 7)
    assert (gadget.authors, gadget.author_names) == (4, [])
    assert gadget.organizations == ["Acme AI", "Example Lab"]
    assert (bare.url, bare.organizations, bare.authors, bare.date) == (None, [], None, None)


def test_csv_reader() -> None:
    gadget, doodle = read_file(CSV)
    assert [gadget.sources[0].line, doodle.sources[0].line] == [2, 4]  # row 1 spans lines 2-3
    assert "gadgets, and we release" in gadget.abstract  # the quoted line break became a space
    assert (gadget.authors, gadget.author_names) == (2, ["Grace Hopper", "Edsger Dijkstra"])
    assert (gadget.organizations, gadget.date, gadget.upvotes) == (["Acme AI"], "2024-02-03", 3)
    assert gadget.urls == ["https://example.org/gadgets"]
    assert (doodle.url, doodle.arxiv_id, doodle.authors) == ("https://example.org/doodle-paper", None, 2)
    assert doodle.urls == ["https://example.org/doodle"]


def test_arxiv_reader() -> None:
    widget, old = read_file(ATOM)
    assert widget.title == "Sparse Widget Networks for Toy Classification"  # wrapped title collapsed
    assert widget.abstract.startswith("We propose WidgetNet, a sparse network of widgets for toy classification.")
    assert widget.abstract.endswith("on ToyBench & friends.")
    assert widget.sources == [Source(ATOM.name, 12)]
    assert (widget.arxiv_id, widget.url) == ("2401.00001", "https://arxiv.org/abs/2401.00001")
    assert (widget.date, widget.authors, widget.organizations) == ("2024-01-02", 2, ["Example Lab"])
    assert widget.author_names == ["Ada Lovelace", "Alan Turing"]
    assert widget.urls == []  # the abs and pdf links are the paper's own pages, kept as url/arxiv_id
    assert (old.arxiv_id, old.date, old.sources[0].line) == ("hep-th/9901001", "1999-01-01", 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.01234", "2401.01234"),
        ("arXiv:2401.01234v3", "2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v1.pdf", "2401.01234"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("HEP-TH/9901001", "hep-th/9901001"),  # one paper whatever the case it is written in
        ("https://arxiv.org/abs/MATH.gt/0309136v2", "math.GT/0309136"),
        ("10.1000/xyz", None),
    ],
)
def test_arxiv_ids(text: str, expected: str | None) -> None:
    assert normalize_arxiv_id(text) == expected


def test_urls_lose_trailing_punctuation() -> None:
    text = "Code at https://a.org/x. Demo (https://b.org/y), https://c.org/z/. and https://d.org/w{name}"
    expected = ["https://a.org/x", "https://b.org/y", "https://c.org/z/", "https://d.org/w"]
    assert find_urls(text + " again https://a.org/x") == expected
    assert find_urls("no link here, only HTTP in capitals and ftp://x.org") == []


def test_whitespace_collapses_for_every_character() -> None:
    """The shortcut for text already on one line gives what splitting and joining gives, whatever
    the character (Unicode has many spaces and line breaks besides the ASCII ones)."""
    for code in range(0x110000):
        ch = chr(code)
        for text in (ch, f"a{ch}b", f"a {ch}b", f"{ch}{ch}x", f"x {ch}"):
            assert collapse_whitespace(text) == " ".join(text.split()), hex(code)


# --- merging ----------------------------------------------------------------------------------


def _paper(abstract: str, where: str, **fields: object) -> Paper:
    file, line = where.split(":")
    return Paper("Foo-Net: A Test", abstract, [Source(file, int(line))], **fields)


def test_merge_keeps_sources_and_longer_abstract() -> None:
    other = Paper("Other Paper", "Another abstract.", [Source("b.txt", 9)])
    short = _paper("Short abstract.", "a.txt:1", organizations=["Acme"], urls=["https://x.org"], upvotes=3)
    longer = _paper(
        "A longer, revised abstract.", "b.txt:5", organizations=["Beta", "Acme"], authors=4, date="2024-05-06"
    )
    merged, kept = merge_papers([short, other, longer])
    assert kept is other and merged.title == "Foo-Net: A Test"  # first-appearance order
    assert merged.sources == [Source("a.txt", 1), Source("b.txt", 5)]
    assert merged.abstract == "A longer, revised abstract."
    assert "abstract from b.txt:5 (longest of 2 different versions)" in merged.notes
    assert (merged.organizations, merged.urls) == (["Acme", "Beta"], ["https://x.org"])
    assert (merged.upvotes, merged.authors, merged.date) == (3, 4, "2024-05-06")


def test_records_sharing_an_arxiv_id_or_a_title_are_one_paper() -> None:
    """A title revised between listings keeps its arXiv id: one paper, the clash noted; and a
    record can join two others, one by its title and one by its id."""
    first = Paper("Foo-Net: A Test", "Abstract.", [Source("a.txt", 1)], arxiv_id="2401.00001")
    renamed = Paper("FooNet, Revised", "Abstract.", [Source("b.txt", 1)], arxiv_id="2401.00001")
    again = Paper("FooNet, revised!", "Abstract.", [Source("c.txt", 1)])
    other = Paper("Other Paper", "Another abstract.", [Source("c.txt", 9)], arxiv_id="2401.00002")
    merged, kept = merge_papers([first, other, again, renamed])
    assert kept is other
    assert merged.title == "Foo-Net: A Test" and merged.arxiv_id == "2401.00001"
    assert merged.sources == [Source("a.txt", 1), Source("c.txt", 1), Source("b.txt", 1)]
    assert any(note.startswith("title") for note in merged.notes)
    assert merged.known_as == ["key:foonetrevised"]  # kept, so a later record with that title still joins


def test_distinct_papers_get_distinct_node_ids() -> None:
    """Slugs keep a-z and digits only; titles that differ in other letters still name two nodes."""
    papers = [Paper(title, "Abstract.") for title in ("α-Net", "β-Net", "注意力", "自注意力", "???", "Net", "Zoo Net")]
    ids = [paper_node_id(p) for p in papers]
    assert ids[5:] == ["paper:net", "paper:zoo-net"]  # a slug that keeps every letter stays as it was
    lookalikes = [Paper(paper_node_id(p).removeprefix("paper:").replace(".", " "), "Abstract.") for p in papers[:5]]
    ids += [paper_node_id(p) for p in lookalikes]  # titles spelling out another's digest
    assert len(set(ids)) == len(ids)


def test_merge_tie_goes_to_later_read_and_identical_abstracts_need_no_note() -> None:
    first, second = _paper("Version A.", "a.txt:1"), _paper("Version B.", "b.txt:2")
    (merged,) = merge_papers([first, second])
    assert merged.abstract == "Version B."
    assert merged.notes == ["abstract from b.txt:2 (longest of 2 different versions)"]
    (same,) = merge_papers([_paper("Same.", "a.txt:1"), _paper("Same.", "b.txt:2")])
    assert same.notes == [] and len(same.sources) == 2


def test_merge_prefers_full_dates_and_notes_conflicts() -> None:
    (merged,) = merge_papers(
        [_paper("A.", "a.txt:1", date="--01-27", upvotes=2), _paper("A.", "b.txt:1", date="2025-01-27", upvotes=5)]
    )
    assert merged.date == "2025-01-27"
    assert not any(note.startswith("date") for note in merged.notes)  # same day, one without year
    assert merged.upvotes == 2
    assert any(note.startswith("upvotes differs") and "kept 2" in note for note in merged.notes)
    (clash,) = merge_papers([_paper("A.", "a.txt:1", date="--01-27"), _paper("A.", "b.txt:1", date="2025-02-01")])
    assert clash.date == "2025-02-01" and any(note.startswith("date differs") for note in clash.notes)


def test_read_papers_merges_across_formats() -> None:
    papers = read_papers(FIXTURES)
    by_title = {paper.title: paper for paper in papers}
    assert len(papers) == len({normalize_name(p.title) for f in FIXTURES for p in read_file(f)}) == 7
    widget = by_title["Sparse Widget Networks for Toy Classification"]
    assert [s.file for s in widget.sources] == [JSONL.name, ATOM.name]
    assert not any(note.startswith("url differs") for note in widget.notes)  # both canonical abs pages
    gadget = by_title["Gadget Transformers"]
    assert [s.file for s in gadget.sources] == [JSONL.name, CSV.name, LISTING.name]
    assert gadget.abstract == read_file(CSV)[0].abstract  # the longest of three
    assert gadget.organizations == ["Acme AI", "Example Lab"]


def test_read_papers_accepts_a_single_path() -> None:
    assert _titles(read_papers(str(JSONL))) == _titles(read_file(JSONL))


# --- choosing the format ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "dailypapers"),
        ("a.JSONL", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.csv", "csv"),
        ("a.xml", "arxiv"),
        ("a.atom", "arxiv"),
    ],
)
def test_format_from_extension(name: str, fmt: str) -> None:
    assert detect_format(name, "{}") == fmt  # the extension wins over the content


@pytest.mark.parametrize(("fixture", "fmt"), list(zip(FIXTURES, ("jsonl", "csv", "arxiv", "dailypapers"))))
def test_format_sniffed_without_extension(tmp_path: Path, fixture: Path, fmt: str) -> None:
    unnamed = tmp_path / "input.data"
    shutil.copy(fixture, unnamed)
    assert sniff_format(fixture.read_text(encoding="utf-8")) == fmt
    assert _titles(read_file(unnamed)) == _titles(read_file(fixture))


def test_format_override(tmp_path: Path) -> None:
    misnamed = tmp_path / "records.txt"
    shutil.copy(JSONL, misnamed)
    with pytest.raises(InputError):
        read_file(misnamed)  # read as a listing by its extension
    assert _titles(read_papers([misnamed], fmt="jsonl")) == _titles(read_file(JSONL))
    with pytest.raises(ValueError, match="unknown input format"):
        read_file(JSONL, fmt="yaml")
    assert set(FORMATS) == {"dailypapers", "jsonl", "csv", "arxiv"}


@pytest.mark.parametrize("fixture", FIXTURES)
def test_bom_is_accepted(tmp_path: Path, fixture: Path) -> None:
    with_bom = tmp_path / fixture.name
    with_bom.write_bytes(b"\xef\xbb\xbf" + fixture.read_bytes())
    assert _content(with_bom) == _content(fixture)


def _content(path: Path) -> list[dict[str, object]]:
    """The papers of a file as dicts, without the file's own name."""
    return [
        p.to_dict() | {"sources": [s.line for s in p.sources], "notes": [n.replace(path.name, "FILE") for n in p.notes]}
        for p in read_file(path)
    ]


# --- bad input --------------------------------------------------------------------------------

_FEED = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n{}</feed>\n'
_API_ERROR = (
    "<entry>\n<id>http://arxiv.org/api/errors#incorrect_id</id>\n"
    "<title>Error</title>\n<summary>incorrect id format</summary>\n</entry>\n"
)
_ENTITY = b'<?xml version="1.0"?>\n<!DOCTYPE feed [\n<!ENTITY a "aaaa">\n]>\n<feed/>\n'
_LISTING_ENTRY = "A Title\n\nAn abstract that is longer than the title.\n\n"
_FOOTER_TOP = "  \u2022 3 authors\n\u00b7\n"  # "  • 3 authors", "·", then the date line

BAD_INPUTS = [
    # name, content, line (None: the whole file), what the message says
    ("nul.txt", b"Title\n\nAn abstract with a \x00 byte.\n", 3, "NUL byte"),
    ("latin1.txt", "Title\n\nAn abstract about caf\u00e9s.\n".encode("latin-1"), 3, "not UTF-8"),
    ("empty.csv", b"", None, "empty file"),
    ("blank.jsonl", b"\n   \n\n", None, "empty file"),
    ("bom-only.txt", b"\xef\xbb\xbf", None, "empty file"),
    ("broken.jsonl", b'{"title": "T", "abstract": "A"}\n{"title": "T2", "abstract": \n', 2, "malformed JSON"),
    ("array.jsonl", b"[1, 2]\n", 1, "expected a JSON object"),
    ("noabstract.jsonl", b'{"title": "T"}\n', 1, "missing abstract"),
    ("notitle.jsonl", b'\n{"abstract": "A"}\n', 2, "missing title"),
    ("numbertitle.jsonl", b'{"title": 5, "abstract": "A"}\n', 1, "'title' must be non-empty text"),
    ("baddate.jsonl", b'{"title": "T", "abstract": "A", "date": "yesterday"}\n', 1, "ISO 8601"),
    ("badid.jsonl", b'{"title": "T", "abstract": "A", "arxiv_id": "12"}\n', 1, "arXiv id"),
    ("badauthors.jsonl", b'{"title": "T", "abstract": "A", "authors": {"n": 2}}\n', 1, "'authors' must be"),
    ("noabstractcolumn.csv", b"title,summary\nT,S\n", 1, "no 'abstract' column"),
    ("notitlecolumn.csv", b"name,abstract\nT,S\n", 1, "no 'title' column"),
    ("emptyabstract.csv", b"title,abstract\nT,An abstract.\nT2,\n", 3, "missing abstract"),
    ("shortrow.csv", b"title,abstract\nT2\n", 2, "missing abstract"),
    ("unclosed.csv", b'title,abstract\nT,A\nT2,"never closed\n', 3, "malformed CSV"),
    ("badupvotes.csv", b"title,abstract,upvotes\nT,A,many\n", 2, "'upvotes' must be a whole number"),
    ("headeronly.csv", b"title,abstract\n", None, "no papers found"),
    ("malformed.xml", _FEED.format("<entry>\n").encode(), 4, "malformed XML"),
    ("noentries.xml", _FEED.format("").encode(), None, "no papers found"),
    ("notfeed.xml", b"<html>\n<body/></html>\n", 1, "not an Atom feed"),
    ("apierror.xml", _FEED.format(_API_ERROR).encode(), 5, "arXiv API error"),
    ("nosummary.xml", _FEED.format("<entry>\n<title>T</title>\n</entry>\n").encode(), 4, "without a <summary>"),
    ("entity.xml", _ENTITY, 3, "entity declarations"),
    ("headeronly.txt", b"Daily Papers\n\nDec 12\n", None, "no papers found"),
    ("orphan.txt", (_LISTING_ENTRY + "A Title Without Abstract\n").encode(), 5, "title without an abstract"),
    ("twolinetitle.txt", (_LISTING_ENTRY + "Title\nmore\n\nAn abstract, long.\n").encode(), 5, "one-line title"),
    ("footerfirst.txt", (_FOOTER_TOP + "Jan 2\n").encode(), 1, "footer without a paper"),
    ("baddateline.txt", (_LISTING_ENTRY + _FOOTER_TOP + "yesterday\n").encode(), 7, "unrecognized footer line"),
    ("feb30.txt", (_LISTING_ENTRY + _FOOTER_TOP + "Feb 30, 2024\n").encode(), 7, "invalid date"),
]


@pytest.mark.parametrize(("name", "content", "line", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input(tmp_path: Path, name: str, content: bytes, line: int | None, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_papers([path])
    error = raised.value
    assert (error.path, error.line) == (str(path), line)
    assert str(error).startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert message in str(error)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path, message in ((tmp_path / "absent.txt", "no such file"), (tmp_path, "is a directory")):
        with pytest.raises(InputError, match=message) as raised:
            read_papers([path])
        assert raised.value.path == str(path) and str(path) in str(raised.value)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_truncated_or_misread_input_raises_only_input_error(tmp_path: Path, fixture: Path) -> None:
    """Every prefix of every fixture, read as every format, gives papers or an InputError."""
    data = fixture.read_bytes()
    path = tmp_path / "cut"
    outcomes = set()
    for end in [*range(0, len(data), 7), len(data)]:
        path.write_bytes(data[:end])
        for fmt in FORMATS:
            try:
                outcomes.add(all(isinstance(p, Paper) for p in read_file(path, fmt)))
            except InputError:
                outcomes.add("error")
    assert outcomes == {True, "error"}


# --- the shared corpus ------------------------------------------------------------------------


def _corpus_entries(path: Path) -> list[tuple[int, str, str]]:
    """(title line, title, abstract) found as: a very long line, a blank line above, a title above that."""
    lines = path.read_text(encoding="utf-8").split("\n")
    entries = []
    for i, line in enumerate(lines):
        if len(line) >= ABSTRACT_MIN_CHARS:
            assert lines[i - 1] == "" and 0 < len(lines[i - 2]) < ABSTRACT_MIN_CHARS
            entries.append((i - 1, lines[i - 2], line))
    return entries


def _corpus_footers(path: Path) -> dict[int, tuple[str, str]]:
    """Title line -> (line above "·", date line), for entries with a footer."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return {i - 4: (lines[i - 1].strip(), lines[i + 1]) for i, line in enumerate(lines) if line == "\u00b7"}


@needs_corpus
def test_corpus_every_entry_read_verbatim() -> None:
    total = 0
    for path in CORPUS_FILES:
        expected = _corpus_entries(path)
        papers = read_file(path)
        assert [(p.sources[0].line, p.title, p.abstract) for p in papers] == expected, path.name
        nonblank = sum(1 for line in path.read_text(encoding="utf-8").split("\n") if line.strip())
        header = expected[0][0] // 2  # one header line every other line above the first title
        assert nonblank == header + 2 * len(expected) + 3 * len(_corpus_footers(path)), path.name
        total += len(papers)
    assert total == CORPUS_ENTRIES


@needs_corpus
def test_corpus_distinct_papers() -> None:
    titles = {normalize_name(title) for path in CORPUS_FILES for _, title, _ in _corpus_entries(path)}
    papers = read_papers(CORPUS_FILES)
    assert len(papers) == len(titles) == CORPUS_DISTINCT
    assert sum(len(p.sources) for p in papers) == CORPUS_ENTRIES  # none lost in the merge
    assert {p.key for p in papers} == titles


@needs_corpus
def test_corpus_footers() -> None:
    org_footers = upvoted = 0
    for path in CORPUS_FILES:
        papers = {p.sources[0].line: p for p in read_file(path)}
        footers = _corpus_footers(path)
        years = [int(m[3][2:]) for _, date in footers.values() if (m := TEST_DATE.fullmatch(date)) and m[3]]
        for line, (lead, date) in footers.items():
            paper = papers[line]
            if count := re.fullmatch(r"\u2022 (\d+) authors", lead):
                assert (paper.authors, paper.organizations) == (int(count[1]), [])
            else:
                org_footers += 1
                assert (paper.authors, paper.organizations) == (None, [lead.split(" ", 1)[1]])
            month, day, year, votes = TEST_DATE.fullmatch(date).groups()
            upvoted += votes is not None
            assert paper.upvotes == (int(votes) if votes else None)
            assert paper.date.endswith(f"-{int(day):02d}")
            assert paper.date[:4] == (year[2:] if year else str(max(years) + 1))
            assert any("inferred" in note for note in paper.notes) == (year is None)
        unfooted = [p for line, p in papers.items() if line not in footers]
        assert all(p.date is None and p.authors is None and p.upvotes is None for p in unfooted)
    assert org_footers > 0 and upvoted > 0


@needs_corpus
def test_corpus_listing_without_footers() -> None:
    bare = [path for path in CORPUS_FILES if not _corpus_footers(path)]
    assert bare, "the corpus has a listing without footers"
    for path in bare:
        assert all((p.date, p.authors, p.upvotes, p.organizations) == (None, None, None, []) for p in read_file(path))


@needs_corpus
def test_corpus_inferred_years_agree_with_explicit_ones() -> None:
    """Where one listing gives a paper's year and another omits it, the inferred year matches."""
    dates = defaultdict(set)
    for path in CORPUS_FILES:
        for paper in read_file(path):
            if paper.date:
                dates[paper.key].add(paper.date)
    assert all(len(found) == 1 for found in dates.values())
    merged = read_papers(CORPUS_FILES)
    assert not any(note.startswith("date differs") for p in merged for note in p.notes)


@needs_corpus
def test_corpus_revised_abstract() -> None:
    versions = defaultdict(list)
    for path in CORPUS_FILES:
        for paper in read_file(path):
            versions[paper.key].append(paper)
    revised = {key for key, papers in versions.items() if len({p.abstract for p in papers}) > 1}
    assert revised, "the corpus has a paper with a revised abstract"
    for paper in read_papers(CORPUS_FILES):
        noted = [note for note in paper.notes if note.startswith("abstract from")]
        assert bool(noted) == (paper.key in revised)
        if noted:
            longest = max(len(p.abstract) for p in versions[paper.key])
            winner = max(reversed(versions[paper.key]), key=lambda p: len(p.abstract))
            assert len(paper.abstract) == longest and noted[0].startswith(f"abstract from {winner.sources[0]} ")
            assert len({s.file for s in paper.sources}) > 1
