/* The trainer console's "Add a user" card (POST /trainer/users): only the chosen authenticator's own fields
   show, here and in a user's Enrol form; what the enrolment returns once (a card's key, an app's secret and
   QR code, a link to the simulator) is shown under the form, and goes when that user does. It says, refuses
   and waits through SLS.trainer (trainer-admin.js, which loads first) and gives it `showOnce`, for the
   answer of a user's Enrol form. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const addForm = root.querySelector("[data-form=add-user]");
  const addResult = root.querySelector("[data-testid=add-user-result]");
  const T = SLS.trainer;

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
  /* made: { username, phone (null: none), device: what the enrolment returned }. */
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
    /* The user's side: the card's page for a card; the phone's for a user with a phone (or the IB Key app), as
       the users table offers it; a user with neither gets no link to a phone page with nothing on it. */
    const card = device.type === "dscplus";
    if (card || made.phone || device.type === "ibkey") {
      const simulator = card ? "/sim/card/" + encodeURIComponent(device.device_id) : "/sim/phone/" + encodeURIComponent(made.username);
      parts.push(SLS.el("p", {}, [SLS.el("a", { href: simulator, target: "_blank", rel: "noopener", "data-testid": "once-open-sim",
        text: card ? "Open the card" : "Open " + made.username + "'s phone" })]));
    }
    target.replaceChildren.apply(target, parts);
  }
  T.showOnce = showOnce;

  /* The users table drawn anew (trainer.js): its Enrol forms show their type's fields, and the answer above
     goes if its user did. */
  root.addEventListener("trainer:redraw", function (event) {
    if (!event.detail.from) return;
    event.detail.to.querySelectorAll("[data-admin-form=devices]").forEach(showTypeFields);
    forgetTheGone(event.detail.to);
  });

  addForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const type = addForm.type.value;
    const device = { type: type };
    if (type === "dscplus") device.pin = addForm.pin.value;
    if (type === "ibkey") device.platform = addForm.platform.value;
    const body = { username: addForm.username.value.trim(), password: addForm.password.value, phone: addForm.phone.value.trim(), sms: addForm.sms.checked, device: device };
    await T.busy(addForm.querySelector("[type=submit]"), async function () {
      const answer = await SLS.call("POST", "/trainer/users", body);
      T.clearErrors(addForm);
      if (!answer.ok) { addResult.replaceChildren(); delete addResult.dataset.user; T.showError(addForm, answer); return; }
      const typeName = addForm.type.selectedOptions[0].textContent + (answer.data.sms_at_opening && type !== "sms" ? " (and SMS, as at account opening)" : "");
      showOnce(answer.data, answer.data.username + " was added with " + typeName + ".", device.pin, addResult);
      addResult.dataset.user = answer.data.username;
      addForm.reset();
      addForm.type.value = type;
      showTypeFields(addForm);
      T.say(answer.data.username + " was added with " + typeName + "; what the enrolment returns is shown once, below the form.");
      T.changed();
    });
  });
})();
