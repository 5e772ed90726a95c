"""Curation in phase 1: each paper's decisions applied to its extraction before its line is written.

A paper's line is copied from the last papers.jsonl only while the decisions about it are those
that line was written with (the digest of them, kept in ``.kgraph/curation.json`` bound to
papers.jsonl): a changed curation file makes exactly the papers whose decisions changed be taken
from the cache again (no extraction) and curated afresh; the rest of the build follows from
their new lines as from any changed paper. What each paper's decisions did (applied, orphans,
facts rejected) is kept beside, so copied papers report it too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kgraph.build.splice import read_bound, write_bound
from kgraph.curate.apply import Outcome, apply_decisions
from kgraph.curate.ledger import Ledger
from kgraph.folder import BuildFolder
from kgraph.graph import paper_node_id
from kgraph.io import write_text
from kgraph.model import Extraction, Paper
from kgraph.saved import facts_json

RECORD_FORMAT = "1"


@dataclass
class CurationSummary:
    """What the curation file did to this build (``BuildReport.curation``)."""

    decisions: int = 0  # decisions in force (the last about each fact)
    applied: int = 0
    rejected: int = 0  # facts left out
    orphans: list[tuple[int, str, str]] = field(default_factory=list)  # (line, why, the decision) of those not applied
    papers_curated: int = 0  # papers whose line was written again for a change of their decisions


class Curating:
    """The decisions of a build, applied paper by paper, and what they did."""

    def __init__(self, ledger: Ledger, folder: BuildFolder, lines_version: str) -> None:
        self.ledger, self.folder, self.version = ledger, folder, f"{lines_version}/{RECORD_FORMAT}"
        self.saved = self._read_saved()
        self.now: dict[str, tuple[str, Outcome]] = {}  # paper digest -> (decisions digest, outcome)
        self.decisions: dict[str, list] = {}  # paper digest -> its decisions (of papers that have some)
        self.papers: dict[str, Paper] = {}
        self.curated = 0

    def _read_saved(self) -> dict[str, list] | None:
        """What the last build's decisions did, by paper digest ({}: none; None: unknown)."""
        body = read_bound(self.folder.curation_record, self.folder.papers, self.version)
        if body is None:
            return {} if not self.folder.curation_record.exists() else None
        try:
            return dict(json.loads(body)["papers"])
        except (ValueError, KeyError, TypeError):
            return None

    def stale(self, papers: list[Paper], digests: list[str]) -> set[str] | None:
        """Digests of the papers whose saved line was written with other decisions than theirs now
        (None: all of them, what the last build did being unknown)."""
        if self.saved is None:
            return None
        stale = set()
        for paper, digest in zip(papers, digests):
            if decisions := self.ledger.for_paper(paper):
                self.decisions[digest], self.papers[digest] = decisions, paper
            before = self.saved.get(digest)
            if (before[0] if before else None) != self.ledger.digest(decisions):
                stale.add(digest)
        return stale

    def copied(self, digest: str) -> None:
        if digest in self.decisions:
            decisions_digest, outcome = self.saved[digest]
            self.now[digest] = (decisions_digest, Outcome.from_plain(outcome))

    def curate(self, paper: Paper, digest: str, facts: str, names: str) -> tuple[str, str]:
        """A fresh line's facts and names, its decisions applied."""
        decisions = self.decisions.get(digest) or self.ledger.for_paper(paper)
        if not decisions:
            return facts, names
        extraction, outcome = apply_decisions(paper, Extraction.from_dict(json.loads(facts)), decisions)
        self.now[digest] = (self.ledger.digest(decisions), outcome)
        self.papers[digest] = paper
        self.curated += 1
        return facts_json(extraction), extraction.names().to_json()

    def summary(self) -> CurationSummary:
        outcomes = [outcome for _, outcome in self.now.values()]
        matched = {line for decisions in self.decisions.values() for line in (d.line for d in decisions)}
        matched |= {line for outcome in outcomes for line in (*outcome.applied, *(o[0] for o in outcome.orphans))}
        by_line = {d.line: d for d in self.ledger.decisions}
        orphans = [(line, why, by_line[line].describe()) for o in outcomes for line, why in o.orphans]
        orphans += [(d.line, "no paper of the build is this one", d.describe()) for d in self.ledger.unmatched(matched)]
        return CurationSummary(len(self.ledger.decisions), sum(len(o.applied) for o in outcomes),
                               sum(len(o.rejected) for o in outcomes), sorted(orphans), self.curated)

    def save(self) -> None:
        """What the next build starts from (bound to papers.jsonl), the orphans for ``kgraph
        curation orphans``, and the rejected facts, for audit, in ``rejected.jsonl``."""
        summary = self.summary()
        papers = {digest: [d, outcome.to_plain()] for digest, (d, outcome) in self.now.items()}
        record = {"papers": papers, "file": str(self.ledger.path) if self.ledger.path else None,
                  "orphans": [list(o) for o in summary.orphans]}
        write_bound(self.folder.curation_record, self.folder.papers, json.dumps(record).encode("utf-8"), self.version)
        rejected = [json.dumps({"paper": paper_node_id(self.papers[digest]), "title": self.papers[digest].title,
                                **fact}, ensure_ascii=False, sort_keys=True)
                    for digest, (_, outcome) in self.now.items() for fact in outcome.rejected]
        if rejected or self.folder.rejected.exists():
            write_text(self.folder.rejected, "".join(line + "\n" for line in rejected))
