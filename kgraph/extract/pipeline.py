"""The spaCy pipeline: a blank English tokenizer, rule-based sentences, and small registered components.

No statistical model is loaded: every component is orthography, vocabulary or a token pattern,
so the pipeline runs from PyPI packages alone and fast on one core. The components that turn its
spans into facts (``components``) apply the rules of ``proposed``, ``mentions`` and ``claims``.
"""

from __future__ import annotations

import functools
import re

import spacy
from spacy.lang.char_classes import HYPHENS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex

from kgraph.extract import abbreviations  # noqa: F401  (registers kgraph_abbreviations)
from kgraph.extract.components import COMPONENTS
from kgraph.extract.vocabulary import load

NAME_WITH_DIGITS = re.compile(r"^(?=[^-]*[A-Za-z])(?=.*\d)[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*(?:-[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)+$")
# Labels this short are matched case-sensitively ("AP", "MATH"); longer ones in any case.
CASE_SENSITIVE_BELOW = 5
VOCABULARY_SCHEMES = {"benchmark": "benchmarks", "metric": "metrics", "organization": "organizations",
                      "model": "models"}


class VocabularyMatcher:
    """Marks every label of the curated vocabularies as a span in ``doc.spans[kind]``.

    A span's ``label_`` is the concept's prefLabel, so aliases of one concept share a label.
    """

    def __init__(self, nlp: Language) -> None:
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.pref: dict[str, str] = {}
        for kind, scheme in VOCABULARY_SCHEMES.items():
            for term in load(scheme):
                matcher = self.exact if len(term.label) < CASE_SENSITIVE_BELOW else self.folded
                matcher.add(f"{kind}\t{term.pref_label}", [nlp.make_doc(term.label)])

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[str, list[Span]] = {kind: [] for kind in VOCABULARY_SCHEMES}
        matches = [*self.exact(doc), *self.folded(doc)]
        for match_id, start, end in _longest(matches):
            kind, pref = doc.vocab.strings[match_id].split("\t")
            groups[kind].append(Span(doc, start, end, label=pref))
        for kind, spans in groups.items():
            doc.spans[kind] = sorted(spans, key=lambda s: s.start)
        # Known model names are names even where their words look generic ("Code Llama").
        doc.user_data["model_ends"] = {span.start: span.end for span in groups["model"]}
        return doc


def _longest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Keep the longest of overlapping matches ("top-1 accuracy" over "accuracy")."""
    kept: list[tuple[int, int, int]] = []
    taken: set[int] = set()
    for match in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
        if not taken.intersection(range(match[1], match[2])):
            kept.append(match)
            taken.update(range(match[1], match[2]))
    return sorted(kept, key=lambda m: m[1])


@Language.factory("kgraph_vocabulary")
def make_vocabulary_matcher(nlp: Language, name: str) -> VocabularyMatcher:
    return VocabularyMatcher(nlp)


@functools.cache
def build_nlp(disabled: tuple[str, ...] = ()) -> Language:
    """The extraction pipeline (built once per process), with the rules named in ``disabled`` switched off."""
    nlp = spacy.blank("en")
    # Keep hyphenated names whole ("ARC-Encoder", "Focus-DETR"): drop the letter-hyphen-letter infix.
    infixes = [pattern for pattern in nlp.Defaults.infixes if HYPHENS not in pattern]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # End a sentence after names in capitals or digits ("over Qwen3-ViT. Next ...", "256K.",
    # "Transformer-M."), which spaCy keeps whole to protect abbreviations such as "U.S.".
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[A-Za-z0-9][A-Z0-9])\.$", r"(?<=[A-Za-z0-9]-[A-Z])\.$"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    # Keep model names with digits and hyphens whole ("NTv2-500M", "Llama-3-8B"), which the infix
    # and unit rules would cut at the digits ("NTv2", "-", "500", "M").
    nlp.tokenizer.token_match = NAME_WITH_DIGITS.match
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_abbreviations")
    nlp.add_pipe("kgraph_vocabulary")
    for component in COMPONENTS:
        nlp.add_pipe(component, config={"disabled": list(disabled)})
    return nlp
