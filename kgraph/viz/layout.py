"""Fixed positions for the methods of the explorer page, computed once in Python.

The page ships these positions with vis-network's physics off, so it paints at once whatever the
size of the graph, and the same graph always gives the same picture.

Each connected component is laid out on its own with a seeded Fruchterman-Reingold force layout,
vectorised with numpy (networkx's own spring layout loops in Python per node above 500 nodes and
takes tens of seconds on 2,000), then the components are packed in rows, largest first, into the
landscape rectangle that a wide window shows largest; methods without any claim fill a grid
below them. One layout of the whole
graph would fling the small components to the rim and crowd the middle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np

SEED = 7
NODE_SPACING = 170.0  # vis pixels between neighbouring methods, roughly
ASPECT = 1.6  # width / height the packing aims at (a landscape window)
ITERATIONS = 60
ROW_CANDIDATES = 24  # row widths tried when packing the components
CHUNK = 1024  # rows of the pairwise repulsion computed at once (bounds memory on big components)
LABEL_CHAR_WIDTH = 8.5  # vis pixels per character of a node label (16 px sans-serif), roughly

Point = tuple[float, float]
Block = tuple[dict[str, Point], float, float, float, float]  # positions, left, top, width, height


def force_layout(nodes: list[str], edges: Iterable[tuple[str, str]], seed: int = SEED,
                 iterations: int = ITERATIONS) -> np.ndarray:
    """Fruchterman-Reingold positions (one row per node, in ``nodes`` order), in about [0, 1]^2."""
    count = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in edges], dtype=np.int64).reshape(-1, 2)
    rows, cols = pairs[:, 0], pairs[:, 1]
    position = np.random.default_rng(seed).random((count, 2), dtype=np.float32)
    x, y = position[:, 0].copy(), position[:, 1].copy()
    k2 = np.float32(1.0 / count)  # the optimal distance k = sqrt(area / n), squared
    k = np.sqrt(k2)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        fx = np.empty(count, dtype=np.float32)
        fy = np.empty(count, dtype=np.float32)
        for start in range(0, count, CHUNK):  # repulsion k^2 / d between every pair
            dx = x[start:start + CHUNK, None] - x[None, :]
            dy = y[start:start + CHUNK, None] - y[None, :]
            weight = dx * dx + dy * dy
            np.maximum(weight, 1e-6, out=weight)
            np.divide(k2, weight, out=weight)
            fx[start:start + CHUNK] = (dx * weight).sum(axis=1)
            fy[start:start + CHUNK] = (dy * weight).sum(axis=1)
        ex, ey = x[rows] - x[cols], y[rows] - y[cols]  # attraction d^2 / k along every edge
        pull = np.sqrt(ex * ex + ey * ey) / k
        fx += np.bincount(cols, ex * pull, count) - np.bincount(rows, ex * pull, count)
        fy += np.bincount(cols, ey * pull, count) - np.bincount(rows, ey * pull, count)
        length = np.maximum(np.sqrt(fx * fx + fy * fy), 1e-9)
        step = np.minimum(length, temperature) / length  # move at most `temperature`
        x += fx * step
        y += fy * step
        temperature -= cooling
    return np.column_stack([x, y]).astype(np.float64)


def _component_positions(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, Point]:
    """Positions of one connected component, centred on 0 with a radius that grows with its size."""
    if len(nodes) == 2:
        raw = np.array([(-1.0, 0.0), (1.0, 0.0)])
    else:
        raw = nx.rescale_layout(force_layout(nodes, edges), scale=1.0)
    radius = max(NODE_SPACING * 0.6, NODE_SPACING * 0.85 * math.sqrt(len(nodes)))
    return {node: (float(px) * radius, float(py) * radius) for node, (px, py) in zip(nodes, raw)}


def layout(methods: list[str], pairs: Iterable[tuple[str, str]], labels: Mapping[str, str] | None = None,
           ) -> dict[str, Point]:
    """Seeded positions in vis pixels for ``methods``, given the (winner, loser) pairs drawn.

    ``labels`` (the text drawn under each method) widen the room a component takes in the
    packing, so that long names of neighbouring components do not run into each other.
    """
    labels = labels or {}

    def half_width(node: str) -> float:
        return LABEL_CHAR_WIDTH * len(labels.get(node, "")) / 2

    skeleton = nx.Graph()
    skeleton.add_nodes_from(methods)
    skeleton.add_edges_from((u, v) for u, v in pairs if u != v)
    components = sorted((sorted(c) for c in nx.connected_components(skeleton) if len(c) > 1),
                        key=lambda c: (-len(c), c[0]))
    isolated = sorted(n for n in methods if skeleton.degree(n) == 0)

    margin_x, margin_y = NODE_SPACING * 0.4, NODE_SPACING * 0.5
    blocks: list[Block] = []
    for component in components:
        edges = sorted(tuple(sorted(e)) for e in skeleton.edges(component))  # a component's edges, not in hash order
        block = _component_positions(component, edges)
        left = min(px - half_width(n) for n, (px, _) in block.items())
        right = max(px + half_width(n) for n, (px, _) in block.items())
        ys = [p[1] for p in block.values()]
        blocks.append((block, left, min(ys), right - left + margin_x, max(ys) - min(ys) + margin_y))

    total = sum(b[3] for b in blocks)
    widest = max([b[3] for b in blocks], default=NODE_SPACING)
    # Try row widths from one component per row to all in one row; keep the packing that a
    # landscape window (ASPECT) shows largest.
    candidates = {widest * (total / widest) ** (i / (ROW_CANDIDATES - 1)) for i in range(ROW_CANDIDATES)}
    def spread(row_width: float) -> float:
        _, width, height = _pack(blocks, row_width)
        return max(width / ASPECT, height)

    positions, width, y = _pack(blocks, min(sorted(candidates), key=spread))

    cell_x = max([NODE_SPACING * 1.1] + [2 * half_width(n) + NODE_SPACING * 0.2 for n in isolated])
    cell_y = NODE_SPACING * 0.5
    columns = max(1, int(max(width, math.sqrt(len(isolated) * cell_x * cell_y * ASPECT)) // cell_x))
    for i, node in enumerate(isolated):
        positions[node] = (round((i % columns) * cell_x, 1), round(y + (i // columns) * cell_y, 1))
    return positions


def _pack(blocks: list[Block], row_width: float) -> tuple[dict[str, Point], float, float]:
    """Place the blocks left to right in rows no wider than ``row_width``: positions, width, height."""
    positions: dict[str, Point] = {}
    x = y = row_height = width = 0.0
    for block, left, top, block_width, block_height in blocks:
        if x > 0 and x + block_width > row_width * 1.001:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in block.items():
            positions[node] = (round(px - left + x, 1), round(py - top + y, 1))
        x += block_width
        width = max(width, x)
        row_height = max(row_height, block_height)
    return positions, width, y + row_height
