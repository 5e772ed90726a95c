"""The gold-annotation record of one paper (``../shared/gold/GUIDELINES.md``), for scoring extraction."""

from __future__ import annotations

from typing import Any

from kgraph.model import Extraction, Mention, Paper


def _names(mentions: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.name for m in mentions))


def gold_record(paper: Paper, extraction: Extraction) -> dict[str, Any]:
    """Title, entity name lists and (winner, loser, benchmark) claims, plus evidence as extra keys."""
    return {
        "title": paper.title,
        "proposed": _names(extraction.proposed),
        "benchmarks": _names(extraction.benchmarks),
        "baselines": _names(extraction.baselines),
        "outperforms": [
            {"winner": c.winner, "loser": c.loser, "benchmark": c.benchmark, "metric": c.metric,
             "margin": c.margin, "evidence": c.evidence.text, "confidence": c.confidence}
            for c in extraction.claims
        ],
        "organizations": _names(extraction.organizations),
        "metrics": _names(extraction.metrics),
        "abbreviations": [list(pair) for pair in extraction.abbreviations],
    }
