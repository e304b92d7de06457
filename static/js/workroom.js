// The workroom page: tabs, live panels, countdowns and uploads with progress bars.
//
// The chat itself is thread.js. Services publish {"type":"workroom.updated","panel":…} on the
// room's conversation; live.js re-emits it on the shared socket and this module asks htmx to
// refetch that panel: each [data-panel] has hx-get (its fragment, /workrooms/<id>/panels/<name>/)
// and hx-trigger="panel-refresh". A panel someone is typing in is refreshed once they leave it,
// so nothing typed is lost.
import { getLive } from "./live.js";
import { reloadOrNotice } from "./reload-notice.js";
import { postFile, progressRows, settleRow } from "./uploads.js";

const room = document.querySelector("[data-workroom]");
const workroomId = Number(room.dataset.workroom);
const live = getLive();

// --- Tabs --------------------------------------------------------------------------------------
const tabs = [...room.querySelectorAll("[data-tab]")];

function select(name, { focus = false } = {}) {
  for (const tab of tabs) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    if (selected && focus) tab.focus();
    if (selected) tab.classList.remove("tab--fresh");
    const panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel && tab.dataset.tab !== "chat") panel.hidden = !selected;
  }
  room.classList.toggle("room--chat", name === "chat");
  if (name === "chat") {
    // The chat was hidden while thread.js scrolled it: show the latest messages.
    const scroller = room.querySelector("[data-scroller]");
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }
  const url = new URL(location.href);
  url.searchParams.set("tab", name);
  history.replaceState(null, "", url);
}

room.addEventListener("click", (event) => {
  const tab = event.target.closest("[data-tab]");
  if (!tab) return;
  event.preventDefault();
  select(tab.dataset.tab);
});

room.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
  const visible = tabs.filter((t) => t.offsetParent !== null);
  const index = visible.indexOf(document.activeElement);
  if (index < 0) return;
  let next = null;
  if (event.key === "ArrowRight") next = visible[(index + 1) % visible.length];
  if (event.key === "ArrowLeft") next = visible[(index - 1 + visible.length) % visible.length];
  if (next) {
    event.preventDefault();
    select(next.dataset.tab, { focus: true });
  }
});

// On a phone the chat is a tab too: start on it unless the address names a panel.
if (window.matchMedia("(max-width: 900px)").matches && !new URL(location.href).searchParams.get("tab")) {
  select("chat");
}

// --- Live panels -------------------------------------------------------------------------------
const waiting = new Set();

function busy(region) {
  if (region.contains(document.activeElement) && document.activeElement !== document.body) return true;
  for (const form of region.querySelectorAll("details[open] form")) {
    for (const field of form.querySelectorAll("textarea, input:not([type=hidden])")) {
      if (field.type === "checkbox" ? field.checked !== field.defaultChecked : field.value !== field.defaultValue) return true;
    }
  }
  return false;
}

function refresh(name, { force = false } = {}) {
  const region = room.querySelector(`[data-panel="${name}"]`);
  if (!region) return;
  if (!force && busy(region)) {
    // Keep what the person is typing; offer the update instead of forcing it on them.
    waiting.add(name);
    if (!region.querySelector("[data-show-changes]")) {
      const notice = document.createElement("p");
      notice.className = "panel-stale";
      notice.setAttribute("role", "status");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn--secondary btn--sm";
      button.dataset.showChanges = name;
      button.textContent = "Show the latest changes";
      notice.append("This list changed while you were typing. ", button);
      region.prepend(notice);
    }
    return;
  }
  waiting.delete(name);
  region.dispatchEvent(new Event("panel-refresh"));
}

// A panel's new list is in (htmx swapped it; an error answer swaps nothing).
room.addEventListener("htmx:afterSwap", (event) => {
  const name = event.target.dataset.panel;
  if (!name) return;
  tick();
  const tab = tabs.find((t) => t.dataset.tab === name);
  if (tab && tab.getAttribute("aria-selected") !== "true") tab.classList.add("tab--fresh");
});

room.addEventListener("click", (event) => {
  const button = event.target.closest("[data-show-changes]");
  if (button) refresh(button.dataset.showChanges, { force: true });
});
room.addEventListener("focusout", () => setTimeout(() => waiting.forEach((name) => refresh(name)), 300));
room.addEventListener("toggle", () => waiting.forEach((name) => refresh(name)), true);

live.addEventListener("workroom.updated", (event) => {
  const frame = event.detail;
  if (frame.workroom !== workroomId) return;
  if (frame.panel === "status") {
    statusChanged();
    return;
  }
  refresh(frame.panel);
});

// Paused, resumed or closed: the page reloads to show it, unless that would throw away a
// message or a form being written; then it says so and reloads when asked.
function statusChanged() {
  const draft = room.querySelector(".composer__input")?.value.trim();
  const typing = [...room.querySelectorAll("[data-panel]")].some(busy);
  reloadOrNotice({
    busy: Boolean(draft) || typing,
    anchor: room.querySelector(".room__header"),
    text: "The workroom's status just changed.",
    className: "banner--strip",
  });
}

// After a reconnect the socket catches up on messages, not on panels: refetch them all.
let wasConnected = true;
live.addEventListener("status", (event) => {
  if (event.detail.connected && !wasConnected) ["files", "deadlines", "calls", "activity"].forEach(refresh);
  wasConnected = event.detail.connected;
});

// --- Countdowns --------------------------------------------------------------------------------
function span(ms) {
  const minutes = Math.round(Math.abs(ms) / 60000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days >= 2) return `${days} days${hours ? ` ${hours} h` : ""}`;
  if (days === 1) return `1 day${hours ? ` ${hours} h` : ""}`;
  if (hours) return `${hours} h ${mins} min`;
  return `${mins} min`;
}

function tick() {
  const now = Date.now();
  for (const node of room.querySelectorAll("[data-countdown]")) {
    const left = Date.parse(node.dataset.countdown) - now;
    const call = node.dataset.countdownKind === "call";
    node.classList.toggle("countdown--overdue", left < 0 && !call);
    node.classList.toggle("countdown--soon", left >= 0 && left < 24 * 3600 * 1000);
    if (call) node.textContent = left > 0 ? `starts in ${span(left)}` : left > -3600 * 1000 ? "now" : "";
    else node.textContent = left >= 0 ? `${span(left)} left` : `${span(left)} overdue`;
  }
}
tick();
setInterval(tick, 30000);

// --- Confirmations -----------------------------------------------------------------------------
room.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// --- Uploads with progress ---------------------------------------------------------------------
const uploadForm = room.querySelector("[data-upload]");

uploadForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = uploadForm.querySelector("input[type=file]");
  const list = uploadForm.querySelector("[data-upload-list]");
  const description = uploadForm.querySelector("[name=description]").value;
  const files = [...input.files];
  if (!files.length) {
    input.focus();
    return;
  }
  const jobs = progressRows(list, files);
  // One at a time, so versions of the same name land in order.
  let allDone = true;
  for (const { file, row, bar, line } of jobs) {
    const result = await postFile(uploadForm.action, { description }, file, bar);
    settleRow(row, line, result, "Shared");
    allDone = allDone && result.ok;
  }
  input.value = "";
  if (allDone) uploadForm.querySelector("[name=description]").value = "";
  refresh("files");
});
