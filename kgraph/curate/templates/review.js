// The review page: one claim at a time, its evidence highlighted, decisions posted to the server.
// Every text from the build is put in with textContent, never as HTML.
"use strict";

const data = JSON.parse(document.getElementById("review-data").textContent);
const claims = data.claims;
const byId = new Map(claims.map((c) => [c.id, c]));
const $ = (id) => document.getElementById(id);
let current = 0; // index into the visible list
let shownId = null; // the claim shown
let busy = false;

function status(item) { // "accepted", "rejected", "corrected" (this session's decision first), or null
  return data.decided[item.id] ? `${data.decided[item.id]}ed` : item.status;
}

function visible() {
  const hide = $("hide-reviewed").checked;
  return claims.filter((c) => !hide || !status(c) || c.id === shownId);
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function renderProgress() {
  $("progress").textContent = `${data.reviewed} of ${data.total} reviewed`;
  $("bar").max = Math.max(1, data.total);
  $("bar").value = data.reviewed;
}

function renderQueue() {
  const list = $("queue");
  list.replaceChildren();
  visible().forEach((item, index) => {
    const row = el("li", null, status(item) || "");
    row.dataset.id = item.id;
    if (item.id === shownId) row.classList.add("current");
    row.append(el("span", `${item.winner} > ${item.loser}`), el("span", item.benchmark || "", "bench"));
    if (item.flags.length) {
      const mark = el("span", "!", "flagmark");
      mark.title = item.flags.join(", ");
      row.append(mark);
    }
    row.append(el("span", item.confidence.toFixed(2), "conf"));
    row.addEventListener("click", () => { current = index; show(); });
    list.append(row);
  });
}

function evidence(item) {
  const quote = $("evidence");
  quote.replaceChildren();
  let at = 0;
  for (const [start, end, role] of item.marks) {
    quote.append(document.createTextNode(item.evidence.slice(at, start)));
    quote.append(el("mark", item.evidence.slice(start, end), role));
    at = end;
  }
  quote.append(document.createTextNode(item.evidence.slice(at)));
}

function show() {
  const list = visible();
  $("empty").hidden = list.length > 0;
  $("claim").hidden = list.length === 0;
  if (!list.length) { shownId = null; renderQueue(); return; }
  current = Math.min(Math.max(current, 0), list.length - 1);
  const item = list[current];
  shownId = item.id;
  $("paper").textContent = item.paper;
  evidence(item);
  const values = $("values");
  values.replaceChildren();
  for (const [label, value] of [["winner", item.winner], ["loser", item.loser], ["benchmark", item.benchmark],
    ["metric", item.metric], ["margin", item.margin], ["confidence", item.confidence], ["rule", item.rule],
    ["status", status(item) ? `${status(item)}${item.curator ? " by " + item.curator : ""}` : "unreviewed"]]) {
    values.append(el("dt", label), el("dd", value === null || value === undefined || value === "" ? "-" : value));
  }
  const flags = $("flags");
  flags.replaceChildren(...item.flags.map((f) => el("span", f, "flag")));
  $("form").hidden = true;
  renderQueue();
  const row = document.querySelector("#queue li.current");
  if (row) row.scrollIntoView({ block: "nearest" });
}

function say(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

async function decide(action, values) {
  if (busy || shownId === null) return;
  busy = true;
  const item = byId.get(shownId);
  try {
    const response = await fetch("/decision", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id: item.id, action, set: values || null }),
    });
    const answer = await response.json();
    if (!response.ok) { say(`not saved: ${answer.error}`, true); return; }
    Object.assign(data, answer);
    if (values) Object.assign(item, values);
    say(`${action}: ${item.winner} > ${item.loser} (saved)`);
    renderProgress();
    if ($("hide-reviewed").checked) shownId = null; else current += 1;
    show();
  } catch (error) {
    say(`not saved: ${error}`, true);
  } finally {
    busy = false;
  }
}

function openForm() {
  const item = byId.get(shownId);
  if (!item) return;
  const form = $("form");
  for (const name of ["winner", "loser", "benchmark", "metric", "margin"]) form.elements[name].value = item[name] || "";
  form.hidden = false;
  form.elements.winner.focus();
}

$("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = $("form");
  const values = {};
  for (const name of ["winner", "loser", "benchmark", "metric", "margin"]) values[name] = form.elements[name].value.trim() || null;
  decide("correct", values);
});
$("cancel").addEventListener("click", () => { $("form").hidden = true; });
$("accept").addEventListener("click", () => decide("accept"));
$("reject").addEventListener("click", () => decide("reject"));
$("correct").addEventListener("click", openForm);
$("next").addEventListener("click", () => { current += 1; show(); });
$("prev").addEventListener("click", () => { current -= 1; show(); });
$("hide-reviewed").addEventListener("change", show);

document.addEventListener("keydown", (event) => {
  if (event.target.closest && event.target.closest("form")) {
    if (event.key === "Escape") $("form").hidden = true;
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const keys = { a: () => decide("accept"), r: () => decide("reject"), c: openForm, j: () => { current += 1; show(); },
    k: () => { current -= 1; show(); } };
  if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
});

$("build").textContent = data.build;
$("curator").textContent = `curator: ${data.curator}`;
$("file").textContent = data.curation;
renderProgress();
show();
