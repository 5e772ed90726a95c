"""IRIs that last: an entity keeps its IRI across rebuilds, ``--update`` and new spellings (the
IRI registry, ``.kgraph/iris.json``); merged entities' retired IRIs stay resolvable; sources
are recorded without the building machine's directories."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from conftest import CORPUS
from rdflib import OWL, RDF, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS

from kgraph.build import build
from kgraph.cli import main
from kgraph.errors import InputError
from kgraph.folder import BuildFolder
from kgraph.graph import entity_attrs
from kgraph.model import Names, Paper
from kgraph.rdf import DATA, KG, rdf_triples
from kgraph.resolve import NameTally, Registry

OUTPUTS = ("papers.jsonl", "graph.ttl", "graph.html")
ENTITY_CLASSES = [KG.Method, KG.Benchmark, KG.Metric, KG.Organization]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def _foo_papers() -> tuple[list[Paper], list[Paper]]:
    """Papers that write "Foo-Net", then more that write "FooNet": the majority spelling flips."""
    first = [Paper(f"Foo-Net for images ({n})", "We propose Foo-Net, a network for image classification. "
                   "Foo-Net outperforms ResNet-50 by 2.1 points on ImageNet.") for n in range(2)]
    first += [Paper(f"Zed networks ({n})", f"We propose Zed{n}Net. Zed{n}Net outperforms ResNet-50 on CIFAR-10.")
              for n in range(8)]
    new = [Paper(f"Gadgets for images ({n})", f"We propose Gadget{n}Net, a network for image classification. "
                 f"Gadget{n}Net outperforms FooNet by 1.5 points on ImageNet.") for n in range(5)]
    return first, new


def test_an_entity_keeps_its_iri_when_its_majority_spelling_flips(tmp_path):
    """Its label becomes the new majority spelling, its IRI stays; papers naming it are not
    rewritten for it; a fresh build given the registry (``--iris``) writes the same bytes."""
    first, new = _foo_papers()
    out = tmp_path / "out"
    build(first, out, jobs=1)
    report = build(first + new, out, jobs=1)
    assert report.names_parsed == report.rewritten == len(new)
    rdf = Graph().parse(out / "graph.ttl", format="turtle")
    foo = URIRef(DATA + "method/foo-net")
    assert str(rdf.value(foo, SKOS.prefLabel)) == "FooNet" and (foo, SKOS.altLabel, None) in rdf
    assert not re.search(r"method:foonet\b", (out / "graph.ttl").read_text(encoding="utf-8"))
    registry = shutil.copy(BuildFolder(out).iris, tmp_path / "iris.json")
    build(first + new, tmp_path / "fresh", jobs=1, iris=Path(registry))
    assert _outputs(tmp_path / "fresh") == _outputs(out)
    build(first + new, tmp_path / "unseeded", jobs=1)  # without it, the majority spelling names the entity
    assert "method:foonet" in (tmp_path / "unseeded" / "graph.ttl").read_text(encoding="utf-8")


def test_a_damaged_registry_is_an_error_not_new_iris(tmp_path):
    first, _ = _foo_papers()
    out = tmp_path / "out"
    build(first, out, jobs=1)
    BuildFolder(out).iris.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="IRI registry"):
        build(first, out, jobs=1)
    with pytest.raises(InputError, match="IRI registry"):
        build(first, tmp_path / "other", jobs=1, iris=tmp_path / "missing.json")


def _names(paper: str, *names: str, aliases: list[list[str]] = ()) -> Names:
    return Names(paper, [["method", name] for name in names], [list(a) for a in aliases], [])


def test_merged_entities_keep_the_heavier_iri_and_the_other_resolves_to_it():
    """Two entities later found to be one (a paper defines one name as the other's
    abbreviation): the one named more often keeps its IRI, the other is retired into it and
    written as ``owl:sameAs`` and ``dcterms:replaces`` of the survivor, in this and later builds."""
    tally = NameTally()
    tally.add(_names("a", "Skeleton Sequence Learner"))
    tally.add(_names("b", "Skeleton Sequence Learner"))
    tally.add(_names("c", "SSLR"))
    before = tally.resolution()
    assert set(before.entities) == {"method:skeleton-sequence-learner", "method:sslr"}
    tally.add(_names("d", "Skeleton Sequence Learner", "SSLR",
                     aliases=[["method", "SSLR", "Skeleton Sequence Learner"]]))
    after = tally.resolution(Registry.from_json(before.registry.to_json()))
    survivor = after.entities["method:skeleton-sequence-learner"]
    assert list(after.entities) == [survivor.id] and survivor.replaces == ["method:sslr"]
    assert after.entity_id("method", "SSLR") == survivor.id
    assert after.registry.replaced == {"method:sslr": survivor.id}
    graph = nx.MultiDiGraph()
    graph.add_node(survivor.id, **entity_attrs(survivor))
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in rdf_triples(graph))
    old = f"<{DATA}method/sslr>"
    found = store.query(f"SELECT ?e WHERE {{ ?e <{OWL.sameAs}> {old} ; <{DCTERMS.replaces}> {old} }}")
    assert [row["e"].value for row in found] == [DATA + "method/skeleton-sequence-learner"]
    # a later resolution still says so, and never mints the retired id again
    tally.add(_names("e", "sslr"))
    later = tally.resolution(after.registry)
    assert later.entities[survivor.id].replaces == ["method:sslr"] and "method:sslr" not in later.entities


def test_a_split_entity_keeps_its_iri_for_the_larger_part():
    """When names once resolved as one entity no longer are, the part holding most of the
    entity's names keeps its IRI and the other gets a new one (never a retired or earlier one)."""
    tally = NameTally()
    tally.add(_names("a", "Skeleton Sequence Learner", aliases=[["method", "SSLR", "Skeleton Sequence Learner"]]))
    tally.add(_names("b", "Skeleton Sequence Learner", "SSLR"))
    before = tally.resolution()
    assert list(before.entities) == ["method:skeleton-sequence-learner"]
    tally.remove(_names("a", "Skeleton Sequence Learner", aliases=[["method", "SSLR", "Skeleton Sequence Learner"]]))
    tally.add(_names("c", "Skeleton Sequence Learner"))
    after = tally.resolution(before.registry)
    assert after.entity_id("method", "Skeleton Sequence Learner") == "method:skeleton-sequence-learner"
    assert after.entity_id("method", "SSLR") == "method:sslr"


CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.mark.skipif(len(CORPUS_FILES) < 2, reason=f"shared corpus not found at {CORPUS}")
def test_update_with_a_second_listing_keeps_every_entity_iri(tmp_path):
    """The issue's scenario: build listing 000, then ``--update`` with listing 001. Every entity
    IRI of the first build is still there with the same type and names, or (merged) resolves by
    ``owl:sameAs`` to one that is."""
    out = tmp_path / "out"
    assert main(["build", str(CORPUS_FILES[0]), "-o", str(out), "-j", "1"]) == 0
    before = Graph().parse(out / "graph.ttl", format="turtle")
    assert main(["build", str(CORPUS_FILES[1]), "--update", str(out), "-j", "1"]) == 0
    after = Graph().parse(out / "graph.ttl", format="turtle")
    checked = 0
    for cls in ENTITY_CLASSES:
        for entity in before.subjects(RDF.type, cls):
            now = entity if (entity, RDF.type, cls) in after else after.value(None, OWL.sameAs, entity)
            assert now is not None and (now, RDF.type, cls) in after, entity
            labels = set(after.objects(now, SKOS.prefLabel)) | set(after.objects(now, SKOS.altLabel))
            assert before.value(entity, SKOS.prefLabel) in labels, entity
            checked += 1
    assert checked > 50


def test_sources_name_no_directory_of_the_building_machine(tmp_path, monkeypatch):
    """The same input in two directories, named by absolute path or from inside its directory:
    byte-identical outputs, and no directory of either in them."""
    listing = Path(__file__).resolve().parents[2] / "examples" / "listing.txt"
    folders = []
    for where, named in (("one", "absolute"), ("two", "relative")):
        here = tmp_path / where / "inputs"
        here.mkdir(parents=True)
        shutil.copy(listing, here / "listing.txt")
        monkeypatch.chdir(here)
        path = str(here / "listing.txt") if named == "absolute" else "listing.txt"
        assert main(["build", path, "-o", str(tmp_path / where / "out"), "-j", "1"]) == 0
        folders.append(tmp_path / where / "out")
    assert _outputs(folders[0]) == _outputs(folders[1])
    for name, data in _outputs(folders[0]).items():
        assert str(tmp_path).encode() not in data, name
    assert b'"listing.txt:' in (folders[0] / "graph.ttl").read_bytes()
    assert os.sep + "inputs" not in (folders[0] / "papers.jsonl").read_text(encoding="utf-8")
