// Where the methods of a view go. Python lays out each connected group of methods once (its
// relative positions are kept); here the groups that a view shows are packed again into rows
// that fill the canvas, so a filter that keeps ten methods shows them close together and large,
// not scattered over the frozen picture of the whole graph. Pure functions, no DOM.
window.kgArrange = (function () {
  "use strict";
  const GAP_X = 70; // vis pixels between packed groups, side by side
  const GAP_Y = 85; // and between rows (a label hangs below its dot)
  const ROW_CANDIDATES = 24; // row widths tried (as in kgraph/viz/layout.py)
  const CHAR_WIDTH = 0.56; // a label's width per character, in units of its font size
  const ARROW_FONT = 16; // vis pixels (the edges' font size in kgraph/viz/page.py)
  const MIN_SHRINK = 0.3; // a group is drawn at least this fraction of its Python size
  const MAX_GROW = 1.6; // and at most this multiple (an arrow's label longer than the arrow)
  const MAX_SHRINK_GROUP = 80; // bigger groups keep their size (the pairwise check is quadratic)

  // Connected groups of the shown methods through the shown arrows, as arrays of ids; methods
  // without a shown arrow are groups of one.
  function groups(methodIds, arrowList) {
    const parent = new Map(methodIds.map((id) => [id, id]));
    const root = (id) => { while (parent.get(id) !== id) { parent.set(id, parent.get(parent.get(id))); id = parent.get(id); } return id; };
    arrowList.forEach((a) => { if (parent.has(a.from) && parent.has(a.to)) parent.set(root(a.from), root(a.to)); });
    const found = new Map();
    methodIds.forEach((id) => { const r = root(id); if (!found.has(r)) found.set(r, []); found.get(r).push(id); });
    return Array.from(found.values());
  }

  const width = (text, size) => Math.max(...text.split("\n").map((line) => line.length)) * CHAR_WIDTH * size;
  const height = (n) => n.size + n.font.size * 1.7; // below a method's centre: its dot, then its name (as vis draws it)

  // How far a group's Python shape can shrink (a factor < 1; or grow, > 1) before two names, or a name and an
  // arrow's label, would overlap: Python spaces methods for the biggest graphs, while a view of a
  // few groups reads best when each is compact. `links` are the group's arrows with their label.
  function shrink(ids, nodeOf, links) {
    if (ids.length > MAX_SHRINK_GROUP) return 1;
    let factor = MIN_SHRINK;
    const need = (dx, dy, halfWidth, halfHeight) => Math.min(halfWidth / Math.abs(dx), halfHeight / Math.abs(dy));
    ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => {
      const [m, n] = [nodeOf(a), nodeOf(b)];
      factor = Math.max(factor, need(m.x - n.x, m.y - n.y, (width(m.label, m.font.size) + width(n.label, n.font.size)) / 2 + 12,
        (height(m) + height(n)) / 2 + 8));
    }));
    // An arrow's label sits at the arrow's middle: it must clear the dot and the name (below the
    // dot) of both ends, side by side or one above the other.
    links.forEach((link) => {
      const half = width(link.label, ARROW_FONT) / 2;
      const labelHalfHeight = link.label.split("\n").length * ARROW_FONT * 0.65;
      [[link.from, link.to], [link.to, link.from]].forEach(([end, other]) => {
        const [m, n] = [nodeOf(end), nodeOf(other)];
        const [dx, dy] = [(n.x - m.x) / 2, (n.y - m.y) / 2]; // the label's centre, from this end
        factor = Math.max(factor, need(dx, dy, half + m.size + 6, labelHalfHeight + m.size + 6));
        if (dy > 0) { // the label is lower than this end: it must also pass its name
          factor = Math.max(factor, need(dx, dy, half + width(m.label, m.font.size) / 2 + 6,
            height(m) + labelHalfHeight + ARROW_FONT));
        }
      });
    });
    return Math.min(MAX_GROW, factor);
  }

  // A group's box around its (shrunk) Python positions, widened by half of each name.
  function box(ids, nodeOf, factor) {
    let [left, right, top, bottom] = [Infinity, -Infinity, Infinity, -Infinity];
    ids.forEach((id) => {
      const n = nodeOf(id);
      const half = width(n.label, n.font.size) / 2;
      left = Math.min(left, n.x * factor - half); right = Math.max(right, n.x * factor + half);
      top = Math.min(top, n.y * factor - n.size); bottom = Math.max(bottom, n.y * factor + height(n));
    });
    return { ids, factor, left, top, width: right - left + GAP_X, height: bottom - top + GAP_Y };
  }

  // Boxes left to right in rows no wider than rowWidth: the offset of each box, width, height.
  function pack(boxes, rowWidth) {
    const offsets = [];
    let [x, y, rowHeight, width] = [0, 0, 0, 0];
    boxes.forEach((b) => {
      if (x > 0 && x + b.width > rowWidth * 1.001) { x = 0; y += rowHeight; rowHeight = 0; }
      offsets.push([x - b.left, y - b.top]);
      x += b.width; width = Math.max(width, x); rowHeight = Math.max(rowHeight, b.height);
    });
    return { offsets, width: width - GAP_X, height: y + rowHeight - GAP_Y };
  }

  // The packing of the boxes (in this order) that a canvas of this aspect shows largest.
  function arrange(boxes, aspect) {
    if (!boxes.length) return { offsets: [], width: 0, height: 0 };
    const total = boxes.reduce((sum, b) => sum + b.width, 0);
    const widest = Math.max(...boxes.map((b) => b.width));
    let best = null;
    for (let i = 0; i < ROW_CANDIDATES; i += 1) {
      const packed = pack(boxes, widest * (total / widest) ** (i / (ROW_CANDIDATES - 1)));
      packed.spread = Math.max(packed.width / aspect, packed.height);
      if (!best || packed.spread < best.spread) best = packed;
    }
    return best;
  }

  // Which boxes to draw: the first box, then each next one (busiest first) that still lets the
  // packing fit the canvas at `scale` or more; the first `limit` are tried. Readable views keep
  // the busiest groups that fit and leave the rest to "Show all" and the claims table.
  function readable(boxes, canvas, scale, limit) {
    const kept = boxes.slice(0, 1);
    boxes.slice(1, limit).forEach((b) => {
      const packed = arrange(kept.concat([b]), canvas.width / canvas.height);
      if (packed.width * scale <= canvas.width && packed.height * scale <= canvas.height) kept.push(b);
    });
    return kept;
  }

  // Where each method of a view goes. Its groups, busiest first (the most claims passing the
  // filters), each shrunk as far as its names and labels allow, are packed to the canvas's shape;
  // when `o.readable`, only the busiest groups that fit with every name at `o.readablePx` or larger
  // are kept (groups without claims, when shown, always are). Returns the positions, the packed
  // box's size (bounds) and the methods left out (dropped).
  function place(methodIds, arrows, o) {
    const liveCount = new Map();
    arrows.forEach((e) => {
      const n = e.claims.filter((i) => o.live[i]).length;
      [e.from, e.to].forEach((id) => liveCount.set(id, (liveCount.get(id) || 0) + n));
    });
    const weight = (group) => group.reduce((sum, id) => sum + (liveCount.get(id) || 0), 0);
    const grouped = groups(methodIds, arrows)
      .sort((a, b) => weight(b) - weight(a) || b.length - a.length || (a[0] < b[0] ? -1 : 1));
    const groupOf = new Map(grouped.flatMap((group, i) => group.map((id) => [id, i])));
    const links = grouped.map(() => []);
    arrows.forEach((e) => links[groupOf.get(e.from)].push({ from: e.from, to: e.to, label: o.labels.get(e.id) }));
    let boxes = grouped.map((group, i) => box(group, o.nodeOf, shrink(group, o.nodeOf, links[i])));
    const claimed = grouped.filter((group) => weight(group) > 0).length;
    const dropped = new Set();
    if (o.readable && claimed > 1) {
      const smallest = Math.min(...grouped.slice(0, claimed).flat().map((id) => o.nodeOf(id).font.size));
      const kept = new Set(readable(boxes.slice(0, claimed), o.canvas, o.readablePx / smallest, o.tried));
      boxes.forEach((b, i) => { if (i < claimed && !kept.has(b)) b.ids.forEach((id) => dropped.add(id)); });
      boxes = boxes.filter((b, i) => kept.has(b) || i >= claimed);
    }
    const packed = arrange(boxes, o.canvas.width / o.canvas.height);
    const positions = new Map();
    boxes.forEach((b, i) => b.ids.forEach((id) => {
      const n = o.nodeOf(id);
      positions.set(id, { x: n.x * b.factor + packed.offsets[i][0], y: n.y * b.factor + packed.offsets[i][1] });
    }));
    return { positions, dropped, bounds: boxes.length ? { width: packed.width, height: packed.height } : null };
  }

  return { groups, shrink, box, arrange, readable, place };
})();
