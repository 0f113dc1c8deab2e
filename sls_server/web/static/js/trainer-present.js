/* The trainer console's Present toggle: the live feed alone over the whole window, in large type, for a room
   watching a projector (the console's own .84rem lines cannot be read from the back). Everything else on the
   page is inert meanwhile, so the keyboard and a screen reader stay in the feed; Esc or the button leaves.
   The choice is kept for this tab (sessionStorage), so a reload mid-demo does not drop the room's view.
   The button's words say the way out while presenting ("Stop presenting (Esc)"; it kept "Present", the Esc
   only in its tooltip), so it is no aria-pressed toggle (WAI-ARIA APG: a toggle's label stays the same). */
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

  const presenting = function () { return document.body.classList.contains("presenting"); };
  function present(on) {
    document.body.classList.toggle("presenting", on);
    toggle.textContent = on ? "Stop presenting (Esc)" : "Present";
    around().forEach(function (other) { other.inert = on; });
    try {
      if (on) sessionStorage.setItem(KEY, "1");
      else sessionStorage.removeItem(KEY);
    } catch (e) { /* storage refused: the toggle still works, for this page */ }
  }

  /* Present from elsewhere on the page (the attack card's button): leaving (Esc, or the button) then comes
     back to that button, where the trainer was, rather than to the feed's button at the foot of a one-column
     console. */
  let opener = toggle;
  function leave() { present(false); opener.focus(); }
  toggle.addEventListener("click", function () {
    if (presenting()) { leave(); return; }
    opener = toggle;
    present(true);
  });
  root.querySelectorAll("[data-present-feed]").forEach(function (button) {
    button.addEventListener("click", function () { opener = button; present(true); toggle.focus(); });
  });
  /* Tab goes round the presented feed (its button, its list, a link in an event): past its last stop it
     went to the page body behind, inert and hidden, and the trainer's focus was nowhere to be seen. */
  function stops() {
    return Array.from(feed.querySelectorAll("button, a[href], [tabindex='0']"))
      .filter(function (node) { return node.getClientRects().length > 0; });
  }
  document.addEventListener("keydown", function (event) {
    if (!presenting()) return;
    if (event.key === "Escape") { leave(); return; }
    if (event.key !== "Tab") return;
    const all = stops();
    if (!all.length) return;
    const first = all[0], last = all[all.length - 1];
    const at = document.activeElement;
    if (event.shiftKey ? at === first || !feed.contains(at) : at === last || !feed.contains(at)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  });
  let kept = false;
  try { kept = sessionStorage.getItem(KEY) === "1"; } catch (e) { kept = false; }
  if (kept) present(true);
})();
