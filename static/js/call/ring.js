// On every signed-in page: someone starting a call with this person rings here (a notice with
// Join, until they leave or it is dismissed), and a room's "In call" badge follows the call.
// The call page itself answers its own conversation's frames instead.
import { getLive } from "../live.js";

const live = getLive();
const callData = document.getElementById("call-data");
const here = callData ? JSON.parse(callData.textContent).conversation : null;
const rings = new Map(); // "conversation:user" -> the notice

function badges(conversation, shown) {
  for (const badge of document.querySelectorAll(`[data-call-live="${conversation}"]`)) badge.hidden = !shown;
}

function ring(frame) {
  const key = `${frame.conversation}:${frame.user.user}`;
  rings.get(key)?.remove();
  const box = document.getElementById("toasts");
  if (!box) return;
  const notice = document.createElement("div");
  notice.className = "toast toast--info call-ring";
  notice.setAttribute("role", "alert");
  notice.dataset.callRing = frame.conversation;
  const text = document.createElement("p");
  text.className = "toast__text";
  text.textContent = `${frame.user.name} is calling you`;
  const join = document.createElement("a");
  join.className = "btn btn--primary btn--sm";
  join.href = frame.url;
  join.textContent = "Join";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast__close";
  close.dataset.dismiss = "";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  notice.append(text, join, close);
  box.append(notice);
  rings.set(key, notice);
}

live.addEventListener("call.peer_joined", (event) => {
  const frame = event.detail;
  badges(frame.conversation, true);
  if (frame.conversation !== here) ring(frame);
});

live.addEventListener("call.peer_left", (event) => {
  const frame = event.detail;
  badges(frame.conversation, false);
  const key = `${frame.conversation}:${frame.user}`;
  rings.get(key)?.remove();
  rings.delete(key);
});
