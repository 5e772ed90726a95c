"""Baselines and comparison claims: who beats whom, on what, by how much.

Only sentences with a comparison trigger are analysed (outperforms, surpasses, beats, exceeds,
improves over, better than, compared to/with, versus, against, "matches or exceeds").
The objects of the trigger, a coordinated list of names, are the baselines. A claim is made
when the trigger says "better" and is neither negated ("does not outperform") nor hedged
("comparable to"); "lower ... than" is better only for lower-is-better metrics (latency, FID).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kgraph.extract.evidence import clean_name, evidence_of, mention, sentences
from kgraph.extract.names import is_generic, is_strong_name, name_at, names_in
from kgraph.extract.margins import each_before, each_own, margin_for, metric_near, plain_latex, quantity
from kgraph.extract.rules import pattern, rule, stems, words
from kgraph.extract.vocabulary import load
from kgraph.model import Claim, Mention, normalize_name

WIN_STEMS = stems("win_stems")
OVER_WORDS = words("over_words")
NEUTRAL_PAIRS = {tuple(pair.split()) for pair in words("neutral_pairs") | words("win_pairs")}
WIN_PAIRS = {tuple(pair.split()) for pair in words("win_pairs")}
NEUTRAL_WORDS = words("neutral_words")
GROUP_NOUNS = words("group_nouns")
HEDGE_CONTEXT = pattern("hedge_context")
HEDGES = words("hedges")
EXAMPLE_OPENERS = words("example_openers")
ROLES = words("roles")
ROLE_FILLERS = words("role_fillers")
OBJECT_ENDS = words("object_ends")
NEGATIONS = words("negations")
POSITIVE = pattern("positive")
DECREASE = pattern("decrease")
LOWER_IS_BETTER_CONTEXT = pattern("lower_is_better_context")
GAIN_CONTEXT = pattern("gain_context")
SKIP_BEFORE_NAMES = words("skip_before_names")
LIST_JOINERS = words("list_joiners")
SUBJECT_GAP = words("subject_gap")
AUTHOR_CUES = words("author_cues")
THIRD_PARTY = words("third_party")
OBJECT_OPENERS = words("object_openers")
BACK_REFERENCES = words("back_references")
BACK_REFERENCE_WORDS = words("back_reference_words")
COMPARE_VERBS = words("compare_verbs")
AMOUNTS = words("amounts")
METHOD_HEADS = words("method_heads")
PASSIVE_AUXILIARIES = words("passive_auxiliaries")
WINNING_KINDS = {"verb", "over", "at-least"}  # triggers that say "better" (or not worse) by themselves
VARIANT = pattern("variant")
CLAUSE_BREAK = pattern("clause_break")
MAX_SKIPPED = 8  # words before the first name: "complex segmentation models such as X"


@dataclass
class Comparison:
    """One trigger in a sentence and what it compares."""

    sent: Span
    trigger: int  # token index
    objects: list[Span]
    wins: bool
    kind: str  # verb (outperforms), over (gains over), than, compared (compared to, versus), at-least, hedge
    fronted: bool  # the sentence opens with it: "Compared with X, our method ..."
    agent: int | None = None  # a passive's winner starts here: "X is outperformed by <agent>"


@functools.cache
def _lower_is_better() -> frozenset[str]:
    return frozenset(normalize_name(t.pref_label) for t in load("metrics") if t.lower_is_better)


def _trigger_at(doc: Doc, k: int, sent: Span) -> tuple[int, str] | None:
    """(first object token, kind) when token ``k`` opens a comparison; kind is verb, over, compared, than,
    at-least or hedge (the claim rules are ``comparison-KIND``; verb, over and at-least say "better" by themselves)."""
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
    if lower in OVER_WORDS and nxt in {"over", "upon"}:
        return k + 2, "over"
    if lower in {"over", "upon"} and (k == sent.start or doc[k - 1].lower_ not in OVER_WORDS) and not (k + 1 < sent.end and (doc[k + 1].like_num or doc[k + 1].lower_ in {"the", "time", "all"})):
        window = doc[max(sent.start, k - 8):k].text.lower()
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


def _values_say_better(doc: Doc, k: int, sent: Span, lower_better: bool) -> bool:
    """Does the number before "vs." at ``k`` beat the one after it ("842 vs. 780 for X"; lower for
    lower-is-better metrics)?"""
    before = [t for t in doc[max(sent.start, k - 8):k] if t.like_num]  # "50.1 mIoU on ADE20K (vs. 47.8 for X)"
    after = [t for t in doc[k + 1:min(sent.end, k + 3)] if t.like_num]
    try:
        mine, theirs = float(before[-1].text.replace(",", "")), float(after[0].text.replace(",", ""))
    except (IndexError, ValueError):
        return False
    return mine < theirs if lower_better else mine > theirs


def _auxiliary_at(doc: Doc, k: int, sent: Span) -> int:
    """Where the auxiliary before a verb at ``k`` would stand, adverbs skipped ("is consistently outperformed")."""
    j = k - 1
    while j > sent.start and doc[j].lower_.endswith("ly"):
        j -= 1
    return j


def _coordinated_before(doc: Doc, end: int, sent: Span) -> list[Span]:
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


def _passive_at(doc: Doc, k: int, sent: Span) -> bool:
    """Is the win verb at ``k`` passive with its agent named ("is outperformed by X")?"""
    return k + 2 < sent.end and doc[k + 1].lower_ == "by" and doc[_auxiliary_at(doc, k, sent)].lower_ in PASSIVE_AUXILIARIES


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


def _objects(doc: Doc, start: int, sent: Span, fronted: bool) -> list[Span]:
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
            if name.end < sent.end and doc[name.end].lower_ in GROUP_NOUNS:
                j = name.end + 1  # "SSL methods": a group, not a named baseline
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
        if names and lower == "(" and (close := _unnamed_parenthesis(doc, j, sent)) is not None:
            j = close + 1  # a loser's score: "DreamerV3 (14.8%) and PPO (4.6%)"
            continue
        if names and token.like_num and j + 1 < sent.end and doc[j + 1].lower_ == "for":
            j += 2  # "vs. 780 for X and 730 for Y"
            continue
        if names and lower in SKIP_BEFORE_NAMES and doc[j - 1].lower_ in {"and", "or"} \
                and (after := _name_within(doc, j + 1, sent, 3)) is not None:
            j = after  # "SegFormer-B5 and the recent Mask2Former"
            continue
        if names and (lower in LIST_JOINERS or lower in METHOD_HEADS and doc[j - 1].i + 1 == names[-1].end):
            j += 1  # "Medusa decoding and ...": the name is Medusa
            continue
        if not names and lower == ")":  # "(3.12 vs. 3.80) and a higher CLAP score": the comparison ended
            break
        if lower == "by" and names and _margin_then_name(doc, j + 1, sent) is not None:
            j = _margin_then_name(doc, j + 1, sent)  # "outperforms X by 2.3% and Y by 1.1%"
            continue
        if lower in OBJECT_ENDS:  # "outperforms the baseline by 91% on X": X is where, not whom
            break
        if not names and (lower in SKIP_BEFORE_NAMES or lower in LIST_JOINERS) and skipped < 6:
            skipped += 1
            j += 1
            continue
        if not names and (token.is_lower or token.text in {",", "(", "%", ":", "—", "–"} or token.like_num) and skipped < MAX_SKIPPED:
            skipped += 1  # descriptive words before the first name ("complex segmentation models such as", "2.5 for")
            j += 1
            continue
        break
    return names


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
    """Where a name starts within ``reach`` tokens from ``j``, past lower-case words only, else None."""
    for k in range(j, min(sent.end, j + reach)):
        if name_at(doc, k, allow_title=True) is not None:
            return k
        if not doc[k].is_lower:
            return None
    return None


def _unnamed_parenthesis(doc: Doc, j: int, sent: Span) -> int | None:
    """The closing parenthesis of a short parenthesis at ``j`` that names nothing ("(14.8%)"), else None."""
    for k in range(j + 1, min(sent.end, j + 8)):
        if doc[k].text == ")":
            return k
        if name_at(doc, k, allow_title=True) is not None:
            return None
    return None


def _margin_then_name(doc: Doc, j: int, sent: Span) -> int | None:
    """Where the next name starts when a margin at ``j`` is followed by "and" / "," and a name
    ("by 2.3% and Y by 1.1%"), else None."""
    end = min(sent.end, j + 6)
    if j >= end or not doc[j].like_num and not doc[j].text.startswith(("+", "~")):
        return None
    k = j + 1
    while k < end and doc[k].lower_ not in {"and", ","}:
        k += 1
    if k == end:  # "by 1.7% at similar FLOPs": no next name
        return None
    while k < sent.end and doc[k].lower_ in {"and", ","}:
        k += 1
    return k if k < sent.end and name_at(doc, k, allow_title=True) is not None else None


def _combined(doc: Doc, name: Span, sent: Span) -> Span:
    """A name with the method combined with it: "SiT-XL/2 + REPA" is one system."""
    while name.end + 1 < sent.end and doc[name.end].text == "+":
        other = name_at(doc, name.end + 1, allow_title=True)
        if other is None or is_generic(other.text):
            break
        name = doc[name.start:other.end]
    return name


def find_comparisons(doc: Doc) -> list[Comparison]:
    comparisons = []
    lower_better = _lower_is_better()
    metric_spans = list(doc.spans["metric"])
    antecedents = _antecedents(doc)
    in_metric = {i for span in metric_spans for i in range(span.start, span.end)}  # "exact match" is no "match"
    for sent in sentences(doc):
        for k in range(sent.start, sent.end):
            found = _trigger_at(doc, k, sent)
            if found is None or found[1] == "hedge" and k in in_metric:
                continue
            start, kind = found
            opening = doc[sent.start:k]  # "Compared with X, ...", "When evaluated against X, ...", not "Our model beats X"
            fronted = k - sent.start <= 2 and not names_in(opening, allow_title=True) \
                and not any(t.lower_ in AUTHOR_CUES for t in opening)
            objects = _objects(doc, start, sent, fronted) \
                or _referred(doc, start, sent, [a for a in antecedents if a.at < k]) \
                or _referred_back(doc, start, sent, comparisons, antecedents)
            agent = None
            if kind == "verb" and _passive_at(doc, k, sent):  # "X is outperformed by FooNet": X is the object
                objects, agent = _coordinated_before(doc, _auxiliary_at(doc, k, sent), sent), k + 2
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
            if kind == "compared" and not wins and doc[k].lower_ in NEUTRAL_WORDS:  # "842 vs. 780 for X"
                wins = _values_say_better(doc, k, sent, any(normalize_name(s.label_) in lower_better for s in metric_spans
                                                            if sent.start <= s.start < sent.end))
            hedged = HEDGE_CONTEXT.search(sent.text.lower()) is not None and kind not in WINNING_KINDS
            comparisons.append(Comparison(sent, k, objects, wins and not negated and not hedged, kind, fronted, agent))
    return comparisons


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


def _antecedents(doc: Doc) -> list[Antecedent]:
    found = []
    for sent in sentences(doc):
        for token in sent:
            nxt = doc[token.i + 1].lower_ if token.i + 1 < sent.end else ""
            if token.lower_ in GROUP_NOUNS and (nxt in EXAMPLE_OPENERS or token.i + 2 < sent.end and
                                                 (nxt, doc[token.i + 2].lower_) in {(",", "such"), (",", "e.g."), (",", "including")}):
                names = _objects(doc, token.i + 1, sent, fronted=False)
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


def _referred(doc: Doc, start: int, sent: Span, antecedents: list[Antecedent]) -> list[Span]:
    """The names an object phrase without a name refers back to ("outperforms other positional
    encoding methods", "surpassed the teacher model"): the latest antecedent whose words it has."""
    end = start
    while end < min(sent.end, start + 8) and doc[end].is_lower:
        end += 1
    words = _content_words(doc[start:end]) | {w for t in doc[start:end] for w in t.lower_.split("-")}
    return next((a.names for a in reversed(antecedents) if a.referred_by(words)), [])


def _referred_back(doc: Doc, start: int, sent: Span, earlier: list[Comparison],
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


def find_baselines_and_claims(doc: Doc, comparisons: list[Comparison], proposed: list[Mention], primary: str | None,
                              benchmarks: list[Mention], metrics: list[Mention]) -> tuple[list[Mention], list[Claim]]:
    own = {normalize_name(n) for m in proposed for n in (m.name, *m.aliases)}
    bench_keys = {normalize_name(b.name) for b in benchmarks}
    text = doc.text
    not_methods = {i for m in (*benchmarks, *metrics)  # every occurrence: "an FID of 1.98, a lower FID than X"
                   for found in re.finditer(rf"(?<![\w-]){re.escape(m.name)}(?![\w-])", text)
                   for i in _token_range(doc, found.start(), found.end())}
    baselines: dict[str, Mention] = {}
    claims: list[Claim] = []
    for comp, (clause_start, clause_end, reach) in zip(comparisons, _clauses(doc, comparisons), strict=True):
        losers = [o for o in comp.objects if normalize_name(o.text) not in own and normalize_name(o.text) not in bench_keys]
        for loser in losers:
            baselines.setdefault(normalize_name(loser.text), mention(loser, "method", rule("baselines", "comparison-object")))
        if not comp.wins or not losers:
            continue
        winner, source = _winner(doc, comp, own, primary, not_methods)
        if winner is None:
            continue
        confidence = round(rule("claims", f"comparison-{comp.kind}").confidence * rule("claims", source).confidence, 3)
        loser_keys = {normalize_name(l.text) for l in losers}
        same_sentence = [c for c in comparisons if c.sent == comp.sent]
        fronted = (comp.sent.start_char, doc[same_sentence[0].trigger].idx)  # "On X, A beats B vs. C"
        earlier = [c.trigger for c in same_sentence if c.trigger < comp.trigger]
        before = (doc[earlier[-1]].idx if earlier else comp.sent.start_char, clause_start)  # "2x lower latency than"
        compared = [(o.start_char, o.end_char) for c in same_sentence for o in c.objects] + \
            [(comp.sent.start_char + m.start(), comp.sent.start_char + m.end())
             for m in re.finditer(re.escape(winner), comp.sent.text)]
        placed = [(at, b) for at, b in _named_in(text, clause_start, clause_end, benchmarks, compared)
                  if normalize_name(b) not in loser_keys] \
            or _named_in(text, *before, benchmarks, compared) or _named_in(text, *fronted, benchmarks, compared)
        in_clause = [b for _, b in placed]
        plain = plain_latex(text)
        margin_at, margin, per_loser, per_bench = margin_for(plain, before[0], clause_start, reach,
                                                             len(losers), len(in_clause), comp.kind == "verb")
        per_loser = per_loser or each_own(plain, [(l.start_char, l.end_char) for l in losers], reach)
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
    for sent in sentences(doc):  # "a strong X baseline"
        for token in sent:
            if token.lower_ in {"baseline", "baselines"} and token.i > sent.start:
                name = _name_ending_at(doc, token.i, sent)
                if name is not None and normalize_name(name.text) not in own:
                    baselines.setdefault(normalize_name(name.text), mention(name, "method", rule("baselines", "baseline-noun")))
    unique: dict[tuple, Claim] = {}  # one claim per (winner, loser, benchmark): the first that states a margin, else the first
    for c in claims:
        key = (normalize_name(c.winner), normalize_name(c.loser), c.benchmark)
        if key not in unique or unique[key].margin is None and c.margin is not None:
            unique[key] = c
    return list(baselines.values()), sorted(unique.values(), key=lambda c: (c.evidence.start, claims.index(c)))


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
    text = doc.text
    bounds = []
    for comp in comparisons:
        start, end = doc[comp.trigger].idx, comp.sent.end_char
        following = next((doc[k].idx for k in range(comp.trigger + 1, comp.sent.end) if _trigger_at(doc, k, comp.sent)), end)
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
    return None, ""


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
    """"our method", "the proposed model", "it"; not "their method" or "existing models"."""
    before = token.nbor(-1).lower_ if token.i > 0 else ""
    return token.lower_ in AUTHOR_CUES and before not in THIRD_PARTY


def _subject_before(doc: Doc, trigger: int, sent: Span, not_methods: set[int]) -> Span | None:
    """A name that ends right before the trigger, adverbs and auxiliaries aside."""
    j = trigger
    while j > sent.start and (doc[j - 1].lower_.endswith("ly") or doc[j - 1].lower_ in SUBJECT_GAP):
        j -= 1
    for name in names_in(doc[max(sent.start, j - 6):j], allow_title=True):
        if name.end == j and not is_generic(name.text) and not not_methods.intersection(range(name.start, name.end)) \
                and not (name.start > sent.start and doc[name.start - 1].like_num):  # "a gain of 0.32 dB over": a unit
            return name
    return None
