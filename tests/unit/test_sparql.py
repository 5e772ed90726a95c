"""``kgraph query``: canned queries with expected rows on a graph made for them, the same answers from
Oxigraph and rdflib, parameters bound safely, the three output formats, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from builds import league_graph, league_records, write_build
from test_rdf import HOSTILE, NON_ASCII, _hostile_graph

from kgraph.cli import main
from kgraph.errors import InputError
from kgraph.rdf import write_turtle
from kgraph.query.results import format_result
from kgraph.query.sparql import ENGINES, canned_queries, canned_query, check_params, query_graph, read_query, run_oxigraph


@pytest.fixture(scope="module")
def league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_build(tmp_path_factory.mktemp("league") / "build", *league_records())


def _canned(graph: Path, name: str, engine: str, **params: str) -> list[tuple[str | None, ...]]:
    query = canned_query(name)
    check_params(query, params)
    return query_graph(graph, query.text, query.path, params, engine).values()


def _beta_label() -> str:
    """The label entity resolution chose for Beta, also written BT (which one wins is the resolver's call)."""
    (label,) = [d["label"] for _, d in league_graph().nodes(data=True)
                if d["type"] == "Method" and {d["label"], *d["aliases"]} == {"Beta", "BT"}]
    return label


BETA = _beta_label()


def _split(cell: str | None) -> set[str]:
    """A GROUP_CONCAT cell as a set: SPARQL leaves the order of the parts to the engine."""
    return set(cell.split("; ")) if cell else set()


# ---------------------------------------------------------------------------------------------
# Canned queries: expected rows on the league graph (see tests/builds.py), on both engines


@pytest.mark.parametrize("engine", ENGINES)
def test_who_beats_matches_names_and_aliases_in_any_case(league: Path, engine: str) -> None:
    # Beta has one label and the other spelling as skos:altLabel: both find it
    by_alias = [("beta", BETA, "Alpha", "ImageNet", "top-1 accuracy", "2.1", "Alpha Paper")]
    assert _canned(league, "who-beats", engine, method="beta") == by_alias
    assert _canned(league, "who-beats", engine, method="bt") == [("bt", *by_alias[0][1:])]
    assert _canned(league, "who-beats", engine, method="GAMMA") == [
        ("GAMMA", "Gamma", "Alpha", "ImageNet", None, None, "Alpha Paper"),
        ("GAMMA", "Gamma", BETA, "COCO", None, "3x", "Beta Paper"),
    ]
    assert _canned(league, "who-beats", engine, method="Nobody") == []


@pytest.mark.parametrize("engine", ENGINES)
def test_leaderboard_ranks_within_tables_and_groups_with_the_best_margin(league: Path, engine: str) -> None:
    # ImageNet claims without a metric (BT > Alpha > Gamma) and with top-1 accuracy (Alpha > Beta)
    # are two tables; an unbound metric sorts first
    assert _canned(league, "leaderboard", engine) == [
        ("COCO", None, "1", "1", BETA, "1", "0", "1", "3x", "Gamma", None),
        ("COCO", None, "1", "2", "Gamma", "0", "1", "1", None, None, None),
        ("ImageNet", None, "1", "1", BETA, "1", "0", "1", None, None, None),
        ("ImageNet", None, "1", "2", "Alpha", "1", "1", "2", None, None, None),
        ("ImageNet", None, "1", "3", "Gamma", "0", "1", "1", None, None, None),
        ("ImageNet", "top-1 accuracy", "1", "1", "Alpha", "1", "0", "1", "2.1", BETA, "top-1 accuracy"),
        ("ImageNet", "top-1 accuracy", "1", "2", BETA, "0", "1", "1", None, None, None),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_most_beaten_counts_defeats_winners_and_papers(league: Path, engine: str) -> None:
    assert _canned(league, "most-beaten", engine) == [
        ("Gamma", "2", "2", "2"),
        *sorted([("Alpha", "1", "1", "1"), (BETA, "1", "1", "1")]),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_methods_per_organization(league: Path, engine: str) -> None:
    rows = _canned(league, "methods-per-organization", engine)
    assert [(org, count, _split(methods)) for org, count, methods in rows] == [
        ("Acme Lab", "2", {"Alpha", BETA}),
        ("Beta University", "1", {BETA}),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_conflicts_list_a_contradiction_with_both_claims_and_papers(league: Path, engine: str) -> None:
    (alpha_wins, beta_wins) = _canned(league, "conflicts", engine)
    cycle = f"contradiction on ImageNet: Alpha > {BETA} > Alpha"
    assert alpha_wins == ("ImageNet", "contradiction", cycle, "Alpha", BETA, "Alpha Paper", None,
                          "Alpha outperforms Beta by 2.1 top-1 accuracy on ImageNet.")
    assert beta_wins == ("ImageNet", "contradiction", cycle, BETA, "Alpha", "Beta Paper", "2024-05-01",
                         "BT outperforms Alpha on ImageNet.")


@pytest.mark.parametrize("engine", ENGINES)
def test_sota_lists_the_unbeaten_with_their_claims(league: Path, engine: str) -> None:
    # on ImageNet Alpha and BT beat each other: nobody is unbeaten
    assert _canned(league, "sota", engine, benchmark="imagenet") == []
    assert _canned(league, "sota", engine, benchmark="COCO") == [
        ("COCO", None, "COCO", BETA, "Gamma", "3x", None, "Beta Paper", "2024-05-01")]
    assert _canned(league, "sota", engine, benchmark="COCO", date="2024-04-30") == []  # before Beta Paper


@pytest.mark.parametrize("engine", ENGINES)
def test_papers_without_claims(league: Path, engine: str) -> None:
    assert _canned(league, "papers-without-claims", engine) == [("Gamma Survey", None, "2023-01-01")]


def test_every_canned_query_says_what_it_answers_and_is_tested() -> None:
    queries = canned_queries()
    assert sorted(queries) == sorted(["who-beats", "leaderboard", "most-beaten", "methods-per-organization",
                                      "conflicts", "papers-without-claims", "sota", "unreviewed-claims"])
    # unreviewed-claims is tested on a curated build: tests/unit/test_curation.py
    for query in queries.values():
        assert len(query.description) > 20 and not query.description.startswith("#")
    assert list(queries["who-beats"].params) == ["method"]
    assert (list(queries["sota"].params), queries["sota"].optional) == (["benchmark", "date"], {"date"})
    assert all(not q.params for name, q in queries.items() if name not in ("who-beats", "sota"))
    check_params(queries["sota"], {"benchmark": "COCO"})  # the date may be left out, the benchmark not
    with pytest.raises(InputError, match="sota needs --param benchmark=VALUE"):
        check_params(queries["sota"], {"date": "2024-01-01"})
    for wrong in ("yesterday", "2024-1-1", "2024-01"):  # no silent empty answer for a date of another shape
        with pytest.raises(InputError, match=f"--param date='{wrong}' is not of the form YYYY-MM-DD"):
            check_params(queries["sota"], {"benchmark": "COCO", "date": wrong})


# ---------------------------------------------------------------------------------------------
# Parameters


def test_parameters_are_bound_as_literals_not_spliced_into_the_query(league: Path) -> None:
    injection = 'x") } UNION { ?loserNode ?p ?name } #'
    for engine in ENGINES:
        assert _canned(league, "who-beats", engine, method=injection) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_names_are_found_by_their_exact_text(tmp_path: Path, engine: str) -> None:
    graph = _hostile_graph()  # HOSTILE beats NON_ASCII on '"COCO\\val"""'
    turtle = tmp_path / "graph.ttl"
    write_turtle(graph, turtle)
    rows = _canned(turtle, "who-beats", engine, method=NON_ASCII.lower())
    assert [(r[1], r[2], r[3], r[5]) for r in rows] == [(NON_ASCII, HOSTILE, '"COCO\\val"""', '3 "points"')]


@pytest.mark.parametrize("engine", ENGINES)
def test_backslash_u_in_a_parameter_is_not_an_escape(tmp_path: Path, engine: str) -> None:
    """SPARQL turns \\u0041 into A before parsing; a bound value never goes through that."""
    turtle = tmp_path / "graph.ttl"
    turtle.write_text(r'''
        @prefix kg: <https://w3id.org/kgraph/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <http://e/w> a kg:Method ; skos:prefLabel "Winner" .
        <http://e/l> a kg:Method ; skos:prefLabel "Net\\u0041\"" .
        <http://e/A> a kg:Method ; skos:prefLabel "NetA\"" .
        <http://e/c> a kg:Claim ; kg:winner <http://e/w> ; kg:loser <http://e/l> ; kg:statedIn <http://e/p> .
        <http://e/p> dcterms:title "P" .
    ''', encoding="utf-8")
    rows = _canned(turtle, "who-beats", engine, method='net\\u0041"')
    assert [(r[1], r[2]) for r in rows] == [('Net\\u0041"', "Winner")]


@pytest.mark.parametrize(("params", "message"), [
    ({}, "who-beats needs --param method=VALUE"),
    ({"method": "x", "metric": "y"}, "unknown parameter 'metric'; who-beats takes method"),
])
def test_canned_parameters_are_checked(params: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_params(canned_query("who-beats"), params)


# ---------------------------------------------------------------------------------------------
# Result forms and formats


def test_ask_and_construct_results(league: Path) -> None:
    ask = query_graph(league, "ASK { ?m <https://w3id.org/kgraph/ontology#outperforms> ?n }")
    assert ask.form == "ask" and ask.boolean is True
    assert format_result(ask, "table") == "yes\n"
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}
    construct = query_graph(league, "CONSTRUCT { ?m <http://e/beats> ?n } WHERE "
                                    "{ ?m <https://w3id.org/kgraph/ontology#outperforms> ?n }")
    text = format_result(construct, "json")  # graphs are N-Triples whatever the format
    assert len(list(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))) == 4


def test_json_follows_the_sparql_results_format(league: Path) -> None:
    store = ox.Store()
    store.load(path=league / "graph.ttl", format=ox.RdfFormat.TURTLE)
    query = canned_query("papers-without-claims")
    document = json.loads(format_result(run_oxigraph(store, query.text), "json"))
    assert document == {
        "head": {"vars": ["title", "arxivId", "date"]},
        "results": {"bindings": [{
            "title": {"type": "literal", "value": "Gamma Survey"},
            "date": {"type": "literal", "value": "2023-01-01", "datatype": "http://www.w3.org/2001/XMLSchema#date"},
        }]},
    }
    # Oxigraph's own SPARQL JSON serializer says the same
    native = store.query(query.text).serialize(format=ox.QueryResultsFormat.JSON)
    assert json.loads(native) == document


def test_table_aligns_columns_and_counts_rows(league: Path) -> None:
    query = canned_query("most-beaten")
    lines = format_result(query_graph(league, query.text), "table").splitlines()
    assert lines[0].split() == ["baseline", "defeats", "winners", "papers"]
    assert set(lines[1]) == {"─"}
    rows = lines[2:-1]
    assert [line.split() for line in rows] == [["Gamma", "2", "2", "2"],
                                               *sorted([["Alpha", "1", "1", "1"], [BETA, "1", "1", "1"]])]
    assert lines[-1] == "3 rows"
    # numbers are right-aligned under their header: every line ends its numbers at the same column
    assert len({len(line) for line in lines[:1] + rows}) == 1
    assert {line.index("defeats") for line in lines[:1]} == {rows[0].index("2") - len("defeats") + 1}


# ---------------------------------------------------------------------------------------------
# Command line


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_query_list_names_each_canned_query_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "query", "--list")
    assert status == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(canned_queries())
    who = next(line for line in lines if line.startswith("who-beats"))
    assert canned_query("who-beats").description in who and "--param method=" in who


@pytest.mark.parametrize("engine", ENGINES)
def test_query_csv_on_both_engines(league: Path, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "query", str(league), "--canned", "who-beats", "--param", "method=Gamma",
                            "--format", "csv", "--engine", engine)
    assert (status, err) == (0, "")
    assert list(csv.reader(io.StringIO(out))) == [
        ["method", "loser", "winner", "benchmark", "metric", "margin", "paper"],
        ["Gamma", "Gamma", "Alpha", "ImageNet", "", "", "Alpha Paper"],
        ["Gamma", "Gamma", BETA, "COCO", "", "3x", "Beta Paper"],
    ]


def test_query_text_and_rq_file_give_the_same_table(league: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?label WHERE { ?m skos:altLabel ?label }"
    rq = tmp_path / "aliases.rq"
    rq.write_text(text, encoding="utf-8")
    inline, from_file = _run(capsys, "query", str(league), text), _run(capsys, "query", str(league), str(rq))
    assert inline == from_file
    status, out, _ = inline
    assert status == 0 and out.splitlines()[0].strip() == "label"
    assert [line.strip() for line in out.splitlines()[2:]] == [({"Beta", "BT"} - {BETA}).pop(), "1 row"]


def test_query_on_papers_jsonl_and_json_output(league: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "query", str(league / "papers.jsonl"), "--canned", "most-beaten", "--format", "json")
    assert status == 0
    bindings = json.loads(out)["results"]["bindings"]
    assert [(b["baseline"]["value"], b["defeats"]["value"]) for b in bindings] == [
        ("Gamma", "2"), *sorted([("Alpha", "1"), (BETA, "1")])]
    assert bindings[0]["defeats"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


BAD_TURTLE = '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n'
BAD_SPARQL = "SELECT ?x WHERE {\n  ?x ?y ?z\n}\nLIMIT x"  # both parsers point at line 4


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("case", "expected"), [
    ("missing_graph", "{tmp}/missing: no such file or folder"),
    ("folder_without_graph", "{tmp}/empty: no graph.ttl in this folder"),
    ("bad_turtle", "{tmp}/bad.ttl:3: not valid Turtle"),
    ("bad_sparql_inline", "<query>:4: not valid SPARQL"),
    ("bad_sparql_file", "{tmp}/bad.rq:4: not valid SPARQL"),
    ("missing_rq_file", "{tmp}/missing.rq: no such file"),
    ("unknown_canned", "nope: no such canned query; known: conflicts, leaderboard"),
    ("missing_param", "{canned}: who-beats needs --param method=VALUE"),
    ("bad_param", "--param method: expected KEY=VALUE"),
    ("no_query", "kgraph query: give GRAPH and either a query"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, league: Path, case: str, expected: str, engine: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.ttl").write_text(BAD_TURTLE, encoding="utf-8")
    (tmp_path / "bad.rq").write_text(BAD_SPARQL, encoding="utf-8")
    graph = str(league)
    argv = {
        "missing_graph": [str(tmp_path / "missing"), "--canned", "leaderboard"],
        "folder_without_graph": [str(tmp_path / "empty"), "--canned", "leaderboard"],
        "bad_turtle": [str(tmp_path / "bad.ttl"), "--canned", "leaderboard"],
        "bad_sparql_inline": [graph, BAD_SPARQL],
        "bad_sparql_file": [graph, str(tmp_path / "bad.rq")],
        "missing_rq_file": [graph, str(tmp_path / "missing.rq")],
        "unknown_canned": [graph, "--canned", "nope"],
        "missing_param": [graph, "--canned", "who-beats"],
        "bad_param": [graph, "--canned", "who-beats", "--param", "method"],
        "no_query": [graph],
    }[case]
    status, out, err = _run(capsys, "query", *argv, "--engine", engine)
    assert status == 2 and out == ""
    assert err.startswith("kgraph: error: " + expected.format(tmp=tmp_path, canned=canned_query("who-beats").path)), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_read_query_takes_files_only_when_they_look_like_files(tmp_path: Path) -> None:
    assert read_query("SELECT * { ?s ?p ?o }") == ("SELECT * { ?s ?p ?o }", "<query>")
    rq = tmp_path / "q.sparql"
    rq.write_text("ASK {}", encoding="utf-8")
    assert read_query(str(rq)) == ("ASK {}", str(rq))


@pytest.mark.parametrize("method", ["beta", "GAMMA", 'net\\u0041" } INSERT DATA { <a:b> <a:b> <a:b> } #'])
def test_print_query_binds_the_parameters_so_the_text_alone_answers_the_same(
        league: Path, method: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, printed, err = _run(capsys, "query", "--canned", "who-beats", "--param", f"method={method}",
                                "--print-query")  # no GRAPH needed to print it
    assert (status, err) == (0, "")
    assert printed.startswith(canned_query("who-beats").text.split("WHERE", 1)[0])
    assert query_graph(league, printed).values() == _canned(league, "who-beats", "oxigraph", method=method)
    assert query_graph(league, canned_query("who-beats").text).values() == []  # unbound, as sent elsewhere
    if method == "beta":
        assert _canned(league, "who-beats", "oxigraph", method=method)  # the comparison is not between empties
    # with GRAPH given too (it is not read), and for a query of one's own
    assert _run(capsys, "query", str(league), "--canned", "who-beats", "--param", f"method={method}",
                "--print-query") == (0, printed, "")
    own = "SELECT ?x WHERE { BIND(?method AS ?x) }"
    status, printed_own, _ = _run(capsys, "query", own, "--param", f"method={method}", "--print-query")
    assert status == 0 and query_graph(league, printed_own).values() == [(method,)]
