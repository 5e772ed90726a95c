// The time control and the conflicts, a plugin of explorer.js (see window.kgPlugins there).
//
// "As of" shows the graph (and, through leaderboard.js, the leaderboard) as a reader of the papers
// saw it on a date: claims of papers dated later, or undated, are hidden; the last position is
// today, every claim included. "Play" steps through the dates claims were made on. Arrows along a
// conflict (a cycle of claims on one benchmark) are drawn dashed and red. Text is set with
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

  function styleConflicts(data) {
    const along = new Set(data.conflicts.flatMap((c) => c.arrows));
    data.edges.forEach((edge) => {
      if (!along.has(edge.id)) return;
      edge.dashes = [8, 5];
      edge.conflict = true;
      edge.color = { color: CONFLICT_COLOR, highlight: CONFLICT_COLOR, hover: CONFLICT_COLOR, inherit: false };
    });
  }

  (window.kgPlugins = window.kgPlugins || []).push({
    setup(given) {
      api = given;
      dates = api.data.timeline.dates;
      api.data.claims.forEach((claim, i) => { claim.date = api.data.claimDates[i]; });
      api.state.asOf = null;
      styleConflicts(api.data);
      control();
    },
    passes(claim) {
      const asOf = api.state.asOf;
      return asOf === null || (claim.date !== null && claim.date <= asOf);
    },
    render() { shown.textContent = describe(); },
  });
})();
