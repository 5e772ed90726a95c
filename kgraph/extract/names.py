"""Orthography of names: what a method, model or benchmark name looks like in an abstract.

Cheap token tests, used everywhere: CamelCase (FMix, DuoAttention), capitals (SAILER), digits
with letters (M2R2, GSM8K), hyphenated names with capitals (Focus-DETR), version suffixes
(Uni-Perceiver v2, Hydra++), and runs of capitalised words (Lexical Unit Decoding).
"""

from __future__ import annotations

import functools
import re

from spacy.tokens import Doc, Span, Token

from kgraph.extract.rules import alternation, words
from kgraph.extract.vocabulary import generic_terms

_INNER_CAPITAL = re.compile(r".[A-Z]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_LETTER = re.compile(r"[A-Za-z]")
_VERSION = re.compile(r"^(v\d+(\.\d+)*|\d+(\.\d+)*[A-Za-z]?|\+\+|[IVX]{1,4}|[A-Z]|(\d+x)?\d+[BMK])$")
_MODEL_SIZE = re.compile(r"^(\d+x)?\d+(\.\d+)?[BMK]$")  # "Gemma 2B", "Llama 70B", "Mixtral 8x7B"
NUMBERED_NOUNS = words("numbered_nouns")  # "Table 2" is no name; "Orca 2" is
_ROMAN = re.compile(r"^[IVX]+$")
_NUMBERISH = re.compile(r"^[\d.,%x×~]+(-[\d.,%x×~]+)?$")
_TITLE = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Za-z]+)*$")
# "2-bit", "DETR-like", "LLM-based": descriptive compounds, not names
_DESCRIPTIVE = re.compile(rf"^\d+(\.\d+)?-[a-z]+$|-({alternation('descriptive_suffixes')})$", re.I)


@functools.lru_cache(maxsize=65536)
def is_generic(text: str) -> bool:
    return text in generic_terms() or (text.endswith("s") and text[:-1] in generic_terms())


@functools.lru_cache(maxsize=65536)
def is_strong_name(text: str) -> bool:
    """A word that only a name looks like: inner capitals, or letters mixed with digits."""
    if len(text) < 2 or not _HAS_LETTER.search(text) or is_generic(text) or _ROMAN.match(text):
        return False
    if _DESCRIPTIVE.search(text) and not re.search(r"[A-Z].*-Only$", text):
        return False
    if _NUMBERISH.match(text) or re.match(r"^\d+(\.\d+)?([a-z×]{1,2}|[KMBTX])$", text):  # 2.2x, 4K, 1B
        return False
    return bool(_INNER_CAPITAL.search(text) or _HAS_DIGIT.search(text) or re.match(r"^[A-Z][\w-]*\+\+?$", text))


@functools.lru_cache(maxsize=65536)
def is_title_word(text: str) -> bool:
    return bool(_TITLE.match(text)) and not is_generic(text)


def _is_sentence_start(token: Token) -> bool:
    return token.is_sent_start or (token.i > 0 and token.nbor(-1).text in {"(", '"', "``", "“"}
                                   and token.nbor(-1).is_sent_start)


def name_at(doc: Doc, i: int, allow_title: bool = True) -> Span | None:
    """The name that starts at token ``i``, or None.

    A name starts with a strong word, or (``allow_title``) a capitalised word that does not open
    the sentence; it extends over further strong or capitalised words and version suffixes.
    """
    first = doc[i]
    known_end = doc.user_data.get("model_ends", {}).get(i)  # a known model, and its version ("Claude 3.5 Sonnet")
    strong = known_end is not None or is_strong_name(first.text)
    if not strong and not (allow_title and is_title_word(first.text)
                           and (not _is_sentence_start(first) or first.text in doc.user_data.get("own_words", ()))):
        return None
    end = known_end or i + 1
    while end < len(doc) and end < i + 6:
        tok = doc[end]
        if tok.is_sent_start:
            break
        if is_strong_name(tok.text) or _TITLE.match(tok.text) or tok.text in {"Transformer", "Transformers"}:
            end += 1
        elif _VERSION.match(tok.text) and doc[end - 1].whitespace_ in {"", " "} \
                and (strong or end > i + 1 or tok.text in {"++"} or tok.text.startswith("v") or _MODEL_SIZE.match(tok.text)
                     or tok.text.isdigit() and len(tok.text) <= 2 and first.lower_ not in NUMBERED_NOUNS):
            end += 1
        else:
            break
    while end > i + 1 and doc[end - 1].text in {"I", "A"}:
        end -= 1
    return doc[i:end]


def names_in(span: Span, allow_title: bool = False) -> list[Span]:
    """Non-overlapping names in a span, left to right."""
    found, i = [], span.start
    while i < span.end:
        name = name_at(span.doc, i, allow_title)
        if name is not None and name.end <= span.end:
            found.append(name)
            i = name.end
        else:
            i += 1
    return found
