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

from kgraph.extract.evidence import clean_name, mention
from kgraph.extract.names import is_generic, is_strong_name, is_title_word, name_at
from kgraph.model import Evidence, Mention, normalize_name

PROPOSE_STEMS = ("propos", "introduc", "present", "develop", "design", "devis", "build", "built", "construct",
                 "releas", "contribut", "creat", "formulat", "curat", "establish", "offer", "collect")
AUTHOR_WORDS = {"we", "our", "paper", "work", "study", "article", "report", "letter", "here"}
STOP_WORDS = {"to", "that", "which", "who", "for", "of", "in", "on", "with", "by", "from", "as", "where", "when",
              "whose", "and", "or", "but", "than", "into", "via", "using", "based", "through", "at", "is", "are",
              "can", "could", "will", "would", "may", "it", "its", "their", "this", "these", "both", "each"}
CATEGORY_NOUNS = {"framework", "method", "model", "approach", "algorithm", "architecture", "technique", "strategy",
                  "module", "system", "benchmark", "dataset", "paradigm", "pipeline", "network", "loss", "mechanism",
                  "scheme", "library", "toolkit", "family", "suite", "agent", "decoder", "encoder", "transformer",
                  "metric", "task", "objective", "policy", "procedure", "recipe", "layer", "block", "operator",
                  "tokenizer", "codec", "solution", "engine", "tool", "methodology", "design", "variant", "corpus",
                  "methods", "models", "frameworks", "techniques", "strategies", "modules", "variants", "datasets"}
NAMING_WORDS = {"named", "called", "dubbed", "termed", "coined", "nicknamed", "denoted"}
DATASET_WORDS = {"benchmark", "benchmarks", "dataset", "datasets", "corpus", "suite", "testbed", "leaderboard"}
COMPARISON_CUES = re.compile(r"outperform|surpass|exceed|beat|better than|compared (to|with)|versus|\bvs\b|superior to")
MAX_SKIPPED = 6


def author_trigger(sent: Span) -> int | None:
    """Index of the proposing verb when the authors are its subject ("we propose", "this paper introduces")."""
    seen_author = False
    for token in sent:
        lower = token.lower_
        if lower in AUTHOR_WORDS:
            seen_author = True
        elif seen_author and lower.startswith(PROPOSE_STEMS):
            return token.i
    return None


def _names_after_trigger(doc: Doc, trigger: int, end: int) -> list[Span]:
    """Names that are the object of the proposing verb, with their coordinated siblings."""
    found: list[Span] = []
    skipped, j = 0, trigger + 1
    while j < end and skipped <= MAX_SKIPPED:
        token = doc[j]
        name = name_at(doc, j, allow_title=True)
        if name is not None and not is_generic(name.text):
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
        if token.is_alpha or "-" in token.text:
            if lower in STOP_WORDS or not token.text.islower() and not token.text[0].islower():
                break
            skipped += 1
            j += 1
            continue
        if token.text in {"``", '"', "“", "'"}:
            j += 1
            continue
        break
    return found


def _named_term(doc: Doc, k: int, end: int) -> Span | None:
    """The term after a naming word: a name, or a short lower-case phrase up to punctuation."""
    j = k + 1
    while j < end and (doc[j].lower_ in {"as", "it", "this", "the"} or doc[j].text in {'"', "``", "“", "'"}):
        j += 1
    if j >= end:
        return None
    name = name_at(doc, j, allow_title=True)
    if name is not None:
        return name
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
    versioned = all(is_strong_name(w) or is_title_word(w) or re.match(r"^v?\d", w) for w in words)
    if versioned and (in_abstract or any(is_strong_name(w) for w in words)):
        return prefix
    return None


def find_proposed(doc: Doc, title: str, abbreviations: list[tuple[Span, Span]]) -> tuple[list[Mention], str | None]:
    """Proposed names with evidence, and the paper's primary name (what "our method" stands for)."""
    found: list[tuple[Span, str, float]] = []
    for sent in doc.sents:
        cut = _comparison_start(sent)
        trigger = author_trigger(sent)
        if trigger is not None and trigger < cut:
            for name in _names_after_trigger(doc, trigger, cut):
                found.append((name, "propose-verb", 0.85))
            for short, long in abbreviations:
                if trigger < long.start and short.end <= cut and not is_generic(short.text):
                    found.append((long, "abbreviation", 0.75))
        for token in sent:
            if token.lower_ in NAMING_WORDS and token.i < cut:
                term = _named_term(doc, token.i, sent.end)
                if term is not None and not is_generic(term.text):
                    found.append((term, "naming-word", 0.8))
            elif token.lower_ == "our" and token.i + 1 < sent.end:
                j = token.i + 1
                if doc[j].lower_ in CATEGORY_NOUNS and j + 1 < sent.end:
                    j += 1
                name = name_at(doc, j, allow_title=j > token.i + 1)
                if name is not None and (is_strong_name(name[0].text) or j > token.i + 1):
                    found.append((name, "our-name", 0.7))

    mentions = _merge([_to_mention(doc, span, rule, conf, abbreviations) for span, rule, conf in found])
    primary = None
    prefix = title_name(title, doc.text)
    if prefix:
        start = title.find(prefix)
        evidence = Evidence(title, 0, len(title), "title")
        title_mention = Mention(prefix, "method", evidence, start, start + len(prefix), "title-prefix", 0.9)
        mentions = _merge([title_mention, *mentions])
        primary = prefix
    elif mentions:
        primary = min(mentions, key=lambda m: (m.rule == "our-name", m.evidence.start, m.start)).name
    for m in mentions:
        if _names_a_dataset(doc, m):
            m.kind = "benchmark"
    return mentions, primary


def _comparison_start(sent: Span) -> int:
    """First token of the sentence's comparison part; names after it are baselines, not proposals."""
    match = COMPARISON_CUES.search(sent.text.lower())
    if not match:
        return sent.end
    span = sent.doc.char_span(sent.start_char + match.start(), sent.start_char + match.end(), alignment_mode="expand")
    return span.start if span is not None else sent.end


def _to_mention(doc: Doc, span: Span, rule: str, confidence: float, abbreviations: list[tuple[Span, Span]]) -> Mention:
    aliases = []
    key = normalize_name(span.text)
    for short, long in abbreviations:
        if key == normalize_name(long.text) or (long.start <= span.start and span.end == long.end):
            aliases.append(clean_name(short.text))
        elif key == normalize_name(short.text):
            aliases.append(clean_name(long.text))
    return mention(span, "method", rule, confidence, sorted(set(aliases) - {clean_name(span.text)}))


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
    """A proposed name is a benchmark or dataset when it says so ("ParallelBench, the first benchmark")."""
    if re.search(r"(Bench|bench|Eval)$", m.name):
        return True
    if m.evidence.field != "abstract":
        return False
    after = doc.text[m.end:m.end + 40].lower()
    return any(word in after.split()[:5] for word in DATASET_WORDS)
