// The claims table: every claim passing the filters (and the focus), one row each, sortable by any
// column, narrowed by a text box; a click on a row opens its evidence card below it. "Graph" and
// "Claims table" switch the stage between the canvas and this table. A plugin of explorer.js.
(window.kgPlugins = window.kgPlugins || []).push(function claimsTable(kg) {
  "use strict";
  const MAX_ROWS = 1000; // rows drawn at once; the CSV holds them all
  const byId = (id) => document.getElementById(id);
  const paper = (c) => kg.data.papers[c.paper] || { title: "", date: "", url: null };
  const number = (text) => { const m = /[-+]?\d+(?:\.\d+)?/.exec(text.replace(/,/g, "")); return m ? Number(m[0]) : NaN; };
  const COLUMNS = [
    { key: "winner", title: "Winner", text: (c) => kg.methods.get(c.winner).label },
    { key: "loser", title: "Loser", text: (c) => kg.methods.get(c.loser).label },
    { key: "benchmark", title: "Benchmark", text: (c) => kg.benchmarkLabel.get(c.benchmark) || "" },
    { key: "metric", title: "Metric", text: (c) => c.metric },
    { key: "margin", title: "Margin", text: (c) => c.margin, value: (c) => number(c.margin), numeric: true },
    { key: "paper", title: "Paper", text: (c) => paper(c).title },
    { key: "date", title: "Date", text: (c) => paper(c).date },
    { key: "confidence", title: "Confidence", text: (c) => c.confidence.toFixed(2), value: (c) => c.confidence, numeric: true },
  ];
  const column = new Map(COLUMNS.map((col) => [col.key, col]));
  Object.assign(kg.state, { view: "graph", sort: "", query: "" }); // sort: "key" or "-key" (descending)
  const view = { graph: byId("kg-view-graph"), table: byId("kg-view-table") };
  const query = byId("kg-table-query");
  let opened = null; // the claim whose evidence row is open

  // Compare by a column: numbers as numbers, text ignoring case; empty values always last.
  function compare(col, descending) {
    const value = col.value || ((c) => col.text(c).toLowerCase());
    return (a, b) => {
      const [x, y] = [value(kg.claims[a]), value(kg.claims[b])];
      const [xEmpty, yEmpty] = [x === "" || Number.isNaN(x), y === "" || Number.isNaN(y)];
      if (xEmpty || yEmpty) return xEmpty - yEmpty || a - b;
      const order = col.numeric ? x - y : x.localeCompare(y);
      return (descending ? -order : order) || a - b;
    };
  }

  // The indices of the claims in the table, in its order.
  function rows() {
    const current = kg.current();
    const focus = kg.state.focus;
    const words = kg.state.query.toLowerCase().split(/\s+/).filter(Boolean);
    const found = kg.claims.map((c, i) => i).filter((i) => current.live[i]
      && (!focus || kg.claims[i].winner === focus || kg.claims[i].loser === focus)
      && words.every((w) => COLUMNS.some((col) => col.text(kg.claims[i]).toLowerCase().includes(w))));
    const key = kg.state.sort.replace(/^-/, "");
    return column.has(key) ? found.sort(compare(column.get(key), kg.state.sort.startsWith("-"))) : found;
  }

  function header(table) {
    const head = table.createTHead().insertRow();
    COLUMNS.forEach((col) => {
      const th = document.createElement("th");
      const sorted = kg.state.sort.replace(/^-/, "") === col.key;
      th.setAttribute("aria-sort", !sorted ? "none" : kg.state.sort.startsWith("-") ? "descending" : "ascending");
      th.className = col.numeric ? "n" : "";
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.sort = col.key;
      button.textContent = col.title + (sorted ? (kg.state.sort.startsWith("-") ? " ▼" : " ▲") : "");
      button.title = "Sort by " + col.title.toLowerCase();
      th.append(button);
      head.append(th);
    });
  }

  function row(body, index) {
    const tr = body.insertRow();
    tr.dataset.claim = index;
    tr.tabIndex = 0;
    COLUMNS.forEach((col) => {
      const td = tr.insertCell();
      td.textContent = col.text(kg.claims[index]);
      if (col.numeric) td.className = "n";
      if (col.key === "paper") td.title = td.textContent;
    });
    if (opened === index) {
      const evidence = body.insertRow();
      evidence.className = "evidence";
      const cell = evidence.insertCell();
      cell.colSpan = COLUMNS.length;
      cell.append(kg.claimCards[index].cloneNode(true));
    }
  }

  function render() {
    if (kg.state.view !== "table") return;
    const found = rows();
    const table = document.createElement("table");
    header(table);
    const body = table.createTBody();
    found.slice(0, MAX_ROWS).forEach((i) => row(body, i));
    const more = found.length > MAX_ROWS ? ` (the first ${MAX_ROWS} shown; the CSV has all)` : "";
    byId("kg-table-count").textContent = `${found.length} of ${kg.claims.length} claims${more}`;
    byId("kg-table").replaceChildren(table);
  }

  function show(which) {
    kg.state.view = which;
    view.table.hidden = which !== "table";
    byId("kg-tab-graph").setAttribute("aria-selected", String(which === "graph"));
    byId("kg-tab-table").setAttribute("aria-selected", String(which === "table"));
    render();
  }

  byId("kg-tab-graph").addEventListener("click", () => { show("graph"); kg.emit("state"); });
  byId("kg-tab-table").addEventListener("click", () => { show("table"); kg.emit("state"); });
  query.addEventListener("input", () => { kg.state.query = query.value; render(); kg.emit("state"); });
  byId("kg-table").addEventListener("click", (event) => {
    const sort = event.target.closest("button[data-sort]");
    const tr = event.target.closest("tr[data-claim]");
    if (sort) {
      const key = sort.dataset.sort;
      kg.state.sort = kg.state.sort === key ? "-" + key : key;
    } else if (tr && !event.target.closest("a")) {
      opened = opened === Number(tr.dataset.claim) ? null : Number(tr.dataset.claim);
    } else return;
    render();
    if (sort) kg.emit("state");
  });
  byId("kg-table-csv").addEventListener("click", () => {
    const found = rows();
    const evidence = (i) => (kg.claimCards[i].querySelector(".quote") || { textContent: "" }).textContent.replace(/^“|”$/g, "");
    kg.download("kgraph-claims.csv", kg.csv([[...COLUMNS.map((c) => c.key), "paper_url", "evidence"],
      ...found.map((i) => [...COLUMNS.map((c) => c.text(kg.claims[i])), paper(kg.claims[i]).url || "", evidence(i)])]), "text/csv");
  });
  kg.on("view", render);
  kg.on("ready", () => { query.value = kg.state.query; show(kg.state.view); });
  kg.table = { rows, columns: COLUMNS.map((c) => c.key) };
});
