"""The explorer page: content, escaping, offline use, and (in Chromium) what its controls do."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from conftest import sample_records
from kgraph.cli import main
from kgraph.graph import build_graph
from kgraph.viz.layout import force_layout, layout
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.resolve import resolve
from kgraph.viz.page import (
    BASELINE,
    LARGE_GRAPH,
    PROPOSED,
    ROLE_COLORS,
    START_METHODS,
    build_network,
    method_roles,
    node_size,
    render_html,
    write_html,
)
from kgraph.viz.data import arrows, claims, name_spans, paper_links, paper_url, pieces, starting_view
from synthetic import synthetic_graph

# Each payload sets window.__pwned if it ever runs as markup or script.
WINNER = 'XSS<img src=x onerror="window.__pwned=1">Net'
LOSER = "</script><script>window.__pwned=2</script>"
BENCH = '<svg onload="window.__pwned=3">Bench'
ALIAS = "<b onmouseover=window.__pwned=4>X</b>"
TITLE = '<img src=x onerror="window.__pwned=6">Paper & "title"'
MARGIN = "<img src=x onerror=window.__pwned=7>"
ORG = '<iframe src="javascript:window.__pwned=8">Lab'
PAYLOADS = (WINNER, LOSER, BENCH, ALIAS, TITLE, MARGIN, ORG)
# Markup the page's own card templates use; nothing else may appear in a card.
CARD_TAGS = {"div", "b", "i", "a", "mark", "span"}
READY = "() => document.body.dataset.ready === 'true'"


def _mention(name: str, kind: str, evidence: Evidence, aliases: tuple[str, ...] = ()) -> Mention:
    start = evidence.start + evidence.text.index(name)
    return Mention(name, kind, evidence, start, start + len(name), "test", 0.9, list(aliases))


def _graph(papers: list[tuple[Paper, Extraction]]) -> nx.MultiDiGraph:
    extractions = {paper.key: extraction for paper, extraction in papers}
    return build_graph([paper for paper, _ in papers], extractions, resolve(extractions.values()))


@pytest.fixture
def hostile_graph() -> nx.MultiDiGraph:
    """One paper whose title, url, methods, alias, benchmark, margin, organization and evidence carry payloads."""
    text = (f"We propose {WINNER} ({ALIAS}). {WINNER} outperforms {LOSER} on {BENCH} "
            f"<script>window.__pwned=5</script>, says {ORG}.")
    evidence = Evidence(text, 0, len(text))
    paper = Paper(TITLE, text, [Source("hostile.txt", 1)], url="javascript:window.__pwned=9")
    extraction = Extraction(
        paper.key,
        proposed=[_mention(WINNER, "method", evidence, (ALIAS,))],
        benchmarks=[_mention(BENCH, "benchmark", evidence)],
        baselines=[_mention(LOSER, "method", evidence)],
        organizations=[_mention(ORG, "organization", evidence)],
        claims=[Claim(WINNER, LOSER, evidence, "test", 0.7, benchmark=BENCH, margin=MARGIN)],
    )
    return _graph([(paper, extraction)])


@pytest.fixture
def parallel_graph() -> nx.MultiDiGraph:
    """AlphaNet beats BetaNet on two benchmarks (one paper) and in a second paper; BetaNet beats AlphaNet once."""
    first = "AlphaNet beats BetaNet on ImageNet by 1.5 points and on COCO by 2 AP."
    second = "BetaNet outperforms AlphaNet on VQA, while alphanet still beats betanet on ImageNet."
    made = []
    for title, text, url, found in (
        ("Alpha paper", first, "https://example.org/alpha?a=1&b=2",
         [("AlphaNet", "BetaNet", "ImageNet", "1.5 points"), ("AlphaNet", "BetaNet", "COCO", "2 AP")]),
        ("Beta paper", second, None, [("BetaNet", "AlphaNet", "VQA", None), ("alphanet", "betanet", "ImageNet", None)]),
    ):
        evidence = Evidence(text, 0, len(text))
        paper = Paper(title, text, [Source("p.txt", 1)], url=url)
        made.append((paper, Extraction(
            paper.key,
            benchmarks=[_mention(b, "benchmark", evidence) for b in sorted({c[2] for c in found})],
            baselines=[_mention(c[1], "method", evidence) for c in found],
            claims=[Claim(w, l, evidence, "test", 0.8, benchmark=b, margin=m) for w, l, b, m in found],
        )))
    return _graph(made)


def _data(page: str) -> dict:
    """The JSON data embedded in a rendered page."""
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert found, "data not found in the page"
    return json.loads(found.group(1))


def _cards(page: str, kind: str) -> list[str]:
    """The HTML of each card in the page's <template> of ``kind`` ("claim" or "method")."""
    found = re.search(rf'<template id="kg-{kind}-cards">(.*?)</template>', page, re.S)
    assert found, f"{kind} cards not found in the page"
    return [card for card in re.split(rf'(?=<div class="{kind}">)', found.group(1)) if card]


def _claims(graph: nx.MultiDiGraph) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == "outperforms"]


def _pairs(graph: nx.MultiDiGraph) -> set[tuple[str, str]]:
    return {(u, v) for u, v, _ in _claims(graph)}


def _methods(graph: nx.MultiDiGraph) -> set[str]:
    return {n for n, t in graph.nodes(data="type") if t == "Method"}


def _method(graph: nx.MultiDiGraph, label: str) -> str:
    return next(n for n, d in graph.nodes(data=True) if d["type"] == "Method" and d["label"] == label)


# --- what the page holds ---------------------------------------------------------------------


def test_one_node_per_method_and_one_arrow_per_winner_loser_pair(sample_graph):
    data = _data(render_html(sample_graph))
    assert {n["id"] for n in data["nodes"]} == _methods(sample_graph)
    assert len(data["nodes"]) == 3
    assert {(e["from"], e["to"]) for e in data["edges"]} == _pairs(sample_graph)
    assert len(data["edges"]) == len(data["claims"]) == 2


def test_parallel_claims_merge_into_one_arrow_that_keeps_them_all(parallel_graph):
    alpha, beta = _method(parallel_graph, "AlphaNet"), _method(parallel_graph, "BetaNet")
    page = render_html(parallel_graph)
    data = _data(page)
    assert len(_claims(parallel_graph)) == len(data["claims"]) == 4
    by_pair = {(e["from"], e["to"]): e for e in data["edges"]}
    assert set(by_pair) == {(alpha, beta), (beta, alpha)}
    merged = by_pair[(alpha, beta)]["claims"]
    assert len(merged) == 3
    assert {data["claims"][i]["benchmark"] for i in merged} == {"benchmark:imagenet", "benchmark:coco"}
    assert all(data["claims"][i]["winner"] == alpha and data["claims"][i]["loser"] == beta for i in merged)
    assert len(_cards(page, "claim")) == 4  # one card per claim, in data.claims order
    # the two directions are bent apart (curvedCW bends to the right of travel)
    assert all(e["smooth"] == {"enabled": True, "type": "curvedCW", "roundness": 0.18} for e in data["edges"])


def test_methods_are_sized_by_how_many_distinct_methods_they_beat(parallel_graph, sample_graph):
    alpha = _method(parallel_graph, "AlphaNet")
    nodes = {n["id"]: n for n in _data(render_html(parallel_graph))["nodes"]}
    assert nodes[alpha]["beats"] == 1  # three claims, one beaten method
    assert nodes[alpha]["size"] == node_size(1)
    sizes = {n["label"]: n["size"] for n in _data(render_html(sample_graph))["nodes"]}
    assert sizes["BarGAN"] == sizes["FN"] > sizes["ResNet"]  # each beats one method; ResNet none


def test_node_roles_tell_proposed_methods_from_baselines(sample_graph):
    fn, resnet, bargan = (_method(sample_graph, label) for label in ("FN", "ResNet", "BarGAN"))
    assert method_roles(sample_graph) == {fn: PROPOSED, bargan: PROPOSED, resnet: BASELINE}
    page = render_html(sample_graph)
    data = _data(page)
    assert {n["id"]: n["group"] for n in data["nodes"]} == {fn: PROPOSED, bargan: PROPOSED, resnet: BASELINE}
    for role in (PROPOSED, BASELINE):  # colours per group, and the legend shows both swatches
        assert data["options"]["groups"][role]["color"]["background"] == ROLE_COLORS[role]["background"]
        assert f'<span class="dot" style="background: {ROLE_COLORS[role]["background"]}' in page
    assert ROLE_COLORS[PROPOSED]["background"] != ROLE_COLORS[BASELINE]["background"]


def test_claim_cards_mark_the_names_link_the_paper_and_give_the_numbers(sample_graph):
    page = render_html(sample_graph)
    data = _data(page)
    cards = dict(zip((c["winner"] for c in data["claims"]), _cards(page, "claim")))
    fn_card = cards[_method(sample_graph, "FN")]
    assert '<b>FN</b> beats <b>ResNet</b> on <b>ImageNet</b> by 2.1' in fn_card
    assert ('&ldquo;<mark class="winner">FN</mark> outperforms <mark class="loser">ResNet</mark> by 2.1 top-1 '
            "accuracy on ImageNet.&rdquo;") in fn_card
    search = "https://arxiv.org/search/?searchtype=title&amp;query=Foo-Net%3A%20A%20Test%20Network"
    assert (f'<a href="{search}" target="_blank" rel="noopener noreferrer">Foo-Net: A Test Network</a> '
            '<span class="meta">(2025-01-02)</span> <span class="meta">(arXiv title search)</span>') in fn_card
    assert "metric <span class=\"value\">top-1 accuracy</span>" in fn_card
    assert "confidence <span class=\"value\">0.80</span>" in fn_card
    bar_card = cards[_method(sample_graph, "BarGAN")]
    assert ('<a href="https://arxiv.org/abs/2401.00001" target="_blank" rel="noopener noreferrer">'
            "BarGAN &lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34;</a>") in bar_card
    assert '<mark class="winner">BarGAN</mark> beats <mark class="loser">foo net</mark>' in bar_card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bar_card


def test_method_cards_carry_aliases_role_record_and_papers(sample_graph):
    page = render_html(sample_graph)
    cards = dict(zip((n["label"] for n in _data(page)["nodes"]), _cards(page, "method")))
    assert "Also called: Foo-Net, foo net" in cards["FN"]
    assert "Beats 1 method &middot; loses to 1" in cards["FN"]
    assert "Foo-Net: A Test Network</a>" in cards["FN"] and "(arXiv title search)" in cards["FN"]
    assert '<span class="role baseline">baseline only</span>' in cards["ResNet"]


def test_paper_links_are_arxiv_or_http_only():
    assert paper_url({"arxiv_id": "2401.00001", "url": "https://example.org"}) == "https://arxiv.org/abs/2401.00001"
    assert paper_url({"url": "http://example.org/p?a=1"}) == "http://example.org/p?a=1"
    for bad in ("javascript:alert(1)", "data:text/html,<script>", "//example.org", "example.org", "", None):
        assert paper_url({"url": bad}) is None
    assert paper_url({"arxiv_id": 'x"><script>'}) == "https://arxiv.org/abs/x%22%3E%3Cscript%3E"


def test_every_paper_has_a_link_and_its_code_and_project_pages():
    known = paper_links({"arxiv_id": "2401.00001", "urls": ["https://github.com/a/b", "https://arxiv.org/abs/2401.00001",
                                                            "http://www.proj.example.org/x", "javascript:alert(1)"]})
    assert known == [{"text": "arXiv", "url": "https://arxiv.org/abs/2401.00001"},
                     {"text": "code", "url": "https://github.com/a/b"},
                     {"text": "proj.example.org", "url": "http://www.proj.example.org/x"}]
    assert paper_links({"url": "https://example.org/p", "title": "T"}) == [{"text": "paper", "url": "https://example.org/p"}]
    # Daily Papers text has no id: the title is searched on arXiv (quoted, so it cannot break out of the URL)
    assert paper_links({"title": 'A & B "C"', "url": "javascript:x"}) == [
        {"text": "search arXiv by title", "url": "https://arxiv.org/search/?searchtype=title&query=A%20%26%20B%20%22C%22"}]


def test_the_claims_table_data_names_metric_and_paper(sample_graph):
    data = _data(render_html(sample_graph))
    fn = _method(sample_graph, "FN")
    claim = next(c for c in data["claims"] if c["winner"] == fn)
    assert claim["metric"] == "top-1 accuracy"
    assert data["papers"][claim["paper"]] == {
        "title": "Foo-Net: A Test Network", "date": "2025-01-02",
        "url": "https://arxiv.org/search/?searchtype=title&query=Foo-Net%3A%20A%20Test%20Network"}
    assert len(data["papers"]) == 2 and data["readablePx"] >= 12


def test_names_are_found_by_offsets_and_the_longest_wins():
    sentence = "Foo-Net beats foo and FOO-NET2, not Bar; bar-net and bar win."
    spans = name_spans(sentence, {"winner": ["Foo-Net", "foo"], "loser": ["bar-net", "bar"]})
    assert [(sentence[s:e], kind) for s, e, kind in spans] == [
        ("Foo-Net", "winner"), ("foo", "winner"), ("Bar", "loser"), ("bar-net", "loser"), ("bar", "loser")]
    cut = pieces(sentence, spans)
    assert "".join(text for text, _ in cut) == sentence
    assert cut[:2] == [("Foo-Net", "winner"), (" beats ", None)]


def test_hostile_text_is_escaped_in_the_source(sample_graph, hostile_graph):
    plain = render_html(sample_graph).lower()
    page = render_html(hostile_graph)
    # No input text opens or closes a script element: the hostile page has exactly the (script)
    # tags of a harmless one (the inlined vis-network itself holds a "<script>" string).
    assert page.lower().count("<script") == plain.count("<script")
    assert page.lower().count("</script") == plain.count("</script")
    for payload in PAYLOADS:
        assert payload not in page
    cards = _cards(page, "claim") + _cards(page, "method")
    for card in cards:  # after escaping, no input text can form a tag or an attribute
        assert set(re.findall(r"<([a-z]+)", card)) <= CARD_TAGS, card
        assert not re.search(r"<[^>]*\bon[a-z]+=", card), card
    # the javascript: url gave no link: the only one is the arXiv search for the (escaped) title
    hrefs = set(re.findall(r'<a href="([^"]*)"', "".join(cards)))
    assert hrefs == {"https://arxiv.org/search/?searchtype=title&amp;query=%3Cimg%20src%3Dx%20onerror%3D%22window"
                     ".__pwned%3D6%22%3EPaper%20%26%20%22title%22"}
    # option texts are escaped too; the canvas labels stay raw text in the JSON data
    assert "&lt;svg onload=&#34;window.__pwned=3&#34;&gt;Bench (1)</option>" in page
    assert "&lt;iframe src=&#34;javascript:window.__pwned=8&#34;&gt;Lab (1)</option>" in page
    assert {n["label"] for n in _data(page)["nodes"]} == {WINNER, LOSER}


def test_page_loads_nothing_from_outside_itself(sample_graph):
    page = render_html(sample_graph)
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"@import", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    # the only external addresses are links to papers, opened in a new tab by the reader
    for link in re.findall(r"<a\s[^>]*>", page):
        assert re.fullmatch(r'<a href="https?://[^"]+" target="_blank" rel="noopener noreferrer">', link), link
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "tom-select"):
        assert cdn not in page.lower()
    assert "vis.Network" in page and len(page) > 400_000  # vis-network itself is inlined


def test_layout_is_computed_in_python_and_physics_is_off(sample_graph):
    net = build_network(sample_graph)
    assert net.options["physics"]["enabled"] is False
    positions = {(n["x"], n["y"]) for n in net.nodes}
    assert len(positions) == len(net.nodes)  # every method has its own place
    assert all(isinstance(c, float) for xy in positions for c in xy)


def test_force_layout_spreads_a_big_component_without_stacking_methods():
    graph = nx.barabasi_albert_graph(600, 2, seed=3)
    nodes = [str(n) for n in graph]
    placed = force_layout(nodes, [(str(u), str(v)) for u, v in graph.edges])
    assert placed.shape == (600, 2)
    assert len({(round(x, 4), round(y, 4)) for x, y in placed}) == 600
    positions = layout(nodes, [(str(u), str(v)) for u, v in graph.edges])
    assert set(positions) == set(nodes)


def test_methods_without_claims_are_counted_and_placed_apart():
    papers, extractions = sample_records()
    lonely = Paper("Lonely", "We propose LoneNet.", [Source("l.txt", 1)])
    evidence = Evidence(lonely.abstract, 0, len(lonely.abstract))
    extractions[lonely.key] = Extraction(lonely.key, proposed=[_mention("LoneNet", "method", evidence)])
    graph = build_graph(papers + [lonely], extractions, resolve(extractions.values()))
    page = render_html(graph)
    assert '<input id="kg-unclaimed" type="checkbox"> 1 methods without claims' in page
    nodes = {n["label"]: n for n in _data(page)["nodes"]}
    assert nodes["LoneNet"]["beats"] == nodes["LoneNet"]["loses_to"] == 0
    assert nodes["LoneNet"]["y"] > max(n["y"] for n in nodes.values() if n["label"] != "LoneNet")


def test_empty_graph_renders_a_message():
    page = render_html(nx.MultiDiGraph())
    assert "No methods in this graph." in page
    data = _data(page)
    assert data["nodes"] == [] and data["edges"] == [] and data["claims"] == []


def test_small_graphs_start_whole_and_big_ones_from_their_most_connected_part(sample_graph):
    assert _data(render_html(sample_graph))["start"] is None
    graph = synthetic_graph(LARGE_GRAPH + 100, 2 * LARGE_GRAPH)
    arrow_list = arrows(claims(graph))
    start = starting_view(arrow_list, LARGE_GRAPH, START_METHODS)
    assert start is not None and len(start) == START_METHODS
    part = nx.Graph()
    part.add_edges_from((a.winner, a.loser) for a in arrow_list if a.winner in start and a.loser in start)
    assert set(part) == set(start) and nx.is_connected(part)  # one connected, dense part
    assert part.number_of_edges() > 1.5 * START_METHODS


def test_output_is_deterministic(sample_graph):
    assert render_html(sample_graph) == render_html(sample_graph)  # and whatever the hash seed: tests/test_processes.py


def test_write_html_writes_the_page_atomically(sample_graph, tmp_path):
    target = tmp_path / "out" / "graph.html"
    write_html(sample_graph, target)
    assert target.read_text(encoding="utf-8") == render_html(sample_graph)
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]  # no temporary file left


def test_viz_command_renders_a_saved_build(tmp_path, capsys):
    papers, extractions = sample_records()
    saved = tmp_path / "build"
    saved.mkdir()
    with (saved / "papers.jsonl").open("w", encoding="utf-8") as handle:
        for paper in papers:
            handle.write(json.dumps({"paper": paper.to_dict(), "extraction": extractions[paper.key].to_dict()}) + "\n")
    graph = build_graph(papers, extractions, resolve(extractions.values()))
    for source in (saved, saved / "papers.jsonl"):
        target = tmp_path / "page.html"
        assert main(["viz", str(source), "-o", str(target)]) == 0
        assert target.read_text(encoding="utf-8") == render_html(graph)
        assert str(target) in capsys.readouterr().out
    assert main(["viz", str(tmp_path / "missing"), "-o", str(tmp_path / "x.html")]) == 2
    assert "missing" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
