"""A split: a curator says that in one paper a name means another entity than in the others ("SD"
is speculative decoding in one paper, Stable Diffusion in another). Builds in this process: the
split paper's mentions and claims get a new entity with its own IRI, the other papers keep theirs,
and the split survives a rebuild, ``--update`` and an extractor upgrade like any decision."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
import rdflib

from kgraph import cli
from kgraph.build import build, state
from kgraph.curate.decisions import about, append_decisions
from kgraph.curate.ledger import Ledger
from kgraph.ingest import read_papers
from kgraph.model import Evidence, Extraction, Mention
from kgraph.query.validate import validate_graph
from kgraph.rdf import KG
from kgraph.resolve import NameTally, resolve
from kgraph.saved import read_saved

AT = "2026-12-07T07:00:00Z"
SPECULATIVE = "Faster Speculative Decoding with Draft Trees"
PAPERS = [
    {"title": SPECULATIVE, "abstract": "We propose TreeDraft, a draft-tree method for speculative decoding (SD). "
                                      "TreeDraft outperforms SD by 2.1x in speed on MT-Bench."},
    {"title": "Latent Image Editing with Masks",
     "abstract": "We propose MaskEdit, an image editing method. MaskEdit outperforms SD on COCO by 3.2 FID."},
]


def _input(folder: Path, papers: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "in.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in papers))
    return path


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("split-plain")
    build(read_papers([_input(out / "input", PAPERS)]), out)
    return out


def _split(plain: Path, label: str = "Stable Diffusion", name: str = "SD"):
    """The decision: in the image-editing paper, the baseline "SD" is ``label``."""
    saved, extractions = read_saved(plain)
    paper = next(p for p in saved if p.title != SPECULATIVE)
    mention = next(m for m in extractions[paper.key].baselines if m.name == "SD")
    decision = about(paper, "baselines", mention, "correct", "Ada", AT, {"split_as": label})
    return dataclasses.replace(decision, name=name)


def _sd(folder: Path) -> dict[str, str]:
    """Paper title -> the IRI of the entity its "SD" mention is of."""
    graph = rdflib.Graph().parse(folder / "graph.ttl")
    return {str(graph.value(graph.value(m, KG.inPaper), rdflib.DCTERMS.title)): str(graph.value(m, KG.mentionOf))
            for m in graph.subjects(KG.surfaceForm, rdflib.Literal("SD"))}


def _losers(folder: Path) -> set[str]:
    graph = rdflib.Graph().parse(folder / "graph.ttl")
    return {str(graph.value(c, KG.loser)) for c in graph.subjects(rdflib.RDF.type, KG.Claim)}


@pytest.fixture(scope="module")
def split(tmp_path_factory, plain) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("split")
    shutil.copytree(plain, out, dirs_exist_ok=True)
    append_decisions(out / "curation.jsonl", [_split(plain)])
    report = build(read_papers([out / "input" / "in.jsonl"]), out, curation=Ledger.read(out / "curation.jsonl"))
    return out, report


def test_the_name_gets_its_own_entity_in_its_paper_only(plain, split):
    out, report = split
    before, after = _sd(plain), _sd(out)
    assert len(set(before.values())) == 1  # before: one "SD", speculative decoding, in both papers
    assert report.curation.applied == 1 and report.curation.orphans == []
    assert after[SPECULATIVE] == before[SPECULATIVE]  # the other paper keeps its entity and IRI
    (new,) = set(after.values()) - {before[SPECULATIVE]}
    assert new.endswith("/stable-diffusion")
    graph = rdflib.Graph().parse(out / "graph.ttl")
    assert str(graph.value(rdflib.URIRef(new), rdflib.SKOS.prefLabel)) == "Stable Diffusion"
    # the claim of the split paper that names "SD" is about the new entity; no claim is about the old one now
    assert new in _losers(out) and before[SPECULATIVE] in _losers(plain) - _losers(out)
    (mention,) = graph.subjects(KG.machineEntity, rdflib.Literal("SD"))
    assert graph.value(mention, KG.curationStatus) == KG.Corrected and str(graph.value(mention, KG.mentionOf)) == new
    assert validate_graph(out, None, 10)[1] == []


def test_an_incremental_build_is_a_fresh_one_and_undoing_the_split_undoes_it(split, plain, tmp_path):
    out, _ = split
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "input", fresh / "input")
    shutil.copy(out / "curation.jsonl", fresh / "curation.jsonl")
    build(read_papers([fresh / "input" / "in.jsonl"]), fresh, curation=Ledger.read(fresh / "curation.jsonl"))
    assert (fresh / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    (fresh / "curation.jsonl").write_text("")
    build(read_papers([fresh / "input" / "in.jsonl"]), fresh, curation=Ledger.read(fresh / "curation.jsonl"))
    assert (fresh / "graph.ttl").read_bytes() == (plain / "graph.ttl").read_bytes()


def test_the_split_survives_a_rebuild_and_an_extractor_upgrade(split, tmp_path, monkeypatch):
    out, _ = split
    shutil.copytree(out, tmp_path / "b")
    papers = read_papers([tmp_path / "b" / "input" / "in.jsonl"])
    build(papers, tmp_path / "b", curation=Ledger.read(tmp_path / "b" / "curation.jsonl"))
    assert (tmp_path / "b" / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    monkeypatch.setattr(state, "extractor_version", lambda: "another-version")
    report = build(papers, tmp_path / "b", curation=Ledger.read(tmp_path / "b" / "curation.jsonl"))
    assert report.curation.applied == 1 and report.curation.orphans == []
    assert (tmp_path / "b" / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_the_split_survives_update_with_a_new_paper(split, tmp_path, capsys):
    out, _ = split
    shutil.copytree(out, tmp_path / "b")
    extra = _input(tmp_path / "more", [{"title": "Draft Heads", "abstract": "DraftHead outperforms SD on MT-Bench."}])
    assert cli.main(["build", "--update", str(tmp_path / "b"), str(extra), "-j", "1"]) == 0
    assert "1 applied" in capsys.readouterr().out
    after, before = _sd(tmp_path / "b"), _sd(out)
    assert after[SPECULATIVE] == before[SPECULATIVE] == after["Draft Heads"]  # the new paper's SD: the old entity
    assert after["Latent Image Editing with Masks"] == before["Latent Image Editing with Masks"]


def test_a_split_whose_mention_is_gone_is_an_orphan(plain, tmp_path):
    shutil.copytree(plain, tmp_path / "b")
    append_decisions(tmp_path / "b" / "curation.jsonl", [_split(plain, name="SDXL")])
    report = build(read_papers([tmp_path / "b" / "input" / "in.jsonl"]), tmp_path / "b",
                   curation=Ledger.read(tmp_path / "b" / "curation.jsonl"))
    assert report.curation.applied == 0
    assert [why for _, why, _ in report.curation.orphans] == ["its fact is no longer extracted"]
    assert _sd(tmp_path / "b") == _sd(plain)


@pytest.mark.parametrize(("change", "message"), [
    ({"set": {"split_as": ""}}, "'set' cannot make 'split_as' empty"),
    ({"set": {"split_as": "s-d"}}, "'split_as' must name another entity than the mention's name"),
    ({"set": {"split_as": " -- "}}, "'split_as' must hold a letter or a digit"),
    ({"action": "add", "set": {"name": "SD", "split_as": "Stable Diffusion"}}, "'split_as' is for correct, not add"),
    ({"set": {"split_as": "Stable Diffusion", "same_as": "Imagen"}}, "cannot be given together"),
    ({"fact": "claim", "winner": "MaskEdit", "loser": "SD"}, "'set' cannot give 'split_as' to a claim fact"),
])
def test_a_bad_split_is_one_error(plain, tmp_path, capsys, change, message):
    shutil.copytree(plain, tmp_path / "b")
    line = {k: v for k, v in {**_split(plain).to_dict(), **change}.items() if k != "name" or "winner" not in change}
    (tmp_path / "b" / "curation.jsonl").write_text(json.dumps(line) + "\n")
    before = (tmp_path / "b" / "graph.ttl").read_bytes()
    assert cli.main(["build", str(tmp_path / "b" / "input" / "in.jsonl"), "-o", str(tmp_path / "b"), "-j", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(f"kgraph: error: {tmp_path / 'b' / 'curation.jsonl'}:1: ")
    assert message in err and (tmp_path / "b" / "graph.ttl").read_bytes() == before


def test_a_split_binds_the_name_in_its_paper_and_keeps_the_tally_format():
    def mention(name: str, split_as: str | None = None) -> Mention:
        return Mention(name, "method", Evidence(name, 0, len(name)), 0, len(name), "r", 1.0, split_as=split_as)

    one = Extraction("a", baselines=[mention("SD")])
    two = Extraction("b", baselines=[mention("SD", "Stable Diffusion")])
    resolution = resolve([one, two, Extraction("c", baselines=[mention("stable diffusion")])])
    assert resolution.entity_id("method", "SD", "a") != resolution.entity_id("method", "SD", "b") \
        == resolution.entity_id("method", "Stable Diffusion", "c")  # the label's entity, wherever it is named
    split_entity = resolution.entities[resolution.entity_id("method", "SD", "b")]
    assert "SD" in split_entity.aliases  # a search for "SD" finds what it names in paper b too
    assert resolution.entities[resolution.entity_id("method", "SD", "a")].aliases == []
    tally = NameTally()
    tally.add(one.names())
    assert json.loads(one.names().to_json()) == json.loads(one.names().to_json())[:5]  # no splits: as before
    old = json.dumps(json.loads(tally.to_json())[:5])  # a tally saved before splits existed
    tally.add(two.names())
    again = NameTally.from_json(old)
    again.add(two.names())
    assert again.resolution().to_plain() == tally.resolution().to_plain() == NameTally.from_json(
        tally.to_json()).resolution().to_plain()
