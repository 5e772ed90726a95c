"""Entity resolution and the networkx graph: variants of one name are one node; ids are stable."""

from __future__ import annotations

import dataclasses

import networkx as nx

from conftest import sample_records
from kgraph.graph import build_graph, paper_node_id, summary
from kgraph.model import Claim, Evidence, Extraction, Mention, Names, Paper
from kgraph.resolve import NameTally, resolve


def _extraction(key: str, *methods: str, aliases: dict[str, list[str]] | None = None,
                claims: tuple[tuple[str, str], ...] = ()) -> Extraction:
    evidence = Evidence("s", 0, 1)
    aliases = aliases or {}
    return Extraction(
        key,
        proposed=[Mention(m, "method", evidence, 0, 1, "test", 0.9, aliases.get(m, [])) for m in methods],
        claims=[Claim(w, l, evidence, "test", 0.8) for w, l in claims],
    )


def test_case_and_hyphen_variants_are_one_entity():
    res = resolve([_extraction("a", "Focus-DETR"), _extraction("b", "focus detr"), _extraction("c", "FOCUS DETR")])
    ids = {res.entity_id("method", n) for n in ("Focus-DETR", "focus detr", "FOCUS DETR")}
    assert len(ids) == 1
    entity = res.entities[ids.pop()]
    assert entity.label == "Focus-DETR"  # the capitalised form wins a tie
    assert set(entity.aliases) == {"focus detr", "FOCUS DETR"}


def test_acronym_and_expansion_are_one_entity_across_papers():
    res = resolve([_extraction("a", "SSL", aliases={"SSL": ["Skeleton Sequence Learning"]}),
                   _extraction("b", "Skeleton Sequence Learning"), _extraction("c", "SSL")])
    assert res.entity_id("method", "SSL") == res.entity_id("method", "Skeleton Sequence Learning")


def test_ambiguous_acronym_is_linked_only_inside_its_paper():
    res = resolve([_extraction("a", "SSL", aliases={"SSL": ["Skeleton Sequence Learning"]}),
                   _extraction("b", "SSL", aliases={"SSL": ["Semi-Supervised Learning"]}),
                   _extraction("c", "SSL")])
    skeleton = res.entity_id("method", "Skeleton Sequence Learning")
    semi = res.entity_id("method", "Semi-Supervised Learning")
    assert skeleton != semi
    assert res.entity_id("method", "SSL", "a") == skeleton
    assert res.entity_id("method", "SSL", "b") == semi
    assert res.entity_id("method", "SSL", "c") not in {skeleton, semi}


def test_typos_merge_but_different_numbers_do_not():
    res = resolve([_extraction("a", "Speculative Sampling"), _extraction("b", "Speculative Smapling"),
                   _extraction("c", "NTU 60"), _extraction("d", "NTU 120"),
                   _extraction("e", "ImageNet-1K"), _extraction("f", "ImageNet-22K")])
    assert res.entity_id("method", "Speculative Sampling") == res.entity_id("method", "Speculative Smapling")
    assert res.entity_id("method", "NTU 60") != res.entity_id("method", "NTU 120")
    assert res.entity_id("method", "ImageNet-1K") != res.entity_id("method", "ImageNet-22K")


def test_resolution_does_not_depend_on_input_order():
    items = [_extraction("a", "Foo-Net", aliases={"Foo-Net": ["FN"]}), _extraction("b", "foo net"),
             _extraction("c", "BarGAN", claims=(("BarGAN", "FN"),))]
    forward, backward = resolve(items), resolve(reversed(items))
    assert forward.entities == backward.entities


def test_names_alone_resolve_as_the_whole_extractions_do():
    """A build resolves from the names it cached beside each extraction, not the extractions."""
    _, extractions = sample_records()
    names = [Names.from_json(e.names().to_json()) for e in extractions.values()]
    assert any(n.aliases for n in names) and any(n.claims for n in names)
    by_names, by_extractions = resolve(names), resolve(extractions.values())
    assert by_names.entities == by_extractions.entities
    for n in names:
        for kind, name in n.names:
            assert by_names.entity_id(kind, name, n.paper_key) == by_extractions.entity_id(kind, name, n.paper_key)


def test_a_saved_tally_less_some_papers_resolves_as_a_fresh_count_of_the_rest():
    """A build brings the tally the last one saved up to date instead of counting every paper again."""
    items = [_extraction("a", "SSL", "Foo-Net", aliases={"SSL": ["Skeleton Sequence Learning"]}),
             _extraction("b", "SSL", aliases={"SSL": ["Semi-Supervised Learning"]}),
             _extraction("c", "SSL", "foo net", claims=(("foo net", "SSL"),)),
             _extraction("d", "Speculative Smapling", "FOO-NET"), _extraction("e", "Speculative Sampling")]
    names = [Names.from_json(e.names().to_json()) for e in items]
    tally = NameTally()
    for n in names:
        tally.add(n)
    saved = NameTally.from_json(tally.to_json())
    assert saved.resolution() == tally.resolution()
    for gone in (names[1], names[3]):  # "SSL" is no longer ambiguous; "FOO-NET" no longer counts
        saved.remove(gone)
    kept = [names[0], names[2], names[4]]
    fresh = resolve(kept)
    assert saved.resolution() == fresh
    assert fresh.entity_id("method", "SSL", "c") == fresh.entity_id("method", "Skeleton Sequence Learning")
    for n in kept:
        saved.remove(n)
    for n in (names[1], names[3]):
        saved.add(n)
    assert saved.resolution() == resolve([names[1], names[3]])


def test_the_tally_knows_exactly_which_papers_name_a_key_however_many_keys_are_asked():
    """Which papers to resolve again after a rebuild: those that name a key (of that kind), from
    the tally's index, kept up to date as papers come and go and saved with it."""
    items = [_extraction("a", "Foo-Net", "SSL"), _extraction("b", "foo net"), _extraction("c", "Bar")]
    names = [Names.from_json(e.names().to_json()) for e in items]
    tally = NameTally()
    for n in names:
        tally.add(n)
    assert tally.papers_naming([("method", "foonet")]) == {"a", "b"}
    assert tally.papers_naming([("benchmark", "foonet"), ("method", "nothing")]) == set()
    many = [("method", f"unknown{n}") for n in range(5000)] + [("method", "bar")]
    assert tally.papers_naming(many) == {"c"}  # no cut-off
    saved = NameTally.from_json(tally.to_json())
    saved.remove(names[0])
    assert saved.papers_naming([("method", "foonet"), ("method", "ssl")]) == {"b"}
    saved.add(names[0])
    assert saved.papers == tally.papers


def test_graph_nodes_edges_and_evidence(sample_graph):
    counts = summary(sample_graph)
    assert counts == {"Paper": 2, "Method": 3, "Benchmark": 2, "Metric": 1, "Organization": 1, "claims": 2}
    claims = [(u, v, d) for u, v, d in sample_graph.edges(data=True) if d["type"] == "outperforms"]
    winners_losers = {(sample_graph.nodes[u]["label"], sample_graph.nodes[v]["label"]) for u, v, _ in claims}
    # "FN", "Foo-Net" and "foo net" are one node, so both claims touch it
    foo = next(n for n, d in sample_graph.nodes(data=True) if "Foo-Net" in (d["label"], *d["aliases"]))
    assert {u for u, _, _ in claims} | {v for _, v, _ in claims} >= {foo}
    assert len(winners_losers) == 2
    for _, _, data in claims:
        assert data["evidence"] and data["rule"] == "test" and 0 < data["confidence"] <= 1
        assert data["paper"].startswith("paper:")


def test_graph_is_the_same_whatever_the_paper_order():
    papers, extractions = sample_records()
    res = resolve(extractions.values())
    one = build_graph(papers, extractions, res)
    other = build_graph(list(reversed(papers)), extractions, res)
    assert nx.utils.graphs_equal(one, other)
    assert list(one.nodes) == list(other.nodes)


def test_papers_are_named_by_arxiv_id_else_title_slug():
    assert paper_node_id(Paper("A Title: With Colon", "x", arxiv_id="2401.00001")) == "paper:2401.00001"
    assert paper_node_id(Paper("A Title: With Colon", "x")) == "paper:a-title-with-colon"


def test_an_acronym_each_paper_defines_otherwise_is_two_entities_wherever_it_is_used():
    """"Speculative decoding (SD)" in one paper, "StableDiffusion (SD)" in another: each paper's "SD",
    a baseline there with no alias of its own, is that paper's expansion."""
    ours = dataclasses.replace(_extraction("a", "DraftSpec", claims=(("DraftSpec", "SD"),)),
                               abbreviations=[("SD", "Speculative decoding")])
    theirs = dataclasses.replace(_extraction("b", "LinNet", claims=(("LinNet", "SD"),)),
                                 abbreviations=[("SD", "StableDiffusion")])
    res = resolve([ours, theirs, _extraction("c", "SD")])
    decoding, diffusion = res.entity_id("method", "SD", "a"), res.entity_id("method", "SD", "b")
    assert decoding == res.entity_id("method", "Speculative decoding")
    assert diffusion == res.entity_id("method", "StableDiffusion")
    assert len({decoding, diffusion, res.entity_id("method", "SD", "c")}) == 3


def test_a_benchmark_variant_is_its_own_entity_linked_to_its_family():
    """ImageNet-1K and ImageNet 256x256 are benchmarks of their own (a leaderboard each), both
    variants of ImageNet (skos:broader in RDF); rFID is not FID but a kind of it."""
    evidence = Evidence("s", 0, 1)
    variant = Mention("ImageNet-1K", "benchmark", evidence, 0, 1, "test", 0.9, family="ImageNet")
    metric = Mention("rFID", "metric", evidence, 0, 1, "test", 0.9, family="FID")
    res = resolve([Extraction("a", benchmarks=[variant], metrics=[metric]),
                   Extraction("b", benchmarks=[Mention("ImageNet", "benchmark", evidence, 0, 1, "test", 0.9)])])
    one_k, family = res.entity_id("benchmark", "ImageNet-1K"), res.entity_id("benchmark", "ImageNet")
    assert one_k != family and res.entities[one_k].broader == family and res.entities[family].broader is None
    assert res.entities[res.entity_id("metric", "rFID")].broader == res.entity_id("metric", "FID")
