"""Turn spaCy spans into facts that carry their evidence sentence and offsets."""

from __future__ import annotations

from spacy.tokens import Span

from kgraph.model import Evidence, Mention


def evidence_of(span: Span, field: str = "abstract") -> Evidence:
    sent = span.sent
    return Evidence(sent.text, sent.start_char, sent.end_char, field)


def clean_name(text: str) -> str:
    """A name as written, without the quotes and trailing punctuation tokenization may leave."""
    return text.strip().strip("\"'“”‘’`").rstrip(".,;:").strip()


def mention(span: Span, kind: str, rule: str, confidence: float, aliases: list[str] | None = None,
            field: str = "abstract") -> Mention:
    return Mention(
        name=clean_name(span.text),
        kind=kind,
        evidence=evidence_of(span, field),
        start=span.start_char,
        end=span.end_char,
        rule=rule,
        confidence=confidence,
        aliases=list(aliases or []),
    )
