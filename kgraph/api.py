"""kgraph from Python: load a build, get its claims and papers, run a canned or your own SPARQL
query, each answer a pandas DataFrame (``pip install -e ".[notebook]"`` installs pandas).

The examples below run as tests (doctest, ``tests/unit/test_api.py``) in a folder where
``kgraph build examples/listing.txt -o outputs`` was run, as after the README's Quickstart:

>>> import kgraph
>>> kg = kgraph.load("outputs")
>>> kg
Build('outputs': 7 papers, 18 claims)
>>> claims = kg.claims()
>>> list(claims.columns)
['winner', 'loser', 'benchmark', 'metric', 'margin', 'paper', 'date', 'confidence', 'evidence', 'rule']
>>> beaten = claims[claims.loser == "StarCoder"].sort_values("benchmark")
>>> print(beaten[["winner", "benchmark", "margin"]].to_string(index=False))
winner benchmark     margin
   RTD CodeTrail 9.5 points
   RTD HumanEval 6.3 points
   RTD      MBPP 6.3 points

A canned query (``kgraph.canned_queries()`` lists them) with its parameters, or your own SPARQL:

>>> who = kg.query("who-beats", method="starcoder")
>>> sorted(who.winner.unique())
['RTD']
>>> int(kg.query("SELECT (COUNT(*) AS ?claims) WHERE { ?c a <https://w3id.org/kgraph/ontology#Claim> }").claims[0])
18
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kgraph.errors import InputError
from kgraph.query.sources import read_networkx, read_store
from kgraph.query.sparql import Result, Term, canned_queries as _canned, check_params, read_query, run_oxigraph
from kgraph.schema import PAPER_TYPE

if TYPE_CHECKING:  # pandas is an optional extra: imported when a table is made
    import networkx as nx
    import pandas as pd

_NUMBERS = {"http://www.w3.org/2001/XMLSchema#" + t: kind for kind, types in
            ((int, ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger")),
             (float, ("decimal", "double", "float"))) for t in types}
CLAIM_COLUMNS = ["winner", "loser", "benchmark", "metric", "margin", "paper", "date", "confidence", "evidence", "rule"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError('kgraph\'s tables are pandas DataFrames: pip install -e ".[notebook]" (or pandas)') from None
    return pandas


def _value(term: Term | None) -> object:
    """A SPARQL answer's term as Python: numbers as numbers, everything else its text (None if unbound)."""
    if term is None:
        return None
    kind = _NUMBERS.get(term.datatype or "") if term.kind == "literal" else None
    try:
        return kind(term.value) if kind else term.value
    except ValueError:
        return term.value


def canned_queries() -> pd.DataFrame:
    """The canned queries: name, what each answers, and its parameters.

    >>> "who-beats" in set(kgraph.canned_queries().name)
    True
    """
    return _pandas().DataFrame([{"name": name, "description": q.description, "params": ", ".join(q.params)}
                                for name, q in _canned().items()], columns=["name", "description", "params"])


def load(graph: str | os.PathLike[str]) -> Build:
    """A saved build: a build folder (what ``kgraph build -o`` wrote) or its ``papers.jsonl``."""
    return Build(graph)


class Build:
    """One build: its networkx graph for claims and papers, its Oxigraph store (opened at the first
    query) for queries."""

    def __init__(self, graph: str | os.PathLike[str]) -> None:
        self.path = os.fspath(graph)
        # the networkx graph (nodes: papers and entities; edges: mentions and claims), read now:
        # a missing or bad build fails here, with its one-line error
        self.graph: nx.MultiDiGraph = read_networkx(self.path)

    def __repr__(self) -> str:
        papers = sum(1 for _, t in self.graph.nodes(data="type") if t == PAPER_TYPE)
        return f"Build({self.path!r}: {papers} papers, {len(self._claim_edges())} claims)"

    @cached_property
    def _store(self) -> Any:
        return read_store(self.path)

    def _label(self, node: str | None) -> str | None:
        return None if node is None else str(self.graph.nodes[node].get("label") or node)

    def _claim_edges(self) -> list[tuple[str, str, dict]]:
        return [(u, v, d) for u, v, d in self.graph.edges(data=True) if d.get("type") == "outperforms"]

    def claims(self) -> pd.DataFrame:
        """Every claim that one method beats another: one row each, names as the page shows them.

        >>> kg = kgraph.load("outputs")
        >>> humaneval = kg.claims().query("winner == 'RTD' and benchmark == 'HumanEval'")
        >>> print(humaneval[["loser", "metric", "margin"]].to_string(index=False))
             loser metric     margin
        Code Llama pass@1 6.3 points
         Reflexion pass@1 2.4 points
         StarCoder pass@1 6.3 points
        """
        rows = []
        for winner, loser, data in self._claim_edges():
            paper = self.graph.nodes.get(data.get("paper"), {})
            rows.append({"winner": self._label(winner), "loser": self._label(loser),
                         "benchmark": self._label(data.get("benchmark")), "metric": self._label(data.get("metric")),
                         "margin": data.get("margin"), "paper": paper.get("title"), "date": paper.get("date"),
                         "confidence": data.get("confidence"), "evidence": data.get("evidence"),
                         "rule": data.get("rule")})
        table = _pandas().DataFrame(rows, columns=CLAIM_COLUMNS)
        return table.sort_values(["winner", "loser", "benchmark", "paper"], na_position="last", ignore_index=True)

    def papers(self) -> pd.DataFrame:
        """Every paper: title, date, arXiv id, upvotes and how many claims it states.

        >>> papers = kgraph.load("outputs").papers()
        >>> int((papers.claims > 0).sum()), len(papers)
        (7, 7)
        """
        stated: dict[str, int] = {}
        for _, _, data in self._claim_edges():
            stated[data.get("paper")] = stated.get(data.get("paper"), 0) + 1
        rows = [{"title": d.get("title"), "date": d.get("date"), "arxiv_id": d.get("arxiv_id"),
                 "upvotes": d.get("upvotes"), "claims": stated.get(node, 0)}
                for node, d in self.graph.nodes(data=True) if d.get("type") == PAPER_TYPE]
        return _pandas().DataFrame(rows, columns=["title", "date", "arxiv_id", "upvotes", "claims"])

    def query(self, query: str, **params: str) -> pd.DataFrame | bool:
        """A canned query by name (its parameters as keywords), or SPARQL text, or a .rq file.

        A SELECT gives a DataFrame (one column per variable, numbers as numbers), an ASK a bool, a
        CONSTRUCT a DataFrame of subject, predicate, object.
        """
        canned = _canned().get(query)
        if canned is not None:
            check_params(canned, params)
            text, source = canned.text, canned.path
        else:
            text, source = read_query(query)
        return _table(run_oxigraph(self._store, text, source, params))


def _table(result: Result) -> pd.DataFrame | bool:
    if result.form == "ask":
        return bool(result.boolean)
    pandas = _pandas()
    if result.form == "graph":
        return pandas.DataFrame([[t.value for t in triple] for triple in result.triples],
                                columns=["subject", "predicate", "object"])
    return pandas.DataFrame([[_value(t) for t in row] for row in result.rows], columns=result.variables)


__all__ = ["Build", "CLAIM_COLUMNS", "InputError", "canned_queries", "load"]
