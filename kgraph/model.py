"""Records that flow between the stages: ingest -> extract -> resolve -> graph.

Plain dataclasses so that every stage is a function over data, and every record
round-trips through JSON (``to_dict`` / ``from_dict``) for ``papers.jsonl``, caches
and process pools.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kgraph.schema import MENTION_FIELDS


# Fields left out of the JSON while unset: a line or cache entry written before they existed, or a
# fact nobody curated, reads and writes the same bytes.
_OMITTED_WHEN_NONE = frozenset({"curation", "split_as", "revisions"})


def _plain(value: Any) -> Any:
    """Dataclasses as dicts and tuples as lists, for JSON (``dataclasses.asdict`` deep-copies: too slow here)."""
    if dataclasses.is_dataclass(value):
        return {name: _plain(item) for name in value.__dataclass_fields__
                if (item := getattr(value, name)) is not None or name not in _OMITTED_WHEN_NONE}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")  # \w is what str.isalnum() accepts, and "_"


@functools.lru_cache(maxsize=262144)
def normalize_name(text: str) -> str:
    """Key under which two spellings count as one name: case, accents, punctuation and spaces folded.

    It is the normalisation of the gold guidelines (``ImageNet-1K`` = ``imagenet 1k``).
    """
    return _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKD", text).casefold())


@dataclass(frozen=True)
class Source:
    """Where a paper record was read: file path and 1-based line of its title."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Paper:
    """One paper as read from an input file, before any extraction."""

    title: str
    abstract: str
    sources: list[Source] = field(default_factory=list)
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when known
    upvotes: int | None = None
    authors: int | None = None  # number of authors when the listing gives it
    author_names: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)  # given by the input, not extracted
    urls: list[str] = field(default_factory=list)  # URLs found in the abstract or given by the input
    url: str | None = None  # the paper's own page (arXiv abs page), when known
    arxiv_id: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. which abstract won a merge and why
    # Title keys and arXiv ids ("key:...", "arXiv:...") of records merged into this one under
    # another title or id: a record read later with one of them is still this paper.
    known_as: list[str] = field(default_factory=list)

    @functools.cached_property  # asked for again and again by merging, the cache and the build
    def key(self) -> str:
        """Identity used to merge the same paper read from several inputs (papers are not changed once made)."""
        return normalize_name(self.title)

    @functools.cached_property
    def digest(self) -> str:
        """A digest of every field: what a paper's saved line depends on, besides the extractor
        (kept with the parsed inputs, like ``key``: at 100,000 papers, 1 s of every rebuild)."""
        fields = tuple(getattr(self, name) for name in self.__dataclass_fields__)
        return hashlib.sha256(repr(fields).encode()).hexdigest()[:32]

    def restore_cached(self, **values: str) -> Paper:
        """This paper, with ``key`` and/or ``digest`` as an earlier run made them for it (kept
        beside its fields, so that reading it again does not make them again)."""
        if not set(values) <= {"key", "digest"}:
            raise TypeError(f"not a cached property of a paper: {sorted(set(values) - {'key', 'digest'})}")
        self.__dict__.update(values)  # where functools.cached_property keeps them
        return self

    def to_dict(self) -> dict[str, Any]:
        # Fields are plain values and lists of strings but the sources: a shallow copy will do (and is fast).
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["sources"] = [str(s) for s in self.sources]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        values = dict(data)
        values["sources"] = [Source(*_split_source(s)) for s in values.get("sources", [])]
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


def _split_source(text: str) -> tuple[str, int]:
    path, _, line = text.rpartition(":")
    return path, int(line)


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from, with its character offsets in the paper's field."""

    text: str
    start: int
    end: int
    field: str = "abstract"  # "abstract" or "title"


@dataclass
class Curation:
    """A person's decision on a fact (``kgraph.curate``): what they made of it, who, when, and
    what the machine had said of each value they corrected."""

    status: str  # "accepted", "corrected" or "added" (a rejected fact is no longer among the facts)
    curator: str
    at: str  # when, ISO 8601 (UTC)
    original: dict[str, str | None] = field(default_factory=dict)  # field -> the machine's value, where corrected


def _curation(data: dict[str, Any] | None) -> Curation | None:
    return Curation(**data) if data is not None else None


@dataclass
class Mention:
    """A named entity that a paper proposes, evaluates on, compares against, uses or names.

    ``start``/``end`` are the name's own offsets in ``evidence.field``; ``aliases`` holds other
    surface forms the paper itself gives (an acronym and its expansion).
    """

    name: str
    kind: str  # one of schema.KIND_NAMES
    evidence: Evidence
    start: int
    end: int
    rule: str
    confidence: float
    aliases: list[str] = field(default_factory=list)
    family: str | None = None  # the broader benchmark or metric it is a variant of (ImageNet for ImageNet-1K)
    curation: Curation | None = None
    # The entity the name means in this paper, when a curator split it off from what the same name
    # means in other papers ("SD": speculative decoding there, "Stable Diffusion" here).
    split_as: str | None = None


@dataclass
class Claim:
    """A statement that ``winner`` does better than ``loser`` (optionally on a benchmark, by a margin)."""

    winner: str
    loser: str
    evidence: Evidence
    rule: str
    confidence: float
    benchmark: str | None = None
    metric: str | None = None
    margin: str | None = None  # as written: "2.1", "3x", "+4.5 points"
    margin_value: float | None = None  # its number, for sorting and comparing
    margin_unit: str | None = None  # "%", "x", "points", or the metric it is stated in ("BLEU")
    curation: Curation | None = None
    # Its earlier versions, oldest first, as earlier builds saved them (``CLAIM_VALUES`` of each): set
    # by a build that read the claim again with other values (kgraph.build.history), never by the extractor.
    revisions: list[dict[str, Any]] | None = None


# What a claim states, and what a revision records when any of it changes (its curation does not count:
# a curator who accepts a claim changes none of it, one who corrects it changes a value).
CLAIM_VALUES = ("winner", "loser", "benchmark", "metric", "margin", "margin_value", "margin_unit", "evidence", "rule",
                "confidence")


@dataclass
class Extraction:
    """Everything read out of one paper; a pure function of that paper."""

    paper_key: str
    proposed: list[Mention] = field(default_factory=list)
    benchmarks: list[Mention] = field(default_factory=list)
    baselines: list[Mention] = field(default_factory=list)
    metrics: list[Mention] = field(default_factory=list)
    organizations: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    abbreviations: list[tuple[str, str]] = field(default_factory=list)  # (short, long)

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    def names(self) -> Names:
        mentions = [m for field_name in MENTION_FIELDS for m in getattr(self, field_name)]
        names = [[m.kind, name] for m in mentions for name in (m.name, *m.aliases)]
        for claim in self.claims:
            names += [["method", claim.winner], ["method", claim.loser]]
            names += [[kind, name] for kind, name in (("benchmark", claim.benchmark), ("metric", claim.metric)) if name]
        aliases = [[m.kind, m.name, alias] for m in mentions for alias in m.aliases]
        defined = self._defined_abbreviations(names, aliases)
        named = {(kind, normalize_name(name)) for kind, name in names}
        names += [[kind, long] for kind, _, long in defined if (kind, normalize_name(long)) not in named]
        families = [[m.kind, m.name, m.family] for m in mentions if m.family]
        names += [[kind, family] for kind, _, family in families]
        splits = {(m.kind, normalize_name(m.name)): [m.kind, m.name, m.split_as] for m in mentions if m.split_as}
        if splits:  # the split name counts as its label here, and no alias of it joins it to another entity
            labels = {where: label for where, (_, _, label) in splits.items()}
            names = [[kind, labels.get((kind, normalize_name(name)), name)] for kind, name in names]
            aliases = [[kind, a, b] for kind, a, b in aliases
                       if (kind, normalize_name(a)) not in splits and (kind, normalize_name(b)) not in splits]
            defined = [d for d in defined if (d[0], normalize_name(d[1])) not in splits]
        return Names(self.paper_key, names, aliases + defined, [[claim.winner, claim.loser] for claim in self.claims],
                     families, list(splits.values()))

    def _defined_abbreviations(self, names: list[list[str]], aliases: list[list[str]]) -> list[list[str]]:
        """[kind, short, long] for each name that is an abbreviation the paper defines, not yet linked to
        its long form: it means that here, wherever it is used ("Speculative decoding (SD)" in one paper,
        "StableDiffusion (SD)" in another: two entities)."""
        expansions = {normalize_name(short): long for short, long in self.abbreviations}
        linked = {(kind, frozenset({normalize_name(a), normalize_name(b)})) for kind, a, b in aliases}
        defined: dict[tuple[str, str], list[str]] = {}
        for kind, name in names:
            key = normalize_name(name)
            long = expansions.get(key)
            if long is not None and key != normalize_name(long) \
                    and (kind, frozenset({key, normalize_name(long)})) not in linked:
                defined.setdefault((kind, key), [kind, name, long])
        return list(defined.values())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        def mentions(items: list[dict[str, Any]]) -> list[Mention]:
            return [Mention(**{**m, "evidence": Evidence(**m["evidence"]), "curation": _curation(m.get("curation"))})
                    for m in items]

        return cls(
            paper_key=data["paper_key"],
            **{field_name: mentions(data.get(field_name, [])) for field_name in MENTION_FIELDS},
            claims=[Claim(**{**c, "evidence": Evidence(**c["evidence"]), "curation": _curation(c.get("curation"))})
                    for c in data.get("claims", [])],
            abbreviations=[(s, l) for s, l in data.get("abbreviations", [])],
        )


@dataclass
class Names:
    """An extraction's names without their evidence: all that resolution needs, small enough to
    keep for a whole corpus (a build caches it beside the extraction). Lists, not tuples, as JSON
    gives them back: a build reads one for every paper."""

    paper_key: str
    names: list[list[str]]  # [kind, surface name] of every mention and claim
    aliases: list[list[str]]  # [kind, name, other name] that the paper states are one
    claims: list[list[str]]  # [winner, loser] as written
    families: list[list[str]] = field(default_factory=list)  # [kind, name, the family it is a variant of]
    splits: list[list[str]] = field(default_factory=list)  # [kind, name, the entity a curator said it means here]

    def to_json(self) -> str:
        """Names without splits (all a machine extraction has) are written as before splits existed."""
        return json.dumps([self.paper_key, self.names, self.aliases, self.claims, self.families,
                           *([self.splits] if self.splits else [])], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Names:
        return cls(*json.loads(text))
