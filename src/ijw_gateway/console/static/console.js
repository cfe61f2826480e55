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
