"""What the page shows of time, rankings and conflicts, as plain data for ``templates/timeline.js``
and ``templates/leaderboard.js``.

- each claim's date (its paper's, ``kgraph.asof``), so that the time control hides the claims
  not yet made;
- the leaderboard (``kgraph.rank``) as of a few dates: every date claims were made on when they
  are few, else ``MAX_SNAPSHOTS`` of them spread over the history, and today (undated claims
  included); of each table its ``MAX_GROUPS`` largest groups (a big graph has thousands of groups
  of two methods), and how many groups it has. Rankings are fitted in Python, not in the page, so
  the page shows what ``kgraph query --canned leaderboard`` says;
- the conflicts (``kgraph.conflicts``), with the arrows along each cycle, which the page draws
  dashed and red.
"""

from __future__ import annotations

import networkx as nx

from kgraph.asof import Stated, claim_dates, comparable_date, stated_claims
from kgraph.conflicts import conflicts
from kgraph.rank import Standing, standings

MAX_SNAPSHOTS = 12  # leaderboards shipped in the page, at most (a big history is sampled)
MAX_GROUPS = 10  # groups of a table shipped in the page, the largest
# A row of a leaderboard, as the page takes it (lists: a board of a big graph has thousands of rows).
ROW_FIELDS = ("benchmark", "metric", "group", "size", "rank", "method", "wins", "losses", "best")

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
        "boards": [_board(graph, every, as_of) for as_of in [*_snapshots(dates), None]],
        "rowFields": ROW_FIELDS,
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


def _board(graph: nx.MultiDiGraph, claims: list[Stated], as_of: str | None) -> dict[str, object]:
    """The leaderboard as of a date: rows of the ``MAX_GROUPS`` largest groups of each table, and
    each table's number of groups ("benchmark id|metric label" -> count)."""
    ranked = standings(claims, as_of)
    groups = {}
    for s in ranked:
        key = f"{s.benchmark}|{_label(graph, s.metric)}"
        groups[key] = max(groups.get(key, 0), s.group)
    return {"asOf": as_of, "groups": groups, "rows": [_row(graph, s) for s in ranked if s.group <= MAX_GROUPS]}


def _row(graph: nx.MultiDiGraph, standing: Standing) -> list[object]:
    return [standing.benchmark, _label(graph, standing.metric), standing.group, standing.group_size, standing.rank,
            standing.method, standing.wins, standing.losses, _best(graph, standing.best)]


def _best(graph: nx.MultiDiGraph, claim: Stated | None) -> str:
    """"+2.5 points over Alpha": the margin and whom it is over (the table's title names the metric)."""
    if claim is None or not claim.margin:
        return ""
    return f"{claim.margin} over {_label(graph, claim.loser)}"
