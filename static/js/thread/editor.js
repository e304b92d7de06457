// Editing a message in place: the draft lives in the state (so re-renders keep it), the form
// replaces the message's bubble, and saving sends the edit over the socket.
import { el } from "./render.js";

export function createEditor({ state, live, list, render }) {
  function start(id) {
    const message = state.byId(id);
    if (!message) return;
    state.editing = { id, draft: message.body };
    render();
    list.querySelector(".msg__edit-input")?.focus();
  }

  function finish() {
    state.editing = null;
    render();
  }

  function build(message) {
    const editor = el("form", "msg__editor");
    const area = el("textarea", "msg__edit-input");
    area.value = state.editing.draft;
    area.setAttribute("aria-label", "Edit message");
    const save = el("button", "btn btn--primary btn--sm", "Save");
    const cancel = el("button", "btn btn--quiet btn--sm", "Cancel");
    cancel.type = "button";
    editor.append(area, save, cancel);
    area.addEventListener("input", () => (state.editing.draft = area.value));
    editor.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = area.value.trim();
      if (body && body !== message.body) {
        message.pendingBody = body;
        live.edit(message.id, body);
      }
      finish();
    });
    cancel.addEventListener("click", finish);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") finish();
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        editor.requestSubmit();
      }
    });
    return editor;
  }

  return { start, build };
}
