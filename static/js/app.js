// Behaviour shared by every page. An ES module: deferred, strict, no globals.

// Toasts: the close button removes its toast (event delegation, so toasts added later work too).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-dismiss]");
  if (button) {
    button.closest(".toast, .banner")?.remove();
  }
});

// <details data-menu> menus (account, phone navigation) work without JavaScript; with it, they
// also close on Escape and on a click outside, as people expect from a menu.
function closeMenus(except) {
  for (const menu of document.querySelectorAll("details[data-menu][open]")) {
    if (menu !== except) menu.open = false;
  }
}

document.addEventListener("click", (event) => {
  closeMenus(event.target.closest("details[data-menu]"));
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("details[data-menu][open]");
  if (open) {
    open.open = false;
    open.querySelector("summary")?.focus();
  }
});
