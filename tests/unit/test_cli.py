"""End to end through the command line: ``kgraph build`` and ``kgraph extract`` on real files.

Runs ``kgraph.cli.main`` in-process (and ``python -m kgraph`` once in a subprocess) on the bundled
example listing, on the shared corpus when it is present, and on broken inputs, which must end
with exit status 2, one ``kgraph: error: FILE[:LINE]: message`` line and no output written.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import CORPUS
from rdflib import Graph, Namespace

from kgraph.cli import main, parser
from kgraph.extract.rules import rules
from kgraph.ingest import read_papers

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "listing.txt"
EXAMPLE_JSONL = ROOT / "examples" / "papers.jsonl"
EXAMPLE_PAPERS = 7  # titles in examples/listing.txt
OUTPUTS = ("graph.ttl", "graph.html", "papers.jsonl")
STATE = ".kgraph"  # the build's cache and RDF store, kept for incremental rebuilds

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not found at {CORPUS}")
CORPUS_DISTINCT = 201  # stated by the corpus README

GOLD_KEYS = ("title", "proposed", "benchmarks", "baselines", "outperforms", "organizations", "metrics")
LIST_KEYS = ("proposed", "benchmarks", "baselines", "organizations", "metrics")

KG = Namespace("https://w3id.org/kgraph/ontology#")
METHOD = Namespace("https://w3id.org/kgraph/id/method/")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (temporary files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- build -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_build(tmp_path_factory) -> tuple[Path, str]:
    """``kgraph build examples/listing.txt -o OUT``: the output folder and what was printed."""
    out = tmp_path_factory.mktemp("build") / "outputs"  # does not exist yet: build creates it
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = main(["build", str(EXAMPLE), "-o", str(out)])
    assert status == 0
    return out, stdout.getvalue()


def test_build_writes_the_three_outputs(example_build):
    out, _ = example_build
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUTS, STATE])  # no temporary files left behind
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name


def test_build_prints_a_summary(example_build):
    out, stdout = example_build
    lines = stdout.splitlines()
    assert lines[0] == f"papers: {EXAMPLE_PAPERS}"
    assert lines[1].startswith("entities: ") and "methods" in lines[1] and "benchmarks" in lines[1]
    claims = next(line for line in lines if line.startswith("claims (outperforms): "))
    assert int(claims.rsplit(" ", 1)[1]) > 0
    with_claims = next(line for line in lines if line.startswith("papers with at least one claim: "))
    assert re.fullmatch(rf"papers with at least one claim: (\d+) of {EXAMPLE_PAPERS} \(\d+%\)", with_claims)
    papers = [json.loads(line) for line in (out / "papers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert int(with_claims.split()[6]) == sum(1 for p in papers if p["extraction"]["claims"])
    assert lines[-2] == f"wrote {out / 'graph.ttl'}, {out / 'graph.html'}, {out / 'papers.jsonl'}"
    assert lines[-1] == f"open {out / 'graph.html'} in a browser"


def test_kgraph_alone_says_where_to_start(capsys):
    assert main([]) == 0
    printed = capsys.readouterr().out
    assert "kgraph build examples/listing.txt -o outputs" in printed and "open outputs/graph.html" in printed


def test_every_command_help_has_an_example_and_says_what_it_writes(capsys):
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert {"build", "extract", "viz", "query", "export", "serve", "push", "validate"} <= set(commands)
    for name, sub in commands.items():
        text = sub.format_help()
        assert "\nwrites: " in text, name
        examples = text.split("\nexamples:\n", 1)[1].splitlines()
        assert examples and all(line.startswith(f"  kgraph {name}") for line in examples), name


def test_build_papers_jsonl_has_one_line_per_paper(example_build):
    out, _ = example_build
    records = _lines(out / "papers.jsonl")
    expected = read_papers(EXAMPLE)
    assert len(records) == len(expected) == EXAMPLE_PAPERS
    assert [r["paper"]["title"] for r in records] == [p.title for p in expected]
    for record in records:
        assert set(record) == {"paper", "extraction"}
        assert record["paper"]["sources"] and record["paper"]["abstract"]


def test_build_facts_point_at_their_evidence(example_build):
    """Every fact carries its sentence, and the offsets find that sentence (and the name) in the paper."""
    out, _ = example_build
    facts = 0
    for record in _lines(out / "papers.jsonl"):
        paper, extraction = record["paper"], record["extraction"]
        for kind in ("proposed", "benchmarks", "baselines", "metrics", "organizations", "claims"):
            for fact in extraction[kind]:
                evidence = fact["evidence"]
                text = paper[evidence["field"]]
                assert text[evidence["start"]:evidence["end"]] == evidence["text"], (kind, fact)
                assert fact["rule"] and 0 < fact["confidence"] <= 1
                if kind != "claims":
                    assert text[fact["start"]:fact["end"]] == fact["name"], (kind, fact)
                facts += 1
    assert facts > 0


def test_build_graph_ttl_parses_and_has_the_web_of_wins(example_build):
    out, _ = example_build
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(graph) > 0
    wins = set(graph.subject_objects(KG.outperforms))
    assert wins
    # the example's two pairs of papers each beat the other's method
    assert (METHOD["halonorm"], METHOD["gridmixer"]) in wins
    assert (METHOD["gridmixer"], METHOD["halonorm"]) in wins
    assert (METHOD["ldt"], METHOD["echospec"]) in wins
    assert (METHOD["echospec"], METHOD["ldt"]) in wins
    # "comparable to X" is a comparison, not a win
    losers = {loser for _, loser in wins}
    assert not losers & {METHOD["eagle"], METHOD["gpt-4"], METHOD["swin-transformer"]}


def test_build_graph_html_is_one_self_contained_page(example_build):
    out, _ = example_build
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "HaloNorm" in page and "GridMixer" in page
    assert "://cdn" not in page.lower()




@needs_corpus
def test_build_on_the_corpus(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", *map(str, CORPUS_FILES), "-o", str(out)]) == 0
    records = _lines(out / "papers.jsonl")
    assert len(records) == CORPUS_DISTINCT
    assert len({r["paper"]["title"] for r in records}) == CORPUS_DISTINCT
    assert capsys.readouterr().out.startswith(f"papers: {CORPUS_DISTINCT}\n")
    Graph().parse(out / "graph.ttl", format="turtle")


# --- extract -----------------------------------------------------------------------------------


def _check_gold_format(records: list[dict]) -> None:
    for record in records:
        assert set(GOLD_KEYS) <= set(record), record.get("title")
        assert isinstance(record["title"], str) and record["title"]
        for key in LIST_KEYS:
            assert isinstance(record[key], list) and all(isinstance(n, str) and n for n in record[key]), key
        for claim in record["outperforms"]:
            assert isinstance(claim["winner"], str) and claim["winner"]
            assert isinstance(claim["loser"], str) and claim["loser"]
            assert claim["benchmark"] is None or isinstance(claim["benchmark"], str)


def test_extract_writes_gold_format_lines(tmp_path, capsys):
    pred = tmp_path / "pred.jsonl"
    assert main(["extract", str(EXAMPLE), "-o", str(pred)]) == 0
    assert capsys.readouterr().out == f"wrote {EXAMPLE_PAPERS} papers to {pred}\n"
    records = _lines(pred)
    assert [r["title"] for r in records] == [p.title for p in read_papers(EXAMPLE)]
    _check_gold_format(records)
    by_title = {r["title"].split(":")[0]: r for r in records}
    assert "HaloNorm" in by_title["HaloNorm"]["proposed"]
    assert {"winner": "HaloNorm", "loser": "LayerNorm", "benchmark": "ImageNet-1K"} in [
        {k: c[k] for k in ("winner", "loser", "benchmark")} for c in by_title["HaloNorm"]["outperforms"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pred.jsonl"]


@needs_corpus
def test_extract_on_the_corpus(tmp_path, capsys):
    pred = tmp_path / "pred.jsonl"
    assert main(["extract", *map(str, CORPUS_FILES), "-o", str(pred)]) == 0
    records = _lines(pred)
    assert len(records) == CORPUS_DISTINCT
    _check_gold_format(records)


# --- bad input ---------------------------------------------------------------------------------

# name -> (file name, content or None for a missing file, line the error must name or None)
BAD_INPUTS = {
    "missing file": ("absent.txt", None, None),
    "binary junk": ("junk.txt", b"Daily Papers\n\nA title\n\x00\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 4),
    "not UTF-8": ("latin1.txt", b"Daily Papers\n\nA title\n\nAn abstract that says caf\xe9 in Latin-1.\n", 5),
    "malformed JSON line": ("papers.jsonl",
                            b'{"title": "Fine", "abstract": "A fine abstract."}\n{"title": "Broken", "abstract": \n', 2),
}


def _bad_input(tmp_path: Path, case: str) -> tuple[Path, int | None]:
    name, content, line = BAD_INPUTS[case]
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    if content is not None:
        path.write_bytes(content)
    return path, line


def _assert_one_error_line(stderr: str, path: Path, line: int | None) -> None:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert lines[0].startswith(f"kgraph: error: {where}"), lines[0]
    assert len(lines[0]) > len(f"kgraph: error: {where}")  # a message follows


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize("command", ["build", "extract"])
@pytest.mark.parametrize("after_good_file", [False, True], ids=["alone", "after-a-good-file"])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, case, command, after_good_file):
    bad, line = _bad_input(tmp_path, case)
    inputs = [str(EXAMPLE), str(bad)] if after_good_file else [str(bad)]
    out = tmp_path / ("out" if command == "build" else "pred.jsonl")
    assert main([command, *inputs, "-o", str(out)]) == 2
    captured = capsys.readouterr()
    _assert_one_error_line(captured.err, bad, line)
    assert captured.out == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    assert gc.isenabled()  # paused while reading, running again after the failed read


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize("command", ["build", "extract"])
def test_bad_input_leaves_existing_outputs_untouched(tmp_path, capsys, case, command):
    bad, line = _bad_input(tmp_path, case)
    folder = tmp_path / "work"
    folder.mkdir()
    if command == "build":
        out = folder / "outputs"
        out.mkdir()
        for name in OUTPUTS:
            (out / name).write_text(f"previous {name}\n", encoding="utf-8")
    else:
        out = folder / "pred.jsonl"
        out.write_text('{"title": "previous"}\n', encoding="utf-8")
    before = _snapshot(folder)
    assert main([command, str(EXAMPLE), str(bad), "-o", str(out)]) == 2
    _assert_one_error_line(capsys.readouterr().err, bad, line)
    assert _snapshot(folder) == before




def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["build"])
    assert exit_info.value.code == 2
    assert "usage: kgraph build" in capsys.readouterr().err


@pytest.mark.parametrize("command, target", [("build", "a-file"), ("extract", "a-folder")])
def test_unwritable_output_path_is_one_error_line(tmp_path, capsys, command, target):
    (tmp_path / "a-file").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    out = tmp_path / target
    assert main([command, str(EXAMPLE), "-o", str(out)]) == 2
    _assert_one_error_line(capsys.readouterr().err, out, None)
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me\n"


def test_outputs_get_ordinary_permissions(example_build):
    folder, _ = example_build
    old = os.umask(0o022)
    os.umask(old)
    for name in OUTPUTS:
        assert (folder / name).stat().st_mode & 0o777 == 0o666 & ~old


def test_built_graph_ttl_validates_against_the_shapes(example_build):
    """graph.ttl comes from the build's Oxigraph store; it must meet the same SHACL shapes as any export."""
    import pyshacl

    out, _ = example_build
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(Graph().parse(out / "graph.ttl"), shacl_graph=shapes)
    assert conforms, text


def test_extract_lists_its_rules_and_scores_with_one_switched_off(tmp_path, capsys):
    assert main(["extract", "--list-rules"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == list(rules())
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"title": "Gleep: A Thing", "abstract": "We propose Gleep. "
                                  "Our method outperforms Vornet. Gleep beats Quuxnet."}) + "\n")
    with_all, without = tmp_path / "all.jsonl", tmp_path / "without.jsonl"
    assert main(["extract", str(source), "-o", str(with_all), "-j", "1"]) == 0
    assert main(["extract", str(source), "-o", str(without), "-j", "1", "--disable-rule", "claims.author-cue"]) == 0

    def losers(path):
        return {c["loser"] for c in json.loads(path.read_text())["outperforms"]}
    assert (losers(with_all), losers(without)) == ({"Vornet", "Quuxnet"}, {"Quuxnet"})


def test_extract_refuses_an_unknown_rule_with_one_line(tmp_path, capsys):
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"title": "T", "abstract": "We propose Gleep."}) + "\n")
    assert main(["extract", str(source), "-o", str(tmp_path / "out.jsonl"), "--disable-rule", "claims.nope"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "kgraph: error: --disable-rule claims.nope: no such rule (kgraph extract --list-rules lists them)"]
    assert not (tmp_path / "out.jsonl").exists()
