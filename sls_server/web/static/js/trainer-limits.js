/* The trainer console's "Login limit by address" card (sls_server/http/pages/trainer_limits.py): Check reads
   an address's per-address login limit (GET /admin/v1/ip-throttle's twin), Lift the limit forgets the
   attempts counted against it (POST /admin/v1/ip-throttle/lift's twin, recorded in the trail). Both are POSTs
   with the page's CSRF token, a person's actions; the outcome is said in the card's status line, a refusal
   next to the address field (SLS.trainer, from trainer-admin.js). */
"use strict";
(function () {
  const form = document.querySelector("[data-form=ip-limit]");
  if (!form) return;
  const lift = form.querySelector("[data-ip-limit-lift]");

  function attempts(n) { return n + (n === 1 ? " attempt" : " attempts"); }

  function stateText(r) {
    const counted = r.counted_as === r.ip ? r.ip : r.ip + " (counted as " + r.counted_as + ")";
    const said = r.limited
      ? counted + " is limited: every login from it is refused, a right password too, for " +
        SLS.duration(r.retry_after) + " more (" + attempts(r.attempts) + " of " + r.limit + " in the window)."
      : counted + " is not limited: " + attempts(r.attempts) + " of " + r.limit + " in the window.";
    return said + tokensText(r.token_guesses, r.limit, "admin or sim") + tokensText(r.metrics_guesses, r.limit, "metrics");
  }

  function tokensText(n, limit, kind) {
    if (!n) return "";
    return " Wrong " + kind + " tokens: " + n + " of " + limit + (n >= limit ? ", every token from it refused, the right one too." : ".");
  }

  function liftedText(r) {
    const tokens = r.token_guesses_cleared || 0, metrics = r.metrics_guesses_cleared || 0;
    if (!r.cleared && !tokens && !metrics) return r.counted_as + " had no attempts counted: nothing changed.";
    const told = [];
    if (r.cleared) told.push("The login limit of " + r.counted_as + " is lifted: " + attempts(r.cleared) + " forgotten; its next login is judged at once.");
    if (tokens) told.push(tokens + " wrong admin or sim token" + (tokens === 1 ? "" : "s") + " from " + r.counted_as + " forgotten: its right token is let through again.");
    if (metrics) told.push(metrics + " wrong metrics token" + (metrics === 1 ? "" : "s") + " from " + r.counted_as + " forgotten: its right token reads /metrics again.");
    return told.join(" ");
  }

  async function send(url, button, words) {
    await SLS.trainer.busy(button, async function () {
      SLS.trainer.clearErrors(form);
      const answer = await SLS.call("POST", url, { ip: form.ip.value.trim() });
      if (!answer.ok) { SLS.trainer.showError(form, answer); return; }
      SLS.trainer.say(words(answer.data), false, form);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send("/trainer/ip-throttle", form.querySelector("[type=submit]"), stateText);
  });
  lift.addEventListener("click", function () {
    send("/trainer/ip-throttle/lift", lift, liftedText);
  });
})();
