// Building the message list from the state: day separators, grouped bubbles, files, the
// "Seen" line, and the edit/delete/retry buttons that the editor module answers.
import { keyOf } from "./state.js";

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function button(className, text, data) {
  const node = el("button", className, text);
  node.type = "button";
  Object.assign(node.dataset, data);
  return node;
}

// `renderEditor(message)` builds the inline edit form shown in place of the bubble being edited.
export function createRenderer({ root, state, timezone, renderEditor }) {
  const list = root.querySelector("[data-messages]");
  const scroller = root.querySelector("[data-scroller]");
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timezone || undefined });
  const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long", timeZone: timezone || undefined });
  const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", timeZone: timezone || undefined });

  function files(attachments) {
    const fileList = el("ul", "msg__files");
    for (const file of attachments) {
      const li = el("li");
      // A pending message's files have no download address until the ack brings one.
      const link = el(file.url ? "a" : "span", "msg__file", file.name);
      if (file.url) {
        link.href = file.url;
        link.setAttribute("download", "");
      }
      li.append(link, el("span", "msg__file-size", ` ${formatSize(file.size)}`));
      fileList.append(li);
    }
    return fileList;
  }

  function bubbleOf(message, item) {
    const bubble = el("div", "msg__bubble");
    if (message.deleted) {
      bubble.append(el("p", "msg__body msg__body--deleted", "Message deleted"));
    } else {
      if (message.body) bubble.append(el("p", "msg__body", message.body));
      if (message.attachments?.length) bubble.append(files(message.attachments));
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
    return bubble;
  }

  function renderMessage(message, previous) {
    const mine = state.isMine(message);
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
    const bubble = bubbleOf(message, item);
    item.append(state.isEditing(message) && !message.deleted ? renderEditor(message) : bubble);
    if (message.failed) {
      item.append(
        el("p", "msg__error", message.failed),
        message.final
          ? button("btn btn--quiet btn--sm", "Discard", { discard: message.client_id })
          : button("btn btn--quiet btn--sm", "Retry", { retry: message.client_id }),
      );
    }
    if (state.canChange(message) && !state.isEditing(message)) {
      const actions = el("div", "msg__actions");
      actions.append(
        button("btn btn--quiet btn--sm", "Edit", { edit: message.id }),
        button("btn btn--quiet btn--sm", "Delete", { delete: message.id }),
      );
      item.append(actions);
    }
    return item;
  }

  return function render() {
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    const all = state.ordered();
    const seen = state.seenLine(all);
    const fragment = document.createDocumentFragment();
    let previous = null;
    let lastDay = null;
    for (const message of all) {
      const day = dayFormat.format(new Date(message.created_at));
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
  };
}
