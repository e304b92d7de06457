// Earlier messages: fetched from the history endpoint when the reader scrolls near the top
// (or presses "Load earlier messages"), merged, and the scroll position kept in place.

export function wireHistory({ root, state, render }) {
  const scroller = root.querySelector("[data-scroller]");
  const olderButton = root.querySelector("[data-older]");
  let loadingOlder = false;

  async function loadOlder() {
    if (!state.hasOlder || loadingOlder) return;
    loadingOlder = true;
    const lowest = state.lowestSeq();
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    try {
      const response = await fetch(`${root.dataset.historyUrl}?before=${lowest}`, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const answer = await response.json();
        for (const message of answer.messages) state.merge(message);
        state.hasOlder = answer.has_more;
        render();
        scroller.scrollTop = scroller.scrollHeight - fromBottom;
      }
    } finally {
      loadingOlder = false;
      olderButton.hidden = !state.hasOlder;
    }
  }

  scroller.addEventListener("scroll", () => {
    if (scroller.scrollTop < 120) loadOlder();
  });
  olderButton.addEventListener("click", loadOlder);
  olderButton.hidden = !state.hasOlder;
}
