// Sending: the text box (Enter sends, Shift+Enter is a new line, it grows as you type), the
// attachment tray (each file uploads at once with its own progress bar; Send waits for them),
// and the pending message that shows until the socket acks it. A read-only conversation has
// no form, but a pending message can still be retried or confirmed.
import { el } from "./render.js";

export function createComposer({ root, state, live, render }) {
  const scroller = root.querySelector("[data-scroller]");
  const form = root.querySelector("[data-composer]");
  const input = form?.querySelector("textarea");
  const sendButton = form?.querySelector("[data-send]");
  const fileInput = form?.querySelector("input[type=file]");
  const tray = form?.querySelector("[data-tray]");
  const uploads = []; // {file, id?, done, error, element}

  function send(body, attachments, { clientId, confirm = false } = {}) {
    const id = live.send(state.conversationId, body, { clientId, attachments: attachments.map((a) => a.id), confirm });
    state.addPending(id, body, attachments);
    scroller.scrollTop = scroller.scrollHeight;
    render();
    scroller.scrollTop = scroller.scrollHeight;
  }

  function retry(clientId) {
    const pending = state.pending(clientId);
    if (!pending) return;
    pending.failed = null;
    const frame = live.pending.get(clientId) || {
      type: "message.send", conversation: state.conversationId, body: pending.body, client_id: clientId,
      attachments: (pending.attachments || []).map((a) => a.id),
    };
    live.pending.set(clientId, frame);
    live.raw(frame);
    render();
  }

  function uploadsReady() {
    return uploads.every((u) => u.done || u.error);
  }

  function updateSendState() {
    if (!sendButton) return;
    sendButton.disabled = !uploadsReady() || (!input.value.trim() && !uploads.some((u) => u.done));
  }

  // The warning dialog's "Edit message": the text comes back into the box.
  function restoreDraft(body) {
    if (!input) return;
    input.value = body;
    input.focus();
    updateSendState();
  }

  function submit() {
    if (!uploadsReady()) return;
    const body = input.value.trim();
    const attachments = uploads.filter((u) => u.done).map((u) => ({ id: u.id, name: u.file.name, size: u.file.size }));
    if (!body && !attachments.length) return;
    send(body, attachments);
    input.value = "";
    input.style.removeProperty("height");
    uploads.length = 0;
    tray.replaceChildren();
    updateSendState();
  }

  function upload(file) {
    const entry = { file, done: false, error: null };
    const item = el("li", "tray__item");
    const name = el("span", "tray__name", file.name);
    const bar = el("progress", "progress");
    bar.max = 100;
    bar.value = 0;
    const remove = el("button", "btn btn--quiet btn--sm", "Remove");
    remove.type = "button";
    item.append(name, bar, remove);
    tray.append(item);
    entry.element = item;
    uploads.push(entry);
    updateSendState();
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", () => {
      let answer = {};
      try {
        answer = JSON.parse(request.responseText);
      } catch {
        answer = { error: "The upload failed." };
      }
      if (request.status === 201) {
        entry.done = true;
        entry.id = answer.id;
        bar.value = 100;
        item.classList.add("tray__item--done");
      } else {
        entry.error = answer.error || (request.status === 413 ? "This file is too large." : "The upload failed.");
        bar.replaceWith(el("span", "tray__error", entry.error));
      }
      updateSendState();
    });
    request.addEventListener("error", () => {
      entry.error = "The upload failed: check your connection.";
      bar.replaceWith(el("span", "tray__error", entry.error));
      updateSendState();
    });
    remove.addEventListener("click", () => {
      request.abort();
      uploads.splice(uploads.indexOf(entry), 1);
      item.remove();
      updateSendState();
    });
    const body = new FormData();
    body.append("file", file);
    request.send(body);
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    let lastTyping = 0;
    input.addEventListener("input", () => {
      input.style.height = "auto";
      input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
      updateSendState();
      if (Date.now() - lastTyping > 3000 && input.value.trim()) {
        lastTyping = Date.now();
        live.typing(state.conversationId);
      }
    });
    fileInput.addEventListener("change", () => {
      for (const file of fileInput.files) upload(file);
      fileInput.value = "";
    });
    updateSendState();
  }

  return { send, retry, restoreDraft };
}
