"""A curation file's decisions in force, by the paper they are about.

A decision names its paper by node id (``paper:2401.00001``) and by title; a paper is found by
either, so a paper that gained an arXiv id since (merged with its arXiv record) keeps its decisions.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

from kgraph.curate.apply import latest
from kgraph.curate.decisions import Decision, read_decisions
from kgraph.graph import paper_node_id
from kgraph.model import Paper, normalize_name


def _apply_code() -> bytes:
    """What applying a decision depends on besides the decision: a change to it applies all again."""
    return (resources.files("kgraph.curate") / "apply.py").read_bytes()


class Ledger:
    """The decisions of one curation file (none: an empty ledger)."""

    def __init__(self, decisions: list[Decision], path: Path | None = None) -> None:
        self.path = path
        self.decisions = latest(decisions)
        self._by_paper: dict[str, list[Decision]] = {}
        self._by_title: dict[str, list[Decision]] = {}
        for decision in self.decisions:
            self._by_paper.setdefault(decision.paper, []).append(decision)
            if decision.title:
                self._by_title.setdefault(normalize_name(decision.title), []).append(decision)
        self._code = hashlib.sha256(_apply_code()).hexdigest()

    @classmethod
    def read(cls, path: str | os.PathLike[str] | None) -> Ledger:
        return cls(read_decisions(path), Path(path)) if path is not None else cls([])

    def __bool__(self) -> bool:
        return bool(self.decisions)

    def for_paper(self, paper: Paper) -> list[Decision]:
        """The decisions about ``paper``, in file order."""
        if not self.decisions:
            return []
        found = {d.line: d for d in self._by_paper.get(paper_node_id(paper), [])}
        found |= {d.line: d for d in self._by_title.get(paper.key, [])}
        return [found[line] for line in sorted(found)]

    def digest(self, decisions: list[Decision]) -> str | None:
        """A digest of a paper's decisions and of the code applying them (None: it has none)."""
        if not decisions:
            return None
        text = "\n".join(d.to_json() for d in decisions)
        return hashlib.sha256(f"{self._code}\n{text}".encode()).hexdigest()[:24]

    def unmatched(self, matched: set[int]) -> list[Decision]:
        """The decisions (by line) about no paper of the build."""
        return [d for d in self.decisions if d.line not in matched]
