/* The trainer console's warning before it idles out: a minute before (a quarter of the idle time, when that is
   shorter), a dialog with a countdown and "Stay signed in", as the account page warns before its automatic
   logoff. The console's own refreshes and feed never count as activity (trainer.js), so a trainer busy
   talking through a demo is signed out without it; the click is a request that counts.

   The page counts from its own last request that counted (SLS.lastActivity: its load, a click's call). The
   trainer's activity in another tab keeps the same sign-in alive for longer, so the warning can come early
   there, never late; "Stay signed in" answers it either way. Past the deadline the next refresh's 401 (or the
   feed's `signed_out` event) takes the page to the sign-in form, which says why. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  const warning = document.querySelector("[data-testid=console-idle-warning]");
  if (!root || !warning) return;
  const countdown = warning.querySelector("[data-testid=console-idle-countdown]");
  const stay = warning.querySelector("[data-testid=console-stay]");
  const idleS = Number(root.dataset.idleS);
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
    await SLS.call("GET", root.dataset.usersUrl); /* not marked background: the person's activity */
    render();
  });
  setInterval(render, 1000);
  render();
})();
