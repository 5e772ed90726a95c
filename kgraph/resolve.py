"""Entity resolution: decide which surface names across papers are one entity.

Names are one entity when they normalise alike (case, hyphens, spaces), when a paper defines
one as the abbreviation of the other ("Skeleton Sequence Learning (SSL)"), or when they differ
by a typo (a fuzzy match on long names whose digits agree). An acronym that different papers
expand differently ("SSL" as two different things) is linked to an expansion only inside the
paper that defines it, so that unrelated methods are not fused through a shared acronym. A name
a curator split (``Names.splits``: this paper's "SD" is Stable Diffusion) is bound the same way,
inside its paper only, to the entity of the label the curator gave.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from kgraph.model import Extraction, Names, normalize_name

# Typos are only merged between fairly long names: short ones (acronyms, "NTU 60") differ
# meaningfully by one character.
FUZZY_MIN_LENGTH = 9
FUZZY_MIN_SCORE = 92.0


@dataclass
class Entity:
    """One resolved entity: a stable id, a display label and every surface form seen."""

    id: str
    kind: str
    label: str
    aliases: list[str] = field(default_factory=list)
    broader: str | None = None  # the id of the entity it is a variant of (ImageNet for ImageNet-1K)
    replaces: list[str] = field(default_factory=list)  # ids of entities found since to be this one (retired)


@dataclass
class Registry:
    """Entity ids minted once and kept: which id each name key got when first seen, and which
    ids were retired (two entities found to be one) for which survivor.

    A resolution given a registry gives each entity the id its names were registered to, whatever
    its label has become since; only an entity none of whose names was ever seen gets a new id
    (a slug of its label). Saved with a build (``.kgraph/iris.json``) and never invalidated by
    a new extractor or kgraph version: a fresh build given it reproduces the IRIs.
    """

    keys: dict[str, str] = field(default_factory=dict)  # "kind\tkey" -> entity id
    replaced: dict[str, str] = field(default_factory=dict)  # retired entity id -> the id that took its names

    def to_json(self) -> str:
        return json.dumps({"format": "kgraph-iris/1", "keys": dict(sorted(self.keys.items())),
                           "replaced": dict(sorted(self.replaced.items()))}, ensure_ascii=False, indent=0)

    @classmethod
    def from_json(cls, text: str) -> Registry:
        """Raises ValueError (or TypeError, KeyError) if ``text`` is not what ``to_json`` writes."""
        data = json.loads(text)
        if data.get("format") != "kgraph-iris/1":
            raise ValueError("not a kgraph IRI registry")
        keys, replaced = data["keys"], data["replaced"]
        if not all(isinstance(v, str) for table in (keys, replaced) for v in (*table, *table.values())):
            raise ValueError("not a kgraph IRI registry")
        return cls(dict(keys), dict(replaced))

    def taken(self) -> set[str]:
        """Every id ever minted: a new entity never gets one of them."""
        return set(self.keys.values()) | set(self.replaced)

    def survivor(self, entity_id: str) -> str:
        """The id that took a retired id's names, followed to the last one."""
        seen = set()
        while entity_id in self.replaced and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self.replaced[entity_id]
        return entity_id


@dataclass
class Resolution:
    """Answers "which entity is this name, as written in this paper?"."""

    entities: dict[str, Entity]
    _by_key: dict[tuple[str, str], str]
    _local: dict[tuple[str, str, str], str]
    registry: Registry = field(default_factory=Registry)  # the ids minted up to now, this one's included

    def __getstate__(self) -> dict:
        """Workers get no registry: it is the build's to save, and large."""
        return {**self.__dict__, "registry": Registry()}

    def entity_id(self, kind: str, name: str, paper_key: str | None = None) -> str:
        key = normalize_name(name)
        if paper_key is not None and (paper_key, kind, key) in self._local:
            return self._local[(paper_key, kind, key)]
        return self._by_key[(kind, key)]

    def to_plain(self) -> dict[str, list[list[str]]]:
        """Which entity each name key is (and each acronym bound inside a paper), as JSON values:
        what a later resolution is compared with (``changed_since``)."""
        return {"keys": [[kind, key, entity_id] for (kind, key), entity_id in self._by_key.items()],
                "local": [[*where, entity_id] for where, entity_id in self._local.items()]}

    def changed_since(self, plain: dict[str, list[list[str]]]) -> tuple[set[tuple[str, str]], set[str]]:
        """The (kind, key)s that another resolution (``to_plain``) gave to another entity, and the
        papers where an acronym is now bound otherwise: only papers that name one of those can
        resolve differently. Raises ValueError, TypeError or KeyError if ``plain`` is not one."""
        keys = {(kind, key): entity_id for kind, key, entity_id in plain["keys"]}
        local = {(paper, kind, key): entity_id for paper, kind, key, entity_id in plain["local"]}
        changed = {k for k, entity_id in keys.items() if self._by_key.get(k) != entity_id}
        papers = {k[0] for k in local.keys() | self._local.keys() if local.get(k) != self._local.get(k)}
        return changed, papers


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, item: str) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key wins so that the result does not depend on input order
            self.parent[max(ra, rb)] = min(ra, rb)


def slugify(text: str) -> str:
    """Readable IRI/node-id segment: lower case, runs of other characters become one hyphen."""
    slug = re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-")
    return slug or "x"


def _digits(key: str) -> str:
    return "".join(ch for ch in key if ch.isdigit())


def _fuzzy_pairs(keys: list[str]) -> Iterable[tuple[str, str]]:
    """Pairs of long keys that look like typos of each other (same digits, high similarity)."""
    long_keys = sorted(k for k in keys if len(k) >= FUZZY_MIN_LENGTH)
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in long_keys:
        blocks[(key[:2], _digits(key))].append(key)
    for block in blocks.values():
        if len(block) < 2:
            continue
        matrix = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        for i, j in zip(*matrix.nonzero(), strict=True):
            if i < j:
                yield block[i], block[j]


TALLY_FORMAT = "3"  # change when what NameTally counts, or how it is saved, changes


class NameTally:
    """The names of papers counted as they come: all that resolution needs of them.

    A build adds each paper's names while its workers extract the next papers, so the counting
    overlaps the extraction; ``resolution()`` then works on distinct names only. Every count is
    a sum over papers, so a tally saved by one build (``to_json``) is brought up to date by the
    next with the names of the papers it lost (``remove``) and gained (``add``): at 100,000
    papers, counting them all again took 3 s of every rebuild.

    It also keeps, for each name key, the papers that name it (``papers_naming``): after a rebuild's
    resolution, exactly the papers that name a key now resolved otherwise need resolving again.
    """

    def __init__(self) -> None:
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)  # "kind\tkey" -> surface forms
        self.expansions: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # (kind, short key) -> long keys
        self.pairs: Counter[tuple[str, str, str, str]] = Counter()  # (paper, kind, short key, long key)
        self.papers: dict[str, Counter[str]] = defaultdict(Counter)  # "kind\tkey" -> keys of the papers naming it
        self.families: dict[str, Counter[str]] = defaultdict(Counter)  # "kind\tkey" -> keys of its family
        self.splits: Counter[tuple[str, str, str, str]] = Counter()  # (paper, kind, key, key of the label it means)

    def add(self, names: Names) -> None:
        self._count(names, 1)

    def remove(self, names: Names) -> None:
        """Take out the names of a paper added before (what counts nothing any more goes)."""
        self._count(names, -1)

    def _count(self, names: Names, step: int) -> None:
        named = set()
        for kind, name in names.names:
            if key := normalize_name(name):
                _add(self.forms, f"{kind}\t{key}", name, step)
                named.add(f"{kind}\t{key}")
        for name_key in named:
            _add(self.papers, name_key, names.paper_key, step)
        for kind, name, family in names.families:
            if (key := normalize_name(name)) and (family_key := normalize_name(family)) and family_key != key:
                _add(self.families, f"{kind}\t{key}", family_key, step)
        for kind, short, long in names.aliases:
            short_key, long_key = normalize_name(short), normalize_name(long)
            if short_key and long_key:
                _add(self.expansions, (kind, short_key), long_key, step)
                _add_one(self.pairs, (names.paper_key, kind, short_key, long_key), step)
        for kind, name, label in names.splits:
            _add_one(self.splits, (names.paper_key, kind, normalize_name(name), normalize_name(label)), step)

    def to_json(self) -> str:
        return json.dumps([self.forms, [[*k, c] for k, c in self.expansions.items()],
                           [[*k, n] for k, n in self.pairs.items()], self.papers, self.families,
                           [[*k, n] for k, n in self.splits.items()]], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> NameTally:
        """A tally as ``to_json`` wrote it, or as it did before splits (raises ValueError, TypeError or
        KeyError if it is not one)."""
        forms, expansions, pairs, papers, families, *rest = json.loads(text)
        (splits,) = rest or [[]]
        tally = cls()
        for table, saved in ((tally.forms, forms), (tally.papers, papers), (tally.families, families)):
            for name, counts in saved.items():
                table[name] = Counter(counts)
        for kind, short_key, counts in expansions:
            tally.expansions[(kind, short_key)] = Counter(counts)
        tally.pairs.update({(paper, kind, short_key, long_key): n for paper, kind, short_key, long_key, n in pairs})
        tally.splits.update({(paper, kind, key, label_key): n for paper, kind, key, label_key, n in splits})
        return tally

    def papers_naming(self, keys: Iterable[tuple[str, str]]) -> set[str]:
        """The keys of the papers that name any of these (kind, name key)s."""
        return {paper for kind, key in keys for paper in self.papers.get(f"{kind}\t{key}", ())}

    def resolution(self, registry: Registry | None = None) -> Resolution:
        """Cluster the names counted into entities with deterministic ids (whatever the order
        papers came in): the ids ``registry`` gave their names, else new ones (see ``Registry``)."""
        forms = self.forms
        finders: dict[str, _UnionFind] = defaultdict(_UnionFind)
        for name in forms:
            kind, key = name.split("\t", 1)
            finders[kind].add(key)
        local: dict[tuple[str, str, str], str] = {}
        for paper_key, kind, short_key, long_key in sorted(self.pairs):  # sorted: a paper's last expansion wins
            if len(self.expansions[(kind, short_key)]) == 1:
                finders[kind].union(short_key, long_key)
            else:  # ambiguous acronym: bind it to this paper's expansion only
                local[(paper_key, kind, short_key)] = long_key
        for paper_key, kind, key, label_key in sorted(self.splits):  # a curator's split: bound likewise, never joined
            local[(paper_key, kind, key)] = label_key

        for kind, finder in finders.items():
            for a, b in _fuzzy_pairs(list(finder.parent)):
                finder.union(a, b)

        registry = registry if registry is not None else Registry()
        taken = registry.taken()
        entities: dict[str, Entity] = {}
        by_key: dict[tuple[str, str], str] = {}
        retired: dict[str, str] = {}
        for kind in sorted(finders):
            clusters: dict[str, list[str]] = defaultdict(list)
            for key in finders[kind].parent:
                clusters[finders[kind].find(key)].append(key)
            kept, retired_to = _kept_ids(kind, clusters, forms, registry)
            for root in sorted(clusters):
                counts: Counter[str] = Counter()
                for key in clusters[root]:
                    counts.update(forms[f"{kind}\t{key}"])
                label = _pick_label(counts)
                entity_id = kept.get(root) or _new_id(f"{kind}:{slugify(label)}", entities, taken)
                entities[entity_id] = Entity(entity_id, kind, label, sorted(set(counts) - {label}))
                for key in clusters[root]:
                    by_key[(kind, key)] = entity_id
            retired.update({old: by_key[(kind, clusters[root][0])] for old, root in retired_to.items()})
        self._link_families(entities, by_key)
        resolved_local = {k: by_key[(k[1], long_key)] for k, long_key in local.items()}
        for (_, kind, key), entity_id in resolved_local.items():  # "SD" names Stable Diffusion in some paper:
            said = forms[f"{kind}\t{key}"]                       # searching for "SD" should find it too
            entity = entities[entity_id]
            if said and (form := _pick_label(said)) != entity.label and form not in entity.aliases:
                entity.aliases = sorted([*entity.aliases, form])
        return Resolution(entities, by_key, resolved_local, _registered(registry, entities, by_key, retired))

    def _link_families(self, entities: dict[str, Entity], by_key: dict[tuple[str, str], str]) -> None:
        """Each variant's ``broader``: the entity its names' family resolves to, the most often said."""
        said: dict[str, Counter[str]] = defaultdict(Counter)
        for name, counts in self.families.items():
            kind, key = name.split("\t", 1)
            for family_key, n in counts.items():
                family = by_key.get((kind, family_key))
                if family is not None and family != by_key[(kind, key)]:
                    said[by_key[(kind, key)]][family] += n
        for entity_id, counts in said.items():
            entities[entity_id].broader = min(counts, key=lambda family: (-counts[family], family))


def _kept_ids(kind: str, clusters: dict[str, list[str]], forms: dict[str, Counter[str]],
              registry: Registry) -> tuple[dict[str, str], dict[str, str]]:
    """Which cluster (by root) keeps which registered id, and which ids are retired into which cluster.

    An id goes to the cluster that holds most of its names (weighted by how often they are
    said), a cluster keeps at most one id (its heaviest): when two entities are found to be one,
    the other id is retired into it; when one is split, the larger part keeps the id.
    """
    held: Counter[tuple[str, str]] = Counter()  # (root, registered id) -> weight
    for root, keys in clusters.items():
        for key in keys:
            if (entity_id := registry.keys.get(f"{kind}\t{key}")) is not None:
                held[(root, entity_id)] += sum(forms[f"{kind}\t{key}"].values())
    order = sorted(held, key=lambda pair: (-held[pair], pair[1], pair[0]))
    kept: dict[str, str] = {}
    used: set[str] = set()
    for root, entity_id in order:
        if root not in kept and entity_id not in used:
            kept[root] = entity_id
            used.add(entity_id)
    retired: dict[str, str] = {}
    for root, entity_id in order:
        if entity_id not in used:
            retired.setdefault(entity_id, root)
    return kept, retired


def _new_id(slug_id: str, entities: dict[str, Entity], taken: set[str]) -> str:
    """An id never given before: the slug of the label, else with ``-x`` added (distinct
    clusters whose labels slug alike, or a slug an entity had before)."""
    entity_id = slug_id
    while entity_id in entities or entity_id in taken:
        entity_id += "-x"
    return entity_id


def _registered(registry: Registry, entities: dict[str, Entity], by_key: dict[tuple[str, str], str],
                retired: dict[str, str]) -> Registry:
    """The registry after this resolution (every key's id now; names no longer seen keep theirs),
    and each entity's ``replaces``: the ids ever retired into it."""
    keys = registry.keys | {f"{kind}\t{key}": entity_id for (kind, key), entity_id in by_key.items()}
    replaced = {old: new for old, new in (registry.replaced | retired).items() if old not in entities}
    after = Registry(keys, replaced)
    for old in sorted(replaced):
        if (survivor := after.survivor(old)) in entities:
            entities[survivor].replaces.append(old)
    return after


def resolve(papers: Iterable[Extraction | Names]) -> Resolution:
    """Cluster the names of all papers (their extractions, or just their names) into entities with deterministic ids.

    One pass, keeping only names, so a streamed corpus need not be held in memory.
    """
    tally = NameTally()
    for paper in papers:
        tally.add(paper if isinstance(paper, Names) else paper.names())
    return tally.resolution()


def _add_one(counter: Counter, item: object, step: int) -> None:
    """``step`` more ``item`` in ``counter``; an item counted nothing any more goes."""
    counter[item] += step
    if counter[item] <= 0:
        del counter[item]


def _add(counters: dict, name: object, item: object, step: int) -> None:
    """``step`` more ``item`` in ``counters[name]``; a counter left empty goes."""
    _add_one(counters[name], item, step)
    if not counters[name]:
        del counters[name]


def _pick_label(counts: Counter[str]) -> str:
    """Most frequent surface form; ties go to mixed case as authors write names (not all lower, not
    shouted in capitals), then to the shortest."""
    return min(counts, key=lambda s: (-counts[s], s.islower(), s.isupper(), len(s), s))
