"""Abbreviation definitions: "Skeleton Sequence Learning (SSL)" and "SSL (Skeleton Sequence Learning)".

The Schwartz & Hearst (2003) algorithm: the long form is the shortest run of preceding words
in which the characters of the short form appear in order, the first one starting a word.
(scispaCy ships a detector, but it pulls in a biomedical stack of heavy dependencies, so the
algorithm is implemented here once, as a small registered spaCy component.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgraph.extract.evidence import sentences

MAX_SHORT_CHARS = 12


def _looks_like_short_form(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 2
        and 2 <= len(text) <= MAX_SHORT_CHARS
        and text[0].isalnum()
        and any(ch.isalpha() for ch in text)
        and any(ch.isupper() for ch in text)
    )


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest suffix of ``candidate`` whose words contain the short form's characters in order."""
    s_index, l_index = len(short) - 1, len(candidate) - 1
    while s_index >= 0:
        char = short[s_index].lower()
        if not char.isalpha():  # digits and punctuation of "M2R2" need not be spelled out
            s_index -= 1
            continue
        while l_index >= 0 and (
            candidate[l_index].lower() != char
            or (s_index == 0 and l_index > 0 and candidate[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    long_form = candidate[start:].strip()
    if len(long_form.split()) < 2 and "-" not in long_form \
            and "".join(ch for ch in long_form if ch.isupper()) != short.upper():
        # one-word "expansions" are usually the short form's own stem, not a definition; one whose
        # capitals spell the short form is one ("StableDiffusion (SD)")
        return None
    return long_form


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """(short, long) span pairs defined in the doc's sentences."""
    pairs: list[tuple[Span, Span]] = []
    for sent in sentences(doc):
        tokens = list(sent)
        for i, token in enumerate(tokens):
            if token.text != "(":
                continue
            close = next((j for j in range(i + 1, min(i + 12, len(tokens))) if tokens[j].text == ")"), None)
            if close is None or close == i + 1:
                continue
            inner = doc[tokens[i + 1].i:tokens[close - 1].i + 1]
            pair = _forward(doc, sent, token.i, inner) or _backward(doc, sent, token.i, inner)
            if pair:
                pairs.append(pair)
    return pairs


def _forward(doc: Doc, sent: Span, open_i: int, inner: Span) -> tuple[Span, Span] | None:
    """Long form (SHORT)."""
    if not _looks_like_short_form(inner.text):
        return None
    max_words = min(len(inner.text) + 5, len(inner.text) * 2)
    start = max(sent.start, open_i - max_words)
    for k in range(open_i - 1, start - 1, -1):  # stop at clause punctuation
        if doc[k].text in {",", ";", ":", "(", ")", "."}:
            start = k + 1
            break
    window = doc[start:open_i]
    if not len(window):
        return None
    long_text = best_long_form(inner.text, window.text)
    if long_text is None or inner.text.lower() in long_text.lower().split():
        return None
    while " " in long_text and long_text.rsplit(" ", 1)[1].islower() \
            and long_text.rsplit(" ", 1)[1][0] != inner.text[-1].lower():  # "... Pre-Training method (MaskDCPT)"
        shorter = long_text.rsplit(" ", 1)[0]
        if best_long_form(inner.text, shorter) != shorter:
            break
        long_text = shorter
    window_end = window.start_char + window.text.find(long_text) + len(long_text)
    long_span = doc.char_span(window_end - len(long_text), window_end, alignment_mode="expand")
    return (inner, long_span) if long_span is not None else None


def _backward(doc: Doc, sent: Span, open_i: int, inner: Span) -> tuple[Span, Span] | None:
    """SHORT (long form): the word before the bracket is the short form."""
    if open_i == sent.start or len(inner) < 2:
        return None
    short = doc[open_i - 1:open_i]
    if not _looks_like_short_form(short.text) or not short.text.replace("-", "").isupper():
        return None
    long_text = best_long_form(short.text, inner.text)
    if long_text is None or long_text != inner.text:
        return None
    return short, inner


@Language.component("kgraph_abbreviations")
def abbreviation_component(doc: Doc) -> Doc:
    """Store the doc's abbreviation definitions in ``doc.spans["abbr_short"]`` / ``["abbr_long"]``, aligned."""
    pairs = find_abbreviations(doc)
    doc.spans["abbr_short"] = [short for short, _ in pairs]
    doc.spans["abbr_long"] = [long for _, long in pairs]
    return doc
