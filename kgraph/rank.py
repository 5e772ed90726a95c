"""A ranking that respects who was compared with whom.

Claims are split into tables, one per benchmark and metric (claims that name no metric: one table
per benchmark), and each table into *groups*: methods joined by a path of claims (weakly connected
components). Methods in different groups were never compared, directly or through others, so they
are never ranked against each other: each group has its own ranks, 1 at the top.

Within a group the order is a Bradley-Terry model (each claim one won comparison) fitted by
``choix.ilsr_pairwise`` (iterative Luce spectral ranking, maintained on PyPI): a method that beats
a strong one ranks above one that beats several weak ones, which counting wins cannot say. A small
regularization (``ALPHA``, a Gaussian prior) keeps strengths finite for methods that never lose or
never win, which is most of them. Methods of equal strength share a rank. Each standing says how
many claims support it (its wins and losses in the table) and the largest margin it states.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from kgraph.asof import Stated

ALPHA = 0.01  # regularization of the Bradley-Terry fit
_SAME = 6  # strengths equal to this many decimals share a rank

Table = tuple[str, str | None]  # (benchmark, metric)


@dataclass(frozen=True)
class Standing:
    """One method's place in one group of one table."""

    benchmark: str
    metric: str | None
    group: int  # 1 for the table's largest group, then by size
    group_size: int
    rank: int
    method: str
    strength: float  # Bradley-Terry log-strength within the group
    wins: int  # claims won in the table
    losses: int  # claims lost
    best: Stated | None  # its won claim with the largest stated margin, if any states one

    @property
    def claims(self) -> int:
        """How many claims support the rank."""
        return self.wins + self.losses


def standings(claims: Iterable[Stated], as_of: str | None = None) -> list[Standing]:
    """Every method's standing in each table of the claims known by ``as_of``, by table, group and rank."""
    tables: dict[Table, list[Stated]] = {}
    for claim in claims:
        if claim.benchmark is not None and claim.known_by(as_of):
            tables.setdefault((claim.benchmark, claim.metric), []).append(claim)
    found: list[Standing] = []
    for table in sorted(tables, key=lambda t: (t[0], t[1] or "")):
        found += _table(table, tables[table])
    return found


def groups(claims: list[Stated]) -> list[list[str]]:
    """The methods joined by paths of claims, largest group first (then by smallest id), each sorted."""
    joined = nx.Graph((claim.winner, claim.loser) for claim in claims)
    parts = [sorted(part) for part in nx.connected_components(joined)]
    return sorted(parts, key=lambda part: (-len(part), part[0]))


def _table(table: Table, claims: list[Stated]) -> list[Standing]:
    found = []
    parts = groups(claims)
    number_of = {method: number for number, members in enumerate(parts, 1) for method in members}
    in_groups: list[list[Stated]] = [[] for _ in parts]
    wins: dict[str, list[Stated]] = {}
    losses: Counter[str] = Counter()
    for claim in claims:
        in_groups[number_of[claim.winner] - 1].append(claim)
        wins.setdefault(claim.winner, []).append(claim)
        losses[claim.loser] += 1
    for number, (members, in_group) in enumerate(zip(parts, in_groups), 1):
        strengths = _strengths(members, in_group)
        order = sorted(members, key=lambda m: (-strengths[m], m))
        rank = 0
        for position, method in enumerate(order, 1):
            if position == 1 or strengths[method] != strengths[order[position - 2]]:
                rank = position
            won = wins.get(method, [])
            found.append(Standing(table[0], table[1], number, len(members), rank, method, strengths[method],
                                  len(won), losses[method], _best(won)))
    return found


def _strengths(members: list[str], claims: list[Stated]) -> dict[str, float]:
    """Bradley-Terry log-strengths, rounded so that equal ones compare equal."""
    index = {method: i for i, method in enumerate(members)}
    params = _fit(len(members), tuple(sorted((index[claim.winner], index[claim.loser]) for claim in claims)))
    return {method: params[i] for method, i in index.items()}


@functools.lru_cache(maxsize=4096)
def _fit(count: int, comparisons: tuple[tuple[int, int], ...]) -> tuple[float, ...]:
    """The fit of one group's comparisons (cached: most groups are alike, two methods and one claim)."""
    import choix  # here: with scipy, 0.7 s to import, which a build that ranks nothing (a no-op rebuild) need not pay

    params = choix.ilsr_pairwise(count, list(comparisons), alpha=ALPHA, max_iter=1000)
    return tuple(round(float(value), _SAME) + 0.0 for value in params)  # + 0.0: no -0.0


def _best(wins: list[Stated]) -> Stated | None:
    """The win with the largest margin value, else the first with a margin as written."""
    valued = [claim for claim in wins if claim.margin_value is not None]
    if valued:
        return max(valued, key=lambda claim: claim.margin_value or 0.0)
    return next((claim for claim in wins if claim.margin), None)
