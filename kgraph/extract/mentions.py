"""Benchmarks, metrics and organizations a paper names.

Benchmarks come from the curated vocabulary, from evaluation contexts ("experiments on X, Y and
Z datasets"), and from names shaped like benchmarks (MT-Bench, TextVQA, EvalPlus). Metrics come
from the vocabulary. Organizations come from the vocabulary, from institutional suffixes
("... University", "... Research"), from the owners of code addresses (github.com/<org>,
known research domains; personal accounts left out) and from the listing itself.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlparse

from spacy.tokens import Doc, Span, Token

from kgraph.extract.evidence import clean_name, mention, sentence_of, sentences
from kgraph.extract.names import is_generic, is_strong_name, name_at
from kgraph.extract.rules import pattern, rule, words
from kgraph.extract.vocabulary import Term, families, load
from kgraph.model import Mention, normalize_name

EVAL_CUES = pattern("evaluation_cues")
LIST_PREPOSITIONS = words("list_prepositions")
LIST_OPENERS = words("list_openers")
DATASET_WORDS = words("dataset_words")
MODEL_SHAPE = pattern("model_shape")
BENCHMARK_SHAPE = pattern("benchmark_shape")
SPLIT_NAME = pattern("split_name", re.IGNORECASE)
INSTITUTION_SUFFIXES = words("institution_suffixes")
CODE_HOSTS = words("code_hosts")
NON_OWNER_SEGMENTS = words("non_owner_segments")
ORG_WORDS = words("org_words")
RESULT_CONTEXT = pattern("result_context")
COMMON_METRICS = words("common_metrics")
METRIC_WINDOW = 4  # tokens either side of a common-word metric that may report a result on it
RESOLUTION = pattern("resolution")
VERSION_SUFFIX = re.compile(r"^v\d+(\.\d+)*$")  # "ScanNet v2", "LVIS v1.0": a version of the benchmark
MODEL_NOUNS = words("group_nouns") | words("model_nouns")  # "GQA models": a kind of model, not the benchmark


def find_metrics(doc: Doc) -> list[Mention]:
    """Vocabulary metrics. A lower-case one ("latency") counts only in a sentence that reports results,
    and a common word ("memory", "parameters") only where a result is reported on it, a few words
    around it ("40% less memory", "reduces memory by 2x"; not "with 7B parameters")."""
    return _dedupe(
        mention(span, "metric", rule("metrics", "vocabulary"), _pref_alias(span), family=families().get(span.label_))
        for span in doc.spans["metric"]
        if not span.label_.islower() or RESULT_CONTEXT.search(
            (_around(span, METRIC_WINDOW) if span.label_ in COMMON_METRICS else sentence_of(span)).text.lower())
    )


def _around(span: Span, width: int) -> Span:
    sent = sentence_of(span)
    return span.doc[max(sent.start, span.start - width):min(sent.end, span.end + width)]


def _pref_alias(span: Span) -> list[str]:
    return [span.label_] if normalize_name(span.label_) != normalize_name(span.text) else []


def find_benchmarks(doc: Doc, exclude: set[str]) -> list[Mention]:
    """Benchmarks named in the abstract; ``exclude`` holds normalised names known to be methods.

    Short vocabulary labels ("GQA", "MATH") are ambiguous and count only in evaluation sentences, and
    never before a kind of model ("GQA models"). A resolution written after a label belongs to it
    ("ImageNet 256x256": a variant of ImageNet).
    """
    labels = [(_with_suffix(span), span) for span in doc.spans["benchmark"]]
    found = [_variant_mention(span, label) for span, label in labels
             if len(label.text) > 4 or (EVAL_CUES.search(sentence_of(label).text.lower())
                                        or _in_opening_list(doc, label, sentence_of(label)))
             and not (label.end < len(doc) and doc[label.end].lower_ in MODEL_NOUNS)]
    taken = {i for span in [*(span for span, _ in labels), *doc.spans["model"], *doc.spans["organization"]]
             for i in range(span.start, span.end)}
    metric_keys = {normalize_name(s.text) for s in doc.spans["metric"]}
    for sent in sentences(doc):
        named = any(sent.start_char <= m.start < sent.end_char for m in found)
        found += _named_in_sentence(doc, sent, taken, exclude | metric_keys, named)
    return _dedupe(found)


def _named_in_sentence(doc: Doc, sent: Span, taken: set[int], not_benchmarks: set[str], named: bool) -> list[Mention]:
    """Benchmarks of one sentence found by their shape or context; ``named`` says whether the vocabulary
    found one there, which vouches for plain words in the same list ("On Gowalla, Yelp2018 and X")."""
    # "On X, Y and Z, FooNet achieves ...": a sentence that opens with a list of where is an evaluation
    cued = EVAL_CUES.search(sent.text.lower()) is not None or doc[sent.start].lower_ in LIST_PREPOSITIONS
    found, weak = [], []
    i = sent.start
    while i < sent.end:
        name = name_at(doc, i, allow_title=True)
        if name is None or i in taken:
            i += 1
            continue
        if normalize_name(name.text) in not_benchmarks or is_generic(name.text) or SPLIT_NAME.match(name.text):
            i = name.end
            continue
        after = doc[name.end].lower_ if name.end < sent.end else ""
        before = doc[name.start - 1].lower_ if name.start > sent.start else ""
        found_by = None
        opener = _list_opener(doc, name, sent)  # one walk back serves both kinds of list
        listed = cued and opener is not None
        if BENCHMARK_SHAPE.search(name.text) and is_strong_name(name[0].text):
            found_by = "benchmark-shape"
        elif after in DATASET_WORDS and (is_strong_name(name[0].text) or len(name) > 1):
            found_by = "dataset-word"
        elif listed and (is_strong_name(name[0].text) or (DATASET_WORDS | {"tasks"}) & {t.lower_ for t in sent}):
            found_by = "evaluation-list"
        if before not in {"our", "the proposed"} and not MODEL_SHAPE.search(name.text):
            if found_by is not None:
                found.append(mention(name, "benchmark", rule("benchmarks", found_by)))
            elif opener == sent.start and RESULT_CONTEXT.search(sent.text.lower()):  # "On Nordland, it improves ..."
                found.append(mention(name, "benchmark", rule("benchmarks", "evaluation-list")))
            elif listed and name.start - 1 not in taken:  # not the rest of a known name ("LSUN Bedroom")
                weak.append(name)
        i = name.end
    if named or found:  # a list of places with one known benchmark in it: its plain words are benchmarks too
        found += [mention(name, "benchmark", rule("benchmarks", "evaluation-list")) for name in weak]
    return sorted(found, key=lambda m: m.start)


def _variant_mention(span: Span, label: Span) -> Mention:
    """A vocabulary benchmark with its alias and family. For a resolution or version written after a label, the
    alias is the variant's concept if the vocabulary has it ("ImageNet 256times256" is "ImageNet
    256x256") and the family is that concept's, else the label's own ("ImageNet")."""
    found_by = rule("benchmarks", "vocabulary")
    if span is label:
        return mention(span, "benchmark", found_by, _pref_alias(label), family=families().get(label.label_))
    resolution = RESOLUTION.match(span[-1].text)
    suffix = "{}x{}".format(*resolution.groups()[::2]) if resolution else span[-1].text
    variant = _benchmark_labels().get(normalize_name(f"{label.label_} {suffix}"))
    family = families().get(variant, label.label_) if variant else label.label_
    return mention(span, "benchmark", found_by, [variant] if variant else [], family=family)


@functools.cache
def _benchmark_labels() -> dict[str, str]:
    return {normalize_name(t.label): t.pref_label for t in load("benchmarks")}


def _with_suffix(span: Span) -> Span:
    """A label with the resolution or version written after it: "ImageNet 256x256", "ScanNet v2"."""
    doc = span.doc
    if span.end < len(doc) and span[-1].whitespace_ and \
            (RESOLUTION.match(doc[span.end].text) or VERSION_SUFFIX.match(doc[span.end].text)):
        return doc[span.start:span.end + 1]
    return span


def _in_opening_list(doc: Doc, name: Span, sent: Span) -> bool:
    """Is the name in the list of where that opens its sentence ("On XSum, EntRL improves ...")?"""
    return _list_opener(doc, name, sent) == sent.start


def _list_opener(doc: Doc, name: Span, sent: Span) -> int | None:
    """Where the preposition ("on FineGym, Diving48 and NTU 60") or opener ("datasets such as") of the
    evaluation list holding the name stands, else None.

    A name after a comma and before a verb is the subject of a new clause ("On X, RTD outperforms Y"),
    not a list item; after "and" it ends the list ("on X, Y and Z show ...").
    """
    last_item = name.start > sent.start and doc[name.start - 1].lower_ in {"and", "or"}
    if name.end < sent.end and doc[name.end].is_lower \
            and doc[name.end].lower_ not in DATASET_WORDS | {"and", "or", "tasks"} and not last_item:
        return None
    j = name.start - 1
    while j >= sent.start:
        text = doc[j].lower_
        if text in LIST_PREPOSITIONS or (text in LIST_OPENERS and _after_dataset_word(doc, j, sent)):
            return j
        if text in {",", "and", "the", "&", "(", "both", "such", "e.g.", "including"} or name_at(doc, j, True) is not None:
            j -= 1
            continue
        if j > sent.start and doc[j - 1].i >= sent.start and name_at(doc, j, True) is None and doc[j].is_digit:
            j -= 1
            continue
        if j > sent.start and doc[j - 1].lower_ == "the" and doc[j].is_lower:  # "on the held-out X", "on the challenging X"
            j -= 1
            continue
        return None
    return None


def _after_dataset_word(doc: Doc, j: int, sent: Span) -> bool:
    """Does a dataset word stand right before token ``j`` (commas aside): "benchmarks (X", "benchmarks, e.g., X"?"""
    k = j - 1
    while k > sent.start and doc[k].text == ",":
        k -= 1
    return k >= sent.start and doc[k].lower_ in DATASET_WORDS | {"tasks", "such"}


def find_organizations(doc: Doc) -> list[Mention]:
    found = [mention(span, "organization", rule("organizations", "vocabulary"), _pref_alias(span))
             for span in doc.spans["organization"]]
    for sent in sentences(doc):
        for token in sent:
            if token.text in INSTITUTION_SUFFIXES and token.i > sent.start:
                span = _institution_span(doc, token.i, sent)
                if span is not None:
                    found.append(mention(span, "organization", rule("organizations", "institution-suffix")))
    found.extend(_url_owners(doc))
    return _dedupe(found)


def _institution_span(doc: Doc, i: int, sent: Span) -> Span | None:
    """Capitalised words ending in an institutional suffix, or "University of X"."""
    start = i
    while start > sent.start and (doc[start - 1].text[:1].isupper() or doc[start - 1].text in {"'s"}) \
            and not doc[start - 1].is_sent_start and doc[start - 1].lower_ not in {"the", "we", "our"}:
        start -= 1
    end = i + 1
    if doc[i].text in {"University", "Institute", "Academy", "College"} and end + 1 < sent.end and doc[end].lower_ == "of":
        end += 2
        while end < sent.end and doc[end].text[:1].isupper():
            end += 1
    if end - start < 2:
        return None
    return doc[start:end]


def _url_owners(doc: Doc) -> list[Mention]:
    """Organizations that own the code or project addresses in the text."""
    domains, handles = _organization_addresses()
    found = []
    for token in doc:
        if not token.like_url:
            continue
        url = token.text if "://" in token.text else f"https://{token.text}"
        parsed = urlparse(url)
        host = (parsed.hostname or "").removeprefix("www.")
        domain = next((t for t in domains if host == t.label or host.endswith("." + t.label)), None)
        if domain is not None:
            found.append(_owner_mention(token, host, [domain.pref_label], "research-domain"))
            continue
        if host not in CODE_HOSTS:
            continue
        segments = [s for s in parsed.path.split("/") if s]
        while segments and segments[0] in NON_OWNER_SEGMENTS:
            segments.pop(0)
        if not segments:
            continue
        owner = segments[0]
        pref = handles.get(owner.casefold())
        if pref is not None or _looks_like_organization(owner):
            found.append(_owner_mention(token, owner, [pref] if pref and pref != owner else [], "code-owner"))
    return found


@functools.cache
def _organization_addresses() -> tuple[list[Term], dict[str, str]]:
    """Research domains (aka.ms) and code-host account names (huawei-noah) of known organizations."""
    terms = load("organizations")
    return [t for t in terms if "." in t.label], {t.label.casefold(): t.pref_label for t in terms}


def _owner_mention(token: Token, name: str, aliases: list[str], found_by: str) -> Mention:
    """The owner's part of the address, with its own offsets so the evidence points at it exactly."""
    start = token.idx + token.text.index(name)
    span = token.doc.char_span(token.idx, token.idx + len(token.text))
    found = mention(span, "organization", rule("organizations", found_by), aliases)
    found.name, found.start, found.end = name, start, start + len(name)
    return found


def _looks_like_organization(handle: str) -> bool:
    """Personal accounts (jdoe123, HongYan1123) are left out; lab- and company-like handles are kept."""
    if re.search(r"\d{2,}$", handle):
        return False
    words = {w.lower() for w in re.split(r"[-_.]|(?<=[a-z])(?=[A-Z])", handle) if w}
    return bool(words & ORG_WORDS) or any(w.endswith(("lab", "labs", "ai", "research")) for w in words)


def _dedupe(mentions) -> list[Mention]:
    """First mention of each name wins (earliest evidence)."""
    seen: dict[str, Mention] = {}
    for m in mentions:
        key = normalize_name(clean_name(m.name))
        if key and key not in seen:
            seen[key] = m
    return list(seen.values())
