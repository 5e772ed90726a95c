"""Claims' earlier versions, carried from one build to the next in papers.jsonl.

A paper written anew (read by another extractor, its abstract or its curation decisions changed)
may state a claim it stated before (the same identity, ``kgraph.graph.claim_identities``) with
other values. Its new line then keeps the claim's earlier versions (``Claim.revisions``): those its
last line held, and the last line's values when they differ from the new ones. The line holds
them, so they survive whatever a build throws away (cache, indexes, state, store), a line copied
unchanged keeps them at no cost, and a rebuild with nothing new never looks for them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

from kgraph.build.papers_index import SavedLine
from kgraph.graph import claim_identities
from kgraph.model import CLAIM_VALUES, Claim, Extraction, Paper
from kgraph.saved import facts_json

NO_CLAIMS = '"claims": []'  # in a line or facts whose extraction states none (keys sorted, as facts_json writes)


def previous_claims(saved: Path, last: dict[str, SavedLine], wanted: set[str]) -> dict[str, list[Claim]]:
    """Paper IRI -> its claims as the last papers.jsonl (``saved``) holds them, for the papers of
    ``wanted`` (IRIs) that stated some. The lines are found by the last build's index (``last``),
    else (another extractor or line layout, ``--no-cache``) by reading the whole file; a file not
    of this kgraph's making holds none."""
    if not wanted or not saved.is_file():
        return {}
    lines = _indexed(saved, [line for line in last.values() if line.iri in wanted]) if last else _every_line(saved)
    found: dict[str, list[Claim]] = {}
    try:
        for text in lines:
            if NO_CLAIMS in text:
                continue
            data = json.loads(text)
            iri = _paper_iri(Paper.from_dict(data["paper"]))
            if iri in wanted:
                found.setdefault(iri, Extraction.from_dict(data["extraction"]).claims)
    except (OSError, ValueError, KeyError, TypeError):  # not a papers.jsonl of this kgraph's: no history
        return {}
    return found


def _paper_iri(paper: Paper) -> str:
    from kgraph.build.extract_phase import paper_iri  # which imports this module

    return paper_iri(paper)


def _indexed(saved: Path, lines: list[SavedLine]) -> Iterator[str]:
    with saved.open("rb") as handle:
        for line in sorted(lines):
            handle.seek(line.start)
            yield handle.read(line.length).decode("utf-8")


def _every_line(saved: Path) -> Iterator[str]:
    with saved.open(encoding="utf-8") as handle:
        yield from (line for line in handle if line.strip())


def carried(facts: str, before: list[Claim] | None) -> str:
    """A paper's new facts (JSON, ``facts_json``) with each claim's earlier versions, from ``before``
    (its claims as its last line held them): a claim of the same identity there passes on its
    revisions, and its own values as one more when any of them changed, but for a change a
    curator's decision made (the claim's curation changed too): that one the curation records
    (``kg:machineMargin`` and the like), and a fresh build makes the same line. Unchanged facts
    when no claim has any revision."""
    if not before or NO_CLAIMS in facts:
        return facts
    last: dict[tuple[str, ...], Claim] = {}
    for identity, claim in zip(claim_identities(before), before):
        last.setdefault(identity, claim)  # the first, as the graph keeps it
    extraction = Extraction.from_dict(json.loads(facts))
    for claim, identity in zip(extraction.claims, claim_identities(extraction.claims)):
        if (was := last.get(identity)) is not None:
            versions = list(was.revisions or ())
            if _values(was) != _values(claim) and was.curation == claim.curation:
                versions.append(_values(was))
            claim.revisions = versions or None
    return facts_json(extraction) if any(claim.revisions for claim in extraction.claims) else facts


def _values(claim: Claim) -> dict[str, object]:
    """What a claim states (``CLAIM_VALUES``), as JSON values."""
    return {name: dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
            for name in CLAIM_VALUES for value in (getattr(claim, name),)}

