"""``kgraph export``: N-Triples and JSON-LD that parse back to the same graph and meet the shapes,
GraphML that Gephi-style readers load, and one-line errors for bad input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from builds import write_build
from conftest import sample_records
from rdflib import Graph, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic
from test_rdf import HOSTILE, NON_ASCII, ODD_ID, _from_oxigraph, _hostile_graph, _reordered, _validate

from kgraph.cli import main
from kgraph.query.export import export
from kgraph.rdf.graphml import LIST_SEPARATOR, graphml_graph, write_graphml
from kgraph.rdf import KG, node_iri, serialize, to_rdf

CONTEXT = json.loads((files("kgraph.ontology") / "context.jsonld").read_text("utf-8"))["@context"]
ONTOLOGY = files("kgraph.ontology") / "kgraph.ttl"
# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
PARSERS = {"turtle": ("turtle", ox.RdfFormat.TURTLE), "nt": ("nt", ox.RdfFormat.N_TRIPLES),
           "jsonld": ("json-ld", ox.RdfFormat.JSON_LD)}


@pytest.fixture
def hostile_graph() -> nx.MultiDiGraph:
    return _hostile_graph()


def _oxigraph_graph(text: str, fmt: str) -> Graph:
    """Parse with Oxigraph (an independent parser), as rdflib terms for comparison."""
    if fmt == "turtle":
        return _from_oxigraph(text)
    as_nt = ox.serialize(ox.parse(text.encode("utf-8"), format=PARSERS[fmt][1]), format=ox.RdfFormat.N_TRIPLES)
    return _from_oxigraph(as_nt.decode("utf-8"))


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
@pytest.mark.parametrize("fixture", ["sample_graph", "hostile_graph"])
def test_rdf_exports_parse_back_isomorphic_with_rdflib_and_oxigraph(fixture: str, fmt: str,
                                                                   request: pytest.FixtureRequest) -> None:
    graph = request.getfixturevalue(fixture)
    original = to_rdf(graph)
    text = serialize(graph, fmt)
    by_rdflib = Graph().parse(data=text, format=PARSERS[fmt][0])
    assert len(by_rdflib) == len(original) > 20
    assert isomorphic(by_rdflib, original)
    assert isomorphic(_oxigraph_graph(text, fmt), original)


@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
@pytest.mark.parametrize("fixture", ["sample_graph", "hostile_graph"])
def test_exports_read_back_conform_to_the_shapes(fixture: str, fmt: str, request: pytest.FixtureRequest) -> None:
    text = serialize(request.getfixturevalue(fixture), fmt)
    conforms, violations, report = _validate(Graph().parse(data=text, format=PARSERS[fmt][0]))
    assert conforms and not violations, report


def test_hostile_names_survive_jsonld_exactly(hostile_graph: nx.MultiDiGraph) -> None:
    document = json.loads(serialize(hostile_graph, "jsonld"))
    labels = {node.get("prefLabel") for node in document["graph"]}
    assert {HOSTILE, NON_ASCII, '"COCO\\val"""'} <= labels
    ids = {node["id"] for node in document["graph"]}
    assert "method:%CE%A9%20%3Cx%3E%20%22y%22%0A%25%2F." in ids  # ODD_ID, percent-encoded under its prefix
    assert str(node_iri(ODD_ID)).endswith("%CE%A9%20%3Cx%3E%20%22y%22%0A%25%2F.")


def test_jsonld_is_compacted_with_the_published_context(sample_graph: nx.MultiDiGraph) -> None:
    document = json.loads(serialize(sample_graph, "jsonld"))
    assert document["@context"] == CONTEXT
    claims = [node for node in document["graph"] if "Claim" in node["type"]]
    assert len(claims) == 2
    claim = next(c for c in claims if c["winner"] == "method:fn")
    assert claim["loser"] == "method:resnet"
    assert claim["onBenchmark"] == "benchmark:imagenet"
    assert claim["margin"] == "2.1" and claim["confidence"] == "0.8"
    assert claim["evidenceField"] == "kg:abstract"
    # no full IRIs as keys: every property has a term in the context
    keys = {key for node in document["graph"] for key in node}
    assert not [key for key in keys if ":" in key]


def test_context_names_every_term_of_the_ontology() -> None:
    ontology = Graph().parse(data=ONTOLOGY.read_text("utf-8"), format="turtle")
    kinds = (ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty)
    declared = {str(s) for kind in kinds for s in ontology.subjects(ns.RDF.type, kind)
                if isinstance(s, URIRef) and str(s).startswith(str(KG))}
    prefixes = {name: value for name, value in CONTEXT.items() if isinstance(value, str) and value.endswith(("#", "/"))}

    def expand(value: str | dict) -> str:
        iri = value["@id"] if isinstance(value, dict) else value
        prefix, _, local = iri.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else iri

    named = {expand(value) for name, value in CONTEXT.items() if not name.startswith("@") and name not in prefixes}
    assert declared and declared - named == set()


@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
def test_exports_do_not_depend_on_insertion_order(sample_graph: nx.MultiDiGraph, fmt: str) -> None:
    """(Nor on the hash seed: tests/test_processes.py.)"""
    assert serialize(_reordered(sample_graph), fmt) == serialize(sample_graph, fmt)


# ---------------------------------------------------------------------------------------------
# GraphML


def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes(tmp_path: Path,
                                                                     sample_graph: nx.MultiDiGraph) -> None:
    target = tmp_path / "graph.graphml"
    write_graphml(sample_graph, target)
    back = nx.read_graphml(target, force_multigraph=True)
    # node ids are the RDF IRIs (the subjects of graph.ttl), the short ids their `curie`
    assert sorted(back.nodes) == sorted(str(node_iri(n)) for n in sample_graph.nodes)
    assert {str(s) for s in to_rdf(sample_graph).subjects()} >= set(back.nodes)
    assert sorted(d["curie"] for _, d in back.nodes(data=True)) == sorted(sample_graph.nodes)
    assert back.number_of_edges() == sample_graph.number_of_edges()
    fn = back.nodes[str(node_iri("method:fn"))]
    assert fn["label"] == "FN" and fn["curie"] == "method:fn"
    assert fn["aliases"] == f"Foo-Net{LIST_SEPARATOR}foo net"
    paper = back.nodes[str(node_iri("paper:foo-net-a-test-network"))]
    assert paper["upvotes"] == 3 and paper["sources"] == "a.txt:1"
    assert "arxiv_id" not in paper and "url" not in paper  # None is dropped, not written as "None"
    claims = [d for _, _, d in back.edges(data=True) if d["type"] == "outperforms"]
    assert sorted((c["paper"], c.get("margin"), c["confidence"]) for c in claims) == [
        (str(node_iri("paper:2401.00001")), None, 0.5), (str(node_iri("paper:foo-net-a-test-network")), "2.1", 0.8)]
    assert all(c["benchmark"] in back.nodes for c in claims)  # a claim names its benchmark by IRI
    assert list(tmp_path.iterdir()) == [target]


def test_graphml_joins_lists() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("method:x", type="Method", label="X", aliases=["X-1", "Ex"], score=None)
    plain = graphml_graph(graph)
    assert plain.nodes[str(node_iri("method:x"))] == {"curie": "method:x", "type": "Method", "label": "X",
                                                      "aliases": f"X-1{LIST_SEPARATOR}Ex"}


def test_graphml_of_hostile_names_is_valid_xml_with_the_names(tmp_path: Path, hostile_graph: nx.MultiDiGraph) -> None:
    hostile_graph.nodes[ODD_ID]["aliases"] = ["bell\x07 and nul\x00", "vt\x0b"]
    target = tmp_path / "hostile.graphml"
    write_graphml(hostile_graph, target)
    ET.parse(target)  # well-formed XML
    back = nx.read_graphml(target, force_multigraph=True)
    assert str(node_iri(ODD_ID)) in back.nodes and back.nodes[str(node_iri(ODD_ID))]["curie"] == ODD_ID
    labels = {data["label"] for _, data in back.nodes(data=True)}
    assert {HOSTILE, NON_ASCII} <= labels
    assert back.nodes[str(node_iri(ODD_ID))]["aliases"] == f"bell\ufffd and nul\ufffd{LIST_SEPARATOR}vt\ufffd"
    paper = next(data for _, data in back.nodes(data=True) if data["type"] == "Paper")
    assert paper["abstract"].endswith('\nby 3 points"')  # \r\n as any XML reader returns it


# ---------------------------------------------------------------------------------------------
# Command line


@pytest.fixture
def build(tmp_path: Path) -> Path:
    return write_build(tmp_path / "build", *sample_records())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_export_of_a_build_in_each_format(tmp_path: Path, build: Path, sample_graph: nx.MultiDiGraph,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("turtle", "nt", "jsonld"):
        target = tmp_path / f"out.{fmt}"
        status, out, err = _run(capsys, "export", str(build), "--format", fmt, "-o", str(target))
        assert (status, err) == (0, "") and str(target) in out
        assert isomorphic(Graph().parse(target, format=PARSERS[fmt][0]), to_rdf(sample_graph))
    # Turtle re-exported from graph.ttl is graph.ttl, byte for byte
    assert (tmp_path / "out.turtle").read_bytes() == (build / "graph.ttl").read_bytes()
    status, _, err = _run(capsys, "export", str(build), "--format", "graphml", "-o", str(tmp_path / "g.graphml"))
    assert (status, err) == (0, "")
    assert sorted(nx.read_graphml(tmp_path / "g.graphml").nodes) == sorted(str(node_iri(n)) for n in sample_graph.nodes)


def test_export_from_graph_ttl_and_from_papers_jsonl(tmp_path: Path, build: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from_ttl, from_jsonl = tmp_path / "a.nt", tmp_path / "b.nt"
    assert _run(capsys, "export", str(build / "graph.ttl"), "--format", "nt", "-o", str(from_ttl))[0] == 0
    assert _run(capsys, "export", str(build / "papers.jsonl"), "--format", "nt", "-o", str(from_jsonl))[0] == 0
    assert from_ttl.read_bytes() == from_jsonl.read_bytes()
    status, out, _ = _run(capsys, "export", str(build), "--format", "nt", "-o", "-")
    assert status == 0 and out == from_ttl.read_text("utf-8")


def test_export_refuses_unknown_formats(build: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        export(build, "rdfxml", build / "x")


BAD_TURTLE = '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n'


@pytest.mark.parametrize(("case", "fmt", "expected"), [
    ("missing", "turtle", "{tmp}/missing: no such file or folder"),
    ("empty_folder", "turtle", "{tmp}/empty: no graph.ttl in this folder"),
    ("bad_turtle", "nt", "{tmp}/bad.ttl:3: not valid Turtle"),
    ("graphml_from_ttl", "graphml", "{tmp}/build/graph.ttl: GraphML needs the papers.jsonl of a build"),
    ("graphml_from_empty_folder", "graphml", "{tmp}/empty: no papers.jsonl in this folder"),
])
def test_bad_graph_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, build: Path, case: str, fmt: str,
                                                         expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.ttl").write_text(BAD_TURTLE, encoding="utf-8")
    source = {"missing": tmp_path / "missing", "empty_folder": tmp_path / "empty", "bad_turtle": tmp_path / "bad.ttl",
              "graphml_from_ttl": build / "graph.ttl", "graphml_from_empty_folder": tmp_path / "empty"}[case]
    target = tmp_path / "out" / "export"
    status, out, err = _run(capsys, "export", str(source), "--format", fmt, "-o", str(target))
    assert status == 2 and out == ""
    assert err.startswith("kgraph: error: " + expected.format(tmp=tmp_path)), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not target.exists()
