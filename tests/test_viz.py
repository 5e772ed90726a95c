"""The explorer page: content, escaping, offline use, and (in Chromium) what its controls do."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from browser import chromium, local_page  # noqa: F401  (pytest fixtures)
from conftest import sample_records
from kgraph.cli import main
from kgraph.graph import build_graph
from kgraph.viz.layout import force_layout, layout
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.resolve import resolve
from kgraph.viz.page import (
    BASELINE,
    EXPAND_METHODS,
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
from kgraph.viz.data import arrows, claims, name_spans, paper_url, pieces, starting_view
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
    assert "<i>Foo-Net: A Test Network</i>" in fn_card  # no known source: no link
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
    assert "<i>Foo-Net: A Test Network</i>" in cards["FN"]
    assert '<span class="role baseline">baseline only</span>' in cards["ResNet"]


def test_paper_links_are_arxiv_or_http_only():
    assert paper_url({"arxiv_id": "2401.00001", "url": "https://example.org"}) == "https://arxiv.org/abs/2401.00001"
    assert paper_url({"url": "http://example.org/p?a=1"}) == "http://example.org/p?a=1"
    for bad in ("javascript:alert(1)", "data:text/html,<script>", "//example.org", "example.org", "", None):
        assert paper_url({"url": bad}) is None
    assert paper_url({"arxiv_id": 'x"><script>'}) == "https://arxiv.org/abs/x%22%3E%3Cscript%3E"


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
    assert "<a href" not in "".join(cards)  # the javascript: url gave no link
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


def _digest_in_subprocess(seed: str) -> str:
    code = (
        "import hashlib, networkx as nx\n"
        "from kgraph.viz import render_html\n"
        "g = nx.MultiDiGraph()\n"
        "for i in range(30):\n"
        "    g.add_node(f'method:m{i}', type='Method', label=f'M{i}', aliases=[])\n"
        "for i in range(0, 27, 3):\n"  # several small components: exercises the packing
        "    g.add_edge(f'method:m{i}', f'method:m{i+1}', key='k', type='outperforms', evidence='e')\n"
        "    g.add_edge(f'method:m{i+1}', f'method:m{i+2}', key='k', type='outperforms', evidence='e')\n"
        "print(hashlib.sha256(render_html(g).encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_output_is_deterministic(sample_graph):
    assert render_html(sample_graph) == render_html(sample_graph)
    assert _digest_in_subprocess("1") == _digest_in_subprocess("2")  # no dependence on set/hash order


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


# --- in the browser --------------------------------------------------------------------------

VISIBLE_TIP = "() => !document.getElementById('kg-tip').hidden"


def _open(local_page, graph: nx.MultiDiGraph, tmp_path: Path, name: str = "graph.html"):
    path = tmp_path / name
    write_html(graph, path)
    page, log = local_page(path)
    page.wait_for_function(READY)
    return page, log


def _shown(page) -> tuple[set[str], set[tuple[str, str]]]:
    """Methods and (winner, loser) arrows in vis-network's data sets, checked against kg.shown()."""
    found = page.evaluate("() => ({methods: kg.nodes.getIds().sort(), arrows: kg.edges.getIds().sort(),"
                          " shown: kg.shown(), pairs: kg.edges.get().map(e => [e.from, e.to])})")
    assert found["shown"] == {"methods": found["methods"], "arrows": found["arrows"]}
    return set(found["methods"]), {tuple(pair) for pair in found["pairs"]}


def _ends(pairs: set[tuple[str, str]]) -> set[str]:
    return {m for pair in pairs for m in pair}


def _hover(page, script: str) -> None:
    """Move the mouse to a canvas point computed by ``script`` (uses the page's ``kg.network``)."""
    x, y = page.evaluate(
        "(script) => { const box = document.getElementById('kg-network').getBoundingClientRect();"
        " const p = kg.network.canvasToDOM((new Function('return ' + script))());"
        " return [box.left + p.x, box.top + p.y]; }",
        script,
    )
    page.mouse.move(1, 1)
    page.mouse.move(x, y, steps=4)


def _hover_node(page, node_id: str) -> None:
    _hover(page, f"kg.network.getPosition({json.dumps(node_id)})")


def _hover_edge(page, winner: str, loser: str) -> None:
    """A point 30% of the way along the arrow, straight or curved (clear of both nodes and the label)."""
    _hover(page, f"(() => {{ const e = kg.edges.get().find(e => e.from === {json.dumps(winner)}"
                 f" && e.to === {json.dumps(loser)}); return kg.network.body.edges[e.id].edgeType.getPoint(0.3); }})()")


def _set_confidence(page, value: float) -> None:
    page.evaluate("(v) => { const c = document.getElementById('kg-confidence'); c.value = v;"
                  " c.dispatchEvent(new Event('input')); c.dispatchEvent(new Event('change')); }", value)


@pytest.mark.browser
def test_page_works_offline_and_shows_the_whole_graph(sample_graph, tmp_path, local_page):
    page, log = _open(local_page, sample_graph, tmp_path)
    assert log.console_errors == [] and log.page_errors == []
    assert log.requests and log.external_requests == []
    methods, pairs = _shown(page)
    assert pairs == _pairs(sample_graph)
    assert methods == _methods(sample_graph)
    assert page.evaluate("() => kg.network.physics.options.enabled") is False
    labels = page.evaluate("() => kg.edges.get().map(e => e.label).sort()")
    assert labels == ["COCO", "ImageNet · 2.1"]
    # the canvas was painted: some pixel is not white
    assert page.evaluate(
        "() => { const c = document.querySelector('#kg-network canvas');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 0; i < d.length; i += 4) { if (d[i] < 250 || d[i+1] < 250 || d[i+2] < 250) return true; }"
        " return false; }")
    assert page.inner_text("#kg-status").startswith("Showing 3 of 3 methods · 2 of 2 arrows")


@pytest.mark.browser
def test_methods_without_claims_stay_off_the_canvas_until_asked(tmp_path, local_page):
    papers, extractions = sample_records()
    lonely = Paper("Lonely", "We propose LoneNet.", [Source("l.txt", 1)])
    evidence = Evidence(lonely.abstract, 0, len(lonely.abstract))
    extractions[lonely.key] = Extraction(lonely.key, proposed=[_mention("LoneNet", "method", evidence)])
    graph = build_graph(papers + [lonely], extractions, resolve(extractions.values()))
    page, log = _open(local_page, graph, tmp_path)
    lone = _method(graph, "LoneNet")
    methods, _ = _shown(page)
    assert methods == _methods(graph) - {lone}
    page.check("#kg-unclaimed")
    methods, pairs = _shown(page)
    assert methods == _methods(graph) and pairs == _pairs(graph)
    page.uncheck("#kg-unclaimed")
    assert lone not in _shown(page)[0]
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_benchmark_filter_keeps_the_claims_on_that_benchmark(parallel_graph, tmp_path, local_page):
    page, log = _open(local_page, parallel_graph, tmp_path)
    alpha, beta = _method(parallel_graph, "AlphaNet"), _method(parallel_graph, "BetaNet")
    assert _shown(page)[1] == {(alpha, beta), (beta, alpha)}
    label = page.evaluate(f"() => kg.edges.get().find(e => e.from === {json.dumps(alpha)}).label")
    assert label in ("ImageNet, COCO · 3 claims", "COCO, ImageNet · 3 claims")
    page.select_option("#kg-benchmark", "benchmark:coco")
    methods, pairs = _shown(page)
    assert pairs == {(alpha, beta)} and methods == {alpha, beta}
    assert page.evaluate("() => kg.edges.get().map(e => e.label)") == ["2 AP"]  # the filter names the benchmark
    page.select_option("#kg-benchmark", "benchmark:vqa")
    assert _shown(page)[1] == {(beta, alpha)}
    # the leaderboard shows that benchmark alone, winner first
    assert page.evaluate("() => Array.from(document.querySelectorAll('#kg-board details'))"
                         ".map(d => d.dataset.benchmark)") == ["benchmark:vqa"]
    assert page.evaluate("() => Array.from(document.querySelectorAll('#kg-board tbody tr'))"
                         ".map(r => r.dataset.method)") == [beta, alpha]
    page.select_option("#kg-benchmark", "")
    assert _shown(page)[1] == {(alpha, beta), (beta, alpha)}
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_organization_filter_keeps_the_claims_of_its_papers(sample_graph, tmp_path, local_page):
    page, log = _open(local_page, sample_graph, tmp_path)
    bargan, fn = _method(sample_graph, "BarGAN"), _method(sample_graph, "FN")
    page.select_option("#kg-organization", "organization:acme-research")
    methods, pairs = _shown(page)
    assert pairs == {(bargan, fn)} and methods == {bargan, fn}
    page.select_option("#kg-organization", "")
    assert _shown(page)[1] == _pairs(sample_graph)
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_confidence_threshold_hides_weaker_claims(sample_graph, tmp_path, local_page):
    page, log = _open(local_page, sample_graph, tmp_path)
    fn, resnet = _method(sample_graph, "FN"), _method(sample_graph, "ResNet")
    _set_confidence(page, 0.6)  # BarGAN's claim has 0.5, FN's 0.8
    assert _shown(page) == ({fn, resnet}, {(fn, resnet)})
    assert page.inner_text("#kg-confidence-value") == "0.60"
    _set_confidence(page, 0.85)
    assert _shown(page) == (set(), set())
    assert page.is_visible("#kg-empty")
    _set_confidence(page, 0)
    assert _shown(page)[1] == _pairs(sample_graph)
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_search_focuses_a_method_and_its_neighbours(tmp_path, local_page):
    graph = synthetic_graph(40, 60)
    page, log = _open(local_page, graph, tmp_path)
    pairs = _pairs(graph)
    hub = max(_ends(pairs), key=lambda m: sum(m in pair for pair in pairs))
    label = graph.nodes[hub]["label"]
    neighbours = {hub} | {v for u, v in pairs if u == hub} | {u for u, v in pairs if v == hub}
    page.fill("#kg-search", label.lower())
    page.press("#kg-search", "Enter")
    methods, shown_pairs = _shown(page)
    assert methods == neighbours
    assert shown_pairs == {(u, v) for u, v in pairs if u in neighbours and v in neighbours}
    assert page.evaluate("() => kg.network.getSelectedNodes()") == [hub]
    assert label in page.inner_text("#kg-details")
    page.click("#kg-clear")
    assert _shown(page)[1] == pairs
    page.fill("#kg-search", "no such method")
    page.press("#kg-search", "Enter")
    assert "no method matches" in page.inner_text("#kg-status")
    assert _shown(page)[1] == pairs
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_merged_arrow_tooltip_lists_every_claim_and_dims_filtered_ones(parallel_graph, tmp_path, local_page):
    page, log = _open(local_page, parallel_graph, tmp_path)
    alpha, beta = _method(parallel_graph, "AlphaNet"), _method(parallel_graph, "BetaNet")
    _hover_edge(page, alpha, beta)
    page.wait_for_function(VISIBLE_TIP, timeout=5000)
    tip = page.inner_text("#kg-tip")
    assert "AlphaNet → BetaNet · 3 claims" in tip
    heads = page.evaluate("() => Array.from(document.querySelectorAll('#kg-tip .claim .head')).map(h => h.innerText)")
    assert len(heads) == 3 and all(h.startswith("AlphaNet beats BetaNet") for h in heads)
    assert "on ImageNet by 1.5 points" in tip and "on COCO by 2 AP" in tip
    # every mention of the winner is marked: once in the first paper's sentence, twice in the second's
    assert page.evaluate("() => document.querySelectorAll('#kg-tip mark.winner').length") == 4
    page.select_option("#kg-benchmark", "benchmark:coco")
    _hover_edge(page, alpha, beta)
    page.wait_for_function(VISIBLE_TIP, timeout=5000)
    assert page.evaluate("() => document.querySelectorAll('#kg-tip .claim-item.filtered').length") == 2
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_clicking_an_arrow_keeps_its_evidence_in_the_side_panel_with_safe_links(parallel_graph, tmp_path,
                                                                               local_page):
    page, log = _open(local_page, parallel_graph, tmp_path)
    alpha, beta = _method(parallel_graph, "AlphaNet"), _method(parallel_graph, "BetaNet")
    _hover_edge(page, alpha, beta)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function("() => document.querySelectorAll('#kg-details .claim').length === 3")
    links = page.evaluate("() => Array.from(document.querySelectorAll('#kg-details a'))"
                          ".map(a => [a.getAttribute('href'), a.target, a.rel])")
    assert links and all(link == ["https://example.org/alpha?a=1&b=2", "_blank", "noopener noreferrer"]
                         for link in links)
    assert log.external_requests == []  # links are not followed by themselves
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_evidence_tooltip_shows_hostile_text_as_text(sample_graph, tmp_path, local_page):
    page, log = _open(local_page, sample_graph, tmp_path)
    bargan, fn = _method(sample_graph, "BarGAN"), _method(sample_graph, "FN")
    _hover_edge(page, bargan, fn)
    page.wait_for_function(VISIBLE_TIP, timeout=5000)
    text = page.inner_text("#kg-tip")
    assert "BarGAN beats FN on COCO" in text
    assert "<script>alert(1)</script>" in text  # shown literally, not run and not "&lt;"
    assert 'BarGAN <b>bold</b> & "quoted"' in text
    assert page.evaluate("() => document.querySelectorAll('#kg-tip script, #kg-tip b b').length") == 0
    assert log.dialogs == [] and log.page_errors == [] and log.console_errors == []


@pytest.mark.browser
def test_injected_markup_never_runs(hostile_graph, tmp_path, local_page):
    page, log = _open(local_page, hostile_graph, tmp_path, "hostile.html")
    page.wait_for_timeout(200)  # let any injected image fail to load and fire onerror
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => [kg.nodes.length, kg.edges.length]") == [2, 1]

    winner, loser = _method(hostile_graph, WINNER), _method(hostile_graph, LOSER)
    _hover_node(page, winner)
    page.wait_for_function(VISIBLE_TIP, timeout=5000)
    node_text = page.inner_text("#kg-tip")
    assert WINNER in node_text and ALIAS in node_text and TITLE in node_text
    _hover(page, "kg.network.DOMtoCanvas({x: 5, y: 5})")  # an empty corner of the canvas
    page.wait_for_function(f"() => !({VISIBLE_TIP})()", timeout=5000)

    _hover_edge(page, winner, loser)
    page.wait_for_function(VISIBLE_TIP, timeout=5000)
    edge_text = page.inner_text("#kg-tip")
    assert LOSER in edge_text and BENCH in edge_text and MARGIN in edge_text
    assert "<script>window.__pwned=5</script>" in edge_text and ORG in edge_text
    page.mouse.down()
    page.mouse.up()  # the side panel too
    page.wait_for_function("() => document.querySelector('#kg-details .claim') !== null")
    page.select_option("#kg-benchmark", index=1)
    page.select_option("#kg-organization", index=1)
    page.fill("#kg-search", WINNER)
    page.press("#kg-search", "Enter")
    page.wait_for_timeout(200)
    for where in ("#kg-tip", "#kg-details", "#kg-board"):
        tags = page.evaluate(f"() => Array.from(document.querySelectorAll('{where} *')).map(e => e.tagName.toLowerCase())")
        assert set(tags) <= CARD_TAGS | {"section", "h3", "p", "button", "details", "summary", "table", "thead",
                                         "tbody", "tr", "th", "td"}, where
    assert page.evaluate("() => document.querySelectorAll('#kg-details a, #kg-tip a').length") == 0  # javascript: url
    assert page.evaluate("() => window.__pwned") is None
    assert log.dialogs == [] and log.page_errors == [] and log.console_errors == []
    assert log.external_requests == []
    # no injected <img src=x> was ever created, so nothing asked for file:///.../x
    assert not [url for url in log.requests if Path(url).name == "x"]


@pytest.mark.browser
def test_big_graph_starts_from_its_most_connected_part_and_expands(tmp_path, local_page):
    graph = synthetic_graph(LARGE_GRAPH + 150, 3 * LARGE_GRAPH)
    start = set(starting_view(arrows(claims(graph)), LARGE_GRAPH, START_METHODS))
    page, log = _open(local_page, graph, tmp_path)
    methods, pairs = _shown(page)
    assert methods == start
    assert pairs == {(u, v) for u, v in _pairs(graph) if u in start and v in start}
    assert "most connected" in page.inner_text("#kg-status")
    assert page.is_disabled("#kg-expand")

    def neighbours_of(method: str) -> set[str]:
        return {v for u, v in _pairs(graph) if u == method} | {u for u, v in _pairs(graph) if v == method}

    seed = max(sorted(start), key=lambda m: len(neighbours_of(m) - start))  # a popular baseline
    neighbours = neighbours_of(seed)
    assert len(neighbours - start) > EXPAND_METHODS
    page.evaluate(f"() => kg.network.moveTo({{position: kg.network.getPosition({json.dumps(seed)}), scale: 3}})")
    _hover_node(page, seed)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function("() => !document.getElementById('kg-expand').disabled")
    page.click("#kg-expand")
    methods, _ = _shown(page)
    assert start < methods <= start | neighbours
    assert len(methods - start) == EXPAND_METHODS
    assert "more neighbours of" in page.inner_text("#kg-status")
    for _ in range(len(neighbours) // EXPAND_METHODS):  # a popular method comes in batches
        page.click("#kg-expand")
    assert _shown(page)[0] == start | neighbours
    assert "more neighbours" not in page.inner_text("#kg-status")

    page.click("#kg-show-all")
    methods, pairs = _shown(page)
    assert pairs == _pairs(graph) and methods == _ends(_pairs(graph))
    assert page.inner_text("#kg-show-all") == "Most connected only"
    page.click("#kg-show-all")
    assert _shown(page)[0] == start | neighbours
    assert log.console_errors == [] and log.page_errors == [] and log.external_requests == []


def test_browser_helper_skips_with_a_reason_when_chromium_is_missing(monkeypatch):
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    reason = browser.skip_reason()
    assert reason is not None and "/nonexistent/chromium" in reason


@pytest.mark.browser
def test_browser_helper_records_external_requests_and_errors(tmp_path, local_page):
    """The offline checks above are only as good as the recorder: it must see what a page tries."""
    path = tmp_path / "leaky.html"
    path.write_text('<!DOCTYPE html><img src="https://example.invalid/pixel.png">'
                    '<script>console.error("boom")</script>', encoding="utf-8")
    page, log = local_page(path)
    page.wait_for_timeout(200)
    assert log.external_requests == ["https://example.invalid/pixel.png"]
    assert any("boom" in error for error in log.console_errors)
