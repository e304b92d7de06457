// Jobs and invitations: the note's character counter, the budget fields that fit the budget
// type, the new-job fields when "A new job…" is picked, confirmations, and an open invitation
// page that follows the other side's answer live.

import { getLive } from "./live.js";

// Character counters under notes ("1,234 of 5,000 characters").
for (const counter of document.querySelectorAll("[data-note-counter]")) {
  const field = counter.previousElementSibling?.querySelector("textarea[data-note]");
  if (!field) continue;
  const max = Number(counter.dataset.max);
  const update = () => {
    const length = field.value.length;
    counter.textContent = `${length.toLocaleString()} of ${max.toLocaleString()} characters`;
    counter.classList.toggle("field__counter--over", length > max);
  };
  field.addEventListener("input", update);
  update();
  counter.hidden = false;
}

// Fixed price or hourly range: show the fields for the chosen one.
for (const budget of document.querySelectorAll("[data-budget]")) {
  const form = budget.closest("form");
  const radios = [...form.querySelectorAll('input[type="radio"][name$="budget_type"]')];
  const show = () => {
    const hourly = radios.find((radio) => radio.checked)?.value === "hourly";
    budget.querySelector("[data-budget-fixed]").hidden = hourly;
    budget.querySelector("[data-budget-hourly]").hidden = !hourly;
  };
  for (const radio of radios) radio.addEventListener("change", show);
  show();
}

// The invite form: the new job's fields only when "A new job…" is chosen, and the note's
// mention of the job (as services.note_template writes it) follows the chosen job.
const jobSelect = document.querySelector("[data-invite-form] select[name='job']");
const newJob = document.querySelector("[data-new-job]");
if (jobSelect && newJob) {
  const form = jobSelect.form;
  const titles = JSON.parse(document.getElementById("job-titles")?.textContent || "{}");
  const note = form.querySelector("textarea[name='note']");
  const newTitle = form.querySelector("input[name='job-title']");
  const chosenTitle = () =>
    jobSelect.value === "new" ? newTitle?.value.trim() || "" : titles[jobSelect.value] || "";
  const phrase = (title) => (title ? `my job “${title}”` : "a job of mine");
  let shown = chosenTitle();
  const retitle = () => {
    const next = chosenTitle();
    if (note && note.value.includes(phrase(shown))) {
      note.value = note.value.replace(phrase(shown), phrase(next));
      note.dispatchEvent(new Event("input"));
    }
    shown = next;
  };
  const show = () => {
    newJob.hidden = jobSelect.value !== "new";
    retitle();
  };
  jobSelect.addEventListener("change", show);
  newTitle?.addEventListener("input", retitle);
  show();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// A form that came back with errors (or a conduct warning) is brought into view: on a phone it
// is below the note and the job.
document.querySelector("[data-scroll-here]")?.scrollIntoView({ block: "start" });

// An open invitation page stays current: when the other side accepts, declines or withdraws,
// or the invitation expires, that person's notification arrives on this page's socket; the
// page then fetches itself and, if the invitation's status changed, shows the new page in place
// (its answer forms are gone with the old status, so nothing being typed still matters).
const STATUS_CHANGES = new Set([
  "invitation.accepted",
  "invitation.declined",
  "invitation.withdrawn",
  "invitation.expired",
]);
if (document.querySelector("[data-invitation-status]")) {
  getLive().addEventListener("notification", async (event) => {
    if (!STATUS_CHANGES.has(event.detail.notification.kind)) return;
    const response = await fetch(location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const shown = document.querySelector("[data-invitation-status]");
    const now = fresh.querySelector("[data-invitation-status]");
    if (!now || !shown || now.textContent === shown.textContent) return;
    document.querySelector("main").replaceWith(fresh.querySelector("main"));
  });
}
