"""The gold-annotation record of one paper (``../shared/gold/GUIDELINES.md``), for scoring extraction."""

from __future__ import annotations

from typing import Any

from kgraph.model import Extraction, Mention, Paper
from kgraph.schema import MENTION_FIELDS


def _names(mentions: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.name for m in mentions))


def gold_record(paper: Paper, extraction: Extraction) -> dict[str, Any]:
    """Title, entity name lists and (winner, loser, benchmark) claims, plus evidence as extra keys."""
    return {
        "title": paper.title,
        **{field_name: _names(getattr(extraction, field_name)) for field_name in MENTION_FIELDS},
        "outperforms": [
            {"winner": c.winner, "loser": c.loser, "benchmark": c.benchmark, "metric": c.metric,
             "margin": c.margin, "evidence": c.evidence.text, "confidence": c.confidence}
            for c in extraction.claims
        ],
        "abbreviations": [list(pair) for pair in extraction.abbreviations],
    }
