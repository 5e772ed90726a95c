"""The review queue: a build's claims, those nobody checked first, in the order worth checking.

Least sure first (the extractor's confidence); at equal confidence, a claim that decides who tops a
benchmark's leaderboard (the top changes without it) or that contradicts another (another paper
says the loser beats the winner) comes before one that does neither. Each item holds what the
review page shows: the evidence sentence and where the winner's and loser's names lie in it.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from kgraph.model import Claim, Paper
from kgraph.resolve import Resolution, resolve
from kgraph.saved import read_saved


@dataclass
class Item:
    """One claim of the queue (``id``: its place in the build, as the page and the server name it)."""

    id: int
    paper: Paper
    claim: Claim
    winner_id: str
    loser_id: str
    benchmark_id: str | None
    flags: list[str]

    def to_plain(self) -> dict:
        c, evidence = self.claim, self.claim.evidence
        return {"id": self.id, "paper": self.paper.title, "winner": c.winner, "loser": c.loser,
                "benchmark": c.benchmark, "metric": c.metric, "margin": c.margin, "confidence": c.confidence,
                "rule": c.rule, "evidence": evidence.text, "field": evidence.field,
                "marks": _marks(evidence.text, {"winner": c.winner, "loser": c.loser}),
                "status": c.curation.status if c.curation else None,
                "curator": c.curation.curator if c.curation else None, "flags": self.flags}


def _marks(text: str, names: dict[str, str]) -> list[list]:
    """[start, end, role] of each name's first place in the sentence (case-insensitive), in order."""
    found = []
    for role, name in names.items():
        if name and (match := re.search(re.escape(name), text, re.IGNORECASE)):
            if not any(s < match.end() and match.start() < e for s, e, _ in found):
                found.append([match.start(), match.end(), role])
    return sorted(found)


def read_queue(build: str | os.PathLike[str]) -> list[Item]:
    """Every claim of the build, in review order (reviewed ones last)."""
    papers, extractions = read_saved(build)
    resolution = resolve(extractions.values())
    items = []
    for paper in papers:
        for claim in extractions[paper.key].claims:
            winner, loser, benchmark = _ids(resolution, paper, claim)
            if winner != loser:  # as the graph: a claim of a method over itself is no claim
                items.append(Item(len(items), paper, claim, winner, loser, benchmark, []))
    _flag(items)
    return sorted(items, key=lambda i: (i.claim.curation is not None, i.claim.confidence, -len(i.flags), i.id))


def _ids(resolution: Resolution, paper: Paper, claim: Claim) -> tuple[str, str, str | None]:
    key = paper.key
    benchmark = resolution.entity_id("benchmark", claim.benchmark, key) if claim.benchmark else None
    return resolution.entity_id("method", claim.winner, key), resolution.entity_id("method", claim.loser, key), benchmark


def _flag(items: list[Item]) -> None:
    """Mark the claims that contradict another, and those without which a leaderboard's top changes."""
    pairs = {(i.winner_id, i.loser_id) for i in items}
    board: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if (item.loser_id, item.winner_id) in pairs:
            item.flags.append("contradiction")
        if item.benchmark_id:
            board[item.benchmark_id].append(item)
    for claims in board.values():
        top = _top(claims)
        for item in claims:
            if item.winner_id == top and _top([c for c in claims if c is not item]) != top:
                item.flags.append("leaderboard top")


def _top(claims: list[Item]) -> str | None:
    """The method the leaderboard query ranks first: most wins, then most methods beaten, then by name."""
    wins = Counter(c.winner_id for c in claims)
    beaten: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        beaten[c.winner_id].add(c.loser_id)
    ranked = sorted(wins, key=lambda m: (-wins[m], -len(beaten[m]), m))
    return ranked[0] if ranked else None
