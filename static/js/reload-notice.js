// "This changed elsewhere": reload at once, unless that would throw away what the person is
// writing; then a notice with a Reload button appears once, right after `anchor`.
export function reloadOrNotice({ busy, anchor, text, className = "" }) {
  if (!busy) {
    location.reload();
    return;
  }
  if (document.querySelector("[data-reload-notice]")) return;
  const notice = document.createElement("p");
  notice.className = `banner banner--warning ${className}`.trim();
  notice.setAttribute("role", "status");
  notice.dataset.reloadNotice = "";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn--secondary btn--sm";
  button.textContent = "Reload";
  button.addEventListener("click", () => location.reload());
  notice.append(text + " ", button);
  anchor.after(notice);
}
