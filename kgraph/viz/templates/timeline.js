// The time control and the conflicts, a plugin of explorer.js (see window.kgPlugins there).
//
// "As of" shows the graph (and, through leaderboard.js, the leaderboard) as a reader of the papers
// saw it on a date: claims of papers dated later, or undated, are hidden; the last position is
// today, every claim included. "Play" steps through the dates claims were made on. Arrows along a
// conflict (a cycle of claims on one benchmark) whose arrows are all shown are drawn dashed and
// red (api.conflictsShown(view) lists those conflicts, for leaderboard.js too). Text is set with
// textContent only.
(function () {
  "use strict";
  const STEP_MS = 700;
  const CONFLICT_COLOR = "#d62728";
  let api = null;
  let dates = [];
  let slider = null;
  let shown = null;
  let player = null;
  let playing = null; // the interval timer while the history plays

  function at(position) { return position >= dates.length ? null : dates[position]; }

  function describe() {
    const asOf = api.state.asOf;
    if (asOf === null) {
      const undated = api.data.timeline.undated;
      return `today, all claims${undated ? ` (${undated} undated)` : ""}`;
    }
    const known = api.data.claims.filter((c) => c.date !== null && c.date <= asOf).length;
    return `${asOf} · ${known} of ${api.data.claims.length} claims`;
  }

  function moveTo(position) {
    slider.value = String(position);
    api.state.asOf = at(position);
    api.apply(false);
  }

  function stop() {
    if (playing !== null) clearInterval(playing);
    playing = null;
    player.textContent = "▶ Play";
  }

  function play() {
    if (playing !== null) { stop(); return; }
    let position = Number(slider.value) >= dates.length ? 0 : Number(slider.value);
    moveTo(position);
    player.textContent = "❚❚ Pause";
    playing = setInterval(() => {
      position += 1;
      moveTo(position);
      if (position >= dates.length) stop();
    }, STEP_MS);
  }

  function control() {
    const label = api.element("label", "kg-time");
    label.append("As of ");
    slider = api.element("input");
    Object.assign(slider, { id: "kg-asof", type: "range", min: "0", max: String(dates.length), step: "1",
      value: String(dates.length) });
    slider.setAttribute("aria-label", "Show the claims known as of a date");
    shown = api.element("output", "", "");
    shown.id = "kg-asof-value";
    player = api.button("▶ Play", play);
    player.id = "kg-play";
    slider.disabled = player.disabled = dates.length === 0;
    slider.addEventListener("input", () => { stop(); moveTo(Number(slider.value)); });
    slider.addEventListener("change", () => api.apply(true)); // once let go, frame what is shown
    label.append(slider, shown, player);
    document.getElementById("kg-controls").append(label);
  }

  // The conflicts whose arrows are all shown: the others did not exist yet, or are filtered out.
  function conflictsShown(view) {
    return api.data.conflicts.filter((c) => c.arrows.length && c.arrows.every((id) => view.arrows.has(id)));
  }

  // Every arrow of a conflict that is shown: dashed and red while its conflict is shown, else as any.
  function styleConflicts(view) {
    const active = new Set(conflictsShown(view).flatMap((c) => c.arrows));
    const plain = api.data.options.edges.color;
    const red = { color: CONFLICT_COLOR, highlight: CONFLICT_COLOR, hover: CONFLICT_COLOR, inherit: false };
    const along = new Set(api.data.conflicts.flatMap((c) => c.arrows));
    api.edges.update(Array.from(along).filter((id) => view.arrows.has(id)).map((id) => (
      active.has(id) ? { id, dashes: [8, 5], color: red } : { id, dashes: false, color: plain })));
  }

  (window.kgPlugins = window.kgPlugins || []).push(function timeline(kg) {
    api = kg;
    dates = api.data.timeline.dates;
    api.data.claims.forEach((claim, i) => { claim.date = api.data.claimDates[i]; });
    api.state.asOf = null;
    api.conflictsShown = conflictsShown;
    control();
    api.filters.push((claim) => api.state.asOf === null || (claim.date !== null && claim.date <= api.state.asOf));
    api.on("view", (view) => {
      shown.textContent = describe();
      styleConflicts(view);
    });
  });
})();
