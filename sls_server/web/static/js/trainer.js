/* The trainer console: the live audit feed (server-sent events; EventSource reconnects by itself and
   resumes from Last-Event-ID), the clock buttons (Freeze: a toggle, aria-pressed), staged attacks, and the
   users and accounts tables.

   What this script asks on its own (the users table's refresh, the feed) is not the trainer's activity: the
   refresh carries SLS.background, the feed never counts (sls_server/http/pages/access.py), so a console
   left open still signs out after its idle time; the feed's `signed_out` event, or a refresh's 401, then
   reloads the page, which shows the sign-in form and why.

   The console keeps up with the server, whoever changes it (its own buttons, `sls clock`, the admin API, a
   scenario): the users table is read from /trainer/users when an event says something changed, every
   REFRESH_MS in any case (a lock lapses without an event), and when a lock's countdown reaches zero, and
   drawn anew when it reads differently (trainer-admin.js keeps what the trainer had open in it). That
   one answer carries the server's clock, so the clock card, the lock countdowns and the victim list all
   follow from it; between two answers the clock and the countdowns tick here, every second. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const feed = root.querySelector("[data-testid=event-feed]");
  const feedState = root.querySelector("[data-testid=feed-state]");
  const usersBox = root.querySelector("[data-users]");
  const accountsBox = root.querySelector("[data-accounts]");
  const clockNow = root.querySelector("[data-testid=clock-now]");
  const clockOffset = root.querySelector("[data-testid=clock-offset]");
  const result = root.querySelector("[data-testid=attack-result]");
  const victims = root.querySelector("[data-testid=attack-user]");
  const announcer = root.querySelector("[data-testid=feed-announcer]");
  const SAY_EVERY_MS = 2000;
  const MAX_SHOWN = 200;
  const REFRESH_MS = 10000;
  /* The staged attacks' addresses (sim/attacks.py), for an event the server sends without its sentence
     (a type sls_server/web/event_words.py does not know): its address is still named the attacker's. */
  const ATTACKERS = new Set((root.dataset.attackerIps || "").split(" ").filter(Boolean));
  /* An attack report's verdict: its class and words. "not_run" (a password that is not the victim's, or a
     lock from an earlier attack) is neither side's win. */
  const VERDICTS = {
    attacker_got_in: ["bad", "The attacker got in."],
    defences_held: ["good", "The defences held."],
    not_run: ["neutral", "The attack could not run."],
  };
  /* A report with logins still waiting on the victim's phone (report.waiting: push bombing, a relay's push)
     is not over: "The defences held." beside the relay's "Waiting for ivy to pick 70" and the feed's
     accepted password would contradict both, and be wrong a moment later if she picks it. So it says what
     is pending, in the neutral colour, until her answer (lateWin) or the report of the next attack. */
  let waiting = null; // the last report's logins waiting on the victim (above tick(), which reads it)
  function pendingVerdict(user, until) {
    const hm = new Date(until * 1000).toISOString().slice(11, 16);
    return "Not over yet: the attacker waits on " + user + "'s phone until " + hm + " UTC.";
  }
  /* Events after which the table (or the clock) may read differently. */
  const CHANGES = /^(login|account|session|user|device|ip|card|stepup|clock|phone)\./; // phone: a SIM swapped or back

  /* The server's clock as last read: its time then, its offset, and when (here) it was read. */
  const server = { now: 0, offset: 0, frozen: false, readAt: Date.now() };
  const clockFrozen = root.querySelector("[data-testid=clock-frozen]");
  const freezeButton = root.querySelector("[data-testid=clock-freeze]");

  function utc(seconds) {
    return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
  }

  function elapsed() {
    return Math.max(0, Math.floor((Date.now() - server.readAt) / 1000));
  }

  /* A new reading of the server's clock; the ticks restart from it, so each second shown is a whole one. */
  let ticker = null;
  function readClock(now, offset, frozen) {
    server.now = Number(now);
    server.offset = Number(offset);
    server.frozen = Boolean(frozen);
    server.readAt = Date.now();
    clockFrozen.hidden = !server.frozen;
    freezeButton.setAttribute("aria-pressed", String(server.frozen));
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
  }

  /* Every second: the clock card and the lock countdowns move on; a lock that reaches zero asks the server. */
  function tick() {
    const gone = server.frozen ? 0 : elapsed(); // a frozen clock stands still, and every wait on it
    clockNow.textContent = utc(server.now + gone);
    clockOffset.textContent = "offset " + SLS.offset(server.offset);
    clockOffset.title = server.offset + " s";
    let lapsed = false;
    usersBox.querySelectorAll("[data-lock-s]").forEach(function (wait) {
      const left = Number(wait.dataset.lockS) - gone;
      if (left > 0) wait.textContent = SLS.duration(left);
      else lapsed = true;
    });
    if (lapsed) refreshUsers();
    if (waiting && server.now + gone >= waiting.until) expired();
  }

  /* The wait a report left is over with nobody's approval (the server's clock past report.waiting.until,
     moved on by the trainer or not): the defences held after all, as the relay's screen says "expired
     unanswered". */
  function expired() {
    const line = result.querySelector("[data-waiting]");
    waiting = null;
    if (!line) return;
    line.className = "verdict " + VERDICTS.defences_held[0];
    line.textContent = VERDICTS.defences_held[1];
    delete line.dataset.waiting;
  }

  /* The victim list is the table's users, in its order; the chosen victim stays chosen. With none, the line
     under it says where users come from. */
  const noVictims = root.querySelector("[data-testid=attack-no-victims]");
  function syncVictims(table) {
    const names = Array.from(table.querySelectorAll("tr[data-username]"), function (row) { return row.dataset.username; });
    noVictims.hidden = names.length > 0;
    const shown = Array.from(victims.options, function (option) { return option.value; });
    if (names.join("\n") === shown.join("\n")) return;
    const chosen = victims.value;
    victims.replaceChildren.apply(victims, names.map(function (name) { return SLS.el("option", { value: name, text: name }); }));
    if (names.includes(chosen)) victims.value = chosen;
    else forgetPassword();
  }

  /* The phished password belongs to one victim: kept when the victim changes, it would be tried against
     another account (a failure counted there) and the attack could not run. */
  const phished = root.querySelector("[data-testid=attack-password]");
  function forgetPassword() { phished.value = ""; }
  victims.addEventListener("change", forgetPassword);

  function adopt(table) {
    readClock(table.dataset.clockNow, table.dataset.clockOffset, table.dataset.clockFrozen === "true");
    syncVictims(table);
    tick();
  }

  /* The table is drawn anew on every change and every REFRESH_MS: a keyboard user's focus in it must not
     fall back to the top of the page. It goes to the same control (the caret where it was, in a field), or
     to the one that took its place (Disable and Enable share a `data-focus-as`); else, from a user's panel,
     to that user's Manage button, from their row (an Unlock that is gone now that the user is unlocked) to
     the row header; and for a user who is gone, to the table's heading. */
  function keepFocus(was, table) {
    if (!was) return;
    const find = function (attr, value) { return value && table.querySelector("[" + attr + "='" + value + "']"); };
    const row = was.closest("tr[data-username], tr[data-user-panel]");
    const name = row && (row.dataset.username || row.dataset.userPanel);
    const header = name && !row.dataset.userPanel && table.querySelector("tr[data-username='" + name + "'] th");
    const next = find("data-testid", was.dataset.testid) || find("data-focus-as", was.dataset.focusAs) ||
      (name && row.dataset.userPanel && find("data-manage", name)) || header || document.getElementById("users-title");
    if (!next) return;
    if (next.tagName === "TH") next.tabIndex = -1;
    next.focus();
    if (next.tagName === "INPUT" && was.tagName === "INPUT" && typeof was.selectionStart === "number") {
      try { next.setSelectionRange(was.selectionStart, was.selectionEnd); } catch (e) { /* a field without a caret */ }
    }
  }

  let usersTimer = null;
  const shapeOf = function (table) { return table.outerHTML.replace(/ data-clock-(now|offset|frozen)="[^"]*"/g, ""); };
  let drawnShape = null; // the last table drawn, as the server sent it (its clock aside)
  let periodic = null;
  function refreshUsers() {
    clearTimeout(usersTimer);
    usersTimer = setTimeout(async function () {
      clearTimeout(periodic);
      periodic = setTimeout(refreshUsers, REFRESH_MS);
      let response;
      // on its own (every REFRESH_MS, after an event): checks the sign-in, never keeps it alive
      try { response = await fetch(root.dataset.usersUrl, { credentials: "same-origin", headers: SLS.background }); } catch (e) { return; }
      if (response.status === 401) {
        let refusal = {};
        try { refusal = await response.json(); } catch (e) { refusal = {}; }
        SLS.signedOut(response.status, refusal); // idled out, signed out elsewhere: to the sign-in form, told why
        return;
      }
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      redrawAccounts(doc.querySelector("[data-testid=trainer-accounts]"));
      const table = doc.querySelector("[data-testid=trainer-users]");
      if (!table) return;
      // Nothing changed but the clock (most periodic reads): the table stays, and the focus, a screen
      // reader's place and the trainer's half-typed words with it.
      const shape = shapeOf(table);
      if (shape === drawnShape) { adopt(table); return; }
      drawnShape = shape;
      const drawn = document.importNode(table, true);
      const focused = usersBox.contains(document.activeElement) ? document.activeElement : null;
      const shown = usersBox.querySelector("[data-testid=trainer-users]");
      // trainer-admin.js carries over what the trainer has open or typed (panels, fields, their errors)
      root.dispatchEvent(new CustomEvent("trainer:redraw", { detail: { from: shown, to: drawn } }));
      usersBox.replaceChildren(drawn);
      keepFocus(focused, drawn);
      adopt(drawn);
    }, 300);
  }

  /* The accounts table comes with the users table, and is drawn anew when it reads differently; it has
     buttons only, so nothing typed is carried over. The focus goes to the same button, or one of its row
     (data-focus-as: Delete, another Take out), or for an account that is gone to the card's heading. */
  function redrawAccounts(table) {
    const shown = accountsBox.querySelector("[data-testid=trainer-accounts]");
    if (!table || !shown || table.outerHTML === shown.outerHTML) return;
    const was = accountsBox.contains(document.activeElement) ? document.activeElement : null;
    const drawn = document.importNode(table, true);
    accountsBox.replaceChildren(drawn);
    if (!was) return;
    const find = function (attr, value) { return value && drawn.querySelector("[" + attr + "='" + value + "']"); };
    const next = find("data-testid", was.dataset.testid) || find("data-focus-as", was.dataset.focusAs) ||
      document.getElementById("accounts-title");
    next.focus();
  }

  /* An event's detail in words: "wait 1 min" for wait_s, "offset +1 d 3 h" for offset_s, lists joined. */
  function detailText(key, value) {
    const seconds = /_s$/.test(key) && typeof value === "number";
    const name = key.replace(/_s$/, "").replace(/_/g, " ");
    if (seconds) return name + " " + (key === "offset_s" ? SLS.offset(value) : SLS.duration(value));
    if (Array.isArray(value)) return value.length ? name + " " + value.join(", ").replace(/_/g, " ") : null;
    if (value !== null && typeof value === "object") return null;
    if (value === true) return name; // "new place", not "new place true"
    return name + " " + value;
  }

  /* An events.summary in a sentence, its window in clock times like the feed's own (UTC):
     "6 × login.refused 06:27–06:28 (5 of them not listed one by one)", never the window's Unix seconds. */
  function summaryText(d) {
    const hm = function (s) { return new Date(s * 1000).toISOString().slice(11, 16); };
    const said = d.count + " × " + d.type + " " + hm(d.window_start) + "–" + hm(d.window_end);
    return d.suppressed ? said + " (" + d.suppressed + " of them not listed one by one)" : said;
  }

  function describe(e) {
    const parts = [];
    // a name no user has is never in the trail: its reference stands where the name would (SLS.nameless),
    // so the room still sees one name tried again and again, or many names tried once each
    const unnamed = e.user ? null : SLS.nameless(e.detail);
    if (e.user) parts.push(e.user);
    else if (unnamed) parts.push(unnamed);
    if (e.ip) parts.push("from " + e.ip + (ATTACKERS.has(e.ip) ? " (attacker)" : ""));
    if (e.factor) parts.push(e.factor);
    if (e.result) parts.push(e.result);
    if (e.type === "events.summary" && e.detail && typeof e.detail.window_start === "number") {
      parts.push(summaryText(e.detail));
    } else if (e.detail) {
      Object.entries(e.detail).forEach(function ([k, v]) {
        // said above, in the name's place; the whole reference stays, for matching it with the search's
        if (unnamed && SLS.NAMELESS_KEYS.includes(k) && k !== "name_ref") return;
        const said = detailText(k, v);
        if (said) parts.push(said);
      });
    }
    return parts.join(" · ");
  }

  /* The feed list is not a live region: an attack adds dozens of events in a second, and a screen reader
     would read out every one. This says one sentence per burst instead, at most every SAY_EVERY_MS; events
     from before the page was drawn (the backlog a new connection replays; their ids, Redis stream ids, are
     the server's wall-clock milliseconds) are not news. */
  const drawnMs = Number(root.dataset.drawnMs);
  let unsaid = [];
  let sayTimer = null;
  function say() {
    sayTimer = null;
    const last = unsaid[unsaid.length - 1];
    const who = last.user || SLS.nameless(last.detail);
    const what = last.said || last.type + (who ? " for " + who : "") + (last.result ? ", " + last.result : "");
    announcer.textContent = unsaid.length === 1 ? "New event: " + what + "." : unsaid.length + " new events; latest: " + what + ".";
    unsaid = [];
  }
  function announce(e) {
    if (Number(String(e.id).split("-")[0]) <= drawnMs) return;
    unsaid.push(e);
    if (!sayTimer) sayTimer = setTimeout(say, SAY_EVERY_MS);
  }

  /* A line's time is the emulated clock's, which a trainer moves by days: a line on another day than the
     line before it, or than today, shows its date too ("6 May 07:08:09", the year when not this one), so a
     move reads as one and the lines never look out of order. */
  const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  let dayBefore = null;
  function stamp(at) {
    const when = new Date(at * 1000), iso = when.toISOString(), today = new Date().toISOString();
    const day = iso.slice(0, 10);
    const dated = day !== today.slice(0, 10) || (dayBefore !== null && day !== dayBefore);
    dayBefore = day;
    const year = iso.slice(0, 4) === today.slice(0, 4) ? "" : " " + iso.slice(0, 4);
    const date = dated ? when.getUTCDate() + " " + MONTHS[when.getUTCMonth()] + year + " " : "";
    return SLS.el("time", { class: "feed-time mono", datetime: iso, title: iso.replace("T", " ").slice(0, 19) + " UTC", text: date + iso.slice(11, 19) });
  }

  /* An event as the server words it (http/pages/feed.py, from sls_server/web/event_words.py: one table for
     the feed and `sls watch`): its tone's label and its sentence, then its dotted type, small, the name the
     API and the scenarios know it by, its raw fields in the type's tooltip. A type the table does not know
     comes without a sentence: its type and fields, as they are. Colour is never the only signal: the label
     says it too ("defence", "breach"). */
  function show(e) {
    const tone = e.tone || "";
    const said = e.said ? [
      e.label ? SLS.el("span", { class: "feed-label", "data-testid": "feed-label", text: e.label }) : null,
      SLS.el("span", { class: "feed-said", "data-testid": "feed-said", text: e.said }),
    ].filter(Boolean) : [SLS.el("span", { class: "feed-said mono", "data-testid": "feed-said", text: e.type })];
    const item = SLS.el("li", { class: "feed-item " + tone, "data-testid": "feed-event", "data-type": e.type, "data-tone": tone }, [
      stamp(e.at),
      SLS.el("span", { class: "feed-line" }, said),
      e.said ? SLS.el("span", { class: "feed-type mono", title: describe(e), text: e.type })
        : SLS.el("span", { class: "feed-detail", text: describe(e) }),
    ]);
    feed.prepend(item);
    while (feed.children.length > MAX_SHOWN) feed.lastChild.remove();
    if (CHANGES.test(e.type)) refreshUsers();
    announce(e);
  }

  const source = new EventSource(root.dataset.eventsUrl);
  // "live" once the server could read the trail (its `live` event), not when the connection opens: during
  // a Redis outage each reconnect opens, then says `outage` and ends.
  function feedIs(state, text, look) { feedState.dataset.state = state; feedState.textContent = text; feedState.className = "feed-state " + (look || state); }
  /* The server ends every stream after a while on purpose (STREAM_S in http/pages/feed.py) and the browser
     opens the next one a second later: that error is a planned reconnect, and the feed stays "live". Only
     when no stream has said how it is (live, crowded, outage) RECONNECT_GRACE_MS after an error is the
     connection really lost. */
  const RECONNECT_GRACE_MS = 5000;
  let lost = null;
  function heard() { clearTimeout(lost); lost = null; }
  function reconnecting() {
    lost = null;
    const why = feedState.dataset.state; // keep saying why: an outage, or a feed read every few seconds
    if (why !== "outage" && why !== "polling") feedIs("reconnecting", "reconnecting…");
  }
  source.addEventListener("live", function () { heard(); feedIs("live", "live"); });
  // the server keeps a few streams open per process; this tab's feed is read every few seconds instead
  source.addEventListener("crowded", function () { heard(); feedIs("polling", "live, every 3 s", "live"); });
  source.addEventListener("outage", function () { heard(); feedIs("outage", "Redis unreachable: retrying…"); });
  // the sign-in ended (idled out, signed out, ended by an operator): to the sign-in form, which says why
  source.addEventListener("signed_out", function () { source.close(); window.location.reload(); });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      // a reconnect refused (401: the browser gives up on it) asks the users table, whose 401 says why
      heard(); reconnecting(); refreshUsers();
    } else if (!lost) lost = setTimeout(reconnecting, RECONNECT_GRACE_MS);
  });
  /* A reset, or a world loaded over it (Back to the demo world too), took the trail with it: the lines the
     feed showed are of a world that is gone, so they go, and the new trail starts with this event. The last
     attack's report and verdict ("The attacker got in.") go with them, for the same reason, and a wait on
     the victim's phone with it (the login it waited on is gone). */
  function forgetReport() {
    waiting = null;
    result.replaceChildren();
    if (SLS.trainer) SLS.trainer.clearErrors(root.querySelector("[data-form=attack]")); // trainer-admin.js's
  }
  function wipesTheTrail(e) { return e.type === "emulator.reset" || (e.type === "state.imported" && Boolean(e.detail && e.detail.replaced)); }
  source.addEventListener("audit", function (message) {
    let e;
    try { e = JSON.parse(message.data); } catch (err) { return; /* a malformed frame is skipped */ }
    // a scenario demo's attacker actors (PUT /admin/v1/attackers): tagged from this event on, untagged after a wipe
    SLS.attackersAfter(e, ATTACKERS);
    if (wipesTheTrail(e)) { feed.replaceChildren(); dayBefore = null; forgetReport(); refreshUsers(); } // `sls wipe` too
    // `sls demo` kept its world (after this page was drawn): "Back to the demo world" is there from now on
    if (e.type === "state.exported" && e.detail && e.detail.demo_world === true) root.querySelector("[data-testid=world-restore-demo]").hidden = false;
    show(e); lateWin(e);
  });

  root.addEventListener("click", async function (event) {
    const clockButton = event.target.closest("[data-clock]");
    if (clockButton) {
      let step = clockButton.dataset.clock;
      if (step === "freeze" && clockButton.getAttribute("aria-pressed") === "true") step = "thaw";
      const answer = await SLS.call("POST", "/trainer/clock", { step: step });
      if (answer.ok) {
        readClock(answer.data.now, answer.data.offset_s, answer.data.frozen); tick();
        // the clock card's line says it (role=status): the time shown above it changes without a word
        SLS.trainer.say("The clock is now " + utc(answer.data.now) + (answer.data.frozen ? ", frozen." : "."), false, clockButton);
      } else SLS.trainer.say(answer.data.message || "The server refused it (" + answer.status + ").", true, clockButton);
      refreshUsers();
      return;
    }
    /* Unlock, or Clear a user's failed sign-ins short of a lock: said in the Users card's status line, as
       every other button there says its outcome (it said nothing; a refusal, a user deleted meanwhile,
       left the row as it was without a word). */
    const unlock = event.target.closest("[data-unlock]");
    if (unlock) {
      const name = unlock.dataset.unlock, clearing = !unlock.dataset.testid.startsWith("trainer-unlock-");
      await SLS.trainer.busy(unlock, async function () {
        const answer = await SLS.call("POST", "/trainer/users/" + encodeURIComponent(name) + "/unlock", {});
        if (answer.ok) SLS.trainer.say(clearing ? name + "'s failed sign-ins are cleared." : name + " is unlocked.", false, unlock);
        else SLS.trainer.say(answer.data.message || "The server refused it (" + answer.status + ").", true, unlock);
      });
      refreshUsers();
    }
  });

  /* A refused attack (no phished password, a victim deleted meanwhile): the words beside the field the
     server names, which is marked invalid and takes the focus, so the trainer types there next; they used to
     replace the last report, with no field marked. */
  function refused(form, answer) {
    const named = answer.data.field || "";
    const spot = form.querySelector("[data-field-error='" + named + "']") || form.querySelector("[data-field-error='']");
    spot.textContent = answer.data.message || "The attack could not run (" + answer.status + ").";
    result.textContent = "";
    const field = named && form.querySelector("[name='" + named + "']");
    if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
  }

  /* A push bombing's logins wait on the victim after its report (report.waiting, sim/attacker_waits.py): a
     login.succeeded from the attacker's address for the victim, while they wait, is her approving one, and
     the verdict shown turns to the attacker's win; an attack.wait_refused is her approving one and the
     attacker refused (a lock, an address rule placed since): the report says which, the verdict stands. */
  function lateWin(e) {
    if (!waiting || e.ip !== waiting.ip || e.user !== waiting.user) return;
    if (e.type === "attack.wait_refused" && result.querySelector("[data-verdict]")) {
      result.appendChild(SLS.el("p", { "data-testid": "attack-late-refusal", text: (e.said || e.type) + "." }));
      const held = result.querySelector("[data-verdict]"); // her approval let nobody in: the defences held
      held.className = "verdict " + VERDICTS.defences_held[0];
      held.textContent = VERDICTS.defences_held[1];
      delete held.dataset.waiting;
      return;
    }
    if (e.type !== "login.succeeded") return;
    const line = result.querySelector("[data-verdict]");
    if (!line) return;
    line.className = "verdict " + VERDICTS.attacker_got_in[0];
    line.dataset.verdict = "attacker_got_in";
    delete line.dataset.waiting;
    line.textContent = waiting.user + (waiting.relay ? " picked the attacker's number" : " approved one") +
      ": the attacker is in.";
    waiting = null;
  }

  const attackForm = root.querySelector("[data-form=attack]");
  /* "Stage an attack" at the top of the console: the card in sight, its heading at the top of the window
     (the fragment alone would leave the focus at the link), and the focus on the Victim, ready to pick. */
  root.querySelector("[data-to-attack]").addEventListener("click", function (event) {
    event.preventDefault();
    attackForm.closest(".card").scrollIntoView({ block: "start" });
    victims.focus({ preventScroll: true });
  });
  attackForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    stage({ attack: form.attack.value, username: form.username.value, password: form.password.value || null });
  });

  /* An attack that did not run because the victim was locked from before (report.victim_locked: an earlier
     attack's lockout, the default victim being the first user) is the next step of a trainer running attacks
     back to back: its report offers "Unlock amy and run it again", the console's Unlock (the Users table's),
     then the same attack on the same victim. */
  function unlockAndRerun(asked) {
    const button = SLS.el("button", { type: "button", class: "btn btn-dark btn-small", "data-testid": "attack-unlock-rerun",
      text: "Unlock " + asked.username + " and run it again" });
    button.addEventListener("click", async function () {
      await SLS.trainer.busy(button, async function () {
        const answer = await SLS.call("POST", "/trainer/users/" + encodeURIComponent(asked.username) + "/unlock", {});
        if (!answer.ok) {
          result.appendChild(SLS.el("p", { class: "field-error", text: answer.data.message || "The server refused it (" + answer.status + ")." }));
          return;
        }
        refreshUsers();
        attackForm.querySelector("[type=submit]").focus(); // the button goes with the report it was in
        await stage(asked);
      });
    });
    return SLS.el("p", {}, [button]);
  }

  /* At 1280x720 the report lands below the window, under Run attack: the trainer pressed and saw nothing
     happen. It is scrolled into sight ("nearest": no further than needed), smoothly unless the reader asked
     for less motion; the focus stays where it was put (Run attack, or the field a refusal names). */
  function showReport() {
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    result.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
  }

  async function stage(asked) {
    const form = attackForm;
    const button = form.querySelector("[type=submit]");
    if (button.getAttribute("aria-disabled") === "true") return;
    /* aria-disabled, not disabled: a disabled button loses the keyboard focus to the top of the page */
    button.setAttribute("aria-disabled", "true");
    SLS.trainer.clearErrors(form);
    result.textContent = "Attacking…";
    const answer = await SLS.call("POST", "/trainer/attack", asked);
    button.removeAttribute("aria-disabled");
    if (!answer.ok) { refused(form, answer); return; }
    const r = answer.data;
    waiting = r.waiting ? { ip: r.waiting.ip, user: r.target, relay: r.kind === "phishing_relay", until: r.waiting.until } : null;
    const counts = Object.entries(r.outcomes).map(function ([k, v]) { return v + " × " + k; }).join(", ");
    const pending = waiting && r.verdict === "defences_held";
    const verdict = pending ? ["neutral", pendingVerdict(r.target, r.waiting.until)]
      : VERDICTS[r.verdict] || VERDICTS.defences_held;
    const line = { class: "verdict " + verdict[0], "data-verdict": r.verdict, text: verdict[1] };
    if (pending) line["data-waiting"] = "true";
    /* a relay's push: the number on the real page the victim must pick, as the attacker's screen shows it */
    const number = pending && r.waiting.number
      ? [SLS.el("p", { "data-testid": "attack-number", text: "Number the victim must pick on their phone: " + r.waiting.number })]
      : [];
    /* the way on, right under the verdict: the report's sentences beneath can run long */
    const unlock = r.verdict === "not_run" && r.victim_locked ? [unlockAndRerun(asked)] : [];
    result.replaceChildren(
      SLS.el("p", line),
      ...unlock,
      ...number,
      SLS.el("p", { text: r.summary }),
      SLS.el("p", { class: "muted", text: r.attempts + (r.attempts === 1 ? " attempt" : " attempts") + (counts ? ": " + counts : ".") })
    );
    showReport();
    refreshUsers();
  }

  root.addEventListener("trainer:changed", refreshUsers); // an action of trainer-admin.js succeeded
  drawnShape = shapeOf(usersBox.querySelector("[data-testid=trainer-users]")); // before a countdown ticks in it
  adopt(usersBox.querySelector("[data-testid=trainer-users]"));
  periodic = setTimeout(refreshUsers, REFRESH_MS);
})();
