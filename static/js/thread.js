// The live thread page: renders the conversation from #thread-data, then stays current through
// the shared socket (live.js). This entry wires the pieces in thread/: the state (messages,
// read receipts, the draft being edited), rendering, the composer, editing, history, dialogs.
import { getLive } from "./live.js";
import { createComposer } from "./thread/composer.js";
import { openDialog, toast } from "./thread/dialogs.js";
import { createEditor } from "./thread/editor.js";
import { wireHistory } from "./thread/history.js";
import { createRenderer } from "./thread/render.js";
import { ThreadState } from "./thread/state.js";
import { createTypingLine } from "./thread/typing.js";

const root = document.querySelector("[data-conversation-id]");
const data = JSON.parse(document.getElementById("thread-data").textContent);
const live = getLive();
const state = new ThreadState(data);
const conversationId = state.conversationId;

const list = root.querySelector("[data-messages]");
const scroller = root.querySelector("[data-scroller]");
const banner = root.querySelector("[data-reconnecting]");
const dialog = document.querySelector("[data-dialog]");

const editor = createEditor({ state, live, list, render: () => render() });
const renderList = createRenderer({ root, state, timezone: data.timezone, renderEditor: editor.build });
const typing = createTypingLine(root.querySelector("[data-typing]"));
const composer = createComposer({ root, state, live, render: () => render() });

function render() {
  renderList();
  markRead();
}

function markRead() {
  if (document.visibilityState !== "visible" || !document.hasFocus()) return;
  const last = state.lastUnreadFromOthers();
  if (last && live.read(conversationId, last.id)) state.myLastReadSeq = last.seq;
}

// --- dialogs ---------------------------------------------------------------------------------

function confirmDelete(id) {
  openDialog(dialog, {
    title: "Delete this message?",
    paragraphs: ["It will show as deleted for everyone in this conversation."],
    confirmLabel: "Delete",
    danger: true,
    onConfirm: () => live.remove(id),
  });
}

function showWarning(frame, pending, edited) {
  openDialog(dialog, {
    title: "Keep it on Tandem?",
    paragraphs: [...frame.reasons.map((r) => r.text), "You can edit your message, or send it anyway: it will then be reviewed by our team."],
    confirmLabel: "Send anyway",
    cancelLabel: "Edit message",
    onConfirm: () => {
      if (pending) composer.send(pending.body, pending.attachments || [], { clientId: frame.client_id, confirm: true });
      if (edited) live.edit(edited.id, edited.pendingBody || "", { confirm: true });
    },
    onCancel: () => {
      if (pending) composer.restoreDraft(pending.body);
    },
  });
}

// --- socket events ------------------------------------------------------------------------

live.addEventListener("message", (event) => {
  state.merge(event.detail.message);
  typing.stop(event.detail.message.sender?.id);
  render();
});
live.addEventListener("subscribed", (event) => {
  if (event.detail.conversation !== conversationId) return;
  banner.hidden = true;
  // The first render ran before the socket was open, when a read receipt cannot be sent.
  markRead();
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
live.addEventListener("typing", (event) => {
  const frame = event.detail;
  if (frame.conversation !== conversationId) return;
  typing.start(frame.user);
});
live.addEventListener("read", (event) => {
  const frame = event.detail;
  if (frame.conversation !== conversationId) return;
  state.noteRead(frame);
  render();
});
live.addEventListener("warning", (event) => {
  const frame = event.detail;
  if (frame.conversation !== conversationId) return;
  const pending = state.pending(frame.client_id);
  const edited = frame.message ? state.byId(frame.message) : null;
  if (pending) state.dropPending(frame.client_id);
  render();
  showWarning(frame, pending, edited);
});
const FINAL_ERRORS = new Set(["forbidden", "not_found", "invalid", "too_large"]);

live.addEventListener("error", (event) => {
  const frame = event.detail;
  const pending = frame.client_id ? state.pending(frame.client_id) : null;
  if (pending) {
    if (frame.code === "rate_limited") {
      pending.failed = `Sending too fast; retrying in ${frame.retry_after}s.`;
      setTimeout(() => composer.retry(pending.client_id), frame.retry_after * 1000);
    } else {
      pending.failed = frame.detail;
      // Refused for a reason that sending again cannot change (a block, a closed
      // conversation, a body that breaks a rule): say why and offer to discard it, not Retry.
      pending.final = FINAL_ERRORS.has(frame.code);
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
  root.querySelector("[data-composer]")?.remove();
});

// --- the buttons on messages: edit, delete, retry ---------------------------------------------

list.addEventListener("click", (event) => {
  const editId = event.target.closest("[data-edit]")?.dataset.edit;
  const deleteId = event.target.closest("[data-delete]")?.dataset.delete;
  const retryId = event.target.closest("[data-retry]")?.dataset.retry;
  const discardId = event.target.closest("[data-discard]")?.dataset.discard;
  if (editId) editor.start(Number(editId));
  if (deleteId) confirmDelete(Number(deleteId));
  if (retryId) composer.retry(retryId);
  if (discardId) {
    live.pending.delete(discardId);
    state.dropPending(discardId);
    render();
  }
});

wireHistory({ root, state, render });

window.addEventListener("focus", markRead);
document.addEventListener("visibilitychange", markRead);

// --- start ---------------------------------------------------------------------------------

for (const message of data.messages) state.merge(message);
render();
scroller.scrollTop = scroller.scrollHeight;
live.subscribe(conversationId, data.version);
// Re-render now and then so "Edit"/"Delete" disappear when the edit window closes.
setInterval(render, 60 * 1000);
