"""The who-beats-whom explorer: one self-contained HTML page, readable offline.

Methods are the nodes, sized by how many distinct methods they beat and coloured by role
(proposed by a paper in the graph, or only a baseline); all claims of one winner over one loser
are one arrow, labelled with benchmark and margin. Beside the graph: filters (benchmark,
organization, minimum confidence), a method search that focuses its neighbourhood, a side panel
with the evidence of what was clicked and a per-benchmark leaderboard. What the page shows is
computed in :mod:`kgraph.vizdata`, where it goes in :mod:`kgraph.layout`; the page itself is
``templates/explorer.html.j2`` with its script and style sheet.

pyvis assembles the vis-network items and supplies vis-network itself (its ``in_line`` assets),
but the page is rendered through our own template, because pyvis's template always links
Bootstrap from a CDN. The result references nothing outside itself and works from ``file://``.

Layout is computed in Python and shipped with physics off, so even 2,000 methods paint at once;
above :data:`LARGE_GRAPH` methods with claims the page starts from the :data:`START_METHODS` most
connected ones and the user expands from there ("Show all", "Expand neighbours").

Safety: input text reaches the page only as escaped card HTML (Jinja autoescape, see
:mod:`kgraph.vizdata`), as option text autoescaped by the template, or inside the JSON data
embedded with ``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``); the script sets names with
``textContent`` and vis-network draws labels on a canvas as text.
"""

from __future__ import annotations

import copy
import functools
import math
import os
from collections import Counter

import networkx as nx
import pyvis
from pyvis.network import Network

from kgraph.io import write_text
from kgraph.schema import PAPER_TYPE
from kgraph.viz.layout import layout
from kgraph.viz.timeline import timeline_data
from kgraph.viz.data import (
    BASELINE,
    PROPOSED,
    Arrow,
    arrows,
    beaten_counts,
    claim_card,
    claims,
    jinja_environment,
    label,
    method_card,
    method_roles,
    paper_organizations,
    paper_row,
    starting_view,
)

__all__ = ["BASELINE", "PROPOSED", "ROLE_COLORS", "build_network", "method_roles", "render_html", "write_html"]

DEFAULT_TITLE = "kgraph: who beats whom"
LARGE_GRAPH = 300  # methods with claims above which the page starts from the most connected part
START_METHODS = 80  # how many methods that starting view shows
EXPAND_METHODS = 40  # neighbours that one "Expand neighbours" adds to that view, at most
READABLE_PX = 12.5  # the smallest method name, in screen pixels, that the default view may draw

# Fill and border per role: proposed methods stand out, baselines recede.
ROLE_COLORS: dict[str, dict[str, str]] = {
    PROPOSED: {"background": "#f28e2b", "border": "#a85400"},
    BASELINE: {"background": "#c9d6e3", "border": "#5f7792"},
}
ROLE_LEGEND = {
    PROPOSED: "proposed by a paper here",
    BASELINE: "baseline only",
}
EDGE_COLOR = "#7b8794"
HIGHLIGHT_COLOR = "#d62728"

_FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
_OPTIONS: dict[str, object] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "hideEdgesOnDrag": False, "multiselect": False, "navigationButtons": False},
    "groups": {role: {"color": {**colors, "highlight": {"background": colors["background"], "border": HIGHLIGHT_COLOR},
                                "hover": {"background": colors["background"], "border": HIGHLIGHT_COLOR}}}
               for role, colors in ROLE_COLORS.items()},
    "nodes": {
        "shape": "dot",
        "borderWidth": 2,
        "borderWidthSelected": 3,
        "font": {"size": 16, "face": _FONT, "color": "#1d2733", "strokeWidth": 4, "strokeColor": "#ffffff"},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 1.0}},
        "arrowStrikethrough": False,
        "color": {"color": EDGE_COLOR, "highlight": HIGHLIGHT_COLOR, "hover": HIGHLIGHT_COLOR, "inherit": False},
        "font": {"size": 16, "face": _FONT, "color": "#3d4754", "strokeWidth": 0,
                 "background": "rgba(255, 255, 255, 0.9)", "align": "horizontal"},
        "smooth": {"enabled": False},
        "selectionWidth": 1.5,
        "hoverWidth": 1.0,
    },
}
_VIS_DIR = os.path.join(os.path.dirname(pyvis.__file__), "templates", "lib", "vis-9.1.2")


def _inline(name: str, text: str, closer: str) -> str:
    if closer in text.lower():  # would end the inline element early
        raise RuntimeError(f"{name} cannot be inlined: it contains {closer!r}")
    return text


# The page's own scripts, in the order they run: plugins first (each registers on
# window.kgPlugins; timeline.js before leaderboard.js, which reads the date it sets), explorer.js
# last (it builds the page and calls them before drawing).
SCRIPTS = ("arrange.js", "table.js", "share.js", "timeline.js", "leaderboard.js", "explorer.js")


@functools.lru_cache(maxsize=1)
def _assets() -> dict[str, object]:
    """pyvis's vis-network script and style sheet, and the explorer's own, to paste into the page."""
    def read(path: str) -> str:
        with open(path, encoding="utf-8") as handle:
            return handle.read()

    environment = jinja_environment()
    own = {name: environment.loader.get_source(environment, name)[0] for name in (*SCRIPTS, "explorer.css", "timeline.css")}
    return {
        "vis_js": _inline("vis-network.min.js", read(os.path.join(_VIS_DIR, "vis-network.min.js")), "</script"),
        "vis_css": _inline("vis-network.css", read(os.path.join(_VIS_DIR, "vis-network.css")), "</style"),
        "scripts": [_inline(name, own[name], "</script") for name in SCRIPTS],
        "explorer_css": _inline("explorer.css", own["explorer.css"], "</style"),
        "timeline_css": _inline("timeline.css", own["timeline.css"], "</style"),
    }


def _mutual(arrow_list: list[Arrow]) -> set[int]:
    """Indices of arrows whose loser also beats their winner (the pair is drawn as two curves)."""
    pairs = {(arrow.winner, arrow.loser) for arrow in arrow_list}
    return {i for i, arrow in enumerate(arrow_list) if (arrow.loser, arrow.winner) in pairs}


def node_size(beaten: int) -> float:
    """Dot radius in vis pixels: grows with the square root of the methods beaten, capped."""
    return round(10 + 5 * math.sqrt(min(beaten, 64)), 1)


def label_size(arrows: int) -> int:
    """Label font size: methods connected to many others keep a legible name when zoomed out."""
    return round(16 + 3 * math.sqrt(min(arrows, 100)))


def build_network(graph: nx.MultiDiGraph) -> Network:
    """The pyvis network: one node per method, one arrow per (winner, loser) pair of claims.

    Nodes carry their role as vis ``group`` and ``beats``; arrows carry the indices of their
    ``claims`` (in :func:`kgraph.vizdata.claims` order). Node order is the order of method ids.
    """
    roles = method_roles(graph)
    methods = sorted(roles)
    arrow_list = arrows(claims(graph))
    positions = layout(methods, [(a.winner, a.loser) for a in arrow_list], {m: label(graph, m) for m in methods})
    beats = beaten_counts(arrow_list)
    loses_to = Counter(a.loser for a in arrow_list)

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node in methods:
        x, y = positions[node]
        net.add_node(node, label=label(graph, node), group=roles[node], size=node_size(beats[node]), x=x, y=y,
                     font={"size": label_size(beats[node] + loses_to[node])}, beats=beats[node],
                     loses_to=loses_to[node])
    mutual = _mutual(arrow_list)
    for index, arrow in enumerate(arrow_list):
        # curvedCW bends to the right of travel, so the two arrows of a mutual pair part ways
        bend = {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.18}} if index in mutual else {}
        net.add_edge(arrow.winner, arrow.loser, id=f"a{index}", claims=list(arrow.claims),
                     width=round(1.6 + 0.8 * min(len(arrow.claims) - 1, 4), 1), **bend)
    net.options = copy.deepcopy(_OPTIONS)
    return net


def _choices(ids: Counter[str], graph: nx.MultiDiGraph) -> list[dict[str, object]]:
    """Filter options: id, label and claim count, by label."""
    return sorted(({"id": i, "label": label(graph, i), "count": n} for i, n in ids.items()),
                  key=lambda c: (str(c["label"]).casefold(), c["id"]))


# The slider's starting point: the claim confidence with the best F1 on the gold set (train and
# validation), as `python benchmarks/calibration.py` measures it (docs/quality.md). Lower claims
# (the paper's main name taken for "it" after "compared to" ...) are one slide away.
DEFAULT_MIN_CONFIDENCE = 0.65


def render_html(graph: nx.MultiDiGraph, title: str = DEFAULT_TITLE, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> str:
    """The whole page as a string: deterministic for a given graph, no external references; claims
    below ``min_confidence`` are hidden until the reader lowers the slider."""
    net = build_network(graph)
    roles = method_roles(graph)
    claim_list = claims(graph)
    organizations_of = paper_organizations(graph)
    paper_ids = sorted({str(data["paper"]) for *_, data in claim_list if data.get("paper")})
    paper_index = {paper: i for i, paper in enumerate(paper_ids)}
    claim_items = [{
        "winner": winner, "loser": loser, "benchmark": data.get("benchmark"),
        "organizations": organizations_of.get(data.get("paper"), []),
        "confidence": float(data.get("confidence") or 0.0), "margin": str(data.get("margin") or ""),
        "metric": label(graph, data.get("metric")), "paper": paper_index.get(str(data.get("paper"))),
    } for winner, loser, _, data in claim_list]
    benchmarks = _choices(Counter(c["benchmark"] for c in claim_items if c["benchmark"]), graph)
    organizations = _choices(Counter(o for c in claim_items for o in c["organizations"]), graph)
    start = starting_view(arrows(claim_list), LARGE_GRAPH, START_METHODS)
    counts = {
        "methods": len(net.nodes), "arrows": len(net.edges), "claims": len(claim_items),
        "papers": sum(1 for _, t in graph.nodes(data="type") if t == PAPER_TYPE),
        "unclaimed": sum(1 for n in net.nodes if not n["beats"] and not n["loses_to"]),
    }
    data = {"nodes": net.nodes, "edges": net.edges, "claims": claim_items, "options": net.options, "start": start,
            "limit": LARGE_GRAPH, "expand": EXPAND_METHODS, "benchmarks": benchmarks, "minConfidence": min_confidence,
            "papers": [paper_row(graph, p) for p in paper_ids], "readablePx": READABLE_PX,
            **timeline_data(graph, claim_list, {(e["from"], e["to"]): e["id"] for e in net.edges})}
    return jinja_environment().get_template("explorer.html.j2").render(
        page_title=title, counts=counts, data=data, start_size=len(start or []), min_confidence=min_confidence,
        roles=[{"text": ROLE_LEGEND[r], **ROLE_COLORS[r]} for r in (PROPOSED, BASELINE)], edge_color=EDGE_COLOR,
        benchmarks=benchmarks, organizations=organizations,
        method_names=sorted({str(n["label"]) for n in net.nodes}, key=str.casefold),
        method_cards=[method_card(graph, n["id"], roles[n["id"]], n["beats"], n["loses_to"]) for n in net.nodes],
        claim_cards=[claim_card(graph, claim) for claim in claim_list],
        **_assets(),
    )


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], title: str = DEFAULT_TITLE,
               min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> None:
    """Write :func:`render_html` to ``path`` atomically."""
    write_text(path, render_html(graph, title, min_confidence))
