"""Claims that last: a claim keeps its IRI when its sentence is read again (by a new extractor,
after a merge of its entities), and where its values changed it is ``prov:wasRevisionOf`` a node
holding the earlier ones (docs/rdf.md, "IRIs and their lifetime")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef

from kgraph.build import build, state
from kgraph.cli import main
from kgraph.extract import paper as extract_paper_module
from kgraph.folder import BuildFolder
from kgraph.graph import build_graph, claim_identities
from kgraph.model import Claim, Evidence, Extraction, Paper
from kgraph.rdf import DATA, KG, rdf_triples
from kgraph.resolve import resolve

PROV = Namespace("http://www.w3.org/ns/prov#")
OUTPUTS = ("papers.jsonl", "graph.ttl", "graph.html")
GRID = Paper("GridNet for images", "We propose GridNet, a network for image classification. GridNet outperforms "
             "ResNet-50 by 2.1 points on ImageNet. GridNet also outperforms ViT-B on CIFAR-10.")
QUICK = Paper("QuickNet", "We propose QuickNet. QuickNet is faster and more accurate than SlowNet on ImageNet.")


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def _graph(folder: Path) -> Graph:
    return Graph().parse(folder / "graph.ttl", format="turtle")


def _claims(folder: Path) -> dict[tuple[str, str], URIRef]:
    """(winner, loser) label slugs -> the claim's IRI."""
    rdf = _graph(folder)
    return {(str(rdf.value(c, KG.winner)).rsplit("/", 1)[1], str(rdf.value(c, KG.loser)).rsplit("/", 1)[1]): c
            for c in rdf.subjects(RDF.type, KG.Claim)}


def _another_extractor(monkeypatch, version: str, change) -> None:
    """A new extractor (``version``): the facts of today's, each claim passed through ``change``."""
    real = extract_paper_module.extract_paper

    def extract(paper: Paper, disabled: tuple[str, ...] = ()) -> Extraction:
        extraction = real(paper, disabled)
        extraction.claims = [new for claim in extraction.claims for new in change(claim)]
        return extraction

    monkeypatch.setattr(extract_paper_module, "extract_paper", extract)
    monkeypatch.setattr(state, "extractor_version", lambda: version)


def _margin(margin: str, value: float):
    def change(claim: Claim) -> list[Claim]:
        if claim.margin is not None:
            claim.margin, claim.margin_value = margin, value
        return [claim]
    return change


def test_a_changed_margin_keeps_the_iri_and_records_the_old_one(tmp_path, monkeypatch):
    """The margin read otherwise: the same claim IRI with the new margin, one ``prov:wasRevisionOf``
    a version holding the old one; the unchanged claim gets none; the history outlives a no-op
    rebuild, a rebuild without the cache or the index (byte-identical), ``--update`` and another
    change (a chain, latest first), and the graph conforms to the shapes."""
    out = tmp_path / "out"
    build([GRID], out, jobs=1)
    before = _claims(out)
    _another_extractor(monkeypatch, "margins-2", _margin("2.4 points", 2.4))
    assert build([GRID], out, jobs=1).extracted == 1
    rdf = _graph(out)
    assert _claims(out) == before
    claim = before[("gridnet", "resnet-50")]
    assert rdf.value(claim, KG.margin) == Literal("2.4 points")
    revisions = list(rdf.subject_objects(PROV.wasRevisionOf))
    assert revisions == [(claim, URIRef(f"{claim}-v1"))]
    old = URIRef(f"{claim}-v1")
    assert (old, RDF.type, KG.ClaimVersion) in rdf and rdf.value(old, KG.margin) == Literal("2.1 points")
    assert str(rdf.value(old, KG.winnerName)) == "GridNet" and rdf.value(old, PROV.wasDerivedFrom) is not None
    kept = _outputs(out)
    assert build([GRID], out, jobs=1).rewritten == 0 and _outputs(out) == kept
    report = build([GRID], out, jobs=1, use_cache=False)  # no index, no cache: the lines are read for history
    assert report.extracted == 1 and _outputs(out) == kept
    other = Paper("ZedNet", "We propose ZedNet. ZedNet outperforms ResNet-50 on CIFAR-10.")
    build([GRID, other], out, jobs=1)
    assert (claim, PROV.wasRevisionOf, old) in _graph(out)
    _another_extractor(monkeypatch, "margins-3", _margin("2.6 points", 2.6))
    build([GRID, other], out, jobs=1)
    rdf = _graph(out)
    newer = URIRef(f"{claim}-v2")
    assert set(rdf.subject_objects(PROV.wasRevisionOf)) == {(claim, newer), (newer, old)}
    assert rdf.value(newer, KG.margin) == Literal("2.4 points") and rdf.value(old, KG.margin) == Literal("2.1 points")
    assert main(["validate", str(out)]) == 0


def test_a_new_extractor_reading_the_same_claims_adds_no_revision(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([GRID, QUICK], out, jobs=1)
    kept = _outputs(out)
    _another_extractor(monkeypatch, "same-facts", lambda claim: [claim])
    assert build([GRID, QUICK], out, jobs=1).extracted == 2
    assert _outputs(out) == kept
    assert not list(_graph(out).subject_objects(PROV.wasRevisionOf))


def test_a_changed_metric_keeps_the_iri_and_a_second_metric_is_a_second_claim(tmp_path, monkeypatch):
    """A metric found where there was none: the same claim, its old version without a metric. A
    second metric found in the same sentence ("faster and more accurate"): a second claim, with an
    IRI of its own, the first keeping its IRI."""
    out = tmp_path / "out"
    build([QUICK], out, jobs=1)
    (claim,) = _claims(out).values()

    def accurate(found: Claim) -> list[Claim]:
        found.metric = "accuracy"
        return [found]

    _another_extractor(monkeypatch, "metric", accurate)
    build([QUICK], out, jobs=1)
    rdf = _graph(out)
    assert list(rdf.subjects(RDF.type, KG.Claim)) == [claim]
    assert str(rdf.value(claim, KG.withMetric)).endswith("/metric/accuracy")
    old = rdf.value(claim, PROV.wasRevisionOf)
    assert old is not None and rdf.value(old, KG.metricName) is None and rdf.value(old, KG.winnerName) is not None

    def two_metrics(found: Claim) -> list[Claim]:
        return [accurate(found)[0], Claim(**{**vars(found), "metric": "speed", "revisions": None})]

    _another_extractor(monkeypatch, "two-metrics", two_metrics)
    build([QUICK], out, jobs=1)
    rdf = _graph(out)
    claims = set(rdf.subjects(RDF.type, KG.Claim))
    assert len(claims) == 2 and claim in claims
    assert {str(rdf.value(c, KG.withMetric)).rsplit("/", 1)[1] for c in claims} == {"accuracy", "speed"}
    assert str(rdf.value(claim, KG.withMetric)).endswith("/metric/accuracy")


def _claim(metric: str | None, sentence: str = "QuickNet is faster and more accurate than SlowNet on ImageNet.",
           margin: str | None = None) -> Claim:
    return Claim("QuickNet", "SlowNet", Evidence(sentence, 20, 20 + len(sentence)), "rule", 0.8, "ImageNet", metric,
                 margin)


def test_claim_identities_need_the_metric_only_to_tell_two_claims_of_a_sentence_apart():
    alone, other_margin = claim_identities([_claim(None)]), claim_identities([_claim("speed", margin="2x")])
    assert alone == other_margin  # metric and margin are values of the claim, not its identity
    first, second = claim_identities([_claim("speed"), _claim("accuracy")])
    assert first == alone[0] and second != first
    assert claim_identities([_claim(None, "QuickNet beats SlowNet on ImageNet.")]) != alone  # another sentence
    extraction = Extraction("quicknet", claims=[_claim("speed"), _claim("accuracy")])
    paper = Paper("QuickNet", "We propose QuickNet. QuickNet is faster and more accurate than SlowNet on ImageNet.")
    rdf = rdf_triples(build_graph([paper], {paper.key: extraction}, resolve([extraction])))
    claims = {s.value for s, p, o in rdf if p.value == str(RDF.type) and o.value == str(KG.Claim)}
    assert len(claims) == 2


@pytest.fixture()
def merged(tmp_path) -> tuple[Path, URIRef, set[URIRef], list[Paper]]:
    """A build where SSLR is an entity of its own, then ``--update`` with a paper defining it as the
    abbreviation of Skeleton Sequence Learner (said more often): SSLR's IRI is retired into it."""
    first = [Paper("SSLR for actions", "We propose SSLR. SSLR outperforms ResNet-50 on NTU RGB+D.")]
    first += [Paper(f"Skeleton learning ({n})", "We propose Skeleton Sequence Learner. Skeleton Sequence Learner "
                    "outperforms ST-GCN on NTU RGB+D.") for n in range(3)]
    out = tmp_path / "out"
    build(first, out, jobs=1)
    sslr = _claims(out)[("sslr", "resnet-50")]
    before = set(_graph(out).subjects(RDF.type, KG.Claim))
    assert len(before) == 4
    papers = first + [Paper("Defining SSLR", "We propose Skeleton Sequence Learner (SSLR), a method for action "
                            "recognition.")]
    build(papers, out, jobs=1)
    return out, sslr, before, papers


def test_a_claim_whose_winner_was_merged_keeps_its_iri(merged):
    out, claim, before, _ = merged
    rdf = _graph(out)
    survivor = URIRef(DATA + "method/skeleton-sequence-learner")
    assert (survivor, OWL.sameAs, URIRef(DATA + "method/sslr")) in rdf
    assert rdf.value(claim, KG.winner) == survivor
    assert set(rdf.subjects(RDF.type, KG.Claim)) == before
    assert not list(rdf.subject_objects(PROV.wasRevisionOf))  # the claim did not change: an entity did


def test_a_fresh_build_with_the_exported_registry_reproduces_the_claim_iris(merged, tmp_path):
    out, _, _, papers = merged
    registry = shutil.copy(BuildFolder(out).iris, tmp_path / "iris.json")
    build(papers, tmp_path / "fresh", jobs=1, iris=Path(registry))
    assert _claims(tmp_path / "fresh") == _claims(out)
    assert _outputs(tmp_path / "fresh") == _outputs(out)
