/* The warning before a sign-in to the trainer console or the simulator pages idles out: a minute before (a
   quarter of the idle time, when that is shorter), a dialog with a countdown and "Stay signed in", as the
   account page warns before its automatic logoff. These pages' own refreshes, polls and feed never count as
   activity (they carry SLS.background), so a trainer busy talking through a demo is signed out without it;
   the click is a request that counts.

   The page counts from its own last request that counted (SLS.lastActivity: its load, a click's call). The
   person's activity in another tab keeps the same sign-in alive for longer, so the warning can come early
   there, never late; "Stay signed in" answers it either way. Past the deadline the next refresh's 401 (or the
   feed's `signed_out` event) takes the page to the sign-in form, which says why.

   The markup is `_idle_warning.html`'s: the dialog carries the idle time (`data-idle-s`) and the address the
   click asks for (`data-stay-url`, a read that counts as activity). */
"use strict";
(function () {
  const warning = document.querySelector("[data-idle-warning]");
  if (!warning) return;
  const countdown = warning.querySelector("[data-idle-countdown]");
  const stay = warning.querySelector("[data-idle-stay]");
  const idleS = Number(warning.dataset.idleS);
  const warnBefore = Math.min(60, idleS / 4);
  let returnTo = null; /* what had the focus when the warning took it */

  function render() {
    const left = idleS - (Date.now() - SLS.lastActivity()) / 1000;
    countdown.textContent = SLS.clock(left);
    const warn = left <= warnBefore;
    if (warn && warning.hidden) {
      returnTo = document.activeElement !== document.body ? document.activeElement : null;
      warning.hidden = false;
      stay.focus();
    }
    if (!warn && !warning.hidden) {
      const inWarning = warning.contains(document.activeElement) || document.activeElement === document.body;
      warning.hidden = true;
      if (inWarning && returnTo && returnTo.isConnected) returnTo.focus();
      returnTo = null;
    }
  }

  stay.addEventListener("click", async function () {
    try {
      await SLS.request(warning.dataset.stayUrl, { method: "GET" }); /* not background: the person's activity */
    } catch (error) {
      /* offline: the next refresh says so; the countdown restarts from this click either way */
    }
    render();
  });
  setInterval(render, 1000);
  render();
})();
