"""An interactive "who beats whom" page: one self-contained HTML file, readable offline.

Methods are the nodes and every ``outperforms`` edge is an arrow from the winner to the loser,
labelled with its benchmark. Node colours tell a method proposed by a paper in the graph from a
method that only appears as a baseline. Tooltips carry the evidence: the sentence, its paper,
the extraction rule and its confidence.

The page is built with pyvis (``cdn_resources="in_line"``: the vis-network script and style
sheet shipped with pyvis are pasted into the page) but rendered through our own small template,
because pyvis's template always links Bootstrap from a CDN. The result references nothing
outside itself, so it works from ``file://`` without a network.

The layout is computed here (a seeded networkx spring layout) and shipped as fixed positions
with physics off, so large graphs paint at once and the same graph gives the same page.

Safety: every text taken from the input is escaped with :func:`html.escape` before it enters a
tooltip (tooltips are rendered as HTML), and the node/edge data is embedded with Jinja's
``tojson`` filter, which escapes ``<``, ``>``, ``&`` and ``'`` so that no string can close the
``<script>`` element. Node and edge labels are drawn on a canvas as plain text.
"""

from __future__ import annotations

import copy
import functools
import html
import math
import os
from collections import defaultdict
from pathlib import Path

import jinja2
import networkx as nx
import pyvis
from pyvis.network import Network

from kgraph.atomic import write_text

PROPOSED = "proposed"
BASELINE = "baseline"

# Fill and border per role: proposed methods stand out, baselines recede.
ROLE_COLORS: dict[str, dict[str, str]] = {
    PROPOSED: {"background": "#f28e2b", "border": "#a85400"},
    BASELINE: {"background": "#c9d6e3", "border": "#5f7792"},
}
ROLE_LEGEND = {
    PROPOSED: "proposed by a paper in this graph",
    BASELINE: "only compared against (baseline)",
}
EDGE_COLOR = "#7b8794"
HIGHLIGHT_COLOR = "#d62728"

LAYOUT_SEED = 7
NODE_SPACING = 170.0  # vis pixels between neighbouring methods, roughly
ASPECT = 1.6  # width / height the packed layout aims at (a landscape window)
MAX_LISTED = 6  # papers listed in a node tooltip before "and N more"

_VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"

_OPTIONS: dict[str, object] = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {
        "hover": True,
        "tooltipDelay": 120,
        "hideEdgesOnDrag": False,
        "multiselect": False,
        "navigationButtons": False,
    },
    "nodes": {
        "shape": "dot",
        "borderWidth": 2,
        "borderWidthSelected": 3,
        "font": {"size": 16, "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                 "color": "#1d2733", "strokeWidth": 4, "strokeColor": "#ffffff"},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.8}},
        "arrowStrikethrough": False,
        "color": {"color": EDGE_COLOR, "highlight": HIGHLIGHT_COLOR, "hover": HIGHLIGHT_COLOR, "inherit": False},
        "font": {"size": 13, "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                 "color": "#4a5563", "strokeWidth": 0, "background": "rgba(255, 255, 255, 0.9)",
                 "align": "horizontal"},
        "smooth": {"enabled": False},
        "selectionWidth": 1.5,
        "hoverWidth": 1.0,
    },
}

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page_title }}</title>
<style>{{ vis_css|safe }}</style>
<style>
  html, body { margin: 0; height: 100%; background: #ffffff; }
  body { display: flex; flex-direction: column; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    color: #1d2733; }
  #kg-legend { flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px;
    padding: 8px 14px; border-bottom: 1px solid #d5dbe3; background: #f7f9fb; font-size: 13px; }
  #kg-legend h1 { font-size: 15px; margin: 0; }
  #kg-legend .item { display: inline-flex; align-items: center; gap: 6px; }
  #kg-legend .dot { width: 13px; height: 13px; border-radius: 50%; border: 2px solid; flex: none; }
  #kg-legend .muted { color: #5b6675; }
  #kg-network { flex: 1 1 auto; position: relative; min-height: 0; }
  #kg-empty { position: absolute; top: 45%; width: 100%; text-align: center; color: #5b6675; }
  div.vis-tooltip { white-space: normal; max-width: 440px; font-family: inherit; font-size: 13px;
    line-height: 1.45; padding: 8px 10px; background: #ffffff; border: 1px solid #b8c2cc; border-radius: 6px;
    box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); color: #1d2733; }
  .kg-tip .head { font-weight: 600; margin-bottom: 2px; }
  .kg-tip .quote { font-style: italic; margin: 4px 0; }
  .kg-tip .meta { color: #5b6675; font-size: 12px; }
</style>
</head>
<body>
<div id="kg-legend">
  <h1>{{ page_title }}</h1>
  {% for role in roles %}<span class="item"><span class="dot" style="background: {{ role.background }}; border-color: {{ role.border }}"></span>{{ role.text }}</span>
  {% endfor %}<span class="item"><svg width="30" height="10" viewBox="0 0 30 10" aria-hidden="true"><line x1="1" y1="5" x2="22" y2="5" stroke="{{ edge_color }}" stroke-width="2"/><path d="M21 1 L29 5 L21 9 Z" fill="{{ edge_color }}"/></svg>A outperforms B, labelled with the benchmark</span>
  <span class="muted">{{ n_methods }} methods &middot; {{ n_claims }} claims &middot; {{ n_papers }} papers &middot; hover a method or an arrow for its evidence</span>
</div>
<div id="kg-network"></div>
{% if not n_methods %}<div id="kg-empty">No methods in this graph.</div>{% endif %}
<script>{{ vis_js|safe }}</script>
<script>
var nodes;
var edges;
var network;
(function () {
  // Tooltips arrive as HTML whose every input text was escaped with html.escape in Python.
  function tooltip(markup) {
    var element = document.createElement("div");
    element.className = "kg-tip";
    element.innerHTML = markup;
    return element;
  }
  var nodeItems = {{ nodes|tojson }};
  var edgeItems = {{ edges|tojson }};
  nodeItems.forEach(function (item) { if (item.title) { item.title = tooltip(item.title); } });
  edgeItems.forEach(function (item) { if (item.title) { item.title = tooltip(item.title); } });
  nodes = new vis.DataSet(nodeItems);
  edges = new vis.DataSet(edgeItems);
  network = new vis.Network(document.getElementById("kg-network"), {nodes: nodes, edges: edges}, {{ options|tojson }});
})();
</script>
</body>
</html>
"""


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_TEMPLATE)


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """pyvis's bundled vis-network script and style sheet, as its in_line mode uses them."""
    js = (_VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (_VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    for name, text, closer in (("script", js, "</script"), ("style sheet", css, "</style")):
        if closer in text.lower():  # would end the inline element early
            raise RuntimeError(f"pyvis's vis-network {name} cannot be inlined: it contains {closer!r}")
    return js, css


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _text(graph: nx.MultiDiGraph, node_id: str | None) -> str:
    """The display text of a node (its label), or its id when it has none."""
    if node_id is None:
        return ""
    data = graph.nodes[node_id] if node_id in graph else {}
    return str(data.get("label") or node_id)


def _paper_text(graph: nx.MultiDiGraph, paper_id: str) -> str:
    data = graph.nodes[paper_id] if paper_id in graph else {}
    return str(data.get("title") or data.get("label") or paper_id)


def _paper_meta(graph: nx.MultiDiGraph, paper_id: str) -> str:
    """'arXiv:2401.00001, 2024-01-02' for a paper node, escaped; '' when nothing is known."""
    data = graph.nodes[paper_id] if paper_id in graph else {}
    parts = []
    if data.get("arxiv_id"):
        parts.append(f"arXiv:{data['arxiv_id']}")
    if data.get("date"):
        parts.append(str(data["date"]))
    return _esc(", ".join(parts))


def method_roles(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Every Method node id mapped to ``"proposed"`` (some paper proposes it) or ``"baseline"``."""
    roles = {}
    for node, node_type in graph.nodes(data="type"):
        if node_type != "Method":
            continue
        proposed = any(t == "proposes" for _, _, t in graph.in_edges(node, data="type"))
        roles[node] = PROPOSED if proposed else BASELINE
    return roles


def _outperforms(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict]]:
    """The claims to draw, in a fixed order; a method "beating itself" (never built) is left out."""
    edges = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
             if d.get("type") == "outperforms" and u != v]
    return sorted(edges, key=lambda e: (e[0], e[1], str(e[2])))


def _component_layout(component: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions of one connected component, centred on 0 with a radius that grows with its size."""
    nodes = sorted(component)
    if len(nodes) == 2:
        raw = {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
    else:
        try:  # components of 500+ nodes take networkx's sparse path, which needs scipy
            raw = nx.spring_layout(component, seed=LAYOUT_SEED, iterations=100)
        except ImportError:  # dense numpy force layout: quadratic, so fewer rounds for big components
            raw = nx.forceatlas2_layout(component, seed=LAYOUT_SEED, max_iter=60 if len(nodes) <= 1000 else 30)
        raw = nx.rescale_layout_dict(raw, scale=1.0)
    radius = max(NODE_SPACING * 0.6, NODE_SPACING * 0.85 * math.sqrt(len(nodes)))
    return {n: (float(raw[n][0]) * radius, float(raw[n][1]) * radius) for n in nodes}


def _layout(methods: list[str], claims: list[tuple[str, str, str, dict]]) -> dict[str, tuple[float, float]]:
    """Seeded positions in vis pixels.

    Each connected component of the claims is laid out on its own (spring layout), then the
    components are packed in rows, largest first, into a landscape rectangle, and methods
    without any claim fill a grid at the bottom: one spring layout of the whole graph would
    fling small components to the rim and leave the middle crowded.
    """
    skeleton = nx.Graph()
    skeleton.add_nodes_from(methods)
    skeleton.add_edges_from((u, v) for u, v, _, _ in claims)
    components = sorted((sorted(c) for c in nx.connected_components(skeleton) if len(c) > 1),
                        key=lambda c: (-len(c), c[0]))
    isolated = sorted(n for n in methods if skeleton.degree(n) == 0)

    margin_x, margin_y = NODE_SPACING * 0.8, NODE_SPACING * 0.5
    cell_x, cell_y = NODE_SPACING * 1.1, NODE_SPACING * 0.5
    blocks = []  # (positions, left, top, width, height)
    for component in components:
        part = nx.Graph()  # a fresh graph in sorted order: subgraph views iterate in hash order
        part.add_nodes_from(component)
        part.add_edges_from(sorted(tuple(sorted(e)) for e in skeleton.subgraph(component).edges))
        block = _component_layout(part)
        xs = [p[0] for p in block.values()]
        ys = [p[1] for p in block.values()]
        blocks.append((block, min(xs), min(ys), max(xs) - min(xs) + margin_x, max(ys) - min(ys) + margin_y))
    area = sum(w * h for *_, w, h in blocks) + len(isolated) * cell_x * cell_y
    row_width = max([math.sqrt(area * ASPECT)] + [w for *_, w, _ in blocks])

    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for block, left, top, width, height in blocks:
        if x > 0 and x + width > row_width * 1.05:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in block.items():
            positions[node] = (round(px - left + x, 1), round(py - top + y, 1))
        x += width
        row_height = max(row_height, height)
    y += row_height
    columns = max(1, int(row_width // cell_x))
    for i, node in enumerate(isolated):
        positions[node] = (round((i % columns) * cell_x, 1), round(y + (i // columns) * cell_y, 1))
    return positions


def _node_title(graph: nx.MultiDiGraph, node: str, role: str, wins: int, losses: int) -> str:
    data = graph.nodes[node]
    label = _text(graph, node)
    lines = [f'<div class="head">{_esc(label)}</div>']
    aliases = sorted({str(a) for a in data.get("aliases") or [] if str(a) != label})
    if aliases:
        lines.append(f"<div>Also called: {_esc(', '.join(aliases))}</div>")
    papers = sorted({u for u, _, t in graph.in_edges(node, data="type") if t == "proposes"})
    if papers:
        listed = [f"<i>{_esc(_paper_text(graph, p))}</i>" for p in papers[:MAX_LISTED]]
        more = f" and {len(papers) - MAX_LISTED} more" if len(papers) > MAX_LISTED else ""
        lines.append(f"<div>Proposed in: {'; '.join(listed)}{more}</div>")
    else:
        lines.append("<div>Not proposed by any paper in this graph (baseline only).</div>")
    lines.append(f'<div class="meta">{ROLE_LEGEND[role].capitalize()} &middot; wins {wins} &middot; losses {losses}</div>')
    return "".join(lines)


def _edge_title(graph: nx.MultiDiGraph, winner: str, loser: str, data: dict) -> str:
    head = f"<b>{_esc(_text(graph, winner))}</b> outperforms <b>{_esc(_text(graph, loser))}</b>"
    if data.get("benchmark"):
        head += f" on <b>{_esc(_text(graph, data['benchmark']))}</b>"
    details = []
    if data.get("metric"):
        details.append(_esc(_text(graph, data["metric"])))
    if data.get("margin"):
        details.append(f"margin {_esc(data['margin'])}")
    if details:
        head += f" ({', '.join(details)})"
    lines = [f'<div class="head">{head}</div>']
    if data.get("evidence"):
        lines.append(f'<div class="quote">&ldquo;{_esc(data["evidence"])}&rdquo;</div>')
    paper = data.get("paper")
    if paper:
        meta = _paper_meta(graph, paper)
        lines.append(f"<div>&mdash; <i>{_esc(_paper_text(graph, paper))}</i>{f' ({meta})' if meta else ''}</div>")
    facts = []
    if data.get("rule"):
        facts.append(f"rule {_esc(data['rule'])}")
    if data.get("confidence") is not None:
        facts.append(f"confidence {_esc(data['confidence'])}")
    if facts:
        lines.append(f'<div class="meta">{" &middot; ".join(facts)}</div>')
    return "".join(lines)


def _curves(claims: list[tuple[str, str, str, dict]]) -> list[dict[str, object]]:
    """Separate arrows that share a pair of methods (either direction) by bending them apart."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (u, v, _, _) in enumerate(claims):
        groups[(min(u, v), max(u, v))].append(index)
    smooth: list[dict[str, object]] = [{"enabled": False}] * len(claims)
    for (low, _), indices in groups.items():
        if len(indices) == 1:
            continue
        # Signed bends in the frame low -> high: 0 (straight) when the count is odd, then +-1, +-2 ...
        steps = [0] if len(indices) % 2 else []
        step = 1
        while len(steps) < len(indices):
            steps += [step, -step]
            step += 1
        for index, bend in zip(indices, steps):
            if bend == 0:
                continue
            clockwise = bend > 0 if claims[index][0] == low else bend < 0
            smooth[index] = {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW",
                             "roundness": round(0.18 * abs(bend), 2)}
    return smooth


def build_network(graph: nx.MultiDiGraph) -> Network:
    """The pyvis network of methods (nodes) and outperforms claims (arrows winner -> loser)."""
    roles = method_roles(graph)
    methods = sorted(roles)
    claims = _outperforms(graph)
    positions = _layout(methods, claims)
    wins: dict[str, int] = defaultdict(int)
    losses: dict[str, int] = defaultdict(int)
    for u, v, _, _ in claims:
        wins[u] += 1
        losses[v] += 1

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line",
                  select_menu=False, filter_menu=False, neighborhood_highlight=False)
    for node in methods:
        role = roles[node]
        x, y = positions[node]
        net.add_node(
            node,
            label=_text(graph, node) or node,
            color={**ROLE_COLORS[role],
                   "highlight": {"background": ROLE_COLORS[role]["background"], "border": HIGHLIGHT_COLOR},
                   "hover": {"background": ROLE_COLORS[role]["background"], "border": HIGHLIGHT_COLOR}},
            title=_node_title(graph, node, role, wins[node], losses[node]),
            size=round(12 + 5 * math.sqrt(wins[node]), 1),
            x=x, y=y, physics=False, role=role,
        )
    for (u, v, key, data), smooth in zip(claims, _curves(claims)):
        benchmark = data.get("benchmark")
        net.add_edge(
            u, v,
            id=f"{u}->{v}|{key}",
            label=_text(graph, benchmark) if benchmark else "",
            title=_edge_title(graph, u, v, data),
            arrows="to",
            width=round(1 + 2 * float(data.get("confidence") or 0), 2),
            smooth=smooth,
        )
    net.options = copy.deepcopy(_OPTIONS)
    return net


def render_html(graph: nx.MultiDiGraph, title: str = "kgraph: who beats whom") -> str:
    """The whole page as a string: deterministic for a given graph, no external references."""
    net = build_network(graph)
    js, css = _vis_assets()
    counts = defaultdict(int)
    for _, node_type in graph.nodes(data="type"):
        counts[node_type] += 1
    roles = [{"text": ROLE_LEGEND[r], **ROLE_COLORS[r]} for r in (PROPOSED, BASELINE)]
    return _template().render(
        page_title=title, vis_js=js, vis_css=css, nodes=net.nodes, edges=net.edges, options=net.options,
        roles=roles, edge_color=EDGE_COLOR, n_methods=len(net.nodes), n_claims=len(net.edges),
        n_papers=counts["Paper"],
    )


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], title: str = "kgraph: who beats whom") -> None:
    """Write :func:`render_html` to ``path`` atomically."""
    write_text(path, render_html(graph, title))
