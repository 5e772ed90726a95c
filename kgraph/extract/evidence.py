"""Turn spaCy spans into facts that carry their evidence sentence and offsets."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span

from kgraph.extract.rules import Rule
from kgraph.model import Evidence, Mention


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, computed once (spaCy's ``Span.sent`` rescans the doc on every call)."""
    if "kgraph_sents" not in doc.user_data:
        doc.user_data["kgraph_sents"] = list(doc.sents)
    return doc.user_data["kgraph_sents"]


def text_of(doc: Doc) -> str:
    """The doc's text, computed once (spaCy's ``Doc.text`` joins every token on every call)."""
    if "kgraph_text" not in doc.user_data:
        doc.user_data["kgraph_text"] = doc.text
    return doc.user_data["kgraph_text"]


def sentence_of(span: Span) -> Span:
    sents = sentences(span.doc)
    return sents[bisect.bisect_right([s.start for s in sents], span.start) - 1]


def evidence_of(span: Span, field: str = "abstract") -> Evidence:
    sent = sentence_of(span)
    return Evidence(sent.text, sent.start_char, sent.end_char, field)


def clean_name(text: str) -> str:
    """A name as written, without the quotes and trailing punctuation tokenization may leave."""
    return text.strip().strip("\"'“”‘’`").rstrip(".,;:").strip()


def mention(span: Span, kind: str, rule: Rule, aliases: list[str] | None = None, field: str = "abstract",
            family: str | None = None) -> Mention:
    """A fact of ``rule``, with its id and confidence."""
    return Mention(
        name=clean_name(span.text),
        kind=kind,
        evidence=evidence_of(span, field),
        start=span.start_char,
        end=span.end_char,
        rule=rule.id,
        confidence=rule.confidence,
        aliases=list(aliases or []),
        family=family,
    )
