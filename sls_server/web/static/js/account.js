/* The account page's automatic-logoff countdown, the warning before it, "Stay logged in", and the step-ups
   that still count ("Identity verified for").
   The server's clock is the truth: the page asks /account/session every 2 s (without counting as activity)
   and counts down locally in between. */
"use strict";
(function () {
  const root = document.querySelector("[data-account]");
  if (!root) return;
  const countdown = root.querySelector("[data-testid=session-countdown]");
  const warning = root.querySelector("[data-testid=logoff-warning]");
  const warningCount = root.querySelector("[data-testid=logoff-warning-countdown]");
  const stay = root.querySelector("[data-testid=stay-logged-in]");
  const byIdle = root.querySelector("[data-testid=logoff-warning-idle]");
  const byLimit = root.querySelector("[data-testid=logoff-warning-limit]");
  const unavailable = root.querySelector("[data-testid=session-unavailable]");
  const verified = root.querySelector("[data-testid=account-verified]");
  const warnBefore = Number(root.dataset.warnBefore);
  /* Both ends from one reading of the clock: two readings a millisecond apart (a slow or loaded CPU) made
     two equal ends unequal, and the warning flip between "maximum length" and "inactivity" from one
     answer to the next. */
  const loaded = Date.now();
  let idleAt = loaded + Number(root.dataset.idleIn) * 1000;
  let absoluteAt = loaded + Number(root.dataset.expiresIn) * 1000;
  let returnTo = null; /* what had the focus when the logoff warning took it */

  /* The server says which limit ended the session (reason=idle or reason=absolute); or, for a poll sent with
     the token a step-up in another tab retired (state "rotated": the session lives on under the new one),
     the account page again, which the browser opens with the cookie it holds now. */
  function leave(next) {
    window.location.assign(next);
  }

  /* A form sent from this page (Log out, a change) is where the browser goes next: a poll answered while it
     is on its way (the logout has just ended the session) must not send the browser to "Your session has
     ended" in its place. For a while only (SENT_WAIT_MS): a send stopped on its way (Esc, Stop) leaves the
     page here, and a session that ends later (the automatic logoff, Client Services) must still leave it.
     A page shown again from the back/forward cache starts afresh. */
  const SENT_WAIT_MS = 10000;
  let sentAt = null;
  document.addEventListener("submit", function (event) { if (!event.defaultPrevented) sentAt = Date.now(); });
  window.addEventListener("pageshow", function () { sentAt = null; });

  function apply(body) {
    if (body.state !== "active" && sentAt !== null && Date.now() - sentAt < SENT_WAIT_MS) return true;
    if (body.state !== "active") { leave(body.next || "/logged-out?reason=ended"); return false; }
    const at = Date.now(); /* one reading for both ends (above) */
    idleAt = at + body.idle_expires_in * 1000;
    absoluteAt = at + body.expires_in * 1000;
    /* a step-up counts for a few minutes of the server's clock: the line goes when it no longer does */
    verified.hidden = !body.verified.length;
    verified.querySelector("[data-field=verified]").textContent = body.verified_said; /* the user's words */
    render();
    return true;
  }

  function render() {
    const left = (Math.min(idleAt, absoluteAt) - Date.now()) / 1000;
    countdown.textContent = SLS.clock(left);
    const warn = left <= warnBefore;
    /* Near the session's maximum length activity extends nothing: say so, and offer no "Stay logged in". */
    const atLimit = absoluteAt <= idleAt;
    const stayHadFocus = document.activeElement === stay;
    byIdle.hidden = atLimit;
    byLimit.hidden = !atLimit;
    stay.hidden = atLimit;
    if (warn && warning.hidden) {
      returnTo = document.activeElement !== document.body ? document.activeElement : null;
      warning.hidden = false;
      (atLimit ? warning : stay).focus();
    } else if (warn && atLimit && stayHadFocus) {
      /* the shown warning now reaches the maximum length (activity in another tab moved the idle end
         there): its "Stay logged in" went from under the focus, which stays in the dialog, not on the page */
      warning.focus();
    }
    if (!warn && !warning.hidden) {
      /* answered (here or in another tab): the focus goes back where the warning took it from */
      const inWarning = warning.contains(document.activeElement) || document.activeElement === document.body;
      warning.hidden = true;
      if (inWarning && returnTo && returnTo.isConnected) returnTo.focus();
      returnTo = null;
    }
    warningCount.textContent = SLS.clock(left);
  }

  /* An answer that is not the session's (503 store_unavailable while Redis is away) says nothing about the
     session: the page says it cannot check, keeps counting down, and asks again. Only the server's own
     word (expired, ended) sends the user to the logged-out page. */
  function checked(answer) {
    unavailable.hidden = answer.ok;
    return answer.ok;
  }

  /* A tickle refused for its form token: this page's token is bound to the session it was loaded with, and
     the browser's cookie now names another (a new login in another tab; a step-up there, which rotates the
     session's token, is not one: the server counts the old page's token as the session's). The account
     page is opened again: the session as it is now, or the login page. */
  function staleForm(answer) {
    return answer.status === 403 && answer.data.error === "csrf_token_invalid";
  }

  stay.addEventListener("click", async function () {
    const answer = await SLS.call("POST", root.dataset.tickleUrl);
    if (staleForm(answer)) leave(root.dataset.accountUrl);
    else if (checked(answer)) apply(answer.data);
  });
  setInterval(render, 1000);
  render();
  SLS.poll(async function () {
    const answer = await SLS.call("GET", root.dataset.sessionUrl);
    return checked(answer) ? apply(answer.data) : true;
  }, 2000);
})();
