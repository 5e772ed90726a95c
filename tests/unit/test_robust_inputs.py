"""Issue 24: inputs that could hang a run or exhaust its memory are refused, and the messages
that misled (UTF-16 called binary, an update called invalid SPARQL, an output folder that is a
file, a missing query file read as query text) say what is wrong. One test per failing case."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from builds import league_records, write_build

from kgraph.cli import main
from kgraph.errors import InputError
from kgraph.ingest import read_file
from kgraph.ingest.files import format_size, parse_size, read_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "listing.txt"
LINE = '{"title": "Widget: a Net", "abstract": "We propose Widget. Widget outperforms ResNet on ImageNet."}\n'


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_build(tmp_path_factory.mktemp("league") / "build", *league_records())


def test_a_fifo_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)  # no writer: reading it would wait forever
    err = _error(capsys, ["build", str(fifo), "-o", str(tmp_path / "out"), "-j", "1"])
    assert f"{fifo}: is a named pipe (FIFO), not a regular file" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_refused_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["build", "/dev/zero", "-o", str(tmp_path / "out"), "-j", "1"])
    assert "/dev/zero: is a character device, not a regular file" in err


def test_an_input_over_the_size_limit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text(LINE * 40, encoding="utf-8")
    err = _error(capsys, ["extract", str(big), "-o", str(tmp_path / "p.jsonl"), "-j", "1", "--max-input-size", "2K"])
    assert "big.jsonl: larger than the input size limit (2K); raise it with --max-input-size" in err
    assert main(["extract", str(big), "-o", str(tmp_path / "p.jsonl"), "-j", "1", "--max-input-size", "1M"]) == 0


def test_sizes() -> None:
    assert parse_size("1048576") == parse_size("1M") == parse_size("1MiB") == 1 << 20
    assert parse_size("2g") == 2 << 30 and format_size(1 << 30) == "1G" and format_size(1000) == "1000 bytes"
    for bad in ("", "-1", "0", "12 parsecs"):
        with pytest.raises(ValueError):
            parse_size(bad)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_a_byte_order_mark_says_how_to_decode(tmp_path: Path, encoding: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
           "utf-32-be": codecs.BOM_UTF32_BE, "utf-8": codecs.BOM_UTF8}[encoding]
    path = tmp_path / "in.jsonl"
    path.write_bytes(bom + (LINE + LINE.replace("Widget", "Gadget")).replace("\n", "\r\n").encode(encoding))
    assert read_text(path) == LINE + LINE.replace("Widget", "Gadget")
    assert [p.title for p in read_file(path)] == ["Widget: a Net", "Gadget: a Net"]


def test_utf16_is_not_called_binary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(LINE.encode("utf-16"))  # with its BOM: read
    assert main(["extract", str(path), "-o", str(tmp_path / "p.jsonl"), "-j", "1"]) == 0
    path.write_bytes(LINE.encode("utf-16-le"))  # without: refused, saying what it looks like
    err = _error(capsys, ["extract", str(path), "-o", str(tmp_path / "p.jsonl"), "-j", "1"])
    assert "UTF-16 without a byte order mark? save the file as UTF-8" in err
    path.write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(InputError, match="not UTF-16 text despite its byte order mark"):
        read_text(path)


def test_an_update_is_refused_as_an_update(league: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for update in ["INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                   "# a comment\nPREFIX ex: <http://example.org/#>\nBASE <http://x/>\nDELETE WHERE { ?s ?p ?o }",
                   "clear all", "LOAD <http://example.org/data.ttl>"]:
        for engine in ("oxigraph", "rdflib"):
            err = _error(capsys, ["query", str(league), update, "--engine", engine])
            assert err.endswith("<query>: kgraph query is read-only: updates are not run\n")
    assert "not valid SPARQL" in _error(capsys, ["query", str(league), "SELECT ?x WHERE {"])


def test_an_output_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_bytes(b"kept")
    err = _error(capsys, ["build", str(EXAMPLE), "-o", str(afile), "-j", "1"])
    assert f"{afile}: is a file, not a folder; give -o a folder" in err
    err = _error(capsys, ["build", str(EXAMPLE), "-o", str(afile / "sub"), "-j", "1"])
    assert f"lies under {afile}, a file, not a folder" in err
    assert afile.read_bytes() == b"kept"


@pytest.mark.parametrize("name", ["queries/who.sparql", "who.txt", "missing.rq", "./q"])
def test_a_missing_query_file_is_no_such_file(league: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert _error(capsys, ["query", str(league), name]).endswith(f"{name}: no such file\n")


def test_query_text_is_still_query_text(league: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(league), "ASK{?s ?p ?o}"]) == 0
    assert main(["query", str(league), "SELECT * WHERE{?s<http://x/y>?o}"]) == 0


def test_an_error_quoting_a_line_end_is_still_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by the fuzzing suite: a CSV header field holding a line end made a two-line error."""
    path = tmp_path / "in.csv"
    path.write_bytes(b'"0\n0"\r\n')
    err = _error(capsys, ["extract", str(path), "-o", str(tmp_path / "p.jsonl"), "-j", "1"])
    assert err.endswith("CSV header has no 'title' and 'abstract' column (found: 0\\n0)\n")
    odd = tmp_path / "a\nb.jsonl"
    odd.write_text("not json\n", encoding="utf-8")
    assert "a\\nb.jsonl:1: " in _error(capsys, ["extract", str(odd), "-o", str(tmp_path / "p.jsonl"), "-j", "1"])


def test_viz_of_a_missing_or_endless_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _error(capsys, ["viz", str(tmp_path / "nope"), "-o", str(tmp_path / "p.html")]).endswith(
        "nope: no such file or folder\n")
    fifo = tmp_path / "papers.jsonl"
    os.mkfifo(fifo)
    assert _error(capsys, ["viz", str(fifo), "-o", str(tmp_path / "p.html")]).endswith(
        "papers.jsonl: not a regular file; only files are read\n")
