"""What the page shows of time, rankings and conflicts, as plain data for ``templates/timeline.js``
and ``templates/leaderboard.js``.

- each claim's date (its paper's, ``kgraph.asof``), so that the time control hides the claims
  not yet made;
- the leaderboard (``kgraph.rank``) as of a few dates: every date claims were made on when they
  are few, else ``MAX_SNAPSHOTS`` of them spread over the history, and today (undated claims
  included). Rankings are fitted in Python, not in the page, so the page shows what
  ``kgraph query --canned leaderboard`` says;
- the conflicts (``kgraph.conflicts``), with the arrows along each cycle, which the page draws
  dashed and red.
"""

from __future__ import annotations

import networkx as nx

from kgraph.asof import Stated, claim_dates, comparable_date, stated_claims
from kgraph.conflicts import conflicts
from kgraph.rank import Standing, standings

MAX_SNAPSHOTS = 30  # leaderboards shipped in the page, at most (a big history is sampled)

Claim = tuple[str, str, str, dict]  # as kgraph.viz.data.claims gives them


def timeline_data(graph: nx.MultiDiGraph, claim_list: list[Claim], arrow_ids: dict[tuple[str, str], str]) -> dict:
    """The page's ``claimDates`` (one per claim of ``claim_list``), ``timeline``, ``boards`` and
    ``conflicts``; ``arrow_ids`` maps (winner, loser) to the id of its arrow."""
    every = stated_claims(graph)
    dates = claim_dates(every)
    undated = sum(1 for claim in every if claim.date is None)
    return {
        "claimDates": [comparable_date(graph.nodes[d["paper"]].get("date")) if d.get("paper") in graph else None
                       for _, _, _, d in claim_list],
        "timeline": {"dates": dates, "undated": undated},
        "boards": [{"asOf": as_of, "rows": [_row(graph, s) for s in standings(every, as_of)]}
                   for as_of in [*_snapshots(dates), None]],
        "conflicts": [{"label": f"{c.kind} on {_label(graph, c.benchmark)}: "
                                + " > ".join(_label(graph, m) for m in (*c.methods, c.methods[0])),
                       "benchmark": c.benchmark, "methods": list(c.methods),
                       "arrows": [arrow_ids[pair] for pair in _steps(c.methods) if pair in arrow_ids]}
                      for c in conflicts(every)],
    }


def _snapshots(dates: list[str]) -> list[str]:
    """The dates the leaderboard is shipped for: all of them, or ``MAX_SNAPSHOTS`` spread evenly (the last kept)."""
    if len(dates) <= MAX_SNAPSHOTS:
        return dates
    step = (len(dates) - 1) / (MAX_SNAPSHOTS - 1)
    return sorted({dates[round(i * step)] for i in range(MAX_SNAPSHOTS)})


def _steps(methods: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(zip(methods, methods[1:] + methods[:1]))


def _label(graph: nx.MultiDiGraph, node: str | None) -> str:
    return str(graph.nodes[node].get("label") or node) if node in graph else str(node or "")


def _row(graph: nx.MultiDiGraph, standing: Standing) -> dict[str, object]:
    return {"benchmark": standing.benchmark, "metric": _label(graph, standing.metric), "group": standing.group,
            "size": standing.group_size, "rank": standing.rank, "method": standing.method, "wins": standing.wins,
            "losses": standing.losses, "best": _best(graph, standing.best)}


def _best(graph: nx.MultiDiGraph, claim: Stated | None) -> str:
    """"+2.5 points over Alpha": the margin and whom it is over (the table's title names the metric)."""
    if claim is None or not claim.margin:
        return ""
    return f"{claim.margin} over {_label(graph, claim.loser)}"
