"""The gold-annotation record of one paper (``../shared/gold/GUIDELINES.md``), for scoring extraction.

The entity fields stay plain name lists, as the gold set writes them, so ``score.py`` scores the
record unchanged; which rule produced each fact, and with what confidence, rides along in keys the
scorer ignores (``rule``/``confidence`` on each claim, ``facts`` for the entity fields), so precision
can be broken down per rule and per confidence (``benchmarks/rule_precision.py``, ``calibration.py``).
"""

from __future__ import annotations

from typing import Any

from kgraph.model import Extraction, Mention, Paper
from kgraph.schema import MENTION_FIELDS as ENTITY_FIELDS


def _names(mentions: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.name for m in mentions))


def _facts(mentions: list[Mention]) -> list[dict[str, Any]]:
    """One entry per distinct (name, rule) at its highest confidence: a name two rules found credits both."""
    best: dict[tuple[str, str], float] = {}
    for m in mentions:
        best[m.name, m.rule] = max(best.get((m.name, m.rule), m.confidence), m.confidence)
    return [{"name": name, "rule": rule, "confidence": confidence} for (name, rule), confidence in best.items()]


def gold_record(paper: Paper, extraction: Extraction) -> dict[str, Any]:
    """Title, entity name lists and claims in the gold format, plus evidence, rule ids and confidences."""
    record: dict[str, Any] = {
        "title": paper.title,
        "outperforms": [
            {"winner": c.winner, "loser": c.loser, "benchmark": c.benchmark, "metric": c.metric,
             "margin": c.margin, "evidence": c.evidence.text, "rule": c.rule, "confidence": c.confidence}
            for c in extraction.claims
        ],
        "abbreviations": [list(pair) for pair in extraction.abbreviations],
    }
    for field in ENTITY_FIELDS:
        record[field] = _names(getattr(extraction, field))
    record["facts"] = {field: _facts(getattr(extraction, field)) for field in ENTITY_FIELDS}
    return record
