"""Where a comparison is said: the trigger words of a sentence and the kind of comparison each opens.

A trigger's kind names the claim rule (``comparison-KIND``): a win verb ("outperforms", also passive,
"is outperformed by"), a gain over ("improves over", "a 2x speedup over", "2.6 points above"), a
comparative before "than", a neutral comparison ("compared to", "versus", "we compare X with"),
"at least as good as", or a hedge ("comparable to"), which names baselines but makes no claim.
"""

from __future__ import annotations

import functools
import re

from spacy.tokens import Doc, Span, Token

from kgraph.extract.names import name_at
from kgraph.extract.rules import pattern, stems, words
from kgraph.extract.vocabulary import load
from kgraph.model import normalize_name

WIN_STEMS = stems("win_stems")
OVER_WORDS = words("over_words")
NEUTRAL_PAIRS = {tuple(pair.split()) for pair in words("neutral_pairs") | words("win_pairs")}
WIN_PAIRS = {tuple(pair.split()) for pair in words("win_pairs")}
NEUTRAL_WORDS = words("neutral_words")
HEDGES = words("hedges")
GAIN_CONTEXT = pattern("gain_context")
OBJECT_OPENERS = words("object_openers")
COMPARE_VERBS = words("compare_verbs")
AMOUNTS = words("amounts")
PASSIVE_AUXILIARIES = words("passive_auxiliaries")
BEHIND_WORDS = words("behind_words")
NEGATIONS = words("negations")
VALUE = re.compile(r"^[+-]?\d+(\.\d+)?[x×%]$")  # "2.6x", "30.7%" as one token
GAIN_WINDOW = 12  # tokens before "over" where a gain is said: "improves the median win rate across ... over X"


@functools.cache
def lower_is_better() -> frozenset[str]:
    return frozenset(normalize_name(t.pref_label) for t in load("metrics") if t.lower_is_better)


def trigger_at(doc: Doc, k: int, sent: Span) -> tuple[int, str] | None:
    """(first object token, kind) when token ``k`` opens a comparison; kind is verb, over, compared, than,
    at-least, behind (its subject loses: "X lags behind Y") or hedge (the claim rules are ``comparison-KIND``;
    verb, over, at-least and behind say "better" by themselves)."""
    lower = doc[k].lower_
    nxt = doc[k + 1].lower_ if k + 1 < sent.end else ""
    if lower in HEDGES and lower.startswith("match") and nxt == "or" and k + 2 < sent.end \
            and doc[k + 2].lower_.startswith(WIN_STEMS):
        return k + 3, "verb"
    if lower in HEDGES and (nxt in {"to", "with"} or (lower.startswith(("match", "rival")) and _verb_object(doc, k + 1, sent))):
        return (k + 2 if nxt in {"to", "with"} else k + 1), "hedge"
    if lower in HEDGES:  # "comparable performance to X", "competitive results with X"
        to = next((j for j in range(k + 1, min(sent.end, k + 4)) if doc[j].lower_ in {"to", "with"}), None)
        if to is not None and all(doc[j].is_lower and doc[j].is_alpha for j in range(k + 1, to)):
            return to + 1, "hedge"
    if lower == "par" and nxt == "with":
        return k + 2, "hedge"
    if lower.startswith(WIN_STEMS) and not (k > sent.start and doc[k - 1].lower_ in {"or", "and"} and k > sent.start + 1
                                            and doc[k - 2].lower_.startswith("match")):
        return k + 1, "verb"
    if lower in OVER_WORDS and (nxt in {"over", "upon"} or nxt == "on" and named_then_by(doc, k + 2, sent)):
        return k + 2, "over"  # "improves over X", "improving on X by 2.6"
    if lower == "ahead" and nxt == "of":  # "ahead of X by 4.3 points"
        return k + 2, "over"
    if lower in BEHIND_WORDS and not (k > sent.start and doc[k - 1].lower_ in NEGATIONS):  # "X lags behind Y by 7"
        return (k + 2 if nxt == "behind" else k + 1), "behind"
    if lower in {"over", "upon"} and (k == sent.start or doc[k - 1].lower_ not in OVER_WORDS) and not (k + 1 < sent.end and (doc[k + 1].like_num or doc[k + 1].lower_ in {"the", "time", "all"})):
        window = doc[max(sent.start, k - GAIN_WINDOW):k].text.lower()
        if any(word in window.split() for word in OVER_WORDS) or GAIN_CONTEXT.search(window):
            return k + 1, "over"
    if (lower, nxt) in NEUTRAL_PAIRS:
        return k + 2, "over" if (lower, nxt) in WIN_PAIRS else "compared"
    if lower in NEUTRAL_WORDS:
        return k + 1, "compared"
    if lower == "above" and any(t.like_num for t in doc[max(sent.start, k - 3):k]):  # "2.6 points above X"
        return k + 1, "over"
    if lower in COMPARE_VERBS:  # "we compare X with Y": Y is compared against
        to = next((j for j in range(k + 1, min(sent.end, k + 6)) if doc[j].lower_ in {"with", "to"}), None)
        if to is not None:
            return to + 1, "compared"
    if lower == "than":
        return k + 1, "than"
    if lower == "as" and _at_least_as(doc, k, sent):
        return k + 1, "at-least"
    return None


def named_then_by(doc: Doc, j: int, sent: Span) -> bool:
    """Does a name at ``j`` come with its margin ("on MOTRv2 by 2.6"), not a place ("on COCO, ...")?"""
    name = name_at(doc, j, allow_title=True) if j < sent.end else None
    return name is not None and name.end < sent.end and doc[name.end].lower_ == "by"


def values_say_better(doc: Doc, k: int, sent: Span, lower_better: bool) -> bool:
    """Does the number before a neutral comparison at ``k`` beat the loser's after it ("842 vs. 780 for X",
    "an AUROC of 0.94, compared with 0.81 for X"; lower for lower-is-better metrics)? The loser's number
    is followed by "for" (or stands in parentheses: "(88.9 vs. 86.7)")."""
    before = [t for t in doc[max(sent.start, k - 8):k] if t.like_num]  # "50.1 mIoU on ADE20K (vs. 47.8 for X)"
    after = [t for t in doc[k + 1:min(sent.end, k + 3)] if t.like_num
             and (doc[k].lower_ in NEUTRAL_WORDS or value_for(doc, t.i, sent) is not None)]
    try:
        mine, theirs = float(before[-1].text.replace(",", "")), float(after[0].text.replace(",", ""))
    except (IndexError, ValueError):
        return False
    return mine < theirs if lower_better else mine > theirs


def value_for(doc: Doc, i: int, sent: Span) -> int | None:
    """Where the loser's name starts when the number at ``i`` is that loser's own value ("0.81 for X",
    "33.6% for X", "41% and 52% for X"), else None."""
    if not _value_like(doc[i]):
        return None
    for k in range(i + 1, min(sent.end - 1, i + 8)):
        token = doc[k]
        if token.lower_ == "for":
            return k + 1
        if token.lower_ == "and" and _value_like(doc[k + 1]) or _value_like(token) \
                or token.lower_ in {"%", "x", "×", "times", "points", ","}:
            continue
        return None
    return None


def _value_like(token: Token) -> bool:
    return token.like_num or VALUE.match(token.text) is not None


def auxiliary_at(doc: Doc, k: int, sent: Span) -> int:
    """Where the auxiliary before a verb at ``k`` would stand, adverbs skipped ("is consistently outperformed")."""
    j = k - 1
    while j > sent.start and doc[j].lower_.endswith("ly"):
        j -= 1
    return j


def passive_at(doc: Doc, k: int, sent: Span) -> bool:
    """Is the win verb at ``k`` passive with its agent named ("is outperformed by X")?"""
    return k + 2 < sent.end and doc[k + 1].lower_ == "by" and doc[auxiliary_at(doc, k, sent)].lower_ in PASSIVE_AUXILIARIES


def _at_least_as(doc: Doc, k: int, sent: Span) -> bool:
    """Is the "as" at ``k`` the second of "at least as good (and fast) as" (not "at least as many")?"""
    for j in range(max(sent.start, k - 7), k - 2):
        if [t.lower_ for t in doc[j:j + 3]] == ["at", "least", "as"]:
            between = doc[j + 3:k]
            return k > j + 3 and all(t.is_lower and t.is_alpha and t.lower_ not in AMOUNTS for t in between)
    return False


def _verb_object(doc: Doc, j: int, sent: Span) -> bool:
    """Does an object follow at ``j`` ("matches the performance of X", "rivals X"), as after a verb
    (not "feature matching and alignment")?"""
    return j < sent.end and (doc[j].lower_ in OBJECT_OPENERS or name_at(doc, j, allow_title=True) is not None)
