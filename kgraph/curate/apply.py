"""Decisions applied to one paper's extraction: the facts found by the identity each decision
recorded, then rejected, marked, corrected or added.

A decision finds its fact by the names it recorded (normalized, so ``ResNet-50`` = ``resnet 50``)
and its evidence span: the same names in the same span first, then in an overlapping span (an
upgraded sentence splitter), then the same names anywhere in the paper, then, for a claim, the same
span with one of its two names (an upgraded reader of the other). A decision that finds no fact,
or two equally well, is an orphan: reported, never applied to a guess.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kgraph.curate.decisions import CLAIM, Decision
from kgraph.model import Claim, Curation, Evidence, Extraction, Mention, Paper, normalize_name
from kgraph.schema import MENTION_ROLES

ADDED_RULE = "curator.added"  # the rule id of a fact a curator added
# Where a mention whose kind a curator corrected is listed (a method: among the baselines).
_ROLE_OF_KIND = {role.kind: role.field for role in MENTION_ROLES if role.field != "proposed"}
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")

Fact = Claim | Mention


@dataclass
class Outcome:
    """What a paper's decisions did (kept by the build for the papers whose lines it copies)."""

    applied: list[int] = field(default_factory=list)  # line numbers of the decisions applied
    orphans: list[list] = field(default_factory=list)  # [line, why] of the decisions that found no fact
    rejected: list[dict] = field(default_factory=list)  # each rejected fact as extracted, with its decision

    def to_plain(self) -> dict:
        return {"applied": self.applied, "orphans": self.orphans, "rejected": self.rejected}

    @classmethod
    def from_plain(cls, data: dict) -> Outcome:
        return cls(list(data["applied"]), [list(o) for o in data["orphans"]], list(data["rejected"]))


def latest(decisions: Iterable[Decision]) -> list[Decision]:
    """The decisions in force: of several about one fact, the last written; in file order."""
    last: dict[tuple, Decision] = {}
    for decision in decisions:
        last.pop(decision.identity, None)
        last[decision.identity] = decision
    return list(last.values())


def apply_decisions(paper: Paper, extraction: Extraction, decisions: list[Decision]) -> tuple[Extraction, Outcome]:
    """The extraction as the curators left it, and what each decision did."""
    curated = Extraction.from_dict(extraction.to_dict())  # a copy: the cached extraction stays the machine's
    outcome = Outcome()
    for decision in latest(decisions):
        why = _apply(paper, curated, decision, outcome)
        if why is None:
            outcome.applied.append(decision.line)
        else:
            outcome.orphans.append([decision.line, why])
    return curated, outcome


def _apply(paper: Paper, extraction: Extraction, d: Decision, outcome: Outcome) -> str | None:
    """Apply one decision; None when done, else why it could not be."""
    if d.action == "add":
        return _add(paper, extraction, d)
    facts = _facts(extraction, d.fact)
    found = find_fact(facts, d)
    if isinstance(found, str):
        return found
    fact = facts[found]
    stamp = Curation("accepted", d.curator, d.at)
    if d.action == "reject":
        del facts[found]
        outcome.rejected.append({"fact": dataclasses.asdict(fact), "decision": d.to_dict()})
    elif d.action == "accept":
        fact.curation = stamp
    else:
        fixed = _corrected(d, fact, stamp)
        if isinstance(fixed, str):
            return fixed
        if isinstance(fixed, Mention) and "kind" in fixed.curation.original and _ROLE_OF_KIND[fixed.kind] != d.fact:
            del facts[found]
            getattr(extraction, _ROLE_OF_KIND[fixed.kind]).append(fixed)
        else:
            facts[found] = fixed
    return None


def _facts(extraction: Extraction, fact: str) -> list:
    return extraction.claims if fact == CLAIM else getattr(extraction, fact)


def _names(fact: Fact) -> tuple[str, ...]:
    return (normalize_name(fact.winner), normalize_name(fact.loser)) if isinstance(fact, Claim) \
        else (normalize_name(fact.name),)


def find_fact(facts: list[Fact], d: Decision) -> int | str:
    """The index of the fact ``d`` is about, or why none is."""
    wanted = tuple(normalize_name(n or "") for n in ((d.winner, d.loser) if d.fact == CLAIM else (d.name,)))
    scored = []
    for index, fact in enumerate(facts):
        evidence = fact.evidence
        same_field = evidence.field == d.field
        same_span = same_field and (evidence.start, evidence.end) == (d.start, d.end)
        overlap = same_field and evidence.start < d.end and d.start < evidence.end
        names = _names(fact)
        shared = sum(a == b for a, b in zip(names, wanted))
        if names == wanted:
            tier = 3 if same_span else 2 if overlap else 1
        elif same_span and shared and len(wanted) == 2:
            tier = 0
        else:
            continue
        extra = (sum(normalize_name(getattr(fact, k) or "") == normalize_name(getattr(d, k) or "")
                     for k in ("benchmark", "metric")) if isinstance(fact, Claim) else 0)
        scored.append(((tier, extra), index))
    if not scored:
        return "its fact is no longer extracted"
    best = max(score for score, _ in scored)
    found = [index for score, index in scored if score == best]
    return found[0] if len(found) == 1 else f"it fits {len(found)} facts equally well"


def _corrected(d: Decision, fact: Fact, stamp: Curation) -> Fact | str:
    """The fact with the curated values (or why they cannot be given: a mention's name is a surface
    form, found in its sentence, as the gold guidelines write names)."""
    values = dict(d.set)
    same_as = values.pop("same_as", None)  # a merge: another name of the same entity
    original = {key: getattr(fact, key) for key, value in values.items() if getattr(fact, key) != value}
    if same_as and same_as not in fact.aliases:
        original["aliases"] = "; ".join(fact.aliases)
    if "split_as" in original:  # a split: the machine took the name to mean what it means elsewhere
        original["entity"] = original.pop("split_as") or fact.name
    if not original:
        return dataclasses.replace(fact, curation=stamp)
    fixed = dataclasses.replace(fact, **values, curation=dataclasses.replace(stamp, status="corrected", original=original))
    if "aliases" in original:  # the paper now says the two names are one: resolution merges their entities
        fixed.aliases = [*fixed.aliases, same_as]
    if isinstance(fixed, Claim) and "margin" in d.set:
        fixed.margin_value, fixed.margin_unit = margin_parts(fixed.margin)
    if isinstance(fixed, Mention) and "name" in original:
        if (at := fixed.evidence.text.find(fixed.name)) < 0:
            return f"the corrected name {fixed.name!r} is not in its evidence sentence"
        fixed.start = fixed.evidence.start + at
        fixed.end = fixed.start + len(fixed.name)
    return fixed


def margin_parts(margin: str | None) -> tuple[float | None, str | None]:
    """A margin as written ("+1.7 mIoU", "3x", "2.1%") -> its number and unit."""
    if not margin or not (number := _NUMBER.search(margin)):
        return None, None
    unit = margin[number.end():].strip() or None
    return float(number.group().replace(",", ".").lstrip("+")), unit


def _add(paper: Paper, extraction: Extraction, d: Decision) -> str | None:
    text = paper.abstract if d.field == "abstract" else paper.title
    if d.end > len(text):
        return f"its span ends at {d.end}, after the end of the paper's {d.field} ({len(text)} characters)"
    evidence = Evidence(text[d.start:d.end], d.start, d.end, d.field)
    stamp = Curation("added", d.curator, d.at)
    if d.fact == CLAIM:
        values = {key: d.set.get(key) for key in ("winner", "loser", "benchmark", "metric", "margin")}
        value, unit = margin_parts(values["margin"])
        extraction.claims.append(Claim(evidence=evidence, rule=ADDED_RULE, confidence=1.0, margin_value=value,
                                       margin_unit=unit, curation=stamp, **values))
        return None
    name = d.set["name"]
    at = evidence.text.find(name)
    if at < 0:
        return f"the name {name!r} is not in its evidence span"
    kind = d.set.get("kind") or next(role.kind for role in MENTION_ROLES if role.field == d.fact)
    _facts(extraction, d.fact).append(Mention(name, kind, evidence, d.start + at, d.start + at + len(name),
                                              ADDED_RULE, 1.0, curation=stamp))
    return None
