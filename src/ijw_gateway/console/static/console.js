// The console's few lines of script: a finding's link brings its XML line into view and
// marks it. Everything works without script (the links are plain anchors).
"use strict";
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.goto");
  if (!link) return;
  const line = document.querySelector(link.getAttribute("href"));
  if (!line) return;
  event.preventDefault();
  document.querySelectorAll(".xml li.current").forEach((li) => li.classList.remove("current"));
  line.classList.add("current");
  line.setAttribute("tabindex", "-1");
  line.scrollIntoView({ block: "center" });
  line.focus({ preventScroll: true });
  history.replaceState(null, "", link.getAttribute("href"));
});

// A conformance run in progress: its bar follows the run, and the page reloads with the
// summary when it is done.
const run = document.getElementById("run");
if (run && run.dataset.done === "no") {
  const poll = async () => {
    const answer = await fetch(run.dataset.progress, { credentials: "same-origin" });
    if (!answer.ok) return;
    const state = await answer.json();
    const bar = document.getElementById("run-bar");
    bar.max = state.total || 1;
    bar.value = state.done_runs;
    document.getElementById("run-count").textContent = `${state.done_runs} / ${state.total || "?"}`;
    if (state.done) window.location.reload();
    else window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
}
