"""What a paper proposes: the named methods, models, modules and datasets it introduces.

Rules, each named in the facts it produces:
- ``title-prefix``: the title's "NAME: subtitle" convention;
- ``propose-verb``: "we propose / introduce / present / develop ... NAME";
- ``abbreviation``: an abbreviation defined in such a sentence ("... Lexical Unit Decoding (LUD)");
- ``naming-word``: "named / called / dubbed / termed NAME";
- ``our-name``: "our NAME", "our system NAME".
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kgraph.extract.evidence import clean_name, mention, sentences, text_of
from kgraph.extract.names import is_generic, is_strong_name, is_title_word, name_at
from kgraph.extract.rules import Rule, pattern, rule, stems, words
from kgraph.model import Evidence, Mention, normalize_name

PROPOSE_STEMS = stems("propose_stems")
AUTHOR_WORDS = words("author_words")
STOP_WORDS = words("proposal_stops")
CATEGORY_NOUNS = words("category_nouns")
NAMING_WORDS = words("naming_words")
DATASET_KINDS = words("dataset_kinds")
COMPARISON_CUES = pattern("comparison_cues")
NOVELTY = words("novelty")
OWN_CUES = words("own_cues")
ABBREVIATION_STOPS = words("abbreviation_stops")
AIM_WORDS = words("aim_words")
MAX_SKIPPED = 6
APPOSITION = words("apposition")
ABBREVIATION_REACH = 20  # tokens from a proposing verb to the abbreviation it introduces


def author_triggers(sent: Span, own: set[str]) -> list[int]:
    """Indexes of proposing verbs whose subject is the authors ("we propose", "this paper introduces",
    "X introduces" for the paper's own X, "... is proposed")."""
    triggers, seen_author = [], False
    for token in sent:
        lower = token.lower_
        if lower in AUTHOR_WORDS or normalize_name(token.text) in own:
            seen_author = True
        elif lower.startswith(PROPOSE_STEMS) and (seen_author or _is_passive(token)) and not _cites_or_aims(token):
            triggers.append(token.i)
    return triggers


def _cites_or_aims(token) -> bool:
    """"was introduced in Mamba2" cites prior work; "for developing efficient X" states an aim."""
    after = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    before = token.nbor(-1).lower_ if token.i > 0 else ""
    return (_is_passive(token) and after in {"in", "by"}) or (token.lower_.endswith("ing") and before in AIM_WORDS)


def _is_passive(token) -> bool:
    return token.i > 0 and token.nbor(-1).lower_ in {"is", "are", "was", "were", "be", "been"}


def _names_after_trigger(doc: Doc, trigger: int, end: int) -> list[Span]:
    """Names that are the object of the proposing verb, with their coordinated siblings.

    A name directly followed by a category noun is a modifier ("a novel Real-ISR method, AdcSR"),
    so the scan goes on past it; so is a known model after "a" ("a new asymmetric VQGAN": a kind of
    model, not its name).
    """
    found: list[Span] = []
    skipped, j = 0, trigger + 1
    while j < end and skipped <= MAX_SKIPPED:
        token = doc[j]
        name = name_at(doc, j, allow_title=True)
        if name is not None and j in doc.user_data.get("model_ends", {}) \
                and {"a", "an"} & {t.lower_ for t in doc[max(trigger + 1, j - 3):j]}:
            j = name.end
            continue
        if name is not None and not is_generic(name.text):
            following = [t.lower_ for t in doc[name.end:min(name.end + 3, end)]]
            if any(word in CATEGORY_NOUNS for word in following[:2]) and "," in following:
                comma = name.end + following.index(",")
                if comma + 1 < end and (name_at(doc, comma + 1, allow_title=True) is not None
                                        or doc[comma + 1].lower_ in NAMING_WORDS):
                    j = comma + 1  # "a novel Real-ISR method, AdcSR": the name comes after the comma
                    continue
            name = _with_of_phrase(doc, name, end)
            if _modifies_another(doc, name, end):
                break
            found.append(name)
            j = name.end
            if j + 1 < end and doc[j].text in {",", "and"} and name_at(doc, j + 1, allow_title=True) is not None:
                j += 1
                continue
            if j + 2 < end and doc[j].text == "," and doc[j + 1].lower_ == "and":
                j += 2
                continue
            break
        lower = token.lower_
        if token.text == "," and doc[j - 1].lower_ in CATEGORY_NOUNS:
            j += 1
            continue
        if lower == "and" and j + 1 < end and doc[j + 1].lower_.startswith(PROPOSE_STEMS):
            j += 2
            continue
        if lower in APPOSITION and j > trigger + 1 and doc[j - 1].text == ",":  # "a novel GAN model, i.e., AU-GAN"
            j += 2 if j + 1 < end and doc[j + 1].text == "," else 1
            continue
        if token.is_alpha or "-" in token.text:
            if lower in STOP_WORDS or not token.text.islower() and not token.text[0].islower() and not is_generic(token.text):
                break
            skipped += 1
            j += 1
            continue
        if token.text in {"``", '"', "“", "'"}:
            j += 1
            continue
        break
    return found


def _modifies_another(doc: Doc, name: Span, end: int) -> bool:
    """Is the name what the proposal uses, not what it is: "introduce X into Y" (a known technique in a
    new place), "collect GPT-4 outputs", "introduce Mamba layers" (a plural noun that it qualifies)?"""
    if name.end >= end:
        return False
    after = doc[name.end]
    return after.lower_ == "into" or (after.is_lower and after.is_alpha and len(after) > 3 and after.lower_.endswith("s")
                                      and after.lower_ not in CATEGORY_NOUNS | STOP_WORDS)


def _with_of_phrase(doc: Doc, name: Span, end: int) -> Span:
    """"Mixture of Multi-rate Residuals": a one-word title name continues over "of" and the name after it."""
    if len(name) == 1 and not is_strong_name(name.text) and name.end + 1 < end and doc[name.end].lower_ == "of":
        rest = name_at(doc, name.end + 1, allow_title=True)
        if rest is not None and rest.end <= end:
            return doc[name.start:rest.end]
    return name


def _expand(name: Span, abbreviations: list[tuple[Span, Span]]) -> Span:
    """A name that begins an abbreviation's long form stands for the whole long form."""
    for _, long in abbreviations:
        if long.start == name.start and long.end > name.end:
            return long
    return name


def _named_term(doc: Doc, k: int, end: int) -> Span | None:
    """The term after a naming word: the next name within a few words ("call this architecture a Pointer
    Net"), else, right after "called/named/termed", a short lower-case phrase up to punctuation."""
    for j in range(k + 1, min(k + 6, end)):
        if doc[j].lower_ in STOP_WORDS - {"this", "it", "as"} or doc[j].is_punct and doc[j].text not in {'"', "``", "“", "'"}:
            break
        name = name_at(doc, j, allow_title=True)
        if name is not None:
            return name
    j = k + 1
    while j < end and doc[j].text in {'"', "``", "“", "'"}:
        j += 1
    if doc[k].lower_ == "call":
        return None
    stop = j
    while stop < end and stop < j + 4 and (doc[stop].is_alpha or "-" in doc[stop].text) and doc[stop].lower_ not in STOP_WORDS:
        stop += 1
    return doc[j:stop] if stop > j else None


def title_name(title: str, abstract: str) -> str | None:
    """NAME of a "NAME: subtitle" title, when NAME looks like a coined name rather than a slogan."""
    match = re.match(r"^\s*([^:]{1,48}?)\s*:\s*\S", title)
    if not match:
        return None
    prefix = match.group(1).strip()
    words = prefix.split()
    if len(words) > 4 or any(is_generic(w) for w in words):
        return None
    in_abstract = re.search(rf"(?<!\w){re.escape(prefix)}(?!\w)", abstract) is not None
    if len(words) == 1:
        return prefix if is_strong_name(prefix) or (in_abstract and prefix[:1].isupper()) else None
    if not all(is_strong_name(w) or is_title_word(w) or re.match(r"^v?\d", w) for w in words):
        return None
    if in_abstract or (len(words) == 2 and is_strong_name(words[0]) and re.match(r"^v?\d", words[1])):
        return prefix
    return None


def find_proposed(doc: Doc, title: str, abbreviations: list[tuple[Span, Span]],
                  off: frozenset[str] = frozenset()) -> tuple[list[Mention], str | None]:
    """Proposed names with evidence, and the paper's primary name (what "our method" stands for);
    ``off`` holds the ids of rules switched off."""
    found: list[tuple[Span, str]] = []
    prefix = title_name(title, text_of(doc)) if "title-prefix" not in off else None
    own = {normalize_name(prefix)} if prefix else set()
    for sent in sentences(doc):
        cut = _comparison_start(sent)
        for trigger in author_triggers(sent, own):
            if trigger >= cut:
                continue
            for name in _names_after_trigger(doc, trigger, cut):
                found.append((_expand(name, abbreviations), "propose-verb"))
            for short, long in abbreviations:
                # "a ... block (DEAB) consisting of ... (DEConv) is proposed"; "we develop the global geometry encoder (GGE)"
                before = _is_passive(doc[trigger]) and sent.start <= long.start and short.end <= trigger
                after = trigger < long.start <= trigger + ABBREVIATION_REACH and short.end <= cut \
                    and not ABBREVIATION_STOPS.intersection(t.lower_ for t in doc[trigger + 1:long.start])
                if (before or after) and not is_generic(short.text):
                    found.append((long, "abbreviation"))
        for short, long in abbreviations:  # "our quantized-latent autoencoder (QLAE)", "the proposed ... (CLC)"
            cue = {t.lower_ for t in doc[max(sent.start, long.start - 2):long.start]}
            if sent.start <= long.start < sent.end and cue & OWN_CUES and not is_generic(short.text):
                found.append((long, "abbreviation"))
        described = _described_as_new(doc, sent)
        if described is not None:
            found.append((_expand(described, abbreviations), "described-new"))
        for token in sent:
            if token.lower_ in NAMING_WORDS and token.i < cut:
                term = _named_term(doc, token.i, sent.end)
                # a lower-case term is named so in passing, unless the authors name it ("which we call")
                if term is not None and not is_generic(term.text) \
                        and (not term.text.islower() or AUTHOR_WORDS.intersection(t.lower_ for t in sent)):
                    found.append((_expand(term, abbreviations), "naming-word"))
            elif (token.lower_ == "our" or token.lower_ == "resulting" and token.i > sent.start
                  and token.nbor(-1).lower_ == "the") and (name := _our_name(doc, token.i, sent, abbreviations)) is not None:
                found.append((_expand(name, abbreviations), "our-name"))

    mentions = _merge([_to_mention(doc, span, rule("proposed", found_by), abbreviations)
                       for span, found_by in found if found_by not in off])
    primary = None
    if prefix:
        start = title.find(prefix)
        evidence = Evidence(title, 0, len(title), "title")
        by_title = rule("proposed", "title-prefix")
        title_mention = Mention(prefix, "method", evidence, start, start + len(prefix), by_title.id, by_title.confidence)
        mentions = _merge([title_mention, *mentions])
        primary = prefix
    elif mentions:
        primary = min(mentions, key=lambda m: (m.rule == "our-name", m.evidence.start, m.start)).name
    for m in mentions:
        if _names_a_dataset(doc, m):
            m.kind = "benchmark"
    return mentions, primary


def _our_name(doc: Doc, our: int, sent: Span, abbreviations: list[tuple[Span, Span]]) -> Span | None:
    """The name after "our" (or "the resulting"): "our TinyFox", "our system TinyFox", "our model, CodeFox, ..."."""
    j = our + 1
    if doc[our].lower_ == "resulting" and not (j < sent.end and doc[j].lower_ in CATEGORY_NOUNS):
        return None  # "the resulting SQL fragments" names no model of the paper's
    if j + 1 < sent.end and doc[j].lower_ in CATEGORY_NOUNS:
        j += 1
        if doc[j].text == "," and j + 1 < sent.end:
            j += 1
    name = name_at(doc, j, allow_title=True) if j < sent.end else None
    if name is not None and (is_strong_name(name[0].text) or j > our + 1
                             or any(long.start <= name.start < long.end for _, long in abbreviations)):
        return name
    return None


def _described_as_new(doc: Doc, sent: Span) -> Span | None:
    """The name a sentence opens with and calls new: "X is a novel framework ...", "X, a new benchmark, ..."."""
    name = name_at(doc, sent.start, allow_title=False)
    if name is None or is_generic(name.text) or name.end + 3 >= sent.end:
        return None
    words = [t.lower_ for t in doc[name.end:name.end + 4]]
    if words[0] in {"is", ","} and words[1] in {"a", "an", "the"} and NOVELTY.intersection(words[2:]):
        return name
    return None


def _comparison_start(sent: Span) -> int:
    """First token of the sentence's comparison part; names after it are baselines, not proposals."""
    match = COMPARISON_CUES.search(sent.text.lower())
    if not match:
        return sent.end
    span = sent.doc.char_span(sent.start_char + match.start(), sent.start_char + match.end(), alignment_mode="expand")
    return span.start if span is not None else sent.end


def _to_mention(doc: Doc, span: Span, found_by: Rule, abbreviations: list[tuple[Span, Span]]) -> Mention:
    """A proposed name; one the paper abbreviates is named by its abbreviation, the expansion kept as alias."""
    key = normalize_name(span.text)
    for short, long in abbreviations:
        if key == normalize_name(long.text) or (long.start <= span.start and span.end == long.end):
            return mention(short, "method", found_by, [clean_name(long.text)])
    aliases = [clean_name(long.text) for short, long in abbreviations if key == normalize_name(short.text)]
    return mention(span, "method", found_by, sorted(set(aliases) - {clean_name(span.text)}))


def _merge(mentions: list[Mention]) -> list[Mention]:
    """One mention per entity: same normalised name, or one's alias is the other's name."""
    merged: list[Mention] = []
    for new in mentions:
        keys = {normalize_name(new.name), *(normalize_name(a) for a in new.aliases)}
        for old in merged:
            old_keys = {normalize_name(old.name), *(normalize_name(a) for a in old.aliases)}
            if keys & old_keys:
                old.aliases = sorted(set(old.aliases) | {new.name, *new.aliases} - {old.name})
                old.confidence = max(old.confidence, new.confidence)
                break
        else:
            if normalize_name(new.name):
                merged.append(new)
    return merged


def _names_a_dataset(doc: Doc, m: Mention) -> bool:
    """A proposed name is a benchmark or dataset when it says so ("ParallelBench, the first benchmark",
    "two new datasets, CityWalk and RoadScan", a title "CodeTrail: A Benchmark of ...")."""
    if re.search(r"(Bench|bench|Eval)$", m.name):
        return True
    if m.evidence.field == "title":
        after, before = m.evidence.text[m.end:m.end + 60].lower(), ""
    else:
        after, before = text_of(doc)[m.end:m.end + 60].lower(), text_of(doc)[max(0, m.start - 40):m.start].lower()
        after = re.split(r"[.;]\s", after)[0]  # "We propose X. On the Y benchmark, ...": X is no benchmark
    return any(word in DATASET_KINDS for word in re.findall(r"[a-z]+", after)[:8]) \
        or any(word in DATASET_KINDS for word in re.findall(r"[a-z]+", before)[-3:])
