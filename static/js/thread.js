// The live thread page: renders the conversation from #thread-data, then stays current through
// the shared socket (live.js). Messages merge by id, so a message seen twice (catch-up and a
// live event) is shown once; a sent message shows as pending until its ack.
import { getLive } from "./live.js";

const root = document.querySelector("[data-conversation-id]");
const data = JSON.parse(document.getElementById("thread-data").textContent);
const live = getLive();
const conversationId = data.conversation;
const me = data.me;
const editWindowMs = data.edit_window_seconds * 1000;

const list = root.querySelector("[data-messages]");
const scroller = root.querySelector("[data-scroller]");
const banner = root.querySelector("[data-reconnecting]");
const typingLine = root.querySelector("[data-typing]");
const form = root.querySelector("[data-composer]");
const input = form?.querySelector("textarea");
const sendButton = form?.querySelector("[data-send]");
const fileInput = form?.querySelector("input[type=file]");
const tray = form?.querySelector("[data-tray]");
const dialog = document.querySelector("[data-dialog]");
const olderButton = root.querySelector("[data-older]");

const messages = new Map(); // key (id, or client_id while pending) -> message
let hasOlder = data.has_older;
let loadingOlder = false;
const readBy = new Map(data.read_by.map((r) => [r.user.id, r]));
let myLastReadSeq = data.my_last_read_seq;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: data.timezone || undefined });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long", timeZone: data.timezone || undefined });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", timeZone: data.timezone || undefined });

function keyOf(message) {
  return message.id ? `m${message.id}` : `c${message.client_id}`;
}

function merge(message) {
  if (message.conversation !== conversationId) return;
  if (message.client_id) messages.delete(`c${message.client_id}`);
  const key = keyOf(message);
  const known = messages.get(key);
  if (known && known.version > message.version) return;
  messages.set(key, message);
}

function ordered() {
  return [...messages.values()].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || (a.localOrder ?? 0) - (b.localOrder ?? 0));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function canChange(message) {
  return message.id && !message.deleted && message.kind === "user" && message.sender?.id === me.id && !data.read_only
    && Date.now() - Date.parse(message.created_at) < editWindowMs;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function renderMessage(message, previous) {
  const mine = message.sender?.id === me.id;
  const item = el("li", "msg");
  item.dataset.key = keyOf(message);
  if (message.id) item.dataset.id = message.id;
  if (message.kind === "system") {
    item.classList.add("msg--system");
    item.append(el("p", "msg__system", message.body));
    return item;
  }
  item.classList.add(mine ? "msg--mine" : "msg--theirs");
  const sameSender = previous && previous.kind === "user" && previous.sender?.id === message.sender?.id
    && Date.parse(message.created_at) - Date.parse(previous.created_at) < 5 * 60 * 1000;
  if (!sameSender && !mine) item.append(el("p", "msg__sender", message.sender?.name || ""));
  if (sameSender) item.classList.add("msg--grouped");
  const bubble = el("div", "msg__bubble");
  if (message.deleted) {
    bubble.append(el("p", "msg__body msg__body--deleted", "Message deleted"));
  } else {
    if (message.body) bubble.append(el("p", "msg__body", message.body));
    if (message.attachments?.length) {
      const files = el("ul", "msg__files");
      for (const file of message.attachments) {
        const li = el("li");
        // A pending message's files have no download address until the ack brings one.
        const link = el(file.url ? "a" : "span", "msg__file", file.name);
        if (file.url) {
          link.href = file.url;
          link.setAttribute("download", "");
        }
        li.append(link, el("span", "msg__file-size", ` ${formatSize(file.size)}`));
        files.append(li);
      }
      bubble.append(files);
    }
  }
  const meta = el("p", "msg__meta");
  const time = el("time", "msg__time", timeFormat.format(new Date(message.created_at)));
  time.dateTime = message.created_at;
  time.title = exactFormat.format(new Date(message.created_at));
  meta.append(time);
  if (message.edited_at && !message.deleted) meta.append(el("span", "msg__edited", " · edited"));
  if (message.pending) {
    item.classList.add("msg--pending");
    meta.append(el("span", "msg__status", message.failed ? " · not sent" : " · sending…"));
  }
  bubble.append(meta);
  item.append(editing && editing.id === message.id && !message.deleted ? renderEditor(message) : bubble);
  if (message.failed) {
    const retry = el("button", "btn btn--quiet btn--sm", "Retry");
    retry.type = "button";
    retry.dataset.retry = message.client_id;
    item.append(el("p", "msg__error", message.failed), retry);
  }
  if (canChange(message) && !(editing && editing.id === message.id)) {
    const actions = el("div", "msg__actions");
    const edit = el("button", "btn btn--quiet btn--sm", "Edit");
    edit.type = "button";
    edit.dataset.edit = message.id;
    const remove = el("button", "btn btn--quiet btn--sm", "Delete");
    remove.type = "button";
    remove.dataset.delete = message.id;
    actions.append(edit, remove);
    item.append(actions);
  }
  return item;
}

function dayKey(iso) {
  return dayFormat.format(new Date(iso));
}

function seenLine(all) {
  // "Seen" under my latest message that the other person has read.
  const mineSent = all.filter((m) => m.id && m.sender?.id === me.id && !m.deleted);
  if (!mineSent.length) return null;
  const last = mineSent[mineSent.length - 1];
  const readers = [...readBy.values()].filter((r) => r.seq >= last.seq);
  if (!readers.length) return null;
  const text = readBy.size === 1 ? "Seen" : `Seen by ${readers.map((r) => r.user.name.split(" ")[0]).join(", ")}`;
  return { after: keyOf(last), text };
}

function render() {
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const all = ordered();
  const seen = seenLine(all);
  const fragment = document.createDocumentFragment();
  let previous = null;
  let lastDay = null;
  for (const message of all) {
    const day = dayKey(message.created_at);
    if (day !== lastDay) {
      const separator = el("li", "msg-day");
      separator.append(el("span", null, day));
      fragment.append(separator);
      lastDay = day;
      previous = null;
    }
    fragment.append(renderMessage(message, previous));
    if (seen && seen.after === keyOf(message)) fragment.append(el("li", "msg-seen", seen.text));
    previous = message;
  }
  const editorFocused = document.activeElement?.classList.contains("msg__edit-input");
  const caret = editorFocused ? document.activeElement.selectionStart : null;
  list.replaceChildren(fragment);
  if (editorFocused) {
    const area = list.querySelector(".msg__edit-input");
    area?.focus();
    area?.setSelectionRange(caret, caret);
  }
  root.querySelector("[data-empty]")?.toggleAttribute("hidden", all.length > 0);
  if (atBottom) scroller.scrollTop = scroller.scrollHeight;
  markRead();
}

function markRead() {
  if (document.visibilityState !== "visible" || !document.hasFocus()) return;
  const theirs = ordered().filter((m) => m.id && m.sender?.id !== me.id && m.seq > myLastReadSeq);
  if (!theirs.length) return;
  const last = theirs[theirs.length - 1];
  if (live.read(conversationId, last.id)) myLastReadSeq = last.seq;
}

// --- socket events ------------------------------------------------------------------------

live.addEventListener("message", (event) => {
  merge(event.detail.message);
  stopTyping(event.detail.message.sender?.id);
  render();
});
live.addEventListener("subscribed", (event) => {
  if (event.detail.conversation === conversationId) banner.hidden = true;
});
live.addEventListener("status", (event) => {
  if (event.detail.signedOut) {
    banner.textContent = "You were signed out. Reload the page to sign in again.";
    banner.hidden = false;
  } else if (!event.detail.connected) {
    banner.textContent = "Reconnecting…";
    banner.hidden = false;
  }
});
// Who is typing, by user id. A name goes when that person's message lands, or after 4 s
// without another typing frame (the sender repeats it every 3 s while typing).
const typers = new Map();

function showTypers() {
  const names = [...typers.values()].map((typer) => typer.name);
  if (!names.length) typingLine.textContent = "";
  else if (names.length === 1) typingLine.textContent = `${names[0]} is typing…`;
  else typingLine.textContent = `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are typing…`;
}

function stopTyping(userId) {
  const typer = typers.get(userId);
  if (!typer) return;
  clearTimeout(typer.timer);
  typers.delete(userId);
  showTypers();
}

live.addEventListener("typing", (event) => {
  const frame = event.detail;
  if (frame.conversation !== conversationId) return;
  clearTimeout(typers.get(frame.user.id)?.timer);
  typers.set(frame.user.id, {
    name: frame.user.name.split(" ")[0],
    timer: setTimeout(() => stopTyping(frame.user.id), 4000),
  });
  showTypers();
});
live.addEventListener("read", (event) => {
  const frame = event.detail;
  if (frame.conversation !== conversationId) return;
  const message = [...messages.values()].find((m) => m.id === frame.message);
  const known = readBy.get(frame.user.id);
  const seq = message ? message.seq : known?.seq ?? 0;
  if (!known || seq > known.seq) readBy.set(frame.user.id, { user: frame.user, message: frame.message, seq });
  render();
});
live.addEventListener("warning", (event) => {
  const frame = event.detail;
  if (frame.conversation !== conversationId) return;
  const pending = messages.get(`c${frame.client_id}`);
  const edited = frame.message ? messages.get(`m${frame.message}`) : null;
  if (pending) messages.delete(`c${frame.client_id}`);
  render();
  showWarning(frame, pending, edited);
});
live.addEventListener("error", (event) => {
  const frame = event.detail;
  const pending = frame.client_id ? messages.get(`c${frame.client_id}`) : null;
  if (pending) {
    if (frame.code === "rate_limited") {
      pending.failed = `Sending too fast; retrying in ${frame.retry_after}s.`;
      setTimeout(() => retry(pending.client_id), frame.retry_after * 1000);
    } else {
      pending.failed = frame.detail;
    }
    render();
  } else {
    toast(frame.detail, "error");
  }
});
live.addEventListener("conversation.removed", (event) => {
  if (event.detail.conversation !== conversationId) return;
  banner.textContent = "You are no longer a member of this conversation.";
  banner.hidden = false;
  form?.remove();
});

// --- sending --------------------------------------------------------------------------------

let localOrder = 0;

function sendNow(body, attachments, { clientId, confirm = false } = {}) {
  const id = live.send(conversationId, body, { clientId, attachments: attachments.map((a) => a.id), confirm });
  messages.set(`c${id}`, {
    client_id: id,
    conversation: conversationId,
    kind: "user",
    sender: me,
    body,
    attachments,
    created_at: new Date().toISOString(),
    pending: true,
    localOrder: ++localOrder,
    version: 0,
  });
  scroller.scrollTop = scroller.scrollHeight;
  render();
  scroller.scrollTop = scroller.scrollHeight;
}

function retry(clientId) {
  const pending = messages.get(`c${clientId}`);
  if (!pending) return;
  pending.failed = null;
  const frame = live.pending.get(clientId) || {
    type: "message.send", conversation: conversationId, body: pending.body, client_id: clientId,
    attachments: (pending.attachments || []).map((a) => a.id),
  };
  live.pending.set(clientId, frame);
  live.raw(frame);
  render();
}

const uploads = []; // {file, id?, done, error, element}

function uploadsReady() {
  return uploads.every((u) => u.done || u.error);
}

function updateSendState() {
  if (!sendButton) return;
  sendButton.disabled = !uploadsReady() || (!input.value.trim() && !uploads.some((u) => u.done));
}

function submit() {
  if (!uploadsReady()) return;
  const body = input.value.trim();
  const attachments = uploads.filter((u) => u.done).map((u) => ({ id: u.id, name: u.file.name, size: u.file.size }));
  if (!body && !attachments.length) return;
  sendNow(body, attachments);
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
      live.typing(conversationId);
    }
  });
  fileInput.addEventListener("change", () => {
    for (const file of fileInput.files) upload(file);
    fileInput.value = "";
  });
  updateSendState();
}

// --- editing, deleting, retrying --------------------------------------------------------------

list.addEventListener("click", (event) => {
  const editId = event.target.closest("[data-edit]")?.dataset.edit;
  const deleteId = event.target.closest("[data-delete]")?.dataset.delete;
  const retryId = event.target.closest("[data-retry]")?.dataset.retry;
  if (editId) startEdit(Number(editId));
  if (deleteId) confirmDelete(Number(deleteId));
  if (retryId) retry(retryId);
});

// The message being edited survives re-renders (a new message or a read receipt arriving
// while you edit must not throw your draft away).
let editing = null; // {id, draft}

function startEdit(id) {
  const message = messages.get(`m${id}`);
  if (!message) return;
  editing = { id, draft: message.body };
  render();
  list.querySelector(".msg__edit-input")?.focus();
}

function finishEdit() {
  editing = null;
  render();
}

function renderEditor(message) {
  const editor = el("form", "msg__editor");
  const area = el("textarea", "msg__edit-input");
  area.value = editing.draft;
  area.setAttribute("aria-label", "Edit message");
  const save = el("button", "btn btn--primary btn--sm", "Save");
  const cancel = el("button", "btn btn--quiet btn--sm", "Cancel");
  cancel.type = "button";
  editor.append(area, save, cancel);
  area.addEventListener("input", () => (editing.draft = area.value));
  editor.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = area.value.trim();
    if (body && body !== message.body) {
      message.pendingBody = body;
      live.edit(message.id, body);
    }
    finishEdit();
  });
  cancel.addEventListener("click", finishEdit);
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") finishEdit();
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      editor.requestSubmit();
    }
  });
  return editor;
}

function openDialog({ title, paragraphs, confirmLabel, danger, onConfirm, cancelLabel = "Cancel", onCancel }) {
  dialog.querySelector("[data-dialog-title]").textContent = title;
  const body = dialog.querySelector("[data-dialog-body]");
  body.replaceChildren(...paragraphs.map((p) => el("p", null, p)));
  const confirmButton = dialog.querySelector("[data-dialog-confirm]");
  const cancelButton = dialog.querySelector("[data-dialog-cancel]");
  confirmButton.textContent = confirmLabel;
  confirmButton.className = `btn ${danger ? "btn--danger" : "btn--secondary"}`;
  cancelButton.textContent = cancelLabel;
  confirmButton.onclick = () => {
    dialog.close();
    onConfirm();
  };
  cancelButton.onclick = () => {
    dialog.close();
    onCancel?.();
  };
  dialog.showModal();
  cancelButton.focus();
}

function confirmDelete(id) {
  openDialog({
    title: "Delete this message?",
    paragraphs: ["It will show as deleted for everyone in this conversation."],
    confirmLabel: "Delete",
    danger: true,
    onConfirm: () => live.remove(id),
  });
}

function showWarning(frame, pending, edited) {
  openDialog({
    title: "Keep it on Tandem?",
    paragraphs: [...frame.reasons.map((r) => r.text), "You can edit your message, or send it anyway: it will then be reviewed by our team."],
    confirmLabel: "Send anyway",
    cancelLabel: "Edit message",
    onConfirm: () => {
      if (pending) sendNow(pending.body, pending.attachments || [], { clientId: frame.client_id, confirm: true });
      if (edited) live.edit(edited.id, edited.pendingBody || "", { confirm: true });
    },
    onCancel: () => {
      if (pending && input) {
        input.value = pending.body;
        input.focus();
        updateSendState();
      }
    },
  });
}

function toast(text, level = "info") {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = el("div", `toast toast--${level}`);
  item.setAttribute("role", "status");
  item.append(el("span", "toast__text", text));
  const close = el("button", "toast__close", "×");
  close.type = "button";
  close.dataset.dismiss = "";
  close.setAttribute("aria-label", "Dismiss");
  item.append(close);
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

// --- history --------------------------------------------------------------------------------

async function loadOlder() {
  if (!hasOlder || loadingOlder) return;
  loadingOlder = true;
  const lowest = Math.min(...ordered().filter((m) => m.seq).map((m) => m.seq));
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  try {
    const response = await fetch(`${root.dataset.historyUrl}?before=${lowest}`, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const answer = await response.json();
      for (const message of answer.messages) merge(message);
      hasOlder = answer.has_more;
      render();
      scroller.scrollTop = scroller.scrollHeight - fromBottom;
    }
  } finally {
    loadingOlder = false;
    olderButton.hidden = !hasOlder;
  }
}

scroller.addEventListener("scroll", () => {
  if (scroller.scrollTop < 120) loadOlder();
});
olderButton.addEventListener("click", loadOlder);
olderButton.hidden = !hasOlder;

window.addEventListener("focus", markRead);
document.addEventListener("visibilitychange", markRead);

// --- start ---------------------------------------------------------------------------------

for (const message of data.messages) merge(message);
render();
scroller.scrollTop = scroller.scrollHeight;
live.subscribe(conversationId, data.version);
// Re-render now and then so "Edit"/"Delete" disappear when the edit window closes.
setInterval(render, 60 * 1000);
