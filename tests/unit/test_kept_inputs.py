"""Parsed inputs kept between runs: the same papers as parsing, and only new text parsed."""

from __future__ import annotations

import json
import marshal
import shutil
from pathlib import Path

import pytest

import kgraph.ingest as ingest
from kgraph.errors import InputError
from kgraph.ingest import parsed, read_papers
from kgraph.ingest.tabular import parse_jsonl

DATA = Path(__file__).parents[1] / "data"
FIXTURES = ("sample.jsonl", "sample.csv", "arxiv_sample.xml", "dailypapers_sample.txt")


def _line(number: int) -> str:
    return json.dumps({"title": f"Paper number {number}", "abstract": f"We propose Method{number}. " * 3,
                       "authors": ["A. Author"], "url": f"https://arxiv.org/abs/2401.{number:05d}"}) + "\n"


@pytest.fixture
def parsed_texts(monkeypatch) -> list[tuple[str, int]]:
    """(text, first line) of every JSON Lines parse from now on."""
    seen: list[tuple[str, int]] = []

    def spy(text: str, path: str, first_line: int = 1):
        seen.append((text, first_line))
        return parse_jsonl(text, path, first_line)

    monkeypatch.setattr(ingest, "parse_jsonl", spy)
    return seen


def test_kept_inputs_give_the_same_papers_without_parsing(tmp_path, monkeypatch):
    inputs = [shutil.copy(DATA / name, tmp_path / name) for name in FIXTURES]
    kept = tmp_path / "kept"
    assert read_papers(inputs, kept=kept) == read_papers(inputs)

    def refuse(*_):
        raise AssertionError("parsed again")

    monkeypatch.setattr(ingest, "parse_jsonl", refuse)
    monkeypatch.setattr(ingest, "_PARSERS", {fmt: refuse for fmt in ingest._PARSERS})
    again = read_papers(inputs, kept=kept)
    monkeypatch.undo()
    assert again == read_papers(inputs)


def test_a_grown_jsonl_file_is_parsed_from_where_it_was_kept(tmp_path, parsed_texts):
    path, kept = tmp_path / "feed.jsonl", tmp_path / "kept"
    path.write_text("".join(_line(n) for n in range(5)) + "\n")  # a blank line at the end
    read_papers([path], kept=kept)
    with path.open("a") as handle:  # a day's lines, the last one not finished
        handle.write("".join(_line(n) for n in range(5, 8)) + _line(8).rstrip("\n"))
    parsed_texts.clear()
    papers = read_papers([path], kept=kept)
    assert parsed_texts == [("".join(_line(n) for n in range(5, 8)), 7), (_line(8).rstrip("\n"), 10)]
    assert papers == read_papers([path])
    assert [p.sources[0].line for p in papers] == [1, 2, 3, 4, 5, 7, 8, 9, 10]

    with path.open("a") as handle:  # the unfinished line finished, and a bad one after it
        handle.write("\n" + "{not json\n")
    with pytest.raises(InputError) as error:
        read_papers([path], kept=kept)
    assert error.value.line == 11
    parsed_texts.clear()
    path.write_text(path.read_text().replace("{not json\n", _line(9)))
    assert read_papers([path], kept=kept) == read_papers([path])
    assert parsed_texts[0] == (_line(8) + _line(9), 10)  # from the last line kept

    with path.open("a") as handle:  # one unfinished line, and nothing else, after what was kept
        handle.write(_line(10).rstrip("\n"))
    parsed_texts.clear()
    assert read_papers([path], kept=kept) == read_papers([path])
    assert parsed_texts[0] == (_line(10).rstrip("\n"), 12)


@pytest.mark.parametrize("change", ["edited", "shortened", "other format grown", "other path"])
def test_a_changed_input_is_parsed_again(tmp_path, change):
    jsonl, csv, kept = tmp_path / "feed.jsonl", tmp_path / "sample.csv", tmp_path / "kept"
    jsonl.write_text("".join(_line(n) for n in range(6)))
    shutil.copy(DATA / "sample.csv", csv)
    read_papers([jsonl, csv], kept=kept)
    if change == "edited":  # the same size: an edit in the middle
        jsonl.write_text(jsonl.read_text().replace("number 2", "number X"))
    elif change == "shortened":
        jsonl.write_text("".join(_line(n) for n in range(3)))
    elif change == "other format grown":
        csv.write_text(csv.read_text() + '"A late title","We propose LateNet. It is good.",,2024-02-05,,,1\n')
    else:
        moved = tmp_path / "moved"
        moved.mkdir()
        jsonl, csv = shutil.move(jsonl, moved / jsonl.name), shutil.move(csv, moved / csv.name)
    assert read_papers([jsonl, csv], kept=kept) == read_papers([jsonl, csv])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "not a tuple", "another version", "first one gone",
                                    "rows of another shape"])
def test_damaged_kept_segments_are_ignored(tmp_path, damage, monkeypatch):
    path, kept = tmp_path / "feed.jsonl", tmp_path / "kept"
    path.write_text("".join(_line(n) for n in range(4)))
    read_papers([path], kept=kept)
    with path.open("a") as handle:
        handle.write(_line(4))
    read_papers([path], kept=kept)
    first, second = sorted(kept.glob("*/*.marshal"))
    if damage == "truncated":
        second.write_bytes(second.read_bytes()[:-20])
    elif damage == "garbage":
        second.write_bytes(b"\x00garbage")
    elif damage == "not a tuple":
        second.write_bytes(marshal.dumps(7))
    elif damage == "another version":
        monkeypatch.setattr(parsed, "reader_version", lambda: "older")
    elif damage == "first one gone":
        first.unlink()
    else:
        label, *fields, rows = marshal.loads(second.read_bytes())
        second.write_bytes(marshal.dumps((label, *fields, [row[:3] for row in rows])))
    assert read_papers([path], kept=kept) == read_papers([path])
    assert read_papers([path], kept=kept) == read_papers([path])  # and kept anew


def test_segments_are_merged_when_there_are_many(tmp_path):
    path, kept = tmp_path / "feed.jsonl", tmp_path / "kept"
    path.write_text(_line(0))
    for day in range(1, parsed.MAX_SEGMENTS + 3):
        read_papers([path], kept=kept)
        with path.open("a") as handle:
            handle.write(_line(day))
    assert read_papers([path], kept=kept) == read_papers([path])
    assert 1 <= len(list(kept.glob("*/*.marshal"))) <= parsed.MAX_SEGMENTS


def test_nothing_is_kept_when_a_later_input_is_bad(tmp_path):
    good, bad, kept = tmp_path / "good.jsonl", tmp_path / "bad.jsonl", tmp_path / "kept"
    good.write_text(_line(0))
    bad.write_text("{not json\n")
    with pytest.raises(InputError):
        read_papers([good, bad], kept=kept)
    assert not kept.exists()


def test_a_build_keeps_its_parsed_inputs_unless_told_not_to_cache(tmp_path):
    from kgraph.cli import main

    path = shutil.copy(DATA / "sample.jsonl", tmp_path / "sample.jsonl")
    assert main(["build", str(path), "-o", str(tmp_path / "out")]) == 0
    assert list((tmp_path / "out" / ".kgraph" / "inputs").glob("*/0000.marshal"))
    assert main(["build", str(path), "-o", str(tmp_path / "uncached"), "--no-cache"]) == 0
    assert not (tmp_path / "uncached" / ".kgraph" / "inputs").exists()
