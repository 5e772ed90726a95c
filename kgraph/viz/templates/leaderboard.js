// The leaderboard, a plugin of explorer.js (see window.kgPlugins there): per benchmark and metric,
// the methods ranked within their group (methods joined by claims), as of the date of the time
// control (timeline.js), with wins, losses and the best stated margin; then the conflicts among
// the arrows shown. Rankings come fitted from Python (kgraph/rank.py): the benchmark filter picks
// the table, the other filters do not re-rank. Text is set with textContent only.
(function () {
  "use strict";
  const ROWS_ALL = 5; // rows per group when every benchmark is listed
  const ROWS_ONE = 100;
  const GROUPS_ALL = 2; // groups per table when every benchmark is listed
  const OPEN = 6; // tables open at first, the busiest ones
  let api = null;

  // Rows come as lists (data.rowFields names their items): made objects here.
  function rowsOf(shipped) {
    const fields = api.data.rowFields;
    return shipped.rows.map((row) => Object.fromEntries(fields.map((name, i) => [name, row[i]])));
  }

  // The leaderboard shipped for the latest date up to the one asked for (today's when none is).
  function board() {
    const boards = api.data.boards;
    const asOf = api.state.asOf;
    if (asOf === null) return boards[boards.length - 1];
    return boards.filter((b) => b.asOf !== null && b.asOf <= asOf).pop() || null;
  }

  function tables(rows) {
    const found = new Map();
    rows.forEach((row) => {
      const key = `${row.benchmark}\u0000${row.metric}`;
      if (!found.has(key)) found.set(key, { benchmark: row.benchmark, metric: row.metric, rows: [], claims: 0 });
      const table = found.get(key);
      table.rows.push(row);
      table.claims += row.wins;
    });
    return Array.from(found.values()).sort((a, b) => b.claims - a.claims
      || api.benchmarkLabel.get(a.benchmark).localeCompare(api.benchmarkLabel.get(b.benchmark))
      || a.metric.localeCompare(b.metric));
  }

  function groupTable(rows, limit) {
    const table = api.element("table", "board");
    const head = table.createTHead().insertRow();
    [["#", "n"], ["Method", ""], ["W", "n"], ["L", "n"], ["Best margin", "best"]].forEach(([text, cls]) => {
      head.append(api.element("th", cls, text));
    });
    const body = table.createTBody();
    rows.slice(0, limit).forEach((row) => {
      const tr = body.insertRow();
      tr.dataset.method = row.method;
      tr.dataset.rank = row.rank;
      tr.dataset.group = row.group;
      tr.insertCell().textContent = row.rank;
      tr.insertCell().append(api.button(api.methods.get(row.method).label, () => api.focusOn(row.method), "link"));
      tr.insertCell().textContent = row.wins;
      tr.insertCell().textContent = row.losses;
      tr.insertCell().textContent = row.best;
      ["n", "", "n", "n", "best"].forEach((cls, i) => { tr.cells[i].className = cls; });
    });
    return table;
  }

  function tableView(table, groupCount, open) {
    const one = Boolean(api.state.benchmark);
    const details = api.element("details");
    details.dataset.benchmark = table.benchmark;
    details.dataset.metric = table.metric;
    details.open = open;
    const name = api.benchmarkLabel.get(table.benchmark) + (table.metric ? ` · ${table.metric}` : "");
    details.append(api.element("summary", "", `${name} (${table.claims} claim${table.claims === 1 ? "" : "s"})`));
    const groups = Array.from(new Set(table.rows.map((r) => r.group)));
    groups.slice(0, one ? groups.length : GROUPS_ALL).forEach((group) => {
      const rows = table.rows.filter((r) => r.group === group);
      if (groups.length > 1) {
        details.append(api.element("h4", "group", `Group ${group}: ${rows.length} methods compared with each other`));
      }
      details.append(groupTable(rows, one ? ROWS_ONE : ROWS_ALL));
      const more = rows.length - (one ? ROWS_ONE : ROWS_ALL);
      if (more > 0 && !one) details.append(api.button(`${more} more: filter on ${api.benchmarkLabel.get(table.benchmark)}`,
        () => api.setBenchmark(table.benchmark), "link"));
    });
    const hidden = groupCount - Math.min(groups.length, one ? groups.length : GROUPS_ALL);
    if (hidden > 0) {
      details.append(api.element("p", "muted", `and ${hidden} more group${hidden === 1 ? "" : "s"} never compared`
        + " with these (kgraph query --canned leaderboard lists them all)"));
    }
    return details;
  }

  function conflictsView(view) {
    const shown = api.conflictsShown(view); // (timeline.js)
    if (!shown.length) return [];
    const list = api.element("ul", "conflicts");
    shown.forEach((conflict) => {
      const item = api.element("li", "conflict", conflict.label + " ");
      item.append(api.button("focus", () => api.focusOn(conflict.methods[0]), "link"));
      list.append(item);
    });
    return [api.element("h3", "", `Conflicts (${shown.length}): dashed red arrows`), list];
  }

  function render(view) {
    const target = document.getElementById("kg-board");
    target.replaceChildren();
    const shown = board();
    if (shown && shown.asOf !== api.state.asOf) {
      target.append(api.element("p", "muted", `Ranked as of ${shown.asOf}, the latest ranking shipped up to then.`));
    }
    const rows = shown ? rowsOf(shown).filter((r) => !api.state.benchmark || r.benchmark === api.state.benchmark) : [];
    const found = tables(rows);
    if (!found.length) target.append(api.element("p", "muted", "No claim naming a benchmark by then."));
    found.forEach((table, i) => target.append(tableView(table, shown.groups[`${table.benchmark}|${table.metric}`],
      Boolean(api.state.benchmark) || i < OPEN)));
    target.append(...conflictsView(view));
  }

  (window.kgPlugins = window.kgPlugins || []).push(function leaderboard(kg) {
    api = kg;
    api.on("view", render);
  });
})();
