"""SHACL validation with the project's shapes: pyshacl against ``kgraph validate`` (Oxigraph).

    python benchmarks/bench_validate.py [--build DIR] [--sizes 10000 100000] [--no-pyshacl] [--each]
    python benchmarks/bench_validate.py --builds DIR... [--in-memory]

1. The corpus build (``--build DIR``, else the shared corpus built into a temporary folder):
   pyshacl on its graph.ttl (what ``pyshacl -s ontology/shapes.ttl graph.ttl`` does), then
   ``kgraph validate`` on the build folder (its store opened read-only, the shapes compiled to
   SPARQL); both must agree that it conforms. The ratio of the two times is printed.
2. Synthetic graphs of the given numbers of papers (``bench_sparql.synthetic_graph``), loaded
   into an on-disk Oxigraph store chunk by chunk: ``kgraph validate``'s time on each, and the
   time per million triples (constant when the validation is linear in the graph's size).
   With ``--each``, each constraint's query is also timed alone, one after the other, in seconds
   per million triples: a query that is not linear in the graph stands out between two sizes.
3. ``--builds DIR...``: instead of 1 and 2, each constraint timed alone in the store of each of
   these build folders (``kgraph build`` outputs of different sizes); ``--in-memory``: their
   graph.ttl loaded into a store in memory instead, to tell the queries from the on-disk store.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pyshacl
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sparql import synthetic_graph  # noqa: E402

from kgraph.query.validate import validate_graph  # noqa: E402
from kgraph.rdf import rdf_triples  # noqa: E402
from kgraph.rdf.validate import read_shapes, store_checks, validate, violations  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CHUNK = 2000  # papers whose triples are made and loaded at a time


def corpus_build(work: Path) -> Path:
    out = work / "corpus-build"
    listings = sorted(map(str, CORPUS.glob("*.txt")))
    subprocess.run([sys.executable, "-m", "kgraph", "build", *listings, "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def on_corpus(build: Path, with_pyshacl: bool) -> None:
    shapes = read_shapes()
    if with_pyshacl:
        data = Graph().parse(build / "graph.ttl", format="turtle")
        start = time.perf_counter()
        conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes)
        slow = time.perf_counter() - start
        print(f"pyshacl:         {slow:8.2f} s  ({len(data):,} triples, conforms: {conforms})")
    start = time.perf_counter()
    _, violations = validate_graph(build)
    fast = time.perf_counter() - start
    print(f"kgraph validate: {fast:8.2f} s  (Oxigraph, conforms: {not violations})")
    if with_pyshacl:
        print(f"ratio:           {slow / fast:8.0f}x faster")


def synthetic_store(papers: int, path: Path) -> ox.Store:
    """The synthetic graph's triples in an on-disk store, made and loaded a chunk of papers at a time."""
    graph = synthetic_graph(papers)
    store = ox.Store(str(path))
    paper_nodes = [node for node, data in graph.nodes(data=True) if data["type"] == "Paper"]
    for first in range(0, len(paper_nodes), CHUNK):
        chunk = paper_nodes[first:first + CHUNK]
        nodes = set(chunk)
        for paper in chunk:
            nodes.update(graph.successors(paper))
        part = nx.MultiDiGraph(graph.subgraph(nodes))
        claims = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
                  if d["type"] == "outperforms" and d["paper"] in nodes]
        for u, v, k, d in claims:
            part.add_node(u, **graph.nodes[u])
            part.add_node(v, **graph.nodes[v])
            part.add_edge(u, v, key=k, **d)
        store.bulk_extend(ox.Quad(s, p, o) for s, p, o in rdf_triples(part))
    store.optimize()
    return store


def each_check(store: ox.Store, shapes: Graph) -> dict[str, float]:
    """Seconds per million triples of each constraint's query, run alone."""
    triples, times = len(store), {}
    for check in store_checks(store, shapes):
        start = time.perf_counter()
        violations(store, check)
        path = re.split("[#/]", check.path or "")[-1]
        times[f"{re.split('[#/]', check.shape)[-1]} {path} {check.component}"[:70]] = (
            (time.perf_counter() - start) / triples * 1e6)
    return times


def print_each(columns: dict[str, dict[str, float]]) -> None:
    print(f"{'s per M triples, each constraint alone':<70} " + " ".join(f"{c:>12}" for c in columns))
    for name in next(iter(columns.values())):
        print(f"{name:<70} " + " ".join(f"{times[name]:>12.3f}" for times in columns.values()))
    print(f"{'all':<70} " + " ".join(f"{sum(times.values()):>12.3f}" for times in columns.values()))


def on_synthetic(sizes: list[int], work: Path, each: bool) -> None:
    shapes = read_shapes()
    print(f"{'papers':>8} {'triples':>12} {'validate':>10} {'s per M triples':>16}")
    columns = {}
    for papers in sizes:
        store = synthetic_store(papers, work / f"store-{papers}")
        triples = len(store)
        start = time.perf_counter()
        found = validate(store, shapes)
        seconds = time.perf_counter() - start
        print(f"{papers:>8,} {triples:>12,} {seconds:>9.2f}s {seconds / triples * 1e6:>16.2f}"
              + ("" if not found else f"  ({len(found)} violations!)"), flush=True)
        if each:
            columns[f"{papers:,}"] = each_check(store, shapes)
        del store
    if columns:
        print_each(columns)


def on_builds(builds: list[Path], in_memory: bool) -> None:
    shapes = read_shapes()
    columns = {}
    for build in builds:
        if in_memory:  # the same triples, without the on-disk store's caches and levels
            store = ox.Store()
            store.bulk_load(path=str(build / "graph.ttl"), format=ox.RdfFormat.TURTLE)
        else:
            store = ox.Store.read_only(str(build / ".kgraph" / "store"))
        print(f"{build}: {len(store):,} triples", flush=True)
        columns[build.name] = each_check(store, shapes)
        del store
    print_each(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, help="a build folder (default: build the shared corpus)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--no-pyshacl", action="store_true")
    parser.add_argument("--each", action="store_true", help="also time each constraint alone")
    parser.add_argument("--builds", type=Path, nargs="+", help="time each constraint in these builds' stores only")
    parser.add_argument("--in-memory", action="store_true", help="with --builds: their graph.ttl in a store in memory")
    args = parser.parse_args()
    if args.builds:
        on_builds(args.builds, args.in_memory)
        return
    with tempfile.TemporaryDirectory(prefix="kgraph-validate-") as work:
        build = args.build or corpus_build(Path(work))
        on_corpus(build, not args.no_pyshacl)
        on_synthetic(args.sizes, Path(work), args.each)


if __name__ == "__main__":
    main()
