"""The HTML page of the graph: content, escaping, offline use, and (in Chromium) what it does."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from browser import chromium, local_page  # noqa: F401  (pytest fixtures)
from kgraph.graph import build_graph
from kgraph.model import Claim, Evidence, Extraction, Mention, Paper, Source
from kgraph.resolve import resolve
from kgraph.viz import BASELINE, PROPOSED, ROLE_COLORS, build_network, method_roles, render_html, write_html

# Each payload sets window.__pwned if it ever runs as markup or script.
WINNER = 'XSS<img src=x onerror="window.__pwned=1">Net'
LOSER = "</script><script>window.__pwned=2</script>"
BENCH = '<svg onload="window.__pwned=3">Bench'
ALIAS = "<b onmouseover=window.__pwned=4>X</b>"
TITLE = '<img src=x onerror="window.__pwned=6">Paper & "title"'
MARGIN = "<img src=x onerror=window.__pwned=7>"
PAYLOADS = (WINNER, LOSER, BENCH, ALIAS, TITLE, MARGIN)


def _mention(name: str, kind: str, evidence: Evidence, aliases: tuple[str, ...] = ()) -> Mention:
    start = evidence.text.index(name)
    return Mention(name, kind, evidence, start, start + len(name), "test", 0.9, list(aliases))


@pytest.fixture
def hostile_graph() -> nx.MultiDiGraph:
    """One paper whose title, methods, alias, benchmark, margin and evidence all carry payloads."""
    text = (f"We propose {WINNER} ({ALIAS}). {WINNER} outperforms {LOSER} on {BENCH} "
            "<script>window.__pwned=5</script>.")
    evidence = Evidence(text, 0, len(text))
    paper = Paper(TITLE, text, [Source("hostile.txt", 1)], arxiv_id="2401.99999")
    extraction = Extraction(
        paper.key,
        proposed=[_mention(WINNER, "method", evidence, (ALIAS,))],
        benchmarks=[_mention(BENCH, "benchmark", evidence)],
        baselines=[_mention(LOSER, "method", evidence)],
        claims=[Claim(WINNER, LOSER, evidence, "test", 0.7, benchmark=BENCH, margin=MARGIN)],
    )
    return build_graph([paper], {paper.key: extraction}, resolve([extraction]))


def _claims(graph: nx.MultiDiGraph) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == "outperforms"]


def _methods(graph: nx.MultiDiGraph) -> set[str]:
    return {n for n, t in graph.nodes(data="type") if t == "Method"}


def _page_items(page: str) -> tuple[list[dict], list[dict]]:
    """The node and edge items embedded in a rendered page."""
    nodes = re.search(r"var nodeItems = (\[.*?\]);\n", page)
    edges = re.search(r"var edgeItems = (\[.*?\]);\n", page)
    assert nodes and edges, "node/edge data not found in the page"
    return json.loads(nodes.group(1)), json.loads(edges.group(1))


def _method(graph: nx.MultiDiGraph, label: str) -> str:
    return next(n for n, d in graph.nodes(data=True) if d["type"] == "Method" and d["label"] == label)


# --- the page source -------------------------------------------------------------------------


def test_page_has_one_node_per_method_and_one_arrow_per_claim(sample_graph):
    nodes, edges = _page_items(render_html(sample_graph))
    assert {n["id"] for n in nodes} == _methods(sample_graph)
    assert len(nodes) == len(_methods(sample_graph)) == 3
    assert len(edges) == len(_claims(sample_graph)) == 2


def test_arrows_point_from_winner_to_loser_and_name_the_benchmark(sample_graph):
    fn, resnet, bargan = (_method(sample_graph, label) for label in ("FN", "ResNet", "BarGAN"))
    _, edges = _page_items(render_html(sample_graph))
    arrows = {(e["from"], e["to"]): e for e in edges}
    assert set(arrows) == {(fn, resnet), (bargan, fn)}  # never loser -> winner
    assert all(e["arrows"] == "to" for e in edges)
    assert arrows[(fn, resnet)]["label"] == "ImageNet"
    assert arrows[(bargan, fn)]["label"] == "COCO"


def test_node_colours_tell_proposed_methods_from_baselines(sample_graph):
    fn, resnet, bargan = (_method(sample_graph, label) for label in ("FN", "ResNet", "BarGAN"))
    assert method_roles(sample_graph) == {fn: PROPOSED, bargan: PROPOSED, resnet: BASELINE}
    assert ROLE_COLORS[PROPOSED]["background"] != ROLE_COLORS[BASELINE]["background"]
    nodes, _ = _page_items(render_html(sample_graph))
    colours = {n["id"]: n["color"]["background"] for n in nodes}
    assert colours == {fn: ROLE_COLORS[PROPOSED]["background"], bargan: ROLE_COLORS[PROPOSED]["background"],
                       resnet: ROLE_COLORS[BASELINE]["background"]}
    page = render_html(sample_graph)
    for role in (PROPOSED, BASELINE):  # the legend shows both swatches
        assert f'<span class="dot" style="background: {ROLE_COLORS[role]["background"]}' in page


def test_tooltips_carry_aliases_papers_and_evidence(sample_graph):
    fn, bargan = _method(sample_graph, "FN"), _method(sample_graph, "BarGAN")
    nodes, edges = _page_items(render_html(sample_graph))
    fn_title = next(n["title"] for n in nodes if n["id"] == fn)
    assert "Also called: Foo-Net, foo net" in fn_title
    assert "Proposed in: <i>Foo-Net: A Test Network</i>" in fn_title
    claim = next(e for e in edges if e["from"] == bargan)
    evidence = next(d["evidence"] for u, _, d in _claims(sample_graph) if u == bargan)
    assert html.escape(evidence) in claim["title"]
    assert html.escape('BarGAN <b>bold</b> & "quoted"') in claim["title"]
    assert "arXiv:2401.00001" in claim["title"]


def test_hostile_text_is_escaped_in_the_source(sample_graph, hostile_graph):
    page = render_html(sample_graph)
    assert "<script>alert(1)" not in page
    assert "<b>bold</b>" not in page
    plain = page.lower()
    page = render_html(hostile_graph)
    # No input text opens or closes a script element: the hostile page has exactly the (script)
    # tags of a harmless one (the inlined vis-network itself holds a "<script>" string).
    assert page.lower().count("<script") == plain.count("<script")
    assert page.lower().count("</script") == plain.count("</script")
    for payload in PAYLOADS:
        assert payload not in page
    nodes, edges = _page_items(page)
    titles = [item["title"] for item in nodes + edges]
    for payload in (WINNER, LOSER, ALIAS, TITLE, BENCH, MARGIN):
        assert any(html.escape(payload) in title for title in titles), payload
    for title in titles:  # after escaping, no input text can form a tag or an attribute
        assert not re.search(r"<(?!/?(?:div|b|i)\b)", title), title
        assert not re.search(r"<[^>]*\bon[a-z]+=", title), title
    # Labels are drawn on a canvas as text: they stay raw (escaping would show "&lt;").
    assert {n["label"] for n in nodes} == {WINNER, LOSER}
    assert {e["label"] for e in edges} == {BENCH}


def test_page_references_nothing_outside_itself(sample_graph):
    page = render_html(sample_graph)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"@import", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "tom-select"):
        assert cdn not in page.lower()
    assert "vis.Network" in page and len(page) > 400_000  # vis-network itself is inlined


def test_layout_is_computed_in_python_and_physics_is_off(sample_graph):
    net = build_network(sample_graph)
    assert net.options["physics"]["enabled"] is False
    positions = {(n["x"], n["y"]) for n in net.nodes}
    assert len(positions) == len(net.nodes)  # every method has its own place
    assert all(isinstance(c, float) for xy in positions for c in xy)


def test_arrows_between_the_same_methods_are_bent_apart():
    graph = nx.MultiDiGraph()
    for name in ("a", "b"):
        graph.add_node(f"method:{name}", type="Method", label=name.upper(), aliases=[])
    for key in ("x", "y"):
        graph.add_edge("method:a", "method:b", key=key, type="outperforms", benchmark=None, evidence="A beats B.")
    graph.add_edge("method:b", "method:a", key="z", type="outperforms", benchmark=None, evidence="B beats A.")
    _, edges = _page_items(render_html(graph))
    assert len(edges) == 3

    def bend(edge: dict) -> float:
        """Signed bend in the frame method:a -> method:b (curvedCW bends to the right of travel)."""
        smooth = edge["smooth"]
        if not smooth["enabled"]:
            return 0.0
        side = 1 if smooth["type"] == "curvedCW" else -1
        forward = 1 if edge["from"] == "method:a" else -1
        return side * forward * smooth["roundness"]

    bends = [bend(e) for e in edges]
    assert len(set(bends)) == 3, bends  # no two arrows drawn on top of each other


def test_empty_graph_renders_a_message():
    page = render_html(nx.MultiDiGraph())
    assert "No methods in this graph." in page
    assert _page_items(page) == ([], [])


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


# --- in the browser --------------------------------------------------------------------------

VISIBLE_TOOLTIP = ("() => { const t = document.querySelector('div.vis-tooltip');"
                   " return t !== null && t.style.visibility === 'visible'; }")


def _hover(page, script: str) -> None:
    """Move the mouse to a canvas point computed by ``script`` (uses the page's ``network``)."""
    x, y = page.evaluate(
        "(script) => { const box = document.getElementById('kg-network').getBoundingClientRect();"
        " const p = network.canvasToDOM((new Function('return ' + script))());"
        " return [box.left + p.x, box.top + p.y]; }",
        script,
    )
    page.mouse.move(1, 1)
    page.mouse.move(x, y, steps=4)


def _hover_node(page, node_id: str) -> None:
    _hover(page, f"network.getPosition({json.dumps(node_id)})")


def _hover_edge(page, winner: str, loser: str) -> None:
    """A point a third of the way along a straight arrow (clear of both nodes and the label)."""
    _hover(page, f"(() => {{ const a = network.getPosition({json.dumps(winner)}),"
                 f" b = network.getPosition({json.dumps(loser)});"
                 " return {x: a.x + (b.x - a.x) / 3, y: a.y + (b.y - a.y) / 3}; })()")


@pytest.mark.browser
def test_page_works_offline_in_chromium(sample_graph, tmp_path, local_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph, path)
    page, log = local_page(path)
    page.wait_for_function("() => typeof network === 'object' && network !== null")
    assert log.console_errors == []
    assert log.page_errors == []
    assert log.requests and log.external_requests == []
    counts = page.evaluate("() => [nodes.length, edges.length,"
                           " network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [len(_methods(sample_graph)), len(_claims(sample_graph))] * 2
    assert page.evaluate("() => network.physics.options.enabled") is False
    directions = page.evaluate("() => edges.get().map(e => [e.from, e.to])")
    assert sorted(map(tuple, directions)) == sorted((u, v) for u, v, _ in _claims(sample_graph))
    # the canvas was painted: some pixel is not white
    assert page.evaluate(
        "() => { const c = document.querySelector('#kg-network canvas');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 0; i < d.length; i += 4) { if (d[i] < 250 || d[i+1] < 250 || d[i+2] < 250) return true; }"
        " return false; }")


@pytest.mark.browser
def test_evidence_tooltip_shows_hostile_text_as_text(sample_graph, tmp_path, local_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph, path)
    page, log = local_page(path)
    bargan, fn = _method(sample_graph, "BarGAN"), _method(sample_graph, "FN")
    _hover_edge(page, bargan, fn)
    page.wait_for_function(VISIBLE_TOOLTIP, timeout=5000)
    text = page.inner_text("div.vis-tooltip")
    assert "BarGAN outperforms FN on COCO" in text
    assert "<script>alert(1)</script>" in text  # shown literally, not run and not "&lt;"
    assert 'BarGAN <b>bold</b> & "quoted"' in text
    assert page.evaluate("() => document.querySelectorAll('div.vis-tooltip script, div.vis-tooltip b b').length") == 0
    assert log.dialogs == [] and log.page_errors == [] and log.console_errors == []


@pytest.mark.browser
def test_injected_markup_never_runs(hostile_graph, tmp_path, local_page):
    path = tmp_path / "hostile.html"
    write_html(hostile_graph, path)
    page, log = local_page(path)
    page.wait_for_function("() => typeof network === 'object' && network !== null")
    page.wait_for_timeout(200)  # let any injected image fail to load and fire onerror
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => [nodes.length, edges.length]") == [2, 1]

    winner, loser = _method(hostile_graph, WINNER), _method(hostile_graph, LOSER)
    _hover_node(page, winner)
    page.wait_for_function(VISIBLE_TOOLTIP, timeout=5000)
    node_text = page.inner_text("div.vis-tooltip")
    assert WINNER in node_text and ALIAS in node_text and TITLE in node_text
    _hover(page, "network.DOMtoCanvas({x: 5, y: 5})")  # an empty corner of the canvas
    page.wait_for_function(f"() => !({VISIBLE_TOOLTIP})()", timeout=5000)

    _hover_edge(page, winner, loser)
    page.wait_for_function(VISIBLE_TOOLTIP, timeout=5000)
    edge_text = page.inner_text("div.vis-tooltip")
    assert LOSER in edge_text and BENCH in edge_text and MARGIN in edge_text
    assert "<script>window.__pwned=5</script>" in edge_text
    page.wait_for_timeout(200)
    tooltip_elements = page.evaluate("() => Array.from(document.querySelectorAll('div.vis-tooltip *'))"
                                     ".map(e => e.tagName.toLowerCase())")
    assert set(tooltip_elements) <= {"div", "b", "i"}  # only the markup we wrote ourselves
    assert page.evaluate("() => window.__pwned") is None
    assert log.dialogs == []
    assert log.page_errors == []
    assert log.external_requests == []
    # no injected <img src=x> was ever created, so nothing asked for file:///.../x
    assert not [url for url in log.requests if Path(url).name == "x"]


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
