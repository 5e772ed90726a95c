// What can be taken away from the page: the filters kept in the URL fragment (a view can be
// shared or bookmarked, and survives a reload), CSV of the leaderboard as shown, PNG of the
// canvas, and the CSV and download helpers the claims table uses. Downloads are made in the
// page (blob: URLs): nothing is requested from anywhere. A plugin of explorer.js, after table.js.
(window.kgPlugins = window.kgPlugins || []).push(function share(kg) {
  "use strict";
  const byId = (id) => document.getElementById(id);
  // fragment key -> [state field, its value when absent]
  const KEYS = { b: ["benchmark", ""], o: ["organization", ""], c: ["minConfidence", kg.state.minConfidence],
    f: ["focus", null], all: ["showAll", false], u: ["unclaimed", false], v: ["view", "graph"], s: ["sort", ""], q: ["query", ""] };
  const options = (id) => new Set(Array.from(byId(id) ? byId(id).options : [], (o) => o.value));
  const valid = {
    benchmark: (v) => options("kg-benchmark").has(v), organization: (v) => options("kg-organization").has(v),
    minConfidence: (v) => v >= 0 && v <= 1, focus: (v) => kg.methods.has(v), view: (v) => v === "graph" || v === "table",
  };

  // RFC 4180 CSV. A cell that a spreadsheet would run as a formula (=, @, a tab, or + or - not
  // starting a plain number: the text comes from abstracts) is written with a leading apostrophe.
  const FORMULA = /^(?:[=@\t\r]|[+-](?![\d.]+%?$))/;
  kg.csv = (rows) => rows.map((r) => r.map((cell) => {
    const text = FORMULA.test(String(cell)) ? `'${cell}` : String(cell);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(",")).join("\r\n") + "\r\n";

  kg.download = (name, content, type) => {
    const blob = content instanceof Blob ? content : new Blob([content], { type: `${type};charset=utf-8` });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  };

  // The state named by the fragment, each value checked (a stale or edited link is ignored in part).
  function read() {
    const params = new URLSearchParams(location.hash.slice(1));
    const found = {};
    Object.entries(KEYS).forEach(([key, [field, absent]]) => {
      if (!params.has(key)) { found[field] = absent; return; }
      const raw = params.get(key);
      const value = typeof absent === "boolean" ? raw === "1" : field === "minConfidence" ? Number(raw) : raw;
      found[field] = !valid[field] || valid[field](value) ? value : absent;
    });
    return found;
  }

  function write() {
    const params = new URLSearchParams();
    Object.entries(KEYS).forEach(([key, [field, absent]]) => {
      const value = kg.state[field];
      if (value !== absent && value !== null) params.set(key, typeof value === "boolean" ? "1" : String(value));
    });
    const hash = params.toString();
    if (hash !== location.hash.slice(1)) history.replaceState(null, "", hash ? `#${hash}` : location.pathname + location.search);
  }

  Object.assign(kg.state, read());
  kg.on("state", write);
  window.addEventListener("hashchange", () => {
    const found = read();
    byId(found.view === "table" ? "kg-tab-table" : "kg-tab-graph").click();
    kg.setFilters(found);
  });

  // The leaderboard as drawn: one row per table row, its benchmark first, whatever columns it has.
  byId("kg-board-csv").addEventListener("click", () => {
    const rows = [];
    document.querySelectorAll("#kg-board details").forEach((board) => {
      const name = kg.benchmarkLabel.get(board.dataset.benchmark) || board.dataset.benchmark || "";
      const head = Array.from(board.querySelectorAll("thead th"), (th) => th.textContent.trim());
      if (!rows.length) rows.push(["benchmark", ...head]);
      board.querySelectorAll("tbody tr").forEach((tr) => rows.push([name, ...Array.from(tr.cells, (td) => td.textContent.trim())]));
    });
    kg.download("kgraph-leaderboard.csv", kg.csv(rows.length ? rows : [["benchmark"]]), "text/csv");
  });

  // The canvas as drawn, on white (the canvas itself is transparent).
  byId("kg-png").addEventListener("click", () => {
    const canvas = document.querySelector("#kg-network canvas");
    const out = document.createElement("canvas");
    [out.width, out.height] = [canvas.width, canvas.height];
    const context = out.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, out.width, out.height);
    context.drawImage(canvas, 0, 0);
    out.toBlob((blob) => kg.download("kgraph-graph.png", blob), "image/png");
  });
});
