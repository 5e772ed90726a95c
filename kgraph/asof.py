"""Claims in time: each claim dated by the paper that states it, and the state of the art as of a date.

A claim is known from the date of its paper: the listing's date, an input's ``date`` column, the
arXiv feed's publication date or, failing those, the month of the paper's arXiv id (``YYYY-MM``).
Dates compare as text, so a month counts from its first day (``2024-03`` is before
``2024-03-15``). A paper with no date, or a listing's day without a year (``--03-05``), cannot be
placed in time: its claims count when no date is asked for and are reported as undated otherwise,
never dropped silently.

The *frontier* of a benchmark as of a date is the methods that win a claim on it dated up to that
date and lose none: what a reader of the papers then would call the state of the art.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from kgraph.schema import NODE_TYPES

_COMPARABLE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


def comparable_date(date: object) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM`` as given; None for no date or one without a year."""
    text = str(date) if date is not None else ""
    return text if _COMPARABLE.fullmatch(text) else None


@dataclass(frozen=True)
class Stated:
    """A claim as the analyses of the whole graph see it: node ids, its paper and that paper's date."""

    winner: str
    loser: str
    paper: str | None  # None only in a graph made by hand without it (the page still draws one)
    benchmark: str | None = None
    metric: str | None = None
    date: str | None = None  # comparable_date of the paper's date
    margin: str | None = None
    margin_value: float | None = None
    margin_unit: str | None = None
    claim: str | None = None  # its own node id (``kgraph.graph.claim_id``), by which the RDF names it

    def known_by(self, as_of: str | None) -> bool:
        """Whether the claim counts as of ``as_of`` (None: today, undated claims included)."""
        return as_of is None or (self.date is not None and self.date <= as_of)


def stated_claims(graph: nx.MultiDiGraph) -> list[Stated]:
    """Every ``outperforms`` edge of the graph, dated by its paper's node, in a fixed order."""
    found = []
    for winner, loser, data in graph.edges(data=True):
        if data.get("type") != "outperforms" or winner == loser:
            continue
        paper = data.get("paper")
        date = graph.nodes[paper].get("date") if paper in graph else None
        found.append(Stated(winner, loser, paper, data.get("benchmark"), data.get("metric"), comparable_date(date),
                            data.get("margin"), data.get("margin_value"), data.get("margin_unit"), data.get("claim")))
    return sorted(found, key=claim_order)


def claim_order(claim: Stated) -> tuple:
    """The order claims are analysed in (the same claims, the same results, to the last digit)."""
    return (claim.benchmark or "", claim.metric or "", claim.winner, claim.loser, claim.paper or "")


def undated_papers(claims: Iterable[Stated]) -> list[str]:
    """The papers whose claims cannot be placed in time, by id."""
    return sorted({claim.paper for claim in claims if claim.date is None and claim.paper is not None})


def claim_dates(claims: Iterable[Stated]) -> list[str]:
    """The distinct dates of the claims, in order: where the state of the art can change."""
    return sorted({claim.date for claim in claims if claim.date is not None})


def family(graph: nx.MultiDiGraph, benchmark: str) -> list[str]:
    """The benchmark and its variants (``ImageNet`` -> ImageNet, ImageNet-1K, ImageNet-21K), by id:
    every benchmark node whose chain of ``broader`` reaches it."""
    def reaches(node: str) -> bool:
        seen = set()
        while node is not None and node not in seen:
            if node == benchmark:
                return True
            seen.add(node)
            node = graph.nodes[node].get("broader") if node in graph else None
        return False

    return sorted(n for n, t in graph.nodes(data="type") if t == NODE_TYPES["benchmark"] and reaches(n))


@dataclass(frozen=True)
class Front:
    """A method on the frontier of a benchmark, with the claims that put it there (its wins)."""

    benchmark: str
    method: str
    wins: tuple[Stated, ...]


def frontier(claims: Iterable[Stated], benchmarks: Iterable[str], as_of: str | None = None) -> list[Front]:
    """Per benchmark, the methods that win a claim known by ``as_of`` and lose none, by benchmark and method."""
    wanted = set(benchmarks)
    known = [claim for claim in claims if claim.benchmark in wanted and claim.known_by(as_of)]
    beaten = {(claim.benchmark, claim.loser) for claim in known}
    wins: dict[tuple[str, str], list[Stated]] = {}
    for claim in known:
        if (claim.benchmark, claim.winner) not in beaten:
            wins.setdefault((claim.benchmark, claim.winner), []).append(claim)
    return [Front(benchmark, method, tuple(found)) for (benchmark, method), found in sorted(wins.items())]
