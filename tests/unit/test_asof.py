"""Claims in time, conflicts and rankings on a hand-made dated graph (tests/dated.py), in Python and in SPARQL."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from dated import dated_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from kgraph.asof import Stated, claim_dates, comparable_date, family, frontier, stated_claims, undated_papers
from kgraph.conflicts import conflicts
from kgraph.ingest.merge import merge_papers
from kgraph.ingest.records import arxiv_month, new_paper
from kgraph.model import Source
from kgraph.query.sparql import ENGINES, canned_query, query_graph
from kgraph.rank import groups, standings
from kgraph.rdf import to_rdf, write_turtle

GRAPH = dated_graph()
CLAIMS = stated_claims(GRAPH)
BENCH = family(GRAPH, "benchmark:bench")


def _fronts(as_of: str | None) -> list[tuple[str, str]]:
    return [(front.method, front.benchmark) for front in frontier(CLAIMS, BENCH, as_of)]


def test_claims_carry_the_date_of_their_paper_and_undated_papers_are_reported() -> None:
    dated = {(c.winner, c.loser): c.date for c in CLAIMS}
    assert dated[("method:gamma", "method:beta")] == "2024-03"  # the month of its arXiv id
    assert dated[("method:eta", "method:zeta")] is None  # "--02-02": a day without a year
    assert undated_papers(CLAIMS) == ["paper:delta-paper", "paper:eta-paper"]
    assert claim_dates(CLAIMS) == ["2024-01-10", "2024-02-01", "2024-02-05", "2024-03", "2024-03-20"]
    assert [comparable_date(d) for d in ("2024-03-05", "2024-03", "--03-05", None, "")] == [
        "2024-03-05", "2024-03", None, None, None]


def test_the_frontier_as_of_three_dates_then_a_cycle_empties_it() -> None:
    assert BENCH == ["benchmark:bench", "benchmark:bench-1k"]  # the family and its variant
    assert _fronts("2024-01-31") == [("method:alpha", "benchmark:bench-1k")]
    assert _fronts("2024-02-28") == [("method:beta", "benchmark:bench-1k")]  # Beta beat Alpha on Feb 5
    assert _fronts("2024-03-15") == [("method:gamma", "benchmark:bench-1k")]  # March counts from its first day
    assert _fronts("2024-03-31") == []  # Base beat Gamma: Beta > Base > Gamma > Beta
    # today, undated claims count too: Delta, never beaten, is on it
    assert _fronts(None) == [("method:delta", "benchmark:bench-1k")]
    (gamma,) = frontier(CLAIMS, BENCH, "2024-03-15")
    assert [(c.loser, c.margin, c.paper) for c in gamma.wins] == [("method:beta", "+0.5 points", "paper:2403.00003")]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_sota_query_gives_the_same_frontier(tmp_path: Path, engine: str) -> None:
    write_turtle(GRAPH, tmp_path / "graph.ttl")
    query = canned_query("sota")
    for as_of in ("2024-01-31", "2024-02-28", "2024-03-15", "2024-03-31"):
        rows = query_graph(tmp_path / "graph.ttl", query.text, query.path, {"benchmark": "BENCH", "date": as_of},
                           engine).values()
        expected = {(GRAPH.nodes[m]["label"], GRAPH.nodes[b]["label"]) for m, b in _fronts(as_of)}
        assert {(method, on) for _, _, on, method, *_ in rows} == expected, as_of
    rows = query_graph(tmp_path / "graph.ttl", query.text, query.path, {"benchmark": "bench-1k"}, engine).values()
    assert rows == [("bench-1k", None, "Bench-1K", "Delta", "Epsilon", None, "top-1 accuracy", "Delta paper", None)]


def test_a_three_cycle_and_a_contradiction_are_flagged() -> None:
    cycle, contradiction = conflicts(CLAIMS)
    assert (cycle.kind, cycle.benchmark, cycle.methods) == (
        "cycle", "benchmark:bench-1k", ("method:base", "method:gamma", "method:beta"))
    assert cycle.papers == ["paper:2403.00003", "paper:base-strikes-back", "paper:beta-paper"]
    assert (contradiction.kind, contradiction.methods) == ("contradiction", ("method:eta", "method:zeta"))
    assert conflicts(CLAIMS, "2024-03-15") == []  # before Base struck back, and the undated side unknown


def test_unconnected_groups_are_never_ranked_against_each_other() -> None:
    table = [s for s in standings(CLAIMS) if s.benchmark == "benchmark:bench-1k"]
    by_group = {g: {s.method for s in table if s.group == g} for g in {s.group for s in table}}
    assert by_group == {1: {"method:alpha", "method:base", "method:beta", "method:gamma"},
                        2: {"method:delta", "method:epsilon"}}
    assert [(s.method, s.rank) for s in table if s.group == 2] == [("method:delta", 1), ("method:epsilon", 2)]
    beta = next(s for s in table if s.method == "method:beta")
    assert (beta.rank, beta.wins, beta.losses, beta.claims, beta.best.margin) == (1, 2, 1, 3, "+2.5 points")
    # as of February only Alpha, Beta and Base were compared: Delta's undated claim is left out
    february = [(s.method, s.rank) for s in standings(CLAIMS, "2024-02-28") if s.benchmark == "benchmark:bench-1k"]
    assert february == [("method:beta", 1), ("method:alpha", 2), ("method:base", 3)]


def test_one_strong_win_ranks_above_many_weak_ones() -> None:
    """X beats S, which beats A-D; Y beats A-C: counting wins puts S first, Bradley-Terry X."""
    claims = [Stated("X", "S", "p", "B"), *(Stated("S", w, "q", "B") for w in "ABCD"),
              *(Stated("Y", w, "r", "B") for w in "ABC")]
    ranked = [(s.method, s.rank, s.wins) for s in standings(claims)]
    assert ranked[:3] == [("X", 1, 1), ("Y", 2, 3), ("S", 3, 4)]
    assert {s.rank for s in standings(claims) if s.method in "ABC"} == {5}  # equal strength, one rank
    assert groups(claims) == [["A", "B", "C", "D", "S", "X", "Y"]]


def test_rdf_dates_are_typed_by_precision_and_analyses_are_nodes() -> None:
    rdf = to_rdf(GRAPH)
    dates = set(rdf.objects(None, DCTERMS.date))
    assert {Literal("2024-03", datatype=XSD.gYearMonth), Literal("--02-02", datatype=XSD.gMonthDay),
            Literal("2024-01-10", datatype=XSD.date)} <= dates
    counts = {name: len(list(rdf.query(f"SELECT ?n WHERE {{ ?n a <https://w3id.org/kgraph/ontology#{name}> }}")))
              for name in ("Conflict", "Standing")}
    assert counts == {"Conflict": 2, "Standing": 8}


def test_an_arxiv_id_dates_a_paper_without_a_date_by_its_month() -> None:
    assert [arxiv_month(i) for i in ("2403.00003", "0704.0001", "hep-th/9901001", "2413.00001")] == [
        "2024-03", "2007-04", "1999-01", None]
    undated = new_paper("T", "An abstract.", Source("a.jsonl", 1), arxiv_id="2403.00003")
    dated = new_paper("T", "An abstract.", Source("b.jsonl", 1), arxiv_id="2403.00003", date="2024-03-07")
    assert (undated.date, dated.date) == ("2024-03", "2024-03-07")
    # merged, the day wins over the month, whichever was read first
    assert merge_papers([undated, dated])[0].date == merge_papers([dated, undated])[0].date == "2024-03-07"


def test_the_dated_graph_satisfies_the_shapes() -> None:
    import pyshacl  # the test extra

    shapes = Graph().parse(data=(files("kgraph.ontology") / "shapes.ttl").read_text("utf-8"), format="turtle")
    conforms, _, report = pyshacl.validate(to_rdf(GRAPH), shacl_graph=shapes)
    assert conforms, report
    broken = to_rdf(GRAPH)
    broken.add((URIRef("https://w3id.org/kgraph/id/paper/alpha-paper"), DCTERMS.date, Literal("2024")))
    assert not pyshacl.validate(broken, shacl_graph=shapes)[0]  # a plain string is no date


def test_the_page_gets_claim_dates_leaderboards_by_date_and_conflicts_with_their_arrows(monkeypatch) -> None:
    from kgraph.viz import timeline
    from kgraph.viz.data import arrows, claims

    claim_list = claims(GRAPH)
    ids = {(a.winner, a.loser): f"a{i}" for i, a in enumerate(arrows(claim_list))}
    data = timeline.timeline_data(GRAPH, claim_list, ids)
    assert data["claimDates"] == [comparable_date(GRAPH.nodes[d["paper"]]["date"]) for *_, d in claim_list]
    assert data["timeline"] == {"dates": claim_dates(CLAIMS), "undated": 2}
    assert [b["asOf"] for b in data["boards"]] == [*claim_dates(CLAIMS), None]  # then today
    first = [dict(zip(data["rowFields"], row)) for row in data["boards"][0]["rows"]]
    assert [(r["method"], r["rank"], r["wins"], r["losses"], r["best"]) for r in first] == [
        ("method:alpha", 1, 1, 0, "+1.0 points over Base"), ("method:base", 2, 0, 1, "")]
    assert data["boards"][-1]["groups"] == {"benchmark:bench-1k|top-1 accuracy": 2, "benchmark:other|": 1}
    cycle = next(c for c in data["conflicts"] if len(c["methods"]) == 3)
    assert cycle["label"] == "cycle on Bench-1K: Base > Gamma > Beta > Base"
    assert sorted(cycle["arrows"]) == sorted(ids[p] for p in [("method:base", "method:gamma"),
                                                              ("method:gamma", "method:beta"),
                                                              ("method:beta", "method:base")])
    monkeypatch.setattr(timeline, "MAX_SNAPSHOTS", 3)  # a long history is sampled, its last date kept
    monkeypatch.setattr(timeline, "MAX_GROUPS", 1)  # and only the largest groups of a table are shipped
    boards = timeline.timeline_data(GRAPH, claim_list, ids)["boards"]
    assert [b["asOf"] for b in boards] == ["2024-01-10", "2024-02-05", "2024-03-20", None]
    assert {row[5] for row in boards[-1]["rows"]} == {"method:alpha", "method:base", "method:beta", "method:gamma",
                                                      "method:eta", "method:zeta"}  # not Delta's group 2
    assert boards[-1]["groups"]["benchmark:bench-1k|top-1 accuracy"] == 2
