/* The trainer console's Present toggle: the live feed alone over the whole window, in large type, for a room
   watching a projector (the console's own .84rem lines cannot be read from the back). Everything else on the
   page is inert meanwhile, so the keyboard and a screen reader stay in the feed; Esc or the toggle leaves.
   The choice is kept for this tab (sessionStorage), so a reload mid-demo does not drop the room's view. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  const toggle = root && root.querySelector("[data-testid=feed-present]");
  if (!toggle) return;
  const feed = toggle.closest(".feed");
  const KEY = "sls-trainer-present";

  /* What sits beside the feed, at every level up to the body: inert while presenting. */
  function around() {
    const others = [];
    for (let node = feed; node && node !== document.body; node = node.parentElement) {
      Array.from(node.parentElement.children).forEach(function (sibling) {
        if (sibling !== node && sibling.tagName !== "SCRIPT") others.push(sibling);
      });
    }
    return others;
  }

  function present(on) {
    document.body.classList.toggle("presenting", on);
    toggle.setAttribute("aria-pressed", String(on));
    around().forEach(function (other) { other.inert = on; });
    try {
      if (on) sessionStorage.setItem(KEY, "1");
      else sessionStorage.removeItem(KEY);
    } catch (e) { /* storage refused: the toggle still works, for this page */ }
  }

  /* Present from elsewhere on the page (the attack card's button): Esc then comes back to that button, where
     the trainer was, rather than to the feed's toggle at the foot of a one-column console. */
  let opener = toggle;
  toggle.addEventListener("click", function () { opener = toggle; present(toggle.getAttribute("aria-pressed") !== "true"); });
  root.querySelectorAll("[data-present-feed]").forEach(function (button) {
    button.addEventListener("click", function () { opener = button; present(true); toggle.focus(); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-pressed") === "true") {
      present(false);
      opener.focus();
    }
  });
  let kept = false;
  try { kept = sessionStorage.getItem(KEY) === "1"; } catch (e) { kept = false; }
  if (kept) present(true);
})();
