"""Baselines and comparison claims: who beats whom, on what, by how much.

Only sentences with a comparison trigger are analysed (``triggers``); the objects of the trigger
(``compared``) are the baselines. A claim is made when the trigger says "better" and is neither
negated ("does not outperform") nor hedged ("comparable to"); "lower ... than" is better only for
lower-is-better metrics (latency, FID); "842 vs. 780 for X" when the numbers say so. Its winner is
the trigger's subject, else the paper's own name before it, else the paper's main name for "our
method"; its benchmark, metric and margin are those of its clause (``margins``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kgraph.extract.compared import compared_names, coordinated_before, find_antecedents, referred, referred_back
from kgraph.extract.evidence import clean_name, evidence_of, mention, sentences, text_of
from kgraph.extract.margins import MarginContext, each_before, each_own, margin_for, metric_near, plain_latex, quantity
from kgraph.extract.names import is_generic, is_strong_name, name_at, names_in
from kgraph.extract.rules import pattern, rule, words
from kgraph.extract.triggers import auxiliary_at, lower_is_better, passive_at, trigger_at, value_for, values_say_better
from kgraph.model import Claim, Mention, normalize_name

HEDGE_CONTEXT = pattern("hedge_context")
NEGATIONS = words("negations")
POSITIVE = pattern("positive")
DECREASE = pattern("decrease")
LOWER_IS_BETTER_CONTEXT = pattern("lower_is_better_context")
SUBJECT_GAP = words("subject_gap")
RESULT_VERBS = words("result_verbs")
AUTHOR_CUES = words("author_cues")
THIRD_PARTY = words("third_party")
WORSE = pattern("worse")
WORSE_VERBS = words("worse_verbs")
WINNING_KINDS = {"verb", "over", "at-least", "behind", "worse"}  # triggers that say "better" (or not worse) by themselves
VARIANT = pattern("variant")
CLAUSE_BREAK = pattern("clause_break")
ALL_BENCHMARKS = pattern("all_benchmarks")
COUNTS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass
class Comparison:
    """One trigger in a sentence and what it compares."""

    sent: Span
    trigger: int  # token index
    objects: list[Span]
    wins: bool
    kind: str  # verb (outperforms), over (gains over), than, compared (compared to, versus), at-least, behind, worse, hedge
    fronted: bool  # the sentence opens with it: "Compared with X, our method ..."
    until: int  # where the sentence's next trigger stands (named object or not), else the sentence's end
    agent: int | None = None  # where the winner starts when the subject loses: "X is outperformed by / lags behind <agent>"


def find_comparisons(doc: Doc) -> list[Comparison]:
    comparisons = []
    lower_better = lower_is_better()
    metric_spans = list(doc.spans["metric"])
    antecedents = find_antecedents(doc)
    in_metric = {i for span in metric_spans for i in range(span.start, span.end)}  # "exact match" is no "match"
    for sent in sentences(doc):
        found = [(k, trigger) for k in range(sent.start, sent.end) if (trigger := trigger_at(doc, k, sent))]
        for n, (k, (start, kind)) in enumerate(found):
            if kind == "hedge" and k in in_metric:
                continue
            until = found[n + 1][0] if n + 1 < len(found) else sent.end
            opening = doc[sent.start:k]  # "Compared with X, ...", "When evaluated against X, ...", not "Our model beats X"
            fronted = k - sent.start <= 2 and not names_in(opening, allow_title=True) \
                and not any(t.lower_ in AUTHOR_CUES for t in opening)
            objects = compared_names(doc, start, sent, fronted) \
                or referred(doc, start, sent, [a for a in antecedents if a.at < k]) \
                or referred_back(doc, start, sent, comparisons, antecedents)
            agent = None
            if kind == "verb" and passive_at(doc, k, sent) or kind == "behind":  # "X is outperformed by / lags behind Y"
                subject_end = auxiliary_at(doc, k, sent) + (kind == "behind")  # "X is outperformed", "X (still) trails"
                objects, agent = coordinated_before(doc, subject_end, sent), start + (kind == "verb")
            if kind == "than" and (verb := _worse_verb(doc, k, sent)) is not None:  # "X is 1.8 BLEU worse than Y"
                kind, objects, agent = "worse", coordinated_before(doc, verb, sent), start
            if not objects:
                continue
            negated = any(doc[i].lower_ in NEGATIONS for i in range(max(sent.start, k - 3), k))
            if kind in WINNING_KINDS:
                wins = True
            elif kind in {"compared", "than"}:  # "better" must be said: near "than", anywhere for "compared to"
                context = doc[max(sent.start, k - 6):k].text.lower() if kind == "than" else sent.text.lower()
                said = [m.group() for m in POSITIVE.finditer(context)]
                wins = bool(said)
                if said and all(DECREASE.fullmatch(word) for word in said):  # only "lower", "fewer", "reduces" ...
                    metrics = [s for s in metric_spans if sent.start <= s.start < sent.end]
                    wins = not metrics or any(normalize_name(s.label_) in lower_better for s in metrics) \
                        or LOWER_IS_BETTER_CONTEXT.search(context) is not None
            else:
                wins = False
            if kind == "compared" and not wins:  # "842 vs. 780 for X", "0.94, compared with 0.81 for X"
                wins = values_say_better(doc, k, sent, any(normalize_name(s.label_) in lower_better for s in metric_spans
                                                            if sent.start <= s.start < sent.end))
            hedged = HEDGE_CONTEXT.search(sent.text.lower()) is not None and kind not in WINNING_KINDS
            comparisons.append(Comparison(sent, k, objects, wins and not negated and not hedged, kind, fronted, until,
                                          agent))
    return comparisons


def _worse_verb(doc: Doc, k: int, sent: Span) -> int | None:
    """Where "is" / "performs" stands before a "worse than" at ``k`` (its subject loses), else None."""
    context = doc[max(sent.start, k - 4):k]
    if not WORSE.search(context.text.lower()) or POSITIVE.search(context.text.lower()):
        return None
    return next((j for j in range(k - 1, max(sent.start, k - 8), -1) if doc[j].lower_ in WORSE_VERBS), None)


def find_baselines_and_claims(doc: Doc, comparisons: list[Comparison], proposed: list[Mention], primary: str | None,
                              benchmarks: list[Mention], metrics: list[Mention]) -> tuple[list[Mention], list[Claim]]:
    own = {normalize_name(n) for m in proposed for n in (m.name, *m.aliases)}
    not_losers = {normalize_name(m.name) for m in (*benchmarks, *metrics)}  # a metric is never a loser
    text = text_of(doc)
    not_methods = {i for m in (*benchmarks, *metrics)  # every occurrence: "an FID of 1.98, a lower FID than X"
                   for found in re.finditer(rf"(?<![\w-]){re.escape(m.name)}(?![\w-])", text)
                   for i in _token_range(doc, found.start(), found.end())}
    baselines: dict[str, Mention] = {}
    claims: list[Claim] = []
    won: dict[int, tuple[Comparison, str, str]] = {}  # per sentence, the last comparison with a winner
    for comp, (clause_start, clause_end, reach) in zip(comparisons, _clauses(doc, comparisons), strict=True):
        losers = [o for o in comp.objects if normalize_name(o.text) not in own | not_losers]
        for loser in losers:
            baselines.setdefault(normalize_name(loser.text), mention(loser, "method", rule("baselines", "comparison-object")))
        if not comp.wins or not losers:
            continue
        winner, source = _winner(doc, comp, own, primary, not_methods)
        if winner is None and comp.sent.start in won and _continues(doc, won[comp.sent.start][0], comp, not_methods):
            _, winner, source = won[comp.sent.start]  # "improves by 17% over X and by 9% over Y"
        if winner is None:
            continue
        won[comp.sent.start] = (comp, winner, source)
        same_sentence = [c for c in comparisons if c.sent == comp.sent]
        earlier = [c.trigger for c in same_sentence if c.trigger < comp.trigger]
        before = (doc[earlier[-1]].idx if earlier else comp.sent.start_char, clause_start)  # "2x lower latency than"
        loser_keys = {normalize_name(l.text) for l in losers}
        placed, in_clause = _places(doc, comp, same_sentence, winner, loser_keys, (clause_start, clause_end), before,
                                    benchmarks)
        confidence = round(rule("claims", f"comparison-{comp.kind}").confidence * rule("claims", source).confidence, 3)
        plain = plain_latex(text)
        context = MarginContext(earlier=bool(earlier), next_trigger=comp.until < comp.sent.end,
                                values_given=comp.kind == "compared" and any(_value_given(doc, l, comp.sent) for l in losers))
        margin_at, margin, per_loser, per_bench = margin_for(plain, before[0], clause_start, reach, len(losers),
                                                             len(in_clause), comp.kind == "verb", context)
        per_loser = per_loser or each_own(plain, [(l.start_char, l.end_char) for l in losers
                                                  if l.start >= comp.sent.start], comp.sent.end_char)
        per_bench = per_bench or (None if per_loser else each_before(plain, clause_start, [at for at, _ in placed]))
        metric = metric_near(text, margin_at, (clause_start, reach), before,
                             [m for m in metrics if normalize_name(m.name) not in loser_keys])
        evidence = evidence_of(doc[comp.trigger:comp.trigger + 1])  # the comparison's sentence, wherever the loser was named
        for i, loser in enumerate(losers):
            if normalize_name(loser.text) == normalize_name(winner):
                continue
            for j, bench in enumerate(in_clause or [None]):
                stated = per_loser[i] if per_loser else per_bench[j] if per_bench else margin
                value, unit = quantity(stated) if stated else (None, None)
                claims.append(Claim(winner=winner, loser=clean_name(loser.text), evidence=evidence,
                                    rule=f"comparison-{comp.kind}/{source}",
                                    confidence=confidence,
                                    benchmark=bench, metric=metric, margin=stated, margin_value=value, margin_unit=unit))
    for name in _baseline_nouns(doc):
        if normalize_name(name.text) not in own:
            baselines.setdefault(normalize_name(name.text), mention(name, "method", rule("baselines", "baseline-noun")))
    return list(baselines.values()), _one_per_key(claims)


def _baseline_nouns(doc: Doc) -> list[Span]:
    """Names right before "baseline(s)": "a strong X baseline"."""
    return [name for sent in sentences(doc) for token in sent
            if token.lower_ in {"baseline", "baselines"} and token.i > sent.start
            and (name := _name_ending_at(doc, token.i, sent)) is not None]


def _one_per_key(claims: list[Claim]) -> list[Claim]:
    """One claim per (winner, loser, benchmark): the first that states a margin, else the first; in text order."""
    unique: dict[tuple, Claim] = {}
    for c in claims:
        key = (normalize_name(c.winner), normalize_name(c.loser), c.benchmark)
        if key not in unique or unique[key].margin is None and c.margin is not None:
            unique[key] = c
    return sorted(unique.values(), key=lambda c: (c.evidence.start, claims.index(c)))


def _places(doc: Doc, comp: Comparison, same_sentence: list[Comparison], winner: str, loser_keys: set[str],
            clause: tuple[int, int], before: tuple[int, int],
            benchmarks: list[Mention]) -> tuple[list[tuple[int, str]], list[str]]:
    """Where the claim is made: the benchmarks of its clause (not a loser's name), else just before its
    trigger, else at the sentence's opening ("On X, A beats B vs. C"), else every benchmark of an "on all
    three datasets"; as (offset, name) of those named, and the names."""
    text = text_of(doc)
    fronted = (comp.sent.start_char, doc[same_sentence[0].trigger].idx)
    compared = [(o.start_char, o.end_char) for c in same_sentence for o in c.objects] + \
        [(comp.sent.start_char + m.start(), comp.sent.start_char + m.end())
         for m in re.finditer(re.escape(winner), comp.sent.text)]
    placed = [(at, b) for at, b in _named_in(text, *clause, benchmarks, compared) if normalize_name(b) not in loser_keys] \
        or _named_in(text, *before, benchmarks, compared) or _named_in(text, *fronted, benchmarks, compared)
    return placed, [b for _, b in placed] or _every_benchmark(doc, [clause, before, fronted], benchmarks)


def _value_given(doc: Doc, loser: Span, sent: Span) -> bool:
    """Is the loser's own value written before it ("compared with 2.4x for X", "0.81 for vanilla X")?"""
    return any(value_for(doc, i, sent) in {loser.start - 1, loser.start}
               for i in range(max(sent.start, loser.start - 10), loser.start))


def _every_benchmark(doc: Doc, ranges: list[tuple[int, int]], benchmarks: list[Mention]) -> list[str]:
    """The benchmarks a claim "on all three datasets" is made on: every benchmark of the paper, if as
    many as it says, else those of the one sentence that names that many; none when neither."""
    text = text_of(doc)
    said = next((m for start, end in ranges if (m := ALL_BENCHMARKS.search(text, start, end))), None)
    if said is None:
        return []
    number = said.group("n") or said.group(2)  # "three", "12", or "both"
    count = int(number) if number.isdigit() else COUNTS.get(number)
    every = sorted({b.name: text.find(b.name) for b in benchmarks}.items(), key=lambda item: item[1])
    if count is None or count == len(every):
        return [name for name, _ in every]
    for sent in sentences(doc):
        named = [name for name, at in every if sent.start_char <= at < sent.end_char]
        if len(named) == count:
            return named
    return []


def _named_in(text: str, start: int, end: int, mentions: list[Mention],
              names: list[tuple[int, int]] = ()) -> list[tuple[int, str]]:
    """(offset, name) of the mentions that occur in ``text[start:end]`` (any occurrence, not only the first), in
    order; an occurrence within a longer compared name of ``names`` ("Gemma" of "Gemma 2B") is not one."""
    found = []
    for m in mentions:
        match = next((match for match in re.finditer(rf"(?<![\w-]){re.escape(m.name)}(?![\w-])", text[start:end])
                      if not any(a <= start + match.start() and start + match.end() <= b and b - a > len(m.name)
                                 for a, b in names)), None)
        if match:
            found.append((start + match.start(), m.name))
    return sorted(found)


def _token_range(doc: Doc, start_char: int, end_char: int) -> range:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    return range(span.start, span.end) if span is not None else range(0)


def _clauses(doc: Doc, comparisons: list[Comparison]) -> list[tuple[int, int, int]]:
    """Character bounds of each comparison's clause, (start, end, reach): from its trigger to a clause
    break after its objects ("while ...", ", and on D it ...") for its benchmarks, and to the next trigger
    of the sentence (with a named object or not) for its margin ("surpasses X, while accelerating training
    by 2x"), so "X beats A on B, and improves over C on D" keeps B and D apart."""
    text = text_of(doc)
    bounds = []
    for comp in comparisons:
        start, end = doc[comp.trigger].idx, comp.sent.end_char
        following = doc[comp.until].idx if comp.until < comp.sent.end else end
        after_objects = max([o.end_char for o in comp.objects if o.start > comp.trigger], default=start)
        cut = CLAUSE_BREAK.search(text, after_objects, following)
        bounds.append((start, cut.start() if cut else following, following))
    return bounds


def _name_ending_at(doc: Doc, end: int, sent: Span) -> Span | None:
    for start in range(max(sent.start, end - 4), end):
        name = name_at(doc, start, allow_title=True)
        if name is not None and name.end == end and is_strong_name(name[0].text):
            return name
    return None


def _winner(doc: Doc, comp: Comparison, own: set[str], primary: str | None,
            not_methods: set[int]) -> tuple[str | None, str]:
    """The method the sentence says is better: the trigger's subject, else a proposed name before the
    trigger, else "our method"; benchmarks and metrics are never winners."""
    sent, objects = comp.sent, comp.objects
    if comp.agent is not None:
        agent = name_at(doc, comp.agent, allow_title=True)
        if agent is not None and not is_generic(agent.text):
            return clean_name(agent.text), "subject-own" if _is_own(agent.text, own) else "subject"
        cued = primary is not None and any(_is_author_cue(t) for t in doc[comp.agent:min(sent.end, comp.agent + 3)])
        return (primary, "author-cue") if cued else (None, "")
    fronted = comp.fronted
    subject = None if fronted else _subject_before(doc, comp.trigger, sent, not_methods)
    if subject is not None:
        return clean_name(subject.text), "subject-own" if _is_own(subject.text, own) else "subject"
    object_tokens = {i for o in objects for i in range(o.start, o.end)}
    scope = doc[sent.start:sent.end] if fronted else doc[sent.start:comp.trigger]
    owned = [n for n in names_in(scope, allow_title=True)
             if _is_own(n.text, own) and not object_tokens.intersection(range(n.start, n.end))
             and not not_methods.intersection(range(n.start, n.end))]
    if owned:
        return clean_name(owned[-1].text), "own-name"
    if primary is not None and any(_is_author_cue(t) for t in scope if t.i not in object_tokens):
        return primary, "author-cue"
    if primary is not None and fronted:
        return primary, "fronted"
    if primary is not None and comp.kind == "over" and sent.start > 0 \
            and not [n for n in names_in(doc[sent.start:comp.trigger], allow_title=True)
                     if not not_methods.intersection(range(n.start, n.end)) and not is_generic(n.text)]:
        return primary, "implied"  # "Style accuracy improves by 17% over X": a result of the paper's method
    return None, ""


def _continues(doc: Doc, previous: Comparison, comp: Comparison, not_methods: set[int]) -> bool:
    """Does ``comp`` go on with ``previous``'s subject: a few words joined by "and" or a comma, naming no
    method ("... over X and by 9% over Y", "... than X, and 1.4x faster than Y")?"""
    start = max([o.end for o in previous.objects if o.start > previous.trigger], default=previous.trigger + 1)
    between = doc[start:comp.trigger]
    return 0 < len(between) <= 8 and any(t.lower_ in {"and", ","} for t in between) \
        and not [n for n in names_in(between, allow_title=True) if not not_methods.intersection(range(n.start, n.end))]


def _is_own(name: str, own: set[str]) -> bool:
    """One of the paper's names, or a size or variant of one ("FooLM-7B", "FooNet-L", "Foo-VL 2B")."""
    while True:
        if normalize_name(name) in own:
            return True
        head, _, tail = name.rpartition("-") if "-" in name else name.rpartition(" ")
        if not head or not VARIANT.match(tail):
            return False
        name = head


def _is_author_cue(token: Token) -> bool:
    """"our method", "the proposed model", "it", a sentence's opening "Its"; not "their method" or "existing models"."""
    before = token.nbor(-1).lower_ if token.i > 0 else ""
    return (token.lower_ in AUTHOR_CUES or token.lower_ == "its" and token.is_sent_start) and before not in THIRD_PARTY


def _subject_before(doc: Doc, trigger: int, sent: Span, not_methods: set[int]) -> Span | None:
    """A name that ends right before the trigger, adverbs and auxiliaries aside; not the object of a verb
    ("it improves mMOTA over X")."""
    j = trigger
    while j > sent.start and (doc[j - 1].lower_.endswith("ly") or doc[j - 1].lower_ in SUBJECT_GAP):
        j -= 1
    for name in names_in(doc[max(sent.start, j - 6):j], allow_title=True):
        if name.end == j and not is_generic(name.text) and not not_methods.intersection(range(name.start, name.end)) \
                and not (name.start > sent.start and doc[name.start - 1].like_num  # "a gain of 0.32 dB over": a unit
                         or name.start > sent.start and doc[name.start - 1].lower_ in RESULT_VERBS):
            return name
    return None
