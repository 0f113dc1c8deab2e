/* The trainer console's gateway card: each button stages a change on the gateway's session and says what the
   REST routes now report; the daily reset is set (HH:MM UTC) or turned off, a refusal shown next to the field
   (SLS.trainer, from trainer-admin.js, which loads after this card: read when a button is used). */
"use strict";
(function () {
  const card = document.querySelector("[data-testid=trainer-gateway]");
  if (!card) return;
  const result = card.querySelector("[data-testid=gateway-result]");
  card.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-gateway]");
    if (!button) return;
    const answer = await SLS.call("POST", "/trainer/gateway", { change: button.dataset.gateway });
    if (!answer.ok) {
      result.textContent = answer.data.message || "The change failed.";
      return;
    }
    const session = answer.data.session;
    if (!session) {
      result.textContent = "No gateway session: clients must log in through /sso/Login.";
      return;
    }
    result.textContent = session.username + ": authenticated " + session.authenticated + ", connected " +
      session.connected + ", competing " + session.competing + ".";
  });

  const resetForm = card.querySelector("[data-form=daily-reset]");
  const current = card.querySelector("[data-testid=gateway-daily-reset-current]");
  async function setReset(at, button) {
    const T = SLS.trainer;
    await T.busy(button, async function () {
      const answer = await SLS.call("POST", "/trainer/gateway/daily-reset", { at: at });
      T.clearErrors(resetForm);
      if (!answer.ok) { T.showError(resetForm, answer); return; }
      const set = answer.data.daily_reset;
      current.textContent = set ? set + " UTC" : "none";
      resetForm.at.value = resetForm.at.defaultValue = set || "";
      result.textContent = set ? "The gateway's session ends every day at " + set + " UTC (the server's clock)." : "No daily reset: the gateway's session ends only as any session does.";
    });
  }
  resetForm.addEventListener("submit", function (event) {
    event.preventDefault();
    setReset(resetForm.at.value.trim(), resetForm.querySelector("[type=submit]"));
  });
  card.querySelector("[data-daily-reset-off]").addEventListener("click", function (event) {
    setReset(null, event.currentTarget);
  });
})();
