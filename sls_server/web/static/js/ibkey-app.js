/* IBKR Mobile on the simulated phone: notifications with number matching, approve with the PIN (Android)
   or Face ID (iOS; the iPhone's passcode, on its keypad, where Face ID is not set up), Generate Response for
   challenge/response (Android: its PIN and the Challenge Code on that screen), activation, Migrate IB Key, Add User, and the
   notification switch. Drawn from the phone state phone.js fetches. */
"use strict";
(function () {
  const root = document.querySelector("[data-ibkey-app]");
  if (!root) return;
  const message = root.querySelector("[data-testid=ibkey-message]");
  const pin = root.querySelector("[data-testid=ibkey-pin]");
  const passcode = root.querySelector("[data-testid=ibkey-passcode]");
  let app = null;
  let drawnNotes = "";
  let drawnWaiting = "";
  let username = "";
  let heard = null; /* the notifications already announced (none before the first state: those are not news) */

  /* The phone's banner over whatever app is open: the newest waiting notification, until IBKR Mobile is
     shown; tapping it opens the app, as on the handset (the count on the IBKR tab alone went unseen). */
  const banner = document.querySelector("[data-testid=phone-notification-banner]");
  const appTab = document.querySelector("[data-testid=phone-tab-ibkey]");
  let waitingNotes = [];
  function showBanner() {
    if (!banner || !appTab) return;
    const open = appTab.getAttribute("aria-selected") === "true";
    const newest = waitingNotes[0]; // the server sends them newest first
    banner.hidden = open || !newest;
    if (!newest) return;
    const what = newest.purpose === "login" ? "Login request" : "Verify your identity";
    const more = waitingNotes.length > 1 ? " (" + waitingNotes.length + " waiting)" : "";
    banner.querySelector("[data-field=banner-text]").textContent = what + " · " + newest.username + more;
  }
  if (banner && appTab) {
    banner.addEventListener("click", function () { appTab.click(); appTab.focus(); });
    new MutationObserver(showBanner).observe(appTab, { attributes: true, attributeFilter: ["aria-selected"] });
  }

  /* A refusal is brought into view: the line sits at the top of the app's screen, which scrolls, and a form
     near its bottom (Add User, Migrate IB Key) refused on a roaming phone seemed to do nothing. */
  function say(text, bad) {
    message.textContent = text || "";
    message.classList.toggle("app-error", Boolean(bad));
    if (bad && text) message.scrollIntoView({ block: "nearest" });
  }

  function unlock() {
    if (app && app.unlock === "biometric") return { biometric: true };
    return app && app.unlock === "passcode" ? { passcode: passcode.value } : { pin: pin.value };
  }

  /* What the app needs before it acts: false (and says so) while the PIN or passcode is still empty. */
  function ready() {
    const field = app.unlock === "pin" ? pin : app.unlock === "passcode" ? passcode : null;
    if (!field || field.value) return true;
    say(app.unlock === "pin" ? "Enter your PIN first." : "Enter your iPhone passcode first.", true);
    field.focus();
    return false;
  }

  /* The PIN (or passcode) unlocks one answer: the app asks for it again for the next notification, as the
     real one does, rather than leaving it typed on a phone anyone in the room can pick up. */
  function forgetUnlock() {
    pin.value = "";
    passcode.value = "";
  }

  function approved() {
    if (app.unlock === "biometric") return "Face ID recognised. Approved.";
    return app.unlock === "passcode" ? "Passcode accepted. Approved." : "Approved.";
  }

  /* The state is read again after any answer, refused too: a wrong number picked ends its login and its
     notification with it (as do one expired, or answered elsewhere), which stayed on the app until a poll
     that each tap's own request dropped, every tap on it "No such notification". */
  async function act(url, body, done) {
    window.SLSPhone.wrote(); // a poll asked before this answer is stale (phone.js drops it)
    const answer = await SLS.call("POST", url, body);
    window.SLSPhone.wrote();
    if (!answer.ok) say(answer.data.message || "The app could not do that.", true);
    else if (done) say(done(answer.data));
    window.SLSPhone.refresh();
    return answer.ok ? answer.data : null;
  }

  function notification(n) {
    const base = "/sim/ibkey/" + app.app_id + "/notifications/" + n.id + "/";
    const numbers = n.candidates.map(function (c) {
      return SLS.el("button", { type: "button", class: "match-btn", "data-testid": "ibkey-match-" + c, "data-match": c, text: c });
    });
    const what = n.purpose === "login" ? "Login request" : "Verify your identity";
    const ask = "notif-ask-" + n.id;
    /* the numbers are a group named by the question, and Deny says what it denies: read out of context
       (tabbing through several notifications), "42, button" and "Deny" alone say too little */
    const item = SLS.el("li", { class: "notif", "data-testid": "ibkey-notification", "data-note": n.id }, [
      SLS.el("p", { class: "notif-title", text: what + " · " + n.username }),
      SLS.el("p", { class: "muted", id: ask, text: "Select the number shown on your login screen:" }),
      SLS.el("div", { class: "match-row", role: "group", "aria-labelledby": ask }, numbers),
      SLS.el("button", { type: "button", class: "btn btn-link", "data-testid": "ibkey-deny", "data-deny": "1",
        "aria-label": "Deny: " + what.toLowerCase() + " for " + n.username, text: "Deny" }),
    ]);
    item.addEventListener("click", function (event) {
      const number = event.target.closest("[data-match]");
      if (number) {
        if (!ready()) return;
        act(base + "approve", Object.assign({ match: number.dataset.match }, unlock()), approved).then(forgetUnlock);
      } else if (event.target.closest("[data-deny]")) {
        if (!ready()) return; // a denial is signed too: the app asks for its PIN first, not the server
        act(base + "deny", unlock(), function () { return "Denied."; }).then(forgetUnlock);
      }
    });
    return item;
  }

  /* The username and password this page's Add User was given, by the device it enrolled, until that device is
     activated: the broker's Add User asks for them once ("Enter your Username and Password, and then tap on
     Continue"), then only for the Activation Code (and on Android the app's PIN). Kept in this page's memory
     alone, never stored: after a reload, or for an Add User started from the API or the CLI, the activation
     form asks for them, as the server's activation needs them. */
  const given = new Map();

  function activation(w, username) {
    const ios = w.platform === "ios";
    // A user added to this phone's app (Add User) is confirmed with the app's own PIN, once: the broker's step
    // is "Provide your PIN then tap on Activate". Choosing a PIN (twice) is for an app activated anew.
    const adding = Boolean(w.adding) && !ios;
    const kept = w.adding ? given.get(w.device_id) : undefined;
    const settled = w.adding && app ? app.unlock : null; // how this phone's IB Key unlocks, for a user added to it
    const faceId = settled === "biometric";
    const passcodeOnly = settled === "passcode";
    const title = w.migrate ? "Migrate IB Key to this phone" : w.adding ? "Add user to IB Key" : "Activate IB Key";
    const form = SLS.el("form", { class: "form app-section", "data-testid": "ibkey-activate-form" }, [
      SLS.el("p", { class: "notif-title", text: kept ? title + ": " + kept.username : title }),
      kept ? null : SLS.el("label", { text: "Username" }), kept ? null : SLS.el("input", { name: "username", value: username, required: true, "data-testid": "ibkey-activate-username" }),
      kept ? null : SLS.el("label", { text: "Password" }), kept ? null : SLS.el("input", { name: "password", type: "password", required: true, "data-testid": "ibkey-activate-password" }),
      // A migration confirmed by the user's DSC+ sends no text: the card's response to this challenge is the code.
      w.challenge ? SLS.el("p", { class: "muted", "data-testid": "ibkey-activate-challenge", text: "No text is sent: your Digital Security Card+ confirms this migration. Key in your PIN, then this Challenge Code: " + w.challenge }) : null,
      // The field the texted code goes in, named as the broker's steps name it: "Enter the Activation Token in
      // the SMS Code field" in an Android migration, "in the Activation Code field" everywhere else.
      SLS.el("label", { text: w.challenge ? "Activation Code (your card's response)" : w.migrate && !ios ? "SMS Code" : "Activation Code" }), SLS.el("input", { name: "code", inputmode: "numeric", required: true, "data-testid": "ibkey-activate-code" }),
      ios ? null : SLS.el("label", { text: adding ? "PIN (this app's PIN)" : "Choose a PIN (4-6 letters or digits, at least one digit)" }),
      ios ? null : SLS.el("input", { name: "pin", type: "password", required: true, "data-testid": "ibkey-activate-pin" }),
      ios || adding ? null : SLS.el("label", { text: "Repeat PIN" }),
      ios || adding ? null : SLS.el("input", { name: "pin_repeat", type: "password", required: true, "data-testid": "ibkey-activate-pin-repeat" }),
      // An iPhone without Face ID set up confirms with its passcode ("Depending on your smartphone's security
      // settings, you will be asked to use your Passcode, Touch ID, or Face ID"). A user added to an app this
      // phone already runs goes by the phone's settings: Face ID alone, or the passcode, required; a new app
      // (a first activation, a migration) is set up by what is given here.
      ios && faceId ? SLS.el("p", { class: "muted", "data-testid": "ibkey-activate-face-id", text: "Face ID confirms this activation." }) : null,
      ios && !faceId ? SLS.el("label", { text: passcodeOnly ? "iPhone Passcode" : "iPhone Passcode, if Face ID is not set up (4 or 6 digits)" }) : null,
      ios && !faceId ? SLS.el("input", { name: "passcode", type: "password", inputmode: "numeric", maxlength: "6", required: passcodeOnly, "data-testid": "ibkey-activate-passcode" }) : null,
      SLS.el("button", { type: "submit", class: "btn btn-dark btn-small", "data-testid": "ibkey-activate-submit", text: "Activate" }),
    ]);
    form.querySelectorAll("input").forEach(function (input) { input.setAttribute("aria-label", input.previousSibling.textContent); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const body = kept
        ? { username: kept.username, password: kept.password, activation_code: form.code.value }
        : { username: form.username.value, password: form.password.value, activation_code: form.code.value };
      // Android asks for the chosen PIN twice (the broker's activation and migration steps: PIN, Repeat PIN).
      if (!ios && !adding && form.pin.value !== form.pin_repeat.value) { say("The PINs do not match: enter the same PIN twice.", true); form.pin_repeat.focus(); return; }
      if (ios && form.passcode && form.passcode.value) body.passcode = form.passcode.value;
      else if (ios) body.biometric = true;
      else body.pin = form.pin.value;
      act("/sim/ibkey/" + w.device_id + "/activate", body, function (done) {
        given.delete(w.device_id);
        return "Activation successful for " + done.username + (done.replaced.length ? " (the old phone no longer works)." : ".");
      });
    });
    return form;
  }

  /* An activation that was waiting already keeps its form, in place, and what the user typed in it: a
     second one arriving (Add User, a migration) redrew them all, empty, under the user's fingers (and a
     tap on Activate as it arrived was lost with its form taken out and put back). */
  function redrawActivations(waiting) {
    const box = root.querySelector("[data-ibkey-waiting]");
    SLS.keyed(box, waiting, function (w) { return w.device_id; }, function (w) { return activation(w, w.username); }, function (w) {
      // a form drawn before Add User's answer kept its password is drawn again without the fields
      return JSON.stringify(w) + (w.adding && given.has(w.device_id) ? " kept" : "") + (w.adding && app ? " " + app.unlock : "");
    });
  }

  /* A switch the user changed and the server has not yet taken (Face ID's, until Save; notifications', until
     its answer) keeps the user's choice: a poll draws the stored value, and overwrote an unticked Face ID
     while the passcode was typed (the focus had left the switch), so Save sent the old value. */
  const unsaved = new Set();
  function keep(control, stored) {
    if (!unsaved.has(control)) control.checked = stored;
  }
  function edited(event) { unsaved.add(event.target); }

  /* The order this page saw the notifications come in: the server's is by `sent_at`, whole seconds, and
     a push bombing sends several in one second, which it may list either way round from one poll to the
     next. One this page already shows keeps its place and a new one goes after every one shown, so the
     one under a finger never moves down (tests/browser/test_ibkey_notification_tap.py failed one run in
     five so); the ones of a first state, oldest first as the server sent them. */
  const seen = new Map();
  let seenCount = 0;
  function inArrivalOrder(inbox) {
    const listed = new Set(inbox.map(function (n) { return n.id; }));
    Array.from(seen.keys()).forEach(function (id) { if (!listed.has(id)) seen.delete(id); });
    inbox.slice().reverse().forEach(function (n) { if (!seen.has(n.id)) seen.set(n.id, seenCount++); });
    return inbox.slice().sort(function (a, b) { return seen.get(a.id) - seen.get(b.id); });
  }

  document.addEventListener("sls:phone-state", function (event) {
    username = event.detail.username;
    const state = event.detail.ibkey;
    app = state.app;
    root.querySelector("[data-ibkey-none]").hidden = Boolean(app) || state.waiting.length > 0 || Boolean(state.moved_to);
    const moved = root.querySelector("[data-ibkey-moved]");
    moved.hidden = !state.moved_to;
    moved.querySelector("[data-field=moved-to]").textContent = state.moved_to || "";
    root.querySelector("[data-ibkey-active]").hidden = !app;
    const waiting = JSON.stringify(state.waiting) + (app ? " " + app.unlock : ""); // an added user's form follows the unlock
    if (waiting !== drawnWaiting) {
      drawnWaiting = waiting;
      redrawActivations(state.waiting);
    }
    const count = document.querySelector("[data-count=ibkey]");
    waitingNotes = app ? app.inbox : [];
    showBanner();
    if (!app) { count.textContent = ""; return; }
    root.querySelector("[data-field=platform]").textContent = app.platform === "android" ? "· Android · PIN" : app.unlock === "biometric" ? "· iOS · Face ID" : "· iOS · Passcode";
    // The app's own menu names: Generate Code on iOS, Generate Response on Android.
    root.querySelector("[data-testid=ibkey-generate-toggle]").textContent = app.platform === "ios" ? "Generate Code" : "Generate Response";
    root.querySelector("[data-unlock-pin]").hidden = app.unlock !== "pin";
    root.querySelector("[data-respond-pin]").hidden = app.unlock !== "pin";
    root.querySelector("[data-unlock-bio]").hidden = app.unlock !== "biometric";
    root.querySelector("[data-unlock-passcode]").hidden = app.unlock !== "passcode";
    root.querySelector("[data-ios-settings]").hidden = app.platform !== "ios";
    keep(root.querySelector("[data-testid=ibkey-biometrics-enabled]"), app.unlock === "biometric");
    keep(root.querySelector("[data-setting=notifications]"), app.notifications);
    count.textContent = app.inbox.length ? String(app.inbox.length) : "";
    /* One sentence per kind and user, however many arrived since the last poll: a push bombing lands a
       score at once, and the same sentence once per notification was read out over and over. */
    const arrived = new Map();
    app.inbox.forEach(function (n) {
      if (!heard || heard.has(n.id)) return;
      const key = n.purpose + " " + n.username;
      arrived.set(key, { purpose: n.purpose, username: n.username, count: (arrived.has(key) ? arrived.get(key).count : 0) + 1 });
    });
    arrived.forEach(function (a) {
      const what = a.purpose === "login" ? "login request" : "identity check";
      const said = a.count === 1 ? what : a.count + " " + what + "s";
      window.SLSPhone.announce("IBKR Mobile: " + said + " for " + a.username + " (" + app.inbox.length + " waiting).");
    });
    heard = new Set(app.inbox.map(function (n) { return n.id; }));
    const notes = JSON.stringify(app.inbox);
    if (notes !== drawnNotes) {
      drawnNotes = notes;
      const list = root.querySelector("[data-list=notifications]");
      const was = list.contains(document.activeElement) ? document.activeElement : null;
      const note = was && was.closest("[data-note]");
      /* Drawn in place (SLS.keyed): each notification's <li> stays while it waits, so a tap on its Deny or
         a number as the next one arrives is not lost with a node drawn anew. And in the order they came,
         the oldest first (the server sends the newest first): a push bombing's next notification goes
         under the others, never above, so the one being tapped stays under the finger (newest first, each
         arrival pushed the list down between the press and the release, and the browser's scroll
         anchoring did not hold it, the app's screen at its top). The first ones stay right under the
         heading, in sight without a scroll; the newest is the banner's and the tab's count's. */
      SLS.keyed(list, inArrivalOrder(app.inbox), function (n) { return n.id; }, notification,
        function (n) { return JSON.stringify(n) + " " + app.app_id; });
      root.querySelector("[data-empty=notifications]").hidden = app.inbox.length > 0;
      /* a keyboard user's focus stays on the same button, or (its notification answered or gone) goes to
         the Notifications heading, not to the top of the page */
      if (was && (!was.isConnected || was.closest("[data-gone]"))) {
        const control = was.dataset.match ? "[data-match='" + was.dataset.match + "']" : "[data-deny]";
        const same = list.querySelector("[data-note='" + note.dataset.note + "']:not([data-gone]) " + control);
        (same || root.querySelector("[data-testid=ibkey-notifications-heading]")).focus();
      }
    }
  });

  root.querySelector("[data-form=unlock]").addEventListener("submit", function (event) { event.preventDefault(); });
  root.querySelector("[data-form=unlock-passcode]").addEventListener("submit", function (event) { event.preventDefault(); });
  root.querySelector("[data-testid=ibkey-passcode-keypad]").addEventListener("click", function (event) {
    const key = event.target.closest("[data-passcode-key]");
    if (!key) return;
    const typed = passcode.value;
    passcode.value = key.dataset.passcodeKey === "del" ? typed.slice(0, -1) : (typed + key.dataset.passcodeKey).slice(0, 6);
  });
  root.querySelector("[data-testid=ibkey-biometrics-enabled]").addEventListener("change", edited);
  root.querySelector("[data-form=biometrics]").addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    act("/sim/ibkey/" + app.app_id + "/biometrics", { enabled: form.enabled.checked, passcode: form.passcode.value }, function (done) {
      unsaved.delete(form.enabled); // saved: the server's word on it is drawn from now on
      form.passcode.value = "";
      return done.unlock === "biometric" ? "Face ID set up: IB Key uses it." : "Face ID is not set up: IB Key asks for the iPhone passcode.";
    });
  });
  root.querySelector("[data-form=respond]").addEventListener("submit", async function (event) {
    event.preventDefault();
    const form = event.target;
    /* Android: the PIN is typed on this screen, beside the Challenge Code (the broker's step: "Type the PIN
       ... and the Challenge Code ... into the corresponding fields, then select Generate Passcode"). */
    const android = app.unlock === "pin";
    if (android && !form.pin.value) { say("Enter your PIN first.", true); form.pin.focus(); return; }
    if (!android && !ready()) return;
    const body = Object.assign({ challenge: form.challenge.value }, android ? { pin: form.pin.value } : unlock());
    const data = await act("/sim/ibkey/" + app.app_id + "/respond", body);
    if (android) form.pin.value = ""; // asked again for the next one, as the notifications' PIN is
    if (data) { form.querySelector("[data-testid=ibkey-response]").textContent = data.response; say("Response generated."); }
  });
  root.querySelector("[data-form=add-user]").addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    const password = form.password.value;
    act("/sim/ibkey/" + app.app_id + "/users", { username: form.username.value, password: password }, function (done) {
      given.set(done.device_id, { username: done.username, password: password });
      drawnWaiting = ""; // draw the waiting activations again, this one without the username and password
      form.reset();
      return "An activation code was sent by SMS to " + done.sent_to + ". Enter it below to activate " + done.username + ".";
    });
  });
  root.querySelector("[data-form=migrate]").addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    act("/sim/phone/" + encodeURIComponent(username) + "/ibkey/migrate", { platform: form.platform.value, password: form.password.value }, function (done) {
      form.reset();
      form.closest("details").open = false;
      return done.activation === "card"
        ? "Migration started: your Digital Security Card+ confirms it. Activate below."
        : "Migration started: an Activation Token was texted to " + done.sent_to + ". Activate below.";
    });
  });
  root.querySelector("[data-setting=notifications]").addEventListener("change", function (event) {
    edited(event);
    act("/sim/ibkey/" + app.app_id + "/settings", { notifications: event.target.checked }, function () {
      return event.target.checked ? "Notifications on." : "Notifications off: use Generate Response.";
    }).then(function () { unsaved.delete(event.target); }); // saved or refused: the server's word is drawn next
  });
})();
