"""Reviewed papers as gold annotations (``../shared/gold/GUIDELINES.md``), to extend an evaluation set.

A paper counts as reviewed when a curator decided on some of its facts and every claim left in
it carries a curation status (accepted, corrected or added; the rejected ones are gone). Its
record is the curated extraction in the gold format: the title, the five entity lists, and one
``outperforms`` object per claim (winner, loser, benchmark, metric, margin), nothing more.
"""

from __future__ import annotations

import json
import os

from kgraph.folder import BuildFolder
from kgraph.graph import paper_node_id
from kgraph.io import atomic_writer
from kgraph.model import Extraction, Paper
from kgraph.predictions import gold_record
from kgraph.saved import read_saved
from kgraph.schema import MENTION_FIELDS

GOLD_CLAIM_KEYS = ("winner", "loser", "benchmark", "metric", "margin")


def _rejected_in(build: str | os.PathLike[str]) -> set[str]:
    """Node ids of the papers with a rejected fact (the build's ``rejected.jsonl``)."""
    path = BuildFolder(build).rejected
    if not path.exists():
        return set()
    return {json.loads(line)["paper"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def reviewed(paper: Paper, extraction: Extraction, rejected: set[str]) -> bool | None:
    """True when reviewed, False when a curator started on it but left claims unchecked, None when untouched."""
    facts = [*extraction.claims, *(m for name in MENTION_FIELDS for m in getattr(extraction, name))]
    if not any(f.curation for f in facts) and paper_node_id(paper) not in rejected:
        return None
    return all(claim.curation for claim in extraction.claims)


def gold_line(paper: Paper, extraction: Extraction) -> dict:
    record = gold_record(paper, extraction)
    return {"title": paper.title, **{name: record[name] for name in MENTION_FIELDS},
            "outperforms": [{key: claim[key] for key in GOLD_CLAIM_KEYS} for claim in record["outperforms"]]}


def export_gold(build: str | os.PathLike[str], output: str | os.PathLike[str]) -> tuple[int, int]:
    """Write the reviewed papers of ``build`` to ``output``; (papers written, papers left out half-reviewed)."""
    papers, extractions = read_saved(build)
    rejected = _rejected_in(build)
    written = partial = 0
    with atomic_writer(output) as handle:
        for paper in papers:
            state = reviewed(paper, extractions[paper.key], rejected)
            if state:
                handle.write(json.dumps(gold_line(paper, extractions[paper.key]), ensure_ascii=False) + "\n")
                written += 1
            partial += state is False
    return written, partial
