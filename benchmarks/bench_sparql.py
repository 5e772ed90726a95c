"""SPARQL on a graph of over a million triples: every canned query on Oxigraph and on rdflib.

    python benchmarks/bench_sparql.py [--papers 6000] [--timeout 60] [--keep DIR]

Builds a synthetic graph in kgraph's networkx schema (papers proposing methods that beat
popular baselines on benchmarks, with mentions, organizations, margins and evidence offsets,
a few third-party claims that contradict others, a few papers without claims), exports it
to Turtle with kgraph's exporter (timed), bulk-loads that Turtle into an in-memory Oxigraph
store (timed, as is Oxigraph's own Turtle dump of it, for comparison), and runs each canned query of ``ontology/queries`` once on Oxigraph and once on
rdflib's engine (over the exporter's own rdflib graph, so no second parse). An rdflib query
runs in a forked child that is killed after ``--timeout`` seconds: it is then reported as
"> N s" rather than waited for. Everything comes from this one run; nothing is cached.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing as mp
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

import networkx as nx
import pyoxigraph as ox
import rdflib

from kgraph.io import write_text
from kgraph.rdf import serialize_rdf, to_rdf
from kgraph.query.sparql import canned_queries, run_oxigraph, run_rdflib

T = TypeVar("T")
SYLLABLES = ("ka", "lo", "mi", "ra", "zu", "te", "vo", "qui", "den", "sal", "or", "pex")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# Synthetic graph


def _name(rng: random.Random, index: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + f"-{index}"


def _evidence(text: str, sentence: str, field: str = "abstract") -> dict[str, object]:
    start = text.index(sentence)
    return {"evidence": sentence, "evidence_start": start, "evidence_end": start + len(sentence),
            "evidence_field": field, "rule": "synthetic", "confidence": 0.8}


def _mention(graph: nx.MultiDiGraph, paper: str, entity: str, edge_type: str, text: str, sentence: str,
             name: str) -> None:
    offset = text.index(sentence) + sentence.index(name)
    graph.add_edge(paper, entity, key=edge_type, type=edge_type, name=name, name_start=offset,
                   name_end=offset + len(name), **_evidence(text, sentence))


def synthetic_graph(papers: int, seed: int = 7) -> nx.MultiDiGraph:
    """A graph in kgraph's networkx schema (see kgraph/graph.py) with ``papers`` papers."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    classics = [f"method:classic-{i}" for i in range(300)]
    for i, node in enumerate(classics):
        graph.add_node(node, type="Method", label=f"Classic{_name(rng, i)}", aliases=[f"CL{i}"])
    benchmarks = [f"benchmark:bench-{i}" for i in range(80)]
    for i, node in enumerate(benchmarks):
        graph.add_node(node, type="Benchmark", label=f"Bench-{i}", aliases=[])
    metrics = [f"metric:metric-{i}" for i in range(20)]
    for i, node in enumerate(metrics):
        graph.add_node(node, type="Metric", label=f"metric {i}", aliases=[])
    organizations = [f"organization:lab-{i}" for i in range(150)]
    for i, node in enumerate(organizations):
        graph.add_node(node, type="Organization", label=f"Lab {i}", aliases=[])
    methods = list(classics)
    popular = [1.0 / (rank + 1) for rank in range(len(classics))]  # Zipf: a few baselines are beaten most

    for index in range(papers):
        method = f"method:new-{index}"
        name = _name(rng, 10_000 + index)
        graph.add_node(method, type="Method", label=name, aliases=[])
        baselines = {methods[i] for i in rng.choices(range(len(classics)), weights=popular, k=3)}
        if index > 50:
            baselines.add(methods[len(classics) + rng.randrange(index - 1)])  # a recent method
        baselines.discard(method)
        bench, metric = rng.choice(benchmarks), rng.choice(metrics)
        labels = {node: graph.nodes[node]["label"] for node in (*baselines, bench, metric)}
        first = f"We propose {name}, a method for {labels[bench]}."
        intro = first
        sentences = [f"{name} outperforms {labels[b]} by {rng.randint(1, 90) / 10} {labels[metric]} on "
                     f"{labels[bench]}." for b in sorted(baselines)]
        third_party = None
        if index % 40 == 7:  # someone else's comparison, which may contradict another paper
            winner, loser = rng.sample(classics[:12], 2)
            third_party = (winner, loser, rng.choice(benchmarks[:3]))
            sentences.append(f"Notably, {graph.nodes[winner]['label']} beats {graph.nodes[loser]['label']} "
                             f"on {graph.nodes[third_party[2]]['label']}.")
        org = rng.choice(organizations) if index % 3 == 0 else None
        if org:
            intro += f" Work done at {graph.nodes[org]['label']}."
        no_claims = index % 25 == 3
        text = " ".join([intro] + ([] if no_claims else sentences))
        paper = f"paper:2401.{index:05d}"
        graph.add_node(paper, type="Paper", label=f"{name}: Paper {index}", aliases=[], title=f"{name}: Paper {index}",
                       abstract=text, date=f"2024-{1 + index % 12:02d}-{1 + index % 28:02d}", url=None,
                       arxiv_id=f"2401.{index:05d}", upvotes=index % 50, authors=1 + index % 9,
                       sources=[f"synthetic.txt:{1 + index * 4}"], urls=[])
        _mention(graph, paper, method, "proposes", text, first, name)
        _mention(graph, paper, bench, "evaluated_on", text, first, labels[bench])
        if org:
            sentence = f"Work done at {graph.nodes[org]['label']}."
            _mention(graph, paper, org, "mentions_organization", text, sentence, graph.nodes[org]["label"])
        if not no_claims:
            for baseline, sentence in zip(sorted(baselines), sentences):
                _mention(graph, paper, baseline, "compared_with", text, sentence, labels[baseline])
                margin = sentence.split(" by ")[1].split(" ")[0]
                graph.add_edge(method, baseline, key=f"outperforms|{paper}|{bench}|{metric}", type="outperforms",
                               paper=paper, benchmark=bench, metric=metric, margin=margin,
                               **_evidence(text, sentence))
            _mention(graph, paper, metric, "uses_metric", text, sentences[0], labels[metric])
            if third_party:
                winner, loser, on = third_party
                graph.add_edge(winner, loser, key=f"outperforms|{paper}|{on}|", type="outperforms", paper=paper,
                               benchmark=on, metric=None, margin=None, **_evidence(text, sentences[-1]))
        methods.append(method)
    return graph


# ---------------------------------------------------------------------------------------------
# rdflib with a timeout


def _rdflib_child(rdf: rdflib.Graph, query: str, params: dict[str, str], conn: Connection) -> None:
    result, seconds = timed(lambda: run_rdflib(rdf, query, params=params))
    conn.send((seconds, result.values()))


def rdflib_timed(rdf: rdflib.Graph, query: str, params: dict[str, str],
                 timeout: float) -> tuple[float | None, list | None]:
    """(seconds, rows) of the query on rdflib in a forked child, or (None, None) past ``timeout``."""
    receive, send = mp.get_context("fork").Pipe(duplex=False)
    child = mp.get_context("fork").Process(target=_rdflib_child, args=(rdf, query, params, send), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(timeout):
            return receive.recv()
        return None, None
    finally:
        child.kill()
        child.join(10)
        receive.close()


def normalized(rows: list[tuple[str | None, ...]]) -> list[tuple[object, ...]]:
    """GROUP_CONCAT parts come in each engine's own order: compare them as sets."""
    return [tuple(frozenset(c.split("; ")) if c and "; " in c else c for c in row) for row in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=6000, help="synthetic papers (6000 give about 1.1M triples)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before an rdflib query is abandoned")
    parser.add_argument("--keep", type=Path, help="folder to keep graph.ttl in (default: a temporary folder)")
    args = parser.parse_args()

    graph, seconds = timed(lambda: synthetic_graph(args.papers))
    claims = sum(1 for *_, t in graph.edges(data="type") if t == "outperforms")
    print(f"synthetic graph: {args.papers} papers, {graph.number_of_nodes()} nodes, {claims} claims "
          f"({seconds:.1f} s)", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        folder = args.keep or Path(tmp)
        turtle = folder / "graph.ttl"
        rdf, build_s = timed(lambda: to_rdf(graph))
        text, serialize_s = timed(lambda: serialize_rdf(rdf, "turtle"))
        _, write_s = timed(functools.partial(write_text, turtle, text))  # bound now: text is deleted next
        del text
        print(f"triples: {len(rdf):,}", flush=True)
        print(f"Turtle export: {build_s + serialize_s + write_s:.1f} s (to_rdf {build_s:.1f} s, serialize "
              f"{serialize_s:.1f} s, write {write_s:.1f} s; {turtle.stat().st_size / 1e6:.0f} MB)", flush=True)
        store = ox.Store()
        _, load_s = timed(lambda: store.bulk_load(path=turtle, format=ox.RdfFormat.TURTLE))
        print(f"Oxigraph bulk load of the Turtle: {load_s:.1f} s ({len(store):,} quads)", flush=True)
        prefixes = {prefix: str(namespace) for prefix, namespace in rdf.namespaces()}
        dumped = folder / "dumped.ttl"
        _, dump_s = timed(lambda: store.dump(dumped, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                                             prefixes=prefixes))
        print(f"Turtle dump of that store by Oxigraph (for comparison): {dump_s:.1f} s "
              f"({dumped.stat().st_size / 1e6:.0f} MB)", flush=True)
        dumped.unlink()

        most_beaten = graph.nodes["method:classic-0"]["label"]
        busiest = Counter(d["benchmark"] for *_, d in graph.edges(data=True) if d.get("benchmark")).most_common(1)[0][0]
        given = {"who-beats": {"method": most_beaten}, "sota": {"benchmark": graph.nodes[busiest]["label"]}}
        print(f"\nper query, one run each (who-beats with --param method={most_beaten}, sota with --param "
              f"benchmark={given['sota']['benchmark']}); rdflib timeout {args.timeout:.0f} s\n")
        header = f"{'query':<26}{'rows':>7}{'Oxigraph':>12}{'rdflib':>12}{'rdflib/Oxigraph':>17}  same rows"
        print(header)
        print("-" * len(header), flush=True)
        for name, canned in canned_queries().items():
            params = given.get(name, {})
            result, ox_s = timed(lambda: run_oxigraph(store, canned.text, canned.path, params))
            rd_s, rd_rows = rdflib_timed(rdf, canned.text, params, args.timeout)
            rdflib_cell = f"> {args.timeout:.0f} s" if rd_s is None else f"{rd_s:.2f} s"
            ratio = f"> {args.timeout / ox_s:,.0f}x" if rd_s is None else f"{rd_s / ox_s:,.0f}x"
            same = "n/a" if rd_rows is None else "yes" if normalized(rd_rows) == normalized(result.values()) else "NO"
            print(f"{name:<26}{len(result.rows):>7}{ox_s:>10.3f} s{rdflib_cell:>12}{ratio:>17}  {same}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
