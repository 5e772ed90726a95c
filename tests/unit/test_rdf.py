"""RDF export: valid and deterministic Turtle, safe IRIs, a documented ontology, SHACL conformance."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns  # module-level DefinedNamespaces warn when pytest inspects them
from rdflib.compare import isomorphic

from kgraph.graph import build_graph
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.rdf import DATA, KG, node_iri, serialize, to_rdf, web_iri, write_turtle
from kgraph.rdf.terms import _decimal, _integer
from kgraph.resolve import resolve

ONTOLOGY = files("kgraph.ontology") / "kgraph.ttl"
SHAPES = files("kgraph.ontology") / "shapes.ttl"
IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`]')

HOSTILE = 'Ev<il> "Net"\n; DROP TABLE methods;-- 🚀 naïve\tx'
NON_ASCII = "Ω🚀"  # slugs to the bare fallback "x"
ODD_ID = 'method:Ω <x> "y"\n%/.'


def _parse_turtle(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _from_oxigraph(text: str) -> Graph:
    """Parse with an independent Turtle parser and convert to rdflib terms for comparison."""
    def term(node: ox.NamedNode | ox.Literal) -> URIRef | Literal:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        assert isinstance(node, ox.Literal), f"unexpected blank node {node}"
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = None if node.datatype.value == str(ns.XSD.string) else URIRef(node.datatype.value)
        return Literal(node.value, datatype=datatype)

    graph = Graph()
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def _validate(rdf: Graph) -> tuple[bool, set[tuple[str, str]], str]:
    """Conformance, each violation as (constraint component, result path or message), and the report."""
    shapes = Graph().parse(data=SHAPES.read_text("utf-8"), format="turtle")
    conforms, results, text = pyshacl.validate(rdf, shacl_graph=shapes)
    violations = set()
    for result in results.subjects(ns.RDF.type, ns.SH.ValidationResult):
        component = results.value(result, ns.SH.sourceConstraintComponent).fragment
        detail = results.value(result, ns.SH.resultPath) or results.value(result, ns.SH.resultMessage)
        violations.add((component, str(detail)))
    return conforms, violations, text


def _reordered(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges inserted in reverse order."""
    copy = nx.MultiDiGraph()
    copy.add_nodes_from(reversed(list(graph.nodes(data=True))))
    copy.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    return copy


def _hostile_graph() -> nx.MultiDiGraph:
    """A paper whose title, abstract, method names and URL hold every character that breaks RDF."""
    abstract = f'{HOSTILE} beats {NON_ASCII} on "COCO\\val""" \r\nby 3 points"'
    sentence = Evidence(abstract, 0, len(abstract))

    def mention(name: str, kind: str) -> Mention:
        start = abstract.index(name)
        return Mention(name, kind, sentence, start, start + len(name), "test", 0.75)

    paper = Paper(f'<script>alert("x")</script>\n{HOSTILE}', abstract, [Source("we ird/p\u00e4pers.jsonl", 7)],
                  date="2024-02-29", url='https://example.org/a b<c>"d"?q=é', urls=["github.com/o/r e"])
    extraction = Extraction(
        paper.key,
        proposed=[mention(HOSTILE, "method")],
        baselines=[mention(NON_ASCII, "method")],
        benchmarks=[mention('"COCO\\val"""', "benchmark")],
        claims=[Claim(HOSTILE, NON_ASCII, sentence, "test", 1.0, benchmark='"COCO\\val"""', margin='3 "points"')],
    )
    graph = build_graph([paper], {paper.key: extraction}, resolve([extraction]))
    # ids from resolve are slugs; a caller may build others, so one id is made hostile too
    return nx.relabel_nodes(graph, {"method:x": ODD_ID})


@pytest.fixture
def hostile_graph() -> nx.MultiDiGraph:
    return _hostile_graph()


# ---------------------------------------------------------------------------------------------
# Round trip and determinism


@pytest.mark.parametrize("fixture", ["sample_graph", "hostile_graph"])
def test_turtle_parses_back_isomorphic_with_rdflib_and_oxigraph(fixture: str, request: pytest.FixtureRequest) -> None:
    graph = request.getfixturevalue(fixture)
    original = to_rdf(graph)
    text = serialize(graph, "turtle")
    assert isomorphic(_parse_turtle(text), original)
    assert isomorphic(_from_oxigraph(text), original)
    assert len(original) > 20


def test_ntriples_are_sorted_lines_of_the_same_graph(sample_graph: nx.MultiDiGraph) -> None:
    text = serialize(sample_graph, "nt")
    lines = text.splitlines()
    assert lines == sorted(lines)
    assert isomorphic(Graph().parse(data=text, format="nt"), to_rdf(sample_graph))


def test_unknown_format_is_refused(sample_graph: nx.MultiDiGraph) -> None:
    with pytest.raises(ValueError, match="format"):
        serialize(sample_graph, "json-ld")


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_same_graph_in_another_insertion_order_gives_identical_bytes(sample_graph: nx.MultiDiGraph, fmt: str) -> None:
    reordered = _reordered(sample_graph)
    assert list(reordered.nodes) != list(sample_graph.nodes)
    assert list(reordered.edges) != list(sample_graph.edges)
    assert serialize(reordered, fmt) == serialize(sample_graph, fmt)




# ---------------------------------------------------------------------------------------------
# IRIs and literals


def test_node_iris_are_readable_and_claims_are_hashed(sample_graph: nx.MultiDiGraph) -> None:
    assert node_iri("method:superposed-decoding") == URIRef(f"{DATA}method/superposed-decoding")
    rdf = to_rdf(sample_graph)
    assert (URIRef(f"{DATA}paper/2401.00001"), ns.RDF.type, KG.Paper) in rdf
    assert (URIRef(f"{DATA}paper/foo-net-a-test-network"), ns.RDF.type, KG.Paper) in rdf
    claims = sorted(rdf.subjects(ns.RDF.type, KG.Claim))
    mentions = sorted(rdf.subjects(ns.RDF.type, KG.Mention))
    assert len(claims) == 2 and len(mentions) == 8
    assert all(re.fullmatch(f"{DATA}claim/[0-9a-f]{{16}}", str(c)) for c in claims)
    assert all(re.fullmatch(f"{DATA}mention/[0-9a-f]{{16}}", str(m)) for m in mentions)
    assert sorted(to_rdf(_reordered(sample_graph)).subjects(ns.RDF.type, KG.Claim)) == claims


def test_turtle_uses_readable_prefixes(sample_graph: nx.MultiDiGraph) -> None:
    text = serialize(sample_graph)
    for prefix in ("kg", "schema", "dcterms", "prov", "skos", "xsd", "method", "paper", "claim"):
        assert f"@prefix {prefix}: " in text
    assert re.search(r"^method:fn a kg:Method", text, re.MULTILINE)
    assert re.search(r"^paper:2401\.00001 a ", text, re.MULTILINE)


def test_odd_node_ids_are_percent_encoded_into_valid_iris() -> None:
    iri = node_iri('method:<a b>"\n🚀/é%')
    assert iri == URIRef(f"{DATA}method/%3Ca%20b%3E%22%0A%F0%9F%9A%80%2F%C3%A9%25")
    with pytest.raises(ValueError):
        node_iri("no-kind")


@pytest.mark.parametrize(("url", "iri"), [
    ("github.com/o/r e", "https://github.com/o/r%20e"),
    ('https://x.org/a<b>"c"\n', "https://x.org/a%3Cb%3E%22c%22"),
    ("https://x.org/é?q=ü#frag", "https://x.org/é?q=ü#frag"),  # IRIs may hold Unicode
    ("https://x.org/100%", "https://x.org/100%25"),
    ("https://x.org/a%20b[1]{2}|^`\\", "https://x.org/a%20b%5B1%5D%7B2%7D%7C%5E%60%5C"),
    ("https://x.org/a?b=c?d#e#f", "https://x.org/a?b=c?d#e%23f"),
    ("http://[::1]:8080/x\u0085y", "http://[::1]:8080/x%C2%85y"),
])
def test_links_become_valid_absolute_iris(url: str, iri: str) -> None:
    assert web_iri(url) == URIRef(iri)
    assert ox.NamedNode(iri).value == iri  # a strict RFC 3987 check


@pytest.mark.parametrize("url", ["https://a b.org/", "https://x.org:99x/", "http://[::1", "https://<x>/"])
def test_links_without_a_valid_host_are_dropped(url: str) -> None:
    assert web_iri(url) is None


def test_hostile_names_give_valid_iris_and_exact_literals(hostile_graph: nx.MultiDiGraph) -> None:
    parsed = _from_oxigraph(serialize(hostile_graph))
    iris = {t for triple in parsed for t in triple if isinstance(t, URIRef)}
    assert iris and not [i for i in iris if IRI_UNSAFE.search(str(i))]
    data_iris = {i for i in iris if str(i).startswith(DATA)}
    assert all(re.fullmatch(r"[A-Za-z0-9%._~/-]+", str(i)[len(DATA):]) for i in data_iris)
    assert node_iri(ODD_ID) in data_iris

    labels = {str(o) for p in (ns.SKOS.prefLabel, ns.SKOS.altLabel) for o in parsed.objects(None, p)}
    assert {HOSTILE, NON_ASCII, '"COCO\\val"""'} <= labels
    papers = list(parsed.subjects(ns.RDF.type, KG.Paper))
    assert len(papers) == 1
    assert str(parsed.value(papers[0], ns.DCTERMS.title)) == f'<script>alert("x")</script>\n{HOSTILE}'
    assert str(parsed.value(papers[0], KG.abstract)).endswith('\r\nby 3 points"')
    assert parsed.value(papers[0], ns.SDO.url) == URIRef("https://example.org/a%20b%3Cc%3E%22d%22?q=é")
    assert {str(o) for o in parsed.objects(None, KG.margin)} == {'3 "points"'}


def test_numbers_have_xsd_datatypes(sample_graph: nx.MultiDiGraph) -> None:
    rdf = _parse_turtle(serialize(sample_graph))
    confidences = list(rdf.objects(None, KG.confidence))
    offsets = list(rdf.objects(None, KG.evidenceStart)) + list(rdf.objects(None, KG.evidenceEnd))
    assert confidences and all(c.datatype == ns.XSD.decimal for c in confidences)
    assert {c.toPython() for c in confidences} == {Decimal("0.5"), Decimal("0.8"), Decimal("0.9")}
    assert offsets and all(o.datatype == ns.XSD.integer for o in offsets)
    assert set(rdf.objects(None, ns.DCTERMS.date)) == {Literal("2025-01-02", datatype=ns.XSD.date)}


def test_cached_literals_keep_values_that_compare_equal_apart() -> None:
    """Literals of numbers are cached (they recur on every mention); values Python counts as equal
    but that are written differently must not share a cached literal."""
    assert (_decimal(0.0).value, _decimal(-0.0).value, _decimal(1).value, _decimal(True).value) == ("0.0", "-0.0", "1.0", "1.0")
    assert _decimal(1e-7).value == "0.0000001"  # xsd:decimal has no exponent
    assert (_integer(1).value, _integer(True).value, _integer(1.0).value) == ("1", "1", "1")


def test_standard_super_terms_are_written_for_consumers_without_a_reasoner(sample_graph: nx.MultiDiGraph) -> None:
    rdf = to_rdf(sample_graph)
    paper = node_iri("paper:foo-net-a-test-network")
    assert (paper, ns.RDF.type, ns.SDO.ScholarlyArticle) in rdf
    for claim in rdf.subjects(ns.RDF.type, KG.Claim):
        assert rdf.value(claim, ns.PROV.wasDerivedFrom) == rdf.value(claim, KG.statedIn)
        assert (claim, ns.RDF.type, ns.PROV.Entity) in rdf
    assert (paper, ns.SDO.mentions, node_iri("method:resnet")) in rdf


def test_unknown_types_are_refused_and_leave_the_old_file(tmp_path: Path, sample_graph: nx.MultiDiGraph) -> None:
    target = tmp_path / "graph.ttl"
    write_turtle(sample_graph, target)
    before = target.read_bytes()
    assert before == serialize(sample_graph).encode("utf-8")
    broken = sample_graph.copy()
    broken.add_edge("method:fn", "method:resnet", key="cites", type="cites")
    with pytest.raises(ValueError, match="cites"):
        write_turtle(broken, target)
    assert target.read_bytes() == before
    assert list(tmp_path.iterdir()) == [target]
    odd_node = sample_graph.copy()
    odd_node.add_node("dataset:x", type="Dataset", label="x", aliases=[])
    with pytest.raises(ValueError, match="Dataset"):
        to_rdf(odd_node)


def test_evidence_is_queryable_with_plain_sparql(sample_graph: nx.MultiDiGraph) -> None:
    store = ox.Store()
    store.load(serialize(sample_graph).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    query = """
        PREFIX kg: <https://w3id.org/kgraph/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?loser ?sentence ?fieldText WHERE {
            ?claim kg:winner/skos:prefLabel "FN" ; kg:loser/skos:prefLabel ?loser ; kg:evidenceText ?sentence ;
                   kg:evidenceField ?field ; kg:evidenceStart ?s ; kg:evidenceEnd ?e ; prov:wasDerivedFrom ?paper .
            ?paper ?field ?text .
            BIND (SUBSTR(?text, ?s + 1, ?e - ?s) AS ?fieldText)
        }"""
    rows = [(r["loser"].value, r["sentence"].value, r["fieldText"].value) for r in store.query(query)]
    sentence = "FN outperforms ResNet by 2.1 top-1 accuracy on ImageNet."
    assert rows == [("ResNet", sentence, sentence)]


# ---------------------------------------------------------------------------------------------
# Ontology and shapes


def _ontology() -> Graph:
    return Graph().parse(data=ONTOLOGY.read_text("utf-8"), format="turtle")


def _declared_terms(ontology: Graph) -> set[URIRef]:
    kinds = (ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty, ns.OWL.AnnotationProperty,
             ns.OWL.NamedIndividual)  # the curation statuses (kg:Accepted, ...)
    return {s for kind in kinds for s in ontology.subjects(ns.RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(str(KG))}


def test_ontology_documents_every_term_it_declares() -> None:
    ontology = _ontology()
    terms = _declared_terms(ontology)
    expected = {KG.Paper, KG.Method, KG.Benchmark, KG.Metric, KG.Organization, KG.Claim, KG.Mention,
                KG.outperforms, KG.winner, KG.loser, KG.confidence, KG.evidenceStart, KG.mentionOf, KG.relation}
    assert expected <= terms
    documented = {t for t in terms if ontology.value(t, ns.RDFS.label) and ontology.value(t, ns.RDFS.comment)}
    undocumented = sorted(terms - documented)
    assert undocumented == []
    kg_subjects = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KG))}
    assert kg_subjects == terms  # nothing described without being declared
    assert (KG.Paper, ns.RDFS.subClassOf, ns.SDO.ScholarlyArticle) in ontology
    assert (KG.statedIn, ns.RDFS.subPropertyOf, ns.PROV.wasDerivedFrom) in ontology


def _kg_terms(rdf: Graph) -> set[URIRef]:
    return {t for triple in rdf for t in triple if isinstance(t, URIRef) and str(t).startswith(str(KG))}


def test_export_and_shapes_use_only_declared_terms(sample_graph: nx.MultiDiGraph) -> None:
    declared = _declared_terms(_ontology())
    used = _kg_terms(to_rdf(sample_graph))
    assert KG.outperforms in used and used - declared == set()
    in_shapes = _kg_terms(Graph().parse(data=SHAPES.read_text("utf-8"), format="turtle"))
    assert KG.Claim in in_shapes and in_shapes - declared == set()


@pytest.mark.parametrize("fixture", ["sample_graph", "hostile_graph"])
def test_export_conforms_to_the_shapes(fixture: str, request: pytest.FixtureRequest) -> None:
    conforms, violations, report = _validate(to_rdf(request.getfixturevalue(fixture)))
    assert conforms and not violations, report


def _first(rdf: Graph, cls: URIRef) -> URIRef:
    return sorted(rdf.subjects(ns.RDF.type, cls))[0]


def _drop_loser(rdf: Graph) -> None:
    rdf.remove((_first(rdf, KG.Claim), KG.loser, None))


def _second_pref_label(rdf: Graph) -> None:
    rdf.add((node_iri("method:fn"), ns.SKOS.prefLabel, Literal("Foo-Net")))


def _confidence_above_one(rdf: Graph) -> None:
    claim = _first(rdf, KG.Claim)
    rdf.set((claim, KG.confidence, Literal(Decimal("1.5"))))


def _offset_as_string(rdf: Graph) -> None:
    claim = _first(rdf, KG.Claim)
    rdf.set((claim, KG.evidenceStart, Literal(str(rdf.value(claim, KG.evidenceStart)))))


def _offsets_shifted(rdf: Graph) -> None:
    claim = next(rdf.subjects(KG.winner, node_iri("method:fn")))
    rdf.set((claim, KG.evidenceStart, Literal(rdf.value(claim, KG.evidenceStart).toPython() + 1)))


def _untitled_paper(rdf: Graph) -> None:
    rdf.remove((node_iri("paper:2401.00001"), ns.DCTERMS.title, None))


def _winner_is_loser(rdf: Graph) -> None:
    claim = _first(rdf, KG.Claim)
    rdf.set((claim, KG.loser, rdf.value(claim, KG.winner)))


def _shortcut_missing(rdf: Graph) -> None:
    rdf.remove((None, KG.outperforms, None))


def _mention_without_direct_triple(rdf: Graph) -> None:
    rdf.remove((None, KG.usesMetric, None))


BREAKAGES = {
    "drop_loser": (_drop_loser, ("MinCountConstraintComponent", KG.loser)),
    "second_pref_label": (_second_pref_label, ("MaxCountConstraintComponent", ns.SKOS.prefLabel)),
    "confidence_above_one": (_confidence_above_one, ("MaxInclusiveConstraintComponent", KG.confidence)),
    "offset_as_string": (_offset_as_string, ("DatatypeConstraintComponent", KG.evidenceStart)),
    "offsets_shifted": (_offsets_shifted, ("SPARQLConstraintComponent",
                                           "the evidence offsets do not point at the evidence text in the paper's "
                                           "field")),
    "untitled_paper": (_untitled_paper, ("MinCountConstraintComponent", ns.DCTERMS.title)),
    "winner_is_loser": (_winner_is_loser, ("DisjointConstraintComponent", KG.winner)),
    "shortcut_missing": (_shortcut_missing, ("SPARQLConstraintComponent",
                                             "the winner has no kg:outperforms link to the loser")),
    "mention_without_direct_triple": (_mention_without_direct_triple, ("SPARQLConstraintComponent",
                                      "the paper has no direct kg:relation triple to the mentioned entity")),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_broken_export_does_not_conform(sample_graph: nx.MultiDiGraph, name: str) -> None:
    breakage, (component, detail) = BREAKAGES[name]
    rdf = to_rdf(sample_graph)
    breakage(rdf)
    conforms, violations, report = _validate(rdf)
    assert not conforms
    assert (component, str(detail)) in violations, report


def test_a_margin_is_also_a_typed_number_with_its_unit_that_sparql_sorts(sample_graph: nx.MultiDiGraph) -> None:
    rdf = _parse_turtle(serialize(sample_graph))
    assert {(v.toPython(), v.datatype) for v in rdf.objects(None, KG.value)} == {(Decimal("2.1"), ns.XSD.decimal)}
    assert set(rdf.objects(None, KG.unit)) == {Literal("points")}
    rows = rdf.query("PREFIX kg: <https://w3id.org/kgraph/ontology#> "
                     "SELECT ?margin ?value WHERE { ?c kg:margin ?margin ; kg:value ?value } ORDER BY DESC(?value)")
    assert [(str(m), v.toPython()) for m, v in rows] == [("2.1", Decimal("2.1"))]


def test_a_variant_entity_is_skos_narrower_than_its_family() -> None:
    evidence = Evidence("On ImageNet-1K.", 0, 15)
    paper = Paper("P", "On ImageNet-1K.")
    extraction = Extraction(paper.key, benchmarks=[Mention("ImageNet-1K", "benchmark", evidence, 3, 14, "test", 0.9,
                                                           family="ImageNet")])
    rdf = _parse_turtle(serialize(build_graph([paper], {paper.key: extraction}, resolve([extraction]))))
    assert set(rdf.subject_objects(ns.SKOS.broader)) == {(URIRef(DATA + "benchmark/imagenet-1k"),
                                                          URIRef(DATA + "benchmark/imagenet"))}
