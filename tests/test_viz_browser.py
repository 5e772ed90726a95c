"""The explorer page in headless Chromium: it works offline, its filters, search and tooltips, and
no injected markup ever runs (the page's data and HTML are tested in tests/unit/test_viz.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from conftest import sample_records
from synthetic import synthetic_graph
from test_viz import (  # noqa: F401  (hostile_graph, parallel_graph: pytest fixtures)
    ALIAS, BENCH, CARD_TAGS, LOSER, MARGIN, ORG, READY, TITLE, WINNER, _mention, _method, _methods, _pairs,
    hostile_graph, parallel_graph,
)

from kgraph.graph import build_graph
from kgraph.model import Evidence, Extraction, Paper, Source
from kgraph.resolve import resolve
from kgraph.viz.data import arrows, claims, starting_view
from kgraph.viz.page import DEFAULT_MIN_CONFIDENCE, EXPAND_METHODS, LARGE_GRAPH, START_METHODS, write_html

pytestmark = pytest.mark.browser


VISIBLE_TIP = "() => !document.getElementById('kg-tip').hidden"


def _open(local_page, graph: nx.MultiDiGraph, tmp_path: Path, name: str = "graph.html", min_confidence: float = 0):
    """The page, opened with every claim shown (``min_confidence`` 0) unless asked otherwise."""
    path = tmp_path / name
    write_html(graph, path, min_confidence=min_confidence)
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
    assert labels == ["COCO", "ImageNet\n2.1"]  # benchmark, then margin below
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
    assert label == "COCO +1\n3 claims"  # the first benchmark and how many more
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
def test_the_page_opens_at_the_calibrated_confidence_threshold(sample_graph, tmp_path, local_page):
    """By default (DEFAULT_MIN_CONFIDENCE, chosen from the calibration) a claim below it starts hidden;
    the slider shows it."""
    page, log = _open(local_page, sample_graph, tmp_path, min_confidence=DEFAULT_MIN_CONFIDENCE)
    fn, resnet = _method(sample_graph, "FN"), _method(sample_graph, "ResNet")
    assert page.inner_text("#kg-confidence-value") == f"{DEFAULT_MIN_CONFIDENCE:.2f}"
    assert _shown(page) == ({fn, resnet}, {(fn, resnet)})  # BarGAN's claim has 0.5, FN's 0.8
    _set_confidence(page, 0)
    assert _shown(page)[1] == _pairs(sample_graph)
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_search_focuses_a_method_and_its_neighbours(tmp_path, local_page):
    graph = synthetic_graph(40, 60)
    page, log = _open(local_page, graph, tmp_path)
    pairs = _pairs(graph)
    start = _shown(page)[1]  # the readable default view (the busiest groups)
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
    assert _shown(page)[1] == start
    page.fill("#kg-search", "no such method")
    page.press("#kg-search", "Enter")
    assert "no method matches" in page.inner_text("#kg-status")
    assert _shown(page)[1] == start
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
    # the paper's own page, or (Beta paper has none) the arXiv search for its title
    assert {tuple(link) for link in links} == {
        ("https://example.org/alpha?a=1&b=2", "_blank", "noopener noreferrer"),
        ("https://arxiv.org/search/?searchtype=title&query=Beta%20paper", "_blank", "noopener noreferrer")}
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
                                         "tbody", "tr", "th", "td", "h4", "ul", "li"}, where
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('#kg-details a, #kg-tip a'), a => a.href)")
    # not the javascript: url: the arXiv search for the title
    assert hrefs and all(h.startswith("https://arxiv.org/search/?searchtype=title&query=") for h in hrefs)
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


@pytest.mark.browser
def test_a_plugin_filter_and_the_hooks(parallel_graph, tmp_path, local_page):
    """kg.filters takes a condition of a plugin's own; kg.on("view"/"fit"/"state") hear each change."""
    page, log = _open(local_page, parallel_graph, tmp_path)
    alpha, beta = _method(parallel_graph, "AlphaNet"), _method(parallel_graph, "BetaNet")
    page.evaluate("() => { window.heard = []; ['view', 'fit', 'state'].forEach(n => kg.on(n, () => heard.push(n))); }")
    page.evaluate("() => { kg.filters.push((claim) => claim.benchmark !== 'benchmark:vqa'); kg.setFilters({}); }")
    assert _shown(page)[1] == {(alpha, beta)}  # BetaNet's only win is on VQA
    assert page.evaluate("() => heard") == ["fit", "view", "state"]
    page.evaluate("() => { kg.filters.length = 0; kg.setFilters({}); }")
    assert _shown(page)[1] == {(alpha, beta), (beta, alpha)}
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_csv_cells_a_spreadsheet_would_run_are_quoted_as_text(tmp_path, local_page):
    page, log = _open(local_page, nx.MultiDiGraph(), tmp_path)
    rows = page.evaluate("""() => kg.csv([["=HYPERLINK(\\"http://x\\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                          "+0.3%", "-1.5", "2.1 points", "a, \\"b\\""]])""")
    assert rows.endswith("\r\n") and list(csv.reader(io.StringIO(rows))) == [[
        "'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "+0.3%", "-1.5", "2.1 points",
        'a, "b"']]
    assert log.console_errors == [] and log.page_errors == []
