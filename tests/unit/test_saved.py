"""Reading a saved build back gives the same graph; bad saved files fail with file and line."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from conftest import sample_records
from kgraph.errors import InputError
from kgraph.graph import build_graph
from kgraph.resolve import resolve
from kgraph.saved import paper_line
from kgraph.saved import load_graph, read_saved, saved_papers


def write_saved(path, papers, extractions) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for p in papers:
            handle.write(json.dumps({"paper": p.to_dict(), "extraction": extractions[p.key].to_dict()}) + "\n")


def test_saved_build_round_trips_to_the_same_graph(tmp_path):
    papers, extractions = sample_records()
    write_saved(tmp_path / "papers.jsonl", papers, extractions)
    read_papers, read_extractions = read_saved(tmp_path)  # a folder stands for its papers.jsonl
    assert read_papers == papers and read_extractions == extractions
    expected = build_graph(papers, extractions, resolve(extractions.values()))
    loaded = load_graph(tmp_path / "papers.jsonl")
    assert nx.utils.graphs_equal(loaded, expected)


def test_saved_papers_read_the_same_whatever_the_records_layout(tmp_path):
    """--update reads a build's papers decoding only their end; any other layout is decoded whole."""
    papers, extractions = sample_records()
    papers[0].abstract += ' It quotes JSON: , "paper": {"title": "not this one"}}'
    build_layout = [paper_line(p, json.dumps(extractions[p.key].to_dict(), sort_keys=True)) for p in papers]
    other_layouts = [json.dumps({"paper": papers[0].to_dict(), "extraction": extractions[papers[0].key].to_dict()}),
                     json.dumps({"extraction": extractions[papers[1].key].to_dict(), "paper": papers[1].to_dict()},
                                indent=None, separators=(",", ":"))]
    for lines in (build_layout, other_layouts):
        (tmp_path / "papers.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        assert saved_papers(tmp_path) == papers == read_saved(tmp_path)[0]


@pytest.mark.parametrize("content, line", [("{\"paper\": {}}\n", 1), ("\n{not json\n", 2)])
def test_bad_saved_file_names_file_and_line(tmp_path, content, line):
    path = tmp_path / "papers.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_saved(path)
    assert f"papers.jsonl:{line}:" in str(error.value)


def test_missing_saved_file(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_saved(tmp_path / "nope.jsonl")
