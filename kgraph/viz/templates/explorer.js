// The explorer's behaviour: filters, search focus, the big-graph starting view, tooltips and the
// side panel. Positions come from Python and physics stays off. Plugins (timeline.js, leaderboard.js,
// run before this script) hook in through window.kgPlugins: setup(api) once before anything is
// drawn, passes(claim) as one more filter, render(view) after each change.
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
  const FIT_MARGIN = 70; // screen pixels kept free around the methods shown (for their labels)
  const FIT_MAX_SCALE = 1;

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
  const plugins = window.kgPlugins || [];

  function passes(claim) {
    return (!state.benchmark || claim.benchmark === state.benchmark)
      && (!state.organization || claim.organizations.includes(state.organization))
      && claim.confidence >= state.minConfidence
      && plugins.every((p) => !p.passes || p.passes(claim));
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
    return { live, partial, liveArrows: liveArrows.length, methods: shownMethods,
      arrows: new Set(shownArrows.map((e) => e.id)) };
  }

  function unique(values) { return Array.from(new Set(values)); }

  // "benchmark · margin", or "benchmarks · N claims"; the benchmark goes when the filter names it.
  function arrowLabel(arrow, live) {
    const passing = arrow.claims.filter((i) => live[i]).map((i) => claims[i]);
    const benchmarks = state.benchmark ? []
      : unique(passing.map((c) => benchmarkLabel.get(c.benchmark)).filter(Boolean));
    if (passing.length === 1) {
      return [benchmarks[0], passing[0].margin].filter(Boolean).join(" · ");
    }
    const shown = benchmarks.slice(0, 2).join(", ") + (benchmarks.length > 2 ? ", …" : "");
    return [shown, passing.length + " claims"].filter(Boolean).join(" · ");
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
    nodes.add(data.nodes.filter((n) => current.methods.has(n.id) && !nodeIds.has(n.id)));
    const added = [];
    const relabelled = [];
    data.edges.forEach((e) => {
      if (!current.arrows.has(e.id)) return;
      const label = arrowLabel(e, current.live);
      if (!edgeIds.has(e.id)) added.push({ ...e, label });
      else if (labelNow.get(e.id) !== label) relabelled.push({ id: e.id, label });
      labelNow.set(e.id, label);
    });
    edges.add(added);
    edges.update(relabelled);
    hideTip();
    renderStatus();
    plugins.forEach((p) => p.render && p.render(current));
    renderDetails();
    renderLargeControls();
    byId("kg-empty").hidden = current.methods.size > 0;
    if (fit && network) fitTo(Array.from(current.methods));
  }

  // Centre and zoom on these methods. (vis-network's own fit measures labels that are not drawn
  // yet before the first frame, and zooms far into a single method.)
  function fitTo(ids) {
    if (!ids.length) return;
    const points = Object.values(network.getPositions(ids));
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const box = byId("kg-network");
    const scale = Math.min(FIT_MAX_SCALE, (box.clientWidth - 2 * FIT_MARGIN) / Math.max(right - left, 1),
      (box.clientHeight - 2 * FIT_MARGIN) / Math.max(bottom - top, 1));
    network.moveTo({ position: { x: (left + right) / 2, y: (top + bottom) / 2 }, scale, animation: false });
  }

  function renderLargeControls() {
    if (!controls.showAll) return;
    controls.showAll.textContent = state.showAll ? "Most connected only" : "Show all";
    controls.showAll.disabled = Boolean(state.focus) || (!state.showAll && !current.partial);
    controls.expand.disabled = !(current.partial && state.selected && state.selected.kind === "method");
  }

  function renderStatus() {
    const parts = [`Showing ${current.methods.size} of ${data.nodes.length} methods`,
      `${current.arrows.size} of ${data.edges.length} arrows`];
    if (state.focus) parts.push(`focused on ${methods.get(state.focus).label}`);
    if (current.partial) {
      parts.push(`the ${data.start.length} most connected methods and what you expanded; “Show all” draws all ${current.liveArrows} arrows`);
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

  function setBenchmark(id) {
    controls.benchmark.value = id;
    state.benchmark = id;
    apply(true);
  }

  controls.benchmark.addEventListener("change", () => setBenchmark(controls.benchmark.value));
  controls.organization.addEventListener("change", () => { state.organization = controls.organization.value; apply(true); });
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
  const api = { data, state, methods, benchmarkLabel, edges, element, button, focusOn, setBenchmark, apply };
  plugins.forEach((p) => p.setup && p.setup(api));
  apply(false); // set what is hidden before vis draws anything
  network = new vis.Network(byId("kg-network"), { nodes, edges }, data.options);
  fitTo(Array.from(current.methods));

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

  // For tests, benchmarks and the curious: the live objects and what is shown.
  window.kg = {
    network, nodes, edges, state,
    shown: () => ({ methods: Array.from(current.methods).sort(), arrows: Array.from(current.arrows).sort() }),
  };
})();
