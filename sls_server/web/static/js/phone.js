/* The phone page: polls the phone's state at the server's clock and draws the inbox, the call log, the
   authenticator codes and the network conditions; ibkey-app.js draws IBKR Mobile from the same state.
   Lists are redrawn only when their data changed, and in place, so nothing under the user's finger jumps. */
"use strict";
(function () {
  const stage = document.querySelector("[data-phone]");
  if (!stage) return;
  const victim = stage.querySelector("[data-handset=victim]");
  const attacker = stage.querySelector("[data-handset=attacker]");
  const drawn = {};
  const announcer = document.querySelector("[data-testid=phone-announcer]");
  const news = [];
  const counted = {};

  /* The buzz: a handset that got a text, a call or a notification shakes for a moment (where motion is
     reduced, its frame lights up instead, without moving) and, on a device that can, vibrates: only once the
     viewer has touched the page, since a browser refuses (and logs a warning for) vibration before that. */
  function buzz(root) {
    root.classList.remove("buzz");
    void root.offsetWidth; /* a buzz during a buzz starts again */
    root.classList.add("buzz");
    root.dataset.buzzes = String(Number(root.dataset.buzzes || 0) + 1);
    if (navigator.vibrate && navigator.userActivation && navigator.userActivation.hasBeenActive) navigator.vibrate([120, 60, 120]);
  }
  [victim, attacker].forEach(function (root) {
    root.addEventListener("animationend", function (event) { if (event.target === root) root.classList.remove("buzz"); });
  });

  /* What arrived since the last poll, said once in one polite message (the buzz, for a screen reader):
     the first poll only counts what is already there, so opening the page reads nothing out. */
  /* How many of `what` arrived since the last state (none on the first: those are not news). */
  function arrived(root, what, count, say) {
    const key = root.dataset.handset + ":" + what;
    const fresh = key in counted && count > counted[key] ? count - counted[key] : 0;
    if (fresh) { news.push(say(fresh)); buzz(root); }
    counted[key] = count;
    return fresh;
  }

  /* A call arriving shows over the open app as the handset's banner, until the call log is opened (tapping
     the banner opens it); the Calls tab's count alone went unseen while the room watched the texts. */
  function ringing(root, fresh) {
    const banner = root.querySelector("[data-call-banner]");
    const tab = root.querySelector("[data-tab=calls]");
    if (!banner || !tab || tab.getAttribute("aria-selected") === "true") return;
    const shown = banner.hidden ? 0 : Number(banner.dataset.calls || 0);
    banner.dataset.calls = String(shown + fresh);
    banner.querySelector("[data-field=call-banner-text]").textContent =
      "Incoming call · IBKR voice callback" + (shown + fresh > 1 ? " (" + (shown + fresh) + " calls)" : "");
    banner.hidden = false;
  }

  function when(at) {
    return new Date(at * 1000).toISOString().slice(11, 19) + " UTC";
  }

  /* The number a text or call was sent to, when it is not this handset's own: the attacker's handset holds
     every swapped SIM, and this is what tells one victim's code from another's. */
  function sentTo(item, number) {
    return item.to && item.to !== number
      ? SLS.el("p", { class: "msg-to muted mono", "data-testid": "msg-to", text: "Sent to " + item.to })
      : null;
  }

  function message(m, number) {
    const text = SLS.el("p", { class: "msg-text", text: m.text });
    return SLS.el("li", { class: "msg", "data-testid": "sms-message", "data-code": m.code || "" }, [
      SLS.el("p", { class: "msg-head" }, [SLS.el("strong", { text: m.from }), SLS.el("span", { class: "muted", text: when(m.at) })]),
      sentTo(m, number),
      text,
      m.code ? SLS.el("p", { class: "msg-code mono", "data-testid": "sms-code", text: m.code }) : null,
    ]);
  }

  /* The call playing now ({url, audio}) or null. Its button says Stop while it plays, and stops it: a Play that
     showed nothing (a projector's sound off, a long call) was pressed again, and two voices read the code at
     once. A redraw of the call log keeps it so (playButton reads it). */
  let playing = null;

  function playButton(button) {
    const on = playing !== null && playing.url === button.dataset.audio;
    button.textContent = on ? "■ Stop" : "▶ Play";
    button.setAttribute("aria-label", (on ? "Stop" : "Play") + " the call of " + button.dataset.when);
    return button;
  }

  function showPlaying() { stage.querySelectorAll("[data-audio]").forEach(playButton); }

  function stopPlaying() {
    if (playing) playing.audio.pause();
    playing = null;
    showPlaying();
  }

  /* Each call's Play button says which call it plays (a list of buttons all "▶ Play" told a screen reader
     nothing, and read out the triangle), its visible word first in its name (WCAG 2.5.3). */
  function call(c, number) {
    const play = c.audio_url
      ? playButton(SLS.el("button", { type: "button", class: "btn btn-dark btn-small", "data-testid": "call-play", "data-audio": c.audio_url, "data-focus-key": c.id, "data-when": when(c.at) }))
      : SLS.el("span", { class: "muted", text: "(no audio on this server: read the transcript)" });
    return SLS.el("li", { class: "msg call", "data-testid": "call-entry" }, [
      SLS.el("p", { class: "msg-head" }, [SLS.el("strong", { text: "IBKR · voice callback" }), SLS.el("span", { class: "muted", text: when(c.at) })]),
      sentTo(c, number),
      SLS.el("p", { class: "msg-text", "data-testid": "call-transcript", text: c.transcript }),
      play,
    ]);
  }

  function totp(t) {
    const bar = SLS.el("span", { class: "totp-bar" });
    bar.style.width = Math.round((100 * t.seconds_left) / t.period) + "%";
    return SLS.el("li", { class: "totp" }, [
      SLS.el("span", { class: "muted", text: "sls-emulator · " + t.account }),
      SLS.el("span", { class: "totp-code mono", "data-testid": "totp-code", text: t.code }),
      SLS.el("span", { class: "muted", "data-testid": "totp-seconds", text: t.seconds_left + " s left" }),
      SLS.el("span", { class: "totp-track" }, [bar]),
    ]);
  }

  /* Drawn in place (SLS.keyed): a text, call or code keeps its node while it is listed, so a tap on a
     call's Play as the next call or text arrives is not lost with a node drawn anew. */
  function draw(root, name, items, render, keyOf) {
    const list = root.querySelector("[data-list=" + name + "]");
    if (!list) return;
    const key = root.dataset.handset + ":" + name;
    const json = JSON.stringify(items);
    if (drawn[key] === json) return;
    drawn[key] = json;
    /* a keyboard user's focus on a control of the list (a call's Play) stays on it when the list is redrawn */
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.focusKey : undefined;
    const number = root.querySelector("[data-field=number]").textContent; // what a text's "Sent to" depends on
    SLS.keyed(list, items, keyOf, render, function (item) { return JSON.stringify(item) + " " + number; });
    const again = focused && list.querySelector("[data-focus-key='" + CSS.escape(focused) + "']");
    if (again) again.focus();
    const empty = root.querySelector("[data-empty=" + name + "]");
    if (empty) empty.hidden = items.length > 0;
    const count = root.querySelector("[data-count=" + name + "]");
    if (count) count.textContent = items.length ? String(items.length) : "";
  }

  function byId(item) { return item.id; }

  function drawHandset(root, handset) {
    const number = handset ? handset.number : "";
    root.querySelector("[data-field=number]").textContent = number;
    draw(root, "messages", handset ? handset.messages : [], function (m) { return message(m, number); }, byId);
    draw(root, "calls", handset ? handset.calls : [], function (c) { return call(c, number); }, byId);
    const whose = root.dataset.handset === "attacker" ? "Attacker's handset: " : "";
    arrived(root, "messages", handset ? handset.messages.length : 0, function (n) {
      return whose + (n === 1 ? "a new text message." : n + " new text messages.");
    });
    const calls = arrived(root, "calls", handset ? handset.calls.length : 0, function (n) {
      return whose + (n === 1 ? "an incoming voice call." : n + " incoming voice calls.");
    });
    if (calls) ringing(root, calls);
  }

  /* A poll leaves the form alone while the focus is in it (its answer may predate the change just made);
     the answer to the form's own change (`own`) is the server's word on it and is written even so: the
     focus stays where it is, and a choice the server undid (the loss, when roaming is off) shows undone. */
  function drawConditions(conditions, own) {
    const form = stage.querySelector("[data-form=conditions]");
    if (!form || !conditions) return;
    if (own || !form.contains(document.activeElement)) {
      form.carrier_blocks_sms.checked = conditions.carrier_blocks_sms;
      form.roaming.checked = conditions.roaming;
      form.sim_swapped.checked = Boolean(conditions.sim_swapped_to);
      form.delivery_delay_s.value = String(conditions.delivery_delay_s || 0);
      form.needs_restart.checked = Boolean(conditions.needs_restart);
      form.roaming_loses_every.value = String(conditions.roaming_loses_every || 0);
      form.approves_pushes.checked = Boolean(conditions.approves_pushes);
    }
    form.roaming_loses_every.disabled = !form.roaming.checked; /* the rule holds only abroad */
    const notes = [];
    if (conditions.carrier_blocks_sms) notes.push("texts are dropped (voice still works)");
    if (conditions.roaming) notes.push("roaming: IB Key falls back to challenge/response");
    const every = conditions.roaming_loses_every;
    if (every) notes.push(every === 1 ? "every text is lost abroad" : "one text in " + every + " is lost abroad");
    if (conditions.delivery_delay_s) notes.push("texts arrive " + conditions.delivery_delay_s + " s late");
    if (conditions.sim_swapped_to) notes.push("SIM swapped: texts and calls reach the attacker");
    if (conditions.needs_restart) notes.push("the phone needs a restart: texts are lost until then");
    if (conditions.approves_pushes) notes.push("IBKR Mobile approves every notification by itself");
    /* a live region: written only when it says something new, or every poll would be read out again */
    const summary = stage.querySelector("[data-testid=cond-summary]");
    const said = notes.length ? "Now: " + notes.join("; ") + "." : "Normal network.";
    if (summary.textContent !== said) summary.textContent = said;
    victim.querySelector("[data-field=carrier]").textContent = conditions.sim_swapped_to ? "No service (SIM moved)" : conditions.roaming ? "Roaming" : "Carrier";
  }

  function apply(state, own) {
    drawHandset(victim, state.handset);
    attacker.hidden = !state.attacker;
    if (state.attacker) drawHandset(attacker, state.attacker);
    draw(victim, "totp", state.totp || [], totp, function (t) { return t.device_id; });
    drawConditions(state.conditions, own);
    document.dispatchEvent(new CustomEvent("sls:phone-state", { detail: state }));
    if (news.length) announcer.textContent = news.splice(0).join(" ");
  }

  /* A poll asked before a change of the page's own was answered may bring the state from before it, and
     land after it (a slow machine or phone link): its answer is dropped, the next poll follows. */
  let writes = 0;
  function wrote() { writes += 1; }

  async function refresh() {
    const asked = writes;
    const answer = await SLS.call("GET", stage.dataset.stateUrl, undefined, { background: true }); // not the viewer's activity
    if (answer.ok && asked === writes) apply(answer.data);
    else if (answer.status === 401 || answer.status === 403) { window.location.reload(); return false; }
    return true;
  }

  /* tabs: arrow keys move between them, as in any tab list */
  const tabs = Array.from(victim.querySelectorAll("[role=tab]"));
  const callBanner = victim.querySelector("[data-call-banner]");
  function select(tab) {
    tabs.forEach(function (t) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (callBanner && tab.dataset.tab === "calls") callBanner.hidden = true;
  }
  if (callBanner) callBanner.addEventListener("click", function () {
    const calls = victim.querySelector("[data-tab=calls]");
    select(calls);
    calls.focus();
  });
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { select(tab); });
    tab.addEventListener("keydown", function (event) {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      select(next); next.focus();
    });
  });

  stage.addEventListener("click", function (event) {
    const button = event.target.closest("[data-audio]");
    if (!button) return;
    const url = button.dataset.audio;
    const was = playing;
    stopPlaying();
    if (was && was.url === url) return; // its Stop
    const audio = new Audio(url);
    playing = { url: url, audio: audio };
    showPlaying();
    audio.addEventListener("ended", function () { if (playing && playing.audio === audio) stopPlaying(); });
    audio.play().catch(function () {
      if (!playing || playing.audio !== audio) return; // stopped before it began: a pause, no failure
      stopPlaying();
      button.textContent = "Audio could not play";
    });
  });

  const form = stage.querySelector("[data-form=conditions]");
  if (form) form.addEventListener("change", async function () {
    wrote();
    const answer = await SLS.call("POST", stage.dataset.conditionsUrl, {
      carrier_blocks_sms: form.carrier_blocks_sms.checked,
      roaming: form.roaming.checked,
      sim_swapped: form.sim_swapped.checked,
      delivery_delay_s: Number(form.delivery_delay_s.value),
      needs_restart: form.needs_restart.checked,
      roaming_loses_every: form.roaming.checked ? Number(form.roaming_loses_every.value) : 0,
      approves_pushes: form.approves_pushes.checked,
    });
    wrote();
    if (answer.ok) apply(answer.data, true); // the focus stays on the control just changed
  });

  /* the broker's advice when texts stop arriving: power the phone down and on again */
  const restart = stage.querySelector("[data-restart-url]");
  if (restart) restart.addEventListener("click", async function () {
    wrote();
    const answer = await SLS.call("POST", restart.dataset.restartUrl, {});
    wrote();
    if (answer.ok) { apply(answer.data); announcer.textContent = "The phone restarted: texts come through again."; }
  });

  /* IBKR Mobile's notifications arrive on the victim's handset: said, and buzzed, like a text */
  window.SLSPhone = { refresh: refresh, wrote: wrote, announce: function (text) { news.push(text); buzz(victim); } };
  /* The first poll waits for the page's other scripts (ibkey-app.js listens for sls:phone-state): on a slow
     link its answer could land before they ran, and IB Key, first told of its inbox when a notification had
     already arrived, took it for one seen before the page opened and never said it. */
  const start = function () { SLS.poll(refresh, 1500); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
