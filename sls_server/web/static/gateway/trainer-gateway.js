/* The trainer console's gateway card: each button stages a change on the gateway's session and says what the
   REST routes now report. */
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
})();
