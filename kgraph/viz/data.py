"""What the explorer page shows, as plain data: methods, arrows, claims and their evidence cards.

Every ``outperforms`` edge of the graph is a *claim*. The claims of one winner over one loser
(several papers, benchmarks or metrics) are merged into one *arrow*, whose tooltip lists them
all. Methods carry their role (proposed by a paper in the graph, or only a baseline) and how
many distinct methods they beat.

Cards (what tooltips and the side panel show of a claim or a method) are plain data here; the
page renders them with the Jinja macros of ``templates/cards.html.j2``, autoescaped, so every
text taken from the input is escaped and the only markup is the template's own. The evidence
sentence comes cut into pieces at the winner's and loser's names (found by their offsets in the
sentence), which the template wraps in ``<mark>``. Links are made only from http(s) URLs.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import jinja2
import networkx as nx

from kgraph.schema import NODE_TYPES

PROPOSED = "proposed"
BASELINE = "baseline"
MAX_LISTED = 6  # papers listed in a method card before "and N more"
MAX_HIGHLIGHTED_NAMES = 24  # surface forms searched per method in a sentence
CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})

Claim = tuple[str, str, str, dict]  # (winner, loser, edge key, edge data)


@dataclass(frozen=True)
class Arrow:
    """All claims that ``winner`` beats ``loser``, as indices into the list of claims."""

    winner: str
    loser: str
    claims: tuple[int, ...]


@functools.lru_cache(maxsize=1)
def jinja_environment() -> jinja2.Environment:
    """The environment of the page and card templates (package data), autoescaping everything."""
    return jinja2.Environment(loader=jinja2.PackageLoader("kgraph.viz", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def label(graph: nx.MultiDiGraph, node_id: str | None) -> str:
    """The display text of a node (its label), or its id when it has none."""
    if node_id is None:
        return ""
    data = graph.nodes[node_id] if node_id in graph else {}
    return str(data.get("label") or node_id)


def method_roles(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Every Method node id mapped to ``"proposed"`` (some paper proposes it) or ``"baseline"``."""
    roles = {}
    for node, node_type in graph.nodes(data="type"):
        if node_type != NODE_TYPES["method"]:
            continue
        proposed = any(t == "proposes" for _, _, t in graph.in_edges(node, data="type"))
        roles[node] = PROPOSED if proposed else BASELINE
    return roles


def claims(graph: nx.MultiDiGraph) -> list[Claim]:
    """The outperforms edges in a fixed order; a method "beating itself" (never built) is left out."""
    edges = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
             if d.get("type") == "outperforms" and u != v]
    return sorted(edges, key=lambda e: (e[0], e[1], str(e[2])))


def arrows(claim_list: list[Claim]) -> list[Arrow]:
    """One arrow per (winner, loser) pair, in the order of the claims (which are sorted by pair)."""
    merged: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (winner, loser, _, _) in enumerate(claim_list):
        merged[(winner, loser)].append(index)
    return [Arrow(winner, loser, tuple(indices)) for (winner, loser), indices in merged.items()]


def beaten_counts(arrow_list: list[Arrow]) -> Counter[str]:
    """How many distinct methods each method beats (one arrow per beaten method)."""
    return Counter(arrow.winner for arrow in arrow_list)


def paper_url(data: dict) -> str | None:
    """The paper's source: its arXiv page when the id is known, else its own URL if http(s)."""
    if data.get("arxiv_id"):
        return f"https://arxiv.org/abs/{quote(str(data['arxiv_id']), safe='./')}"
    return _http(data.get("url"))


def _http(url: object) -> str | None:
    """``url`` when it is an absolute http(s) address (never javascript:, data: or relative)."""
    text = str(url or "")
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def search_link(title: str) -> dict[str, str]:
    """Where a paper without a known source is looked up by its title (Daily Papers text has no ids)."""
    return {"text": "search arXiv by title", "url": f"https://arxiv.org/search/?searchtype=title&query={quote(title)}"}


def paper_links(data: dict) -> list[dict[str, str]]:
    """The links a reader can follow from a paper: its source or a title search, then the code and
    project pages its abstract gave (``code`` for a repository host, else the site's name)."""
    source = paper_url(data)
    links = [{"text": "arXiv" if data.get("arxiv_id") else "paper", "url": source} if source else
             search_link(str(data.get("title") or data.get("label") or ""))]
    for url in dict.fromkeys(filter(None, map(_http, data.get("urls") or []))):
        if url != source:
            host = urlsplit(url).netloc.lower().removeprefix("www.")
            links.append({"text": "code" if host in CODE_HOSTS else host, "url": url})
    return links


def _paper(graph: nx.MultiDiGraph, paper_id: str | None) -> dict[str, object]:
    """What a card says about a paper: title, the link of the title (its source, else a title search),
    'arXiv:id, date', and the code and project links."""
    data = graph.nodes[paper_id] if paper_id in graph else {}
    meta = [f"arXiv:{data['arxiv_id']}" if data.get("arxiv_id") else "", str(data.get("date") or "")]
    title, *more = paper_links(data)
    return {"title": str(data.get("title") or data.get("label") or paper_id or ""), "url": title["url"],
            "search": paper_url(data) is None, "meta": ", ".join(m for m in meta if m), "links": more}


def paper_row(graph: nx.MultiDiGraph, paper_id: str) -> dict[str, str]:
    """What the claims table shows of a paper: title, date and the one link of its title."""
    data = graph.nodes[paper_id] if paper_id in graph else {}
    title = str(data.get("title") or data.get("label") or paper_id)
    return {"title": title, "date": str(data.get("date") or ""), "url": paper_links(data)[0]["url"]}


def surface_forms(graph: nx.MultiDiGraph, node_id: str) -> list[str]:
    """A method's label and aliases, longest first (how it may be written in a sentence)."""
    data = graph.nodes[node_id]
    names = {str(data.get("label") or "")} | {str(a) for a in data.get("aliases") or []}
    return sorted((n for n in names if n.strip()), key=lambda n: (-len(n), n))[:MAX_HIGHLIGHTED_NAMES]


@functools.lru_cache(maxsize=8192)
def _names_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern for the forms (longest first), not inside a longer name."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])", re.IGNORECASE)


def name_spans(sentence: str, names: dict[str, list[str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, kind)`` offsets of the names found in ``sentence``.

    ``names`` maps a kind (``"winner"``, ``"loser"``) to surface forms, longest first. Matching
    ignores case and needs a character other than a letter, digit, ``_`` or ``-`` (or the edge of
    the text) on both sides, so "FN" is not found in "FN-2"; longer names win overlaps.
    """
    found = [(m.start(), m.end(), kind) for kind, forms in names.items() if forms
             for m in _names_pattern(tuple(forms)).finditer(sentence)]
    spans: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(end <= s or start >= e for s, e, _ in spans):
            spans.append((start, end, kind))
    return sorted(spans)


def pieces(sentence: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """``sentence`` cut at the spans: ``(text, kind)`` for a name, ``(text, None)`` between names."""
    cut: list[tuple[str, str | None]] = []
    position = 0
    for start, end, kind in spans:
        cut += [(sentence[position:start], None), (sentence[start:end], kind)]
        position = end
    cut.append((sentence[position:], None))
    return [(text, kind) for text, kind in cut if text]


def claim_card(graph: nx.MultiDiGraph, claim: Claim) -> dict[str, object]:
    """What the card of one claim shows: who beats whom, the evidence cut at the names, the paper, the numbers."""
    winner, loser, _, data = claim
    sentence = str(data.get("evidence") or "")
    spans = name_spans(sentence, {"winner": surface_forms(graph, winner), "loser": surface_forms(graph, loser)})
    confidence = data.get("confidence")
    return {
        "winner": label(graph, winner), "loser": label(graph, loser), "benchmark": label(graph, data.get("benchmark")),
        "metric": label(graph, data.get("metric")), "margin": str(data.get("margin") or ""),
        "confidence": "" if confidence is None else f"{float(confidence):.2f}", "rule": str(data.get("rule") or ""),
        "evidence": pieces(sentence, spans), "paper": _paper(graph, data.get("paper")),
    }


def method_card(graph: nx.MultiDiGraph, node: str, role: str, beats: int, loses_to: int) -> dict[str, object]:
    """What the card of a method shows: its names, role, record and the papers that propose it."""
    name = label(graph, node)
    aliases = sorted({str(a) for a in graph.nodes[node].get("aliases") or [] if str(a) != name})
    papers = sorted({u for u, _, t in graph.in_edges(node, data="type") if t == "proposes"})
    return {"name": name, "aliases": aliases, "role": role, "beats": beats, "loses_to": loses_to,
            "papers": [_paper(graph, p) for p in papers[:MAX_LISTED]], "more": max(0, len(papers) - MAX_LISTED)}


def paper_organizations(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Every paper id mapped to the organization ids it mentions (sorted)."""
    found: dict[str, list[str]] = defaultdict(list)
    for paper, organization, edge_type in graph.edges(data="type"):
        if edge_type == "mentions_organization":
            found[paper].append(organization)
    return {paper: sorted(set(orgs)) for paper, orgs in found.items()}


def starting_view(arrow_list: list[Arrow], threshold: int, size: int) -> list[str] | None:
    """The most connected part to show first when more than ``threshold`` methods have claims.

    None when the graph is small enough to show whole. Otherwise ``size`` methods grown
    greedily from the method with the most distinct neighbours: each step adds the method with
    the most arrows into the part so far (then the most neighbours, then the smallest id), so the
    part is connected and dense, and the same graph always starts from the same view. (The
    methods with the most neighbours alone would be popular baselines that rarely meet.)
    """
    neighbours: dict[str, set[str]] = defaultdict(set)
    for arrow in arrow_list:
        neighbours[arrow.winner].add(arrow.loser)
        neighbours[arrow.loser].add(arrow.winner)
    if len(neighbours) <= threshold:
        return None

    def rank(node: str) -> tuple[int, int, str]:
        return (-links[node], -len(neighbours[node]), node)

    part: set[str] = set()
    links: Counter[str] = Counter()  # arrows from a candidate into the part
    candidates = {min(neighbours, key=lambda n: (-len(neighbours[n]), n))}
    while candidates and len(part) < size:
        best = min(candidates, key=rank)
        candidates.discard(best)
        part.add(best)
        for other in neighbours[best] - part:
            links[other] += 1
            candidates.add(other)
    return sorted(part)
