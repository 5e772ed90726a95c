"""The state of the art in time on real pages and on the corpus build: the page's time control in
headless Chromium (changing the date changes the arrows shown; the leaderboard follows; conflicts are
drawn and listed), and, on the shared corpus, no ranking table holding methods with no path of
claims between them."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from browser import chromium, local_page  # noqa: F401  (pytest fixtures)
from dated import dated_graph
from test_viz import READY

from kgraph.build import build
from kgraph.ingest import read_papers
from kgraph.query.sources import read_store
from kgraph.query.sparql import canned_query, run_oxigraph
from kgraph.viz.page import write_html

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _move_to(page, position: int) -> None:
    page.evaluate("(v) => { const s = document.getElementById('kg-asof'); s.value = v;"
                  " s.dispatchEvent(new Event('input')); }", position)


def _arrows(page) -> set[tuple[str, str]]:
    return {tuple(p) for p in page.evaluate("() => kg.edges.get().map(e => [e.from, e.to])")}


def _board(page) -> list[tuple[str, str, str]]:
    """(benchmark, method, rank) of every row of the leaderboard, in order."""
    return [tuple(r) for r in page.evaluate(
        "() => Array.from(document.querySelectorAll('#kg-board tbody tr')).map(r =>"
        " [r.closest('details').dataset.benchmark, r.dataset.method, r.dataset.rank])")]


@pytest.mark.browser
def test_the_time_control_shows_the_graph_and_leaderboard_as_of_a_date(tmp_path, local_page):
    graph = dated_graph()
    write_html(graph, tmp_path / "graph.html", min_confidence=0)
    page, log = local_page(tmp_path / "graph.html")
    page.wait_for_function(READY)
    everything = _arrows(page)
    assert len(everything) == 8 and page.inner_text("#kg-asof-value") == "today, all claims (2 undated)"
    assert page.evaluate("() => document.querySelectorAll('#kg-board li.conflict').length") == 2
    dashed = page.evaluate("() => kg.edges.get().filter(e => e.dashes).map(e => [e.from, e.to])")
    assert {tuple(p) for p in dashed} == {("method:base", "method:gamma"), ("method:gamma", "method:beta"),
                                         ("method:beta", "method:base"), ("method:eta", "method:zeta"),
                                         ("method:zeta", "method:eta")}
    _move_to(page, 0)  # 2024-01-10: Alpha's paper alone
    assert _arrows(page) == {("method:alpha", "method:base")}
    assert page.inner_text("#kg-asof-value") == "2024-01-10 · 1 of 8 claims"
    assert _board(page) == [("benchmark:bench-1k", "method:alpha", "1"), ("benchmark:bench-1k", "method:base", "2")]
    _move_to(page, 3)  # 2024-03 (Gamma's arXiv month): no cycle yet, so no conflict listed or drawn
    assert _arrows(page) == {("method:alpha", "method:base"), ("method:beta", "method:alpha"),
                             ("method:beta", "method:base"), ("method:gamma", "method:beta"),
                             ("method:zeta", "method:eta")}
    assert page.evaluate("() => document.querySelectorAll('#kg-board li.conflict').length") == 0
    assert page.evaluate("() => kg.edges.get().filter(e => e.dashes).length") == 0
    page.click("#kg-play")  # from here to today, a date every step
    page.wait_for_function("() => document.getElementById('kg-asof').value === '5'", timeout=10_000)
    page.wait_for_function("() => document.getElementById('kg-play').textContent.includes('Play')")
    assert _arrows(page) == everything
    assert len(page.evaluate("() => kg.edges.get().filter(e => e.dashes)")) == 5  # the conflicts again
    assert log.console_errors == [] and log.page_errors == []


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    out = tmp_path_factory.mktemp("corpus") / "build"
    build(read_papers(sorted(CORPUS.glob("*.txt"))), out, jobs=1)
    return out


@pytest.mark.slow
def test_no_ranking_table_of_the_corpus_holds_methods_never_compared(corpus_build: Path) -> None:
    store = read_store(corpus_build)
    claims = run_oxigraph(store, """
        PREFIX kg: <https://w3id.org/kgraph/ontology#>
        SELECT ?benchmark ?metric ?winner ?loser WHERE {
          ?c a kg:Claim ; kg:onBenchmark ?benchmark ; kg:winner ?winner ; kg:loser ?loser .
          OPTIONAL { ?c kg:withMetric ?metric } }""").values()
    standings = run_oxigraph(store, """
        PREFIX kg: <https://w3id.org/kgraph/ontology#>
        SELECT ?benchmark ?metric ?group ?method WHERE {
          ?s a kg:Standing ; kg:standingOn ?benchmark ; kg:standingOf ?method ; kg:group ?group .
          OPTIONAL { ?s kg:standingMetric ?metric } }""").values()
    compared: dict[tuple, nx.Graph] = {}
    for benchmark, metric, winner, loser in claims:
        compared.setdefault((benchmark, metric), nx.Graph()).add_edge(winner, loser)
    tables: dict[tuple, set[str]] = {}
    for benchmark, metric, group, method in standings:
        tables.setdefault((benchmark, metric, group), set()).add(method)
    assert len(tables) > 10  # the corpus has many benchmarks (18 tables as of this writing)
    for (benchmark, metric, group), methods in tables.items():
        joined = compared[(benchmark, metric)]
        first = next(iter(methods))
        assert methods == nx.node_connected_component(joined, first), (benchmark, metric, group)
    # and every method of a table is ranked in the group of those it was compared with, so two
    # groups of one table never share a method
    per_table: dict[tuple, list[set[str]]] = {}
    for (benchmark, metric, _), methods in tables.items():
        per_table.setdefault((benchmark, metric), []).append(methods)
    assert all(len(set().union(*groups)) == sum(map(len, groups)) for groups in per_table.values())
    rows = run_oxigraph(store, canned_query("leaderboard").text).values()
    assert len(rows) == len(standings)


@pytest.mark.browser
@pytest.mark.slow
def test_the_corpus_page_changes_its_arrows_with_the_date(corpus_build: Path, local_page) -> None:
    page, log = local_page(corpus_build / "graph.html")
    page.wait_for_function(READY)
    data = page.evaluate("() => { const d = JSON.parse(document.getElementById('kg-data').textContent);"
                         " return {dates: d.timeline.dates, claimDates: d.claimDates, claims: d.claims.length}; }")
    dates = data["dates"]
    assert len(dates) > 10 and len(data["claimDates"]) == data["claims"]  # 22 dates as of this writing
    page.evaluate("() => { const c = document.getElementById('kg-confidence'); c.value = 0;"
                  " c.dispatchEvent(new Event('input')); }")
    page.evaluate("() => kg.setFilters({ showAll: true })")  # every arrow, not the readable starting part
    today = _arrows(page)
    seen = []
    for position in (len(dates) // 4, len(dates) // 2, len(dates) - 1):
        _move_to(page, position)
        shown = page.evaluate("(asOf) => kg.edges.get().map(e => e.claims.filter(i =>"
                              " kg_claim_dates[i] !== null && kg_claim_dates[i] <= asOf).length)"
                              .replace("kg_claim_dates", json.dumps(data["claimDates"])), dates[position])
        assert shown and all(count > 0 for count in shown)  # each arrow shown has a claim known by then
        seen.append(len(_arrows(page)))
    assert seen == sorted(seen) and seen[0] < seen[-1] < len(today)  # more arrows as time goes; undated ones last
    assert log.console_errors == [] and log.page_errors == []
