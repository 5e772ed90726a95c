"""The rule book: every rule's id, description and confidence, and every word list and pattern the
rules read, from one data file (``rules.toml``) with one definition each.

The extractor's version is the digest of that file and the vocabularies with ``ENGINE_VERSION``,
the version of the code that applies them: editing the data invalidates cached extractions by
itself; a change to the code that alters what it extracts bumps ``ENGINE_VERSION``
(``tests/unit``'s engine check asks for it when the code changed).
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

ENGINE_VERSION = "72"
RULES_FILE = "rules.toml"


@dataclass(frozen=True)
class Rule:
    field: str
    id: str
    description: str
    confidence: float


@functools.cache
def _book() -> dict:
    return tomllib.loads((resources.files("kgraph.extract") / RULES_FILE).read_text(encoding="utf-8"))


@functools.cache
def rules() -> dict[str, Rule]:
    """Every rule by its full id, ``FIELD.ID`` ("claims.comparison-than")."""
    return {f"{field}.{rule_id}": Rule(field, rule_id, spec["description"], float(spec["confidence"]))
            for field, table in _book()["rules"].items() for rule_id, spec in table.items()}


def rule(field: str, rule_id: str) -> Rule:
    return rules()[f"{field}.{rule_id}"]


@functools.cache
def words(name: str) -> frozenset[str]:
    return frozenset(_book()["words"][name])


@functools.cache
def stems(name: str) -> tuple[str, ...]:
    """A word list as a tuple, for ``str.startswith``."""
    return tuple(_book()["words"][name])


@functools.cache
def pattern(name: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(_book()["patterns"][name], flags)


def alternation(name: str) -> str:
    """A word list as a regular-expression alternation, longest first ("percentage points" before "points")."""
    return "|".join(re.escape(word) for word in sorted(_book()["words"][name], key=lambda w: (-len(w), w)))


@functools.cache
def version() -> str:
    """The extractor's version: the engine's, the rule book's and the vocabularies' (any change to
    them invalidates cached results)."""
    digest = hashlib.sha256(f"engine {ENGINE_VERSION}\n".encode())
    digest.update((resources.files("kgraph.extract") / RULES_FILE).read_bytes())
    vocab = resources.files("kgraph.ontology") / "vocab"
    for source in sorted(vocab.iterdir(), key=lambda p: p.name):
        if source.name.endswith(".ttl"):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]
