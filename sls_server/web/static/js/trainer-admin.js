/* The trainer console's administration of users (sls_server/http/pages/trainer_admin.py, trainer_accounts.py,
   trainer_sessions.py): per user, disable or enable, end all their sessions or one, delete, enrol an
   authenticator, revoke, reset or unlock a device, set the IP allowlist and the phone, put them in an
   account and set its allowlist; take a user out of an account, delete one (the Accounts card); reset the
   world or go back to the demo world. Each is a POST with the page's CSRF token (SLS.call); the admin token
   never reaches this script. A success says so in the status line of the card whose button was used (the
   Users card's for the table) and asks trainer.js to redraw the users table (`trainer:changed`); a refusal
   is shown next to the field the server names, and said too. The console's other scripts say, refuse, ask
   and wait the same way, through SLS.trainer, which this defines: it loads before them. Adding a user is
   trainer-enrol.js's; the clock's instant and saving or loading the world, trainer-world.js's.

   trainer.js redraws the table when it changed: before it swaps the table (`trainer:redraw`) this carries
   over what the trainer has open or half-typed there (open panels, edited fields and choices, their errors,
   an enrolment's answer), so a redraw never takes a word out from under their fingers. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const usersBox = root.querySelector("[data-users]");
  const status = root.querySelector("[data-testid=trainer-admin-status]");
  const dialog = root.querySelector("[data-testid=trainer-confirm]");

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /* The outcome, in words, in the status line (a live region) of the card `near` is in, where the trainer is
     looking: the Clock's and the World's are far below the Users card's, which takes the rest. The other
     lines are emptied, so one outcome stands on the page. */
  function say(text, bad, near) {
    const card = near && near.closest(".card");
    const line = (card && card.querySelector("[data-card-status]")) || status;
    root.querySelectorAll("[data-card-status]").forEach(function (other) { if (other !== line) other.textContent = ""; });
    line.textContent = text;
    line.classList.toggle("bad", Boolean(bad));
  }

  function changed() { root.dispatchEvent(new CustomEvent("trainer:changed")); }

  /* A refusal next to the field it names (or the form's own line), the field marked invalid and given the
     focus, so the trainer types there next (as on the login page). */
  function clearErrors(form) {
    form.querySelectorAll("[data-field-error]").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (f) { f.removeAttribute("aria-invalid"); });
  }
  /* A refusal names the API's field ("limit must be at least 1"), a name the page shows nowhere: said where
     it begins a message, the form's label for the field stands in its place, in quotes ('"At most" must be at
     least 1'), its muted hint left out. The one wording of every console form's refusals. */
  function inLabelWords(form, field, message) {
    const input = field && message.startsWith(field + " ") && form.querySelector("[name='" + field + "']");
    const label = input && input.id && form.querySelector("label[for='" + input.id + "']");
    if (!label) return message;
    const words = Array.from(label.childNodes).filter(function (n) { return n.nodeType === Node.TEXT_NODE; })
      .map(function (n) { return n.textContent; }).join("").trim();
    return words ? '"' + words + '"' + message.slice(field.length) : message;
  }
  function showError(form, answer) {
    const data = answer.data || {};
    const named = data.field || (data.error === "user_exists" ? "username" : ""); // a 409 names no field
    // A body with several bad fields lists them all in `problems` (the first is `field`): each is marked,
    // so the trainer fixes them in one round; the focus goes to the first.
    const problems = data.problems || [{ field: named, message: data.message, entry: data.entry }];
    const said = [];
    let first = null;
    problems.forEach(function (problem) {
      const entry = problem.entry !== undefined ? ' ("' + problem.entry + '")' : ""; // which one of a list
      const message = (problem.message ? inLabelWords(form, problem.field, problem.message) : "The server refused it (" + answer.status + ").") + entry;
      const spot = form.querySelector("[data-field-error='" + (problem.field || "") + "']") ||
        form.querySelector("[data-field-error='']") || form.querySelector("[data-field-error]");
      spot.textContent = spot.textContent ? spot.textContent + " " + message : message;
      const field = problem.field && form.querySelector("[name='" + problem.field + "']");
      if (field) { field.setAttribute("aria-invalid", "true"); first = first || field; }
      said.push(message);
    });
    if (first) first.focus();
    say(said.join("; "), true, form); // "username is required; password is required", not run together
  }

  /* One request at a time per button; aria-disabled, not disabled, so the focus stays on it. */
  async function busy(button, work) {
    if (button && button.getAttribute("aria-disabled") === "true") return;
    if (button) button.setAttribute("aria-disabled", "true");
    try { await work(); } finally { if (button) button.removeAttribute("aria-disabled"); }
  }

  /* Ask first, in a <dialog> (the CSP forbids confirm()'s inline alternatives, and a test can drive it). */
  function confirmFirst(title, text, yes) {
    dialog.querySelector("[data-confirm-title]").textContent = title;
    dialog.querySelector("[data-confirm-text]").textContent = text;
    dialog.querySelector("[value=yes]").textContent = yes;
    dialog.returnValue = "";
    const opener = document.activeElement;
    dialog.showModal();
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function () {
        // the browser gives the focus back to the opener; a redraw while the dialog was open replaced it
        const twin = opener && !opener.isConnected && opener.dataset.testid &&
          root.querySelector("[data-testid='" + opener.dataset.testid + "']");
        if (twin) twin.focus();
        resolve(dialog.returnValue === "yes");
      }, { once: true });
    });
  }
  dialog.addEventListener("click", function (event) {
    const button = event.target.closest("button[value]");
    if (button) dialog.close(button.value);
  });

  /* For the console's other scripts (trainer-enrol.js, trainer-world.js, trainer-events.js, the gateway
     card's): one way to say, refuse, ask, wait and count. */
  SLS.trainer = { say: say, changed: changed, clearErrors: clearErrors, showError: showError, busy: busy, confirmFirst: confirmFirst, plural: plural };


  const path = function (name) { return "/trainer/users/" + encodeURIComponent(name); };
  const devicePath = function (id) { return "/trainer/devices/" + encodeURIComponent(id); };
  const accountPath = function (id) { return "/trainer/accounts/" + encodeURIComponent(id); };
  /* Each button's action: its route, and what its success says. */
  const ACTIONS = {
    "disable": function (b) { return [path(b.dataset.user) + "/disable", function (r) {
      return r.username + " is disabled" + (r.sessions_ended ? "; " + plural(r.sessions_ended, "session") + " ended" : "") + "."; }]; },
    "enable": function (b) { return [path(b.dataset.user) + "/enable", function (r) { return r.username + " is enabled."; }]; },
    "end-sessions": function (b) { return [path(b.dataset.user) + "/sessions/end", function (r) {
      return plural(r.sessions_ended, "session") + " of " + r.username + " ended."; }]; },
    "end-session": function (b) { return ["/trainer/sessions/" + encodeURIComponent(b.dataset.session) + "/end", function (r) {
      return r.username + "'s session " + b.dataset.short + " ended."; }]; },
    "delete": function (b) { return [path(b.dataset.user) + "/delete", function (r) { return r.deleted + " is deleted."; }]; },
    "device-reset": function (b) { return [devicePath(b.dataset.device) + "/reset", function (r) {
      return "Card " + r.device_id + (r.serial ? " (serial " + r.serial + ")" : "") + " is reset: unlocked, its wrong-PIN count zero."; }]; },
    "device-unlock": function (b) { return [devicePath(b.dataset.device) + "/unlock", function (r) {
      return r.strikes_cleared && r.strikes_cleared.length
        ? r.device_id + ": wrong-response strikes forgotten for " + r.strikes_cleared.join(", ") + "; they may use it again."
        : r.device_id + " is unlocked."; }]; },
    "device-revoke": function (b) { return [path(b.dataset.user) + "/devices/" + encodeURIComponent(b.dataset.device) + "/revoke", function () {
      return b.dataset.user + "'s " + b.dataset.factor + " (" + b.dataset.device + ") is revoked."; }]; },
    "account-remove-user": function (b) { return [accountPath(b.dataset.account) + "/users/" + encodeURIComponent(b.dataset.user) + "/remove", function (r) {
      return b.dataset.user + " is taken out of account " + r.account_id + ": the account's IP allowlist no longer applies to " + b.dataset.user + " (" + plural(r.users.length, "user") + " left in it)."; }]; },
    "account-delete": function (b) { return [accountPath(b.dataset.account) + "/delete", function (r) {
      return "Account " + r.deleted + " is deleted" + (r.users.length ? "; " + r.users.join(", ") + (r.users.length === 1 ? " is in no account now, with their own IP allowlist." : " are in no account now, each with their own IP allowlist.") : "."); }]; },
    "reset-world": function () { return ["/trainer/reset", function () {
      return "The world is reset: every user, device, session and event is gone."; }]; },
    "restore-demo": function () { return ["/trainer/demo-world/restore", function (r) {
      return "Back to the demo world: " + plural(r.imported.users, "user") + " and " + plural(r.imported.devices, "device") + " as sls demo seeded them; everything else is gone."; }]; },
    "sim-back": function (b) { return [path(b.dataset.user) + "/sim-back", function () {
      return b.dataset.user + "'s SIM is back in their own phone: texts and calls reach them again."; }]; },
    "reseal": function () { return ["/trainer/state/secrets/reseal", function (r) {
      return r.resealed ? plural(r.resealed, "secret") + " sealed again as " + r.sealing_version + "; none is left under the secret key itself."
        : "Nothing to re-seal: every secret is sealed as " + r.sealing_version + "."; }]; },
  };
  const ASK = {
    "delete": function (b) { return ["Delete " + b.dataset.user + "?", "Their devices, sessions and lockout state go with them.", "Delete " + b.dataset.user]; },
    "device-revoke": function (b) { return ["Revoke " + b.dataset.user + "'s " + b.dataset.factor + "?", b.dataset.device + " can no longer log in; it stays listed as revoked.", "Revoke it"]; },
    "account-delete": function (b) { return ["Delete account " + b.dataset.account + "?", "Its IP allowlist no longer applies to its " + plural(Number(b.dataset.users), "user") + "; they stay, each with their own.", "Delete account " + b.dataset.account]; },
    "restore-demo": function () { return ["Back to the demo world?", "Every user, device, session and event is deleted, then the demo's users, devices and keys are put back as sls demo seeded them.", "Back to the demo world"]; },
    "reset-world": function () { return ["Reset the world?", "Every user, device, session and event is deleted. Save the world first to keep it.", "Reset the world"]; },
  };

  root.addEventListener("click", async function (event) {
    const manage = event.target.closest("[data-manage]");
    if (manage) {
      const panel = usersBox.querySelector("tr[data-user-panel='" + manage.dataset.manage + "']");
      panel.hidden = !panel.hidden;
      manage.setAttribute("aria-expanded", String(!panel.hidden));
      return;
    }
    const button = event.target.closest("[data-admin]");
    if (!button || !ACTIONS[button.dataset.admin]) return;
    const kind = button.dataset.admin;
    /* The card it is in, taken now: the live feed's event of what it did may redraw the card before the
       answer arrives, and the button is then no longer on the page to find its card from. */
    const where = button.closest(".card");
    if (ASK[kind] && !(await confirmFirst.apply(null, ASK[kind](button)))) { say("Nothing was changed.", false, where); return; }
    const [url, words] = ACTIONS[kind](button);
    await busy(button, async function () {
      const answer = await SLS.call("POST", url, {});
      if (answer.ok) say(words(answer.data), false, where);
      else say(answer.data.message || "The server refused it (" + answer.status + ").", true, where);
      changed();
    });
  });

  /* The forms in a user's panel: the IP allowlist (blank lifts it), the phone number and the password. */
  const PANEL_FORMS = {
    "ip-allowlist": function (form) {
      const entries = form.ip_allowlist.value.split(/[\s,]+/).filter(Boolean);
      return [{ ip_allowlist: entries }, function (r) {
        return r.username + "'s IP allowlist: " + (r.ip_allowlist.length ? r.ip_allowlist.join(", ") : "none (unrestricted)") + "."; }];
    },
    "phone": function (form) {
      return [{ phone: form.phone.value.trim() }, function (r) { return r.username + "'s phone number is now " + r.phone + "."; }];
    },
    "password": function (form) {
      return [{ password: form.password.value }, function (r) {
        return r.username + "'s password was set; " + plural(r.sessions_ended, "session") + " ended, and the phone was told."; },
        function (live) { live.password.value = ""; }];
    },
    "account": function (form) {
      return [{ account_id: form.account_id.value.trim() }, function (r) {
        return form.dataset.user + " trades under account " + r.account_id + " (" + plural(r.users.length, "user") + ")."; }];
    },
    "account-ip-allowlist": function (form) {
      const entries = form.ip_allowlist.value.split(/[\s,]+/).filter(Boolean);
      return [{ ip_allowlist: entries }, function (r) {
        return "Account " + r.account_id + "'s IP allowlist: " + (r.ip_allowlist.length ? r.ip_allowlist.join(", ") : "none (unrestricted)") + "."; }];
    },
    "devices": function (form) {
      const type = form.type.value, typeName = form.type.selectedOptions[0].textContent, user = form.dataset.user;
      const body = { type: type, pin: type === "dscplus" ? form.pin.value : null, platform: type === "ibkey" ? form.platform.value : null };
      return [body, function () { return user + " has a new " + typeName + "; what the enrolment returns is shown once, below the form."; },
        function (live, r) { SLS.trainer.showOnce({ username: user, phone: form.dataset.phone || null, device: r }, user + " has a new " + typeName + ".", body.pin, live.querySelector("[data-once]")); live.pin.value = ""; }];
    },
  };
  root.addEventListener("submit", async function (event) {
    const form = event.target.closest("[data-admin-form]");
    if (!form) return;
    event.preventDefault();
    const [body, words, after] = PANEL_FORMS[form.dataset.adminForm](form);
    await busy(form.querySelector("[type=submit]"), async function () {
      const url = form.dataset.account ? "/trainer/accounts/" + encodeURIComponent(form.dataset.account) + "/ip-allowlist"
        : path(form.dataset.user) + "/" + form.dataset.adminForm;
      const answer = await SLS.call("POST", url, body);
      // the table may have been drawn anew meanwhile: the answer goes to the form on the page now
      const live = usersBox.querySelector("[data-admin-form='" + form.dataset.adminForm + "'][data-user='" + form.dataset.user + "']") || form;
      clearErrors(live);
      if (!answer.ok) { showError(live, answer); return; }
      if (after) after(live, answer.data);
      live.querySelectorAll("input").forEach(function (f) { f.defaultValue = f.value; }); // saved: the redraw shows it as stored
      say(words(answer.data));
      changed();
    });
  });

  /* Carry the panels, the edited fields and their errors over to the table trainer.js is about to show. */
  root.addEventListener("trainer:redraw", function (event) {
    const from = event.detail.from, to = event.detail.to;
    if (!from) return;
    const twin = function (el) { return el.dataset.testid && to.querySelector("[data-testid='" + el.dataset.testid + "']"); };
    from.querySelectorAll("tr[data-user-panel]:not([hidden])").forEach(function (row) {
      const panel = twin(row);
      const toggle = to.querySelector("[data-manage='" + row.dataset.userPanel + "']");
      if (panel) panel.hidden = false;
      if (toggle) toggle.setAttribute("aria-expanded", "true");
    });
    from.querySelectorAll("input[data-testid]").forEach(function (field) {
      const other = twin(field);
      if (other && field.value !== field.defaultValue) other.value = field.value;
      if (other && field.hasAttribute("aria-invalid")) other.setAttribute("aria-invalid", "true");
    });
    from.querySelectorAll("select[data-testid]").forEach(function (field) {
      const other = twin(field);
      const chosen = Array.from(field.options).find(function (o) { return o.defaultSelected; }) || field.options[0];
      if (other && chosen && field.value !== chosen.value) other.value = field.value;
    });
    from.querySelectorAll("[data-field-error][data-testid]").forEach(function (p) {
      const other = twin(p);
      if (other) other.textContent = p.textContent;
    });
    from.querySelectorAll("[data-once][data-testid]").forEach(function (shown) {
      const other = twin(shown);
      if (other) other.replaceChildren.apply(other, Array.from(shown.childNodes));
    });
  });
})();
