// The dispute pages: opening one with its evidence (each file with its own progress bar),
// adding evidence on the dispute's page, confirmations, and keeping the page current.
//
// Without JavaScript both forms post normally (files included) and the server answers with a
// page. With it, "Open the dispute" first creates the dispute (a fetch without the files; a
// mistake comes back as the fields' HTML, swapped in place so chosen files stay chosen), then
// uploads each file to the dispute's evidence endpoint, then goes to the dispute.
// The thread is thread.js; the services post a system line there for every action, so a live
// system line means the dispute changed: the page reloads when nothing is being typed.
import { getLive } from "./live.js";
import { reloadOrNotice } from "./reload-notice.js";
import { postFile, progressRows, settleRow } from "./uploads.js";

const csrfToken = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function tooLarge(file, form) {
  const max = Number(form.dataset.maxSize || 0);
  return max && file.size > max ? `${file.name} is ${sizeText(file.size)}; files may be at most ${sizeText(max)}.` : "";
}

// --- Confirmations -----------------------------------------------------------------------------
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// --- Opening a dispute -------------------------------------------------------------------------
const openForm = document.querySelector("[data-dispute-open]");

if (openForm) {
  const rowsList = openForm.querySelector("[data-evidence-rows]");
  const addRow = openForm.querySelector("[data-add-row]");
  const status = openForm.querySelector("[data-open-status]");
  const submit = openForm.querySelector("[data-open-submit]");
  const MAX_ROWS = 10;
  let opened = null; // {url, evidence_url} once the dispute exists

  addRow.hidden = false;
  addRow.addEventListener("click", () => {
    const rows = rowsList.querySelectorAll("[data-evidence-row]");
    if (rows.length >= MAX_ROWS) return;
    const index = rows.length;
    const row = rows[0].cloneNode(true);
    for (const node of row.querySelectorAll("[id], [for], [name]")) {
      for (const attr of ["id", "for", "name"]) {
        if (node.hasAttribute(attr)) node.setAttribute(attr, node.getAttribute(attr).replace(/-\d+$/, `-${index}`));
      }
    }
    for (const label of row.querySelectorAll("label")) label.textContent = label.textContent.replace(/\d+/, String(index + 1));
    for (const input of row.querySelectorAll("input")) input.value = "";
    row.querySelector("progress").hidden = true;
    row.querySelector("[data-status]").textContent = "";
    row.classList.remove("evidence-row--error", "evidence-row--done");
    rowsList.append(row);
    row.querySelector("input[type=file]").focus();
    if (index + 1 >= MAX_ROWS) addRow.hidden = true;
  });

  // Say at once when a chosen file is too large, before anything is sent.
  rowsList.addEventListener("change", (event) => {
    const input = event.target.closest("input[type=file]");
    if (!input) return;
    const row = input.closest("[data-evidence-row]");
    const problem = input.files[0] ? tooLarge(input.files[0], openForm) : "";
    row.classList.toggle("evidence-row--error", Boolean(problem));
    row.querySelector("[data-status]").textContent = problem;
  });

  function chosen() {
    return [...rowsList.querySelectorAll("[data-evidence-row]")]
      .map((row) => ({ row, file: row.querySelector("input[type=file]").files[0], caption: row.querySelector("input[type=text]").value }))
      .filter((item) => item.file);
  }

  function say(text) {
    status.hidden = !text;
    status.textContent = text;
  }

  async function uploadAll(items) {
    let failed = 0;
    for (const { row, file, caption } of items) {
      const bar = row.querySelector("progress");
      const line = row.querySelector("[data-status]");
      bar.hidden = false;
      bar.value = 0;
      bar.setAttribute("aria-label", `Uploading ${file.name}`);
      line.textContent = "Uploading…";
      const result = await postFile(opened.evidence_url, { caption }, file, bar);
      row.classList.toggle("evidence-row--done", result.ok);
      row.classList.toggle("evidence-row--error", !result.ok);
      line.textContent = result.ok ? "Added" : result.error;
      if (!result.ok) failed += 1;
    }
    return failed;
  }

  openForm.addEventListener("submit", async (event) => {
    const items = chosen();
    if (!items.length && !opened) return; // nothing to upload: an ordinary post does it all
    event.preventDefault();
    if (items.some(({ file }) => tooLarge(file, openForm))) {
      say("One of the files is too large: remove it or choose a smaller one.");
      return;
    }
    submit.disabled = true;
    if (!opened) {
      say("Opening the dispute…");
      const data = new FormData(openForm);
      for (const key of [...data.keys()]) if (/^(evidence|caption)-\d+$/.test(key)) data.delete(key);
      let response;
      try {
        response = await fetch(location.href, {
          method: "POST",
          body: data,
          headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        });
      } catch {
        say("The connection dropped; nothing was opened. Try again.");
        submit.disabled = false;
        return;
      }
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        if (body.html) openForm.querySelector("[data-open-fields]").innerHTML = body.html;
        say(body.error && !body.html ? body.error : "");
        submit.disabled = false;
        const invalid = openForm.querySelector("[aria-invalid=true], .banner--error");
        invalid?.scrollIntoView({ block: "center" });
        if (invalid?.focus) invalid.focus();
        return;
      }
      opened = body;
      // The dispute exists now: the fields can't change it any more.
      for (const field of openForm.querySelectorAll("[data-open-fields] :is(input, select, textarea)")) field.disabled = true;
      addRow.hidden = true;
    }
    say(`Dispute opened. Uploading ${items.length === 1 ? "your file" : `${items.length} files`}…`);
    const failed = await uploadAll(items);
    if (!failed) {
      location.href = opened.url;
      return;
    }
    say("");
    status.hidden = false;
    status.replaceChildren(
      `The dispute is open, but ${failed === 1 ? "one file was" : `${failed} files were`} not added (see above). `,
    );
    const link = document.createElement("a");
    link.href = opened.url;
    link.textContent = "Go to the dispute and add it there";
    status.append(link);
    submit.disabled = false;
    submit.textContent = "Try the failed files again";
    for (const { row } of items) if (row.classList.contains("evidence-row--done")) row.querySelector("input[type=file]").value = "";
  });
}

// --- The dispute page --------------------------------------------------------------------------
const page = document.querySelector("[data-dispute]");

if (page) {
  const conversationId = Number(page.dataset.conversation);
  const gallery = page.querySelector("[data-gallery]");
  const evidenceForm = page.querySelector("[data-evidence-upload]");
  let uploading = false;
  let leaving = false; // a form of this page is being posted: its answer will show the change
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) leaving = true;
  });

  // htmx refetches the gallery's fragment (its hx-get) on this event.
  function refreshGallery() {
    gallery.dispatchEvent(new Event("gallery-refresh"));
  }

  evidenceForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = evidenceForm.querySelector("input[type=file]");
    const caption = evidenceForm.querySelector("[name=caption]");
    const list = evidenceForm.querySelector("[data-upload-list]");
    const files = [...input.files];
    if (!files.length) {
      input.focus();
      return;
    }
    uploading = true;
    const jobs = progressRows(list, files);
    let allDone = true;
    for (const { file, row, bar, line } of jobs) {
      const problem = tooLarge(file, evidenceForm);
      const result = problem ? { ok: false, error: problem } : await postFile(evidenceForm.action, { caption: caption.value }, file, bar);
      settleRow(row, line, result, "Added");
      allDone = allDone && result.ok;
    }
    input.value = "";
    if (allDone) caption.value = "";
    uploading = false;
    refreshGallery();
  });

  // Something happened (a proposal, an answer, escalation, the mediator): show it.
  function typing() {
    if (page.querySelector(".composer__input")?.value.trim()) return true;
    for (const field of page.querySelectorAll("form :is(textarea, input[type=text], input[type=number])")) {
      if (field.closest("[data-composer]")) continue;
      if (field.value !== field.defaultValue) return true;
    }
    return uploading;
  }

  function changed() {
    if (leaving) return;
    reloadOrNotice({
      busy: typing(),
      anchor: page.querySelector(".dispute-head"),
      text: "This dispute just changed.",
      className: "dispute-changed",
    });
  }

  // The page shows the dispute as of this version of its thread; a system line written after
  // it (live, or caught up after a reconnect) means something changed since.
  const renderedVersion = JSON.parse(document.getElementById("thread-data").textContent).version;
  getLive().addEventListener("message", (event) => {
    const { message } = event.detail;
    if (message.conversation !== conversationId || message.kind !== "system") return;
    if (!(message.version > renderedVersion)) return;
    if (/added evidence/.test(message.body)) {
      if (!uploading) refreshGallery();
      return;
    }
    changed();
  });
}
