/* The trainer console's core: the clock card (Freeze: a toggle, aria-pressed), the users and accounts
   tables and the victim list that follows them. The feed is trainer-feed.js's, the attack card
   trainer-attack.js's; they talk through events on the console's root: `trainer:audit` (each event of the
   feed), `trainer:tick` (the server's clock, every second), `trainer:changed` (read the table again).

   What the console asks on its own (the users table's refresh, the feed) is not the trainer's activity: the
   refresh carries SLS.background, the feed never counts (sls_server/http/pages/access.py), so a console
   left open still signs out after its idle time; the feed's `signed_out` event, or a refresh's 401, then
   reloads the page, which shows the sign-in form and why.

   The console keeps up with the server, whoever changes it (its own buttons, `sls clock`, the admin API, a
   scenario): the users table is read from /trainer/users when an event says something changed, every
   REFRESH_MS in any case (a lock lapses without an event), and when a lock's countdown reaches zero, and
   drawn again, in place, when it reads differently (trainer-admin.js keeps what the trainer had open in it). That
   one answer carries the server's clock, so the clock card, the lock countdowns and the victim list all
   follow from it; between two answers the clock and the countdowns tick here, every second. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const usersBox = root.querySelector("[data-users]");
  const accountsBox = root.querySelector("[data-accounts]");
  const clockNow = root.querySelector("[data-testid=clock-now]");
  const clockOffset = root.querySelector("[data-testid=clock-offset]");
  const victims = root.querySelector("[data-testid=attack-user]");
  const REFRESH_MS = 10000;
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
    usersBox.querySelectorAll("[data-lock-ends]").forEach(function (wait) {
      const left = Number(wait.dataset.lockEnds) - (server.now + gone);
      if (left > 0) wait.textContent = SLS.duration(left);
      else lapsed = true;
    });
    if (lapsed) refreshUsers();
    // trainer-attack-wait.js: a wait the attack report left may be over
    root.dispatchEvent(new CustomEvent("trainer:tick", { detail: { now: server.now + gone } }));
  }


  /* The victim list is the table's users, in its order; the chosen victim stays chosen. With none, the line
     under it says where users come from. The chosen victim deleted meanwhile (another window, Manage >
     Delete) used to give way to the first user without a word, and Run attack then hit someone the trainer
     never chose: the list now shows "Choose a victim", the line under it says who is gone, and Run refuses
     (trainer-attack.js reads data-gone) until the trainer chooses. A world emptied (a reset) says nothing of
     the kind: the no-users line speaks for it. */
  const noVictims = root.querySelector("[data-testid=attack-no-victims]");
  const victimError = root.querySelector("[data-testid=attack-user-error]");
  function syncVictims(table) {
    const names = Array.from(table.querySelectorAll("tr[data-username]:not([data-gone])"), function (row) { return row.dataset.username; });
    noVictims.hidden = names.length > 0;
    const shown = Array.from(victims.options, function (option) { return option.value; }).filter(Boolean);
    if (names.join("\n") === shown.join("\n")) return;
    const chosen = victims.value;
    const options = names.map(function (name) { return SLS.el("option", { value: name, text: name }); });
    const gone = names.length === 0 ? "" : chosen && !names.includes(chosen) ? chosen : victims.dataset.gone || "";
    if (gone) options.unshift(SLS.el("option", { value: "", disabled: true, text: "Choose a victim" }));
    victims.replaceChildren.apply(victims, options);
    if (gone) victimGone(gone);
    else { chosenAgain(); if (names.includes(chosen)) victims.value = chosen; }
    if (!names.includes(chosen)) forgetPassword();
  }
  function victimGone(name) {
    victims.dataset.gone = name;
    victims.value = "";
    victims.setAttribute("aria-invalid", "true");
    victimError.textContent = name + " is gone (deleted): choose the victim again.";
  }
  function chosenAgain() {
    if (!victims.dataset.gone) return;
    delete victims.dataset.gone;
    victims.removeAttribute("aria-invalid");
    victimError.textContent = "";
    const placeholder = victims.querySelector("option[value='']");
    if (placeholder) placeholder.remove();
  }

  /* The phished password belongs to one victim: kept when the victim changes, it would be tried against
     another account (a failure counted there) and the attack could not run. */
  const phished = root.querySelector("[data-testid=attack-password]");
  function forgetPassword() { phished.value = ""; }
  victims.addEventListener("change", function () { if (victims.value) chosenAgain(); forgetPassword(); });

  function adopt(table) {
    readClock(table.dataset.clockNow, table.dataset.clockOffset, table.dataset.clockFrozen === "true");
    syncVictims(table);
    tick();
  }

  /* The table is drawn again (in place) on every change and every REFRESH_MS: a keyboard user's focus in it
     must not fall back to the top of the page. It stays on the same control, still there, or goes
     to the one that took its place (Disable and Enable share a `data-focus-as`); else, from a user's panel,
     to that user's Manage button, from their row (an Unlock that is gone now that the user is unlocked) to
     the row header; and for a user who is gone, to the table's heading. */
  function keepFocus(was, row, table) {
    if (!was) return;
    if (was.tagName === "TH" && was.isConnected) was.tabIndex = -1; // the morph took what it was given here
    if (document.activeElement === was) return; // drawn in place: still there, and still focused
    // not in a row kept, dimmed and inert, until a press's release (SLS.morph): it takes no focus
    const find = function (attr, value) { return value && table.querySelector("[" + attr + "='" + value + "']:not([data-gone] *)"); };
    const name = row && (row.dataset.username || row.dataset.userPanel);
    const header = name && !row.dataset.userPanel && table.querySelector("tr[data-username='" + name + "']:not([data-gone]) th");
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
  /* A table as the server drew it, its clock aside, and the words of each lock's wait: the server says the
     wait as read, so a table read a second later said it otherwise, and every read (each event, every
     REFRESH_MS) drew the whole table again while a user was locked. When the lock ends stays in it. */
  const shapeOf = function (table) {
    return table.outerHTML
      .replace(/ data-clock-(now|offset|frozen)="[^"]*"/g, "")
      .replace(/( data-lock-ends="\d+">)[^<]*/g, "$1");
  };
  let drawnShape = null; // the last table drawn, as the server sent it (shapeOf)
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
      drawUsers(table);
    }, 300);
  }

  /* The users table drawn as the server sent it (`table`, left as it is: it may be drawn again). */
  function drawUsers(table) {
    const drawn = document.importNode(table, true);
    const focused = usersBox.contains(document.activeElement) ? document.activeElement : null;
    const row = focused && focused.closest("tr[data-username], tr[data-user-panel]");
    const shown = usersBox.querySelector("[data-testid=trainer-users]");
    // trainer-admin.js carries over what the trainer has open or typed (panels, fields, their errors)
    root.dispatchEvent(new CustomEvent("trainer:redraw", { detail: { from: shown, to: drawn } }));
    /* In place (SLS.morph): rows by user, and in a row only what changed; swapped whole, the table took
       a tap on any of its buttons with it when any row changed between the press and the release (a
       failed login of another user, its count of failures). A row that would come or go above a button
       held pressed waits for its release, then this draws the table again, carrying over what the
       release's click opened (the pressed user's panel). */
    SLS.morph(shown, drawn, function () { drawUsers(table); });
    keepFocus(focused, row, shown);
    adopt(shown);
  }

  /* The accounts table comes with the users table, and is drawn again in place when it reads differently; it has
     buttons only, so nothing typed is carried over. The focus goes to the same button, or one of its row
     (data-focus-as: Delete, another Take out), or for an account that is gone to the card's heading. */
  function redrawAccounts(table) {
    const shown = accountsBox.querySelector("[data-testid=trainer-accounts]");
    if (!table || !shown || table.outerHTML === shown.outerHTML) return;
    const was = accountsBox.contains(document.activeElement) ? document.activeElement : null;
    // in place, as the users table, and drawn again after a press's release if it held a row back
    SLS.morph(shown, document.importNode(table, true), function () { redrawAccounts(table); });
    if (!was || (was.isConnected && !was.closest("[data-gone]"))) return;
    const find = function (attr, value) { return value && shown.querySelector("[" + attr + "='" + value + "']:not([data-gone] *)"); };
    const next = find("data-testid", was.dataset.testid) || find("data-focus-as", was.dataset.focusAs) ||
      document.getElementById("accounts-title");
    next.focus();
  }

  /* Each event of the feed (trainer-feed.js): a change, or a wiped world, may make the table read differently. */
  root.addEventListener("trainer:audit", function (event) {
    if (event.detail.wiped || CHANGES.test(event.detail.event.type)) refreshUsers();
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

  root.addEventListener("trainer:changed", refreshUsers); // an action of trainer-admin.js succeeded
  drawnShape = shapeOf(usersBox.querySelector("[data-testid=trainer-users]")); // before a countdown ticks in it
  adopt(usersBox.querySelector("[data-testid=trainer-users]"));
  periodic = setTimeout(refreshUsers, REFRESH_MS);
})();