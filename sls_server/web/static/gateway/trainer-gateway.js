/* The trainer console's gateway card: the gateway's state and its processes' leases in words (as the page
   loads, from the state the server put in the card, and after every answer; each lease's time left counting
   down in between, the state read again when one runs out), each button staging a change
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
     dead process's runs out), as sls gateway-state status says them; a start ends the session only alone.
     The time left counts down from the last answer's lease_left_ms (`elapsed` ms since it came). */
  function processes(found, elapsed) {
    if (!found || !found.length) return "none holds a lease (a start of sls gateway ends the session)";
    return found.map(function (each) {
      const ms = each.lease_left_ms - elapsed;
      const left = typeof each.lease_left_ms === "number" ? ", lease " + Math.max(0, Math.ceil(ms / 1000)) + " s left" : "";
      return each.host + ":" + each.port + " (pid " + each.pid + left + ")";
    }).join(", ");
  }

  /* The leases as last served and when (the page's monotonic clock): what the countdown counts from. */
  let served = { found: [], at: 0 };
  let reading = false;
  let nextRead = 0;

  function show(state) {
    served = { found: state.processes || [], at: performance.now() };
    stateLine.textContent = "Gateway state: " + said(state);
    countDown();
    return said(state);
  }

  /* Every quarter second: each lease's time left as of now; once one runs out, the state is read again
     (GET /trainer/gateway, not the trainer's activity): a live process has renewed its lease meanwhile, a
     dead one's is gone. A read that fails is tried again 5 s later, not at every tick. */
  function countDown() {
    const elapsed = performance.now() - served.at;
    processLine.textContent = "Gateway processes: " + processes(served.found, elapsed);
    const ranOut = served.found.some(function (each) {
      return typeof each.lease_left_ms === "number" && each.lease_left_ms - elapsed <= 0;
    });
    if (ranOut && !reading && performance.now() >= nextRead) readAgain();
  }

  async function readAgain() {
    reading = true;
    try {
      const answer = await SLS.call("GET", "/trainer/gateway", undefined, { background: true });
      if (answer.ok) show(answer.data);
      else nextRead = performance.now() + 5000;
    } finally {
      reading = false;
    }
  }
  show(JSON.parse(stateLine.dataset.state));
  setInterval(countDown, 250);

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
