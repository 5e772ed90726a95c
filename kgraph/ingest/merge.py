"""Merge records of the same paper (same ``Paper.key`` or arXiv id) read from several inputs or entries.

Nothing is dropped silently: every source is kept, lists are united, and when inputs disagree
the choice made is written to the paper's notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from networkx.utils import UnionFind

from kgraph.ingest.records import unique
from kgraph.model import Paper


def merge_papers(papers: Iterable[Paper]) -> list[Paper]:
    """One Paper per paper, in order of first appearance: records with the same key (title) or the
    same arXiv id (a title revised between listings) are one paper, and so on transitively.

    Everything downstream names a paper by its key, or by its arXiv id when it has one, so two
    records sharing either must become one paper.
    """
    papers = list(papers)
    same = UnionFind()  # only records that share a key or an id with an earlier one
    first: dict[str, int] = {}
    for number, paper in enumerate(papers):
        for identity in _identities(paper):
            if (earlier := first.setdefault(identity, number)) != number:
                same.union(earlier, number)
    groups: dict[int, list[Paper]] = {}
    for number, paper in enumerate(papers):
        groups.setdefault(same[number] if number in same.parents else number, []).append(paper)
    return [group[0] if len(group) == 1 else _merge(group) for group in groups.values()]


def _identities(paper: Paper) -> list[str]:
    return [f"key:{paper.key}", *([f"arXiv:{paper.arxiv_id}"] if paper.arxiv_id else []), *paper.known_as]


def _merge(group: list[Paper]) -> Paper:
    notes = unique(note for paper in group for note in paper.notes)
    merged = Paper(
        title=_first_known(group, "title", notes),
        abstract=_abstract(group, notes),
        sources=unique(source for paper in group for source in paper.sources),
        date=_date(group, notes),
        upvotes=_first_known(group, "upvotes", notes),
        authors=_first_known(group, "authors", notes),
        author_names=list(next((paper.author_names for paper in group if paper.author_names), [])),
        organizations=unique(org for paper in group for org in paper.organizations),
        urls=unique(url for paper in group for url in paper.urls),
        url=_first_known(group, "url", notes),
        arxiv_id=_first_known(group, "arxiv_id", notes),
        notes=notes,
    )
    merged.known_as = sorted({i for paper in group for i in _identities(paper)} - set(_identities(merged)))
    return merged


def _abstract(group: list[Paper], notes: list[str]) -> str:
    """The longest abstract (a revision usually adds); on equal length the later-read one."""
    winner = max(reversed(group), key=lambda paper: len(paper.abstract))
    versions = len({paper.abstract for paper in group})
    if versions > 1:
        notes.append(f"abstract from {_where(winner)} (longest of {versions} different versions)")
    return winner.abstract


def _date(group: list[Paper], notes: list[str]) -> str | None:
    """The first most precise date: a full date, else a month (``YYYY-MM``, from an arXiv id),
    else a month-day (``--MM-DD``, a listing without a year); a clash among full dates or month-days is noted."""
    dated = sorted((paper for paper in group if paper.date), key=lambda paper: _precision(paper.date))
    if not dated:
        return None
    chosen = dated[0].date
    full = [paper for paper in dated if _precision(paper.date) == 0]
    month_days = {paper.date[-5:] for paper in dated if _precision(paper.date) != 1}
    if len({paper.date for paper in full}) > 1 or len(month_days) > 1:
        notes.append(_clash("date", chosen, dated))
    return chosen


def _precision(date: str) -> int:
    """0 for a full date, 1 for a year and month, 2 for a month and day."""
    return 2 if date.startswith("--") else 0 if len(date) == 10 else 1


def _first_known(group: list[Paper], name: str, notes: list[str]) -> Any:
    """The first value that is given; other values are noted, not lost."""
    known = [paper for paper in group if getattr(paper, name) is not None]
    if not known:
        return None
    chosen = getattr(known[0], name)
    if any(getattr(paper, name) != chosen for paper in known):
        notes.append(_clash(name, chosen, known))
    return chosen


def _clash(name: str, chosen: Any, papers: list[Paper]) -> str:
    values = "; ".join(f"{getattr(paper, name)!r} at {_where(paper)}" for paper in papers)
    return f"{name} differs across inputs ({values}); kept {chosen!r}"


def _where(paper: Paper) -> str:
    return ", ".join(map(str, paper.sources)) or "an input without a source"
