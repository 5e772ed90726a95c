"""Curated vocabularies, read from the SKOS concept schemes in ``ontology/vocab/``.

The same Turtle files serve the extractor (every label is a pattern) and the graph (prefLabel
is the display name), so a new benchmark or metric is added as data, not code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import SKOS

from kgraph.schema import KG_IRI

KG = Namespace(KG_IRI)
SCHEMES = ("benchmarks", "metrics", "organizations", "models", "generic")


@dataclass(frozen=True)
class Term:
    """One label of a concept: the label as written, its concept's prefLabel, and metric direction."""

    label: str
    pref_label: str
    lower_is_better: bool = False
    broader: str | None = None  # the family's prefLabel: ImageNet for ImageNet-1K, FID for rFID


@functools.cache
def load(scheme: str) -> tuple[Term, ...]:
    """All labels (prefLabel and altLabel) of one scheme, sorted for deterministic matching."""
    graph = Graph()
    source = resources.files("kgraph.ontology") / "vocab" / f"{scheme}.ttl"
    graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    terms = []
    for concept, pref in graph.subject_objects(SKOS.prefLabel):
        if (concept, SKOS.inScheme, None) not in graph:
            continue  # the scheme itself
        lower = (concept, KG.lowerIsBetter, Literal(True)) in graph
        family = next((str(graph.value(b, SKOS.prefLabel)) for b in graph.objects(concept, SKOS.broader)), None)
        for label in (pref, *graph.objects(concept, SKOS.altLabel)):
            terms.append(Term(str(label), str(pref), lower, family))
    return tuple(sorted(terms, key=lambda t: (t.label, t.pref_label)))


@functools.cache
def families() -> dict[str, str]:
    """The family (a broader concept's prefLabel) of every benchmark and metric prefLabel that has one:
    ImageNet-1K and ImageNet 256x256 stay entities of their own, linked to ImageNet."""
    return {t.pref_label: t.broader for scheme in ("benchmarks", "metrics") for t in load(scheme) if t.broader}


@functools.cache
def generic_terms() -> frozenset[str]:
    """Case-sensitive set of words that look like names but are not (LLM, GPU, SOTA ...)."""
    return frozenset(term.label for term in load("generic"))
