"""What a comparison compares against: the names after its trigger, or the names it refers back to.

"X, Y and Z", "strong baselines such as X", "X by 2.3% and Y by 1.1%", "DreamerV3 (14.8%) and PPO",
a method named in lower case ("nucleus sampling"); and, when the object names nothing, the examples
of a group named earlier ("positional encoding methods such as ALiBi ... other positional encoding
methods"), what fills a role ("X as the teacher model ... the teacher"), or the names of the last
comparison ("outperforms them / both / these baselines").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from kgraph.extract.evidence import sentences
from kgraph.extract.names import is_generic, name_at, names_in
from kgraph.extract.rules import pattern, words
from kgraph.extract.triggers import named_then_by, trigger_at, value_for

if TYPE_CHECKING:
    from kgraph.extract.claims import Comparison

GROUP_NOUNS = words("group_nouns")
EXAMPLE_OPENERS = words("example_openers")
ROLES = words("roles")
ROLE_FILLERS = words("role_fillers")
OBJECT_ENDS = words("object_ends")
SKIP_BEFORE_NAMES = words("skip_before_names")
LIST_JOINERS = words("list_joiners")
BACK_REFERENCES = words("back_references")
BACK_REFERENCE_WORDS = words("back_reference_words")
METHOD_HEADS = words("method_heads")
COMPARATIVE = pattern("comparative")
CLAUSE_WORDS = {"while", "whereas", "although", "but", "which", "that"}  # "..., while keeping FID": no more names
NEW_CLAUSE = words("result_verbs") | words("passive_auxiliaries")
ANOTHER_OBJECT = {"of", "on", "over"}  # "ahead of X by 4.3 and of Y by 1.2"
MARGIN_REACH = 8  # tokens of a margin before the next name: "by 5.0% success rate on HM3D and Y"
MAX_SKIPPED = 8  # words before the first name: "complex segmentation models such as X"


def compared_names(doc: Doc, start: int, sent: Span, fronted: bool) -> list[Span]:
    """The coordinated names a trigger compares against: "X, Y and Z", "strong baselines such as X".

    After a fronted trigger ("Compared with X, Y reduces ..."), a name followed by a verb is the
    main clause's subject, and ends the list."""
    names: list[Span] = []
    j, skipped = start, 0
    while j < sent.end:
        token = doc[j]
        name = name_at(doc, j, allow_title=True)
        if name is None and is_generic(token.text) and skipped < MAX_SKIPPED:  # "over RAG and REALM": RAG is a field
            skipped += 1
            j += 1
            continue
        if name is not None and not (name.end < sent.end and doc[name.end].lower_ in {"%", "x"}):
            after = doc[name.end].lower_ if name.end < sent.end else ""
            if after in GROUP_NOUNS - {"baselines"} or after in {"'s", "’s"}:
                j = name.end + 1  # "SSL methods": a group, not a named baseline; "Meta's LLaMA": its owner
                continue
            if fronted and names and name.end < sent.end and doc[name.end].is_lower \
                    and doc[name.end].lower_ not in LIST_JOINERS:
                break
            name = _combined(doc, name, sent)
            names.append(name)
            j = name.end
            continue
        lower = token.lower_
        plain = _plain_method_at(doc, j, sent) if j == start or doc[j - 1].lower_ in SKIP_BEFORE_NAMES | LIST_JOINERS else None
        if plain is not None:  # "outperforms nucleus sampling", "than 2-model speculative decoding"
            names.append(plain)
            j = plain.end
            continue
        if names:
            going_on = _list_goes_on(doc, j, sent, names[-1])
            if going_on is None:
                break
            j = going_on
            continue
        if lower in {"that", "those"} and j + 1 < sent.end and doc[j + 1].lower_ == "of":
            j += 2  # "2.4% lower than that of X"
            continue
        if lower == ")" or lower in OBJECT_ENDS:  # "(3.12 vs. 3.80) and a higher CLAP score"; "the baseline by 91%"
            break
        if (lower in SKIP_BEFORE_NAMES or lower in LIST_JOINERS) and skipped < 6:  # no name yet, from here on
            skipped += 1
            j += 1
            continue
        if (token.is_lower or token.text in {",", "(", "%", ":", "—", "–"} or token.like_num) and skipped < MAX_SKIPPED:
            skipped += 1  # descriptive words before the first name ("complex segmentation models such as", "2.5 for")
            j += 1
            continue
        break
    return names


def _list_goes_on(doc: Doc, j: int, sent: Span, last: Span) -> int | None:
    """Where a list of compared names goes on after its ``last`` name, from token ``j``; None where it ends
    ("outperforms X by 91% on Y": Y is where, not whom)."""
    lower = doc[j].lower_
    if lower in {"(", "["} and (close := _unnamed_parenthesis(doc, j, sent)) is not None:
        return close + 1  # a loser's score or a citation: "DreamerV3 (14.8%) and PPO (4.6%)", "X [12] and Y"
    if (value_at := value_for(doc, j, sent)) is not None:
        return value_at  # "vs. 780 for X and 730 for Y", "compared with 33.6% for X and 30.7% for Y"
    if lower in SKIP_BEFORE_NAMES and doc[j - 1].lower_ in {"and", "or"} \
            and (after := _name_within(doc, j + 1, sent, 3)) is not None:
        return after  # "SegFormer-B5 and the recent Mask2Former"
    if lower in LIST_JOINERS or lower in METHOD_HEADS and j == last.end:
        return j + 1  # "Medusa decoding and ...": the name is Medusa
    if j == last.end and doc[j].is_lower and doc[j].is_alpha and j + 1 < sent.end and doc[j + 1].lower_ in {"and", "or"}:
        return j + 1  # "the LOSS attack and X": a noun after a name, then the next name
    if lower == "by":
        return margin_then_name(doc, j + 1, sent)  # "outperforms X by 2.3% and Y by 1.1%"
    return None


def _plain_method_at(doc: Doc, j: int, sent: Span) -> Span | None:
    """A method named in lower case, two or three words ending in a method noun ("nucleus sampling",
    "autoregressive decoding", "full fine-tuning"), not a bare noun ("decoding") or a group ("decoding methods")."""
    for end in range(j + 2, min(sent.end, j + 3) + 1):
        words = doc[j:end]
        if not all(t.is_lower and t.text[:1].isalnum() and not t.is_stop and t.lower_ not in SKIP_BEFORE_NAMES
                   for t in words):
            return None
        if words[-1].lower_ in METHOD_HEADS:
            following = doc[end].lower_ if end < sent.end else ""
            return None if following in GROUP_NOUNS or following in METHOD_HEADS else words
    return None


def _name_within(doc: Doc, j: int, sent: Span, reach: int) -> int | None:
    """Where a name starts within ``reach`` tokens from ``j``, past lower-case words that open no
    comparison of their own, else None."""
    for k in range(j, min(sent.end, j + reach)):
        if name_at(doc, k, allow_title=True) is not None:
            return k
        if not doc[k].is_lower or trigger_at(doc, k, sent) is not None or COMPARATIVE.match(doc[k].lower_) \
                or doc[k].lower_ in CLAUSE_WORDS:
            return None
    return None


def _unnamed_parenthesis(doc: Doc, j: int, sent: Span) -> int | None:
    """The closing parenthesis of a short parenthesis at ``j`` that names nothing ("(14.8%)"), else None."""
    for k in range(j + 1, min(sent.end, j + 8)):
        if doc[k].text in {")", "]"}:
            return k
        if name_at(doc, k, allow_title=True) is not None:
            return None
    return None


def margin_then_name(doc: Doc, j: int, sent: Span) -> int | None:
    """Where the next name starts when a margin at ``j`` is followed by "and" / "," and a name ("by 2.3%
    and Y by 1.1%", "by 5.0% success rate on HM3D and Y", "by 2.6 and on Y", "by 6.4% and the baseline
    Y"), else None."""
    end = min(sent.end, j + MARGIN_REACH)
    if j >= end or not doc[j].like_num and not doc[j].text.startswith(("+", "~")):
        return None
    k = j + 1
    while k < end and doc[k].lower_ not in {"and", ","}:
        if trigger_at(doc, k, sent) is not None:
            return None  # "by 14% over X and by 9% over Y": a comparison of its own
        k += 1
    if k == end:  # "by 1.7% at similar FLOPs": no next name
        return None
    while k < sent.end and doc[k].lower_ in {"and", ","}:
        k += 1
    if k < sent.end and doc[k].lower_ in ANOTHER_OBJECT:  # "and on Y by 20.2", not "and on MATH it ..."
        return k + 1 if named_then_by(doc, k + 1, sent) else None
    start = _name_within(doc, k, sent, 4)  # "and the domain-adversarial baseline Y", not "and outperforms Y"
    name = name_at(doc, start, allow_title=True) if start is not None else None
    if name is not None and name.end < sent.end \
            and (doc[name.end].lower_ in NEW_CLAUSE or trigger_at(doc, name.end, sent) is not None):
        return None  # "by 2%, and Y beats Z": Y opens a clause of its own
    return start


def _combined(doc: Doc, name: Span, sent: Span) -> Span:
    """A name with the method combined with it: "SiT-XL/2 + REPA" is one system."""
    while name.end + 1 < sent.end and doc[name.end].text == "+":
        other = name_at(doc, name.end + 1, allow_title=True)
        if other is None or is_generic(other.text):
            break
        name = doc[name.start:other.end]
    return name


def coordinated_before(doc: Doc, end: int, sent: Span) -> list[Span]:
    """The coordinated names that end right before ``end`` ("H2O and StreamingLLM are outperformed")."""
    names = [n for n in names_in(doc[sent.start:end], allow_title=True) if not is_generic(n.text)]
    run: list[Span] = []
    for name in reversed(names):
        if name.start > sent.start and doc[name.start - 1].lower_ in OBJECT_ENDS:
            break  # "on LSUN Bedroom, X and Y are outperformed": where, not whom
        gap = doc[name.end:run[0].start if run else end]
        if not all(t.lower_ in LIST_JOINERS for t in gap):
            break
        run.insert(0, name)
    return run


@dataclass
class Antecedent:
    """Names that a later phrase can stand for: the examples of a group ("positional encoding methods,
    such as ALiBi, Rotary and APE") or what fills a role ("the NTv2-500M as the teacher model")."""

    at: int  # token where it is defined
    head: str | None  # the group noun a referring phrase must repeat ("methods"), or None for a role
    keys: frozenset[str]  # words a referring phrase must share at least one of
    names: list[Span]

    def referred_by(self, words: set[str]) -> bool:
        return (self.head is None or self.head in words) and not self.keys.isdisjoint(words)


def find_antecedents(doc: Doc) -> list[Antecedent]:
    found = []
    for sent in sentences(doc):
        for token in sent:
            nxt = doc[token.i + 1].lower_ if token.i + 1 < sent.end else ""
            if token.lower_ in GROUP_NOUNS and (nxt in EXAMPLE_OPENERS or token.i + 2 < sent.end and
                                                 (nxt, doc[token.i + 2].lower_) in {(",", "such"), (",", "e.g."), (",", "including")}):
                names = compared_names(doc, token.i + 1, sent, fronted=False)
                modifiers = _content_words(doc[max(sent.start, token.i - 4):token.i])
                if names and modifiers:
                    found.append(Antecedent(token.i, token.lower_, frozenset(modifiers), names))
            elif token.lower_ == "as" and token.i > sent.start:
                role = _content_words(doc[token.i + 1:min(sent.end, token.i + 4)]) - ROLE_FILLERS
                filler = next((n for n in names_in(doc[max(sent.start, token.i - 5):token.i], allow_title=True)
                               if n.end == token.i and not is_generic(n.text)), None)
                if filler is not None and role and role <= ROLES:
                    found.append(Antecedent(token.i, None, frozenset(role), [filler]))
    return found


def _content_words(span: Span) -> set[str]:
    """Lower-case words of a phrase, hyphenated ones split, determiners and evaluative words left out."""
    words: list[str] = []
    for token in reversed(span):  # the words right before the noun, back to the first that is not one
        if not token.is_lower or token.lower_ in LIST_JOINERS:
            break
        words += token.lower_.split("-")
    return set(words) - SKIP_BEFORE_NAMES


def referred(doc: Doc, start: int, sent: Span, antecedents: list[Antecedent]) -> list[Span]:
    """The names an object phrase without a name refers back to ("outperforms other positional
    encoding methods", "surpassed the teacher model"): the latest antecedent whose words it has."""
    end = start
    while end < min(sent.end, start + 8) and doc[end].is_lower:
        end += 1
    words = _content_words(doc[start:end]) | {w for t in doc[start:end] for w in t.lower_.split("-")}
    return next((a.names for a in reversed(antecedents) if a.referred_by(words)), [])


def referred_back(doc: Doc, start: int, sent: Span, earlier: Sequence[Comparison],
                   antecedents: list[Antecedent]) -> list[Span]:
    """The names a back-reference stands for ("outperforms them", "both", "these baselines", "all of
    them"): the objects of the latest comparison, in this sentence or the two before it, else the
    examples of the latest group with the same noun ("models such as X and Y ... these models")."""
    end = start
    while end < min(sent.end, start + 4) and doc[end].is_lower and doc[end].lower_ in BACK_REFERENCE_WORDS:
        end += 1
    said = {t.lower_ for t in doc[start:end]}
    if not said & BACK_REFERENCES or (end < sent.end and doc[end].is_lower and doc[end].lower_ not in OBJECT_ENDS
                                      and doc[end].is_alpha):
        return []
    sents = sentences(doc)
    here = sents.index(sent)
    recent = [c for c in earlier if c.objects and sents.index(c.sent) >= here - 2]
    if recent:
        return recent[-1].objects
    grouped = [a for a in antecedents if a.head in said and a.at < start]  # "models such as X and Y ... these models"
    return grouped[-1].names if grouped else []
