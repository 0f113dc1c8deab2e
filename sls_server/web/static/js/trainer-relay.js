/* The attacker's screen of a phishing relay (trainer_relay.html): drawn by the server
   (sls_server/sim/relay_screen.py), read again from /trainer/attacks/relay/screen when the console's live
   feed (/trainer/events, the same stream as the console's) tells of something the screen may show: an event
   of a shown relay's victim (an earlier relay may still wait on her phone), or one from an attacker's
   address (a new relay's password, on any victim), or a move of the server's clock (past a push's lifetime,
   the wait is over). A push's lifetime also lapses with no event at all: while a relay on the screen waits
   on her phone, the screen is read again every WAITING_REREAD_MS, so "Waiting for ivy to pick 17" does not
   stay up beside the console's "The defences held." until a reload; with nothing waiting, it asks nothing
   between events. Its reads are background ones, never the trainer's activity, so a screen left on the
   projector still idles out, and its 401 goes to the sign-in form.

   A screen reader hears the outcome (the verdict and the defence) once each time it changes, from a status
   line of its own: the card is not a live region, for each redraw would have it read the whole screen again,
   changed or not. A screen read again unchanged is not drawn again, so a reader keeps their place in it. */
"use strict";
(function () {
  const root = document.querySelector("[data-relay]");
  if (!root) return;
  const card = root.querySelector("[data-testid=relay-card]");
  const feedState = root.querySelector("[data-testid=relay-feed-state]");
  const ATTACKERS = new Set((root.dataset.attackerIps || "").split(" ").filter(Boolean));
  const drawnMs = Number(root.dataset.drawnMs);
  const victimsOf = function (el) { return new Set((el.dataset.victims || "").split(" ").filter(Boolean)); };
  let victims = victimsOf(root.querySelector("[data-testid=relay-screen]") || root);
  let timer = null;
  const announcer = root.querySelector("[data-testid=relay-announcer]");
  const outcomeOf = function (screen) {
    const outcome = screen.querySelector("[data-testid=relay-outcome]");
    return outcome ? Array.from(outcome.children, function (p) { return p.textContent.trim(); }).join(" ") : "";
  };
  let said = outcomeOf(card); // the screen as opened is not news

  function concerns(e) {
    if (Number(String(e.id).split("-")[0]) <= drawnMs) return false; // the backlog: drawn already
    return (e.ip && ATTACKERS.has(e.ip)) || (e.user && victims.has(e.user)) || e.type === "emulator.reset" ||
      e.type === "state.imported" || /^clock\./.test(e.type);
  }

  /* A relay waiting on the victim's phone ends at its push's lifetime, which no event tells of. */
  const WAITING_REREAD_MS = 5000;
  let rereading = null;
  function rereadWhileWaiting() {
    clearTimeout(rereading);
    if (card.querySelector("[data-state=waiting]")) rereading = setTimeout(redraw, WAITING_REREAD_MS);
  }

  function redraw() {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      if (await readScreen()) rereadWhileWaiting();
    }, 250);
  }

  /* The screen read again and drawn if it changed; false once the sign-in has ended (to the sign-in form). */
  async function readScreen() {
    let response;
    try { response = await fetch(root.dataset.screenUrl, { credentials: "same-origin", headers: SLS.background }); } catch (err) { return true; }
    if (response.status === 401) {
      let refusal = {};
      try { refusal = await response.json(); } catch (err) { refusal = {}; }
      SLS.signedOut(response.status, refusal);
      return false;
    }
    if (!response.ok) return true;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const screen = doc.querySelector("[data-testid=relay-screen]");
    if (!screen) return true;
    const shown = card.querySelector("[data-testid=relay-screen]");
    if (shown && shown.outerHTML === screen.outerHTML) return true; // nothing new: a screen reader keeps its place
    // an earlier relay the trainer opened stays open over the redraw
    const open = new Set(Array.from(card.querySelectorAll("details[open][data-run]"), function (d) { return d.dataset.run; }));
    screen.querySelectorAll("details[data-run]").forEach(function (d) { if (open.has(d.dataset.run)) d.open = true; });
    card.replaceChildren(document.importNode(screen, true));
    const now = outcomeOf(card);
    if (now !== said) { said = now; announcer.textContent = now; }
    victims = victimsOf(screen); // a new relay's victim too: her events from now on
    return true;
  }

  function feedIs(state, text) { feedState.dataset.state = state; feedState.textContent = text; feedState.className = "feed-state " + (state === "polling" ? "live" : state); }
  const source = new EventSource(root.dataset.eventsUrl);
  source.addEventListener("live", function () { feedIs("live", "live"); });
  source.addEventListener("crowded", function () { feedIs("polling", "live, every 3 s"); });
  source.addEventListener("outage", function () { feedIs("outage", "Redis unreachable: retrying…"); });
  source.addEventListener("signed_out", function () { source.close(); window.location.reload(); });
  source.addEventListener("audit", function (message) {
    let e;
    try { e = JSON.parse(message.data); } catch (err) { return; }
    SLS.attackersAfter(e, ATTACKERS);
    if (concerns(e)) redraw();
  });
  rereadWhileWaiting(); // the screen as drawn may wait already
})();
