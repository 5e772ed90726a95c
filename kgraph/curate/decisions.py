"""The curation file: one decision per JSON line, read (every error naming its line) and appended.

A decision names its paper (``paper``: the paper's node id, ``title`` beside it), the fact
(``fact``: ``claim`` or a mention field such as ``baselines``), the fact's identity as the
extractor stated it (``winner``/``loser``, or ``name``; ``benchmark``/``metric`` to tell a claim
made once per benchmark apart) and its evidence span (``field``, ``start``, ``end``): what still
finds the fact after a rebuild, ``--update`` or an extractor upgrade (``kgraph.curate.apply``).
``action`` is accept, reject, correct (``set``: the curated values, for a mention also a merge,
``same_as``, or a split, ``split_as``) or add (``set``: the missed fact; the span is its evidence).
``curator`` and ``at`` say who and when. Later lines override earlier ones about the same fact, so
the file is a log that a review page only appends to.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

import filelock

from kgraph.errors import InputError
from kgraph.graph import paper_node_id
from kgraph.model import Claim, Mention, Paper, normalize_name
from kgraph.schema import KIND_NAMES, MENTION_FIELDS

ACTIONS = ("accept", "reject", "correct", "add")
CLAIM = "claim"
FACTS = (CLAIM, *MENTION_FIELDS)
FIELDS = ("abstract", "title")
CLAIM_VALUES = ("winner", "loser", "benchmark", "metric", "margin")  # what ``set`` may give a claim
# And what it may give a mention: same_as merges it with the entity of that name; split_as says that in
# this paper its name means another entity than elsewhere, the one of that label.
MENTION_VALUES = ("name", "kind", "same_as", "split_as")
# Every key a line may hold, in the order it is written.
KEYS = ("action", "paper", "title", "fact", "winner", "loser", "benchmark", "metric", "name", "field", "start", "end",
        "set", "curator", "at", "note")
LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class Decision:
    """One line of the curation file."""

    action: str
    paper: str  # the paper's node id ("paper:2401.00001")
    fact: str  # "claim" or a mention field
    start: int  # the evidence span, in ``field`` of the paper
    end: int
    curator: str
    at: str  # ISO 8601, UTC
    field: str = "abstract"
    title: str | None = None
    winner: str | None = None
    loser: str | None = None
    benchmark: str | None = None
    metric: str | None = None
    name: str | None = None
    set: dict[str, str | None] = _field(default_factory=dict)
    note: str | None = None
    line: int = _field(default=0, compare=False)  # where it was read (0: not read from a file)

    @property
    def identity(self) -> tuple:
        """What a later decision about the same fact shares with this one (it overrides it)."""
        if self.action == "add":
            return ("add", self.paper, self.fact, self.field, self.start, self.end,
                    tuple(sorted((k, normalize_name(v or "")) for k, v in self.set.items())))
        names = (self.name,) if self.fact != CLAIM else (self.winner, self.loser, self.benchmark, self.metric)
        return (self.paper, self.fact, self.field, self.start, self.end, *(normalize_name(n or "") for n in names))

    def to_dict(self) -> dict[str, Any]:
        values = {key: getattr(self, key) for key in KEYS}
        return {key: value for key, value in values.items() if value is not None and value != {}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def describe(self) -> str:
        """One line for people: what the decision is about."""
        what = (f"{self.winner} > {self.loser}" if self.fact == CLAIM else f"{self.fact} {self.name}") \
            if self.action != "add" else f"add {self.fact} {json.dumps(self.set, ensure_ascii=False)}"
        return f"{self.action} {what} in {self.paper} ({self.field} {self.start}-{self.end}) by {self.curator}"


def about(paper: Paper, fact_name: str, fact: Claim | Mention, action: str, curator: str, at: str,
          values: dict[str, str | None] | None = None) -> Decision:
    """A decision on ``fact`` (listed in ``fact_name`` of ``paper``'s extraction), naming it as the
    extractor stated it: a fact already corrected is named by the machine's values it kept."""
    original = fact.curation.original if fact.curation else {}
    identity = {key: original.get(key, getattr(fact, key)) for key in
                (("winner", "loser", "benchmark", "metric") if fact_name == CLAIM else ("name",))}
    evidence = fact.evidence
    decision = Decision(action, paper_node_id(paper), fact_name, evidence.start, evidence.end, curator, at,
                        evidence.field, paper.title, set=dict(values or {}), **identity)
    _check(decision)
    return decision


def decision_from_dict(data: Any, line: int = 0) -> Decision:
    """A decision from its JSON object; ValueError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("a decision is a JSON object")
    if unknown := sorted(set(data) - set(KEYS)):
        raise ValueError(f"unknown key {unknown[0]!r} (keys: {', '.join(KEYS)})")
    for key in ("action", "paper", "fact", "start", "end", "curator", "at"):
        if data.get(key) in (None, ""):
            raise ValueError(f"missing {key!r}")
    for key in KEYS:
        if key not in ("start", "end", "set") and data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"{key!r} must be a string")
    if not isinstance(data.get("set") or {}, dict):
        raise ValueError("'set' must be an object")
    decision = Decision(**{**data, "set": dict(data.get("set") or {})}, line=line)
    _check(decision)
    return decision


def _check(d: Decision) -> None:
    if d.action not in ACTIONS:
        raise ValueError(f"action {d.action!r} is not one of {', '.join(ACTIONS)}")
    if d.fact not in FACTS:
        raise ValueError(f"fact {d.fact!r} is not one of {', '.join(FACTS)}")
    if d.field not in FIELDS:
        raise ValueError(f"field {d.field!r} is not one of {', '.join(FIELDS)}")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (d.start, d.end)) or not 0 <= d.start < d.end:
        raise ValueError("'start' and 'end' must be whole numbers with 0 <= start < end")
    allowed = CLAIM_VALUES if d.fact == CLAIM else MENTION_VALUES
    if wrong := sorted(set(d.set) - set(allowed)):
        raise ValueError(f"'set' cannot give {wrong[0]!r} to a {d.fact} fact (only {', '.join(allowed)})")
    if not all(v is None or isinstance(v, str) for v in d.set.values()):
        raise ValueError("the values of 'set' must be strings or null")
    if d.set.get("kind") is not None and d.set["kind"] not in KIND_NAMES:
        raise ValueError(f"kind {d.set['kind']!r} is not one of {', '.join(KIND_NAMES)}")
    required = ("winner", "loser") if d.fact == CLAIM else ("name",)
    if d.action == "add":
        if missing := [k for k in required if not d.set.get(k)]:
            raise ValueError(f"an added {d.fact} needs 'set' to give {missing[0]!r}")
    elif missing := [k for k in required if not getattr(d, k)]:
        raise ValueError(f"a decision on a {d.fact} fact needs {missing[0]!r} (the fact as extracted)")
    if d.action == "correct" and not d.set:
        raise ValueError("a correction needs 'set' (the curated values)")
    if d.action in ("accept", "reject") and d.set:
        raise ValueError(f"'set' is for correct and add, not {d.action}")
    if emptied := [k for k in (*required, "kind", "split_as") if k in d.set and not d.set[k]]:
        raise ValueError(f"'set' cannot make {emptied[0]!r} empty")
    if "split_as" in d.set:
        _check_split(d)


def _check_split(d: Decision) -> None:
    """A split is a correction naming another entity than the merge or the name it is split from."""
    if d.action != "correct":
        raise ValueError(f"'split_as' is for correct, not {d.action}")
    if "same_as" in d.set:
        raise ValueError("'split_as' and 'same_as' cannot be given together (a split or a merge)")
    label = normalize_name(d.set["split_as"])
    if not label:
        raise ValueError("'split_as' must hold a letter or a digit")
    if label == normalize_name(d.set.get("name") or d.name or ""):
        raise ValueError("'split_as' must name another entity than the mention's name")


def read_decisions(path: str | os.PathLike[str]) -> list[Decision]:
    """Every decision of the file at ``path``, in order; an InputError naming the line of the first bad one."""
    source = Path(path)
    if not source.is_file():
        raise InputError(str(source), "no such curation file" if not source.exists() else "not a regular file")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(source), "not UTF-8 text") from None
    except OSError as error:
        raise InputError(str(source), f"cannot read: {error.strerror or error}") from None
    decisions = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            decisions.append(decision_from_dict(json.loads(line), number))
        except json.JSONDecodeError as error:
            raise InputError(str(source), f"malformed JSON: {error.msg} (column {error.colno})", number) from None
        except (ValueError, TypeError) as error:
            raise InputError(str(source), f"bad decision: {error}", number) from None
    return decisions


def append_decisions(path: str | os.PathLike[str], decisions: Iterable[Decision]) -> None:
    """Add decisions at the end of the file, whole lines at once, under the file's lock: two review
    tabs (or two people) writing at the same moment lose nothing and never interleave a line."""
    target = Path(path)
    data = "".join(d.to_json() + "\n" for d in decisions).encode("utf-8")
    with filelock.FileLock(str(target) + LOCK_SUFFIX):
        descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            if os.fstat(descriptor).st_size and not _ends_with_newline(target):
                data = b"\n" + data  # a hand-edited last line without its end
            os.write(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
