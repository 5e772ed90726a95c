"""Incremental builds (in this process, one job) give the same outputs as a fresh build, doing only
the work the build report counts. Parallel, killed and distributed builds: tests/test_scale.py."""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import pyoxigraph as ox
import rdflib
from dated import dated_records

from kgraph import cli
from kgraph.build import Limits, build, engine, splice, state
from kgraph.build.rdf_phase import Chunking
from kgraph.build.cache import ExtractionCache
from kgraph.folder import BuildFolder
from kgraph.query.sources import read_store
from kgraph.ingest import merge_papers, read_papers
from kgraph.model import Paper, Source
from kgraph.rdf import DATA, KG, graph_triples
from kgraph.build.turtle_blocks import write_chunk, write_graph_ttl, written_blocks
from kgraph.extract import paper as extract_paper_module
from kgraph.saved import load_graph, saved_papers

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = [REPO / "examples" / "listing.txt", REPO / "examples" / "papers.jsonl"]
OUTPUTS = ("papers.jsonl", "graph.ttl", "graph.html")


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def copies(papers: list[Paper], count: int) -> list[Paper]:
    """``count`` distinct papers made from the given ones (titles numbered, abstracts kept)."""
    made = []
    for i in range(count):
        p = papers[i % len(papers)]
        made.append(Paper(title=f"{p.title} ({i})", abstract=p.abstract, sources=p.sources))
    return made


@pytest.fixture(scope="module")
def example_papers() -> list[Paper]:
    return read_papers(EXAMPLES)


# Worker pools even for a few papers, several RDF tasks and several store chunks.
SMALL = Limits(pool_min_papers=2, chunking=Chunking(rdf_batch=8, load_chunk=7))




def test_grown_input_extracts_only_new_papers_and_equals_a_fresh_build(tmp_path, example_papers):
    old, new = example_papers[:6], example_papers[6:]
    first = build(old, tmp_path / "grown", jobs=1)
    assert first.extracted == len(old)
    second = build(old + new, tmp_path / "grown", jobs=1)
    assert second.extracted == len(new)
    assert second.rewritten < len(old + new)  # unchanged papers keep their RDF
    build(old + new, tmp_path / "fresh", jobs=1)
    assert outputs(tmp_path / "grown") == outputs(tmp_path / "fresh")


@pytest.mark.parametrize("saved_tally", ["kept", "damaged", "of another papers.jsonl"])
def test_a_rebuild_counts_only_the_names_of_papers_it_did_not_have(tmp_path, example_papers, saved_tally):
    """The names the last build counted are saved with it; the next build takes out those of the
    papers it lost and counts those it gained, unless the saved tally cannot be trusted."""
    out, old, new = tmp_path / "out", example_papers[:7], example_papers[7:]
    build(old, out, jobs=1)
    tally = BuildFolder(out).name_tally
    if saved_tally == "damaged":
        tally.write_bytes(tally.read_bytes()[:-40])
    elif saved_tally == "of another papers.jsonl":
        shutil.copy(tally, tmp_path / "tally")
        build(old[:5], out, jobs=1)
        shutil.copy(tmp_path / "tally", tally)
    papers = old[2:] + new
    report = build(papers, out, jobs=1)
    assert report.names_counted == len(new if saved_tally == "kept" else papers)
    build(papers, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")


@pytest.mark.parametrize("saved_state", ["as saved", "of an earlier version"])
@pytest.mark.parametrize("near", ["", "as a benchmark"], ids=["alone", "named-as-a-benchmark-too"])
def test_a_rebuild_resolves_again_only_papers_that_name_what_resolves_otherwise(tmp_path, saved_state, near):
    """New papers make "FooNet" the commoner form of "Foo-Net", so its entity's label changes
    and, without the IRI registry (lost here), its id: the papers that name it are resolved again
    (their RDF rewritten), the others are taken as the last build found them, unless its
    state.json lacks what that needs. Which papers name what is known exactly (the name tally's
    index): a paper naming "Foo-Net" as a benchmark, or naming many other names, is not resolved
    again for it. (With the registry the id stays: ``test_an_entity_keeps_its_iri_...``.)"""
    foo = [Paper(f"Foo-Net for images ({n})", "We propose Foo-Net, a network for image classification. "
                 "Foo-Net outperforms ResNet-50 by 2.1 points on ImageNet.") for n in range(2)]
    other = [Paper(f"Zed networks ({n})", f"We propose Zed{n}Net. Zed{n}Net outperforms ResNet-50 on CIFAR-10."
                   + (" We also evaluate on the Foo-Net dataset." if near else ""))
             for n in range(8)]  # enough that the rebuild is incremental (under half changed)
    new = [Paper(f"Gadgets for images ({n})", f"We propose Gadget{n}Net, a network for image classification. "
                 f"Gadget{n}Net outperforms FooNet by 1.5 points on ImageNet.") for n in range(5)]
    out = tmp_path / "out"
    build(foo + other, out, jobs=1)
    assert re.search(r"method:foo-net\b", (out / "graph.ttl").read_text(encoding="utf-8"))
    BuildFolder(out).iris.unlink()
    if saved_state == "of an earlier version":
        saved = json.loads(BuildFolder(out).state.read_text(encoding="utf-8"))
        del saved["resolution"]
        BuildFolder(out).state.write_text(json.dumps(saved), encoding="utf-8")
    report = build(foo + other + new, out, jobs=1)
    assert report.names_counted == len(new)
    if saved_state == "as saved":
        assert report.names_parsed == len(foo + new)
        assert report.rewritten == len(foo + new)
    else:
        assert report.names_parsed == len(foo + other + new)
    build(foo + other + new, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")
    assert not re.search(r"method:foo-net\b", (out / "graph.ttl").read_text(encoding="utf-8"))


def test_unchanged_papers_lines_are_copied_from_the_last_papers_jsonl(tmp_path, example_papers, monkeypatch):
    """A rebuild copies the lines of papers read unchanged from the papers.jsonl it wrote, without
    reading their cache entries; a changed paper (here: read from another line) is written again."""
    out = tmp_path / "out"
    build(example_papers[:6], out, jobs=1)
    copied_from: list[Path] = []
    copy = splice.copy_range
    monkeypatch.setattr(splice, "copy_range", lambda source, target, start, end: (
        copied_from.append(Path(source.name)), copy(source, target, start, end)))
    moved = Paper(example_papers[0].title, example_papers[0].abstract, [Source("elsewhere.txt", 3)])
    papers = [moved, *example_papers[1:]]
    report = build(papers, out, jobs=1)
    assert report.extracted == len(example_papers) - 6
    assert out / "papers.jsonl" in copied_from
    assert (report.from_cache, report.lines_copied) == (1, 5)  # the moved paper's facts are read, the others copied
    build(papers, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")


@pytest.mark.parametrize("damage", ["missing", "not json", "other version", "short line", "bad number",
                                    "past the end", "negative length", "names of another paper", "places swapped",
                                    "papers.jsonl changed", "papers.jsonl touched"])
def test_an_index_of_papers_jsonl_that_cannot_be_trusted_is_not_used(tmp_path, example_papers, damage):
    """Where lines lie in papers.jsonl is read from the state folder; whatever is wrong with it, the
    build reads every paper from the cache instead, and writes what a fresh build writes."""
    out = tmp_path / "out"
    build(example_papers, out, jobs=1)
    index, saved = BuildFolder(out).papers_index, out / "papers.jsonl"
    header, *lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[0].split("\t")
    if damage == "missing":
        index.unlink()
    elif damage == "not json":
        index.write_text("{\n" + "".join(lines), encoding="utf-8")
    elif damage == "other version":
        index.write_text(header.replace('"version": "', '"version": "x'), encoding="utf-8")
    elif damage in ("short line", "bad number", "past the end", "negative length"):
        fields[1:3] = {"short line": ["0"], "bad number": ["zero", fields[2]],
                       "past the end": [str(saved.stat().st_size), fields[2]], "negative length": ["100", "-5"]}[damage]
        index.write_text(header + "\t".join(fields) + "".join(lines[1:]), encoding="utf-8")
    elif damage in ("names of another paper", "places swapped"):  # rows that parse, but lie
        other = lines[1].split("\t")
        taken = slice(4, 5) if damage == "names of another paper" else slice(1, 3)
        fields[taken], other[taken] = other[taken], fields[taken]
        index.write_text(header + "\t".join(fields) + "\t".join(other) + "".join(lines[2:]), encoding="utf-8")
    elif damage == "papers.jsonl changed":  # edited by hand, or by a build killed before it recorded where its lines lie
        saved.write_bytes(saved.read_bytes().replace(b"{", b"{ ", 1))
    else:  # same size, written again
        saved.write_bytes(saved.read_bytes())
    report = build(example_papers, out, jobs=1)
    assert (report.extracted, report.lines_copied, report.from_cache) == (0, 0, len(example_papers))
    build(example_papers, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")




@pytest.mark.parametrize("index", ["kept", "deleted"])
def test_update_takes_the_saved_papers_digests_from_the_index(tmp_path, monkeypatch, index):
    """``--update`` digests only the papers it reads anew: the saved ones' digests are those the
    build indexed (unless its index is gone), and the outputs are those of a fresh build."""
    listing, jsonl = read_papers(EXAMPLES[:1]), read_papers(EXAMPLES[1:])
    store = tmp_path / "store"
    assert cli.main(["build", str(EXAMPLES[0]), "-o", str(store), "-j", "1", "--no-cache"]) == 0
    if index == "deleted":
        BuildFolder(store).papers_index.unlink()
    digested: list[str] = []
    original = Paper.__dict__["digest"].func
    digest = functools.cached_property(lambda paper: digested.append(paper.key) or original(paper))
    digest.__set_name__(Paper, "digest")
    monkeypatch.setattr(Paper, "digest", digest)
    assert cli.main(["build", "--update", str(store), str(EXAMPLES[1]), "-j", "1", "--no-cache"]) == 0
    expected = jsonl if index == "kept" else listing + jsonl
    assert sorted(digested) == sorted(p.key for p in expected)
    monkeypatch.undo()
    build(listing + jsonl, tmp_path / "fresh", jobs=1)
    assert outputs(store) == outputs(tmp_path / "fresh")


def test_removed_paper_leaves_the_store(tmp_path, example_papers):
    build(example_papers, tmp_path / "out", jobs=1)
    build(example_papers[1:], tmp_path / "out", jobs=1)
    graph = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl")
    titles = {str(t) for t in graph.objects(None, rdflib.DCTERMS.title)}
    assert example_papers[0].title not in titles
    assert example_papers[1].title in titles
    assert example_papers[0].title not in {o.value for _, _, o in _store(tmp_path / "out")}


def _store(folder: Path) -> set[tuple]:
    store = ox.Store.read_only(str(BuildFolder(folder).store))
    return {(q.subject, q.predicate, q.object) for q in store}




@pytest.mark.parametrize("kernel_copy", ["works", "missing", "refused"])
def test_graph_ttl_copies_unchanged_blocks_from_the_file_it_wrote(tmp_path, example_papers, monkeypatch, kernel_copy):
    """Runs of unchanged papers are copied from the last graph.ttl, those of changed ones from the
    chunks the store loads (by the kernel, or read and written where it cannot), giving the bytes a
    fresh build writes; a file changed since it was written is not trusted: all Turtle is written again."""
    if kernel_copy == "missing":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    elif kernel_copy == "refused":  # as some file systems and sandboxes answer
        monkeypatch.setattr(os, "copy_file_range", lambda *args: (_ for _ in ()).throw(OSError(errno.EXDEV, "no")),
                            raising=False)
    copied_from: list[Path] = []
    copy = splice.copy_range
    monkeypatch.setattr(splice, "copy_range", lambda source, target, start, end: (
        copied_from.append(Path(source.name)), copy(source, target, start, end)))
    out = tmp_path / "out"
    for number, papers in enumerate((example_papers[:5], example_papers[4:] + example_papers[:4], example_papers[2:])):
        build(papers, out, jobs=1)
        build(papers, tmp_path / f"fresh{number}", jobs=1)
        assert (out / "graph.ttl").read_bytes() == (tmp_path / f"fresh{number}" / "graph.ttl").read_bytes()
    assert out / "graph.ttl" in copied_from and any(source.suffix == ".ttl" and source.parent != out
                                                    for source in copied_from)  # the old file, and chunks
    copied_from.clear()
    (out / "graph.ttl").write_text("edited by hand", encoding="utf-8")
    assert build(example_papers[2:], out, jobs=1).rewritten == len(example_papers[2:])  # its Turtle written again
    assert all(source != out / "graph.ttl" for source in copied_from)
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "fresh2" / "graph.ttl").read_bytes()


def test_graph_ttl_reads_changed_papers_blocks_only_once_they_are_written(tmp_path):
    """With two jobs graph.ttl is copied from the last one while the changed papers' Turtle is
    still being written: their blocks are read only once ``more_written()`` returns (the unchanged
    ones before them are copied by then), and it is not waited for when no paper changed."""
    path, record = tmp_path / "graph.ttl", tmp_path / "graph-ttl.json"
    blocks = {f"{DATA}paper/p{n}": f"<{DATA}paper/p{n}> <{KG}q> {n} .\n" for n in range(4)}
    write_graph_ttl(path, record, dict.fromkeys(blocks, "v1"), {}, write_chunk(tmp_path / "a.ttl", [*blocks.items()]))
    changed = {f"{DATA}paper/p2": f"<{DATA}paper/p2> <{KG}q> 22 .\n"}
    new: dict[str, tuple] = {}
    waits: list[int] = []

    def written() -> bool:  # the changed papers' chunk is written only now
        waits.append(len(new))
        [unfinished] = tmp_path.glob(".graph.ttl.*.tmp")
        assert unfinished.read_text(encoding="utf-8").endswith(blocks[f"{DATA}paper/p0"] + blocks[f"{DATA}paper/p1"])
        new.update(write_chunk(tmp_path / "b.ttl", [*changed.items()]))
        return True

    fingerprints = {iri: "v2" if iri in changed else "v1" for iri in blocks}
    write_graph_ttl(path, record, fingerprints, written_blocks(path, record), new, written)
    assert waits == [0]
    assert path.read_text(encoding="utf-8").endswith("".join({**blocks, **changed}.values()))
    write_graph_ttl(path, record, fingerprints, written_blocks(path, record), {}, written)
    assert waits == [0]


def test_a_rebuild_serializes_only_the_entities_graph_ttl_does_not_hold_as_they_are(tmp_path, example_papers):
    """Entity blocks are copied from the last graph.ttl like paper blocks: only new or changed
    entities are serialized again (all of them without a last graph.ttl), same bytes as a fresh build."""
    out = tmp_path / "out"
    build(example_papers[:6], out, jobs=1)
    grown = build(example_papers, out, jobs=1).entities_serialized
    fresh = build(example_papers, tmp_path / "fresh", jobs=1).entities_serialized
    assert 0 < grown < fresh
    assert outputs(out) == outputs(tmp_path / "fresh")
    assert build(example_papers, out, jobs=1).entities_serialized == 0
    (out / "graph.ttl").unlink()
    assert build(example_papers, out, jobs=1).entities_serialized == fresh
    assert outputs(out) == outputs(tmp_path / "fresh")


@pytest.mark.parametrize("record", ["", "not json", "null", "[]", "{}", '{"size": 1}', "no placed", "bad placed",
                                    "places swapped"])
def test_a_damaged_graph_ttl_record_means_all_turtle_is_written_again(tmp_path, example_papers, record):
    """Where blocks lie in graph.ttl is read from a file of the state folder; whatever it holds,
    a build that cannot use it writes every paper's Turtle again rather than failing."""
    out = tmp_path / "out"
    build(example_papers, out, jobs=1)
    path = BuildFolder(out).graph_ttl_index
    if record in ("no placed", "bad placed"):  # a header that fits graph.ttl and the body, a body of another shape
        splice.write_bound(path, out / "graph.ttl", b"null" if record == "no placed" else b'{"x": [1, 2]}')
    elif record == "places swapped":  # a body that parses but lies, under its old header
        header, body = path.read_bytes().split(b"\n", 1)
        placed = json.loads(body)
        first, second = list(placed)[:2]
        placed[first], placed[second] = placed[second], placed[first]
        path.write_bytes(header + b"\n" + json.dumps(placed).encode("ascii"))
    else:
        path.write_text(record, encoding="utf-8")
    assert build(example_papers, out, jobs=1).rewritten == len(example_papers)
    build(example_papers, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")


def test_papers_whose_titles_slug_alike_are_built_apart(tmp_path, example_papers):
    """Titles in other scripts slug to the same letters (or none); each paper keeps its own node,
    Turtle block and store description (a build used to stop on the second one)."""
    abstract = example_papers[0].abstract
    papers = [Paper(title, abstract, [Source("x.txt", n)]) for n, title in enumerate(("注意力", "自注意力", "α-Net", "β-Net"), 1)]
    out = tmp_path / "out"
    build([*example_papers[:2], *papers], out, jobs=1)
    expected = graph_triples(load_graph(out))
    assert len({t[0] for t in expected if t[2] == ox.NamedNode(f"{KG}Paper")}) == 6
    assert _store(out) == expected
    assert {(t.subject, t.predicate, t.object) for t in ox.parse(path=str(out / "graph.ttl"),
                                                                  format=ox.RdfFormat.TURTLE)} == expected


def test_update_joins_papers_by_every_title_and_id_they_were_merged_under(tmp_path, example_papers):
    """A paper merged from records with different titles and arXiv ids keeps them all (saved in
    papers.jsonl), so a later record with any of them joins it under --update as in a fresh build."""
    first, second = example_papers[0].abstract, example_papers[1].abstract
    old = [Paper("Foo Net", first, [Source("old.jsonl", 1)], arxiv_id="2401.00001"),
           Paper("Foo Net, Revised", first, [Source("old.jsonl", 2)], arxiv_id="2401.00001"),
           Paper("Other", second, [Source("old.jsonl", 3)])]
    new = [Paper("Foo Net, revised", first, [Source("new.jsonl", 1)]),  # the title the saved paper dropped
           Paper("Bar Net", second, [Source("new.jsonl", 2)], arxiv_id="2401.00009"),
           Paper("Foo Net", first, [Source("new.jsonl", 3)], arxiv_id="2401.00009")]  # ties Bar Net to Foo Net
    build(merge_papers(old), tmp_path / "updated", jobs=1)
    report = build(merge_papers([*saved_papers(tmp_path / "updated"), *merge_papers(new)]), tmp_path / "updated", jobs=1)
    build(merge_papers(old + new), tmp_path / "fresh", jobs=1)
    assert report.counts["Paper"] == 2
    assert (tmp_path / "updated" / "graph.ttl").read_bytes() == (tmp_path / "fresh" / "graph.ttl").read_bytes()


def test_a_build_after_an_interrupted_one_writes_all_rdf_again(tmp_path, example_papers):
    """A build refreshes only the shortcuts its changes touch; but after a build that stopped while
    changing the Turtle blocks or the store (state.json then no longer says what they hold: the
    marker tells), every paper's RDF is written again and the store is built from nothing."""
    out = tmp_path / "out"
    build(example_papers, out, jobs=1)
    assert not BuildFolder(out).updating.exists()
    stale = (ox.NamedNode(f"{DATA}method/nothing-beats-this"), ox.NamedNode(f"{KG}outperforms"),
             ox.NamedNode(f"{DATA}method/everything"))
    store = ox.Store(str(BuildFolder(out).store))
    store.add(ox.Quad(*stale))
    del store
    assert build(example_papers, out, jobs=1).rewritten == 0
    assert stale in _store(out)  # nothing changed, nothing refreshed
    BuildFolder(out).updating.touch()  # as a killed build leaves it
    assert build(example_papers, out, jobs=1).rewritten == len(example_papers)
    assert stale not in _store(out)
    assert _store(out) == graph_triples(load_graph(out))
    assert not BuildFolder(out).updating.exists()


def test_a_build_where_most_papers_changed_loads_a_new_store(tmp_path, example_papers):
    """Deleting most papers from the store by SPARQL costs far more than loading them all again
    (a renamed input file changes every record): the store is rebuilt, and says the same. A few
    changed papers are replaced in the store as it is."""
    out = tmp_path / "out"
    build(example_papers, out, jobs=1)
    grown = build(example_papers + copies(example_papers[:1], 1), out, jobs=1)  # one new paper, a few changed ones
    # the changed papers are deleted, not the new one (the store holds nothing of it)
    assert not grown.store_rebuilt and grown.store_deleted == grown.rewritten - 1
    assert grown.rewritten < len(example_papers)
    assert _store(out) == graph_triples(load_graph(out))
    renamed = [Paper(p.title, p.abstract, [Source("renamed.txt", n)]) for n, p in enumerate(example_papers, 1)]
    report = build(renamed, out, jobs=1)
    assert report.store_rebuilt and report.store_deleted == 0 and report.rewritten == len(renamed)
    assert _store(out) == graph_triples(load_graph(out))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_that_loaded_many_chunks_compacts_the_store(tmp_path, example_papers, jobs):
    """Left to itself the store merges the files of many bulk loads at its next flush, stalling the
    next rebuild however small (14 s at 100k papers): the build that loaded them compacts it (with
    two jobs while it makes the analyses of all claims, with one after)."""
    limits = Limits(chunking=Chunking(rdf_batch=8, load_chunk=7, load_chunk_min=7, compact_after_chunks=2))
    out = tmp_path / "out"
    first = build(example_papers, out, jobs=jobs, limits=limits)  # chunks of 7 papers
    assert first.chunks_loaded >= 2 and first.store_compacted and first.analysis_written
    grown = build(example_papers + copies(example_papers[:1], 1), out, jobs=jobs, limits=limits)
    assert grown.chunks_loaded == 1 and not grown.store_compacted  # one chunk: not worth it
    assert _store(out) == graph_triples(load_graph(out))


def test_a_few_changed_papers_still_come_to_the_store_in_several_chunks(tmp_path, example_papers):
    """So that the store loads the first chunks while the next are written: ``load_chunks_at_least``
    of them (of ``load_chunk_min`` papers or more), none above ``load_chunk``."""
    limits = Limits(chunking=Chunking(load_chunk_min=2, load_chunk=7))
    assert build(copies(example_papers, 12), tmp_path / "a", jobs=1, limits=limits).chunks_loaded == 4  # of 3 papers
    # of 7 papers, the last of 5
    assert build(copies(example_papers, 40), tmp_path / "b", jobs=1, limits=limits).chunks_loaded == 6


def test_cache_is_invalidated_when_the_extractor_changes(tmp_path, example_papers, monkeypatch):
    build(example_papers, tmp_path / "out", jobs=1)
    assert build(example_papers, tmp_path / "out", jobs=1).extracted == 0
    monkeypatch.setattr(state, "extractor_version", lambda: "another-version")
    assert build(example_papers, tmp_path / "out", jobs=1).extracted == len(example_papers)


def test_other_rdf_writing_code_writes_all_rdf_again(tmp_path, example_papers, monkeypatch):
    """A paper's fingerprint covers its record and its entities' ids, not the code that writes
    its Turtle: after an upgrade of that code every paper's RDF is written again, and the store
    built again, as a fresh build would."""
    out = tmp_path / "out"
    build(example_papers, out, jobs=1)
    assert build(example_papers, out, jobs=1).rewritten == 0
    monkeypatch.setattr(state, "rdf_writer_version", lambda: "other code")
    assert build(example_papers, out, jobs=1).rewritten == len(example_papers)
    assert build(example_papers, out, jobs=1).rewritten == 0








def test_a_failed_build_releases_its_folder(tmp_path, example_papers):
    """A build that fails lets go of the folder's lock: the next one, in the same process, runs."""
    out = tmp_path / "out"
    with pytest.raises(AttributeError):  # not a paper: the build fails once it holds the folder
        build([*example_papers, None], out, jobs=1)
    assert build(example_papers, out, jobs=1).counts["Paper"] == len(example_papers)








def test_counts_cover_claims_the_page_leaves_out(tmp_path, example_papers):
    """A page that shows every paper but not every method still counts every claim."""
    whole = build(example_papers, tmp_path / "whole", jobs=1)
    trimmed = build(example_papers, tmp_path / "trimmed", jobs=1, limits=Limits(page_max_methods=2))
    assert any("the 2 most compared of" in note for note in trimmed.notes)
    assert trimmed.counts == whole.counts and whole.counts["claims"] > 0


def test_queries_read_a_builds_own_store(tmp_path, example_papers):
    """`kgraph query OUT` opens the build's on-disk store instead of loading graph.ttl (removed here
    to show it is not read), so a query on a large build starts at once."""
    out = tmp_path / "out"
    build(example_papers, out, jobs=1)
    (out / "graph.ttl").unlink()
    store = read_store(out)
    assert {(q.subject, q.predicate, q.object) for q in store} == graph_triples(load_graph(out))


def test_papers_to_extract_are_submitted_before_the_cached_ones_are_read(tmp_path, example_papers, monkeypatch):
    """New papers at the end of a grown input are extracted while the cached ones are read, not after."""
    old, new = example_papers[:-3], example_papers[-3:]
    events: list[str] = []
    submit, get_many = engine._Local.submit, ExtractionCache.get_many
    monkeypatch.setattr(engine._Local, "submit", lambda self, todo: (events.append(f"submit {len(todo)}"),
                                                                      submit(self, todo))[1])
    monkeypatch.setattr(ExtractionCache, "get_many", lambda self, papers: (events.append("read"),
                                                                            get_many(self, papers))[1])
    with ExtractionCache(tmp_path / "c.sqlite", "v1") as cache:
        list(engine.ExtractionStream(old, 1, cache))
        events.clear()
        stream = engine.ExtractionStream(old + new, 1, cache, batch_size=2)
        assert events == ["submit 2", "submit 1"]  # when made: before any result is asked for
        results = list(stream)
    assert [paper for paper, _ in results] == old + new
    assert events[0].startswith("submit") and "read" in events[1:]
    assert sum(int(e.split()[1]) for e in events if e.startswith("submit")) == len(new)






def test_workers_extract_a_few_hundred_papers_only_when_they_start_fast(monkeypatch):
    """Starting workers costs about 3 s, a second once their fork server runs (the command starts
    it while reading big inputs): a few hundred new papers then go to workers too."""
    monkeypatch.setattr(engine, "_server_started", False)
    monkeypatch.setattr(engine.multiprocessing.forkserver, "ensure_running", lambda: None)
    engine.start_fork_server()
    assert engine._server_started
    monkeypatch.setattr(engine, "_server_started", False)
    assert engine._worth_a_pool(engine.POOL_MIN_PAPERS, 0)
    assert not engine._worth_a_pool(engine.POOL_MIN_PAPERS // 2, 0)
    assert engine._worth_a_pool(engine.POOL_MIN_PAPERS // 2, engine.POOL_HIDDEN_BY_CACHED)
    monkeypatch.setattr(engine, "_server_started", True)
    assert engine._worth_a_pool(engine.POOL_MIN_PAPERS // 2, 0)
    assert not engine._worth_a_pool(engine.POOL_MIN_PAPERS // 8, 0)


def test_cache_tells_which_papers_have_current_entries(tmp_path, example_papers):
    """Asked first, so that workers start only when worth it and get the papers to extract ahead."""
    with ExtractionCache(tmp_path / "c.sqlite", "v1") as cache:
        cache.put_many((p, ("{}", "[]")) for p in example_papers[:3])
        assert cache.cached(example_papers) == {p.key for p in example_papers[:3]}
    with ExtractionCache(tmp_path / "c.sqlite", "v2") as cache:
        assert cache.cached(example_papers) == set()


def test_a_rebuild_that_would_make_the_same_page_keeps_graph_html(tmp_path, example_papers):
    """graph.html is made again only when what it shows changed (its papers, their entities'
    labels), or when it was touched since: a rebuild with nothing new keeps it (starting a worker
    to make the same page took most of a no-op rebuild's time)."""
    out = tmp_path / "out"
    assert build(example_papers, out, jobs=1).page_made
    page = (out / "graph.html").read_bytes()
    again = build(example_papers, out, jobs=1)
    assert not again.page_made and (out / "graph.html").read_bytes() == page
    assert again.counts == build(example_papers, tmp_path / "fresh", jobs=1).counts
    (out / "graph.html").write_bytes(page + b"\n")
    assert build(example_papers, out, jobs=1).page_made and (out / "graph.html").read_bytes() == page
    assert build(example_papers[1:], out, jobs=1).page_made


def test_conflicts_and_standings_are_made_again_only_when_something_changed(tmp_path, monkeypatch):
    """They depend on every claim: a no-op rebuild copies their block and leaves the store as it is;
    an update that adds a contradiction makes them again, in graph.ttl and in the store, as a fresh build does."""
    papers, extractions = dated_records()
    monkeypatch.setattr(extract_paper_module, "extract_paper", lambda paper, disabled=(): extractions[paper.key])
    first, later = papers[:5], papers[5:]  # the papers of "Other" (Zeta > Eta, Eta > Zeta) come later
    out = tmp_path / "out"
    conflicts_query = f"SELECT ?c WHERE {{ ?c a <{KG}Conflict> }}"
    assert build(first, out, jobs=1).analysis_written
    again = build(first, out, jobs=1)
    assert not again.analysis_written and again.rewritten == 0
    assert len(list(read_store(out).query(conflicts_query))) == 1  # the 3-cycle on Bench-1K
    assert build(first + later, out, jobs=1).analysis_written
    build(first + later, tmp_path / "fresh", jobs=1)
    assert len(list(read_store(out).query(conflicts_query))) == 2  # and the contradiction on Other
    assert outputs(out) == outputs(tmp_path / "fresh")
    assert _store(out) == graph_triples(load_graph(out))
