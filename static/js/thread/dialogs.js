// The page's confirmation dialog (<dialog data-dialog>, in messaging/_chat.html) and toasts.
import { el } from "./render.js";

export function openDialog(dialog, { title, paragraphs, confirmLabel, danger, onConfirm, cancelLabel = "Cancel", onCancel }) {
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

export function toast(text, level = "info") {
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
