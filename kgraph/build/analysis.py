"""The block of graph.ttl (and the part of the store) that depends on every claim: conflicts and standings.

A paper's Turtle depends on that paper alone, so a build writes only the changed papers'. The
conflicts and rankings (``kgraph.rdf.analysis``) depend on all claims at once: they are one block,
last in graph.ttl, whose fingerprint is a digest of every other block's (``plan.ANALYSIS_KEY``). When nothing changed
(a no-op rebuild) the block is copied like any other, and the store keeps what it holds; when
anything changed, the block is made again from the claims the store holds once it is up to date
(a SPARQL query: nothing else holds every claim with its benchmark, metric and date), and the
store's conflicts and standings are replaced by it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from kgraph.asof import Stated, claim_order, comparable_date
from kgraph.build.plan import ANALYSIS_KEY
from kgraph.build.turtle_blocks import Block, turtle_block, write_chunk
from kgraph.rdf.analysis import analysis_triples
from kgraph.rdf.namespace import DATA, KG

_CLAIMS = f"""
PREFIX kg: <{KG}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?winner ?loser ?paper ?benchmark ?metric ?date ?margin ?value ?unit WHERE {{
  ?claim a kg:Claim ; kg:winner ?winner ; kg:loser ?loser ; kg:statedIn ?paper .
  OPTIONAL {{ ?claim kg:onBenchmark ?benchmark }} OPTIONAL {{ ?claim kg:withMetric ?metric }}
  OPTIONAL {{ ?paper dcterms:date ?date }} OPTIONAL {{ ?claim kg:margin ?margin }}
  OPTIONAL {{ ?claim kg:value ?value }} OPTIONAL {{ ?claim kg:unit ?unit }}
}}"""
_LABELS = f"""
PREFIX kg: <{KG}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?label WHERE {{ VALUES ?type {{ kg:Method kg:Benchmark }} ?node a ?type ; skos:prefLabel ?label }}"""
_DELETE = f"""
PREFIX kg: <{KG}>
DELETE {{ ?node ?p ?o }} WHERE {{ VALUES ?type {{ kg:Conflict kg:Standing }} ?node a ?type ; ?p ?o }}"""


def node_id(iri: str) -> str:
    """``<DATA>kind/local`` back to the node id ``kind:local`` (``kgraph.rdf.terms.node_iri_text`` undone)."""
    kind, _, local = iri[len(DATA):].partition("/")
    return f"{unquote(kind)}:{unquote(local)}"


def stored_claims(store: ox.Store) -> list[Stated]:
    """Every claim the store holds, as the analyses take them."""
    def value(row: ox.QuerySolution, name: str) -> str | None:
        term = row[name]
        return None if term is None else term.value

    claims = []
    for row in store.query(_CLAIMS):
        ids = [node_id(v) if (v := value(row, name)) else None for name in ("winner", "loser", "paper", "benchmark",
                                                                          "metric")]
        number = value(row, "value")
        claims.append(Stated(*ids, date=comparable_date(value(row, "date")), margin=value(row, "margin"),
                             margin_value=float(number) if number is not None else None, margin_unit=value(row, "unit"),
                             claim=node_id(row["claim"].value)))
    return sorted(claims, key=claim_order)  # as kgraph.asof.stated_claims gives them: the same analyses


def replace_analysis(store: ox.Store, folder: Path) -> dict[str, Block]:
    """Make the conflicts and standings of the store's claims, put them in the store in place of the
    last ones, and write their block to a file in ``folder``; where the block lies in it."""
    labels = {node_id(row["node"].value): row["label"].value for row in store.query(_LABELS)}
    triples = analysis_triples(stored_claims(store), lambda node: labels.get(node, node))
    store.update(_DELETE)
    store.extend([ox.Quad(s, p, o) for s, p, o in triples])
    return write_chunk(folder / "analysis.ttl", [(ANALYSIS_KEY, turtle_block(triples))])
