"""``kgraph validate``: the project's SHACL shapes checked on Oxigraph find what pyshacl finds."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns  # module-level DefinedNamespaces warn when pytest inspects them

from kgraph.build import build
from kgraph.cli import main
from kgraph.ingest import read_papers
from kgraph.rdf import KG
from kgraph.rdf.validate import UnsupportedShape, validate

SHAPES = files("kgraph.ontology") / "shapes.ttl"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "listing.txt"


def _shapes() -> Graph:
    return Graph().parse(data=SHAPES.read_text("utf-8"), format="turtle")


def _store(rdf: Graph) -> ox.Store:
    store = ox.Store()
    store.load(rdf.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _first(rdf: Graph, cls: URIRef, skip: int = 0) -> URIRef:
    return sorted(rdf.subjects(ns.RDF.type, cls))[skip]


def _broken(rdf: Graph) -> None:
    """One break of each kind of constraint the shapes hold, each on its own node."""
    paper, other_paper, third_paper = (_first(rdf, KG.Paper, n) for n in range(3))
    rdf.remove((paper, ns.DCTERMS.title, None))  # minCount
    rdf.add((other_paper, KG.arxivId, Literal("not an id")))  # maxCount, pattern
    rdf.set((third_paper, KG.upvotes, Literal(-1)))  # minInclusive
    rdf.add((third_paper, KG.sourceLocation, Literal("nowhere")))  # pattern
    method, benchmark = _first(rdf, KG.Method), _first(rdf, KG.Benchmark)
    rdf.add((method, ns.SKOS.prefLabel, Literal("Second label")))  # maxCount
    rdf.add((benchmark, ns.SKOS.altLabel, rdf.value(benchmark, ns.SKOS.prefLabel)))  # disjoint
    rdf.add((benchmark, KG.outperforms, method))  # class (node shape)
    claim, other_claim = _first(rdf, KG.Claim), _first(rdf, KG.Claim, 1)
    rdf.set((claim, KG.confidence, Literal("1.5", datatype=ns.XSD.decimal)))  # maxInclusive
    rdf.remove((rdf.value(claim, KG.winner), KG.outperforms, rdf.value(claim, KG.loser)))  # sh:sparql
    rdf.set((other_claim, KG.statedIn, other_paper))  # equals
    rdf.set((other_claim, KG.margin, Literal(3)))  # datatype
    mention, other_mention = _first(rdf, KG.Mention), _first(rdf, KG.Mention, 1)
    rdf.set((mention, KG.evidenceStart, Literal(10_000)))  # lessThan, offsets (sh:sparql)
    rdf.set((other_mention, KG.relation, KG.outperforms))  # in, direct triple (sh:sparql)
    rdf.set((other_mention, KG.mentionOf, paper))  # or


def _pyshacl(rdf: Graph) -> set[tuple[str, str | None]]:
    _, results, _ = pyshacl.validate(rdf, shacl_graph=_shapes())
    return {(str(results.value(r, ns.SH.focusNode)), _path(results.value(r, ns.SH.resultPath)))
            for r in results.subjects(ns.RDF.type, ns.SH.ValidationResult)}


def _path(path: object) -> str | None:
    return None if path is None else str(path)


@pytest.fixture(scope="module")
def example_rdf(tmp_path_factory) -> Graph:
    out = tmp_path_factory.mktemp("validate") / "out"
    build(read_papers(EXAMPLE), out, jobs=1)
    return Graph().parse(out / "graph.ttl", format="turtle")


def test_a_build_conforms(example_rdf):
    assert validate(_store(example_rdf), _shapes()) == []


def test_it_finds_each_violation_pyshacl_finds(example_rdf):
    rdf = Graph()
    rdf += example_rdf
    _broken(rdf)
    expected = _pyshacl(rdf)
    found = {(v.focus.strip("<>"), v.path) for v in validate(_store(rdf), _shapes())}
    assert found == expected
    assert len(expected) >= 15


def test_a_shape_it_cannot_check_is_refused_not_ignored():
    shapes = _shapes()
    shapes.add((URIRef("https://w3id.org/kgraph/shapes#PaperShape"), ns.SH.closed, Literal(True)))
    with pytest.raises(UnsupportedShape):
        validate(ox.Store(), shapes)


def test_validate_command(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "-o", str(out), "-j", "1"]) == 0
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr().out.startswith("conforms:")
    rdf = Graph().parse(out / "graph.ttl", format="turtle")
    _broken(rdf)
    rdf.serialize(tmp_path / "broken.ttl", format="turtle")
    assert main(["validate", str(tmp_path / "broken.ttl")]) == 1
    report = capsys.readouterr().out
    assert "does not conform" in report and "minCount 1" in report
