"""By how much: the margin a comparison states, as written and as a number with its unit.

"outperforms X by 2.3%", "a 2x speed-up over X", "N% higher than X", "by 1.31x and 2.71x ...,
respectively": which number is this pair's margin, and which metric it is stated in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kgraph.extract.rules import alternation
from kgraph.model import Mention

FIRST = r"[+-]?\d+(?:\.\d+)?"  # a margin's number: the first of a range
RANGE_END = r"(?:\s?[-–]\s?\d+(?:\.\d+)?)?"
NUMBER = rf"[~>]?{FIRST}{RANGE_END}"  # "+1.7", "~7", "10 - 45"
UNITS = alternation("margin_units")
MARGIN = re.compile(
    rf"\bby\s+(?:up to |over |more than |about |around |nearly |approximately |an average of |on average |roughly |~|at least )?"
    rf"({NUMBER}(?:\s?(?:{UNITS})(?!\w)|(?=times\b))?)"
    rf"|(?<![\w@.])({NUMBER}(?:\s?(?:{UNITS})(?!\w))?)(?:\s+[A-Z][\w@-]*)?\s+(?:higher|lower|faster|better|worse|slower|fewer|less|more|larger|smaller|improvements?|"
    r"speed-?ups?|reductions?|gains?|increases?|boosts?|acceleration|absolute|relative|average|over|above|than)\b"
    rf"|(?:(?:up to|(?<!compared )(?<!comparison )with) ({NUMBER}\s?(?:%|x|×|times))|(?:a|an) ({NUMBER}\s?(?:x|×|times)))(?=[\s,;.)])"
    rf"|\b(?:improvements?|gains?|boosts?|increases?|speed-?ups?|reductions?|margin) of (?:up to |about |around |over |nearly )?"
    rf"({NUMBER}(?:\s?(?:{UNITS}))?)"
    rf"|\((\+{FIRST}(?:\s?(?:{UNITS})(?!\w))?)\)"  # a gain in parentheses after the loser: "X (+1.2 mIoU)"
)
# Every number with a unit: the items of a "respectively" list ("by 1.31x and 2.71x ..., respectively").
UNIT_NUMBER = re.compile(rf"(?<![\w.])({NUMBER}\s?(?:{UNITS})(?![\w]))")
LISTED_NUMBER = re.compile(rf"{NUMBER}(?:\s?(?:{UNITS})(?!\w))?")
NUMBER_LIST = re.compile(rf"(?<![\w.]){LISTED_NUMBER.pattern}(?:\s*,?\s*(?:and\s+)?{LISTED_NUMBER.pattern})+")
QUANTITY = re.compile(rf"[~>]?({FIRST}){RANGE_END}\s?({UNITS})?")
UNIT_NAMES = {"×": "x", "times": "x", "point": "points", "pp": "points", "percentage points": "points",
              "percentage point": "points"}
# LaTeX that survives in saved abstracts ("23times", "15\\%", "sim7") and in arXiv's ("$2.5\\times$", "$\\sim$7"),
# rewritten at the same length so that offsets into the sentence still hold: the symbol, padded with spaces.
LATEX = ((re.compile(r"\$?\\times\$?"), "×"), (re.compile(r"(?<=\d)times\b"), "×"), (re.compile(r"\\%"), "%"),
         (re.compile(r"\$?\\sim\s?\$?(?=\d)|\bsim(?=\d)"), "~"), (re.compile(r"\$(?=[\d.])|(?<=[\d.%])\$"), " "))
RELATIVE_CLAUSE = re.compile(r",? (which|who|whose) ")
OTHER_QUANTITY = re.compile(r"\s*(fewer|less|lower|smaller|more|larger|higher|cheaper)\b")  # after a number: another quantity
METRIC_NUMBER_REACH = 16  # characters before a metric where its own number stands ("40% fewer FLOPs")
MARGIN_LOOKAHEAD = 12  # characters past a region that a margin's following words may take ("1.5x over")


@dataclass(frozen=True)
class MarginContext:
    """What else the comparison's sentence holds, which decides whose a number is."""

    earlier: bool  # another comparison precedes it in the sentence
    next_trigger: bool  # its clause ends where another comparison starts
    values_given: bool  # the loser's own value is given ("compared with 2.4x for X")


def margin_for(text: str, start: int, trigger: int, end: int, losers: int, benchmarks: int, verb: bool,
               context: MarginContext) -> tuple[int, str | None, list[str] | None, list[str] | None]:
    """The margin a comparison states, where it stands, and the per-loser or per-benchmark margins of a
    "respectively" list. ``text[start:trigger]`` is the part of the sentence before the trigger (back to
    the previous one), ``text[trigger:end]`` its clause. "outperforms X by N" states it after the trigger;
    "N% higher than X", "a 2x speedup over X" before it. A verb's margin follows it: "achieves a 2.8x
    speedup, outperforming X" gives the speed-up over another reference. A relative clause after the
    loser ("X, which is 500 times larger") describes the loser."""
    relative = RELATIVE_CLAUSE.search(text, trigger, end)
    after = margins(text, trigger, relative.start() if relative else end)
    if context.next_trigger:  # "over X and reduces WER by 9.8% relative to Y": Y's margin
        after = [m for m in after if not _right_before(text, m, end)]
    prior = [] if verb else margins(text, start, trigger)
    # "improves by 17% over X and by 9% over Y": X's margin is the one right before its trigger
    adjacent = [m for m in prior if m[2] and _right_before(text, m, trigger)]
    if context.earlier:  # "outperforms X by 3.2 points, and improves over Y": the 3.2 is X's
        prior = [m for m in prior if not m[2] or m in adjacent]
    own = [m for m in after if not OTHER_QUANTITY.match(text, m[0] + len(m[1]))]  # not "with 3x fewer steps"
    chosen = adjacent[-1:] or [m for m in after if m[2]][:1] or prior[-1:] or own[:1]
    if context.values_given:  # "a 3.1x speedup, compared with 2.4x for X": the winner's own value
        chosen = [m for m in chosen if m[2]]
    at, margin = (chosen[0][0], chosen[0][1]) if chosen else (trigger, None)
    listed_from = trigger if context.earlier else start  # not the previous comparison's list
    per_loser = respectively(text, listed_from, end, losers)
    per_bench = None if per_loser else respectively(text, listed_from, end, benchmarks)
    return at, margin, per_loser, per_bench


def _right_before(text: str, margin: tuple[int, str, bool], at: int) -> bool:
    """Does the margin stand right before ``at``, in the same phrase ("by 17% over", not "by 2x; and")?"""
    gap = text[margin[0] + len(margin[1]):at].split()
    return len(gap) <= 2 and not {",", "and", ";"} & set(gap)


def metric_near(text: str, at: int, clause: tuple[int, int], before: tuple[int, int],
                metrics: list[Mention]) -> str | None:
    """The metric named in the comparison's clause (else before it) nearest to its margin; one right
    after another number is that number's ("by 2.3% with 40% fewer FLOPs": FLOPs is not the 2.3%'s)."""
    names = sorted({m.name for m in metrics})
    for start, end in (clause, before):
        found = [(abs(start + match.start() - at), name) for name in names
                 for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text[start:end])
                 if not _owned_by_another_number(text, start + match.start(), at)]
        if found:
            return min(found)[1]
    return None


def _owned_by_another_number(text: str, metric_at: int, margin_at: int) -> bool:
    """A metric right after another margin ("by 2.3% with 40% fewer FLOPs") is that margin's, not this one's."""
    numbers = [at for at, _, _ in margins(text, max(0, metric_at - METRIC_NUMBER_REACH), metric_at)]
    return bool(numbers) and abs(numbers[-1] - margin_at) > 2


def plain_latex(text: str) -> str:
    """``text`` with LaTeX leftovers rewritten, character for character (same length)."""
    for leftover, symbol in LATEX:  # "~" goes last (it must touch the number), the others first
        text = leftover.sub(lambda m, symbol=symbol: symbol.rjust(len(m.group())) if symbol == "~"
                            else symbol.ljust(len(m.group())), text)
    return text


def margins(text: str, start: int, end: int) -> list[tuple[int, str, bool]]:
    """(offset, margin, stated with "by") of each margin whose number is in ``text[start:end]`` (the
    words after it may lie beyond: "1.5x over X" for the trigger "over")."""
    found = []
    for match in MARGIN.finditer(text, start, min(len(text), end + MARGIN_LOOKAHEAD)):
        group = next(g for g in range(1, 7) if match.group(g))
        if match.start(group) < end:
            found.append((match.start(group), _tidy(match.group(group)), group == 1))
    return found


def _tidy(margin: str) -> str:
    return re.sub(r"\s+", " ", margin).strip()


def quantity(margin: str) -> tuple[float | None, str | None]:
    """A margin's number and unit: "+1.7 mIoU" is (1.7, "mIoU"), "2.8x" (2.8, "x"), "10 - 45%" (10.0, "%")."""
    match = QUANTITY.match(margin)
    if match is None:
        return None, None
    unit = match.group(2) or ""
    return float(match.group(1)), UNIT_NAMES.get(unit.lower(), unit) or None


def respectively(text: str, start: int, end: int, count: int) -> list[str] | None:
    """The ``count`` numbers of a "respectively" list in ``text[start:end]``, in order, or None."""
    if count < 2 or "respectively" not in text[start:end]:
        return None
    end = text.index("respectively", start, end)  # the list comes before the word, not after it ("..., at 20%")
    numbers = [_tidy(m.group(1)) for m in UNIT_NUMBER.finditer(text, start, end)]
    if len(numbers) == count:
        return numbers
    for listed in NUMBER_LIST.finditer(text, start, end):  # "by 4.2 and 3.1 points": one unit for the list
        numbers = [_tidy(n.group()) for n in LISTED_NUMBER.finditer(listed.group())]
        if len(numbers) == count:
            return numbers
    return None


def each_own(text: str, names: list[tuple[int, int]], end: int) -> list[str] | None:
    """Each name's own "by N" ("outperforms X by 2.3% and Y by 1.1%"), a name without one taking the
    next one's ("X and Y by 3%"), when at least two names have their own; else None."""
    own: list[str | None] = []
    for i, (_, name_end) in enumerate(names):
        until = names[i + 1][0] if i + 1 < len(names) else end
        stated = [m for at, m, by in margins(text, name_end, until) if by and at - name_end <= 20]
        own.append(stated[0] if stated else None)
    if sum(m is not None for m in own) < 2:
        return None
    filled = [next((m for m in own[i:] if m is not None), None) for i in range(len(own))]
    return filled


def each_before(text: str, start: int, places: list[int]) -> list[str] | None:
    """The margin stated right before each benchmark ("by 2.8 mIoU on COCO and by 3.1 mIoU on LVIS",
    "by 24% on six tasks and by 9% on RoboMimic"), when each has its own and the clause states several; else None."""
    if not places or len(UNIT_NUMBER.findall(text, start, places[-1])) < 2:
        return None
    found = []
    for before, at in zip([start, *places], places):
        numbers = [_tidy(m.group(1)) for m in UNIT_NUMBER.finditer(text, before, at) if at - m.end() <= 8]
        if not numbers:
            return None
        found.append(numbers[-1])
    return found
