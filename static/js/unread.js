// On every signed-in page: keeps the unread total in the tab title and the Messages link,
// and the inbox list (when shown) current, from conversation.updated events. Offers desktop
// notifications for new messages once the person has opted in.
import { getLive } from "./live.js";

const live = getLive();
const dataNode = document.getElementById("unread-data");
const unread = new Map(Object.entries(dataNode ? JSON.parse(dataNode.textContent) : {}).map(([k, v]) => [Number(k), v]));
const baseTitle = document.title.replace(/^\(\d+\) /, "");
const OPT_IN = "tandem.desktop-notifications";

function total() {
  let sum = 0;
  for (const n of unread.values()) sum += n;
  return sum;
}

function showTotal() {
  const n = total();
  document.title = n ? `(${n}) ${baseTitle}` : baseTitle;
  for (const badge of document.querySelectorAll("[data-unread-total]")) {
    badge.textContent = n;
    badge.hidden = n === 0;
  }
}

function preview(message, meId) {
  if (!message) return "No messages yet";
  if (message.deleted) return "Message deleted";
  if (message.kind === "system") return message.body;
  const text = message.body || "Sent an attachment";
  return (message.sender?.id === meId ? "You: " : "") + text;
}

function updateList(frame) {
  const list = document.querySelector("[data-convlist] .convlist__items");
  const item = list?.querySelector(`[data-conversation="${frame.conversation}"]`);
  if (!item) return;
  const meId = Number(document.body.dataset.userId);
  item.querySelector("[data-preview]").textContent = preview(frame.last_message, meId).slice(0, 140);
  const badge = item.querySelector("[data-unread]");
  badge.firstChild.textContent = frame.unread;
  badge.hidden = frame.unread === 0;
  item.classList.toggle("convlist__item--unread", frame.unread > 0);
  const time = item.querySelector("time");
  if (time && frame.last_message) {
    time.dateTime = frame.last_message.created_at;
    time.textContent = "now";
  }
  list.prepend(item.parentElement);
}

function notifyDesktop(frame, before) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (localStorage.getItem(OPT_IN) !== "on" || document.visibilityState === "visible") return;
  if (frame.unread <= before || !frame.last_message) return;
  const message = frame.last_message;
  const note = new Notification(message.sender?.name || "Tandem", { body: preview(message, -1).slice(0, 120), tag: `conversation-${frame.conversation}` });
  note.onclick = () => {
    window.focus();
    location.href = `/messages/${frame.conversation}/`;
  };
}

live.addEventListener("conversation.updated", (event) => {
  const frame = event.detail;
  const before = unread.get(frame.conversation) || 0;
  unread.set(frame.conversation, frame.unread);
  showTotal();
  updateList(frame);
  notifyDesktop(frame, before);
});

live.addEventListener("conversation.removed", (event) => {
  unread.delete(event.detail.conversation);
  showTotal();
});

// A notification for this person (an invitation, a deadline…): bump the bell, show a toast.
live.addEventListener("notification", (event) => {
  const { notification } = event.detail;
  const badge = document.querySelector("[data-notification-count]");
  if (badge) {
    badge.textContent = Number(badge.textContent || 0) + 1;
    badge.hidden = false;
  }
  const box = document.getElementById("toasts");
  if (!box) return;
  const toast = document.createElement("div");
  toast.className = "toast toast--info";
  toast.setAttribute("role", "status");
  const text = document.createElement(notification.url ? "a" : "span");
  text.className = "toast__text";
  text.textContent = notification.title;
  if (notification.url) text.href = notification.url;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast__close";
  close.dataset.dismiss = "";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  toast.append(text, close);
  box.append(toast);
  setTimeout(() => toast.remove(), 8000);
});

const optIn = document.querySelector("[data-enable-notifications]");
if (optIn && "Notification" in window && localStorage.getItem(OPT_IN) !== "on") {
  optIn.hidden = false;
  optIn.addEventListener("click", async () => {
    const permission = await Notification.requestPermission();
    if (permission === "granted") {
      localStorage.setItem(OPT_IN, "on");
      optIn.hidden = true;
    }
  });
}

showTotal();
