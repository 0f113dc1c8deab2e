/* The trainer console's administration (sls_server/http/pages/trainer_admin.py, trainer_accounts.py,
   trainer_sessions.py): add a user; per user, disable or enable, end all their sessions or one, delete,
   enrol an authenticator, revoke, reset or unlock a device, set the IP allowlist and the phone, put them in
   an account and set its allowlist; take a user out of an account, delete one (the Accounts card); set the
   clock to an instant; save, load and reset the world. Each is a POST with the page's CSRF token (SLS.call);
   the admin token never reaches this script. A success says so in the status line
   of the card whose button was used (the Users card's for the table and the add-user form) and asks trainer.js to redraw the users table (`trainer:changed`); a refusal is shown next to the field the server
   names, and said too.

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
  const addForm = root.querySelector("[data-form=add-user]");
  const addResult = root.querySelector("[data-testid=add-user-result]");
  const loadForm = root.querySelector("[data-form=load-world]");
  const saveForm = root.querySelector("[data-form=save-world]");

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
      const message = (problem.message || "The server refused it (" + answer.status + ").") + entry;
      const spot = form.querySelector("[data-field-error='" + (problem.field || "") + "']") ||
        form.querySelector("[data-field-error='']") || form.querySelector("[data-field-error]");
      spot.textContent = spot.textContent ? spot.textContent + " " + message : message;
      const field = problem.field && form.querySelector("[name='" + problem.field + "']");
      if (field) { field.setAttribute("aria-invalid", "true"); first = first || field; }
      said.push(message);
    });
    if (first) first.focus();
    say(said.join(" "), true, form);
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

  /* For the console's other scripts (trainer-events.js, the gateway card's): one way to say, refuse, wait. */
  SLS.trainer = { say: say, changed: changed, clearErrors: clearErrors, showError: showError, busy: busy };

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
        function (live, r) { showOnce({ username: user, device: r }, user + " has a new " + typeName + ".", body.pin, live.querySelector("[data-once]")); live.pin.value = ""; }];
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
    to.querySelectorAll("[data-admin-form=devices]").forEach(showTypeFields);
    forgetTheGone(to);
  });

  /* The add-user form's answer (a card's key, an app's secret and QR code, a link to the phone) is of one
     user: once they are gone (deleted, the world reset or replaced), it would stay on the projector for a
     user who no longer exists, its secret a dead one and its link to a missing phone. It goes with them. */
  function forgetTheGone(table) {
    const name = addResult.dataset.user;
    if (!name || table.querySelector("tr[data-username='" + CSS.escape(name) + "']")) return;
    addResult.replaceChildren();
    delete addResult.dataset.user;
  }

  /* Adding a user or an authenticator: only the chosen authenticator's own fields show. */
  function showTypeFields(form) {
    const type = form.type.value;
    form.querySelectorAll("[data-for-types]").forEach(function (group) {
      group.hidden = !group.dataset.forTypes.split(" ").includes(type);
    });
  }
  root.addEventListener("change", function (event) {
    if (event.target.name === "type" && event.target.form && event.target.form.querySelector("[data-for-types]")) showTypeFields(event.target.form);
  });
  showTypeFields(addForm);

  /* What the enrolment returns once, each under the name a person would look for. */
  const ONCE = [
    ["device_id", "Device id"], ["serial", "Card serial"], ["secret_hex", "Card key (hex; shown once)"],
    ["sent_to", "Activation code texted to"], ["challenge", "Activation challenge (key it into the card)"],
    ["secret_b32", "Authenticator secret (shown once)"], ["otpauth_uri", "Provisioning URI"],
    ["passcode", "Temporary passcode (shown once)"], ["expires_at", "Passcode valid until"],
  ];
  function showOnce(made, verdict, pin, target) {
    const device = made.device;
    const rows = [];
    ONCE.forEach(function ([key, title]) {
      if (device[key] === undefined || device[key] === null) return;
      const value = key === "expires_at" ? new Date(device[key] * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC" : String(device[key]);
      rows.push(SLS.el("dt", { text: title }), SLS.el("dd", { class: "mono", "data-testid": "once-" + key, text: value }));
    });
    if (device.type === "sms" || device.type === "voice") rows.push(SLS.el("dt", { text: "Codes go to" }), SLS.el("dd", { "data-testid": "once-label", text: device.label }));
    if (pin) rows.push(SLS.el("dt", { text: "Card PIN" }), SLS.el("dd", { class: "mono", "data-testid": "once-pin", text: pin }));
    const parts = [SLS.el("p", { class: "verdict good", text: verdict }), SLS.el("dl", { class: "once-list" }, rows)];
    if (device.qr_svg) {
      parts.push(SLS.el("img", { class: "once-qr", alt: "QR code of the provisioning URI", "data-testid": "once-qr",
        src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(device.qr_svg) }));
    }
    const simulator = device.type === "dscplus" ? "/sim/card/" + encodeURIComponent(device.device_id) : "/sim/phone/" + encodeURIComponent(made.username);
    parts.push(SLS.el("p", {}, [SLS.el("a", { href: simulator, target: "_blank", rel: "noopener", "data-testid": "once-open-sim",
      text: device.type === "dscplus" ? "Open the card" : "Open " + made.username + "'s phone" })]));
    target.replaceChildren.apply(target, parts);
  }

  addForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const type = addForm.type.value;
    const device = { type: type };
    if (type === "dscplus") device.pin = addForm.pin.value;
    if (type === "ibkey") device.platform = addForm.platform.value;
    const body = { username: addForm.username.value.trim(), password: addForm.password.value, phone: addForm.phone.value.trim(), sms: addForm.sms.checked, device: device };
    await busy(addForm.querySelector("[type=submit]"), async function () {
      const answer = await SLS.call("POST", "/trainer/users", body);
      clearErrors(addForm);
      if (!answer.ok) { addResult.replaceChildren(); delete addResult.dataset.user; showError(addForm, answer); return; }
      const typeName = addForm.type.selectedOptions[0].textContent + (answer.data.sms_at_opening && type !== "sms" ? " (and SMS, as at account opening)" : "");
      showOnce(answer.data, answer.data.username + " was added with " + typeName + ".", device.pin, addResult);
      addResult.dataset.user = answer.data.username;
      addForm.reset();
      addForm.type.value = type;
      showTypeFields(addForm);
      say(answer.data.username + " was added with " + typeName + "; what the enrolment returns is shown once, below the form.");
      changed();
    });
  });

  /* Set the clock to an instant, read as UTC (a datetime-local field has no zone); trainer.js shows it
     from the table it redraws. */
  const clockForm = root.querySelector("[data-form=clock-set]");
  clockForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const typed = clockForm.set_at.value;
    const at = typed ? Math.floor(Date.parse(typed + (typed.length === 16 ? ":00Z" : "Z")) / 1000) : null;
    await busy(clockForm.querySelector("[type=submit]"), async function () {
      const answer = await SLS.call("POST", "/trainer/clock/set", { set_at: Number.isNaN(at) ? null : at });
      clearErrors(clockForm);
      if (!answer.ok) { showError(clockForm, answer); return; }
      say("The clock is set to " + new Date(answer.data.now * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC.", false, clockForm);
      changed();
    });
  });

  /* Save the world: the export as a file, named as the server names it. */
  saveForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    await busy(saveForm.querySelector("[type=submit]"), async function () {
      const response = await SLS.request(saveForm.action, { method: "POST" });
      if (!response.ok) { say("The world could not be saved (" + response.status + ").", true, saveForm); return; }
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const name = named ? named[1] : "sls-world.json";
      const link = SLS.el("a", { href: URL.createObjectURL(await response.blob()), download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
      say("The world is saved as " + name + ".", false, saveForm);
    });
  });

  /* Load a world: the file's bytes as the import's body; a document the server cannot read changes nothing. */
  loadForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearErrors(loadForm);
    const file = loadForm.document.files[0];
    if (!file) { showError(loadForm, { status: 400, data: { message: "Choose a saved world document first." } }); return; }
    const replace = loadForm.replace.checked;
    if (replace && !(await confirmFirst("Replace the world?", "Every user, device, session and event now here is deleted, then " + file.name + " is loaded.", "Replace the world"))) {
      say("Nothing was changed.", false, loadForm);
      return;
    }
    await busy(loadForm.querySelector("[type=submit]"), async function () {
      const response = await SLS.request("/trainer/state/import?replace=" + replace, {
        method: "POST", body: await file.text(), headers: { "Content-Type": "application/json" },
      });
      let data = {};
      try { data = await response.json(); } catch (e) { data = {}; }
      if (!response.ok) {
        const where = data.field ? " (" + data.field + (data.index !== undefined ? ", entry " + data.index : "") + ")" : "";
        showError(loadForm, { status: response.status, data: { message: file.name + " was not loaded, and nothing changed: " + (data.message || response.status) + where } });
        return;
      }
      const n = data.imported;
      say(file.name + " is loaded: " + plural(n.users, "user") + ", " + plural(n.devices, "device") + (data.replaced ? ", in place of the world before." : ", added to the world."), false, loadForm);
      changed();
    });
  });
})();
