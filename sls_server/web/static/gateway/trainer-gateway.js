/* The trainer console's gateway card: the gateway's state and its processes' leases in words (as the page
   loads, from the state the server put in the card, and after every answer), each button staging a change
   on the gateway's session and saying what the REST routes now report; the daily reset is set (HH:MM UTC)
   or turned off, a refusal shown next to the field (SLS.trainer, from trainer-admin.js, which loads after
   this card: read when a button is used). */
"use strict";
(function () {
  const card = document.querySelector("[data-testid=trainer-gateway]");
  if (!card) return;
  const result = card.querySelector("[data-testid=gateway-result]");
  const stateLine = card.querySelector("[data-testid=gateway-state]");
  const processLine = card.querySelector("[data-testid=gateway-processes]");
  const endings = JSON.parse(stateLine.dataset.endings);

  /* How the last session ended: the words web/wording.py's gateway_ending says (sls gateway-state status). */
  function ending(ended) {
    const words = endings[ended.ended_by] || endings[ended.reason] || ended.reason.replace(/_/g, " ");
    return words + " at " + new Date(ended.at * 1000).toISOString().slice(11, 16) + " UTC";
  }

  /* /admin/v1/gateway's document, as a trainer reads it at a glance. */
  function said(state) {
    const session = state.session;
    if (!session) {
      const last = state.ended ? " — the last one ended: " + ending(state.ended) : "";
      return "No gateway session" + last + ". Clients must log in through /sso/Login.";
    }
    const who = "Logged in as " + session.username + (session.paper ? " (paper)" : "") + " · ";
    if (!session.connected) {
      const competing = session.competing ? "; another session competes" : "";
      return who + "disconnected from the brokerage's servers" + competing + ": a client must reauthenticate.";
    }
    if (session.competing) return who + "another session competes: a client must reauthenticate to take it over.";
    if (!session.authenticated) return who + "brokerage session dropped: a client must reauthenticate.";
    return who + "brokerage session up.";
  }

  /* The sls gateway processes serving it and each lease's time left (renewed every third of its 10 s: a
     dead process's runs out), as sls gateway-state status says them; a start ends the session only alone. */
  function processes(found) {
    if (!found || !found.length) return "none holds a lease (a start of sls gateway ends the session)";
    return found.map(function (each) {
      const left = typeof each.lease_left_ms === "number" ? ", lease " + Math.ceil(each.lease_left_ms / 1000) + " s left" : "";
      return each.host + ":" + each.port + " (pid " + each.pid + left + ")";
    }).join(", ");
  }

  function show(state) {
    stateLine.textContent = "Gateway state: " + said(state);
    processLine.textContent = "Gateway processes: " + processes(state.processes);
    return said(state);
  }
  show(JSON.parse(stateLine.dataset.state));

  card.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-gateway]");
    if (!button) return;
    const answer = await SLS.call("POST", "/trainer/gateway", { change: button.dataset.gateway });
    if (!answer.ok) {
      result.textContent = answer.data.message || "The change failed.";
      return;
    }
    result.textContent = show(answer.data);
  });

  const resetForm = card.querySelector("[data-form=daily-reset]");
  const current = card.querySelector("[data-testid=gateway-daily-reset-current]");
  async function setReset(at, button) {
    const T = SLS.trainer;
    await T.busy(button, async function () {
      const answer = await SLS.call("POST", "/trainer/gateway/daily-reset", { at: at });
      T.clearErrors(resetForm);
      if (!answer.ok) { T.showError(resetForm, answer); return; }
      show(answer.data);
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
