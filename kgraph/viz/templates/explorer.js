// The explorer's behaviour: filters, search focus, the big-graph starting view, tooltips and the
// side panel. Positions come from Python (each group's shape) and arrange.js (where the groups of
// a view go); physics stays off.
//
// Other scripts (table.js, share.js, timeline.js, leaderboard.js) are plugins: each pushes a
// function onto window.kgPlugins, which is called with the `kg` object below before the first view
// is drawn. They listen to kg.on("view", fn) (the filters changed and the view was computed again;
// fn gets it), kg.on("fit", fn) (the canvas was re-fitted) and kg.on("state", fn) (anything kept in
// the URL changed), change filters with kg.setFilters({...}), add a condition of their own on the
// claims to kg.filters (then kg.setFilters({}) to apply it), and draw with kg.element and kg.button.
//
// Safety: no HTML is ever parsed from a string here. Names are set with textContent or drawn on
// the canvas as text; cards are cloned from the page's inert <template> elements, which Jinja
// rendered with autoescaping.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const byId = (id) => document.getElementById(id);
  const controls = {
    benchmark: byId("kg-benchmark"), organization: byId("kg-organization"), confidence: byId("kg-confidence"),
    confidenceValue: byId("kg-confidence-value"), search: byId("kg-search"), clear: byId("kg-clear"),
    unclaimed: byId("kg-unclaimed"), showAll: byId("kg-show-all"), expand: byId("kg-expand"),
  };
  const MAX_PANEL_CLAIMS = 40;
  const FIT_PAD = { x: 16, top: 16, bottom: 40 }; // screen pixels kept free around a view (the status line at the bottom)
  const FIT_MAX_SCALE = 1;
  const READABLE_TRIED = 200; // groups tried for a readable view, busiest first
  const listeners = new Map(); // event name -> functions

  const claims = data.claims;
  const claimCards = byId("kg-claim-cards").content.children;
  const methodCards = byId("kg-method-cards").content.children;
  const methodIndex = new Map(data.nodes.map((n, i) => [n.id, i]));
  const methods = new Map(data.nodes.map((n) => [n.id, n]));
  const arrows = new Map(data.edges.map((e) => [e.id, e]));
  const benchmarkLabel = new Map(data.benchmarks.map((b) => [b.id, b.label]));
  const arrowCount = new Map(data.nodes.map((n) => [n.id, 0])); // arrows in or out of each method
  data.edges.flatMap((e) => [e.from, e.to]).forEach((id) => arrowCount.set(id, arrowCount.get(id) + 1));
  const withClaims = new Set(data.edges.flatMap((e) => [e.from, e.to]));
  const byLabel = new Map();
  data.nodes.forEach((n) => { const key = n.label.toLowerCase(); if (!byLabel.has(key)) byLabel.set(key, n.id); });

  const state = {
    benchmark: "", organization: "", minConfidence: data.minConfidence, focus: null, unclaimed: false,
    showAll: false, inView: new Set(data.start || []), selected: null, message: "",
  };
  let current = null; // the last computed view

  const kg = window.kg = {
    data, state, claims, methods, benchmarkLabel, claimCards,
    filters: [], // a plugin's own conditions on a claim, (claim, index) => boolean, beside the controls'
    current: () => current,
    on: (name, fn) => { if (!listeners.has(name)) listeners.set(name, []); listeners.get(name).push(fn); },
    emit: (name, value) => (listeners.get(name) || []).forEach((fn) => fn(value)),
    setFilters: (values) => { Object.assign(state, values); syncControls(); apply(true); },
    apply, element, button, focusOn, setBenchmark, // function declarations below (hoisted): what plugins draw with
  };

  function passes(claim, index) {
    return (!state.benchmark || claim.benchmark === state.benchmark)
      && (!state.organization || claim.organizations.includes(state.organization))
      && claim.confidence >= state.minConfidence
      && kg.filters.every((filter) => filter(claim, index));
  }

  function filtering() {
    return Boolean(state.benchmark || state.organization || state.minConfidence > 0);
  }

  // Which claims pass the filters, and which methods and arrows are shown. When more than
  // data.limit methods have claims passing the filters, only the starting part and what the
  // user expanded are shown (`partial`), unless they asked to show all.
  function computeView() {
    const live = claims.map(passes);
    const liveArrows = data.edges.filter((e) => e.claims.some((i) => live[i]));
    const liveMethods = new Set(liveArrows.flatMap((e) => [e.from, e.to]));
    const partial = data.start !== null && !state.focus && !state.showAll && liveMethods.size > data.limit;
    let members = null; // null: any method with a live arrow
    if (state.focus) {
      members = new Set([state.focus]);
      liveArrows.forEach((e) => {
        if (e.from === state.focus) members.add(e.to);
        if (e.to === state.focus) members.add(e.from);
      });
    } else if (partial) {
      members = state.inView;
    }
    const shownArrows = liveArrows.filter((e) => !members || (members.has(e.from) && members.has(e.to)));
    const shownMethods = new Set();
    shownArrows.forEach((e) => { shownMethods.add(e.from); shownMethods.add(e.to); });
    if (state.focus) shownMethods.add(state.focus);
    if (state.unclaimed && !state.focus && !filtering()) {
      data.nodes.forEach((n) => { if (!withClaims.has(n.id)) shownMethods.add(n.id); });
    }
    const view = { live, partial, liveArrows: liveArrows.length, methods: shownMethods,
      arrows: new Set(shownArrows.map((e) => e.id)), trimmed: 0 };
    arrangeView(view, shownArrows, !state.focus && !state.showAll && !partial);
    return view;
  }

  function canvasSize() {
    const box = byId("kg-network");
    return { width: Math.max(box.clientWidth - 2 * FIT_PAD.x, 1), height: Math.max(box.clientHeight - FIT_PAD.top - FIT_PAD.bottom, 1) };
  }

  // Where each shown method goes (view.positions, view.bounds); a readable view keeps only the
  // busiest groups that fit with every name at data.readablePx or larger (view.trimmed counts the
  // methods left out). See arrange.js.
  function arrangeView(view, shownArrows, readable) {
    view.labels = new Map(shownArrows.map((e) => [e.id, arrowLabel(e, view.live)]));
    const placed = kgArrange.place(Array.from(view.methods).sort(), shownArrows, {
      live: view.live, labels: view.labels, nodeOf: (id) => data.nodes[methodIndex.get(id)], canvas: canvasSize(),
      readable, readablePx: data.readablePx, tried: READABLE_TRIED,
    });
    placed.dropped.forEach((id) => view.methods.delete(id));
    shownArrows.forEach((e) => { if (placed.dropped.has(e.from)) view.arrows.delete(e.id); });
    Object.assign(view, { positions: placed.positions, bounds: placed.bounds, trimmed: placed.dropped.size });
  }

  function unique(values) { return Array.from(new Set(values)); }

  // "benchmark", then "margin" (or "N claims") below it; the benchmark goes when the filter names it.
  function arrowLabel(arrow, live) {
    const passing = arrow.claims.filter((i) => live[i]).map((i) => claims[i]);
    const benchmarks = state.benchmark ? []
      : unique(passing.map((c) => benchmarkLabel.get(c.benchmark)).filter(Boolean));
    const shown = benchmarks.length > 1 ? `${benchmarks[0]} +${benchmarks.length - 1}` : benchmarks[0];
    return [shown, passing.length === 1 ? passing[0].margin : passing.length + " claims"].filter(Boolean).join("\n");
  }

  // The vis data sets hold only what is shown: vis-network pays for every item it holds,
  // hidden or not, and a big graph starts from a small part of it.
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const labelNow = new Map(); // arrow id -> label drawn

  function apply(fit) {
    current = computeView();
    const edgeIds = new Set(edges.getIds());
    const nodeIds = new Set(nodes.getIds());
    edges.remove(Array.from(edgeIds).filter((id) => !current.arrows.has(id)));
    nodes.remove(Array.from(nodeIds).filter((id) => !current.methods.has(id)));
    nodes.update(Array.from(current.positions, ([id, p]) => (nodeIds.has(id) ? { id, ...p } : { ...methods.get(id), ...p })));
    const added = [];
    const relabelled = [];
    data.edges.forEach((e) => {
      if (!current.arrows.has(e.id)) return;
      const label = current.labels.get(e.id);
      const changed = labelNow.get(e.id) !== label;
      if (edgeIds.has(e.id) && changed && !label) { // vis-network keeps drawing the old text of a label set to ""
        edges.remove(e.id);
        edgeIds.delete(e.id);
      }
      if (!edgeIds.has(e.id)) added.push({ ...e, label });
      else if (changed) relabelled.push({ id: e.id, label });
      labelNow.set(e.id, label);
    });
    edges.add(added);
    edges.update(relabelled);
    hideTip();
    renderStatus();
    renderDetails();
    renderLargeControls();
    byId("kg-empty").hidden = current.methods.size > 0;
    if (fit && network) fitTo(current.bounds);
    kg.emit("view", current);
    kg.emit("state");
  }

  // Centre and zoom on the view's box (its methods with their names), leaving FIT_PAD free.
  // (vis-network's own fit measures labels that are not drawn yet before the first frame, and
  // zooms far into a single method.)
  function fitTo(bounds) {
    if (!bounds) return;
    const canvas = canvasSize();
    const scale = Math.min(FIT_MAX_SCALE, canvas.width / Math.max(bounds.width, 1), canvas.height / Math.max(bounds.height, 1));
    const shift = (FIT_PAD.bottom - FIT_PAD.top) / 2 / scale; // the box's centre sits above the canvas's
    network.moveTo({ position: { x: bounds.width / 2, y: bounds.height / 2 + shift }, scale, animation: false });
    kg.emit("fit");
  }

  function renderLargeControls() {
    if (!controls.showAll) return;
    controls.showAll.textContent = state.showAll ? "Most connected only" : "Show all";
    controls.showAll.disabled = Boolean(state.focus) || (!state.showAll && !current.partial && !current.trimmed);
    if (controls.expand) controls.expand.disabled = !(current.partial && state.selected && state.selected.kind === "method");
  }

  function renderStatus() {
    const parts = [`Showing ${current.methods.size} of ${data.nodes.length} methods`,
      `${current.arrows.size} of ${data.edges.length} arrows`];
    if (state.focus) parts.push(`focused on ${methods.get(state.focus).label}`);
    if (current.partial) {
      parts.push(`the ${data.start.length} most connected methods and what you expanded; “Show all” draws all ${current.liveArrows} arrows`);
    }
    if (current.trimmed) {
      parts.push(`the busiest groups, at a readable size (“Show all” for ${current.trimmed} more methods, or the claims table)`);
    }
    if (state.message) parts.push(state.message);
    byId("kg-status").textContent = parts.join(" · ");
  }

  // --- tooltips and the side panel ---------------------------------------------------------

  const tip = byId("kg-tip");
  const detailsHint = Array.from(byId("kg-details").childNodes);
  const stage = byId("kg-stage");

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function methodCard(id) { return methodCards[methodIndex.get(id)].cloneNode(true); }

  // The cards of these claims, those passing the filters first, the others greyed out.
  function claimList(indices, limit) {
    const ordered = indices.filter((i) => current.live[i]).concat(indices.filter((i) => !current.live[i]));
    const items = ordered.slice(0, limit).map((i) => {
      const item = element("section", current.live[i] ? "claim-item" : "claim-item filtered");
      if (!current.live[i]) item.title = "hidden by the filters";
      item.append(claimCards[i].cloneNode(true));
      return item;
    });
    if (ordered.length > limit) items.push(element("p", "muted", `and ${ordered.length - limit} more`));
    return items;
  }

  function arrowView(arrow, limit) {
    const head = element("div", "arrow-head");
    const count = arrow.claims.length;
    head.append(element("b", "", methods.get(arrow.from).label), " → ", element("b", "", methods.get(arrow.to).label),
      ` · ${count} claim${count === 1 ? "" : "s"}`);
    return [head, ...claimList(arrow.claims, limit)];
  }

  function showTip(content, pointer) {
    tip.replaceChildren(...content, element("div", "hint", "Click for details and links."));
    tip.hidden = false;
    const box = stage.getBoundingClientRect();
    const x = Math.min(pointer.x + 14, box.width - tip.offsetWidth - 6);
    const y = pointer.y + 14 + tip.offsetHeight > box.height ? pointer.y - tip.offsetHeight - 10 : pointer.y + 14;
    tip.style.left = `${Math.max(4, x)}px`;
    tip.style.top = `${Math.max(4, y)}px`;
  }

  function hideTip() { tip.hidden = true; tip.replaceChildren(); }

  function button(text, onClick, className) {
    const made = element("button", className, text);
    made.type = "button";
    made.addEventListener("click", onClick);
    return made;
  }

  function renderDetails() {
    const target = byId("kg-details");
    const selected = state.selected;
    if (!selected) { target.replaceChildren(...detailsHint); return; }
    if (selected.kind === "arrow") {
      target.replaceChildren(...arrowView(arrows.get(selected.id), MAX_PANEL_CLAIMS));
      return;
    }
    const id = selected.id;
    const indices = data.edges.filter((e) => e.from === id || e.to === id).flatMap((e) => e.claims);
    const actions = element("div", "actions");
    if (indices.length && state.focus !== id) actions.append(button("Focus on this method", () => focusOn(id)));
    if (current.partial) actions.append(button("Expand neighbours", () => expand(id)));
    target.replaceChildren(methodCard(id), actions);
    if (indices.length) target.append(element("h3", "", `Claims (${indices.length})`), ...claimList(indices, MAX_PANEL_CLAIMS));
  }

  function select(kind, id) {
    state.selected = id === null ? null : { kind, id };
    renderLargeControls();
    renderDetails();
  }

  // --- actions -------------------------------------------------------------------------------

  function focusOn(id) {
    state.focus = id;
    state.message = "";
    controls.search.value = methods.get(id).label;
    apply(true);
    network.selectNodes([id]);
    select("method", id);
  }

  function clearFocus() {
    state.focus = null;
    state.message = "";
    controls.search.value = "";
    network.unselectAll();
    select("method", null);
    apply(true);
  }

  function search() {
    const text = controls.search.value.trim().toLowerCase();
    if (!text) { clearFocus(); return; }
    let id = byLabel.get(text);
    if (id === undefined) {
      const hit = data.nodes.find((n) => n.label.toLowerCase().includes(text));
      id = hit ? hit.id : undefined;
    }
    if (id === undefined) {
      state.message = `no method matches “${controls.search.value.trim()}”`;
      renderStatus();
      return;
    }
    focusOn(id);
  }

  // Add the method's neighbours (through claims passing the filters) to the view, the most
  // connected first, at most data.expand at a time: a popular baseline has hundreds.
  function expand(id) {
    const neighbours = new Set();
    current.live.forEach((ok, i) => {
      if (!ok) return;
      const claim = claims[i];
      if (claim.winner === id) neighbours.add(claim.loser);
      if (claim.loser === id) neighbours.add(claim.winner);
    });
    const waiting = Array.from(neighbours).filter((n) => !state.inView.has(n)).sort((a, b) =>
      arrowCount.get(b) - arrowCount.get(a) || methods.get(a).label.localeCompare(methods.get(b).label));
    waiting.slice(0, data.expand).forEach((n) => state.inView.add(n));
    state.inView.add(id);
    const left = waiting.length - data.expand;
    state.message = left > 0 ? `${left} more neighbours of ${methods.get(id).label}: expand again` : "";
    apply(true);
  }

  function setBenchmark(id) { kg.setFilters({ benchmark: id }); }

  // The controls show the state (after a plugin or a shared link set it).
  function syncControls() {
    controls.benchmark.value = state.benchmark;
    controls.organization.value = state.organization;
    controls.confidence.value = state.minConfidence;
    controls.confidenceValue.textContent = state.minConfidence.toFixed(2);
    controls.search.value = state.focus ? methods.get(state.focus).label : "";
    if (controls.unclaimed) controls.unclaimed.checked = state.unclaimed;
  }

  controls.benchmark.addEventListener("change", () => setBenchmark(controls.benchmark.value));
  controls.organization.addEventListener("change", () => kg.setFilters({ organization: controls.organization.value }));
  controls.confidence.addEventListener("input", () => {
    state.minConfidence = Number(controls.confidence.value);
    controls.confidenceValue.textContent = state.minConfidence.toFixed(2);
    apply(false);
  });
  controls.confidence.addEventListener("change", () => apply(true));
  byId("kg-controls").addEventListener("submit", (event) => { event.preventDefault(); search(); });
  controls.search.addEventListener("input", (event) => { // a name picked from the suggestions
    if (event.inputType === "insertReplacementText" || event.inputType === undefined) search();
  });
  controls.clear.addEventListener("click", clearFocus);
  if (controls.unclaimed) controls.unclaimed.addEventListener("change", () => { state.unclaimed = controls.unclaimed.checked; apply(true); });
  if (controls.showAll) controls.showAll.addEventListener("click", () => { state.showAll = !state.showAll; apply(true); });
  if (controls.expand) controls.expand.addEventListener("click", () => { if (state.selected) expand(state.selected.id); });

  // --- the network ---------------------------------------------------------------------------

  let network = null;
  kg.edges = edges; // a plugin may restyle arrows (timeline.js: conflicts)
  (window.kgPlugins || []).forEach((plugin) => plugin(kg));
  syncControls();
  apply(false); // set what is hidden before vis draws anything
  network = new vis.Network(byId("kg-network"), { nodes, edges }, data.options);
  fitTo(current.bounds);
  if (state.focus) { network.selectNodes([state.focus]); select("method", state.focus); }

  network.on("hoverNode", (params) => showTip([methodCard(params.node)], params.pointer.DOM));
  network.on("hoverEdge", (params) => showTip(arrowView(arrows.get(params.edge), 4), params.pointer.DOM));
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach((name) => network.on(name, hideTip));
  stage.addEventListener("mouseleave", hideTip); // vis-network sends no blur when the pointer leaves
  network.on("click", (params) => {
    if (params.nodes.length) select("method", params.nodes[0]);
    else if (params.edges.length) select("arrow", params.edges[0]);
  });
  network.on("doubleClick", (params) => {
    if (params.nodes.length && current.partial) expand(params.nodes[0]);
  });
  network.once("afterDrawing", () => {
    window.kgReadyAt = performance.now();
    document.body.dataset.ready = "true";
  });

  // For plugins, tests, benchmarks and the curious: the live objects and what is shown.
  Object.assign(kg, {
    network, nodes, edges,
    shown: () => ({ methods: Array.from(current.methods).sort(), arrows: Array.from(current.arrows).sort() }),
  });
  kg.emit("ready");
})();
